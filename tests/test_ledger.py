"""The ledger per unit and budget year (SPEC 9), deadlines per budget year and pace profiles, built
from real Layout B workbooks and run through the CLI."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.engine import expected_rate
from reconcile.models import Settings
from reconcile.pipeline import run_folder
from reconcile.writers.template import HEADERS

D = dt.date
UNIT = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"


def write_report(
    folder: Path, period: D, rows: list[tuple[int, int, int, int | None, str, float, float]], unit: str = UNIT
) -> Path:
    """A Layout B report of ``unit`` at ``period``; rows = (budget, execution, project, sub, source,
    allocated, disbursed), amounts in triệu đồng."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = f"Đơn vị: {unit}"
    ws["A2"] = "BÁO CÁO TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG"
    ws["A3"] = f"Số liệu đến ngày: {period.day}/{period.month}/{period.year}"
    ws["A4"] = "Đơn vị tính: triệu đồng"
    ws.append([])
    ws.append(list(HEADERS))
    for by, ey, project, sub, source, alloc, disb in rows:
        ws.append(["", by, ey, project, sub, "", source, alloc, disb, ""])
    path = folder / f"BC {period:%Y-%m}.xlsx"
    wb.save(path)
    return path


def boundary_folder(tmp_path: Path) -> Path:
    """2022 funds reported in 2022, 1000 allocated, 700 spent by 31/12/2022; the 300 left carried into
    2023 and reported there with the 2023 funds (2000) each quarter."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_report(folder, D(2022, 6, 30), [(2022, 2022, 6, 1, "NSTW", 1000, 300)])
    write_report(folder, D(2022, 12, 31), [(2022, 2022, 6, 1, "NSTW", 1000, 700)])
    cumulative = {3: (50, 200), 6: (100, 600), 9: (200, 1000), 12: (250, 1500)}
    for month, (carried, current) in cumulative.items():
        day = 31 if month in (3, 12) else 30
        write_report(
            folder,
            D(2023, month, day),
            [(2022, 2023, 6, 1, "NSTW", 300, carried), (2023, 2023, 6, 1, "NSTW", 2000, current)],
        )
    return folder


def ledger_rows(out: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(out / "ledger.csv", encoding="utf-8", newline="") as fh:
        return {(r["budget_year"], r["execution_year"]): r for r in csv.DictReader(fh)}


def run_cli(folder: Path, out: Path, *args: str) -> str:
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--no-annotate", *args])
    assert res.exit_code == 0, res.output
    return res.output


def test_ledger_csv_has_exactly_the_spec_columns(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli(boundary_folder(tmp_path), out)
    with open(out / "ledger.csv", encoding="utf-8") as fh:
        header = fh.readline().strip()
    assert header == (
        "unit,budget_year,execution_year,deadline,allocated,disbursed,remaining,days_left,"
        "required_per_month,forecast_unspent,status,programme"
    )


def test_carried_funds_show_the_deadline_of_the_year_they_were_extended_into(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli(boundary_folder(tmp_path), out, "--as-of", "2023-09-30")
    rows = ledger_rows(out)
    assert sorted(rows) == [("2022", "2022"), ("2022", "2023"), ("2023", "2023")]
    carried = rows[("2022", "2023")]
    assert carried["unit"] == UNIT
    assert carried["deadline"] == "2023-12-31"
    assert (carried["allocated"], carried["disbursed"], carried["remaining"]) == ("300", "200", "100")
    assert carried["days_left"] == "92"
    # The 2022 execution lives on in 2023: nothing of it is forecast as lost.
    assert rows[("2022", "2022")]["status"] == "carried_over"
    assert rows[("2022", "2022")]["deadline"] == "2022-12-31"
    assert rows[("2022", "2022")]["forecast_unspent"] == "0"
    # 2023 funds at 30/9: 1000 of 2000 (50%) against 74.8% expected.
    assert rows[("2023", "2023")]["status"] == "behind"


def test_the_ledger_splits_brought_forward_from_allocated_in_the_year(tmp_path: Path) -> None:
    result = run_folder(boundary_folder(tmp_path), Settings(as_of=D(2023, 9, 30)))
    assert result.ledger is not None
    led = {(r["budget_year"], r["execution_year"]): r for r in result.ledger.to_dict("records")}
    assert led[(2022, 2023)]["brought_forward"] == 300
    assert led[(2022, 2023)]["allocated_in_year"] == 0
    assert led[(2023, 2023)]["brought_forward"] == 0
    assert led[(2023, 2023)]["allocated_in_year"] == 2000
    assert led[(2023, 2023)]["adjustments"] == 0
    assert led[(2023, 2023)]["payment_until"] == D(2024, 1, 31)
    # Shortfall 1000 over the 92 days left (3.02 months of a 365-day year).
    assert led[(2023, 2023)]["required_per_month"] == pytest.approx(1000 / (92 / 365 * 12), abs=1e-6)


def test_as_of_january_shows_the_payment_window_until_31_january(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli(boundary_folder(tmp_path), out, "--as-of", "2024-01-15")
    rows = ledger_rows(out)
    current = rows[("2023", "2023")]
    assert current["status"] == "payment_window"
    assert current["deadline"] == "2023-12-31"
    assert current["days_left"] == "-15"
    assert current["remaining"] == "500"
    # Run-rate since 30/9: 500 in 92 days; 16 days of payments left forecast ~87 more.
    forecast = float(current["forecast_unspent"])
    assert 0 < forecast < 500
    assert forecast == pytest.approx(500 - 500 / (92 / 365 * 12) * (16 / 365 * 12), abs=1e-5)
    book = openpyxl.load_workbook(out / "reconciliation.xlsx")
    ws = book["Kế hoạch vốn theo năm"]
    statuses = [ws.cell(r, 17).value for r in range(1, ws.max_row + 1)]
    assert "Trong thời gian thanh toán (đến 31/01)" in statuses


def test_past_31_january_the_remainder_is_to_be_carried_over_or_cancelled(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli(boundary_folder(tmp_path), out, "--as-of", "2024-02-01")
    rows = ledger_rows(out)
    for key, remaining in ((("2023", "2023"), "500"), (("2022", "2023"), "50")):
        assert rows[key]["status"] == "missed"
        assert rows[key]["remaining"] == remaining
        assert rows[key]["forecast_unspent"] == remaining
    ws = openpyxl.load_workbook(out / "reconciliation.xlsx")["Kế hoạch vốn theo năm"]
    labels = {ws.cell(r, 17).value for r in range(1, ws.max_row + 1)}
    assert "Hết hạn: chuyển nguồn hoặc hủy số còn lại" in labels


def test_a_budget_years_own_deadline_from_the_settings(tmp_path: Path) -> None:
    """[deadlines] 2022 = "2024-12-31": the 2022 funds carried into 2023 are not lost in February 2024,
    and the summary's statuses and deadlines follow the same date."""
    folder = boundary_folder(tmp_path)
    (folder / "reconcile.toml").write_text('[deadlines]\n2022 = "2024-12-31"\n', encoding="utf-8")
    out = tmp_path / "out"
    run_cli(folder, out, "--as-of", "2024-02-01")
    rows = ledger_rows(out)
    assert rows[("2022", "2023")]["deadline"] == "2024-12-31"
    assert rows[("2022", "2023")]["status"] == "behind"
    assert rows[("2023", "2023")]["status"] == "missed"
    with open(out / "summary.csv", encoding="utf-8") as fh:
        latest = [r for r in csv.DictReader(fh) if r["period"] == "2023-12-31" and r["budget_year"] == "2022"]
    assert [r["status"] for r in latest] == ["behind"]


