"""The Tiến độ theo tháng sheet: ``Result.monthly`` (each key's rate per period) and the chart of
``Result.chart`` (disbursement per budget year and the target line).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ...catalogue import CATALOGUE_PROGRAMMES, identity_text
from ...messages import fmt_number, msg
from ...result import Result
from ...result.monthly import chart_years
from ...values import serial as _serial
from ...values import text as _text
from ...values import whole as _int
from ..bulk import RowBlock
from .common import (
    _HEADER_HEIGHT,
    _amount_chars,
    _as_of_text,
    _by_distinct,
    _display_len,
    _print_setup,
    _project_text,
    _source_text,
    _Styles,
    _sub_project_text,
    _title_block,
    _unit_label,
    _units_text,
    _Widths,
)

# ---- Tiến độ theo tháng (monthly progress) ---------------------------------------------------------

_PROGRESS_KEY_HEADERS = (
    "wb.col.unit",
    "wb.col.budget_year",
    "wb.col.execution_year",
    "wb.col.project",
    "wb.col.sub_project",
    "wb.col.source",
)


def _per_value(series: pd.Series, fn: Callable[[Any], Any]) -> list[Any]:
    """``fn`` of every value of a text column, once per distinct value when they are all strings."""
    values = _by_distinct(series, fn)
    return values if values is not None else [fn(v) for v in series.tolist()]


def _ints(series: pd.Series) -> list[int | None]:
    """:func:`_int` of every value, once per distinct value (equal values give equal whole numbers)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    table = [_int(u) for u in uniques]
    return [table[c] for c in codes.tolist()]


def _write_progress(
    wb: Workbook, ws: Worksheet, st: _Styles, result: Result, lang: str, sheet_name: str
) -> None:
    shown = result.monthly
    periods = [cast(dt.date, c) for c in shown.columns.tolist() if isinstance(c, dt.date)]
    rates = shown[periods].to_numpy(dtype=np.float64) if periods else np.empty((len(shown), 0))
    col_of_period = {p: len(_PROGRESS_KEY_HEADERS) + i for i, p in enumerate(periods)}

    widths = _Widths({0: 40})
    row = _title_block(
        ws,
        st,
        msg("wb.progress_title", lang),
        [msg("wb.units", lang, units=_units_text(result, lang)), _as_of_text(result, lang)],
    )
    if result.monthly_keys > len(shown):
        total = fmt_number(result.monthly_keys, 0, lang)
        ws.write_string(
            row,
            0,
            msg("wb.truncated", lang, shown=fmt_number(len(shown), 0, lang), total=total, csv="summary.csv"),
            st.note(),
        )
    header_row = row + 1
    ws.set_row(header_row, _HEADER_HEIGHT)
    for col, header_key in enumerate(_PROGRESS_KEY_HEADERS):
        text = msg(header_key, lang)
        ws.write_string(header_row, col, text, st.header())
        widths.see_header(col, text)
    for p, col in col_of_period.items():
        ws.write_number(header_row, col, _serial(p), st.header("month"))
        widths.see(col, 7)

    first = header_row + 1
    if len(shown):

        def column(name: str) -> pd.Series:
            return shown[name] if name in shown.columns else pd.Series([None] * len(shown), dtype=object)

        projects = _ints(column("project"))
        subs = _ints(column("sub_project"))
        project_texts = {p: _project_text(p, lang, with_name=False) for p in set(projects)}
        sub_texts = {v: _sub_project_text(0, v, lang, with_name=False) for v in set(subs)}
        shown_texts = [project_texts[p] for p in projects]
        if "programme" in shown.columns:
            # Another programme's item, or a tracker's: its programme, code and name (SPEC 12).
            progs, codes, names = (column(c).tolist() for c in ("programme", "project_code", "project_name"))
            for k, number in enumerate(projects):
                if number == 0 or _text(progs[k]) not in CATALOGUE_PROGRAMMES:
                    shown_texts[k] = identity_text(progs[k], codes[k], names[k])
        texts = (
            (0, _per_value(column("unit"), lambda v: _unit_label(_text(v), lang))),
            (3, shown_texts),
            (4, [sub_texts[v] for v in subs]),  # without its name a sub-project's text is its number's
            (5, _per_value(column("source"), lambda v: _source_text(v, lang))),
        )
        # Formats in the order the cells first ask for them (their creation order shows in the file).
        text_fmt, year_fmt = st.cell("text"), st.cell("year")
        block = RowBlock(ws, first, len(shown))
        for col, values in texts:
            block.strings(col, values, text_fmt, shared=True)
            widths.see(col, max(_display_len(t) for t in set(values)))
        for col, name in ((1, "budget_year"), (2, "execution_year")):
            years = _ints(column(name))
            block.numbers(col, [np.nan if y is None else y for y in years], year_fmt)
            block.blanks(col, [y is None for y in years], year_fmt)
        if periods:
            rate_fmt = st.cell("rate")
            for j, col in enumerate(col_of_period.values()):
                block.numbers(col, rates[:, j], rate_fmt)
                block.blanks(col, np.isnan(rates[:, j]), rate_fmt)
        block.write()
    last = first + len(shown) - 1
    if periods and len(shown):
        ws.conditional_format(
            first,
            len(_PROGRESS_KEY_HEADERS),
            last,
            len(_PROGRESS_KEY_HEADERS) + len(periods) - 1,
            {
                "type": "3_color_scale",
                "min_type": "num",
                "min_value": 0,
                "mid_type": "num",
                "mid_value": 0.5,
                "max_type": "num",
                "max_value": 1,
                "min_color": "#F8696B",
                "mid_color": "#FFEB84",
                "max_color": "#63BE7B",
            },
        )
        ws.autofilter(header_row, 0, last, len(_PROGRESS_KEY_HEADERS) + len(periods) - 1)
    ws.freeze_panes(header_row + 1, len(_PROGRESS_KEY_HEADERS))

    if periods:
        table = _chart_table(result.chart, result.settings.target, lang)
        _write_chart(wb, ws, st, sheet_name, max(last, header_row) + 2, table, widths)
    widths.apply(ws)
    _print_setup(ws, header_row, _units_text(result, lang), _as_of_text(result, lang), lang)


