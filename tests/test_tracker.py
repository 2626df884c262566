"""Trackers of any programme (SPEC 12, issue 20): the programme is part of the key, items outside the
GNBV catalogue are the sheet's own rows, CSV files saved by Vietnamese Excel."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from reconcile.models import Settings
from reconcile.pipeline import run_folder


def _layout_a(path: Path, title: str, rows: list[tuple[str, str, float | None, float | None]]) -> None:
    """A Layout A report of SỞ LAO ĐỘNG at 30/9/2026 with the given title and (STT, label, KH, GN) rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "BC"
    ws.append(["UBND HUYỆN AN BÌNH"])
    ws.append(["PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"])
    ws.append([title])
    ws.append(["(Số liệu đến ngày 30/9/2026)", None, None, None, "Đơn vị tính: triệu đồng"])
    ws.append(["STT", "Nội dung", "Kế hoạch vốn được giao", "Giải ngân lũy kế", "Tỷ lệ giải ngân (%)"])
    for stt, label, alloc, disb in rows:
        ws.append([stt, label, alloc, disb])
    wb.save(path)


def _records(out: Path, name: str) -> list[dict[str, str]]:
    with open(out / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_gnbv_and_dtts_reports_of_one_month_never_merge(tmp_path: Path) -> None:
    """(c) One district's GNBV report and its DTTS&MN report for the same month, both with a
    "Dự án 4 / Tiểu dự án 1": both read, two keys, no period_conflict."""
    src = tmp_path / "in"
    src.mkdir()
    _layout_a(
        src / "GNBV T9-2026.xlsx",
        "BIỂU TỔNG HỢP GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2026",
        [
            ("I", "Vốn năm 2026", 500.0, 200.0),
            ("1", "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững", 500.0, 200.0),
            ("-", "Tiểu dự án 1: Giáo dục nghề nghiệp", 500.0, 200.0),
        ],
    )
    _layout_a(
        src / "DTTS T9-2026.xlsx",
        "BIỂU TỔNG HỢP GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG PHÁT TRIỂN KINH TẾ - XÃ HỘI "
        "VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI NĂM 2026",
        [
            ("I", "Vốn năm 2026", 940.0, 310.0),
            ("1", "Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu", 900.0, 300.0),
            ("-", "Tiểu dự án 1: Đầu tư cơ sở hạ tầng thiết yếu vùng đồng bào DTTS&MN", 800.0, 250.0),
            ("-", "Tiểu dự án 2: Đầu tư xây dựng, cải tạo nâng cấp mạng lưới chợ", 100.0, 50.0),
            ("2", "Dự án 10: Truyền thông, tuyên truyền", 40.0, 10.0),
        ],
    )
    result = run_folder(src, Settings())
    codes = [f.code for f in result.findings]
    assert "period_conflict" not in codes
    assert "unknown_item" not in codes, [f.params for f in result.findings]
    assert "total_mismatch" not in codes
    got = {
        (r["programme"], r["project"], r["sub_project"]): (r["allocated"], r["disbursed"], r["project_name"])
        for r in result.latest.to_dict("records")
    }
    assert got == {
        ("GNBV", 4, 1): (500.0, 200.0, "Phát triển giáo dục nghề nghiệp, việc làm bền vững"),
        ("DTTS", 4, 1): (800.0, 250.0, "Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu"),
        ("DTTS", 4, 2): (100.0, 50.0, "Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu"),
        ("DTTS", 10, None): (40.0, 10.0, "Dự án 10: Truyền thông, tuyên truyền"),
    }
    assert {u for u, _p in result.used_files} == {"PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"}
    # Both files were used for the one unit and month.
    assert len({f for f in result.items["file"]}) == 2
    assert result.as_of == dt.date(2026, 9, 30)


def test_identity_columns_are_last_in_both_csvs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reconcile.cli import cli

    src = tmp_path / "in"
    src.mkdir()
    _layout_a(
        src / "DTTS T9-2026.xlsx",
        "GIẢI NGÂN CHƯƠNG TRÌNH MTQG VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI NĂM 2026",
        [("1", "Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu", 900.0, 300.0)],
    )
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--no-annotate"])
    assert got.exit_code == 0, got.output
    for name in ("summary.csv", "line_items.csv"):
        rows = _records(out, name)
        assert list(rows[0])[-3:] == ["programme", "project_code", "project_name"], name
        assert rows[0]["programme"] == "DTTS" and rows[0]["project"] == "4"
        assert rows[0]["project_name"] == "Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu"


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])


