"""quyche: Vietnamese provincial regulations on public electronic information, as code.

    import quyche
    rs = quyche.load("kontum")
    report = quyche.evaluate(rs, events, as_of="2024-12-31T23:59:59+07:00")

See README.md and docs/ for the rule-set format, the event vocabulary and the report.
"""

from .engine import evaluate
from .errors import (
    BackendUnavailable,
    CalendarError,
    EvaluationError,
    EventError,
    InterpretationError,
    MergeError,
    QuycheError,
    RuleSetError,
    RuleSetNotFound,
)
from .loader import dump, load, override, rule_sets
from .report import Citation, ObligationStatus, Rejection, Report, Summary, Violation
from .schema import RuleSet
from .workdays import VietnamCalendar, calendar

__version__ = "0.1.0"

__all__ = [
    "BackendUnavailable",
    "CalendarError",
    "Citation",
    "EvaluationError",
    "EventError",
    "InterpretationError",
    "MergeError",
    "ObligationStatus",
    "QuycheError",
    "Rejection",
    "Report",
    "RuleSet",
    "RuleSetError",
    "RuleSetNotFound",
    "Summary",
    "VietnamCalendar",
    "Violation",
    "__version__",
    "calendar",
    "dump",
    "evaluate",
    "load",
    "override",
    "rule_sets",
]
