"""What the sheets of ``reconciliation.xlsx`` share: colours, cell formats, column widths, print
setup, and the texts of units, projects, sources and dates.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ...catalogue import CATALOGUE_PROGRAMMES, project_name, sub_project_name
from ...messages import fmt_date, msg
from ...models import is_missing
from ...result import Result
from ...values import SOURCE_RANK as _SOURCE_RANK
from ...values import text as _text
from .. import palette
from ..palette import hex_with_hash

#: Fill colour of each status code, ``#RRGGBB`` (the form xlsxwriter takes). The colours come from
#: :mod:`reconcile.writers.palette`, shared with the annotated copies so both speak the same colours.
STATUS_COLOURS: dict[str, str] = {code: hex_with_hash(c) for code, c in palette.STATUS_COLOURS.items()}

#: Fill colour of each finding severity, ``#RRGGBB``.
SEVERITY_COLOURS: dict[str, str] = {level: hex_with_hash(c) for level, c in palette.SEVERITY_COLOURS.items()}

#: The colour legend beside the title rows, most urgent first, in two columns of four rows at most.
_LEGEND: tuple[str, ...] = (
    "over",
    "no_allocation",
    "missed",
    "behind",
    "at_risk",
    "met",
    "on_track",
    "incomplete",
)

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

_CELL_RE = re.compile(r"\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})")
_MAX_FORMULA_LEN = 8000  # Excel refuses formulas over 8,192 characters
_MAX_SUM_ARGS = 200  # Excel allows 255 arguments per function


# ---- small helpers ---------------------------------------------------------------------------------


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
    return result.evaluated_on


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
    *("programme", "project_code", "project_name"),
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


def workbook_title(result: Result, lang: str) -> str:
    """The GNBV title where every key is the GNBV catalogue's, a plain one otherwise (SPEC 12)."""
    items = result.items
    if items is not None and "programme" in items.columns and len(items):
        # Distinct values first: a national run has a million items and a handful of programmes.
        others = {str(p) for p in items["programme"].unique()} - set(CATALOGUE_PROGRAMMES)
        keyed = "item_key" in items.columns and any(str(k) != "" for k in items["item_key"].unique())
        if others or keyed:
            return msg("wb.title_any", lang)
    return msg("wb.title", lang)


def _source_text(source: object, lang: str) -> str:
    s = _text(source)
    return msg(f"source.{s}", lang) if s in _SOURCE_RANK else s


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


def _by_distinct(series: pd.Series, fn: Callable[[Any], Any]) -> list[Any] | None:
    """``fn`` of every value, computed once per distinct value; None when the values are not all
    strings or missing (equal numbers of different types could then share a result they should not)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    if not all(isinstance(u, str) or is_missing(u) for u in uniques):
        return None
    table = [fn(u) for u in uniques]
    return [table[c] for c in codes.tolist()]
