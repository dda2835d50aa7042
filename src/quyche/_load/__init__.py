"""Loading rule sets: safe YAML, duplicate keys refused, every problem located.

PyYAML reads YAML 1.1, where `13:30` is the integer 810 and `no` is false, and it
silently keeps the last of two equal keys. The loader here resolves scalars as
YAML 1.2's core schema does (only true/false are booleans, no base-60 numbers),
refuses duplicate keys, and reports every problem of a file at once as
`file:line:column: path: message`. Loading never runs code.
"""

from __future__ import annotations

import copy
import difflib
import importlib.resources
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pycountry
import yaml
from pydantic import BaseModel, ValidationError

from ..errors import InterpretationError, Problem, RuleSetError, RuleSetNotFound
from ..model import EVENT_ACTOR, ROLES, RuleSet

__all__ = ["dump", "load", "load_text", "override", "read_data", "read_located", "read_value",
           "rule_sets", "valid_language_tag"]


# --------------------------------------------------------------------------- YAML reading


#: Limits on what the loader reads (docs/security.md). A rule set is a few tens of
#: kilobytes, a dozen levels deep, with a handful of anchors; these leave a wide margin
#: while keeping a crafted file from taking the process's time or memory.
MAX_RULE_SET_BYTES = 1_000_000
MAX_DATA_BYTES = 20_000_000  # a site registry or actor groups file
MAX_LINE_CHARS = 10_000  # in a rule set; registries may be minified JSON
MAX_DEPTH = 64  # nesting of mappings and lists, aliases expanded
MAX_ALIASED_NODES = 10_000  # nodes that aliases add to the document when expanded
MAX_INT_BITS = 63


