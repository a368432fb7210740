"""
Group L2: selecting whole categorical variables from one-hot columns
====================================================================

"Group L2 regularisation" penalises groups of weights
together. With :class:`~sklearn_l2x.GroupL2LogisticRegression`, the one-hot
columns of one categorical variable form one group, so a variable enters or
leaves the model as a whole, for every level at once, inside an ordinary
scikit-learn ``Pipeline``. The groups are named by the *source* columns with
:class:`~sklearn_l2x.SourceGroups` and resolved at every fit from the encoded
column names, so cross-validation folds that lack a rare level still work.
Below, a plain L1 penalty (singleton groups) keeps scattered levels of the
noise variables, while the group penalty keeps exactly the informative
variables.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_l2x import (
    GroupL2LogisticRegression,
    PathDisplay,
    SourceGroups,
    group_l2_logistic_path,
)

rng = np.random.default_rng(0)
n = 1500
levels = {"city": 12, "device": 5, "plan": 4, "colour": 8, "weekday": 7, "shoe": 10}
data = pd.DataFrame(
    {name: rng.integers(0, k, size=n).astype(str) for name, k in levels.items()}
)
data["age"] = rng.normal(40, 12, size=n)
effects = {
    "city": rng.normal(size=12),
    "device": rng.normal(size=5) * 1.5,
    "plan": rng.normal(size=4),
}
logit = sum(effects[name][data[name].astype(int)] for name in effects)
logit += 0.04 * (data["age"] - 40)
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
data.loc[:2, "city"] = "rare"  # a level only some training folds see

preprocess = make_column_transformer(
    (OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(levels)),
    (StandardScaler(), ["age"]),
).set_output(transform="pandas")
groups = SourceGroups([*levels, "age"])

# %%
# One fit in a pipeline: the active groups are whole variables. The encoded
# column names reach the estimator (``set_output(transform="pandas")``), and
# ``SourceGroups`` turns them into one group per source column at each fit.
model = make_pipeline(preprocess, GroupL2LogisticRegression(groups, lam=0.01))
model.fit(data, y)
print("kept variables:", model[-1].active_groups_)
scores = cross_val_score(model, data, y, cv=5)
print(f"5-fold accuracy {scores.mean():.3f}; the folds without 'rare' fit too")

# %%
# The paths: norm of each variable's coefficients as λ decreases, for the group
# penalty and for the lasso (each one-hot column its own group).
X = preprocess.fit_transform(data)
lams, coefs, _, _ = group_l2_logistic_path(X, y, groups=groups, lams=40, eps=0.02)
lasso_lams, lasso_coefs, _, _ = group_l2_logistic_path(
    X, y, groups=None, group_weights=np.ones(X.shape[1]), lams=40, eps=0.02
)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
PathDisplay.from_path(
    lams, coefs, groups=groups, feature_names=X.columns, ax=axes[0]
).ax_.set_title("group L2: whole variables")
# One colour per variable for the lasso's single levels.
sources = groups.labels(X.columns)
colours = {name: f"C{j}" for j, name in enumerate(dict.fromkeys(sources))}
lasso = PathDisplay.from_path(
    lasso_lams,
    np.abs(lasso_coefs),
    feature_names=X.columns,
    ax=axes[1],
    legend=False,
    linewidth=0.8,
)
for line, source in zip(lasso.lines_, sources, strict=True):
    line.set_color(colours[source])
lasso.ax_.set(title="L1 (lasso): single levels", ylabel="|coefficient|")
for ax in axes:
    ax.invert_xaxis()
fig.tight_layout()
