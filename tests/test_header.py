"""Header detection: the table is found wherever it starts, whatever words, case, diacritics and
line breaks its header uses, and each column gets the right role, source and year."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.read.grid import Grid
from reconcile.read.header import find_tables, year_tag
from reconcile.text import fold

ALLOC = [
    "Kế hoạch vốn",
    "Kế hoạch vốn được giao",
    "Dự toán giao",
    "Dự toán được giao",
    "Vốn giao",
    "KH vốn",
    "Kế hoạch",
]
DISB = [
    "Giải ngân",
    "Lũy kế giải ngân",
    "Giải ngân lũy kế đến 30/9/2023",
    "Số giải ngân",
    "Đã giải ngân",
    "Thực hiện giải ngân",
]
RATE = ["Tỷ lệ giải ngân (%)", "Tỷ lệ (%)", "Tỷ lệ"]
LABEL = ["Nội dung", "Tên dự án", "Danh mục"]
STT = ["STT", "TT"]
EXTRA = ["Ghi chú", "Đơn vị thực hiện", "Khối lượng thực hiện"]


def _variant(text: str, style: int, newline: bool) -> str:
    """The same header as people type it: with or without diacritics, any case, a line break."""
    if style == 1:
        text = fold(text)
    elif style == 2:
        text = text.upper()
    elif style == 3:
        text = fold(text).upper()
    if newline and " " in text:
        i = text.index(" ")
        text = text[:i] + "\n" + text[i + 1 :]
    return text.replace(" ", "  ") if style == 4 else text


@st.composite
def headers(draw: st.DrawFn) -> tuple[Grid, dict[str, object]]:
    top = draw(st.integers(0, 12))
    left = draw(st.integers(0, 3))
    split = draw(st.booleans())
    style = draw(st.integers(0, 4))
    nl = draw(st.booleans())
    extras = draw(st.lists(st.sampled_from(EXTRA), max_size=2, unique=True))
    cols: list[tuple[str, str]] = [
        ("stt", draw(st.sampled_from(STT))),
        ("label", draw(st.sampled_from(LABEL))),
    ]
    cols += [("other", e) for e in extras]
    alloc, disb = draw(st.sampled_from(ALLOC)), draw(st.sampled_from(DISB))
    if split:
        cols += [("alloc", alloc)] * 3 + [("disb", disb)] * 3
    else:
        cols += [("alloc", alloc), ("disb", disb)]
    cols.append(("rate", draw(st.sampled_from(RATE))))
    width = left + len(cols)
    rows: list[list[object]] = [[""] * width for _ in range(top)]
    if top:
        rows[0][left] = "UBND TỈNH LẠNG SƠN"
    h1: list[object] = [""] * width
    h2: list[object] = [""] * width
    merged = []
    expected: dict[str, object] = {"top": top, "split": split, "roles": {}}
    roles: dict[int, tuple[str, str | None]] = {}
    i = 0
    while i < len(cols):
        role, text = cols[i]
        c = left + i
        h1[c] = _variant(text, style, nl)
        if split and role in ("alloc", "disb"):
            for j, src in enumerate(["Tổng số", "NSTW", "NSĐP"]):
                h2[c + j] = _variant(src, style, False)
                roles[c + j] = (role, ["ALL", "NSTW", "NSDP"][j])
            merged.append((top, c, top, c + 2))
            i += 3
            continue
        if split:
            merged.append((top, c, top + 1, c))
        roles[c] = (role, None)
        i += 1
    rows.append(h1)
    if split:
        rows.append(h2)
    data_row: list[object] = [""] * width
    data_row[left + 1] = "Dự án 6: Truyền thông và giảm nghèo về thông tin"
    rows.append(data_row)
    expected["roles"] = roles
    expected["first_data"] = top + (2 if split else 1)
    return Grid("T9", rows, merged), expected


@settings(max_examples=150, deadline=None)
@given(headers())
def test_header_found_with_roles(case: tuple[Grid, dict]) -> None:
    grid, exp = case
    tables = find_tables(grid)
    assert len(tables) == 1
    table = tables[0]
    assert table.header_top == exp["top"]
    assert table.first_data == exp["first_data"]
    got = {c.index: c for c in table.columns}
    for index, (role, source) in exp["roles"].items():
        if role == "other":
            assert got[index].role not in ("alloc", "disb", "rate", "in_month"), got[index]
            continue
        assert got[index].role == role, (index, got[index])
        assert got[index].source == source, (index, got[index])


def test_column_number_row_is_skipped() -> None:
    rows: list[list[object]] = [
        ["STT", "Nội dung", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ (%)"],
        ["A", "B", "1", "2", "3=2/1"],
        ["1", "Dự án 2", 100.0, 50.0, 50.0],
    ]
    (table,) = find_tables(Grid("s", rows))
    assert table.first_data == 2


def test_in_month_and_cumulative_columns() -> None:
    rows: list[list[object]] = [
        [
            "TT",
            "Nội dung",
            "Kế hoạch vốn năm 2023",
            "Giải ngân tháng báo cáo",
            "Lũy kế từ đầu năm đến tháng báo cáo",
        ],
        ["1", "Dự án 2", 100.0, 10.0, 50.0],
    ]
    (table,) = find_tables(Grid("s", rows))
    assert [c.role for c in table.columns[2:]] == ["alloc", "in_month", "disb"]
    assert table.columns[2].year == (2023, 2023)


def test_carry_over_column_groups() -> None:
    rows: list[list[object]] = [
        [
            "TT",
            "Nội dung",
            "Kế hoạch vốn năm trước được phép kéo dài sang năm 2023",
            "Kế hoạch năm 2023",
            "Giải ngân",
            "",
        ],
        ["", "", "", "", "Vốn năm trước kéo dài", "Vốn năm 2023"],
        ["1", "Dự án 2", 100.0, 200.0, 50.0, 20.0],
    ]
    (table,) = find_tables(Grid("s", rows, [(0, 4, 0, 5)]))
    allocs = table.by_role("alloc")
    assert [c.year for c in allocs] == [(2022, 2023), (2023, 2023)]


def test_layout_b_header() -> None:
    rows: list[list[object]] = [
        [
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
        ],
    ]
    (table,) = find_tables(Grid("s", rows))
    assert table.layout == "B"
    assert [c.role for c in table.columns] == [
        "unit",
        "budget_year",
        "exec_year",
        "project",
        "sub_project",
        "label",
        "source",
        "alloc",
        "disb",
        "note",
    ]


def test_no_header_in_prose() -> None:
    rows: list[list[object]] = [["Ghi chú: kế hoạch giải ngân sẽ cập nhật sau"], ["", 1.0, 2.0]]
    assert find_tables(Grid("s", rows)) == []


def test_year_tags() -> None:
    assert year_tag(fold("Kế hoạch vốn năm 2023")) == (2023, 2023)
    assert year_tag(fold("Vốn năm 2022 kéo dài sang năm 2023")) == (2022, 2023)
    assert year_tag(fold("Kế hoạch vốn năm trước được phép kéo dài sang năm 2023")) == (2022, 2023)
    assert year_tag(fold("Giải ngân lũy kế đến 30/9/2023")) is None


_CELLS = st.one_of(
    st.sampled_from(ALLOC + DISB + RATE + LABEL + STT + EXTRA + ["", " ", "Dự án", "Nguồn vốn", "Tổng số"]),
    st.builds(lambda t: _variant(t, 1, True), st.sampled_from(ALLOC + DISB)),
    st.text(max_size=8),
    st.floats(allow_nan=False),
    st.integers(-5, 5),
    st.none(),
    # One cell naming both measures, around the 120-character limit of a header cell.
    st.builds(lambda n: "Kế hoạch giải ngân " + "x" * n, st.integers(0, 110)),
)


@settings(max_examples=400, deadline=None)
@given(row=st.lists(_CELLS, max_size=8))
def test_quick_header_check_agrees_with_is_header_row(row: list[object]) -> None:
    from reconcile.read.header import _may_be_header, is_header_row

    cells = [fold(v) if isinstance(v, str) else "" for v in row]
    assert _may_be_header(row) == (is_header_row(cells) is not None)


def test_quick_header_check_at_the_cell_length_limit() -> None:
    from reconcile.read.header import _may_be_header, is_header_row

    for n in range(95, 110):
        long_alloc = "Kế hoạch vốn " + "x" * n  # folds to 13 + n characters
        for row in ([long_alloc, "Giải ngân"], ["Nội dung", long_alloc, 5.0, "Lũy kế"]):
            cells = [fold(v) if isinstance(v, str) else "" for v in row]
            assert (
                _may_be_header(row)
                == (is_header_row(cells) is not None)
                == (len(cells[row.index(long_alloc)]) < 120)
            )
