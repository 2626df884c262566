"""Layout A: a report form read by the meaning of each row (stage read, per table).

:func:`read_layout_a` classifies each row (total, year section, group, project, sub-project, activity;
by the programme's catalogue, or by its STT outside one), builds the hierarchy
(:mod:`reconcile.read.hierarchy`), checks the figures the sheet writes about itself
(:mod:`reconcile.read.checks`) and emits the line items.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import catalogue
from ..models import Finding, SheetResult, cell_ref
from ..text import cell_text, fold
from .amounts import Context, amount, half_unit
from .checks import check_rate, check_remaining, check_rows, check_year_totals
from .dependents import dependents, names_footer
from .grid import Grid
from .header import Column, Table, year_tag
from .hierarchy import Node, column_groups, emit_items, spread_unknown
from .meta import Meta
from .money import to_trieu
from .numbers import is_plain, parse_number


def _sheet_year(grid: Grid) -> tuple[int, int] | None:
    return (
        year_tag("nam " + fold(grid.name).removeprefix("nam ")) if re.search(r"20\d\d", grid.name) else None
    )


def read_layout_a(
    grid: Grid,
    table: Table,
    end: int,
    ctx: Context,
    factor: str,
    meta: Meta,
    sheet: SheetResult,
    aliases: tuple[tuple[str, int, int | None], ...],
) -> None:
    groups, multi_year = column_groups(table)
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
    nodes: list[Node] = []
    open_by_rank: dict[int, Node] = {}
    rank = {"total": 0, "year": 1, "group": 2, "project": 3, "sub_project": 4, "activity": 5}
    year: tuple[int, int] | None = None
    project: int | None = None
    project_known = True
    roots: list[Node] = []
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
    ctx.deps = dependents(grid, range(table.first_data, end), amount_cols, ctx, factor)
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
        if not numeric and not known and names_footer(row):
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
        node = Node(kind=lab.kind, row=r, label=label, values=values)
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
            open_by_rank[rank[lab.kind]] = Node(kind="unknown", row=r, label=label, values={})
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
    spread_unknown(nodes, amount_cols)
    check_rows(grid, table, nodes, groups, ctx)
    check_year_totals(grid, table, nodes, ctx)
    remaining_col = table.one("remaining")
    if remaining_col is not None:
        main = [g for g in groups if g.source == "ALL"] or groups
        for node in nodes:
            check_remaining(grid, table, node, remaining_col, main, ctx, factor)
    if rate_col is not None:
        main = [g for g in groups if g.source == "ALL"] or groups
        alloc_cols = [g.alloc.index for g in main if g.alloc]
        disb_cols = [g.disb.index for g in main if g.disb]
        for node in nodes:
            check_rate(grid, node, rate_col, alloc_cols, disb_cols, ctx)
    emit_items(grid, table, nodes, groups, multi_year, default_year, label_col, ctx, meta, sheet)


class _RowAmounts:
    """The amount cells of a Layout A row: whether any holds a number, and their values in triệu.

    Plain non-negative numbers, nearly every amount cell, are converted here; anything else (text,
    negative, a formula without its value) takes :func:`reconcile.read.amounts.amount` and its findings.
    """

    def __init__(self, grid: Grid, cols: list[int], ctx: Context, factor: str) -> None:
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
        """Column index -> :func:`reconcile.read.amounts.amount` of each amount cell of the row."""
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
                out[c] = amount(self.grid, r, c, self.ctx, factor)
                if isinstance(v, str) and out[c] is not None:
                    self.ctx.half[(r, c)] = half_unit(v, self.ctx.convention, factor)
        return out


def _reads_as_number(grid: Grid, r: int, c: int, ctx: Context) -> bool:
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


def _leaf_project(node: Node | None, in_catalogue: bool = True) -> bool:
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
