"""Settings from ``reconcile.toml`` in the input folder, merged under the command-line options.

Example::

    target = 100                 # percent
    deadline = "31/01"           # day/month; a month before June means the next year
    pace = [5, 10, 20, 30, 40, 50, 60, 70, 80, 88, 95, 100]   # expected cumulative % at each month end
    # or: pace = "backloaded" (a shipped profile, see PACE_PROFILES) or "linear" (the default)

    [aliases]                    # extra labels -> "project" or "project.sub_project"
    "Truyen thanh co so" = "6.1"

    [deadlines]                  # budget year -> its funds' deadline (carried over by a decision)
    2022 = "2024-12-31"

    [treasury.codes]             # Treasury programme code (Mã CTMT, DA) -> "project[.sub_project]"
    "0361" = "6.1"
    [report]                     # the review report's header (SPEC 8); every key is optional
    superior = "UBND TỈNH LẠNG SƠN"
    signer_title = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    recipients = ["Như trên;", "Lưu: VT."]

    [programmes]                 # words of a sheet's title -> its programme (SPEC 12)
    "phat trien lam nghiep ben vung" = "LNBV"

    [catalogue.LNBV]             # a programme's projects: "project[.sub_project]" -> name
    "1" = "Bảo vệ và phát triển rừng"
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import UsageError
from .text import fold

CONFIG_NAME = "reconcile.toml"

#: Shipped pace profiles: expected cumulative percent at the end of each month, January to December.
#: "backloaded" is for programmes whose spending comes late in the year (SPEC 9): about 5% by March,
#: 20% by June, 45% by September, 85% by November.
PACE_PROFILES: dict[str, tuple[float, ...]] = {
    "backloaded": (1, 3, 5, 10, 15, 20, 28, 36, 45, 65, 85, 100),
}
#: The name of the default pace (the linear expected rate of SPEC 4) and of a profile given as numbers.
LINEAR, CUSTOM = "linear", "custom"


#: The settings reconcile.toml may hold (top-level keys and tables), in the order the guide lists them.
KNOWN_KEYS: tuple[str, ...] = (
    "target",
    "deadline",
    "pace",
    "deadlines",
    "aliases",
    "treasury",
    "programmes",
    "catalogue",
    "report",
)


def _bad(path: Path, line: int | str, detail: str = "", detail_key: str = "", **params: Any) -> UsageError:
    """The one error of a bad settings file: its path, the line, and what is wrong (from the catalogue)."""
    return UsageError(
        "cli.bad_config", file=str(path), line=line, detail=detail, detail_key=detail_key, **params
    )


def load_config(folder: Path) -> dict[str, Any]:
    """Settings overrides from ``folder/reconcile.toml`` (empty when there is none)."""
    path = folder / CONFIG_NAME
    if not path.is_file():
        return {}
    text, data = _read(path)
    for key in data:
        if key not in KNOWN_KEYS:
            # A misspelt setting silently ignored would leave the run on the defaults unnoticed.
            near = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
            raise _bad(
                path,
                _line_of(text, key),
                detail_key="config.unknown_near" if near else "config.unknown",
                name=key,
                near=near[0] if near else "",
                names=", ".join(KNOWN_KEYS),
            )
    out: dict[str, Any] = {}
    if "target" in data:
        t = data["target"]
        if not isinstance(t, int | float) or not 0 < t <= 100:
            raise _bad(path, _line_of(text, "target"), detail_key="config.target")
        out["target"] = float(t) / 100
    if "deadline" in data:
        m = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*", str(data["deadline"]))
        if not m or not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(1)) <= 31):
            raise _bad(path, _line_of(text, "deadline"), detail_key="config.deadline")
        day, month = int(m.group(1)), int(m.group(2))
        out["deadline_day"], out["deadline_month"] = day, month
        out["deadline_year_offset"] = 1 if month < 6 else 0
    if "pace" in data:
        out.update(_pace(data["pace"], path, _line_of(text, "pace")))
    if "deadlines" in data:
        out["deadlines"] = _deadlines(data["deadlines"], path, text)
    if "treasury" in data:
        out["treasury_codes"] = _treasury_codes(data["treasury"], path, text)
    if "programmes" in data:
        table = data["programmes"]
        if not isinstance(table, dict):
            raise _bad(path, _line_of(text, "programmes"), detail_key="config.programme", words="programmes")
        named = []
        for words, name in table.items():
            if not isinstance(name, str) or not name.strip() or not fold(str(words)).strip():
                raise _bad(path, _line_of(text, words), detail_key="config.programme", words=words)
            named.append((fold(str(words)).strip(), name.strip()))
        out["programmes"] = tuple(named)
    if "catalogue" in data:
        out["catalogues"] = _catalogues(data["catalogue"], path, text)
    if "aliases" in data:
        aliases = []
        for label, target in dict(data["aliases"]).items():
            m = re.fullmatch(r"\s*(\d)(?:\.(\d))?\s*", str(target))
            if not m:
                raise _bad(path, _line_of(text, label), detail_key="config.alias", label=label)
            aliases.append((fold(label), int(m.group(1)), int(m.group(2)) if m.group(2) else None))
        out["aliases"] = tuple(aliases)
    return out


def _catalogues(table: Any, path: Path, text: str) -> tuple[tuple[str, int, int | None, str], ...]:
    """``[catalogue.<programme>]``: (programme, project, sub_project, name), sorted."""
    if not isinstance(table, dict):
        raise _bad(path, _line_of(text, "catalogue"), detail_key="config.catalogue", entry="catalogue")
    out: list[tuple[str, int, int | None, str]] = []
    for programme, entries in table.items():
        if not isinstance(entries, dict):
            raise _bad(path, _line_of(text, programme), detail_key="config.catalogue", entry=programme)
        for key, name in entries.items():
            m = re.fullmatch(r"\s*(\d{1,3})(?:\.(\d{1,3}))?\s*", str(key))
            if not m or not isinstance(name, str) or not name.strip():
                raise _bad(path, _line_of(text, key), detail_key="config.catalogue", entry=key)
            sub = int(m.group(2)) if m.group(2) else None
            out.append((str(programme), int(m.group(1)), sub, name.strip()))
    return tuple(sorted(out, key=lambda e: (e[0], e[1], -1 if e[2] is None else e[2])))


def _pace(pace: Any, path: Path, line: int | str) -> dict[str, Any]:
    """``pace_profile`` and ``pace_name`` from the ``pace`` setting: a shipped profile's name or twelve
    cumulative percents (non-decreasing, within 0-100, the last 100)."""
    if isinstance(pace, str):
        name = pace.strip().lower()
        if name == LINEAR:
            return {"pace_profile": None, "pace_name": LINEAR}
        if name not in PACE_PROFILES:
            raise _bad(
                path,
                line,
                detail_key="config.pace_name",
                name=pace,
                names=", ".join([LINEAR, *PACE_PROFILES]),
            )
        return {"pace_profile": tuple(x / 100 for x in PACE_PROFILES[name]), "pace_name": name}
    if not (
        isinstance(pace, list)
        and len(pace) == 12
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in pace)
    ):
        raise _bad(path, line, detail_key="config.pace")
    for month, x in enumerate(pace, 1):
        if not 0 <= x <= 100:
            raise _bad(path, line, detail_key="config.pace_range", month=month, value=x)
        if month > 1 and x < pace[month - 2]:
            raise _bad(
                path, line, detail_key="config.pace_order", month=month, value=x, before=pace[month - 2]
            )
    if pace[-1] != 100:
        raise _bad(path, line, detail_key="config.pace_last", value=pace[-1])
    return {"pace_profile": tuple(float(x) / 100 for x in pace), "pace_name": CUSTOM}


def _deadlines(table: Any, path: Path, text: str) -> tuple[tuple[int, dt.date], ...]:
    """``[deadlines]``: budget year -> the date its funds are due (a TOML date or "YYYY-MM-DD"/"dd/mm/yyyy")."""
    if not isinstance(table, dict):
        raise _bad(path, _line_of(text, "deadlines"), detail_key="config.deadlines")
    out: dict[int, dt.date] = {}
    for key, value in table.items():
        line = _line_of(text, str(key))
        year = int(key) if re.fullmatch(r"\s*\d{4}\s*", str(key)) else None
        due = _date_setting(value)
        if year is None or due is None or due.year < year:
            raise _bad(path, line, detail_key="config.deadline_year", year=key)
        out[year] = due
    return tuple(sorted(out.items()))


def _date_setting(value: Any) -> dt.date | None:
    """A date written as a TOML date, "2024-12-31" or "31/12/2024"; None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    parts = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        parts = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    try:
        return dt.date(*parts) if parts else None
    except ValueError:
        return None


