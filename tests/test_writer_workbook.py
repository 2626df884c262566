"""reconciliation.xlsx (SPEC 5.1): write it from a hand-built Result, reopen it and check what a reader sees.

The Result built by :func:`make_result` is a two-unit reconciliation at 30/09/2023 with three monthly
periods. Planted in it:

- unit "SỞ Y TẾ": carried-over 2022 funds (Dự án 3 / TDA 1 and 2, NSTW) and 2023 funds (Dự án 2 ALL,
  Dự án 6 / TDA 1 split NSTW + NSĐP, Dự án 7 / TDA 2 ALL), and a 2022 key past its deadline;
- unit "UBND HUYỆN MÙ CANG CHẢI": 2023 funds, Dự án 4 / TDA 3 and Dự án 5;
- every status code once at least: met, over, no_allocation, missed, behind, at_risk, on_track
  (and incomplete, with ``keys=WITH_INCOMPLETE``: Dự án 7 / TDA 1 of the district, whose September
  disbursement could not be read);
- line items whose labels are injection attempts (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(1)``)
  and a control character;
- findings of every severity: a total_mismatch at D12 of "2023-09.xlsx" sheet "T9", an unknown_item
  whose label is a formula, a not_a_number whose value is a DDE payload, a finding on a sheet whose
  name holds a single quote, one on a file whose name holds '#' (no link), a missing_period with no
  place (no link).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from reconcile import values
from reconcile.codes import combine
from reconcile.messages import msg, status_label
from reconcile.models import LINE_ITEM_COLUMNS, LINE_ITEM_CSV_COLUMNS, Finding, Settings
from reconcile.result import Result
from reconcile.result import monthly as monthly_mod
from reconcile.result.totals import build_totals
from reconcile.writers import palette
from reconcile.writers import workbook as wbmod
from reconcile.writers.workbook import MAX_ROWS, STATUS_COLOURS, source_link, write_workbook
from reconcile.writers.workbook import common as wb_common
from reconcile.writers.workbook import data as wb_data
from reconcile.writers.workbook import findings as wb_findings
from reconcile.writers.workbook import summary as wb_summary
from reconcile.writers.workbook import summary_plan as wb_summary_plan

# openpyxl does not read the data-bar extension xlsxwriter writes; the rule itself is checked.
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")

AS_OF = dt.date(2023, 9, 30)
PERIODS = [dt.date(2023, 7, 31), dt.date(2023, 8, 31), dt.date(2023, 9, 30)]
UNIT_A = "SỞ Y TẾ"
UNIT_B = "UBND HUYỆN MÙ CANG CHẢI"
EVIL_LINK = '=HYPERLINK("http://evil","x")'
EVIL_DDE = "+cmd|' /C calc'!A0"
EVIL_AT = "@SUM(1)"

#: (unit, budget_year, execution_year, project, sub_project, source, allocated, disbursed by period, status)
KEYS: list[tuple[str, int, int, int, int | None, str, float | None, tuple[float, float, float], str]] = [
    (UNIT_A, 2022, 2023, 3, 1, "NSTW", 2150.0, (1800.0, 2000.0, 2150.0), "met"),
    (UNIT_A, 2022, 2023, 3, 2, "NSTW", 1200.5, (700.0, 900.0, 1000.3), "on_track"),
    (UNIT_A, 2022, 2022, 4, 3, "ALL", 300.0, (100.0, 100.0, 100.0), "missed"),
    (UNIT_A, 2023, 2023, 2, None, "ALL", 5680.4, (1000.0, 1500.0, 2000.1), "behind"),
    (UNIT_A, 2023, 2023, 6, 1, "NSTW", 1571.6, (1200.0, 1400.0, 1571.6 + 55.4), "over"),
    (UNIT_A, 2023, 2023, 6, 1, "NSDP", 0.3, (0.1, 0.2, 0.25), "at_risk"),
    (UNIT_A, 2023, 2023, 7, 2, "ALL", None, (0.0, 10.0, 20.0), "no_allocation"),
    (UNIT_B, 2023, 2023, 4, 3, "ALL", 6616.0, (4000.0, 4500.0, 5200.0), "on_track"),
    (UNIT_B, 2023, 2023, 5, None, "ALL", 2450.0, (1000.0, 1100.0, 1200.0), "behind"),
]
#: KEYS and a key whose September disbursement could not be read (status incomplete).
WITH_INCOMPLETE = [*KEYS, (UNIT_B, 2023, 2023, 7, 1, "ALL", 900.0, (100.0, 200.0, math.nan), "incomplete")]


def _summary_row(key: tuple[Any, ...], i: int, target: float) -> dict[str, Any]:
    unit, by, ey, project, sub, source, allocated, disbursed, status = key
    period = PERIODS[i]
    d = disbursed[i]
    deadline = dt.date(ey, 12, 31)
    # An incomplete period: its disbursement is not known, so neither is anything computed from it.
    shortfall = max((allocated or 0.0) * target - d, 0.0) if d == d else math.nan
    days_left = (deadline - period).days
    months_left = max(days_left / 30.4375, 1.0) if days_left > 0 else None
    return {
        "unit": unit,
        "budget_year": by,
        "execution_year": ey,
        "project": project,
        "sub_project": sub,
        "source": source,
        "period": period,
        "allocated": allocated,
        "disbursed": d,
        "rate": (d / allocated) if allocated else float("nan"),
        "shortfall": shortfall,
        "status": status if i == len(PERIODS) - 1 else "on_track",
        "increment": d - (disbursed[i - 1] if i else 0.0),
        "expected_rate": 0.747945 if ey == 2023 else 1.0,
        "run_rate": 150.0,
        "projection": d + 150.0 * (months_left or 0.0),
        "deadline": deadline,
        "days_left": days_left,
        "required_monthly": (shortfall / months_left) if months_left and shortfall else float("nan"),
        "is_latest": i == len(PERIODS) - 1,
        "item_index": 0,
    }


def _item(i: int, label: str, file: str = "2023-09.xlsx", sheet: str = "T9") -> dict[str, Any]:
    return {
        "unit": UNIT_A,
        "budget_year": 2023,
        "execution_year": 2023,
        "project": 6,
        "sub_project": 1,
        "source": "NSTW",
        "period": AS_OF,
        "allocated": 100.0 + i,
        "disbursed": 50.5 + i,
        "disbursed_in_month": None,
        "label": label,
        "file": file,
        "sheet": sheet,
        "row": 12 + i,
        "allocated_cell": f"C{12 + i}",
        "disbursed_cell": f"F{12 + i}",
        "in_month_cell": None,
    }


def make_result(
    root: Path, *, items: pd.DataFrame | None = None, target: float = 1.0, keys: list[Any] = KEYS
) -> Result:
    """A realistic two-unit Result (see the module docstring for what is planted)."""
    rows = [_summary_row(k, i, target) for k in keys for i in range(len(PERIODS))]
    summary = pd.DataFrame(rows)
    latest = summary[summary["is_latest"]].reset_index(drop=True)
    group = ["budget_year", "execution_year", "project", "sub_project", "source"]
    consolidated = latest.groupby(group, dropna=False, as_index=False)[["allocated", "disbursed"]].sum(
        min_count=1
    )
    consolidated.insert(0, "unit", "")
    consolidated["status"] = "on_track"
    if items is None:
        items = pd.DataFrame(
            [
                _item(0, "Tiểu dự án 1: Giảm nghèo về thông tin"),
                _item(1, EVIL_LINK),
                _item(2, EVIL_DDE),
                _item(3, EVIL_AT),
                _item(4, "Dòng có ký tự điều khiển\x01 và _x0041_"),
            ],
            columns=list(LINE_ITEM_COLUMNS),
        )
    findings = [
        Finding(
            "missing_period",
            params={"period": dt.date(2023, 6, 30), "unit": UNIT_A, "first": PERIODS[0], "last": AS_OF},
        ),
        Finding("unknown_item", "2023-09.xlsx", "T9", "B20", {"label": EVIL_LINK}),
        Finding("not_a_number", "sub/BC T9.xlsx", "T9 'sửa'", "E14", {"value": EVIL_DDE}),
        Finding(
            "total_mismatch",
            "2023-09.xlsx",
            "T9",
            "D12",
            {"what": EVIL_AT, "written": 6100.4, "children": 6000.4, "diff": 100.0},
        ),
        Finding(
            "allocation_changed",
            "a#b.xlsx",
            "T9",
            "C9",
            {"before": 1.0, "after": 2.0, "before_period": PERIODS[0], "after_period": AS_OF},
        ),
    ]
    return Result(
        settings=Settings(target=target),
        input_root=root / "workbooks",
        files=[],
        items=items,
        summary=summary,
        latest=latest,
        findings=findings,
        periods=list(PERIODS),
        as_of=AS_OF,
        units=[UNIT_A, UNIT_B],
        consolidated=consolidated,
    )


def _write(
    tmp_path: Path, lang: str = "vi", result: Result | None = None, name: str = "reconciliation.xlsx"
) -> Path:
    out = tmp_path / "output"
    out.mkdir(exist_ok=True)
    path = out / name
    write_workbook(result or make_result(tmp_path), path, lang)
    return path


def _cached(path: Path, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


@pytest.fixture
def vi_book(tmp_path: Path) -> Path:
    return _write(tmp_path, "vi")


# ---- structure -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("vi", ["Tổng hợp", "Bản in Tổng hợp", "Tiến độ theo tháng", "Cảnh báo", "Dữ liệu", "Kế hoạch vốn theo năm"]),
        ("en", ["Summary", "Summary for print", "Monthly progress", "Findings", "Data", "Funds by budget year"]),
    ],
)
def test_sheets_in_the_users_language(tmp_path: Path, lang: str, names: list[str]) -> None:
    path = _write(tmp_path, lang)
    assert openpyxl.load_workbook(path).sheetnames == names


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "vi",
            ["Đơn vị", "Năm ngân sách", "Năm thực hiện", "Dự án", "Tiểu dự án", "Nguồn vốn", "Kế hoạch vốn",
             "Đã giải ngân", "Tỷ lệ", "Còn thiếu", "Trạng thái", "Hạn giải ngân", "Số ngày còn lại",
             "Cần giải ngân mỗi tháng", "Dự kiến đến hạn", "Tỷ lệ dự kiến cần đạt"],
        ),
        (
            "en",
            ["Unit", "Budget year", "Execution year", "Project", "Sub-project", "Source", "Allocated", "Disbursed",
             "Rate", "Shortfall", "Status", "Deadline", "Days left", "Needed per month", "Projected by the deadline",
             "Expected rate"],
        ),
    ],
)  # fmt: skip
def test_summary_title_and_header(tmp_path: Path, lang: str, expected: list[str]) -> None:
    path = _write(tmp_path, lang)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in ws[7]] == expected
    titles = [ws.cell(r, 1).value for r in range(1, 6)]
    if lang == "vi":
        assert titles[1] == f"Đơn vị: {UNIT_A}; {UNIT_B}"
        assert titles[2] == "Số liệu đến ngày 30/09/2023"
        assert titles[3] == "Đơn vị tính: triệu đồng"
        assert titles[4] == "Mục tiêu:"
    else:
        assert titles[2] == "Figures as of 2023-09-30"
    assert ws["B5"].value == 1.0 and ws["B5"].number_format == "0%"
    # The colour legend: every status in its own colour, most urgent first.
    legend = [ws["K2"], ws["K3"], ws["K4"], ws["K5"], ws["M2"], ws["M3"], ws["M4"], ws["M5"]]
    assert [c.value for c in legend] == [
        status_label(s, lang)
        for s in ("over", "no_allocation", "missed", "behind", "at_risk", "met", "on_track", "incomplete")
    ]
    assert ws["M5"].fill.fgColor.rgb == "FF" + palette.STATUS_COLOURS["incomplete"]
    assert [c.fill.fgColor.rgb for c in legend[:3]] == [
        "FF" + palette.STATUS_COLOURS[s] for s in ("over", "no_allocation", "missed")
    ]


def _summary_rows(path: Path) -> tuple[Any, list[list[Any]]]:
    """(openpyxl worksheet, calamine rows) of the summary sheet."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    return ws, _cached(path, ws.title)


