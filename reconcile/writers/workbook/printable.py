"""The "Bản in Tổng hợp" sheet: the summary laid out for paper (A4 landscape, text at 10 pt, printed
at an explicit scale), with the unit, the period, a date line and the signature block official tables
carry (Người lập biểu / Kế toán trưởng / Thủ trưởng đơn vị).

The Tổng hợp sheet is the working table (16 columns, filters, formulas): fitted to one A4 width it
prints at about 5 pt. This sheet takes the same planned lines (:mod:`.summary_plan`, figures of
``Result.totals`` and the keys) and shows only what an accountant signs on paper: STT, Nội dung,
source, allocation, disbursed, rate, shortfall, status, deadline and the amount needed per month.
Its column widths are fixed (long names wrap), so the page width, hence the scale, does not depend
on the data; :data:`PRINT_FONT_SIZE` x the scale is the printed text size (>= 9 pt).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ...messages import fmt_number, msg, status_label
from ...result import Result
from ...values import serial as _serial
from ...values import text as _text
from ..bulk import RowBlock
from .common import STATUS_COLOURS, _as_of_text, _header_footer_text, _units_text, _wrap_lines
from .summary_plan import _C_ALLOC, _C_DISB, _C_MONTHLY, _C_RATE, _C_SHORT, _Line

#: Font size (points) of every cell of the sheet but the title, before the print scale.
PRINT_FONT_SIZE = 10
TITLE_FONT_SIZE = 12
#: The smallest printed text size the sheet promises (points, on paper).
MIN_PRINTED_PT = 9
#: A4 landscape and its margins (inches): what one page holds across, in points.
A4_LANDSCAPE_WIDTH_PT = 841.89
MARGIN_LEFT = MARGIN_RIGHT = 0.4
PRINTABLE_WIDTH_PT = A4_LANDSCAPE_WIDTH_PT - 72 * (MARGIN_LEFT + MARGIN_RIGHT)
#: Points per character of column width where columns print widest: LibreOffice with DejaVu Sans
#: standing in for Calibri (measured on its PDF: 6.99 pt; Excel with Calibri gives 5.25 pt + 3.75).
#: The scale is computed from it so that the table fits one page wide in either program.
WIDEST_PT_PER_CHAR = 7.0

#: The columns on paper: catalogue key of the header, width (characters), kind of cell.
_COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("wb.print.col.no", 4.5, "center"),
    ("wb.print.col.item", 30, "wrap"),
    ("wb.col.source", 6.5, "wrap"),
    ("wb.col.allocated", 10, "amount"),
    ("wb.col.disbursed", 10, "amount"),
    ("wb.col.rate", 6.5, "rate"),
    ("wb.col.shortfall", 10, "amount"),
    ("wb.col.status", 11, "wrap"),
    ("wb.col.deadline", 10, "date"),
    ("wb.col.required_monthly", 9.5, "estimate"),
)
_P_NO, _P_ITEM, _P_SRC, _P_ALLOC, _P_DISB, _P_RATE, _P_SHORT, _P_STATUS, _P_DEADLINE, _P_MONTHLY = range(10)
_LAST = len(_COLUMNS) - 1
#: The figure columns: where each comes from (the summary plan's column and the key's own figure,
#: None for the cached value) and its kind.
_FIGURES: tuple[tuple[int, int, str | None, str], ...] = (
    (_P_ALLOC, _C_ALLOC, "allocated", "amount"),
    (_P_DISB, _C_DISB, "disbursed", "amount"),
    (_P_RATE, _C_RATE, None, "rate"),
    (_P_SHORT, _C_SHORT, None, "amount"),
    (_P_MONTHLY, _C_MONTHLY, "required_monthly", "estimate"),
)
_LINE_HEIGHT = 13.5  # points per wrapped line at 10 pt
_HEADER_HEIGHT = 50  # three wrapped lines at 10 pt, bold


def column_width_px(width: float) -> int:
    """The pixel width Excel gives a column set ``width`` characters wide (as xlsxwriter writes it:
    the file stores pixels / 7, so 30 becomes 30.7109375)."""
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def table_width_pt(widths: list[float]) -> float:
    """The widest printed width of columns ``widths`` at 100%, in points (see WIDEST_PT_PER_CHAR)."""
    return sum(column_width_px(w) / 7 for w in widths) * WIDEST_PT_PER_CHAR


#: The narrowest Nội dung column: wider figures take their room from it before the scale drops.
_MIN_ITEM_WIDTH = 20.0


def _shown(value: float, kind: str) -> str:
    """A figure as its number format shows it (``#,##0.0##``, ``#,##0.0``), thousands marks included."""
    if kind == "estimate":
        return f"{value:,.1f}"
    text = f"{value:,.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _needed_width(text: str) -> float:
    """Characters of column width a bold figure needs where it prints widest (a digit is about one
    character of width in DejaVu Sans Bold, a mark or sign about half), with the cell's padding."""
    return sum(1.0 if c.isdigit() else 0.55 for c in text) + 1.0


def column_widths(lines: list[_Line]) -> list[float]:
    """The widths of the ten columns for ``lines``: the figure columns grow to show their largest
    figure (never "###" on paper), taking the room from Nội dung down to :data:`_MIN_ITEM_WIDTH`."""
    widths = [w for _, w, _ in _COLUMNS]
    for col, src_col, own, kind in _FIGURES:
        if kind == "rate":
            continue
        longest = 0.0
        for line in lines:
            value = _figure(line, src_col, line.cached.get(src_col) if own is None else getattr(line, own))
            if value is not None:
                longest = max(longest, _needed_width(_shown(value, kind)))
        widths[col] = max(widths[col], math.ceil(longest * 2) / 2)
    excess = sum(widths) - sum(w for _, w, _ in _COLUMNS)
    widths[_P_ITEM] = max(_MIN_ITEM_WIDTH, widths[_P_ITEM] - excess)
    return widths


def print_scale(widths: list[float]) -> int:
    """The print scale (%) that fits ``widths`` to one A4 landscape width: 100 when they fit."""
    return min(100, int(PRINTABLE_WIDTH_PT / table_width_pt(widths) * 100))


@dataclass(frozen=True, slots=True)
class SummaryPlan:
    """What the Tổng hợp sheet showed: its main lines, the consolidated block, and its note."""

    main: list[_Line]
    cons: list[_Line]
    note: str = ""


class _Formats:
    """The sheet's cell formats, all at :data:`PRINT_FONT_SIZE` unless told."""

    def __init__(self, wb: Workbook, lang: str) -> None:
        self._wb = wb
        self._cache: dict[tuple[Any, ...], Format] = {}
        self._num = {
            "amount": "#,##0.0##",
            "estimate": "#,##0.0",
            "rate": "0.0%",
            "date": "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd",
        }

    def get(self, kind: str, bold: bool = False, fill: str | None = None, **extra: Any) -> Format:
        key = (kind, bold, fill, tuple(sorted(extra.items())))
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"font_size": PRINT_FONT_SIZE, "valign": "top"}
            if kind != "plain":
                props |= {"border": 1, "border_color": "#808080"}
            if kind in self._num:
                props["num_format"] = self._num[kind]
            if kind in ("center", "date"):
                props["align"] = "center"
            if kind == "wrap":
                props["text_wrap"] = True
            if bold:
                props["bold"] = True
            if fill:
                props["bg_color"] = fill
            props |= extra
            fmt = self._cache[key] = self._wb.add_format(props)
        return fmt


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")):
        while n >= value:
            out, n = out + letters, n - value
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    """A, B, ..., Z, AA, AB, ... for n = 1, 2, ..."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _numbers_and_items(lines: list[_Line]) -> list[tuple[str, str]]:
    """STT and Nội dung of each line, the way official tables number them: units A, B; years I, II;
    projects 1, 2; a project's keys 1.1, 1.2 (a project with one key is numbered as a project)."""
    parent: dict[int, int] = {}
    for i, line in enumerate(lines):
        for child in line.children:
            parent[child] = i
    counters: dict[int, int] = {}
    numbers: dict[int, str] = {}
    out: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        p = parent.get(i)
        n = 0
        if p is not None:
            n = counters[p] = counters.get(p, 0) + 1
        owner = lines[p] if p is not None else None
        if line.kind == "total":
            no, item = "", line.project
        elif line.kind == "unit":
            no, item = _letters(n), line.unit
        elif line.kind == "year":
            no, item = _roman(n), line.project
        elif line.kind == "project":
            no, item = str(n), line.project
        elif owner is not None and owner.kind == "project":
            no = f"{numbers[p]}.{n}" if p is not None else str(n)
            item = line.sub_project or line.project
        else:
            no = str(n)
            item = f"{line.project} – {line.sub_project}" if line.sub_project else line.project
        numbers[i] = no
        out.append((no, item))
    return out


