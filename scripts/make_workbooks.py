"""Write the sample monthly reports shipped in ``workbooks/`` (January–September 2023).

Usage: ``python scripts/make_workbooks.py [OUTDIR]`` (default: ``workbooks/`` beside this script's
folder).

The unit is the one in ``seed/bao-cao-ra-soat-von-su-nghiep-2023.md``: Sở Thông tin và Truyền thông
tỉnh Lạng Sơn. Allocations are the seed's own figures (triệu đồng, all central budget NSTW):

- Vốn năm 2022 kéo dài thực hiện năm 2023: Dự án 6 / Tiểu dự án 1 1.551 and Dự án 7 / Tiểu dự án 2
  20,6 (section total 1.571,6);
- Vốn năm 2023: Dự án 6 / Tiểu dự án 1 6.595 (training class 395, loudspeaker clusters 700 as the seed
  says, electronic information cluster 5.500) and Dự án 7 / Tiểu dự án 2 21 (section total 6.616).

The monthly cumulative disbursement is made up to fit the seed's narrative in September: the 2022
loudspeaker-station project is being installed (68% disbursed), its inspections have spent a little,
the 2023 training class was held in June, the 2023 clusters are still in bidding and the 2023
inspections start in November. Every file is a Layout A form (SPEC 3) whose parent rows, "Tổng số"
columns and rate column are formulas carrying their correct cached values, and the place/date line
above the signature ("Lạng Sơn, ngày 5 tháng 10 năm 2023") names a date that is not the period.

Output is deterministic: the workbook's creation date is fixed, so reruns are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

YEAR = 2023
MONTHS = range(1, 10)

SUPERIOR = "UBND TỈNH LẠNG SƠN"
UNIT = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
PLACE = "Lạng Sơn"
SIGNER = "Lê Hải Yến"
TITLE = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG"

#: Each month's file name, the way the unit's staff happened to save them.
FILE_NAMES: dict[int, str] = {
    1: "BC giai ngan T1-2023.xlsx",
    2: "BC giai ngan T2-2023.xlsx",
    3: "2023-03.xlsx",
    4: "BC giai ngan T4-2023.xlsx",
    5: "Báo cáo tháng 5 năm 2023.xlsx",
    6: "BC giai ngan T6-2023.xlsx",
    7: "2023-07.xlsx",
    8: "BC giai ngan T8-2023.xlsx",
    9: "Báo cáo tháng 9 năm 2023.xlsx",
}

# Columns of the form (0-based).
COL_STT, COL_LABEL = 0, 1
COL_PLAN_ALL, COL_PLAN_TW, COL_PLAN_DP = 2, 3, 4
COL_PAID_ALL, COL_PAID_TW, COL_PAID_DP = 5, 6, 7
COL_RATE, COL_NOTE = 8, 9
LAST_COL = COL_NOTE

HEADER_ROW = 5  # first of the two merged header rows
NUMBER_ROW = 7  # the "A, B, 1, 2 ..." row
FIRST_DATA_ROW = 8

AMOUNT_FORMAT = "#,##0.0"
RATE_FORMAT = "#,##0.0"
FONT = "Times New Roman"


def _note(*steps: tuple[int, str]) -> Callable[[int], str]:
    """A note that changes from the given month on: ``_note((1, "a"), (4, "b"))``."""

    def note(month: int) -> str:
        text = ""
        for start, value in steps:
            if month >= start:
                text = value
        return text

    return note


def _no_note(month: int) -> str:
    return ""


@dataclass
class Node:
    """One row of the form: a leaf carries figures, a parent sums its children."""

    stt: str
    label: str
    level: str  # "total", "section", "project", "sub_project", "activity"
    children: list[Node] = field(default_factory=list)
    plan: float = 0.0  # NSTW allocation, leaves only
    paid: tuple[float, ...] = ()  # NSTW cumulative disbursement at the end of January..September
    note: Callable[[int], str] = _no_note

    @property
    def is_leaf(self) -> bool:
        """True for a row that carries its own figures."""
        return not self.children


def _tree() -> Node:
    d6_2022 = Node(
        "1",
        "Dự án 6: Truyền thông và giảm nghèo về thông tin",
        "project",
        [
            Node(
                "-",
                "Tiểu dự án 1: Giảm nghèo về thông tin",
                "sub_project",
                [
                    Node(
                        "+",
                        "Thiết lập mới, nâng cấp Đài truyền thanh ứng dụng Công nghệ thông tin - Viễn thông",
                        "activity",
                        plan=1551.0,
                        paid=(0.0, 0.0, 232.7, 232.7, 388.0, 542.9, 698.0, 853.1, 1054.7),
                        note=_note(
                            (1, "Đang hoàn thiện thủ tục ký hợp đồng"),
                            (3, "Đã tạm ứng hợp đồng"),
                            (4, "Đang triển khai lắp đặt thiết bị"),
                        ),
                    )
                ],
            )
        ],
    )
    d7_2022 = Node(
        "2",
        "Dự án 7: Nâng cao năng lực và giám sát, đánh giá thực hiện Chương trình",
        "project",
        [
            Node(
                "-",
                "Tiểu dự án 2: Giám sát, đánh giá",
                "sub_project",
                plan=20.6,
                paid=(0.0, 0.0, 0.0, 3.2, 3.2, 6.8, 9.5, 9.5, 12.4),
                note=_note((4, "Đang kiểm tra tại các xã triển khai thực hiện Dự án")),
            )
        ],
    )
    in_bidding = _note(
        (1, "Đang xây dựng kế hoạch"),
        (4, "Đang thực hiện các bước đấu thầu, lựa chọn nhà thầu"),
    )
    d6_2023 = Node(
        "1",
        "Dự án 6: Truyền thông và giảm nghèo về thông tin",
        "project",
        [
            Node(
                "-",
                "Tiểu dự án 1: Giảm nghèo về thông tin",
                "sub_project",
                [
                    Node(
                        "+",
                        "Mở 01 lớp tập huấn cho 250 đại biểu là cán bộ thông tin và truyền thông các huyện, "
                        "thành phố và các xã, thị trấn",
                        "activity",
                        plan=395.0,
                        paid=(0.0, 0.0, 0.0, 0.0, 0.0, 386.5, 386.5, 386.5, 386.5),
                        note=_note(
                            (1, "Đang xây dựng kế hoạch tập huấn"),
                            (6, "Đã tổ chức lớp tập huấn tháng 6/2023"),
                        ),
                    ),
                    Node(
                        "+",
                        "Đầu tư mới cụm loa truyền thông tại các xã đặc biệt khó khăn",
                        "activity",
                        plan=700.0,
                        paid=(0.0,) * 9,
                        note=in_bidding,
                    ),
                    Node(
                        "+",
                        "Thiết lập mới cụm thông tin điện tử và sản xuất các sản phẩm truyền thông",
                        "activity",
                        plan=5500.0,
                        paid=(0.0,) * 9,
                        note=in_bidding,
                    ),
                ],
            )
        ],
    )
    d7_2023 = Node(
        "2",
        "Dự án 7: Nâng cao năng lực và giám sát, đánh giá thực hiện Chương trình",
        "project",
        [
            Node(
                "-",
                "Tiểu dự án 2: Giám sát, đánh giá",
                "sub_project",
                plan=21.0,
                paid=(0.0,) * 9,
                note=_note((1, "Kiểm tra bắt đầu từ tháng 11/2023")),
            )
        ],
    )
    return Node(
        "",
        "TỔNG CỘNG",
        "total",
        [
            Node("I", "Vốn năm 2022 kéo dài thực hiện năm 2023", "section", [d6_2022, d7_2022]),
            Node("II", "Vốn năm 2023", "section", [d6_2023, d7_2023]),
        ],
    )


def _flatten(node: Node) -> list[Node]:
    out = [node]
    for child in node.children:
        out.extend(_flatten(child))
    return out


def _check_tree(root: Node) -> None:
    """Refuse figures that would make a bad sample: a falling cumulative, or more paid than planned."""
    for node in _flatten(root):
        if not node.is_leaf:
            continue
        if len(node.paid) != len(MONTHS):
            raise ValueError(f"{node.label}: {len(node.paid)} monthly figures, expected {len(MONTHS)}")
        if any(b < a for a, b in zip(node.paid, node.paid[1:], strict=False)):
            raise ValueError(f"{node.label}: cumulative disbursement decreases")
        if max(node.paid) > node.plan:
            raise ValueError(f"{node.label}: disbursed more than allocated")


def _last_day(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _vn_date(d: dt.date) -> str:
    """31/1/2023: the way the seed's unit writes dates in a form (no leading zeros)."""
    return f"{d.day}/{d.month}/{d.year}"


