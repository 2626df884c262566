"""The Tổng hợp sheet: one row per key at its latest period, grouped by unit, year and project, with
live SUM, rate and shortfall formulas whose cached values are the figures of ``Result.totals``.
"""

from __future__ import annotations

from itertools import accumulate

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ...messages import fmt_number, msg, status_label
from ...models import MAX_ROWS, STATUSES
from ...result import Result
from ...values import serial as _serial
from ...values import text as _text
from ..bulk import Formats, RowBlock
from .common import (
    _HEADER_HEIGHT,
    _LEGEND,
    STATUS_COLOURS,
    _amount_chars,
    _as_of_text,
    _display_len,
    _print_setup,
    _Styles,
    _sum_formula,
    _units_text,
    _Widths,
    _wrap_lines,
    workbook_title,
)
from .printable import SummaryPlan
from .summary_plan import (
    _C_ALLOC,
    _C_BY,
    _C_DAYS,
    _C_DEADLINE,
    _C_DISB,
    _C_EXPECTED,
    _C_EY,
    _C_MONTHLY,
    _C_PROJ,
    _C_PROJECTION,
    _C_RATE,
    _C_SHORT,
    _C_SRC,
    _C_STATUS,
    _C_SUB,
    _C_UNIT,
    _SUMMARY_COLUMNS,
    _SUMMARY_TITLE_ROWS,
    _TARGET_CELL,
    _details,
    _Line,
    _plan,
    _plan_size,
    _scope,
)


def _write_summary_header(ws: Worksheet, st: _Styles, row: int, lang: str, widths: _Widths) -> None:
    ws.set_row(row, _HEADER_HEIGHT)
    for col, (key, _kind) in enumerate(_SUMMARY_COLUMNS):
        text = msg(key, lang)
        ws.write_string(row, col, text, st.header())
        widths.see_header(col, text)


