"""reconcile.writers.bulk: a RowBlock writes exactly the bytes xlsxwriter writes cell by cell.

Every test writes the same cells twice, once through xlsxwriter's ``write_*`` methods and once through
a :class:`RowBlock`, into workbooks with a fixed creation date, and compares the whole .xlsx files.
Planted in the cells: strings with & < > and quotes, leading and trailing spaces, tabs and newlines,
control characters (written as _xHHHH_), literal "_x0041_" text (whose underscore xlsxwriter escapes),
U+FFFE/U+FFFF, "<r>…</r>" (which xlsxwriter passes through as rich text), Vietnamese, astral
characters, strings past Excel's 32,767-unit limit; floats 0.1, 1e-7, 1e16, -0.0, huge and tiny ones,
integers; formatted blanks; formulas with > and & in them; rows with heights and outline levels, a
row format, rows without cells; formats shared between columns, per-row formats, and formats whose
properties equal another's (so the order xf indices are handed out in shows).
``test_xlsxwriter_output_is_pinned`` fails when xlsxwriter itself starts writing cells differently,
``test_xlsxwriter_leaves_the_plain_functions_alone`` when it starts rewriting a formula bulk writes
as it is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from reconcile.writers import bulk
from reconcile.writers.bulk import RowBlock

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

NASTY_STRINGS = [
    "plain",
    "Sở Y tế tỉnh Lào Cai – Dự án 3: Hỗ trợ phát triển sản xuất",
    "a & b < c > d",
    "&amp; already",
    "\"double\" and 'single' quotes",
    " leading space",
    "trailing space ",
    "  ",
    " ",
    "\ttab first",
    "line\nbreak",
    "ends with newline\n",
    "\r\ncarriage",
    "bell\x07 and nul\x00 and \x1f",
    "\x1c starts with a control that is whitespace to Python",
    "_x0041_ looks like an escape",
    "_X004a_ and _x12_ and _xZZZZ_",
    "a_x0000_b_x005F_c",
    "non-characters \ufffe \uffff",
    "<r>looks rich</r>",
    "<r>rich with \x01 control</r>",
    "<r>",
    "\u00a0no-break spaces\u00a0",
    "\u2003em space",
    "emoji 😀 astral 𝔘",
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "x" * 40000,
    "y" * 32766 + "😀😀",
    "z" * 16400,
    "",
]

NASTY_NUMBERS: list[float | int] = [
    0.1,
    1e-7,
    1e16,
    1e15 + 0.3,
    -0.0,
    0.0,
    0,
    7,
    -42,
    2**53 + 1,
    10**17,
    123456789.123456789,
    1 / 3,
    -2.5e-300,
    1.7976931348623157e308,
    5e-324,
    45198,
]


@dataclass
class Cells:
    """The cells of one block, as calls on a RowBlock, replayable through xlsxwriter."""

    n: int
    calls: list[tuple[str, int, Any, Any, Any]] = field(default_factory=list)
    #: The block writes its string cells into the shared-string table (by_cell writes them in line).
    shared: bool = False

    def strings(self, col: int, values: list[str | None], fmt: Any) -> None:
        self.calls.append(("strings", col, values, fmt, None))

    def numbers(self, col: int, values: list[float | None], fmt: Any) -> None:
        self.calls.append(("numbers", col, values, fmt, None))

    def blanks(self, col: int, where: list[bool], fmt: Any) -> None:
        self.calls.append(("blanks", col, where, fmt, None))

    def formulas(self, col: int, formulas: list[str | None], values: list[float], fmt: Any) -> None:
        self.calls.append(("formulas", col, formulas, fmt, values))

    def by_block(self, ws: Worksheet, first: int) -> None:
        block = RowBlock(ws, first, self.n)
        for kind, col, values, fmt, extra in self.calls:
            if kind == "formulas":
                block.formulas(col, values, extra, fmt)
            elif kind == "strings" and self.shared:
                block.strings(col, values, fmt, shared=True)
            else:
                getattr(block, kind)(col, values, fmt)
        block.write()

    def by_cell(self, ws: Worksheet, first: int) -> None:
        for i in range(self.n):
            for kind, col, values, fmt, extra in sorted(self.calls, key=lambda c: c[1]):
                v = values[i]
                if isinstance(fmt, bulk.Formats):
                    f = fmt.formats[int(fmt.codes[i])]
                else:
                    f = fmt if isinstance(fmt, Format) else fmt[i]
                if kind == "strings" and v is not None:
                    ws.write_string(first + i, col, v, f)
                elif kind == "numbers" and v is not None and not (isinstance(v, float) and math.isnan(v)):
                    ws.write_number(first + i, col, v, f)
                elif kind == "blanks" and v:
                    ws.write_blank(first + i, col, None, f)
                elif kind == "formulas" and v is not None:
                    ws.write_formula(first + i, col, v, f, extra[i])


Build = Callable[[Workbook, Worksheet, bool], None]


def _xlsx(path: Path, build: Build, use_block: bool, options: dict[str, Any] | None = None) -> bytes:
    wb = xlsxwriter.Workbook(str(path), options or OPTIONS)
    wb.set_properties({"created": dt.datetime(2024, 1, 1)})
    ws = wb.add_worksheet("Sheet")
    build(wb, ws, use_block)
    wb.close()
    return path.read_bytes()


def _sheet_xml(data: bytes, tmp_path: Path) -> str:
    p = tmp_path / "read.xlsx"
    p.write_bytes(data)
    with zipfile.ZipFile(p) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def assert_same(tmp_path: Path, build: Build, options: dict[str, Any] | None = None) -> str:
    """Build the workbook both ways; the files must be identical. Returns the sheet XML."""
    a = _xlsx(tmp_path / "cells.xlsx", build, False, options)
    b = _xlsx(tmp_path / "block.xlsx", build, True, options)
    xa, xb = _sheet_xml(a, tmp_path), _sheet_xml(b, tmp_path)
    assert xb == xa  # a readable diff first
    assert b == a
    return xa


def _formats(wb: Workbook) -> list[Format]:
    return [
        wb.add_format({"bold": True}),
        wb.add_format({"num_format": "0.0"}),
        wb.add_format({"italic": True, "border": 1}),
        wb.add_format({"bold": True}),  # same properties as the first: shares its xf index
        wb.add_format({"bg_color": "#DAE1EC", "num_format": "#,##0.0##"}),
    ]


def _write(ws: Worksheet, cells: Cells, first: int, use_block: bool) -> None:
    if use_block:
        cells.by_block(ws, first)
    else:
        cells.by_cell(ws, first)


# ---- the pinned reference -----------------------------------------------------------------------


def test_xlsxwriter_output_is_pinned(tmp_path: Path) -> None:
    """xlsxwriter's own constant_memory cell XML, spelled out: if a new xlsxwriter writes cells
    differently, this fails (and the byte comparisons below no longer prove what they did)."""

    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        bold, num = wb.add_format({"bold": True}), wb.add_format({"num_format": "0.0"})
        ws.set_row(1, 30, None, {"level": 1})
        ws.write_string(0, 0, "Tiêu đề", bold)
        ws.write_string(1, 0, " a&b<c>\x01_x0041_ ", bold)
        ws.write_number(1, 1, 0.1, num)
        ws.write_number(1, 2, 1e16, num)
        ws.write_blank(1, 3, None, num)
        ws.write_formula(1, 4, "=IF(B2>0,C2/B2,0)", num, 1e17)
        ws.write_string(2, 1, "<r>x</r>", bold)
        ws.write_number(2, 2, -0.0, bold)

    xml = _sheet_xml(_xlsx(tmp_path / "pin.xlsx", build, False), tmp_path)
    data = re.search("<sheetData>.*</sheetData>", xml)
    assert data is not None
    assert data.group(0) == (
        '<sheetData><row r="1"><c r="A1" s="1" t="inlineStr"><is><t>Tiêu đề</t></is></c></row>'
        '<row r="2" ht="30" customHeight="1" outlineLevel="1">'
        '<c r="A2" s="1" t="inlineStr"><is><t xml:space="preserve"> a&amp;b&lt;c&gt;_x0001__x005F_x0041_ </t>'
        '</is></c><c r="B2" s="2"><v>0.1</v></c><c r="C2" s="2"><v>1E+16</v></c><c r="D2" s="2"/>'
        '<c r="E2" s="2"><f>IF(B2&gt;0,C2/B2,0)</f><v>1e+17</v></c></row>'
        '<row r="3"><c r="B3" s="1" t="inlineStr"><is><r>x</r></is></c><c r="C3" s="1"><v>-0</v></c></row>'
        "</sheetData>"
    )
    assert '<dimension ref="A1:E3"/>' in xml


def test_xlsxwriter_leaves_the_plain_functions_alone(tmp_path: Path) -> None:
    """formula_body writes formulas calling only these functions without asking xlsxwriter, which
    rewrites newer functions (XLOOKUP to _xlfn.XLOOKUP...): none of these may be among them."""
    # Asked through xlsxwriter's public write_formula and read back from the file it wrote, in both
    # of its formula modes, so the check holds whatever xlsxwriter's internals are called.
    names = sorted(bulk._PLAIN_FUNCTIONS)
    for future in (False, True):
        path = tmp_path / f"f{future}.xlsx"
        wb = xlsxwriter.Workbook(str(path), {**OPTIONS, "use_future_functions": future})
        ws = wb.add_worksheet()
        for row, name in enumerate(names):
            ws.write_formula(row, 0, f"={name}(C1,B2:B9)", None, 0)
        ws.write_formula(len(names), 0, "=XLOOKUP(C1,B:B,D:D)", None, 0)
        wb.close()
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        for name in names:
            assert f"<f>{name}(C1,B2:B9)</f>" in xml
        assert "<f>XLOOKUP(C1,B:B,D:D)</f>" not in xml  # the check can fail: XLOOKUP is rewritten


def test_body_helpers_match_the_pinned_forms() -> None:
    assert bulk.string_body("a") == ' t="inlineStr"><is><t>a</t></is></c>'
    assert bulk.string_body(" a") == ' t="inlineStr"><is><t xml:space="preserve"> a</t></is></c>'
    assert bulk.string_body("_x0041_&") == ' t="inlineStr"><is><t>_x005F_x0041_&amp;</t></is></c>'
    assert bulk.number_body(1e-7) == "><v>1E-07</v></c>"
    assert bulk.formula_body("=MAX(G8*T-H8,0)", 0.5) == "><f>MAX(G8*T-H8,0)</f><v>0.5</v></c>"
    assert bulk.formula_body("=XLOOKUP(A1,B:B,C:C)", 0) is None  # xlsxwriter rewrites it
    assert bulk.formula_body("=COUNTIF(A:A,1)", 0) is None  # not known to be left alone
    assert bulk.formula_body("{=SUM(A1:A2)}", 0) is None


# ---- byte-identical blocks ---------------------------------------------------------------------


def test_every_nasty_string_and_number(tmp_path: Path) -> None:
    n = len(NASTY_STRINGS)

    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        ws.write_string(0, 0, "title", f[0])
        cells = Cells(n)
        cells.strings(0, NASTY_STRINGS, f[2])
        nums: list[float | None] = [NASTY_NUMBERS[i % len(NASTY_NUMBERS)] for i in range(n)]
        nums[3] = None
        cells.numbers(1, nums, f[1])
        cells.strings(2, [s if i % 3 else None for i, s in enumerate(reversed(NASTY_STRINGS))], f[3])
        cells.blanks(3, [i % 2 == 0 for i in range(n)], f[4])
        cells.formulas(
            4,
            [f"=IF(B{i + 3}>0,B{i + 3}/2,0)" if i % 4 else f"=SUM(B3:B{i + 3})" for i in range(n)],
            [NASTY_NUMBERS[-i % len(NASTY_NUMBERS)] for i in range(n)],
            f[1],
        )
        _write(ws, cells, 2, use_block)
        ws.write_string(n + 3, 0, "below", f[0])

    xml = assert_same(tmp_path, build)
    assert "_x005F_x0041_" in xml and "_x0007_" in xml and "&amp;amp;" in xml  # the planted cases ran
    assert "<v>1E+16</v>" in xml and "<v>-0</v>" in xml


def test_per_row_formats_and_format_order(tmp_path: Path) -> None:
    """Formats first used in later rows and columns get their xf index in xlsxwriter's order."""
    n = 40

    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        late = wb.add_format({"font_color": "#C00000"})
        equal_to_late = wb.add_format({"font_color": "#C00000"})
        per_row = [f[(i * 7) % 5] if i < 30 else (late if i % 2 else equal_to_late) for i in range(n)]
        cells = Cells(n)
        cells.numbers(3, [float(i) if i > 5 else None for i in range(n)], per_row)
        cells.strings(1, [f"r{i}" if i % 3 else None for i in range(n)], list(reversed(per_row)))
        cells.blanks(1, [i % 3 == 0 for i in range(n)], f[4])
        # The same per-row formats given as distinct formats and codes.
        cells.numbers(
            0, [None] * 10 + [1.5] * (n - 10), bulk.Formats([f[2], late], np.array([i % 2 for i in range(n)]))
        )
        _write(ws, cells, 0, use_block)

    assert_same(tmp_path, build)


