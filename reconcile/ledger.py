"""The ledger per unit and budget year (SPEC 9), in the form of the carry-over statement (Mẫu 04-SDKP,
Nghị định 11/2020/NĐ-CP): allocation brought forward, allocated in the year, adjustments, disbursed to
the cut-off, remaining, and a forecast of what will be cancelled or must be carried over.

It is built from the engine's figures at each key's latest period (``Result.latest``), summed over the
projects, sub-projects and sources of one unit, budget year and execution year; nothing is read again.

Rules (each tested in tests/test_ledger.py):

- One row per (unit, budget_year, execution_year): funds of 2022 reported in 2022 and carried into
  2023 give two rows, the earlier one ``carried_over`` (its remainder lives on in the later row).
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
from typing import TYPE_CHECKING, Any

import numpy as np

from .engine import deadline_of, expected_rate
from .models import Settings

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
)

#: Columns of ledger.csv, exactly as SPEC 9 lists them.
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
    """The ledger table (LEDGER_COLUMNS), sorted by unit, budget year and execution year."""
    import pandas as pd

    if not len(latest) or as_of is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LEDGER_COLUMNS})
    is_latest = summary["is_latest"].to_numpy(dtype=bool)
    # summary is sorted by key and period and each key ends on its latest row: a key's first row
    # is the first row or the one after a latest row, in the same order as ``latest``.
    first_alloc = summary["allocated"].to_numpy(dtype=np.float64)[np.r_[True, is_latest[:-1]]]
    by = latest["budget_year"].to_numpy(dtype=np.int64)
    ey = latest["execution_year"].to_numpy(dtype=np.int64)
    alloc = latest["allocated"].to_numpy(dtype=np.float64)
    carried = ey > by
    frame = pd.DataFrame(
        {
            "unit": latest["unit"].astype(object).to_numpy(),
            "budget_year": by,
            "execution_year": ey,
            "brought_forward": np.where(carried, np.nan_to_num(first_alloc), 0.0),
            "allocated_in_year": np.where(carried, 0.0, np.nan_to_num(first_alloc)),
            "adjustments": np.nan_to_num(alloc) - np.nan_to_num(first_alloc),
            "allocated": np.nan_to_num(alloc),
            "disbursed": latest["disbursed"].to_numpy(dtype=np.float64),
            "run_rate": np.nan_to_num(latest["run_rate"].to_numpy(dtype=np.float64)),
            "unknown": latest["disbursed"].isna().to_numpy() | (latest["status"] == "incomplete").to_numpy(),
            "_p": [p.toordinal() for p in latest["period"].tolist()],
        }
    )
    g = frame.groupby(["unit", "budget_year", "execution_year"], sort=True, observed=True)
    agg = g.agg(
        brought_forward=("brought_forward", "sum"),
        allocated_in_year=("allocated_in_year", "sum"),
        adjustments=("adjustments", "sum"),
        allocated=("allocated", "sum"),
        disbursed=("disbursed", "sum"),
        run_rate=("run_rate", "sum"),
        unknown=("unknown", "any"),
        _p=("_p", "max"),
    ).reset_index()
    rows = [_row(r, as_of, settings) for r in agg.to_dict("records")]
    _mark_carried(rows)
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))


def _row(r: dict[Any, Any], as_of: dt.date, settings: Settings) -> dict[str, Any]:
    """One ledger row evaluated at ``as_of``."""
    by, ey = int(r["budget_year"]), int(r["execution_year"])
    deadline = deadline_of(settings, ey, by)
    until = payment_until(deadline)
    diy = 366 if calendar.isleap(ey) else 365
    days_left = (deadline - as_of).days
    alloc = round(float(r["allocated"]), _DECIMALS)
    disb = round(float(r["disbursed"]), _DECIMALS)
    run = float(r["run_rate"])
    goal = alloc * settings.target
    remaining = round(alloc - disb, _DECIMALS)
    months_left = max(days_left, 0) / diy * 12
    shortfall = max(goal - disb, 0.0)
    required = round(shortfall / max(months_left, 1.0), _DECIMALS)
    if as_of <= deadline:
        horizon = months_left
    elif as_of <= until:
        horizon = (until - as_of).days / diy * 12
    else:
        horizon = 0.0
    forecast = round(max(alloc - (disb + run * horizon), 0.0), _DECIMALS)
    rate = disb / alloc if alloc > 0 else float("nan")
    expected = expected_rate(as_of, ey, settings.pace_profile)
    if r["unknown"]:
        status = "incomplete"
    elif alloc <= 0 and disb > TOL:
        status = "no_allocation"
    elif disb > alloc + TOL:
        status = "over"
    elif disb >= goal - TOL:
        status = "met"
    elif as_of > until:
        status, forecast = "missed", max(remaining, 0.0)
    elif as_of > deadline:
        status = "payment_window"
    elif rate < expected - _RATE_EPS:
        status = "behind"
    elif disb + run * months_left < goal - TOL:
        status = "at_risk"
    else:
        status = "on_track"
    if status in ("over", "no_allocation"):
        forecast = 0.0
    elif status == "met" and as_of > until:  # short of 100% with a lower target: that part is lost
        forecast = max(remaining, 0.0)
    out = {
        "unit": r["unit"],
        "budget_year": by,
        "execution_year": ey,
        "deadline": deadline,
        "brought_forward": round(float(r["brought_forward"]), _DECIMALS),
        "allocated_in_year": round(float(r["allocated_in_year"]), _DECIMALS),
        "adjustments": round(float(r["adjustments"]), _DECIMALS),
        "allocated": alloc,
        "disbursed": disb,
        "remaining": remaining,
        "days_left": days_left,
        "required_per_month": required,
        "forecast_unspent": forecast,
        "status": status,
        "period": dt.date.fromordinal(int(r["_p"])),
        "payment_until": until,
        "run_rate": round(run, _DECIMALS),
        "rate": rate,
        "expected_rate": expected,
    }
    if status == "incomplete":  # a figure that could not be read is unknown, never a partial sum
        for name in ("allocated", "disbursed", "remaining", "required_per_month", "forecast_unspent", "rate"):
            out[name] = float("nan")
    return out


def _mark_carried(rows: list[dict[str, Any]]) -> None:
    """A row whose unit and budget year reappear in a later execution year was carried over: its
    remainder is the later row's brought-forward allocation, so nothing of it is forecast as lost."""
    latest_year: dict[tuple[str, int], int] = {}
    for r in rows:
        key = (r["unit"], r["budget_year"])
        latest_year[key] = max(latest_year.get(key, 0), r["execution_year"])
    for r in rows:
        if r["execution_year"] < latest_year[(r["unit"], r["budget_year"])] and r["status"] not in (
            "incomplete",
            "no_allocation",
            "over",
            "met",
        ):
            r["status"] = "carried_over"
            r["forecast_unspent"] = 0.0
