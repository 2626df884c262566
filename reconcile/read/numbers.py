"""Reading amounts from cells: numeric cells as they are, text cells in Vietnamese or US convention.

Vietnamese law (Luật Kế toán, Điều 11) writes ``1.571,6``: ``.`` groups thousands and ``,`` is the
decimal mark. Many files are US-style all the same (``1,571.6``), so a lone ``1.571`` or ``1,571``
could be either; :func:`detect_convention` decides a file's convention from its unambiguous cells and
:func:`parse_number` reads one cell under it, saying when it had to guess.

:func:`read_amount` is the amount rule, once: a number cell, a text read under the convention, then
scaled to triệu đồng from the sheet's money unit (:mod:`reconcile.read.money`: "Đơn vị tính: triệu
đồng" recognised by :func:`reconcile.read.money.detect_money_unit`, scaled by
:func:`reconcile.read.money.to_trieu`).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, TypeGuard

from ..text import fold
from .money import DIVISORS, MULTIPLIERS, to_trieu

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Convention",
    "MAX_AMOUNT",
    "Amount",
    "Parsed",
    "detect_convention",
    "parse_number",
    "plain_mask",
    "read_amount",
]


class Convention(enum.Enum):
    """How a file writes numbers in text cells."""

    VI = "vi"  # "." groups thousands, "," is the decimal mark: 1.571,6
    US = "us"  # "," groups thousands, "." is the decimal mark: 1,571.6
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Parsed:
    """The reading of one cell.

    kind: "number" (``value`` is a finite float), "empty" ('' / None / white space: ``value`` None),
    "dash" ('-', '–', '—': means zero, ``value`` 0.0), "invalid" (cannot be read: ``value`` None).
    ``percent``: the text had a trailing ``%``; ``value`` is the number as written (45.0 for "45,0%").
    ``ambiguous``: the text reads differently in the two conventions and the convention was guessed
    (VI); ``alt`` is then the other reading. ``text``: the value came from a text cell. ``words``:
    the text held words besides the number ("640 (đang cập nhật)", "1.571,6 trđ").
    """

    value: float | None
    kind: str
    percent: bool = False
    ambiguous: bool = False
    alt: float | None = None
    text: bool = False
    words: bool = False

    @property
    def is_number(self) -> bool:
        """True for a real number or a dash (zero)."""
        return self.kind in ("number", "dash")


_EMPTY = Parsed(None, "empty")
_EMPTY_TEXT = Parsed(None, "empty", text=True)
_INVALID = Parsed(None, "invalid")
_INVALID_TEXT = Parsed(None, "invalid", text=True)

# Characters that only get in the way: zero-width space, BOM, soft hyphen, word joiner.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Minus signs and dashes people type (or Word autocorrects to) in front of a number or alone.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DASH_TRANS = {ord(c): "-" for c in _DASHES}
_ONLY_DASHES = re.compile(r"-+")

# Currency and unit words tolerated after (or, for VND, before) an amount, on folded text:
# đ, đồng, VNĐ, VND, triệu (đồng), tr.đ, trđ, nghìn/ngàn (đồng). The value is kept as written:
# the sheet's "Đơn vị tính" decides the scale, these words only decorate the cell.
_UNIT_SUFFIX = re.compile(
    r"\s*(?:(?:trieu|nghin|ngan)(?:\s*(?:dong|d|vnd))?|tr\s*\.?\s*d(?:ong)?|trd|tr\.?"
    r"|vnd|dong|d)\.?$"
)
_UNIT_PREFIX = re.compile(r"^(?:vnd|d)\s*")

_DIGITS = re.compile(r"[0-9]+")
# A letter on folded text, other than the "e" of a scientific number ("1,5e3", "2e-3").
_WORD = re.compile(r"[a-df-z]|(?<![0-9])e|e(?![0-9+-])")
# One number inside words: digits with "." / "," marks, not glued to a letter or another digit run.
_NUMBER_IN_WORDS = re.compile(r"(?<![a-z0-9])[0-9]+(?:[.,][0-9]+)*(?![a-z0-9])")
_SPACE_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?: [0-9]{3})+(?:[.,][0-9]+)?|0(?:[.,][0-9]+)?")
_SCIENTIFIC = re.compile(r"([0-9]+)(?:([.,])([0-9]+))?e([+-]?[0-9]{1,3})")


def _digits(s: str) -> bool:
    return _DIGITS.fullmatch(s) is not None


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _read(body: str, group: str, dec: str) -> float | None:
    """The value of ``body`` when ``group`` groups thousands and ``dec`` is the decimal mark."""
    if body.count(dec) > 1:
        return None
    int_part, has_dec, frac = body.partition(dec)
    if has_dec and not _digits(frac):
        return None
    if int_part == "":
        if not has_dec:
            return None
        int_part = "0"
    if group in int_part:
        groups = int_part.split(group)
        first = groups[0]
        # A leading zero group ("0.500") is not a thousands grouping anyone writes.
        if not (_digits(first) and len(first) <= 3 and first[0] != "0"):
            return None
        if any(len(g) != 3 or not _digits(g) for g in groups[1:]):
            return None
        int_part = "".join(groups)
    elif not _digits(int_part):
        return None
    return _finite(float(f"{int_part}.{frac}" if has_dec else int_part))


def _readings(body: str) -> tuple[float | None, float | None]:
    """(value under VI, value under US) of an unsigned number body; None where it is not valid."""
    if " " in body:
        # Spaces group thousands ("1 571,6"); whatever mark follows must then be the decimal mark.
        if not _SPACE_GROUPED.fullmatch(body):
            return None, None
        body = body.replace(" ", "")
        if "," in body:
            return _read(body, ".", ","), None
        if "." in body:
            return None, _read(body, ",", ".")
        value = _finite(float(body))
        return value, value
    m = _SCIENTIFIC.fullmatch(body)
    if m:
        mantissa, mark, frac, exp = m.groups()
        value = _finite(float(f"{mantissa}.{frac or '0'}e{exp}"))
        return (value if mark != "." else None), (value if mark != "," else None)
    return _read(body, ".", ","), _read(body, ",", ".")


@dataclass(frozen=True, slots=True)
class _Text:
    """A text cell taken apart: sign, percent and the number body that is left."""

    body: str
    negative: bool
    percent: bool
    words: bool  # a unit word ("trđ", "đồng") stood beside the number


def _strip_units(s: str) -> str:
    s = _UNIT_SUFFIX.sub("", s).strip()
    return _UNIT_PREFIX.sub("", s).strip()


def _fold_text(raw: str) -> str:
    """A text cell made comparable: NFKC, invisible characters dropped, dashes as "-", folded."""
    s = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE).translate(_DASH_TRANS)
    return fold(s)  # lower case, no diacritics, white space (nbsp, narrow nbsp) collapsed to one space


def _take_apart(raw: str) -> _Text | str:
    """Split a text cell into sign, percent and body; or return the kind "empty" / "dash" / "invalid"."""
    s = _fold_text(raw)
    if not s:
        return "empty"
    if s.startswith("'"):  # Excel's "store as text" prefix, when a reader keeps it
        s = s[1:].strip()
    negative = percent = False
    words = _WORD.search(s) is not None
    s = _strip_units(s)
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, _strip_units(s[1:-1].strip())
    if s.endswith("%"):
        percent, s = True, _strip_units(s[:-1].strip())
    compact = s.replace(" ", "")
    if _ONLY_DASHES.fullmatch(compact):
        # "-", "--", "(-)", "- %": nothing was spent; a long rule of dashes is not a value.
        return "dash" if len(compact) <= 3 else "invalid"
    if s and s[0] in "-+":
        if negative and s[0] == "-":
            return "invalid"  # "(-5)": the reader cannot tell which sign was meant
        negative = negative or s[0] == "-"
        s = _strip_units(s[1:].strip())
    if not s:
        return "invalid"
    return _Text(s, negative, percent, words)


def _signed(value: float, negative: bool) -> float:
    # "+ 0.0" turns the -0.0 of "-0" into 0.0, so that a negative zero never reaches a sum or a CSV.
    return (-value if negative else value) + 0.0


def parse_number(value: object, convention: Convention = Convention.UNKNOWN) -> Parsed:
    """Read one cell: numeric cells as they are, text cells under the file's ``convention``.

    A text that is valid in one convention only is read in that one whatever ``convention`` says;
    a text that reads differently in both ("1.571") is read in ``convention``, or, when it is
    UNKNOWN, as Vietnamese (the legal convention) with ``ambiguous=True`` and the US reading in ``alt``.
    """
    if value is None:
        return _EMPTY
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return _INVALID
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing markers, without importing pandas
        return _EMPTY
    if isinstance(value, (numbers.Real, Decimal)):
        try:
            x = float(value)
        except (TypeError, ValueError, OverflowError):
            return _INVALID
        if math.isnan(x):
            return _EMPTY
        if math.isinf(x):
            return _INVALID
        return Parsed(x + 0.0, "number")
    if not isinstance(value, str):
        return _INVALID
    parts = _take_apart(value)
    if parts == "empty":
        return _EMPTY_TEXT
    if parts == "dash":
        return Parsed(0.0, "dash", text=True)
    if isinstance(parts, _Text):
        vi, us = _readings(parts.body)
        if vi is not None or us is not None:
            return _chosen(vi, us, parts.negative, parts.percent, convention, parts.words)
    return _number_in_words(value, convention)


def _chosen(
    vi: float | None, us: float | None, neg: bool, pct: bool, convention: Convention, words: bool
) -> Parsed:
    """The reading of a number body valid in one convention at least (see :func:`parse_number`)."""
    if vi is None or us is None or vi == us:
        chosen = vi if vi is not None else us
        assert chosen is not None
        return Parsed(_signed(chosen, neg), "number", percent=pct, text=True, words=words)
    if convention is Convention.US:
        return Parsed(_signed(us, neg), "number", percent=pct, text=True, words=words)
    if convention is Convention.VI:
        return Parsed(_signed(vi, neg), "number", percent=pct, text=True, words=words)
    return Parsed(
        _signed(vi, neg), "number", percent=pct, ambiguous=True, alt=_signed(us, neg), text=True, words=words
    )


def _number_in_words(raw: str, convention: Convention) -> Parsed:
    """A text holding words and exactly one number ("640 (đang cập nhật)", "khoảng 1.571,6"): that
    number, with ``words=True``. Two numbers ("15/10", "tháng 6/2023") or none: invalid, since the
    reader cannot tell which figure was meant.
    """
    s = _fold_text(raw)
    if s.startswith("#") or _WORD.search(s) is None:
        # A spreadsheet's error value ("#DIV/0!") is no sentence, nor is punctuation around a
        # number ("(-5)", "1.2.3").
        return _INVALID_TEXT
    found = _NUMBER_IN_WORDS.findall(s)
    if len(found) != 1 or len(_DIGITS.findall(s)) != len(_DIGITS.findall(found[0])):
        return _INVALID_TEXT
    m = _NUMBER_IN_WORDS.search(s)
    assert m is not None
    vi, us = _readings(m.group())
    if vi is None and us is None:
        return _INVALID_TEXT
    before, after = s[: m.start()].rstrip(), s[m.end() :].lstrip()
    # A minus sign or accounting parentheses on the number itself: "-640 (tạm tính)", "(640) chờ duyệt".
    negative = before.endswith("-") and (len(before) == 1 or not before[-2].isalnum())
    negative |= before.endswith("(") and after.startswith(")")
    return _chosen(vi, us, negative, after.startswith("%"), convention, words=True)


def detect_convention(texts: Iterable[str]) -> Convention:
    """Decide a file's convention from the votes of its unambiguous text cells.

    "1.571,6", "2.450.000", "20,6" vote VI; "1,571.6", "20.6", "2,450,000" vote US; "1.571",
    "1,571" and "1234" do not vote. UNKNOWN when nothing votes or the votes tie. Pass amount cells
    only: a row number such as "1.1" in an STT column would vote US.
    """
    vi_votes = us_votes = 0
    for text in texts:
        if not isinstance(text, str):
            continue
        vote = _vote(text)
        if vote > 0:
            vi_votes += 1
        elif vote < 0:
            us_votes += 1
    if vi_votes > us_votes:
        return Convention.VI
    if us_votes > vi_votes:
        return Convention.US
    return Convention.UNKNOWN


@lru_cache(maxsize=16384)
def _vote(text: str) -> int:
    """1: the text reads as a number in the VI convention only; -1: in the US one only; else 0.

    The same texts (a signature line, a place and date below the table) recur in every file.
    """
    parts = _take_apart(text)
    if not isinstance(parts, _Text):
        return 0
    vi, us = _readings(parts.body)
    if vi is not None and us is None:
        return 1
    if us is not None and vi is None:
        return -1
    return 0


#: The largest amount, in triệu đồng, taken as a figure: 10 triệu tỷ đồng (10^16 đồng), about the
#: country's whole yearly GDP and thousands of times this programme's national budget. Beyond it a
#: cell holds a typing accident (1e308, a pasted account number), not money, and scaling or summing
#: it would overflow.
MAX_AMOUNT = 1e10


@dataclass(frozen=True, slots=True)
class Amount:
    """One amount cell read by :func:`read_amount`.

    kind: "empty" (nothing written), "number" (read as written), "with_text" (one number among
    words, read as that number), "unreadable" (no number: text, an error value, a date),
    "implausible" (a number beyond :data:`MAX_AMOUNT`). ``value`` is in triệu đồng, None unless the
    kind is "number" or "with_text"; ``written`` is the number in the sheet's own unit (what a
    formula over the cell sees). ``parsed`` is the cell's reading (None for a plain number cell).
    """

    kind: str
    value: float | None = None
    written: float | None = None
    parsed: Parsed | None = None

    @property
    def known(self) -> bool:
        """True when the cell gives a figure (empty counts: it means nothing)."""
        return self.kind in ("empty", "number", "with_text")


_AMOUNT_EMPTY = Amount("empty")


def _limit(unit: str) -> float:
    """:data:`MAX_AMOUNT` in ``unit``."""
    return MAX_AMOUNT * DIVISORS[unit] if unit in DIVISORS else MAX_AMOUNT / MULTIPLIERS[unit]


def plain_mask(values: np.ndarray, unit: str) -> np.ndarray:
    """Which numbers of a float array :func:`read_amount` takes as plain amounts without a word to
    say: non-negative and plausible (NaN is not plain). The vectorised form of the same rule."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        return (values >= 0) & (values <= _limit(unit))


