"""The one-way flow: find files -> read them (in parallel) -> reconcile -> write outputs."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from .config import load_config
from .discover import Discovered, discover
from .errors import UsageError
from .models import FileResult, Result, Settings
from .reader import read_file, relative_name

#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 24

Progress = Callable[[int], None]


def settings_for(folder: Path, settings: Settings) -> Settings:
    """Command-line settings with ``reconcile.toml`` filling what the command line left at its default."""
    overrides = load_config(folder)
    default = Settings()
    merged = {k: v for k, v in overrides.items() if getattr(settings, k) == getattr(default, k)}
    return replace(settings, **merged) if merged else settings


def _read_one(args: tuple[str, str, tuple[tuple[str, int, int | None], ...]]) -> FileResult:
    path, rel, aliases = args
    return read_file(Path(path), rel, aliases)


def read_all(
    paths: list[Path], root: Path, settings: Settings, progress: Progress | None = None
) -> list[FileResult]:
    """Read every file, in parallel across the cores when there are many; results in input order."""
    jobs = [(str(p), relative_name(p, root), settings.aliases) for p in paths]
    workers = min(os.cpu_count() or 1, 8)
    results: list[FileResult] = []
    if len(jobs) >= PARALLEL_MIN_FILES and workers > 1:
        chunk = max(1, min(64, len(jobs) // (workers * 8)))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(_read_one, jobs, chunksize=chunk):
                results.append(res)
                if progress:
                    progress(1)
    else:
        for job in jobs:
            results.append(_read_one(job))
            if progress:
                progress(1)
    return results


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
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Result:
    """Read and reconcile every spreadsheet in ``folder``."""
    from .engine import reconcile

    settings = settings_for(folder, settings)
    found = find_inputs(folder, exclude)
    if on_start:
        on_start(len(found.files))
    files = read_all(found.files, folder, settings, progress)
    result = reconcile(files, settings, folder)
    for file in files:
        # Their items now live in result.items; keeping both copies doubled the memory a national
        # run needs while its outputs are written.
        for sheet in file.sheets:
            sheet.items = []
            sheet.columns = None
    if found.findings:
        result.findings = sorted(result.findings + found.findings, key=lambda f: f.sort_key())
    return result


def nothing_readable(result: Result) -> bool:
    """True when no file yielded a single line item (exit 2)."""
    return len(result.items) == 0
