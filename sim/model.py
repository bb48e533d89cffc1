"""The agent-based model: creators and merchants under the ranking rules, one tick a day.

:class:`CreatorMarket` is a ``mesa.Model`` and a thin shell: it builds the state and the random
streams, and its ``step`` is the day's pipeline of stages, each of the form
``today = stage(market, today, *, params, rng)``. Randomness: Mesa's model generator (``rng=``
seed) is the root; each stage draws from its own child generator spawned from it
(:data:`STREAMS`), so one seed fixes the whole run.

Where things live (the model's layout)::

    sim/model.py       this shell: build, step (the pipeline), Mesa interface, read-only views
    sim/state.py       Market (mutable state carried between days), Today (frozen day record)
    sim/stages/        the stages, one module per group: contact (1), work (2), attention (3),
                       ranking (4), strain (5), adaptation (6), turnover (7); common helpers
    sim/ledger.py      SampleLedger: per-sample merchant/forget/featured, O4 misses and blocks
    sim/slots.py       slot upkeep at turnover: which vacant slots newcomers take, id ranks
    sim/incentive.py   what one more video is worth (list gain, video value, weekly incentive)
    sim/recorder.py    daily outcomes, the recorder (daily and creator tables), list snapshots
    sim/population.py  the populations as arrays (creators, merchants, newcomers)
    sim/outcomes.py    metric functions (Gini, top shares, group shares, Jaccard)

The scenario is kept as :attr:`CreatorMarket.market_scenario`, never as ``scenario``: from Mesa
3.5 on, ``mesa.Model.scenario`` is a property whose setter writes ``scenario.model = self``
onto Mesa's own experimental ``Scenario``; our scenario is a frozen dataclass whose ``model``
field holds the model parameters.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from types import MappingProxyType
from typing import Any

import mesa
import numpy as np

from scoring import ScoringState, WindowScores
from scoring.ranking import RankedList

from . import stages
from .incentive import INCENTIVE_EVERY
from .ledger import SampleLedger
from .population import TOTALS, Creators, Merchants, init_creators, init_merchants
from .recorder import DAILY_COLUMNS, LAST_DAYS, Recorder, list_snapshot
from .scenario import Scenario
from .state import PERIOD_SUMS, Market, Today

__all__ = ["DAILY_COLUMNS", "INCENTIVE_EVERY", "LAST_DAYS", "STREAMS", "CreatorMarket"]

#: Named random streams, spawned in this order from the model's root generator.
STREAMS = (
    "init_creators",
    "init_merchants",
    "merchants",
    "creators",
    "attention",
    "adaptation",
    "turnover",
    "burnout",
)


def _readonly(a: np.ndarray) -> np.ndarray:
    v = a.view()
    v.flags.writeable = False
    return v


def _frozen(x: Any) -> Any:
    """A read-only view of engine results: arrays read-only, dicts immutable, dataclasses copied."""
    if isinstance(x, np.ndarray):
        return _readonly(x)
    if isinstance(x, dict):
        return MappingProxyType({k: _frozen(v) for k, v in x.items()})
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return dataclasses.replace(
            x, **{f.name: _frozen(getattr(x, f.name)) for f in dataclasses.fields(x) if f.init}
        )
    return x


def _latest(column: str, model: CreatorMarket) -> float:
    """A model reporter: the last day's value of a daily outcome (NaN before or if absent)."""
    return model.recorder.latest.get(column, np.nan)