@pytest.mark.parametrize(
    ("toml", "line", "words"),
    [
        ('[deadlines]\n2022 = "31/13/2024"\n', 2, "[deadlines] 2022"),
        ('target = 100\n\n[deadlines]\n2023 = "2022-12-31"\n', 4, "[deadlines] 2023"),
        ('[treasury.codes]\n"0361" = "sáu"\n', 2, '"0361"'),
    ],
)
def test_bad_deadlines_and_codes_name_the_key_and_line(
    tmp_path: Path, toml: str, line: int, words: str
) -> None:
    folder = boundary_folder(tmp_path)
    (folder / "reconcile.toml").write_text(toml, encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(folder)])
    assert res.exit_code == 2
    assert f"{folder / 'reconcile.toml'} có lỗi ở dòng {line}:" in res.output
    assert words in res.output
    assert "Traceback" not in res.output


# ---- pace profiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pace", "line", "detail"),
    [
        ("[5, 10, 20, 30, 40, 50, 60, 70, 80, 88, 95]", 2, "pace phải là 12 số phần trăm"),
        (
            "[5, 10, 20, 30, 40, 35, 60, 70, 80, 88, 95, 100]",
            2,
            "giá trị tháng 6 (35) nhỏ hơn tháng trước (40)",
        ),
        (
            "[5, 10, 20, 30, 40, 50, 60, 70, 80, 88, 95, 120]",
            2,
            "giá trị tháng 12 là 120, phải nằm trong khoảng 0 đến 100",
        ),
        ("[-5, 10, 20, 30, 40, 50, 60, 70, 80, 88, 95, 100]", 2, "giá trị tháng 1 là -5"),
        ("[5, 10, 20, 30, 40, 50, 60, 70, 80, 88, 95, 95]", 2, "giá trị tháng 12 là 95, phải là 100"),
        (
            '"frontloaded"',
            2,
            'pace = "frontloaded" không phải mẫu có sẵn; dùng một trong: linear, backloaded',
        ),
        ('["5"]', 2, "pace phải là 12 số phần trăm"),
    ],
)
def test_a_bad_pace_names_the_key_its_line_and_the_file(
    tmp_path: Path, pace: str, line: int, detail: str
) -> None:
    folder = boundary_folder(tmp_path)
    (folder / "reconcile.toml").write_text(f"target = 100\npace = {pace}\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(folder)])
    assert res.exit_code == 2
    assert f"Tệp cấu hình {folder / 'reconcile.toml'} có lỗi ở dòng {line}: " in res.output
    assert detail in res.output
    assert "Traceback" not in res.output


def test_bad_pace_in_english(tmp_path: Path) -> None:
    folder = boundary_folder(tmp_path)
    (folder / "reconcile.toml").write_text(
        "pace = [5, 10, 20, 30, 40, 35, 60, 70, 80, 88, 95, 100]\n", encoding="utf-8"
    )
    res = CliRunner().invoke(cli, ["check", str(folder), "--lang", "en"])
    assert res.exit_code == 2
    assert (
        f"The settings file {folder / 'reconcile.toml'} has an error at line 1: pace: the value for month 6 (35)"
        in res.output
    )


def test_backloaded_profile_values() -> None:
    from reconcile.config import PACE_PROFILES

    profile = tuple(x / 100 for x in PACE_PROFILES["backloaded"])
    assert expected_rate(D(2023, 3, 31), 2023, profile) == pytest.approx(0.05)
    assert expected_rate(D(2023, 6, 30), 2023, profile) == pytest.approx(0.20)
    assert expected_rate(D(2023, 9, 30), 2023, profile) == pytest.approx(0.45)
    assert expected_rate(D(2023, 11, 30), 2023, profile) == pytest.approx(0.85)
    assert expected_rate(D(2023, 12, 31), 2023, profile) == pytest.approx(1.0)
    # Interpolated by day: half of October goes half way from 45% to 65%.
    assert expected_rate(D(2023, 10, 15), 2023, profile) == pytest.approx(0.45 + 0.20 * 15 / 31)


def test_backloaded_pace_changes_the_status_and_is_named_in_the_summary(tmp_path: Path) -> None:
    """At 30/9 the 2023 funds are 50% spent: behind the linear 74.8%, ahead of the back-loaded 45%."""
    folder = boundary_folder(tmp_path)
    out = tmp_path / "out"
    output = run_cli(folder, out, "--as-of", "2023-09-30")
    assert "Tiến độ dự kiến: tuyến tính theo ngày (mặc định)" in output
    assert ledger_rows(out)[("2023", "2023")]["status"] == "behind"

    (folder / "reconcile.toml").write_text('pace = "backloaded"\n', encoding="utf-8")
    output = run_cli(folder, out, "--as-of", "2023-09-30")
    assert 'Tiến độ dự kiến: dồn cuối năm "backloaded"' in output
    assert ledger_rows(out)[("2023", "2023")]["status"] != "behind"
    with open(out / "summary.csv", encoding="utf-8") as fh:
        statuses = {
            r["status"]
            for r in csv.DictReader(fh)
            if r["period"] == "2023-09-30" and r["budget_year"] == "2023"
        }
    assert "behind" not in statuses
    ws = openpyxl.load_workbook(out / "reconciliation.xlsx")["Kế hoạch vốn theo năm"]
    assert any("backloaded" in str(ws.cell(r, 1).value) for r in range(1, 6))


def test_custom_pace_is_named_custom(tmp_path: Path) -> None:
    folder = boundary_folder(tmp_path)
    (folder / "reconcile.toml").write_text(
        "pace = [5, 10, 20, 30, 40, 50, 60, 70, 80, 88, 95, 100]\n", encoding="utf-8"
    )
    result = run_folder(folder, Settings())
    assert result.settings.pace_name == "custom"
    assert result.settings.pace_profile == pytest.approx(
        (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.88, 0.95, 1.0)
    )


def test_the_ledger_sums_projects_and_sources_per_unit_and_year(tmp_path: Path) -> None:
    """Two units, several projects and both sources: one row per unit, budget and execution year."""
    folder = tmp_path / "in"
    scales = {"UBND HUYỆN A": 1, "UBND HUYỆN B": 2}
    for unit, scale in scales.items():
        sub = folder / unit
        sub.mkdir(parents=True)
        for month, done in ((6, 0.2), (9, 0.5)):
            rows = [
                (2022, 2023, 6, 1, "NSTW", 100 * scale, 60 * scale * done * 2),
                (2023, 2023, 6, 1, "NSTW", 1000 * scale, 1000 * scale * done),
                (2023, 2023, 6, 1, "NSĐP", 200 * scale, 200 * scale * done),
                (2023, 2023, 7, 2, "NSTW", 300 * scale, 300 * scale * done),
            ]
            write_report(sub, D(2023, month, 30), rows, unit=unit)
    result = run_folder(folder, Settings(as_of=D(2023, 9, 30)))
    assert result.ledger is not None
    got = {(r["unit"], r["budget_year"], r["execution_year"]): r for r in result.ledger.to_dict("records")}
    assert list(got) == [(u, y, 2023) for u in sorted(scales) for y in (2022, 2023)]
    for unit, scale in scales.items():
        assert got[(unit, 2023, 2023)]["allocated"] == pytest.approx(1500 * scale)
        assert got[(unit, 2023, 2023)]["disbursed"] == pytest.approx(750 * scale)
        assert got[(unit, 2022, 2023)]["allocated"] == pytest.approx(100 * scale)
        assert got[(unit, 2022, 2023)]["brought_forward"] == pytest.approx(100 * scale)
        assert got[(unit, 2022, 2023)]["disbursed"] == pytest.approx(60 * scale)
        # Run-rate since 30/6: 450 × scale in 92 days, summed over the keys.
        assert got[(unit, 2023, 2023)]["run_rate"] == pytest.approx(450 * scale / (92 / 365 * 12), rel=1e-6)
    # Their totals per budget year, evaluated like a unit's, come first on the sheet.
    assert result.ledger_consolidated is not None
    total = {r["budget_year"]: r for r in result.ledger_consolidated.to_dict("records")}
    assert total[2023]["unit"] == ""
    assert (total[2023]["allocated"], total[2023]["disbursed"]) == (pytest.approx(4500), pytest.approx(2250))
    assert total[2023]["status"] == "behind"  # 50% against 74.8% expected
    assert total[2022]["brought_forward"] == pytest.approx(300)
    out = tmp_path / "out"
    run_cli(folder, out, "--as-of", "2023-09-30")
    ws = openpyxl.load_workbook(out / "reconciliation.xlsx")["Kế hoạch vốn theo năm"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Đơn vị")
    units = [ws.cell(r, 1).value for r in range(header + 1, header + 7)]
    assert units == ["Tổng hợp toàn tỉnh"] * 2 + ["UBND HUYỆN A"] * 2 + ["UBND HUYỆN B"] * 2
    assert ws.cell(header + 2, 8).value == pytest.approx(4500)  # Kế hoạch vốn, after Chương trình
    # ledger.csv stays per unit.
    with open(out / "ledger.csv", encoding="utf-8") as fh:
        assert sorted({r["unit"] for r in csv.DictReader(fh)}) == ["UBND HUYỆN A", "UBND HUYỆN B"]


def test_one_unit_has_no_consolidated_ledger(tmp_path: Path) -> None:
    result = run_folder(boundary_folder(tmp_path), Settings())
    assert result.ledger_consolidated is None


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (D(2023, 12, 31), "behind"),  # the deadline itself: still the year's own statuses
        (D(2024, 1, 1), "payment_window"),
        (D(2024, 1, 31), "payment_window"),
        (D(2024, 2, 1), "missed"),
    ],
)
def test_the_payment_window_runs_to_31_january_inclusive(tmp_path: Path, as_of: D, status: str) -> None:
    result = run_folder(boundary_folder(tmp_path), Settings(as_of=as_of))
    assert result.ledger is not None
    row = result.ledger[(result.ledger["budget_year"] == 2023)].iloc[0]
    assert row["status"] == status
    assert row["payment_until"] == D(2024, 1, 31)