def _write_summary_lines(
    ws: Worksheet,
    st: _Styles,
    lines: list[_Line],
    first_row: int,
    lang: str,
    target_name: str,
    widths: _Widths,
) -> None:
    """The planned lines from ``first_row`` down, column by column into one block."""
    n = len(lines)
    if n == 0:
        return
    row_of = [first_row + i for i in range(n)]
    kinds = [line.kind for line in lines]
    detail = [k == "detail" for k in kinds]

    kind_codes, row_kinds = pd.factorize(pd.Series(kinds, dtype=object))

    def formats(kind: str) -> Formats:
        return Formats([st.cell(kind, rk) for rk in row_kinds], kind_codes)

    # Row heights from the widths as they stand when each row is reached: a name in capitals seen
    # on an earlier row widens its column for the rows after it.
    caps = {
        _C_PROJ: [_display_len(line.project) for line in lines],
        _C_SUB: [_display_len(line.sub_project) for line in lines],
    }
    running = {col: list(accumulate(seen[:-1], max, initial=widths.seen(col))) for col, seen in caps.items()}
    wraps: dict[tuple[str, float, bool], int] = {}

    def wrapped(text: str, width: float, bold: bool) -> int:
        key = (text, width, bold)
        got = wraps.get(key)
        if got is None:
            got = wraps[key] = _wrap_lines(text, width, bold)
        return got

    for i, line in enumerate(lines):
        bold = not detail[i]
        lines_needed = max(
            wrapped(line.project, widths.width_for(_C_PROJ, running[_C_PROJ][i]), bold),
            wrapped(line.sub_project, widths.width_for(_C_SUB, running[_C_SUB][i]), bold),
        )
        height = None if lines_needed <= 1 else 15.0 * lines_needed
        if line.depth or height:
            ws.set_row(row_of[i], height, None, {"level": min(line.depth, 7)})

    block = RowBlock(ws, first_row, n)
    texts: dict[str, str] = {}

    def text_of(v: str) -> str:
        t = texts.get(v)
        if t is None:
            t = texts[v] = _text(v)
        return t

    for col, values, kind in (
        (_C_UNIT, [line.unit for line in lines], "text"),
        (_C_PROJ, [line.project for line in lines], "wrap"),
        (_C_SUB, [line.sub_project for line in lines], "wrap"),
        (_C_SRC, [line.source for line in lines], "text"),
    ):
        block.strings(col, [text_of(v) for v in values], formats(kind), shared=True)
        widths.see(col, max(_display_len(v) for v in set(values)))
    for col, years in (
        (_C_BY, [line.budget_year for line in lines]),
        (_C_EY, [line.execution_year for line in lines]),
    ):
        fmts = formats("year")
        block.numbers(col, [np.nan if y is None else y for y in years], fmts)
        block.blanks(col, [y is None for y in years], fmts)
        if any(y is not None for y in years):
            widths.see(col, 4)

    # One SUM per subtotal row, its column letter left to fill in (every summed column is one
    # letter wide, so the length limit holds alike).
    sum_of = {
        i: _sum_formula("\x00", [row_of[j] for j in line.children])
        for i, line in enumerate(lines)
        if not detail[i]
    }

    def amounts(col: int, kind: str, own: list[float | None] | None) -> None:
        """A summed column: the line's own figure (None: empty) on detail rows when ``own`` is given,
        a SUM of the children on subtotal rows (their value when the formula would be too long)."""
        fmts = formats(kind)
        letter = xl_col_to_name(col)
        numbers: list[float | None] = [None] * n
        blanks = [False] * n
        sums: list[str | None] = [None] * n
        cached = [0.0] * n
        for i, line in enumerate(lines):
            if detail[i]:
                if own is not None:
                    numbers[i] = own[i]
                    blanks[i] = own[i] is None
                elif col in line.unknown:
                    blanks[i] = True
                continue
            if col in line.unknown:
                blanks[i] = True  # a subtotal over a figure that is not known is not known
                continue
            template = sum_of[i]
            formula = None if template is None else template.replace("\x00", letter)
            if formula is None:
                numbers[i] = line.cached[col]
            else:
                sums[i], cached[i] = formula, line.cached[col]
        block.numbers(col, [np.nan if v is None else v for v in numbers], fmts)
        block.blanks(col, blanks, fmts)
        block.formulas(col, sums, cached, fmts)

    allocated = [line.allocated for line in lines]
    disbursed = [line.disbursed for line in lines]
    amounts(_C_ALLOC, "amount", allocated)
    amounts(_C_DISB, "amount", disbursed)
    amounts(_C_SHORT, "amount", None)
    shortfall = [
        f"=MAX(G{r + 1}*{target_name}-H{r + 1},0)" if d and _C_SHORT not in line.unknown else None
        for r, d, line in zip(row_of, detail, lines, strict=True)
    ]
    block.formulas(_C_SHORT, shortfall, [line.cached[_C_SHORT] for line in lines], formats("amount"))
    for col, own in ((_C_ALLOC, allocated), (_C_DISB, disbursed)):
        chars = [_amount_chars(v) for v, d in zip(own, detail, strict=True) if d]
        chars += [_amount_chars(line.cached[col]) for line, d in zip(lines, detail, strict=True) if not d]
        widths.see(col, max(chars, default=1))
    widths.see(_C_SHORT, max(_amount_chars(line.cached[_C_SHORT]) for line in lines))
    block.formulas(
        _C_RATE,
        [
            None if _C_RATE in line.unknown else f"=IF(G{r + 1}>0,H{r + 1}/G{r + 1},0)"
            for r, line in zip(row_of, lines, strict=True)
        ],
        [line.cached[_C_RATE] for line in lines],
        formats("rate"),
    )
    block.blanks(_C_RATE, [_C_RATE in line.unknown for line in lines], formats("rate"))
    widths.see(_C_RATE, 7)

    fills = {code: st.cell("text", "detail", colour) for code, colour in STATUS_COLOURS.items()}
    plain_text = st.cell("text", "detail")
    labels = {code: status_label(code, lang) for code in STATUSES}
    status_text = [
        (labels[line.status] if line.status else "") if d else None
        for line, d in zip(lines, detail, strict=True)
    ]
    subtotal_text = formats("text")
    status_fmts = [
        fills.get(line.status, plain_text) if d else subtotal_text.formats[c]
        for line, d, c in zip(lines, detail, subtotal_text.codes.tolist(), strict=True)
    ]
    block.strings(_C_STATUS, status_text, status_fmts, shared=True)
    block.blanks(_C_STATUS, [not d for d in detail], status_fmts)
    shown = [t for t in status_text if t is not None]
    if shown:
        widths.see(_C_STATUS, max(_display_len(t) for t in set(shown)))
    deadlines = [line.deadline if d else None for line, d in zip(lines, detail, strict=True)]
    fmts = formats("date")
    block.numbers(_C_DEADLINE, [np.nan if v is None else _serial(v) for v in deadlines], fmts)
    block.blanks(_C_DEADLINE, [v is None for v in deadlines], fmts)
    if any(v is not None for v in deadlines):
        widths.see(_C_DEADLINE, 10)
    for col, kind, own in (
        (_C_MONTHLY, "estimate", [line.required_monthly for line in lines]),
        (_C_PROJECTION, "estimate", [line.projection for line in lines]),
    ):
        amounts(col, kind, own)
        chars = [_amount_chars(v) for v, d in zip(own, detail, strict=True) if d and v is not None]
        chars += [_amount_chars(line.cached[col]) for line, d in zip(lines, detail, strict=True) if not d]
        if chars:
            widths.see(col, max(chars))
    for col, kind, figures in (
        (_C_DAYS, "int", [float(line.days_left) if line.days_left is not None else None for line in lines]),
        (_C_EXPECTED, "rate", [line.expected_rate for line in lines]),
    ):
        fmts = formats(kind)
        mine = [v if d else None for v, d in zip(figures, detail, strict=True)]
        block.numbers(col, [np.nan if v is None else v for v in mine], fmts)
        block.blanks(col, [v is None for v in mine], fmts)
        present = [v for v in mine if v is not None]
        if present:
            widths.see(col, 7 if kind == "rate" else max(_amount_chars(v) for v in present))
    block.write()


