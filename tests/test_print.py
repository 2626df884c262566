"""The summary on paper (issue 14 item 9): the "Bản in Tổng hợp" sheet prints on A4 landscape with
text at 9 pt or more, the unit, the period, a date line and the signature block under the table.

The set-up is read back with openpyxl (print area, orientation, paper, scale, repeated rows, header
and footer, signature cells, figures); then LibreOffice prints the workbook to PDF and the page is
read with pdftotext: its words, and their heights against a 9 pt calibration line printed in the
same soffice call (so the check does not depend on which font stands in for Calibri).
"""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter

from reconcile.messages import msg
from reconcile.models import Settings
from reconcile.pipeline import run_folder
from reconcile.writers.workbook import write_workbook
from reconcile.writers.workbook.printable import (
    MIN_PRINTED_PT,
    PRINTABLE_WIDTH_PT,
    WIDEST_PT_PER_CHAR,
)
from tests import lo
from tests.conftest import ROOT
from tests.test_writer_workbook import UNIT_A, UNIT_B, WITH_INCOMPLETE, make_result

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")

SHIPPED = ROOT / "workbooks"
SIGNATURES = ("wb.print.prepared_by", "wb.print.chief_accountant", "wb.print.head")


@pytest.fixture(scope="module")
def shipped_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """reconciliation.xlsx of the sample reports in workbooks/ (Sở TT&TT Lạng Sơn, 01-09/2023)."""
    out = tmp_path_factory.mktemp("print") / "reconciliation.xlsx"
    write_workbook(run_folder(SHIPPED, Settings()), out, "vi")
    return out


def _print_sheet(path: Path, lang: str = "vi") -> openpyxl.worksheet.worksheet.Worksheet:
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[1] == msg("wb.sheet.print", lang)  # right after Tổng hợp
    return book[msg("wb.sheet.print", lang)]


def _find(ws: openpyxl.worksheet.worksheet.Worksheet, text: str) -> tuple[int, int]:
    hits = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value == text]
    assert len(hits) == 1, f"{text!r} found at {hits}"
    return hits[0]


def _area_rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> int:
    m = re.fullmatch(r"'?[^!]+'?!\$A\$1:\$J\$(\d+)", ws.print_area)
    assert m, ws.print_area
    return int(m.group(1))


