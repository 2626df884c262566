"""Real-world variants of the monthly disbursement sheets, each with its answer key.

Every :class:`Variant` writes one or more files into a folder (``build``) and says what the tool must
read from them (``expected``: one row per key at its latest period), which findings it must report
(``expected_findings``) and which finding codes it must not report (``absent_codes``). The figures are
defined here, in triệu đồng, and the files are written from them; the answer key is computed from the
same figures, never read back from the files.

Sheets are first laid out in memory (:class:`Sheet`), so that every planted cell has a known A1
address before anything is written; :func:`save_books` then renders them with xlsxwriter or openpyxl
(both are used: real files come from many programs), as CSV, or re-saved by LibreOffice.

How formulas are written matters (SPEC 3):
- xlsxwriter with a cached value: a file "saved by Excel"; the cached value is the value;
- xlsxwriter without a value: a placeholder 0 and ``fullCalcOnLoad``; the tool must evaluate;
- openpyxl: no cached value at all; the tool must evaluate simple SUM/+ itself.

Statuses are computed by :func:`expected_status`, which refuses figures that sit near a threshold
(the answer key must not depend on rounding or on which sensible run-rate the tool uses).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------------------------------------------
# Finding expectations
# ---------------------------------------------------------------------------------------------------

#: In an expected finding, a sheet or cell that is not pinned (Excel forbids "*" in sheet names).
ANY = "*"

#: A cell expectation: an A1 reference, None (the finding has no cell), ANY, or a set of acceptable
#: references (a row-level finding may name the row's label cell or any of its amount cells).
CellSpec = str | None | frozenset[str | None]

#: Codes every variant must not report unless it plants them (or explicitly allows them).
CHECKED_CODES: frozenset[str] = frozenset(
    {
        "total_mismatch",
        "rate_mismatch",
        "over_disbursed",
        "cumulative_decrease",
        "allocation_changed",
        "duplicate_line",
        "unknown_item",
        "not_a_number",
        "formula_without_value",
        "negative_amount",
        "missing_period",
        "period_conflict",
        "period_unknown",
        "period_mismatch",
        "ambiguous_number",
        "unreadable_file",
        "skipped_file",
        "skipped_sheet",
        "no_header",
        "in_month_mismatch",
        "unit_unknown",
    }
)


def field_matches(expected: CellSpec, actual: str | None) -> bool:
    """True when an actual file, sheet or cell satisfies an expectation (see :data:`CellSpec`)."""
    if expected == ANY:
        return True
    if isinstance(expected, frozenset):
        return actual in expected
    return actual == expected


# ---------------------------------------------------------------------------------------------------
# In-memory sheets and their rendering
# ---------------------------------------------------------------------------------------------------


def col_letters(col0: int) -> str:
    """Column letters of a 0-based column: 0 -> A, 27 -> AB."""
    n = col0 + 1
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def ref(row0: int, col0: int) -> str:
    """A1 reference of a 0-based (row, column)."""
    return f"{col_letters(col0)}{row0 + 1}"


@dataclass
class XCell:
    """One planned cell: a value, or a formula with the value a spreadsheet would have cached."""

    value: Any = None
    formula: str | None = None
    style: str = "text"
    #: xlsxwriter only: write the cached value (a file saved by Excel) or not (placeholder 0).
    cache: bool = True


@dataclass
class Sheet:
    """A sheet planned in memory, 0-based coordinates."""

    name: str
    cells: dict[tuple[int, int], XCell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False
    widths: dict[int, float] = field(default_factory=dict)
    #: Extra work on the xlsxwriter workbook (a chart, say), given (workbook, worksheet).
    xlsxwriter_extra: Callable[[Any, Any], None] | None = None

    def put(
        self,
        r: int,
        c: int,
        value: Any = None,
        style: str = "text",
        formula: str | None = None,
        cache: bool = True,
    ) -> str:
        """Plan a cell and return its A1 reference."""
        self.cells[(r, c)] = XCell(value, formula, style, cache)
        return ref(r, c)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        """Plan a merged range (inclusive)."""
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))

    def at(self, a1: str) -> XCell | None:
        """The planned cell at an A1 reference."""
        letters = "".join(ch for ch in a1 if ch.isalpha())
        row = int(a1[len(letters) :]) - 1
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch.upper()) - 64
        return self.cells.get((row, col - 1))


@dataclass
class Book:
    """One input file: its sheets and how it is written.

    ``engine``: "xlsxwriter", "openpyxl" or "csv" (first sheet only, UTF-8 with BOM).
    ``resave``: None, or "xlsx" / "ods" / "xls" to have LibreOffice re-save the written workbook.
    """

    path: str  # relative to the input folder, POSIX separators
    sheets: list[Sheet]
    engine: str = "xlsxwriter"
    resave: str | None = None
    mtime: float | None = None
    raw: bytes | None = None  # engine "raw": these exact bytes (lock files, corrupt files)


_BASE_MTIME = 1_696_500_000.0  # early October 2023: files are saved after the period they report


def _xlsxwriter_formats(wb: Any) -> dict[str, Any]:
    border = {"border": 1, "valign": "vcenter"}
    return {
        "text": wb.add_format({}),
        "bold": wb.add_format({"bold": True}),
        "italic": wb.add_format({"italic": True}),
        "center": wb.add_format({"align": "center"}),
        "center_bold": wb.add_format({"align": "center", "bold": True}),
        "center_italic": wb.add_format({"align": "center", "italic": True}),
        "title": wb.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "font_size": 12}
        ),
        "head": wb.add_format({**border, "bold": True, "align": "center", "text_wrap": True}),
        "numhead": wb.add_format({**border, "italic": True, "align": "center"}),
        "cell": wb.add_format({**border, "text_wrap": True}),
        "cell_bold": wb.add_format({**border, "bold": True, "text_wrap": True}),
        "cell_center": wb.add_format({**border, "align": "center"}),
        "amount": wb.add_format({**border, "num_format": "#,##0.0"}),
        "amount_bold": wb.add_format({**border, "num_format": "#,##0.0", "bold": True}),
        "rate": wb.add_format({**border, "num_format": "0.0"}),
        "pct": wb.add_format({**border, "num_format": "0.0%"}),
        "text_amount": wb.add_format({**border, "align": "right"}),
    }


def _render_xlsxwriter(book: Book, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    fmts = _xlsxwriter_formats(wb)
    for sheet in book.sheets:
        ws = wb.add_worksheet(sheet.name)
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in sheet.merges:
            top = sheet.cells.get((r1, c1), XCell())
            fmt = fmts[top.style]
            ws.merge_range(r1, c1, r2, c2, "", fmt)
            if top.value is not None:
                _xw_write(ws, r1, c1, top, fmt)
            covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        for (r, c), cell in sorted(sheet.cells.items()):
            if (r, c) in covered:
                continue
            _xw_write(ws, r, c, cell, fmts[cell.style])
        for c, w in sheet.widths.items():
            ws.set_column(c, c, w)
        if sheet.hidden:
            ws.hide()
        if sheet.xlsxwriter_extra is not None:
            sheet.xlsxwriter_extra(wb, ws)
    wb.close()


def _xw_write(ws: Any, r: int, c: int, cell: XCell, fmt: Any) -> None:
    if cell.formula is not None:
        if cell.cache:
            ws.write_formula(r, c, cell.formula, fmt, cell.value)
        else:
            ws.write_formula(r, c, cell.formula, fmt)
    elif cell.value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(cell.value, str):
        ws.write_string(r, c, cell.value, fmt)
    elif isinstance(cell.value, dt.date):
        ws.write_datetime(r, c, dt.datetime(cell.value.year, cell.value.month, cell.value.day), fmt)
    else:
        ws.write_number(r, c, cell.value, fmt)


def _render_openpyxl(book: Book, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    styles: dict[str, dict[str, Any]] = {
        "text": {},
        "bold": {"font": Font(bold=True)},
        "italic": {"font": Font(italic=True)},
        "center": {"alignment": Alignment(horizontal="center")},
        "center_bold": {"font": Font(bold=True), "alignment": Alignment(horizontal="center")},
        "center_italic": {"font": Font(italic=True), "alignment": Alignment(horizontal="center")},
        "title": {
            "font": Font(bold=True, size=12),
            "alignment": Alignment(horizontal="center", wrap_text=True),
        },
        "head": {
            "font": Font(bold=True),
            "border": box,
            "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        },
        "numhead": {"font": Font(italic=True), "border": box, "alignment": Alignment(horizontal="center")},
        "cell": {"border": box, "alignment": Alignment(wrap_text=True)},
        "cell_bold": {"border": box, "font": Font(bold=True), "alignment": Alignment(wrap_text=True)},
        "cell_center": {"border": box, "alignment": Alignment(horizontal="center")},
        "amount": {"border": box, "number_format": "#,##0.0"},
        "amount_bold": {"border": box, "font": Font(bold=True), "number_format": "#,##0.0"},
        "rate": {"border": box, "number_format": "0.0"},
        "pct": {"border": box, "number_format": "0.0%"},
        "text_amount": {"border": box, "alignment": Alignment(horizontal="right")},
    }
    wb = Workbook()
    first = True
    for sheet in book.sheets:
        if first:
            ws = wb.active
            assert ws is not None
            ws.title = sheet.name
            first = False
        else:
            ws = wb.create_sheet(sheet.name)
        for (r, c), cell in sorted(sheet.cells.items()):
            target = ws.cell(row=r + 1, column=c + 1)
            if cell.formula is not None:
                target.value = cell.formula  # openpyxl stores no cached value
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                target.value = cell.value
                target.data_type = "s"
            else:
                target.value = cell.value
            for attr, val in styles[cell.style].items():
                setattr(target, attr, val)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c, w in sheet.widths.items():
            ws.column_dimensions[col_letters(c)].width = w
        if sheet.hidden:
            ws.sheet_state = "hidden"
    wb.save(path)


def _render_csv(book: Book, path: Path) -> None:
    sheet = book.sheets[0]
    if not sheet.cells:
        path.write_bytes(b"")
        return
    n_rows = max(r for r, _ in sheet.cells) + 1
    n_cols = max(c for _, c in sheet.cells) + 1
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for r in range(n_rows):
        row = []
        for c in range(n_cols):
            cell = sheet.cells.get((r, c))
            v = None if cell is None else cell.value
            if v is None:
                row.append("")
            elif isinstance(v, float) and v.is_integer():
                row.append(str(int(v)))
            else:
                row.append(str(v))
        while row and row[-1] == "":
            row.pop()
        writer.writerow(row)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Have LibreOffice open ``src`` and save it as ``fmt`` into ``outdir`` (its own profile, so runs
    in parallel do not share one)."""
    exe = soffice_path()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    out = outdir / f"{src.stem}.{fmt}"
    if not out.exists():
        raise RuntimeError(f"LibreOffice did not write {out}")
    return out


def save_books(folder: Path, books: Sequence[Book]) -> list[Path]:
    """Write every book into ``folder`` (sub-folders created), in list order, with increasing mtimes
    unless a book pins its own."""
    written: list[Path] = []
    for i, book in enumerate(books):
        target = folder / book.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if book.resave:
            with tempfile.TemporaryDirectory(prefix="variant-") as tmp:
                src = Path(tmp) / f"{Path(book.path).stem}.xlsx"
                _render(book, src)
                out = soffice_convert(src, book.resave, Path(tmp) / "out")
                shutil.move(str(out), target)
        else:
            _render(book, target)
        t = book.mtime if book.mtime is not None else _BASE_MTIME + 60.0 * i
        os.utime(target, (t, t))
        written.append(target)
    return written


def _render(book: Book, path: Path) -> None:
    if book.engine == "xlsxwriter":
        _render_xlsxwriter(book, path)
    elif book.engine == "openpyxl":
        _render_openpyxl(book, path)
    elif book.engine == "csv":
        _render_csv(book, path)
    elif book.engine == "raw":
        path.write_bytes(book.raw or b"")
    else:  # pragma: no cover - a typo in a variant
        raise ValueError(book.engine)


# ---------------------------------------------------------------------------------------------------
# Numbers as people type them
# ---------------------------------------------------------------------------------------------------


def _grouped(x: float, decimals: int = 3) -> str:
    s = f"{abs(x):,.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def vi_text(x: float) -> str:
    """A number typed the Vietnamese way: ``1.571,6``; zero as ``-``; negatives in brackets."""
    if x == 0:
        return "-"
    s = _grouped(x).replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"({s})" if x < 0 else s


def us_text(x: float) -> str:
    """A number typed the US way: ``1,571.6``; zero as ``-``."""
    if x == 0:
        return "-"
    s = _grouped(x)
    return f"-{s}" if x < 0 else s


# ---------------------------------------------------------------------------------------------------
# Layout A: hierarchical tables
# ---------------------------------------------------------------------------------------------------


@dataclass
class Col:
    """A table column.

    ``kind``: "stt", "label", "amount", "rate" or "text". ``sub`` is the second header row's text for
    grouped columns (consecutive columns with the same ``head`` are merged over them); a column with
    ``sub=None`` in a two-row header is merged vertically. ``sum_of`` makes it a horizontal total
    (Tổng số = NSTW + NSĐP); ``rate_of`` = (disbursed column, allocated column).
    """

    id: str
    head: str
    sub: str | None = None
    kind: str = "amount"
    num: str = ""
    sum_of: tuple[str, ...] = ()
    rate_of: tuple[str, str] | None = None
    width: float = 14.0


@dataclass
class KeyCol:
    """Which columns give a key's figures: source, allocated column, disbursed column; ``years`` for
    column groups of different budget years; ``in_month`` when the disbursed column holds the month's
    amount only (the cumulative figure is the running sum)."""

    source: str
    alloc: str
    disb: str
    years: tuple[int, int] | None = None
    in_month: bool = False