def test_summary_groups_units_years_and_projects_with_parents_first(vi_book: Path) -> None:
    ws, _ = _summary_rows(vi_book)
    labels = [(ws.cell(r, 1).value, ws.cell(r, 4).value) for r in range(8, 30)]
    assert labels[0] == ("", "TỔNG CỘNG")
    assert labels[1] == (UNIT_A, "Cộng đơn vị")
    assert labels[2] == (UNIT_A, "Vốn năm 2022 kéo dài sang năm 2022") or labels[2] == (
        UNIT_A,
        "Vốn năm 2022",
    )
    # Carried-over funds keep their budget year and are labelled as such.
    assert (UNIT_A, "Vốn năm 2022 kéo dài sang năm 2023") in labels
    assert (UNIT_A, "Dự án 3: Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng") in labels
    subs = [ws.cell(r, 5).value for r in range(8, 30)]
    assert "Tiểu dự án 1: Hỗ trợ phát triển sản xuất" in subs
    assert (UNIT_B, "Cộng đơn vị") in labels
    sources = {ws.cell(r, 6).value for r in range(8, 30)}
    assert {"NSTW", "NSĐP", "Tổng số"} <= sources


def _detail_rows(ws: Any) -> list[int]:
    """Rows (1-based) of the main table that are keys, not subtotals: they carry a status."""
    rows = []
    r = 8
    while ws.cell(r, 4).value not in (None, ""):
        if ws.cell(r, 11).value:
            rows.append(r)
        r += 1
    return rows


