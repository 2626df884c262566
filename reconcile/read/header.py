"""Find the table in a sheet and say what each column holds, by the meaning of its header text.

A header may have one to three rows (merged group titles over "Tổng số / NSTW / NSĐP"), may sit
anywhere, may be followed by a column-number row ("A | B | 1 | 2 | 7=4/1"), and its words may come
with or without diacritics, in any case, with line breaks and abbreviations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..text import fold
from .grid import Grid

#: How many rows from the top (or from the end of the previous table) a header is looked for in.
HEADER_SEARCH_ROWS = 60

_ALLOC = re.compile(
    r"\b(?:ke hoach|du toan|von giao|kh von|khv|kh\b|von duoc giao|von phan bo|kinh phi (?:duoc )?(?:giao|phan bo)|tong (?:muc|nguon) von|nguon von giao)"
)
_DISB = re.compile(r"\b(?:giai ngan|luy ke|da thanh toan|so da chi|thuc chi)")
_IN_MONTH = re.compile(r"\b(?:trong thang|thang bao cao|trong ky|phat sinh trong|giai ngan thang)\b")
_CUMUL = re.compile(r"\bluy ke\b")
_RATE = re.compile(r"^(?:ty le|%|ti le)|\bty le\b|\bti le\b")
_STT = re.compile(r"^(?:stt|tt|so tt|so thu tu|s\.tt|s tt)$")
_LABEL = re.compile(
    r"^(?:noi dung|ten du an|danh muc|chi tieu|ten chi tieu|noi dung chi|du an, tieu du an|ten|dien giai|hang muc)"
)
_NOTE = re.compile(r"^(?:ghi chu|note)")
_UNIT = re.compile(r"^(?:don vi|ten don vi|don vi bao cao|co quan|dia phuong|don vi du toan)$")
_B_BUDGET_YEAR = re.compile(r"^nam ngan sach|^nam ns$|^nam von|^nam ke hoach")
_B_EXEC_YEAR = re.compile(r"^nam thuc hien|^nam giai ngan")
_B_PROJECT = re.compile(r"^(?:du an|ma du an|du an so|da)$")
_B_SUB = re.compile(r"^(?:tieu du an|ma tieu du an|tda|tieu du an so|tieu da)$")
_B_SOURCE = re.compile(r"^(?:nguon von|nguon|nguon ngan sach|loai nguon)$")
_NUMBER_ROW_CELL = re.compile(r"^(?:[a-z]|\(?\d{1,2}\)?|\d{1,2} ?= ?[\d/+\-* ().x]+|\(\d+\)=.*)$")

_SOURCE_TERMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:nstw|ngan sach trung uong|von tw|trung uong|tw)\b"), "NSTW"),
    (re.compile(r"\b(?:nsdp|ngan sach dia phuong|von dp|dia phuong|dp|ns tinh|ngan sach tinh)\b"), "NSDP"),
    (re.compile(r"^(?:tong so|tong cong|cong|tong|tong nguon)\b"), "ALL"),
)
_YEAR = re.compile(r"\bnam (20\d\d)\b")
#: A column-group level that is a budget year alone ("2026", "2025 kéo dài"; SPEC 12).
_BARE_YEAR = re.compile(r"^(20\d\d)\b(?:\s*(?:keo dai|chuyen sang|sang nam (20\d\d)))?\s*$")
#: A remaining column ("KHV còn lại", "Còn lại", "Số vốn chưa giải ngân"): allocated − disbursed, a
#: check column, never an amount (SPEC 12).
_REMAINING = re.compile(r"\bcon lai\b|\bchua giai ngan\b")
#: A code column of a tracker ("Mã dự án", "Mã DA", "Mã số", "Mã CTMT, DA").
_CODE = re.compile(r"^ma (?:du an|da|so|ctmt)\b")
_CARRY = re.compile(r"nam truoc|keo dai|chuyen sang|chuyen nguon")


@dataclass(slots=True)
class Column:
    """What one column of a table holds."""

    index: int
    role: str  # alloc | disb | in_month | rate | remaining | code | stt | label | note | unit | budget_year | exec_year | project | sub_project | source | other
    source: str | None = None  # ALL (Tổng số) | NSTW | NSDP | None (not split)
    year: tuple[int, int] | None = None  # (budget year, execution year) named in the header
    text: str = ""  # folded header text, levels joined by " | "


@dataclass(slots=True)
class Table:
    """A table found in a grid: its header rows and its columns."""

    layout: str  # "A" (hierarchical) or "B" (tidy, one row per line item)
    header_top: int
    first_data: int
    columns: list[Column] = field(default_factory=list)

    def by_role(self, role: str) -> list[Column]:
        """Columns of one role, left to right."""
        return [c for c in self.columns if c.role == role]

    def one(self, role: str) -> Column | None:
        """The first column of a role, if any."""
        cols = self.by_role(role)
        return cols[0] if cols else None


def _text(value: object) -> str:
    return fold(value) if isinstance(value, str) else ""


def _is_alloc(t: str) -> bool:
    return bool(_ALLOC.search(t)) and not _RATE.search(t)


def _is_disb(t: str) -> bool:
    return bool(_DISB.search(t)) and not _RATE.search(t)


def is_header_row(cells: list[str]) -> str | None:
    """'A' or 'B' when the folded cells of a row look like a table header, else None."""
    # Two different cells, each short: a sentence naming both words is prose, not a header.
    alloc = {i for i, t in enumerate(cells) if t and len(t) < 120 and _is_alloc(t)}
    disb = {i for i, t in enumerate(cells) if t and len(t) < 120 and _is_disb(t)}
    if not alloc or not disb or (len(alloc | disb) < 2):
        return None
    names = set(cells)
    b_cols = sum(
        1
        for t in names
        if _B_PROJECT.match(t) or _B_SUB.match(t) or _B_SOURCE.match(t) or _B_BUDGET_YEAR.match(t)
    )
    return "B" if b_cols >= 2 else "A"


def _header_flags(value: str) -> int:
    """For :func:`is_header_row`, of one cell's text: 1 when it names an allocation, 2 a disbursement."""
    flags = _FLAGS.get(value)
    if flags is None:
        t = fold(value)
        flags = 0 if not t or len(t) >= 120 else (1 if _is_alloc(t) else 0) | (2 if _is_disb(t) else 0)
        if len(_FLAGS) >= _FLAGS_MAX:
            _FLAGS.clear()
        _FLAGS[value] = flags
    return flags


