"""Write every output of a run into the output folder, each file atomically (temp file, then rename)."""

from __future__ import annotations

import gc
import multiprocessing
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .atomic import atomic_write, ensure_output_dir
from .errors import InputFileError, OutputError
from .models import Finding, Result

WORKBOOK_NAME = "reconciliation.xlsx"
SUMMARY_NAME = "summary.csv"
FINDINGS_NAME = "findings.csv"
ITEMS_NAME = "line_items.csv"
ANNOTATED_DIR = "annotated"


@dataclass(slots=True)
class Written:
    """The paths actually written (a locked workbook may have been written under another name)."""

    paths: list[Path] = field(default_factory=list)


def _files_to_annotate(result: Result) -> list[int]:
    flagged = {f.file for f in result.findings if f.file and f.cell}
    used = set(result.items["file"].unique()) if len(result.items) else set()
    return [i for i, f in enumerate(result.files) if f.readable and (f.rel in used or f.rel in flagged)]


class EarlyItems:
    """``line_items.csv`` started in a forked process as soon as the engine has built the item table,
    so that it is written while the engine finishes (a national run: ~2 s of the idle core).

    Pass :meth:`start` as the pipeline's ``on_items`` and the object to :func:`write_outputs`; call
    :meth:`close` when the run ends without writing the outputs.
    """

    def __init__(self, out: Path, on_locked: str = "fail") -> None:
        self.out = out
        self.on_locked = on_locked
        self.child: _Child | None = None

    def start(self, items: Any, inputs: list[Path]) -> None:
        """Start writing ``items`` when the run is big enough and this system can fork."""
        if not _side_by_side(len(items)):
            return
        from .writers.csv import write_line_items

        ensure_output_dir(self.out, inputs)
        target = self.out / ITEMS_NAME
        self.child = _Child(
            target, partial(atomic_write, target, partial(write_line_items, items), self.on_locked)
        )

    def close(self) -> None:
        """Wait for a writer that was started and not handed to :func:`write_outputs`."""
        if self.child is not None:
            self.child.result()
            self.child = None


