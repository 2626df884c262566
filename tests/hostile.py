"""Hostile input files, one writer each, for any test that must prove a bad file is refused cleanly.

Every ``write_*`` function writes one file into ``folder`` and returns its path. The files are
small on disk and quick to build (the 2 GiB zip bomb is a 2 MB file built in well under a second
after the first call). What each one plants:

- ``write_corrupt_xlsx``: 4 KiB of random bytes named .xlsx.
- ``write_truncated_xlsx``: the first half of a real openpyxl workbook (no zip directory).
- ``write_empty_xlsx``: 0 bytes.
- ``write_ole2_magic_xlsx``: the OLE2 signature plus padding named .xlsx (what a password-protected
  workbook looks like to a zip reader).
- ``write_encrypted_xlsx``: a well-formed OLE2 file with ``EncryptionInfo`` and ``EncryptedPackage``
  streams, named .xlsx: Excel's format for a password-protected workbook.
- ``write_encrypted_xls``: an OLE2 .xls whose Workbook stream starts BOF, FILEPASS (RC4).
- ``write_small_encrypted_xls``: the same with a Workbook stream small enough to sit in the mini
  stream.
- ``write_plain_xls``: an OLE2 .xls with a Workbook stream BOF, EOF (structurally sound).
- ``write_xls_as_xlsx``: that plain .xls renamed .xlsx.
- ``write_text_as_xlsx``: a .txt file renamed .xlsx.
- ``write_html_as_xls``: an HTML table saved as .xls (what many web systems export).
- ``write_docx_as_xlsx``: a zip shaped like a Word document, named .xlsx.
- ``write_entity_xlsx``: a valid workbook whose sharedStrings.xml has a small "billion laughs"
  DOCTYPE with nested internal entities.
- ``write_external_entity_xlsx``: a valid workbook whose sheet1.xml declares
  ``<!ENTITY xxe SYSTEM "file:///etc/passwd">`` and uses it in a cell.
- ``write_padded_entity_xlsx``: the DOCTYPE hidden behind 8 KiB of XML comment in sheet1.xml, past
  any fixed-size look at the start of the part.
- ``write_utf16_entity_xlsx``: sharedStrings.xml in UTF-16 with a DOCTYPE (no ASCII match).
- ``write_zip_bomb``: a zip whose one member is ``size`` bytes of zeros (default 2 GiB).
- ``write_overlap_zip``: two directory entries pointing at the same compressed data.
- ``write_many_members_zip``: a zip of ``count`` tiny members.
- ``write_encrypted_ods``: an .ods whose manifest says its parts are encrypted.
- ``write_excel_lock_file`` (``~$x.xlsx``), ``write_libreoffice_lock_file`` (``.~lock.x.xlsx#``),
  ``write_resource_fork`` (``._x.xlsx``).

``write_good_xlsx`` and ``write_good_ods`` write files that must pass.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import xlsxwriter

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF


# ---- good files -------------------------------------------------------------------------------


def good_xlsx_bytes(engine: str = "xlsxwriter") -> bytes:
    """A small real workbook: a title, a header and two rows.

    xlsxwriter (the default) writes shared strings and XML declarations as Excel does; openpyxl
    writes inline strings and no declarations.
    """
    rows: list[list[object]] = [
        ["BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN"],
        ["STT", "Nội dung", "Kế hoạch vốn", "Giải ngân"],
        [1, "Dự án 6: Truyền thông và giảm nghèo về thông tin", 1571.6, 1200.5],
        [2, "Dự án 7: Nâng cao năng lực", 980, 455.25],
    ]
    buf = io.BytesIO()
    if engine == "openpyxl":
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "T9"
        for row in rows:
            ws.append(row)
        wb.save(buf)
    else:
        book = xlsxwriter.Workbook(buf, {"in_memory": True})
        sheet = book.add_worksheet("T9")
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        book.close()
    return buf.getvalue()


def write_good_xlsx(folder: Path, name: str = "good.xlsx", engine: str = "xlsxwriter") -> Path:
    """A valid workbook that preflight must pass."""
    path = folder / name
    path.write_bytes(good_xlsx_bytes(engine))
    return path


_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="T9"><table:table-row>'
    "<table:table-cell><text:p>Kế hoạch vốn</text:p></table:table-cell>"
    "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
)


def _ods_manifest(encrypted: bool) -> str:
    encryption = (
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
        '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" '
        'manifest:salt="AAAA"/></manifest:encryption-data>'
        if encrypted
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="'
        + _ODS_MIMETYPE.decode()
        + '"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        + encryption
        + "</manifest:file-entry></manifest:manifest>"
    )


def _write_ods(path: Path, encrypted: bool) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", _ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", _ods_manifest(encrypted), compress_type=zipfile.ZIP_DEFLATED)
        content = random.Random(7).randbytes(600) if encrypted else _ODS_CONTENT.encode()
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_good_ods(folder: Path, name: str = "good.ods") -> Path:
    """A minimal but well-formed OpenDocument spreadsheet."""
    return _write_ods(folder / name, encrypted=False)


# ---- broken or disguised files ----------------------------------------------------------------


def write_corrupt_xlsx(folder: Path, name: str = "corrupt.xlsx") -> Path:
    """4 KiB of random bytes (with a NUL, so it cannot pass for text)."""
    data = bytearray(random.Random(20230930).randbytes(4096))
    data[0:4] = b"\x13\x37\x00\x42"  # neither a zip nor an OLE2 signature
    path = folder / name
    path.write_bytes(bytes(data))
    return path


def write_truncated_xlsx(folder: Path, name: str = "truncated.xlsx") -> Path:
    """The first half of a real workbook, as left by an interrupted download."""
    data = good_xlsx_bytes("openpyxl")
    path = folder / name
    path.write_bytes(data[: len(data) // 2])
    return path


def write_empty_xlsx(folder: Path, name: str = "empty.xlsx") -> Path:
    """A 0-byte file."""
    path = folder / name
    path.write_bytes(b"")
    return path


def write_text_as_xlsx(folder: Path, name: str = "notes.xlsx") -> Path:
    """A plain-text note renamed .xlsx."""
    path = folder / name
    path.write_text("Ghi chú: số liệu giải ngân tháng 9 gửi sau.\nKế hoạch vốn 1.571,6\n", encoding="utf-8")
    return path


def write_html_as_xls(folder: Path, name: str = "export.xls") -> Path:
    """An HTML table named .xls, as web reporting systems export them."""
    path = folder / name
    path.write_text(
        '<html><head><meta charset="utf-8"></head><body><table>'
        "<tr><td>Kế hoạch vốn</td><td>1.571,6</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return path


def write_docx_as_xlsx(folder: Path, name: str = "letter.xlsx") -> Path:
    """A zip shaped like a Word document (document part under word/), named .xlsx."""
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        zf.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return path


# ---- OLE2 (Compound File Binary) ----------------------------------------------------------------


def ole2_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal, well-formed OLE2 compound file (v3, 512-byte sectors) holding ``streams``.

    Streams under 4096 bytes go into the mini stream, as Excel stores small ones; the directory is
    a right-leaning chain sorted the CFB way (length, then upper case), which readers accept.
    """
    sec, mini_sec, cutoff = 512, 64, 4096
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    small = [n for n in names if len(streams[n]) < cutoff]
    big = [n for n in names if len(streams[n]) >= cutoff]

    mini_stream = b""
    minifat: list[int] = []
    starts: dict[str, int] = {}
    for n in small:
        count = -(-len(streams[n]) // mini_sec)
        starts[n] = len(minifat) if count else _ENDOFCHAIN
        first = len(minifat)
        minifat += [first + i + 1 for i in range(count - 1)] + ([_ENDOFCHAIN] if count else [])
        mini_stream += streams[n].ljust(count * mini_sec, b"\0")

    def n_sectors(size: int) -> int:
        return -(-size // sec)

    fat: list[int] = [_FATSECT]  # sector 0 holds the FAT itself
    body = bytearray()

    def allocate(data: bytes) -> int:
        count = n_sectors(len(data))
        if count == 0:
            return _ENDOFCHAIN
        first = len(fat)
        fat.extend(first + i + 1 for i in range(count - 1))
        fat.append(_ENDOFCHAIN)
        body.extend(data.ljust(count * sec, b"\0"))
        return first

    n_entries = 1 + len(names)
    dir_start = len(fat)
    body_dir_len = n_sectors(n_entries * 128) * sec
    # Reserve the directory's sectors now; its content is known only once the streams are placed.
    dir_first = allocate(b"\0" * body_dir_len)
    assert dir_first == dir_start
    minifat_start = allocate(b"".join(struct.pack("<I", v) for v in minifat)) if minifat else _ENDOFCHAIN
    root_start = allocate(mini_stream) if mini_stream else _ENDOFCHAIN
    for n in big:
        starts[n] = allocate(streams[n])
    assert len(fat) <= sec // 4, "this little writer keeps the FAT in one sector"

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", _NOSTREAM, right, child)
            + b"\0" * 16  # CLSID
            + struct.pack("<IQQ", 0, 0, 0)  # state bits, creation and modification times
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else _NOSTREAM, _NOSTREAM, root_start, len(mini_stream))]
    for i, n in enumerate(names, start=1):
        right = i + 1 if i < len(names) else _NOSTREAM
        entries.append(entry(n, 2, _NOSTREAM, right, starts[n], len(streams[n])))
    directory = b"".join(entries).ljust(body_dir_len, b"\0")
    body[0:body_dir_len] = directory

    header = (
        OLE2_MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII",
            0,
            1,
            dir_start,
            0,
            cutoff,
            minifat_start,
            n_sectors(len(minifat) * 4),
            _ENDOFCHAIN,
            0,
        )
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", _FREESECT) * 108
    )
    assert len(header) == sec
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(sec, b"\xff")
    return header + fat_sector + bytes(body)


