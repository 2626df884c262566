"""The number parser: numeric cells as they are, text cells in Vietnamese or US convention, money units."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from reconcile.read.money import MONEY_UNITS, detect_money_unit, to_trieu
from reconcile.read.numbers import Convention, Parsed, detect_convention, parse_number

VI, US, UNKNOWN = Convention.VI, Convention.US, Convention.UNKNOWN


# ---- numeric cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1571.6, 1571.6),
        (6616, 6616.0),
        (0, 0.0),
        (-12.5, -12.5),
        (Decimal("1.5"), 1.5),
        (Fraction(1, 4), 0.25),
    ],
)
def test_numeric_cells_are_read_as_they_are(cell: object, expected: float) -> None:
    for convention in Convention:
        p = parse_number(cell, convention)
        assert p == Parsed(expected, "number")
        assert p.text is False and p.ambiguous is False


@pytest.mark.parametrize(
    "cell", [True, False, dt.date(2023, 9, 30), dt.datetime(2023, 9, 30, 8), dt.time(8, 30)]
)
def test_bools_and_dates_are_invalid(cell: object) -> None:
    p = parse_number(cell)
    assert p.kind == "invalid" and p.value is None


def test_nan_cell_is_empty_and_inf_cell_invalid() -> None:
    assert parse_number(float("nan")).kind == "empty"
    assert parse_number(float("nan")).value is None
    assert parse_number(float("inf")).kind == "invalid"
    assert parse_number(-math.inf).kind == "invalid"
    assert parse_number(10**400).kind == "invalid"  # too large for a float


def test_none_is_empty_and_other_objects_invalid() -> None:
    assert parse_number(None) == Parsed(None, "empty")
    assert parse_number(b"123").kind == "invalid"
    assert parse_number([1]).kind == "invalid"


def test_negative_zero_is_plain_zero() -> None:
    assert math.copysign(1.0, parse_number(-0.0).value or 0.0) == 1.0
    p = parse_number("-0")
    assert p.value == 0.0 and math.copysign(1.0, p.value or 0.0) == 1.0


# ---- text cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.571,6", 1571.6),
        ("6.616", 6616.0),
        ("20,6", 20.6),
        ("2.450", 2450.0),
        ("2.450.000", 2450000.0),
        ("1.234,5", 1234.5),
        ("0,5", 0.5),
        ("0,500", 0.5),  # a leading "0" group is no thousands grouping, so the comma is a decimal
        ("1234", 1234.0),
        ("1234,56", 1234.56),
        ("  5.680,4 ", 5680.4),
        ("1 571,6", 1571.6),
        ("1\xa0571,6", 1571.6),
        ("1\u202f571,6", 1571.6),
        ("1 571 600", 1571600.0),
        ("\ufeff1.102,5\u200b", 1102.5),
        ("１．５７１，６", 1571.6),  # full-width digits and marks from a CJK input method
        ("'1.234,5", 1234.5),  # Excel's store-as-text apostrophe, when a reader keeps it
        ("+1.571,6", 1571.6),
    ],
)
def test_vietnamese_text(text: str, expected: float) -> None:
    p = parse_number(text, VI)
    assert p.kind == "number"
    assert p.value == pytest.approx(expected, rel=1e-12)
    assert p.text is True and p.ambiguous is False and p.alt is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,571.6", 1571.6),
        ("6,616", 6616.0),
        ("20.6", 20.6),
        ("2,450,000", 2450000.0),
        ("0.5", 0.5),
        ("0.500", 0.5),
        ("1 571.6", 1571.6),
        ("1234.5", 1234.5),
    ],
)
def test_us_text(text: str, expected: float) -> None:
    p = parse_number(text, US)
    assert p.kind == "number"
    assert p.value == pytest.approx(expected, rel=1e-12)
    assert not p.ambiguous


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,571.6", 1571.6), ("2,450,000", 2450000.0), ("0.5", 0.5), ("20.6", 20.6), ("1234.5", 1234.5)],
)
def test_text_valid_only_in_us_is_read_right_in_a_vi_file(text: str, expected: float) -> None:
    p = parse_number(text, VI)
    assert p.value == pytest.approx(expected) and not p.ambiguous


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.571,6", 1571.6), ("2.450.000", 2450000.0), ("20,6", 20.6), ("1 571,6", 1571.6), ("0,5", 0.5)],
)
def test_text_valid_only_in_vi_is_read_right_in_a_us_file(text: str, expected: float) -> None:
    p = parse_number(text, US)
    assert p.value == pytest.approx(expected) and not p.ambiguous


@pytest.mark.parametrize(
    ("text", "vi", "us"),
    [
        ("1.571", 1571.0, 1.571),
        ("1,571", 1.571, 1571.0),
        ("6.616", 6616.0, 6.616),
        ("123.000", 123000.0, 123.0),
    ],
)
def test_ambiguous_text(text: str, vi: float, us: float) -> None:
    guessed = parse_number(text)
    assert guessed.value == pytest.approx(vi)  # the legal (Vietnamese) reading is the guess
    assert guessed.ambiguous is True
    assert guessed.alt == pytest.approx(us)
    # Under a decided convention nothing is guessed.
    for convention, value in ((VI, vi), (US, us)):
        decided = parse_number(text, convention)
        assert decided.value == pytest.approx(value) and not decided.ambiguous and decided.alt is None


def test_ambiguous_negative_keeps_the_sign_in_both_readings() -> None:
    p = parse_number("(1.234)")
    assert p.value == -1234.0 and p.alt == pytest.approx(-1.234) and p.ambiguous


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(1.234)", -1234.0),
        ("(1.234,5)", -1234.5),
        ("-1.234", -1234.0),
        ("- 1.234", -1234.0),
        ("\u22121.234", -1234.0),  # the Unicode minus sign
        ("\u20131.234,5", -1234.5),  # an en dash autocorrected in front of a number
        ("( 20,6 )", -20.6),
        ("(1.234) đ", -1234.0),
    ],
)
def test_negatives(text: str, expected: float) -> None:
    p = parse_number(text, VI)
    assert p.kind == "number" and p.value == pytest.approx(expected)


@pytest.mark.parametrize("text", ["-", "- ", " – ", "—", "\u2212", "--", "(-)", "- đ"])
def test_dash_means_zero(text: str) -> None:
    assert parse_number(text) == Parsed(0.0, "dash", text=True)


@pytest.mark.parametrize("text", ["", "   ", "\xa0", "\n\t"])
def test_blank_text_is_empty(text: str) -> None:
    assert parse_number(text) == Parsed(None, "empty", text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("45,0%", 45.0), ("45,0 %", 45.0), ("100%", 100.0), ("12.5%", 12.5), ("(5,5%)", -5.5), ("0,75 %", 0.75)],
)
def test_percent_keeps_the_number_as_written(text: str, expected: float) -> None:
    p = parse_number(text, VI)
    assert p.kind == "number" and p.percent is True
    assert p.value == pytest.approx(expected)


def test_no_percent_flag_without_percent_sign() -> None:
    assert parse_number("45,0").percent is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234 đ", 1234.0),
        ("1.234đ", 1234.0),
        ("1.571,6 đồng", 1571.6),
        ("1.571,6 VNĐ", 1571.6),
        ("1.571,6 VND", 1571.6),
        ("VNĐ 1.571,6", 1571.6),
        ("5,5 triệu", 5.5),
        ("5,5 triệu đồng", 5.5),
        ("5,5 trđ", 5.5),
        ("5,5 tr.đ", 5.5),
        ("250 nghìn", 250.0),
        ("250 ngàn đồng", 250.0),
    ],
)
def test_currency_words_are_tolerated(text: str, expected: float) -> None:
    p = parse_number(text, VI)
    assert p.kind == "number" and p.value == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1.2.3,4,5",
        "12a",
        "a12",
        "1,2,3.4.5",
        "1.23.456",  # a group of two digits
        "1.2345",  # VI: a group of four digits; US: 1.2345 is fine, see below
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e400",
        "12 34",
        "1 2345,6",
        "1.234-",
        "(-5)",
        "-(5)",
        "đ",
        "%",
        "+",
        "()",
        "----------",
        "30/9/2023",
        "7=4/1",
        "1,",
        "1.",
        "1,234.567,8",
    ],
)
def test_unreadable_text_is_invalid(text: str) -> None:
    p = parse_number(text, VI)
    if text == "1.2345":
        assert p.value == pytest.approx(1.2345)  # valid US, so read as US even in a VI file
        return
    assert p.kind == "invalid" and p.value is None and p.text is True


def test_scientific_notation_from_excel_text() -> None:
    assert parse_number("1,5E+3").value == 1500.0
    assert parse_number("1.5E+3").value == 1500.0
    assert parse_number("2E3").value == 2000.0


def test_is_number_property() -> None:
    assert parse_number("1,5").is_number and parse_number("-").is_number
    assert not parse_number("").is_number and not parse_number("x").is_number


# ---- the file's convention -----------------------------------------------------------------------


def test_detect_convention_vi() -> None:
    assert detect_convention(["1.571,6", "2.450.000", "20,6"]) is VI


def test_detect_convention_us() -> None:
    assert detect_convention(["1,571.6", "20.6", "2,450,000"]) is US


@pytest.mark.parametrize(
    "texts",
    [[], ["1.571", "1,571", "6.616", "1234", "-", "", "abc"], ["20,6", "20.6"], ["1.571,6", "1,571.6"]],
)
def test_detect_convention_unknown_without_evidence_or_on_a_tie(texts: list[str]) -> None:
    assert detect_convention(texts) is UNKNOWN


def test_detect_convention_majority_and_ambiguous_cells_do_not_vote() -> None:
    texts = ["1.571", "2.000", "3.000", "5.680,4", "1,5.5", "0.5"]  # one VI vote, one US vote, a tie
    assert detect_convention(texts) is UNKNOWN
    assert detect_convention([*texts, "1 102,5"]) is VI


def test_detect_convention_reads_spaces_percent_sign_and_parentheses() -> None:
    assert detect_convention(["1\xa0571,6"]) is VI
    assert detect_convention(["1\u202f571.6"]) is US
    assert detect_convention(["(1.571,6)", "45,0%"]) is VI
    assert detect_convention(["0.5"]) is US
    assert detect_convention(["1.571.600"]) is VI


def test_detect_convention_ignores_non_text() -> None:
    assert detect_convention([1571.6, None, "20,6"]) is VI  # type: ignore[list-item]


# ---- money units ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Đơn vị tính: triệu đồng", "trieu"),
        ("ĐVT: Triệu đồng", "trieu"),
        ("ĐƠN VỊ TÍNH: TRIỆU ĐỒNG", "trieu"),
        ("Don vi tinh: trieu dong", "trieu"),
        ("Đvt: Tr.đ", "trieu"),
        ("ĐVT:Trđ", "trieu"),
        ("trđ", "trieu"),
        ("1.000.000 đồng", "trieu"),
        ("ĐVT: 1.000.000đ", "trieu"),
        ("(Đơn vị tính: Triệu đồng)", "trieu"),
        ("Kế hoạch vốn (triệu đồng)", "trieu"),
        ("Đơn vị: nghìn đồng", "nghin"),
        ("ĐVT: 1.000 đồng", "nghin"),
        ("ĐVT: 1000đ", "nghin"),
        ("ngàn đồng", "nghin"),
        ("Đơn vị tính: Ngàn đồng", "nghin"),
        ("đơn vị tính: đồng", "dong"),
        ("ĐVT: VNĐ", "dong"),
        ("ĐVT: đ", "dong"),
        ("Đơn vị tính: đồng Việt Nam", "dong"),
        ("Số tiền (đ)", "dong"),
        ("Unit: million VND", "trieu"),
    ],
)
def test_detect_money_unit(text: str, unit: str) -> None:
    assert detect_money_unit(text) == unit


@pytest.mark.parametrize(
    "text",
    [
        "Đơn vị thực hiện",
        "ĐƠN VỊ THỰC HIỆN",
        "Đơn vị: Sở Y tế",
        "Đơn vị: Trung tâm Y tế huyện",
        "Đơn vị: Đồng Văn",  # a district, not đồng
        "Ngân sách địa phương",
        "BÁO CÁO TIẾN ĐỘ GIẢI NGÂN",
        "Kế hoạch vốn",
        "D",  # a column letter in the column-number row
        "",
        "Đơn vị tính: 10.000 đồng",  # a unit the tool does not know: say nothing rather than guess
    ],
)
def test_no_money_unit(text: str) -> None:
    assert detect_money_unit(text) is None


def test_to_trieu() -> None:
    assert MONEY_UNITS == {"ty": 1000.0, "trieu": 1.0, "nghin": 0.001, "dong": 0.000001}
    assert to_trieu(1.5716, "ty") == 1571.6
    assert detect_money_unit("Đơn vị tính: tỷ đồng") == "ty"
    assert detect_money_unit("Tỷ lệ giải ngân (%)") is None
    assert to_trieu(1571.6, "trieu") == 1571.6
    assert to_trieu(1_571_600, "nghin") == 1571.6
    assert to_trieu(1_571_600_000, "dong") == 1571.6
    assert to_trieu(1, "dong") == 0.000001
    assert to_trieu(1_234_567, "dong") == 1.234567  # no 1.2345669999999999
    assert to_trieu(0.0000004, "trieu") == 0.0
    with pytest.raises(ValueError, match="unknown money unit"):
        to_trieu(1.0, "muon")


# ---- real workbooks ------------------------------------------------------------------------------


def test_text_cells_from_a_real_workbook(tmp_path: Path) -> None:
    """Text amounts typed into a real .xlsx survive the reader (nbsp, narrow nbsp) and parse."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    rows: list[tuple[str | int, float]] = [
        ("1.571,6", 1571.6),
        ("1\xa0102,5", 1102.5),
        ("2\u202f450", 2450.0),
        ("(1.234)", -1234.0),
        ("-", 0.0),
        ("45,0%", 45.0),
        (6616, 6616.0),
        ("6.616", 6616.0),
    ]
    for i, (cell, _) in enumerate(rows, start=1):
        ws.cell(row=i, column=1, value=cell)
    path = tmp_path / "text_numbers.xlsx"
    wb.save(path)

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    cells = [row[0] for row in grid]
    convention = detect_convention([c for c in cells if isinstance(c, str)])
    assert convention is VI
    for read, (_, expected) in zip(cells, rows, strict=True):
        p = parse_number(read, convention)
        assert p.value == pytest.approx(expected), read
        assert not p.ambiguous
    assert parse_number(cells[6], convention).text is False  # a numeric cell stays numeric
    assert parse_number(cells[5], convention).percent is True


