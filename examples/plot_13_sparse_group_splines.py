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

from sklearn_l2x import (
    CVCurveDisplay,
    GroupL2Regression,
    GroupL2RegressionCV,
    PathDisplay,
    SourceGroups,
)

data = load_diabetes(as_frame=True)
X, y = data.data, data.target
splines = make_pipeline(
    SplineTransformer(n_knots=4, degree=3), StandardScaler()
).set_output(transform="pandas")
Z = splines.fit_transform(X)
names = list(X.columns)
per_variable = Z.shape[1] // len(names)
# The spline columns are named after their variable ("bmi_sp_0", ...):
# SourceGroups puts each variable's columns in one group.
groups = SourceGroups(names)
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
    curve = CVCurveDisplay.from_estimator(model, ax=axes[0], legend=False)
    curve.lines_[0].set_label(label)
axes[0].set(title="CV curves (dashed: λ_min, dotted: λ_1se)")
axes[0].legend(fontsize=7)
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
# The group norms along the sparse-group path on the CV grid: variables enter
# one by one; both λ of the cross-validation are marked.
path = PathDisplay.from_estimator(fits["sparse-group lasso"], Z, y)
path.ax_.set_title("sparse-group lasso path")

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
