"""What a point of the 50-point group-lasso path costs, ours against adelie's.

The problem and the grid are ``bench_group_regression.py``'s (1000×5000,
groups of ten, λ_max → 0.1·λ_max). Printed per point, the best of
``--repeat`` rounds and their median:

- **path**: our path (tol 1e-4) and adelie's (tol 1e-10, the loosest that
  reaches our objective there), at one and at two threads, run in turns,
  divided by 50;
- **floor**: a point with nothing left to solve. The path is run to the k-th
  λ and then 50 more times at that λ (each starts at its solution); the mean
  of those 50 points' solves, timed inside the run, is what every point pays
  for its certificate (the bounded products, the duality gap), its working
  set, one model check and its tangent, whatever it solves;
- **one pass**: ``XᵀR`` over all of X, on one thread and in two blocks on two
  threads: what a point of adelie's costs at least (its screening checks
  every group's gradient at every λ);
- **small products**: 100 products of ten consecutive columns with R (what our
  certificates and working sets are made of), one after the other and split
  over two threads: the interpreter's lock serialises calls this short, so
  the second thread makes them slower, not faster.

Run next to adelie (``peers`` venv, see ``bench_group_regression.py``)::

    peers/bin/python benchmarks/floor_group_regression_path.py [--busy]
"""

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

import _timing
import numpy as np
from bench_group_regression import make_problem, path_grid, run_adelie, run_ours_path
from threadpoolctl import threadpool_limits

from sklearn_l2x._problem import PenalisedProblem

POINTS = 50
FLOOR_AT = (10, 25, 49)


def _per_point(runs, count):
    """``{name: per-point ms (best, median)}`` from interleaved runs."""
    return {
        name: (1e3 * min(times) / count, 1e3 * np.median(times) / count)
        for name, (times, _) in runs.items()
    }


def path_costs(X, y, groups, lams, repeat):
    """Per-point ms of our path and adelie's at one and two threads."""
    funcs = {"ours, tol 1e-4": lambda: run_ours_path(X, y, groups, lams, 1e-4)}
    for threads in _timing.PEER_THREADS:
        funcs[f"adelie, tol 1e-10, {threads} thread(s)"] = lambda t=threads: run_adelie(
            X, y, groups, lams, 1e-10, t
        )
    return _per_point(_timing.interleaved_runs(funcs, repeat), len(lams))


class _SolveTimes:
    """Durations of every path point's solve (``PenalisedProblem.solve``
    wrapped while in use)."""

    def __enter__(self):
        self.original = PenalisedProblem.solve
        self.times = []

        def timed(problem, *args, **kwargs):
            start = time.perf_counter()
            try:
                return self.original(problem, *args, **kwargs)
            finally:
                self.times.append(time.perf_counter() - start)

        PenalisedProblem.solve = timed
        return self

    def __exit__(self, *exc):
        PenalisedProblem.solve = self.original


def floor_costs(X, y, groups, lams, repeat):
    """Per-point ms of 50 points that start at their solution, at λ_k: the
    solves of those points, timed inside the run."""
    out = {}
    for k in FLOOR_AT:
        grid = np.r_[lams[: k + 1], np.full(POINTS, lams[k])]
        per_point = []
        for _ in range(repeat + 1):
            _timing.restore_affinity()
            time.sleep(_timing.SETTLE)
            with _SolveTimes() as solves:
                run_ours_path(X, y, groups, grid, 1e-4)
            per_point.append(1e3 * np.mean(solves.times[-POINTS:]))
        per_point = per_point[1:]  # the first run warms up
        out[f"floor at λ_{k}"] = (min(per_point), float(np.median(per_point)))
    return out


def _in_two(pool, work, items):
    """``work`` on the two halves of ``items``: one on the pool, one here."""
    half = len(items) // 2
    future = pool.submit(work, items[:half])
    work(items[half:])
    future.result()


def kernel_costs(X, repeat):
    """ms of one pass and of 100 ten-column products, one and two threads."""
    rng = np.random.default_rng(1)
    R = rng.normal(size=X.shape[0])
    blocks = np.array_split(np.arange(X.shape[1]), 2)
    units = np.sort(rng.choice(X.shape[1] // 10, size=100, replace=False))
    out = np.empty(X.shape[1])

    def products(chunk):
        for u in chunk:
            np.matmul(X[:, 10 * u : 10 * u + 10].T, R, out=out[10 * u : 10 * u + 10])

    def passes(chunk):
        for b in chunk:
            np.matmul(X[:, b[0] : b[-1] + 1].T, R, out=out[b[0] : b[-1] + 1])

    with ThreadPoolExecutor(2) as pool, threadpool_limits(1, user_api="blas"):
        funcs = {
            "one pass, 1 thread": lambda: passes(blocks),
            "one pass, 2 threads": lambda: _in_two(pool, passes, blocks),
            "100 small products, 1 thread": lambda: products(units),
            "100 small products, 2 threads": lambda: _in_two(pool, products, units),
        }
        runs = _timing.interleaved_runs(funcs, repeat)
    return _per_point(runs, 1)


def report(title, costs):
    print(f"  {title}:")
    for name, (best, median) in costs.items():
        print(f"    {name:<34} {best:6.2f} ms (median {median:.2f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    _timing.add_busy_option(parser)
    _timing.add_settle_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    busy = _timing.start_busy(args)
    X, y, groups = make_problem()
    _, lams = path_grid(X, y, groups, POINTS)
    print(f"Per point of the {POINTS}-point path, 1000×5000, groups of 10{busy}")
    report("whole path / 50", path_costs(X, y, groups, lams, args.repeat))
    report(
        "ours, a point with nothing to solve",
        floor_costs(X, y, groups, lams, args.repeat),
    )
    report("kernels (per call)", kernel_costs(X, 4 * args.repeat))


if __name__ == "__main__":
    main()
