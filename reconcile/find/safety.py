"""Cheap checks made before any parser touches an input file (SPEC 3 and 7).

:func:`preflight` reads the zip directory and inflates a few kilobytes of each part, never a
whole sheet, and refuses files that are empty, password-protected, corrupt, zip bombs or carry XML
entity declarations. It
never raises and never writes: a refusal is a ``reason.*`` catalogue key with its params, which the
caller turns into a finding::

    refused = preflight(path)
    if refused is not None:
        reason_key, params = refused
        Finding("unreadable_file", file=rel, params={"reason_key": reason_key, **params})

Params may hold ``detail_key`` (a ``detail.*`` key) besides raw values; the message catalogue
renders both keys in the reader's language.

:func:`check` is the same verdict for a reader that goes on to parse the file: a passed file comes
back as :class:`reconcile.find.checked.Checked`, holding the bytes that were checked (read once, then
parsed from memory, so nothing can change between the check and the parse) and the parts the checks
already parsed. A zip container is read into memory whole (up to MAX_IN_MEMORY) once its end records
look sound.

This module tells the kind of file and hands it on: zip containers to :mod:`reconcile.find.zipcheck`
(their members read by :mod:`reconcile.find.zipparts`), OLE2 files to :mod:`reconcile.find.ole2`.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from .checked import Checked, Refusal, corrupt
from .ole2 import OLE2_MAGIC, check_ole2
from .zipcheck import check_zip, directory_refusal
from .zipparts import decode_head

#: Zip containers up to this size (on disk) are read into memory once; the checks and the reader
#: then work on those bytes. Larger ones stay on disk (a 30,000-row sheet makes a ~1.2 MB file).
MAX_IN_MEMORY = 64 << 20
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def preflight(path: Path) -> Refusal | None:
    """None when ``path`` may be handed to a reader, else ``(reason_key, params)``.

    Checks, cheapest first: a regular, non-empty file; for .xlsx/.xlsm/.ods a sound zip (not
    truncated, not a zip bomb by declared sizes or ratios, no overlapping members), no XML member
    with a DOCTYPE or entity declaration, the workbook parts present and not encrypted; for .xls a
    sound OLE2 file with a workbook stream and no encryption. CSV files are only checked for
    emptiness (decoding is the reader's job). Never raises, never modifies the file.
    """
    verdict = check(path)
    return verdict if isinstance(verdict, tuple) else None


def check(path: Path) -> Refusal | Checked:
    """:func:`preflight`'s verdict, with a passed file's bytes and parsed parts kept for the reader."""
    try:
        return _preflight(Path(path))
    except PermissionError:
        return ("reason.file_denied", {})
    except OSError as exc:
        return ("reason.io_error", {"detail": exc.strerror or type(exc).__name__})
    except Exception:  # a hostile file must never take the run down
        return ("reason.corrupt", {"detail_key": "detail.unexpected"})


def _preflight(path: Path) -> Refusal | Checked:
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        # Opening a pipe named x.xlsx would block for ever.
        return ("reason.not_regular", {})
    if st.st_size == 0:
        return ("reason.empty_file", {})
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Checked()
    with open(path, "rb") as f:
        head = f.read(512)
        if head[:8] == OLE2_MAGIC:
            return check_ole2(f, st.st_size, suffix) or Checked()
        if head[:4] in _ZIP_MAGICS:
            if st.st_size > MAX_IN_MEMORY:
                return check_zip(f, st.st_size, suffix, None)
            # The end records first, from disk: a truncated file or a huge directory is refused
            # before the file is read whole.
            refused = directory_refusal(f, st.st_size)
            if refused is not None:
                return refused
            f.seek(0)
            data = f.read()
            return check_zip(io.BytesIO(data), len(data), suffix, data)
    if _looks_like_markup(head):
        return corrupt("detail.html_page")
    if _looks_like_text(head):
        return corrupt("detail.text_file")
    return corrupt("detail.not_ole2" if suffix == ".xls" else "detail.not_zip")


def _looks_like_markup(head: bytes) -> bool:
    start = decode_head(head).lstrip("\ufeff \t\r\n").lower()
    return start.startswith(("<html", "<!doctype html", "<?xml", "<table", "<meta", "<head", "<body"))


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return False
    return True
