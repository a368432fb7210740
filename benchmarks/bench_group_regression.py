"""GroupL2Regression against skglm's GroupLasso and adelie's grpnet (gaussian).

Run in an environment that has the peers (they pin their own numpy, so use a
separate venv with sklearn_l2x installed too)::

    python -m venv peers && peers/bin/pip install skglm adelie -e .
    peers/bin/python benchmarks/bench_group_regression.py

Everything runs in this one process, side by side. The problem is
``(1/n)‖y − b − Xw‖² + λ Σ_g √|g| ‖w_g‖`` (ours); skglm's GroupLasso minimises
``(1/2n)‖y − Xw‖² + α Σ_g ω_g‖w_g‖`` (α = λ/2) and adelie's grpnet
``½ mean (y − η)² + λ_a Σ_g ω_g‖w_g‖`` (λ_a = λ/2). Every solution, ours or a
peer's, is scored with our objective against a reference (ours at a certified
relative gap of 1e-12, untimed): "excess" is how far above it a contestant
stopped, relative to the objective. Each contestant, ours included, runs at
several tolerances (they mean different things: ours bounds the relative
duality gap, adelie's does not); the fastest run within ``SAME_OBJECTIVE`` of
the reference counts on each side, and the target (ratio ≤ 1.0) compares those
two.

The process's CPU affinity is restored before every timed call (importing
adelie pins it to one core). adelie runs at its default of one thread and,
on two cores or more, also at two (``n_threads=2``); ours holds BLAS to one
thread except for the passes over all of X and the bounds' spectral norms.
Two timings per problem: one fit at λ = 0.1·λ_max, and the 50-point path
λ_max → 0.1·λ_max (ours: ``group_l2_regression_path``; skglm: its estimator
warm-started along the grid; adelie: its own path), judged at every point.
The contestants are timed in turns: one untimed call each, then ``--repeat``
rounds (best of, and the spread is printed), so that the machine's drift hits
all alike; ``--busy`` adds a competing process that keeps one core busy.
"""

import argparse
from functools import partial

import _timing
import numpy as np

from sklearn_l2x import GroupL2Regression, group_l2_regression_path, lam_max

SAME_OBJECTIVE = 1e-7


def objective(X, y, coef, intercept, lam, groups):
    """Mean squared error + λ Σ_g √|g| ‖w_g‖, from scratch."""
    residual = y - X @ coef - intercept
    penalty = sum(np.sqrt(len(g)) * np.linalg.norm(coef[g]) for g in groups)
    return float(residual @ residual / len(y) + lam * penalty)


def make_problem(n=1000, p=5000, size=10, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 20))
    X = latent @ rng.normal(size=(20, p)) * 0.3 + rng.normal(size=(n, p))
    groups = [np.arange(j, j + size) for j in range(0, p, size)]
    w = np.zeros(p)
    for g in rng.choice(len(groups), size=10, replace=False):
        w[groups[g]] = rng.normal(size=size)
    y = X @ w + 2.0 + rng.normal(size=n) * np.std(X @ w) * 0.5
    return np.asfortranarray(X), y, groups


def path_grid(X, y, groups, points=50):
    """λ_max and the benchmark's grid of ``points`` from it to 0.1·λ_max."""
    top = lam_max(X, y, loss="squared", groups=groups)
    return top, np.geomspace(top, 0.1 * top, points)


def skglm_estimator(groups, lam, tol):
    from skglm import GroupLasso

    return GroupLasso(
        groups=[list(map(int, g)) for g in groups],
        alpha=lam / 2,
        weights=np.sqrt([len(g) for g in groups]).astype(float),
        tol=tol,
        max_iter=1000,
        fit_intercept=True,
        warm_start=True,
    )


def run_skglm(X, y, groups, lams, tol):
    model = skglm_estimator(groups, lams[0], tol)
    solutions = []
    for lam in lams:
        model.set_params(alpha=lam / 2).fit(X, y)
        solutions.append((model.coef_.copy(), float(model.intercept_)))
    return solutions


def run_adelie(X, y, groups, lams, tol, n_threads=1):
    import adelie as ad

    state = ad.grpnet(
        X,
        ad.glm.gaussian(y),
        groups=np.array([g[0] for g in groups]),
        penalty=np.sqrt([len(g) for g in groups]).astype(float),
        lmda_path=np.asarray(lams) / 2,
        tol=tol,
        early_exit=False,
        progress_bar=False,
        intercept=True,
        adev_tol=1.0,
        ddev_tol=0,
        n_threads=n_threads,
    )
    return [
        (state.betas[k].toarray().ravel(), float(state.intercepts[k]))
        for k in range(len(lams))
    ]


def run_ours_path(X, y, groups, lams, tol):
    _, coefs, intercepts, _ = group_l2_regression_path(
        X, y, groups=groups, lams=lams, tol=tol
    )
    return list(zip(coefs, intercepts, strict=True))


