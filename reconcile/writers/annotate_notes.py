"""The notes of an annotated copy: which line item and finding goes on which cell (from the Result),
and the words of each note.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..catalogue import CATALOGUE_PROGRAMMES, identity_text
from ..messages import finding_message, fmt_amount, fmt_date, fmt_number, fmt_rate, msg, status_label
from ..models import KEY_COLUMNS, FileResult, Finding, is_missing
from ..result import Result
from .annotate_load import _BAD_TITLE_RE, _clean_text

AUTHOR = "reconcile"
#: Between the user's own note and ours, so that theirs is never lost or mixed up with ours.
SEPARATOR = "-" * 24
_COORD_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$")


# ---- notes: which figures and findings, on which cell, in which words ------------------------


@lru_cache(maxsize=64)
def _solid(colour: str) -> PatternFill:
    """One fill object per colour: openpyxl hashes every fill it is given, a shared one is cheaper."""
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


ItemRows = list[tuple[dict[str, Any], dict[str, Any] | None]]


class FileFigures:
    """Each file's line items with the summary row of each, for the annotated copies of one run.

    The run's tables are indexed once (which items each file holds, which summary row each item
    has): the copies then take only their own rows. Made per copy, the whole summary as Python rows
    cost a province folder of 2,400 copies ~2,400 x 56,000 rows.
    """

    def __init__(self, result: Result) -> None:
        self._items = result.items
        self._summary = result.summary
        self._files: dict[Any, Any] | None = None
        self._row_of: dict[Any, int] | None = None
        self._by_key: dict[tuple[Any, ...], dict[str, Any]] | None = None

    def of(self, rel: str) -> ItemRows:
        """The items of file ``rel`` in item order, each with the summary row of its key at its
        period (None if unused). The join is by ``summary.item_index`` (the label of the ``items``
        row); a summary without that column is joined by key and period instead. An item that no
        summary row points at was not used (a duplicate, or a file that lost a period conflict)."""
        items = self._items
        if items is None or len(items) == 0 or "file" not in items.columns:
            return []
        if self._files is None:
            self._files = items.groupby("file", observed=True, sort=False).indices
        positions = self._files.get(rel)
        if positions is None or len(positions) == 0:
            return []
        mine = items.iloc[positions]
        mine_records = cast(list[dict[str, Any]], mine.to_dict("records"))
        summary = self._summary
        if summary is None:
            return [(item, None) for item in mine_records]
        if "item_index" not in summary.columns:
            by_key = self._keyed(summary)
            return [(item, by_key.get(_key(item))) for item in mine_records]
        row_of = self._rows(summary)
        wanted = [row_of.get(_plain(label)) for label in mine.index]
        used = sorted({k for k in wanted if k is not None})
        rows = dict(zip(used, cast(list[dict[str, Any]], summary.iloc[used].to_dict("records")), strict=True))
        return [(item, None if k is None else rows[k]) for item, k in zip(mine_records, wanted, strict=True)]

    def _rows(self, summary: Any) -> dict[Any, int]:
        """Item label -> position of the summary row pointing at it (the last, as a dict keeps it)."""
        if self._row_of is None:
            self._row_of = {}
            for k, index in enumerate(summary["item_index"].tolist()):
                label = _plain(index)
                if label is not None:
                    self._row_of[label] = k
        return self._row_of

    def _keyed(self, summary: Any) -> dict[tuple[Any, ...], dict[str, Any]]:
        if self._by_key is None:
            records = cast(list[dict[str, Any]], summary.to_dict("records"))
            self._by_key = {_key(rec): rec for rec in records}
        return self._by_key


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
    text = f"{header}\n{msg(f'ann.{status}', lang, **params)}"
    # Outside the GNBV catalogue the row's numbers do not say what it is: its programme, code, name.
    programme = _text(item.get("programme")) or ""
    if programme not in CATALOGUE_PROGRAMMES or _text(item.get("project_code")) or item.get("project") == 0:
        who = identity_text(programme, item.get("project_code"), item.get("project_name"))
        text = f"{msg('ann.identity', lang, identity=who)}\n{text}"
    return text


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
