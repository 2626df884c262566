"""The one-file program's double-click path (reconcile/frozen.py), without building it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from reconcile import frozen

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"


def test_double_click_is_told_by_the_console_processes_on_windows() -> None:
    one, three = (lambda: 1), (lambda: 3)
    assert frozen.started_by_double_click({}, "win32", one) is True
    assert frozen.started_by_double_click({}, "win32", three) is False  # cmd.exe or PowerShell too
    assert frozen.started_by_double_click({}, "win32", lambda: 0) is False  # cannot be told: a CLI
    assert frozen.started_by_double_click({}, "linux", one) is False
    assert frozen.started_by_double_click({"RECONCILE_DOUBLE_CLICK": "1"}, "linux", three) is True


def test_double_click_reconciles_workbooks_beside_it(tmp_path: Path) -> None:
    shutil.copytree(WORKBOOKS, tmp_path / "workbooks")
    opened: list[Path] = []
    waited: list[bool] = []
    lines: list[str] = []
    code = frozen.double_click(
        tmp_path, open_file=opened.append, wait=lambda: waited.append(True), echo=lines.append
    )
    assert code == 0
    workbook = tmp_path / "output" / "reconciliation.xlsx"
    assert opened == [workbook]
    assert waited == [True]
    assert lines == [
        f"Đang đối chiếu các báo cáo trong thư mục {tmp_path / 'workbooks'} ...",
        f"Đã đọc 9 tệp, 36 dòng số liệu, 4 khoản mục; 0 lỗi, 0 cảnh báo. Kết quả: {tmp_path / 'output'}",
        f"Đang mở {workbook}.",
        "Nhấn phím bất kỳ để đóng cửa sổ này.",
    ]
    for name in ("summary.csv", "findings.csv", "line_items.csv"):
        assert (tmp_path / "output" / name).is_file()


def test_double_click_reads_its_own_folder_without_a_workbooks_folder(tmp_path: Path) -> None:
    for f in WORKBOOKS.iterdir():
        shutil.copy(f, tmp_path / f.name)
    lines: list[str] = []
    code = frozen.double_click(tmp_path, echo=lines.append)
    assert code == 0
    assert lines[0] == f"Đang đối chiếu các báo cáo trong thư mục {tmp_path} ..."
    assert lines[1].startswith("Đã đọc 9 tệp, 36 dòng số liệu")
    # The second run finds the first one's output/ beside it and leaves it out.
    assert frozen.double_click(tmp_path, echo=lines.append) == 0
    assert lines[-2].startswith("Đã đọc 9 tệp, 36 dòng số liệu")


def test_double_click_on_nothing_readable_says_why_and_still_waits(tmp_path: Path) -> None:
    (tmp_path / "Báo cáo tháng 5.xlsx").write_bytes(b"not a spreadsheet at all")
    opened: list[Path] = []
    waited: list[bool] = []
    lines: list[str] = []
    code = frozen.double_click(
        tmp_path, open_file=opened.append, wait=lambda: waited.append(True), echo=lines.append
    )
    assert code == 2
    assert opened == []
    assert waited == [True]
    assert any("Báo cáo tháng 5.xlsx" in line and "tệp bị hỏng" in line for line in lines)
    assert f"Không đọc được số liệu nào từ {tmp_path}; xem các cảnh báo ở trên." in lines
    assert lines[-1] == "Nhấn phím bất kỳ để đóng cửa sổ này."


def test_a_failed_open_is_said_not_raised(tmp_path: Path) -> None:
    shutil.copytree(WORKBOOKS, tmp_path / "workbooks")

    def refuse(path: Path) -> None:
        raise OSError("no program is associated")

    lines: list[str] = []
    assert frozen.double_click(tmp_path, open_file=refuse, echo=lines.append) == 0
    assert lines[-1] == (
        f"Không mở được {tmp_path / 'output' / 'reconciliation.xlsx'} (no program is associated); "
        "hãy tự mở tệp này."
    )


def test_double_click_output_matches_the_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reconcile.cli import cli

    shutil.copytree(WORKBOOKS, tmp_path / "workbooks")
    assert frozen.double_click(tmp_path, echo=lambda s: None) == 0
    result = CliRunner().invoke(cli, ["run", str(WORKBOOKS), "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    for name in ("summary.csv", "findings.csv"):
        assert (tmp_path / "output" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()


def test_main_takes_the_double_click_path_by_environment(tmp_path: Path) -> None:
    """``frozen.main`` with no arguments, forced into the double-click path, opens nothing."""
    shutil.copytree(WORKBOOKS, tmp_path / "workbooks")
    env = {
        **os.environ,
        "RECONCILE_NO_OPEN": "1",
        "RECONCILE_DOUBLE_CLICK": "1",
        "PYTHONIOENCODING": "cp1258",
    }
    proc = subprocess.run(
        [sys.executable, "-c", "from reconcile.frozen import main; main()"],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert "Đã đọc 9 tệp" in out
    assert "Nhấn phím" not in out
    assert (tmp_path / "output" / "summary.csv").is_file()


def test_main_with_arguments_is_the_command(tmp_path: Path) -> None:
    env = {**os.environ, "RECONCILE_DOUBLE_CLICK": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", "from reconcile.frozen import main; main()", "check", str(WORKBOOKS)],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0
    assert proc.stdout.decode("utf-8").startswith("Đã kiểm tra 9 tệp")
    assert not (tmp_path / "output").exists()
