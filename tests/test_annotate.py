"""Annotated copies of the user's input files (SPEC 5.2): reopen the copy and check cells and notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from reconcile.errors import InputFileError, OutputError
from reconcile.models import KEY_COLUMNS, LINE_ITEM_COLUMNS, FileResult, Finding, Settings
from reconcile.result import Result
from reconcile.writers.annotate import SEPARATOR, annotate_file, annotate_to, annotated_name, comment_size
from reconcile.writers.palette import SEVERITY_COLOURS, STATUS_COLOURS

REL = "sub/BC T10.xlsx"
PERIOD = dt.date(2023, 10, 31)
DEADLINE = dt.date(2023, 12, 31)
HYPERLINK_TEXT = '=HYPERLINK("http://x","y")'
USER_NOTE = "Số liệu do phòng Kế hoạch cung cấp"

BEHIND_VI = (
    "Đã giải ngân 5.200 / 6.595 triệu đồng (78,8%), còn thiếu 1.395 triệu đồng so với mục tiêu 100% "
    "trước 31/12/2023."
)
BEHIND_EN = "Disbursed 5,200 / 6,595 million VND (78.8%), 1,395 million VND short of the 100% target due by 2023-12-31."


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_of(cell: Any) -> str | None:
    """The solid fill colour of a cell as 6 hex digits, None when it has none."""
    if cell.fill is None or cell.fill.fill_type != "solid":
        return None
    rgb = cell.fill.start_color.rgb
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def make_input(path: Path, extra_sheet: str | None = None) -> Path:
    """A Layout A sheet "T10" with everything the copy must keep.

    Planted: merged header cells C3:E3 and F3:H3; parent row 5 with formulas =SUM(C6:C7) etc.; a custom
    yellow fill on B6; a number format '#,##0.0' on D6; a user note on C5 (the cell the total_mismatch
    finding points at); I6 holds the text '=HYPERLINK("http://x","y")' stored as text; a hidden second
    sheet "Ẩn"; a defined name "KeHoach" -> T10!$D$6:$D$7.
    Items: D6/G6 NSTW 6.595 / 5.200 (behind), E6/H6 NSĐP 1.000 / 1.000 (met), D7/G7 500 / 600 (over).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "T10"
    ws["A1"] = "SỞ NÔNG NGHIỆP VÀ PTNT"
    ws["A2"] = "Số liệu đến ngày 31/10/2023"
    ws["A3"], ws["B3"], ws["C3"], ws["F3"], ws["I3"] = (
        "STT",
        "Nội dung",
        "Kế hoạch vốn",
        "Giải ngân lũy kế",
        "Ghi chú",
    )
    ws.merge_cells("C3:E3")
    ws.merge_cells("F3:H3")
    for col, head in zip("CDEFGH", ["Tổng số", "NSTW", "NSĐP"] * 2, strict=True):
        ws[f"{col}4"] = head
    ws["A5"], ws["B5"] = "1", "Dự án 3"
    for col in "CDEFGH":
        ws[f"{col}5"] = f"=SUM({col}6:{col}7)"
    ws["B6"], ws["B7"] = "Tiểu dự án 1", "Tiểu dự án 2"
    ws["D6"], ws["E6"], ws["G6"], ws["H6"] = 6595, 1000, 5200, 1000
    ws["D7"], ws["G7"] = 500, 600
    ws["C6"], ws["F6"] = "=D6+E6", "=G6+H6"
    ws["B6"].fill = PatternFill(fill_type="solid", start_color="FFFF00", end_color="FFFF00")
    ws["D6"].number_format = "#,##0.0"
    ws["C5"].comment = Comment(USER_NOTE, "Lan")
    ws["I6"] = HYPERLINK_TEXT
    ws["I6"].data_type = "s"
    ws.column_dimensions["B"].width = 42
    hidden = wb.create_sheet("Ẩn")
    hidden["A1"] = "ghi chép riêng"
    hidden.sheet_state = "hidden"
    if extra_sheet:
        wb.create_sheet(extra_sheet)
    wb.defined_names["KeHoach"] = DefinedName("KeHoach", attr_text="T10!$D$6:$D$7")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def item(
    rel: str, sheet: str, row: int, source: str, sub: int, alloc: float, disb: float, a: str, d: str
) -> dict:
    return {
        "unit": "Sở NN",
        "budget_year": 2023,
        "execution_year": 2023,
        "project": 3,
        "sub_project": sub,
        "source": source,
        "period": PERIOD,
        "allocated": alloc,
        "disbursed": disb,
        "disbursed_in_month": None,
        "label": f"Tiểu dự án {sub}",
        "file": rel,
        "sheet": sheet,
        "row": row,
        "allocated_cell": a,
        "disbursed_cell": d,
        "in_month_cell": None,
    }


