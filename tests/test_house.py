"""The house, read from the code: no import cycle between quyche modules.

The import graph is built from the source (benchmarks/house.py), imports inside
functions included: a lazy import that dodges a cycle at import time is still a cycle.
`make house` prints the other figures (line counts, long functions, mypy).
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
_spec = importlib.util.spec_from_file_location("house", ROOT / "benchmarks" / "house.py")
house = importlib.util.module_from_spec(_spec)
sys.modules["house"] = house  # dataclasses look their module up by name
_spec.loader.exec_module(house)


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_no_import_cycle_in_quyche():
    edges = house.graph()
    found = house.cycles(edges)
    where = [f"{e.source}:{e.line} -> {e.target}" for c in found
             for e in house.cycle_edges(edges, c)]
    assert found == [], where


def test_the_graph_reaches_every_module():
    edges = house.graph()
    assert "quyche.evaluation.engine" in edges and "quyche.testing.streams" in edges
    targets = {e.target for e in edges["quyche.testing.streams"]}
    assert {"quyche.evaluation.engine", "quyche.testing.event_lists"} <= targets


def test_a_lazy_import_closing_a_loop_is_a_cycle(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from .b import f\n",
        "b.py": "def f():\n    from . import a\n    return a\n",
        "sub/__init__.py": "",
        "sub/c.py": "from ..a import f\nfrom typing import TYPE_CHECKING\n"
                    "if TYPE_CHECKING:\n    from .. import b\n",
    })
    edges = house.graph(root)
    assert house.cycles(edges) == [["pkg.a", "pkg.b"]]
    lazy = [e for e in edges["pkg.b"] if e.target == "pkg.a"]
    assert [e.lazy for e in lazy] == [True]
    assert {e.target for e in edges["pkg.sub.c"]} == {"pkg.a"}  # TYPE_CHECKING is not run


def test_no_cycle_when_imports_only_go_one_way(tmp_path):
    root = _package(tmp_path, {"__init__.py": "from .a import f\n", "a.py": "from .b import g\n",
                               "b.py": "import json\n"})
    assert house.cycles(house.graph(root)) == []


def test_long_functions_are_measured(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(70))
    root = _package(tmp_path, {"__init__.py": "", "m.py": f"class C:\n  def long(self):\n{body}"})
    assert house.long_functions(root, limit=60) == [("pkg.m", "C.long", 71)]
