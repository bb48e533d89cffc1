"""``creatorsim validate musiclab``: the replay and the calibration from the command line.

:func:`add_subparser` adds the subcommand to the ``creatorsim`` parser (``sim.cli`` registers
it); :func:`run_cli` runs it from the parsed arguments. The output is JSON, or with
``--markdown`` the Markdown table that README.md and docs/validation.md quote
(:mod:`sim.validation.report`). Argument values are checked here, at the edge: integers by
the parsers below (argparse exits with status 2 and a one-line message), the exponents against
their declared ranges (:func:`scoring.params.build`), and options that do not apply to the
chosen mode by :func:`_check_modes` (exit status 1 with a one-line message).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scoring.params import ConfigError, Problem, build

from ..cli.args import int_at_least, number
from ..io import write_text
from .calibration import calibrate
from .data import load_musiclab
from .replay import DISPLAYS, MusicLabParams, replicate
from .report import calibration_markdown, summarize

__all__ = ["add_subparser", "run_cli"]

_DEFAULTS = {"display": "sorted", "worlds": 8, "seed": 0, "seeds": 8}
#: MusicLabParams fields the command line can set (metavars); calibrate refits the first three.
_OVERRIDES = {
    "position_bias": "B",
    "social_proof": "G",
    "quality_spread": "K",
    "appeal_share": "A",
    "listens": "L",
    "download_prob_mean": "P",
}


def _check_modes(args: Any) -> None:
    """Options that the chosen mode would ignore are errors, never silently dropped."""
    given = {k: getattr(args, k) for k in _DEFAULTS if getattr(args, k) is not None}
    if args.calibrate:
        unused = dict(given)  # the calibration fixes worlds and seeds
        allowed = "not with --calibrate (it uses the file's worlds and CALIBRATION_SEEDS)"
    elif args.markdown:
        unused = {k: v for k, v in given.items() if k == "display"}
        allowed = "not with --markdown (the table shows every display)"
    else:
        unused = {k: v for k, v in given.items() if k == "seeds"}
        allowed = "only with --markdown (JSON output replays one seed)"
    if unused:
        raise ConfigError(
            [Problem("command line", f"--{k}", v, allowed) for k, v in unused.items()]
        )


# -- the subcommand ---------------------------------------------------------------------------
def add_subparser(sub: Any) -> None:
    """Add ``validate musiclab`` to the ``creatorsim`` command line (``sim.cli``)."""
    v = sub.add_parser(
        "validate",
        help="replay a real experiment with the attention market and compare",
        description="Replay a social-influence experiment with the model's attention market "
        "and print simulated beside observed values as JSON (docs/validation.md).",
    )
    vs = v.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT")
    m = vs.add_parser(
        "musiclab",
        help="MusicLab (Salganik, Dodds & Watts 2006), experiment-2 design",
        description="Simulate MusicLab worlds for DATA (a JSON file, format in "
        "docs/validation.md) and print per-world Gini and top-5 share, their mean and the "
        "unpredictability U beside the observed values. With --calibrate, fit the songs' "
        "quality spread on the independent world, then the position bias and social proof "
        "on the social worlds, and print the fit. With --markdown, print the table that "
        "README.md and docs/validation.md quote instead of JSON.",
    )
    m.add_argument("data", metavar="DATA.json", help="experiment data (see docs/validation.md)")
    m.add_argument("--display", choices=DISPLAYS, help="default: sorted")
    m.add_argument("--worlds", type=int_at_least(2, "a number of worlds"), metavar="W",
                   help="worlds to simulate (default 8)")
    m.add_argument("--seed", type=int_at_least(0, "a seed"), metavar="S",
                   help="random seed (default 0); one seed fixes every world")
    m.add_argument("--seeds", type=int_at_least(1, "a number of seeds"), metavar="N",
                   help="with --markdown: replay seeds S to S+N-1 and average (default 8)")
    for name, meta in _OVERRIDES.items():
        m.add_argument(f"--{name.replace('_', '-')}", type=number, metavar=meta,
                       help=f"override MusicLabParams.{name} (its declared range applies)")
    m.add_argument("--calibrate", action="store_true",
                   help="calibrate instead of replaying (under a minute on two cores)")
    m.add_argument("--markdown", action="store_true",
                   help="print the Markdown table the docs quote: every display averaged over "
                   "the seeds, or with --calibrate the fit (the JSON still goes to --out)")
    m.add_argument("--out", metavar="FILE", help="also write the JSON to FILE (atomically)")


def run_cli(args: Any) -> int:
    """Run ``creatorsim validate musiclab`` from parsed arguments; print JSON or Markdown."""
    _check_modes(args)
    opt = {k: _DEFAULTS[k] if getattr(args, k) is None else getattr(args, k) for k in _DEFAULTS}
    data = load_musiclab(args.data)
    changes = {k: getattr(args, k) for k in _OVERRIDES if getattr(args, k) is not None}
    params = build(MusicLabParams, changes, file="command line", prefix="")  # declared ranges
    if args.calibrate:
        cal = calibrate(data, base=params)
        result, table = cal.to_dict(), calibration_markdown(cal, data)
    elif args.markdown:
        seeds = range(opt["seed"], opt["seed"] + opt["seeds"])
        summary = summarize(data, seeds=seeds, worlds=opt["worlds"], params=params)
        result, table = summary.to_dict(), summary.to_markdown()
    else:
        result = replicate(
            data, display=opt["display"], worlds=opt["worlds"], seed=opt["seed"], params=params
        ).to_dict()
        table = ""
    text = json.dumps(result, indent=1)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_text(text + "\n", out)  # atomic: a temporary file renamed into place
    print(table if args.markdown else text, end="" if args.markdown else "\n")
    return 0
