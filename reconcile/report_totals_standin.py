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


def _group(frame: pd.DataFrame, scope: str, level: str, keys: list[str]) -> pd.DataFrame:
    work = frame.assign(remaining=np.maximum(frame["allocated"] - frame["disbursed"], 0.0), _one=0)
    by = keys or ["_one"]
    grouped = work.groupby(by, sort=True, dropna=False)
    amounts = ["allocated", "disbursed", "shortfall", "remaining", "required_monthly"]
    sums = grouped[amounts].sum()
    # A group with an unknown figure has that total unknown, never a partial sum.
    unknown = work[amounts].isna().groupby([work[k] for k in by], sort=True, dropna=False).sum()
    sums = sums.where(unknown.to_numpy() == 0)
    deadlines = grouped["deadline"].nunique(dropna=False)
    one = (deadlines == 1).to_numpy()
    out = sums.reset_index()
    for col in ("shortfall", "remaining", "required_monthly"):
        out[col] = out[col].round(6)
    out["rate"] = np.where(
        out["allocated"] > 0, out["disbursed"] / out["allocated"].where(out["allocated"] > 0), np.nan
    )
    firsts = grouped["deadline"].first().to_numpy()
    out["deadline"] = [d if o else None for d, o in zip(firsts, one, strict=True)]
    out["days_left"] = pd.array(np.where(one, grouped["days_left"].first().to_numpy(), 0), dtype="Int64")
    out.loc[~one, "days_left"] = pd.NA
    out["scope"], out["level"] = scope, level
    if "unit" not in out:
        out["unit"] = ""
    for col in ("budget_year", "execution_year", "project"):
        out[col] = out[col].astype("Int64") if col in out else pd.array([pd.NA] * len(out), dtype="Int64")
    out["unit"] = out["unit"].astype(object)
    return out.loc[:, list(TOTALS_COLUMNS)]
