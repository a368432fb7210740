"""The tour: ``python -m sklearn_l2x``.

Runs sklearn_l2x next to its closest scikit-learn counterparts on datasets that
ship with scikit-learn (no download) and prints what each picks and scores.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_expit

from sklearn_l2x import __version__
from sklearn_l2x.conventions import convert, lambda_to_C

__all__ = ["main"]


def _mean_log_loss_l2(X, y, lam):
    """Minimise our objective (mean log-loss + λ‖w‖²) directly with scipy."""

    def fun(theta):
        w, b = theta[:-1], theta[-1]
        eta = X @ w + b
        loss = np.mean(-log_expit(eta) + (1 - y) * eta)
        residual = (1 / (1 + np.exp(-eta)) - y) / len(y)
        grad = np.r_[X.T @ residual + 2 * lam * w, residual.sum()]
        return loss + lam * w @ w, grad

    result = minimize(
        fun,
        np.zeros(X.shape[1] + 1),
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000},
    )
    return result.x[:-1], result.x[-1]


def tour_conventions(plots=None):
    """λ ↔ C on the breast-cancer data: the exact map against 'λ = 1/C'."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    n = X.shape[0]
    print("1. λ ↔ C: which LogisticRegression(C) minimises mean log-loss + λ‖w‖²?")
    print(f"   breast cancer data, n={n}, p={X.shape[1]}, standardised\n")
    header = (
        f"   {'λ':>8} {'C exact':>10} {'max|Δw| exact':>14} "
        f"{'C = 1/λ':>10} {'max|Δw| naive':>14}"
    )
    print(header)
    for lam in (0.1, 0.01, 0.001):
        w_ref, _ = _mean_log_loss_l2(X, y, lam)
        C_exact = lambda_to_C(lam, n_samples=n)
        errors = []
        for C in (C_exact, 1 / lam):
            model = LogisticRegression(C=C, tol=1e-10, max_iter=10000).fit(X, y)
            errors.append(np.max(np.abs(model.coef_[0] - w_ref)))
        print(
            f"   {lam:8.3g} {C_exact:10.4g} {errors[0]:14.1e} "
            f"{1 / lam:10.4g} {errors[1]:14.2g}"
        )
    print(
        "\n   The exact map is C = 1/(2·n·λ) (1/(2·Σs_i·λ) with weights); the\n"
        "   rule of thumb 'λ = 1/C' ignores n and a factor 2, and fits another"
        " model."
    )
    alpha, l1_ratio = convert(0.1, source="l2x", target="ElasticNet", l1_ratio=0.5)
    print(
        "   The same for the elastic net: our (λ=0.1, l1_ratio=0.5) is "
        f"ElasticNet(alpha={alpha:.4g}, l1_ratio={l1_ratio:.4g}).\n"
    )


