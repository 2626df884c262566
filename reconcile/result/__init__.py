"""The Result: the reconciliation ready to render, every figure in it computed once.

The engine builds it (:func:`reconcile.engine.reconcile`); the writers only render it. Its derived
tables come from :mod:`reconcile.result.totals` and :mod:`reconcile.result.monthly` when it is built.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..models import FileResult, Finding, Settings
from .monthly import key_order, monthly_table
from .totals import build_totals


@dataclass(frozen=True, slots=True)
class Result:
    """The reconciliation, ready to render: every figure an output shows is in here, computed once.

    Built by the engine (:func:`reconcile.engine.reconcile`); frozen, so that no writer can change
    what another renders. Tables given to the constructor:

    ``items``: every extracted line item (LINE_ITEM_COLUMNS), in reader order.
    ``summary``: one row per key and period, columns = KEY_COLUMNS + period, allocated, disbursed,
    rate, shortfall, status, increment, expected_rate, run_rate, projection, deadline, days_left,
    months_left, required_monthly, is_latest (bool), and ``item_index`` (row of ``items`` the figures
    came from).
    ``latest``: the rows of ``summary`` at each key's latest period.
    ``consolidated``: latest figures summed across units (same columns, unit = ""), None for one unit.

    Tables derived from those when the Result is built (never passed in, always consistent with them;
    :func:`dataclasses.replace` derives them again):

    ``totals``: the subtotal rows (:data:`reconcile.result.totals.TOTALS_COLUMNS`): scope "unit" (levels
    total, unit, year, project) then scope "province" (total, year, project) when ``consolidated``
    exists, in the order the summary sheet shows them.
    ``monthly``: the key x period pivot of rates, first MAX_ROWS keys in sheet order
    (:func:`reconcile.result.monthly.monthly_table`); ``monthly_keys``: how many keys there are in all.
    ``chart``: per period the disbursement per budget year, in total, the allocation and the target line.
    """

    settings: Settings
    input_root: Path
    files: list[FileResult]
    items: pd.DataFrame
    summary: pd.DataFrame
    latest: pd.DataFrame
    findings: list[Finding]
    periods: list[dt.date]
    as_of: dt.date | None
    units: list[str]
    #: Latest figures summed across units per (budget_year, execution_year, project, sub_project,
    #: source), same columns as ``latest`` with unit = "" ; None when the folder holds one unit.
    consolidated: pd.DataFrame | None = None
    #: Per unit and period: the file that was used (after period conflicts were resolved).
    used_files: dict[tuple[str, dt.date], str] = field(default_factory=dict)
    #: Per unit, budget year and execution year: the carry-over ledger of SPEC 9 at as_of, columns
    #: ``reconcile.engine.ledger.LEDGER_COLUMNS`` (brought forward, allocated in the year, adjustments,
    #: allocated, disbursed, remaining, deadline, days left, required per month, forecast unspent,
    #: status ...); None when not built.
    ledger: pd.DataFrame | None = None
    #: The ledger summed across units per budget and execution year (same columns, unit = ""); None
    #: when the folder holds one unit.
    ledger_consolidated: pd.DataFrame | None = None
    #: The Treasury cross-check (SPEC 9): one row per compared key, columns
    #: ``reconcile.engine.treasury.TREASURY_COLUMNS``; None when the folder holds no Treasury statement.
    treasury: pd.DataFrame | None = None
    totals: pd.DataFrame = field(init=False, repr=False, compare=False)
    monthly: pd.DataFrame = field(init=False, repr=False, compare=False)
    monthly_keys: int = field(init=False, compare=False)
    chart: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A single period's summary is its latest rows (one frame): its key order is computed once.
        shared = self.summary is self.latest and self.latest is not None and len(self.latest) > 0
        key = key_order(self.latest, self.units) if shared else None
        totals = build_totals(
            self.latest, self.consolidated, self.units, self.settings, self.evaluated_on, latest_key=key
        )
        monthly, keys, chart = monthly_table(
            self.summary, self.periods, self.units, self.settings.target, key=key
        )
        object.__setattr__(self, "totals", totals)
        object.__setattr__(self, "monthly", monthly)
        object.__setattr__(self, "monthly_keys", keys)
        object.__setattr__(self, "chart", chart)

    @property
    def evaluated_on(self) -> dt.date | None:
        """The date the latest figures are judged at: ``as_of``, else the latest period."""
        if self.as_of is not None:
            return self.as_of
        return max(self.periods) if self.periods else None

    @property
    def has_errors(self) -> bool:
        """True when any finding has error severity."""
        return any(f.level == "error" for f in self.findings)

    def with_findings(self, extra: list[Finding]) -> Result:
        """This result with ``extra`` findings added (sorted); the figures are shared, not derived again."""
        new = copy.copy(self)
        object.__setattr__(new, "findings", sorted([*self.findings, *extra], key=Finding.sort_key))
        return new

    def keeping_findings(self, keep: Callable[[Finding], bool]) -> Result:
        """This result with only the findings ``keep`` accepts; the figures are shared."""
        new = copy.copy(self)
        object.__setattr__(new, "findings", [f for f in self.findings if keep(f)])
        return new
