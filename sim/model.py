"""The agent-based model: creators and merchants under the ranking rules, one tick a day.

:class:`CreatorMarket` is a ``mesa.Model``. Its populations are arrays (``sim.population``); its
``step`` runs the stages of DESIGN.md ("The model") as functions over those arrays
(``sim.stages``) and ranks everyone at the end of the day with the scoring engine's array API
(``scoring.ScoringState``). Randomness: Mesa's model generator (``rng=`` seed) is the root; each
stage draws from its own child generator spawned from it, so one seed fixes the whole run.
"""

from __future__ import annotations

import dataclasses

import mesa
import numpy as np

from scoring import WINDOW_DAYS, ScoringState, WindowScores
from scoring.fulfilment import (
    FULFILLED_LIVE,
    FULFILLED_VIDEO,
    KIND_LIVE,
    KIND_VIDEO,
    MISSED,
    PENDING,
    ColumnStore,
)

from . import stages
from .outcomes import concentration, gini, group_share, jaccard
from .population import init_creators, init_merchants, newcomers
from .scenario import Scenario

__all__ = ["LAST_DAYS", "STREAMS", "CreatorMarket"]

#: Named random streams, spawned in this order from the model's root generator.
STREAMS = (
    "init_creators",
    "init_merchants",
    "merchants",
    "creators",
    "attention",
    "adaptation",
    "turnover",
)
#: A fulfilment decided in the last this-many days before the deadline counts as last-minute.
LAST_DAYS = 2
#: The burnout incentive is measured every this-many days (it re-scores the population).
INCENTIVE_EVERY = 7


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0-based rank of each element among the earlier elements of the same group."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    sizes = np.diff(np.r_[first, g.size])
    rank = np.empty(groups.size, dtype=np.int64)
    rank[order] = np.arange(groups.size) - np.repeat(first, sizes)
    return rank


