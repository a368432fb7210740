"""
Overfitting, and how an L2 penalty cures it
===========================================

A flexible model fits the noise of its
training data and predicts new data badly; adding λ‖w‖² to the loss keeps the
weights small and the fit smooth. Here a polynomial of growing degree is fitted
to 16 noisy samples of a smooth curve, once by least squares and once by
:class:`~sklearn_l2x.AdaptiveRidge`, which chooses λ itself (GCV) for every
degree. Least squares follows the training points ever more closely while its
test error explodes; the penalised fit keeps its test error flat.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from sklearn_l2x import AdaptiveRidge

rng = np.random.default_rng(0)


def truth(x):
    return np.sin(2 * np.pi * x) + 0.5 * x


x_train = np.sort(rng.uniform(0, 1, 16))
y_train = truth(x_train) + rng.normal(scale=0.3, size=x_train.size)
x_test = rng.uniform(0, 1, 1000)
y_test = truth(x_test) + rng.normal(scale=0.3, size=x_test.size)


def model(degree, penalised):
    last = AdaptiveRidge() if penalised else LinearRegression()
    return make_pipeline(
        PolynomialFeatures(degree, include_bias=False), StandardScaler(), last
    )


degrees = np.arange(1, 13)
errors = {}
for penalised in (False, True):
    train, test = [], []
    for degree in degrees:
        fitted = model(degree, penalised).fit(x_train[:, None], y_train)
        train.append(mean_squared_error(y_train, fitted.predict(x_train[:, None])))
        test.append(mean_squared_error(y_test, fitted.predict(x_test[:, None])))
    errors[penalised] = (train, test)

# %%
# Left: errors against the degree. Right: the degree-12 fits themselves.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
for penalised, style in ((False, "C3"), (True, "C0")):
    label = "AdaptiveRidge (λ by GCV)" if penalised else "least squares"
    train, test = errors[penalised]
    left.semilogy(degrees, train, "--", color=style, label=f"{label}: train")
    left.semilogy(degrees, test, "-", color=style, label=f"{label}: test")
left.set_xlabel("polynomial degree")
left.set_ylabel("mean squared error")
left.set_title("Train error falls; only the penalised test error stays low")
left.legend(fontsize=8)

grid = np.linspace(0, 1, 400)
right.plot(x_train, y_train, "k.", label="training data")
right.plot(grid, truth(grid), color="0.6", label="truth")
for penalised, style in ((False, "C3"), (True, "C0")):
    fitted = model(12, penalised).fit(x_train[:, None], y_train)
    label = "AdaptiveRidge" if penalised else "least squares"
    right.plot(grid, fitted.predict(grid[:, None]), color=style, label=label)
right.set_ylim(-2.5, 2.5)
right.set_title("Degree 12, 16 training points")
right.legend(fontsize=8)
fig.tight_layout()
plt.show()
