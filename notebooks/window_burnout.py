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
import math
import os
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from sim.data import scenario_path
from sim.experiments import RULES, paired_difference, robustness_label, run_seeds, summarise
from sim.experiments.rules import load_posterior, make_settings
from sim.incentive import INCENTIVE_EVERY, NEWCOMER_DAYS, payoff_incentive
from sim.io import write_png
from sim.model import CreatorMarket
from sim.recorder import LAST_DAYS
from sim.run import run_scenario
from sim.scenario import Scenario

SIZES = {
    # burn_in: days simulated before the reported days (at most the scenario's own)
    "full": {"creators": 300, "burn_in": 150, "days": 90, "seeds": 5, "rules": RULES},
    "small": {"creators": 80, "burn_in": 14, "days": 45, "seeds": 3,
              "rules": ("gradient", "none")},
}
SIZE = os.environ.get("CREATORSIM_SIZE", "full")
assert SIZE in SIZES, f"CREATORSIM_SIZE={SIZE!r} is not allowed: one of {', '.join(SIZES)}"
RUN = SIZES[SIZE]
ROOT_SEED = 13
FIGURES = Path("..") / "docs" / "figures"  # the full-size figures are saved there
# the calibration's record (posterior median, q05, q95 of every fitted key), once it exists
POSTERIOR_FILE = "scenarios/targets/creator_economy.calibration.json"
T_START = time.perf_counter()
warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)  # an all-NaN arm
print(f"size {SIZE}: {RUN}")

# %% [markdown]
# # The sample deadline and burnout
#
# The press reported that TikTok Shop gives a creator who receives a free sample from a
# merchant a fixed number of days to feature it, counted from the day the merchant ships it,
# and that a creator who misses too many deadlines loses standing on the lists merchants
# read, or is left off them. TikTok Shop's later rules count from delivery and allow one
# extension. This notebook is for an analyst weighing a change to that rule: how long the
# window should be, when its clock should start, whether to allow the extension, how long a
# featuring video must stay up and how long a livestream must show the product.
#
# For each version of the rule we measure, on the same simulated creators:
#
# * how many samples are featured in time (the **fulfilment rate**) and how many only in the
#   last days of their window (**last-minute** fulfilment);
# * how much creators work relative to the hours they can sustain (**workload / capacity**);
# * **burnout**: the share of creators burnt out, burnout episodes and creators who quit;
# * the **burnout incentive**: what one more video a day pays a creator, in currency a day,
#   and how much of it comes through the lists, for sellers, entertainers, follower groups
#   and newcomers.
#
# Every effect is a paired difference against the reported rule on the same seeds, with its
# interval over seeds, and it is repeated under every learning rule the model's creators can
# follow; its label says whether it survives them all.

# %%
BASE_FILE = scenario_path("reported_2022")
BASE = Scenario.from_toml(BASE_FILE)
FR = BASE.scoring.fulfilment
BURN_IN = min(RUN["burn_in"], BASE.model.time.burn_in_days)
SIZE_VALUES = {"population.creators": RUN["creators"], "time.burn_in_days": BURN_IN}
NONE_DAYS = 365  # the longest window the engine allows: no deadline falls in the reported days
KEY = "scoring.fulfilment."
WINDOWS = (7, 10, 14, FR.window_days, 21, 30)
# arm label -> scenario values changed from the reported rule
ARMS = {f"{w} days": ({} if w == FR.window_days else {KEY + "window_days": w}) for w in WINDOWS}
BASE_ARM = f"{FR.window_days} days"
ARMS["no deadline"] = {KEY + "window_days": NONE_DAYS}
ARMS["from delivery"] = {KEY + "clock_start": "delivered"}
ARMS["+7-day extension"] = {KEY + "extension_days": 7}
ARMS["delivery + extension"] = {KEY + "clock_start": "delivered", KEY + "extension_days": 7}
ARMS["video up 7 days"] = {KEY + "retention_days": 7}
ARMS["live 30 minutes"] = {KEY + "live_continuous_minutes": 30}
WINDOW_ARMS = [f"{w} days" for w in WINDOWS] + ["no deadline"]
RULE_ARMS = [a for a in ARMS if a not in WINDOW_ARMS]
SCENARIOS = {a: BASE.with_values({**SIZE_VALUES, **v}) for a, v in ARMS.items()}
SEEDS = [int(s) for s in run_seeds(ROOT_SEED, RUN["seeds"])[0]]

