"""The subtotals every output shows (SPEC 5.1 Tổng hợp, the review report, the console): per unit,
budget/execution year and project, and for the province, computed once from a Result's latest
figures.

Each figure is what a spreadsheet computes from the summary sheet's cells: a key's amount as the
cell holds it (16 significant digits), a subtotal the compensated sum of the rows under it, a key's
shortfall ``MAX(allocated x target - disbursed, 0)`` with the spreadsheet's rounding of a near
cancellation. The workbook writes these figures as the cached values of its formulas, so a report,
the console and the open workbook agree to the last digit.

Groups follow the sheet's order (:func:`reconcile.result.monthly.key_order`): consecutive keys of the same
unit form a unit group, of the same (budget year, execution year) a year group, of the same project a
project group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..codes import combine
from ..models import Settings
from ..pace import deadline_of
from ..values import approx_sub_array, fsum, stored_array
from .monthly import factorize, key_order, text_codes, wholes

#: Columns of ``Result.totals``, in order.
TOTALS_COLUMNS: tuple[str, ...] = (
    "scope",  # "unit": the per-unit table; "province": summed across units
    "level",  # "total" | "unit" | "year" | "project"
    "unit",  # the unit's name ("" on total rows and in the province scope)
    "budget_year",  # Int64, NA on total and unit rows
    "execution_year",  # Int64, NA on total and unit rows
    "project",  # Int64, NA except on project rows
    "keys",  # how many keys the group holds
    "allocated",
    "disbursed",
    "rate",  # disbursed / allocated; NaN where nothing is allocated
    "shortfall",  # the sum of the keys' shortfalls (a key over its target adds 0)
    "remaining",  # allocated - disbursed
    "required_monthly",  # the sum of the keys' required monthly amounts
    "projection",  # the sum of the keys' projections
    "deadline",  # the execution year's deadline (year and project rows), else None
    "days_left",  # Int64: days from the evaluation date to the deadline, NA without one
    "incomplete_keys",  # how many of the group's keys are ``incomplete`` (their figure not known)
)

#: The key figures the subtotals add up.
_FIGURES = ("allocated", "disbursed", "required_monthly", "projection")

#: Stands for a missing year or project in the group codes (no real value is this small).
_NONE = -(2**62)


@dataclass(slots=True)
class _Sheet:
    """One scope's keys in sheet order, the amounts each shows and where each group starts."""

    order: np.ndarray
    unit_text: list[str]
    unit_code: np.ndarray
    by: np.ndarray
    ey: np.ndarray
    project: np.ndarray
    amounts: dict[str, np.ndarray]
    #: What a project run is made of: the project number within its programme, and for a
    #: tracker's item (project 0) the item itself (SPEC 12); equal to ``project`` with one programme.
    group: np.ndarray | None = None


def sheet_order(frame: pd.DataFrame, units: list[str], key: np.ndarray | None = None) -> np.ndarray:
    """Positions of ``frame``'s rows (a summary-shaped table) in the order the summary sheet lists them;
    ``key``: the frame's :func:`key_order` when the caller has it already."""
    if len(frame) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.argsort(key_order(frame, units) if key is None else key, kind="stable")


