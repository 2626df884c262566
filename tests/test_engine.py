"""The reconciliation engine (SPEC 4), fed with hand-built reader output.

Every test builds FileResult / SheetResult objects (their items as rows turned into the sheet's
columns) directly, so the figures each test plants are written next to what it asserts.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconcile.codes import combine as _combine
from reconcile.engine import SUMMARY_COLUMNS, expected_rate, missing_months, months_back, reconcile
from reconcile.models import (
    KEY_COLUMNS,
    LINE_ITEM_COLUMNS,
    CellRefs,
    Coded,
    FileResult,
    Finding,
    Settings,
    SheetResult,
)
from reconcile.result import Result
from tests.items import columns_of, records
from tests.items import row as item_row

D = dt.date


def month_end(year: int, month: int) -> dt.date:
    return D(year, month, calendar.monthrange(year, month)[1])


#: A line item planted by hand: its columns' values by name (see tests.items.row).
Item = dict[str, Any]


def item(period: dt.date | None, allocated: float | None, disbursed: float | None, **kw: Any) -> Item:
    """A line item of unit "Sở A", budget 2023 executed 2023, Dự án 3 / TDA 1, NSTW, at row 10."""
    row = kw.pop("row", 10)
    fields: dict[str, Any] = {
        "unit": "Sở A",
        "budget_year": 2023,
        "execution_year": 2023,
        "project": 3,
        "sub_project": 1,
        "source": "NSTW",
        "period": period,
        "allocated": allocated,
        "disbursed": disbursed,
        "file": kw.pop("file", f"{period:%Y-%m}.xlsx" if period else "x.xlsx"),
        "sheet": "T",
        "row": row,
        "label": "Tiểu dự án 1",
        "allocated_cell": f"C{row}",
        "disbursed_cell": f"F{row}",
    }
    fields.update(kw)
    return item_row(**fields)


def file_of(rel: str, items: list[Item], mtime: float = 0.0, **kw: Any) -> FileResult:
    """One file holding one sheet "T" with ``items`` (their ``file`` set to ``rel``)."""
    for it in items:
        it["file"] = rel
    period = items[0]["period"] if items else None
    sheet = SheetResult(
        file=rel,
        sheet="T",
        layout="A",
        unit="Sở A",
        period=period,
        money_unit="trieu",
        columns=columns_of(items),
    )
    return FileResult(path=Path(rel), rel=rel, mtime=mtime, sheets=[sheet], **kw)


def series(points: list[tuple[dt.date, float | None, float | None]], **kw: Any) -> list[FileResult]:
    """One file per period, each with one item of the same key."""
    return [file_of(f"{p:%Y-%m}.xlsx", [item(p, a, d, **kw)]) for p, a, d in points]


def run(files: list[FileResult], **settings: Any) -> Result:
    return reconcile(files, Settings(**settings), Path("in"))


def latest_row(result: Result, **key: Any) -> dict[str, Any]:
    frame = result.latest
    for k, v in key.items():
        frame = frame[frame[k] == v]
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


def codes(result: Result) -> list[str]:
    return [f.code for f in result.findings]


def only(result: Result, code: str) -> Finding:
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, result.findings
    return found[0]


SEP30 = D(2023, 9, 30)


# ---------------------------------------------------------------------------------------------------
# Figures and statuses at their boundaries
# ---------------------------------------------------------------------------------------------------


def test_single_report_figures() -> None:
    r = run(series([(SEP30, 6595.0, 5200.0)]))
    row = latest_row(r)
    assert row["rate"] == pytest.approx(5200 / 6595)
    assert row["shortfall"] == 1395.0
    assert row["expected_rate"] == pytest.approx(273 / 365)
    assert row["deadline"] == D(2023, 12, 31)
    assert row["days_left"] == 92
    assert row["months_left"] == pytest.approx(92 / 365 * 12)
    assert row["required_monthly"] == pytest.approx(round(1395 / (92 / 365 * 12), 6))
    # One report: cumulative / months elapsed since 1 January (273 days counted, both ends).
    assert row["run_rate"] == pytest.approx(5200 / (273 / 365 * 12))
    assert row["projection"] == pytest.approx(5200 + 5200 / 273 * 92, abs=1e-6)
    assert row["increment"] == 5200.0
    assert row["status"] == "on_track"
    assert r.as_of == SEP30 and r.periods == [SEP30] and r.units == ["Sở A"]
    assert r.consolidated is None


@pytest.mark.parametrize(
    ("disbursed", "status", "over_finding"),
    [
        (100.0, "met", False),  # rate exactly the target
        (100.0004, "met", False),  # within the 0.0005 rounding tolerance
        (100.0006, "over", True),  # beyond it
        (99.9996, "met", False),  # a hair short, within tolerance
    ],
)
def test_met_and_over_boundaries(disbursed: float, status: str, over_finding: bool) -> None:
    r = run(series([(SEP30, 100.0, disbursed)]))
    assert latest_row(r)["status"] == status
    assert ("over_disbursed" in codes(r)) is over_finding
    if over_finding:
        f = only(r, "over_disbursed")
        assert (f.file, f.sheet, f.cell, f.level) == ("2023-09.xlsx", "T", "F10", "error")
        assert f.params["excess"] == pytest.approx(0.0006)
        assert f.params["allocated"] == 100.0


def test_target_below_100_percent() -> None:
    assert latest_row(run(series([(SEP30, 100.0, 90.0)]), target=0.9))["status"] == "met"
    row = latest_row(run(series([(SEP30, 100.0, 89.9)]), target=0.9))
    assert row["status"] != "met"
    assert row["shortfall"] == pytest.approx(0.1)


@pytest.mark.parametrize("allocated", [None, 0.0])
def test_no_allocation(allocated: float | None) -> None:
    r = run(series([(SEP30, allocated, 5.0)]))
    row = latest_row(r)
    assert row["status"] == "no_allocation"
    assert math.isnan(row["rate"])
    assert row["shortfall"] == 0.0
    f = only(r, "over_disbursed")
    assert f.cell == "F10" and f.params == {"disbursed": 5.0, "allocated": 0.0, "excess": 5.0}


def test_empty_key_makes_no_key() -> None:
    files = [file_of("2023-09.xlsx", [item(SEP30, None, None), item(SEP30, 0.0, 0.0, source="NSDP", row=11)])]
    r = run(files)
    assert r.summary.empty and r.latest.empty
    assert len(r.items) == 2  # still listed as read
    assert r.as_of is None and r.periods == []


def test_expected_rate_values() -> None:
    assert expected_rate(SEP30, 2023) == pytest.approx(273 / 365)
    assert round(expected_rate(SEP30, 2023), 6) == 0.747945
    assert expected_rate(D(2024, 12, 31), 2024) == 1.0  # leap year: 366/366
    assert expected_rate(D(2024, 2, 29), 2024) == pytest.approx(60 / 366)
    assert expected_rate(D(2023, 1, 1), 2023) == pytest.approx(1 / 365)
    assert expected_rate(D(2024, 1, 15), 2023) == 1.0  # after the year: clamped
    assert expected_rate(D(2022, 12, 31), 2023) == 0.0  # before it: clamped


def test_expected_rate_with_pace_profile() -> None:
    profile = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1.0)
    assert expected_rate(D(2023, 9, 15), 2023, profile) == pytest.approx(0.5 + 0.1 * 15 / 30)
    assert expected_rate(SEP30, 2023, profile) == pytest.approx(0.6)
    assert expected_rate(D(2023, 1, 31), 2023, profile) == pytest.approx(0.02)
    assert expected_rate(D(2024, 1, 10), 2023, profile) == 1.0
    # Through the engine: 55% disbursed on 15/9 is on pace with this profile, behind it with 56%.
    r = run(series([(D(2023, 9, 15), 100.0, 55.0)]), pace_profile=profile)
    assert latest_row(r)["expected_rate"] == pytest.approx(0.55)
    assert latest_row(r)["status"] != "behind"
    r = run(series([(D(2023, 9, 15), 100.0, 54.99)]), pace_profile=profile)
    assert latest_row(r)["status"] == "behind"


def test_behind_boundary() -> None:
    # Expected rate at 30/9/2023 is 273/365: 273 of 365 is exactly on pace.
    assert latest_row(run(series([(SEP30, 365.0, 273.0)])))["status"] == "on_track"
    assert latest_row(run(series([(SEP30, 365.0, 272.999)])))["status"] == "behind"


def three_reports(july: float) -> list[FileResult]:
    return series(
        [(month_end(2023, 7), 1200.0, july), (month_end(2023, 8), 1200.0, 800.0), (SEP30, 1200.0, 900.0)]
    )


def test_at_risk_versus_on_track_by_run_rate() -> None:
    # At 30/9: rate 0.75 >= 273/365, so not behind. No report is 3 months older than 30/9 (30/6),
    # so the baseline is the first report (31/7, 61 days earlier); 92 days are left. The projection
    # 900 + (900 - july) * 92/61 reaches 1200 exactly when july = 900 - 300 * 61 / 92 = 701.087.
    on = run(three_reports(701.0))
    row = latest_row(on)
    month = 365 / 12
    assert row["run_rate"] == pytest.approx((900 - 701) / (61 / month))
    assert row["projection"] == pytest.approx(900 + (900 - 701) * 92 / 61, abs=1e-6)
    assert row["status"] == "on_track"
    assert latest_row(run(three_reports(701.2)))["status"] == "at_risk"


def test_run_rate_baseline_three_months_back() -> None:
    points = [(month_end(2023, m), 1000.0, 100.0 * m) for m in range(3, 10)]
    points[3] = (month_end(2023, 6), 1000.0, 550.0)  # June: the baseline at 30/9
    r = run(series(points))
    sep = latest_row(r)
    assert sep["run_rate"] == pytest.approx((900 - 550) / (92 / (365 / 12)))
    # At 30/4 only March is earlier and none is 3 months old: the first report is the baseline.
    apr = r.summary[r.summary["period"] == D(2023, 4, 30)].iloc[0]
    assert apr["run_rate"] == pytest.approx((400 - 300) / (30 / (365 / 12)))
    # The first report: cumulative over months elapsed.
    mar = r.summary[r.summary["period"] == D(2023, 3, 31)].iloc[0]
    assert mar["run_rate"] == pytest.approx(300 / (90 / (365 / 12)))


def test_run_rate_baseline_stays_within_its_key() -> None:
    # Key NSDP (sorted first) reports March..September; key NSTW only August and September.
    # NSTW's baseline at 30/9 is its own first report (31/8), never NSDP's June report.
    files = []
    for m in range(3, 10):
        p = month_end(2023, m)
        items = [item(p, 1000.0, 100.0 * m, source="NSDP")]
        if m >= 8:
            items.append(item(p, 500.0, 300.0 + (m == 9) * 30, row=11))
        files.append(file_of(f"{p:%Y-%m}.xlsx", items))
    r = run(files)
    assert latest_row(r, source="NSTW")["run_rate"] == pytest.approx(30 / (30 / (365 / 12)))
    assert latest_row(r, source="NSDP")["run_rate"] == pytest.approx(300 / (92 / (365 / 12)))


def test_funds_of_a_year_not_yet_started() -> None:
    # The 2024 allocation already appears in the December 2023 report: no pace, no projection yet.
    r = run(series([(D(2023, 12, 31), 100.0, 0.0)], budget_year=2024, execution_year=2024))
    row = latest_row(r)
    assert row["expected_rate"] == 0.0
    assert math.isnan(row["run_rate"]) and math.isnan(row["projection"])
    assert row["months_left"] == pytest.approx(12.0)
    assert row["status"] == "on_track"


def test_months_back_keeps_month_ends() -> None:
    assert months_back(SEP30, 3) == D(2023, 6, 30)
    assert months_back(D(2023, 5, 31), 3) == D(2023, 2, 28)
    assert months_back(D(2024, 2, 29), 3) == D(2023, 11, 30)
    assert months_back(D(2023, 8, 15), 3) == D(2023, 5, 15)


def test_missed_the_day_after_the_deadline() -> None:
    dec = series([(D(2023, 12, 31), 100.0, 90.0)])
    row = latest_row(run(dec))
    assert row["status"] == "behind"  # on the deadline itself: expected 100%, not yet missed
    assert row["days_left"] == 0 and row["required_monthly"] == 10.0
    row = latest_row(run(dec, as_of=D(2024, 1, 1)))
    assert row["status"] == "missed"
    assert row["days_left"] == -1 and row["months_left"] == 0.0
    assert row["period"] == D(2023, 12, 31)  # the figures are still those of the last report
    assert latest_row(run(series([(D(2023, 12, 31), 100.0, 100.0)]), as_of=D(2024, 1, 1)))["status"] == "met"


def test_carried_over_funds_due_end_of_extension_year() -> None:
    r = run(series([(SEP30, 1551.0, 1000.0)], budget_year=2022, execution_year=2023))
    row = latest_row(r, budget_year=2022)
    assert row["execution_year"] == 2023
    assert row["deadline"] == D(2023, 12, 31)
    assert row["expected_rate"] == pytest.approx(273 / 365)  # paced from 1/1/2023
    assert row["run_rate"] == pytest.approx(1000 / (273 / 365 * 12))
    assert row["status"] == "behind"  # 64.5% < 74.8%


def test_deadline_31_january_next_year() -> None:
    settings = {"deadline_year_offset": 1, "deadline_month": 1, "deadline_day": 31}
    files = series([(D(2023, 12, 31), 100.0, 95.0)])
    row = latest_row(run(files, as_of=D(2024, 1, 15), **settings))
    assert row["deadline"] == D(2024, 1, 31)
    assert row["days_left"] == 16
    assert row["months_left"] == pytest.approx(16 / 365 * 12)
    assert row["status"] == "behind"  # expected rate is 100% after the year, but not missed yet
    assert latest_row(run(files, as_of=D(2024, 1, 31), **settings))["status"] == "behind"
    assert latest_row(run(files, as_of=D(2024, 2, 1), **settings))["status"] == "missed"
    # A January report of the following year still counts toward the 2023 funds.
    more = [*files, file_of("2024-01.xlsx", [item(D(2024, 1, 31), 100.0, 100.0)])]
    row = latest_row(run(more, **settings))
    assert row["period"] == D(2024, 1, 31) and row["status"] == "met"


def test_as_of_ignores_later_periods() -> None:
    files = three_reports(500.0)
    r = run(files, as_of=D(2023, 8, 31))
    assert r.periods == [month_end(2023, 7), month_end(2023, 8)]
    assert r.as_of == D(2023, 8, 31)
    assert latest_row(r)["disbursed"] == 800.0
    # Later than the data: the latest row keeps its figures, judged at as_of.
    r = run(files, as_of=D(2023, 10, 31))
    row = latest_row(r)
    assert row["period"] == SEP30 and row["disbursed"] == 900.0
    assert row["expected_rate"] == pytest.approx(304 / 365)
    assert row["days_left"] == 61
    earlier = r.summary[~r.summary["is_latest"]]
    assert earlier["expected_rate"].tolist() == pytest.approx([212 / 365, 243 / 365])


def test_every_period_is_judged_at_its_own_date() -> None:
    r = run(three_reports(500.0))
    s = r.summary
    assert s["period"].tolist() == [month_end(2023, 7), month_end(2023, 8), SEP30]
    assert s["increment"].tolist() == [500.0, 300.0, 100.0]
    assert s["is_latest"].tolist() == [False, False, True]
    assert s["expected_rate"].tolist() == pytest.approx([212 / 365, 243 / 365, 273 / 365])
    assert s["status"].tolist() == ["behind", "on_track", "on_track"]


def test_summary_columns_and_types() -> None:
    r = run(
        three_reports(500.0)
        + [file_of("2023-09b.xlsx", [item(SEP30, 10.0, 1.0, unit="Sở B", sub_project=None)])]
    )
    assert tuple(r.summary.columns) == SUMMARY_COLUMNS
    assert tuple(r.summary.columns[: len(KEY_COLUMNS)]) == KEY_COLUMNS
    assert str(r.summary["sub_project"].dtype) == "Int64"
    assert r.summary["sub_project"].isna().sum() == 1
    assert all(isinstance(p, dt.date) for p in r.summary["period"])
    assert str(r.summary["period"].iloc[0]) == "2023-07-31"
    assert tuple(r.items.columns) == LINE_ITEM_COLUMNS
    assert tuple(r.latest.columns) == SUMMARY_COLUMNS
    # item_index points at the item the figures came from.
    for idx, period in zip(r.summary["item_index"], r.summary["period"], strict=True):
        assert r.items.loc[idx, "period"] == period


# ---------------------------------------------------------------------------------------------------
# Duplicates and period conflicts
# ---------------------------------------------------------------------------------------------------


def test_duplicate_line_first_counts() -> None:
    # Planted: the same key at rows 14 and 10 of one sheet (listed 14 first); row 10 must count.
    items = [item(SEP30, 200.0, 20.0, row=14), item(SEP30, 100.0, 50.0, row=10)]
    r = run([file_of("2023-09.xlsx", items)])
    assert latest_row(r)["allocated"] == 100.0
    f = only(r, "duplicate_line")
    assert (f.file, f.sheet, f.cell) == ("2023-09.xlsx", "T", "C14")
    assert f.params == {"what": "Tiểu dự án 1", "first": "C10"}
    assert f.level == "warning"


def test_duplicate_on_another_sheet_names_the_sheet() -> None:
    first = SheetResult(
        "a.xlsx",
        "Năm 2023",
        "A",
        "Sở A",
        SEP30,
        "trieu",
        columns=columns_of([item(SEP30, 100.0, 50.0, file="a.xlsx", sheet="Năm 2023")]),
    )
    second = SheetResult(
        "a.xlsx",
        "Copy",
        "A",
        "Sở A",
        SEP30,
        "trieu",
        columns=columns_of([item(SEP30, 100.0, 50.0, file="a.xlsx", sheet="Copy", row=3)]),
    )
    r = run([FileResult(Path("a.xlsx"), "a.xlsx", 0.0, sheets=[first, second])])
    f = only(r, "duplicate_line")
    assert (f.sheet, f.cell) == ("Copy", "C3")
    assert f.params["first"] == "'Năm 2023'!C10"


def test_same_key_in_two_periods_of_one_file_is_no_duplicate() -> None:
    items = [item(month_end(2023, 8), 100.0, 40.0), item(SEP30, 100.0, 50.0, row=11)]
    r = run([file_of("all.xlsx", items)])
    assert "duplicate_line" not in codes(r)
    assert len(r.summary) == 2


def test_period_conflict_agreeing_files() -> None:
    a = file_of("2023-09.xlsx", [item(SEP30, 100.0, 50.0)], mtime=200.0)
    b = file_of("BC T9-2023 (sua).xlsx", [item(SEP30, 100.0, 50.0004)], mtime=100.0)
    r = run([a, b])
    assert "period_conflict" not in codes(r)
    assert r.used_files == {("Sở A", SEP30): "2023-09.xlsx"}  # saved last
    assert len(r.summary) == 1


def test_period_conflict_disagreeing_files() -> None:
    old = file_of("2023-09.xlsx", [item(SEP30, 100.0, 50.0)], mtime=100.0)
    new = file_of("BC T9-2023 (sua).xlsx", [item(SEP30, 100.0, 60.0)], mtime=200.0)
    r = run([old, new])
    f = only(r, "period_conflict")
    assert f.file == "2023-09.xlsx"
    assert f.params == {
        "period": SEP30,
        "unit": "Sở A",
        "files": ["2023-09.xlsx", "BC T9-2023 (sua).xlsx"],
        "used": "BC T9-2023 (sua).xlsx",
    }
    assert latest_row(r)["disbursed"] == 60.0
    assert r.used_files[("Sở A", SEP30)] == "BC T9-2023 (sua).xlsx"


def test_period_conflict_different_key_sets_and_mtime_tie() -> None:
    a = file_of("a.xlsx", [item(SEP30, 100.0, 50.0)], mtime=5.0)
    b = file_of(
        "b.xlsx", [item(SEP30, 100.0, 50.0), item(SEP30, 10.0, 1.0, source="NSDP", row=11)], mtime=5.0
    )
    r = run([b, a])
    f = only(r, "period_conflict")
    assert f.file == "a.xlsx" and f.params["used"] == "b.xlsx"  # same mtime: the later name wins
    assert sorted(r.summary["source"]) == ["NSDP", "NSTW"]


def test_two_units_in_one_period_are_no_conflict() -> None:
    a = file_of("a.xlsx", [item(SEP30, 100.0, 50.0)])
    b = file_of("b.xlsx", [item(SEP30, 100.0, 70.0, unit="Sở B")])
    r = run([a, b])
    assert "period_conflict" not in codes(r)
    assert r.used_files == {("Sở A", SEP30): "a.xlsx", ("Sở B", SEP30): "b.xlsx"}
    assert r.units == ["Sở A", "Sở B"]


# ---------------------------------------------------------------------------------------------------
# In-month amounts, decreases, allocation changes
# ---------------------------------------------------------------------------------------------------


def in_month(
    period: dt.date, allocated: float, cumulative: float | None, month: float, row: int = 10, **kw: Any
) -> Item:
    """An item with an in-month amount in column G (and its cumulative figure, if given, in F)."""
    return item(
        period, allocated, cumulative, row=row, disbursed_in_month=month, in_month_cell=f"G{row}", **kw
    )


def test_in_month_running_sum() -> None:
    files = [
        file_of("07.xlsx", [in_month(month_end(2023, 7), 1000.0, None, 100.1)]),
        file_of("08.xlsx", [in_month(month_end(2023, 8), 1000.0, None, 50.1)]),
        file_of("09.xlsx", [in_month(SEP30, 1000.0, None, 25.1)]),
    ]
    r = run(files)
    assert r.summary["disbursed"].tolist() == [100.1, 150.2, 175.3]  # rounded, no binary noise
    assert r.summary["increment"].tolist() == [100.1, 50.1, 25.1]
    assert "in_month_mismatch" not in codes(r)


def test_in_month_empty_cell_carries_the_cumulative() -> None:
    aug = item(month_end(2023, 8), 1000.0, None, disbursed_in_month=None, in_month_cell="G10")
    files = [
        file_of("07.xlsx", [in_month(month_end(2023, 7), 1000.0, None, 100.0)]),
        file_of("08.xlsx", [aug]),
        file_of("09.xlsx", [in_month(SEP30, 1000.0, None, 25.0)]),
    ]
    assert run(files).summary["disbursed"].tolist() == [100.0, 100.0, 125.0]


def test_in_month_continues_from_last_cumulative() -> None:
    files = [
        file_of("07.xlsx", [in_month(month_end(2023, 7), 1000.0, 400.0, 100.0)]),
        file_of("08.xlsx", [in_month(month_end(2023, 8), 1000.0, None, 50.0)]),
        file_of("09.xlsx", [in_month(SEP30, 1000.0, None, 30.0)]),
    ]
    assert run(files).summary["disbursed"].tolist() == [400.0, 450.0, 480.0]


def test_in_month_mismatch() -> None:
    files = [
        file_of("07.xlsx", [in_month(month_end(2023, 7), 1000.0, 400.0, 100.0)]),
        file_of("08.xlsx", [in_month(month_end(2023, 8), 1000.0, 450.0, 50.0004)]),  # within tolerance
        file_of("09.xlsx", [in_month(SEP30, 1000.0, 500.0, 60.0, row=12)]),  # rose by 50
    ]
    r = run(files)
    f = only(r, "in_month_mismatch")
    assert (f.file, f.cell) == ("09.xlsx", "G12")
    assert f.params == {"in_month": 60.0, "increase": 50.0, "before_period": month_end(2023, 8)}


def test_in_month_not_checked_across_a_gap_but_checked_from_january() -> None:
    files = [
        file_of("07.xlsx", [in_month(month_end(2023, 7), 1000.0, 400.0, 100.0)]),
        file_of("09.xlsx", [in_month(SEP30, 1000.0, 500.0, 60.0)]),  # August is missing
    ]
    assert "in_month_mismatch" not in codes(run(files))
    r = run([file_of("01.xlsx", [in_month(month_end(2023, 1), 1000.0, 10.0, 12.0)])])
    f = only(r, "in_month_mismatch")
    assert f.params["before_period"] == D(2022, 12, 31) and f.params["increase"] == 10.0


def test_cumulative_decrease_and_allocation_changed() -> None:
    files = series([(month_end(2023, 8), 1000.0, 500.0), (SEP30, 1200.0, 450.0)])
    r = run(files)
    dec = only(r, "cumulative_decrease")
    assert (dec.file, dec.cell, dec.level) == ("2023-09.xlsx", "F10", "error")
    assert dec.params == {
        "before": 500.0,
        "before_period": month_end(2023, 8),
        "after": 450.0,
        "after_period": SEP30,
    }
    chg = only(r, "allocation_changed")
    assert (chg.cell, chg.level) == ("C10", "info")
    assert chg.params["before"] == 1000.0 and chg.params["after"] == 1200.0
    assert latest_row(r)["run_rate"] == 0.0  # a fall is not a pace
    assert latest_row(r)["increment"] == -50.0


def test_over_disbursed_raised_at_every_period() -> None:
    r = run(series([(month_end(2023, 8), 100.0, 120.0), (SEP30, 100.0, 130.0)]))
    found = [f for f in r.findings if f.code == "over_disbursed"]
    assert [f.file for f in found] == ["2023-08.xlsx", "2023-09.xlsx"]
    assert r.summary["status"].tolist() == ["over", "over"]


# ---------------------------------------------------------------------------------------------------
# Missing periods
# ---------------------------------------------------------------------------------------------------


def test_missing_month() -> None:
    r = run(
        series([(month_end(2023, 5), 100.0, 10.0), (month_end(2023, 8), 100.0, 50.0), (SEP30, 100.0, 60.0)])
    )
    found = [f for f in r.findings if f.code == "missing_period"]
    assert [f.params["period"] for f in found] == [month_end(2023, 6), month_end(2023, 7)]
    assert found[0].params == {
        "unit": "Sở A",
        "period": month_end(2023, 6),
        "first": month_end(2023, 5),
        "last": SEP30,
    }
    assert (found[0].file, found[0].sheet, found[0].cell) == (None, None, None)


def test_quarterly_series_has_no_missing_months() -> None:
    quarters = [month_end(2023, m) for m in (3, 6, 9, 12)]
    assert missing_months([quarters[1], quarters[2]]) == []  # June and September: quarterly
    assert "missing_period" not in codes(
        run(series([(q, 100.0, 10.0 * i) for i, q in enumerate(quarters, 1)]))
    )
    assert missing_months([quarters[0], quarters[2]]) == [quarters[1]]
    assert missing_months([D(2023, 11, 30), D(2024, 2, 29)]) == [D(2023, 12, 31), D(2024, 1, 31)]
    assert missing_months([SEP30]) == []


def test_missing_month_is_per_unit() -> None:
    a = series([(month_end(2023, 7), 100.0, 10.0), (SEP30, 100.0, 50.0)])
    b = [file_of("b-08.xlsx", [item(month_end(2023, 8), 100.0, 5.0, unit="Sở B")])]
    found = [f for f in run(a + b).findings if f.code == "missing_period"]
    assert [(f.params["unit"], f.params["period"]) for f in found] == [("Sở A", month_end(2023, 8))]


# ---------------------------------------------------------------------------------------------------
# Consolidation, inputs, determinism
# ---------------------------------------------------------------------------------------------------


def test_consolidated_across_two_units() -> None:
    a = [file_of("a.xlsx", [item(SEP30, 1000.0, 800.0)])]
    b = [
        file_of("b-08.xlsx", [item(month_end(2023, 8), 500.0, 100.0, unit="Sở B")]),
        file_of("b-09.xlsx", [item(SEP30, 500.0, 150.0, unit="Sở B")]),
    ]
    r = run(a + b)
    c = r.consolidated
    assert c is not None and len(c) == 1
    row = c.iloc[0].to_dict()
    assert row["unit"] == "" and row["item_index"] == -1
    assert (row["allocated"], row["disbursed"]) == (1500.0, 950.0)
    assert row["rate"] == pytest.approx(950 / 1500)
    assert row["shortfall"] == 550.0
    units = r.latest.set_index("unit")
    assert row["run_rate"] == pytest.approx(units.loc["Sở A", "run_rate"] + units.loc["Sở B", "run_rate"])
    assert row["status"] == "behind"  # 63.3% < 74.8%, though Sở A alone is ahead
    assert units.loc["Sở A", "status"] == "on_track"
    assert tuple(c.columns) == SUMMARY_COLUMNS
    assert str(c["sub_project"].dtype) == "Int64"


def test_period_unknown_and_reader_findings_pass_through() -> None:
    reader = Finding("period_unknown", file="z.xlsx", sheet="T")
    bad = file_of("z.xlsx", [item(None, 100.0, 50.0)])
    bad.findings.append(reader)
    info = Finding("skipped_file", file="~$a.xlsx")
    r = run(
        [bad, *series([(SEP30, 100.0, 50.0)]), FileResult(Path("~$a.xlsx"), "~$a.xlsx", 0.0, findings=[info])]
    )
    assert reader in r.findings and info in r.findings
    assert r.findings == sorted(r.findings, key=Finding.sort_key)
    assert r.findings[0].code == "period_unknown"  # errors first
    assert len(r.summary) == 1 and len(r.items) == 2
    assert r.items["period"].isna().sum() == 1


def test_column_sheets_equal_item_sheets() -> None:
    """Columns with every field given, without ``unknown``, or without the columns that are the
    sheet's own (file, sheet, unit, period: Layout A leaves them out) give the same tables."""
    items = [item(SEP30, 100.0, 50.0), item(SEP30, 80.0, 10.0, sub_project=None, project=2, row=11)]
    by_items = run([file_of("a.xlsx", items)])
    cols = {c: [it[c] for it in items] for c in LINE_ITEM_COLUMNS}
    for left_out in ((), ("file", "sheet", "unit", "period")):
        given = {c: v for c, v in cols.items() if c not in left_out}
        sheet = SheetResult("a.xlsx", "T", "B", "Sở A", SEP30, "trieu", columns=given)
        by_cols = run([FileResult(Path("a.xlsx"), "a.xlsx", 0.0, sheets=[sheet])])
        pd.testing.assert_frame_equal(by_items.summary, by_cols.summary)
        pd.testing.assert_frame_equal(by_items.items, by_cols.items)


