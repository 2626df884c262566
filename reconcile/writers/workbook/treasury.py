"""Sheet ``Đối chiếu Kho bạc`` (SPEC 9): every key compared with the Treasury statement, rendered from
``Result.treasury`` as it is (the differences were computed with the comparison, SPEC 10).

Written only when the folder holds a statement. Each row links to the statement's cell it came from.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from ...catalogue import identity_text, project_name, sub_project_name
from ...messages import msg
from ...models import is_missing
from ...result import Result
from .ledger import MAX_ROWS, Formats, clean_text, fit_row, header_row, print_setup, write_value

#: Fill of each comparison status.
TREASURY_COLOURS: dict[str, str] = {
    "match": "#C6EFCE",
    "mismatch": "#FFC7CE",
    "missing_in_report": "#F8CBAD",
    "missing_in_treasury": "#F8CBAD",
    "unknown": "#D9D9D9",
}

#: (catalogue key of the header, column of Result.treasury, kind, width)
_COLUMNS: tuple[tuple[str, str, str, float], ...] = (
    ("wb.col.unit", "unit", "text", 28),
    ("wb.col.budget_year", "budget_year", "year", 10),
    ("wb.col.project", "project", "text", 30),
    ("wb.col.sub_project", "sub_project", "text", 30),
    ("treasury.col.code", "code", "text", 9),
    ("treasury.col.as_of", "as_of", "date", 12),
    ("treasury.col.report_period", "report_period", "date", 12),
    ("treasury.col.report_allocated", "report_allocated", "amount", 15),
    ("treasury.col.treasury_allocated", "treasury_allocated", "amount", 15),
    ("treasury.col.allocated_diff", "allocated_diff", "amount", 13),
    ("treasury.col.report_disbursed", "report_disbursed", "amount", 15),
    ("treasury.col.treasury_disbursed", "treasury_disbursed", "amount", 15),
    ("treasury.col.disbursed_diff", "disbursed_diff", "amount", 13),
    ("wb.col.status", "status", "text", 16),
    ("treasury.col.place", "place", "text", 36),
)
_WIDTHS = {name: width for _, name, _kind, width in _COLUMNS}
_SAFE_REF = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


def _names(r: dict[Any, Any], lang: str) -> tuple[str, str]:
    code = r.get("project_code")
    if isinstance(code, str) and code:  # an item compared by its own code (SPEC 12): no catalogue name
        return identity_text("", code, r.get("project_name")), ""
    project = int(r["project"])
    sub = None if is_missing(r["sub_project"]) else int(r["sub_project"])
    p_text = f"{msg('wb.project', lang, n=project)}: {project_name(project) or ''}".rstrip(": ")
    s_text = (
        f"{msg('wb.sub_project', lang, n=sub)}: {sub_project_name(project, sub) or ''}".rstrip(": ")
        if sub
        else ""
    )
    return p_text, s_text


def _link(result: Result, out_dir: Path | None, r: dict[Any, Any]) -> str | None:
    """An external link to the statement's cell, built from validated parts only."""
    cell = r.get("allocated_cell")
    if out_dir is None or not isinstance(cell, str) or not _SAFE_REF.fullmatch(cell):
        return None
    target = result.input_root / str(r["file"])
    try:
        rel = os.path.relpath(target, out_dir)
    except ValueError:  # another drive on Windows
        rel = str(target)
    sheet = str(r["sheet"]).replace("'", "''")
    return f"external:{Path(rel).as_posix()}#'{sheet}'!{cell}"


def write_treasury_sheet(wb: Workbook, result: Result, lang: str, out_dir: Path | None = None) -> None:
    """Add and fill the sheet ``Đối chiếu Kho bạc`` from ``result.treasury`` (nothing without one)."""
    if result.treasury is None:
        return
    ws = wb.add_worksheet(msg("treasury.sheet", lang))
    fm = Formats(wb, lang)
    rows = result.treasury.to_dict("records")
    ws.write_string(0, 0, msg("treasury.title", lang), fm.title)
    ws.write_string(1, 0, msg("wb.money_unit", lang), fm.italic)
    ws.write_string(2, 0, msg("treasury.note", lang), fm.italic)
    header = 4
    header_row(ws, fm, header, [msg(k, lang) for k, *_ in _COLUMNS], [w for *_, w in _COLUMNS])
    link_format = wb.add_format(
        {
            "font_name": "Times New Roman",
            "font_size": 11,
            "border": 1,
            "font_color": "#0563C1",
            "underline": 1,
            "valign": "top",
            "text_wrap": True,
        }
    )
    shown = rows[:MAX_ROWS]
    for i, r in enumerate(shown, start=header + 1):
        project, sub = _names(r, lang)
        status = str(r["status"])
        cell = r.get("allocated_cell") if isinstance(r.get("allocated_cell"), str) else ""
        place = clean_text(f"{r['file']} | {r['sheet']}!{cell}" if cell else r["file"])
        texts = [
            (clean_text(r["unit"]), "unit"),
            (project, "project"),
            (sub, "sub_project"),
            (place, "place"),
        ]
        fit_row(ws, i, [(text, _WIDTHS[name]) for text, name in texts])
        for col, (_, name, kind, _w) in enumerate(_COLUMNS):
            if name == "project":
                ws.write_string(i, col, project, fm.cell("text"))
            elif name == "sub_project":
                ws.write_string(i, col, sub, fm.cell("text"))
            elif name == "status":
                fill = TREASURY_COLOURS.get(status)
                ws.write_string(i, col, msg(f"treasury.status.{status}", lang), fm.cell("text", fill))
            elif name == "place":
                link = _link(result, out_dir, r)
                if link:
                    ws.write_url(i, col, link, link_format, string=place)
                else:
                    ws.write_string(i, col, place, fm.cell("text"))
            elif name == "budget_year" and isinstance(r[name], str):  # "2022+2023": two years together
                ws.write_string(i, col, clean_text(r[name]), fm.cell("text"))
            elif name == "budget_year":
                write_value(ws, i, col, r[name], "year", fm.cell("year"))
            elif name == "unit":
                ws.write_string(
                    i, col, clean_text(r["unit"]) or msg("wb.unit_unknown", lang), fm.cell("text")
                )
            else:
                value = None if kind != "text" and is_missing(r[name]) else r[name]
                write_value(ws, i, col, value, kind, fm.cell(kind))
    last = header + len(shown)
    ws.autofilter(header, 0, max(last, header), len(_COLUMNS) - 1)
    if len(rows) > len(shown):
        note = msg("wb.truncated", lang, shown=len(shown), total=len(rows), csv="treasury.csv")
        ws.write_string(last + 2, 0, note, fm.italic)
    print_setup(ws, header, lang)
