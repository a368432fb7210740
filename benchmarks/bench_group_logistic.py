"""GroupL2LogisticRegression against skglm, adelie and group-lasso.

Run in an environment that has the peers (they pin their own numpy, so use a
separate venv with sklearn_l2x installed too)::

    python -m venv peers && peers/bin/pip install skglm adelie group-lasso -e .
    peers/bin/python benchmarks/bench_group_logistic.py

Everything runs in this one process, side by side. Every solution, ours or a
peer's, is scored with our objective against a reference (ours at a certified
relative gap of 1e-12, untimed): "excess" is how far above it a contestant
stopped, relative to the objective. Each contestant, ours included, runs at
several tolerances (ours bounds the relative duality gap; the peers' mean
other things); the fastest run within ``SAME_OBJECTIVE`` of the reference
counts on each side, and the target (ratio ≤ 1.0) compares those two.
adelie only solves paths from λ_max down; it runs with 5, 10 and 20 points
(its fastest length depends on the problem), on dense X, at its default of one
thread and, on two cores or more, at two (``n_threads=2``); the ratio is
printed against the fastest peer and against the peers at one thread.
Peers that are not installed are reported as such.
The contestants run in turns, ``--repeat`` rounds after one untimed call
each, so that the machine's drift hits all alike; each prints its best time
and range, and the ratios are of best times (and of medians). Each timed call
follows a ``--settle`` pause and restores the process's CPU affinity
(``import adelie`` pins it to one core; see ``_timing.py``);
``--busy`` adds a competing process that keeps one core busy.
"""

import argparse
import warnings
from functools import partial

import _fresh as fresh
import _timing
import numpy as np
import scipy.sparse as sp
from _timing import best_time
from scipy.special import expit, log_softmax

from sklearn_l2x import GroupL2LogisticRegression, group_l2_logistic_path, lam_max


def objective(X, y, coef, intercept, lam, groups):
    """Mean log-loss (cross-entropy) + λ Σ_g √|g| ‖W_g‖, from scratch."""
    eta = np.asarray(X @ coef.T) + intercept
    if coef.shape[0] == 1:
        p = np.clip(expit(eta[:, 0]), 1e-300, 1 - 1e-16)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))
    else:
        loss = -np.mean(log_softmax(eta, axis=1)[np.arange(len(y)), y])
    penalty = sum(np.sqrt(len(g)) * np.linalg.norm(coef[:, g]) for g in groups)
    return loss + lam * penalty


