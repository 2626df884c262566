"""The benchmark's corpora are read back exactly: tiny corpora of each kind, generated into tmp_path,
go through the real pipeline and every line item comes out with the generated figures and no
warning or error. (Timing is bench/run.py's business, not a test's.)

Planted in the tiny corpora (bench/generate.py):
- department: one unit, 12 monthly Layout A files, three file-name styles, activity rows under
  Tiểu dự án 6.1 and 4.3, NSĐP filled for some sub-projects only, cumulative figures that only grow;
- province: 2 units in sub-folders x 3 months;
- province with formulas: parent rows, Tổng số and the rate as formulas (xlsxwriter, fullCalcOnLoad);
- national: 2 consolidated Layout B files with a "Đơn vị" column, 130 rows each (the last unit cut
  short mid-way through its keys).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from bench.generate import CorpusSpec, Item, department_spec, expected_items, generate, read_manifest
from bench.run import Case, measure, verify
from reconcile.models import Settings
from reconcile.pipeline import run_folder
from reconcile.writers.output import write_outputs

Row = tuple[str, int, int, int, int | None, str, str, float, float]


def _expected(items: list[Item]) -> list[Row]:
    return sorted(
        (
            i.unit,
            i.budget_year,
            i.execution_year,
            i.project,
            i.sub_project,
            i.source,
            i.period.isoformat(),
            i.allocated,
            i.disbursed,
        )
        for i in items
    )


def _read_back(out: Path) -> list[Row]:
    with open(out / "line_items.csv", encoding="utf-8", newline="") as fh:
        return sorted(
            (
                r["unit"],
                int(r["budget_year"]),
                int(r["execution_year"]),
                int(r["project"]),
                int(r["sub_project"]) if r["sub_project"] else None,
                r["source"],
                r["period"],
                float(r["allocated"]),
                float(r["disbursed"]),
            )
            for r in csv.DictReader(fh)
        )


SPECS = {
    "department": department_spec(),
    "province": CorpusSpec("province", units=2, months=3),
    "province-formulas": CorpusSpec("province", units=1, months=2, formulas=True),
    "national": CorpusSpec("national", files=2, rows=130),
}


@pytest.mark.parametrize("name", list(SPECS))
def test_generated_figures_are_read_back(name: str, tmp_path: Path) -> None:
    spec = SPECS[name]
    folder = tmp_path / name
    manifest = generate(spec, folder, workers=1)
    want = _expected(expected_items(spec))
    assert manifest.items == len(want) > 0
    assert read_manifest(folder) == manifest

    result = run_folder(folder, Settings(annotate=False))
    out = tmp_path / "out"
    write_outputs(result, out, annotate=False)

    assert _read_back(out) == want
    noisy = [(f.code, f.file, f.cell) for f in result.findings if f.level != "info"]
    assert noisy == []
    assert verify(Case(name, "e2e", [], 1, out), manifest) == "ok"


def test_layout_a_shape_and_cumulative_figures(tmp_path: Path) -> None:
    spec = department_spec()
    folder = tmp_path / "d"
    manifest = generate(spec, folder, workers=1)
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == manifest.files == 12
    assert {"2023-01.xlsx", "2023-12.xlsx"} <= set(names)
    items = expected_items(spec)
    by_key: dict[tuple[object, ...], list[Item]] = {}
    for it in items:
        by_key.setdefault((it.budget_year, it.project, it.sub_project, it.source), []).append(it)
    assert len(by_key) > 15
    for series in by_key.values():
        series.sort(key=lambda i: i.period)
        disbursed = [i.disbursed for i in series]
        assert disbursed == sorted(disbursed), "cumulative figures never decrease"
        assert all(i.disbursed <= i.allocated for i in series)

    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(folder / "2023-09.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[4][0] == "(Số liệu đến ngày 30/9/2023)"
    assert rows[5][2] == "Kế hoạch vốn được giao" and rows[6][2:5] == ["Tổng số", "NSTW", "NSĐP"]
    assert rows[8][1] == "TỔNG CỘNG"
    assert 35 <= len(rows) <= 50


def test_cached_corpus_is_not_rewritten_and_changed_one_is(tmp_path: Path) -> None:
    folder = tmp_path / "n"
    spec = CorpusSpec("national", files=1, rows=60)
    generate(spec, folder, workers=1)
    stamp = (folder / "tong-hop-ha-noi-2023-12.xlsx").stat().st_mtime_ns
    generate(spec, folder, workers=1)
    assert (folder / "tong-hop-ha-noi-2023-12.xlsx").stat().st_mtime_ns == stamp
    bigger = generate(CorpusSpec("national", files=1, rows=70), folder, workers=1)
    assert bigger.items == 70


def test_measure_times_a_process_and_its_memory(tmp_path: Path) -> None:
    code = "import time; block = bytearray(80 * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(0.6)"
    sample = measure([sys.executable, "-c", code], tmp_path / "log")
    assert sample.code == 0
    assert sample.wall >= 0.6
    assert sample.peak >= 80 * 2**20


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")
def test_memory_run_counts_pages_shared_with_a_forked_child_once(tmp_path: Path) -> None:
    code = (
        "import os, time\n"
        "block = bytearray(100 * 2**20); block[::4096] = b'x' * len(block[::4096])\n"
        "pid = os.fork()\n"
        "time.sleep(0.8)\n"
        "os._exit(0) if pid == 0 else os.waitpid(pid, 0)\n"
    )
    sample = measure([sys.executable, "-c", code], tmp_path / "log", pss=True)
    assert sample.code == 0
    assert sample.peak_rss >= 190 * 2**20  # the block counted in both processes
    assert 100 * 2**20 <= sample.peak < 150 * 2**20  # and once in their PSS


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc")
def test_timed_runs_leave_pss_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading PSS slows the process measured: timed runs sample resident sizes only."""
    import bench.run as bench_run

    calls: list[int] = []
    monkeypatch.setattr(bench_run, "tree_pss", lambda pid: calls.append(pid) or 0)
    code = "import time; block = bytearray(40 * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(0.6)"
    assert measure([sys.executable, "-c", code], tmp_path / "a").peak >= 40 * 2**20
    assert calls == []
    # PSS is read only when the tree's resident sum could beat the peak so far, which for a lone
    # process (RSS <= its high-water mark) happened only by a race: a forked child makes it certain.
    forked = (
        "import os, time; block = bytearray(40 * 2**20); block[::4096] = b'x' * len(block[::4096]); "
        "pid = os.fork(); time.sleep(0.6); os._exit(0) if pid == 0 else os.waitpid(pid, 0)"
    )
    measure([sys.executable, "-c", forked], tmp_path / "b", pss=True)
    assert calls
