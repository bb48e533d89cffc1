"""Approximate Bayesian computation (ABC-SMC, pyabc) over any simulator of statistics.

:func:`fit` fits uniform priors to observed statistics with pyabc's sequential Monte Carlo ABC
(Toni et al. 2009; Klinger, Rickert & Hasenauer 2018): generation after generation, particles
are proposed from a kernel around the last generation's and accepted when their simulated
statistics lie within a shrinking distance (the median of the last generation's distances) of
the targets. The distance (:func:`normalised_distance`) is the root mean square over the fitted
facts of ``(simulated - target value) / target range width``: a distance of 1 means one range
width away on average, whatever each fact's unit.

Determinism. pyabc draws proposals and model seeds from numpy's *global* random state, and its
own parallel samplers reseed every worker from the operating system, so their runs cannot be
repeated. :class:`OrderedSampler` replaces them: candidate ``i`` of generation ``t`` runs with
the global state seeded from ``SeedSequence(seed) -> (t + 1, i)``, candidates are evaluated in
batches (one process, a process pool of ``workers`` or a Dask cluster) and read back in index
order, and the generation keeps the first ``n`` accepted by index. So a seed gives the same
posterior bit for bit whatever the number of workers or where they run (a batch may evaluate a
few candidates past the ``n``-th acceptance: they cost time, never change the result). The
global state of the calling process is restored afterwards.
"""

from __future__ import annotations

import logging
import math
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from .targets import Prior

__all__ = [
    "DISTANCE_OF_NAN",
    "AbcResult",
    "ExecutorMap",
    "OrderedSampler",
    "fit",
    "normalised_distance",
    "weighted_quantile",
]

#: The per-fact distance of a statistic that could not be computed (NaN): far from any target.
DISTANCE_OF_NAN = 100.0

Simulator = Callable[[Mapping[str, float], int], Mapping[str, float]]


def normalised_distance(
    x: Mapping[str, float], x0: Mapping[str, float], scales: Mapping[str, float]
) -> float:
    """Root mean square of ``(x[k] - x0[k]) / scales[k]`` over the keys of ``x0``.

    A NaN (or missing) simulated statistic counts as :data:`DISTANCE_OF_NAN` range widths.
    """
    parts = []
    for k, target in x0.items():
        v = x.get(k, math.nan)
        d = (float(v) - float(target)) / float(scales[k])
        parts.append(DISTANCE_OF_NAN if not math.isfinite(d) else d)
    return float(math.sqrt(sum(p * p for p in parts) / len(parts)))


def weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    """The ``q`` quantile of weighted values (the inverse of the weighted CDF, interpolated)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cum, v))


def _particle_seed(ss: np.random.SeedSequence, t: int, i: int) -> int:
    child = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, t + 1, i))
    return int(child.generate_state(1)[0])


def _run_seeded(func: Callable[[], Any] | bytes, seed: int) -> Any:
    """Evaluate one candidate (pyabc's ``simulate_one``, or it cloudpickled) with the global
    random state seeded."""
    if isinstance(func, bytes):
        import cloudpickle

        func = cloudpickle.loads(func)
    np.random.seed(seed)  # noqa: NPY002 (pyabc draws from the global state)
    random.seed(seed)
    return func()


class OrderedSampler:
    """A pyabc sampler whose result depends on the seed only (see the module doc).

    ``map_batch(simulate_one, seeds)`` evaluates pyabc's ``simulate_one`` once per seed, with
    numpy's global state seeded from it, and returns the particles in the order of ``seeds``;
    ``batch`` is how many candidates are sent at once.
    Built by :func:`make_sampler` as a subclass of ``pyabc.sampler.Sampler``.
    """


def make_sampler(
    ss: np.random.SeedSequence,
    map_batch: Callable[[Callable[[], Any], list[int]], list[Any]],
    batch: int,
    progress: Callable[[int, int, int], None] | None = None,
) -> Any:
    """An :class:`OrderedSampler` (a ``pyabc.sampler.Sampler``) drawing from ``ss``."""
    from pyabc.sampler import Sampler

    class _Ordered(Sampler, OrderedSampler):
        def sample_until_n_accepted(
            self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
        ):
            del all_accepted, ana_vars  # the candidates decide; nothing to look ahead
            sample = self._create_empty_sample()
            evaluated = accepted = 0
            while accepted < n and evaluated < max_eval:
                size = int(min(batch, max_eval - evaluated))
                seeds = [_particle_seed(ss, t, evaluated + j) for j in range(size)]
                for particle in map_batch(simulate_one, seeds):
                    sample.append(particle)
                    evaluated += 1
                    accepted += bool(particle.accepted)
                    if accepted >= n or evaluated >= max_eval:
                        break
            if progress is not None:
                progress(t, accepted, evaluated)
            self.nr_evaluations_ = evaluated
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return _Ordered()


def _apply(func: Callable[..., Any] | bytes, args: tuple) -> Any:
    if isinstance(func, bytes):
        import cloudpickle

        func = cloudpickle.loads(func)
    return func(*args)


class ExecutorMap:
    """Evaluate candidates in order, here or on a ``concurrent.futures`` executor.

    ``executor`` is None (this process, nothing pickled) or any executor of
    :func:`sim.experiments.executors.open_executor`: a process pool or a Dask cluster. The call
    is cloudpickled once per batch (pyabc's ``simulate_one`` is a closure).
    """

    def __init__(self, executor: Executor | None = None):
        self.executor = executor

    def _map(self, target: Callable[..., Any], func: Callable[..., Any], items: list) -> list:
        if self.executor is None:
            return [target(func, item) for item in items]
        import cloudpickle

        payload = cloudpickle.dumps(func)
        return list(self.executor.map(target, [payload] * len(items), items))

    def __call__(self, func: Callable[[], Any], seeds: list[int]) -> list[Any]:
        """pyabc's ``simulate_one`` once per seed (the global state seeded from it), in order."""
        return self._map(_run_seeded, func, seeds)

    def apply(self, func: Callable[..., Any], args: list[tuple]) -> list[Any]:
        """``[func(*a) for a in args]``, in order."""
        return self._map(_apply, func, args)


#: The default place to run: this process.
serial_map = ExecutorMap()


@dataclass(frozen=True)
class AbcResult:
    """The posterior of :func:`fit`: the last generation's particles and weights."""

    keys: tuple[str, ...]
    particles: dict[str, np.ndarray]  # key -> values (integers rounded, as simulated)
    weights: np.ndarray  # sum 1
    generations: list[dict[str, Any]]  # t, epsilon, particles, evaluations
    evaluations: int
    seconds: float

    def quantile(self, key: str, q: float) -> float:
        return weighted_quantile(self.particles[key], self.weights, q)

    def median(self, key: str) -> float:
        return self.quantile(key, 0.5)


class _Model:
    """pyabc's model: parameters (safe names) in, statistics out; the run's seed is drawn
    from the global state the sampler seeded."""

    def __init__(self, simulate: Simulator, priors: Sequence[Prior]):
        self.simulate = simulate
        self.priors = tuple(priors)

    def __call__(self, pars: Mapping[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 (pyabc draws from the global state)
        params = rounded(
            {p.key: float(pars[f"p{i}"]) for i, p in enumerate(self.priors)}, self.priors
        )
        return {k: float(v) for k, v in self.simulate(params, seed).items()}


def rounded(params: Mapping[str, float], priors: Iterable[Prior]) -> dict[str, float]:
    """``params`` with integer keys rounded to the nearest integer inside their prior."""
    out = dict(params)
    for p in priors:
        if p.integer and p.key in out:
            out[p.key] = int(min(max(round(out[p.key]), math.ceil(p.low)), math.floor(p.high)))
    return out


class _Distance:
    def __init__(self, scales: Mapping[str, float]):
        self.scales = dict(scales)

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        return normalised_distance(x, x0, self.scales)


def fit(
    simulate: Simulator,
    priors: Sequence[Prior],
    observed: Mapping[str, float],
    scales: Mapping[str, float],
    *,
    seed: np.random.SeedSequence | int,
    population: int,
    generations: int,
    min_epsilon: float = 0.0,
    map_batch: Callable[[Callable[[], Any], list[int]], list[Any]] = serial_map,
    batch: int = 1,
    db_dir: str | os.PathLike | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> AbcResult:
    """Fit uniform ``priors`` so that ``simulate(params, seed)`` matches ``observed``.

    ``simulate`` returns a mapping of statistics (at least the keys of ``observed``); it must
    be picklable when ``map_batch`` sends work to other processes. ``scales`` divides each
    statistic's difference (the target range widths). Runs at most ``generations`` ABC-SMC
    generations of ``population`` accepted particles, stopping early once the acceptance
    threshold falls below ``min_epsilon``. pyabc's history database goes into ``db_dir`` (a
    temporary folder by default, removed afterwards).
    """
    import pyabc

    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    abc_ss, main_ss = ss.spawn(2)
    prior = pyabc.Distribution(
        **{f"p{i}": pyabc.RV("uniform", p.low, p.high - p.low) for i, p in enumerate(priors)}
    )
    sampler = make_sampler(abc_ss, map_batch, max(1, batch), progress)
    saved_np, saved_py = np.random.get_state(), random.getstate()  # noqa: NPY002 (pyabc draws from the global state)
    log = logging.getLogger("ABC")  # pyabc's loggers: one INFO line per step otherwise
    saved_level = log.level
    log.setLevel(max(logging.WARNING, saved_level))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=db_dir) as tmp:
        try:
            np.random.seed(int(main_ss.generate_state(1)[0]))  # noqa: NPY002 (pyabc draws from the global state)
            random.seed(int(main_ss.generate_state(1)[0]))
            abc = pyabc.ABCSMC(
                _Model(simulate, priors),
                prior,
                _Distance(scales),
                population_size=population,
                sampler=sampler,
            )
            abc.new("sqlite:///" + os.path.join(tmp, "abc.db"), dict(observed))
            history = abc.run(minimum_epsilon=min_epsilon, max_nr_populations=generations)
            frame, weights = history.get_distribution(m=0, t=history.max_t)
            pops = history.get_all_populations()
        finally:
            np.random.set_state(saved_np)  # noqa: NPY002 (pyabc draws from the global state)
            random.setstate(saved_py)
            log.setLevel(saved_level)
    order = np.argsort(frame.index.to_numpy(), kind="stable")  # particle ids: storage order
    w = np.asarray(weights, dtype=float)[order]
    particles = {p.key: frame[f"p{i}"].to_numpy(dtype=float)[order] for i, p in enumerate(priors)}
    particles = {k: np.asarray(v) for k, v in _round_columns(particles, priors).items()}
    gens = [
        {
            "t": int(row.t),
            "epsilon": float(row.epsilon),
            "evaluations": int(row.samples),
            "particles": int(row.particles),
        }
        for row in pops.itertuples()
        if row.t >= 0
    ]
    return AbcResult(
        keys=tuple(p.key for p in priors),
        particles=particles,
        weights=w / w.sum(),
        generations=gens,
        evaluations=int(sum(g["evaluations"] for g in gens)),
        seconds=time.perf_counter() - t0,
    )


def _round_columns(
    particles: Mapping[str, np.ndarray], priors: Sequence[Prior]
) -> dict[str, np.ndarray]:
    out = dict(particles)
    for p in priors:
        if p.integer:
            out[p.key] = np.clip(np.rint(out[p.key]), math.ceil(p.low), math.floor(p.high))
    return out
