"""Figures a Layout A sheet writes about its own rows, checked as written (stage read).

A parent row against the sum of its children, Tổng số against NSTW + NSĐP, a "Tổng" column against its
budget-year columns, a remaining column against allocated − disbursed (one ``total_mismatch`` each, by
:func:`_check_sum`), and a rate column against disbursed / allocated (``rate_mismatch``). These look
inside one table; the checks across files and periods are :mod:`reconcile.engine.checks`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..models import Finding, cell_ref
from .amounts import Context, half_unit, is_unknown
from .grid import Grid
from .header import Column, Table
from .hierarchy import Group, Node, year_totals
from .money import round6, to_trieu
from .numbers import parse_number

#: Sums of children may differ from a written parent by rounding of the figures as displayed.
TOLERANCE = 0.0005


def check_rows(grid: Grid, table: Table, nodes: list[Node], groups: list[Group], ctx: Context) -> None:
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
    ctx: Context,
    grid: Grid,
    node: Node,
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


def check_year_totals(grid: Grid, table: Table, nodes: list[Node], ctx: Context) -> None:
    """A "Tổng" column over budget-year columns against their sum, row by row (SPEC 12)."""
    # A "Tổng" that is already wrong against the rows under it is one finding, not two.
    flagged = {(f.sheet, f.cell) for f in ctx.findings if f.code == "total_mismatch" and f.file == ctx.rel}
    for total_col, parts in year_totals(table):
        for node in nodes:
            if (grid.name, cell_ref(node.row, total_col.index)) in flagged:
                continue
            written = node.values.get(total_col.index)
            if written is None or is_unknown(written):
                continue
            vals = [node.values.get(c.index) for c in parts]
            if all(v is None for v in vals) or any(is_unknown(v) for v in vals):
                continue
            summed = round6(sum(v or 0.0 for v in vals))
            slack = ctx.half.get((node.row, total_col.index), 0.0) + sum(
                ctx.half.get((node.row, c.index), 0.0) for c in parts
            )
            _check_sum(ctx, grid, node, total_col.index, written, summed, slack)


def check_remaining(
    grid: Grid, table: Table, node: Node, col: Column, groups: list[Group], ctx: Context, factor: str
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
        written, half = to_trieu(parsed.value, factor), half_unit(raw, ctx.convention, factor)
    else:
        return
    # Against the "Tổng" columns where the measures are split by budget year: the remainder is
    # computed from them in the sheet, and a wrong "Tổng" has its own finding.
    totals = {t.role: t for t, _parts in year_totals(table)}
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
    if not any(v is not None for v, _ in vals) or any(is_unknown(v) for v, _ in vals):
        return
    expected = round6(sum(sign * (v or 0.0) for v, sign in vals))
    slack = half + sum(ctx.half.get((node.row, c), 0.0) for c, _ in cells)
    _check_sum(ctx, grid, node, col.index, written, expected, slack, "finding.remaining_mismatch")


def _rate_written(raw: Any, ctx: Context) -> tuple[float, float] | None:
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


def check_rate(
    grid: Grid, node: Node, rate_col: Column, alloc_cols: list[int], disb_cols: list[int], ctx: Context
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
