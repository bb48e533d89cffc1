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
# or full (the default, the committed outputs). Every number in the text below is computed in
# this notebook from the runs it makes.
import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from sim.data import scenario_path
from sim.experiments import paired_difference, robustness_label, run_seeds, summarise
from sim.experiments.rules import RULES, load_posterior, make_settings
from sim.io import write_png
from sim.model import CreatorMarket
from sim.outcomes import concentration
from sim.run import run_scenario
from sim.scenario import Scenario

SIZES = {
    # burn_in: days simulated before day 0 (not reported); days: reported days; cohort: the
    # days newcomers may join on to be followed for `follow` days (cohort + follow = days)
    "full": {"creators": 1500, "burn_in": 240, "days": 150, "follow": 90, "seeds": 4},
    "small": {"creators": 300, "burn_in": 30, "days": 100, "follow": 90, "seeds": 2},
}
SIZE = os.environ.get("CREATORSIM_SIZE", "full")
assert SIZE in SIZES, f"CREATORSIM_SIZE={SIZE!r} is not allowed: one of {', '.join(SIZES)}"
RUN = SIZES[SIZE]
FIGURES = Path("..") / "docs" / "figures"  # the full-size figures are saved there
# the calibration's record: when it exists, the gradient rule also runs at its q05 and q95
POSTERIOR_FILE = Path("..") / "scenarios" / "targets" / "creator_economy.calibration.json"
T_START = time.perf_counter()
print(f"size {SIZE}: {RUN}")

# %% [markdown]
# # Index weights and visibility
#
# The reported Creator Ranking List combines five indices (sales, growth, popularity,
# diligence, cooperation) into lists that merchants read when they choose whom to send a free
# sample. How much weight each index gets, and which list merchants read, decide who is seen
# by merchants; a rumour had it that the lists also steer the For You feed. This notebook asks,
# for an analyst weighing a change to the weights: **how do the weights and the list merchants
# read move who gets seen?**
#
# What is measured, in every run:
#
# * **concentration of exposure**: the Gini coefficient and the share of the top tenth of
#   creators, of feed views and of list exposure (merchants' attention to list places, with
#   position bias), per day and over a month (a creator who is on top one day and gone the
#   next evens out over a month; one who stays on top does not);
# * **entertainers and sellers**: entertainers never link a product; their share among the
#   creators listed, of list exposure and of feed views;
# * **list turnover**: the share of the listed set that changes from one day to the next;
# * **newcomers' chance**: the share of creators who join during the run and get onto a list
#   merchants read within their first months, beside the same chance for established creators.
#
# Each policy is simulated on the same seeds as its reference (common random numbers), under
# each of the model's learning rules; an effect is labelled **robust** when its interval over
# seeds excludes zero, with the same sign, under every rule, **conditional** when it does so
# under some (named), **not found** when under none.

# %%
BASE = Scenario.from_toml(scenario_path("reported_2022"))
COUPLED = Scenario.from_toml(scenario_path("feed_coupled"))
COUPLING = COUPLED.model.attention.coupling  # M14 taken as fact
M = BASE.model.merchants
GOALS = {"sales": M.goal_sales, "growth": M.goal_growth, "reach": M.goal_reach,
         "reliable": M.goal_reliable, "overall": M.goal_overall}
