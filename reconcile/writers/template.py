"""The Layout B template (SPEC 3) that ``reconcile template`` writes: one row per line item.

The data sheet is always in Vietnamese, because its header row is what the reader matches; the
language only changes the instructions sheet and the prompts of the data validation. The
instructions sheet holds no example rows (they would be read as data), only guidance and the
programme catalogue, so people can look up project and sub-project numbers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..catalogue import PROJECTS
from ..errors import OutputError, UsageError
from ..messages import LANGS, msg

#: The data sheet's name (Vietnamese in every language: the form itself is Vietnamese).
DATA_SHEET = "Báo cáo"

#: The header row, in column order; the reader finds the columns by these words.
HEADERS: tuple[str, ...] = (
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
)

#: The header block above the table; the user completes the first and the third line.
UNIT_PREFIX = "Đơn vị:"
PERIOD_PREFIX = "Số liệu đến ngày:"
TITLE = "BÁO CÁO TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG"
MONEY_UNIT = "Đơn vị tính: triệu đồng"

#: 1-based row numbers, as Excel shows them.
HEADER_ROW = 6
FIRST_DATA_ROW = 7
#: How many rows below the header carry data validation and formats.
DATA_ROWS = 5000

YEAR_MIN, YEAR_MAX = 2021, 2030
SOURCES = ("NSTW", "NSĐP")

#: The instructions sheet's name in each language; a reader may skip sheets with these names.
INSTRUCTION_SHEETS: tuple[str, ...] = tuple(msg("template.sheet_instructions", lang) for lang in LANGS)

AMOUNT_FORMAT = "#,##0.0##"
YEAR_FORMAT = "0"

# Column keys in HEADERS order, for the instructions' column table.
_COLUMN_KEYS = (
    "unit",
    "budget_year",
    "execution_year",
    "project",
    "sub_project",
    "content",
    "source",
    "allocated",
    "disbursed",
    "note",
)
# Widths fit the header and the content people type (unit and activity names are long).
_WIDTHS = (28, 14, 14, 8, 11, 48, 11, 16, 17, 30)


def write_template(path: Path, lang: str = "vi") -> None:
    """Write the Layout B template to ``path``; never overwrites (``UsageError cli.template_exists``)."""
    write_new_file(Path(path), lambda: _build(lang if lang in LANGS else "vi"))


def write_new_file(path: Path, build: Callable[[], bytes]) -> None:
    """Write the bytes ``build()`` makes to ``path``, which must not exist yet (a form the user may
    already have filled in is never overwritten: ``UsageError cli.template_exists``)."""
    if path.exists() or path.is_symlink():
        raise UsageError("cli.template_exists", path=str(path))
    data = build()
    # Exclusive create: another process cannot slip a file in between the check and the write.
    try:
        fh = open(path, "xb")  # noqa: SIM115 - closed below, after a failed write is cleaned up
    except FileExistsError as exc:
        raise UsageError("cli.template_exists", path=str(path)) from exc
    except PermissionError as exc:
        raise OutputError("cli.output_readonly", folder=str(path.parent)) from exc
    except OSError as exc:
        raise OutputError("cli.output_failed", file=str(path), detail=exc.strerror or str(exc)) from exc
    try:
        with fh:
            fh.write(data)
    except OSError as exc:
        # Only our own half-written file is removed; it did not exist before the open above.
        path.unlink(missing_ok=True)
        raise OutputError("cli.output_failed", file=str(path), detail=exc.strerror or str(exc)) from exc


def _build(lang: str) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": TITLE, "subject": "MTQG giảm nghèo bền vững - mẫu báo cáo giải ngân"})
    instructions_name = msg("template.sheet_instructions", lang)
    data_ws = wb.add_worksheet(DATA_SHEET)
    info_ws = wb.add_worksheet(instructions_name)
    _write_data_sheet(wb, data_ws, lang, instructions_name)
    _write_instructions(wb, info_ws, lang)
    data_ws.activate()
    wb.close()
    return buf.getvalue()


def _fmt(wb: Workbook, **props: Any) -> Any:
    return wb.add_format({"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter", **props})


def _validate(ws: Worksheet, first_row: int, last_row: int, col: int, options: dict[str, Any]) -> None:
    # xlsxwriter only warns when a prompt is too long for Excel and drops the rule: fail loudly instead.
    if ws.data_validation(first_row, col, last_row, col, options) != 0:
        raise ValueError(f"data validation rejected for column {xl_col_to_name(col)}: {options}")


def _write_data_sheet(wb: Workbook, ws: Worksheet, lang: str, instructions_name: str) -> None:
    bold = _fmt(wb, bold=True)
    title = _fmt(wb, bold=True, font_size=13)
    italic = _fmt(wb, italic=True)
    header = _fmt(wb, bold=True, align="center", text_wrap=True, border=1, bg_color="#DDEBF7")
    text = _fmt(wb)
    wrap = _fmt(wb, text_wrap=True)
    year = _fmt(wb, num_format=YEAR_FORMAT, align="center")
    amount = _fmt(wb, num_format=AMOUNT_FORMAT)
    center = _fmt(wb, align="center")

    ws.write_string(0, 0, UNIT_PREFIX + " ", bold)
    ws.write_string(1, 0, TITLE, title)
    ws.write_string(2, 0, PERIOD_PREFIX + " dd/mm/yyyy", italic)
    ws.write_string(3, 0, MONEY_UNIT, italic)

    column_formats = (text, year, year, year, year, wrap, center, amount, amount, wrap)
    for col, (width, cell_format) in enumerate(zip(_WIDTHS, column_formats, strict=True)):
        ws.set_column(col, col, width, cell_format)
    head = HEADER_ROW - 1
    ws.set_row(head, 32)
    for col, name in enumerate(HEADERS):
        ws.write_string(head, col, name, header)

    # The header block cells are prompts: keep their words so the reader can find unit and period.
    for row, prefix, key in ((0, UNIT_PREFIX, "unit"), (2, PERIOD_PREFIX, "period")):
        cell = xl_rowcol_to_cell(row, 0)
        _validate(
            ws,
            row,
            row,
            0,
            {
                "validate": "custom",
                "value": f'=LEFT({cell},{len(prefix)})="{prefix}"',
                "ignore_blank": False,
                "input_title": msg(f"template.dv_{key}_title", lang),
                "input_message": msg(f"template.dv_{key}", lang),
                "error_title": msg(f"template.dv_{key}_title", lang),
                "error_message": msg(f"template.dv_{key}_error", lang),
            },
        )

    first, last = FIRST_DATA_ROW - 1, FIRST_DATA_ROW - 1 + DATA_ROWS - 1
    column = {name: i for i, name in enumerate(HEADERS)}
    year_rule = {
        "validate": "integer",
        "criteria": "between",
        "minimum": YEAR_MIN,
        "maximum": YEAR_MAX,
        "input_title": msg("template.dv_year_title", lang),
        "input_message": msg("template.dv_year", lang, low=YEAR_MIN, high=YEAR_MAX),
        "error_title": msg("template.dv_year_title", lang),
        "error_message": msg("template.dv_year", lang, low=YEAR_MIN, high=YEAR_MAX),
    }
    _validate(ws, first, last, column["Năm ngân sách"], year_rule)
    _validate(ws, first, last, column["Năm thực hiện"], year_rule)

    p_low, p_high = min(PROJECTS), max(PROJECTS)
    project_text = msg("template.dv_project", lang, low=p_low, high=p_high, sheet=instructions_name)
    _validate(
        ws,
        first,
        last,
        column["Dự án"],
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": p_low,
            "maximum": p_high,
            "input_title": msg("template.dv_project_title", lang),
            "input_message": project_text,
            "error_title": msg("template.dv_project_title", lang),
            "error_message": project_text,
        },
    )
    sub_numbers = [s for _, subs in PROJECTS.values() for s in subs]
    s_low, s_high = min(sub_numbers), max(sub_numbers)
    sub_text = msg("template.dv_sub_project", lang, low=s_low, high=s_high)
    _validate(
        ws,
        first,
        last,
        column["Tiểu dự án"],
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": s_low,
            "maximum": s_high,
            "input_title": msg("template.dv_sub_project_title", lang),
            "input_message": sub_text,
            "error_title": msg("template.dv_sub_project_title", lang),
            "error_message": sub_text,
        },
    )
    _validate(
        ws,
        first,
        last,
        column["Nguồn vốn"],
        {
            "validate": "list",
            "source": list(SOURCES),
            "input_title": msg("template.dv_source_title", lang),
            "input_message": msg("template.dv_source", lang),
            "error_title": msg("template.dv_source_title", lang),
            "error_message": msg("template.dv_source", lang),
        },
    )
    amount_rule = {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "input_title": msg("template.dv_amount_title", lang),
        "input_message": msg("template.dv_amount", lang),
        "error_title": msg("template.dv_amount_title", lang),
        "error_message": msg("template.dv_amount", lang),
    }
    _validate(ws, first, last, column["Kế hoạch vốn"], amount_rule)
    _validate(ws, first, last, column["Giải ngân lũy kế"], amount_rule)

    ws.freeze_panes(HEADER_ROW, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(head)
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)


def _write_instructions(wb: Workbook, ws: Worksheet, lang: str) -> None:
    title = _fmt(wb, bold=True, font_size=14)
    section = _fmt(wb, bold=True, font_size=12)
    para = _fmt(wb, text_wrap=True, valign="top")
    th = _fmt(wb, bold=True, align="center", border=1, text_wrap=True, bg_color="#DDEBF7")
    td = _fmt(wb, border=1, text_wrap=True)
    td_center = _fmt(wb, border=1, align="center")
    td_bold = _fmt(wb, border=1, text_wrap=True, bold=True)
    td_center_bold = _fmt(wb, border=1, align="center", bold=True)

    widths = (10, 30, 90)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    line_width = sum(widths)

    row = 0
    ws.write_string(row, 0, msg("template.instructions_title", lang), title)
    row += 2
    for step in range(1, 7):
        text = msg(f"template.step{step}", lang, sheet=DATA_SHEET, row=HEADER_ROW)
        ws.merge_range(row, 0, row, 2, text, para)
        ws.set_row(row, 16 * _lines(text, line_width))
        row += 1

    row += 1
    ws.write_string(row, 0, msg("template.columns_title", lang), section)
    row += 1
    for col, key in enumerate(("template.col_letter", "template.col_header", "template.col_meaning")):
        ws.write_string(row, col, msg(key, lang), th)
    row += 1
    for col, (name, key) in enumerate(zip(HEADERS, _COLUMN_KEYS, strict=True)):
        meaning = msg(f"template.col.{key}", lang)
        ws.write_string(row, 0, xl_col_to_name(col), td_center)
        ws.write_string(row, 1, name, td)
        ws.write_string(row, 2, meaning, td)
        ws.set_row(row, 16 * _lines(meaning, widths[2]))
        row += 1

    row += 1
    ws.write_string(row, 0, msg("template.catalogue_title", lang), section)
    row += 1
    for col, key in enumerate(("template.cat_project", "template.cat_sub_project", "template.cat_name")):
        ws.write_string(row, col, msg(key, lang), th)
    row += 1
    for project, (name, subs) in sorted(PROJECTS.items()):
        ws.write_number(row, 0, project, td_center_bold)
        ws.write_blank(row, 1, None, td_center)
        ws.write_string(row, 2, name, td_bold)
        ws.set_row(row, 16 * _lines(name, widths[2]))
        row += 1
        for sub, sub_name in sorted(subs.items()):
            ws.write_number(row, 0, project, td_center)
            ws.write_number(row, 1, sub, td_center)
            ws.write_string(row, 2, sub_name, td)
            row += 1

    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide (a fair estimate)."""
    return max(1, -(-len(text) * 11 // (width * 10)))