def test_rate_and_shortfall_are_live_formulas_with_spreadsheet_values(vi_book: Path) -> None:
    ws, cached = _summary_rows(vi_book)
    details = _detail_rows(ws)
    assert len(details) == len(KEYS)
    for r in details:
        assert ws.cell(r, 9).data_type == "f"
        assert ws.cell(r, 9).value == f"=IF(G{r}>0,H{r}/G{r},0)"
        assert ws.cell(r, 10).value == f"=MAX(G{r}*MucTieu-H{r},0)"
        g, h, rate, shortfall = (cached[r - 1][c] for c in (6, 7, 8, 9))
        g = 0.0 if g in ("", None) else g
        assert rate == (h / g if g > 0 else 0.0)
        assert shortfall == max(g * 1.0 - h, 0.0)
    # The name used by the formulas points at the target cell.
    assert openpyxl.load_workbook(vi_book).defined_names["MucTieu"].attr_text == "'Tổng hợp'!$B$5"


def test_over_disbursed_rate_is_above_one_and_no_allocation_rate_is_zero(vi_book: Path) -> None:
    ws, cached = _summary_rows(vi_book)
    by_status = {ws.cell(r, 11).value: cached[r - 1] for r in _detail_rows(ws)}
    over = by_status[status_label("over")]
    assert over[8] == pytest.approx((1571.6 + 55.4) / 1571.6) and over[9] == 0.0
    none = by_status[status_label("no_allocation")]
    assert none[6] == "" and none[8] == 0.0 and none[9] == 0.0


def test_subtotals_are_sum_formulas_whose_cached_values_are_the_sums(vi_book: Path) -> None:
    ws, cached = _summary_rows(vi_book)
    details = _detail_rows(ws)
    detail_values = {r: cached[r - 1] for r in details}
    # Grand total: every key.
    assert ws["G8"].value.startswith("=SUM(") and ws["G8"].data_type == "f"
    for col in (6, 7, 9):
        expected = math.fsum(v[col] or 0.0 for v in detail_values.values() if v[col] != "")
        assert cached[7][col] == pytest.approx(expected, abs=1e-9)
    assert cached[7][8] == pytest.approx(cached[7][7] / cached[7][6])
    # Each unit total: that unit's keys.
    for unit in (UNIT_A, UNIT_B):
        total_row = next(
            r for r in range(8, 40) if ws.cell(r, 1).value == unit and ws.cell(r, 4).value == "Cộng đơn vị"
        )
        expected = math.fsum(v[7] for r, v in detail_values.items() if ws.cell(r, 1).value == unit)
        assert cached[total_row - 1][7] == pytest.approx(expected, abs=1e-9)
        assert ws.cell(total_row, 9).value == f"=IF(G{total_row}>0,H{total_row}/G{total_row},0)"
    # A project subtotal (Dự án 6, NSTW + NSĐP) sums its two rows, and its formula names them.
    p6 = next(
        r
        for r in range(8, 40)
        if ws.cell(r, 4).value == "Dự án 6: Truyền thông và giảm nghèo về thông tin"
        and not ws.cell(r, 11).value
    )
    assert ws.cell(p6, 7).value == f"=SUM(G{p6 + 1}:G{p6 + 2})"
    assert cached[p6 - 1][6] == 1571.6 + 0.3
    assert cached[p6 - 1][7] == math.fsum([1571.6 + 55.4, 0.25])


def test_subtotal_rows_are_bold_and_outlined(vi_book: Path) -> None:
    ws, _ = _summary_rows(vi_book)
    assert ws["D8"].font.b
    details = _detail_rows(ws)
    assert not ws.cell(details[0], 4).font.b
    assert ws.row_dimensions[details[0]].outlineLevel >= 2
    assert ws.sheet_properties.outlinePr.summaryBelow is False


def test_status_cells_are_filled_in_their_status_colour(tmp_path: Path) -> None:
    ws, _ = _summary_rows(_write(tmp_path, "vi", make_result(tmp_path, keys=WITH_INCOMPLETE)))
    label_to_code = {status_label(code): code for code in STATUS_COLOURS}
    seen = set()
    for r in _detail_rows(ws):
        code = label_to_code[ws.cell(r, 11).value]
        seen.add(code)
        assert ws.cell(r, 11).fill.fgColor.rgb == "FF" + STATUS_COLOURS[code][1:]
    assert seen == set(STATUS_COLOURS)
    # The workbook speaks the annotated copies' palette.
    assert {code: "#" + colour for code, colour in palette.STATUS_COLOURS.items()} == STATUS_COLOURS


def test_an_incomplete_key_shows_no_figure_and_no_total_over_it(tmp_path: Path) -> None:
    """SPEC 4 ``incomplete``: the figure that could not be read is empty, so are the rate and the
    shortfall computed from it, and every total over it, never the sum of the figures that are known."""
    path = _write(tmp_path, "vi", make_result(tmp_path, keys=WITH_INCOMPLETE))
    ws, cached = _summary_rows(path)
    details = _detail_rows(ws)
    [r] = [r for r in details if ws.cell(r, 11).value == status_label("incomplete")]
    assert ws.cell(r, 11).fill.fgColor.rgb == "FF" + STATUS_COLOURS["incomplete"][1:]
    assert cached[r - 1][6] == 900.0  # the allocation was read
    assert [cached[r - 1][c] for c in (7, 8, 9)] == ["", "", ""]  # disbursed, rate, shortfall
    assert ws.cell(r, 9).value is None and ws.cell(r, 10).value is None  # no formula computes them
    # The subtotals above it (its year, its unit, the grand total) know the allocation, not the
    # disbursement; the other unit's subtotal is whole.
    unit_b = next(
        i for i in range(8, r) if ws.cell(i, 1).value == UNIT_B and ws.cell(i, 4).value == "Cộng đơn vị"
    )
    unit_a = next(
        i for i in range(8, r) if ws.cell(i, 1).value == UNIT_A and ws.cell(i, 4).value == "Cộng đơn vị"
    )
    for total in (8, unit_b):
        assert ws.cell(total, 7).value.startswith("=SUM(")
        assert cached[total - 1][7] == "" and ws.cell(total, 8).value is None
        assert cached[total - 1][8] == ""  # no rate from a partial sum
    a_keys = [k for k in KEYS if k[0] == UNIT_A]
    assert cached[unit_a - 1][7] == pytest.approx(sum(k[7][2] for k in a_keys))
    assert cached[7][6] == pytest.approx(sum(k[6] or 0.0 for k in WITH_INCOMPLETE))
    # The chart's total for September is a gap, not the total of the other keys; August is whole.
    progress = openpyxl.load_workbook(path)["Tiến độ theo tháng"]
    top = next(i for i in range(6, 60) if progress.cell(i, 1).value == "Số liệu biểu đồ (triệu đồng)")
    assert progress.cell(top + 4, 4).value is None
    assert progress.cell(top + 3, 4).value == pytest.approx(sum(k[7][1] for k in WITH_INCOMPLETE))


