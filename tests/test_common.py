"""scikit-learn's estimator checks on every public estimator, found automatically.

No check is expected to fail: ``parametrize_with_checks`` is called without
``expected_failed_checks``.
"""

import importlib
import inspect
import pkgutil

import pytest
from sklearn.base import BaseEstimator
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    parametrize_with_checks,
)

import sklearn_l2x


def public_estimators():
    """Classes exported by ``sklearn_l2x`` that are scikit-learn estimators."""
    return sorted(
        (
            obj
            for name in sklearn_l2x.__all__
            if inspect.isclass(obj := getattr(sklearn_l2x, name))
            and issubclass(obj, BaseEstimator)
        ),
        key=lambda cls: cls.__name__,
    )


def all_estimator_classes_in_package():
    """Every non-private estimator class defined anywhere in the package."""
    found = set()
    for module_info in pkgutil.walk_packages(
        sklearn_l2x.__path__, prefix="sklearn_l2x."
    ):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found.add(obj)
    return found


def _instances():
    # Every estimator with its defaults, except the CV estimators' grid size:
    # ten λ instead of 100, as scikit-learn's own checks shrink its CV
    # estimators' grids (the checks test behaviour, not the grid).
    return [
        cls(lams=10) if "lams" in inspect.signature(cls).parameters else cls()
        for cls in public_estimators()
    ]


def test_discovery_finds_every_estimator_defined_in_the_package():
    """Every estimator class in the package is exported, so it gets checked."""
    assert all_estimator_classes_in_package() <= set(public_estimators())
    for cls in public_estimators():
        assert cls.__module__.startswith("sklearn_l2x.")


def array_api_dispatch_available():
    """Whether scikit-learn can enable array API dispatch here (SciPy >= 1.14)."""
    import sklearn

    try:
        with sklearn.config_context(array_api_dispatch=True):
            return True
    except (ImportError, RuntimeError):
        return False


def cuda_usable():
    """Whether PyTorch can allocate on a CUDA device here."""
    try:
        import torch

        torch.zeros(1, device="cuda")
        return True
    except Exception:  # noqa: BLE001 - no torch, no device, or no driver
        return False


@parametrize_with_checks(_instances())
def test_sklearn_compatible_estimator(estimator, check):
    name = getattr(check, "func", check).__name__
    if "array_api" in name and not array_api_dispatch_available():
        pytest.skip("array API dispatch is not available (it needs SciPy >= 1.14)")
    if "array_api" in name and "cuda" in repr(check) and not cuda_usable():
        pytest.skip("no usable CUDA device")
    check(estimator)


@pytest.mark.parametrize("estimator", _instances(), ids=lambda est: type(est).__name__)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", _instances(), ids=lambda est: type(est).__name__)
def test_dataframe_column_names_consistency(estimator):
    pytest.importorskip("pandas")
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)
