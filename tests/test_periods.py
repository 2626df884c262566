"""The period parser: a report's cut-off date from header lines, file names and --as-of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from reconcile.read.periods import (
    is_period_statement,
    month_end,
    parse_user_date,
    period_from_filename,
    period_from_text,
)

D = dt.date


# ---- month_end -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2023, 9, D(2023, 9, 30)),
        (2023, 2, D(2023, 2, 28)),
        (2024, 2, D(2024, 2, 29)),
        (2023, 12, D(2023, 12, 31)),
    ],
)
def test_month_end(year: int, month: int, expected: dt.date) -> None:
    assert month_end(year, month) == expected


def test_month_end_rejects_month_13() -> None:
    with pytest.raises(ValueError):
        month_end(2023, 13)


# ---- header lines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(Số liệu đến ngày 30/9/2023)", D(2023, 9, 30)),
        ("Số liệu đến ngày: 31/10/2023", D(2023, 10, 31)),
        ("(So lieu den ngay 30/09/2023)", D(2023, 9, 30)),
        ("đến ngày 30 tháng 9 năm 2023", D(2023, 9, 30)),
        ("Số liệu tính đến hết ngày 15/9/2023", D(2023, 9, 15)),
        ("Tháng 9/2023", D(2023, 9, 30)),
        ("tháng 9 năm 2023", D(2023, 9, 30)),
        ("THÁNG 09 NĂM 2023", D(2023, 9, 30)),
        ("Tháng 2/2024", D(2024, 2, 29)),
        ("Tháng 8-2023", D(2023, 8, 31)),
        ("Báo cáo tháng 9 năm 2023", D(2023, 9, 30)),
        ("Kỳ báo cáo: tháng 9/2023", D(2023, 9, 30)),
        ("Quý III/2023", D(2023, 9, 30)),
        ("Quý 3 năm 2023", D(2023, 9, 30)),
        ("QUÝ IV NĂM 2023", D(2023, 12, 31)),
        ("Quý I/2024", D(2024, 3, 31)),
        ("Quy II - 2023", D(2023, 6, 30)),
        ("6 tháng đầu năm 2023", D(2023, 6, 30)),
        ("Sáu tháng đầu năm 2023", D(2023, 6, 30)),
        ("9 tháng năm 2023", D(2023, 9, 30)),
        ("6 tháng cuối năm 2023", D(2023, 12, 31)),
        ("Giải ngân lũy kế đến 30/9/2023", D(2023, 9, 30)),
        ("Lũy kế giải ngân đến tháng 9/2023", D(2023, 9, 30)),
        ("Lũy kế đến 9/2023", D(2023, 9, 30)),
        ("30/9/2023", D(2023, 9, 30)),
        ("30-9-2023", D(2023, 9, 30)),
        ("30.9.2023", D(2023, 9, 30)),
        ("30/09/2023", D(2023, 9, 30)),
        ("2023-09-30", D(2023, 9, 30)),
        ("Số liệu đến ngày 30–9–2023", D(2023, 9, 30)),  # en dashes typed by Word
        ("BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN\n(Số liệu đến ngày 30/9/2023)", D(2023, 9, 30)),
        ("Giải ngân\nlũy kế đến\n31/7/2023", D(2023, 7, 31)),
        ("từ ngày 01/01/2023 đến ngày 30/9/2023", D(2023, 9, 30)),
        ("Giải ngân tháng 8/2023 và lũy kế đến tháng 9/2023", D(2023, 9, 30)),
        (
            "Báo cáo tháng 9 năm 2023 (theo Công văn số 1744/SLĐTBXH ngày 28/8/2023)",
            D(2023, 9, 30),
        ),
        ("Công văn số 1744/SLĐTBXH ngày 28/8/2023, số liệu đến ngày 30/9/2023", D(2023, 9, 30)),
    ],
)
def test_period_statements(text: str, expected: dt.date) -> None:
    assert period_from_text(text) == expected
    assert is_period_statement(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "Năm 2023",
        "Kế hoạch vốn năm 2023",
        "Vốn năm 2022 kéo dài sang năm 2023",
        "31/2/2023",
        "Số liệu đến ngày 31/2/2023",
        "ngày 31 tháng 2 năm 2023",
        "Tháng 13/2023",
        "Quý V/2023",
        "Tháng 9",
        "Công văn số 1744/SLĐTBXH ngày 28/8/2023",
        "Quyết định 90/QĐ-TTg ngày 18/01/2022",
        "Nghị định 27/2022/NĐ-CP",
        "Thông tư 11/2023/TT-BTC",
        "Theo Kế hoạch số 12/KH-UBND ngày 05/01/2023",
        "BÁO CÁO TIẾN ĐỘ GIẢI NGÂN VỐN SỰ NGHIỆP",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        "7=4/1",
    ],
)
def test_no_period(text: str) -> None:
    assert period_from_text(text) is None
    assert is_period_statement(text) is False


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Lạng Sơn, ngày 5 tháng 10 năm 2023", D(2023, 10, 5)),
        ("Hà Nội, ngày 05/10/2023", D(2023, 10, 5)),
        ("Ngày 5 tháng 10 năm 2023", D(2023, 10, 5)),
        ("Kế hoạch vốn được giao ngày 15/3/2023", D(2023, 3, 15)),
        ("Ghi chú: số liệu đến ngày 15/9/2023 theo báo cáo của Kho bạc", D(2023, 9, 15)),
        ("(*) Số liệu tháng 8/2023 chưa đầy đủ", D(2023, 8, 31)),
    ],
)
def test_signing_dates_and_notes_are_not_period_statements(text: str, date: dt.date) -> None:
    """A date is read from these lines, but they do not state the report's period."""
    assert period_from_text(text) == date
    assert is_period_statement(text) is False


