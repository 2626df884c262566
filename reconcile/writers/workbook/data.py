"""The Dữ liệu sheet: the extracted line items (``Result.items``), capped at MAX_ROWS rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from xlsxwriter.worksheet import Worksheet

from ...messages import fmt_number, msg
from ...models import LINE_ITEM_CSV_COLUMNS, MAX_ROWS, is_missing
from ...result import Result
from ...values import date as _date
from ...values import num as _num
from ...values import serial as _serial
from ...values import text as _text
from ..bulk import RowBlock
from .common import (
    _HEADER_HEIGHT,
    _as_of_text,
    _display_len,
    _print_setup,
    _source_text,
    _Styles,
    _title_block,
    _units_text,
    _Widths,
)

# ---- Dữ liệu (data) ---------------------------------------------------------------------------------

#: Header and cell kind of each line-item column; a column added to LINE_ITEM_COLUMNS later still
#: shows (as text under its own name).
_DATA_KINDS: dict[str, tuple[str, str]] = {
    "unit": ("wb.col.unit", "text"),
    "budget_year": ("wb.col.budget_year", "year"),
    "execution_year": ("wb.col.execution_year", "year"),
    "project": ("wb.col.project", "whole"),
    "sub_project": ("wb.col.sub_project", "whole"),
    "source": ("wb.col.source", "source"),
    "period": ("wb.col.period", "date"),
    "allocated": ("wb.col.allocated", "amount"),
    "disbursed": ("wb.col.disbursed_cum", "amount"),
    "disbursed_in_month": ("wb.col.disbursed_in_month", "amount"),
    "label": ("wb.col.label", "text"),
    "file": ("wb.col.file", "text"),
    "sheet": ("wb.col.sheet", "text"),
    "row": ("wb.col.row", "whole"),
    "allocated_cell": ("wb.col.allocated_cell", "text"),
    "disbursed_cell": ("wb.col.disbursed_cell", "text"),
    "in_month_cell": ("wb.col.in_month_cell", "text"),
    "programme": ("wb.col.programme", "text"),
    "project_code": ("wb.col.project_code", "text"),
    "project_name": ("wb.col.project_name", "text"),
}


def _data_text(series: pd.Series, kind: str, lang: str) -> tuple[np.ndarray, list[str]]:
    """Cell values of a text column as codes into a list of texts (code -1: no cell), each distinct
    value converted once when the values are all strings."""

    def fn(v: object) -> str | None:
        if is_missing(v):
            return None
        return (_source_text(v, lang) if kind == "source" else _text(v)) or None

    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    if all(isinstance(u, str) or is_missing(u) for u in uniques):
        results = [fn(u) for u in uniques]
        table = np.array([-1 if r is None else j for j, r in enumerate(results)], dtype=np.int64)
        return table[codes], [r or "" for r in results]
    # Equal values of different types (1, 1.0, True) can have different texts: one by one.
    values = np.array([fn(v) for v in series.tolist()], dtype=object)
    one_by_one, texts = pd.factorize(values, use_na_sentinel=True)
    return one_by_one, list(texts)


def _data_numbers(series: pd.Series, kind: str) -> np.ndarray:
    """Cell values of a number column (date serials for dates), NaN for no cell."""
    if kind == "date":
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        serials = [_date(u) for u in uniques]
        table = np.array([np.nan if d is None else float(_serial(d)) for d in serials] + [np.nan])
        return table[codes]
    if series.dtype.kind in "fiu" or isinstance(series.dtype, pd.Int64Dtype):
        # The same value _num gives each cell: finite floats kept, everything else no cell.
        v = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isfinite(v), v, np.nan)
    return np.array([np.nan if (x := _num(v)) is None else x for v in series.tolist()], dtype=np.float64)


def _widest(values: np.ndarray, spec: str) -> int:
    """``max(len(f"{v:{spec}}"))`` over the cells, 1 with none: a number's width grows with its
    size on either side of zero, so the largest, the smallest and a negative zero decide it."""
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return 1
    candidates = [float(v.max()), float(v.min())]
    if (np.signbit(v) & (v == 0)).any():
        candidates.append(-0.0)
    return max(len(f"{x:{spec}}") for x in candidates)


def _write_data(ws: Worksheet, st: _Styles, result: Result, lang: str) -> None:
    items = result.items
    total = 0 if items is None else len(items)
    n = min(total, MAX_ROWS)
    head = items.iloc[:n] if items is not None else None
    columns = list(LINE_ITEM_CSV_COLUMNS)

    row = _title_block(ws, st, msg("wb.data_title", lang), [])
    if total > n:
        text = msg(
            "wb.truncated",
            lang,
            shown=fmt_number(n, 0, lang),
            total=fmt_number(total, 0, lang),
            csv="line_items.csv",
        )
        ws.write_string(row, 0, text, st.note())
    else:
        ws.write_string(row, 0, msg("wb.data_count", lang, count=fmt_number(total, 0, lang)), st.italic())
    header_row = row + 1
    widths = _Widths({columns.index("label"): 60})
    ws.set_row(header_row, _HEADER_HEIGHT)
    first = header_row + 1
    # Column by column into one block: xlsxwriter would take ~4 us a cell, 850,000 cells on a full sheet.
    block = RowBlock(ws, first, n)
    for col, name in enumerate(columns):
        key, kind = _DATA_KINDS.get(name, ("", "text"))
        text = msg(key, lang) if key else name
        ws.write_string(header_row, col, text, st.header())
        widths.see_header(col, text)
        if head is not None and name in head.columns:
            series = head[name]
        else:
            series = pd.Series([None] * n, dtype=object)
        if kind in ("text", "source"):
            codes, texts = _data_text(series, kind, lang)
            block.coded_strings(col, codes, texts, st.plain("text"), shared=True)
            widths.see(col, max((_display_len(t) for t in texts if t), default=0))
        else:
            numbers = _data_numbers(series, kind)
            block.numbers(col, numbers, st.plain(kind))
            if kind == "amount":
                widths.see(col, _widest(numbers, ",.1f"))
            elif kind == "date":
                widths.see(col, 10)
            else:
                widths.see(col, _widest(numbers, ",.0f"))
    block.write()
    last = max(first + n - 1, header_row)
    ws.autofilter(header_row, 0, last, len(columns) - 1)
    ws.freeze_panes(header_row + 1, 0)
    widths.apply(ws)
    _print_setup(ws, header_row, _units_text(result, lang), _as_of_text(result, lang), lang)
