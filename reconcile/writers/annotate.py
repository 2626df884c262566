"""Annotated copies of the user's own input files (SPEC 5.2).

Each input that produced line items or findings is copied to ``annotated/<rel>`` with its own
formatting, formulas, merged cells, number formats, column widths, defined names, hidden sheets and
sheet order kept (openpyxl), and:

* the allocated and disbursed cells of every line item are filled with the status colour of its key
  at that file's period, and the disbursed cell carries a note (an Excel comment) that explains the
  status in plain words with the figures, e.g. "Đã giải ngân 5.200 / 6.595 triệu đồng (78,8%), còn
  thiếu 1.395 triệu đồng so với mục tiêu 100% trước 31/12/2023.";
* every cell a finding points at is filled with the finding's severity colour and the finding's
  message is added to the cell's note; a note the user wrote is kept, ours goes below a separator;
* a legend sheet is appended at the end.

Met and on-track items get a green/neutral fill *and* a one-sentence note: the colour alone does not
say which figures were compared, and one sentence is cheap to skip.

The input is read once into memory (``open(path, "rb")``) and never written or held open.
``.xls``, ``.ods`` and ``.csv`` inputs, which openpyxl cannot read, become ``.xlsx`` copies of their
values (merged ranges re-applied, hidden sheets kept hidden); a ``parts_dropped`` finding says that
formatting and formulas were not kept. For ``.xlsx``/``.xlsm`` inputs the parts openpyxl cannot
carry over (shapes, images without Pillow, form controls, slicers, ...) are detected by comparing the
input package with what openpyxl loaded, and listed in one ``parts_dropped`` finding.

Writers only render: the figures in the notes come from ``Result.summary``; the one subtraction here
(how far an over-disbursed key exceeds its allocation) is a display difference of two shown figures.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, cast

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputFileError, OutputError
from ..messages import finding_message, fmt_amount, fmt_date, fmt_number, fmt_rate, msg, status_label
from ..models import KEY_COLUMNS, SEVERITY_ORDER, FileResult, Finding, Result, is_missing
from ..names import annotated_names
from .palette import SEVERITY_COLOURS, STATUS_COLOURS

AUTHOR = "reconcile"
#: Between the user's own note and ours, so that theirs is never lost or mixed up with ours.
SEPARATOR = "-" * 24
NATIVE_SUFFIXES = frozenset({".xlsx", ".xlsm"})
#: A safety net only: the reader refuses zip bombs before a file ever gets here.
MAX_UNPACKED_BYTES = 1 << 30
_MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell or note

# Which status colour wins when two items share a cell: the more urgent one.
_URGENCY = ("over", "no_allocation", "missed", "behind", "at_risk", "on_track", "met")
_STATUS_RANK: dict[str, int] = {s: i for i, s in enumerate(_URGENCY)}
_SHAPE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:sp|grpSp|cxnSp)[\s>/]")
_COORD_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")
_BAD_TITLE_RE = re.compile(r"[\\/?*\[\]:]")


# ---- public API ----------------------------------------------------------------------------------


def annotated_name(rel: str, all_rels: Iterable[str] = ()) -> str:
    """The relative output name of input ``rel``: sub-folders kept, .xls/.ods/.csv become .xlsx,
    every part legal on Windows and in NFC (see :func:`reconcile.names.annotated_names`).

    ``all_rels`` are the other inputs of the run: where a converted name would collide with another
    input's (``a.csv`` beside ``a.xlsx``), the old extension is kept in the name: ``a (csv).xlsx``;
    names Windows or macOS would take for one (by case, by Unicode normalisation) are numbered.
    """
    return annotated_names([*all_rels, rel])[rel]


def annotate_file(
    result: Result, file: FileResult, out_dir: Path, lang: str = "vi"
) -> tuple[Path, list[Finding]]:
    """Write the annotated copy of ``file`` to ``out_dir / annotated_name(file.rel)`` (not atomic).

    A convenience for tests and scripts; the pipeline uses :func:`annotate_to` inside its own
    atomic write. Returns the written path and the findings about the copy itself.
    """
    rel = annotated_name(file.rel, (f.rel for f in result.files))
    target = Path(out_dir) / Path(*PurePosixPath(rel).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target, annotate_to(result, file, target, lang)


def annotate_to(result: Result, file: FileResult, target: Path, lang: str = "vi") -> list[Finding]:
    """Write the annotated copy of ``file`` exactly to ``target`` and return findings about the copy.

    The input is only read. Raises :class:`reconcile.errors.InputFileError` (key ``ann.copy_failed``)
    when the input cannot be opened at all or openpyxl cannot save what it loaded (the caller turns
    it into a finding or skips the copy), and :class:`reconcile.errors.OutputError` before anything
    is written when ``target`` is the input itself; ``OSError`` from writing ``target`` propagates.
    """
    if not file.readable:
        raise InputFileError("ann.copy_failed", file=file.rel, detail=msg("ann.not_readable", lang))
    if _same_file(Path(target), file.path):
        raise OutputError("cli.output_inside_input", folder=str(Path(target).parent))
    try:
        with open(file.path, "rb") as fh:  # read once; the input is never written or kept open
            data = fh.read()
    except OSError as exc:
        raise InputFileError("ann.copy_failed", file=file.rel, detail=str(exc)) from exc

    suffix = file.path.suffix.lower()
    keep_vba = suffix == ".xlsm"
    parts: list[str] = []
    package: zipfile.ZipFile | None = None
    wb: Workbook | None = None
    if suffix in NATIVE_SUFFIXES:
        package = _open_package(data, file.rel, lang)
        try:
            wb, caught = _load_native(data, keep_vba)
        except Exception:  # openpyxl chokes on files calamine still reads: fall back to values
            wb = None
        else:
            parts = _dropped_parts(package, wb, caught, keep_vba)
    if wb is None:
        try:
            wb = _load_values(data, file)
        except Exception as exc:
            raise InputFileError("ann.copy_failed", file=file.rel, detail=str(exc)) from exc
        parts = ["values_only"]

    file_notes = _annotate_workbook(wb, result, file, lang)
    findings: list[Finding] = []
    if parts:
        findings.append(_parts_finding(file.rel, parts, lang))
    _add_legend(wb, result, file, lang, file_notes + findings)
    try:
        wb.save(target)
    except OSError:
        raise
    except Exception as exc:  # openpyxl cannot serialise something it loaded
        Path(target).unlink(missing_ok=True)  # no half-written copy left behind
        raise InputFileError("ann.copy_failed", file=file.rel, detail=str(exc)) from exc

    if keep_vba and package is not None and "xl/vbaProject.bin" in package.namelist():
        with zipfile.ZipFile(target) as out:
            kept = "xl/vbaProject.bin" in out.namelist()
        if not kept:
            parts = [*parts, "vba"]
            findings = [_parts_finding(file.rel, parts, lang)]
    return findings


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


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
        from ..grid import load

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


# ---- what goes on which cell ---------------------------------------------------------------------


@dataclass(slots=True)
class _Note:
    """Fill and note text for one cell; the most urgent fill wins (lowest rank)."""

    fill: str | None = None
    rank: tuple[int, int] = (9, 9)
    texts: list[str] = field(default_factory=list)

    def paint(self, colour: str, rank: tuple[int, int]) -> None:
        if rank < self.rank:
            self.fill, self.rank = colour, rank


def _annotate_workbook(wb: Workbook, result: Result, file: FileResult, lang: str) -> list[Finding]:
    """Fill and comment the cells of items and findings; return the findings that have no cell."""
    notes: dict[tuple[str, str], _Note] = {}

    def note(sheet: str | None, cell: str | None) -> _Note | None:
        coord = _coordinate(cell)
        if not sheet or coord is None:
            return None
        return notes.setdefault((sheet, coord), _Note())

    target = float(result.settings.target)
    for item, row in _items_with_figures(result, file.rel):
        if row is None:
            continue
        status = str(row.get("status") or "")
        if status not in STATUS_COLOURS:
            continue
        colour, rank = STATUS_COLOURS[status], (1, _STATUS_RANK.get(status, 9))
        sheet = item.get("sheet")
        commented = _text(item.get("disbursed_cell")) or _text(item.get("in_month_cell"))
        for ref in (item.get("allocated_cell"), item.get("disbursed_cell"), item.get("in_month_cell")):
            n = note(sheet, _text(ref))
            if n is not None:
                n.paint(colour, rank)
        n = note(sheet, commented or _text(item.get("allocated_cell")))
        if n is not None:
            text = _status_text(row, item, result, target, lang)
            if text and text not in n.texts:
                n.texts.append(text)

    loose: list[Finding] = []
    for finding in _file_findings(result, file):
        n = note(finding.sheet, finding.cell)
        if n is None or _worksheet(wb, finding.sheet, file) is None:
            loose.append(finding)
            continue
        n.paint(
            SEVERITY_COLOURS.get(finding.level, SEVERITY_COLOURS["warning"]),
            (0, SEVERITY_ORDER[finding.level]),
        )
        n.texts.append(_finding_text(finding, lang))

    for (sheet, coord), n in notes.items():
        ws = _worksheet(wb, sheet, file)
        if ws is None:
            continue
        cell = _anchor(ws, coord)
        if n.fill:
            cell.fill = _solid(n.fill)
        if n.texts:
            _add_comment(cell, "\n\n".join(n.texts), lang)
    return loose


@lru_cache(maxsize=64)
def _solid(colour: str) -> PatternFill:
    """One fill object per colour: openpyxl hashes every fill it is given, a shared one is cheaper."""
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _items_with_figures(result: Result, rel: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """This file's line items, each with the summary row of its key at its period (None if unused).

    The join is by ``summary.item_index`` (the label of the ``items`` row, its position for the
    default RangeIndex); a summary without that column is joined by key and period instead. An item
    that no summary row points at was not used (a duplicate, or a file that lost a period conflict).
    """
    items = result.items
    if items is None or len(items) == 0 or "file" not in items.columns:
        return []
    mine = items[items["file"] == rel]
    if len(mine) == 0:
        return []
    summary = result.summary
    records = [] if summary is None else cast(list[dict[str, Any]], summary.to_dict("records"))
    by_index: dict[Any, dict[str, Any]] = {}
    by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    use_index = summary is not None and "item_index" in summary.columns
    for rec in records:
        if use_index:
            idx = _plain(rec.get("item_index"))
            if idx is not None:
                by_index[idx] = rec
        else:
            by_key[_key(rec)] = rec
    out: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    mine_records = cast(list[dict[str, Any]], mine.to_dict("records"))
    for label, item in zip(mine.index, mine_records, strict=True):
        row = by_index.get(_plain(label)) if use_index else by_key.get(_key(item))
        out.append((item, row))
    return out


def _file_findings(result: Result, file: FileResult) -> list[Finding]:
    """Findings about this file: the run's, then any of the file's own the run did not repeat."""
    mine = [f for f in result.findings if f.file == file.rel]
    seen = set(mine)
    mine.extend(f for f in file.findings if f.file in (None, file.rel) and f not in seen)
    return sorted(mine, key=lambda f: f.sort_key())


def _key(rec: dict[str, Any]) -> tuple[Any, ...]:
    return (*(_plain(rec.get(c)) for c in KEY_COLUMNS), _as_date(rec.get("period")))


def _plain(value: Any) -> Any:
    """A pandas/numpy cell value as a plain, comparable Python value (None for missing)."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str | bytes | dt.date):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_date(value: Any) -> dt.date | None:
    value = _plain(value)
    return value if isinstance(value, dt.date) else None


