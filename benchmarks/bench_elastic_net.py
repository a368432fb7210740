"""ElasticNet and ElasticNetClassifier against scikit-learn and skglm.

Run where skglm is installed too (it pins its own numba/numpy; a separate venv
with sklearn_l2x installed works)::

    python -m venv peers && peers/bin/pip install skglm -e .
    peers/bin/python benchmarks/bench_elastic_net.py

Everything runs in this one process, side by side, best of ``--repeat``.
Every solution, ours or a peer's, is scored by the *same* duality-gap
function (ours, in :mod:`sklearn_l2x._solvers.enet_cd`), relative to the
objective at w = 0, so the "gap" column compares like with like.
Each contestant, ours included, is *calibrated*: its tolerances (which mean
different things: ours bounds the relative gap, scikit-learn's is checked only
now and then, skglm's bounds an optimality violation) are tried from loose to
tight and the loosest whose solution has a relative gap of at most 1e-8 (one
λ), or a worst gap along the path of at most 1e-6 (paths), is timed, best of
``--repeat`` with the spread. Paths: ours is :func:`elastic_net_path`,
scikit-learn's ``enet_path`` on centred data, skglm's own ``ElasticNet.path``.
skglm is timed warm (after one fit has compiled its numba code).
Each timed call follows a ``--settle`` pause (see ``_timing.py``); ``--busy``
keeps one other core busy for the whole run. The dense 2000×5000 paths
against R's glmnet are in ``bench_glmnet.py``.
"""

import argparse
import warnings

import _fresh as fresh
import _timing
import numpy as np
import scipy.sparse as sp
from _timing import best_time
from sklearn import linear_model
from sklearn.exceptions import ConvergenceWarning

from sklearn_l2x import ElasticNet, ElasticNetClassifier, convert, elastic_net_path
from sklearn_l2x._penalties import L1L2
from sklearn_l2x._problem import ElasticNetProblem
from sklearn_l2x._solvers.enet_cd import _correlations, _gap


