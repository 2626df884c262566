"""A figure is unknown, never shrunk (issue 14, items 2 and 11; SPEC 2 and 4).

- A text holding one number and words ("640 (đang cập nhật)", "1.571,6 trđ") is that number, with a
  ``number_with_text`` warning at its cell.
- A text with no number, an error value, a formula without its value or an implausible figure (1e308)
  makes the key ``incomplete`` at that period: its figure is empty in summary.csv and the workbook,
  no cross-period check uses it, and no parent row over it is checked or counted.
- The formula cells a spreadsheet recalculated over such a cell (``#VALUE!``, or a SUM that skipped
  the text) give one finding at the cause naming them, not one each.

The seed case is the shipped September report (``workbooks/Báo cáo tháng 9 năm 2023.xlsx``) with
G21 (Dự án 6 / Tiểu dự án 1, vốn 2023, an activity's NSTW disbursement, 0 as shipped) edited. Its
recalculated form is built twice: by LibreOffice (open, recalculate, save), and by writing the
cached values a spreadsheet gives (``#VALUE!`` over the text) directly with xlsxwriter.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from reconcile.cli import cli
from reconcile.messages import finding_message
from reconcile.models import UNKNOWN_DISBURSED, UNKNOWN_IN_MONTH
from reconcile.read.money import to_trieu_array
from reconcile.read.numbers import MAX_AMOUNT, Convention, is_plain, parse_number, plain_mask, read_amount
from reconcile.read.reader import read_file
from tests import lo
from tests.conftest import ROOT
from tests.items import records
from tests.test_engine import codes, latest_row, month_end, run, series

# openpyxl does not read the data-bar extension of our own workbook; it is not what is checked here.
pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")

SEPT = "Báo cáo tháng 9 năm 2023.xlsx"
#: The cells of the September sheet a spreadsheet computes from G21: the NSTW parents take a SUM that
#: skips a text (G18, G17, G16, G9 stay numbers), the Tổng số chain gives #VALUE! (F21 = G21 + H21 up
#: to F9), and so does the rate column over it (I21 ... I9).
VALUE_ERRORS = ("F21", "F18", "F17", "F16", "F9", "I21", "I18", "I17", "I16", "I9")
DEPENDENTS = "F9, G9, F16, G16, F17, G17, F18, G18, F21"
KEY = {"budget_year": "2023", "project": "6", "sub_project": "1", "source": "NSTW"}


# ---- parsing: properties ----------------------------------------------------------------------------

_WORDS = st.text(alphabet="abcdeghiklmnoqrstuvxyàáảãạăâđêôơưạệđồ ()", min_size=1, max_size=20).filter(
    lambda s: any(ch.isalpha() for ch in s)
)


def _vi(value: float) -> str:
    """``value`` with one decimal the Vietnamese way: 1571.6 -> "1.571,6"."""
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@given(
    st.integers(min_value=0, max_value=10**9).map(lambda n: n / 10),
    _WORDS,
    _WORDS,
    st.booleans(),
)
def test_one_number_among_words_is_that_number(value: float, before: str, after: str, lead: bool) -> None:
    # "(0,1)" is the accounting way to write -0,1: a number the words put in parentheses is negative.
    assume(not (lead and before.rstrip().endswith("(") and after.lstrip().startswith(")")))
    text = f"{before} {_vi(value)} {after}" if lead else f"{_vi(value)} {after}"
    p = parse_number(text, Convention.VI)
    assert p.kind == "number" and p.words and p.text
    assert p.value == pytest.approx(value)
    a = read_amount(text, Convention.VI, "nghin")
    assert a.kind == "with_text" and a.written == pytest.approx(value)
    assert a.value == pytest.approx(value / 1000)


@given(_WORDS)
def test_words_without_a_number_are_no_number(words: str) -> None:
    assert parse_number(words).value is None
    assert read_amount(words, Convention.UNKNOWN, "trieu").kind == "unreadable"


@given(st.integers(0, 10**6), st.integers(0, 10**6), _WORDS)
def test_two_numbers_among_words_are_no_number(a: int, b: int, words: str) -> None:
    """ "Ngày 15/10 mới giao vốn", "tháng 6/2023": the reader cannot tell which figure was meant."""
    for text in (f"{a}/{b} {words}", f"{words} {a} {words} {b}", f"{a} {words} {b}"):
        assert parse_number(text).value is None, text


@given(st.one_of(st.text(max_size=40), st.floats(allow_nan=True), st.integers(-(10**30), 10**30)))
def test_read_amount_never_gives_an_implausible_figure(value: Any) -> None:
    for unit in ("trieu", "nghin", "dong", "ty"):
        a = read_amount(value, Convention.UNKNOWN, unit)
        if a.value is not None:
            assert math.isfinite(a.value) and abs(a.value) <= MAX_AMOUNT
        else:
            assert a.kind in ("empty", "unreadable", "implausible")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("640 (đang cập nhật)", 640.0),
        ("1.571,6 trđ", 1571.6),
        ("khoảng 1.571,6", 1571.6),
        ("-640 (tạm tính)", -640.0),
        ("(640) chờ duyệt", -640.0),
        ("đang cập nhật", None),
        ("Ngày 15/10 mới giao vốn", None),
        ("#DIV/0!", None),
        ("#VALUE!", None),
        ("1.5e3", 1500.0),  # a scientific number is no number among words
    ],
)
def test_texts_of_amount_cells(text: str, value: float | None) -> None:
    p = parse_number(text, Convention.VI)
    assert p.value == value
    assert p.words == (value is not None and any(ch.isalpha() and ch != "e" for ch in text))


# ---- the seed case ------------------------------------------------------------------------------------


def _edited(tmp: Path, text: str) -> Path:
    """The September report with ``text`` typed into G21, saved by openpyxl (no cached values)."""
    book = openpyxl.load_workbook(ROOT / "workbooks" / SEPT)
    book.active["G21"] = text
    out = tmp / "edited" / SEPT
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _recalculated_directly(tmp: Path, text: str) -> Path:
    """The September report as a spreadsheet saves it after ``text`` was typed into G21: every
    formula keeps its cached value, except the ones over G21 that give #VALUE!, written with
    xlsxwriter (no LibreOffice needed)."""
    src = ROOT / "workbooks" / SEPT
    formulas = openpyxl.load_workbook(src).active
    values = openpyxl.load_workbook(src, data_only=True).active
    out = tmp / "direct" / SEPT
    out.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(out))
    sheet = book.add_worksheet(formulas.title)
    merged: set[str] = set()
    for rng in formulas.merged_cells.ranges:
        first = formulas.cell(rng.min_row, rng.min_col)
        sheet.merge_range(rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1, first.value)
        merged |= {c.coordinate for row in formulas[rng.coord] for c in row}
    for row in formulas.iter_rows():
        for cell in row:
            if cell.coordinate in merged or cell.value is None:
                continue
            r, c = cell.row - 1, cell.column - 1
            if cell.coordinate == "G21":
                sheet.write_string(r, c, text)
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cached = values[cell.coordinate].value
                cached = "#VALUE!" if cell.coordinate in VALUE_ERRORS else cached
                sheet.write_formula(r, c, cell.value, None, cached)
            elif isinstance(cell.value, str):
                sheet.write_string(r, c, cell.value)
            else:
                sheet.write_number(r, c, cell.value)
    book.close()
    return out


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> lo.Office:
    if lo.soffice_path() is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: the recalculated files are built directly instead"
        )
    return lo.Office(tmp_path_factory.mktemp("lo-profile"), recalc=True)


def _folder(tmp: Path, september: Path) -> Path:
    """The shipped reports with ``september`` in place of the September one."""
    folder = tmp / f"in-{september.parent.name}-{len(list(tmp.glob('in-*')))}"
    shutil.copytree(ROOT / "workbooks", folder)
    shutil.copy(september, folder / SEPT)
    return folder


def _run(folder: Path, out: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    got = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--lang", "en", "--no-annotate"])
    assert got.exit_code == 0, got.output
    with open(out / "summary.csv", encoding="utf-8") as fh:
        summary = [r for r in csv.DictReader(fh) if all(r[k] == v for k, v in KEY.items())]
    with open(out / "findings.csv", encoding="utf-8") as fh:
        findings = list(csv.DictReader(fh))
    return summary, findings


def _cached_cells(path: Path) -> dict[str, Any]:
    """The values a spreadsheet saved in the cells over G21 (openpyxl reads error values as text)."""
    ws = openpyxl.load_workbook(path, data_only=True).active
    return {ref: ws[ref].value for ref in ("G18", "G21", *VALUE_ERRORS)}


def _september(summary: list[dict[str, str]]) -> dict[str, str]:
    [row] = [r for r in summary if r["period"] == "2023-09-30"]
    return row


def _check_number_with_text(tmp: Path, september: Path) -> None:
    cached = _cached_cells(september)
    # What a spreadsheet made of it: the SUM skipped the text, the sums with "+" gave #VALUE!.
    assert cached["G18"] == 386.5 and cached["G21"] == "640 (đang cập nhật)"
    assert all(cached[ref] == "#VALUE!" for ref in VALUE_ERRORS)
    summary, findings = _run(_folder(tmp, september), tmp / "out")
    row = _september(summary)
    assert (row["allocated"], row["disbursed"], row["status"]) == ("6595", "1026.5", "behind")
    assert [(f["code"], f["cell"]) for f in findings] == [("number_with_text", "G21")]
    assert "read as 640" in findings[0]["message"] and DEPENDENTS in findings[0]["message"]


def _check_no_number(tmp: Path, september: Path) -> None:
    summary, findings = _run(_folder(tmp, september), tmp / "out")
    row = _september(summary)
    assert row["allocated"] == "6595"
    assert (row["disbursed"], row["rate"], row["shortfall"], row["status"]) == ("", "", "", "incomplete")
    # August is whole, and nothing compares September with it.
    assert _september_before(summary)["status"] == "behind"
    assert [(f["code"], f["cell"]) for f in findings] == [("not_a_number", "G21")]
    assert DEPENDENTS in findings[0]["message"]
    # The workbook shows the key's disbursement empty, and no total over it.
    book = openpyxl.load_workbook(tmp / "out" / "reconciliation.xlsx")
    ws = book.worksheets[0]
    [r] = [r for r in range(8, ws.max_row + 1) if ws.cell(r, 11).value == "Incomplete"]
    assert ws.cell(r, 7).value == 6595 and ws.cell(r, 8).value is None and ws.cell(r, 9).value is None


def _september_before(summary: list[dict[str, str]]) -> dict[str, str]:
    [row] = [r for r in summary if r["period"] == "2023-08-31"]
    return row


def test_number_with_text_saved_by_libreoffice(office: lo.Office, tmp_path: Path) -> None:
    [saved] = office.recalc([_edited(tmp_path, "640 (đang cập nhật)")], tmp_path / "lo")
    _check_number_with_text(tmp_path, saved)


def test_text_without_a_number_saved_by_libreoffice(office: lo.Office, tmp_path: Path) -> None:
    [saved] = office.recalc([_edited(tmp_path, "đang cập nhật")], tmp_path / "lo")
    assert all(v == "#VALUE!" for k, v in _cached_cells(saved).items() if k in VALUE_ERRORS)
    _check_no_number(tmp_path, saved)


def test_number_with_text_written_directly(tmp_path: Path) -> None:
    _check_number_with_text(tmp_path, _recalculated_directly(tmp_path, "640 (đang cập nhật)"))


def test_text_without_a_number_written_directly(tmp_path: Path) -> None:
    _check_no_number(tmp_path, _recalculated_directly(tmp_path, "đang cập nhật"))


def test_text_in_a_file_never_recalculated(tmp_path: Path) -> None:
    """Saved by openpyxl (no cached values): the tool's own evaluator meets the text; the same
    single finding, and the formulas over it are no formula_without_value each."""
    summary, findings = _run(_folder(tmp_path, _edited(tmp_path, "đang cập nhật")), tmp_path / "out")
    assert _september(summary)["status"] == "incomplete"
    assert [(f["code"], f["cell"]) for f in findings] == [("not_a_number", "G21")]
    summary, findings = _run(_folder(tmp_path, _edited(tmp_path, "640 (đang cập nhật)")), tmp_path / "out2")
    assert _september(summary)["disbursed"] == "1026.5"
    assert [(f["code"], f["cell"]) for f in findings] == [("number_with_text", "G21")]


# ---- the engine: an incomplete period ----------------------------------------------------------------


def test_an_incomplete_period_takes_part_in_no_comparison() -> None:
    aug, sep, octo = month_end(2023, 8), month_end(2023, 9), month_end(2023, 10)
    files = series([(aug, 1000.0, 400.0), (octo, 1000.0, 300.0)])
    files.insert(1, series([(sep, 1000.0, None)], unknown=UNKNOWN_DISBURSED)[0])
    result = run(files)
    summary = result.summary
    sept = summary[summary["period"] == sep].iloc[0]
    assert sept["status"] == "incomplete" and math.isnan(sept["disbursed"]) and math.isnan(sept["rate"])
    # October is compared with August, the latest period whose figure is known.
    [fell] = [f for f in result.findings if f.code == "cumulative_decrease"]
    assert (fell.params["before"], fell.params["before_period"], fell.params["after"]) == (400.0, aug, 300.0)
    assert latest_row(result)["status"] != "incomplete"


def test_an_incomplete_latest_period_is_the_keys_status() -> None:
    aug, sep = month_end(2023, 8), month_end(2023, 9)
    files = series([(aug, 1000.0, 400.0)])
    files += series([(sep, None, 5.0)], unknown=1)  # the allocation could not be read
    result = run(files)
    row = latest_row(result)
    assert row["status"] == "incomplete" and math.isnan(row["allocated"]) and math.isnan(row["shortfall"])
    assert "allocation_changed" not in codes(result) and "no_allocation" not in codes(result)
    assert "over_disbursed" not in codes(result)


def test_a_total_across_units_over_an_incomplete_unit_is_unknown() -> None:
    sep = month_end(2023, 9)
    files = [
        *series([(sep, 1000.0, 400.0)], unit="Sở A", file="a.xlsx"),
        *series([(sep, 500.0, None)], unit="Sở B", unknown=UNKNOWN_DISBURSED),
    ]
    files[1].rel = "b.xlsx"
    result = run(files)
    assert result.consolidated is not None
    [total] = result.consolidated.to_dict("records")
    assert total["status"] == "incomplete" and math.isnan(total["disbursed"])


# ---- item 11: an implausible amount --------------------------------------------------------------------


def _layout_b(path: Path, rows: list[list[Any]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Báo cáo")
    ws.write_string(0, 0, "Đơn vị: Xã An Bình")
    ws.write_string(1, 0, "Số liệu đến ngày: 30/9/2023")
    ws.write_string(2, 0, "Đơn vị tính: triệu đồng")
    header = ["Năm ngân sách", "Năm thực hiện", "Dự án", "Tiểu dự án", "Nội dung", "Nguồn vốn"]
    for c, h in enumerate([*header, "Kế hoạch vốn", "Giải ngân lũy kế", "Ghi chú"]):
        ws.write_string(4, c, h)
    for r, row in enumerate(rows, start=5):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    book.close()
    return path


def test_layout_b_amounts_of_every_kind(tmp_path: Path) -> None:
    path = _layout_b(
        tmp_path / "b.xlsx",
        [
            [2023, 2023, 2, "", "a", "NSTW", 1000.0, 1e308],
            [2023, 2023, 4, 3, "b", "NSTW", 1000.0, "640 (đang cập nhật)"],
            [2023, 2023, 5, "", "c", "NSTW", 1000.0, "chưa có số"],
            [2023, 2023, 6, 1, "d", "NSTW", 1000.0, 12.5],
        ],
    )
    result = read_file(path, "b.xlsx")
    assert [(f.code, f.cell) for f in result.findings] == [
        ("implausible_amount", "H6"),
        ("number_with_text", "H7"),
        ("not_a_number", "H8"),
    ]
    assert finding_message("implausible_amount", result.findings[0].params, "en").startswith(
        "Cell holds 1e+308,"
    )
    cols = result.sheets[0].columns
    assert cols is not None
    disbursed = cols["disbursed"].tolist()
    assert (
        math.isnan(disbursed[0])
        and disbursed[1] == 640.0
        and math.isnan(disbursed[2])
        and disbursed[3] == 12.5
    )
    assert cols["unknown"].tolist() == [UNKNOWN_DISBURSED, 0, UNKNOWN_DISBURSED, 0]


def test_an_implausible_amount_is_a_finding_and_no_warning_text(tmp_path: Path) -> None:
    """1e308 overflowed in NumPy (RuntimeWarning: overflow encountered in multiply) and became an
    over_disbursed of a 309-digit figure; now: implausible_amount at its cell, the key incomplete."""
    folder = tmp_path / "in"
    folder.mkdir()
    book = openpyxl.load_workbook(ROOT / "workbooks" / SEPT)
    book.active["G19"] = 1e308
    book.save(folder / SEPT)
    _layout_b(folder / "b.xlsx", [[2023, 2023, 2, "", "a", "NSTW", 1000.0, 1e308]])
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from reconcile.cli import main; main()",
            "run",
            str(folder),
            "--out",
            str(out),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "RuntimeWarning" not in done.stderr and "Warning" not in done.stderr, done.stderr
    with open(out / "findings.csv", encoding="utf-8") as fh:
        findings = [(f["file"], f["code"], f["cell"]) for f in csv.DictReader(fh)]
    assert sorted(findings) == sorted(
        [("b.xlsx", "implausible_amount", "H6"), (SEPT, "implausible_amount", "G19")]
    )
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {
        (r["project"], r["sub_project"], r["budget_year"], r["status"], r["disbursed"]) for r in rows
    } >= {
        ("6", "1", "2023", "incomplete", ""),
        ("2", "", "2023", "incomplete", ""),
    }


def test_a_formula_without_value_is_one_finding_naming_its_dependents(tmp_path: Path) -> None:
    """A formula the tool cannot evaluate in a file never recalculated: it gave ten
    formula_without_value (one per formula over it) and a disbursement of 0; now one finding at the
    cause naming the nine cells over it, and the key incomplete."""
    summary, findings = _run(
        _folder(tmp_path, _edited(tmp_path, "=VLOOKUP(1,A1:B2,2,FALSE)")), tmp_path / "out"
    )
    row = _september(summary)
    assert (row["allocated"], row["disbursed"], row["status"]) == ("6595", "", "incomplete")
    assert [(f["code"], f["cell"]) for f in findings] == [("formula_without_value", "G21")]
    assert DEPENDENTS in findings[0]["message"]


def test_a_running_sum_over_an_unreadable_in_month_amount_is_unknown() -> None:
    """Only in-month amounts: the cumulative figure is their running sum, so one that could not be
    read leaves every later cumulative figure unknown, never the sum of the others."""
    jul, aug, sep = month_end(2023, 7), month_end(2023, 8), month_end(2023, 9)
    files = []
    for p, amount, unknown in ((jul, 10.0, 0), (aug, None, UNKNOWN_IN_MONTH), (sep, 5.0, 0)):
        files += series([(p, 100.0, None)], disbursed_in_month=amount, in_month_cell="G10", unknown=unknown)
    summary = run(files).summary
    assert summary["disbursed"].tolist()[0] == 10.0
    assert all(math.isnan(v) for v in summary["disbursed"].tolist()[1:])
    assert summary["status"].tolist()[1:] == ["incomplete", "incomplete"]


def _sheet_with_a_rate(path: Path, amount: str) -> Path:
    """Layout A without a source split: Dự án 5's disbursement is ``amount``; the parents are SUMs
    and the rates formulas, cached as Excel computes them (SUM skips the text, "/" over it gives
    #VALUE!)."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("T9")
    ws.write_string(0, 0, "Đơn vị: Xã An Bình")
    ws.write_string(1, 0, "(Số liệu đến ngày 30/9/2023)")
    for c, h in enumerate(["STT", "Nội dung", "Kế hoạch vốn", "Giải ngân lũy kế", "Tỷ lệ (%)"]):
        ws.write_string(2, c, h)
    ws.write_row(3, 0, ["", "TỔNG CỘNG"])
    ws.write_formula(3, 2, "=SUM(C5)", None, 200)
    ws.write_formula(3, 3, "=SUM(D5)", None, 50)
    ws.write_formula(3, 4, "=IF(C4>0,D4/C4*100,0)", None, 25)
    ws.write_row(4, 0, ["I", "Vốn năm 2023"])
    ws.write_formula(4, 2, "=SUM(C6:C7)", None, 200)
    ws.write_formula(4, 3, "=SUM(D6:D7)", None, 50)
    ws.write_formula(4, 4, "=IF(C5>0,D5/C5*100,0)", None, 25)
    ws.write_row(5, 0, ["1", "Dự án 2: Đa dạng hóa sinh kế", 100, 50])
    ws.write_formula(5, 4, "=IF(C6>0,D6/C6*100,0)", None, 50)
    ws.write_row(6, 0, ["2", "Dự án 5: Hỗ trợ nhà ở", 100, amount])
    ws.write_formula(6, 4, "=IF(C7>0,D7/C7*100,0)", None, "#VALUE!")
    book.close()
    return path


def test_rates_over_a_text_are_no_rate_mismatch(tmp_path: Path) -> None:
    """The rate of a parent a spreadsheet summed without the text (25% instead of 70%) is no
    rate_mismatch: it is one of the cells computed from the cause, which has the one finding."""
    result = read_file(_sheet_with_a_rate(tmp_path / "a.xlsx", "40 (tạm tính)"), "a.xlsx")
    assert [(f.code, f.cell, f.params.get("dependents")) for f in result.findings] == [
        ("number_with_text", "D7", ["D4", "D5"])
    ]
    assert [(i.project, i.disbursed) for i in records(result.sheets[0])] == [(2, 50.0), (5, 40.0)]
    result = read_file(_sheet_with_a_rate(tmp_path / "b.xlsx", "chưa có"), "b.xlsx")
    assert [(f.code, f.cell, f.params.get("dependents")) for f in result.findings] == [
        ("not_a_number", "D7", ["D4", "D5"])
    ]
    assert [(i.project, i.disbursed, i.unknown) for i in records(result.sheets[0])] == [
        (2, 50.0, 0),
        (5, None, UNKNOWN_DISBURSED),
    ]


def test_a_formula_that_cannot_be_recomputed_says_so(tmp_path: Path) -> None:
    """Over a number among words, a parent the evaluator cannot recompute (VLOOKUP) is unknown, and
    says so at its own cell: never silently."""
    path = _sheet_with_a_rate(tmp_path / "a.xlsx", "40 (tạm tính)")
    book = openpyxl.load_workbook(path)
    book["T9"]["D5"] = "=SUM(D6:D7)+VLOOKUP(1,A1:B2,2,FALSE)*0"
    book.save(path)
    result = read_file(path, "a.xlsx")
    assert sorted((f.code, f.cell) for f in result.findings) == [
        ("formula_without_value", "D5"),
        ("number_with_text", "D7"),
    ]
    assert [(i.project, i.disbursed) for i in records(result.sheets[0])] == [(2, 50.0), (5, 40.0)]


@pytest.mark.parametrize(("text", "september"), [("640 (đang cập nhật)", "1026.5"), ("đang cập nhật", "")])
def test_no_false_cumulative_decrease(tmp_path: Path, text: str, september: str) -> None:
    """The issue's case: August already counted 640 at G21 (1026.5 in all); September's G21 became a
    text. Read as the SUM that skipped it (386.5) the figure fell, a false cumulative_decrease."""
    folder = _folder(tmp_path, _recalculated_directly(tmp_path, text))
    august = folder / "BC giai ngan T8-2023.xlsx"
    book = openpyxl.load_workbook(august)
    book.active["G21"] = 640
    book.save(august)
    summary, findings = _run(folder, tmp_path / "out")
    assert _september_before(summary)["disbursed"] == "1026.5"
    assert _september(summary)["disbursed"] == september
    assert "cumulative_decrease" not in {f["code"] for f in findings}
    assert len(findings) == 1 and findings[0]["cell"] == "G21"


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30))
def test_the_vector_rule_is_the_scalar_rule(values: list[float]) -> None:
    """The reader's fast path (plain_mask over a column) and read_amount decide alike which cells
    are plain amounts, and convert them alike: the amount rule is one rule."""
    array = np.array(values, dtype=np.float64)
    for unit in ("trieu", "nghin", "dong", "ty"):
        mask = plain_mask(array, unit)
        for v, plain in zip(values, mask.tolist(), strict=True):
            assert plain == is_plain(v, unit)
            if plain:
                assert (
                    read_amount(v, Convention.UNKNOWN, unit).value == to_trieu_array(np.array([v]), unit)[0]
                )
