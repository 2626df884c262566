"""Write a block of table rows into an xlsxwriter ``constant_memory`` worksheet at once.

xlsxwriter spends about 4 µs on each cell (argument checks, a tuple in its row table, then an XML
element built attribute by attribute), so a 50,000-row sheet costs seconds. A :class:`RowBlock` takes
the same cells column by column, builds the XML of each distinct value once and writes whole rows
into the worksheet's row file with one call, producing exactly the bytes xlsxwriter would have
written cell by cell (``tests/test_writer_bulk.py`` holds it to that).

String cells may instead refer to the workbook's shared-string table (``shared=True``), as Excel
saves them and xlsxwriter writes them outside constant_memory mode: the same cells, read back, with
each repeated text stored once (tests compare them read back, not byte for byte).

Only what the workbook needs is supported: strings, numbers, formatted blanks and formulas with a
numeric cached value, every cell with a format. The block leaves the worksheet as if its cells had
been written one by one: its last row is handed to xlsxwriter's own ``write_*`` methods, so the row
is still pending and later writes below it carry on as usual. When the worksheet does not look like
the xlsxwriter this was written against, every cell goes through those methods instead.

This module is the block and the XML of its cells (``string_body``, ``number_body``,
``formula_body``: xlsxwriter's cell XML rebuilt); what it needs of xlsxwriter's private internals (the
row file, the pending row, ``set_row`` records, the shared-string table, format indexes) is in
:mod:`reconcile.writers.xlsx_internals`, and nowhere else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .xlsx_internals import SheetInternals, row_info_key


@dataclass(frozen=True, slots=True)
class Formats:
    """A format per row given as the distinct ``formats`` and, per row, the index of its own."""

    formats: Sequence[Format]
    codes: np.ndarray


#: A format for every cell of a column, or one per row of the block (as a list or as Formats).
FormatArg: TypeAlias = Format | Formats | Sequence[Format]

#: Rows turned into XML at a time: bounds the memory of a 50,000-row sheet.
_CHUNK = 4096

_MAX_ROWS = 1_048_576
_MAX_COLS = 16_384

# xlsxwriter escapes a literal "_xHHHH_" by its underscore, then control characters as _xHHHH_,
# then the two non-characters, and in the XML text only & < > (not quotes or newlines).
_ESCAPE_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f_&<>\ufffe\uffff]")
_EDGE_SPACE = re.compile(r"^\s|\s$")  # xlsxwriter's test for xml:space="preserve"
_STRMAX = 32767  # Excel's string limit in UTF-16 units; xlsxwriter truncates longer strings

# Functions whose names xlsxwriter's formula preparation leaves alone (it rewrites only newer
# functions to their _xlfn. names); a formula calling anything else goes through xlsxwriter.
_PLAIN_FUNCTIONS = frozenset({"SUM", "MAX", "MIN", "IF", "AND", "OR", "ABS", "ROUND"})
_FUNCTION_CALL = re.compile(r"([A-Za-z0-9_.\\]+)\(")


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _truncate(s: str) -> str:
    """``s`` cut to Excel's string limit as xlsxwriter cuts it (never inside a surrogate pair)."""
    if len(s) <= _STRMAX // 2 or _utf16_len(s) <= _STRMAX:
        return s
    used = 0
    for i, ch in enumerate(s):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > _STRMAX:
            return s[:i]
    return s


def string_body(s: str) -> str:
    """The XML of a string cell after its ``s`` attribute: ``' t="inlineStr"><is><t>…</t></is></c>'``."""
    s = _truncate(s)
    if _NEEDS_ESCAPE.search(s) is not None:
        s = _ESCAPE_ESCAPE.sub(r"_x005F\1", s)
        s = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
        s = s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        if s.startswith("<r>") and s.endswith("</r>"):  # xlsxwriter takes this as rich text, unescaped
            return f' t="inlineStr"><is>{s}</is></c>'
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(s) else ""
    return f' t="inlineStr"><is><t{space}>{s}</t></is></c>'


