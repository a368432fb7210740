"""
Choosing λ: k-fold CV, a grid search, GCV, leave-one-out and the evidence
=========================================================================

λ is usually chosen by cross-validation over a grid. Both try
a handful of values. :class:`~sklearn_l2x.AdaptiveRidge` instead evaluates a
criterion as a continuous function of λ from one decomposition of the data and
returns its optimum. Here every criterion is drawn on one plot for the
diabetes data, with the λ each one picks, next to a ``GridSearchCV`` over a
10-point grid.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import AdaptiveRidge
from sklearn_l2x.conventions import convert

X, y = load_diabetes(return_X_y=True)
X = StandardScaler().fit_transform(X)
n = len(y)

models = {
    "GCV": AdaptiveRidge(criterion="gcv"),
    "leave-one-out": AdaptiveRidge(criterion="loo"),
    "5-fold CV": AdaptiveRidge(cv=5),
    "evidence": AdaptiveRidge(criterion="evidence"),
}
for model in models.values():
    model.fit(X, y)

# A coarse grid search over λ, expressed as Ridge's alpha = n·λ.
lam_grid = np.logspace(-4, 0, 10)
alpha_grid = convert(lam_grid, source="l2x", target="Ridge", n_samples=n)
search = GridSearchCV(Ridge(), {"alpha": alpha_grid}, cv=5).fit(X, y)
grid_lam = convert(
    search.best_params_["alpha"], source="Ridge", target="l2x", n_samples=n
)

# %%
# The curves are on different scales; each is shifted and scaled to [0, 1]
# over the range shown (the evidence is negated so lower is better for all).
fig, ax = plt.subplots(figsize=(7, 4.5))
for (name, model), color in zip(models.items(), ["C0", "C1", "C2", "C3"], strict=True):
    lam, values = model.lam_path_, model.criterion_path_
    if name == "evidence":
        values = -values
    shown = (lam > 1e-4) & (lam < 1)
    scaled = (values - values[shown].min()) / np.ptp(values[shown])
    ax.semilogx(lam[shown], scaled[shown], color=color, label=name)
    ax.axvline(model.lam_, color=color, linestyle="--", linewidth=1)
ax.axvline(grid_lam, color="k", linestyle=":", label="GridSearchCV (10 values)")
ax.plot(lam_grid, np.full_like(lam_grid, -0.03), "k|", markersize=10)
ax.set_xlabel("λ (mean squared error + λ‖w‖²)")
ax.set_ylabel("criterion, rescaled (lower is better)")
ax.set_title("Each criterion and the λ it picks (dashed)")
ax.legend(loc="upper left")
fig.tight_layout()

# %%
for name, model in models.items():
    print(f"{name:>14}: λ = {model.lam_:.4g}  (Ridge alpha = {model.alpha_:.4g})")
print(f"{'GridSearchCV':>14}: λ = {grid_lam:.4g}  (one of its 10 grid points)")
