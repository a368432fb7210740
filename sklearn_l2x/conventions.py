"""Exact conversions between the penalty conventions of common libraries.

Every estimator of :mod:`sklearn_l2x` minimises one objective family, with the
loss *averaged* over the (weighted) samples and the L2 term written without a ½::

    (1/S) Σ_i s_i ℓ(y_i, f(x_i)) + λ · [α ‖w‖₁ + (1 − α) ‖w‖²]      S = Σ_i s_i

where ℓ is the squared error ``r²`` or the log-loss. Other libraries sum the loss
instead of averaging it, divide by the number of rows rather than by the sum of the
weights, put a ½ in front of the L2 term (or of the squared error), or use an
inverse strength ``C``. The "λ = 1/C" rule of thumb is exact for only one of them.
This module converts a strength (and an elastic-net mix) from any of these
conventions to any other, exactly.

How it works: each convention's objective is rewritten in the mean-loss form above
as ``(1/S) Σ s_i ℓ_i + a ‖w‖₁ + b ‖w‖²``. A convention with strength ``v`` and mix
``m`` gives ``a = F·v·m`` and ``b = F·v·c·(1 − m)``, where the *scale* ``F``
depends on ``S`` and on the number of rows ``n`` (and on the loss's own factor, e.g.
½r²), and ``c`` is the factor of its L2 term (1, ½, or ``1/(2·sd_y)`` for glmnet's
gaussian family). Converting means solving for the target's ``(v, m)`` that gives
the same ``(a, b)``.
"""

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np

__all__ = [
    "Convention",
    "C_to_lambda",
    "convert",
    "describe_conventions",
    "lambda_to_C",
    "list_conventions",
]


@dataclass(frozen=True)
class Convention:
    """One library's way of writing a regularised objective.

    Instances are returned by :func:`list_conventions`; they only describe a
    convention, :func:`convert` does the arithmetic.

    Parameters
    ----------
    name : str
        The name accepted by :func:`convert` (``source``/``target``).
    parameter : str
        The library's parameter that holds the strength.
    objective : str
        The exact objective the library minimises, in terms of its parameter.
    loss : {"squared", "log"} or None
        The loss the convention is tied to, or None if it applies to any loss.
    mix_parameter : str or None
        The library's elastic-net mixing parameter, or None if the convention
        has no L1 term.
    inverse : bool
        True when the parameter is an inverse strength (``C``).
    n_power, s_power : int
        The scale ``F`` of the convention is ``factor · n**n_power · S**s_power``.
    factor : float
        See ``n_power``.
    l2_factor : float
        The factor ``c`` of the L2 term relative to the mix.
    needs_y_std : bool
        Whether converting needs the standard deviation of ``y``.
    notes : str
        Caveats a user must know (intercept penalised, standardisation, ...).

    Examples
    --------
    >>> from sklearn_l2x.conventions import list_conventions
    >>> lr = [c for c in list_conventions() if c.parameter == "C"][0]
    >>> lr.name
    'sklearn.LogisticRegression.C'
    """

    name: str
    parameter: str
    objective: str
    loss: str | None = None
    mix_parameter: str | None = None
    inverse: bool = False
    n_power: int = 0
    s_power: int = 0
    factor: float = 1.0
    l2_factor: float = 1.0
    needs_y_std: bool = False
    notes: str = ""
    unsupported: str | None = field(default=None, repr=False)

    def __str__(self):
        text = f"{self.name}  ({self.parameter}"
        if self.mix_parameter:
            text += f", {self.mix_parameter}"
        text += f")\n    minimises: {self.objective}"
        if self.notes:
            text += f"\n    note: {self.notes}"
        return text


