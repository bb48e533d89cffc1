"""The scoring policy: every weight, window, threshold and rule option of the ranking lists.

Each field is declared once with its unit, default and provenance (a mechanic number from
``docs/mechanics.md``, or ``assumed`` with a reason). The defaults are the 2022 reports (M-rules)
with documented assumptions where the reports are silent; ``scenarios/official_2024.toml``
switches to the later published rules (O-rules). Load a policy from the ``[scoring]`` table
of a scenario file with :meth:`ScoringPolicy.from_toml`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .params import ParamInfo, build, describe, param, read_toml

__all__ = [
    "INDICES",
    "LISTS",
    "WINDOW_DAYS",
    "CooperationWeights",
    "DiligenceWeights",
    "EligibilityRule",
    "FulfilmentRule",
    "GrowthWeights",
    "IndexWeights",
    "OverallWeights",
    "PopularityWeights",
    "ResponsivenessRule",
    "SalesWeights",
    "ScoringPolicy",
]

#: M5: the periods a list can cover, in days.
WINDOW_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 30}
#: M7: the five indices, in the order the reports list them.
INDICES: tuple[str, ...] = ("sales", "growth", "popularity", "diligence", "cooperation")
#: The lists the engine ranks: the five index lists (M7), the GMV list (M5/M13), and an
#: overall list combining the five indices (M6; assumed, see ``ScoringPolicy.overall``).
LISTS: tuple[str, ...] = (*INDICES, "gmv", "overall")

_W = "weight"


def _weight(default: float, source: str, doc: str, reason: str = "") -> Any:
    return param(default, unit=_W, source=source, doc=doc, low=0.0, high=1000.0, reason=reason)


def _weight_problems(obj: Any) -> list[tuple[str, Any, str]]:
    total = sum(getattr(obj, f.name) for f in dataclasses.fields(obj))
    if total <= 0:
        values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        return [("(weights)", values, "at least one weight above 0 (weights are relative)")]
    return []


@dataclass(frozen=True)
class SalesWeights:
    """M7.1 "top sales stars": converting viewers into purchasers; O1: GMV per 1,000 views."""

    gmv: float = _weight(1.0, "M5", "GMV the creator's content produced in the window (M5, M13)")
    orders_per_k_views: float = _weight(
        1.0, "M7", "orders per 1,000 views: converting viewers into purchasers (M7.1)"
    )
    gmv_per_k_views: float = _weight(
        0.0, "O1", "GMV per 1,000 views (O1's top-sales measure); off in the 2022 reading"
    )

    def problems(self) -> list[tuple[str, Any, str]]:
        return _weight_problems(self)


@dataclass(frozen=True)
class GrowthWeights:
    """M7.2 "fast growing": growth of followers, viewership of promoted products and sales."""

    follower_growth: float = _weight(1.0, "M7", "relative growth in followers over the window")
    view_growth: float = _weight(
        0.0, "O1", "relative growth in video and LIVE views (O1); off in the 2022 reading"
    )
    product_view_growth: float = _weight(
        1.0, "M7", "relative growth in views of the promoted products (M7.2)"
    )
    gmv_growth: float = _weight(1.0, "M7", "relative growth in GMV (M7.2)")

    def problems(self) -> list[tuple[str, Any, str]]:
        return _weight_problems(self)


@dataclass(frozen=True)
class PopularityWeights:
    """M7.3 popularity: views per piece of content, watch time, engagement."""

    views: float = _weight(
        0.0, "O1", "total views in the window (O1's 'popular: total'); off in the 2022 reading"
    )
    views_per_content: float = _weight(1.0, "M7", "views per video or livestream (M7.3)")
    watch_seconds_per_view: float = _weight(
        1.0, "M7", "seconds watched per view: how long viewers stay (M7.3)"
    )
    engagements_per_view: float = _weight(1.0, "M7", "comments, likes and shares per view (M7.3)")

    def problems(self) -> list[tuple[str, Any, str]]:
        return _weight_problems(self)


@dataclass(frozen=True)
class DiligenceWeights:
    """M7.4 diligence: how much shoppable content, how many products linked; M6 consistency."""

    content_count: float = _weight(1.0, "M7", "videos plus livestreams posted (M7.4)")
    products_per_content: float = _weight(
        1.0, "M7", "products linked per video or livestream (M7.4)"
    )
    products_linked: float = _weight(
        0.0, "O1", "linked products in the window (O1 'productive'); off in the 2022 reading"
    )
    live_minutes: float = _weight(
        0.0,
        "assumed",
        "livestream minutes in the window",
        reason="the reports count livestreams, not their length; offered for variants",
    )
    active_days: float = _weight(
        1.0, "M6", "days in the window with at least one video or livestream: consistency (M6)"
    )

    def problems(self) -> list[tuple[str, Any, str]]:
        return _weight_problems(self)


@dataclass(frozen=True)
class CooperationWeights:
    """M7.5 cooperation: samples featured in time (M10, M11) and answering merchants (M9)."""

    fulfilment_rate: float = _weight(
        1.0, "M11", "share of decided samples fulfilled in time (M10, M11)"
    )
    reply_rate: float = _weight(1.0, "M9", "share of merchant messages answered (M9)")
    reply_within_rate: float = _weight(
        0.0, "O7", "share of messages answered within the reply limit (O7); off in 2022"
    )
    mean_reply_hours: float = _weight(
        1.0, "M9", "mean hours to answer a message; faster is better (M9)"
    )
    median_reply_hours: float = _weight(
        0.0,
        "M9",
        "median hours to answer a message; faster is better (M9); off by default",
    )

    def problems(self) -> list[tuple[str, Any, str]]:
        return _weight_problems(self)


@dataclass(frozen=True)
class IndexWeights:
    """Component weights of each index (M7a: how the parts are weighted is not reported).

    Weights are relative: an index is the weighted mean of its normalised components.
    A weight of 0 switches a component off (and it is not computed on the fast path).
    """

    sales: SalesWeights = SalesWeights()
    growth: GrowthWeights = GrowthWeights()
    popularity: PopularityWeights = PopularityWeights()
    diligence: DiligenceWeights = DiligenceWeights()
    cooperation: CooperationWeights = CooperationWeights()


@dataclass(frozen=True)
class OverallWeights:
    """Weights of the five indices and GMV in the overall list (M6; weights assumed)."""

    sales: float = _weight(1.0, "assumed", "sales index", reason="equal weights: not reported")
    growth: float = _weight(1.0, "assumed", "growth index", reason="equal weights: not reported")
    popularity: float = _weight(
        1.0, "assumed", "popularity index", reason="equal weights: not reported"
    )
    diligence: float = _weight(
        1.0, "assumed", "diligence index", reason="equal weights: not reported"
    )
    cooperation: float = _weight(
        1.0, "assumed", "cooperation index", reason="equal weights: not reported"
    )

    def problems(self) -> list[tuple[str, Any, str]]:
        return _weight_problems(self)


@dataclass(frozen=True)
class FulfilmentRule:
    """M10/M11/M11a (2022) and O2/O3 (later): when a free sample counts as featured in time."""

    window_days: int = param(
        17,
        unit="days",
        source="M10",
        low=1,
        high=365,
        doc="days after the clock starts within which the sample must be featured",
    )
    clock_start: str = param(
        "shipped",
        unit="event",
        source="M10",
        choices=("shipped", "delivered"),
        doc="what starts the clock: the merchant shipping it (M10) or its delivery (O2)",
    )
    extension_days: int = param(
        0,
        unit="days",
        source="M10",
        low=0,
        high=365,
        doc="one extension of the window, granted to every sample (O2 allows one of 7 days; "
        "the data has no record of requests, so the engine assumes it is always taken)",
    )
    retention_days: int = param(
        3,
        unit="days",
        source="M10",
        low=1,
        high=365,
        doc="days straight a featuring video must stay public; a re-post restarts the count",
    )
    retention_must_end_in_window: bool = param(
        False,
        unit="flag",
        source="assumed",
        doc="whether the retention days must also fall inside the window",
        reason="O2 calls it a posting window: posting by the deadline is what is timed",
    )
    live_continuous_minutes: int = param(
        10,
        unit="minutes",
        source="M10",
        low=1,
        high=1440,
        doc="continuous livestream minutes showing the product; segments do not add up",
    )
    shipping_days: int = param(
        3,
        unit="days",
        source="assumed",
        low=0,
        high=60,
        doc="days from shipping to delivery when the delivery day is not recorded (M11a)",
        reason="typical domestic parcel time in the SEA markets; only used for a missing day",
    )
    pending_counts_as: str = param(
        "excluded",
        unit="rule",
        source="assumed",
        choices=("excluded", "fulfilled", "missed"),
        doc="how a sample still inside its window counts in the fulfilment rate (M11a)",
        reason="a sample not yet due is neither kept nor broken",
    )
    lookback_days: int = param(
        90,
        unit="days",
        source="assumed",
        low=1,
        high=3650,
        doc="samples decided in this many days up to the scoring day count in the rate",
        reason="a reputation over a quarter; a one-day list window would leave it empty",
    )


@dataclass(frozen=True)
class ResponsivenessRule:
    """M9 (2022) and O7 (later): how answering merchants' messages is measured."""

    reply_within_hours: float = param(
        24.0,
        unit="hours",
        source="O7",
        low=0.01,
        high=24.0 * 365,
        doc="a message counts as answered in time if the reply comes within this many hours",
    )
    lookback_days: int = param(
        30,
        unit="days",
        source="assumed",
        low=1,
        high=3650,
        doc="messages received in this many days up to the scoring day count",
        reason="a month of messages; enough to measure most active creators",
    )
    maturity: str = param(
        "matured",
        unit="rule",
        source="assumed",
        choices=("matured", "all"),
        doc="'matured' counts a message only once its reply limit has passed (or it was "
        "answered); 'all' counts every message received, answered or not yet",
        reason="a message received an hour ago cannot fairly count as unanswered",
    )