# ---- CSV saved by Vietnamese Excel; a year but no day -------------------------------------------

_GNBV_CSV = [
    "UBND HUYỆN AN BÌNH;;;;",
    "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI;;;;",
    "THEO DÕI GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2026;;;;",
    ";;;;Đơn vị tính: triệu đồng",
    "STT;Nội dung;Kế hoạch vốn được giao;Giải ngân lũy kế;Tỷ lệ giải ngân (%)",
    "1;Dự án 6: Truyền thông và giảm nghèo về thông tin;1.571,6;635,5;40,44",
    "-;Tiểu dự án 1: Giảm nghèo về thông tin;1.200;500;41,67",
    "-;Tiểu dự án 2: Truyền thông về giảm nghèo đa chiều;371,6;135,5;36,46",
    ";;;;",
    ";;;;",
]


def _write_csv(path: Path, lines: list[str], encoding: str, decomposed: bool = False) -> None:
    import unicodedata

    text = "\r\n".join(lines) + "\r\n"
    if decomposed:  # Windows-1258 keeps tone marks as combining characters
        text = unicodedata.normalize("NFD", text)
        # cp1258 has precomposed base letters with a horn or breve (ơ, ư, ă, â, ê, ô, đ): recompose
        # those and leave only the five tone marks combining, as Excel writes it.
        tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
        out: list[str] = []
        base, marks = "", ""
        for ch in text + "\0":
            if unicodedata.combining(ch):
                marks += ch
                continue
            if base:
                kept = "".join(m for m in marks if m not in tones)
                out.append(
                    unicodedata.normalize("NFC", base + kept) + "".join(m for m in marks if m in tones)
                )
            base, marks = ch, ""
        text = "".join(out)
    path.write_bytes(text.encode(encoding))


@pytest.mark.parametrize(
    ("encoding", "decomposed"), [("utf-8-sig", False), ("utf-8", False), ("cp1258", True)]
)
def test_csv_saved_by_vietnamese_excel(tmp_path: Path, encoding: str, decomposed: bool) -> None:
    """(d) ";" separator, "," decimals, UTF-8 with or without BOM or Windows-1258 with combining
    tone marks, trailing empty rows and columns; a year but no day: the file's date, with a warning."""
    src = tmp_path / "in"
    src.mkdir()
    path = src / "theo dõi giải ngân.csv"
    _write_csv(path, _GNBV_CSV, encoding, decomposed)
    import os

    stamp = dt.datetime(2026, 3, 14, 10, 0).timestamp()
    os.utime(path, (stamp, stamp))
    result = run_folder(src, Settings())
    codes = sorted(f.code for f in result.findings)
    assert codes == ["period_from_file_date"], [(f.code, f.cell, f.params) for f in result.findings]
    finding = result.findings[0]
    assert finding.params["date"] == dt.date(2026, 3, 14)
    assert finding.params["message_key"] == "finding.period_from_file_date_mtime"
    rows = {(r["project"], r["sub_project"]): r for r in result.latest.to_dict("records")}
    assert set(rows) == {(6, 1), (6, 2)}
    assert (rows[6, 1]["allocated"], rows[6, 1]["disbursed"]) == (1200.0, 500.0)
    assert (rows[6, 2]["allocated"], rows[6, 2]["disbursed"]) == (371.6, 135.5)
    assert {r["unit"] for r in rows.values()} == {"PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"}
    assert {r["programme"] for r in rows.values()} == {"GNBV"}
    assert {str(r["period"]) for r in rows.values()} == {"2026-03-14"}
    assert rows[6, 1]["project_name"] == "Truyền thông và giảm nghèo về thông tin"
    assert list(result.items["label"])[0] == "Tiểu dự án 1: Giảm nghèo về thông tin"

    # --as-of replaces the file's date.
    later = run_folder(src, Settings(as_of=dt.date(2026, 3, 31)))
    assert {str(r["period"]) for r in later.latest.to_dict("records")} == {"2026-03-31"}
    (f,) = [f for f in later.findings if f.code == "period_from_file_date"]
    assert f.params["date"] == dt.date(2026, 3, 31)
    assert f.params["message_key"] == "finding.period_from_file_date_as_of"