def test_row_heights_levels_row_formats_and_rows_without_cells(tmp_path: Path) -> None:
    n = 30

    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        row_fmt = wb.add_format({"bg_color": "#FFEB84"})
        ws.set_row(0, 20, None, {"level": 1})  # row 0 without cells: xlsxwriter flushes it empty
        for i in range(n):
            if i % 4 == 0:
                ws.set_row(5 + i, 15.0 * (1 + i % 3), None, {"level": min(i % 9, 7)})
            elif i % 7 == 0:
                ws.set_row(5 + i, None, row_fmt)
            elif i % 11 == 0:
                ws.set_row(5 + i, None, None, {"hidden": True, "collapsed": True})
        cells = Cells(n)
        empty = {3, 4, 8, 16, 29}  # rows 8, 16 have set_row properties; 29 is the last
        cells.strings(0, [None if i in empty else f"k{i}" for i in range(n)], f[0])
        cells.numbers(2, [None if i in empty else i / 7 for i in range(n)], f[1])
        _write(ws, cells, 5, use_block)
        ws.set_row(n + 8, 40)
        ws.write_string(n + 8, 1, "after the block", f[2])

    assert_same(tmp_path, build)


def test_block_at_the_top_of_a_fresh_sheet_and_blocks_in_a_row(tmp_path: Path) -> None:
    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        ws.set_row(0, 30)
        for first, n in ((0, 3), (3, 1), (4, 5), (20, 2)):
            cells = Cells(n)
            cells.strings(first % 3, [f"{first}-{i}" for i in range(n)], f[first % 5])
            cells.numbers(5, [first + i for i in range(n)], f[1])
            _write(ws, cells, first, use_block)

    assert_same(tmp_path, build)