posterior_path = Path("..") / POSTERIOR_FILE
POSTERIOR = load_posterior(posterior_path) if posterior_path.exists() else None
if POSTERIOR is None:
    SETTINGS = make_settings(BASE, rules=RUN["rules"])
else:  # every rule at the posterior median; the gradient rule also at q05 and q95
    SETTINGS = make_settings(BASE, rules=RUN["rules"], posterior=POSTERIOR, at=("q05", "q95"),
                             at_rules=("gradient",), source=POSTERIOR_FILE)
# the posterior's corners are run for the main contrasts only (the runtime)
CORNER_ARMS = [BASE_ARM, "7 days", "30 days", "no deadline", "delivery + extension"]
# run under the first setting only: the last cell checks that its runs equal the base's
FIRST_ONLY = ["live 30 minutes"]


def arms_of(setting):
    if setting.point not in (None, "median"):
        return CORNER_ARMS
    return [a for a in ARMS if setting is SETTINGS[0] or a not in FIRST_ONLY]


n_runs = sum(len(arms_of(s)) for s in SETTINGS) * len(SEEDS)
display(Markdown(
    f"The base is `scenarios/{BASE_FILE.name}`, the reported rule (M10): **{FR.window_days} "
    f"days from shipping**, no extension, a featuring video up **{FR.retention_days} days** "
    f"straight or a livestream showing the product for **{FR.live_continuous_minutes} "
    f"continuous minutes**. Each variant changes one thing (two for *delivery + extension*, "
    f"the later official reading, O2): window lengths of "
    f"{', '.join(str(w) for w in WINDOWS if w != FR.window_days)} days; *no deadline*, a window of "
    f"{NONE_DAYS} days, the longest the engine takes, so that no deadline of a sample shipped "
    f"in the reported days falls inside them; the clock started at delivery; the "
    f"{ARMS['+7-day extension'][KEY + 'extension_days']}-day extension; a video kept up "
    f"{ARMS['video up 7 days'][KEY + 'retention_days']} days; a livestream of "
    f"{ARMS['live 30 minutes'][KEY + 'live_continuous_minutes']} minutes. "
    f"{RUN['creators']:,} creators, {BURN_IN} days of burn-in (creators adapt their effort to "
    f"the rule in force) then {RUN['days']} reported days, {len(SEEDS)} seeds (the same for "
    f"every arm). Settings (learning rule, and posterior point when there is a record): "
    + ", ".join(f"`{s.label}`" for s in SETTINGS)
    + (f" (posterior from `{POSTERIOR_FILE}`; its q05 and q95 corners for "
       f"{', '.join(CORNER_ARMS)} only)" if POSTERIOR else
       f" (no calibration record `{POSTERIOR_FILE}` in this checkout: the posterior is "
       "not varied)")
    + f"; the livestream variant under `{SETTINGS[0].label}` only: {n_runs} runs."
))

# %% [markdown]
# ## The runs
#
# Each run is the model driven day by day through its public interface. The daily table is
# reduced to the outcomes every experiment of the toolkit uses (`sim.experiments.summarise`:
# means over the reported days, totals of events, last-day values). The weekly burnout
# incentive columns (`incentive_*`) are averaged over the reported days, and on the last day
# the incentive of every creator is taken once more (`sim.incentive.payoff_incentive`) to
# split it by follower decile. One run is repeated through `sim.run.run_scenario`, the
# toolkit's entry point, and must give the same outcomes.

