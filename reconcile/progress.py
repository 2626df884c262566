"""Where a run tells the user which long phase it is in: reading, reconciling, annotating, writing.

On a terminal a counted phase shows a progress bar and the others one line; when the output is not a
terminal (a log, a scheduled task) each phase prints one plain line as it starts. The pipeline and the
output writer only call :meth:`Phases.phase`; the base class says nothing, so library callers and tests
get silence.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from .messages import msg

Step = Callable[[int], None]

#: The phases of a run, in order, and their catalogue keys (``{count}`` where the phase is counted).
PHASES = ("reading", "reconciling", "annotating", "writing")

#: Test hook: ``RECONCILE_PAUSE_AT=annotating:1`` makes the run stop after the first step of that phase
#: (``:0`` at its start), create the file named by ``RECONCILE_PAUSE_FILE`` and sleep until it is
#: interrupted (at most a minute), so that a test can press Ctrl-C at a known point.
PAUSE_ENV, PAUSE_FILE_ENV = "RECONCILE_PAUSE_AT", "RECONCILE_PAUSE_FILE"


class Phases:
    """The silent reporter: every phase is a no-op (apart from the test hook)."""

    def __init__(self) -> None:
        self._pause = _pause_point()

    @contextlib.contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[Step]:
        """Report phase ``name`` (of ``total`` steps when it is counted) while the block runs; the
        block calls the step function it is given with the number of steps just done."""
        done = 0

        def step(k: int = 1) -> None:
            nonlocal done
            done += k
            self._advance(k)
            if self._pause == (name, done):
                _wait_here()

        self._begin(name, total)
        try:
            if self._pause == (name, 0):
                _wait_here()
            yield step
        finally:
            self._end(name)

    def _begin(self, name: str, total: int | None) -> None:
        pass

    def _advance(self, k: int) -> None:
        pass

    def _end(self, name: str) -> None:
        pass


class ConsolePhases(Phases):
    """Phases shown on ``stream`` in ``lang``: bars on a terminal, one plain line each otherwise.

    Nothing is shown until :attr:`enabled` is set (the command line sets it once it knows the run is
    big enough to be worth it).
    """

    def __init__(self, lang: str, stream: TextIO | None = None, tty: bool | None = None) -> None:
        super().__init__()
        self.lang = lang
        self.stream = stream if stream is not None else sys.stderr
        self.tty = _isatty(self.stream) if tty is None else tty
        self.enabled = False
        self._bar: Any = None

    def _begin(self, name: str, total: int | None) -> None:
        if not self.enabled:
            return
        label = msg(f"progress.{name}", self.lang, count=total if total is not None else "")
        if self.tty and total:
            import click

            self._bar = click.progressbar(
                length=total, label=label, file=self.stream, show_pos=True
            ).__enter__()
            return
        self.stream.write(label + "\n")
        self.stream.flush()

    def _advance(self, k: int) -> None:
        if self._bar is not None:
            self._bar.update(k)

    def _end(self, name: str) -> None:
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.__exit__(None, None, None)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _pause_point() -> tuple[str, int] | None:
    value = os.environ.get(PAUSE_ENV)
    if not value or ":" not in value:
        return None
    name, _, count = value.partition(":")
    return (name, int(count)) if count.isdigit() else None


def _wait_here() -> None:
    marker = os.environ.get(PAUSE_FILE_ENV)
    if marker:
        with open(marker, "w", encoding="utf-8") as f:
            f.write(str(os.getpid()))
    time.sleep(60)
