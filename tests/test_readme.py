"""The README's Python quick start runs and prints what its comments say it prints."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_quick_start_prints_what_it_promises():
    """Each `# 2024-…` line under the loop is printed, and nothing else is."""
    [block] = python_blocks()
    promised = [line[2:] for line in block.splitlines() if line.startswith("# 2024-")]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, str(README), "exec"), {})
    assert promised and printed.getvalue().splitlines() == promised
