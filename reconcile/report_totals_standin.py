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

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from .models import is_missing

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

    A group with an unknown figure (NaN) has that total unknown, never a partial sum. One pass over
    the rows in Python: a pandas group-by costs ~10 ms a call even on four rows.
    """
    latest = result.latest
    province = result.consolidated if result.consolidated is not None else latest
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for scope, frame in (("unit", latest), ("province", province)):
        cols = {c: frame[c].tolist() for c in (*_KEYS, *_AMOUNTS, "deadline", "days_left")}
        for i in range(len(frame)):
            unit = cols["unit"][i] if scope == "unit" else ""
            years = (int(cols["budget_year"][i]), int(cols["execution_year"][i]))
            project = int(cols["project"][i])
            top = "unit" if scope == "unit" else "total"
            for level, key in (
                (top, (None, None, None)),
                ("year", (*years, None)),
                ("project", (*years, project)),
            ):
                g = groups.setdefault((scope, level, unit, *key), {"deadlines": set(), "days": None})
                alloc, disb = cols["allocated"][i], cols["disbursed"][i]
                amounts = {
                    "allocated": alloc,
                    "disbursed": disb,
                    "shortfall": cols["shortfall"][i],
                    "remaining": max(alloc - disb, 0.0),  # NaN stays NaN
                    "required_monthly": cols["required_monthly"][i],
                }
                for name, value in amounts.items():
                    g[name] = g.get(name, 0.0) + (math.nan if is_missing(value) else float(value))
                g["deadlines"].add(cols["deadline"][i])
                g["days"] = cols["days_left"][i]
    rows = []
    for (scope, level, unit, by, ey, project), g in sorted(groups.items(), key=lambda kv: _order(kv[0])):
        one = len(g["deadlines"]) == 1
        alloc = g["allocated"]
        rows.append(
            {
                "scope": scope,
                "level": level,
                "unit": unit,
                "budget_year": by,
                "execution_year": ey,
                "project": project,
                "allocated": alloc,
                "disbursed": g["disbursed"],
                "rate": g["disbursed"] / alloc if alloc > 0 else math.nan,
                "shortfall": round(g["shortfall"], 6),
                "remaining": round(g["remaining"], 6),
                "required_monthly": round(g["required_monthly"], 6),
                "deadline": next(iter(g["deadlines"])) if one else None,
                "days_left": int(g["days"]) if one and not is_missing(g["days"]) else None,
            }
        )
    out = pd.DataFrame(rows, columns=list(TOTALS_COLUMNS))
    for col in ("budget_year", "execution_year", "project", "days_left"):
        out[col] = pd.array(out[col].tolist(), dtype="Int64")
    out["unit"] = out["unit"].astype(object)
    return out


_KEYS = ("unit", "budget_year", "execution_year", "project")
_AMOUNTS = ("allocated", "disbursed", "shortfall", "required_monthly")


def _order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    scope, level, unit, by, ey, project = key
    return (scope != "unit", unit, by or 0, ey or 0, project or 0, level)
