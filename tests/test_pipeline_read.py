"""Reading in worker processes gives exactly what reading in one process gives.

Workers send each FileResult back as tuples of field values (cheaper to pickle than dataclass
objects); the parent puts the objects together again.
"""

from __future__ import annotations

import dataclasses
import pickle
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reconcile import pipeline
from reconcile.models import FileResult, Settings
from reconcile.read.reader import read_file
from tests import hostile


def _plain(value: Any) -> Any:
    """A comparable picture of a result: dataclasses by type and fields, arrays as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    if isinstance(value, np.ndarray):
        return ("array", str(value.dtype), [_plain(v) for v in value.tolist()])
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _folder(tmp_path: Path, examples_dir: Path) -> Path:
    folder = tmp_path / "in"
    for source in sorted(examples_dir.rglob("*.xlsx")):
        target = folder / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    hostile.write_entity_xlsx(folder)
    hostile.write_corrupt_xlsx(folder)
    return folder


def test_packed_results_come_back_whole(tmp_path: Path, examples_dir: Path) -> None:
    folder = _folder(tmp_path, examples_dir)
    paths = sorted(folder.rglob("*.xlsx"))
    results = [read_file(p, pipeline.relative_name(p, folder)) for p in paths]
    # Every kind of result: Layout A's items (columns of lists), Layout B's (arrays, Coded...),
    # findings, unreadable files.
    assert any(s.layout == "A" and s.columns for r in results for s in r.sheets)
    assert any(s.layout == "B" and s.columns for r in results for s in r.sheets)
    assert any(r.findings for r in results) and any(not r.readable for r in results)
    for path, result in zip(paths, results, strict=True):
        packed = pickle.loads(pickle.dumps(pipeline._pack(result)))
        assert packed[pipeline._PATH] is None  # the parent has the path
        back = pipeline._unpack(packed, path)
        assert isinstance(back, FileResult)
        assert repr(_plain(back)) == repr(_plain(result))


def test_workers_read_what_one_process_reads(
    tmp_path: Path, examples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path, examples_dir)
    paths = sorted(folder.rglob("*.xlsx"))
    serial = pipeline.read_all(paths, folder, Settings())
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    seen: list[int] = []
    parallel = pipeline.read_all(paths, folder, Settings(), progress=seen.append)
    assert seen == [1] * len(paths)
    assert [r.path for r in parallel] == paths
    assert repr(_plain(parallel)) == repr(_plain(serial))


_REFAULTS = """
import resource, sys
import numpy as np
from reconcile import pipeline
if sys.argv[1] == "keep":
    pipeline._keep_freed_memory()
blocks = [np.ones(3_000_000) for _ in range(4)]  # 4 x 24 MB, as the engine's arrays come and go
del blocks
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
blocks = [np.ones(3_000_000) for _ in range(4)]
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_memory_freed_while_the_engine_works_is_used_again_without_faults() -> None:
    """Arrays made again after others were freed reuse their memory: no page is faulted in afresh.
    By default glibc gives such blocks back to the system, and thousands of pages fault in again."""

    def refaults(mode: str) -> int:
        done = subprocess.run(
            [sys.executable, "-c", _REFAULTS, mode], capture_output=True, text=True, check=True
        )
        return int(done.stdout)

    assert refaults("keep") < 256
    assert refaults("default") > 1000


def test_freed_memory_is_kept_before_the_engine_and_given_back_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconcile import engine

    calls: list[str] = []
    real_reconcile = engine.reconcile

    def reconcile(*args: Any, **kwargs: Any) -> Any:
        calls.append("engine")
        return real_reconcile(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_keep_freed_memory", lambda: calls.append("keep"))
    monkeypatch.setattr(pipeline, "_give_back_memory", lambda: calls.append("give back"))
    monkeypatch.setattr(engine, "reconcile", reconcile)
    pipeline.run_folder(Path(__file__).resolve().parents[1] / "workbooks", Settings())
    assert calls == ["keep", "engine", "give back"]
