"""``reconciliation.xlsx``: the digest an accountant opens, prints and clicks through (SPEC 5.1).

Four sheets in the user's language: the summary (one row per key at its latest period, grouped by
unit, year and project, with live SUM, rate and shortfall formulas whose cached values are what a
spreadsheet computes), the month-by-month progress with a chart, the findings with a link to each
source cell, and the extracted line items.

The workbook is written in xlsxwriter's ``constant_memory`` mode so that a large data sheet does not
sit in memory; that mode requires every sheet to be written strictly row by row, so each sheet is
planned first and then written top to bottom.

Everything that came from an input file is written with ``write_string`` into a workbook opened with
``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` off (SPEC 5: no formula or
link injection); links to source cells are built only from validated parts.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, groupby
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..catalogue import project_name, sub_project_name
from ..codes import combine
from ..messages import finding_message, fmt_date, fmt_number, msg, status_label
from ..models import LINE_ITEM_COLUMNS, SOURCES, STATUSES, Finding, Result, is_missing
from . import palette
from .bulk import Formats, RowBlock
from .palette import hex_with_hash
from .sheet_ledger import write_ledger_sheet
from .sheet_treasury import write_treasury_sheet

#: No sheet holds more table rows than this (SPEC 5); the CSVs hold everything.
MAX_ROWS = 50_000

#: Fill colour of each status code, ``#RRGGBB`` (the form xlsxwriter takes). The colours come from
#: :mod:`reconcile.writers.palette`, shared with the annotated copies so both speak the same colours.
STATUS_COLOURS: dict[str, str] = {code: hex_with_hash(c) for code, c in palette.STATUS_COLOURS.items()}

#: Fill colour of each finding severity, ``#RRGGBB``.
SEVERITY_COLOURS: dict[str, str] = {level: hex_with_hash(c) for level, c in palette.SEVERITY_COLOURS.items()}

#: The colour legend beside the title rows, most urgent first, in two columns of four rows at most.
_LEGEND: tuple[str, ...] = ("over", "no_allocation", "missed", "behind", "at_risk", "met", "on_track")

#: Blue-grey fills that tell the subtotal levels apart without competing with the status colours.
_ROW_FILLS: dict[str, str] = {"total": "#C9D3E3", "unit": "#DAE1EC", "year": "#E6EBF2", "project": "#F2F5F9"}
_HEADER_FILL = "#D9E1F2"
_HEADER_HEIGHT = 48  # points: three wrapped lines
_LINK_COLOUR = "#0563C1"

_WORKBOOK_OPTIONS: dict[str, Any] = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

_SOURCE_RANK = {s: i for i, s in enumerate(SOURCES)}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: LibreOffice's approxSub treats a difference below 2**-48 of its operands as zero (Excel does alike).
_APPROX_EPS = 2.0**-48
#: Characters XML 1.0 cannot hold. xlsxwriter would escape the control characters as _xHHHH_, but
#: a spreadsheet cell is better off with a space; surrogates and U+FFFE/U+FFFF it would not handle.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CELL_RE = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})")
_MAX_FORMULA_LEN = 8000  # Excel refuses formulas over 8,192 characters
_MAX_SUM_ARGS = 200  # Excel allows 255 arguments per function


# ---- small helpers ---------------------------------------------------------------------------------


_EXACT = 2**53  # ints up to this size are exactly floats


def _num(v: object) -> float | None:
    """A finite float, or None for anything missing or unusable."""
    if type(v) is float:  # the common cases first: this runs for every figure of the summary
        return v if math.isfinite(v) else None
    if type(v) is int and -_EXACT <= v <= _EXACT:
        return float(v)
    if is_missing(v):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _int(v: object) -> int | None:
    if type(v) is int and -_EXACT <= v <= _EXACT:
        return v
    x = _num(v)
    return int(x) if x is not None and x.is_integer() else None


def _date(v: object) -> dt.date | None:
    if is_missing(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    if isinstance(v, np.datetime64):
        ts = pd.Timestamp(v)
        return None if pd.isna(ts) else ts.date()
    return None


def _text(v: object) -> str:
    """User or catalogue text made safe for XML; '' for missing values."""
    if is_missing(v):
        return ""
    s = v if isinstance(v, str) else str(v)
    return _XML_BAD.sub(" ", s)


def _stored(x: float) -> float:
    """The value a spreadsheet reads back: xlsxwriter writes numbers with 16 significant digits."""
    return float(f"{x:.16G}")


def _serial(d: dt.date) -> int:
    return (d - _EXCEL_EPOCH).days


def _approx_sub(a: float, b: float) -> float:
    """``a - b`` as a spreadsheet computes it: a near-cancellation becomes exactly 0."""
    if (a < 0.0 < b) or (b < 0.0 < a):
        return a - b
    d = a - b
    if a == b or (a != 0.0 and b != 0.0 and abs(d) < abs(a) * _APPROX_EPS and abs(d) < abs(b) * _APPROX_EPS):
        return 0.0
    return d


def _sum(values: Iterable[float]) -> float:
    # Spreadsheets sum with compensated arithmetic; fsum gives the same correctly rounded total.
    return math.fsum(values)


def _sum_formula(col: str, rows: Sequence[int]) -> str | None:
    """``=SUM(...)`` over 0-based ``rows`` of column ``col``, consecutive rows merged into ranges.

    None when Excel could not hold the formula (too long); the caller then writes the value.
    """
    if not rows:
        return "=0"
    parts: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        parts.append(f"{col}{start + 1}" if start == prev else f"{col}{start + 1}:{col}{prev + 1}")
        if r is not None:
            start = prev = r
    if len(parts) <= _MAX_SUM_ARGS:
        body = ",".join(parts)
    else:
        chunks = [parts[i : i + _MAX_SUM_ARGS] for i in range(0, len(parts), _MAX_SUM_ARGS)]
        body = ",".join("SUM(" + ",".join(c) + ")" for c in chunks)
    formula = f"=SUM({body})"
    return formula if len(formula) <= _MAX_FORMULA_LEN else None


def _header_footer_text(text: str, limit: int = 90) -> str:
    # '&' starts a header/footer code (and xlsxwriter counts "&G" as an image placeholder), so user
    # text gets the full-width ampersand instead.
    s = _text(text).replace("&", "\uff06").replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _unit_label(unit: str, lang: str) -> str:
    return unit if unit else msg("wb.unit_unknown", lang)


def _units_text(result: Result, lang: str) -> str:
    units = [u for u in result.units if u] or sorted({u for u in _column(result.latest, "unit") if u})
    if not units:
        return msg("wb.unit_unknown", lang)
    joined = "; ".join(units)
    return joined if len(joined) <= 200 else msg("wb.units_many", lang, count=len(units))


def _as_of(result: Result) -> dt.date | None:
    if result.as_of is not None:
        return result.as_of
    return max(result.periods) if result.periods else None


def _as_of_text(result: Result, lang: str) -> str:
    d = _as_of(result)
    return msg("wb.as_of", lang, date=fmt_date(d, lang)) if d else msg("wb.as_of_unknown", lang)


def _column(df: pd.DataFrame | None, name: str) -> list[Any]:
    if df is None or name not in df.columns:
        return [] if df is None else [None] * len(df)
    return list(df[name].tolist())


#: The columns of a summary frame that planning the summary sheet reads.
_PLAN_FIELDS = (
    *("unit", "budget_year", "execution_year", "project", "sub_project", "source", "status"),
    *("allocated", "disbursed", "required_monthly", "projection", "deadline", "days_left", "expected_rate"),
)


def _records(df: pd.DataFrame | None, fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The rows of ``df`` as dicts (only ``fields``, those it has, when given)."""
    if df is None or len(df) == 0:
        return []
    if fields is not None:
        df = df[[c for c in df.columns if c in fields]]
    if all(isinstance(k, str) for k in df.columns):
        return df.to_dict("records")  # type: ignore[return-value]
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _project_text(project: int | None, lang: str, with_name: bool = True) -> str:
    if project is None:
        return ""
    label = msg("wb.project", lang, n=project)
    name = project_name(project) if with_name else ""
    return f"{label}: {name}" if name else label