def summary_row(
    it: dict, index: int, status: str, expected: float = 304 / 365, projection: float = 0.0
) -> dict:
    alloc, disb = it["allocated"], it["disbursed"]
    row = {k: it[k] for k in KEY_COLUMNS}
    row.update(
        period=it["period"],
        allocated=alloc,
        disbursed=disb,
        rate=disb / alloc if alloc else float("nan"),
        shortfall=alloc - disb,
        status=status,
        expected_rate=expected,
        projection=projection,
        deadline=DEADLINE,
        is_latest=True,
        item_index=index,
    )
    return row


def make_result(
    files: list[FileResult], items: list[dict], rows: list[dict], findings: list[Finding], lang: str = "vi"
) -> Result:
    items_df = pd.DataFrame(items, columns=list(LINE_ITEM_COLUMNS))
    summary = pd.DataFrame(rows)
    return Result(
        settings=Settings(lang=lang),
        input_root=files[0].path.parent,
        files=files,
        items=items_df,
        summary=summary,
        latest=summary,
        findings=findings,
        periods=[PERIOD],
        as_of=PERIOD,
        units=["Sở NN"],
    )


TOTAL_MISMATCH = Finding(
    "total_mismatch",
    file=REL,
    sheet="T10",
    cell="C5",
    params={"what": "Dự án 3", "written": 8100.0, "children": 8095.0, "diff": 5.0},
)


@pytest.fixture
def case(tmp_path: Path) -> tuple[Result, FileResult, Path]:
    """The input of :func:`make_input` under ``in/sub/``, with a hand-built Result for it."""
    src = make_input(tmp_path / "in" / REL)
    items = [
        item(REL, "T10", 6, "NSTW", 1, 6595.0, 5200.0, "D6", "G6"),
        item(REL, "T10", 6, "NSDP", 1, 1000.0, 1000.0, "E6", "H6"),
        item(REL, "T10", 7, "NSTW", 2, 500.0, 600.0, "D7", "G7"),
    ]
    rows = [
        summary_row(items[0], 0, "behind"),
        summary_row(items[1], 1, "met"),
        summary_row(items[2], 2, "over"),
    ]
    skipped = Finding("skipped_sheet", file=REL, sheet="Ẩn", params={"reason": "trang tính bị ẩn"})
    fr = FileResult(path=src, rel=REL, mtime=0.0)
    return make_result([fr], items, rows, [TOTAL_MISMATCH, skipped]), fr, src


def test_cells_filled_and_commented_in_vietnamese(
    case: tuple[Result, FileResult, Path], tmp_path: Path
) -> None:
    result, fr, src = case
    before = sha256(src)
    out, findings = annotate_file(result, fr, tmp_path / "out", "vi")

    assert out == tmp_path / "out" / "sub" / "BC T10.xlsx"
    assert findings == []
    assert sha256(src) == before  # the input is never written

    wb = load_workbook(out, rich_text=True)
    ws = wb["T10"]
    assert fill_of(ws["D6"]) == fill_of(ws["G6"]) == STATUS_COLOURS["behind"]
    assert fill_of(ws["E6"]) == fill_of(ws["H6"]) == STATUS_COLOURS["met"]
    assert fill_of(ws["D7"]) == fill_of(ws["G7"]) == STATUS_COLOURS["over"]
    assert fill_of(ws["C5"]) == SEVERITY_COLOURS["error"]
    assert fill_of(ws["G5"]) is None  # untouched parent cell

    behind = ws["G6"].comment
    assert behind is not None and behind.author == "reconcile"
    assert behind.text.startswith("Chậm tiến độ (kỳ 31/10/2023)\n")
    assert BEHIND_VI in behind.text
    assert "Theo tiến độ, đến ngày 31/10/2023 cần đạt khoảng 83,3%." in behind.text
    assert ws["D6"].comment is None  # the allocated cell is filled, the note sits on the disbursed one
    assert (
        ws["H6"].comment.text
        == "Đạt (kỳ 31/10/2023)\nĐã giải ngân 1.000 / 1.000 triệu đồng (100,0%), đạt mục tiêu 100%."
    )
    assert "vượt kế hoạch vốn được giao 100 triệu đồng" in ws["G7"].comment.text

    # the user's note is kept first, ours appended below a separator
    note = ws["C5"].comment
    assert note.author == "Lan"
    mine = "Lỗi [total_mismatch]: Dự án 3 ghi 8.100 nhưng tổng các dòng con là 8.095 (chênh 5)."
    assert note.text.startswith(USER_NOTE + "\n" + SEPARATOR + "\nGhi chú của reconcile:\n" + mine)