def _as_float(value: Any) -> float | None:
    value = _plain(value)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    value = _plain(value)
    return str(value) if value not in (None, "") else None


def _coordinate(cell: str | None) -> str | None:
    """The first cell of an A1 reference or range, upper-cased; None when it is not one."""
    if not cell:
        return None
    first = cell.split(":", 1)[0].strip()
    m = _COORD_RE.match(first)
    if not m:
        return None
    letters, row = m.group(1).upper(), int(m.group(2))
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    if col > 16384 or row > 1048576:
        return None
    return f"{letters}{row}"


def _worksheet(wb: Workbook, name: str | None, file: FileResult) -> Worksheet | None:
    """The sheet a reader named; a copy made from a .csv has one sheet, whatever the reader called it."""
    if name and name in wb.sheetnames:
        sheet = wb[name]
        return sheet if isinstance(sheet, Worksheet) else None
    if file.path.suffix.lower() == ".csv" and wb.worksheets:
        return wb.worksheets[0]
    if name:
        for ws in wb.worksheets:  # a values copy may have had to clean a sheet title
            if ws.title.casefold() == _BAD_TITLE_RE.sub("_", name).strip("'").strip()[:31].casefold():
                return ws
    return None


def _anchor(ws: Worksheet, coord: str) -> Cell:
    """The cell that holds ``coord``'s value: the top-left cell of a merged range it sits in."""
    cell = ws[coord]
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if coord in rng:
                return cast(Cell, ws.cell(row=rng.min_row, column=rng.min_col))
    return cast(Cell, cell)


