"""Render the review report from a run's result: gathers what the writer renders (the subtotals, the
``[report]`` settings, the folder's proposals) and writes ``bao-cao-ra-soat.docx`` atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..config import load_report_config
from ..result import Result
from .atomic import atomic_write

REPORT_NAME = "bao-cao-ra-soat.docx"

#: ``reconcile run`` writes the report beside the other outputs up to this many keys (about a second
#: of writing); a bigger folder (a whole province, the nation) gets it from ``reconcile report``, so
#: that a run does not wait minutes for a document of thousands of pages nobody asked for.
RUN_MAX_KEYS = 2000


def fits_in_run(result: Result) -> bool:
    """Whether ``reconcile run`` writes the report of ``result`` (see :data:`RUN_MAX_KEYS`)."""
    return len(result.latest) <= RUN_MAX_KEYS


def report_job(result: Result, lang: str = "vi") -> tuple[Callable[[Path], None], Result]:
    """A writer ``fn(path)`` of the report of ``result``, and the result with the findings of the
    folder's proposals sheet added (an amount that cannot be read), for the other outputs to list.

    The settings and the proposals are read now: a bad ``[report]`` table stops the run before any
    output is written. The subtotals are the result's own (``Result.totals``).
    """
    from ..read.proposals import find_proposals

    config = load_report_config(result.input_root)
    proposals, findings = find_proposals(result)
    if findings:
        result = result.with_findings(findings)
    done = result

    def write(path: Path) -> None:
        from .report import write_report

        write_report(done, done.totals, path, lang, config, proposals)

    return write, result


def write_report_to(result: Result, out: Path, lang: str = "vi", on_locked: str = "fail") -> Path:
    """Write only the report into ``out`` (``reconcile report``); the path actually written."""
    from .atomic import ensure_output_dir

    job, _ = report_job(result, lang)
    ensure_output_dir(out, [f.path for f in result.files])
    return atomic_write(out / REPORT_NAME, job, on_locked)