def test_comment_in_english(case: tuple[Result, FileResult, Path], tmp_path: Path) -> None:
    result, fr, _ = case
    out, _ = annotate_file(result, fr, tmp_path / "out", "en")
    wb = load_workbook(out)
    text = wb["T10"]["G6"].comment.text
    assert text.startswith("Behind (period 2023-10-31)\n")
    assert BEHIND_EN in text
    assert "About 83.3% was due by 2023-10-31 to keep pace." in text
    assert wb.sheetnames[-1] == "Legend"
    assert (
        "Note from reconcile:\nError [total_mismatch]: Dự án 3 is written as 8,100"
        in wb["T10"]["C5"].comment.text
    )


def test_copy_keeps_the_users_workbook(case: tuple[Result, FileResult, Path], tmp_path: Path) -> None:
    result, fr, src = case
    out, _ = annotate_file(result, fr, tmp_path / "out")
    orig = load_workbook(src)
    wb = load_workbook(out, rich_text=True)

    assert wb.sheetnames == ["T10", "Ẩn", "Chú giải"]
    assert wb["Ẩn"].sheet_state == "hidden"
    ws = wb["T10"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"C3:E3", "F3:H3"}
    assert ws["C5"].data_type == "f" and ws["C5"].value == "=SUM(C6:C7)"
    assert ws["F6"].data_type == "f" and ws["F6"].value == "=G6+H6"
    assert ws["I6"].data_type == "s" and ws["I6"].value == HYPERLINK_TEXT
    assert orig["T10"]["I6"].data_type == "s"  # the fixture really stored it as text
    assert fill_of(ws["B6"]) == "FFFF00"
    assert ws["D6"].number_format == "#,##0.0"
    assert ws["D6"].value == 6595
    assert ws.column_dimensions["B"].width == 42
    assert wb.defined_names["KeHoach"].attr_text == "T10!$D$6:$D$7"
    assert wb.active.title == "T10"
    with zipfile.ZipFile(out) as z:  # the text is a string cell in the package, not a <f> formula
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>HYPERLINK" not in sheet and "<f>SUM(C6:C7)</f>" in sheet


