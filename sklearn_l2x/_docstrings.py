"""Docstrings that share parameter descriptions without repeating them in the source.

A CV estimator or a path function takes most parameters of its single-λ
estimator. Its docstring names them in one entry (``"groups, tol, max_iter"``
followed by ``"As in :class:`GroupL2LogisticRegression`."``); at import time
:func:`share_parameters` replaces that entry by the source's own entries for
those names and orders the whole Parameters section as the signature, so
every rendered page (and numpydoc's validation) sees every parameter with
its type and description.
"""

import ast
import inspect
import re

__all__ = ["share_parameters"]

_SECTION = re.compile(
    r"^    Parameters\n    -{10}\n(.*?)(?=^    \S[^\n]*\n    -{3,}\n|\Z)", re.S | re.M
)
_ENTRY_START = re.compile(r"^    (?=\S)", re.M)


def _entries(section):
    """The entries of a Parameters section: one per unindented (4-space) line."""
    starts = [m.start() for m in _ENTRY_START.finditer(section)]
    return [
        section[a:b] for a, b in zip(starts, [*starts[1:], len(section)], strict=True)
    ]


def _names(entry):
    """The parameter names an entry documents ("a, b : type" or "a, b")."""
    head = entry.split("\n", 1)[0]
    # A head continued with a backslash spans two lines.
    if head.endswith("\\"):
        head = head[:-1] + entry.split("\n", 2)[1]
    head = head.split(" : ", 1)[0]
    return [name.strip() for name in head.split(",") if name.strip()]


def _with_default(entry, default):
    """``entry`` with its "default=..." saying the target's own default."""
    if default is inspect.Parameter.empty:
        return entry
    head, _, rest = entry.partition("\n")
    if head.endswith("\\"):
        second, _, rest = rest.partition("\n")
        head = head + "\n" + second
    found = re.search(r"default=([^\n]*)$", head)
    if found is None:
        return entry
    try:
        same = ast.literal_eval(found.group(1)) == default
    except (ValueError, SyntaxError):
        same = False
    if not same:
        value = repr(default) if isinstance(default, str) else str(default)
        head = head[: found.start(1)] + value
    return head + "\n" + rest


def _parameters(doc):
    match = _SECTION.search(doc)
    if match is None:
        raise ValueError("no Parameters section")
    return match, _entries(match.group(1))


def share_parameters(target, source):
    """Rewrite ``target.__doc__``: shared entries expanded from ``source``, ordered.

    An entry whose description is "As in ..." and that names several
    parameters (or one) is replaced by ``source``'s entry of each name.
    """
    doc = target.__doc__
    match, entries = _parameters(doc)
    _, source_entries = _parameters(source.__doc__)
    by_name = {}
    for entry in source_entries:
        for name in _names(entry):
            by_name.setdefault(name, entry if len(_names(entry)) == 1 else None)
    documented = {}
    for entry in entries:
        names = _names(entry)
        shared = "As in " in entry and (len(names) > 1 or entry.count("\n") <= 2)
        for name in names:
            if shared and by_name.get(name):
                documented[name] = by_name[name]
            else:
                documented[name] = entry
    signature = inspect.signature(target).parameters
    for name, entry in list(documented.items()):
        if name in signature and entry is by_name.get(name):
            documented[name] = _with_default(entry, signature[name].default)
    order = list(signature)
    seen, ordered = set(), []
    for name in order + list(documented):
        entry = documented.get(name)
        if entry is not None and id(entry) not in seen:
            seen.add(id(entry))
            ordered.append(entry.rstrip() + "\n")
    section = "".join(ordered) + "\n"
    target.__doc__ = doc[: match.start(1)] + section + doc[match.end(1) :]
    return target