def test_summary_numbers_dates_and_formats_are_real_numbers(vi_book: Path) -> None:
    ws, cached = _summary_rows(vi_book)
    r = next(r for r in _detail_rows(ws) if ws.cell(r, 11).value == status_label("met"))
    assert ws.cell(r, 2).data_type == "n" and ws.cell(r, 2).value == 2022
    assert ws.cell(r, 7).data_type == "n" and ws.cell(r, 7).number_format == "#,##0.0##"
    assert ws.cell(r, 9).number_format == "0.0%"
    assert ws.cell(r, 12).is_date and ws.cell(r, 12).value.date() == dt.date(2023, 12, 31)
    assert ws.cell(r, 12).number_format == "dd/mm/yyyy"
    assert ws.cell(r, 13).value == 92
    assert ws.cell(r, 16).value == pytest.approx(0.747945)


def test_summary_sheet_view_and_print_setup(vi_book: Path) -> None:
    ws, _ = _summary_rows(vi_book)
    assert ws.freeze_panes == "A8"
    last = 7 + len([r for r in range(8, 60) if ws.cell(r, 4).value]) - 0
    assert ws.auto_filter.ref.startswith("A7:P")
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth is left out when it is 1, the schema's default.
    assert (ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$7:$7"
    assert UNIT_A in ws.oddHeader.left.text and "30/09/2023" in ws.oddHeader.right.text
    assert ws.oddFooter.center.text == "Trang &P/&N"
    assert 10 < ws.column_dimensions["D"].width <= 52
    assert ws.conditional_formatting  # the data bars
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(rule.type == "dataBar" for rule in rules)
    assert last > 8


def test_consolidated_block_follows_the_per_unit_table(vi_book: Path) -> None:
    ws, cached = _summary_rows(vi_book)
    title_row = next(
        r for r in range(8, 80) if ws.cell(r, 1).value == "Tổng hợp toàn tỉnh" and ws.cell(r, 4).value is None
    )
    assert ws.cell(title_row + 1, 1).value == "Đơn vị"  # its own header
    assert ws.cell(title_row + 2, 4).value == "TỔNG CỘNG"
    # Its grand total equals the per-unit grand total: the same money, counted once.
    assert cached[title_row + 1][7] == pytest.approx(cached[7][7])


def test_too_many_summary_rows_shows_the_consolidated_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wb_summary, "MAX_ROWS", 20)
    path = _write(tmp_path, "vi")
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert "Số liệu đầy đủ trong các tệp CSV" in ws["A6"].value
    units = {ws.cell(r, 1).value for r in range(9, 40) if ws.cell(r, 4).value}
    assert units == {"Tổng hợp toàn tỉnh"}


# ---- injection ---------------------------------------------------------------------------------------


def test_user_text_is_always_written_as_text(vi_book: Path) -> None:
    book = openpyxl.load_workbook(vi_book)
    data = book["Dữ liệu"]
    label_col = list(LINE_ITEM_COLUMNS).index("label") + 1
    labels = {data.cell(r, label_col).value: data.cell(r, label_col) for r in range(4, 9)}
    for evil in (EVIL_LINK, EVIL_DDE, EVIL_AT):
        assert labels[evil].data_type == "s"
    assert not data._hyperlinks
    findings = book["Cảnh báo"]
    messages = [findings.cell(r, 6) for r in range(7, 12)]
    for evil in (EVIL_LINK, EVIL_DDE, EVIL_AT):
        cell = next(c for c in messages if evil in c.value)
        assert cell.data_type == "s"
    # No cell anywhere holds a formula other than the summary's own.
    for ws in book.worksheets[1:]:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_control_characters_do_not_break_the_file(vi_book: Path) -> None:
    data = openpyxl.load_workbook(vi_book)["Dữ liệu"]
    label_col = list(LINE_ITEM_COLUMNS).index("label") + 1
    # The control character becomes a space; text that looks like an XML escape stays as typed
    # (xlsxwriter escapes it as _x005F_x0041_, which Excel and calamine decode; openpyxl does not).
    assert data.cell(8, label_col).value.startswith("Dòng có ký tự điều khiển  và _x")
    calamine = _cached(vi_book, "Dữ liệu")
    assert calamine[7][label_col - 1] == "Dòng có ký tự điều khiển  và _x0041_"


# ---- findings -----------------------------------------------------------------------------------------


def test_findings_sorted_by_severity_with_coloured_severity(vi_book: Path) -> None:
    ws = openpyxl.load_workbook(vi_book)["Cảnh báo"]
    assert [c.value for c in ws[6]] == ["Mức độ", "Mã", "Tệp", "Trang tính", "Ô", "Nội dung"]
    assert ws.freeze_panes == "A7" and ws.auto_filter.ref == "A6:F11"
    severities = [ws.cell(r, 1).value for r in range(7, 12)]
    assert severities == ["Lỗi", "Lỗi", "Cảnh báo", "Cảnh báo", "Thông tin"]
    assert ws.cell(7, 1).fill.fgColor.rgb == "FF" + palette.SEVERITY_COLOURS["error"]
    assert ws.cell(9, 1).fill.fgColor.rgb == "FF" + palette.SEVERITY_COLOURS["warning"]
    assert ws.cell(11, 1).fill.fgColor.rgb == "FF" + palette.SEVERITY_COLOURS["info"]
    assert ws["A3"].value == "2 lỗi, 2 cảnh báo, 1 thông tin"
    total = next(r for r in range(7, 12) if ws.cell(r, 2).value == "total_mismatch")
    assert "6.100,4" in ws.cell(total, 6).value


def test_findings_link_to_the_source_cell(vi_book: Path) -> None:
    ws = openpyxl.load_workbook(vi_book)["Cảnh báo"]
    rows = {ws.cell(r, 2).value: r for r in range(7, 12)}
    cell = ws.cell(rows["total_mismatch"], 5)
    assert cell.value == "D12" and cell.data_type == "s"
    assert cell.hyperlink.target.replace("\\", "/") == "../workbooks/2023-09.xlsx"
    assert cell.hyperlink.location == "'T9'!D12"
    quoted = ws.cell(rows["not_a_number"], 5)
    assert quoted.hyperlink.target.replace("\\", "/") == "../workbooks/sub/BC%20T9.xlsx"
    assert quoted.hyperlink.location == "'T9 ''sửa'''!E14"
    # No place, or a '#' in the file name: the reference stays plain text.
    assert ws.cell(rows["missing_period"], 5).hyperlink is None
    assert ws.cell(rows["allocation_changed"], 5).hyperlink is None
    assert ws.cell(rows["allocation_changed"], 5).value == "C9"


