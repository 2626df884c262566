"""The reconciliation engine (SPEC 4): line items in, per-key and per-period figures, statuses and
findings out.

:func:`reconcile` is the one entry point. It works on one pandas table of line items with column
operations (sort, groupby, shift, merge), so that a national run of about a million items takes a
second or two; Python loops run only over the few things that become findings and over small sets
of distinct dates.

Conventions of the frames in the returned :class:`~reconcile.models.Result`:

- ``period`` and ``deadline`` are :class:`datetime.date` objects (object dtype); ``period`` is None in
  ``items`` where the reader could not tell it. ``str(d)`` prints ``YYYY-MM-DD``.
- ``sub_project`` is nullable ``Int64`` (NA where the project has none); the other key integers
  (``budget_year``, ``execution_year``, ``project``) and ``row`` are ``int64``.
- Amounts are floats in triệu đồng; NaN where a cell was empty. ``allocated`` stays NaN where the
  file left it empty; ``disbursed`` in ``summary`` is 0.0 where empty (nothing disbursed). Derived
  amounts (``shortfall``, ``increment``, ``projection``, ``required_monthly``, cumulative figures
  built from in-month amounts) are rounded to 6 decimals so that binary noise never shows.
- Text columns (``unit``, ``source``, ``label``, ``file``, ``sheet``, ``status``, the ``*_cell``
  columns) are object dtype holding ``str``: "" where ``unit``/``label`` was not read, None where a
  cell reference is missing (never NaN, so ``cell or ""`` is safe in writers).
- ``items`` holds every line item the readers extracted (LINE_ITEM_COLUMNS exactly), in reader order
  (files by relative name, then sheet order, then the order the reader gave); its index is 0..n-1
  and ``summary.item_index`` points into it. Items that do not count (period unknown, no allocation
  and no disbursement, after ``--as-of``, duplicates, the losing file of a period conflict) are still
  listed there, since they were read.
- ``summary`` columns: KEY_COLUMNS, period, allocated, disbursed, rate, shortfall, status, increment,
  expected_rate, run_rate, projection, deadline, days_left, months_left, required_monthly, is_latest,
  item_index; sorted by key (sub_project NA first, source alphabetical) and period.
- ``consolidated`` has the same columns, ``unit`` = "" and ``item_index`` = -1 (no single item);
  ``period`` is the latest of the units' latest periods, figures are evaluated at as_of.

Rules decided here where SPEC 4 leaves room (each is tested in tests/test_engine.py):

- Months are fractional and counted in days: a month is (days in the execution year) / 12, so that
  months elapsed, months between reports and months left are all measured alike; "days from 1 January,
  both counted" gives 12 months at 31 December.
- The run-rate uses the key's reports dated on or after 1 January of its execution year (reports of
  the following January, before a deadline of 31/01, count too). It is never negative: a falling
  cumulative figure is a data error (``cumulative_decrease``), not a pace. Before the execution year
  starts there is no run-rate and no projection (the key cannot be ``at_risk``).
- ``required_monthly`` = shortfall / max(months left, 1): with less than a month left the whole
  shortfall is due this month.
- ``days_left`` = deadline − evaluation date in days; negative once the deadline has passed.
- An item whose allocation, disbursement and in-month amount are all empty or zero makes no key;
  an empty cumulative cell otherwise means nothing disbursed (0). ``no_allocation`` and ``over``
  use the 0.0005 tolerance too (a disbursement of at most 0.0005 against no allocation is noise).
- A duplicate in another sheet of the same file is named with its sheet: ``'Năm 2023'!C10``.
- ``period_conflict`` is raised once per losing file that disagrees with the file used, at that
  losing file (no sheet or cell); agreeing copies raise nothing.
- ``over_disbursed`` is raised at every period where it happens, because each period's file has its
  own cell an accountant must correct (and its annotated copy shows it there).
- An empty cumulative cell with an in-month amount (or an in-month column) takes the running sum of
  in-month amounts since the key's last written cumulative figure (or since its first report). The
  in-month amount is checked against the cumulative increase only where the previous report is the
  previous month (or, for a first report in January of the execution year, against the cumulative).
- Series of a unit are read by calendar month: a month with no report between the first and the last
  gives ``missing_period``; a series whose reports all fall in quarter-end months is quarterly and
  only a missing quarter is reported.
- With a pace profile, the expected rate after the execution year is 1.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .catalogue import project_name, sub_project_name
from .codes import combine, dense
from .models import (
    KEY_COLUMNS,
    LINE_ITEM_COLUMNS,
    SUMMARY_CSV_COLUMNS,
    CellRefs,
    Coded,
    FileResult,
    Finding,
    Result,
    Settings,
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

_TEXT_COLUMNS = ("unit", "source", "label", "file", "sheet")
_CELL_COLUMNS = ("allocated_cell", "disbursed_cell", "in_month_cell")
_AMOUNT_COLUMNS = ("allocated", "disbursed", "disbursed_in_month")
_INT_COLUMNS = ("budget_year", "execution_year", "project", "row")
#: Integer columns of the working table that make a key, in key order.
_KEY_CODES = ("_u", "budget_year", "execution_year", "project", "_sub", "_src")
#: Status codes in the order they are tested (the first that holds is the key's status).
_STATUS_BY_PRECEDENCE = np.array(
    ["no_allocation", "over", "met", "missed", "behind", "at_risk", "on_track"], dtype=object
)
_NO_DATE = -1  # ordinal standing for "no period"
_MIN_YEAR, _MAX_YEAR = 1900, 2999


# ---------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------


def reconcile(
    files: list[FileResult],
    settings: Settings,
    input_root: Path,
    on_items: Callable[[pd.DataFrame], None] | None = None,
) -> Result:
    """Reconcile the line items of ``files`` (SPEC 4) into a :class:`Result` ready to render.

    The result does not depend on the order of ``files``: files are taken in order of their
    relative name, and every table is sorted explicitly. ``on_items`` is called with the final item
    table (``Result.items``) as soon as it exists, before the rest of the work.
    """
    # Moving a million item references into arrays makes the cyclic garbage collector walk every
    # live object again and again (a third of the run time); the engine builds no cycles of its own.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _reconcile(files, settings, input_root, on_items)
    finally:
        if was_enabled:
            gc.enable()


def _reconcile(
    files: list[FileResult],
    settings: Settings,
    input_root: Path,
    on_items: Callable[[pd.DataFrame], None] | None,
) -> Result:
    files = sorted(files, key=lambda f: (f.rel, f.mtime))
    findings: list[Finding] = [f for fr in files for f in fr.findings]

    t = _build_tables(files)
    if on_items is not None:
        on_items(t.items)
    as_of_limit = settings.as_of.toordinal() if settings.as_of else None
    work = _usable(t.work, as_of_limit)
    work, dup_findings = _drop_duplicates(work, t)
    findings += dup_findings
    work, used_files, conflict_findings = _resolve_conflicts(work, t)
    findings += conflict_findings

    work = _take(work, np.argsort(combine(work["_kid"].to_numpy(), work["_p"].to_numpy()), kind="stable"))
    if len(work):
        as_of_ord = as_of_limit if as_of_limit is not None else int(work["_p"].max())
        as_of: dt.date | None = dt.date.fromordinal(as_of_ord)
    else:
        as_of_ord, as_of = 0, settings.as_of

    disb, inm_findings = _cumulative(work, t)
    findings += inm_findings
    summary, latest_work, sum_findings = _summarise(work, disb, as_of_ord, settings, t)
    findings += sum_findings
    findings += _missing_periods(work, t)

    is_latest = summary["is_latest"].to_numpy()
    # A single period's summary (a national roll-up) is all latest rows: share it, not a copy.
    latest = summary if is_latest.all() and summary.index.equals(pd.RangeIndex(len(summary))) else None
    if latest is None:
        latest = summary[is_latest].reset_index(drop=True)
    units = sorted(set(t.units[np.unique(work["_u"].to_numpy())].tolist()))
    consolidated = _consolidate(latest_work, as_of_ord, settings, t) if len(units) >= 2 else None
    periods = [dt.date.fromordinal(int(p)) for p in np.unique(work["_p"].to_numpy())]

    from .ledger import build_ledgers  # SPEC 9, from the figures above
    from .treasury_hook import compare_treasury

    ledger, ledger_consolidated = build_ledgers(latest, summary, as_of, settings)
    treasury, treasury_findings = compare_treasury(files, summary, t.items, settings)
    findings += treasury_findings
    findings.sort(key=Finding.sort_key)
    return Result(
        settings=settings,
        input_root=input_root,
        files=files,
        items=t.items,
        summary=summary,
        latest=latest,
        findings=findings,
        periods=periods,
        as_of=as_of,
        units=units,
        consolidated=consolidated,
        used_files=used_files,
        ledger=ledger,
        ledger_consolidated=ledger_consolidated,
        treasury=treasury,
    )


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


def _collect(files: Sequence[FileResult]) -> tuple[dict[str, Any], np.ndarray, np.ndarray, np.ndarray]:
    """Item fields as one array per column, with file rank, sheet order and position in the sheet.

    Readers hand over LineItem objects or columns (lists, NumPy arrays, Coded, CellRefs); columns a
    reader leaves out are the same on every row of its sheet (file, sheet, unit, period). Text and
    cell columns come back as Categoricals (see :func:`_join_text`), the others as arrays.
    """
    parts: dict[str, list[Any]] = {c: [] for c in LINE_ITEM_COLUMNS}
    fi_parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    si_parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    pos_parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    getter = attrgetter(*LINE_ITEM_COLUMNS)
    for fi, fr in enumerate(files):
        for si, sh in enumerate(fr.sheets):
            n = 0
            if sh.items:
                n = len(sh.items)
                rows = zip(*map(getter, sh.items), strict=True)
                for name, values in zip(LINE_ITEM_COLUMNS, rows, strict=True):
                    parts[name].append(values)
            if sh.columns:
                m = max((len(v) for v in sh.columns.values()), default=0)
                fallback = {
                    "file": sh.file or fr.rel,
                    "sheet": sh.sheet,
                    "unit": sh.unit,
                    "period": sh.period,
                }
                for name in LINE_ITEM_COLUMNS:
                    given = sh.columns.get(name)
                    if given is None:
                        parts[name].append(_Same(fallback.get(name), m))
                    else:
                        parts[name].append(given)
                        if len(given) < m:
                            parts[name].append(_Same(None, m - len(given)))
                n += m
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
    return cols, file_rank, np.concatenate(si_parts), np.concatenate(pos_parts)


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
    cols, fi, si, pos = _collect(files)
    n = len(fi)
    item_cols: dict[str, Any] = {}
    work_cols: dict[str, Any] = {"_i": np.arange(n, dtype=np.int64), "_fi": fi, "_si": si, "_pos": pos}
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


# ---------------------------------------------------------------------------------------------------
# Which items count
# ---------------------------------------------------------------------------------------------------


def _is_empty(v: np.ndarray) -> np.ndarray:
    return np.isnan(v) | (v == 0)


def _usable(work: pd.DataFrame, as_of_limit: int | None) -> pd.DataFrame:
    """Items that can count (known period, not after --as-of, a usable key, some figure), with keys.

    ``_kid`` is the key's rank in key order: unit, years, project, sub-project (none first), source.
    """
    keep = (work["_p"].to_numpy() > 0) & ~work["_bad"].to_numpy()
    keep &= ~(
        _is_empty(work["allocated"].to_numpy())
        & _is_empty(work["disbursed"].to_numpy())
        & _is_empty(work["disbursed_in_month"].to_numpy())
    )
    if as_of_limit is not None:
        keep &= work["_p"].to_numpy() <= as_of_limit
    work = _take(work, keep)
    return work.assign(_kid=dense(combine(*(work[c].to_numpy() for c in _KEY_CODES))))


def _first_cell(*cells: Any) -> str | None:
    for c in cells:
        if isinstance(c, str) and c:
            return c
    return None


def _place(t: _Tables, i: int, *cell_columns: str) -> dict[str, Any]:
    """file / sheet / cell of item ``i``: the first of ``cell_columns`` that was read."""
    return {
        "file": t.text(i, "file") or None,
        "sheet": t.text(i, "sheet") or None,
        "cell": _first_cell(*(t.text(i, c) for c in cell_columns)),
    }


def _describe(t: _Tables, i: int) -> str:
    label = t.text(i, "label")
    if label:
        return str(label)
    project = int(t.work["project"].to_numpy()[i])
    sub = int(t.work["_sub"].to_numpy()[i])
    sub_p = None if sub < 0 else sub
    return sub_project_name(project, sub_p) or project_name(project) or str(project)


def _drop_duplicates(work: pd.DataFrame, t: _Tables) -> tuple[pd.DataFrame, list[Finding]]:
    """The same key twice in one file and period: the first (lowest row) counts."""
    code = combine(work["_fi"].to_numpy(), work["_p"].to_numpy(), work["_kid"].to_numpy())
    involved = np.flatnonzero(pd.Series(code).duplicated(keep=False).to_numpy())
    findings: list[Finding] = []
    if not len(involved):
        return work, findings
    # Only the rows that share a key need ordering: by sheet order, then row, then reading order.
    order = np.lexsort(
        tuple(work[c].to_numpy()[involved] for c in ("_pos", "row", "_si")) + (code[involved],)
    )
    rows = involved[order]
    sorted_code = code[rows]
    is_first = np.r_[True, sorted_code[1:] != sorted_code[:-1]]
    first_row = rows[np.maximum.accumulate(np.where(is_first, np.arange(len(rows)), 0))]
    dup = np.zeros(len(work), dtype=bool)
    dup[rows[~is_first]] = True
    items_i, fi = work["_i"].to_numpy(), work["_fi"].to_numpy()
    cells = ("allocated_cell", "disbursed_cell", "in_month_cell")
    for k, f in zip(rows[~is_first].tolist(), first_row[~is_first].tolist(), strict=True):
        i, j = int(items_i[k]), int(items_i[f])
        place = _place(t, i, *cells)
        first = _first_cell(*(t.text(j, col) for col in cells)) or ""
        if first and t.text(j, "sheet") != place["sheet"]:
            first = f"'{t.text(j, 'sheet')}'!{first}"
        place["file"] = place["file"] or t.files[int(fi[k])].rel
        findings.append(Finding("duplicate_line", **place, params={"what": _describe(t, i), "first": first}))
    return _take(work, ~dup), findings


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Equal within the rounding tolerance, an empty cell counting as zero."""
    return np.abs(np.nan_to_num(a) - np.nan_to_num(b)) <= TOL


