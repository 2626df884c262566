"""A report's period (its cut-off date) from a header line, a file name or the command line.

Header lines say "(Số liệu đến ngày 30/9/2023)", "Tháng 9/2023", "Quý III/2023", "6 tháng đầu năm
2023"; file names say "2023-09", "T9-2023", "thang 9 nam 2023". A month or a quarter stands for its
last day. A date inside a note or a document reference ("Công văn số 1744/SLĐTBXH ngày 28/8/2023") or
the signing line ("Lạng Sơn, ngày 5 tháng 10 năm 2023") is not the period:
:func:`is_period_statement` tells the reader which lines to believe.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ..text import fold

__all__ = [
    "is_period_statement",
    "month_end",
    "parse_user_date",
    "period_from_filename",
    "period_from_text",
]

_YEAR = r"((?:19|20)\d\d)"
_MIN_YEAR, _MAX_YEAR = 1990, 2099
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTH_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "sau": 6, "chin": 9, "muoi hai": 12}
_SPREADSHEET_EXT = re.compile(r"\.(?:xlsx|xlsm|xlsb|xls|ods|csv)$", re.IGNORECASE)


def month_end(year: int, month: int) -> dt.date:
    """The last day of ``month`` in ``year`` (raises ValueError for a month outside 1..12)."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(year: int, month: int, day: int | None = None) -> dt.date | None:
    """A valid date, the month's last day when ``day`` is None, or None (31/2, month 13, year 1066)."""
    if not _MIN_YEAR <= year <= _MAX_YEAR or not 1 <= month <= 12:
        return None
    if day is None:
        return month_end(year, month)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Candidate:
    date: dt.date
    kind: str  # "date" (a full date), "month_num" (9/2023), "month", "quarter", "months" (6 tháng đầu năm)
    start: int
    end: int


# ---- header lines ---------------------------------------------------------------------------------

# Full dates: 30/9/2023, 30-09-2023, 30.9.2023 (same mark twice), 2023-09-30, "30 tháng 9 năm 2023".
_DMY = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2" + _YEAR + r"(?!\d)(?![/\-][a-z0-9])")
_YMD = re.compile(r"(?<![\d/.\-])" + _YEAR + r"([/.\-])(\d{1,2})\2(\d{1,2})(?![\d/.\-]?\d)")
_LONG = re.compile(r"(?<!\d)(\d{1,2})\s*thang\s*(\d{1,2})\s*,?\s*nam\s*" + _YEAR + r"(?!\d)")
# Month phrases: "tháng 9/2023", "tháng 09 năm 2023", "tháng 9-2023", "T9/2023".
_MONTH = re.compile(
    r"(?<![a-z])(?:thang\s*|t)(\d{1,2})\s*(?:[/.\-]\s*(?:nam\s*)?|,?\s*nam\s*)" + _YEAR + r"(?!\d)"
)
_MONTH_NUM = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])" + _YEAR + r"(?![\d/.\-]?\d)(?!/[a-z])")
_QUARTER = re.compile(
    r"(?<![a-z])(?:quy\s*(iv|i{1,3}|[1-4])|q\s*([1-4]))(?![a-z0-9])\s*(?:[/.\-]\s*(?:nam\s*)?|,?\s*nam\s*|\s)\s*"
    + _YEAR
    + r"(?!\d)"
)
_MONTHS = re.compile(
    r"(?<![a-z0-9])(\d{1,2}|"
    + "|".join(_MONTH_WORDS)
    + r")\s*thang\s*(?:(dau|cuoi)\s*)?nam\s*"
    + _YEAR
    + r"(?!\d)"
)

