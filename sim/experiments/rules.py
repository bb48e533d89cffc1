"""One paired comparison under every learning rule and posterior point: does an effect survive?

A finding about the rules (a weight, a window) rests on how the model's creators adapt their
effort and on parameters the calibration only narrows down. :func:`compare_rules` runs the same
comparison of a base and its variants once per *setting*, on the same seeds, and labels each
(variant, outcome) by what its intervals say across the settings. A setting is a learning rule
(``adaptation.rule``: gradient, imitation, exp3, none; issue 11 point 3) crossed with a point
of the calibration's posterior (its median, 5th or 95th percentile of every fitted key at once;
issue 11 "Done when", the table "what the model says, and under what"). The labels:

``robust``
    every setting's interval excludes 0, all with the same sign;
``conditional: under ...``
    some settings' intervals exclude 0, all with the same sign, the others include 0: the label
    names the settings under which the effect holds;
``contradictory``
    intervals exclude 0 with opposite signs in different settings;
``not found``
    no setting's interval excludes 0;
``constant``
    the outcome varies in neither arm in any setting (fixed by construction).

The posterior comes from a small file (:func:`load_posterior`): JSON or TOML mapping each
fitted scenario key to its ``median``, ``q05`` and ``q95`` (the ``posterior`` table of the
``calibration.json`` that ``creatorsim calibrate`` writes is read as it is). Putting every key
at its 5th percentile together is a corner of the posterior box, not a draw from the posterior:
it brackets how far the calibration's uncertainty can move an effect, which is what a claim must
survive.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring.params import ConfigError

if TYPE_CHECKING:  # the command line imports this module to build its parser: keep it light
    from ..scenario import Scenario
    from .comparison import Comparison

__all__ = [
    "POINTS",
    "RULES",
    "RulesComparison",
    "Setting",
    "compare_rules",
    "load_posterior",
    "make_settings",
    "parse_points",
    "parse_rules",
    "posterior_values",
    "robustness_label",
]

#: The learning rules a claim must survive (``adaptation.rule``'s choices).
RULES = ("gradient", "imitation", "exp3", "none")

#: The points of the posterior a comparison can run at, and the file field each reads.
POINTS = ("median", "q05", "q95")


def robustness_label(rows: Sequence[dict[str, Any]]) -> str:
    """The label of one outcome from its rows under each setting (see the module doc).

    Each row needs ``ci_low``, ``ci_high``, ``constant`` and a ``setting`` (else ``rule``) that
    names it. A row whose interval is missing (NaN: its runs failed) counts as not excluding 0;
    a constant row (no interval: the difference is exact) holds when its difference is not 0.
    """
    if rows and all(r.get("constant") for r in rows):
        return "constant"

    def name(r: dict[str, Any]) -> str:
        return str(r.get("setting") or r["rule"])

    def exact(r: dict[str, Any]) -> float:  # a constant row's difference has no interval
        d = r.get("difference")
        return d if r.get("constant") and _finite(d) else 0.0

    up = [name(r) for r in rows if (_finite(r["ci_low"]) and r["ci_low"] > 0) or exact(r) > 0]
    down = [name(r) for r in rows if (_finite(r["ci_high"]) and r["ci_high"] < 0) or exact(r) < 0]
    if up and down:
        return "contradictory"
    held = up or down
    if not held:
        return "not found"
    if len(held) == len(rows):
        return "robust"
    return "conditional: under " + ", ".join(held)


def _finite(x: Any) -> bool:
    return x is not None and x == x  # not None, not NaN


# -- settings: rules x posterior points --------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One condition a comparison runs under.

    ``rule``: the ``adaptation.rule`` both arms get (None: each scenario keeps its own);
    ``point``: the posterior point (``median``, ``q05``, ``q95``; None: the scenarios as given);
    ``values``: the scenario keys that point sets (empty when ``point`` is None).
    """

    rule: str | None
    point: str | None = None
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def label(self) -> str:
        """``gradient``, ``gradient q05``, ``q95`` (no rule set), ``as given``."""
        parts = [p for p in (self.rule, self.point) if p]
        return " ".join(parts) if parts else "as given"

    @property
    def folder(self) -> str:
        """Its sub-folder of an output folder: ``rule-gradient``, ``rule-gradient-q05``."""
        return "rule-" + "-".join(p for p in (self.rule or "own", self.point) if p)

    def apply(self, scenario: Scenario) -> Scenario:
        """``scenario`` with this setting's rule and posterior values."""
        over = dict(self.values)
        if self.rule is not None:
            over["adaptation.rule"] = self.rule
        return scenario.with_values(over) if over else scenario


