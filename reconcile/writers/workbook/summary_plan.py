"""The rows of the Tổng hợp sheet planned from ``Result.totals`` and the keys: which subtotal and key
rows, in what order, with the cached value of every summed cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...catalogue import CATALOGUE_PROGRAMMES, identity_text
from ...messages import msg
from ...models import STATUSES
from ...result import Result
from ...result.totals import sheet_order
from ...values import approx_sub as _approx_sub
from ...values import date as _date
from ...values import num as _num
from ...values import stored as _stored
from ...values import text as _text
from ...values import whole as _int
from .common import (
    _PLAN_FIELDS,
    _project_text,
    _records,
    _source_text,
    _sub_project_text,
    _unit_label,
)

_SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("wb.col.unit", "text"),
    ("wb.col.budget_year", "year"),
    ("wb.col.execution_year", "year"),
    ("wb.col.project", "text"),
    ("wb.col.sub_project", "text"),
    ("wb.col.source", "text"),
    ("wb.col.allocated", "amount"),
    ("wb.col.disbursed", "amount"),
    ("wb.col.rate", "rate"),
    ("wb.col.shortfall", "amount"),
    ("wb.col.status", "text"),
    ("wb.col.deadline", "date"),
    ("wb.col.days_left", "int"),
    ("wb.col.required_monthly", "estimate"),
    ("wb.col.projection", "estimate"),
    ("wb.col.expected_rate", "rate"),
)
_C_UNIT, _C_BY, _C_EY, _C_PROJ, _C_SUB, _C_SRC = 0, 1, 2, 3, 4, 5
_C_ALLOC, _C_DISB, _C_RATE, _C_SHORT, _C_STATUS = 6, 7, 8, 9, 10
_C_DEADLINE, _C_DAYS, _C_MONTHLY, _C_PROJECTION, _C_EXPECTED = 11, 12, 13, 14, 15
_SUMMED = (_C_ALLOC, _C_DISB, _C_SHORT, _C_MONTHLY, _C_PROJECTION)
_SUMMARY_TITLE_ROWS = 6  # title, unit, period, money unit, target, note
_TARGET_CELL = (4, 1)  # B5


@dataclass(slots=True)
class _Line:
    """One planned row of the summary table: a key at its latest period, or a subtotal."""

    kind: str  # detail | project | year | unit | total
    depth: int
    unit: str = ""
    budget_year: int | None = None
    execution_year: int | None = None
    project: str = ""
    sub_project: str = ""
    source: str = ""
    status: str = ""
    allocated: float | None = None
    disbursed: float | None = None
    required_monthly: float | None = None
    projection: float | None = None
    deadline: dt.date | None = None
    days_left: int | None = None
    expected_rate: float | None = None
    children: list[int] = field(default_factory=list)
    #: Cached values of the summed columns and the rate, as a spreadsheet computes them.
    cached: dict[int, float] = field(default_factory=dict)
    #: Columns whose figure is not known (an ``incomplete`` key, or a subtotal over one): left
    #: empty, never a sum of the figures that are known.
    unknown: frozenset[int] = frozenset()


def _detail_line(
    r: dict[str, Any], depth: int, unit_text: str, lang: str, memo: dict[Any, str] | None = None
) -> _Line:
    """The line of one key; ``memo`` keeps the project, sub-project and source texts already made
    (a province has thousands of keys and a handful of each)."""
    memo = {} if memo is None else memo
    project = _int(r.get("project"))
    sub = _int(r.get("sub_project"))
    source = r.get("source")
    programme = _text(r.get("programme"))
    if programme in CATALOGUE_PROGRAMMES and project != 0:
        project_text = memo.get(("p", project))
        if project_text is None:
            project_text = memo[("p", project)] = _project_text(project, lang)
        sub_text = memo.get(("s", project, sub))
        if sub_text is None:
            sub_text = memo[("s", project, sub)] = _sub_project_text(project, sub, lang)
    else:
        # Another programme's project: its identity as the sheet writes it, never the GNBV names.
        project_text = identity_text(programme, r.get("project_code"), r.get("project_name"))
        sub_text = _sub_project_text(project, sub, lang, with_name=False)
    # Only strings share a text: 1 and 1.0 are equal keys with different texts.
    source_text = memo.get(("src", source)) if type(source) is str else None
    if source_text is None:
        source_text = _source_text(source, lang)
        if type(source) is str:
            memo[("src", source)] = source_text
    status = _text(r.get("status"))
    amounts = {k: _num(r.get(k)) for k in ("allocated", "disbursed", "required_monthly", "projection")}
    for k, v in amounts.items():
        amounts[k] = None if v is None else _stored(v)
    days = _num(r.get("days_left"))
    expected = _num(r.get("expected_rate"))
    return _Line(
        "detail",
        depth,
        unit=unit_text,
        budget_year=_int(r.get("budget_year")),
        execution_year=_int(r.get("execution_year")),
        project=project_text,
        sub_project=sub_text,
        source=source_text,
        status=status if status in STATUSES else "",
        allocated=amounts["allocated"],
        disbursed=amounts["disbursed"],
        required_monthly=amounts["required_monthly"],
        projection=amounts["projection"],
        deadline=_date(r.get("deadline")),
        days_left=None if days is None else round(days),
        expected_rate=None if expected is None else _stored(expected),
        unknown=_unknown_columns(status, amounts["allocated"], amounts["disbursed"]),
    )


def _other_programme(details: list[dict[str, Any]], at: int) -> bool:
    """Whether the keys of a project run from ``at`` are of a programme outside the GNBV catalogue."""
    return at < len(details) and _text(details[at].get("programme")) not in CATALOGUE_PROGRAMMES


def _project_label(details: list[dict[str, Any]], at: int, project: int | None, lang: str) -> str:
    """A project subtotal's label: "Dự án 6: …" of the GNBV catalogue; another programme's project or
    a tracker's item (its sources under it) by its programme, code and name, never "Dự án 0"."""
    if not _other_programme(details, at) and project != 0:
        return _project_text(project, lang)
    r = details[at] if at < len(details) else {}
    return identity_text(r.get("programme"), r.get("project_code"), r.get("project_name")) or _project_text(
        project, lang, with_name=False
    )


