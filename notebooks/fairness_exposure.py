# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Size of the run: CREATORSIM_SIZE=small (the tests and CI: a small population, a short run)
# or full (the default, the committed outputs). Every number in the text below is computed
# in this notebook from the runs it shows.
import copy
import dataclasses
import itertools
import math
import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from scipy.stats import t as student_t

from scoring import EXCLUSION_REASONS
from sim.data import scenario_path
from sim.experiments import run_seeds
from sim.experiments.rules import load_posterior, make_settings
from sim.incentive import NEWCOMER_DAYS
from sim.io import write_png
from sim.model import CreatorMarket
from sim.outcomes import gini
from sim.scenario import Scenario

SIZES = {
    # burn_in: days simulated before the reported days (at most the scenario's own)
    "full": {"creators": 1500, "burn_in": 240, "days": 90, "seeds": 4},
    "small": {"creators": 300, "burn_in": 30, "days": 30, "seeds": 2},
}
SIZE = os.environ.get("CREATORSIM_SIZE", "full")
assert SIZE in SIZES, f"CREATORSIM_SIZE={SIZE!r} is not allowed: one of {', '.join(SIZES)}"
RUN = SIZES[SIZE]
ROOT_SEED = 14
FIGURES = Path("..") / "docs" / "figures"  # the full-size figures are saved there
POSTERIOR_FILE = "scenarios/targets/creator_economy.calibration.json"
T_START = time.perf_counter()
print(f"size {SIZE}: {RUN}")

# %% [markdown]
# # Fairness of exposure
#
# This notebook is for a researcher measuring fairness. A ranking gives its places unequal
# attention: the first place is seen more than the tenth. The fair-ranking literature (Singh
# and Joachims, *Fairness of exposure in rankings*) measures the attention a ranked item
# gets by a position bias, the exposure of place *k* being one over the base-two logarithm of
# one plus *k*, and asks whether groups get exposure in proportion to their merit.
#
# We ask it of creatorsim's calibrated model under the reported rules, for two kinds of
# exposure: the **feed** (views of a creator's videos and livestreams) and the **lists**
# merchants read (position-bias exposure summed over every list and day, and the model's own
# count of merchants' views of list places). Merit is a creator's **GMV** (what it sells) or
# its content **quality**. Groups: sellers and entertainers, and follower deciles. Then the
# other side of a list: which eligibility rules leave small creators and newcomers off
# every list, and at what thresholds.
#
# One learning rule (gradient) only, to keep the notebook short: the robustness of the
# model's outcomes across learning rules is the subject of the notebooks on index weights and
# on the sample deadline, and of the claims table.

# %%
BASE_FILE = scenario_path("reported_2022")
BASE = Scenario.from_toml(BASE_FILE)
BURN_IN = min(RUN["burn_in"], BASE.model.time.burn_in_days)
SCENARIO0 = BASE.with_values({"population.creators": RUN["creators"],
                              "time.burn_in_days": BURN_IN})
posterior_path = Path("..") / POSTERIOR_FILE
POSTERIOR = load_posterior(posterior_path) if posterior_path.exists() else None
SETTING = make_settings(BASE, rules=("gradient",), posterior=POSTERIOR,
                        source=POSTERIOR_FILE if POSTERIOR else None)[0]
SCENARIO = SETTING.apply(SCENARIO0)
SEEDS = [int(s) for s in run_seeds(ROOT_SEED, RUN["seeds"])[0]]
POLICY = SCENARIO.scoring
WINDOW = SCENARIO.model.merchants.list_window
EL = POLICY.eligibility
SJ_YEAR = 2018  # Singh and Joachims, "Fairness of exposure in rankings"
display(Markdown(
    f"Position-bias exposure as in Singh and Joachims ({SJ_YEAR}). The base is "
    f"`scenarios/{BASE_FILE.name}` under the setting `{SETTING.label}`"
    + (f" (posterior median from `{POSTERIOR_FILE}`)" if POSTERIOR else
       " (no calibration record in this checkout)")
    + f": {RUN['creators']:,} creators, {BURN_IN} days of burn-in, then {RUN['days']} "
    f"reported days, {len(SEEDS)} seeds. Eligibility (M12, thresholds assumed, M13a): at "
    f"least **{EL.min_followers:,} followers**, a video or livestream within "
    f"**{EL.active_within_days} days**, a fulfilment rate of at least "
    f"**{EL.min_fulfilment_rate:.0%}** once {EL.min_decided_samples} samples are decided."
))