def _resolve_conflicts(
    work: pd.DataFrame, t: _Tables
) -> tuple[pd.DataFrame, dict[tuple[str, dt.date], str], list[Finding]]:
    """Two or more files with items for one (unit, period): the last saved (then the later name) wins."""
    if not len(work):
        return work, {}, []
    files = t.files
    mtimes = np.array([f.mtime for f in files], dtype=np.float64)
    gu = dense(combine(work["_u"].to_numpy(), work["_p"].to_numpy()))
    fi = work["_fi"].to_numpy()
    nf = len(files)
    pair = pd.unique(gu * nf + fi)  # distinct (group, file) pairs
    pg, pf = pair // nf, pair % nf
    order = np.lexsort((pf, mtimes[pf], pg))  # per group: oldest first, then by name
    pg, pf = pg[order], pf[order]
    last = np.r_[pg[1:] != pg[:-1], True]
    n_groups = int(gu.max()) + 1
    winner = np.full(n_groups, -1, dtype=np.int64)
    winner[pg[last]] = pf[last]
    nfiles = np.bincount(pg, minlength=n_groups)
    is_winner = fi == winner[gu]

    group_u = np.zeros(n_groups, dtype=np.int64)
    group_p = np.zeros(n_groups, dtype=np.int64)
    group_u[gu] = work["_u"].to_numpy()
    group_p[gu] = work["_p"].to_numpy()
    used_files = {
        (str(t.units[u]), dt.date.fromordinal(int(p))): files[int(w)].rel
        for u, p, w in zip(group_u.tolist(), group_p.tolist(), winner.tolist(), strict=True)
    }

    findings: list[Finding] = []
    in_conflict = nfiles[gu] > 1
    if in_conflict.any():
        amounts = ["allocated", "disbursed", "disbursed_in_month"]
        sub = work.loc[in_conflict, ["_kid", *amounts]]
        sub = sub.assign(gu=gu[in_conflict], fi=fi[in_conflict])
        win = sub[is_winner[in_conflict]].drop(columns="fi")
        lose = sub[~is_winner[in_conflict]]
        m = lose.merge(win, on=["gu", "_kid"], how="left", suffixes=("", "_w"), indicator=True)
        differs = np.array(m["_merge"] == "left_only", dtype=bool)
        for c in amounts:
            differs |= ~_close(m[c].to_numpy(), m[f"{c}_w"].to_numpy())
        m = m.assign(differs=differs, matched=~differs)
        per_loser = m.groupby(["gu", "fi"], sort=True).agg(
            differs=("differs", "any"), matched=("matched", "sum")
        )
        win_count = np.bincount(win["gu"].to_numpy(), minlength=n_groups)
        for (g, lf), differ, matched in zip(
            per_loser.index.tolist(),
            per_loser["differs"].tolist(),
            per_loser["matched"].tolist(),
            strict=True,
        ):
            if not differ and matched == win_count[g]:
                continue  # the same figures twice: nothing to tell
            loser, used = files[int(lf)].rel, files[int(winner[g])].rel
            params = {
                "period": dt.date.fromordinal(int(group_p[g])),
                "unit": str(t.units[group_u[g]]),
                "files": sorted([loser, used]),
                "used": used,
            }
            findings.append(Finding("period_conflict", file=loser, params=params))
    return _take(work, is_winner), used_files, findings


