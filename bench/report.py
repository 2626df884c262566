"""What writing the review report (bao-cao-ra-soat.docx) adds to a run (issue 16).

``python -m bench.report [FOLDER] [--runs N]`` (FOLDER: ``workbooks/`` by default) times, each in its
own process and alternating so that a busy machine slows both alike, ``reconcile run FOLDER`` and
``reconcile run FOLDER --no-report`` (median wall time of N runs each), and, in this process, the
report alone: :func:`reconcile.writers.report_run.write_report_to` on the result of one run (median of N).
It prints the three figures and the ratio of the run with the report to the run without it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cli(folder: Path, out: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "reconcile.cli", "run", str(folder), "--out", str(out), *extra],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def _report_alone(folder: Path, out: Path, runs: int) -> float:
    from reconcile.models import Settings
    from reconcile.pipeline import run_folder
    from reconcile.writers.report_run import write_report_to

    result = run_folder(folder, Settings())
    write_report_to(result, out)  # the first one imports python-docx (counted in the CLI figures)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        write_report_to(result, out)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("folder", type=Path, nargs="?", default=ROOT / "workbooks")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _cli(args.folder, out / "warm")  # file cache and byte-code
        with_report, without = [], []
        for i in range(args.runs):
            with_report.append(_cli(args.folder, out / f"with-{i}"))
            without.append(_cli(args.folder, out / f"without-{i}", "--no-report"))
        alone = _report_alone(args.folder, out / "alone", args.runs)
    w, wo = statistics.median(with_report), statistics.median(without)
    print(f"folder: {args.folder}  runs: {args.runs} each (median)")
    print(f"reconcile run              {w:.3f} s")
    print(f"reconcile run --no-report  {wo:.3f} s")
    print(f"added by the report        {w - wo:+.3f} s  (ratio {w / wo:.2f}x)")
    print(f"report alone, in-process   {alone:.3f} s  (python-docx already imported)")


if __name__ == "__main__":
    main()
