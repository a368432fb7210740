"""
When L2 shines: many correlated features
========================================

With strongly correlated features, least
squares is unstable (a tiny change of the data swings the weights of
correlated features in opposite directions), the lasso picks one feature of a
correlated group more or less at random, and ridge spreads the weight evenly
and stably. Here three groups of four nearly identical features all matter
equally; the coefficients are refitted on 100 random subsamples of 60 of the
80 rows (drawn without replacement: bootstrap duplicates would fool GCV, which
leaves rows out one at a time).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression

from sklearn_l2x import AdaptiveRidge, ElasticNet, ElasticNetCV

rng = np.random.default_rng(0)
n, n_groups, size = 80, 3, 4
latent = rng.normal(size=(n, n_groups))
X = np.repeat(latent, size, axis=1) + 0.05 * rng.normal(size=(n, n_groups * size))
y = latent.sum(axis=1) + rng.normal(scale=0.5, size=n)
lasso_lam = ElasticNetCV(l1_ratio=1.0, cv=5).fit(X, y).lam_

models = {
    "least squares": LinearRegression(),
    "AdaptiveRidge (GCV)": AdaptiveRidge(),
    "lasso (λ by CV)": ElasticNet(lam=lasso_lam, l1_ratio=1.0),
}
coefs = {name: [] for name in models}
for _ in range(100):
    rows = rng.choice(n, 60, replace=False)
    for name, model in models.items():
        coefs[name].append(model.fit(X[rows], y[rows]).coef_)

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 4), sharey=True)
for ax, (name, samples) in zip(axes, coefs.items(), strict=True):
    samples = np.array(samples)
    ax.boxplot(samples, showfliers=False)
    ax.axhline(1 / size, color="C2", ls="--", label="even share of the true weight")
    ax.set_title(f"{name}: sd of w = {samples.std(axis=0).mean():.2f}")
    ax.set_xlabel("feature (groups of 4 near-copies)")
for start in range(size, n_groups * size, size):
    for ax in axes:
        ax.axvline(start + 0.5, color="0.8")
axes[0].set_ylabel("coefficient over 100 subsamples")
axes[0].set_ylim(-3, 3)
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()
