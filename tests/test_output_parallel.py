"""Outputs written side by side: a big run writes its two large CSVs in forked processes while the
workbook is written. The files must be the very bytes of writing them in turn, and a CSV that cannot
be written (or a writer that dies) must still end the run with the usual one-line error."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.errors import InputFileError, OutputError, UsageError
from reconcile.writers import forked, output

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="outputs are written in turn without fork")


def _run(folder: Path, out: Path) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--no-annotate"])
    return res.exit_code, res.stderr


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_side_by_side_gives_the_same_bytes_as_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forked, "PARALLEL_MIN_ITEMS", 10**9)
    code, err = _run(WORKBOOKS, tmp_path / "turn")
    assert code == 0, err
    forks: list[int] = []
    real = forked.Child.__init__

    def counting(self: forked.Child, *args: object) -> None:
        forks.append(1)
        real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(forked, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(forked.Child, "__init__", counting)
    assert _run(WORKBOOKS, tmp_path / "side")[0] == 0
    assert len(forks) == 2  # summary.csv and line_items.csv
    turn, side = _outputs(tmp_path / "turn"), _outputs(tmp_path / "side")
    assert sorted(side) == [
        "bao-cao-ra-soat.docx",
        "findings.csv",
        "ledger.csv",
        "line_items.csv",
        "reconciliation.xlsx",
        "summary.csv",
    ]
    assert side == turn
    assert not [p for p in (tmp_path / "side").iterdir() if p.name.startswith(".~reconcile")]


def test_a_csv_that_cannot_be_written_in_a_child_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forked, "PARALLEL_MIN_ITEMS", 1)
    out = tmp_path / "out"
    (out / "line_items.csv").mkdir(parents=True)  # a folder where the file should go
    (out / "line_items.csv" / "keep.txt").write_text("x")
    code, err = _run(WORKBOOKS, out)
    assert code == 2
    assert "line_items.csv" in err and "Traceback" not in err
    assert (out / "line_items.csv" / "keep.txt").read_text() == "x"
    assert not [p for p in out.iterdir() if p.name.startswith(".~reconcile")]


def test_a_writer_that_dies_is_reported_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forked, "PARALLEL_MIN_ITEMS", 1)

    def die(items: object, path: Path) -> None:
        os._exit(9)  # as the kernel's out-of-memory killer would end it

    monkeypatch.setattr("reconcile.writers.csv.write_line_items", die)
    code, err = _run(WORKBOOKS, tmp_path / "out")
    assert code == 2
    assert "line_items.csv" in err and "dừng giữa chừng" in err
    assert (tmp_path / "out" / "summary.csv").exists() and not (tmp_path / "out" / "line_items.csv").exists()


def test_first_failure_in_job_order_wins(tmp_path: Path) -> None:
    """summary.csv fails in a child, the workbook in this process: summary.csv is named, as in turn."""
    targets = [tmp_path / output.SUMMARY_NAME, tmp_path / output.WORKBOOK_NAME, tmp_path / output.ITEMS_NAME]

    def fails(p: Path) -> None:
        raise OSError(28, "No space left on device")

    def fine(p: Path) -> None:
        p.write_text("ok")

    jobs = [(targets[0], fails), (targets[1], fails), (targets[2], fine)]
    with pytest.raises(OutputError) as info:
        output._write_all(jobs, "fail", parallel=True)
    assert "summary.csv" in info.value.message("en") and "reconciliation" not in info.value.message("en")
    assert (tmp_path / output.ITEMS_NAME).read_text() == "ok"


@pytest.mark.parametrize("cls", [OutputError, UsageError, InputFileError])
def test_errors_keep_their_parameters_through_pickle(cls: type) -> None:
    err = cls("cli.output_failed", file="a.csv", detail_key="output.worker_stopped")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls and back.key == err.key and back.params == err.params
    assert back.message("en") == err.message("en") and "stopped part-way" in back.message("en")


def test_small_runs_do_not_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(*args: object) -> None:
        raise AssertionError("forked for a small run")

    monkeypatch.setattr(forked.Child, "__init__", no_fork)
    assert _run(WORKBOOKS, tmp_path / "out")[0] == 0
    assert (tmp_path / "out" / "line_items.csv").stat().st_size > 0


def test_line_items_start_while_the_engine_finishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The item table goes to a writer as soon as it exists; write_outputs then reuses that writer."""
    monkeypatch.setattr(forked, "PARALLEL_MIN_ITEMS", 1)
    names: list[str] = []
    real = forked.Child.__init__

    def record(self: forked.Child, target: Path, work: object) -> None:
        names.append(target.name)
        real(self, target, work)  # type: ignore[arg-type]

    monkeypatch.setattr(forked.Child, "__init__", record)
    from reconcile import engine

    seen: list[str] = []
    real_summarise = engine._summarise

    def summarise(*args: object, **kwargs: object) -> object:
        seen.append(",".join(names))  # what had been started when the engine got this far
        return real_summarise(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_summarise", summarise)
    assert _run(WORKBOOKS, tmp_path / "out")[0] == 0
    assert seen == ["line_items.csv"]
    assert names == ["line_items.csv", "summary.csv"]  # no second writer for the items
    monkeypatch.setattr(forked, "PARALLEL_MIN_ITEMS", 10**9)
    assert _run(WORKBOOKS, tmp_path / "turn")[0] == 0
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "turn")


def test_an_early_writer_never_writes_over_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "PARALLEL_MIN_ITEMS", 1)
    folder = tmp_path / "in"
    shutil.copytree(WORKBOOKS, folder)
    (folder / "line_items.csv").write_text("mine", encoding="utf-8")
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(folder), "--no-annotate"])
    assert res.exit_code == 2 and "Traceback" not in res.stderr
    assert (folder / "line_items.csv").read_text(encoding="utf-8") == "mine"
