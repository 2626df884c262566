"""The month-by-month figures the outputs show (SPEC 5.1, Tiến độ theo tháng): per key the rate at
each period, and per period the disbursement per budget year and the target line the chart draws.

Built with column operations: a national summary has a million rows, and a dict per row cost tens
of seconds and gigabytes. Keys are ordered as the summary sheet orders them (:func:`key_order`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..codes import combine
from ..models import IDENTITY_COLUMNS, KEY_COLUMNS, MAX_ROWS
from ..values import SOURCE_RANK, date, fsum, text

_EXACT = 2**53


def factorize(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """``pd.factorize(series)`` (codes in order of first appearance, -1 for missing values), faster
    when equal values come in runs, as a summary's units do: only the first of each run is hashed.
    A Categorical's codes are its distinct values already."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        found, distinct = pd.factorize(series, use_na_sentinel=True)
        return found, list(distinct)
    values = series.to_numpy(dtype=object)
    n = len(values)
    if n > 1:
        try:
            change = np.empty(n, dtype=bool)
            change[0] = True
            np.not_equal(values[1:], values[:-1], out=change[1:])
        except (TypeError, ValueError):  # values whose comparison is not a plain bool
            change = np.ones(n, dtype=bool)
        heads = np.flatnonzero(change)
        if len(heads) * 4 < n:
            codes, uniques = pd.factorize(values[heads], use_na_sentinel=True)
            return np.repeat(codes, np.diff(np.append(heads, n))), list(uniques)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, list(uniques)


def text_codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Per value, the number of its :func:`~reconcile.values.text` ('' for missing values) among
    ``texts``, the distinct texts; the conversion runs once per distinct value."""
    codes, uniques = factorize(series)
    distinct: dict[str, int] = {}
    table = [distinct.setdefault(text(u), len(distinct)) for u in uniques]
    table.append(distinct.setdefault("", len(distinct)))  # code -1 (missing) picks the last entry
    return np.array(table, dtype=np.int64)[codes], list(distinct)


def wholes(series: pd.Series, missing: int) -> np.ndarray:
    """:func:`~reconcile.values.whole` of every value, ``missing`` where that gives None (vectorised)."""
    if series.dtype == np.int64 or isinstance(series.dtype, pd.Int64Dtype):
        # Integer columns as they are, when every value is exactly a float (what whole() goes through).
        na = series.isna().to_numpy()
        ints = series.to_numpy(dtype=np.int64, na_value=0)
        if len(ints) == 0 or (int(ints.min()) >= -_EXACT and int(ints.max()) <= _EXACT):
            return np.where(na, missing, ints) if na.any() else ints.copy()
    v = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(v) & (v == np.round(v))
    return np.where(ok, v, missing).astype(np.int64)


def _order_ranks(codes: np.ndarray, values: list[Any], sort_key: Callable[[Any], Any]) -> np.ndarray:
    """Per row, the rank of its value ``values[code]`` among ``values`` ordered by ``sort_key``."""
    order = sorted(range(len(values)), key=lambda j: sort_key(values[j]))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank[codes]


def _int_ranks(v: np.ndarray) -> np.ndarray:
    """Non-negative integers ordered as ``v``: the offset from the smallest when the range is narrow."""
    if len(v) == 0:
        return v
    low, high = int(v.min()), int(v.max())
    if high - low <= 4 * len(v) + 1024:
        return v - low
    return np.unique(v, return_inverse=True)[1].reshape(-1)


def key_order(df: pd.DataFrame, units: list[str]) -> np.ndarray:
    """Per row of a summary-shaped frame, one integer that sorts as :func:`reconcile.values.key_sort`
    (units listed in ``units`` first; years; project; sub-project, none first; source), so that
    ordering a million rows is one integer sort."""
    unit_rank = {u: i for i, u in enumerate(units)}
    n_units, n_sources = len(unit_rank), len(SOURCE_RANK)
    unit, unit_texts = text_codes(df["unit"])
    source, source_texts = text_codes(df["source"])
    # The programme and the item's code and name (SPEC 12) are one value each in a folder of one
    # programme's numbered items; they keep apart what a tracker numbers alike.
    ident = [text_codes(df[c]) if c in df else None for c in ("programme", "project_code", "project_name")]
    extra = [_order_ranks(codes, texts, lambda v: (0, v)) for codes, texts in (i for i in ident if i)]
    prog, rest = (extra[0], extra[1:]) if ident[0] is not None else (None, extra)
    return combine(
        _order_ranks(unit, unit_texts, lambda u: (unit_rank.get(u, n_units), u)),
        *([prog] if prog is not None else []),
        _int_ranks(wholes(df["budget_year"], 0)),
        _int_ranks(wholes(df["execution_year"], 0)),
        _int_ranks(wholes(df["project"], 0)),
        _int_ranks(wholes(df["sub_project"], -1)),
        *rest,
        _order_ranks(source, source_texts, lambda s: (SOURCE_RANK.get(s, n_sources), s)),
    )


def first_keys(key: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The ``limit`` smallest distinct keys: the first row of each in key order, each row's rank among
    them (-1 for a row of a larger key), and how many distinct keys there are. Only the shown keys
    are sorted: a national summary has a million keys and shows 50,000."""
    codes, uniques = pd.factorize(key)
    n_keys = len(uniques)
    # Codes count up in order of first appearance: a row is a key's first where the running
    # maximum of the codes grows.
    firsts = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    if n_keys > limit:
        cut = np.partition(uniques, limit - 1)[limit - 1]
        shown = np.flatnonzero(uniques <= cut)
    else:
        shown = np.arange(n_keys)
    shown = shown[np.argsort(uniques[shown], kind="stable")]
    rank = np.full(n_keys, -1, dtype=np.int64)
    rank[shown] = np.arange(len(shown))
    return firsts[shown], rank[codes], n_keys