def number_body(x: float) -> str:
    """The XML of a number cell after its ``s`` attribute."""
    return f"><v>{x:.16G}</v></c>"


def _escape_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def formula_body(formula: str, value: float) -> str | None:
    """The XML of a formula cell after its ``s`` attribute, or None when xlsxwriter would rewrite the
    formula (newer functions, array formulas): such a cell must go through xlsxwriter."""
    if formula.startswith("="):
        formula = formula[1:]
    if not formula or "{" in formula or "}" in formula:
        return None
    if not _plain(formula.translate(_DIGITS)):
        return None
    return f"><f>{_escape_text(formula)}</f><v>{value}</v></c>"


# Which functions a formula calls does not depend on its digits (no plain function's name has
# one), so formulas that differ only in their row numbers are checked once.
_DIGITS = str.maketrans("123456789", "000000000")


@functools.lru_cache(maxsize=4096)
def _plain(shape: str) -> bool:
    return _PLAIN_FUNCTIONS.issuperset(_FUNCTION_CALL.findall(shape))


# ---- the block -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Part:
    """One call: cells of kind ``kind`` in column ``col`` on the rows where ``present`` is set."""

    col: int
    kind: str  # string | number | blank | formula
    present: np.ndarray  # bool per row of the block
    fmts: list[Format]  # the distinct formats...
    fmt_codes: np.ndarray  # ...and which one each row takes
    codes: np.ndarray  # per row, which of ``bodies`` is its cell's XML (-1: no cell)
    bodies: np.ndarray  # object array of XML after the cell's s attribute
    raw: Callable[[int], Any]  # row -> what the public write_* method takes (the last row, the fallback)
    raw_value: Callable[[int], Any] = lambda i: 0  # row -> a formula's cached value
    tails: np.ndarray | None = None  # bodies after the format attribute, when it has one format
    texts: Sequence[str] | None = None  # a string column's distinct texts, when they are shared

    def fmt(self, i: int) -> Format:
        return self.fmts[int(self.fmt_codes[i])]


def _present_objects(values: Sequence[Any]) -> np.ndarray:
    return np.fromiter((v is not None for v in values), dtype=bool, count=len(values))