# %%
OUTCOMES = {  # outcome -> (what it is, unit)
    "fulfilment_rate_final": ("fulfilment rate", "share of decided samples"),
    "last_minute_share_mean": ("last-minute fulfilment", "share of fulfilments"),
    "workload_mean_mean": ("workload / capacity", "hours worked / sustainable hours"),
    "overload_share_mean": ("creators above capacity", "share of creators"),
    "burnt_out_share_mean": ("creators burnt out", "share of creators"),
    "burnouts_today_total": ("burnout episodes", "episodes per run"),
    "exits_today_total": ("creators who quit", "creators per run"),
}
GROUPS = {  # group -> (daily column of the total incentive, of its part through the lists)
    "all": ("incentive_mean", "incentive_lists_mean"),
    "sellers": ("incentive_sellers", "incentive_lists_sellers"),
    "entertainers": ("incentive_entertainers", "incentive_lists_entertainers"),
    "top follower decile": ("incentive_top_decile", "incentive_lists_top_decile"),
    "bottom follower half": ("incentive_bottom_half", "incentive_lists_bottom_half"),
    "newcomers": ("incentive_newcomers", "incentive_lists_newcomers"),
    "overloaded": ("incentive_overloaded", "incentive_lists_overloaded"),
}
DECILES = 10


def one_run(scenario, seed):
    """Outcomes of one run: the summary, the weekly incentive by group, last-day deciles."""
    model = CreatorMarket(scenario, rng=seed, n_creators=RUN["creators"])
    model.burn_in()
    model.run(RUN["days"])
    daily = model.daily_table()
    out = summarise(daily, burn_in_days=0)  # the burn-in is already left out
    for group, (total, lists) in GROUPS.items():
        out[f"inc {group}"] = float(np.nanmean(daily[total]))
        out[f"inc lists {group}"] = float(np.nanmean(daily[lists]))
    for col in ("burnt_out_share_sellers", "burnt_out_share_entertainers"):
        out[col] = float(np.nanmean(daily[col]))
    parts = payoff_incentive(model.market, params=model.params)
    c = model.creators
    act = c.active
    fol = c.followers[act]
    edges = np.quantile(fol, np.linspace(0, 1, DECILES + 1)[1:-1])
    dec = np.digitize(fol, edges)
    for part in ("total", "lists"):
        v = parts[part][act]
        out[f"decile {part}"] = np.array(
            [v[dec == d].mean() if (dec == d).any() else np.nan for d in range(DECILES)]
        )
    return out


R = {}  # (setting label, arm) -> list over seeds of one_run's dict


def run_settings(settings):
    """Run every arm of ``settings`` on every seed into ``R``; the seconds it took."""
    t0 = time.perf_counter()
    for setting in settings:
        for arm in arms_of(setting):
            R[(setting.label, arm)] = [one_run(setting.apply(SCENARIOS[arm]), s) for s in SEEDS]
    return time.perf_counter() - t0


LABELS = [s.label for s in SETTINGS]
MAIN = LABELS[0]  # the first rule (gradient), at the posterior median when there is one
RULE_SETTINGS = [s for s in SETTINGS if s.point in (None, "median")]
sim_seconds = run_settings(RULE_SETTINGS)
print(f"learning rules: {len(R) * len(SEEDS)} runs in {sim_seconds:.0f} s")

# %%
# the posterior's corners (none without a calibration record)
corner_seconds = run_settings([s for s in SETTINGS if s not in RULE_SETTINGS])
sim_seconds += corner_seconds
print(f"posterior corners: {corner_seconds:.0f} s; all: {len(R) * len(SEEDS)} runs")
# the runs are those of the public entry point: one of them again through run_scenario
check = run_scenario(SETTINGS[0].apply(SCENARIOS[BASE_ARM]), seed=SEEDS[0], days=RUN["days"],
                     progress=False)
again = summarise(check.daily, burn_in_days=0)
mine = R[(MAIN, BASE_ARM)][0]
assert all(np.isclose(again[k], mine[k], equal_nan=True, rtol=0, atol=0) for k in again), again

# %% [markdown]
# ## Paired differences and their robustness
#
# For each setting, variant and outcome: the mean over seeds of the variant minus the
# reported rule, with its t interval over seeds (`sim.experiments.paired_difference`), then
# the label across the settings (`sim.experiments.robustness_label`): *robust* when every
# setting's interval excludes zero on the same side, *conditional* when only some do (the
# label names them), *not found* when none does.


# %%
def values(label, arm, key):
    return np.array([r[key] for r in R[(label, arm)]], dtype=float)


def diff(label, arm, key):
    d = paired_difference(values(label, BASE_ARM, key), values(label, arm, key))
    return {**d, "setting": label}


def settings_of(arm):
    return [s.label for s in SETTINGS if arm in arms_of(s)]