# Words right before a date that make it the report's cut-off ("đến ngày", "tính đến", "số liệu",
# "lũy kế", "kỳ báo cáo"); "từ ngày 1/1/2023" or "Lạng Sơn, ngày 5/10/2023" have none.
_ANCHOR = re.compile(
    r"(?<![a-z])(?:den|toi|het|tinh den|so lieu|luy ke|giai ngan|ky bao cao|thoi diem|thoi gian)"
    r"(?:\s*(?:ngay|thang|het|het ngay|cuoi ngay))?\s*[:\-]?\s*$"
)
# A document reference before the date: "Công văn số 1744/SLĐTBXH ngày", "Quyết định 90/QĐ-TTg ngày".
_REFERENCE = re.compile(
    r"(?<![a-z])(?:so\s*:?\s*\d+\s*/|cong van|quyet dinh|nghi dinh|thong tu|nghi quyet|van ban|thong bao"
    r"|to trinh|ke hoach so|chi thi|huong dan so|qd|cv|nd|tt|nq)(?![a-z])|\d+\s*/\s*[a-z]"
)
_CLAUSE_BREAK = re.compile(r"[,;()\[\]]")
_NOTE = re.compile(r"^(?:\(?\*+\)?|ghi chu|luu y|chu thich|chu y|note)")
_PUNCT_ONLY = re.compile(r"[\s()\[\].,:;\-]*")


def _normalise(text: str) -> str:
    # Dashes of any kind become "-", so that "30–9–2023" and "Quý III–2023" read like the rest.
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    return fold(s)


def _drop_overlaps(cands: list[_Candidate], taken: list[_Candidate]) -> list[_Candidate]:
    return [c for c in cands if not any(c.start < t.end and t.start < c.end for t in taken)]


def _text_candidates(f: str) -> list[_Candidate]:
    """Every period-like phrase in a folded line, full dates first; phrases inside a full date dropped."""
    dates: list[_Candidate] = []
    for m in _DMY.finditer(f):
        d = _date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        if d:
            dates.append(_Candidate(d, "date", m.start(), m.end()))
    for m in _YMD.finditer(f):
        d = _date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d:
            dates.append(_Candidate(d, "date", m.start(), m.end()))
    for m in _LONG.finditer(f):
        d = _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        # Even an invalid "31 tháng 2 năm 2023" is a date phrase: its "tháng 2 năm 2023" is no month.
        dates.append(_Candidate(d or dt.date.min, "date", m.start(), m.end()))
    others: list[_Candidate] = []
    for m in _MONTH.finditer(f):
        d = _date(int(m.group(2)), int(m.group(1)))
        if d:
            others.append(_Candidate(d, "month", m.start(), m.end()))
    for m in _QUARTER.finditer(f):
        q = _ROMAN.get(m.group(1) or "") or int(m.group(1) or m.group(2))
        d = _date(int(m.group(3)), q * 3)
        if d:
            others.append(_Candidate(d, "quarter", m.start(), m.end()))
    for m in _MONTHS.finditer(f):
        n = _MONTH_WORDS.get(m.group(1)) or int(m.group(1))
        d = _date(int(m.group(3)), 12 if m.group(2) == "cuoi" else n)
        if d and 1 <= n <= 12:
            others.append(_Candidate(d, "months", m.start(), m.end()))
    others = _drop_overlaps(others, dates)
    nums = [
        _Candidate(d, "month_num", m.start(), m.end())
        for m in _MONTH_NUM.finditer(f)
        if (d := _date(int(m.group(3)), int(m.group(1))))
    ]
    nums = _drop_overlaps(nums, dates + others)
    return [c for c in dates if c.date != dt.date.min] + others + nums


def _clause_before(f: str, start: int) -> str:
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(f, 0, start)]
    return f[breaks[-1] if breaks else 0 : start]


