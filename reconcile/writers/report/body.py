"""Sections I (results) and II (proposals) of the report, rendered from the result's tables.

The subtotals come from the totals table (one row per unit, year and project group) and the
sub-project figures from ``latest`` (per unit) or ``consolidated`` (all units): this module picks
rows and words them, it adds nothing up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...messages import msg
from ...models import is_missing
from .kit import Pen, Piece
from .words import (
    amount,
    date,
    figures,
    part_title,
    project_title,
    rate,
    remaining,
    status_sentence,
    sub_project_title,
)

#: The columns of ``latest`` and ``consolidated`` the report words.
KEY_FIELDS = (
    "unit",
    "budget_year",
    "execution_year",
    "project",
    "sub_project",
    "source",
    "allocated",
    "disbursed",
    "rate",
    "shortfall",
    "status",
    "expected_rate",
    "projection",
    "deadline",
    "days_left",
    "required_monthly",
)


def records(df: pd.DataFrame | None, columns: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The rows of ``df`` (only ``columns`` when given) as dicts, pandas' missing values as None."""
    if df is None or len(df) == 0:
        return []
    if columns is not None:
        df = df.loc[:, [c for c in columns if c in df.columns]]
    out = []
    for row in df.to_dict("records"):
        out.append({str(k): (None if is_missing(v) else v) for k, v in row.items()})
    return out


#: Central funds before local ones, as the input sheets list them.
_SOURCE_ORDER = {"ALL": 0, "NSTW": 1, "NSDP": 2}