KEYS_SPLIT = [KeyCol("NSTW", "a_tw", "d_tw"), KeyCol("NSDP", "a_dp", "d_dp")]
KEYS_ALL = [KeyCol("ALL", "a", "d")]


@dataclass
class Node:
    """A table row and the rows under it.

    ``item`` = (project, sub_project) for a row that is a line item (its figures are its own or, if it
    has children, the sum of its activity rows); ``years`` = (budget year, execution year) for a year
    section. ``vals`` are a leaf's figures in triệu đồng by column id. ``blank``: a parent row written
    without figures.
    """

    label: str
    stt: str = ""
    vals: dict[str, float | None] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    item: tuple[int, int | None] | None = None
    years: tuple[int, int] | None = None
    name: str = ""
    blank: bool = False
    texts: dict[str, str] = field(default_factory=dict)
    bold: bool = False


def section(label: str, stt: str, years: tuple[int, int], *children: Node, name: str = "") -> Node:
    """A budget-year section row ("Vốn năm 2022 kéo dài sang năm 2023")."""
    return Node(label, stt, children=list(children), years=years, name=name, bold=True)


def project(label: str, stt: str, *children: Node, name: str = "", blank: bool = False) -> Node:
    """A project row with sub-project rows under it."""
    return Node(label, stt, children=list(children), name=name, blank=blank, bold=True)


def item(
    label: str,
    stt: str,
    key: tuple[int, int | None],
    *children: Node,
    name: str = "",
    blank: bool = False,
    texts: dict[str, str] | None = None,
    **vals: float | None,
) -> Node:
    """A line-item row (a sub-project, or a project without sub-projects)."""
    return Node(
        label,
        stt,
        vals=dict(vals),
        children=list(children),
        item=key,
        name=name,
        blank=blank,
        texts=dict(texts or {}),
        bold=key[1] is None,
    )


def activity(label: str, stt: str = "+", name: str = "", **vals: float | None) -> Node:
    """An activity row under a sub-project."""
    return Node(label, stt, vals=dict(vals), name=name)


@dataclass
class Table:
    """A Layout A table and how it is written.

    ``parents``: "value" | "formula" (SUM of the children) | "blank". ``sums``: "value" | "formula"
    for the Tổng số columns of line-item rows. ``rates``: "value" (percent points), "fraction"
    (formatted 0.0%), "text" (typed, one decimal), "if" (``=IF(C>0,F/C*100,0)``), "div"
    (``=F/C*100``). ``numbers``: "num" | "vi" | "us" (amounts typed as text). ``factor``: the money
    unit (1 triệu, 1000 nghìn, 1e6 đồng). ``overrides``: (row name, column id) -> what is typed
    there instead (a wrong total, a text, a negative).
    """

    cols: list[Col]
    body: list[Node]
    keys: list[KeyCol] = field(default_factory=lambda: list(KEYS_ALL))
    total: str | None = "TỔNG CỘNG"
    total_at: str = "top"
    number_row: bool = False
    parents: str = "value"
    sums: str = "value"
    rates: str = "value"
    numbers: str = "num"
    factor: float = 1.0
    cache: bool = True
    years: tuple[int, int] | None = None
    overrides: dict[tuple[str, str], Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Formula:
    """An override typed as a formula the tool cannot evaluate, with no cached value; ``{row}`` in
    the text becomes the cell's own row number."""

    text: str


@dataclass
class Placed:
    """Where a table landed: rows of named nodes and columns by id."""

    sheet: str
    rows: dict[str, int]
    cols: dict[str, int]
    top: int
    bottom: int

    def ref(self, name: str, col: str) -> str:
        """A1 reference of a named row's cell in a column."""
        return ref(self.rows[name], self.cols[col])

    def row_cells(self, name: str) -> frozenset[str]:
        """Every cell of a named row within the table (for row-level findings)."""
        r = self.rows[name]
        return frozenset(ref(r, c) for c in self.cols.values())

    def row_or_none(self, name: str) -> frozenset[str | None]:
        """Any cell of a named row, or no cell at all (a key-level finding)."""
        return frozenset({*self.row_cells(name), None})


def cols_split(
    alloc: str = "Kế hoạch vốn được giao",
    disb: str = "Giải ngân lũy kế đến 30/9/2023",
    rate: str | None = "Tỷ lệ giải ngân (%)",
    note: str | None = "Ghi chú",
    total: str = "Tổng số",
    tw: str = "NSTW",
    dp: str = "NSĐP",
    stt: str = "STT",
    label: str = "Nội dung",
) -> list[Col]:
    """The standard split columns: STT, Nội dung, allocated Tổng số/NSTW/NSĐP, disbursed likewise,
    rate, notes (with the column-number row texts A, B, 1..8)."""
    cols = [
        Col("stt", stt, kind="stt", num="A", width=6),
        Col("label", label, kind="label", num="B", width=50),
        Col("a_tot", alloc, total, num="1", sum_of=("a_tw", "a_dp")),
        Col("a_tw", alloc, tw, num="2"),
        Col("a_dp", alloc, dp, num="3"),
        Col("d_tot", disb, total, num="4", sum_of=("d_tw", "d_dp")),
        Col("d_tw", disb, tw, num="5"),
        Col("d_dp", disb, dp, num="6"),
    ]
    if rate:
        cols.append(Col("rate", rate, kind="rate", num="7=4/1", rate_of=("d_tot", "a_tot"), width=11))
    if note:
        cols.append(Col("note", note, kind="text", num=str(len(cols) - 1), width=20))
    return cols


def cols_all(
    alloc: str = "Kế hoạch vốn",
    disb: str = "Giải ngân",
    rate: str | None = "Tỷ lệ (%)",
    note: str | None = "Ghi chú",
    stt: str = "STT",
    label: str = "Nội dung",
) -> list[Col]:
    """Columns without a source split: STT, Nội dung, allocated, disbursed, rate, notes."""
    cols = [
        Col("stt", stt, kind="stt", num="A", width=6),
        Col("label", label, kind="label", num="B", width=50),
        Col("a", alloc, num="1"),
        Col("d", disb, num="2"),
    ]
    if rate:
        cols.append(Col("rate", rate, kind="rate", num="3=2/1", rate_of=("d", "a"), width=11))
    if note:
        cols.append(Col("note", note, kind="text", num=str(len(cols) - 1), width=20))
    return cols


def _walk(nodes: Sequence[Node]) -> list[Node]:
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.children))
    return out


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _sum(values: Sequence[float | None]) -> float | None:
    nums = [v for v in values if v is not None]
    return round(sum(nums), 9) if nums else None


def write_table(sh: Sheet, r0: int, c0: int, t: Table) -> Placed:
    """Plan a Layout A table at (r0, c0) of ``sh`` and say where each named row and column landed."""
    counter = iter(range(10**6))
    root = Node(t.total or "", "", children=t.body, name="total", bold=True)
    for n in _walk(t.body):
        if not n.name:
            n.name = f"_n{next(counter)}"
    cols = {col.id: c0 + j for j, col in enumerate(t.cols)}
    by_id = {col.id: col for col in t.cols}
    amount_ids = [col.id for col in t.cols if col.kind == "amount"]

    # ---- header rows
    two = any(col.sub is not None for col in t.cols)
    r = r0
    for j, col in enumerate(t.cols):
        c = c0 + j
        grouped = (
            j > 0 and col.sub is not None and t.cols[j - 1].sub is not None and t.cols[j - 1].head == col.head
        )
        sh.put(r, c, None if grouped else col.head, "head")
        if two:
            sh.put(r + 1, c, col.sub, "head")
            if col.sub is None:
                sh.merge(r, c, r + 1, c)
        sh.widths.setdefault(c, col.width)
    if two:
        j = 0
        while j < len(t.cols):
            k = j
            while (
                k + 1 < len(t.cols)
                and t.cols[j].sub is not None
                and t.cols[k + 1].sub is not None
                and t.cols[k + 1].head == t.cols[j].head
            ):
                k += 1
            sh.merge(r, c0 + j, r, c0 + k)
            j = k + 1
    r += 2 if two else 1
    if t.number_row:
        for j, col in enumerate(t.cols):
            sh.put(r, c0 + j, col.num, "numhead")
        r += 1

    # ---- row order
    order: list[Node] = []
    if t.total and t.total_at == "top":
        order.append(root)
    order.extend(_walk(t.body))
    if t.total and t.total_at == "bottom":
        order.append(root)
    rows = {n.name: r + i for i, n in enumerate(order)}
    if t.total:
        rows["total"] = rows[root.name]

    # ---- written figures (triệu đồng), parents from their children as written
    written: dict[str, dict[str, Any]] = {}

    def compute(n: Node) -> dict[str, Any]:
        vals: dict[str, Any] = {}
        if n.children:
            kids = [compute(ch) for ch in n.children]
            for cid in amount_ids:
                vals[cid] = _sum([_num(k.get(cid)) for k in kids]) or 0.0
        else:
            for cid in amount_ids:
                if not by_id[cid].sum_of:
                    vals[cid] = n.vals.get(cid)
            for cid in amount_ids:
                if by_id[cid].sum_of:
                    vals[cid] = _sum([_num(vals.get(x)) for x in by_id[cid].sum_of])
        for (name, cid), v in t.overrides.items():
            if name == n.name and cid in amount_ids:
                vals[cid] = v
        written[n.name] = vals
        return vals

    compute(root)

    # ---- cells
    def scaled(v: float) -> float:
        return round(v * t.factor, 6)

    def typed(v: Any) -> tuple[Any, str]:
        if isinstance(v, str):
            return v, "text_amount"
        if v is None:
            return None, "amount"
        if t.numbers == "vi":
            return vi_text(scaled(v)), "text_amount"
        if t.numbers == "us":
            return us_text(scaled(v)), "text_amount"
        return scaled(v), "amount"

    for n in order:
        rr = rows[n.name]
        is_parent = bool(n.children) or n is root
        for col in t.cols:
            c = cols[col.id]
            if col.kind == "stt":
                sh.put(rr, c, n.stt or None, "cell_center")
            elif col.kind == "label":
                sh.put(rr, c, n.label or None, "cell_bold" if n.bold else "cell")
            elif col.kind == "text":
                sh.put(rr, c, n.texts.get(col.id), "cell")
            elif col.kind == "amount":
                v = written[n.name].get(col.id)
                overridden = (n.name, col.id) in t.overrides
                if isinstance(v, Formula):
                    sh.put(rr, c, None, "amount", v.text.format(row=rr + 1), cache=False)
                    continue
                if n.blank and not overridden:
                    sh.put(rr, c, None, "amount")
                    continue
                if not overridden and is_parent and t.parents == "formula":
                    kids = [rows[ch.name] for ch in (n.children if n is not root else t.body)]
                    sh.put(rr, c, scaled(_num(v) or 0.0), "amount_bold", _sum_formula(c, kids), t.cache)
                elif not overridden and not is_parent and col.sum_of and t.sums == "formula":
                    parts = "+".join(ref(rr, cols[x]) for x in col.sum_of)
                    sh.put(rr, c, scaled(_num(v) or 0.0), "amount", f"={parts}", t.cache)
                else:
                    value, style = typed(v)
                    if is_parent and t.parents == "blank" and not overridden:
                        value = None
                    sh.put(rr, c, value, style)
            elif col.kind == "rate":
                _put_rate(sh, rr, c, t, n, written[n.name], cols, col, is_parent)
    bottom = max(rows.values()) if rows else r - 1
    return Placed(sh.name, rows, cols, r0, bottom)


def _sum_formula(c: int, kid_rows: list[int]) -> str:
    letters = col_letters(c)
    if kid_rows == list(range(kid_rows[0], kid_rows[0] + len(kid_rows))):
        return f"=SUM({letters}{kid_rows[0] + 1}:{letters}{kid_rows[-1] + 1})"
    return "=" + "+".join(f"{letters}{x + 1}" for x in kid_rows)


def _put_rate(
    sh: Sheet,
    rr: int,
    c: int,
    t: Table,
    n: Node,
    vals: dict[str, Any],
    cols: dict[str, int],
    col: Col,
    is_parent: bool,
) -> None:
    if (n.name, col.id) in t.overrides:
        v = t.overrides[(n.name, col.id)]
        sh.put(
            rr, c, v, "text_amount" if isinstance(v, str) else ("pct" if t.rates == "fraction" else "rate")
        )
        return
    if n.blank or (is_parent and t.parents == "blank"):
        sh.put(rr, c, None, "rate")
        return
    assert col.rate_of is not None
    d_id, a_id = col.rate_of
    d, a = _num(vals.get(d_id)), _num(vals.get(a_id))
    pct = (d or 0.0) / a * 100 if a else None
    a_ref, d_ref = ref(rr, cols[a_id]), ref(rr, cols[d_id])
    if t.rates == "if":
        sh.put(rr, c, pct or 0.0, "rate", f"=IF({a_ref}>0,{d_ref}/{a_ref}*100,0)", t.cache)
    elif t.rates == "div":
        if pct is None:
            sh.put(rr, c, None, "rate")
        else:
            sh.put(rr, c, pct, "rate", f"={d_ref}/{a_ref}*100", t.cache)
    elif t.rates == "fraction":
        sh.put(rr, c, None if pct is None else pct / 100, "pct")
    elif t.rates == "text":
        if pct is None:
            sh.put(rr, c, "-", "text_amount")
        else:
            s = f"{pct:.1f}"
            sh.put(rr, c, s if t.numbers == "us" else s.replace(".", ","), "text_amount")
    else:
        sh.put(rr, c, pct, "rate")