def _figure(line: _Line, col: int, own: float | None) -> float | None:
    """A figure of a line on paper: a key's own, a subtotal's cached sum; None when not known."""
    if col in line.unknown:
        return None
    if line.kind == "detail":
        return own
    return line.cached.get(col)


def _period_text(result: Result, lang: str) -> str:
    periods = sorted(result.periods)
    as_of = _as_of_text(result, lang)
    if not periods:
        return as_of
    first, last = periods[0], periods[-1]
    if (first.year, first.month) == (last.year, last.month):
        span = msg("wb.print.period_one", lang, month=f"{last.month:02d}/{last.year}")
    else:
        span = msg(
            "wb.print.period_span",
            lang,
            first=f"{first.month:02d}/{first.year}",
            last=f"{last.month:02d}/{last.year}",
        )
    return f"{span} ({as_of[:1].lower()}{as_of[1:]})"


def _target_text(target: float, lang: str) -> str:
    return msg("wb.print.target", lang, target=fmt_number(target * 100, 1, lang) + "%")


_FILLS = {"total": "#D9D9D9", "unit": "#E4E4E4", "year": "#EDEDED", "project": "#F5F5F5"}


def _write_lines(
    ws: Worksheet, fm: _Formats, lines: list[_Line], row: int, lang: str, widths: list[float]
) -> int:
    """The table rows of ``lines`` from ``row``, column by column into one block (a 50,000-line
    summary would take seconds cell by cell); returns the next free row."""
    n = len(lines)
    if n == 0:
        return row
    wraps: dict[tuple[str, int, bool], int] = {}

    def wrapped(text: str, col: int, bold: bool) -> int:
        key = (text, col, bold)
        got = wraps.get(key)
        if got is None:
            # _wrap_lines counts 11 pt text; ours is 10 pt, so a line holds a tenth more.
            got = wraps[key] = _wrap_lines(text, widths[col] * 11 / PRINT_FONT_SIZE, bold)
        return got

    labels = {code: status_label(code, lang) for code in STATUS_COLOURS}
    columns: dict[int, list[Any]] = {col: [] for col in range(len(_COLUMNS))}
    formats: dict[int, list[Format]] = {col: [] for col in range(len(_COLUMNS))}
    row_formats: dict[tuple[str, int, str], list[Format]] = {}

    def formats_of(line: _Line, status: str) -> list[Format]:
        """The formats of a line's ten cells, made once per kind of line, depth and status."""
        depth = min(line.depth, 4)
        key = (line.kind, depth, line.status if status else "")
        got = row_formats.get(key)
        if got is None:
            bold = line.kind != "detail"
            fill = _FILLS.get(line.kind)
            got = [fm.get(kind, bold, fill) for _key, _width, kind in _COLUMNS]
            got[_P_ITEM] = fm.get("wrap", bold, fill, indent=depth)
            got[_P_STATUS] = fm.get("wrap", bold, STATUS_COLOURS.get(line.status) if status else fill)
            row_formats[key] = got
        return got

    for i, (line, (no, item)) in enumerate(zip(lines, _numbers_and_items(lines), strict=True)):
        detail = line.kind == "detail"
        bold = not detail
        status = labels.get(line.status, "") if detail else ""
        source = _text(line.source) if detail else ""
        height = max(
            wrapped(item, _P_ITEM, bold), wrapped(source, _P_SRC, bold), wrapped(status, _P_STATUS, bold)
        )
        if height > 1:
            ws.set_row(row + i, _LINE_HEIGHT * height)
        for col, fmt in enumerate(formats_of(line, status)):
            formats[col].append(fmt)
        columns[_P_NO].append(no)
        columns[_P_ITEM].append(_text(item))
        columns[_P_SRC].append(source)
        for col, src_col, own, _kind in _FIGURES:
            value = line.cached.get(src_col) if own is None else getattr(line, own)
            columns[col].append(_figure(line, src_col, value))
        columns[_P_STATUS].append(status)
        columns[_P_DEADLINE].append(_serial(line.deadline) if detail and line.deadline is not None else None)

    block = RowBlock(ws, row, n)
    for col, (_key, _width, kind) in enumerate(_COLUMNS):
        values = columns[col]
        if kind in ("center", "wrap"):
            block.strings(col, values, formats[col], shared=True)
        else:
            block.numbers(col, [math.nan if v is None else v for v in values], formats[col])
            block.blanks(col, [v is None for v in values], formats[col])
    block.write()
    return row + n


