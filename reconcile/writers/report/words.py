"""Figures of the result in the words of the report: amounts (``1.571,6 triệu đồng``), rates, dates,
names and one sentence per status. Only formatting: every figure comes as the engine gave it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...catalogue import project_name, sub_project_name
from ...messages import MESSAGES, fmt_date, fmt_number, fmt_rate, msg, status_label
from ...models import is_missing


def number(x: Any, lang: str) -> str:
    """An amount in triệu đồng as the report writes it: at most one decimal (``1.571,6``)."""
    return fmt_number(float(x), 1, lang)


def amount(x: Any, lang: str) -> str:
    """``1.571,6 triệu đồng``; the words for an unknown figure where a cell could not be read."""
    if is_missing(x):
        return msg("report.unknown", lang)
    return msg("report.amount", lang, x=number(x, lang))


def rate(x: Any, lang: str) -> str:
    return "-" if is_missing(x) else fmt_rate(float(x), lang)


def date(d: Any, lang: str) -> str:
    return "-" if is_missing(d) else fmt_date(d, lang)


def place_date(place: str, d: dt.date | None, lang: str) -> str:
    """``Lạng Sơn, ngày 30 tháng 9 năm 2023`` (a missing date leaves its numbers blank to fill in)."""
    if d is None:
        return msg("report.place_date", lang, place=place, day="    ", month="    ", year="    ", date="")
    return msg(
        "report.place_date", lang, place=place, day=d.day, month=d.month, year=d.year, date=date(d, lang)
    )


def project_title(project: int, lang: str) -> str:
    """``Dự án 6: Truyền thông và giảm nghèo về thông tin``."""
    name = project_name(project)
    head = msg("report.project", lang, n=project)
    return f"{head}: {name}" if name else head


def sub_project_title(project: int, sub_project: Any, lang: str) -> str:
    """``Tiểu dự án 1: Giảm nghèo về thông tin``."""
    name = sub_project_name(project, int(sub_project))
    head = msg("report.sub_project", lang, n=int(sub_project))
    return f"{head}: {name}" if name else head


def part_title(budget_year: int, execution_year: int, lang: str) -> str:
    """``Nguồn vốn năm 2022 kéo dài thực hiện năm 2023`` or ``Nguồn vốn năm 2023``."""
    key = "report.part_carried" if budget_year != execution_year else "report.part_year"
    return msg(key, lang, budget_year=budget_year, execution_year=execution_year)


def figures(row: dict[str, Any], lang: str) -> str:
    """``kế hoạch vốn 6.595 triệu đồng, đã giải ngân 148,5 triệu đồng, đạt 2,3%``."""
    return msg(
        "report.figures",
        lang,
        allocated=amount(row["allocated"], lang),
        disbursed=amount(row["disbursed"], lang),
        rate=rate(row["rate"], lang),
    )


def remaining(row: dict[str, Any], lang: str) -> str:
    """``; còn 6.446,5 triệu đồng phải giải ngân trước 31/12/2023, bình quân 2.148,8 triệu
    đồng/tháng`` — nothing when nothing remains or the figures are unknown."""
    shortfall: Any = row.get("shortfall")
    days_left: Any = row.get("days_left")
    if is_missing(shortfall) or float(shortfall) <= 0 or is_missing(row.get("deadline")):
        return ""
    late = not is_missing(days_left) and int(days_left) < 0
    return msg(
        "report.remaining_late" if late else "report.remaining",
        lang,
        shortfall=amount(shortfall, lang),
        deadline=date(row["deadline"], lang),
        monthly=amount(row.get("required_monthly"), lang),
    )


def status_sentence(row: dict[str, Any], target: float, as_of: dt.date | None, lang: str) -> str:
    """The sentence the report says for a key's status code (SPEC 4 and the engine's codes)."""
    code = str(row.get("status") or "")
    key = f"report.status.{code}"
    params = {
        "target": fmt_rate(target, lang),
        "deadline": date(row.get("deadline"), lang),
        "expected": rate(row.get("expected_rate"), lang),
        "as_of": date(as_of, lang),
        "projection": amount(row.get("projection"), lang),
        # A code the catalogue does not know yet is shown as it is.
        "label": status_label(code, lang) if f"status.{code}" in MESSAGES else (code or "-"),
    }
    return msg(key if key in _STATUS_KEYS else "report.status.other", lang, **params)


_STATUS_KEYS = {
    f"report.status.{c}"
    for c in ("over", "no_allocation", "met", "missed", "behind", "at_risk", "on_track", "incomplete")
}
