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
back as :class:`Checked`, holding the bytes that were checked (read once, then parsed from memory, so
nothing can change between the check and the parse) and the parts the checks already parsed. A zip
container is read into memory whole (up to MAX_IN_MEMORY) once its end records look sound.
"""

from __future__ import annotations

import importlib
import io
import os
import posixpath
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml import ElementTree as SafeET


def _inflater() -> Any:
    """python-isal's zlib: the same inflate and CRC, 2-5x faster (a national sheet: 14 -> 5 ms; the
    national bench run 7.15 -> 6.74 s, bench/README.md); zlib on a platform without its wheels
    (pyproject.toml installs it where they exist)."""
    try:
        return importlib.import_module("isal.isal_zlib")
    except ImportError:
        return zlib


_zlib = _inflater()

#: Refuse a zip whose members add up to more than this once unpacked (bytes).
MAX_UNCOMPRESSED = 1 << 30
#: Refuse a zip member over RATIO_MIN_SIZE unpacked that is compressed more than this (n:1).
MAX_RATIO = 200
RATIO_MIN_SIZE = 1 << 20
#: Refuse a zip with more members, or a larger central directory, than this: a normal workbook
#: has tens of parts, and zipfile would build an object per member before we could look.
MAX_MEMBERS = 10_000
MAX_DIRECTORY_BYTES = 16 << 20
#: How much of an XML member's prolog is read looking for <!DOCTYPE (a real one is ~100 bytes).
HEAD_BYTES = 4096
MAX_PROLOG = 64 << 10
#: Parts parsed in full with defusedxml are read up to this size.
MAX_PARSED_PART = 32 << 20
#: Zip containers up to this size (on disk) are read into memory once; the checks and the reader
#: then work on those bytes. Larger ones stay on disk (a 30,000-row sheet makes a ~1.2 MB file).
MAX_IN_MEMORY = 64 << 20

Refusal = tuple[str, dict[str, object]]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OOXML_SUFFIXES = (".xlsx", ".xlsm")
_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",)
#: Members never parsed as XML by any reader: not worth decompressing.
_BINARY_PARTS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin", ".svgz")


@dataclass(slots=True, eq=False)
class Checked:
    """A file that passed the checks, with what they read, so that the reader need not read it again.

    ``data`` is the whole file and ``zip`` a :class:`zipfile.ZipFile` over it for a zip container
    read into memory; both are None for CSV and OLE2 files and for zips over MAX_IN_MEMORY.
    ``parts`` holds the bytes of the members the checks read in full (the small ones), ``trees``
    the defusedxml parse of those they parsed (``[Content_Types].xml``, ``_rels/.rels``, the
    workbook part), by member name; trees may be shared between files: never modify them.
    """

    data: bytes | None = None
    zip: zipfile.ZipFile | None = None
    parts: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, Element] = field(default_factory=dict)

    def read(self, name: str) -> bytes:
        """A member of the zip in memory, exactly as ``zipfile.ZipFile.read`` gives it (or raises)."""
        kept = self.parts.get(name)
        if kept is not None:
            return kept
        if self.zip is None or self.data is None:
            raise KeyError(name)
        info = self.zip.getinfo(name)
        try:
            whole = _member_whole(self.data, info, info.file_size)
        except zlib.error:
            whole = None  # zipfile raises its own error for it
        return whole if whole is not None else self.zip.read(info)


def parse_xml(data: bytes, forbid_dtd: bool = True) -> Element:
    """defusedxml's parse of an XML part (its exceptions included).

    Small parts are parsed once per distinct content: the same ``[Content_Types].xml``,
    relationships and workbook part recur in every file a program writes. The tree may therefore
    be shared: never modify it.
    """
    if len(data) <= _PARSE_CACHE_BYTES:
        return _parse_cached(data, forbid_dtd)
    root: Element = SafeET.fromstring(data, forbid_dtd=forbid_dtd)
    return root


_PARSE_CACHE_BYTES = 64 << 10


@lru_cache(maxsize=256)
def _parse_cached(data: bytes, forbid_dtd: bool) -> Element:
    root: Element = SafeET.fromstring(data, forbid_dtd=forbid_dtd)
    return root


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


def _corrupt(detail_key: str, **params: object) -> Refusal:
    return ("reason.corrupt", {"detail_key": detail_key, **params})


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
            return _check_ole2(f, st.st_size, suffix) or Checked()
        if head[:4] in _ZIP_MAGICS:
            if st.st_size > MAX_IN_MEMORY:
                return _check_zip(f, st.st_size, suffix, None)
            # The end records first, from disk: a truncated file or a huge directory is refused
            # before the file is read whole.
            refused = _directory_refusal(f, st.st_size)
            if refused is not None:
                return refused
            f.seek(0)
            data = f.read()
            return _check_zip(io.BytesIO(data), len(data), suffix, data)
    if _looks_like_markup(head):
        return _corrupt("detail.html_page")
    if _looks_like_text(head):
        return _corrupt("detail.text_file")
    return _corrupt("detail.not_ole2" if suffix == ".xls" else "detail.not_zip")


def _looks_like_markup(head: bytes) -> bool:
    start = _decode_head(head).lstrip("\ufeff \t\r\n").lower()
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


# ---- zip containers (.xlsx, .xlsm, .ods) -------------------------------------------------------


def _check_zip(f: BinaryIO, size: int, suffix: str, data: bytes | None) -> Refusal | Checked:
    """Check a zip container; ``f`` reads ``data`` from memory when the file was read whole."""
    refused = _directory_refusal(f, size)
    if refused is not None:
        return refused
    try:
        zf = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, EOFError):
        return _corrupt("detail.truncated")
    except (ValueError, NotImplementedError, struct.error, UnicodeDecodeError, OverflowError):
        return _corrupt("detail.not_zip")
    kept = Checked(data, zf if data is not None else None)
    try:
        infos = zf.infolist()
        refused = _check_sizes(infos)
        if refused is None:
            refused = _check_entities(zf, infos, kept)
        if refused is None:
            refused = _check_package(zf, infos, suffix, kept)
    finally:
        if data is None:
            zf.close()  # it reads the open file, which the caller closes
    return refused if refused is not None else kept


def _directory_refusal(f: BinaryIO, size: int) -> Refusal | None:
    """The refusal the zip's end records call for (none, truncated, too many members), or None."""
    directory = _zip_directory(f, size)
    if directory is None:
        return _corrupt("detail.truncated")
    entries, directory_bytes = directory
    if entries > MAX_MEMBERS or directory_bytes > MAX_DIRECTORY_BYTES:
        return ("reason.zip_too_many", {"count": entries})
    return None


