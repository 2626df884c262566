"""The Layout A reader's shortcuts (plain numbers converted in place, each distinct header line and
rate read once) give what the general path gives: values, findings and the header block, file after
file, whatever the money unit and whatever a cell holds."""

from __future__ import annotations

import datetime as dt
import math
import struct
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.messages import finding_message
from reconcile.models import UNKNOWN_DISBURSED, Finding
from reconcile.read.amounts import Context, amount
from reconcile.read.grid import Grid
from reconcile.read.layout_a import _reads_as_number, _RowAmounts
from reconcile.read.money import round6 as _round6
from reconcile.read.numbers import Convention
from reconcile.read.reader import read_file
from tests import hostile
from tests.items import records


def _write(path: Path, top: list[list[Any]], header: list[str], body: list[list[Any]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    rows = [*top, header, *body]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None and v != "":
                sheet.write(r, c, v)
    book.close()
    return path


HEADER = ["STT", "Nội dung", "Kế hoạch vốn", "Giải ngân lũy kế", "Tỷ lệ (%)"]


def _body(rate: Any = 50.0, amount: Any = 100.0) -> list[list[Any]]:
    return [
        ["", "TỔNG CỘNG", 200.0, 150.0, 75.0],
        ["I", "Vốn năm 2023", 200.0, 150.0, 75.0],
        ["1", "Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo", 100.0, 50.0, rate],
        ["2", "Dự án 5: Hỗ trợ nhà ở", 100.0, amount, 100.0],
        ["", "Người lập biểu", "", "", ""],
    ]


def _items(result: Any) -> list[tuple[Any, ...]]:
    return [
        (i.project, i.budget_year, i.allocated, i.disbursed, i.allocated_cell, i.disbursed_cell, i.row)
        for s in result.sheets
        for i in records(s)
    ]


def _codes(result: Any) -> list[tuple[str, str | None]]:
    return [(f.code, f.cell) for f in result.findings]


def test_period_named_only_by_the_disbursed_column(tmp_path: Path) -> None:
    header = [*HEADER[:3], "Giải ngân lũy kế đến 30/9/2023", HEADER[4]]
    top: list[list[Any]] = [["UBND XÃ AN BÌNH"], ["Đơn vị tính: triệu đồng"]]
    result = read_file(_write(tmp_path / "bc.xlsx", top, header, _body()), "bc.xlsx")
    assert [(s.unit, s.period) for s in result.sheets] == [("UBND XÃ AN BÌNH", dt.date(2023, 9, 30))]
    assert _codes(result) == []
    # In a unit's folder, a lone superior body ("UBND ...") gives way to the folder's name.
    result = read_file(tmp_path / "bc.xlsx", "an-binh/bc.xlsx")
    assert [(s.unit, s.period) for s in result.sheets] == [("an-binh", dt.date(2023, 9, 30))]


def test_header_lines_are_read_per_file(tmp_path: Path) -> None:
    """The same lines recur from file to file; each file still gets its own unit, period and unit of money."""
    top_a = [["Đơn vị: Xã An Bình"], ["(Số liệu đến ngày 31/8/2023)"], ["Đơn vị tính: triệu đồng"]]
    top_b = [["Đơn vị: Xã An Bình"], ["(Số liệu đến ngày 30/9/2023)"], ["Đơn vị tính: nghìn đồng"]]
    a = read_file(_write(tmp_path / "a.xlsx", top_a, HEADER, _body()), "a.xlsx")
    b = read_file(_write(tmp_path / "b.xlsx", top_b, HEADER, _body()), "b.xlsx")
    again = read_file(tmp_path / "a.xlsx", "a.xlsx")
    assert [(s.unit, s.period, s.money_unit) for s in a.sheets] == [
        ("Xã An Bình", dt.date(2023, 8, 31), "trieu")
    ]
    assert [(s.unit, s.period, s.money_unit) for s in b.sheets] == [
        ("Xã An Bình", dt.date(2023, 9, 30), "nghin")
    ]
    assert (
        _items(again)
        == _items(a)
        == [
            (2, 2023, 100.0, 50.0, "C7", "D7", 7),
            (5, 2023, 100.0, 100.0, "C8", "D8", 8),
        ]
    )
    # nghìn đồng: the same figures in triệu.
    assert [(p, al, d) for p, _, al, d, *_ in _items(b)] == [(2, 0.1, 0.05), (5, 0.1, 0.1)]
    assert _codes(a) == _codes(b) == []


@pytest.mark.parametrize(
    ("amount", "disbursed", "findings"),
    [
        (100.0, 100.0, []),
        ("100", 100.0, []),
        ("1.000,5", 1000.5, [("total_mismatch", "D5"), ("rate_mismatch", "E7")]),
        (-100.0, -100.0, [("negative_amount", "D7"), ("total_mismatch", "D5"), ("rate_mismatch", "E7")]),
        ("-", 0.0, [("total_mismatch", "D5"), ("rate_mismatch", "E7")]),
        # SPEC 4 (issue 14): an unreadable amount is unknown, and so is the parent over it (D5): no
        # total_mismatch from a partial sum, no rate_mismatch from a figure that is not known.
        ("chưa có", None, [("not_a_number", "D7")]),
        (True, None, [("not_a_number", "D7")]),
    ],
)
def test_amount_cells_of_every_kind(
    tmp_path: Path, amount: Any, disbursed: Any, findings: list[tuple[str, str]]
) -> None:
    top: list[list[Any]] = [["Đơn vị: Xã An Bình"], ["(Số liệu đến ngày 30/9/2023)"]]
    result = read_file(_write(tmp_path / "k.xlsx", top, HEADER, _body(amount=amount)), "k.xlsx")
    assert _items(result) == [
        (2, 2023, 100.0, 50.0, "C6", "D6", 6),
        (5, 2023, 100.0, disbursed, "C7", "D7", 7),
    ]
    assert sorted(_codes(result)) == sorted(findings)
    unreadable = ("not_a_number", "D7") in findings
    assert [i.unknown for s in result.sheets for i in records(s)] == [0, UNKNOWN_DISBURSED if unreadable else 0]


def test_rates_as_written(tmp_path: Path) -> None:
    top: list[list[Any]] = [["Đơn vị: Xã An Bình"], ["(Số liệu đến ngày 30/9/2023)"]]
    ok = read_file(_write(tmp_path / "ok.xlsx", top, HEADER, _body(rate=50.0)), "ok.xlsx")
    fraction = read_file(_write(tmp_path / "f.xlsx", top, HEADER, _body(rate=0.5)), "f.xlsx")
    wrong = read_file(_write(tmp_path / "w.xlsx", top, HEADER, _body(rate=55.0)), "w.xlsx")
    text = read_file(_write(tmp_path / "t.xlsx", top, HEADER, _body(rate="55,0%")), "t.xlsx")
    close = read_file(_write(tmp_path / "c.xlsx", top, HEADER, _body(rate=50.004)), "c.xlsx")
    assert _codes(ok) == _codes(fraction) == _codes(close) == []
    assert _codes(wrong) == _codes(text) == [("rate_mismatch", "E6")]
    assert wrong.findings[0].params == {"written_rate": 0.55, "computed_rate": 0.5}


def _off_by_ulps(millionths: int, ulps: int) -> float:
    x = millionths / 10**6
    for _ in range(abs(ulps)):
        x = math.nextafter(x, math.inf if ulps > 0 else -math.inf)
    return x


_FIGURES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(0, 10**12).map(lambda n: n / 10),  # tenths of a triệu, as the bench writes them
    st.integers(-(10**15), 10**15).map(lambda n: n / 10**6),
    st.decimals(min_value=-(10**10), max_value=10**10, places=7).map(float),
    st.sampled_from([0.0, -0.0, 1e9, 999999999.999999, 1e9 - 1e-6, 0.1 + 0.2, 1e-7, 5e-7, 2.5e-6]),
    # A few ulps off a 6-decimal figure: times 10**6 they may still round to a whole number.
    st.builds(_off_by_ulps, st.integers(-(10**15), 10**15), st.integers(-3, 3)),
    st.sampled_from([0.009651999999999999, 0.5532590000000001, 0.9984999999999999]),
)


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


@settings(max_examples=3000, deadline=None)
@given(x=_FIGURES)
def test_round6_is_round_bit_for_bit(x: float) -> None:
    assert _bits(_round6(x)) == _bits(round(x, 6))


@settings(max_examples=300, deadline=None)
@given(
    row=st.lists(st.one_of(_FIGURES, st.just(""), st.text(max_size=6), st.none(), st.booleans()), max_size=8),
    factor=st.sampled_from(["trieu", "nghin", "dong", "ty"]),
)
def test_row_amounts_are_amount_cell_by_cell(row: list[Any], factor: str) -> None:
    cols = list(range(len(row) + 1))  # one column past the row's end
    grid = Grid("s", [row])
    quick_findings: list[Finding] = []
    slow_findings: list[Finding] = []
    quick = _RowAmounts(grid, cols, Context("f", Convention.UNKNOWN, quick_findings), factor)
    slow_ctx = Context("f", Convention.UNKNOWN, slow_findings)
    got = quick.read(row, 0)
    want = {c: amount(grid, 0, c, slow_ctx, factor) for c in cols}
    assert [(c, None if v is None else _bits(v)) for c, v in got.items()] == [
        (c, None if v is None else _bits(v)) for c, v in want.items()
    ]
    assert quick_findings == slow_findings
    assert quick.numeric(row, 0) == any(_reads_as_number(grid, 0, c, slow_ctx) for c in cols)


def test_workbook_without_sheets_is_named_unreadable(tmp_path: Path) -> None:
    """A workbook part whose sheet list was damaged into text lists no sheet: the file is named,
    never silently read as holding nothing."""

    def damage(data: bytes) -> bytes:
        assert b"<sheets><sheet " in data
        return data.replace(b"<sheets><sheet ", b"<sheets>&gt;sheet ")

    path = hostile.rewrite_xlsx(tmp_path / "no-sheets.xlsx", "xl/workbook.xml", damage)
    result = read_file(path, "no-sheets.xlsx")
    assert not result.readable and result.sheets == []
    assert [(f.code, f.params) for f in result.findings] == [
        ("unreadable_file", {"reason_key": "reason.corrupt", "detail_key": "detail.no_sheets"})
    ]
    params = result.findings[0].params
    assert "không có trang tính nào" in finding_message("unreadable_file", params, "vi")
    assert "lists no sheet" in finding_message("unreadable_file", params, "en")


def test_workbook_with_only_empty_sheets_is_named_unreadable(tmp_path: Path) -> None:
    """A sheet cut short (what a damaged or half-copied file can give) reads as empty: named."""
    path = hostile.rewrite_xlsx(
        tmp_path / "cut.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda data: data[: data.index(b"<sheetData>")] + b"<sheetData/></worksheet>",
    )
    result = read_file(path, "cut.xlsx")
    assert not result.readable and result.sheets == []
    assert [(f.code, f.params) for f in result.findings] == [
        ("unreadable_file", {"reason_key": "reason.corrupt", "detail_key": "detail.empty_sheets"})
    ]
    params = result.findings[0].params
    assert "các trang tính đều trống" in finding_message("unreadable_file", params, "vi")
    assert "its sheets are empty" in finding_message("unreadable_file", params, "en")
    # A sheet of notes only is no data either, but it is not empty: it is left to the sheet rules.
    notes = tmp_path / "notes.xlsx"
    book = xlsxwriter.Workbook(str(notes))
    book.add_worksheet("Hướng dẫn").write(0, 0, "Điền số liệu vào biểu 01")
    book.close()
    assert read_file(notes, "notes.xlsx").readable
