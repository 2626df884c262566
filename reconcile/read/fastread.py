"""Large one-table sheets read as whole columns by fastexcel, where that cannot read differently.

A province's consolidated file is one Layout B table of tens of thousands of rows. python-calamine
builds a Python object for every cell while it parses; fastexcel parses the same sheet in about 60% of
the time and hands back whole typed columns (the national bench run ~9.7 -> 9.15 s, bench/README.md). The calamine path stays the reference, and a sheet goes
this way only when both must give the same cells:

- the workbook has one sheet, a worksheet, without formula or error cells;
- its first rows, read by calamine from a copy of the workbook cut down to them, hold a Layout B
  header (the same header search as always);
- between the header and the last rows, every column holds one kind of value (numbers or text, as
  fastexcel's strict typing reports it), the amount columns numbers only;
- the first data rows, read both ways, agree cell for cell (this also fixes where fastexcel's columns
  start, which it does not report).

The last rows (totals, signatures, notes: text under amount columns is usual there) are read by
calamine like the first ones. Anything else, or any error on the way, leaves the sheet to the usual
path (:func:`reconcile.read.grid.load`).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

import numpy as np

from ..find.checked import Checked
from ..models import Coded
from .grid import Grid, Loaded, codes_of, contains, grid_of, sheet_parts, worksheets
from .header import find_tables

#: Sheets smaller than this (uncompressed XML) are read the usual way: the gain is in big sheets.
MIN_SHEET_BYTES = 2 << 20
#: Rows read by calamine at the top (the header search looks at 60) and at the bottom of the sheet.
HEAD_ROWS = 100
TAIL_ROWS = 50

_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_AMOUNT_ROLES = ("alloc", "disb", "in_month")
#: Stands for the rows held as columns in ColumnGrid.rows: empty, and an error to modify.
_PLACEHOLDER: list[Any] = ()  # type: ignore[assignment]


@dataclass(slots=True)
class ColumnGrid(Grid):
    """A grid whose rows ``body_first`` to ``body_first + len(body[0])`` are held as columns, each as
    codes into its distinct values.

    ``rows`` has the real first and last rows; in between it holds empty placeholders, so that
    row-wise code that should never look there finds nothing rather than wrong values.
    """

    body_first: int = 0
    body_left: int = 0  #: absolute column of body[0]
    body: list[Coded] = field(default_factory=list)

    @property
    def width(self) -> int:
        """The used range's width: every row read by calamine was padded to it (see _load)."""
        return self.body_left + len(self.body)

    def _body_end(self) -> int:
        return self.body_first + (len(self.body[0]) if self.body else 0)

    def value(self, r: int, c: int) -> Any:
        if self.body_first <= r < self._body_end():
            i = c - self.body_left
            return self.body[i].at(r - self.body_first) if 0 <= i < len(self.body) else ""
        return Grid.value(self, r, c)

    def row(self, r: int) -> list[Any]:
        if self.body_first <= r < self._body_end():
            k = r - self.body_first
            return [""] * self.body_left + [col.at(k) for col in self.body]
        return self.rows[r]

    def columns(self, first: int, end: int, wanted: list[int]) -> dict[int, Coded]:
        lo, hi = max(first, self.body_first), min(end, self._body_end())
        if lo >= hi:
            return Grid.columns(self, first, end, wanted)
        before = Grid.columns(self, first, lo, wanted)
        after = Grid.columns(self, hi, end, wanted)
        out: dict[int, Coded] = {}
        for c in wanted:
            i = c - self.body_left
            if 0 <= i < len(self.body):
                body = self.body[i]
                middle = Coded(body.codes[lo - self.body_first : hi - self.body_first], body.values)
            else:
                middle = Coded(np.zeros(hi - lo, dtype=np.int64), [""])
            parts = (before[c], middle, after[c])
            codes, values, at = [], [], 0
            for part in parts:
                codes.append(part.codes + at)
                values.extend(part.values)
                at += len(part.values)
            out[c] = Coded(np.concatenate(codes), values)
        return out


def load(checked: Checked) -> Loaded | None:
    """The file's one sheet as a :class:`ColumnGrid`, or None when it is to be read the usual way."""
    if checked.data is None or checked.zip is None:
        return None
    try:
        return _load(checked)
    except Exception:  # whatever goes wrong here, the usual path reads the file
        return None


