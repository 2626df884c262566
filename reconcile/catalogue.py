"""The programme's structure (Quyết định 90/QĐ-TTg) and recognising what a row label names.

Labels are matched by meaning on folded text (no diacritics, lower case): "Dự án 6", "DA6", "DA 3",
"Tiểu dự án 1", "Tiêu dự án 1" (a common typo), "TDA 2", or a project's name without its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import fold

#: project -> (name, {sub_project: name}); an empty dict means the project has no sub-projects.
PROJECTS: dict[int, tuple[str, dict[int, str]]] = {
    1: (
        "Hỗ trợ đầu tư phát triển hạ tầng kinh tế – xã hội các huyện nghèo, các xã đặc biệt khó khăn vùng bãi ngang, ven biển và hải đảo",
        {1: "Huyện nghèo", 2: "Xã ĐBKK vùng bãi ngang, ven biển và hải đảo"},
    ),
    2: ("Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo", {}),
    3: (
        "Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng",
        {1: "Hỗ trợ phát triển sản xuất", 2: "Cải thiện dinh dưỡng"},
    ),
    4: (
        "Phát triển giáo dục nghề nghiệp, việc làm bền vững",
        {
            1: "Giáo dục nghề nghiệp",
            2: "Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng",
            3: "Hỗ trợ việc làm bền vững",
        },
    ),
    5: ("Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo", {}),
    6: (
        "Truyền thông và giảm nghèo về thông tin",
        {1: "Giảm nghèo về thông tin", 2: "Truyền thông về giảm nghèo đa chiều"},
    ),
    7: (
        "Nâng cao năng lực và giám sát, đánh giá Chương trình",
        {1: "Nâng cao năng lực", 2: "Giám sát, đánh giá"},
    ),
}


#: Programmes a sheet's title or header names (SPEC 12), on folded text; the first that matches wins.
PROGRAMMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GNBV", re.compile(r"giam ngheo ben vung|\bmtqg gnbv\b|\bgnbv\b")),
    ("NTM", re.compile(r"nong thon moi|\bntm\b")),
    ("DTTS", re.compile(r"dong bao dan toc thieu so|dan toc thieu so va mien nui|\bdtts\b")),
    ("DTC", re.compile(r"dau tu cong")),
)
#: Programmes whose projects are those of :data:`PROJECTS` ("" : a sheet that names none).
CATALOGUE_PROGRAMMES = ("", "GNBV")


@lru_cache(maxsize=16384)
def programme_of(text: str) -> str | None:
    """The programme a header or title line names (``None``: it names none)."""
    f = fold(text)
    for code, pattern in PROGRAMMES:
        if pattern.search(f):
            return code
    return None


def identity_text(programme: object, code: object, name: object) -> str:
    """ "[DTC] 8119291 – Đường giao thông xã An Phú": a key's programme, code and name (SPEC 12)."""
    prog, c, n = (str(v).strip() if isinstance(v, str) else "" for v in (programme, code, name))
    named = f"{c} – {n}" if c and n else c or n
    return f"[{prog}] {named}" if prog else named


def project_name(project: int) -> str:
    """The catalogue name of a project ('' if unknown)."""
    return PROJECTS.get(project, ("", {}))[0]


def sub_project_name(project: int, sub_project: int | None) -> str:
    """The catalogue name of a sub-project ('' if none or unknown)."""
    if sub_project is None:
        return ""
    return PROJECTS.get(project, ("", {}))[1].get(sub_project, "")


def has_sub_projects(project: int) -> bool:
    """True when the project is split into sub-projects."""
    return bool(PROJECTS.get(project, ("", {}))[1])


@dataclass(frozen=True, slots=True)
class Label:
    """What a row label names.

    kind: "total" (grand total), "year" (budget-year section), "project", "sub_project",
    "activity" (a "+" or free-text row under a sub-project), "footer" (signature, notes), "blank".
    """

    kind: str
    project: int | None = None
    sub_project: int | None = None
    budget_year: int | None = None
    execution_year: int | None = None
    carried_over: bool = False