#: _header_flags of each distinct cell text seen (a plain dict: cheaper to consult than lru_cache).
_FLAGS: dict[str, int] = {}
_FLAGS_MAX = 65536


def _may_be_header(row: list[object]) -> bool:
    """False when :func:`is_header_row` would say None for this row, from each distinct text once.

    Every row of a sheet is looked at (a second table may follow the first), and its texts, labels
    and notes, repeat from file to file.
    """
    seen = cells = 0
    for v in row:
        if v and type(v) is not float and isinstance(v, str):  # "" names nothing
            flags = _FLAGS.get(v)
            if flags is None:
                flags = _header_flags(v)
            if flags:
                seen |= flags
                cells += 1
    return seen == 3 and cells >= 2


def _merge_lookup(grid: Grid) -> dict[tuple[int, int], tuple[int, int]]:
    """Map every cell covered by a merged range to the range's top-left cell (header rows only use it)."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in grid.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 400:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = (r1, c1)
    return out


def _is_number_row(cells: list[str]) -> bool:
    filled = [t for t in cells if t]
    if len(filled) < 3:
        return False
    return sum(1 for t in filled if _NUMBER_ROW_CELL.match(t)) >= 0.8 * len(filled)


def _is_subheader(cells: list[str], raw: list[object]) -> bool:
    """A header continuation row: words only (no amounts), naming sources, years or measures."""
    filled = [t for t in cells if t]
    if not filled or any(isinstance(v, int | float) and not isinstance(v, bool) for v in raw):
        return False
    if _is_number_row(cells):
        return False
    wordy = 0
    for t in filled:
        if (
            source_of(t)
            or _YEAR.search(t)
            or _BARE_YEAR.match(t)
            or _is_alloc(t)
            or _is_disb(t)
            or _RATE.search(t)
            or _IN_MONTH.search(t)
            or _CUMUL.search(t)
            or t in ("so tien", "gia tri", "trong do")
        ):
            wordy += 1
    return wordy >= max(1, len(filled) // 2)


def source_of(t: str) -> str | None:
    """NSTW, NSDP or ALL for folded text naming a funding source ("Ngân sách trung ương", "Tổng số")."""
    for pattern, code in _SOURCE_TERMS:
        if pattern.search(t):
            return code
    return None


def year_tag(t: str) -> tuple[int, int] | None:
    """(budget year, execution year) named by header text like "Kế hoạch vốn năm 2023" or a carry-over title."""
    years = [int(y) for y in _YEAR.findall(t)]
    bare = _BARE_YEAR.match(t)
    if bare and not years:  # "2026" or "2025 kéo dài" under a measure
        budget = int(bare.group(1))
        if _CARRY.search(t):
            return (budget, int(bare.group(2)) if bare.group(2) else budget + 1)
        return (budget, budget)
    if _CARRY.search(t):
        if "nam truoc" in t:
            if years:
                return (years[-1] - 1, years[-1])
            return None
        if years:
            return (years[0], years[1] if len(years) > 1 else years[0] + 1)
        return None
    if years:
        return (years[0], years[0])
    return None


def _classify(levels: list[str]) -> Column:
    """Decide a column's role from its header levels (top to bottom): a new Column, index -1."""
    role, source, year, text = _classified(tuple(levels))
    return Column(index=-1, role=role, source=source, year=year, text=text)