TILT = 4.0  # the weight of the favoured index on the overall list; the others keep 1
OVERALL_READ = {f"merchants.goal_{g}": float(g == "overall") for g in GOALS}
ARMS = {
    "mixed goals": {},
    "overall list read": OVERALL_READ,
    "sales-heavy": {**OVERALL_READ, "scoring.overall.sales": TILT},
    "popularity-heavy": {**OVERALL_READ, "scoring.overall.popularity": TILT},
    "feed follows list": {"attention.coupling": COUPLING},
}
# (variant, reference): each variant is compared with the arm it changes one thing of
PAIRS = [
    ("overall list read", "mixed goals"),
    ("sales-heavy", "overall list read"),
    ("popularity-heavy", "overall list read"),
    ("feed follows list", "mixed goals"),
]
SIZE_VALUES = {"population.creators": RUN["creators"], "time.burn_in_days": RUN["burn_in"]}
SCENARIOS = {a: BASE.with_values({**SIZE_VALUES, **v}) for a, v in ARMS.items()}
POSTERIOR = load_posterior(POSTERIOR_FILE) if POSTERIOR_FILE.exists() else None
SETTINGS = make_settings(
    SCENARIOS["mixed goals"], rules=RULES, posterior=POSTERIOR,
    at=("q05", "q95") if POSTERIOR else (), at_rules=("gradient",),
)
clash = sorted(set(POSTERIOR or ()) & {k for v in ARMS.values() for k in v})
assert not clash, f"the posterior sets keys the arms vary: {clash}"
SEEDS = [int(s) for s in run_seeds(0, RUN["seeds"])[0]]  # the seeds `compare` would use
SKIP = RUN["days"] // 3  # reported days left out of the means (as `compare` does by default)
MONTH = 30
goal_text = ", ".join(f"{g} {s:.0%}" for g, s in GOALS.items())
display(Markdown(
    f"**The arms.** *mixed goals* is `scenarios/reported_2022.toml` as calibrated: each "
    f"merchant reads the lists its goal calls for ({goal_text} of merchants by goal; M3), and "
    f"the overall list weighs the five indices equally (M6). *overall list read*: every "
    f"merchant reads the overall list, so its weights decide every list contact. *sales-heavy*, "
    f"*popularity-heavy*: that same world with the weight of one index on "
    f"the overall list raised from {BASE.scoring.overall.sales:g} to {TILT:g}; each is "
    f"compared with *overall list read*. *feed follows list*: the rumour M14 taken as fact, "
    f"the feed coupled to the overall list with the weight {COUPLING:g} of "
    f"`scenarios/feed_coupled.toml` (coupling off, {BASE.model.attention.coupling:g}, in the "
    f"baseline); compared with *mixed goals*.\n\n"
    f"**The runs.** {RUN['creators']:,} creators, a burn-in of {RUN['burn_in']} days under each "
    f"arm's own rules (creators adapt to them; the scenario's own burn-in is "
    f"{BASE.model.time.burn_in_days} days, cut here to fit the runtime, so the slowest "
    f"adaptation is partly left out), then {RUN['days']} reported days of which the "
    f"first {SKIP} are left out of the daily means; {len(SEEDS)} seeds, the same in every arm; "
    f"settings: {', '.join(s.label for s in SETTINGS)}"
    + ("" if POSTERIOR else " (no calibration record yet: the posterior's q05 and q95 are not "
       "run)") + "."
))

# %% [markdown]
# ## The runs
#
# Each run follows every creator's listing day by day (to date a newcomer's first listing) and
# totals feed views and list exposure per calendar month (to measure concentration over a
# month), which the scalar outcomes of `sim.experiments.compare` do not keep; so the runs are
# made here, on the seeds `compare` would use, and reduced with the same functions
# (`summarise` for the daily outcomes, `paired_difference` for the intervals,
# `robustness_label` for the labels). A check after the runs asserts that one of them gives
# exactly what `run_scenario` gives for the same scenario and seed.

# %%
DAILY = {  # outcome of `summarise` -> short name
    "feed_gini_mean": "feed_gini_day", "feed_top10_share_mean": "feed_top10_day",
    "list_exposure_gini_mean": "list_gini_day", "list_top10_share_mean": "list_top10_day",
    "feed_entertainer_share_mean": "feed_entertainers",
    "list_entertainer_share_mean": "list_exp_entertainers",
    "list_turnover_mean": "list_turnover", "share_listed_mean": "share_listed",
}


