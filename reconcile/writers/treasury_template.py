"""A Treasury statement in the form of Mẫu 01-SDKP/ĐVDT (Thông tư 39/2016/TT-BTC), as the Treasury's
export looks: a title block, a two-row header with merged cells, a column-number row, amounts in
đồng. ``reconcile template --treasury PATH`` writes an empty one for a unit to fill in; tests write
filled ones with :func:`build_statement` (amounts as numbers or as text with dot separators).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from ..errors import OutputError, UsageError

SHEET = "01-SDKP"
TITLE = "BẢNG ĐỐI CHIẾU DỰ TOÁN KINH PHÍ NGÂN SÁCH BẰNG HÌNH THỨC RÚT DỰ TOÁN TẠI KHO BẠC NHÀ NƯỚC"
FORM = "Mẫu số 01-SDKP/ĐVDT"

#: The header's first row (a None is the right half of a merged cell), its second row, and the
#: statement row field each column shows.
HEADER_TOP: tuple[str | None, ...] = (
    "STT",
    "Mã nguồn NSNN",
    "Mã ngành kinh tế",
    "Mã CTMT, DA",
    "Dự toán năm trước chuyển sang",
    "Dự toán giao trong năm",
    "Tổng dự toán được sử dụng",
    "Dự toán đã sử dụng",
    None,
    "Dự toán bị hủy",
    "Số dư dự toán",
)
HEADER_SUB = {7: "Trong kỳ", 8: "Lũy kế từ đầu năm"}
FIELDS = (
    None,
    "source_code",
    "sector",
    "code",
    "brought_forward",
    "allocated",
    "total",
    "used_period",
    "used",
    "cancelled",
    "balance",
)
#: 1-based sheet rows of the two header rows and of the first data row.
HEADER_ROW, FIRST_DATA_ROW = 8, 11
_WIDTHS = (5, 10, 10, 10, 18, 18, 18, 17, 18, 14, 18)


def _dotted(x: float) -> str:
    """A whole number of đồng as the Treasury's text export writes it: 6.595.000.000."""
    return f"{round(x):,}".replace(",", ".")


def build_statement(
    unit: str = "",
    date: dt.date | None = None,
    rows: Sequence[dict[str, Any]] = (),
    as_text: bool = False,
    money_unit: str = "đồng",
    one_row_header: bool = False,
    plain: bool = False,
) -> bytes:
    """The statement as .xlsx bytes. ``rows``: dicts with ``code`` and amounts in ``money_unit``
    (``brought_forward``, ``allocated``, ``used_period``, ``used``, ``cancelled``, optional
    ``source_code``, ``sector``); the total and the balance are worked out as the Treasury prints them.
    An amount given as a str is written as that text (a planted bad cell). ``plain`` writes the title
    and headers without diacritics, as some exports do."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    wb.set_properties({"title": TITLE, "created": dt.datetime(2000, 1, 1)})
    ws = wb.add_worksheet(SHEET)
    if plain:
        ws = _Plain(ws)  # type: ignore[assignment]
    base = {"font_name": "Times New Roman", "font_size": 11}
    bold = wb.add_format({**base, "bold": True})
    centre = wb.add_format({**base, "align": "center"})
    title = wb.add_format({**base, "bold": True, "font_size": 13, "align": "center"})
    head = wb.add_format(
        {**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell = wb.add_format({**base, "border": 1})
    amount = wb.add_format({**base, "border": 1, "num_format": "#,##0"})
    last = len(HEADER_TOP) - 1
    for c, w in enumerate(_WIDTHS):
        ws.set_column(c, c, w)
    ws.write_string(0, 0, "KHO BẠC NHÀ NƯỚC", bold)
    ws.write_string(0, last - 2, FORM, bold)
    ws.write_string(1, last - 2, "(Ban hành kèm theo Thông tư số 39/2016/TT-BTC)", centre)
    ws.merge_range(2, 0, 2, last, TITLE, title)
    when = f"Đến ngày {date.day:02d}/{date.month:02d}/{date.year}" if date else "Đến ngày: dd/mm/yyyy"
    ws.merge_range(3, 0, 3, last, when, centre)
    ws.write_string(4, 0, f"Tên đơn vị: {unit}")
    ws.write_string(5, 0, "Mã ĐVQHNS: ")
    ws.write_string(6, 0, f"Đơn vị tính: {money_unit}")
    top, sub = HEADER_ROW - 1, HEADER_ROW
    if one_row_header:
        for c, text in enumerate(HEADER_TOP):
            label = (
                "Dự toán đã sử dụng lũy kế" if c == 8 else ("Dự toán đã sử dụng trong kỳ" if c == 7 else text)
            )
            ws.write_string(top, c, label or "", head)
        ws.write_string(sub, 0, "", cell)  # an empty row where the second header row would be
    else:
        for c, text in enumerate(HEADER_TOP):
            if c in HEADER_SUB:
                continue
            ws.merge_range(top, c, sub, c, text or "", head)
        ws.merge_range(top, 7, top, 8, "Dự toán đã sử dụng", head)
        for c, text in HEADER_SUB.items():
            ws.write_string(sub, c, text, head)
    for c in range(len(HEADER_TOP)):
        ws.write_number(FIRST_DATA_ROW - 2, c, c + 1, centre)
    r = FIRST_DATA_ROW - 1
    for n, row in enumerate(rows, start=1):
        values = dict(row)
        nums = {k: v for k, v in values.items() if isinstance(v, int | float)}
        values.setdefault("total", nums.get("brought_forward", 0) + nums.get("allocated", 0))
        if isinstance(values["total"], int | float):
            values.setdefault("balance", values["total"] - nums.get("used", 0) - nums.get("cancelled", 0))
        ws.write_number(r, 0, n, cell)
        for c, name in enumerate(FIELDS):
            if name is None:
                continue
            v = values.get(name, "" if name in ("source_code", "sector", "code") else 0)
            if isinstance(v, str):
                ws.write_string(r, c, v, cell)
            elif as_text:
                ws.write_string(r, c, _dotted(v), cell)
            else:
                ws.write_number(r, c, v, amount)
        r += 1
    ws.write_string(r, 1, "Tổng cộng", bold)
    ws.write_string(r + 2, 1, "ĐƠN VỊ SỬ DỤNG NGÂN SÁCH", bold)
    ws.write_string(r + 2, 7, "XÁC NHẬN CỦA KHO BẠC NHÀ NƯỚC", bold)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    wb.close()
    return buf.getvalue()


def _strip_marks(text: str) -> str:
    out = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in out if unicodedata.category(ch) != "Mn")


class _Plain:
    """A worksheet whose texts lose their diacritics on the way in."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    def write_string(self, r: int, c: int, text: str, *args: Any) -> Any:
        return self._ws.write_string(r, c, _strip_marks(text), *args)

    def merge_range(self, r1: int, c1: int, r2: int, c2: int, text: str, *args: Any) -> Any:
        return self._ws.merge_range(r1, c1, r2, c2, _strip_marks(text), *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)


def write_statement_template(path: Path) -> None:
    """Write an empty statement form to ``path``; never overwrites (``UsageError cli.template_exists``)."""
    path = Path(path)
    data = build_statement()
    try:
        with open(path, "xb") as fh:
            fh.write(data)
    except FileExistsError as exc:
        raise UsageError("cli.template_exists", path=str(path)) from exc
    except PermissionError as exc:
        raise OutputError("cli.output_readonly", folder=str(path.parent)) from exc
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise OutputError("cli.output_failed", file=str(path), detail=exc.strerror or str(exc)) from exc
