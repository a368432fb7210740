"""
L1 vs L2 vs elastic net: paths and sparsity
===========================================

The L1 penalty λΣ|w| sets weights exactly to
zero (feature selection), the L2 penalty λΣw² only shrinks them, and the
elastic net λ[αΣ|w| + (1 − α)Σw²] does both. Below, the three paths on the
diabetes data, each from :func:`~sklearn_l2x.elastic_net_path` (with
``l1_ratio`` = 1, 0.5 and 0), and the number of non-zero weights along each.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import elastic_net_path

data = load_diabetes()
X = StandardScaler().fit_transform(data.data)
y = (data.target - data.target.mean()) / data.target.std()
lams = np.logspace(1, -4, 60)
paths = {
    mix: elastic_net_path(X, y, l1_ratio=mix, lams=lams)[1] for mix in (1.0, 0.5, 0.0)
}
titles = {
    1.0: "L1 (lasso), α = 1",
    0.5: "elastic net, α = 0.5",
    0.0: "L2 (ridge), α = 0",
}

# %%
fig, axes = plt.subplots(1, 4, figsize=(15, 4), sharex=True)
for ax, (mix, coefs) in zip(axes, paths.items(), strict=False):
    for j, name in enumerate(data.feature_names):
        ax.semilogx(lams, coefs[:, j], label=name)
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set_title(titles[mix])
    ax.set_xlabel("λ")
axes[0].set_ylabel("coefficient")
axes[0].legend(fontsize=7, ncol=2)
for mix, coefs in paths.items():
    axes[3].semilogx(lams, (coefs != 0).sum(axis=1), label=titles[mix])
axes[3].set_title("non-zero coefficients")
axes[3].legend(fontsize=8)
axes[0].invert_xaxis()
fig.tight_layout()
plt.show()
