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
from collections.abc import Callable, Iterable, Sequence
from functools import partial
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


def _distinct(series: pd.Series, numeric: bool) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a column (code -1: missing). A numeric column of another dtype
    keeps every value as it is, each its own code."""
    if not numeric:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=object)
    if series.dtype.kind not in "fiu":
        return np.arange(len(series), dtype=np.int64), series.to_numpy(dtype=object)
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.where(np.isfinite(values), values, np.nan)  # inf and -inf are written as missing
    return pd.factorize(values, use_na_sentinel=True)


def _number_texts(values: np.ndarray) -> np.ndarray:
    """:func:`fmt_decimal` of each of ``values`` (distinct finite floats, or anything else)."""
    if values.dtype.kind == "f":
        return np.array([_decimal(x) for x in values.tolist()], dtype=object)
    return np.array([fmt_decimal(v) for v in values.tolist()], dtype=object)


#: What :func:`_cell` and :func:`_csv_field` would change in a text, sought in texts joined by NUL
#: (and wrapped in NULs): a character that needs quoting, a leading character that needs
#: neutralising, a spelling of "missing". Each is a plain substring search (memchr speed); one
#: regular expression for them all took ~20 ns a character.
_NOT_PLAIN = (
    *(",", '"', "\n", "\r"),
    *(f"\x00{c}" for c in _DANGEROUS),
    *(f"\x00{word}\x00" for word in ("<NA>", "nan", "NaT", "None")),
)


def _all_plain(texts: np.ndarray) -> bool:
    """Whether every one of ``texts`` (all str) is written as it is."""
    joined = "\x00" + "\x00".join(texts) + "\x00"
    # A part's last character is sought first: it rarely occurs at all, and then the search for the
    # whole part (slow where its leading NUL recurs every few characters) is not needed.
    return not any(part[-1] in joined and part in joined for part in _NOT_PLAIN)


def _text_texts(values: np.ndarray) -> np.ndarray:
    """The CSV text (:func:`_cell`, quoted) of each of ``values`` (an object array); where they are
    many (cell references) plain texts are recognised in one pass over them all."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string" and _all_plain(values):
        return values
    return np.array([_csv_field(_cell(u, False)) for u in values.tolist()], dtype=object)


def _write_frame(path: Path, frame: pd.DataFrame, columns: Sequence[str], numeric: set[str]) -> None:
    """The table as csv.writer would write it: each column's distinct values formatted once, then
    the rows joined a block at a time, so that the text of a million-row table never sits in memory
    whole. A column of nearly all-distinct values (cell references, rates) is formatted a block at
    a time instead: a table of its texts would hold nearly a text per row."""
    n = len(frame)
    # Each part gives the UTF-8 texts of a block of rows of one column, or of a run of neighbouring
    # columns joined.
    parts: list[Callable[[slice], list[bytes]]] = []
    run: list[tuple[np.ndarray, np.ndarray]] = []

    def end_run() -> None:
        # Joined as UTF-8 bytes: one Vietnamese letter in a row made its whole str (and every join
        # into it) two bytes a character wide, and the encoding then ran over all of it again.
        for codes, table in _merge_neighbours(run, n):
            parts.append(partial(_picked, codes, _encoded(table)))
        run.clear()

    for c in columns:
        if c not in frame.columns:
            run.append((np.full(n, -1, dtype=np.int64), np.array([""], dtype=object)))
            continue
        series, is_number = frame[c], c in numeric
        if n >= _DIRECT_MIN and series.dtype == object and _mostly_distinct(series.iloc[:_SAMPLE]):
            # Distinct texts are costly to count: their first rows decide.
            end_run()
            parts.append(partial(_raw_block, series, is_number))
            continue
        codes, uniques = _distinct(series, is_number)
        if n >= _DIRECT_MIN and len(uniques) > _DIRECT_SHARE * n:
            end_run()
            parts.append(partial(_coded_block, codes, uniques, is_number))
        else:
            texts = _number_texts(uniques) if is_number else _text_texts(uniques)
            run.append((codes, np.append(texts, "")))  # code -1 (missing) picks the trailing ""
    end_run()
    with open(path, "wb") as fh:
        fh.write((",".join(_csv_field(c) for c in columns) + "\n").encode("utf-8"))
        for start in range(0, n, _BATCH):
            block = slice(start, start + _BATCH)
            data = [part(block) for part in parts]
            fh.write(b"\n".join(map(b",".join, zip(*data, strict=True))) + b"\n")


#: A column with more distinct values than this share of its rows (and at least _DIRECT_MIN rows)
#: is formatted a block at a time; a text column is judged by its first _SAMPLE rows.
_DIRECT_SHARE = 0.5
_DIRECT_MIN = 1000
_SAMPLE = 1000


def _mostly_distinct(head: pd.Series) -> bool:
    return bool(head.nunique(dropna=False) > _DIRECT_SHARE * len(head))


def _picked(codes: np.ndarray, table: np.ndarray, block: slice) -> list[bytes]:
    return table[codes[block]].tolist()  # type: ignore[no-any-return]


def _raw_block(series: pd.Series, numeric: bool, block: slice) -> list[bytes]:
    """The CSV text (UTF-8) of a block of an object column of mostly distinct values, each
    formatted (a table of distinct values would save next to nothing)."""
    values = series.iloc[block].to_numpy(dtype=object)
    codes = np.where(pd.isna(values), -1, np.arange(len(values)))
    return _block_texts(codes, values, numeric)


def _coded_block(codes: np.ndarray, uniques: np.ndarray, numeric: bool, block: slice) -> list[bytes]:
    """The CSV text (UTF-8) of a block of a column, from its codes and distinct values."""
    return _block_texts(codes[block], uniques, numeric)


def _block_texts(codes: np.ndarray, uniques: np.ndarray, numeric: bool) -> list[bytes]:
    """The CSV text (UTF-8) of one block of a column, from its codes and distinct values."""
    present = codes >= 0
    texts = np.full(len(codes), b"", dtype=object)
    values = uniques[codes[present]]
    texts[present] = _encoded(_number_texts(values) if numeric else _text_texts(values))
    return texts.tolist()


def _encoded(table: np.ndarray) -> np.ndarray:
    """The texts as UTF-8 bytes: joined, encoded and split again in one go when no text holds the
    separator (a call per text costs more)."""
    texts = table.tolist()
    joined = "\x00".join(texts)
    if texts and joined.count("\x00") == len(texts) - 1:
        return np.array(joined.encode("utf-8").split(b"\x00"), dtype=object)
    return np.array([t.encode("utf-8") for t in texts], dtype=object)


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