def label_of(arm, key):
    rows = [diff(lab, arm, key) for lab in settings_of(arm)]
    if all(math.isnan(r["difference"]) for r in rows):
        return "not defined"  # e.g. no fulfilment rate where no deadline passes
    return robustness_label(rows)


def fmt(x, key):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if key.endswith("_total"):
        return f"{x:+.1f}"
    if key.startswith("inc"):
        return f"{x:+.3f}"
    return f"{100 * x:+.1f} pt"


def cell(d, key):
    if d["n"] < 2 or math.isnan(d["difference"]):
        return "n/a"
    if d["constant"]:
        return f"{fmt(d['difference'], key)} (exact)"
    return f"{fmt(d['difference'], key)} [{fmt(d['ci_low'], key)}, {fmt(d['ci_high'], key)}]"


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


VARIANTS = [a for a in ARMS if a != BASE_ARM]
LAB = {(a, k): label_of(a, k) for a in VARIANTS for k in OUTCOMES}
base_rows = [
    (OUTCOMES[k][0], OUTCOMES[k][1],
     f"{np.nanmean(values(MAIN, BASE_ARM, k)):.3g}" if k.endswith("_total")
     else f"{np.nanmean(values(MAIN, BASE_ARM, k)):.1%}")
    for k in OUTCOMES
]
display(Markdown(
    f"**The reported rule** (`{MAIN}`, mean over seeds):\n\n"
    + md_table(("outcome", "unit", BASE_ARM), base_rows)
    + "\n\nWorkload is the hours worked as a share of the hours a creator can sustain (one "
    "hundred percent: exactly the sustainable hours). In the tables below, differences of "
    "shares are in percentage points (pt)."
))
for k in OUTCOMES:
    rows = [(a, *[cell(diff(lab, a, k), k) if a in arms_of(s) else "" for lab, s in
                  zip(LABELS, SETTINGS, strict=True)], LAB[(a, k)]) for a in VARIANTS]
    display(Markdown(
        f"**{OUTCOMES[k][0]}** (`{k}`), variant minus {BASE_ARM}, 95% interval over "
        f"{len(SEEDS)} seeds, under each learning rule:\n\n"
        + md_table(("variant", *[f"rule {lab}" for lab in LABELS], "label"), rows)
    ))

# %% [markdown]
# ## Fulfilment: the window and the clock
#
# How many samples are featured in time, and how many at the last moment, as the window
# grows. Each line is a learning rule; bars are the interval over seeds of the mean.


# %%
def mean_ci(x):
    x = x[~np.isnan(x)]
    if x.size < 2:
        return (float(x.mean()) if x.size else math.nan), math.nan
    from scipy.stats import t

    return float(x.mean()), float(t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))


rule_labels = [s.label for s in RULE_SETTINGS]
xs = np.arange(len(WINDOW_ARMS))
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
for ax, key in zip(axes, ("fulfilment_rate_final", "last_minute_share_mean"), strict=True):
    for i, lab in enumerate(rule_labels):
        m = np.array([mean_ci(values(lab, a, key)) for a in WINDOW_ARMS])
        ax.errorbar(xs + 0.06 * (i - 1.5), m[:, 0], yerr=m[:, 1], marker="o", ms=4,
                    capsize=2, label=f"learning rule {lab}")
    ax.set_xticks(xs, [a.replace(" days", "") for a in WINDOW_ARMS])
    ax.set_title("mean over seeds, 95% interval", fontsize=9)
    ax.set_xlabel("window to feature a sample (days from shipping)")
    ax.set_ylabel(f"{OUTCOMES[key][0]} ({OUTCOMES[key][1]})")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v:.0%}"))
    ax.axvline(WINDOW_ARMS.index(BASE_ARM), color="0.7", ls=":", lw=1)
