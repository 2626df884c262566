"""The Treasury cross-check (SPEC 9): statements built the way the Treasury's export looks (title
block, merged two-row header, amounts in đồng as numbers and as dotted text), read from real .xlsx
files beside the unit's own reports, with planted differences found at the right cell."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.messages import finding_message
from reconcile.models import Finding, Settings
from reconcile.pipeline import run_folder
from reconcile.result import Result
from reconcile.writers.treasury_template import build_statement

from .test_ledger import UNIT, write_report

D = dt.date
TOML = '[treasury.codes]\n"0361" = "6.1"   # Dự án 6, Tiểu dự án 1\n"0372" = "7.2"\n"0320" = "2"\n'
STATEMENT = "Kho bac/Doi chieu 01-SDKP T10.xlsx"
TRIEU = 1_000_000  # đồng


def report_folder(tmp_path: Path) -> Path:
    """The unit's reports at 30/6 and 30/9/2023 (the statement of 15/10 compares with 30/9)."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_report(
        folder,
        D(2023, 6, 30),
        [
            (2022, 2023, 6, 1, "NSTW", 300, 100),
            (2023, 2023, 6, 1, "NSTW", 1500, 300),
            (2023, 2023, 6, 1, "NSĐP", 500, 100),
            (2023, 2023, 7, 2, "NSTW", 400, 50),
        ],
    )
    write_report(
        folder,
        D(2023, 9, 30),
        [
            (2022, 2023, 6, 1, "NSTW", 300, 200),
            (2023, 2023, 6, 1, "NSTW", 1500, 700),
            (2023, 2023, 6, 1, "NSĐP", 500, 300),
            (2023, 2023, 7, 2, "NSTW", 400, 100),
        ],
    )
    (folder / "reconcile.toml").write_text(TOML, encoding="utf-8")
    return folder


def matching_rows() -> list[dict[str, Any]]:
    """The statement rows that agree with the 30/9 report (amounts in đồng)."""
    return [
        {
            "source_code": "12",
            "code": "0361",
            "brought_forward": 300 * TRIEU,
            "used_period": 50 * TRIEU,
            "used": 200 * TRIEU,
        },
        {
            "source_code": "12",
            "code": "0361",
            "allocated": 1500 * TRIEU,
            "used_period": 200 * TRIEU,
            "used": 700 * TRIEU,
        },
        {
            "source_code": "13",
            "code": "0361",
            "allocated": 500 * TRIEU,
            "used_period": 100 * TRIEU,
            "used": 300 * TRIEU,
        },
        {
            "source_code": "12",
            "code": "0372",
            "allocated": 400 * TRIEU,
            "used_period": 20 * TRIEU,
            "used": 100 * TRIEU,
        },
    ]


def add_statement(folder: Path, rows: list[dict[str, Any]], **kw: Any) -> Path:
    path = folder / STATEMENT
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(build_statement(kw.pop("unit", UNIT), kw.pop("date", D(2023, 10, 15)), rows, **kw))
    return path


def treasury_findings(result: Result) -> list[Finding]:
    return [f for f in result.findings if f.code.startswith("treasury") or f.file == STATEMENT]


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"as_text": True},
        {"one_row_header": True},
        {"plain": True, "as_text": True},
    ],
    ids=["numbers", "dotted-text", "one-row-header", "no-diacritics"],
)
def test_a_matching_statement_gives_no_finding(tmp_path: Path, form: dict[str, Any]) -> None:
    folder = report_folder(tmp_path)
    add_statement(folder, matching_rows(), **form)
    result = run_folder(folder, Settings())
    assert treasury_findings(result) == []
    assert result.treasury is not None
    got = {(r["budget_year"], r["project"], r["sub_project"]): r for r in result.treasury.to_dict("records")}
    assert set(got) == {(2022, 6, 1), (2023, 6, 1), (2023, 7, 2)}
    assert {r["status"] for r in got.values()} == {"match"}
    # Sources together: NSTW 1500 + NSĐP 500 against the statement's two rows of code 0361.
    assert got[(2023, 6, 1)]["report_allocated"] == 2000 and got[(2023, 6, 1)]["treasury_allocated"] == 2000
    assert got[(2023, 6, 1)]["report_disbursed"] == 1000 and got[(2023, 6, 1)]["treasury_disbursed"] == 1000
    assert got[(2023, 6, 1)]["report_period"] == D(2023, 9, 30)
    assert got[(2023, 6, 1)]["as_of"] == D(2023, 10, 15)
    assert got[(2022, 6, 1)]["treasury_allocated"] == 300
    assert got[(2023, 6, 1)]["code"] == "0361"  # two rows of one code, named once