def _load(checked: Checked) -> Loaded | None:
    zf = checked.zip
    assert zf is not None and checked.data is not None
    parts, _full_calc = sheet_parts(zf, checked)
    if len(parts) != 1:
        return None
    ((name, part),) = parts.items()
    if zf.getinfo(part).file_size < MIN_SHEET_BYTES:
        return None
    xml = checked.read(part)
    # Kept while this path may still give up: the usual path's formula check then finds it unzipped.
    checked.parts[part] = xml
    if contains(xml, b"<f", 1) or b't="e"' in xml:
        return None  # formulas and error cells get the usual path's care
    cut = _cut(xml)
    if cut is None:
        return None
    head_xml, tail_xml, tail_first = cut
    small = {i.filename: checked.read(i.filename) for i in zf.infolist() if _kept(i, part)}
    head = _peek(small, part, head_xml, absolute=True)
    tail = _peek(small, part, tail_xml, absolute=False)
    if head is None or tail is None or not tail.grid.rows or tail.top < tail_first:
        return None
    tables = find_tables(head.grid)
    if len(tables) != 1 or tables[0].layout != "B" or tables[0].one("project") is None:
        return None
    first = tables[0].first_data
    if not head.top < first < len(head.grid.rows) < tail_first:
        return None
    body = _typed_body(checked.data, first, tail_first - first)
    if body is None:
        return None
    columns, texts = body
    left = _left_column(head, tail, columns, first)
    if left is None:
        return None
    for col in tables[0].columns:
        i = col.index - left
        if col.role in _AMOUNT_ROLES and i in texts:
            return None  # amounts written as text: the usual path reads them cell by cell
    width = left + len(columns)
    rows = [_padded(r, width) for r in head.grid.rows]
    rows += [_PLACEHOLDER] * (tail_first - len(rows))
    rows += [[""] * width for _ in range(tail_first, tail.top)]
    rows += [_padded(r, width) for r in tail.grid.rows]
    grid = ColumnGrid(name, rows, head.grid.merged, body_first=first, body_left=left, body=columns)
    del checked.parts[part]  # taken: nothing reads the sheet's XML again
    return Loaded([grid], [])


def _cut(xml: bytes) -> tuple[bytes, bytes, int] | None:
    """The sheet's XML with only its first HEAD_ROWS rows, with only its last TAIL_ROWS rows, and the
    0-based number of the first of those last rows; None when the sheet is not that long."""
    start = xml.find(b"<sheetData")
    opened = xml.find(b">", start) + 1
    close = xml.rfind(b"</sheetData>")
    if start < 0 or opened <= 0 or close < opened:
        return None
    head_end = opened
    for _ in range(HEAD_ROWS):
        i = xml.find(b"</row>", head_end, close)
        if i < 0:
            return None
        head_end = i + len(b"</row>")
    tail_start = close
    for _ in range(TAIL_ROWS):
        i = xml.rfind(b"<row", head_end, tail_start)
        if i < 0:
            return None
        tail_start = i
    number = _ROW_NUMBER.match(xml, tail_start)
    if number is None:
        return None
    prefix = _DIMENSION.sub(b"", xml[:opened], count=1)
    rest = xml[close:]
    return (
        prefix + xml[opened:head_end] + rest,
        prefix + xml[tail_start:close] + rest,
        int(number.group(1)) - 1,
    )


def _kept(info: zipfile.ZipInfo, part: str) -> bool:
    """Members calamine reads besides the sheet: the package's XML parts."""
    return info.filename != part and not info.is_dir() and info.filename.endswith((".xml", ".rels"))


@dataclass(slots=True)
class _Peek:
    grid: Grid  #: rows from the top of the sheet, or from ``top`` for a peek that is not absolute
    top: int  #: first row of calamine's used range
    left: int  #: first column of calamine's used range


def _peek(small: dict[str, bytes], part: str, sheet_xml: bytes, absolute: bool) -> _Peek | None:
    """A copy of the workbook with ``sheet_xml`` as its sheet, read by calamine as the usual path reads
    (its rows from the top of the sheet when ``absolute``, else from the first row it holds)."""
    from python_calamine import CalamineWorkbook

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for member, data in small.items():
            out.writestr(member, data)
        out.writestr(part, sheet_xml)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue()))
    try:
        visible, hidden = worksheets(wb)
        if hidden or len(visible) != 1:
            return None
        sheet = wb.get_sheet_by_name(visible[0])
        top, left = sheet.start or (0, 0)
        grid = grid_of(sheet, visible[0], absolute=absolute)
        return _Peek(grid, top, left)
    finally:
        wb.close()