def _set_modified(path: Path, stamp: str) -> None:
    """Rewrite the workbook's own modified date (openpyxl writes the time of saving)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), parts["docProps/core.xml"]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_workbook_saved_date_is_used_before_the_file_time(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _layout_a(src / "x.xlsx", "THEO DÕI GIẢI NGÂN CHƯƠNG TRÌNH GIẢM NGHÈO BỀN VỮNG NĂM 2026", [])
    wb = openpyxl.load_workbook(src / "x.xlsx")
    ws = wb.active
    ws["A4"] = None  # no day anywhere
    ws.append(["1", "Dự án 2: Đa dạng hóa sinh kế", 100, 40])
    wb.save(src / "x.xlsx")
    _set_modified(src / "x.xlsx", "2026-05-20T08:00:00Z")
    result = run_folder(src, Settings())
    (f,) = [f for f in result.findings if f.code == "period_from_file_date"]
    assert f.params["message_key"] == "finding.period_from_file_date_workbook"
    assert f.params["date"] == dt.date(2026, 5, 20)
    assert [str(p) for p in result.periods] == ["2026-05-20"]


# ---- (a) a public-investment tracker saved as CSV ------------------------------------------------

TRACKER_UNIT = "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG TỈNH AN BÌNH"
TRACKER_CSV = [
    f"{TRACKER_UNIT};;;;;;;;;;",
    "THEO DÕI GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2026;;;;;;;;;;",
    ";;;;;;;;;Đơn vị tính: triệu đồng;",
    "STT;Tên dự án;Mã dự án;KHV giao;;;Số đã giải ngân;;;KHV còn lại;Tỷ lệ giải ngân (%)",
    ";;;Tổng;2025 kéo dài;2026;Tổng;2025 kéo dài;2026;;",
    "1;3;2;9;;;10;;;11;",
    # The total row above the items; every figure whole triệu as displayed.
    ";TỔNG CỘNG;;3.180;460;2.719;1.629;219;1.410;1.551;51,23",
    # 2.461 over items of 1.460 + 1.000 and over 460 + 2.000: off by rounding only.
    "I;Dự án chuyển tiếp;;2.461;460;2.000;1.069;219;850;1.391;43,44",
    # 38,99% over 569 / 1.460 = 38,97%: within what the rounded amounts allow.
    "1;Đường giao thông xã An Phú;8119291;1.460;460;1.000;569;219;350;891;38,99",
    "2;Kè chống sạt lở sông Cầu;8120455;1.000;;1.000;500;;500;500;50,00",
    "II;Dự án khởi công mới;;719;;719;560;;560;159;77,89",
    # Over-disbursed: KHV còn lại -241 is the excess, not a negative amount.
    "1;Trường THCS An Bình;8201133;219;;219;460;;460;-241;210,21",
    "2;Nhà văn hóa xã Bình Minh;8201140;500;;500;100;;100;400;20,00",
    ";;;;;;;;;;",
    ";;;;;;;;;;",
]


def _tracker_keys(result) -> dict[tuple[str, int, int], tuple[float, float, str, str]]:  # type: ignore[no-untyped-def]
    return {
        (r["project_code"], r["budget_year"], r["execution_year"]): (
            r["allocated"],
            r["disbursed"],
            r["status"],
            r["project_name"],
        )
        for r in result.latest.to_dict("records")
    }


@pytest.mark.parametrize(("encoding", "decomposed"), [("utf-8-sig", False), ("cp1258", True)])
def test_a_public_investment_tracker_csv(tmp_path: Path, encoding: str, decomposed: bool) -> None:
    """(a) A tracker CSV: codes, budget-year column groups, a remaining column, rounding; (d) the
    same saved as Windows-1258 reads to the same keys and names."""
    src = tmp_path / "in"
    src.mkdir()
    _write_csv(src / "THEO DOI GIAI NGAN 2026.csv", TRACKER_CSV, encoding, decomposed)
    result = run_folder(src, Settings(as_of=dt.date(2026, 3, 31)))
    _assert_tracker(result, "DTC")


def test_a_tracker_naming_no_programme_reads_its_own_rows(tmp_path: Path) -> None:
    """The issue's tracker: "THEO DÕI GIẢI NGÂN NĂM 2026" names no programme and none of its rows is
    a GNBV project: its rows are its items, never unknown_item."""
    src = tmp_path / "in"
    src.mkdir()
    lines = list(TRACKER_CSV)
    lines[1] = "THEO DÕI GIẢI NGÂN NĂM 2026;;;;;;;;;;"
    _write_csv(src / "t.csv", lines, "utf-8-sig")
    _assert_tracker(run_folder(src, Settings(as_of=dt.date(2026, 3, 31))), "")


def _assert_tracker(result, programme: str) -> None:  # type: ignore[no-untyped-def]
    found = sorted((f.code, f.cell) for f in result.findings)
    assert found == [("over_disbursed", "I12"), ("period_from_file_date", None)], [
        (f.code, f.cell, f.params) for f in result.findings
    ]
    assert _tracker_keys(result) == {
        ("8119291", 2025, 2026): (460.0, 219.0, "on_track", "Đường giao thông xã An Phú"),
        ("8119291", 2026, 2026): (1000.0, 350.0, "on_track", "Đường giao thông xã An Phú"),
        ("8120455", 2026, 2026): (1000.0, 500.0, "on_track", "Kè chống sạt lở sông Cầu"),
        ("8201133", 2026, 2026): (219.0, 460.0, "over", "Trường THCS An Bình"),
        ("8201140", 2026, 2026): (500.0, 100.0, "behind", "Nhà văn hóa xã Bình Minh"),
    }
    rows = result.latest.to_dict("records")
    assert {r["programme"] for r in rows} == {programme}
    assert {r["unit"] for r in rows} == {TRACKER_UNIT}
    assert {str(r["period"]) for r in rows} == {"2026-03-31"}


def test_a_tracker_with_real_mistakes_is_flagged(tmp_path: Path) -> None:
    """Beyond rounding: a group total off by 10 and a rate off by 5 points are findings."""
    src = tmp_path / "in"
    src.mkdir()
    lines = list(TRACKER_CSV)
    lines[7] = "I;Dự án chuyển tiếp;;2.471;460;2.000;1.069;219;850;1.391;43,44"
    lines[9] = "2;Kè chống sạt lở sông Cầu;8120455;1.000;;1.000;500;;500;600;55,00"
    _write_csv(src / "t.csv", lines, "utf-8")
    result = run_folder(src, Settings(as_of=dt.date(2026, 3, 31)))
    found = {(f.code, f.cell) for f in result.findings}
    # The group's Tổng against its items (D9 + D10) and against its year columns (E8 + F8), and
    # the grand total against the groups.
    assert ("total_mismatch", "D8") in found
    assert ("total_mismatch", "D7") in found
    assert ("rate_mismatch", "K10") in found
    # KHV còn lại 600 where 1.000 - 500 = 500; the -241 of the over-disbursed project is consistent.
    assert ("total_mismatch", "J10") in found
    assert not {c for c, cell in found if cell == "J12"}
    assert "negative_amount" not in {c for c, _ in found}


# ---- (b) the same as .xlsx: merged two-row header, district groups, two months ------------------

NTM_UNIT = "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"


def _ntm_tracker(path: Path, day: str, rows: list[tuple[object, ...]]) -> None:
    """An NTM tracker: STT | Tên dự án | KH (Tổng, 2025 kéo dài, 2026) | GN (same) | Còn lại | Tỷ lệ."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Theo dõi"
    ws["A1"] = NTM_UNIT
    ws["A2"] = "BÁO CÁO GIẢI NGÂN VỐN CHƯƠNG TRÌNH MTQG XÂY DỰNG NÔNG THÔN MỚI NĂM 2026"
    ws["A3"] = f"(Số liệu đến ngày {day})"
    ws["I4"] = "Đơn vị tính: triệu đồng"
    for c, text in (("A5", "STT"), ("B5", "Tên dự án"), ("I5", "Còn lại"), ("J5", "Tỷ lệ giải ngân (%)")):
        ws[c] = text
        ws.merge_cells(f"{c}:{c[0]}6")
    ws["C5"] = "Kế hoạch vốn giao"
    ws.merge_cells("C5:E5")
    ws["F5"] = "Giải ngân lũy kế"
    ws.merge_cells("F5:H5")
    for first in ("C", "F"):
        col = ord(first)
        for k, text in enumerate(("Tổng", "Vốn năm 2025 kéo dài sang năm 2026", "Vốn năm 2026")):
            ws[f"{chr(col + k)}6"] = text
    for r, row in enumerate(rows, start=7):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
    wb.save(path)


