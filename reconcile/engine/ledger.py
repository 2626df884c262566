"""The ledger per unit and budget year (SPEC 9), in the form of the carry-over statement (Mẫu 04-SDKP,
Nghị định 11/2020/NĐ-CP): allocation brought forward, allocated in the year, adjustments, disbursed to
the cut-off, remaining, and a forecast of what will be cancelled or must be carried over.

It is built from the engine's figures at each key's latest period (``Result.latest``), summed over the
projects, sub-projects and sources of one unit, programme, budget year and execution year; nothing is
read again.

Rules (each tested in tests/test_ledger.py):

- One row per (unit, programme, budget_year, execution_year): funds of 2022 reported in 2022 and
  carried into 2023 give two rows, the earlier one ``carried_over`` (its remainder lives on in the
  later row). Two programmes of one unit and year are two rows, never one sum (SPEC 12): each has
  its own plan, carry-over and deadline. ``programme`` is the keys' as read ("" where the sheet
  names none).
- Brought forward = the first reported allocation of keys whose execution year is after their budget
  year; allocated in the year = the same of keys executed in their budget year; adjustments = the
  latest allocation minus the first (``allocation_changed``); allocated = the three together.
- The deadline is the budget year's own from ``[deadlines]``, else the execution year's (SPEC 4).
  Payments for work done are accepted until 31 January after a deadline at the end of a year: between
  the deadline and that day a row short of the target is ``payment_window``; after it, ``missed``, and
  the whole remainder is forecast as to be cancelled or carried over.
- Before the deadline, the status follows SPEC 4 on the row's totals (over, met, behind at the pace
  profile's expected rate, at_risk by the run-rate projection, on_track), and the forecast unspent is
  allocated − (disbursed + run-rate × months left), never below 0. In the payment window the
  run-rate runs to its last day.
- ``required_per_month`` = (allocated × target − disbursed) / max(months left, 1), as SPEC 4's
  ``required_monthly``; ``days_left`` = deadline − as-of (negative once it has passed).
- A row with a figure that could not be read (NaN disbursed, or a key ``incomplete``) is
  ``incomplete``: its amounts are unknown and shown empty, never partly summed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from ..codes import combine
from ..models import Settings
from ..pace import deadline_of, expected_rate

if TYPE_CHECKING:
    import pandas as pd

#: Columns of ``Result.ledger``, in order. Amounts in triệu đồng; ``deadline``, ``payment_until`` and
#: ``period`` (the latest report period of the row's keys) are dates; ``rate``/``expected_rate``
#: fractions; ``run_rate`` the sum of the keys' run-rates (triệu đồng a month).
LEDGER_COLUMNS: tuple[str, ...] = (
    "unit",
    "budget_year",
    "execution_year",
    "deadline",
    "brought_forward",
    "allocated_in_year",
    "adjustments",
    "allocated",
    "disbursed",
    "remaining",
    "days_left",
    "required_per_month",
    "forecast_unspent",
    "status",
    "period",
    "payment_until",
    "run_rate",
    "rate",
    "expected_rate",
    "programme",
)

#: Columns of ledger.csv: SPEC 9's, then the programme (SPEC 12), last as in the other CSVs.
LEDGER_CSV_COLUMNS: tuple[str, ...] = (
    "unit",
    "budget_year",
    "execution_year",
    "deadline",
    "allocated",
    "disbursed",
    "remaining",
    "days_left",
    "required_per_month",
    "forecast_unspent",
    "status",
    "programme",
)

#: Status codes of a ledger row: SPEC 4's, plus the payment window and funds carried into a later year.
LEDGER_STATUSES: tuple[str, ...] = (
    "incomplete",
    "no_allocation",
    "over",
    "met",
    "carried_over",
    "missed",
    "payment_window",
    "behind",
    "at_risk",
    "on_track",
)

TOL = 0.0005
_RATE_EPS = 1e-12
_DECIMALS = 6


def payment_until(deadline: dt.date) -> dt.date:
    """The last day the Treasury accepts payments for funds due on ``deadline``: 31 January of the
    next year for a deadline in December, the deadline itself otherwise (a deadline of 31/01 already
    includes the window)."""
    return dt.date(deadline.year + 1, 1, 31) if deadline.month == 12 else deadline


def build_ledger(
    latest: pd.DataFrame, summary: pd.DataFrame, as_of: dt.date | None, settings: Settings
) -> pd.DataFrame:
    """The ledger table (LEDGER_COLUMNS), sorted by unit, programme, budget year and execution year."""
    return build_ledgers(latest, summary, as_of, settings)[0]


def build_ledgers(
    latest: pd.DataFrame, summary: pd.DataFrame, as_of: dt.date | None, settings: Settings
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The ledger per unit (as :func:`build_ledger`) and, when the folder holds two units or more,
    the same summed across units per programme, budget and execution year (``unit`` = "")."""
    import pandas as pd

    if not len(latest) or as_of is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LEDGER_COLUMNS}), None
    is_latest = summary["is_latest"].to_numpy(dtype=bool)
    # summary is sorted by key and period and each key ends on its latest row: a key's first row
    # is the first row or the one after a latest row, in the same order as ``latest``.
    first_alloc = summary["allocated"].to_numpy(dtype=np.float64)[np.r_[True, is_latest[:-1]]]
    by = latest["budget_year"].to_numpy(dtype=np.int64)
    ey = latest["execution_year"].to_numpy(dtype=np.int64)
    alloc = np.nan_to_num(latest["allocated"].to_numpy(dtype=np.float64))
    first_alloc = np.nan_to_num(first_alloc)
    carried = ey > by
    # Summed per (unit, programme, budget year, execution year) with one integer code per row and
    # bincount: a national run has a million keys of twenty thousand units. Units in sorted order.
    units = latest["unit"]
    if isinstance(units.dtype, pd.CategoricalDtype) and units.cat.categories.is_monotonic_increasing:
        unit_codes, unit_values = units.cat.codes.to_numpy(dtype=np.int64), units.cat.categories
    else:
        unit_codes, unit_values = pd.factorize(units.astype(object), sort=True)
    prog_codes, prog_values = _programmes(latest)
    # Hashing the codes (not sorting a million of them), then ranking the few distinct ones.
    seen, distinct = pd.factorize(combine(unit_codes, prog_codes, by, ey))
    k = len(distinct)
    rank = np.empty(k, dtype=np.int64)
    rank[np.argsort(np.asarray(distinct), kind="stable")] = np.arange(k)
    group = rank[seen]
    first_rows = np.empty(k, dtype=np.int64)
    first_rows[group[::-1]] = np.arange(len(group) - 1, -1, -1)  # the last write is the first row

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values, minlength=k)

    disbursed = latest["disbursed"].to_numpy(dtype=np.float64)
    unknown = np.isnan(disbursed) | latest["status"].isin(("incomplete",)).to_numpy()
    # Periods repeat: each distinct one is turned into an ordinal once.
    period_codes, period_values = pd.factorize(latest["period"], use_na_sentinel=True)
    ordinals = np.array([p.toordinal() for p in list(period_values)] + [0], dtype=np.int64)[period_codes]
    latest_period = np.zeros(k, dtype=np.int64)
    np.maximum.at(latest_period, group, ordinals)
    agg = pd.DataFrame(
        {
            "unit": np.asarray(unit_values, dtype=object)[unit_codes[first_rows]],
            "programme": np.asarray(prog_values, dtype=object)[prog_codes[first_rows]],
            "budget_year": by[first_rows],
            "execution_year": ey[first_rows],
            "brought_forward": total(np.where(carried, first_alloc, 0.0)),
            "allocated_in_year": total(np.where(carried, 0.0, first_alloc)),
            "adjustments": total(alloc - first_alloc),
            "allocated": total(alloc),
            "disbursed": total(np.nan_to_num(disbursed)),
            "run_rate": total(np.nan_to_num(latest["run_rate"].to_numpy(dtype=np.float64))),
            "unknown": total(unknown.astype(np.float64)) > 0,
            "_p": latest_period,
        }
    )
    per_unit = _evaluate(agg, as_of, settings)
    if len(unit_values) < 2:
        return per_unit, None
    summed = (
        agg.drop(columns="unit")
        .groupby(["programme", "budget_year", "execution_year"], sort=True)
        .agg(
            brought_forward=("brought_forward", "sum"),
            allocated_in_year=("allocated_in_year", "sum"),
            adjustments=("adjustments", "sum"),
            allocated=("allocated", "sum"),
            disbursed=("disbursed", "sum"),
            run_rate=("run_rate", "sum"),
            unknown=("unknown", "any"),
            _p=("_p", "max"),
        )
        .reset_index()
    )
    summed.insert(0, "unit", "")
    return per_unit, _evaluate(summed, as_of, settings)


