"""AdaptiveLogisticRegression (λ chosen in fit) against LogisticRegressionCV.

Run: ``python benchmarks/bench_adaptive_logistic.py [--repeat 3] [--busy]``.

On breast cancer, digits (10 classes) and a synthetic 20000×200 problem,
each split 75/25 (stratified) and standardised on the training part:

- ``LogisticRegressionCV(Cs=20, cv=5, scoring="neg_log_loss")``, scikit-learn's
  grid over C with 5 refits per point (scored by the log-loss, the quantity
  compared here);
- ``AdaptiveLogisticRegression`` with ``criterion="alo"`` and ``"evidence"``;
- one ``LogisticRegression(C=C_)`` at the λ the ALO fit chose.

Printed: held-out log-loss of each (ratio ours / LogisticRegressionCV; target
≤ 1.01), fit time (ratio; target ≤ 0.2) and the ALO fit's time over the one
LogisticRegression fit (target ≤ 15), and the floor of any ALO search: the
linear algebra of one criterion evaluation (a Hessian, its inverse, the
leverages; no fit) times the fewest evaluations a search makes (5), as
ratios to the same two. Everything runs in this one process,
in turns, each timing best of ``--repeat`` with the spread printed;
``--busy`` adds a competing process that keeps one core busy.
"""

import argparse
import multiprocessing
import time
import warnings

import _timing
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import AdaptiveLogisticRegression
from sklearn_l2x._losses import make_logistic_loss
from sklearn_l2x._solvers.newton import Curvature, RidgeNewton, RowSpaceDesign

# The fewest criterion evaluations a search can make: a bracket (three grid
# points) and two refinements.
MIN_EVALUATIONS = 5


def datasets():
    yield "breast cancer", load_breast_cancer(return_X_y=True)
    yield "digits", load_digits(return_X_y=True)
    yield (
        "synthetic 20000×200",
        make_classification(
            n_samples=26_667,
            n_features=200,
            n_informative=20,
            n_redundant=10,
            flip_y=0.05,
            random_state=0,
        ),
    )


def _split(X, y):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def _timed(repeat, make):
    times, model = [], None
    for _ in range(repeat):
        time.sleep(_timing.SETTLE)
        start = time.perf_counter()
        model = make()
        times.append(time.perf_counter() - start)
    return times, model


def _spread(times):
    return f"best {min(times):7.3f} s (median {np.median(times):.3f})"


def evaluation_floor(X, y, lam, repeat):
    """Seconds of the linear algebra one ALO evaluation cannot skip, at λ.

    One Hessian at the solution, its inverse and the n leverages (K×K each),
    timed apart from any fit (best of ``repeat``).
    """
    classes = np.unique(y)
    Y = (
        (y == classes[1])[:, None].astype(float)
        if classes.size == 2
        else ((y[:, None] == classes[None, :]).astype(float))
    )
    design = RowSpaceDesign.from_data(X, True)
    loss = make_logistic_loss(Y, np.ones(len(y)))
    fit = RidgeNewton(design, loss, 1e-8, 100).solve(lam)
    parts = loss.hessian_parts(fit.eta)

    def one_evaluation():
        curvature = Curvature(design, parts, lam)
        return curvature.leverages()  # forms the inverse too

    return _timed(repeat, one_evaluation)[0]


def compare(name, X, y, repeat):
    X_train, X_test, y_train, y_test = _split(X, y)
    print(f"{name}: n_train={X_train.shape[0]}, p={X_train.shape[1]}")

    def peer():
        return LogisticRegressionCV(Cs=20, cv=5, scoring="neg_log_loss").fit(
            X_train, y_train
        )

    def ours(criterion):
        return lambda: AdaptiveLogisticRegression(criterion=criterion).fit(
            X_train, y_train
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        peer_times, peer_model = _timed(repeat, peer)
    peer_loss = log_loss(y_test, peer_model.predict_proba(X_test))
    print(
        f"  LogisticRegressionCV  {_spread(peer_times)}  held-out log-loss "
        f"{peer_loss:.4f}"
    )
    alo_model = None
    for criterion in ("alo", "evidence"):
        times, model = _timed(repeat, ours(criterion))
        loss = log_loss(y_test, model.predict_proba(X_test))
        print(
            f"  ours ({criterion:<8})      {_spread(times)}  held-out log-loss "
            f"{loss:.4f}  loss ratio {loss / peer_loss:.3f} (≤ 1.01)  time ratio "
            f"{min(times) / min(peer_times):.2f} (≤ 0.2)  λ evaluated "
            f"{model.n_lams_evaluated_}"
        )
        if criterion == "alo":
            alo_model, alo_times = model, times
    single_times, _ = _timed(
        repeat, lambda: LogisticRegression(C=alo_model.C_).fit(X_train, y_train)
    )
    print(
        f"  one LogisticRegression(C=C_) {_spread(single_times)}  ALO fit / it "
        f"{min(alo_times) / min(single_times):.1f} (≤ 15)"
    )
    floor = min(evaluation_floor(X_train, y_train, alo_model.lam_, repeat))
    print(
        f"  floor: one Hessian + inverse + leverages {floor * 1e3:.1f} ms; "
        f"{MIN_EVALUATIONS} of them = {MIN_EVALUATIONS * floor / min(peer_times):.2f}"
        f"× LogisticRegressionCV, {MIN_EVALUATIONS * floor / min(single_times):.1f}× "
        "one LogisticRegression"
    )


def _spin(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--busy", action="store_true", help="one busy core alongside")
    _timing.add_settle_option(parser)
    args = parser.parse_args()
    _timing.apply_settle_option(args)
    stop = multiprocessing.Event()
    if args.busy:
        multiprocessing.Process(target=_spin, args=(stop,), daemon=True).start()
        print("(one busy core alongside)")
    for name, (X, y) in datasets():
        compare(name, X, y, args.repeat)
    stop.set()


if __name__ == "__main__":
    main()