def test_a_statement_never_makes_disbursement_keys(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    add_statement(folder, matching_rows())
    with_statement = run_folder(folder, Settings())
    assert STATEMENT not in set(with_statement.items["file"])
    (folder / STATEMENT).unlink()
    without = run_folder(folder, Settings())
    assert len(with_statement.items) == len(without.items)
    assert with_statement.latest[["allocated", "disbursed"]].equals(
        without.latest[["allocated", "disbursed"]]
    )
    assert without.treasury is None
    assert [s.sheet for f in with_statement.files for s in f.statements] == ["01-SDKP"]


@pytest.mark.parametrize("as_text", [False, True], ids=["numbers", "dotted-text"])
def test_planted_differences_are_found_at_the_statements_cells(tmp_path: Path, as_text: bool) -> None:
    folder = report_folder(tmp_path)
    rows = matching_rows()
    rows[1]["allocated"] = 1450 * TRIEU  # row 12: 50 less than the report's 1500 + 500 ... on F12
    rows[3]["used"] = 150 * TRIEU  # row 14: used 150, the report says 100, on I14
    add_statement(folder, rows, as_text=as_text)
    result = run_folder(folder, Settings())
    found = {(f.code, f.file, f.sheet, f.cell): f for f in treasury_findings(result)}
    assert set(found) == {
        ("treasury_mismatch", STATEMENT, "01-SDKP", "F12"),
        ("treasury_mismatch", STATEMENT, "01-SDKP", "I14"),
    }
    alloc = found[("treasury_mismatch", STATEMENT, "01-SDKP", "F12")]
    assert alloc.level == "warning"
    assert (alloc.params["report"], alloc.params["treasury"], alloc.params["diff"]) == (2000, 1950, -50)
    assert finding_message("treasury_mismatch", alloc.params, "vi") == (
        "Dự án 6, Tiểu dự án 1, vốn năm 2023: dự toán (kế hoạch vốn) theo bảng đối chiếu của Kho bạc là "
        "1.950 triệu đồng, theo báo cáo của đơn vị (kỳ 30/09/2023) là 2.000 triệu đồng (chênh -50). "
        "Đối chiếu lại với Kho bạc."
    )
    used = found[("treasury_mismatch", STATEMENT, "01-SDKP", "I14")]
    assert (used.params["report"], used.params["treasury"], used.params["diff"]) == (100, 150, 50)
    assert "cumulative use" in finding_message("treasury_mismatch", used.params, "en")
    assert result.treasury is not None
    status = {(r["project"], r["budget_year"]): r["status"] for r in result.treasury.to_dict("records")}
    assert status == {(6, 2022): "match", (6, 2023): "mismatch", (7, 2023): "mismatch"}


def test_one_sided_keys_and_unmapped_codes(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    rows = [r for r in matching_rows() if r["code"] != "0372"]  # the report's Dự án 7.2 is missing
    rows.append({"code": "0320", "allocated": 80 * TRIEU, "used": 10 * TRIEU})  # not in the report: row 14
    rows.append({"code": "0999", "allocated": 5_500_000, "used": 1_000_000})  # no mapping: row 15
    add_statement(folder, rows)
    result = run_folder(folder, Settings())
    found = {(f.code, f.file, f.sheet, f.cell): f for f in treasury_findings(result)}
    assert set(found) == {
        ("treasury_missing", "BC 2023-09.xlsx", "Báo cáo", "H10"),  # the report's own cell
        ("treasury_missing", STATEMENT, "01-SDKP", "D14"),
        ("treasury_unmapped", STATEMENT, "01-SDKP", "D15"),
    }
    unmapped = found[("treasury_unmapped", STATEMENT, "01-SDKP", "D15")]
    assert unmapped.level == "info"
    assert (unmapped.params["allocated"], unmapped.params["used"]) == (5.5, 1.0)
    assert '"0999"' in finding_message("treasury_unmapped", unmapped.params, "vi")
    missing = found[("treasury_missing", "BC 2023-09.xlsx", "Báo cáo", "H10")]
    assert finding_message("treasury_missing", missing.params, "vi").startswith(
        "Dự án 7, Tiểu dự án 2, vốn năm 2023: báo cáo của đơn vị có (kế hoạch vốn 400, giải ngân 100 triệu đồng)"
    )
    assert result.treasury is not None
    status = {(r["project"], r["status"]) for r in result.treasury.to_dict("records")}
    assert status == {(6, "match"), (7, "missing_in_treasury"), (2, "missing_in_report")}


def test_an_unreadable_statement_cell_leaves_that_figure_unknown(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    rows = matching_rows()
    rows[3]["used"] = "1OO.OOO.OOO"  # letters O for zeros
    add_statement(folder, rows)
    result = run_folder(folder, Settings())
    found = {(f.code, f.cell) for f in treasury_findings(result)}
    assert found == {("not_a_number", "I14")}
    assert result.treasury is not None
    row = next(r for r in result.treasury.to_dict("records") if r["project"] == 7)
    assert row["status"] == "unknown"
    assert row["treasury_allocated"] == 400
    assert row["treasury_disbursed"] is None or row["treasury_disbursed"] != row["treasury_disbursed"]


def test_both_allocation_columns_on_one_row_compare_the_two_years_together(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    rows = matching_rows()
    rows[0]["allocated"] = rows.pop(1)["allocated"]  # 300 brought forward and 1500 this year on one row
    rows[0]["used"] = 900 * TRIEU  # 200 of the 2022 funds and 700 of the 2023 NSTW funds
    add_statement(folder, rows)
    result = run_folder(folder, Settings())
    codes = sorted((f.code, f.cell) for f in treasury_findings(result))
    assert codes == [("treasury_combined", "D11")]
    assert result.treasury is not None
    got = {r["budget_year"]: r for r in result.treasury.to_dict("records") if r["project"] == 6}
    # Both years and both sources of Dự án 6.1 on each side: 300 + 1500 + 500 and 200 + 700 + 300.
    assert set(got) == {"2022+2023"}
    assert (got["2022+2023"]["report_allocated"], got["2022+2023"]["treasury_allocated"]) == (2300, 2300)
    assert (got["2022+2023"]["report_disbursed"], got["2022+2023"]["treasury_disbursed"]) == (1200, 1200)
    assert got["2022+2023"]["status"] == "match"
    # A difference on the combined key is found at the row's cell.
    rows[0]["used"] = 950 * TRIEU
    add_statement(folder, rows)
    mismatches = [
        (f.code, f.cell)
        for f in treasury_findings(run_folder(folder, Settings()))
        if f.code != "treasury_combined"
    ]
    assert mismatches == [("treasury_mismatch", "I11")]


def test_statement_unit_and_date_pick_the_report(tmp_path: Path) -> None:
    """A statement of 31/7 compares with the 30/6 report; one dated before every report finds none."""
    folder = report_folder(tmp_path)
    rows = matching_rows()
    add_statement(folder, rows, date=D(2023, 7, 31))
    result = run_folder(folder, Settings())
    assert result.treasury is not None
    assert set(result.treasury["report_period"]) == {D(2023, 6, 30)}
    assert {f.cell for f in treasury_findings(result) if f.code == "treasury_mismatch"} >= {"I11", "I12"}
    add_statement(folder, rows, date=D(2023, 5, 31))
    result = run_folder(folder, Settings())
    assert [(f.code, f.file) for f in treasury_findings(result)] == [("treasury_missing", STATEMENT)]
    assert "31/05/2023" in finding_message("treasury_missing", treasury_findings(result)[0].params, "vi")


def test_cli_writes_treasury_csv_and_the_sheet(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    rows = matching_rows()
    rows[3]["used"] = 150 * TRIEU
    add_statement(folder, rows, as_text=True)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--no-annotate"])
    assert res.exit_code == 0, res.output
    with open(out / "treasury.csv", encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == [
        "unit",
        "budget_year",
        "project",
        "sub_project",
        "as_of",
        "report_allocated",
        "treasury_allocated",
        "report_disbursed",
        "treasury_disbursed",
        "status",
        "project_code",
    ]
    assert [UNIT, "2023", "7", "2", "2023-10-15", "400", "400", "100", "150", "mismatch", ""] in lines
    with open(out / "findings.csv", encoding="utf-8", newline="") as fh:
        finds = [r for r in csv.DictReader(fh) if r["code"] == "treasury_mismatch"]
    assert [(r["file"], r["sheet"], r["cell"]) for r in finds] == [(STATEMENT, "01-SDKP", "I14")]
    book = openpyxl.load_workbook(out / "reconciliation.xlsx")
    assert book.sheetnames[-2:] == ["Kế hoạch vốn theo năm", "Đối chiếu Kho bạc"]
    ws = book["Đối chiếu Kho bạc"]
    table = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    row7 = next(r for r in table if r[2] and str(r[2]).startswith("Dự án 7"))
    assert row7[7:14] == [400, 400, 0, 100, 150, 50, "Chênh lệch"]
    assert ws.cell(6, 15).hyperlink is not None


def test_template_writes_a_statement_the_reader_recognises(tmp_path: Path) -> None:
    path = tmp_path / "mau-01-SDKP.xlsx"
    res = CliRunner().invoke(cli, ["template", "--treasury", str(path)])
    assert res.exit_code == 0, res.output
    assert str(path) in res.output
    again = CliRunner().invoke(cli, ["template", "--treasury", str(path)])
    assert again.exit_code == 2
    folder = report_folder(tmp_path)
    (folder / path.name).write_bytes(path.read_bytes())
    result = run_folder(folder, Settings())
    assert path.name not in set(result.items["file"])
    statements = [s for f in result.files for s in f.statements]
    assert len(statements) == 1 and statements[0].rows == []
    assert [(f.code, f.file) for f in result.findings if f.file == path.name] == [
        ("period_unknown", path.name)
    ]


def test_bad_config_for_codes(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    (folder / "reconcile.toml").write_text("[treasury]\nfoo = 1\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(folder)])
    assert res.exit_code == 2
    assert "có lỗi ở dòng 1: [treasury] chỉ có bảng [treasury.codes]" in res.output


def test_a_statement_in_nghin_dong_is_converted(tmp_path: Path) -> None:
    """"Đơn vị tính: nghìn đồng" in the title block: 1.500.000 nghìn đồng is 1.500 triệu đồng."""
    folder = report_folder(tmp_path)
    rows = [
        {k: (v // 1000 if isinstance(v, int) and k != "code" else v) for k, v in row.items()}
        for row in matching_rows()
    ]
    rows[3]["used"] = 100_500  # 100,5 triệu đồng against the report's 100
    add_statement(folder, rows, as_text=True, money_unit="nghìn đồng")
    result = run_folder(folder, Settings())
    found = [(f.code, f.cell, f.params.get("diff")) for f in treasury_findings(result)]
    assert found == [("treasury_mismatch", "I14", 0.5)]


def test_every_finding_code_has_both_messages_and_a_row_in_the_guide() -> None:
    from reconcile.messages import MESSAGES
    from reconcile.models import FINDING_SEVERITY

    guide = (Path(__file__).resolve().parent.parent / "docs" / "huong-dan-su-dung.md").read_text(encoding="utf-8")
    for code, level in FINDING_SEVERITY.items():
        assert set(MESSAGES[f"finding.{code}"]) >= {"vi", "en"}, code
        assert f"| `{code}` | {dict(error='Lỗi', warning='Cảnh báo', info='Thông tin')[level]} |" in guide, code
    assert FINDING_SEVERITY["treasury_mismatch"] == "warning"
    assert FINDING_SEVERITY["treasury_unmapped"] == "info"


def test_a_report_titled_like_a_statement_is_still_read_as_a_report(tmp_path: Path) -> None:
    """The title alone does not make a statement: without its header the sheet is a report."""
    folder = report_folder(tmp_path)
    path = folder / "BC 2023-09.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.active["A2"] = "BẢNG ĐỐI CHIẾU DỰ TOÁN VÀ TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP"
    wb.save(path)
    result = run_folder(folder, Settings())
    assert "BC 2023-09.xlsx" in set(result.items["file"])
    assert result.treasury is None


def test_a_statement_without_a_code_column_is_said_so_and_never_read_as_a_report(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    path = add_statement(folder, matching_rows())
    wb = openpyxl.load_workbook(path)
    wb.active["D8"] = "Mã chương mục"  # the programme code column's header is gone
    wb.save(path)
    result = run_folder(folder, Settings())
    assert STATEMENT not in set(result.items["file"])
    found = [(f.code, f.file, f.sheet) for f in result.findings if f.file == STATEMENT]
    assert found == [("no_header", STATEMENT, "01-SDKP")]
    note = next(f for f in result.findings if f.file == STATEMENT)
    assert "Mã CTMT, DA" in finding_message(note.code, note.params, "vi")
    assert treasury_findings(result) == [next(f for f in result.findings if f.file == STATEMENT)]


def test_the_annotated_copy_of_the_statement_flags_the_cell(tmp_path: Path) -> None:
    folder = report_folder(tmp_path)
    rows = matching_rows()
    rows[3]["used"] = 150 * TRIEU
    add_statement(folder, rows, as_text=True)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out / "annotated" / STATEMENT)["01-SDKP"]
    flagged = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert list(flagged) == ["I14"]
    assert "[treasury_mismatch]" in flagged["I14"] and "150" in flagged["I14"]
    assert ws["I14"].value == "150.000.000"  # the statement's own text, kept


def test_a_statement_that_breaks_the_reader_is_a_finding_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reconcile.read.treasury

    def broken(*args: object) -> None:
        raise IndexError("a layout nobody foresaw")

    monkeypatch.setattr(reconcile.read.treasury, "read_statement", broken)
    folder = report_folder(tmp_path)
    add_statement(folder, matching_rows())
    result = run_folder(folder, Settings())
    assert [(f.code, f.file) for f in result.findings if f.file == STATEMENT] == [("no_header", STATEMENT)]
    assert STATEMENT not in set(result.items["file"])
    assert len(result.latest) == 4  # the reports are read all the same
