"""
Group L2: selecting whole categorical variables from one-hot columns
====================================================================

"Group L2 regularisation" penalises groups of weights
together. With :class:`~sklearn_l2x.GroupL2LogisticRegression`, the one-hot
columns of one categorical variable form one group, so a variable enters or
leaves the model as a whole, for every level at once, inside an ordinary
scikit-learn ``Pipeline``. Below, a plain L1 penalty (singleton groups) keeps
scattered levels of the noise variables, while the group penalty keeps exactly
the informative variables.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_l2x import (
    GroupL2LogisticRegression,
    group_l2_logistic_path,
    groups_from_feature_names,
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

preprocess = make_column_transformer(
    (OneHotEncoder(), list(levels)), (StandardScaler(), ["age"])
).fit(data)
groups = groups_from_feature_names(preprocess.get_feature_names_out(), data.columns)

# %%
# One fit in a pipeline: the active groups are whole variables.
model = make_pipeline(preprocess, GroupL2LogisticRegression(groups, lam=0.01))
model.fit(data, y)
print("kept variables:", model[-1].active_groups_)

# %%
# The paths: norm of each variable's coefficients as λ decreases, for the group
# penalty and for the lasso (each one-hot column its own group).
X = preprocess.transform(data)
lams, coefs, _, _ = group_l2_logistic_path(X, y, groups=groups, lams=40, eps=0.02)
lasso_lams, lasso_coefs, _, _ = group_l2_logistic_path(
    X, y, groups=None, group_weights=np.ones(X.shape[1]), lams=40, eps=0.02
)
names = list(dict.fromkeys(groups))
labels = np.asarray(groups)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=False)
for ax, grid, path, title in (
    (axes[0], lams, coefs, "group L2: whole variables"),
    (axes[1], lasso_lams, lasso_coefs, "L1 (lasso): single levels"),
):
    for j, name in enumerate(names):
        if title.startswith("group"):
            norms = [np.linalg.norm(c[:, labels == name]) for c in path]
            ax.semilogx(grid, norms, label=name, color=f"C{j}")
        else:
            for column in np.flatnonzero(labels == name):
                ax.semilogx(
                    grid, np.abs(path[:, 0, column]), color=f"C{j}", linewidth=0.8
                )
    ax.invert_xaxis()
    ax.set_xlabel("λ")
    ax.set_title(title)
axes[0].set_ylabel("‖coefficients of the variable‖ (group) / |coefficient| (L1)")
axes[0].legend(fontsize=8)
fig.tight_layout()
