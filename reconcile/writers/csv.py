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
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..messages import finding_message
from ..models import LINE_ITEM_CSV_COLUMNS, SUMMARY_CSV_COLUMNS, Finding

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


def _number_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and the :func:`fmt_decimal` text of each distinct value of a numeric column (a million
    amounts in tenths of a triệu hold a few tens of thousands of distinct values)."""
    if series.dtype.kind not in "fiu":
        table = np.array([fmt_decimal(v) for v in series.tolist()], dtype=object)
        return np.arange(len(table), dtype=np.int64), table
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.where(np.isfinite(values), values, np.nan)  # inf and -inf are written as missing
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.array([*(_decimal(x) for x in uniques.tolist()), ""], dtype=object)


#: Finds, in distinct texts joined by NUL, anything :func:`_cell` and :func:`_csv_field` would change:
#: a character that needs quoting, a leading character that needs neutralising, a "missing" spelling.
_NOT_PLAIN = re.compile(r'[,"\n\r]|(?:^|\x00)(?:[=+\-@\t\r]|(?:<NA>|nan|NaT|None)(?=\x00|$))')


def _text_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and the CSV text (:func:`_cell`, quoted) of each distinct value of a text, date or
    integer column; a column of a million rows holds few distinct values, and where it holds many
    (cell references) plain texts are recognised in one pass over them all."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string" and not _NOT_PLAIN.search(
        "\x00".join(values)
    ):
        table = np.append(values, "")
    else:
        table = np.array([*(_csv_field(_cell(u, False)) for u in values.tolist()), ""], dtype=object)
    return codes, table  # code -1 (missing) picks the trailing ""


def _write_frame(path: Path, frame: pd.DataFrame, columns: Sequence[str], numeric: set[str]) -> None:
    """The table as csv.writer would write it: each column's distinct values formatted once, then
    the rows joined a block at a time, so that the text of a million-row table never sits in memory
    whole."""
    n = len(frame)
    coded = (  # a generator: each column's codes are merged or kept as soon as they are made
        (_number_codes(frame[c]) if c in numeric else _text_codes(frame[c]))
        if c in frame.columns
        else (np.full(n, -1, dtype=np.int64), np.array([""], dtype=object))
        for c in columns
    )
    # Joined as UTF-8 bytes: one Vietnamese letter in a row made its whole str (and every join into
    # it) two bytes a character wide, and the encoding then ran over all of it again.
    encoded = [
        (codes, np.array([t.encode("utf-8") for t in table.tolist()], dtype=object))
        for codes, table in _merge_neighbours(coded, n)
    ]
    with open(path, "wb") as fh:
        fh.write((",".join(_csv_field(c) for c in columns) + "\n").encode("utf-8"))
        for start in range(0, n, _BATCH):
            data = [table[codes[start : start + _BATCH]].tolist() for codes, table in encoded]
            fh.write(b"\n".join(map(b",".join, zip(*data, strict=True))) + b"\n")


def _merge_neighbours(
    coded: Iterable[tuple[np.ndarray, np.ndarray]], n: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Neighbouring columns with few value combinations joined into one column of their texts.

    Joining the fields of a million rows costs per field; years, project, sub-project, source and
    period (or label, file and sheet) repeat in a few thousand combinations, each joined once here.
    """
    limit = max(n // 4, 1024)
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for codes, table in coded:
        # -1 picked the trailing "": say so. int32 halves what a million-row column's codes hold.
        codes = np.where(codes < 0, len(table) - 1, codes).astype(np.int32)
        if out and len(out[-1][1]) * len(table) <= limit:
            left_codes, left = out[-1]
            joint, keys = pd.factorize(left_codes.astype(np.int64) * len(table) + codes)
            pairs = np.asarray(keys, dtype=np.int64)
            texts = [
                f"{a},{b}" for a, b in zip(left[pairs // len(table)], table[pairs % len(table)], strict=True)
            ]
            out[-1] = (joint.astype(np.int32), np.array(texts, dtype=object))
        else:
            out.append((codes, table))
    return out


def write_summary(summary: pd.DataFrame, path: Path) -> None:
    """One row per key and period, exactly the columns of SPEC 5.3."""
    numeric = {"allocated", "disbursed", "rate", "shortfall"}
    _write_frame(path, summary, SUMMARY_CSV_COLUMNS, numeric)


def write_line_items(items: pd.DataFrame, path: Path) -> None:
    """Every extracted line item with its file, sheet and cell."""
    numeric = {"allocated", "disbursed", "disbursed_in_month"}
    _write_frame(path, items, LINE_ITEM_CSV_COLUMNS, numeric)


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


def write_ledger(ledger: pd.DataFrame | None, path: Path) -> None:
    """The carry-over ledger per unit, programme and budget year: SPEC 9's columns, then the programme."""
    from ..engine.ledger import LEDGER_CSV_COLUMNS

    numeric = {"allocated", "disbursed", "remaining", "days_left", "required_per_month", "forecast_unspent"}
    _write_frame(path, ledger if ledger is not None else pd.DataFrame(), LEDGER_CSV_COLUMNS, numeric)


def write_treasury(treasury: pd.DataFrame | None, path: Path) -> None:
    """The Treasury cross-check, one row per compared key: SPEC 9's columns, then the item's code."""
    from ..engine.treasury import TREASURY_CSV_COLUMNS

    numeric = {"report_allocated", "treasury_allocated", "report_disbursed", "treasury_disbursed"}
    _write_frame(path, treasury if treasury is not None else pd.DataFrame(), TREASURY_CSV_COLUMNS, numeric)