def _sub_project_text(project: int | None, sub: int | None, lang: str, with_name: bool = True) -> str:
    if sub is None:
        return ""
    label = msg("wb.sub_project", lang, n=sub)
    name = sub_project_name(project, sub) if with_name and project is not None else ""
    return f"{label}: {name}" if name else label


def _source_text(source: object, lang: str) -> str:
    s = _text(source)
    return msg(f"source.{s}", lang) if s in _SOURCE_RANK else s


def _key_sort(unit_rank: dict[str, int]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        unit = _text(r.get("unit"))
        sub = _int(r.get("sub_project"))
        source = _text(r.get("source"))
        return (
            unit_rank.get(unit, len(unit_rank)),
            unit,
            _int(r.get("budget_year")) or 0,
            _int(r.get("execution_year")) or 0,
            _int(r.get("project")) or 0,
            -1 if sub is None else sub,
            _SOURCE_RANK.get(source, len(_SOURCE_RANK)),
            source,
        )

    return key


# ---- formats and widths -----------------------------------------------------------------------------


class _Styles:
    """Every cell format of the workbook, created once and shared."""

    def __init__(self, wb: Workbook, lang: str) -> None:
        self._wb = wb
        self._cache: dict[tuple[Any, ...], Format] = {}
        self.lang = lang
        self.date_format = "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd"
        self._num_formats = {
            "year": "0",
            "whole": "0",  # project numbers and sheet rows: no thousands separator
            "int": "#,##0",
            "amount": "#,##0.0##",  # as read: down to the nghìn đồng (3 decimals of a triệu)
            "estimate": "#,##0.0",  # forward-looking figures: one decimal is all they are worth
            "rate": "0.0%",
            "date": self.date_format,
            "month": "mm/yyyy",
        }

    def _make(self, key: tuple[Any, ...], props: dict[str, Any]) -> Format:
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._wb.add_format(props)
        return fmt

    def cell(self, kind: str, row_kind: str = "detail", fill: str | None = None) -> Format:
        """A bordered table cell; subtotal rows are bold on their level's fill."""
        props: dict[str, Any] = {"border": 1, "border_color": "#A6A6A6", "valign": "top"}
        if kind in self._num_formats:
            props["num_format"] = self._num_formats[kind]
        if kind in ("year", "center"):
            props["align"] = "center"
        if kind == "wrap":  # long names and messages wrap (_Widths.height sizes their rows)
            props["text_wrap"] = True
        if row_kind != "detail":
            props["bold"] = True
        colour = fill or _ROW_FILLS.get(row_kind)
        if colour:
            props["bg_color"] = colour
        return self._make(("cell", kind, row_kind, fill), props)

    def plain(self, kind: str) -> Format:
        """An unbordered cell (the data sheet, notes)."""
        props: dict[str, Any] = {}
        if kind in self._num_formats:
            props["num_format"] = self._num_formats[kind]
        return self._make(("plain", kind), props)

    def header(self, kind: str = "text") -> Format:
        props: dict[str, Any] = {
            "bold": True,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "bg_color": _HEADER_FILL,
        }
        if kind in self._num_formats:
            props["num_format"] = self._num_formats[kind]
        return self._make(("header", kind), props)

    def title(self) -> Format:
        return self._make(("title",), {"bold": True, "font_size": 13})

    def bold(self) -> Format:
        return self._make(("bold",), {"bold": True})

    def italic(self) -> Format:
        return self._make(("italic",), {"italic": True})

    def note(self) -> Format:
        return self._make(("note",), {"bold": True, "font_color": "#C00000"})

    def target(self, value: float) -> Format:
        whole = abs(value * 100 - round(value * 100)) < 1e-9
        return self._make(
            ("target", whole), {"bold": True, "align": "left", "num_format": "0%" if whole else "0.0%"}
        )

    def legend(self, fill: str) -> Format:
        return self._make(("legend", fill), {"bg_color": fill, "border": 1, "border_color": "#A6A6A6"})

    def link(self) -> Format:
        props: dict[str, Any] = {
            "font_color": _LINK_COLOUR,
            "underline": 1,
            "border": 1,
            "border_color": "#A6A6A6",
            "valign": "top",
        }
        return self._make(("link",), props)


class _Widths:
    """Column widths fitted to the longest content, within bounds (``caps``, default 40)."""

    def __init__(self, caps: dict[int, int] | None = None) -> None:
        self._chars: dict[int, float] = {}
        self._caps = caps or {}

    def see(self, col: int, chars: float) -> None:
        if chars > self._chars.get(col, 0):
            self._chars[col] = chars

    def see_header(self, col: int, text: str) -> None:
        # Headers wrap onto up to three lines: the longest word must fit, and a third of the text.
        longest = max((len(w) for w in text.split()), default=0)
        self.see(col, max(longest, math.ceil(len(text) / 3)))

    def width(self, col: int) -> float:
        return self.width_for(col, self._chars.get(col, 0))

    def width_for(self, col: int, chars: float) -> float:
        """The width of column ``col`` if its longest content were ``chars`` wide."""
        return min(max(chars + 2, 6), self._caps.get(col, 40))

    def seen(self, col: int) -> float:
        """The longest content seen so far in column ``col``."""
        return self._chars.get(col, 0)

    def apply(self, ws: Worksheet) -> None:
        for col in sorted(self._chars):
            ws.set_column(col, col, self.width(col))

    def height(self, texts: Iterable[tuple[int, str]], bold: bool = False) -> float | None:
        """Row height (points) that shows every wrapped ``(col, text)`` whole; None for one line.

        Spreadsheets do not reliably grow rows on opening, so the height is set from the widths.
        """
        lines = max((_wrap_lines(text, self.width(col), bold) for col, text in texts), default=1)
        return None if lines <= 1 else 15.0 * lines


def _wrap_lines(text: str, width: float, bold: bool = False) -> int:
    """How many lines ``text`` takes when wrapped at word boundaries in a column ``width`` wide."""
    # Width is counted in digit widths; mixed-case Vietnamese text runs about 20% narrower, bold
    # text hardly narrower at all.
    capacity = max(int(width * (1.05 if bold else 1.2)) - 1, 1)
    lines, used = 1, 0
    for word in text.split():
        n = len(word)
        if used and used + 1 + n > capacity:
            lines, used = lines + 1, n
        else:
            used += n + (1 if used else 0)
        while used > capacity:  # a word longer than the column breaks anywhere
            lines, used = lines + 1, used - capacity
    return lines


def _display_len(text: str) -> float:
    """Width of ``text`` in digit widths, roughly: capitals (unit names are written in capitals) are wider."""
    return len(text) * 1.25 if text.isupper() else len(text)


def _amount_chars(x: float | None) -> int:
    return 1 if x is None else len(f"{x:,.1f}")


def _print_setup(ws: Worksheet, header_row: int, unit_text: str, period_text: str, lang: str) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    ws.set_header(f"&L{_header_footer_text(unit_text)}&R{_header_footer_text(period_text)}")
    ws.set_footer(f"&C{msg('wb.page', lang)}")


def _title_block(ws: Worksheet, st: _Styles, title: str, lines: Sequence[str]) -> int:
    """Title and subtitle rows from row 0; returns the next free row."""
    ws.write_string(0, 0, _text(title), st.title())
    for i, line in enumerate(lines, start=1):
        ws.write_string(i, 0, _text(line), st.italic())
    return 1 + len(lines)


# ---- Tổng hợp (summary) -----------------------------------------------------------------------------

_SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("wb.col.unit", "text"),
    ("wb.col.budget_year", "year"),
    ("wb.col.execution_year", "year"),
    ("wb.col.project", "text"),
    ("wb.col.sub_project", "text"),
    ("wb.col.source", "text"),
    ("wb.col.allocated", "amount"),
    ("wb.col.disbursed", "amount"),
    ("wb.col.rate", "rate"),
    ("wb.col.shortfall", "amount"),
    ("wb.col.status", "text"),
    ("wb.col.deadline", "date"),
    ("wb.col.days_left", "int"),
    ("wb.col.required_monthly", "estimate"),
    ("wb.col.projection", "estimate"),
    ("wb.col.expected_rate", "rate"),
)
_C_UNIT, _C_BY, _C_EY, _C_PROJ, _C_SUB, _C_SRC = 0, 1, 2, 3, 4, 5
_C_ALLOC, _C_DISB, _C_RATE, _C_SHORT, _C_STATUS = 6, 7, 8, 9, 10
_C_DEADLINE, _C_DAYS, _C_MONTHLY, _C_PROJECTION, _C_EXPECTED = 11, 12, 13, 14, 15
_SUMMED = (_C_ALLOC, _C_DISB, _C_SHORT, _C_MONTHLY, _C_PROJECTION)
_SUMMARY_TITLE_ROWS = 6  # title, unit, period, money unit, target, note
_TARGET_CELL = (4, 1)  # B5


