"""Outputs written by forked copies of this process, while it writes the workbook.

On Linux a fork shares the run's result with the child for free, so the two big CSVs (and an early
``line_items.csv``, :class:`~reconcile.writers.output.EarlyItems`) are written beside the workbook;
elsewhere, and for small runs, every output is written in turn. :class:`Child` is one such writer;
its outcome (the temp file written, or the error raised) comes back through a pipe.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import OutputError

#: From this many line items on, the two big CSVs are written by forked processes while this one
#: writes the workbook (a national run: ~2 s each). Below it a fork costs more than it saves.
PARALLEL_MIN_ITEMS = 20_000


def can_fork() -> bool:
    # Forking copies the result for free; elsewhere (Windows, macOS) the outputs are written in turn.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def side_by_side(items: int) -> bool:
    """Whether a run of ``items`` line items writes its big CSVs in forked processes."""
    return items >= PARALLEL_MIN_ITEMS and can_fork()


class Child:
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
