"""Checks on the built HTML that a reader would otherwise catch by eye.

Every public class page lists the public methods the class has (inherited
ones included), the navigation bar links the gallery, and the conventions
table is laid out to wrap its long cells.
"""

import inspect
import sys
from pathlib import Path

import sklearn_l2x

HTML = Path(__file__).resolve().parent.parent / "doc" / "_build" / "html"
ROUTING = {"get_metadata_routing", "set_fit_request", "set_score_request"}
ROUTING |= {"set_partial_fit_request", "set_predict_request"}


def main():
    problems = []
    for name in sklearn_l2x.__all__:
        cls = getattr(sklearn_l2x, name)
        if not inspect.isclass(cls):
            continue
        page = (HTML / "generated" / f"sklearn_l2x.{name}.html").read_text()
        methods = {
            m
            for m in dir(cls)
            if not m.startswith("_")
            and callable(getattr(cls, m))
            and not isinstance(inspect.getattr_static(cls, m), type)
        } - ROUTING
        for method in sorted(methods):
            if f'id="sklearn_l2x.{name}.{method}"' not in page:
                problems.append(f"{name}'s page does not list {method}")
    index = (HTML / "index.html").read_text()
    if 'href="auto_examples/index.html"' not in index:
        problems.append("the navigation does not link the gallery")
    if "conventions-table" not in (HTML / "user_guide.html").read_text():
        problems.append("the conventions table lost its wrapping class")
    print("\n".join(problems) or "docs: every class page lists its methods")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
