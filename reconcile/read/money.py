"""Money units: the unit a sheet states ("Đơn vị tính: triệu đồng") and amounts scaled to triệu đồng
(stage read; the amount rule, :func:`reconcile.read.numbers.read_amount`, scales with :func:`to_trieu`).

:func:`detect_money_unit` recognises the unit in a header text; :func:`to_trieu` (and
:func:`to_trieu_array` for a whole column, bit for bit the same) converts to triệu đồng, rounded to
6 decimals (:func:`round6`, 1 đồng) to drop binary noise.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from ..text import fold

if TYPE_CHECKING:
    import numpy as np

#: Factor that converts an amount in the unit to triệu đồng.
MONEY_UNITS: dict[str, float] = {"ty": 1000.0, "trieu": 1.0, "nghin": 0.001, "dong": 0.000001}

# Exact divisors: dividing by 1000 is exact where multiplying by 0.001 leaves binary noise.
DIVISORS: dict[str, float] = {"trieu": 1.0, "nghin": 1_000.0, "dong": 1_000_000.0}
# A tỷ (billion) is a thousand triệu: multiplying by 1000 is exact.
MULTIPLIERS: dict[str, float] = {"ty": 1_000.0}

# Unit phrases on folded text, most specific first ("1.000.000 đồng" before "1.000 đồng" before "đồng").
_CURRENCY = r"(?:\s*(?:dong|d|vnd)(?:\s*viet\s*nam)?)"
_UNIT_PHRASES: tuple[tuple[str, str], ...] = (
    ("ty", rf"(?:ty|billion){_CURRENCY}?"),
    ("trieu", rf"1[., ]?000[., ]?000{_CURRENCY}"),
    ("trieu", rf"trieu{_CURRENCY}?"),
    ("trieu", r"tr\s*\.?\s*d(?:ong)?|trd|tr\s*\.?"),
    ("trieu", r"million(?:\s*(?:dong|vnd))?|(?:vnd|dong)\s*million"),
    ("nghin", rf"1[., ]?000{_CURRENCY}"),
    ("nghin", rf"(?:nghin|ngan){_CURRENCY}?"),
    ("nghin", r"thousand(?:\s*(?:dong|vnd))?|(?:vnd|dong)\s*thousand"),
    ("dong", r"(?:dong|vnd|d)(?:\s*viet\s*nam)?"),
)
# After a unit phrase: the end, or punctuation. "Đơn vị: Đồng Văn" (a district) is not a unit.
_PHRASE_END = r"(?=\s*(?:$|[.,;:)\]/|(\-]))"
_UNIT_RES = tuple((unit, re.compile(rf"(?:{phrase}){_PHRASE_END}")) for unit, phrase in _UNIT_PHRASES)
_UNIT_LABEL = re.compile(r"(?<![a-z])(?:don\s*vi\s*tinh|don\s*vi|dvt|d\.\s*v\.\s*t\.?|unit)\s*[:\-]?\s*")
_PARENS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


def _unit_at_start(s: str) -> str | None:
    for unit, pattern in _UNIT_RES:
        if pattern.match(s):
            return unit
    return None


def _unit_whole(s: str, bare_d: bool) -> str | None:
    s = s.strip(" ()[]:.")
    if not s or (s == "d" and not bare_d):
        return None
    for unit, pattern in _UNIT_RES:
        m = pattern.match(s)
        if m and not s[m.end() :].strip(" .)]"):
            return unit
    return None


def detect_money_unit(text: str) -> str | None:
    """The money unit a text states ("trieu", "nghin" or "dong"), or None when it states none.

    Reads "Đơn vị tính: triệu đồng", "ĐVT: 1.000 đồng" (nghìn), "Đvt: Tr.đ", "ngàn đồng", a bare
    "trđ" or "(triệu đồng)" in a column header; "Đơn vị thực hiện" (implementing unit) is no money unit.
    """
    if not isinstance(text, str):
        return None
    f = fold(unicodedata.normalize("NFKC", text))
    if not f:
        return None
    for m in _UNIT_LABEL.finditer(f):
        unit = _unit_at_start(f[m.end() :])
        if unit:
            return unit
    # A lone "D" is more likely a column letter than "đ"; "(đ)" under a header is a unit.
    unit = _unit_whole(f, bare_d=False)
    if unit:
        return unit
    for m in _PARENS.finditer(f):
        unit = _unit_whole(m.group(1), bare_d=True)
        if unit:
            return unit
    return None


def round6(x: float) -> float:
    """``round(x, 6)``, bit for bit, without its cost for a figure of at most 6 decimals under 10**9.

    Such a figure is the double nearest to its own 6-decimal rounding (half an ulp of it is far
    below 10**-6), which is what ``round`` returns: ``x`` itself (the sign of a zero included).
    """
    t = x * 1e6
    if t.is_integer() and t / 1e6 == x and -1e9 < x < 1e9:
        return x
    return round(x, 6)


def to_trieu(value: float, unit: str) -> float:
    """``value`` in ``unit`` converted to triệu đồng, rounded to 6 decimals (1 đồng) to drop binary noise."""
    if unit in MULTIPLIERS:
        return round6(value * MULTIPLIERS[unit]) + 0.0
    try:
        divisor = DIVISORS[unit]
    except KeyError:
        raise ValueError(f"unknown money unit {unit!r}; expected one of {sorted(MONEY_UNITS)}") from None
    return round6(value / divisor) + 0.0


def to_trieu_array(values: np.ndarray, unit: str) -> np.ndarray:
    """:func:`to_trieu` of every value of a float array, with the same results bit for bit.

    The rule of :func:`round6` for a whole array: where rounding with NumPy (scale by 10**6, round to
    an integer, scale back) gives ``x`` itself and ``|x| < 10**9``, ``x`` is what ``round`` returns;
    only the other values take the slow path.
    """
    import numpy as np

    if unit not in MULTIPLIERS and unit not in DIVISORS:
        raise ValueError(f"unknown money unit {unit!r}; expected one of {sorted(MONEY_UNITS)}")
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = values * MULTIPLIERS[unit] if unit in MULTIPLIERS else values / DIVISORS[unit]
        same = (np.rint(scaled * 1e6) / 1e6 == scaled) & (np.abs(scaled) < 1e9)
    out = scaled + 0.0
    for i in np.flatnonzero(~same & np.isfinite(scaled)).tolist():
        out[i] = round(float(scaled[i]), 6) + 0.0
    return out
