"""The column-at-a-time reading of Layout B tables and the engine's joining of reader columns.

A consolidated file is read one column at a time for speed (layout_b.read_layout_b), so these tests
pin down, cell by cell, that the row rules still hold: a footer ends the table, a row without a
project is skipped, unknown projects and sources are findings at their cells, a missing budget year
falls back to the title's, text numbers are parsed with the file's convention, negatives and text
that is not a number are findings, boolean cells are not numbers, short rows of a CSV read as empty.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.models import SHEET_COLUMNS, Settings
from reconcile.pipeline import run_folder
from reconcile.read.hierarchy import _EMITTED
from reconcile.read.money import MONEY_UNITS, to_trieu, to_trieu_array

HEADER = [
    "Đơn vị",
    "Năm ngân sách",
    "Năm thực hiện",
    "Dự án",
    "Tiểu dự án",
    "Nội dung",
    "Nguồn vốn",
    "Kế hoạch vốn",
    "Giải ngân lũy kế",
]
TOP = [
    ["SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH HÀ GIANG"],
    ["BÁO CÁO TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP NĂM 2023"],
    ["Số liệu đến ngày 30/06/2023"],
    ["Đơn vị tính: triệu đồng"],
    [],
    HEADER,
]
# Rows 7.. of the sheet. Amount text uses the Vietnamese convention (the file's other texts say so).
ROWS: list[list[Any]] = [
    ["UBND xã A", 2022, 2023, 1, 1, "Hạ tầng", "NSTW", 100.5, 40.25],  # 7: plain numbers
    ["UBND xã A", 2022, 2023, 1, 1, "Hạ tầng", "NSĐP", "1.234,5", "1.000"],  # 8: text numbers
    ["UBND xã B", 2023, 2023, 2, None, "Sinh kế", "NSTW", 50, -5],  # 9: negative disbursement
    ["UBND xã B", 2023, 2023, 9, None, "Không có", "NSTW", 10, 1],  # 10: unknown project
    ["UBND xã B", 2023, 2023, 3, 1, "Nông nghiệp", "Vốn vay", 10, 1],  # 11: unknown source
    ["UBND xã B", None, None, 3, 1, "Nông nghiệp", "NSTW", 20, "chưa có"],  # 12: no year, not a number
    ["", "", "", "", "", "", "", "", ""],  # 13: blank row
    ["UBND xã C", 2023, 2023, True, None, "Ô đúng/sai", "NSTW", 1, 1],  # 14: a boolean is no project
    ["UBND xã C", 2023, 2023, 4, None, "Việc làm", "", 30, True],  # 15: no source = all; boolean amount
    ["Người lập biểu", "", "", "", "", "", "", "", ""],  # 16: footer: the table ends
    ["UBND xã D", 2023, 2023, 1, 1, "Sau chữ ký", "NSTW", 99, 99],  # 17: after the footer, not read
]


def _book(path: Path, rows: list[list[Any]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    for r in TOP + rows:
        ws.append(r)
    wb.save(path)


def _csv(path: Path, rows: list[list[Any]]) -> None:
    def text(v: Any) -> str:
        return "" if v is None else ("TRUE" if v is True else str(v))

    lines = [",".join(f'"{text(v)}"' for v in r) for r in TOP + rows]
    # Short rows, as a hand-edited CSV has them: the blank row is empty, the footer has one field.
    lines = [line if line.strip('",') else "" for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read(folder: Path) -> tuple[list[dict[str, Any]], set[tuple[str, str | None]]]:
    result = run_folder(folder, Settings())
    items = result.items.to_dict("records")
    return items, {(f.code, f.cell) for f in result.findings if f.code != "period_unknown"}


def _items_by_row(items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(i["row"]): i for i in items}


def test_layout_b_rows_follow_the_row_rules(tmp_path: Path) -> None:
    _book(tmp_path / "tong-hop.xlsx", ROWS)
    items, findings = _read(tmp_path)
    by_row = _items_by_row(items)
    assert sorted(by_row) == [7, 8, 9, 12, 15]
    a = by_row[7]
    assert (a["unit"], a["budget_year"], a["execution_year"], a["project"], a["sub_project"]) == (
        "UBND xã A",
        2022,
        2023,
        1,
        1,
    )
    assert (a["source"], a["allocated"], a["disbursed"], a["label"]) == ("NSTW", 100.5, 40.25, "Hạ tầng")
    assert (a["allocated_cell"], a["disbursed_cell"]) == ("H7", "I7")
    assert pd.isna(a["in_month_cell"])  # no in-month column: missing, as pandas marks it
    assert str(a["period"]) == "2023-06-30" and a["file"] == "tong-hop.xlsx" and a["sheet"] == "Tổng hợp"
    assert (by_row[8]["source"], by_row[8]["allocated"], by_row[8]["disbursed"]) == ("NSDP", 1234.5, 1000.0)
    assert by_row[9]["sub_project"] is None or math.isnan(float(by_row[9]["sub_project"]))
    assert by_row[9]["disbursed"] == -5.0  # kept as written, and reported
    # Row 12 has no year: the title's year (2023) files it; its disbursement is not a number.
    assert (by_row[12]["budget_year"], by_row[12]["execution_year"]) == (2023, 2023)
    assert math.isnan(by_row[12]["disbursed"])
    assert by_row[15]["source"] == "ALL" and math.isnan(by_row[15]["disbursed"])
    assert {
        ("negative_amount", "I9"),
        ("unknown_item", "D10"),
        ("unknown_item", "G11"),
        ("not_a_number", "I12"),
        ("unknown_item", "D14"),
        ("not_a_number", "I15"),
    } <= findings
    assert not any(cell and cell.endswith("17") for _, cell in findings)


def test_a_csv_with_short_rows_reads_the_same_items(tmp_path: Path) -> None:
    xlsx, csv_dir = tmp_path / "x", tmp_path / "c"
    xlsx.mkdir()
    csv_dir.mkdir()
    _book(xlsx / "tong-hop.xlsx", ROWS)
    _csv(csv_dir / "tong-hop.csv", ROWS)
    a, _ = _read(xlsx)
    b, _ = _read(csv_dir)
    keys = ("unit", "budget_year", "project", "source", "allocated", "row", "allocated_cell")
    assert [tuple(i[k] for k in keys) for i in a if i["row"] != 15] == [
        tuple(i[k] for k in keys) for i in b if i["row"] != 15
    ]


def test_layout_a_and_layout_b_files_join_in_one_item_table(tmp_path: Path) -> None:
    """Layout A hands over columns of lists, Layout B arrays and coded columns: one run holds both,
    typed right."""
    example = Path(__file__).resolve().parents[2] / "shared" / "examples" / "layout_a_monthly"
    if not example.is_dir():
        pytest.skip("shared examples not present")
    for f in sorted(example.iterdir())[:1]:
        (tmp_path / f.name).write_bytes(f.read_bytes())
    _book(tmp_path / "tong-hop.xlsx", ROWS[:2])
    result = run_folder(tmp_path, Settings())
    items = result.items
    layouts = items.groupby(items["file"] == "tong-hop.xlsx").size()
    assert layouts[True] == 2 and layouts[False] > 0
    assert items["budget_year"].dtype.kind == "i" and items["allocated"].dtype.kind == "f"
    b = items[items["file"] == "tong-hop.xlsx"]
    assert b["allocated"].tolist() == [100.5, 1234.5]
    assert b["sub_project"].tolist() == [1, 1]
    a = items[items["file"] != "tong-hop.xlsx"]
    assert a["file"].notna().all() and a["period"].notna().all() and a["label"].map(bool).all()


def test_layout_a_gives_every_column_but_the_sheets_own() -> None:
    """Layout A leaves out only what the sheet itself holds (file, sheet, unit, period): a column it
    forgot would silently read as empty in the item table."""
    assert sorted((*_EMITTED, "file", "sheet", "unit", "period")) == sorted(SHEET_COLUMNS)


def test_a_sheet_whose_every_row_is_left_out_beside_one_with_items(tmp_path: Path) -> None:
    """Every project unknown: the sheet gives findings and no item, and the run goes on with the
    other file's items (its empty cell-reference columns merge with theirs)."""
    _book(tmp_path / "tong-hop-a.xlsx", [ROWS[3], ROWS[3][:3] + [8] + ROWS[3][4:]])
    _book(tmp_path / "tong-hop-b.xlsx", ROWS[:1])
    result = run_folder(tmp_path, Settings())
    assert result.items["file"].tolist() == ["tong-hop-b.xlsx"]
    assert result.items["allocated_cell"].tolist() == ["H7"]
    unknown = [(f.file, f.cell) for f in result.findings if f.code == "unknown_item"]
    assert unknown == [("tong-hop-a.xlsx", "D7"), ("tong-hop-a.xlsx", "D8")]
    (tmp_path / "tong-hop-b.xlsx").unlink()
    alone = run_folder(tmp_path, Settings())
    assert len(alone.items) == 0
    assert [f.cell for f in alone.findings if f.code == "unknown_item"] == ["D7", "D8"]


finite = st.floats(allow_nan=True, allow_infinity=True)
money = st.one_of(
    finite,
    st.integers(0, 10**13).map(float),
    st.integers(0, 10**9).map(lambda n: n / 10),
    st.integers(0, 10**7).map(lambda n: n / 2_000_000),  # ties at the 7th decimal
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(money, min_size=1, max_size=50), unit=st.sampled_from(sorted(MONEY_UNITS)))
def test_to_trieu_array_matches_to_trieu_bit_for_bit(values: list[float], unit: str) -> None:
    got = to_trieu_array(np.array(values, dtype=np.float64), unit)
    for g, v in zip(got.tolist(), values, strict=True):
        want = to_trieu(v, unit)
        assert (math.isnan(g) and math.isnan(want)) or (
            g == want and math.copysign(1, g) == math.copysign(1, want)
        )


def test_to_trieu_array_refuses_an_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unknown money unit"):
        to_trieu_array(np.array([1.0]), "xu")
