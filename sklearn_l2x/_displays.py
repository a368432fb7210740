"""Displays in scikit-learn's style: a regularisation path, a CV curve, a criterion.

Each display holds the numbers it draws; ``plot(ax=None, ...)`` draws them
and sets ``ax_``, ``figure_`` and the artists; the class methods
``from_estimator`` (and ``from_path``) compute the numbers and plot.
matplotlib is imported only when a display plots (``pip install
sklearn_l2x[plot]``).
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._groups import resolve_groups

__all__ = ["CVCurveDisplay", "CriterionDisplay", "PathDisplay"]

#: Legends list at most this many lines (paths of many features have none).
_LEGEND_MAX = 12


def _axes(ax):
    """``ax``, or new axes on a new figure; matplotlib imported here only."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - needs matplotlib absent
        raise ImportError(
            "Plotting needs matplotlib: pip install matplotlib (or sklearn_l2x[plot])."
        ) from error
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _mark(ax, lam, label, linestyle):
    """A vertical line at ``lam`` (None: no line)."""
    if lam is None:
        return None
    return ax.axvline(lam, color="k", linestyle=linestyle, linewidth=1, label=label)


def _finish(display, ax, legend):
    if legend:
        ax.legend(fontsize="small")
    display.ax_, display.figure_ = ax, ax.figure
    return display


def _lam_marks(ax, lam_min, lam_1se, chosen):
    """The λ_min and λ_1se lines, the chosen one said so in its label."""
    lines = []
    for lam, name, style in ((lam_min, "λ_min", "--"), (lam_1se, "λ_1se", ":")):
        tag = " (chosen)" if chosen is not None and lam == chosen else ""
        text = None if lam is None else f"{name} = {lam:.3g}{tag}"
        lines.append(_mark(ax, lam, text, style))
    return lines


class PathDisplay:
    """Regularisation path: coefficients, or group norms, against λ.

    Read more in the :ref:`User Guide <displays>`.

    Parameters
    ----------
    lams : ndarray of shape (n_lams,)
        The λ grid.
    values : ndarray of shape (n_lams, n_lines)
        What is drawn against λ: one line per column (a coefficient, or the
        norm of a group's coefficients).
    names : list of str, default=None
        One label per line.
    lam_min, lam_1se : float, default=None
        λ values marked by vertical lines (the best and the one-standard-error
        λ of a cross-validation).
    lam : float, default=None
        The chosen λ (its line's label says "chosen").
    ylabel : str, default="coefficient"
        Label of the vertical axis.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One line per column of ``values``.
    lam_min_line_, lam_1se_line_ : matplotlib Line2D or None
        The vertical lines.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    CVCurveDisplay : The cross-validation curve of the same estimators.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import PathDisplay, group_l2_regression_path
    >>> X, y = load_diabetes(return_X_y=True)
    >>> groups = [0, 1, 2, 3, 4, 4, 4, 4, 4, 4]
    >>> lams, coefs, _, _ = group_l2_regression_path(X, y, groups=groups, lams=20)
    >>> display = PathDisplay.from_path(lams, coefs, groups=groups)
    >>> len(display.lines_)
    5
    """

    def __init__(
        self,
        lams,
        values,
        *,
        names=None,
        lam_min=None,
        lam_1se=None,
        lam=None,
        ylabel="coefficient",
    ):
        self.lams = lams
        self.values = values
        self.names = names
        self.lam_min = lam_min
        self.lam_1se = lam_1se
        self.lam = lam
        self.ylabel = ylabel

    def plot(self, ax=None, *, legend=None, **line_kw):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        legend : bool, default=None
            Whether to draw a legend; None: when there are names and at most
            12 lines.
        **line_kw : dict
            Passed to ``Axes.semilogx`` for the path lines.

        Returns
        -------
        display : PathDisplay
            This object, with ``ax_``, ``figure_`` and the lines set.
        """
        ax = _axes(ax)
        values = np.asarray(self.values)
        self.lines_ = ax.semilogx(self.lams, values, **line_kw)
        if self.names is not None:
            for line, name in zip(self.lines_, self.names, strict=True):
                line.set_label(str(name))
        self.lam_min_line_, self.lam_1se_line_ = _lam_marks(
            ax, self.lam_min, self.lam_1se, self.lam
        )
        ax.set_xlabel("λ")
        ax.set_ylabel(self.ylabel)
        if legend is None:
            legend = self.names is not None and values.shape[1] <= _LEGEND_MAX
        return _finish(self, ax, legend)

    @classmethod
    def from_path(
        cls,
        lams,
        coefs,
        *,
        groups=None,
        feature_names=None,
        lam_min=None,
        lam_1se=None,
        lam=None,
        ax=None,
        **plot_kw,
    ):
        """Plot a path returned by a path function.

        Parameters
        ----------
        lams : array-like of shape (n_lams,)
            The grid.
        coefs : array-like of shape (n_lams, n_features) or \
