"""One run of the pipeline for the command line: inputs -> Result -> outputs, with the output
folder's lock, the read cache, the phases shown and the closing lines (``run`` and every run of
``watch``); ``cli.py`` only parses options and calls these."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from .messages import msg

#: Runs of more files than this show their phases (reading, reconciling, annotating, writing).
PROGRESS_MIN_FILES = 8


def read_and_reconcile(
    paths: tuple[Path, ...],
    settings: Any,
    phases: Any,
    exclude: list[Path],
    on_found: Callable[[list[Path]], None] | None = None,
    on_items: Callable[[Any, list[Path]], None] | None = None,
    cache_out: Path | None = None,
    found: Any = None,
) -> Any:
    """Run the pipeline on the folder or files given (./workbooks when none), its phases shown once
    the run proves big enough; ``found``: the one folder's spreadsheets, already listed."""
    from .pipeline import run_paths

    def listed(files: list[Path]) -> None:
        phases.enabled = len(files) > PROGRESS_MIN_FILES
        if on_found:
            on_found(files)

    return run_paths(
        inputs(paths),
        settings,
        exclude=exclude,
        phases=phases,
        on_found=listed,
        on_items=on_items,
        cache_out=cache_out,
        found=found,
    )


def inputs(paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) or [Path("workbooks")]


def inputs_text(paths: tuple[Path, ...]) -> str:
    return ", ".join(str(p) for p in inputs(paths))


def finding_line(f: Any, lang: str) -> str:
    from .messages import finding_message

    place = f.file or "-"
    if f.sheet:
        place += f" | {f.sheet}"
    if f.cell:
        place += f"!{f.cell}"
    return f"{place}: {msg('severity.' + f.level, lang)} [{f.code}] {finding_message(f.code, f.params, lang)}"


def pace_line(result: Any, lang: str) -> str:
    """Which expected pace the statuses were judged against (SPEC 9)."""
    return msg("ledger.pace", lang, pace=msg(f"pace.{result.settings.pace_name}", lang))


def exit_code(result: Any, strict: bool) -> int:
    from .pipeline import nothing_readable

    if nothing_readable(result):
        return EXIT_USAGE
    return EXIT_FINDINGS if strict and result.has_errors else EXIT_OK


def run_once(
    paths: tuple[Path, ...] | Path,
    out: Path,
    settings: Any,
    on_locked: str,
    use_cache: bool,
    report: bool = True,
) -> tuple[str, int]:
    """One run of ``reconcile run`` (also each run of ``reconcile watch``): its closing lines and exit
    code. With the cache, a run of a folder whose inputs, settings and outputs are all as the last run
    left them writes nothing again (reconcile/cache.py); files already read are not read again."""
    from .progress import ConsolePhases
    from .writers.atomic import OutputLock, ensure_output_dir, remove_leftover_temps
    from .writers.output import EarlyItems, write_outputs

    paths = (paths,) if isinstance(paths, Path) else tuple(paths)
    lang, strict = settings.lang, settings.strict
    key = None
    found = None
    given = inputs(paths)
    folder = given[0] if len(given) == 1 else None
    if use_cache and folder is not None and folder.is_dir():
        from .cache import last_run, new_run
        from .errors import ReconcileError
        from .pipeline import find_inputs, run_fingerprint

        new_run()
        with contextlib.suppress(ReconcileError, OSError):
            # Listed once: the run's key and the run read the same files (a folder that cannot be
            # listed is listed again by the run, which then says why).
            found = find_inputs(folder, [out])
        options = {
            "lang": lang,
            "annotate": settings.annotate,
            "on_locked": on_locked,
            "strict": strict,
            "report": report,
        }
        key = run_fingerprint(folder, out, settings, options, found) if found is not None else None
        record = last_run(out, key) if key is not None else None
        if record is not None and isinstance(record["figures"].get("text"), str):
            figures = record["figures"]
            return figures["text"], int(figures.get("code", 0))
    phases = ConsolePhases(lang)
    early = EarlyItems(out, on_locked)
    lock = OutputLock(out)
    made_out = not out.exists()

    def take_output_folder(files: list[Path]) -> None:
        # Before any file is read: a second run into the same folder stops at once.
        ensure_output_dir(out, files)
        lock.acquire()
        remove_leftover_temps(out)

    try:
        result = read_and_reconcile(
            paths,
            settings,
            phases,
            exclude=[out],
            on_found=take_output_folder,
            on_items=early.start,
            cache_out=out if use_cache else None,
            found=found,
        )
        if exit_code(result, strict) == EXIT_USAGE:
            for f in result.findings:
                click.echo(finding_line(f, lang), err=True)
            click.echo(msg("cli.nothing_readable", lang, folder=inputs_text(paths)), err=True)
            sys.exit(EXIT_USAGE)
        from .writers.report_run import RUN_MAX_KEYS, fits_in_run

        with_report = report and fits_in_run(result)
        if report and not with_report:
            click.echo(
                msg(
                    "cli.report_too_big",
                    lang,
                    keys=len(result.latest),
                    limit=RUN_MAX_KEYS,
                    folder=inputs_text(paths),
                ),
                err=True,
            )
        if key is not None:
            from .cache import forget_run

            forget_run(out)
        written = write_outputs(
            result,
            out,
            lang=lang,
            annotate=settings.annotate,
            on_locked=on_locked,
            early=early,
            phases=phases,
            report=with_report,
            keep_copies=use_cache,
        )
        result = written.result or result  # with the findings the annotated copies added
    finally:
        early.close()
        lock.release()
        if made_out and out.is_dir():
            _remove_if_nothing_written(out)
    code = exit_code(result, strict)
    from .writers.console import closing_lines

    text = f"{pace_line(result, lang)}\n{closing_lines(result, lang, str(out))}"
    if key is not None and on_locked == "fail":
        from .cache import remember_run

        remember_run(out, key, written.paths, {"text": text, "code": code})
    return text, code


def _remove_if_nothing_written(out: Path) -> None:
    """Remove an output folder this run made when it holds nothing but the read cache (the run was
    stopped or failed before writing any output): nothing is left behind."""
    import shutil

    from .cache import CACHE_DIR

    entries = list(out.iterdir())
    if all(p.name == CACHE_DIR for p in entries):
        shutil.rmtree(out / CACHE_DIR, ignore_errors=True)
        with contextlib.suppress(OSError):
            out.rmdir()
