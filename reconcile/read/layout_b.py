"""Layout B: a tidy table, one line item per row, read column by column (stage read, per table).

:func:`read_layout_b` applies the row-by-row rules to whole columns, each distinct cell value read
once, and hands the sheet's items on as columns (NumPy arrays, :class:`Coded` texts, :class:`CellRefs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import catalogue
from ..models import (
    UNKNOWN_ALLOCATED,
    UNKNOWN_DISBURSED,
    UNKNOWN_IN_MONTH,
    CellRefs,
    Coded,
    Finding,
    SheetResult,
    cell_ref,
)
from ..text import cell_text, fold
from .amounts import Context, Deps, amount, is_unknown
from .dependents import dependents
from .grid import Grid
from .header import Table, source_of
from .meta import Meta
from .money import to_trieu_array
from .numbers import all_plain_or_empty, plain_mask


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


def read_layout_b(
    grid: Grid, table: Table, end: int, ctx: Context, factor: str, meta: Meta, sheet: SheetResult
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
    if grid.missing or not all(all_plain_or_empty(raw[i].values, factor) for i in amount_idx):
        ctx.deps = dependents(grid, range(first, end), amount_idx, ctx, factor)
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
    deps: Deps | None = None,
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
    ctx: Context,
    factor: str,
) -> np.ndarray:
    """:func:`reconcile.read.amounts.amount` for the cells the fast pass left, in row order and then
    column order, so that the findings (and which ambiguous number is reported first) are those of a
    row-by-row reading.
    Returns the ``unknown`` bits of each row (see :data:`reconcile.models.LINE_ITEM_COLUMNS`)."""
    unknown = np.zeros(len(rows), dtype=np.int64)
    bits = {"alloc": UNKNOWN_ALLOCATED, "disb": UNKNOWN_DISBURSED, "in_month": UNKNOWN_IN_MONTH}
    slow = sorted(
        (j, order, role)
        for order, role in enumerate(("alloc", "disb", "in_month"))
        if idx[role] >= 0
        for j in np.flatnonzero(amounts[role][1]).tolist()
    )
    for j, _order, role in slow:
        v = amount(grid, int(rows[j]), idx[role], ctx, factor)
        amounts[role][0][j] = np.nan if v is None else v
        if is_unknown(v):
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
