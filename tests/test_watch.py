"""`reconcile watch` (reconcile/watch.py): exactly one new run per settled change, never a file read
half-written, its own outputs and lock files ignored, Ctrl-C ends it with the outputs whole.

The loop runs in a thread with a stop event and reports each run's line to the test; the test waits
for lines (bounded waits), never for fixed sleeps, except to show that no further run comes.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.generate import plan_unit, write_layout_a
from reconcile.models import Settings
from reconcile.run import run_once
from reconcile.watch import WatchOptions, compare, snapshot, watch
from tests.paused import spawn, start_paused

SETTLE = 1.0


def _month(path: Path, month: int, seed: int = 3) -> Path:
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN E", "UBND HUYỆN E", "E", seed, 12)
    write_layout_a(path, plan, month)
    return path


class Watcher:
    """``watch`` in a thread, its lines collected."""

    def __init__(self, folder: Path, out: Path, poll: bool = True) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.options = WatchOptions(poll=poll, settle=SETTLE, interval=0.1)
        settings = Settings(lang="en", annotate=False)
        self.thread = threading.Thread(
            target=watch,
            args=(
                folder,
                out,
                lambda: run_once(folder, out, settings, "fail", use_cache=True),
                "en",
                self.options,
                self._echo,
            ),
            daemon=True,
        )

    def _echo(self, line: str) -> None:
        with self.changed:
            self.lines.append(line)
            self.changed.notify_all()

    def wait_for(self, n: int, timeout: float = 60) -> list[str]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.lines) >= n, timeout), self.lines
            return list(self.lines)

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.options.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for month in (1, 2):
        _month(folder / f"2023-{month:02d}.xlsx", month)
    return folder


@pytest.mark.parametrize("poll", [True, False], ids=["polling", "events"])
def test_a_dropped_file_makes_exactly_one_new_run(folder: Path, tmp_path: Path, poll: bool) -> None:
    out = folder / "output"  # inside the watched folder: its writes must not cause runs
    new = _month(tmp_path / "2023-03.xlsx", 3)
    with Watcher(folder, out, poll=poll) as w:
        (first,) = w.wait_for(1)
        assert "First run, 2 spreadsheets" in first and "Read 2 files" in first and str(out) in first
        (folder / "~$2023-03.xlsx").write_bytes(b"lock")  # Excel's lock file: no run
        shutil.copyfile(new, folder / "2023-03.xlsx")
        lines = w.wait_for(2)
        assert "1 new (2023-03.xlsx)" in lines[1] and "Read 3 files" in lines[1]
        time.sleep(3 * SETTLE)  # no further run comes: its own outputs changed, nothing else
        assert len(w.lines) == 2, w.lines
    items = (out / "line_items.csv").read_text(encoding="utf-8")
    assert "2023-03.xlsx" in items


def test_a_file_copied_slowly_is_read_once_whole(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = _month(tmp_path / "2023-04.xlsx", 4).read_bytes()
    with Watcher(folder, out) as w:
        w.wait_for(1)
        chunk = len(data) // 6 + 1
        with open(folder / "2023-04.xlsx", "wb") as fh:
            for i in range(0, len(data), chunk):
                fh.write(data[i : i + chunk])
                fh.flush()
                time.sleep(SETTLE / 4)  # a slow copy: the file keeps growing
        lines = w.wait_for(2)
        time.sleep(3 * SETTLE)
        assert len(w.lines) == 2, w.lines
    assert "1 new (2023-04.xlsx)" in lines[1] and "Read 3 files" in lines[1] and "0 errors" in lines[1]
    findings = (out / "findings.csv").read_text(encoding="utf-8")
    assert "unreadable_file" not in findings


def test_changes_and_removals_are_named_and_rerun(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Watcher(folder, out) as w:
        w.wait_for(1)
        _month(tmp_path / "x.xlsx", 2, seed=9)
        os.replace(tmp_path / "x.xlsx", folder / "2023-02.xlsx")
        lines = w.wait_for(2)
        assert "1 changed (2023-02.xlsx)" in lines[1]
        (folder / "2023-01.xlsx").unlink()
        lines = w.wait_for(3)
        assert "1 removed (2023-01.xlsx)" in lines[2] and "Read 1 files" in lines[2]


def test_snapshot_leaves_out_outputs_and_lock_files(folder: Path) -> None:
    out = folder / "output"
    out.mkdir()
    (out / "summary.csv").write_text("x", encoding="utf-8")
    (folder / "~$2023-01.xlsx").write_bytes(b"lock")
    (folder / ".~lock.2023-02.xlsx#").write_bytes(b"lock")
    before = snapshot(folder, out)
    assert sorted(before) == ["2023-01.xlsx", "2023-02.xlsx"]
    (out / "reconciliation.xlsx").write_bytes(b"x")
    assert not compare(before, snapshot(folder, out))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_ends_the_watch_with_a_message_and_whole_outputs(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = spawn(["watch", str(folder), "--out", str(out), "--lang", "en", "--poll"])
    try:
        assert proc.stdout is not None
        seen = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            seen.append(line)
            if "First run" in line:
                break
        assert "First run" in seen[-1], seen
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Stopped watching" in rest and str(out) in rest
    assert "Traceback" not in err
    assert (out / "reconciliation.xlsx").stat().st_size > 0
    assert not [p for p in out.rglob("*") if p.name.startswith(".~reconcile-")]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too), by name, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
@pytest.mark.parametrize("earlier", [False, True], ids=["fresh-output", "earlier-outputs"])
def test_ctrl_c_during_the_first_run_says_it_wrote_nothing(
    folder: Path, tmp_path: Path, earlier: bool
) -> None:
    out = tmp_path / "out"
    before: dict[str, bytes] = {}
    if earlier:
        # Outputs of an earlier `run` (another target: had anything of the watch's run been kept,
        # they would differ).
        run_once(folder, out, Settings(lang="en", annotate=False, target=0.5), "fail", use_cache=False)
        before = _files(out)
        assert "reconciliation.xlsx" in before
    # The first run stops as it starts writing, so that Ctrl-C falls inside that run.
    proc = start_paused(
        ["watch", str(folder), "--out", str(out), "--lang", "en", "--poll"],
        "writing:0",
        tmp_path / "paused",
        120,
    )
    try:
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    last = rest.splitlines()[-1]
    assert last == (
        f"Stopped watching (Ctrl+C) during a run: that run wrote nothing; the previous outputs in {out} "
        "are kept as they were."
        if earlier
        else f"Stopped watching (Ctrl+C) during a run: nothing was written to {out}."
    ), rest
    assert "intact" not in rest  # not the message of a watch stopped between runs
    if earlier:
        # No temp file, no lock, every output byte for byte (the files read stay in the read cache).
        assert {k: v for k, v in _files(out).items() if not k.startswith(".cache/")} == before
    else:
        assert not out.exists()


def test_reconcile_toml_is_watched(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Watcher(folder, out) as w:
        (first,) = w.wait_for(1)
        assert "First run, 2 spreadsheets" in first  # reconcile.toml is no spreadsheet
        (folder / "reconcile.toml").write_text("target = 50\n", encoding="utf-8")
        lines = w.wait_for(2)
        assert "1 new (reconcile.toml)" in lines[1]
        # Read with the new target: the shortfall against it differs.
        assert lines[1].split(" → ", 1)[1] != lines[0].split(" → ", 1)[1]
        time.sleep(3 * SETTLE)  # no further run
        assert len(w.lines) == 2, w.lines


def test_ctrl_c_before_any_output_says_nothing_was_written(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import reconcile.watch as watch_module

    def pressed(*args: object) -> int:
        raise KeyboardInterrupt  # Ctrl-C while waiting for the folder to settle (no run yet)

    monkeypatch.setattr(watch_module, "watch", pressed)
    out = tmp_path / "out"
    settings = Settings(lang="en")
    assert watch_module.run_watch(folder, out, settings, lambda: ("", 0), poll=True) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"Stopped watching. Nothing was written to {out}."
    run_once(folder, out, settings, "fail", use_cache=False)  # outputs of an earlier run
    assert watch_module.run_watch(folder, out, settings, lambda: ("", 0), poll=True) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Stopped watching. The outputs of the last completed run are intact in {out}."
    )