def _write_header(ws: Worksheet, fm: _Formats, row: int, lang: str) -> None:
    ws.set_row(row, _HEADER_HEIGHT)
    head = fm.get("wrap", True, "#D9E1F2", align="center", valign="vcenter")
    for col, (key, _w, _k) in enumerate(_COLUMNS):
        ws.write_string(row, col, msg(key, lang), head)


def _write_signatures(ws: Worksheet, fm: _Formats, row: int, lang: str) -> int:
    """The date line and the three signatures under the table; returns the row after them."""
    centre = fm.get("plain", align="center")
    ws.merge_range(
        row,
        _P_STATUS,
        row,
        _LAST,
        msg("wb.print.date_line", lang),
        fm.get("plain", align="center", italic=True),
    )
    row += 1
    spans = ((0, _P_ITEM), (_P_SRC, _P_SHORT), (_P_STATUS, _LAST))
    titles = ("wb.print.prepared_by", "wb.print.chief_accountant", "wb.print.head")
    hints = ("wb.print.sign", "wb.print.sign", "wb.print.sign_seal")
    for keys, fmt in (
        (titles, fm.get("plain", True, align="center")),
        (hints, fm.get("plain", align="center", italic=True)),
    ):
        for (a, b), key in zip(spans, keys, strict=True):
            ws.merge_range(row, a, row, b, msg(key, lang), fmt)
        row += 1
    ws.set_row(row, 60)  # room to sign
    ws.write_blank(row, 0, None, centre)
    return row + 1


