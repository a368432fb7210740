"""verbose: one line per fold path / path segment, nothing by default."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_classification
from sklearn.model_selection import KFold

from sklearn_l2x import (
    ElasticNetClassifierCV,
    ElasticNetCV,
    GroupL2LogisticRegressionCV,
    GroupL2RegressionCV,
    elastic_net_path,
    group_l2_logistic_path,
    group_l2_regression_path,
)

X, Y = load_diabetes(return_X_y=True)
XC, YC = make_classification(80, 5, random_state=0)


@pytest.mark.parametrize(
    "make, data",
    [
        (ElasticNetCV, (X, Y)),
        (GroupL2RegressionCV, (X, Y)),
        (ElasticNetClassifierCV, (XC, YC)),
        (GroupL2LogisticRegressionCV, (XC, YC)),
    ],
)
def test_cv_estimators_print_one_line_per_fold_path(make, data, capsys):
    make(lams=6, cv=KFold(3)).fit(*data)
    assert capsys.readouterr().out == ""
    make(lams=6, cv=KFold(3), verbose=1).fit(*data)
    lines = capsys.readouterr().out.splitlines()
    name = make.__name__
    assert len(lines) == 4, lines  # three folds and the choice
    for k, line in enumerate(lines[:3], start=1):
        assert line.startswith(f"[{name}: fold {k}/3, ")
        assert "6 λ from" in line and "largest relative gap" in line
        assert line.endswith(" s")
    assert lines[3].startswith(f"[{name}] chose λ=")


@pytest.mark.parametrize(
    "path, data, extra",
    [
        (group_l2_regression_path, (X, Y), {}),
        (group_l2_logistic_path, (XC, YC), {}),
        (elastic_net_path, (X, Y), {"penalty_factor": np.r_[0.5, np.ones(9)]}),
    ],
)
def test_path_functions_print_one_line_per_segment(path, data, extra, capsys):
    lams, _, _, gaps = path(*data, lams=25, **extra)
    assert capsys.readouterr().out == ""
    path(*data, lams=25, verbose=1, **extra)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": reached")[0] for line in lines] == [
        f"[{path.__name__}] λ 1-10/25",
        f"[{path.__name__}] λ 11-20/25",
        f"[{path.__name__}] λ 21-25/25",
    ]
    assert f"reached {lams[-1]:.4g}," in lines[-1]
    path(*data, lams=4, verbose=2, **extra)
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_the_elastic_net_path_on_the_gram_matrix_reports_each_target(capsys):
    elastic_net_path(X, np.c_[Y, -Y], lams=5, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "[elastic_net_path] target 1/2",
        "[elastic_net_path] target 2/2",
    ]
