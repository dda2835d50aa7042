"""pytest plugin: every `*.scenario.yaml` file in a project is a test.

Installed with quyche (entry point `pytest11`), so a province's analysts keep
regression scenarios beside their code and run them with `pytest`. Each file is
one test, run by `quyche.scenarios` exactly as `quyche test` runs it; a failure
shows the expected findings against the closest ones found, a malformed file
its file:line. Disable with `pytest -p no:quyche`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

__all__ = ["ScenarioFailed", "ScenarioFile", "ScenarioItem", "pytest_collect_file"]

SUFFIX = ".scenario.yaml"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Any:
        yield ScenarioItem.from_parent(self, name=self.path.name[: -len(SUFFIX)])


class ScenarioFailed(Exception):
    """A scenario that failed or could not run; its text is the report."""


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        # Imported when a scenario runs, not when pytest loads the plugin: every pytest
        # run of a project with quyche installed loads it, and this pulls in the engine.
        from .scenarios import run_scenario

        result = run_scenario(self.path)
        if not result.passed:
            raise ScenarioFailed(result.text())

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.name}"