def write_print_sheet(ws: Worksheet, wb: Workbook, result: Result, lang: str, plan: SummaryPlan) -> None:
    """Write the printable summary into ``ws`` (added right after the Tổng hợp sheet)."""
    fm = _Formats(wb, lang)
    widths = column_widths([*plan.main, *plan.cons])
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    units = _units_text(result, lang)
    period = _period_text(result, lang)

    ws.write_string(0, 0, _text(msg("wb.units", lang, units=units)), fm.get("plain", True))
    ws.set_row(1, 36)  # the title takes two lines at 12 pt
    ws.merge_range(
        1,
        0,
        1,
        _LAST,
        msg("wb.title", lang),
        fm.get("plain", True, font_size=TITLE_FONT_SIZE, align="center", valign="vcenter", text_wrap=True),
    )
    ws.merge_range(2, 0, 2, _LAST, period, fm.get("plain", align="center", italic=True))
    ws.merge_range(3, 0, 3, _P_SHORT, _target_text(result.settings.target, lang), fm.get("plain"))
    ws.merge_range(
        3, _P_STATUS, 3, _LAST, msg("wb.money_unit", lang), fm.get("plain", align="right", italic=True)
    )
    row = 4
    if plan.note:
        ws.set_row(row, _LINE_HEIGHT * 2)
        ws.merge_range(
            row, 0, row, _LAST, plan.note, fm.get("plain", True, font_color="#C00000", text_wrap=True)
        )
        row += 1
    header_row = row
    _write_header(ws, fm, header_row, lang)
    row = _write_lines(ws, fm, plan.main, header_row + 1, lang, widths)
    if plan.cons:
        row += 1
        ws.merge_range(row, 0, row, _LAST, msg("wb.all_units", lang), fm.get("plain", True))
        row += 1
        _write_header(ws, fm, row, lang)
        row = _write_lines(ws, fm, plan.cons, row + 1, lang, widths)
    row = _write_signatures(ws, fm, row + 1, lang)

    ws.print_area(0, 0, row - 1, _LAST)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    # An explicit scale, not fit-to-width: the widths above are fixed, so the text prints at
    # PRINT_FONT_SIZE x scale whatever the data (tests/test_print.py checks it on the PDF).
    ws.set_print_scale(print_scale(widths))
    ws.repeat_rows(header_row)
    ws.set_margins(left=MARGIN_LEFT, right=MARGIN_RIGHT, top=0.75, bottom=0.6)
    ws.set_header(f"&L&10{_header_footer_text(units)}&R&10{_header_footer_text(period)}")
    ws.set_footer(f"&C&10{msg('wb.page', lang)}")
    ws.hide_gridlines(2)
    ws.center_horizontally()  # Excel's narrower columns leave room: share it on both sides
