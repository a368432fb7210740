"""
Elastic net with cross-validation over λ and α
==============================================

The elastic net's two numbers are chosen together:
:class:`~sklearn_l2x.ElasticNetCV` fits the whole λ path on every fold for
every α in ``l1_ratio`` (in parallel with ``n_jobs``) and keeps the pair with
the lowest held-out error. The data: diabetes with all pairwise products of
its features (55 correlated columns, 331 training rows), where the choice
between sparse and dense models is not obvious beforehand. Each curve is the
mean held-out error along one α's path; the dot marks its best λ, the star
the chosen pair. The fit is certified: the reported ``dual_gap_`` bounds how
far the refit is from the exact optimum.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from sklearn_l2x import CVCurveDisplay, ElasticNetCV

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
mixes = [0.05, 0.2, 0.5, 0.8, 1.0]
model = make_pipeline(
    PolynomialFeatures(2, interaction_only=True, include_bias=False),
    StandardScaler(),
    ElasticNetCV(l1_ratio=mixes, lams=40, cv=5, n_jobs=2),
).fit(X_train, y_train)
cv = model[-1]
print(
    f"chosen λ = {cv.lam_:.4g}, α = {cv.l1_ratio_}, "
    f"{np.count_nonzero(cv.coef_)} of {cv.coef_.size} coefficients non-zero, "
    f"test R² = {model.score(X_test, y_test):.3f}, relative gap {cv.dual_gap_:.1e}"
)

# %%
# The held-out score (minus the mean squared error) against λ for every α,
# ± one standard error over the folds; the chosen α's λ_min is marked.
fig, ax = plt.subplots(figsize=(7.5, 4.5))
CVCurveDisplay.from_estimator(cv, ax=ax)
ax.set_ylim(np.percentile(cv.scores_mean_, 40), None)
ax.set_title("ElasticNetCV on diabetes with pairwise interactions")
fig.tight_layout()
plt.show()