def write_outputs(
    result: Result,
    out: Path,
    lang: str = "vi",
    annotate: bool = True,
    on_locked: str = "fail",
    early: EarlyItems | None = None,
    report: bool = True,
) -> Written:
    """Annotated copies first (their findings belong in the reports), then the CSVs and the workbook.

    ``early`` holds a ``line_items.csv`` already being written (see :class:`EarlyItems`);
    ``report``: also the review report (SPEC 8).
    """
    from .writers.csv import write_findings, write_line_items, write_summary
    from .writers.workbook import write_workbook

    ensure_output_dir(out, [f.path for f in result.files])
    written = Written()
    report_jobs: list[tuple[Path, Callable[[Path], None]]] = []
    if report:
        from .report_run import REPORT_NAME, report_job

        # Built first: a bad [report] table in reconcile.toml stops the run before anything is written.
        report_jobs.append((out / REPORT_NAME, report_job(result, lang)))
    if annotate:
        from .writers.annotate import annotate_to, annotated_name

        extra: list[Finding] = []
        for i in _files_to_annotate(result):
            file = result.files[i]
            target = out / ANNOTATED_DIR / annotated_name(file.rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            notes: list[Finding] = []

            def _annotate(tmp: Path, file=file, notes=notes) -> None:
                notes.extend(annotate_to(result, file, tmp, lang))

            try:
                written.paths.append(atomic_write(target, _annotate, on_locked))
            except InputFileError as exc:
                # One copy that cannot be made never stops the reports: it becomes a finding.
                extra.append(
                    Finding("annotate_failed", file.rel, params={"reason_key": exc.key, **exc.params})
                )
            extra.extend(notes)
        if extra:
            result.findings = sorted(result.findings + extra, key=lambda f: f.sort_key())
    jobs: list[tuple[Path, Callable[[Path], None]]] = [
        (out / SUMMARY_NAME, lambda p: write_summary(result.summary, p)),
        (out / FINDINGS_NAME, lambda p: write_findings(result.findings, p, lang)),
        (out / ITEMS_NAME, lambda p: write_line_items(result.items, p)),
        (out / WORKBOOK_NAME, lambda p: write_workbook(result, p, lang)),
        *report_jobs,
    ]
    started: dict[str, _Child] = {}
    if early is not None and early.child is not None and early.out == out:
        started[ITEMS_NAME], early.child = early.child, None
    written.paths.extend(_write_all(jobs, on_locked, _side_by_side(len(result.items)), started))
    return written


#: From this many line items on, the two big CSVs are written by forked processes while this one
#: writes the workbook (a national run: ~2 s each). Below it a fork costs more than it saves.
PARALLEL_MIN_ITEMS = 20_000


def _can_fork() -> bool:
    # Forking copies the result for free; elsewhere (Windows, macOS) the outputs are written in turn.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _side_by_side(items: int) -> bool:
    """Whether a run of ``items`` line items writes its big CSVs in forked processes."""
    return items >= PARALLEL_MIN_ITEMS and _can_fork()


def _write_all(
    jobs: list[tuple[Path, Callable[[Path], None]]],
    on_locked: str,
    parallel: bool,
    started: dict[str, _Child] | None = None,
) -> list[Path]:
    """Write each (target, writer) atomically, the big CSVs in child processes when ``parallel``
    (which the caller decides with :func:`_side_by_side`).

    ``started`` maps output names to children already writing them (their jobs are not run again).
    The paths come back in the order of ``jobs``; when several fail, the first failing job's error
    is raised, as if they had been written in turn.
    """
    started = started or {}
    if not started and not parallel:
        return [atomic_write(target, fn, on_locked) for target, fn in jobs]
    background = {ITEMS_NAME, SUMMARY_NAME} if parallel else set()
    children = {
        i: started.get(target.name) or _Child(target, partial(atomic_write, target, fn, on_locked))
        for i, (target, fn) in enumerate(jobs)
        if target.name in background or target.name in started
    }
    outcomes: dict[int, tuple[Path | None, BaseException | None]] = {}
    try:
        for i, (target, fn) in enumerate(jobs):
            if i not in children:
                try:
                    outcomes[i] = (atomic_write(target, fn, on_locked), None)
                except Exception as exc:
                    outcomes[i] = (None, exc)
    finally:
        # Even when this process is interrupted, no child is left writing behind its back.
        for i, child in children.items():
            outcomes[i] = child.result()
    paths: list[Path] = []
    for i in range(len(jobs)):
        path, error = outcomes[i]
        if error is not None:
            raise error
        assert path is not None
        paths.append(path)
    return paths


class _Child:
    """One output written by a forked copy of this process; its outcome comes back through a pipe."""

    def __init__(self, target: Path, work: Callable[[], Path]) -> None:
        self._target = target
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_child_main, args=(target, work, send), daemon=True)
        # The child shares this process's pages until either writes to one. A collection in the child
        # would write to the header of every object it walks and so copy nearly every page: the
        # objects that exist now are frozen out of its reach (and the child collects nothing).
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        send.close()

    def result(self) -> tuple[Path | None, BaseException | None]:
        """Wait for the child: (path written, None) or (None, the error it raised)."""
        try:
            status, value = self._recv.recv()
        except EOFError:  # killed (out of memory, a signal) before it could say
            status, value = (
                "error",
                OutputError("cli.output_failed", file=str(self._target), detail_key="output.worker_stopped"),
            )
        finally:
            self._recv.close()
            self._process.join()
        return (value, None) if status == "ok" else (None, value)


def _child_main(target: Path, work: Callable[[], Path], send: Connection) -> None:
    gc.disable()
    try:
        outcome: tuple[str, Any] = ("ok", work())
    except BaseException as exc:  # everything goes back to the parent, which decides
        outcome = ("error", exc)
    try:
        send.send(outcome)
    except Exception as exc:  # an error that cannot be pickled: say what it was
        send.send(("error", OutputError("cli.output_failed", file=str(target), detail=repr(exc))))
    finally:
        send.close()
