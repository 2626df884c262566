"""Write every output of a run into the output folder, each file atomically (temp file, then rename).

Here: :func:`write_outputs` (annotated copies first, then every output staged and renamed together),
the annotated copies a run keeps (:class:`KeptCopies`) and removes (:func:`remove_stale_copies`).
Which outputs are written by forked processes, and how, is :mod:`reconcile.writers.forked`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputFileError
from ..find.discover import MANIFEST_FILE
from ..models import Finding
from ..progress import Phases
from .atomic import Staging, atomic_write, ensure_output_dir, write_temp
from .forked import Child, side_by_side

if TYPE_CHECKING:  # the Result brings pandas, which the readers never need
    from ..result import Result

WORKBOOK_NAME = "reconciliation.xlsx"
SUMMARY_NAME = "summary.csv"
FINDINGS_NAME = "findings.csv"
ITEMS_NAME = "line_items.csv"
LEDGER_NAME = "ledger.csv"
TREASURY_NAME = "treasury.csv"
ANNOTATED_DIR = "annotated"


@dataclass(slots=True)
class Written:
    """The paths actually written (a locked workbook may have been written under another name)."""

    paths: list[Path] = field(default_factory=list)
    #: The result as written: with the findings the annotated copies added.
    result: Result | None = None


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
        self.child: Child | None = None

    def start(self, items: Any, inputs: list[Path]) -> None:
        """Start writing ``items`` when the run is big enough and this system can fork."""
        if not side_by_side(len(items)):
            return
        from .csv import write_line_items

        ensure_output_dir(self.out, inputs)
        target = self.out / ITEMS_NAME
        self.child = Child(target, partial(write_temp, target, partial(write_line_items, items)))

    def close(self) -> None:
        """Wait for a writer that was started and not handed to :func:`write_outputs`, and remove
        what it wrote (the run did not get as far as its outputs)."""
        if self.child is not None:
            tmp, _ = self.child.result()
            self.child = None
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink()


def write_outputs(
    result: Result,
    out: Path,
    lang: str = "vi",
    annotate: bool = True,
    on_locked: str = "fail",
    early: EarlyItems | None = None,
    phases: Phases | None = None,
    report: bool = True,
    keep_copies: bool = False,
) -> Written:
    """Annotated copies first (their findings belong in the reports), then the CSVs and the workbook.

    Every file is written to a temp file and all are renamed into place at the end (see
    :class:`~reconcile.writers.atomic.Staging`): a run stopped part-way leaves the previous outputs as they
    were. ``early`` holds a ``line_items.csv`` already being written (see :class:`EarlyItems`);
    ``report``: also the review report (SPEC 8). ``keep_copies`` (runs with the read cache): an
    annotated copy made of exactly what the last run made it of is kept, not written again
    (:class:`KeptCopies`).
    """
    from .csv import write_findings, write_ledger, write_line_items, write_summary, write_treasury
    from .workbook import write_workbook

    phases = phases or Phases()
    ensure_output_dir(out, [f.path for f in result.files])
    report_jobs: list[tuple[Path, Callable[[Path], None]]] = []
    if report:
        from .report_run import REPORT_NAME, report_job

        # Built first: a bad [report] table in reconcile.toml stops the run before anything is written.
        job, result = report_job(result, lang)
        report_jobs.append((out / REPORT_NAME, job))
    kept = KeptCopies(out, result, lang, keep_copies) if annotate else None
    with Staging(on_locked) as staging:
        if kept is not None:
            result = _stage_annotated(result, out, lang, staging, phases, kept)
        jobs: list[tuple[Path, Callable[[Path], None]]] = [
            (out / SUMMARY_NAME, lambda p: write_summary(result.summary, p)),
            (out / FINDINGS_NAME, lambda p: write_findings(result.findings, p, lang)),
            (out / ITEMS_NAME, lambda p: write_line_items(result.items, p)),
            (out / WORKBOOK_NAME, lambda p: write_workbook(result, p, lang)),
            (out / LEDGER_NAME, lambda p: write_ledger(result.ledger, p)),
            *report_jobs,
        ]
        if result.treasury is not None:  # only where the folder holds a Treasury statement
            jobs.append((out / TREASURY_NAME, lambda p: write_treasury(result.treasury, p)))
        started: dict[str, Child] = {}
        if early is not None and early.child is not None and early.out == out:
            started[ITEMS_NAME], early.child = early.child, None
        with phases.phase("writing"):
            _stage_all(jobs, side_by_side(len(result.items)), started, staging)
    written = list(staging.written)
    if kept is not None:
        # Only after the new copies are in place: a run stopped before leaves the old ones listed.
        folder = out / ANNOTATED_DIR
        copies = [p for p in written if folder in p.parents] + kept.kept
        remove_stale_copies(out, copies)
        kept.save(set(written))
        written += kept.kept
    return Written(written, result)


def _stage_annotated(
    result: Result, out: Path, lang: str, staging: Staging, phases: Phases, kept: KeptCopies
) -> Result:
    """Write the annotated copies to temp files in ``out/annotated`` (but those ``kept``); the result
    with their findings (a copy that cannot be made, notes that did not fit) added to the run's."""
    from ..find.names import annotated_names, long_path
    from .annotate import annotate_to
    from .annotate_notes import FileFigures

    extra: list[Finding] = []
    # Named together: two inputs Windows or macOS would take for one name get two copies.
    copy_names = annotated_names(f.rel for f in result.files)
    todo = _files_to_annotate(result)
    kept.plan(todo)
    figures = FileFigures(result)  # the run's tables indexed once for all the copies
    with phases.phase("annotating", len(todo)) as step:
        for i in todo:
            file = result.files[i]
            target = Path(long_path(str(out / ANNOTATED_DIR / copy_names[file.rel])))
            notes = kept.keep(i, target)
            if notes is not None:
                extra.extend(notes)
                step(1)
                continue
            staging.makedirs(target.parent)
            notes = []

            def _annotate(tmp: Path, file=file, notes=notes) -> None:
                notes.extend(annotate_to(result, file, tmp, lang, figures))

            try:
                staging.write(target, _annotate)
            except InputFileError as exc:
                # One copy that cannot be made never stops the reports: it becomes a finding.
                extra.append(
                    Finding("annotate_failed", file.rel, params={"reason_key": exc.key, **exc.params})
                )
            else:
                kept.made(i, target, notes)
            extra.extend(notes)
            step(1)
    return result.with_findings(extra) if extra else result


