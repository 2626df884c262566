"""Load a file's sheets as cell grids (python-calamine), with formula values made trustworthy.

Grids use absolute 0-based coordinates (row 0 is sheet row 1) so that cell references are exact even
when a sheet's used range starts lower down. Cached formula values are trusted in files saved by a
spreadsheet program; where a program wrote the file (no cached values, or ``fullCalcOnLoad`` with
possible placeholder zeros) simple formulas are evaluated and the rest are marked missing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import numpy as np

from ..find.checked import Checked, parse_xml
from ..models import Coded
from .formulas import Unsupported, evaluate
from .sheetformulas import SheetFormulas, formulas_of

CSV_ENCODINGS = ("utf-8-sig", "cp1258", "cp1252")


@dataclass(slots=True)
class Grid:
    """One sheet's cell values in absolute 0-based coordinates."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive
    #: Formula cells without a trustworthy value: (row, col) -> formula text.
    missing: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, r: int, c: int) -> Any:
        """The value at (r, c), '' outside the grid."""
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                return row[c]
        return ""

    @property
    def width(self) -> int:
        """The widest row's length."""
        return max((len(r) for r in self.rows), default=0)

    def row(self, r: int) -> list[Any]:
        """Row ``r``'s cells."""
        return self.rows[r]

    def columns(self, first: int, end: int, wanted: list[int]) -> dict[int, Coded]:
        """The ``wanted`` columns of rows ``first`` to ``end`` ('' where a row is short), each as the
        distinct values of its cells and, per row, the number of its value (see :func:`coded`)."""
        rows = self.rows[first:end]
        out: dict[int, Coded] = {}
        width = max(wanted, default=-1) + 1
        rectangular = bool(rows) and min(map(len, rows)) >= width
        for i in wanted:
            out[i] = coded(
                [row[i] for row in rows] if rectangular else [row[i] if i < len(row) else "" for row in rows]
            )
        return out


def coded(values: list[Any]) -> Coded:
    """``values`` as codes into their distinct values, the first of equal values standing for them
    all, as a dict keyed by them would (1 and 1.0 are one value), except that a boolean never shares
    a code with a number (True == 1 as a dict key, but a boolean cell reads differently)."""
    if bool in set(map(type, values)):
        codes, keys = codes_of([(bool, v) if type(v) is bool else v for v in values])
        return Coded(codes, [k[1] if type(k) is tuple else k for k in keys])
    codes, distinct = codes_of(values)
    return Coded(codes, distinct)