def one_run(scenario: Scenario, seed: int) -> dict[str, float]:
    """One run's outcomes: the daily means, monthly concentration, listing and newcomers.

    Monthly concentration is over the creators present for the whole calendar month (day
    ``30 k`` to ``30 k + 29``), from months starting on or after day ``SKIP``; newcomers are
    those joining on days ``0 .. days - follow``, listed if they are within merchants' view of
    a list read on one of their first ``follow`` days (leavers count as not listed).
    """
    model = CreatorMarket(scenario, rng=seed)
    model.burn_in()
    cap = model.creators.n * 4 + 64  # ids are never reused: room for every entrant
    first = np.full(cap, -1)
    days_listed = np.zeros(cap)
    cum_views, cum_list = np.zeros(cap), np.zeros(cap)  # totals at the last month's end
    ent_share = np.full(RUN["days"], np.nan)
    on_overall = np.full(RUN["days"], np.nan)
    months: dict[str, list[float]] = {k: [] for k in ("fg", "ft", "lg", "lt")}

    def on_day(day: int) -> None:
        ct = model.creator_table()
        ids = ct["creator_id"]
        listed_today = ct["days_listed"] > days_listed[ids]
        days_listed[ids] = ct["days_listed"]
        first[ids[listed_today & (first[ids] < 0)]] = day
        if listed_today.any():
            ent_share[day] = ct["entertainer"][listed_today].mean()
        c = model.creators
        ranked = (model.positions["overall"] > 0) & c.active  # by slot
        on_overall[day] = c.entertainer[ranked].mean() if ranked.any() else np.nan
        if day % MONTH == MONTH - 1:  # a month's end: its totals, then the next's start
            start = day - MONTH + 1
            if start >= SKIP:
                stay = ids[ct["active"] & (ct["joined_day"] <= start)]
                v_now, l_now = np.zeros(cap), np.zeros(cap)
                v_now[ids], l_now[ids] = ct["views"], ct["list_exposure"]
                fg, ft = concentration(v_now[stay] - cum_views[stay], (0.10,))
                lg, lt = concentration(l_now[stay] - cum_list[stay], (0.10,))
                for k, x in zip(("fg", "ft", "lg", "lt"), (fg, ft, lg, lt), strict=True):
                    months[k].append(x)
            cum_views[ids], cum_list[ids] = ct["views"], ct["list_exposure"]

    model.run(RUN["days"], progress=on_day)
    ct = model.creator_table()
    ids, joined = ct["creator_id"], ct["joined_day"]
    cohort = (joined >= 0) & (joined <= RUN["days"] - RUN["follow"])
    got = (first[ids] >= 0) & (first[ids] - joined < RUN["follow"])
    old = joined < 0  # established: present at day 0, followed over days 0 .. follow - 1
    got_old = (first[ids] >= 0) & (first[ids] < RUN["follow"])
    s = summarise(model.daily_table(), burn_in_days=SKIP)
    out = {short: s[name] for name, short in DAILY.items()}
    out.update(
        feed_gini_month=float(np.mean(months["fg"])),
        feed_top10_month=float(np.mean(months["ft"])),
        list_gini_month=float(np.mean(months["lg"])),
        list_top10_month=float(np.mean(months["lt"])),
        listed_entertainers=float(np.nanmean(ent_share[SKIP:])),
        overall_entertainers=float(np.nanmean(on_overall[SKIP:])),
        entertainers=float(ct["entertainer"][ct["active"]].mean()),
        newcomers=int(cohort.sum()),
        newcomer_listed=float(got[cohort].mean()) if cohort.any() else np.nan,
        established_listed=float(got_old[old].mean()),
    )
    return out


results: dict[tuple[str, str], list[dict[str, float]]] = {}  # (setting, arm) -> per seed


def run_settings(settings) -> None:
    """Every arm on every seed under each of ``settings``, into ``results``."""
    for setting in settings:
        t0 = time.perf_counter()
        for arm, scenario in SCENARIOS.items():
            results[(setting.label, arm)] = [one_run(setting.apply(scenario), s) for s in SEEDS]
        print(f"{setting.label}: {len(ARMS)} arms x {len(SEEDS)} seeds in "
              f"{time.perf_counter() - t0:.0f} s")


# three cells, each within a test's time limit in small size
PARTS = np.array_split(np.arange(len(SETTINGS)), 3)
run_settings([SETTINGS[i] for i in PARTS[0]])

# %%
run_settings([SETTINGS[i] for i in PARTS[1]])

# %%
run_settings([SETTINGS[i] for i in PARTS[2]])
T_RUNS = time.perf_counter() - T_START
# the run `run_scenario` makes (and `compare` summarises) is the one followed here, day by day
check = run_scenario(SETTINGS[0].apply(SCENARIOS["mixed goals"]), seed=SEEDS[0],
                     days=RUN["days"], progress=False)
