"""`quyche serve` without the server extra: one clear line, exit 2, no traceback."""

import subprocess
import sys

BLOCKED = ("import sys; sys.modules['fastapi'] = None; sys.argv = ['quyche', 'serve']; "
           "from quyche.cli import main; main()")


def test_serve_without_the_extra_says_what_to_install() -> None:
    done = subprocess.run([sys.executable, "-c", BLOCKED], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "pip install 'quyche[server]'" in done.stderr
    assert "Traceback" not in done.stderr