class KeptCopies:
    """Annotated copies a run need not write again.

    An annotated copy is made of its input file, the items read from it with the summary rows of
    their keys, the findings about it, the settings, the language and the tool's code. With the read
    cache, ``OUT/.cache/annotated.json`` records, per copy, the SHA-256 of all of that (everything
    those rows and findings hold, more than a copy shows), the SHA-256 of the copy as written and the
    findings writing it gave (notes that did not fit, parts openpyxl cannot carry). A later run that
    finds the same fingerprint, and the copy still exactly as written, keeps it and repeats its
    findings: after one new file only the copies whose figures changed are written again. Anything
    else, a damaged record included, means the copy is written again.
    """

    RECORD = "annotated.json"

    def __init__(self, out: Path, result: Result, lang: str, enabled: bool) -> None:
        self.out, self.result, self.lang, self.enabled = out, result, lang, enabled
        self.kept: list[Path] = []
        self._fingerprints: dict[int, str] = {}
        self._old: dict[str, Any] = {}
        self._new: dict[str, dict[str, Any]] = {}
        self._made: list[tuple[int, Path, list[Finding]]] = []

    def plan(self, todo: list[int]) -> None:
        """Fingerprint the copies of files ``todo`` (indexes into ``result.files``), read the record."""
        if not self.enabled:
            return
        try:
            self._fingerprints = _copy_fingerprints(self.result, todo, self.lang)
            data = json.loads((self._record_path()).read_text(encoding="utf-8"))
            from ..cache import code_fingerprint

            if isinstance(data, dict) and data.get("code") == code_fingerprint():
                copies = data.get("copies")
                self._old = copies if isinstance(copies, dict) else {}
        except (OSError, ValueError, TypeError, KeyError):
            self._old = {}

    def keep(self, i: int, target: Path) -> list[Finding] | None:
        """The findings of the copy of file ``i`` at ``target`` when it is kept; None: write it."""
        from ..cache import file_digest
        from ..cache_entry import decode_value

        fingerprint = self._fingerprints.get(i)
        name = self._name(target)
        record = self._old.get(name) if name is not None else None
        if fingerprint is None or not isinstance(record, dict) or record.get("fp") != fingerprint:
            return None
        if file_digest(target) != record.get("sha256"):
            return None  # changed or removed since it was written
        try:
            notes = decode_value(record.get("notes"))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None
        if not isinstance(notes, list) or not all(isinstance(f, Finding) for f in notes):
            return None
        assert name is not None
        self._new[name] = record
        self.kept.append(target)
        return notes

    def made(self, i: int, target: Path, notes: list[Finding]) -> None:
        """The copy of file ``i`` was staged for ``target`` with ``notes``."""
        if i in self._fingerprints:
            self._made.append((i, target, notes))

    def save(self, written: set[Path]) -> None:
        """Record the copies now in place (those written under another name are not recorded)."""
        if not self.enabled:
            return
        from ..cache import _write_atomic, file_digest
        from ..cache_entry import Unencodable, encode_value

        for i, target, notes in self._made:
            name = self._name(target)
            digest = file_digest(target) if target in written else None
            if name is None or digest is None:
                continue
            try:
                encoded = encode_value(list(notes))
            except (Unencodable, ValueError, TypeError):
                continue
            self._new[name] = {"fp": self._fingerprints[i], "sha256": digest, "notes": encoded}
        from ..cache import code_fingerprint

        text = json.dumps(
            {"code": code_fingerprint(), "copies": self._new}, ensure_ascii=False, sort_keys=True
        )
        with contextlib.suppress(OSError):
            self._record_path().parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(self._record_path(), text.encode("utf-8"))

    def _record_path(self) -> Path:
        from ..cache import CACHE_DIR

        return self.out / CACHE_DIR / self.RECORD

    def _name(self, target: Path) -> str | None:
        try:
            return target.relative_to(self.out / ANNOTATED_DIR).as_posix()
        except ValueError:
            return None