# ---- words ---------------------------------------------------------------------------------------


def _fmt_target(target: float, lang: str) -> str:
    """100% rather than 100,0%: the target is a round figure people type."""
    return fmt_number(target * 100, 1, lang) + "%"


def _status_text(row: dict[str, Any], item: dict[str, Any], result: Result, target: float, lang: str) -> str:
    """The note on a line item's disbursed cell: status and period, then one plain sentence."""
    status = str(row.get("status"))
    period = _as_date(row.get("period")) or _as_date(item.get("period"))
    deadline = _as_date(row.get("deadline"))
    if deadline is None:
        year = _plain(row.get("execution_year"))
        deadline = result.settings.deadline(int(year)) if isinstance(year, int) else None
    allocated = _as_float(row.get("allocated"))
    disbursed = _as_float(row.get("disbursed"))
    shortfall = _as_float(row.get("shortfall"))
    excess = disbursed - allocated if disbursed is not None and allocated is not None else None
    params = {
        "disbursed": fmt_amount(disbursed, lang),
        "allocated": fmt_amount(allocated, lang),
        "rate": fmt_rate(_as_float(row.get("rate")), lang),
        "shortfall": fmt_amount(max(shortfall, 0.0) if shortfall is not None else None, lang),
        "excess": fmt_amount(excess, lang),
        "target": _fmt_target(target, lang),
        "deadline": fmt_date(deadline, lang),
        "period": fmt_date(period, lang),
        "expected_rate": fmt_rate(_as_float(row.get("expected_rate")), lang),
        "projection": fmt_amount(_as_float(row.get("projection")), lang),
    }
    header = msg("ann.header", lang, status=status_label(status, lang), period=params["period"])
    return f"{header}\n{msg(f'ann.{status}', lang, **params)}"