def test_source_link_refuses_what_it_cannot_build_safely(tmp_path: Path) -> None:
    root, out = tmp_path / "in", tmp_path / "out"
    assert source_link(Finding("x", "a.xlsx", "S", "B2"), root, out) == "external:../in/a.xlsx#'S'!B2"
    assert source_link(Finding("x", "a.xlsx", "S", None), root, out) is None
    assert source_link(Finding("x", "a.xlsx", None, "B2"), root, out) is None
    assert source_link(Finding("x", None, "S", "B2"), root, out) is None
    assert source_link(Finding("x", "a.xlsx", "S", "B2:C3"), root, out) is None
    assert source_link(Finding("x", "a.xlsx", "S", "=A1"), root, out) is None
    assert source_link(Finding("x", "a%20b.xlsx", "S", "B2"), root, out) is None
    assert (
        source_link(Finding("x", "a.xlsx", "it's", "$B$2"), root, out) == "external:../in/a.xlsx#'it''s'!B2"
    )


# ---- progress -------------------------------------------------------------------------------------------


def test_progress_sheet_rates_colour_scale_and_chart(vi_book: Path) -> None:
    book = openpyxl.load_workbook(vi_book)
    ws = book["Tiến độ theo tháng"]
    header = [c.value for c in ws[5]]
    assert header[:6] == ["Đơn vị", "Năm ngân sách", "Năm thực hiện", "Dự án", "Tiểu dự án", "Nguồn vốn"]
    assert [h.date() for h in header[6:9]] == PERIODS
    assert ws.freeze_panes == "G6"
    first = [ws.cell(6, c).value for c in range(1, 10)]
    assert first[:6] == [UNIT_A, 2022, 2022, "Dự án 4", "Tiểu dự án 3", "Tổng số"]
    assert first[6:] == pytest.approx([100 / 300] * 3)
    assert ws.cell(6, 7).number_format == "0.0%"
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any(rule.type == "colorScale" for rule in rules)
    # The chart's data table: per period, disbursement per budget year, the total and the target.
    top = next(r for r in range(6, 40) if ws.cell(r, 1).value == "Số liệu biểu đồ (triệu đồng)")
    assert [c.value for c in ws[top + 1]][:5] == [
        "Kỳ báo cáo",
        "Giải ngân vốn năm 2022",
        "Giải ngân vốn năm 2023",
        "Tổng giải ngân",
        "Mục tiêu (100% kế hoạch vốn)",
    ]
    sept = [ws.cell(top + 4, c).value for c in range(1, 6)]
    assert sept[0].date() == AS_OF
    assert sept[1] == pytest.approx(2150.0 + 1000.3 + 100.0)
    assert sept[3] == pytest.approx(sum(k[7][2] for k in KEYS))
    assert sept[4] == pytest.approx(sum(k[6] or 0.0 for k in KEYS))
    with zipfile.ZipFile(vi_book) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "Giải ngân lũy kế so với mục tiêu" in chart and "Triệu đồng" in chart
    assert chart.count("<c:ser>") == 4