def test_non_text_is_no_period() -> None:
    assert period_from_text(None) is None  # type: ignore[arg-type]
    assert is_period_statement(None) is False  # type: ignore[arg-type]
    assert period_from_filename(None) is None  # type: ignore[arg-type]
    assert parse_user_date(None) is None  # type: ignore[arg-type]


# ---- file names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2023-09.xlsx", D(2023, 9, 30)),
        ("2023_09.xlsx", D(2023, 9, 30)),
        ("2023.09.xls", D(2023, 9, 30)),
        ("09-2023.xlsx", D(2023, 9, 30)),
        ("BC_09_2023.xlsx", D(2023, 9, 30)),
        ("T9-2023.xlsx", D(2023, 9, 30)),
        ("T09.2023.xlsx", D(2023, 9, 30)),
        ("t12_2023.ods", D(2023, 12, 31)),
        ("thang 9 nam 2023.xlsx", D(2023, 9, 30)),
        ("thang_9_nam_2023.xlsx", D(2023, 9, 30)),
        ("Báo cáo tháng 9 năm 2023 (sửa).xlsx", D(2023, 9, 30)),
        ("BC giai ngan T9-2023.xlsx", D(2023, 9, 30)),
        ("Bao cao giai ngan thang 8 nam 2023.xlsx", D(2023, 8, 31)),
        ("Quy III 2023.xlsx", D(2023, 9, 30)),
        ("Quý 3-2023.xlsx", D(2023, 9, 30)),
        ("BC Q4_2023.xlsx", D(2023, 12, 31)),
        ("BC 6 thang dau nam 2023.xlsx", D(2023, 6, 30)),
        ("2023.09.30", D(2023, 9, 30)),
        ("2023-09-30.xlsx", D(2023, 9, 30)),
        ("BC 30-09-2023.xlsx", D(2023, 9, 30)),
        ("BC 20230930.xlsx", D(2023, 9, 30)),
        ("BC_202309.xlsx", D(2023, 9, 30)),
        ("mau-tong-hop-2023-10.xlsx", D(2023, 10, 31)),
        ("workbooks/So Y te/2023-07.xlsx", D(2023, 7, 31)),
        (r"C:\Users\ketoan\BC T8-2023.xlsm", D(2023, 8, 31)),
        # The month words win over the date the file was sent.
        ("BC tháng 9 năm 2023 gửi 05.10.2023.xlsx", D(2023, 9, 30)),
        ("Mẫu 01 - BC T9-2023.xlsx", D(2023, 9, 30)),
        ("BC 2022 T9-2023.xlsx", D(2023, 9, 30)),
    ],
)
def test_period_from_filename(name: str, expected: dt.date) -> None:
    assert period_from_filename(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "2023.xlsx",
        "Bao cao 2023.xlsx",
        "Mẫu 01.xlsx",
        "Mau 01-2023.xlsx",
        "Biểu 02.2023.xlsx",
        "BC 2023-2024.xlsx",
        "2023-02-30.xlsx",
        "2023-13.xlsx",
        "T13-2023.xlsx",
        "bao cao.xlsx",
        "",
        "~$2023.xlsx",
    ],
)
def test_filename_without_period(name: str) -> None:
    assert period_from_filename(name) is None


def test_example_file_names(examples_dir: Path) -> None:
    names = {p.name: period_from_filename(p.name) for p in examples_dir.rglob("*.xlsx")}
    assert names["2023-07.xlsx"] == D(2023, 7, 31)
    assert names["2023-09.xlsx"] == D(2023, 9, 30)
    assert names["mau-tong-hop-2023-10.xlsx"] == D(2023, 10, 31)
    assert names["Bao cao giai ngan thang 8 nam 2023.xlsx"] == D(2023, 8, 31)