same = summarise(check.daily, burn_in_days=SKIP)
first_run = results[(SETTINGS[0].label, "mixed goals")][0]
assert all(np.isclose(same[name], first_run[short], equal_nan=True)
           for name, short in DAILY.items()), "following the run changed it"

# %%
OUTCOMES = {  # short name -> (what, unit): the order of the tables
    "feed_gini_day": ("feed views, Gini per day", "Gini"),
    "feed_gini_month": ("feed views, Gini over a month", "Gini"),
    "feed_top10_day": ("feed views, top-10% share per day", "share"),
    "feed_top10_month": ("feed views, top-10% share over a month", "share"),
    "list_gini_day": ("list exposure, Gini per day", "Gini"),
    "list_gini_month": ("list exposure, Gini over a month", "Gini"),
    "list_top10_day": ("list exposure, top-10% share per day", "share"),
    "overall_entertainers": ("entertainers among creators ranked on the overall list", "share"),
    "listed_entertainers": ("entertainers among listed creators", "share"),
    "list_exp_entertainers": ("entertainers' share of list exposure", "share"),
    "feed_entertainers": ("entertainers' share of feed views", "share"),
    "list_turnover": ("list turnover a day", "share"),
    "newcomer_listed": (f"newcomers listed within {RUN['follow']} days", "share"),
    "established_listed": (f"established creators listed within {RUN['follow']} days", "share"),
}


def values(setting: str, arm: str, key: str) -> np.ndarray:
    return np.array([r[key] for r in results[(setting, arm)]], dtype=float)


rows = []
for variant, ref in PAIRS:
    for key in OUTCOMES:
        for st in SETTINGS:
            d = paired_difference(values(st.label, ref, key), values(st.label, variant, key))
            rows.append({**d, "variant": variant, "base": ref, "outcome": key,
                         "setting": st.label, "rule": st.rule or "", "point": st.point or ""})
LABELS = {
    (v, k): robustness_label([r for r in rows if (r["variant"], r["outcome"]) == (v, k)])
    for v, _ref in PAIRS for k in OUTCOMES
}
ROW = {(r["variant"], r["outcome"], r["setting"]): r for r in rows}
LEAD = SETTINGS[0].label  # the first setting: the gradient rule (at the posterior median)


def mean_ci(arm: str, key: str, setting: str = LEAD) -> tuple[float, float]:
    """Mean over seeds and the half-width of its 95% t interval."""
    x = values(setting, arm, key)
    x = x[~np.isnan(x)]
    if x.size < 2:
        return float(np.mean(x)) if x.size else np.nan, np.nan
    from scipy.stats import t

    return float(x.mean()), float(t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))


def effect(variant: str, key: str, setting: str = LEAD, fmt: str = "+.3f") -> str:
    r = ROW[(variant, key, setting)]
    if r["constant"] or not np.isfinite(r["ci_low"]):
        return f"{r['difference']:{fmt}}"
    return f"{r['difference']:{fmt}} [{r['ci_low']:{fmt}}, {r['ci_high']:{fmt}}]"


def bars(ax, xs, arm_list, key, **kw):
    """Bars of the mean over seeds with its 95% interval, clipped to [0, 1] (shares, Gini)."""
    m_ci = [mean_ci(a, key) for a in arm_list]
    m = np.array([v for v, _ in m_ci])
    c = np.nan_to_num(np.array([h for _, h in m_ci]))
    yerr = np.vstack([np.minimum(c, m), np.minimum(c, 1 - m)])
    ax.bar(xs, m, yerr=yerr, capsize=3, **kw)


print(f"{len(results) * len(SEEDS)} runs in {T_RUNS:.0f} s")

# %% [markdown]
# ## Concentration: per day and over a month

# %%
arms = list(ARMS)
fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharey=False)
width = 0.38
x = np.arange(len(arms))
for ax, (kind, title) in zip(axes, (("feed", "feed views"), ("list", "list exposure")),
                             strict=True):
    for j, (span, hatch) in enumerate((("day", ""), ("month", "//"))):
        bars(ax, x + (j - 0.5) * width, arms, f"{kind}_gini_{span}", width=width, hatch=hatch,
             color="tab:blue" if span == "day" else "tab:orange",
             label=f"Gini {'per day' if span == 'day' else 'over a month'}")
    ax.set_xticks(x, [a.replace(" ", "\n", 1) for a in arms], fontsize=9)
    ax.set_ylabel("Gini coefficient of exposure (0 equal, 1 all to one creator)")
    ax.set_title(f"{title.capitalize()}", fontsize=11)
    ax.set_ylim(0, 1.15)
    ax.legend(loc="upper center", ncol=2, fontsize=9)