@dataclass(frozen=True)
class EligibilityRule:
    """M12/M13 (reported) with M13a thresholds (assumed): who is left off every list."""

    min_followers: int = param(
        1000,
        unit="followers",
        source="assumed",
        low=0,
        high=10**10,
        doc="creators with fewer followers on the scoring day are excluded (M12)",
        reason="O6 later set 1,000 followers for affiliate creators; 2022 threshold unknown",
    )
    active_within_days: int = param(
        7,
        unit="days",
        source="assumed",
        low=1,
        high=3650,
        doc="creators with no video or livestream in this many days are excluded (M12)",
        reason="a week without content; 'recent engagement' is not quantified (M13a)",
    )
    min_fulfilment_rate: float = param(
        0.5,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="creators whose fulfilment rate is below this are excluded (M12)",
        reason="'low fulfilment score' is not quantified (M13a); half is a neutral guess",
    )
    min_decided_samples: int = param(
        2,
        unit="samples",
        source="assumed",
        low=1,
        high=10**6,
        doc="the fulfilment rule applies only with at least this many decided samples",
        reason="one missed sample alone should not exclude a creator",
    )
    min_reply_rate: float = param(
        0.0,
        unit="share",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="creators answering fewer messages than this share are excluded (M12)",
        reason="off by default: the reports tie exclusion to samples, not messages",
    )
    min_messages: int = param(
        3,
        unit="messages",
        source="assumed",
        low=1,
        high=10**6,
        doc="the reply-rate rule applies only with at least this many counted messages",
        reason="a single unanswered message should not exclude a creator",
    )
    min_gmv: float = param(
        0.0,
        unit="currency",
        source="assumed",
        low=0.0,
        high=1e15,
        doc="creators with less GMV in the window are excluded; 0 switches the rule off (M13)",
        reason="M13 ranks low GMV lower rather than excluding it",
    )