def _treasury_codes(table: Any, path: Path, text: str) -> tuple[tuple[str, int, int | None], ...]:
    """``[treasury.codes]``: Treasury programme code -> (project, sub_project)."""
    codes = table.get("codes", {}) if isinstance(table, dict) else None
    if not isinstance(codes, dict) or set(table) - {"codes"}:
        raise _bad(path, _line_of(text, "treasury"), detail_key="config.treasury")
    out = []
    for code, target in codes.items():
        m = re.fullmatch(r"\s*(\d{1,2})(?:\.(\d{1,2}))?\s*", str(target))
        if not m or not str(code).strip():
            raise _bad(path, _line_of(text, str(code)), detail_key="config.treasury_code", code=code)
        out.append((str(code).strip(), int(m.group(1)), int(m.group(2)) if m.group(2) else None))
    return tuple(sorted(out))


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """The settings file's text and its parsed TOML; a bad file is a usage error naming its line."""
    text = ""
    try:
        text = path.read_text(encoding="utf-8-sig")
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        # An error "at end of document" (an unclosed array, say) is on the last line.
        line: int | str = m.group(1) if m else max(1, len(text.splitlines()))
        raise _bad(path, line, str(exc).split(" (at")[0]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, 1, str(exc)) from exc


#: Text fields of ``[report]`` (SPEC 8): header, subject and signature of the review report.
REPORT_TEXT_KEYS = (
    "superior",
    "unit",
    "number_prefix",
    "recipient",
    "place",
    "date",
    "subject",
    "signer_title",
    "signer_name",
)