@dataclass(slots=True)
class _Line:
    """One planned row of the summary table: a key at its latest period, or a subtotal."""

    kind: str  # detail | project | year | unit | total
    depth: int
    unit: str = ""
    budget_year: int | None = None
    execution_year: int | None = None
    project: str = ""
    sub_project: str = ""
    source: str = ""
    status: str = ""
    allocated: float | None = None
    disbursed: float | None = None
    required_monthly: float | None = None
    projection: float | None = None
    deadline: dt.date | None = None
    days_left: int | None = None
    expected_rate: float | None = None
    children: list[int] = field(default_factory=list)
    #: Cached values of the summed columns and the rate, as a spreadsheet computes them.
    cached: dict[int, float] = field(default_factory=dict)


def _detail_line(
    r: dict[str, Any], depth: int, unit_text: str, lang: str, memo: dict[Any, str] | None = None
) -> _Line:
    """The line of one key; ``memo`` keeps the project, sub-project and source texts already made
    (a province has thousands of keys and a handful of each)."""
    memo = {} if memo is None else memo
    project = _int(r.get("project"))
    sub = _int(r.get("sub_project"))
    source = r.get("source")
    project_text = memo.get(("p", project))
    if project_text is None:
        project_text = memo[("p", project)] = _project_text(project, lang)
    sub_text = memo.get(("s", project, sub))
    if sub_text is None:
        sub_text = memo[("s", project, sub)] = _sub_project_text(project, sub, lang)
    # Only strings share a text: 1 and 1.0 are equal keys with different texts.
    source_text = memo.get(("src", source)) if type(source) is str else None
    if source_text is None:
        source_text = _source_text(source, lang)
        if type(source) is str:
            memo[("src", source)] = source_text
    status = _text(r.get("status"))
    amounts = {k: _num(r.get(k)) for k in ("allocated", "disbursed", "required_monthly", "projection")}
    for k, v in amounts.items():
        amounts[k] = None if v is None else _stored(v)
    days = _num(r.get("days_left"))
    expected = _num(r.get("expected_rate"))
    return _Line(
        "detail",
        depth,
        unit=unit_text,
        budget_year=_int(r.get("budget_year")),
        execution_year=_int(r.get("execution_year")),
        project=project_text,
        sub_project=sub_text,
        source=source_text,
        status=status if status in STATUSES else "",
        allocated=amounts["allocated"],
        disbursed=amounts["disbursed"],
        required_monthly=amounts["required_monthly"],
        projection=amounts["projection"],
        deadline=_date(r.get("deadline")),
        days_left=None if days is None else round(days),
        expected_rate=None if expected is None else _stored(expected),
    )