def _zip_directory(f: BinaryIO, size: int) -> tuple[int, int] | None:
    """(member count, central-directory bytes) from the end records, or None when there are none.

    Read before zipfile so that a directory of millions of entries is refused before zipfile
    builds an object for each.
    """
    tail_len = min(size, 22 + 0xFFFF)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        return None
    entries, cd_size = struct.unpack_from("<HI", tail, pos + 10)
    if (
        (entries == 0xFFFF or cd_size == 0xFFFFFFFF)
        and pos >= 20
        and tail[pos - 20 : pos - 16] == b"PK\x06\x07"
    ):
        (z64_offset,) = struct.unpack_from("<Q", tail, pos - 20 + 8)
        f.seek(z64_offset)
        record = f.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            return None
        entries, cd_size = struct.unpack_from("<QQ", record, 32)
    return entries, cd_size


def _check_sizes(infos: list[zipfile.ZipInfo]) -> Refusal | None:
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return ("reason.zip_bomb", {"size": f"{_mib(info.file_size)} MB, {ratio}:1"})
    if total > MAX_UNCOMPRESSED:
        return ("reason.zip_bomb", {"size": f"{_mib(total)} MB"})
    # Members whose data overlap are the trick of the "non-recursive" zip bombs: a few kilobytes
    # of data referenced by thousands of entries.
    spans = sorted((info.header_offset, info.compress_size) for info in infos)
    for (offset, length), (next_offset, _) in zip(spans, spans[1:], strict=False):
        if next_offset < offset + max(length, 1):
            return ("reason.zip_overlap", {})
    return None


