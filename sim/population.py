"""Populations as arrays: creators and merchants, one array per attribute.

Creators are stored in category order (the scoring engine's fast path) and their ids are their
initial positions, so within a category array order is id order (the lists' tie-break).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import ModelParams

__all__ = ["Creators", "Merchants", "init_creators", "init_merchants", "newcomers"]


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

    @property
    def n(self) -> int:
        return self.category.size

    @property
    def entertainer(self) -> np.ndarray:
        """Creators who never sell (M14's 'creative influencers')."""
        return self.orientation == 0.0


@dataclass(slots=True)
class Merchants:
    """The merchant population (m,) arrays."""

    category: np.ndarray  # int64
    price: np.ndarray  # float64, currency
    sample_tokens: np.ndarray  # float64: samples the budget still allows
    samples_sent: np.ndarray  # int64
    sample_cost: np.ndarray  # float64, currency spent on samples
    sample_gmv: np.ndarray  # float64, GMV attributed to featured samples

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
    for name in ("quality", "skill", "orientation", "capacity_hours", "procrastinator"):
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
    ):
        getattr(c, name)[slots] = value
    c.active[slots] = True
    return followers


def init_merchants(
    p: ModelParams, creator_category: np.ndarray, *, rng: np.random.Generator
) -> Merchants:
    """Draw merchants: one per ``creators_per_merchant`` creators of each category (at least
    one), lognormal prices with mean ``price_mean`` (assumed)."""
    k = p.population.categories
    per = np.maximum(
        1, np.rint(np.bincount(creator_category, minlength=k) / p.population.creators_per_merchant)
    ).astype(np.int64)
    m = int(per.sum())
    price = p.merchants.price_mean * rng.lognormal(-0.125, 0.5, m)  # mean price_mean
    return Merchants(
        category=np.repeat(np.arange(k, dtype=np.int64), per),
        price=price,
        sample_tokens=np.full(m, p.merchants.samples_per_week),  # a week's budget to start
        samples_sent=np.zeros(m, dtype=np.int64),
        sample_cost=np.zeros(m),
        sample_gmv=np.zeros(m),
    )
