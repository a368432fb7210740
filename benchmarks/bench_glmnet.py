"""Elastic-net paths against R's glmnet: the dense 2000×5000 lasso and α = .5.

Needs R with glmnet (``apt-get install r-base-core r-cran-glmnet``)::

    python benchmarks/bench_glmnet.py [--repeat 3] [--busy]

Both sides run one thread and are timed in CPU time: ours under
``threadpool_limits(1)`` with ``time.process_time``, glmnet (Fortran, one
thread) with R's ``system.time`` (user + system) around ``glmnet()`` alone,
inside R, so R's start-up and the data transfer are not timed. Both fit the
same grid of 100 λ from λ_max down to ``eps``·λ_max (ours mapped to glmnet's
``lambda`` with :func:`sklearn_l2x.convert`, ``standardize=FALSE``,
intercept fitted).

Every solution, ours or glmnet's, is scored by the same relative duality gap
(:func:`bench_elastic_net.relative_gap`) and each side is *calibrated*: its
tolerance (ours ``tol``, glmnet's ``thresh``, both of its ``type.gaussian``
algorithms) is tightened from loose until the worst gap along the path is at
most 1e-6, and that setting is timed, best of ``--repeat`` with the spread.
``--busy`` keeps one other core busy for the whole run.
"""

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import _timing
import numpy as np
from bench_elastic_net import make_regression_problem, peer_params, worst_gap
from threadpoolctl import threadpool_limits

from sklearn_l2x import elastic_net_path

TARGET_GAP = 1e-6
OUR_TOLS = [1e-4, 3e-5, 1e-5, 3e-6, 1e-6]
GLMNET_THRESHOLDS = [1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14]

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; n <- as.integer(args[2]); p <- as.integer(args[3])
alpha <- as.numeric(args[4]); thresh <- as.numeric(args[5])
type <- args[6]; repeats <- as.integer(args[7])
suppressMessages(library(glmnet))
X <- matrix(readBin(file.path(dir, "X.bin"), "double", n * p), n, p)
y <- readBin(file.path(dir, "y.bin"), "double", n)
lambda <- readBin(file.path(dir, "lambda.bin"), "double", 100000)
seconds <- numeric(repeats)
for (i in seq_len(repeats)) {
  gc()
  t <- system.time(fit <- glmnet(X, y, alpha = alpha, lambda = lambda,
    standardize = FALSE, thresh = thresh, type.gaussian = type,
    maxit = 1e7))
  seconds[i] <- t[["user.self"]] + t[["sys.self"]]
}
beta <- as.matrix(fit$beta)
writeBin(as.vector(beta), file.path(dir, "beta.bin"))
cat(seconds, "\n")
"""


def glmnet_available():
    if shutil.which("Rscript") is None:
        return False
    check = subprocess.run(
        ["Rscript", "-e", "library(glmnet)"], capture_output=True, text=True
    )
    return check.returncode == 0


def time_ours(X, y, l1_ratio, n_lams, eps, repeat):
    """(CPU seconds of each run, worst gap, tol) at the loosest tol reaching target."""

    def run(tol):
        with threadpool_limits(1):
            start = time.process_time()
            lams, coefs, _, _ = elastic_net_path(
                X, y, l1_ratio=l1_ratio, lams=n_lams, eps=eps, tol=tol
            )
            return time.process_time() - start, lams, coefs

    for tol in OUR_TOLS:
        _, lams, coefs = run(tol)
        gap = worst_gap(X, y, coefs, lams, l1_ratio)
        if gap <= TARGET_GAP:
            break
    times = []
    for _ in range(repeat):
        _timing.restore_affinity()
        time.sleep(_timing.SETTLE)
        times.append(run(tol)[0])
    return times, gap, tol, lams


def time_glmnet(X, y, lams, l1_ratio, repeat, workdir, kind):
    """(CPU seconds of each run, worst gap, thresh) for one ``type.gaussian``."""
    n, p = X.shape
    glmnet_lams, alpha = peer_params(
        lams, l1_ratio, n, "glmnet.gaussian.lambda", y_std=float(y.std())
    )
    np.asarray(glmnet_lams, dtype=np.float64).tofile(workdir / "lambda.bin")
    script = workdir / "fit.R"
    script.write_text(R_SCRIPT)

    def run(thresh, repeats):
        out = subprocess.run(
            ["Rscript", str(script), str(workdir), str(n), str(p)]
            + [repr(alpha), repr(thresh), kind, str(repeats)],
            capture_output=True,
            text=True,
            check=True,
        )
        beta = np.fromfile(workdir / "beta.bin").reshape(-1, p)
        if beta.shape[0] < lams.size:  # glmnet stopped its path early
            raise RuntimeError(f"glmnet fitted {beta.shape[0]} of {lams.size} λ")
        return [float(t) for t in out.stdout.split()], beta

    for thresh in GLMNET_THRESHOLDS:  # calibrate: one fit per thresh
        _, beta = run(thresh, 1)
        gap = worst_gap(X, y, beta, lams, l1_ratio)
        if gap <= TARGET_GAP:
            break
    times, _ = run(thresh, repeat)
    return times, gap, thresh


def compare(X, y, l1_ratio, n_lams, eps, repeat, workdir):
    ours, our_gap, tol, lams = time_ours(X, y, l1_ratio, n_lams, eps, repeat)
    print(f"\n  α = {l1_ratio}: {lams.size} λ down to {eps:g}·λ_max")
    label = f"sklearn_l2x (tol={tol:g})"
    print(f"    {label:<34} {_timing.spread(ours)}   worst gap {our_gap:.1e}")
    best = None
    for kind in ("naive", "covariance"):
        times, gap, thresh = time_glmnet(X, y, lams, l1_ratio, repeat, workdir, kind)
        reached = "" if gap <= TARGET_GAP else "  (target not reached)"
        label = f"glmnet {kind} (thresh={thresh:g})"
        print(f"    {label:<34} {_timing.spread(times)}   worst gap {gap:.1e}{reached}")
        if gap <= TARGET_GAP and (best is None or min(times) < best):
            best = min(times)
    if best is None:
        print("    glmnet did not reach the target gap at any thresh tried")
    else:
        print(f"    ours / fastest glmnet reaching the gap: {min(ours) / best:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-lams", type=int, default=100)
    parser.add_argument("--eps", type=float, default=1e-2)
    parser.add_argument("--l1-ratios", type=float, nargs="*", default=[1.0, 0.5])
    _timing.add_settle_option(parser)
    _timing.add_busy_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    if not glmnet_available():
        raise SystemExit("R with glmnet is needed: apt-get install r-cran-glmnet")
    busy = _timing.start_busy(args)
    X, y = make_regression_problem("dense_2000x5000")
    print(f"dense 2000×5000 paths, one thread each, CPU time{busy}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        # Column-major, as R's matrix() reads it.
        np.asarray(X.T, dtype=np.float64).tofile(workdir / "X.bin")
        y.astype(np.float64).tofile(workdir / "y.bin")
        for l1_ratio in args.l1_ratios:
            compare(X, y, l1_ratio, args.n_lams, args.eps, args.repeat, workdir)


if __name__ == "__main__":
    main()