def codes_of(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Per value, the number of its first occurrence among the distinct values; and those values."""
    index: dict[Any, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    return np.array(codes, dtype=np.int64), list(index)


@dataclass(slots=True)
class Loaded:
    """Grids of the visible sheets, and the names of the hidden ones."""

    grids: list[Grid]
    hidden: list[str]


def load(path: Path, checked: Checked | None = None) -> Loaded:
    """Read every sheet of ``path`` cell by cell (python-calamine); raises the reader's own exceptions
    for unreadable files. :func:`reconcile.read.reader.read_file` tries :mod:`reconcile.read.fastread` first.

    ``checked`` is what :func:`reconcile.find.safety.check` kept of the file: when it holds the file's
    bytes, those are parsed (the file is not read again) and its open zip serves the formula check.
    """
    if path.suffix.lower() == ".csv":
        return Loaded([_load_csv(path)], [])
    from python_calamine import CalamineWorkbook

    if checked is not None and checked.data is not None:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
    else:
        with open(path, "rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
    try:
        visible, hidden = worksheets(wb)
        grids = [grid_of(wb.get_sheet_by_name(name), name) for name in visible]
    finally:
        wb.close()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _resolve_formulas(path, grids, checked)
    return Loaded(grids, hidden)


def worksheets(wb: Any) -> tuple[list[str], list[str]]:
    """Names of a calamine workbook's visible worksheets and of its hidden ones (chart sheets aside)."""
    visible: list[str] = []
    hidden: list[str] = []
    for meta in wb.sheets_metadata:
        if "WorkSheet" not in str(meta.typ):
            continue
        if "Visible" not in str(meta.visible) or str(meta.visible).endswith("Hidden"):
            hidden.append(meta.name)
        else:
            visible.append(meta.name)
    return visible, hidden


def grid_of(sheet: Any, name: str, absolute: bool = True) -> Grid:
    """A calamine sheet as a grid in absolute coordinates (rows above the used range are empty);
    without ``absolute``, its rows start at the used range's first row (columns are absolute)."""
    data = sheet.to_python()
    r0, c0 = sheet.start or (0, 0)
    if c0:
        pad = [""] * c0
        data = [pad + row for row in data]
    rows: list[list[Any]] = [[] for _ in range(r0)] + data if absolute else data
    merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
    return Grid(name, rows, merged)


def _load_csv(path: Path) -> Grid:
    from .csvread import read_rows  # its rules: separator, encoding, trailing empties

    return Grid(path.stem, read_rows(path))


# ---- formulas --------------------------------------------------------------------------------

_CELL = re.compile(rb'<c r="([A-Z]{1,3}\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


_WORKBOOK = "xl/workbook.xml"


def sheet_parts(zf: zipfile.ZipFile, checked: Checked | None) -> tuple[dict[str, str], bool]:
    """Sheet name -> XML part path, and whether the workbook asks for a full recalculation on load."""
    read = checked.read if checked is not None else zf.read
    wb_xml = read(_WORKBOOK)
    full_calc = b'fullCalcOnLoad="1"' in wb_xml or b"fullCalcOnLoad='1'" in wb_xml
    parse_xml(wb_xml, forbid_dtd=False)  # a damaged workbook part fails here, before its relationships
    rels_xml = read("xl/_rels/workbook.xml.rels")
    return _parts_of(wb_xml, rels_xml), full_calc


@lru_cache(maxsize=256)
def _parts_of(wb_xml: bytes, rels_xml: bytes) -> dict[str, str]:
    """Sheet name -> XML part path, from the workbook part and its relationships (the same two
    parts recur in every file a program writes: each distinct pair is read once). Do not modify."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    root = parse_xml(wb_xml, forbid_dtd=False)
    rels_root = parse_xml(rels_xml, forbid_dtd=False)
    targets = {rel.get("Id"): rel.get("Target") for rel in rels_root}
    parts: dict[str, str] = {}
    for sheet in root.iterfind("m:sheets/m:sheet", ns):
        rid = sheet.get(f"{{{ns['r']}}}id")
        target = targets.get(rid)
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name") or ""] = part
    return parts


def _resolve_formulas(path: Path, grids: list[Grid], checked: Checked | None = None) -> None:
    """Replace untrusted cached values of formula cells by evaluated ones, or mark them missing; put
    back the error values (#REF!, #DIV/0!, #N/A) that calamine reads as empty cells."""
    try:
        if checked is not None and checked.zip is not None:
            suspect, full_calc = _suspects(checked.zip, grids, checked)
        else:
            with zipfile.ZipFile(path) as zf:
                suspect, full_calc = _suspects(zf, grids, None)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return
    if not suspect:
        return
    # Formula texts come from the sheet XML in hand; only a sheet it cannot read for certain is
    # loaded again, through openpyxl.
    unread = {grid.name for grid, found in suspect if found is None}
    slow = _read_formulas(path, unread, checked) if unread else {}
    for grid, found in suspect:
        formulas = found.cells if found is not None else slow.get(grid.name, {})
        _evaluate_grid(grid, formulas, full_calc)


def _suspects(
    zf: zipfile.ZipFile, grids: list[Grid], checked: Checked | None
) -> tuple[list[tuple[Grid, SheetFormulas | None]], bool]:
    """Grids whose formula values cannot be trusted (error cells restored on the way), each with
    its formulas as read from its XML (None where they must be read another way), and fullCalcOnLoad."""
    parts, full_calc = sheet_parts(zf, checked)
    read = checked.read if checked is not None else zf.read
    suspect: list[tuple[Grid, SheetFormulas | None]] = []
    for grid in grids:
        part = parts.get(grid.name)
        if not part:
            continue
        xml = read(part)
        if b't="e"' in xml:  # "e" is not rare enough: rows name their "customHeight"
            _restore_errors(grid, xml)
        if not contains(xml, b"<f", 1):
            continue
        found = formulas_of(xml)
        if found is not None:
            if full_calc or found.without_value:
                suspect.append((grid, found))
        elif full_calc or _has_formula_without_value(xml):
            suspect.append((grid, None))
    return suspect, full_calc


def contains(data: bytes, needle: bytes, key: int) -> bool:
    """``needle in data``, sought through the needle's byte at ``key`` while that byte is rare.

    A sheet's XML is mostly "<", digits and quotes: searching it for "<f" costs ~1 ns a byte
    (megabytes in a large sheet), while "f" hardly occurs in it and memchr finds it at memory
    speed. After 64 false hits the plain search takes over from there.
    """
    byte = needle[key : key + 1]
    pos = data.find(byte, key)
    for _ in range(64):
        if pos < 0:
            return False
        if data.startswith(needle, pos - key):
            return True
        pos = data.find(byte, pos + 1)
    # Every occurrence starting before pos - key has been ruled out.
    return pos >= 0 and data.find(needle, pos - key) >= 0


_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*?(?<!/)>(.*?)</c>', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _restore_errors(grid: Grid, xml: bytes) -> None:
    """Error cells as their error text, so that an amount reading "#REF!" is not_a_number, not empty."""
    for m in _ERROR_CELL.finditer(xml):
        v = _VALUE.search(m.group(3))
        if not v:
            continue
        col = 0
        for ch in m.group(1):
            col = col * 26 + ch - 64
        key = (int(m.group(2)) - 1, col - 1)
        if grid.value(*key) in ("", None):
            _set(grid, key, v.group(1).decode("utf-8", "replace") or "#ERROR")


def _has_formula_without_value(xml: bytes) -> bool:
    for m in _CELL.finditer(xml):
        body = m.group(2) or b""
        if b"<f" in body and b"<v>" not in body and b"<v " not in body:
            return True
    return False


def _read_formulas(
    path: Path, names: set[str], checked: Checked | None = None
) -> dict[str, dict[tuple[int, int], str]]:
    """Formula text of every formula cell of the named sheets (shared formulas expanded by openpyxl)."""
    import openpyxl

    out: dict[str, dict[tuple[int, int], str]] = {}
    with _source(path, checked) as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=False, keep_links=False)
        try:
            for name in names:
                if name not in wb.sheetnames:
                    continue
                cells: dict[tuple[int, int], str] = {}
                for row in wb[name].iter_rows():
                    for cell in row:
                        v = getattr(cell, "value", None)
                        if isinstance(v, str) and v.startswith("=") and getattr(cell, "data_type", "") == "f":
                            cells[(cell.row - 1, cell.column - 1)] = v  # type: ignore[union-attr,operator]
                out[name] = cells
        finally:
            wb.close()
    return out


def _source(path: Path, checked: Checked | None) -> BinaryIO:
    """The file's checked bytes when preflight kept them, else the file itself."""
    if checked is not None and checked.data is not None:
        return io.BytesIO(checked.data)
    return open(path, "rb")


def _evaluate_grid(grid: Grid, formulas: dict[tuple[int, int], str], full_calc: bool) -> None:
    done: dict[tuple[int, int], Any] = {}
    busy: set[tuple[int, int]] = set()
    # Plain grids are read directly (a subclass may hold some rows elsewhere: it is asked).
    rows = grid.rows if type(grid) is Grid else []
    value_of = grid.value

    def cell(r: int, c: int) -> Any:
        key = (r, c)
        value = done.get(key, _FAILED)
        if value is not _FAILED:
            return value
        text = formulas.get(key)
        if text is None:
            if 0 <= r < len(rows):
                row = rows[r]
                if 0 <= c < len(row):
                    return row[c]
                return ""
            return value_of(r, c)
        if key in done:
            raise Unsupported("depends on an unevaluable cell")
        if key in busy:
            raise Unsupported("circular reference")
        busy.add(key)
        try:
            value = evaluate(text, cell)
        except Unsupported:
            done[key] = _FAILED
            raise
        finally:
            busy.discard(key)
        done[key] = value
        return value

    for key, text in formulas.items():
        cached = grid.value(*key)
        try:
            value = cell(*key)
        except (Unsupported, RecursionError):
            # A cached value is real unless the file may hold placeholders (xlsxwriter writes 0).
            if cached not in ("", None) and not (full_calc and cached == 0):
                continue
            grid.missing[key] = text
            _set(grid, key, None)
            continue
        _set(grid, key, value)


class _Failed:
    pass


_FAILED = _Failed()


def _set(grid: Grid, key: tuple[int, int], value: Any) -> None:
    r, c = key
    while len(grid.rows) <= r:
        grid.rows.append([])
    row = grid.rows[r]
    if len(row) <= c:
        row.extend([""] * (c + 1 - len(row)))
    row[c] = value


__all__ = ["Grid", "Loaded", "load"]
