"""Text normalisation for matching Vietnamese labels with or without diacritics."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d), collapse white space and line breaks.

    ``fold("Kế hoạch vốn\\nđược  giao") == "ke hoach von duoc giao"``.
    """
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", s).strip().lower()


def cell_text(value: object) -> str:
    """The text of a cell value as read ('' for empty); floats that are whole print without .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