@dataclass(slots=True)
class _ChartTable:
    """What the progress chart plots: per period, disbursement per budget year (and in total when
    there are several) and the target line, allocation x target."""

    headers: list[str]
    periods: list[dt.date]
    rows: list[list[float]]
    with_total: bool


def _chart_table(chart: pd.DataFrame, target: float, lang: str) -> _ChartTable:
    """The chart's data table: ``Result.chart`` with the headers of its columns."""
    years = chart_years(chart)
    headers = [msg("wb.col.period", lang)]
    headers += [msg("wb.series_year", lang, year=y if y is not None else "") for y in years]
    with_total = "disbursed_total" in chart.columns
    if with_total:
        headers.append(msg("wb.series_total", lang))
    headers.append(msg("wb.series_target", lang, target=fmt_number(target * 100, 1, lang) + "%"))
    columns = [f"disbursed_{'' if y is None else y}" for y in years]
    columns += ["disbursed_total"] if with_total else []
    values = chart[[*columns, "target"]].to_numpy(dtype=np.float64).tolist()
    return _ChartTable(headers, list(chart["period"]), values, with_total)


def _write_chart(
    wb: Workbook, ws: Worksheet, st: _Styles, sheet_name: str, top: int, table: _ChartTable, widths: _Widths
) -> None:
    """The chart's data table (a chart can only plot cells) and the line chart beside it."""
    headers, periods, with_total = table.headers, table.periods, table.with_total
    ws.write_string(top, 0, msg("wb.chart_data", st.lang), st.bold())
    head = top + 1
    ws.set_row(head, _HEADER_HEIGHT)
    for col, text in enumerate(headers):
        ws.write_string(head, col, text, st.header())
        widths.see_header(col, text)
    for i, (p, values) in enumerate(zip(periods, table.rows, strict=True)):
        ws.write_number(head + 1 + i, 0, _serial(p), st.cell("date"))
        for col, value in enumerate(values, start=1):
            if math.isnan(value):  # a total over a figure that is not known: a gap in the line
                ws.write_blank(head + 1 + i, col, None, st.cell("amount"))
                continue
            ws.write_number(head + 1 + i, col, value, st.cell("amount"))
            widths.see(col, _amount_chars(value))
    first, last = head + 1, head + len(periods)

    chart = wb.add_chart({"type": "line"})
    palette = ("#2F5597", "#70AD47", "#7030A0", "#BF9000", "#00B0F0", "#843C0C")
    for j in range(1, len(headers)):
        is_target = j == len(headers) - 1
        colour = (
            "#C00000"
            if is_target
            else ("#000000" if with_total and j == len(headers) - 2 else palette[(j - 1) % len(palette)])
        )
        series: dict[str, Any] = {
            "name": [sheet_name, head, j],
            "categories": [sheet_name, first, 0, last, 0],
            "values": [sheet_name, first, j, last, j],
            "line": {"color": colour, "width": 2.25, **({"dash_type": "dash"} if is_target else {})},
            "marker": {
                "type": "none" if is_target else "circle",
                **({} if is_target else {"fill": {"color": colour}, "border": {"color": colour}}),
            },
        }
        chart.add_series(series)
    lang = st.lang
    chart.set_title({"name": msg("wb.chart_title", lang)})
    chart.set_x_axis({"name": msg("wb.chart_x", lang), "date_axis": True, "num_format": "mm/yyyy"})
    chart.set_y_axis(
        {"name": msg("wb.chart_y", lang), "num_format": "#,##0", "major_gridlines": {"visible": True}}
    )
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(top, len(headers) + 1, chart, {"x_scale": 1.6, "y_scale": 1.4})
