"""What the safety checks hand a reader (stage find): a refusal, or the file as :class:`Checked`.

Shared by the checks of :mod:`reconcile.find.safety` and the readers of :mod:`reconcile.read`:
:data:`Refusal` (a ``reason.*`` key and its params), :class:`Checked` (the bytes checked and the parts
already parsed) and :func:`parse_xml` (defusedxml, small parts parsed once per distinct content).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from .zipparts import member_whole

Refusal = tuple[str, dict[str, object]]


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
            whole = member_whole(self.data, info, info.file_size)
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


def corrupt(detail_key: str, **params: object) -> Refusal:
    return ("reason.corrupt", {"detail_key": detail_key, **params})
