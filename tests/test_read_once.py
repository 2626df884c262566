"""Each input file is read from disk once: the safety check keeps the bytes it checked for the reader.

The quick prolog check reads zip members straight from those bytes; these tests hold it to the
verdict (or the error) that zipfile's own reading gives, on good, hostile and damaged members.
"""

from __future__ import annotations

import functools
import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.find import checked, safety, zipparts
from reconcile.read import grid
from reconcile.read.reader import read_file
from tests import hostile

Writer = Callable[[Path], Path]


def _big_xlsx() -> bytes:
    """A workbook whose sheet, shared strings and theme are all over HEAD_BYTES unpacked."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("T9")
    sheet.write_row(0, 0, ["STT", "Nội dung", "Kế hoạch vốn", "Giải ngân"])
    for r in range(1, 400):
        sheet.write_row(r, 0, [r, f"Hoạt động số {r} của dự án", r * 1.5, r * 0.5])
    book.close()
    return buf.getvalue()


def _stored(data: bytes) -> bytes:
    """The same members, stored without compression."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for info in source.infolist():
            zf.writestr(info.filename, source.read(info))
    return out.getvalue()


_BIG = _big_xlsx()
_SAMPLES = {
    "small": hostile.good_xlsx_bytes(),
    "openpyxl": hostile.good_xlsx_bytes("openpyxl"),
    "big": _BIG,
    "stored": _stored(_BIG),
}


def _slow_verdict(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool | str:
    try:
        with zf.open(info) as member:
            return zipparts.prolog_verdict(member)
    except Exception:
        return "error"


def _members(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]] | None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        return None
    return zf, [i for i in zf.infolist() if not i.is_dir() and i.file_size and not i.flag_bits & 1]


@pytest.mark.parametrize("name", sorted(_SAMPLES))
def test_quick_verdict_reads_every_member_of_a_good_workbook(name: str) -> None:
    data = _SAMPLES[name]
    found = _members(data)
    assert found is not None
    zf, infos = found
    for info in infos:
        # The quick way must serve the ordinary member, or it saves nothing.
        assert zipparts.quick_verdict(data, info) is False, info.filename
        assert _slow_verdict(zf, info) is False


def test_samples_hold_members_past_the_first_read() -> None:
    for name in ("big", "stored"):
        sheet = zipfile.ZipFile(io.BytesIO(_SAMPLES[name])).getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size > 4 * zipparts.HEAD_BYTES
    assert zipfile.ZipFile(io.BytesIO(_SAMPLES["stored"])).getinfo("xl/workbook.xml").compress_type == 0


@pytest.mark.parametrize(
    ("writer", "part"),
    [
        (hostile.write_entity_xlsx, "xl/sharedStrings.xml"),
        (hostile.write_external_entity_xlsx, "xl/worksheets/sheet1.xml"),
        (hostile.write_utf16_entity_xlsx, "xl/sharedStrings.xml"),
        (lambda folder: hostile.write_padded_entity_xlsx(folder, padding=0), "xl/worksheets/sheet1.xml"),
        (lambda folder: hostile.write_padded_entity_xlsx(folder, padding=9000), "xl/worksheets/sheet1.xml"),
        # "<!DOCTYPE" at byte padding + 64: cut by the first, short decode at 512 bytes.
        *(
            (functools.partial(hostile.write_padded_entity_xlsx, padding=p), "xl/worksheets/sheet1.xml")
            for p in (440, 444, 448, 452, 4020, 4028)
        ),
    ],
)
def test_quick_verdict_agrees_on_hostile_members(tmp_path: Path, writer: Writer, part: str) -> None:
    data = writer(tmp_path).read_bytes()
    found = _members(data)
    assert found is not None
    zf, infos = found
    for info in infos:
        quick = zipparts.quick_verdict(data, info)
        slow = _slow_verdict(zf, info)
        assert slow is (info.filename == part), info.filename
        assert quick is None or quick == slow, info.filename