axes[0].legend(fontsize=8, loc="lower right")
fr_m = {a: np.nanmean(values(MAIN, a, "fulfilment_rate_final")) for a in WINDOW_ARMS}
lm_m = {a: np.nanmean(values(MAIN, a, "last_minute_share_mean")) for a in WINDOW_ARMS}
fig.suptitle(
    f"Fulfilment rate rises from {fr_m['7 days']:.0%} (7-day window) to {fr_m[BASE_ARM]:.0%} "
    f"({BASE_ARM}) and {fr_m['30 days']:.0%} (30 days); last-minute fulfilment "
    f"{lm_m['7 days']:.0%} -> {lm_m['30 days']:.0%}  ({MAIN})"
)
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "window_fulfilment.png")
plt.show()
none_fr = values(MAIN, "no deadline", "fulfilment_rate_final")
display(Markdown(
    f"Means over {len(SEEDS)} seeds under the `{MAIN}` rule. With no deadline "
    + ("no sample shipped in the reported days is decided as missed, so the fulfilment rate "
       "is not defined (n/a in the tables)" if np.isnan(none_fr).all()
       else f"the rate is {np.nanmean(none_fr):.0%}")
    + ". The fulfilment rate counts samples shipped since the first reported day whose "
    f"deadline has passed; a fulfilment is last-minute when it is decided in the last "
    f"{LAST_DAYS} days before its deadline."
))
# a longer window lets more samples in on time: the rate of 30 days is above that of 7
assert fr_m["7 days"] < fr_m["30 days"], fr_m

# %% [markdown]
# ## Workload and burnout: every variant against the reported rule
#
# Each marker is a paired difference (variant minus the reported rule) under one setting,
# with its interval over seeds. A marker whose bar crosses zero is an effect the runs cannot
# tell from no effect.

# %%
BURN_KEYS = ("workload_mean_mean", "overload_share_mean", "burnt_out_share_mean",
             "exits_today_total")
fig, axes = plt.subplots(1, len(BURN_KEYS), figsize=(15, 5.5), sharey=True)
ys = np.arange(len(VARIANTS))
markers = "osD^vP*X"
for ax, key in zip(axes, BURN_KEYS, strict=True):
    scale = 1.0 if key.endswith("_total") else 100.0
    for i, lab in enumerate(LABELS):
        arms = [a for a in VARIANTS if a in arms_of(SETTINGS[i])]
        d = [diff(lab, a, key) for a in arms]
        y = np.array([VARIANTS.index(a) for a in arms]) + 0.1 * (i - (len(LABELS) - 1) / 2)
        mid = np.array([r["difference"] for r in d]) * scale
        lo = np.array([r["ci_low"] for r in d]) * scale
        hi = np.array([r["ci_high"] for r in d]) * scale
        ax.errorbar(mid, y, xerr=[np.nan_to_num(mid - lo), np.nan_to_num(hi - mid)],
                    fmt=markers[i % len(markers)], ms=4, capsize=2, label=lab)
    ax.axvline(0, color="k", lw=0.8)
    unit = OUTCOMES[key][1] if key.endswith("_total") else "percentage points"
    ax.set_xlabel(f"difference in {OUTCOMES[key][0]}\n({unit})")
axes[0].set_yticks(ys, VARIANTS)
axes[0].invert_yaxis()
axes[-1].legend(title="learning rule", fontsize=8, loc="lower right")
found = {k: [a for a in VARIANTS if LAB[(a, k)] not in ("not found", "constant", "not defined")]
         for k in OUTCOMES}
burnt_found = found["burnt_out_share_mean"]
robust_burnt = [a for a in VARIANTS if LAB[(a, "burnt_out_share_mean")] == "robust"]
burnt_bound = max(
    max(abs(r["ci_low"]), abs(r["ci_high"]))
    for a in VARIANTS for r in [diff(MAIN, a, "burnt_out_share_mean")]
    if not math.isnan(r["ci_low"])
)
title = (
    f"No change to the sample rule moves the burnt-out share under every learning rule "
    f"(intervals within ±{100 * burnt_bound:.1f} points under {MAIN})"
    if not robust_burnt else
    f"The burnt-out share moves in every setting under {', '.join(robust_burnt)}"
)
fig.suptitle(f"{title}\nvariant minus {BASE_ARM} from shipping, paired on the same "
             f"{len(SEEDS)} seeds; 95% intervals")
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "window_burnout.png")
plt.show()


def describe(k):
    rows = found[k]
    if not rows:
        return f"* **{OUTCOMES[k][0]}**: no variant's effect is found in any setting."
    return f"* **{OUTCOMES[k][0]}**: " + "; ".join(
        f"{a} {fmt(diff(MAIN, a, k)['difference'], k)} in `{MAIN}` ({LAB[(a, k)]})"
        for a in rows
    ) + "; every other variant: not found."


