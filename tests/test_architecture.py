"""The package's layering: what each module may import.

- scikit-learn's private API (a name or module with a leading underscore,
  ``sklearn.utils.fixes``) and switches on scikit-learn's version are reached
  through :mod:`sklearn_l2x._sklearn_compat` only;
- the layers below the estimators (losses, penalties, solvers, groups, λ
  selection, the problem and path/CV engines) never import scikit-learn's
  estimator base classes nor the estimators' modules.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_l2x"

# The layers below the estimators.
LOWER_LAYERS = [
    "_losses.py",
    "_penalties.py",
    "_groups.py",
    "_selection.py",
    "_validation.py",
    "_problem.py",
    "_cv.py",
    "_ridge_engine.py",
    "_dask.py",
    "_solvers",
]
ESTIMATOR_MODULES = {
    "_ridge",
    "_logistic",
    "_group_logistic",
    "_elastic_net",
    "_elastic_net_cv",
    "_elastic_net_classifier",
    "_logistic_cv",
}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _imports(path):
    """(module, name) pairs imported by ``path`` (name None for ``import m``)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = "." * node.level + module
            for alias in node.names:
                yield module, alias.name


def _is_private_sklearn(module, name):
    if module != "sklearn" and not module.startswith("sklearn."):
        return False
    parts = module.split(".")
    return (
        any(part.startswith("_") for part in parts)
        or module == "sklearn.utils.fixes"
        or (name is not None and name.startswith("_"))
    )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_private_sklearn_api_only_through_the_compat_module(path):
    if path.name == "_sklearn_compat.py":
        return
    private = [
        f"{module}.{name}" if name else module
        for module, name in _imports(path)
        if _is_private_sklearn(module, name)
    ]
    assert not private, f"{path.name} imports {private}; use _sklearn_compat"
    assert "sklearn.__version__" not in path.read_text(), (
        f"{path.name} reads scikit-learn's version; use _sklearn_compat"
    )


def _lower_layer_files():
    for entry in LOWER_LAYERS:
        target = PACKAGE / entry
        if target.is_dir():
            yield from sorted(target.glob("*.py"))
        elif target.exists():
            yield target


@pytest.mark.parametrize(
    "path", list(_lower_layer_files()), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_lower_layers_know_no_estimators(path):
    for module, _ in _imports(path):
        assert not module.startswith("sklearn.base"), f"{path.name} imports {module}"
        stripped = module.lstrip(".")
        assert stripped not in ESTIMATOR_MODULES, f"{path.name} imports {module}"


def test_the_checker_sees_a_private_import(tmp_path):
    # The rule above must be able to fail.
    bad = tmp_path / "bad.py"
    bad.write_text("from sklearn.utils._param_validation import Interval\n")
    assert any(_is_private_sklearn(m, n) for m, n in _imports(bad))
    fine = tmp_path / "fine.py"
    fine.write_text("from sklearn.utils.validation import check_is_fitted\n")
    assert not any(_is_private_sklearn(m, n) for m, n in _imports(fine))
