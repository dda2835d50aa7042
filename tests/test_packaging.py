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


def test_wheel_contains_every_subpackage(wheel):
    """pyproject.toml lists the packages one by one: a new subpackage must be added there."""
    names = zipfile.ZipFile(wheel).namelist()
    src = ROOT / "src"
    for init in sorted((src / "quyche").glob("**/__init__.py")):
        assert init.relative_to(src).as_posix() in names, init.parent.name


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


def test_wheel_ships_the_example_logs_not_their_generator(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in NAMES:
        for file in ("events.jsonl", "sites.yaml", "README.md"):
            assert f"quyche/example-logs/{name}/{file}" in names
    assert not [n for n in names if n.endswith("generate.py")]


def _quick_start() -> list[str]:
    """The `quyche` commands of the README's quick start, continued lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.startswith("quyche ")]


def test_readme_quick_start_runs_from_an_install_outside_the_clone(wheel, tmp_path):
    """Installed from the wheel (not editable) and run in an empty folder, every `quyche`
    command of the quick start works: `quyche example` writes the log the others read."""
    import shlex

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "COLUMNS": "100"}
    commands = [c for c in _quick_start() if not c.startswith(("quyche test", "quyche serve"))]
    assert commands[:4] == ["quyche list", "quyche validate laichau", "quyche example kontum",
                            commands[3]] and "examples/kontum/events.jsonl" in commands[3]
    for command in commands:
        words, _, to = command.partition(">")
        done = subprocess.run([sys.executable, "-m", "quyche", *shlex.split(words)[1:]],
                              cwd=elsewhere, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr
        if to.strip():
            (elsewhere / to.strip()).write_text(done.stdout, encoding="utf-8")
        if command.startswith("quyche example"):
            assert "evaluate it with:\n  quyche check kontum examples/kontum/events.jsonl" \
                in done.stdout
        if command == commands[3]:
            assert "11401 events read" in done.stdout.replace("\n", " ")
    assert (elsewhere / "examples" / "kontum" / "sites.yaml").read_bytes() == (
        ROOT / "examples" / "kontum" / "sites.yaml").read_bytes()
    assert "<html" in (elsewhere / "report.html").read_text(encoding="utf-8")[:300].lower()


def test_scenarios_and_the_pytest_plugin_need_no_hypothesis(tmp_path):
    """Every install registers the pytest plugin: without the `testing` extra it must load,
    and `quyche test` and `quyche schema` must run; only the strategies need hypothesis."""
    code = ("import sys; sys.modules['hypothesis'] = None; "
            "import quyche.testing.pytest_plugin, quyche.testing.scenarios; "
            "from quyche.cli import main; sys.argv = ['quyche', 'schema', 'scenario']; main()")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert '"title": "quyche scenario"' in done.stdout
    strategies = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['hypothesis'] = None; "
         "from quyche.testing import event_streams"], capture_output=True, text=True)
    assert "needs hypothesis" in strategies.stderr
