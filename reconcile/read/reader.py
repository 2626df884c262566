"""Read one input file into line items and findings (never raises for bad input).

Per file: preflight safety checks, load the grids, find the tables, decide the number convention from
the file's own unambiguous text cells, read the header block (unit, period, money unit), then turn the
rows into line items — Layout A by the meaning of each row (total, year section, project, sub-project,
activity), Layout B one row per item — checking parent rows and rate columns as written.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .. import catalogue
from ..find.names import short_path
from ..find.safety import Checked, check
from ..models import (
    UNKNOWN_ALLOCATED,
    UNKNOWN_DISBURSED,
    UNKNOWN_IN_MONTH,
    CellRefs,
    Coded,
    FileResult,
    Finding,
    LineItem,
    SheetResult,
    cell_ref,
)
from ..text import cell_text, fold
from . import fastread
from .formulas import Unsupported, evaluate, parse_ref
from .formulas import _tokenize as formula_tokens
from .grid import Grid, Loaded, load
from .grid import _read_formulas as read_formulas
from .header import Column, Table, find_tables, source_of, year_tag
from .numbers import (
    Amount,
    Convention,
    detect_convention,
    detect_money_unit,
    is_plain,
    parse_number,
    plain_mask,
    read_amount,
    round6,
    to_trieu,
    to_trieu_array,
)
from .periods import is_period_statement, period_from_filename, period_from_text
from .proposals import is_proposals_sheet
from .treasury_hook import split_statements

#: Sums of children may differ from a written parent by rounding of the figures as displayed.
TOLERANCE = 0.0005
_TITLE = re.compile(r"^(?:bieu|bao cao|tong hop|danh sach|ket qua|tinh hinh|mau|phu luc|bc )")
#: Words of a report title, wherever they stand in the line ("GIẢI NGÂN VỐN SỰ NGHIỆP ... NĂM 2023").
_TITLE_WORDS = re.compile(r"\b(?:giai ngan|von su nghiep|chuong trinh mtqg|ctmtqg|muc tieu quoc gia)\b")
_NOT_UNIT = re.compile(r"^(?:cong hoa|doc lap|so\s*:|so\s*\d|so\s*/|\(|don vi tinh|dvt|kinh gui|ngay)")
_UNIT_LINE = re.compile(r"^(?:don vi|don vi bao cao|co quan bao cao|ten don vi)\s*:\s*(.+)$")
_SUPERIOR = re.compile(r"^(?:ubnd|uy ban nhan dan|bo |tong cuc)")
#: Sheets that explain rather than report: the template's instructions, our own legend.
_GUIDE_SHEETS = {"huong dan", "instructions", "chu giai", "legend"}


@dataclass(slots=True)
class _Node:
    """A row of a Layout A table in its place in the hierarchy."""

    kind: str
    row: int
    label: str
    values: dict[int, float | None]  # column index -> amount in triệu (None: empty or unreadable)
    project: int | None = None
    sub_project: int | None = None
    budget_year: int | None = None
    execution_year: int | None = None
    children: list[_Node] = field(default_factory=list)
    code: str = ""  # a tracker item's code ("Mã dự án")
    item_key: str = ""  # see LineItem.item_key
    project_label: str = ""  # a sub-project's: the label of its project row, as written

    def has_values(self, cols: list[int]) -> bool:
        return any(self.values.get(c) is not None for c in cols)


#: An amount that was written but cannot be known (text without a number, an error value, a formula
#: without its value, or one that depends on such a cell): NaN, so that every sum over it is unknown
#: too and no comparison with it holds. None stays "nothing written".
UNKNOWN = math.nan


def _unknown(v: float | None) -> bool:
    return v is not None and v != v


@dataclass(slots=True)
class _Context:
    """What a sheet reader needs to know about its file."""

    rel: str
    convention: Convention
    findings: list[Finding]
    ambiguous_reported: bool = False
    #: The formula cells of the sheet being read that depend on an amount cell not taken as
    #: written (see :func:`_dependents`); None when there is none.
    deps: _Deps | None = None
    #: Sheet name -> its formulas, read once on demand (``(row, col) -> "=..."``).
    formulas: Callable[[str], dict[tuple[int, int], str]] = lambda _name: {}
    #: Half a unit of the last digit shown, in triệu, of amount cells written as text (a CSV, a text
    #: cell): the rounding their checks allow (SPEC 12). Numeric cells are exact and absent.
    half: dict[tuple[int, int], float] = field(default_factory=dict)
    #: ``[programmes]`` of reconcile.toml: folded title words -> programme (SPEC 12).
    programmes: tuple[tuple[str, str], ...] = ()
    #: ``[catalogue.<programme>]`` of reconcile.toml: (programme, project, sub_project) -> name.
    catalogues: dict[tuple[str, int, int | None], str] = field(default_factory=dict)
    #: The file's saved date and what it is ("workbook": its own modified date, "mtime"), on demand.
    saved: Callable[[], tuple[dt.date, str] | None] = lambda: None


def read_file(
    path: Path,
    rel: str,
    aliases: tuple[tuple[str, int, int | None], ...] = (),
    programmes: tuple[tuple[str, str], ...] = (),
    catalogues: tuple[tuple[str, int, int | None, str], ...] = (),
) -> FileResult:
    """Read one input file. Unreadable files come back with ``readable=False`` and a finding.

    ``programmes``: ``[programmes]`` of reconcile.toml, title words -> programme, tried first."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    result = FileResult(path=path, rel=rel, mtime=mtime)
    checked = check(path)
    if isinstance(checked, tuple):
        reason_key, params = checked
        result.readable = False
        result.findings.append(Finding("unreadable_file", rel, params={"reason_key": reason_key, **params}))
        return result
    try:
        loaded = _load(path, checked)
    except Exception as exc:  # any parser failure of a bad file is a finding, never a crash
        result.readable = False
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        result.findings.append(
            Finding("unreadable_file", rel, params={"reason_key": "reason.corrupt", "detail": detail})
        )
        return result
    if not loaded.hidden and not any(map(_has_cells, loaded.grids)):
        # No worksheet at all (a damaged workbook part, only chart sheets), or only empty ones (a
        # sheet cut short): nothing to read, and a file that silently gives nothing would look read.
        result.readable = False
        detail_key = "detail.empty_sheets" if loaded.grids else "detail.no_sheets"
        result.findings.append(
            Finding("unreadable_file", rel, params={"reason_key": "reason.corrupt", "detail_key": detail_key})
        )
        return result
    for name in loaded.hidden:
        result.findings.append(
            Finding("skipped_sheet", rel, name, params={"reason_key": "reason.hidden_sheet"})
        )
    # A Treasury statement is never a disbursement report (SPEC 9): it is read on its own.
    grids, result.statements = split_statements(loaded.grids, rel, result.findings)
    tables = [(grid, find_tables(grid)) for grid in grids]
    convention = detect_convention(_amount_texts(tables))
    ctx = _Context(
        rel,
        convention,
        result.findings,
        formulas=_formula_reader(path, checked),
        saved=_saved_date(path, mtime),
        programmes=programmes,
        catalogues={(prog, p, s): name for prog, p, s, name in catalogues},
    )
    name_period = _period_of_name(path.name)
    folder_unit = _folder_unit(rel)
    for grid, found in tables:
        if not found:
            if is_proposals_sheet(grid.rows):
                # Part II of the review report reads it (reconcile/proposals.py); it holds no line items.
                reason = {"reason_key": "reason.proposals_sheet"}
                result.findings.append(Finding("skipped_sheet", rel, grid.name, params=reason))
            elif fold(grid.name) not in _GUIDE_SHEETS and _looks_like_data(grid):
                result.findings.append(Finding("no_header", rel, grid.name))
            continue
        base: _Meta | None = None
        for i, table in enumerate(found):
            end = found[i + 1].header_top if i + 1 < len(found) else len(grid.rows)
            start = _title_start(grid, table.header_top, found[i - 1].first_data) if i > 0 else 0
            meta = _read_meta(grid, table, start, ctx, name_period, folder_unit, base)
            base = base or meta
            result.sheets.append(_read_table(grid, table, end, meta, ctx, aliases))
    return result