_CONVENTIONS = (
    Convention(
        name="l2x",
        parameter="lam",
        mix_parameter="l1_ratio",
        objective="(1/S) Σ s_i ℓ_i + lam·[l1_ratio·‖w‖₁ + (1 − l1_ratio)·‖w‖²]",
        s_power=0,
        notes="sklearn_l2x's own convention: ℓ = r² or the log-loss; S = Σ s_i.",
    ),
    Convention(
        name="textbook",
        parameter="lambda",
        mix_parameter="alpha",
        objective="Σ s_i ℓ_i + lambda·[alpha·‖w‖₁ + (1 − alpha)·‖w‖²]",
        s_power=-1,
        notes="λΣw² added to the summed loss.",
    ),
    Convention(
        name="textbook.half",
        parameter="lambda",
        objective="Σ s_i ℓ_i + (lambda/2)·‖w‖²",
        s_power=-1,
        l2_factor=0.5,
        notes="The only convention in which 'lambda = 1/C' is exact.",
    ),
    Convention(
        name="sklearn.LogisticRegression.C",
        parameter="C",
        mix_parameter="l1_ratio",
        loss="log",
        inverse=True,
        s_power=-1,
        l2_factor=0.5,
        objective="C·Σ s_i ℓ_i + (1 − l1_ratio)/2·‖w‖² + l1_ratio·‖w‖₁",
        notes="All solvers but liblinear (which penalises the intercept); "
        "class_weight multiplies s_i; C=inf means no penalty.",
    ),
    Convention(
        name="sklearn.LinearSVC.C",
        parameter="C",
        inverse=True,
        s_power=-1,
        l2_factor=0.5,
        objective="½‖w‖² + C·Σ s_i max(0, 1 − y_i f_i)²",
        notes="Squared hinge loss, not the log-loss; liblinear also penalises the "
        "intercept (through intercept_scaling), so only the strength maps.",
    ),
    Convention(
        name="sklearn.Ridge.alpha",
        parameter="alpha",
        loss="squared",
        s_power=-1,
        objective="Σ s_i r_i² + alpha·‖w‖²",
        notes="No 1/n, no ½, weights not normalised; RidgeClassifier alike.",
    ),
    Convention(
        name="sklearn.ElasticNet.alpha",
        parameter="alpha",
        mix_parameter="l1_ratio",
        loss="squared",
        factor=2.0,
        l2_factor=0.5,
        objective="(1/(2S)) Σ s_i r_i² + alpha·l1_ratio·‖w‖₁ "
        "+ alpha·(1 − l1_ratio)/2·‖w‖²",
        notes="Also Lasso (l1_ratio=1); sample_weight is rescaled to sum to n.",
    ),
    Convention(
        name="sklearn.SGDClassifier.alpha",
        parameter="alpha",
        mix_parameter="l1_ratio",
        loss="log",
        n_power=1,
        s_power=-1,
        l2_factor=0.5,
        objective="(1/n) Σ s_i ℓ_i + alpha·[(1 − l1_ratio)/2·‖w‖² + l1_ratio·‖w‖₁]",
        notes="loss='log_loss'; divides by the number of rows n even with "
        "sample_weight; reaches the optimum only approximately.",
    ),
    Convention(
        name="sklearn.SGDRegressor.alpha",
        parameter="alpha",
        mix_parameter="l1_ratio",
        loss="squared",
        n_power=1,
        s_power=-1,
        factor=2.0,
        l2_factor=0.5,
        objective="(1/n) Σ s_i ½r_i² + alpha·[(1 − l1_ratio)/2·‖w‖² + l1_ratio·‖w‖₁]",
        notes="loss='squared_error' is ½r²; divides by n even with sample_weight.",
    ),
    Convention(
        name="glmnet.binomial.lambda",
        parameter="lambda",
        mix_parameter="alpha",
        loss="log",
        l2_factor=0.5,
        objective="(1/S) Σ s_i ℓ_i + lambda·[(1 − alpha)/2·‖β‖² + alpha·‖β‖₁]",
        notes="Assumes standardize=FALSE (glmnet's default TRUE penalises the "
        "coefficients of x_j/sd_j instead).",
    ),
    Convention(
        name="glmnet.gaussian.lambda",
        parameter="lambda",
        mix_parameter="alpha",
        loss="squared",
        factor=2.0,
        l2_factor=0.5,
        needs_y_std=True,
        objective="(1/S) Σ s_i ½r_i² + lambda·alpha·‖β‖₁ "
        "+ (lambda·(1 − alpha)/sd_y)/2·‖β‖²",
        notes="glmnet standardises y internally, which divides the L2 part by "
        "sd_y, the weighted (1/S) standard deviation of y: pass it as y_std. "
        "Assumes standardize=FALSE.",
    ),
    Convention(
        name="statsmodels.OLS.alpha",
        parameter="alpha",
        mix_parameter="L1_wt",
        loss="squared",
        factor=2.0,
        l2_factor=0.5,
        objective="0.5·RSS/S + alpha·[(1 − L1_wt)/2·‖β‖² + L1_wt·‖β‖₁]",
        notes="OLS/WLS.fit_regularized, the same as sklearn ElasticNet; it "
        "penalises every column, a constant too (give it alpha 0).",
    ),
    Convention(
        name="statsmodels.GLM.alpha",
        parameter="alpha",
        mix_parameter="L1_wt",
        loss="log",
        n_power=1,
        s_power=-1,
        l2_factor=0.5,
        objective="−loglike/n + alpha·[(1 − L1_wt)/2·‖β‖² + L1_wt·‖β‖₁]",
        notes="GLM(family=Binomial()).fit_regularized; n is the number of rows "
        "(freq_weights enter the log-likelihood, not n); penalises the constant.",
    ),
    Convention(
        name="keras.l2",
        parameter="l2",
        n_power=1,
        s_power=-1,
        objective="(1/n) Σ s_i ℓ_i + l2·‖W‖²",
        notes="regularizers.L2(l2) with full-batch training; Keras' default "
        "reduction divides by the number of elements, not by Σ s_i.",
    ),
    Convention(
        name="torch.weight_decay",
        parameter="weight_decay",
        n_power=1,
        s_power=-1,
        l2_factor=0.5,
        objective="(1/n) Σ s_i ℓ_i + (weight_decay/2)·‖θ‖²",
        notes="torch.optim.SGD/Adam(weight_decay=...) on a mean loss; applies to "
        "biases too unless excluded; under Adam the L2 gradient is preconditioned.",
    ),
    Convention(
        name="torch.AdamW.weight_decay",
        parameter="weight_decay",
        objective="none: θ ← θ − lr·weight_decay·θ, decoupled from the gradient",
        notes="Decoupled weight decay is not an L2 penalty.",
        unsupported=(
            "AdamW's decoupled weight decay has no fixed L2-penalty equivalent: "
            "it shrinks θ by lr·weight_decay outside Adam's preconditioner, so its "
            "fixed points satisfy ∇L/(√v̂ + ε) = −weight_decay·θ, a data- and "
            "iterate-dependent metric, and the strength follows the learning-rate "
            "schedule. It equals (weight_decay/2)‖θ‖² only for plain SGD without "
            "momentum: use 'torch.weight_decay' for that case."
        ),
    ),
)


