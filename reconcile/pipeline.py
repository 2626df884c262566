"""The one-way flow: find files -> read them (in parallel) -> reconcile -> write outputs."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import load_config
from .errors import UsageError
from .find.discover import Discovered, discover, discover_paths, is_spreadsheet_name
from .models import FileResult, Finding, Settings, SheetResult
from .progress import Phases
from .read.reader import read_file, relative_name

if TYPE_CHECKING:  # the Result brings pandas, which the readers never need
    from .result import Result

#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 24

Progress = Callable[[int], None]


def settings_for(folder: Path, settings: Settings) -> Settings:
    """Command-line settings with ``reconcile.toml`` filling what the command line left at its default."""
    overrides = load_config(folder)
    default = Settings()
    merged = {k: v for k, v in overrides.items() if getattr(settings, k) == getattr(default, k)}
    return replace(settings, **merged) if merged else settings


#: What a reader is told besides the file: reconcile.toml's ``[programmes]`` and ``[catalogue.X]``.
Reading = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int, int | None, str], ...]]
#: (path, relative name, aliases, reading, cache key, content digest): the last two only with the
#: read cache.
Job = tuple[str, str, tuple[tuple[str, int, int | None], ...], Reading, str | None, str | None]
#: A reading and, with the read cache, its cache entry (made where the file was read).
Read = tuple[FileResult, bytes | None]


def _reading(settings: Settings) -> Reading:
    return (settings.programmes, settings.catalogues)


def _read_one(args: Job) -> Read:
    path, rel, aliases, reading, key, digest = args
    if key is not None and digest is not None:
        from .cache import read_and_encode

        return read_and_encode(Path(path), rel, aliases, reading, key, digest)
    return read_file(Path(path), rel, aliases, *reading), None


# A worker sends its FileResult back as tuples of field values, in field order: pickling values in
# tuples costs a fraction of pickling the same values as dataclass objects. Every field travels,
# whatever fields the models gain; a sheet's items travel as its columns.
_FILE_FIELDS = tuple(f.name for f in fields(FileResult))
_SHEET_FIELDS = tuple(f.name for f in fields(SheetResult))
_file_values = attrgetter(*_FILE_FIELDS)
_sheet_values = attrgetter(*_SHEET_FIELDS)
_PATH = _FILE_FIELDS.index("path")
_SHEETS = _FILE_FIELDS.index("sheets")

Packed = tuple[Any, ...]


def _start_worker(collecting: bool) -> None:
    """In a new worker: leave the objects it inherited from the parent out of garbage collection
    (they live as long as the worker), and collect as the parent did before the pool started.

    Ctrl-C is left to the parent, which stops the pool: a worker interrupted on its own would print
    a traceback of its own."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    if collecting:
        gc.enable()


def _read_packed(args: Job) -> tuple[Packed, bytes | None]:
    result, entry = _read_one(args)
    return _pack(result), entry


def _pack(result: FileResult) -> Packed:
    """``result`` as tuples of field values, without its path (the parent has it)."""
    values = list(_file_values(result))
    values[_PATH] = None
    values[_SHEETS] = [_sheet_values(sheet) for sheet in result.sheets]
    return tuple(values)


def _unpack(packed: Packed, path: Path) -> FileResult:
    """The FileResult that :func:`_pack` took apart, read from ``path``."""
    values = list(packed)
    values[_PATH] = path
    values[_SHEETS] = [SheetResult(*sheet_values) for sheet_values in values[_SHEETS]]
    return FileResult(*values)


def read_all(
    paths: list[Path],
    root: Path,
    settings: Settings,
    progress: Progress | None = None,
    while_waiting: Callable[[], None] | None = None,
    cache_out: Path | None = None,
) -> list[FileResult]:
    """Read every file, in parallel across the cores when there are many; results in input order.

    ``while_waiting`` runs once the workers have their jobs (or first, when there are no workers).
    With ``cache_out``, readings are taken from and stored into that output folder's read cache.
    """
    if cache_out is not None:
        return _read_all_cached(paths, root, settings, cache_out, progress, while_waiting)
    jobs: list[Job] = [
        (str(p), relative_name(p, root), settings.aliases, _reading(settings), None, None) for p in paths
    ]
    return [result for result, _ in _read_jobs(paths, jobs, progress, while_waiting)]