def _data_bar(ws: Worksheet, first: int, last: int) -> None:
    if last < first:
        return
    ws.conditional_format(
        first,
        _C_RATE,
        last,
        _C_RATE,
        {
            "type": "data_bar",
            "bar_color": "#63BE7B",
            "bar_solid": True,
            "min_type": "num",
            "min_value": 0,
            "max_type": "num",
            "max_value": 1,
        },
    )


def _write_summary(
    wb: Workbook, ws: Worksheet, st: _Styles, result: Result, lang: str, sheet_name: str
) -> SummaryPlan:
    """Write the Tổng hợp sheet; returns its planned lines (the printable sheet shows them too)."""
    target = result.settings.target
    all_units = msg("wb.all_units", lang)
    unit_totals, province = _scope(result, "unit"), _scope(result, "province")
    per_unit = int((unit_totals["level"] == "unit").sum()) > 1
    has_province = result.consolidated is not None
    size = _plan_size(unit_totals, per_unit) + (_plan_size(province, False) if has_province else 0)
    note = ""
    cons: list[_Line] = []
    if size > MAX_ROWS:
        note = msg("wb.consolidated_only", lang, rows=fmt_number(size, 0, lang))
        if has_province:
            main = _plan(
                province, _details(result.consolidated, result.units), lang, False, target, all_units
            )
        else:
            main = _plan(unit_totals, _details(result.latest, result.units), lang, False, target, all_units)
    else:
        main = _plan(unit_totals, _details(result.latest, result.units), lang, per_unit, target)
        if has_province:
            cons = _plan(
                province, _details(result.consolidated, result.units), lang, False, target, all_units
            )

    target_name = msg("wb.target_name", lang)
    wb.define_name(target_name, f"='{sheet_name}'!${xl_col_to_name(_TARGET_CELL[1])}${_TARGET_CELL[0] + 1}")
    widths = _Widths({_C_UNIT: 40, _C_PROJ: 50, _C_SUB: 40, _C_STATUS: 24})
    # The wrapped columns' widths must be known before the first row is written (row heights).
    for line in (*main, *cons):
        widths.see(_C_PROJ, len(line.project))
        widths.see(_C_SUB, len(line.sub_project))
    left = [
        (workbook_title(result, lang), st.title()),
        (msg("wb.units", lang, units=_units_text(result, lang)), st.bold()),
        (_as_of_text(result, lang), st.italic()),
        (msg("wb.money_unit", lang), st.italic()),
        (msg("wb.target_label", lang), st.bold()),
    ]
    legend_cells = {(1 + i % 4, _C_STATUS + 2 * (i // 4)): code for i, code in enumerate(_LEGEND)}
    for row, (text, fmt) in enumerate(left):
        ws.write_string(row, 0, _text(text), fmt)
        if row == 0:
            ws.write_string(row, _C_STATUS, msg("wb.legend", lang), st.bold())
        for (legend_row, col), code in legend_cells.items():  # the colour legend beside the titles
            if legend_row == row:
                label = status_label(code, lang)
                ws.write_string(row, col, label, st.legend(STATUS_COLOURS[code]))
                if col == _C_STATUS:
                    widths.see(col, _display_len(label))
    ws.write_number(_TARGET_CELL[0], _TARGET_CELL[1], target, st.target(target))
    if note:
        ws.write_string(5, 0, note, st.note())

    header_row = _SUMMARY_TITLE_ROWS
    _write_summary_header(ws, st, header_row, lang, widths)
    first = header_row + 1
    _write_summary_lines(ws, st, main, first, lang, target_name, widths)
    last_main = first + len(main) - 1
    _data_bar(ws, first, last_main)
    if cons:
        block_title = last_main + 2
        ws.write_string(block_title, 0, all_units, st.title())
        _write_summary_header(ws, st, block_title + 1, lang, widths)
        cons_first = block_title + 2
        _write_summary_lines(ws, st, cons, cons_first, lang, target_name, widths)
        _data_bar(ws, cons_first, cons_first + len(cons) - 1)

    ws.autofilter(header_row, 0, max(last_main, header_row), len(_SUMMARY_COLUMNS) - 1)
    ws.freeze_panes(header_row + 1, 0)
    ws.outline_settings(True, False, True, False)  # subtotal rows sit above their details
    widths.apply(ws)
    _print_setup(ws, header_row, _units_text(result, lang), _as_of_text(result, lang), lang)
    return SummaryPlan(main, cons, note)