def _aliases(convention):
    full = convention.name.lower()
    names = {full}
    short = full.removeprefix("sklearn.")
    names.add(short)
    for name in (full, short):
        head, _, _ = name.rpartition(".")
        if head and head not in ("sklearn", "textbook"):
            names.add(head)
    return names


_BY_ALIAS = {
    alias: convention for convention in _CONVENTIONS for alias in _aliases(convention)
}


def list_conventions():
    """List the penalty conventions :func:`convert` knows, with their objectives.

    Returns
    -------
    conventions : list of Convention
        One entry per convention; ``str(entry)`` gives its name, parameters,
        exact objective and caveats. In the objectives ``S = Σ s_i`` is the sum
        of the sample weights (the number of rows ``n`` without weights), ``ℓ``
        the log-loss or the squared error ``r²``.

    See Also
    --------
    describe_conventions : The same as one printable text.

    Examples
    --------
    >>> from sklearn_l2x.conventions import list_conventions
    >>> names = [c.name for c in list_conventions()]
    >>> names[:3]
    ['l2x', 'textbook', 'textbook.half']
    >>> print([c for c in list_conventions() if c.name == "sklearn.Ridge.alpha"][0])
    sklearn.Ridge.alpha  (alpha)
        minimises: Σ s_i r_i² + alpha·‖w‖²
        note: No 1/n, no ½, weights not normalised; RidgeClassifier alike.
    """
    return list(_CONVENTIONS)