def parse_rules(text: str, *, what: str = "--rules") -> tuple[str, ...]:
    """``all`` or a comma list of rules (``gradient,imitation``) as a tuple, in RULES' order.

    A one-line ValueError names the bad item and the allowed ones.
    """
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    if items == ["all"]:
        return RULES
    bad = [t for t in items if t not in RULES]
    if bad or not items:
        raise ValueError(
            f"{what} {text!r}: {bad[0] + ' is not a rule' if bad else 'empty'}; use all or a "
            f"comma list of {', '.join(RULES)}"
        )
    return tuple(dict.fromkeys(items))


def parse_points(text: str, *, what: str = "--at") -> tuple[str, ...]:
    """A comma list of posterior points (``q05,q95``) as a tuple; a one-line ValueError else."""
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    bad = [t for t in items if t not in POINTS]
    if bad or not items:
        raise ValueError(
            f"{what} {text!r}: {bad[0] + ' is not a point' if bad else 'empty'}; use a comma "
            f"list of {', '.join(POINTS)}"
        )
    return tuple(dict.fromkeys(items))


def load_posterior(path: str | os.PathLike) -> dict[str, dict[str, float]]:
    """Read a posterior summary: ``{scenario key: {"median": m, "q05": a, "q95": b}}``.

    JSON (``.json``) or TOML (any other suffix). The keys may sit at the top level or under a
    ``posterior`` table (the ``calibration.json`` of ``creatorsim calibrate``); other fields of
    a key (``prior``) are ignored. Each of ``median``, ``q05``, ``q95`` must be a finite number
    with ``q05 <= median <= q95``. Errors are one line naming the file, the key and the value.
    Whether the keys are scenario keys is checked when a scenario takes them
    (:func:`posterior_values`).
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ValueError(f"posterior {p}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
        doc = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"posterior {p}: not a text file (byte {exc.start} is not UTF-8)"
        ) from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if p.suffix.lower() == ".json" else "TOML"
        raise ValueError(f"posterior {p}: not valid {kind} ({exc})") from None
    if isinstance(doc, dict) and isinstance(doc.get("posterior"), dict):
        doc = doc["posterior"]
    if not isinstance(doc, dict) or not doc:
        raise ValueError(
            f"posterior {p}: holds no keys; give a table {{key: {{median, q05, q95}}}} "
            "(at the top or under 'posterior')"
        )
    out: dict[str, dict[str, float]] = {}
    for key, entry in doc.items():
        if not isinstance(entry, dict):
            raise ValueError(
                f"posterior {p}: {key} = {entry!r}; allowed: a table with median, q05, q95"
            )
        vals: dict[str, float] = {}
        for point in POINTS:
            v = entry.get(point)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"posterior {p}: {key}.{point} = {v!r}; allowed: a finite number")
            vals[point] = float(v)
        if not vals["q05"] <= vals["median"] <= vals["q95"]:
            raise ValueError(
                f"posterior {p}: {key} has q05 {vals['q05']:g}, median {vals['median']:g}, "
                f"q95 {vals['q95']:g}; allowed: q05 <= median <= q95"
            )
        out[str(key)] = vals
    return out


def posterior_values(
    posterior: Mapping[str, Mapping[str, float]],
    point: str,
    scenario: Scenario,
    *,
    source: str = "posterior",
) -> dict[str, Any]:
    """The scenario values of ``posterior`` at ``point``, typed like the scenario's keys.

    A key the scenario does not have, or a value it rejects, is a one-line ValueError naming
    ``source``, the key and the value. Integer parameters are rounded to the nearest integer.
    """
    if point not in POINTS:
        raise ValueError(f"point {point!r}: use one of {', '.join(POINTS)}")
    current = scenario.values()
    values: dict[str, Any] = {}
    for key, entry in posterior.items():
        if key not in current:
            raise ValueError(
                f"{source}: {key} is not a scenario key (see creatorsim explain); allowed: the "
                "keys of the scenario's tables"
            )
        v = entry[point]
        old = current[key]
        if isinstance(old, int) and not isinstance(old, bool):
            v = round(v)
        values[key] = v
    try:
        scenario.with_values(values)
    except ConfigError as exc:
        pr = exc.problems[0]
        raise ValueError(
            f"{source}: {pr.key} = {pr.value!r} at {point}; allowed: {pr.allowed}"
        ) from None
    return values


def make_settings(
    scenario: Scenario,
    *,
    rules: Sequence[str] | None = RULES,
    posterior: Mapping[str, Mapping[str, float]] | None = None,
    at: Sequence[str] = (),
    at_rules: Sequence[str] | None = None,
    source: str = "posterior",
) -> list[Setting]:
    """The settings of a comparison: each rule, and each rule in ``at_rules`` at each point.

    Without ``posterior`` the settings are the ``rules`` (None: one setting, the scenarios as
    given). With it, each rule runs at the posterior's median (the calibrated defaults), and
    each rule of ``at_rules`` (default: all of ``rules``) also at every other point in ``at``.
    """
    rule_list: list[str | None] = list(rules) if rules else [None]
    bad = [r for r in rule_list if r is not None and r not in RULES]
    if bad:
        raise ValueError(f"rules = {list(rules or ())!r}: use one or more of {', '.join(RULES)}")
    bad = [p for p in at if p not in POINTS]
    if bad:
        raise ValueError(f"at = {list(at)!r}: use one or more of {', '.join(POINTS)}")
    if posterior is None:
        if at:
            raise ValueError(f"at = {list(at)!r} needs a posterior (a file of median, q05, q95)")
        return [Setting(r) for r in rule_list]
    quantile_rules = rule_list if at_rules is None else list(at_rules)
    outside = [r for r in quantile_rules if r not in rule_list]
    if outside:
        raise ValueError(f"at_rules {outside!r}: each must be one of the rules {rule_list!r}")
    points = {p: posterior_values(posterior, p, scenario, source=source) for p in POINTS}
    settings = [Setting(r, "median", points["median"]) for r in rule_list]
    for p in (p for p in at if p != "median"):
        settings += [Setting(r, p, points[p]) for r in quantile_rules]
    return settings


# -- the comparison ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesComparison:
    """The outcome of :func:`compare_rules`.

    ``comparisons``: the :class:`~sim.experiments.Comparison` under each setting (by label);
    ``rows``: one dict per (setting, variant, outcome) with the comparison's columns plus
    ``setting``, ``rule`` and ``point``; ``labels``: ``(variant, outcome)`` ->
    :func:`robustness_label` over the settings.
    """

    base: str
    variants: tuple[str, ...]
    settings: tuple[Setting, ...]
    comparisons: dict[str, Comparison]
    rows: tuple[dict[str, Any], ...]
    labels: dict[tuple[str, str], str]

    @property
    def variant(self) -> str:
        """The first (often the only) variant."""
        return self.variants[0]

    @property
    def rules(self) -> tuple[str, ...]:
        """The learning rules the settings cover, in order."""
        return tuple(dict.fromkeys(s.rule or "as given" for s in self.settings))

    def label(self, outcome: str, variant: str | None = None) -> str:
        """The robustness label of ``outcome`` for ``variant`` (default: the first)."""
        return self.labels[(variant or self.variant, outcome)]

    def failed(self) -> int:
        """Runs that failed in any setting (their pairs are left out of the intervals)."""
        return sum(c.report.failed + c.report.skipped_failed for c in self.comparisons.values())

    def __repr__(self) -> str:
        robust = sum(1 for lab in self.labels.values() if lab == "robust")
        return (
            f"<RulesComparison {', '.join(self.variants)} against {self.base} in "
            f"{len(self.settings)} settings: {robust} of {len(self.labels)} (variant, outcome) "
            "robust; .text() for the table>"
        )

    def table(self):
        """The rows as a tidy ``pyarrow.Table`` (with each row's ``label``)."""
        import pyarrow as pa

        rows = [{**r, "label": self.labels[(r["variant"], r["outcome"])]} for r in self.rows]
        return pa.Table.from_pylist(rows)

    def text(self) -> str:
        """Per variant, one line per outcome: difference [interval] per setting, then the label.

        ``*`` marks an interval that excludes 0.
        """
        by = {(r["setting"], r["variant"], r["outcome"]): r for r in self.rows}
        labels = [s.label for s in self.settings]
        n = len(next(iter(self.comparisons.values())).seeds)
        width = 30
        lines = []
        for variant in self.variants:
            lines += [
                f"{variant} - {self.base}, paired on the same {n} seeds; 95% t intervals "
                "(* excludes 0) in each setting",
                "outcome".ljust(28) + "".join(lab.ljust(width) for lab in labels) + "label",
            ]
            outcomes = [o for (v, o) in self.labels if v == variant]
            for outcome in outcomes:
                cells = [cell(by.get((lab, variant, outcome))).ljust(width) for lab in labels]
                lines.append(outcome.ljust(28) + "".join(cells) + self.labels[(variant, outcome)])
            lines.append("")
        return "\n".join(lines)


def cell(r: dict[str, Any] | None) -> str:
    """A row's ``difference [low, high]`` (3 significant digits, ``*`` if it excludes 0)."""
    if r is None:
        return ""
    if r["constant"]:
        return f"{r['difference']:+.3g} (constant)"
    if not (_finite(r["ci_low"]) and _finite(r["ci_high"])):
        return "n/a (runs failed)"
    star = " *" if r["ci_low"] > 0 or r["ci_high"] < 0 else ""
    return f"{r['difference']:+.3g} [{r['ci_low']:+.3g}, {r['ci_high']:+.3g}]{star}"


def compare_rules(
    base: Scenario,
    *variants: Scenario,
    rules: Sequence[str] | None = RULES,
    posterior: Mapping[str, Mapping[str, float]] | str | os.PathLike | None = None,
    at: Sequence[str] = (),
    at_rules: Sequence[str] | None = None,
    **kwargs: Any,
) -> RulesComparison:
    """:func:`~sim.experiments.compare` ``base`` with ``variants`` in each setting.

    Settings (:func:`make_settings`): each of ``rules`` (None: the scenarios' own rules); with
    ``posterior`` (a mapping or a file for :func:`load_posterior`) each rule at the posterior
    median, and each rule of ``at_rules`` also at each point of ``at`` (``q05``, ``q95``).
    Everything else (``seeds``, ``days``, ``creators``, ``outcomes``, executors, ...) goes to
    :func:`compare` unchanged, so every setting sees the same seeds. ``out_dir``, if given,
    gets one folder per setting (:attr:`Setting.folder`), each a complete ``compare`` output.
    """
    from .comparison import compare
    from .executors import given_or_open

    if not variants:
        raise ValueError("compare_rules needs a base scenario and at least one variant")
    source = "posterior"
    if posterior is not None and not isinstance(posterior, Mapping):
        source = f"posterior {posterior}"
        posterior = load_posterior(posterior)
    settings = make_settings(
        base, rules=rules, posterior=posterior, at=at, at_rules=at_rules, source=source
    )
    if not settings:
        raise ValueError("rules = []: use one or more of " + ", ".join(RULES))
    out_dir = kwargs.pop("out_dir", None)
    # one pool (or cluster client) for every setting, not one started per setting
    pool = given_or_open(
        kwargs.pop("executor", None),
        workers=kwargs.pop("workers", None),
        scheduler=kwargs.pop("scheduler", None),
    )
    comparisons: dict[str, Comparison] = {}
    rows: list[dict[str, Any]] = []
    arm_sets = [[setting.apply(s) for s in (base, *variants)] for setting in settings]
    with pool as executor:
        for setting, arms in zip(settings, arm_sets, strict=True):
            sub = None if out_dir is None else Path(out_dir) / setting.folder
            cmp = compare(arms, out_dir=sub, executor=executor, **kwargs)
            comparisons[setting.label] = cmp
            tags = {
                "setting": setting.label,
                "rule": setting.rule or "",
                "point": setting.point or "",
            }
            rows += [{**r, **tags} for r in cmp.table.to_pylist()]
    keys = list(dict.fromkeys((r["variant"], r["outcome"]) for r in rows))
    labels = {
        k: robustness_label([r for r in rows if (r["variant"], r["outcome"]) == k]) for k in keys
    }
    first = next(iter(comparisons.values()))
    return RulesComparison(
        base=first.arms[0],
        variants=tuple(first.arms[1:]),
        settings=tuple(settings),
        comparisons=comparisons,
        rows=tuple(rows),
        labels=labels,
    )
