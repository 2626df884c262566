"""The engine's tables: every reader's line items gathered into one item table (``Result.items``)
and its numeric working copy, plus the rules and constants the engine's steps share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..models import (
    LINE_ITEM_COLUMNS,
    SUMMARY_CSV_COLUMNS,
    CellRefs,
    Coded,
    FileResult,
    is_missing,
)

#: Rounding tolerance on amounts, in triệu đồng (SPEC 4).
TOL = 0.0005
#: Rates are compared with this slack so that 273/365 computed two ways still counts as equal.
RATE_EPS = 1e-12
#: Derived amounts are rounded to this many decimals.
DECIMALS = 6

#: Columns of ``Result.summary`` (and of ``latest`` and ``consolidated``), in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    *SUMMARY_CSV_COLUMNS,  # what summary.csv shows, then the working figures
    "increment",
    "expected_rate",
    "run_rate",
    "projection",
    "deadline",
    "days_left",
    "months_left",
    "required_monthly",
    "is_latest",
    "item_index",
)

_TEXT_COLUMNS = (
    "unit",
    "source",
    "label",
    "file",
    "sheet",
    "programme",
    "project_code",
    "project_name",
    "sub_project_name",
    "item_key",
)
_CELL_COLUMNS = ("allocated_cell", "disbursed_cell", "in_month_cell")
_AMOUNT_COLUMNS = ("allocated", "disbursed", "disbursed_in_month")
_INT_COLUMNS = ("budget_year", "execution_year", "project", "row")
#: Integer columns of the working table that make a key, in key order.
#: ``_prog`` (the programme) and ``_pid`` (the item's identity beyond its numbers) are one value each
#: in a folder of one programme's numbered items, so the key order is then unit, years, project...
_KEY_CODES = ("_u", "_prog", "budget_year", "execution_year", "project", "_sub", "_pid", "_src")
#: Status codes in the order they are tested (the first that holds is the key's status).
_STATUS_BY_PRECEDENCE = np.array(
    ["no_allocation", "over", "met", "missed", "behind", "at_risk", "on_track", "incomplete"], dtype=object
)
#: The code of ``incomplete`` in _STATUS_BY_PRECEDENCE: it overrides every other status.
_INCOMPLETE = 7
_NO_DATE = -1  # ordinal standing for "no period"
_MIN_YEAR, _MAX_YEAR = 1900, 2999


# ---------------------------------------------------------------------------------------------------
# Building the tables
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Tables:
    """The public item table, a numeric working copy of it, and what its codes stand for.

    Working columns: ``_i`` (row of ``items``), ``_fi`` (file rank by name), ``_si`` (sheet order in
    its file), ``row``, ``_pos`` (order in its sheet), ``_p`` (period as a date ordinal, -1 when
    unknown), ``_u`` / ``_src`` (codes of unit / source in sorted order), ``budget_year``,
    ``execution_year``, ``project``, ``_sub`` (-1 when none), the three amounts, ``_imc`` (an in-month
    cell was read), ``_bad`` (a key field is unusable), and later ``_kid`` (the key's rank).
    Strings stay out of it so that sorting and grouping a million rows stays cheap.
    """

    items: pd.DataFrame
    work: pd.DataFrame
    units: np.ndarray
    sources: np.ndarray
    files: Sequence[FileResult]

    def text(self, i: int, column: str) -> Any:
        """A value of ``items`` (for the few rows that become findings)."""
        v = self.items[column].iat[i]
        return None if is_missing(v) else v


def _collect(
    files: Sequence[FileResult],
) -> tuple[dict[str, Any], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Item fields as one array per column, with file rank, sheet order and position in the sheet.

    Readers hand over columns (lists, NumPy arrays, Coded, CellRefs: see SheetResult.columns); columns
    a reader leaves out are the same on every row of its sheet (file, sheet, unit, period). Text and
    cell columns come back as Categoricals (see :func:`_join_text`), the others as arrays. Last: the
    ``unknown`` bits of every item.
    """
    parts: dict[str, list[Any]] = {c: [] for c in LINE_ITEM_COLUMNS}
    fi_parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    si_parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    pos_parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    unknown_parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for fi, fr in enumerate(files):
        for si, sh in enumerate(fr.sheets):
            n = 0
            if sh.columns:
                n = max((len(v) for v in sh.columns.values()), default=0)
                fallback = {
                    "file": sh.file or fr.rel,
                    "sheet": sh.sheet,
                    "unit": sh.unit,
                    "period": sh.period,
                    "programme": "",
                    "project_code": "",
                    "project_name": "",
                    "sub_project_name": "",
                    "item_key": "",
                }
                for name in LINE_ITEM_COLUMNS:
                    given = sh.columns.get(name)
                    if given is None:
                        parts[name].append(_Same(fallback.get(name), n))
                    else:
                        parts[name].append(given)
                        if len(given) < n:
                            parts[name].append(_Same(None, n - len(given)))
                bits = np.zeros(n, dtype=np.int64)
                given_bits = sh.columns.get("unknown")
                if given_bits is not None:
                    bits[: len(given_bits)] = np.asarray(given_bits, dtype=np.int64)
                unknown_parts.append(bits)
            fi_parts.append(np.full(n, fi, dtype=np.int64))
            si_parts.append(np.full(n, si, dtype=np.int64))
            pos_parts.append(np.arange(n, dtype=np.int64))
    file_rank = np.concatenate(fi_parts)
    n = len(file_rank)
    cols = {
        name: _join_text(p, n)
        if name in _TEXT_COLUMNS or name in _CELL_COLUMNS
        else _coded_parts(p, n)
        if name == "period"
        else _join(p, n)
        for name, p in parts.items()
    }
    return (
        cols,
        file_rank,
        np.concatenate(si_parts),
        np.concatenate(pos_parts),
        np.concatenate(unknown_parts),
    )


@dataclass(slots=True, frozen=True)
class _Same:
    """``count`` rows of one value."""

    value: Any
    count: int


def _join(parts: list[Any], n: int) -> np.ndarray:
    """One column from its parts: numeric arrays stay numeric, anything else becomes an object array."""
    if parts and all(isinstance(p, np.ndarray) and p.dtype.kind in "fiu" for p in parts):
        return np.concatenate(parts).astype(np.float64, copy=False)
    out = np.empty(n, dtype=object)
    at = 0
    for p in parts:
        if isinstance(p, Coded):
            k = len(p)
            table = np.empty(len(p.values) + 1, dtype=object)
            table[: len(p.values)] = p.values
            out[at : at + k] = table[p.codes]  # code -1 picks the trailing None
        elif isinstance(p, CellRefs):
            k = len(p)
            out[at : at + k] = p.texts()
        elif isinstance(p, _Same):
            k = p.count
            one = np.empty(1, dtype=object)
            one[0] = p.value
            out[at : at + k] = one
        elif isinstance(p, np.ndarray) and p.dtype.kind == "f":
            k = len(p)
            part = p.astype(object)
            part[np.isnan(p)] = None  # as a reader's None, never a float NaN in an object column
            out[at : at + k] = part
        else:
            k = len(p)
            out[at : at + k] = p
        at += k
    return out


def _join_text(parts: list[Any], n: int) -> pd.Categorical | np.ndarray:
    """A text column from its parts as a Categorical (code -1 where missing), or as an object array
    when it holds other than strings.

    A reader's :class:`Coded` and :class:`CellRefs` columns merge through their distinct values, the
    other parts (lists of a sheet's items, one value for a whole sheet) are found distinct in one
    pass: a million rows of a few hundred units or labels then cost no Python object per row, here
    or in the writers, which find a Categorical's distinct values without hashing every row.
    """
    codes, candidates = _coded_parts(parts, n)
    if not all(type(c) is str for c in candidates):
        return _join(parts, n)
    # Equal texts from different parts become one category; categories in sorted order, which
    # factorize(sort=True) of the column then follows.
    merged, categories = pd.factorize(np.array(candidates, dtype=object), sort=True)
    codes = np.append(merged.astype(np.int64), -1)[codes]  # -1 picks the trailing -1
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def _coded_parts(parts: list[Any], n: int) -> tuple[np.ndarray, list[Any]]:
    """A column from its parts as codes (-1 where missing) into candidate values, distinct within
    each part or group of parts (equal values of different parts may each have a code)."""
    codes = np.full(n, -1, dtype=np.int64)
    candidates: list[Any] = []
    plain: list[tuple[int, Any]] = []
    cells: dict[str, list[tuple[int, np.ndarray]]] = {}
    at = 0
    for p in parts:
        k = p.count if isinstance(p, _Same) else len(p)
        if isinstance(p, Coded):
            table = np.full(len(p.values) + 1, -1, dtype=np.int64)  # code -1 picks the trailing -1
            for j, v in enumerate(p.values):
                if not is_missing(v):
                    table[j] = len(candidates)
                    candidates.append(v)
            codes[at : at + k] = table[p.codes]
        elif isinstance(p, CellRefs):
            cells.setdefault(p.letters, []).append((at, np.asarray(p.rows, dtype=np.int64)))
        elif isinstance(p, _Same):
            if not is_missing(p.value):
                codes[at : at + k] = len(candidates)
                candidates.append(p.value)
        else:
            plain.append((at, p))
        at += k
    if plain:
        values = np.empty(sum(len(p) for _, p in plain), dtype=object)
        places = np.empty(len(values), dtype=np.int64)
        i = 0
        for start, p in plain:
            values[i : i + len(p)] = (
                p if not isinstance(p, np.ndarray) or p.dtype == object else p.astype(object)
            )
            places[i : i + len(p)] = np.arange(start, start + len(p))
            i += len(p)
        found, uniques = pd.factorize(values, use_na_sentinel=True)
        codes[places] = np.where(found < 0, -1, found + len(candidates))
        candidates.extend(uniques.tolist())
    for letters, runs in cells.items():
        rows = np.concatenate([r for _, r in runs])
        if not len(rows):
            continue  # sheets whose rows were all left out (every project unknown)
        # Sheet row numbers are small: their distinct values by a table, not by sorting.
        seen = np.zeros(int(rows.max()) + 1, dtype=bool)
        seen[rows] = True
        rank = np.cumsum(seen) - 1
        places = np.concatenate([np.arange(start, start + len(r)) for start, r in runs])
        codes[places] = rank[rows] + len(candidates)
        candidates.extend(f"{letters}{r}" for r in np.flatnonzero(seen).tolist())
    return codes, candidates


def _build_tables(files: Sequence[FileResult]) -> _Tables:
    """The item table in reader order (file name, sheet order, position) and its numeric working copy."""
    cols, fi, si, pos, unknown = _collect(files)
    n = len(fi)
    item_cols: dict[str, Any] = {}
    work_cols: dict[str, Any] = {
        "_i": np.arange(n, dtype=np.int64),
        "_fi": fi,
        "_si": si,
        "_pos": pos,
        "_unk": unknown,
    }
    bad = np.zeros(n, dtype=bool)
    for name in LINE_ITEM_COLUMNS:
        raw = cols[name]
        if isinstance(raw, pd.Categorical):
            item_cols[name] = pd.Series(_filled(raw, "") if name in _TEXT_COLUMNS else raw)
        elif name in _TEXT_COLUMNS or name in _CELL_COLUMNS:
            item_cols[name] = pd.Series(
                _text_array(raw, empty="" if name in _TEXT_COLUMNS else None), dtype=object
            )
        elif name in _AMOUNT_COLUMNS:
            item_cols[name] = work_cols[name] = _float_array(raw)
        elif name == "period":
            work_cols["_p"] = _ordinals(raw)
            item_cols[name] = _dates(work_cols["_p"])
        else:  # the integer columns and sub_project
            v = _float_array(raw)
            ok = np.isfinite(v) & (v == np.round(v))
            if name == "sub_project":
                item_cols[name] = _nullable_int(np.where(ok, v, np.nan))
                bad |= ~(ok | np.isnan(v))  # a sub-project of 1.5 is unusable, not "none"
            else:
                item_cols[name] = v.astype(np.int64) if ok.all() else _nullable_int(np.where(ok, v, np.nan))
                if name != "row":
                    bad |= ~ok
            if name in ("budget_year", "execution_year"):
                bad |= (v < _MIN_YEAR) | (v > _MAX_YEAR)
            # -1 marks "no sub-project" and unreadable integers (ok holds only finite whole numbers).
            work_cols["_sub" if name == "sub_project" else name] = np.where(ok, v, -1).astype(np.int64)
    items = pd.DataFrame(item_cols, index=pd.RangeIndex(n), columns=list(LINE_ITEM_COLUMNS), copy=False)
    u_codes, units = pd.factorize(items["unit"], sort=True)
    s_codes, sources = pd.factorize(items["source"], sort=True)
    work_cols["_u"] = u_codes.astype(np.int64)
    work_cols["_src"] = s_codes.astype(np.int64)
    work_cols["_prog"] = pd.factorize(items["programme"], sort=True)[0].astype(np.int64)
    work_cols["_pid"] = pd.factorize(items["item_key"], sort=True)[0].astype(np.int64)
    work_cols["_imc"] = items["in_month_cell"].notna().to_numpy()
    work_cols["_bad"] = bad
    work = pd.DataFrame(work_cols, index=pd.RangeIndex(n), copy=False)
    return _Tables(items, work, np.asarray(units, dtype=object), np.asarray(sources, dtype=object), files)


def _filled(values: pd.Categorical, empty: str) -> pd.Categorical:
    """``values`` with ``empty`` where missing."""
    codes = values.codes
    if not (codes < 0).any():
        return values
    categories = list(values.categories)
    if empty not in categories:
        categories.append(empty)
    at = categories.index(empty)
    return pd.Categorical.from_codes(
        np.where(codes < 0, at, codes), categories=pd.Index(categories, dtype=object)
    )


def _text_array(values: np.ndarray, empty: str | None) -> np.ndarray:
    """Text as an object array, ``empty`` where missing."""
    a = np.array(values, dtype=object)
    if empty is not None and len(a):
        a[pd.isna(a)] = empty
    return a


def _float_array(values: np.ndarray) -> np.ndarray:
    try:
        return np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=np.float64)