class _Formats:
    """The office-form cell formats, created once per workbook."""

    def __init__(self, wb: Workbook) -> None:
        base: dict[str, Any] = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}

        def make(**props: Any) -> Any:
            return wb.add_format({**base, **props})

        self.head_left = make(align="center")
        self.head_left_bold = make(align="center", bold=True)
        self.head_right_bold = make(align="center", bold=True)
        self.head_motto = make(align="center", bold=True, underline=1)
        self.title = make(align="center", bold=True, font_size=14, text_wrap=True)
        self.subtitle = make(align="center", italic=True)
        self.money_unit = make(align="right", italic=True)
        self.th = make(align="center", bold=True, border=1, text_wrap=True, bg_color="#F2F2F2")
        self.col_number = make(align="center", italic=True, border=1, font_size=11)
        self.footer = make(align="center", bold=True)
        self.footer_italic = make(align="center", italic=True)
        self.rows: dict[str, dict[str, Any]] = {}
        for level, bold, italic in (
            ("total", True, False),
            ("section", True, False),
            ("project", True, False),
            ("sub_project", False, True),
            ("activity", False, False),
        ):
            style = {"border": 1, "bold": bold, "italic": italic}
            self.rows[level] = {
                "stt": make(align="center", **style),
                "label": make(align="left", text_wrap=True, **style),
                "amount": make(num_format=AMOUNT_FORMAT, **style),
                "rate": make(num_format=RATE_FORMAT, **style),
                "note": make(align="left", text_wrap=True, font_size=11, **style),
            }


