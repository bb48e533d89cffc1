"""One test (at least) per mechanic of docs/mechanics.md, each named after it.

Every test builds a small in-memory dataset (``validate_tables``), scores it with
``score_dataset`` (or drives the array API directly), and compares what the engine produced with
values worked out by hand from the documented rules: the arithmetic is written out in the test
(``L = math.log1p`` is the log transform), never delegated to the engine's own helpers.

Conventions of the documented rules used throughout (``scoring/*.py`` docstrings):

* a component is put on 0-1 within its category; min-max by default, after ``log(1 + x)`` for
  counts, amounts and ratios (``sign(x) log(1 + |x|)`` for growth); lower-is-better components
  are negated first; a constant component scores 0.5; a missing one ``missing_component_score``;
* an index is the weighted mean of its normalised components; a list ranks eligible creators by
  ``(1 - gmv_blend) * index + gmv_blend * normalised GMV``, ties by creator id;
* a sample's deadline is ``clock + window_days + extension_days``; a feature must start on or
  before it; a video posted on day s and taken down on day e was up on days s..e-1 and fulfils
  when up ``retention_days`` days straight, decided on day ``s + retention_days - 1``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from scoring import ScoringPolicy, ScoringState, score_dataset
from scoring.data import TABLES, validate_tables
from scoring.engine import exclusion_names
from scoring.rolling import COUNTERS, GROWTH_COUNTERS

L = math.log1p  # the documented log transform, log(1 + x)
REPORTED = ScoringPolicy()  # equal to scenarios/reported_2022.toml
OFFICIAL_TOML = Path(__file__).resolve().parents[1] / "scenarios" / "official_2024.toml"
TOL = 1e-9


# --------------------------------------------------------------------------------- helpers

_ACTIVITY = TABLES["activity"]


def row(day: int, cid: str, *, followers: int = 5000, videos: int = 1, **counters) -> dict:
    """One activity row (a video by default); counters not given are 0."""
    r = {k: 0 for k in _ACTIVITY}
    r.update(day=day, creator_id=cid, followers=followers, videos=videos, gmv=0.0)
    for k, v in counters.items():
        assert k in r, k
        r[k] = v
    return r


def build(creators, activity, samples=(), features=(), messages=()):
    """A Dataset from tuples: creators (id, category, followers), samples (id, creator,
    merchant, shipped, delivered|None), features (sample, kind, start, end|None, minutes|None),
    messages (id, creator, merchant, sent_hour, replied_hour|None)."""

    def cols(rows, names):
        return {n: [r[i] for r in rows] for i, n in enumerate(names)}

    tables = {
        "creators": cols(creators, ("creator_id", "category", "followers")),
        "activity": {k: [r[k] for r in activity] for k in _ACTIVITY},
        "samples": cols(
            samples, ("sample_id", "creator_id", "merchant_id", "shipped_day", "delivered_day")
        ),
        "features": cols(
            features, ("sample_id", "kind", "start_day", "end_day", "continuous_minutes")
        ),
        "messages": cols(
            messages, ("message_id", "creator_id", "merchant_id", "sent_hour", "replied_hour")
        ),
    }
    return validate_tables(tables, source="test")


def run(ds, policy=None, *, day, window="week"):
    return score_dataset(ds, policy or REPORTED, day=day, window=window, depth=None)


def _i(r, cid):
    return int(np.flatnonzero(r.creator_ids == cid)[0])


def comp(r, name, cid):
    return float(r.scores.components[name][_i(r, cid)])


def norm(r, name, cid):
    return float(r.scores.normalised[name][_i(r, cid)])


def index(r, name, cid):
    return float(r.scores.indices[name][_i(r, cid)])


def list_score(r, name, cid):
    return float(r.scores.list_scores[name][_i(r, cid)])


def order(r, name, category="beauty"):
    c = r.categories.index(category)
    return [str(r.creator_ids[k]) for k in r.scores.lists[name].category_slice(c)]


def reasons(r, cid):
    return exclusion_names(int(r.scores.exclusion[_i(r, cid)]))


def statuses(r):
    """sample_id -> (status, decided_day, deadline_day) as of the scoring day."""
    t = r.samples_table()
    return {
        str(s): (str(st), int(d), int(dl))
        for s, st, d, dl in zip(
            t["sample_id"], t["status"], t["decided_day"], t["deadline_day"], strict=True
        )
    }


def approx(x):
    return pytest.approx(x, abs=TOL)


def filler(cids, days, **kw):
    """One plain video row per creator and day (keeps creators active and the data long)."""
    return [row(d, c, **kw) for c in cids for d in days]


def sample_case(samples, features, *, day, policy=None, days=30):
    """Score one active creator "c1" with the given samples and features."""
    ds = build([("c1", "beauty", 5000)], filler(["c1"], range(days)), samples, features)
    return statuses(run(ds, policy, day=day))


# ---------------------------------------------------------------------------- M4: category


def test_M4_separate_lists_per_category():
    creators = [("b1", "beauty", 5000), ("b2", "beauty", 5000), ("k1", "baby", 5000)]
    act = [
        row(0, "b1", views=1000, orders=10, gmv=300.0),
        row(0, "b2", views=1000, orders=5, gmv=100.0),
        row(0, "k1", views=90000, orders=900, gmv=50000.0),
    ]
    r = run(build(creators, act), day=0, window="day")
    # Each category has its own list: the baby creator's far larger GMV does not touch beauty.
    assert order(r, "gmv", "beauty") == ["b1", "b2"]
    assert order(r, "gmv", "baby") == ["k1"]
    for name in ("sales", "growth", "popularity", "diligence", "cooperation", "overall"):
        assert order(r, name, "baby") == ["k1"]
        assert "k1" not in order(r, name, "beauty")
    # Normalisation is within the category: b1 has the beauty maximum GMV, so it scores 1,
    # b2 the minimum, 0; k1 alone in its category does not vary, so every component is 0.5.
    assert norm(r, "gmv", "b1") == approx(1.0)
    assert norm(r, "gmv", "b2") == approx(0.0)
    assert norm(r, "gmv", "k1") == approx(0.5)
    # Removing the other category changes nothing in beauty.
    alone = run(build(creators[:2], act[:2]), day=0, window="day")
    for name in ("sales", "growth", "popularity", "diligence", "cooperation", "overall"):
        for cid in ("b1", "b2"):
            assert index(r, name, cid) == approx(index(alone, name, cid))


# ------------------------------------------------------------------------------ M5: period


def test_M5_gmv_over_a_day_a_week_or_a_month():
    creators = [("c1", "beauty", 5000), ("c2", "beauty", 5000)]
    act = [row(d, "c1", gmv=200.0 if d == 29 else 0.0) for d in range(30)]
    act += [row(d, "c2", gmv=20.0) for d in range(30)]
    ds = build(creators, act)
    r = {w: run(ds, day=29, window=w) for w in ("day", "week", "month")}
    # c1 sold 200 on day 29 only; c2 sold 20 on each of days 0..29.
    assert comp(r["day"], "gmv", "c1") == approx(200.0)
    assert comp(r["day"], "gmv", "c2") == approx(20.0)  # day 29 only
    assert comp(r["week"], "gmv", "c2") == approx(7 * 20.0)  # days 23..29
    assert comp(r["month"], "gmv", "c2") == approx(30 * 20.0)  # days 0..29
    assert comp(r["month"], "gmv", "c1") == approx(200.0)
    assert order(r["day"], "gmv") == ["c1", "c2"]  # 200 > 20
    assert order(r["week"], "gmv") == ["c1", "c2"]  # 200 > 140
    assert order(r["month"], "gmv") == ["c2", "c1"]  # 600 > 200
    # The GMV list reports the window's GMV.
    t = r["month"].lists_table()
    gmv_rows = [(c, s) for lst, c, s in zip(t["list"], t["creator_id"], t["score"], strict=True)
                if lst == "gmv"]
    assert gmv_rows == [("c2", approx(600.0)), ("c1", approx(200.0))]


# ----------------------------------------------------------------------- M6: five metrics


def test_M6_metrics_are_measured_over_the_period():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000)]
    act = [
        row(10, "a", views=1000, gmv=50.0),  # in the month window only
        row(23, "a", products_linked=2, views=2000, watch_seconds=20000, engagements=100,
            orders=5, gmv=100.0),
        row(25, "a", videos=0, livestreams=1, live_minutes=30, products_linked=3, views=4000,
            watch_seconds=60000, engagements=200, orders=10, gmv=300.0),
        row(27, "a", videos=2, products_linked=4, views=3000, watch_seconds=30000,
            engagements=60, orders=3, gmv=60.0),
        row(29, "a", views=1000, watch_seconds=5000, engagements=10),
        *filler(["b"], range(30)),
    ]
    samples = [("s1", "a", "m1", 1, None)]
    features = [("s1", "video", 2, None, None)]
    messages = [("g1", "a", "m1", 24.0, 30.0)]
    ds = build(creators, act, samples, features, messages)
    week = run(ds, day=29, window="week")  # days 23..29
    # How much content: 1 + 1 + 2 + 1 pieces; how consistent: 4 active days.
    assert comp(week, "content_count", "a") == approx(5)
    assert comp(week, "active_days", "a") == approx(4)
    assert comp(week, "products_per_content", "a") == approx((2 + 3 + 4) / 5)
    # How popular: 10,000 views over 5 pieces, 115,000 s watched, 370 engagements.
    assert comp(week, "views_per_content", "a") == approx(10000 / 5)
    assert comp(week, "watch_seconds_per_view", "a") == approx(115000 / 10000)
    assert comp(week, "engagements_per_view", "a") == approx(370 / 10000)
    # How many sales: GMV 460 from 18 orders on 10,000 views.
    assert comp(week, "gmv", "a") == approx(460.0)
    assert comp(week, "orders_per_k_views", "a") == approx(18 / 10000 * 1000)
    # How collaborative: the one sample was fulfilled (decided day 4), the message answered.
    assert comp(week, "fulfilment_rate", "a") == approx(1.0)
    assert comp(week, "reply_rate", "a") == approx(1.0)
    assert comp(week, "mean_reply_hours", "a") == approx(6.0)
    assert comp(week, "median_reply_hours", "a") == approx(6.0)
    month = run(ds, day=29, window="month")  # days 0..29 add day 10
    assert comp(month, "content_count", "a") == approx(6)
    assert comp(month, "active_days", "a") == approx(5)
    assert comp(month, "gmv", "a") == approx(510.0)
    assert comp(month, "views_per_content", "a") == approx(11000 / 6)
    day = run(ds, day=29, window="day")
    assert comp(day, "content_count", "a") == approx(1)
    assert comp(day, "gmv", "a") == approx(0.0)


# ----------------------------------------------------------------------- M7: the indices


def test_M7_sales_index_converting_viewers_into_purchasers():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000), ("c", "beauty", 5000)]
    act = [
        row(2, "a", views=2000, orders=20, gmv=400.0),
        row(5, "a", views=1000, orders=10, gmv=200.0),  # a: GMV 600, 30 orders / 3,000 views
        row(5, "b", views=1000, orders=20, gmv=200.0),  # b: GMV 200, 20 orders / 1,000 views
        row(6, "c", views=5000),  # c: no sales
    ]
    r = run(build(creators, act), day=6, window="week")
    assert comp(r, "orders_per_k_views", "a") == approx(10.0)
    assert comp(r, "orders_per_k_views", "b") == approx(20.0)
    assert comp(r, "orders_per_k_views", "c") == approx(0.0)
    gmv = {"a": 1.0, "b": L(200) / L(600), "c": 0.0}  # min-max of log(1 + GMV), min 0
    opk = {"a": L(10) / L(20), "b": 1.0, "c": 0.0}
    for cid in "abc":
        assert norm(r, "gmv", cid) == approx(gmv[cid])
        assert index(r, "sales", cid) == approx((gmv[cid] + opk[cid]) / 2)
        assert list_score(r, "sales", cid) == approx(
            0.8 * (gmv[cid] + opk[cid]) / 2 + 0.2 * gmv[cid]
        )
    # b converts better (index 0.914 > 0.894) but a's larger GMV puts it first (M13 blend):
    # a: 0.8 * 0.894 + 0.2 * 1 = 0.915; b: 0.8 * 0.914 + 0.2 * 0.829 = 0.897.
    assert index(r, "sales", "b") > index(r, "sales", "a")
    assert order(r, "sales") == ["a", "b", "c"]


def test_M7_growth_index_followers_product_views_and_sales():
    creators = [("a", "beauty", 800), ("b", "beauty", 1900), ("c", "beauty", 5200)]
    act = [
        # window before = days 0..6, window = days 7..13 (week ending day 13); followers
        # at the start of the window are those at the end of day 6 (the day-3 rows)
        row(3, "a", followers=1000, product_views=100, gmv=50.0),
        row(10, "a", followers=3000, product_views=400, gmv=250.0),
        row(13, "a", followers=3000),
        row(3, "b", followers=2000, product_views=200, gmv=100.0),
        row(10, "b", followers=2200, product_views=200, gmv=50.0),
        row(13, "b", followers=2200),
        row(3, "c", followers=5000),
        row(10, "c", followers=4500, product_views=50, gmv=10.0),
        row(13, "c", followers=4500),
    ]
    ds = build(creators, act)
    r = run(ds, day=13, window="week")
    # growth = (now - before) / max(before, 1)
    raw = {
        "a": {"follower_growth": 2.0, "product_view_growth": 3.0, "gmv_growth": 4.0},
        "b": {"follower_growth": 0.1, "product_view_growth": 0.0, "gmv_growth": -0.5},
        "c": {"follower_growth": -0.1, "product_view_growth": 50.0, "gmv_growth": 10.0},
    }
    for cid, vals in raw.items():
        for name, v in vals.items():
            assert comp(r, name, cid) == approx(v), (cid, name)
    # slog = sign(x) log(1 + |x|), then min-max
    fg = {"a": 1.0, "b": 2 * L(0.1) / (L(2) + L(0.1)), "c": 0.0}
    pvg = {"a": L(3) / L(50), "b": 0.0, "c": 1.0}
    gg = {"a": (L(4) + L(0.5)) / (L(10) + L(0.5)), "b": 0.0, "c": 1.0}
    for cid in "abc":
        assert index(r, "growth", cid) == approx((fg[cid] + pvg[cid] + gg[cid]) / 3)
    # GMV (week): a 250, b 50, c 10
    g = {"a": 1.0, "b": (L(50) - L(10)) / (L(250) - L(10)), "c": 0.0}
    assert order(r, "growth") == sorted(
        "abc", key=lambda k: -(0.8 * (fg[k] + pvg[k] + gg[k]) / 3 + 0.2 * g[k])
    )
    assert order(r, "growth") == ["a", "c", "b"]
    # With 13 days of history the week before is not all in the data: view and GMV growth
    # are unknown for everyone (scored missing_component_score = 0); followers still count.
    early = run(ds, day=12, window="week")
    assert math.isnan(comp(early, "product_view_growth", "a"))
    assert math.isnan(comp(early, "gmv_growth", "a"))
    assert norm(early, "gmv_growth", "a") == 0.0
    # month ending day 13: followers against the start of day 0 (creators table)
    month = run(ds, day=13, window="month")
    assert comp(month, "follower_growth", "a") == approx((3000 - 800) / 800)
    assert comp(month, "follower_growth", "c") == approx((4500 - 5200) / 5200)
    # day window ending day 13: against the end of day 12 (still the day-10 level)
    day = run(ds, day=13, window="day")
    assert comp(day, "follower_growth", "a") == approx(0.0)
    assert comp(run(ds, day=10, window="day"), "follower_growth", "a") == approx(2.0)


def test_M7_popularity_index_views_watch_time_engagement():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000), ("c", "beauty", 5000)]
    act = [
        row(6, "a", views=10000, watch_seconds=150000, engagements=800),
        row(6, "b", videos=2, views=6000, watch_seconds=120000, engagements=300),
        row(6, "c", videos=0, livestreams=1, live_minutes=30, views=1000, watch_seconds=5000,
            engagements=10),
    ]
    r = run(build(creators, act), day=6, window="week")
    # views per piece: 10,000, 3,000, 1,000; seconds per view: 15, 20, 5;
    # engagements per view: 0.08, 0.05, 0.01
    assert comp(r, "views_per_content", "b") == approx(3000.0)
    assert comp(r, "watch_seconds_per_view", "a") == approx(15.0)
    assert comp(r, "engagements_per_view", "c") == approx(0.01)
    vpc = {"a": 1.0, "b": (L(3000) - L(1000)) / (L(10000) - L(1000)), "c": 0.0}
    ws = {"a": (L(15) - L(5)) / (L(20) - L(5)), "b": 1.0, "c": 0.0}
    ep = {"a": 1.0, "b": (L(0.05) - L(0.01)) / (L(0.08) - L(0.01)), "c": 0.0}
    for cid in "abc":
        assert index(r, "popularity", cid) == approx((vpc[cid] + ws[cid] + ep[cid]) / 3)
    # No GMV anywhere: normalised GMV is 0.5 for all, so the list follows the index.
    assert order(r, "popularity") == ["a", "b", "c"]


def test_M7_diligence_index_content_and_linked_products():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000), ("c", "beauty", 5000)]
    act = [row(d, "a", videos=2, products_linked=6) for d in range(7)]
    act += [row(d, "b", livestreams=1, live_minutes=20, products_linked=2) for d in (2, 4, 6)]
    act += [row(6, "c")]
    r = run(build(creators, act), day=6, window="week")
    # content: 14, 6, 1 pieces; products per piece: 3, 1, 0; active days: 7, 3, 1
    assert comp(r, "content_count", "a") == approx(14)
    assert comp(r, "products_per_content", "b") == approx(1.0)
    assert comp(r, "active_days", "b") == approx(3)
    cc = {"a": 1.0, "b": (L(6) - L(1)) / (L(14) - L(1)), "c": 0.0}
    pp = {"a": 1.0, "b": L(1) / L(3), "c": 0.0}
    ad = {"a": 1.0, "b": (3 - 1) / (7 - 1), "c": 0.0}  # active days: no log transform
    for cid in "abc":
        dil = (cc[cid] + pp[cid] + ad[cid]) / 3
        assert index(r, "diligence", cid) == approx(dil)
        assert list_score(r, "diligence", cid) == approx(0.8 * dil + 0.2 * 0.5)
    assert order(r, "diligence") == ["a", "b", "c"]


def test_M7_cooperation_index_samples_and_messages():
    creators = [(c, "beauty", 5000) for c in "abcd"]
    act = filler("abcd", [20])
    samples = [
        ("sa1", "a", "m1", 0, None), ("sa2", "a", "m2", 2, None),
        ("sb1", "b", "m1", 0, None), ("sb2", "b", "m3", 1, None),
        ("sd1", "d", "m2", 0, None),
    ]
    features = [
        ("sa1", "video", 1, None, None),  # fulfilled day 3
        ("sa2", "video", 4, None, None),  # fulfilled day 6
        ("sb1", "video", 2, None, None),  # fulfilled day 4; sb2 missed day 18; sd1 day 17
    ]
    messages = [
        ("g1", "a", "m1", 10.0, 11.0), ("g2", "a", "m2", 100.0, 103.0),  # 1 h, 3 h
        ("g3", "b", "m1", 20.0, 30.0), ("g4", "b", "m1", 50.0, None),  # 10 h, never
        ("g5", "b", "m3", 80.0, 100.0),  # 20 h
        ("g6", "d", "m2", 40.0, 70.0), ("g7", "d", "m2", 60.0, 110.0),  # 30 h, 50 h
    ]
    r = run(build(creators, act, samples, features, messages), day=20, window="week")
    assert comp(r, "fulfilment_rate", "b") == approx(0.5)
    assert comp(r, "reply_rate", "b") == approx(2 / 3)
    # With two replies each, the mean and the median reply time agree.
    for name in ("mean_reply_hours", "median_reply_hours"):
        assert comp(r, name, "a") == approx(2.0)  # 1 h and 3 h
        assert comp(r, name, "b") == approx(15.0)  # 10 h and 20 h
        assert comp(r, name, "d") == approx(40.0)  # 30 h and 50 h
    assert math.isnan(comp(r, "fulfilment_rate", "c"))  # nothing to measure
    # fulfilment 1, 0.5, -, 0; reply rate 1, 2/3, -, 1; reply hours 2, 15, -, 40 (lower is
    # better: negated after log); no data scores missing_component_score = 0.
    fr = {"a": 1.0, "b": 0.5, "c": 0.0, "d": 0.0}
    rr = {"a": 1.0, "b": 0.0, "c": 0.0, "d": 1.0}
    mh = {"a": 1.0, "b": (L(40) - L(15)) / (L(40) - L(2)), "c": 0.0, "d": 0.0}
    for cid in "abcd":
        assert index(r, "cooperation", cid) == approx((fr[cid] + rr[cid] + mh[cid]) / 3)
    assert index(r, "cooperation", "a") == approx(1.0)
    # b: (0.5 + 0 + 0.36) / 3 = 0.287 < d: (0 + 1 + 0) / 3 = 0.333; no GMV, so 0.5 blended in
    assert order(r, "cooperation") == ["a", "d", "b", "c"]


def test_M7_a_creator_ranks_high_on_one_list_and_low_on_another():
    creators = [("ent", "beauty", 90000), ("sel", "beauty", 5000), ("mid", "beauty", 5000)]
    act = [
        row(6, "ent", views=200000, watch_seconds=6000000, engagements=30000),
        row(6, "sel", products_linked=5, views=2000, watch_seconds=10000, engagements=20,
            orders=60, gmv=1500.0),
        row(6, "mid", products_linked=1, views=8000, watch_seconds=80000, engagements=400,
            orders=8, gmv=200.0),
    ]
    r = run(build(creators, act), day=6, window="week")
    assert order(r, "popularity")[0] == "ent"
    assert order(r, "sales")[-1] == "ent"
    assert order(r, "gmv")[-1] == "ent"
    assert order(r, "sales")[0] == "sel"
    assert order(r, "popularity")[-1] == "sel"


# ----------------------------------------------------------------- M7a: normalisation


def _gmv_case(policy):
    creators = [(c, "beauty", 5000) for c in "abcd"] + [("z", "baby", 5000)]
    gmv = {"a": 100.0, "b": 200.0, "c": 200.0, "d": 500.0, "z": 99999.0}
    act = [row(0, c, gmv=g) for c, g in gmv.items()]
    return run(build(creators, act), policy, day=0, window="day")


def test_M7a_minmax_normalisation():
    r = _gmv_case(ScoringPolicy.from_mapping({"normalisation": "minmax", "log_transform": False}))
    expected = {"a": 0.0, "b": 100 / 400, "c": 100 / 400, "d": 1.0}  # (x - 100) / (500 - 100)
    for cid, v in expected.items():
        assert norm(r, "gmv", cid) == approx(v)
    assert norm(r, "gmv", "z") == approx(0.5)  # alone in its category: constant


def test_M7a_percentile_normalisation():
    r = _gmv_case(ScoringPolicy.from_mapping({"normalisation": "percentile",
                                               "log_transform": False}))
    # ranks 1, 2.5, 2.5, 4 (ties share the average rank); (rank - 1) / (4 - 1)
    expected = {"a": 0.0, "b": 1.5 / 3, "c": 1.5 / 3, "d": 1.0}
    for cid, v in expected.items():
        assert norm(r, "gmv", cid) == approx(v)


def test_M7a_zscore_normalisation():
    r = _gmv_case(ScoringPolicy.from_mapping({"normalisation": "zscore", "log_transform": False}))
    # mean 250; population sd sqrt((150² + 50² + 50² + 250²) / 4) = 150
    def phi(z):
        return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))

    expected = {"a": phi(-1.0), "b": phi(-1 / 3), "c": phi(-1 / 3), "d": phi(5 / 3)}
    for cid, v in expected.items():
        assert norm(r, "gmv", cid) == approx(v)


def test_M7a_log_transform():
    r = _gmv_case(ScoringPolicy.from_mapping({"normalisation": "minmax", "log_transform": True}))
    span = L(500) - L(100)
    for cid, g in {"a": 100, "b": 200, "c": 200, "d": 500}.items():
        assert norm(r, "gmv", cid) == approx((L(g) - L(100)) / span)
    # b sits at 0.4297 with the log, at 0.25 without: the log spreads the small values.
    assert 0.4297 < norm(r, "gmv", "b") < 0.4298


def test_M7a_missing_component_score_and_constant_component():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000), ("c", "beauty", 5000)]
    act = filler("abc", [20])
    messages = [("g1", "a", "m1", 10.0, 12.0), ("g2", "b", "m1", 10.0, 14.0)]
    pol = ScoringPolicy.from_mapping({"missing_component_score": 0.3})
    r = run(build(creators, act, messages=messages), pol, day=20, window="week")
    # c has no message: its reply components take missing_component_score; nobody has a
    # sample, so fulfilment is missing for all; a and b both answered everything: constant.
    assert norm(r, "reply_rate", "a") == approx(0.5)
    assert norm(r, "reply_rate", "c") == approx(0.3)
    assert norm(r, "fulfilment_rate", "a") == approx(0.3)
    assert norm(r, "mean_reply_hours", "a") == approx(1.0)  # 2 h beats 4 h
    assert norm(r, "mean_reply_hours", "b") == approx(0.0)
    assert index(r, "cooperation", "c") == approx((0.3 + 0.3 + 0.3) / 3)
    assert index(r, "cooperation", "a") == approx((0.3 + 0.5 + 1.0) / 3)


# ------------------------------------------------------------------ M8: samples offered


def test_M8_samples_are_tracked_per_creator_and_merchant():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000)]
    samples = [
        ("s1", "a", "m1", 0, 2), ("s2", "a", "m2", 1, 3), ("s3", "b", "m1", 2, 4),
        ("s4", "b", "m2", 25, None),
    ]
    features = [("s1", "video", 3, None, None), ("s3", "live", 5, None, 15.0)]
    messages = [("g1", "a", "m1", 5.0, 6.0), ("g2", "a", "m2", 30.0, 31.0)]
    r = run(build(creators, filler("ab", range(30)), samples, features, messages), day=29)
    t = r.samples_table()
    got = list(zip(t["sample_id"], t["creator_id"], t["merchant_id"], t["status"], strict=True))
    assert got == [
        ("s1", "a", "m1", "fulfilled_video"),
        ("s2", "a", "m2", "missed"),
        ("s3", "b", "m1", "fulfilled_live"),
        ("s4", "b", "m2", "pending"),
    ]
    # Per creator: a fulfilled 1 of 2 decided; b 1 of 1 (s4 pending, not counted).
    e = r.eligibility_table()
    assert e["fulfilled_samples"].tolist() == [1, 1]
    assert e["decided_samples"].tolist() == [2, 1]
    assert e["counted_messages"].tolist() == [2, 0]  # messages from both merchants count


# -------------------------------------------------------------- M9: answering messages


def test_M9_slow_or_absent_replies_lower_the_cooperation_index():
    creators = [("fast", "beauty", 5000), ("slow", "beauty", 5000), ("never", "beauty", 5000)]
    messages = [
        ("g1", "fast", "m1", 24.0, 25.0), ("g2", "fast", "m2", 48.0, 49.0),  # 1 h each
        ("g3", "slow", "m1", 24.0, 54.0), ("g4", "slow", "m2", 48.0, 78.0),  # 30 h each
        ("g5", "never", "m1", 24.0, None), ("g6", "never", "m2", 48.0, None),
    ]
    r = run(build(creators, filler(["fast", "slow", "never"], [20]), messages=messages), day=20)
    assert comp(r, "reply_rate", "slow") == approx(1.0)
    assert comp(r, "reply_rate", "never") == approx(0.0)
    assert comp(r, "mean_reply_hours", "slow") == approx(30.0)
    assert math.isnan(comp(r, "mean_reply_hours", "never"))
    # reply rate 1, 1, 0 -> 1, 1, 0; reply hours 1, 30, none -> 1, 0, 0; no samples -> 0.
    assert index(r, "cooperation", "fast") == approx((0 + 1 + 1) / 3)
    assert index(r, "cooperation", "slow") == approx((0 + 1 + 0) / 3)
    assert index(r, "cooperation", "never") == approx(0.0)
    assert order(r, "cooperation") == ["fast", "slow", "never"]


def test_M9_replies_are_known_only_up_to_the_scoring_day():
    creators = [("a", "beauty", 5000)]
    # sent at hour 100 (day 4), answered at hour 130 (day 5); a second message sent at hour
    # 118 (day 4, 6 hours before its end) and never answered.
    messages = [("g1", "a", "m1", 100.0, 130.0), ("g2", "a", "m1", 118.0, None)]
    ds = build(creators, filler(["a"], range(8)), messages=messages)
    day4 = run(ds, day=4)
    # As of day 4 the reply has not come; g1's 24-hour limit has not passed (100 + 24 > 120)
    # and neither has g2's: with maturity "matured" neither counts yet.
    assert day4.scores.counted_messages.tolist() == [0]
    day5 = run(ds, day=5)  # g1 answered (counts); g2's limit passed at 142 <= 144: unanswered
    assert day5.scores.counted_messages.tolist() == [2]
    assert comp(day5, "reply_rate", "a") == approx(0.5)
    assert comp(day5, "mean_reply_hours", "a") == approx(30.0)
    every = ScoringPolicy.from_mapping({"responsiveness": {"maturity": "all"}})
    d4 = run(ds, every, day=4)  # 'all' counts both at once, neither answered yet
    assert d4.scores.counted_messages.tolist() == [2]
    assert comp(d4, "reply_rate", "a") == approx(0.0)


def test_M9_mean_or_median_reply_time():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000)]
    messages = [
        ("g1", "a", "m1", 24.0, 25.0), ("g2", "a", "m1", 48.0, 50.0),
        ("g3", "a", "m1", 72.0, 81.0),  # a: 1 h, 2 h, 9 h -> mean 4, median 2
        ("g4", "b", "m1", 24.0, 27.0), ("g5", "b", "m1", 48.0, 51.0),
        ("g6", "b", "m1", 72.0, 75.0),  # b: 3 h each -> mean 3, median 3
    ]
    ds = build(creators, filler("ab", [10]), messages=messages)
    others = {"fulfilment_rate": 1.0, "reply_rate": 1.0, "reply_within_rate": 0.0}
    by_mean = ScoringPolicy.from_mapping({"weights": {"cooperation": {
        **others, "mean_reply_hours": 1.0, "median_reply_hours": 0.0}}})
    by_median = ScoringPolicy.from_mapping({"weights": {"cooperation": {
        **others, "mean_reply_hours": 0.0, "median_reply_hours": 1.0}}})
    r = run(ds, by_mean, day=10)
    assert comp(r, "mean_reply_hours", "a") == approx(4.0)
    assert comp(r, "median_reply_hours", "a") == approx(2.0)
    # Both answered everything (reply rate constant: 0.5 each); no samples (0 each).
    # Mean: b (3 h) beats a (4 h); median: a (2 h) beats b (3 h).
    assert index(r, "cooperation", "a") == approx((0 + 0.5 + 0) / 3)
    assert index(r, "cooperation", "b") == approx((0 + 0.5 + 1) / 3)
    assert order(r, "cooperation") == ["b", "a"]
    r = run(ds, by_median, day=10)
    assert index(r, "cooperation", "a") == approx((0 + 0.5 + 1) / 3)
    assert index(r, "cooperation", "b") == approx((0 + 0.5 + 0) / 3)
    assert order(r, "cooperation") == ["a", "b"]


def test_M9_message_counts_once_its_reply_limit_has_passed():
    creators = [("a", "beauty", 5000)]
    # sent at the very start of day 4 (hour 96), never answered: its 24 hours end exactly at
    # the end of day 4 (hour 120), so it counts (as unanswered) from day 4 on; one sent an
    # hour later does not count until day 5.
    messages = [("g1", "a", "m1", 96.0, None), ("g2", "a", "m1", 97.0, None)]
    ds = build(creators, filler(["a"], range(6)), messages=messages)
    assert run(ds, day=3).scores.counted_messages.tolist() == [0]
    assert run(ds, day=4).scores.counted_messages.tolist() == [1]
    assert run(ds, day=5).scores.counted_messages.tolist() == [2]


def test_M9_messages_count_within_the_lookback():
    creators = [("a", "beauty", 5000)]
    messages = [("g1", "a", "m1", 10.0, None), ("g2", "a", "m1", 60.0, 61.0)]  # days 0, 2
    ds = build(creators, filler(["a"], range(6)), messages=messages)
    pol = ScoringPolicy.from_mapping({"responsiveness": {"lookback_days": 3}})
    # day 2: days 0..2 count, both messages (g1 unanswered after 24 h): 1 of 2
    assert comp(run(ds, pol, day=2), "reply_rate", "a") == approx(0.5)
    # day 3: days 1..3, g1 (day 0) has left the lookback: 1 of 1
    assert comp(run(ds, pol, day=3), "reply_rate", "a") == approx(1.0)
    # day 5: days 3..5, nothing left: no data
    assert math.isnan(comp(run(ds, pol, day=5), "reply_rate", "a"))


# ------------------------------------------------------------ M10: the 17-day rule


def test_M10_video_up_three_days_straight_within_17_days_of_shipping():
    samples = [("s1", "c1", "m1", 0, None), ("s2", "c1", "m1", 0, None)]
    features = [
        ("s1", "video", 5, None, None),  # up days 5, 6, 7: fulfilled on day 7
        ("s2", "video", 17, None, None),  # posted on day 0 + 17: still in time, fulfilled 19
    ]
    assert sample_case(samples, features, day=6)["s1"] == ("pending", -1, 17)
    st = sample_case(samples, features, day=7)
    assert st["s1"] == ("fulfilled_video", 7, 17)
    assert st["s2"] == ("pending", -1, 17)
    assert sample_case(samples, features, day=19)["s2"] == ("fulfilled_video", 19, 17)


def test_M10_ten_continuous_livestream_minutes():
    samples = [("s1", "c1", "m1", 0, None), ("s2", "c1", "m1", 0, None),
               ("s3", "c1", "m1", 0, None)]
    features = [
        ("s1", "live", 4, None, 10.0),  # exactly 10 minutes: fulfilled that day
        ("s2", "live", 4, None, 9.5),  # short of 10: does not count
        ("s3", "live", 17, None, 45.0),  # on the 17th day
    ]
    st = sample_case(samples, features, day=20)
    assert st["s1"] == ("fulfilled_live", 4, 17)
    assert st["s2"] == ("missed", 17, 17)
    assert st["s3"] == ("fulfilled_live", 17, 17)


def test_M10_video_taken_down_before_three_days_does_not_fulfil():
    samples = [("s1", "c1", "m1", 0, None), ("s2", "c1", "m1", 0, None)]
    features = [
        ("s1", "video", 5, 7, None),  # up days 5, 6: two days only
        ("s2", "video", 5, 8, None),  # up days 5, 6, 7: three days, fulfilled day 7
    ]
    st = sample_case(samples, features, day=20)
    assert st["s1"] == ("missed", 17, 17)  # could still have been featured until day 17
    assert st["s2"] == ("fulfilled_video", 7, 17)


# --------------------------------------------------------- M11: missing the window


def test_M11_missing_lowers_fulfilment_rate_cooperation_and_list_place():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000)]
    samples = [
        ("sa1", "a", "m1", 0, None), ("sa2", "a", "m2", 0, None),
        ("sb1", "b", "m1", 0, None), ("sb2", "b", "m2", 0, None),
    ]
    features = [
        ("sa1", "video", 1, None, None), ("sa2", "video", 2, None, None),
        ("sb1", "video", 1, None, None),  # sb2 never featured: missed on day 17
    ]
    ds = build(creators, filler("ab", range(30)), samples, features)
    before = run(ds, day=16)
    assert comp(before, "fulfilment_rate", "b") == approx(1.0)  # sb2 still pending
    assert index(before, "cooperation", "a") == approx(index(before, "cooperation", "b"))
    assert order(before, "cooperation") == ["a", "b"]  # tie: by id
    after = run(ds, day=17)
    assert statuses(after)["sb2"] == ("missed", 17, 17)
    assert comp(after, "fulfilment_rate", "a") == approx(1.0)
    assert comp(after, "fulfilment_rate", "b") == approx(0.5)
    # fulfilment 1 vs 0.5 -> 1 vs 0; no messages -> reply components 0
    assert index(after, "cooperation", "a") == approx(1 / 3)
    assert index(after, "cooperation", "b") == approx(0.0)
    assert reasons(after, "b") == []  # 0.5 is not below min_fulfilment_rate 0.5
    # Order is the same, but now for the rate, not the id: swap the ids to see it.
    swapped = build(
        [("a", "beauty", 5000), ("b", "beauty", 5000)],
        filler("ab", range(30)),
        [(s, {"a": "b", "b": "a"}[c], m, sh, de) for s, c, m, sh, de in samples],
        features,
    )
    assert order(run(swapped, day=17), "cooperation") == ["b", "a"]


def test_M11_fulfilment_rate_counts_samples_decided_within_the_lookback():
    samples = [("s1", "c1", "m1", 0, None), ("s2", "c1", "m1", 3, None)]
    features = [("s2", "video", 4, None, None)]  # s1 missed day 17, s2 fulfilled day 6
    ds = build([("c1", "beauty", 5000)], filler(["c1"], range(30)), samples, features)
    pol = ScoringPolicy.from_mapping({"fulfilment": {"lookback_days": 12}})
    r = run(ds, pol, day=17)  # decided in days 6..17: both
    assert (r.scores.fulfilled_samples.tolist(), r.scores.decided_samples.tolist()) == ([1], [2])
    r = run(ds, pol, day=18)  # days 7..18: s2 (day 6) has left
    assert (r.scores.fulfilled_samples.tolist(), r.scores.decided_samples.tolist()) == ([0], [1])
    assert comp(r, "fulfilment_rate", "c1") == approx(0.0)
    r = run(ds, pol, day=29)  # days 18..29: none
    assert math.isnan(comp(r, "fulfilment_rate", "c1"))


# ------------------------------------------------------- M11a: the unreported details


def test_M11a_video_removed_after_two_days_then_reposted():
    samples = [("s1", "c1", "m1", 0, None)]
    features = [
        ("s1", "video", 2, 4, None),  # up days 2, 3, taken down on day 4
        ("s1", "video", 6, None, None),  # re-posted: the three days start again
    ]
    # Had the first video stayed, it would have fulfilled on day 4; it did not.
    assert sample_case(samples, features, day=4)["s1"] == ("pending", -1, 17)
    assert sample_case(samples, features, day=7)["s1"] == ("pending", -1, 17)
    assert sample_case(samples, features, day=8)["s1"] == ("fulfilled_video", 8, 17)
    # Without the re-post the sample is missed at the deadline.
    assert sample_case(samples, features[:1], day=20)["s1"] == ("missed", 17, 17)


def test_M11a_two_six_minute_live_segments_do_not_add_up():
    samples = [("s1", "c1", "m1", 0, None), ("s2", "c1", "m1", 0, None)]
    features = [
        ("s1", "live", 3, None, 6.0),
        ("s1", "live", 3, None, 6.0),  # 6 + 6 = 12 minutes, but never 10 continuous
        ("s2", "live", 3, None, 12.0),  # one 12-minute segment
    ]
    st = sample_case(samples, features, day=20)
    assert st["s1"] == ("missed", 17, 17)
    assert st["s2"] == ("fulfilled_live", 3, 17)


def test_M11a_feature_on_last_day_of_window_and_on_day_after():
    samples = [("s1", "c1", "m1", 5, None), ("s2", "c1", "m1", 5, None)]
    features = [
        ("s1", "video", 22, None, None),  # deadline 5 + 17 = 22: starts on it, in time
        ("s2", "video", 23, None, None),  # one day late
    ]
    st = sample_case(samples, features, day=22)
    assert st["s1"] == ("pending", -1, 22)
    assert st["s2"] == ("missed", 22, 22)  # decided at the deadline
    st = sample_case(samples, features, day=24)
    assert st["s1"] == ("fulfilled_video", 24, 22)  # retention ends after the deadline: fine
    assert st["s2"] == ("missed", 22, 22)


def test_M11a_delivery_based_clock():
    samples = [("s1", "c1", "m1", 0, 5)]
    features = [("s1", "video", 20, None, None)]
    delivered = ScoringPolicy.from_mapping({"fulfilment": {"clock_start": "delivered"}})
    # from delivery: 5 + 17 = 22 >= 20, in time; from shipping: 0 + 17 = 17 < 20, missed
    assert sample_case(samples, features, day=25, policy=delivered)["s1"] == (
        "fulfilled_video", 22, 22)
    assert sample_case(samples, features, day=25)["s1"] == ("missed", 17, 17)


def test_M11a_retention_must_end_in_window():
    samples = [("s1", "c1", "m1", 0, None), ("s2", "c1", "m1", 0, None)]
    features = [
        ("s1", "video", 16, None, None),  # up 16, 17, 18: completes after the deadline 17
        ("s2", "video", 15, None, None),  # up 15, 16, 17: completes on the deadline
    ]
    assert sample_case(samples, features, day=20)["s1"] == ("fulfilled_video", 18, 17)
    strict = ScoringPolicy.from_mapping({"fulfilment": {"retention_must_end_in_window": True}})
    st = sample_case(samples, features, day=20, policy=strict)
    assert st["s1"] == ("missed", 17, 17)
    assert st["s2"] == ("fulfilled_video", 17, 17)


def test_M11a_missed_when_last_candidate_video_comes_down_after_the_deadline():
    samples = [("s1", "c1", "m1", 0, None)]
    features = [("s1", "video", 16, 18, None)]  # up 16, 17; down on day 18
    assert sample_case(samples, features, day=17)["s1"] == ("pending", -1, 17)
    assert sample_case(samples, features, day=18)["s1"] == ("missed", 18, 17)


@pytest.mark.parametrize(
    ("counts_as", "fulfilled", "decided", "excluded"),
    [("excluded", 1, 2, []), ("fulfilled", 2, 3, []), ("missed", 1, 3, ["low_fulfilment"])],
)
def test_M11a_pending_counts_as(counts_as, fulfilled, decided, excluded):
    samples = [("s1", "c1", "m1", 0, None), ("s2", "c1", "m1", 0, None),
               ("s3", "c1", "m1", 10, None)]
    features = [("s1", "video", 1, None, None)]  # s1 fulfilled day 3, s2 missed day 17
    ds = build([("c1", "beauty", 5000)], filler(["c1"], range(21)), samples, features)
    pol = ScoringPolicy.from_mapping({"fulfilment": {"pending_counts_as": counts_as}})
    r = run(ds, pol, day=20)
    assert statuses(r)["s3"] == ("pending", -1, 27)
    assert r.scores.fulfilled_samples.tolist() == [fulfilled]
    assert r.scores.decided_samples.tolist() == [decided]
    assert comp(r, "fulfilment_rate", "c1") == approx(fulfilled / decided)
    assert reasons(r, "c1") == excluded


def test_M11a_shipping_days_used_when_delivery_day_is_missing():
    samples = [("s1", "c1", "m1", 2, None), ("s2", "c1", "m1", 2, 8)]
    features = [("s1", "video", 23, None, None), ("s2", "video", 23, None, None)]
    base = {"clock_start": "delivered"}
    three = ScoringPolicy.from_mapping({"fulfilment": base})  # shipping_days = 3 (default)
    five = ScoringPolicy.from_mapping({"fulfilment": {**base, "shipping_days": 5}})
    st = sample_case(samples, features, day=29, policy=three)
    assert st["s1"] == ("missed", 22, 22)  # clock 2 + 3 = 5, deadline 5 + 17 = 22 < 23
    assert st["s2"] == ("fulfilled_video", 25, 25)  # recorded delivery 8: deadline 25
    st5 = sample_case(samples, features, day=29, policy=five)
    assert st5["s1"] == ("fulfilled_video", 25, 24)  # clock 2 + 5 = 7, deadline 24 >= 23
    assert st5["s2"] == st["s2"]  # a recorded delivery day ignores shipping_days


# ------------------------------------------------------------ M12: who is left off


def test_M12_too_few_followers():
    creators = [("a", "beauty", 999), ("b", "beauty", 1000), ("c", "beauty", 900)]
    act = [row(5, "a", followers=999), row(5, "b", followers=1000),
           row(5, "c", followers=1000)]  # c grew to 1,000 by the scoring day
    r = run(build(creators, act), day=5)
    assert reasons(r, "a") == ["too_few_followers"]
    assert reasons(r, "b") == []
    assert reasons(r, "c") == []
    for name in ("sales", "growth", "popularity", "diligence", "cooperation", "gmv", "overall"):
        assert set(order(r, name)) == {"b", "c"}


def test_M12_inactive():
    creators = [(c, "beauty", 5000) for c in ("a", "b", "c", "d")]
    act = [
        row(22, "a"),  # last content on day 22: nothing in days 23..29
        row(23, "b"),  # day 23 is within the last 7 days
        row(22, "c"), row(29, "c", videos=0, views=500),  # a row without content
        row(29, "d", videos=0, livestreams=1, live_minutes=15),  # a livestream counts
    ]
    r = run(build(creators, act), day=29)
    assert reasons(r, "a") == ["inactive"]
    assert reasons(r, "b") == []
    assert reasons(r, "c") == ["inactive"]
    assert reasons(r, "d") == []
    assert set(order(r, "overall")) == {"b", "d"}


def test_M12_low_fulfilment():
    creators = [(c, "beauty", 5000) for c in ("a", "b", "c", "d")]
    samples = [
        ("a1", "a", "m1", 0, None), ("a2", "a", "m1", 0, None),  # 0 of 2: excluded
        ("b1", "b", "m1", 0, None),  # 0 of 1: too few decided samples for the rule
        ("c1", "c", "m1", 0, None), ("c2", "c", "m1", 0, None),  # 1 of 2 = 0.5: not below
        ("d1", "d", "m1", 0, None), ("d2", "d", "m1", 0, None), ("d3", "d", "m1", 0, None),
    ]
    features = [("c1", "video", 1, None, None), ("d1", "video", 1, None, None)]  # d: 1 of 3
    r = run(build(creators, filler("abcd", range(20)), samples, features), day=19)
    assert reasons(r, "a") == ["low_fulfilment"]
    assert reasons(r, "b") == []
    assert reasons(r, "c") == []
    assert reasons(r, "d") == ["low_fulfilment"]
    assert set(order(r, "cooperation")) == {"b", "c"}


def test_M12_unresponsive_only_under_a_variant_policy():
    creators = [(c, "beauty", 5000) for c in ("a", "b", "c")]
    messages = [
        ("g1", "a", "m1", 10.0, 12.0), ("g2", "a", "m1", 30.0, None),
        ("g3", "a", "m1", 50.0, None),  # a: 1 of 3 answered
        ("g4", "b", "m1", 10.0, None), ("g5", "b", "m1", 30.0, None),  # b: 0 of 2 (< 3)
        ("g6", "c", "m1", 10.0, 11.0), ("g7", "c", "m1", 30.0, 31.0),
        ("g8", "c", "m1", 50.0, None),  # c: 2 of 3
    ]
    ds = build(creators, filler("abc", range(10)), messages=messages)
    default = run(ds, day=9)
    assert [reasons(default, c) for c in "abc"] == [[], [], []]  # min_reply_rate = 0: off
    variant = ScoringPolicy.from_mapping({"eligibility": {"min_reply_rate": 0.5}})
    r = run(ds, variant, day=9)
    assert reasons(r, "a") == ["unresponsive"]  # 1/3 < 0.5 with 3 messages
    assert reasons(r, "b") == []  # 2 messages: fewer than min_messages = 3
    assert reasons(r, "c") == []  # 2/3 >= 0.5


def test_M12_several_reasons_and_excluded_from_every_list():
    creators = [("a", "beauty", 500), ("b", "beauty", 5000)]
    samples = [("a1", "a", "m1", 0, None), ("a2", "a", "m1", 1, None)]
    act = [row(2, "a", followers=500, gmv=9999.0, views=50000, orders=900), row(19, "b")]
    r = run(build(creators, act, samples), day=19)
    assert reasons(r, "a") == ["too_few_followers", "inactive", "low_fulfilment"]
    assert int(r.scores.exclusion[_i(r, "a")]) == 1 | 2 | 4
    for name in ("sales", "growth", "popularity", "diligence", "cooperation", "gmv", "overall"):
        assert order(r, name) == ["b"]
    assert r.scores.positions("gmv").tolist() == [0, 1]


# --------------------------------------------------------- M13: lower GMV places lower


def test_M13_lower_gmv_places_lower():
    creators = [("x", "beauty", 5000), ("y", "beauty", 5000)]
    act = [row(d, "x", products_linked=2, views=1000, gmv=100.0) for d in range(7)]
    act += [row(d, "y", products_linked=2, views=1000, gmv=300.0) for d in range(7)]
    ds = build(creators, act)
    r = run(ds, day=6)
    # Same content, views and products: diligence and popularity components are constant
    # (0.5 each), so both indices are 0.5; GMV normalises to x 0, y 1.
    assert index(r, "diligence", "x") == approx(0.5)
    assert index(r, "diligence", "y") == approx(0.5)
    assert list_score(r, "diligence", "x") == approx(0.8 * 0.5 + 0.2 * 0.0)
    assert list_score(r, "diligence", "y") == approx(0.8 * 0.5 + 0.2 * 1.0)
    for name in ("sales", "popularity", "diligence", "cooperation", "overall", "gmv"):
        assert order(r, name) == ["y", "x"], name
    # GMV list: ranked by the window's GMV (in cents), 2,100 > 700
    assert r.scores.list_scores["gmv"].tolist() == [70000, 210000]


def test_M13_gmv_blend():
    creators = [("x", "beauty", 5000), ("y", "beauty", 5000), ("z", "beauty", 5000)]
    act = [row(6, "x", videos=3, gmv=100.0), row(6, "y", videos=2, gmv=1000.0),
           row(6, "z", videos=1, gmv=10.0)]
    ds = build(creators, act)
    g = {"x": (L(100) - L(10)) / (L(1000) - L(10)), "y": 1.0, "z": 0.0}
    cc = {"x": 1.0, "y": (L(2) - L(1)) / (L(3) - L(1)), "z": 0.0}
    # diligence: content count as above; no products (0.5); one active day each (0.5)
    dil = {k: (cc[k] + 0.5 + 0.5) / 3 for k in "xyz"}
    for blend in (0.0, 0.2, 0.5, 1.0):
        pol = ScoringPolicy.from_mapping({"gmv_blend": blend})
        r = run(ds, pol, day=6)
        for k in "xyz":
            assert index(r, "diligence", k) == approx(dil[k])
            assert list_score(r, "diligence", k) == approx((1 - blend) * dil[k] + blend * g[k])
    # x posts most (diligence 0.667 vs y 0.5 + ...) but y's GMV overtakes it as the blend grows
    assert order(run(ds, ScoringPolicy.from_mapping({"gmv_blend": 0.0}), day=6),
                 "diligence") == ["x", "y", "z"]
    assert order(run(ds, ScoringPolicy.from_mapping({"gmv_blend": 0.5}), day=6),
                 "diligence") == ["y", "x", "z"]


def test_M13_min_gmv_variant_excludes_low_gmv():
    creators = [("x", "beauty", 5000), ("y", "beauty", 5000)]
    act = [row(6, "x", gmv=49.99), row(6, "y", gmv=50.0)]
    pol = ScoringPolicy.from_mapping({"eligibility": {"min_gmv": 50.0}})
    r = run(build(creators, act), pol, day=6)
    assert reasons(r, "x") == ["low_gmv"]
    assert reasons(r, "y") == []


# --------------------------------------------------------- O: the later official rules


def _official():
    return ScoringPolicy.from_toml(OFFICIAL_TOML)


def test_O1_top_sales_popular_and_productive_components():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000), ("c", "beauty", 5000)]
    act = [
        row(6, "a", videos=2, products_linked=4, views=2000, orders=1, gmv=100.0),
        row(6, "b", videos=0, livestreams=1, live_minutes=60, products_linked=10, views=10000,
            orders=50, gmv=200.0),
        row(6, "c", views=1000, orders=0),
    ]
    r = run(build(creators, act), _official(), day=6)
    # top sales: GMV per 1,000 views = 50, 20, 0 (orders no longer count)
    assert comp(r, "gmv_per_k_views", "a") == approx(50.0)
    gpk = {"a": 1.0, "b": L(20) / L(50), "c": 0.0}
    # popular: total views 2,000, 10,000, 1,000
    views = {"a": (L(2000) - L(1000)) / (L(10000) - L(1000)), "b": 1.0, "c": 0.0}
    # productive: pieces 2, 1, 1 and linked products 4, 10, 0
    cc = {"a": 1.0, "b": 0.0, "c": 0.0}
    pl = {"a": L(4) / L(10), "b": 1.0, "c": 0.0}
    for k in "abc":
        assert index(r, "sales", k) == approx(gpk[k])
        assert index(r, "popularity", k) == approx(views[k])
        assert index(r, "diligence", k) == approx((cc[k] + pl[k]) / 2)
    assert order(r, "sales") == ["a", "b", "c"]
    assert order(r, "popularity") == ["b", "a", "c"]


def test_O1_fast_growing_gmv_views_and_followers():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000), ("c", "beauty", 5000)]
    act = [
        row(3, "a", views=1000, gmv=100.0), row(10, "a", followers=5500, views=3000, gmv=100.0),
        row(3, "b", views=2000, gmv=50.0), row(10, "b", views=2000, gmv=200.0),
        row(3, "c", views=1000, product_views=10),
        row(10, "c", followers=4000, views=500, product_views=900),
        row(13, "a", followers=5500), row(13, "b"), row(13, "c", followers=4000),
    ]
    r = run(build(creators, act), _official(), day=13)
    # view growth 2, 0, -0.5; GMV growth 0, 3, 0; follower growth 0.1, 0, -0.2
    vg = {"a": 1.0, "b": L(0.5) / (L(2) + L(0.5)), "c": 0.0}
    gg = {"a": 0.0, "b": 1.0, "c": 0.0}
    fg = {"a": 1.0, "b": L(0.2) / (L(0.1) + L(0.2)), "c": 0.0}
    for k in "abc":
        assert index(r, "growth", k) == approx((fg[k] + vg[k] + gg[k]) / 3)
    # GMV in the week: 100, 200, 0. List scores: a 0.8 * 0.667 + 0.2 * 0.870 = 0.707,
    # b 0.8 * 0.642 + 0.2 * 1 = 0.714: b's sales put it first (M13 blend, kept by O1).
    g = {"a": L(100) / L(200), "b": 1.0, "c": 0.0}
    for k in "abc":
        expected = 0.8 * (fg[k] + vg[k] + gg[k]) / 3 + 0.2 * g[k]
        assert list_score(r, "growth", k) == approx(expected)
    # product-view growth is not part of O1's list (c's 89x product views do not help)
    assert order(r, "growth") == ["b", "a", "c"]


def test_O1_top_collaborators_reply_within_24_hours_and_fulfilment():
    creators = [("a", "beauty", 5000), ("b", "beauty", 5000), ("c", "beauty", 5000)]
    samples = [("a1", "a", "m1", 0, 2), ("b1", "b", "m1", 0, 2), ("b2", "b", "m2", 0, 2)]
    features = [("a1", "video", 3, None, None), ("b1", "video", 3, None, None)]  # b2 missed 23
    messages = [
        ("g1", "a", "m1", 10.0, 12.0), ("g2", "a", "m1", 40.0, 41.0),
        ("g3", "a", "m1", 70.0, 100.0),  # a: 2 of 3 within 24 h
        ("g4", "b", "m1", 10.0, 11.0), ("g5", "b", "m2", 40.0, 41.0),  # b: 2 of 2
        ("g6", "c", "m1", 10.0, 58.0),  # c: 0 of 1 (48 h)
    ]
    r = run(build(creators, filler("abc", range(25)), samples, features, messages),
            _official(), day=24)
    assert comp(r, "reply_within_rate", "a") == approx(2 / 3)
    # within rate 2/3, 1, 0 -> 2/3, 1, 0; fulfilment 1, 0.5, none -> 1, 0, 0 (missing)
    assert index(r, "cooperation", "a") == approx((1 + 2 / 3) / 2)
    assert index(r, "cooperation", "b") == approx((0 + 1) / 2)
    assert index(r, "cooperation", "c") == approx(0.0)
    assert order(r, "cooperation") == ["a", "b", "c"]


def test_O2_fourteen_days_from_delivery_plus_seven_day_extension():
    samples = [
        ("s1", "c1", "m1", 0, 4),  # deadline 4 + 14 + 7 = 25
        ("s2", "c1", "m1", 0, 4),
        ("s3", "c1", "m1", 0, 4),
    ]
    features = [
        ("s1", "video", 19, None, None),  # after 4 + 14 = 18: in time only by the extension
        ("s2", "video", 25, None, None),  # on the extended deadline
        ("s3", "video", 26, None, None),  # a day late
    ]
    st = sample_case(samples, features, day=29, policy=_official())
    assert st["s1"] == ("fulfilled_video", 21, 25)
    assert st["s2"] == ("fulfilled_video", 27, 25)
    assert st["s3"] == ("missed", 25, 25)
    # The 2022 reading (17 days from shipping) misses all three on day 17.
    assert {k: v[:2] for k, v in sample_case(samples, features, day=29).items()} == {
        "s1": ("missed", 17), "s2": ("missed", 17), "s3": ("missed", 17)}


def test_O3_video_at_least_three_days_or_ten_minute_live():
    samples = [("s1", "c1", "m1", 0, 1), ("s2", "c1", "m1", 0, 1), ("s3", "c1", "m1", 0, 1),
               ("s4", "c1", "m1", 0, 1)]
    features = [
        ("s1", "video", 5, 8, None),  # up 5, 6, 7: three days
        ("s2", "video", 5, 7, None),  # up 5, 6: two days
        ("s3", "live", 6, None, 10.0),
        ("s4", "live", 6, None, 9.0),
    ]
    st = sample_case(samples, features, day=29, policy=_official())
    assert st["s1"] == ("fulfilled_video", 7, 22)
    assert st["s2"] == ("missed", 22, 22)
    assert st["s3"] == ("fulfilled_live", 6, 22)
    assert st["s4"] == ("missed", 22, 22)


def test_O7_reply_within_limit_is_configurable():
    creators = [("a", "beauty", 5000)]
    messages = [("g1", "a", "m1", 10.0, 20.0), ("g2", "a", "m1", 30.0, 50.0),  # 10 h, 20 h
                ("g3", "a", "m1", 50.0, 74.0), ("g4", "a", "m1", 51.0, 75.5)]  # 24 h, 24.5 h
    ds = build(creators, filler(["a"], range(5)), messages=messages)
    r24 = run(ds, _official(), day=4)
    # within 24 hours: 10, 20 and exactly 24 count; 24.5 does not
    assert comp(r24, "reply_within_rate", "a") == approx(3 / 4)
    assert comp(r24, "reply_rate", "a") == approx(1.0)
    twelve = ScoringPolicy.from_mapping({"responsiveness": {"reply_within_hours": 12.0}})
    assert comp(run(ds, twelve, day=4), "reply_within_rate", "a") == approx(1 / 4)


# ------------------------------------------------- rolling windows and the scoring day


def _random_counters(rng, n):
    out = {}
    for k in COUNTERS:
        if k == "active":
            continue
        hi = 100000 if k == "gmv_cents" else 60
        out[k] = rng.integers(0, hi, n) * (rng.random(n) < 0.6)
    return out


@pytest.mark.parametrize("windows", [("day", "week", "month"), ("week",), ("day", "month")])
def test_rolling_window_sums_equal_brute_force(windows):
    rng = np.random.default_rng(7)
    n, days = 6, 75
    f0 = rng.integers(0, 5000, n)
    pol = ScoringPolicy.from_mapping({"windows": list(windows)})
    state = ScoringState(np.zeros(n, dtype=int), f0, pol)
    hist: dict[str, list[np.ndarray]] = {k: [] for k in COUNTERS}
    followers = []
    lengths = {"day": 1, "week": 7, "month": 30}
    for d in range(days):
        x = _random_counters(rng, n)
        f = rng.integers(0, 5000, n)
        state.push_day(d, x, f)
        for k in COUNTERS:
            hist[k].append(((x["videos"] > 0) | (x["livestreams"] > 0)).astype(int)
                           if k == "active" else x[k])
        followers.append(f)

        def total(k, lo, hi):
            """Brute-force sum of counter k over days lo..hi (clipped to the data)."""
            return sum((hist[k][t] for t in range(max(lo, 0), hi + 1)), np.zeros(n, int))

        for w in windows:
            ln = lengths[w]
            for k in COUNTERS:
                assert np.array_equal(state.windows.sums[ln][k], total(k, d - ln + 1, d)), (w, k)
            for k in GROWTH_COUNTERS:
                prev = total(k, d - 2 * ln + 1, d - ln)
                assert np.array_equal(state.windows.prev_sums[ln][k], prev), (w, k, d)
            before = followers[d - ln] if d - ln >= 0 else f0
            assert np.array_equal(state.windows.followers_before(ln), before)
            if d % 11 == 0:
                s = state.score(w)
                assert np.allclose(s.components["gmv"], total("gmv_cents", d - ln + 1, d) / 100)
                assert np.array_equal(s.list_scores["gmv"], total("gmv_cents", d - ln + 1, d))


def _random_dataset(rng, n_days=40):
    ids = [f"r{i}" for i in range(8)]
    cats = ["beauty", "baby"] * 4
    f0 = {c: int(rng.integers(500, 4000)) for c in ids}
    creators = [(c, cats[i], f0[c]) for i, c in enumerate(ids)]
    act = []
    for c in ids:
        f = f0[c]
        for d in range(n_days):
            if rng.random() < 0.3:
                continue
            f += int(rng.integers(-20, 60))
            f = max(f, 0)
            v = int(rng.integers(0, 3))
            act.append(row(d, c, followers=f, videos=v,
                           livestreams=int(rng.integers(0, 2)),
                           products_linked=int(rng.integers(0, 5)),
                           views=int(rng.integers(0, 9000)),
                           watch_seconds=int(rng.integers(0, 90000)),
                           engagements=int(rng.integers(0, 300)),
                           product_views=int(rng.integers(0, 900)),
                           orders=int(rng.integers(0, 40)),
                           gmv=round(float(rng.uniform(0, 900)), 2)))
    samples, features, messages = [], [], []
    for k in range(30):
        c = ids[int(rng.integers(0, len(ids)))]
        sh = int(rng.integers(0, n_days - 2))
        de = None if rng.random() < 0.3 else sh + int(rng.integers(0, 8))
        sid = f"s{k:02d}"
        samples.append((sid, c, f"m{int(rng.integers(1, 4))}", sh, de))
        for _ in range(int(rng.integers(0, 3))):
            st = sh + int(rng.integers(0, 25))
            if rng.random() < 0.5:
                end = None if rng.random() < 0.5 else st + int(rng.integers(0, 5))
                features.append((sid, "video", st, end, None))
            else:
                features.append((sid, "live", st, None, float(rng.integers(3, 20))))
    for k in range(60):
        c = ids[int(rng.integers(0, len(ids)))]
        sent = float(rng.uniform(0, n_days * 24 - 1))
        rep = None if rng.random() < 0.3 else sent + float(rng.uniform(0, 60))
        messages.append((f"g{k:02d}", c, "m1", sent, rep))
    return creators, act, samples, features, messages


def _truncate(tables, day):
    """Keep only what was known at the end of ``day``."""
    creators, act, samples, features, messages = tables
    end = (day + 1) * 24.0
    act = [r for r in act if r["day"] <= day]
    samples = [(s, c, m, sh, de if de is not None and de <= day else None)
               for s, c, m, sh, de in samples if sh <= day]
    features = [(s, k, st, e if e is not None and e <= day else None, mi)
                for s, k, st, e, mi in features if st <= day]
    messages = [(g, c, m, se, r if r is not None and r < end else None)
                for g, c, m, se, r in messages if se < end]
    return creators, act, samples, features, messages


@pytest.mark.parametrize("policy", ["reported", "official"])
def test_scoring_on_day_D_ignores_data_after_day_D(policy):
    rng = np.random.default_rng(11)
    tables = _random_dataset(rng)
    pol = REPORTED if policy == "reported" else _official()
    full = build(*tables)
    for day in (9, 20, 27):
        cut = build(*_truncate(tables, day))
        for window in ("day", "week", "month"):
            a = run(full, pol, day=day, window=window)
            b = run(cut, pol, day=day, window=window)
            for name, v in a.scores.components.items():
                assert np.array_equal(v, b.scores.components[name], equal_nan=True), name
            for name, v in a.scores.indices.items():
                assert np.array_equal(v, b.scores.indices[name]), name
            assert np.array_equal(a.scores.exclusion, b.scores.exclusion)
            for name in a.scores.lists:
                for cat in a.categories:
                    assert order(a, name, cat) == order(b, name, cat)
            sa, sb = statuses(a), statuses(b)
            for sid, (st, dd, _) in sa.items():
                if sid in sb:
                    assert (st, dd) == sb[sid][:2], sid
                else:
                    assert st == "not_shipped"
