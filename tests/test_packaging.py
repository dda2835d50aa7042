"""The installed package, not the checkout: the wheel carries every bundled rule set."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
NAMES = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("quyche-*.whl"))


def test_wheel_contains_rule_sets_and_marker(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in NAMES:
        assert f"quyche/rules/{name}.yaml" in names
    assert "quyche/py.typed" in names


def test_installed_copy_finds_rule_sets_from_elsewhere(wheel, tmp_path):
    """Installed into a separate folder and imported from another folder, all of them load."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    code = ("import quyche, sys; assert quyche.__file__.startswith(sys.argv[1]), "
            "quyche.__file__; names = quyche.rule_sets(); "
            "[quyche.load(n) for n in names]; print(','.join(names))")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code, str(target)], cwd=elsewhere, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ",".join(NAMES)


def test_nothing_shipped_refers_outside_the_repository():
    """Code, rule sets, docs and schema carry their own contract (docs/contract.md)."""
    shipped = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "pyproject.toml"]
    for folder, pattern in (("src", "*.py"), ("rules", "*.yaml"), ("docs", "*.md"),
                            ("schema", "*.json"), ("examples", "*")):
        shipped += [p for p in (ROOT / folder).rglob(pattern) if p.is_file()]
    offending = [str(p.relative_to(ROOT)) for p in shipped
                 if any(ref in p.read_text(encoding="utf-8", errors="replace")
                        for ref in ("DESIGN.md", "../shared", "STYLE.md"))]
    assert offending == []
    assert (ROOT / "docs" / "contract.md").is_file()