fd, fm = mean_ci("mixed goals", "feed_gini_day")[0], mean_ci("mixed goals", "feed_gini_month")[0]
ld, lm = mean_ci("mixed goals", "list_gini_day")[0], mean_ci("mixed goals", "list_gini_month")[0]
month_below = all(
    mean_ci(a, f"{k}_gini_month")[0] < mean_ci(a, f"{k}_gini_day")[0]
    for a in arms for k in ("feed", "list")
)
fig.suptitle(
    f"Over a month, exposure is {'less' if month_below else 'not always less'} concentrated "
    f"than in a day: feed Gini {fd:.2f} a day, {fm:.2f} a month; list exposure {ld:.2f} and "
    f"{lm:.2f} (mixed goals)",
    fontsize=11,
)
fig.text(0.5, 0.005, f"Means over {len(SEEDS)} seeds with 95% intervals, rule {LEAD}; "
         "a month: creators present all of it", ha="center", fontsize=8)
fig.tight_layout(rect=(0, 0.03, 1, 0.95))
if SIZE == "full":
    write_png(fig, FIGURES / "weights_concentration.png")
plt.show()
assert all(0 <= mean_ci(a, k)[0] <= 1 for a in arms for k in OUTCOMES if "gini" in k)

# %%
CAPTION_CONC = (
    f"Feed views: Gini {fd:.2f} per day, {fm:.2f} over a month; list exposure {ld:.2f} per "
    f"day, {lm:.2f} over a month (mixed goals, rule {LEAD})."
)
display(Markdown(
    f"Per day, feed views are spread with a Gini of {fd:.2f} and the top tenth of creators get "
    f"{mean_ci('mixed goals', 'feed_top10_day')[0]:.0%} of them; over a month the Gini is "
    f"{fm:.2f} and the top tenth's share "
    f"{mean_ci('mixed goals', 'feed_top10_month')[0]:.0%}. Merchants' attention to the lists "
    f"is far more concentrated: only creators on a list get any, a Gini of {ld:.2f} a day and "
    f"{lm:.2f} a month. "
    + ("In every arm the monthly Gini is below the daily one: who is seen rotates from day to "
       "day, and a single day overstates how unequal a month is."
       if month_below else
       "In some arm the monthly Gini is not below the daily one: the same creators stay on "
       "top.")
))

# %% [markdown]
# ## What each change does, with its interval, under every learning rule
#
# Each dot is a paired difference (variant minus its reference, on the same seeds) with its
# confidence interval, one colour per setting. A filled dot: the interval excludes zero.

# %%
SHOW = ["feed_gini_day", "feed_gini_month", "feed_top10_day", "list_gini_day",
        "list_gini_month", "overall_entertainers", "feed_entertainers", "list_turnover",
        "newcomer_listed", "established_listed"]
colors = dict(zip([s.label for s in SETTINGS], plt.cm.tab10.colors, strict=False))
shown = [ROW[(v, k, st.label)] for v, _ in PAIRS for k in SHOW for st in SETTINGS]
ends = np.abs([e for r in shown for e in (r["ci_low"], r["ci_high"], r["difference"])])
diffs = np.abs([r["difference"] for r in shown])
# every difference in view; intervals wider than most run off the edge (an arrow)
LIM = max(0.02, float(np.nanquantile(ends, 0.9)) * 1.1, float(np.nanmax(diffs)) * 1.1)
fig, axes = plt.subplots(1, len(PAIRS), figsize=(18, 6.8), sharey=True, sharex=True)
for ax, (variant, ref) in zip(axes, PAIRS, strict=True):
    for i, key in enumerate(SHOW):
        for j, st in enumerate(SETTINGS):
            r = ROW[(variant, key, st.label)]
            y = i + (j - (len(SETTINGS) - 1) / 2) * 0.13
            lo, hi = r["ci_low"], r["ci_high"]
            ok = np.isfinite(lo) and np.isfinite(hi)
            excl = ok and (lo > 0 or hi < 0)
            if ok:
                ax.plot([max(lo, -LIM), min(hi, LIM)], [y, y], color=colors[st.label], lw=1.3)
                for end, mark in ((lo, "<"), (hi, ">")):
                    if abs(end) > LIM:
                        ax.plot(np.sign(end) * LIM, y, mark, color=colors[st.label], ms=4)
            ax.plot(np.clip(r["difference"], -LIM, LIM), y, "o", color=colors[st.label],
                    mfc=colors[st.label] if excl else "white", ms=5,
                    label=st.label if (i == 0 and ax is axes[0]) else None)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlim(-LIM * 1.05, LIM * 1.05)
    ax.set_title(f"{variant}\nminus {ref}", fontsize=10)
    ax.set_xlabel("difference (Gini points or share, 0-1)")
    ax.grid(axis="x", alpha=0.3)
