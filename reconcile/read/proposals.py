"""Proposals for the coming years (SPEC 8, part II of the report): a sheet or CSV in the input folder
with the columns ``Năm | Dự án | Tiểu dự án | Mức vốn thông báo | Nhu cầu đề xuất | Lý do``,
recognised by that header row, and the form ``reconcile template --proposals PATH`` writes.

This is the reading side: it turns the rows into a table with the difference proposal − ceiling
worked out here, so that the report writer only words it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Finding, cell_ref, is_missing
from ..text import fold
from .numbers import parse_number

if TYPE_CHECKING:
    from ..result import Result

#: The header row, in column order (the reader matches it folded, in any column order).
HEADERS = ("Năm", "Dự án", "Tiểu dự án", "Mức vốn thông báo", "Nhu cầu đề xuất", "Lý do")
_FOLDED = tuple(fold(h) for h in HEADERS)
FIELDS = ("year", "project", "sub_project", "ceiling", "proposal", "reason")
SHEET = "Đề xuất"
#: How far down a sheet the header row may be.
_HEADER_ROWS = 15


def _columns(row: list[Any]) -> dict[str, int] | None:
    """Field -> column index when ``row`` is the proposals header, else None."""
    folded = [fold(str(v)) if isinstance(v, str) else "" for v in row]
    if not all(h in folded for h in _FOLDED):
        return None
    return {f: folded.index(h) for f, h in zip(FIELDS, _FOLDED, strict=True)}


def is_proposals_sheet(rows: list[list[Any]]) -> bool:
    """True when one of the first rows is the proposals header."""
    return any(_columns(list(row)) is not None for row in rows[:_HEADER_ROWS])


def _int(value: Any) -> int | None:
    parsed = parse_number(value)
    if parsed.value is None or parsed.value != int(parsed.value):
        return None
    return int(parsed.value)


def _rows(
    grid: list[list[Any]], rel: str = "", sheet: str = "", findings: list[Finding] | None = None
) -> list[dict[str, Any]] | None:
    """The proposals of one sheet's rows, None when the sheet has no proposals header; an amount
    that cannot be read becomes a ``not_a_number`` finding in ``findings``."""
    for top, row in enumerate(grid[:_HEADER_ROWS]):
        cols = _columns(row)
        if cols is None:
            continue
        out = []
        for r0, r in enumerate(grid[top + 1 :], top + 1):
            cell = {f: (r[c] if c < len(r) else None) for f, c in cols.items()}
            year, project = _int(cell["year"]), _int(cell["project"])
            if year is None or project is None:
                continue  # a blank or note row
            sub = _int(cell["sub_project"])
            amounts = {}
            for f in ("ceiling", "proposal"):
                parsed = parse_number(cell[f])
                amounts[f] = parsed.value
                if parsed.kind == "invalid" and findings is not None:
                    where = cell_ref(r0, cols[f])
                    findings.append(
                        Finding("not_a_number", rel, sheet, where, params={"value": str(cell[f])})
                    )
            ceiling, proposal = amounts["ceiling"], amounts["proposal"]
            # An amount that cannot be read leaves the difference unknown, never a guess.
            diff = None if ceiling is None or proposal is None else round(proposal - ceiling, 6)
            reason = "" if is_missing(cell["reason"]) else " ".join(str(cell["reason"]).split())
            out.append(
                {
                    "year": year,
                    "project": project,
                    "sub_project": sub,
                    "ceiling": ceiling,
                    "proposal": proposal,
                    "difference": diff,
                    "reason": reason,
                }
            )
        return out
    return None


def _grids(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """(name, rows) of each sheet of a spreadsheet or CSV (none when it cannot be read); a CSV's one
    sheet is named after the file, as the reader names it."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
            return [(path.stem, [list(r) for r in csv.reader(io.StringIO(text), dialect)])]
        if suffix in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]
            finally:
                wb.close()
    except Exception:
        # A file that cannot be read was already reported by the main reader.
        return []
    return []


def find_proposals(result: Result) -> tuple[Any, list[Finding]]:
    """The proposals table of the input folder (pandas DataFrame, None when it holds none) and the
    findings of amounts that cannot be read (the caller adds them to the run's).

    Only files that yielded no line item are looked at (a proposals sheet holds none), so a folder
    of monthly reports costs nothing here.
    """
    import pandas as pd

    used = set(result.items["file"].unique()) if len(result.items) else set()
    rows: list[dict[str, Any]] = []
    findings: list[Finding] = []
    found = False
    for file in result.files:
        if file.rel in used or file.path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
            continue
        for sheet, grid in _grids(file.path):
            got = _rows(grid, file.rel, sheet, findings)
            if got is not None:
                found = True
                rows.extend(got)
    if not found:
        return None, findings
    table = pd.DataFrame(rows, columns=["year", *FIELDS[1:3], "ceiling", "proposal", "difference", "reason"])
    table["sub_project"] = table["sub_project"].astype("Int64")
    return table.sort_values(["year", "project", "sub_project"], kind="stable", na_position="first"), findings


def write_proposals_template(path: Path, lang: str = "vi") -> None:
    """The proposals form: a title, the header row and empty rows with number formats (never
    overwrites a file)."""
    from ..writers.template import write_new_file

    write_new_file(Path(path), lambda: _build_template(lang))


def _build_template(lang: str) -> bytes:
    import xlsxwriter

    from ..messages import msg

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(SHEET)
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
    bold = wb.add_format({**base, "bold": True})
    head = wb.add_format(
        {**base, "bold": True, "border": 1, "align": "center", "text_wrap": True, "bg_color": "#D9E1F2"}
    )
    note = wb.add_format({**base, "italic": True, "font_size": 10})
    amount = wb.add_format({**base, "num_format": "#,##0.0##", "border": 1})
    plain = wb.add_format({**base, "border": 1, "text_wrap": True})
    ws.write_string(0, 0, msg("proposals.title", "vi"), bold)
    ws.write_string(1, 0, msg("proposals.hint", lang), note)
    for c, h in enumerate(HEADERS):
        ws.write_string(3, c, h, head)
    for r in range(4, 24):
        for c in range(len(HEADERS)):
            ws.write_blank(r, c, None, amount if c in (3, 4) else plain)
    ws.set_column(0, 2, 11)
    ws.set_column(3, 4, 18)
    ws.set_column(5, 5, 60)
    ws.freeze_panes(4, 0)
    wb.close()
    return buf.getvalue()