def make_problem(kind, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "onehot":
        n, n_vars = 2000, 20
        levels = rng.integers(5, 40, size=n_vars)
        codes = np.column_stack([rng.integers(0, k, size=n) for k in levels])
        offsets = np.r_[0, np.cumsum(levels)[:-1]]
        rows = np.repeat(np.arange(n), n_vars)
        X = sp.csr_matrix(
            (np.ones(n * n_vars), (rows, (codes + offsets).ravel())),
            shape=(n, levels.sum()),
        )
        groups = [np.arange(o, o + k) for o, k in zip(offsets, levels, strict=True)]
        effects = [rng.normal(size=k) * (j < 4) for j, k in enumerate(levels)]
        logit = sum(effects[j][codes[:, j]] for j in range(n_vars))
        y = (rng.uniform(size=n) < expit(logit)).astype(int)
        return X, y, groups
    n, p, K = {
        "binary_1000x1000": (1000, 1000, 2),
        "binary_1000x5000": (1000, 5000, 2),
        "multinomial_1000x500": (1000, 500, 3),
    }[kind]
    latent = rng.normal(size=(n, 10))
    X = latent @ rng.normal(size=(10, p)) * 0.3 + rng.normal(size=(n, p))
    groups = [np.arange(j, j + 5) for j in range(0, p, 5)]
    W = np.zeros((p, K))
    for g in rng.choice(len(groups), size=10, replace=False):
        W[groups[g]] = rng.normal(size=(5, K))
    eta = X @ W / np.sqrt(10)
    if K == 2:
        y = (rng.uniform(size=n) < expit(eta[:, 1] - eta[:, 0])).astype(int)
    else:
        cumulative = np.cumsum(np.exp(log_softmax(eta, axis=1)), axis=1)
        y = (rng.uniform(size=(n, 1)) > cumulative).sum(axis=1)
    return X, y, groups


def run_skglm(X, y, groups, lam, tol):
    from skglm.datafits import LogisticGroup
    from skglm.penalties import WeightedGroupL2
    from skglm.solvers import GroupBCD, GroupProxNewton
    from skglm.utils.data import grp_converter

    if len(np.unique(y)) > 2 or sp.issparse(X):
        raise NotImplementedError("skglm's group logistic is binary and dense only")
    grp_indices, grp_ptr = grp_converter([list(g) for g in groups], X.shape[1])
    weights = np.sqrt(np.diff(grp_ptr)).astype(float)
    datafit = LogisticGroup(grp_ptr, grp_indices)
    penalty = WeightedGroupL2(lam, weights, grp_ptr, grp_indices)
    Xf, y_pm = np.asfortranarray(X), 2.0 * y - 1.0
    try:
        solver = GroupProxNewton(tol=tol, fit_intercept=True, max_iter=100)
        w = solver.solve(Xf, y_pm, datafit, penalty)[0]
    except (np.linalg.LinAlgError, ValueError):
        # GroupProxNewton sometimes fails here (non-finite Hessian); its
        # GroupBCD sibling is the other solver skglm offers for this datafit.
        solver = GroupBCD(tol=tol, fit_intercept=True, max_iter=1000)
        w = solver.solve(Xf, y_pm, datafit, penalty)[0]
    return w[None, :-1], np.array([w[-1]])


def run_adelie(X, y, groups, lam, tol, n_lams=20, n_threads=1):
    import adelie as ad

    if sp.issparse(X):
        # adelie takes sparse X (adelie.matrix.sparse), but on these sizes
        # its dense path is faster (one-hot: 0.042 s against 0.058 s).
        X = X.toarray()
    K = len(np.unique(y))
    starts = np.array([g[0] for g in groups])
    Xf = np.asfortranarray(X)
    if K == 2:
        glm = ad.glm.binomial(y.astype(float))
    else:
        glm = ad.glm.multinomial(np.eye(K)[y].astype(float))
    # adelie's multinomial loss is the mean cross-entropy divided by K, and
    # its default group penalty is √(|g|·K) (a group holds |g|·K coefficients):
    # pass ω_g = √|g| and λ/K, so that K × its objective is ours.
    scale = 1.0 if K == 2 else 1.0 / K
    top = lam_max(X, y, groups=groups)
    path = np.geomspace(top, lam, n_lams) * scale
    state = ad.grpnet(
        Xf,
        glm,
        groups=starts,
        penalty=np.sqrt([len(g) for g in groups]).astype(float),
        lmda_path=path,
        tol=tol,
        early_exit=False,
        progress_bar=False,
        intercept=True,
        adev_tol=1.0,
        ddev_tol=0,
        n_threads=n_threads,
    )
    beta = state.betas[-1].toarray()
    intercept = np.atleast_1d(state.intercepts[-1])
    if K == 2:
        return beta, intercept
    return beta.reshape(X.shape[1], K).T, intercept


def run_group_lasso(X, y, groups, lam, tol):
    from group_lasso import LogisticGroupLasso

    if X.shape[1] > 1000:
        raise NotImplementedError("too slow beyond p=1000 (22 s already at p=1000)")
    labels = np.empty(X.shape[1], dtype=int)
    for position, g in enumerate(groups):
        labels[g] = position
    K = len(np.unique(y))
    # It fits K softmax columns even for two classes; with W₀ = −W₁ at the
    # optimum, ‖W_g‖_F = ‖w_g‖/√2, so its group_reg is √2·λ for the same problem.
    model = LogisticGroupLasso(
        groups=labels,
        group_reg=lam * (np.sqrt(2) if K == 2 else 1.0),
        l1_reg=0,
        n_iter=1000,
        tol=tol,
        supress_warning=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    W = np.asarray(model.coef_).T
    b = np.asarray(model.intercept_).ravel()
    if K == 2:
        return (W[1] - W[0])[None, :], np.array([b[1] - b[0]])
    return W, b


PEERS = {"skglm": run_skglm, "adelie": run_adelie, "group-lasso": run_group_lasso}
# A contestant reaches "the same objective" when it stops within this
# relative excess over the reference.
SAME_OBJECTIVE = 1e-7
# adelie solves a path from λ_max down to λ; its speed depends on the path's
# length (short paths: bigger support changes per point; long ones: more
# points), so it runs with several and the fastest counts.
ADELIE_PATHS = (5, 10, 20)


def peer_variants(name):
    """(label, runner) pairs for one peer."""
    if name != "adelie":
        return [(name, PEERS[name])]
    return [
        (
            f"adelie/{k}" + ("" if threads == 1 else f" threads={threads}"),
            partial(run_adelie, n_lams=k, n_threads=threads),
        )
        for k in ADELIE_PATHS
        for threads in _timing.PEER_THREADS
    ]


# Our tolerances (relative duality gaps), calibrated like the peers': the
# fastest run that reaches the reference objective counts.
OUR_TOLS = (1e-4, 1e-6, 1e-8)
# The reference: ours at this certified relative gap (untimed).
REFERENCE_TOL = 1e-12


def _ours(X, y, groups, lam, tol):
    model = GroupL2LogisticRegression(groups, lam=lam, tol=tol).fit(X, y)
    return model.coef_, model.intercept_


def compare(X, y, groups, lam, repeat, peers):
    """Every contestant, ours at each of ``OUR_TOLS`` too, in turns; excess
    over the reference's objective. Returns our times at tol 1e-8."""
    reference = GroupL2LogisticRegression(groups, lam=lam, tol=REFERENCE_TOL)
    reference.fit(X, y)
    best = objective(X, y, reference.coef_, reference.intercept_, lam, groups)
    print(
        f"  reference (tol {REFERENCE_TOL:g}): gap {reference.dual_gap_:.1e}, "
        f"active groups {len(reference.active_groups_)}"
    )
    contestants = {
        f"sklearn_l2x tol={tol:g}": partial(_ours, X, y, groups, lam, tol)
        for tol in OUR_TOLS
    }
    for label, runner in (v for name in peers for v in peer_variants(name)):
        contestants[label] = partial(runner, X, y, groups, lam, 1e-8)
    runs = _timing.interleaved_runs(contestants, repeat)
    fastest = _timing.CalibratedByThreads(SAME_OBJECTIVE)
    for label, run in runs.items():
        if isinstance(run, ImportError):
            print(f"  {label:<24} not installed")
            continue
        if isinstance(run, Exception):
            print(f"  {label:<24} skipped: {type(run).__name__}: {run}")
            continue
        times, (coef, intercept) = run
        excess = (objective(X, y, coef, intercept, lam, groups) - best) / abs(best)
        print(f"  {label:<24} {_timing.spread(times)}   excess objective {excess:+.1e}")
        fastest.add(label, times, excess)
    fastest.report("  ")
    return runs[f"sklearn_l2x tol={1e-8:g}"][0]


def first_fit_ratio(kind):
    """First fit in a fresh process over a warm fit (median of 5 processes)."""
    return fresh.first_fit_ratio(
        "from bench_group_logistic import make_problem;"
        "from sklearn_l2x import GroupL2LogisticRegression, lam_max;"
        f"X, y, g = make_problem({kind!r}); lam = 0.1 * lam_max(X, y, groups=g);"
        "m = GroupL2LogisticRegression(g, lam=lam, tol=1e-8)",
        "m.fit(X, y)",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--problems",
        nargs="*",
        default=[
            "binary_1000x1000",
            "binary_1000x5000",
            "multinomial_1000x500",
            "onehot",
        ],
    )
    parser.add_argument(
        "--peers",
        nargs="*",
        default=list(PEERS),
        choices=list(PEERS),
        help="peers to run (default: all that are installed)",
    )
    _timing.add_settle_option(parser)
    _timing.add_busy_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    busy = _timing.start_busy(args)
    print(
        f"GroupL2LogisticRegression benchmark{busy}; ratio = ours / peer time "
        "(< 1: we are faster)"
    )
    for kind in args.problems:
        X, y, groups = make_problem(kind)
        lam = 0.1 * lam_max(X, y, groups=groups)
        print(
            f"\n{kind}: n={X.shape[0]}, p={X.shape[1]}, {len(groups)} groups, "
            f"{len(np.unique(y))} classes, λ = 0.1·λ_max"
        )
        ours_time = min(compare(X, y, groups, lam, args.repeat, args.peers))
        # The path from λ_max down to this problem's λ, warm-started.
        path_time, _ = best_time(
            args.repeat,
            group_l2_logistic_path,
            X,
            y,
            groups=groups,
            lams=50,
            eps=0.1,
            tol=1e-8,
        )
        print(
            f"  50-point path λ_max → λ: {path_time:.3f} s = "
            f"{path_time / ours_time:.1f} single fits (target < 10)"
        )
        print(
            f"  first fit in a fresh process / warm fit: {first_fit_ratio(kind):.2f} "
            "(target ≤ 1.2)"
        )


if __name__ == "__main__":
    main()