def header_block(
    sh: Sheet,
    r: int,
    c: int,
    width: int,
    *,
    left: Sequence[str] = (),
    title: str = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG",
    period: str | None = "(Số liệu đến ngày 30/9/2023)",
    money: str | None = "Đơn vị tính: triệu đồng",
    place_date: str | None = None,
    republic: bool = True,
) -> int:
    """Plan the block above a table: the agency lines top left (superior, then the unit), the national
    motto top right, an optional place/date line, the title, the period and the money unit. Returns
    the first free row below it (one blank row left)."""
    half = max(2, width // 2 - 1)
    right = c + width - half
    lines = list(left)
    motto = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"] if republic else []
    for i in range(max(len(lines), len(motto))):
        if i < len(lines):
            sh.put(r + i, c, lines[i], "center_bold")
            sh.merge(r + i, c, r + i, c + half - 1)
        if i < len(motto):
            sh.put(r + i, right, motto[i], "center_bold")
            sh.merge(r + i, right, r + i, c + width - 1)
    r += max(len(lines), len(motto), 1)
    if place_date:
        sh.put(r, right, place_date, "center_italic")
        sh.merge(r, right, r, c + width - 1)
    r += 1
    sh.put(r, c, title, "title")
    sh.merge(r, c, r, c + width - 1)
    r += 1
    if period or money:
        if period:
            sh.put(r, c, period, "center_italic")
            sh.merge(r, c, r, c + width - 3)
        if money:
            sh.put(r, c + width - 2, money, "italic")
            sh.merge(r, c + width - 2, r, c + width - 1)
        r += 1
    return r


def signature(
    sh: Sheet, r: int, c: int, width: int, left: str = "NGƯỜI LẬP BIỂU", right: str = "THỦ TRƯỞNG ĐƠN VỊ"
) -> int:
    """Plan a signature line below a table; returns the next free row."""
    sh.put(r + 1, c + 1, left, "center_bold")
    sh.put(r + 1, c + width - 2, right, "center_bold")
    sh.merge(r + 1, c + width - 2, r + 1, c + width - 1)
    return r + 2


def table_items(t: Table, unit: str, period: dt.date) -> list[Item]:
    """The line items a table holds, from the figures it was built from (not from what was typed)."""
    out: list[Item] = []

    def true_vals(n: Node) -> dict[str, float]:
        if n.children:
            acc: dict[str, float] = {}
            for ch in n.children:
                for k, v in true_vals(ch).items():
                    acc[k] = acc.get(k, 0.0) + v
            return acc
        return {k: float(v) for k, v in n.vals.items() if v is not None}

    def visit(n: Node, years: tuple[int, int] | None) -> None:
        years = n.years or years
        if n.item is not None:
            vals = true_vals(n)
            for kc in t.keys:
                y = kc.years or years
                assert y is not None, f"no budget year for {n.label!r}"
                a, d = vals.get(kc.alloc), vals.get(kc.disb)
                if not a and not d:
                    continue
                out.append(
                    Item(
                        unit,
                        y[0],
                        y[1],
                        n.item[0],
                        n.item[1],
                        kc.source,
                        period,
                        a or 0.0,
                        d or 0.0,
                        kc.in_month,
                    )
                )
            return
        for ch in n.children:
            visit(ch, years)

    for n in t.body:
        visit(n, t.years)
    return out


# ---------------------------------------------------------------------------------------------------
# Layout B: the tidy template
# ---------------------------------------------------------------------------------------------------

B_COLUMNS = [
    "Năm ngân sách",
    "Năm thực hiện",
    "Dự án",
    "Tiểu dự án",
    "Nội dung",
    "Nguồn vốn",
    "Kế hoạch vốn",
    "Giải ngân lũy kế",
    "Ghi chú",
]


@dataclass
class BRow:
    """One Layout B row (amounts in triệu đồng)."""

    budget_year: int
    execution_year: int
    project: int
    sub_project: int | None
    content: str
    source: str  # as typed: NSTW, NSĐP
    allocated: float
    disbursed: float
    unit: str = ""
    note: str = ""


def write_layout_b(sh: Sheet, r: int, rows: Sequence[BRow], *, unit_col: bool, as_text: bool = False) -> int:
    """Plan a Layout B table at row ``r``; returns the next free row."""
    heads = (["Đơn vị"] if unit_col else []) + B_COLUMNS
    for j, h in enumerate(heads):
        sh.put(r, j, h, "head")
        sh.widths[j] = 30 if h in ("Nội dung", "Đơn vị") else 13
    for i, row in enumerate(rows, start=1):
        vals: list[Any] = [row.unit] if unit_col else []
        vals += [
            row.budget_year,
            row.execution_year,
            row.project,
            row.sub_project,
            row.content,
            row.source,
            row.allocated,
            row.disbursed,
            row.note or None,
        ]
        for j, v in enumerate(vals):
            if as_text and isinstance(v, int | float) and not isinstance(v, bool):
                v = str(v)
            sh.put(r + i, j, v, "cell")
    return r + len(rows) + 1


def b_items(rows: Sequence[BRow], unit: str, period: dt.date) -> list[Item]:
    """The line items of Layout B rows (``unit`` where a row names none)."""
    src = {"NSTW": "NSTW", "NSĐP": "NSDP", "NSDP": "NSDP"}
    return [
        Item(
            r.unit or unit,
            r.budget_year,
            r.execution_year,
            r.project,
            r.sub_project,
            src[r.source],
            period,
            r.allocated,
            r.disbursed,
        )
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------------
# The answer key
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A line item of the answer key (triệu đồng); ``in_month`` when ``disbursed`` is the month's
    amount only."""

    unit: str
    budget_year: int
    execution_year: int
    project: int
    sub_project: int | None
    source: str
    period: dt.date
    allocated: float
    disbursed: float
    in_month: bool = False

    @property
    def key(self) -> tuple[str, int, int, int, int | None, str]:
        """The line-item key (SPEC 4)."""
        return (self.unit, self.budget_year, self.execution_year, self.project, self.sub_project, self.source)


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month (a period named by month only)."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


MARGIN = 0.04  # how far a rate or a projection must stay from a threshold (fraction of allocation)


def expected_status(
    allocated: float,
    disbursed: float,
    history: Sequence[tuple[dt.date, float]],
    execution_year: int,
    target: float = 1.0,
) -> str:
    """The status at the last period of ``history`` (SPEC 4), refusing figures near a threshold.

    ``history``: (period, cumulative disbursed) of the key, oldest first, ending at the latest.
    Several sensible readings of the run-rate and of "months left" are tried; they must all agree.
    """
    period = history[-1][0]
    if not allocated:
        return "no_allocation" if disbursed else "none"
    if disbursed > allocated + 0.0005:
        assert disbursed > allocated * 1.01, "over-disbursement too small to be unambiguous"
        return "over"
    rate = disbursed / allocated
    if rate >= target - 1e-12:
        return "met"
    assert rate < target - 0.01, "rate too close to the target"
    deadline = dt.date(execution_year, 12, 31)
    if period > deadline:
        return "missed"
    start = dt.date(execution_year, 1, 1)
    days = (dt.date(execution_year + 1, 1, 1) - start).days
    expected_rate = ((period - start).days + 1) / days
    assert abs(rate - expected_rate) >= MARGIN, f"rate {rate:.3f} too close to expected {expected_rate:.3f}"
    if rate < expected_rate:
        return "behind"
    in_year = [(p, d) for p, d in history if p.year == execution_year]
    run_rates: list[float] = []
    if len(in_year) <= 1:
        run_rates.append(disbursed / period.month)
        run_rates.append(disbursed / (((period - start).days + 1) / 30.4375))
    else:
        last_p, last_d = in_year[-1]
        for window in (3, 2):
            pts = [(p, d) for p, d in in_year[:-1] if _months_between(p, last_p) <= window]
            ref_p, ref_d = pts[0] if pts else in_year[-2]
            run_rates.append((last_d - ref_d) / max(1, _months_between(ref_p, last_p)))
    lefts = [
        float(_months_between(period, deadline)),
        (deadline - period).days / 30.4375,
    ]
    verdicts = set()
    for rr in run_rates:
        for left in lefts:
            projection = (disbursed + rr * left) / allocated
            assert abs(projection - target) >= MARGIN, f"projection {projection:.3f} too close to target"
            verdicts.add(projection >= target)
    assert len(verdicts) == 1, "run-rate readings disagree"
    return "on_track" if verdicts.pop() else "at_risk"


def expect(items: Sequence[Item]) -> list[dict[str, Any]]:
    """Latest rows per key, with statuses, from the line items of every file of a variant.

    In-month items become cumulative running sums over the periods. The first item of a key and
    period is the one that counts (a duplicate line is counted once).
    """
    by_key: dict[tuple[str, int, int, int, int | None, str], dict[dt.date, Item]] = {}
    for it in items:
        by_key.setdefault(it.key, {}).setdefault(it.period, it)
    rows: list[dict[str, Any]] = []
    for key, per_period in sorted(by_key.items(), key=lambda kv: repr(kv[0])):
        periods = sorted(per_period)
        history: list[tuple[dt.date, float]] = []
        running = 0.0
        for p in periods:
            it = per_period[p]
            running = running + it.disbursed if it.in_month else it.disbursed
            history.append((p, round(running, 9)))
        last = per_period[periods[-1]]
        disbursed = history[-1][1]
        status = expected_status(last.allocated, disbursed, history, last.execution_year)
        if status == "none":
            continue
        rows.append(
            {
                "unit": key[0],
                "budget_year": key[1],
                "execution_year": key[2],
                "project": key[3],
                "sub_project": key[4],
                "source": key[5],
                "period": periods[-1],
                "allocated": last.allocated,
                "disbursed": disbursed,
                "status": status,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# Variants
# ---------------------------------------------------------------------------------------------------

Finding4 = tuple[str, CellSpec, CellSpec, CellSpec]
Key = tuple[str, int, int, int, int | None, str]


@dataclass
class Variant:
    """One real-world shape of the input, with its answer key.

    ``expected_findings``: (code, file, sheet, cell) that must be reported; file, sheet and cell may
    be :data:`ANY`, a set of acceptable values, or None (the finding names none). ``absent_codes``: codes
    that must not be reported anywhere. ``absent_at``: (code, file) pairs that must not be reported for
    that file. ``optional_keys``: keys the tool may or may not produce (their figures are unreadable
    by design), not checked.
    """

    name: str
    traps: list[str]
    build: Callable[[Path], None]
    expected: list[dict[str, Any]]
    expected_findings: list[Finding4]
    absent_codes: set[str]
    files: list[str]
    books: list[Book]
    optional_keys: set[Key] = field(default_factory=set)
    absent_at: list[tuple[str, str]] = field(default_factory=list)
    needs_soffice: bool = False


def _traps_of(doc: str | None) -> list[str]:
    """The "- " lines of a build function's docstring."""
    traps: list[str] = []
    for line in (doc or "").splitlines():
        s = line.strip()
        if s.startswith("- "):
            traps.append(s[2:].strip())
        elif traps and s and not s.startswith("-"):
            traps[-1] += " " + s
    return traps


def _row_key(row: dict[str, Any]) -> Key:
    return (
        row["unit"],
        row["budget_year"],
        row["execution_year"],
        row["project"],
        row["sub_project"],
        row["source"],
    )


def variant(
    name: str,
    books: list[Book],
    doc: str | None,
    items: Sequence[Item],
    findings: Sequence[Finding4] = (),
    *,
    allow: Sequence[str] = (),
    optional: Sequence[Key] = (),
    absent_at: Sequence[tuple[str, str]] = (),
) -> Variant:
    """Make a variant whose build writes ``books``; ``doc`` lists the planted traps (one "- " line
    each) and becomes the build function's docstring. Codes planted in ``findings`` or listed in
    ``allow`` are not required to be absent."""

    def build(folder: Path) -> None:
        save_books(folder, books)

    assert doc and _traps_of(doc), f"variant {name} lists no traps"
    build.__doc__ = doc
    build.__name__ = f"build_{name}"
    planted = {f[0] for f in findings}
    needs = any(b.resave for b in books)
    optional_set = set(optional)
    rows = [r for r in expect(items) if _row_key(r) not in optional_set]
    return Variant(
        name=name,
        traps=_traps_of(doc),
        build=build,
        expected=rows,
        expected_findings=list(findings),
        absent_codes=set(CHECKED_CODES - planted - set(allow)),
        files=[b.path for b in books],
        books=books,
        optional_keys=set(optional),
        absent_at=list(absent_at),
        needs_soffice=needs,
    )


P9 = dt.date(2023, 9, 30)
Y22 = (2022, 2023)  # carried over from 2022 into 2023
Y23 = (2023, 2023)
MOTTO_WIDTH_MIN = 4

DA2 = "Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo"
DA3 = "Dự án 3: Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng"
DA4 = "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững"
DA5 = "Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo"
DA6 = "Dự án 6: Truyền thông và giảm nghèo về thông tin"
DA7 = "Dự án 7: Nâng cao năng lực và giám sát, đánh giá thực hiện Chương trình"
TDA31 = "Tiểu dự án 1: Hỗ trợ phát triển sản xuất"
TDA32 = "Tiểu dự án 2: Cải thiện dinh dưỡng"
TDA41 = "Tiểu dự án 1: Giáo dục nghề nghiệp"
TDA42 = "Tiểu dự án 2: Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng"
TDA43 = "Tiểu dự án 3: Hỗ trợ việc làm bền vững"
TDA61 = "Tiểu dự án 1: Giảm nghèo về thông tin"
TDA62 = "Tiểu dự án 2: Truyền thông về giảm nghèo đa chiều"
TDA71 = "Tiểu dự án 1: Nâng cao năng lực"
TDA72 = "Tiểu dự án 2: Giám sát, đánh giá"


def sheet_a(
    name: str,
    left: Sequence[str],
    t: Table,
    *,
    period: str | None = "(Số liệu đến ngày 30/9/2023)",
    money: str | None = "Đơn vị tính: triệu đồng",
    title: str = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG",
    place_date: str | None = None,
    sign: bool = True,
    r0: int = 0,
) -> tuple[Sheet, Placed]:
    """A sheet with the usual header block, one Layout A table and a signature line; ``r0`` empty
    rows above it all."""
    sh = Sheet(name)
    width = max(len(t.cols), MOTTO_WIDTH_MIN)
    r = header_block(
        sh, r0, 0, width, left=left, title=title, period=period, money=money, place_date=place_date
    )
    placed = write_table(sh, r, 0, t)
    if sign:
        signature(sh, placed.bottom + 1, 0, width)
    return sh, placed


# ---- 1 ---------------------------------------------------------------------------------------------


def v_standard_split() -> Variant:
    """The standard form, as the Lạng Sơn Department of Information and Communications fills it.

    - two-row merged header "Kế hoạch vốn được giao" / "Giải ngân lũy kế đến 30/9/2023" over
      Tổng số / NSTW / NSĐP, and a column-number row (A, B, 1 ... 7=4/1)
    - TỔNG CỘNG on top; sections I (2022 funds carried into 2023) and II (2023 funds)
    - parent rows, Tổng số and the rate are formulas with cached values (saved by Excel)
    - the carried-over sub-project has two activity rows ("+") under its own figures: not counted twice
    - an NSĐP column empty for a sub-project gives no NSDP key; NSĐP allocated but nothing disbursed
      gives a key with 0 disbursed
    - the file name carries the period in words ("Báo cáo tháng 9 năm 2023 (sửa).xlsx")
    """
    unit = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    t = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        number_row=True,
        parents="formula",
        sums="formula",
        rates="if",
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(
                    DA6,
                    "1",
                    item(
                        TDA61,
                        "-",
                        (6, 1),
                        activity(
                            "Thiết lập mới, nâng cấp Đài truyền thanh ứng dụng công nghệ thông tin - viễn thông",
                            a_tw=1200,
                            a_dp=120,
                            d_tw=1100,
                            d_dp=120,
                        ),
                        activity(
                            "Sản xuất, biên tập các sản phẩm báo chí, phát thanh, truyền hình",
                            a_tw=351,
                            d_tw=320,
                        ),
                    ),
                ),
                project(DA7, "2", item(TDA72, "-", (7, 2), a_tw=20.6, d_tw=20.6)),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(DA6, "1", item(TDA61, "-", (6, 1), a_tw=6595, a_dp=330, d_tw=3100, d_dp=0)),
                project(DA7, "2", item(TDA72, "-", (7, 2), a_tw=21, d_tw=21)),
            ),
        ],
    )
    sh, _ = sheet_a("Biểu 01", ["UBND TỈNH LẠNG SƠN", unit], t)
    books = [Book("Báo cáo tháng 9 năm 2023 (sửa).xlsx", [sh])]
    return variant("standard_split", books, v_standard_split.__doc__, table_items(t, unit, P9))


