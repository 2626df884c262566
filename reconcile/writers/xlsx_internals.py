"""The one place that touches xlsxwriter's private internals, for :mod:`reconcile.writers.bulk`.

xlsxwriter has no public way to append finished rows to a constant_memory worksheet, so
:class:`SheetInternals` reaches into its worksheet (its row file, pending row, row properties,
dimensions, shared-string table and format indexes) and :func:`row_info_key` into its ``set_row``
records. Written against xlsxwriter 3.3.4, which pyproject.toml pins exactly; when a worksheet does
not have the attributes below, :meth:`SheetInternals.usable` is false and the block falls back to
xlsxwriter's public ``write_*`` methods. ``tests/test_writer_bulk.py`` compares whole files with
xlsxwriter's own and pins its cell XML, so a change of the internals fails there.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet


class SheetInternals:
    """Everything :class:`~reconcile.writers.bulk.RowBlock` touches inside an xlsxwriter worksheet,
    which is private to xlsxwriter
    (written against 3.3: ``row_info`` holds ``RowInfo`` records; older versions kept ``set_rows``
    lists and get the fallback). In constant_memory mode a worksheet keeps one row pending in
    ``table`` (``previous_row``) and appends finished rows to its row file ``fh``; writing a cell
    below flushes the pending row (``_write_single_row``). ``tests/test_writer_bulk.py`` compares
    whole files with xlsxwriter's own and pins xlsxwriter's cell XML, so a change shows there.
    """

    _NEEDED = (
        *("fh", "previous_row", "table", "row_info", "comments", "dim_rowmin", "dim_rowmax"),
        *("dim_colmin", "dim_colmax", "_write_single_row", "_write_row", "str_table"),
    )

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws

    def usable(self) -> bool:
        """Whether the worksheet is in constant_memory mode with the internals described above."""
        ws = self.ws
        return bool(getattr(ws, "constant_memory", False)) and all(hasattr(ws, a) for a in self._NEEDED)

    def can_start(self, row: int) -> bool:
        """Whether rows from ``row`` down can still be written (nothing of them written or pending)."""
        ws = self.ws
        return row > ws.previous_row or (row == ws.previous_row and not ws.table.get(row))

    def has_comments(self, first: int, last: int) -> bool:
        return any(first <= r <= last for r in self.ws.comments)

    def flush(self, row: int) -> None:
        """Write out the pending row, as a cell written in ``row`` would."""
        if row > self.ws.previous_row:
            self.ws._write_single_row(row)

    def append(self, xml: str) -> None:
        """Finished ``<row>`` elements, after those already written."""
        self.ws.fh.write(xml)

    def cover(self, first_row: int, last_row: int, first_col: int, last_col: int) -> None:
        """Widen the used range (the sheet's ``<dimension>``) as written cells would."""
        ws = self.ws
        ws.dim_rowmin = first_row if ws.dim_rowmin is None else min(ws.dim_rowmin, first_row)
        ws.dim_rowmax = last_row if ws.dim_rowmax is None else max(ws.dim_rowmax, last_row)
        ws.dim_colmin = first_col if ws.dim_colmin is None else min(ws.dim_colmin, first_col)
        ws.dim_colmax = last_col if ws.dim_colmax is None else max(ws.dim_colmax, last_col)

    def pend(self, row: int) -> None:
        """Make ``row`` the pending row, empty, for its cells to come through ``write_*``."""
        self.ws.previous_row = row
        self.ws.table.clear()

    def row_info(self, row: int) -> Any:
        """What ``set_row`` stored for ``row``, or None."""
        return self.ws.row_info.get(row)

    def has_row_info(self, rows: Iterable[int]) -> bool:
        infos = self.ws.row_info
        return any(r in infos for r in rows)

    def row_attributes(self, info: Any) -> str:
        """What xlsxwriter writes after ``<row r="N"`` for a row with ``set_row`` ``info`` (or None)."""
        ws = self.ws
        saved = ws.fh
        buf = io.StringIO()
        ws.fh = buf
        try:
            ws._write_row(0, None, info)
        finally:
            ws.fh = saved
        tag = buf.getvalue()
        head = '<row r="1"'
        if not (tag.startswith(head) and tag.endswith(">")):
            raise RuntimeError(f"unexpected row tag from xlsxwriter: {tag!r}")
        return tag[len(head) : -1]

    def share(self, texts: Sequence[str], cells: int) -> list[int]:
        """The shared-string index of each of ``texts`` (distinct, each in at least one cell, cut to
        Excel's limit as xlsxwriter cuts them) for
        ``cells`` string cells in all, counted as xlsxwriter counts the cells it writes itself outside
        constant_memory mode (``sharedStrings.xml`` is written when any string is in the table)."""
        table = self.ws.str_table
        indexes = [table._get_shared_string_index(t) for t in texts]
        table.count += cells - len(texts)  # each lookup above counted one cell
        return indexes

    @staticmethod
    def xf(fmt: Format) -> int:
        """The format's index in the styles, handed out on first use."""
        return int(fmt._get_xf_index())


def row_info_key(info: Any) -> tuple[Any, ...] | None:
    """What makes two rows' ``set_row`` properties give the same tag; None when they hold a row
    format (its index is looked up as the row is written) or are not the records this module knows."""
    try:
        if info.row_format is not None:
            return None
        return (info.height, info.hidden, info.level, info.collapsed)
    except AttributeError:
        return None
