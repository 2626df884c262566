"""Big one-table sheets read as typed columns (reconcile/fastread.py) give what the usual path gives.

Each test writes a real Layout B workbook, reads it with the column path allowed (its size limits
lowered so that a few hundred rows qualify) and with it turned off, and compares the whole reading:
every finding and every column value. It also checks which path the file took, so that a test of
the column path cannot pass by quietly falling back, nor a fallback case by slipping through.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile import pipeline
from reconcile.cli import cli
from reconcile.models import CellRefs, Coded
from reconcile.read import fastread, reader
from tests.test_columnar import TOP

ROWS = 300
KEYS = [(1, 1, "Hạ tầng"), (2, None, "Sinh kế"), (3, 1, "Nông nghiệp"), (4, None, "Việc làm")]


def body(n: int = ROWS) -> list[list[Any]]:
    """``n`` clean line items: numbers in the number columns, text in the text columns."""
    rows = []
    for i in range(n):
        project, sub, label = KEYS[i % len(KEYS)]
        rows.append(
            [
                f"UBND xã {i // 7}",
                2022 + i % 2,
                2023,
                project,
                sub,
                label,
                ("NSTW", "NSĐP")[i % 2],
                round(100 + i * 1.37, 2),
                round(40 + i * 0.71, 3),
            ]
        )
    return rows


def write(path: Path, rows: list[list[Any]], engine: str = "openpyxl", at: tuple[int, int] = (0, 0)) -> None:
    """A one-sheet workbook: the title lines, the header and ``rows``, from cell ``at`` (row, column)."""
    lines = TOP + rows
    r0, c0 = at
    if engine == "openpyxl":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Tổng hợp"
        for r, line in enumerate(lines):
            for c, v in enumerate(line):
                if v is not None and v != "":
                    ws.cell(r0 + r + 1, c0 + c + 1, v)
        wb.save(path)
        return
    book = xlsxwriter.Workbook(path, {"constant_memory": engine == "inline"})
    sheet = book.add_worksheet("Tổng hợp")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, line in enumerate(lines):
        for c, v in enumerate(line):
            if isinstance(v, dt.date):
                sheet.write_datetime(r0 + r, c0 + c, v, dates)
            elif v is not None and v != "":
                sheet.write(r0 + r, c0 + c, v)
    book.close()


def _plain(value: Any) -> Any:
    """A packed reading as plain, comparable values (arrays as lists, NaN as a marker, a coded column
    as its value on each row: the two paths may number the distinct values differently)."""
    if isinstance(value, Coded):
        return ("column", [_plain(value.values[c] if c >= 0 else None) for c in value.codes.tolist()])
    if isinstance(value, CellRefs):
        return ("column", value.texts())
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, [_plain(v) for v in value.tolist()])
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__, {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__})
    return (type(value).__name__, value)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a few hundred rows take the column path."""
    monkeypatch.setattr(fastread, "MIN_SHEET_BYTES", 0)
    monkeypatch.setattr(fastread, "HEAD_ROWS", 20)
    monkeypatch.setattr(fastread, "TAIL_ROWS", 5)


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, bool]:
    """The file read with the column path allowed and turned off, and whether it took that path."""
    taken: list[bool] = []
    original = fastread._load

    def spy(checked: Any) -> Any:
        taken.append(False)  # until it returns a grid: a refusal may be an exception (strict typing)
        loaded = original(checked)
        taken[-1] = loaded is not None
        return loaded

    with monkeypatch.context() as m:
        m.setattr(fastread, "_load", spy)
        fast = _plain(pipeline._pack(reader.read_file(path, path.name)))
    with monkeypatch.context() as m:
        m.setattr(fastread, "MIN_SHEET_BYTES", 1 << 60)
        usual = _plain(pipeline._pack(reader.read_file(path, path.name)))
    assert len(taken) == 1
    return fast, usual, taken[0]


def _with(rows: list[list[Any]], at: int, **cells: Any) -> list[list[Any]]:
    """``rows`` with cells of row ``at`` replaced, by column letter (A = the unit column)."""
    rows = [list(r) for r in rows]
    for letter, v in cells.items():
        rows[at][ord(letter) - ord("A")] = v
    return rows


SIGNATURES = [
    ["", "", "", "", "", "", "", "", ""],
    ["Người lập biểu", "", "", "", "Kế toán trưởng", "", "", "Thủ trưởng đơn vị", ""],
    ["(Ký, họ tên)", "", "", "", "(Ký, họ tên)", "", "", "(Ký tên, đóng dấu)", ""],
]

