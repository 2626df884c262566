"""``reconciliation.xlsx``: the digest an accountant opens, prints and clicks through (SPEC 5.1).

Four sheets in the user's language: the summary (one row per key at its latest period, grouped by
unit, year and project, with live SUM, rate and shortfall formulas whose cached values are what a
spreadsheet computes), the month-by-month progress with a chart, the findings with a link to each
source cell, and the extracted line items.

The workbook is written in xlsxwriter's ``constant_memory`` mode so that a large data sheet does not
sit in memory; that mode requires every sheet to be written strictly row by row, so each sheet is
planned first and then written top to bottom.

Everything that came from an input file is written with ``write_string`` into a workbook opened with
``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` off (SPEC 5: no formula or
link injection); links to source cells are built only from validated parts.
"""

from __future__ import annotations

import datetime as dt
import gc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from ...messages import msg
from ...models import MAX_ROWS
from ...result import Result
from .common import _WORKBOOK_OPTIONS, SEVERITY_COLOURS, STATUS_COLOURS, _as_of, _Styles, workbook_title
from .data import _write_data
from .findings import _write_findings, source_link
from .ledger import write_ledger_sheet
from .printable import write_print_sheet
from .progress import _write_progress
from .summary import _write_summary
from .treasury import write_treasury_sheet

__all__ = ["DEFLATE_LEVEL", "MAX_ROWS", "SEVERITY_COLOURS", "STATUS_COLOURS", "source_link", "write_workbook"]

# ---- entry point ------------------------------------------------------------------------------------


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cycle collector off while a workbook is built: building it makes a million short-lived
    lists and tuples (none in a cycle), and each collection they trigger walks every object the
    run holds."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Deflate level of the workbook's zip. xlsxwriter leaves zipfile's default (6); level 5 deflates a
#: national workbook's 63 MB of sheet XML in 0.31 s instead of 0.52 s, for a file 4% larger (the
#: national bench run 6.95 -> 6.78 s, bench/README.md).
DEFLATE_LEVEL = 5


class _LevelledZip(zipfile.ZipFile):
    """zipfile.ZipFile deflating at DEFLATE_LEVEL unless told otherwise (xlsxwriter names no level)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", DEFLATE_LEVEL)
        super().__init__(*args, **kwargs)


@contextmanager
def _deflate_level() -> Iterator[None]:
    """xlsxwriter zipping the workbook with :class:`_LevelledZip` while it closes."""
    module = xlsxwriter.workbook
    if getattr(module, "ZipFile", None) is not zipfile.ZipFile:
        yield  # not the xlsxwriter this was written against: its own default
        return
    module.ZipFile = _LevelledZip  # type: ignore[misc]
    try:
        yield
    finally:
        module.ZipFile = zipfile.ZipFile  # type: ignore[misc]


def write_workbook(result: Result, path: Path, lang: str = "vi") -> None:
    """Write ``reconciliation.xlsx`` for ``result`` to exactly ``path`` in ``lang`` ("vi" or "en").

    The same Result gives byte-identical files. Raises OSError when the file cannot be written.
    """
    path = Path(path)
    with _gc_paused():
        _write_workbook(result, path, lang)


def _write_workbook(result: Result, path: Path, lang: str) -> None:
    wb = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS)
    as_of = _as_of(result) or dt.date(2000, 1, 1)
    # A fixed creation date taken from the data keeps two runs byte-identical.
    wb.set_properties(
        {
            "title": workbook_title(result, lang),
            "author": "reconcile",
            "created": dt.datetime.combine(as_of, dt.time()),
        }
    )
    st = _Styles(wb, lang)
    names = {k: msg(f"wb.sheet.{k}", lang) for k in ("summary", "print", "progress", "findings", "data")}
    sheets = {k: wb.add_worksheet(name) for k, name in names.items()}
    plan = _write_summary(wb, sheets["summary"], st, result, lang, names["summary"])
    write_print_sheet(sheets["print"], wb, result, lang, plan)  # the summary on paper
    _write_progress(wb, sheets["progress"], st, result, lang, names["progress"])
    _write_findings(sheets["findings"], st, result, path.parent, lang)
    _write_data(sheets["data"], st, result, lang)
    write_ledger_sheet(wb, result, lang)  # SPEC 9
    write_treasury_sheet(wb, result, lang, path.parent)  # SPEC 9, only with a Treasury statement
    try:
        with _deflate_level():
            wb.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, OSError):
            raise cause from None
        raise OSError(str(exc)) from exc
