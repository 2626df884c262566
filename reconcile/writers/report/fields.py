"""The report's header fields: ``[report]`` in reconcile.toml first, then what the files' header
blocks said (unit, superior, period), then a highlighted placeholder the unit fills in by hand."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ...messages import msg
from ...text import fold

#: Words left out of a unit's initials ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG" -> "STTTT").
_SKIP_INITIALS = {"va", "and", "of", "the", "tinh", "thanh", "pho"}
#: "UBND TỈNH LẠNG SƠN", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "UBND HUYỆN X": the place is what follows.
_PLACE = re.compile(
    r"^(?:ubnd|uy ban nhan dan)\s+(?:tinh|thanh pho|huyen|quan|thi xa|tp\.?)\s+", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Field:
    """A header text and whether it is a placeholder (shown highlighted, to be completed)."""

    text: str
    missing: bool = False


@dataclass(frozen=True, slots=True)
class ReportFields:
    """Everything the header, the closing and the signature say."""

    superior: Field
    unit: Field
    number_prefix: Field
    recipient: Field
    place: Field
    date: dt.date | None
    subject: Field
    signer_title: Field
    signer_name: Field
    recipients: tuple[str, ...]


def _place_of(superior: str) -> str:
    """ "UBND TỈNH LẠNG SƠN" -> "Lạng Sơn" (the words after the administrative level, title-cased)."""
    words = superior.split()
    folded = fold(superior)
    m = _PLACE.match(folded)
    if not m:
        return ""
    # fold() keeps one character per character, so the match length counts the original words too.
    skip = len(folded[: m.end()].split())
    return " ".join(w[:1].upper() + w[1:].lower() for w in words[skip:])


def _initials(unit: str) -> str:
    """The initials of a unit's name, upper case ("Sở Thông tin và Truyền thông" -> "STTTT")."""
    words = [w for w in re.split(r"[\s\-–]+", unit) if w]
    return "".join(w[0].upper() for w in words if fold(w) not in _SKIP_INITIALS and w[0].isalpha())


def resolve(
    config: dict[str, Any],
    units: list[str],
    superiors: list[str],
    as_of: dt.date | None,
    year: int | None,
    lang: str,
    funds: str = "",
    gnbv: bool = True,
) -> ReportFields:
    """The header fields of a report of ``units`` (the files' units; several: the consolidating
    department's report, whose name only the settings can give); ``funds``: what the report is
    about ("vốn sự nghiệp thực hiện Chương trình …", the GNBV programme's when not given); ``gnbv``:
    whether it is the GNBV programme's report, whose recipient the tool knows (Sở Lao động - Thương
    binh và Xã hội); another programme's is a placeholder unless the settings name it."""

    def pick(key: str, found: str, missing_key: str) -> Field:
        if config.get(key):
            return Field(str(config[key]))
        if found:
            return Field(found)
        return Field(msg(missing_key, lang), missing=True)

    named = [u for u in units if u]
    superior = pick("superior", superiors[0] if len(set(superiors)) == 1 else "", "report.superior_missing")
    unit = pick("unit", named[0] if len(named) == 1 else "", "report.unit_missing")
    place_found = _place_of(superior.text) if not superior.missing else ""
    initials = _initials(unit.text) if not unit.missing else ""
    subject = msg("report.subject", lang, funds=funds or msg("report.funds.GNBV", lang), year=year or "")
    recipients = config.get("recipients") or msg("report.recipients_default", lang).split("\n")
    return ReportFields(
        superior=superior,
        unit=unit,
        number_prefix=pick("number_prefix", f"BC-{initials}" if initials else "", "report.prefix_missing"),
        recipient=pick(
            "recipient", msg("report.recipient", lang) if gnbv else "", "report.recipient_missing"
        ),
        place=pick("place", place_found, "report.place_missing"),
        date=config.get("date") or as_of,
        subject=Field(str(config["subject"])) if config.get("subject") else Field(subject),
        signer_title=pick("signer_title", "", "report.signer_title_missing"),
        signer_name=pick("signer_name", "", "report.signer_name_missing"),
        recipients=tuple(recipients),
    )


def unit_in_sentence(unit: Field) -> str:
    """The unit's name inside a sentence: an all-capitals name ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG") with
    capital initials ("Sở Thông Tin và Truyền Thông"); any other name as it was written."""
    if unit.missing or not unit.text.isupper():
        return unit.text
    return " ".join(
        w.lower() if fold(w) in ("va", "and") else w[:1] + w[1:].lower() for w in unit.text.split()
    )
