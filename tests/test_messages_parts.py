"""The message catalogue is merged from one module an area (reconcile/messages/): a key written twice,
in two parts or twice in one part's literal, fails loudly instead of one text silently winning."""

from __future__ import annotations

import ast
import types
from pathlib import Path

import pytest

from reconcile.messages import MESSAGES, PARTS, merged


def _part(name: str, entries: dict[str, dict[str, str]]) -> types.ModuleType:
    part = types.ModuleType(name)
    part.ENTRIES = entries  # type: ignore[attr-defined]
    return part


def test_a_key_in_two_parts_fails_at_merge() -> None:
    first = _part("reconcile.messages.first", {"cli.same": {"vi": "một", "en": "one"}})
    second = _part("reconcile.messages.second", {"cli.same": {"vi": "hai", "en": "two"}})
    with pytest.raises(ValueError, match=r"'cli\.same' is in both reconcile\.messages\.first and .*second"):
        merged((first, second))


def _literal_keys(part: types.ModuleType) -> list[str]:
    """The keys of the part's ENTRIES literal as written (a dict keeps only the last of a repeated key)."""
    tree = ast.parse(Path(str(part.__file__)).read_text(encoding="utf-8"))
    (literal,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "ENTRIES"
    ]
    assert isinstance(literal, ast.Dict)
    return [k.value for k in literal.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def test_every_key_is_written_once_in_all_the_parts() -> None:
    written = [key for part in PARTS for key in _literal_keys(part)]
    twice = sorted({key for key in written if written.count(key) > 1})
    assert not twice, f"written more than once: {twice}"
    assert len(written) == len(MESSAGES) > 500
    assert {"status.met", "finding.total_mismatch", "reason.corrupt", "cli.done", "wb.sheet.summary"} <= set(
        MESSAGES
    )


def test_the_catalogue_does_not_depend_on_the_order_of_its_parts() -> None:
    assert merged(tuple(reversed(PARTS))) == MESSAGES
