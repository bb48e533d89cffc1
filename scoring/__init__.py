"""creatorsim's scoring engine: TikTok Shop's Creator Ranking List as reported in 2022.

A pure engine (numpy, scipy; pyarrow only to read and write Parquet): no simulation, no Mesa.
Given creators' daily activity, the free samples they were sent and what featured them, and the
messages merchants sent them, it computes sample fulfilment (M10, M11), responsiveness (M9),
the five indices (M7), eligibility (M12, M13) and the ranked lists per category (M4, M5) for a
day, a week or a month, under a :class:`ScoringPolicy`.

Two ways in, one implementation:

* the array API, :class:`ScoringState`, fed one day at a time (the simulator uses it);
* the table path, :func:`load_dataset` then :func:`score_dataset`, for a folder of CSV or
  Parquet tables (see ``docs/data.md``).
"""

from .data import DataError, Dataset, load_dataset
from .engine import EXCLUSION_REASONS, ScoringState, WindowScores, exclusion_names
from .params import ConfigError
from .policy import INDICES, LISTS, WINDOW_DAYS, ScoringPolicy
from .ranking import RankedList
from .tables import DatasetScores, score_dataset, write_tables

__version__ = "0.1.0"

__all__ = [
    "EXCLUSION_REASONS",
    "INDICES",
    "LISTS",
    "WINDOW_DAYS",
    "ConfigError",
    "DataError",
    "Dataset",
    "DatasetScores",
    "RankedList",
    "ScoringPolicy",
    "ScoringState",
    "WindowScores",
    "__version__",
    "exclusion_names",
    "load_dataset",
    "score_dataset",
    "write_tables",
]