def _timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def tour_adaptive_ridge(plots=None):
    """AdaptiveRidge next to RidgeCV and GridSearchCV(Ridge) on diabetes."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge, RidgeCV
    from sklearn.model_selection import GridSearchCV, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_l2x import AdaptiveRidge

    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    n = len(y_train)
    print("2. AdaptiveRidge: λ chosen during fit, continuously, from one decomposition")
    print(
        f"   diabetes data, {n} training / {len(y_test)} test rows, "
        f"p={X.shape[1]}, standardised in a Pipeline\n"
    )
    print(
        f"   {'model':<34} {'λ (ours)':>10} {'Ridge alpha':>12} "
        f"{'test R²':>8} {'fit s':>7}"
    )
    grid = np.logspace(-4, 4, 50)
    candidates = {
        "AdaptiveRidge(criterion='gcv')": AdaptiveRidge(),
        "AdaptiveRidge(criterion='loo')": AdaptiveRidge(criterion="loo"),
        "AdaptiveRidge(criterion='evidence')": AdaptiveRidge(criterion="evidence"),
        "AdaptiveRidge(cv=5)": AdaptiveRidge(cv=5),
        "RidgeCV(50 alphas)": RidgeCV(alphas=grid),
        "GridSearchCV(Ridge, 50 alphas)": GridSearchCV(Ridge(), {"alpha": grid}, cv=5),
    }
    fitted = {}
    for name, estimator in candidates.items():
        pipeline = make_pipeline(StandardScaler(), estimator)
        _, seconds = _timed(lambda p=pipeline: p.fit(X_train, y_train))
        model = pipeline[-1]
        if hasattr(model, "alpha_"):
            alpha = float(model.alpha_)
        else:
            alpha = model.best_params_["alpha"]
        lam = convert(alpha, source="Ridge", target="l2x", n_samples=n)
        score = pipeline.score(X_test, y_test)
        fitted[name] = model
        print(f"   {name:<34} {lam:10.4g} {alpha:12.4g} {score:8.3f} {seconds:7.3f}")
    print(
        "\n   λ is ours (mean squared error + λ‖w‖²); Ridge alpha = n·λ "
        "(conventions.convert)."
    )
    print(
        "   The grid searches can only return one of their 50 alphas; "
        "AdaptiveRidge\n   returns the criterion's optimum itself.\n"
    )
    if plots is not None:
        _plot_criteria(fitted, plots)


def _plot_criteria(fitted, directory):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for ax, name in zip(
        axes,
        [
            "AdaptiveRidge(criterion='gcv')",
            "AdaptiveRidge(criterion='loo')",
            "AdaptiveRidge(criterion='evidence')",
        ],
        strict=True,
    ):
        model = fitted[name]
        ax.semilogx(model.lam_path_, model.criterion_path_, color="0.4")
        ax.axvline(model.lam_, color="C3", label=f"λ = {model.lam_:.3g}")
        criterion = name.split("'")[1]
        ax.set_title(criterion)
        ax.set_xlabel("λ")
        ax.set_ylabel(
            {"gcv": "GCV score", "loo": "LOO MSE", "evidence": "log evidence"}[
                criterion
            ]
        )
        ax.legend()
        low = np.argmin(np.abs(np.log(model.lam_path_ / model.lam_)))
        window = slice(max(low - 15, 0), low + 15)
        ax.set_xlim(model.lam_path_[window][0], model.lam_path_[window][-1])
    fig.tight_layout()
    path = Path(directory) / "adaptive_ridge_criteria.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"   wrote {path}\n")


def _tour_group_problem(label, X, y, groups):
    """One row pair of the group tour: ours and LogisticRegressionCV."""
    import warnings

    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_l2x import GroupL2LogisticRegressionCV

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    n = len(y_train)
    n_groups = len(set(groups)) if groups is not None else X.shape[1]
    ours = make_pipeline(
        StandardScaler(), GroupL2LogisticRegressionCV(groups, lams=20, cv=5)
    )
    _, seconds = _timed(ours.fit, X_train, y_train)
    model = ours[-1]
    C = convert(
        model.lam_,
        source="l2x",
        target="LogisticRegression",
        l1_ratio=1.0,
        n_samples=n,
    )[0]
    print(
        f"   {label + ': ours':<58} {model.lam_:10.3g} {C:9.3g} "
        f"{ours.score(X_test, y_test):8.3f} "
        f"{len(model.active_groups_):>3}/{n_groups:<3} {seconds:6.2f}"
    )
    theirs = make_pipeline(StandardScaler(), LogisticRegressionCV(Cs=20, cv=5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, seconds = _timed(theirs.fit, X_train, y_train)
    C = float(np.atleast_1d(theirs[-1].C_)[0])
    lam = convert(C, source="LogisticRegression", target="l2x", n_samples=n)
    print(
        f"   {label + ': LogisticRegressionCV (L2)':<58} {lam:10.3g} "
        f"{C:9.3g} {theirs.score(X_test, y_test):8.3f} "
        f"{'all':>7} {seconds:6.2f}"
    )


def tour_group_logistic(plots=None):
    """Group-L2 logistic regression next to LogisticRegressionCV."""
    from sklearn.datasets import load_breast_cancer, load_wine

    print("3. GroupL2LogisticRegressionCV: whole groups of features in or out")
    print(
        f"   {'data / model':<58} {'λ (ours)':>10} {'C':>9} {'test acc':>8} "
        f"{'groups':>7} {'fit s':>6}"
    )
    cancer = load_breast_cancer()
    wine = load_wine()
    problems = [
        # breast cancer: 10 measurements, each as mean, standard error, worst
        (
            "breast cancer, 10 groups of 3",
            cancer.data,
            cancer.target,
            [j % 10 for j in range(30)],
        ),
        ("wine (3 classes), singleton groups", wine.data, wine.target, None),
    ]
    for problem in problems:
        _tour_group_problem(*problem)
    print(
        "\n   Ours: λ of the group term (C is its L1 equivalent for singleton "
        "groups);\n   'groups' counts the groups kept. LogisticRegressionCV "
        "shrinks but keeps every feature.\n"
    )


def _tour_enet_regression(mixes):
    """The elastic-net tour's regression rows: ours and scikit-learn's CV."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import ElasticNetCV as SkElasticNetCV
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_l2x import ElasticNetCV
    from sklearn_l2x._sklearn_compat import ENET_CV_GRID_PARAM

    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    ours = make_pipeline(StandardScaler(), ElasticNetCV(l1_ratio=mixes, lams=50))
    _, seconds = _timed(ours.fit, X_train, y_train)
    model = ours[-1]
    alpha, ratio = convert(
        model.lam_, source="l2x", target="ElasticNet", l1_ratio=model.l1_ratio_
    )
    print(
        f"   {'diabetes (R²): ElasticNetCV, ours':<44} {model.lam_:9.3g} "
        f"{model.l1_ratio_:5.2f} {f'alpha={alpha:.3g} ρ={ratio:.2f}':>22} "
        f"{ours.score(X_test, y_test):6.3f} {np.count_nonzero(model.coef_):4d} "
        f"{seconds:6.2f}"
    )
    sk_mixes = [m / (2 - m) for m in mixes]  # the same α in scikit-learn's terms
    grid = {ENET_CV_GRID_PARAM: 50}
    theirs = make_pipeline(
        StandardScaler(), SkElasticNetCV(l1_ratio=sk_mixes, cv=5, **grid)
    )
    _, seconds = _timed(theirs.fit, X_train, y_train)
    model = theirs[-1]
    lam, mix = convert(
        model.alpha_, source="ElasticNet", target="l2x", l1_ratio=model.l1_ratio_
    )
    print(
        f"   {'diabetes (R²): scikit-learn ElasticNetCV':<44} {lam:9.3g} "
        f"{float(mix):5.2f} {f'alpha={model.alpha_:.3g} ρ={model.l1_ratio_:.2f}':>22} "
        f"{theirs.score(X_test, y_test):6.3f} {np.count_nonzero(model.coef_):4d} "
        f"{seconds:6.2f}"
    )


