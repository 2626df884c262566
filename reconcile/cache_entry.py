"""One entry of the read cache (:mod:`reconcile.cache`): a file's reading as a line of JSON with its own
checksum, and the codec of the values it holds. Every kind of value JSON would change (tuples, dates,
NumPy arrays, the reader's own objects) is tagged so that it comes back as it was, and anything else
is refused: an entry is data, never code.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from .models import SHEET_COLUMNS, CellRefs, Coded, FileResult, Finding, SheetResult

FORMAT = "reconcile-read-cache"
#: Bumped when the layout of an entry changes (2: items column by column; 3: arrays stored narrowed;
#: 4: a sheet's items only as its columns, lists of them column by column).
FORMAT_VERSION = 4

#: The only objects an entry may hold, by the name it gives them.
_CLASSES: dict[str, type] = {"Finding": Finding, "Coded": Coded, "CellRefs": CellRefs}
_NUMPY_KINDS = "biuf"


class Unencodable(ValueError):
    """A reading holds a value the cache does not store: that file is simply not cached."""


class Invalid(ValueError):
    """An entry that is not one this tool wrote for this key: it is ignored."""


# ---- entries ------------------------------------------------------------------------------------


#: How an entry's line starts: its key is the envelope's first member (read without parsing the line).
KEY_PREFIX = b'{"key":"'
KEY_END = len(KEY_PREFIX) + 64


def encode_entry(key: str, result: FileResult) -> bytes:
    """An entry, one line: a JSON header (the key first, the format, the SHA-256 of the payload),
    a tab, and the payload: the reading (without the file's path and time, which are the file's
    own) as JSON. JSON escapes every control character, so neither part holds a tab or a line break."""
    payload = json.dumps(
        _encode_file(result), ensure_ascii=False, separators=(",", ":"), allow_nan=True
    ).encode("utf-8")
    header = {
        "key": key,
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    return json.dumps(header, separators=(",", ":")).encode("ascii") + b"\t" + payload


def decode_entry(raw: bytes, key: str, path: Path, rel: str) -> FileResult:
    """The reading of an entry, checked through and through; raises :class:`Invalid` (or the
    decoder's own errors) for anything else."""
    head, tab, payload = raw.partition(b"\t")
    if not tab:
        raise Invalid("not a cache entry")
    header = json.loads(head.decode("ascii"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Invalid("not a cache entry")
    if header.get("version") != FORMAT_VERSION or header.get("key") != key:
        raise Invalid("another version or key")
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise Invalid("checksum")
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    result = _decode_file(json.loads(payload.decode("utf-8")), path, mtime)
    if result.rel != rel:
        raise Invalid("another file")
    return result


_FILE_FIELDS = tuple(f.name for f in dataclasses.fields(FileResult))
_SHEET_FIELDS = tuple(f.name for f in dataclasses.fields(SheetResult))


def _encode_file(result: FileResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _FILE_FIELDS:
        if name in ("path", "mtime"):
            continue
        value = getattr(result, name)
        if name == "sheets":
            out[name] = [_encode_sheet(s) for s in value]
        else:
            out[name] = encode_value(value)
    return out


def _encode_sheet(sheet: SheetResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _SHEET_FIELDS:
        value = getattr(sheet, name)
        out[name] = _encode_columns(value) if name == "columns" else encode_value(value)
    return out


def _decode_file(data: dict[str, Any], path: Path, mtime: float) -> FileResult:
    if not isinstance(data, dict) or set(data) != set(_FILE_FIELDS) - {"path", "mtime"}:
        raise Invalid("file fields")
    values: dict[str, Any] = {"path": path, "mtime": mtime}
    for name, value in data.items():
        values[name] = [_decode_sheet(s) for s in value] if name == "sheets" else decode_value(value)
    result = FileResult(**values)
    if not isinstance(result.rel, str) or not isinstance(result.readable, bool):
        raise Invalid("file values")
    if not all(isinstance(f, Finding) for f in result.findings):
        raise Invalid("findings")
    return result


def _decode_sheet(data: dict[str, Any]) -> SheetResult:
    if not isinstance(data, dict) or set(data) != set(_SHEET_FIELDS):
        raise Invalid("sheet fields")
    values: dict[str, Any] = {
        name: _decode_columns(value) if name == "columns" else decode_value(value)
        for name, value in data.items()
    }
    return SheetResult(**values)


# ---- a sheet's columns ----------------------------------------------------------------------------
#
# A sheet's columns (SheetResult.columns) are stored as
#   {"n": rows, "l": [names of the list columns], "k": [kind of each], "num": [...], "t": [...],
#    "i": [...], "o": the other columns (arrays, Coded, CellRefs) by encode_value}.
# A list column of numbers (and None), kind 0, is n values of the flat list "num"; any other list
# column, kind 1, is n numbers of the flat list "i", each the place of its value in the sheet's table
# "t" of distinct values (encoded by encode_value). The labels, sources, names... of a Layout A sheet
# are then written and parsed once, not once per item, and the whole sheet decodes in a few passes of
# C code. A list of another length than the first (no reader makes one) is one of the others.

_NUMBERS = frozenset({type(None), int, float, bool})
_COLUMN_KEYS = frozenset({"n", "l", "k", "num", "t", "i", "o"})
_NAMES = frozenset(SHEET_COLUMNS)


def _encode_columns(columns: dict[str, Any] | None) -> dict[str, Any] | None:
    if columns is None:
        return None
    lists = [name for name, column in columns.items() if type(column) is list]
    n = len(columns[lists[0]]) if lists else 0
    lists = [name for name in lists if len(columns[name]) == n]
    kinds: list[int] = []
    numbers: list[Any] = []
    codes: list[int] = []
    table: dict[tuple[type, Any], int] = {}
    for name in lists:
        column = columns[name]
        if set(map(type, column)) <= _NUMBERS:
            kinds.append(0)
            numbers.extend(column)
            continue
        kinds.append(1)
        # Keyed by type and value (1, 1.0 and True stay apart); numbered in order of first appearance,
        # with a Python step per distinct value only.
        keys = list(zip(map(type, column), column, strict=True))
        try:
            for k in dict.fromkeys(keys):
                if k not in table:
                    table[k] = len(table)
        except TypeError:  # not hashable: not a value an item holds
            raise Unencodable("unhashable") from None
        codes.extend(map(table.__getitem__, keys))
    listed = set(lists)
    others = {name: column for name, column in columns.items() if name not in listed}
    return {
        "n": n,
        "l": lists,
        "k": kinds,
        "num": numbers,
        "t": [encode_value(v) for _, v in table],
        "i": codes,
        "o": encode_value(others),
    }


def _decode_columns(data: Any) -> dict[str, Any] | None:
    """A sheet's columns, checked: only the columns a reader gives, lists of the values an item holds."""
    if data is None:
        return None
    if type(data) is not dict or data.keys() != _COLUMN_KEYS:
        raise Invalid("columns")
    n, names, kinds = data["n"], data["l"], data["k"]
    numbers, table, codes = data["num"], data["t"], data["i"]
    if type(n) is not int or n < 0 or type(names) is not list or type(kinds) is not list:
        raise Invalid("columns")
    if len(kinds) != len(names) or not set(map(type, kinds)) <= {int} or not set(kinds) <= {0, 1}:
        raise Invalid("columns")
    coded = sum(kinds)
    if type(numbers) is not list or len(numbers) != n * (len(kinds) - coded):
        raise Invalid("numbers")
    if type(codes) is not list or len(codes) != n * coded or type(table) is not list:
        raise Invalid("codes")
    if not set(map(type, numbers)) <= _NUMBERS or not set(map(type, codes)) <= {int}:
        raise Invalid("values")
    if codes and (min(codes) < 0 or max(codes) >= len(table)):
        raise Invalid("codes")
    others = decode_value(data["o"])
    if type(others) is not dict or not all(type(c) in _COLUMN_TYPES for c in others.values()):
        raise Invalid("columns")
    given = [*names, *others]
    if len(set(given)) != len(given) or not set(given) <= _NAMES:
        raise Invalid("column names")
    values = [v if type(v) is str else decode_value(v) for v in table]
    texts = list(map(values.__getitem__, codes))
    columns: dict[str, Any] = {}
    at = {0: 0, 1: 0}
    for name, kind in zip(names, kinds, strict=True):
        start = at[kind]
        at[kind] = start + n
        columns[name] = (texts if kind else numbers)[start : start + n]
    columns.update(others)
    return columns


#: What a column may be (see SheetResult.columns).
_COLUMN_TYPES = frozenset({list, np.ndarray, Coded, CellRefs})


def encode_value(v: Any) -> Any:
    """A value as JSON, every kind JSON would change (tuples, dates, arrays, keys that are not
    text) tagged so that it comes back as it was."""
    t = type(v)
    if v is None or t in (str, int, float, bool):
        return v
    if t is list:
        return [encode_value(x) for x in v]
    if t is tuple:
        return {"~t": [encode_value(x) for x in v]}
    if t is dict:
        return {"~m": [[encode_value(k), encode_value(x)] for k, x in v.items()]}
    if t is dt.date:
        return {"~d": v.isoformat()}
    if t is dt.datetime:
        return {"~dt": v.isoformat()}
    if isinstance(v, np.ndarray):
        if v.ndim != 1 or v.dtype.kind not in _NUMPY_KINDS:
            raise Unencodable(f"array of {v.dtype}")
        # Raw bytes (the dtype names their order): a 30,000-row column encodes in microseconds. Stored
        # in the narrowest type that holds every value exactly ("as"): a national file's codes, years
        # and row numbers fit in one or two bytes, and its cache shrinks from ~5.8 to ~2.1 MB a file.
        narrow = _narrowed(v)
        body = base64.b64encode(np.ascontiguousarray(narrow).tobytes()).decode("ascii")
        if narrow.dtype == v.dtype:
            return {"~a": v.dtype.str, "b": body}
        return {"~a": v.dtype.str, "as": narrow.dtype.str, "b": body}
    if isinstance(v, np.generic):
        if v.dtype.kind not in _NUMPY_KINDS:
            raise Unencodable(f"scalar of {v.dtype}")
        return {"~s": v.dtype.str, "v": v.item()}
    name = t.__name__
    if _CLASSES.get(name) is t:
        return {"~o": name, "v": [encode_value(getattr(v, f.name)) for f in dataclasses.fields(t)]}
    raise Unencodable(name)


#: The narrower types an array may be stored in, per kind of the array's own type.
_NARROWER: dict[str, tuple[np.dtype[Any], ...]] = {
    "i": (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32)),
    "u": (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.uint32)),
    "f": (np.dtype(np.float32),),
}


def _narrowed(v: np.ndarray) -> np.ndarray:
    """``v`` in the narrowest type of :data:`_NARROWER` that holds each of its values exactly (NaN and
    -0.0 included), else ``v`` itself."""
    if not len(v) or v.dtype.kind not in _NARROWER:
        return v
    if v.dtype.kind == "f":
        if v.dtype.itemsize <= 4:
            return v
        with np.errstate(over="ignore", invalid="ignore"):
            small = v.astype(np.float32)
        back = small.astype(v.dtype)
        same = (back == v) | (np.isnan(back) & np.isnan(v))
        return small if same.all() and (np.signbit(back) == np.signbit(v)).all() else v
    lo, hi = int(v.min()), int(v.max())
    for t in _NARROWER[v.dtype.kind]:
        info = np.iinfo(t)
        if t.itemsize < v.dtype.itemsize and info.min <= lo and hi <= info.max:
            return v.astype(t)
    return v


def _widens(stored: np.dtype, dtype: np.dtype) -> bool:
    """Whether ``stored`` is one of the narrower types :func:`_narrowed` gives for ``dtype``."""
    return (
        any(np.dtype(t) == stored for t in _NARROWER.get(dtype.kind, ())) and stored.itemsize < dtype.itemsize
    )


def decode_value(v: Any) -> Any:
    t = type(v)
    if v is None or t in (str, int, float, bool):
        return v
    if t is list:
        return [decode_value(x) for x in v]
    if t is not dict or len(v) not in (1, 2, 3):
        raise Invalid("value")
    if "~t" in v:
        return tuple(decode_value(x) for x in v["~t"])
    if "~m" in v:
        return {decode_value(k): decode_value(x) for k, x in v["~m"]}
    if "~d" in v:
        return dt.date.fromisoformat(v["~d"])
    if "~dt" in v:
        return dt.datetime.fromisoformat(v["~dt"])
    if "~a" in v:
        dtype = np.dtype(v["~a"])
        stored = np.dtype(v.get("as", v["~a"]))
        raw = base64.b64decode(v["b"], validate=True)
        if dtype.kind not in _NUMPY_KINDS or len(raw) % stored.itemsize:
            raise Invalid("array")
        if stored != dtype and not _widens(stored, dtype):
            raise Invalid("array")
        return np.frombuffer(raw, dtype=stored).astype(dtype)  # astype copies: a writable array
    if "~s" in v:
        dtype = np.dtype(v["~s"])
        if dtype.kind not in _NUMPY_KINDS:
            raise Invalid("scalar")
        return dtype.type(v["v"])
    if "~o" in v:
        cls = _CLASSES.get(v["~o"])
        if cls is None:
            raise Invalid("class")
        values = v["v"]
        names = [f.name for f in dataclasses.fields(cls)]
        if not isinstance(values, list) or len(values) != len(names):
            raise Invalid("object")
        return cls(**{n: decode_value(x) for n, x in zip(names, values, strict=True)})
    raise Invalid("tag")
