"""In-process A/B of this checkout against an earlier commit of sklearn_l2x.

The package at ``--base`` (a git revision) is extracted into a temporary
folder under another name (``l2x_base``: the package imports itself only
relatively) and imported next to this checkout's ``sklearn_l2x``, so both run
in one process, on the same data, in turns (machine drift hits both alike).
For every problem of the benchmark scripts that runs in seconds it prints the
median time of each side and the spread of the per-round ratios new/base::

    python benchmarks/ab_compare.py --base 4d70950 --rounds 9
    python benchmarks/ab_compare.py --base HEAD~3 --busy   # with a busy neighbour

``--busy`` starts one CPU-bound process for the duration (a shared machine).
"""

import argparse
import importlib
import multiprocessing
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _timing  # noqa: E402
from bench_elastic_net import make_regression_problem  # noqa: E402
from bench_group_logistic import make_problem  # noqa: E402
from bench_group_regression import make_problem as make_group_regression  # noqa: E402


def _grid_of(estimator, size):
    """``lams=size``, or ``n_lams=size`` for revisions before lams took a count."""
    import inspect

    if "n_lams" in inspect.signature(estimator).parameters:
        return {"n_lams": size}
    return {"lams": size}


def extract(revision, folder):
    """The package at ``revision`` as the importable package ``l2x_base``."""
    archive = subprocess.run(
        ["git", "archive", revision, "sklearn_l2x"],
        cwd=HERE.parent,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    (Path(folder) / "sklearn_l2x").rename(Path(folder) / "l2x_base")
    sys.path.insert(0, folder)
    return importlib.import_module("l2x_base")


def cases(pkg):
    """(name, callable) pairs for one version of the package."""
    out = []
    for kind in ("binary_1000x1000", "multinomial_1000x500", "onehot"):
        X, y, groups = make_problem(kind)
        top = pkg.lam_max(X, y, groups=groups)
        out.append(
            (
                f"group fit {kind}",
                lambda X=X, y=y, g=groups, lam=0.2 * top: pkg.GroupL2LogisticRegression(
                    g, lam=lam, tol=1e-8
                ).fit(X, y),
            )
        )
        out.append(
            (
                f"group path {kind} (20)",
                lambda X=X, y=y, g=groups: pkg.group_l2_logistic_path(
                    X, y, groups=g, lams=20, eps=0.05, tol=1e-8
                ),
            )
        )
    Xg, yg, gg = make_group_regression()
    top = pkg.lam_max(Xg, yg, loss="squared", groups=gg)
    out.append(
        (
            "group regression fit 1000x5000",
            lambda: pkg.GroupL2Regression(gg, lam=0.1 * top, tol=1e-8).fit(Xg, yg),
        )
    )
    grid = np.geomspace(top, 0.1 * top, 50)
    out.append(
        (
            "group regression path 1000x5000 (50)",
            lambda: pkg.group_l2_regression_path(
                Xg, yg, groups=gg, lams=grid, tol=1e-8
            ),
        )
    )
    X, y, groups = make_problem("multinomial_1000x500")
    out.append(
        (
            "GroupL2LogisticRegressionCV multinomial (10, cv 3)",
            lambda: pkg.GroupL2LogisticRegressionCV(groups, lams=10, cv=3).fit(X, y),
        )
    )
    out.append(
        (
            "ElasticNetClassifier multinomial",
            lambda: pkg.ElasticNetClassifier(lam=0.01, l1_ratio=0.7).fit(X, y),
        )
    )
    for kind in ("dense_500x5000", "dense_5000x500"):
        Xr, yr = make_regression_problem(kind)
        out.append(
            (
                f"elastic_net_path {kind} (100)",
                lambda X=Xr, y=yr: pkg.elastic_net_path(X, y, l1_ratio=0.5, tol=1e-6),
            )
        )
    Xr, yr = make_regression_problem("dense_5000x500")
    out.append(
        (
            "ElasticNetCV 5000x500 (cv 5, 50)",
            lambda: pkg.ElasticNetCV(**_grid_of(pkg.ElasticNetCV, 50), cv=5).fit(
                Xr, yr
            ),
        )
    )
    rng = np.random.default_rng(0)
    Xt = rng.normal(size=(5000, 200))
    Yt = Xt @ rng.normal(size=(200, 20)) + rng.normal(size=(5000, 20))
    for criterion in ("gcv", "loo", "evidence"):
        out.append(
            (
                f"AdaptiveRidge {criterion} 5000x200, 20 targets",
                lambda c=criterion: pkg.AdaptiveRidge(criterion=c).fit(Xt, Yt),
            )
        )
    return out


def _busy():
    end = time.time() + 3600
    x = 0
    while time.time() < end:
        x += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD~1", help="git revision to compare")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--busy", action="store_true", help="a competing process")
    parser.add_argument("--only", default="", help="substring of the case names")
    _timing.add_settle_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    warnings.simplefilter("ignore")
    import sklearn_l2x as new

    with tempfile.TemporaryDirectory() as folder:
        base = extract(args.base, folder)
        neighbour = None
        if args.busy:
            neighbour = multiprocessing.Process(target=_busy, daemon=True)
            neighbour.start()
        try:
            run(new, base, args)
        finally:
            if neighbour is not None:
                neighbour.terminate()


def run(new, base, args):
    print(f"new: {Path(new.__file__).parent}   base: {args.base}   busy: {args.busy}")
    print(f"{'case':<52} {'base s':>8} {'new s':>8} {'ratio':>6} {'spread':>13}")
    for (name, run_new), (_, run_base) in zip(cases(new), cases(base), strict=True):
        if args.only not in name:
            continue
        run_new(), run_base()  # warm-up: first-touch memory, imports
        times = {"new": [], "base": []}
        for round_ in range(args.rounds):
            order = [("new", run_new), ("base", run_base)]
            for label, func in order if round_ % 2 == 0 else order[::-1]:
                time.sleep(_timing.SETTLE)
                start = time.perf_counter()
                func()
                times[label].append(time.perf_counter() - start)
        t_new, t_base = np.array(times["new"]), np.array(times["base"])
        ratios = t_new / t_base
        print(
            f"{name:<52} {np.median(t_base):8.3f} {np.median(t_new):8.3f} "
            f"{np.median(ratios):6.2f} {ratios.min():6.2f}-{ratios.max():<6.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