def _groups(key: np.ndarray) -> dict[int, np.ndarray]:
    """The positions of each distinct ``key``, in row order."""
    order = np.argsort(key, kind="stable")
    k = key[order]
    cuts = (np.flatnonzero(k[1:] != k[:-1]) + 1).tolist()
    return {int(k[a]): order[a:b] for a, b in zip([0, *cuts], [*cuts, len(k)], strict=True)} if len(k) else {}


def monthly_table(
    summary: pd.DataFrame | None,
    periods: list[dt.date],
    units: list[str],
    target: float,
    limit: int | None = None,
    key: np.ndarray | None = None,
) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """``(monthly, keys, chart)`` of a summary (see :class:`~reconcile.models.Result`).

    ``monthly``: the first ``limit`` keys (MAX_ROWS) in sheet order, KEY_COLUMNS as the summary has
    them (its first row of the key), then one column per period (a ``datetime.date`` label, every
    period of the run and of the summary, ascending) holding the key's rate there, NaN for none; a
    later row of the same key and period wins. ``keys``: distinct keys in all. ``chart``: one row
    per period: ``period``, ``disbursed_<budget year>`` per budget year (summed over keys, in year
    order; ``disbursed_`` for rows without a year), ``disbursed_total`` when there are several
    years, ``allocated`` (summed) and ``target`` (= allocated x target). ``key``: the summary's
    :func:`key_order` when the caller has it already.
    """
    limit = MAX_ROWS if limit is None else limit
    if summary is None or len(summary) == 0:
        return (
            pd.DataFrame(columns=[*KEY_COLUMNS, *sorted(set(periods))]),
            0,
            _chart(sorted(set(periods)), {}, {}, target),
        )
    df = summary
    shown_rows, row_rank, n_keys = first_keys(key_order(df, units) if key is None else key, limit)

    codes, uniques = factorize(df["period"])
    dates = [date(u) for u in uniques]
    all_periods = sorted({*periods, *(d for d in dates if d is not None)})
    col_of = {p: j for j, p in enumerate(all_periods)}
    period_col = np.array([-1 if d is None else col_of[d] for d in dates] + [-1], dtype=np.int64)[codes]
    has_period = period_col >= 0

    rate = pd.to_numeric(df["rate"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    rates = np.full((len(shown_rows), len(all_periods)), np.nan)
    rows = np.flatnonzero((row_rank >= 0) & has_period & np.isfinite(rate))
    # A later row of the same key and period wins, as in a row-by-row loop.
    cell = row_rank[rows] * max(len(all_periods), 1) + period_col[rows]
    _u, last_in_reversed = np.unique(cell[::-1], return_index=True)
    keep = rows[len(rows) - 1 - last_in_reversed]
    rates[row_rank[keep], period_col[keep]] = rate[keep]

    # Values are listed in row order within each group, so the sums are those of a row-by-row loop.
    no_year = -(2**40)
    by = wholes(df["budget_year"], no_year)
    disbursed: dict[tuple[int | None, dt.date], list[float]] = {}
    d_values = pd.to_numeric(df["disbursed"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    # An incomplete key's empty figure is not known: it makes the period's total not known (NaN),
    # never the total of the others.
    incomplete = (
        (df["status"] == "incomplete").to_numpy(dtype=bool) if "status" in df else np.zeros(len(df), bool)
    )
    rows = np.flatnonzero(has_period & (np.isfinite(d_values) | incomplete))
    width = len(all_periods)
    for k, idx in _groups((by[rows] - no_year) * width + period_col[rows]).items():
        y = k // width + no_year
        disbursed[(None if y == no_year else y, all_periods[k % width])] = d_values[rows[idx]].tolist()
    allocated: dict[dt.date, list[float]] = {}
    a_values = pd.to_numeric(df["allocated"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    rows = np.flatnonzero(has_period & (np.isfinite(a_values) | incomplete))
    for k, idx in _groups(period_col[rows]).items():
        allocated[all_periods[k]] = a_values[rows[idx]].tolist()
    # The key, then the identity (SPEC 12) the sheet names another programme's items by.
    columns = [c for c in (*KEY_COLUMNS, *IDENTITY_COLUMNS) if c in df]
    monthly = df[columns].iloc[shown_rows].reset_index(drop=True)
    for j, p in enumerate(all_periods):
        monthly[p] = rates[:, j]
    return monthly, n_keys, _chart(all_periods, disbursed, allocated, target)


def _chart(
    periods: list[dt.date],
    disbursed: dict[tuple[int | None, dt.date], list[float]],
    allocated: dict[dt.date, list[float]],
    target: float,
) -> pd.DataFrame:
    """Per period: disbursement per budget year (and in total when there are several years), the
    allocation and the target line, summed as a spreadsheet sums."""
    years = sorted({y for (y, _p) in disbursed}, key=lambda y: -1 if y is None else y)
    data: dict[str, Any] = {"period": pd.Series(periods, dtype=object)}
    for y in years:
        data[f"disbursed_{'' if y is None else y}"] = [fsum(disbursed.get((y, p), [])) for p in periods]
    if len(years) > 1:
        data["disbursed_total"] = [fsum(v for y in years for v in disbursed.get((y, p), [])) for p in periods]
    data["allocated"] = [fsum(allocated.get(p, [])) for p in periods]
    data["target"] = [a * target for a in data["allocated"]]
    return pd.DataFrame(data, index=pd.RangeIndex(len(periods)))


def chart_years(chart: pd.DataFrame) -> list[int | None]:
    """The budget years of a chart table's ``disbursed_<year>`` columns, in column order."""
    out: list[int | None] = []
    for c in chart.columns:
        if isinstance(c, str) and c.startswith("disbursed_") and c != "disbursed_total":
            tail = c[len("disbursed_") :]
            out.append(int(tail) if tail else None)
    return out
