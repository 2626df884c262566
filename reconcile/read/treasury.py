"""The Treasury cross-check (đối chiếu Kho bạc, SPEC 9).

Two halves:

- Reading (runs in the reader processes, no pandas): :func:`read_statement` reads a sheet that is
  the State Treasury's statement of budget estimates used (Mẫu 01-SDKP/ĐVDT, 01a, 01b; Thông tư
  39/2016/TT-BTC), recognised by its title ("BẢNG ĐỐI CHIẾU DỰ TOÁN KINH PHÍ NGÂN SÁCH…") or its form
  code (:mod:`reconcile.read.treasury_hook`) and its header, into a :class:`Statement`. Such a sheet is
  never read as a disbursement report: it makes no line item.
- Comparing (runs in the engine): :func:`compare_statements` maps each statement row to a key through
  ``[treasury.codes]`` and compares its allocation and cumulative use with the unit's own report at
  the statement's date.

Rules decided here where SPEC 9 leaves room (each tested in tests/test_treasury.py):

- Headers have one or two rows; a merged cell over two columns ("Dự toán đã sử dụng" over "Trong kỳ"
  and "Lũy kế") names both. Of the use columns the cumulative one ("Lũy kế") is compared; a single
  use column without "Trong kỳ" is taken as cumulative.
- Amounts are in đồng unless the title block says otherwise ("Đơn vị tính: nghìn đồng"); numbers as
  numbers or as text with dot separators (Vietnamese), converted to triệu đồng. An empty cell or a
  dash is 0; a cell that cannot be read is ``not_a_number`` at its cell and leaves that figure unknown
  (its key's comparison of that figure is ``unknown``, never a partial sum).
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
- Per programme (SPEC 12): ``[treasury.codes]`` name the GNBV catalogue's projects, so a code mapped
  there is compared with the unit's keys of the GNBV catalogue only ("" or "GNBV"), never with another
  programme's project of the same number. A statement code that is no mapped code but the code of one
  of the unit's items (a tracker's "Mã dự án": the Treasury lists public investment by project code)
  is compared with that item, per budget year. Keys of other programmes without a code are not in the
  comparison; an item with a code the statement lacks is ``treasury_missing`` only where the
  statement lists items by their code (it matched one), else it is a statement of other funds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..catalogue import TREASURY_TITLE as _TITLE
from ..models import Finding, Settings, cell_ref
from ..text import cell_text, fold
from .grid import Grid
from .money import detect_money_unit, to_trieu
from .numbers import Convention, detect_convention, parse_number
from .periods import period_from_text

if TYPE_CHECKING:
    import pandas as pd


#: Rounding tolerance on amounts, in triệu đồng (SPEC 4): 500 đồng.
TOL = 0.0005

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

#: Amount roles of a statement's columns.
AMOUNT_ROLES = ("brought_forward", "allocated", "total", "used_period", "used", "cancelled", "balance")

_UNIT = re.compile(r"^(?:ten don vi|don vi(?: su dung ngan sach)?|don vi du toan)\s*:\s*(.+)$")
_HEADER_SCAN = 40  # rows searched for the header


@dataclass(slots=True)
class StatementRow:
    """One row of a statement: its programme code, amounts in triệu đồng by role (None: unreadable),
    and the cell of each amount."""

    code: str
    row: int  # 1-based
    code_cell: str
    amounts: dict[str, float | None] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    source_code: str = ""


@dataclass(slots=True)
class Statement:
    """A Treasury statement read from one sheet."""

    file: str
    sheet: str
    unit: str
    date: dt.date | None
    money_unit: str
    roles: tuple[str, ...]  # the amount roles the header has
    rows: list[StatementRow] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------


def _merges(grid: Grid) -> dict[tuple[int, int], tuple[int, int]]:
    """Each cell inside a merged range -> the range's top-left cell."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    last_row, last_col = _HEADER_SCAN + 2, grid.width
    for r1, c1, r2, c2 in grid.merged:
        if r1 > last_row or c1 > last_col:
            continue
        # Only the header's cells are looked up: a merge over a whole sheet stays a few cells.
        for r in range(r1, min(r2, last_row) + 1):
            for c in range(c1, min(c2, last_col) + 1):
                out[(r, c)] = (r1, c1)
    return out


def _header_text(grid: Grid, merges: dict[tuple[int, int], tuple[int, int]], r: int, c: int) -> str:
    at = merges.get((r, c), (r, c))
    return fold(cell_text(grid.value(*at)))


def _is_header(cells: list[str]) -> bool:
    joined = " | ".join(cells)
    return "ma ctmt" in joined or (
        "du toan" in joined and ("da su dung" in joined or "giao trong nam" in joined)
    )


def _role(text: str) -> str | None:
    """The role of a header column from its folded text (both header rows joined)."""
    if "ma ctmt" in text or text.startswith("ma chuong trinh"):
        return "code"
    if "ma nguon" in text:
        return "source_code"
    if "nam truoc chuyen sang" in text or "nam truoc chuyen" in text:
        return "brought_forward"
    if "giao trong nam" in text:
        return "allocated"
    if "bi huy" in text:
        return "cancelled"
    if "so du" in text:
        return "balance"
    if "da su dung" in text:
        return "used_period" if "trong ky" in text else "used"
    if "duoc su dung" in text or text.startswith("tong du toan"):
        return "total"
    return None