# ---------------------------------------------------------------------------------------------------
# Cumulative figures
# ---------------------------------------------------------------------------------------------------


def _key_starts(kid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of its key, last row of its key) masks; rows sorted by key."""
    n = len(kid)
    first = np.ones(n, dtype=bool)
    last = np.ones(n, dtype=bool)
    if n:
        first[1:] = kid[1:] != kid[:-1]
        last[:-1] = first[1:]
    return first, last


def _shift(a: np.ndarray, first: np.ndarray, fill: float | int) -> np.ndarray:
    """The previous row's value within the key (``fill`` at a key's first row); rows sorted by key."""
    out = np.empty_like(a)
    if len(a):
        out[1:] = a[:-1]
        out[first] = fill
    return out


def _month_index(ordinals: np.ndarray) -> np.ndarray:
    """year * 12 + month - 1 of each date ordinal."""

    def one(o: int) -> int:
        d = dt.date.fromordinal(o)
        return d.year * 12 + d.month - 1

    return _per_value(ordinals, one, np.int64)


def _cumulative(work: pd.DataFrame, t: _Tables) -> tuple[np.ndarray, list[Finding]]:
    """Cumulative disbursed per row (rows sorted by key and period) and in-month mismatches."""
    kid = work["_kid"].to_numpy()
    raw = work["disbursed"].to_numpy(dtype=np.float64)
    inm = work["disbursed_in_month"].to_numpy(dtype=np.float64)
    first, _ = _key_starts(kid)

    known = ~np.isnan(raw)
    need = ~known & (~np.isnan(inm) | work["_imc"].to_numpy())
    disb = raw.copy()
    if need.any():
        # Running sum of in-month amounts since the key's last written cumulative figure.
        g = pd.Series(kid)
        cum_in = pd.Series(np.nan_to_num(inm)).groupby(g).cumsum().to_numpy()
        base_d = pd.Series(np.where(known, raw, np.nan)).groupby(g).ffill().to_numpy()
        base_c = pd.Series(np.where(known, cum_in, np.nan)).groupby(g).ffill().to_numpy()
        filled = np.where(np.isnan(base_d), cum_in, base_d + cum_in - base_c)
        disb = np.where(need, np.round(filled, DECIMALS), raw)
    disb = np.nan_to_num(disb, nan=0.0)  # an empty cumulative cell: nothing disbursed

    findings: list[Finding] = []
    both = known & ~np.isnan(inm)
    if both.any():
        p = work["_p"].to_numpy()
        ey = work["execution_year"].to_numpy()
        mi = _month_index(p)
        prev_d = _shift(disb, first, np.nan)
        prev_p = _shift(p, first, _NO_DATE)
        prev_mi = _shift(mi, first, -10)
        january_start = first & (mi == ey * 12)
        check = both & ((~first & (mi - prev_mi == 1)) | january_start)
        increase = np.where(january_start, disb, disb - prev_d)
        with np.errstate(invalid="ignore"):
            bad = check & (np.abs(increase - inm) > TOL)
        items_i = work["_i"].to_numpy()
        for k in np.flatnonzero(bad).tolist():
            if january_start[k]:
                before = dt.date(int(ey[k]) - 1, 12, 31)
            else:
                before = dt.date.fromordinal(int(prev_p[k]))
            params = {
                "in_month": float(inm[k]),
                "increase": round(float(increase[k]), DECIMALS),
                "before_period": before,
            }
            place = _place(t, int(items_i[k]), "in_month_cell", "disbursed_cell")
            findings.append(Finding("in_month_mismatch", **place, params=params))
    return disb, findings


# ---------------------------------------------------------------------------------------------------
# Figures, statuses and their findings
# ---------------------------------------------------------------------------------------------------


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def deadline_of(settings: Settings, execution_year: int, budget_year: int | None = None) -> dt.date:
    """The deadline of funds of ``budget_year`` executed in ``execution_year``: the budget year's own
    deadline from ``[deadlines]`` when one is set (SPEC 9), else ``settings.deadline`` made safe (a
    day past the month's end, 31/02, means the month's last day)."""
    for year, due in settings.deadlines:
        if year == budget_year:
            return due
    try:
        return settings.deadline(execution_year)
    except ValueError:
        y = execution_year + settings.deadline_year_offset
        m = min(max(settings.deadline_month, 1), 12)
        return dt.date(y, m, calendar.monthrange(y, m)[1])


def expected_rate(on: dt.date, execution_year: int, pace_profile: Sequence[float] | None = None) -> float:
    """The share of the allocation that should be disbursed by ``on`` (SPEC 4), in [0, 1].

    Linear: days from 1 January of the execution year to ``on``, both counted, over the days of that
    year (273/365 at 30/9/2023). With a 12-value cumulative profile (Jan..Dec month ends) the rate is
    interpolated by day within the month, and is 1 after the execution year.
    """
    start = dt.date(execution_year, 1, 1)
    if pace_profile is None or len(pace_profile) != 12:
        frac = ((on - start).days + 1) / _days_in_year(execution_year)
    elif on < start:
        frac = 0.0
    elif on.year > execution_year:
        frac = 1.0
    else:
        lo = float(pace_profile[on.month - 2]) if on.month > 1 else 0.0
        hi = float(pace_profile[on.month - 1])
        frac = lo + (hi - lo) * on.day / calendar.monthrange(on.year, on.month)[1]
    return min(max(frac, 0.0), 1.0)


def months_back(on: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier; a month end maps to a month end."""
    y, m0 = divmod(on.year * 12 + on.month - 1 - months, 12)
    dim = calendar.monthrange(y, m0 + 1)[1]
    day = dim if on.day == calendar.monthrange(on.year, on.month)[1] else min(on.day, dim)
    return dt.date(y, m0 + 1, day)