WORK_KEYS = (*BURN_KEYS, "burnouts_today_total")
intervals = [diff(lab, a, k) for k in WORK_KEYS for a in VARIANTS if a not in FIRST_ONLY
             for lab in settings_of(a)]
tested = [r for r in intervals if not (r["constant"] or math.isnan(r["ci_low"]))]
excluding = sum(1 for r in tested if r["ci_low"] > 0 or r["ci_high"] < 0)
robust_work = [(a, k) for k in WORK_KEYS for a in VARIANTS if LAB[(a, k)] == "robust"]
display(Markdown(
    f"Of the {len(tested)} intervals above on workload and burnout (every variant but the "
    f"livestream's, every outcome of the figure and the burnout episodes, every setting), "
    f"{excluding} exclude zero; at the 95% level about {0.05 * len(tested):.0f} would by "
    "chance alone, so a *conditional* label held under one setting is weak evidence. "
    + ("No variant's effect on them is robust." if not robust_work else
       "Robust: " + "; ".join(f"{a} on {OUTCOMES[k][0]}" for a, k in robust_work) + ".")
    + "\n\n" + "\n".join(describe(k) for k in WORK_KEYS)
))
assert all(lab in ("robust", "not found", "constant", "contradictory", "not defined")
           or lab.startswith("conditional: under ") for lab in LAB.values())

# %% [markdown]
# ## The burnout incentive by creator group
#
# What one more video a day pays a creator, in currency a day, measured every week of the
# reported days and averaged: the whole payoff (the video's own sales commission plus what it
# brings through the lists) and the part that comes through the lists. The reported rule
# against a short window, a long one and none, under the first learning rule.

# %%
SHOW = ["7 days", BASE_ARM, "30 days", "no deadline", "delivery + extension"]
names = list(GROUPS)
fig, axes = plt.subplots(1, 2, figsize=(14, 4.8))
width = 0.8 / len(SHOW)
for ax, prefix, what in ((axes[0], "inc ", "whole payoff"), (axes[1], "inc lists ",
                                                             "part through the lists")):
    for j, arm in enumerate(SHOW):
        m = np.array([mean_ci(values(MAIN, arm, prefix + g)) for g in names])
        ax.bar(np.arange(len(names)) + (j - (len(SHOW) - 1) / 2) * width, m[:, 0], width,
               yerr=np.nan_to_num(m[:, 1]), capsize=2, label=arm)
    ax.set_xticks(np.arange(len(names)), names, rotation=20, ha="right")
    ax.set_ylabel(f"one more video a day: {what}\n(currency per day)")
axes[0].legend(title="sample window", fontsize=8)
inc = {g: np.nanmean(values(MAIN, BASE_ARM, "inc " + g)) for g in names}
inc_l = {g: np.nanmean(values(MAIN, BASE_ARM, "inc lists " + g)) for g in names}
list_part = inc_l["all"] / inc["all"] if inc["all"] > 0 else math.nan
fig.suptitle(
    f"One more video a day pays sellers {inc['sellers']:.2f} a day and entertainers "
    f"{inc['entertainers']:.2f}; {list_part:.1%} of it comes through the lists ({BASE_ARM}, "
    f"{MAIN}; 95% intervals over seeds)"
)
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "window_incentive_groups.png")
plt.show()

INC_KEYS = [f"inc {g}" for g in names] + [f"inc lists {g}" for g in names]
INC_LAB = {(a, k): label_of(a, k) for a in SHOW if a != BASE_ARM for k in INC_KEYS}
rows = [
    (k.replace("inc lists ", "through the lists: ").replace("inc ", "whole payoff: "),
     f"{np.nanmean(values(MAIN, BASE_ARM, k)):.3f}",
     *[f"{cell(diff(MAIN, a, k), k)} ({INC_LAB[(a, k)]})" for a in SHOW if a != BASE_ARM])
    for k in INC_KEYS
]
display(Markdown(
    f"Currency per day for one more video a day; {BASE_ARM}: the mean over seeds under "
    f"`{MAIN}`; the other columns the paired difference in `{MAIN}` [95% interval] and, in "
    f"brackets, its label across the settings. Newcomers joined within {NEWCOMER_DAYS} days; "
    f"measured every {INCENTIVE_EVERY} days.\n\n"
    + md_table(("group", BASE_ARM, *[a for a in SHOW if a != BASE_ARM]), rows)
))
BURNT_GROUPS = {"burnt_out_share_sellers": "sellers", "burnt_out_share_entertainers":
                "entertainers"}
