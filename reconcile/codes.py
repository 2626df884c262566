"""Integer codes for rows of several integer columns: one int64 per row that sorts and groups them
as the tuples of the columns do (sorting and grouping one integer column is far cheaper than
several). Used by the engine for its keys and by the workbook for its groups."""

from __future__ import annotations

import numpy as np
import pandas as pd


def combine(*arrays: np.ndarray) -> np.ndarray:
    """One int64 code per row whose order is the lexicographic order of the integer ``arrays``.

    Sorting and grouping one integer column is far cheaper than several.
    """
    n = len(arrays[0])
    code = np.zeros(n, dtype=np.int64)
    if n == 0:
        return code
    span = 1
    for a in arrays:
        a = a.astype(np.int64)
        lo = int(a.min())
        width = int(a.max()) - lo + 1
        if width > n:  # sparse values (never in practice): their ranks keep the same order
            a = dense(a)
            lo, width = 0, int(a.max()) + 1
        if span * width >= 2**62:  # re-rank what is combined so far to keep the code in range
            code = dense(code)
            span = int(code.max()) + 1
        code = code * width + (a - lo)
        span *= width
    return code


def dense(code: np.ndarray) -> np.ndarray:
    """Dense ranks 0..k-1 of an integer code, in its order."""
    ranks, _ = pd.factorize(code, sort=True)
    return ranks.astype(np.int64)
