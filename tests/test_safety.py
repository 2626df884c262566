"""Pre-read safety checks: every hostile file gets its reason, good files pass, nothing raises.

The hostile files come from :mod:`tests.hostile` (its docstring lists what each one plants).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.find import safety, zipcheck, zipparts
from reconcile.find.safety import preflight
from reconcile.messages import finding_message
from tests import hostile

Writer = Callable[[Path], Path]

# (writer, reason key, expected params): params are compared exactly.
REFUSALS: list[tuple[Writer, str, dict[str, object]]] = [
    (hostile.write_corrupt_xlsx, "reason.corrupt", {"detail_key": "detail.not_zip"}),
    (hostile.write_truncated_xlsx, "reason.corrupt", {"detail_key": "detail.truncated"}),
    (hostile.write_empty_xlsx, "reason.empty_file", {}),
    (hostile.write_ole2_magic_xlsx, "reason.encrypted", {}),
    (hostile.write_encrypted_xlsx, "reason.encrypted", {}),
    (hostile.write_encrypted_xls, "reason.encrypted", {}),
    (hostile.write_small_encrypted_xls, "reason.encrypted", {}),
    (
        hostile.write_xls_as_xlsx,
        "reason.corrupt",
        {"detail_key": "detail.format_mismatch", "actual": ".xls", "suffix": ".xlsx"},
    ),
    (hostile.write_text_as_xlsx, "reason.corrupt", {"detail_key": "detail.text_file"}),
    (hostile.write_html_as_xls, "reason.corrupt", {"detail_key": "detail.html_page"}),
    (hostile.write_docx_as_xlsx, "reason.corrupt", {"detail_key": "detail.not_workbook"}),
    (hostile.write_entity_xlsx, "reason.xml_entity", {"part": "xl/sharedStrings.xml"}),
    (hostile.write_external_entity_xlsx, "reason.xml_entity", {"part": "xl/worksheets/sheet1.xml"}),
    (hostile.write_padded_entity_xlsx, "reason.xml_entity", {"part": "xl/worksheets/sheet1.xml"}),
    (hostile.write_utf16_entity_xlsx, "reason.xml_entity", {"part": "xl/sharedStrings.xml"}),
    (hostile.write_zip_bomb, "reason.zip_bomb", {"size": "2048 MB, 1011:1"}),
    (hostile.write_overlap_zip, "reason.zip_overlap", {}),
    (hostile.write_encrypted_ods, "reason.encrypted", {}),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_refused_writer_is_covered() -> None:
    assert {w for w, _, _ in REFUSALS} == set(hostile.REFUSED_WRITERS)


@pytest.mark.parametrize(
    ("writer", "reason", "params"), REFUSALS, ids=[w.__name__[6:] for w, _, _ in REFUSALS]
)
def test_hostile_file_is_refused_with_its_reason(
    tmp_path: Path, writer: Writer, reason: str, params: dict[str, object]
) -> None:
    path = writer(tmp_path)
    before = (_digest(path), path.stat().st_size, path.stat().st_mtime_ns)
    assert preflight(path) == (reason, params)
    assert (_digest(path), path.stat().st_size, path.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    "writer",
    [
        hostile.write_good_xlsx,
        lambda folder: hostile.write_good_xlsx(folder, "good-openpyxl.xlsx", engine="openpyxl"),
        lambda folder: hostile.write_good_xlsx(folder, "macro.xlsm"),
        hostile.write_good_ods,
        hostile.write_plain_xls,
    ],
    ids=["xlsxwriter", "openpyxl", "xlsm", "ods", "xls"],
)
def test_good_files_pass(tmp_path: Path, writer: Writer) -> None:
    path = writer(tmp_path)
    digest = _digest(path)
    assert preflight(path) is None
    assert _digest(path) == digest


def test_shared_examples_pass(examples_dir: Path) -> None:
    files = sorted(
        p for p in examples_dir.rglob("*") if p.suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
    )
    assert files, "the examples folder holds workbooks"
    assert {p.name: preflight(p) for p in files} == {p.name: None for p in files}


def test_csv_is_only_checked_for_emptiness(tmp_path: Path) -> None:
    cp1258 = tmp_path / "cp1258.csv"
    cp1258.write_bytes("Tên đơn vị;Kế hoạch vốn;1.571,6\n".encode("cp1258", errors="replace"))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(hostile.OLE2_MAGIC + b"\0" * 100)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert preflight(cp1258) is None
    assert preflight(binary) is None  # decoding is the reader's job
    assert preflight(empty) == ("reason.empty_file", {})


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = hostile.write_encrypted_xlsx(tmp_path, "PASSWORD.XLSX")
    assert preflight(path) == ("reason.encrypted", {})


def test_zip_named_xls_is_a_format_mismatch(tmp_path: Path) -> None:
    path = hostile.write_good_xlsx(tmp_path, "renamed.xls")
    assert preflight(path) == (
        "reason.corrupt",
        {"detail_key": "detail.format_mismatch", "actual": ".xlsx", "suffix": ".xls"},
    )


def test_ods_and_xlsx_swapped(tmp_path: Path) -> None:
    ods_as_xlsx = hostile.write_good_ods(tmp_path, "calc.xlsx")
    xlsx_as_ods = hostile.write_good_xlsx(tmp_path, "excel.ods")
    assert preflight(ods_as_xlsx) == (
        "reason.corrupt",
        {"detail_key": "detail.format_mismatch", "actual": ".ods", "suffix": ".xlsx"},
    )
    assert preflight(xlsx_as_ods) == (
        "reason.corrupt",
        {"detail_key": "detail.format_mismatch", "actual": ".xlsx", "suffix": ".ods"},
    )


def test_size_bomb_without_ratio_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipcheck, "MAX_RATIO", 10**9)
    path = hostile.write_zip_bomb(tmp_path)
    assert preflight(path) == ("reason.zip_bomb", {"size": "2048 MB"})


def test_ratio_bomb_of_a_few_megabytes(tmp_path: Path) -> None:
    path = hostile.write_zip_bomb(tmp_path, size=8 << 20)
    assert path.stat().st_size < 20_000
    assert preflight(path) == ("reason.zip_bomb", {"size": "8 MB, 1010:1"})


def test_highly_compressed_small_member_is_not_a_bomb(tmp_path: Path) -> None:
    # 1 MiB of zeros (1000:1) is under RATIO_MIN_SIZE: styles and shared strings compress like that.
    path = hostile.write_zip_bomb(tmp_path, size=1 << 20)
    result = preflight(path)
    assert result is not None and result[0] != "reason.zip_bomb"


def test_limits_are_read_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.write_good_xlsx(tmp_path)
    monkeypatch.setattr(zipcheck, "MAX_UNCOMPRESSED", 1000)
    assert preflight(path) == ("reason.zip_bomb", {"size": "1 MB"})


def test_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipcheck, "MAX_MEMBERS", 50)
    path = hostile.write_many_members_zip(tmp_path, count=60)
    assert preflight(path) == ("reason.zip_too_many", {"count": 60})


def test_default_member_limit(tmp_path: Path) -> None:
    path = hostile.write_many_members_zip(tmp_path)
    assert preflight(path) == ("reason.zip_too_many", {"count": 10_001})


# The DOCTYPE starts at byte padding + 64 of sheet1.xml: 4028 cuts "<!DOCTYPE" at the 4 KiB read.
@pytest.mark.parametrize("padding", [0, 4020, 4028, 4031, 4032, 4085, 9000])
def test_doctype_found_wherever_the_read_boundary_falls(tmp_path: Path, padding: int) -> None:
    path = hostile.write_padded_entity_xlsx(tmp_path, padding=padding)
    assert preflight(path) == ("reason.xml_entity", {"part": "xl/worksheets/sheet1.xml"})


def test_endless_prolog_is_refused(tmp_path: Path) -> None:
    path = hostile.write_padded_entity_xlsx(tmp_path, padding=zipparts.MAX_PROLOG + 10, doctype=False)
    assert preflight(path) == ("reason.xml_entity", {"part": "xl/worksheets/sheet1.xml"})


def test_comment_before_root_is_fine(tmp_path: Path) -> None:
    path = hostile.write_padded_entity_xlsx(tmp_path, padding=5000, doctype=False)
    assert preflight(path) is None


def test_entity_in_a_part_with_an_unusual_name(tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(hostile.good_xlsx_bytes()))
    path = tmp_path / "custom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        out.writestr(
            "customXml/item1.dat", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
        )
    assert preflight(path) == ("reason.xml_entity", {"part": "customXml/item1.dat"})


@pytest.mark.parametrize(
    ("text", "complete", "verdict"),
    [
        ('<?xml version="1.0"?><root/>', True, False),
        ('<?xml version="1.0"?>\n<!-- a -- comment --><root/>', True, False),
        ('<?xml version="1.0"?><!--x--><!DOCTYPE r><r/>', True, True),
        ("\ufeff  <!ENTITY e 'x'>", True, True),
        ("<!DOC", False, None),  # may be cut: read on
        ("<!-- not closed yet", False, None),
        ("<!-- never closed", True, False),
        ("PK\x03\x04", True, False),
        ("", True, False),
    ],
)
def test_prolog_scanner(text: str, complete: bool, verdict: bool | None) -> None:
    assert zipparts._scan_prolog(text, complete) is verdict


def test_missing_workbook_part(tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(hostile.good_xlsx_bytes()))
    path = tmp_path / "no-workbook.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/workbook.xml":
                out.writestr(info.filename, source.read(info))
    assert preflight(path) == (
        "reason.corrupt",
        {"detail_key": "detail.missing_part", "part": "xl/workbook.xml"},
    )


def test_damaged_workbook_xml(tmp_path: Path) -> None:
    path = hostile.rewrite_xlsx(
        tmp_path / "damaged.xlsx", "xl/workbook.xml", lambda data: data[: len(data) // 2]
    )
    assert preflight(path) == ("reason.corrupt", {"detail_key": "detail.bad_part", "part": "xl/workbook.xml"})


def test_damaged_deflate_data(tmp_path: Path) -> None:
    data = bytearray(hostile.good_xlsx_bytes())
    name = b"xl/worksheets/sheet1.xml"
    start = data.index(b"PK\x03\x04" + data[4:6])  # first local header
    pos = data.index(name, start) + len(name)
    data[pos : pos + 40] = b"\xff" * 40  # compressed bytes of the first member after its name
    path = tmp_path / "damaged-deflate.xlsx"
    path.write_bytes(bytes(data))
    result = preflight(path)
    assert result is not None and result[0] == "reason.corrupt"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_never_opened(tmp_path: Path) -> None:
    path = tmp_path / "pipe.xlsx"
    os.mkfifo(path)
    assert preflight(path) == ("reason.not_regular", {})


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.write_good_xlsx(tmp_path)

    def denied(*args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(safety, "open", denied, raising=False)
    assert preflight(path) == ("reason.file_denied", {})


def test_disk_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.write_good_xlsx(tmp_path)

    def failing(*args: object, **kwargs: object) -> object:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(safety, "open", failing, raising=False)
    assert preflight(path) == ("reason.io_error", {"detail": "Input/output error"})


def test_missing_file_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    result = preflight(tmp_path / "gone.xlsx")
    assert result is not None and result[0] == "reason.io_error"


def test_unexpected_failure_is_contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.write_good_xlsx(tmp_path)

    def boom(*args: object) -> None:
        raise RecursionError("deep")

    monkeypatch.setattr(zipcheck, "_check_package", boom)
    assert preflight(path) == ("reason.corrupt", {"detail_key": "detail.unexpected"})


def test_messages_render_in_both_languages(tmp_path: Path) -> None:
    encrypted = preflight(hostile.write_encrypted_xlsx(tmp_path))
    bomb = preflight(hostile.write_zip_bomb(tmp_path))
    mismatch = preflight(hostile.write_xls_as_xlsx(tmp_path))
    assert encrypted is not None and bomb is not None and mismatch is not None

    def render(result: tuple[str, dict[str, object]], lang: str) -> str:
        return finding_message("unreadable_file", {"reason_key": result[0], **result[1]}, lang)

    assert render(encrypted, "vi") == "Không đọc được tệp: tệp có mật khẩu; hãy gỡ mật khẩu rồi chạy lại"
    assert (
        render(encrypted, "en")
        == "The file cannot be read: the file is password-protected; remove the password and run again"
    )
    assert render(bomb, "vi") == (
        "Không đọc được tệp: tệp giải nén quá lớn (2048 MB, 1011:1); từ chối đọc để bảo vệ máy"
    )
    assert (
        render(bomb, "en")
        == "The file cannot be read: the file unpacks too large (2048 MB, 1011:1); refused to protect the machine"
    )
    assert render(mismatch, "vi") == (
        "Không đọc được tệp: tệp bị hỏng hoặc không phải bảng tính (nội dung là tệp .xls nhưng mang đuôi"
        " .xlsx; đổi đuôi thành .xls); hãy mở và lưu lại trong Excel"
    )
    assert render(mismatch, "en") == (
        "The file cannot be read: the file is corrupt or not a spreadsheet (the content is a .xls file but it"
        " is named .xlsx; rename it to .xls); open and save it again in Excel"
    )


def test_every_reason_and_detail_exists_in_both_languages(tmp_path: Path) -> None:
    from reconcile.messages import MESSAGES

    for writer in hostile.REFUSED_WRITERS:
        result = preflight(writer(tmp_path))
        assert result is not None
        reason, params = result
        for key in (reason, params.get("detail_key")):
            if key is not None:
                assert set(MESSAGES[str(key)]) >= {"vi", "en"}, key


_GOOD = hostile.good_xlsx_bytes()


@settings(max_examples=150, deadline=None)
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(_GOOD) - 1), st.binary(min_size=1, max_size=16)), max_size=4),
    length=st.integers(1, len(_GOOD)),
)
def test_mangled_workbooks_never_raise(
    tmp_path_factory: pytest.TempPathFactory, cuts: list[tuple[int, bytes]], length: int
) -> None:
    data = bytearray(_GOOD[:length])
    for pos, junk in cuts:
        data[pos : pos + len(junk)] = junk
    path = tmp_path_factory.mktemp("mangled") / "m.xlsx"
    path.write_bytes(bytes(data))
    result = preflight(path)
    assert result is None or (isinstance(result, tuple) and result[0].startswith("reason."))


@settings(max_examples=100, deadline=None)
@given(
    cuts=st.lists(st.tuples(st.integers(0, 5631), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6)
)
def test_mangled_ole2_never_raises(
    tmp_path_factory: pytest.TempPathFactory, cuts: list[tuple[int, bytes]]
) -> None:
    data = bytearray(hostile.ole2_bytes({"Workbook": hostile._workbook_stream(True)}))
    for pos, junk in cuts:
        data[pos : pos + len(junk)] = junk
    path = tmp_path_factory.mktemp("ole") / "m.xls"
    path.write_bytes(bytes(data))
    result = preflight(path)
    assert result is None or (isinstance(result, tuple) and result[0].startswith("reason."))


# ---- real files written by LibreOffice -----------------------------------------------------------

_SOFFICE = shutil.which("soffice")


def _convert(source: Path, fmt: str, out: Path) -> Path:
    assert _SOFFICE is not None
    env = {**os.environ, "HOME": str(out)}
    subprocess.run(
        [
            _SOFFICE,
            "--headless",
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    return out / f"{source.stem}.{fmt}"


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(_SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_xls_and_ods_pass(tmp_path: Path) -> None:
    source = hostile.write_good_xlsx(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("xls", "ods"):
        assert preflight(_convert(source, fmt, out)) is None, fmt


_UNO_SCRIPT = """
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
def pv(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
folder, port = sys.argv[1], sys.argv[2]
proc = subprocess.Popen([sys.argv[3], "--headless", "--norestore", "-env:UserInstallation=file://" + folder + "/profile",
                         "--accept=socket,host=127.0.0.1,port=" + port + ";urp;"])
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve("uno:socket,host=127.0.0.1,port=" + port + ";urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL("file://" + folder + "/good.xlsx", "_blank", 0, (pv("Hidden", True),))
    for name, flt in (("locked.xls", "MS Excel 97"), ("locked.ods", "calc8")):
        doc.storeToURL("file://" + folder + "/" + name, (pv("FilterName", flt), pv("Password", "abc")))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=60)
finally:
    if proc.poll() is None:
        proc.kill()
"""


def _system_python_with_uno() -> str | None:
    python = "/usr/bin/python3"
    if _SOFFICE is None or not os.path.exists(python):
        return None
    probe = subprocess.run([python, "-c", "import uno"], capture_output=True)
    return python if probe.returncode == 0 else None


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the UNO script uses POSIX paths")
def test_libreoffice_password_protected_files_are_refused(tmp_path: Path) -> None:
    python = _system_python_with_uno()
    if python is None:
        pytest.skip("LibreOffice with Python UNO is not installed")
    assert _SOFFICE is not None
    hostile.write_good_xlsx(tmp_path)
    script = tmp_path / "encrypt.py"
    script.write_text(_UNO_SCRIPT, encoding="utf-8")
    port = str(20000 + os.getpid() % 20000)
    subprocess.run(
        [python, str(script), str(tmp_path), port, _SOFFICE],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert preflight(tmp_path / "locked.xls") == ("reason.encrypted", {})
    assert preflight(tmp_path / "locked.ods") == ("reason.encrypted", {})