def _coded(values: list[Any]) -> Coded:
    distinct = list(dict.fromkeys(values))
    return Coded(np.array([-1 if v is None else distinct.index(v) for v in values]), distinct)


def test_coded_columns_equal_item_sheets_and_keys_sort_by_text() -> None:
    """A reader's Coded and CellRefs columns give the tables plain values give, merged with other
    files' items; units and sources sort by their text, not by the order they were met in."""
    rows = [
        ("Sở B", "NSTW", 10, 100.0, None),
        ("Sở B", "NSDP", 11, 80.0, 5.0),
        ("Sở A", "NSTW", 12, 60.0, None),
        ("Sở B", "NSTW", 13, 40.0, 1.0),  # a duplicate key of row 10
    ]
    items = [
        item(
            SEP30,
            a,
            1.0,
            unit=u,
            source=s,
            row=r,
            file="b.xlsx",
            label="Nhãn",
            allocated_cell=f"H{r}",
            disbursed_cell=f"I{r}",
            disbursed_in_month=m,
            in_month_cell=None if m is None else f"G{r}",
        )
        for u, s, r, a, m in rows
    ]
    other = [item(SEP30, 7.0, 1.0, unit="Sở C", file="c.xlsx", allocated_cell="H10", label="Khác")]

    def column_sheet(coded: bool) -> FileResult:
        cols: dict[str, Any] = {c: [it[c] for it in items] for c in LINE_ITEM_COLUMNS}
        if coded:
            for c in ("unit", "source", "label", "in_month_cell"):
                cols[c] = _coded(cols[c])
            cols["row"] = np.array(cols["row"], dtype=np.int64)
            cols["allocated_cell"] = CellRefs("H", cols["row"])
            cols["disbursed_cell"] = CellRefs("I", cols["row"])
        sheet = SheetResult("b.xlsx", "T", "B", "", SEP30, "trieu", columns=cols)
        return FileResult(Path("b.xlsx"), "b.xlsx", 0.0, sheets=[sheet])

    plain = run([column_sheet(False), file_of("c.xlsx", other)])
    coded = run([column_sheet(True), file_of("c.xlsx", other)])
    pd.testing.assert_frame_equal(plain.items, coded.items)
    pd.testing.assert_frame_equal(plain.summary, coded.summary)
    assert coded.items["allocated_cell"].tolist() == ["H10", "H11", "H12", "H13", "H10"]
    assert coded.items["in_month_cell"].isna().tolist() == [True, False, True, False, True]
    assert [(u, s) for u, s in zip(coded.latest["unit"], coded.latest["source"], strict=True)] == [
        ("Sở A", "NSTW"),
        ("Sở B", "NSDP"),
        ("Sở B", "NSTW"),
        ("Sở C", "NSTW"),
    ]
    assert "duplicate_line" in codes(coded)


