"""An input file opened for its annotated copy: natively (.xlsx/.xlsm, formulas and formats kept) or as
values (.xls, .ods, .csv, and a file openpyxl cannot load), and the parts openpyxl cannot carry over.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputFileError
from ..messages import msg
from ..models import FileResult, Finding

#: A safety net only: the reader refuses zip bombs before a file ever gets here.
MAX_UNPACKED_BYTES = 1 << 30
_MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell or note
_SHAPE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:sp|grpSp|cxnSp)[\s>/]")
_BAD_TITLE_RE = re.compile(r"[\\/?*\[\]:]")


# ---- loading -------------------------------------------------------------------------------------


def _open_package(data: bytes, rel: str, lang: str) -> zipfile.ZipFile | None:
    """The input's zip package, refusing one that unpacks too large; None when it is not a zip."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None
    unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        size = f"{unpacked // (1 << 20)} MB"
        raise InputFileError("ann.copy_failed", file=rel, detail=msg("reason.zip_bomb", lang, size=size))
    return package


def _load_native(data: bytes, keep_vba: bool) -> tuple[Workbook, list[str]]:
    """Load with formulas, formatting, rich text and links kept; return the warnings openpyxl gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = load_workbook(
            io.BytesIO(data),
            read_only=False,
            data_only=False,
            rich_text=True,
            keep_vba=keep_vba,
            keep_links=True,
        )
    return wb, [str(w.message) for w in caught]


def _load_values(data: bytes, file: FileResult) -> Workbook:
    """A new workbook holding the input's cell values (for inputs openpyxl cannot read)."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    taken: set[str] = set()
    if file.path.suffix.lower() == ".csv":
        # The same parser as the reader, so that the cell references of items and findings match.
        from ..read.grid import load

        grid = load(file.path).grids[0]
        ws = wb.create_sheet(_safe_title(grid.name, taken))
        _fill_values(ws, grid.rows)
        return wb

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        for meta in book.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            ws = wb.create_sheet(_safe_title(meta.name, taken))
            _fill_values(ws, sheet.to_python(skip_empty_area=False))
            for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
                if (r1, c1) != (r2, c2):
                    ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
            visibility = str(meta.visible)
            if visibility.endswith("VeryHidden"):
                ws.sheet_state = "veryHidden"
            elif visibility.endswith("Hidden"):
                ws.sheet_state = "hidden"
    finally:
        book.close()
    if not wb.worksheets:
        wb.create_sheet(_safe_title("Sheet1", taken))
    visible = [i for i, ws in enumerate(wb.worksheets) if ws.sheet_state == "visible"]
    wb.active = visible[0] if visible else 0
    return wb


def _fill_values(ws: Worksheet, rows: list[list[Any]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(cell, MergedCell):  # values are written before ranges are merged
                continue
            if isinstance(value, str):
                _put_text(cell, value)
            else:
                cell.value = value
                if type(value) is dt.date:
                    cell.number_format = "dd/mm/yyyy"


def _put_text(cell: Cell, text: str) -> None:
    """Write ``text`` as text: openpyxl would take a string that starts with '=' for a formula."""
    cell.value = _clean_text(text)
    cell.data_type = "s"


def _clean_text(text: str) -> str:
    """Text Excel accepts: no control characters, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:_MAX_CELL_TEXT]


def _safe_title(name: str, taken: set[str]) -> str:
    """A valid, unused sheet title close to ``name`` (records it in ``taken``, case-insensitively)."""
    base = _BAD_TITLE_RE.sub("_", name).strip("'").strip()[:31] or "Sheet"
    title, n = base, 2
    while title.casefold() in taken:
        tail = f" ({n})"
        title = base[: 31 - len(tail)] + tail
        n += 1
    taken.add(title.casefold())
    return title


# ---- what openpyxl cannot keep -------------------------------------------------------------------


def _dropped_parts(
    package: zipfile.ZipFile | None, wb: Workbook, caught: list[str], keep_vba: bool
) -> list[str]:
    """Codes (``part.*`` in the catalogue) of the parts of the input the copy will not have."""
    if package is None:
        return []
    names = package.namelist()
    sheets = [*wb.worksheets, *wb.chartsheets]

    def loaded(attr: str) -> int:
        return sum(len(getattr(ws, attr, ())) for ws in sheets)

    def count(pattern: str) -> int:
        return sum(1 for n in names if re.fullmatch(pattern, n))

    def present(prefix: str) -> bool:
        return any(n.startswith(prefix) for n in names)

    parts: list[str] = []
    # openpyxl keeps images only with Pillow installed, and reconcile does not depend on Pillow.
    # With keep_vba the .emf pictures of form controls are carried over verbatim.
    media = [n for n in names if n.startswith("xl/media/") and not (keep_vba and n.lower().endswith(".emf"))]
    if len(media) > loaded("_images"):
        parts.append("images")
    if any("Shapes and drawings will be lost" in w for w in caught) or _has_shapes(package):
        parts.append("shapes")
    if count(r"xl/charts/chart\d+\.xml") > loaded("_charts"):
        parts.append("charts")
    if count(r"xl/pivotTables/pivotTable\d+\.xml") > loaded("_pivots"):
        parts.append("pivot_tables")
    if present("xl/ctrlProps/"):
        parts.append("form_controls")
    if present("xl/activeX/"):
        parts.append("activex")
    if present("xl/embeddings/"):
        parts.append("embedded_objects")
    if present("xl/slicers/") or present("xl/slicerCaches/") or present("xl/timelines/"):
        parts.append("slicers")
    if present("xl/model/"):
        parts.append("data_model")
    if present("xl/threadedComments/"):
        parts.append("threaded_comments")
    if "xl/vbaProject.bin" in names and not keep_vba:
        parts.append("vba")
    if any("extension is not supported" in w or "conditional formatting rule" in w for w in caught):
        parts.append("extensions")
    if any("header or footer" in w for w in caught):
        parts.append("header_footer")
    if any("part of a merged range but has a comment" in w for w in caught):
        parts.append("merged_comments")
    return parts


def _has_shapes(package: zipfile.ZipFile) -> bool:
    """Whether a drawing holds shapes, text boxes or connectors (openpyxl writes none back)."""
    for info in package.infolist():
        if re.fullmatch(r"xl/drawings/drawing\d+\.xml", info.filename):
            if info.file_size > 64 << 20:
                return True  # too big to scan; a drawing that size is not just a chart anchor
            if _SHAPE_RE.search(package.read(info)):
                return True
    return False


def _parts_finding(rel: str, parts: list[str], lang: str) -> Finding:
    # The catalogue formats raw parameters, but has no way to localise a list of part names, so
    # the words are rendered here in the run's language; the codes travel alongside for machines.
    words = ", ".join(msg(f"part.{p}", lang) for p in parts)
    return Finding("parts_dropped", file=rel, params={"parts": words, "part_codes": list(parts)})