axes[0].set_yticks(range(len(SHOW)), [OUTCOMES[k][0] for k in SHOW], fontsize=9)
axes[0].invert_yaxis()
n_robust = sum(LABELS[(v, k)] == "robust" for v, _ in PAIRS for k in SHOW)
robust_shown = [ROW[(v, k, LEAD)] for v, _ in PAIRS for k in SHOW if LABELS[(v, k)] == "robust"]
big = max(robust_shown, key=lambda r: abs(r["difference"]), default=None)
big_text = (
    f"the largest: {big['variant']}, {OUTCOMES[big['outcome']][0]} {big['difference']:+.2f}"
    if big else "none is"
)
fig.legend(loc="lower center", ncol=len(SETTINGS), fontsize=9,
           title="setting (filled: its 95% interval over seeds excludes 0; an arrow: it runs "
           "off the axis)")
fig.suptitle(
    f"{n_robust} of {len(PAIRS) * len(SHOW)} effects hold in every setting ({big_text});\n"
    f"coupling the feed to the list moves the feed's daily Gini by "
    f"{ROW[('feed follows list', 'feed_gini_day', LEAD)]['difference']:+.3f} "
    f"({LABELS[('feed follows list', 'feed_gini_day')]})",
    fontsize=12,
)
fig.tight_layout(rect=(0, 0.08, 1, 0.94))
if SIZE == "full":
    write_png(fig, FIGURES / "weights_effects.png")
plt.show()

# %% [markdown]
# The table: each effect under the first setting with its interval, then its label across the
# settings.

# %%
def md_table(header, body):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in body]
    return "\n".join(lines)


table = []
for variant, ref in PAIRS:
    for key in OUTCOMES:
        table.append((f"{variant} vs {ref}", OUTCOMES[key][0],
                      f"{mean_ci(ref, key)[0]:.3f}", effect(variant, key),
                      LABELS[(variant, key)]))
display(Markdown(md_table(
    ("change", "outcome", f"reference ({LEAD})", f"difference [95% CI] ({LEAD})",
     "label across settings"), table)))
assert all(lab in ("robust", "not found", "contradictory", "constant")
           or lab.startswith("conditional: under ") for lab in LABELS.values())

# %% [markdown]
# ## Entertainers and sellers

# %%
ENT = ("overall_entertainers", "listed_entertainers", "list_exp_entertainers",
       "feed_entertainers")
ENT_NAMES = ("among creators ranked on the overall list", "among listed creators",
             "of list exposure", "of feed views")
fig, ax = plt.subplots(figsize=(12, 5.4))
w = 0.2
for j, (key, name) in enumerate(zip(ENT, ENT_NAMES, strict=True)):
    bars(ax, x + (j - 1.5) * w, arms, key, width=w, label=f"entertainers' share {name}")
