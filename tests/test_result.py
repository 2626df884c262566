"""The Result is the one source of every figure (SPEC 10): a Result built by hand, rendered by every
writer, shows the same totals everywhere, and changing the Result changes them all in step."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from reconcile.messages import fmt_amount, fmt_rate
from reconcile.models import KEY_COLUMNS, LINE_ITEM_COLUMNS, Settings
from reconcile.result import Result
from reconcile.result.totals import TOTALS_COLUMNS
from reconcile.writers.console import counts_line, totals_line
from reconcile.writers.csv import write_summary
from reconcile.writers.workbook import write_workbook

PERIOD = dt.date(2023, 9, 30)
A, B = "HUYỆN A", "HUYỆN B"
#: unit, budget year, execution year, project, sub-project, source, allocated, disbursed
KEYS = [
    (A, 2023, 2023, 3, 1, "NSTW", 1000.0, 400.0),
    (A, 2023, 2023, 3, 2, "NSTW", 500.5, 500.5),
    (A, 2022, 2023, 4, None, "ALL", 0.1, 0.2),  # over: adds nothing to the shortfall
    (B, 2023, 2023, 3, 1, "NSTW", 300.0, 120.3),
]


def _frame(keys: list[tuple[Any, ...]], target: float) -> pd.DataFrame:
    rows = []
    for i, (unit, by, ey, project, sub, source, allocated, disbursed) in enumerate(keys):
        rows.append(
            {
                "unit": unit,
                "budget_year": by,
                "execution_year": ey,
                "project": project,
                "sub_project": sub,
                "source": source,
                "period": PERIOD,
                "allocated": allocated,
                "disbursed": disbursed,
                "rate": disbursed / allocated,
                "shortfall": max(allocated * target - disbursed, 0.0),
                "status": "behind" if disbursed < allocated else "met",
                "deadline": dt.date(ey, 12, 31),
                "days_left": (dt.date(ey, 12, 31) - PERIOD).days,
                "required_monthly": round(max(allocated * target - disbursed, 0.0) / 3, 6),
                "projection": disbursed * 1.2,
                "expected_rate": 0.75,
                "is_latest": True,
                "item_index": i,
            }
        )
    df = pd.DataFrame(rows)
    df["sub_project"] = df["sub_project"].astype("Int64")
    return df


def make_result(root: Path, keys: list[tuple[Any, ...]] = KEYS, target: float = 1.0) -> Result:
    summary = _frame(keys, target)
    consolidated = (
        summary.assign(unit="")
        .groupby(list(KEY_COLUMNS[1:]), dropna=False, as_index=False)
        .agg({"allocated": "sum", "disbursed": "sum", "period": "max"})
    )
    consolidated.insert(0, "unit", "")
    return Result(
        settings=Settings(target=target),
        input_root=root,
        files=[],
        items=pd.DataFrame(columns=list(LINE_ITEM_COLUMNS)),
        summary=summary,
        latest=summary,
        findings=[],
        periods=[PERIOD],
        as_of=PERIOD,
        units=[A, B],
        consolidated=consolidated,
    )


def _rendered(result: Result, out: Path, lang: str = "vi") -> dict[str, Any]:
    """The grand total as each output shows it: the workbook's TỔNG CỘNG row (cached values), the sum
    of summary.csv's rows, the console line."""
    out.mkdir(parents=True, exist_ok=True)
    write_workbook(result, out / "reconciliation.xlsx", lang)
    write_summary(result.summary, out / "summary.csv")
    rows = CalamineWorkbook.from_path(str(out / "reconciliation.xlsx")).get_sheet_by_index(0).to_python()
    total_row = next(r for r in rows if len(r) > 3 and r[3] in ("TỔNG CỘNG", "GRAND TOTAL"))
    with open(out / "summary.csv", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    return {
        "workbook": (total_row[6], total_row[7], total_row[9]),
        "csv": (
            math.fsum(float(r["allocated"]) for r in records),
            math.fsum(float(r["disbursed"]) for r in records),
        ),
        "console": totals_line(result, lang),
    }


def _grand(result: Result) -> pd.Series:
    t = result.totals
    return t[(t["scope"] == "unit") & (t["level"] == "total")].iloc[0]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_output_shows_the_totals_of_the_one_result(tmp_path: Path, lang: str) -> None:
    result = make_result(tmp_path)
    shown = _rendered(result, tmp_path / "out", lang)
    grand = _grand(result)
    assert (grand["allocated"], grand["disbursed"]) == (1800.6, 1021.0)
    assert grand["shortfall"] == pytest.approx(600.0 + 179.7)  # the over-disbursed key adds nothing
    assert shown["workbook"] == (grand["allocated"], grand["disbursed"], grand["shortfall"])
    assert shown["csv"] == (grand["allocated"], grand["disbursed"])
    console = shown["console"]
    for figure in ("allocated", "disbursed", "shortfall"):
        assert fmt_amount(grand[figure], lang) in console
    assert fmt_rate(grand["rate"], lang) in console


def test_a_changed_result_changes_every_output_in_step(tmp_path: Path) -> None:
    """A Result derived again (dataclasses.replace) carries its own totals: no output keeps the old ones."""
    before = make_result(tmp_path)
    changed = [(*k[:7], k[7] + 100.0) if k[0] == B else k for k in KEYS]
    after = dataclasses.replace(before, summary=_frame(changed, 1.0), latest=_frame(changed, 1.0))
    assert _grand(after)["disbursed"] == _grand(before)["disbursed"] + 100.0
    old = _rendered(before, tmp_path / "before")
    new = _rendered(after, tmp_path / "after")
    assert new["workbook"][1] == old["workbook"][1] + 100.0 == _grand(after)["disbursed"]
    assert new["csv"][1] == _grand(after)["disbursed"]
    assert fmt_amount(_grand(after)["disbursed"], "vi") in new["console"]


def test_totals_table_follows_its_documented_contract(tmp_path: Path) -> None:
    t = make_result(tmp_path).totals
    assert tuple(t.columns) == TOTALS_COLUMNS
    levels = list(zip(t["scope"], t["level"], t["unit"], strict=True))
    assert levels == [
        ("unit", "total", ""),
        ("unit", "unit", A),
        ("unit", "year", A),  # 2022 funds first
        ("unit", "project", A),
        ("unit", "year", A),
        ("unit", "project", A),
        ("unit", "unit", B),
        ("unit", "year", B),
        ("unit", "project", B),
        ("province", "total", ""),
        ("province", "year", ""),
        ("province", "project", ""),
        ("province", "year", ""),
        ("province", "project", ""),
    ]
    assert t["budget_year"].dtype == "Int64" and t["project"].dtype == "Int64"
    assert t["budget_year"].isna().tolist()[:2] == [True, True]
    year = t.iloc[4]
    assert (year["budget_year"], year["execution_year"], year["keys"]) == (2023, 2023, 2)
    assert year["allocated"] == 1500.5 and year["remaining"] == pytest.approx(600.0)
    assert year["deadline"] == dt.date(2023, 12, 31) and year["days_left"] == 92
    assert pd.isna(t.iloc[0]["deadline"]) and pd.isna(t.iloc[0]["days_left"])
    province = t[t["scope"] == "province"]
    assert province.iloc[0]["allocated"] == t.iloc[0]["allocated"]  # the same money, counted once
    assert province.iloc[4]["keys"] == 2 and province.iloc[4]["disbursed"] == pytest.approx(1020.8)


def test_result_is_frozen_and_its_done_line_counts_it(tmp_path: Path) -> None:
    result = make_result(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.latest = result.latest.head(1)  # type: ignore[misc]
    assert "4 khoản mục" in counts_line(result, "vi", "-")


def test_the_progress_sheet_draws_the_results_monthly_tables(tmp_path: Path) -> None:
    result = make_result(tmp_path)
    assert result.monthly_keys == len(KEYS) and len(result.monthly) == len(KEYS)
    assert result.monthly[PERIOD].tolist() == [k[7] / k[6] for k in sorted(KEYS, key=lambda k: (k[0], k[1]))]
    assert result.chart.columns.tolist() == [
        "period",
        "disbursed_2022",
        "disbursed_2023",
        "disbursed_total",
        "allocated",
        "target",
    ]
    path = tmp_path / "out" / "reconciliation.xlsx"
    path.parent.mkdir()
    write_workbook(result, path, "en")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Monthly progress").to_python()
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Period")
    chart = result.chart.iloc[0]
    figures = ("disbursed_2022", "disbursed_2023", "disbursed_total", "target")
    assert rows[head + 1][1:5] == [chart[c] for c in figures]


def test_findings_added_later_keep_the_figures(tmp_path: Path) -> None:
    from reconcile.models import Finding

    result = make_result(tmp_path)
    later = result.with_findings(
        [Finding("annotate_failed", "a.xlsx", params={"reason_key": "reason.lock_file"})]
    )
    assert [f.code for f in later.findings] == ["annotate_failed"] and result.findings == []
    assert later.totals is result.totals and later.monthly is result.monthly


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "shown"),
    [
        (0.5125 * 100, 1, "vi", "51,3"),  # Python's own rounding of the binary value says 51,2
        (2.675, 2, "en", "2.68"),
        (1234567.25, 1, "en", "1,234,567.3"),
        (-1234567.25, 1, "vi", "-1.234.567,3"),
        (0.0005, 3, "vi", "0,001"),
        (1571.6, 3, "vi", "1.571,6"),
        (-0.04, 1, "vi", "0"),
        (788.0, 0, "en", "788"),
    ],
)
def test_numbers_in_words_are_rounded_as_the_workbook_shows_them(
    value: float, decimals: int, lang: str, shown: str
) -> None:
    """The console and the report round a figure as a spreadsheet displays the same cell (15
    significant digits, then half away from zero), so that the texts and the workbook agree."""
    from reconcile.messages import fmt_number

    assert fmt_number(value, decimals, lang) == shown


def test_a_rate_in_words_is_the_rate_the_workbook_shows() -> None:
    assert fmt_rate(0.5125, "vi") == "51,3%"
    assert fmt_rate(0.12345, "en") == "12.3%"
    assert fmt_rate(0.99951, "vi") == "100,0%"