def test_a_text_column_of_other_values_stays_as_given() -> None:
    """A label that is not text (a number a reader passed through) is kept as it is, not as a category."""
    r = run([file_of("a.xlsx", [item(SEP30, 100.0, 50.0, label=2023), item(SEP30, 1.0, 1.0, row=11)])])
    assert r.items["label"].tolist() == [2023, "Tiểu dự án 1"]


def test_empty_input() -> None:
    r = run([])
    assert tuple(r.summary.columns) == SUMMARY_COLUMNS and r.summary.empty
    assert tuple(r.items.columns) == LINE_ITEM_COLUMNS and r.items.empty
    assert r.findings == [] and r.units == [] and r.as_of is None and r.consolidated is None
    assert run([], as_of=SEP30).as_of == SEP30


def messy_folder() -> list[FileResult]:
    """Two units, three months, a conflict (agreeing copy and a disagreeing one), a duplicate row,
    a missing month, a decrease, and an in-month-only key."""
    a7 = file_of(
        "A/2023-07.xlsx",
        [
            item(month_end(2023, 7), 1000.0, 300.0),
            in_month(month_end(2023, 7), 50.0, None, 5.0, 12, source="NSDP"),
        ],
    )
    a8 = file_of(
        "A/2023-08.xlsx",
        [
            item(month_end(2023, 8), 1000.0, 450.0),
            in_month(month_end(2023, 8), 50.0, None, 7.0, 12, source="NSDP"),
        ],
        mtime=1.0,
    )
    a8_copy = file_of("A/2023-08 (sua).xlsx", [item(month_end(2023, 8), 1000.0, 470.0)], mtime=1.0)
    a9 = file_of(
        "A/2023-09.xlsx",
        [
            item(SEP30, 1000.0, 440.0),
            item(SEP30, 1000.0, 999.0, row=30),
            in_month(SEP30, 50.0, None, 9.0, 12, source="NSDP"),
        ],
    )
    b7 = file_of("B/2023-07.xlsx", [item(month_end(2023, 7), 600.0, 100.0, unit="Sở B", source="NSDP")])
    b9 = file_of("B/2023-09.xlsx", [item(SEP30, 600.0, 500.0, unit="Sở B", source="NSDP")])
    return [a7, a8, a8_copy, a9, b7, b9]


