"""sklearn_l2x: L2-family regularisation for scikit-learn.

Every estimator minimises ``(1/S) Σ s_i ℓ_i + λ · penalty(w)`` with the loss
averaged over the (weighted) samples; :mod:`sklearn_l2x.conventions` converts λ
exactly to and from scikit-learn's ``C``/``alpha`` and other libraries' strengths.
"""

from . import conventions
from ._adaptive_logistic import AdaptiveLogisticRegression
from ._displays import CriterionDisplay, CVCurveDisplay, PathDisplay
from ._elastic_net import ElasticNet, elastic_net_path
from ._elastic_net_classifier import ElasticNetClassifier
from ._elastic_net_cv import ElasticNetCV
from ._group_logistic import GroupL2LogisticRegression, lam_max
from ._group_regression import (
    GroupL2Regression,
    GroupL2RegressionCV,
    group_l2_regression_path,
)
from ._groups import SourceGroups, groups_from_feature_names
from ._logistic_cv import (
    ElasticNetClassifierCV,
    GroupL2LogisticRegressionCV,
    group_l2_logistic_path,
)
from ._ridge import AdaptiveRidge
from ._ridge_classifier import AdaptiveRidgeClassifier
from .conventions import C_to_lambda, convert, lambda_to_C

__version__ = "0.1.0.dev0"

__all__ = [
    "AdaptiveLogisticRegression",
    "AdaptiveRidge",
    "AdaptiveRidgeClassifier",
    "C_to_lambda",
    "CriterionDisplay",
    "CVCurveDisplay",
    "GroupL2LogisticRegression",
    "PathDisplay",
    "SourceGroups",
    "GroupL2LogisticRegressionCV",
    "GroupL2Regression",
    "GroupL2RegressionCV",
    "ElasticNet",
    "ElasticNetCV",
    "ElasticNetClassifier",
    "ElasticNetClassifierCV",
    "convert",
    "elastic_net_path",
    "conventions",
    "group_l2_logistic_path",
    "group_l2_regression_path",
    "groups_from_feature_names",
    "lam_max",
    "lambda_to_C",
    "__version__",
]
