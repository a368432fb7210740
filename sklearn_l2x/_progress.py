"""Progress lines for long work (``verbose``): path segments and fold paths.

Nothing is printed unless asked. A path prints one line per segment of
:data:`SEGMENT` consecutive λ (``verbose=1``) or per λ (``verbose >= 2``):
the λ reached, the largest relative duality gap of the segment, and its
seconds. A cross-validated fit prints one line per fold path, printed where
the fold runs (a joblib worker's output goes where that worker's does).
"""

import time

import numpy as np

__all__ = ["SEGMENT", "FoldProgress", "PathProgress", "path_progress"]

#: λ values per progress line of a path at ``verbose=1``.
SEGMENT = 10


def _say(label, text):
    print(f"[{label}] {text}", flush=True)


class PathProgress:
    """Reports a path as it goes: call :meth:`point` after each λ."""

    def __init__(self, label, n_lams, verbose):
        self.label, self.n_lams = label, n_lams
        self.every = 1 if verbose >= 2 else SEGMENT
        self.done, self.first, self.gap = 0, 0, 0.0
        self.start = time.perf_counter()

    def point(self, lam, relative_gap):
        """Record one solved λ; print when a segment (or the path) ends."""
        self.done += 1
        self.gap = max(self.gap, float(relative_gap))
        if self.done % self.every and self.done < self.n_lams:
            return
        now = time.perf_counter()
        span = (
            f"λ {self.done}/{self.n_lams}"
            if self.done - self.first == 1
            else f"λ {self.first + 1}-{self.done}/{self.n_lams}"
        )
        _say(
            self.label,
            f"{span}: reached {lam:.4g}, largest relative gap {self.gap:.1e}, "
            f"{now - self.start:.2f} s",
        )
        self.first, self.gap, self.start = self.done, 0.0, now

    def whole(self, lams, gaps, seconds, what):
        """One line for a path solved in one call (``what`` names it)."""
        _say(
            self.label,
            f"{what}: {len(lams)} λ from {lams[0]:.4g} to {lams[-1]:.4g}, "
            f"largest relative gap {np.max(gaps):.1e}, {seconds:.2f} s",
        )


def path_progress(label, n_lams, verbose):
    """A :class:`PathProgress`, or None when ``verbose`` is 0."""
    return PathProgress(label, n_lams, verbose) if verbose else None


class FoldProgress:
    """One line per fitted fold path."""

    def __init__(self, name, mix_name, setting, fold_number, n_folds):
        self.label = f"{name}: fold {fold_number}/{n_folds}, {mix_name}={setting[0]:g}"

    def fold(self, path, seconds):
        _say(
            self.label,
            f"{len(path.lams)} λ from {path.lams[0]:.4g} to {path.lams[-1]:.4g}, "
            f"largest relative gap {np.max(path.gaps):.1e}, {seconds:.2f} s",
        )