@dataclass(frozen=True)
class ScoringPolicy:
    """Everything that decides the lists: windows, normalisation, weights, rules, thresholds.

    Build with :meth:`from_toml` (the ``[scoring]`` table of a scenario file) or
    :meth:`from_mapping`; the default instance is the 2022 reading (``reported_2022.toml``).
    """

    windows: tuple[str, ...] = param(
        ("day", "week", "month"),
        unit="windows",
        source="M5",
        choices=tuple(WINDOW_DAYS),
        doc="periods the lists are computed for: a day, a week (7 days), a month (30 days)",
    )
    list_length: int = param(
        100,
        unit="positions",
        source="assumed",
        low=1,
        high=10**7,
        doc="positions shown on each list per category; creators below are not listed",
        reason="the length of the merchant view is not reported; 100 fills a few screens",
    )
    normalisation: str = param(
        "minmax",
        unit="method",
        source="M7a",
        choices=("minmax", "percentile", "zscore"),
        doc="how a component is put on a 0-1 scale within its category: min-max, "
        "percentile rank, or z-score through the normal CDF",
    )
    log_transform: bool = param(
        True,
        unit="flag",
        source="assumed",
        doc="take log(1 + x) of count, amount and ratio components before normalising",
        reason="views, GMV and followers are heavy-tailed; without it a few creators "
        "squash everyone else to 0",
    )
    missing_component_score: float = param(
        0.0,
        unit="score",
        source="assumed",
        low=0.0,
        high=1.0,
        doc="normalised score of a cooperation component with no data (no samples decided, "
        "no messages counted)",
        reason="no evidence of cooperation earns nothing (M12 treats it as low enthusiasm)",
    )
    gmv_blend: float = param(
        0.2,
        unit="share",
        source="M13",
        low=0.0,
        high=1.0,
        doc="share of normalised GMV blended into each index list's score, so lower GMV "
        "places a creator lower (M13); the blend share itself is assumed",
    )
    growth_floor: float = param(
        1.0,
        unit="units",
        source="assumed",
        low=1e-9,
        high=1e12,
        doc="growth is (now - before) / max(before, floor), with floor in the counter's "
        "own unit (followers, views, currency)",
        reason="keeps a creator growing from zero finite",
    )
    weights: IndexWeights = IndexWeights()
    overall: OverallWeights = OverallWeights()
    fulfilment: FulfilmentRule = FulfilmentRule()
    responsiveness: ResponsivenessRule = ResponsivenessRule()
    eligibility: EligibilityRule = EligibilityRule()

    def problems(self) -> list[tuple[str, Any, str]]:
        if not self.windows:
            return [("windows", list(self.windows), "at least one of 'day', 'week', 'month'")]
        return []

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], *, file: str = "<mapping>", prefix: str = "scoring"
    ) -> ScoringPolicy:
        """Build from the contents of a ``[scoring]`` table; every problem is reported."""
        return build(cls, data, file=file, prefix=prefix)

    @classmethod
    def from_toml(cls, path: str | Path) -> ScoringPolicy:
        """Read the ``[scoring]`` table of a scenario file (an absent table means defaults)."""
        data = read_toml(path)
        table = data.get("scoring", {})
        return cls.from_mapping(table, file=str(path))

    # -- introspection ----------------------------------------------------------------
    def parameters(self) -> Iterator[tuple[str, Any, Any, ParamInfo]]:
        """Every parameter as ``(key, value, default, info)``, keys dotted under ``scoring``."""
        yield from describe(self, "scoring")

    @property
    def max_window_days(self) -> int:
        return max(WINDOW_DAYS[w] for w in self.windows)

    def component_weights(self, index: str) -> dict[str, float]:
        """The component weights of one index, by component name."""
        sect = getattr(self.weights, index)
        return {f.name: getattr(sect, f.name) for f in dataclasses.fields(sect)}

    def overall_weights(self) -> dict[str, float]:
        return {i: getattr(self.overall, i) for i in INDICES}