# ---- 2 ---------------------------------------------------------------------------------------------


def v_single_header_no_split() -> Variant:
    """One header row, no source split, no column-number row, plain values written by a program.

    - single header row "STT | Nội dung | Kế hoạch vốn | Giải ngân | Tỷ lệ (%) | Ghi chú"
    - no source split: every key's source is ALL
    - no column-number row; total row "Tổng cộng" on top; parents are plain values (openpyxl)
    - "Vốn năm 2022 chuyển sang năm 2023" section and "Vốn năm 2023" section
    """
    unit = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    t = Table(
        cols=cols_all(),
        total="Tổng cộng",
        body=[
            section(
                "Vốn năm 2022 chuyển sang năm 2023",
                "I",
                Y22,
                project(DA4, "1", item(TDA43, "-", (4, 3), a=850, d=850)),
                project(DA7, "2", item(TDA71, "-", (7, 1), a=120, d=30)),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                item(DA2, "1", (2, None), a=2400, d=2150),
                project(
                    DA4, "2", item(TDA41, "-", (4, 1), a=1800, d=600), item(TDA43, "-", (4, 3), a=950, d=900)
                ),
            ),
        ],
    )
    sh, _ = sheet_a("Sheet1", ["UBND TỈNH CAO BẰNG", unit], t, period="Tháng 9/2023")
    books = [Book("2023-09.xlsx", [sh], engine="openpyxl")]
    return variant(
        "single_header_no_split", books, v_single_header_no_split.__doc__, table_items(t, unit, P9)
    )


# ---- 3 ---------------------------------------------------------------------------------------------


def v_header_offset() -> Variant:
    """The table starts at column C under an eight-row header block.

    - columns A and B and rows 1-2 are empty; the header block and the table start at C3
    - eight rows above the table: agency lines, a document number ("Số: 215/BC-BDT"), a place/date
      line ("Sơn La, ngày 06 tháng 10 năm 2023"), a two-line title, an attachment note naming another
      date ("ngày 06/10/2023"), then "Số liệu đến ngày 30/9/2023": only the last is the period
    - split sources with a column-number row; parents as cached formulas (saved by Excel)
    """
    unit = "BAN DÂN TỘC"
    t = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        number_row=True,
        parents="formula",
        sums="formula",
        rates="if",
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(DA3, "1", item(TDA31, "-", (3, 1), a_tw=900, a_dp=90, d_tw=900, d_dp=45)),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(
                    DA3,
                    "1",
                    item(TDA31, "-", (3, 1), a_tw=2500, d_tw=2200),
                    item(TDA32, "-", (3, 2), a_tw=400, a_dp=40, d_tw=100, d_dp=10),
                ),
                item(DA5, "2", (5, None), a_tw=3000, a_dp=300, d_tw=3000, d_dp=300),
            ),
        ],
    )
    sh = Sheet("BC Q3")
    c0, width = 2, len(t.cols)
    right = c0 + width - 4
    lines: list[tuple[int, int, str, str, int]] = [
        (0, c0, "UBND TỈNH SƠN LA", "center_bold", 3),
        (0, right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center_bold", 4),
        (1, c0, unit, "center_bold", 3),
        (1, right, "Độc lập - Tự do - Hạnh phúc", "center_bold", 4),
        (3, c0, "Số: 215/BC-BDT", "center", 3),
        (3, right, "Sơn La, ngày 06 tháng 10 năm 2023", "center_italic", 4),
        (4, c0, "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP", "title", width),
        (5, c0, "CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG", "title", width),
        (
            6,
            c0,
            "(Kèm theo Báo cáo số 215/BC-BDT ngày 06/10/2023 của Ban Dân tộc tỉnh Sơn La)",
            "center_italic",
            width,
        ),
        (7, c0, "Số liệu đến ngày 30/9/2023", "center_italic", width - 3),
        (7, c0 + width - 3, "Đơn vị tính: triệu đồng", "italic", 3),
    ]
    top = 2  # two empty rows above the block as well as two empty columns before it
    for r, c, text, style, span in lines:
        sh.put(top + r, c, text, style)
        sh.merge(top + r, c, top + r, c + span - 1)
    placed = write_table(sh, top + 8, c0, t)
    signature(sh, placed.bottom + 1, c0, width, right="KT. TRƯỞNG BAN")
    sh.widths[0] = sh.widths[1] = 3
    books = [Book("BDT Son La - bao cao giai ngan.xlsx", [sh])]
    return variant("header_offset_column_c", books, v_header_offset.__doc__, table_items(t, unit, P9))


# ---- 4 ---------------------------------------------------------------------------------------------


def v_no_diacritics_upper() -> Variant:
    """Everything typed without diacritics and in upper case.

    - header "KE HOACH VON" / "GIAI NGAN" over "TONG SO | NSTW | NSDP", "TY LE GIAI NGAN (%)"
    - rows "DU AN 3: HO TRO ...", "TIEU DU AN 1: ...", sections "VON NAM 2022 KEO DAI SANG NAM 2023"
    - header block "SO NONG NGHIEP VA PTNT", "(SO LIEU DEN NGAY 30/9/2023)", "DON VI TINH: TRIEU DONG"
    - plain values written by a program (openpyxl)
    """
    unit = "SO NONG NGHIEP VA PTNT"
    t = Table(
        cols=cols_split(
            alloc="KE HOACH VON",
            disb="GIAI NGAN",
            rate="TY LE GIAI NGAN (%)",
            note="GHI CHU",
            total="TONG SO",
            dp="NSDP",
            label="NOI DUNG",
        ),
        keys=KEYS_SPLIT,
        number_row=True,
        total="TONG CONG",
        body=[
            section(
                "VON NAM 2022 KEO DAI SANG NAM 2023",
                "I",
                Y22,
                project(
                    "DU AN 3: HO TRO PHAT TRIEN SAN XUAT, CAI THIEN DINH DUONG",
                    "1",
                    item(
                        "TIEU DU AN 1: HO TRO PHAT TRIEN SAN XUAT",
                        "-",
                        (3, 1),
                        a_tw=1200,
                        a_dp=120,
                        d_tw=1200,
                        d_dp=60,
                    ),
                ),
            ),
            section(
                "VON NAM 2023",
                "II",
                Y23,
                item(
                    "DU AN 2: DA DANG HOA SINH KE, PHAT TRIEN MO HINH GIAM NGHEO",
                    "1",
                    (2, None),
                    a_tw=3000,
                    d_tw=2700,
                ),
                project(
                    "DU AN 3: HO TRO PHAT TRIEN SAN XUAT, CAI THIEN DINH DUONG",
                    "2",
                    item(
                        "TIEU DU AN 1: HO TRO PHAT TRIEN SAN XUAT",
                        "-",
                        (3, 1),
                        a_tw=4000,
                        a_dp=400,
                        d_tw=1000,
                        d_dp=100,
                    ),
                    item("TIEU DU AN 2: CAI THIEN DINH DUONG", "-", (3, 2), a_tw=500, d_tw=450),
                ),
            ),
        ],
    )
    sh, _ = sheet_a(
        "BIEU 01",
        ["UBND TINH DIEN BIEN", unit],
        t,
        title="BIEU TONG HOP TINH HINH GIAI NGAN VON SU NGHIEP CTMTQG GIAM NGHEO BEN VUNG",
        period="(SO LIEU DEN NGAY 30/9/2023)",
        money="DON VI TINH: TRIEU DONG",
    )
    books = [Book("SNN Dien Bien 09.2023.xlsx", [sh], engine="openpyxl")]
    return variant("no_diacritics_upper_case", books, v_no_diacritics_upper.__doc__, table_items(t, unit, P9))


# ---- 5 ---------------------------------------------------------------------------------------------


def v_line_breaks() -> Variant:
    """Header labels broken over lines and padded with double spaces; the rate as a percentage.

    - "Kế hoạch vốn\\nđược giao", "Lũy kế  giải ngân\\nđến 30/9/2023", "Tổng\\nsố", "Nội  dung"
    - the rate column "Tỷ lệ\\ngiải ngân" holds fractions formatted 0.0% (0.9 shows as 90,0%)
    - the period is "Tháng 9 năm 2023" in the header block
    - split sources; parents as plain values; saved by Excel (xlsxwriter)
    """
    unit = "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    t = Table(
        cols=cols_split(
            alloc="Kế hoạch vốn\nđược giao",
            disb="Lũy kế  giải ngân\nđến 30/9/2023",
            rate="Tỷ lệ\ngiải ngân",
            total="Tổng\nsố",
            label="Nội  dung\n(Dự án, tiểu dự án)",
        ),
        keys=KEYS_SPLIT,
        rates="fraction",
        body=[
            section(
                "Vốn năm 2022\nkéo dài sang năm 2023",
                "I",
                Y22,
                project(DA4, "1", item(TDA43, "-", (4, 3), a_tw=200, d_tw=100)),
            ),
            section(
                "Vốn  năm 2023",
                "II",
                Y23,
                project(
                    DA4,
                    "1",
                    item(TDA41, "-", (4, 1), a_tw=1500, a_dp=150, d_tw=1350, d_dp=135),
                    item(TDA43, "-", (4, 3), a_tw=600, d_tw=120),
                ),
                project(DA6, "2", item(TDA62, "-", (6, 2), a_tw=300, d_tw=300)),
            ),
        ],
    )
    sh, _ = sheet_a("Tháng 9", ["UBND HUYỆN BẢO LẠC", unit], t, period="Tháng 9 năm 2023")
    books = [Book("Phong LDTBXH Bao Lac.xlsx", [sh])]
    return variant("header_line_breaks", books, v_line_breaks.__doc__, table_items(t, unit, P9))


# ---- 6 ---------------------------------------------------------------------------------------------


def v_abbreviations() -> Variant:
    """Abbreviated labels and the common typo.

    - header "KH vốn" and "Đã giải ngân"; period "Tháng 9/2023"
    - rows "DA 3", "DA6", "TDA 1", "TDA 2" and the typo "Tiêu dự án 1" / "Tiêu dự án 2"
    - section "Nguồn vốn năm 2022 chuyển sang" (no year it was extended into: 2023 by default)
    - total row "Cộng" at the bottom
    """
    unit = "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"
    t = Table(
        cols=cols_all(alloc="KH vốn", disb="Đã giải ngân", note=None),
        total="Cộng",
        total_at="bottom",
        body=[
            section(
                "Nguồn vốn năm 2022 chuyển sang",
                "I",
                Y22,
                project(
                    "DA 3: HTPT sản xuất, cải thiện dinh dưỡng",
                    "1",
                    item("Tiêu dự án 1: Hỗ trợ phát triển sản xuất", "-", (3, 1), a=700, d=700),
                ),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(
                    "DA6: Truyền thông và giảm nghèo về thông tin",
                    "1",
                    item("TDA 2: Truyền thông đa chiều", "-", (6, 2), a=450, d=90),
                ),
                project(
                    "DA 3: HTPT sản xuất, cải thiện dinh dưỡng",
                    "2",
                    item("TDA 1: Hỗ trợ PTSX", "-", (3, 1), a=2600, d=2340),
                    item("Tiêu dự án 2: Cải thiện dinh dưỡng", "-", (3, 2), a=800, d=200),
                ),
            ),
        ],
    )
    sh, _ = sheet_a("T9", ["UBND TỈNH LAI CHÂU", unit], t, period="Tháng 9/2023")
    books = [Book("SNN LC T9.xlsx", [sh], engine="openpyxl")]
    return variant("abbreviations_and_typo", books, v_abbreviations.__doc__, table_items(t, unit, P9))