def _run_rates(kid: np.ndarray, p: np.ndarray, disb: np.ndarray, ey: np.ndarray) -> np.ndarray:
    """Run-rate (average monthly increase) at each row; rows sorted by key and period.

    From the key's reports dated on or after 1 January of its execution year, up to the row: with
    one report, cumulative / months elapsed; else the increase since the latest report at least
    three months earlier (the first report if none is that old) per month between them.
    """
    n = len(kid)
    run = np.full(n, np.nan)
    if n == 0:
        return run
    start = _per_value(ey, lambda y: dt.date(y, 1, 1).toordinal(), np.int64)
    mpd = 12 / _per_value(ey, _days_in_year, np.float64)  # months per day
    active = p >= start
    first, _ = _key_starts(kid)
    idx = np.arange(n)
    key_start = np.maximum.accumulate(np.where(first, idx, 0))
    active_before: np.ndarray = np.cumsum(active) - active
    n_before: np.ndarray = (
        active_before - active_before[key_start]
    )  # the key's active reports before this one
    single = active & (n_before == 0)
    run[single] = disb[single] / ((p[single] - start[single] + 1) * mpd[single])

    multi = active & (n_before > 0)
    if multi.any():
        rows = np.flatnonzero(multi)
        threshold = _per_value(
            p[rows], lambda o: months_back(dt.date.fromordinal(o), 3).toordinal(), np.int64
        )
        # Rows are sorted by (key, period), so one increasing code finds the baseline by bisection:
        # the key's latest active report dated on or before the threshold.
        act = np.flatnonzero(active)
        pmin = int(p.min())
        span = int(p.max()) - pmin + 1
        code = kid[act] * span + (p[act] - pmin)
        j = np.searchsorted(code, kid[rows] * span + (threshold - pmin), side="right") - 1
        found = (j >= 0) & (kid[act[np.maximum(j, 0)]] == kid[rows])
        # None that old: the key's first report in the execution year.
        first_active = np.maximum.accumulate(np.where(single, idx, 0))
        base = np.where(found, act[np.maximum(j, 0)], first_active[rows])
        run[rows] = (disb[rows] - disb[base]) / ((p[rows] - p[base]) * mpd[rows])
    # A falling cumulative figure is a data error (cumulative_decrease), not a pace.
    return np.maximum(run, 0.0)