def _programmes(latest: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each key's programme as a code and the programmes in sorted order; all "" where the table has
    no programme column."""
    from ..result.monthly import factorize

    if "programme" not in latest.columns:
        return np.zeros(len(latest), dtype=np.int64), [""]
    # Runs of one programme (nearly always one value in all) are hashed once each.
    codes, uniques = factorize(latest["programme"])
    texts = [str(u) if isinstance(u, str) else "" for u in list(uniques)] + [""]  # code -1: ""
    names = sorted(set(texts))
    rank = np.array([names.index(t) for t in texts], dtype=np.int64)
    return rank[codes], names


def _evaluate(agg: pd.DataFrame, as_of: dt.date, settings: Settings) -> pd.DataFrame:
    """The ledger's figures and statuses of the summed rows ``agg``, evaluated at ``as_of`` (column
    operations: a national run has tens of thousands of units)."""
    import pandas as pd

    n = len(agg)
    by = agg["budget_year"].to_numpy(dtype=np.int64)
    ey = agg["execution_year"].to_numpy(dtype=np.int64)
    today = as_of.toordinal()
    pair_codes, pairs = pd.factorize(pd.Series(by * 10_000 + ey), sort=True)
    pair_list = [(int(c) // 10_000, int(c) % 10_000) for c in np.asarray(pairs).tolist()]
    due = [deadline_of(settings, e, b) for b, e in pair_list]
    deadline_dates = np.array(due, dtype=object)[pair_codes]
    until_dates = np.array([payment_until(d) for d in due], dtype=object)[pair_codes]
    deadline = np.array([d.toordinal() for d in due], dtype=np.int64)[pair_codes]
    until = np.array([payment_until(d).toordinal() for d in due], dtype=np.int64)[pair_codes]
    expected = np.array([expected_rate(as_of, e, settings.pace_profile) for _, e in pair_list])[pair_codes]
    diy = np.array([366 if calendar.isleap(e) else 365 for _, e in pair_list], dtype=np.float64)[pair_codes]

    alloc = np.round(agg["allocated"].to_numpy(dtype=np.float64), _DECIMALS)
    disb = np.round(agg["disbursed"].to_numpy(dtype=np.float64), _DECIMALS)
    run = agg["run_rate"].to_numpy(dtype=np.float64)
    unknown = agg["unknown"].to_numpy(dtype=bool)
    goal = alloc * settings.target
    remaining = np.round(alloc - disb, _DECIMALS)
    days_left = deadline - today
    months_left = np.maximum(days_left, 0) / diy * 12
    required = np.round(np.maximum(goal - disb, 0.0) / np.maximum(months_left, 1.0), _DECIMALS)
    # The run-rate runs to the deadline, in the payment window to its last day, and no further.
    horizon = np.where(
        today <= deadline, months_left, np.where(today <= until, (until - today) / diy * 12, 0.0)
    )
    forecast = np.maximum(alloc - (disb + run * horizon), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(alloc > 0, disb / np.where(alloc > 0, alloc, 1.0), np.nan)
        behind = rate < expected - _RATE_EPS
    expired = today > until
    conditions = [
        unknown,
        (alloc <= 0) & (disb > TOL),
        disb > alloc + TOL,
        disb >= goal - TOL,
        expired,
        today > deadline,
        behind,
        disb + run * months_left < goal - TOL,
    ]
    names = ["incomplete", "no_allocation", "over", "met", "missed", "payment_window", "behind", "at_risk"]
    status = np.select(conditions, np.array(names, dtype=object), default="on_track").astype(object)
    # After the payment window the whole remainder is to be carried over or cancelled (a target below
    # 100% leaves a remainder even when met); nothing is lost of funds spent beyond their allocation.
    forecast = np.where(
        (status == "missed") | ((status == "met") & expired), np.maximum(remaining, 0.0), forecast
    )
    forecast = np.where((status == "over") | (status == "no_allocation"), 0.0, forecast)
    # A row whose unit and budget year reappear in a later execution year was carried over: its
    # remainder is the later row's brought-forward allocation, so nothing of it is forecast as lost.
    later = agg.groupby(["unit", "programme", "budget_year"], sort=False, observed=True)[
        "execution_year"
    ].transform("max")
    carried = (ey < later.to_numpy(dtype=np.int64)) & ~np.isin(
        status, ["incomplete", "no_allocation", "over", "met"]
    )
    status = np.where(carried, "carried_over", status).astype(object)
    forecast = np.where(carried, 0.0, np.round(forecast, _DECIMALS))
    periods = agg["_p"].to_numpy(dtype=np.int64)
    period_codes, period_values = pd.factorize(periods)
    out = pd.DataFrame(
        {
            "unit": agg["unit"].astype(object).to_numpy(),
            "budget_year": by,
            "execution_year": ey,
            "deadline": deadline_dates,
            "brought_forward": np.round(agg["brought_forward"].to_numpy(dtype=np.float64), _DECIMALS),
            "allocated_in_year": np.round(agg["allocated_in_year"].to_numpy(dtype=np.float64), _DECIMALS),
            "adjustments": np.round(agg["adjustments"].to_numpy(dtype=np.float64), _DECIMALS),
            "allocated": alloc,
            "disbursed": disb,
            "remaining": remaining,
            "days_left": days_left,
            "required_per_month": required,
            "forecast_unspent": forecast,
            "status": status,
            "period": np.array(
                [dt.date.fromordinal(int(o)) for o in np.asarray(period_values)], dtype=object
            )[period_codes]
            if n
            else np.array([], dtype=object),
            "payment_until": until_dates,
            "run_rate": np.round(run, _DECIMALS),
            "rate": rate,
            "expected_rate": expected,
            "programme": agg["programme"].astype(object).to_numpy(),
        },
        columns=list(LEDGER_COLUMNS),
    )
    # A figure that could not be read is unknown, never a partial sum.
    for name in ("allocated", "disbursed", "remaining", "required_per_month", "forecast_unspent", "rate"):
        out.loc[unknown, name] = np.nan
    return out
