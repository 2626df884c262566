"""The command line through click's CliRunner and a real subprocess: exit codes, exact messages, outputs."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconcile import __version__
from reconcile.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_version() -> None:
    code, out, _ = _run("--version")
    assert code == 0
    assert __version__ in out


@pytest.mark.parametrize("command", ["run", "check", "template"])
def test_every_command_has_help(command: str) -> None:
    code, out, _ = _run(command, "--help", "--lang", "en")
    assert code == 0
    assert "Usage:" in out
    # Every option is explained (no bare option lines).
    assert out.count("--") >= 2
    # Vietnamese (the default) has click's words translated too.
    code, out, _ = _run(command, "--help")
    assert code == 0
    assert out.startswith("Cách dùng: ") and f" {command} [TÙY_CHỌN]" in out.splitlines()[0]
    assert "Usage" not in out and "Show this message" not in out
    assert out.count("--") >= 2


def test_help_does_not_import_pandas() -> None:
    """Start-up stays fast: --help and --version never import pandas."""
    # main() ends the process with os._exit: look at the modules just before it does.
    code = (
        "import os, sys; from reconcile.cli import main; sys.argv=['reconcile', sys.argv[1]]\n"
        "real = os._exit\n"
        "def report(code): print('pandas' in sys.modules, code); sys.stdout.flush(); real(code)\n"
        "os._exit = report\n"
        "main()"
    )
    for flag in ("--help", "--version"):
        run = subprocess.run([sys.executable, "-c", code, flag], capture_output=True, text=True, check=True)
        assert run.stdout.strip().endswith("False 0")


@pytest.mark.parametrize(("given", "expected"), [(None, "0"), ("1", "1")])
def test_numpy_huge_pages_are_off_unless_the_user_chose(given: str | None, expected: str) -> None:
    """main() asks NumPy (before its import) not to madvise huge pages, leaving a user's own choice."""
    import os

    code = (
        "import os, sys; from reconcile.cli import main; sys.argv=['reconcile', 'run', sys.argv[1]]\n"
        "real = os._exit\n"
        "def report(code):\n"
        "    print(os.environ.get('NUMPY_MADVISE_HUGEPAGE')); sys.stdout.flush()\n"
        "    real(code)\n"
        "os._exit = report\n"
        "main()"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if given is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = given
    missing = str(Path(__file__).parent / "no such folder")
    run = subprocess.run([sys.executable, "-c", code, missing], capture_output=True, text=True, env=env)
    assert run.stdout.split() == [expected]


def test_main_exits_with_the_commands_code_and_message(tmp_path: Path) -> None:
    """The console entry point skips interpreter teardown but keeps exit codes and messages."""
    ok = subprocess.run(
        [
            sys.executable,
            "-c",
            "from reconcile.cli import main; main()",
            "run",
            str(ROOT / "workbooks"),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (
        ok.returncode == 0 and "Kết quả" in ok.stdout and (tmp_path / "out" / "line_items.csv").stat().st_size
    )
    bad = subprocess.run(
        [sys.executable, "-c", "from reconcile.cli import main; main()", "check", str(tmp_path / "khong-co")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert bad.returncode == 2 and "khong-co" in bad.stderr and "Traceback" not in bad.stderr


def test_missing_folder_exit_2(tmp_path: Path) -> None:
    code, _, err = _run("check", str(tmp_path / "khong-co"))
    assert code == 2
    assert err.strip() == (
        f"Không tìm thấy thư mục {tmp_path / 'khong-co'}. Tạo thư mục và đặt các tệp báo cáo vào đó, hoặc chỉ đúng đường dẫn."
    )


def test_empty_folder_exit_2_both_languages(tmp_path: Path) -> None:
    code, _, err = _run("run", str(tmp_path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.strip() == (
        f"Thư mục {tmp_path} không có tệp bảng tính nào (.xlsx, .xlsm, .xls, .ods, .csv). Đặt các tệp báo cáo vào đó rồi chạy lại."
    )
    code, _, err = _run("check", str(tmp_path), "--lang", "en")
    assert code == 2
    assert (
        err.strip()
        == f"Folder {tmp_path} holds no spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv). Put the reports in it and run again."
    )


def test_bad_as_of_and_target(tmp_path: Path, examples_dir: Path) -> None:
    code, _, err = _run("check", str(examples_dir / "layout_b_single"), "--as-of", "31/13/2023")
    assert code == 2
    assert err.strip() == 'Ngày "31/13/2023" không hợp lệ; dùng dạng 2023-09-30 hoặc 30/9/2023.'
    code, _, err = _run("check", str(examples_dir / "layout_b_single"), "--target", "abc", "--lang", "en")
    assert code == 2
    assert 'Target "abc" is not valid' in err


def test_check_prints_one_line_per_finding(examples_dir: Path) -> None:
    code, out, _ = _run("check", str(examples_dir / "messy_text_numbers"))
    assert code == 0
    lines = [line for line in out.splitlines() if "[total_mismatch]" in line]
    assert lines == [
        "Bao cao giai ngan thang 8 nam 2023.xlsx | T8!D11: Lỗi [total_mismatch] DA 3: Hỗ trợ phát triển sản xuất, "
        "cải thiện dinh dưỡng ghi 6.100,4 nhưng tổng các dòng con là 6.000,4 (chênh 100). "
        "Kiểm tra lại dòng tổng hoặc các dòng con."
    ]


def test_strict_exits_1_on_errors(examples_dir: Path) -> None:
    code, _, _ = _run("check", str(examples_dir / "messy_text_numbers"), "--strict")
    assert code == 1
    code, _, _ = _run("check", str(examples_dir / "layout_b_single"), "--strict")
    assert code == 0


def test_nothing_readable_exit_2(tmp_path: Path) -> None:
    (tmp_path / "hong.xlsx").write_bytes(b"this is not a workbook at all")
    code, out, err = _run("check", str(tmp_path))
    assert code == 2
    assert out.splitlines()[0].startswith("hong.xlsx: Lỗi [unreadable_file] Không đọc được tệp:")
    assert err.strip() == f"Không đọc được số liệu nào từ {tmp_path}; xem các cảnh báo ở trên."


def test_run_writes_every_output(tmp_path: Path, examples_dir: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(examples_dir / "layout_a_monthly", src)
    out = tmp_path / "out"
    code, stdout, err = _run("run", str(src), "--out", str(out))
    assert code == 0, err
    assert "Đã đọc 3 tệp" in stdout
    for name in ("reconciliation.xlsx", "summary.csv", "findings.csv", "line_items.csv"):
        assert (out / name).is_file(), name
    assert sorted(p.name for p in (out / "annotated").iterdir()) == [
        "2023-07.xlsx",
        "2023-08.xlsx",
        "2023-09.xlsx",
    ]
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "unit",
        "budget_year",
        "execution_year",
        "project",
        "sub_project",
        "source",
        "period",
        "allocated",
        "disbursed",
        "rate",
        "shortfall",
        "status",
        "programme",
        "project_code",
        "project_name",
    ]
    # The example's title names the GNBV programme; its items carry the catalogue's names.
    assert {r["programme"] for r in rows} == {"GNBV"}
    assert {r["project_code"] for r in rows} == {""}
    assert "Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo" in {r["project_name"] for r in rows}
    latest = [r for r in rows if r["period"] == "2023-09-30"]
    assert len(latest) == 6
    row = next(r for r in latest if r["project"] == "3" and r["sub_project"] == "2")
    assert row == {
        "unit": "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN",
        "budget_year": "2023",
        "execution_year": "2023",
        "project": "3",
        "sub_project": "2",
        "source": "NSTW",
        "period": "2023-09-30",
        "allocated": "780",
        "disbursed": "210.6",
        "rate": "0.27",
        "shortfall": "569.4",
        "status": "behind",
        "programme": "GNBV",
        "project_code": "",
        "project_name": "Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng",
    }
    project2 = next(r for r in latest if r["project"] == "2" and r["source"] == "NSTW")
    assert project2["sub_project"] == ""


def test_run_twice_gives_identical_csvs(tmp_path: Path, examples_dir: Path) -> None:
    outs = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        code, _, err = _run("run", str(examples_dir / "layout_a_monthly"), "--out", str(out), "--no-annotate")
        assert code == 0, err
        outs.append(out)
    for name in ("summary.csv", "findings.csv", "line_items.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_inputs_never_modified(tmp_path: Path, examples_dir: Path) -> None:
    import hashlib

    src = tmp_path / "in"
    shutil.copytree(examples_dir / "messy_text_numbers", src)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in src.iterdir()}
    code, _, err = _run("run", str(src), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()} == before
    assert {p.name: p.stat().st_mtime_ns for p in src.iterdir()} == mtimes


def test_installed_command_runs_in_subprocess(tmp_path: Path, examples_dir: Path) -> None:
    """The real entry point, as an accountant runs it (python -m keeps it independent of PATH)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reconcile.cli",
            "check",
            str(examples_dir / "layout_b_single"),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Checked 1 files, 5 line items, 5 keys: 0 errors, 0 warnings, 0 for information." in proc.stdout
    assert "Traceback" not in proc.stderr


def test_bad_config_names_file_and_line(tmp_path: Path, examples_dir: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(examples_dir / "layout_b_single", src)
    (src / "reconcile.toml").write_text('target = 90\ndeadline = "31/01"\npace = [1, 2\n', encoding="utf-8")
    code, _, err = _run("check", str(src))
    assert code == 2
    assert err.startswith(f"Tệp cấu hình {src / 'reconcile.toml'} có lỗi ở dòng 3:")
    assert "Traceback" not in err


def test_config_target_and_deadline_apply(tmp_path: Path, examples_dir: Path) -> None:
    """reconcile.toml's target (90%) and deadline (31/01 next year) reach the statuses and the CSV."""
    src = tmp_path / "in"
    shutil.copytree(examples_dir / "layout_b_single", src)
    (src / "reconcile.toml").write_text('target = 90\ndeadline = "31/01"\n', encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = _run("run", str(src), "--out", str(out), "--no-annotate")
    assert code == 0, err
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = {
            (r["budget_year"], r["project"], r["sub_project"], r["source"]): r for r in csv.DictReader(fh)
        }
    # 58.5 of 64 is 91.4%: met against a 90% target, shortfall 0.
    assert rows[("2022", "3", "2", "NSDP")]["status"] == "met"
    assert rows[("2022", "3", "2", "NSDP")]["shortfall"] == "0"
    # 920 of 1850 with a 90% target leaves 1665 - 920 = 745 short.
    assert rows[("2023", "3", "2", "NSTW")]["shortfall"] == "745"


def test_locked_output_is_named_and_rename_mode_writes_beside_it(
    tmp_path: Path, examples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel on Windows holds its file open: the rename onto it fails with PermissionError."""
    import os

    real_replace = os.replace
    out = tmp_path / "out"

    def locked(src: str, dst: str) -> None:
        if Path(dst).name == "reconciliation.xlsx":
            raise PermissionError(13, "The process cannot access the file")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked)
    code, _, err = _run("run", str(examples_dir / "layout_b_single"), "--out", str(out), "--no-annotate")
    assert code == 2
    assert err.strip() == (
        f"Tệp {out / 'reconciliation.xlsx'} đang mở trong Excel: đóng tệp trong Excel rồi chạy lại "
        "(hoặc dùng --on-locked rename)."
    )
    code, _, err = _run(
        "run",
        str(examples_dir / "layout_b_single"),
        "--out",
        str(out),
        "--no-annotate",
        "--on-locked",
        "rename",
    )
    assert code == 0, err
    assert (out / "reconciliation (2).xlsx").is_file()


def test_bad_config_value_is_explained_in_the_users_language(tmp_path: Path, examples_dir: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(examples_dir / "layout_b_single", src)
    (src / "reconcile.toml").write_text("# muc tieu\ntarget = 150\n", encoding="utf-8")
    code, _, err = _run("check", str(src), "--lang", "en")
    assert code == 2
    assert err.strip() == (
        f"The settings file {src / 'reconcile.toml'} has an error at line 2: "
        "target must be a percentage from 1 to 100. Fix it and run again."
    )
