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
  file left it empty; ``disbursed`` in ``summary`` is 0.0 where empty (nothing disbursed), NaN where
  it is not known (status ``incomplete``: an amount was written but could not be read, see the
  readers' ``unknown`` column in models.py; rate, shortfall, projection and required_monthly are
  then NaN too). Derived amounts (``shortfall``, ``increment``, ``projection``,
  ``required_monthly``, cumulative figures built from in-month amounts) are rounded to 6 decimals so
  that binary noise never shows.
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
- An ``incomplete`` period (an amount could not be read) takes part in no comparison between periods
  (``cumulative_decrease`` and ``allocation_changed`` compare the latest known period before it with
  the next), gives no run-rate, raises no ``over_disbursed``, and makes a consolidated total over it
  unknown; a cumulative figure built from an unreadable in-month amount is unknown until the next
  written cumulative figure.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import combine
from ..models import FileResult, Finding, Settings
from ..pace import deadline_of, expected_rate, months_back
from ..result import Result
from .checks import (
    _cumulative,
    _drop_duplicates,
    _missing_periods,
    _resolve_conflicts,
    _usable,
    missing_months,
)
from .figures import _consolidate, _summarise
from .items import DECIMALS, SUMMARY_COLUMNS, TOL, _build_tables, _take

#: What other modules take from the engine (its steps live in engine_items, engine_checks and
#: engine_figures, in the order :func:`reconcile` runs them).
__all__ = [
    "DECIMALS",
    "SUMMARY_COLUMNS",
    "TOL",
    "deadline_of",
    "expected_rate",
    "missing_months",
    "months_back",
    "reconcile",
]

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
    from .treasury import compare_treasury

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