def _plan(
    records: list[dict[str, Any]],
    lang: str,
    per_unit: bool,
    unit_rank: dict[str, int],
    unit_text: str | None = None,
) -> list[_Line]:
    """The summary rows in sheet order: grand total, then unit, year and project groups, parents first.

    ``unit_text`` overrides the unit shown (the consolidated block). A project gets its own subtotal
    row only when it has more than one key; otherwise its single row stands for it.
    """
    lines = [_Line("total", 0, project=msg("wb.total", lang))]
    memo: dict[Any, str] = {}
    ordered = sorted(records, key=_key_sort(unit_rank))
    for unit, unit_recs in groupby(ordered, key=lambda r: _text(r.get("unit"))):
        shown_unit = unit_text if unit_text is not None else _unit_label(unit, lang)
        parent = 0
        if per_unit:
            lines.append(_Line("unit", 1, unit=shown_unit, project=msg("wb.unit_total", lang)))
            lines[0].children.append(len(lines) - 1)
            parent = len(lines) - 1
        for (by, ey), year_recs in groupby(
            unit_recs, key=lambda r: (_int(r.get("budget_year")), _int(r.get("execution_year")))
        ):
            if by is not None and ey is not None and ey != by:
                label = msg("wb.year_funds_carried", lang, budget=by, execution=ey)
            else:
                label = msg("wb.year_funds", lang, year=by if by is not None else "")
            year = _Line(
                "year",
                lines[parent].depth + 1,
                unit=shown_unit,
                budget_year=by,
                execution_year=ey,
                project=label,
            )
            lines.append(year)
            year_idx = len(lines) - 1
            lines[parent].children.append(year_idx)
            for project, proj_recs in groupby(year_recs, key=lambda r: _int(r.get("project"))):
                recs = list(proj_recs)
                owner = year_idx
                if len(recs) > 1:
                    lines.append(
                        _Line(
                            "project",
                            year.depth + 1,
                            unit=shown_unit,
                            budget_year=by,
                            execution_year=ey,
                            project=_project_text(project, lang),
                        )
                    )
                    lines[year_idx].children.append(len(lines) - 1)
                    owner = len(lines) - 1
                for r in recs:
                    lines.append(_detail_line(r, lines[owner].depth + 1, shown_unit, lang, memo))
                    lines[owner].children.append(len(lines) - 1)
    return lines


def _compute_cached(lines: list[_Line], target: float) -> None:
    """Fill ``cached`` bottom-up exactly as the sheet's formulas will compute it."""
    for line in reversed(lines):  # children always come after their parent
        c = line.cached
        if line.kind == "detail":
            g = line.allocated or 0.0
            h = line.disbursed or 0.0
            c[_C_ALLOC], c[_C_DISB] = g, h
            c[_C_SHORT] = max(_approx_sub(g * target, h), 0.0)
            c[_C_MONTHLY] = line.required_monthly or 0.0
            c[_C_PROJECTION] = line.projection or 0.0
        else:
            for col in _SUMMED:
                c[col] = _sum(lines[i].cached[col] for i in line.children)
        g, h = c[_C_ALLOC], c[_C_DISB]
        c[_C_RATE] = h / g if g > 0 else 0.0


