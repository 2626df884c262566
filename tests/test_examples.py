"""Golden tests: every folder in ../shared/examples reconciles to its answer key (*.expected.json)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from reconcile.models import Settings
from reconcile.pipeline import run_folder

from .conftest import EXAMPLES

CASES = (
    sorted(p.stem.removesuffix(".expected") for p in EXAMPLES.glob("*.expected.json"))
    if EXAMPLES.is_dir()
    else []
)


def _key(row: dict) -> tuple:
    sub = row["sub_project"]
    sub = (
        None
        if sub is None or (isinstance(sub, float) and math.isnan(sub)) or str(sub) == "<NA>"
        else int(sub)
    )
    return (int(row["budget_year"]), int(row["execution_year"]), int(row["project"]), sub, row["source"])


@pytest.mark.parametrize("case", CASES)
def test_example_matches_answer_key(examples_dir: Path, case: str) -> None:
    """Every key, figure, status and required finding of the answer key; no forbidden finding code."""
    key = json.loads((examples_dir / f"{case}.expected.json").read_text(encoding="utf-8"))
    result = run_folder(examples_dir / case, Settings())
    assert str(result.as_of) == key["as_of"]
    assert [str(p) for p in result.periods] == key["context"]["periods"]
    got = {_key(r): r for r in result.latest.to_dict("records")}
    want = {_key(r): r for r in key["summary"]}
    assert sorted(got, key=str) == sorted(want, key=str)
    for k, exp in want.items():
        row = got[k]
        assert row["allocated"] == pytest.approx(exp["allocated"], abs=0.0005), k
        assert row["disbursed"] == pytest.approx(exp["disbursed"], abs=0.0005), k
        assert row["rate"] == pytest.approx(exp["rate"], abs=1e-6), k
        assert row["shortfall"] == pytest.approx(exp["shortfall"], abs=0.0005), k
        assert row["status"] == exp["status"], k
    found = {(f.code, f.file, f.sheet, f.cell) for f in result.findings}
    for exp in key["findings"]:
        assert (exp["code"], exp["file"], exp["sheet"], exp["cell"]) in found
    codes = {f.code for f in result.findings}
    assert not codes & set(key["absent_codes"]), codes & set(key["absent_codes"])


def test_examples_are_present() -> None:
    """The golden tests must not silently pass by finding no example."""
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/examples is not beside this checkout")
    assert len(CASES) >= 3
