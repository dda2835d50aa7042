"""What commands read from their arguments: rule sets, event logs, registries, instants.

Each reader turns a problem into one line naming the file (and line) and exit status 2.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._load import load, read_located, read_value
from ..errors import QuycheError, RuleSetError
from ..event_files import LineNumbers, read_event_file, read_event_stream
from ..model import RuleSet
from ..registry import RegistryError, read_actors, read_sites
from ..time.deadlines import LOCAL, end_of_day
from . import terminal
from .terminal import fail

__all__ = ["as_of_text", "events_from", "load_rule_set", "read_registry", "read_successions",
           "registries"]


def as_of_text(text: str | None) -> str:
    """An --as-of value as evaluate takes it: a plain date is the end of that local day."""
    if text is None:
        return dt.datetime.now(LOCAL).replace(microsecond=0).isoformat()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return end_of_day(dt.date.fromisoformat(text)).isoformat()
        except ValueError:
            fail(f"--as-of {text!r}: not a date YYYY-MM-DD")
    return text


def load_rule_set(name: str, overrides: list[str] | None = None) -> RuleSet:
    """A bundled rule set or a file, with `--interpretation ID=VALUE` overrides applied."""
    interpretations = {}
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--interpretation {item!r}: expected ID=VALUE")
        try:  # YAML 1.2, as rule sets are read: `12:00` stays text, `no` is not false
            interpretations[key] = read_value(value, f"--interpretation {key}")
        except RuleSetError as exc:
            fail(str(exc).replace("\n", " "))
    try:
        return load(name, interpretations=interpretations or None)
    except RuleSetError as exc:
        if len(exc.problems) == 1:
            fail(str(exc.problems[0]).strip())
        fail(f"{name}: {len(exc.problems)} problems; run `quyche validate {name}`")
    except QuycheError as exc:
        fail(str(exc).replace("\n", " "))


def events_from(path: str, numbers: LineNumbers | None = None, decoded: bool = False
                ) -> Iterator[Any]:
    """The events of a file (`decoded`: as typed records, for the engine); a large file read
    at a terminal shows its progress."""
    err = terminal.err
    if path == "-" or not err.is_terminal or not Path(path).is_file() or \
            Path(path).stat().st_size <= 5_000_000:
        return read_event_file(path, numbers, decoded=decoded)  # no generator in between
    return _with_progress(path, numbers, decoded)


def _with_progress(path: str, numbers: LineNumbers | None, decoded: bool) -> Iterator[Any]:
    from rich.progress import Progress

    err = terminal.err
    with Progress(console=err, transient=True) as progress, Path(path).open("rb") as handle:
        task = progress.add_task("reading events", total=Path(path).stat().st_size)
        yield from read_event_stream(io.BufferedReader(_Counted(handle, progress, task)), path,
                                     numbers, decoded=decoded)


class _Counted(io.RawIOBase):
    """A file that tells a progress bar how much of it has been read."""

    def __init__(self, handle: Any, progress: Any, task: Any) -> None:
        self._handle, self._progress, self._task = handle, progress, task

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n: int = self._handle.readinto(buffer)
        self._progress.advance(self._task, n or 0)
        return n


def read_registry(path: Path | None, what: str) -> Any:
    """A site registry or actor groups file, read as strictly as a rule set."""
    if path is None:
        return None
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        data, locate = read_located(text, "<stdin>" if str(path) == "-" else str(path))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read {what} ({exc})".replace("\n", " "))
    except RuleSetError as exc:
        fail("\n".join(str(p) for p in exc.problems))
    prefix = ""  # where the registry sits in the file, for locating a problem
    if what == "sites" and isinstance(data, dict) and "sites" in data:
        data, prefix = data["sites"], "sites"
    if what == "sites" and not isinstance(data, list):
        fail(f"{path}: the sites file is a list of sites (- {{id: ..., kind: ..., operator: "
             f"...}}), not {_yaml_kind(data)}")
    if what == "actors" and not isinstance(data, dict):
        fail(f"{path}: the actors file maps each actor id to its groups (actor_id: "
             f"[group_id, ...]), not {_yaml_kind(data)}")
    try:  # the same models and messages as evaluate(sites=..., actors=...)
        if what == "sites":
            return [entry.model_dump(exclude_none=True) for entry in read_sites(data)]
        return read_actors(data)
    except RegistryError as exc:
        line, column = locate(prefix + exc.path)
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        fail(f"{where}: {exc}")


def read_successions(path: Path | None, rs: RuleSet, groups: Any, registry: Any) -> Any:
    """A successions file, read as strictly as the site registry (see quyche.successions)."""
    from ..successions import read_successions as read

    if path is None:
        return None
    known = set(groups or {}) if isinstance(groups, dict) else set()
    known |= {s.get("operator") for s in registry or [] if isinstance(s, dict)} - {None}
    try:
        return read(path.read_text(encoding="utf-8"), str(path), rs, known)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read successions ({exc})".replace("\n", " "))
    except RuleSetError as exc:
        fail("\n".join(str(p) for p in exc.problems))


def registries(rs: RuleSet, sites: Path | None, actors: Path | None,
               successions: Path | None) -> tuple[Any, Any, Any]:
    """The site registry, actor groups and successions a command was given (or None)."""
    registry = read_registry(sites, "sites")
    groups = read_registry(actors, "actors")
    return registry, groups, read_successions(successions, rs, groups, registry)


def _yaml_kind(data: Any) -> str:
    return {dict: "a mapping", list: "a list", type(None): "empty"}.get(
        type(data), f"a single value ({data!r})")