def test_messy_example_amounts(examples_dir: Path) -> None:
    """The messy example stores every amount as Vietnamese text; its unit line says triệu đồng."""
    path = examples_dir / "messy_text_numbers" / "Bao cao giai ngan thang 8 nam 2023.xlsx"
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("T8").to_python()
    amounts = [str(row[c]) for row in grid[7:14] for c in (3, 4)]
    convention = detect_convention(amounts)
    assert convention is VI
    values = [parse_number(a, convention) for a in amounts]
    assert [p.kind for p in values].count("dash") == 1
    assert [p.value for p in values[:6]] == [2450.0, 1102.5, 6100.4, 4544.3, 5680.4, 4544.3]
    assert values[-2].value == 9700.4 and values[-1].value == 6796.8
    assert detect_money_unit(str(grid[5][4])) == "trieu"
    assert detect_money_unit(str(grid[6][2])) is None  # "Đơn vị thực hiện"


# ---- properties ----------------------------------------------------------------------------------

_amounts = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)
_decimals = st.integers(min_value=0, max_value=6)


_SWAP_MARKS = str.maketrans(",.", ".,")


def _us(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def _vi(x: float, decimals: int) -> str:
    return _us(x, decimals).translate(_SWAP_MARKS)


@settings(max_examples=300, deadline=None)
@given(_amounts, _decimals)
def test_property_vi_and_us_round_trip(x: float, decimals: int) -> None:
    expected = float(f"{x:.{decimals}f}")
    vi = parse_number(_vi(x, decimals), VI)
    us = parse_number(_us(x, decimals), US)
    assert vi.kind == us.kind == "number"
    assert vi.value == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert us.value == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert not vi.ambiguous and not us.ambiguous
    # Spaces (regular or no-break) as group separators read the same.
    spaced = _vi(x, decimals).replace(".", "\xa0")
    assert parse_number(spaced, VI).value == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(_amounts.filter(lambda x: x >= 0.5), _decimals)
def test_property_parentheses_and_minus_are_negative(x: float, decimals: int) -> None:
    expected = -float(f"{x:.{decimals}f}")
    for text in (f"({_vi(x, decimals)})", f"-{_vi(x, decimals)}"):
        p = parse_number(text, VI)
        assert p.value == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert parse_number(f"({_us(x, decimals)})", US).value == pytest.approx(expected, rel=1e-9, abs=1e-12)


def _unambiguous_vi() -> st.SearchStrategy[str]:
    """VI strings no US reader can read: a comma decimal of 1, 2 or 4+ digits, or two group dots."""
    with_decimal = st.builds(
        lambda x, d: _vi(x, d),
        st.floats(min_value=0, max_value=1e9, allow_nan=False),
        st.sampled_from([1, 2, 4, 5]),
    )
    two_groups = st.integers(min_value=1_000_000, max_value=10**12).map(lambda n: _vi(float(n), 0))
    return st.one_of(with_decimal, two_groups)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(_unambiguous_vi(), min_size=1, max_size=20),
    st.lists(st.sampled_from(["1.571", "6.616", "-", "12"])),
)
def test_property_detect_convention_vi(texts: list[str], noise: list[str]) -> None:
    assert detect_convention(texts + noise) is VI
    us_texts = [t.translate(_SWAP_MARKS) for t in texts]
    assert detect_convention(us_texts + noise) is US


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789.,-()% \xa0đeE+abn"), max_size=14) | st.text(max_size=10))
def test_property_never_nan_or_inf(text: str) -> None:
    for convention in Convention:
        p = parse_number(text, convention)
        assert p.kind in ("number", "empty", "dash", "invalid")
        if p.kind == "number":
            assert p.value is not None and math.isfinite(p.value)
            assert p.alt is None or math.isfinite(p.alt)
        else:
            assert p.value == (0.0 if p.kind == "dash" else None)


_CELL_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1e12),
    st.integers(min_value=-5, max_value=10**6),
    st.booleans(),
    st.none(),
    st.sampled_from(["", " ", "1.571,6", "-"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL_VALUES, max_size=12), st.sampled_from(sorted(MONEY_UNITS)))
def test_all_plain_or_empty_is_the_cell_rule_over_a_column(values: list[object], unit: str) -> None:
    """The column form used on a Layout B table's distinct amounts says what the cell rule says of
    every cell: empty, or a plain number (a float, not negative, plausible in ``unit``)."""
    from reconcile.read.numbers import all_plain_or_empty, is_plain

    expected = all(v == "" or v is None or is_plain(v, unit) for v in values)
    assert all_plain_or_empty(values, unit) is expected