def _biff(rtype: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def _workbook_stream(encrypted: bool, pad_to: int = 4096) -> bytes:
    bof = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x1F38, 1997, 0x000080C9, 0x00000206))
    filepass = _biff(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x11" * 48) if encrypted else b""
    codepage = _biff(0x0042, struct.pack("<H", 1200))
    boundsheet = _biff(0x0085, struct.pack("<IBBBB", 0, 0, 0, 2, 0) + b"T9")
    stream = bof + filepass + codepage + boundsheet + _biff(0x000A)
    return stream.ljust(pad_to, b"\0")


def write_plain_xls(folder: Path, name: str = "plain.xls") -> Path:
    """A structurally sound .xls: OLE2 with a Workbook stream (BOF ... EOF), no encryption."""
    path = folder / name
    path.write_bytes(ole2_bytes({"Workbook": _workbook_stream(False)}))
    return path


def write_encrypted_xls(folder: Path, name: str = "locked.xls") -> Path:
    """A .xls whose workbook globals begin BOF, FILEPASS: a password-protected Excel 97-2003 file."""
    path = folder / name
    path.write_bytes(ole2_bytes({"Workbook": _workbook_stream(True)}))
    return path


def write_small_encrypted_xls(folder: Path, name: str = "locked-small.xls") -> Path:
    """As write_encrypted_xls, with a Workbook stream small enough to live in the mini stream."""
    path = folder / name
    path.write_bytes(ole2_bytes({"Workbook": _workbook_stream(True, pad_to=600)}))
    return path


def write_xls_as_xlsx(folder: Path, name: str = "old.xlsx") -> Path:
    """An Excel 97-2003 file renamed .xlsx."""
    path = folder / name
    path.write_bytes(ole2_bytes({"Workbook": _workbook_stream(False)}))
    return path


def write_ole2_magic_xlsx(folder: Path, name: str = "protected.xlsx") -> Path:
    """The OLE2 signature and padding, named .xlsx: no readable directory at all."""
    path = folder / name
    path.write_bytes(OLE2_MAGIC + b"\0" * 4088)
    return path


def write_encrypted_xlsx(folder: Path, name: str = "password.xlsx") -> Path:
    """Excel's shape of a password-protected .xlsx: OLE2 with EncryptionInfo + EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack("<Q", 5000) + random.Random(5).randbytes(5000)
    path = folder / name
    path.write_bytes(ole2_bytes({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


# ---- XML entity attacks -----------------------------------------------------------------------


def rewrite_xlsx(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """Write a copy of the good workbook with one part changed."""
    source = zipfile.ZipFile(io.BytesIO(good_xlsx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info.filename, change(data) if info.filename == part else data)
    return path


def _after_declaration(data: bytes, insert: bytes) -> bytes:
    end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
    return data[:end] + insert + data[end:]


def write_entity_xlsx(folder: Path, name: str = "laughs.xlsx") -> Path:
    """sharedStrings.xml with nested internal entities ("billion laughs", kept small)."""
    doctype = (
        b'\n<!DOCTYPE sst [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def change(data: bytes) -> bytes:
        return _after_declaration(data, doctype).replace(b"<t>STT</t>", b"<t>&lol3;</t>")

    return rewrite_xlsx(folder / name, "xl/sharedStrings.xml", change)


def write_external_entity_xlsx(folder: Path, name: str = "xxe.xlsx") -> Path:
    """sheet1.xml declaring an external entity on /etc/passwd and using it as an inline string."""
    doctype = b'\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def change(data: bytes) -> bytes:
        data = _after_declaration(data, doctype)
        return data.replace(
            b"<sheetData>",
            b'<sheetData><row r="99"><c r="A99" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
            1,
        )

    return rewrite_xlsx(folder / name, "xl/worksheets/sheet1.xml", change)


def write_padded_entity_xlsx(
    folder: Path, name: str = "padded.xlsx", padding: int = 8192, doctype: bool = True
) -> Path:
    """A DOCTYPE behind ``padding`` bytes of comment, past any fixed-size look at the part's start.

    With ``doctype=False`` the comment alone precedes the root element (valid, harmless XML).
    """
    comment = b"\n<!--" + b" " * padding + b"-->"
    declaration = b'\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' if doctype else b""

    def change(data: bytes) -> bytes:
        return _after_declaration(data, comment + declaration)

    return rewrite_xlsx(folder / name, "xl/worksheets/sheet1.xml", change)


def write_utf16_entity_xlsx(folder: Path, name: str = "utf16.xlsx") -> Path:
    """sharedStrings.xml re-encoded as UTF-16 with an internal entity: no ASCII "<!DOCTYPE"."""

    def change(data: bytes) -> bytes:
        text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        text = _after_declaration(text.encode("utf-8"), b'\n<!DOCTYPE sst [<!ENTITY a "aaaa">]>').decode()
        return text.encode("utf-16")

    return rewrite_xlsx(folder / name, "xl/sharedStrings.xml", change)


# ---- zip bombs --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _zeros_deflated(size: int) -> tuple[bytes, int]:
    """(raw deflate stream, CRC-32) of ``size`` zero bytes, built without compressing them all.

    A full flush makes each 1 MiB block self-contained, so one compressed block repeated is the
    stream of many; the CRC still has to see every byte (about 0.4 s for 2 GiB).
    """
    chunk = 1 << 20
    whole, rest = divmod(size, chunk)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(chunk)) + comp.flush(zlib.Z_FULL_FLUSH)
    parts = [block * whole]
    if rest:
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        parts.append(comp.compress(bytes(rest)) + comp.flush(zlib.Z_FULL_FLUSH))
    parts.append(b"\x03\x00")  # an empty final block
    crc = 0
    zeros = bytes(chunk)
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    return b"".join(parts), crc


def _zip_one(member: str, data: bytes, crc: int, size: int) -> bytes:
    """A zip archive of one deflated member, written by hand (zipfile cannot take raw deflate)."""
    name = member.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0)
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        b"PK\x01\x02",
        20,
        20,
        0,
        8,
        0,
        0x21,
        crc,
        len(data),
        size,
        len(name),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    cd_offset = len(local) + len(name) + len(data)
    cd = central + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(cd), cd_offset, 0)
    return local + name + data + cd + end


def write_zip_bomb(
    folder: Path, name: str = "bomb.xlsx", size: int = 2 << 30, member: str = "xl/worksheets/sheet1.xml"
) -> Path:
    """A zip whose one member unpacks to ``size`` zero bytes (2 GiB by default, ~2 MB on disk)."""
    data, crc = _zeros_deflated(size)
    path = folder / name
    path.write_bytes(_zip_one(member, data, crc, size))
    return path


def write_overlap_zip(folder: Path, name: str = "overlap.xlsx") -> Path:
    """Two central-directory entries that point at the same local data (a non-recursive bomb)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/a.xml", b"<a/>" * 1000)
    raw = buf.getvalue()
    cd_pos = raw.index(b"PK\x01\x02")
    eocd_pos = raw.index(b"PK\x05\x06")
    entry = raw[cd_pos:eocd_pos]
    twin = entry.replace(b"xl/a.xml", b"xl/b.xml")
    cd = entry + twin
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 2, 2, len(cd), cd_pos, 0)
    path = folder / name
    path.write_bytes(raw[:cd_pos] + cd + end)
    return path