def test_legend_sheet(case: tuple[Result, FileResult, Path], tmp_path: Path) -> None:
    result, fr, _ = case
    out, _ = annotate_file(result, fr, tmp_path / "out")
    ws = load_workbook(out)["Chú giải"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    joined = "\n".join(texts)
    assert "Đây là bản sao do công cụ reconcile tạo ra; tệp gốc sub/BC T10.xlsx không bị thay đổi." in texts
    assert "Kỳ báo cáo: 31/10/2023" in texts
    assert "Mục tiêu: giải ngân 100% kế hoạch vốn trước 31/12/2023." in texts
    swatches = {c.value: fill_of(c) for c in ws["A"] if c.value}
    assert swatches["Chậm tiến độ"] == STATUS_COLOURS["behind"]
    assert swatches["Đạt"] == STATUS_COLOURS["met"]
    assert swatches["Vượt kế hoạch"] == STATUS_COLOURS["over"]
    assert swatches["Lỗi"] == SEVERITY_COLOURS["error"]
    # a finding with no cell is listed on the legend, not lost
    assert "Ẩn: Thông tin [skipped_sheet]: Bỏ qua trang tính: trang tính bị ẩn" in joined


def test_legend_name_does_not_clash(tmp_path: Path) -> None:
    src = make_input(tmp_path / "in" / "a.xlsx", extra_sheet="Chú giải")
    fr = FileResult(path=src, rel="a.xlsx", mtime=0.0)
    result = make_result([fr], [], [], [])
    out, _ = annotate_file(result, fr, tmp_path / "out")
    assert load_workbook(out).sheetnames == ["T10", "Ẩn", "Chú giải", "Chú giải (2)"]


def test_item_joined_by_key_when_summary_has_no_item_index(
    case: tuple[Result, FileResult, Path], tmp_path: Path
) -> None:
    result, fr, _ = case
    result = dataclasses.replace(result, summary=result.summary.drop(columns=["item_index"]))
    out, _ = annotate_file(result, fr, tmp_path / "out")
    ws = load_workbook(out)["T10"]
    assert fill_of(ws["G6"]) == STATUS_COLOURS["behind"]
    assert BEHIND_VI in ws["G6"].comment.text


def test_unused_item_is_not_painted(case: tuple[Result, FileResult, Path], tmp_path: Path) -> None:
    """An item no summary row points at (lost a period conflict) gets no colour and no note."""
    result, fr, _ = case
    result = dataclasses.replace(result, summary=result.summary[result.summary["item_index"] != 2])
    out, _ = annotate_file(result, fr, tmp_path / "out")
    ws = load_workbook(out)["T10"]
    assert fill_of(ws["G7"]) is None and ws["G7"].comment is None
    assert fill_of(ws["G6"]) == STATUS_COLOURS["behind"]


def test_finding_on_merged_cell_goes_to_its_anchor(tmp_path: Path) -> None:
    src = make_input(tmp_path / "in" / "a.xlsx")
    fr = FileResult(path=src, rel="a.xlsx", mtime=0.0)
    f = Finding("no_header", file="a.xlsx", sheet="T10", cell="D3")
    out, _ = annotate_file(make_result([fr], [], [], [f]), fr, tmp_path / "out")
    ws = load_workbook(out)["T10"]
    assert fill_of(ws["C3"]) == SEVERITY_COLOURS["warning"]
    assert "[no_header]" in ws["C3"].comment.text


def _rewrite_zip(src: Path, dst: Path, edit: dict[str, bytes | None]) -> None:
    """Copy the package ``src`` to ``dst`` replacing (or adding) the parts in ``edit``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in edit:
                zout.writestr(info, zin.read(info))
        for name, data in edit.items():
            if data is not None:
                zout.writestr(name, data)


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
DRAWING = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<xdr:oneCellAnchor><xdr:from><xdr:col>10</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>
<xdr:ext cx="952500" cy="952500"/>
<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr>
<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>
<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>
<xdr:oneCellAnchor><xdr:from><xdr:col>10</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>
<xdr:ext cx="952500" cy="452500"/>
<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>
<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:sp><xdr:clientData/></xdr:oneCellAnchor>
</xdr:wsDr>"""


def test_image_and_shape_are_reported_as_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl.reader.drawings

    monkeypatch.setattr(openpyxl.reader.drawings, "PILImage", False)  # as without Pillow installed
    plain = make_input(tmp_path / "plain.xlsx")
    src = tmp_path / "in" / "logo.xlsx"
    src.parent.mkdir()
    with zipfile.ZipFile(plain) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
        sheet_rels = z.read("xl/worksheets/_rels/sheet1.xml.rels")
        types = z.read("[Content_Types].xml")
    sheet = sheet.replace(b"</worksheet>", b'<drawing r:id="rIdLogo"/></worksheet>')
    if b'xmlns:r="' not in sheet[:400]:
        sheet = sheet.replace(
            b"<worksheet ",
            b'<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ',
            1,
        )
    sheet_rels = sheet_rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdLogo" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"'
        b' Target="../drawings/drawing1.xml"/></Relationships>',
    )
    types = types.replace(
        b"</Types>",
        b'<Default Extension="png" ContentType="image/png"/>'
        b'<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
        b"</Types>",
    )
    drawing_rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
        b' Target="../media/image1.png"/></Relationships>'
    )
    _rewrite_zip(
        plain,
        src,
        {
            "xl/worksheets/sheet1.xml": sheet,
            "xl/worksheets/_rels/sheet1.xml.rels": sheet_rels,
            "[Content_Types].xml": types,
            "xl/drawings/drawing1.xml": DRAWING,
            "xl/drawings/_rels/drawing1.xml.rels": drawing_rels,
            "xl/media/image1.png": PNG_1PX,
        },
    )
    fr = FileResult(path=src, rel="logo.xlsx", mtime=0.0)
    out, findings = annotate_file(make_result([fr], [], [], []), fr, tmp_path / "out", "vi")

    assert [f.code for f in findings] == ["parts_dropped"]
    dropped = findings[0]
    assert dropped.file == "logo.xlsx" and dropped.cell is None and dropped.level == "info"
    assert dropped.params["part_codes"] == ["images", "shapes"]
    from reconcile.messages import finding_message

    assert finding_message("parts_dropped", dropped.params, "vi") == (
        "Bản sao có ghi chú không giữ được: hình ảnh, hình vẽ, hộp chữ. Tệp gốc không bị thay đổi."
    )
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/media/")]
    legend = load_workbook(out)["Chú giải"]
    assert any("[parts_dropped]" in str(c.value) for row in legend.iter_rows() for c in row)