def _read_all_cached(
    paths: list[Path],
    root: Path,
    settings: Settings,
    out: Path,
    progress: Progress | None,
    while_waiting: Callable[[], None] | None,
) -> list[FileResult]:
    """:func:`read_all` through the read cache (reconcile/cache.py): only files it does not hold are read."""
    from .cache import ReadCache

    cache = ReadCache(out)
    found: dict[int, FileResult] = {}
    keys: set[str] = set()
    jobs: list[Job] = []
    missed: list[Path] = []
    collecting = gc.isenabled()
    gc.disable()  # the readings decoded here live on, like those the workers send (see _read_jobs)
    try:
        _look_up(paths, root, settings, cache, found, keys, jobs, missed)
    finally:
        if collecting:
            gc.enable()
    if progress and found:
        progress(len(found))
    fresh = _read_jobs(missed, jobs, progress, while_waiting)
    for job, (_, entry) in zip(jobs, fresh, strict=True):
        key = job[4]  # see Job
        if key is not None and entry is not None:
            cache.add(key, entry)
    results = iter(result for result, _ in fresh)
    cache.save(keys)
    return [found[i] if i in found else next(results) for i in range(len(paths))]


def _look_up(
    paths: list[Path],
    root: Path,
    settings: Settings,
    cache: Any,
    found: dict[int, FileResult],
    keys: set[str],
    jobs: list[Job],
    missed: list[Path],
) -> None:
    """Each file's reading from the cache into ``found``, or its job into ``jobs``."""
    from .cache import digest_of, entry_key

    for i, (p, rel) in enumerate(zip(paths, relative_names(paths, root), strict=True)):
        digest = digest_of(p)
        key = entry_key(digest, rel, settings.aliases, _reading(settings)) if digest is not None else None
        if key is not None:
            keys.add(key)
            hit = cache.load(key, p, rel)
            if hit is not None:
                found[i] = hit
                continue
        jobs.append((str(p), rel, settings.aliases, _reading(settings), key, digest))
        missed.append(p)