def describe_conventions():
    """Return a printable table of every convention and its exact objective.

    Returns
    -------
    text : str
        One block per convention, as ``str`` of each :class:`Convention`.

    Examples
    --------
    >>> from sklearn_l2x.conventions import describe_conventions
    >>> text = describe_conventions()
    >>> "sklearn.LogisticRegression.C" in text
    True
    """
    header = (
        "Conventions known to sklearn_l2x.conventions.convert "
        "(S = Σ s_i = sum of sample weights, n = number of rows, "
        "ℓ = log-loss or r², r = y − f(x))"
    )
    return "\n\n".join([header, *map(str, _CONVENTIONS)])


def _get_convention(name, argname):
    if not isinstance(name, str):
        raise TypeError(f"{argname} must be a convention name (str), got {name!r}.")
    convention = _BY_ALIAS.get(name.lower())
    if convention is None:
        known = ", ".join(repr(c.name) for c in _CONVENTIONS)
        raise ValueError(
            f"Unknown {argname} convention {name!r}; known conventions are: {known}."
        )
    if convention.unsupported is not None:
        raise ValueError(f"{argname}={name!r}: {convention.unsupported}")
    return convention


def _sample_counts(n_samples, sample_weight):
    """Return (n, S): number of rows and sum of weights, either may be None."""
    if n_samples is not None:
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral | Real):
            raise TypeError(
                f"n_samples must be a positive number, got {type(n_samples).__name__}."
            )
        if not np.isfinite(n_samples) or n_samples <= 0:
            raise ValueError(
                f"n_samples must be a positive finite number, got {n_samples!r}."
            )
    if sample_weight is None:
        return n_samples, n_samples
    weights = np.asarray(sample_weight)
    if weights.dtype.kind not in "biuf":
        raise TypeError(
            f"sample_weight must be an array of numbers, got dtype {weights.dtype}."
        )
    weights = weights.astype(np.float64).ravel() if weights.ndim == 1 else weights
    if weights.ndim != 1:
        raise ValueError(
            f"sample_weight must be 1-dimensional, got shape {np.shape(sample_weight)}."
        )
    if n_samples is not None and weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has length {weights.shape[0]} but n_samples={n_samples}; "
            "they must describe the same rows."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight must be finite (no NaN or inf).")
    if np.any(weights < 0):
        raise ValueError("sample_weight must be non-negative.")
    total = float(weights.sum())
    if total <= 0:
        raise ValueError(
            "sample_weight sums to zero: the mean loss, and with it every "
            "per-sample convention, is undefined."
        )
    return weights.shape[0], total


