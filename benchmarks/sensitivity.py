"""The cost of `quyche.sensitivity` on the example years (the table in docs/sensitivity.md).

For each `examples/<rule-set>/` log, evaluated with the arguments its README's
command gives (`--as-of`, `--since`, `--sites`, `--actors`): the time of one
`quyche.evaluate` of the whole log, and of `quyche.sensitivity` over the same
events (one evaluation under the rule set's readings, one per alternative of each
interpretation asked), best of `--repeat` runs each. Prints one Markdown row per
rule set. Never a timed test: run it by hand on a quiet machine.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import quyche
from quyche._load import read_data
from quyche.event_files import read_event_file

ROOT = Path(__file__).parent.parent


def _arguments(folder: Path) -> dict:
    readme = (folder / "README.md").read_text(encoding="utf-8")
    command = re.search(r"```sh\n(.*?)```", readme, re.S)[1]
    option = lambda name: (re.search(rf"--{name} (\S+)", command) or [None, None])[1]  # noqa: E731
    registry = read_data((folder / "sites.yaml").read_text(encoding="utf-8"))
    actors = option("actors")
    return {"as_of": option("as-of"), "since": option("since"),
            "sites": registry["sites"] if isinstance(registry, dict) else registry,
            "actors": read_data((folder / actors).read_text(encoding="utf-8"))
            if actors else None}


def _best(repeat: int, run, *args, **kwargs) -> tuple[float, object]:
    """The shortest of `repeat` runs, and what the last one returned."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| rule set | events | interpretations | asked | skipped | evaluations "
          "| asked that change something | `evaluate` once | per evaluation in `sensitivity` "
          "| `sensitivity` |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in quyche.rule_sets():
        folder = ROOT / "examples" / name
        rs = quyche.load(name)
        events = list(read_event_file(folder / "events.jsonl"))
        kwargs = _arguments(folder)
        once, _report = _best(args.repeat, quyche.evaluate, rs, events, **kwargs)
        total, result = _best(args.repeat, quyche.sensitivity, rs, events, **kwargs)
        print(f"| {name} | {len(events):,} | {len(rs.interpretations)} "
              f"| {len(result.interpretations)} | {len(result.skipped)} | {result.evaluations} "
              f"| {len(result.changed())} | {once:.2f} s | {total / result.evaluations:.2f} s "
              f"| {total:.2f} s |")


if __name__ == "__main__":
    main()