pop = mean_ci("mixed goals", "entertainers")[0]
feed = mean_ci("mixed goals", "feed_entertainers")[0]
top_listed = max(mean_ci(a, "listed_entertainers")[0] for a in arms)
top_ranked = max(mean_ci(a, "overall_entertainers")[0] for a in arms)
ax.axhline(pop, color="black", ls="--", lw=1, label=f"entertainers' share of creators ({pop:.0%})")
ax.set_xticks(x, arms)
ax.set_ylabel("share of entertainers (0-1)")
ax.legend(fontsize=9, loc="upper right")
seen = "none" if top_listed == 0 else f"at most {top_listed:.1%}"
ax.set_title(
    f"Entertainers are {pop:.0%} of creators and get {feed:.0%} of feed views, but {seen} "
    f"of the list places merchants see, whatever the weights",
    fontsize=11,
)
ax.set_ylim(0, 1.6 * pop)
fig.tight_layout()
if SIZE == "full":
    write_png(fig, FIGURES / "weights_entertainers.png")
plt.show()
CAPTION_ENT = ax.get_title() + f" (means over {len(SEEDS)} seeds, rule {LEAD})."
assert top_listed < feed < pop, "the title: entertainers are seen less on lists than in the feed"

# %%
lab_pop = LABELS[("popularity-heavy", "overall_entertainers")]
lab_feed = LABELS[("feed follows list", "feed_entertainers")]
display(Markdown(
    f"Entertainers never link a product, so they score nothing on sales, and lose on the "
    f"growth of sales, on products per piece (diligence) and on samples featured "
    f"(cooperation). They are {pop:.0%} of creators; among the creators listed where "
    f"merchants look they hold {seen} of the places in any arm, and at most "
    f"{top_ranked:.1%} of the creators ranked anywhere on the overall list. Raising the "
    f"popularity weight of the overall list to {TILT:g} changes their share of its places by "
    f"{effect('popularity-heavy', 'overall_entertainers')} ({lab_pop}): the other four "
    f"indices still outweigh it. In the feed, which ignores the lists unless coupled, they get "
    f"{feed:.0%} of views, less than their share of creators; coupling the feed to the "
    f"overall list (M14) changes that share by "
    f"{effect('feed follows list', 'feed_entertainers')} ({lab_feed})."
))

# %% [markdown]
# ## List turnover and newcomers' chance

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 5))
bars(axes[0], x, arms, "list_turnover", color="tab:green")
axes[0].set_xticks(x, [a.replace(" ", "\n", 1) for a in arms], fontsize=9)
axes[0].set_ylabel("share of the listed set replaced from one day to the next (0-1)")
axes[0].set_title("List turnover a day", fontsize=11)
for j, (key, name) in enumerate((("newcomer_listed", "newcomers (joined during the run)"),
                                 ("established_listed", "established creators"))):
    bars(axes[1], x + (j - 0.5) * width, arms, key, width=width, label=name)
axes[1].set_xticks(x, [a.replace(" ", "\n", 1) for a in arms], fontsize=9)
axes[1].set_ylabel(f"share listed within {RUN['follow']} days (0-1)")
axes[1].set_title(f"Listed at least once within {RUN['follow']} days", fontsize=11)
axes[1].legend(fontsize=9)
for a in axes:
    a.set_ylim(0, 1)
nl, ol = mean_ci("mixed goals", "newcomer_listed")[0], mean_ci("mixed goals",
                                                               "established_listed")[0]
n_new = int(np.mean([r["newcomers"] for r in results[(LEAD, "mixed goals")]]))
no = mean_ci("overall list read", "newcomer_listed")[0]
fig.suptitle(
    f"With mixed goals {nl:.0%} of newcomers reach a list merchants read within "
    f"{RUN['follow']} days ({ol:.0%} of established creators); {no:.0%} when every merchant "
    f"reads the overall list",
    fontsize=12,
)
fig.text(0.5, 0.005, f"Means over {len(SEEDS)} seeds with 95% intervals, rule {LEAD}; about "
         f"{n_new} newcomers a run", ha="center", fontsize=8)
fig.tight_layout(rect=(0, 0.03, 1, 0.94))
if SIZE == "full":
    write_png(fig, FIGURES / "weights_turnover_newcomers.png")
plt.show()
CAPTION_NEW = fig._suptitle.get_text() + f" (about {n_new} newcomers a run)."