class CreatorMarket(mesa.Model):
    """Creators and merchants ranked every day by the scoring engine.

    Parameters
    ----------
    scenario
        Model parameters and scoring policy (default: ``Scenario()``). Kept as
        :attr:`market_scenario` (with the overrides applied).
    rng
        Seed (or generator) for Mesa's root random generator.
    seed
        Accepted as ``rng`` (what ``mesa.batch_run`` passes in some Mesa versions); give one
        of the two.
    n_creators
        Overrides ``population.creators``.
    **overrides
        Scenario keys by dotted name, e.g. ``**{"attention.coupling": 2.0}``
        (``Scenario.with_values``; an unknown key raises the scenario's ``ConfigError``).
        This is how ``mesa.batch_run`` and SolaraViz sliders set parameters.

    Attributes
    ----------
    day
        The last reported day (0-based; -1 before the first step): ``steps - 1``, Mesa's
        step counter. The burn-in's ``burn_in_days`` days come before day 0 (the stages see
        absolute days, ``burn_in_days + day``).
    datacollector
        A ``mesa.DataCollector`` with one model reporter per daily outcome
        (:data:`DAILY_COLUMNS`), collected at the end of every step.
    market
        The mutable state the stages work on (``sim.state.Market``); read it through the
        read-only views (:attr:`creators`, :attr:`merchants`, :attr:`lists`, ...).
    today
        The last day's record (``sim.state.Today``).
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: Any = None,
        seed: Any = None,
        n_creators: int | None = None,
        **overrides: Any,
    ) -> None:
        if seed is not None and rng is not None and seed != rng:
            raise ValueError("give rng or seed, not both")
        super().__init__(rng=rng if rng is not None else seed)
        scenario = scenario or Scenario()
        if overrides:
            scenario = scenario.with_values(overrides)
        self.market_scenario = scenario
        self.params = scenario.model
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        self.market = _build_market(scenario, n_creators, self.streams)
        self._burnt_in = False
        self.recorder = Recorder(self.market.creators)
        self.today = Today(day=-1)
        self.snapshots: list[dict[str, np.ndarray]] = []  # for callers that keep their own
        self.datacollector = mesa.DataCollector(
            model_reporters={k: partial(_latest, k) for k in DAILY_COLUMNS}
        )

    # -- the day ----------------------------------------------------------------------
    def step(self) -> None:
        """One reported day (the burn-in runs first, on the first call): the stages in order.

        The first call simulates the ``time.burn_in_days`` days of the burn-in (not recorded,
        not counted by Mesa's step counter), then the first reported day.
        """
        if not self._burnt_in:
            self.burn_in()
        today = self._advance(self.market.burn_in + self.steps - 1)  # Mesa counted the step
        self.recorder.record(self.market, today, params=self.params)  # DESIGN "Outcomes"
        self.today = today
        self.datacollector.collect(self)

    def burn_in(self, progress=None) -> None:
        """Simulate the burn-in days (once): from the start to a steady state, unrecorded.

        ``progress(day)``, if given, is called after each burn-in day (0-based).

        At its end the creators' running totals, first burnouts and starting audiences, the
        merchants' sample accounts and the archive of leavers restart, so the creators table
        and the daily table cover the reported days only (issue 11 point 5).
        """
        if self._burnt_in:
            return
        self._burnt_in = True
        for day in range(self.market.burn_in):
            self._advance(day)
            if progress is not None:
                progress(day)
        if self.market.burn_in:
            c, mer = self.market.creators, self.market.merchants
            for name in TOTALS:
                getattr(c, name)[:] = 0
            c.first_burnout_day[:] = -1
            c.followers_start[:] = c.followers
            mer.samples_sent[:] = 0
            mer.sample_cost[:] = 0.0
            mer.sample_gmv[:] = 0.0
            self.market.archive.clear()

    def nudge(self, creator_ids: np.ndarray, *, extra_videos: int = 1, days: int = 28) -> None:
        """Make the creators ``creator_ids`` post ``extra_videos`` more videos a day.

        From the next reported day on, for ``days`` days (the nudge experiment of issue 11,
        :mod:`sim.nudge`). Give an empty ``creator_ids`` to the control arm of an experiment:
        it then draws what the treated arm draws, so the two arms share their random streams.
        A newcomer taking a nudged creator's slot is not nudged. Runs the burn-in first if it
        has not run.
        """
        if days < 1 or extra_videos < 0:
            raise ValueError(
                f"nudge: days = {days}, extra_videos = {extra_videos}: "
                "use days >= 1 and extra_videos >= 0"
            )
        self.burn_in()
        m = self.market
        c = m.creators
        treated = np.isin(c.creator_id, np.asarray(creator_ids, dtype=np.int64)) & c.active
        m.nudge_videos = np.where(treated, int(extra_videos), 0).astype(np.int64)
        m.nudge_ids = c.creator_id.copy()
        m.nudge_until = m.burn_in + self.day + days

    def _advance(self, day: int) -> Today:
        """Simulate absolute day ``day`` (burn-in days included) and return its record."""
        m, p, rng = self.market, self.params, self.streams
        today = Today(day=day)
        today = stages.contact.reach_out(m, today, params=p, rng=rng["merchants"])  # 1 M3 O4
        today = stages.contact.reply(m, today, params=p, rng=rng["creators"])  # 1 M8 M9 O4
        today = stages.contact.ship(m, today, params=p, rng=rng["merchants"])  # 1 M8 M10
        today = stages.work.create(m, today, params=p, rng=rng["creators"])  # 2 M7.4 M10 M11 M15
        today = stages.attention.watch(m, today, params=p, rng=rng["attention"])  # 3 M14 M16
        today = stages.ranking.score(m, today, params=p)  # 4 M4-M13, O4 misses block pairs
        today = stages.strain.build_up(m, today, params=p, rng=rng["burnout"])  # 5 M10 O2 M15
        today = stages.strain.measure_incentive(m, today, params=p)  # 5 M15, weekly
        today = stages.adaptation.adapt(m, today, params=p, rng=rng["adaptation"])  # 6 M15
        today = stages.turnover.leave_and_join(m, today, params=p, rng=rng["turnover"])  # 7 M15
        today = stages.adaptation.remember(m, today, params=p)  # the adaptation period's sums
        return today

    def run(self, days: int, progress=None) -> None:
        """Advance ``days`` days, calling ``progress(day)`` after each if given."""
        for _ in range(days):
            self.step()
            if progress is not None:
                progress(self.day)

    @property
    def day(self) -> int:
        """The last simulated day (0-based, -1 before the first): Mesa's ``steps`` - 1."""
        return self.steps - 1

    # -- results ----------------------------------------------------------------------
    def daily_table(self) -> dict[str, np.ndarray]:
        """The daily outcomes as columns (one row per day)."""
        return self.recorder.daily_table()

    def creator_table(self) -> dict[str, np.ndarray]:
        """One row per creator: traits, audience, totals, list days, samples."""
        return self.recorder.creator_table(self.market, self.day + 1)

    def list_snapshot(self) -> dict[str, np.ndarray]:
        """Today's lists that merchants read: day, list, category, position, creator, score."""
        return list_snapshot(self.market, self.market.burn_in + self.day, params=self.params)

    @property
    def burn_in_days(self) -> int:
        """Days simulated before the first reported day (``time.burn_in_days``)."""
        return self.market.burn_in

    # -- read-only views --------------------------------------------------------------
    @property
    def creators(self) -> Creators:
        """The creator population, (n,) read-only arrays (a copy of the record, not the state)."""
        c = self.market.creators
        return dataclasses.replace(
            c, **{f.name: _readonly(getattr(c, f.name)) for f in dataclasses.fields(c)}
        )

    @property
    def merchants(self) -> Merchants:
        """The merchant population, (m,) read-only arrays."""
        m = self.market.merchants
        return dataclasses.replace(
            m, **{f.name: _readonly(getattr(m, f.name)) for f in dataclasses.fields(m)}
        )

    @property
    def lists(self) -> MappingProxyType[str, RankedList]:
        """Today's ranked lists of the list window, by name (empty before the first day)."""
        return _frozen(self.market.lists)

    @property
    def positions(self) -> MappingProxyType[str, np.ndarray]:
        """Today's list position of every creator (1 = top, 0 = not listed), by list name."""
        return MappingProxyType({k: _readonly(v) for k, v in self.market.positions.items()})

    @property
    def scores(self) -> WindowScores | None:
        """Today's scoring of the list window (indices, list scores, exclusions), read-only."""
        return _frozen(self.market.scores)

    @property
    def samples(self) -> dict[str, np.ndarray]:
        """Every sample shipped so far, as read-only columns, as of the last scored day.

        ``merchant``, ``creator`` (slot; -1 once its creator left), ``shipped_day``,
        ``delivered_day``, ``status`` (``scoring.fulfilment`` codes), ``decided_day`` (-1 while
        open), ``deadline_day``, ``blocked`` (the merchant no longer serves the pair, O4).
        """
        book, led = self.market.scoring.samples, self.market.ledger
        st = self.market.scoring.sample_status()
        keys = led.merchant * led.n + book.creator
        blocked = stages.in_sorted(keys, led.blocked) & (book.creator >= 0)
        cols = {
            "merchant": led.merchant,
            "creator": book.creator,
            "shipped_day": led.shipped_day,
            "delivered_day": book.delivered_day,
            "status": st.status,
            "decided_day": st.decided_day,
            "deadline_day": st.deadline_day,
            "blocked": blocked,
        }
        return {k: _readonly(np.asarray(v)) for k, v in cols.items()}


def _build_market(
    scenario: Scenario, n_creators: int | None, streams: dict[str, np.random.Generator]
) -> Market:
    """The market on day 0: populations, the engine's state, an empty ledger."""
    p = scenario.model
    n = p.population.creators if n_creators is None else int(n_creators)
    creators = init_creators(p, n, rng=streams["init_creators"])
    merchants = init_merchants(p, creators.category, rng=streams["init_merchants"])
    k = p.population.categories
    # The engine keeps rolling sums only for the window merchants look at: the model uses
    # no other, and a month's ring buffers would cost 4x the memory of a week's.
    policy = dataclasses.replace(scenario.scoring, windows=(p.merchants.list_window,))
    scoring = ScoringState(creators.category, creators.followers, policy, n_categories=k)
    # Samples are featured only while open and days come in order: decided samples need
    # no re-evaluation (see SampleBook.status).
    scoring.samples.incremental = True
    price = np.bincount(merchants.category, weights=merchants.price, minlength=k) / np.maximum(
        np.bincount(merchants.category, minlength=k), 1
    )
    return Market(
        creators=creators,
        merchants=merchants,
        scoring=scoring,
        ledger=SampleLedger(n, p.merchants.misses_before_blocking),
        category_starts=scoring.groups.starts,
        merchant_starts=np.searchsorted(merchants.category, np.arange(k + 1)),
        category_price=price,
        n_start=n,
        next_id=n,  # ids are never reused
        period={key: np.zeros(n) for key in PERIOD_SUMS},
        last_payoff=np.zeros(n),
        burn_in=p.time.burn_in_days,
    )
