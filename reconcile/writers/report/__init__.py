"""The review report (SPEC 8): ``output/bao-cao-ra-soat.docx`` in the layout of Nghị định
30/2020/NĐ-CP, drafted from the result the workbook renders.

The writer renders; it never sums, pivots or classifies (SPEC 10). Its figures are the rows of the
result's ``latest`` / ``consolidated`` tables and of the subtotals table ``totals`` (one row per unit,
year and project group), which the engine side builds and passes in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ...messages import msg
from ...result import Result
from .body import KEY_FIELDS, Tables, records
from .fields import Field, ReportFields, resolve, unit_in_sentence


def _superiors(result: Result) -> list[str]:
    """The superior bodies the files' header blocks named (readers that do not read one give none)."""
    found = {getattr(s, "superior", "") for f in result.files for s in f.sheets}
    return sorted(x for x in found if x)


def _in_sheet_order(frame: pd.DataFrame | None, units: list[str]) -> pd.DataFrame | None:
    from ...result.totals import sheet_order

    if frame is None or len(frame) == 0:
        return frame
    return frame.iloc[sheet_order(frame, units)]


def _year(result: Result) -> int | None:
    """The execution year the report is about: the latest one of the figures."""
    if not len(result.latest):
        return None
    return int(result.latest["execution_year"].max())


def write_report(
    result: Result,
    totals: pd.DataFrame,
    path: Path,
    lang: str = "vi",
    config: dict[str, Any] | None = None,
    proposals: pd.DataFrame | None = None,
) -> None:
    """Write the report to ``path`` (a .docx).

    ``totals``: the subtotals table (contract of ``Result.totals``); ``config``: the ``[report]``
    settings; ``proposals``: the proposals table (year, project, sub_project, ceiling, proposal,
    difference, reason) or None when the folder holds none.
    """
    from docx import Document

    from . import kit
    from .appendix import appendix
    from .body import proposals as proposals_section
    from .body import results

    as_of = result.as_of
    # The keys in the summary sheet's order: each project row of ``totals`` owns the next ones.
    t = Tables(
        totals=records(totals),
        latest=records(_in_sheet_order(result.latest, result.units), KEY_FIELDS),
        consolidated=records(_in_sheet_order(result.consolidated, result.units), KEY_FIELDS),
        units=list(result.units),
        target=result.settings.target,
        as_of=as_of,
        lang=lang,
    )
    funds = t.funds()
    fields = resolve(
        config or {},
        result.units,
        _superiors(result),
        as_of,
        _year(result),
        lang,
        funds,
        t.programme == "GNBV",
    )
    doc = Document()
    kit.setup(doc)
    pen = kit.Pen(doc)
    _style_headings(doc)
    _header_block(doc, fields, lang)
    _title(doc, fields, lang)
    who = unit_in_sentence(fields.unit)
    pen.body([(msg("report.basis", lang), "h")])
    opening = "report.opening" if len(t.units) <= 1 else "report.opening_units"
    pen.body([msg(opening, lang, unit=who, count=len(t.units), as_of=_date_text(as_of, lang), funds=funds)])
    results(pen, t)
    proposals_section(pen, records(proposals), lang)
    pen.body([msg("report.closing", lang, unit=who, recipient=fields.recipient.text)])
    _signature(doc, fields, lang)
    date_text = _date_text(fields.date, lang)
    of_line = msg("report.appendix_of", lang, prefix=fields.number_prefix.text, date=date_text, unit=who)
    appendix(pen, t, of_line)
    doc.core_properties.title = msg("report.title", lang) + " " + fields.subject.text
    # A fixed date keeps the file the same from run to run (SPEC: outputs are deterministic).
    stamp = dt.datetime.combine(fields.date or dt.date(2000, 1, 1), dt.time())
    doc.core_properties.created = doc.core_properties.modified = stamp
    doc.core_properties.author = doc.core_properties.last_modified_by = "reconcile"
    _save(doc, path)


def _save(doc: Any, path: Path) -> None:
    """Save with every zip member dated 1980-01-01: python-docx stamps them with the clock, and the
    same result must give the same bytes."""
    import io
    import zipfile

    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info.filename))


def _date_text(d: dt.date | None, lang: str) -> str:
    from .words import date

    return date(d, lang) if d else "   /   /    "


def _style_headings(doc: Any) -> None:
    """Headings in the body's font, black, 14 pt bold (Word's own are blue Calibri)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    from .kit import FONT

    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(14)
        style.font.bold = True
        style.font.italic = level == 3
        style.font.color.rgb = RGBColor(0, 0, 0)
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(6), Pt(6)
        fmt.first_line_indent = Pt(28)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.keep_with_next = True


def _part(field: Field, style: str = "") -> tuple[str, str]:
    return (field.text, style + ("h" if field.missing else ""))


def _header_block(doc: Any, f: ReportFields, lang: str) -> None:
    """The two-column header: superior, unit, rule, Số | Quốc hiệu, tiêu ngữ, rule, place and date."""
    from . import kit
    from .words import place_date

    left_mm, right_mm = 75.0, kit.TEXT_WIDTH_MM - 75.0
    table = kit.borderless(doc, (left_mm, right_mm))
    left, right = table.rows[0].cells
    kit.centred(left, [_part(f.superior)], 13, paragraph=left.paragraphs[0])
    kit.centred(left, [_part(f.unit, "b")], 13)
    kit.rule(left, 30, left_mm)
    kit.centred(
        left,
        [(msg("report.number", lang, prefix=f.number_prefix.text), "h" if f.number_prefix.missing else "")],
        13,
    )
    kit.centred(right, [(msg("report.nation", lang), "b")], 12, paragraph=right.paragraphs[0])
    kit.centred(right, [(msg("report.motto", lang), "b")], 13)
    kit.rule(right, 55, right_mm)
    line = place_date(f.place.text, f.date, lang)
    kit.centred(right, [(line, "i" + ("h" if f.place.missing else ""))], 14)


def _title(doc: Any, f: ReportFields, lang: str) -> None:
    from . import kit

    kit.centred(doc, [""], after=6)
    kit.centred(doc, [(msg("report.title", lang), "b")])
    kit.centred(doc, [_part(f.subject, "b")], after=12)
    to = msg("report.to", lang, recipient=f.recipient.text)
    kit.centred(doc, [(to, "h" if f.recipient.missing else "")], after=12)


def _signature(doc: Any, f: ReportFields, lang: str) -> None:
    """Nơi nhận on the left (12 pt), the signer's title, a space to sign and the name on the right."""
    from docx.shared import Pt

    from . import kit

    left_mm = 85.0
    table = kit.borderless(doc, (left_mm, kit.TEXT_WIDTH_MM - left_mm))
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    kit.pieces(p, [(msg("report.recipients", lang), "bi")], 12)
    for line in f.recipients:
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        kit.pieces(q, [f"- {line}"], 11)
    titles = f.signer_title.text.split("\n")
    kit.centred(
        right, [(titles[0], "b" + ("h" if f.signer_title.missing else ""))], paragraph=right.paragraphs[0]
    )
    for extra in titles[1:]:
        kit.centred(right, [(extra, "b")])
    for _ in range(3):
        kit.centred(right, [""])
    kit.centred(right, [_part(f.signer_name, "b")])