def _evaluate(
    allocated: np.ndarray,
    disbursed: np.ndarray,
    run_rate: np.ndarray,
    on: np.ndarray,
    execution_year: np.ndarray,
    settings: Settings,
    budget_year: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Rate, shortfall, pace, projection and status of figures evaluated at dates ``on`` (ordinals)."""
    alloc0 = np.nan_to_num(allocated)
    years = execution_year.astype(np.int64)
    if settings.deadlines and budget_year is not None:  # a budget year's own deadline (SPEC 9)
        by = budget_year.astype(np.int64)
        deadline = _per_pair(by, years, lambda b, y: deadline_of(settings, y, b).toordinal(), np.int64)
    else:
        deadline = _per_value(years, lambda y: deadline_of(settings, y).toordinal(), np.int64)
    diy = _per_value(years, _days_in_year, np.float64)
    profile = settings.pace_profile
    expected = _per_pair(
        on, years, lambda o, y: expected_rate(dt.date.fromordinal(o), y, profile), np.float64
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(alloc0 > 0, disbursed / np.where(alloc0 > 0, alloc0, 1.0), np.nan)
    goal = alloc0 * settings.target
    shortfall = np.round(np.maximum(goal - disbursed, 0.0), DECIMALS)
    days_left = (deadline - on).astype(np.int64)
    months_left = np.maximum(days_left, 0) / diy * 12
    projection = np.round(disbursed + run_rate * months_left, DECIMALS)
    # With less than a month left the whole shortfall is due this month.
    required = np.round(shortfall / np.maximum(months_left, 1.0), DECIMALS)

    no_alloc = ~(alloc0 > 0) & (disbursed > TOL)
    over = disbursed > alloc0 + TOL
    met = disbursed >= goal - TOL
    missed = on > deadline
    with np.errstate(invalid="ignore"):
        behind = rate < expected - RATE_EPS
        at_risk = projection < goal - TOL
    code = np.select([no_alloc, over, met, missed, behind, at_risk], [0, 1, 2, 3, 4, 5], default=6)
    return {
        "rate": rate,
        "shortfall": shortfall,
        "status": _STATUS_BY_PRECEDENCE[code],
        "status_code": code,
        "expected_rate": expected,
        "projection": projection,
        "deadline": deadline,
        "days_left": days_left,
        "months_left": months_left,
        "required_monthly": required,
    }


def _frame(
    t: _Tables, keys: pd.DataFrame, unit: np.ndarray | pd.Categorical, cols: dict[str, Any]
) -> pd.DataFrame:
    """A summary-shaped frame (SUMMARY_COLUMNS) from key codes and computed columns."""
    n = len(keys)
    sub = keys["_sub"].to_numpy()
    data: dict[str, Any] = {
        "unit": pd.Series(unit) if isinstance(unit, pd.Categorical) else pd.Series(unit, dtype=object),
        **{
            name: keys[name].to_numpy(dtype=np.int64) for name in ("budget_year", "execution_year", "project")
        },
        "sub_project": _nullable_int(np.where(sub < 0, np.nan, sub.astype(np.float64))),
        "source": pd.Series(t.sources[keys["_src"].to_numpy()] if n else [], dtype=object),
    }
    for name in SUMMARY_COLUMNS[len(KEY_COLUMNS) :]:
        v = cols[name]
        data[name] = pd.Series(v, dtype=object) if v.dtype == object else v
    return pd.DataFrame(data, index=pd.RangeIndex(n), columns=list(SUMMARY_COLUMNS), copy=False)


def _figure_columns(
    p: np.ndarray,
    alloc: np.ndarray,
    disb: np.ndarray,
    increment: np.ndarray,
    run: np.ndarray,
    ev: dict[str, np.ndarray],
    is_latest: np.ndarray,
    item_index: np.ndarray,
) -> dict[str, Any]:
    """The summary's figure columns (everything after the key), for per-unit and consolidated rows alike."""
    return {
        "period": _dates(p),
        "allocated": alloc,
        "disbursed": disb,
        "rate": ev["rate"],
        "shortfall": ev["shortfall"],
        "status": ev["status"],
        "increment": increment,
        "expected_rate": ev["expected_rate"],
        "run_rate": run,
        "projection": ev["projection"],
        "deadline": _dates(ev["deadline"]),
        "days_left": ev["days_left"],
        "months_left": ev["months_left"],
        "required_monthly": ev["required_monthly"],
        "is_latest": is_latest,
        "item_index": item_index,
    }


def _summarise(
    work: pd.DataFrame, disb: np.ndarray, as_of_ord: int, settings: Settings, t: _Tables
) -> tuple[pd.DataFrame, pd.DataFrame, list[Finding]]:
    """Per key and period figures (rows sorted by key and period), the latest rows' working figures,
    and the findings the figures raise."""
    kid = work["_kid"].to_numpy()
    p = work["_p"].to_numpy()
    ey = work["execution_year"].to_numpy()
    alloc = work["allocated"].to_numpy(dtype=np.float64)
    first, is_latest = _key_starts(kid)

    run = _run_rates(kid, p, disb, ey)
    # Every row is judged at its own period, the latest at as_of (later than it with --as-of).
    on = np.where(is_latest, as_of_ord, p)
    ev = _evaluate(alloc, disb, run, on, ey, settings, work["budget_year"].to_numpy())
    increment = np.round(disb - _shift(disb, first, 0.0), DECIMALS)

    cols = _figure_columns(p, alloc, disb, increment, run, ev, is_latest, work["_i"].to_numpy(dtype=np.int64))
    # The units as codes into the sorted distinct units: a national summary has a million rows of
    # twenty thousand units, which the writers then find distinct without hashing every row.
    units = pd.Categorical.from_codes(work["_u"].to_numpy(), categories=pd.Index(t.units, dtype=object))
    summary = _frame(t, work, units, cols)
    latest_work = work.loc[
        is_latest, ["_u", "budget_year", "execution_year", "project", "_sub", "_src", "_p"]
    ]
    latest_work = latest_work.assign(
        allocated=alloc[is_latest],
        disbursed=disb[is_latest],
        run_rate=run[is_latest],
        increment=increment[is_latest],
    )
    return summary, latest_work, _figure_findings(work, disb, first, ev["status_code"], t)


def _figure_findings(
    work: pd.DataFrame, disb: np.ndarray, first: np.ndarray, status_code: np.ndarray, t: _Tables
) -> list[Finding]:
    """over_disbursed (at every period where it happens), cumulative_decrease, allocation_changed."""
    p = work["_p"].to_numpy()
    items_i = work["_i"].to_numpy()
    alloc0 = np.nan_to_num(work["allocated"].to_numpy(dtype=np.float64))
    prev_d = _shift(disb, first, np.nan)
    prev_a = _shift(alloc0, first, np.nan)
    prev_p = _shift(p, first, _NO_DATE)
    over = status_code <= 1  # no_allocation or over
    with np.errstate(invalid="ignore"):
        fell = ~first & (prev_d - disb > TOL)
        changed = ~first & (np.abs(alloc0 - prev_a) > TOL)
    money_cells = ("disbursed_cell", "in_month_cell", "allocated_cell")

    def before_after(k: int, before: float, after: float) -> dict[str, Any]:
        return {
            "before": float(before),
            "before_period": dt.date.fromordinal(int(prev_p[k])),
            "after": float(after),
            "after_period": dt.date.fromordinal(int(p[k])),
        }

    out: list[Finding] = []
    for k in np.flatnonzero(over).tolist():
        params = {
            "disbursed": float(disb[k]),
            "allocated": float(alloc0[k]),
            "excess": round(float(disb[k] - alloc0[k]), DECIMALS),
        }
        out.append(Finding("over_disbursed", **_place(t, int(items_i[k]), *money_cells), params=params))
    for k in np.flatnonzero(fell).tolist():
        params = before_after(k, prev_d[k], disb[k])
        out.append(Finding("cumulative_decrease", **_place(t, int(items_i[k]), *money_cells), params=params))
    for k in np.flatnonzero(changed).tolist():
        params = before_after(k, prev_a[k], alloc0[k])
        place = _place(t, int(items_i[k]), "allocated_cell", "disbursed_cell", "in_month_cell")
        out.append(Finding("allocation_changed", **place, params=params))
    return out


# ---------------------------------------------------------------------------------------------------
# Missing months
# ---------------------------------------------------------------------------------------------------


def _month_end(month_index: int) -> dt.date:
    y, m0 = divmod(month_index, 12)
    return dt.date(y, m0 + 1, calendar.monthrange(y, m0 + 1)[1])


def missing_months(periods: Iterable[dt.date]) -> list[dt.date]:
    """Month ends missing inside a series of report dates (quarter ends for a quarterly series).

    A series whose reports all fall in quarter-end months (March, June, September, December) is
    quarterly: the months between its quarters are not missing.
    """
    months = sorted({d.year * 12 + d.month - 1 for d in periods})
    if len(months) < 2:
        return []
    step = 3 if all(m % 3 == 2 for m in months) else 1
    present = set(months)
    return [_month_end(m) for m in range(months[0], months[-1] + 1, step) if m not in present]


def _missing_periods(work: pd.DataFrame, t: _Tables) -> list[Finding]:
    """One ``missing_period`` per month missing inside each unit's series of reports."""
    if not len(work):
        return []
    pairs = work[["_u", "_p"]].drop_duplicates().sort_values(["_u", "_p"], kind="stable")
    out: list[Finding] = []
    u_arr, p_arr = pairs["_u"].to_numpy(), pairs["_p"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, u_arr[1:] != u_arr[:-1], True])
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        dates = [dt.date.fromordinal(int(o)) for o in p_arr[a:b].tolist()]
        unit = str(t.units[int(u_arr[a])])
        for missing in missing_months(dates):
            params = {"unit": unit, "period": missing, "first": dates[0], "last": dates[-1]}
            out.append(Finding("missing_period", params=params))
    return out


