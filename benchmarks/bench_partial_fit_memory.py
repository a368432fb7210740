"""Peak memory of AdaptiveRidge.partial_fit over chunks of a ~1 GB memmapped X.

Writes X (``--rows`` × ``--features`` float64, 1 GB by default) to a temporary
file in chunks, then, in a fresh process, fits ``AdaptiveRidge(criterion=
"evidence")`` with ``partial_fit`` on row chunks read from a numpy memmap and
reports the process's peak resident memory (VmHWM from /proc, Linux) and the
peak of Python-tracked allocations (``tracemalloc``) next to the size of X.

    python benchmarks/bench_partial_fit_memory.py
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = r"""
import json, sys, time, tracemalloc
import numpy as np
from sklearn_l2x import AdaptiveRidge


def peak_rss_kib():
    # VmHWM: peak resident set of this process image (reset at exec, unlike
    # getrusage's ru_maxrss, which Linux carries over from the parent).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])


path, rows, features, chunk = sys.argv[1], *map(int, sys.argv[2:5])
baseline = peak_rss_kib()
tracemalloc.start()
model = AdaptiveRidge(criterion="evidence")
start = time.perf_counter()
for begin in range(0, rows, chunk):
    size = min(chunk, rows - begin)
    # One memmap per chunk, dropped after use: its pages leave the process.
    X = np.memmap(path + ".X", dtype=np.float64, mode="r", shape=(size, features),
                  offset=begin * features * 8)
    y = np.memmap(path + ".y", dtype=np.float64, mode="r", shape=(size,),
                  offset=begin * 8)
    model.partial_fit(X, y)
    del X, y
seconds = time.perf_counter() - start
traced = tracemalloc.get_traced_memory()[1]
print(json.dumps({"baseline_kib": baseline, "peak_kib": peak_rss_kib(),
                  "traced": traced, "seconds": seconds, "lam": float(model.lam_)}))
"""


def write_data(path, rows, features, chunk, seed=0):
    rng = np.random.default_rng(seed)
    coef = rng.normal(size=features)
    X = np.memmap(str(path) + ".X", dtype=np.float64, mode="w+", shape=(rows, features))
    y = np.memmap(str(path) + ".y", dtype=np.float64, mode="w+", shape=(rows,))
    for begin in range(0, rows, chunk):
        block = rng.normal(size=(min(chunk, rows - begin), features))
        X[begin : begin + len(block)] = block
        y[begin : begin + len(block)] = block @ coef + rng.normal(size=len(block))
    X.flush()
    y.flush()
    return X.nbytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_250_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "data"
        size = write_data(path, args.rows, args.features, args.chunk)
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(path),
                str(args.rows),
                str(args.features),
                str(args.chunk),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout)
    mib = 2**20
    chunk_bytes = args.chunk * args.features * 8
    print(
        f"X: {args.rows} x {args.features} float64 = {size / mib:.0f} MiB on disk "
        f"(memmap), chunks of {args.chunk} rows ({chunk_bytes / mib:.0f} MiB)"
    )
    print(
        f"peak resident memory of the fitting process: {result['peak_kib'] / 1024:.0f}"
        f" MiB (after imports: {result['baseline_kib'] / 1024:.0f} MiB), "
        f"i.e. {result['peak_kib'] * 1024 / size:.2f} x the size of X"
    )
    print(
        f"peak of traced allocations during the fit: {result['traced'] / mib:.0f} MiB"
        f" = {result['traced'] / size:.3f} x the size of X"
    )
    print(f"fit time {result['seconds']:.1f} s, λ = {result['lam']:.4g}")


if __name__ == "__main__":
    main()
