"""The cost of a first fit in a fresh process, relative to a warm fit.

A package that compiles on first use (numba, JIT) pays it in the first fit of
every new process; ours must not. One fresh process is too noisy to judge
(a single warm fit varies by ±20 % on a busy machine), so ``runs`` processes
each time their first fit and the median of three warm fits, and the median
ratio is reported.
"""

import statistics
import subprocess
import sys


def first_fit_ratio(setup, fit, runs=5):
    """Median over ``runs`` fresh processes of first-fit / median warm-fit time.

    ``setup`` is Python code run first (imports, data: not timed); ``fit`` an
    expression that fits once. Both run from the repository root with
    ``benchmarks/`` on the path.
    """
    code = (
        "import statistics, sys, time; sys.path.insert(0, 'benchmarks');\n"
        f"{setup}\n"
        "def once():\n"
        "    start = time.perf_counter()\n"
        f"    {fit}\n"
        "    return time.perf_counter() - start\n"
        "first = once()\n"
        "print(first / statistics.median(once() for _ in range(3)))\n"
    )
    ratios = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        ratios.append(float(out.stdout.strip()))
    return statistics.median(ratios)
