"""
Logistic regression that chooses its own λ: ALO, evidence and k-fold
=====================================================================

The textbook example of L2 regularisation is logistic regression, and its
"adaptive" λ is the one the model's own performance asks for.
:class:`~sklearn_l2x.AdaptiveLogisticRegression` chooses λ inside ``fit``
with one fit per candidate λ: the approximate leave-one-out log-loss (one
Newton step towards each leave-one-out fit, from the Hessian of the fit) or
the Laplace evidence of the Gaussian prior that the penalty is. Here both are
drawn against λ next to scikit-learn's ``LogisticRegressionCV`` (5-fold,
20 values of C, five refits per value) and the log-loss on held-out data.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import AdaptiveLogisticRegression

# scikit-learn 1.9 announces changes to LogisticRegressionCV's defaults and
# attributes; what this example uses stays.
warnings.filterwarnings("ignore", category=FutureWarning)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
n_train = len(y_train)

# %%
# The chosen λ of each method, with its fit time and held-out log-loss.
fitted = {}
for name, make in {
    "ALO": lambda: AdaptiveLogisticRegression(criterion="alo"),
    "evidence": lambda: AdaptiveLogisticRegression(criterion="evidence"),
    "LogisticRegressionCV": lambda: LogisticRegressionCV(
        Cs=20, cv=5, scoring="neg_log_loss"
    ),
}.items():
    start = time.perf_counter()
    model = make().fit(X_train, y_train)
    seconds = time.perf_counter() - start
    lam = getattr(model, "lam_", None)
    if lam is None:  # LogisticRegressionCV: C = 1/(2·n·λ)
        lam = 1.0 / (2 * n_train * model.C_[0])
    held_out = log_loss(y_test, model.predict_proba(X_test))
    fitted[name] = lam
    print(
        f"{name:<22} λ = {lam:.2e}  held-out log-loss {held_out:.4f}  {seconds:.2f} s"
    )

# %%
# Each criterion along a λ grid (a fixed ``lam`` with a ``criterion`` reports
# the criterion's value there), and the log-loss on the held-out 30%.
grid = np.geomspace(1e-5, 1.0, 30)
alo, evidence, test = [], [], []
for lam in grid:
    model = AdaptiveLogisticRegression(lam=lam, criterion="alo").fit(X_train, y_train)
    alo.append(model.criterion_value_)
    test.append(log_loss(y_test, model.predict_proba(X_test)))
    with_evidence = AdaptiveLogisticRegression(lam=lam, criterion="evidence")
    evidence.append(with_evidence.fit(X_train, y_train).criterion_value_)
cv = LogisticRegressionCV(Cs=1.0 / (2 * n_train * grid), cv=5, scoring="neg_log_loss")
cv_loss = -cv.fit(X_train, y_train).scores_[1].mean(axis=0)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
left.semilogx(grid, alo, label="ALO (one fit per λ)")
left.semilogx(grid, cv_loss, "--", label="5-fold CV (LogisticRegressionCV)")
left.semilogx(grid, test, "k:", label="held-out log-loss")
for name, style in (("ALO", "C0"), ("LogisticRegressionCV", "C1")):
    left.axvline(fitted[name], color=style, lw=0.8)
left.set_ylim(min(test + alo) * 0.9, 0.3)
left.set_xlabel("λ")
left.set_ylabel("mean log-loss")
left.set_title("Estimates of the held-out log-loss")
left.legend()
right.semilogx(grid, evidence, "C2")
right.axvline(fitted["evidence"], color="C2", lw=0.8)
right.set_xlabel("λ")
right.set_ylabel("log evidence (Laplace)")
right.set_title("Marginal likelihood of the prior w ~ N(0, 1/(2Sλ))")
fig.tight_layout()
plt.show()
