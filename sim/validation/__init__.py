"""Validation of the attention market against MusicLab (Salganik, Dodds & Watts, Science 2006).

In MusicLab's experiment 2, participants arrived one at a time at a site listing 48 unknown
songs, listened to some and downloaded some. In eight "social influence" worlds the songs were
listed in one column sorted by downloads so far, with the counts shown; in the independent
world they were listed in random order without counts. Social influence made success more
unequal and less predictable. This package replays that experiment with the creator feed's own
choice rule (:func:`sim.stages.choice_log_weight`) in the two-step form of Krumme, Cebrian,
Pickard & Pentland (PLoS ONE 2012): a participant *samples* songs by appeal, popularity shown
and position, then *downloads* each sampled song by its quality.

Modules, one concern each (``docs/validation.md``):

:mod:`~sim.validation.data`
    the data contract: :func:`load_musiclab` / :func:`musiclab_from_mapping` read and validate
    a data file, every problem named by file, key and value.
:mod:`~sim.validation.metrics`
    per-world :func:`gini`, :func:`top_share` (:func:`top5_share`) and the unpredictability
    :func:`unpredictability`, batched over worlds.
:mod:`~sim.validation.replay`
    the participant's parameters (:class:`MusicLabParams`), the simulated worlds
    (:func:`simulate_downloads`) and :func:`replicate`, one display on one seed beside the
    observed values.
:mod:`~sim.validation.calibration`
    :func:`calibrate`: the quality spread on the independent world, then position bias and
    social proof on the social worlds, alternated to a fixed point.
:mod:`~sim.validation.report`
    :func:`summarize` (every display over several seeds) and the Markdown tables the
    documentation quotes.
:mod:`~sim.validation.cli`
    ``creatorsim validate musiclab`` (:func:`add_subparser`, :func:`run_cli`).
"""

from __future__ import annotations

from .calibration import CALIBRATION_SEEDS, Calibration, calibrate
from .cli import add_subparser, run_cli
from .data import MusicLabData, ObservedWorld, load_musiclab, musiclab_from_mapping
from .metrics import TOP_SONGS, gini, top5_share, top_share, unpredictability
from .replay import (
    DISPLAYS,
    Downloads,
    MusicLabParams,
    Replication,
    replicate,
    simulate_downloads,
    song_traits,
)
from .report import MEASURES, SeedSummary, calibration_markdown, summarize

__all__ = [
    "CALIBRATION_SEEDS",
    "DISPLAYS",
    "MEASURES",
    "TOP_SONGS",
    "Calibration",
    "Downloads",
    "MusicLabData",
    "MusicLabParams",
    "ObservedWorld",
    "Replication",
    "SeedSummary",
    "add_subparser",
    "calibrate",
    "calibration_markdown",
    "gini",
    "load_musiclab",
    "musiclab_from_mapping",
    "replicate",
    "run_cli",
    "simulate_downloads",
    "song_traits",
    "summarize",
    "top5_share",
    "top_share",
    "unpredictability",
]