# ---- 7 ---------------------------------------------------------------------------------------------


def v_extra_columns() -> Variant:
    """Extra columns placed between the amount columns.

    - "Đơn vị thực hiện" (text) between Nội dung and the allocation
    - "Khối lượng thực hiện" (a numeric column, larger than the disbursement) between the allocation
      and the disbursement: not the disbursement
    - "Ghi chú" between the disbursement and the rate; STT header "TT"
    """
    unit = "SỞ Y TẾ"
    cols = [
        Col("stt", "TT", kind="stt", width=5),
        Col("label", "Nội dung", kind="label", width=45),
        Col("exec", "Đơn vị thực hiện", kind="text", width=22),
        Col("a", "Kế hoạch vốn được giao"),
        Col("kl", "Khối lượng thực hiện"),
        Col("d", "Giải ngân lũy kế"),
        Col("note", "Ghi chú", kind="text", width=18),
        Col("rate", "Tỷ lệ (%)", kind="rate", rate_of=("d", "a")),
    ]
    t = Table(
        cols=cols,
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(
                    DA3,
                    "1",
                    item(
                        TDA32,
                        "-",
                        (3, 2),
                        a=560,
                        kl=560,
                        d=560,
                        texts={"exec": "Trung tâm Kiểm soát bệnh tật"},
                    ),
                ),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(
                    DA3,
                    "1",
                    item(
                        TDA32,
                        "-",
                        (3, 2),
                        a=1900,
                        kl=1500,
                        d=760,
                        texts={"exec": "Trung tâm Kiểm soát bệnh tật", "note": "Đang làm thủ tục thanh toán"},
                    ),
                ),
                project(
                    DA7, "2", item(TDA71, "-", (7, 1), a=250, kl=240, d=225, texts={"exec": "Văn phòng Sở"})
                ),
            ),
        ],
    )
    sh, _ = sheet_a("Giải ngân", ["UBND TỈNH ĐIỆN BIÊN", unit], t)
    books = [Book("So Y te - giai ngan 30.9.2023.xlsx", [sh])]
    return variant("extra_columns_between_amounts", books, v_extra_columns.__doc__, table_items(t, unit, P9))


# ---- 8 ---------------------------------------------------------------------------------------------


def v_stt_not_project_numbers() -> Variant:
    """STT numbers that are not project numbers, and sub-projects with no project row above them.

    - STT "1" is Dự án 4, its sub-projects are numbered "1.1", "1.2"
    - "Tiểu dự án 2: Giám sát, đánh giá" (STT "2") sits directly under the year section, after Dự án
      4's sub-projects: it is project 7's (its name says so), not project 4's
    - "Dự án 7 - Tiểu dự án 1: Nâng cao năng lực" names project and sub-project in one label
    - total row "Cộng" at the bottom
    """
    unit = "UBND HUYỆN XÍN MẦN"
    t = Table(
        cols=cols_all(),
        total="Cộng",
        total_at="bottom",
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(
                    DA4,
                    "1",
                    item(TDA41, "1.1", (4, 1), a=1300, d=1170),
                    item(TDA43, "1.2", (4, 3), a=400, d=80),
                ),
                item(TDA72, "2", (7, 2), a=90, d=90),
                item("Dự án 7 - Tiểu dự án 1: Nâng cao năng lực", "3", (7, 1), a=150, d=30),
                item(DA2, "4", (2, None), a=2000, d=1800),
            ),
        ],
    )
    sh, _ = sheet_a("Xín Mần", ["UBND TỈNH HÀ GIANG", unit], t, period="Số liệu đến ngày 30/9/2023")
    books = [Book("Xin Man_2023-09.xlsx", [sh], engine="openpyxl")]
    return variant(
        "stt_not_project_numbers", books, v_stt_not_project_numbers.__doc__, table_items(t, unit, P9)
    )


# ---- 9 ---------------------------------------------------------------------------------------------


def v_activities_only() -> Variant:
    """Sub-projects without figures of their own: their activities carry them.

    - "Tiểu dự án 1" and "Tiểu dự án 3" rows are empty; the "+" activity rows under them hold the
      figures, so each sub-project is the sum of its activities
    - some activities are marked "+" in the STT column, one has the "+ " inside its label instead
    - project rows and TỔNG CỘNG hold the sums; split sources; the period is "Quý III/2023"
    """
    unit = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    t = Table(
        cols=cols_split(disb="Giải ngân lũy kế"),
        keys=KEYS_SPLIT,
        number_row=True,
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(
                    DA4,
                    "1",
                    item(
                        TDA41,
                        "-",
                        (4, 1),
                        activity("Đào tạo nghề cho lao động nông thôn", a_tw=400, d_tw=400),
                        blank=True,
                    ),
                ),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(
                    DA4,
                    "1",
                    item(
                        TDA41,
                        "-",
                        (4, 1),
                        activity("Đào tạo nghề cho lao động nông thôn", a_tw=800, a_dp=80, d_tw=720, d_dp=72),
                        activity(
                            "Nâng cấp cơ sở vật chất trường trung cấp",
                            a_tw=1200,
                            a_dp=120,
                            d_tw=1080,
                            d_dp=108,
                        ),
                        blank=True,
                    ),
                    item(
                        TDA43,
                        "-",
                        (4, 3),
                        activity("Kết nối cung cầu lao động", a_tw=300, d_tw=60),
                        activity("+ Xây dựng cơ sở dữ liệu thị trường lao động", "", a_tw=200, d_tw=40),
                        blank=True,
                    ),
                ),
            ),
        ],
    )
    sh, _ = sheet_a("Quý III", ["UBND TỈNH BẮC KẠN", unit], t, period="Quý III/2023")
    books = [Book("LDTBXH Bac Kan quy 3.xlsx", [sh])]
    return variant("activities_only", books, v_activities_only.__doc__, table_items(t, unit, P9))


# ---- 10 --------------------------------------------------------------------------------------------


def v_sheet_per_year() -> Variant:
    """A sheet per budget year in one workbook, no year sections inside.

    - sheet "Năm 2022 chuyển sang" holds the 2022 funds carried into 2023, sheet "Năm 2023" the 2023
      funds; each sheet has its own header block and title naming the year
    - the period line of both sheets says 2023: the budget year comes from the sheet, not the period
    - split sources; parents as cached formulas
    """
    unit = "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    t22 = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        years=Y22,
        parents="formula",
        sums="formula",
        rates="if",
        body=[
            item(DA2, "1", (2, None), a_tw=1000, a_dp=100, d_tw=1000, d_dp=100),
            project(DA3, "2", item(TDA32, "-", (3, 2), a_tw=300, d_tw=60)),
        ],
    )
    t23 = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        years=Y23,
        parents="formula",
        sums="formula",
        rates="if",
        body=[
            item(DA2, "1", (2, None), a_tw=2800, a_dp=280, d_tw=2520, d_dp=252),
            project(DA6, "2", item(TDA61, "-", (6, 1), a_tw=700, d_tw=140)),
        ],
    )
    left = ["UBND TỈNH TUYÊN QUANG", unit]
    sh22, _ = sheet_a(
        "Năm 2022 chuyển sang",
        left,
        t22,
        title="GIẢI NGÂN VỐN SỰ NGHIỆP CTMTQG GIẢM NGHÈO BỀN VỮNG - NGUỒN VỐN NĂM 2022 CHUYỂN SANG NĂM 2023",
    )
    sh23, _ = sheet_a(
        "Năm 2023", left, t23, title="GIẢI NGÂN VỐN SỰ NGHIỆP CTMTQG GIẢM NGHÈO BỀN VỮNG - NGUỒN VỐN NĂM 2023"
    )
    books = [Book("2023-09 SGDDT.xlsx", [sh22, sh23])]
    items = table_items(t22, unit, P9) + table_items(t23, unit, P9)
    return variant("sheet_per_budget_year", books, v_sheet_per_year.__doc__, items)


# ---- 11 --------------------------------------------------------------------------------------------


def v_carry_over_columns() -> Variant:
    """Carried-over funds as a column group beside the year's own funds.

    - group "Kế hoạch vốn năm trước được phép kéo dài sang năm 2023" over "Kế hoạch vốn | Giải ngân",
      beside group "Kế hoạch năm 2023" over "Kế hoạch vốn | Giải ngân"
    - the same row gives a 2022 key and a 2023 key; a row with nothing carried over gives no 2022 key
    - no year sections; a column-number row; plain values (openpyxl)
    """
    unit = "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"
    g22 = "Kế hoạch vốn năm trước được phép kéo dài sang năm 2023"
    g23 = "Kế hoạch năm 2023"
    cols = [
        Col("stt", "STT", kind="stt", num="A", width=6),
        Col("label", "Nội dung", kind="label", num="B", width=45),
        Col("a22", g22, "Kế hoạch vốn", num="1"),
        Col("d22", g22, "Giải ngân", num="2"),
        Col("a23", g23, "Kế hoạch vốn", num="3"),
        Col("d23", g23, "Giải ngân", num="4"),
        Col("note", "Ghi chú", kind="text", num="5"),
    ]
    t = Table(
        cols=cols,
        keys=[KeyCol("ALL", "a22", "d22", years=Y22), KeyCol("ALL", "a23", "d23", years=Y23)],
        number_row=True,
        body=[
            project(
                DA6,
                "1",
                item(TDA61, "-", (6, 1), a22=500, d22=450, a23=1200, d23=300),
                item(TDA62, "-", (6, 2), a23=400, d23=400),
            ),
            project(DA7, "2", item(TDA72, "-", (7, 2), a22=60, d22=60, a23=80, d23=0)),
        ],
    )
    sh, _ = sheet_a("Sheet1", ["UBND TỈNH TUYÊN QUANG", unit], t)
    books = [Book("SVHTTDL 30.9.2023.xlsx", [sh], engine="openpyxl")]
    return variant("carry_over_column_group", books, v_carry_over_columns.__doc__, table_items(t, unit, P9))


# ---- 12 --------------------------------------------------------------------------------------------


def v_in_month_and_cumulative() -> Variant:
    """In-month and cumulative disbursement side by side, over two monthly files.

    - columns "Giải ngân tháng báo cáo" and "Lũy kế từ đầu năm đến tháng báo cáo" (the cumulative one
      does not say "giải ngân"); they agree (September's in-month = the rise of the cumulative)
    - the budget year is only in the allocation header "Kế hoạch vốn năm 2023"
    - one key disbursed little in September: on pace today but its run-rate misses the target (at_risk)
    """
    unit = "UBND HUYỆN BẮC HÀ"
    cols = [
        Col("stt", "STT", kind="stt", width=6),
        Col("label", "Nội dung", kind="label", width=45),
        Col("a", "Kế hoạch vốn năm 2023"),
        Col("m", "Giải ngân tháng báo cáo"),
        Col("d", "Lũy kế từ đầu năm đến tháng báo cáo"),
        Col("rate", "Tỷ lệ (%)", kind="rate", rate_of=("d", "a")),
    ]
    months = {
        8: {"da2": (90, 800), "t1": (200, 1500), "t2": (50, 100), "da5": (0, 700)},
        9: {"da2": (10, 810), "t1": (300, 1800), "t2": (50, 150), "da5": (0, 700)},
    }
    books: list[Book] = []
    items: list[Item] = []
    for m, v in months.items():
        t = Table(
            cols=cols,
            years=Y23,
            parents="formula",
            rates="if",
            body=[
                item(DA2, "1", (2, None), a=1000, m=v["da2"][0], d=v["da2"][1]),
                project(
                    DA3,
                    "2",
                    item(TDA31, "-", (3, 1), a=2000, m=v["t1"][0], d=v["t1"][1]),
                    item(TDA32, "-", (3, 2), a=500, m=v["t2"][0], d=v["t2"][1]),
                ),
                item(DA5, "3", (5, None), a=700, m=v["da5"][0], d=v["da5"][1]),
            ],
        )
        period = month_end(2023, m)
        sh, _ = sheet_a(
            f"T{m}", ["UBND TỈNH LÀO CAI", unit], t, period=f"(Số liệu đến ngày {period.day}/{m}/2023)"
        )
        books.append(Book(f"Bac Ha T{m}.2023.xlsx", [sh]))
        items += table_items(t, unit, period)
    return variant("in_month_and_cumulative", books, v_in_month_and_cumulative.__doc__, items)


# ---- 13 --------------------------------------------------------------------------------------------