def load_report_config(folder: Path) -> dict[str, Any]:
    """The ``[report]`` table of ``folder/reconcile.toml``: texts by name, ``recipients`` as a list of
    lines and ``date`` as a :class:`datetime.date` (empty when there is no file or no table)."""
    path = folder / CONFIG_NAME
    if not path.is_file():
        return {}
    text, data = _read(path)
    table = data.get("report", {})
    if not isinstance(table, dict):
        raise _bad(path, _line_of(text, "report"), detail_key="config.report")
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "recipients":
            if not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
                raise _bad(path, _line_of(text, key), detail_key="config.report_list", name=key)
            out[key] = [x.strip() for x in value if x.strip()]
        elif key in REPORT_TEXT_KEYS:
            if not isinstance(value, str):
                raise _bad(path, _line_of(text, key), detail_key="config.report_text", name=key)
            if key == "date":
                from .read.periods import parse_user_date

                date = parse_user_date(value)
                if date is None:
                    raise _bad(path, _line_of(text, key), detail_key="config.report_date", name=key)
                out[key] = date
            else:
                out[key] = value.strip()
        else:
            raise _bad(path, _line_of(text, key), detail_key="config.report_key", name=key)
    return out


def _line_of(text: str, key: str) -> int | str:
    """The line of the settings file that sets ``key`` ("?" when it cannot be told)."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip().strip('"[').startswith(key):
            return i
    return "?"