def make_regression_problem(kind, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "sparse_10000x50000":
        n, p = 10000, 50000
        X = sp.random(n, p, density=1e-3, format="csc", random_state=seed)
        X.data = rng.normal(size=X.data.size)
    else:
        n, p = {
            "dense_500x5000": (500, 5000),
            "dense_5000x500": (5000, 500),
            "dense_5000x1000": (5000, 1000),
            "dense_2000x5000": (2000, 5000),
            "dense_500x20000": (500, 20000),
        }[kind]
        latent = rng.normal(size=(n, 5))
        X = latent @ rng.normal(size=(5, p)) * 0.3 + rng.normal(size=(n, p))
    w = np.zeros(p)
    support = rng.choice(p, size=20, replace=False)
    w[support] = rng.normal(size=20)
    y = np.asarray(X @ w) + 0.5 * rng.normal(size=n)
    return X, y


def relative_gap(X, y, coef, lam, l1_ratio):
    """Our relative duality gap of any coefficients (intercept optimal)."""
    problem = ElasticNetProblem(X, y, np.ones(X.shape[0]), True)
    y_tilde = problem.Y_tilde[:, 0]
    design = problem.design
    q = design.rmatmul(y_tilde[:, None], centred=True)[:, 0] / design.sw_sum
    v, A, B = _correlations(design, problem.gram_cache, y_tilde, q, coef)
    penalty = L1L2(X.shape[1], lam / 2.0, l1_ratio)
    gap, _ = _gap(v, A, B, coef, penalty, False)
    return max(2.0 * gap, 0.0) / (float(y_tilde @ y_tilde) / X.shape[0])


def worst_gap(X, y, coefs, lams, l1_ratio):
    """The largest :func:`relative_gap` along a path (coefs of shape (n_lams, p))."""
    return max(
        relative_gap(X, y, c, lam, l1_ratio) for c, lam in zip(coefs, lams, strict=True)
    )


TARGET_GAP = 1e-8


def calibrated_runs(repeat, fit, tolerances, gap_of, target=TARGET_GAP):
    """Every time of ``fit(tol)`` at the loosest tol whose gap <= target, the
    result and that tol."""
    for tol in tolerances:
        result = fit(tol)
        if gap_of(result) <= target:
            break
    times, result = _timing.timed_runs(repeat, fit, tol)
    return times, result, tol


def calibrated(repeat, fit, tolerances, gap_of):
    """Best time of ``fit(tol)`` at the loosest tol whose gap <= TARGET_GAP."""
    times, result, tol = calibrated_runs(repeat, fit, tolerances, gap_of)
    return min(times), result, tol


def peer_params(lam, l1_ratio, n, target="sklearn.ElasticNet.alpha", **extra):
    """A peer's (strength, mix) for our (λ, α), by :func:`convert`."""
    alpha, ratio = convert(
        lam, source="l2x", target=target, n_samples=n, l1_ratio=l1_ratio, **extra
    )
    return alpha, float(np.atleast_1d(ratio)[0])


def single_lambda(kind, l1_ratio, fraction, repeat, peers):
    X, y = make_regression_problem(kind)
    n = X.shape[0]
    lams, *_ = elastic_net_path(X, y, l1_ratio=l1_ratio, lams=1)
    lam = fraction * lams[0]
    alpha, ratio = peer_params(lam, l1_ratio, n)
    rows = []

    def gap_of(model):
        return relative_gap(X, y, model.coef_, lam, l1_ratio)

    def fit_ours(tol):
        return ElasticNet(lam=lam, l1_ratio=l1_ratio, tol=tol).fit(X, y)

    ours_time, ours, tol = calibrated(
        repeat, fit_ours, [1e-5, 1e-6, 1e-7, 3e-8, 1e-8], gap_of
    )
    rows.append((f"sklearn_l2x (tol={tol:g})", ours_time, ours.coef_))

    def fit_sklearn(tol):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return linear_model.ElasticNet(
                alpha=alpha, l1_ratio=ratio, tol=tol, max_iter=100_000
            ).fit(X, y)

    sk_time, sk, sk_tol = calibrated(
        repeat, fit_sklearn, [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10], gap_of
    )
    rows.append((f"scikit-learn (tol={sk_tol:g})", sk_time, sk.coef_))
    if "skglm" in peers:
        try:
            import skglm

            def fit_skglm(tol):
                return skglm.ElasticNet(
                    alpha=alpha, l1_ratio=ratio, tol=tol, max_iter=200
                ).fit(X, y)

            fit_skglm(1e-4)  # compile
            sg_time, sg, sg_tol = calibrated(
                repeat, fit_skglm, [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10], gap_of
            )
            rows.append((f"skglm warm (tol={sg_tol:g})", sg_time, sg.coef_))
        except ImportError:
            rows.append(("skglm", None, None))
    print(f"\n{kind}, l1_ratio={l1_ratio}, λ = {fraction:g}·λ_max, one λ")
    for name, seconds, coef in rows:
        if seconds is None:
            print(f"  {name:<26} not installed")
            continue
        gap = relative_gap(X, y, coef, lam, l1_ratio)
        print(
            f"  {name:<26} {seconds:8.3f} s   ours/this {ours_time / seconds:5.2f}"
            f"   gap {gap:.1e}   nnz {np.count_nonzero(coef)}"
        )


PATH_GAP = 1e-6
PATH_TOLS = {
    "ours": [1e-4, 3e-5, 1e-5, 3e-6, 1e-6],
    "sklearn": [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9],
    "skglm": [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8],
}


def path_contestants(X, y, lams, l1_ratio, peers):
    """name -> (fit(tol) returning the path's (n_lams, p) coefficients, the
    tolerances to calibrate it over)."""
    n, p = X.shape
    alphas, ratio = peer_params(lams, l1_ratio, n)

    def ours(tol):
        return elastic_net_path(X, y, l1_ratio=l1_ratio, lams=lams, tol=tol)[1]

    def sklearn(tol):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if sp.issparse(X):
                # scikit-learn centres sparse X inside ElasticNet only: its
                # path the way ElasticNetCV runs it, one warm fit per λ.
                model = linear_model.ElasticNet(
                    l1_ratio=ratio, tol=tol, max_iter=100_000, warm_start=True
                )
                coefs = []
                for alpha in alphas:
                    coefs.append(model.set_params(alpha=alpha).fit(X, y).coef_.copy())
                return np.array(coefs)
            # enet_path fits no intercept: centring is part of its job here,
            # as it is part of ours (and of scikit-learn's ElasticNetCV).
            Xc, yc = X - X.mean(axis=0), y - y.mean()
            return linear_model.enet_path(
                Xc, yc, l1_ratio=ratio, alphas=alphas, tol=tol, max_iter=100_000
            )[1].T

    contestants = {
        "sklearn_l2x": (ours, PATH_TOLS["ours"]),
        "scikit-learn enet_path": (sklearn, PATH_TOLS["sklearn"]),
    }
    if "skglm" in peers:
        try:
            import skglm
        except ImportError:
            return contestants

        def skglm_path(tol):
            model = skglm.ElasticNet(l1_ratio=ratio, tol=tol, fit_intercept=True)
            return model.path(X, y, alphas)[1][:p].T

        skglm_path(1e-2)  # compile its numba code
        contestants["skglm .path"] = (skglm_path, PATH_TOLS["skglm"])
    return contestants


def path(kind, l1_ratio, n_lams, eps, repeat, peers):
    """Each contestant's whole path at its loosest tol reaching PATH_GAP."""
    X, y = make_regression_problem(kind)
    lams = elastic_net_path(X, y, l1_ratio=l1_ratio, lams=n_lams, eps=eps)[0]

    print(
        f"\n{kind}, l1_ratio={l1_ratio}, path of {n_lams} λ down to {eps:g}·λ_max"
        f" (each at its loosest tol reaching a worst gap of {PATH_GAP:g})"
    )

    def path_gap(coefs):
        return worst_gap(X, y, coefs, lams, l1_ratio)

    ours = None
    for name, (fit, ladder) in path_contestants(X, y, lams, l1_ratio, peers).items():
        times, coefs, tol = calibrated_runs(repeat, fit, ladder, path_gap, PATH_GAP)
        ours = min(times) if ours is None else ours
        label = f"{name} (tol={tol:g})"
        print(
            f"  {label:<34} {_timing.spread(times)}   ours/this "
            f"{ours / min(times):5.2f}   worst gap {path_gap(coefs):.1e}"
        )


def logistic(repeat, peers):
    rng = np.random.default_rng(0)
    n, p = 2000, 1000
    X = rng.normal(size=(n, p))
    w = np.zeros(p)
    w[rng.choice(p, 20, replace=False)] = rng.normal(size=20)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X @ w))).astype(int)
    lam, l1_ratio = 0.01, 0.5

    def objective(coef, intercept):
        eta = X @ coef.ravel() + intercept
        loss = np.mean(np.logaddexp(0, eta) - y * eta)
        c = coef.ravel()
        return loss + lam * (l1_ratio * np.abs(c).sum() + (1 - l1_ratio) * c @ c)

    ours_time, ours = best_time(
        repeat,
        lambda: ElasticNetClassifier(lam=lam, l1_ratio=l1_ratio, tol=1e-8).fit(X, y),
    )
    best = objective(ours.coef_, ours.intercept_[0])
    C, ratio = convert(
        lam, source="l2x", target="LogisticRegression", l1_ratio=l1_ratio, n_samples=n
    )
    ratio = float(np.atleast_1d(ratio)[0])
    from sklearn_l2x._sklearn_compat import LOGISTIC_NEEDS_PENALTY

    extra = {"penalty": "elasticnet"} if LOGISTIC_NEEDS_PENALTY else {}

    def fit_saga(tol):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return linear_model.LogisticRegression(
                C=float(C),
                l1_ratio=ratio,
                solver="saga",
                tol=tol,
                max_iter=10_000,
                **extra,
            ).fit(X, y)

    def excess_of(model):
        return (objective(model.coef_, model.intercept_[0]) - best) / abs(best)

    # saga's tolerance is on the coefficient change: calibrated to the loosest
    # one that reaches our objective (relative excess <= 1e-8).
    saga_time, saga, saga_tol = calibrated(
        repeat, fit_saga, [1e-3, 1e-4, 1e-5, 1e-6, 1e-7], excess_of
    )
    print(f"\nlogistic elastic net n={n}, p={p}, λ={lam}, α={l1_ratio}")
    print(f"  sklearn_l2x    {ours_time:8.3f} s   objective excess 0 (gap ≤ 1e-8)")
    excess = excess_of(saga)
    print(
        f"  saga (tol={saga_tol:g}) {saga_time:8.3f} s   ratio ours/this "
        f"{ours_time / saga_time:5.3f}   relative objective excess {excess:.1e}"
    )
    if "skglm" in peers:
        try:
            from skglm import GeneralizedLinearEstimator
            from skglm.datafits import Logistic
            from skglm.penalties import L1_plus_L2
            from skglm.solvers import ProxNewton
        except ImportError:
            print("  skglm          not installed")
            return

        def fit_skglm():
            return GeneralizedLinearEstimator(
                datafit=Logistic(),
                penalty=L1_plus_L2(alpha=lam * (2 - l1_ratio), l1_ratio=ratio),
                solver=ProxNewton(fit_intercept=True, tol=1e-10),
            ).fit(X, 2 * y - 1)

        fit_skglm()
        sg_time, sg = best_time(repeat, fit_skglm)
        excess = (objective(sg.coef_, sg.intercept_) - best) / abs(best)
        print(
            f"  skglm (warm)   {sg_time:8.3f} s   ratio ours/this "
            f"{ours_time / sg_time:5.2f}   relative objective excess {excess:.1e}"
        )


