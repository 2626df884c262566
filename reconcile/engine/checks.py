"""Which line items count (SPEC 4): usable keys, duplicates, period conflicts, cumulative figures
built from in-month amounts, and the months missing in a unit's series, with their findings.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..catalogue import project_name, sub_project_name
from ..codes import combine, dense
from ..models import UNKNOWN_DISBURSED, UNKNOWN_IN_MONTH, Finding
from .items import _KEY_CODES, _NO_DATE, DECIMALS, TOL, _per_value, _Tables, _take

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
        & (work["_unk"].to_numpy() == 0)  # an amount written but unreadable makes a key, incomplete
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
    # One report per unit, programme and period: a unit's GNBV and DTTS&MN reports of one month are
    # two reports, not a conflict (SPEC 12).
    gu = dense(combine(work["_u"].to_numpy(), work["_prog"].to_numpy(), work["_p"].to_numpy()))
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
    """Cumulative disbursed per row (rows sorted by key and period; NaN where it is not known) and
    in-month mismatches."""
    kid = work["_kid"].to_numpy()
    raw = work["disbursed"].to_numpy(dtype=np.float64)
    inm = work["disbursed_in_month"].to_numpy(dtype=np.float64)
    unk = work["_unk"].to_numpy()
    first, _ = _key_starts(kid)

    known = ~np.isnan(raw)
    d_unknown = (unk & UNKNOWN_DISBURSED) != 0
    m_unknown = (unk & UNKNOWN_IN_MONTH) != 0
    need = ~known & ~d_unknown & (~np.isnan(inm) | work["_imc"].to_numpy() | m_unknown)
    if m_unknown.any():
        # A running sum over an unknown in-month amount is unknown until the next written cumulative.
        segment = pd.Series(known | d_unknown).groupby(kid).cumsum().to_numpy()
        poisoned = pd.Series(m_unknown).groupby([kid, segment]).cummax().to_numpy(dtype=bool)
        d_unknown = d_unknown | (need & poisoned)
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
    disb[d_unknown] = np.nan  # ...but one that could not be read is not known

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