def _amount(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as the sheet's cells hold it: 16 significant digits, 0 where empty."""
    if name not in frame.columns:
        return np.zeros(len(frame))
    v = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    v = np.where(np.isfinite(v), v, np.nan)
    return np.nan_to_num(stored_array(v)) + 0.0  # + 0.0: a -0.0 cell adds as 0


def _empty(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Where a column holds no figure."""
    if name not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    v = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return ~np.isfinite(v)


def _sheet(frame: pd.DataFrame, units: list[str], target: float, key: np.ndarray | None = None) -> _Sheet:
    order = sheet_order(frame, units, key)
    wanted = [
        "unit",
        "budget_year",
        "execution_year",
        "project",
        "status",
        *_FIGURES,
        "programme",
        "project_code",
        "project_name",
    ]
    f = frame[[c for c in wanted if c in frame.columns]]
    f = f.iloc[order] if len(order) else f
    unit_code, unit_text = text_codes(f["unit"]) if len(f) else (np.zeros(0, dtype=np.int64), [])
    g, h = _amount(f, "allocated"), _amount(f, "disbursed")
    # An incomplete key's figures are not known: a group over one shows them empty, never the sum
    # of the figures that are known. Counted per group like the amounts (exact in floats).
    if "status" in f:
        codes, statuses = factorize(f["status"])
        incomplete = np.array([s == "incomplete" for s in statuses] + [False], dtype=bool)[codes]
    else:
        incomplete = np.zeros(len(f), dtype=bool)
    unknown = {name: incomplete & _empty(f, name) for name in ("allocated", "disbursed")}
    amounts = {
        "allocated": g,
        "disbursed": h,
        "shortfall": np.maximum(approx_sub_array(g * target, h), 0.0),
        "required_monthly": _amount(f, "required_monthly"),
        "projection": _amount(f, "projection"),
        "_unknown_allocated": unknown["allocated"].astype(np.float64),
        "_unknown_disbursed": unknown["disbursed"].astype(np.float64),
        "_incomplete": incomplete.astype(np.float64),
    }
    by, ey, project = (
        wholes(f[c], _NONE) if len(f) else np.zeros(0, dtype=np.int64)
        for c in ("budget_year", "execution_year", "project")
    )
    group = None
    if len(f) and "programme" in f.columns:
        prog = text_codes(f["programme"])[0]
        ident = np.zeros(len(f), dtype=np.int64)
        if "project_name" in f.columns:
            # The pair (code, name) from the codes of each: no million joined strings to hash.
            names = combine(text_codes(f["project_code"])[0], text_codes(f["project_name"])[0])
            ident = np.where(project == 0, names + 1, 0)
        group = combine(prog, project - project.min() if len(project) else project, ident)
    return _Sheet(order, list(unit_text), unit_code, by, ey, project, amounts, group)


def _runs(*codes: np.ndarray) -> np.ndarray:
    """Start positions of the runs of equal consecutive rows of ``codes`` (taken together)."""
    n = len(codes[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for c in codes:
        change[1:] |= c[1:] != c[:-1]
    return np.flatnonzero(change)


#: Runs up to this long are summed column-wise (one NumPy step per position); longer ones one by one.
_SHORT_RUN = 64


def _run_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The correctly rounded sum (what :func:`math.fsum` gives) of each run of rows of ``values``
    (n x columns) beginning at ``starts``, per column.

    A national summary has hundreds of thousands of runs, too many to sum one by one: short runs are
    summed all at once, position by position, with the rounding error of every addition kept
    (TwoSum) and added back at the end. That result is provably the correctly rounded sum unless it
    lies within the error bound of a rounding boundary; those rare runs, and long runs, go to fsum.
    """
    width = values.shape[1]
    if len(starts) == 0:
        return np.zeros((0, width))
    ends = np.append(starts[1:], len(values))
    size = ends - starts
    out = np.empty((len(starts), width))
    short = np.flatnonzero(size <= _SHORT_RUN)
    exact = np.zeros((len(starts), width), dtype=bool)
    if len(short):
        # Longest runs first, so that the runs still going at each position are a prefix (views, no copies).
        short = short[np.argsort(-size[short], kind="stable")]
        first, length = starts[short], size[short]
        total = values[first].astype(np.float64, copy=True)
        comp = np.zeros_like(total)
        slack = np.zeros_like(total)  # sum of |the rounding errors made while adding up comp|
        going = np.searchsorted(-length, -np.arange(int(length.max())), side="left")
        for k in range(1, int(length.max())):
            m = int(going[k])  # runs longer than k
            x = values[first[:m] + k]
            s, c = total[:m], comp[:m]
            t = s + x
            back = t - s
            err = (s - (t - back)) + (x - back)  # TwoSum: s + x == t + err exactly
            u = c + err
            back = u - c
            slack[:m] += np.abs((c - (u - back)) + (err - back))
            total[:m] = t
            comp[:m] = u
        result = total + comp
        back = result - total
        residual = (total - (result - back)) + (comp - back)  # total + comp == result + residual
        # The true sum is result + residual + (what comp lost, at most ``slack``, with a margin for the
        # rounding of slack itself). It rounds to result when comp is exact, or when residual and
        # slack together stay below half the gap to the neighbouring double (half as wide below a
        # power of two).
        bound = slack * (1 + 2.0**-40)
        half_gap = np.spacing(np.abs(result)) / 2
        half_gap = np.where(np.abs(np.frexp(result)[0]) == 0.5, half_gap / 2, half_gap)
        sure = (bound == 0) | (np.abs(residual) + bound < half_gap)
        out[short] = result
        exact[short] = sure
    for j in range(width):
        rest = np.flatnonzero(~exact[:, j])
        if len(rest):
            listed = values[:, j].tolist()
            a, b = starts[rest].tolist(), ends[rest].tolist()
            out[rest, j] = [fsum(listed[i:k]) for i, k in zip(a, b, strict=True)]
    return out


def _count_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per column, the sum of each run of rows beginning at ``starts`` of whole-number ``values``."""
    if len(starts) == 0:
        return np.zeros((0, values.shape[1]))
    return np.add.reduceat(values, starts, axis=0)


def _scope_rows(sheet: _Sheet, scope: str, per_unit_rows: bool) -> dict[str, Any]:
    """The total, unit, year and project rows of one scope, in sheet order, as columns."""
    n = len(sheet.order)
    p_starts = _runs(
        sheet.unit_code, sheet.by, sheet.ey, sheet.project if sheet.group is None else sheet.group
    )
    # Runs over the projects: where each year and unit starts among them.
    pu, pby, pey = sheet.unit_code[p_starts], sheet.by[p_starts], sheet.ey[p_starts]
    y_starts = _runs(pu, pby, pey)
    u_starts = _runs(pu[y_starts]) if len(y_starts) else np.zeros(0, dtype=np.int64)
    names = list(sheet.amounts)
    # The amounts are summed correctly rounded; the counts (names starting "_") are whole numbers,
    # exact in a plain running sum.
    money = [k for k in names if not k.startswith("_")]
    counts = [k for k in names if k.startswith("_")]
    project_sums: dict[str, np.ndarray] = {}
    year_sums: dict[str, np.ndarray] = {}
    unit_sums: dict[str, np.ndarray] = {}
    for group, add in ((money, _run_sums), (counts, _count_sums)):
        if not group:
            continue
        values = np.column_stack([sheet.amounts[k] for k in group]) if n else np.zeros((0, len(group)))
        by_project = add(values, p_starts)
        by_year = add(by_project, y_starts)
        by_unit = add(by_year, u_starts)
        for j, k in enumerate(group):
            project_sums[k], year_sums[k], unit_sums[k] = by_project[:, j], by_year[:, j], by_unit[:, j]
    total = {k: fsum(unit_sums[k].tolist()) for k in names}

    p_keys = np.diff(np.append(p_starts, n))
    y_keys = np.add.reduceat(p_keys, y_starts) if len(y_starts) else np.zeros(0, dtype=np.int64)
    u_keys = np.add.reduceat(y_keys, u_starts) if len(u_starts) else np.zeros(0, dtype=np.int64)

    # Sheet order: total; per unit its row (per_unit_rows), then per year its row and its projects.
    n_p, n_y, n_u = len(p_starts), len(y_starts), len(u_starts) if per_unit_rows else 0
    starts_year = np.zeros(n_p, dtype=np.int64)
    starts_year[y_starts] = 1
    year_of_p = np.cumsum(starts_year) - 1
    starts_unit_y = np.zeros(n_y, dtype=np.int64)
    if per_unit_rows and n_y:
        starts_unit_y[u_starts] = 1
    # A project's position: itself, the years and (per_unit_rows) the units begun so far, the total.
    p_pos = 1 + np.arange(n_p) + (year_of_p + 1) + (np.cumsum(starts_unit_y)[year_of_p] if n_y else 0)
    y_pos = p_pos[y_starts] - 1 if n_y else np.zeros(0, dtype=np.int64)
    u_pos = y_pos[u_starts] - 1 if n_u else np.zeros(0, dtype=np.int64)
    size = 1 + n_u + n_y + n_p

    level = np.empty(size, dtype=object)
    level[0] = "total"
    level[u_pos], level[y_pos], level[p_pos] = "unit", "year", "project"
    unit = np.full(size, "", dtype=object)
    if scope == "unit" and n_y:
        texts = np.array(sheet.unit_text, dtype=object)
        unit[y_pos] = texts[pu[y_starts]]
        unit[p_pos] = texts[pu]
        if n_u:
            unit[u_pos] = texts[pu[y_starts][u_starts]]

    def ints(at_year: bool, p_values: np.ndarray, y_values: np.ndarray | None) -> pd.arrays.IntegerArray:
        v = np.full(size, _NONE, dtype=np.int64)
        v[p_pos] = p_values
        if at_year and y_values is not None and n_y:
            v[y_pos] = y_values
        return pd.arrays.IntegerArray(np.where(v == _NONE, 0, v), v == _NONE)

    cols: dict[str, Any] = {
        "scope": np.full(size, scope, dtype=object),
        "level": level,
        "unit": unit,
        "budget_year": ints(True, pby, pby[y_starts] if n_y else None),
        "execution_year": ints(True, pey, pey[y_starts] if n_y else None),
        "project": ints(False, sheet.project[p_starts], None),
        "keys": np.zeros(size, dtype=np.int64),
    }
    cols["keys"][0] = n
    cols["keys"][p_pos], cols["keys"][y_pos] = p_keys, y_keys
    if n_u:
        cols["keys"][u_pos] = u_keys
    for k in names:
        col = np.zeros(size)
        col[0] = total[k]
        col[p_pos], col[y_pos] = project_sums[k], year_sums[k]
        if n_u:
            col[u_pos] = unit_sums[k]
        cols[k] = col
    return cols


def build_totals(
    latest: pd.DataFrame | None,
    consolidated: pd.DataFrame | None,
    units: list[str],
    settings: Settings,
    as_of: dt.date | None,
    latest_key: np.ndarray | None = None,
) -> pd.DataFrame:
    """``Result.totals`` (TOTALS_COLUMNS): the per-unit scope from ``latest``, then the province scope
    from ``consolidated`` when there is one; rows in the order the summary sheet shows them.

    Two kinds of row are listed that the sheet leaves out: a unit row when there is only one unit
    (the sheet shows unit rows from two units on), and a project row for a project of one key
    (``keys`` == 1: the sheet lets the key's own row stand for it). ``as_of``: the evaluation date
    of ``days_left``; ``latest_key``: :func:`key_order` of ``latest`` when the caller has it."""
    parts = []
    for scope, frame in (("unit", latest), ("province", consolidated)):
        if frame is None:
            continue
        key = latest_key if scope == "unit" else None
        cols = _scope_rows(_sheet(frame, units, settings.target, key), scope, scope == "unit")
        parts.append(pd.DataFrame(cols))
    if not parts:
        parts.append(pd.DataFrame(_scope_rows(_sheet(_EMPTY, units, settings.target), "unit", True)))
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    incomplete_keys = np.rint(df.pop("_incomplete").to_numpy()).astype(np.int64)
    incomplete = incomplete_keys > 0
    for name in ("allocated", "disbursed"):
        df.loc[df.pop(f"_unknown_{name}").to_numpy() > 0, name] = np.nan
    for name in ("shortfall", "required_monthly", "projection"):
        df.loc[incomplete, name] = np.nan
    df["incomplete_keys"] = incomplete_keys
    g, h = df["allocated"].to_numpy(), df["disbursed"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        df["rate"] = np.where(g > 0, h / np.where(g > 0, g, 1.0), np.nan)
    df.loc[incomplete, "rate"] = np.nan
    df["remaining"] = approx_sub_array(g, h)
    # A year's deadline: its execution year's, or its budget year's own from [deadlines] (SPEC 9).
    # One deadline per distinct (budget year, execution year), looked up by code (no tuple per row).
    b_na = df["budget_year"].isna().to_numpy()
    e_na = df["execution_year"].isna().to_numpy()
    b_int = df["budget_year"].to_numpy(dtype=np.int64, na_value=0)
    e_int = df["execution_year"].to_numpy(dtype=np.int64, na_value=0)
    year_codes, _ = pd.factorize(combine(e_na, b_na, b_int, e_int))
    heads = np.unique(year_codes, return_index=True)[1].tolist() if len(year_codes) else []
    deadlines = [
        None if e_na[i] else deadline_of(settings, int(e_int[i]), None if b_na[i] else int(b_int[i]))
        for i in heads
    ]
    year_codes[e_na] = -1  # no execution year: no deadline
    lookup = np.array([*deadlines, None], dtype=object)
    df["deadline"] = pd.Series(lookup[year_codes], dtype=object)  # code -1 picks the trailing None
    days = np.array(
        [0 if as_of is None or d is None else (d - as_of).days for d in deadlines] + [0], dtype=np.int64
    )
    missing = (year_codes < 0) | (as_of is None)
    df["days_left"] = pd.arrays.IntegerArray(days[year_codes], missing)
    return df[list(TOTALS_COLUMNS)]


_EMPTY = pd.DataFrame(
    {
        "unit": pd.Series([], dtype=object),
        "budget_year": pd.Series([], dtype="int64"),
        "execution_year": pd.Series([], dtype="int64"),
        "project": pd.Series([], dtype="int64"),
        "sub_project": pd.Series([], dtype="Int64"),
        "source": pd.Series([], dtype=object),
    }
)