def first_fit_ratio(package):
    """First fit in a fresh process over a warm fit (median of 5 processes)."""
    model = (
        "from sklearn_l2x import ElasticNet; make = lambda: ElasticNet(lam=lam)"
        if package == "sklearn_l2x"
        else "from sklearn.linear_model import ElasticNet;"
        "from sklearn_l2x import convert;"
        "a, r = convert(lam, source='l2x', target='ElasticNet', n_samples=500,"
        " l1_ratio=0.5); make = lambda: ElasticNet(alpha=a, l1_ratio=float(r))"
    )
    return fresh.first_fit_ratio(
        "from bench_elastic_net import make_regression_problem;"
        "from sklearn_l2x import elastic_net_path;"
        "X, y = make_regression_problem('dense_500x5000');"
        f"lam = 0.1 * elastic_net_path(X, y, lams=1)[0][0]; {model}",
        "make().fit(X, y)",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--problems",
        nargs="*",
        default=[
            "dense_500x5000",
            "dense_5000x500",
            "dense_500x20000",
            "sparse_10000x50000",
        ],
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-lams", type=int, default=100)
    parser.add_argument("--eps", type=float, default=1e-2)
    parser.add_argument("--peers", nargs="*", default=["skglm"])
    parser.add_argument("--skip-logistic", action="store_true")
    _timing.add_settle_option(parser)
    _timing.add_busy_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    print(f"ElasticNet benchmark{_timing.start_busy(args)}")
    for kind in args.problems:
        l1_ratio = 0.9 if kind == "dense_500x20000" else 0.5
        single_lambda(kind, l1_ratio, 0.1, args.repeat, args.peers)
        path(kind, l1_ratio, args.n_lams, args.eps, args.repeat, args.peers)
    if not args.skip_logistic:
        logistic(args.repeat, args.peers)
    ours, theirs = first_fit_ratio("sklearn_l2x"), first_fit_ratio("sklearn")
    print(
        f"\nfirst fit in a fresh process / warm fit (500x5000): ours {ours:.2f}, "
        f"scikit-learn's ElasticNet {theirs:.2f}"
    )


if __name__ == "__main__":
    main()