class RowBlock:
    """Rows ``first_row`` … ``first_row + n - 1`` of a constant_memory worksheet, gathered column by
    column and written with :meth:`write` exactly as xlsxwriter would have written them cell by cell.

    Each call adds one kind of cell to one column; ``None`` (NaN for numbers, False for blanks) means
    no cell from that call, and two calls may not fill the same cell. Rows without any cell are not
    written, as in xlsxwriter's constant_memory mode; a row's ``set_row`` properties must be set
    before :meth:`write`.
    """

    def __init__(self, ws: Worksheet, first_row: int, n: int) -> None:
        if first_row < 0 or n < 0 or first_row + n > _MAX_ROWS:
            raise ValueError(f"rows {first_row}..{first_row + n - 1} are outside the worksheet")
        self._ws = ws
        self._sheet = SheetInternals(ws)
        self.first_row = first_row
        self.n = n
        self._parts: list[_Part] = []

    def _check(self, col: int, count: int, fmt: FormatArg) -> tuple[list[Format], np.ndarray]:
        """The distinct formats and each row's, after checking the call's shape."""
        if not 0 <= col < _MAX_COLS:
            raise ValueError(f"column {col} is outside the worksheet")
        if count != self.n:
            raise ValueError(f"{count} values for a block of {self.n} rows")
        if isinstance(fmt, Format):
            return [fmt], np.zeros(self.n, dtype=np.int64)
        if isinstance(fmt, Formats):
            given = np.asarray(fmt.codes, dtype=np.int64)
            if len(given) != self.n or (self.n and (given.min() < 0 or given.max() >= len(fmt.formats))):
                raise ValueError("a format is needed for every row of the block")
            if not all(isinstance(f, Format) for f in fmt.formats):
                raise ValueError("a format is needed for every row of the block")
            return list(fmt.formats), given
        fmts = list(fmt)
        if len(fmts) != self.n:
            raise ValueError("a format is needed for every row of the block")
        ids = np.fromiter(map(id, fmts), dtype=np.int64, count=len(fmts))
        codes, _uniques = pd.factorize(ids)
        _codes, firsts = np.unique(codes, return_index=True)
        distinct = [fmts[i] for i in firsts.tolist()]
        if not all(isinstance(f, Format) for f in distinct):
            raise ValueError("a format is needed for every row of the block")
        return distinct, codes.astype(np.int64)

    def strings(self, col: int, values: Sequence[str | None], fmt: FormatArg, shared: bool = False) -> None:
        """String cells (``write_string``); None leaves the cell to another call or empty.

        ``shared``: the cells refer to the workbook's shared-string table, as Excel and xlsxwriter
        outside constant_memory mode write them, instead of holding their text in line (see
        :meth:`coded_strings`)."""
        arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
        codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        missing = np.flatnonzero(codes < 0).tolist()
        if any(arr[i] is not None for i in missing):
            raise TypeError("string cells take str values (or None for no cell)")
        self.coded_strings(col, codes, list(uniques), fmt, shared)

    def coded_strings(
        self, col: int, codes: np.ndarray, texts: Sequence[str], fmt: FormatArg, shared: bool = False
    ) -> None:
        """String cells given as ``texts[codes[i]]`` per row (code -1: no cell from this call), for
        columns already reduced to their distinct values.

        ``shared``: each distinct text is written once, in ``sharedStrings.xml``, and a cell holds its
        number. For a column that repeats a few texts (a unit, a source, a file on every item row)
        that makes the sheet's XML several times smaller, and with it the time to write and compress
        it and, in Excel, to open it. A column of mostly distinct texts gains nothing."""
        f = self._check(col, len(codes), fmt)
        codes = np.asarray(codes, dtype=np.int64)
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("string cells take str values (or None for no cell)")
        if len(codes) and (codes.max(initial=-1) >= len(texts) or codes.min(initial=0) < -1):
            raise ValueError("a string code points outside the texts")
        bodies = np.array([string_body(t) for t in texts], dtype=object)
        table = list(texts)
        part = _Part(col, "string", codes >= 0, *f, codes, bodies, lambda i: table[codes[i]])
        part.texts = table if shared else None
        self._parts.append(part)

    def numbers(self, col: int, values: Sequence[float | None] | np.ndarray, fmt: FormatArg) -> None:
        """Number cells (``write_number``); None or NaN leaves the cell to another call or empty."""
        f = self._check(col, len(values), fmt)
        arr = np.asarray(values, dtype=np.float64)
        present = ~np.isnan(arr)
        if np.isinf(arr).any():
            raise ValueError("infinite numbers cannot be written")
        # Each distinct value (by its bits: -0.0 is not 0.0) formatted once.
        codes, uniques = pd.factorize(arr.view(np.int64), use_na_sentinel=False)
        codes[~present] = -1
        bodies = np.array([number_body(x) for x in uniques.view(np.float64).tolist()], dtype=object)
        self._parts.append(_Part(col, "number", present, *f, codes, bodies, values.__getitem__))

    def blanks(self, col: int, where: Sequence[bool] | np.ndarray, fmt: FormatArg) -> None:
        """Formatted empty cells (``write_blank``) on the rows where ``where`` is true."""
        f = self._check(col, len(where), fmt)
        present = np.asarray(where, dtype=bool)
        codes = np.where(present, 0, -1)
        blank = np.array(["/>"], dtype=object)
        self._parts.append(_Part(col, "blank", present, *f, codes, blank, lambda i: None))

    def formulas(
        self, col: int, formulas: Sequence[str | None], values: Sequence[float], fmt: FormatArg
    ) -> None:
        """Formula cells (``write_formula``) with their cached numeric ``values``."""
        f = self._check(col, len(formulas), fmt)
        if len(values) != self.n:
            raise ValueError(f"{len(values)} values for a block of {self.n} rows")
        present = _present_objects(formulas)
        codes = np.full(self.n, -1, dtype=np.int64)
        bodies: list[str | None] = []
        for i in np.flatnonzero(present).tolist():
            v = values[i]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError("formula cells take a numeric cached value")
            codes[i] = len(bodies)
            bodies.append(formula_body(formulas[i], v))  # type: ignore[arg-type]
        table = np.array(bodies, dtype=object)
        part = _Part(col, "formula", present, *f, codes, table, formulas.__getitem__, values.__getitem__)
        self._parts.append(part)

    # ---- writing ---------------------------------------------------------------------------------

    def write(self) -> None:
        """Write the block's rows into the worksheet."""
        parts = self._parts
        if not parts or self.n == 0:
            return
        any_cell = np.zeros(self.n, dtype=bool)
        by_col: dict[int, np.ndarray] = {}
        for p in parts:
            seen = by_col.setdefault(p.col, np.zeros(self.n, dtype=bool))
            if (seen & p.present).any():
                raise ValueError(f"two cells for the same place in column {p.col}")
            seen |= p.present
            any_cell |= p.present
        rows = np.flatnonzero(any_cell)
        if len(rows) == 0:
            return
        sheet = self._sheet
        first = self.first_row + int(rows[0])
        last_i = int(rows[-1])
        slow = not sheet.usable() or any(
            p.kind == "formula" and any(b is None for b in p.bodies) for p in parts
        )
        if not slow:
            if not sheet.can_start(first):
                raise ValueError("a block must start below the rows already written")
            slow = sheet.has_comments(first, self.first_row + last_i)
        if slow:
            for i in rows.tolist():
                self._replay(i)
            return

        sheet.flush(first)  # what the block's first cell would have done
        body_rows = rows[rows < last_i]
        self._assign_formats(body_rows)
        self._share(body_rows)
        for start in range(0, len(body_rows), _CHUNK):
            sheet.append(self._xml(body_rows[start : start + _CHUNK]))
        if len(body_rows):
            cols = [c for c, seen in by_col.items() if seen[:last_i].any()]
            sheet.cover(first, self.first_row + int(body_rows[-1]), min(cols), max(cols))
        # The last row stays pending in xlsxwriter's own table, as if written cell by cell.
        sheet.pend(self.first_row + last_i)
        self._replay(last_i)

    def _replay(self, i: int) -> None:
        """Row ``i`` of the block through xlsxwriter's public methods."""
        ws, row = self._ws, self.first_row + i
        for p in sorted(self._parts, key=lambda p: p.col):
            if not p.present[i]:
                continue
            fmt = p.fmt(i)
            if p.kind == "string":
                ws.write_string(row, p.col, p.raw(i), fmt)
            elif p.kind == "number":
                ws.write_number(row, p.col, p.raw(i), fmt)  # present: not None, not NaN
            elif p.kind == "blank":
                ws.write_blank(row, p.col, None, fmt)
            else:
                ws.write_formula(row, p.col, p.raw(i), fmt, p.raw_value(i))

    def _assign_formats(self, rows: np.ndarray) -> None:
        """Give formats their xf index in the order xlsxwriter would: row by row, left to right."""
        firsts: list[tuple[int, int, Format]] = []
        for r in rows.tolist():  # a row's format comes before its cells
            fmt = getattr(self._sheet.row_info(self.first_row + r), "row_format", None)
            if isinstance(fmt, Format):
                firsts.append((r, -1, fmt))
        limit = int(rows[-1]) + 1 if len(rows) else 0
        for p in self._parts:
            idx = np.flatnonzero(p.present[:limit])
            if len(p.fmts) == 1:
                if len(idx):
                    firsts.append((int(idx[0]), p.col, p.fmts[0]))
                continue
            codes, first = np.unique(p.fmt_codes[idx], return_index=True)
            firsts += [
                (int(idx[k]), p.col, p.fmts[c]) for c, k in zip(codes.tolist(), first.tolist(), strict=True)
            ]
        for _r, _c, fmt in sorted(firsts, key=lambda t: t[:2]):
            SheetInternals.xf(fmt)

    def _share(self, rows: np.ndarray) -> None:
        """Shared string columns: their texts on ``rows`` into the shared-string table, in the order
        of their codes, and their cells' bodies pointing there (the last row, written through
        xlsxwriter, keeps its text in line)."""
        for p in self._parts:
            if p.texts is None:
                continue
            used = p.codes[rows]
            used = used[used >= 0]
            distinct = np.unique(used).tolist()
            if not distinct:
                continue
            indexes = self._sheet.share([_truncate(p.texts[c]) for c in distinct], len(used))
            bodies = p.bodies.copy()
            for c, k in zip(distinct, indexes, strict=True):
                bodies[c] = f' t="s"><v>{k}</v></c>'
            p.bodies = bodies

    def _xml(self, rows: np.ndarray) -> str:
        """The ``<row>`` elements of block rows ``rows`` (each with at least one cell)."""
        m = len(rows)
        numbers = np.array([str(self.first_row + r + 1) for r in rows.tolist()], dtype=object)
        by_col: dict[int, list[_Part]] = {}
        for p in self._parts:
            by_col.setdefault(p.col, []).append(p)
        # Streams of pieces, one piece per row each, joined row by row in C: each column is three
        # streams (its head, the row number, its format and value; all empty where no cell).
        streams: list[Iterable[str]] = [repeat('<row r="'), numbers.tolist(), self._row_attributes(rows)]

        number_list = numbers.tolist()
        for col in sorted(by_col):
            parts = [(p, sel) for p in by_col[col] if (sel := p.present[rows]).any()]
            if not parts:
                continue
            head = f'<c r="{xl_col_to_name(col)}'
            if len(parts) == 1 and len(parts[0][0].fmts) == 1 and parts[0][1].all():
                p = parts[0][0]  # the common case: one kind of cell, one format, every row
                if p.tails is None:  # each distinct value once for the whole block
                    p.tails = f'" s="{SheetInternals.xf(p.fmts[0])}"' + p.bodies
                streams += [repeat(head), number_list, p.tails[p.codes[rows]].tolist()]
                continue
            here = np.zeros(m, dtype=bool)
            xfs = np.full(m, "", dtype=object)
            bodies = np.full(m, "", dtype=object)
            for p, sel in parts:
                on = rows[sel]
                used = p.fmt_codes[on]
                table = np.full(len(p.fmts), "", dtype=object)
                for c in np.unique(used).tolist():  # only formats of cells: others get no index
                    table[c] = f'" s="{SheetInternals.xf(p.fmts[c])}"'
                xfs[sel] = table[used]
                bodies[sel] = p.bodies[p.codes[on]]
                here |= sel
            tails = (xfs + bodies).tolist()
            if here.all():
                streams += [repeat(head), number_list, tails]
            else:
                streams += [np.where(here, head, "").tolist(), np.where(here, numbers, "").tolist(), tails]
        streams.append(repeat("</row>"))
        return "".join(chain.from_iterable(zip(*streams, strict=False)))  # repeat() is endless

    def _row_attributes(self, rows: np.ndarray) -> Iterable[str]:
        """What follows ``<row r="N`` for each of ``rows``: the quote, the attributes, the ``>``."""
        sheet, first = self._sheet, self.first_row
        plain = '"' + sheet.row_attributes(None) + ">"
        if not sheet.has_row_info(first + r for r in rows.tolist()):
            return repeat(plain)
        cache: dict[tuple[Any, ...], str] = {}
        out: list[str] = []
        for r in rows.tolist():
            info = sheet.row_info(first + r)
            if info is None:
                out.append(plain)
                continue
            key = row_info_key(info)
            attrs = cache.get(key) if key is not None else None
            if attrs is None:
                attrs = '"' + sheet.row_attributes(info) + ">"
                if key is not None:
                    cache[key] = attrs
            out.append(attrs)
        return out
