"""
Interpretability: coefficients under L2, L1 and group L2
========================================================

An L2 penalty keeps every feature with a
small weight, so the model is harder to read than a sparse one; L1 keeps few
features; group L2 keeps few *groups*. The breast-cancer data measure ten
properties of a cell nucleus, each three ways (mean, standard error, worst
value). Below, the absolute coefficients of three logistic models of
comparable accuracy, laid out as property × statistic: ridge
(:class:`~sklearn_l2x.ElasticNetClassifier` with ``l1_ratio=0``) uses all 30
numbers, the lasso (``l1_ratio=1``) a scattered handful, and
:class:`~sklearn_l2x.GroupL2LogisticRegression` with one group per property
a few whole properties, which is the easiest model to explain.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l2x import ElasticNetClassifier, GroupL2LogisticRegression

data = load_breast_cancer()
X, y = data.data, data.target
properties = [name.replace("mean ", "") for name in data.feature_names[:10]]
groups = [j % 10 for j in range(30)]  # one group per property
models = {
    "L2 (ridge)": ElasticNetClassifier(lam=0.01, l1_ratio=0.0),
    "L1 (lasso)": ElasticNetClassifier(lam=0.02, l1_ratio=1.0),
    "group L2, one group per property": GroupL2LogisticRegression(groups, lam=0.02),
}

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 4.8), sharey=True)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    pipeline = make_pipeline(StandardScaler(), model)
    accuracy = cross_val_score(pipeline, X, y, cv=5).mean()
    coef = np.abs(pipeline.fit(X, y)[-1].coef_[0]).reshape(3, 10).T
    image = ax.imshow(coef, cmap="Blues", vmin=0)
    ax.set_xticks(range(3), ["mean", "std. error", "worst"], rotation=45)
    ax.set_title(
        f"{name}\n{np.count_nonzero(coef)} of 30 used, CV accuracy {accuracy:.3f}",
        fontsize=10,
    )
    fig.colorbar(image, ax=ax, shrink=0.8, label="|coefficient|")
axes[0].set_yticks(range(10), properties)
fig.tight_layout()
plt.show()
