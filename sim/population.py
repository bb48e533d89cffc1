"""Populations as arrays: creators and merchants, one array per attribute.

Creators are stored in category order (the scoring engine's fast path) and their ids are their
initial positions, so within a category array order is id order (the lists' tie-break).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import ModelParams

__all__ = [
    "GOALS",
    "GOAL_LISTS",
    "TOTALS",
    "Creators",
    "Merchants",
    "creator_rows",
    "init_creators",
    "init_merchants",
    "newcomers",
]

#: Merchants' goals (issue 11 point 2) and the lists each goal reads (M3, M6, M7).
GOALS = ("sales", "growth", "reach", "reliable", "overall")
GOAL_LISTS: dict[str, tuple[str, ...]] = {
    "sales": ("sales", "gmv"),
    "growth": ("growth",),
    "reach": ("popularity",),
    "reliable": ("diligence", "cooperation"),
    "overall": ("overall",),
}


@dataclass(slots=True)
class Creators:
    """The creator population (n,) arrays. Mutable state is updated by the stages each day."""

    creator_id: np.ndarray  # int64
    category: np.ndarray  # int64, sorted
    followers: np.ndarray  # int64, current level
    quality: np.ndarray  # float64 in (0, 1): content quality
    skill: np.ndarray  # float64 in (0, 1): selling skill
    orientation: np.ndarray  # float64 in [0, 1]: 0 pure entertainer .. 1 full-time seller
    capacity_hours: np.ndarray  # float64: hours a day without strain
    procrastinator: np.ndarray  # bool: features samples near the deadline
    views_per_piece: np.ndarray  # float64: yesterday's views per piece (social proof)
    workload: np.ndarray  # float64: yesterday's work / capacity
    stress: np.ndarray  # float64 (M15, sim.stages.update_stress)
    high_days: np.ndarray  # int64: days in a row at or above the stress threshold
    burnt_days_left: np.ndarray  # int64: > 0 while burnt out
    burnouts: np.ndarray  # int64: burnouts so far
    first_burnout_day: np.ndarray  # int64: -1 if never
    joined_day: np.ndarray  # int64: day the slot's creator joined (0 for the first cohort)
    effort: np.ndarray  # float64: multiplier of planned hours (adaptation)
    uptake: np.ndarray  # float64: multiplier of the chance to accept a sample (adaptation)
    active: np.ndarray  # bool: on the platform (False: left, slot vacant)
    # -- issue 11: the attention market, payoffs, viability ---------------------------------
    left_day: np.ndarray | None = None  # int64: day the creator left, -1 while active
    full_time: np.ndarray | None = None  # bool: works at it full time (larger capacity)
    reservation_income: np.ndarray | None = None  # float64, currency/day (viability)
    reservation_views: np.ndarray | None = None  # float64, views/day (viability)
    income_record: np.ndarray | None = None  # float64: discounted income/day (viability)
    views_record: np.ndarray | None = None  # float64: discounted views/day (viability)
    below_days: np.ndarray | None = None  # int64: days in a row below both reservations
    engagement: np.ndarray | None = None  # float64: discounted engagement E (RecSim NG)
    satiation: np.ndarray | None = None  # float64: viewers' satiation with the creator
    direction: np.ndarray | None = None  # float64: +1/-1, the gradient rule's last step
    last_payoff: np.ndarray | None = None  # float64: last period's payoff per day
    # running totals since the first reported day (the creators table), reset for newcomers
    income: np.ndarray | None = None  # float64: commission + paid offers, currency
    commission: np.ndarray | None = None  # float64, currency
    fees: np.ndarray | None = None  # float64: paid offers, currency
    gmv: np.ndarray | None = None  # float64, currency
    views: np.ndarray | None = None  # float64
    pieces: np.ndarray | None = None  # int64: videos + livestreams
    active_days: np.ndarray | None = None  # int64
    days_burnt_out: np.ndarray | None = None  # int64
    samples_received: np.ndarray | None = None  # int64
    samples_missed: np.ndarray | None = None  # int64
    hours: np.ndarray | None = None  # float64: hours worked
    list_exposure: np.ndarray | None = None  # float64: merchants' views of its list places
    days_listed: np.ndarray | None = None  # int64: days within merchants' view of a list
    workload_sum: np.ndarray | None = None  # float64: summed daily workload
    followers_start: np.ndarray | None = None  # int64: followers on the first reported day

    def __post_init__(self) -> None:
        n = self.category.size
        for f in _EXTRA_FLOAT:
            if getattr(self, f) is None:
                setattr(self, f, np.zeros(n))
        for f in _EXTRA_INT:
            if getattr(self, f) is None:
                setattr(self, f, np.zeros(n, dtype=np.int64))
        if self.left_day is None:
            self.left_day = np.full(n, -1, dtype=np.int64)
        if self.full_time is None:
            self.full_time = np.zeros(n, dtype=bool)
        if self.followers_start is None:
            self.followers_start = np.asarray(self.followers, dtype=np.int64).copy()

    @property
    def n(self) -> int:
        return self.category.size

    @property
    def entertainer(self) -> np.ndarray:
        """Creators who never sell (M14's 'creative influencers')."""
        return self.orientation == 0.0


_EXTRA_FLOAT = (
    "reservation_income",
    "reservation_views",
    "income_record",
    "views_record",
    "engagement",
    "satiation",
    "direction",
    "last_payoff",
    "income",
    "commission",
    "fees",
    "gmv",
    "views",
    "hours",
    "list_exposure",
    "workload_sum",
)
_EXTRA_INT = (
    "below_days",
    "pieces",
    "active_days",
    "days_burnt_out",
    "samples_received",
    "samples_missed",
    "days_listed",
)
#: The running totals of the creators table (zeroed at the end of the burn-in and for newcomers).
TOTALS = (
    "income",
    "commission",
    "fees",
    "gmv",
    "views",
    "hours",
    "pieces",
    "active_days",
    "days_burnt_out",
    "samples_received",
    "samples_missed",
    "burnouts",
    "list_exposure",
    "days_listed",
    "workload_sum",
)


@dataclass(slots=True)
class Merchants:
    """The merchant population (m,) arrays."""

    category: np.ndarray  # int64
    price: np.ndarray  # float64, currency
    sample_tokens: np.ndarray  # float64: samples the budget still allows
    samples_sent: np.ndarray  # int64
    sample_cost: np.ndarray  # float64, currency spent on samples
    sample_gmv: np.ndarray  # float64, GMV attributed to featured samples
    goal: np.ndarray | None = None  # int64: index into sim.population.GOALS

    @property
    def m(self) -> int:
        return self.category.size


def _beta(rng: np.random.Generator, mean: float, conc: float, n: int) -> np.ndarray:
    a, b = mean * conc, (1.0 - mean) * conc
    return rng.beta(a, b, n)


def init_creators(p: ModelParams, n: int, *, rng: np.random.Generator) -> Creators:
    """Draw a creator population: heavy-tailed followers, beta quality and skill (assumed)."""
    pop = p.population
    category = np.sort(rng.integers(0, pop.categories, n))
    followers = np.rint(pop.followers_median * rng.lognormal(0.0, pop.followers_sigma, n))
    quality = _beta(rng, pop.quality_mean, pop.quality_concentration, n)
    skill = _beta(rng, pop.skill_mean, pop.quality_concentration, n)
    entertainer = rng.random(n) < pop.entertainer_share
    orientation = np.where(entertainer, 0.0, rng.uniform(0.2, 1.0, n))
    capacity = np.maximum(0.5, rng.normal(pop.capacity_hours_mean, pop.capacity_hours_sd, n))
    procrastinator = rng.random(n) < pop.procrastinator_share
    full_time = rng.random(n) < pop.full_time_share
    capacity = np.where(full_time, capacity * pop.full_time_capacity, capacity)
    t = p.turnover
    res_income = t.reservation_income * rng.lognormal(0.0, 1.0, n)
    res_income = np.where(full_time, res_income * t.full_time_reservation, res_income)
    res_views = t.reservation_views * rng.lognormal(0.0, 1.0, n)
    return Creators(
        creator_id=np.arange(n, dtype=np.int64),
        category=category.astype(np.int64),
        followers=followers.astype(np.int64),
        quality=quality,
        skill=skill,
        orientation=orientation,
        capacity_hours=capacity,
        procrastinator=procrastinator,
        views_per_piece=np.zeros(n),
        workload=np.zeros(n),
        stress=np.zeros(n),
        high_days=np.zeros(n, dtype=np.int64),
        burnt_days_left=np.zeros(n, dtype=np.int64),
        burnouts=np.zeros(n, dtype=np.int64),
        first_burnout_day=np.full(n, -1, dtype=np.int64),
        joined_day=np.zeros(n, dtype=np.int64),
        effort=np.ones(n),
        uptake=np.ones(n),
        active=np.ones(n, dtype=bool),
        full_time=full_time,
        reservation_income=res_income,
        reservation_views=res_views,
        # the records start at the reservation levels: nobody leaves before a fair trial
        income_record=res_income.copy(),
        views_record=res_views.copy(),
        direction=np.where(rng.random(n) < 0.5, -1.0, 1.0),
        last_payoff=np.full(n, np.nan),
    )


def newcomers(
    c: Creators, slots: np.ndarray, ids: np.ndarray, p: ModelParams, *, rng: np.random.Generator
) -> np.ndarray:
    """Put new creators into ``slots`` (keeping the slot's category); returns their followers.

    Traits are drawn as at the start; audiences are small (``newcomer_followers_median``).
    """
    k = slots.size
    fresh = init_creators(p, k, rng=rng)
    followers = np.rint(p.turnover.newcomer_followers_median * rng.lognormal(0.0, 1.0, k)).astype(
        np.int64
    )
    for name in (
        "quality",
        "skill",
        "orientation",
        "capacity_hours",
        "procrastinator",
        "full_time",
        "reservation_income",
        "reservation_views",
        "income_record",
        "views_record",
        "direction",
    ):
        getattr(c, name)[slots] = getattr(fresh, name)
    c.creator_id[slots] = ids
    c.followers = c.followers.copy()
    c.followers[slots] = followers
    for name, value in (
        ("views_per_piece", 0.0),
        ("workload", 0.0),
        ("stress", 0.0),
        ("high_days", 0),
        ("burnt_days_left", 0),
        ("burnouts", 0),
        ("first_burnout_day", -1),
        ("effort", 1.0),
        ("uptake", 1.0),
        ("left_day", -1),
        ("below_days", 0),
        ("engagement", 0.0),
        ("satiation", 0.0),
        ("last_payoff", 0.0),
        *((name, 0) for name in TOTALS),
    ):
        getattr(c, name)[slots] = value
    c.followers_start[slots] = followers
    c.active[slots] = True
    return followers


def creator_rows(c: Creators, slots: np.ndarray, *, day_offset: int = 0) -> dict[str, np.ndarray]:
    """The creators table's rows for the creators in ``slots`` (copies).

    Days are reported days: absolute day minus ``day_offset`` (the burn-in), so a creator
    who joined during the burn-in has a negative ``joined_day`` (the first cohort
    ``-day_offset``); ``left_day`` is -1 while the creator is active; ``first_burnout_day``
    -1 if it has not burnt out since the first reported day. Totals (income, commission, GMV,
    pieces, ...) cover the reported days only.
    """
    s = np.asarray(slots)
    left = c.left_day[s]
    first = c.first_burnout_day[s]
    active_days = np.maximum(c.active_days[s], 1)
    return {
        "creator_id": c.creator_id[s].copy(),
        "active": c.active[s].copy(),
        "category": c.category[s].copy(),
        "joined_day": c.joined_day[s] - day_offset,
        "left_day": np.where(left >= 0, left - day_offset, -1),
        "entertainer": c.orientation[s] == 0.0,
        "orientation": c.orientation[s].copy(),
        "sales_orientation": c.orientation[s].copy(),
        "full_time": c.full_time[s].copy(),
        "quality": c.quality[s].copy(),
        "skill": c.skill[s].copy(),
        "capacity_hours": c.capacity_hours[s].copy(),
        "procrastinator": c.procrastinator[s].copy(),
        "followers_start": c.followers_start[s].copy(),
        "followers": c.followers[s].copy(),
        "followers_end": c.followers[s].copy(),
        "pieces": c.pieces[s].copy(),
        "active_days": c.active_days[s].copy(),
        "hours": c.hours[s].copy(),
        "views": c.views[s].copy(),
        "income": c.income[s].copy(),
        "commission": c.commission[s].copy(),
        "fees": c.fees[s].copy(),
        "gmv": c.gmv[s].copy(),
        "list_exposure": c.list_exposure[s].copy(),
        "days_listed": c.days_listed[s].copy(),
        "mean_workload": c.workload_sum[s] / active_days,
        "samples_received": c.samples_received[s].copy(),
        "samples_missed": c.samples_missed[s].copy(),
        "stress_end": c.stress[s].copy(),
        "burnouts": c.burnouts[s].copy(),
        "ever_burnt_out": first >= 0,
        "days_burnt_out": c.days_burnt_out[s].copy(),
        "first_burnout_day": np.where(first >= 0, first - day_offset, -1),
        "effort_end": c.effort[s].copy(),
        "uptake_end": c.uptake[s].copy(),
    }


def init_merchants(
    p: ModelParams, creator_category: np.ndarray, *, rng: np.random.Generator
) -> Merchants:
    """Draw merchants: one per ``creators_per_merchant`` creators of each category (at least
    one), lognormal prices with mean ``price_mean``, goals by the ``goal_*`` shares (assumed)."""
    k = p.population.categories
    per = np.maximum(
        1, np.rint(np.bincount(creator_category, minlength=k) / p.population.creators_per_merchant)
    ).astype(np.int64)
    m = int(per.sum())
    price = p.merchants.price_mean * rng.lognormal(-0.125, 0.5, m)  # mean price_mean
    mp = p.merchants
    shares = np.array([getattr(mp, f"goal_{g}") for g in GOALS], dtype=np.float64)
    shares = shares / shares.sum() if shares.sum() > 0 else np.eye(len(GOALS))[0]
    goal = rng.choice(len(GOALS), size=m, p=shares).astype(np.int64)
    return Merchants(
        category=np.repeat(np.arange(k, dtype=np.int64), per),
        price=price,
        sample_tokens=np.full(m, p.merchants.samples_per_week),  # a week's budget to start
        samples_sent=np.zeros(m, dtype=np.int64),
        sample_cost=np.zeros(m),
        sample_gmv=np.zeros(m),
        goal=goal,
    )