# %%
display(Markdown(
    f"Listed means within the places merchants look at: "
    f"{mean_ci('mixed goals', 'share_listed')[0]:.1%} of creators on a given day with mixed "
    f"goals, {mean_ci('overall list read', 'share_listed')[0]:.1%} when every merchant reads "
    f"the overall list (one list instead of several). "
    f"The listed set changes by {mean_ci('mixed goals', 'list_turnover')[0]:.0%} a day with "
    f"mixed goals. Reading only the overall list changes turnover by "
    f"{effect('overall list read', 'list_turnover')} "
    f"({LABELS[('overall list read', 'list_turnover')]}) and newcomers' chance to be listed "
    f"within {RUN['follow']} days by {effect('overall list read', 'newcomer_listed')} "
    f"({LABELS[('overall list read', 'newcomer_listed')]}). About {n_new} newcomers join a run "
    f"early enough to be followed, so that chance is measured coarsely."
))

# %% [markdown]
# ## What this shows, and how sure we are
#
# The facts the text states are asserted first, so the text cannot outlive them.

# %%
runtime = time.perf_counter() - T_START
facts = {
    "size": SIZE,
    "seeds": len(SEEDS),
    "creators": RUN["creators"],
    "settings": [s.label for s in SETTINGS],
    "feed_gini_day": fd, "feed_gini_month": fm, "list_gini_day": ld, "list_gini_month": lm,
    "month_below_day": month_below,
    "labels": {f"{v} | {k}": lab for (v, k), lab in LABELS.items()},
    "runtime_s": runtime,
}
assert month_below == all(
    mean_ci(a, f"{k}_gini_month")[0] < mean_ci(a, f"{k}_gini_day")[0]
    for a in arms for k in ("feed", "list")
)
assert ld > fd, "the text says list exposure is more concentrated than feed views"
robust = [(v, k) for (v, k), lab in LABELS.items() if lab == "robust"]
conditional = [(v, k, lab) for (v, k), lab in LABELS.items() if lab.startswith("conditional")]
count = {k: sum(lab == k for lab in LABELS.values())
         for k in ("not found", "contradictory", "constant")}
PREFIX = "conditional: under "
mostly = [c for c in conditional if 2 * len(c[2][len(PREFIX):].split(", ")) >= len(SETTINGS)]
chance = 1 - 0.95 ** len(SETTINGS)  # some setting excludes 0 by chance, for a null effect


def bullet(v, k):
    return f"*{v}*: {OUTCOMES[k][0]} {effect(v, k)}"


display(Markdown(
    "* **Robust** (every setting's interval excludes zero, same sign): "
    + ("; ".join(bullet(v, k) for v, k in robust) if robust else "none")
    + ".\n* **Conditional, in at least half the settings**: "
    + ("; ".join(f"{bullet(v, k)}, {lab}" for v, k, lab in mostly) if mostly else "none")
    + f".\n* **Conditional, in fewer than half**: {len(conditional) - len(mostly)} pairs. "
    f"An effect that does not exist has its interval exclude zero in at least one of "
    f"{len(SETTINGS)} settings with a chance of about {chance:.0%} (if the settings were "
    "independent), so these are weak evidence."
    + f"\n* **Not found**: {count['not found']} of the {len(LABELS)} (change, outcome) "
    f"pairs; contradictory (opposite signs in different settings): {count['contradictory']}; "
    f"constant (the same in both arms on every seed, such as a share that is zero in both): "
    f"{count['constant']}.\n"
    f"* **Per day and over a month**: {CAPTION_CONC}\n"
    f"* **How sure**: {len(SEEDS)} seeds per arm and setting; intervals are paired t "
    f"intervals over seeds (differences under the first setting, {LEAD}, shown). "
    + ("The calibration's posterior enters through its q05 and q95 points under the gradient "
       "rule." if POSTERIOR else
       "The calibration's record was not there when this ran, so the posterior's spread is "
       "not covered: the labels are across learning rules only.")
    + " The weights are raised to one value only; the thresholds, merchants' goal shares and "
    "the coupling weight are assumptions (`docs/model.md`).\n\n"
    f"This notebook ran in {runtime:.0f} s (size {SIZE}: {RUN['creators']:,} creators, "
    f"{len(SEEDS)} seeds, {len(SETTINGS)} settings, {len(ARMS)} arms) on a shared two-core "
    "machine."
))
print("captions:\n" + "\n".join((CAPTION_CONC, CAPTION_ENT, CAPTION_NEW)))
