"""File discovery: which files are read, in what order, and what is said about the rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconcile.errors import UsageError
from reconcile.find import discover as discover_module
from reconcile.find.discover import Discovered, discover, is_output_folder, is_output_name
from reconcile.messages import finding_message
from tests import hostile


def _touch(root: Path, rel: str, data: bytes = b"x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _rels(found: Discovered, root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in found.files]


def _skips(found: Discovered) -> set[tuple[str | None, str]]:
    return {(f.file, f.params["reason_key"]) for f in found.findings}


def _symlink(link: Path, target: Path, directory: bool = False) -> None:
    try:
        os.symlink(target, link, target_is_directory=directory)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """An input folder as accountants leave it.

    Read: ``2023-09.xlsx``, ``B.xlsx``, ``a.xlsx``, ``Báo cáo tháng 9 (sửa).xlsm``, ``sub/X.XLSX``,
    ``sub/deeper/y.csv``, ``sub/old.xls``, ``sub/calc.ods``, ``summary.csv`` (alone: an accountant's file).
    Skipped with a finding: ``~$a.xlsx`` and ``.~lock.a.xlsx#`` (lock files), ``._a.xlsx`` (macOS),
    ``.hidden.xlsx``, the ``.git`` folder, ``report.pdf``, ``book.xlsb`` (unsupported), the
    ``output`` folder (outputs only), a left-over temp file ``.~reconcile-1a2b.tmp.xlsx``.
    Skipped silently: ``Thumbs.db``, ``.DS_Store``, ``desktop.ini``, ``reconcile.toml``.
    """
    root = tmp_path / "workbooks"
    for rel in (
        "2023-09.xlsx",
        "B.xlsx",
        "a.xlsx",
        "Báo cáo tháng 9 (sửa).xlsm",
        "sub/X.XLSX",
        "sub/deeper/y.csv",
        "sub/old.xls",
        "sub/calc.ods",
        "summary.csv",
        "report.pdf",
        "book.xlsb",
        ".hidden.xlsx",
        ".git/config.xlsx",
        "Thumbs.db",
        ".DS_Store",
        "desktop.ini",
        "reconcile.toml",
        ".~reconcile-1a2b.tmp.xlsx",
        "output/reconciliation.xlsx",
        "output/summary.csv",
        "output/findings.csv",
        "output/line_items.csv",
        "output/annotated/a.xlsx",
    ):
        _touch(root, rel)
    hostile.write_excel_lock_file(root, "a.xlsx")
    hostile.write_libreoffice_lock_file(root, "a.xlsx")
    hostile.write_resource_fork(root, "a.xlsx")
    return root


def test_spreadsheets_in_sorted_relative_order(messy: Path) -> None:
    found = discover(messy)
    assert _rels(found, messy) == [
        "2023-09.xlsx",
        "B.xlsx",
        "Báo cáo tháng 9 (sửa).xlsm",
        "a.xlsx",
        "sub/X.XLSX",
        "sub/calc.ods",
        "sub/deeper/y.csv",
        "sub/old.xls",
        "summary.csv",
    ]
    assert all(p.is_file() for p in found.files)


def test_skipped_files_are_said(messy: Path) -> None:
    found = discover(messy)
    assert _skips(found) == {
        ("~$a.xlsx", "reason.lock_file"),
        (".~lock.a.xlsx#", "reason.lock_file"),
        ("._a.xlsx", "reason.resource_fork"),
        (".hidden.xlsx", "reason.hidden_file"),
        (".git", "reason.hidden_folder"),
        ("report.pdf", "reason.not_spreadsheet"),
        ("book.xlsb", "reason.unsupported_spreadsheet"),
        (".~reconcile-1a2b.tmp.xlsx", "reason.own_output"),
        ("output", "reason.output_folder"),
    }
    assert all(f.code == "skipped_file" and f.level == "info" for f in found.findings)
    # Deterministic order, by file.
    assert [f.file for f in found.findings] == sorted(f.file or "" for f in found.findings)


def test_skip_messages_in_both_languages(messy: Path) -> None:
    by_file = {f.file: f for f in discover(messy).findings}
    lock = by_file["~$a.xlsx"]
    assert (
        finding_message(lock.code, lock.params, "vi")
        == "Bỏ qua tệp: tệp khóa tạm của Excel/LibreOffice (tệp đang mở)"
    )
    assert (
        finding_message(lock.code, lock.params, "en")
        == "File skipped: an Excel/LibreOffice lock file (the file is open)"
    )
    xlsb = by_file["book.xlsb"]
    assert finding_message(xlsb.code, xlsb.params, "vi") == (
        "Bỏ qua tệp: định dạng .xlsb chưa được hỗ trợ; mở trong Excel và lưu lại dạng .xlsx"
    )
    assert finding_message(xlsb.code, xlsb.params, "en") == (
        "File skipped: the .xlsb format is not supported; open it in Excel and save it as .xlsx"
    )
    out = by_file["output"]
    assert finding_message(out.code, out.params, "en") == (
        "File skipped: this tool's own output folder; the files in it are not read"
    )


def test_os_clutter_is_silent(messy: Path) -> None:
    files = {f.file for f in discover(messy).findings}
    assert not files & {"Thumbs.db", ".DS_Store", "desktop.ini", "reconcile.toml"}


def test_outputs_beside_inputs_are_skipped_one_by_one(tmp_path: Path) -> None:
    # `reconcile run . --out .`: the input folder is the output folder.
    for rel in (
        "2023-09.xlsx",
        "reconciliation.xlsx",
        "reconciliation (2).xlsx",
        "summary.csv",
        "findings.csv",
        "line_items.csv",
        "annotated/2023-09.xlsx",
    ):
        _touch(tmp_path, rel)
    found = discover(tmp_path)
    assert _rels(found, tmp_path) == ["2023-09.xlsx"]
    assert _skips(found) == {
        ("reconciliation.xlsx", "reason.own_output"),
        ("reconciliation (2).xlsx", "reason.own_output"),
        ("summary.csv", "reason.own_output"),
        ("findings.csv", "reason.own_output"),
        ("line_items.csv", "reason.own_output"),
        ("annotated", "reason.output_folder"),
    }


def test_output_folder_holding_an_input_skips_only_the_outputs(tmp_path: Path) -> None:
    for rel in ("2023/summary.csv", "2023/findings.csv", "2023/2023-09.xlsx", "2023/annotated/2023-09.xlsx"):
        _touch(tmp_path, rel)
    found = discover(tmp_path)
    assert _rels(found, tmp_path) == ["2023/2023-09.xlsx"]
    assert _skips(found) == {
        ("2023/summary.csv", "reason.own_output"),
        ("2023/findings.csv", "reason.own_output"),
        ("2023/annotated", "reason.output_folder"),
    }


def test_annotated_folder_outside_an_output_folder_is_read(tmp_path: Path) -> None:
    _touch(tmp_path, "annotated/2023-09.xlsx")
    assert _rels(discover(tmp_path), tmp_path) == ["annotated/2023-09.xlsx"]


def test_lone_summary_csv_is_an_input(tmp_path: Path) -> None:
    _touch(tmp_path, "summary.csv")
    _touch(tmp_path, "line_items.csv")
    assert _rels(discover(tmp_path), tmp_path) == ["line_items.csv", "summary.csv"]


def test_output_name_recognition() -> None:
    assert is_output_name("reconciliation.xlsx")
    assert is_output_name("reconciliation (12).xlsx")
    assert is_output_name("Summary.CSV")
    assert not is_output_name("reconciliation 2023.xlsx")
    assert not is_output_name("summary (x).csv")
    assert is_output_folder(["reconciliation (2).xlsx"])
    assert is_output_folder(["summary.csv", "findings.csv"])
    assert not is_output_folder(["summary.csv", "2023-09.xlsx"])


def test_exclude_skips_an_output_folder_inside_the_input(tmp_path: Path) -> None:
    _touch(tmp_path, "2023-09.xlsx")
    _touch(tmp_path, "ket-qua/anything.xlsx")
    (tmp_path / "empty-out").mkdir()
    found = discover(tmp_path, exclude=[tmp_path / "ket-qua", tmp_path / "empty-out", tmp_path / "not-yet"])
    assert _rels(found, tmp_path) == ["2023-09.xlsx"]
    # An empty excluded folder (a first run) is not worth a line.
    assert _skips(found) == {("ket-qua", "reason.output_folder")}


def test_exclude_of_a_single_file(tmp_path: Path) -> None:
    _touch(tmp_path, "2023-09.xlsx")
    _touch(tmp_path, "mine.xlsx")
    found = discover(tmp_path, exclude=[tmp_path / "mine.xlsx"])
    assert _rels(found, tmp_path) == ["2023-09.xlsx"]
    assert _skips(found) == {("mine.xlsx", "reason.own_output")}


def test_exclude_that_holds_the_input_folder_is_ignored(tmp_path: Path) -> None:
    _touch(tmp_path, "in/2023-09.xlsx")
    found = discover(tmp_path / "in", exclude=[tmp_path, tmp_path / "in"])
    assert _rels(found, tmp_path / "in") == ["2023-09.xlsx"]
    assert found.findings == []


def test_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    names = ["b/2.xlsx", "a.xlsx", "b-c.xlsx", "b/1.xlsx", "A.xlsx", "a/z.csv"]
    first, second = tmp_path / "one", tmp_path / "two"
    for n in names:
        _touch(first, n)
    for n in reversed(names):
        _touch(second, n)
    expected = ["A.xlsx", "a.xlsx", "a/z.csv", "b-c.xlsx", "b/1.xlsx", "b/2.xlsx"]
    assert _rels(discover(first), first) == expected
    assert _rels(discover(second), second) == expected


def test_empty_folder(tmp_path: Path) -> None:
    assert discover(tmp_path) == Discovered(files=[], findings=[])


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        discover(tmp_path / "workbooks")
    assert info.value.key == "cli.folder_missing"
    assert info.value.message("en") == (
        f"Folder {tmp_path / 'workbooks'} does not exist. Create it and put the reports in it, or give the right path."
    )


def test_file_links_are_followed(tmp_path: Path) -> None:
    elsewhere = _touch(tmp_path, "elsewhere/real.xlsx")
    root = tmp_path / "in"
    root.mkdir()
    _symlink(root / "linked.xlsx", elsewhere)
    found = discover(root)
    assert found.files == [root / "linked.xlsx"]
    assert found.findings == []


def test_two_links_to_one_file_are_read_once(tmp_path: Path) -> None:
    real = _touch(tmp_path, "a.xlsx")
    _symlink(tmp_path / "b.xlsx", real)
    found = discover(tmp_path)
    assert _rels(found, tmp_path) == ["a.xlsx"]
    assert _skips(found) == {("b.xlsx", "reason.same_file")}
    assert found.findings[0].params["other"] == "a.xlsx"
    assert finding_message("skipped_file", found.findings[0].params, "en") == (
        "File skipped: the same file as a.xlsx (through a link); read once"
    )


def test_folder_link_loop_ends(tmp_path: Path) -> None:
    _touch(tmp_path, "sub/a.xlsx")
    _symlink(tmp_path / "sub" / "loop", tmp_path, directory=True)
    found = discover(tmp_path)
    assert _rels(found, tmp_path) == ["sub/a.xlsx"]
    assert _skips(found) == {("sub/loop", "reason.link_loop")}


def test_folder_link_reported_not_its_target(tmp_path: Path) -> None:
    # "a-link" sorts before "z": the real folder must still be the one read.
    _touch(tmp_path, "z/2023-09.xlsx")
    _symlink(tmp_path / "a-link", tmp_path / "z", directory=True)
    found = discover(tmp_path)
    assert _rels(found, tmp_path) == ["z/2023-09.xlsx"]
    assert _skips(found) == {("a-link", "reason.link_loop")}


def test_folder_link_outside_is_walked(tmp_path: Path) -> None:
    _touch(tmp_path, "shared/2023-09.xlsx")
    root = tmp_path / "in"
    root.mkdir()
    _symlink(root / "from-shared", tmp_path / "shared", directory=True)
    assert _rels(discover(root), root) == ["from-shared/2023-09.xlsx"]


def test_broken_link(tmp_path: Path) -> None:
    _symlink(tmp_path / "gone.xlsx", tmp_path / "nowhere.xlsx")
    found = discover(tmp_path)
    assert found.files == []
    assert _skips(found) == {("gone.xlsx", "reason.broken_link")}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_not_listed(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.xlsx")
    found = discover(tmp_path)
    assert found.files == []
    assert _skips(found) == {("pipe.xlsx", "reason.not_regular")}


def test_unlistable_subfolder_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _touch(tmp_path, "a.xlsx")
    _touch(tmp_path, "locked/b.xlsx")
    _touch(tmp_path, "open/c.xlsx")
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(discover_module.os, "scandir", scandir)
    found = discover(tmp_path)
    assert _rels(found, tmp_path) == ["a.xlsx", "open/c.xlsx"]
    assert _skips(found) == {("locked", "reason.folder_unreadable")}
    message = finding_message("skipped_file", found.findings[0].params, "vi")
    assert message == (
        "Bỏ qua tệp: không mở được thư mục này (không có quyền hoặc thư mục bị hỏng); các tệp trong đó không được đọc"
    )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_unreadable_subfolder_for_real(tmp_path: Path) -> None:
    _touch(tmp_path, "a.xlsx")
    locked = tmp_path / "locked"
    _touch(tmp_path, "locked/b.xlsx")
    locked.chmod(0)
    try:
        found = discover(tmp_path)
    finally:
        locked.chmod(0o755)
    assert _rels(found, tmp_path) == ["a.xlsx"]
    assert _skips(found) == {("locked", "reason.folder_unreadable")}


def test_unreadable_root_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def scandir(path: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(discover_module.os, "scandir", scandir)
    found = discover(tmp_path)
    assert found.files == []
    assert _skips(found) == {(".", "reason.folder_unreadable")}


def test_hidden_folder_contents_are_not_listed(tmp_path: Path) -> None:
    _touch(tmp_path, ".backup/2023-09.xlsx")
    _touch(tmp_path, ".backup/deep/2023-08.xlsx")
    found = discover(tmp_path)
    assert found.files == []
    assert _skips(found) == {(".backup", "reason.hidden_folder")}


def _linked_tree(tmp_path: Path) -> Path:
    """Plain files, a folder link, file links (one to a file also read directly), an output folder
    named through a link to the root, and the root itself reached through a link."""
    real_root = tmp_path / "real-root"
    for rel in ("a.xlsx", "sub/b.xlsx", "sub/deeper/c.csv", "out/summary.csv", "out/findings.csv"):
        _touch(real_root, rel)
    _touch(tmp_path, "shared/d.xlsx")
    _symlink(real_root / "from-shared", tmp_path / "shared", directory=True)
    _symlink(real_root / "sub" / "again.xlsx", real_root / "a.xlsx")
    _symlink(real_root / "z-link.xlsx", tmp_path / "shared" / "d.xlsx")
    root = tmp_path / "root-link"
    _symlink(root, real_root, directory=True)
    return root


def test_real_paths_without_realpath_give_the_same_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _linked_tree(tmp_path)
    for exclude in ([], [root / "out"], [tmp_path / "real-root" / "out"], [root / "sub" / "again.xlsx"]):
        quick = discover(root, exclude)
        with monkeypatch.context() as m:
            m.setattr(
                discover_module._Walker, "_real", lambda self, path, rel, linked: os.path.realpath(path)
            )
            slow = discover(root, exclude)
        assert quick == slow, exclude
    assert _rels(discover(root), root) == ["a.xlsx", "from-shared/d.xlsx", "sub/b.xlsx", "sub/deeper/c.csv"]


def test_plain_tree_needs_no_realpath_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(20):
        _touch(tmp_path, f"unit-{i}/2023-{i % 12 + 1:02d}.xlsx")
    calls: list[str] = []
    real = os.path.realpath

    def counting(path: object, *args: object, **kwargs: object) -> str:
        calls.append(str(path))
        return real(path, *args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(os.path, "realpath", counting)
    found = discover(tmp_path, exclude=[tmp_path.parent / "out"])
    assert len(found.files) == 20
    if os.name == "posix":
        assert len(calls) <= 2  # the root and the excluded folder
