"""ElasticNetCV against scikit-learn's ElasticNetCV on the same folds and grid.

Run: ``python benchmarks/bench_elastic_net_cv.py [--repeat 5] [--busy]``.

Both estimators get the same 5 folds (``KFold(5)``), the same 100-point λ grid
(ours, converted to scikit-learn's ``alpha`` and its ``l1_ratio`` by
``convert``) and their own default tolerances: ours a certified relative
duality gap of 1e-6 on every fold path point and the refit, scikit-learn's
``tol=1e-4`` (its own gap, checked when its coordinate updates are small).
Each problem prints the best time of each (in turns, so drift hits both
alike), the spread over the repeats, the ratio ours / scikit-learn, whether
both chose the same λ, and the relative gap of both refits by the same gap
function (ours, in :mod:`sklearn_l2x._solvers.enet_cd`).
``--busy`` adds a competing process that keeps one core busy.
"""

import argparse
import time

import _timing
import numpy as np
from bench_elastic_net import make_regression_problem, peer_params, relative_gap
from sklearn import linear_model
from sklearn.datasets import make_regression
from sklearn.model_selection import KFold

from sklearn_l2x import ElasticNetCV, elastic_net_path


def problem(kind):
    if kind == "make_regression_5000x1000":
        return make_regression(5000, 1000, n_informative=10, noise=1.0, random_state=0)
    return make_regression_problem(kind)


def contestants(X, y, l1_ratio):
    """The two fits, on our grid (computed once, untimed)."""
    folds = KFold(5)
    top = elastic_net_path(X, y, l1_ratio=l1_ratio, lams=1)[0][0]  # λ_max
    lams = np.geomspace(top, 1e-3 * top, 100)  # ElasticNetCV's default grid
    alphas, ratio = peer_params(lams, l1_ratio, X.shape[0])

    def ours():
        return ElasticNetCV(l1_ratio=l1_ratio, lams=lams, cv=folds).fit(X, y)

    def sklearn():
        return linear_model.ElasticNetCV(l1_ratio=ratio, alphas=alphas, cv=folds).fit(
            X, y
        )

    return lams, alphas, {"sklearn_l2x": ours, "scikit-learn": sklearn}


def run(kind, l1_ratio, repeat):
    X, y = problem(kind)
    lams, alphas, funcs = contestants(X, y, l1_ratio)
    times = {name: [] for name in funcs}
    fitted = {}
    for _ in range(repeat):
        for name, func in funcs.items():
            _timing.restore_affinity()
            time.sleep(_timing.SETTLE)
            start = time.perf_counter()
            fitted[name] = func()
            times[name].append(time.perf_counter() - start)
    ours, theirs = fitted["sklearn_l2x"], fitted["scikit-learn"]
    our_index = int(np.argmin(np.abs(lams - ours.lam_)))
    their_index = int(np.argmin(np.abs(alphas - theirs.alpha_)))
    ratios = np.array(times["sklearn_l2x"]) / np.array(times["scikit-learn"])
    print(f"\n{kind}, l1_ratio={l1_ratio}, 5 folds, 100 λ")
    for name, values in times.items():
        print(
            f"  {name:12s} best {min(values):6.3f} s  "
            f"(median {np.median(values):.3f}, max {max(values):.3f})"
        )
    print(
        f"  ratio ours / scikit-learn: best-to-best "
        f"{min(times['sklearn_l2x']) / min(times['scikit-learn']):.2f}, "
        f"per round {ratios.min():.2f}-{ratios.max():.2f}"
    )
    our_gap = relative_gap(X, y, ours.coef_, ours.lam_, l1_ratio)
    their_gap = relative_gap(X, y, theirs.coef_, lams[their_index], l1_ratio)
    print(
        f"  chosen λ index: ours {our_index}, scikit-learn {their_index}; refit "
        f"relative gap: ours {our_gap:.1e}, scikit-learn {their_gap:.1e}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--problems",
        nargs="*",
        default=["make_regression_5000x1000", "dense_5000x1000"],
    )
    parser.add_argument("--repeat", type=int, default=5)
    _timing.add_settle_option(parser)
    _timing.add_busy_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    busy = _timing.start_busy(args)
    print(f"ElasticNetCV benchmark{busy}")
    for kind in args.problems:
        run(kind, 0.5, args.repeat)


if __name__ == "__main__":
    main()
