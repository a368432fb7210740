"""
The penalty and weight decay: coefficients shrink as λ grows
============================================================

The penalty λΣw² pulls every weight
towards zero, the more so the larger λ; gradient descent on the penalised loss
multiplies the weights by (1 − 2ηλ) at each step, hence "weight decay". Unlike
the lasso, ridge shrinks smoothly and never sets a weight exactly to zero.

The path below refits :class:`~sklearn_l2x.AdaptiveRidge` at fixed values of
``lam`` on the diabetes data; the dotted line marks the λ it chooses by itself
(GCV), which is where the effective degrees of freedom have dropped from 10 to
the number the data support.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import AdaptiveRidge

data = load_diabetes()
X = StandardScaler().fit_transform(data.data)
y = data.target
lams = np.logspace(-4, 3, 60)
fits = [AdaptiveRidge(lam=lam).fit(X, y) for lam in lams]
coefs = np.array([fit.coef_ for fit in fits])
dofs = np.array([fit.effective_dof_ for fit in fits])
chosen = AdaptiveRidge(criterion="gcv").fit(X, y)

# %%
# Weight decay is the same shrinkage seen as a multiplicative step: one gradient
# step on mean squared error + λ‖w‖² with step size η multiplies w by
# (1 − 2ηλ) before the data term acts. The right panel shows the overall effect
# on the size of w and on the model's effective degrees of freedom.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
for j, name in enumerate(data.feature_names):
    left.semilogx(lams, coefs[:, j], label=name)
left.axvline(chosen.lam_, color="k", ls=":", label=f"GCV: λ = {chosen.lam_:.3g}")
left.axhline(0, color="0.8", lw=0.8)
left.set_xlabel("λ")
left.set_ylabel("coefficient (standardised features)")
left.set_title("Ridge path on diabetes: smooth shrinkage, no exact zeros")
left.legend(fontsize=7, ncol=2)

norms = np.linalg.norm(coefs, axis=1)
right.loglog(lams, norms / norms[0], label="‖w(λ)‖ / ‖w(0)‖")
right.loglog(lams, dofs / dofs[0], label="effective degrees of freedom / p")
right.axvline(chosen.lam_, color="k", ls=":")
right.set_xlabel("λ")
right.set_title("Size of w and model complexity fall together")
right.legend(fontsize=8)
fig.tight_layout()
plt.show()