def _label_lines(text: str, width: float) -> int:
    """How many lines a wrapped label needs in a column ``width`` characters wide (a fair guess)."""
    return max(1, math.ceil(len(text) / width))


def _write_report(path: Path, month: int, root: Node) -> None:
    period = _last_day(YEAR, month)
    # Reports are sent on the 5th of the next month: that is the document date, not the period.
    sent = dt.date(YEAR + (month == 12), month % 12 + 1, 5)

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties(
        {
            "title": f"Báo cáo giải ngân vốn sự nghiệp MTQG giảm nghèo tháng {month}/{YEAR}",
            "author": "Sở Thông tin và Truyền thông tỉnh Lạng Sơn",
            "company": "Sở Thông tin và Truyền thông tỉnh Lạng Sơn",
            "created": dt.datetime(sent.year, sent.month, sent.day, 8, 0, 0),
        }
    )
    fmt = _Formats(wb)
    ws = wb.add_worksheet(f"T{month}")
    widths = {
        COL_STT: 6,
        COL_LABEL: 52,
        COL_PLAN_ALL: 11,
        COL_PLAN_TW: 11,
        COL_PLAN_DP: 9,
        COL_PAID_ALL: 11,
        COL_PAID_TW: 11,
        COL_PAID_DP: 9,
        COL_RATE: 10,
        COL_NOTE: 30,
    }
    for col, width in widths.items():
        ws.set_column(col, col, width)

    _write_header(ws, fmt, period)
    rows = _write_body(ws, fmt, root, month)
    _write_footer(ws, fmt, rows, sent)

    ws.freeze_panes(FIRST_DATA_ROW, COL_LABEL + 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1)  # the director signs one page
    ws.repeat_rows(HEADER_ROW, NUMBER_ROW)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer('&C&"Times New Roman"&10Trang &P/&N')
    wb.close()


