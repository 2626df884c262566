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

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..errors import InputFileError, OutputError
from ..find.names import annotated_names
from ..messages import fmt_date, msg, status_label
from ..models import SEVERITY_ORDER, FileResult, Finding
from ..result import Result
from .annotate_load import (
    _dropped_parts,
    _load_native,
    _load_values,
    _open_package,
    _parts_finding,
    _put_text,
    _safe_title,
)
from .annotate_notes import (
    SEPARATOR,
    FileFigures,
    ItemRows,
    _add_comment,
    _anchor,
    _as_date,
    _coordinate,
    _file_findings,
    _finding_text,
    _fmt_target,
    _solid,
    _status_text,
    _text,
    _worksheet,
    comment_size,
)
from .palette import SEVERITY_COLOURS, STATUS_COLOURS

#: What other modules and the tests take from here (the notes' words and sizes live in annotate_notes).
__all__ = ["SEPARATOR", "annotate_file", "annotate_to", "annotated_name", "comment_size"]

NATIVE_SUFFIXES = frozenset({".xlsx", ".xlsm"})

# Which status colour wins when two items share a cell: the more urgent one (a figure that could not
# be read first: nothing else about the key can be told until it is corrected).
_URGENCY = ("incomplete", "over", "no_allocation", "missed", "behind", "at_risk", "on_track", "met")
_STATUS_RANK: dict[str, int] = {s: i for i, s in enumerate(_URGENCY)}


# ---- public API ----------------------------------------------------------------------------------


def annotated_name(rel: str, all_rels: Iterable[str] = ()) -> str:
    """The relative output name of input ``rel``: sub-folders kept, .xls/.ods/.csv become .xlsx,
    every part legal on Windows and in NFC (see :func:`reconcile.find.names.annotated_names`).

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


def annotate_to(
    result: Result, file: FileResult, target: Path, lang: str = "vi", figures: FileFigures | None = None
) -> list[Finding]:
    """Write the annotated copy of ``file`` exactly to ``target`` and return findings about the copy.

    ``figures``: the run's :class:`FileFigures`, made once for all its copies (else made for this one).

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

    rows = (figures or FileFigures(result)).of(file.rel)
    file_notes = _annotate_workbook(wb, result, file, lang, rows)
    findings: list[Finding] = []
    if parts:
        findings.append(_parts_finding(file.rel, parts, lang))
    _add_legend(wb, result, file, lang, file_notes + findings, rows)
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


def _annotate_workbook(
    wb: Workbook, result: Result, file: FileResult, lang: str, rows: ItemRows
) -> list[Finding]:
    """Fill and comment the cells of items and findings (``rows``: the file's items with their
    summary rows); return the findings that have no cell."""
    notes: dict[tuple[str, str], _Note] = {}

    def note(sheet: str | None, cell: str | None) -> _Note | None:
        coord = _coordinate(cell)
        if not sheet or coord is None:
            return None
        return notes.setdefault((sheet, coord), _Note())

    target = float(result.settings.target)
    for item, row in rows:
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


# ---- legend --------------------------------------------------------------------------------------


def _add_legend(
    wb: Workbook, result: Result, file: FileResult, lang: str, loose: list[Finding], rows: ItemRows
) -> None:
    """Append the legend sheet: what the colours mean, period, target, and that this is a copy."""
    ws = wb.create_sheet(_safe_title(msg("ann.legend_sheet", lang), {n.casefold() for n in wb.sheetnames}))
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
