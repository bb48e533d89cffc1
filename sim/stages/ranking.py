"""Stage 4 (M4-M13, O4): the scoring engine takes the day; merchants book misses."""

from __future__ import annotations

import numpy as np

from ..scenario import ModelParams
from ..state import Market, Today

__all__ = ["COUNTERS", "score"]

#: The engine's daily counters the attention stage produces (the rest come from the work).
COUNTERS = ("views", "watch_seconds", "engagements", "product_views", "orders", "gmv_cents")


def score(market: Market, today: Today, *, params: ModelParams) -> Today:
    """Stage 4 (M4-M13, O4): push the day into the engine, score the list window, book misses.

    The engine ranks active creators on the list window (``merchants.list_window``);
    ``market.scores``, ``lists`` and ``positions`` become today's. Samples decided today are
    booked in the ledger: misses count against their merchant-creator pair (blocking it at
    the limit, O4) and towards the creator's misses this adaptation period. Returns
    ``today.status`` (sample statuses as of today).
    """
    c, work, out = market.creators, today.work, today.attention
    counters = {
        "videos": work.videos,
        "livestreams": work.livestreams,
        "live_minutes": work.live_minutes,
        "products_linked": work.products_linked,
        **{k: out[k] for k in COUNTERS},
    }
    market.scoring.push_day(today.day, counters, c.followers)
    market.scores = market.scoring.score(params.merchants.list_window, active=c.active)
    market.lists = market.scores.lists
    market.positions = {name: rl.positions(c.n) for name, rl in market.lists.items()}
    # Merchants stop sending to creators who missed their samples (O4).
    st = market.scoring.sample_status()
    who = market.ledger.book_decisions(st.status, market.scoring.samples.creator)
    if who.size:
        missed = np.bincount(who, minlength=c.n)
        market.period["missed"] += missed
        c.samples_missed += missed
    return today.add(status=st)
