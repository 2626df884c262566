"""The one-file program built here with PyInstaller (scripts/build_exe.py) gives the installed
command's results, with arguments and double-clicked (issue 21). Slow: the build takes about a minute."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip('PyInstaller is not installed (pip install -e ".[build]")')
    base = tmp_path_factory.mktemp("build")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_exe.py"),
            "--dist",
            str(base / "dist"),
            "--work",
            str(base / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    exe = base / "dist" / ("reconcile.exe" if sys.platform == "win32" else "reconcile")
    assert exe.is_file()
    return exe


def _installed(args: list[str], cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", "from reconcile.cli import main; main()", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_the_program_with_arguments_is_the_command(program: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "cp1258"}
    proc = subprocess.run(
        [str(program), "run", str(WORKBOOKS), "--out", str(tmp_path / "exe")],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert "\nĐã đọc 9 tệp, 36 dòng số liệu, 4 khoản mục" in proc.stdout.decode("utf-8")
    _installed(["run", str(WORKBOOKS), "--out", str(tmp_path / "cli")], tmp_path)
    for name in ("summary.csv", "findings.csv", "line_items.csv"):
        assert (tmp_path / "exe" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    proc = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("reconcile, phiên bản ")  # vi by default
    proc = subprocess.run(
        [str(program), "check", str(tmp_path / "không có")], capture_output=True, timeout=120
    )
    assert proc.returncode == 2
    assert "Không tìm thấy thư mục" in proc.stderr.decode("utf-8")


def test_the_program_double_clicked_in_a_folder_of_reports(program: Path, tmp_path: Path) -> None:
    """No arguments, double-click forced by the environment, opening and waiting turned off: it
    reads the reports beside it (itself no finding) and writes output/ beside it."""
    folder = tmp_path / "Báo cáo 2023"
    shutil.copytree(WORKBOOKS, folder)
    shutil.copy(program, folder / program.name)
    env = {**os.environ, "RECONCILE_DOUBLE_CLICK": "1", "RECONCILE_NO_OPEN": "1"}
    proc = subprocess.run(
        [str(folder / program.name)],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0, out + proc.stderr.decode("utf-8", "replace")
    assert out.splitlines()[0] == f"Đang đối chiếu các báo cáo trong thư mục {folder} ..."
    assert (
        f"Đã đọc 9 tệp, 36 dòng số liệu, 4 khoản mục; 0 lỗi, 0 cảnh báo. Kết quả: {folder / 'output'}" in out
    )
    _installed(["run", str(WORKBOOKS), "--out", str(tmp_path / "cli")], tmp_path)
    for name in ("summary.csv", "findings.csv"):
        assert (folder / "output" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