def test_english_chart_and_labels(tmp_path: Path) -> None:
    path = _write(tmp_path, "en")
    ws = openpyxl.load_workbook(path)["Monthly progress"]
    assert ws.cell(6, 4).value == "Project 4"
    with zipfile.ZipFile(path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "Cumulative disbursement against the target" in chart and "Million VND" in chart


def test_members_are_deflated_at_the_workbook_level_and_zipfile_keeps_its_default(vi_book: Path) -> None:
    """The sheets are deflated at DEFLATE_LEVEL (faster than zipfile's default, a little larger), and
    only while the workbook closes: zipfile's own default is untouched afterwards."""
    with zipfile.ZipFile(vi_book) as z:
        info = z.getinfo("xl/worksheets/sheet4.xml")
        xml = z.read(info)
    assert info.compress_type == zipfile.ZIP_DEFLATED and len(xml) > 4096
    for level, same in ((wbmod.DEFLATE_LEVEL, True), (9, False)):
        deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        assert (len(deflate.compress(xml) + deflate.flush()) == info.compress_size) is same
    import xlsxwriter.workbook

    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


# ---- data ---------------------------------------------------------------------------------------------------


def test_data_sheet_lists_every_item_with_its_place(vi_book: Path) -> None:
    ws = openpyxl.load_workbook(vi_book)["Dữ liệu"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["Đơn vị", "Năm ngân sách", "Năm thực hiện"]
    assert {"Tệp", "Trang tính", "Dòng", "Ô kế hoạch vốn", "Ô giải ngân"} <= set(header)
    assert len(header) == len(LINE_ITEM_CSV_COLUMNS)
    # The item's identity, last (SPEC 12).
    assert header[-3:] == ["Chương trình", "Mã dự án", "Tên dự án"]
    first = dict(zip(LINE_ITEM_CSV_COLUMNS, (c.value for c in ws[4]), strict=True))
    assert first["file"] == "2023-09.xlsx" and first["sheet"] == "T9" and first["allocated_cell"] == "C12"
    assert first["allocated"] == 100.0 and first["period"].date() == AS_OF
    assert first["source"] == "NSTW" and first["sub_project"] == 1
    cols = {name: i + 1 for i, name in enumerate(LINE_ITEM_CSV_COLUMNS)}
    assert ws.cell(4, cols["row"]).number_format == "0"
    assert ws.cell(4, cols["allocated"]).number_format == "#,##0.0##"
    assert ws.cell(4, cols["allocated"]).data_type == "n"
    assert ws.max_row == 3 + 5
    assert ws.freeze_panes == "A4"
    assert ws["A2"].value == "5 dòng số liệu"


def test_data_sheet_stops_at_the_row_cap_and_says_where_everything_is(tmp_path: Path) -> None:
    n = MAX_ROWS + 10
    # Only the columns the assertions need are filled: empty cells are not written, which keeps
    # this test to a second or two.
    items = pd.DataFrame(
        {"allocated": [float(i) for i in range(n)], "label": [f"dòng {i}" for i in range(n)]}
    )
    items = items.reindex(columns=list(LINE_ITEM_COLUMNS))
    items["file"] = "big.xlsx"
    path = _write(tmp_path, "vi", make_result(tmp_path, items=items))
    rows = _cached(path, "Dữ liệu")
    assert len(rows) == 3 + MAX_ROWS
    assert "Số liệu đầy đủ trong các tệp CSV (line_items.csv)" in rows[1][0]
    assert "50.000" in rows[1][0] and "50.010" in rows[1][0]
    label = list(LINE_ITEM_COLUMNS).index("label")
    assert rows[-1][label] == f"dòng {MAX_ROWS - 1}"
    assert rows[-1][list(LINE_ITEM_COLUMNS).index("allocated")] == float(MAX_ROWS - 1)


# ---- determinism and robustness ---------------------------------------------------------------------------------


def test_two_writes_are_byte_identical(tmp_path: Path) -> None:
    result = make_result(tmp_path)
    a = _write(tmp_path, "vi", result, "a.xlsx")
    b = _write(tmp_path, "vi", result, "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert "2023-09-30T00:00:00Z" in z.read("docProps/core.xml").decode()


def test_empty_result_still_gives_a_workbook(tmp_path: Path) -> None:
    result = Result(
        settings=Settings(),
        input_root=tmp_path / "workbooks",
        files=[],
        items=pd.DataFrame(columns=list(LINE_ITEM_COLUMNS)),
        summary=pd.DataFrame(),
        latest=pd.DataFrame(),
        findings=[],
        periods=[],
        as_of=None,
        units=[],
    )
    path = _write(tmp_path, "en", result)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Summary for print", "Monthly progress", "Findings", "Data", "Funds by budget year"]
    ws = book["Summary"]
    assert ws["A3"].value == msg("wb.as_of_unknown", "en")
    assert ws["D8"].value == "GRAND TOTAL" and ws["G8"].value == "=0"


def test_unwritable_path_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_workbook(make_result(tmp_path), tmp_path / "missing" / "x.xlsx")


def test_caps_on_the_progress_and_findings_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wb_findings, "MAX_ROWS", 3)
    monkeypatch.setattr(monthly_mod, "MAX_ROWS", 3)  # the monthly table is built with the Result
    book = openpyxl.load_workbook(_write(tmp_path, "en"))
    progress = book["Monthly progress"]
    assert progress["A4"].value == "Showing 3 of 9 rows. The CSV files hold everything (summary.csv)."
    assert [progress.cell(r, 1).value for r in range(6, 10)] == [UNIT_A, UNIT_A, UNIT_A, None]
    findings = book["Findings"]
    assert findings["A5"].value == "Showing 3 of 5 rows. The CSV files hold everything (findings.csv)."
    assert [findings.cell(r, 2).value for r in range(7, 11)] == [
        "total_mismatch",
        "not_a_number",
        "missing_period",
        None,
    ]


def test_one_unit_has_no_unit_subtotals_and_no_consolidated_block(tmp_path: Path) -> None:
    result = make_result(tmp_path, target=0.9)
    latest = result.latest[result.latest["unit"] == UNIT_B].reset_index(drop=True)
    result = dataclasses.replace(result, latest=latest, consolidated=None)
    path = _write(tmp_path, "vi", result)
    ws, cached = _summary_rows(path)
    labels = [ws.cell(r, 4).value for r in range(8, ws.max_row + 1)]
    assert labels == [
        "TỔNG CỘNG",
        "Vốn năm 2023",
        "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững",
        "Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo",
    ]
    assert ws["G8"].value == "=SUM(G9)" and ws["G9"].value == "=SUM(G10:G11)"
    # The target is 90%: the named cell shows it, and the shortfall's cached value uses it.
    assert ws["B5"].value == 0.9 and ws["B5"].number_format == "0%"
    assert cached[9][9] == pytest.approx(6616.0 * 0.9 - 5200.0)
    assert cached[7][9] == pytest.approx(6616.0 * 0.9 - 5200.0 + 2450.0 * 0.9 - 1200.0)
    # Long names wrap, and their rows are tall enough to show them whole.
    assert ws.cell(11, 4).alignment.wrap_text
    assert ws.row_dimensions[11].height >= 30
    # Widths fit the content: the unit's name (in capitals) is not cut.
    assert ws.column_dimensions["A"].width >= len(UNIT_B) * 1.2


def test_sum_formula_merges_ranges_and_respects_excel_limits() -> None:
    assert wb_common._sum_formula("G", [7, 8, 9, 11]) == "=SUM(G8:G10,G12)"
    assert wb_common._sum_formula("G", []) == "=0"
    many = wb_common._sum_formula("H", list(range(0, 1000, 2)))  # 500 separate cells
    assert many is not None and many.startswith("=SUM(SUM(H1,H3,") and many.count("SUM(") == 4
    assert wb_common._sum_formula("H", list(range(0, 20000, 2))) is None  # longer than Excel allows


def test_shortfall_cache_follows_spreadsheet_subtraction() -> None:
    # A difference within 2**-48 of the operands is exactly 0 in Excel and LibreOffice.
    assert values.approx_sub(1.000000000000001, 1.0) == 0.0
    assert values.approx_sub(2150.0, 2000.5) == 149.5
    assert values.approx_sub(-1.0, 1.0) == -2.0
    # Cached inputs are what the cell holds after xlsxwriter writes 16 significant digits.
    assert values.stored(0.1 + 0.2) == 0.3


# ---- the column operations against the row-by-row definitions they replaced --------------------------

_UNITS = st.sampled_from([UNIT_A, UNIT_B, "Z đơn vị", "a\x01", "a ", "", None, float("nan")])
_SOURCES = st.sampled_from(["NSTW", "NSDP", "ALL", "ZZZ", "", None])
_YEARS = st.sampled_from([2022, 2023, 2024, None])
_PERIODS = st.sampled_from([*PERIODS, dt.date(2022, 12, 31), None])
_FLOATS = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.just(-0.0))


def _summary_frame(rows: list[tuple[Any, ...]], years_as: str) -> pd.DataFrame:
    """A summary frame of ``rows`` (unit, by, ey, project, sub, source, period, rate, disbursed,
    allocated), the year columns Int64 (missing years possible) or plain int64."""
    cols = ["unit", "budget_year", "execution_year", "project", "sub_project", "source", "period"]
    cols += ["rate", "disbursed", "allocated"]
    df = pd.DataFrame(rows, columns=cols)
    df["unit"] = df["unit"].astype(object)
    df["source"] = df["source"].astype(object)
    df["period"] = df["period"].astype(object)
    for c in ("budget_year", "execution_year"):
        df[c] = df[c].fillna(2023).astype("int64") if years_as == "int64" else df[c].astype("Int64")
    df["project"] = df["project"].astype("int64")
    df["sub_project"] = df["sub_project"].astype("Int64")
    for c in ("rate", "disbursed", "allocated"):
        df[c] = df[c].astype("float64")
    return df


_KEY_FIELDS = (
    _UNITS,
    _YEARS,
    _YEARS,
    st.integers(0, 7),
    st.sampled_from([0, 1, 2, None]),
    _SOURCES,
    _PERIODS,
)


def _with_repeats(rows: list[tuple[Any, ...]]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    """``rows`` and copies of some of them with other figures and one key field (or none) changed:
    the same key and period twice (the later row's rate is the one shown) and keys that differ in
    one field only (None against 0, a listed unit against an unlisted one...)."""
    change = st.one_of(st.none(), *(st.tuples(st.just(i), f) for i, f in enumerate(_KEY_FIELDS)))

    def copy(r: tuple[Any, ...], field: tuple[int, Any] | None, figures: tuple[Any, ...]) -> tuple[Any, ...]:
        key = list(r[:7])
        if field is not None:
            key[field[0]] = field[1]
        return (*key, *figures)

    again = st.lists(
        st.tuples(st.sampled_from(rows), change, st.tuples(_FLOATS, _FLOATS, _FLOATS)), max_size=8
    )
    return again.map(lambda extra: rows + [copy(r, f, v) for r, f, v in extra])


_summary_rows_strategy = st.lists(
    st.tuples(*_KEY_FIELDS, _FLOATS, _FLOATS, _FLOATS), min_size=1, max_size=30
).flatmap(_with_repeats)


def _old_progress_data(result: Result) -> tuple[Any, ...]:
    """The progress gathering as it was (an 8-column groupby and sort), for comparison."""
    df = result.summary
    unit_rank = {u: i for i, u in enumerate(result.units)}
    texts = {c: df[c].map(lambda v: values.text(v)) for c in ("unit", "source")}
    keyframe = pd.DataFrame(
        {
            "ur": texts["unit"].map(unit_rank).fillna(len(unit_rank)).astype(np.int64),
            "unit": texts["unit"],
            "by": monthly_mod.wholes(df["budget_year"], 0),
            "ey": monthly_mod.wholes(df["execution_year"], 0),
            "project": monthly_mod.wholes(df["project"], 0),
            "sub": monthly_mod.wholes(df["sub_project"], -1),
            "sr": texts["source"].map(values.SOURCE_RANK).fillna(len(values.SOURCE_RANK)).astype(np.int64),
            "source": texts["source"],
        },
        index=pd.RangeIndex(len(df)),
    )
    cols = list(keyframe.columns)
    code = keyframe.groupby(cols, sort=False, dropna=False).ngroup().to_numpy()
    firsts = keyframe.drop_duplicates()
    shown_rows = firsts.sort_values(cols, kind="stable").index.to_numpy()[: wbmod.MAX_ROWS]
    rank = np.full(len(firsts), -1, dtype=np.int64)
    rank[code[shown_rows]] = np.arange(len(shown_rows))
    period_of = [values.date(v) for v in df["period"]]
    periods = sorted({*result.periods, *(d for d in period_of if d is not None)})
    rates: list[dict[dt.date, float]] = [{} for _ in shown_rows]
    disbursed: dict[tuple[int | None, dt.date], list[float]] = {}
    allocated: dict[dt.date, list[float]] = {}
    for i, r in enumerate(df.to_dict("records")):
        p = period_of[i]
        if p is None:
            continue
        if rank[code[i]] >= 0 and math.isfinite(r["rate"]):
            rates[rank[code[i]]][p] = r["rate"]
        if math.isfinite(r["disbursed"]):
            disbursed.setdefault((values.whole(r["budget_year"]), p), []).append(r["disbursed"])
        if math.isfinite(r["allocated"]):
            allocated.setdefault(p, []).append(r["allocated"])
    return periods, len(firsts), shown_rows.tolist(), rates, disbursed, allocated


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=_summary_rows_strategy, years_as=st.sampled_from(["Int64", "int64"]), cap=st.sampled_from([3, 50])
)
def test_progress_gathering_matches_the_row_by_row_definition(
    tmp_path: Path, rows: list[tuple[Any, ...]], years_as: str, cap: int
) -> None:
    """Keys ordered as the summary orders them (listed units first, missing sub-projects before
    numbered ones, sources in SOURCES order), the first row of each shown key, the last rate of a key
    and period, and the chart's values per budget year and period, whatever the mix of missing values."""
    result = dataclasses.replace(
        make_result(tmp_path), summary=_summary_frame(rows, years_as), periods=[PERIODS[0]]
    )
    monthly, keys, chart = monthly_mod.monthly_table(result.summary, result.periods, result.units, 1.0, cap)
    saved = wbmod.MAX_ROWS
    wbmod.MAX_ROWS = cap
    try:
        periods, n_keys, shown_rows, rates, disbursed, allocated = _old_progress_data(result)
    finally:
        wbmod.MAX_ROWS = saved
    got_periods = [c for c in monthly.columns if isinstance(c, dt.date)]
    assert got_periods == periods and keys == n_keys
    key_columns = [c for c in monthly.columns if not isinstance(c, dt.date)]
    expected = result.summary.iloc[shown_rows][key_columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(monthly[key_columns], expected, check_column_type=False)
    got_rates = [
        {p: r[j] for j, p in enumerate(periods) if not math.isnan(r[j])} for r in monthly[periods].to_numpy()
    ]
    assert got_rates == rates
    # The chart sums, per budget year and period, the values the row-by-row loop lists there.
    years = sorted({y for (y, _p) in disbursed}, key=lambda y: -1 if y is None else y)
    assert monthly_mod.chart_years(chart) == years
    assert list(chart["period"]) == periods
    for y in years:
        column = chart[f"disbursed_{'' if y is None else y}"].tolist()
        assert column == [math.fsum(disbursed.get((y, p), [])) for p in periods]
    assert chart["allocated"].tolist() == [math.fsum(allocated.get(p, [])) for p in periods]
    assert ("disbursed_total" in chart.columns) == (len(years) > 1)


def _old_plan_size(df: pd.DataFrame, per_unit: bool) -> int:
    keys = pd.DataFrame(
        {
            "unit": df["unit"].map(lambda v: values.text(v)) if per_unit else "",
            "by": df["budget_year"],
            "ey": df["execution_year"],
            "project": df["project"],
        }
    )
    units = keys["unit"].nunique() if per_unit else 0
    years = len(keys.drop_duplicates(["unit", "by", "ey"]))
    projects = keys.groupby(["unit", "by", "ey", "project"], dropna=False, sort=False).size()
    return 1 + units + years + int((projects > 1).sum()) + len(df)


@settings(max_examples=100, deadline=None)
@given(rows=_summary_rows_strategy, years_as=st.sampled_from(["Int64", "int64"]), per_unit=st.booleans())
def test_plan_size_matches_its_groupby_definition(
    rows: list[tuple[Any, ...]], years_as: str, per_unit: bool
) -> None:
    df = _summary_frame(rows, years_as)
    if not per_unit:  # a table shown without unit rows has one unit (the consolidated block: "")
        df["unit"] = ""
    totals = build_totals(df, None, [UNIT_A, UNIT_B], Settings(), None)
    assert wb_summary_plan._plan_size(totals, per_unit) == _old_plan_size(df, per_unit)


def test_combined_keys_order_like_tuples_even_when_too_wide_for_one_integer() -> None:
    rng = np.random.default_rng(5)
    narrow = [rng.integers(0, 4, 300) for _ in range(3)]
    wide = [rng.integers(0, 3, 300) * 2**40, rng.integers(0, 3, 300) * 2**40, rng.integers(0, 3, 300)]
    for parts in (narrow, wide):
        key = combine(*parts)
        tuples = list(zip(*(p.tolist() for p in parts), strict=True))
        assert [tuples[i] for i in np.argsort(key, kind="stable")] == sorted(tuples)
        assert len(np.unique(key)) == len(set(tuples))


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.just(-0.0), max_size=8)
)
def test_widest_number_is_the_widest_cell(values: list[float | None]) -> None:
    arr = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    for spec in (",.1f", ",.0f"):
        expected = max((len(f"{v:{spec}}") for v in values if v is not None), default=1)
        assert wb_data._widest(arr, spec) == expected


