"""STAND-IN for ``Result.totals`` until the engine builds it (another branch adds it).

DELETE THIS MODULE at merge and pass ``result.totals`` where :func:`build_totals` is called
(reconcile/report_run.py). It is engine-side code: the report writer never sums, it only reads the
table this builds, which has exactly the contract of ``Result.totals``:

one row per subtotal group; ``scope`` "unit" or "province"; ``level`` "total", "unit", "year" or
"project"; ``unit`` ("" on province rows); ``budget_year``, ``execution_year`` (Int64, NA at the
total and unit levels); ``project`` (Int64, NA except at the project level); ``allocated``,
``disbursed``, ``rate``, ``shortfall``, ``remaining``, ``required_monthly``, ``deadline``,
``days_left``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .models import Result

TOTALS_COLUMNS = (
    "scope",
    "level",
    "unit",
    "budget_year",
    "execution_year",
    "project",
    "allocated",
    "disbursed",
    "rate",
    "shortfall",
    "remaining",
    "required_monthly",
    "deadline",
    "days_left",
)


def build_totals(result: Result) -> pd.DataFrame:
    """Subtotals of ``result.latest`` per unit (unit, year, project) and of the whole folder
    (``result.consolidated`` when there are several units, else ``latest``): total, year, project.

    A group with an unknown figure (NaN) has that total unknown, never a partial sum.
    """
    latest = result.latest
    province = result.consolidated if result.consolidated is not None else latest
    frames = []
    for scope, frame, levels in (
        ("unit", latest, (("unit", ["unit"]), ("year", ["unit", "budget_year", "execution_year"]))),
        ("province", province, (("total", []), ("year", ["budget_year", "execution_year"]))),
    ):
        by_project = [*levels[1][1], "project"]
        for level, keys in (*levels, ("project", by_project)):
            frames.append(_group(frame, scope, level, keys))
    out = pd.concat(frames, ignore_index=True)
    return out.loc[:, list(TOTALS_COLUMNS)]


def _sum(values: pd.Series) -> float:
    return float(values.sum()) if not values.isna().any() else float("nan")


def _group(frame: pd.DataFrame, scope: str, level: str, keys: list[str]) -> pd.DataFrame:
    work = frame.assign(
        remaining=np.maximum(frame["allocated"] - frame["disbursed"], 0.0),
        _one=0,
    )
    rows = []
    grouped = work.groupby(keys or ["_one"], sort=True, dropna=False)
    for key, g in grouped:
        values = key if isinstance(key, tuple) else (key,)
        row: dict[str, object] = {"scope": scope, "level": level, "unit": ""}
        row.update(dict(zip(keys, values, strict=False)) if keys else {})
        allocated, disbursed = _sum(g["allocated"]), _sum(g["disbursed"])
        deadlines = set(g["deadline"])
        row.update(
            allocated=allocated,
            disbursed=disbursed,
            rate=disbursed / allocated if allocated and allocated == allocated else float("nan"),
            shortfall=round(_sum(g["shortfall"]), 6),
            remaining=round(_sum(g["remaining"]), 6),
            required_monthly=round(_sum(g["required_monthly"]), 6),
            deadline=next(iter(deadlines)) if len(deadlines) == 1 else None,
            days_left=int(g["days_left"].iloc[0]) if len(deadlines) == 1 else pd.NA,
        )
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(TOTALS_COLUMNS))
    for col in ("budget_year", "execution_year", "project"):
        out[col] = out[col].astype("Int64")
    out["days_left"] = out["days_left"].astype("Int64")
    out["unit"] = out["unit"].fillna("").astype(object)
    return out