def _tour_enet_classification():
    """The elastic-net tour's classification rows: ours and LogisticRegressionCV."""
    import warnings

    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_l2x import ElasticNetClassifierCV
    from sklearn_l2x._sklearn_compat import LOGISTIC_NEEDS_PENALTY

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    n = len(y_train)
    ours = make_pipeline(
        StandardScaler(), ElasticNetClassifierCV(l1_ratio=[0.5, 1.0], lams=10, cv=5)
    )
    _, seconds = _timed(ours.fit, X_train, y_train)
    model = ours[-1]
    C, ratio = convert(
        model.lam_,
        source="l2x",
        target="LogisticRegression",
        l1_ratio=model.l1_ratio_,
        n_samples=n,
    )
    print(
        f"   {'breast cancer (acc.): ElasticNetClassifierCV':<44} {model.lam_:9.3g} "
        f"{model.l1_ratio_:5.2f} {f'C={float(C):.3g} ρ={float(ratio):.2f}':>22} "
        f"{ours.score(X_test, y_test):6.3f} {np.count_nonzero(model.coef_):4d} "
        f"{seconds:6.2f}"
    )
    penalty = {"penalty": "elasticnet"} if LOGISTIC_NEEDS_PENALTY else {}
    theirs = make_pipeline(
        StandardScaler(),
        LogisticRegressionCV(
            Cs=10,
            cv=5,
            solver="saga",
            l1_ratios=[m / (2 - m) for m in (0.5, 1.0)],
            max_iter=5000,
            **penalty,
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, seconds = _timed(theirs.fit, X_train, y_train)
    model = theirs[-1]
    C, ratio = (float(np.atleast_1d(v)[0]) for v in (model.C_, model.l1_ratio_))
    lam, mix = convert(
        C, source="LogisticRegression", target="l2x", l1_ratio=ratio, n_samples=n
    )
    print(
        f"   {'breast cancer (acc.): LogisticRegressionCV':<44} {float(lam):9.3g} "
        f"{float(mix):5.2f} {f'C={C:.3g} ρ={ratio:.2f}':>22} "
        f"{theirs.score(X_test, y_test):6.3f} {np.count_nonzero(model.coef_):4d} "
        f"{seconds:6.2f}"
    )


def tour_elastic_net(plots=None):
    """ElasticNetCV and ElasticNetClassifierCV next to scikit-learn's CV."""
    mixes = [0.1, 0.5, 0.9, 1.0]
    print("4. Elastic net: λ and the mix α chosen by 5-fold CV")
    print(
        f"   {'data / model':<44} {'λ':>9} {'α':>5} {'scikit-learn':>22} "
        f"{'test':>6} {'nnz':>4} {'fit s':>6}"
    )
    _tour_enet_regression(mixes)
    _tour_enet_classification()
    print(
        "\n   λ, α are ours (mean loss + λ[α‖w‖₁ + (1−α)‖w‖²]); the scikit-learn "
        "column is the\n   same model in its parameters (conventions.convert). "
        "LogisticRegressionCV uses saga.\n"
    )


def tour_group_regression(plots=None):
    """Sparse-group lasso on spline groups, next to LassoCV on the same columns."""
    import warnings

    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LassoCV
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import SplineTransformer, StandardScaler

    from sklearn_l2x import GroupL2RegressionCV, SourceGroups

    print("5. GroupL2RegressionCV: variables in or out, on their spline columns")
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    splines = make_pipeline(SplineTransformer(n_knots=4), StandardScaler()).set_output(
        transform="pandas"
    )
    Z_train = splines.fit_transform(X_train)
    Z_test = splines.transform(X_test)
    width = Z_train.shape[1] // X.shape[1]
    # Columns "bmi_sp_0", "bmi_sp_1", ...: one group per source variable.
    groups = SourceGroups(list(X.columns))
    print(f"   diabetes, {X.shape[1]} variables x {width} spline columns")
    print(
        f"   {'model':<58} {'test R²':>8} {'variables':>9} {'columns':>7} {'fit s':>6}"
    )
    models = {
        "ours, group lasso, 1-SE λ": GroupL2RegressionCV(
            groups, lams=30, selection="1se"
        ),
        "ours, sparse-group (l1_ratio=0.8), 1-SE λ": GroupL2RegressionCV(
            groups, lams=30, l1_ratio=0.8, selection="1se"
        ),
        "LassoCV (columns one by one, 100 alphas)": LassoCV(),
    }
    for label, model in models.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, seconds = _timed(model.fit, Z_train, y_train)
        kept = np.asarray(model.coef_).reshape(X.shape[1], width) != 0
        print(
            f"   {label:<58} {model.score(Z_test, y_test):8.3f} "
            f"{int(kept.any(axis=1).sum()):>6}/{X.shape[1]:<2} "
            f"{int(kept.sum()):>7} {seconds:6.2f}"
        )
    print(
        "\n   The group penalties keep or drop a variable with all its columns; "
        "the 1-SE rule\n   takes the largest λ the folds cannot tell from the "
        "best.\n"
    )


def tour_adaptive_logistic(plots=None):
    """AdaptiveLogisticRegression next to LogisticRegressionCV on breast cancer."""
    import warnings

    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.metrics import log_loss
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_l2x import AdaptiveLogisticRegression, AdaptiveRidgeClassifier

    print("6. AdaptiveLogisticRegression: λ chosen during fit, one fit per λ")
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    n = len(y_train)
    print(f"   breast cancer, {n} training / {len(y_test)} test rows, standardised")
    print(
        f"   {'model':<46} {'λ (ours)':>9} {'C':>8} {'test log-loss':>13} {'fit s':>6}"
    )
    models = {
        "AdaptiveLogisticRegression(criterion='alo')": AdaptiveLogisticRegression(),
        "AdaptiveLogisticRegression(criterion='evidence')": (
            AdaptiveLogisticRegression(criterion="evidence")
        ),
        "LogisticRegressionCV(Cs=20, cv=5, log-loss)": LogisticRegressionCV(
            Cs=20, cv=5, scoring="neg_log_loss"
        ),
    }
    for label, model in models.items():
        pipeline = make_pipeline(StandardScaler(), model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            _, seconds = _timed(pipeline.fit, X_train, y_train)
        C = float(np.ravel(model.C_)[0])
        lam = 1.0 / (2 * n * C)
        loss = log_loss(y_test, pipeline.predict_proba(X_test))
        print(f"   {label:<48} {lam:9.3g} {C:8.3g} {loss:13.4f} {seconds:6.3f}")
    ridge = make_pipeline(StandardScaler(), AdaptiveRidgeClassifier())
    _, seconds = _timed(ridge.fit, X_train, y_train)
    accuracy = f"accuracy {ridge.score(X_test, y_test):.3f}"
    print(
        f"   {'AdaptiveRidgeClassifier (GCV on ±1 codes)':<48} "
        f"{ridge[-1].lam_:9.3g} {'':>8} {accuracy:>13} {seconds:6.3f}"
    )
    print(
        "\n   ALO estimates the leave-one-out log-loss from the Hessian of each "
        "fit;\n   the evidence is the Laplace marginal likelihood of the prior "
        "that λ‖w‖² is.\n"
    )


SECTIONS = {
    "conventions": tour_conventions,
    "ridge": tour_adaptive_ridge,
    "group": tour_group_logistic,
    "enet": tour_elastic_net,
    "group-regression": tour_group_regression,
    "adaptive-logistic": tour_adaptive_logistic,
}


def main(argv=None):
    """Run the tour and print its report.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``sys.argv[1:]`` when None).

    Returns
    -------
    status : int
        0 on success.

    Examples
    --------
    >>> from sklearn_l2x.__main__ import main
    >>> main(["--only", "conventions"])  # doctest: +ELLIPSIS
    sklearn_l2x ... tour
    ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_l2x",
        description=(
            "A tour of sklearn_l2x on datasets bundled with scikit-learn: each "
            "section fits our estimator next to its closest scikit-learn "
            "counterpart and prints the chosen λ (with the equivalent scikit-learn "
            "parameter), the held-out score and the fit time."
        ),
    )
    parser.add_argument(
        "--only",
        choices=sorted(SECTIONS),
        action="append",
        help="run only this section (repeatable)",
    )
    parser.add_argument(
        "--plots", metavar="DIR", help="also write the figures as PNG into DIR"
    )
    args = parser.parse_args(argv)
    if args.plots is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            parser.error("--plots needs matplotlib: pip install matplotlib")
        Path(args.plots).mkdir(parents=True, exist_ok=True)
    print(f"sklearn_l2x {__version__} tour\n")
    start = time.perf_counter()
    for name in args.only or list(SECTIONS):
        SECTIONS[name](plots=args.plots)
    print(f"tour finished in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
