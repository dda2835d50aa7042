"""quyche: Vietnamese provincial regulations on public electronic information, as code.

    import quyche
    rs = quyche.load(quyche.rule_sets()[0])          # a bundled id, or a path to a YAML file
    report = quyche.evaluate(rs, events, as_of="2024-12-31T23:59:59+07:00")
    quyche.merge([quyche.partial(rs, part, as_of=...) for part in parts])  # across processes
    quyche.diff(rs, other)                           # what differs, concept by concept
    quyche.schedule(rs, "2025-01-01", "2025-12-31")  # recurring duties in a window
    quyche.sensitivity(rs, events, as_of=...)        # findings under other readings

See README.md and docs/ for the rule-set format, the event vocabulary and the report.
"""

from ._load import dump, load, override, rule_sets
from .analysis.compare import Comparison, compare
from .analysis.daily import SiteDays, daily_hours
from .analysis.diff import Diff, diff
from .analysis.explain import explain
from .analysis.explanation import Explanation
from .analysis.schedule import Duty, schedule
from .analysis.sensitivity import Sensitivity, sensitivity
from .errors import (
    BackendUnavailable,
    CalendarError,
    EvaluationError,
    EventError,
    ExampleError,
    InterpretationError,
    MergeError,
    QuycheError,
    RegistryError,
    RuleSetError,
    RuleSetNotFound,
    ScenarioError,
)
from .evaluation.engine import evaluate
from .evaluation.monitor import Monitor
from .evaluation.partial import Partial, merge, partial
from .events import (
    ActivityEnded,
    Attribution,
    Backup,
    BackupDeleted,
    Broadcast,
    ContentPublished,
    DocumentPublished,
    DocumentReceived,
    DocumentSigned,
    Emergency,
    Event,
    FeedbackForwarded,
    FeedbackReceived,
    Incident,
    IncidentReported,
    IncidentResolved,
    InfoProvided,
    Request,
    Submission,
)
from .model import RuleSet, Succession
from .output import SCHEMA_VERSION
from .registry import SiteEntry
from .report import Citation, Handover, ObligationStatus, Rejection, Report, Summary, Violation
from .report_html import render_report_html
from .time.calendar import VietnamCalendar, calendar

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "ActivityEnded",
    "Attribution",
    "BackendUnavailable",
    "Backup",
    "BackupDeleted",
    "Broadcast",
    "CalendarError",
    "Citation",
    "Comparison",
    "ContentPublished",
    "Diff",
    "DocumentPublished",
    "DocumentReceived",
    "DocumentSigned",
    "Duty",
    "Emergency",
    "EvaluationError",
    "Event",
    "EventError",
    "ExampleError",
    "Explanation",
    "FeedbackForwarded",
    "FeedbackReceived",
    "Handover",
    "Incident",
    "IncidentReported",
    "IncidentResolved",
    "InfoProvided",
    "InterpretationError",
    "MergeError",
    "Monitor",
    "ObligationStatus",
    "Partial",
    "QuycheError",
    "RegistryError",
    "Rejection",
    "Report",
    "Request",
    "RuleSet",
    "RuleSetError",
    "RuleSetNotFound",
    "ScenarioError",
    "Sensitivity",
    "SiteDays",
    "SiteEntry",
    "Submission",
    "Succession",
    "Summary",
    "VietnamCalendar",
    "Violation",
    "__version__",
    "calendar",
    "compare",
    "daily_hours",
    "diff",
    "dump",
    "evaluate",
    "explain",
    "load",
    "merge",
    "override",
    "partial",
    "render_report_html",
    "rule_sets",
    "schedule",
    "sensitivity",
]