# ---------------------------------------------------------------------------------------------------
# Consolidation across units
# ---------------------------------------------------------------------------------------------------


def _consolidate(latest: pd.DataFrame, as_of_ord: int, settings: Settings, t: _Tables) -> pd.DataFrame:
    """Latest figures summed across units per (budget_year, execution_year, project, sub_project,
    source), evaluated at as_of; the run-rate is the sum of the units' run-rates."""
    by = ["budget_year", "execution_year", "project", "_sub", "_src"]
    agg = (
        latest.groupby(by, sort=True)
        .agg(
            allocated=("allocated", lambda s: s.sum(min_count=1)),
            disbursed=("disbursed", "sum"),
            run_rate=("run_rate", lambda s: s.sum(min_count=1)),
            increment=("increment", "sum"),
            _p=("_p", "max"),
        )
        .reset_index()
    )
    n = len(agg)
    alloc = agg["allocated"].to_numpy(dtype=np.float64)
    disb = np.round(agg["disbursed"].to_numpy(dtype=np.float64), DECIMALS)
    run = agg["run_rate"].to_numpy(dtype=np.float64)
    ey = agg["execution_year"].to_numpy(dtype=np.int64)
    on = np.full(n, as_of_ord, dtype=np.int64)
    ev = _evaluate(alloc, disb, run, on, ey, settings, agg["budget_year"].to_numpy())
    cols = _figure_columns(
        agg["_p"].to_numpy(dtype=np.int64),
        np.round(alloc, DECIMALS),
        disb,
        np.round(agg["increment"].to_numpy(dtype=np.float64), DECIMALS),
        run,
        ev,
        np.ones(n, dtype=bool),
        np.full(n, -1, dtype=np.int64),  # a consolidated row comes from no single item
    )
    return _frame(t, agg, np.full(n, "", dtype=object), cols)
