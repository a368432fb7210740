"""The tour: ``python -m sklearn_l2x``.

Runs sklearn_l2x next to its closest scikit-learn counterparts on datasets that
ship with scikit-learn (no download) and prints what each picks and scores.
"""

import argparse
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_expit

from sklearn_l2x import __version__
from sklearn_l2x.conventions import convert, lambda_to_C

__all__ = ["main"]


def _mean_log_loss_l2(X, y, lam):
    """Minimise our objective (mean log-loss + λ‖w‖²) directly with scipy."""

    def fun(theta):
        w, b = theta[:-1], theta[-1]
        eta = X @ w + b
        loss = np.mean(-log_expit(eta) + (1 - y) * eta)
        residual = (1 / (1 + np.exp(-eta)) - y) / len(y)
        grad = np.r_[X.T @ residual + 2 * lam * w, residual.sum()]
        return loss + lam * w @ w, grad

    result = minimize(
        fun,
        np.zeros(X.shape[1] + 1),
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000},
    )
    return result.x[:-1], result.x[-1]


def tour_conventions(out=sys.stdout):
    """λ ↔ C on the breast-cancer data: the exact map against 'λ = 1/C'."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    n = X.shape[0]
    print(
        "1. λ ↔ C: which LogisticRegression(C) minimises mean log-loss + λ‖w‖²?",
        file=out,
    )
    print(f"   breast cancer data, n={n}, p={X.shape[1]}, standardised\n", file=out)
    header = (
        f"   {'λ':>8} {'C exact':>10} {'max|Δw| exact':>14} "
        f"{'C = 1/λ':>10} {'max|Δw| naive':>14}"
    )
    print(header, file=out)
    for lam in (0.1, 0.01, 0.001):
        w_ref, _ = _mean_log_loss_l2(X, y, lam)
        C_exact = lambda_to_C(lam, n_samples=n)
        errors = []
        for C in (C_exact, 1 / lam):
            model = LogisticRegression(C=C, tol=1e-10, max_iter=10000).fit(X, y)
            errors.append(np.max(np.abs(model.coef_[0] - w_ref)))
        print(
            f"   {lam:8.3g} {C_exact:10.4g} {errors[0]:14.1e} "
            f"{1 / lam:10.4g} {errors[1]:14.2g}",
            file=out,
        )
    print(
        "\n   The exact map is C = 1/(2·n·λ) (1/(2·Σs_i·λ) with weights); the\n"
        "   rule of thumb 'λ = 1/C' ignores n and a factor 2, and fits another"
        " model.",
        file=out,
    )
    alpha, l1_ratio = convert(0.1, source="l2x", target="ElasticNet", l1_ratio=0.5)
    print(
        "   The same for the elastic net: our (λ=0.1, l1_ratio=0.5) is "
        f"ElasticNet(alpha={alpha:.4g}, l1_ratio={l1_ratio:.4g}).\n",
        file=out,
    )


SECTIONS = {"conventions": tour_conventions}


def main(argv=None):
    """Run the tour and print its report.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``sys.argv[1:]`` when None).

    Returns
    -------
    status : int
        0 on success.

    Examples
    --------
    >>> from sklearn_l2x.__main__ import main
    >>> main(["--only", "conventions"])  # doctest: +ELLIPSIS
    sklearn_l2x ... tour
    ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_l2x",
        description=(
            "A tour of sklearn_l2x on datasets bundled with scikit-learn: each "
            "section fits our estimator next to its closest scikit-learn "
            "counterpart and prints the chosen λ (with the equivalent scikit-learn "
            "parameter), the held-out score and the fit time."
        ),
    )
    parser.add_argument(
        "--only",
        choices=sorted(SECTIONS),
        action="append",
        help="run only this section (repeatable)",
    )
    args = parser.parse_args(argv)
    print(f"sklearn_l2x {__version__} tour\n")
    start = time.perf_counter()
    for name in args.only or list(SECTIONS):
        SECTIONS[name]()
    print(f"tour finished in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
