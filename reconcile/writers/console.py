"""The console summary of a run: the grand total and the closing line, rendered from the Result.

The figures are those of ``Result.totals`` (the grand total of the per-unit scope), the same row the
workbook's Tổng hợp sheet shows as its TỔNG CỘNG line.
"""

from __future__ import annotations

from ..messages import fmt_amount, fmt_rate, msg
from ..models import Finding
from ..result import Result


def grand_total(result: Result) -> dict[str, float]:
    """allocated, disbursed, rate and shortfall of the grand total row of ``Result.totals``."""
    totals = result.totals
    row = totals[(totals["scope"] == "unit") & (totals["level"] == "total")].iloc[0]
    return {k: float(row[k]) for k in ("allocated", "disbursed", "rate", "shortfall")}


def totals_line(result: Result, lang: str) -> str | None:
    """The grand total in one line; None when no key was reconciled."""
    if len(result.latest) == 0:
        return None
    t = grand_total(result)
    return msg(
        "cli.totals",
        lang,
        allocated=fmt_amount(t["allocated"], lang),
        disbursed=fmt_amount(t["disbursed"], lang),
        rate=fmt_rate(t["rate"], lang),
        shortfall=fmt_amount(t["shortfall"], lang),
    )


def closing_lines(result: Result, lang: str, out: str) -> str:
    """The console summary's closing lines: the grand total (when there is one), then the counts."""
    total = totals_line(result, lang)
    done = counts_line(result, lang, out)
    return done if total is None else f"{total}\n{done}"


def checked_line(result: Result, lang: str) -> str:
    """The closing line of ``check``: what was read and what was found (nothing was written)."""
    return msg("cli.checked", lang, **_counts(result))


def counts_line(result: Result, lang: str, out: str) -> str:
    """The closing line of a run: files, items, keys, errors, warnings and where the output went."""
    return msg("cli.done", lang, out=out, **_counts(result))


def _counts(result: Result) -> dict[str, int]:
    """What both closing lines count (a line words only those it names)."""
    return {
        "files": len(result.files),
        "items": len(result.items),
        "keys": len(result.latest),
        "errors": _count(result.findings, "error"),
        "warnings": _count(result.findings, "warning"),
        "infos": _count(result.findings, "info"),
    }


def _count(findings: list[Finding], level: str) -> int:
    return sum(1 for f in findings if f.level == level)