@settings(max_examples=300, deadline=None)
@given(
    sample=st.sampled_from(sorted(_SAMPLES)),
    cuts=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=3
    ),
)
@pytest.mark.parametrize("inflater", ["isal", "zlib"])
def test_quick_verdict_matches_zipfile_on_damaged_members(
    inflater: str, sample: str, cuts: list[tuple[float, bytes]]
) -> None:
    """Whichever inflates (python-isal, or zlib where isal has no wheels), a member is read as
    zipfile reads it, and a damaged one fails as it fails there (zlib.error)."""
    saved = zipparts._zlib
    zipparts._zlib = pytest.importorskip("isal.isal_zlib") if inflater == "isal" else zlib
    try:
        _check_against_zipfile(sample, cuts)
    finally:
        zipparts._zlib = saved


def _check_against_zipfile(sample: str, cuts: list[tuple[float, bytes]]) -> None:
    base = _SAMPLES[sample]
    first_directory_entry = base.index(b"PK\x01\x02")
    data = bytearray(base)
    for where, junk in cuts:
        pos = int(where * first_directory_entry)
        data[pos : pos + len(junk)] = junk
    raw = bytes(data)
    found = _members(raw)
    if found is None:
        return
    zf, infos = found
    for info in infos:
        quick = zipparts.quick_verdict(raw, info)
        if quick is not None:
            # Whatever the quick way decides, zipfile decides the same (and raises nothing).
            assert quick == _slow_verdict(zf, info), info.filename
        try:
            whole = zipparts.member_whole(raw, info, 1 << 20)
        except zlib.error:
            whole = None
        if whole is not None:
            assert whole == zf.read(info), info.filename


def test_check_keeps_the_bytes_it_checked(tmp_path: Path) -> None:
    path = tmp_path / "good.xlsx"
    path.write_bytes(_BIG)
    kept = safety.check(path)
    assert isinstance(kept, checked.Checked)
    assert kept.data == _BIG and kept.zip is not None
    assert set(kept.trees) == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"}
    assert kept.parts["xl/workbook.xml"] == zipfile.ZipFile(io.BytesIO(_BIG)).read("xl/workbook.xml")
    # The reader parses what was checked: a file swapped on disk after the check is not read.
    path.write_bytes(hostile.good_xlsx_bytes())
    loaded = grid.load(path, kept)
    assert len(loaded.grids[0].rows) == 400
    assert grid.load(path).grids[0].rows[3][3] == 455.25


def test_check_and_preflight_agree(tmp_path: Path) -> None:
    for writer in hostile.REFUSED_WRITERS:
        path = writer(tmp_path)
        assert safety.check(path) == safety.preflight(path) != None  # noqa: E711
    for writer in (hostile.write_good_xlsx, hostile.write_good_ods, hostile.write_plain_xls):
        path = writer(tmp_path)
        kept = safety.check(path)
        assert safety.preflight(path) is None and isinstance(kept, checked.Checked)
        assert (kept.data is not None) == (path.suffix != ".xls")
    csv = tmp_path / "a.csv"
    csv.write_text("x;y\n", encoding="utf-8")
    kept = safety.check(csv)
    assert isinstance(kept, checked.Checked) and kept.data is None and kept.zip is None


def test_large_zip_stays_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "good.xlsx"
    path.write_bytes(_BIG)
    monkeypatch.setattr(safety, "MAX_IN_MEMORY", 1000)
    kept = safety.check(path)
    assert isinstance(kept, checked.Checked) and kept.data is None and kept.zip is None
    result = read_file(path, "good.xlsx")
    assert result.readable and len(result.sheets) == 1


