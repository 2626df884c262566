"""The Treasury cross-check's comparing half (SPEC 9): each statement read by
:mod:`reconcile.read.treasury` against the unit's own report at the statement's date, through
``[treasury.codes]`` or an item's own code. The rules are listed in that module's docstring; this
half runs in the engine (pandas), imported only when a folder holds a statement
(:func:`reconcile.read.treasury_hook.compare_treasury`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import FileResult, Finding, Settings
from ..read.treasury import TOL, Statement, StatementRow
from ..text import fold

if TYPE_CHECKING:
    import pandas as pd


#: Columns of treasury.csv: SPEC 9's, then the code of an item compared by its code (SPEC 12; ""
#: for a GNBV catalogue project, whose ``project`` and ``sub_project`` name it).
TREASURY_CSV_COLUMNS: tuple[str, ...] = (
    "unit",
    "budget_year",
    "project",
    "sub_project",
    "as_of",
    "report_allocated",
    "treasury_allocated",
    "report_disbursed",
    "treasury_disbursed",
    "status",
    "project_code",
)

#: Columns of ``Result.treasury``: the CSV's, then the report period used, the differences (treasury
#: − report, triệu đồng), the statement's file, sheet and cells, its programme code(s), and the name
#: of an item compared by its code.
TREASURY_COLUMNS: tuple[str, ...] = (
    *TREASURY_CSV_COLUMNS,
    "report_period",
    "allocated_diff",
    "disbursed_diff",
    "file",
    "sheet",
    "allocated_cell",
    "disbursed_cell",
    "code",
    "project_name",
)

#: Status codes of a compared key.
TREASURY_STATUSES: tuple[str, ...] = (
    "match",
    "mismatch",
    "missing_in_report",
    "missing_in_treasury",
    "unknown",
)


def _bare(code: str) -> str:
    return code.strip().lstrip("0") or "0"


def _what(project: int, sub: int | None) -> str:
    return f"Dự án {project}" + (f", Tiểu dự án {sub}" if sub is not None else "")


def compare_statements(
    statements: list[Statement], summary: pd.DataFrame, items: pd.DataFrame, settings: Settings
) -> tuple[pd.DataFrame, list[Finding]]:
    """The comparison table (TREASURY_COLUMNS) of ``statements`` and its findings."""
    import pandas as pd

    codes = {_bare(code): (p, s) for code, p, s in settings.treasury_codes}
    findings: list[Finding] = []
    rows: list[dict[str, Any]] = []
    units = sorted({str(u) for u in summary["unit"].astype(object).tolist()}) if len(summary) else []
    for st in statements:
        rows += _compare_one(st, summary, items, units, codes, findings)
    frame = pd.DataFrame(rows, columns=list(TREASURY_COLUMNS))
    if len(frame):
        order = sorted(
            range(len(rows)),
            key=lambda i: (
                str(rows[i]["unit"]),
                str(rows[i]["as_of"]),
                str(rows[i]["budget_year"]),
                rows[i]["project"],
                -1 if rows[i]["sub_project"] is None else rows[i]["sub_project"],
                rows[i]["file"],
            ),
        )
        frame = frame.iloc[order].reset_index(drop=True)
        frame["sub_project"] = frame["sub_project"].astype("Int64")
    return frame, findings


def _match_unit(name: str, units: list[str]) -> str:
    folded = fold(name)
    for u in units:
        if folded and fold(u) == folded:
            return u
    for u in units:
        if folded and fold(u) and (fold(u) in folded or folded in fold(u)):
            return u
    return units[0] if len(units) == 1 else name


def _compare_one(
    st: Statement,
    summary: pd.DataFrame,
    items: pd.DataFrame,
    units: list[str],
    codes: dict[str, tuple[int, int | None]],
    findings: list[Finding],
) -> list[dict[str, Any]]:
    """The compared keys of one statement, and its findings."""
    if st.date is None:
        findings.append(
            Finding("period_unknown", st.file, st.sheet, params={"message_key": "finding.treasury_no_date"})
        )
        return []
    if not st.roles:  # a statement whose header could not be read: its no_header finding says so
        return []
    unit = _match_unit(st.unit, units)
    year = st.date.year
    # The statement's keys: (budget years, target) -> figures and the cells they came from.
    keys: dict[tuple[tuple[int, ...], Target], dict[str, Any]] = {}
    params: dict[str, Any]
    placed: list[tuple[StatementRow, tuple[int, ...], Target, Any, Any, Any]] = []
    combined: set[Target] = set()
    mine = summary[(summary["unit"].astype(object) == unit)] if len(summary) else summary
    item_codes = _item_codes(mine)
    for row in st.rows:
        bf = row.amounts.get("brought_forward", 0.0)
        al = row.amounts.get("allocated", 0.0)
        used = row.amounts.get("used", 0.0)
        target: Target | None = codes.get(_bare(row.code))
        if target is None and _bare(row.code) in item_codes:
            target = _bare(row.code)  # an item's own code (a tracker's "Mã dự án")
        if target is None:
            params = {"code": row.code, "allocated": _sum(bf, al), "used": used}
            findings.append(Finding("treasury_unmapped", st.file, st.sheet, row.code_cell, params=params))
            continue
        if (bf or 0) > TOL and (al or 0) > TOL:
            years: tuple[int, ...] = (year - 1, year)
            params = {"code": row.code, "previous": str(year - 1), "year": str(year)}
            findings.append(Finding("treasury_combined", st.file, st.sheet, row.code_cell, params=params))
            combined.add(target)
        elif (bf or 0) > TOL:
            years = (year - 1,)
        else:
            years = (year,)
        placed.append((row, years, target, bf, al, used))
    for row, years, target, bf, al, used in placed:
        # One row with both years makes its key compared on both years, all its rows together.
        years = (year - 1, year) if target in combined else years
        k = (years, target)
        entry = keys.setdefault(k, {"allocated": 0.0, "used": 0.0, "codes": [], "row": row})
        entry["allocated"] = _sum(entry["allocated"], _sum(bf, al))
        entry["used"] = _sum(entry["used"], used)
        entry["codes"].append(row.code)
    # The report's keys at its latest period on or before the statement's date, sources together.
    periods = [p for p in mine["period"].tolist() if p is not None and p <= st.date] if len(mine) else []
    report: dict[tuple[int, Target], dict[str, Any]] = {}
    period = max(periods) if periods else None
    if period is None:
        params = {"unit": unit or st.unit, "date": st.date}
        findings.append(
            Finding(
                "treasury_missing",
                st.file,
                st.sheet,
                params={**params, "message_key": "finding.treasury_no_report"},
            )
        )
    else:
        at = mine[mine["period"] == period]
        for r in at.to_dict("records"):
            target = _report_target(r)
            if target is None:
                continue  # another programme's numbered project: no Treasury code names it
            rk = (int(r["budget_year"]), target)
            entry = report.setdefault(
                rk,
                {"allocated": 0.0, "disbursed": 0.0, "item": int(r["item_index"]), "name": _name(r)},
            )
            alloc = r["allocated"]
            entry["allocated"] = _sum(
                entry["allocated"],
                None if r["status"] == "incomplete" else (0.0 if _missing(alloc) else float(alloc)),
            )
            disb = r["disbursed"]
            entry["disbursed"] = _sum(
                entry["disbursed"], None if _missing(disb) or r["status"] == "incomplete" else float(disb)
            )
    out: list[dict[str, Any]] = []
    covered: set[tuple[int, Target]] = set()
    by_code = any(isinstance(target, str) for _years, target in keys)
    for (years, target), t in keys.items():
        parts = [report.get((y, target)) for y in years]
        covered.update((y, target) for y in years)
        project, sub = _numbers(target)
        first: StatementRow = t["row"]
        alloc_role = "allocated" if years[-1] == year and "allocated" in first.cells else "brought_forward"
        base = {
            "unit": unit,
            "budget_year": "+".join(map(str, years)) if len(years) > 1 else years[0],
            "project": project,
            "sub_project": sub,
            "as_of": st.date,
            "treasury_allocated": t["allocated"],
            "treasury_disbursed": t["used"],
            "report_period": period,
            "file": st.file,
            "sheet": st.sheet,
            "allocated_cell": first.cells.get(alloc_role, first.code_cell),
            "disbursed_cell": first.cells.get("used", first.code_cell),
            "code": ", ".join(dict.fromkeys(t["codes"])),  # each code once
            "project_code": target if isinstance(target, str) else "",
            "project_name": next((p["name"] for p in parts if p), ""),
        }
        what, year_text = _what_of(target, base["project_name"]), base["budget_year"]
        if period is None or all(p is None for p in parts):
            out.append(
                {
                    **base,
                    "report_allocated": None,
                    "report_disbursed": None,
                    "status": "missing_in_report",
                    "allocated_diff": None,
                    "disbursed_diff": None,
                }
            )
            if period is not None:
                params = {
                    "what": what,
                    "year": str(year_text),
                    "treasury_allocated": t["allocated"],
                    "treasury_disbursed": t["used"],
                    "period": period,
                    "message_key": "finding.treasury_missing_report",
                }
                findings.append(
                    Finding("treasury_missing", st.file, st.sheet, first.code_cell, params=params)
                )
            continue
        r_alloc = _sum_all([p["allocated"] if p else 0.0 for p in parts])
        r_disb = _sum_all([p["disbursed"] if p else 0.0 for p in parts])
        status = "match"
        diffs: dict[str, float | None] = {}
        for figure, r_val, t_val, cell in (
            ("allocated", r_alloc, t["allocated"], base["allocated_cell"]),
            ("disbursed", r_disb, t["used"], base["disbursed_cell"]),
        ):
            if r_val is None or t_val is None:
                diffs[figure] = None
                status = "unknown" if status == "match" else status
                continue
            diff = round(t_val - r_val, 6)
            diffs[figure] = diff
            if abs(diff) > TOL:
                status = "mismatch"
                params = {
                    "what": what,
                    "year": str(year_text),
                    "figure_key": f"treasury.figure.{figure}",
                    "report": r_val,
                    "treasury": t_val,
                    "diff": diff,
                    "period": period,
                }
                findings.append(Finding("treasury_mismatch", st.file, st.sheet, cell, params=params))
        out.append(
            {
                **base,
                "report_allocated": r_alloc,
                "report_disbursed": r_disb,
                "status": status,
                "allocated_diff": diffs["allocated"],
                "disbursed_diff": diffs["disbursed"],
            }
        )
    # The report's keys the statement lacks, in the budget years it covers.
    years_covered = {year, year - 1} if "brought_forward" in st.roles else {year}
    for (by, target), r in sorted(report.items(), key=lambda kv: (kv[0][0], _target_order(kv[0][1]))):
        if by not in years_covered or (by, target) in covered:
            continue
        if isinstance(target, str) and not by_code:
            continue  # a statement that lists no item by its code is one of other funds
        project, sub = _numbers(target)
        if (r["allocated"] or 0) <= TOL and (r["disbursed"] or 0) <= TOL:
            continue
        i = r["item"]
        cell = items.at[i, "allocated_cell"] or items.at[i, "disbursed_cell"]
        file, sheet = str(items.at[i, "file"]), str(items.at[i, "sheet"])
        params = {
            "what": _what_of(target, r["name"]),
            "year": str(by),
            "report_allocated": r["allocated"],
            "report_disbursed": r["disbursed"],
            "date": st.date,
            "statement": st.file,
            "message_key": "finding.treasury_missing_statement",
        }
        findings.append(Finding("treasury_missing", file, sheet, str(cell) if cell else None, params=params))
        out.append(
            {
                "unit": unit,
                "budget_year": by,
                "project": project,
                "sub_project": sub,
                "as_of": st.date,
                "report_allocated": r["allocated"],
                "treasury_allocated": None,
                "report_disbursed": r["disbursed"],
                "treasury_disbursed": None,
                "status": "missing_in_treasury",
                "report_period": period,
                "allocated_diff": None,
                "disbursed_diff": None,
                "file": st.file,
                "sheet": st.sheet,
                "allocated_cell": None,
                "disbursed_cell": None,
                "code": target if isinstance(target, str) else "",
                "project_code": target if isinstance(target, str) else "",
                "project_name": r["name"],
            }
        )
    return out


#: What a statement row is compared with: a GNBV catalogue (project, sub-project), or an item's code.
Target = tuple[int, int | None] | str


def _report_target(r: dict[str, Any]) -> Target | None:
    """The target a report key is compared as: its code where it has one, else its catalogue numbers
    when it is the GNBV catalogue's (SPEC 12); None for another programme's numbered project."""
    from ..catalogue import CATALOGUE_PROGRAMMES

    code = r.get("project_code")
    if isinstance(code, str) and code.strip():
        return _bare(code)
    project = int(r["project"])
    if project == 0 or str(r.get("programme") or "") not in CATALOGUE_PROGRAMMES:
        return None
    return (project, None if _missing(r["sub_project"]) else int(r["sub_project"]))


def _item_codes(mine: pd.DataFrame) -> set[str]:
    """The unit's items' codes, without leading zeros."""
    if not len(mine) or "project_code" not in mine.columns:
        return set()
    return {
        _bare(c) for c in mine["project_code"].astype(object).tolist() if isinstance(c, str) and c.strip()
    }


def _name(r: dict[str, Any]) -> str:
    name = r.get("project_name")
    return name if isinstance(name, str) else ""


def _numbers(target: Target) -> tuple[int, int | None]:
    """The (project, sub_project) columns of a target: an item compared by its code shows project 0."""
    return (0, None) if isinstance(target, str) else target


def _target_order(target: Target) -> tuple[int, int, str]:
    if isinstance(target, str):
        return (1, 0, target)
    return (0, target[0] * 1000 + (-1 if target[1] is None else target[1]), "")


def _what_of(target: Target, name: str) -> str:
    """How a finding names what it compares: "Dự án 6, Tiểu dự án 1", or an item's code and name."""
    if isinstance(target, str):
        return f"{target} – {name}" if name else target
    return _what(*target)


def _missing(v: Any) -> bool:
    from ..models import is_missing

    return is_missing(v)


def _sum(a: float | None, b: float | None) -> float | None:
    """a + b, unknown when either is (a figure that could not be read is never partly summed)."""
    if a is None or b is None:
        return None
    return round(a + b, 6)


def _sum_all(values: list[float | None]) -> float | None:
    total: float | None = 0.0
    for v in values:
        total = _sum(total, v)
    return total


def compare_treasury(
    files: list[FileResult], summary: pd.DataFrame, items: pd.DataFrame, settings: Settings
) -> tuple[pd.DataFrame | None, list[Finding]]:
    """The comparison of every statement read from ``files`` with the reports (SPEC 9), and its
    findings; (None, []) when the folder holds no statement."""
    statements = [s for f in files for s in f.statements]
    if not statements:
        return None, []
    return compare_statements(statements, summary, items, settings)
