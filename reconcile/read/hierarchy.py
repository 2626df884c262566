"""Layout A's hierarchy and keys: rows as :class:`Node` s of a tree, the amount columns paired into
:class:`Group` s by (year, source), and the line items the tree's leaves give (stage read).

:func:`reconcile.read.layout_a.read_layout_a` builds the tree; :func:`emit_items` turns each leaf
(a project without sub-projects, a sub-project) and each column group into a line item with its key
(budget and execution year, project, sub-project, source) and its identity (SPEC 12), a row of the
sheet's columns (:attr:`reconcile.models.SheetResult.columns`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import catalogue
from ..models import (
    UNKNOWN_ALLOCATED,
    UNKNOWN_DISBURSED,
    UNKNOWN_IN_MONTH,
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
    item_key: str = ""  # see the item_key column (reconcile.models.LINE_ITEM_COLUMNS)
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


#: The columns :func:`emit_items` gives a sheet, in the order of its rows' fields. The file, sheet,
#: unit and period are the sheet's own on every row: left out (see SheetResult.columns).
_EMITTED = (
    "budget_year",
    "execution_year",
    "project",
    "sub_project",
    "source",
    "allocated",
    "disbursed",
    "disbursed_in_month",
    "unknown",
    "row",
    "label",
    "allocated_cell",
    "disbursed_cell",
    "in_month_cell",
    "programme",
    "project_code",
    "project_name",
    "sub_project_name",
    "item_key",
)

#: A row of :data:`_EMITTED`'s fields.
_Row = tuple[object, ...]


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
    """The sheet's line items, into ``sheet.columns`` (None when there is none)."""
    cols = sorted({c.index for c in table.columns if c.role in ("alloc", "disb", "in_month")})
    split = any(g.source in ("NSTW", "NSDP") for g in groups)
    sourced = [g for g in groups if g.source in ("NSTW", "NSDP")]
    letters = {c: cell_ref(0, c)[:-1] for c in cols}  # column letters, for the items' cell references
    # A province's file has ~25 items: each is a tuple of its fields, the sheet's columns are made of
    # them at the end in one transposition (no object and no dozen appends per item).
    rows: list[_Row] = []
    for node in nodes:
        # The leaves: sub-projects, and projects without any.
        leaf = node.kind == "sub_project" or (
            node.kind == "project" and not any(k.kind == "sub_project" for k in node.children)
        )
        if not leaf or node.project is None:
            continue
        values, row = _leaf_values(node, cols)
        identity = _identity(node, meta.programme, ctx.catalogues)
        for g in groups:
            if split and g.source == "ALL":
                continue
            _emit(node, g, values, row, multi_year, default_year, identity, rows, letters)
        # A row that fills only Tổng số still counts, as all sources together.
        if split and all(_empty(values, g) for g in sourced):
            for g in groups:
                if g.source == "ALL":
                    _emit(node, g, values, row, multi_year, default_year, identity, rows, letters)
    if rows:
        sheet.columns = dict(zip(_EMITTED, map(list, zip(*rows, strict=True)), strict=True))


def _empty(values: dict[int, float | None], g: Group) -> bool:
    return all(not values.get(c.index) for c in (g.alloc, g.disb, g.in_month) if c is not None)


def _emit(
    node: Node,
    g: Group,
    values: dict[int, float | None],
    row: int,
    multi_year: bool,
    default_year: tuple[int, int] | None,
    identity: tuple[str, str, str, str, str],
    rows: list[_Row],
    letters: dict[int, str],
) -> None:
    """The item of ``node``'s column group ``g``, as a row of :data:`_EMITTED` into ``rows``; none
    where the group holds no amount or no year is known."""
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
    rows.append(
        (
            int(year[0]),
            int(year[1] or year[0]),
            int(node.project or 0),
            node.sub_project,
            g.source,
            None if is_unknown(alloc) else alloc,
            None if is_unknown(disb) else disb,
            None if is_unknown(in_month) else in_month,
            _unknown_bits(alloc, disb, in_month),
            n,
            node.label,
            f"{letters[g.alloc.index]}{n}" if g.alloc else None,
            f"{letters[g.disb.index]}{n}" if g.disb else None,
            f"{letters[g.in_month.index]}{n}" if g.in_month else None,
            *identity,
        )
    )


def _identity(
    node: Node, programme: str, configured: dict[tuple[str, int, int | None], str] | None = None
) -> tuple[str, str, str, str, str]:
    """programme, project_code, project_name, sub_project_name and item_key of an item row (SPEC 12):
    the catalogue's names for its programme (shipped, or ``[catalogue.<programme>]``), else the
    sheet's labels as written."""
    p, s = int(node.project or 0), node.sub_project
    if configured and not node.item_key and (programme, p, None) in configured:
        sub_name = configured.get((programme, p, s), node.label if s is not None else "")
        return (programme, "", configured[(programme, p, None)], sub_name, "")
    if programme in catalogue.CATALOGUE_PROGRAMMES and not node.item_key:
        return (programme, "", catalogue.project_name(p), catalogue.sub_project_name(p, s), "")
    if s is None:
        return (programme, node.code, node.label, "", node.item_key)
    return (programme, "", node.project_label, node.label, "")


def _unknown_bits(alloc: float | None, disb: float | None, in_month: float | None) -> int:
    """The ``unknown`` bits of an item's three amounts (UNKNOWN_ALLOCATED...)."""
    return (
        (UNKNOWN_ALLOCATED if is_unknown(alloc) else 0)
        | (UNKNOWN_DISBURSED if is_unknown(disb) else 0)
        | (UNKNOWN_IN_MONTH if is_unknown(in_month) else 0)
    )