rows = [
    (g, f"{np.nanmean(values(MAIN, BASE_ARM, k)):.2%}",
     *[f"{cell(diff(MAIN, a, k), k)} ({label_of(a, k)})" for a in SHOW if a != BASE_ARM])
    for k, g in BURNT_GROUPS.items()
]
display(Markdown(
    "The share of each group burnt out, mean over the reported days; the same columns:\n\n"
    + md_table(("burnt out", BASE_ARM, *[a for a in SHOW if a != BASE_ARM]), rows)
))
# entertainers link no products: one more video pays them no commission, nor list offers
assert inc["entertainers"] <= inc["sellers"], inc
assert all(np.nanmean(values(MAIN, a, "inc lists all")) <= np.nanmean(values(MAIN, a, "inc all"))
           + 1e-12 for a in SHOW)

# %% [markdown]
# ### By follower decile, on the last day
#
# The same payoff for every creator on the last reported day, grouped by follower decile
# (one is the tenth with the fewest followers).

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), sharex=True)
dx = np.arange(1, DECILES + 1)
for ax, part, what in ((axes[0], "total", "whole payoff"),
                       (axes[1], "lists", "part through the lists")):
    for arm in SHOW:
        stack = np.vstack([r[f"decile {part}"] for r in R[(MAIN, arm)]])
        m = np.nanmean(stack, axis=0)
        half = np.array([mean_ci(stack[:, d])[1] for d in range(DECILES)])
        ax.errorbar(dx, m, yerr=np.nan_to_num(half), marker="o", ms=3, capsize=2, label=arm)
    ax.set_xticks(dx)
    ax.set_xlabel("follower decile on the last day (1 = fewest followers)")
    ax.set_ylabel(f"one more video a day: {what}\n(currency per day)")
axes[1].legend(title="sample window", fontsize=8)
dec_base = np.nanmean(np.vstack([r["decile total"] for r in R[(MAIN, BASE_ARM)]]), axis=0)
top_over_bottom = dec_base[-1] / dec_base[0] if dec_base[0] > 0 else math.inf
fig.suptitle(
    f"The top follower decile gets {dec_base[-1]:.2f} a day for one more video, the bottom "
    f"decile {dec_base[0]:.2f} ({BASE_ARM}, {MAIN}, mean over {len(SEEDS)} seeds)"
)
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "window_incentive_deciles.png")
plt.show()
assert np.all(np.isfinite(dec_base)) and np.all(dec_base >= 0), dec_base

# %% [markdown]
# ## What this shows, and what it does not
#
# The facts the text states are asserted first, so the text cannot outlive them.

# %%
runtime = time.perf_counter() - T_START
live_identical = all(
    np.array_equal(values(lab, "live 30 minutes", k), values(lab, BASE_ARM, k), equal_nan=True)
    for lab in settings_of("live 30 minutes") for k in OUTCOMES
)
d7 = diff(MAIN, "7 days", "fulfilment_rate_final")
d30 = diff(MAIN, "30 days", "fulfilment_rate_final")
dclock = diff(MAIN, "delivery + extension", "fulfilment_rate_final")
facts = {
    "size": SIZE,
    "seeds": len(SEEDS),
    "creators": RUN["creators"],
    "settings": len(SETTINGS),
    "posterior": POSTERIOR is not None,
    "fulfilment_7": fr_m["7 days"],
    "fulfilment_base": fr_m[BASE_ARM],
    "fulfilment_30": fr_m["30 days"],
    "fulfilment_7_label": LAB[("7 days", "fulfilment_rate_final")],
    "fulfilment_30_label": LAB[("30 days", "fulfilment_rate_final")],
    "fulfilment_clock_label": LAB[("delivery + extension", "fulfilment_rate_final")],
    "last_minute_7": lm_m["7 days"],
    "last_minute_30": lm_m["30 days"],
    "burnt_found": len(burnt_found),
    "burnt_robust": len(robust_burnt),
    "burnt_bound": burnt_bound,
    "intervals": len(tested),
    "excluding": excluding,
    "robust_work": "; ".join(f"{a} on {OUTCOMES[k][0]}" for a, k in robust_work) or "none",
    "incentive_sellers": inc["sellers"],
    "incentive_entertainers": inc["entertainers"],
    "incentive_list_part": list_part,
    "live_identical": live_identical,
    "runtime_s": runtime,
}
assert facts["fulfilment_7"] < facts["fulfilment_30"], facts
assert d7["difference"] < d30["difference"], (d7, d30)
# the livestream's length changes no run: the model's creators stream as long as the rule asks
assert facts["live_identical"] == all(
    np.array_equal(values(lab, "live 30 minutes", k), values(lab, BASE_ARM, k), equal_nan=True)
    for lab in settings_of("live 30 minutes") for k in OUTCOMES
), facts
assert facts["incentive_entertainers"] <= facts["incentive_sellers"], facts