PEERS = {"skglm": run_skglm, "adelie": run_adelie}
# adelie only solves paths from λ_max down; for one fit it runs paths of
# these lengths to λ (its fastest length depends on the problem). Its ``tol``
# is not our relative gap: at 1e-8 it stops ~1e-6 above our objective, so it
# also runs tighter, and the loosest that reaches our objective counts.
ADELIE_PATHS = (5, 10, 20)
ADELIE_TOLS = (1e-8, 1e-10, 1e-12)


def _adelie(k, peer_tol, top, threads):
    def run(X, y, groups, lams, tol):
        if k is None:
            return run_adelie(X, y, groups, lams, peer_tol, threads)
        grid = np.geomspace(top, lams[0], k)
        return run_adelie(X, y, groups, grid, peer_tol, threads)[-1:]

    return run


def peer_variants(name, lams, top):
    """(label, runner) pairs: the peer itself, or adelie's lengths, tols and
    thread counts."""
    if name != "adelie":
        return [(name, PEERS[name])]
    lengths = (None,) if len(lams) > 1 else ADELIE_PATHS
    return [
        (
            f"adelie{'' if k is None else f'/{k}'} tol={t:g}"
            + ("" if threads == 1 else f" threads={threads}"),
            _adelie(k, t, top, threads),
        )
        for k in lengths
        for t in ADELIE_TOLS
        for threads in _timing.PEER_THREADS
    ]


def _ours(X, y, groups, lams, tol):
    """Our solutions on the grid ``lams`` (one point: a single fit)."""
    if len(lams) > 1:
        return run_ours_path(X, y, groups, lams, tol)
    model = GroupL2Regression(groups, lam=lams[0], tol=tol).fit(X, y)
    return [(model.coef_, model.intercept_)]


def _excess(X, y, groups, lams, solutions, references):
    return max(
        (objective(X, y, c, b, lam, groups) - ref) / abs(ref)
        for lam, (c, b), ref in zip(lams, solutions, references, strict=True)
    )


# Our tolerances (relative duality gaps), calibrated like the peers': the
# loosest whose solution reaches the reference objective counts.
OUR_TOLS = (1e-4, 1e-6, 1e-8)
# The reference: our solutions at this certified relative gap (untimed).
REFERENCE_TOL = 1e-12


def compare(label, X, y, groups, lams, repeat, peers, top):
    """Every contestant on the grid ``lams``, timed in turns
    (``_timing.interleaved_runs``: one untimed call each, then ``repeat``
    rounds), so that the machine's drift hits all alike. Each solution's
    excess is taken over the reference's objective, ours as the peers'."""
    reference = _ours(X, y, groups, lams, REFERENCE_TOL)
    values = [
        objective(X, y, c, b, lam, groups)
        for lam, (c, b) in zip(lams, reference, strict=True)
    ]
    contestants = {
        f"sklearn_l2x tol={tol:g}": partial(_ours, X, y, groups, lams, tol)
        for tol in OUR_TOLS
    }
    for name, runner in (v for peer in peers for v in peer_variants(peer, lams, top)):
        contestants[name] = partial(runner, X, y, groups, lams, 1e-8)
    runs = _timing.interleaved_runs(contestants, repeat)
    print(f"  {label}:")
    fastest = _timing.CalibratedByThreads(SAME_OBJECTIVE)
    for name, run in runs.items():
        if isinstance(run, ImportError):
            print(f"    {name:<30} not installed")
            continue
        if isinstance(run, Exception):  # a peer that cannot run this problem
            print(f"    {name:<30} failed: {type(run).__name__}: {run}")
            continue
        times, solutions = run
        excess = _excess(X, y, groups, lams, solutions, values)
        print(
            f"    {name:<30} {_timing.spread(times)}   "
            f"worst excess objective {excess:+.1e}"
        )
        fastest.add(name, times, excess)
    fastest.report("    ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    _timing.add_busy_option(parser)
    parser.add_argument("--peers", nargs="*", default=list(PEERS), choices=list(PEERS))
    _timing.add_settle_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    busy = _timing.start_busy(args)
    X, y, groups = make_problem()
    top, grid = path_grid(X, y, groups)
    print(
        f"GroupL2Regression, n={X.shape[0]}, p={X.shape[1]}, {len(groups)} groups of "
        f"10{busy}; ratio = ours / peer "
        "time (< 1: we are faster)"
    )
    single = [0.1 * top]
    compare(
        "one fit, λ = 0.1·λ_max", X, y, groups, single, args.repeat, args.peers, top
    )
    label = "50-point path λ_max → 0.1·λ_max"
    compare(label, X, y, groups, grid, args.repeat, args.peers, top)


if __name__ == "__main__":
    main()