(n_lams, n_outputs, n_features)
            Coefficients along the grid.
        groups : feature groups, default=None
            As the estimators take them. Given (with groups of more than one
            feature) or with several outputs, each line is the Euclidean norm
            of a group's coefficients (over all outputs); otherwise each line
            is a coefficient.
        feature_names : array-like of str, default=None
            Column names: labels of the lines, and needed by groups given by
            column names.
        lam_min, lam_1se, lam : float, default=None
            λ values to mark, as in :class:`PathDisplay`.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        **plot_kw : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : PathDisplay
            The display, with ``ax_``, ``figure_`` and its artists set.
        """
        lams = np.asarray(lams, dtype=np.float64)
        coefs = np.asarray(coefs, dtype=np.float64)
        if coefs.ndim == 2:
            coefs = coefs[:, None, :]
        if coefs.ndim != 3 or coefs.shape[0] != lams.shape[0]:
            raise ValueError(
                "coefs must be of shape (n_lams, n_features) or (n_lams, "
                f"n_outputs, n_features) with n_lams = {lams.shape[0]}, got "
                f"{coefs.shape}."
            )
        values, names, ylabel = _path_lines(coefs, groups, feature_names)
        display = cls(
            lams,
            values,
            names=names,
            lam_min=lam_min,
            lam_1se=lam_1se,
            lam=lam,
            ylabel=ylabel,
        )
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sample_weight=None, ax=None, **plot_kw):
        """Plot the path of a fitted CV estimator on (X, y), its λs marked.

        The path is solved on (X, y) at the chosen mix, over the estimator's
        grid (``lams_``); ``lam_min_`` and ``lam_1se_`` are marked and the
        chosen ``lam_`` named.

        Parameters
        ----------
        estimator : fitted ElasticNetCV, GroupL2RegressionCV, \
GroupL2LogisticRegressionCV or ElasticNetClassifierCV
            The fitted cross-validated estimator.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data it was fitted on (or any data of the same columns).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; None gives every sample weight 1.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        **plot_kw : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : PathDisplay
            The display, with ``ax_``, ``figure_`` and its artists set.
        """
        if not hasattr(estimator, "_chosen_path"):
            raise TypeError(
                "PathDisplay.from_estimator needs a cross-validated estimator "
                "(ElasticNetCV, GroupL2RegressionCV, GroupL2LogisticRegressionCV, "
                f"ElasticNetClassifierCV), got {type(estimator).__name__}; for a "
                "path function's output use PathDisplay.from_path."
            )
        path = estimator._chosen_path(X, y, sample_weight)
        return cls.from_path(
            path.lams,
            path.coefs,
            groups=getattr(estimator, "groups_", None),
            feature_names=getattr(estimator, "feature_names_in_", None),
            lam_min=estimator.lam_min_,
            lam_1se=estimator.lam_1se_,
            lam=estimator.lam_,
            ax=ax,
            **plot_kw,
        )


def _path_lines(coefs, groups, feature_names):
    """(values (n_lams, n_lines), names, ylabel) of a path (n_lams, K, p)."""
    n_features = coefs.shape[2]
    if feature_names is not None:
        feature_names = np.asarray(feature_names, dtype=object)
    indices, names = resolve_groups(groups, n_features, feature_names)
    if groups is None and feature_names is not None:
        names = [str(name) for name in feature_names]
    elif groups is None:
        names = [f"x{j}" for j in range(n_features)]
    if coefs.shape[1] == 1 and all(len(members) == 1 for members in indices):
        order = np.concatenate(indices)
        return coefs[:, 0, order], names, "coefficient"
    norms = np.stack(
        [np.linalg.norm(coefs[:, :, members], axis=(1, 2)) for members in indices],
        axis=1,
    )
    return norms, names, "‖coefficients of the group‖₂"


def _criterion_label(estimator):
    """The vertical-axis label of an adaptive estimator's criterion."""
    loss = (
        "mean log-loss"
        if type(estimator).__name__ == "AdaptiveLogisticRegression"
        else "mean squared error"
    )
    return {
        "gcv": "GCV score",
        "loo": f"leave-one-out {loss}",
        "kfold": f"k-fold {loss}",
        "alo": f"approximate leave-one-out {loss}",
        "evidence": "log evidence",
    }[estimator.criterion_]