_SUB = re.compile(r"^(?:tieu|tiêu)?\s*(?:tieu du an|tda|tieu da|tieu duan|tieuduan)\s*\.?\s*(\d+)\b")
_SUB_ANY = re.compile(r"\b(?:tieu du an|tda|tieu duan)\s*\.?\s*(\d+)\b")
_PROJ = re.compile(r"^(?:du an|da|duan|d\.a)\s*\.?\s*(?:so\s*)?(\d+)\b")
_PROJ_ANY = re.compile(r"\b(?:du an|duan)\s*(?:so\s*)?(\d+)\b")
_YEAR = re.compile(r"\b(20\d\d)\b")
_CARRY = re.compile(r"keo dai|chuyen sang|nam truoc|chuyen nguon|nam \d{4} sang")
_TOTAL = re.compile(r"^(?:tong cong|tong so|cong|tong|total|grand total|tong von)\b")
_FOOTER = re.compile(
    r"^(?:nguoi lap|nguoi lap bieu|ke toan|thu truong|giam doc|pho giam doc|kt\.? ?giam doc|ghi chu|noi nhan|"
    r"xac nhan|lanh dao|truong phong|chu tich|tm\.|kt\.|ngay \d|.*, ngay \d)"
)
_ACTIVITY_MARK = re.compile(r"^[+*•·–-]\s*")


def _catalogue_names() -> list[tuple[str, int, int | None]]:
    names: list[tuple[str, int, int | None]] = []
    for p, (pname, subs) in PROJECTS.items():
        names.append((fold(pname), p, None))
        for s, sname in subs.items():
            names.append((fold(sname), p, s))
    # Longest first so that a sub-project's name wins over a shorter prefix.
    names.sort(key=lambda t: -len(t[0]))
    return names


_NAMES = _catalogue_names()


@lru_cache(maxsize=65536)
def classify_label(
    label: str, stt: str = "", aliases: tuple[tuple[str, int, int | None], ...] = (), names: bool = True
) -> Label:
    """Recognise a row by the meaning of its label (and its STT marker as a hint only).

    ``names``: a project or sub-project named without its number is one of the catalogue's (off for
    a sheet of another programme, whose projects have other names).
    """
    f = fold(label)
    if not f:
        return Label("blank")
    f = _ACTIVITY_MARK.sub("", f)
    for alias, p, s in aliases:
        if f.startswith(alias):
            return Label("sub_project" if s is not None else "project", project=p, sub_project=s)
    if _FOOTER.match(f):
        return Label("footer")
    m = _SUB.match(f)
    if m:
        return Label("sub_project", sub_project=int(m.group(1)))
    m = _PROJ.match(f)
    if m:
        p = int(m.group(1))
        sm = _SUB_ANY.search(f)
        if sm:  # "Dự án 6 - Tiểu dự án 1: ..."
            return Label("sub_project", project=p, sub_project=int(sm.group(1)))
        return Label("project", project=p)
    if _TOTAL.match(f):
        return Label("total")
    year = _YEAR.search(f)
    if year and ("von" in f or f.startswith("nam") or "nguon" in f or "ke hoach" in f):
        years = [int(y) for y in _YEAR.findall(f)]
        if _CARRY.search(f):
            budget = years[0]
            execution = years[1] if len(years) > 1 else budget + 1
            return Label("year", budget_year=budget, execution_year=execution, carried_over=True)
        return Label("year", budget_year=years[0], execution_year=years[0])
    # A project or sub-project named without its number.
    for name, p, s in _NAMES if names else ():
        if f.startswith(name) or (len(name) > 12 and f == name):
            return Label("sub_project" if s is not None else "project", project=p, sub_project=s)
    return Label("activity")


#: The title of a Treasury statement of estimates used ("BẢNG ĐỐI CHIẾU DỰ TOÁN KINH PHÍ NGÂN SÁCH…")
#: or its form code ("Mẫu số 01-SDKP/ĐVDT", 01a, 01b; SPEC 9), on folded text.
TREASURY_TITLE = re.compile(r"doi chieu du toan|\b01[ab]?\s*-\s*sdkp")
