"""The stages of one simulated day, one module per group of stages.

Each day-level stage has the form ``today = stage(market, today, *, params, rng)`` over the
explicit state of :mod:`sim.state`; :meth:`sim.model.CreatorMarket.step` calls them in order:

====================  =================================================  ====================
module                stages (mechanics)                                 random stream
====================  =================================================  ====================
:mod:`.contact`       1a ``reach_out`` (M3, M8, O4), 1b ``reply``          merchants, creators,
                      (M8, M9, O4), 1c ``ship`` (M8, M10)                  merchants
:mod:`.work`          2 ``create`` (M7.4, M10, M11, M11a, M15)             creators
:mod:`.attention`     3 ``watch`` (M7.3, M14, M16)                         attention
:mod:`.ranking`       4 ``score`` (M4-M13, O4)                             (none)
:mod:`.strain`        5 ``build_up``, ``measure_incentive`` (M10, O2, M15)  (none)
:mod:`.adaptation`    6 ``adapt``, end of day ``remember`` (M15)           adaptation
:mod:`.turnover`      7 ``leave_and_join`` (M15)                           turnover
====================  =================================================  ====================

The array kernels inside them (``merchant_contacts``, ``plan_work``, ``attention_market``,
``update_stress``, ...) take arrays and parameters and a ``numpy.random.Generator``
(keyword-only) and return arrays; none loops over creators in Python. They are re-exported
here. Parameters are documented in ``sim.scenario``.
"""

from __future__ import annotations

from . import adaptation, attention, contact, ranking, strain, turnover, work
from .adaptation import effort_step, imitate
from .attention import attention_market, choice_log_weight
from .common import MAX_DAILY_VIEWS, counts, in_sorted, list_standing, rank_within
from .contact import (
    Contacts,
    accept_offers,
    answer_messages,
    merchant_contacts,
    sample_requests,
)
from .strain import Strain, deadline_pressure, update_stress
from .turnover import exits
from .work import Work, choose_features, plan_work, take_downs

__all__ = [
    "MAX_DAILY_VIEWS",
    "Contacts",
    "Strain",
    "Work",
    "accept_offers",
    "adaptation",
    "answer_messages",
    "attention",
    "attention_market",
    "choice_log_weight",
    "choose_features",
    "contact",
    "counts",
    "deadline_pressure",
    "effort_step",
    "exits",
    "imitate",
    "in_sorted",
    "list_standing",
    "merchant_contacts",
    "plan_work",
    "rank_within",
    "ranking",
    "sample_requests",
    "strain",
    "take_downs",
    "turnover",
    "update_stress",
    "work",
]