# %% [markdown]
# ## The runs
#
# The model runs day by day through its public interface. After each reported day the
# places of every creator on every list (`model.positions`, zero for no place) are turned
# into position-bias exposure and summed; a slot taken over by a new creator starts again at
# zero. At the end we take, for every creator on the platform: its views, GMV and the
# merchants' views of its list places over the reported days, its quality, followers and
# whether it is a newcomer. The final engine state is then scored again under variants of
# the eligibility rule (a copy: the model is untouched).

# %%
NO_SLOTS = np.empty(0, dtype=np.int64)


def position_exposure(pos):
    """Singh-Joachims position-bias exposure of places ``pos`` (1 = top; 0 = not listed)."""
    out = np.zeros(pos.shape, dtype=float)
    on = pos > 0
    out[on] = 1.0 / np.log2(1.0 + pos[on])
    return out


def rescore(model, eligibility):
    """The model's engine state at the end of the run, scored with another eligibility rule."""
    state = copy.deepcopy(model.market.scoring)
    state.policy = dataclasses.replace(POLICY, eligibility=eligibility, windows=(WINDOW,))
    state.replace_creators(NO_SLOTS, NO_SLOTS)  # replaces nobody; drops the cached day
    return state.score(WINDOW, depth=POLICY.list_length, active=model.creators.active)


# eligibility variants: (rule, label) -> EligibilityRule; the "off" value lets everyone pass
OFF = {"min_followers": 0, "active_within_days": 3650, "min_fulfilment_rate": 0.0}
THRESHOLDS = {
    "min_followers": (0, 100, 300, 1000, 3000, 10000),
    "active_within_days": (3, 7, 14, 30, 3650),
    "min_fulfilment_rate": (0.0, 0.25, 0.5, 0.75),
}
VARIANTS = {("all rules", "as reported"): EL}
for key in OFF:
    VARIANTS[("only " + key, "")] = dataclasses.replace(
        EL, **{k: v for k, v in OFF.items() if k != key})
for key, values_ in THRESHOLDS.items():
    for v in values_:
        VARIANTS[(key, v)] = dataclasses.replace(EL, **{key: v})

runs = []
t0 = time.perf_counter()
for seed in SEEDS:
    model = CreatorMarket(SCENARIO, rng=seed, n_creators=RUN["creators"])
    model.burn_in()
    pos_exp = np.zeros(RUN["creators"])
    for _ in range(RUN["days"]):
        model.run(1)
        if model.today.entered is not None:
            pos_exp[np.asarray(model.today.entered, dtype=np.int64)] = 0.0
        pos_exp += sum(position_exposure(p) for p in model.positions.values())
    c = model.creators
    act = c.active.copy()
    day = model.market.burn_in + model.day
    runs.append({
        "active": act,
        "entertainer": np.asarray(c.entertainer)[act],
        "followers": c.followers[act].astype(float),
        "newcomer": (day - c.joined_day < NEWCOMER_DAYS)[act],
        "views": c.views[act].copy(),
        "gmv": c.gmv[act].copy(),
        "quality": c.quality[act].copy(),
        "list_views": c.list_exposure[act].copy(),
        "list_pos": pos_exp[act].copy(),
        "exclusion": {k: rescore(model, el).exclusion[act] for k, el in VARIANTS.items()},
    })
sim_seconds = time.perf_counter() - t0
print(f"{len(runs)} runs and {len(runs) * len(VARIANTS)} re-scorings in {sim_seconds:.0f} s")
assert all(r["list_pos"].sum() > 0 and r["views"].sum() > 0 for r in runs)