def _ntm_rows(group_total: int, d_a: tuple[int, int], d_b: int, d_c: int, d_d: tuple[int, int]) -> list:
    """The rows of one month: the total, two districts each numbering its projects from 1."""
    a = (100, 300)  # Đường A: 2025 carried over, 2026
    b, c, d = (0, 200), (0, 500), (50, 150)

    def row(stt: str, name: str, alloc: tuple[int, int], disb: tuple[int, int], total: int | None = None):  # type: ignore[no-untyped-def]
        t = sum(alloc) if total is None else total
        return (stt, name, t, alloc[0] or None, alloc[1], sum(disb), disb[0] or None, disb[1], t - sum(disb))

    g1 = (a[0] + b[0], a[1] + b[1]), (d_a[0], d_a[1] + d_b)
    g2 = (c[0] + d[0], c[1] + d[1]), (d_d[0], d_c + d_d[1])
    tot = (g1[0][0] + g2[0][0], g1[0][1] + g2[0][1]), (g1[1][0] + g2[1][0], g1[1][1] + g2[1][1])
    return [
        row("", "TỔNG CỘNG", *tot),
        row("I", "Huyện An Phú", *g1, total=group_total),
        row("1", "Đường giao thông liên xã An Phú - Tân Lập", a, d_a),
        row("2", "Cầu Bến Đá", b, (0, d_b)),
        row("II", "Huyện Bình Sơn", *g2),
        row("1", "Trường mầm non Bình Sơn", c, (0, d_c)),
        row("2", "Chợ trung tâm xã Bình Minh", d, d_d),
    ]


