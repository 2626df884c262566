"""The review report (SPEC 8): output/bao-cao-ra-soat.docx.

Five folders are reported once per module (see :func:`reports`):

- ``shipped``: the sample reports in ``workbooks/`` (the seed's unit, Sở TT&TT Lạng Sơn, 2023);
- ``multi``: two units in Layout B (Sở Y tế with 2022 funds carried over and NSTW/NSĐP split; Sở Lao
  động with 2023 funds only), the consolidating department's report;
- ``proposals``: ``workbooks/`` plus a proposals sheet made by ``reconcile template --proposals``;
- ``english``: ``workbooks/`` with ``--lang en``;
- ``no_carry``: one unit with 2023 funds only.

The documents are read with python-docx (layout, fonts, header table, headings) and, where LibreOffice
is installed, printed to PDF in one soffice call and read back with pdftotext.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from reconcile.cli import cli
from reconcile.writers.template import HEADERS, MONEY_UNIT, TITLE

from . import lo

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
REPORT = "bao-cao-ra-soat.docx"


def _layout_b(path: Path, unit: str, period: str, rows: list[list[Any]]) -> None:
    """A Layout B report as the template lays it out (unit and period lines above the header row)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = f"Đơn vị: {unit}"
    ws["A2"] = TITLE
    ws["A3"] = f"Số liệu đến ngày: {period}"
    ws["A4"] = MONEY_UNIT
    for c, h in enumerate(HEADERS, 1):
        ws.cell(6, c, h)
    for r, row in enumerate(rows, 7):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    wb.save(path)


def _run(*args: str) -> Any:
    done = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return done


def _build(tmp: Path) -> dict[str, Path]:
    """Every report folder of this module; name -> the report written."""
    out: dict[str, Path] = {}

    done = _run("run", str(WORKBOOKS), "--out", str(tmp / "shipped"))
    assert done.exit_code == 0, done.output
    out["shipped"] = tmp / "shipped" / REPORT

    multi = tmp / "in-multi"
    multi.mkdir()
    _layout_b(
        multi / "so-y-te-2023-09.xlsx",
        "Sở Y tế",
        "30/9/2023",
        [
            ["Sở Y tế", 2022, 2023, 3, 2, "Cải thiện dinh dưỡng", "NSTW", 500, 450, ""],
            ["Sở Y tế", 2023, 2023, 3, 2, "Cải thiện dinh dưỡng", "NSTW", 1200, 300, ""],
            ["Sở Y tế", 2023, 2023, 3, 2, "Cải thiện dinh dưỡng", "NSĐP", 200, 25, ""],
        ],
    )
    _layout_b(
        multi / "so-lao-dong-2023-09.xlsx",
        "Sở Lao động",
        "30/9/2023",
        [
            ["Sở Lao động", 2023, 2023, 4, 1, "Giáo dục nghề nghiệp", "NSTW", 2000, 1900, ""],
            ["Sở Lao động", 2023, 2023, 7, 2, "Giám sát, đánh giá", "NSTW", 100, 100, ""],
        ],
    )
    (multi / "reconcile.toml").write_text(
        '[report]\nunit = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"\nsuperior = "UBND TỈNH LẠNG SƠN"\n'
        'recipient = "Ủy ban nhân dân tỉnh"\nnumber_prefix = "BC-LĐTBXH"\n'
        'signer_title = "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"\nsigner_name = "Nguyễn Văn A"\n'
        'recipients = ["Như trên;", "Lưu: VT, BTXH."]\ndate = "05/10/2023"\n',
        encoding="utf-8",
    )
    done = _run("report", str(multi), "--out", str(tmp / "multi"))
    assert done.exit_code == 0, done.output
    out["multi"] = tmp / "multi" / REPORT

    prop = tmp / "in-proposals"
    shutil.copytree(WORKBOOKS, prop)
    form = prop / "de-xuat-2024-2025.xlsx"
    done = _run("template", "--proposals", str(form))
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(form)
    ws = wb.active
    for r, row in enumerate(
        [
            [2024, 6, 1, 3500, 4500, "Thiết lập mới 01 cụm thông tin điện tử 02 mặt"],
            [2025, 6, 1, "4.500", "4.000", "Giảm theo khả năng thực hiện"],
        ],
        5,
    ):
        for c, v in enumerate(row, 1):
            ws.cell(r, c, v)
    wb.save(form)
    done = _run("run", str(prop), "--out", str(tmp / "proposals"))
    assert done.exit_code == 0, done.output
    out["proposals"] = tmp / "proposals" / REPORT

    done = _run("report", str(WORKBOOKS), "--out", str(tmp / "english"), "--lang", "en")
    assert done.exit_code == 0, done.output
    out["english"] = tmp / "english" / REPORT

    single = tmp / "in-no-carry"
    single.mkdir()
    _layout_b(
        single / "so-noi-vu-2023-09.xlsx",
        "Sở Nội vụ",
        "30/9/2023",
        [["Sở Nội vụ", 2023, 2023, 6, 1, "Giảm nghèo về thông tin", "NSTW", 800, 200, ""]],
    )
    done = _run("report", str(single), "--out", str(tmp / "no_carry"), "--as-of", "30/9/2023")
    assert done.exit_code == 0, done.output
    out["no_carry"] = tmp / "no_carry" / REPORT
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _build(tmp_path_factory.mktemp("reports"))


