"""Cell values as the outputs show them: numbers, whole numbers, dates and texts from the loosely
typed tables of a :class:`~reconcile.models.Result`, and the arithmetic a spreadsheet does on them.

Shared by the figures the engine computes for the outputs (:mod:`reconcile.result.totals`,
:mod:`reconcile.result.monthly`) and the writers that render them, so that a figure and the cell that shows
it are read the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from .models import SOURCES, is_missing

#: Rank of each source code in the order the outputs list them (SOURCES), others after.
SOURCE_RANK = {s: i for i, s in enumerate(SOURCES)}
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: LibreOffice's approxSub treats a difference below 2**-48 of its operands as zero (Excel does alike).
APPROX_EPS = 2.0**-48
#: Characters XML 1.0 cannot hold. xlsxwriter would escape the control characters as _xHHHH_, but
#: a spreadsheet cell is better off with a space; surrogates and U+FFFE/U+FFFF it would not handle.
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_EXACT = 2**53  # ints up to this size are exactly floats


def num(v: object) -> float | None:
    """A finite float, or None for anything missing or unusable."""
    if type(v) is float:  # the common cases first: this runs for every figure of the summary
        return v if math.isfinite(v) else None
    if type(v) is int and -_EXACT <= v <= _EXACT:
        return float(v)
    if is_missing(v):
        return None
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def whole(v: object) -> int | None:
    """A whole number, or None for anything missing, fractional or unusable."""
    if type(v) is int and -_EXACT <= v <= _EXACT:
        return v
    x = num(v)
    return int(x) if x is not None and x.is_integer() else None


def date(v: object) -> dt.date | None:
    """A date from a date, datetime, ISO text or NumPy datetime; None otherwise."""
    if is_missing(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v[:10])
        except ValueError:
            return None
    if isinstance(v, np.datetime64):
        ts = pd.Timestamp(v)
        return None if pd.isna(ts) else ts.date()
    return None


def text(v: object) -> str:
    """User or catalogue text made safe for XML; '' for missing values."""
    if is_missing(v):
        return ""
    s = v if isinstance(v, str) else str(v)
    return XML_BAD.sub(" ", s)


def stored(x: float) -> float:
    """The value a spreadsheet reads back: xlsxwriter writes numbers with 16 significant digits."""
    return float(f"{x:.16G}")


def stored_array(values: np.ndarray) -> np.ndarray:
    """:func:`stored` of every value (NaN kept). A value with at most 6 decimals below 10**9 has at
    most 15 significant digits and reads back as itself; only the others go through text."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        plain = ~np.isfinite(v) | ((np.abs(v) < 1e9) & (v == np.round(v, 6)))
    if plain.all():
        return v
    out = v.copy()
    rest = np.flatnonzero(~plain)
    out[rest] = [stored(x) for x in v[rest].tolist()]
    return out


def serial(d: dt.date) -> int:
    """The spreadsheet serial number of a date."""
    return (d - EXCEL_EPOCH).days


def approx_sub(a: float, b: float) -> float:
    """``a - b`` as a spreadsheet computes it: a near-cancellation becomes exactly 0."""
    if (a < 0.0 < b) or (b < 0.0 < a):
        return a - b
    d = a - b
    if a == b or (a != 0.0 and b != 0.0 and abs(d) < abs(a) * APPROX_EPS and abs(d) < abs(b) * APPROX_EPS):
        return 0.0
    return d


def approx_sub_array(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`approx_sub` of every pair."""
    d = a - b
    opposite = ((a < 0.0) & (b > 0.0)) | ((b < 0.0) & (a > 0.0))
    near = (a == b) | ((a != 0.0) & (b != 0.0) & (np.abs(d) < np.abs(a) * APPROX_EPS))
    near &= (a == b) | (np.abs(d) < np.abs(b) * APPROX_EPS)
    return np.where(~opposite & near, 0.0, d)


def fsum(values: Iterable[float]) -> float:
    """A sum as a spreadsheet computes it: compensated, so the correctly rounded total (math.fsum)."""
    return math.fsum(values)


def key_sort(unit_rank: dict[str, int]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The order of keys in the outputs: listed units first (in ``unit_rank`` order), then years,
    project, sub-project (none first) and source (in SOURCES order)."""

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        unit = text(r.get("unit"))
        sub = whole(r.get("sub_project"))
        source = text(r.get("source"))
        return (
            unit_rank.get(unit, len(unit_rank)),
            unit,
            whole(r.get("budget_year")) or 0,
            whole(r.get("execution_year")) or 0,
            whole(r.get("project")) or 0,
            -1 if sub is None else sub,
            SOURCE_RANK.get(source, len(SOURCE_RANK)),
            source,
        )

    return key