@lru_cache(maxsize=16384)
def _classified(levels: tuple[str, ...]) -> tuple[str, str | None, tuple[int, int] | None, str]:
    """(role, source, year, text) of a column's header levels; the same headers recur in every file."""
    col = _classify_levels(list(levels))
    return col.role, col.source, col.year, col.text


def _classify_levels(levels: list[str]) -> Column:
    joined = " | ".join(levels)
    col = Column(index=-1, role="other", text=joined)
    last = levels[-1] if levels else ""
    if any(_REMAINING.search(t) for t in levels) and not any(_RATE.search(t) for t in levels):
        col.role = "remaining"
        return col
    if _CODE.match(last) and last != "ma du an":  # "Mã dự án" stays a tidy sheet's project column
        col.role = "code"
        return col
    # Tidy-layout key columns are single words; check them on the lowest level first.
    for pattern, key_role in (
        (_B_BUDGET_YEAR, "budget_year"),
        (_B_EXEC_YEAR, "exec_year"),
        (_B_SUB, "sub_project"),
        (_B_PROJECT, "project"),
        (_B_SOURCE, "source"),
        (_STT, "stt"),
        (_NOTE, "note"),
        (_UNIT, "unit"),
    ):
        if pattern.match(last):
            col.role = key_role
            return col
    if any(_LABEL.match(t) for t in levels):
        col.role = "label"
        return col
    role: str | None = None
    # The most specific level (lowest) that names a measure decides it.
    for t in reversed(levels):
        if _RATE.search(t):
            role = "rate"
        elif _IN_MONTH.search(t) and not _CUMUL.search(t):
            role = "in_month"
        elif _is_disb(t) or _CUMUL.search(t):
            role = "disb"
        elif _is_alloc(t):
            role = "alloc"
        if role:
            break
    if role is None:
        return col
    col.role = role
    for t in reversed(levels):
        src = source_of(t)
        if src:
            col.source = src
            break
    for t in levels:
        tag = year_tag(t)
        if tag:
            col.year = tag
            break
    return col


def find_tables(grid: Grid, start: int = 0, limit: int | None = None) -> list[Table]:
    """Every table of a grid, top to bottom (a Layout B table runs to the end of the sheet)."""
    tables: list[Table] = []
    merges = _merge_lookup(grid)
    r = start
    n = len(grid.rows) if limit is None else min(limit, len(grid.rows))
    search_end = min(n, r + HEADER_SEARCH_ROWS)
    while r < search_end:
        row = grid.rows[r]
        layout = is_header_row([_text(v) for v in row]) if _may_be_header(row) else None
        if layout is None:
            r += 1
            continue
        table = _build_table(grid, r, layout, merges)
        tables.append(table)
        if layout == "B":
            break
        # Look for another table below this one (several tables in one sheet).
        r = table.first_data
        search_end = n
    return tables