def _configured_programme(text: str, programmes: tuple[tuple[str, str], ...]) -> str | None:
    """The programme ``[programmes]`` of reconcile.toml gives a header line, if any."""
    if not programmes:
        return None
    f = fold(text)
    return next((name for words, name in programmes if words in f), None)


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>\s*(\d{4})-(\d\d)-(\d\d)")


def _saved_date(path: Path, mtime: float) -> Callable[[], tuple[dt.date, str] | None]:
    """The date a file was saved, read once when first asked: a workbook's own modified date
    (docProps/core.xml), else the file's modification time."""
    done: list[tuple[dt.date, str] | None] = []

    def saved() -> tuple[dt.date, str] | None:
        if not done:
            done.append(_read_saved_date(path, mtime))
        return done[0]

    return saved


def _read_saved_date(path: Path, mtime: float) -> tuple[dt.date, str] | None:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as zf:
                info = zf.getinfo("docProps/core.xml")
                if info.file_size < 1_000_000:  # a real core.xml is a few hundred bytes
                    m = _MODIFIED.search(zf.read(info))
                    if m:
                        return dt.date(int(m[1]), int(m[2]), int(m[3])), "workbook"
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            pass
    if mtime > 0:
        return dt.datetime.fromtimestamp(mtime).date(), "mtime"
    return None


#: Every unit's folder holds files of the same names ("BC giai ngan T11-2023.xlsx"): read each once.
_period_of_name = lru_cache(maxsize=4096)(period_from_filename)


def _load(path: Path, checked: Checked | None) -> Loaded:
    """The sheets of ``path``: a big one-table sheet as whole columns (:mod:`reconcile.read.fastread`)
    where that reads the same cells, every other file cell by cell (:func:`reconcile.read.grid.load`)."""
    if checked is not None and path.suffix.lower() in (".xlsx", ".xlsm"):
        fast = fastread.load(checked)
        if fast is not None:
            return fast
    return load(path, checked)


def _has_cells(grid: Grid) -> bool:
    """True when any cell of the sheet holds something."""
    return any(v != "" and v is not None for row in grid.rows for v in row)


def _folder_unit(rel: str) -> str:
    parts = PurePosixPath(rel).parts
    return parts[-2] if len(parts) > 1 else ""


def _looks_like_data(grid: Grid) -> bool:
    """A sheet with several numbers is worth a no_header finding; notes and blank sheets are not."""
    count = 0
    for row in grid.rows[:200]:
        for v in row:
            if isinstance(v, int | float) and not isinstance(v, bool):
                count += 1
                if count >= 6:
                    return True
    return False


def _amount_texts(tables: list[tuple[Grid, list[Table]]]) -> list[str]:
    texts: list[str] = []
    for grid, found in tables:
        for table in found:
            # Rate columns too: a rate "22,78" settles "635.466" as Vietnamese (SPEC 12).
            cols = [c.index for c in table.columns if c.role in ("alloc", "disb", "in_month", "rate")]
            for row in grid.rows[table.first_data : table.first_data + 2000]:
                for c in cols:
                    if c < len(row):
                        v = row[c]
                        if type(v) is not float and isinstance(v, str) and v.strip():
                            texts.append(v)
    return texts


# ---- header block ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Meta:
    unit: str
    period: dt.date | None
    money_unit: str
    title_year: tuple[int, int] | None
    superior: str = ""  # the body above the unit ("UBND TỈNH LẠNG SƠN"), for the review report
    #: The programme the title or header names (SPEC 12), "" where it names none.
    programme: str = ""


