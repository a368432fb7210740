"""
Computational cost: the ridge fit and the λ search
==================================================

L2 regularisation adds little to the cost of
a linear model, and ridge has a closed form. The λ *search* is where the cost
usually goes: a grid search refits the model once per λ and fold.
:class:`~sklearn_l2x.AdaptiveRidge` decomposes the data once and evaluates
GCV at any λ in O(min(n, p)), so its whole continuous search costs a small
multiple of one fit (the decomposition costs more than the linear solve of
one ``Ridge`` fit: 2 to 4 times it below), where a grid refits per λ.
Below, its fit time (search included) against scikit-learn's ``Ridge`` at
one fixed alpha, ``RidgeCV`` over 20 alphas, and ``GridSearchCV`` over
the same 20 alphas with 3 folds, as n and then p grow. Every time is the
best of at least three runs after one warm-up run (the first call of a
process pays for thread pools and caches, not for the fit), so one run
slowed by something else on the machine does not show as a jump. BLAS runs
on one thread here: with several, it switches to threads at some matrix
size (p = 200 on a 2-core machine), and that switch, not the algorithms,
would make the biggest step of every curve.
"""

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

from sklearn_l2x import AdaptiveRidge

rng = np.random.default_rng(0)
alphas = np.logspace(-3, 3, 20)
models = {
    "Ridge, one alpha": lambda: Ridge(alpha=1.0),
    "AdaptiveRidge (GCV search)": lambda: AdaptiveRidge(),
    "RidgeCV, 20 alphas": lambda: RidgeCV(alphas=alphas),
    "GridSearchCV, 20 alphas × 3 folds": lambda: GridSearchCV(
        Ridge(), {"alpha": alphas}, cv=3
    ),
}


def seconds(make, X, y, budget=0.3, most=7):
    """Best of at least 3 (at most ``most``) timed fits, after a warm-up fit."""
    make().fit(X, y)
    times = []
    while len(times) < 3 or (len(times) < most and sum(times) < budget):
        start = time.perf_counter()
        make().fit(X, y)
        times.append(time.perf_counter() - start)
    return min(times)


def timings(shapes):
    result = {name: [] for name in models}
    for n, p in shapes:
        X = rng.normal(size=(n, p))
        y = X @ rng.normal(size=p) + rng.normal(size=n)
        for name, make in models.items():
            result[name].append(seconds(make, X, y))
    return result


sizes_n = [250, 500, 1000, 2000]
sizes_p = [50, 100, 200, 400]
with threadpool_limits(limits=1, user_api="blas"):
    by_n = timings([(n, 100) for n in sizes_n])
    by_p = timings([(500, p) for p in sizes_p])

for label, sizes, table in (("n", sizes_n, by_n), ("p", sizes_p, by_p)):
    ratios = np.array(table["AdaptiveRidge (GCV search)"]) / table["Ridge, one alpha"]
    print(f"AdaptiveRidge / one Ridge fit, growing {label} {sizes}:", ratios.round(1))

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
for name in models:
    left.loglog(sizes_n, by_n[name], "o-", label=name)
    right.loglog(sizes_p, by_p[name], "o-", label=name)
left.set_xlabel("n (p = 100)")
right.set_xlabel("p (n = 500)")
left.set_ylabel("fit time (s)")
left.set_title("Growing n")
right.set_title("Growing p")
left.legend(fontsize=8)
fig.tight_layout()
plt.show()
