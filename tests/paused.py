"""``reconcile`` in a child process, for the tests that interrupt it (Ctrl-C) or run two at once.

:func:`start_paused` uses the test hook of reconcile/progress.py: the child stops when phase:steps
is reached and says so by creating ``marker``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def spawn(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``reconcile ARGS`` as the console script runs it (through main()), its output piped as text."""
    return subprocess.Popen(
        [sys.executable, "-c", "from reconcile.cli import main; main()", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_paused(args: list[str], pause: str, marker: Path, timeout: float = 60.0) -> subprocess.Popen[str]:
    """Start ``reconcile ARGS`` in a process that stops at ``pause`` (phase:steps); returns once it has."""
    proc = spawn(args, dict(os.environ, RECONCILE_PAUSE_AT=pause, RECONCILE_PAUSE_FILE=str(marker)))
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"never paused: {proc.communicate()}")
        time.sleep(0.05)
    return proc