def test_file_is_opened_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "good.xlsx"
    path.write_bytes(_BIG)
    opened: list[str] = []
    real_open = open

    def counting_open(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", counting_open)
    monkeypatch.setattr("io.open", counting_open)  # what zipfile and pathlib call
    result = read_file(path, "good.xlsx")
    assert result.readable and result.sheets
    assert opened.count(str(path)) == 1


@pytest.mark.parametrize("name", sorted(_SAMPLES))
def test_checked_read_gives_what_zipfile_gives(tmp_path: Path, name: str) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(_SAMPLES[name])
    kept = safety.check(path)
    assert isinstance(kept, checked.Checked) and kept.zip is not None and kept.data is not None
    zf = zipfile.ZipFile(io.BytesIO(_SAMPLES[name]))
    for info in zf.infolist():
        assert kept.read(info.filename) == zf.read(info)
        assert zipparts.member_whole(kept.data, info, info.file_size) == zf.read(info)
    # The small members were read whole by the prolog check and are not inflated again.
    assert "xl/_rels/workbook.xml.rels" in kept.parts
    with pytest.raises(KeyError):
        kept.read("xl/missing.xml")


def test_parse_xml_parses_each_content_once() -> None:
    part = zipfile.ZipFile(io.BytesIO(_BIG)).read("[Content_Types].xml")
    first = checked.parse_xml(part)
    assert checked.parse_xml(bytes(bytearray(part))) is first
    assert first.tag.endswith("Types")
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "y">]><x>&e;</x>'
    for _ in range(2):  # a refusal is never cached into a pass
        with pytest.raises(ValueError):
            checked.parse_xml(entity)
        with pytest.raises(ValueError):
            checked.parse_xml(entity, forbid_dtd=False)


@settings(max_examples=500, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.sampled_from([b"<", b"f", b"t", b"=", b'"', b"e", b"<c>", b"ff" * 40, b'"e"']), max_size=200
        ).map(b"".join),
    ),
    which=st.sampled_from([(b"<f", 1), (b't="e"', 3)]),
)
def test_contains_is_in(data: bytes, which: tuple[bytes, int]) -> None:
    needle, key = which
    assert grid.contains(data, needle, key) == (needle in data)


def test_contains_past_many_false_hits() -> None:
    noise = b"f" * 1000
    assert grid.contains(noise + b"<f>", b"<f", 1)
    assert not grid.contains(noise, b"<f", 1)
    assert grid.contains(b"<" + noise, b"<f", 1)
    assert grid.contains(b'"e"' * 100 + b't="e"', b't="e"', 3)
    for false_hits in (63, 64, 65):  # the needle right where the plain search takes over
        assert grid.contains(b"x" + b"f" * false_hits + b"<f", b"<f", 1)
        assert grid.contains(b"e" * false_hits + b't="e"', b't="e"', 3)


def test_repeated_members_are_inflated_once(tmp_path: Path) -> None:
    good = [tmp_path / f"good{i}.xlsx" for i in range(3)]
    for path in good:
        path.write_bytes(_BIG)
    bad = [hostile.write_entity_xlsx(tmp_path, f"laughs{i}.xlsx") for i in range(2)]
    before = zipparts._cached_head_verdict.cache_info().hits
    kept = [safety.check(path) for path in good]
    refused = [safety.check(path) for path in bad]
    assert zipparts._cached_head_verdict.cache_info().hits > before
    for one in kept:
        assert isinstance(one, checked.Checked)
        assert one.parts["[Content_Types].xml"] == zipfile.ZipFile(io.BytesIO(_BIG)).read(
            "[Content_Types].xml"
        )
    assert refused == [("reason.xml_entity", {"part": "xl/sharedStrings.xml"})] * 2


def test_a_file_without_end_records_is_not_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(_BIG[: len(_BIG) // 2] + b"\0" * (8 << 20))  # a download cut short, padded
    read: list[int] = []
    real_open = open

    class Counting(io.BufferedReader):
        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            read.append(len(data))
            return data

    def counting_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode == "rb":
            return Counting(real_open(file, "rb", buffering=0))  # type: ignore[call-overload]
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(safety, "open", counting_open, raising=False)
    assert safety.check(path) == ("reason.corrupt", {"detail_key": "detail.truncated"})
    assert sum(read) < 100_000
    read.clear()
    path.write_bytes(_BIG)
    kept = safety.check(path)
    assert isinstance(kept, checked.Checked) and kept.data == _BIG
    assert sum(read) >= len(_BIG)
