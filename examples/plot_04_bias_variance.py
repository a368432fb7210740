"""
The bias–variance trade-off, measured by resampling
===================================================

A larger λ lowers the variance of the fitted
model (it depends less on the particular training sample) and raises its bias
(it is pulled away from the truth). Here both are *measured*: 200 training sets
are drawn from one known linear model with correlated features, ridge is fitted
to each at every λ, and at fixed test points the squared bias (of the average
prediction) and the variance (across training sets) are computed. Their sum is
the expected test error minus the noise; it is smallest in between, and the λ
that :class:`~sklearn_l2x.AdaptiveRidge` picks by GCV on a single training set
lands near that minimum.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sklearn_l2x import AdaptiveRidge

rng = np.random.default_rng(0)
n, p, noise = 60, 30, 2.0
mixing = rng.normal(size=(p, p)) * 0.3 + np.eye(p)  # correlated features
w_true = rng.normal(size=p) * (rng.uniform(size=p) < 0.5)
X_test = rng.normal(size=(200, p)) @ mixing
f_test = X_test @ w_true

lams = np.logspace(-3, 2, 30)
n_repeats = 200
predictions = np.empty((n_repeats, lams.size, X_test.shape[0]))
chosen = []
for r in range(n_repeats):
    X = rng.normal(size=(n, p)) @ mixing
    y = X @ w_true + rng.normal(scale=noise, size=n)
    for i, lam in enumerate(lams):
        predictions[r, i] = AdaptiveRidge(lam=lam).fit(X, y).predict(X_test)
    chosen.append(AdaptiveRidge().fit(X, y).lam_)

bias_squared = ((predictions.mean(axis=0) - f_test) ** 2).mean(axis=1)
variance = predictions.var(axis=0).mean(axis=1)

# %%
fig, ax = plt.subplots(figsize=(7.5, 4.5))
ax.loglog(lams, bias_squared, label="bias²")
ax.loglog(lams, variance, label="variance")
ax.loglog(lams, bias_squared + variance, "k", lw=2, label="bias² + variance")
best = lams[np.argmin(bias_squared + variance)]
ax.axvline(best, color="k", ls=":", label=f"best λ = {best:.3g}")
low, high = np.percentile(chosen, [10, 90])
ax.axvspan(low, high, color="C2", alpha=0.2, label="λ chosen by GCV (10–90 %)")
ax.set_xlabel("λ")
ax.set_ylabel("at the test points, averaged")
ax.set_title(f"Ridge over {n_repeats} training sets of n={n}, p={p}")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
