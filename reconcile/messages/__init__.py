"""Every user-facing word, in Vietnamese and English, in one catalogue.

The catalogue :data:`MESSAGES` is merged from its parts, one module an area (a new word goes in the
part of the area that shows it): ``findings`` (statuses, severities, sources, ``finding.<code>``),
``files`` (annotated copies, skipped and unreadable files), ``cli`` (command line, watch, template,
help, click's texts), ``workbook`` (the workbook's sheets, ledger, Treasury) and ``report`` (the review
report). A key stands in one part only: a second one fails at import.

``msg(key, lang, **params)`` renders one entry. Finding parameters are raw values; they are formatted
for the reader's language by :func:`format_params`: floats as amounts (``1.571,6``), dates as
``30/09/2023``, and parameters whose name ends in ``_rate`` (fractions) as ``78,8%``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import ModuleType
from typing import Any

from . import cli, files, findings, report, workbook

LANGS = ("vi", "en")


def merged(parts: tuple[ModuleType, ...]) -> dict[str, dict[str, str]]:
    """The ``ENTRIES`` of ``parts`` in one dict; raises ValueError on a key two parts define (the one
    catalogue must not depend on which part is merged last)."""
    catalogue: dict[str, dict[str, str]] = {}
    owner: dict[str, str] = {}
    for part in parts:
        for key, entry in part.ENTRIES.items():
            if key in catalogue:
                raise ValueError(f"message {key!r} is in both {owner[key]} and {part.__name__}")
            catalogue[key] = entry
            owner[key] = part.__name__
    return catalogue


#: The parts of the catalogue, in the order their keys were written before the split.
PARTS: tuple[ModuleType, ...] = (findings, files, cli, workbook, report)
MESSAGES: dict[str, dict[str, str]] = merged(PARTS)


#: When this environment variable is set, :func:`msg` raises on a key the catalogue lacks (or lacks in
#: the language asked) and on a template its parameters do not fill, instead of falling back.
#: tests/conftest.py sets it, so that a missing message fails the test that shows it; a user never
#: sees a traceback for a missing word.
STRICT_ENV = "RECONCILE_STRICT_MESSAGES"


def msg(key: str, lang: str = "vi", **params: Any) -> str:
    """Render catalogue entry ``key`` in ``lang`` (falls back to Vietnamese, then to the key; raises
    KeyError instead when :data:`STRICT_ENV` is set)."""
    strict = STRICT_ENV in os.environ
    entry = MESSAGES.get(key)
    if entry is None or (strict and lang not in entry):
        if strict:
            raise KeyError(f"message {key!r} is not in the catalogue in {lang!r}")
        return key
    template = entry.get(lang) or entry["vi"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        if strict:
            raise
        return template


def fmt_number(x: float | None, decimals: int = 1, lang: str = "vi", trim: bool = True) -> str:
    """Format a number the way the reader writes it: ``1.571,6`` (vi) or ``1,571.6`` (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    s = _spreadsheet_rounded(x, decimals)
    if trim and "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def _spreadsheet_rounded(x: float, decimals: int) -> str:
    """``x`` with ``decimals`` decimals and thousands commas, rounded as a spreadsheet shows it: its 15
    significant digits, then half away from zero (Python's own rounding of the binary value shows 51,2%
    for a rate Excel and LibreOffice show as 51,3%, 0.5125)."""
    if not math.isfinite(x):
        return f"{x:,.{decimals}f}"
    try:
        d = Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # beyond Decimal's 28 digits: no figure of a budget is
        return f"{x:,.{decimals}f}"
    return f"{d:,.{decimals}f}"


def fmt_amount(x: float | None, lang: str = "vi") -> str:
    """An amount in triệu đồng, with up to 3 decimals (1 đồng = 0.000001 triệu is not shown)."""
    return fmt_number(x, 3, lang)


def fmt_rate(fraction: float | None, lang: str = "vi") -> str:
    """A rate as percent with one decimal: ``0.788 -> 78,8%``."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "-"
    return fmt_number(fraction * 100, 1, lang, trim=False) + "%"


def fmt_date(d: dt.date | None, lang: str = "vi") -> str:
    """A date as the reader writes it: 30/9/2023 (vi) or 2023-09-30 (en)."""
    if d is None:
        return "-"
    if lang == "vi":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return d.isoformat()


def status_label(code: str, lang: str = "vi") -> str:
    """The localised label of a status code."""
    return msg(f"status.{code}", lang)


def format_params(params: dict[str, Any], lang: str = "vi") -> dict[str, str]:
    """Format raw finding parameters for ``lang`` (see the module docstring)."""
    out: dict[str, str] = {}
    for k, v in params.items():
        if k.endswith("_rate") and isinstance(v, int | float):
            out[k] = fmt_rate(float(v), lang)
        elif isinstance(v, bool):
            out[k] = str(v)
        elif isinstance(v, int | float):
            out[k] = fmt_amount(float(v), lang)
        elif isinstance(v, dt.date):
            out[k] = fmt_date(v, lang)
        elif isinstance(v, list | tuple):
            out[k] = ", ".join(str(x) for x in v)
        else:
            out[k] = "" if v is None else str(v)
    return expand_keys(params, out, lang)


def expand_keys(params: dict[str, Any], formatted: dict[str, str], lang: str = "vi") -> dict[str, str]:
    """Render each param ``x_key`` naming a catalogue entry as ``x`` in ``lang``.

    reason_key -> {reason}, detail_key -> {detail}; reason_key goes last so that its template can use
    the others. ``formatted`` holds the other params already as text and is returned completed.
    """
    for k in sorted((k for k in params if k.endswith("_key")), key=lambda k: (k == "reason_key", k)):
        if isinstance(params[k], str) and params[k] in MESSAGES:
            formatted[k[: -len("_key")]] = msg(params[k], lang, **formatted)
    return formatted


def finding_message(code: str, params: dict[str, Any], lang: str = "vi") -> str:
    """The localised message of a finding (``params["message_key"]`` picks a more specific wording)."""
    key = params.get("message_key") or f"finding.{code}"
    return msg(str(key), lang, **format_params(params, lang))
