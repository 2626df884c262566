"""Sheet ``Kế hoạch vốn theo năm`` (SPEC 9): the ledger per unit and budget year, rendered from
``Result.ledger`` as it is (no figure is computed here, SPEC 10).

The sheet is written row by row (the workbook is in xlsxwriter's ``constant_memory`` mode). The small
format helpers here are shared with :mod:`reconcile.writers.sheet_treasury`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ...messages import MESSAGES, fmt_date, msg, status_label
from ...result import Result
from .. import palette
from ..bulk import Formats as BlockFormats
from ..bulk import RowBlock

#: No sheet holds more table rows than this (SPEC 5); ledger.csv holds everything.
MAX_ROWS = 50_000

#: Fill of each ledger status: SPEC 4's colours, yellow for the payment window, blue for funds that
#: live on in a later year.
LEDGER_COLOURS: dict[str, str] = {
    **{code: palette.hex_with_hash(c) for code, c in palette.STATUS_COLOURS.items()},
    "payment_window": "#FFEB9C",
    "carried_over": "#DDEBF7",
    "incomplete": "#D9D9D9",
}

_NUM_FORMATS = {
    "text": None,
    "year": "0",
    "int": "#,##0",
    "amount": "#,##0.0##",
    "estimate": "#,##0.0",
    "rate": "0.0%",
}


class Formats:
    """The cell formats of one sheet, made once per (kind, fill)."""

    def __init__(self, wb: Workbook, lang: str) -> None:
        self._wb = wb
        self._cache: dict[tuple[str, str | None], Format] = {}
        self.date_format = "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd"
        base = {"font_name": "Times New Roman", "font_size": 11}
        self.title = wb.add_format({**base, "bold": True, "font_size": 13})
        self.italic = wb.add_format({**base, "italic": True})
        self.header = wb.add_format(
            {
                **base,
                "bold": True,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                "border": 1,
                "bg_color": "#D9E1F2",
            }
        )

    def cell(self, kind: str, fill: str | None = None) -> Format:
        """A bordered table cell of ``kind`` (text, year, int, amount, estimate, rate, date)."""
        key = (kind, fill)
        if key not in self._cache:
            props: dict[str, Any] = {
                "font_name": "Times New Roman",
                "font_size": 11,
                "border": 1,
                "valign": "top",
            }
            number = self.date_format if kind == "date" else _NUM_FORMATS.get(kind)
            if number:
                props["num_format"] = number
            if kind == "text":
                props["text_wrap"] = True
            if fill:
                props["bg_color"] = fill
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


#: Control characters an xlsx cell cannot hold (tab and newline it can).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")


def clean_text(value: Any) -> str:
    """User text as a cell string: no control characters xlsx cannot hold, at most 32,767 characters."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text)[:32767]


def is_number(value: Any) -> bool:
    """A finite number (not NaN, not NA, not a bool)."""
    if value is None or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def write_value(ws: Worksheet, row: int, col: int, value: Any, kind: str, fmt: Format) -> None:
    """One table cell: numbers as numbers, dates as dates, text as text; a missing figure stays empty."""
    if kind == "text":
        ws.write_string(row, col, clean_text(value), fmt)
    elif kind == "date":
        if isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
        else:
            ws.write_blank(row, col, None, fmt)
    elif is_number(value):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def fit_row(ws: Worksheet, row: int, texts: Sequence[tuple[str, float]]) -> None:
    """Give a row the height its wrapped texts need ((text, column width) pairs): LibreOffice does
    not grow a row that xlsxwriter wrote without a height. Called before the row's cells are written
    (the sheet is written row by row)."""
    lines = max((_lines(text, width) for text, width in texts), default=1)
    if lines > 1:
        ws.set_row(row, 15 * lines)


def header_row(ws: Worksheet, fm: Formats, row: int, headers: Sequence[str], widths: Sequence[float]) -> None:
    """The table's header row, its column widths, frozen panes and a filter."""
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        ws.set_column(col, col, width)
        ws.write_string(row, col, text, fm.header)
    ws.set_row(row, 48)
    ws.freeze_panes(row + 1, 1)


