"""The model's state: the market (mutable, carried from day to day) and today (frozen).

Every stage of the day (``sim.stages``) has the form ``today = stage(market, today, *,
params, rng)``: it reads and updates the :class:`Market` (populations, the scoring engine's
state, the sample ledger, the adaptation period's sums) and returns a new :class:`Today`
with what it produced for the later stages and the daily outcomes. Nothing passes between
stages any other way, so a stage's signature says what it reads and its return what it adds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from scoring import ScoringState, WindowScores
from scoring.fulfilment import SampleStatus
from scoring.ranking import RankedList

from .ledger import SampleLedger
from .population import Creators, Merchants

__all__ = ["PERIOD_SUMS", "Market", "Offers", "Today", "Work"]

#: What the adaptation period sums per creator (reset when creators adapt, M15).
PERIOD_SUMS = (
    "gmv",
    "income",
    "cost",
    "views",
    "hours",
    "pieces",
    "stress",
    "days",
    "missed",
)


@dataclass(slots=True)
class Market:
    """Everything the day changes and the next day reads, (n,) creators / (m,) merchants.

    ``creators``, ``merchants``: the populations; ``scoring``: the engine's state (windows,
    sample book, message book, id order); ``ledger``: the merchants' view of the samples
    (O4); ``category_starts`` / ``merchant_starts``: first creator / merchant of each
    category (both in category order); ``category_price``: mean merchant price per category;
    ``n_start``: the starting population (entry rates scale with it); ``next_id``: the next
    unused creator id; ``scores``, ``lists``, ``positions``: today's scoring of the list
    window (``positions[list]`` 1 = top, 0 = not listed); ``period``: per-creator sums over
    the adaptation period (:data:`PERIOD_SUMS`); ``last_payoff``: each creator's payoff per
    day in the last period; ``burn_in``: days simulated before the first reported day;
    ``archive``: the creators table's rows of creators who left since the first reported
    day (:func:`sim.population.creator_rows`); ``exp3_*``: the bandit learners' state;
    ``nudge_*``: an ongoing nudge experiment's extra videos (:mod:`sim.nudge`).
    """

    creators: Creators
    merchants: Merchants
    scoring: ScoringState
    ledger: SampleLedger
    category_starts: np.ndarray
    merchant_starts: np.ndarray
    category_price: np.ndarray
    n_start: int
    next_id: int
    period: dict[str, np.ndarray]
    last_payoff: np.ndarray
    burn_in: int = 0
    archive: list[dict[str, np.ndarray]] = field(default_factory=list)
    exp3_logw: np.ndarray | None = None  # (n, levels) EXP3 log-weights (adaptation.rule exp3)
    exp3_arm: np.ndarray | None = None  # (n,) the effort level each creator plays
    #: The nudge experiment's extra videos a day per slot (``sim.nudge``), for the creator whose
    #: id is ``nudge_ids`` there (a newcomer in the slot is not nudged), until ``nudge_until``.
    #: ``None``: no experiment (no draw is made for it, so ordinary runs are unchanged).
    nudge_videos: np.ndarray | None = None
    nudge_ids: np.ndarray | None = None
    nudge_until: int = -1
    scores: WindowScores | None = None
    lists: dict[str, RankedList] = field(default_factory=dict)
    positions: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Work:
    """What creators produce today, (n,) arrays (stage 2, M7.4, M15)."""

    videos: np.ndarray
    livestreams: np.ndarray
    live_minutes: np.ndarray
    shoppable: np.ndarray  # pieces with at least one product linked
    products_linked: np.ndarray
    hours: np.ndarray


@dataclass(frozen=True, slots=True)
class Offers:
    """Stage 1's contacts: who contacted whom, and what the creators said (M3, M8, M9)."""

    merchant: np.ndarray  # int64 per contact
    creator: np.ndarray  # int64 per contact
    from_list: np.ndarray  # bool: found on a list (else by search)
    sent_hour: np.ndarray  # float64 per contact: hours since day 0 the message was sent
    accepted: np.ndarray | None = None  # bool per contact: the sample offer accepted
    request_merchant: np.ndarray | None = None  # int64 per unblocked sample request
    request_creator: np.ndarray | None = None
    paid: np.ndarray | None = None  # bool per contact: comes with a paid offer


@dataclass(frozen=True, slots=True)
class Today:
    """What happened today, filled in stage by stage (``None``: not yet).

    ``tallies`` holds the day's counts and measurements in the order the stages made them
    (they become the daily table's columns from ``contacts`` on): contacts and shipments,
    burnouts, the weekly burnout incentive (M15), exits and entries.
    """

    day: int
    offers: Offers | None = None
    featured: np.ndarray | None = None  # sample rows featured today
    featured_by: np.ndarray | None = None  # their creators
    work: Work | None = None
    attention: dict[str, np.ndarray] | None = None  # sim.stages.attention.attention_market
    status: SampleStatus | None = None  # sample statuses as of today's scoring
    list_gain: np.ndarray | None = None  # list-score gain of one more video, when computed
    entered: np.ndarray | None = None  # slots newcomers took today
    fees: np.ndarray | None = None  # (n,) paid offers' fees earned today (features)
    left: np.ndarray | None = None  # slots whose creators left today
    tallies: dict[str, float] = field(default_factory=dict)

    def add(self, tallies: dict[str, float] | None = None, **fields) -> Today:
        """A copy with ``fields`` set and ``tallies`` appended to the day's tallies."""
        if tallies:
            fields["tallies"] = {**self.tallies, **tallies}
        return dataclasses.replace(self, **fields)
