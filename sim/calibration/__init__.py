"""Calibration of the model to public stylised facts (issue 11, point 6).

- :mod:`sim.calibration.facts`: the registry of statistics that measure a fact on a run.
- :mod:`sim.calibration.targets`: a targets file (facts, their sources, the fitted parameters
  and their priors), validated at the edge.
- :mod:`sim.calibration.abc`: ABC-SMC with pyabc, deterministic for a seed.
- :mod:`sim.calibration.calibrate`: the whole calibration and its outputs
  (``creatorsim calibrate``).

pyabc is the ``calibration`` extra; importing this package does not need it (only fitting does).
"""

from __future__ import annotations

from .calibrate import FILES, ModelSimulator, calibrate, snippet
from .facts import STATISTICS, MissingColumn, compute
from .targets import Fact, Prior, Targets, load_targets

__all__ = [
    "FILES",
    "STATISTICS",
    "Fact",
    "MissingColumn",
    "ModelSimulator",
    "Prior",
    "Targets",
    "calibrate",
    "compute",
    "load_targets",
    "snippet",
]