def test_a_block_with_one_row_or_no_cell(tmp_path: Path) -> None:
    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        ws.write_string(0, 0, "head", f[0])
        none = Cells(3)
        none.strings(0, [None, None, None], f[0])
        none.numbers(1, [None, math.nan, None], f[1])
        none.blanks(2, [False] * 3, f[2])
        _write(ws, none, 2, use_block)
        one = Cells(1)
        one.numbers(4, [3.25], f[1])
        _write(ws, one, 6, use_block)
        ws.write_string(7, 0, "tail", f[0])

    assert_same(tmp_path, build)


def test_formulas_xlsxwriter_rewrites_go_through_it(tmp_path: Path) -> None:
    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        cells = Cells(4)
        cells.formulas(
            0, ["=XLOOKUP(1,B:B,C:C)", "=SUM(A1:A1)", None, '=COUNTIF(B:B,">0")&"x"'], [0, 1.5, 0, 2], f[1]
        )
        cells.strings(1, ["a", None, "b", "c"], f[0])
        _write(ws, cells, 1, use_block)

    xml = assert_same(tmp_path, build)
    assert "_xlfn.XLOOKUP" in xml


def test_without_constant_memory_the_block_uses_xlsxwriter(tmp_path: Path) -> None:
    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        cells = Cells(5)
        cells.strings(0, ["a", "b", None, "a", "<&>"], f[0])
        cells.numbers(1, [1, 2.5, None, 1e-7, -0.0], f[1])
        _write(ws, cells, 2, use_block)

    assert_same(tmp_path, build, {**OPTIONS, "constant_memory": False})


