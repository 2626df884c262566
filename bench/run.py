"""Benchmark ``reconcile`` end to end against bare pandas reads of the same files (issue 5).

``python -m bench.run`` generates the corpora (cached, see ``bench/generate.py``), then times, each in
its own process and N times (median): the tool end to end (``reconcile run --no-annotate``, and with
the annotated copies for the department), and the baselines ``pandas.read_excel(sheet_name=None,
engine="calamine")`` and ``engine="openpyxl"`` reading every sheet of the same files. It prints wall
time, peak memory of the process tree and the ratios, checks the issue's targets, and writes
``bench/out/results.csv`` and ``bench/out/targets.csv`` (``--readme`` copies the tables into
``bench/README.md``).

Peak memory is the largest sum of the proportional set sizes (PSS: a page shared by n processes
counts 1/n in each) of the measured process and all its descendants, read from
``/proc/<pid>/smaps_rollup`` at most every 100 ms and only while the sum of resident sizes (sampled
every 20 ms, cheaply) exceeds the peak so far, and at least the measured process's own high-water mark (VmHWM). The
tool forks workers that share most of their pages with it, so a sum of resident sizes counts those
pages once per process; that sum is reported beside it (``rss_sum_mb``), as an upper bound. Where
``/proc`` is unavailable it falls back to the largest single process (``wait4``).

``python -m bench.run --phases CORPUS`` times the stages of one run in-process (discovery, reading,
reconciliation, each output); ``--profile CORPUS`` does the same under cProfile with the reading kept
in one process so that it shows up, and prints the hotspots.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import CorpusSpec, Manifest, corpus_specs, generate, spreadsheet_files

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
README = ROOT / "bench" / "README.md"
#: No single measured run may take longer than this (seconds); the bench stops rather than hang.
RUN_TIMEOUT = 900
#: Resident sizes are read this often in a memory run, and TIMED_SAMPLE_INTERVAL in a timed one
#: (even reading /proc every 20 ms beside a national run cost it ~0.3 s).
SAMPLE_INTERVAL = 0.02
TIMED_SAMPLE_INTERVAL = 0.2
PSS_INTERVAL = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

#: A bare pandas read of every sheet of every listed file (the issue's baseline).
BASELINE = """
import sys
import pandas as pd
engine, listing = sys.argv[1], sys.argv[2]
rows = 0
with open(listing, encoding="utf-8") as fh:
    paths = fh.read().splitlines()
for p in paths:
    for frame in pd.read_excel(p, sheet_name=None, engine=engine).values():
        rows += len(frame)
print(rows)
"""

#: Start-up: does ``reconcile --help`` / ``--version`` import pandas?
STARTUP = """
import sys
from reconcile.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="reconcile", standalone_mode=False)
finally:
    print("PANDAS_IMPORTED" if "pandas" in sys.modules else "PANDAS_NOT_IMPORTED", file=sys.stderr)
"""


# ---- measuring one process --------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
        except OSError:
            continue
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` in bytes (its resident size where smaps_rollup is missing)."""
    for line in _read(f"/proc/{pid}/smaps_rollup").splitlines():
        if line.startswith(b"Pss:"):
            return int(line.split()[1]) * 1024
    return _rss(pid)


