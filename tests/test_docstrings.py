"""numpydoc validation of the public API, and the l1_ratio convention stated."""

import inspect

import pytest

import sklearn_l2x

numpydoc_validate = pytest.importorskip("numpydoc.validate")

# Checks not applied: "See Also" and an extended summary are optional (SA01,
# ES01); descriptions may start with a symbol ("λ values ...", "ω_g >= 0")
# (PR08, SA03, SS05, SS06, RT05); "self : EstimatorName" is the package's
# Returns line of fit (RT02); methods need no Examples section of their own
# (EX01 applies to classes and functions); the summary starts on the line of
# the opening quotes (GL01, as PEP 257 writes it).
IGNORED = {"SA01", "ES01", "SS05", "SS06", "RT05", "RT02", "PR08", "SA03", "GL08"}
IGNORED |= {"GL01"}


def _public_objects():
    for name in sklearn_l2x.__all__:
        obj = getattr(sklearn_l2x, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            yield f"sklearn_l2x.{name}", obj
            if inspect.isclass(obj):
                yield from _own_methods(name, obj)


def _own_methods(name, cls):
    """Public methods the package defines (inherited from its own bases too)."""
    for method in sorted(dir(cls)):
        if method.startswith("_"):
            continue
        owner = next((c for c in cls.__mro__ if method in vars(c)), None)
        if owner is not None and owner.__module__.startswith("sklearn_l2x"):
            if callable(getattr(cls, method)):
                yield f"sklearn_l2x.{name}.{method}", getattr(cls, method)


OBJECTS = list(_public_objects())


@pytest.mark.parametrize("name, obj", OBJECTS, ids=[name for name, _ in OBJECTS])
def test_public_docstrings_validate(name, obj):
    result = numpydoc_validate.validate(name)
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in IGNORED and not (code == "EX01" and name.count(".") > 1)
    ]
    assert not errors, "\n".join(errors)


L1_RATIO_OWNERS = [
    sklearn_l2x.ElasticNet,
    sklearn_l2x.ElasticNetCV,
    sklearn_l2x.ElasticNetClassifier,
    sklearn_l2x.ElasticNetClassifierCV,
    sklearn_l2x.elastic_net_path,
]


@pytest.mark.parametrize("owner", L1_RATIO_OWNERS, ids=lambda o: o.__name__)
def test_l1_ratio_convention_is_in_the_first_line(owner):
    first = inspect.getdoc(owner).splitlines()[0]
    assert "α = l1_ratio" in first and "α/(2 − α)" in first, first
