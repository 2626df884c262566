"""Every output names a tracker's items and other programmes' projects by their own identity (issue 20
item 3, SPEC 12): the review report, the ledger and the Tổng hợp sheet's subtotals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from reconcile.cli import cli

from .test_tracker import TRACKER_CSV, TRACKER_UNIT, _layout_a, _write_csv, mixed_folder

REPORT = "bao-cao-ra-soat.docx"


def _report_texts(path: Path) -> tuple[list[str], list[list[str]]]:
    """The report's paragraphs and the rows of its appendix table (the document's last table)."""
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    table = doc.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    return paragraphs, rows


def test_report_of_a_tracker_names_its_items_and_its_programme(tmp_path: Path) -> None:
    """`reconcile report` on a public-investment tracker: the subject, the opening and the appendix
    name the public investment plan (not GNBV's recurrent funds); each project is its code and name,
    never "Dự án 0", with its own figures only."""
    src = tmp_path / "in"
    src.mkdir()
    _write_csv(src / "tracker.csv", TRACKER_CSV, "utf-8-sig")
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["report", str(src), "--out", str(out), "--as-of", "2026-09-30"])
    assert got.exit_code == 0, got.output
    paragraphs, rows = _report_texts(out / REPORT)
    text = "\n".join(paragraphs)
    assert "Về việc rà soát tình hình giải ngân kế hoạch vốn đầu tư công năm 2026" in paragraphs
    assert "giảm nghèo" not in text.lower() and "sự nghiệp" not in text
    # GNBV's recipient (Sở Lao động - Thương binh và Xã hội) is not the board's: a highlighted blank.
    assert "Kính gửi: [Cơ quan nhận báo cáo]" in paragraphs
    assert "Lao động" not in text
    to = next(p for p in Document(str(out / REPORT)).paragraphs if p.text.startswith("Kính gửi"))
    assert all(run.font.highlight_color is not None for run in to.runs if run.text.strip())
    assert "Dự án 0" not in text
    assert "Tổng nguồn vốn năm 2026 là 2.719 triệu đồng" in text
    # One programme: the items are named by code and name, without the programme's tag.
    lines = [p for p in paragraphs if p.startswith("- ")]
    assert [p.split(":")[0] for p in lines] == [
        "- 8119291 – Đường giao thông xã An Phú",  # 2025 funds carried over
        "- 8119291 – Đường giao thông xã An Phú",
        "- 8120455 – Kè chống sạt lở sông Cầu",
        "- 8201133 – Trường THCS An Bình",
        "- 8201140 – Nhà văn hóa xã Bình Minh",
    ]
    assert lines[1].startswith(
        "- 8119291 – Đường giao thông xã An Phú: kế hoạch vốn 1.000 triệu đồng, đã giải ngân 350 triệu đồng"
    )
    assert lines[3].startswith(
        "- 8201133 – Trường THCS An Bình: kế hoạch vốn 219 triệu đồng, đã giải ngân 460 triệu đồng, đạt 210,0%."
    )
    assert "Số giải ngân vượt kế hoạch vốn được giao" in lines[3]
    # No item lists another's figures under it.
    assert not [p for p in paragraphs if p.startswith("+ ")]
    assert "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG" in paragraphs
    body = [r[:6] for r in rows[1:]]
    assert body == [
        ["", "TỔNG CỘNG", "3.179", "1.629", "51,2", ""],
        ["I", "Nguồn vốn năm 2025 kéo dài thực hiện năm 2026", "460", "219", "47,6", ""],
        ["1", "8119291 – Đường giao thông xã An Phú", "460", "219", "47,6", "Chậm tiến độ"],
        ["II", "Nguồn vốn năm 2026", "2.719", "1.410", "51,9", ""],
        ["1", "8119291 – Đường giao thông xã An Phú", "1.000", "350", "35,0", "Chậm tiến độ"],
        ["2", "8120455 – Kè chống sạt lở sông Cầu", "1.000", "500", "50,0", "Chậm tiến độ"],
        ["3", "8201133 – Trường THCS An Bình", "219", "460", "210,0", "Vượt kế hoạch"],
        ["4", "8201140 – Nhà văn hóa xã Bình Minh", "500", "100", "20,0", "Chậm tiến độ"],
    ]
    # The unit read from the tracker reports.
    assert TRACKER_UNIT == "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG TỈNH AN BÌNH"
    assert (
        "Ban Quản Lý Dự Án Đầu Tư Xây Dựng Tỉnh An Bình báo cáo kết quả rà soát tình hình giải ngân kế "
        "hoạch vốn đầu tư công, số liệu đến ngày 30/09/2026, như sau:" in paragraphs
    )


def test_report_of_several_programmes_keeps_them_apart(tmp_path: Path) -> None:
    """`reconcile run` on a folder of three programmes: each project names its programme, GNBV's and
    DTTS&MN's "Dự án 4" are two projects with their own sub-projects (DTTS's never given GNBV's
    sub-project names), and the subject names no one programme."""
    src = tmp_path / "in"
    mixed_folder(src)
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--as-of", "2026-09-30"])
    assert got.exit_code == 0, got.output
    paragraphs, rows = _report_texts(out / REPORT)
    text = "\n".join(paragraphs)
    assert "Về việc rà soát tình hình giải ngân vốn năm 2026" in paragraphs
    assert "Dự án 0" not in text
    # The unit of the two programmes: its part lists each programme's Dự án 4 with its own figures.
    unit_part = text[text.index("PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n") :]
    assert (
        "- [DTTS] Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu: kế hoạch vốn 900 triệu đồng, "
        "đã giải ngân 300 triệu đồng" in unit_part
    )
    assert (
        "- [GNBV] Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững: kế hoạch vốn 500 triệu "
        "đồng, đã giải ngân 200 triệu đồng" in unit_part
    )
    subs = [p.split(":")[0] for p in unit_part.split("\n") if p.startswith("+ ")]
    assert subs == ["+ Tiểu dự án 1", "+ Tiểu dự án 2", "+ Tiểu dự án 1"]
    assert unit_part.count("Giáo dục nghề nghiệp: kế hoạch vốn") == 1  # GNBV's sub-project only
    # Every tracker item once in the consolidated part and once in its unit's.
    assert text.count("- [DTC] 8201133 – Trường THCS An Bình: kế hoạch vốn 219 triệu đồng") == 2
    # A year whose projects are all of one programme names it.
    assert "2.1. Nguồn vốn năm 2025 kéo dài thực hiện năm 2026 (DTC)" in paragraphs
    contents = [r[1] for r in rows]
    assert "[DTTS] Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu" in contents
    assert "[GNBV] Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững" in contents
    assert "[DTC] 8120455 – Kè chống sạt lở sông Cầu" in contents
    assert "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN" in paragraphs


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        (
            "GIẢI NGÂN CHƯƠNG TRÌNH MTQG VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI NĂM 2026",
            "Về việc rà soát tình hình giải ngân vốn thực hiện Chương trình mục tiêu quốc gia phát triển "
            "kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi năm 2026",
        ),
        (
            "GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2026",
            "Về việc rà soát tình hình giải ngân vốn sự nghiệp thực hiện Chương trình mục tiêu quốc gia "
            "giảm nghèo bền vững năm 2026",
        ),
    ],
)
def test_report_subject_names_the_one_programme(tmp_path: Path, title: str, subject: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _layout_a(src / "r.xlsx", title, [("1", "Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu", 900.0, 300.0)])
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["report", str(src), "--out", str(out)])
    assert got.exit_code == 0, got.output
    paragraphs, _rows = _report_texts(out / REPORT)
    assert subject in paragraphs
    lines = [p for p in paragraphs if p.startswith("- ")]
    assert len(lines) == 1 and lines[0].startswith("- Dự án 4: ")


# ---- the ledger and the Treasury comparison per programme ----------------------------------------


def test_ledger_keeps_two_programmes_of_one_unit_and_year_apart(tmp_path: Path) -> None:
    """One unit's GNBV and DTTS&MN funds of 2026 are two ledger rows, never one sum; ledger.csv ends
    with the programme; the sheet shows it; the consolidated ledger is per programme too."""
    import csv
    import datetime as dt

    import openpyxl

    from reconcile.models import Settings
    from reconcile.pipeline import run_folder

    src = tmp_path / "in"
    mixed_folder(src)
    result = run_folder(src, Settings(as_of=dt.date(2026, 9, 30)))
    assert result.ledger is not None and result.ledger_consolidated is not None
    got = {
        (r["unit"], r["programme"], r["budget_year"], r["execution_year"]): (
            r["allocated"],
            r["disbursed"],
            r["status"],
        )
        for r in result.ledger.to_dict("records")
    }
    labour = "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert got == {
        (TRACKER_UNIT, "DTC", 2025, 2026): (460.0, 219.0, "behind"),
        (TRACKER_UNIT, "DTC", 2026, 2026): (2719.0, 1410.0, "behind"),
        (labour, "DTTS", 2026, 2026): (900.0, 300.0, "behind"),
        (labour, "GNBV", 2026, 2026): (500.0, 200.0, "behind"),
    }
    assert list(got) == sorted(got)  # unit, programme, years
    total = {
        (r["programme"], r["budget_year"]): (r["allocated"], r["disbursed"])
        for r in result.ledger_consolidated.to_dict("records")
    }
    assert total == {
        ("DTC", 2025): (460.0, 219.0),
        ("DTC", 2026): (2719.0, 1410.0),
        ("DTTS", 2026): (900.0, 300.0),
        ("GNBV", 2026): (500.0, 200.0),
    }

    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["run", str(src), "--out", str(out), "--as-of", "2026-09-30", "--no-annotate"]
    )
    assert done.exit_code == 0, done.output
    with open(out / "ledger.csv", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames is not None and reader.fieldnames[-1] == "programme"
        rows = [(r["unit"], r["programme"], r["budget_year"], r["allocated"]) for r in reader]
    assert (labour, "DTTS", "2026", "900") in rows and (labour, "GNBV", "2026", "500") in rows
    ws = openpyxl.load_workbook(out / "reconciliation.xlsx")["Kế hoạch vốn theo năm"]
    header = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Đơn vị")
    col = [ws.cell(header, c).value for c in range(1, ws.max_column + 1)].index("Chương trình") + 1
    alloc = [ws.cell(header, c).value for c in range(1, ws.max_column + 1)].index(
        "Tổng kế hoạch vốn được sử dụng"
    ) + 1
    shown = {
        (ws.cell(r, 1).value, ws.cell(r, col).value, ws.cell(r, alloc).value)
        for r in range(header + 1, ws.max_row + 1)
    }
    assert (labour, "DTTS", 900) in shown and (labour, "GNBV", 500) in shown
    assert ("Tổng hợp toàn tỉnh", "DTTS", 900) in shown


TRIEU = 1_000_000


def _statement(folder: Path, unit: str, rows: list[dict[str, object]]) -> None:
    import datetime as dt

    from reconcile.writers.treasury_template import build_statement

    path = folder / "Kho bac" / f"01-SDKP {len(list(folder.glob('Kho bac/*')))}.xlsx"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(build_statement(unit, dt.date(2026, 10, 15), rows))


def test_treasury_code_of_gnbv_is_never_compared_with_another_programmes_project(tmp_path: Path) -> None:
    """[treasury.codes] name the GNBV catalogue's projects: "0341" = "4.1" is compared with GNBV's
    Dự án 4 / Tiểu dự án 1 only (500 / 200), never summed with DTTS&MN's (800 / 250), and DTTS&MN's
    keys are no treasury_missing."""
    import datetime as dt

    from reconcile.models import Settings
    from reconcile.pipeline import run_folder

    src = tmp_path / "in"
    mixed_folder(src)
    (src / "tracker.csv").unlink()
    (src / "reconcile.toml").write_text('[treasury.codes]\n"0341" = "4.1"\n', encoding="utf-8")
    labour = "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    _statement(src, labour, [{"code": "0341", "allocated": 500 * TRIEU, "used": 200 * TRIEU}])
    result = run_folder(src, Settings(as_of=dt.date(2026, 10, 15)))
    assert [f for f in result.findings if f.code.startswith("treasury")] == []
    assert result.treasury is not None
    (row,) = result.treasury.to_dict("records")
    assert (row["project"], row["sub_project"], row["status"]) == (4, 1, "match")
    assert (row["report_allocated"], row["report_disbursed"]) == (500.0, 200.0)


def test_treasury_statement_listing_project_codes_is_compared_with_the_trackers_items(
    tmp_path: Path,
) -> None:
    """A statement that lists public investment by project code: each code is the tracker's item of
    that code (no [treasury.codes] needed), both budget years of a row together; an item the
    statement lacks is treasury_missing at the tracker's cell."""
    import datetime as dt

    from reconcile.messages import finding_message
    from reconcile.models import Settings
    from reconcile.pipeline import run_folder

    src = tmp_path / "in"
    src.mkdir()
    _write_csv(src / "tracker.csv", TRACKER_CSV, "utf-8-sig")
    rows: list[dict[str, object]] = [
        {"code": "8119291", "brought_forward": 460 * TRIEU, "allocated": 1000 * TRIEU, "used": 569 * TRIEU},
        {"code": "8120455", "allocated": 1000 * TRIEU, "used": 480 * TRIEU},  # the report says 500
        {"code": "8201140", "allocated": 500 * TRIEU, "used": 100 * TRIEU},
    ]
    _statement(src, TRACKER_UNIT, rows)
    result = run_folder(src, Settings(as_of=dt.date(2026, 9, 30)))
    found = sorted((f.code, f.file, f.cell) for f in result.findings if f.code.startswith("treasury"))
    assert [c for c, *_ in found] == ["treasury_combined", "treasury_mismatch", "treasury_missing"], found
    missing = next(f for f in result.findings if f.code == "treasury_missing")
    assert missing.file == "tracker.csv"
    assert "8201133 – Trường THCS An Bình" in finding_message("treasury_missing", missing.params, "vi")
    mismatch = next(f for f in result.findings if f.code == "treasury_mismatch")
    assert (mismatch.params["report"], mismatch.params["treasury"]) == (500.0, 480.0)
    assert "8120455 – Kè chống sạt lở sông Cầu" in finding_message("treasury_mismatch", mismatch.params, "vi")
    assert result.treasury is not None
    from reconcile.models import is_missing

    got = {
        (r["code"], str(r["budget_year"])): tuple(
            None if is_missing(r[k]) else r[k]
            for k in (
                "report_allocated",
                "treasury_allocated",
                "report_disbursed",
                "treasury_disbursed",
                "status",
            )
        )
        for r in result.treasury.to_dict("records")
    }
    assert got == {
        ("8119291", "2025+2026"): (1460.0, 1460.0, 569.0, 569.0, "match"),
        ("8120455", "2026"): (1000.0, 1000.0, 500.0, 480.0, "mismatch"),
        ("8201140", "2026"): (500.0, 500.0, 100.0, 100.0, "match"),
        ("8201133", "2026"): (219.0, None, 460.0, None, "missing_in_treasury"),
    }

    # treasury.csv tells the items apart by their code; the sheet names them by code and name.
    import csv

    import openpyxl

    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["run", str(src), "--out", str(out), "--as-of", "2026-09-30", "--no-annotate"]
    )
    assert done.exit_code == 0, done.output
    with open(out / "treasury.csv", encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert list(lines[0])[-1] == "project_code"
    assert sorted((r["project_code"], r["budget_year"], r["status"]) for r in lines) == [
        ("8119291", "2025+2026", "match"),
        ("8120455", "2026", "mismatch"),
        ("8201133", "2026", "missing_in_treasury"),
        ("8201140", "2026", "match"),
    ]
    ws = openpyxl.load_workbook(out / "reconciliation.xlsx")["Đối chiếu Kho bạc"]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "8120455 – Kè chống sạt lở sông Cầu" in texts
    assert not [t for t in texts if t.startswith("Dự án 0")]


# ---- a tracker's items split by funding source ---------------------------------------------------


def _ntm_by_source(path: Path) -> None:
    """An NTM tracker whose amounts are split "Tổng số | NSTW | NSĐP": two items, two sources each."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Theo dõi"
    ws["A1"] = "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    ws["A2"] = "BÁO CÁO GIẢI NGÂN VỐN CHƯƠNG TRÌNH MTQG XÂY DỰNG NÔNG THÔN MỚI NĂM 2026"
    ws["A3"] = "(Số liệu đến ngày 30/4/2026)"
    ws["I4"] = "Đơn vị tính: triệu đồng"
    for c, text in (("A5", "STT"), ("B5", "Tên dự án"), ("I5", "Tỷ lệ giải ngân (%)")):
        ws[c] = text
        ws.merge_cells(f"{c}:{c[0]}6")
    ws["C5"] = "Kế hoạch vốn giao"
    ws.merge_cells("C5:E5")
    ws["F5"] = "Giải ngân lũy kế"
    ws.merge_cells("F5:H5")
    for first in ("C", "F"):
        for k, text in enumerate(("Tổng số", "NSTW", "NSĐP")):
            ws[f"{chr(ord(first) + k)}6"] = text
    rows = [
        ("", "TỔNG CỘNG", 800, 600, 200, 300, 250, 50),
        ("1", "Đường giao thông liên xã An Phú - Tân Lập", 500, 400, 100, 200, 180, 20),
        ("2", "Cầu Bến Đá", 300, 200, 100, 100, 70, 30),
    ]
    for r, row in enumerate(rows, start=7):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    wb.save(path)


def test_an_items_sources_are_under_its_own_name_not_project_0(tmp_path: Path) -> None:
    """A tracker item split NSTW / NSĐP: the Tổng hợp sheet's subtotal over its two sources, the
    printable sheet's and the report's are the item's programme and name, never "Dự án 0"."""
    import openpyxl

    src = tmp_path / "in"
    src.mkdir()
    _ntm_by_source(src / "ntm.xlsx")
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--no-annotate"])
    assert got.exit_code == 0, got.output
    wb = openpyxl.load_workbook(out / "reconciliation.xlsx")
    ws = wb["Tổng hợp"]
    lines = [row[3:8] for row in ws.iter_rows(min_row=8, max_col=8, values_only=True) if row[3]]
    road = "[NTM] Đường giao thông liên xã An Phú - Tân Lập"
    bridge = "[NTM] Cầu Bến Đá"
    assert [(p, s) for p, _sub, s, *_ in lines] == [
        ("TỔNG CỘNG", ""),
        ("Vốn năm 2026", ""),
        (bridge, ""),  # the subtotal over the item's sources
        (bridge, "NSTW"),
        (bridge, "NSĐP"),
        (road, ""),
        (road, "NSTW"),
        (road, "NSĐP"),
    ]
    assert lines[3][3:] == (200, 70) and lines[4][3:] == (100, 30)
    assert lines[2][3:] == ("=SUM(G11:G12)", "=SUM(H11:H12)")
    printable = [row[:4] for row in wb["Bản in Tổng hợp"].iter_rows(values_only=True)]
    assert ("1", bridge, "", 300) in printable and ("2", road, "", 500) in printable
    texts = {str(c.value) for s in wb.worksheets for row in s.iter_rows() for c in row if c.value}
    assert not [t for t in texts if t.startswith("Dự án 0")]

    paragraphs, rows = _report_texts(out / REPORT)
    assert [p.split(", đạt")[0] for p in paragraphs if p[:2] in ("- ", "+ ")] == [
        "- Cầu Bến Đá: kế hoạch vốn 300 triệu đồng, đã giải ngân 100 triệu đồng",
        "+ nguồn NSTW: kế hoạch vốn 200 triệu đồng, đã giải ngân 70 triệu đồng",
        "+ nguồn NSĐP: kế hoạch vốn 100 triệu đồng, đã giải ngân 30 triệu đồng",
        "- Đường giao thông liên xã An Phú - Tân Lập: kế hoạch vốn 500 triệu đồng, đã giải ngân 200 triệu đồng",
        "+ nguồn NSTW: kế hoạch vốn 400 triệu đồng, đã giải ngân 180 triệu đồng",
        "+ nguồn NSĐP: kế hoạch vốn 100 triệu đồng, đã giải ngân 20 triệu đồng",
    ]
    assert [r[:3] for r in rows[3:]] == [
        ["I", "Nguồn vốn năm 2026", "800"],
        ["1", "Cầu Bến Đá", "300"],
        ["+", "NSTW", "200"],
        ["+", "NSĐP", "100"],
        ["2", "Đường giao thông liên xã An Phú - Tân Lập", "500"],
        ["+", "NSTW", "400"],
        ["+", "NSĐP", "100"],
    ]


def test_the_guide_shows_a_tracker_and_its_summary_sheet() -> None:
    """The guide's section on the sheets the tool reads shows the two pictures scripts/render_docs.py
    makes; every picture the guide names is there, small enough for the guide."""
    import re

    docs = Path(__file__).resolve().parent.parent / "docs"
    guide = (docs / "huong-dan-su-dung.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 15. Công cụ đọc những biểu nào") :]
    shown = re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", section)
    assert shown == ["images/bieu-theo-doi-du-an.png", "images/tong-hop-bieu-theo-doi.png"]
    for name in re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", guide):
        path = docs / name
        assert path.is_file(), name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size < 250_000, name
    for name in shown:
        assert (docs / name).stat().st_size < 200_000, name