#: What an ``incomplete`` key cannot show: the figures computed from the one that is not known.
_DERIVED = frozenset({_C_RATE, _C_SHORT, _C_MONTHLY, _C_PROJECTION})


def _unknown_columns(status: str, allocated: float | None, disbursed: float | None) -> frozenset[int]:
    """The columns of a key's line that are not known: none unless it is ``incomplete``; then its
    empty amounts (one of them could not be read) and everything computed from them."""
    if status != "incomplete":
        return frozenset()
    empty = {col for col, v in ((_C_ALLOC, allocated), (_C_DISB, disbursed)) if v is None}
    return _DERIVED | empty


def _plan(
    totals: pd.DataFrame,
    details: list[dict[str, Any]],
    lang: str,
    per_unit: bool,
    target: float,
    unit_text: str | None = None,
) -> list[_Line]:
    """The summary rows in sheet order: grand total, then unit, year and project groups, parents first.

    ``totals``: one scope's rows of ``Result.totals`` (their figures are the subtotals' cached values);
    ``details``: that scope's keys in sheet order, each project's keys after its row. ``unit_text``
    overrides the unit shown (the consolidated block). Unit rows show only with ``per_unit``; a
    project gets its own subtotal row only when it has more than one key, otherwise its single row
    stands for it.
    """
    lines: list[_Line] = []
    memo: dict[Any, str] = {}
    parent = year_idx = 0
    shown_unit = ""
    at = 0
    for t in _records(totals):
        level = t["level"]
        if level == "total":
            lines.append(_subtotal(_Line("total", 0, project=msg("wb.total", lang)), t))
            continue
        if level == "unit":
            shown_unit = unit_text if unit_text is not None else _unit_label(_text(t["unit"]), lang)
            parent = 0
            if per_unit:
                lines.append(
                    _subtotal(_Line("unit", 1, unit=shown_unit, project=msg("wb.unit_total", lang)), t)
                )
                lines[0].children.append(len(lines) - 1)
                parent = len(lines) - 1
            continue
        by, ey = _int(t["budget_year"]), _int(t["execution_year"])
        if level == "year":
            if unit_text is not None:
                shown_unit = unit_text
            elif not per_unit:
                shown_unit = _unit_label(_text(t["unit"]), lang)
            if by is not None and ey is not None and ey != by:
                label = msg("wb.year_funds_carried", lang, budget=by, execution=ey)
            else:
                label = msg("wb.year_funds", lang, year=by if by is not None else "")
            year = _Line(
                "year",
                lines[parent].depth + 1,
                unit=shown_unit,
                budget_year=by,
                execution_year=ey,
                project=label,
            )
            lines.append(_subtotal(year, t))
            year_idx = len(lines) - 1
            lines[parent].children.append(year_idx)
            continue
        keys = int(t["keys"])
        owner = year_idx
        if keys > 1:
            project = _Line(
                "project",
                lines[year_idx].depth + 1,
                unit=shown_unit,
                budget_year=by,
                execution_year=ey,
                project=_project_label(details, at, _int(t["project"]), lang),
            )
            lines.append(_subtotal(project, t))
            lines[year_idx].children.append(len(lines) - 1)
            owner = len(lines) - 1
        for r in details[at : at + keys]:
            lines.append(
                _detail_cached(_detail_line(r, lines[owner].depth + 1, shown_unit, lang, memo), target)
            )
            lines[owner].children.append(len(lines) - 1)
        at += keys
    return lines