def _make_xlsm(tmp_path: Path) -> Path:
    plain = make_input(tmp_path / "plain.xlsx")
    src = tmp_path / "in" / "macro.xlsm"
    src.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(plain) as z:
        types = z.read("[Content_Types].xml")
        wb_rels = z.read("xl/_rels/workbook.xml.rels")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    wb_rels = wb_rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
        b' Target="vbaProject.bin"/></Relationships>',
    )
    _rewrite_zip(
        plain,
        src,
        {
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": wb_rels,
            "xl/vbaProject.bin": b"dummy VBA project \x00\x01\x02",
        },
    )
    return src


def test_xlsm_keeps_its_macros(tmp_path: Path) -> None:
    src = _make_xlsm(tmp_path)
    fr = FileResult(path=src, rel="macro.xlsm", mtime=0.0)
    it = item("macro.xlsm", "T10", 6, "NSTW", 1, 6595.0, 5200.0, "D6", "G6")
    result = make_result([fr], [it], [summary_row(it, 0, "behind")], [])
    before = sha256(src)
    out, findings = annotate_file(result, fr, tmp_path / "out")

    assert out.name == "macro.xlsm"
    assert findings == []
    assert sha256(src) == before
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == b"dummy VBA project \x00\x01\x02"
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    ws = load_workbook(out, keep_vba=True)["T10"]
    assert fill_of(ws["G6"]) == STATUS_COLOURS["behind"]
    assert BEHIND_VI in ws["G6"].comment.text
    assert ws["C5"].comment.text == USER_NOTE  # the user's note survives the macro-preserving path


def test_macros_in_an_xlsx_are_reported(tmp_path: Path) -> None:
    xlsm = _make_xlsm(tmp_path)
    src = xlsm.with_name("renamed.xlsx")
    src.write_bytes(xlsm.read_bytes())
    fr = FileResult(path=src, rel="renamed.xlsx", mtime=0.0)
    _, findings = annotate_file(make_result([fr], [], [], []), fr, tmp_path / "out", "en")
    assert [f.params["part_codes"] for f in findings] == [["vba"]]
    assert findings[0].params["parts"] == "VBA macros"


CSV_TEXT = "Nội dung,Kế hoạch vốn,Giải ngân\nDự án 2,6.595,5.200\n=1+2,x,y\n"