#: Above this many items the copies are not fingerprinted (every one is written): the rows as Python
#: objects would cost a national folder's run about a gigabyte and seconds.
KEEP_COPIES_MAX_ITEMS = 300_000


def _copy_fingerprints(result: Result, todo: list[int], lang: str) -> dict[int, str]:
    """Per file of ``todo``: the SHA-256 of everything its annotated copy is made of (see
    :class:`KeptCopies`); files whose input cannot be read, or a summary that does not say which
    item each row comes from, get none (their copies are written)."""
    import hashlib

    from ..cache import code_fingerprint, digest_of

    items, summary = result.items, result.summary
    if summary is None or "item_index" not in summary.columns or "file" not in items.columns:
        return {}
    if len(items) > KEEP_COPIES_MAX_ITEMS:
        return {}
    item_rows = items.to_dict("records")
    # item_index only joins a row to its item: its number moves with every item read before it.
    summary_rows = summary.drop(columns="item_index").to_dict("records")
    by_item: dict[Any, list[int]] = {}
    for k, index in enumerate(summary["item_index"].tolist()):
        by_item.setdefault(index, []).append(k)
    by_file: dict[Any, list[int]] = {}
    for k, name in enumerate(items["file"].tolist()):
        by_file.setdefault(name, []).append(k)
    labels = items.index.tolist()
    findings: dict[Any, list[Finding]] = {}
    for f in result.findings:
        findings.setdefault(f.file, []).append(f)
    common = repr((code_fingerprint(), lang, result.settings))
    out: dict[int, str] = {}
    for i in todo:
        file = result.files[i]
        digest = digest_of(file.path)
        if digest is None:
            continue
        mine = by_file.get(file.rel, [])
        rows = [(item_rows[k], [summary_rows[j] for j in by_item.get(labels[k], [])]) for k in mine]
        sheets = [(s.sheet, s.period, s.layout, s.unit) for s in file.sheets]
        material = repr((common, digest, file.rel, sheets, rows, findings.get(file.rel, []), file.findings))
        out[i] = hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()
    return out


#: In the output folder: the annotated copies the tool wrote, with the size and modification time
#: each had, so that a later run removes the copies of inputs that are gone, and only those.
MANIFEST_NAME = MANIFEST_FILE