#: Where each summed column's cached value comes from in a row of ``Result.totals``.
_TOTAL_FIGURES = {
    _C_ALLOC: "allocated",
    _C_DISB: "disbursed",
    _C_SHORT: "shortfall",
    _C_MONTHLY: "required_monthly",
    _C_PROJECTION: "projection",
}


def _subtotal(line: _Line, t: dict[str, Any]) -> _Line:
    """A subtotal line whose cached values are the figures of its row of ``Result.totals``."""
    unknown = set()
    for col, name in _TOTAL_FIGURES.items():
        value = _num(t[name])
        line.cached[col] = 0.0 if value is None else value
        if value is None:
            unknown.add(col)  # a subtotal over a key whose figure is not known
    rate = _num(t["rate"])
    line.cached[_C_RATE] = 0.0 if rate is None else rate  # =IF(G>0,H/G,0)
    if (_num(t.get("incomplete_keys")) or 0) > 0:
        unknown |= _DERIVED
    line.unknown = frozenset(unknown)
    return line


def _detail_cached(line: _Line, target: float) -> _Line:
    """A key's line with the cached values of its cells: its own figures and the shortfall formula's."""
    c = line.cached
    g = line.allocated or 0.0
    h = line.disbursed or 0.0
    c[_C_ALLOC], c[_C_DISB] = g, h
    c[_C_SHORT] = max(_approx_sub(g * target, h), 0.0)
    c[_C_MONTHLY] = line.required_monthly or 0.0
    c[_C_PROJECTION] = line.projection or 0.0
    c[_C_RATE] = h / g if g > 0 else 0.0
    return line


def _plan_size(totals: pd.DataFrame, per_unit: bool) -> int:
    """How many lines :func:`_plan` makes of one scope of ``Result.totals``, counted without planning
    them: a national run has a million keys, and planning them only to find that they do not fit took
    a minute and gigabytes."""
    level = totals["level"].to_numpy()
    keys = totals["keys"].to_numpy()
    total = level == "total"
    shown = (level == "year") | ((level == "project") & (keys > 1)) | total
    if per_unit:
        shown |= level == "unit"
    return int(shown.sum()) + int(keys[total].sum())


def _scope(result: Result, scope: str) -> pd.DataFrame:
    totals = result.totals
    return totals[totals["scope"].to_numpy() == scope]


def _details(frame: pd.DataFrame | None, units: list[str]) -> list[dict[str, Any]]:
    """The keys of a summary-shaped frame in sheet order, as the dicts :func:`_detail_line` reads."""
    if frame is None or len(frame) == 0:
        return []
    return _records(frame.iloc[sheet_order(frame, units)], _PLAN_FIELDS)