def _width(ws: openpyxl.worksheet.worksheet.Worksheet, col: int) -> float:
    """The stored width of column ``col`` (xlsxwriter writes equal neighbours as one range)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= col <= dim.max:
            return float(dim.width)
    raise AssertionError(f"column {get_column_letter(col)} has no width set")


# ---- the set-up, read back -------------------------------------------------------------------


def test_print_setup_keeps_text_at_9_pt_on_one_a4_landscape_width(shipped_book: Path) -> None:
    ws = _print_sheet(shipped_book)
    last = _area_rows(ws)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    scale = int(ws.page_setup.scale)
    header_row, _ = _find(ws, msg("wb.print.col.no"))
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    # Every cell on paper prints at >= 9 pt at this scale.
    sizes = {
        float(c.font.sz)
        for row in ws.iter_rows(min_row=1, max_row=last, max_col=10)
        for c in row
        if c.value not in (None, "")
    }
    assert min(sizes) * scale / 100 >= MIN_PRINTED_PT, (sizes, scale)
    # The ten columns fit one page across where they print widest (LibreOffice, DejaVu Sans) and
    # in Excel (pixels: 7 per character + 5).
    widths = [_width(ws, c) for c in range(1, 11)]
    printable = PRINTABLE_WIDTH_PT
    assert math.isclose(ws.page_margins.left + ws.page_margins.right, (841.89 - printable) / 72, abs_tol=1e-6)
    assert sum(widths) * WIDEST_PT_PER_CHAR * scale / 100 <= printable, (widths, scale)
    assert sum(round(w * 7) for w in widths) * 0.75 * scale / 100 <= printable  # stored width = px / 7
    assert ws.max_column <= 10 or all(
        ws.cell(r, c).value is None for r in range(1, last + 1) for c in range(11, ws.max_column + 1)
    )
    # Header and footer: the unit on the left, the period on the right, the page number.
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in ws.oddHeader.left.text
    assert "01/2023" in ws.oddHeader.right.text and "30/09/2023" in ws.oddHeader.right.text
    assert ws.oddFooter.center.text == msg("wb.page")
    assert int(ws.oddHeader.left.size) * scale / 100 >= MIN_PRINTED_PT


def test_the_page_carries_unit_period_figures_and_signatures(shipped_book: Path) -> None:
    ws = _print_sheet(shipped_book)
    last = _area_rows(ws)
    assert ws["A1"].value == "Đơn vị: SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    assert ws["A2"].value == msg("wb.title")
    assert ws["A3"].value == "Kỳ báo cáo: từ tháng 01/2023 đến tháng 09/2023 (số liệu đến ngày 30/09/2023)"
    assert ws["H4"].value == msg("wb.money_unit")  # merged H4:J4, right-aligned
    header_row, _ = _find(ws, msg("wb.print.col.no"))
    heads = [ws.cell(header_row, c).value for c in range(1, 11)]
    assert heads == [
        "STT", "Nội dung", "Nguồn vốn", "Kế hoạch vốn", "Đã giải ngân", "Tỷ lệ", "Còn thiếu",
        "Trạng thái", "Hạn giải ngân", "Cần giải ngân mỗi tháng",
    ]  # fmt: skip
    rows = {
        ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(1, 11)]
        for r in range(header_row + 1, last + 1)
        if ws.cell(r, 2).value
    }
    total = rows[msg("wb.total")]
    assert total[3:7] == pytest.approx([8187.6, 1453.6, 1453.6 / 8187.6, 6734.0])
    assert total[9] == pytest.approx(2226.4, abs=0.05)
    carried = rows[msg("wb.year_funds_carried", budget=2022, execution=2023)]
    assert carried[0] == "I" and carried[3:7] == pytest.approx([1571.6, 1067.1, 1067.1 / 1571.6, 504.5])
    assert rows[msg("wb.year_funds", year=2023)][0] == "II"
    key = "Dự án 6: Truyền thông và giảm nghèo về thông tin – Tiểu dự án 1: Giảm nghèo về thông tin"
    numbered = [(r[0], r[2], r[7]) for name, r in rows.items() if name == key]
    assert numbered == [("1", "NSTW", "Chậm tiến độ")]
    # The signature block: a date line, then the three titles and their hints under the table,
    # inside the print area (so on the last page).
    sig_row, first_col = _find(ws, msg("wb.print.prepared_by"))
    assert first_col == 1 and sig_row > max(_find(ws, msg("wb.total"))[0], header_row)
    assert [_find(ws, msg(k))[0] for k in SIGNATURES] == [sig_row] * 3
    assert _find(ws, msg("wb.print.head"))[1] > _find(ws, msg("wb.print.chief_accountant"))[1] > first_col
    assert ws.cell(sig_row + 1, 1).value == "(Ký, họ tên)"
    assert _find(ws, "(Ký, họ tên, đóng dấu)")[0] == sig_row + 1
    date_row, date_col = _find(ws, msg("wb.print.date_line"))
    assert date_row == sig_row - 1 and date_col == _find(ws, msg("wb.print.head"))[1]
    assert "ngày" in msg("wb.print.date_line") and "tháng" in msg("wb.print.date_line")
    assert sig_row + 1 < last  # room to sign, still on paper
    assert all(ws.cell(r, 2).value is None for r in range(sig_row + 2, last + 1))


def test_units_are_lettered_and_an_unknown_figure_prints_empty(tmp_path: Path) -> None:
    """Two units (A, B), the consolidated block, and an ``incomplete`` key: its disbursement and
    everything computed from it print empty, and so do the totals over it, never a partial sum."""
    path = tmp_path / "reconciliation.xlsx"
    write_workbook(make_result(tmp_path, keys=WITH_INCOMPLETE), path, "en")
    ws = _print_sheet(path, "en")
    col_b = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    assert ws.cell(col_b[UNIT_A], 1).value == "A" and ws.cell(col_b[UNIT_B], 1).value == "B"
    cons = _find(ws, msg("wb.all_units", "en"))
    assert cons[1] == 1 and cons[0] > col_b[UNIT_B]  # the consolidated block follows
    heads = [r for r, v in ((r, ws.cell(r, 1).value) for r in range(1, ws.max_row + 1)) if v == "No."]
    assert len(heads) == 2
    incomplete = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 8).value == "Incomplete"]
    assert incomplete
    for r in incomplete:
        assert ws.cell(r, 4).value == 900.0  # the allocation was read
        assert [ws.cell(r, c).value for c in (5, 6, 7, 10)] == [None] * 4
    total = min(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == msg("wb.total", "en"))
    assert ws.cell(total, 4).value is not None and ws.cell(total, 5).value is None
    assert [ws.cell(_find(ws, msg(k, "en"))[0], 1).value for k in SIGNATURES[:1]] == ["PREPARED BY"]
    assert _find(ws, "(Signature, full name, seal)")


#: A unit whose figures run to hundreds of billions of đồng (9 digits of triệu đồng).
BIG_KEYS = [
    (UNIT_A, 2023, 2023, 6, 1, "NSTW", 98_765_432.125, (1_000_000.0, 2_000_000.0, 3_000_000.5), "behind"),
    (UNIT_A, 2023, 2023, 7, 2, "NSTW", 1_234_567.0, (100_000.0, 200_000.0, 300_000.0), "behind"),
]


@pytest.fixture(scope="module")
def big_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    out = root / "big.xlsx"
    write_workbook(make_result(root, keys=BIG_KEYS), out, "vi")
    return out


def test_large_figures_widen_their_columns_at_the_cost_of_the_item_column(big_book: Path) -> None:
    ws = _print_sheet(big_book)
    widths = [_width(ws, c) for c in range(1, 11)]
    scale = int(ws.page_setup.scale)
    assert widths[3] >= 12 and widths[6] >= 12 and widths[9] >= 12  # 98.765.432,125 and its like
    assert widths[1] < 30  # Nội dung gave the room
    assert sum(widths) * WIDEST_PT_PER_CHAR * scale / 100 <= PRINTABLE_WIDTH_PT
    assert 10 * scale / 100 >= MIN_PRINTED_PT


# ---- LibreOffice: the printed page -------------------------------------------------------------


def _calibration_book(path: Path) -> None:
    """One line of text at exactly MIN_PRINTED_PT, printed at 100%: the height a 9 pt word has."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calibration")
    ws.write_string(
        0, 0, "Calibration Đơn vị 8.187,6 (Ký, họ tên)", wb.add_format({"font_size": MIN_PRINTED_PT})
    )
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_print_scale(100)
    wb.close()