def v_in_month_only() -> Variant:
    """Only the month's disbursement, over three monthly files: the cumulative is the running sum.

    - column "Giải ngân trong tháng" and no cumulative column, in T1, T2 and T3 of 2023
    - a month with nothing disbursed for one key (0 typed), and a key reaching 100% in March
    - periods "Tháng 1/2023" ... "Tháng 3/2023" (month ends), plain values (openpyxl)
    """
    unit = "UBND HUYỆN PHONG THỔ"
    cols = [
        Col("stt", "STT", kind="stt", width=6),
        Col("label", "Nội dung", kind="label", width=45),
        Col("a", "Kế hoạch vốn năm 2023"),
        Col("m", "Giải ngân trong tháng"),
        Col("note", "Ghi chú", kind="text"),
    ]
    months = {1: (120, 10, 100), 2: (130, 0, 100), 3: (150, 20, 100)}
    books: list[Book] = []
    items: list[Item] = []
    for m, (da2, t41, t43) in months.items():
        t = Table(
            cols=cols,
            keys=[KeyCol("ALL", "a", "m", in_month=True)],
            years=Y23,
            body=[
                item(DA2, "1", (2, None), a=1200, m=da2),
                project(
                    DA4, "2", item(TDA41, "-", (4, 1), a=800, m=t41), item(TDA43, "-", (4, 3), a=300, m=t43)
                ),
            ],
        )
        sh, _ = sheet_a(f"Tháng {m}", ["UBND TỈNH LAI CHÂU", unit], t, period=f"Tháng {m}/2023")
        books.append(Book(f"T{m}-2023.xlsx", [sh], engine="openpyxl"))
        items += table_items(t, unit, month_end(2023, m))
    return variant("in_month_only_three_files", books, v_in_month_only.__doc__, items)


# ---- 14 --------------------------------------------------------------------------------------------


def v_money_units() -> Variant:
    """Amounts in nghìn đồng in one unit's file and in đồng in another's, same folder.

    - "Đơn vị tính: nghìn đồng": 350.500 nghìn đồng is 350,5 triệu đồng
    - "ĐVT: đồng": 2.345.678.000 đồng is 2.345,678 triệu đồng
    - two units of one province in one folder, each named by its header block
    """
    left_a = ["UBND TỈNH THANH HÓA", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"]
    left_b = ["UBND TỈNH THANH HÓA", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"]
    ta = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        factor=1000.0,
        parents="formula",
        sums="formula",
        rates="if",
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(
                    DA4,
                    "1",
                    item(TDA42, "-", (4, 2), a_tw=350.5, d_tw=315.45),
                    item(TDA43, "-", (4, 3), a_tw=1250.75, a_dp=125, d_tw=250.15, d_dp=25),
                ),
            )
        ],
    )
    tb = Table(
        cols=cols_all(alloc="Kế hoạch vốn giao", disb="Giải ngân lũy kế"),
        factor=1_000_000.0,
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a=1500, d=300.5),
                project(DA3, "2", item(TDA31, "-", (3, 1), a=2345.678, d=2345.678)),
            )
        ],
    )
    sha, _ = sheet_a("LĐTBXH", left_a, ta, money="Đơn vị tính: nghìn đồng")
    shb, _ = sheet_a("SNN", left_b, tb, money="ĐVT: đồng")
    books = [Book("BC thang 9 - LDTBXH.xlsx", [sha]), Book("BC thang 9 - SNN.xlsx", [shb], engine="openpyxl")]
    items = table_items(ta, left_a[1], P9) + table_items(tb, left_b[1], P9)
    return variant("money_units_nghin_and_dong", books, v_money_units.__doc__, items)


# ---- 15 --------------------------------------------------------------------------------------------


def v_text_numbers() -> Variant:
    """Amounts typed as text: the number convention is decided per file.

    - "meo-vac.xlsx": US style ("1,571.6", "20.6", rates "90.3"): "1,551" there is 1551
    - "so-tttt.xlsx": only ambiguous cells ("1.551", "1.395") and one Vietnamese decimal "20,6": the
      file is Vietnamese, 1.551 is 1551, and no ambiguity is reported
    - "dong-van.xlsx": every amount ambiguous ("2.450", "6.616") or plain ("320"): read the Vietnamese
      way (the legal convention) with an ambiguous_number warning at the first ambiguous cell
    - "-" means zero
    """
    f1, f2, f3 = "meo-vac.xlsx", "so-tttt.xlsx", "dong-van.xlsx"
    u1, u2, u3 = "UBND HUYỆN MÈO VẠC", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "UBND HUYỆN ĐỒNG VĂN"
    t1 = Table(
        cols=cols_all(disb="Giải ngân lũy kế", note=None),
        total="Tổng cộng",
        numbers="us",
        rates="text",
        body=[
            section(
                "Nguồn vốn năm 2022 chuyển sang năm 2023",
                "I",
                Y22,
                project(DA6, "1", item(TDA61, "-", (6, 1), a=1551, d=1400)),
                project(DA7, "2", item(TDA72, "-", (7, 2), a=20.6, d=20.6)),
            )
        ],
    )
    t2 = Table(
        cols=cols_all(disb="Giải ngân lũy kế", rate=None, note=None),
        total=None,
        numbers="vi",
        parents="blank",
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(DA6, "1", item(TDA61, "-", (6, 1), a=1551, d=1395)),
                project(DA7, "2", item(TDA72, "-", (7, 2), a=20.6, d=0)),
            )
        ],
    )
    t3 = Table(
        cols=cols_all(disb="Giải ngân lũy kế", rate=None, note=None),
        total=None,
        numbers="vi",
        parents="blank",
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a=2450, d=1225, name="da2"),
                project(
                    DA3, "2", item(TDA31, "-", (3, 1), a=6616, d=6616), item(TDA32, "-", (3, 2), a=320, d=160)
                ),
            )
        ],
    )
    sh1, _ = sheet_a("Mèo Vạc", ["UBND TỈNH HÀ GIANG", u1], t1)
    sh2, _ = sheet_a("STTTT", ["UBND TỈNH LẠNG SƠN", u2], t2)
    sh3, p3 = sheet_a("Đồng Văn", ["UBND TỈNH HÀ GIANG", u3], t3)
    books = [Book(f1, [sh1], engine="openpyxl"), Book(f2, [sh2]), Book(f3, [sh3])]
    items = table_items(t1, u1, P9) + table_items(t2, u2, P9) + table_items(t3, u3, P9)
    return variant(
        "text_numbers_per_file_convention",
        books,
        v_text_numbers.__doc__,
        items,
        [("ambiguous_number", f3, sh3.name, p3.ref("da2", "a"))],
        absent_at=[("ambiguous_number", f1), ("ambiguous_number", f2)],
    )


# ---- 16 --------------------------------------------------------------------------------------------


def v_text_and_negative() -> Variant:
    """Text where an amount should be, and a negative amount in brackets.

    - "đang cập nhật" typed in a disbursement cell: not_a_number there, the other rows still read
    - "(50)" typed in a disbursement cell: a negative amount, reported as negative_amount
    - parent rows carry no figures and there is no total row (nothing to check them against)
    - three empty rows above the header block: the cells named must still be the sheet's own
    """
    unit = "UBND HUYỆN SÌN HỒ"
    t = Table(
        cols=cols_all(disb="Giải ngân lũy kế", rate=None),
        total=None,
        parents="blank",
        overrides={("t31", "d"): "đang cập nhật", ("t32", "d"): "(50)"},
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a=1500, d=1350),
                project(
                    DA3,
                    "2",
                    item(TDA31, "-", (3, 1), a=900, d=0, name="t31"),
                    item(TDA32, "-", (3, 2), a=400, d=0, name="t32"),
                ),
                project(DA7, "3", item(TDA71, "-", (7, 1), a=200, d=40)),
            )
        ],
    )
    sh, p = sheet_a("Sìn Hồ", ["UBND TỈNH LAI CHÂU", unit], t, r0=3)
    f = "Sin Ho 2023-09.xlsx"
    books = [Book(f, [sh], engine="openpyxl")]
    optional = [(unit, 2023, 2023, 3, 1, "ALL"), (unit, 2023, 2023, 3, 2, "ALL")]
    return variant(
        "text_and_negative_amounts",
        books,
        v_text_and_negative.__doc__,
        table_items(t, unit, P9),
        [("not_a_number", f, sh.name, p.ref("t31", "d")), ("negative_amount", f, sh.name, p.ref("t32", "d"))],
        optional=optional,
    )


# ---- 17 --------------------------------------------------------------------------------------------


def v_wrong_totals() -> Variant:
    """Figures that do not add up, a wrong rate, and over-disbursement.

    - Dự án 3 (2023) NSTW allocation typed as 3.900 over its formula while its sub-projects add up to
      3.800: total_mismatch at that cell (the section and grand total formulas carry the typed figure)
    - Dự án 2's allocated Tổng số typed as 2.080 while NSTW + NSĐP = 1.980: total_mismatch there
    - the carried-over Tiểu dự án 1 rate typed as 80,0 while 990 / 1.100 = 90%: rate_mismatch there
    - Tiểu dự án 1 of Dự án 7 disbursed 180 of 150: status over, over_disbursed
    - Tiểu dự án 2 of Dự án 6 disbursed 25 with no allocation: status no_allocation, over_disbursed
    """
    unit = "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"
    t = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        number_row=True,
        parents="formula",
        sums="formula",
        rates="if",
        overrides={("p3_23", "a_tw"): 3900.0, ("da2_23", "a_tot"): 2080.0, ("t31_22", "rate"): 80.0},
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(
                    DA3, "1", item(TDA31, "-", (3, 1), a_tw=1000, a_dp=100, d_tw=900, d_dp=90, name="t31_22")
                ),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(
                    DA3,
                    "1",
                    item(TDA31, "-", (3, 1), a_tw=3000, a_dp=300, d_tw=600, d_dp=60),
                    item(TDA32, "-", (3, 2), a_tw=800, d_tw=800),
                    name="p3_23",
                ),
                item(DA2, "2", (2, None), a_tw=1800, a_dp=180, d_tw=1620, d_dp=162, name="da2_23"),
                project(DA6, "3", item(TDA62, "-", (6, 2), d_tw=25, name="noalloc")),
                project(DA7, "4", item(TDA71, "-", (7, 1), a_tw=150, d_tw=180, name="over")),
            ),
        ],
    )
    sh, p = sheet_a("Biểu 01", ["UBND TỈNH SƠN LA", unit], t)
    f = "SNN Son La T9.2023.xlsx"
    books = [Book(f, [sh])]
    findings: list[Finding4] = [
        ("total_mismatch", f, sh.name, p.ref("p3_23", "a_tw")),
        ("total_mismatch", f, sh.name, p.ref("da2_23", "a_tot")),
        ("rate_mismatch", f, sh.name, p.ref("t31_22", "rate")),
        ("over_disbursed", f, ANY, p.row_or_none("over")),
        ("over_disbursed", f, ANY, p.row_or_none("noalloc")),
    ]
    return variant(
        "wrong_totals_rates_and_over", books, v_wrong_totals.__doc__, table_items(t, unit, P9), findings
    )


# ---- 18 --------------------------------------------------------------------------------------------


def v_duplicate_and_unknown() -> Variant:
    """A sub-project typed twice, and rows that name nothing the programme has.

    - "Tiểu dự án 1: Hỗ trợ phát triển sản xuất" appears twice under Dự án 3 with different figures:
      the first counts, duplicate_line names the second
    - "Tiểu dự án 5: Hỗ trợ khác" under Dự án 3 (which has only sub-projects 1 and 2): unknown_item
    - "Dự án 9: Chương trình khác" (there is no project 9): unknown_item, its figures not counted
    - parent rows carry no figures and there is no total row
    """
    unit = "UBND HUYỆN MƯỜNG LA"
    t = Table(
        cols=cols_all(disb="Giải ngân lũy kế"),
        total=None,
        parents="blank",
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(
                    DA3,
                    "1",
                    item(TDA31, "-", (3, 1), a=1000, d=900),
                    item(TDA32, "-", (3, 2), a=300, d=60),
                    item(TDA31, "-", (3, 1), a=1000, d=950, name="dup"),
                    Node("Tiểu dự án 5: Hỗ trợ khác", "-", vals={"a": 100, "d": 50}, name="tda5"),
                ),
                Node("Dự án 9: Chương trình khác", "2", vals={"a": 500, "d": 100}, name="da9", bold=True),
                item(DA5, "3", (5, None), a=2000, d=2000),
            )
        ],
    )
    sh, p = sheet_a("Mường La", ["UBND TỈNH SƠN LA", unit], t)
    f = "Muong La - 30.9.2023.xlsx"
    books = [Book(f, [sh], engine="openpyxl")]
    findings: list[Finding4] = [
        ("duplicate_line", f, sh.name, p.row_cells("dup")),
        ("unknown_item", f, sh.name, p.row_cells("tda5")),
        ("unknown_item", f, sh.name, p.row_cells("da9")),
    ]
    return variant(
        "duplicate_and_unknown_rows",
        books,
        v_duplicate_and_unknown.__doc__,
        table_items(t, unit, P9),
        findings,
    )


# ---- 19 --------------------------------------------------------------------------------------------


def _chart(wb: Any, ws: Any) -> None:
    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "Tỷ lệ giải ngân",
            "categories": "='Dữ liệu biểu đồ'!$A$2:$A$10",
            "values": "='Dữ liệu biểu đồ'!$B$2:$B$10",
        }
    )
    ws.insert_chart("D2", chart)


