"""YAML 1.2 reading with limits: what a rule set or a data file may hold, and where.

PyYAML reads YAML 1.1, where `13:30` is the integer 810 and `no` is false, and it
silently keeps the last of two equal keys. The reader here resolves scalars as
YAML 1.2's core schema does (only true/false are booleans, no base-60 numbers),
refuses duplicate keys and ambiguous merge keys, bounds size, nesting and alias
expansion, and records where each path of the document is written. It never runs code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, cast

import yaml

from ..errors import Problem, RuleSetError

__all__ = [
    "MAX_ALIASED_NODES",
    "MAX_DATA_BYTES",
    "MAX_DEPTH",
    "MAX_INT_BITS",
    "MAX_LINE_CHARS",
    "MAX_RULE_SET_BYTES",
    "locate",
    "read_data",
    "read_located",
    "read_value",
    "read_yaml",
]

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
            mark = self._next_mark()
            node = super().compose_node(parent, index)
            assert node is not None  # an alias event always composes its anchored node
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
                self.refuse(self._next_mark(),
                            f"values nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _next_mark(self) -> Any:
        """Where the next event starts (the stubs leave `peek_event` untyped)."""
        peek = cast(Callable[[], yaml.Event], self.peek_event)
        return peek().start_mark

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


def read_yaml(text: str, filename: str, max_bytes: int = MAX_RULE_SET_BYTES,
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


def _walk(node: yaml.Node, path: str, marks: dict[str, tuple[int, int]], problems: list[Problem],
          filename: str, active: frozenset[int] = frozenset(), done: set[int] | None = None
          ) -> None:
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


def locate(path: str, marks: Mapping[str, tuple[int, int]]) -> tuple[int | None, int | None]:
    probe = path
    while probe:
        if probe in marks:
            return marks[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return marks.get("", (None, None))


def read_data(text: str, filename: str = "<string>") -> Any:
    """Plain data (a site registry, actor groups) from YAML or JSON text, read as strictly
    as a rule set: duplicate keys, recursive aliases and syntax errors raise
    `RuleSetError` with their file:line:column."""
    return read_located(text, filename)[0]


def read_located(text: str, filename: str = "<string>"
                 ) -> tuple[Any, Callable[[str], tuple[int | None, int | None]]]:
    """`read_data`, and a function from a path in the data (`[2].operator`, `so_x[0]`)
    to the (line, column) where it is written (or its nearest written ancestor)."""
    data, marks, problems = read_yaml(text, filename, MAX_DATA_BYTES, None)
    if problems:
        raise RuleSetError(problems)
    return data, lambda path: locate(path, marks)


def read_value(text: str, where: str = "value") -> Any:
    """One value written as YAML 1.2 (an `-i ID=VALUE` override): `12:00` and `no` stay
    text, `1` is a number, `[a, b]` a list, an empty text is null. `RuleSetError` if it
    is not YAML or not one value."""
    if not text.strip():
        return None
    return read_data(text, where)
