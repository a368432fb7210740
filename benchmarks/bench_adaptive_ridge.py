"""AdaptiveRidge against its decomposition floor, RidgeCV and BayesianRidge.

Run: ``python benchmarks/bench_adaptive_ridge.py [--quick] [--busy]``
(``--busy`` keeps one other core busy for the whole run). Everything is
timed in this one process, side by side, best of ``--repeat`` runs, and
printed as ratios, each call after a ``--settle`` pause (see ``_timing.py``:
NumPy's and SciPy's OpenBLAS threads otherwise time the previous contestant).
Peak memory is measured with tracemalloc
(numpy reports its allocations to it) relative to the size of X.
"""

import argparse
import tracemalloc

import _timing
import numpy as np
from _timing import best_time, interleaved_times
from scipy import linalg
from sklearn.linear_model import BayesianRidge, RidgeCV
from sklearn.utils import check_array

from sklearn_l2x import AdaptiveRidge


def peak_memory(func):
    tracemalloc.start()
    tracemalloc.reset_peak()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def make_data(n, p, k=1, seed=0):
    """Correlated features, signal-to-noise ratio about 1: λ is interior."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 20))
    X = 0.5 * latent @ rng.normal(size=(20, p)) / np.sqrt(20) + rng.normal(size=(n, p))
    coef = rng.normal(size=(p, k)) / np.sqrt(p)
    y = X @ coef + rng.normal(size=(n, k))
    return X, (y[:, 0] if k == 1 else y)


def floor_candidates(X):
    """The decompositions AdaptiveRidge could use (Gram formation included).

    Both NumPy's and SciPy's LAPACK wrappers are candidates: they link
    different OpenBLAS builds, and which is faster depends on the machine (a
    SciPy call right after a NumPy product pays for NumPy's idle threads).
    The floor is the fastest of all.
    """
    n, p = X.shape
    gram = (lambda: X.T @ X) if n > p else (lambda: X @ X.T)
    name = "XᵀX" if n > p else "XXᵀ"
    candidates = {f"numpy eigh({name})": lambda: np.linalg.eigh(gram())}
    for driver in ("evd", "evr"):
        candidates[f"scipy eigh({name}, {driver})"] = lambda d=driver: linalg.eigh(
            gram(), driver=d
        )
    if min(n, p) <= 1000:
        candidates["numpy thin SVD"] = lambda: np.linalg.svd(X, full_matrices=False)
        candidates["scipy thin SVD"] = lambda: linalg.svd(X, full_matrices=False)
    return candidates


def row(label, ours, theirs, note=""):
    print(
        f"  {label:<44} {ours:9.3f} s {theirs:9.3f} s   ratio {ours / theirs:6.2f}"
        f"  {note}"
    )


def bench_shape(n, p, repeat):
    """Every comparison on one dense shape."""
    X, y = make_data(n, p)
    print(f"\nDense X, n={n}, p={p} ({X.nbytes / 1e6:.0f} MB)")
    candidates = floor_candidates(X)
    fits = {
        criterion: (lambda c=criterion: AdaptiveRidge(criterion=c).fit(X, y))
        for criterion in ["gcv", "evidence", "loo"]
    }
    timings = interleaved_times({**candidates, **fits}, repeat)
    floor_name = min(candidates, key=timings.get)
    floor = timings[floor_name]
    for criterion in fits:
        row(
            f"fit criterion={criterion} vs floor {floor_name}",
            timings[criterion],
            floor,
            "target ≤ 1.5" if criterion != "loo" else "",
        )

    alphas = np.logspace(-6, 6, 100)
    # RidgeCV takes seconds per fit on the tall shape: best of at most 3.
    t_cv, ridge_cv = best_time(min(repeat, 3), lambda: RidgeCV(alphas=alphas).fit(X, y))
    t_ours, ours = best_time(repeat, lambda: AdaptiveRidge(criterion="loo").fit(X, y))
    # RidgeCV(cv=None) minimises the exact LOO error over its grid.
    theirs_loo = -ridge_cv.best_score_
    row(
        "fit loo vs RidgeCV(100 alphas, LOO)",
        t_ours,
        t_cv,
        f"LOO MSE ours {ours.criterion_value_:.6g} vs RidgeCV {theirs_loo:.6g}",
    )
    t_gcv, _ = best_time(repeat, lambda: AdaptiveRidge().fit(X, y))
    row(
        "fit gcv vs RidgeCV(100 alphas, LOO)",
        t_gcv,
        t_cv,
        "target ≤ 0.33 tall, ≤ 1 wide",
    )

    if p > n:
        t_bayes, bayes = best_time(1, lambda: BayesianRidge().fit(X, y))
        t_ev, evidence = best_time(
            repeat, lambda: AdaptiveRidge(criterion="evidence").fit(X, y)
        )
        row(
            "fit evidence vs BayesianRidge",
            t_ev,
            t_bayes,
            f"alpha ours {evidence.alpha_:.4g} vs BayesianRidge "
            f"{bayes.lambda_ / bayes.alpha_:.4g}; target ≤ 0.1",
        )

    Y = make_data(n, p, k=500)[1]
    t_many, _ = best_time(repeat, lambda: AdaptiveRidge().fit(X, Y))
    row("500 targets (per-target λ) vs 1 target", t_many, t_gcv, "target ≤ 2")

    # The work any exact fit of k = 500 targets does: validate X and Y, the
    # targets' means and norms (passes over Y), the decomposition and the
    # p×k products XᵀY (tall: 2npk flops against the Gram's np²) or the p×k
    # coefficients Xᵀ·dual (wide: 2npk against the kernel's n²p).
    def unavoidable():
        check_array(X)
        check_array(Y)
        Y.mean(axis=0)
        np.einsum("ij,ij->j", Y, Y)
        if n > p:
            np.linalg.eigh(X.T @ X)
            return X.T @ Y
        U = np.linalg.eigh(X @ X.T)[1]
        return X.T @ (U @ (U.T @ Y))

    t_floor, _ = best_time(repeat, unavoidable)
    row(
        "500 targets vs its unavoidable work",
        t_many,
        t_floor,
        f"which alone is {t_floor / t_gcv:.2f} × the 1-target fit",
    )

    for criterion in ["gcv", "evidence", "loo"]:
        peak = peak_memory(lambda c=criterion: AdaptiveRidge(criterion=c).fit(X, y))
        print(
            f"  peak memory fit criterion={criterion:<8} "
            f"{peak / X.nbytes:5.2f} × size of X (target ≤ 3)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller problems")
    parser.add_argument("--repeat", type=int, default=9)
    _timing.add_settle_option(parser)
    _timing.add_busy_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    busy = _timing.start_busy(args)
    scale = 4 if args.quick else 1
    shapes = [(20000 // scale, 400), (500, 5000 // scale)]
    repeat = args.repeat

    print(
        f"AdaptiveRidge benchmark{busy} (ratio = ours / theirs; < 1 means we are"
        " faster)"
    )
    for n, p in shapes:
        bench_shape(n, p, repeat)


if __name__ == "__main__":
    main()