def _strengths(value, convention, argname):
    """Validate ``value`` and return it as the forward strength (1/C for C)."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{argname} must be a number or an array of numbers, got {value!r}."
        )
    array = array.astype(np.float64)
    if np.any(np.isnan(array)):
        raise ValueError(f"{argname} must not be NaN.")
    if np.any(array < 0):
        raise ValueError(
            f"{argname} ({convention.name}) must be non-negative, got {value!r}."
        )
    if convention.inverse:
        if np.any(array == 0):
            raise ValueError(
                f"{argname}: {convention.parameter}=0 of {convention.name} is an "
                "infinite penalty; it must be > 0 (C=inf means no penalty)."
            )
        with np.errstate(divide="ignore"):
            return 1.0 / array
    if np.any(np.isinf(array)):
        raise ValueError(
            f"{argname} ({convention.name}) must be finite, got {value!r}."
        )
    return array


def _mixes(l1_ratio, convention):
    array = np.asarray(l1_ratio)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"l1_ratio must be a number in [0, 1], got {l1_ratio!r}.")
    array = array.astype(np.float64)
    if np.any(~np.isfinite(array)) or np.any((array < 0) | (array > 1)):
        raise ValueError(f"l1_ratio must lie in [0, 1], got {l1_ratio!r}.")
    if convention.mix_parameter is None and np.any(array > 0):
        raise ValueError(
            f"source={convention.name!r} has no L1 term, so l1_ratio must be 0 "
            f"(got {l1_ratio!r})."
        )
    return array


def _l2_factor(convention, y_std):
    if not convention.needs_y_std:
        return convention.l2_factor
    if y_std is None:
        raise ValueError(
            f"{convention.name!r} needs y_std, the weighted (1/S) standard "
            "deviation of y that glmnet divides the L2 part by."
        )
    y_std = float(y_std)
    if not np.isfinite(y_std) or y_std <= 0:
        raise ValueError(f"y_std must be a positive finite number, got {y_std!r}.")
    return convention.l2_factor / y_std


def _scale_ratio(source, target, n, total):
    """F_source / F_target, where F = factor · n**n_power · S**s_power."""
    n_power = source.n_power - target.n_power
    s_power = source.s_power - target.s_power
    ratio = source.factor / target.factor
    if n_power == 0 and s_power == 0:
        return ratio
    if total is None:
        if n_power + s_power == 0:
            # Without weights n = S, so the ratio is free of the sample count.
            return ratio
        raise ValueError(
            f"n_samples (or sample_weight) is required to convert from "
            f"{source.name!r} to {target.name!r}: one of them scales the penalty "
            "with the number of samples and the other does not."
        )
    return ratio * float(n) ** n_power * total**s_power


def _as_output(array):
    return float(array) if np.ndim(array) == 0 else array


def convert(
    value,
    *,
    source,
    target,
    n_samples=None,
    sample_weight=None,
    l1_ratio=None,
    y_std=None,
):
    """Convert a penalty strength (and elastic-net mix) between conventions.

    The conversion is exact: a model fitted with the returned value in the
    ``target`` convention has the same coefficients as one fitted with ``value``
    in the ``source`` convention, on the same data and weights. Call
    :func:`describe_conventions` to see every convention's exact objective.

    Parameters
    ----------
    value : float or array-like of float
        The strength in the source convention (``C`` for the inverse ones).
        Arrays are converted elementwise, so a whole grid converts in one call.
    source, target : str
        Convention names, e.g. ``"l2x"`` (ours), ``"textbook"``,
        ``"sklearn.LogisticRegression.C"``, ``"sklearn.Ridge.alpha"``,
        ``"sklearn.ElasticNet.alpha"``, ``"glmnet.gaussian.lambda"``,
        ``"torch.weight_decay"``. Case does not matter, the ``"sklearn."``
        prefix and the trailing parameter may be left out
        (``"LogisticRegression"``).
    n_samples : int, default=None
        Number of training rows. Needed when exactly one of the two
        conventions scales its penalty with the sample count (e.g. ``"l2x"`` to
        ``"sklearn.Ridge.alpha"``). Ignored for the scale when ``sample_weight``
        is given, but must then equal its length.
    sample_weight : array-like of shape (n_samples,), default=None
        Training sample weights. Conventions differ in whether they divide by
        the sum of the weights ``S`` or by the number of rows ``n``, so both are
        taken from here.
    l1_ratio : float or array-like of float, default=None
        The source convention's elastic-net mix (its own parameter: our
        ``l1_ratio``, glmnet's ``alpha``, statsmodels' ``L1_wt``, ...). If None
        the penalty is pure L2 and only the strength is returned.
    y_std : float, default=None
        Weighted standard deviation of ``y`` (divided by ``S``, not ``S − 1``),
        needed by ``"glmnet.gaussian.lambda"`` only.

    Returns
    -------
    value : float or ndarray
        The strength in the target convention; returned alone when
        ``l1_ratio`` is None.
    (value, l1_ratio) : tuple
        When ``l1_ratio`` is given: the target's strength and its own mix. The
        mix changes between conventions whose L2 terms carry different factors
        (ours has none, scikit-learn's has ½).

    Raises
    ------
    ValueError
        Unknown convention (the message lists the known ones), negative, NaN or
        infinite strengths, ``n_samples`` missing where needed, weights of the
        wrong length, negative or all zero, a loss mismatch (e.g. ``Ridge`` to
        ``LogisticRegression``), an L1 term the target cannot express, or
        AdamW's decoupled decay, which has no penalty equivalent.

    See Also
    --------
    lambda_to_C, C_to_lambda : The most common special case.
    list_conventions : The conventions and their objectives.

    Notes
    -----
    Each convention is rewritten as ``(1/S) Σ s_i ℓ_i + a‖w‖₁ + b‖w‖²`` with
    ``a = F·v·m`` and ``b = F·v·c·(1 − m)`` for its strength ``v`` (``1/C`` for
    an inverse strength), mix ``m``, scale ``F`` (a function of ``n`` and ``S``
    and of a ½ in front of its loss) and L2 factor ``c``. The target's ``v``
    and ``m`` solve the same two equations.

    Examples
    --------
    Ours (mean log-loss + λ‖w‖²) to ``LogisticRegression.C``, on 100 rows:

    >>> from sklearn_l2x.conventions import convert
    >>> convert(0.01, source="l2x", target="LogisticRegression", n_samples=100)
    0.5

    The textbook's λ added to the *summed* loss is ``1/(2C)``, not ``1/C``:

    >>> convert(1.0, source="LogisticRegression.C", target="textbook")
    0.5

    Elastic-net pairs convert together, since the mix changes too:

    >>> convert(0.1, source="l2x", target="ElasticNet", l1_ratio=0.5)
    (0.075, 0.333...)
    """
    return _convert(
        value,
        source=source,
        target=target,
        n_samples=n_samples,
        sample_weight=sample_weight,
        l1_ratio=l1_ratio,
        y_std=y_std,
    )


def _paired(strength, mix, value_name):
    """Strengths and mixes broadcast together, or an error naming both."""
    try:
        return np.broadcast_arrays(strength, mix)
    except ValueError:
        raise ValueError(
            f"{value_name} and l1_ratio must have the same length (or one be a "
            f"scalar), got shapes {np.shape(strength)} and {np.shape(mix)}."
        ) from None


def _convert(
    value,
    *,
    source,
    target,
    n_samples=None,
    sample_weight=None,
    l1_ratio=None,
    y_std=None,
    value_name="value",
):
    """:func:`convert`, naming the converted argument ``value_name`` in errors."""
    source_conv = _get_convention(source, "source")
    target_conv = _get_convention(target, "target")
    if (
        source_conv.loss is not None
        and target_conv.loss is not None
        and source_conv.loss != target_conv.loss
    ):
        raise ValueError(
            f"source={source_conv.name!r} is defined for the {source_conv.loss} "
            f"loss and target={target_conv.name!r} for the {target_conv.loss} "
            "loss; a penalty cannot be converted between different losses."
        )
    strength = _strengths(value, source_conv, value_name)
    mix = _mixes(0.0 if l1_ratio is None else l1_ratio, source_conv)
    if l1_ratio is not None:
        strength, mix = _paired(strength, mix, value_name)
    n, total = _sample_counts(n_samples, sample_weight)
    ratio = _scale_ratio(source_conv, target_conv, n, total)
    c_source = _l2_factor(source_conv, y_std)
    c_target = _l2_factor(target_conv, y_std)

    # The target's (strength·mix, strength·(1 − mix)) reproduce the same (a, b).
    l1_part = mix
    l2_part = (c_source / c_target) * (1.0 - mix)
    if target_conv.mix_parameter is None and np.any(l1_part > 0):
        raise ValueError(
            f"target={target_conv.name!r} has no L1 term; it can only express a "
            "pure L2 penalty (l1_ratio=0)."
        )
    target_strength = ratio * strength * (l1_part + l2_part)
    target_mix = l1_part / (l1_part + l2_part)
    if target_conv.inverse:
        with np.errstate(divide="ignore"):
            target_strength = 1.0 / target_strength
    if l1_ratio is None:
        return _as_output(target_strength)
    target_mix = np.broadcast_to(target_mix, np.shape(target_strength))
    return _as_output(target_strength), _as_output(target_mix)


def lambda_to_C(lam, n_samples=None, sample_weight=None):
    """Convert our λ to scikit-learn's ``LogisticRegression(C=...)``.

    Ours is ``(1/S) Σ s_i logloss_i + λ‖w‖²``; scikit-learn's is
    ``C·Σ s_i logloss_i + ½‖w‖²``. They have the same minimiser when
    ``C = 1/(2·S·λ)``, with ``S = Σ s_i`` (``n`` without weights): not ``1/λ``.

    Parameters
    ----------
    lam : float or array-like of float
        Our penalty strength(s), ``>= 0``; ``0`` gives ``C = inf`` (no penalty).
    n_samples : int, default=None
        Number of training rows; required unless ``sample_weight`` is given.
    sample_weight : array-like of shape (n_samples,), default=None
        The weights the model will be fitted with (``class_weight`` multiplies
        them in scikit-learn, so pass the product).

    Returns
    -------
    C : float or ndarray
        The equivalent inverse strength, elementwise for arrays.

    See Also
    --------
    C_to_lambda : The inverse map.
    convert : Any other pair of conventions.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_l2x.conventions import lambda_to_C
    >>> lambda_to_C(0.005, n_samples=100)
    1.0
    >>> lambda_to_C(np.array([0.5, 0.05, 0.005]), n_samples=100)
    array([0.01, 0.1 , 1.  ])
    """
    return _convert(
        lam,
        source="l2x",
        target="sklearn.LogisticRegression.C",
        n_samples=n_samples,
        sample_weight=sample_weight,
        value_name="lam",
    )


def C_to_lambda(C, n_samples=None, sample_weight=None):
    """Convert scikit-learn's ``LogisticRegression(C=...)`` to our λ.

    The inverse of :func:`lambda_to_C`: ``λ = 1/(2·S·C)``.

    Parameters
    ----------
    C : float or array-like of float
        Inverse strength(s), ``> 0``; ``inf`` (no penalty) gives ``λ = 0``.
    n_samples : int, default=None
        Number of training rows; required unless ``sample_weight`` is given.
    sample_weight : array-like of shape (n_samples,), default=None
        The training weights (times ``class_weight``, if used).

    Returns
    -------
    lam : float or ndarray
        Our penalty strength, elementwise for arrays.

    See Also
    --------
    lambda_to_C : The inverse map.

    Examples
    --------
    >>> from sklearn_l2x.conventions import C_to_lambda
    >>> C_to_lambda(1.0, n_samples=50)
    0.01
    >>> C_to_lambda(1.0, sample_weight=[1.0, 2.0, 2.0])
    0.1
    """
    return _convert(
        C,
        source="sklearn.LogisticRegression.C",
        target="l2x",
        n_samples=n_samples,
        sample_weight=sample_weight,
        value_name="C",
    )
