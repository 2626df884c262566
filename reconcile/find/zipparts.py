"""A zip member read straight from the file's bytes in memory (stage find, for the safety checks).

Where zipfile's own reading is known to give the same bytes (a sound local header, the declared size
and CRC), a member is located and inflated here without zipfile's per-member machinery (python-isal
where it is installed), and its XML prolog scanned for a DOCTYPE (:func:`prolog_verdict`,
:func:`quick_verdict`); :func:`member_whole` serves :meth:`reconcile.find.checked.Checked.read`.
"""

from __future__ import annotations

import importlib
import struct
import zipfile
import zlib
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checked import Checked


def _inflater() -> Any:
    """python-isal's zlib: the same inflate and CRC, 2-5x faster (a national sheet: 14 -> 5 ms; the
    national bench run 7.15 -> 6.74 s, bench/README.md); zlib on a platform without its wheels
    (pyproject.toml installs it where they exist)."""
    try:
        return importlib.import_module("isal.isal_zlib")
    except ImportError:
        return zlib


_zlib = _inflater()

#: How much of an XML member's prolog is read looking for <!DOCTYPE (a real one is ~100 bytes).
HEAD_BYTES = 4096
MAX_PROLOG = 64 << 10
#: A zip member's local header (APPNOTE 4.3.7): signature, versions, flags, method, time, date, CRC,
#: sizes, name and extra-field lengths; the name and the extra field follow it.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_MAGIC = b"PK\x03\x04"


def quick_verdict(data: bytes, info: zipfile.ZipInfo, kept: Checked | None = None) -> bool | None:
    """:func:`prolog_verdict` of a member, from the file in memory; None: ask zipfile instead.

    Gives a verdict only where zipfile's own reading is known to return the same bytes without an
    error: the member is whole in ``data`` under a matching local header, and either it is small
    (HEAD_BYTES at most) and decompresses to its declared size and CRC, or it is larger and its first
    HEAD_BYTES, all zipfile would have read, settle the verdict. Everything else (a damaged member,
    another compression, a prolog longer than HEAD_BYTES) goes the slow, exact way. A small member
    read whole is kept in ``kept.parts`` when it is the one its name opens in zipfile.
    """
    packed = _packed(data, info)
    if packed is None:
        return None
    try:
        if len(packed) <= _VERDICT_CACHE_BYTES:
            # Styles, theme, relationships, document properties: the same bytes in every file a
            # program writes, so each distinct member is inflated and scanned once.
            verdict, whole = _cached_head_verdict(bytes(packed), info.compress_type, info.file_size, info.CRC)
        else:
            verdict, whole = _head_verdict(packed, info.compress_type, info.file_size, info.CRC)
    except zlib.error:
        return None  # zipfile raises its own error for it
    if (
        whole is not None
        and kept is not None
        and kept.zip is not None
        and kept.zip.getinfo(info.filename) is info
    ):
        kept.parts[info.filename] = whole
    return verdict


_SHORT_HEAD = 512
_VERDICT_CACHE_BYTES = 16 << 10


def _head_verdict(
    packed: bytes | memoryview, method: int, size: int, crc: int
) -> tuple[bool | None, bytes | None]:
    """(the prolog verdict or None, the member's bytes when they were read whole) of a member."""
    head = _inflate_head(packed, method, size, crc)
    if head is None:
        return None, None
    raw, whole = head
    # The prolog ends within the first hundred bytes or so: decode those first. A verdict on the
    # start of a text is the verdict on the whole (the scan says None where a cut could matter).
    text = decode_head(raw[:_SHORT_HEAD])
    verdict = _scan_prolog(text, complete=False)
    if verdict is None and len(raw) > _SHORT_HEAD:
        text = decode_head(raw)
        verdict = _scan_prolog(text, complete=False)
    if verdict is None and whole:
        verdict = _scan_prolog(text, complete=True)
    return verdict, raw if whole else None


@lru_cache(maxsize=256)
def _cached_head_verdict(packed: bytes, method: int, size: int, crc: int) -> tuple[bool | None, bytes | None]:
    return _head_verdict(packed, method, size, crc)


def _member_head(data: bytes, info: zipfile.ZipInfo) -> tuple[bytes, bool] | None:
    """(first HEAD_BYTES of the member, whether that is all of it), or None when not plainly readable."""
    packed = _packed(data, info)
    if packed is None:
        return None
    return _inflate_head(packed, info.compress_type, info.file_size, info.CRC)