def test_the_ledger_sheet_renders_dates_fills_and_unknown_figures(tmp_path: Path) -> None:
    """The sheet's cells as the ledger holds them: deadlines as dates, each status on its colour, and a
    row whose disbursement could not be read shown empty, never a partial sum or a zero."""
    folder = boundary_folder(tmp_path)
    bad = tmp_path / "in2"
    bad.mkdir()
    path = write_report(bad, D(2023, 12, 31), [(2023, 2023, 7, 1, "NSTW", 400, 100)], unit="UBND HUYỆN C")
    wb = openpyxl.load_workbook(path)
    wb.active["I7"] = "đang cập nhật"  # a disbursement with no number in it: the key is incomplete
    wb.save(path)
    (folder / "C").mkdir()
    path.rename(folder / "C" / path.name)
    out = tmp_path / "out"
    run_cli(folder, out, "--as-of", "2024-01-15")
    ws = openpyxl.load_workbook(out / "reconciliation.xlsx")["Kế hoạch vốn theo năm"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Đơn vị")
    rows = {
        (ws.cell(r, 1).value, ws.cell(r, 3).value, ws.cell(r, 4).value): r
        for r in range(header + 1, ws.max_row + 1)
        if ws.cell(r, 3).value is not None
    }
    window = rows[(UNIT, 2023, 2023)]
    assert ws.cell(window, 12).value == dt.datetime(2023, 12, 31)  # the deadline, a real date
    assert ws.cell(window, 12).number_format == "dd/mm/yyyy"
    assert ws.cell(window, 13).value == dt.datetime(2024, 1, 31)  # payments accepted until
    assert ws.cell(window, 9).value == pytest.approx(1500)
    assert ws.cell(window, 17).value == "Trong thời gian thanh toán (đến 31/01)"
    assert ws.cell(window, 17).fill.fgColor.rgb.endswith("FFEB9C")
    assert ws.cell(window, 1).fill.fgColor.rgb in (None, "00000000")  # only the status is coloured
    unknown = rows[("UBND HUYỆN C", 2023, 2023)]
    # An incomplete row's amounts are unknown (engine/ledger.py): empty cells, not 0 or 400.
    assert [ws.cell(unknown, c).value for c in (8, 9, 10)] == [None, None, None]
    assert ws.cell(unknown, 8).border.left.style == "thin"  # still a formatted cell of the table
    assert ws.cell(unknown, 17).fill.fgColor.rgb.endswith("D9D9D9")


@pytest.mark.parametrize(
    ("toml", "line", "said"),
    [
        (
            "target = 90\ntaget = 95\n",
            2,
            'không có thiết lập "taget"; có phải ý bạn là "target"?',
        ),
        (
            '[deadline]\n2022 = "2024-12-31"\n',
            1,
            'deadline phải có dạng "dd/mm"',  # a known key with a table where a value belongs
        ),
        ('[bao_cao]\nunit = "X"\n', 1, 'không có thiết lập "bao_cao" (các thiết lập: target, deadline'),
    ],
)
def test_an_unknown_setting_is_an_error_naming_its_line(
    tmp_path: Path, toml: str, line: int, said: str
) -> None:
    """A misspelt key or table in reconcile.toml stops the run with its line, never silently ignored."""
    folder = boundary_folder(tmp_path)
    (folder / "reconcile.toml").write_text(toml, encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(folder)])
    assert res.exit_code == 2, res.output
    assert f"{folder / 'reconcile.toml'} có lỗi ở dòng {line}:" in res.output
    assert said in res.output