def _read_meta(
    grid: Grid,
    table: Table,
    prev_end: int,
    ctx: _Context,
    name_period: dt.date | None,
    folder_unit: str,
    base: _Meta | None = None,
) -> _Meta:
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
        return _Meta(
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
    return _Meta(
        unit=unit,
        period=final_period,
        money_unit=money or "trieu",
        title_year=title_year,
        superior=superior,
        programme=programme,
    )


@dataclass(frozen=True, slots=True)
class _HeaderLine:
    """What one text cell above a table says, for :func:`_read_meta` (the same lines recur in every
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


# ---- amounts ---------------------------------------------------------------------------------


def _amount(grid: Grid, r: int, c: int, ctx: _Context, factor: str) -> float | None:
    """The amount at (r, c) in triệu đồng: None where nothing is written, :data:`UNKNOWN` where
    something is written that gives no figure (a finding at the cell that is the cause, never 0).

    The reading itself is :func:`reconcile.read.numbers.read_amount`; here it becomes findings. A formula
    cell that depends on a cell not taken as written (see :func:`_dependents`) is recomputed from
    it, or unknown without a finding of its own: the finding at the cause names it.
    """
    key = (r, c)
    deps = ctx.deps
    named = deps.named.get(key, []) if deps is not None else []
    if deps is not None and key in deps.values:
        recomputed = deps.values[key]
        if recomputed is None:
            if key in deps.failed:
                _found(ctx, "formula_without_value", grid, key, {"formula": deps.failed[key]}, [])
            return UNKNOWN
        a: Amount = read_amount(recomputed, ctx.convention, factor)
    elif key in grid.missing:
        params: dict[str, object] = {"formula": grid.missing[key]}
        _found(ctx, "formula_without_value", grid, key, params, named)
        return UNKNOWN
    else:
        a = read_amount(grid.value(r, c), ctx.convention, factor)
    if a.kind == "empty":
        return None
    raw = grid.value(r, c)
    if a.kind == "unreadable":
        _found(ctx, "not_a_number", grid, key, {"value": cell_text(raw)}, named)
        return UNKNOWN
    if a.kind == "implausible":
        # 1e308 written out would be 309 digits: the short scientific form says it as well.
        shown = f"{raw:.6g}" if isinstance(raw, float) else cell_text(raw)
        _found(ctx, "implausible_amount", grid, key, {"value": shown}, named)
        return UNKNOWN
    p = a.parsed
    if a.kind == "with_text" and p is not None:  # (a recomputed dependent is a plain number)
        _found(ctx, "number_with_text", grid, key, {"value": cell_text(raw), "used": p.value}, named)
    if p is not None and p.ambiguous and not ctx.ambiguous_reported:
        ctx.ambiguous_reported = True
        ctx.findings.append(
            Finding(
                "ambiguous_number",
                ctx.rel,
                grid.name,
                cell_ref(r, c),
                params={"value": cell_text(raw), "as_vi": p.value, "as_us": p.alt, "used": p.value},
            )
        )
    assert a.value is not None
    if a.value < 0:
        ctx.findings.append(
            Finding("negative_amount", ctx.rel, grid.name, cell_ref(r, c), {"value": a.value})
        )
    return a.value


def _found(
    ctx: _Context, code: str, grid: Grid, key: tuple[int, int], params: dict[str, object], named: list[str]
) -> None:
    """A finding at an amount cell; ``named``: the formula cells that depend on it (one finding for all)."""
    if named:
        params = {**params, "dependents": named, "message_key": f"finding.{code}_dependents"}
    ctx.findings.append(Finding(code, ctx.rel, grid.name, cell_ref(*key), params=params))


# ---- cells that depend on an amount not taken as written -----------------------------------


@dataclass(slots=True)
class _Deps:
    """What :func:`_dependents` found on one table.

    ``values``: formula cell -> its value recomputed from the cells it depends on (in the sheet's own
    unit), None when it cannot be known. ``named``: cause cell -> the amount cells that depend on it.
    """

    values: dict[tuple[int, int], float | None]
    named: dict[tuple[int, int], list[str]]
    #: Formula cells that could not be recomputed from a number among words (a function the
    #: evaluator does not do): their own formula_without_value, once at the first of a chain.
    failed: dict[tuple[int, int], str] = field(default_factory=dict)


def _formula_reader(path: Path, checked: Any) -> Callable[[str], dict[tuple[int, int], str]]:
    """Sheet name -> its formulas, read from the file once per sheet and only when asked."""
    cache: dict[str, dict[tuple[int, int], str]] = {}

    def formulas(name: str) -> dict[tuple[int, int], str]:
        if name not in cache:
            if path.suffix.lower() not in (".xlsx", ".xlsm"):
                cache[name] = {}
            else:
                try:
                    cache[name] = read_formulas(path, {name}, checked).get(name, {})
                except Exception:  # a formula part openpyxl cannot read: no dependencies known
                    cache[name] = {}
        return cache[name]

    return formulas


def _precedents(formula: str) -> set[tuple[int, int]] | None:
    """The cells of the same sheet a formula reads, or None when that cannot be told."""
    if "!" in formula or "[" in formula:
        return None
    try:
        tokens = formula_tokens(formula)
    except Unsupported:
        return None
    cells: set[tuple[int, int]] = set()
    for kind, text in tokens:
        if kind == "ref":
            cells.add(parse_ref(text))
        elif kind == "range":
            (r1, c1), (r2, c2) = (parse_ref(x) for x in text.split(":"))
            if (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1) > 100_000:
                return None
            cells.update(
                (r, c)
                for r in range(min(r1, r2), max(r1, r2) + 1)
                for c in range(min(c1, c2), max(c1, c2) + 1)
            )
    return cells


def _dependents(grid: Grid, rows: range, cols: list[int], ctx: _Context, factor: str) -> _Deps | None:
    """The formula cells that depend on an amount cell of the table not taken as written.

    A text typed into an amount cell makes a spreadsheet's recalculated parents wrong: ``=G21+H21``
    gives #VALUE!, ``=SUM(G19:G21)`` a smaller total. Each such cause (text, an error value, a
    formula without its value, an implausible figure) that depends on no other cause gets one
    finding naming its dependents. Where the cause holds one number among words, the dependents are
    recomputed with it; otherwise they are unknown. None when the table has no such cell (the usual
    case: the formulas are then never read) or the sheet has no formulas.
    """
    causes: dict[tuple[int, int], float | None] = {}  # cell -> its number (None: no figure)
    for r in rows:
        row = grid.rows[r]
        here: dict[tuple[int, int], float | None] = {}
        for c in cols:
            v = row[c] if c < len(row) else ""
            if v == "" or v is None or is_plain(v, factor):
                if (r, c) in grid.missing:
                    here[(r, c)] = None
                continue
            a = read_amount(v, ctx.convention, factor)
            if a.kind in ("unreadable", "implausible"):
                here[(r, c)] = None
            elif a.kind == "with_text":
                here[(r, c)] = a.written
        if here and _names_footer(row):
            break  # the signature block below the table ("Lạng Sơn, ngày 5 tháng 10...") is no amount
        causes.update(here)
    if not causes:
        return None
    formulas = ctx.formulas(grid.name)
    if not formulas:
        return None
    readers: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for at, text in formulas.items():
        for p in _precedents(text) or ():
            readers.setdefault(p, []).append(at)

    def downstream(start: tuple[int, int]) -> set[tuple[int, int]]:
        seen: set[tuple[int, int]] = set()
        todo = deque(readers.get(start, ()))
        while todo:
            at = todo.popleft()
            if at not in seen and at != start:
                seen.add(at)
                todo.extend(readers.get(at, ()))
        return seen

    below = {cause: downstream(cause) for cause in causes}
    caused = set().union(*below.values())
    roots = [cause for cause in causes if cause not in caused]
    amount_cells = set(cols)
    named = {
        root: [cell_ref(*d) for d in sorted(below[root]) if d[1] in amount_cells and d[0] in rows]
        for root in roots
    }
    unknown: set[tuple[int, int]] = set()
    for root in roots:
        if causes[root] is None:
            unknown |= below[root]
    values: dict[tuple[int, int], float | None] = dict.fromkeys(unknown)
    recompute = caused - unknown
    done: dict[tuple[int, int], float | None] = {}

    def cell(r: int, c: int) -> Any:
        key = (r, c)
        if key in causes and key not in caused:
            number = causes[key]
            if number is None:
                raise Unsupported("depends on a cell without a figure")
            return number
        if key in recompute:
            if key not in done:
                done[key] = None  # a circular reference stays unknown
                value = evaluate(formulas[key], cell)
                done[key] = float(value) if isinstance(value, int | float) else None
            if done[key] is None:
                raise Unsupported("no figure")
            return done[key]
        return grid.value(r, c)

    for key in sorted(recompute):
        try:
            cell(*key)
        except (Unsupported, RecursionError, TypeError, ValueError, OverflowError):
            done[key] = None
        values[key] = done.get(key)
    lost = {key for key in recompute if values[key] is None}
    failed = {key: formulas[key] for key in lost if not (_precedents(formulas[key]) or set()) & lost}
    return _Deps(values, named, failed)


# ---- Layout A --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """The amount columns of one (year, source) figure pair."""

    source: str  # NSTW | NSDP | ALL
    year: tuple[int, int] | None
    alloc: Column | None
    disb: Column | None
    in_month: Column | None


def _groups(table: Table) -> tuple[list[_Group], bool]:
    """Pair allocation, disbursed and in-month columns by year and source; True when years are column groups."""
    allocs, disbs, months = table.by_role("alloc"), table.by_role("disb"), table.by_role("in_month")
    years = {c.year for c in allocs if c.year}
    multi_year = len(years) >= 2

    def match(cands: list[Column], src: str | None, year: tuple[int, int] | None) -> Column | None:
        same = [c for c in cands if c.source == src]
        if multi_year:
            exact = [c for c in same if c.year == year]
            if exact:
                return exact[0]
            untagged = [c for c in same if c.year is None]
            tagged_years = sorted({c.year for c in same if c.year}, key=str)
            if not tagged_years and len(untagged) == len(years):
                # Untagged columns in the same left-to-right order as the allocation groups.
                order = sorted(years, key=lambda y: min(a.index for a in allocs if a.year == y))
                return untagged[order.index(year)] if year in order else None
            return None
        return same[0] if same else None

    groups: list[_Group] = []
    keys = [(c.source, c.year) for c in allocs] or [(c.source, c.year) for c in disbs + months]
    seen: set[tuple[str | None, tuple[int, int] | None]] = set()
    for src, year in keys:
        if (src, year) in seen:
            continue
        if multi_year and year is None and src in (None, "ALL"):
            continue  # "Tổng" over "2025 kéo dài | 2026": a check of its parts (_year_totals), no key
        seen.add((src, year))
        groups.append(
            _Group(
                source=src or "ALL",
                year=year if multi_year else (year or None),
                alloc=match(allocs, src, year),
                disb=match(disbs, src, year),
                in_month=match(months, src, year),
            )
        )
    return groups, multi_year


def _year_totals(table: Table) -> list[tuple[Column, list[Column]]]:
    """Per measure split by budget year ("Tổng | 2025 kéo dài | 2026"), its "Tổng" column and the
    year columns it must equal the sum of (SPEC 12)."""
    out: list[tuple[Column, list[Column]]] = []
    for role in ("alloc", "disb", "in_month"):
        cols = table.by_role(role)
        parts = [c for c in cols if c.year is not None and c.source in (None, "ALL")]
        totals = [c for c in cols if c.year is None and c.source in (None, "ALL")]
        if len({c.year for c in parts}) >= 2 and totals:
            out.append((totals[0], parts))
    return out


def _title_start(grid: Grid, header_top: int, floor: int) -> int:
    """First row of the title lines right above a later table's header (above them: the previous table)."""
    r = header_top - 1
    while r >= floor and not any(
        isinstance(v, int | float) and not isinstance(v, bool) for v in grid.rows[r]
    ):
        r -= 1
    return r + 1


def _read_table(
    grid: Grid,
    table: Table,
    end: int,
    meta: _Meta,
    ctx: _Context,
    aliases: tuple[tuple[str, int, int | None], ...],
) -> SheetResult:
    factor = meta.money_unit
    sheet = SheetResult(
        file=ctx.rel,
        sheet=grid.name,
        layout=table.layout,
        unit=meta.unit,
        period=meta.period,
        money_unit=meta.money_unit,
        superior=meta.superior,
    )
    if meta.period is None and meta.title_year is not None:
        # A year but no day ("THEO DÕI GIẢI NGÂN NĂM 2026"): the file's saved date, never the whole
        # file dropped (SPEC 12); --as-of replaces it after reading.
        saved = ctx.saved()
        if saved is not None:
            meta.period = sheet.period = saved[0]
            sheet.period_from_file = True
            ctx.findings.append(
                Finding(
                    "period_from_file_date",
                    ctx.rel,
                    grid.name,
                    params={"date": saved[0], "message_key": f"finding.period_from_file_date_{saved[1]}"},
                )
            )
    if meta.period is None:
        ctx.findings.append(Finding("period_unknown", ctx.rel, grid.name))
    try:
        if table.layout == "B":
            _read_layout_b(grid, table, end, ctx, factor, meta, sheet)
        else:
            _read_layout_a(grid, table, end, ctx, factor, meta, sheet, aliases)
    finally:
        ctx.deps = None
    return sheet


