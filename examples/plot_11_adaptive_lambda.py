"""
Adaptive λ: one per target and one per feature group, found during fit
======================================================================

"Adaptive regularisation" lets λ adapt to the
model's performance during training. :class:`~sklearn_l2x.AdaptiveRidge`
chooses λ inside ``fit``: with several targets, one λ each from the same
decomposition; with ``groups``, one λ per group of features (banded ridge),
so that a group of pure-noise features is shrunk away while an informative
group is left almost free.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sklearn_l2x import AdaptiveRidge, CriterionDisplay

rng = np.random.default_rng(0)
n, p = 200, 30
X = rng.normal(size=(n, p))
signal = X @ rng.normal(size=p)
# Five targets: the same signal under growing noise.
noise_levels = np.array([0.5, 1, 2, 4, 8]) * signal.std()
Y = signal[:, None] + rng.normal(size=(n, 5)) * noise_levels
per_target = AdaptiveRidge().fit(X, Y)

# %%
# One λ per feature group: 10 strong features, 10 weak ones, 10 pure noise.
coef = np.r_[rng.normal(scale=3, size=10), rng.normal(scale=0.3, size=10), np.zeros(10)]
y = X @ coef + rng.normal(size=n)
groups = {"strong": range(0, 10), "weak": range(10, 20), "noise": range(20, 30)}
banded = AdaptiveRidge(criterion="evidence", groups=groups).fit(X, y)
plain = AdaptiveRidge(criterion="evidence").fit(X, y)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
left.loglog(noise_levels / signal.std(), per_target.lam_, "o-")
left.set_xticks(noise_levels / signal.std(), ["0.5", "1", "2", "4", "8"])
left.minorticks_off()
left.set_xlabel("noise standard deviation / signal standard deviation")
left.set_ylabel("λ chosen by GCV")
left.set_title("One λ per target: noisier targets get more shrinkage")

positions = np.arange(p)
right.bar(positions - 0.2, np.abs(coef), width=0.4, color="0.7", label="true |w|")
right.bar(
    positions + 0.2,
    np.abs(banded.coef_),
    width=0.4,
    color="C0",
    label="banded ridge |w|",
)
right.plot(positions, np.abs(plain.coef_), "k.", label="one λ |w|")
for name, lam in zip(banded.group_names_, banded.lam_, strict=True):
    start = list(groups[name])[0]
    right.text(
        start + 4.5, np.abs(coef).max() * 1.05, f"{name}\nλ={lam:.2g}", ha="center"
    )
right.set_ylim(0, np.abs(coef).max() * 1.3)
right.set_xlabel("feature")
right.set_title("One λ per group (evidence)")
right.legend(loc="center right")
fig.tight_layout()
print("per-target λ:", np.round(per_target.lam_, 4))
print(
    "per-group λ:",
    dict(zip(banded.group_names_, banded.lam_.round(4).tolist(), strict=True)),
)

# %%
# The criterion each target's λ minimised: one GCV curve per target, from the
# same decomposition, with the chosen λ of each marked
# (``CriterionDisplay.from_estimator(per_target)`` draws the raw curves; here
# each is divided by its minimum to share one axis).
relative = per_target.criterion_path_ / per_target.criterion_path_.min(axis=0)
curves = CriterionDisplay(
    per_target.lam_path_,
    relative,
    lam=per_target.lam_,
    criterion_name="GCV score / its minimum",
).plot()
for line, level in zip(curves.lines_, [0.5, 1, 2, 4, 8], strict=True):
    line.set_label(f"noise × {level}")
curves.ax_.set(xlim=(1e-4, 1e4), ylim=(0.98, 1.25), title="GCV against λ, per target")
curves.ax_.legend(fontsize=7)