# %% [markdown]
# ## Exposure against merit, by group
#
# For each group: its share of the exposure divided by its share of the merit, over the
# creators on the platform at the end. One means exposure in proportion to merit; above one,
# the group gets more attention than its merit; below, less. Each seed gives one ratio; the
# figure shows their mean with its t interval over seeds (the level is in its title).


# %%
def mean_ci(x):
    """Mean over seeds and the half-width of its 95% t interval (NaN with fewer than two)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return (float(x.mean()) if x.size else math.nan), math.nan
    half = student_t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    return float(x.mean()), float(half)


EXPOSURES = {"views": "feed views", "list_pos": "list exposure (position bias)",
             "list_views": "merchants' views of list places"}
MERITS = {"gmv": "GMV", "quality": "quality"}
DECILES = 10
MIN_SHARE = 0.001  # below a tenth of a percent of the merit: no ratio (n/a)


def groups(r):
    """Group name -> mask: sellers, entertainers, follower deciles (1 = fewest followers)."""
    edges = np.quantile(r["followers"], np.linspace(0, 1, DECILES + 1)[1:-1])
    dec = np.digitize(r["followers"], edges)
    out = {"sellers": ~r["entertainer"], "entertainers": r["entertainer"]}
    out.update({f"decile {d + 1}": dec == d for d in range(DECILES)})
    return out


def ratio(r, mask, exposure, merit):
    e, m = r[exposure], r[merit]
    merit_share = m[mask].sum() / m.sum()
    # a group with almost no merit (entertainers' GMV) has no meaningful ratio
    return (e[mask].sum() / e.sum()) / merit_share if merit_share > MIN_SHARE else math.nan


GROUP_NAMES = list(groups(runs[0]))
RATIO = {(g, e, m): [ratio(r, groups(r)[g], e, m) for r in runs]
         for g in GROUP_NAMES for e in EXPOSURES for m in MERITS}
SHARE = {(g, k): [r[k][groups(r)[g]].sum() / r[k].sum() for r in runs]
         for g in GROUP_NAMES for k in (*EXPOSURES, *MERITS)}


def cell(x, fmt="{:.2f}"):
    m, h = mean_ci(x)
    if math.isnan(m):
        return "n/a"
    return fmt.format(m) + ("" if math.isnan(h) else f" ± {fmt.format(h)}")


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


fig, axes = plt.subplots(1, 2, figsize=(14, 5), sharey=False)
dx = np.arange(1, DECILES + 1)
dec_names = [f"decile {d}" for d in dx]
for ax, merit in zip(axes, MERITS, strict=True):
    for e, what in EXPOSURES.items():
        mc = np.array([mean_ci(RATIO[(g, e, merit)]) for g in dec_names])
        ax.errorbar(dx, mc[:, 0], yerr=np.nan_to_num(mc[:, 1]), marker="o", ms=3, capsize=2,
                    label=what)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_yscale("log")
    ax.set_xticks(dx)
    ax.set_xlabel("follower decile at the end (1 = fewest followers)")
    ax.set_ylabel(f"exposure share / {MERITS[merit]} share")
axes[0].legend(fontsize=8)
top_feed = mean_ci(RATIO[("decile 10", "views", "gmv")])[0]
top_list = mean_ci(RATIO[("decile 10", "list_pos", "gmv")])[0]
bot_list_q = mean_ci(RATIO[("decile 1", "list_pos", "quality")])[0]
bot_list = mean_ci(RATIO[("decile 1", "list_pos", "gmv")])[0]
feed_gmv = [mean_ci(RATIO[(g, "views", "gmv")])[0] for g in dec_names]
fig.suptitle(
    f"The feed gives every follower decile about its share of GMV ({min(feed_gmv):.2f}x to "
    f"{max(feed_gmv):.2f}x); the lists give the bottom decile {bot_list:.2f}x and the top "
    f"decile {top_list:.2f}x\n(mean over {len(SEEDS)} seeds, 95% intervals; one = exposure "
    "in proportion to merit)"
)
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "fairness_groups.png")
plt.show()

rows = [
    (g, *[cell(SHARE[(g, k)], "{:.1%}") for k in (*MERITS, *EXPOSURES)],
     *[cell(RATIO[(g, e, m)]) for e in ("views", "list_pos") for m in MERITS])
    for g in GROUP_NAMES
]
display(Markdown(
    f"Shares of each group (mean ± half-width of the 95% interval over {len(SEEDS)} seeds), "
    "then exposure share / merit share:\n\n"
    + md_table(("group", *[f"share of {v}" for v in (*MERITS.values(), *EXPOSURES.values())],
                *[f"{EXPOSURES[e]} / {MERITS[m]}" for e in ("views", "list_pos")
                  for m in MERITS]), rows)
))
ent_gmv = mean_ci(SHARE[("entertainers", "gmv")])[0]
ent_list = mean_ci(SHARE[("entertainers", "list_pos")])[0]
ent_views = mean_ci(SHARE[("entertainers", "views")])[0]
ent_quality = mean_ci(SHARE[("entertainers", "quality")])[0]
display(Markdown(
    f"Entertainers link no products: they hold {ent_gmv:.1%} of the GMV, "
    f"{ent_quality:.1%} of the quality, {ent_views:.1%} of the feed views and "
    f"{ent_list:.1%} of the list exposure."
))
# the shares of a partition add up to one, for each seed
assert all(np.isclose(sum(SHARE[(g, "views")][i] for g in dec_names), 1.0)
           for i in range(len(runs)))
assert ent_gmv <= 1e-9 or ent_gmv < mean_ci(SHARE[("sellers", "gmv")])[0]

# %% [markdown]
# ## How concentrated: Lorenz curves
#
# The share of exposure held by the least exposed fraction of creators, for feed views and
# for list exposure, with GMV for comparison; the diagonal is perfect equality. Curves are
# the mean over seeds of each seed's curve.

# %%
GRID = np.linspace(0, 1, 201)


def lorenz(x):
    x = np.sort(np.asarray(x, dtype=float))
    cum = np.concatenate([[0.0], np.cumsum(x)]) / x.sum()
    return np.interp(GRID, np.linspace(0, 1, x.size + 1), cum)


CURVES = {"views": "feed views", "list_pos": "list exposure (position bias)", "gmv": "GMV"}
GINI = {k: [float(gini(r[k])) for r in runs] for k in CURVES}
fig, ax = plt.subplots(figsize=(6.5, 6))
for k, what in CURVES.items():
    curve = np.mean([lorenz(r[k]) for r in runs], axis=0)
    ax.plot(GRID, curve, label=f"{what} (Gini {cell(GINI[k], '{:.3f}')})",
            ls="--" if k == "gmv" else "-")
ax.plot([0, 1], [0, 1], color="k", lw=0.8)
ax.set_xlabel("share of creators, least exposed first")
ax.set_ylabel("share of the total")
ax.legend(fontsize=8, loc="upper left")
unlisted = [float((r["list_pos"] == 0).mean()) for r in runs]
g_feed, g_list = mean_ci(GINI["views"])[0], mean_ci(GINI["list_pos"])[0]
ax.set_title(
    f"List exposure is {'more' if g_list > g_feed else 'less'} concentrated than feed views "
    f"(Gini {g_list:.2f} vs {g_feed:.2f});\n{np.mean(unlisted):.0%} of creators never get a "
    f"list place in {RUN['days']} days",
    fontsize=10,
)
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "fairness_lorenz.png")
plt.show()
assert all(0 <= g <= 1 for k in GINI for g in GINI[k])

# %% [markdown]
# ## Who is left off every list, and why
#
# The final engine state of each run scored again with the eligibility rule changed: each
# rule alone (the others switched off), then each threshold varied with the others as
# reported. We report the share of creators excluded among the **small** creators (the
# bottom half by followers), the **newcomers** (joined within the newcomer period) and
# everyone; with every rule as reported, also the share excluded for each reason (a creator
# can have several).

# %%
BITS = {v: k for k, v in EXCLUSION_REASONS.items()}


def who(r):
    small = r["followers"] <= np.quantile(r["followers"], 0.5)
    return {"small creators": small, "newcomers": r["newcomer"],
            "everyone": np.ones_like(small)}


def excluded(r, variant, group, bit=None):
    ex = r["exclusion"][variant]
    hit = ex != 0 if bit is None else (ex & bit) > 0
    mask = who(r)[group]
    return float(hit[mask].mean()) if mask.any() else math.nan


GROUPS_EX = ("small creators", "newcomers", "everyone")
REASONS = ("too_few_followers", "inactive", "low_fulfilment")
base = ("all rules", "as reported")
rows = [(reason, *[cell([excluded(r, base, g, BITS[reason]) for r in runs], "{:.1%}")
                   for g in GROUPS_EX]) for reason in REASONS]
rows.append(("any reason", *[cell([excluded(r, base, g) for r in runs], "{:.1%}")
                             for g in GROUPS_EX]))
rows += [(f"{k[0]} (the others off)", *[cell([excluded(r, k, g) for r in runs], "{:.1%}")
                                        for g in GROUPS_EX])
         for k in VARIANTS if k[0].startswith("only ")]
n_new = [int(r["newcomer"].sum()) for r in runs]
display(Markdown(
    f"Share excluded, mean ± half-width of the 95% interval over {len(SEEDS)} seeds "
    f"(newcomers per run: {min(n_new)}-{max(n_new)}):\n\n"
    + md_table(("reason", *GROUPS_EX), rows)
))

fig, axes = plt.subplots(1, len(THRESHOLDS), figsize=(15, 4.5), sharey=True)
for ax, (key, vals) in zip(axes, THRESHOLDS.items(), strict=True):
    xs = np.arange(len(vals))
    for g in GROUPS_EX:
        mc = np.array([mean_ci([excluded(r, (key, v), g) for r in runs]) for v in vals])
        ax.errorbar(xs, 100 * mc[:, 0], yerr=100 * np.nan_to_num(mc[:, 1]), marker="o", ms=3,
                    capsize=2, label=g)
    ax.set_xticks(xs, [("off" if v == OFF[key] else f"{v:g}") for v in vals])
    ax.set_xlabel(f"{key} (as reported: {getattr(EL, key):g})")
axes[0].set_ylabel("excluded from every list (% of the group)")
axes[0].legend(fontsize=8)
share_by = {reason: mean_ci([excluded(r, base, "small creators", BITS[reason])
                             for r in runs])[0] for reason in REASONS}
driver = max(share_by, key=share_by.get)
new_by = {reason: mean_ci([excluded(r, base, "newcomers", BITS[reason]) for r in runs])[0]
          for reason in REASONS}
new_driver = max(new_by, key=lambda k: -1 if math.isnan(new_by[k]) else new_by[k])
# is the leading reason for small creators ahead of the next one beyond the seeds' noise?
ci_by = {reason: mean_ci([excluded(r, base, "small creators", BITS[reason]) for r in runs])
         for reason in REASONS}
second = sorted(REASONS, key=share_by.get)[-2]
clear = ci_by[driver][0] - ci_by[driver][1] > ci_by[second][0] + ci_by[second][1]
small_text = (f"'{driver}' excludes the most small creators ({share_by[driver]:.0%} of the "
              "bottom follower half)" if clear else
              f"'{driver}' and '{second}' each exclude about as many small creators "
              f"({share_by[driver]:.0%} and {share_by[second]:.0%} of the bottom follower half)")
fig.suptitle(
    f"{small_text}; '{new_driver}' excludes the most newcomers ({new_by[new_driver]:.0%})\n"
    f"each threshold varied, the others as reported; mean over {len(SEEDS)} seeds, 95% "
    "intervals"
)
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "fairness_eligibility.png")
plt.show()
# switching a rule off can only let creators back on: exclusion never rises
for key, vals in THRESHOLDS.items():
    for r in runs:
        off = excluded(r, (key, OFF[key]), "everyone")
        assert all(off <= excluded(r, (key, v), "everyone") + 1e-12 for v in vals), key
# a higher follower minimum excludes at least as many creators
for r in runs:
    seq = [excluded(r, ("min_followers", v), "everyone") for v in THRESHOLDS["min_followers"]]
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(seq)), seq

# %% [markdown]
# ## What this shows, and what it does not
#
# The facts the text states are asserted first, so the text cannot outlive them.

# %%
runtime = time.perf_counter() - T_START
fol_ex = {v: mean_ci([excluded(r, ("min_followers", v), "small creators") for r in runs])[0]
          for v in THRESHOLDS["min_followers"]}
facts = {
    "size": SIZE,
    "seeds": len(SEEDS),
    "creators": RUN["creators"],
    "top_feed_per_gmv": top_feed,
    "top_list_per_gmv": top_list,
    "bottom_list_per_gmv": bot_list,
    "feed_per_gmv_min": min(feed_gmv),
    "feed_per_gmv_max": max(feed_gmv),
    "bottom_list_per_quality": bot_list_q,
    "gini_feed": g_feed,
    "gini_list": g_list,
    "unlisted": float(np.mean(unlisted)),
    "small_driver": driver,
    "small_driver_share": share_by[driver],
    "small_second": second,
    "small_second_share": share_by[second],
    "small_driver_clear": bool(clear),
    "newcomer_driver": new_driver,
    "newcomer_driver_share": new_by[new_driver],
    "small_excluded_no_follower_rule": fol_ex[0],
    "small_excluded_reported": fol_ex[EL.min_followers],
    "runtime_s": runtime,
}
assert facts["small_excluded_no_follower_rule"] <= facts["small_excluded_reported"] + 1e-12
assert facts["small_driver_share"] == max(share_by.values()) >= facts["small_second_share"]
# the text's contrast: the lists give the bottom follower decile less than the feed does
assert facts["bottom_list_per_gmv"] < mean_ci(RATIO[("decile 1", "views", "gmv")])[0], facts
f = facts
above = [g.split()[-1] for g in dec_names
         if mean_ci(RATIO[(g, "list_pos", "gmv")])[0] > 1]
above_text = ("no decile gets more than its GMV share of list exposure" if not above else
              f"deciles {', '.join(above)} get more than their GMV share")
overlap_text = "" if f["small_driver_clear"] else (
    f", about as often as *{f['small_second']}* ({f['small_second_share']:.0%}; the "
    "intervals over seeds overlap)"
)
display(Markdown(
    f"""* **Exposure against merit.** Per unit of GMV, feed views go to the follower deciles in
  about their share ({f['feed_per_gmv_min']:.2f} to {f['feed_per_gmv_max']:.2f} times it;
  the top decile {f['top_feed_per_gmv']:.2f}). List exposure does not: the bottom decile
  gets {f['bottom_list_per_gmv']:.2f} times its GMV share ({f['bottom_list_per_quality']:.3f}
  times its quality share), the top decile {f['top_list_per_gmv']:.2f} times its GMV share,
  {above_text}. The intervals over seeds are in the table above.
* **Concentration.** The Gini of list exposure is {f['gini_list']:.2f}, that of feed views
  {f['gini_feed']:.2f}; {f['unlisted']:.0%} of creators get no list place at all in the
  {RUN['days']} reported days.
* **Eligibility.** With the rules as reported, the most frequent reason small creators are
  left off is *{f['small_driver']}* ({f['small_driver_share']:.0%} of the bottom follower
  half){overlap_text}; for newcomers it is *{f['newcomer_driver']}*
  ({f['newcomer_driver_share']:.0%}).
  Without a follower minimum {f['small_excluded_no_follower_rule']:.0%} of small creators are
  excluded, against {f['small_excluded_reported']:.0%} with the reported
  {EL.min_followers:,}.
* **What it does not show.** One learning rule, one calibration point; the thresholds of
  M12 are assumed (M13a), so the threshold curves say what each value would do, not which
  one the platform used. Exposure here is the model's: feed views follow its attention
  model, and list exposure weights every list equally.

This notebook ran in {f['runtime_s']:.0f} s (size {f['size']}: {f['creators']:,} creators,
{f['seeds']} seeds) on a shared two-core machine."""
))
