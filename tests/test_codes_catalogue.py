"""One catalogue of finding codes (reconcile.findings): the code raises only codes it lists, every
code has its messages in Vietnamese and English, and the guide's tables say what the catalogue says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconcile.findings import BY_CODE, CODES
from reconcile.messages import LANGS, MESSAGES, msg
from reconcile.models import FINDING_SEVERITY, Finding

ROOT = Path(__file__).resolve().parent.parent
SOURCE = sorted((ROOT / "reconcile").rglob("*.py"))
SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCE)


def test_every_code_the_source_raises_is_catalogued() -> None:
    raised = set(re.findall(r'Finding\(\s*"([a-z_]+)"', _source()))
    assert raised, "the scan found no Finding(...) at all"
    assert raised <= set(BY_CODE), f"not in reconcile/findings.py: {sorted(raised - set(BY_CODE))}"
    # Codes that must be there: the scan is not vacuous.
    assert {"total_mismatch", "over_disbursed", "unreadable_file", "annotate_failed"} <= raised


def test_every_code_has_its_messages_in_both_languages() -> None:
    for code in CODES:
        for key in code.messages:
            assert key in MESSAGES, f"{code.code}: no {key}"
            for lang in LANGS:
                assert MESSAGES[key].get(lang), f"{code.code}: {key} has no {lang} text"


def test_every_message_key_named_in_the_source_exists_in_both_languages() -> None:
    """reason_key, detail_key and message_key parameters name catalogue entries by their literal keys."""
    named = set(re.findall(r'"((?:reason|detail|finding)\.[a-z_]+)"', _source()))
    assert "reason.corrupt" in named and "finding.source_total_mismatch" in named
    for key in sorted(named):
        assert key in MESSAGES, key
        assert all(MESSAGES[key].get(lang) for lang in LANGS), key


def test_models_take_their_severities_from_the_catalogue() -> None:
    assert {c.code: c.severity for c in CODES} == FINDING_SEVERITY
    assert len(BY_CODE) == len(CODES), "a code is listed twice"
    assert Finding("negative_amount").level == "error"


def _table(path: Path, pattern: str) -> list[tuple[str, ...]]:
    return [
        m.groups() for line in path.read_text(encoding="utf-8").splitlines() if (m := re.match(pattern, line))
    ]


def test_the_csv_reference_lists_exactly_the_catalogue() -> None:
    rows = _table(
        ROOT / "docs" / "csv-and-exit-codes.md", r"\| `([a-z_]+)` \| (error|warning|info) \| (.*) \|$"
    )
    expected = [(c.code, c.severity, c.meaning) for c in CODES]
    if rows != expected:
        wanted = "\n".join(f"| `{c}` | {s} | {m} |" for c, s, m in expected)
        pytest.fail(f"docs/csv-and-exit-codes.md's table of codes should read:\n{wanted}")


def test_the_users_guide_lists_every_code_with_its_severity() -> None:
    rows = _table(ROOT / "docs" / "huong-dan-su-dung.md", r"\| `([a-z_]+)` \| ([^|]+) \|")
    assert sorted(rows) == sorted((c.code, SEVERITY_VI[c.severity]) for c in CODES)


def test_a_missing_message_fails_loudly_in_tests() -> None:
    with pytest.raises(KeyError):
        msg("finding.no_such_code", "en")
    with pytest.raises(KeyError):
        msg("cli.done", "en")  # its parameters are missing
    assert msg("severity.error", "en") == "Error"
