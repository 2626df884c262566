"""The Cảnh báo sheet: every finding with a link to its source cell."""

from __future__ import annotations

import os
import re
from pathlib import Path

from xlsxwriter.worksheet import Worksheet

from ...messages import finding_message, fmt_number, msg
from ...models import MAX_ROWS, Finding
from ...result import Result
from ...values import XML_BAD as _XML_BAD
from ...values import text as _text
from .common import (
    _CELL_RE,
    _HEADER_HEIGHT,
    SEVERITY_COLOURS,
    _as_of_text,
    _display_len,
    _print_setup,
    _Styles,
    _title_block,
    _units_text,
    _Widths,
)

# ---- Cảnh báo (findings) ----------------------------------------------------------------------------

_FINDING_HEADERS = (
    "wb.col.severity",
    "wb.col.code",
    "wb.col.file",
    "wb.col.sheet",
    "wb.col.cell",
    "wb.col.message",
)


def source_link(finding: Finding, input_root: Path, out_dir: Path) -> str | None:
    """The ``external:`` link to a finding's source cell, or None when it cannot be built safely.

    The path is relative to the output folder so the link survives moving both folders together.
    Only a file, a sheet and a plain A1 cell make a link; a sheet name's quotes are doubled and a
    path that xlsxwriter or Excel would misread ('#', '%xx') gets no link rather than a wrong one.
    """
    if not (finding.file and finding.sheet and finding.cell):
        return None
    if not _CELL_RE.fullmatch(finding.cell):
        return None
    target = input_root / finding.file
    try:
        rel = os.path.relpath(target, out_dir)
    except ValueError:  # another drive on Windows
        rel = str(target.resolve())
    rel = rel.replace(os.sep, "/")
    if "#" in rel or re.search("%[0-9a-fA-F]{2}", rel) or _XML_BAD.search(rel) or len(rel) < 2:
        return None
    sheet = _text(finding.sheet).replace("'", "''")
    cell = finding.cell.replace("$", "")
    url = f"external:{rel}#'{sheet}'!{cell}"
    return url if len(url) <= 2000 else None


def _write_findings(ws: Worksheet, st: _Styles, result: Result, out_dir: Path, lang: str) -> None:
    findings = sorted(result.findings, key=Finding.sort_key)
    counts = {lvl: sum(1 for f in findings if f.level == lvl) for lvl in ("error", "warning", "info")}
    lines = [
        msg("wb.units", lang, units=_units_text(result, lang)) + " - " + _as_of_text(result, lang),
        msg(
            "wb.findings_counts",
            lang,
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
        ),
        msg("wb.findings_hint", lang),
    ]
    row = _title_block(ws, st, msg("wb.findings_title", lang), lines)
    shown = findings[:MAX_ROWS]
    if len(findings) > len(shown):
        ws.write_string(
            row,
            0,
            msg(
                "wb.truncated",
                lang,
                shown=fmt_number(len(shown), 0, lang),
                total=fmt_number(len(findings), 0, lang),
                csv="findings.csv",
            ),
            st.note(),
        )
    header_row = row + 1
    widths = _Widths({2: 40, 3: 24, 5: 90})
    ws.set_row(header_row, _HEADER_HEIGHT)
    for col, key in enumerate(_FINDING_HEADERS):
        text = msg(key, lang)
        ws.write_string(header_row, col, text, st.header())
        widths.see_header(col, text)
    root = Path(result.input_root)
    # Texts first: the message column's width decides each row's height before it is written.
    texts = [
        (msg(f"severity.{f.level}", lang), _text(f.code), _text(f.file), _text(f.sheet), _text(f.cell),
         _text(finding_message(f.code, f.params, lang)))
        for f in shown
    ]  # fmt: skip
    for values in texts:
        for col, text in enumerate(values):
            widths.see(col, _display_len(text))
    for i, (f, values) in enumerate(zip(shown, texts, strict=True)):
        row = header_row + 1 + i
        height = widths.height([(5, values[5])])
        if height:
            ws.set_row(row, height)
        ws.write_string(row, 0, values[0], st.cell("text", fill=SEVERITY_COLOURS.get(f.level)))
        for col in (1, 2, 3):
            ws.write_string(row, col, values[col], st.cell("text"))
        ws.write_string(row, 5, values[5], st.cell("wrap"))
        link = source_link(f, root, out_dir)
        if link is None:
            ws.write_string(row, 4, values[4], st.cell("text"))
        else:
            try:
                ws.write_url(row, 4, link, st.link(), string=values[4])
            except ValueError:  # a link Excel cannot hold: keep the reference as text
                ws.write_string(row, 4, values[4], st.cell("text"))
    last = header_row + len(shown)
    ws.autofilter(header_row, 0, last, len(_FINDING_HEADERS) - 1)
    ws.freeze_panes(header_row + 1, 0)
    widths.apply(ws)
    _print_setup(ws, header_row, _units_text(result, lang), _as_of_text(result, lang), lang)