def test_file_order_does_not_matter() -> None:
    baseline = run(messy_folder())
    # Every item read is listed, those that do not count (duplicate, losing copy) included.
    assert len(baseline.items) == sum(len(records(sh)) for fr in messy_folder() for sh in fr.sheets) == 10
    assert len(baseline.summary) == 8
    assert {"period_conflict", "duplicate_line", "missing_period", "cumulative_decrease"} <= set(
        codes(baseline)
    )
    for order in itertools.islice(itertools.permutations(range(6)), 0, 720, 37):
        files = messy_folder()
        r = run([files[i] for i in order])
        pd.testing.assert_frame_equal(r.summary, baseline.summary)
        pd.testing.assert_frame_equal(r.items, baseline.items)
        assert r.consolidated is not None and baseline.consolidated is not None
        pd.testing.assert_frame_equal(r.consolidated, baseline.consolidated)
        assert [(f.code, f.file, f.cell, f.params) for f in r.findings] == [
            (f.code, f.file, f.cell, f.params) for f in baseline.findings
        ]
        assert r.used_files == baseline.used_files


def test_example_layout_a_monthly(examples_dir: Path) -> None:
    """The answer key lists the latest figures; earlier months are made consistent (same allocation,
    lower cumulative figures) and the statuses must come out as the key says."""
    key = json.loads((examples_dir / "layout_a_monthly.expected.json").read_text(encoding="utf-8"))
    periods = [D.fromisoformat(p) for p in key["context"]["periods"]]
    files = []
    for n, period in enumerate(periods):
        share = 1.0 if n == len(periods) - 1 else 0.6 + 0.2 * n  # 60%, 80%, then the key's figure
        items = []
        for row, s in enumerate(key["summary"], start=10):
            disbursed = round(s["disbursed"] * share, 3)
            items.append(
                item(
                    period,
                    s["allocated"],
                    disbursed,
                    row=row,
                    unit="Sở Nông nghiệp và PTNT",
                    budget_year=s["budget_year"],
                    execution_year=s["execution_year"],
                    project=s["project"],
                    sub_project=s["sub_project"],
                    source=s["source"],
                )
            )
        files.append(file_of(f"{period:%Y-%m}.xlsx", items))
    r = run(files)
    assert r.as_of == D.fromisoformat(key["as_of"])
    assert r.periods == periods
    assert [f.code for f in r.findings if f.code in key["absent_codes"]] == []
    assert len(r.latest) == len(key["summary"])
    for s in key["summary"]:
        sub = s["sub_project"]
        frame = r.latest[
            (r.latest["budget_year"] == s["budget_year"])
            & (r.latest["project"] == s["project"])
            & (r.latest["source"] == s["source"])
            & (r.latest["sub_project"].isna() if sub is None else r.latest["sub_project"] == sub)
        ]
        assert len(frame) == 1
        got = frame.iloc[0]
        assert got["allocated"] == s["allocated"] and got["disbursed"] == s["disbursed"]
        assert round(got["rate"], 6) == s["rate"]
        assert got["shortfall"] == s["shortfall"]
        assert got["status"] == s["status"], s
        assert round(got["expected_rate"], 6) == key["context"]["expected_rate"]
        assert got["deadline"] == D.fromisoformat(key["context"]["deadline"])


