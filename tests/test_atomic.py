"""Atomic output writing: whole files or nothing, and plain words when the target is locked or the disk is full."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from reconcile.errors import OutputError
from reconcile.writers import atomic
from reconcile.writers.atomic import atomic_write, ensure_output_dir

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~reconcile-"))


def _write_text(text: str):  # type: ignore[no-untyped-def]
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_success_writes_the_target_and_leaves_no_temp(tmp_path: Path) -> None:
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_text("unit,budget_year\n", encoding="utf-8")

    target = tmp_path / "summary.csv"
    assert atomic_write(target, write) == target
    assert target.read_text(encoding="utf-8") == "unit,budget_year\n"
    assert _temps(tmp_path) == []
    # The temp file sat beside the target (an atomic rename) and kept its suffix for the writers.
    assert seen[0].parent == tmp_path
    assert seen[0].name.startswith(".~reconcile-") and seen[0].name.endswith(".tmp.csv")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = atomic_write(tmp_path / "findings.csv", _write_text("x"))
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_replacing_keeps_the_permissions(tmp_path: Path) -> None:
    target = tmp_path / "findings.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write(target, _write_text("new"))
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_real_workbook_through_xlsxwriter(tmp_path: Path) -> None:
    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        book.add_worksheet("Tổng hợp").write_string(0, 0, "=1+1")
        book.close()

    target = atomic_write(tmp_path / "reconciliation.xlsx", write)
    ws = openpyxl.load_workbook(target)["Tổng hợp"]
    assert ws["A1"].value == "=1+1" and ws["A1"].data_type == "s"


def test_exception_inside_write_keeps_the_old_target(tmp_path: Path) -> None:
    target = tmp_path / "reconciliation.xlsx"
    target.write_bytes(b"old workbook")

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half a work")
        raise ValueError("writer bug")

    with pytest.raises(ValueError, match="writer bug"):
        atomic_write(target, write)
    assert target.read_bytes() == b"old workbook"
    assert _temps(tmp_path) == []


def test_ctrl_c_inside_write_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "summary.csv"

    def write(tmp: Path) -> None:
        tmp.write_text("partial", encoding="utf-8")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, write)
    assert not target.exists()
    assert _temps(tmp_path) == []


def _lock(monkeypatch: pytest.MonkeyPatch, locked: set[str]) -> list[str]:
    """Make os.replace fail as Windows does on a file open in Excel; returns the names tried."""
    tried: list[str] = []
    real_replace = os.replace

    def replace(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        name = Path(dst).name
        tried.append(name)
        if name in locked:
            raise PermissionError(errno.EACCES, "Access is denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    return tried


def test_locked_target_fails_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "reconciliation.xlsx"
    target.write_bytes(b"open in Excel")
    _lock(monkeypatch, {"reconciliation.xlsx"})
    with pytest.raises(OutputError) as info:
        atomic_write(target, _write_text("new"))
    err = info.value
    assert err.key == "cli.output_locked"
    assert err.message("vi") == (
        f"Tệp {target} đang mở trong Excel: đóng tệp trong Excel rồi chạy lại (hoặc dùng --on-locked rename)."
    )
    assert err.message("en") == (
        f"{target} is open in Excel: close the file in Excel and run again (or use --on-locked rename)."
    )
    assert target.read_bytes() == b"open in Excel"
    assert _temps(tmp_path) == []


def test_rename_mode_writes_the_next_free_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "reconciliation.xlsx"
    target.write_bytes(b"open in Excel")
    tried = _lock(monkeypatch, {"reconciliation.xlsx"})
    written = atomic_write(target, _write_text("new"), on_locked="rename")
    assert written == tmp_path / "reconciliation (2).xlsx"
    assert written.read_text(encoding="utf-8") == "new"
    assert target.read_bytes() == b"open in Excel"
    assert tried == ["reconciliation.xlsx", "reconciliation (2).xlsx"]
    assert _temps(tmp_path) == []


def test_rename_mode_skips_every_locked_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "reconciliation (3).xlsx").write_text("closed, from an earlier run", encoding="utf-8")
    _lock(monkeypatch, {"reconciliation.xlsx", "reconciliation (2).xlsx"})
    written = atomic_write(tmp_path / "reconciliation.xlsx", _write_text("new"), on_locked="rename")
    assert written.name == "reconciliation (3).xlsx"
    assert written.read_text(encoding="utf-8") == "new"


def test_rename_mode_gives_up_when_all_are_locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "MAX_RENAMES", 3)
    names = {"summary.csv"} | {f"summary ({n}).csv" for n in range(2, 5)}
    tried = _lock(monkeypatch, names)
    with pytest.raises(OutputError) as info:
        atomic_write(tmp_path / "summary.csv", _write_text("x"), on_locked="rename")
    assert info.value.key == "cli.output_locked"
    assert info.value.params == {"file": str(tmp_path / "summary.csv")}
    assert tried == ["summary.csv", "summary (2).csv", "summary (3).csv", "summary (4).csv"]
    assert _temps(tmp_path) == []


def test_bad_on_locked_value(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        atomic_write(tmp_path / "x.csv", _write_text("x"), on_locked="overwrite")


def _readonly_message_check(err: OutputError, folder: Path) -> None:
    assert err.key == "cli.output_readonly"
    assert err.params == {"folder": str(folder)}
    assert err.message("vi") == (
        f"Không ghi được vào thư mục kết quả {folder} (không có quyền ghi). Chọn thư mục khác bằng --out."
    )
    assert (
        err.message("en")
        == f"Cannot write to the output folder {folder} (no permission). Choose another with --out."
    )


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root writes into read-only folders")
def test_read_only_folder_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError) as info:
            atomic_write(folder / "summary.csv", _write_text("x"))
    finally:
        folder.chmod(0o755)
    _readonly_message_check(info.value, folder)


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.EPERM])
def test_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(atomic.os, "open", refuse)
    with pytest.raises(OutputError) as info:
        atomic_write(tmp_path / "summary.csv", _write_text("x"))
    _readonly_message_check(info.value, tmp_path)


def test_disk_full_while_writing(tmp_path: Path) -> None:
    target = tmp_path / "line_items.csv"
    target.write_text("previous run", encoding="utf-8")

    def write(tmp: Path) -> None:
        tmp.write_text("a,b\n", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError) as info:
        atomic_write(target, write)
    err = info.value
    assert err.key == "cli.output_failed"
    assert err.message("vi") == (
        f"Không ghi được {target}: No space left on device. Kiểm tra dung lượng đĩa và quyền ghi rồi chạy lại."
    )
    assert err.message("en") == (
        f"Could not write {target}: No space left on device. Check the disk space and permissions and run again."
    )
    assert target.read_text(encoding="utf-8") == "previous run"
    assert _temps(tmp_path) == []


def test_disk_full_wrapped_by_xlsxwriter(tmp_path: Path) -> None:
    def write(tmp: Path) -> None:
        raise FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    with pytest.raises(OutputError) as info:
        atomic_write(tmp_path / "reconciliation.xlsx", write)
    assert info.value.key == "cli.output_failed"
    assert info.value.params["detail"] == "No space left on device"


def test_disk_full_creating_the_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(path: object, flags: int, mode: int = 0o777) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(atomic.os, "open", full)
    with pytest.raises(OutputError) as info:
        atomic_write(tmp_path / "summary.csv", _write_text("x"))
    assert info.value.key == "cli.output_failed"
    assert info.value.params == {"file": str(tmp_path / "summary.csv"), "detail": "No space left on device"}


def test_other_rename_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OutputError) as info:
        atomic_write(tmp_path / "summary.csv", _write_text("x"))
    assert info.value.key == "cli.output_failed"
    assert info.value.params["detail"] == "Input/output error"
    assert _temps(tmp_path) == []


def test_bug_near_an_os_error_is_not_disguised(tmp_path: Path) -> None:
    # An OSError merely in the context (not the cause) of a bug must not turn it into "disk full".
    def write(tmp: Path) -> None:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError:
            raise KeyError("column") from None

    with pytest.raises(KeyError):
        atomic_write(tmp_path / "summary.csv", write)


# ---- ensure_output_dir -------------------------------------------------------------------------


def test_ensure_creates_nested_folders(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "output"
    ensure_output_dir(out, [])
    assert out.is_dir()
    assert list(out.iterdir()) == []  # the write probe is gone
    ensure_output_dir(out, [])  # existing is fine


def test_output_inside_the_input_folder_is_allowed(tmp_path: Path) -> None:
    source = tmp_path / "2023-09.xlsx"
    source.write_bytes(b"x")
    ensure_output_dir(tmp_path / "output", [source])
    assert (tmp_path / "output").is_dir()


def test_output_folder_that_is_an_input_file(tmp_path: Path) -> None:
    source = tmp_path / "2023-09.xlsx"
    source.write_bytes(b"x")
    with pytest.raises(OutputError) as info:
        ensure_output_dir(source, [source])
    assert info.value.key == "cli.output_inside_input"
    assert info.value.message("en") == (
        f"The output folder {source} would overwrite an input; choose another with --out."
    )
    assert source.read_bytes() == b"x"


def test_input_where_an_output_is_written(tmp_path: Path) -> None:
    source = tmp_path / "summary.csv"
    source.write_text("an accountant's own summary", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        ensure_output_dir(tmp_path, [source])
    assert info.value.key == "cli.output_inside_input"
    assert info.value.params == {"folder": str(tmp_path)}


def test_input_inside_the_annotated_folder(tmp_path: Path) -> None:
    source = tmp_path / "out" / "annotated" / "2023" / "2023-09.xlsx"
    source.parent.mkdir(parents=True)
    source.write_bytes(b"x")
    with pytest.raises(OutputError) as info:
        ensure_output_dir(tmp_path / "out", [tmp_path / "elsewhere.xlsx", source])
    assert info.value.key == "cli.output_inside_input"


def test_input_reached_through_a_link(tmp_path: Path) -> None:
    real = tmp_path / "data" / "findings.csv"
    real.parent.mkdir()
    real.write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    try:
        os.symlink(real, out / "findings.csv")
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")
    with pytest.raises(OutputError) as info:
        ensure_output_dir(out, [real])
    assert info.value.key == "cli.output_inside_input"


def test_output_path_taken_by_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "output"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        ensure_output_dir(blocker, [])
    assert info.value.key == "cli.output_failed"


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_ensure_cannot_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(OutputError) as info:
        ensure_output_dir(tmp_path / "output", [])
    _readonly_message_check(info.value, tmp_path / "output")


def test_ensure_cannot_write_into_existing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(atomic.os, "open", refuse)
    with pytest.raises(OutputError) as info:
        ensure_output_dir(tmp_path, [])
    _readonly_message_check(info.value, tmp_path)


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root writes into read-only folders")
def test_ensure_read_only_for_real(tmp_path: Path) -> None:
    tmp_path.joinpath("ro").mkdir()
    ro = tmp_path / "ro"
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputError) as info:
            ensure_output_dir(ro / "output", [])
        with pytest.raises(OutputError) as info2:
            ensure_output_dir(ro, [])
    finally:
        ro.chmod(0o755)
    _readonly_message_check(info.value, ro / "output")
    _readonly_message_check(info2.value, ro)