def _aggregate(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Latest figures summed across units, for when the per-unit table would be too long."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in records:
        key = tuple(r.get(k) for k in ("budget_year", "execution_year", "project", "sub_project", "source"))
        key = tuple(None if is_missing(v) else v for v in key)
        groups.setdefault(key, []).append(r)
    out = []
    for (by, ey, p, s, src), recs in groups.items():
        out.append(
            {
                "unit": "",
                "budget_year": by,
                "execution_year": ey,
                "project": p,
                "sub_project": s,
                "source": src,
                "allocated": _sum(_num(r.get("allocated")) or 0.0 for r in recs),
                "disbursed": _sum(_num(r.get("disbursed")) or 0.0 for r in recs),
            }
        )
    return out


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
        block.strings(col, [text_of(v) for v in values], formats(kind))
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
        f"=MAX(G{r + 1}*{target_name}-H{r + 1},0)" if d else None for r, d in zip(row_of, detail, strict=True)
    ]
    block.formulas(_C_SHORT, shortfall, [line.cached[_C_SHORT] for line in lines], formats("amount"))
    for col, own in ((_C_ALLOC, allocated), (_C_DISB, disbursed)):
        chars = [_amount_chars(v) for v, d in zip(own, detail, strict=True) if d]
        chars += [_amount_chars(line.cached[col]) for line, d in zip(lines, detail, strict=True) if not d]
        widths.see(col, max(chars))
    widths.see(_C_SHORT, max(_amount_chars(line.cached[_C_SHORT]) for line in lines))
    block.formulas(
        _C_RATE,
        [f"=IF(G{r + 1}>0,H{r + 1}/G{r + 1},0)" for r in row_of],
        [line.cached[_C_RATE] for line in lines],
        formats("rate"),
    )
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
    block.strings(_C_STATUS, status_text, status_fmts)
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


def _group_codes(series: pd.Series) -> np.ndarray:
    """Non-negative integers equal where the raw values are equal, missing values a group of their
    own (0): integer columns by offset, others by factorizing."""
    if series.dtype == np.int64 or isinstance(series.dtype, pd.Int64Dtype):
        na = series.isna().to_numpy()
        ints = series.to_numpy(dtype=np.int64, na_value=0)
        if len(ints) and not na.all():
            low, high = int(ints[~na].min()), int(ints[~na].max())
            if high - low <= 4 * len(ints) + 1024:
                return np.where(na, 0, ints - low + 1)
    return pd.factorize(series, use_na_sentinel=True)[0] + 1


def _plan_size(df: pd.DataFrame | None, per_unit: bool, unit_codes: np.ndarray | None = None) -> int:
    """How many lines :func:`_plan` makes of ``df``, counted without planning them: a national run
    has a million keys, and planning them only to find that they do not fit took a minute and
    gigabytes. ``unit_codes``: :func:`_text_codes` of the unit column, when already known."""
    if df is None or len(df) == 0:
        return 1
    if per_unit:
        unit = unit_codes if unit_codes is not None else _text_codes(df["unit"])[0]
    else:
        unit = np.zeros(len(df), dtype=np.int64)
    by, ey, project = (_group_codes(df[c]) for c in ("budget_year", "execution_year", "project"))
    units = len(pd.unique(unit)) if per_unit else 0
    years = len(pd.unique(combine(unit, by, ey)))
    counts = np.bincount(pd.factorize(combine(unit, by, ey, project))[0])
    return 1 + units + years + int((counts > 1).sum()) + len(df)


