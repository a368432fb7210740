"""AdaptiveRidge on a GPU (PyTorch CUDA, array API dispatch) against the CPU fit.

For each shape (n×p float32; default the tall 200,000×2,000 and the wide
2,000×50,000), times in one process:

* ours on the device: ``AdaptiveRidge()`` (GCV, continuous λ search) fitted on
  torch tensors under ``sklearn.config_context(array_api_dispatch=True)``;
* ours on the CPU: the same fit on NumPy arrays, BLAS limited to 2 threads
  (the 2-core reference machine);
* scikit-learn's ``RidgeCV(alphas=100 values)`` under dispatch on the same
  device (its GCV over a grid);

and prints the ratios (targets: device ≥ 20× the 2-core CPU fit, and ≤ 1.0×
RidgeCV's time on the device). Device times synchronise the device before
the clock stops; every time is the best of ``--repeat`` runs after a warm-up.
Without a usable CUDA device the script says so and exits 0; ``--device cpu
--small`` runs the same comparison on PyTorch's CPU tensors (a check that the
script works, not a speed claim).

    SCIPY_ARRAY_API=1 python benchmarks/bench_array_api.py
"""

import argparse
import os
import sys
import time

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402


def _torch_device(name):
    """(torch, device) or a reason string when the device is not usable."""
    try:
        import torch
    except ImportError:
        return "PyTorch is not installed (pip install torch)"
    try:
        torch.zeros(1, device=name)
    except Exception as error:  # noqa: BLE001 - any failure means no device
        return f"no usable {name} device ({type(error).__name__}: {error})"[:200]
    return torch, name


def _timed(function, repeat, synchronise):
    function()  # warm-up: kernels compiled/loaded, memory pools filled
    synchronise()
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        synchronise()
        best = min(best, time.perf_counter() - start)
    return best


def _problem(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p), dtype=np.float32)
    coef = rng.standard_normal(p).astype(np.float32) / np.sqrt(p)
    y = X @ coef + rng.standard_normal(n, dtype=np.float32)
    return X, y


def compare(n, p, torch, device, repeat):
    import sklearn
    from sklearn.linear_model import RidgeCV
    from threadpoolctl import threadpool_limits

    from sklearn_l2x import AdaptiveRidge

    X, y = _problem(n, p)
    X_dev, y_dev = torch.asarray(X, device=device), torch.asarray(y, device=device)

    def synchronise():
        if device == "cuda":
            torch.cuda.synchronize()

    def ours_device():
        with sklearn.config_context(array_api_dispatch=True):
            return AdaptiveRidge().fit(X_dev, y_dev)

    def ridgecv_device():
        with sklearn.config_context(array_api_dispatch=True):
            return RidgeCV(alphas=np.logspace(-3, 5, 100)).fit(X_dev, y_dev)

    def ours_cpu():
        with threadpool_limits(limits=2, user_api="blas"):
            return AdaptiveRidge().fit(X, y)

    times = {
        "ours, device": _timed(ours_device, repeat, synchronise),
        "RidgeCV(100 alphas), device": _timed(ridgecv_device, repeat, synchronise),
        "ours, NumPy on 2 CPU threads": _timed(
            ours_cpu, max(1, repeat // 2), lambda: 0
        ),
    }
    cpu_model, device_model = ours_cpu(), ours_device()
    agreement = np.max(np.abs(device_model.coef_.cpu().numpy() - cpu_model.coef_))
    agreement /= np.max(np.abs(cpu_model.coef_))
    print(f"\n{n} × {p} float32 on {device}")
    for name, seconds in times.items():
        print(f"  {name:<32} {seconds:9.3f} s")
    speedup = times["ours, NumPy on 2 CPU threads"] / times["ours, device"]
    versus = times["ours, device"] / times["RidgeCV(100 alphas), device"]
    print(f"  device / 2-core CPU speed-up    {speedup:9.1f}×  (target ≥ 20)")
    print(f"  ours / RidgeCV on the device    {versus:9.2f}×  (target ≤ 1.0)")
    print(f"  coefficients, device vs CPU     {agreement:9.1e}  (max relative)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda", help="torch device (cuda)")
    parser.add_argument("--small", action="store_true", help="small shapes")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    found = _torch_device(args.device)
    if isinstance(found, str):
        print(f"bench_array_api: skipped, {found}.")
        return 0
    torch, device = found
    shapes = (
        [(2_000, 100), (200, 2_000)]
        if args.small
        else [
            (200_000, 2_000),
            (2_000, 50_000),
        ]
    )
    for n, p in shapes:
        compare(n, p, torch, device, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
