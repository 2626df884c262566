"""python-docx helpers for the layout of Nghị định 30/2020/NĐ-CP: page, fonts, paragraphs, rules,
borderless tables, page numbers and highlighted placeholders. Nothing here knows about figures."""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy

from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
#: The text width of a portrait A4 page with 30 mm and 15 mm side margins.
TEXT_WIDTH_MM = 210 - 30 - 15

#: A piece of a paragraph: text, or (text, style) with style letters b (bold), i (italic), h
#: (highlighted placeholder).
Piece = str | tuple[str, str]


def setup(doc: Document) -> None:
    """A4 portrait, margins 20/20/30/15 mm, Times New Roman 14 pt, page numbers from page 2."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    # Word takes the font of Vietnamese letters from the East Asian and complex-script slots too.
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = 1.1
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(header)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word and LibreOffice put the page's number there."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
        if kind == "separate":
            run = paragraph.add_run()


def pieces(paragraph: Paragraph, parts: Sequence[Piece], size: float | None = None) -> Paragraph:
    """Append ``parts`` to ``paragraph`` as runs."""
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        if not text:
            continue
        run = paragraph.add_run(text)
        run.bold = "b" in style or None
        run.italic = "i" in style or None
        if "h" in style:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if size:
            run.font.size = Pt(size)
    return paragraph


def body(doc: Document | _Cell, parts: Sequence[Piece], indent: bool = True) -> Paragraph:
    """A body paragraph: justified, first line indented 1 cm."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    return pieces(p, parts)


def centred(
    where: Document | _Cell,
    parts: Sequence[Piece],
    size: float | None = None,
    after: float = 0,
    paragraph: Paragraph | None = None,
) -> Paragraph:
    """A centred line (``paragraph``: fill that one instead of adding one)."""
    p = paragraph if paragraph is not None else where.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.first_line_indent = Cm(0)
    return pieces(p, parts, size)


def rule(cell: _Cell, width_mm: float, cell_mm: float) -> Paragraph:
    """A short centred line under the line above (a bottom border on an indented empty paragraph)."""
    p = cell.add_paragraph()
    # The border first: the spacing and indents python-docx adds then fall in the schema's order.
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    side = max(0.0, (cell_mm - width_mm) / 2)
    fmt = p.paragraph_format
    fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
    fmt.space_after = Pt(6)
    fmt.line_spacing = Pt(2)
    return p


def borderless(doc: Document, widths_mm: Sequence[float]) -> Table:
    """A table with no borders and fixed column widths (the header and the signature blocks)."""
    table = doc.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_borders(table, "none")
    set_widths(table, widths_mm)
    return table


def set_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths: the grid (LibreOffice reads it) and every cell (Word reads those)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for tc, width in zip(row._tr.tc_lst, _spans(row, widths_mm), strict=False):
            tc.width = Mm(width)


def _spans(row: object, widths_mm: Sequence[float]) -> list[float]:
    """The width of each cell of ``row``, a merged cell spanning several grid columns."""
    out, col = [], 0
    for tc in row._tr.tc_lst:  # type: ignore[attr-defined]
        span = tc.grid_span
        out.append(sum(widths_mm[col : col + span]))
        col += span
    return out


def set_borders(table: Table, kind: str) -> None:
    """Every border of ``table`` set to ``kind`` ("none" or "single")."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), kind)
        if kind != "none":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    # Word wants the table properties in the schema's order.
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")


def landscape_section(doc: Document) -> None:
    """A new landscape section (the appendix), numbered on from the portrait pages."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    # Its first page is not the document's first page: it keeps its number.
    section.different_first_page_header_footer = False


def cell_text(cell: _Cell, parts: Sequence[Piece], align: str = "left", size: float = 11) -> None:
    """Fill a table cell's first paragraph (appendix cells: 11 pt, no indent, no space after)."""
    p = cell.paragraphs[0]
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
    }[align]
    p.paragraph_format.space_after = Pt(0)
    pieces(p, parts, size)


def repeat_header(row: object) -> None:
    """Repeat a table row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


_W_P = qn("w:p")


def _detached() -> Paragraph:
    """A paragraph in no document, to make a prototype with python-docx's own formatting."""
    return Paragraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]


class Pen:
    """Writes the many paragraphs and table rows of a long report quickly.

    python-docx builds each run and each property through its object layer (about half a millisecond
    a run), which made a 200-unit report take a minute. Here each kind of paragraph, run and table
    row is made once with python-docx and then copied (lxml ``deepcopy``) for every use: the same
    XML, at a few microseconds an element.
    """

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._runs: dict[tuple[str, float | None], object] = {}
        self._headings: dict[int, object] = {}
        # The body's last child, the document's closing section properties; new paragraphs go before
        # it. Held once: looking it up walks every paragraph, which made a long report quadratic
        # (a new section keeps this element as the last one).
        self._end = doc.element.body.sectPr
        body_p = _detached()
        body_p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        body_p.paragraph_format.first_line_indent = Cm(1)
        self._body = body_p._p

    def _run(self, style: str, size: float | None) -> object:
        """A run of ``style`` and ``size`` with an empty text, made once."""
        key = (style, size)
        if key not in self._runs:
            scratch = _detached()
            pieces(scratch, [("x", style)], size)
            run = scratch._p.r_lst[0]
            run.t_lst[0].set(qn("xml:space"), "preserve")
            self._runs[key] = run
        return self._runs[key]

    def fill(self, p: object, parts: Sequence[Piece], size: float | None = None) -> None:
        """Append ``parts`` to the paragraph element ``p`` as copies of the prepared runs."""
        for part in parts:
            text, style = (part, "") if isinstance(part, str) else part
            if not text:
                continue
            run = deepcopy(self._run(style, size))
            run[-1].text = text  # type: ignore[index]  # the run's w:t, its last child
            p.append(run)  # type: ignore[attr-defined]

    def heading(self, text: str, level: int) -> None:
        """A heading paragraph (style "Heading N", so Word's navigation pane lists it)."""
        if level not in self._headings:
            made = self.doc.add_heading("", level)._p
            made.getparent().remove(made)
            self._headings[level] = made
        p = deepcopy(self._headings[level])
        self.fill(p, [text])
        self._end.addprevious(p)

    def body(self, parts: Sequence[Piece]) -> None:
        """A body paragraph (justified, first line indented 1 cm) at the end of the document."""
        p = deepcopy(self._body)
        self.fill(p, parts)
        self._end.addprevious(p)

    def rows(self, table: Table, lines: Sequence[Sequence[tuple[Sequence[Piece], str]]], size: float) -> None:
        """Append rows to ``table``: each line gives every cell's pieces and alignment.

        Rows of one shape (the same alignments) are copies of a row made once with python-docx.
        """
        protos: dict[tuple[str, ...], object] = {}
        tbl = table._tbl
        for line in lines:
            shape = tuple(align for _, align in line)
            if shape not in protos:
                row = table.add_row()
                for cell, align in zip(row.cells, shape, strict=True):
                    cell_text(cell, [], align, size)
                protos[shape] = row._tr
                tbl.remove(row._tr)
            tr = deepcopy(protos[shape])
            for tc, (parts, _) in zip(tr.tc_lst, line, strict=True):  # type: ignore[attr-defined]
                self.fill(tc.find(_W_P), parts, size)
            tbl.append(tr)