def _sheet_year(grid: Grid) -> tuple[int, int] | None:
    return (
        year_tag("nam " + fold(grid.name).removeprefix("nam ")) if re.search(r"20\d\d", grid.name) else None
    )


def _read_layout_a(
    grid: Grid,
    table: Table,
    end: int,
    ctx: _Context,
    factor: str,
    meta: _Meta,
    sheet: SheetResult,
    aliases: tuple[tuple[str, int, int | None], ...],
) -> None:
    groups, multi_year = _groups(table)
    amount_cols = sorted({c.index for c in table.columns if c.role in ("alloc", "disb", "in_month")})
    if not amount_cols:
        return
    label_col = table.one("label")
    stt_col = table.one("stt")
    rate_col = table.one("rate")
    default_year = (
        _sheet_year(grid)
        or meta.title_year
        or ((meta.period.year, meta.period.year) if meta.period else None)
    )
    nodes: list[_Node] = []
    open_by_rank: dict[int, _Node] = {}
    rank = {"total": 0, "year": 1, "group": 2, "project": 3, "sub_project": 4, "activity": 5}
    year: tuple[int, int] | None = None
    project: int | None = None
    project_known = True
    roots: list[_Node] = []
    # The GNBV catalogue applies to GNBV sheets and to those naming no programme (SPEC 12); another
    # programme's "Dự án N" rows are its own projects, named as the sheet writes them.
    code_col = table.one("code") or table.one("project")
    code_idx = code_col.index if code_col else -1
    in_catalogue = meta.programme in catalogue.CATALOGUE_PROGRAMMES and (
        meta.programme == "GNBV" or _names_catalogue_rows(grid, table, end, aliases)
    )
    group_label = ""  # the open group row of a tracker (a district, "Dự án chuyển tiếp")
    label_idx = label_col.index if label_col else -1
    stt_idx = stt_col.index if stt_col else -1
    ctx.deps = _dependents(grid, range(table.first_data, end), amount_cols, ctx, factor)
    amounts = _RowAmounts(grid, amount_cols, ctx, factor)
    for r in range(table.first_data, end):
        row = grid.rows[r]
        for v in row:
            if v != "" and v is not None:
                break
        else:
            continue  # an empty row
        label = cell_text(row[label_idx] if label_idx < len(row) else "") if label_idx >= 0 else ""
        stt = cell_text(row[stt_idx] if stt_idx < len(row) else "") if stt_idx >= 0 else ""
        if not label and stt and not stt.replace(".", "").isdigit() and len(stt) > 3:
            label = stt  # "Tổng cộng" merged across STT and Nội dung
        numeric = amounts.numeric(row, r)
        lab = catalogue.classify_label(label, stt, aliases, in_catalogue)
        code = cell_text(row[code_idx] if 0 <= code_idx < len(row) else "") if code_idx >= 0 else ""
        if not in_catalogue and lab.kind == "activity":
            # Outside a catalogue the items are the sheet's own rows (SPEC 12): by their STT, groups
            # (I, II: a district, "Dự án chuyển tiếp") are parents, numbered rows are items, "1.1",
            # "a)", "-", "+" rows their parts.
            shape = _stt_shape(stt)
            if shape == "group":
                lab = catalogue.Label("group")
            elif shape == "item" or (code and shape != "part"):
                lab = catalogue.Label("project", project=0)
        known = lab.kind in ("project", "sub_project", "total", "year")
        # A row whose label names a project is never the signature footer, whatever note its other
        # cells hold ("Ngày 15/10 mới giao vốn" typed where the amount goes).
        if not numeric and not known and _names_footer(row):
            break
        if lab.kind in ("blank", "footer"):
            if numeric and lab.kind == "blank":
                values = amounts.read(row, r)
                if any(v for v in values.values()):
                    ctx.findings.append(
                        Finding(
                            "unknown_item",
                            ctx.rel,
                            grid.name,
                            cell_ref(r, label_col.index if label_col else 0),
                            params={"label": ""},
                        )
                    )
            if lab.kind == "footer" and not numeric:
                break
            continue
        # Text, but also a date or a boolean where an amount goes: unreadable, so not_a_number, never
        # a row that silently holds nothing.
        values = amounts.read(row, r) if numeric or (known and amounts.filled(row)) else {}
        node = _Node(kind=lab.kind, row=r, label=label, values=values)
        if lab.kind == "year":
            year = (lab.budget_year or 0, lab.execution_year or 0)
            project, project_known = None, True
        elif lab.kind == "group":
            group_label = label
            project, project_known = None, True
        elif lab.kind == "project" and lab.project == 0:
            # A tracker's item: known by its code, else by its number within its group and its name.
            project, project_known = 0, True
            node.project = 0
            node.code = code
            node.item_key = code or f"{group_label}|{stt}|{fold(label)}"
        elif lab.kind == "project":
            project = lab.project
            project_known = project in catalogue.PROJECTS or not in_catalogue
            node.project = project
            if not project_known:
                ctx.findings.append(
                    Finding(
                        "unknown_item", ctx.rel, grid.name, _label_ref(r, label_col), params={"label": label}
                    )
                )
                node.kind = "unknown"
        elif lab.kind == "sub_project":
            if in_catalogue:
                p = lab.project or _project_of_sub(label, lab.sub_project, project if project_known else None)
            else:
                p = lab.project or (project if project_known else None)
            open_project = open_by_rank.get(rank["project"])
            node.project_label = open_project.label if open_project and open_project.project == p else ""
            if p is None or (in_catalogue and lab.sub_project not in catalogue.PROJECTS.get(p, ("", {}))[1]):
                ctx.findings.append(
                    Finding(
                        "unknown_item", ctx.rel, grid.name, _label_ref(r, label_col), params={"label": label}
                    )
                )
                node.kind = "unknown"
            else:
                node.project, node.sub_project = p, lab.sub_project
                if project != p:
                    # Not a child of the open project row: it stands without its own project row.
                    project, project_known = p, True
                    open_by_rank = {i: n for i, n in open_by_rank.items() if i < rank["project"]}
        elif lab.kind == "activity":
            parent = open_by_rank.get(rank["sub_project"]) or (
                open_by_rank.get(rank["project"])
                if _leaf_project(open_by_rank.get(rank["project"]), in_catalogue)
                else None
            )
            if parent is None or parent.kind == "unknown":
                if numeric and any(v for v in values.values()):
                    ctx.findings.append(
                        Finding(
                            "unknown_item",
                            ctx.rel,
                            grid.name,
                            _label_ref(r, label_col),
                            params={"label": label},
                        )
                    )
                continue
        if node.kind == "unknown":
            # Rows under an unknown project or sub-project are not counted either.
            open_by_rank = {
                k: v
                for k, v in open_by_rank.items()
                if k < rank["sub_project" if lab.kind == "sub_project" else "project"]
            }
            node.kind = lab.kind
            node.project = None
            open_by_rank[rank[lab.kind]] = _Node(kind="unknown", row=r, label=label, values={})
            continue
        y = year
        node.budget_year, node.execution_year = y if y else (None, None)
        if lab.kind == "total" and roots and not open_by_rank.get(0):
            # A total at the bottom sums the top-level rows above it.
            node.children = [n for n in roots if n.kind != "total"]
            roots = [node]
            nodes.append(node)
            open_by_rank = {}
            continue
        k = rank[lab.kind]
        parent = next((open_by_rank[i] for i in range(k - 1, -1, -1) if i in open_by_rank), None)
        if lab.kind == "activity" and parent is not None and parent.kind == "unknown":
            continue
        if parent is not None and parent.kind != "unknown":
            parent.children.append(node)
        else:
            roots.append(node)
        open_by_rank = {i: n for i, n in open_by_rank.items() if i < k}
        open_by_rank[k] = node
        nodes.append(node)
    _spread_unknown(nodes, amount_cols)
    _check_rows(grid, table, nodes, groups, ctx)
    _check_year_totals(grid, table, nodes, ctx)
    remaining_col = table.one("remaining")
    if remaining_col is not None:
        main = [g for g in groups if g.source == "ALL"] or groups
        for node in nodes:
            _check_remaining(grid, table, node, remaining_col, main, ctx, factor)
    if rate_col is not None:
        main = [g for g in groups if g.source == "ALL"] or groups
        alloc_cols = [g.alloc.index for g in main if g.alloc]
        disb_cols = [g.disb.index for g in main if g.disb]
        for node in nodes:
            _check_rate(grid, node, rate_col, alloc_cols, disb_cols, ctx)
    _emit_items(grid, table, nodes, groups, multi_year, default_year, label_col, ctx, meta, sheet)


