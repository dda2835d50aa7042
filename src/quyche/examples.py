"""The example logs, shipped with the package so that the README's commands work anywhere.

In the repository they are `examples/NAME/` (events, site registry, README, written by
`examples/generate.py`); the wheel carries them as data (`quyche/example-logs/`).
`quyche example NAME` writes one into a folder and says the command that evaluates it.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ExampleError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["FILES", "Example", "example", "examples", "write_example"]

#: What an example is made of; `write_example` writes the first two.
FILES = ("events.jsonl", "sites.yaml", "README.md")


@dataclass(frozen=True)
class Example:
    """One bundled example: a rule set's log of events and its site registry."""

    name: str
    title: str
    folder: Traversable

    def command(self, to: str | Path | None = None) -> str:
        """The command of the example's README that evaluates it, reading from `to`."""
        readme = self.folder.joinpath("README.md").read_text(encoding="utf-8")
        run = readme.split("## Run it", 1)[-1]
        found = re.search(r"```sh\n(quyche check .*?)```", run, re.S)
        if found is None:
            raise ExampleError(f"example {self.name}: its README gives no command")
        command = " ".join(found[1].replace("\\\n", " ").split())
        if to is not None:
            command = command.replace(f"examples/{self.name}/", f"{Path(to).as_posix()}/")
        return command


def _folder() -> Traversable:
    return importlib.resources.files("quyche").joinpath("example-logs")


def examples() -> list[Example]:
    """The bundled examples, by name."""
    found = []
    for entry in sorted(_folder().iterdir(), key=lambda e: e.name):
        if entry.is_dir() and entry.joinpath("events.jsonl").is_file():
            first = entry.joinpath("README.md").read_text(encoding="utf-8").splitlines()[0]
            found.append(Example(entry.name, first.lstrip("# ").strip(), entry))
    return found


def example(name: str) -> Example:
    """A bundled example by name (any case); `ExampleError` with the near miss otherwise."""
    known = {e.name: e for e in examples()}
    key = name.strip().lower()
    if key in known:
        return known[key]
    guess = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean {guess[0]!r}?" if guess else ""
    raise ExampleError(f"no example {name!r} (examples: {', '.join(sorted(known))}){hint}")


def write_example(name: str, to: str | Path, force: bool = False) -> list[Path]:
    """Write an example's events and site registry into the folder `to` (made if needed).

    A file already there with other content is kept unless `force`. Returns the files
    written or found identical.
    """
    found = example(name)
    folder = Path(to)
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file in FILES[:2]:
            data = found.folder.joinpath(file).read_bytes()
            target = folder / file
            if target.exists() and target.read_bytes() != data and not force:
                raise ExampleError(f"{target} exists with other content; keep it, choose "
                                   "another folder (--to DIR), or overwrite it (--force)")
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)
            written.append(target)
    except OSError as exc:
        raise ExampleError(f"{folder}: cannot write the example ({exc.strerror})") from None
    return written
