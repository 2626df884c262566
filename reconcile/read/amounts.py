"""An amount cell becomes a figure in triệu đồng or a finding (stage read, per cell).

:class:`Context` is what every reader of a sheet shares about its file (number convention, findings,
formulas on demand, the cells that depend on one not taken as written); :func:`amount` applies the
amount rule of :mod:`reconcile.read.numbers` to one cell and turns what it says into findings at the
cell that is the cause. A figure that cannot be known is :data:`UNKNOWN` (NaN), never 0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import Finding, cell_ref
from ..text import cell_text
from .grid import Grid
from .money import to_trieu
from .numbers import Amount, Convention, read_amount

#: An amount that was written but cannot be known (text without a number, an error value, a formula
#: without its value, or one that depends on such a cell): NaN, so that every sum over it is unknown
#: too and no comparison with it holds. None stays "nothing written".
UNKNOWN = math.nan


def is_unknown(v: float | None) -> bool:
    """True for an :data:`UNKNOWN` amount (not for None, nothing written)."""
    return v is not None and v != v


@dataclass(slots=True)
class Context:
    """What a sheet reader needs to know about its file."""

    rel: str
    convention: Convention
    findings: list[Finding]
    ambiguous_reported: bool = False
    #: The formula cells of the sheet being read that depend on an amount cell not taken as
    #: written (see :func:`reconcile.read.dependents.dependents`); None when there is none.
    deps: Deps | None = None
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


def amount(grid: Grid, r: int, c: int, ctx: Context, factor: str) -> float | None:
    """The amount at (r, c) in triệu đồng: None where nothing is written, :data:`UNKNOWN` where
    something is written that gives no figure (a finding at the cell that is the cause, never 0).

    The reading itself is :func:`reconcile.read.numbers.read_amount`; here it becomes findings. A
    formula cell that depends on a cell not taken as written (see
    :func:`reconcile.read.dependents.dependents`) is recomputed from it, or unknown without a finding of
    its own: the finding at the cause names it.
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
    ctx: Context, code: str, grid: Grid, key: tuple[int, int], params: dict[str, object], named: list[str]
) -> None:
    """A finding at an amount cell; ``named``: the formula cells that depend on it (one finding for all)."""
    if named:
        params = {**params, "dependents": named, "message_key": f"finding.{code}_dependents"}
    ctx.findings.append(Finding(code, ctx.rel, grid.name, cell_ref(*key), params=params))


@dataclass(slots=True)
class Deps:
    """What :func:`reconcile.read.dependents.dependents` found on one table.

    ``values``: formula cell -> its value recomputed from the cells it depends on (in the sheet's own
    unit), None when it cannot be known. ``named``: cause cell -> the amount cells that depend on it.
    """

    values: dict[tuple[int, int], float | None]
    named: dict[tuple[int, int], list[str]]
    #: Formula cells that could not be recomputed from a number among words (a function the
    #: evaluator does not do): their own formula_without_value, once at the first of a chain.
    failed: dict[tuple[int, int], str] = field(default_factory=dict)


def half_unit(text: str, convention: Convention, factor: str) -> float:
    """Half a unit of the last digit a text amount shows, in triệu ("635.466" Vietnamese: 0.5)."""
    digits = re.sub(r"[^\d.,]", "", text)
    mark = "." if convention is Convention.US else ","
    at = digits.rfind(mark)
    decimals = len(digits) - at - 1 if at >= 0 else 0
    return to_trieu(0.5 * 10 ** (-decimals), factor)