def test_many_items_vectorised() -> None:
    """A tidy consolidated file of 60 units x 50 keys x 12 months (36,000 items) as columns."""
    cols: dict[str, list[Any]] = {c: [] for c in LINE_ITEM_COLUMNS}
    for m in range(1, 13):
        p = month_end(2023, m)
        for u in range(60):
            for k in range(50):
                values = [
                    f"Đơn vị {u:02d}",
                    2023,
                    2023,
                    k % 7 + 1,
                    k // 7 or None,
                    "ALL",
                    p,
                    1200.0,
                    100.0 * m - (k == 3 and m == 6) * 200,
                ]
                values += [None, f"Dòng {k}", "all.xlsx", "T", k + 5, f"H{k + 5}", f"I{k + 5}", None]
                values += ["GNBV", "", "", "", ""]  # programme, code, names, item key
                for c, v in zip(LINE_ITEM_COLUMNS, values, strict=True):
                    cols[c].append(v)
    sheet = SheetResult("all.xlsx", "T", "B", "", None, "trieu", columns=cols)
    r = run([FileResult(Path("all.xlsx"), "all.xlsx", 0.0, sheets=[sheet])])
    assert len(r.items) == 36_000 and len(r.summary) == 36_000 and len(r.latest) == 3_000
    assert len(r.units) == 60
    assert (r.latest["status"] == "met").all()
    # Key 3 dips by 200 in June in every unit: one decrease (June) per unit.
    assert codes(r).count("cumulative_decrease") == 60
    assert r.consolidated is not None and len(r.consolidated) == 50
    assert r.consolidated["allocated"].tolist() == [72_000.0] * 50
    assert np.isclose(r.summary["disbursed"].sum(), 60 * 50 * sum(100 * m for m in range(1, 13)) - 60 * 200)


@given(
    st.lists(
        st.tuples(st.integers(-(2**40), 2**40), st.integers(0, 3), st.integers(-(2**62), 2**62)),
        min_size=1,
        max_size=40,
    )
)
def test_combined_code_orders_like_the_columns(rows: list[tuple[int, int, int]]) -> None:
    """The single sort code the engine uses keeps the lexicographic order of its columns, even
    for values far too wide to multiply together."""
    cols = [np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)]
    code = _combine(*cols)
    order = sorted(range(len(rows)), key=lambda i: (rows[i], i))
    assert np.argsort(code, kind="stable").tolist() == order
    for i in range(len(rows)):
        for j in range(len(rows)):
            assert (code[i] == code[j]) == (rows[i] == rows[j])


def test_garbage_collector_state_is_restored() -> None:
    import gc

    files = series([(SEP30, 100.0, 50.0)])
    assert gc.isenabled()
    run(files)
    assert gc.isenabled()
    gc.disable()
    try:
        run(files)
        assert not gc.isenabled()
    finally:
        gc.enable()
