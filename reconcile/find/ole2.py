"""The checks of an OLE2 compound file: an .xls, or a password-protected .xlsx (stage find, called by
:mod:`reconcile.find.safety`): a sound file with a workbook stream, and no encryption."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

from .checked import Refusal, corrupt

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA
_ENCRYPTION_STREAMS = frozenset({"encryptedpackage", "encryptioninfo"})
_WORKBOOK_STREAMS = ("workbook", "book")
_BIFF_FILEPASS = 0x002F
_BIFF_STOP = frozenset({0x000A, 0x0085})  # EOF, BOUNDSHEET: FILEPASS comes before both


def check_ole2(f: BinaryIO, size: int, suffix: str) -> Refusal | None:
    cfb = _Cfb.open(f, size)
    streams = cfb.streams() if cfb is not None else None
    if streams is not None and _ENCRYPTION_STREAMS & streams.keys():
        return ("reason.encrypted", {})
    if suffix != ".xls":
        # Excel writes a password-protected .xlsx as an OLE2 "EncryptedPackage"; an OLE2 file
        # holding a workbook stream instead is an old .xls that was renamed.
        if streams is not None and any(name in streams for name in _WORKBOOK_STREAMS):
            return corrupt("detail.format_mismatch", actual=".xls", suffix=suffix)
        return ("reason.encrypted", {})
    if cfb is None or streams is None:
        return corrupt("detail.ole2_damaged")
    name = next((n for n in _WORKBOOK_STREAMS if n in streams), None)
    if name is None:
        return corrupt("detail.not_workbook")
    start, length = streams[name]
    head = cfb.read_stream(start, length, 4096)
    if head is None:
        return corrupt("detail.ole2_damaged")
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
