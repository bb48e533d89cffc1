"""Optional parts of creatorsim and the one-line error when one is missing.

The base install runs the model, the scoring engine and the command line's ``score``, ``run``,
``explain``, ``scenarios``, ``compare`` and ``validate``. Heavier parts are extras (see
pyproject.toml): ``experiments`` (SALib for Sobol/Morris designs and indices, Dask for
clusters), ``notebooks`` (JupyterLab widgets, pandas for :func:`sim.load_run`), ``app``
(the Solara page of a later issue) and ``test``. :func:`require` checks for a module before
the code that needs it starts and raises :class:`MissingExtra`, whose message is one line
naming the extra to install; the command line prints it without a traceback.
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRAS", "MissingExtra", "require"]

#: Extra -> the importable modules it provides that creatorsim's code checks for.
EXTRAS: dict[str, tuple[str, ...]] = {
    "experiments": ("SALib", "distributed"),
    "notebooks": ("pandas", "ipywidgets"),
    "app": ("solara",),
    "calibration": ("pyabc",),
    "test": ("pytest", "hypothesis"),
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def _missing(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):  # a broken or blocked package counts as missing
        return True


def require(extra: str, what: str, modules: tuple[str, ...] | None = None) -> None:
    """Raise :class:`MissingExtra` unless ``modules`` (default: all of ``extra``'s) import.

    ``what`` names what needs them, e.g. ``"creatorsim sweep"``; the message reads
    ``creatorsim sweep needs the 'experiments' extra: pip install 'creatorsim[experiments]'``.
    """
    for module in modules if modules is not None else EXTRAS[extra]:
        if _missing(module):
            raise MissingExtra(
                f"{what} needs the {extra!r} extra: pip install 'creatorsim[{extra}]'",
                name=module,
            )
