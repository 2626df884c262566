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

from ...catalogue import CATALOGUE_PROGRAMMES, identity_text
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
    "programme",
    "project_code",
    "project_name",
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
    """The rows the report renders, from the result.

    ``totals``: the subtotal rows in sheet order; ``latest`` / ``consolidated``: the keys in the same
    order (:func:`reconcile.result.totals.sheet_order`), so that each project row of ``totals`` owns
    the next ``keys`` of them, as on the Tổng hợp sheet. A project is thus its programme's and, for a
    tracker's item, the item itself (SPEC 12), never every key that shares its number.
    """

    totals: list[dict[str, Any]]
    latest: list[dict[str, Any]]
    consolidated: list[dict[str, Any]]
    units: list[str]
    target: float
    as_of: dt.date | None
    lang: str
    _groups: dict[tuple[Any, ...], list[dict[str, Any]]] = field(default_factory=dict, init=False)
    _programmes: frozenset[str] = field(default=frozenset(), init=False)

    def __post_init__(self) -> None:
        # Asked for every project line: found once (a national report has a million keys).
        self._programmes = frozenset(programme_of(r) for r in self.latest)
        # Each part asks for its rows by unit: index them once (a national folder has ~20,000 units).
        details = {"unit": self.latest, "province": self.consolidated}
        at = dict.fromkeys(details, 0)
        year: dict[str, Any] | None = None
        for r in self.totals:
            scope = r["scope"]
            if r["level"] == "year":
                year = r
                r["_projects"] = []
            elif r["level"] == "project":
                n = int(r["keys"])
                # Sheet order, but the whole before its sources, as the input sheets list them.
                r["_keys"] = sorted(details[scope][at[scope] : at[scope] + n], key=_sub_source)
                at[scope] += n
                if year is not None:
                    year["_projects"].append(r)
        for r in sorted(self.totals, key=_year_project):
            unit = "" if r["scope"] == "province" else r["unit"]
            self._groups.setdefault((r["scope"], r["level"], unit), []).append(r)

    def groups(self, scope: str, level: str, unit: str = "") -> list[dict[str, Any]]:
        """The totals rows of one scope and level (and unit), years in order."""
        return self._groups.get((scope, level, "" if scope == "province" else unit), [])

    @property
    def programmes(self) -> frozenset[str]:
        """The programmes of the keys ("GNBV" for the catalogue's keys of a sheet naming none; "" for
        a tracker's items that name none)."""
        return self._programmes

    @property
    def several_programmes(self) -> bool:
        """Whether the keys are of more than one programme: each project then names its own."""
        return len(self.programmes) > 1

    @property
    def programme(self) -> str:
        """The one programme the report is about ("GNBV" with no key at all), "" for several."""
        found = self.programmes or frozenset({"GNBV"})
        return next(iter(found)) if len(found) == 1 else ""

    def funds(self, words: str = "report.funds") -> str:
        """The funds the report is about in the words of ``words`` ("report.funds": in a sentence,
        "report.funds_title": in a title, "report.funds_kind": " sự nghiệp" for GNBV's only)."""
        p = self.programme
        if words == "report.funds_kind":
            return msg(f"{words}.{'GNBV' if p == 'GNBV' else 'any'}", self.lang)
        key = p if p in _NAMED_PROGRAMMES else ("other" if p else "any")
        return msg(f"{words}.{key}", self.lang, programme=p)


#: Programmes the message catalogue names in full.
_NAMED_PROGRAMMES = ("GNBV", "NTM", "DTTS", "DTC")


def programme_of(key: dict[str, Any]) -> str:
    """A key's programme, "GNBV" for a catalogue project of a sheet that names none (SPEC 12)."""
    programme = str(key.get("programme") or "")
    if not programme and int(key.get("project") or 0) != 0:
        return "GNBV"
    return programme


def _year_project(r: dict[str, Any]) -> tuple[int, int]:
    return (r.get("budget_year") or 0, r.get("execution_year") or 0)


def _sub_source(r: dict[str, Any]) -> tuple[int, int]:
    return (-1 if r["sub_project"] is None else r["sub_project"], _SOURCE_ORDER.get(r["source"], 9))


def year_title(row: dict[str, Any], t: Tables) -> str:
    """ "Nguồn vốn năm 2026"; with several programmes in the folder, a year whose projects are all of
    one programme names it ("Nguồn vốn năm 2026 (DTTS)"): the same year may then come twice."""
    text = part_title(int(row["budget_year"]), int(row["execution_year"]), t.lang)
    if t.several_programmes:
        names = {programme_of(k) for p in row["_projects"] for k in p["_keys"]}
        if len(names) == 1 and (only := names.pop()):
            return msg("report.part_programme", t.lang, part=text, programme=only)
    return text


def item_title(key: dict[str, Any], several: bool, lang: str) -> str:
    """A project as the report names it: the GNBV catalogue's "Dự án 6: …" for its keys, another
    programme's project or a tracker's item by its code and name as the sheet writes them; with
    ``several`` programmes in the folder, each preceded by its programme ("[DTTS] …")."""
    programme = programme_of(key)
    project = int(key["project"])
    if programme in CATALOGUE_PROGRAMMES and project != 0:
        text = project_title(project, lang)
        return f"[{programme}] {text}" if several else text
    text = identity_text(programme if several else "", key.get("project_code"), key.get("project_name"))
    return text or project_title(project, lang)


def sub_title(key: dict[str, Any], lang: str) -> str:
    """ "Tiểu dự án 1: …" with the GNBV catalogue's name; another programme's by its number only."""
    if str(key.get("programme") or "") in CATALOGUE_PROGRAMMES:
        return sub_project_title(int(key["project"]), key["sub_project"], lang)
    return msg("report.sub_project", lang, n=int(key["sub_project"]))


def _heading(pen: Pen, text: str, level: int) -> None:
    pen.heading(text, level)


def _total_sentence(key: str, row: dict[str, Any], t: Tables, **params: Any) -> str:
    lang = t.lang
    text = msg(
        key, lang, allocated=amount(row["allocated"], lang), kind=t.funds("report.funds_kind"), **params
    )
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
    _heading(pen, f"{number}. {year_title(row, t)}", 2 if number.count(".") == 0 else 3)
    key = "report.total_carried" if by != ey else "report.total_year"
    sentence = _total_sentence(key, row, t, budget_year=by, execution_year=ey)
    pen.body([sentence + " ", (msg("report.assessment", lang), "h") if unit is not None else ""])
    for project in row["_projects"]:
        _project(pen, t, project, unit)


def _project(pen: Pen, t: Tables, row: dict[str, Any], unit: str | None) -> None:
    """``- Dự án 6: …: kế hoạch vốn …`` then one paragraph per sub-project (and source)."""
    lang = t.lang
    keys = row["_keys"]
    head = f"- {item_title(keys[0], t.several_programmes, lang)}: "
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
        label = sub_title(k, lang) if k["sub_project"] is not None else ""
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