def _finding_text(finding: Finding, lang: str) -> str:
    return msg(
        "ann.finding",
        lang,
        severity=msg(f"severity.{finding.level}", lang),
        code=finding.code,
        message=finding_message(finding.code, finding.params, lang),
    )


def _add_comment(cell: Cell, text: str, lang: str) -> None:
    """Put ``text`` in the cell's note, below the user's own note if there is one."""
    existing = cell.comment
    author = AUTHOR
    if existing is not None and existing.text and existing.text.strip():
        text = f"{existing.text.rstrip()}\n{SEPARATOR}\n{msg('ann.ours', lang)}\n{text}"
        author = existing.author or AUTHOR  # the note stays theirs; ours is labelled inside it
    text = _clean_text(text)
    width, height = comment_size(text)
    cell.comment = None
    cell.comment = Comment(text, author, height=height, width=width)


def comment_size(text: str) -> tuple[int, int]:
    """(width, height) in pixels of a note box that shows ``text`` without scrolling."""
    paragraphs = text.split("\n")
    width = 300 if max(len(p) for p in paragraphs) <= 48 else 400
    per_line = width // 7  # about 7 px per character of Excel's default note font
    lines = sum(max(1, math.ceil(len(p) / per_line)) for p in paragraphs)
    return width, min(max(lines * 16 + 12, 48), 900)