CASES: dict[str, tuple[list[list[Any]], bool]] = {
    "clean": (body(), True),
    "signatures under the amount columns": (body() + SIGNATURES, True),
    "a total row mid-table, rows after it": (_with(body(), 150, A="Tổng cộng", D="", E="", F="", G=""), True),
    "a negative amount": (_with(body(), 120, I=-5.5), True),
    "an unknown project": (_with(body(), 90, D=9), True),
    "an unknown source": (_with(body(), 91, G="Vốn vay"), True),
    "no budget year": (_with(body(), 92, B=None, C=None), True),
    "an amount written as text": (_with(body(), 100, H="1.234,5"), False),
    "a project written as text": (_with(body(), 100, D="Dự án 1"), False),
    "a boolean amount": (_with(body(), 100, I=True), False),
    "a date amount": (_with(body(), 100, I=dt.date(2023, 5, 1)), False),
    "too short": (body(10), False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_column_path_reads_as_the_usual_path(
    case: str, small: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, expect_fast = CASES[case]
    path = tmp_path / "tong-hop-2023-06.xlsx"
    write(path, rows, engine="xlsxwriter")
    fast, usual, taken = both(path, monkeypatch)
    assert taken is expect_fast
    assert fast == usual


@pytest.mark.parametrize("engine", ["openpyxl", "xlsxwriter", "inline"])
@pytest.mark.parametrize("at", [(0, 0), (3, 2)])
def test_writers_and_offsets(
    engine: str, at: tuple[int, int], small: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shared or inline strings, and a table that starts lower and further right (C4): fastexcel
    does not say where its columns start; the rows read both ways must fix it."""
    path = tmp_path / "tong-hop-2023-06.xlsx"
    write(path, body() + SIGNATURES, engine=engine, at=at)
    fast, usual, taken = both(path, monkeypatch)
    assert taken
    assert fast == usual


def test_a_cell_right_of_the_table_widens_the_sheet(
    small: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = body()
    rows[200] = rows[200] + ["", "", "", "", "", "ghi chú lạc"]
    path = tmp_path / "tong-hop-2023-06.xlsx"
    write(path, rows, engine="xlsxwriter")
    fast, usual, taken = both(path, monkeypatch)
    assert taken and fast == usual


def test_formulas_and_second_sheets_take_the_usual_path(
    small: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tong-hop-2023-06.xlsx"
    rows = body()
    write(path, rows, engine="openpyxl")
    wb = openpyxl.load_workbook(path)
    wb.active["H100"] = "=H99+1"
    wb.save(path)
    fast, usual, taken = both(path, monkeypatch)
    assert not taken and fast == usual
    wb = openpyxl.load_workbook(path)
    wb.active["H100"] = 5.0
    wb.create_sheet("Ghi chú")["A1"] = "x"
    wb.save(path)
    fast, usual, taken = both(path, monkeypatch)
    assert not taken and fast == usual


def test_the_default_limit_keeps_small_sheets_on_the_usual_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tong-hop-2023-06.xlsx"
    write(path, body(), engine="xlsxwriter")
    _, _, taken = both(path, monkeypatch)
    assert not taken


VALUES = st.one_of(
    st.floats(-1e6, 1e9, allow_nan=False),
    st.integers(-5, 3000),
    st.sampled_from(["", "NSTW", "NSĐP", "1.234,5", "Tổng cộng", "Người lập biểu", "abc", "  ", "2023"]),
    st.booleans(),
    st.just(None),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(
        st.tuples(st.integers(0, ROWS + 2), st.sampled_from("ABCDEFGHI"), VALUES), min_size=1, max_size=6
    )
)
def test_any_cell_changed_anywhere_reads_the_same(
    changes: list[tuple[int, str, Any]], small: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = body() + SIGNATURES
    for r, letter, v in changes:
        rows = _with(rows, r, **{letter: v})
    path = tmp_path / "tong-hop-2023-06.xlsx"
    write(path, rows, engine="xlsxwriter")
    fast, usual, _ = both(path, monkeypatch)
    assert fast == usual


def test_a_run_writes_the_same_outputs_either_way(
    small: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "tong-hop-a-2023-06.xlsx", body() + SIGNATURES, engine="xlsxwriter")
    write(folder / "tong-hop-b-2023-06.xlsx", _with(body(), 10, I=-1.0), engine="inline")
    outputs = {}
    for name, limit in (("fast", 0), ("usual", 1 << 60)):
        monkeypatch.setattr(fastread, "MIN_SHEET_BYTES", limit)
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--no-annotate"])
        assert result.exit_code in (0, 1), result.output
        outputs[name] = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    assert outputs["fast"] == outputs["usual"]
    assert "line_items.csv" in outputs["fast"] and outputs["fast"]["line_items.csv"].count(b"\n") > 2 * ROWS


def test_a_sheet_that_falls_back_is_unzipped_once(
    small: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The column path gives up after unzipping the sheet; the usual path's formula check reuses it."""
    from reconcile.find import checked

    path = tmp_path / "tong-hop-2023-06.xlsx"
    write(path, _with(body(), 100, H="1.234,5"), engine="xlsxwriter")
    inflated: list[str] = []
    original = checked.member_whole

    def spy(data: bytes, info: Any, limit: int) -> Any:
        inflated.append(info.filename)
        return original(data, info, limit)

    monkeypatch.setattr(checked, "member_whole", spy)
    fast, usual, taken = both(path, monkeypatch)
    assert not taken and fast == usual
    # Read once with the column path allowed (then given up), once with it turned off.
    assert inflated.count("xl/worksheets/sheet1.xml") == 2