def print_setup(ws: Worksheet, header: int, lang: str) -> None:
    """A4 landscape, one page wide, header row repeated, page numbers."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header)
    ws.set_footer(f"&C{msg('wb.page', lang)}")


def ledger_status_label(code: str, lang: str) -> str:
    """A ledger status in words: the ledger's own wording where it has one, else SPEC 4's label."""
    key = f"ledger.status.{code}"
    return msg(key, lang) if key in MESSAGES else status_label(code, lang)


#: (catalogue key of the header, ledger column, kind, width)
_COLUMNS: tuple[tuple[str, str, str, float], ...] = (
    ("wb.col.unit", "unit", "text", 30),
    ("wb.col.programme", "programme", "text", 12),
    ("wb.col.budget_year", "budget_year", "year", 10),
    ("wb.col.execution_year", "execution_year", "year", 10),
    ("ledger.col.brought_forward", "brought_forward", "amount", 15),
    ("ledger.col.allocated_in_year", "allocated_in_year", "amount", 15),
    ("ledger.col.adjustments", "adjustments", "amount", 13),
    ("ledger.col.allocated", "allocated", "amount", 15),
    ("ledger.col.disbursed", "disbursed", "amount", 15),
    ("ledger.col.remaining", "remaining", "amount", 15),
    ("wb.col.rate", "rate", "rate", 9),
    ("wb.col.deadline", "deadline", "date", 12),
    ("ledger.col.payment_until", "payment_until", "date", 13),
    ("wb.col.days_left", "days_left", "int", 10),
    ("ledger.col.required_per_month", "required_per_month", "estimate", 14),
    ("ledger.col.forecast_unspent", "forecast_unspent", "estimate", 17),
    ("wb.col.status", "status", "text", 24),
)


def write_ledger_sheet(wb: Workbook, result: Result, lang: str) -> None:
    """Add and fill the sheet ``Kế hoạch vốn theo năm`` from ``result.ledger``."""
    ws = wb.add_worksheet(msg("ledger.sheet", lang))
    fm = Formats(wb, lang)
    ledger = result.ledger
    rows = 0 if ledger is None else len(ledger)
    # With several units, their totals per budget year come first (computed with the ledger).
    totals = result.ledger_consolidated
    n_totals = 0 if totals is None else len(totals)
    ws.write_string(0, 0, msg("ledger.title", lang), fm.title)
    as_of = result.as_of
    lines = [
        msg("wb.as_of", lang, date=fmt_date(as_of, lang)) if as_of else msg("wb.as_of_unknown", lang),
        msg("wb.money_unit", lang),
        msg("ledger.pace", lang, pace=msg(f"pace.{result.settings.pace_name}", lang)),
        msg("ledger.note", lang),
    ]
    for i, line in enumerate(lines, start=1):
        ws.write_string(i, 0, line, fm.italic)
    header = len(lines) + 2
    header_row(ws, fm, header, [msg(k, lang) for k, *_ in _COLUMNS], [w for *_, w in _COLUMNS])
    shown = max(min(rows, MAX_ROWS - n_totals), 0)
    parts = [t for t in (totals, None if ledger is None else ledger.iloc[:shown]) if t is not None and len(t)]
    table = pd.concat(parts, ignore_index=True) if parts else None
    n = 0 if table is None else len(table)
    if table is not None:
        _write_rows(ws, fm, table, header + 1, n_totals, lang)
    last = header + n
    ws.autofilter(header, 0, max(last, header), len(_COLUMNS) - 1)
    if rows > shown:
        ws.write_string(
            last + 2,
            0,
            msg("wb.truncated", lang, shown=shown, total=rows, csv="ledger.csv"),
            fm.italic,
        )
    print_setup(ws, header, lang)


def _write_rows(
    ws: Worksheet, fm: Formats, table: pd.DataFrame, first: int, n_totals: int, lang: str
) -> None:
    """The table's rows, column by column into one block (a national ledger has ~40,000 rows: cell by
    cell through xlsxwriter they took ~5 s of the run, bench/README.md)."""
    n = len(table)
    status_codes, statuses = pd.factorize(table["status"].astype(str), sort=False)
    labels = [ledger_status_label(str(s), lang) for s in statuses]
    raw_codes, raw_units = pd.factorize(table["unit"].astype(object), sort=False, use_na_sentinel=False)
    shown = np.array([clean_text(u) or msg("wb.unit_unknown", lang) for u in raw_units], dtype=object)
    units = shown[raw_codes] if n else np.zeros(0, dtype=object)
    units[:n_totals] = msg("wb.all_units", lang)
    unit_codes, unit_texts = pd.factorize(units, sort=False)
    # Row heights before the block is written: LibreOffice does not grow a row xlsxwriter left without one.
    unit_lines = np.array([_lines(t, _COLUMNS[0][3]) for t in unit_texts], dtype=np.int64)
    status_lines = np.array([_lines(t, _COLUMNS[-1][3]) for t in labels], dtype=np.int64)
    lines = np.maximum(unit_lines[unit_codes], status_lines[status_codes]) if n else np.zeros(0, np.int64)
    for i in np.flatnonzero(lines > 1).tolist():
        ws.set_row(first + i, 15 * int(lines[i]))
    block = RowBlock(ws, first, n)
    for col, (_, name, kind, _w) in enumerate(_COLUMNS):
        if name == "status":
            fills = [fm.cell("text", LEDGER_COLOURS.get(str(s))) for s in statuses]
            block.coded_strings(col, status_codes, labels, BlockFormats(fills, status_codes), shared=True)
        elif name == "unit":
            block.coded_strings(col, unit_codes, [str(t) for t in unit_texts], fm.cell("text"), shared=True)
        elif kind == "text":
            codes, raw = pd.factorize(table[name].astype(object), sort=False, use_na_sentinel=False)
            block.coded_strings(col, codes, [clean_text(t) for t in raw], fm.cell("text"), shared=True)
        else:
            values = _date_serials(table[name]) if kind == "date" else _finite(table[name])
            block.numbers(col, values, fm.cell(kind))
            block.blanks(col, np.isnan(values), fm.cell(kind))
    block.write()


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column of ``width``."""
    per_line = max(width - 1.5, 1.0)  # a column of width w holds about w - 1.5 characters
    return max(1, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))


def _finite(column: pd.Series) -> np.ndarray:
    """A column as floats, NaN where it holds no finite number (missing, text, a bool)."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isfinite(values), values, np.nan)
    return np.array([float(v) if is_number(v) else math.nan for v in column.tolist()], dtype=np.float64)


_EPOCH = dt.date(1899, 12, 30)  # day 0 of the spreadsheet's serial dates (1900 system, after March 1900)


def _date_serials(column: pd.Series) -> np.ndarray:
    """Dates as spreadsheet serial numbers (what xlsxwriter's write_datetime writes), NaN for no date."""
    return np.array([_serial(v) for v in column.tolist()], dtype=np.float64)


def _serial(value: Any) -> float:
    if value is None or value is pd.NaT or not isinstance(value, dt.date):
        return math.nan
    day = value.date() if isinstance(value, dt.datetime) else value
    return float((day - _EPOCH).days)