def _word_heights(pdf: Path, page: int) -> list[tuple[str, float]]:
    done = subprocess.run(
        [
            lo.poppler_path("pdftotext") or "pdftotext",
            "-bbox",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            "-",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', done.stdout)
    return [(w, float(b) - float(a)) for a, b, w in words]


@pytest.mark.libreoffice
@pytest.mark.skipif(not lo.available(), reason="LibreOffice (soffice) or poppler-utils is not installed")
def test_libreoffice_prints_the_page_legibly(shipped_book: Path, big_book: Path, tmp_path: Path) -> None:
    calibration = tmp_path / "calibration.xlsx"
    _calibration_book(calibration)
    office = lo.Office(tmp_path / "profile", locale="vi-VN")
    pdf, big_pdf, cal_pdf = office.pdf([shipped_book, big_book, calibration], tmp_path / "pdf")
    nine_pt = min(h for _, h in _word_heights(cal_pdf, 1))

    texts = lo.pdf_page_texts(pdf)
    sizes = lo.pdf_page_sizes(pdf)
    pages = [i for i, t in enumerate(texts) if msg("wb.print.col.item") in t and "STT" in t]
    assert len(pages) == 1, f"the printed summary should take one page, got {pages}"
    i = pages[0]
    page = texts[i]
    assert sizes[i].is_a4 and sizes[i].landscape
    flat = re.sub(r"\s+", " ", page)
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in flat
    assert "Kỳ báo cáo: từ tháng 01/2023 đến tháng 09/2023" in flat and "30/09/2023" in flat
    for key in (*SIGNATURES, "wb.print.date_line", "wb.print.sign", "wb.print.sign_seal", "wb.money_unit"):
        assert msg(key) in flat, key
    # One page wide: the grand total line holds every figure through the monthly amount.
    total = next(line for line in page.splitlines() if msg("wb.total") in line)
    assert re.search(r"8\.187,6\s+1\.453,6\s+17,8\s?%\s+6\.734,0\s+2\.226,4", total), total
    assert "Cần giải" in page and "Trạng thái" in page and "31/12/2023" in page
    # The smallest word on the page is no smaller than a 9 pt word (header and footer included).
    heights = _word_heights(pdf, i + 1)
    smallest = min(heights, key=lambda wh: wh[1])
    assert smallest[1] >= nine_pt - 0.01, f"{smallest} is smaller than 9 pt ({nine_pt:.2f})"

    # Figures of nine digits print whole (a column too narrow prints "###"), one page wide.
    big = [t for t in lo.pdf_page_texts(big_pdf) if msg("wb.print.col.item") in t and "STT" in t]
    assert big
    for text in big:
        assert "###" not in text
        assert "Cần giải" in text  # the last column is on the same page
    assert "98.765.432,125" in big[0]
