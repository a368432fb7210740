"""The prox-Newton solver's pieces: penalty derivatives and the face Newton."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_l2x._losses import make_logistic_loss
from sklearn_l2x._penalties import L1L2, GroupL2
from sklearn_l2x._solvers.prox_newton import _face_newton, _fista


def _penalties():
    uneven = [np.array([0, 1, 2]), np.array([3]), np.array([4, 5]), np.array([6, 7])]
    weights = np.sqrt([len(g) for g in uneven])
    return {
        "group-uneven": GroupL2(uneven, weights, 0.3, 0.7),
        "group-equal": GroupL2(
            [np.arange(2 * i, 2 * i + 2) for i in range(4)],
            np.full(4, np.sqrt(2)),
            0.3,
            1.0,
        ),
        "elastic-net": L1L2(8, 0.3, 0.6),
    }


@pytest.mark.parametrize("name", list(_penalties()))
@pytest.mark.parametrize("K", [1, 3])
def test_newton_terms_are_the_penalty_derivatives(name, K):
    penalty = _penalties()[name]
    rng = np.random.default_rng(0)
    W = rng.normal(size=(8, K))
    W[[2, 3] if name == "group-equal" else 3] = 0.0  # the group of row 3 is zero
    free, gradient, hessian = penalty.newton_terms(W)
    assert not free[3].any() and free[[0, 1, 4]].all()
    index = np.flatnonzero(free.ravel())

    def value(x):
        V = W.ravel().copy()
        V[index] = x
        return penalty.value(V.reshape(W.shape))

    x0, h = W.ravel()[index], 1e-6
    numeric = np.array(
        [(value(x0 + h * e) - value(x0 - h * e)) / (2 * h) for e in np.eye(x0.size)]
    )
    assert_allclose(gradient, numeric, atol=1e-7)
    numeric_hessian = np.array(
        [
            (
                penalty.newton_terms(_with(W, index, x0 + h * e))[1]
                - penalty.newton_terms(_with(W, index, x0 - h * e))[1]
            )
            / (2 * h)
            for e in np.eye(x0.size)
        ]
    )
    assert_allclose(hessian, numeric_hessian, atol=1e-6)


def _with(W, index, x):
    V = W.ravel().copy()
    V[index] = x
    return V.reshape(W.shape)


@pytest.mark.parametrize("name", list(_penalties()))
@pytest.mark.parametrize("K", [1, 3])
def test_face_newton_is_the_model_minimiser_or_declines(name, K):
    # A quadratic model ⟨g₀, V⟩ + ½VᵀHV + penalty(V) with minimiser V*
    # (FISTA, run to the end). Seen from W = 0.9·V* (same support) the model
    # in Δ = V − W has g = g₀ + H·vec(W), and its minimiser is V* − W.
    penalty = _penalties()[name]
    rng = np.random.default_rng(1)
    A = rng.normal(size=(80 * K, 8 * K))
    H = A.T @ A / A.shape[0]
    g0 = rng.normal(size=(8, K)) * 0.5
    g0[[2, 3]] *= 0.01  # rows 2 and 3 (a group of group-equal) stay out
    zero = np.zeros((8, K))
    V = zero + _fista(g0, H, penalty, zero, 100_000, 1e-15)
    support = penalty.group_norms(V) > 0
    assert 0 < support.sum() < penalty.n_groups  # some groups in, some out
    W = 0.9 * V
    g = g0 + (H @ W.ravel()).reshape(W.shape)
    delta = _face_newton(g, H, penalty, W)
    assert delta is not None
    assert_allclose(W + delta, V, atol=1e-8)
    # Drop one group of the support: it wants back in, so the face is wrong.
    first = np.flatnonzero(support)[0]
    rows = (
        penalty.membership == first if name != "elastic-net" else np.arange(8) == first
    )
    W_off = W.copy()
    W_off[rows] = 0.0
    g_off = g0 + (H @ W_off.ravel()).reshape(W.shape)
    assert _face_newton(g_off, H, penalty, W_off) is None


@pytest.mark.parametrize("K", [1, 3])
def test_intercept_terms_are_the_summed_row_terms(K):
    rng = np.random.default_rng(3)
    n = 50
    labels = rng.integers(0, max(K, 2), n)
    Y = (labels[:, None] == 1).astype(float) if K == 1 else np.eye(K)[labels]
    loss = make_logistic_loss(Y, rng.uniform(0.2, 3.0, n))
    eta = rng.normal(size=(n, K))
    gradient, hessian = loss.intercept_terms(eta)
    assert_allclose(gradient, loss.gradient(eta).sum(axis=0), atol=1e-15)
    assert_allclose(hessian, loss.hessian_weights(eta).sum(axis=0), atol=1e-15)