def points(d):
    """``12.3 points lower`` / ``higher``: a difference of shares in percentage points."""
    word = "lower" if d["difference"] < 0 else "higher"
    return f"{abs(100 * d['difference']):.1f} points {word}"


def found_text(k):
    a = found[k]
    return ("not found for any variant" if not a else
            "; ".join(f"{x} ({LAB[(x, k)]})" for x in a))


f = facts
live_text = (
    f"A livestream of {ARMS['live 30 minutes'][KEY + 'live_continuous_minutes']} minutes "
    f"instead of the reported {FR.live_continuous_minutes} changes no run at all: the model's "
    "creators show the product for as long as the rule asks, or for a short segment that "
    "fails under any length, so this lever is inert here by construction."
    if f["live_identical"] else
    "The livestream's length changes the runs: see its rows in the tables."
)
display(Markdown(
    f"""* **The window sets the fulfilment rate, mechanically.** Under `{MAIN}` a 7-day window
  gives a fulfilment rate {points(d7)} than the reported
  {FR.window_days} days ({f['fulfilment_7']:.0%} against {f['fulfilment_base']:.0%},
  interval {cell(d7, 'x')}; label across the {f['settings']} settings:
  **{f['fulfilment_7_label']}**), a 30-day window {points(d30)}
  ({f['fulfilment_30']:.0%}, **{f['fulfilment_30_label']}**). Counting from delivery with the
  extension, as the later official rule does: {cell(dclock, 'x')}
  (**{f['fulfilment_clock_label']}**). Last-minute fulfilment goes from
  {f['last_minute_7']:.0%} of fulfilments (7 days) to {f['last_minute_30']:.0%} (30 days).
* **Workload and burnout.** {f['excluding']} of {f['intervals']} intervals exclude zero
  (about {0.05 * f['intervals']:.0f} would by chance); robust effects:
  {f['robust_work']}. Creators above capacity: {found_text('overload_share_mean')}.
  Workload / capacity: {found_text('workload_mean_mean')}. Burnt-out share:
  {found_text('burnt_out_share_mean')}. Creators who quit: {found_text('exits_today_total')}.
  {live_text}
  *Not found* is not *no effect*: the intervals of the figure bound how large an effect these
  {f['seeds']} seeds of {f['creators']:,} creators could have missed.
* **The burnout incentive.** One more video a day pays a seller
  {f['incentive_sellers']:.2f} a day and an entertainer {f['incentive_entertainers']:.2f} under
  the reported rule; {f['incentive_list_part']:.1%} of the average payoff comes through the
  lists, the rest is the video's own commission. The tables above give each group's change
  under each window with its label.
* **What it does not show.** The window is the only thing that changes between arms; the
  creators learn the rule in the burn-in, not the history of a rule change. A window of
  {NONE_DAYS} days stands in for *no rule*: samples still count once featured. The model's
  parameters are partly assumed (`docs/model.md`){'' if f['posterior'] else
  ', and this run does not vary the calibration posterior (no record in this checkout)'}.

This notebook ran in {f['runtime_s']:.0f} s (size {f['size']}: {f['creators']:,} creators,
{f['seeds']} seeds, {f['settings']} settings, {n_runs} runs) on a shared two-core machine."""
))