def _best(text: str) -> tuple[dt.date, int] | None:
    """The period a line states and how strongly: 3 anchored, 2 a period phrase, 1 a bare date."""
    if not isinstance(text, str):
        return None
    f = _normalise(text)
    if not f:
        return None
    scored: list[tuple[int, dt.date]] = []
    for c in _text_candidates(f):
        clause = _clause_before(f, c.start)
        if _REFERENCE.search(clause):
            continue  # a date in "Công văn số ... ngày ..." is the reference's, not the report's
        anchored = _ANCHOR.search(clause) is not None
        alone = _PUNCT_ONLY.fullmatch(f[: c.start] + f[c.end :]) is not None
        if anchored:
            strength = 3
        elif c.kind in ("month", "quarter", "months") or alone:
            strength = 2
        elif c.kind == "date":
            strength = 1
        else:
            continue  # "12/2023" with nothing around it is as likely a document number
        scored.append((strength, c.date))
    if not scored:
        return None
    strength, date = max(scored)  # strongest, then latest: "từ tháng 1/2023 đến tháng 9/2023"
    return date, strength


def period_from_text(text: str) -> dt.date | None:
    """The cut-off date a header line states ("Số liệu đến ngày 30/9/2023", "Quý III/2023"), or None.

    A month or a quarter stands for its last day; "6 tháng đầu năm 2023" is 30/6/2023; "Năm 2023"
    alone and invalid dates (31/2/2023) are no period. Dates inside a document reference are ignored.
    """
    best = _best(text)
    return best[0] if best else None


def is_period_statement(text: str) -> bool:
    """True when the line states the report's period, not a note's date or the signing date.

    True: "(Số liệu đến ngày 30/9/2023)", "Giải ngân lũy kế đến 30/9/2023", "Báo cáo tháng 9 năm 2023",
    "Quý III/2023", "30/9/2023" alone. False: "Công văn số 1744/SLĐTBXH ngày 28/8/2023", "Lạng Sơn,
    ngày 5 tháng 10 năm 2023", "Ghi chú: ... đến ngày 15/9/2023", "Năm 2023".
    """
    if not isinstance(text, str):
        return False
    if _NOTE.match(_normalise(text)):
        return False
    best = _best(text)
    return best is not None and best[1] >= 2


# ---- file names -----------------------------------------------------------------------------------

_F_DMY = re.compile(r"(?<!\d)(\d{1,2})([.\-])(\d{1,2})\2" + _YEAR + r"(?!\d)")
_F_YMD = re.compile(r"(?<!\d)" + _YEAR + r"([.\-])(\d{1,2})\2(\d{1,2})(?!\d)")
_F_LONG = re.compile(r"(?<!\d)(\d{1,2})[\s.\-]*thang[\s.\-]*(\d{1,2})[\s.\-]*nam[\s.\-]*" + _YEAR + r"(?!\d)")
_F_MONTH = re.compile(
    r"(?<![a-z])(?:thang|t)[\s.\-]*(\d{1,2})(?:[\s.\-]+(?:nam[\s.\-]*)?|nam[\s.\-]*)" + _YEAR + r"(?!\d)"
)
_F_QUARTER = re.compile(
    r"(?<![a-z])(?:quy[\s.\-]*(iv|i{1,3}|[1-4])|q[\s.\-]*([1-4]))(?![a-z0-9])[\s.\-]*(?:nam[\s.\-]*)?"
    + _YEAR
    + r"(?!\d)"
)
_F_MONTHS = re.compile(
    r"(?<![a-z0-9])(\d{1,2})[\s.\-]*thang[\s.\-]*(?:(dau|cuoi)[\s.\-]*)?nam[\s.\-]*" + _YEAR + r"(?!\d)"
)
_F_YM = re.compile(r"(?<!\d)(?<!\d[.\-])" + _YEAR + r"[.\-](\d{1,2})(?!\d)(?![.\-]\d)")
_F_MY = re.compile(r"(?<!\d)(?<!\d[.\-])(\d{1,2})[.\-]" + _YEAR + r"(?!\d)(?![.\-]\d)")
_F_COMPACT_YMD = re.compile(r"(?<!\d)" + _YEAR + r"(\d\d)(\d\d)(?!\d)")
_F_COMPACT_YM = re.compile(r"(?<!\d)" + _YEAR + r"(\d\d)(?!\d)")
# "Mẫu 01-2023", "Biểu 02.2023", "QĐ 12-2023": a form or document number, not a month.
_F_FORM_WORD = re.compile(r"(?<![a-z])(?:mau|bieu|so|phu luc|pl|qd|cv|nd|tt|nq|tb)[\s.\-]*$")


