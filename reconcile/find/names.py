"""File names as Windows and macOS give and take them (SPEC 13).

macOS writes Vietnamese names decomposed (NFD: "a" + a combining accent), Windows and Linux mostly
composed (NFC); the two are the same name to the user. Windows forbids some characters and names
that other systems allow. The output names made here are NFC, legal on every system, and distinct
where the system would take two of them for one (by case or by normalisation).
"""

from __future__ import annotations

import ntpath
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

#: Inputs the annotated copy writes as .xlsx.
CONVERTED_SUFFIXES = frozenset({".xls", ".ods", ".csv"})

# Characters Windows refuses in a name (and the control characters).
_FORBIDDEN = re.compile(r'[<>:"|?*\\\x00-\x1f]')
# Device names Windows reserves whatever the extension: "CON.xlsx", "com1.csv".
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?")


def nfc(name: str) -> str:
    """``name`` composed (NFC), as Windows and most editors write Vietnamese."""
    return unicodedata.normalize("NFC", name)


def name_order(name: str) -> tuple[str, bool, str]:
    """A sort key that orders names by their NFC form, the composed one first among twins: the same
    order whichever system wrote them."""
    composed = nfc(name)
    return composed, composed != name, name


def same_name_key(name: str) -> str:
    """What two names share when a user (or macOS, or Windows) takes them for one: NFC, case-folded."""
    return nfc(name).casefold()


def safe_part(part: str) -> str:
    """One file or folder name made legal on Windows: NFC, forbidden characters as "_", no trailing
    dot or space, no reserved device name."""
    part = _FORBIDDEN.sub("_", nfc(part)).rstrip(" .")
    if not part:
        return "_"
    if _RESERVED.fullmatch(part):
        return "_" + part
    return part


def safe_rel(rel: str) -> PurePosixPath:
    """``rel`` with every part legal and without '..', '.' or a root, so that the copy cannot land
    outside the output folder."""
    parts = [p for p in PurePosixPath(rel.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    return PurePosixPath(*(safe_part(p) for p in parts)) if parts else PurePosixPath("copy.xlsx")


def _converted(path: PurePosixPath) -> PurePosixPath:
    return path.with_suffix(".xlsx") if path.suffix.lower() in CONVERTED_SUFFIXES else path


def annotated_names(rels: Iterable[str]) -> dict[str, str]:
    """The relative output name of each input of a run: sub-folders kept, .xls/.ods/.csv as .xlsx,
    every part legal on Windows, in NFC.

    Where two names would be one on Windows or macOS: a converted input beside an input of that name
    keeps its old extension in the name (``a (csv).xlsx`` beside ``a.xlsx``); other twins (by case,
    by normalisation, by a replaced character) are numbered in name order: ``Báo cáo (2).xlsx``.
    """
    unique = sorted(set(rels), key=name_order)
    paths = {rel: safe_rel(rel) for rel in unique}
    groups: dict[str, list[str]] = {}
    for rel in unique:
        groups.setdefault(same_name_key(_converted(paths[rel]).as_posix()), []).append(rel)
    names: dict[str, PurePosixPath] = {}
    for members in groups.values():
        for rel in members:
            path = paths[rel]
            suffix = path.suffix.lower()
            if len(members) > 1 and suffix in CONVERTED_SUFFIXES:
                names[rel] = path.with_name(f"{path.stem} ({suffix[1:]}).xlsx")
            else:
                names[rel] = _converted(path)
    taken: dict[str, int] = {}
    result: dict[str, str] = {}
    for rel in unique:
        name = names[rel]
        key = same_name_key(name.as_posix())
        count = taken.get(key, 0) + 1
        taken[key] = count
        if count > 1:
            name = name.with_name(f"{name.stem} ({count}){name.suffix}")
        result[rel] = name.as_posix()
    return result


#: Windows' MAX_PATH less room for a file name: longer folder paths need the extended form.
_WINDOWS_LONG = 240
_EXTENDED = "\\\\?\\"


def long_path(path: str, platform: str = sys.platform) -> str:
    """``path`` in Windows' extended form (``\\\\?\\C:\\...``) when it is too long for the classic
    one (260 characters; Windows without the long-path setting refuses it); unchanged elsewhere."""
    if platform != "win32" or len(path) < _WINDOWS_LONG or path.startswith(_EXTENDED):
        return path
    full = ntpath.abspath(path) if platform == sys.platform else ntpath.normpath(path)
    if full.startswith("\\\\"):  # \\server\share\... -> \\?\UNC\server\share\...
        return _EXTENDED + "UNC\\" + full[2:]
    return _EXTENDED + full


def short_path(path: str) -> str:
    """``path`` without the extended prefix :func:`long_path` adds (for names shown and compared)."""
    if path.startswith(_EXTENDED + "UNC\\"):
        return "\\\\" + path[len(_EXTENDED) + 4 :]
    if path.startswith(_EXTENDED):
        return path[len(_EXTENDED) :]
    return path
