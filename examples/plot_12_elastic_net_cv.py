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

from sklearn_l2x import ElasticNetCV

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
fig, ax = plt.subplots(figsize=(7.5, 4.5))
for i, mix in enumerate(mixes):
    mean = cv.mse_path_[i].mean(axis=1)
    line = ax.semilogx(cv.lams_[i], mean, label=f"α = {mix}")[0]
    best = np.argmin(mean)
    ax.plot(cv.lams_[i][best], mean[best], "o", color=line.get_color())
chosen = list(mixes).index(cv.l1_ratio_)
ax.plot(
    cv.lam_,
    cv.mse_path_[chosen].mean(axis=1).min(),
    "k*",
    markersize=14,
    label="chosen (λ, α)",
)
ax.set_xlabel("λ")
ax.set_ylabel("mean held-out squared error (5 folds)")
ax.set_ylim(None, np.percentile(cv.mse_path_.mean(axis=2), 60))
ax.set_title("ElasticNetCV on diabetes with pairwise interactions")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