def member_whole(data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """All of a member declared at most ``limit`` bytes, when zipfile would read exactly these bytes
    without an error: they inflate to the declared size, end there and match the CRC. Else None."""
    if info.file_size > limit:
        return None
    packed = _packed(data, info)
    if packed is None:
        return None
    return _inflate_whole(packed, info.compress_type, info.file_size, info.CRC)


def _inflate_head(packed: bytes | memoryview, method: int, size: int, crc: int) -> tuple[bytes, bool] | None:
    """:func:`_member_head` from the member's compressed bytes and its directory entry's fields."""
    if size <= HEAD_BYTES:
        whole = _inflate_whole(packed, method, size, crc)
        return (whole, True) if whole is not None else None
    if method == zipfile.ZIP_STORED:
        return (bytes(packed[:HEAD_BYTES]), False) if len(packed) == size else None
    if method != zipfile.ZIP_DEFLATED:
        return None
    # zlib here: it leaves the input it did not need in unconsumed_tail, which the test below reads
    # (isal takes more in at once), and a head is quick to inflate either way.
    inflate = zlib.decompressobj(-15)
    raw = inflate.decompress(packed, HEAD_BYTES)
    # Compressed input left over: the stream goes on, so zipfile would not be at its end either.
    if len(raw) == HEAD_BYTES and not inflate.eof and len(inflate.unconsumed_tail) > 16:
        return raw, False
    return None


def _inflate_whole(packed: bytes | memoryview, method: int, size: int, crc: int) -> bytes | None:
    """:func:`member_whole` from the member's compressed bytes and its directory entry's fields."""
    if method == zipfile.ZIP_STORED:
        if len(packed) != size:
            return None
        raw = bytes(packed)
    elif method == zipfile.ZIP_DEFLATED:
        inflate = _zlib.decompressobj(-15)
        try:
            # One byte over the declared size is enough to know it lies; no more is ever inflated.
            raw = inflate.decompress(packed, size + 1)
        except _zlib.error as exc:  # isal's own error: raised as zipfile would raise it
            raise zlib.error(str(exc)) from exc
        if not inflate.eof or len(raw) != size:
            return None
    else:
        return None
    return raw if _zlib.crc32(raw) == crc else None


def _packed(data: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """A member's compressed bytes in ``data``, when its local header is one zipfile would accept."""
    offset = info.header_offset
    if offset < 0 or offset + _LOCAL_HEADER.size > len(data) or info.flag_bits & 0x60:
        return None
    fields = _LOCAL_HEADER.unpack_from(data, offset)
    if fields[0] != _LOCAL_MAGIC:
        return None
    name_at = offset + _LOCAL_HEADER.size
    name = data[name_at : name_at + fields[10]]
    try:
        # zipfile compares the local name, decoded by the local flags, with the directory's.
        if name.decode("utf-8" if fields[3] & 0x800 else "cp437") != info.orig_filename:
            return None
    except UnicodeDecodeError:
        return None
    start = name_at + fields[10] + fields[11]
    end = start + info.compress_size
    if end > len(data):
        return None
    return memoryview(data)[start:end]


def decode_head(data: bytes) -> str:
    """Decode the start of a member the way an XML parser would guess its encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ignore")
    if data.startswith(b"<\x00"):
        return data.decode("utf-16-le", errors="ignore")
    if data.startswith(b"\x00<"):
        return data.decode("utf-16-be", errors="ignore")
    return data.decode("utf-8", errors="ignore")


def prolog_verdict(member: IO[bytes]) -> bool:
    """True when an XML prolog declares a DOCTYPE (or is too long to be honest), else False.

    The prolog is everything before the root element: an XML declaration, comments, processing
    instructions and white space. A DOCTYPE may only sit there, so scanning it is enough; reading
    stops at the root element's ``<``, normally within the first hundred bytes.
    """
    raw = b""
    while True:
        more = member.read(HEAD_BYTES)
        raw += more
        verdict = _scan_prolog(decode_head(raw), complete=not more)
        if verdict is not None:
            return verdict
        if not more:
            return False
        if len(raw) >= MAX_PROLOG:
            return True


def _scan_prolog(text: str, complete: bool) -> bool | None:
    """True: a declaration (``<!DOCTYPE``, ``<!ENTITY``...); False: the root or no XML; None: read on."""
    pos = 0
    while True:
        while pos < len(text) and text[pos] in "\ufeff \t\r\n":
            pos += 1
        if pos >= len(text):
            return False if complete else None
        if text[pos] != "<":
            return False  # not XML at all; the reader will say so
        if len(text) - pos < 9 and not complete:
            return None  # "<!DOCTYPE" may be cut at the end of what was read
        if text.startswith("<?", pos) or text.startswith("<!--", pos):
            closer = "?>" if text[pos + 1] == "?" else "-->"
            end = text.find(closer, pos + 2)
            if end < 0:
                return False if complete else None
            pos = end + len(closer)
            continue
        return text.startswith("<!", pos)
