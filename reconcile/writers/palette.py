"""The one colour palette of every output, so the workbook and the annotated copies agree.

Colours are hex RGB without ``#`` (openpyxl and xlsxwriter both accept that form, xlsxwriter with a
leading ``#``). They are light fills chosen so that black text stays readable on them and so that
the families read at a glance: red = over/missed/no allocation, orange = behind/at risk,
green = met, neutral grey = on track, lilac = incomplete (a figure could not be read).
"""

from __future__ import annotations

#: Fill colour of each status code (models.STATUSES).
STATUS_COLOURS: dict[str, str] = {
    "over": "FF9999",  # strong red: money spent beyond the allocation is an error
    "no_allocation": "F4B6C2",  # red-pink: disbursed against nothing
    "missed": "FFC7CE",  # Excel's "light red fill": deadline passed short of the target
    "behind": "F8CBAD",  # orange
    "at_risk": "FFE0B3",  # light orange / amber
    "met": "C6EFCE",  # Excel's "green fill"
    "on_track": "EDEDED",  # neutral: nothing to do
    "incomplete": "D9D2E9",  # lilac: a figure is not known, outside the red-orange-green scale
}

#: Fill colour of each finding severity (models.Severity).
SEVERITY_COLOURS: dict[str, str] = {
    "error": "FF7C80",  # red
    "warning": "FFC000",  # orange
    "info": "BDD7EE",  # light blue
}


def hex_with_hash(colour: str) -> str:
    """``"FF9999" -> "#FF9999"``, the form xlsxwriter formats expect."""
    return colour if colour.startswith("#") else f"#{colour}"
