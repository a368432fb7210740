"""Groups named by source columns, resolved at every fit (SourceGroups)."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_l2x import (
    AdaptiveRidge,
    GroupL2LogisticRegression,
    GroupL2LogisticRegressionCV,
    GroupL2Regression,
    SourceGroups,
    groups_from_feature_names,
)


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    clinic = rng.choice(["a", "b", "c"], size=n).astype(object)
    clinic[7] = "rare"  # one row: the folds without it have one column fewer
    frame = pd.DataFrame(
        {
            "clinic": clinic,
            "city": rng.choice(["x", "y", "z", "w"], size=n),
            "age": rng.normal(size=n),
            "dose": rng.normal(size=n),
        }
    )
    logit = (frame["clinic"] == "a") * 1.5 + frame["age"]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, y.to_numpy(), (logit + rng.normal(size=n)).to_numpy()


def _preprocess():
    return make_column_transformer(
        (
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            ["clinic", "city"],
        ),
        (StandardScaler(), ["age", "dose"]),
    ).set_output(transform="pandas")


SOURCES = SourceGroups(["clinic", "city"])


def test_labels_follow_the_source_columns():
    names = ["onehotencoder__clinic_a", "onehotencoder__clinic_b", "city_x", "age"]
    assert SOURCES.labels(names) == ["clinic", "clinic", "city", "age"]
    # The longest source wins: "a_b_x" comes from "a_b", not from "a".
    assert SourceGroups(["a", "a_b"]).labels(["a_1", "a_b_x"]) == ["a", "a_b"]


def test_every_fold_uses_the_groups_of_its_own_columns():
    """Each fold's fit equals a fit given that fold's columns' labels explicitly."""
    X, y, _ = _data()
    model = make_pipeline(
        _preprocess(), GroupL2LogisticRegression(groups=SOURCES, lam=0.02)
    )
    widths = set()
    for train, _ in KFold(5).split(X):
        fitted = clone(model).fit(X.iloc[train], y[train])
        columns = fitted[0].get_feature_names_out()
        widths.add(len(columns))
        labels = groups_from_feature_names(columns, X.columns)
        explicit = GroupL2LogisticRegression(groups=labels, lam=0.02).fit(
            fitted[0].transform(X.iloc[train]), y[train]
        )
        np.testing.assert_allclose(fitted[-1].coef_, explicit.coef_, atol=1e-10)
        assert fitted[-1].group_names_[:2] == ["clinic", "city"]
    assert len(widths) == 2  # the folds did see different levels


def test_cross_val_score_and_grid_search_over_a_pipeline():
    X, y, target = _data()
    classifier = make_pipeline(
        _preprocess(), GroupL2LogisticRegressionCV(groups=SOURCES, lams=4, cv=3)
    )
    assert np.all(np.isfinite(cross_val_score(classifier, X, y, cv=5)))
    search = GridSearchCV(
        make_pipeline(_preprocess(), GroupL2Regression(groups=SOURCES)),
        {"groupl2regression__lam": [0.01, 0.1]},
        cv=KFold(5),
    ).fit(X, target)
    assert search.best_estimator_[-1].group_names_[:2] == ["clinic", "city"]
    ridge = make_pipeline(_preprocess(), AdaptiveRidge(groups=SOURCES))
    assert np.all(np.isfinite(cross_val_score(ridge, X, target, cv=KFold(5))))


def test_no_column_names_is_a_clear_error():
    X, y, _ = _data()
    numeric = X[["age", "dose"]].to_numpy()
    with pytest.raises(ValueError, match="set_output"):
        GroupL2LogisticRegression(groups=SourceGroups(["age"])).fit(numeric, y)


def test_a_source_matching_no_column_is_named():
    X, y, _ = _data()
    with pytest.raises(ValueError, match=r"\['town'\] match no column"):
        GroupL2LogisticRegression(groups=SourceGroups(["town", "age"])).fit(
            X[["age", "dose"]], y
        )
    with pytest.raises(TypeError, match="SourceGroups columns"):
        SourceGroups("age").labels(["age"])


def test_labels_of_the_wrong_length_suggest_source_groups():
    X, y, _ = _data()
    with pytest.raises(ValueError, match=r"SourceGroups"):
        GroupL2LogisticRegression(groups=[0, 0, 1]).fit(X[["age", "dose"]], y)


def test_clones_pickles_and_compares():
    model = GroupL2LogisticRegression(groups=SOURCES)
    copy = clone(model)
    assert copy.groups == SOURCES and copy.groups is not SOURCES
    assert pickle.loads(pickle.dumps(model)).groups == SOURCES
    assert repr(SOURCES) == "SourceGroups(['clinic', 'city'])"
