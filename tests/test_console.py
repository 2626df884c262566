"""Output never fails on its stream's encoding (issue 21, SPEC 13).

Windows writes redirected output in the ANSI code page (cp1258 on Vietnamese Windows, cp1252 on most
others). PYTHONIOENCODING simulates that here: every command runs in a real subprocess with its
output piped, and must keep its exit code and print its Vietnamese words (in UTF-8), never a traceback.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reconcile import console

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
ENCODINGS = ["cp1258", "cp1252", "ascii"]


def _run(args: list[str], encoding: str, cwd: Path) -> tuple[int, str, str]:
    """The installed command (``reconcile.cli:main``) with output piped in ``encoding``; its exit code
    and its output decoded as UTF-8 (strictly: a mixed encoding would fail here)."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    env.pop("PYTHONLEGACYWINDOWSSTDIO", None)
    proc = subprocess.run(
        [sys.executable, "-c", "from reconcile.cli import main; main()", *args],
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def _no_crash(out: str, err: str) -> None:
    for text in (out, err):
        assert "Traceback" not in text
        assert "UnicodeEncodeError" not in text
        assert "Lỗi không mong đợi" not in text


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_run_piped_in_an_ansi_code_page(encoding: str, tmp_path: Path) -> None:
    code, out, err = _run(["run", str(WORKBOOKS), "--out", str(tmp_path / "out")], encoding, tmp_path)
    _no_crash(out, err)
    assert code == 0, err
    assert out.startswith("Tổng cộng: kế hoạch vốn 8.187,6, đã giải ngân 1.453,6 triệu đồng")
    assert "\nĐã đọc 9 tệp, 36 dòng số liệu, 4 khoản mục; 0 lỗi, 0 cảnh báo. Kết quả: " in out
    assert (tmp_path / "out" / "summary.csv").is_file()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_check_piped_in_an_ansi_code_page(encoding: str, tmp_path: Path) -> None:
    code, out, err = _run(["check", str(WORKBOOKS)], encoding, tmp_path)
    _no_crash(out, err)
    assert code == 0, err
    assert "Đã kiểm tra 9 tệp" in out


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_help_piped_in_an_ansi_code_page(encoding: str, tmp_path: Path) -> None:
    code, out, err = _run(["--help"], encoding, tmp_path)
    _no_crash(out, err)
    assert code == 0
    assert "Đối chiếu giải ngân vốn sự nghiệp" in out
    code, out, err = _run(["run", "--help"], encoding, tmp_path)
    assert code == 0
    assert "Thư mục kết quả." in out


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_usage_errors_piped_in_an_ansi_code_page(encoding: str, tmp_path: Path) -> None:
    code, out, err = _run(["run", "--no-such-option"], encoding, tmp_path)
    _no_crash(out, err)
    assert code == 2
    assert "--no-such-option" in err
    code, out, err = _run(["run", str(WORKBOOKS), "--as-of", "31/2/2023"], encoding, tmp_path)
    _no_crash(out, err)
    assert code == 2
    assert err.strip() == 'Ngày "31/2/2023" không hợp lệ; dùng dạng 2023-09-30 hoặc 30/9/2023.'


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_missing_folder_piped_in_an_ansi_code_page(encoding: str, tmp_path: Path) -> None:
    missing = tmp_path / "thư mục không có"
    for command in ("run", "check"):
        code, out, err = _run([command, str(missing)], encoding, tmp_path)
        _no_crash(out, err)
        assert code == 2
        assert err.strip().startswith(f"Không tìm thấy thư mục {missing}.")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_corrupt_file_piped_in_an_ansi_code_page(encoding: str, tmp_path: Path) -> None:
    folder = tmp_path / "báo cáo"
    folder.mkdir()
    (folder / "Báo cáo tháng 5.xlsx").write_bytes(b"this is no spreadsheet" * 10)
    code, out, err = _run(["run", str(folder), "--out", str(tmp_path / "out")], encoding, tmp_path)
    _no_crash(out, err)
    assert code == 2
    assert "Báo cáo tháng 5.xlsx" in err
    assert "tệp bị hỏng hoặc không phải bảng tính" in err
    assert f"Không đọc được số liệu nào từ {folder}" in err
    code, out, err = _run(["check", str(folder)], encoding, tmp_path)
    _no_crash(out, err)
    assert code == 2
    assert "Báo cáo tháng 5.xlsx" in out and "tệp bị hỏng" in out


@pytest.mark.skipif(shutil.which("script") is None, reason="util-linux `script` (a pseudo-terminal) is missing")
@pytest.mark.skipif(sys.platform != "linux", reason="`script -c` is util-linux's")
def test_a_console_keeps_its_encoding_and_replaces_what_it_cannot_show(tmp_path: Path) -> None:
    """On a terminal the stream keeps its own encoding: a letter cp1252 lacks becomes "?"."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    cmd = f"{sys.executable} -c 'from reconcile.cli import main; main()' check {WORKBOOKS}"
    proc = subprocess.run(
        ["script", "-qec", cmd, "/dev/null"], capture_output=True, env=env, cwd=tmp_path, timeout=300
    )
    text = proc.stdout.decode("cp1252", errors="strict")
    assert proc.returncode == 0, text
    assert "Traceback" not in text and "UnicodeEncodeError" not in text
    assert "?ã ki?m tra 9 t?p" in text  # "Đã kiểm tra 9 tệp": Đ, ể, ệ are not in cp1252; ã is


def _stream(encoding: str, tty: bool) -> io.TextIOWrapper:
    stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    return stream


def test_a_redirected_stream_becomes_utf8() -> None:
    stream = console._safe(_stream("cp1258", tty=False))
    stream.write("Đã đọc 9 tệp")
    stream.flush()
    assert stream.buffer.getvalue().decode("utf-8") == "Đã đọc 9 tệp"  # type: ignore[attr-defined]


def test_a_console_stream_keeps_its_encoding_and_replaces() -> None:
    stream = console._safe(_stream("cp1258", tty=True))
    stream.write("Đã đọc 9 tệp")
    stream.flush()
    # cp1258 has Đ and đ; ã, ọ and ệ only as a letter plus a combining mark, which Python's codec
    # does not compose.
    assert stream.buffer.getvalue().decode("cp1258") == "Đ? đ?c 9 t?p"  # type: ignore[attr-defined]


def test_a_stream_that_cannot_be_reconfigured_is_wrapped() -> None:
    class Fixed(io.StringIO):
        encoding = "ascii"  # type: ignore[assignment]

        def write(self, s: str) -> int:
            s.encode("ascii")  # raises like a real ascii stream would
            return super().write(s)

    inner = Fixed()
    stream = console._safe(inner)  # StringIO has no reconfigure
    stream.write("Đã đọc")
    assert inner.getvalue() == "?? ??c"


def test_no_stream_at_all_writes_nowhere() -> None:
    stream = console._safe(None)
    assert stream.write("Đã đọc") == 6
    stream.close()
