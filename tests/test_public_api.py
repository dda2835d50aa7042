"""The curated public surface of `quyche` is exactly what we mean to export."""

from pathlib import Path

import quyche

EXPECTED = {
    # operations
    "load", "rule_sets", "evaluate", "diff", "compare", "explain", "schedule", "dump",
    "override", "calendar", "partial", "merge", "sensitivity",
    "daily_hours", "render_report_html",  # the figures behind the heatmap; the report page
    # models
    "RuleSet", "Report", "ObligationStatus", "Violation", "Rejection", "Summary", "Citation",
    "VietnamCalendar", "Partial", "Monitor", "Succession", "Handover", "SiteEntry",
    # errors
    "QuycheError", "RuleSetError", "RuleSetNotFound", "InterpretationError", "EventError",
    "CalendarError", "EvaluationError", "BackendUnavailable", "MergeError",
    "ScenarioError",
    "__version__",
}


def test_exported_names():
    assert set(quyche.__all__) == EXPECTED


def test_every_export_exists():
    for name in quyche.__all__:
        assert hasattr(quyche, name), name


def test_every_error_is_a_quyche_error():
    for name in EXPECTED:
        obj = getattr(quyche, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, quyche.QuycheError), name


def test_bundled_rule_sets():
    """The bundled ids are the rules/*.yaml files, sorted (a new one is a file, no code)."""
    rules = Path(__file__).parent.parent / "rules"
    assert quyche.rule_sets() == sorted(p.stem for p in rules.glob("*.yaml"))