def _spread_unknown(nodes: list[_Node], cols: list[int]) -> None:
    """A parent row's written amount over a child whose amount is unknown is unknown too: it is
    either a spreadsheet's sum that skipped the child or a figure the children cannot confirm, and
    never a partial sum to count or to check against."""
    done: set[int] = set()

    def visit(node: _Node) -> None:
        if id(node) in done:
            return
        done.add(id(node))
        kids = [k for k in node.children if k.kind != "unknown"]
        for k in kids:
            visit(k)
        for c in cols:
            if node.values.get(c) is not None and any(_unknown(k.values.get(c)) for k in kids):
                node.values[c] = UNKNOWN

    for node in nodes:
        visit(node)


def _names_footer(row: list[Any]) -> bool:
    """True when a text cell of the row opens the signature block ("Người lập biểu", "Hà Nội, ngày...")."""
    return any(
        catalogue.classify_label(fold(v)).kind == "footer" for v in row if isinstance(v, str) and v.strip()
    )


class _RowAmounts:
    """The amount cells of a Layout A row: whether any holds a number, and their values in triệu.

    Plain non-negative numbers, nearly every amount cell, are converted here; anything else (text,
    negative, a formula without its value) takes :func:`_amount` and its findings.
    """

    def __init__(self, grid: Grid, cols: list[int], ctx: _Context, factor: str) -> None:
        self.grid = grid
        self.cols = cols
        self.ctx = ctx
        self.factor = factor
        # No formula cell lacks its value and none depends on a cell not taken as written: cells
        # are what they hold.
        self.plain = not grid.missing and ctx.deps is None

    def numeric(self, row: list[Any], r: int) -> bool:
        """:func:`_reads_as_number` of any amount cell of the row."""
        if self.plain:
            for c in self.cols:
                v = row[c] if c < len(row) else ""
                if type(v) is float:
                    return True
                if v != "" and _reads_as_number(self.grid, r, c, self.ctx):
                    return True
            return False
        return any(_reads_as_number(self.grid, r, c, self.ctx) for c in self.cols)

    def filled(self, row: list[Any]) -> bool:
        """True when any amount cell holds something (text, a date, a boolean...)."""
        return any(_filled(row[c] if c < len(row) else "") for c in self.cols)

    def read(self, row: list[Any], r: int) -> dict[int, float | None]:
        """Column index -> :func:`_amount` of each amount cell of the row."""
        out: dict[int, float | None] = {}
        factor = self.factor
        plain = self.plain
        n = len(row)
        for c in self.cols:
            v = row[c] if c < n else ""
            if plain and is_plain(v, factor):
                out[c] = to_trieu(v, factor)  # what _amount returns for a plain number
            elif plain and v == "":
                out[c] = None
            else:
                out[c] = _amount(self.grid, r, c, self.ctx, factor)
                if isinstance(v, str) and out[c] is not None:
                    self.ctx.half[(r, c)] = _half_unit(v, self.ctx.convention, factor)
        return out


def _half_unit(text: str, convention: Convention, factor: str) -> float:
    """Half a unit of the last digit a text amount shows, in triệu ("635.466" Vietnamese: 0.5)."""
    digits = re.sub(r"[^\d.,]", "", text)
    mark = "." if convention is Convention.US else ","
    at = digits.rfind(mark)
    decimals = len(digits) - at - 1 if at >= 0 else 0
    return to_trieu(0.5 * 10 ** (-decimals), factor)


def _reads_as_number(grid: Grid, r: int, c: int, ctx: _Context) -> bool:
    """True when the cell holds an amount (a number, a numeric text, '-', or a formula without value).

    Prose in an amount column (a signature, a place and date) does not make a row a data row; a
    text holding one number among words does ("640 (đang cập nhật)").
    """
    if (r, c) in grid.missing:
        return True
    v = grid.value(r, c)
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, int | float):
        return True
    if not isinstance(v, str) or not v.strip():
        return False
    return parse_number(v, ctx.convention).kind in ("number", "dash")


