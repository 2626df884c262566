"""Layout A's hierarchy and keys: rows as :class:`Node` s of a tree, the amount columns paired into
:class:`Group` s by (year, source), and the line items the tree's leaves give (stage read).

:func:`reconcile.read.layout_a.read_layout_a` builds the tree; :func:`emit_items` turns each leaf
(a project without sub-projects, a sub-project) and each column group into a :class:`LineItem` with
its key (budget and execution year, project, sub-project, source) and its identity (SPEC 12).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import catalogue
from ..models import (
    UNKNOWN_ALLOCATED,
    UNKNOWN_DISBURSED,
    UNKNOWN_IN_MONTH,
    LineItem,
    SheetResult,
    cell_ref,
)
from .amounts import UNKNOWN, Context, is_unknown
from .grid import Grid
from .header import Column, Table
from .meta import Meta


@dataclass(slots=True)
class Node:
    """A row of a Layout A table in its place in the hierarchy."""

    kind: str
    row: int
    label: str
    values: dict[int, float | None]  # column index -> amount in triệu (None: empty or unreadable)
    project: int | None = None
    sub_project: int | None = None
    budget_year: int | None = None
    execution_year: int | None = None
    children: list[Node] = field(default_factory=list)
    code: str = ""  # a tracker item's code ("Mã dự án")
    item_key: str = ""  # see LineItem.item_key
    project_label: str = ""  # a sub-project's: the label of its project row, as written

    def has_values(self, cols: list[int]) -> bool:
        return any(self.values.get(c) is not None for c in cols)


@dataclass(slots=True)
class Group:
    """The amount columns of one (year, source) figure pair."""

    source: str  # NSTW | NSDP | ALL
    year: tuple[int, int] | None
    alloc: Column | None
    disb: Column | None
    in_month: Column | None


def column_groups(table: Table) -> tuple[list[Group], bool]:
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

    groups: list[Group] = []
    keys = [(c.source, c.year) for c in allocs] or [(c.source, c.year) for c in disbs + months]
    seen: set[tuple[str | None, tuple[int, int] | None]] = set()
    for src, year in keys:
        if (src, year) in seen:
            continue
        if multi_year and year is None and src in (None, "ALL"):
            continue  # "Tổng" over "2025 kéo dài | 2026": a check of its parts (year_totals), no key
        seen.add((src, year))
        groups.append(
            Group(
                source=src or "ALL",
                year=year if multi_year else (year or None),
                alloc=match(allocs, src, year),
                disb=match(disbs, src, year),
                in_month=match(months, src, year),
            )
        )
    return groups, multi_year


def year_totals(table: Table) -> list[tuple[Column, list[Column]]]:
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


def spread_unknown(nodes: list[Node], cols: list[int]) -> None:
    """A parent row's written amount over a child whose amount is unknown is unknown too: it is
    either a spreadsheet's sum that skipped the child or a figure the children cannot confirm, and
    never a partial sum to count or to check against."""
    # The usual sheet has no unknown amount: one pass over the values instead of a walk of the tree
    # (an unknown amount is NaN, the only value not equal to itself).
    if all(v == v for node in nodes for v in node.values.values()):
        return
    done: set[int] = set()

    def visit(node: Node) -> None:
        if id(node) in done:
            return
        done.add(id(node))
        kids = [k for k in node.children if k.kind != "unknown"]
        for k in kids:
            visit(k)
        for c in cols:
            if node.values.get(c) is not None and any(is_unknown(k.values.get(c)) for k in kids):
                node.values[c] = UNKNOWN

    for node in nodes:
        visit(node)


def _leaf_values(node: Node, cols: list[int]) -> tuple[dict[int, float | None], int]:
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


def emit_items(
    grid: Grid,
    table: Table,
    nodes: list[Node],
    groups: list[Group],
    multi_year: bool,
    default_year: tuple[int, int] | None,
    label_col: Column | None,
    ctx: Context,
    meta: Meta,
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


def _empty(values: dict[int, float | None], g: Group) -> bool:
    return all(not values.get(c.index) for c in (g.alloc, g.disb, g.in_month) if c is not None)


def _emit(
    grid: Grid,
    node: Node,
    g: Group,
    values: dict[int, float | None],
    row: int,
    multi_year: bool,
    default_year: tuple[int, int] | None,
    ctx: Context,
    meta: Meta,
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
            allocated=None if is_unknown(alloc) else alloc,
            disbursed=None if is_unknown(disb) else disb,
            disbursed_in_month=None if is_unknown(in_month) else in_month,
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


def _identity(
    node: Node, programme: str, configured: dict[tuple[str, int, int | None], str] | None = None
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
        (UNKNOWN_ALLOCATED if is_unknown(alloc) else 0)
        | (UNKNOWN_DISBURSED if is_unknown(disb) else 0)
        | (UNKNOWN_IN_MONTH if is_unknown(in_month) else 0)
    )
