"""Write every output of a run into the output folder, each file atomically (temp file, then rename)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_write, ensure_output_dir
from .errors import InputFileError
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


def write_outputs(
    result: Result, out: Path, lang: str = "vi", annotate: bool = True, on_locked: str = "fail"
) -> Written:
    """Annotated copies first (their findings belong in the reports), then the CSVs and the workbook."""
    from .writers.csv import write_findings, write_line_items, write_summary
    from .writers.workbook import write_workbook

    ensure_output_dir(out, [f.path for f in result.files])
    written = Written()
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
    written.paths.append(
        atomic_write(out / SUMMARY_NAME, lambda p: write_summary(result.summary, p), on_locked)
    )
    written.paths.append(
        atomic_write(out / FINDINGS_NAME, lambda p: write_findings(result.findings, p, lang), on_locked)
    )
    written.paths.append(
        atomic_write(out / ITEMS_NAME, lambda p: write_line_items(result.items, p), on_locked)
    )
    written.paths.append(
        atomic_write(out / WORKBOOK_NAME, lambda p: write_workbook(result, p, lang), on_locked)
    )
    return written