def _tree(pid: int) -> list[int]:
    out, stack, seen = [], [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        out.append(p)
        stack.extend(_children(p))
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants right now (0 where /proc is missing)."""
    return sum(_rss(p) for p in _tree(pid))


def tree_pss(pid: int) -> int:
    """Proportional set size of ``pid`` and all its descendants right now: shared pages once."""
    return sum(_pss(p) for p in _tree(pid))


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def _high_water(pid: int) -> int:
    """The process's own peak resident size since it started its program (VmHWM), in bytes."""
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith(b"VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


class _Sampler(threading.Thread):
    """Polls the process tree's resident size until stopped, keeping the peak; with ``pss``, also
    the tree's proportional set size (shared pages counted once).

    Until the child has started its own program it is a copy of this process (fork), whose size
    is not the measured program's: samples start once its command line differs from ours.
    """

    def __init__(self, pid: int, pss: bool = False) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.pss = pss
        self.peak = 0
        self.peak_rss = 0
        self._stop_event = threading.Event()
        self._own_cmdline = _read("/proc/self/cmdline")

    def run(self) -> None:
        begun = time.monotonic()
        started = False
        last_pss = -math.inf
        while not self._stop_event.is_set():
            if not started:
                cmdline = _read(f"/proc/{self.pid}/cmdline")
                started = bool(cmdline) and cmdline != self._own_cmdline
            if started:
                hwm = _high_water(self.pid)
                rss = tree_rss(self.pid)
                self.peak_rss = max(self.peak_rss, rss, hwm)
                self.peak = max(self.peak, hwm)
                # PSS never exceeds RSS, so it is only read when the RSS sum could beat the peak, and
                # then at most every PSS_INTERVAL: reading smaps_rollup of a 1.5 GB process takes
                # ~3.5 ms and the process's memory lock, which slowed the measured run by ~1.5 s.
                now = time.monotonic()
                if self.pss and rss > self.peak and now - last_pss >= PSS_INTERVAL:
                    self.peak = max(self.peak, tree_pss(self.pid))
                    last_pss = now
            # A short run (start-up: 50 ms) is sampled as closely as a memory run.
            slow = not self.pss and time.monotonic() - begun > 1.0
            self._stop_event.wait(TIMED_SAMPLE_INTERVAL if slow else SAMPLE_INTERVAL)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass(slots=True)
class Sample:
    """One measured process: wall seconds, peak bytes of its tree, exit code, captured output."""

    wall: float
    peak: int
    code: int
    stdout: str = ""
    stderr: str = ""
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for
    peak_rss: int = 0  # the largest sum of resident sizes (shared pages counted in each process)
    load: float = 0.0  # 1-minute load average when it started (other work on the machine)


def measure(argv: Sequence[str], log_dir: Path, cwd: Path = ROOT, pss: bool = False) -> Sample:
    """Run ``argv`` once, timing the whole process (start-up included) and sampling its memory
    (with ``pss``, its proportional set size too: see :class:`_Sampler`)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / "stdout.txt", log_dir / "stderr.txt"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd, env=env
        )
        sampler = _Sampler(proc.pid, pss)
        sampler.start()
        timer = threading.Timer(RUN_TIMEOUT, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
    # Without /proc, ru_maxrss (KiB on Linux, bytes on macOS) of the largest process is all there is;
    # with it, ru_maxrss is useless here: exec records the forked copy of this process's size in it.
    peak = sampler.peak or usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return Sample(
        wall,
        peak,
        proc.returncode,
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
        cpu=usage.ru_utime + usage.ru_stime,
        load=load,
        peak_rss=sampler.peak_rss or peak,
    )


# ---- cases -------------------------------------------------------------------------------------


def reconcile_argv() -> list[str]:
    """The installed ``reconcile`` command next to this interpreter, else ``python -m reconcile.cli``."""
    script = Path(sys.executable).with_name("reconcile")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reconcile.cli"]


@dataclass(slots=True)
class Case:
    """One thing to time on one corpus."""

    corpus: str
    name: str  # e2e | e2e-annotate | check | calamine | openpyxl | help | version
    argv: list[str]
    runs: int
    out_dir: Path | None = None  # removed before each run (the tool's output folder)
    samples: list[Sample] = field(default_factory=list)
    verified: str = ""
    note: str = ""
    #: The tool forks processes that share pages: its peak is the PSS of one more, untimed run.
    shares_pages: bool = False
    memory: Sample | None = None
    #: Called (untimed) before each run: puts the folders in the state the case starts from.
    prepare: Callable[[], None] | None = None

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples) if self.samples else math.nan

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples) if self.samples else math.nan

    @property
    def peak(self) -> int:
        if self.memory is not None:
            return self.memory.peak
        return max((s.peak for s in self.samples), default=0)

    @property
    def peak_rss(self) -> int:
        return max((s.peak_rss for s in [*self.samples, *([self.memory] if self.memory else [])]), default=0)

    @property
    def failed(self) -> bool:
        return any(s.code not in (0, 1) for s in self.samples)


@dataclass(slots=True)
class Corpus:
    """A generated corpus and its cases."""

    name: str
    spec: CorpusSpec
    folder: Path
    manifest: Manifest
    cases: list[Case] = field(default_factory=list)

    def case(self, name: str) -> Case | None:
        return next((c for c in self.cases if c.name == name), None)


def _listing(corpus: Corpus, runs_dir: Path) -> Path:
    path = runs_dir / f"{corpus.name}.files.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(str(p) for p in spreadsheet_files(corpus.folder)) + "\n", encoding="utf-8")
    return path


def plan_cases(corpus: Corpus, args: argparse.Namespace, runs_dir: Path) -> None:
    """The cases of one corpus: the tool, then the baselines of the same files."""
    tool = reconcile_argv()
    n = args.runs
    kind = corpus.spec.kind
    out = runs_dir / corpus.name
    if args.command == "check":
        corpus.cases.append(
            Case(corpus.name, "check", [*tool, "check", str(corpus.folder)], n, shares_pages=True)
        )
    else:
        corpus.cases.append(
            Case(
                corpus.name,
                "e2e",
                [*tool, "run", str(corpus.folder), "--out", str(out / "e2e"), "--no-annotate"],
                n,
                out / "e2e",
                shares_pages=True,
            )
        )
        if kind == "department":
            corpus.cases.append(
                Case(
                    corpus.name,
                    "e2e-annotate",
                    [*tool, "run", str(corpus.folder), "--out", str(out / "ann")],
                    n,
                    out / "ann",
                    shares_pages=True,
                )
            )
        if kind == "province":
            corpus.cases.append(
                Case(
                    corpus.name,
                    "e2e-no-cache",
                    [*tool, "run", str(corpus.folder), "--out", str(out / "nc"), "--no-annotate", "--no-cache"],
                    n,
                    out / "nc",
                    shares_pages=True,
                )
            )
            corpus.cases.extend(cache_cases(corpus, tool, n, out))
    listing = _listing(corpus, runs_dir)
    corpus.cases.append(
        Case(corpus.name, "calamine", [sys.executable, "-c", BASELINE, "calamine", str(listing)], n)
    )
    if not corpus.spec.formulas and not (args.skip_openpyxl and kind != "department"):
        # openpyxl reads the national corpus in about 100 s: once is enough for a ratio of ten.
        corpus.cases.append(
            Case(corpus.name, "openpyxl", [sys.executable, "-c", BASELINE, "openpyxl", str(listing)], 1)
        )
    if kind == "department" and not corpus.spec.formulas:
        for flag in ("help", "version"):
            corpus.cases.append(Case("start-up", flag, [sys.executable, "-c", STARTUP, f"--{flag}"], n))


def cache_cases(corpus: Corpus, tool: list[str], n: int, out: Path) -> list[Case]:
    """The read cache (issue 18), on a mirror of the corpus (hard links) with its own output folder:

    - ``cached-unchanged``: a run after a completed run of the same folder;
    - ``cached-one-new``: a run after a completed run of the folder without its last file, that
      file then put back (the others come from the cache, the outputs are written again).
    """
    files = spreadsheet_files(corpus.folder)
    mirror = out / "mirror"
    cached = out / "cached"
    argv = [*tool, "run", str(mirror), "--out", str(cached), "--no-annotate"]
    last = mirror / files[-1].relative_to(corpus.folder)

    def link(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    def complete() -> None:
        if not mirror.is_dir():
            for f in files:
                link(f, mirror / f.relative_to(corpus.folder))
        if not last.exists():
            link(files[-1], last)

    def settled_run() -> None:
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    def unchanged() -> None:
        complete()
        settled_run()

    def one_new() -> None:
        complete()
        last.unlink()
        settled_run()
        link(files[-1], last)

    return [
        Case(corpus.name, "cached-unchanged", argv, n, shares_pages=True, prepare=unchanged),
        Case(corpus.name, "cached-one-new", argv, n, shares_pages=True, prepare=one_new),
    ]


def verify(case: Case, manifest: Manifest) -> str:
    """Compare line_items.csv of a run with the corpus's known totals: 'ok' or what differs."""
    if case.out_dir is None:
        return ""
    path = case.out_dir / "line_items.csv"
    if not path.exists():
        return "no line_items.csv"
    count, alloc, disb = 0, [], []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            count += 1
            alloc.append(float(row["allocated"] or 0))
            disb.append(float(row["disbursed"] or 0))
    got = (count, round(math.fsum(alloc), 2), round(math.fsum(disb), 2))
    want = (manifest.items, round(manifest.allocated, 2), round(manifest.disbursed, 2))
    if got[0] == want[0] and abs(got[1] - want[1]) < 0.05 and abs(got[2] - want[2]) < 0.05:
        return "ok"
    return f"read {got}, generated {want}"


def run_cases(corpora: list[Corpus], runs_dir: Path, log: Callable[[str], None]) -> None:
    """Every case, round-robin over the runs so that drifts in machine load spread evenly; then one
    untimed run of each case whose processes share pages, to measure its memory.

    The timed runs sample only resident sizes (cheap). Reading a process's PSS walks its page
    tables under its memory lock: sampled alongside a national run, it added ~0.9 s (9%) to it.
    """
    rounds = max((c.runs for corpus in corpora for c in corpus.cases), default=0)
    for i in range(rounds):
        for corpus in corpora:
            for case in corpus.cases:
                if i >= case.runs:
                    continue
                if case.out_dir is not None and case.out_dir.exists():
                    shutil.rmtree(case.out_dir)
                if case.prepare is not None:
                    case.prepare()
                sample = measure(case.argv, runs_dir / "logs" / f"{case.corpus}.{case.name}.{i}")
                case.samples.append(sample)
                status = (
                    "" if sample.code in (0, 1) else f"  EXIT {sample.code}: {sample.stderr.strip()[-300:]}"
                )
                log(
                    f"  {case.corpus:<24} {case.name:<13} run {i + 1}/{case.runs}: {sample.wall:8.2f} s wall"
                    f" {sample.cpu:8.2f} s cpu {sample.peak / 2**20:6.0f} MB  load {sample.load:.1f}{status}"
                )
                if i == 0 and case.name in ("e2e", "e2e-annotate") and sample.code in (0, 1):
                    case.verified = verify(case, corpus.manifest)
                if case.name in ("help", "version"):
                    case.note = (
                        "pandas imported" if "PANDAS_IMPORTED" in sample.stderr else "pandas not imported"
                    )
    for corpus in corpora:
        for case in corpus.cases:
            if not (case.shares_pages and case.samples):
                continue
            if case.out_dir is not None and case.out_dir.exists():
                shutil.rmtree(case.out_dir)
            if case.prepare is not None:
                case.prepare()
            case.memory = measure(
                case.argv, runs_dir / "logs" / f"{case.corpus}.{case.name}.memory", pss=True
            )
            log(
                f"  {case.corpus:<24} {case.name:<13} memory run: {case.memory.peak / 2**20:6.0f} MB"
                f" (PSS of the process tree; {case.memory.wall:.2f} s, not counted)"
            )


# ---- results -----------------------------------------------------------------------------------

RESULT_COLUMNS = (
    "corpus",
    "case",
    "files",
    "items",
    "runs",
    "median_s",
    "min_s",
    "max_s",
    "cpu_s",
    "load",
    "peak_mb",
    "rss_sum_mb",
    "vs_calamine",
    "openpyxl_over_this",
    "us_per_item",
    "ms_per_file",
    "verified",
    "note",
)


def result_rows(corpora: list[Corpus]) -> list[dict[str, Any]]:
    """One row per case with the ratios against the same corpus's baselines."""
    rows: list[dict[str, Any]] = []
    for corpus in corpora:
        base = corpus.case("calamine")
        slow = corpus.case("openpyxl")
        for case in corpus.cases:
            if not case.samples:
                continue
            walls = [s.wall for s in case.samples]
            startup = case.corpus == "start-up"
            items = 0 if startup else corpus.manifest.items
            files = 0 if startup else corpus.manifest.files
            rows.append(
                {
                    "corpus": case.corpus,
                    "case": case.name,
                    "files": files or "",
                    "items": items or "",
                    "runs": len(walls),
                    "median_s": round(case.median, 3),
                    "min_s": round(min(walls), 3),
                    "max_s": round(max(walls), 3),
                    "cpu_s": round(case.cpu, 2),
                    "load": round(max(s.load for s in case.samples), 1),
                    "peak_mb": round(case.peak / 2**20),
                    "rss_sum_mb": round(case.peak_rss / 2**20),
                    "vs_calamine": round(case.median / base.median, 2)
                    if base and base.samples and not startup
                    else "",
                    "openpyxl_over_this": round(slow.median / case.median, 1)
                    if slow and slow.samples and not startup and case.name != "openpyxl"
                    else "",
                    "us_per_item": round(case.median / items * 1e6, 1) if items else "",
                    "ms_per_file": round(case.median / files * 1e3, 2) if files else "",
                    "verified": case.verified or ("FAILED" if case.failed else ""),
                    "note": case.note,
                }
            )
    return rows


@dataclass(slots=True)
class Target:
    """One of the issue's targets, as measured."""

    name: str
    measured: str
    limit: str
    ok: bool | None  # None: not measured in this run


def _find(rows: list[dict[str, Any]], corpus_prefix: str, case: str) -> dict[str, Any] | None:
    for r in rows:
        if r["case"] == case and (
            r["corpus"] == corpus_prefix or r["corpus"].startswith(corpus_prefix + "-x")
        ):
            return r
    return None


def targets(rows: list[dict[str, Any]]) -> list[Target]:
    """The issue's targets, checked against this run's figures."""
    out: list[Target] = []
    nat = _find(rows, "national", "e2e")
    prov = _find(rows, "province", "e2e")
    dept = _find(rows, "department", "e2e-annotate")
    if nat and nat["vs_calamine"] != "":
        out.append(
            Target(
                "national e2e / pandas calamine read",
                f"{nat['vs_calamine']}x",
                "<= 1.0x",
                nat["vs_calamine"] <= 1.0,
            )
        )
    if nat and nat["openpyxl_over_this"] != "":
        v = nat["openpyxl_over_this"]
        out.append(Target("national: pandas openpyxl read / e2e", f"{v}x faster", ">= 10x", v >= 10))
    if nat:
        out.append(
            Target("national e2e peak memory", f"{nat['peak_mb']} MB", "<= 1536 MB", nat["peak_mb"] <= 1536)
        )
    if prov and prov["vs_calamine"] != "":
        out.append(
            Target(
                "province e2e / pandas calamine read",
                f"{prov['vs_calamine']}x",
                "<= 1.5x",
                prov["vs_calamine"] <= 1.5,
            )
        )
    written = _find(rows, "province-formulas", "e2e")
    if written and written["vs_calamine"] != "":
        out.append(
            Target(
                "province written by a program (formulas) e2e / pandas calamine read",
                f"{written['vs_calamine']}x",
                "<= 2.0x",
                written["vs_calamine"] <= 2.0,
            )
        )
    for prefix in ("province", "province-formulas"):
        first = _find(rows, prefix, "e2e")
        for case, limit, what in (
            ("cached-one-new", 0.15, "run after one new file"),
            ("cached-unchanged", 0.1, "run after no change"),
        ):
            again = _find(rows, prefix, case)
            if first and again:
                ratio = again["median_s"] / first["median_s"]
                out.append(
                    Target(f"{prefix}: {what} / first run", f"{ratio:.3f}x", f"<= {limit}x", ratio <= limit)
                )
    if nat and prov and nat["us_per_item"] != "" and prov["us_per_item"] != "":
        ratio = nat["us_per_item"] / prov["us_per_item"]
        out.append(
            Target(
                "time per item, national / province",
                f"{ratio:.2f} ({nat['us_per_item']} / {prov['us_per_item']} us)",
                "<= 1.2",
                ratio <= 1.2,
            )
        )
    if dept:
        out.append(
            Target(
                "department e2e with annotation, wall",
                f"{dept['median_s']} s",
                "<= 1.5 s",
                dept["median_s"] <= 1.5,
            )
        )
    for flag in ("help", "version"):
        r = _find(rows, "start-up", flag)
        if r:
            out.append(
                Target(
                    f"reconcile --{flag} does not import pandas",
                    f"{r['note']} ({r['median_s']} s)",
                    "not imported",
                    r["note"] == "pandas not imported",
                )
            )
    for r in rows:
        if r["verified"] and r["verified"] != "ok":
            out.append(
                Target(f"{r['corpus']} {r['case']}: figures read back", r["verified"], "= generated", False)
            )
    return out


def write_csv(path: Path, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """A plain UTF-8 CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def markdown(rows: list[dict[str, Any]], checks: list[Target], info: dict[str, str]) -> str:
    """The figures as Markdown tables (printed, and copied into bench/README.md with --readme)."""
    cols = tuple(c for c in RESULT_COLUMNS if c not in ("min_s", "max_s"))  # the table a person reads
    lines = [
        f"Run of {info['when']} on {info['machine']}; Python {info['python']}, python-calamine {info['calamine']}, "
        f"pandas {info['pandas']}, openpyxl {info['openpyxl']}; commit {info['commit']}; command `{info['argv']}`.",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "|".join("---" for _ in cols) + "|",
    ]
    for r in rows:
        lines.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
    lines += ["", "| target | measured | limit | met |", "|---|---|---|---|"]
    for t in checks:
        lines.append(f"| {t.name} | {t.measured} | {t.limit} | {'yes' if t.ok else 'NO'} |")
    return "\n".join(lines) + "\n"


_START, _END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def update_readme(text: str, path: Path = README) -> bool:
    """Replace the figures between the README's markers; False when the markers are missing."""
    try:
        doc = path.read_text(encoding="utf-8")
    except OSError:
        return False
    if _START not in doc or _END not in doc:
        return False
    head, rest = doc.split(_START, 1)
    _, tail = rest.split(_END, 1)
    path.write_text(f"{head}{_START}\n{text}{_END}{tail}", encoding="utf-8")
    return True


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "-"


def run_info(argv: Sequence[str]) -> dict[str, str]:
    """Where and with what the figures were measured."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "reconcile"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit, dirty = "-", ""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores ({cpu}), {platform.system()}",
        "python": platform.python_version(),
        "calamine": _version("python-calamine"),
        "pandas": _version("pandas"),
        "openpyxl": _version("openpyxl"),
        "commit": (commit or "-") + (" + uncommitted changes in reconcile/" if dirty else ""),
        "argv": "python -m bench.run " + " ".join(argv),
    }


# ---- in-process phases and profiles -----------------------------------------------------------


def phases(
    folder: Path, out: Path, annotate: bool, profile: Path | None = None, top: int = 30
) -> dict[str, float]:
    """Time each stage of one run in this process (the reading in one process when profiling)."""
    from reconcile import pipeline
    from reconcile.engine import reconcile
    from reconcile.models import Settings
    from reconcile.writers.atomic import ensure_output_dir
    from reconcile.writers.output import write_outputs
    from reconcile.writers.report_run import fits_in_run

    prof = None
    if profile is not None:
        import cProfile

        pipeline.PARALLEL_MIN_FILES = 1 << 30  # worker processes would hide the reading from the profiler
        prof = cProfile.Profile()
    if out.exists():
        shutil.rmtree(out)
    times: dict[str, float] = {}
    settings = Settings(annotate=annotate)
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    found = pipeline.find_inputs(folder, [out])
    t1 = time.perf_counter()
    files = pipeline.read_all(found.files, folder, settings)
    t2 = time.perf_counter()
    result = reconcile(files, settings, folder)
    t3 = time.perf_counter()
    ensure_output_dir(out, [f.path for f in result.files])
    # As `reconcile run` decides: the review report only for a run it fits (writing one for a national
    # run's million keys in-process took minutes and over 20 GB).
    write_outputs(result, out, annotate=annotate, report=fits_in_run(result))
    t4 = time.perf_counter()
    if prof:
        prof.disable()
    times.update(discover=t1 - t0, read=t2 - t1, reconcile=t3 - t2, outputs=t4 - t3, total=t4 - t0)
    times["peak_mb_this_process"] = _self_peak_mb()
    if prof and profile:
        import pstats

        profile.parent.mkdir(parents=True, exist_ok=True)
        prof.dump_stats(str(profile))
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    return times


def _self_peak_mb() -> float:
    try:
        import resource
    except ImportError:  # not on Windows
        return math.nan
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _output_phases(folder: Path, out: Path, annotate: bool) -> dict[str, float]:
    """The outputs one by one (same order as reconcile.writers.output.write_outputs)."""
    from reconcile import pipeline
    from reconcile.engine import reconcile
    from reconcile.models import Settings
    from reconcile.writers.csv import write_findings, write_line_items, write_summary
    from reconcile.writers.workbook import write_workbook

    settings = Settings(annotate=annotate)
    found = pipeline.find_inputs(folder, [out])
    result = reconcile(pipeline.read_all(found.files, folder, settings), settings, folder)
    out.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    for name, fn in (
        ("summary.csv", lambda: write_summary(result.summary, out / "summary.csv")),
        ("findings.csv", lambda: write_findings(result.findings, out / "findings.csv")),
        ("line_items.csv", lambda: write_line_items(result.items, out / "line_items.csv")),
        ("reconciliation.xlsx", lambda: write_workbook(result, out / "reconciliation.xlsx", "vi")),
    ):
        t = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - t
    return times


# ---- main --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10x smaller province and national corpora, 1 run")
    ap.add_argument(
        "--scale", type=float, default=None, help="size factor of the province and national corpora"
    )
    ap.add_argument(
        "--runs", type=int, default=None, help="runs per case (median); default 3, 1 with --quick"
    )
    ap.add_argument(
        "--skip-openpyxl",
        action="store_true",
        help="skip the slow openpyxl baselines (the department's stays)",
    )
    ap.add_argument("--only", default="", help="comma-separated corpus kinds: department,province,national")
    ap.add_argument("--no-formulas", action="store_true", help="skip the formula variants")
    ap.add_argument(
        "--command", choices=("run", "check"), default="run", help="what the tool runs end to end"
    )
    ap.add_argument("--out", type=Path, default=OUT, help="where corpora, outputs and results go")
    ap.add_argument("--readme", action="store_true", help="copy the figures into bench/README.md")
    ap.add_argument(
        "--phases", metavar="CORPUS", help="time the stages of one run of CORPUS in-process and stop"
    )
    ap.add_argument("--profile", metavar="CORPUS", help="profile one run of CORPUS (cProfile) and stop")
    ap.add_argument(
        "--annotate", action="store_true", help="with --phases/--profile: write annotated copies too"
    )
    args = ap.parse_args(argv)
    if args.scale is None:
        args.scale = 0.1 if args.quick else 1.0
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    return args


def _select(args: argparse.Namespace) -> dict[str, CorpusSpec]:
    specs = corpus_specs(args.scale)
    kinds = {k.strip() for k in args.only.split(",") if k.strip()}
    return {
        name: spec
        for name, spec in specs.items()
        if (not kinds or spec.kind in kinds) and not (args.no_formulas and spec.formulas)
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Generate, measure, report. Exit 0 when every measured target is met, 1 otherwise."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    corpora_dir = args.out / "corpora"
    runs_dir = args.out / "runs"

    def log(text: str) -> None:
        print(text, flush=True)

    specs = _select(args)
    if args.phases or args.profile:
        name = args.phases or args.profile
        all_specs = corpus_specs(args.scale)
        if name not in all_specs:
            log(f"unknown corpus {name!r}; one of: {', '.join(all_specs)}")
            return 2
        folder = corpora_dir / name
        generate(all_specs[name], folder)
        # A folder of its own, removed afterwards: two --phases runs at once used to collide.
        (runs_dir / name).mkdir(parents=True, exist_ok=True)
        scratch = Path(
            tempfile.mkdtemp(prefix="profile-" if args.profile else "phases-", dir=runs_dir / name)
        )
        try:
            prof_path = args.out / "profiles" / f"{name}.prof" if args.profile else None
            times = phases(folder, scratch / "run", args.annotate, prof_path)
            log(json.dumps({k: round(v, 3) for k, v in times.items()}))
            if args.phases:
                outputs = _output_phases(folder, scratch / "outputs", args.annotate)
                log(json.dumps({k: round(v, 3) for k, v in outputs.items()}))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return 0

    started = time.perf_counter()
    info = run_info(argv)  # the code measured is the code checked out when the run starts
    corpora: list[Corpus] = []
    for name, spec in specs.items():
        t = time.perf_counter()
        manifest = generate(spec, corpora_dir / name)
        log(
            f"corpus {name}: {manifest.files} files, {manifest.items} items, {manifest.units} units ({time.perf_counter() - t:.1f} s)"
        )
        corpus = Corpus(name, spec, corpora_dir / name, manifest)
        plan_cases(corpus, args, runs_dir)
        corpora.append(corpus)
    run_cases(corpora, runs_dir, log)
    rows = result_rows(corpora)
    checks = targets(rows)
    write_csv(args.out / "results.csv", RESULT_COLUMNS, rows)
    write_csv(
        args.out / "targets.csv",
        ("target", "measured", "limit", "met"),
        [
            {"target": t.name, "measured": t.measured, "limit": t.limit, "met": "yes" if t.ok else "no"}
            for t in checks
        ],
    )
    table = markdown(rows, checks, info)
    log("")
    log(table)
    log(
        f"results: {args.out / 'results.csv'}, {args.out / 'targets.csv'}; bench time {time.perf_counter() - started:.0f} s"
    )
    if args.readme:
        log(
            "bench/README.md updated"
            if update_readme(table)
            else "bench/README.md has no results markers; not updated"
        )
    return 0 if all(t.ok for t in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