# ---- legend --------------------------------------------------------------------------------------


def _add_legend(wb: Workbook, result: Result, file: FileResult, lang: str, loose: list[Finding]) -> None:
    """Append the legend sheet: what the colours mean, period, target, and that this is a copy."""
    ws = wb.create_sheet(_safe_title(msg("ann.legend_sheet", lang), {n.casefold() for n in wb.sheetnames}))
    rows = _items_with_figures(result, file.rel)
    periods = sorted(
        {p for p in (_as_date(i.get("period")) for i, _ in rows) if p}
        | {s.period for s in file.sheets if s.period}
    )
    deadlines = sorted({d for d in (_as_date(r.get("deadline")) for _, r in rows if r) if d})
    target = _fmt_target(float(result.settings.target), lang)

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    r = 1
    _put_text(ws.cell(r, 1), msg("ann.legend_title", lang))
    ws.cell(r, 1).font = Font(bold=True, size=14)
    for line in (
        msg("ann.legend_copy", lang, file=file.rel),
        msg("ann.legend_period", lang, periods=", ".join(fmt_date(p, lang) for p in periods) or "-"),
        msg(
            "ann.legend_target",
            lang,
            target=target,
            deadlines=", ".join(fmt_date(d, lang) for d in deadlines) or "-",
        ),
        msg("ann.legend_hint", lang),
    ):
        r += 1
        _put_text(ws.cell(r, 1), line)
        # One sentence spans both columns and wraps, so it prints whole within the page width.
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.cell(r, 1).alignment = wrap
        ws.row_dimensions[r].height = 15 * (1 + len(line) // 120)

    def section(title: str, entries: list[tuple[str, str, str]]) -> None:
        nonlocal r
        r += 2
        _put_text(ws.cell(r, 1), title)
        ws.cell(r, 1).font = bold
        r += 1
        for col, head in ((1, msg("ann.legend_colour", lang)), (2, msg("ann.legend_meaning", lang))):
            _put_text(ws.cell(r, col), head)
            ws.cell(r, col).font = bold
        for colour, label, meaning in entries:
            r += 1
            swatch = ws.cell(r, 1)
            _put_text(swatch, label)
            if colour:
                swatch.fill = _solid(colour)
            _put_text(ws.cell(r, 2), meaning)
            ws.cell(r, 2).alignment = wrap

    section(
        msg("ann.legend_statuses", lang),
        [(STATUS_COLOURS[s], status_label(s, lang), msg(f"ann.legend.{s}", lang)) for s in _URGENCY],
    )
    section(
        msg("ann.legend_severities", lang),
        [
            (SEVERITY_COLOURS[s], msg(f"severity.{s}", lang), msg(f"ann.legend.{s}", lang))
            for s in SEVERITY_COLOURS
        ],
    )
    if loose:
        section(
            msg("ann.legend_file_notes", lang),
            [
                (
                    SEVERITY_COLOURS.get(f.level, ""),
                    msg(f"severity.{f.level}", lang),
                    (f"{f.sheet}: " if f.sheet else "") + _finding_text(f, lang),
                )
                for f in loose
            ],
        )
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