def _filled(value: Any) -> bool:
    """True for any cell value but empty or white space."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def _label_ref(r: int, label_col: Column | None) -> str:
    return cell_ref(r, label_col.index if label_col else 0)


def _leaf_project(node: _Node | None, in_catalogue: bool = True) -> bool:
    """A project row without sub-projects (by the catalogue, else by the rows under it so far)."""
    if node is None or node.kind != "project":
        return False
    if in_catalogue:
        return not catalogue.has_sub_projects(node.project or 0)
    return not any(k.kind == "sub_project" for k in node.children)


def _project_of_sub(label: str, sub: int | None, current: int | None) -> int | None:
    """The project a sub-project row belongs to: the open project, else the one whose sub-project it names."""
    if sub is None:
        return None
    named = _projects_naming(label, sub)
    if current is not None and (current in named or not named):
        return current
    # The label names another project's sub-project ("Tiểu dự án 2: Giám sát, đánh giá" under Dự án 4).
    return named[0] if len(named) == 1 else current


@lru_cache(maxsize=4096)
def _projects_naming(label: str, sub: int) -> tuple[int, ...]:
    """The projects whose sub-project ``sub`` the label names by its catalogue name."""
    f = fold(label)
    return tuple(p for p, (_, subs) in catalogue.PROJECTS.items() if subs.get(sub) and fold(subs[sub]) in f)


def _check_rows(grid: Grid, table: Table, nodes: list[_Node], groups: list[_Group], ctx: _Context) -> None:
    """Parent rows against their immediate children, and Tổng số against NSTW + NSĐP."""
    amount_cols = [c for c in table.columns if c.role in ("alloc", "disb", "in_month")]
    for node in nodes:
        if not node.values:
            continue  # nothing written to check
        kids = [k.values for k in node.children if k.kind != "unknown"]
        if not kids:
            continue
        for col in amount_cols:
            idx = col.index
            written = node.values.get(idx)
            if written is None:
                continue
            present = [v for values in kids if (v := values.get(idx)) is not None]
            if not present:
                continue
            total = round6(sum(present))
            # Figures rounded for display may differ by half a unit of their last digit each.
            slack = ctx.half.get((node.row, idx), 0.0) + sum(
                ctx.half.get((k.row, idx), 0.0) for k in node.children if k.kind != "unknown"
            )
            _check_sum(ctx, grid, node, col.index, written, total, slack)
    by_measure: dict[tuple[str, Any], dict[str, Column]] = {}
    for col in amount_cols:
        if col.source:
            by_measure.setdefault((col.role, col.year), {})[col.source] = col
    for cols in by_measure.values():
        if not {"ALL", "NSTW", "NSDP"} <= cols.keys():
            continue
        ti, ai, bi = cols["ALL"].index, cols["NSTW"].index, cols["NSDP"].index
        for node in nodes:
            values = node.values
            t = values.get(ti)
            if t is None:
                continue
            a, b = values.get(ai), values.get(bi)
            if a is None and b is None:
                continue
            parts = round6((a or 0.0) + (b or 0.0))
            _check_sum(
                ctx, grid, node, cols["ALL"].index, t, parts, message_key="finding.source_total_mismatch"
            )


def _check_sum(
    ctx: _Context,
    grid: Grid,
    node: _Node,
    col_index: int,
    written: float,
    expected: float,
    slack: float = 0.0,
    message_key: str | None = None,
) -> None:
    """One ``total_mismatch`` at the written cell when it differs from what its parts sum to by more
    than the tolerance and ``slack`` (the rounding of figures shown rounded)."""
    if not abs(written - expected) > TOLERANCE + slack + 1e-9 * abs(expected):
        return  # within the tolerance (or not comparable)
    params: dict[str, Any] = {
        "what": node.label,
        "written": written,
        "children": expected,
        "diff": round(written - expected, 6),
    }
    if message_key:
        params["message_key"] = message_key
    ctx.findings.append(
        Finding("total_mismatch", ctx.rel, grid.name, cell_ref(node.row, col_index), params=params)
    )


def _check_year_totals(grid: Grid, table: Table, nodes: list[_Node], ctx: _Context) -> None:
    """A "Tổng" column over budget-year columns against their sum, row by row (SPEC 12)."""
    # A "Tổng" that is already wrong against the rows under it is one finding, not two.
    flagged = {(f.sheet, f.cell) for f in ctx.findings if f.code == "total_mismatch" and f.file == ctx.rel}
    for total_col, parts in _year_totals(table):
        for node in nodes:
            if (grid.name, cell_ref(node.row, total_col.index)) in flagged:
                continue
            written = node.values.get(total_col.index)
            if written is None or _unknown(written):
                continue
            vals = [node.values.get(c.index) for c in parts]
            if all(v is None for v in vals) or any(_unknown(v) for v in vals):
                continue
            summed = round6(sum(v or 0.0 for v in vals))
            slack = ctx.half.get((node.row, total_col.index), 0.0) + sum(
                ctx.half.get((node.row, c.index), 0.0) for c in parts
            )
            _check_sum(ctx, grid, node, total_col.index, written, summed, slack)


def _check_remaining(
    grid: Grid, table: Table, node: _Node, col: Column, groups: list[_Group], ctx: _Context, factor: str
) -> None:
    """A remaining cell ("KHV còn lại") against the row's allocated − disbursed (SPEC 12). It is a
    check, never an amount: a negative remainder is the over-disbursement, reported as such."""
    raw = grid.value(node.row, col.index)
    if isinstance(raw, bool) or raw is None or raw == "":
        return
    if isinstance(raw, int | float):
        written, half = to_trieu(float(raw), factor), 0.0
    elif isinstance(raw, str):
        parsed = parse_number(raw, ctx.convention)
        if parsed.kind != "number" or parsed.value is None:
            return
        written, half = to_trieu(parsed.value, factor), _half_unit(raw, ctx.convention, factor)
    else:
        return
    # Against the "Tổng" columns where the measures are split by budget year: the remainder is
    # computed from them in the sheet, and a wrong "Tổng" has its own finding.
    totals = {t.role: t for t, _parts in _year_totals(table)}
    cells = (
        [(totals["alloc"].index, 1.0)]
        if "alloc" in totals
        else [(g.alloc.index, 1.0) for g in groups if g.alloc]
    )
    cells += (
        [(totals["disb"].index, -1.0)]
        if "disb" in totals
        else [(g.disb.index, -1.0) for g in groups if g.disb]
    )
    vals = [(node.values.get(c), sign) for c, sign in cells]
    if not any(v is not None for v, _ in vals) or any(_unknown(v) for v, _ in vals):
        return
    expected = round6(sum(sign * (v or 0.0) for v, sign in vals))
    slack = half + sum(ctx.half.get((node.row, c), 0.0) for c, _ in cells)
    _check_sum(ctx, grid, node, col.index, written, expected, slack, "finding.remaining_mismatch")


def _rate_written(raw: Any, ctx: _Context) -> tuple[float, float] | None:
    """The written rate and the tolerance of its display (in the same unit as written)."""
    if isinstance(raw, float | int) and not isinstance(raw, bool):
        return _number_rate(float(raw))
    if isinstance(raw, str) and raw.strip():
        p = parse_number(raw, ctx.convention)
        if p.value is None:
            return None
        digits = re.sub(r"[^\d.,]", "", raw.strip())
        sep = max(digits.rfind(","), digits.rfind("."))
        decimals = len(digits) - sep - 1 if sep >= 0 and len(digits) - sep - 1 != 3 else 0
        return p.value, 0.5 * 10 ** (-decimals)
    return None


@lru_cache(maxsize=65536)
def _number_rate(value: float) -> tuple[float, float]:
    """A numeric rate cell and the tolerance of its display (rates repeat: read each value once)."""
    text = repr(value)
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 2
    return value, 0.5 * 10 ** (-min(decimals, 2))


def _check_rate(
    grid: Grid, node: _Node, rate_col: Column, alloc_cols: list[int], disb_cols: list[int], ctx: _Context
) -> None:
    """A written rate against the row's disbursed / allocated (percent points or fraction).

    ``alloc_cols`` and ``disb_cols``: the amount columns of the Tổng số groups (of all groups when
    the sheet does not split sources).
    """
    if not node.values:
        return
    if ctx.deps is not None and (node.row, rate_col.index) in ctx.deps.values:
        return  # computed by the spreadsheet from a cell it could not count: the cause has its finding
    written = _rate_written(grid.value(node.row, rate_col.index), ctx)
    if written is None:
        return
    values = node.values
    alloc = sum(values.get(i) or 0.0 for i in alloc_cols)
    disb = sum(values.get(i) or 0.0 for i in disb_cols)
    if not alloc > 0 or disb != disb:  # nothing allocated, or a figure that is not known
        return
    rate = disb / alloc
    value, tol = written
    if (
        abs(value - rate * 100) <= tol + 1e-9
        or abs(value - rate) <= tol / 100 + 1e-9
        or abs(value - rate) <= 0.0005
    ):
        return
    # Amounts rounded for display (SPEC 12): the rate of any amounts they may stand for will do
    # ("210,21%" over 460 / 219 shown whole).
    ha = sum(ctx.half.get((node.row, i), 0.0) for i in alloc_cols)
    hd = sum(ctx.half.get((node.row, i), 0.0) for i in disb_cols)
    if (ha or hd) and alloc - ha > 0:
        low, high = max(disb - hd, 0.0) / (alloc + ha), (disb + hd) / (alloc - ha)
        for scale, t in ((100.0, tol), (1.0, tol / 100)):
            if low * scale - t - 1e-9 <= value <= high * scale + t + 1e-9:
                return
    shown = value / 100 if value > 1.5 or rate * 100 <= 1.5 else value
    ctx.findings.append(
        Finding(
            "rate_mismatch",
            ctx.rel,
            grid.name,
            cell_ref(node.row, rate_col.index),
            params={"written_rate": shown, "computed_rate": rate},
        )
    )


def _leaf_values(node: _Node, cols: list[int]) -> tuple[dict[int, float | None], int]:
    """A leaf's own amounts, or the sum of its activity rows when it has none."""
    if node.has_values(cols) or not node.children:
        return node.values, node.row
    summed: dict[int, float | None] = {}
    for c in cols:
        vals = [k.values.get(c) for k in node.children]
        summed[c] = (
            round(sum(v for v in vals if v is not None), 6) if any(v is not None for v in vals) else None
        )
    return summed, node.row


def _emit_items(
    grid: Grid,
    table: Table,
    nodes: list[_Node],
    groups: list[_Group],
    multi_year: bool,
    default_year: tuple[int, int] | None,
    label_col: Column | None,
    ctx: _Context,
    meta: _Meta,
    sheet: SheetResult,
) -> None:
    cols = sorted({c.index for c in table.columns if c.role in ("alloc", "disb", "in_month")})
    split = any(g.source in ("NSTW", "NSDP") for g in groups)
    sourced = [g for g in groups if g.source in ("NSTW", "NSDP")]
    letters = {c: cell_ref(0, c)[:-1] for c in cols}  # column letters, for the items' cell references
    for node in nodes:
        if (
            node.kind == "sub_project"
            or node.kind == "project"
            and not any(k.kind == "sub_project" for k in node.children)
        ):
            pass
        else:
            continue
        if node.project is None:
            continue
        values, row = _leaf_values(node, cols)
        for g in groups:
            if split and g.source == "ALL":
                continue
            _emit(grid, node, g, values, row, multi_year, default_year, ctx, meta, sheet, letters)
        # A row that fills only Tổng số still counts, as all sources together.
        if split and all(_empty(values, g) for g in sourced):
            for g in groups:
                if g.source == "ALL":
                    _emit(grid, node, g, values, row, multi_year, default_year, ctx, meta, sheet, letters)


