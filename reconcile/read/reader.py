"""Read one input file into line items and findings (never raises for bad input).

Per file: preflight safety checks, load the grids, find the tables, decide the number convention from
the file's own unambiguous text cells, read the header block (unit, period, money unit:
:mod:`reconcile.read.meta`), then turn the rows into line items — Layout A by the meaning of each row
(:mod:`reconcile.read.layout_a`), Layout B one row per item (:mod:`reconcile.read.layout_b`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ..find.checked import Checked
from ..find.names import short_path
from ..find.safety import check
from ..models import FileResult, Finding, SheetResult
from ..text import fold
from . import fastread
from .amounts import Context
from .dependents import formula_reader
from .grid import Grid, Loaded, load
from .header import Table, find_tables
from .layout_a import read_layout_a
from .layout_b import read_layout_b
from .meta import Meta, read_meta
from .numbers import detect_convention
from .periods import period_from_filename
from .proposals import is_proposals_sheet
from .treasury_hook import split_statements

#: Sheets that explain rather than report: the template's instructions, our own legend.
_GUIDE_SHEETS = {"huong dan", "instructions", "chu giai", "legend"}


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
    ctx = Context(
        rel,
        convention,
        result.findings,
        formulas=formula_reader(path, checked),
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
        base: Meta | None = None
        for i, table in enumerate(found):
            end = found[i + 1].header_top if i + 1 < len(found) else len(grid.rows)
            start = _title_start(grid, table.header_top, found[i - 1].first_data) if i > 0 else 0
            meta = read_meta(grid, table, start, ctx, name_period, folder_unit, base)
            base = base or meta
            result.sheets.append(_read_table(grid, table, end, meta, ctx, aliases))
    return result


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
    meta: Meta,
    ctx: Context,
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
            read_layout_b(grid, table, end, ctx, factor, meta, sheet)
        else:
            read_layout_a(grid, table, end, ctx, factor, meta, sheet, aliases)
    finally:
        ctx.deps = None
    return sheet


def relative_name(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with POSIX separators (the name findings and CSVs use)."""
    try:
        # Without the extended prefix a deep Windows path has (reconcile.find.names.long_path).
        return PurePosixPath(Path(os.path.relpath(short_path(str(path)), short_path(str(root))))).as_posix()
    except ValueError:
        return path.name
