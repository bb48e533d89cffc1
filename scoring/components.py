"""The named components of the five indices (M7), computed from window sums.

Each component is declared once here with the index it belongs to, the mechanic it implements,
its unit, the transform applied before normalising, and its direction. A creator's component
values are kept by the engine so that every index can be explained.

Ratios with a zero denominator are 0 (a creator with no views converted nobody). Growth is
``(now - before) / max(before, growth_floor)``; when the window before lies partly before the
first day of data, growth of views, product views and GMV is unknown (NaN) for everyone.
Cooperation components are NaN for a creator with nothing to measure (no decided sample, no
counted message): the policy's ``missing_component_score`` then applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["COMPONENTS", "Component", "WindowInputs", "compute"]


@dataclass(frozen=True)
class Component:
    """One measured part of an index."""

    name: str
    index: str
    mechanic: str
    unit: str
    transform: str  # "log": log1p; "slog": sign * log1p(|x|); "none"
    higher_is_better: bool
    doc: str


# fmt: off
_TABLE = (
    # name,                   index,         mechanic, unit,                transform, doc
    ("gmv",                    "sales",       "M5", "currency",            "log",
     "GMV produced in the window"),
    ("orders_per_k_views",     "sales",       "M7", "orders/1000 views",   "log",
     "orders per 1,000 views: converting viewers into buyers"),
    ("gmv_per_k_views",        "sales",       "O1", "currency/1000 views", "log",
     "GMV per 1,000 views"),
    ("follower_growth",        "growth",      "M7", "relative change",     "slog",
     "growth in followers over the window"),
    ("view_growth",            "growth",      "O1", "relative change",     "slog",
     "views in the window against the window before"),
    ("product_view_growth",    "growth",      "M7", "relative change",     "slog",
     "product views in the window against the window before"),
    ("gmv_growth",             "growth",      "M7", "relative change",     "slog",
     "GMV in the window against the window before"),
    ("views",                  "popularity",  "O1", "views",               "log",
     "views in the window"),
    ("views_per_content",      "popularity",  "M7", "views/piece",         "log",
     "views per video or livestream"),
    ("watch_seconds_per_view", "popularity",  "M7", "seconds/view",        "log",
     "seconds watched per view"),
    ("engagements_per_view",   "popularity",  "M7", "engagements/view",    "log",
     "comments, likes and shares per view"),
    ("content_count",          "diligence",   "M7", "pieces",              "log",
     "videos plus livestreams"),
    ("products_per_content",   "diligence",   "M7", "products/piece",      "log",
     "products linked per video or livestream"),
    ("products_linked",        "diligence",   "O1", "products",            "log",
     "products linked"),
    ("live_minutes",           "diligence",   "assumed", "minutes",        "log",
     "livestream minutes"),
    ("active_days",            "diligence",   "M6", "days",                "none",
     "days with at least one video or livestream"),
    ("fulfilment_rate",        "cooperation", "M11", "share",              "none",
     "share of decided samples fulfilled in time"),
    ("reply_rate",             "cooperation", "M9", "share",               "none",
     "share of messages answered"),
    ("reply_within_rate",      "cooperation", "O7", "share",               "none",
     "share of messages answered within the limit"),
    ("mean_reply_hours",       "cooperation", "M9", "hours",               "log",
     "mean hours to answer; lower is better"),
    ("median_reply_hours",     "cooperation", "M9", "hours",               "log",
     "median hours to answer; lower is better"),
)
# fmt: on
#: Lower is better for these (they are negated before normalising).
_LOWER_IS_BETTER = {"mean_reply_hours", "median_reply_hours"}

COMPONENTS: dict[str, Component] = {
    row[0]: Component(*row[:5], higher_is_better=row[0] not in _LOWER_IS_BETTER, doc=row[5])
    for row in _TABLE
}


@dataclass(frozen=True)
class WindowInputs:
    """What the components are computed from, for one window ending on one day."""

    sums: Mapping[str, np.ndarray]  # counter -> (n,) int64 sum over the window
    prev_sums: Mapping[str, np.ndarray]  # growth counter -> sum over the window before
    followers_now: np.ndarray  # (n,) at the end of the day
    followers_before: np.ndarray  # (n,) at the start of the window
    growth_known: bool  # the window before lies inside the data
    fulfilment_rate: np.ndarray  # (n,) NaN = no data
    reply_rate: np.ndarray
    reply_within_rate: np.ndarray
    mean_reply_hours: np.ndarray
    median_reply_hours: np.ndarray


def _ratio(num: np.ndarray, den: np.ndarray, scale: float = 1.0) -> np.ndarray:
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=den > 0)
    if scale != 1.0:
        out *= scale
    return out


def _growth(now: np.ndarray, before: np.ndarray, floor: float) -> np.ndarray:
    out = np.subtract(now, before, dtype=np.float64)
    out /= np.maximum(before, floor)
    return out


def compute(names: list[str], x: WindowInputs, *, growth_floor: float) -> dict[str, np.ndarray]:
    """Raw values (float64, NaN = no data) of the named components."""
    s, p = x.sums, x.prev_sums
    n = x.followers_now.size
    out: dict[str, np.ndarray] = {}
    content = None
    unknown = np.full(n, np.nan)
    for name in names:
        if name in ("views_per_content", "products_per_content", "content_count"):
            if content is None:
                content = s["videos"] + s["livestreams"]
        if name == "gmv":
            v = s["gmv_cents"] / 100.0
        elif name == "orders_per_k_views":
            v = _ratio(s["orders"], s["views"], 1000.0)
        elif name == "gmv_per_k_views":
            v = _ratio(s["gmv_cents"], s["views"], 10.0)  # cents -> currency, per 1,000
        elif name == "follower_growth":
            v = _growth(x.followers_now, x.followers_before, growth_floor)
        elif name == "view_growth":
            v = _growth(s["views"], p["views"], growth_floor) if x.growth_known else unknown
        elif name == "product_view_growth":
            known = x.growth_known
            v = _growth(s["product_views"], p["product_views"], growth_floor) if known else unknown
        elif name == "gmv_growth":
            v = (
                _growth(s["gmv_cents"] / 100.0, p["gmv_cents"] / 100.0, growth_floor)
                if x.growth_known
                else unknown
            )
        elif name == "views":
            v = s["views"].astype(np.float64)
        elif name == "views_per_content":
            v = _ratio(s["views"], content)
        elif name == "watch_seconds_per_view":
            v = _ratio(s["watch_seconds"], s["views"])
        elif name == "engagements_per_view":
            v = _ratio(s["engagements"], s["views"])
        elif name == "content_count":
            v = content.astype(np.float64)
        elif name == "products_per_content":
            v = _ratio(s["products_linked"], content)
        elif name == "products_linked":
            v = s["products_linked"].astype(np.float64)
        elif name == "live_minutes":
            v = s["live_minutes"].astype(np.float64)
        elif name == "active_days":
            v = s["active"].astype(np.float64)
        elif name == "fulfilment_rate":
            v = x.fulfilment_rate
        elif name == "reply_rate":
            v = x.reply_rate
        elif name == "reply_within_rate":
            v = x.reply_within_rate
        elif name == "mean_reply_hours":
            v = x.mean_reply_hours
        elif name == "median_reply_hours":
            v = x.median_reply_hours
        else:
            raise KeyError(f"unknown component {name!r}; known: {', '.join(COMPONENTS)}")
        out[name] = v
    return out