def _write_header(ws: Worksheet, fmt: _Formats, period: dt.date) -> None:
    ws.merge_range(0, 0, 0, 2, SUPERIOR, fmt.head_left)
    ws.merge_range(1, 0, 1, 2, UNIT, fmt.head_left_bold)
    ws.merge_range(0, 4, 0, LAST_COL, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fmt.head_right_bold)
    ws.merge_range(1, 4, 1, LAST_COL, "Độc lập - Tự do - Hạnh phúc", fmt.head_motto)
    ws.set_row(3, 36)
    ws.merge_range(3, 0, 3, LAST_COL, TITLE, fmt.title)
    ws.merge_range(4, 0, 4, COL_PAID_DP, f"(Số liệu đến ngày {_vn_date(period)})", fmt.subtitle)
    ws.merge_range(4, COL_RATE, 4, LAST_COL, "Đơn vị tính: triệu đồng", fmt.money_unit)

    top, sub = HEADER_ROW, HEADER_ROW + 1
    ws.set_row(top, 36)
    ws.set_row(sub, 20)
    ws.merge_range(top, COL_STT, sub, COL_STT, "STT", fmt.th)
    ws.merge_range(top, COL_LABEL, sub, COL_LABEL, "Nội dung", fmt.th)
    ws.merge_range(top, COL_PLAN_ALL, top, COL_PLAN_DP, "Kế hoạch vốn được giao", fmt.th)
    ws.merge_range(top, COL_PAID_ALL, top, COL_PAID_DP, f"Giải ngân lũy kế đến {_vn_date(period)}", fmt.th)
    ws.merge_range(top, COL_RATE, sub, COL_RATE, "Tỷ lệ giải ngân (%)", fmt.th)
    ws.merge_range(top, COL_NOTE, sub, COL_NOTE, "Ghi chú", fmt.th)
    for first in (COL_PLAN_ALL, COL_PAID_ALL):
        for offset, text in enumerate(("Tổng số", "NSTW", "NSĐP")):
            ws.write_string(sub, first + offset, text, fmt.th)
    for col, text in enumerate(("A", "B", "1", "2", "3", "4", "5", "6", "7=4/1", "8")):
        ws.write_string(NUMBER_ROW, col, text, fmt.col_number)


