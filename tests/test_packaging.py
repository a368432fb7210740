"""The sdist carries what a user needs; the wheel carries the package only."""

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("not running from a source checkout")
    pytest.importorskip("build")
    outdir = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the setuptools already in this environment,
    # so the test needs no network.
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    sdist = next(outdir.glob("*.tar.gz"))
    wheel = next(outdir.glob("*.whl"))
    return sdist, wheel


def test_sdist_contains_sources_tests_examples_and_docs(built):
    sdist, _ = built
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for required in [
        "pyproject.toml",
        "setup.cfg",
        "README.rst",
        "LICENSE",
        "sklearn_l2x/__init__.py",
        "sklearn_l2x/conventions.py",
        "sklearn_l2x/__main__.py",
        "tests/test_common.py",
        "tests/reference.py",
        "doc/conf.py",
        ".ci/run",
    ]:
        assert required in names, f"{required} missing from the sdist"
    assert not any("__pycache__" in name for name in names)


def test_wheel_contains_the_package_and_metadata(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "sklearn_l2x/conventions.py" in names
    assert not any(name.startswith("tests/") for name in names)
    metadata = next(name for name in names if name.endswith("METADATA"))
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(metadata).decode()
    for dependency in ["numpy", "scipy", "scikit-learn", "joblib"]:
        assert f"Requires-Dist: {dependency}" in text
    assert "Provides-Extra: distributed" in text
