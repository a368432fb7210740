"""
λ ↔ C: why "λ = 1/C" is off, and the exact mapping
==================================================

scikit-learn's ``C`` is often said to be "related to λ by λ = 1/C".
scikit-learn's ``LogisticRegression`` minimises ``C·Σ logloss + ½‖w‖²``;
the textbook objective with an averaged loss is ``mean logloss + λ‖w‖²``. They
have the same minimiser when ``C = 1/(2·n·λ)``, which
:func:`~sklearn_l2x.conventions.lambda_to_C` computes. This example fits
``LogisticRegression`` with both mappings and compares the coefficients with
the minimiser of the textbook objective found directly by scipy.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from sklearn_l2x.conventions import lambda_to_C

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
n = len(y)


def textbook_minimiser(lam):
    """argmin of mean logloss + λ‖w‖², by L-BFGS on the objective itself."""

    def objective(theta):
        w, b = theta[:-1], theta[-1]
        eta = X @ w + b
        value = np.mean(-log_expit(eta) + (1 - y) * eta) + lam * w @ w
        residual = (expit(eta) - y) / n
        return value, np.r_[X.T @ residual + 2 * lam * w, residual.sum()]

    theta = minimize(
        objective,
        np.zeros(X.shape[1] + 1),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 50000},
    ).x
    return theta[:-1]


lams = np.logspace(-4, 0, 9)
exact_error, naive_error = [], []
for lam in lams:
    reference = textbook_minimiser(lam)
    for C, errors in (
        (lambda_to_C(lam, n_samples=n), exact_error),
        (1 / lam, naive_error),
    ):
        model = LogisticRegression(C=C, tol=1e-10, max_iter=10000).fit(X, y)
        errors.append(np.max(np.abs(model.coef_[0] - reference)))

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.loglog(lams, naive_error, "o-", label="C = 1/λ (the rule of thumb)")
ax.loglog(lams, exact_error, "s-", label="C = lambda_to_C(λ, n) = 1/(2nλ)")
ax.set_xlabel("λ in mean logloss + λ‖w‖²")
ax.set_ylabel("max |coefficient − textbook minimiser|")
ax.set_title("LogisticRegression(C) against the textbook objective")
ax.legend()
fig.tight_layout()
print("largest error, exact mapping:", f"{max(exact_error):.1e}")
print("smallest error, λ = 1/C:", f"{min(naive_error):.2g}")
