"""Standard output and error that never fail on their encoding (SPEC 13).

On Windows, Python writes a redirected stream (``> log.txt``, ``| more``, a scheduled task) in the ANSI
code page: cp1258 on Vietnamese Windows, cp1252 on most others. Neither holds every Vietnamese
letter, so the first "Đã đọc" raised UnicodeEncodeError after the outputs were written. :func:`setup`
is called once at start: a redirected stream is written in UTF-8 (what Notepad, Excel and PowerShell 7
read), a console keeps its own encoding (on Windows the console's Unicode output), and whatever still
cannot be encoded is replaced — never an exception.
"""

from __future__ import annotations

import io
import os
import sys
from typing import IO, Any


def setup() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe to print any text to; call once at start."""
    sys.stdout = _safe(sys.stdout)  # type: ignore[assignment]
    sys.stderr = _safe(sys.stderr)  # type: ignore[assignment]


def _safe(stream: IO[str] | None) -> IO[str]:
    """``stream`` reconfigured (or wrapped) so that writing any ``str`` to it cannot raise."""
    if stream is None:
        # No stream at all (pythonw, a windowed frozen program): printing must still not fail.
        return open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    try:
        console = stream.isatty()
    except (OSError, ValueError):
        console = False
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        try:
            if console:
                # A console shows what its own encoding holds; the rest becomes "?", not a crash.
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8", errors="replace")
            return stream
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # a stream already written to in a way that forbids a change: wrap it below
    return _ReplacingWriter(stream)  # type: ignore[return-value]  # duck-typed: write, flush, ...


class _ReplacingWriter:
    """A last resort around a text stream that cannot be reconfigured: text its encoding cannot hold
    is replaced before it is written."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except UnicodeEncodeError:
            safe = text.encode(self._encoding, errors="replace").decode(self._encoding, errors="replace")
            return self._stream.write(safe)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