def period_from_filename(name: str) -> dt.date | None:
    """The period a file name states ("2023-09.xlsx", "BC giai ngan T9-2023.xlsx", "Quy III 2023"), or None.

    A month-only name is the month's last day. Month words (tháng / T) win over a full date in the same
    name (which is more often the day it was sent), a full date over a bare "2023-09". "2023" alone,
    "Mẫu 01" and the like give None.
    """
    if not isinstance(name, str):
        return None
    base = re.split(r"[\\/]", name)[-1]
    base = _SPREADSHEET_EXT.sub("", base)
    f = _normalise(base.replace("_", "-"))
    if not f:
        return None
    scored: list[tuple[int, dt.date]] = []
    dates: list[_Candidate] = []
    for m in _F_LONG.finditer(f):
        d = _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        dates.append(_Candidate(d or dt.date.min, "date", m.start(), m.end()))
    for m in _F_DMY.finditer(f):
        d = _date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        dates.append(_Candidate(d or dt.date.min, "date", m.start(), m.end()))
    for m in _F_YMD.finditer(f):
        d = _date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        dates.append(_Candidate(d or dt.date.min, "date", m.start(), m.end()))
    scored += [(3, c.date) for c in dates if c.date != dt.date.min]

    phrases: list[tuple[int, _Candidate]] = []
    for m in _F_MONTH.finditer(f):
        if d := _date(int(m.group(2)), int(m.group(1))):
            phrases.append((5, _Candidate(d, "month", m.start(), m.end())))
    for m in _F_QUARTER.finditer(f):
        q = _ROMAN.get(m.group(1) or "") or int(m.group(1) or m.group(2))
        if d := _date(int(m.group(3)), q * 3):
            phrases.append((4, _Candidate(d, "quarter", m.start(), m.end())))
    for m in _F_MONTHS.finditer(f):
        n = int(m.group(1))
        if 1 <= n <= 12 and (d := _date(int(m.group(3)), 12 if m.group(2) == "cuoi" else n)):
            phrases.append((4, _Candidate(d, "months", m.start(), m.end())))
    kept = _drop_overlaps([c for _, c in phrases], dates)
    scored += [(rank, c.date) for rank, c in phrases if c in kept]

    if not scored:
        for m in _F_YM.finditer(f):
            if not _F_FORM_WORD.search(f[: m.start()]) and (d := _date(int(m.group(1)), int(m.group(2)))):
                scored.append((2, d))
        for m in _F_MY.finditer(f):
            if not _F_FORM_WORD.search(f[: m.start()]) and (d := _date(int(m.group(2)), int(m.group(1)))):
                scored.append((2, d))
    if not scored:
        for m in _F_COMPACT_YMD.finditer(f):
            if d := _date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
                scored.append((1, d))
        for m in _F_COMPACT_YM.finditer(f):
            if d := _date(int(m.group(1)), int(m.group(2))):
                scored.append((1, d))
    return max(scored)[1] if scored else None


# ---- command line -----------------------------------------------------------------------------------

_USER_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?")
_USER_DMY = re.compile(r"(?:(\d{1,2})[-/.])?(\d{1,2})[-/.](\d{4})")


def parse_user_date(text: str) -> dt.date | None:
    """A date typed on the command line (--as-of): "2023-09-30", "30/9/2023"; "2023-09" is 30/9/2023.

    None when the text is no valid date.
    """
    if not isinstance(text, str):
        return None
    s = text.strip()
    m = _USER_ISO.fullmatch(s)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    m = _USER_DMY.fullmatch(s)
    if m:
        return _date(int(m.group(3)), int(m.group(2)), int(m.group(1)) if m.group(1) else None)
    return None