def _group_title_row(grid: Grid, r: int) -> bool:
    """A row of column-group titles above the measure row ("Kế hoạch năm 2023" over "Kế hoạch | Giải ngân")."""
    if r < 0:
        return False
    raw = grid.rows[r]
    if any(isinstance(v, int | float) and not isinstance(v, bool) for v in raw):
        return False
    cells = [_text(v) for v in raw]
    filled = [(c, t) for c, t in enumerate(cells) if t]
    if not filled or any(len(t) > 120 for _, t in filled):
        return False
    # Group titles stand over the amount columns, never alone in the first column like a title.
    return any(c > 0 and (_is_alloc(t) or _is_disb(t) or year_tag(t)) for c, t in filled)


def _build_table(grid: Grid, top: int, layout: str, merges: dict[tuple[int, int], tuple[int, int]]) -> Table:
    if layout == "A" and _group_title_row(grid, top - 1):
        top -= 1
    rows = [top]
    r = top + 1
    # Columns the header names STT or Nội dung: a continuation row of the header leaves them empty,
    # while a section row ("I | Vốn năm 2022 kéo dài sang năm 2023") writes in them.
    key_cols = [c for c, v in enumerate(grid.rows[top]) if _STT.match(_text(v)) or _LABEL.match(_text(v))]
    while r < len(grid.rows) and len(rows) < 3:
        raw = grid.rows[r]
        cells = [_text(v) for v in raw]
        if any(c < len(cells) and cells[c] and merges.get((r, c), (r, c))[0] == r for c in key_cols):
            break
        merged_from_above = any(merges.get((r, c), (r, c))[0] < r for c in range(len(raw)))
        if _is_subheader(cells, raw) or (merged_from_above and not any(cells) and len(rows) < 2):
            rows.append(r)
            r += 1
        else:
            break
    if r < len(grid.rows) and _is_number_row([_text(v) for v in grid.rows[r]]):
        r += 1
    width = max(len(grid.rows[h]) for h in rows)
    columns: list[Column] = []
    tops: list[str] = []
    for c in range(width):
        levels: list[str] = []
        for h in rows:
            src = merges.get((h, c), (h, c))
            t = _text(grid.value(*src))
            if t and (not levels or levels[-1] != t):
                levels.append(t)
        tops.append(levels[0] if levels else "")
        if len(levels) == 1 and len(rows) > 1 and _text(grid.value(rows[0], c)) == "":
            # A group title written once at the left without merging: the columns under it inherit it.
            for left in range(c - 1, -1, -1):
                t = _text(grid.value(rows[0], left))
                if t:
                    if not (_STT.match(t) or _LABEL.match(t) or _NOTE.match(t)):
                        levels.insert(0, t)
                    break
        col = _classify(levels)
        col.index = c
        if col.role != "other" or levels:
            columns.append(col)
    table = Table(layout=layout, header_top=top, first_data=r, columns=columns)
    if layout == "A" and table.one("label") is None:
        _guess_label_column(grid, table)
    return table


def _guess_label_column(grid: Grid, table: Table) -> None:
    """Without a "Nội dung" header, the label column is the one with the most long text below the header."""
    amount_cols = [c.index for c in table.columns if c.role in ("alloc", "disb", "in_month", "rate")]
    first_amount = min(amount_cols) if amount_cols else grid.width
    best, best_count = None, 0
    for c in range(first_amount):
        count = sum(
            1
            for r in range(table.first_data, min(len(grid.rows), table.first_data + 40))
            if isinstance(grid.value(r, c), str) and len(grid.value(r, c).strip()) > 6
        )
        if count > best_count:
            best, best_count = c, count
    if best is None:
        return
    for col in table.columns:
        if col.index == best:
            col.role = "label"
            return
    table.columns.append(Column(index=best, role="label"))
    table.columns.sort(key=lambda c: c.index)