def is_plain(value: object, unit: str) -> TypeGuard[float]:
    """The scalar form of :func:`plain_mask` for a cell value (only a float can be plain)."""
    return type(value) is float and 0 <= value <= _limit(unit)


def all_plain_or_empty(values: list[object], unit: str) -> bool:
    """Whether every value is empty ("" or None) or :func:`is_plain`: the form of the same test for a
    column's distinct values (a national file's amount columns hold ~15,000 each), one pass in C for
    the kinds of value and one NumPy comparison for the numbers."""
    import numpy as np

    kinds = set(map(type, values))
    if not kinds <= {float, str, type(None)}:
        return False
    if str in kinds and any(v != "" for v in values if type(v) is str):
        return False
    numbers = values if kinds == {float} else [v for v in values if type(v) is float]
    return bool(plain_mask(np.array(numbers, dtype=np.float64), unit).all())


def read_amount(value: object, convention: Convention, unit: str) -> Amount:
    """The one rule for an amount cell: a number cell as it is, a text read under ``convention``
    (one number among words is that number, kind "with_text"), then scaled from ``unit`` to triệu
    đồng; an implausible figure is not one. Never a silent zero: what cannot be read says so.
    """
    if is_plain(value, unit):
        return Amount("number", to_trieu(value, unit), value)
    p = parse_number(value, convention)
    if p.kind == "empty":
        return _AMOUNT_EMPTY
    if p.value is None:
        return Amount("unreadable", parsed=p)
    if abs(p.value) > _limit(unit):
        return Amount("implausible", written=p.value, parsed=p)
    return Amount("with_text" if p.words else "number", to_trieu(p.value, unit), p.value, p)