def _text(path: Path) -> str:
    """Every paragraph of the body and of its tables, one a line."""
    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def _in_order(text: str, needles: list[str]) -> None:
    """Each needle occurs in ``text``, after the one before it."""
    at = 0
    for needle in needles:
        found = text.find(needle, at)
        assert found >= 0, f"{needle!r} not found after position {at}"
        at = found + len(needle)


def _headings(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.style.name.startswith("Heading")]


def _summary(folder: Path) -> list[dict[str, str]]:
    with (folder / "summary.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _vi(x: float) -> str:
    s = f"{x:,.1f}".rstrip("0").rstrip(".")
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _mm(*lengths: Any) -> tuple[float, ...]:
    """Lengths in millimetres (Word stores twentieths of a point: 210 mm is 209.99...)."""
    return tuple(round(x.mm, 1) for x in lengths)


# ---- layout (python-docx) -----------------------------------------------------------------------


def test_page_layout_fonts_and_numbering(reports: dict[str, Path]) -> None:
    doc = Document(str(reports["shipped"]))
    first = doc.sections[0]
    assert _mm(first.page_width, first.page_height) == (210, 297)
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert _mm(first.top_margin, first.bottom_margin, first.left_margin, first.right_margin) == (
        20,
        20,
        30,
        15,
    )
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    for level in (1, 2):
        assert doc.styles[f"Heading {level}"].font.name == "Times New Roman"
    # Page numbers at the top, not on the first page.
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml
    # The appendix: a landscape A4 section.
    last = doc.sections[-1]
    assert len(doc.sections) == 2
    assert last.orientation == WD_ORIENT.LANDSCAPE
    assert _mm(last.page_width, last.page_height) == (297, 210)


def test_header_table(reports: dict[str, Path]) -> None:
    doc = Document(str(reports["shipped"]))
    table = doc.tables[0]
    assert len(table.columns) == 2 and len(table.rows) == 1
    left, right = (c.text for c in table.rows[0].cells)
    _in_order(left, ["UBND TỈNH LẠNG SƠN", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số:", "/BC-STTTT"])
    _in_order(right, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    assert "Lạng Sơn, ngày 30 tháng 9 năm 2023" in right
    assert 'w:val="none"' in table._tbl.tblPr.xml  # borderless
    unit = next(p for p in table.rows[0].cells[0].paragraphs if p.text == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
    assert all(r.bold for r in unit.runs)
    place = next(p for p in table.rows[0].cells[1].paragraphs if p.text.startswith("Lạng Sơn"))
    assert all(r.italic for r in place.runs)


def test_headings_in_the_seeds_order(reports: dict[str, Path]) -> None:
    assert _headings(reports["shipped"]) == [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Nguồn vốn năm 2022 kéo dài thực hiện năm 2023",
        "2. Nguồn vốn năm 2023",
        "II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN",
    ]
    text = _text(reports["shipped"])
    _in_order(
        text,
        ["BÁO CÁO", "Về việc rà soát", "Kính gửi: Sở Lao động - Thương binh và Xã hội", "I. KẾT QUẢ"],
    )
    # The paragraphs first, then the tables (the signature block, the appendix table).
    _in_order(text, ["II. ĐỀ XUẤT", "xem xét, tổng hợp./.", "PHỤ LỤC", "Nơi nhận:", "TỔNG CỘNG"])


def test_seed_figures_in_vietnamese_style(reports: dict[str, Path]) -> None:
    """The seed's allocations, and the latest month's disbursed figures and rates, part by part."""
    text = _text(reports["shipped"])
    body = text.split("II. ĐỀ XUẤT")[0]
    _in_order(
        body,
        [
            "năm 2022 kéo dài thực hiện năm 2023 là 1.571,6 triệu đồng",
            "Dự án 6: Truyền thông và giảm nghèo về thông tin: kế hoạch vốn 1.551 triệu đồng",
            "Tiểu dự án 1: Giảm nghèo về thông tin: kế hoạch vốn 1.551 triệu đồng, đã giải ngân 1.054,7 triệu đồng, đạt 68,0%",
            "Tiểu dự án 2: Giám sát, đánh giá: kế hoạch vốn 20,6 triệu đồng, đã giải ngân 12,4 triệu đồng, đạt 60,2%",
            "Tổng nguồn vốn sự nghiệp năm 2023 là 6.616 triệu đồng",
            "Tiểu dự án 1: Giảm nghèo về thông tin: kế hoạch vốn 6.595 triệu đồng, đã giải ngân 386,5 triệu đồng, đạt 5,9%",
            "Tiểu dự án 2: Giám sát, đánh giá: kế hoạch vốn 21 triệu đồng, đã giải ngân 0 triệu đồng, đạt 0,0%",
        ],
    )
    # What remains, the deadline, the monthly amount needed and the status sentence of each key.
    assert (
        "còn 6.208,5 triệu đồng phải giải ngân trước 31/12/2023, bình quân 2.052,6 triệu đồng/tháng" in body
    )
    assert (
        body.count("Tiến độ giải ngân chậm so với tiến độ cần đạt (74,8% kế hoạch vốn đến ngày 30/09/2023)")
        == 4
    )


def test_report_figures_are_the_workbooks(reports: dict[str, Path]) -> None:
    """Every key's figures in summary.csv (the same result) are in the report as written there."""
    text = _text(reports["shipped"])
    latest = [r for r in _summary(reports["shipped"].parent) if r["period"] == "2023-09-30"]
    assert len(latest) == 4
    for r in latest:
        alloc, disb = float(r["allocated"]), float(r["disbursed"])
        rate = f"{float(r['rate']) * 100:.1f}".replace(".", ",")
        assert (
            f"kế hoạch vốn {_vi(alloc)} triệu đồng, đã giải ngân {_vi(disb)} triệu đồng, đạt {rate}%" in text
        )


def test_placeholders_are_highlighted(reports: dict[str, Path]) -> None:
    doc = Document(str(reports["shipped"]))
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        paragraphs += [p for row in table.rows for c in row.cells for p in c.paragraphs]
    marked = [r.text for p in paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert sum(t.startswith("[Nêu nội dung đã triển khai") for t in marked) == 4  # one per sub-project
    assert sum(t.startswith("[Đánh giá chung") for t in marked) == 2  # one per budget year
    assert any(t.startswith("[Nêu căn cứ") for t in marked)
    assert any(t.startswith("[Nêu đề xuất điều chỉnh vốn") for t in marked)  # no proposals sheet
    assert "[CHỨC VỤ NGƯỜI KÝ]" in marked and "[Họ và tên]" in marked


def test_appendix_table_in_the_form_of_the_input_sheet(reports: dict[str, Path]) -> None:
    table = Document(str(reports["shipped"])).tables[-1]
    head = [c.text for c in table.rows[0].cells]
    assert head[0] == "STT" and head[1] == "Nội dung"
    assert head[2].startswith("Kế hoạch vốn") and head[5].startswith("Giải ngân lũy kế đến 30/09/2023")
    assert head[-2] == "Tỷ lệ giải ngân (%)" and head[-1] == "Ghi chú"
    assert [c.text for c in table.rows[1].cells][2:8] == ["Tổng số", "NSTW", "NSĐP"] * 2
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[2:]}
    assert rows["TỔNG CỘNG"][2] == "8.187,6" and rows["TỔNG CỘNG"][5] == "1.453,6"
    assert rows["Nguồn vốn năm 2022 kéo dài thực hiện năm 2023"][0] == "I"
    assert rows["Nguồn vốn năm 2022 kéo dài thực hiện năm 2023"][2] == "1.571,6"
    assert rows["Nguồn vốn năm 2023"][:3] == ["II", "Nguồn vốn năm 2023", "6.616"]
    sub = [r for r in table.rows if r.cells[1].text == "Tiểu dự án 1: Giảm nghèo về thông tin"]
    assert [c.text for c in sub[0].cells][2:] == [
        "1.551",
        "1.551",
        "",
        "1.054,7",
        "1.054,7",
        "",
        "68,0",
        "Chậm tiến độ",
    ]


def test_same_result_same_bytes(reports: dict[str, Path], tmp_path: Path) -> None:
    done = _run("run", str(WORKBOOKS), "--out", str(tmp_path))
    assert done.exit_code == 0, done.output
    assert (tmp_path / REPORT).read_bytes() == reports["shipped"].read_bytes()


# ---- the other folders --------------------------------------------------------------------------


def test_several_units_consolidated_first(reports: dict[str, Path]) -> None:
    path = reports["multi"]
    assert _headings(path) == [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Tổng hợp chung các đơn vị",
        "1.1. Nguồn vốn năm 2022 kéo dài thực hiện năm 2023",
        "1.2. Nguồn vốn năm 2023",
        "2. Sở Lao động",
        "2.1. Nguồn vốn năm 2023",
        "3. Sở Y tế",
        "3.1. Nguồn vốn năm 2022 kéo dài thực hiện năm 2023",
        "3.2. Nguồn vốn năm 2023",
        "II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN",
    ]
    text = _text(path)
    _in_order(
        text,
        [
            "Tổng nguồn vốn sự nghiệp của 2 đơn vị là 4.000 triệu đồng; đến ngày 30/09/2023 đã giải ngân 2.775 triệu đồng, đạt 69,4%",
            "Tổng nguồn vốn sự nghiệp năm 2023 là 3.500 triệu đồng",
            "2. Sở Lao động",
            "Tổng nguồn vốn sự nghiệp của đơn vị là 2.100 triệu đồng",
            "Đã đạt mục tiêu giải ngân 100,0% kế hoạch vốn.",
            "3. Sở Y tế",
            "Tổng nguồn vốn sự nghiệp của đơn vị là 1.900 triệu đồng; đến ngày 30/09/2023 đã giải ngân 775 triệu đồng",
            # The two sources of one sub-project, each with its own figures, never a sum.
            "Tiểu dự án 2: Cải thiện dinh dưỡng (nguồn NSTW): kế hoạch vốn 1.200 triệu đồng",
            "Tiểu dự án 2: Cải thiện dinh dưỡng (nguồn NSĐP): kế hoạch vốn 200 triệu đồng",
        ],
    )
    # The consolidated part speaks for no unit: its placeholders are the units' parts.
    consolidated = text.split("2. Sở Lao động")[0]
    assert "[Nêu nội dung đã triển khai" not in consolidated


def test_report_settings_override_the_header(reports: dict[str, Path]) -> None:
    doc = Document(str(reports["multi"]))
    left, right = (c.text for c in doc.tables[0].rows[0].cells)
    assert "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" in left and "/BC-LĐTBXH" in left
    assert "Lạng Sơn, ngày 5 tháng 10 năm 2023" in right
    text = _text(reports["multi"])
    assert "Kính gửi: Ủy ban nhân dân tỉnh" in text
    signature = " ".join(c.text for c in doc.tables[1].rows[0].cells)
    _in_order(
        signature,
        ["Nơi nhận:", "- Như trên;", "- Lưu: VT, BTXH.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"],
    )


def test_proposals_part(reports: dict[str, Path]) -> None:
    text = _text(reports["proposals"])
    part = text.split("II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN")[1].split("Nơi nhận:")[0]
    _in_order(
        part,
        [
            "1. Năm 2024, Dự án 6: Truyền thông và giảm nghèo về thông tin, Tiểu dự án 1: Giảm nghèo về thông tin: "
            "mức vốn thông báo 3.500 triệu đồng, nhu cầu đề xuất 4.500 triệu đồng (tăng 1.000 triệu đồng so với mức thông báo).",
            "Lý do: Thiết lập mới 01 cụm thông tin điện tử 02 mặt",
            "2. Năm 2025,",
            "mức vốn thông báo 4.500 triệu đồng, nhu cầu đề xuất 4.000 triệu đồng (giảm 500 triệu đồng so với mức thông báo)",
        ],
    )
    assert "[Nêu đề xuất" not in part
    # The proposals sheet is no disbursement report: an info finding, never a warning.
    with (reports["proposals"].parent / "findings.csv").open(encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["file"] == "de-xuat-2024-2025.xlsx"]
    assert [(r["code"], r["severity"]) for r in rows] == [("skipped_sheet", "info")]
    # ... and adds nothing to section I.
    assert text.split("II. ĐỀ XUẤT")[0] == _text(reports["shipped"]).split("II. ĐỀ XUẤT")[0]


def test_english(reports: dict[str, Path]) -> None:
    path = reports["english"]
    assert _headings(path) == [
        "I. RESULTS",
        "1. Funds of 2022 carried over to 2023",
        "2. Funds of 2023",
        "II. PROPOSED ADJUSTMENTS OF FUNDS",
    ]
    text = _text(path)
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text
    assert "carried over to 2023 total 1,571.6 million VND" in text
    assert "allocation 6,595 million VND, disbursed 386.5 million VND (5.9%)" in text
    assert "triệu đồng" not in text.split("APPENDIX")[0]


def test_unit_without_carried_over_funds(reports: dict[str, Path]) -> None:
    path = reports["no_carry"]
    assert _headings(path) == ["I. KẾT QUẢ THỰC HIỆN", "1. Nguồn vốn năm 2023", "II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN"]
    text = _text(path)
    assert "kéo dài" not in text
    assert (
        "Tổng nguồn vốn sự nghiệp năm 2023 là 800 triệu đồng; đến ngày 30/09/2023 đã giải ngân 200 triệu đồng, đạt 25,0%"
        in text
    )
    # A unit written in mixed case keeps its name; its initials make the number prefix.
    assert "/BC-SNV" in Document(str(path)).tables[0].rows[0].cells[0].text
    assert "Sở Nội vụ báo cáo kết quả rà soát" in text


# ---- the command line ---------------------------------------------------------------------------


def test_no_report_flag(tmp_path: Path) -> None:
    done = _run("run", str(WORKBOOKS), "--out", str(tmp_path), "--no-report", "--no-annotate")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "reconciliation.xlsx").is_file()
    assert not (tmp_path / REPORT).exists()


def test_report_command_writes_only_the_report(tmp_path: Path) -> None:
    done = _run("report", str(WORKBOOKS), "--out", str(tmp_path))
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [REPORT]
    assert "Đã ghi báo cáo rà soát" in done.output


def test_bad_report_setting_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(WORKBOOKS, folder)
    (folder / "reconcile.toml").write_text('target = 100\n\n[report]\nsigner = "X"\n', encoding="utf-8")
    done = _run("run", str(folder), "--out", str(tmp_path / "out"))
    assert done.exit_code == 2
    assert "reconcile.toml" in done.output and "dòng 4" in done.output and "signer" in done.output
    assert not (tmp_path / "out" / REPORT).exists()
    (folder / "reconcile.toml").write_text('[report]\nrecipients = "Như trên"\n', encoding="utf-8")
    done = _run("report", str(folder), "--out", str(tmp_path / "out"))
    assert done.exit_code == 2 and "recipients" in done.output and "dòng 2" in done.output


def test_proposals_form_never_overwrites(tmp_path: Path) -> None:
    form = tmp_path / "de-xuat.xlsx"
    assert _run("template", "--proposals", str(form)).exit_code == 0
    ws = openpyxl.load_workbook(form).active
    assert [ws.cell(4, c).value for c in range(1, 7)] == [
        "Năm",
        "Dự án",
        "Tiểu dự án",
        "Mức vốn thông báo",
        "Nhu cầu đề xuất",
        "Lý do",
    ]
    before = form.read_bytes()
    done = _run("template", "--proposals", str(form))
    assert done.exit_code == 2 and form.read_bytes() == before


# ---- LibreOffice: the documents print, and the figures are in the print -------------------------


@pytest.fixture(scope="module")
def pdfs(reports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not lo.available():
        pytest.skip("LibreOffice (soffice) and poppler-utils (pdftotext) are needed to print the report")
    exe = lo.soffice_path()
    assert exe is not None
    program = Path(exe).resolve().parent
    if not any(program.glob("libswlo.*")) and not any(program.glob("swlo*.dll")):
        pytest.skip("LibreOffice Writer (libreoffice-writer-nogui) is needed to print a .docx")
    tmp = tmp_path_factory.mktemp("report-pdf")
    named = {}
    for name, path in reports.items():
        named[name] = tmp / "in" / f"{name}.docx"
        named[name].parent.mkdir(exist_ok=True)
        shutil.copyfile(path, named[name])
    office = lo.Office(tmp / "profile")
    outs = office.convert(list(named.values()), "pdf:writer_pdf_Export", tmp / "pdf")
    return dict(zip(named, outs, strict=True))


def _flat(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


@pytest.mark.libreoffice
def test_pdf_pages_and_numbers(pdfs: dict[str, Path]) -> None:
    sizes = lo.pdf_page_sizes(pdfs["shipped"])
    assert all(s.is_a4 for s in sizes)
    assert not sizes[0].landscape and sizes[-1].landscape
    pages = lo.pdf_page_texts(pdfs["shipped"])
    assert pages[0].split()[0] != "1"  # no number on the first page
    assert pages[1].split()[0] == "2"  # numbered at the top from page 2
    assert "PHỤ LỤC" in pages[-1] or "PHỤ LỤC" in pages[-2]


@pytest.mark.libreoffice
def test_pdf_holds_the_seeds_figures_in_order(pdfs: dict[str, Path]) -> None:
    text = _flat(lo.pdf_page_texts(pdfs["shipped"]))
    _in_order(
        text,
        [
            "UBND TỈNH LẠNG SƠN",
            "Lạng Sơn, ngày 30 tháng 9 năm 2023",
            "I. KẾT QUẢ THỰC HIỆN",
            "1. Nguồn vốn năm 2022 kéo dài thực hiện năm 2023",
            "1.571,6 triệu đồng",
            "1.551 triệu đồng",
            "1.054,7 triệu đồng, đạt 68,0%",
            "20,6 triệu đồng",
            "12,4 triệu đồng, đạt 60,2%",
            "2. Nguồn vốn năm 2023",
            "6.616 triệu đồng",
            "6.595 triệu đồng",
            "386,5 triệu đồng, đạt 5,9%",
            "21 triệu đồng",
            "II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN",
            "Nơi nhận:",
        ],
    )


@pytest.mark.libreoffice
def test_pdf_of_the_other_reports(pdfs: dict[str, Path]) -> None:
    multi = _flat(lo.pdf_page_texts(pdfs["multi"]))
    _in_order(multi, ["1. Tổng hợp chung các đơn vị", "4.000 triệu đồng", "2. Sở Lao động", "3. Sở Y tế"])
    proposals = _flat(lo.pdf_page_texts(pdfs["proposals"]))
    _in_order(proposals, ["II. ĐỀ XUẤT ĐIỀU CHỈNH VỐN", "tăng 1.000 triệu đồng", "giảm 500 triệu đồng"])
    english = _flat(lo.pdf_page_texts(pdfs["english"]))
    _in_order(english, ["I. RESULTS", "1,571.6 million VND", "6,616 million VND"])
    no_carry = _flat(lo.pdf_page_texts(pdfs["no_carry"]))
    assert "1. Nguồn vốn năm 2023" in no_carry and "kéo dài" not in no_carry


def test_run_leaves_a_very_big_report_to_the_report_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reconcile.writers.report_run as report_run

    monkeypatch.setattr(report_run, "RUN_MAX_KEYS", 3)  # workbooks/ holds 4 keys
    done = _run("run", str(WORKBOOKS), "--out", str(tmp_path / "run"), "--no-annotate")
    assert done.exit_code == 0, done.output
    assert not (tmp_path / "run" / REPORT).exists()
    assert (tmp_path / "run" / "reconciliation.xlsx").is_file()
    assert "Chưa tạo báo cáo rà soát (.docx): thư mục có 4 khoản mục (quá 3)" in done.output
    assert "reconcile report" in done.output
    done = _run("report", str(WORKBOOKS), "--out", str(tmp_path / "report"))
    assert done.exit_code == 0 and (tmp_path / "report" / REPORT).is_file()


def test_proposals_csv_with_an_unreadable_amount(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(WORKBOOKS, folder)
    (folder / "de-xuat.csv").write_text(
        "Năm;Dự án;Tiểu dự án;Mức vốn thông báo;Nhu cầu đề xuất;Lý do\n"
        "2024;6;1;3.500;4.000,5;Cần thêm\n2025;7;2;abc;100;Giữ\n",
        encoding="utf-8",
    )
    done = _run("run", str(folder), "--out", str(tmp_path / "out"), "--no-annotate")
    assert done.exit_code == 0, done.output
    text = _text(tmp_path / "out" / REPORT)
    assert "nhu cầu đề xuất 4.000,5 triệu đồng (tăng 500,5 triệu đồng so với mức thông báo)" in text
    # The unreadable ceiling is unknown in the report, never 0, and a finding names its cell.
    assert "mức vốn thông báo chưa xác định" in text
    with (tmp_path / "out" / "findings.csv").open(encoding="utf-8-sig") as fh:
        rows = [(r["code"], r["cell"]) for r in csv.DictReader(fh) if r["file"] == "de-xuat.csv"]
    assert ("not_a_number", "D3") in rows


def test_a_sentence_for_every_status() -> None:
    from reconcile.models import STATUSES
    from reconcile.writers.report.words import status_sentence

    row = {"deadline": None, "expected_rate": 0.5, "projection": 10.0}
    sentences = {
        code: status_sentence({**row, "status": code}, 1.0, None, "vi") for code in (*STATUSES, "incomplete")
    }
    assert len(set(sentences.values())) == len(sentences)  # each its own sentence
    assert not any(s.startswith("Tình trạng:") for s in sentences.values())  # none falls back
    assert "chưa đầy đủ" in sentences["incomplete"]
    assert status_sentence({**row, "status": "new_code"}, 1.0, None, "vi") == "Tình trạng: new_code."


def test_unknown_figures_stay_unknown_in_words(tmp_path: Path) -> None:
    """A key whose allocation could not be read (the engine's ``incomplete``): the report says so for
    the key and for every subtotal over it (Result.totals leaves those empty), never a partial sum."""
    import dataclasses

    from reconcile.models import Settings
    from reconcile.pipeline import run_folder
    from reconcile.writers.report import write_report

    result = run_folder(WORKBOOKS, Settings())
    latest = result.latest.copy()
    latest.loc[0, "allocated"] = float("nan")
    latest.loc[0, "status"] = "incomplete"
    result = dataclasses.replace(result, latest=latest)  # the totals are derived again
    write_report(result, result.totals, tmp_path / REPORT)
    text = _text(tmp_path / REPORT)
    assert (
        "Tiểu dự án 1: Giảm nghèo về thông tin: kế hoạch vốn chưa xác định (có ô số liệu không đọc được)"
        in text
    )
    assert "Tổng nguồn vốn sự nghiệp năm 2022 kéo dài thực hiện năm 2023 là chưa xác định" in text
    assert "Tổng nguồn vốn sự nghiệp năm 2023 là 6.616 triệu đồng" in text  # the other year is known
    assert "Số liệu chưa đầy đủ (có ô trong báo cáo không đọc được)" in text


def test_projects_without_sub_projects(tmp_path: Path) -> None:
    """Dự án 2 and 5 have no sub-projects: the project line carries the figures (and, with two
    sources, one line per source; an over-disbursed source says so)."""
    folder = tmp_path / "in"
    folder.mkdir()
    _layout_b(
        folder / "huyen-a-2023-09.xlsx",
        "UBND huyện A",
        "30/9/2023",
        [
            ["UBND huyện A", 2023, 2023, 2, None, "Đa dạng hóa sinh kế", "NSTW", 900, 450, ""],
            ["UBND huyện A", 2023, 2023, 5, None, "Nhà ở", "NSTW", 300, 0, ""],
            ["UBND huyện A", 2023, 2023, 5, None, "Nhà ở", "NSĐP", 100, 120, ""],
        ],
    )
    done = _run("report", str(folder), "--out", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    text = _text(tmp_path / "out" / REPORT)
    _in_order(
        text,
        [
            "- Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo: kế hoạch vốn 900 triệu đồng, đã giải ngân 450 triệu đồng",
            "Tiến độ giải ngân chậm",
            "[Nêu nội dung đã triển khai",
            "- Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo: kế hoạch vốn 400 triệu đồng",
            "+ nguồn NSTW: kế hoạch vốn 300 triệu đồng",
            "+ nguồn NSĐP: kế hoạch vốn 100 triệu đồng, đã giải ngân 120 triệu đồng, đạt 120,0%. Số giải ngân vượt kế hoạch vốn",
        ],
    )
    table = Document(str(tmp_path / "out" / REPORT)).tables[-1]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert [
        "1",
        "Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo",
        "900",
        "900",
        "",
        "450",
        "450",
        "",
        "50,0",
        "Chậm tiến độ",
    ] in rows
    assert ["+", "NSĐP", "100", "", "100", "120", "", "120", "120,0", "Vượt kế hoạch"] in rows
