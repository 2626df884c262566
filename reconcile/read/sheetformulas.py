"""Formula texts of a worksheet read from its XML, which the reader already holds (SPEC 3).

A workbook written by a program carries no trustworthy cached values, so the reader evaluates its
formulas (:mod:`reconcile.formulas`). Their texts used to come from a second load of the whole
workbook in openpyxl, which cost several times the read itself. They are all in the sheet's XML:

- a plain formula: ``<c r="C9"><f>D9+E9</f><v>0</v></c>``;
- a shared formula: its first cell holds the text and the range it covers,
  ``<f t="shared" ref="C2:C40" si="0">A2*B2</f>``; every other cell of the group holds only
  ``<f t="shared" si="0"/>`` and means the first cell's text with its relative references moved by
  the distance between the two cells (``$`` parts stay put), as the spreadsheet would copy it;
- an array formula ``<f t="array" ref="D2:D9">...</f>`` (and a data table, ``t="dataTable"``) gives
  all the cells of its range values this evaluator cannot compute: each of them gets the text in
  braces, which :func:`reconcile.formulas.evaluate` refuses, so that a cell without a trustworthy
  value is reported as ``formula_without_value`` and never read as a placeholder zero.

References to other sheets stay in the text; the evaluator refuses them the same way. Only the
formula cells are looked at: a search for ``<f`` jumps from one to the next. Whatever this module
does not recognise for certain (cells without an ``r`` attribute, prefixed element names, a shared
follower without its first cell) makes :func:`formulas_of` return None, and the caller goes the
slow way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Excel's grid: references outside it are #REF!.
MAX_ROW = 1_048_576
MAX_COL = 16_384
#: An array formula's range larger than this marks only its first cell (no real sheet has one).
MAX_ARRAY_CELLS = 100_000

_F_ELEMENT = re.compile(rb"<f(?=[\s/>])([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_ATTR = re.compile(rb'([A-Za-z:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_CELL_REF = re.compile(rb"([A-Z]{1,3})(\d+)")
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


@dataclass(slots=True)
class SheetFormulas:
    """The formula cells of a sheet: (row, col) 0-based -> text with its leading "=", and whether
    some formula cell has no cached value at all (then none of the sheet's values are trusted)."""

    cells: dict[tuple[int, int], str]
    without_value: bool


def formulas_of(xml: bytes) -> SheetFormulas | None:
    """Every formula cell of the worksheet part ``xml``; None when the XML is not what this reads
    for certain (the caller then loads the formulas another way)."""
    start = xml.find(b"<sheetData")
    end = xml.rfind(b"</sheetData>")
    if start < 0 or end < start:
        return None
    if xml.find(b"<c>", start, end) >= 0:
        return None  # a cell without attributes has no reference
    found = _Found()
    # The usual shape, in one pass: "<c r=..." then its <f> then its <v>. Unless that found every
    # <f> element of the sheet, each <f> is placed by looking back for its cell.
    cells = found.cells
    for m in _FORMULA_CELL.finditer(xml, start, end):
        letters, digits, attrs, body, value = m.groups()
        if not attrs and value:  # a plain formula with its value: the usual case, made short
            found.kinds.append(b"normal")
            text = body.decode("utf-8", "replace") if body else ""
            cells[(int(digits) - 1, _column(letters))] = "=" + (unescape(text) if "&" in text else text)
            continue
        has_value = bool(value) or xml.find(b"<v", m.end(), xml.find(b"</c>", m.end())) >= 0
        if not found.add(int(digits) - 1, _column(letters), attrs, body, has_value):
            return None
    if len(found.kinds) != _count_f(xml, start, end):
        found = _Found()
        if not _scan(xml, start, end, found):
            return None
    return found.result()


def _count_f(xml: bytes, start: int, end: int) -> int:
    return xml.count(b"<f>", start, end) + xml.count(b"<f ", start, end) + xml.count(b"<f/", start, end)


class _Found:
    """The formula elements of a sheet as they are met, then expanded (shared and array ones)."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], str] = {}
        self.kinds: list[bytes] = []
        self.masters: dict[bytes, tuple[int, int, str]] = {}
        self.followers: list[tuple[int, int, bytes]] = []
        self.arrays: list[tuple[int, int, str, bytes]] = []
        self.without_value = False

    def add(self, row: int, col: int, raw_attrs: bytes, body: bytes | None, has_value: bool) -> bool:
        """One <f> element of the cell (row, col); False for one this does not read."""
        if not has_value:
            self.without_value = True
        attrs = _attributes(raw_attrs) if raw_attrs.strip() else {}
        kind = attrs.get(b"t", b"normal")
        self.kinds.append(kind)
        text = unescape(body.decode("utf-8", "replace")) if body else ""
        if kind == b"normal":
            self.cells[(row, col)] = "=" + text
        elif kind == b"shared":
            si = attrs.get(b"si")
            if si is None:
                return False
            if text:
                self.masters[si] = (row, col, text)
                self.cells[(row, col)] = "=" + text
            else:
                self.followers.append((row, col, si))
        elif kind in (b"array", b"dataTable"):
            self.arrays.append((row, col, text, attrs.get(b"ref", b"")))
        else:
            return False
        return True

    def result(self) -> SheetFormulas | None:
        for row, col, si in self.followers:
            master = self.masters.get(si)
            if master is None:
                return None
            r0, c0, text = master
            self.cells[(row, col)] = "=" + shift(text, row - r0, col - c0)
        for row, col, text, ref in self.arrays:
            marked = "{=" + text + "}"
            for key in _array_cells(row, col, ref):
                self.cells[key] = marked
        return SheetFormulas(self.cells, self.without_value)


_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*(?<!/)>\s*<f(?=[\s/>])([^>]*?)(?:/>|>([^<]*)</f>)\s*(<v)?'
)


def _scan(xml: bytes, start: int, end: int, found: _Found) -> bool:
    """Every <f> element between ``start`` and ``end``, each placed by looking back for its cell."""
    pos = start
    while True:
        pos = xml.find(b"<f", pos, end)
        if pos < 0:
            return True
        m = _F_ELEMENT.match(xml, pos)
        if m is None:
            pos += 2
            continue
        place = _cell_of(xml, start, pos)
        if place is None:
            return False
        (row, col), cell_end = place
        has_value = xml.find(b"<v", m.end(), cell_end) >= 0
        if not found.add(row, col, m.group(1), m.group(2), has_value):
            return False
        pos = m.end()


def _cell_of(xml: bytes, floor: int, pos: int) -> tuple[tuple[int, int], int] | None:
    """The 0-based (row, col) of the cell whose content starts before ``pos``, and where it ends."""
    open_at = xml.rfind(b"<c ", floor, pos)
    if open_at < 0:
        return None
    tag_end = xml.find(b">", open_at, pos)
    # The cell must still be open at pos: its tag ended before pos and did not close itself.
    if tag_end < 0 or xml[tag_end - 1 : tag_end] == b"/" or xml.find(b"</c>", tag_end, pos) >= 0:
        return None
    attrs = _attributes(xml[open_at + 3 : tag_end])
    ref = attrs.get(b"r")
    if ref is None:
        return None
    m = _CELL_REF.fullmatch(ref)
    if m is None:
        return None
    close = xml.find(b"</c>", pos)
    if close < 0:
        return None
    return (int(m.group(2)) - 1, _col_index(m.group(1).decode())), close


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(raw)}


def _array_cells(row: int, col: int, ref: bytes) -> list[tuple[int, int]]:
    """The cells of an array formula's range (its first cell alone when the range is unreadable or huge)."""
    m = _RANGE.fullmatch(ref.decode("ascii", "replace"))
    if m is None:
        return [(row, col)]
    r1, c1 = int(m.group(2)) - 1, _col_index(m.group(1))
    r2, c2 = (int(m.group(4)) - 1, _col_index(m.group(3))) if m.group(3) else (r1, c1)
    if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_ARRAY_CELLS or r2 < r1 or c2 < c1:
        return [(row, col)]
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def unescape(text: str) -> str:
    """XML character references and the five predefined entities (a sheet part has no others:
    the safety checks refuse DOCTYPEs)."""
    if "&" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _ENTITY.sub(one, text)


@lru_cache(maxsize=4096)
def _column(letters: bytes) -> int:
    return _col_index(letters.decode())


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _col_letters(index: int) -> str:
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# A token of a formula that a move can change: a string or a quoted sheet name (kept as they are),
# a cell reference, a whole-column or a whole-row range. A reference is not part of a longer name
# (before it no letter, digit, "_", "." or "\"; after it none of those, nor "(" of a function such as
# LOG10 nor "!" of a sheet named like a cell).
_MOVABLE = re.compile(
    r"""(?P<str>"(?:[^"]|"")*")
      | (?P<sheet>'(?:[^']|'')*')
      | (?<![\w.\\$])(?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})(?![\w.(!])
      | (?<![\w.\\$:])(?P<rows>\$?\d+:\$?\d+)(?![\w.(!:])
      | (?<![\w.\\$])(?P<cell>(\$?)([A-Za-z]{1,3})(\$?)(\d+))(?![\w.(!])
    """,
    re.VERBOSE,
)


def shift(text: str, rows: int, cols: int) -> str:
    """``text`` copied ``rows`` down and ``cols`` right: relative references move, ``$`` parts stay;
    a reference moved off the grid becomes ``#REF!`` (which the evaluator refuses)."""
    if rows == 0 and cols == 0:
        return text

    def move(m: re.Match[str]) -> str:
        if m.group("str") or m.group("sheet"):
            return m.group(0)
        if m.group("cols"):
            return ":".join(_move_col(part, cols) for part in m.group("cols").split(":"))
        if m.group("rows"):
            return ":".join(_move_row(part, rows) for part in m.group("rows").split(":"))
        dollar_c, letters, dollar_r, digits = m.group(6, 7, 8, 9)
        col = _col_index(letters)
        row = int(digits) - 1
        if col >= MAX_COL:
            return m.group(0)  # not a cell (a name such as "XYZ1" beyond the last column)
        col = col if dollar_c else col + cols
        row = row if dollar_r else row + rows
        if not (0 <= row < MAX_ROW and 0 <= col < MAX_COL):
            return "#REF!"
        return f"{dollar_c}{_col_letters(col)}{dollar_r}{row + 1}"

    return _MOVABLE.sub(move, text)


def _move_col(part: str, cols: int) -> str:
    if part.startswith("$"):
        return part
    col = _col_index(part) + cols
    return _col_letters(col) if 0 <= col < MAX_COL else "#REF!"


def _move_row(part: str, rows: int) -> str:
    if part.startswith("$"):
        return part
    row = int(part) - 1 + rows
    return str(row + 1) if 0 <= row < MAX_ROW else "#REF!"


__all__ = ["SheetFormulas", "formulas_of", "shift", "unescape"]