def remove_stale_copies(out: Path, copies: list[Path]) -> list[Path]:
    """Record ``copies`` (this run's annotated copies) in the manifest and remove the copies an
    earlier run recorded that this run did not write (their input was deleted, renamed or no
    longer needs a copy). A recorded file whose size or time has changed since is someone else's
    now and is left alone, as is anything never recorded. Returns the files removed."""
    folder = out / ANNOTATED_DIR
    manifest = out / MANIFEST_NAME
    before = _read_manifest(manifest)
    now: dict[str, list[int]] = {}
    for path in copies:
        with contextlib.suppress(OSError):
            st = path.stat()
            now[path.relative_to(folder).as_posix()] = [st.st_size, st.st_mtime_ns]
    removed: list[Path] = []
    for rel, stamp in sorted(before.items()):
        if rel in now or not _safe_rel(rel):
            continue
        path = folder / rel
        try:
            st = path.stat()
            if [st.st_size, st.st_mtime_ns] == stamp:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    for path in removed:
        _remove_empty_parents(path.parent, out)
    text = json.dumps({"version": 1, "annotated": now}, ensure_ascii=False, indent=1, sort_keys=True)
    atomic_write(manifest, lambda tmp: _write_text(tmp, text + "\n"))
    return removed


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _read_manifest(manifest: Path) -> dict[str, list[int]]:
    """The copies an earlier run recorded; nothing when there is no manifest or it is damaged."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        copies = data["annotated"]
        return {
            str(rel): [int(v) for v in stamp]
            for rel, stamp in copies.items()
            if isinstance(stamp, list) and len(stamp) == 2
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _safe_rel(rel: str) -> bool:
    """A recorded name that stays inside the annotated folder (a tampered manifest cannot reach out)."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and ":" not in rel and ".." not in parts and "" not in parts


def _remove_empty_parents(folder: Path, out: Path) -> None:
    """Remove ``folder`` and its parents up to ``out/annotated`` (included) while they are empty."""
    stop = out
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()  # fails on a folder that is not empty: nothing of anyone's is removed
        except OSError:
            return
        folder = folder.parent


def _write_all(
    jobs: list[tuple[Path, Callable[[Path], None]]],
    on_locked: str,
    parallel: bool,
    started: dict[str, Child] | None = None,
) -> list[Path]:
    """Write each (target, writer) and rename them into place together (see :func:`_stage_all`);
    the paths come back in the order of ``jobs``."""
    with Staging(on_locked) as staging:
        _stage_all(jobs, parallel, started, staging)
    return staging.written


def _stage_all(
    jobs: list[tuple[Path, Callable[[Path], None]]],
    parallel: bool,
    started: dict[str, Child] | None,
    staging: Staging,
) -> None:
    """Write each (target, writer) to a temp file staged in ``staging``, the big CSVs in child
    processes when ``parallel`` (which the caller decides with
    :func:`~reconcile.writers.forked.side_by_side`).

    ``started`` maps output names to children already writing them (their jobs are not run again).
    The files are staged in the order of ``jobs``; when several fail, the first failing job's error
    is raised, as if they had been written in turn (the staging then still renames the files that
    were complete, as writing them in turn would have left them).
    """
    started = started or {}
    background = {ITEMS_NAME, SUMMARY_NAME} if parallel else set()
    children = {
        i: started.get(target.name) or Child(target, partial(write_temp, target, fn))
        for i, (target, fn) in enumerate(jobs)
        if target.name in background or target.name in started
    }
    outcomes: dict[int, tuple[Path | None, BaseException | None]] = {}
    try:
        for i, (target, fn) in enumerate(jobs):
            if i not in children:
                try:
                    outcomes[i] = (write_temp(target, fn), None)
                except Exception as exc:
                    outcomes[i] = (None, exc)
                    if not children:
                        break  # written in turn: the first failure ends the run
    finally:
        # Even when this process is interrupted, no child is left writing behind its back, and every
        # temp file it wrote is staged (so that an interrupted run removes it).
        for i, child in children.items():
            outcomes[i] = child.result()
        for i in sorted(outcomes):
            tmp = outcomes[i][0]
            if tmp is not None:
                staging.add(tmp, jobs[i][0])
    for i in sorted(outcomes):
        error = outcomes[i][1]
        if error is not None:
            raise error
