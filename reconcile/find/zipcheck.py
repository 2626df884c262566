"""The checks of a zip container: .xlsx, .xlsm, .ods (stage find, called by :mod:`reconcile.find.safety`).

The end records and the directory (truncated, too many members, zip bombs by declared sizes or ratios,
overlapping members), every XML member's prolog (no DOCTYPE or entity declaration), then the package
itself: the workbook part present, parsed with defusedxml, the right format for the file's suffix and
not encrypted.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

import defusedxml

from .checked import Checked, Refusal, corrupt, parse_xml
from .zipparts import prolog_verdict, quick_verdict

#: Refuse a zip whose members add up to more than this once unpacked (bytes).
MAX_UNCOMPRESSED = 1 << 30
#: Refuse a zip member over RATIO_MIN_SIZE unpacked that is compressed more than this (n:1).
MAX_RATIO = 200
RATIO_MIN_SIZE = 1 << 20
#: Refuse a zip with more members, or a larger central directory, than this: a normal workbook
#: has tens of parts, and zipfile would build an object per member before we could look.
MAX_MEMBERS = 10_000
MAX_DIRECTORY_BYTES = 16 << 20
#: Parts parsed in full with defusedxml are read up to this size.
MAX_PARSED_PART = 32 << 20
_OOXML_SUFFIXES = (".xlsx", ".xlsm")
_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",)
#: Members never parsed as XML by any reader: not worth decompressing.
_BINARY_PARTS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin", ".svgz")


def check_zip(f: BinaryIO, size: int, suffix: str, data: bytes | None) -> Refusal | Checked:
    """Check a zip container; ``f`` reads ``data`` from memory when the file was read whole."""
    refused = directory_refusal(f, size)
    if refused is not None:
        return refused
    try:
        zf = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, EOFError):
        return corrupt("detail.truncated")
    except (ValueError, NotImplementedError, struct.error, UnicodeDecodeError, OverflowError):
        return corrupt("detail.not_zip")
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


def directory_refusal(f: BinaryIO, size: int) -> Refusal | None:
    """The refusal the zip's end records call for (none, truncated, too many members), or None."""
    directory = _zip_directory(f, size)
    if directory is None:
        return corrupt("detail.truncated")
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
            verdict = quick_verdict(data, info, kept) if data is not None else None
            if verdict is None:
                with zf.open(info) as member:
                    verdict = prolog_verdict(member)
        except Exception:  # bad CRC, unknown compression, damaged deflate data...
            return corrupt("detail.bad_part", part=info.filename)
        if verdict:
            return ("reason.xml_entity", {"part": info.filename})
    return None


def _check_package(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], suffix: str, kept: Checked
) -> Refusal | None:
    names = {info.filename for info in infos}
    is_ods = "mimetype" in names or "content.xml" in names
    is_ooxml = "[Content_Types].xml" in names
    if suffix == ".ods":
        if is_ooxml and not is_ods:
            return corrupt("detail.format_mismatch", actual=".xlsx", suffix=suffix)
        return _check_ods(zf, names, kept)
    if suffix in _OOXML_SUFFIXES:
        if is_ods and not is_ooxml:
            return corrupt("detail.format_mismatch", actual=".ods", suffix=suffix)
        return _check_ooxml(zf, names, kept)
    # A zip named .xls: calamine picks its parser by the suffix and would fail obscurely.
    if is_ooxml:
        return corrupt("detail.format_mismatch", actual=".xlsx", suffix=suffix)
    if is_ods:
        return corrupt("detail.format_mismatch", actual=".ods", suffix=suffix)
    return corrupt("detail.not_ole2")


def _parse_part(zf: zipfile.ZipFile, name: str, kept: Checked) -> Element | Refusal:
    """Parse one small part with defusedxml (which refuses DTDs and entities outright); keep both forms."""
    data = kept.parts.get(name)
    if data is None:
        try:
            with zf.open(name) as member:
                data = member.read(MAX_PARSED_PART + 1)
        except Exception:
            return corrupt("detail.bad_part", part=name)
        if len(data) > MAX_PARSED_PART:
            return ("reason.zip_bomb", {"size": f"{_mib(len(data))} MB"})
    try:
        root = parse_xml(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        return ("reason.xml_entity", {"part": name})
    except (ParseError, ValueError, UnicodeError):
        return corrupt("detail.bad_part", part=name)
    kept.parts[name] = data
    kept.trees[name] = root
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_ooxml(zf: zipfile.ZipFile, names: set[str], kept: Checked) -> Refusal | None:
    if "[Content_Types].xml" not in names:
        return corrupt("detail.missing_part", part="[Content_Types].xml")
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
            return corrupt("detail.not_workbook")
        return corrupt("detail.missing_part", part=workbook)
    for override in types.iter():
        if _local(override.tag) == "Override" and override.get("PartName", "").lstrip("/") == workbook:
            content_type = override.get("ContentType", "")
            if "spreadsheetml" not in content_type and "ms-excel" not in content_type:
                return corrupt("detail.not_workbook")
    parsed = _parse_part(zf, workbook, kept)
    return parsed if isinstance(parsed, tuple) else None


def _check_ods(zf: zipfile.ZipFile, names: set[str], kept: Checked) -> Refusal | None:
    if "mimetype" in names:
        with zf.open("mimetype") as member:
            mimetype = member.read(200).strip()
        if not mimetype.startswith(_ODS_MIMETYPES):
            return corrupt("detail.not_workbook")
    if "META-INF/manifest.xml" in names:
        manifest = _parse_part(zf, "META-INF/manifest.xml", kept)
        if isinstance(manifest, tuple):
            return manifest
        # A password-protected .ods is a normal zip whose parts are encrypted one by one.
        if any(_local(el.tag) == "encryption-data" for el in manifest.iter()):
            return ("reason.encrypted", {})
    if "content.xml" not in names:
        return corrupt("detail.missing_part", part="content.xml")
    return None