def test_shared_strings_outside_constant_memory_are_xlsxwriter_s(tmp_path: Path) -> None:
    """A block that cannot write rows itself hands shared string cells to xlsxwriter too."""

    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        cells = Cells(4, shared=True)
        cells.strings(0, ["a", "b", None, "a"], f[0])
        _write(ws, cells, 2, use_block)

    xml = assert_same(tmp_path, build, {**OPTIONS, "constant_memory": False})
    assert 't="s"' in xml


# ---- shared strings ------------------------------------------------------------------------------


def _cells_read_back(data: bytes, tmp_path: Path) -> tuple[list[list[Any]], list[tuple[Any, ...]]]:
    """The sheet as read back: its values by calamine (which undoes Excel's _xHHHH_ escapes in line
    and in the shared-string table alike; openpyxl undoes them only in the table), and each cell's
    place, number format, bold and border by openpyxl."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    p = tmp_path / "back.xlsx"
    p.write_bytes(data)
    values = CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()
    wb = openpyxl.load_workbook(p)
    try:
        styles = [
            (c.coordinate, c.number_format, c.font.b, c.border.left.style)
            for row in wb.active.iter_rows()
            for c in row
        ]
    finally:
        wb.close()
    return values, styles


def _shared_table(data: bytes, tmp_path: Path) -> tuple[int, int, int]:
    """(count, uniqueCount, <si> elements) of the workbook's sharedStrings.xml."""
    p = tmp_path / "sst.xlsx"
    p.write_bytes(data)
    with zipfile.ZipFile(p) as z:
        sst = z.read("xl/sharedStrings.xml").decode("utf-8")
    head = re.search(r'<sst [^>]*count="(\d+)" uniqueCount="(\d+)"', sst)
    assert head is not None
    return int(head[1]), int(head[2]), sst.count("<si>")