def test_data_columns_convert_like_the_cell_by_cell_rules() -> None:
    def texts(series: pd.Series, kind: str, lang: str) -> list[str | None]:
        codes, table = wb_data._data_text(series, kind, lang)
        return [table[c] if c >= 0 else None for c in codes.tolist()]

    text = pd.Series(["a", None, "b\x01", float("nan"), "a", "", "NSTW"], dtype=object)
    assert texts(text, "text", "vi") == ["a", None, "b ", None, "a", None, "NSTW"]
    assert texts(text, "source", "en")[-1] == msg("source.NSTW", "en")
    mixed = pd.Series([1, 1.0, "1", True, None], dtype=object)  # equal values, different texts
    assert texts(mixed, "text", "vi") == ["1", "1.0", "1", "True", None]
    ints = pd.Series([3, None, 5], dtype="Int64")
    assert wb_data._data_numbers(ints, "whole").tolist()[::2] == [3.0, 5.0]
    floats = pd.Series([1.5, math.inf, -0.0, math.nan])
    got = wb_data._data_numbers(floats, "amount")
    assert got[0] == 1.5 and math.isnan(got[1]) and math.copysign(1, got[2]) == -1 and math.isnan(got[3])
    objects = pd.Series(["2.5", "x", 4, None], dtype=object)
    assert wb_data._data_numbers(objects, "amount")[[0, 2]].tolist() == [2.5, 4.0]
    dates = pd.Series([dt.date(2023, 9, 30), None, "2023-01-31", dt.datetime(2023, 9, 30, 5)], dtype=object)
    assert wb_data._data_numbers(dates, "date")[[0, 2, 3]].tolist() == [45199.0, 44957.0, 45199.0]