def write_many_members_zip(folder: Path, name: str = "many.xlsx", count: int = 10_001) -> Path:
    """A zip of ``count`` tiny members."""
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(count):
            zf.writestr(f"x/{i}", b"")
    return path


def write_encrypted_ods(folder: Path, name: str = "password.ods") -> Path:
    """An .ods saved with a password: a normal zip whose manifest lists encryption data."""
    return _write_ods(folder / name, encrypted=True)


# ---- lock and metadata files ------------------------------------------------------------------


def write_excel_lock_file(folder: Path, target: str = "x.xlsx") -> Path:
    """Excel's owner file ``~$x.xlsx`` (165 bytes: the user name, padded)."""
    path = folder / f"~${target}"
    user = "Kế toán".encode("cp1258", errors="replace")
    path.write_bytes(bytes([len(user)]) + user.ljust(164, b" ")[:164])
    return path


def write_libreoffice_lock_file(folder: Path, target: str = "x.xlsx") -> Path:
    """LibreOffice's ``.~lock.x.xlsx#``: a CSV line naming who has the file open."""
    path = folder / f".~lock.{target}#"
    path.write_text(f",Ke toan,PC-KT01,30.09.2023 08:15,file:///C:/bao-cao/{target};", encoding="utf-8")
    return path


def write_resource_fork(folder: Path, target: str = "x.xlsx") -> Path:
    """A macOS AppleDouble ``._x.xlsx`` file (left by copying from a Mac to a USB stick)."""
    path = folder / f"._{target}"
    path.write_bytes(struct.pack(">II", 0x00051607, 0x00020000) + b"Mac OS X        " + b"\0" * 64)
    return path


#: Writers that need no argument but the folder; each file must be refused by preflight.
REFUSED_WRITERS: tuple[Callable[[Path], Path], ...] = (
    write_corrupt_xlsx,
    write_truncated_xlsx,
    write_empty_xlsx,
    write_ole2_magic_xlsx,
    write_encrypted_xlsx,
    write_encrypted_xls,
    write_small_encrypted_xls,
    write_xls_as_xlsx,
    write_text_as_xlsx,
    write_html_as_xls,
    write_docx_as_xlsx,
    write_entity_xlsx,
    write_external_entity_xlsx,
    write_padded_entity_xlsx,
    write_utf16_entity_xlsx,
    write_zip_bomb,
    write_overlap_zip,
    write_encrypted_ods,
)
