"""Hostile input: malformed rule-set texts and whatever a faulty exporter passes as events."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..model import RuleSet
from ..time.deadlines import LOCAL
from ..vocabulary import EVENT_TYPES
from .event_lists import events
from .pools import EVENT_MODELS

__all__ = [
    "arbitrary_events",
    "malformed_rule_set_texts",
]

_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
            | st.dates())
def _containers(inner: SearchStrategy[Any]) -> SearchStrategy[Any]:
    # a named function: hypothesis cannot read a multi-line lambda's use of its argument
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


_VALUES = st.recursive(_SCALARS, _containers, max_leaves=6)
# Instants a careless exporter writes: far from today, without offset, as objects.
# (`st.datetimes` keeps near 2000; years are chosen around the calendar's edges instead.)
_ODD_YEARS = (1900, 1970, 1975, 1976, 2000, 2024, 2036, 2199, 2200, 2201, 2300)
_ODD_MOMENTS = st.builds(
    lambda year, moment: moment.replace(year=year), st.sampled_from(_ODD_YEARS),
    st.datetimes(dt.datetime(2001, 1, 1), dt.datetime(2001, 12, 31, 23, 59),
                 timezones=st.sampled_from([LOCAL, dt.timezone.utc])))
_ODD_INSTANTS = st.one_of(
    _ODD_MOMENTS.map(dt.datetime.isoformat),
    _ODD_MOMENTS,
    _ODD_MOMENTS.map(lambda moment: moment.replace(tzinfo=None).isoformat()),
)
_FIELD_NAMES = sorted({name for model in EVENT_MODELS.values() for name in model.model_fields})
_YAML_TOKENS = ("&a ", "*a", "&a [*a]", "&a {b: *a}", "<<: *a", "!!python/object:os.system ",
                "!!binary ", "!!set {a}", "!!int x", "!!float x", "!!timestamp 2024-13-01",
                "13:30", "no", "0o17", "- ", ": ", "? ", "{", "}", "[", "]", "'", '"', "\t",
                "\x00", "\ufeff", "---\n", "...\n", "%YAML 1.1\n", "~", "\n  ", "#")


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def malformed_rule_set_texts(rule_set: RuleSet) -> SearchStrategy[str]:
    """YAML texts near `rule_set`, most of them invalid, for loaders and editors.

    The rule set's dump with one node replaced by an arbitrary value, dropped or
    renamed, then perhaps cut short or given a stray YAML token (anchors,
    aliases, tags, flow brackets, tabs, NUL).
    """
    data = rule_set.model_dump(mode="json", exclude_defaults=True)
    paths = _paths(data)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        doc = copy.deepcopy(data)
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(("replace", "drop", "rename", "keep")))
        if action == "replace":
            parent[path[-1]] = draw(_VALUES)
        elif action == "drop":
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = parent.pop(path[-1])
        text = yaml.dump(doc, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
        edit = draw(st.sampled_from(("none", "cut", "token")))
        where = draw(st.integers(0, len(text)))
        if edit == "cut":
            text = text[:where]
        elif edit == "token":
            text = text[:where] + draw(st.sampled_from(_YAML_TOKENS)) + text[where:]
        return text

    return build()


def arbitrary_events(rule_set: RuleSet, *, start: Any = None, end: Any = None,
                     sites: Sequence[Mapping[str, Any]] | None = None,
                     actors: Mapping[str, Iterable[str]] | None = None
                     ) -> SearchStrategy[Any]:
    """Whatever a faulty exporter might pass as an event: `evaluate` must not raise on it.

    Valid events with a few fields replaced by arbitrary values (instants far
    from today, without offsets, or as datetime objects), dicts of event-like
    keys and arbitrary values, and values that are not mappings at all.
    """
    valid = events(rule_set, start=start, end=end, sites=sites, actors=actors, min_size=1,
                   max_size=1).map(lambda evs: evs[0])
    keys = st.sampled_from(["type", "id", "meta", *_FIELD_NAMES]) | st.text(max_size=6)
    values = _ODD_INSTANTS | st.sampled_from(EVENT_TYPES) | _VALUES

    @st.composite
    def perturbed(draw: st.DrawFn) -> dict[str, Any]:
        ev = draw(valid)
        own = st.sampled_from(sorted(ev))
        for key in draw(st.lists(own | own | keys, min_size=1, max_size=2)):
            if key in ("at", "start", "end"):
                ev[key] = draw(_ODD_INSTANTS)
            elif draw(st.booleans()) and key in ev and key != "type":
                del ev[key]
            else:
                ev[key] = draw(values)
        return ev

    shaped = st.fixed_dictionaries({"type": st.sampled_from(EVENT_TYPES) | _VALUES},
                                   optional={k: values for k in _FIELD_NAMES if k != "type"})
    return st.one_of(perturbed(), perturbed(), perturbed(), shaped,
                     st.dictionaries(keys, values, max_size=6), _VALUES)