def _typed_body(data: bytes, skip: int, count: int) -> tuple[list[Coded], set[int]] | None:
    """Rows ``skip`` to ``skip + count`` of the sheet (fastexcel counts them from the sheet's first
    row, its columns from the used range's first column), each column as codes into its distinct
    values, holding what calamine gives ('' where empty), and which columns hold text; None when a
    column mixes kinds (strict typing refuses it) or holds other than numbers and text."""
    import fastexcel
    import nanoarrow

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" for empty columns
    sheet = fastexcel.read_excel(data).load_sheet(
        0, header_row=None, skip_rows=skip, n_rows=count, dtype_coercion="strict", schema_sample_rows=None
    )
    table = nanoarrow.c_array(sheet)
    if table.length != count:
        return None
    columns: list[Coded] = []
    texts: set[int] = set()
    for i in range(table.n_children):
        column = table.child(i)
        kind = column.schema.format
        if column.null_count == count:
            columns.append(Coded(np.zeros(count, dtype=np.int64), [""]))
            continue
        if kind not in ("g", "u"):
            return None  # dates, booleans, durations: the usual path reads them
        coded = _coded_column(column, kind)
        if coded is None:
            return None
        columns.append(coded)
        if kind == "u":
            texts.add(i)
    return columns, texts


def _coded_column(column: Any, kind: str) -> Coded | None:
    """An Arrow column of numbers (float64, "g") or text (utf8, "u") as codes into its distinct
    values ('' where null), as :func:`reconcile.read.grid.coded` codes calamine's cells; None for what
    the two could tell apart differently (NaN, a negative zero)."""
    view = column.view()
    n, off = view.length, view.offset
    valid = None
    if column.null_count:
        bits = np.unpackbits(np.frombuffer(view.buffer(0), dtype=np.uint8), bitorder="little")
        valid = bits[off : off + n].astype(bool)
    if kind == "g":
        numbers = np.frombuffer(view.buffer(1), dtype=np.float64)[off : off + n]
        if valid is not None:
            numbers = numbers[valid]
        if np.isnan(numbers).any() or np.signbit(numbers[numbers == 0]).any():
            return None
        distinct, codes = np.unique(numbers, return_inverse=True)
        values: list[Any] = distinct.tolist()
    else:
        ends = np.frombuffer(view.buffer(1), dtype=np.int32)[off : off + n + 1].tolist()
        raw = bytes(view.buffer(2))
        pieces = [raw[a:b] for a, b in zip(ends[:-1], ends[1:], strict=True)]
        if valid is not None:
            pieces = list(compress(pieces, valid.tolist()))
        codes, texts = codes_of(pieces)
        values = [p.decode("utf-8") for p in texts]
    if valid is None:
        return Coded(codes.astype(np.int64, copy=False), values)
    full = np.full(n, len(values), dtype=np.int64)  # null: the trailing ""
    full[valid] = codes
    return Coded(full, [*values, ""])


def _left_column(head: _Peek, tail: _Peek, columns: list[Coded], first: int) -> int | None:
    """The absolute column of fastexcel's first column: the one offset at which the first data rows
    read by calamine match the typed columns cell for cell (None when none or several do)."""
    rows = head.grid.rows[first:]
    found: list[int] = []
    for left in range(min(head.left, tail.left) + 1):
        width = left + len(columns)
        if max(len(r) for r in head.grid.rows) > width or max(len(r) for r in tail.grid.rows) > width:
            continue
        if all(_same_row(row, [col.at(k) for col in columns], left) for k, row in enumerate(rows)):
            found.append(left)
    return found[0] if len(found) == 1 else None


def _same_row(row: list[Any], typed: list[Any], left: int) -> bool:
    """Whether a row read by calamine holds the typed row's cells, of the same types, ``left`` columns on."""
    full = [""] * left + typed
    row = _padded(row, len(full))
    return all(type(a) is type(b) and a == b for a, b in zip(row, full, strict=True))


def _padded(row: list[Any], width: int) -> list[Any]:
    return row + [""] * (width - len(row)) if row and len(row) < width else row
