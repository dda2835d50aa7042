"""The curated public surface of `quyche` is exactly what we mean to export.

httpx's `test_exported_members`, for each public namespace: the names it shows (not
underscored, not a submodule) are exactly its `__all__`, and every other module's
`__all__` names what it defines.
"""

import importlib
import inspect
import pkgutil
import types
from pathlib import Path

import pytest

import quyche

EXPECTED = {
    # operations
    "load", "rule_sets", "evaluate", "diff", "compare", "explain", "schedule", "dump",
    "override", "calendar", "partial", "merge", "sensitivity",
    "daily_hours", "render_report_html",  # the figures behind the heatmap; the report page
    # models
    "RuleSet", "Report", "ObligationStatus", "Violation", "Rejection", "Summary", "Citation",
    "VietnamCalendar", "Partial", "Monitor", "Succession", "Handover", "SiteEntry",
    # the events (`Event` is their union, discriminated by `type`)
    "Event", "Broadcast", "Emergency", "Submission", "Backup", "BackupDeleted", "Incident",
    "IncidentReported", "IncidentResolved", "Request", "FeedbackReceived",
    "FeedbackForwarded", "ActivityEnded", "DocumentSigned", "InfoProvided",
    "DocumentReceived", "DocumentPublished", "ContentPublished", "Attribution",
    # what diff, compare, explain, schedule, sensitivity and daily_hours return
    "Diff", "Comparison", "Explanation", "Duty", "Sensitivity", "SiteDays",
    # errors
    "QuycheError", "RuleSetError", "RuleSetNotFound", "InterpretationError", "EventError",
    "CalendarError", "EvaluationError", "BackendUnavailable", "MergeError",
    "ScenarioError", "RegistryError", "ExampleError",
    "SCHEMA_VERSION",  # of every JSON output (quyche.output_schemas)
    "__version__",
}

# Namespaces whose every visible name is public API: re-exports only, nothing incidental.
NAMESPACES = ["quyche", "quyche.testing"]
# Modules users import by name: each public function or class they define is in __all__.
PUBLIC_MODULES = ["quyche.dask", "quyche.server", "quyche.registry", "quyche.errors",
                  "quyche.events", "quyche.report", "quyche.report_html",
                  "quyche.testing.scenarios", "quyche.testing.pytest_plugin"]
ALL_MODULES = sorted(m.name for m in pkgutil.walk_packages(quyche.__path__, "quyche.")
                     if not m.name.endswith("__main__"))


def visible(module: types.ModuleType) -> set[str]:
    """The names `module` shows: not underscored and not one of its submodules."""
    return {name for name, value in vars(module).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)}


def defined(module: types.ModuleType) -> set[str]:
    """The public functions and classes written in `module` itself."""
    return {name for name, value in vars(module).items()
            if not name.startswith("_") and (inspect.isclass(value) or inspect.isfunction(value))
            and value.__module__ == module.__name__}


def test_exported_names():
    assert set(quyche.__all__) == EXPECTED


@pytest.mark.parametrize("name", NAMESPACES)
def test_namespace_shows_exactly_its_all(name):
    module = importlib.import_module(name)
    assert visible(module) == set(module.__all__) - {"__version__"}


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_module_exports_what_it_defines(name):
    module = importlib.import_module(name)
    assert defined(module) <= set(module.__all__), defined(module) - set(module.__all__)


@pytest.mark.parametrize("name", ALL_MODULES)
def test_every_all_names_something_real(name):
    """A module that defines public names declares `__all__`, and each name exists."""
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert defined(module) == set(), f"{name} defines public names but has no __all__"
        return
    assert [n for n in exported if not hasattr(module, n)] == []
    assert len(exported) == len(set(exported))


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
