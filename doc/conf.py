"""Sphinx configuration for the sklearn_l2x documentation."""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, os.path.abspath(".."))

import sklearn_l2x  # noqa: E402
from sklearn_l2x.conventions import list_conventions  # noqa: E402

project = "sklearn_l2x"
author = "The sklearn_l2x developers"
copyright = "2026, The sklearn_l2x developers"
release = sklearn_l2x.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]
try:  # the gallery is optional so that the API pages build without matplotlib
    import sphinx_gallery  # noqa: F401

    extensions.append("sphinx_gallery.gen_gallery")
    sphinx_gallery_conf = {
        "examples_dirs": "../examples",
        "gallery_dirs": "auto_examples",
        "filename_pattern": r"plot_",
        "download_all_examples": False,
        # Files are numbered in reading order (from overfitting to interpretability).
        "within_subsection_order": "FileNameSortKey",
    }
except ImportError:  # pragma: no cover
    pass

autosummary_generate = True
numpydoc_show_class_members = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "pydata_sphinx_theme"
html_title = "sklearn_l2x"
# No intersphinx: the docs must build offline (CI has no internet access).
html_static_path = ["_static"]
html_css_files = ["sklearn_l2x.css"]

_SKLEARN_REF = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<[^>]*>)?`")


def _plain_sklearn_references(app, what, name, obj, options, lines):
    """scikit-learn's own docstrings (inherited methods such as ``score``) cite
    labels of scikit-learn's documentation; without intersphinx they are text."""
    if not getattr(obj, "__module__", "").startswith("sklearn."):
        return
    lines[:] = [_SKLEARN_REF.sub(r"\1", line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_references)


def _write_conventions_table():
    """Generate the conventions table of the user guide from the code itself."""
    rows = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 20 45 35",
        "   :class: conventions-table",
        "",
        "   * - name (``convert``)",
        "     - exact objective",
        "     - notes",
    ]
    for convention in list_conventions():
        rows += [
            f"   * - ``{convention.name}``",
            f"     - {convention.objective}",
            f"     - {convention.notes}",
        ]
    Path(__file__).with_name("conventions_table.inc").write_text("\n".join(rows) + "\n")


_write_conventions_table()
