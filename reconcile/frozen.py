"""The entry of the one-file program (``scripts/build_exe.py``, SPEC 13).

Started with arguments it is the ``reconcile`` command. Double-clicked (no console of its own parent),
it reconciles the folder it sits in (or ``workbooks/`` beside it when that exists), writes ``output/``
beside itself, says in Vietnamese what it found, opens ``reconciliation.xlsx`` with the default
program and keeps its window open until a key is pressed.

Two environment variables make it testable anywhere: ``RECONCILE_DOUBLE_CLICK=1`` takes the
double-click path whatever started it, ``RECONCILE_NO_OPEN=1`` neither opens the workbook nor waits
for a key (tests, CI, a scheduled task).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import EXIT_OK, EXIT_USAGE, ReconcileError
from .messages import msg

DOUBLE_CLICK_ENV = "RECONCILE_DOUBLE_CLICK"
NO_OPEN_ENV = "RECONCILE_NO_OPEN"
INPUT_FOLDER = "workbooks"
OUTPUT_FOLDER = "output"
WORKBOOK = "reconciliation.xlsx"


def main() -> None:
    """The program's entry point."""
    import multiprocessing

    # A frozen program's worker processes start by running this same executable: let them.
    multiprocessing.freeze_support()
    if sys.argv[1:] or not started_by_double_click():
        from .cli import main as cli_main

        cli_main()
        return
    from .console import setup

    setup()
    no_open = os.environ.get(NO_OPEN_ENV) == "1"
    code = double_click(
        program_folder(),
        open_file=None if no_open else open_with_default_program,
        wait=None if no_open else wait_for_key,
    )
    sys.stdout.flush()
    sys.stderr.flush()
    # As reconcile.cli.main: every output is written and every child joined by now.
    os._exit(code)


def program_folder() -> Path:
    """The folder the program sits in (the working folder when not frozen)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path.cwd()


def started_by_double_click(
    environ: dict[str, str] | None = None,
    platform: str = sys.platform,
    console_processes: Callable[[], int] | None = None,
) -> bool:
    """True when no shell started the program: on Windows, when the console holds no process but
    this program's own (the one-file program is two: its unpacker and Python)."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(DOUBLE_CLICK_ENV) == "1":
        return True
    if platform != "win32":
        return False  # a macOS or Linux double-click still starts a shell: nothing tells them apart
    count = (console_processes or _windows_console_processes)()
    own = 2 if getattr(sys, "frozen", False) else 1
    return 0 < count <= own


def _windows_console_processes() -> int:
    """How many processes share this console (0 when it cannot be told)."""
    try:
        import ctypes

        ids = (ctypes.c_uint32 * 16)()
        return int(ctypes.windll.kernel32.GetConsoleProcessList(ids, 16))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return 0


def double_click(
    folder: Path,
    *,
    open_file: Callable[[Path], None] | None = None,
    wait: Callable[[], None] | None = None,
    echo: Callable[[str], None] = print,
    lang: str = "vi",
) -> int:
    """Reconcile ``folder/workbooks`` (or ``folder`` itself) into ``folder/output``; return the exit
    code. ``open_file`` opens the workbook, ``wait`` keeps the window open (None: neither)."""
    inputs = folder / INPUT_FOLDER if (folder / INPUT_FOLDER).is_dir() else folder
    out = folder / OUTPUT_FOLDER
    echo(msg("exe.reading", lang, folder=str(inputs)))
    try:
        code = _reconcile(inputs, out, echo, lang)
    except ReconcileError as exc:
        echo(exc.message(lang))
        code = exc.exit_code
    except Exception as exc:  # the window must still say what happened, and stay open
        echo(msg("cli.internal_error", lang, where="reconcile", detail=f"{type(exc).__name__}: {exc}"))
        code = EXIT_USAGE
    workbook = out / WORKBOOK
    if code == EXIT_OK and workbook.is_file():
        echo(msg("exe.opening", lang, file=str(workbook)))
        if open_file is not None:
            try:
                open_file(workbook)
            except OSError as exc:
                echo(msg("exe.open_failed", lang, file=str(workbook), detail=str(exc)))
    if wait is not None:
        echo(msg("exe.press_key", lang))
        wait()
    return code


def _reconcile(inputs: Path, out: Path, echo: Callable[[str], None], lang: str) -> int:
    """The ``run`` command's work with its defaults; the program's own file is no finding."""
    from .models import Settings
    from .pipeline import nothing_readable, run_folder
    from .writers.output import EarlyItems, write_outputs

    settings = Settings(lang=lang)
    early = EarlyItems(out)
    own = Path(sys.executable).name if getattr(sys, "frozen", False) else None
    try:
        result = run_folder(inputs, settings, exclude=[out], on_items=early.start)
        result = result.keeping_findings(lambda f: not (own and f.file == own))
        errors = sum(1 for f in result.findings if f.level == "error")
        warnings = sum(1 for f in result.findings if f.level == "warning")
        if nothing_readable(result):
            from .run import finding_line

            for f in result.findings:
                echo(finding_line(f, lang))
            echo(msg("cli.nothing_readable", lang, folder=str(inputs)))
            return EXIT_USAGE
        write_outputs(result, out, lang=lang, early=early)
    finally:
        early.close()
    echo(
        msg(
            "cli.done",
            lang,
            files=len(result.files),
            items=len(result.items),
            keys=len(result.latest),
            errors=errors,
            warnings=warnings,
            out=str(out),
        )
    )
    if errors or warnings:
        echo(msg("exe.see_findings", lang))
    return EXIT_OK


def open_with_default_program(path: Path) -> None:
    """Open ``path`` as a double-click would (Windows only; elsewhere the path was printed)."""
    startfile = getattr(os, "startfile", None)
    if startfile is not None:
        startfile(str(path))


def wait_for_key() -> None:
    """Keep the window open until a key is pressed (Enter where no single key can be read)."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.getwch()
        return
    with contextlib.suppress(EOFError):
        input()