class _Refused(Exception):
    """Input past one of the limits above: carries the Problem that says which."""


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema scalars, no binary/set/omap/pairs tags, and
    bounded nesting and alias expansion (counted as the document is composed, before
    anything is built from it)."""

    def __init__(self, text: str, filename: str) -> None:
        super().__init__(text)
        self.filename = filename
        self.depth = 0
        self.aliased = 0
        self.sizes: dict[int, tuple[int, int]] = {}

    def refuse(self, mark: Any, message: str) -> NoReturn:
        raise _Refused(Problem(self.filename, mark.line + 1, mark.column + 1, "", message))

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            size, depth = self._measure(node, set())
            self.aliased += size
            if self.aliased > MAX_ALIASED_NODES:
                self.refuse(mark, f"aliases expand to more than {MAX_ALIASED_NODES:,} nodes "
                            "(an alias bomb?); write the values out, or use fewer aliases")
            if self.depth + depth > MAX_DEPTH:
                self.refuse(mark, f"this alias nests values more than {MAX_DEPTH} levels deep")
            return node
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                self.refuse(self.peek_event().start_mark,
                            f"values nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _measure(self, node: yaml.Node, active: set[int]) -> tuple[int, int]:
        """(nodes, depth) of `node` with its aliases expanded, memoised per node."""
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if key in active:
            self.refuse(node.start_mark, "recursive alias: a value that contains itself")
        active.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        size, depth = 1, 1
        for child in children:
            n, d = self._measure(child, active)
            size, depth = size + n, max(depth, d + 1)
            if size > MAX_ALIASED_NODES:
                break  # already too many: the caller refuses
        active.discard(key)
        self.sizes[key] = (size, depth)
        return size, depth


_Loader.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)


def _int_12(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    digits = text.lstrip("+-")
    if len(digits) > 40:  # before converting: int() of a huge decimal is itself slow
        value = None
    elif digits.startswith("0o"):
        value = int(text.replace("0o", "", 1), 8)
    else:
        value = int(text, 16) if digits.startswith("0x") else int(text, 10)
    if value is None or abs(value) >= 2**MAX_INT_BITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"integer {text[:20]}{'…' if len(text) > 20 else ''} is out of range "
            f"(at most {MAX_INT_BITS} bits); quote it if it is an identifier", node.start_mark)
    return value


_Loader.add_constructor("tag:yaml.org,2002:int", _int_12)


def _not_json(loader: _Loader, node: yaml.Node) -> NoReturn:
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag !!{node.tag.rsplit(':', 1)[-1]} is not accepted: a rule set "
        "holds what JSON can (text, numbers, true/false, null, lists, mappings)",
        node.start_mark)


for _tag in ("binary", "set", "omap", "pairs"):  # not JSON: no renderer could write them
    _Loader.yaml_constructors[f"tag:yaml.org,2002:{_tag}"] = _not_json


def _too_large(text: str, filename: str, max_bytes: int, max_line: int | None
               ) -> Problem | None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return Problem(filename, None, None, "", f"the file is {size:,} bytes; the limit is "
                       f"{max_bytes:,}")
    if max_line is not None:
        for number, line in enumerate(text.splitlines(), 1):
            if len(line) > max_line:
                return Problem(filename, number, max_line + 1, "", f"line of {len(line):,} "
                               f"characters; the limit is {max_line:,} (break it, e.g. with "
                               "a folded scalar: >-)")
    return None


def _read_yaml(text: str, filename: str, max_bytes: int = MAX_RULE_SET_BYTES,
               max_line: int | None = MAX_LINE_CHARS
               ) -> tuple[Any, dict[str, tuple[int, int]], list[Problem]]:
    """Parse text; return the data, a map of path -> (line, column), and problems found."""
    refused = _too_large(text, filename, max_bytes, max_line)
    if refused is not None:
        return None, {}, [refused]
    try:
        loader = _Loader(text, filename)
        try:
            node = loader.get_single_node()
            marks: dict[str, tuple[int, int]] = {}
            problems: list[Problem] = []
            if node is None:
                return None, marks, [Problem(filename, 1, 1, "", "the file is empty")]
            _walk(node, "", marks, problems, filename)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except (_Recursive, _Refused) as exc:
        return None, {}, [exc.args[0]]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        kind = "YAML value" if isinstance(exc, yaml.constructor.ConstructorError) else \
            "YAML syntax"
        return None, {}, [Problem(filename, line, col, "", f"{kind}: {what}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(filename, None, None, "", f"YAML: {exc}")]
    except (ValueError, TypeError, OverflowError) as exc:  # a scalar that cannot be built
        return None, {}, [Problem(filename, None, None, "", f"YAML value: {exc}")]
    return data, marks, problems


class _Recursive(Exception):
    """An alias that contains itself: no rule set needs one, and it cannot be validated."""


def _walk(node: yaml.Node, path: str, marks: dict, problems: list[Problem], filename: str,
          active: frozenset[int] = frozenset(), done: set[int] | None = None) -> None:
    """Record where each path starts and find duplicate keys, visiting each node once.

    An alias reuses a node; walking it again under every alias would take exponential
    time on a crafted file ("billion laughs"), so a node already walked is skipped (its
    paths under the alias are located through their nearest recorded ancestor).
    """
    if id(node) in active:
        raise _Recursive(Problem(filename, node.start_mark.line + 1, node.start_mark.column + 1,
                                 path, "recursive alias: a value that contains itself"))
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    done = set() if done is None else done
    if id(node) in done:
        return
    done.add(id(node))
    active = active | {id(node)}
    if isinstance(node, yaml.ScalarNode):
        _text_problem(node, path, problems, filename)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        problems += _merge_problems(node, path, filename)
        for key_node, _value in node.value:
            _text_problem(key_node, path, problems, filename)
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key_node.tag == _MERGE:  # merged keys belong to this mapping's path
                _walk(value_node, path, marks, problems, filename, active, done)
                if key in seen:
                    problems.append(Problem(
                        filename, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                        path, f"a second merge key (first at line {seen[key]}): merge a list "
                        "instead, <<: [*a, *b]"))
                seen[key] = key_node.start_mark.line + 1
                continue
            here = f"{path}.{key}" if path else key
            if key in seen:
                problems.append(Problem(
                    filename, key_node.start_mark.line + 1, key_node.start_mark.column + 1, here,
                    f"duplicate key {key!r} (first at line {seen[key]}); YAML readers would "
                    "silently keep only the last value",
                ))
                continue
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, here, marks, problems, filename, active, done)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, f"{path}[{i}]", marks, problems, filename, active, done)


_MERGE = "tag:yaml.org,2002:merge"


def _text_problem(node: yaml.Node, path: str, problems: list[Problem], filename: str) -> None:
    """A lone surrogate ("\\ud800" in a double-quoted string) is not text: no output
    format can write it."""
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
        try:
            node.value.encode("utf-8")
        except UnicodeEncodeError:
            problems.append(Problem(filename, node.start_mark.line + 1,
                                    node.start_mark.column + 1, path,
                                    "an escape that is half of a UTF-16 surrogate pair (such "
                                    "as \\ud800) is not text"))


def _merge_problems(node: yaml.MappingNode, path: str, filename: str) -> list[Problem]:
    """Merge keys (`<<: *base`) read one way only: the merge comes first in its mapping,
    and the keys written after it override what it brings (the way the bundled rule sets
    use it). A merge written after keys it would bring, or two merged mappings that both
    bring a key, would keep one value silently: refused."""
    problems: list[Problem] = []
    explicit: dict[str, int] = {}
    for key_node, value_node in node.value:
        line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if key_node.tag != _MERGE:
            explicit.setdefault(str(key_node.value), line)
            continue
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        brought: dict[str, int] = {}
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                continue  # the YAML reader refuses it with its own message
            for k, _v in source.value:
                key = str(k.value)
                if k.tag == _MERGE:
                    continue
                if key in brought:
                    problems.append(Problem(
                        filename, line, col, path,
                        f"key {key!r} comes from two merged mappings (lines {brought[key]} and "
                        f"{k.start_mark.line + 1}); YAML would silently keep one: write it "
                        "out after the merge key"))
                brought.setdefault(key, k.start_mark.line + 1)
        early = sorted(set(brought) & set(explicit))
        if early:
            problems.append(Problem(
                filename, line, col, path,
                f"the merge key comes after {', '.join(map(repr, early))} (line "
                f"{explicit[early[0]]}), which it also brings; YAML would silently keep the "
                "earlier line: put <<: first, then the keys that override it"))
    return problems


# --------------------------------------------------------------------------- validation


def _loc_to_path(loc: Iterable[Any], data: Any) -> str:
    """Turn a pydantic error location into a YAML path, skipping union tags."""
    path, node = "", data
    for item in loc:
        if isinstance(item, int):
            path += f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
        elif isinstance(node, dict) and item not in node and node.get("kind") == item:
            continue  # a discriminated-union tag, not a key of the data
        elif isinstance(node, dict) or node is None:
            path = f"{path}.{item}" if path else str(item)
            node = node.get(item) if isinstance(node, dict) else None
        else:
            continue  # a type tag of a non-mapping union member
    return path


def _locate(path: str, marks: Mapping[str, tuple[int, int]]) -> tuple[int | None, int | None]:
    probe = path
    while probe:
        if probe in marks:
            return marks[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return marks.get("", (None, None))


def _fields_at(loc: tuple[Any, ...], data: Any) -> list[str] | None:
    """The keys the schema accepts at the mapping that holds loc[-1], if known."""
    from .. import model as schema

    model: Any = RuleSet
    node = data
    for item in loc[:-1]:
        if isinstance(item, int):
            node = node[item] if isinstance(node, list) and item < len(node) else None
            continue
        if isinstance(node, dict) and item not in node and node.get("kind") == item:
            continue
        field = getattr(model, "model_fields", {}).get(item)
        if field is None:
            return None
        node = node.get(item) if isinstance(node, dict) else None
        model = _model_of(field.annotation, node, schema)
        if model is None:
            return None
    return sorted(model.model_fields) if hasattr(model, "model_fields") else None


def _model_of(annotation: Any, node: Any, schema: Any) -> Any:
    import typing

    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) is typing.Annotated:
        return _model_of(args[0], node, schema)
    if args:
        candidates = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if len(candidates) == 1:
            return candidates[0]
        if isinstance(node, dict) and "kind" in node:
            for c in candidates:
                kind = c.model_fields.get("kind")
                if kind and node["kind"] in typing.get_args(kind.annotation):
                    return c
        for a in args:
            found = _model_of(a, node, schema)
            if found is not None:
                return found
    return None


def _validation_problems(exc: ValidationError, data: Any, marks: dict, filename: str
                         ) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        path = _loc_to_path(err["loc"], data)
        line, col = _locate(path, marks)
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            fields = _fields_at(tuple(err["loc"]), data)
            message = f"unknown key {err['loc'][-1]!r}"
            if fields:
                message += f"; expected one of: {', '.join(fields)}"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif "input" in err and err["type"] not in ("value_error",) and not isinstance(
            err["input"], (dict, list)
        ):
            message += f" (got {err['input']!r})"
        problems.append(Problem(filename, line, col, path, message))
    return problems


# --------------------------------------------------------------------------- cross-references


def valid_language_tag(tag: str) -> bool:
    """True for an ISO 639 code ('vi', 'km', 'tyz') or a bilingual pair ('vi+en')."""
    parts = tag.split("+")
    return all(_iso639(p) for p in parts) and len(parts) == len(set(parts))


_ISO_CACHE: dict[str, bool] = {}


def _iso639(code: str) -> bool:
    if code not in _ISO_CACHE:
        ok = False
        if re.fullmatch(r"[a-z]{2}", code):
            ok = pycountry.languages.get(alpha_2=code) is not None
        elif re.fullmatch(r"[a-z]{3}", code):
            ok = pycountry.languages.get(alpha_3=code) is not None
        _ISO_CACHE[code] = ok
    return _ISO_CACHE[code]


def _cross_references(rs: RuleSet) -> list[tuple[str, str]]:
    """(path, message) for every reference to something the rule set does not declare."""
    out: list[tuple[str, str]] = []
    actors = {a.id: a for a in rs.actors}
    groups = {a.id for a in rs.actors if a.kind == "group"}
    site_kinds = {k.id for k in rs.site_kinds}
    categories = {c.id for c in rs.categories}
    kinds = {k.id for k in rs.submission_kinds}
    lang_groups = {g.id for g in rs.languages.groups}

    def unique(items: list[Any], where: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                out.append((f"{where}[{i}].id", f"duplicate id {item.id!r}"))
            seen.add(item.id)

    for where in ("actors", "sites", "site_kinds", "categories", "submission_kinds",
                  "obligations", "constraints", "interpretations", "successions"):
        unique(getattr(rs, where), where)
    unique(rs.broadcast.rules, "broadcast.rules")
    unique(rs.languages.groups, "languages.groups")
    unique(rs.languages.policies, "languages.policies")
    every_rule = rs.rule_ids()
    for rid in {r for r in every_rule if every_rule.count(r) > 1}:
        out.append(("", f"rule id {rid!r} is used by more than one rule; explain needs it unique"))

    def actor_ref(ref: str, path: str, allow_event_actor: bool = False) -> None:
        if ref == EVENT_ACTOR and allow_event_actor:
            return
        if ref not in actors:
            hint = f"; roles are {list(ROLES)}" if ref in ROLES else ""
            out.append((path, f"unknown actor {ref!r}: declare it under actors{hint}"))

    def kind_refs(refs: list[str] | None, path: str) -> None:
        for i, ref in enumerate(refs or []):
            if ref not in site_kinds:
                out.append((f"{path}[{i}]", f"unknown site kind {ref!r}; declared: "
                            f"{sorted(site_kinds)}"))

    actor_ref(rs.instrument.issuer, "instrument.issuer")
    for i, a in enumerate(rs.actors):
        for j, g in enumerate(a.member_of):
            if g not in groups:
                out.append((f"actors[{i}].member_of[{j}]", f"{g!r} is not a declared group"))
    for i, s in enumerate(rs.successions):
        actor_ref(s.predecessor, f"successions[{i}].predecessor")
        if s.successor is not None:
            actor_ref(s.successor, f"successions[{i}].successor")
    out.extend(_succession_references(rs))
    for i, site in enumerate(rs.sites):
        if site.kind not in site_kinds:
            out.append((f"sites[{i}].kind", f"unknown site kind {site.kind!r}"))
        if site.operator:
            actor_ref(site.operator, f"sites[{i}].operator")
    for i, c in enumerate(rs.categories):
        kind_refs(c.site_kinds, f"categories[{i}].site_kinds")
        kind_refs(c.priority_for, f"categories[{i}].priority_for")
    for i, g in enumerate(rs.languages.groups):
        for j, code in enumerate(g.codes):
            if not valid_language_tag(code):
                out.append((f"languages.groups[{i}].codes[{j}]", f"{code!r} is not ISO 639"))
    for i, p in enumerate(rs.languages.policies):
        kind_refs(p.site_kinds, f"languages.policies[{i}].site_kinds")
        for j, tag in enumerate(p.allowed):
            if tag not in lang_groups and not valid_language_tag(tag):
                out.append((f"languages.policies[{i}].allowed[{j}]",
                            f"{tag!r} is neither an ISO 639 code, a pair like 'vi+en', "
                            f"nor a language group ({sorted(lang_groups)})"))
    site_ids = {s.id for s in rs.sites}
    for i, r in enumerate(rs.broadcast.rules):
        kind_refs(r.site_kinds, f"broadcast.rules[{i}].site_kinds")
        for j, s in enumerate(r.sites or []):
            if s not in site_ids:
                out.append((f"broadcast.rules[{i}].sites[{j}]", f"unknown site {s!r}"))
        if r.owed_by is not None:
            actor_ref(r.owed_by, f"broadcast.rules[{i}].owed_by")
    for j, cat in enumerate(rs.broadcast.uncounted_categories):
        if cat not in categories:
            out.append((f"broadcast.uncounted_categories[{j}]", f"unknown category {cat!r}"))
    for i, o in enumerate(rs.obligations):
        base = f"obligations[{i}]"
        for j, ref in enumerate(o.owed_by):
            actor_ref(ref, f"{base}.owed_by[{j}]", allow_event_actor=o.triggered)
        for j, ref in enumerate(o.owed_to):
            actor_ref(ref, f"{base}.owed_to[{j}]")
        kind_refs(o.site_kinds, f"{base}.site_kinds")
        if o.data_period == "reporting" and (rs.reporting.period is None or o.recurrence is None
                                             or o.recurrence.every != "year"
                                             or o.recurrence.interval != 1):
            out.append((f"{base}.data_period", "'reporting' needs a yearly recurrence and a "
                        "reporting.period"))
        if o.discharged_by.kind and o.discharged_by.kind not in kinds:
            out.append((f"{base}.discharged_by.kind",
                        f"unknown submission kind {o.discharged_by.kind!r}; declared: "
                        f"{sorted(kinds)}"))
    for i, c in enumerate(rs.constraints):
        kind_refs(c.site_kinds, f"constraints[{i}].site_kinds")
        if c.kind == "daily_update" and c.owed_by is not None:
            actor_ref(c.owed_by, f"constraints[{i}].owed_by")
        if c.kind == "backup_retention" and rs.policies.roll_forward_retention is None:
            out.append((f"constraints[{i}].retention", "a retention period needs "
                        "policies.roll_forward_retention: does a period ending on a weekend or "
                        "holiday run to the next working day?"))
        for j, cat in enumerate(getattr(c, "categories", []) or []):
            if cat not in categories:
                out.append((f"constraints[{i}].categories[{j}]", f"unknown category {cat!r}"))
    if rs.reporting.outline:
        for j, k in enumerate(rs.reporting.outline.applies_to):
            if k not in kinds:
                out.append((f"reporting.outline.applies_to[{j}]", f"unknown kind {k!r}"))
    data = rs.model_dump(mode="json")
    for i, interp in enumerate(rs.interpretations):
        try:
            actual = _get_path(data, interp.path)
        except KeyError as exc:
            out.append((f"interpretations[{i}].path", f"path not found: {exc.args[0]}"))
            continue
        if _jsonish(actual) != _jsonish(interp.value):
            out.append((f"interpretations[{i}].value",
                        f"the value at {interp.path} is {_as_yaml(actual)}, not "
                        f"{_as_yaml(interp.value)}"))
    return out


def _succession_references(rs: RuleSet) -> list[tuple[str, str]]:
    """Readings of successors name declared bodies; no duty of a predecessor falls between
    function-specific successions (a duty no succession covers would silently stay put)."""
    out: list[tuple[str, str]] = []
    actors = {a.id for a in rs.actors}
    ids = {s.id: i for i, s in enumerate(rs.successions)}
    for i, interp in enumerate(rs.interpretations):
        parts = interp.path.split(".")
        if parts[0] != "successions" or parts[1:2] == [] or parts[1] not in ids:
            continue
        for j, value in enumerate([interp.value, *interp.alternatives]):
            if value is not None and (not isinstance(value, str) or value not in actors):
                where = "value" if j == 0 else f"alternatives[{j - 1}]"
                out.append((f"interpretations[{i}].{where}",
                            f"a successor is a declared actor or null, not {value!r}"))
    general = {s.predecessor for s in rs.successions if not s.functions}
    covered: dict[str, set[str]] = {}
    for s in rs.successions:
        if s.functions:
            covered.setdefault(s.predecessor, set()).update(s.functions)
    for i, o in enumerate(rs.obligations):
        for ref in {*o.owed_by, *o.owed_to}:
            if ref in covered and ref not in general and o.function not in covered[ref]:
                out.append((f"obligations[{i}].function",
                            f"{ref} has successions only for functions {sorted(covered[ref])}; "
                            f"give this duty one of them (it has {o.function!r})"))
    return out


def _jsonish(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- paths


def _step(node: Any, segment: str) -> Any:
    if isinstance(node, dict):
        if segment not in node:
            raise KeyError(segment)
        return node[segment]
    if isinstance(node, list):
        if segment.isdigit() and int(segment) < len(node):
            return node[int(segment)]
        for item in node:
            if isinstance(item, dict) and item.get("id") == segment:
                return item
    raise KeyError(segment)


def _get_path(data: Any, path: str) -> Any:
    node = data
    for segment in path.split("."):
        node = _step(node, segment)
    return node


def _set_path(data: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = data
    for segment in parents:
        node = _step(node, segment)
    if isinstance(node, dict):
        if last not in node:
            raise KeyError(last)
        node[last] = value
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    else:
        raise KeyError(last)


# --------------------------------------------------------------------------- public API


def _validate(data: Any, marks: dict, filename: str, problems: list[Problem]) -> RuleSet:
    # Duplicate keys do not stop validation: every problem of the file is reported at once.
    if data is None and problems:
        raise RuleSetError(problems)
    if not isinstance(data, dict):
        raise RuleSetError([*problems,
                            Problem(filename, 1, 1, "", "a rule set must be a mapping at top")])
    try:
        rs = RuleSet.model_validate(data)
    except ValidationError as exc:
        found = _validation_problems(exc, data, marks, filename)
        rest = _references_of_the_rest(data, exc)
        raise RuleSetError(problems + found + _located(rest, marks, filename)) from None
    problems = problems + _located(_cross_references(rs), marks, filename)
    if problems:
        raise RuleSetError(problems)
    return rs


def _located(refs: list[tuple[str, str]], marks: dict, filename: str) -> list[Problem]:
    out = []
    for path, message in refs:
        line, col = _locate(path, marks)
        out.append(Problem(filename, line, col, path, message))
    return out


_INDEXED = re.compile(r"^([A-Za-z_.]+)\[(\d+)\]")


def _references_of_the_rest(data: dict, exc: ValidationError) -> list[tuple[str, str]]:
    """Cross-reference problems of the items the schema accepted, so that one run reports
    both kinds: each list item with a schema error is set aside (up to three rounds), the
    rest validated and checked, and the paths given back in the file's numbering."""
    pruned = copy.deepcopy(data)
    kept: dict[str, list[int]] = {}  # list path -> original index of each remaining item
    dropped_ids: set[str] = set()
    for _round in range(3):
        cuts: dict[tuple, set[int]] = {}
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            at = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
            if at is None:
                return []  # a problem outside any list item: nothing to set aside
            cuts.setdefault(tuple(loc[:at]), set()).add(loc[at])
        for where, indices in cuts.items():
            container = pruned
            for key in where:
                container = container.get(key) if isinstance(container, dict) else None
            if not isinstance(container, list) or max(indices) >= len(container):
                return []  # not a list of the file (a tag, a key): best effort ends here
            prefix = ".".join(str(k) for k in where)
            original = kept.setdefault(prefix, list(range(len(container))))
            for index in sorted(indices, reverse=True):
                item = container.pop(index)
                original.pop(index)
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    dropped_ids.add(f"{prefix}.{item['id']}")
        try:
            rs = RuleSet.model_validate(pruned)
            break
        except ValidationError as again:
            exc = again
    else:
        return []
    out = []
    interpretation = re.compile(r"^interpretations\[(\d+)\]")
    for path, message in _cross_references(rs):
        about = interpretation.match(path)
        if about and any(rs.interpretations[int(about[1])].path.startswith(f"{d}.")
                         for d in dropped_ids):
            continue  # it reads an item set aside, whose own problem is reported
        match = _INDEXED.match(path)
        if match and match[1] in kept:
            original = kept[match[1]][int(match[2])]
            path = f"{match[1]}[{original}]{path[match.end():]}"
        out.append((path, message))
    return out