def test_shared_string_cells_read_back_as_the_cells_written_in_line(tmp_path: Path) -> None:
    """Every nasty string, written through the shared-string table, reads back (openpyxl) with the
    value and format of the same cell written by xlsxwriter in line; the table counts every cell
    but the block's last row (which xlsxwriter writes itself, in line) and holds each text once."""
    strings = [*NASTY_STRINGS, *NASTY_STRINGS[:5], None, "plain"]
    n = len(strings)

    def build(shared: bool) -> Build:
        def inner(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
            f = _formats(wb)
            ws.write_string(0, 0, "title", f[0])
            cells = Cells(n, shared=shared)
            cells.strings(0, strings, [f[i % 3] for i in range(n)])
            cells.numbers(1, [float(i) for i in range(n)], f[1])
            cells.strings(2, [None if i % 4 == 0 else "NSTW" for i in range(n)], f[2])
            _write(ws, cells, 2, use_block)
            ws.write_string(n + 3, 0, "below", f[0])

        return inner

    inline = _xlsx(tmp_path / "inline.xlsx", build(False), False)
    shared = _xlsx(tmp_path / "shared.xlsx", build(True), True)
    assert _cells_read_back(shared, tmp_path) == _cells_read_back(inline, tmp_path)
    xml = _sheet_xml(shared, tmp_path)
    assert xml.count('t="s"') > n  # both string columns, all rows but the last
    last_row = (strings[-1] is not None) + ((n - 1) % 4 != 0)
    assert xml.count('t="inlineStr"') == 2 + last_row == 4  # the title, "below" and the last row's
    cells = sum(s is not None for s in strings[:-1]) + sum(i % 4 != 0 for i in range(n - 1))
    distinct = len({bulk._truncate(s) for s in strings[:-1] if s is not None}) + 1  # + "NSTW"
    assert _shared_table(shared, tmp_path) == (cells, distinct, distinct)


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x1F600), max_size=30
) | st.sampled_from(NASTY_STRINGS[:-4])
_number = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from(NASTY_NUMBERS),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_blocks(tmp_path: Path, data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=12), label="rows")
    strings = data.draw(st.lists(st.none() | _text, min_size=n, max_size=n), label="strings")
    numbers = data.draw(st.lists(st.none() | _number, min_size=n, max_size=n), label="numbers")
    blank = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="blanks")
    pick = data.draw(st.lists(st.integers(0, 4), min_size=n, max_size=n), label="formats")
    heights = data.draw(st.lists(st.none() | st.integers(0, 60), min_size=n, max_size=n), label="heights")
    first = data.draw(st.integers(min_value=1, max_value=5), label="first")

    shared = data.draw(st.booleans(), label="shared")

    def build(wb: Workbook, ws: Worksheet, use_block: bool) -> None:
        f = _formats(wb)
        ws.write_string(0, 1, "head", f[3])
        for i, h in enumerate(heights):
            if h is not None:
                ws.set_row(first + i, h, None, {"level": h % 8})
        cells = Cells(n, shared=shared)
        cells.strings(0, strings, [f[k] for k in pick])
        cells.numbers(2, [None if b else v for v, b in zip(numbers, blank, strict=True)], f[1])
        cells.blanks(2, blank, [f[4 - k] for k in pick])
        _write(ws, cells, first, use_block)
        ws.write_number(first + n + 1, 0, 1, f[0])

    if not shared:
        assert_same(tmp_path, build)
        return
    inline = _xlsx(tmp_path / "inline.xlsx", build, False)
    block = _xlsx(tmp_path / "block.xlsx", build, True)
    assert _cells_read_back(block, tmp_path) == _cells_read_back(inline, tmp_path)