def test_b_tracker_xlsx_with_district_groups_and_two_months(tmp_path: Path) -> None:
    """(b) Merged two-row header, district groups numbering from 1 each, two months, a wrong
    hand-typed group total, a project over-disbursed in its carried-over funds."""
    src = tmp_path / "in"
    src.mkdir()
    # March: An Phú's total typed as 650 where its projects add up to 600.
    _ntm_tracker(src / "T3.xlsx", "31/3/2026", _ntm_rows(650, (120, 50), 40, 100, (50, 30)))
    _ntm_tracker(src / "T4.xlsx", "30/4/2026", _ntm_rows(600, (120, 120), 80, 200, (50, 60)))
    result = run_folder(src, Settings())
    found = sorted((f.code, f.file, f.cell) for f in result.findings)
    assert found == [
        ("over_disbursed", "T3.xlsx", "G9"),
        ("over_disbursed", "T4.xlsx", "G9"),
        ("total_mismatch", "T3.xlsx", "C7"),  # the grand total against the districts as typed
        ("total_mismatch", "T3.xlsx", "C8"),  # An Phú: 650 against 400 + 200 (and 100 + 500)
    ], [(f.code, f.file, f.cell, f.params) for f in result.findings]
    assert [str(p) for p in result.periods] == ["2026-03-31", "2026-04-30"]
    got = {
        (r["project_name"], r["budget_year"], str(r["period"])): (r["allocated"], r["disbursed"], r["status"])
        for r in result.summary.to_dict("records")
    }
    road = "Đường giao thông liên xã An Phú - Tân Lập"
    assert got == {
        (road, 2025, "2026-03-31"): (100.0, 120.0, "over"),
        (road, 2025, "2026-04-30"): (100.0, 120.0, "over"),
        (road, 2026, "2026-03-31"): (300.0, 50.0, "behind"),
        (road, 2026, "2026-04-30"): (300.0, 120.0, "on_track"),
        ("Cầu Bến Đá", 2026, "2026-03-31"): (200.0, 40.0, "behind"),
        ("Cầu Bến Đá", 2026, "2026-04-30"): (200.0, 80.0, "on_track"),
        ("Trường mầm non Bình Sơn", 2026, "2026-03-31"): (500.0, 100.0, "behind"),
        ("Trường mầm non Bình Sơn", 2026, "2026-04-30"): (500.0, 200.0, "on_track"),
        ("Chợ trung tâm xã Bình Minh", 2025, "2026-03-31"): (50.0, 50.0, "met"),
        ("Chợ trung tâm xã Bình Minh", 2025, "2026-04-30"): (50.0, 50.0, "met"),
        ("Chợ trung tâm xã Bình Minh", 2026, "2026-03-31"): (150.0, 30.0, "behind"),
        ("Chợ trung tâm xã Bình Minh", 2026, "2026-04-30"): (150.0, 60.0, "on_track"),
    }
    rows = result.summary.to_dict("records")
    assert {r["programme"] for r in rows} == {"NTM"}
    assert {r["unit"] for r in rows} == {NTM_UNIT}
    assert {r["project_code"] for r in rows} == {""}
    # Both districts' project 1 are two keys, each followed across the two months.
    assert len({(r["project_name"], r["budget_year"]) for r in rows}) == 6