def _empty(values: dict[int, float | None], g: _Group) -> bool:
    return all(not values.get(c.index) for c in (g.alloc, g.disb, g.in_month) if c is not None)


def _emit(
    grid: Grid,
    node: _Node,
    g: _Group,
    values: dict[int, float | None],
    row: int,
    multi_year: bool,
    default_year: tuple[int, int] | None,
    ctx: _Context,
    meta: _Meta,
    sheet: SheetResult,
    letters: dict[int, str],
) -> None:
    alloc = values.get(g.alloc.index) if g.alloc else None
    disb = values.get(g.disb.index) if g.disb else None
    in_month = values.get(g.in_month.index) if g.in_month else None
    if not alloc and not disb and not in_month:
        return
    year: tuple[int, int | None] | None
    if multi_year and g.year:
        year = g.year
    else:
        year = (node.budget_year, node.execution_year) if node.budget_year else (g.year or default_year)
    if not year or not year[0]:
        return
    n = row + 1  # cell_ref(row, c) is the column's letters and this
    unknown = _unknown_bits(alloc, disb, in_month)
    sheet.items.append(
        LineItem(
            unit=meta.unit,
            budget_year=int(year[0]),
            execution_year=int(year[1] or year[0]),
            project=int(node.project or 0),
            sub_project=node.sub_project,
            source=g.source,
            period=meta.period,
            allocated=None if _unknown(alloc) else alloc,
            disbursed=None if _unknown(disb) else disb,
            disbursed_in_month=None if _unknown(in_month) else in_month,
            unknown=unknown,
            file=ctx.rel,
            sheet=grid.name,
            row=n,
            label=node.label,
            allocated_cell=f"{letters[g.alloc.index]}{n}" if g.alloc else None,
            disbursed_cell=f"{letters[g.disb.index]}{n}" if g.disb else None,
            in_month_cell=f"{letters[g.in_month.index]}{n}" if g.in_month else None,
            **_identity(node, meta.programme, ctx.catalogues),
        )
    )


_ROMAN = re.compile(r"^[ivxlc]+\.?$")
_ITEM_NO = re.compile(r"^\d+\.?$")


def _stt_shape(stt: str) -> str:
    """What an STT marks in a tracker: "group" (I, II, A, B), "item" (1, 2) or "part" (1.1, a), -, +)."""
    t = stt.strip().lower()
    if not t:
        return ""
    if _ROMAN.match(t) or (
        len(t) <= 2 and t.rstrip(".") in ("a", "b", "c", "d") and stt.strip()[0].isupper()
    ):
        return "group"
    if _ITEM_NO.match(t):
        return "item"
    return "part"


def _names_catalogue_rows(
    grid: Grid, table: Table, end: int, aliases: tuple[tuple[str, int, int | None], ...]
) -> bool:
    """Whether a sheet naming no programme has rows of the GNBV catalogue ("Dự án 6", "Tiểu dự án 1",
    a project's name); a tracker with none ("THEO DÕI GIẢI NGÂN NĂM 2026") has its own rows."""
    label_col = table.one("label")
    if label_col is None:
        return True
    stt_col = table.one("stt")
    for r in range(table.first_data, min(end, table.first_data + 400)):
        row = grid.rows[r]
        label = cell_text(row[label_col.index]) if label_col.index < len(row) else ""
        stt = cell_text(row[stt_col.index]) if stt_col and stt_col.index < len(row) else ""
        if catalogue.classify_label(label, stt, aliases).kind in ("project", "sub_project"):
            return True
    return False


def _identity(
    node: _Node, programme: str, configured: dict[tuple[str, int, int | None], str] | None = None
) -> dict[str, str]:
    """programme, project_name and sub_project_name of an item row (SPEC 12): the catalogue's names
    for its programme (shipped, or ``[catalogue.<programme>]``), else the sheet's labels as written."""
    p, s = int(node.project or 0), node.sub_project
    if configured and not node.item_key and (programme, p, None) in configured:
        return {
            "programme": programme,
            "project_name": configured[(programme, p, None)],
            "sub_project_name": configured.get((programme, p, s), node.label if s is not None else ""),
        }
    if programme in catalogue.CATALOGUE_PROGRAMMES and not node.item_key:
        return {
            "programme": programme,
            "project_name": catalogue.project_name(p),
            "sub_project_name": catalogue.sub_project_name(p, s),
        }
    if s is None:
        return {
            "programme": programme,
            "project_name": node.label,
            "sub_project_name": "",
            "project_code": node.code,
            "item_key": node.item_key,
        }
    return {"programme": programme, "project_name": node.project_label, "sub_project_name": node.label}


def _unknown_bits(alloc: float | None, disb: float | None, in_month: float | None) -> int:
    """The :attr:`LineItem.unknown` bits of an item's three amounts."""
    return (
        (UNKNOWN_ALLOCATED if _unknown(alloc) else 0)
        | (UNKNOWN_DISBURSED if _unknown(disb) else 0)
        | (UNKNOWN_IN_MONTH if _unknown(in_month) else 0)
    )


# ---- Layout B --------------------------------------------------------------------------------


def _int_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else None
    m = re.search(r"\d+", str(value))
    return int(m.group()) if m else None


def _floats(column: Coded) -> np.ndarray:
    """A coded column of whole numbers or None as floats on each row (NaN for None)."""
    return np.array([np.nan if v is None else v for v in column.values], dtype=np.float64)[column.codes]


def _known(project: int | None, sub_project: int | None) -> bool:
    """Whether the catalogue has this project and sub-project (None: the project as a whole)."""
    return (
        project is not None
        and project in catalogue.PROJECTS
        and (sub_project is None or sub_project in catalogue.PROJECTS[project][1])
    )


