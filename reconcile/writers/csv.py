"""summary.csv, findings.csv and line_items.csv: machine-readable, UTF-8, deterministic.

Amounts are in triệu đồng with ``.`` decimals (up to 6, trailing zeros dropped), rates are fractions,
periods ISO dates. Text fields that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``,
``@``, tab or CR) are prefixed with ``'`` (OWASP CSV injection, CWE-1236).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..messages import finding_message
from ..models import LINE_ITEM_COLUMNS, SUMMARY_CSV_COLUMNS, Finding

if TYPE_CHECKING:
    import pandas as pd

FINDINGS_CSV_COLUMNS = ("code", "severity", "file", "sheet", "cell", "message")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise a text field that a spreadsheet would evaluate."""
    return "'" + value if value.startswith(_DANGEROUS) else value


def fmt_decimal(x: Any) -> str:
    """A number with ``.`` decimals, at most 6, no exponent, no trailing zeros; '' for missing."""
    if x is None or x is _NA():
        return ""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return ""
    if math.isnan(f) or math.isinf(f):
        return ""
    s = f"{f:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _NA() -> Any:
    import pandas as pd

    return pd.NA


def _cell(value: Any, numeric: bool) -> str:
    if value is None:
        return ""
    if numeric:
        return fmt_decimal(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else fmt_decimal(value)
    text = str(value)
    if text in ("<NA>", "nan", "NaT", "None"):
        return ""
    return safe_text(text)


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _frame_rows(frame: pd.DataFrame, columns: Sequence[str], numeric: set[str]) -> Iterable[list[str]]:
    data = [frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in columns]
    flags = [c in numeric for c in columns]
    for values in zip(*data, strict=True):
        yield [_cell(v, n) for v, n in zip(values, flags, strict=True)]


def write_summary(summary: pd.DataFrame, path: Path) -> None:
    """One row per key and period, exactly the columns of SPEC 5.3."""
    numeric = {"allocated", "disbursed", "rate", "shortfall"}
    _write(path, SUMMARY_CSV_COLUMNS, _frame_rows(summary, SUMMARY_CSV_COLUMNS, numeric))


def write_line_items(items: pd.DataFrame, path: Path) -> None:
    """Every extracted line item with its file, sheet and cell."""
    numeric = {"allocated", "disbursed", "disbursed_in_month"}
    _write(path, LINE_ITEM_COLUMNS, _frame_rows(items, LINE_ITEM_COLUMNS, numeric))


def write_findings(findings: list[Finding], path: Path, lang: str = "vi") -> None:
    """code,severity,file,sheet,cell,message — sorted by severity, file, sheet, cell."""
    rows = (
        [
            f.code,
            f.level,
            safe_text(f.file or ""),
            safe_text(f.sheet or ""),
            f.cell or "",
            safe_text(finding_message(f.code, f.params, lang)),
        ]
        for f in sorted(findings, key=lambda f: f.sort_key())
    )
    _write(path, FINDINGS_CSV_COLUMNS, rows)
