"""The BLAS thread use of the solvers' passes over all of X."""

import numpy as np
import pytest

from sklearn_l2x._solvers import threads
from sklearn_l2x._solvers.threads import (
    _REPROBE,
    _ThreadChoice,
    transposed_product,
)


def test_choice_probes_both_then_keeps_the_faster_and_reprobes():
    choice = _ThreadChoice()
    probes = []
    for seconds in (1.0, 1.2, 2.0, 2.1):
        probes.append(choice.next_parallel())
        choice.record(probes[-1], seconds)
    # Two passes on the pool, then two one block after another.
    assert probes == [True, True, False, False]
    picks = [choice.next_parallel() for _ in range(2 * _REPROBE)]
    assert picks.count(False) == 2  # the slower way only when re-probed
    # The load changes: one after another becomes faster, and wins once
    # re-probed.
    for _ in range(3):
        choice.record(False, 0.1)
    assert [choice.next_parallel() for _ in range(_REPROBE)].count(True) <= 1


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n_outputs", [None, 1, 3])
def test_transposed_product_is_the_same_on_the_pool_and_serially(order, n_outputs):
    rng = np.random.default_rng(0)
    X = np.asarray(rng.normal(size=(700, 450)), order=order)
    R = rng.normal(size=700 if n_outputs is None else (700, n_outputs))
    threads._CHOICES.pop(X.shape, None)
    results = [transposed_product(X, R) for _ in range(4)]
    times = threads._CHOICES[X.shape].times
    if threads._pool() is not None:
        assert len(times[True]) == len(times[False]) == 2  # both ways ran
    for result in results:  # the same numbers, bit for bit, either way
        assert result.shape == (450,) + R.shape[1:]
        np.testing.assert_array_equal(result, results[0])
    np.testing.assert_allclose(results[0], X.T @ R, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n_outputs", [None, 1, 3])
@pytest.mark.parametrize("spread", ["runs", "scattered"])
def test_transposed_product_of_some_columns_is_their_product(order, n_outputs, spread):
    rng = np.random.default_rng(1)
    X = np.asarray(rng.normal(size=(300, 400)), order=order)
    R = rng.normal(size=300 if n_outputs is None else (300, n_outputs))
    if spread == "runs":  # runs of consecutive columns: sliced
        rows = np.concatenate(
            [np.arange(10, 30), np.arange(31, 32), np.arange(200, 260)]
        )
    else:  # single columns: gathered
        rows = np.sort(rng.choice(400, 50, replace=False))
    result = transposed_product(X, R, rows)
    assert result.shape == (rows.size,) + R.shape[1:]
    np.testing.assert_allclose(result, X[:, rows].T @ R, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("step", [0, 1])
def test_run_starts_marks_where_runs_begin(step):
    """Against the definition: an entry starts a run unless it is its
    predecessor plus ``step``."""
    from sklearn_l2x._solvers.threads import run_starts

    rng = np.random.default_rng(0)
    for size in (0, 1, 2, 50):
        values = np.sort(rng.integers(0, 30, size=size))
        if step:
            values = np.unique(values)
        expected = [
            k for k in range(values.size) if k == 0 or values[k] != values[k - 1] + step
        ]
        np.testing.assert_array_equal(run_starts(values, step), expected)
