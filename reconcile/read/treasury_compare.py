"""The Treasury cross-check (SPEC 9): a statement compared with the unit's own report (runs in the
engine, through :func:`reconcile.read.treasury_hook.compare_treasury`; the statement is read by
:mod:`reconcile.read.treasury`).

Rules of comparing decided here where SPEC 9 leaves room (each tested in tests/test_treasury.py):

- Codes are compared without leading zeros ("0361" written as the number 361 is the same code).
- Rows mapping to the same key (one per source code, say) are compared together, sources together
  on the report's side too. A row with amounts in both allocation columns (the previous year's
  brought forward and this year's) is compared on the two budget years together, with a
  ``treasury_combined`` info finding; its ``budget_year`` in treasury.csv reads "2022+2023".
- The report figures are the unit's keys at the latest report period on or before the statement's
  date. A key of the report (of the statement's year, or the previous one when the statement has a
  brought-forward column) with money but no statement row is ``treasury_missing`` at the report's
  cell; a statement row with no report key is ``treasury_missing`` at the statement's cell.
- The statement's unit ("Tên đơn vị: …") is matched to the report's units without diacritics or case;
  when it names none of them and the folder holds one unit, that unit is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Finding, Settings
from ..text import fold
from .treasury import TREASURY_COLUMNS, Statement, StatementRow

if TYPE_CHECKING:
    import pandas as pd


#: Rounding tolerance on amounts, in triệu đồng (SPEC 4): 500 đồng.
TOL = 0.0005


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
    # The statement's keys: (budget years, project, sub) -> figures and the cells they came from.
    keys: dict[tuple[tuple[int, ...], int, int | None], dict[str, Any]] = {}
    params: dict[str, Any]
    placed: list[tuple[StatementRow, tuple[int, ...], tuple[int, int | None], Any, Any, Any]] = []
    combined: set[tuple[int, int | None]] = set()
    for row in st.rows:
        bf = row.amounts.get("brought_forward", 0.0)
        al = row.amounts.get("allocated", 0.0)
        used = row.amounts.get("used", 0.0)
        target = codes.get(_bare(row.code))
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
        k = (years, target[0], target[1])
        entry = keys.setdefault(k, {"allocated": 0.0, "used": 0.0, "codes": [], "row": row})
        entry["allocated"] = _sum(entry["allocated"], _sum(bf, al))
        entry["used"] = _sum(entry["used"], used)
        entry["codes"].append(row.code)
    # The report's keys at its latest period on or before the statement's date, sources together.
    mine = summary[(summary["unit"].astype(object) == unit)] if len(summary) else summary
    periods = [p for p in mine["period"].tolist() if p is not None and p <= st.date] if len(mine) else []
    report: dict[tuple[int, int, int | None], dict[str, Any]] = {}
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
            sub = None if _missing(r["sub_project"]) else int(r["sub_project"])
            rk = (int(r["budget_year"]), int(r["project"]), sub)
            entry = report.setdefault(rk, {"allocated": 0.0, "disbursed": 0.0, "item": int(r["item_index"])})
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
    covered: set[tuple[int, int, int | None]] = set()
    for (years, project, sub), t in keys.items():
        parts = [report.get((y, project, sub)) for y in years]
        covered.update((y, project, sub) for y in years)
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
        }
        what, year_text = _what(project, sub), base["budget_year"]
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
    for (by, project, sub), r in sorted(
        report.items(), key=lambda kv: (kv[0][0], kv[0][1], -1 if kv[0][2] is None else kv[0][2])
    ):
        if by not in years_covered or (by, project, sub) in covered:
            continue
        if (r["allocated"] or 0) <= TOL and (r["disbursed"] or 0) <= TOL:
            continue
        i = r["item"]
        cell = items.at[i, "allocated_cell"] or items.at[i, "disbursed_cell"]
        file, sheet = str(items.at[i, "file"]), str(items.at[i, "sheet"])
        params = {
            "what": _what(project, sub),
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
                "code": "",
            }
        )
    return out


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
