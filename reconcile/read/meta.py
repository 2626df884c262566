"""The header block above a table: unit, period, money unit, title year, programme (stage read).

:func:`read_meta` reads the title lines of a sheet (and the period its disbursed column names) into a
:class:`Meta`; a ``period_mismatch`` finding when the header and the file name disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .. import catalogue
from ..models import Finding
from ..text import fold
from .amounts import Context
from .grid import Grid
from .header import Table, year_tag
from .money import detect_money_unit
from .periods import is_period_statement, period_from_text

_TITLE = re.compile(r"^(?:bieu|bao cao|tong hop|danh sach|ket qua|tinh hinh|mau|phu luc|bc )")
#: Words of a report title, wherever they stand in the line ("GIẢI NGÂN VỐN SỰ NGHIỆP ... NĂM 2023").
_TITLE_WORDS = re.compile(r"\b(?:giai ngan|von su nghiep|chuong trinh mtqg|ctmtqg|muc tieu quoc gia)\b")
_NOT_UNIT = re.compile(r"^(?:cong hoa|doc lap|so\s*:|so\s*\d|so\s*/|\(|don vi tinh|dvt|kinh gui|ngay)")
_UNIT_LINE = re.compile(r"^(?:don vi|don vi bao cao|co quan bao cao|ten don vi)\s*:\s*(.+)$")
_SUPERIOR = re.compile(r"^(?:ubnd|uy ban nhan dan|bo |tong cuc)")


def _configured_programme(text: str, programmes: tuple[tuple[str, str], ...]) -> str | None:
    """The programme ``[programmes]`` of reconcile.toml gives a header line, if any."""
    if not programmes:
        return None
    f = fold(text)
    return next((name for words, name in programmes if words in f), None)


@dataclass(slots=True)
class Meta:
    unit: str
    period: dt.date | None
    money_unit: str
    title_year: tuple[int, int] | None
    superior: str = ""  # the body above the unit ("UBND TỈNH LẠNG SƠN"), for the review report
    #: The programme the title or header names (SPEC 12), "" where it names none.
    programme: str = ""


def read_meta(
    grid: Grid,
    table: Table,
    prev_end: int,
    ctx: Context,
    name_period: dt.date | None,
    folder_unit: str,
    base: Meta | None = None,
) -> Meta:
    """Unit, period, money unit and title year from the lines above a table.

    A later table of the same sheet (``base`` given) keeps the sheet's unit, period and money unit
    unless its own title lines state another period or money unit.
    """
    top_rows = range(prev_end, table.header_top)
    unit_lines: list[str] = []
    unit_explicit = ""
    period: dt.date | None = None
    money: str | None = None
    title_year: tuple[int, int] | None = None
    title_seen = False
    programme = ""
    block_closed = False  # the top-left block ends at its first blank row
    left_width = max(3, grid.width // 2)  # Grid.width scans every row: once, not once per cell
    for r in top_rows:
        row = grid.rows[r]
        first = True
        left_text = any(isinstance(v, str) and v.strip() for v in row[:left_width])
        if unit_lines and not left_text:
            block_closed = True
        for c, v in enumerate(row):
            if not isinstance(v, str) or not v.strip():
                continue
            line = _header_line(v)
            money = money or line.money
            programme = programme or _configured_programme(line.text, ctx.programmes) or line.programme or ""
            if period is None and line.stated:
                period = line.period
            if line.unit_explicit is not None:
                unit_explicit = line.unit_explicit
            if line.title:
                title_seen = True
                if line.title_year and not title_year:
                    title_year = line.title_year
            elif first and line.may_name_unit and c < left_width and not title_seen and not block_closed:
                unit_lines.append(line.text)
            first = False
    # The disbursed column often names the cut-off ("Giải ngân lũy kế đến 30/9/2023").
    for col in table.columns:
        money = money or _money_unit(col.text)
        if period is None and col.role in ("disb", "in_month"):
            stated, col_period, _ = _stated_period(col.text)
            if stated:
                period = col_period
    if base is not None:
        return Meta(
            unit=base.unit,
            period=period or base.period,
            money_unit=money or base.money_unit,
            title_year=title_year,
            superior=base.superior,
            programme=programme or base.programme,
        )
    sheet_period = _stated_period(grid.name)[2] if any(ch.isdigit() for ch in grid.name) else None
    header_period = period or sheet_period
    if header_period and name_period and header_period != name_period:
        ctx.findings.append(
            Finding(
                "period_mismatch", ctx.rel, grid.name, params={"header": header_period, "name": name_period}
            )
        )
    final_period = header_period or name_period
    unit = unit_explicit or (unit_lines[-1] if unit_lines else "") or folder_unit
    if unit and not unit_explicit and len(unit_lines) == 1 and _SUPERIOR.match(fold(unit)) and folder_unit:
        unit = folder_unit
    superior = next((t for t in unit_lines if t != unit and _SUPERIOR.match(fold(t))), "")
    return Meta(
        unit=unit,
        period=final_period,
        money_unit=money or "trieu",
        title_year=title_year,
        superior=superior,
        programme=programme,
    )


@dataclass(frozen=True, slots=True)
class _HeaderLine:
    """What one text cell above a table says, for :func:`read_meta` (the same lines recur in every
    month's file of a unit, so each distinct text is read once)."""

    text: str  # white space collapsed
    money: str | None  # the money unit it states
    stated: bool  # it states the report's period...
    period: dt.date | None  # ...which is this
    unit_explicit: str | None  # "Đơn vị: X" -> "X"
    title: bool  # a report title line
    title_year: tuple[int, int] | None  # the year its title names
    may_name_unit: bool  # short or upper case, and not a line that is known not to be the unit
    programme: str | None  # the programme it names (SPEC 12)


@lru_cache(maxsize=16384)
def _header_line(value: str) -> _HeaderLine:
    text = " ".join(value.split())
    f = fold(text)
    stated, period, _ = _stated_period(text)
    m = _UNIT_LINE.match(f)
    title = bool(_TITLE.match(f) or _TITLE_WORDS.search(f))
    return _HeaderLine(
        text=text,
        money=_money_unit(text),
        stated=stated,
        period=period,
        unit_explicit=text.split(":", 1)[1].strip() if m and "tinh" not in f.split(":")[0] else None,
        title=title,
        title_year=year_tag(f) if title else None,
        may_name_unit=(
            (f.isupper() or text.isupper() or len(f) < 80)
            and not _NOT_UNIT.match(f)
            and not f.startswith("don vi")
        ),
        programme=catalogue.programme_of(text),
    )


@lru_cache(maxsize=16384)
def _stated_period(text: str) -> tuple[bool, dt.date | None, dt.date | None]:
    """(whether the text states the report's period, that period, the date it names at all)."""
    named = period_from_text(text)
    stated = is_period_statement(text)
    return stated, named if stated else None, named


_money_unit = lru_cache(maxsize=16384)(detect_money_unit)
