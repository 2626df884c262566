"""Line items of a reader's sheet as rows, for tests: readers hand them over as columns only
(:attr:`reconcile.models.SheetResult.columns`), which is the engine's business, not a test's.

:func:`records` reads a sheet's columns back as one :class:`Row` per item, the columns a reader left
out filled as the engine fills them; :func:`row` and :func:`columns_of` build a sheet's columns from
rows, for tests that plant items by hand.
"""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reconcile.models import SHEET_COLUMNS, CellRefs, Coded, SheetResult

#: One line item: a field per column of a reader's sheet (LINE_ITEM_COLUMNS, then ``unknown``).
Row = namedtuple("Row", SHEET_COLUMNS)  # type: ignore[misc]

_IDENTITY = ("programme", "project_code", "project_name", "sub_project_name", "item_key")


def _left_out(sheet: SheetResult, name: str) -> Any:
    """The value of a column the reader left out (as reconcile.engine.items._collect takes it)."""
    if name in ("file", "sheet", "unit", "period"):
        return getattr(sheet, name)
    if name in _IDENTITY:
        return ""
    return 0 if name == "unknown" else None


def _values(column: Any) -> list[Any]:
    """A column's values as Python objects; a NumPy float column's NaN as None (a reader's None)."""
    if isinstance(column, Coded):
        return [column.at(k) if column.codes[k] >= 0 else None for k in range(len(column))]
    if isinstance(column, CellRefs):
        return column.texts()
    if isinstance(column, np.ndarray):
        return [None if isinstance(v, float) and math.isnan(v) else v for v in column.tolist()]
    return list(column)


def records(sheet: SheetResult) -> list[Row]:
    """The sheet's line items, in the reader's order; [] when it has none."""
    columns = sheet.columns or {}
    n = max((len(c) for c in columns.values()), default=0)
    out: dict[str, list[Any]] = {}
    for name in SHEET_COLUMNS:
        given = columns.get(name)
        values = [_left_out(sheet, name)] * n if given is None else _values(given)
        out[name] = values + [None] * (n - len(values))
    return [Row(*values) for values in zip(*(out[name] for name in SHEET_COLUMNS), strict=True)]


def row(**fields: Any) -> dict[str, Any]:
    """A line item planted by hand: every column of a reader's sheet, those not given at their
    default ("" for the label and the identity, 0 for ``unknown``, None for the others)."""
    unknown = set(fields) - set(SHEET_COLUMNS)
    assert not unknown, f"not a line item column: {sorted(unknown)}"
    return {name: fields[name] if name in fields else _default(name) for name in SHEET_COLUMNS}


def columns_of(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]] | None:
    """A sheet's columns (every one given, as lists) from its items' rows (see :func:`row`); None
    for no item."""
    if not rows:
        return None
    return {name: [r[name] for r in rows] for name in SHEET_COLUMNS}


def _default(name: str) -> Any:
    if name in (*_IDENTITY, "label"):
        return ""
    return 0 if name == "unknown" else None
