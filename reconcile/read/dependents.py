"""The formula cells that depend on an amount not taken as written (stage read, per table).

A text typed into an amount cell makes a spreadsheet's recalculated parents wrong; :func:`dependents`
finds each such cause and the formula cells over it, recomputing them where the cause holds one number
(its result is :class:`reconcile.read.amounts.Deps`, read by :func:`reconcile.read.amounts.amount`).
:func:`names_footer` tells the signature block below a table, where its amounts end.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import catalogue
from ..models import cell_ref
from ..text import fold
from .amounts import Context, Deps
from .formulas import Unsupported, evaluate, parse_ref
from .formulas import _tokenize as formula_tokens
from .grid import Grid
from .grid import _read_formulas as read_formulas
from .numbers import is_plain, read_amount


def formula_reader(path: Path, checked: Any) -> Callable[[str], dict[tuple[int, int], str]]:
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


def dependents(grid: Grid, rows: range, cols: list[int], ctx: Context, factor: str) -> Deps | None:
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
        if here and names_footer(row):
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
    return Deps(values, named, failed)


def names_footer(row: list[Any]) -> bool:
    """True when a text cell of the row opens the signature block ("Người lập biểu", "Hà Nội, ngày...")."""
    return any(
        catalogue.classify_label(fold(v)).kind == "footer" for v in row if isinstance(v, str) and v.strip()
    )
