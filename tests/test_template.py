"""The Layout B template: Vietnamese header row, data validation, instructions sheet, no overwriting."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from reconcile.catalogue import PROJECTS
from reconcile.errors import OutputError, UsageError
from reconcile.writers.template import write_template

# Written out here, not imported: a changed header in the module must fail this test.
EXPECTED_HEADERS = [
    "Đơn vị",
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


def _write(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / f"mau-{lang}.xlsx"
    write_template(path, lang)
    return path


def _validations(ws: Worksheet) -> dict[str, tuple[str | None, str | None, str | None, str | None]]:
    """First cell of each rule ("G7", "A1") -> (type, formula1, formula2, prompt)."""
    return {
        str(dv.sqref).split(":")[0]: (dv.type, dv.formula1, dv.formula2, dv.prompt)
        for dv in ws.data_validations.dataValidation
    }


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_header_block_and_header_row_are_vietnamese(tmp_path: Path, lang: str) -> None:
    path = _write(tmp_path, lang)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "Báo cáo"
    assert ws["A1"].value.startswith("Đơn vị:")
    assert ws["A3"].value == "Số liệu đến ngày: dd/mm/yyyy"
    assert ws["A4"].value == "Đơn vị tính: triệu đồng"
    assert [c.value for c in ws[6]] == EXPECTED_HEADERS
    assert ws.freeze_panes == "A7"
    # No example rows: anything below the header would be read as data.
    assert all(c.value is None for row in ws.iter_rows(min_row=7, max_row=200) for c in row)
    # The reader uses calamine: it must see the same header row.
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Báo cáo").to_python()
    assert list(grid[5]) == EXPECTED_HEADERS
    assert len(grid) == 6


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_number_formats_and_widths(tmp_path: Path, lang: str) -> None:
    ws = openpyxl.load_workbook(_write(tmp_path, lang)).worksheets[0]
    dims = ws.column_dimensions
    assert dims["H"].number_format == "#,##0.0##"
    assert dims["I"].number_format == "#,##0.0##"
    assert dims["B"].number_format == "0"
    assert dims["F"].width > dims["D"].width  # Nội dung holds long names, Dự án a digit
    for letter, header in zip("ABCDEFGHIJ", EXPECTED_HEADERS, strict=True):
        assert dims[letter].width >= len(header), letter
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$6:$6"


def test_validations(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(_write(tmp_path, "vi")).worksheets[0]
    rules = _validations(ws)
    assert rules["G7"][:2] == ("list", '"NSTW,NSĐP"')
    assert rules["D7"][:3] == ("whole", "1", "7")
    assert rules["E7"][:3] == ("whole", "1", "3")
    assert rules["B7"][:3] == ("whole", "2021", "2030")
    assert rules["C7"][:3] == ("whole", "2021", "2030")
    assert rules["H7"][:2] == ("decimal", "0")
    assert rules["I7"][:2] == ("decimal", "0")
    # The header-block prompts keep the words the reader looks for.
    assert rules["A1"][1] == 'LEFT(A1,7)="Đơn vị:"'
    assert rules["A3"][1] == 'LEFT(A3,17)="Số liệu đến ngày:"'
    sqrefs = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert "G7:G5006" in sqrefs
    assert "Chọn NSTW" in (rules["G7"][3] or "")


def test_validation_prompts_follow_the_language(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(_write(tmp_path, "en")).worksheets[0]
    rules = _validations(ws)
    assert rules["G7"][3] == "Choose NSTW (central budget) or NSĐP (local budget)."
    assert "Instructions" in (rules["D7"][3] or "")


@pytest.mark.parametrize(
    ("lang", "sheet", "marker"), [("vi", "Hướng dẫn", "Tiêu đề"), ("en", "Instructions", "What to write")]
)
def test_instructions_sheet_lists_columns_and_catalogue(
    tmp_path: Path, lang: str, sheet: str, marker: str
) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, lang))
    assert wb.sheetnames == ["Báo cáo", sheet]
    rows = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    flat = [v for r in rows for v in r if v is not None]
    assert marker in flat
    # Every Vietnamese header is explained, next to its column letter.
    for letter, header in zip("ABCDEFGHIJ", EXPECTED_HEADERS, strict=True):
        assert any(r[0] == letter and r[1] == header and r[2] for r in rows), header
    # The whole catalogue, as (project, sub-project, name) rows.
    for project, (name, subs) in PROJECTS.items():
        assert (project, None, name) in rows
        for sub, sub_name in subs.items():
            assert (project, sub, sub_name) in rows
    assert (6, 1, "Giảm nghèo về thông tin") in rows


def test_english_instructions_are_english(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, "en"))
    text = " ".join(str(v) for r in wb["Instructions"].iter_rows(values_only=True) for v in r if v)
    assert "HOW TO FILL IN THE DISBURSEMENT REPORT TEMPLATE" in text
    assert "Keep the header row (row 6) in Vietnamese" in text
    assert "Hướng dẫn" not in wb.sheetnames


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    path.write_bytes(b"an accountant's own file")
    with pytest.raises(UsageError) as info:
        write_template(path)
    assert info.value.key == "cli.template_exists"
    assert info.value.params == {"path": str(path)}
    assert str(path) in info.value.message("vi")
    assert path.read_bytes() == b"an accountant's own file"


def test_refuses_an_existing_folder_and_a_dangling_link(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        write_template(tmp_path)
    link = tmp_path / "link.xlsx"
    link.symlink_to(tmp_path / "nowhere.xlsx")
    with pytest.raises(UsageError):
        write_template(link)
    assert not (tmp_path / "nowhere.xlsx").exists()


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "mau.xlsx"
    with pytest.raises(OutputError) as info:
        write_template(path)
    assert info.value.key == "cli.output_failed"
    assert not path.exists()