def test_example_header_lines(examples_dir: Path) -> None:
    """The header block of each example states its period on exactly one kind of line."""
    expected = {
        "layout_a_monthly/2023-09.xlsx": D(2023, 9, 30),
        "layout_b_single/mau-tong-hop-2023-10.xlsx": D(2023, 10, 31),
        "messy_text_numbers/Bao cao giai ngan thang 8 nam 2023.xlsx": D(2023, 8, 31),
    }
    for rel, period in expected.items():
        grid = CalamineWorkbook.from_path(str(examples_dir / rel)).get_sheet_by_index(0).to_python()
        texts = [c for row in grid[:8] for c in row if isinstance(c, str) and c.strip()]
        found = {period_from_text(t) for t in texts if is_period_statement(t)}
        assert found == {period}, rel


def test_header_block_of_a_real_workbook(tmp_path: Path) -> None:
    """A header with a signing line and a document reference: only the period line is believed."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    ws["E1"] = "Lạng Sơn, ngày 5 tháng 10 năm 2023"
    ws["A2"] = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP"
    ws["A3"] = "(Kèm theo Công văn số 1744/SLĐTBXH ngày 28/8/2023)"
    ws["A4"] = "(Số liệu đến ngày 30/9/2023)"
    ws["E4"] = "Đơn vị tính: triệu đồng"
    path = tmp_path / "Báo cáo tháng 9 năm 2023 (sửa).xlsx"
    wb.save(path)

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    texts = [c for row in grid for c in row if isinstance(c, str) and c]
    statements = [t for t in texts if is_period_statement(t)]
    assert statements == ["(Số liệu đến ngày 30/9/2023)"]
    assert period_from_text(statements[0]) == D(2023, 9, 30)
    assert period_from_filename(path.name) == D(2023, 9, 30)


# ---- --as-of -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-09-30", D(2023, 9, 30)),
        (" 2023-09-30 ", D(2023, 9, 30)),
        ("30/9/2023", D(2023, 9, 30)),
        ("30/09/2023", D(2023, 9, 30)),
        ("30-9-2023", D(2023, 9, 30)),
        ("30.9.2023", D(2023, 9, 30)),
        ("2023-09", D(2023, 9, 30)),
        ("9/2023", D(2023, 9, 30)),
    ],
)
def test_parse_user_date(text: str, expected: dt.date) -> None:
    assert parse_user_date(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "31/2/2023", "2023-13-01", "9/30/2023", "30/9/23", "2023"])
def test_parse_user_date_rejects(text: str) -> None:
    assert parse_user_date(text) is None


# ---- properties ----------------------------------------------------------------------------------

_years = st.integers(min_value=2000, max_value=2099)
_months = st.integers(min_value=1, max_value=12)


@settings(max_examples=200, deadline=None)
@given(_years, _months)
def test_property_month_end_round_trip(year: int, month: int) -> None:
    end = month_end(year, month)
    assert (end.year, end.month) == (year, month)
    assert (end + dt.timedelta(days=1)).day == 1
    assert parse_user_date(end.isoformat()) == end
    assert parse_user_date(f"{end.day}/{month}/{year}") == end
    assert period_from_text(f"Số liệu đến ngày {end.day}/{month}/{year}") == end
    assert period_from_text(f"Tháng {month}/{year}") == end
    assert period_from_text(f"THÁNG {month:02d} NĂM {year}") == end


_prefix_words = st.sampled_from(
    ["BC", "Bao cao", "giai ngan", "Mẫu 01", "So LDTBXH", "2022", "von su nghiep", "final"]
)
_prefixes = st.builds(
    lambda words, sep: sep.join(words) + (sep if words else ""),
    st.lists(_prefix_words, max_size=3),
    st.sampled_from([" ", "_", "-", " - "]),
)
_suffixes = st.sampled_from(["", " (sửa)", " (1)", "_final", " - Copy", " ban sua", "_v2"])


@settings(max_examples=200, deadline=None)
@given(_prefixes, _years, _months, _suffixes, st.sampled_from(["T", "t"]))
def test_property_filename_t_month(prefix: str, year: int, month: int, suffix: str, t: str) -> None:
    name = f"{prefix}{t}{month}-{year}{suffix}.xlsx"
    assert period_from_filename(name) == month_end(year, month), name


@settings(max_examples=100, deadline=None)
@given(_years, _months, _suffixes)
def test_property_filename_iso_month(year: int, month: int, suffix: str) -> None:
    assert period_from_filename(f"{year}-{month:02d}.xlsx") == month_end(year, month)
    assert period_from_filename(f"{year}-{month:02d}{suffix}.xlsx") == month_end(year, month)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet=st.sampled_from("0123456789/-. thangmquyTQ"), max_size=30))
def test_property_never_raises(text: str) -> None:
    for result in (period_from_text(text), period_from_filename(text), parse_user_date(text)):
        assert result is None or isinstance(result, dt.date)
    assert isinstance(is_period_statement(text), bool)