def _read_jobs(
    paths: list[Path],
    jobs: list[Job],
    progress: Progress | None,
    while_waiting: Callable[[], None] | None,
) -> list[Read]:
    workers = min(os.cpu_count() or 1, 8)
    results: list[Read] = []
    if len(jobs) >= PARALLEL_MIN_FILES and workers > 1:
        # Big files one at a time (the last ones then finish together); many small ones in chunks.
        chunk = max(1, min(64, len(jobs) // (workers * 16)))
        # The results pile up here and live on: the cyclic collector would walk them again and
        # again for nothing (the objects hold no cycles).
        collecting = gc.isenabled()
        gc.disable()
        try:
            with ProcessPoolExecutor(
                max_workers=workers, initializer=_start_worker, initargs=(collecting,)
            ) as pool:
                try:
                    packed_results = pool.map(_read_packed, jobs, chunksize=chunk)
                    if while_waiting:
                        while_waiting()
                    for path, (packed, entry) in zip(paths, packed_results, strict=True):
                        results.append((_unpack(packed, path), entry))
                        if progress:
                            progress(1)
                except BaseException:
                    # Ctrl-C: wait only for the chunks being read, not for every file still queued.
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        finally:
            if collecting:
                gc.enable()
    else:
        if while_waiting:
            while_waiting()
        for job in jobs:
            results.append(_read_one(job))
            if progress:
                progress(1)
    return results


def apply_as_of(files: list[FileResult], as_of: dt.date | None) -> None:
    """A report dated by its file's saved date (a title with a year but no day) takes ``--as-of``
    instead when given (SPEC 12), its items and its ``period_from_file_date`` finding with it.

    A sheet's period column (if its reader gave one rather than leaving it to the sheet's period) is
    replaced, never changed in place: the read cache may share its values with another run."""
    if as_of is None:
        return
    for fr in files:
        moved = {sh.sheet for sh in fr.sheets if sh.period_from_file}
        if not moved:
            continue
        for sh in fr.sheets:
            if sh.period_from_file:
                sh.period = as_of
                if sh.columns and "period" in sh.columns:
                    sh.columns["period"] = [as_of] * len(sh.columns["period"])
        fr.findings = [
            Finding(
                f.code,
                f.file,
                f.sheet,
                f.cell,
                {**f.params, "date": as_of, "message_key": "finding.period_from_file_date_as_of"},
                f.severity,
            )
            if f.code == "period_from_file_date" and f.sheet in moved
            else f
            for f in fr.findings
        ]


def find_inputs(folder: Path, exclude: list[Path] | None = None) -> Discovered:
    """The spreadsheets in ``folder``; a missing folder or one with no spreadsheet is a usage error."""
    if not folder.is_dir():
        raise UsageError("cli.folder_missing", folder=str(folder))
    found = discover(folder, exclude or [])
    if not found.files:
        raise UsageError("cli.folder_empty", folder=str(folder))
    return found


def run_folder(
    folder: Path,
    settings: Settings,
    exclude: list[Path] | None = None,
    phases: Phases | None = None,
    on_found: Callable[[list[Path]], None] | None = None,
    on_items: Callable[[Any, list[Path]], None] | None = None,
    cache_out: Path | None = None,
) -> Result:
    """Read and reconcile every spreadsheet in ``folder`` (see :func:`run_paths`)."""
    return run_paths([folder], settings, exclude, phases, on_found, on_items, cache_out)


def run_paths(
    paths: Sequence[Path],
    settings: Settings,
    exclude: list[Path] | None = None,
    phases: Phases | None = None,
    on_found: Callable[[list[Path]], None] | None = None,
    on_items: Callable[[Any, list[Path]], None] | None = None,
    cache_out: Path | None = None,
    found: Discovered | None = None,
) -> Result:
    """Read and reconcile the spreadsheets in ``paths``: one folder, or files and folders whose
    names are then taken relative to the folder holding them all (see
    :func:`reconcile.find.discover.discover_paths`).

    ``on_found(files)`` gets the files to read before any is read; ``on_items(items, inputs)`` gets
    the item table as soon as the engine has built it, with the input files' paths (the outputs can
    start while the engine finishes). ``phases`` is told when reading and reconciling start. With
    ``cache_out``, files already read (same content) are taken from that output folder's read cache.
    ``found``: the spreadsheets of ``paths``, one folder, as :func:`find_inputs` listed them (the
    run's key was made of that listing: the folder is not listed again).
    """
    phases = phases or Phases()
    if found is not None and len(paths) == 1:
        root = paths[0]
    else:
        root, found = find_paths(paths, exclude)
    settings = settings_for(root, settings)
    if on_found:
        on_found(found.files)
    with phases.phase("reading", len(found.files)) as step:
        # The engine (and pandas, ~0.3 s to import) loads while the workers read: the readers need
        # neither.
        files = read_all(found.files, root, settings, step, while_waiting=_load_engine, cache_out=cache_out)
    apply_as_of(files, settings.as_of)
    with phases.phase("reconciling"):
        from .engine import reconcile

        early = (lambda items: on_items(items, found.files)) if on_items else None
        _keep_freed_memory()
        result = reconcile(files, settings, root, on_items=early)
    for file in files:
        # Their items now live in result.items; keeping both copies doubled the memory a national
        # run needs while its outputs are written.
        for sheet in file.sheets:
            sheet.columns = None
    _give_back_memory()
    extra = found.findings + as_of_findings(result, settings)
    if extra:
        result = result.with_findings(extra)
    return result


def find_paths(paths: Sequence[Path], exclude: list[Path] | None = None) -> tuple[Path, Discovered]:
    """The folder the inputs' names start from and the spreadsheets to read in ``paths``; no
    spreadsheet at all is a usage error."""
    # One folder (or one missing path that names no spreadsheet): the folder run as before.
    single = len(paths) == 1 and not paths[0].is_file()
    if single and (paths[0].is_dir() or not is_spreadsheet_name(paths[0].name)):
        return paths[0], find_inputs(paths[0], exclude)
    root, found = discover_paths(paths, exclude or [])
    if not found.files:
        raise UsageError("cli.no_spreadsheet", files=", ".join(str(p) for p in paths))
    return root, found


#: --as-of later than the latest report by more than this many days is worth a word.
AS_OF_GAP_DAYS = 31


def as_of_findings(result: Result, settings: Settings) -> list[Finding]:
    """Warnings about an --as-of the reports do not bear out: one per file whose reports are later
    than it (they were left out), and one when it lies more than a month after the latest report."""
    as_of = settings.as_of
    items = result.items
    if as_of is None or not len(items):
        return []
    periods = items[["file", "period"]].dropna()
    if not len(periods):
        return []
    latest = periods.groupby("file", sort=True)["period"].max()
    findings = [
        Finding("as_of_before_report", file=str(file), params={"period": period, "as_of": as_of})
        for file, period in latest.items()
        if period > as_of
    ]
    newest = max(latest)
    if (as_of - newest).days > AS_OF_GAP_DAYS:
        findings.append(
            Finding(
                "as_of_after_reports",
                params={"as_of": as_of, "latest": newest, "days": (as_of - newest).days},
            )
        )
    return findings


#: glibc's mallopt parameters (malloc.h) and the values the engine runs with: blocks up to 32 MB (the
#: ceiling glibc's own adjustment of the threshold stops at) come from the heap, and up to 1 GB of
#: freed heap stays in the process.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_KEEP = ((_M_MMAP_THRESHOLD, 32 << 20), (_M_TRIM_THRESHOLD, 1 << 30))


def _keep_freed_memory() -> None:
    """Keep the memory the engine frees for its next arrays (glibc; elsewhere nothing changes).

    The engine makes and drops hundreds of arrays of a few megabytes. By default glibc maps each one
    afresh and unmaps it when freed, so that every new array faults its pages in again: the national
    bench run 6.42 -> 6.23 s with it, for a peak of 1,037 MB instead of 898 (bench/README.md). :func:`_give_back_memory` returns what is left once the engine is done.
    """
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        for param, value in _KEEP:
            mallopt(param, value)


def _give_back_memory() -> None:
    """Return the heap the reading and the engine freed to the system (glibc keeps it otherwise).

    On a national run ~300 MB of freed blocks stayed in the process while the outputs were written,
    in the process and in each writer forked from it.
    """
    malloc_trim = _glibc("malloc_trim")
    if malloc_trim is not None:
        malloc_trim(0)


def _glibc(name: str) -> Callable[..., int] | None:
    """The C library's function ``name`` on Linux with glibc; None elsewhere (musl has neither
    mallopt nor malloc_trim; other systems manage their heaps their own way)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None


def _load_engine() -> None:
    from . import engine  # noqa: F401


def nothing_readable(result: Result) -> bool:
    """True when no file yielded a single line item (exit 2)."""
    return len(result.items) == 0


def run_fingerprint(
    folder: Path, out: Path, settings: Any, options: dict[str, Any], found: Discovered | None = None
) -> str | None:
    """The key of a run of ``folder`` into ``out``: its inputs (name, content, time), the settings
    after ``reconcile.toml``, the options that shape the outputs and today's date (nothing is known
    to depend on it: figures are judged at --as-of or the latest period; it only makes the record of
    the last run good for one day); None when the folder cannot be looked at (the run then says why).
    ``found``: the folder's spreadsheets when already listed (:func:`find_inputs`)."""
    import datetime as dt

    from .cache import digest_of, run_key
    from .errors import ReconcileError

    try:
        merged = settings_for(folder, settings)
        found = found if found is not None else find_inputs(folder, [out])
    except (ReconcileError, OSError):
        return None
    inputs = []
    for path, rel in zip(found.files, relative_names(found.files, folder), strict=True):
        digest = digest_of(path)
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return None
        if digest is None:
            return None
        inputs.append([rel, digest, mtime])
    parts = {
        "folder": str(folder.resolve()),
        "out": str(out.resolve()),
        "settings": repr(merged),
        "options": options,
        "today": dt.date.today().isoformat(),
        "inputs": inputs,
        "discovery": [repr(f) for f in found.findings],
    }
    return run_key(parts)


def relative_names(paths: Sequence[Path], root: Path) -> list[str]:
    """:func:`relative_name` of each path, without its two absolute paths per file where the path is
    ``root`` followed by plain names (as the files a folder's listing finds are): the same text."""
    prefix = str(root) + os.sep
    names = []
    for path in paths:
        text = str(path)
        rest = text[len(prefix) :] if text.startswith(prefix) else ""
        parts = rest.split(os.sep)
        if rest and not ({".", "..", ""} & set(parts)) and (os.altsep is None or os.altsep not in rest):
            names.append("/".join(parts))
        else:
            names.append(relative_name(path, root))
    return names