def _as_yaml(value: Any) -> str:
    """A value as a rule-set author would write it: null, true, "13:30", [a, b]."""
    return json.dumps(value, ensure_ascii=False, default=str)


def read_data(text: str, filename: str = "<string>") -> Any:
    """Plain data (a site registry, actor groups) from YAML or JSON text, read as strictly
    as a rule set: duplicate keys, recursive aliases and syntax errors raise
    `RuleSetError` with their file:line:column."""
    return read_located(text, filename)[0]


def read_located(text: str, filename: str = "<string>"
                 ) -> tuple[Any, Callable[[str], tuple[int | None, int | None]]]:
    """`read_data`, and a function from a path in the data (`[2].operator`, `so_x[0]`)
    to the (line, column) where it is written (or its nearest written ancestor)."""
    data, marks, problems = _read_yaml(text, filename, MAX_DATA_BYTES, None)
    if problems:
        raise RuleSetError(problems)
    return data, lambda path: _locate(path, marks)


def read_value(text: str, where: str = "value") -> Any:
    """One value written as YAML 1.2 (an `-i ID=VALUE` override): `12:00` and `no` stay
    text, `1` is a number, `[a, b]` a list, an empty text is null. `RuleSetError` if it
    is not YAML or not one value."""
    if not text.strip():
        return None
    return read_data(text, where)


