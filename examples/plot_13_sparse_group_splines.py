"""
Sparse-group lasso: choosing variables, and the shape of their effect
=====================================================================

An additive model expands every variable of the diabetes data (bundled with
scikit-learn) into a few spline columns. Grouping each variable's columns,
:class:`~sklearn_l2x.GroupL2RegressionCV` keeps or drops whole variables
(the group lasso); with ``l1_ratio > 0`` (the sparse-group lasso) it also
zeroes single spline columns inside the variables it keeps, so the kept
effects are described by fewer basis functions. The one-standard-error rule
(``selection="1se"``) then picks the most regularised model the folds cannot
tell apart from the best.

The same estimator fits several targets at once: the last part predicts the
three body measurements of the Linnerud data from three exercises, one group
per exercise spanning all three targets (the multi-task group lasso).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes, load_linnerud
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer, StandardScaler

from sklearn_l2x import GroupL2Regression, GroupL2RegressionCV, group_l2_regression_path

data = load_diabetes(as_frame=True)
X, y = data.data, data.target
splines = make_pipeline(
    SplineTransformer(n_knots=4, degree=3), StandardScaler()
).set_output(transform="pandas")
Z = splines.fit_transform(X)
names = list(X.columns)
per_variable = Z.shape[1] // len(names)
groups = {
    name: list(range(k * per_variable, (k + 1) * per_variable))
    for k, name in enumerate(names)
}
print(f"{Z.shape[1]} spline columns, {per_variable} per variable")

# %%
# Cross-validated group lasso and sparse-group lasso, with both rules.
folds = KFold(5, shuffle=True, random_state=0)
fits = {}
for label, l1_ratio in [("group lasso", 0.0), ("sparse-group lasso", 0.8)]:
    model = GroupL2RegressionCV(
        groups, l1_ratio=l1_ratio, lams=40, cv=folds, selection="1se"
    ).fit(Z, y)
    fits[label] = model
    nonzero = int(np.sum(model.coef_ != 0))
    print(
        f"{label:>18}: lam_min = {model.lam_min_:.3g}, lam_1se = {model.lam_1se_:.3g};"
        f" {len(model.active_groups_)} variables, {nonzero} non-zero columns"
        f" at the 1-SE λ: {model.active_groups_}"
    )

# %%
# Left: the CV curves (mean ± one standard error) with both λ marked.
# Right: which spline columns each model keeps (rows: variables).
fig, axes = plt.subplots(1, 3, figsize=(13, 4), width_ratios=[1.3, 1, 1])
for label, model in fits.items():
    mse, se = -model.scores_mean_, model.scores_se_
    line = axes[0].semilogx(model.lams_, mse, label=label)[0]
    axes[0].fill_between(
        model.lams_, mse - se, mse + se, alpha=0.2, color=line.get_color()
    )
    axes[0].axvline(model.lam_min_, color=line.get_color(), ls=":")
    axes[0].axvline(model.lam_1se_, color=line.get_color(), ls="--")
axes[0].set(
    xlabel="λ", ylabel="held-out MSE", title="CV curves (dotted: min, dashed: 1-SE)"
)
axes[0].legend()
for ax, (label, model) in zip(axes[1:], fits.items(), strict=True):
    kept = (model.coef_.reshape(len(names), per_variable) != 0).astype(float)
    ax.imshow(kept, cmap="Greys", vmin=0, vmax=1, aspect="auto")
    ax.set(
        yticks=range(len(names)),
        yticklabels=names,
        xlabel="spline column",
        title=f"{label}: kept columns",
    )
fig.tight_layout()

# %%
# The group norms along the sparse-group path: variables enter one by one.
lams, coefs, _, _ = group_l2_regression_path(Z, y, groups=groups, l1_ratio=0.8, lams=40)
norms = np.array([[np.linalg.norm(c[g]) for g in groups.values()] for c in coefs])
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogx(lams, norms)
ax.axvline(fits["sparse-group lasso"].lam_1se_, color="k", ls="--", label="1-SE λ")
ax.set(xlabel="λ", ylabel="‖w_g‖ per variable", title="sparse-group lasso path")
ax.legend()

# %%
# Multi-task: one group per exercise, spanning the three body measurements.
X3, Y3 = load_linnerud(return_X_y=True, as_frame=True)
exercises = make_pipeline(StandardScaler(), GroupL2Regression(lam=5.0)).fit(X3, Y3)
print(
    "exercises kept for all three targets:",
    [X3.columns[g] for g in exercises[-1].active_groups_],
)
print(np.round(exercises[-1].coef_, 2))
plt.show()