def _mib(n: int) -> int:
    """Whole MiB, rounded up: written without separators so it reads the same in both languages."""
    return -(-n // (1 << 20))


def _check_entities(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kept: Checked | None = None
) -> Refusal | None:
    """Refuse any member whose XML prolog holds a DOCTYPE: the entity attacks live there.

    Every member that is not obviously binary is looked at, whatever its name, because a part's
    name is chosen by the file's author; only the prolog is decompressed. When the file is in
    memory (``kept.data``), the common members skip zipfile's per-member machinery, and the small
    ones, read whole on the way, are kept in ``kept.parts``.
    """
    data = kept.data if kept is not None else None
    for info in infos:
        if info.is_dir() or info.file_size == 0 or info.filename.lower().endswith(_BINARY_PARTS):
            continue
        if info.flag_bits & 0x1:
            return ("reason.encrypted", {})
        try:
            verdict = _quick_verdict(data, info, kept) if data is not None else None
            if verdict is None:
                with zf.open(info) as member:
                    verdict = _prolog_verdict(member)
        except Exception:  # bad CRC, unknown compression, damaged deflate data...
            return _corrupt("detail.bad_part", part=info.filename)
        if verdict:
            return ("reason.xml_entity", {"part": info.filename})
    return None


#: A zip member's local header (APPNOTE 4.3.7): signature, versions, flags, method, time, date, CRC,
#: sizes, name and extra-field lengths; the name and the extra field follow it.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_MAGIC = b"PK\x03\x04"


def _quick_verdict(data: bytes, info: zipfile.ZipInfo, kept: Checked | None = None) -> bool | None:
    """:func:`_prolog_verdict` of a member, from the file in memory; None: ask zipfile instead.

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
    text = _decode_head(raw[:_SHORT_HEAD])
    verdict = _scan_prolog(text, complete=False)
    if verdict is None and len(raw) > _SHORT_HEAD:
        text = _decode_head(raw)
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


def _member_whole(data: bytes, info: zipfile.ZipInfo, limit: int) -> bytes | None:
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
    """:func:`_member_whole` from the member's compressed bytes and its directory entry's fields."""
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


def _decode_head(data: bytes) -> str:
    """Decode the start of a member the way an XML parser would guess its encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ignore")
    if data.startswith(b"<\x00"):
        return data.decode("utf-16-le", errors="ignore")
    if data.startswith(b"\x00<"):
        return data.decode("utf-16-be", errors="ignore")
    return data.decode("utf-8", errors="ignore")


def _prolog_verdict(member: IO[bytes]) -> bool:
    """True when an XML prolog declares a DOCTYPE (or is too long to be honest), else False.

    The prolog is everything before the root element: an XML declaration, comments, processing
    instructions and white space. A DOCTYPE may only sit there, so scanning it is enough; reading
    stops at the root element's ``<``, normally within the first hundred bytes.
    """
    raw = b""
    while True:
        more = member.read(HEAD_BYTES)
        raw += more
        verdict = _scan_prolog(_decode_head(raw), complete=not more)
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


def _check_package(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], suffix: str, kept: Checked
) -> Refusal | None:
    names = {info.filename for info in infos}
    is_ods = "mimetype" in names or "content.xml" in names
    is_ooxml = "[Content_Types].xml" in names
    if suffix == ".ods":
        if is_ooxml and not is_ods:
            return _corrupt("detail.format_mismatch", actual=".xlsx", suffix=suffix)
        return _check_ods(zf, names, kept)
    if suffix in _OOXML_SUFFIXES:
        if is_ods and not is_ooxml:
            return _corrupt("detail.format_mismatch", actual=".ods", suffix=suffix)
        return _check_ooxml(zf, names, kept)
    # A zip named .xls: calamine picks its parser by the suffix and would fail obscurely.
    if is_ooxml:
        return _corrupt("detail.format_mismatch", actual=".xlsx", suffix=suffix)
    if is_ods:
        return _corrupt("detail.format_mismatch", actual=".ods", suffix=suffix)
    return _corrupt("detail.not_ole2")