class CVCurveDisplay:
    """Cross-validation curve: the mean held-out score ± its standard error.

    Read more in the :ref:`User Guide <displays>`.

    Parameters
    ----------
    lams : ndarray of shape (n_lams,) or (n_mix, n_lams)
        The grid(s).
    scores_mean, scores_se : ndarray of the shape of ``lams``
        Mean held-out score over the folds and its standard error.
    lam_min, lam_1se, lam : float, default=None
        λ values to mark, as in :class:`PathDisplay`.
    mix_name : str, default=None
        Name of the mix parameter, to label one curve per mix.
    mix_values : list of float, default=None
        The mix of each row.
    score_name : str, default="mean held-out score"
        Label of the vertical axis.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One mean curve per mix.
    fill_between_ : list of matplotlib PolyCollection
        The ± one standard error bands.
    lam_min_line_, lam_1se_line_ : matplotlib Line2D or None
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import CVCurveDisplay, ElasticNetCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNetCV(l1_ratio=[0.5, 1.0], lams=20, cv=5).fit(X, y)
    >>> display = CVCurveDisplay.from_estimator(model)
    >>> [line.get_label() for line in display.lines_]
    ['l1_ratio = 0.5', 'l1_ratio = 1']
    """

    def __init__(
        self,
        lams,
        scores_mean,
        scores_se,
        *,
        lam_min=None,
        lam_1se=None,
        lam=None,
        mix_name=None,
        mix_values=None,
        score_name="mean held-out score",
    ):
        self.lams = lams
        self.scores_mean = scores_mean
        self.scores_se = scores_se
        self.lam_min = lam_min
        self.lam_1se = lam_1se
        self.lam = lam
        self.mix_name = mix_name
        self.mix_values = mix_values
        self.score_name = score_name

    def plot(self, ax=None, *, legend=True, **line_kw):
        """Draw the curve(s).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        legend : bool, default=True
            Whether to draw a legend.
        **line_kw : dict
            Passed to ``Axes.semilogx`` for the mean curves.

        Returns
        -------
        display : CVCurveDisplay
            The display, with ``ax_``, ``figure_`` and its artists set.
        """
        ax = _axes(ax)
        lams = np.atleast_2d(self.lams)
        means = np.atleast_2d(self.scores_mean)
        errors = np.atleast_2d(self.scores_se)
        self.lines_, self.fill_between_ = [], []
        for row, (grid, mean, error) in enumerate(
            zip(lams, means, errors, strict=True)
        ):
            label = "mean ± standard error"
            if self.mix_values is not None and len(self.mix_values) > 1:
                label = f"{self.mix_name} = {self.mix_values[row]:g}"
            (line,) = ax.semilogx(grid, mean, label=label, **line_kw)
            self.lines_.append(line)
            self.fill_between_.append(
                ax.fill_between(
                    grid,
                    mean - error,
                    mean + error,
                    alpha=0.2,
                    color=line.get_color(),
                )
            )
        self.lam_min_line_, self.lam_1se_line_ = _lam_marks(
            ax, self.lam_min, self.lam_1se, self.lam
        )
        ax.set_xlabel("λ")
        ax.set_ylabel(self.score_name)
        return _finish(self, ax, legend)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **plot_kw):
        """Plot the CV curve a fitted CV estimator recorded.

        Parameters
        ----------
        estimator : fitted ElasticNetCV, GroupL2RegressionCV, \
GroupL2LogisticRegressionCV or ElasticNetClassifierCV
            The fitted cross-validated estimator.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        **plot_kw : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : CVCurveDisplay
            The display, with ``ax_``, ``figure_`` and its artists set.
        """
        if not hasattr(estimator, "_chosen_path"):
            raise TypeError(
                "CVCurveDisplay.from_estimator needs a cross-validated estimator "
                f"(one with scores_mean_), got {type(estimator).__name__}."
            )
        check_is_fitted(estimator, "scores_mean_")
        mix_name = estimator._mix_name
        scoring = getattr(estimator, "scoring", None)
        if not hasattr(estimator, "scoring"):
            score_name = "held-out score (− mean squared error)"
        elif scoring is None:
            score_name = "held-out score (− mean log-loss)"
        else:
            score_name = f"held-out score ({scoring})"
        display = cls(
            estimator.lams_,
            estimator.scores_mean_,
            estimator.scores_se_,
            lam_min=estimator.lam_min_,
            lam_1se=estimator.lam_1se_,
            lam=estimator.lam_,
            mix_name=mix_name,
            mix_values=list(np.atleast_1d(getattr(estimator, mix_name))),
            score_name=score_name,
        )
        return display.plot(ax=ax, **plot_kw)


