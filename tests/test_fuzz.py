"""Fuzzing (issue 6, "never crash, never lose, never leak"): random cell values, random header shapes
and byte-level mutations of real workbooks.

Three properties:

1. Random amount cells in a standard Layout A sheet (floats of any size and sign, ints, Vietnamese and
   US text numbers, dashes, blanks, prose, booleans, dates): ``run_folder`` never raises, and every
   line-item row (a sub-project, or a project without sub-project rows) that holds something other
   than blanks and readable zeros is either a line item or named by a finding in its row.
2. The same table under random header shapes (leading empty rows and columns, extra columns, header
   words in capitals or without diacritics, line breaks) gives exactly the figures of the clean table.
3. Real workbooks with flipped, truncated, inserted and duplicated bytes: ``read_file`` never raises
   and says either "readable, with sheets" or exactly one ``unreadable_file``; ``reconcile check`` on
   a folder holding a mutated file beside a good one never shows a traceback and still reports the
   good file's figures.

The explicit tests after the first property pin the smallest inputs it found; each fails until
reconcile/ reads that input (proposed fix: /work/scratch/fuzz-fix.diff).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.cli import cli
from reconcile.models import FileResult, Settings, cell_sort_key
from reconcile.pipeline import run_folder
from reconcile.read.numbers import parse_number
from reconcile.read.reader import read_file
from reconcile.result import Result
from reconcile.text import fold
from tests.conftest import EXAMPLES, ROOT
from tests.variants import (
    DA2,
    DA3,
    DA4,
    DA5,
    DA6,
    DA7,
    KEYS_SPLIT,
    TDA31,
    TDA32,
    TDA41,
    TDA42,
    TDA43,
    TDA61,
    TDA62,
    TDA71,
    TDA72,
    Y23,
    Book,
    Col,
    Sheet,
    Table,
    cols_split,
    header_block,
    item,
    project,
    save_books,
    section,
    table_items,
    us_text,
    vi_text,
    write_table,
)

UNIT = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
LEFT = ("UBND TỈNH LẠNG SƠN", UNIT)
PERIOD = dt.date(2023, 9, 30)
FILE = "2023-09.xlsx"
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# ---------------------------------------------------------------------------------------------------
# 1. Random cell values
# ---------------------------------------------------------------------------------------------------

#: Projects without sub-projects, and projects with theirs (SPEC 2).
LEAF_PROJECTS = (DA2, DA5)
PARENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (DA3, (TDA31, TDA32)),
    (DA4, (TDA41, TDA42, TDA43)),
    (DA6, (TDA61, TDA62)),
    (DA7, (TDA71, TDA72)),
)
#: What people really type into amount cells, besides numbers.
TYPED = (
    "1.571,6",
    "1,571.6",
    "(1.234)",
    "-1.234",
    "1.571",
    "20,6",
    "6.616",
    "45%",
    "5.680,4 triệu",
    "0",
    "0,0",
    "-",
    "—",
    "",
    "   ",
    "x",
    "N/A",
    "#REF!",
    "=SUM(C1:C2)",
    "chưa giao",
    "Ngày 15/10 mới giao vốn",
    "Ghi chú: chờ quyết định giao vốn",
)
#: Characters an xlsx can hold: no control characters, surrogates or non-characters (U+FFFE).
XML_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), max_size=20)

amounts: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(vi_text),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(us_text),
    st.sampled_from(TYPED),
    XML_TEXT,
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)),
)


@dataclass(frozen=True)
class Row:
    """One data row of the fuzzed sheet; ``leaf``: the row is a line item (SPEC 4), not a parent."""

    stt: str
    label: str
    alloc: Any
    disb: Any
    leaf: bool


@st.composite
def fuzzed_rows(draw: st.DrawFn) -> list[Row]:
    """Two to six project / sub-project rows under one year section, with random amounts."""
    leaves = draw(st.lists(st.sampled_from(LEAF_PROJECTS), max_size=2, unique=True))
    parents = draw(st.lists(st.sampled_from(PARENTS), max_size=2, unique_by=lambda p: p[0]))
    blocks: list[list[tuple[str, str, bool]]] = [
        [(str(i + 1), label, True)] for i, label in enumerate(leaves)
    ]
    for i, (label, subs) in enumerate(parents):
        chosen = draw(st.lists(st.sampled_from(subs), min_size=1, unique=True))
        blocks.append([(str(len(leaves) + i + 1), label, False)] + [("-", s, True) for s in chosen])
    blocks = draw(st.permutations(blocks))
    flat = [r for b in blocks for r in b]
    # Pad with projects that cannot clash with the ones drawn, so that a table is rarely this thin.
    spare = [label for label in LEAF_PROJECTS if label not in leaves]
    while len(flat) < 3 and spare:
        flat.append((str(len(flat) + 1), spare.pop(), True))
    flat = flat[:6]
    if flat and not flat[-1][2]:
        # A parent cut off from its sub-projects is a line item itself (its project has no rows under it).
        flat[-1] = (flat[-1][0], flat[-1][1], True)
    return [Row(stt, label, draw(amounts), draw(amounts), leaf) for stt, label, leaf in flat]


HEAD = ("STT", "Nội dung", "Kế hoạch vốn", "Giải ngân lũy kế", "Tỷ lệ (%)")


def fuzz_book(rows: Sequence[Row]) -> tuple[Book, dict[int, Row]]:
    """The sheet (openpyxl keeps booleans and dates as such) and the 1-based sheet row of each data row."""
    sh = Sheet("T9")
    r = header_block(sh, 0, 0, len(HEAD), left=LEFT)
    for c, text in enumerate(HEAD):
        sh.put(r, c, text, "head")
    sh.put(r + 1, 0, "I", "cell_center")
    sh.put(r + 1, 1, "Vốn năm 2023", "cell_bold")
    where: dict[int, Row] = {}
    for i, row in enumerate(rows):
        rr = r + 2 + i
        sh.put(rr, 0, row.stt, "cell_center")
        sh.put(rr, 1, row.label, "cell")
        # A number format would turn a date back into its serial number: dates keep their own.
        sh.put(rr, 2, row.alloc, "cell" if isinstance(row.alloc, dt.date) else "amount")
        sh.put(rr, 3, row.disb, "cell" if isinstance(row.disb, dt.date) else "amount")
        where[rr + 1] = row
    return Book(FILE, [sh], engine="openpyxl"), where


def _counts(value: Any) -> bool:
    """True when a cell holds something a reader must account for: not blank, not a readable zero.

    Zero is what the reader keeps (rounded to 1 đồng): SPEC 4 "a source whose allocation and
    disbursement are both empty or zero makes no key".
    """
    p = parse_number(value)
    if p.kind in ("empty", "dash"):
        return False
    if p.kind == "number" and p.value is not None:
        return round(p.value, 6) != 0
    return True


def unaccounted(result: Result, where: dict[int, Row], rel: str) -> list[tuple[int, Row]]:
    """Line-item rows with something in them that are neither an item nor named by a finding."""
    items = result.items
    item_rows = set(items.loc[items["file"] == rel, "row"].astype(int)) if len(items) else set()
    named = {cell_sort_key(f.cell)[0] for f in result.findings if f.file == rel and f.cell}
    return [
        (r, row)
        for r, row in where.items()
        if row.leaf and (_counts(row.alloc) or _counts(row.disb)) and r not in item_rows and r not in named
    ]


def run_rows(rows: Sequence[Row]) -> tuple[Result, dict[int, Row]]:
    """Write the fuzzed sheet into a fresh folder and run the pipeline on it."""
    book, where = fuzz_book(rows)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        save_books(Path(tmp), [book])
        return run_folder(Path(tmp), Settings()), where


@settings(FUZZ, max_examples=200)
@given(fuzzed_rows())
def test_random_cell_values_never_crash_nor_vanish(rows: list[Row]) -> None:
    """No exception, and every line-item row with a figure is an item or named by a finding."""
    result, where = run_rows(rows)
    assert unaccounted(result, where, FILE) == []


def test_date_and_boolean_amounts_are_named() -> None:
    """Found by the property above: a project row whose amount cells hold only a date or a boolean
    (a mistyped cell Excel turned into a date) was neither an item nor a finding; it must be
    ``not_a_number`` at the cell, like any other unreadable amount (SPEC 2: never a silent zero)."""
    rows = [
        Row("1", DA2, dt.date(2023, 1, 15), None, True),
        Row("2", DA5, True, None, True),
        Row("3", DA3, None, None, False),
        Row("-", TDA31, 100.0, 50.0, True),
    ]
    result, where = run_rows(rows)
    cells = {(f.code, f.cell) for f in result.findings}
    date_row, bool_row = (r for r, row in where.items() if row.label in (DA2, DA5))
    assert ("not_a_number", f"C{date_row}") in cells
    assert ("not_a_number", f"C{bool_row}") in cells
    assert unaccounted(result, where, FILE) == []


def test_note_in_an_amount_cell_does_not_end_the_table() -> None:
    """Found by the property above: a note typed into an amount cell of a project row ("Ngày 15/10
    mới giao vốn", "Ghi chú: ...") read as a signature/notes footer, so the table ended there and
    every row below it vanished without a finding. The row is a project row: its note is
    ``not_a_number`` and the rows below are read."""
    rows = [
        Row("1", DA2, "Ngày 15/10 mới giao vốn", None, True),
        Row("2", DA3, None, None, False),
        Row("-", TDA31, 100.0, 50.0, True),
        Row("3", DA5, "Ghi chú: chờ quyết định giao vốn", 20.0, True),
    ]
    result, where = run_rows(rows)
    by_label = {row.label: r for r, row in where.items()}
    items = result.items
    assert by_label[TDA31] in set(items["row"].astype(int)), "the sub-project below the note vanished"
    assert ("not_a_number", f"C{by_label[DA2]}") in {(f.code, f.cell) for f in result.findings}
    assert unaccounted(result, where, FILE) == []


def test_error_values_in_amount_cells_are_named() -> None:
    """Found by the property above: an amount cell holding an Excel error (#REF!, #DIV/0!, #N/A, what
    a broken formula leaves) came back from calamine as an empty cell, so a row holding only errors
    vanished and a #REF! disbursement read as "nothing disbursed". Each must be ``not_a_number``."""
    rows = [
        Row("1", DA2, 5.0, "#REF!", True),
        Row("2", DA5, "#DIV/0!", "#N/A", True),
        Row("3", DA3, None, None, False),
        Row("-", TDA31, 100.0, 50.0, True),
    ]
    result, where = run_rows(rows)
    by_label = {row.label: r for r, row in where.items()}
    bad = {(f.cell, f.params.get("value")) for f in result.findings if f.code == "not_a_number"}
    assert (f"D{by_label[DA2]}", "#REF!") in bad
    assert (f"C{by_label[DA5]}", "#DIV/0!") in bad
    assert (f"D{by_label[DA5]}", "#N/A") in bad
    assert unaccounted(result, where, FILE) == []


# ---------------------------------------------------------------------------------------------------
# 2. Random header shapes around a fixed table
# ---------------------------------------------------------------------------------------------------

EXTRA_HEADS = ("Ghi chú", "Đơn vị thực hiện", "Khối lượng thực hiện")


def _shape(text: str, style: int, newline: bool) -> str:
    """A header word as people type it: as is, without diacritics, in capitals, both, doubled spaces."""
    if style == 1:
        text = fold(text)
    elif style == 2:
        text = text.upper()
    elif style == 3:
        text = fold(text).upper()
    elif style == 4:
        text = text.replace(" ", "  ")
    if newline and " " in text.strip():
        i = text.index(" ")
        text = text[:i] + "\n" + text[i + 1 :].lstrip()
    return text


def fixed_body() -> list[Any]:
    """One year section: Dự án 2 and Dự án 3 with its two sub-projects, NSTW and NSĐP figures."""
    return [
        section(
            "Vốn năm 2023",
            "I",
            Y23,
            item(DA2, "1", (2, None), a_tw=1200.0, a_dp=120.0, d_tw=640.5, d_dp=60.0),
            project(
                DA3,
                "2",
                item(TDA31, "-", (3, 1), a_tw=2000.0, a_dp=200.0, d_tw=1450.25, d_dp=150.0),
                item(TDA32, "-", (3, 2), a_tw=800.0, d_tw=100.0),
            ),
        )
    ]


def shaped_table(style: int, newline: bool, extras: Sequence[tuple[str, bool]]) -> Table:
    """The fixed table with its header words shaped and extra text columns after the label or last."""

    def s(text: str) -> str:
        return _shape(text, style, newline)

    cols = cols_split(
        alloc=s("Kế hoạch vốn được giao"),
        disb=s("Giải ngân lũy kế đến 30/9/2023"),
        rate=s("Tỷ lệ giải ngân (%)"),
        note=None,
        total=s("Tổng số"),
        tw=s("NSTW"),
        dp=s("NSĐP"),
        stt=s("STT"),
        label=s("Nội dung"),
    )
    for j, (head, after_label) in enumerate(extras):
        extra = Col(f"x{j}", s(head), kind="text", width=16)
        if after_label:
            cols.insert(2, extra)
        else:
            cols.append(extra)
    return Table(cols=cols, body=fixed_body(), keys=list(KEYS_SPLIT), number_row=True)


def figures_of(result: Result) -> list[tuple[Any, ...]]:
    """The extracted figures, in a canonical order, without where they were read."""
    items = result.items
    out = []
    for rec in items.to_dict("records"):
        sub = rec["sub_project"]
        out.append(
            (
                rec["unit"],
                int(rec["budget_year"]),
                int(rec["project"]),
                -1 if pd.isna(sub) else int(sub),
                rec["source"],
                round(float(rec["allocated"]), 6),
                round(float(rec["disbursed"]), 6),
            )
        )
    return sorted(out)


def run_shaped(t: Table, top: int, left: int) -> Result:
    """The table below the usual header block, ``top`` empty rows and ``left`` empty columns away."""
    sh = Sheet("T9")
    width = len(t.cols)
    r = header_block(sh, top, left, width, left=LEFT)
    write_table(sh, r, left, t)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        save_books(Path(tmp), [Book(FILE, [sh])])
        return run_folder(Path(tmp), Settings())


@lru_cache(maxsize=1)
def clean_figures() -> list[tuple[Any, ...]]:
    """The clean table's figures, checked against the answer key it was built from."""
    t = shaped_table(0, False, ())
    got = figures_of(run_shaped(t, 0, 0))
    key = sorted(
        (i.unit, i.budget_year, i.project, -1 if i.sub_project is None else i.sub_project, i.source)
        + (round(i.allocated, 6), round(i.disbursed, 6))
        for i in table_items(t, UNIT, PERIOD)
    )
    assert got == key
    return got


@settings(FUZZ, max_examples=40)
@given(
    style=st.integers(0, 4),
    newline=st.booleans(),
    extras=st.lists(
        st.tuples(st.sampled_from(EXTRA_HEADS), st.booleans()), max_size=2, unique_by=lambda e: e[0]
    ),
    top=st.integers(0, 6),
    left=st.integers(0, 3),
)
def test_header_shapes_give_the_clean_figures(
    style: int, newline: bool, extras: list[tuple[str, bool]], top: int, left: int
) -> None:
    """Leading empty rows and columns, extra columns, header case and diacritics: same figures."""
    result = run_shaped(shaped_table(style, newline, extras), top, left)
    assert figures_of(result) == clean_figures()


# ---------------------------------------------------------------------------------------------------
# 3. Byte-level mutations of real workbooks
# ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def real_workbooks() -> tuple[tuple[str, bytes], ...]:
    """The shared examples and the shipped sample workbooks, read once."""
    paths = sorted(EXAMPLES.glob("*/*.xlsx")) + sorted((ROOT / "workbooks").glob("*.xlsx"))
    return tuple((p.name, p.read_bytes()) for p in paths)


@dataclass(frozen=True)
class Mutation:
    """One change to a file's bytes; positions are taken modulo the current length."""

    kind: str  # flip | truncate | insert | duplicate
    at: int
    size: int
    junk: bytes

    def apply(self, data: bytes) -> bytes:
        """The mutated bytes."""
        n = len(data)
        if n == 0:
            return data + self.junk
        at = self.at % n
        if self.kind == "flip":
            return data[:at] + bytes([data[at] ^ (self.size % 255 + 1)]) + data[at + 1 :]
        if self.kind == "truncate":
            return data[:at]
        if self.kind == "insert":
            return data[:at] + self.junk + data[at:]
        piece = data[at : at + self.size]
        dest = (at * 7 + self.size) % n
        return data[:dest] + piece + data[dest:]


mutations = st.lists(
    st.builds(
        Mutation,
        kind=st.sampled_from(("flip", "flip", "truncate", "insert", "duplicate")),
        at=st.integers(0, 2**20),
        size=st.integers(1, 512),
        junk=st.binary(min_size=1, max_size=64),
    ),
    min_size=1,
    max_size=4,
)


def mutate(index: int, changes: Sequence[Mutation], member: int | None = None) -> bytes:
    """A real workbook (picked by ``index``) with ``changes`` applied to its bytes, or, with
    ``member``, to the bytes of one part inside the zip (its XML), which is then zipped again: flips
    in compressed data mostly fail the CRC check, so this is how mutations reach the XML parsers."""
    books = real_workbooks()
    data = books[index % len(books)][1]
    if member is None:
        for m in changes:
            data = m.apply(data)
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        parts = [(info.filename, zin.read(info)) for info in zin.infolist()]
    target = member % len(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for i, (name, body) in enumerate(parts):
            if i == target:
                for m in changes:
                    body = m.apply(body)
            zout.writestr(name, body)
    return buf.getvalue()


def test_there_are_real_workbooks_to_mutate() -> None:
    """The fuzzing below is only as good as its seeds."""
    assert len(real_workbooks()) >= 5
    assert all(data.startswith(b"PK") for _, data in real_workbooks())


members = st.none() | st.integers(0, 100)


@settings(FUZZ, max_examples=400)
@given(index=st.integers(0, 100), changes=mutations, member=members)
def test_mutated_workbook_is_read_or_refused(index: int, changes: list[Mutation], member: int | None) -> None:
    """``read_file`` never raises: readable with sheets, or exactly one ``unreadable_file`` finding."""
    data = mutate(index, changes, member)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        path = Path(tmp) / "mutated.xlsx"
        path.write_bytes(data)
        res: FileResult = read_file(path, "mutated.xlsx")
    codes = [f.code for f in res.findings]
    if res.readable:
        assert "unreadable_file" not in codes
        assert res.sheets, codes
    else:
        assert codes == ["unreadable_file"]
        assert res.findings[0].file == "mutated.xlsx"
        assert res.findings[0].params.get("reason_key")


# Good files to put beside the mutated one: the shared examples where ../shared is beside the
# checkout, and always a shipped workbook, so the test runs (and can fail) in a clone alone too.
GOOD = tuple(
    p
    for p in (
        EXAMPLES / "layout_b_single" / "mau-tong-hop-2023-10.xlsx",
        EXAMPLES / "messy_text_numbers" / "Bao cao giai ngan thang 8 nam 2023.xlsx",
        EXAMPLES / "layout_a_monthly" / "2023-09.xlsx",
        ROOT / "workbooks" / "2023-07.xlsx",
    )
    if p.is_file()
)


@cache
def good_items(index: int) -> int:
    """How many line items the good file gives on its own."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        shutil.copy(GOOD[index], Path(tmp) / GOOD[index].name)
        return len(run_folder(Path(tmp), Settings()).items)


def _summary_items(line: str) -> int:
    """The line-item count of check's closing 'Đã kiểm tra N tệp, M dòng số liệu, ...' line."""
    assert line.startswith("Đã kiểm tra 2 tệp, "), line
    return int(line.split(", ")[1].split()[0])


@settings(FUZZ, max_examples=40)
@given(index=st.integers(0, 100), changes=mutations, member=members, good=st.integers(0, len(GOOD) - 1))
def test_check_survives_a_mutated_file_beside_a_good_one(
    index: int, changes: list[Mutation], member: int | None, good: int
) -> None:
    """``reconcile check``: no traceback, no internal error, exit 0, the good file's items all there."""
    data = mutate(index, changes, member)
    expected = good_items(good)
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = Path(tmp)
        (folder / "zz-mutated.xlsx").write_bytes(data)
        shutil.copy(GOOD[good], folder / GOOD[good].name)
        out = CliRunner().invoke(cli, ["check", str(folder)])
    assert "Traceback" not in out.output
    assert "Lỗi không mong đợi" not in out.output, out.output  # cli.internal_error: a caught crash
    assert out.exit_code == 0, out.output
    lines = out.stdout.strip().splitlines()
    assert _summary_items(lines[-1]) >= expected >= 1
