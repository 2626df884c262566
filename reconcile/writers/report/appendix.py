"""The landscape appendix: the summary table in the form of the input sheet (STT, Nội dung, Kế hoạch
vốn, Giải ngân lũy kế, Tỷ lệ, Ghi chú; Tổng số/NSTW/NSĐP where the sources are split).

Group rows (total, unit, year, project) come from the totals table, line rows from the per-key
rows; a sub-project with two sources shows each source on its own row rather than a sum."""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ...messages import fmt_number, msg, status_label
from ...models import is_missing
from .body import Tables, item_title, sub_title, year_title
from .kit import (
    Pen,
    Piece,
    cell_text,
    centred,
    landscape_section,
    pieces,
    repeat_header,
    set_borders,
    set_widths,
)
from .words import date, number

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_SPLIT_SOURCES = ("NSTW", "NSDP")


def _roman(n: int) -> str:
    return _ROMAN[n - 1] if n <= len(_ROMAN) else str(n)


def _letter(n: int) -> str:
    return chr(64 + n) if n <= 26 else str(n)


class _Rows:
    """Collects the appendix rows: (STT, content, bold, allocated by column, disbursed by column,
    rate, note); a column is "ALL" (Tổng số) or a source code."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.rows: list[tuple[str, str, bool, dict[str, Any], dict[str, Any], Any, str]] = []

    def group(self, stt: str, text: str, row: dict[str, Any] | None, bold: bool = True) -> None:
        if row is None:
            self.rows.append((stt, text, bold, {}, {}, None, ""))
            return
        self.rows.append(
            (stt, text, bold, {"ALL": row["allocated"]}, {"ALL": row["disbursed"]}, row["rate"], "")
        )

    def key(self, stt: str, text: str, k: dict[str, Any], bold: bool = False) -> None:
        cols = ["ALL"] + ([k["source"]] if k["source"] in _SPLIT_SOURCES else [])
        alloc = dict.fromkeys(cols, k["allocated"])
        disb = dict.fromkeys(cols, k["disbursed"])
        note = status_label(str(k["status"]), self.lang) if k.get("status") else ""
        self.rows.append((stt, text, bold, alloc, disb, k["rate"], note))


def _project_rows(rows: _Rows, t: Tables, year: dict[str, Any]) -> None:
    lang = t.lang
    for n, project in enumerate(year["_projects"], 1):
        keys = project["_keys"]
        title = item_title(keys[0], t.several_programmes, lang)
        if len(keys) == 1 and keys[0]["sub_project"] is None:
            # A project without sub-projects and with one source is its own line: the key's row.
            rows.key(str(n), title, keys[0], bold=True)
            continue
        rows.group(str(n), title, project)
        subs = [k["sub_project"] for k in keys]
        for k in keys:
            src = msg(f"source.{k['source']}", lang)
            if k["sub_project"] is None:
                if len(keys) > 1:
                    rows.key("+", src, k)
                continue
            label = sub_title(k, lang)
            if subs.count(k["sub_project"]) == 1:
                rows.key("-", label, k)
                continue
            if k is next(x for x in keys if x["sub_project"] == k["sub_project"]):
                rows.group("-", label, None, bold=False)
            rows.key("+", src, k)


def _year_rows(rows: _Rows, t: Tables, unit: str | None) -> None:
    scope = "province" if unit is None else "unit"
    for i, year in enumerate(t.groups(scope, "year", unit or ""), 1):
        rows.group(_roman(i), year_title(year, t), year)
        _project_rows(rows, t, year)


def build_rows(t: Tables) -> _Rows:
    rows = _Rows(t.lang)
    grand = msg("report.grand_total", t.lang)
    if len(t.units) <= 1:
        unit = t.units[0] if t.units else ""
        total = t.groups("unit", "unit", unit)
        rows.group("", grand, total[0] if total else None)
        _year_rows(rows, t, unit)
        return rows
    total = t.groups("province", "total")
    rows.group("", grand, total[0] if total else None)
    for i, unit in enumerate(t.units, 1):
        unit_total = t.groups("unit", "unit", unit)
        rows.group(_letter(i), unit, unit_total[0] if unit_total else None)
        _year_rows(rows, t, unit)
    return rows


def _fig(x: Any, lang: str) -> str:
    return "" if is_missing(x) else number(x, lang)


def _pct(x: Any, lang: str) -> str:
    return "" if is_missing(x) else fmt_number(float(x) * 100, 1, lang, trim=False)


def appendix(pen: Pen, t: Tables, of_line: str) -> None:
    """The appendix on a landscape page: title, the attachment line and the table."""
    lang = t.lang
    doc = pen.doc
    landscape_section(doc)
    centred(doc, [(msg("report.appendix", lang).upper(), "b")])
    centred(doc, [(msg("report.appendix_title", lang, funds=t.funds("report.funds_title")), "b")])
    centred(doc, [(of_line, "i")], after=0)
    money = doc.add_paragraph()
    money.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    pieces(money, [(msg("report.money_unit", lang), "i")], 12)
    rows = build_rows(t)
    split = any(k["source"] in _SPLIT_SOURCES for k in t.latest)
    cols = ["ALL", "NSTW", "NSDP"] if split else ["ALL"]
    n_fig = len(cols)
    widths = [10, 72] + [23] * (2 * n_fig) + [17, 25] if split else [10, 110, 35, 35, 25, 47]
    table = doc.add_table(rows=2 if split else 1, cols=len(widths))
    set_borders(table, "single")
    disb_title = msg("report.col_disbursed", lang, as_of=date(t.as_of, lang))
    top = table.rows[0].cells
    heads = [msg("report.col_no", lang), msg("report.col_content", lang)]
    last = [msg("report.col_rate", lang), msg("report.col_note", lang)]
    if split:
        sub = table.rows[1].cells
        for i in (0, 1):
            top[i].merge(sub[i])
        for i in (-1, -2):
            top[len(widths) + i].merge(sub[len(widths) + i])
        a = top[2].merge(top[1 + n_fig])
        d = top[2 + n_fig].merge(top[1 + 2 * n_fig])
        cell_text(a, [(msg("report.col_allocated", lang), "b")], "center")
        cell_text(d, [(disb_title, "b")], "center")
        for j, c in enumerate(cols * 2):
            name = msg("report.col_total", lang) if c == "ALL" else msg(f"source.{c}", lang)
            cell_text(sub[2 + j], [(name, "b")], "center")
        repeat_header(table.rows[1])
    else:
        cell_text(top[2], [(msg("report.col_allocated", lang), "b")], "center")
        cell_text(top[3], [(disb_title, "b")], "center")
    cell_text(top[0], [(heads[0], "b")], "center")
    cell_text(top[1], [(heads[1], "b")], "center")
    cell_text(top[len(widths) - 2], [(last[0], "b")], "center")
    cell_text(top[len(widths) - 1], [(last[1], "b")], "center")
    repeat_header(table.rows[0])
    # The widths first: every data row is a copy of a row that takes them from the grid.
    set_widths(table, widths)
    lines = []
    for stt, text, bold, alloc, disb, rate, note in rows.rows:
        style = "b" if bold else ""
        line: list[tuple[list[Piece], str]] = [([(stt, style)], "center"), ([(text, style)], "left")]
        line += [([(_fig(alloc.get(c), lang), style)], "right") for c in cols]
        line += [([(_fig(disb.get(c), lang), style)], "right") for c in cols]
        line += [([(_pct(rate, lang) if alloc else "", style)], "right"), ([note], "left")]
        lines.append(line)
    pen.rows(table, lines, 11)