def _write_summary(
    wb: Workbook, ws: Worksheet, st: _Styles, result: Result, lang: str, sheet_name: str
) -> None:
    target = result.settings.target
    unit_rank = {u: i for i, u in enumerate(result.units)}
    all_units = msg("wb.all_units", lang)
    latest = result.latest
    unit_codes = None if latest is None or len(latest) == 0 else _text_codes(latest["unit"])[0]
    per_unit = unit_codes is not None and len(pd.unique(unit_codes)) > 1
    size = _plan_size(latest, per_unit, unit_codes)
    if result.consolidated is not None:
        size += _plan_size(result.consolidated, False)
    note = ""
    cons: list[_Line] = []
    if size > MAX_ROWS:
        note = msg("wb.consolidated_only", lang, rows=fmt_number(size, 0, lang))
        if result.consolidated is not None:
            main = _plan(_records(result.consolidated, _PLAN_FIELDS), lang, False, unit_rank, all_units)
        else:
            main = _plan(_aggregate(_records(latest, _PLAN_FIELDS)), lang, False, unit_rank, all_units)
    else:
        main = _plan(_records(latest, _PLAN_FIELDS), lang, per_unit, unit_rank)
        if result.consolidated is not None:
            cons = _plan(_records(result.consolidated, _PLAN_FIELDS), lang, False, unit_rank, all_units)
    _compute_cached(main, target)
    _compute_cached(cons, target)

    target_name = msg("wb.target_name", lang)
    wb.define_name(target_name, f"='{sheet_name}'!${xl_col_to_name(_TARGET_CELL[1])}${_TARGET_CELL[0] + 1}")
    widths = _Widths({_C_UNIT: 40, _C_PROJ: 50, _C_SUB: 40, _C_STATUS: 24})
    # The wrapped columns' widths must be known before the first row is written (row heights).
    for line in (*main, *cons):
        widths.see(_C_PROJ, len(line.project))
        widths.see(_C_SUB, len(line.sub_project))
    left = [
        (msg("wb.title", lang), st.title()),
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


# ---- Tiến độ theo tháng (monthly progress) ---------------------------------------------------------

_PROGRESS_KEY_HEADERS = (
    "wb.col.unit",
    "wb.col.budget_year",
    "wb.col.execution_year",
    "wb.col.project",
    "wb.col.sub_project",
    "wb.col.source",
)


def _factorize(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """``pd.factorize(series)`` (codes in order of first appearance, -1 for missing values), faster
    when equal values come in runs, as a summary's units do: only the first of each run is hashed.
    A Categorical's codes are its distinct values already."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        found, distinct = pd.factorize(series, use_na_sentinel=True)
        return found, list(distinct)
    values = series.to_numpy(dtype=object)
    n = len(values)
    if n > 1:
        try:
            change = np.empty(n, dtype=bool)
            change[0] = True
            np.not_equal(values[1:], values[:-1], out=change[1:])
        except (TypeError, ValueError):  # values whose comparison is not a plain bool
            change = np.ones(n, dtype=bool)
        heads = np.flatnonzero(change)
        if len(heads) * 4 < n:
            codes, uniques = pd.factorize(values[heads], use_na_sentinel=True)
            return np.repeat(codes, np.diff(np.append(heads, n))), list(uniques)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, list(uniques)


def _text_codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Per value, the number of its :func:`_text` ('' for missing values) among ``texts``, the distinct
    texts; :func:`_text` runs once per distinct value."""
    codes, uniques = _factorize(series)
    distinct: dict[str, int] = {}
    table = [distinct.setdefault(_text(u), len(distinct)) for u in uniques]
    table.append(distinct.setdefault("", len(distinct)))  # code -1 (missing) picks the last entry
    return np.array(table, dtype=np.int64)[codes], list(distinct)


def _whole(series: pd.Series, missing: int) -> np.ndarray:
    """:func:`_int` of every value, ``missing`` where that gives None (vectorised)."""
    if series.dtype == np.int64 or isinstance(series.dtype, pd.Int64Dtype):
        # Integer columns as they are, when every value is exactly a float (what _int goes through).
        na = series.isna().to_numpy()
        ints = series.to_numpy(dtype=np.int64, na_value=0)
        if len(ints) == 0 or (int(ints.min()) >= -_EXACT and int(ints.max()) <= _EXACT):
            return np.where(na, missing, ints) if na.any() else ints.copy()
    v = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(v) & (v == np.round(v))
    return np.where(ok, v, missing).astype(np.int64)


@dataclass(slots=True)
class _Progress:
    """What the progress sheet shows, gathered with column operations: a national summary has a
    million rows, and a dict per row cost tens of seconds and gigabytes."""

    periods: list[dt.date]
    keys: int  # distinct keys in all
    shown: pd.DataFrame  # the first summary row of each shown key, in sheet order
    rates: np.ndarray  # per shown key and period: the rate, NaN for none
    disbursed: dict[tuple[int | None, dt.date], list[float]]
    allocated: dict[dt.date, list[float]]


def _order_ranks(codes: np.ndarray, values: list[Any], sort_key: Callable[[Any], Any]) -> np.ndarray:
    """Per row, the rank of its value ``values[code]`` among ``values`` ordered by ``sort_key``."""
    order = sorted(range(len(values)), key=lambda j: sort_key(values[j]))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank[codes]


def _int_ranks(v: np.ndarray) -> np.ndarray:
    """Non-negative integers ordered as ``v``: the offset from the smallest when the range is narrow."""
    if len(v) == 0:
        return v
    low, high = int(v.min()), int(v.max())
    if high - low <= 4 * len(v) + 1024:
        return v - low
    return np.unique(v, return_inverse=True)[1].reshape(-1)


def _first_keys(key: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The ``limit`` smallest distinct keys: the first row of each in key order, each row's rank among
    them (-1 for a row of a larger key), and how many distinct keys there are. Only the shown keys
    are sorted: a national summary has a million keys and shows 50,000."""
    codes, uniques = pd.factorize(key)
    n_keys = len(uniques)
    # Codes count up in order of first appearance: a row is a key's first where the running
    # maximum of the codes grows.
    firsts = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    if n_keys > limit:
        cut = np.partition(uniques, limit - 1)[limit - 1]
        shown = np.flatnonzero(uniques <= cut)
    else:
        shown = np.arange(n_keys)
    shown = shown[np.argsort(uniques[shown], kind="stable")]
    rank = np.full(n_keys, -1, dtype=np.int64)
    rank[shown] = np.arange(len(shown))
    return firsts[shown], rank[codes], n_keys


def _groups(key: np.ndarray) -> dict[int, np.ndarray]:
    """The positions of each distinct ``key``, in row order."""
    order = np.argsort(key, kind="stable")
    k = key[order]
    cuts = (np.flatnonzero(k[1:] != k[:-1]) + 1).tolist()
    return {int(k[a]): order[a:b] for a, b in zip([0, *cuts], [*cuts, len(k)], strict=True)} if len(k) else {}


def _progress_data(result: Result) -> _Progress:
    df = result.summary
    if df is None or len(df) == 0:
        return _Progress(sorted(set(result.periods)), 0, pd.DataFrame(), np.empty((0, 0)), {}, {})
    unit_rank = {u: i for i, u in enumerate(result.units)}
    n_units, n_sources = len(unit_rank), len(_SOURCE_RANK)
    # The order of _key_sort (unit, listed units first; years; project; sub-project; source) as one
    # integer per row, so that ordering a million rows is one integer sort.
    unit, unit_texts = _text_codes(df["unit"])
    source, source_texts = _text_codes(df["source"])
    key = combine(
        _order_ranks(unit, unit_texts, lambda u: (unit_rank.get(u, n_units), u)),
        _int_ranks(_whole(df["budget_year"], 0)),
        _int_ranks(_whole(df["execution_year"], 0)),
        _int_ranks(_whole(df["project"], 0)),
        _int_ranks(_whole(df["sub_project"], -1)),
        _order_ranks(source, source_texts, lambda s: (_SOURCE_RANK.get(s, n_sources), s)),
    )
    shown_rows, row_rank, n_keys = _first_keys(key, MAX_ROWS)

    codes, uniques = _factorize(df["period"])
    dates = [_date(u) for u in uniques]
    periods = sorted({*result.periods, *(d for d in dates if d is not None)})
    col_of = {p: j for j, p in enumerate(periods)}
    period_col = np.array([-1 if d is None else col_of[d] for d in dates] + [-1], dtype=np.int64)[codes]
    has_period = period_col >= 0

    rate = pd.to_numeric(df["rate"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    rates = np.full((len(shown_rows), len(periods)), np.nan)
    rows = np.flatnonzero((row_rank >= 0) & has_period & np.isfinite(rate))
    # A later row of the same key and period wins, as in a row-by-row loop.
    cell = row_rank[rows] * max(len(periods), 1) + period_col[rows]
    _u, last_in_reversed = np.unique(cell[::-1], return_index=True)
    keep = rows[len(rows) - 1 - last_in_reversed]
    rates[row_rank[keep], period_col[keep]] = rate[keep]

    # Values are listed in row order within each group, so the sums are those of a row-by-row loop.
    no_year = -(2**40)
    by = _whole(df["budget_year"], no_year)
    disbursed: dict[tuple[int | None, dt.date], list[float]] = {}
    d_values = pd.to_numeric(df["disbursed"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    rows = np.flatnonzero(has_period & np.isfinite(d_values))
    width = len(periods)
    for k, idx in _groups((by[rows] - no_year) * width + period_col[rows]).items():
        y = k // width + no_year
        disbursed[(None if y == no_year else y, periods[k % width])] = d_values[rows[idx]].tolist()
    allocated: dict[dt.date, list[float]] = {}
    a_values = pd.to_numeric(df["allocated"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    rows = np.flatnonzero(has_period & np.isfinite(a_values))
    for k, idx in _groups(period_col[rows]).items():
        allocated[periods[k]] = a_values[rows[idx]].tolist()
    columns = [
        c for c in ("unit", "budget_year", "execution_year", "project", "sub_project", "source") if c in df
    ]
    shown = df[columns].iloc[shown_rows].reset_index(drop=True)
    return _Progress(periods, n_keys, shown, rates, disbursed, allocated)


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
    target = result.settings.target
    data = _progress_data(result)
    periods = data.periods
    col_of_period = {p: len(_PROGRESS_KEY_HEADERS) + i for i, p in enumerate(periods)}
    disbursed, allocated, shown = data.disbursed, data.allocated, data.shown

    widths = _Widths({0: 40})
    row = _title_block(
        ws,
        st,
        msg("wb.progress_title", lang),
        [msg("wb.units", lang, units=_units_text(result, lang)), _as_of_text(result, lang)],
    )
    if data.keys > len(shown):
        total = fmt_number(data.keys, 0, lang)
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
        texts = (
            (0, _per_value(column("unit"), lambda v: _unit_label(_text(v), lang))),
            (3, [project_texts[p] for p in projects]),
            (4, [sub_texts[v] for v in subs]),  # without its name a sub-project's text is its number's
            (5, _per_value(column("source"), lambda v: _source_text(v, lang))),
        )
        # Formats in the order the cells first ask for them (their creation order shows in the file).
        text_fmt, year_fmt = st.cell("text"), st.cell("year")
        block = RowBlock(ws, first, len(shown))
        for col, values in texts:
            block.strings(col, values, text_fmt)
            widths.see(col, max(_display_len(t) for t in set(values)))
        for col, name in ((1, "budget_year"), (2, "execution_year")):
            years = _ints(column(name))
            block.numbers(col, [np.nan if y is None else y for y in years], year_fmt)
            block.blanks(col, [y is None for y in years], year_fmt)
        if periods:
            rate_fmt = st.cell("rate")
            for j, col in enumerate(col_of_period.values()):
                block.numbers(col, data.rates[:, j], rate_fmt)
                block.blanks(col, np.isnan(data.rates[:, j]), rate_fmt)
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
        table = _chart_table(periods, disbursed, allocated, target, lang)
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


def _chart_table(
    periods: list[dt.date],
    disbursed: dict[tuple[int | None, dt.date], list[float]],
    allocated: dict[dt.date, list[float]],
    target: float,
    lang: str,
) -> _ChartTable:
    years = sorted({y for (y, _p) in disbursed}, key=lambda y: -1 if y is None else y)
    headers = [msg("wb.col.period", lang)]
    headers += [msg("wb.series_year", lang, year=y if y is not None else "") for y in years]
    with_total = len(years) > 1
    if with_total:
        headers.append(msg("wb.series_total", lang))
    headers.append(msg("wb.series_target", lang, target=fmt_number(target * 100, 1, lang) + "%"))
    rows: list[list[float]] = []
    for p in periods:
        per_year = [_sum(disbursed.get((y, p), [])) for y in years]
        total = [_sum(v for y in years for v in disbursed.get((y, p), []))] if with_total else []
        rows.append([*per_year, *total, _sum(allocated.get(p, [])) * target])
    return _ChartTable(headers, periods, rows, with_total)


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


# ---- Cảnh báo (findings) ----------------------------------------------------------------------------

_FINDING_HEADERS = (
    "wb.col.severity",
    "wb.col.code",
    "wb.col.file",
    "wb.col.sheet",
    "wb.col.cell",
    "wb.col.message",
)


def source_link(finding: Finding, input_root: Path, out_dir: Path) -> str | None:
    """The ``external:`` link to a finding's source cell, or None when it cannot be built safely.

    The path is relative to the output folder so the link survives moving both folders together.
    Only a file, a sheet and a plain A1 cell make a link; a sheet name's quotes are doubled and a
    path that xlsxwriter or Excel would misread ('#', '%xx') gets no link rather than a wrong one.
    """
    if not (finding.file and finding.sheet and finding.cell):
        return None
    if not _CELL_RE.fullmatch(finding.cell):
        return None
    target = input_root / finding.file
    try:
        rel = os.path.relpath(target, out_dir)
    except ValueError:  # another drive on Windows
        rel = str(target.resolve())
    rel = rel.replace(os.sep, "/")
    if "#" in rel or re.search("%[0-9a-fA-F]{2}", rel) or _XML_BAD.search(rel) or len(rel) < 2:
        return None
    sheet = _text(finding.sheet).replace("'", "''")
    cell = finding.cell.replace("$", "")
    url = f"external:{rel}#'{sheet}'!{cell}"
    return url if len(url) <= 2000 else None


def _write_findings(ws: Worksheet, st: _Styles, result: Result, out_dir: Path, lang: str) -> None:
    findings = sorted(result.findings, key=Finding.sort_key)
    counts = {lvl: sum(1 for f in findings if f.level == lvl) for lvl in ("error", "warning", "info")}
    lines = [
        msg("wb.units", lang, units=_units_text(result, lang)) + " - " + _as_of_text(result, lang),
        msg(
            "wb.findings_counts",
            lang,
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
        ),
        msg("wb.findings_hint", lang),
    ]
    row = _title_block(ws, st, msg("wb.findings_title", lang), lines)
    shown = findings[:MAX_ROWS]
    if len(findings) > len(shown):
        ws.write_string(
            row,
            0,
            msg(
                "wb.truncated",
                lang,
                shown=fmt_number(len(shown), 0, lang),
                total=fmt_number(len(findings), 0, lang),
                csv="findings.csv",
            ),
            st.note(),
        )
    header_row = row + 1
    widths = _Widths({2: 40, 3: 24, 5: 90})
    ws.set_row(header_row, _HEADER_HEIGHT)
    for col, key in enumerate(_FINDING_HEADERS):
        text = msg(key, lang)
        ws.write_string(header_row, col, text, st.header())
        widths.see_header(col, text)
    root = Path(result.input_root)
    # Texts first: the message column's width decides each row's height before it is written.
    texts = [
        (msg(f"severity.{f.level}", lang), _text(f.code), _text(f.file), _text(f.sheet), _text(f.cell),
         _text(finding_message(f.code, f.params, lang)))
        for f in shown
    ]  # fmt: skip
    for values in texts:
        for col, text in enumerate(values):
            widths.see(col, _display_len(text))
    for i, (f, values) in enumerate(zip(shown, texts, strict=True)):
        row = header_row + 1 + i
        height = widths.height([(5, values[5])])
        if height:
            ws.set_row(row, height)
        ws.write_string(row, 0, values[0], st.cell("text", fill=SEVERITY_COLOURS.get(f.level)))
        for col in (1, 2, 3):
            ws.write_string(row, col, values[col], st.cell("text"))
        ws.write_string(row, 5, values[5], st.cell("wrap"))
        link = source_link(f, root, out_dir)
        if link is None:
            ws.write_string(row, 4, values[4], st.cell("text"))
        else:
            try:
                ws.write_url(row, 4, link, st.link(), string=values[4])
            except ValueError:  # a link Excel cannot hold: keep the reference as text
                ws.write_string(row, 4, values[4], st.cell("text"))
    last = header_row + len(shown)
    ws.autofilter(header_row, 0, last, len(_FINDING_HEADERS) - 1)
    ws.freeze_panes(header_row + 1, 0)
    widths.apply(ws)
    _print_setup(ws, header_row, _units_text(result, lang), _as_of_text(result, lang), lang)


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
}


def _by_distinct(series: pd.Series, fn: Callable[[Any], Any]) -> list[Any] | None:
    """``fn`` of every value, computed once per distinct value; None when the values are not all
    strings or missing (equal numbers of different types could then share a result they should not)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    if not all(isinstance(u, str) or is_missing(u) for u in uniques):
        return None
    table = [fn(u) for u in uniques]
    return [table[c] for c in codes.tolist()]


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
    columns = list(LINE_ITEM_COLUMNS)

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
            block.coded_strings(col, codes, texts, st.plain("text"))
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


# ---- entry point ------------------------------------------------------------------------------------


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cycle collector off while a workbook is built: building it makes a million short-lived
    lists and tuples (none in a cycle), and each collection they trigger walks every object the
    run holds."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Deflate level of the workbook's zip. xlsxwriter leaves zipfile's default (6); level 5 deflates a
#: national workbook's 63 MB of sheet XML in 0.31 s instead of 0.52 s, for a file 4% larger.
DEFLATE_LEVEL = 5


class _LevelledZip(zipfile.ZipFile):
    """zipfile.ZipFile deflating at DEFLATE_LEVEL unless told otherwise (xlsxwriter names no level)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", DEFLATE_LEVEL)
        super().__init__(*args, **kwargs)


@contextmanager
def _deflate_level() -> Iterator[None]:
    """xlsxwriter zipping the workbook with :class:`_LevelledZip` while it closes."""
    module = xlsxwriter.workbook
    if getattr(module, "ZipFile", None) is not zipfile.ZipFile:
        yield  # not the xlsxwriter this was written against: its own default
        return
    module.ZipFile = _LevelledZip  # type: ignore[misc]
    try:
        yield
    finally:
        module.ZipFile = zipfile.ZipFile  # type: ignore[misc]


def write_workbook(result: Result, path: Path, lang: str = "vi") -> None:
    """Write ``reconciliation.xlsx`` for ``result`` to exactly ``path`` in ``lang`` ("vi" or "en").

    The same Result gives byte-identical files. Raises OSError when the file cannot be written.
    """
    path = Path(path)
    with _gc_paused():
        _write_workbook(result, path, lang)


def _write_workbook(result: Result, path: Path, lang: str) -> None:
    wb = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS)
    as_of = _as_of(result) or dt.date(2000, 1, 1)
    # A fixed creation date taken from the data keeps two runs byte-identical.
    wb.set_properties(
        {
            "title": msg("wb.title", lang),
            "author": "reconcile",
            "created": dt.datetime.combine(as_of, dt.time()),
        }
    )
    st = _Styles(wb, lang)
    names = {k: msg(f"wb.sheet.{k}", lang) for k in ("summary", "progress", "findings", "data")}
    sheets = {k: wb.add_worksheet(name) for k, name in names.items()}
    _write_summary(wb, sheets["summary"], st, result, lang, names["summary"])
    _write_progress(wb, sheets["progress"], st, result, lang, names["progress"])
    _write_findings(sheets["findings"], st, result, path.parent, lang)
    _write_data(sheets["data"], st, result, lang)
    write_ledger_sheet(wb, result, lang)  # SPEC 9
    write_treasury_sheet(wb, result, lang, path.parent)  # SPEC 9, only with a Treasury statement
    try:
        with _deflate_level():
            wb.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, OSError):
            raise cause from None
        raise OSError(str(exc)) from exc
