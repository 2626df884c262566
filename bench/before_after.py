"""Time the tool at an earlier commit and now, and a bare calamine read, on one corpus, alternating.

``python -m bench.before_after CORPUS_FOLDER [--base COMMIT] [--runs N]`` extracts COMMIT (``git
archive``) into a temporary folder and runs, in turn and N times each: ``reconcile run`` of that code,
``reconcile run`` of the checkout (with its read cache starting empty, as a first run, and with
``--no-cache``) and ``pandas.read_excel(engine="calamine")`` of every file. It prints each run's wall
and CPU seconds (the process and its workers) and the medians as ratios to the calamine read: one
run of this script gives before and after under the same load (issue 18: a province written by a
program, ``bench/out/corpora/province-formulas``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import spreadsheet_files
from bench.run import BASELINE, ROOT


def _timed(argv: list[str], pythonpath: Path, cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU of the process and the children it waited for), run
    from ``cwd`` (``python -m`` puts the current folder first on the path, before PYTHONPATH)."""
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{argv[:4]} failed ({done.returncode}): {done.stderr[-500:]}")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.before_after", description=(__doc__ or "").splitlines()[0]
    )
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--base", default="main", help="the earlier commit (default: main)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="before-after-"))
    try:
        base = work / "base"
        base.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.base], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        listing = work / "files.txt"
        corpus = args.corpus.resolve()
        listing.write_text("\n".join(map(str, spreadsheet_files(corpus))) + "\n", encoding="utf-8")
        py = sys.executable
        run = [py, "-m", "reconcile.cli", "run", str(corpus), "--no-annotate", "--out"]
        cases: dict[str, tuple[list[str], Path]] = {
            f"before ({args.base})": ([*run, str(work / "out-base")], base),
            "after": ([*run, str(work / "out-after")], ROOT),
            "after --no-cache": ([*run, str(work / "out-nc"), "--no-cache"], ROOT),
            "calamine": ([py, "-c", BASELINE, "calamine", str(listing)], ROOT),
        }
        walls: dict[str, list[float]] = {k: [] for k in cases}
        cpus: dict[str, list[float]] = {k: [] for k in cases}
        for i in range(args.runs):
            for name, (cmd, path) in cases.items():
                for out in ("out-base", "out-after", "out-nc"):
                    shutil.rmtree(work / out, ignore_errors=True)
                wall, cpu = _timed(cmd, path, work)
                walls[name].append(wall)
                cpus[name].append(cpu)
                print(
                    f"{name:<22} run {i + 1}: {wall:6.2f} s wall {cpu:6.2f} s cpu (load {os.getloadavg()[0]:.1f})"
                )
        wall0, cpu0 = statistics.median(walls["calamine"]), statistics.median(cpus["calamine"])
        for name in cases:
            w, c = statistics.median(walls[name]), statistics.median(cpus[name])
            print(
                f"{name:<22} median {w:6.2f} s wall ({w / wall0:.2f}x calamine), {c:6.2f} s cpu ({c / cpu0:.2f}x)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
