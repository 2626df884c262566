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