def v_hidden_and_notes_sheets() -> Variant:
    """A hidden sheet with data, a notes sheet and a chart-data sheet beside the report.

    - sheet "T8 (cũ)" is hidden: an older table with a project (Dự án 5) found nowhere else and
      another period; it is not read (skipped_sheet) and its figures are not counted
    - sheet "Ghi chú" holds only notes; sheet "Dữ liệu biểu đồ" holds month / rate pairs and a chart:
      neither has a table header; they may be reported as skipped or without a header, nothing more
    """
    unit = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    left = ["UBND TỈNH HÒA BÌNH", unit]
    t = Table(
        cols=cols_all(),
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(
                    DA4, "1", item(TDA41, "-", (4, 1), a=1600, d=1440), item(TDA42, "-", (4, 2), a=200, d=40)
                ),
                project(DA6, "2", item(TDA62, "-", (6, 2), a=350, d=350)),
            )
        ],
    )
    old = Table(
        cols=cols_all(), body=[section("Vốn năm 2023", "I", Y23, item(DA5, "1", (5, None), a=999, d=111))]
    )
    sh, _ = sheet_a("Báo cáo", left, t)
    hidden, _ = sheet_a("T8 (cũ)", left, old, period="(Số liệu đến ngày 31/8/2023)")
    hidden.hidden = True
    notes = Sheet("Ghi chú")
    for i, line in enumerate(
        [
            "Ghi chú:",
            "1. Số liệu giải ngân lấy theo xác nhận của Kho bạc Nhà nước tỉnh.",
            "2. Tiểu dự án 2 đang hoàn thiện hồ sơ thanh toán, dự kiến giải ngân trong tháng 11.",
            "3. Đề nghị các phòng chuyên môn rà soát, bổ sung số liệu trước ngày 05 hằng tháng.",
        ]
    ):
        notes.put(i, 0, line, "bold" if i == 0 else "text")
    notes.widths[0] = 90
    chart = Sheet("Dữ liệu biểu đồ", xlsxwriter_extra=_chart)
    chart.put(0, 0, "Tháng", "head")
    chart.put(0, 1, "Tỷ lệ (%)", "head")
    for m, pct in enumerate([0, 3.5, 8.1, 15.0, 22.4, 31.0, 42.7, 55.2, 83.8], start=1):
        chart.put(m, 0, m, "cell_center")
        chart.put(m, 1, pct, "rate")
    f = "LDTBXH Hoa Binh - thang 9.xlsx"
    books = [Book(f, [sh, hidden, notes, chart])]
    return variant(
        "hidden_notes_and_chart_sheets",
        books,
        v_hidden_and_notes_sheets.__doc__,
        table_items(t, unit, P9),
        [("skipped_sheet", f, "T8 (cũ)", ANY)],
        allow=["no_header"],
    )


# ---- 20 --------------------------------------------------------------------------------------------


def v_signature_and_notes() -> Variant:
    """Signature block, notes and a place/date line around the table.

    - "Lạng Sơn, ngày 5 tháng 10 năm 2023" under the national motto: the date of signing, not the period
    - "Ghi chú: số liệu tạm tính đến ngày 15/10/2023" below the table: a note, not data, not the period
    - signature block "NGƯỜI LẬP BIỂU" / "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" with names, and the "Nơi
      nhận:" list whose lines start with "-" like sub-project rows ("- Như trên;")
    - a remark typed beside the table, right of its last column, on a data row
    - the file name carries no period
    """
    unit = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    t = Table(
        cols=cols_all(disb="Giải ngân lũy kế"),
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(DA6, "1", item(TDA61, "-", (6, 1), a=1551, d=1400, name="first")),
                project(DA7, "2", item(TDA72, "-", (7, 2), a=20.6, d=20.6)),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(DA6, "1", item(TDA61, "-", (6, 1), a=6595, d=3300)),
                project(DA7, "2", item(TDA72, "-", (7, 2), a=21, d=0)),
            ),
        ],
    )
    sh, p = sheet_a(
        "BC", ["UBND TỈNH LẠNG SƠN", unit], t, place_date="Lạng Sơn, ngày 5 tháng 10 năm 2023", sign=False
    )
    r = p.bottom + 2
    right = len(t.cols) - 2
    below = [
        (r, 1, "Ghi chú: số liệu tạm tính đến ngày 15/10/2023", "italic"),
        (r + 2, 1, "NGƯỜI LẬP BIỂU", "center_bold"),
        (r + 2, right, "KT. GIÁM ĐỐC", "center_bold"),
        (r + 3, right, "PHÓ GIÁM ĐỐC", "center_bold"),
        (r + 6, 1, "Nguyễn Văn An", "center_bold"),
        (r + 6, right, "Lê Hải Yến", "center_bold"),
        (r + 8, 1, "Nơi nhận:", "bold"),
        (r + 9, 1, "- Như trên;", "text"),
        (r + 10, 1, "- Lãnh đạo Sở;", "text"),
        (r + 11, 1, "- Lưu: VT, KHTC.", "text"),
    ]
    for rr, c, text, style in below:
        sh.put(rr, c, text, style)
    sh.put(p.rows["first"], len(t.cols), "(Đã đối chiếu với KBNN ngày 10/10/2023)", "italic")
    books = [Book("Bao cao STTTT Lang Son.xlsx", [sh], engine="openpyxl")]
    return variant(
        "signature_notes_and_place_date", books, v_signature_and_notes.__doc__, table_items(t, unit, P9)
    )


# ---- 21 --------------------------------------------------------------------------------------------


def v_period_sources() -> Variant:
    """Where the period comes from: the file name, the header, or nowhere.

    - "BC giai ngan T9-2023.xlsx" says nothing about the period inside: 30/9/2023 from its name
    - "2023-08.xlsx" says "Số liệu đến ngày 30/9/2023" in its header: the header wins (30/9/2023) and
      period_mismatch says the name disagrees
    - "Bao cao giai ngan.xlsx" has no period anywhere: period_unknown, its figures are not placed
    - three units of one province in one folder
    """
    left = "UBND TỈNH CAO BẰNG"
    u1, u2, u3 = "UBND HUYỆN BẢO LÂM", "UBND HUYỆN BẢO LẠC", "UBND HUYỆN HÀ QUẢNG"
    f1, f2, f3 = "BC giai ngan T9-2023.xlsx", "2023-08.xlsx", "Bao cao giai ngan.xlsx"
    t1 = Table(
        cols=cols_all(),
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a=1000, d=900),
                project(DA3, "2", item(TDA32, "-", (3, 2), a=250, d=50)),
            )
        ],
    )
    t2 = Table(
        cols=cols_all(),
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(DA4, "1", item(TDA41, "-", (4, 1), a=600, d=540)),
                project(DA6, "2", item(TDA61, "-", (6, 1), a=100, d=100)),
            )
        ],
    )
    t3 = Table(
        cols=cols_all(), body=[section("Vốn năm 2023", "I", Y23, item(DA2, "1", (2, None), a=500, d=100))]
    )
    sh1, _ = sheet_a("Sheet1", [left, u1], t1, period=None)
    sh2, _ = sheet_a("Sheet1", [left, u2], t2, period="Số liệu đến ngày 30/9/2023")
    sh3, _ = sheet_a("Sheet1", [left, u3], t3, period=None)
    books = [Book(f1, [sh1]), Book(f2, [sh2], engine="openpyxl"), Book(f3, [sh3])]
    items = table_items(t1, u1, P9) + table_items(t2, u2, P9) + table_items(t3, u3, P9)
    return variant(
        "period_from_name_header_or_nowhere",
        books,
        v_period_sources.__doc__,
        items,
        [("period_mismatch", f2, ANY, ANY), ("period_unknown", f3, ANY, ANY)],
        optional=[(u3, 2023, 2023, 2, None, "ALL")],
    )


# ---- 22 --------------------------------------------------------------------------------------------


def v_units_in_subfolders() -> Variant:
    """A consolidating department's folder: one sub-folder per unit.

    - "So Y te/2023-09.xlsx" and "So GD-DT/2023-09.xlsx": the unit is read from each header block
      ("SỞ Y TẾ", "SỞ GIÁO DỤC VÀ ĐÀO TẠO" under "UBND TỈNH HÀ GIANG"), not from the folder name
    - "UBND huyện Vị Xuyên/2023-09.xlsx" has no header block at all (the table starts on row 1):
      its unit is its sub-folder's name and its period comes from the file name
    - the same sub-project in two units stays two keys
    """
    left = "UBND TỈNH HÀ GIANG"
    u1, u2, u3 = "SỞ Y TẾ", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "UBND huyện Vị Xuyên"
    t1 = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        number_row=True,
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(DA3, "1", item(TDA32, "-", (3, 2), a_tw=900, a_dp=90, d_tw=810, d_dp=81)),
                project(DA7, "2", item(TDA71, "-", (7, 1), a_tw=100, d_tw=20)),
            )
        ],
    )
    t2 = Table(
        cols=cols_all(),
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(DA4, "1", item(TDA41, "-", (4, 1), a=1200, d=1200)),
                project(DA6, "2", item(TDA62, "-", (6, 2), a=150, d=30)),
            )
        ],
    )
    t3 = Table(
        cols=cols_all(),
        total=None,
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a=3000, d=2700),
                project(DA3, "2", item(TDA32, "-", (3, 2), a=400, d=400)),
                item(DA5, "3", (5, None), a=1000, d=200),
            )
        ],
    )
    sh1, _ = sheet_a("Biểu 01", [left, u1], t1)
    sh2, _ = sheet_a("Biểu 01", [left, u2], t2)
    sh3 = Sheet("Sheet1")
    write_table(sh3, 0, 0, t3)
    books = [
        Book("So Y te/2023-09.xlsx", [sh1]),
        Book("So GD-DT/2023-09.xlsx", [sh2], engine="openpyxl"),
        Book(f"{u3}/2023-09.xlsx", [sh3], engine="openpyxl"),
    ]
    items = table_items(t1, u1, P9) + table_items(t2, u2, P9) + table_items(t3, u3, P9)
    return variant("units_in_subfolders", books, v_units_in_subfolders.__doc__, items, allow=["unit_unknown"])


# ---- 23 --------------------------------------------------------------------------------------------


def v_uncached_formulas() -> Variant:
    """Formulas whose values were never calculated, in two monthly files of one unit.

    - August written by openpyxl: every parent row, Tổng số and rate is a formula with no cached value
    - September written by xlsxwriter without values: the same formulas with placeholder zeros and
      fullCalcOnLoad; the tool must evaluate the SUMs, "+" and "/" itself, not trust the zeros
    - in August the NSTW disbursement of Dự án 7 / Tiểu dự án 2 is =VLOOKUP(...) with no value: the
      tool cannot evaluate it, formula_without_value names that cell; September has no such finding
    """
    unit = "UBND HUYỆN MƯỜNG KHƯƠNG"
    left = ["UBND TỈNH LÀO CAI", unit]
    books: list[Book] = []
    items: list[Item] = []
    findings: list[Finding4] = []
    for m, (t31, t32, t72, da2) in {
        8: ((1500, 150), 100, None, (400, 50)),
        9: ((1800, 180), 120, 80, (500, 50)),
    }.items():
        overrides: dict[tuple[str, str], Any] = {}
        if t72 is None:
            overrides[("t72", "d_tw")] = Formula("=VLOOKUP(B{row},$M$2:$N$20,2,FALSE)")
        period = month_end(2023, m)
        t = Table(
            cols=cols_split(disb=f"Giải ngân lũy kế đến {period.day}/{m}/2023"),
            keys=KEYS_SPLIT,
            number_row=True,
            parents="formula",
            sums="formula",
            rates="div",
            cache=False,
            overrides=overrides,
            body=[
                section(
                    "Vốn năm 2022 chuyển sang năm 2023",
                    "I",
                    Y22,
                    item(DA2, "1", (2, None), a_tw=500, a_dp=50, d_tw=da2[0], d_dp=da2[1]),
                ),
                section(
                    "Vốn năm 2023",
                    "II",
                    Y23,
                    project(
                        DA3,
                        "1",
                        item(TDA31, "-", (3, 1), a_tw=2000, a_dp=200, d_tw=t31[0], d_dp=t31[1]),
                        item(TDA32, "-", (3, 2), a_tw=600, d_tw=t32),
                    ),
                    project(
                        DA7,
                        "2",
                        item(TDA72, "-", (7, 2), a_tw=80, d_tw=t72 if t72 is not None else 80, name="t72"),
                    ),
                ),
            ],
        )
        sh, p = sheet_a(f"T{m}", left, t, period=f"(Số liệu đến ngày {period.day}/{m}/2023)")
        f = f"2023-{m:02d}.xlsx"
        books.append(Book(f, [sh], engine="openpyxl" if m == 8 else "xlsxwriter"))
        items += table_items(t, unit, period)
        if t72 is None:
            findings.append(("formula_without_value", f, sh.name, p.ref("t72", "d_tw")))
    return variant(
        "formulas_without_cached_values",
        books,
        v_uncached_formulas.__doc__,
        items,
        findings,
        absent_at=[("formula_without_value", "2023-09.xlsx")],
    )


# ---- 24 --------------------------------------------------------------------------------------------