def _read_layout_b(
    grid: Grid, table: Table, end: int, ctx: _Context, factor: str, meta: _Meta, sheet: SheetResult
) -> None:
    """A tidy table, one line item per row, read column by column.

    The row-by-row rules (a footer row ends the table, a row without a project is skipped, an unknown
    project or source is a finding, a missing budget year falls back to the title's) are applied to
    whole columns, each cell's meaning found once per distinct value, so that a 30,000-row
    consolidated file costs a few array operations rather than a Python loop of many calls per row.
    The columns come back as NumPy arrays, :class:`Coded` texts and :class:`CellRefs`, without the
    file, sheet and period that are the same on every row (SheetResult carries them).
    """
    idx = {role: (c.index if (c := table.one(role)) is not None else -1) for role in _B_ROLES}
    pidx = idx["project"]
    if pidx < 0:
        return
    first = table.first_data
    raw = grid.columns(first, end, [i for i in idx.values() if i >= 0])

    # The table ends at the first row without a project that carries a footer (signatures, notes).
    projects = raw[pidx]
    blank = np.array([v == "" or v is None for v in projects.values], dtype=bool)[projects.codes]
    cut = len(blank)
    for i in np.flatnonzero(blank).tolist():
        if any(
            isinstance(x, str) and catalogue.classify_label(x).kind == "footer" for x in grid.row(first + i)
        ):
            cut = i
            break
    live = np.flatnonzero(~blank[:cut])
    if not len(live):
        sheet.columns = {}
        return

    def each(role: str, fn: Callable[[Any], Any]) -> Coded:
        """``fn`` of each live row's cell of the role's column, computed once per distinct value."""
        i = idx[role]
        if i < 0:
            return Coded(np.zeros(len(live), dtype=np.int64), [fn("")])
        return Coded(raw[i].codes[live], [fn(v) for v in raw[i].values])

    p = each("project", _int_of)
    labels = each("label", cell_text)
    sub = each("sub_project", _sub_of)
    by = each("budget_year", _int_of)
    ey = each("exec_year", _int_of)
    fallback = meta.title_year or ((meta.period.year, meta.period.year) if meta.period else None)
    if fallback is not None:
        by = Coded(by.codes, [fallback[0] if y is None else y for y in by.values])
    sources = each("source", _source_code)
    # Whether each row's (project, sub-project) is in the catalogue, decided once per distinct pair.
    width = max(len(sub.values), 1)
    pairs, pair_of_row = np.unique(p.codes * width + sub.codes, return_inverse=True)
    # Another programme's sheet numbers its own projects: any number is one (SPEC 12).
    in_catalogue = meta.programme in catalogue.CATALOGUE_PROGRAMMES
    known = np.array(
        [
            _known(p.values[c // width], sub.values[c % width])
            if in_catalogue
            else p.values[c // width] is not None
            for c in pairs.tolist()
        ],
        dtype=bool,
    )[pair_of_row.ravel()]
    has_year = np.array([y is not None for y in by.values], dtype=bool)[by.codes]
    has_source = np.array([src is not None for _, src in sources.values], dtype=bool)[sources.codes]
    # Row by row only where a row is not an item and says why, so that the findings come in row order.
    for j in np.flatnonzero(~known | (has_year & ~has_source)).tolist():
        r = first + int(live[j])
        if not known[j]:
            label = labels.at(j) or cell_text(projects.at(int(live[j])))
            ctx.findings.append(
                Finding("unknown_item", ctx.rel, grid.name, cell_ref(r, pidx), {"label": label})
            )
        else:
            text = sources.at(j)[0]
            where = cell_ref(r, idx["source"] if idx["source"] >= 0 else pidx)
            ctx.findings.append(Finding("unknown_item", ctx.rel, grid.name, where, params={"label": text}))
    # A row without a budget year in the row or the title is not an item either: nothing to file it under.
    keep = np.flatnonzero(known & has_year & has_source)
    kept = live[keep]
    amount_idx = [idx[role] for role in ("alloc", "disb", "in_month") if idx[role] >= 0]
    if grid.missing or any(
        not is_plain(v, factor) and v != "" and v is not None for i in amount_idx for v in raw[i].values
    ):
        ctx.deps = _dependents(grid, range(first, end), amount_idx, ctx, factor)
    amounts = {
        role: _amount_column(
            grid, raw[idx[role]] if idx[role] >= 0 else None, kept, first, idx[role], factor, ctx.deps
        )
        for role in ("alloc", "disb", "in_month")
    }
    unknown = _slow_amounts(grid, amounts, kept + first, idx, ctx, factor)
    count = len(keep)
    if idx["unit"] >= 0:
        column = raw[idx["unit"]]
        units = Coded(column.codes[kept], [_unit_text(v) or meta.unit for v in column.values])
    else:
        units = Coded(np.zeros(count, dtype=np.int64), [meta.unit])

    budget_year, execution_year = _floats(by)[keep], _floats(ey)[keep]
    numbers = kept + (first + 1)
    cols: dict[str, Any] = {
        "unit": units,
        "budget_year": budget_year,
        # No execution year (or 0): the budget year's.
        "execution_year": np.where(
            np.isnan(execution_year) | (execution_year == 0), budget_year, execution_year
        ),
        "project": _floats(p)[keep],
        "sub_project": _floats(sub)[keep],  # None becomes NaN
        "source": Coded(sources.codes[keep], [src for _, src in sources.values]),
        "allocated": amounts["alloc"][0],
        "disbursed": amounts["disb"][0],
        "disbursed_in_month": amounts["in_month"][0],
        "label": Coded(labels.codes[keep], labels.values),
        "row": numbers.astype(np.int64),
        "unknown": unknown,
        # The catalogue's names, once per distinct (project, sub-project) pair (SPEC 12).
        "programme": Coded(np.zeros(count, dtype=np.int64), [meta.programme]),
        # The catalogue's names, else the row's own label as written.
        "project_name": Coded(
            p.codes[keep], [catalogue.project_name(v) if isinstance(v, int) else "" for v in p.values]
        )
        if in_catalogue
        else Coded(labels.codes[keep], labels.values),
        "sub_project_name": Coded(
            pair_of_row.ravel()[keep],
            [
                catalogue.sub_project_name(p.values[c // width], sub.values[c % width])
                if in_catalogue
                else ""
                for c in pairs.tolist()
            ],
        ),
    }
    for name, role in (
        ("allocated_cell", "alloc"),
        ("disbursed_cell", "disb"),
        ("in_month_cell", "in_month"),
    ):
        if idx[role] >= 0:
            cols[name] = CellRefs(cell_ref(0, idx[role])[:-1], cols["row"])
        else:
            cols[name] = Coded(np.full(count, -1, dtype=np.int64), [])
    sheet.columns = cols


def _amount_column(
    grid: Grid,
    column: Coded | None,
    at: np.ndarray,
    first: int,
    col: int,
    factor: str,
    deps: _Deps | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The amounts of one column's rows ``at`` (counted from row ``first``) in triệu đồng (NaN where
    empty), and which cells need a closer look.

    Plain amounts (:func:`reconcile.read.numbers.plain_mask`), nearly every cell of a file saved by a
    spreadsheet program, convert in one pass; the others (text, negative, implausible, formulas
    without a value or over such cells) are left to _slow_amounts.
    """
    if column is None:
        return np.full(len(at), np.nan), np.zeros(len(at), dtype=bool)
    if set(map(type, column.values)) == {float}:
        numbers = np.array(column.values, dtype=np.float64)
        is_float = np.ones(len(numbers), dtype=bool)
    else:
        is_float = np.array([type(v) is float for v in column.values], dtype=bool)
        numbers = np.array([v if type(v) is float else np.nan for v in column.values], dtype=np.float64)
    codes = column.codes[at]
    fast = is_float[codes]
    values = numbers[codes]
    fast &= plain_mask(values, factor)
    rows = at + first
    special = set(grid.missing) | (set(deps.values) if deps is not None else set())
    if special:  # a formula cell without a value, or over a cell not taken as written: _amount decides
        fast &= np.array([(int(r), col) not in special for r in rows.tolist()], dtype=bool)
    values[fast] = to_trieu_array(values[fast], factor)
    values[~fast] = np.nan
    return values, ~fast


def _slow_amounts(
    grid: Grid,
    amounts: dict[str, tuple[np.ndarray, np.ndarray]],
    rows: np.ndarray,
    idx: dict[str, int],
    ctx: _Context,
    factor: str,
) -> np.ndarray:
    """:func:`_amount` for the cells the fast pass left, in row order and then column order, so that
    the findings (and which ambiguous number is reported first) are those of a row-by-row reading.
    Returns the :attr:`LineItem.unknown` bits of each row."""
    unknown = np.zeros(len(rows), dtype=np.int64)
    bits = {"alloc": UNKNOWN_ALLOCATED, "disb": UNKNOWN_DISBURSED, "in_month": UNKNOWN_IN_MONTH}
    slow = sorted(
        (j, order, role)
        for order, role in enumerate(("alloc", "disb", "in_month"))
        if idx[role] >= 0
        for j in np.flatnonzero(amounts[role][1]).tolist()
    )
    for j, _order, role in slow:
        v = _amount(grid, int(rows[j]), idx[role], ctx, factor)
        amounts[role][0][j] = np.nan if v is None else v
        if _unknown(v):
            unknown[j] |= bits[role]
    return unknown


_B_ROLES = (
    "budget_year",
    "exec_year",
    "project",
    "sub_project",
    "source",
    "alloc",
    "disb",
    "in_month",
    "unit",
    "label",
)


def _sub_of(raw: Any) -> int | None:
    return None if raw == "" or raw is None else _int_of(raw)


def _source_code(raw: Any) -> tuple[str, str | None]:
    text = cell_text(raw)
    # An empty source cell means all sources together (the sheet does not split them).
    return text, (source_of(fold(text)) if text else "ALL")


def _unit_text(raw: Any) -> str:
    return " ".join(cell_text(raw).split())


def relative_name(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with POSIX separators (the name findings and CSVs use)."""
    try:
        # Without the extended prefix a deep Windows path has (reconcile.find.names.long_path).
        return PurePosixPath(Path(os.path.relpath(short_path(str(path)), short_path(str(root))))).as_posix()
    except ValueError:
        return path.name
