"""The tour (python -m sklearn_l2x) runs and says what it promises."""

import subprocess
import sys

import pytest

from sklearn_l2x.__main__ import main


def test_tour_ridge_section_prints_report_and_writes_plots(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["--only", "ridge", "--plots", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert "AdaptiveRidge(criterion='evidence')" in report
    assert "RidgeCV(50 alphas)" in report
    assert (tmp_path / "adaptive_ridge_criteria.png").stat().st_size > 10_000


def test_help_explains_the_options():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_l2x", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--plots DIR" in result.stdout
    assert "--only" in result.stdout


def test_tour_group_regression_section(capsys):
    assert main(["--only", "group-regression"]) == 0
    report = capsys.readouterr().out
    assert "sparse-group (l1_ratio=0.8), 1-SE λ" in report
    assert "LassoCV" in report


def test_tour_adaptive_logistic_section(capsys):
    assert main(["--only", "adaptive-logistic"]) == 0
    report = capsys.readouterr().out
    assert "AdaptiveLogisticRegression(criterion='evidence')" in report
    assert "LogisticRegressionCV" in report
    assert "AdaptiveRidgeClassifier" in report