def v_layout_b() -> Variant:
    """The tidy template: a CSV from one unit and a consolidated sheet with a "Đơn vị" column.

    - a .csv in UTF-8 with a byte-order mark, Vietnamese headers, the unit, the period and the money
      unit in lines above the header; decimals typed with a point ("300.5")
    - an .xlsx whose "Đơn vị" column holds two units (each row names its own) under a title block that
      names no unit; NSTW and NSĐP rows of the same sub-project; an empty Tiểu dự án for Dự án 2
    """
    u_csv = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH CAO BẰNG"
    csv_rows = [
        BRow(2022, 2023, 4, 3, "Hỗ trợ việc làm bền vững", "NSTW", 500, 450),
        BRow(2023, 2023, 4, 3, "Hỗ trợ việc làm bền vững", "NSTW", 1200, 240),
        BRow(2023, 2023, 4, 3, "Hỗ trợ việc làm bền vững", "NSĐP", 120, 24),
        BRow(2023, 2023, 7, 1, "Nâng cao năng lực", "NSTW", 300.5, 300.5),
    ]
    sh_csv = Sheet("csv")
    for i, line in enumerate(
        [
            u_csv,
            "BÁO CÁO GIẢI NGÂN VỐN SỰ NGHIỆP CTMTQG GIẢM NGHÈO BỀN VỮNG",
            "Số liệu đến ngày: 30/9/2023",
            "Đơn vị tính: triệu đồng",
        ]
    ):
        sh_csv.put(i, 0, line)
    write_layout_b(sh_csv, 5, csv_rows, unit_col=False, as_text=True)
    nb, ta = "UBND huyện Nguyên Bình", "UBND huyện Thạch An"
    xl_rows = [
        BRow(2023, 2023, 2, None, "Đa dạng hóa sinh kế", "NSTW", 1500, 1350, unit=nb),
        BRow(2023, 2023, 2, None, "Đa dạng hóa sinh kế", "NSĐP", 150, 135, unit=nb),
        BRow(2023, 2023, 2, None, "Đa dạng hóa sinh kế", "NSTW", 900, 180, unit=ta),
        BRow(2023, 2023, 3, 1, "Hỗ trợ phát triển sản xuất", "NSTW", 700, 700, unit=ta, note="Đã quyết toán"),
    ]
    sh_xl = Sheet("Tổng hợp")
    sh_xl.put(0, 0, "TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CỦA CÁC HUYỆN", "bold")
    sh_xl.put(1, 0, "Số liệu đến ngày: 30/9/2023", "italic")
    sh_xl.put(2, 0, "Đơn vị tính: triệu đồng", "italic")
    write_layout_b(sh_xl, 4, xl_rows, unit_col=True)
    books = [
        Book("tong-hop-T9-2023.csv", [sh_csv], engine="csv"),
        Book("tong-hop-cac-huyen.xlsx", [sh_xl], engine="openpyxl"),
    ]
    items = b_items(csv_rows, u_csv, P9) + b_items(xl_rows, "", P9)
    return variant("layout_b_csv_and_unit_column", books, v_layout_b.__doc__, items)


# ---- 25 --------------------------------------------------------------------------------------------


def v_stacked_tables() -> Variant:
    """Two tables stacked in one sheet, each with its own header and total.

    - "Biểu 1: Vốn năm 2022 chuyển sang" above its table, "Biểu 2: Vốn năm 2023" above the second:
      the budget year of each table comes from its caption
    - each table has its own two-row header, column-number row and TỔNG CỘNG; one header block on top
    """
    unit = "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"
    kw: dict[str, Any] = {
        "keys": KEYS_SPLIT,
        "number_row": True,
        "parents": "formula",
        "sums": "formula",
        "rates": "if",
    }
    t1 = Table(
        cols=cols_split(),
        years=Y22,
        body=[
            project(DA3, "1", item(TDA31, "-", (3, 1), a_tw=800, a_dp=80, d_tw=800, d_dp=40)),
            item(DA2, "2", (2, None), a_tw=400, d_tw=360),
        ],
        **kw,
    )
    t2 = Table(
        cols=cols_split(),
        years=Y23,
        body=[
            project(
                DA3,
                "1",
                item(TDA31, "-", (3, 1), a_tw=2500, a_dp=250, d_tw=2250, d_dp=225),
                item(TDA32, "-", (3, 2), a_tw=300, d_tw=60),
            ),
            item(DA2, "2", (2, None), a_tw=1000, d_tw=1000),
        ],
        **kw,
    )
    sh = Sheet("Biểu giải ngân")
    width = len(t1.cols)
    r = header_block(sh, 0, 0, width, left=["UBND TỈNH BẮC KẠN", unit])
    sh.put(r, 0, "Biểu 1: Vốn năm 2022 chuyển sang", "bold")
    sh.merge(r, 0, r, width - 1)
    p1 = write_table(sh, r + 1, 0, t1)
    r = p1.bottom + 3
    sh.put(r, 0, "Biểu 2: Vốn năm 2023", "bold")
    sh.merge(r, 0, r, width - 1)
    p2 = write_table(sh, r + 1, 0, t2)
    signature(sh, p2.bottom + 1, 0, width)
    books = [Book("SNN Bac Kan 9-2023.xlsx", [sh])]
    items = table_items(t1, unit, P9) + table_items(t2, unit, P9)
    return variant("stacked_tables_one_sheet", books, v_stacked_tables.__doc__, items)


# ---- 26 --------------------------------------------------------------------------------------------


def v_libreoffice_resaved() -> Variant:
    """A program-written file (formulas, no values) opened and saved again by LibreOffice.

    - written by openpyxl with formula parents, Tổng số and =IF(...) rates, then re-saved by
      LibreOffice, which calculated and cached every value
    - split sources with a column-number row
    """
    unit = "SỞ Y TẾ"
    t = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        number_row=True,
        parents="formula",
        sums="formula",
        rates="if",
        body=[
            section(
                "Vốn năm 2022 kéo dài sang năm 2023",
                "I",
                Y22,
                project(DA3, "1", item(TDA32, "-", (3, 2), a_tw=640, a_dp=64, d_tw=640, d_dp=32)),
            ),
            section(
                "Vốn năm 2023",
                "II",
                Y23,
                project(DA3, "1", item(TDA32, "-", (3, 2), a_tw=1850, a_dp=185, d_tw=1665, d_dp=170)),
                project(DA7, "2", item(TDA71, "-", (7, 1), a_tw=310, d_tw=62)),
            ),
        ],
    )
    sh, _ = sheet_a("Biểu 01", ["UBND TỈNH BẮC GIANG", unit], t)
    books = [Book("So Y te Bac Giang 2023-09.xlsx", [sh], engine="openpyxl", resave="xlsx")]
    return variant("libreoffice_resaved_xlsx", books, v_libreoffice_resaved.__doc__, table_items(t, unit, P9))


def v_libreoffice_ods() -> Variant:
    """An OpenDocument spreadsheet (.ods) saved by LibreOffice.

    - the standard split form with merged headers and cached formulas, converted to .ods
    """
    unit = "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"
    t = Table(
        cols=cols_split(),
        keys=KEYS_SPLIT,
        number_row=True,
        parents="formula",
        sums="formula",
        rates="if",
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a_tw=2200, a_dp=220, d_tw=1980, d_dp=198),
                project(DA3, "2", item(TDA31, "-", (3, 1), a_tw=1400, d_tw=280)),
            )
        ],
    )
    sh, _ = sheet_a("Biểu 01", ["UBND TỈNH HÒA BÌNH", unit], t)
    books = [Book("2023-09.ods", [sh], resave="ods")]
    return variant("libreoffice_ods", books, v_libreoffice_ods.__doc__, table_items(t, unit, P9))


def v_libreoffice_xls() -> Variant:
    """An old binary workbook (.xls, Excel 97-2003) saved by LibreOffice.

    - no source split, single header row, values cached by LibreOffice
    """
    unit = "UBND HUYỆN ĐÀ BẮC"
    t = Table(
        cols=cols_all(),
        parents="formula",
        rates="if",
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                project(
                    DA4, "1", item(TDA41, "-", (4, 1), a=780, d=702), item(TDA43, "-", (4, 3), a=260, d=52)
                ),
            )
        ],
    )
    sh, _ = sheet_a("Sheet1", ["UBND TỈNH HÒA BÌNH", unit], t)
    books = [Book("T9-2023.xls", [sh], engine="openpyxl", resave="xls")]
    return variant("libreoffice_xls", books, v_libreoffice_xls.__doc__, table_items(t, unit, P9))


# ---- 27 --------------------------------------------------------------------------------------------

_EXCEL_OWNER = (
    bytes([12])
    + b"Nguyen Van A"
    + b" " * 41
    + bytes([12, 0])
    + "Nguyen Van A".encode("utf-16-le")
    + b"\x20\x00" * 40
)


def v_lock_and_corrupt_files() -> Variant:
    """Files that are not reports: lock files of an open workbook, and a corrupt copy.

    - "~$2023-09.xlsx": Excel's owner file while 2023-09.xlsx is open: skipped_file, not an error
    - ".~lock.2023-09.xlsx#": LibreOffice's lock file (a hidden file): skipped or silently ignored
    - "BC thang 9 (loi).xlsx": a truncated download (not a zip): unreadable_file, the others still read
    """
    unit = "UBND HUYỆN THAN UYÊN"
    t = Table(
        cols=cols_all(),
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a=1800, d=1620),
                project(DA3, "2", item(TDA32, "-", (3, 2), a=450, d=90)),
            )
        ],
    )
    sh, _ = sheet_a("T9", ["UBND TỈNH LAI CHÂU", unit], t)
    books = [
        Book("2023-09.xlsx", [sh]),
        Book("~$2023-09.xlsx", [], engine="raw", raw=_EXCEL_OWNER),
        Book(
            ".~lock.2023-09.xlsx#",
            [],
            engine="raw",
            raw=b"Nguyen Van A,nva,MAY-KT-01,05.10.2023 08:12,file:///C:/Users/nva/AppData/Roaming/LibreOffice/4;\n",
        ),
        Book("BC thang 9 (loi).xlsx", [], engine="raw", raw=b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40),
    ]
    return variant(
        "lock_and_corrupt_files",
        books,
        v_lock_and_corrupt_files.__doc__,
        table_items(t, unit, P9),
        [
            ("skipped_file", "~$2023-09.xlsx", ANY, ANY),
            ("unreadable_file", "BC thang 9 (loi).xlsx", ANY, ANY),
        ],
    )


# ---- 28 --------------------------------------------------------------------------------------------


def v_series_problems() -> Variant:
    """A monthly series with a gap, a corrected resubmission and figures that move the wrong way.

    - reports for June, July and September: August is missing (missing_period)
    - Tiểu dự án 1 of Dự án 3: allocation raised from 800 to 1.000 in September (allocation_changed)
    - Tiểu dự án 2 of Dự án 3: cumulative disbursement falls from 200 (June) to 150 (July)
      (cumulative_decrease)
    - "2023-09.xlsx" and "2023-09 (sửa).xlsx" both report September and disagree on Dự án 2: the one
      saved last, "(sửa)", is used and period_conflict names both
    """
    unit = "UBND HUYỆN TAM ĐƯỜNG"
    left = ["UBND TỈNH LAI CHÂU", unit]

    def table(da2: float, a31: float, d31: float, d32: float) -> Table:
        return Table(
            cols=cols_all(),
            body=[
                section(
                    "Vốn năm 2023",
                    "I",
                    Y23,
                    item(DA2, "1", (2, None), a=1000, d=da2),
                    project(
                        DA3,
                        "2",
                        item(TDA31, "-", (3, 1), a=a31, d=d31),
                        item(TDA32, "-", (3, 2), a=600, d=d32),
                    ),
                    project(DA4, "3", item(TDA43, "-", (4, 3), a=300, d=300)),
                )
            ],
        )

    plan = [
        ("2023-06.xlsx", 6, table(300, 800, 800, 200), True),
        ("2023-07.xlsx", 7, table(400, 800, 800, 150), True),
        ("2023-09.xlsx", 9, table(500, 1000, 1000, 180), False),
        ("2023-09 (sửa).xlsx", 9, table(520, 1000, 1000, 180), True),
    ]
    books: list[Book] = []
    items: list[Item] = []
    for i, (f, m, t, used) in enumerate(plan):
        period = month_end(2023, m)
        sh, _ = sheet_a(f"T{m}", left, t, period=f"(Số liệu đến ngày {period.day}/{m}/2023)")
        books.append(Book(f, [sh], engine="openpyxl", mtime=_BASE_MTIME + 86400.0 * i))
        if used:
            items += table_items(t, unit, period)
    findings: list[Finding4] = [
        ("missing_period", ANY, ANY, ANY),
        ("allocation_changed", ANY, ANY, ANY),
        ("cumulative_decrease", ANY, ANY, ANY),
        ("period_conflict", ANY, ANY, ANY),
    ]
    return variant("series_gap_conflict_and_decrease", books, v_series_problems.__doc__, items, findings)


# ---- 29 --------------------------------------------------------------------------------------------


def v_after_deadline() -> Variant:
    """A January report, after the 2023 funds' deadline.

    - "Số liệu đến ngày 31/01/2024": 2023 funds not fully disbursed are missed, fully disbursed are met
    - the 2024 funds of the same report, nothing disbursed yet in January: behind
    """
    unit = "SỞ DÂN TỘC"
    t = Table(
        cols=cols_all(),
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a=2600, d=2600),
                project(DA6, "2", item(TDA61, "-", (6, 1), a=900, d=720)),
            ),
            section("Vốn năm 2024", "II", (2024, 2024), item(DA2, "1", (2, None), a=2000, d=0)),
        ],
    )
    period = dt.date(2024, 1, 31)
    sh, _ = sheet_a("T1-2024", ["UBND TỈNH ĐIỆN BIÊN", unit], t, period="(Số liệu đến ngày 31/01/2024)")
    books = [Book("Bao cao thang 1 nam 2024.xlsx", [sh])]
    return variant("after_the_deadline", books, v_after_deadline.__doc__, table_items(t, unit, period))


#: Every variant, in the order of SPEC 3's list.
VARIANT_FACTORIES: list[Callable[[], Variant]] = [
    v_standard_split,
    v_single_header_no_split,
    v_header_offset,
    v_no_diacritics_upper,
    v_line_breaks,
    v_abbreviations,
    v_extra_columns,
    v_stt_not_project_numbers,
    v_activities_only,
    v_sheet_per_year,
    v_carry_over_columns,
    v_in_month_and_cumulative,
    v_in_month_only,
    v_money_units,
    v_text_numbers,
    v_text_and_negative,
    v_wrong_totals,
    v_duplicate_and_unknown,
    v_hidden_and_notes_sheets,
    v_signature_and_notes,
    v_period_sources,
    v_units_in_subfolders,
    v_uncached_formulas,
    v_layout_b,
    v_stacked_tables,
    v_libreoffice_resaved,
    v_libreoffice_ods,
    v_libreoffice_xls,
    v_lock_and_corrupt_files,
    v_series_problems,
    v_after_deadline,
]

VARIANTS: list[Variant] = [factory() for factory in VARIANT_FACTORIES]