def read_statement(grid: Grid, rel: str, findings: list[Finding]) -> Statement | None:
    """Read one statement sheet. None when the sheet has the title but no statement's header (it is
    then read as a report); a statement's header without a "Mã CTMT, DA" column is a ``no_header``
    finding and a statement with no row (still never a disbursement report)."""
    merges = _merges(grid)
    width = grid.width
    header = None
    for r in range(min(len(grid.rows), _HEADER_SCAN)):
        if _is_header([_header_text(grid, merges, r, c) for c in range(width)]):
            header = r
            break
    if header is None:
        return None  # a title alike, but no statement's header: the sheet is read as a report
    top = [_header_text(grid, merges, header, c) for c in range(width)]
    below = (
        [_header_text(grid, merges, header + 1, c) for c in range(width)]
        if header + 1 < len(grid.rows)
        else []
    )
    # A second header row names parts of the first ("Trong kỳ", "Lũy kế") and holds no code.
    two_rows = any(("trong ky" in t or "luy ke" in t) for t in below)
    texts = [f"{t} {below[c]}".strip() if two_rows and below[c] != t else t for c, t in enumerate(top)]
    roles: dict[str, int] = {}
    used_plain: int | None = None
    for c, t in enumerate(texts):
        role = _role(t)
        if role == "used" and "luy ke" not in t:
            used_plain = c if used_plain is None else used_plain
            continue
        if role and role not in roles:
            roles[role] = c
    if "used" not in roles and used_plain is not None:
        roles["used"] = used_plain
    if "code" not in roles:
        findings.append(
            Finding("no_header", rel, grid.name, params={"message_key": "finding.treasury_no_header"})
        )
        unit, date, money = _title_block(grid, header)
        return Statement(rel, grid.name, unit, date, money, ())
    unit, date, money = _title_block(grid, header)
    first = header + (2 if two_rows else 1)
    amount_cols = {role: c for role, c in roles.items() if role in AMOUNT_ROLES}
    texts_for_convention = [
        v
        for row in grid.rows[first:]
        for c in amount_cols.values()
        if c < len(row)
        for v in [row[c]]
        if isinstance(v, str)
    ]
    convention = detect_convention(texts_for_convention)
    if convention is Convention.UNKNOWN:
        convention = Convention.VI  # amounts in đồng are whole: a lone dot groups thousands
    statement = Statement(
        rel, grid.name, unit, date, money, tuple(r for r in AMOUNT_ROLES if r in amount_cols)
    )
    code_col = roles["code"]
    for r in range(first, len(grid.rows)):
        code = cell_text(grid.value(r, code_col))
        if (
            not code
            or not any(ch.isdigit() for ch in code)
            or code.isdigit()
            and len(code) <= 2
            and _numbering_row(grid, r, amount_cols)
        ):
            continue
        row = StatementRow(code=code, row=r + 1, code_cell=cell_ref(r, code_col))
        if "source_code" in roles:
            row.source_code = cell_text(grid.value(r, roles["source_code"]))
        for role, c in amount_cols.items():
            row.cells[role] = cell_ref(r, c)
            row.amounts[role] = _amount(
                grid.value(r, c), convention, money, rel, grid.name, cell_ref(r, c), findings
            )
        statement.rows.append(row)
    return statement


def _numbering_row(grid: Grid, r: int, amount_cols: dict[str, int]) -> bool:
    """The column-number row under a header ("1 | 2 | 3 …"): small whole numbers in every column."""
    values = [grid.value(r, c) for c in amount_cols.values()]
    return all(
        isinstance(v, int | float)
        and 0 < v < 100
        or (isinstance(v, str) and v.strip().isdigit() and len(v.strip()) <= 2)
        for v in values
    )


def _amount(
    value: Any, convention: Convention, money: str, rel: str, sheet: str, cell: str, findings: list[Finding]
) -> float | None:
    parsed = parse_number(value, convention)
    if parsed.kind == "empty":
        return 0.0
    if not parsed.is_number or parsed.value is None or parsed.percent:
        findings.append(Finding("not_a_number", rel, sheet, cell, params={"value": cell_text(value)}))
        return None
    return to_trieu(parsed.value, money)


def _title_block(grid: Grid, header: int) -> tuple[str, dt.date | None, str]:
    """The unit ("Tên đơn vị: …"), the date ("đến ngày 30/9/2023") and the money unit above the header."""
    unit, date, money = "", None, None
    for r in range(header):
        for v in grid.rows[r] if r < len(grid.rows) else []:
            if not isinstance(v, str) or not v.strip():
                continue
            text = " ".join(v.split())
            f = fold(text)
            m = _UNIT.match(f)
            if m and not f.startswith("don vi tinh") and not unit:
                unit = text.split(":", 1)[1].strip()
                continue
            if money is None and ("don vi tinh" in f or f.startswith("dvt")):
                money = detect_money_unit(text)
            if (
                date is None
                and ("ngay" in f or "ky" in f or "thang" in f or "quy" in f)
                and not _TITLE.search(f)
            ):
                date = period_from_text(text)
    return unit, date, money or "dong"


# ---------------------------------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------------------------------


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
