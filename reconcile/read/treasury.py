"""The Treasury cross-check (đối chiếu Kho bạc, SPEC 9).

Two halves:

- Reading (runs in the reader processes, no pandas): :func:`read_statement` reads a sheet that is
  the State Treasury's statement of budget estimates used (Mẫu 01-SDKP/ĐVDT, 01a, 01b; Thông tư
  39/2016/TT-BTC), recognised by its title ("BẢNG ĐỐI CHIẾU DỰ TOÁN KINH PHÍ NGÂN SÁCH…") or its form
  code (:mod:`reconcile.read.treasury_hook`) and its header, into a :class:`Statement`. Such a sheet is
  never read as a disbursement report: it makes no line item.
- Comparing (runs in the engine, :mod:`reconcile.engine.treasury`): ``compare_statements`` maps each statement row to a key through
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
from ..models import Finding, cell_ref
from ..text import cell_text, fold
from .grid import Grid
from .money import detect_money_unit, to_trieu
from .numbers import Convention, detect_convention, parse_number
from .periods import period_from_text

if TYPE_CHECKING:
    pass


#: Rounding tolerance on amounts, in triệu đồng (SPEC 4): 500 đồng.
TOL = 0.0005

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
