"""A folder of everything Windows and email leave behind, beside one good report.

Planted: every hostile file of tests/hostile.py (corrupt, truncated, empty, password-protected OLE2
named .xlsx, a text file renamed .xlsx, XML entity and external entity workbooks, a zip bomb) and the
lock files (~$x.xlsx, .~lock.x.xlsx#, ._x.xlsx). The run must not print a traceback, must name each bad
file with its code, and must reconcile the good report; two runs give byte-identical CSVs.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconcile.cli import cli

from . import hostile

LOCKS = ("~$2023-09.xlsx", ".~lock.2023-09.xlsx#", "._2023-09.xlsx")


@pytest.fixture
def hostile_folder(tmp_path: Path, examples_dir: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(examples_dir / "layout_b_single" / "mau-tong-hop-2023-10.xlsx", folder)
    expected: dict[str, str] = {}
    for writer in hostile.REFUSED_WRITERS:
        path = writer(folder)
        expected[path.name] = "unreadable_file"
    for name in LOCKS:
        (folder / name).write_bytes(b"lock")
        expected[name] = "skipped_file"
    return folder, expected


def test_hostile_files_are_named_and_the_good_one_reconciled(
    hostile_folder: tuple[Path, dict[str, str]],
) -> None:
    folder, expected = hostile_folder
    out = folder.parent / "out"
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    with open(out / "findings.csv", encoding="utf-8") as fh:
        findings = list(csv.DictReader(fh))
    by_file = {f["file"]: f["code"] for f in findings if f["code"] in ("unreadable_file", "skipped_file")}
    for name, code in expected.items():
        assert by_file.get(name) == code, (name, by_file.get(name))
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5  # the good Layout B file's five keys
    assert sorted(float(r["allocated"]) for r in rows) == [64.0, 185.0, 310.0, 640.0, 1850.0]
    assert (out / "reconciliation.xlsx").is_file()


def test_two_runs_give_identical_outputs(hostile_folder: tuple[Path, dict[str, str]]) -> None:
    folder, _ = hostile_folder
    outs = [folder.parent / "out1", folder.parent / "out2"]
    for out in outs:
        res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out)])
        assert res.exit_code == 0, res.output
    for name in ("summary.csv", "findings.csv", "line_items.csv", "reconciliation.xlsx"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
