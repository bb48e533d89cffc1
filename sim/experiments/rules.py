"""One paired comparison under every learning rule: does an effect survive how creators learn?

A finding about the rules (a weight, a window) rests on how the model's creators adapt their
effort. :func:`compare_rules` runs the same comparison of a base and a variant once per
learning rule (``adaptation.rule``: gradient, imitation, exp3, none; issue 11 point 3), on the
same seeds, and labels each outcome by what its intervals say across the rules:

``robust``
    every rule's interval excludes 0, all with the same sign;
``conditional``
    some rules' intervals exclude 0, all with the same sign, the others include 0: the label
    names the rules under which the effect holds;
``contradictory``
    intervals exclude 0 with opposite signs under different rules;
``not found``
    no rule's interval excludes 0;
``constant``
    the outcome varies in neither arm under any rule (fixed by construction).

Robustness here is across learning rules only; across the calibration's uncertainty it needs
the same comparison at posterior quantiles (``scenario.with_values`` of the posterior's
parameters), which :func:`compare_rules` accepts as its scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..scenario import Scenario
from .comparison import Comparison, compare

__all__ = ["RULES", "RulesComparison", "compare_rules", "robustness_label"]

#: The learning rules a claim must survive (``adaptation.rule``'s choices).
RULES = ("gradient", "imitation", "exp3", "none")


def robustness_label(rows: Sequence[dict[str, Any]]) -> str:
    """The label of one outcome from its rows under each rule (see the module doc).

    Each row needs ``rule``, ``ci_low``, ``ci_high`` and ``constant``.
    """
    if rows and all(r.get("constant") for r in rows):
        return "constant"
    up = [r["rule"] for r in rows if _finite(r["ci_low"]) and r["ci_low"] > 0]
    down = [r["rule"] for r in rows if _finite(r["ci_high"]) and r["ci_high"] < 0]
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


@dataclass(frozen=True)
class RulesComparison:
    """The outcome of :func:`compare_rules`.

    ``comparisons``: the :class:`~sim.experiments.Comparison` under each rule; ``rows``: one
    dict per (rule, outcome) with the comparison's columns and ``rule``; ``labels``: outcome
    -> :func:`robustness_label`.
    """

    base: str
    variant: str
    rules: tuple[str, ...]
    comparisons: dict[str, Comparison]
    rows: tuple[dict[str, Any], ...]
    labels: dict[str, str]

    def __repr__(self) -> str:
        robust = sorted(o for o, lab in self.labels.items() if lab == "robust")
        return (
            f"<RulesComparison {self.variant} against {self.base} under {', '.join(self.rules)}: "
            f"{len(robust)} of {len(self.labels)} outcomes robust; .text() for the table>"
        )

    def text(self) -> str:
        """One line per outcome: the difference [interval] under each rule, then the label."""
        by = {(r["rule"], r["outcome"]): r for r in self.rows}
        lines = [
            f"{self.variant} - {self.base}, paired on the same seeds, under each learning rule",
            "outcome".ljust(28) + "".join(r.ljust(30) for r in self.rules) + "label",
        ]
        for outcome, label in self.labels.items():
            cells = []
            for rule in self.rules:
                r = by.get((rule, outcome))
                if r is None:
                    cells.append("".ljust(30))
                elif r["constant"]:
                    cells.append("constant".ljust(30))
                else:
                    ci = f"[{r['ci_low']:+.3g}, {r['ci_high']:+.3g}]"
                    cells.append(f"{r['difference']:+.3g} {ci}".ljust(30))
            lines.append(outcome.ljust(28) + "".join(cells) + label)
        return "\n".join(lines) + "\n"


def compare_rules(
    base: Scenario,
    variant: Scenario,
    *,
    rules: Sequence[str] = RULES,
    **kwargs: Any,
) -> RulesComparison:
    """:func:`~sim.experiments.compare` ``base`` with ``variant`` under each of ``rules``.

    Both arms get ``adaptation.rule`` set to each rule in turn; everything else (``seeds``,
    ``days``, ``creators``, ``outcomes``, executors, ...) goes to :func:`compare` unchanged,
    so every rule sees the same seeds. ``out_dir``, if given, gets one folder per rule.
    """
    bad = [r for r in rules if r not in RULES]
    if bad or not rules:
        raise ValueError(f"rules = {list(rules)!r}: use one or more of {', '.join(RULES)}")
    out_dir = kwargs.pop("out_dir", None)
    comparisons: dict[str, Comparison] = {}
    rows: list[dict[str, Any]] = []
    for rule in rules:
        arms = [s.with_values({"adaptation.rule": rule}) for s in (base, variant)]
        sub = None if out_dir is None else f"{out_dir}/rule-{rule}"
        cmp = compare(arms, out_dir=sub, **kwargs)
        comparisons[rule] = cmp
        rows += [{**r, "rule": rule} for r in cmp.table.to_pylist()]
    outcomes = list(dict.fromkeys(r["outcome"] for r in rows))
    labels = {o: robustness_label([r for r in rows if r["outcome"] == o]) for o in outcomes}
    return RulesComparison(
        base=base.name,
        variant=variant.name,
        rules=tuple(rules),
        comparisons=comparisons,
        rows=tuple(rows),
        labels=labels,
    )