@dataclass(slots=True)
class Tables:
    """The rows the report renders, from the result."""

    totals: list[dict[str, Any]]
    latest: list[dict[str, Any]]
    consolidated: list[dict[str, Any]]
    units: list[str]
    target: float
    as_of: dt.date | None
    lang: str
    _groups: dict[tuple[Any, ...], list[dict[str, Any]]] = field(default_factory=dict, init=False)
    _keys: dict[tuple[Any, ...], list[dict[str, Any]]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        # Each part asks for its rows by key: index them once (a national folder has ~20,000 units).
        for r in sorted(self.totals, key=_year_project):
            unit = "" if r["scope"] == "province" else r["unit"]
            self._groups.setdefault((r["scope"], r["level"], unit), []).append(r)
        for source, rows in ((None, self.consolidated), ("unit", self.latest)):
            for r in sorted(rows, key=_sub_source):
                unit = None if source is None else r["unit"]
                key = (unit, r["budget_year"], r["execution_year"], r["project"])
                self._keys.setdefault(key, []).append(r)

    def groups(self, scope: str, level: str, unit: str = "", **keys: Any) -> list[dict[str, Any]]:
        """The totals rows of one scope and level (and unit, years, project), in key order."""
        rows = self._groups.get((scope, level, "" if scope == "province" else unit), [])
        return [r for r in rows if all(r.get(k) == v for k, v in keys.items())] if keys else rows

    def keys(
        self, unit: str | None, budget_year: int, execution_year: int, project: int
    ) -> list[dict[str, Any]]:
        """The per-key rows of one project (``unit`` None: the consolidated rows)."""
        return self._keys.get((unit, budget_year, execution_year, project), [])


def _year_project(r: dict[str, Any]) -> tuple[int, int, int]:
    return (r.get("budget_year") or 0, r.get("execution_year") or 0, r.get("project") or 0)


def _sub_source(r: dict[str, Any]) -> tuple[int, int]:
    return (-1 if r["sub_project"] is None else r["sub_project"], _SOURCE_ORDER.get(r["source"], 9))


def _heading(pen: Pen, text: str, level: int) -> None:
    pen.heading(text, level)


def _total_sentence(key: str, row: dict[str, Any], t: Tables, **params: Any) -> str:
    lang = t.lang
    text = msg(key, lang, allocated=amount(row["allocated"], lang), **params)
    text += msg(
        "report.disbursed_by",
        lang,
        as_of=date(t.as_of, lang),
        disbursed=amount(row["disbursed"], lang),
        rate=rate(row["rate"], lang),
    )
    return text + remaining(row, lang) + "."


def _year_part(pen: Pen, t: Tables, number: str, row: dict[str, Any], unit: str | None) -> None:
    """One budget year's part: its total, a placeholder for the assessment, then its projects."""
    lang = t.lang
    by, ey = int(row["budget_year"]), int(row["execution_year"])
    _heading(pen, f"{number}. {part_title(by, ey, lang)}", 2 if number.count(".") == 0 else 3)
    key = "report.total_carried" if by != ey else "report.total_year"
    sentence = _total_sentence(key, row, t, budget_year=by, execution_year=ey)
    pen.body([sentence + " ", (msg("report.assessment", lang), "h") if unit is not None else ""])
    scope = "province" if unit is None else "unit"
    for project in t.groups(scope, "project", unit or "", budget_year=by, execution_year=ey):
        _project(pen, t, project, unit)


def _project(pen: Pen, t: Tables, row: dict[str, Any], unit: str | None) -> None:
    """``- Dự án 6: …: kế hoạch vốn …`` then one paragraph per sub-project (and source)."""
    lang = t.lang
    p = int(row["project"])
    keys = t.keys(unit, int(row["budget_year"]), int(row["execution_year"]), p)
    head = f"- {project_title(p, lang)}: "
    text = figures(row, lang) + remaining(row, lang) + "."
    # A project without sub-projects and with one source: its key's status belongs to this paragraph.
    alone = len(keys) == 1 and keys[0]["sub_project"] is None
    tail = _key_tail(keys[0], t, unit) if alone else []
    pen.body([(head, "b"), text, *tail])
    if alone:
        return
    sources = {(k["sub_project"], k["source"]) for k in keys}
    several = {s for s, _ in sources if sum(1 for s2, _ in sources if s2 == s) > 1}
    for k in keys:
        label = sub_project_title(p, k["sub_project"], lang) if k["sub_project"] is not None else ""
        if k["sub_project"] in several or k["sub_project"] is None:
            src = msg("report.source", lang, source=msg(f"source.{k['source']}", lang))
            label = f"{label} ({src})" if label else src
        line = figures(k, lang) + remaining(k, lang) + "."
        pen.body([(f"+ {label}: ", "b"), line, *_key_tail(k, t, unit)])


def _key_tail(k: dict[str, Any], t: Tables, unit: str | None) -> list[Piece]:
    """The status sentence and, in a unit's part, the placeholder for what only the unit can say."""
    out: list[Piece] = [" " + status_sentence(k, t.target, t.as_of, t.lang)]
    if unit is not None:
        out += [" ", (msg("report.work", t.lang), "h")]
    return out


def results(pen: Pen, t: Tables) -> None:
    """I. KẾT QUẢ THỰC HIỆN: one part per budget year (carried-over funds first); with several
    units the consolidated totals first, then one part per unit."""
    lang = t.lang
    _heading(pen, msg("report.results", lang), 1)
    if len(t.units) <= 1:
        unit = t.units[0] if t.units else ""
        for i, year in enumerate(t.groups("unit", "year", unit), 1):
            _year_part(pen, t, str(i), year, unit)
        return
    _heading(pen, f"1. {msg('report.part_all_units', lang)}", 2)
    for total in t.groups("province", "total"):
        pen.body([_total_sentence("report.total_units", total, t, count=len(t.units))])
    for j, year in enumerate(t.groups("province", "year"), 1):
        _year_part(pen, t, f"1.{j}", year, None)
    for i, unit in enumerate(t.units, 2):
        _heading(pen, f"{i}. {unit}", 2)
        for total in t.groups("unit", "unit", unit):
            pen.body([_total_sentence("report.total_unit", total, t)])
        for j, year in enumerate(t.groups("unit", "year", unit), 1):
            _year_part(pen, t, f"{i}.{j}", year, unit)


def proposals(pen: Pen, rows: list[dict[str, Any]], lang: str) -> None:
    """II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN: ceiling against proposal per sub-project, or a placeholder."""
    _heading(pen, msg("report.proposals", lang), 1)
    if not rows:
        pen.body([(msg("report.proposals_none", lang), "h")])
        return
    for n, r in enumerate(rows, 1):
        what = project_title(int(r["project"]), lang)
        if r.get("sub_project") is not None:
            what += ", " + sub_project_title(int(r["project"]), r["sub_project"], lang)
        diff = r.get("difference")
        if diff is None:
            change = msg("report.unknown", lang)
        elif diff > 0:
            change = msg("report.proposal_more", lang, diff=amount(diff, lang))
        elif diff < 0:
            change = msg("report.proposal_less", lang, diff=amount(-diff, lang))
        else:
            change = msg("report.proposal_same", lang)
        text = msg(
            "report.proposal",
            lang,
            year=r["year"],
            what=what,
            ceiling=amount(r.get("ceiling"), lang),
            proposal=amount(r.get("proposal"), lang),
            change=change,
        )
        reason = str(r.get("reason") or "").strip()
        parts: list[Piece] = [f"{n}. {text}"]
        if reason:
            parts.append(" " + msg("report.proposal_reason", lang, reason=reason))
        pen.body(parts)
