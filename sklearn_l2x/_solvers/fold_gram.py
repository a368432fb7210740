"""Every fold's centred Gram matrix for the price of one.

When the held-out parts of k folds partition the rows, the training Gram of
fold j is the whole Gram minus the held-out part's: with ``Z = diag(√s)(X −
1cᵀ)`` (c the weighted mean of all rows) and a part P of the rows,

``G_P = Z_Pᵀ Z_P``, ``u_P = Z_Pᵀ √s_P``, ``S_P = Σ_P s_i``,

the training rows T = complement of P have ``G_T = G − G_P``, ``u_T = u −
u_P``, ``S_T = S − S_P``, and their Gram centred at their own weighted mean
is ``G_T − u_T u_Tᵀ / S_T``. The k held-out Grams together cost one whole
Gram (n·p² flops), against (k − 1)·n·p² for the k training Grams formed
directly. Shifting by c first keeps ``u_T`` small (a training mean differs
from the overall one by the sampling error), so the rank-one correction
cancels no digits; where it would (``_MAX_CORRECTION``), that fold's Gram is
left to be formed directly.
"""

import numpy as np
import scipy.sparse as sp

from .enet_cd import whole_gram_fits

# The correction u_T u_Tᵀ/S_T may take at most this share of the trace of G_T
# (about log10(1/(1 − share)) digits are lost to the subtraction).
_MAX_CORRECTION = 1.0 / 16.0


def fold_grams(X, sample_weight, folds, fit_intercept):
    """:class:`FoldGrams` where every fold's path would work on its Gram, else None.

    That is: dense X, every fold's training Gram worth forming whole
    (:func:`~.enet_cd.whole_gram_fits`), and held-out parts that partition
    the rows.
    """
    n_samples, n_features = X.shape
    if (
        sp.issparse(X)
        or not all(whole_gram_fits(len(train), n_features) for train, _ in folds)
        or not partitions(folds, n_samples)
    ):
        return None
    return FoldGrams(X, sample_weight, folds, fit_intercept)


def partitions(folds, n_samples):
    """Whether the held-out parts partition the rows, each train their complement."""
    seen = np.zeros(n_samples, dtype=int)
    for train, test in folds:
        test = np.asarray(test)
        if np.asarray(train).size + test.size != n_samples:
            return False
        part = np.zeros(n_samples, dtype=bool)
        part[test] = True
        if np.count_nonzero(part) != test.size or part[np.asarray(train)].any():
            return False
        seen += part
    return bool(np.all(seen == 1))


class FoldGrams:
    """The whole and per-fold training Gram matrices ``X̃ᵀX̃/S`` of one design.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        Dense (a sparse X's held-out parts would be densified).
    sample_weight : ndarray of shape (n,)
    folds : list of (train, test) index arrays whose tests partition the rows
        (see :func:`partitions`).
    fit_intercept : bool
        Centre at the weighted means (else the Grams are uncentred).
    """

    def __init__(self, X, sample_weight, folds, fit_intercept):
        self.fit_intercept = fit_intercept
        S = float(sample_weight.sum())
        self.shift = sample_weight @ X / S if fit_intercept else np.zeros(X.shape[1])
        self.parts = [self._part(X, sample_weight, test) for _, test in folds]
        self.gram = sum(part[0] for part in self.parts)
        self.sums = sum(part[1] for part in self.parts)
        self.sw_sum = sum(part[2] for part in self.parts)

    def _part(self, X, sample_weight, rows):
        weights = sample_weight[rows]
        Z = np.subtract(X[rows], self.shift, dtype=np.float64)
        sqrt_sw = np.sqrt(weights)
        Z *= sqrt_sw[:, None]
        return Z.T @ Z, Z.T @ sqrt_sw, float(weights.sum())

    def whole(self):
        """``X̃ᵀX̃/S`` of all the rows."""
        return self._centred(self.gram, self.sums, self.sw_sum)

    def train(self, number):
        """``X̃ᵀX̃/S`` of fold ``number``'s training rows, or None to form it directly."""
        gram, sums, sw_sum = self.parts[number]
        return self._centred(self.gram - gram, self.sums - sums, self.sw_sum - sw_sum)

    def _centred(self, gram, sums, sw_sum):
        if sw_sum <= 0:
            return None
        if self.fit_intercept:
            correction = np.outer(sums, sums) / sw_sum
            if np.trace(correction) > _MAX_CORRECTION * np.trace(gram):
                return None
            gram = gram - correction
        return gram / sw_sum