def test_csv_becomes_xlsx_of_values(tmp_path: Path) -> None:
    src = tmp_path / "in" / "2023-10.csv"
    src.parent.mkdir()
    src.write_bytes(CSV_TEXT.encode("utf-8-sig"))
    fr = FileResult(path=src, rel="2023-10.csv", mtime=0.0)
    it = item("2023-10.csv", "2023-10", 2, "ALL", 1, 6595.0, 5200.0, "B2", "C2")
    result = make_result([fr], [it], [summary_row(it, 0, "behind")], [])
    before = sha256(src)
    out, findings = annotate_file(result, fr, tmp_path / "out", "vi")

    assert out == tmp_path / "out" / "2023-10.xlsx"
    assert sha256(src) == before
    assert [f.params["part_codes"] for f in findings] == [["values_only"]]
    wb = load_workbook(out)
    ws = wb["2023-10"]
    assert ws["A2"].value == "Dự án 2" and ws["B2"].value == "6.595"
    assert ws["A3"].data_type == "s" and ws["A3"].value == "=1+2"  # text stays text
    assert fill_of(ws["C2"]) == STATUS_COLOURS["behind"]
    assert BEHIND_VI in ws["C2"].comment.text
    assert wb.sheetnames == ["2023-10", "Chú giải"]


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="T9">
<table:table-row><table:table-cell office:value-type="string"><text:p>Dự án 2</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="6595"><text:p>6595</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="5200"><text:p>5200</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>""".replace(">\n<", "><")
# (calamine's ODS parser does not accept white space between table elements)


def test_ods_becomes_xlsx(tmp_path: Path) -> None:
    src = tmp_path / "in" / "bc.ods"
    src.parent.mkdir()
    with zipfile.ZipFile(src, "w") as z:
        z.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED
        )
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        )
        z.writestr("content.xml", ODS_CONTENT)
    fr = FileResult(path=src, rel="bc.ods", mtime=0.0)
    it = item("bc.ods", "T9", 1, "ALL", 1, 6595.0, 5200.0, "B1", "C1")
    out, findings = annotate_file(
        make_result([fr], [it], [summary_row(it, 0, "met")], []), fr, tmp_path / "out"
    )
    assert out.name == "bc.xlsx"
    assert findings[0].params["part_codes"] == ["values_only"]
    ws = load_workbook(out)["T9"]
    assert ws["B1"].value == 6595 and ws["A1"].value == "Dự án 2"
    assert fill_of(ws["C1"]) == STATUS_COLOURS["met"]


def test_unreadable_file_raises_a_reconcile_error(tmp_path: Path) -> None:
    src = tmp_path / "broken.xlsx"
    src.write_bytes(b"not a spreadsheet at all")
    fr = FileResult(path=src, rel="broken.xlsx", mtime=0.0)
    with pytest.raises(InputFileError) as err:
        annotate_to(make_result([fr], [], [], []), fr, tmp_path / "out.xlsx", "en")
    assert err.value.message("en").startswith("Could not make the annotated copy of broken.xlsx:")
    assert not (tmp_path / "out.xlsx").exists()
    fr.readable = False
    with pytest.raises(InputFileError):
        annotate_to(make_result([fr], [], [], []), fr, tmp_path / "out.xlsx", "vi")


def test_annotate_to_writes_exactly_the_target(case: tuple[Result, FileResult, Path], tmp_path: Path) -> None:
    result, fr, _ = case
    target = tmp_path / "tmp-123.part"
    assert annotate_to(result, fr, target, "vi") == []
    with open(target, "rb") as fh:  # a temp name with any suffix: openpyxl's save does not mind it
        assert load_workbook(fh).sheetnames[-1] == "Chú giải"


@pytest.mark.parametrize(
    ("rel", "others", "expected"),
    [
        ("a.xlsx", [], "a.xlsx"),
        ("sub/dir/b.xlsm", [], "sub/dir/b.xlsm"),
        ("sub/c.xls", [], "sub/c.xlsx"),
        ("d.ODS", [], "d.xlsx"),
        ("e.csv", ["e.csv", "f.xlsx"], "e.xlsx"),
        ("e.csv", ["e.csv", "E.xlsx"], "e (csv).xlsx"),
        ("e.xlsx", ["e.csv", "e.xlsx"], "e.xlsx"),
        ("../../etc/x.csv", [], "etc/x.xlsx"),
    ],
)
def test_annotated_name(rel: str, others: list[str], expected: str) -> None:
    assert annotated_name(rel, others) == expected


def test_comment_size_grows_with_text() -> None:
    short_w, short_h = comment_size("Đạt")
    long_w, long_h = comment_size("\n".join([BEHIND_VI] * 4))
    assert 300 <= short_w <= long_w <= 400
    assert short_h < long_h


def test_status_colours_cover_every_status() -> None:
    from reconcile.models import STATUSES

    assert set(STATUS_COLOURS) == set(STATUSES)
    assert all(
        re.fullmatch(r"[0-9A-F]{6}", c) for c in [*STATUS_COLOURS.values(), *SEVERITY_COLOURS.values()]
    )


def test_every_status_has_its_own_sentence(tmp_path: Path) -> None:
    """One row per status on a plain sheet; the met row (7) has its disbursement as an in-month amount in D7."""
    src = tmp_path / "in" / "all.xlsx"
    src.parent.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    figures = [(1000, 900), (1000, 700), (1000, 400), (1000, 950), (0, 50), (1000, 1000), (1000, 1100)]
    for r, (a, d) in enumerate(figures, start=2):
        ws.cell(r, 2, a)
        ws.cell(r, 3, d)
    ws["D7"] = 100
    wb.save(src)
    statuses = ["on_track", "at_risk", "missed", "behind", "no_allocation", "met", "over"]
    items, rows = [], []
    for i, ((a, d), status) in enumerate(zip(figures, statuses, strict=True)):
        it = item("all.xlsx", "S", i + 2, "ALL", i + 1, float(a), float(d), f"B{i + 2}", f"C{i + 2}")
        if i == 5:
            it.update(disbursed_cell=None, in_month_cell="D7")
        items.append(it)
        rows.append(
            summary_row(it, i, status, expected=0.8, projection=900.0 if status == "at_risk" else 0.0)
        )
    fr = FileResult(path=src, rel="all.xlsx", mtime=0.0)
    out, _ = annotate_file(make_result([fr], items, rows, []), fr, tmp_path / "out")
    ws = load_workbook(out)["S"]

    def note(ref: str) -> str:
        return ws[ref].comment.text

    assert note("C2").endswith(
        "còn thiếu 100 triệu đồng so với mục tiêu 100% trước 31/12/2023. Với tốc độ hiện nay sẽ đạt mục tiêu đúng hạn."
    )
    assert "đến 31/12/2023 dự kiến chỉ giải ngân được khoảng 900 triệu đồng, chưa đạt mục tiêu." in note("C3")
    assert note("C4").endswith("còn thiếu 600 triệu đồng; đã quá hạn 31/12/2023 mà chưa đạt mục tiêu 100%.")
    assert "Theo tiến độ, đến ngày 31/10/2023 cần đạt khoảng 80,0%." in note("C5")
    assert note("C6").endswith(
        "Đã giải ngân 50 triệu đồng nhưng chưa có kế hoạch vốn được giao. Kiểm tra lại số liệu."
    )
    assert note("D7").startswith("Đạt (kỳ 31/10/2023)")  # in-month only: the note sits on the in-month cell
    assert ws["C7"].comment is None and fill_of(ws["C7"]) is None
    assert "vượt kế hoạch vốn được giao 100 triệu đồng" in note("C8")
    for r, status in enumerate(statuses, start=2):
        cell = "D7" if status == "met" else f"C{r}"
        assert fill_of(ws[cell]) == STATUS_COLOURS[status], status
        assert fill_of(ws[f"B{r}"]) == STATUS_COLOURS[status], status


def test_chart_is_kept_and_not_reported(tmp_path: Path) -> None:
    """openpyxl re-writes charts it can read: no false alarm about them."""
    from openpyxl.chart import BarChart, Reference

    src = make_input(tmp_path / "in" / "chart.xlsx")
    wb = load_workbook(src)
    chart = BarChart()
    chart.add_data(Reference(wb["T10"], min_col=4, min_row=6, max_row=7))
    wb["T10"].add_chart(chart, "K2")
    wb.save(src)
    fr = FileResult(path=src, rel="chart.xlsx", mtime=0.0)
    out, findings = annotate_file(make_result([fr], [], [], []), fr, tmp_path / "out")
    assert findings == []
    with zipfile.ZipFile(out) as z:
        assert "xl/charts/chart1.xml" in z.namelist()


def test_never_writes_over_the_input(case: tuple[Result, FileResult, Path]) -> None:
    result, fr, src = case
    before = sha256(src)
    with pytest.raises(OutputError):
        annotate_to(result, fr, src, "vi")
    assert sha256(src) == before