def mixed_folder(src: Path) -> None:
    """A unit's GNBV and DTTS&MN reports (both with a "Dự án 4") and a public-investment tracker."""
    src.mkdir()
    _layout_a(
        src / "GNBV.xlsx",
        "GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2026",
        [
            ("1", "Dự án 4: Phát triển giáo dục nghề nghiệp", 500.0, 200.0),
            ("-", "Tiểu dự án 1: Giáo dục nghề nghiệp", 500.0, 200.0),
        ],
    )
    _layout_a(
        src / "DTTS.xlsx",
        "GIẢI NGÂN CHƯƠNG TRÌNH MTQG VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI NĂM 2026",
        [
            ("1", "Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu", 900.0, 300.0),
            ("-", "Tiểu dự án 1: Hạ tầng thiết yếu", 800.0, 250.0),
            ("-", "Tiểu dự án 2: Chợ", 100.0, 50.0),
        ],
    )
    _write_csv(src / "tracker.csv", TRACKER_CSV, "utf-8-sig")


def test_workbook_shows_each_programme_and_identity(tmp_path: Path) -> None:
    """The Tổng hợp sheet keeps GNBV's and DTTS's "Dự án 4" apart and names tracker items by their
    programme, code and name; the Dữ liệu sheet carries the identity columns."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    src = tmp_path / "in"
    mixed_folder(src)
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--as-of", "2026-09-30"])
    assert got.exit_code == 0, got.output
    wb = openpyxl.load_workbook(out / "reconciliation.xlsx")
    texts = [str(c.value) for row in wb["Tổng hợp"].iter_rows() for c in row if isinstance(c.value, str)]
    # Several programmes: the title names none of them.
    assert wb["Tổng hợp"]["A1"].value == "BẢNG ĐỐI CHIẾU TÌNH HÌNH GIẢI NGÂN VỐN"
    assert "[DTC] 8119291 – Đường giao thông xã An Phú" in texts
    assert "[DTTS] Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu" in texts
    # GNBV's project 4 keeps its catalogue name and is never the DTTS subtotal's.
    gnbv = [t for t in texts if "Phát triển giáo dục nghề nghiệp, việc làm bền vững" in t]
    assert gnbv, texts
    progress = [
        str(c.value) for row in wb["Tiến độ theo tháng"].iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert "[DTC] 8201133 – Trường THCS An Bình" in progress
    assert "[DTTS] Dự án 4: Đầu tư cơ sở hạ tầng thiết yếu" in progress
    data = wb["Dữ liệu"]
    header = [c.value for c in data[3]]
    assert header[-3:] == ["Chương trình", "Mã dự án", "Tên dự án"]
    codes = {row[-2] for row in data.iter_rows(min_row=4, values_only=True)}
    assert {"8119291", "8120455", "8201133", "8201140"} <= codes


def test_annotated_copy_names_the_tracker_item(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reconcile.cli import cli

    src = tmp_path / "in"
    src.mkdir()
    _ntm_tracker(src / "T4.xlsx", "30/4/2026", _ntm_rows(600, (120, 120), 80, 200, (50, 60)))
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out)])
    assert got.exit_code == 0, got.output
    ws = openpyxl.load_workbook(out / "annotated" / "T4.xlsx")["Theo dõi"]
    note = ws["H12"].comment.text  # Trường mầm non Bình Sơn's 2026 disbursement
    assert note.startswith("Dự án: [NTM] Trường mầm non Bình Sơn\n"), note
    assert "200" in note and "500" in note


def test_reconcile_toml_names_a_programme(tmp_path: Path) -> None:
    """``[programmes]`` gives a programme the tool does not ship (title words -> name); a bad value
    is an error naming the key."""
    from click.testing import CliRunner

    from reconcile.cli import cli

    src = tmp_path / "in"
    src.mkdir()
    _layout_a(
        src / "LN.xlsx",
        "GIẢI NGÂN CHƯƠNG TRÌNH PHÁT TRIỂN LÂM NGHIỆP BỀN VỮNG NĂM 2026",
        [("1", "Dự án 1: Bảo vệ và phát triển rừng", 300.0, 120.0)],
    )
    (src / "reconcile.toml").write_text('[programmes]\n"Lâm nghiệp bền vững" = "LNBV"\n', encoding="utf-8")
    out = tmp_path / "out"
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--no-annotate"])
    assert got.exit_code == 0, got.output
    (row,) = _records(out, "summary.csv")
    assert (row["programme"], row["project"], row["allocated"], row["disbursed"]) == (
        "LNBV",
        "1",
        "300",
        "120",
    )
    assert row["project_name"] == "Dự án 1: Bảo vệ và phát triển rừng"  # never GNBV's "Dự án 1"

    # [catalogue.LNBV] turns its numbers into names.
    (src / "reconcile.toml").write_text(
        '[programmes]\n"Lâm nghiệp bền vững" = "LNBV"\n[catalogue.LNBV]\n"1" = "Bảo vệ rừng"\n',
        encoding="utf-8",
    )
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--no-annotate"])
    assert got.exit_code == 0, got.output
    (row,) = _records(out, "summary.csv")
    assert (row["programme"], row["project_name"]) == ("LNBV", "Bảo vệ rừng")

    (src / "reconcile.toml").write_text('[catalogue.LNBV]\n"x" = "Bảo vệ rừng"\n', encoding="utf-8")
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--no-annotate"])
    assert got.exit_code == 2 and "reconcile.toml" in got.output and '"x"' in got.output, got.output

    (src / "reconcile.toml").write_text('[programmes]\n"Lâm nghiệp" = 5\n', encoding="utf-8")
    got = CliRunner().invoke(cli, ["run", str(src), "--out", str(out), "--no-annotate"])
    assert got.exit_code == 2
    assert "reconcile.toml" in got.output and "Lâm nghiệp" in got.output


def test_tidy_sheet_of_another_programme_numbers_its_own_projects(tmp_path: Path) -> None:
    """Layout B of the DTTS&MN programme: Dự án 10 is its own project (no unknown_item), named by
    its Nội dung, and never GNBV's."""
    src = tmp_path / "in"
    src.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Đơn vị: Xã An Bình"])
    ws.append(["TỔNG HỢP GIẢI NGÂN CHƯƠNG TRÌNH MTQG VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI"])
    ws.append(["Số liệu đến ngày: 30/9/2026"])
    ws.append(
        ["Năm ngân sách", "Dự án", "Tiểu dự án", "Nội dung", "Nguồn vốn", "Kế hoạch vốn", "Giải ngân lũy kế"]
    )
    ws.append([2026, 10, None, "Truyền thông, tuyên truyền", "NSTW", 40, 10])
    ws.append([2026, 4, 1, "Hạ tầng thiết yếu", "NSTW", 800, 250])
    wb.save(src / "dtts.xlsx")
    result = run_folder(src, Settings())
    assert not [f for f in result.findings if f.code == "unknown_item"]
    got = {
        (r["programme"], r["project"], r["sub_project"]): (r["allocated"], r["disbursed"], r["project_name"])
        for r in result.latest.to_dict("records")
    }
    assert got == {
        ("DTTS", 10, None): (40.0, 10.0, "Truyền thông, tuyên truyền"),
        ("DTTS", 4, 1): (800.0, 250.0, "Hạ tầng thiết yếu"),
    }