def load_text(text: str, filename: str = "<string>") -> RuleSet:
    """Load a rule set from YAML text."""
    data, marks, problems = _read_yaml(text, filename)
    return _validate(data, marks, filename, problems)


def _bundled() -> dict[str, Any]:
    folder = importlib.resources.files("quyche.rules")
    return {
        entry.name[: -len(".yaml")]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def rule_sets() -> list[str]:
    """Ids of the bundled rule sets, sorted."""
    return sorted(_bundled())


_CACHE: dict[str, RuleSet] = {}


def load(name_or_path: str | Path, interpretations: Mapping[str, Any] | None = None) -> RuleSet:
    """A bundled rule set by id (one of `rule_sets()`) or a YAML file by path.

    `interpretations` overrides readings the rule set declares, by interpretation
    id: `load(name, interpretations={"morning_ends": "11:00"})`.
    """
    key = str(name_or_path)
    bundled = _bundled()
    if key not in bundled and _folded(key) in bundled and not Path(key).suffix \
            and not Path(key).is_file():
        key = _folded(key)  # a province's name in any case, with accents, is its id
    if key in bundled and not Path(key).suffix:
        if key not in _CACHE:
            _CACHE[key] = load_text(bundled[key].read_text(encoding="utf-8"),
                                    f"rules/{key}.yaml")
        rs = _CACHE[key]
    else:
        path = Path(name_or_path)
        if not path.is_file():
            guess = difflib.get_close_matches(_folded(key), sorted(bundled), n=1, cutoff=0.6)
            hint = f"; did you mean {guess[0]!r}?" if guess and not path.suffix else ""
            raise RuleSetNotFound([Problem(
                str(path), None, None, "",
                f"no such rule-set file, and no bundled rule set by that name "
                f"(bundled: {', '.join(sorted(bundled))}){hint}",
            )])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleSetError([Problem(str(path), None, None, "", f"cannot read: {exc}")]
                               ) from None
        rs = load_text(text, str(path))
    return override(rs, interpretations) if interpretations else rs


def _folded(name: str) -> str:
    """A name as a bundled id would spell it: lower case, no accents, spaces or dashes."""
    plain = unicodedata.normalize("NFD", name.lower()).replace("đ", "d")
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


def override(rule_set: RuleSet, interpretations: Mapping[str, Any]) -> RuleSet:
    """A copy of `rule_set` with some interpretations read differently."""
    by_id = {i.id: i for i in rule_set.interpretations}
    data = copy.deepcopy(rule_set.model_dump(mode="json"))
    for key, value in interpretations.items():
        interp = by_id.get(key)
        if interp is None:
            raise InterpretationError(
                f"{rule_set.id}: no interpretation {key!r}; declared: {sorted(by_id) or 'none'}"
            )
        _set_path(data, interp.path, value)
        for item in data["interpretations"]:
            if item["id"] == key:
                item["value"] = value
    try:
        changed = _validate(data, {}, f"{rule_set.id} (with overrides)", [])
    except RuleSetError as exc:
        raise InterpretationError(f"override not accepted:\n{exc}") from None
    for interp in changed.interpretations:
        before = by_id[interp.id]
        if interp.id in interpretations or before.overridden:
            # remember the text's own reading, across successive overrides
            interp._text_value, interp._overridden = before.text_value, True
    return changed


def dump(rule_set: RuleSet) -> str:
    """The rule set as YAML text that `load_text` reads back to an equal rule set."""
    data = rule_set.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