def _write_body(ws: Worksheet, fmt: _Formats, root: Node, month: int) -> int:
    """Write every row of the tree from FIRST_DATA_ROW; returns the number of rows written."""
    nodes = _flatten(root)
    row_of = {id(node): FIRST_DATA_ROW + i for i, node in enumerate(nodes)}
    index = month - 1

    # Cached values, computed bottom-up exactly as the formulas add them.
    values: dict[int, dict[int, float]] = {}

    def compute(node: Node) -> dict[int, float]:
        if node.is_leaf:
            v = {
                COL_PLAN_TW: node.plan,
                COL_PLAN_DP: 0.0,
                COL_PAID_TW: node.paid[index],
                COL_PAID_DP: 0.0,
            }
            v[COL_PLAN_ALL] = v[COL_PLAN_TW] + v[COL_PLAN_DP]
            v[COL_PAID_ALL] = v[COL_PAID_TW] + v[COL_PAID_DP]
        else:
            kids = [compute(child) for child in node.children]
            v = {}
            for col in (COL_PLAN_ALL, COL_PLAN_TW, COL_PLAN_DP, COL_PAID_ALL, COL_PAID_TW, COL_PAID_DP):
                total = 0.0
                for kid in kids:
                    total += kid[col]
                v[col] = total
        values[id(node)] = v
        return v

    compute(root)

    for node in nodes:
        row = row_of[id(node)]
        style = fmt.rows[node.level]
        v = values[id(node)]
        note = node.note(month)
        # The note is set a point smaller than the label, so more of it fits on a line.
        lines = max(_label_lines(node.label, 52), _label_lines(note, 33))
        ws.set_row(row, 3 + 15 * lines)
        ws.write_string(row, COL_STT, node.stt, style["stt"])
        ws.write_string(row, COL_LABEL, node.label, style["label"])
        if node.is_leaf:
            ws.write_number(row, COL_PLAN_TW, v[COL_PLAN_TW], style["amount"])
            ws.write_blank(row, COL_PLAN_DP, None, style["amount"])
            ws.write_number(row, COL_PAID_TW, v[COL_PAID_TW], style["amount"])
            ws.write_blank(row, COL_PAID_DP, None, style["amount"])
            for total_col, tw_col, dp_col in (
                (COL_PLAN_ALL, COL_PLAN_TW, COL_PLAN_DP),
                (COL_PAID_ALL, COL_PAID_TW, COL_PAID_DP),
            ):
                formula = f"={_cell(row, tw_col)}+{_cell(row, dp_col)}"
                ws.write_formula(row, total_col, formula, style["amount"], v[total_col])
        else:
            child_rows = [row_of[id(child)] for child in node.children]
            for col in (COL_PLAN_ALL, COL_PLAN_TW, COL_PLAN_DP, COL_PAID_ALL, COL_PAID_TW, COL_PAID_DP):
                ws.write_formula(row, col, _sum_formula(child_rows, col, node), style["amount"], v[col])
        plan, paid = v[COL_PLAN_ALL], v[COL_PAID_ALL]
        rate = paid / plan * 100 if plan > 0 else 0
        plan_cell, paid_cell = _cell(row, COL_PLAN_ALL), _cell(row, COL_PAID_ALL)
        ws.write_formula(
            row, COL_RATE, f"=IF({plan_cell}>0,{paid_cell}/{plan_cell}*100,0)", style["rate"], rate
        )
        if note:
            ws.write_string(row, COL_NOTE, note, style["note"])
        else:
            ws.write_blank(row, COL_NOTE, None, style["note"])
    return len(nodes)


def _cell(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


def _sum_formula(child_rows: list[int], col: int, node: Node) -> str:
    """SUM over a block of leaf rows right below; otherwise the children added one by one."""
    consecutive = all(b == a + 1 for a, b in zip(child_rows, child_rows[1:], strict=False))
    if consecutive and all(child.is_leaf for child in node.children):
        return f"=SUM({_cell(child_rows[0], col)}:{_cell(child_rows[-1], col)})"
    return "=" + "+".join(_cell(r, col) for r in child_rows)


def _write_footer(ws: Worksheet, fmt: _Formats, n_rows: int, sent: dt.date) -> None:
    # One blank row below the table, then the place/date line over the director's signature.
    row = FIRST_DATA_ROW + n_rows + 1
    first, last = COL_PAID_ALL, LAST_COL
    date_line = f"{PLACE}, ngày {sent.day} tháng {sent.month} năm {sent.year}"
    ws.merge_range(row, first, row, last, date_line, fmt.footer_italic)
    ws.write_string(row + 1, COL_LABEL, "NGƯỜI LẬP BIỂU", fmt.footer)
    ws.merge_range(row + 1, first, row + 1, last, "KT. GIÁM ĐỐC", fmt.footer)
    ws.merge_range(row + 2, first, row + 2, last, "PHÓ GIÁM ĐỐC", fmt.footer)
    # Room for the signature and seal, then the signer's name.
    ws.merge_range(row + 6, first, row + 6, last, SIGNER, fmt.footer)


def main(argv: list[str] | None = None) -> int:
    """Write the nine monthly reports into OUTDIR (default ``workbooks/``)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in {"-h", "--help"}):
        print(__doc__)
        return 0 if args and args[0] in {"-h", "--help"} else 2
    outdir = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "workbooks"
    outdir.mkdir(parents=True, exist_ok=True)
    root = _tree()
    _check_tree(root)
    for month in MONTHS:
        path = outdir / FILE_NAMES[month]
        _write_report(path, month, root)
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