def _nullable_int(v: np.ndarray) -> pd.arrays.IntegerArray:
    mask = ~np.isfinite(v)
    return pd.arrays.IntegerArray(np.where(mask, 0, np.nan_to_num(v)).astype(np.int64), mask)


def _ordinals(coded: tuple[np.ndarray, list[Any]]) -> np.ndarray:
    """Date ordinals of a period column given as codes and values (-1 where missing or not a date)."""
    codes, values = coded
    table = np.array([_to_ordinal(u) for u in values] + [_NO_DATE], dtype=np.int64)
    return table[codes]  # code -1 picks the trailing _NO_DATE


def _to_ordinal(value: Any) -> int:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return _NO_DATE if pd.isna(value) else value.date().toordinal()
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, np.datetime64):
        return _NO_DATE if np.isnat(value) else pd.Timestamp(value).date().toordinal()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).toordinal()
        except ValueError:
            return _NO_DATE
    return _NO_DATE


def _dates(ordinals: np.ndarray) -> np.ndarray:
    """date objects (None for -1) for an array of ordinals, converting each distinct value once."""
    return _per_value(ordinals, lambda o: dt.date.fromordinal(o) if o > 0 else None, object)


def _per_value(values: np.ndarray, fn: Callable[[int], Any], dtype: Any) -> np.ndarray:
    """``fn`` applied once per distinct value of an integer array."""
    if len(values) == 0:
        return np.zeros(0, dtype=dtype)
    codes, uniques = pd.factorize(values)
    table = np.empty(len(uniques), dtype=dtype)
    table[:] = [fn(int(u)) for u in uniques]
    return table[codes]


def _per_pair(a: np.ndarray, b: np.ndarray, fn: Callable[[int, int], Any], dtype: Any) -> np.ndarray:
    """``fn`` applied once per distinct pair of a date-ordinal array and a year array."""
    code = a.astype(np.int64) * 8192 + (b.astype(np.int64) - 1800)  # years fit in 13 bits
    return _per_value(code, lambda c: fn(c // 8192, c % 8192 + 1800), dtype)


def _take(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Rows (positions or mask) of a frame with a fresh 0..n-1 index."""
    if rows.dtype == bool and rows.all():
        return frame  # the common case: nothing dropped, nothing to copy
    return (
        frame.iloc[rows].reset_index(drop=True) if rows.dtype != bool else frame[rows].reset_index(drop=True)
    )