class CriterionDisplay:
    """The criterion an adaptive estimator minimised (or the evidence it maximised).

    Read more in the :ref:`User Guide <displays>`.

    Parameters
    ----------
    lam_path : ndarray of shape (n_grid,)
        The λ values where the criterion was evaluated.
    criterion_path : ndarray of shape (n_grid,) or (n_grid, n_targets)
        The criterion there, one curve per target.
    lam : float or ndarray of shape (n_targets,), default=None
        The chosen λ (per target), marked.
    criterion_name : str, default="criterion"
        Label of the vertical axis.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One curve per target.
    lam_lines_ : list of matplotlib Line2D
        The chosen λ of each curve.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn_l2x import AdaptiveRidge, CriterionDisplay
    >>> X, y = load_diabetes(return_X_y=True)
    >>> display = CriterionDisplay.from_estimator(AdaptiveRidge().fit(X, y))
    >>> display.ax_.get_ylabel()
    'GCV score'
    """

    def __init__(
        self, lam_path, criterion_path, *, lam=None, criterion_name="criterion"
    ):
        self.lam_path = lam_path
        self.criterion_path = criterion_path
        self.lam = lam
        self.criterion_name = criterion_name

    def plot(self, ax=None, *, legend=None, **line_kw):
        """Draw the criterion curve(s) and the chosen λ.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        legend : bool, default=None
            Whether to draw a legend; None: with several targets (at most 12).
        **line_kw : dict
            Passed to ``Axes.semilogx`` for the curves.

        Returns
        -------
        display : CriterionDisplay
            The display, with ``ax_``, ``figure_`` and its artists set.
        """
        ax = _axes(ax)
        values = np.asarray(self.criterion_path, dtype=np.float64)
        values = values.reshape(values.shape[0], -1)
        order = np.argsort(self.lam_path)
        self.lines_ = ax.semilogx(
            np.asarray(self.lam_path)[order], values[order], **line_kw
        )
        several = values.shape[1] > 1
        for k, line in enumerate(self.lines_):
            line.set_label(f"target {k}" if several else self.criterion_name)
        self.lam_lines_ = []
        if self.lam is not None:
            lams = np.broadcast_to(np.atleast_1d(self.lam), (values.shape[1],))
            for line, lam in zip(self.lines_, lams, strict=True):
                self.lam_lines_.append(
                    ax.axvline(
                        lam,
                        color=line.get_color(),
                        linestyle="--",
                        linewidth=1,
                        label=f"chosen λ = {lam:.3g}",
                    )
                )
        ax.set_xlabel("λ")
        ax.set_ylabel(self.criterion_name)
        if legend is None:
            legend = several and values.shape[1] <= _LEGEND_MAX
        return _finish(self, ax, legend)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **plot_kw):
        """Plot the criterion a fitted adaptive estimator searched.

        Parameters
        ----------
        estimator : fitted AdaptiveRidge, AdaptiveRidgeClassifier or \
AdaptiveLogisticRegression
            Fitted with ``lam=None`` (a fixed λ has no criterion path). With
            feature groups the curve is the search of one shared λ that starts
            the per-group search, and no λ is marked.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure.
        **plot_kw : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : CriterionDisplay
            The display, with ``ax_``, ``figure_`` and its artists set.
        """
        check_is_fitted(estimator)
        if getattr(estimator, "lam_path_", None) is None:
            raise ValueError(
                f"{type(estimator).__name__} has no criterion path "
                "(lam_path_ is None: it was fitted with a fixed lam); fit it "
                "with lam=None to plot the criterion."
            )
        lam = estimator.lam_
        if getattr(estimator, "groups_", None) is not None:
            lam = None  # one λ per group: not a point of this curve
        display = cls(
            estimator.lam_path_,
            estimator.criterion_path_,
            lam=lam,
            criterion_name=_criterion_label(estimator),
        )
        return display.plot(ax=ax, **plot_kw)