# ---- misuse is refused --------------------------------------------------------------------------


def _sheet(tmp_path: Path) -> tuple[Workbook, Worksheet, Format]:
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), OPTIONS)
    ws = wb.add_worksheet()
    return wb, ws, wb.add_format({"bold": True})


def test_two_cells_in_one_place_are_refused(tmp_path: Path) -> None:
    wb, ws, fmt = _sheet(tmp_path)
    block = RowBlock(ws, 0, 2)
    block.numbers(0, [1.0, None], fmt)
    block.strings(0, ["a", "b"], fmt)
    with pytest.raises(ValueError, match="same place"):
        block.write()
    wb.close()


def test_a_block_above_written_rows_is_refused(tmp_path: Path) -> None:
    wb, ws, fmt = _sheet(tmp_path)
    ws.write_string(5, 0, "x", fmt)
    block = RowBlock(ws, 5, 2)
    block.strings(1, ["a", "b"], fmt)
    with pytest.raises(ValueError, match="below the rows"):
        block.write()
    block = RowBlock(ws, 2, 2)
    block.strings(1, ["a", "b"], fmt)
    with pytest.raises(ValueError, match="below the rows"):
        block.write()
    wb.close()


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    wb, ws, fmt = _sheet(tmp_path)
    block = RowBlock(ws, 0, 2)
    with pytest.raises(ValueError, match="2 rows"):
        block.strings(0, ["a"], fmt)
    with pytest.raises(ValueError, match="format"):
        block.strings(0, ["a", "b"], [fmt])
    with pytest.raises(TypeError, match="str"):
        block.strings(0, ["a", 3], fmt)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="infinite"):
        block.numbers(0, [1.0, math.inf], fmt)
    with pytest.raises(TypeError, match="numeric"):
        block.formulas(0, ["=1", None], ["x", 0], fmt)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="format"):
        block.numbers(0, [1.0, 2.0], bulk.Formats([fmt], np.array([0, 1])))
    with pytest.raises(ValueError, match="outside the texts"):
        block.coded_strings(0, np.array([0, 2]), ["a", "b"], fmt)
    with pytest.raises(TypeError, match="str"):
        block.coded_strings(0, np.array([0, -1]), [b"a"], fmt)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="column"):
        block.numbers(16384, [1.0, 2.0], fmt)
    with pytest.raises(ValueError, match="outside"):
        RowBlock(ws, 1_048_575, 2)
    wb.close()
