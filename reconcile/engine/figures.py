"""Figures and statuses (SPEC 4): run-rate, rate, shortfall, projection, required monthly amount
and status per key and period, the findings they raise, and the latest figures summed across units.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..models import (
    IDENTITY_COLUMNS,
    KEY_COLUMNS,
    Finding,
    Settings,
)
from ..pace import days_in_year as _days_in_year
from ..pace import deadline_of, expected_rate, months_back
from .checks import _key_starts, _place, _shift
from .items import (
    _INCOMPLETE,
    _NO_DATE,
    _STATUS_BY_PRECEDENCE,
    DECIMALS,
    RATE_EPS,
    SUMMARY_COLUMNS,
    TOL,
    _dates,
    _nullable_int,
    _per_pair,
    _per_value,
    _Tables,
)

# ---------------------------------------------------------------------------------------------------
# Figures, statuses and their findings
# ---------------------------------------------------------------------------------------------------


def _run_rates(
    kid: np.ndarray, p: np.ndarray, disb: np.ndarray, ey: np.ndarray, known: np.ndarray
) -> np.ndarray:
    """Run-rate (average monthly increase) at each row; rows sorted by key and period.

    From the key's ``known`` reports (not incomplete) dated on or after 1 January of its execution
    year, up to the row (NaN at an incomplete row): with
    one report, cumulative / months elapsed; else the increase since the latest report at least
    three months earlier (the first report if none is that old) per month between them.
    """
    n = len(kid)
    run = np.full(n, np.nan)
    if n == 0:
        return run
    start = _per_value(ey, lambda y: dt.date(y, 1, 1).toordinal(), np.int64)
    mpd = 12 / _per_value(ey, _days_in_year, np.float64)  # months per day
    active = (p >= start) & known
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
        if name in IDENTITY_COLUMNS:
            continue
        v = cols[name]
        data[name] = pd.Series(v, dtype=object) if v.dtype == object else v
    # The identity a key carries (SPEC 12): that of its first item (every item of a key has it).
    at = keys["_i"].to_numpy(dtype=np.int64) if n else np.zeros(0, dtype=np.int64)
    for name in IDENTITY_COLUMNS:
        data[name] = _take_text(t.items[name], at)
    return pd.DataFrame(data, index=pd.RangeIndex(n), columns=list(SUMMARY_COLUMNS), copy=False)


def _take_text(column: pd.Series, at: np.ndarray) -> pd.Series:
    """Rows ``at`` of an item text column; a Categorical stays one (its codes taken, no million string
    objects: a national summary's identity columns hold a handful of distinct texts)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()[at] if len(column) else np.zeros(0, dtype=np.int8)
        return pd.Series(pd.Categorical.from_codes(codes, dtype=column.dtype))
    return pd.Series(
        column.to_numpy(dtype=object)[at] if len(column) else np.zeros(0, dtype=object), dtype=object
    )


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
    incomplete = (work["_unk"].to_numpy() != 0) | np.isnan(disb)

    run = _run_rates(kid, p, disb, ey, ~incomplete)
    # Every row is judged at its own period, the latest at as_of (later than it with --as-of).
    on = np.where(is_latest, as_of_ord, p)
    ev = _incomplete(
        _evaluate(alloc, disb, run, on, ey, settings, work["budget_year"].to_numpy()), incomplete
    )
    increment = np.round(disb - _shift(disb, first, 0.0), DECIMALS)

    cols = _figure_columns(p, alloc, disb, increment, run, ev, is_latest, work["_i"].to_numpy(dtype=np.int64))
    # The units as codes into the sorted distinct units: a national summary has a million rows of
    # twenty thousand units, which the writers then find distinct without hashing every row.
    units = pd.Categorical.from_codes(work["_u"].to_numpy(), categories=pd.Index(t.units, dtype=object))
    summary = _frame(t, work, units, cols)
    latest_work = work.loc[
        is_latest,
        ["_u", "_prog", "budget_year", "execution_year", "project", "_sub", "_pid", "_src", "_p", "_i"],
    ]
    latest_work = latest_work.assign(
        allocated=alloc[is_latest],
        disbursed=disb[is_latest],
        run_rate=run[is_latest],
        increment=increment[is_latest],
        _inc=incomplete[is_latest],
    )
    return summary, latest_work, _figure_findings(work, disb, first, ev["status_code"], incomplete, t)


def _incomplete(ev: dict[str, np.ndarray], incomplete: np.ndarray) -> dict[str, np.ndarray]:
    """``ev`` with the rows whose figure is not known marked ``incomplete``: no rate, shortfall,
    projection or required amount is computed from a figure that is not known."""
    if not incomplete.any():
        return ev
    out = dict(ev)
    for name in ("rate", "shortfall", "projection", "required_monthly"):
        out[name] = np.where(incomplete, np.nan, ev[name])
    out["status_code"] = np.where(incomplete, _INCOMPLETE, ev["status_code"])
    out["status"] = _STATUS_BY_PRECEDENCE[out["status_code"]]
    return out


def _previous_known(known: np.ndarray, kid: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Per row, the latest earlier row of its key whose figures are known (-1: none); rows sorted
    by key and period."""
    n = len(known)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    latest = np.maximum.accumulate(np.where(known, np.arange(n), -1))
    latest = np.where((latest >= 0) & (kid[np.maximum(latest, 0)] == kid), latest, -1)
    return _shift(latest, first, -1)


def _figure_findings(
    work: pd.DataFrame,
    disb: np.ndarray,
    first: np.ndarray,
    status_code: np.ndarray,
    incomplete: np.ndarray,
    t: _Tables,
) -> list[Finding]:
    """over_disbursed (at every period where it happens), cumulative_decrease, allocation_changed.

    A period whose figures are not known (``incomplete``) takes part in no comparison between
    periods: a later period is compared with the latest known one before it.
    """
    p = work["_p"].to_numpy()
    items_i = work["_i"].to_numpy()
    alloc0 = np.nan_to_num(work["allocated"].to_numpy(dtype=np.float64))
    before = _previous_known(~incomplete, work["_kid"].to_numpy(), first)
    has_before = (before >= 0) & ~incomplete
    at = np.maximum(before, 0)
    prev_d = np.where(has_before, disb[at], np.nan)
    prev_a = np.where(has_before, alloc0[at], np.nan)
    prev_p = np.where(has_before, p[at], _NO_DATE)
    over = status_code <= 1  # no_allocation or over
    with np.errstate(invalid="ignore"):
        fell = has_before & (prev_d - disb > TOL)
        changed = has_before & (np.abs(alloc0 - prev_a) > TOL)
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
# Consolidation across units
# ---------------------------------------------------------------------------------------------------


def _consolidate(latest: pd.DataFrame, as_of_ord: int, settings: Settings, t: _Tables) -> pd.DataFrame:
    """Latest figures summed across units per (budget_year, execution_year, project, sub_project,
    source), evaluated at as_of; the run-rate is the sum of the units' run-rates."""
    by = ["_prog", "budget_year", "execution_year", "project", "_sub", "_pid", "_src"]
    agg = (
        latest.groupby(by, sort=True)
        .agg(
            allocated=("allocated", lambda s: s.sum(min_count=1)),
            disbursed=("disbursed", "sum"),
            run_rate=("run_rate", lambda s: s.sum(min_count=1)),
            increment=("increment", "sum"),
            _p=("_p", "max"),
            _inc=("_inc", "any"),
            _i=("_i", "first"),
        )
        .reset_index()
    )
    n = len(agg)
    # A unit whose figure is not known makes the total not known: never the sum of the others.
    incomplete = agg["_inc"].to_numpy(dtype=bool)
    alloc = np.where(incomplete, np.nan, agg["allocated"].to_numpy(dtype=np.float64))
    disb = np.where(incomplete, np.nan, np.round(agg["disbursed"].to_numpy(dtype=np.float64), DECIMALS))
    run = agg["run_rate"].to_numpy(dtype=np.float64)
    ey = agg["execution_year"].to_numpy(dtype=np.int64)
    on = np.full(n, as_of_ord, dtype=np.int64)
    ev = _incomplete(_evaluate(alloc, disb, run, on, ey, settings, agg["budget_year"].to_numpy()), incomplete)
    cols = _figure_columns(
        agg["_p"].to_numpy(dtype=np.int64),
        np.round(alloc, DECIMALS),
        disb,
        np.where(incomplete, np.nan, np.round(agg["increment"].to_numpy(dtype=np.float64), DECIMALS)),
        run,
        ev,
        np.ones(n, dtype=bool),
        np.full(n, -1, dtype=np.int64),  # a consolidated row comes from no single item
    )
    return _frame(t, agg, np.full(n, "", dtype=object), cols)