@pytest.mark.parametrize(
    "value",
    [0, -3, 2023, 2**53, 2**53 + 1, -(2**53) - 1, 10**400, 1.5, -0.0, 2.0, math.nan, math.inf, True,
     np.int64(7), np.float64(2.5), "12", " 3 ", "x", None, pd.NA, pd.NaT, dt.date(2023, 1, 1)],
)  # fmt: skip
def test_number_conversions_fast_paths_agree_with_the_general_rule(value: Any) -> None:
    """_num and _int take a shortcut for plain floats and ints; it must give what float() does."""

    def general_num(v: Any) -> float | None:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            return None
        try:
            x = float(v)
        except (TypeError, ValueError, OverflowError):
            return None
        return x if math.isfinite(x) else None

    try:
        got_num, got_int = values.num(value), values.whole(value)
    except OverflowError:  # float() of a 400-digit int: the general rule raises too
        with pytest.raises(OverflowError):
            float(value)
        return
    expected = general_num(value)
    assert got_num == expected and type(got_num) is type(expected)
    assert got_int == (int(expected) if expected is not None and expected.is_integer() else None)


def test_the_cycle_collector_is_paused_only_while_writing(tmp_path: Path) -> None:
    import gc

    assert gc.isenabled()
    _write(tmp_path, "vi")
    assert gc.isenabled()
    with pytest.raises(OSError):
        write_workbook(make_result(tmp_path), tmp_path / "missing" / "x.xlsx")
    assert gc.isenabled()
    gc.disable()
    try:
        _write(tmp_path, "en")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


_RUN_VALUES = st.sampled_from(
    ["a", "b", "Sở", None, float("nan"), pd.NA, 1, 1.0, True, dt.date(2023, 1, 31), dt.datetime(2023, 1, 31)]
)


@settings(max_examples=200, deadline=None)
@given(runs=st.lists(st.tuples(_RUN_VALUES, st.integers(1, 6)), max_size=12))
def test_factorize_by_runs_is_pandas_factorize(runs: list[tuple[Any, int]]) -> None:
    values = [v for v, k in runs for _ in range(k)]
    series = pd.Series(values, dtype=object)
    codes, uniques = monthly_mod.factorize(series)
    expected_codes, expected_uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    assert codes.tolist() == expected_codes.tolist()
    assert [type(u) for u in uniques] == [type(u) for u in expected_uniques]


@settings(max_examples=200, deadline=None)
@given(runs=st.lists(st.tuples(st.sampled_from(["a", "b", "Sở", "", None]), st.integers(1, 6)), max_size=12))
def test_factorize_of_a_categorical_is_that_of_its_values(runs: list[tuple[Any, int]]) -> None:
    """A summary's units come as a Categorical (sorted categories, some unused): the same codes, in
    order of first appearance, and the same texts as the plain values give."""
    values = [v for v, k in runs for _ in range(k)]
    categories = sorted({v for v in values if v is not None} | {"zz unused"})
    series = pd.Series(pd.Categorical(values, categories=categories))
    codes, uniques = monthly_mod.factorize(series)
    plain_codes, plain_uniques = monthly_mod.factorize(pd.Series(values, dtype=object))
    assert codes.tolist() == plain_codes.tolist()
    assert uniques == plain_uniques


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.integers(0, 40), min_size=1, max_size=60), limit=st.integers(1, 50))
def test_first_keys_match_a_full_sort(keys: list[int], limit: int) -> None:
    arr = np.array(keys, dtype=np.int64)
    firsts, rank, n_keys = monthly_mod.first_keys(arr, limit)
    distinct, first_rows, inverse = np.unique(arr, return_index=True, return_inverse=True)
    assert n_keys == len(distinct)
    assert firsts.tolist() == first_rows[:limit].tolist()
    assert rank.tolist() == np.where(inverse < limit, inverse, -1).tolist()


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([2023, 2024, -5], dtype="int64"),
        pd.Series([2**53, -(2**53)], dtype="int64"),
        pd.Series([2**53 + 1, 3], dtype="int64"),  # not exactly a float: the general path rounds it
        pd.Series([1, None, 7], dtype="Int64"),
        pd.Series([None, None], dtype="Int64"),
        pd.Series([], dtype="int64"),
        pd.Series([1.0, 2.5, None, math.inf], dtype="float64"),
        pd.Series(["3", "x", None, 4], dtype=object),
    ],
)
def test_whole_numbers_of_a_column_are_int_of_each_value(series: pd.Series) -> None:
    got = monthly_mod.wholes(series, -99).tolist()
    assert got == [-99 if (i := values.whole(v)) is None else i for v in series.tolist()]