def _parse_part(zf: zipfile.ZipFile, name: str, kept: Checked) -> Element | Refusal:
    """Parse one small part with defusedxml (which refuses DTDs and entities outright); keep both forms."""
    data = kept.parts.get(name)
    if data is None:
        try:
            with zf.open(name) as member:
                data = member.read(MAX_PARSED_PART + 1)
        except Exception:
            return _corrupt("detail.bad_part", part=name)
        if len(data) > MAX_PARSED_PART:
            return ("reason.zip_bomb", {"size": f"{_mib(len(data))} MB"})
    try:
        root = parse_xml(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        return ("reason.xml_entity", {"part": name})
    except (ParseError, ValueError, UnicodeError):
        return _corrupt("detail.bad_part", part=name)
    kept.parts[name] = data
    kept.trees[name] = root
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_ooxml(zf: zipfile.ZipFile, names: set[str], kept: Checked) -> Refusal | None:
    if "[Content_Types].xml" not in names:
        return _corrupt("detail.missing_part", part="[Content_Types].xml")
    types = _parse_part(zf, "[Content_Types].xml", kept)
    if isinstance(types, tuple):
        return types
    workbook = "xl/workbook.xml"
    if "_rels/.rels" in names:
        rels = _parse_part(zf, "_rels/.rels", kept)
        if isinstance(rels, tuple):
            return rels
        for rel in rels.iter():
            if _local(rel.tag) == "Relationship" and rel.get("Type", "").endswith("/officeDocument"):
                workbook = posixpath.normpath(rel.get("Target", "")).lstrip("/")
                break
    if workbook not in names:
        # A .docx renamed .xlsx has a main part, just not a workbook.
        if any(n.startswith(("word/", "ppt/")) for n in names):
            return _corrupt("detail.not_workbook")
        return _corrupt("detail.missing_part", part=workbook)
    for override in types.iter():
        if _local(override.tag) == "Override" and override.get("PartName", "").lstrip("/") == workbook:
            content_type = override.get("ContentType", "")
            if "spreadsheetml" not in content_type and "ms-excel" not in content_type:
                return _corrupt("detail.not_workbook")
    parsed = _parse_part(zf, workbook, kept)
    return parsed if isinstance(parsed, tuple) else None


def _check_ods(zf: zipfile.ZipFile, names: set[str], kept: Checked) -> Refusal | None:
    if "mimetype" in names:
        with zf.open("mimetype") as member:
            mimetype = member.read(200).strip()
        if not mimetype.startswith(_ODS_MIMETYPES):
            return _corrupt("detail.not_workbook")
    if "META-INF/manifest.xml" in names:
        manifest = _parse_part(zf, "META-INF/manifest.xml", kept)
        if isinstance(manifest, tuple):
            return manifest
        # A password-protected .ods is a normal zip whose parts are encrypted one by one.
        if any(_local(el.tag) == "encryption-data" for el in manifest.iter()):
            return ("reason.encrypted", {})
    if "content.xml" not in names:
        return _corrupt("detail.missing_part", part="content.xml")
    return None


# ---- OLE2 compound files (.xls; password-protected .xlsx) --------------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA
_ENCRYPTION_STREAMS = frozenset({"encryptedpackage", "encryptioninfo"})
_WORKBOOK_STREAMS = ("workbook", "book")
_BIFF_FILEPASS = 0x002F
_BIFF_STOP = frozenset({0x000A, 0x0085})  # EOF, BOUNDSHEET: FILEPASS comes before both


def _check_ole2(f: BinaryIO, size: int, suffix: str) -> Refusal | None:
    cfb = _Cfb.open(f, size)
    streams = cfb.streams() if cfb is not None else None
    if streams is not None and _ENCRYPTION_STREAMS & streams.keys():
        return ("reason.encrypted", {})
    if suffix != ".xls":
        # Excel writes a password-protected .xlsx as an OLE2 "EncryptedPackage"; an OLE2 file
        # holding a workbook stream instead is an old .xls that was renamed.
        if streams is not None and any(name in streams for name in _WORKBOOK_STREAMS):
            return _corrupt("detail.format_mismatch", actual=".xls", suffix=suffix)
        return ("reason.encrypted", {})
    if cfb is None or streams is None:
        return _corrupt("detail.ole2_damaged")
    name = next((n for n in _WORKBOOK_STREAMS if n in streams), None)
    if name is None:
        return _corrupt("detail.not_workbook")
    start, length = streams[name]
    head = cfb.read_stream(start, length, 4096)
    if head is None:
        return _corrupt("detail.ole2_damaged")
    if _biff_encrypted(head):
        return ("reason.encrypted", {})
    return None


def _biff_encrypted(data: bytes) -> bool:
    """True when the workbook globals carry a FILEPASS record (the workbook is encrypted)."""
    pos = 0
    for _ in range(64):
        if pos + 4 > len(data):
            return False
        rtype, rlen = struct.unpack_from("<HH", data, pos)
        if rtype == _BIFF_FILEPASS:
            return True
        if rtype in _BIFF_STOP:
            return False
        pos += 4 + rlen
    return False


class _Cfb:
    """Just enough of the Compound File Binary format to list streams and read a stream's start."""

    def __init__(self, f: BinaryIO, size: int, header: bytes) -> None:
        self.f = f
        self.size = size
        (self.major,) = struct.unpack_from("<H", header, 0x1A)
        (shift, mini_shift) = struct.unpack_from("<HH", header, 0x1E)
        self.sector_size = 1 << shift
        self.mini_size = 1 << mini_shift
        (self.n_fat, self.first_dir) = struct.unpack_from("<II", header, 0x2C)
        (self.mini_cutoff, self.first_minifat, self.n_minifat) = struct.unpack_from("<III", header, 0x38)
        (self.first_difat, self.n_difat) = struct.unpack_from("<II", header, 0x44)
        self.header_difat = struct.unpack_from("<109I", header, 0x4C)
        self.max_sectors = size // self.sector_size + 1
        self._fat_sectors: list[int] | None = None
        self._fat_cache: dict[int, tuple[int, ...]] = {}
        self.root_start = _ENDOFCHAIN

    @classmethod
    def open(cls, f: BinaryIO, size: int) -> _Cfb | None:
        f.seek(0)
        header = f.read(512)
        if len(header) < 512 or header[:8] != OLE2_MAGIC:
            return None
        (byte_order, shift) = struct.unpack_from("<HH", header, 0x1C)
        if byte_order != 0xFFFE or shift not in (9, 12):
            return None
        return cls(f, size, header)

    def _sector(self, n: int) -> bytes | None:
        if n > _MAX_SECTOR or n >= self.max_sectors:
            return None
        self.f.seek((n + 1) * self.sector_size)
        data = self.f.read(self.sector_size)
        return data if len(data) == self.sector_size else None

    def _fat_list(self) -> list[int]:
        if self._fat_sectors is None:
            fat = [s for s in self.header_difat[: min(self.n_fat, 109)] if s <= _MAX_SECTOR]
            per = self.sector_size // 4 - 1
            sector, seen = self.first_difat, 0
            while sector <= _MAX_SECTOR and len(fat) < self.n_fat and seen < self.max_sectors:
                data = self._sector(sector)
                if data is None:
                    break
                values = struct.unpack(f"<{per + 1}I", data)
                fat.extend(v for v in values[:per] if v <= _MAX_SECTOR)
                sector, seen = values[per], seen + 1
            self._fat_sectors = fat[: self.n_fat]
        return self._fat_sectors

    def _next(self, n: int) -> int:
        per = self.sector_size // 4
        index = n // per
        values = self._fat_cache.get(index)
        if values is None:
            fat = self._fat_list()
            data = self._sector(fat[index]) if index < len(fat) else None
            if data is None:
                return _ENDOFCHAIN
            values = struct.unpack(f"<{per}I", data)
            self._fat_cache[index] = values
        return values[n % per]

    def _chain(self, start: int, limit: int) -> Iterator[int]:
        sector, seen = start, set[int]()
        while sector <= _MAX_SECTOR and sector not in seen and len(seen) < limit:
            seen.add(sector)
            yield sector
            sector = self._next(sector)

    def streams(self) -> dict[str, tuple[int, int]] | None:
        """Stream name (lower case) -> (start sector, size), from every directory entry."""
        found: dict[str, tuple[int, int]] = {}
        any_sector = False
        for sector in self._chain(self.first_dir, min(self.max_sectors, 4096)):
            data = self._sector(sector)
            if data is None:
                return None
            any_sector = True
            for off in range(0, len(data), 128):
                entry = data[off : off + 128]
                (name_len,) = struct.unpack_from("<H", entry, 0x40)
                kind = entry[0x42]
                (start,) = struct.unpack_from("<I", entry, 0x74)
                (length,) = struct.unpack_from("<Q", entry, 0x78)
                if self.major == 3:
                    length &= 0xFFFFFFFF
                if not 2 <= name_len <= 64:
                    continue
                name = entry[: name_len - 2].decode("utf-16-le", errors="replace").lower()
                if kind == 5:
                    self.root_start = start
                elif kind == 2:
                    found.setdefault(name, (start, length))
        return found if any_sector else None

    def read_stream(self, start: int, length: int, limit: int) -> bytes | None:
        """The first ``limit`` bytes of a stream, from the big or the mini sectors."""
        want = min(length, limit)
        out = bytearray()
        if length >= self.mini_cutoff:
            for sector in self._chain(start, limit // self.sector_size + 2):
                data = self._sector(sector)
                if data is None:
                    return None
                out += data
                if len(out) >= want:
                    break
            return bytes(out[:want])
        # A small stream lives in the mini stream: 64-byte sectors inside the root's chain.
        root = list(self._chain(self.root_start, self.max_sectors))
        minifat = list(self._chain(self.first_minifat, self.max_sectors))
        per_sector = self.sector_size // self.mini_size
        per_fat = self.sector_size // 4
        mini, seen = start, 0
        while mini <= _MAX_SECTOR and len(out) < want and seen < limit // self.mini_size + 2:
            big, within = divmod(mini, per_sector)
            data = self._sector(root[big]) if big < len(root) else None
            if data is None:
                return None
            out += data[within * self.mini_size : (within + 1) * self.mini_size]
            fat_index, fat_off = divmod(mini, per_fat)
            fat_data = self._sector(minifat[fat_index]) if fat_index < len(minifat) else None
            if fat_data is None:
                break
            (mini,) = struct.unpack_from("<I", fat_data, fat_off * 4)
            seen += 1
        return bytes(out[:want])
