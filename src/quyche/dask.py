"""Evaluation on Dask: a bag of events (or of JSON lines) to one partial per partition, one merge.

Dask moves the work and the state between processes or machines; quyche only
reads each partition into a `Partial` and merges them once (see docs/dask.md).
Needs the `quyche[dask]` extra.

    import dask.bag as db
    import quyche.dask
    lines = db.read_text("logs/province/*.jsonl")
    report = quyche.dask.evaluate(lines, rule_set, as_of="2025-12-31T23:59:59+07:00")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._load import RuleSetLike
from .errors import BackendUnavailable
from .evaluation.partial import Partial, merge, partial
from .events import read_jsonl
from .report import Report

try:
    import dask.bag as _bag
except ImportError:  # pragma: no cover - exercised only without the extra
    _bag = None  # type: ignore[assignment]  # the extra is missing: _require() says so

__all__ = ["evaluate", "partials"]


def _require() -> Any:
    if _bag is None:
        raise BackendUnavailable("quyche.dask needs Dask: pip install 'quyche[dask]'")
    return _bag


def _events(items: Iterable[Any]) -> Iterable[Any]:
    """Events of a partition: JSON lines are read as `quyche check` reads a file."""
    items = list(items)
    if items and all(isinstance(item, (str, bytes)) for item in items):
        return read_jsonl(items)
    return items


def _partition(items: Iterable[Any], rule_set: RuleSetLike, arguments: Mapping[str, Any]
               ) -> list[Partial]:
    return [partial(rule_set, _events(items), **arguments)]


def partials(bag: Any, rule_set: RuleSetLike, as_of: Any = None, since: Any = None,
             sites: Iterable[Mapping[str, Any]] | None = None,
             actors: Mapping[str, Iterable[str]] | None = None,
             interpretations: Mapping[str, Any] | None = None) -> Any:
    """A bag of one `Partial` per partition of `bag` (events, or JSON lines as text)."""
    _require()
    arguments = {"as_of": as_of, "since": since, "sites": list(sites) if sites else None,
                 "actors": dict(actors) if actors else None,
                 "interpretations": dict(interpretations) if interpretations else None}
    return bag.map_partitions(_partition, rule_set, arguments)


def evaluate(bag: Any, rule_set: RuleSetLike, as_of: Any,
             sites: Iterable[Mapping[str, Any]] | None = None,
             actors: Mapping[str, Iterable[str]] | None = None, since: Any = None,
             interpretations: Mapping[str, Any] | None = None, **compute: Any) -> Report:
    """The report of every event in `bag`: partials computed by Dask, merged here once.

    Extra keyword arguments go to `dask.compute` (e.g. `scheduler="processes"`).
    """
    bag_of_partials = partials(bag, rule_set, as_of=as_of, since=since, sites=sites,
                               actors=actors, interpretations=interpretations)
    return merge(bag_of_partials.compute(**compute))
