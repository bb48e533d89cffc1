"""Scenarios: the model's parameters and the scoring policy, from one TOML file.

Every model parameter is declared once below with its unit, default, allowed range and
provenance (a mechanic number, or ``assumed`` with a reason). A scenario file only sets values:

```toml
[scenario]
name = "reported_2022"
description = "..."

[population]      # who is on the platform
[creators]        # how creators behave
[merchants]       # how merchants choose creators and ship samples
[attention]       # how views are shared out
[burnout]         # stress and burnout
[adaptation]      # how creators adjust their effort
[turnover]        # creators leaving and joining
[time]            # burn-in days before the first reported day
[scoring]         # the ScoringPolicy (scoring.policy)
```

Validation reports every problem at once, each naming the file, the key, the value and what
is allowed. Nothing in a scenario file is executed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.params import ConfigError, ParamInfo, Problem, build, describe, param, read_toml
from scoring.policy import LISTS, WINDOW_DAYS, ScoringPolicy

__all__ = [
    "REMOVED",
    "AdaptationParams",
    "AttentionParams",
    "BurnoutParams",
    "CreatorParams",
    "MerchantParams",
    "ModelParams",
    "PopulationParams",
    "Scenario",
    "TimeParams",
    "TurnoverParams",
]


@dataclass(frozen=True)
class PopulationParams:
    """Who is on the platform at the start (M2, M4)."""

    creators: int = param(
        2000,
        unit="creators",
        source="assumed",
        low=10,
        high=10**7,
        doc="creators at the start (M2 estimated about 50,000 on the platform)",
        reason="a size that runs in seconds; scale up with --creators",
    )
    platform_creators: int = param(
        50_000,
        unit="creators",
        source="M2",
        low=1,
        high=10**9,
        doc="creators on the platform a run represents (M2: about 50,000); a run of n creators "
        "is a sample at rate n / platform_creators, so list depth, merchants, sample budgets "
        "and viewers per creator stay the same at every n",
    )
    categories: int = param(
        4,
        unit="categories",
        source="M4",
        low=1,
        high=200,
        doc="product categories, each with its own lists (M4 names beauty and baby)",
    )
    creators_per_merchant: float = param(
        20.0,
        unit="creators",
        source="assumed",
        low=1.0,
        high=1e6,
        doc="creators per merchant; each category gets max(1, round(its creators / this)) "
        "merchants, so runs of different sizes keep the same market ratio",
        reason="not reported; enough merchants that list positions matter",
    )
    entertainer_share: float = param(
        0.3,
        unit="share",
        source="M14",
        low=0.0,
        high=1.0,
        doc="share of creators who make content without selling (never link products, "
        "decline samples); M14 is about their visibility",
    )
    followers_median: float = param(
        2500.0,
        unit="followers",
        source="assumed",
        low=1.0,
        high=1e9,
        doc="median followers at the start",
        reason="small creators dominate; O6's 1,000 minimum sits below the median. 2,500 "
        "(plausible 1,500-4,000) starts the audience near where the calibrated market holds "
        "it: followers settle over 1 / unfollow_rate days, longer than the burn-in, and at "
        "2,000 the share with 10k+ still rose over the reported year to T4's edge; "
        "docs/calibration.md section 6",
    )
    followers_sigma: float = param(
        1.6,
        unit="log-sd",
        source="assumed",
        low=0.0,
        high=5.0,
        doc="spread of log followers at the start (lognormal: heavy-tailed)",
        reason="audience sizes span orders of magnitude",
    )
    quality_mean: float = param(
        0.5,
        unit="0-1",
        source="assumed",
        low=0.01,
        high=0.99,
        doc="mean content quality (beta distributed)",
        reason="a neutral midpoint",
    )
    quality_concentration: float = param(
        6.0,
        unit="beta a+b",
        source="assumed",
        low=0.1,
        high=1000.0,
        doc="how tightly quality clusters around its mean",
        reason="moderate spread",
    )
    skill_mean: float = param(
        0.5,
        unit="0-1",
        source="assumed",
        low=0.01,
        high=0.99,
        doc="mean selling skill of sellers (beta distributed)",
        reason="a neutral midpoint",
    )
    capacity_hours_mean: float = param(
        1.602,
        unit="hours/day",
        source="calibrated on creator_economy",
        low=0.1,
        high=24.0,
        doc="mean hours a creator can work a day without strain",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 1.216 to 1.926; docs/calibration.md section 6",
    )
    capacity_hours_sd: float = param(
        1.5,
        unit="hours/day",
        source="assumed",
        low=0.0,
        high=12.0,
        doc="spread of capacity between creators (normal, floored at 0.5 h)",
        reason="a loose guess",
    )
    full_time_share: float = param(
        0.35,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of creators who work at it full time: capacity x full_time_capacity and a "
        "reservation income x full_time_reservation (calibration T24)",
        reason="surveys put full-time creators at about a third of earning creators",
    )
    full_time_capacity: float = param(
        2.0,
        unit="x",
        source="assumed",
        low=1.0,
        high=10.0,
        doc="capacity of a full-time creator as a multiple of a part-timer's",
        reason="8 hours against about 4",
    )
    procrastinator_share: float = param(
        0.4,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of creators who feature samples near their deadline rather than early",
        reason="present bias is common; no platform figure",
    )


@dataclass(frozen=True)
class CreatorParams:
    """How creators work, answer and handle samples each day (M8-M11, M15)."""

    video_hours: float = param(
        3.777,
        unit="hours/video",
        source="calibrated on creator_economy",
        low=0.01,
        high=24.0,
        doc="work to make one short video",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 1.883 to 4.397; docs/calibration.md section 6",
    )
    live_overhead: float = param(
        1.5,
        unit="x",
        source="assumed",
        low=1.0,
        high=10.0,
        doc="work per livestream minute, in minutes (preparation included)",
        reason="setting up and wrapping up a live",
    )
    live_minutes_mean: float = param(
        45.0,
        unit="minutes",
        source="assumed",
        low=1.0,
        high=600.0,
        doc="mean length of a seller's livestream",
        reason="typical shopping lives",
    )
    live_share_of_sellers: float = param(
        0.5,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="of a full seller's effort, the share spent livestreaming (scaled by orientation)",
        reason="SEA shopping is live-heavy",
    )
    effort_share: float = param(
        0.8,
        unit="share",
        source="assumed",
        low=0.05,
        high=2.0,
        doc="share of capacity a creator plans to use on an ordinary day",
        reason="people do not plan to the limit; >1 means habitual overwork",
    )
    products_per_video: float = param(
        1.5,
        unit="products",
        source="assumed",
        low=0.0,
        high=50.0,
        doc="products linked in a full seller's shoppable video",
        reason="one or two",
    )
    products_per_live: float = param(
        6.0,
        unit="products",
        source="assumed",
        low=0.0,
        high=200.0,
        doc="products linked in a full seller's livestream",
        reason="a small catalogue",
    )
    reply_hours_median: float = param(
        6.0,
        unit="hours",
        source="assumed",
        low=0.01,
        high=240.0,
        doc="median delay to answer a merchant's message at ordinary workload (M9)",
        reason="same-day replies are the norm",
    )
    reply_workload_elasticity: float = param(
        1.0,
        unit="log-hours per load",
        source="assumed",
        low=0.0,
        high=10.0,
        doc="how much replies slow down as work exceeds capacity (M9, M15)",
        reason="busier creators answer later",
    )
    reply_never_prob: float = param(
        0.1,
        unit="probability",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="chance a message is never answered (sellers; entertainers rarely answer)",
        reason="some messages are missed",
    )
    sample_accept_prob: float = param(
        0.9,
        unit="probability",
        source="M8",
        low=0.0,
        high=1.0,
        doc="chance a full seller accepts an offered sample (scaled by orientation; "
        "pure entertainers decline, M12)",
    )
    sample_request_rate: float = param(
        0.01,
        unit="requests/day",
        source="M8",
        low=0.0,
        high=10.0,
        doc="daily rate at which a full seller requests a sample from a merchant (M8)",
    )
    feature_by_live_share: float = param(
        0.3,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="of samples featured by livestreamers, the share featured live",
        reason="videos are the common way; lives show several products",
    )
    live_feature_short_prob: float = param(
        0.15,
        unit="probability",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="chance a live feature shows the product for less than the continuous minutes",
        reason="products are shown briefly in busy lives (M11a)",
    )
    takedown_daily_prob: float = param(
        0.03,
        unit="probability/day",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="daily chance a featuring video is taken down early (M11a)",
        reason="creators tidy their profiles",
    )
    planner_hazard: float = param(
        0.25,
        unit="probability/day",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="daily chance a planner features a pending sample once it has arrived",
        reason="a few days after delivery",
    )
    procrastinator_days_before: int = param(
        2,
        unit="days",
        source="assumed",
        low=0,
        high=60,
        doc="a procrastinator starts featuring this many days before the deadline",
        reason="last-minute work",
    )
    forget_prob: float = param(
        0.1,
        unit="probability",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="chance an accepted sample is never featured (lost, disliked, forgotten)",
        reason="some samples are never used",
    )


@dataclass(frozen=True)
class MerchantParams:
    """How merchants find creators, message them and ship samples (M3, M8, O4)."""

    goal_sales: float = param(
        0.35,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of merchants after sales: they read the sales and GMV lists (M3, M7.1)",
        reason="most affiliate merchants pay for sales; range 0.2-0.7 in the claims table",
    )
    goal_growth: float = param(
        0.15,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of merchants after growing creators: they read the growth list (M7.2)",
        reason="merchants who want to get in early; range 0.05-0.4",
    )
    goal_reach: float = param(
        0.2,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of merchants after reach: they read the popularity list (M7.3)",
        reason="brand awareness campaigns; range 0.05-0.4",
    )
    goal_reliable: float = param(
        0.2,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of merchants after reliable partners: they read the diligence and "
        "cooperation lists (M7.4, M7.5)",
        reason="merchants burnt by unfeatured samples (O4); range 0.05-0.4",
    )
    goal_overall: float = param(
        0.1,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of merchants who read the combined overall list (M6); the goal shares are "
        "normalised to sum to 1",
        reason="M6 combines the indices into one list; a minority reads it; range 0-0.3",
    )
    list_window: str = param(
        "week",
        unit="window",
        source="M5",
        choices=tuple(WINDOW_DAYS),
        doc="window of the lists merchants look at (M5: a day, week or month)",
    )
    position_bias: float = param(
        0.49,
        unit="exponent",
        source="calibrated on MusicLab exp. 2",
        low=0.0,
        high=5.0,
        doc="merchants' attention to list position p falls as p^-bias",
        reason="the position bias fitted on MusicLab's ranked display "
        "(attention.position_bias; docs/validation.md)",
    )
    positions_viewed: int = param(
        50,
        unit="positions",
        source="assumed",
        low=1,
        high=10_000,
        doc="how far down a list a merchant looks, at platform scale: a run at sampling rate "
        "r looks round(positions_viewed x r) places down (at least 1)",
        reason="a few screens",
    )
    search_share: float = param(
        0.2,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of a merchant's contacts found by search off the lists",
        reason="merchants also browse and get referrals",
    )
    contacts_per_day: float = param(
        1.0,
        unit="contacts/day",
        source="assumed",
        low=0.0,
        high=1000.0,
        doc="creators a merchant messages a day with an offer",
        reason="a small shop",
    )
    samples_per_week: float = param(
        3.0,
        unit="samples/week",
        source="assumed",
        low=0.0,
        high=10_000.0,
        doc="sample budget of a merchant per week",
        reason="samples cost money",
    )
    paid_offer_share: float = param(
        0.15,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of a merchant's contacts that come with a paid offer (a flat fee for a "
        "featuring piece, paid when the sample is featured)",
        reason="paid collaborations are a minority of affiliate deals",
    )
    fee_per_1k_followers: float = param(
        5.0,
        unit="currency per 1,000 followers",
        source="assumed",
        low=0.0,
        high=1e4,
        doc="flat fee of a paid offer per 1,000 followers of the creator (at least 5, at most "
        "2,000 a piece)",
        reason="influencer rate cards are of the order of $5-25 per 1,000 followers",
    )
    shipping_days_mean: float = param(
        3.0,
        unit="days",
        source="assumed",
        low=0.0,
        high=30.0,
        doc="mean days from shipping to delivery (Poisson)",
        reason="domestic parcels",
    )
    price_mean: float = param(
        15.0,
        unit="currency",
        source="assumed",
        low=0.01,
        high=1e6,
        doc="mean product price (lognormal across merchants)",
        reason="everyday goods",
    )
    commission: float = param(
        0.15,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="creator's commission on GMV",
        reason="common affiliate rates are 10-20%",
    )
    sample_cost_share: float = param(
        0.5,
        unit="share of price",
        source="assumed",
        low=0.0,
        high=10.0,
        doc="what a free sample costs the merchant, as a share of its price",
        reason="cost of goods plus shipping",
    )
    misses_before_blocking: int = param(
        1,
        unit="samples",
        source="O4",
        low=1,
        high=100,
        doc="missed samples after which a merchant stops sending to a creator (O4)",
    )


@dataclass(frozen=True)
class AttentionParams:
    """How the feed shares out views (M14, cumulative advantage) and what views produce."""

    views_per_creator: float = param(
        3700.0,
        unit="views/day",
        source="calibrated on creator_economy",
        low=1.0,
        high=1e9,
        doc="viewers' daily session budget per creator on the platform: a category's viewer "
        "segment watches this times its creators a day at most (finite attention, RecSim); "
        "the views a day actually used depend on the slates (session_elasticity)",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 2034 to 4539; docs/calibration.md section 6",
    )
    session_elasticity: float = param(
        0.5,
        unit="per utility",
        source="assumed",
        low=0.0,
        high=5.0,
        doc="how much good slates lengthen sessions: budget x (1 + this x (mean quality "
        "watched - 0.5)), clipped to [0.5, 1.5] (RecSim v1 time budget)",
        reason="RecSim's session-length rule with an assumed rate",
    )
    piece_decay: float = param(
        1.076,
        unit="log-weight per piece",
        source="calibrated on creator_economy",
        low=0.0,
        high=10.0,
        doc="a creator's k-th piece of the day scores this x (k - 1) lower: views rise less "
        "than in proportion to pieces (elasticity below 1, measured in docs/model.md)",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 0.8926 to 1.265; docs/calibration.md section 6",
    )
    satiation: float = param(
        20.0,
        unit="log-weight per share of budget",
        source="assumed",
        low=0.0,
        high=1e4,
        doc="score lost per unit of the segment's satiation with a creator, sigma: its "
        "discounted share of the platform segment's daily budget (RecSim v1)",
        reason="viewers shown a creator a lot skip it; 20 (plausible 5-50) from the screens "
        "before calibration (docs/calibration.md): above about 40 the follower tail is thinner "
        "than T2-T3",
    )
    satiation_memory: float = param(
        0.8,
        unit="per day",
        source="assumed",
        low=0.0,
        high=0.999,
        doc="daily decay of satiation: sigma <- memory x sigma + views today / mean views",
        reason="satiation wears off in about a week",
    )
    engagement_memory: float = param(
        0.96,
        unit="per day",
        source="assumed",
        low=0.0,
        high=0.999,
        doc="daily discount of a creator's engagement record E (RecSim NG's provider click "
        "count): E <- memory x E + views today / views_per_creator; the feed scores "
        "social_proof x log(1 + E)",
        reason="RecSim NG's discount 0.96 (Mladenov et al. 2021)",
    )
    exploration: float = param(
        0.5,
        unit="log-weight",
        source="assumed",
        low=0.0,
        high=10.0,
        doc="temperature of the feed's ranking: a creator's daily rank is by score + this x "
        "Gumbel noise (Hron et al. 2022; 0 = strict top-K)",
        reason="recommenders explore; calibrate with T18-T19",
    )
    explore_share: float = param(
        0.1,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of the slates filled with uniformly drawn fresh pieces (T-RECS interleaving)",
        reason="new content gets a trial audience",
    )
    following_share: float = param(
        0.4741,
        unit="share",
        source="calibrated on creator_economy",
        low=0.0,
        high=1.0,
        doc="share of the viewers' budget spent on the Following feed, shared among the "
        "creators who posted in proportion to their followers (explore_share + this <= 1)",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 0.2472 to 0.5897; docs/calibration.md section 6",
    )
    choice_beta: float = param(
        1.0,
        unit="per utility",
        source="assumed",
        low=0.0,
        high=10.0,
        doc="weight of a piece's own appeal (quality) in the viewer's choice within the "
        "slate, beside the position bias (RecSim NG multinomial logit)",
        reason="a moderate taste for quality",
    )
    quality_weight: float = param(
        2.0,
        unit="log-weight",
        source="assumed",
        low=0.0,
        high=20.0,
        doc="feed weight of content quality: exp(weight * quality)",
        reason="better content is shown more",
    )
    follower_exponent: float = param(
        0.5,
        unit="exponent",
        source="assumed",
        low=0.0,
        high=2.0,
        doc="feed score of audience size: exponent x log(1 + followers)",
        reason="followers see new posts; sub-linear so newcomers are still shown",
    )
    social_proof: float = param(
        0.26,
        unit="exponent",
        source="calibrated on MusicLab exp. 2",
        low=0.0,
        high=2.0,
        doc="feed score of the creator's discounted engagement E: social_proof x log(1 + E) "
        "(cumulative advantage as in MusicLab)",
        reason="fitted with position_bias to the 8 social worlds' mean Gini, top-5 share and "
        "U (creatorsim validate musiclab --calibrate; docs/validation.md)",
    )
    coupling: float = param(
        0.0,
        unit="log-weight",
        source="M14",
        low=0.0,
        high=20.0,
        doc="feed weight of list standing: exp(coupling * standing); 0 = the feed ignores "
        "the lists (2022 baseline: M14 is a rumour)",
    )
    coupling_list: str = param(
        "overall",
        unit="list",
        source="M14",
        choices=LISTS,
        doc="the list whose standing the feed follows when coupling > 0",
    )
    position_bias: float = param(
        0.49,
        unit="exponent",
        source="calibrated on MusicLab exp. 2",
        low=0.0,
        high=5.0,
        doc="attention to place p of a ranked display falls as p^-bias; the feed's list "
        "standing (coupling > 0) is p^-bias on coupling_list",
        reason="fitted with social_proof to the 8 social worlds' mean Gini, top-5 share and "
        "U (creatorsim validate musiclab --calibrate; docs/validation.md)",
    )
    views_sigma: float = param(
        0.0,
        unit="log-sd",
        source="assumed",
        low=0.0,
        high=5.0,
        doc="sensitivity option, off by default: extra day-to-day luck of a creator's feed "
        "score (normal, this sd); concentration must come from the dynamics, not from it",
        reason="off: issue 11",
    )
    watch_seconds_mean: float = param(
        12.0,
        unit="seconds/view",
        source="assumed",
        low=0.1,
        high=3600.0,
        doc="mean watch time per view at average quality",
        reason="short videos",
    )
    engagement_rate: float = param(
        0.05,
        unit="per view",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="engagements per view at average quality",
        reason="typical like rates",
    )
    follow_rate: float = param(
        0.002,
        unit="per view",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="new followers per view at average quality",
        reason="a small fraction",
    )
    unfollow_rate: float = param(
        0.0005,
        unit="per follower per day",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="daily share of followers lost",
        reason="slow churn",
    )
    product_click_rate: float = param(
        0.04,
        unit="per view",
        source="M16",
        low=0.0,
        high=1.0,
        doc="product views per view of shoppable content (M16: most users say TikTok "
        "inspires them to look up products; the rate itself is assumed)",
    )
    purchase_rate: float = param(
        0.03,
        unit="per product view",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="orders per product view at average selling skill",
        reason="e-commerce norms",
    )
    list_exposure_per_position: float = param(
        100.0,
        unit="merchant views",
        source="assumed",
        low=0.0,
        high=1e9,
        doc="merchant views of a list's top position per day (falls with position bias)",
        reason="a scale for list exposure; only ratios are reported",
    )


@dataclass(frozen=True)
class BurnoutParams:
    """Stress and burnout (M15): what sustained overload and deadlines do to a creator.

    Each day ``stress <- max(0, stress + overload_gain * (load - 1)+ + deadline_gain *
    pressure - recovery * (1 - load)+)``, where load is the day's work over capacity and
    pressure sums ``1 / days_left`` over the creator's pending samples due within
    ``reminder_days``. A creator whose stress has been at or above ``threshold`` for
    ``burnout_days`` days in a row burns out: an episode whose length is drawn lognormal with
    median ``episode_days_median`` and log-sd ``episode_days_sigma`` (weeks to months, with a
    right tail), during which its capacity is multiplied by ``burnt_capacity``, it answers more
    slowly (its load is measured against the lower capacity) and is half as likely to get to a
    pending sample; recovery comes only at the episode's end, and its stress restarts at 0.
    """

    overload_gain: float = param(
        0.7264,
        unit="stress per unit overload",
        source="calibrated on creator_economy",
        low=0.0,
        high=100.0,
        doc="stress added per day per unit of work above capacity",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 0.4684 to 0.8807; docs/calibration.md section 6",
    )
    deadline_gain: float = param(
        0.1,
        unit="stress per 1/day",
        source="O2",
        low=0.0,
        high=100.0,
        doc="stress from pending samples near their deadline (O2 sends reminders 3 and 1 "
        "days before; the gain itself is assumed)",
    )
    reminder_days: int = param(
        3,
        unit="days",
        source="O2",
        low=0,
        high=60,
        doc="pending samples due within this many days add deadline stress (O2 reminders)",
    )
    recovery: float = param(
        0.2977,
        unit="stress per unit slack",
        source="calibrated on creator_economy",
        low=0.0,
        high=100.0,
        doc="stress removed per day per unit of capacity left unused (a rest day removes it "
        "all at once)",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 0.1857 to 0.3569; docs/calibration.md section 6",
    )
    threshold: float = param(
        1.0,
        unit="stress",
        source="assumed",
        low=0.01,
        high=1000.0,
        doc="stress at which a creator counts as stressed",
        reason="the scale's unit",
    )
    burnout_days: int = param(
        13,
        unit="days",
        source="calibrated on creator_economy",
        low=1,
        high=365,
        doc="days in a row at or above the threshold that make a burnout",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 11 to 16.76; docs/calibration.md section 6",
    )
    episode_days_median: float = param(
        35.0,
        unit="days",
        source="assumed",
        low=1.0,
        high=365.0,
        doc="median length of a burnout episode (lognormal)",
        reason="evidence on episodes: weeks to months, median about 4-6 weeks "
        "(docs/literature.md section 5; calibration T8, T9)",
    )
    episode_days_sigma: float = param(
        0.6,
        unit="log-sd",
        source="assumed",
        low=0.0,
        high=3.0,
        doc="spread of burnout episode lengths (lognormal log-sd; right tail to months)",
        reason="a tail to several months",
    )
    burnt_capacity: float = param(
        0.5,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="capacity during a burnout, as a share of normal capacity",
        reason="half speed while recovering",
    )


@dataclass(frozen=True)
class AdaptationParams:
    """How creators adjust their effort over weeks (M15: what the rules teach creators to do).

    Every ``every_days`` days each creator reviews the period's observed payoff: income
    (commission on its GMV plus paid offers) minus the cost of its hours,
    ``hour_cost x H x [h / H + overtime_convexity x max(0, h / H - 1)^2] x (1 + stress_cost x
    stress)`` per day for h hours against capacity H (convex: an hour beyond capacity costs
    more than one within it). Creators see neither the lists nor their fulfilment rate (M3,
    O4), so nothing else enters. ``rule`` picks how effort moves (docs/model.md cites each):
    ``gradient`` (a finite-difference step on the own payoff history), ``imitation``
    (pairwise proportional imitation of a better-paid category peer, Schlag 1998), ``exp3``
    (a no-regret bandit over effort levels, Auer et al. 2002), or ``none``. Sample uptake is
    imitated under every rule but ``none``.
    """

    rule: str = param(
        "gradient",
        unit="rule",
        source="assumed",
        choices=("gradient", "imitation", "exp3", "none"),
        doc="how effort adapts: gradient (own payoff history), imitation (a better-paid "
        "peer), exp3 (bandit over effort levels) or none",
        reason="claims are reported under every rule (issue 11 point 3)",
    )
    every_days: int = param(
        14,
        unit="days",
        source="assumed",
        low=1,
        high=365,
        doc="days between adjustments (0 effort change in between)",
        reason="creators review what works every couple of weeks",
    )
    imitation: float = param(
        0.3,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="share of the gap to a better-paid peer closed at each adjustment (imitation "
        "rule, and uptake under every rule)",
        reason="partial, cautious imitation",
    )
    learning_rate: float = param(
        0.2,
        unit="effort per adjustment",
        source="assumed",
        low=0.0,
        high=2.0,
        doc="effort step per adjustment under the gradient rule",
        reason="a creator changes its routine by about a fifth at a time",
    )
    exp3_gamma: float = param(
        0.1,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="EXP3's exploration share over the effort levels (exp3 rule)",
        reason="a common choice for EXP3 (Auer et al. 2002) with a handful of arms",
    )
    noise: float = param(
        0.05,
        unit="sd",
        source="assumed",
        low=0.0,
        high=2.0,
        doc="random exploration added to effort and uptake at each adjustment",
        reason="small experiments",
    )
    hour_cost: float = param(
        0.3183,
        unit="currency per hour",
        source="calibrated on creator_economy",
        low=0.0,
        high=1e6,
        doc="what an hour within capacity costs the creator",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 0.2685 to 0.4379; docs/calibration.md section 6",
    )
    overtime_convexity: float = param(
        12.0,
        unit="x",
        source="assumed",
        low=0.0,
        high=100.0,
        doc="convexity of the cost of hours beyond capacity: phi in H x phi x (h / H - 1)^2",
        reason="overtime eats sleep and other work; 12 (plausible 5-20) from the screens "
        "before calibration (docs/calibration.md), where T8-T10 held across 5-20",
    )
    stress_cost: float = param(
        1.0,
        unit="per stress unit",
        source="assumed",
        low=0.0,
        high=100.0,
        doc="how much more an hour costs per unit of stress",
        reason="strain makes work dearer",
    )
    max_effort: float = param(
        2.5,
        unit="x",
        source="assumed",
        low=1.0,
        high=10.0,
        doc="largest effort multiplier a creator can reach",
        reason="a day has limits",
    )


@dataclass(frozen=True)
class TurnoverParams:
    """Creators leaving and joining (M15: burnout and instability).

    Viability (Mladenov et al. 2020): a creator keeps a discounted record of its income and
    views per day (memory ``viability_memory``); when both stay below its reservation levels
    (lognormal around ``reservation_income`` and ``reservation_views``) for
    ``viability_days`` days in a row, it leaves. Besides, each day an active creator leaves
    with probability ``exit_base`` + ``exit_burnout`` while burnt out.
    New creators join at ``entry_rate`` x the initial population a day (Poisson), each taking a
    vacant slot (and that slot's category), with small audiences; ids are never reused.
    """

    exit_base: float = param(
        0.0001,
        unit="probability/day",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="daily chance that any creator leaves",
        reason="about 3.6% a year leave anyway (life events; plausible 0-0.00015): T12 puts "
        "all exits of established creators at 3-10% a year, so life events alone cannot be "
        "the 7% assumed before calibration; docs/calibration.md section 6",
    )
    exit_burnout: float = param(
        7.574e-05,
        unit="probability/day",
        source="calibrated on creator_economy",
        low=0.0,
        high=1.0,
        doc="small direct extra daily chance of leaving while burnt out (M15); burnout "
        "mostly acts through lower income and views",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 3.659e-05 to 0.0001774; docs/calibration.md section 6",
    )
    reservation_income: float = param(
        1.452,
        unit="currency/day",
        source="calibrated on creator_economy",
        low=0.0,
        high=1e6,
        doc="median income a day below which a part-time creator's work does not pay "
        "(lognormal across creators, log-sd 1; full-timers x full_time_reservation)",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 0.5767 to 2.269; docs/calibration.md section 6",
    )
    reservation_views: float = param(
        78.98,
        unit="views/day",
        source="calibrated on creator_economy",
        low=0.0,
        high=1e9,
        doc="median views a day below which a creator feels unseen (lognormal, log-sd 1): a "
        "creator leaves only when both income and views fall short (viability)",
        reason="posterior median of creatorsim calibrate creator_economy (seed 0); "
        "5-95 %: 55.67 to 141.9; docs/calibration.md section 6",
    )
    full_time_reservation: float = param(
        10.0,
        unit="x",
        source="assumed",
        low=1.0,
        high=1000.0,
        doc="a full-time creator's reservation income as a multiple of a part-timer's",
        reason="full-timers need a living",
    )
    viability_memory: float = param(
        0.95,
        unit="per day",
        source="assumed",
        low=0.0,
        high=0.999,
        doc="daily discount of the income and views records the viability rule reads",
        reason="about three weeks' memory; viability as in Mladenov et al. 2020",
    )
    viability_days: int = param(
        60,
        unit="days",
        source="assumed",
        low=1,
        high=3650,
        doc="days in a row below both reservation levels after which a creator leaves",
        reason="creators give it a couple of months",
    )
    entry_rate: float = param(
        0.0015,
        unit="share/day",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="new creators a day, as a share of the initial population (vacant slots only)",
        reason="roughly replaces the exits at the default burnout level",
    )
    newcomer_followers_median: float = param(
        1000.0,
        unit="followers",
        source="O6",
        low=0.0,
        high=1e9,
        doc="median followers of a new creator (lognormal, log-sd 1): affiliates join at "
        "about O6's 1,000-follower floor",
    )


@dataclass(frozen=True)
class TimeParams:
    """How a run is laid out in time (issue 11 point 5)."""

    burn_in_days: int = param(
        540,
        unit="days",
        source="assumed",
        low=0,
        high=3650,
        doc="days simulated before the first reported day, so that runs start from a steady "
        "state; their outcomes are not recorded",
        reason="measured at 2,000 creators, 2 seeds: mean effort, the burnt-out share and "
        "exits drift less than 1 point over days 450-540 (effort still about 4 points over "
        "days 270-365); docs/model.md",
    )


@dataclass(frozen=True)
class ModelParams:
    """All parameters of the agent-based model (the scoring policy is separate)."""

    population: PopulationParams = PopulationParams()
    creators: CreatorParams = CreatorParams()
    merchants: MerchantParams = MerchantParams()
    attention: AttentionParams = AttentionParams()
    burnout: BurnoutParams = BurnoutParams()
    adaptation: AdaptationParams = AdaptationParams()
    turnover: TurnoverParams = TurnoverParams()
    time: TimeParams = TimeParams()

    def problems(self) -> list[tuple[str, Any, str]]:
        return []


_SECTIONS = (
    "population",
    "creators",
    "merchants",
    "attention",
    "burnout",
    "adaptation",
    "turnover",
    "time",
)
_TOP = ("scenario", *_SECTIONS, "scoring")

#: Parameters removed by issue 11, with what replaced them: an old scenario file that sets one
#: gets an error saying so.
REMOVED = {
    "adaptation.view_value": "removed: creators learn only from what they observe (income, "
    "views, offers, samples, blocks, hours, stress); no value is imputed to views",
    "adaptation.list_value": "removed: the lists reach creators only through merchants' "
    "offers and samples (merchants.goal_* shares)",
    "adaptation.miss_cost": "removed: a missed sample costs a creator the merchant's offers "
    "and samples (O4 blocks), which it observes",
    "adaptation.effort_cost": "renamed adaptation.hour_cost (cost of an hour within "
    "capacity; hours beyond it cost more, adaptation.overtime_convexity)",
    "merchants.lists_used": "replaced by the merchants' goal shares merchants.goal_sales, "
    "goal_growth, goal_reach, goal_reliable and goal_overall (each goal reads its lists)",
    "attention.views_per_piece": "replaced by attention.views_per_creator (the viewers' "
    "daily session budget per creator)",
    "burnout.recovery_days": "replaced by burnout.episode_days_median and "
    "burnout.episode_days_sigma (episode lengths are drawn)",
    "turnover.exit_unpaid": "replaced by the viability rule: turnover.reservation_income, "
    "reservation_views, viability_days and viability_memory",
}


@dataclass(frozen=True)
class Scenario:
    """A named scenario: model parameters plus the scoring policy."""

    name: str = "default"
    description: str = ""
    model: ModelParams = dataclasses.field(default_factory=ModelParams)
    scoring: ScoringPolicy = dataclasses.field(default_factory=ScoringPolicy)
    path: str | None = None
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, file: str = "<mapping>") -> Scenario:
        """Build from the tables of a scenario file, reporting every problem at once."""
        problems: list[Problem] = []
        for key in data:
            if key not in _TOP:
                problems.append(
                    Problem(file, key, data[key], "an unknown table; allowed: " + ", ".join(_TOP))
                )
        meta = data.get("scenario", {})
        name, description = "default", ""
        if not isinstance(meta, Mapping):
            problems.append(Problem(file, "scenario", meta, "a table with name, description"))
        else:
            for k, v in meta.items():
                if k not in ("name", "description"):
                    problems.append(
                        Problem(
                            file,
                            f"scenario.{k}",
                            v,
                            "an unknown key; allowed keys: description, name",
                        )
                    )
                elif not isinstance(v, str):
                    problems.append(Problem(file, f"scenario.{k}", v, "a string"))
            name = str(meta.get("name", Path(file).stem if file != "<mapping>" else "default"))
            description = str(meta.get("description", ""))
        model_data = {k: data[k] for k in _SECTIONS if k in data}
        for dotted, why in REMOVED.items():
            section, key = dotted.split(".")
            table = model_data.get(section)
            if isinstance(table, Mapping) and key in table:
                problems.append(Problem(file, dotted, table[key], why))
                model_data[section] = {k: v for k, v in table.items() if k != key}
        model = ModelParams()
        scoring = ScoringPolicy()
        try:
            model = build(ModelParams, model_data, file=file, prefix="")
        except ConfigError as exc:
            problems += exc.problems
        try:
            scoring = ScoringPolicy.from_mapping(data.get("scoring", {}), file=file)
        except ConfigError as exc:
            problems += exc.problems
        if not problems:
            problems += _cross_checks(model, scoring, file)
        if problems:
            raise ConfigError(problems)
        return cls(
            name, description, model, scoring, None if file == "<mapping>" else file, dict(data)
        )

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario file."""
        return cls.from_mapping(read_toml(path), file=str(path))

    def parameters(self) -> Iterator[tuple[str, Any, Any, ParamInfo, bool]]:
        """Every parameter: ``(key, value, default, info, set_by_file)``."""
        for key, value, default, info in (*describe(self.model), *self.scoring.parameters()):
            yield key, value, default, info, _is_set(self.raw, key)

    def values(self) -> dict[str, Any]:
        """Every parameter's value by dotted key (the scenario's full, canonical content)."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v, *_ in self.parameters()}

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical parameter values: equal scenarios hash equal."""
        blob = json.dumps(self.values(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def with_values(self, overrides: Mapping[str, Any], *, file: str = "<override>") -> Scenario:
        """A copy with dotted keys overridden (``"attention.coupling"``, ``"scoring.x.y"``)."""
        data: dict[str, Any] = json.loads(json.dumps(self.raw))
        for dotted, value in overrides.items():
            node = data
            parts = dotted.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = list(value) if isinstance(value, tuple) else value
        data.setdefault("scenario", {})["name"] = self.name
        return Scenario.from_mapping(data, file=self.path or file)


def _is_set(raw: Mapping[str, Any], dotted: str) -> bool:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def _cross_checks(model: ModelParams, scoring: ScoringPolicy, file: str) -> list[Problem]:
    """Rules that tie the model to the scoring policy."""
    out = []
    if model.merchants.list_window not in scoring.windows:
        out.append(
            Problem(
                file,
                "merchants.list_window",
                model.merchants.list_window,
                "a window the scoring policy computes: " + ", ".join(scoring.windows),
            )
        )
    mp = model.merchants
    goals = ("sales", "growth", "reach", "reliable", "overall")
    at = model.attention
    if at.explore_share + at.following_share > 1.0:
        out.append(
            Problem(
                file,
                "attention.following_share",
                at.following_share,
                f"at most 1 - attention.explore_share = {1.0 - at.explore_share:g}",
            )
        )
    if sum(getattr(mp, f"goal_{g}") for g in goals) <= 0:
        out.append(
            Problem(file, "merchants.goal_sales", mp.goal_sales, "goal shares summing above 0")
        )
    return out
