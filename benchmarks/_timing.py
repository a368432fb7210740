"""Timing helpers shared by the benchmark scripts.

Before each timed call the process sleeps ``SETTLE`` seconds. NumPy and SciPy
link separate OpenBLAS builds whose idle threads keep spinning for a while
after a call, and a call right after one of the other library's (or of a
peer's own thread pool) pays for it: here a 500×500 NumPy ``eigh(X @ X.T)``
took 0.11 s right after a SciPy SVD and 0.05 s after a 0.2 s pause. Without
the pause a benchmark partly times the previous contestant.
"""

import multiprocessing
import os
import time

import numpy as np

SETTLE = 0.3
# ``import adelie`` sets OMP_PROC_BIND and pins the whole process to one core:
# every timed call first restores the affinity the process started with (this
# module is imported before any peer).
CORES = os.sched_getaffinity(0)
# Thread counts a peer with its own threads runs at: its default (one) and,
# on a machine with two cores or more, two.
PEER_THREADS = (1, 2) if len(CORES) >= 2 else (1,)


def restore_affinity():
    """Give the process back every core it started with (see ``CORES``)."""
    os.sched_setaffinity(0, CORES)


def timed_runs(repeat, func, *args, **kwargs):
    """Every time of ``repeat`` calls of ``func(*args, **kwargs)``, and its result."""
    times, result = [], None
    for _ in range(repeat):
        restore_affinity()
        time.sleep(SETTLE)
        start = time.perf_counter()
        result = func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return times, result


def best_time(repeat, func, *args, **kwargs):
    """Best of ``repeat`` timed calls of ``func(*args, **kwargs)``, and its result."""
    times, result = timed_runs(repeat, func, *args, **kwargs)
    return min(times), result


def spread(times):
    """``"best s (runs lo–hi)"`` of a list of seconds."""
    return f"{min(times):7.3f} s (runs {min(times):.3f}–{max(times):.3f})"


def interleaved_times(funcs, repeat):
    """Best time of each function, run in turns so machine drift hits all alike."""
    times = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            restore_affinity()
            time.sleep(SETTLE)
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def interleaved_runs(funcs, repeat):
    """Every time of each function over ``repeat`` rounds run in turns.

    Each function is called once first, untimed: that warms caches and thread
    pools, and a function that raises there is left out of the rounds.
    Returns ``{name: (times, result)}``, or ``{name: exception}`` for those.
    """
    outcome, alive = {}, {}
    for name, func in funcs.items():
        restore_affinity()
        try:
            func()
        except Exception as error:  # a contestant that cannot run this problem
            outcome[name] = error
        else:
            alive[name] = func
    runs = {name: ([], None) for name in alive}
    for _ in range(repeat):
        for name, func in alive.items():
            restore_affinity()
            time.sleep(SETTLE)
            start = time.perf_counter()
            result = func()
            runs[name] = (runs[name][0] + [time.perf_counter() - start], result)
    outcome.update(runs)
    return outcome


def add_settle_option(parser):
    """A ``--settle`` option; call :func:`apply_settle_option` after parsing."""
    parser.add_argument(
        "--settle",
        type=float,
        default=SETTLE,
        help="pause before each timed call, in seconds (default %(default)s)",
    )


def apply_settle_option(args):
    global SETTLE
    SETTLE = args.settle


def _spin(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def add_busy_option(parser):
    """A ``--busy`` option; call :func:`start_busy` after parsing."""
    parser.add_argument(
        "--busy", action="store_true", help="time with one busy core alongside"
    )


def start_busy(args):
    """With ``--busy``, a daemon process that keeps one core busy; its label."""
    if not args.busy:
        return ""
    stop = multiprocessing.Event()
    multiprocessing.Process(target=_spin, args=(stop,), daemon=True).start()
    return " (one busy core alongside)"


class Calibrated:
    """The fastest run of each side (ours: labels starting "sklearn_l2x"; the
    peers) that stopped within ``limit`` of the reference objective."""

    def __init__(self, limit):
        self.limit = limit
        self.fastest = {"ours": None, "peer": None}

    def add(self, label, times, excess):
        side = "ours" if label.startswith("sklearn_l2x") else "peer"
        best = self.fastest[side]
        if excess <= self.limit and (best is None or min(times) < min(best[1])):
            self.fastest[side] = (label, times)

    @property
    def complete(self):
        """Whether both sides have a run within the limit."""
        return None not in self.fastest.values()

    def report(self, indent):
        """Print the ratio of the two sides' fastest runs (bests and medians)."""
        if not self.complete:
            return
        (ours, ours_times), (peer, peer_times) = self.fastest.values()
        print(
            f"{indent}at the reference objective: {ours} against {peer}, ratio "
            f"{min(ours_times) / min(peer_times):.2f} (medians "
            f"{np.median(ours_times) / np.median(peer_times):.2f}; target ≤ 1.0)"
        )


class CalibratedByThreads:
    """:class:`Calibrated` over every contestant, and over the peers at one
    thread only (labels without ``threads=``), reported together."""

    def __init__(self, limit):
        self.all, self.one_thread = Calibrated(limit), Calibrated(limit)
        self.threaded = False

    def add(self, label, times, excess):
        self.all.add(label, times, excess)
        if "threads=" in label:
            self.threaded = True
        else:
            self.one_thread.add(label, times, excess)

    def report(self, indent):
        self.all.report(indent)
        if self.threaded and self.one_thread.complete:
            print(f"{indent}peers at one thread only:")
            self.one_thread.report(indent + "  ")