class CreatorMarket(mesa.Model):
    """Creators and merchants ranked every day by the scoring engine.

    Parameters
    ----------
    scenario
        Model parameters and scoring policy.
    rng
        Seed (or generator) for Mesa's root random generator.
    n_creators
        Overrides ``population.creators``.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: int | None = None,
        n_creators: int | None = None,
    ) -> None:
        super().__init__(rng=rng)
        self.scenario = scenario or Scenario()
        p = self.scenario.model
        self.params = p
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        n = p.population.creators if n_creators is None else int(n_creators)
        self.creators = init_creators(p, n, rng=self.streams["init_creators"])
        self.merchants = init_merchants(
            p, self.creators.category, rng=self.streams["init_merchants"]
        )
        k = p.population.categories
        self.followers_start = self.creators.followers.copy()
        # The engine keeps rolling sums only for the window merchants look at: the model uses
        # no other, and a month's ring buffers would cost 4x the memory of a week's.
        policy = dataclasses.replace(self.scenario.scoring, windows=(p.merchants.list_window,))
        self.state = ScoringState(
            self.creators.category, self.creators.followers, policy, n_categories=k
        )
        # Samples are featured only while open and days come in order: decided samples need
        # no re-evaluation (see SampleBook.status).
        self.state.samples.incremental = True
        self.category_starts = self.state.groups.starts
        self.merchant_starts = np.searchsorted(self.merchants.category, np.arange(k + 1))
        self.category_price = np.bincount(
            self.merchants.category, weights=self.merchants.price, minlength=k
        ) / np.maximum(np.bincount(self.merchants.category, minlength=k), 1)
        # Per sample (aligned with the scoring engine's sample book).
        self.ledger = ColumnStore(
            {"merchant": np.int64, "forget": np.bool_, "featured": np.bool_, "processed": np.bool_}
        )
        self.blocked = np.zeros(0, dtype=np.int64)  # merchant * n + creator, sorted
        self.miss_pairs = np.zeros(0, dtype=np.int64)  # sorted, merchant * n + creator
        self.miss_counts = np.zeros(0, dtype=np.int64)  # missed samples per pair
        self.lists: dict = {}
        self.positions: dict[str, np.ndarray] = {}
        self.scores: WindowScores | None = None
        self.day = -1
        self.records: list[dict[str, float]] = []
        self.snapshots: list[dict[str, np.ndarray]] = []
        self.totals = {
            key: np.zeros(n) for key in ("views", "gmv", "list_exposure", "days_listed", "workload")
        }
        self._period = {
            key: np.zeros(n)
            for key in ("gmv", "views", "standing", "hours", "pieces", "stress", "days", "missed")
        }
        self._gain: np.ndarray | None = None  # list-score gain of one more video (weekly)
        self._gain_day = -1
        self._last_payoff = np.zeros(n)  # payoff of the last adaptation period
        self.n_start = n
        self.next_id = n  # ids are never reused
        self._work: stages.Work | None = None
        self._today: dict[str, np.ndarray] = {}

    # -- the day ------------------------------------------------------------------------
    def step(self) -> None:
        """One day: the numbered stages of DESIGN.md."""
        day = self.day + 1
        self._merchants_act(day)  # 1. M3, M8, O4: list-driven contacts, messages, samples
        self._creators_act(day)  # 2. M8-M11, M15: replies, sample features, the day's work
        self._attention(day)  # 3. M14, M16: views by quality, audience, luck, standing
        self._scoring(day)  # 4. M4-M13: the engine updates fulfilment, indices, lists
        self._burnout(day)  # 5. M15: overload and deadlines build stress; burnout
        self._adapt(day)  # 6. creators adjust effort to what pays (gradient) every few weeks
        self._turnover(day)  # 7. M15: creators leave (burnout, no pay); newcomers join
        self._outcomes(day)  # visibility, workload, burnout, commerce (DESIGN.md "Outcomes")
        self.day = day

    # 1 ---------------------------------------------------------------------------------
    def _merchants_act(self, day: int) -> None:
        p, rng = self.params.merchants, self.streams["merchants"]
        m, c = self.merchants, self.creators
        m.sample_tokens = np.minimum(
            m.sample_tokens + p.samples_per_week / 7.0, 2.0 * p.samples_per_week
        )
        contacts = stages.merchant_contacts(
            m, self.category_starts, self.lists, self.blocked, c.n, params=p, rng=rng
        )
        here = c.active[contacts.creator]  # creators who left are not contacted
        contacts = stages.Contacts(
            contacts.merchant[here], contacts.creator[here], contacts.from_list[here]
        )
        sent = day * 24.0 + rng.uniform(8.0, 20.0, contacts.creator.size)
        crng = self.streams["creators"]
        replied = stages.answer_messages(
            c.orientation[contacts.creator],
            c.workload[contacts.creator],
            sent,
            params=self.params.creators,
            rng=crng,
        )
        self.state.messages.add_messages(contacts.creator, sent, replied)
        accepted = stages.accept_offers(
            c.orientation[contacts.creator] * c.uptake[contacts.creator],
            params=self.params.creators,
            rng=crng,
        )
        req_m, req_c = stages.sample_requests(
            c.orientation * c.active,
            c.category,
            self.merchant_starts,
            params=self.params.creators,
            rng=crng,
        )
        ok = ~stages.in_sorted(req_m * c.n + req_c, self.blocked)
        req_m, req_c = req_m[ok], req_c[ok]
        offer_m, offer_c = contacts.merchant[accepted], contacts.creator[accepted]
        left = np.floor(m.sample_tokens).astype(np.int64) - np.bincount(offer_m, minlength=m.m)
        grant = _rank_within(req_m) < left[req_m]
        ship_m = np.r_[offer_m, req_m[grant]]
        ship_c = np.r_[offer_c, req_c[grant]]
        delivered = day + rng.poisson(p.shipping_days_mean, ship_c.size)
        self.state.samples.add_samples(ship_c, np.full(ship_c.size, day), delivered)
        forget = rng.random(ship_c.size) < self.params.creators.forget_prob
        false = np.zeros(ship_c.size, dtype=bool)
        self.ledger.append(merchant=ship_m, forget=forget, featured=false, processed=false)
        sent_per = np.bincount(ship_m, minlength=m.m)
        m.sample_tokens -= sent_per
        m.samples_sent += sent_per
        m.sample_cost += sent_per * m.price * p.sample_cost_share
        self._today.update(
            contacts=contacts.creator.size,
            contacts_from_list=int(contacts.from_list.sum()),
            samples_shipped=ship_c.size,
            sample_requests=int(grant.sum()),
        )

    # 2 ---------------------------------------------------------------------------------
    def _creators_act(self, day: int) -> None:
        p, rng = self.params.creators, self.streams["creators"]
        c, book = self.creators, self.state.samples
        # Videos featuring samples that come down early today (M11a).
        up = book.videos_up()
        down = up[stages.take_downs(up.size, params=p, rng=rng)]
        if down.size:
            book.take_down(down, day)
        # Which delivered, pending samples are featured today (M10).
        ledger = self.ledger
        # Status at the start of today (the end of yesterday): a sample due today can still
        # be featured today.
        st = book.status(day - 1, self.scenario.scoring.fulfilment)
        status, deadline = st.status, st.deadline_day
        candidate = np.flatnonzero(self._waiting(status, day) & (deadline >= day))
        who = book.creator[candidate]
        burnt = c.burnt_days_left > 0
        # A burnt-out creator counts as overloaded: half as likely to get to a sample.
        load = np.where(burnt[who], np.maximum(c.workload[who], 2.0), c.workload[who])
        today = stages.choose_features(
            c.procrastinator[who], load, deadline[candidate] - day, params=p, rng=rng
        )
        feat, who = candidate[today], who[today]
        live = (c.orientation[who] >= 0.5) & (rng.random(feat.size) < p.feature_by_live_share)
        L = self.scenario.scoring.fulfilment.live_continuous_minutes
        short = rng.random(feat.size) < p.live_feature_short_prob
        minutes = np.where(
            short, rng.integers(1, max(L, 2), feat.size), L + rng.poisson(5.0, feat.size)
        ).astype(np.float64)
        feature_videos = np.bincount(who[~live], minlength=c.n)
        feature_lives = np.bincount(who[live], minlength=c.n)
        capacity = c.capacity_hours * np.where(burnt, self.params.burnout.burnt_capacity, 1.0)
        capacity = np.where(c.active, capacity, 0.0)  # a vacant slot does no work
        # Effort (adapted every few weeks) scales the hours planned, not the capacity.
        work = stages.plan_work(
            c, feature_videos, feature_lives, params=p, rng=rng, capacity=capacity * c.effort
        )
        if feat.size:
            book.add_features(
                feat,
                np.where(live, KIND_LIVE, KIND_VIDEO),
                np.full(feat.size, day),
                np.full(feat.size, -1),
                np.where(live, minutes, np.nan),
            )
            ledger["featured"][feat] = True
        c.workload = work.hours / np.maximum(capacity, 1e-9)
        self._work = work
        self._features_today = (feat, who)

    def _waiting(self, status: np.ndarray, day: int) -> np.ndarray:
        """Samples a current creator holds, delivered, pending, not yet featured or forgotten."""
        book, led = self.state.samples, self.ledger
        mine = book.creator >= 0
        mine[mine] = self.creators.active[book.creator[mine]]
        return (
            mine
            & (status == PENDING)
            & ~led["featured"]
            & ~led["forget"]
            & (book.delivered_day <= day)
        )

    # 3 ---------------------------------------------------------------------------------
    def _attention(self, day: int) -> None:
        a = self.params.attention
        c, work = self.creators, self._work
        standing = np.zeros(c.n)
        if a.coupling > 0 and a.coupling_list in self.positions:
            standing = stages.list_standing(
                self.positions[a.coupling_list],
                bias=a.position_bias,
                depth=self.params.merchants.positions_viewed,
            )
        out = stages.attention_market(
            c, work, standing, self.category_price, params=a, rng=self.streams["attention"]
        )
        c.followers = np.maximum(c.followers + out["new_followers"] - out["lost_followers"], 0)
        pieces = work.videos + work.livestreams
        c.views_per_piece = np.where(
            pieces > 0, out["views"] / np.maximum(pieces, 1), 0.5 * c.views_per_piece
        )
        # Merchants' return on samples: GMV of a featuring creator today, split over the
        # products the creator linked today, goes to the sample's merchant.
        feat, who = self._features_today
        if feat.size:
            share = out["gmv_cents"][who] / 100.0 / np.maximum(work.products_linked[who], 1)
            np.add.at(self.merchants.sample_gmv, self.ledger["merchant"][feat], share)
        self._out = out

    # 4 ---------------------------------------------------------------------------------
    def _scoring(self, day: int) -> None:
        work, out = self._work, self._out
        counters = {
            "videos": work.videos,
            "livestreams": work.livestreams,
            "live_minutes": work.live_minutes,
            "products_linked": work.products_linked,
            **{
                k: out[k]
                for k in (
                    "views",
                    "watch_seconds",
                    "engagements",
                    "product_views",
                    "orders",
                    "gmv_cents",
                )
            },
        }
        self.state.push_day(day, counters, self.creators.followers)
        window = self.params.merchants.list_window
        self.scores = self.state.score(window, active=self.creators.active)
        self.lists = self.scores.lists
        self.positions = {name: rl.positions(self.creators.n) for name, rl in self.lists.items()}
        # Merchants stop sending to creators who missed their samples (O4).
        st = self._status = self.state.sample_status()  # today's, for the later stages
        led = self.ledger
        decided = (st.status >= FULFILLED_VIDEO) & ~led["processed"]
        missed = np.flatnonzero(decided & (st.status == MISSED) & (self.state.samples.creator >= 0))
        if missed.size:
            who = self.state.samples.creator[missed]
            self._period["missed"] += np.bincount(who, minlength=self.creators.n)
            keys = led["merchant"][missed] * self.creators.n + who
            new, new_counts = np.unique(keys, return_counts=True)
            # Merge into the sorted pair keys and their miss counts (no re-sort of history).
            pos = np.searchsorted(self.miss_pairs, new)
            known = pos < self.miss_pairs.size
            known[known] = self.miss_pairs[pos[known]] == new[known]
            self.miss_counts[pos[known]] += new_counts[known]
            self.miss_pairs = np.insert(self.miss_pairs, pos[~known], new[~known])
            self.miss_counts = np.insert(self.miss_counts, pos[~known], new_counts[~known])
            limit = self.params.merchants.misses_before_blocking
            self.blocked = self.miss_pairs[self.miss_counts >= limit]
        led["processed"][decided] = True

    # 5 ---------------------------------------------------------------------------------
    def _burnout(self, day: int) -> None:
        c, b = self.creators, self.params.burnout
        st = self._status  # statuses as of today's scoring
        book = self.state.samples
        idx = np.flatnonzero(self._waiting(st.status, day))
        pressure = stages.deadline_pressure(
            book.creator[idx], st.deadline_day[idx] - day, c.n, params=b
        )
        strain = stages.update_stress(
            c.stress, c.high_days, c.burnt_days_left, c.workload, pressure, params=b
        )
        c.stress, c.high_days, c.burnt_days_left = (
            strain.stress,
            strain.high_days,
            strain.burnt_days_left,
        )
        c.burnouts += strain.burnt_today & c.active
        first = strain.burnt_today & (c.first_burnout_day < 0)
        c.first_burnout_day[first] = day
        self._today["burnouts_today"] = int(strain.burnt_today.sum())
        if day % INCENTIVE_EVERY == INCENTIVE_EVERY - 1:
            self._today.update(self._burnout_incentive(day))

    def _list_gain(self, day: int) -> np.ndarray:
        """(n,) list-score gain of one more video in the list window (M15), cached per day.

        For every creator, the change of its score on the lists merchants use (mean over them)
        if it alone had posted one more video (with a product linked, for sellers) in the list
        window, others held fixed (``ScoringState.marginal_gain``: exact finite difference).
        """
        if self._gain is None or self._gain_day != day:
            c, mp = self.creators, self.params.merchants
            gain = self.state.marginal_gain(
                mp.list_window,
                {"videos": 1, "products_linked": (c.orientation > 0).astype(np.int64)},
            )
            g = np.mean([gain[name] for name in mp.lists_used if name in gain], axis=0)
            self._gain, self._gain_day = np.where(c.active, g, 0.0), day
        return self._gain

    def _video_value(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """What one more video a day is worth to each creator, and what it costs, (n,) each.

        Value = commission x the creator's GMV per piece this period + ``view_value`` x its
        views per piece (per 1,000) + ``list_value`` x the list-score gain of one more video x
        the window's days (a video a day adds that many to the window) + ``miss_cost`` x the
        samples it missed this period per day (a video a day more would have featured them,
        M11, O4). Cost = ``effort_cost`` x ``video_hours`` x (1 + ``stress_cost`` x mean
        stress this period). See :class:`sim.scenario.AdaptationParams`.
        """
        a, per = self.params.adaptation, self._period
        window_days = WINDOW_DAYS[self.params.merchants.list_window]
        pieces = np.maximum(per["pieces"], 1.0)
        value = (
            self.params.merchants.commission * per["gmv"] / pieces
            + a.view_value * per["views"] / pieces / 1000.0
            + a.list_value * window_days * self._list_gain(day)
            + a.miss_cost * per["missed"] / np.maximum(per["days"], 1.0)
        )
        stress = per["stress"] / np.maximum(per["days"], 1.0)
        cost = a.effort_cost * self.params.creators.video_hours * (1.0 + a.stress_cost * stress)
        return value, cost

    def _burnout_incentive(self, day: int) -> dict[str, float]:
        """The pull of the lists on effort (M15), by creator group.

        ``incentive_*``: mean list-score gain of one more video (:meth:`_list_gain`).
        ``incentive_gap_*``: among creators working at or above capacity, the mean of what one
        more video a day is worth minus what it would cost a creator free of stress
        (:meth:`_video_value`), in currency: positive means the rules pay for effort beyond a
        sustainable level, and stress alone holds creators back.
        """
        c = self.creators
        g = self._list_gain(day)
        value, _ = self._video_value(day)
        a = self.params.adaptation
        gap = value - a.effort_cost * self.params.creators.video_hours
        ent, over = c.entertainer, (c.workload >= 1.0) & c.active

        def mean(x: np.ndarray, mask: np.ndarray) -> float:
            return float(x[mask].mean()) if mask.any() else np.nan

        act = c.active
        return {
            "incentive_mean": mean(g, act),
            "incentive_sellers": mean(g, act & ~ent),
            "incentive_entertainers": mean(g, act & ent),
            "incentive_overloaded": mean(g, over),
            "incentive_within_capacity": mean(g, act & ~over),
            "incentive_gap": mean(gap, over),
            "incentive_gap_sellers": mean(gap, over & ~ent),
            "incentive_gap_entertainers": mean(gap, over & ent),
        }

    # 6 ---------------------------------------------------------------------------------
    def _adapt(self, day: int) -> None:
        a, c = self.params.adaptation, self.creators
        per = self._period
        if (day + 1) % a.every_days:
            return
        # The period's payoff (also what the unpaid-exit rule of stage 7 looks at).
        payoff = (
            self.params.merchants.commission * per["gmv"]
            + a.view_value * per["views"] / 1000.0
            + a.list_value * per["standing"]
            - a.effort_cost * per["hours"] * (1.0 + a.stress_cost * c.stress)
        )
        adapting = a.imitation > 0 or a.noise > 0 or (a.rule == "gradient" and a.learning_rate > 0)
        if adapting:
            rng = self.streams["adaptation"]
            starts = self.category_starts
            if a.rule == "gradient":  # effort by gradient, sample uptake by imitation
                value, cost = self._video_value(day)
                c.effort = stages.effort_step(c.effort, value, cost, params=a, rng=rng)
                new = stages.imitate(
                    {"uptake": c.uptake}, payoff, starts, c.category, params=a, rng=rng
                )
            else:
                new = stages.imitate(
                    {"effort": c.effort, "uptake": c.uptake},
                    payoff,
                    starts,
                    c.category,
                    params=a,
                    rng=rng,
                )
                c.effort = np.clip(new["effort"], 0.1, a.max_effort)
            c.uptake = np.clip(new["uptake"], 0.0, 2.0)
        self._last_payoff = payoff
        for v in per.values():
            v[:] = 0.0

    # 7 ---------------------------------------------------------------------------------
    def _turnover(self, day: int) -> None:
        t, c = self.params.turnover, self.creators
        rng = self.streams["turnover"]
        leaving = stages.exits(
            c.active, c.burnt_days_left > 0, self._last_payoff < 0, params=t, rng=rng
        )
        c.active = c.active & ~leaving
        vacant = np.flatnonzero(~c.active)
        k = min(int(rng.poisson(t.entry_rate * self.n_start)), vacant.size)
        slots = np.sort(rng.choice(vacant, size=k, replace=False)) if k else vacant[:0]
        if k:
            ids = self.next_id + np.arange(k)
            self.next_id += k
            followers = newcomers(c, slots, ids, self.params, rng=rng)
            c.joined_day[slots] = day + 1  # they start work tomorrow
            # Id ranks: the newcomers have the largest ids; everyone else keeps their order.
            rank = self.state.tiebreak
            if rank is None:
                rank = np.arange(c.n)
            gone = np.sort(rank[slots])
            rank = rank - np.searchsorted(gone, rank)
            rank[slots] = c.n - k + np.arange(k)  # slots are sorted and ids ascend with them
            self.state.replace_creators(slots, followers, tiebreak=rank)
            # The newcomer starts with a clean record with every merchant.
            replaced = np.zeros(c.n, dtype=bool)
            replaced[slots] = True
            keep = ~replaced[self.miss_pairs % c.n]
            self.miss_pairs, self.miss_counts = self.miss_pairs[keep], self.miss_counts[keep]
            limit = self.params.merchants.misses_before_blocking
            self.blocked = self.miss_pairs[self.miss_counts >= limit]
            for v in (*self.totals.values(), *self._period.values()):
                v[slots] = 0.0
            self._last_payoff[slots] = 0.0
            self.followers_start[slots] = followers
        self._today.update(exits_today=int(leaving.sum()), entries_today=k)

    # outcomes --------------------------------------------------------------------------
    def _outcomes(self, day: int) -> None:
        c, work, out, s = self.creators, self._work, self._out, self.scores
        mp = self.params.merchants
        list_exp = np.zeros(c.n)
        listed = np.zeros(c.n, dtype=bool)
        for name in mp.lists_used:
            pos = self.positions[name]
            list_exp += self.params.attention.list_exposure_per_position * stages.list_standing(
                pos, bias=mp.position_bias, depth=mp.positions_viewed
            )
            listed |= (pos > 0) & (pos <= mp.positions_viewed)
        views = out["views"].astype(np.float64)
        gmv = out["gmv_cents"] / 100.0
        ent = c.entertainer
        top_followers = (
            c.followers >= np.partition(c.followers, int(0.9 * (c.n - 1)))[int(0.9 * (c.n - 1))]
        )
        prev = self._today.get("listed_ids")
        ids = np.flatnonzero(listed)
        turnover = 1.0 - jaccard(ids, prev) if prev is not None else np.nan
        st = self._status  # statuses as of today's scoring
        today_f = (st.decided_day == day) & (
            (st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE)
        )
        today_m = (st.decided_day == day) & (st.status == MISSED)
        last_minute = today_f & (st.decided_day > st.deadline_day - LAST_DAYS)
        decided_all = st.status >= FULFILLED_VIDEO
        fulfilled_all = (st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE)
        m = self.merchants
        feed_g, feed_t1, feed_t10 = concentration(views, (0.01, 0.10))
        list_g, list_t1, list_t10 = concentration(list_exp, (0.01, 0.10))
        gmv_g, gmv_t10 = concentration(gmv, (0.10,))
        rec = {
            "day": day,
            "feed_views": float(views.sum()),
            "feed_gini": feed_g,
            "feed_top1_share": feed_t1,
            "feed_top10_share": feed_t10,
            "feed_entertainer_share": group_share(views, ent),
            "feed_top_follower_decile_share": group_share(views, top_followers),
            "list_exposure_gini": list_g,
            "list_top1_share": list_t1,
            "list_top10_share": list_t10,
            "list_entertainer_share": group_share(list_exp, ent),
            "list_mean_orientation": float(np.average(c.orientation, weights=list_exp))
            if list_exp.sum() > 0
            else np.nan,
            "share_listed": float(listed.mean()),
            "share_eligible": float(s.eligible.mean()),
            "list_turnover": turnover,
            "active_share": float(c.active.mean()),
            "workload_mean": float(c.workload[c.active].mean()) if c.active.any() else np.nan,
            "overload_share": float((c.workload[c.active] > 1.0).mean())
            if c.active.any()
            else np.nan,
            "stressed_share": float((c.stress >= self.params.burnout.threshold).mean()),
            "burnt_out_share": float((c.burnt_days_left > 0).mean()),
            "burnt_out_share_sellers": float((c.burnt_days_left[~ent] > 0).mean())
            if (~ent).any()
            else np.nan,
            "burnt_out_share_entertainers": float((c.burnt_days_left[ent] > 0).mean())
            if ent.any()
            else np.nan,
            "stress_mean": float(c.stress.mean()),
            "effort_mean": float(c.effort.mean()),
            "effort_mean_sellers": float(c.effort[~ent].mean()) if (~ent).any() else np.nan,
            "uptake_mean": float(c.uptake.mean()),
            "fulfilled_today": int(today_f.sum()),
            "missed_today": int(today_m.sum()),
            "last_minute_share": float(last_minute.sum() / today_f.sum())
            if today_f.any()
            else np.nan,
            "fulfilment_rate": float(fulfilled_all.sum() / decided_all.sum())
            if decided_all.any()
            else np.nan,
            "gmv": float(gmv.sum()),
            "gmv_gini": gmv_g,
            "gmv_top10_share": gmv_t10,
            "merchant_sample_roi": float(m.sample_gmv.sum() / m.sample_cost.sum())
            if m.sample_cost.sum() > 0
            else np.nan,
            "followers_gini": gini(c.followers),
            **{k: float(v) for k, v in self._today.items() if k != "listed_ids"},
        }
        self._today = {"listed_ids": ids}
        self.records.append(rec)
        t = self.totals
        t["views"] += views
        t["gmv"] += gmv
        t["list_exposure"] += list_exp
        t["days_listed"] += listed
        t["workload"] += c.workload
        per = self._period
        per["gmv"] += gmv
        per["views"] += views
        per["standing"] += self._standing()
        per["hours"] += work.hours
        per["pieces"] += work.videos + work.livestreams
        per["stress"] += c.stress
        per["days"] += 1.0

    def _standing(self) -> np.ndarray:
        """Each creator's score (0-1) on the lists merchants use, 0 when excluded (M12).

        The score, not the list position, is what adaptation values: it rises smoothly with
        the creator's own activity far below the positions merchants look at, so a creator
        ranked 300th still sees that more videos move it up (M15).
        """
        s = self.scores
        names = [name for name in self.params.merchants.lists_used if name in s.list_scores]
        total = np.zeros(self.creators.n)
        for name in names:
            total += np.nan_to_num(s.list_scores[name], nan=0.0)
        total = np.where(s.eligible, total, 0.0)
        return total / max(len(names), 1)

    # results ---------------------------------------------------------------------------
    def list_snapshot(self) -> dict[str, np.ndarray]:
        """Today's lists that merchants use: day, list, category, position, creator, score."""
        cols: dict[str, list] = {
            k: [] for k in ("day", "list", "category", "position", "creator_id", "score")
        }
        depth = self.params.merchants.positions_viewed
        for name in self.params.merchants.lists_used:
            rl = self.lists[name]
            for cat in range(rl.offsets.size - 1):
                members = rl.category_slice(cat)[:depth]
                sc = rl.score[rl.offsets[cat] : rl.offsets[cat] + members.size]
                k = members.size
                cols["day"] += [self.day] * k
                cols["list"] += [name] * k
                cols["category"] += [cat] * k
                cols["position"] += list(range(1, k + 1))
                cols["creator_id"] += self.creators.creator_id[members].tolist()
                cols["score"] += np.asarray(sc, dtype=np.float64).tolist()
        return {k: np.array(v) for k, v in cols.items()}

    def run(self, days: int, progress=None) -> None:
        """Advance ``days`` days, calling ``progress(day)`` after each if given."""
        for _ in range(days):
            self.step()
            if progress is not None:
                progress(self.day)

    def daily_table(self) -> dict[str, np.ndarray]:
        """The daily outcomes as columns (one row per day)."""
        keys = list(dict.fromkeys(k for r in self.records for k in r))  # weekly ones too
        return {k: np.array([r.get(k, np.nan) for r in self.records]) for k in keys}

    def creator_table(self) -> dict[str, np.ndarray]:
        """One row per creator: traits, audience, totals, list days, samples."""
        c, st = self.creators, self.state.sample_status()
        n = c.n
        who = self.state.samples.creator
        mine = who >= 0  # samples of creators who left and were replaced count for nobody
        fulfilled = np.bincount(
            who[mine & ((st.status == FULFILLED_VIDEO) | (st.status == FULFILLED_LIVE))],
            minlength=n,
        )
        missed = np.bincount(who[mine & (st.status == MISSED)], minlength=n)
        days = max(self.day + 1, 1)
        return {
            "creator_id": c.creator_id,
            "active": c.active,
            "category": c.category,
            "entertainer": c.entertainer,
            "orientation": c.orientation,
            "quality": c.quality,
            "skill": c.skill,
            "capacity_hours": c.capacity_hours,
            "procrastinator": c.procrastinator,
            "followers_start": self.followers_start,
            "followers_end": c.followers,
            "views": self.totals["views"],
            "gmv": self.totals["gmv"],
            "list_exposure": self.totals["list_exposure"],
            "days_listed": self.totals["days_listed"].astype(np.int64),
            "mean_workload": self.totals["workload"] / days,
            "samples_received": np.bincount(who[mine], minlength=n),
            "samples_fulfilled": fulfilled,
            "samples_missed": missed,
            "stress_end": c.stress,
            "burnouts": c.burnouts,
            "first_burnout_day": c.first_burnout_day,
            "joined_day": c.joined_day,
            "effort_end": c.effort,
            "uptake_end": c.uptake,
        }
