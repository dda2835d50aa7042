"""The house figures of `src/quyche`, as a reviewer reads them from the code (`make house`).

Module line counts (those above the limit flagged), functions above the limit, import
cycles between quyche modules (the graph read from the source, imports inside functions
included: a lazy import that dodges a cycle is still a cycle), private names imported
across packages, and the mypy error count per file. Not a gate by itself: tests/
test_house.py asserts the cycles, `make test` runs mypy.

    .venv/bin/python benchmarks/house.py [--no-mypy] [--max-lines 500] [--max-function 60]
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "quyche"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """`src/quyche/analysis/diff.py` -> `quyche.analysis.diff` (a package is its __init__)."""
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p, package): p for p in sorted(package.rglob("*.py"))}


@dataclass(frozen=True)
class Import:
    """One import of a quyche module by another: where, and whether at module level."""

    source: str
    target: str
    line: int
    lazy: bool  # inside a function: run on call, still a dependency
    names: tuple[str, ...]


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _walk(node: ast.AST, in_function: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every import node with whether it sits in a function; `if TYPE_CHECKING:` skipped."""
    for child in ast.iter_child_nodes(node):
        if _type_checking_only(child):
            for other in getattr(child, "orelse", []):
                yield from _walk(other, in_function)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef |
                                          ast.Lambda)
        yield from _walk(child, inner)


def imports(name: str, path: Path, known: set[str]) -> list[Import]:
    """The quyche modules `name` imports, each resolved to the module it runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    out = []
    for node, lazy in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    out.append(Import(name, alias.name, node.lineno, lazy, ()))
            continue
        base = node.module or ""
        if node.level:
            anchor = name.split(".") if is_package else name.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            target = sub if sub in known else base
            if target in known and target != name:
                out.append(Import(name, target, node.lineno, lazy, (alias.name,)))
    return out


def graph(package: Path = PACKAGE) -> dict[str, list[Import]]:
    """module -> the imports it makes of other quyche modules."""
    found = modules(package)
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def cycles(edges: dict[str, list[Import]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for edge in edges.get(node, []):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in on_stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(edges) + 100))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def cycle_edges(edges: dict[str, list[Import]], component: list[str]) -> list[Import]:
    """The imports that hold a cycle together, to say where to cut it."""
    members = set(component)
    held = {(e.source, e.line, e.target): e for name in component for e in edges[name]
            if e.target in members}
    return list(held.values())


def private_crossings(edges: dict[str, list[Import]]) -> list[Import]:
    """Underscored names imported from a module of another package."""
    def package_of(module: str, is_package: bool) -> str:
        return module if is_package else module.rpartition(".")[0]

    found = modules()
    out = []
    for name, items in edges.items():
        mine = package_of(name, found[name].name == "__init__.py")
        for e in items:
            theirs = package_of(e.target, found[e.target].name == "__init__.py")
            if theirs != mine and any(n.startswith("_") and not n.startswith("__")
                                      for n in e.names):
                out.append(e)
    return out


def long_functions(package: Path = PACKAGE, limit: int = 60) -> list[tuple[str, str, int]]:
    """(module, qualified function name, lines) of every function longer than `limit`."""
    out = []
    for name, path in modules(package).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, prefix: str, module: str = name) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    qual = f"{prefix}{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        length = (child.end_lineno or child.lineno) - child.lineno + 1
                        if length > limit:
                            out.append((module, qual, length))
                    visit(child, qual + ".")
                else:
                    visit(child, prefix)

        visit(tree, "")
    return sorted(out, key=lambda item: -item[2])


def line_counts(package: Path = PACKAGE) -> list[tuple[str, int]]:
    """(module, lines) of every module, longest first."""
    counts = [(name, len(path.read_text(encoding="utf-8").splitlines()))
              for name, path in modules(package).items()]
    return sorted(counts, key=lambda item: (-item[1], item[0]))


def mypy_errors() -> Counter[str]:
    """mypy's errors per file, as configured in pyproject.toml."""
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True)
    return Counter(m[1] for m in re.finditer(r"^(\S+?\.py):\d+: error:", done.stdout, re.M))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-lines", type=int, default=500)
    parser.add_argument("--max-function", type=int, default=60)
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy (about 15 s)")
    args = parser.parse_args(argv)

    counts = line_counts()
    over = [(m, n) for m, n in counts if n > args.max_lines]
    print(f"modules: {len(counts)}, {sum(n for _, n in counts)} lines; "
          f"{len(over)} above {args.max_lines} lines")
    for module, lines in over:
        print(f"  {lines:5d}  {module}")
    long = long_functions(limit=args.max_function)
    print(f"functions above {args.max_function} lines: {len(long)}")
    for module, function, lines in long:
        print(f"  {lines:5d}  {module}.{function}")
    edges = graph()
    lazy = sum(e.lazy for items in edges.values() for e in items)
    found = cycles(edges)
    print(f"import cycles: {len(found)} (imports inside functions: {lazy}, counted)")
    for component in found:
        print(f"  {' <-> '.join(component)}")
        for e in cycle_edges(edges, component):
            where = "in a function" if e.lazy else "module level"
            print(f"      {e.source}:{e.line} -> {e.target} ({where})")
    crossings = private_crossings(edges)
    print(f"private names imported across packages: {len(crossings)}")
    for e in crossings:
        print(f"  {e.source}:{e.line} -> {e.target}: {', '.join(e.names)}")
    if not args.no_mypy:
        errors = mypy_errors()
        print(f"mypy errors: {sum(errors.values())} in {len(errors)} files")
        for path, count in errors.most_common():
            print(f"  {count:5d}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
