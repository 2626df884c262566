"""What a run looks like from outside (issue 14): files as well as a folder, check's closing line, the
phases shown, Ctrl-C and two runs at once, --as-of that the reports do not bear out, stale annotated
copies, and click's own words in Vietnamese. Every test runs on the repository's ./workbooks (nine
monthly reports of one unit, 31/01 to 30/09/2023), through CliRunner or a real process."""

from __future__ import annotations

import csv
import hashlib
import os
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconcile import run as run_module
from reconcile.cli import cli
from reconcile.progress import ConsolePhases
from tests.paused import start_paused

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
MARCH, SEPTEMBER = "2023-03.xlsx", "Báo cáo tháng 9 năm 2023.xlsx"


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.stdout, res.stderr


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(WORKBOOKS, folder)
    return folder


# ---- item 3: files as well as a folder ------------------------------------------------------------


def test_run_takes_one_file(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = _run("run", str(inputs / MARCH), "--out", str(out))
    assert code == 0, err
    assert stdout.strip().splitlines()[-1] == (
        f"Đã đọc 1 tệp, 4 dòng số liệu, 4 khoản mục; 0 lỗi, 0 cảnh báo. Kết quả: {out}"
    )
    assert {r["file"] for r in _rows(out / "line_items.csv")} == {MARCH}
    assert {r["period"] for r in _rows(out / "summary.csv")} == {"2023-03-31"}
    assert sorted(p.name for p in (out / "annotated").iterdir()) == [MARCH]


def test_run_and_check_take_several_files_named_from_their_common_folder(
    inputs: Path, tmp_path: Path
) -> None:
    (inputs / "q3").mkdir()
    shutil.move(inputs / SEPTEMBER, inputs / "q3" / SEPTEMBER)
    out = tmp_path / "out"
    code, _, err = _run("run", str(inputs / MARCH), str(inputs / "q3" / SEPTEMBER), "--out", str(out))
    assert code == 0, err
    assert {r["file"] for r in _rows(out / "line_items.csv")} == {MARCH, f"q3/{SEPTEMBER}"}
    assert (out / "annotated" / "q3" / SEPTEMBER).is_file()
    code, stdout, _ = _run("check", str(inputs / MARCH), str(inputs / "q3" / SEPTEMBER))
    assert code == 0
    assert stdout.splitlines()[-1].startswith(
        "Đã kiểm tra 2 tệp, 8 dòng số liệu, 4 khoản mục: 0 lỗi, 1 cảnh báo"
    )


def test_a_missing_file_is_named(inputs: Path) -> None:
    code, _, err = _run("check", str(inputs / MARCH), str(inputs / "khong-co.xlsx"))
    assert code == 2
    assert (
        err.strip()
        == f"Không tìm thấy tệp {inputs / 'khong-co.xlsx'}. Kiểm tra lại tên và đường dẫn của tệp."
    )
    code, _, err = _run("check", str(inputs / "khong-co.xlsx"), "--lang", "en")
    assert err.strip() == f"File {inputs / 'khong-co.xlsx'} does not exist. Check the file's name and path."


def test_files_named_twice_or_lock_files_are_not_read_twice(inputs: Path) -> None:
    (inputs / "~$2023-03.xlsx").write_bytes(b"owner")
    code, stdout, _ = _run("check", str(inputs / MARCH), str(inputs / MARCH), str(inputs / "~$2023-03.xlsx"))
    assert code == 0
    assert "~$2023-03.xlsx: Thông tin [skipped_file]" in stdout
    assert stdout.splitlines()[-1].startswith("Đã kiểm tra 1 tệp, 4 dòng số liệu")


def test_files_only_of_other_kinds_say_so(inputs: Path) -> None:
    (inputs / "ghi-chu.txt").write_text("x", encoding="utf-8")
    code, _, err = _run("check", str(inputs / "ghi-chu.txt"), str(inputs / "ghi-chu.txt"))
    assert code == 2
    assert "Không có bảng tính nào đọc được" in err and "ghi-chu.txt" in err


# ---- item 4: check ends with what it checked --------------------------------------------------------


def test_check_ends_with_what_was_checked_and_found() -> None:
    code, stdout, _ = _run("check", str(WORKBOOKS))
    assert code == 0
    assert stdout.splitlines()[-1] == (
        "Đã kiểm tra 9 tệp, 36 dòng số liệu, 4 khoản mục: 0 lỗi, 0 cảnh báo, 0 thông tin. "
        "Không ghi tệp nào (lệnh reconcile run ghi kết quả)."
    )
    code, stdout, _ = _run("check", str(WORKBOOKS), "--lang", "en", "--as-of", "2023-06-30")
    assert stdout.splitlines()[-1] == (
        "Checked 9 files, 36 line items, 4 keys: 0 errors, 3 warnings, 0 for information. "
        "Nothing was written (reconcile run writes the outputs)."
    )


# ---- item 5: the phases of a run ---------------------------------------------------------------------


def test_each_phase_is_one_plain_line_when_not_a_terminal(tmp_path: Path) -> None:
    code, _, err = _run("run", str(WORKBOOKS), "--out", str(tmp_path / "out"))
    assert code == 0
    assert err.splitlines() == [
        "Đang đọc 9 tệp",
        "Đang đối chiếu số liệu...",
        "Đang ghi 9 bản sao có ghi chú",
        "Đang ghi bảng đối chiếu và các tệp CSV...",
    ]
    code, _, err = _run("check", str(WORKBOOKS), "--lang", "en")
    assert err.splitlines() == ["Reading 9 files", "Reconciling the figures..."]


def test_a_small_run_shows_no_phases(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(run_module, "PROGRESS_MIN_FILES", 9)
    code, _, err = _run("run", str(WORKBOOKS), "--out", str(tmp_path / "out"), "--no-annotate")
    assert code == 0 and err == ""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_gets_a_bar_for_counted_phases() -> None:
    master, slave = os.openpty()
    with open(slave, "w", encoding="utf-8") as stream:
        phases = ConsolePhases("vi", stream)
        assert phases.tty
        phases.enabled = True
        with phases.phase("annotating", 4) as step:
            for _ in range(4):
                step(1)
        with phases.phase("writing"):
            pass
        stream.flush()
        # A pty hands its bytes over in pieces: read until nothing more comes.
        data = b""
        while select.select([master], [], [], 0.5)[0]:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            data += chunk
        text = data.decode("utf-8")
    os.close(master)
    assert "Đang ghi 4 bản sao có ghi chú" in text and "0/4" in text and "#]  4/4" in text
    assert text.rstrip().endswith("Đang ghi bảng đối chiếu và các tệp CSV...")


# ---- item 6: Ctrl-C and two runs at once -------------------------------------------------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to a child process (POSIX)")


@posix_only
@pytest.mark.parametrize("pause", ["reading:2", "reconciling:0", "annotating:2", "writing:0"])
def test_ctrl_c_keeps_the_previous_outputs_and_leaves_nothing(pause: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run("run", str(WORKBOOKS), "--out", str(out))[0] == 0
    before = _snapshot(out)
    # A different run (fewer reports): had anything of it been kept, the outputs would differ.
    proc = start_paused(
        # Without the read cache: with it, the files already read would pass no reading step to pause at.
        ["run", str(WORKBOOKS), "--out", str(out), "--as-of", "2023-06-30", "--no-cache"],
        pause,
        tmp_path / "paused",
    )
    assert any(p.name.startswith(".~reconcile-") for p in out.rglob("*")) == pause.startswith(
        ("annotating", "writing")
    )
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stdout == ""
    assert stderr.splitlines()[-1] == (
        "Đã dừng theo yêu cầu (Ctrl-C): lần chạy này không ghi gì, kết quả của lần chạy trước được giữ nguyên."
    )
    assert "Traceback" not in stderr
    assert _snapshot(out) == before  # no temp file, no lock, every output byte for byte


@posix_only
def test_ctrl_c_on_a_first_run_leaves_no_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    out.parent.mkdir()
    proc = start_paused(
        ["run", str(WORKBOOKS), "--out", str(out), "--lang", "en"], "annotating:3", tmp_path / "p"
    )
    assert (out / "annotated").is_dir()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.splitlines()[-1] == (
        "Stopped (Ctrl-C): this run wrote nothing; the previous outputs are kept as they were."
    )
    assert not out.exists()


@posix_only
def test_ctrl_c_while_many_files_are_read_in_parallel(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for n in range(4):  # 36 files: read by worker processes
        shutil.copytree(WORKBOOKS, folder / f"unit{n}")
    proc = start_paused(["check", str(folder)], "reading:5", tmp_path / "p")
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert stderr.splitlines()[-1].startswith("Đã dừng theo yêu cầu (Ctrl-C)")


@posix_only
def test_a_second_run_into_the_same_folder_waits_its_turn(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start_paused(["run", str(WORKBOOKS), "--out", str(out)], "annotating:1", tmp_path / "p")
    try:
        code, stdout, err = _run("run", str(WORKBOOKS), "--out", str(out), "--lang", "en")
        assert code == 2 and stdout == ""
        assert err.strip() == (
            f"Another run (process {first.pid}) is writing into the output folder {out}. "
            "Wait until it ends and run again, or choose another folder with --out."
        )
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 130
    # The first run gone, its lock went with it: the next run writes.
    assert _run("run", str(WORKBOOKS), "--out", str(out))[0] == 0
    assert not (out / ".reconcile.lock").exists()


def test_a_lock_left_by_a_dead_run_does_not_block(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    import socket

    (out / ".reconcile.lock").write_text(
        f"{dead.stdout.strip()} {socket.gethostname()} x\n", encoding="utf-8"
    )
    (out / ".~reconcile-0123456789ab.tmp.xlsx").write_bytes(b"half a workbook from a killed run")
    code, _, err = _run("run", str(WORKBOOKS), "--out", str(out))
    assert code == 0, err
    assert not (out / ".reconcile.lock").exists()
    assert not [p for p in out.rglob(".~reconcile-*")]


def test_a_lock_held_by_a_living_run_blocks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    import socket

    (out / ".reconcile.lock").write_text(f"{os.getpid()} {socket.gethostname()} x\n", encoding="utf-8")
    code, _, err = _run("run", str(WORKBOOKS), "--out", str(out))
    assert code == 2
    assert err.strip().startswith(
        f"Một lần chạy khác (tiến trình {os.getpid()}) đang ghi vào thư mục kết quả {out}."
    )
    assert sorted(p.name for p in out.iterdir()) == [".reconcile.lock"]


# ---- item 7: --as-of the reports do not bear out ---------------------------------------------------


def _findings(out: Path, code: str) -> list[dict[str, str]]:
    return [r for r in _rows(out / "findings.csv") if r["code"] == code]


def test_as_of_before_some_reports_names_the_ones_left_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run("run", str(WORKBOOKS), "--out", str(out), "--as-of", "30/6/2023")[0] == 0
    left_out = _findings(out, "as_of_before_report")
    assert [(r["severity"], r["file"], r["message"]) for r in left_out] == [
        (
            "warning",
            "2023-07.xlsx",
            "Báo cáo có kỳ 31/07/2023, sau ngày đánh giá --as-of 30/06/2023, nên không được tính.",
        ),
        (
            "warning",
            "BC giai ngan T8-2023.xlsx",
            "Báo cáo có kỳ 31/08/2023, sau ngày đánh giá --as-of 30/06/2023, nên không được tính.",
        ),
        (
            "warning",
            SEPTEMBER,
            "Báo cáo có kỳ 30/09/2023, sau ngày đánh giá --as-of 30/06/2023, nên không được tính.",
        ),
    ]
    assert {r["period"] for r in _rows(out / "summary.csv")} <= {
        "2023-01-31",
        "2023-02-28",
        "2023-03-31",
        "2023-04-30",
        "2023-05-31",
        "2023-06-30",
    }


def test_as_of_months_after_the_latest_report_warns() -> None:
    code, stdout, _ = _run("check", str(WORKBOOKS), "--as-of", "2024-03-31", "--lang", "en")
    assert code == 0
    assert (
        "-: Warning [as_of_after_reports] The evaluation date --as-of 2024-03-31 is 183 days after the latest "
        "report (2023-09-30): the keys are judged at 2024-03-31 on figures up to 2023-09-30. Check the date, "
        "or add the later months' reports."
    ) in stdout.splitlines()


@pytest.mark.parametrize("as_of", ["2023-09-30", "2023-10-31"])
def test_as_of_at_or_soon_after_the_latest_report_is_quiet(as_of: str) -> None:
    code, stdout, _ = _run("check", str(WORKBOOKS), "--as-of", as_of)
    assert code == 0 and "as_of_" not in stdout


# ---- item 8: stale annotated copies ----------------------------------------------------------------


def test_copies_of_deleted_or_renamed_inputs_are_removed_and_nothing_else(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (inputs / "sub").mkdir()
    shutil.move(inputs / "2023-07.xlsx", inputs / "sub" / "2023-07.xlsx")
    assert _run("run", str(inputs), "--out", str(out))[0] == 0
    annotated = out / "annotated"
    assert (annotated / MARCH).is_file() and (annotated / "sub" / "2023-07.xlsx").is_file()
    (annotated / "ghi-chu-cua-toi.xlsx").write_bytes(b"the accountant's own file")
    (out / "bao-cao-gui-so.docx").write_bytes(b"another file of hers")
    edited = annotated / "BC giai ngan T1-2023.xlsx"
    edited.write_bytes(edited.read_bytes() + b" ")  # she changed this copy: it is hers now
    (inputs / MARCH).rename(inputs / "T3-2023.xlsx")
    (inputs / "sub" / "2023-07.xlsx").unlink()
    (inputs / "BC giai ngan T1-2023.xlsx").unlink()
    code, _, err = _run("run", str(inputs), "--out", str(out))
    assert code == 0, err
    names = sorted(p.relative_to(annotated).as_posix() for p in annotated.rglob("*"))
    assert MARCH not in names and "T3-2023.xlsx" in names
    assert not (annotated / "sub").exists()  # emptied by the tool, removed
    assert (annotated / "ghi-chu-cua-toi.xlsx").read_bytes() == b"the accountant's own file"
    assert edited.is_file()
    assert (out / "bao-cao-gui-so.docx").is_file()
    # --no-annotate leaves the copies alone.
    (inputs / "T3-2023.xlsx").unlink()
    assert _run("run", str(inputs), "--out", str(out), "--no-annotate")[0] == 0
    assert (annotated / "T3-2023.xlsx").is_file()


def test_a_damaged_manifest_removes_nothing(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run("run", str(inputs), "--out", str(out))[0] == 0
    (out / ".reconcile-manifest.json").write_text('{"annotated": {"../../in/2023-03.xlsx": [1, 2]}', "utf-8")
    (inputs / MARCH).unlink()
    assert _run("run", str(inputs), "--out", str(out))[0] == 0
    assert (out / "annotated" / MARCH).is_file()  # unknown to the manifest: left alone


# ---- item 10: click's own words in Vietnamese -------------------------------------------------------


def test_click_errors_are_in_vietnamese_by_default_and_english_on_request() -> None:
    code, _, err = _run("run", "--khong-co")
    assert code == 2
    assert err.splitlines() == [
        "Cách dùng: cli run [TÙY_CHỌN] [THƯ_MỤC | TỆP...]",
        "Gõ 'cli run --help' để xem hướng dẫn.",
        "",
        "Lỗi: Không có tùy chọn '--khong-co'.",
    ]
    code, _, err = _run("run", "--lang", "en", "--khong-co")
    assert err.splitlines()[-1] == "Error: No such option '--khong-co'."
    assert err.splitlines()[0] == "Usage: cli run [OPTIONS] [FOLDER | FILE...]"
    code, _, err = _run("check", "--lang", "xx")
    assert "Lỗi: Giá trị không hợp lệ cho '--lang': 'xx' không thuộc 'vi', 'en'." in err
    code, _, err = _run("khong-co")
    assert "Lỗi: Không có lệnh 'khong-co'." in err
    code, _, err = _run("run", "--out")
    assert "Lỗi: Tùy chọn '--out' cần một giá trị." in err


def test_help_is_whole_and_in_the_language_asked() -> None:
    code, stdout, _ = _run("--help")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == "Cách dùng: cli [TÙY_CHỌN] LỆNH [THAM_SỐ]..."
    assert "  check     Chỉ đọc và kiểm tra, in các cảnh báo." in lines
    assert "  run       Đọc, đối chiếu và ghi kết quả." in lines
    assert "  template  Tạo biểu mẫu nhập liệu (Layout B)." in lines
    assert "  -h, --help      Hiện hướng dẫn này rồi thoát." in lines
    assert not [line for line in lines if line.rstrip().endswith("...") and "LỆNH" not in line]
    code, stdout, _ = _run("--lang", "en", "--help")
    assert "  run       Read, reconcile and write the outputs." in stdout.splitlines()
    code, stdout, _ = _run("--version")
    assert stdout.startswith("reconcile, phiên bản ")


def test_group_lang_reaches_the_command(tmp_path: Path) -> None:
    code, stdout, _ = _run("--lang", "en", "check", str(WORKBOOKS))
    assert code == 0 and stdout.splitlines()[-1].startswith("Checked 9 files")
