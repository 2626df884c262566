"""summary.csv, findings.csv and line_items.csv: machine-readable, UTF-8, deterministic.

Amounts are in triệu đồng with ``.`` decimals (up to 6, trailing zeros dropped), rates are fractions,
periods ISO dates. Text fields that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``,
``@``, tab or CR) are prefixed with ``'`` (OWASP CSV injection, CWE-1236).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..messages import finding_message
from ..models import LINE_ITEM_COLUMNS, SUMMARY_CSV_COLUMNS, Finding

FINDINGS_CSV_COLUMNS = ("code", "severity", "file", "sheet", "cell", "message")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise a text field that a spreadsheet would evaluate."""
    return "'" + value if value.startswith(_DANGEROUS) else value


def _decimal(f: float) -> str:
    """A finite float with ``.`` decimals, at most 6, no exponent, no trailing zeros, no "-0"."""
    s = f"{f:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_decimal(x: Any) -> str:
    """A number as :func:`_decimal` writes it; '' for missing or not finite."""
    if x is None or x is pd.NA:
        return ""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(f) or math.isinf(f) else _decimal(f)


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


#: Rows formatted, joined and encoded per block: large enough to amortise the calls, small enough to
#: keep the text of a million-row table out of memory.
_BATCH = 100_000


def _csv_field(text: str) -> str:
    """``text`` as the csv module writes it in a row (quoted only where it must be)."""
    if "," not in text and '"' not in text and "\n" not in text and "\r" not in text:
        return text
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([text, ""])
    return buf.getvalue()[:-2]  # drop the empty second field's "," and the line end


def _number_strings(series: pd.Series) -> list[str]:
    """:func:`fmt_decimal` of every value of a numeric column, each distinct value formatted once (a
    million amounts in tenths of a triệu hold a few tens of thousands of distinct values)."""
    if series.dtype.kind not in "fiu":
        return [fmt_decimal(v) for v in series.tolist()]
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.where(np.isfinite(values), values, np.nan)  # inf and -inf are written as missing
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*(_decimal(x) for x in uniques.tolist()), ""], dtype=object)
    return table[codes].tolist()  # type: ignore[no-any-return]  # code -1 (missing) picks ""


def _text_strings(series: pd.Series) -> list[str]:
    """:func:`_cell` of every value of a text, date or integer column, quoted for the CSV; each
    distinct value is formatted once (a column of a million rows holds few distinct values)."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu" and not (series < 0).any():
        # Row numbers are all distinct: str() of a whole number needs no quoting or neutralising.
        return list(map(str, series.tolist()))
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    table = np.array([*(_csv_field(_cell(u, False)) for u in uniques), ""], dtype=object)
    return table[codes].tolist()  # type: ignore[no-any-return]  # code -1 (missing) picks ""


def _write_frame(path: Path, frame: pd.DataFrame, columns: Sequence[str], numeric: set[str]) -> None:
    """The table as csv.writer would write it, built column by column (ten times fewer calls) and a
    block of rows at a time, so that the text of a million-row table never sits in memory whole."""
    with open(path, "wb") as fh:
        fh.write((",".join(_csv_field(c) for c in columns) + "\n").encode("utf-8"))
        for start in range(0, len(frame), _BATCH):
            part = frame.iloc[start : start + _BATCH]
            n = len(part)
            data = [
                (_number_strings(part[c]) if c in numeric else _text_strings(part[c]))
                if c in part.columns
                else [""] * n
                for c in columns
            ]
            fh.write(("\n".join(map(",".join, zip(*data, strict=True))) + "\n").encode("utf-8"))


def write_summary(summary: pd.DataFrame, path: Path) -> None:
    """One row per key and period, exactly the columns of SPEC 5.3."""
    numeric = {"allocated", "disbursed", "rate", "shortfall"}
    _write_frame(path, summary, SUMMARY_CSV_COLUMNS, numeric)


def write_line_items(items: pd.DataFrame, path: Path) -> None:
    """Every extracted line item with its file, sheet and cell."""
    numeric = {"allocated", "disbursed", "disbursed_in_month"}
    _write_frame(path, items, LINE_ITEM_COLUMNS, numeric)


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