def test_tracker_parts_are_checked_not_counted(tmp_path: Path) -> None:
    """ "a)", "b)" and "-" rows under a tracker's item are its parts: checked against it, not items."""
    src = tmp_path / "in"
    src.mkdir()
    lines = (
        list(TRACKER_CSV[:8])
        + [
            "1;Đường giao thông xã An Phú;8119291;1.460;460;1.000;569;219;350;891;38,99",
            "a);Xây lắp;;1.300;400;900;500;200;300;800;38,46",
            "b);Thiết bị;;170;70;100;69;19;50;101;40,59",  # 1.300 + 170 = 1.470, not 1.460; 400 + 70 not 460
            "2;Kè chống sạt lở sông Cầu;8120455;1.000;;1.000;500;;500;500;50,00",
            "-;Kè đoạn 1;;1.000;;1.000;500;;500;500;50,00",
            *TRACKER_CSV[10:],
        ]
    )
    _write_csv(src / "t.csv", lines, "utf-8")
    result = run_folder(src, Settings(as_of=dt.date(2026, 3, 31)))
    mismatches = sorted(f.cell for f in result.findings if f.code == "total_mismatch")
    assert mismatches == ["D9", "E9"], [(f.cell, f.params) for f in result.findings]
    assert sorted(_tracker_keys(result)) == [
        ("8119291", 2025, 2026),
        ("8119291", 2026, 2026),
        ("8120455", 2026, 2026),
        ("8201133", 2026, 2026),
        ("8201140", 2026, 2026),
    ]
    assert "Xây lắp" not in set(result.items["label"])
