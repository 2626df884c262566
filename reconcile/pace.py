"""The calendar of disbursement (SPEC 4): deadlines, the expected pace, months counted back.

Pure functions of dates and settings, used by the engine for every key and by the totals for each
execution year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from .models import Settings


def days_in_year(year: int) -> int:
    """365, or 366 in a leap year."""
    return 366 if calendar.isleap(year) else 365


def deadline_of(settings: Settings, execution_year: int) -> dt.date:
    """``settings.deadline`` made safe: a day past the month's end (31/02) means the month's last day."""
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
        frac = ((on - start).days + 1) / days_in_year(execution_year)
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
