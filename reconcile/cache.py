"""A per-file read cache in the output folder (SPEC 11): a file read once is not read again while
its content, its name and the tool stay the same.

``OUT/.cache/reads.jsonl`` holds one line per input file read, under its key: the SHA-256 of the
file's content, its name relative to the input folder (periods and units may come from it), the
settings that change reading (the project aliases of ``reconcile.toml``) and the tool's code (a
fingerprint of the ``reconcile`` package's sources and of its parsers' versions, so that a changed
reader never serves old readings). A line holds what the reader made of the file, as JSON with its
own SHA-256: a line that does not parse, whose checksum or key does not match, or that holds
anything but the reader's own kinds of values is ignored (the file is read again and the
line rewritten). Nothing in the cache can execute code: it is never unpickled.

``OUT/.cache/run.json`` remembers the last completed run: the key of every input, the settings, the
figures of the closing line and a checksum of every output written. A run whose key matches and
whose outputs are still exactly those files has nothing to do: it says so and stops (the outputs
it would write are those already there, byte for byte).

Whatever goes wrong with the cache (a read-only output folder, a full disk, a damaged file) only
makes the run read the files again: the cache is never a reason for a run to fail.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .models import LINE_ITEM_COLUMNS, CellRefs, Coded, FileResult, Finding, LineItem, SheetResult

CACHE_DIR = ".cache"
READS_FILE = "reads.jsonl"
RUN_FILE = "run.json"
FORMAT = "reconcile-read-cache"
#: Bumped when the layout of an entry changes (2: items column by column; 3: arrays stored narrowed).
FORMAT_VERSION = 3

#: The only objects an entry may hold, by the name it gives them.
_CLASSES: dict[str, type] = {"Finding": Finding, "Coded": Coded, "CellRefs": CellRefs}
_NUMPY_KINDS = "biuf"


class Unencodable(ValueError):
    """A reading holds a value the cache does not store: that file is simply not cached."""


class Invalid(ValueError):
    """An entry that is not one this tool wrote for this key: it is ignored."""


# ---- keys ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the tool's version, its package's sources and its parsers' versions."""
    h = hashlib.sha256(f"{FORMAT}/{FORMAT_VERSION}/{__version__}".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode())
        try:
            h.update(source.read_bytes())
        except OSError:
            h.update(b"?")
    for module in ("python_calamine", "fastexcel", "openpyxl", "numpy"):
        h.update(f"{module}={_version(module)}".encode())
    return h.hexdigest()


def _version(module: str) -> str:
    from importlib import metadata

    name = module.replace("_", "-")
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def file_digest(path: Path) -> str | None:
    """SHA-256 of the file's content; None when it cannot be read (it is then read uncached)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def entry_key(
    digest: str,
    rel: str,
    aliases: tuple[tuple[str, int, int | None], ...],
    reading: tuple[Any, ...] = (),
) -> str:
    """The key of a file's reading: its content, its name, the reading settings and the code."""
    material = json.dumps(
        [code_fingerprint(), digest, rel, [list(a) for a in aliases], repr(reading)], ensure_ascii=False
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# ---- the read cache -----------------------------------------------------------------------------


class ReadCache:
    """The entries in ``OUT/.cache/reads.jsonl``, one a line: loaded whole, looked up by key, and
    written back whole after a run with exactly that run's entries (those of files no longer in the
    folder, or no longer in that state, drop out). Every file-system error is swallowed."""

    def __init__(self, out: Path) -> None:
        self.path = out / CACHE_DIR / READS_FILE
        self.lines: dict[str, bytes] = {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return
        for line in data.splitlines():
            # The key is the envelope's first member (see encode_entry); a line that does not start
            # so is not one of ours. The line itself is checked when it is used.
            if (
                line.startswith(_KEY_PREFIX)
                and len(line) > _KEY_END
                and line[_KEY_END : _KEY_END + 1] == b'"'
            ):
                self.lines[line[len(_KEY_PREFIX) : _KEY_END].decode("ascii", "replace")] = line

    def load(self, key: str, path: Path, rel: str) -> FileResult | None:
        """The reading stored under ``key`` for the file now at ``path``; None when there is none
        or it is not valid (then it is dropped, to be written again)."""
        line = self.lines.get(key)
        if line is None:
            return None
        kept = _decoded.get(key)
        if kept is not None and kept[0] == line:
            result = _copy(kept[1], path)
        else:
            try:
                result = decode_entry(line, key, path, rel)
            except (Invalid, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
                del self.lines[key]
                return None
            if _keeping and _shareable(result):
                _keep(key, line, result)
        if not _saved_dates_hold(result):
            del self.lines[key]
            _forget(key)
            return None
        return result

    def add(self, key: str, entry: bytes) -> None:
        """A new entry (made by :func:`read_and_encode`)."""
        self.lines[key] = entry

    def save(self, keys: set[str]) -> None:
        """Write the entries of ``keys`` (atomically: a reader never sees half a cache)."""
        for gone in set(_decoded) - keys:
            _forget(gone)
        data = b"".join(self.lines[k] + b"\n" for k in sorted(keys) if k in self.lines)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.path, data)
        except OSError:
            pass


# ---- readings kept decoded in a watch ------------------------------------------------------------
#
# A watch runs many times in one process: the entries it decoded once are kept (with the exact line
# each was decoded from), so that its next run decodes only the entries that changed. Every run hands
# the pipeline its own FileResult, sheets and lists of columns: what a run changes in them (the pipeline
# empties a sheet's items after the engine, --as-of replaces a period column) never reaches the next.
# The columns' lists themselves are shared, and nothing changes a column in place.

#: Whether decoded readings are kept (:func:`keep_decoded`; only ``reconcile watch`` turns it on).
_keeping = False
#: Kept readings, by key: (the entry's line, the reading, its number of items).
_decoded: dict[str, tuple[bytes, FileResult, int]] = {}
_kept_items = 0
#: At most this many items are kept (a province's 56,000 take ~20 MB; a national folder's million
#: are decoded at each run instead of holding their memory between runs).
KEEP_MAX_ITEMS = 250_000


def keep_decoded(on: bool = True) -> None:
    """Keep (or stop keeping, and forget) the readings decoded from the cache, between runs."""
    global _keeping
    _keeping = on
    if not on:
        for key in list(_decoded):
            _forget(key)


def _shareable(result: FileResult) -> bool:
    # Items as objects are changed in place by --as-of (reconcile.pipeline.apply_as_of): not kept.
    return not any(sheet.items for sheet in result.sheets)


def _keep(key: str, line: bytes, result: FileResult) -> None:
    global _kept_items
    n = sum(max((len(c) for c in (s.columns or {}).values()), default=0) for s in result.sheets)
    if _kept_items + n > KEEP_MAX_ITEMS:
        return
    _decoded[key] = (line, _copy(result, result.path), n)
    _kept_items += n


def _forget(key: str) -> None:
    global _kept_items
    kept = _decoded.pop(key, None)
    if kept is not None:
        _kept_items -= kept[2]


def _copy(result: FileResult, path: Path) -> FileResult:
    """``result`` for the file now at ``path``: its own objects and lists, sharing the columns' values."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    sheets = [
        dataclasses.replace(s, items=[], columns=None if s.columns is None else dict(s.columns))
        for s in result.sheets
    ]
    return dataclasses.replace(
        result,
        path=path,
        mtime=mtime,
        sheets=sheets,
        findings=list(result.findings),
        statements=list(result.statements),
    )


def _saved_dates_hold(result: FileResult) -> bool:
    """Whether the dates a reading took from the file's modification time (a title with a year but no
    day, in a file that does not record when it was saved: SPEC 12) are still the file's. Its content,
    the entry's key, does not change with that time: a file copied anew is read again."""
    saved = dt.datetime.fromtimestamp(result.mtime).date() if result.mtime > 0 else None
    return all(
        saved is not None and f.params.get("date") == saved
        for f in result.findings
        if f.code == "period_from_file_date" and str(f.params.get("message_key", "")).endswith("_mtime")
    )


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        _remove(Path(tmp))
        raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


# ---- entries ------------------------------------------------------------------------------------


_KEY_PREFIX = b'{"key":"'
_KEY_END = len(_KEY_PREFIX) + 64


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
            out[name] = _enc(value)
    return out


def _encode_sheet(sheet: SheetResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _SHEET_FIELDS:
        value = getattr(sheet, name)
        if name == "items":
            out[name] = _encode_items(value)
        else:
            out[name] = _enc(value)
    return out


def _decode_file(data: dict[str, Any], path: Path, mtime: float) -> FileResult:
    if not isinstance(data, dict) or set(data) != set(_FILE_FIELDS) - {"path", "mtime"}:
        raise Invalid("file fields")
    values: dict[str, Any] = {"path": path, "mtime": mtime}
    for name, value in data.items():
        values[name] = [_decode_sheet(s) for s in value] if name == "sheets" else _dec(value)
    result = FileResult(**values)
    if not isinstance(result.rel, str) or not isinstance(result.readable, bool):
        raise Invalid("file values")
    if not all(isinstance(f, Finding) for f in result.findings):
        raise Invalid("findings")
    return result


def _decode_sheet(data: dict[str, Any]) -> SheetResult:
    if not isinstance(data, dict) or set(data) != set(_SHEET_FIELDS):
        raise Invalid("sheet fields")
    values: dict[str, Any] = {}
    items = None
    for name, value in data.items():
        if name == "items":
            items = _decode_items(value)
        else:
            values[name] = _dec(value)
    sheet = SheetResult(**values)
    if items:
        if sheet.columns is None and _AS_COLUMNS:
            # The engine takes a sheet's items as columns as it takes them as objects (see
            # reconcile.engine.items._collect): 56,000 items of a province come back without an
            # object each, and the engine need not take them apart again.
            sheet.columns = dict(zip(_ITEM_FIELDS, items, strict=True))
        else:
            sheet.items = [LineItem(*row) for row in zip(*items, strict=True)]
    return sheet


# ---- items, column by column ----------------------------------------------------------------------
#
# A sheet's items are stored as one column per LineItem field, in field order:
#   {"n": rows, "k": [kind of each column], "num": [...], "t": [...], "i": [...]}
# A column of numbers (and None), kind 0, is n values of the flat list "num"; any other column, kind 1,
# is n numbers of the flat list "i", each the place of its value in the sheet's table "t" of
# distinct values (encoded by _enc). The unit, the file, the labels... of a sheet are then written
# and parsed once, not once per item, and the whole sheet decodes in a few passes of C code.

_ITEM_FIELDS = tuple(f.name for f in dataclasses.fields(LineItem))
#: Whether the engine's columns are exactly the item fields (then items are decoded as columns).
_AS_COLUMNS = set(_ITEM_FIELDS) == {*LINE_ITEM_COLUMNS, "unknown"}
_item_values = attrgetter(*_ITEM_FIELDS)
_NUMBERS = frozenset({type(None), int, float, bool})
_ITEM_KEYS = frozenset({"n", "k", "num", "t", "i"})


def _encode_items(items: list[LineItem]) -> dict[str, Any]:
    columns = list(zip(*map(_item_values, items), strict=True)) if items else [()] * len(_ITEM_FIELDS)
    kinds: list[int] = []
    numbers: list[Any] = []
    codes: list[int] = []
    table: dict[tuple[type, Any], int] = {}
    for column in columns:
        if set(map(type, column)) <= _NUMBERS:
            kinds.append(0)
            numbers.extend(column)
            continue
        kinds.append(1)
        for v in column:
            try:
                codes.append(table.setdefault((type(v), v), len(table)))
            except TypeError:  # not hashable: not a value an item holds
                raise Unencodable(type(v).__name__) from None
    return {"n": len(items), "k": kinds, "num": numbers, "t": [_enc(v) for _, v in table], "i": codes}


def _decode_items(data: Any) -> list[list[Any]] | None:
    """The columns of a sheet's items (one list per LineItem field), checked; None for no item."""
    if type(data) is not dict or data.keys() != _ITEM_KEYS:
        raise Invalid("items")
    n, kinds, numbers, table, codes = data["n"], data["k"], data["num"], data["t"], data["i"]
    if type(n) is not int or n < 0 or type(kinds) is not list or len(kinds) != len(_ITEM_FIELDS):
        raise Invalid("items")
    if not set(kinds) <= {0, 1} or not set(map(type, kinds)) <= {int}:
        raise Invalid("items")
    coded = sum(kinds)
    if type(numbers) is not list or len(numbers) != n * (len(kinds) - coded):
        raise Invalid("numbers")
    if type(codes) is not list or len(codes) != n * coded or type(table) is not list:
        raise Invalid("codes")
    if not set(map(type, numbers)) <= _NUMBERS or not set(map(type, codes)) <= {int}:
        raise Invalid("values")
    if codes and (min(codes) < 0 or max(codes) >= len(table)):
        raise Invalid("codes")
    if not n:
        return None
    values = [v if type(v) is str else _dec(v) for v in table]
    texts = list(map(values.__getitem__, codes))
    columns = []
    at = {0: 0, 1: 0}
    for kind in kinds:
        start = at[kind]
        at[kind] = start + n
        columns.append((texts if kind else numbers)[start : start + n])
    return columns


def _enc(v: Any) -> Any:
    """A value as JSON, every kind JSON would change (tuples, dates, arrays, keys that are not
    text) tagged so that it comes back as it was."""
    t = type(v)
    if v is None or t in (str, int, float, bool):
        return v
    if t is list:
        return [_enc(x) for x in v]
    if t is tuple:
        return {"~t": [_enc(x) for x in v]}
    if t is dict:
        return {"~m": [[_enc(k), _enc(x)] for k, x in v.items()]}
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
        return {"~o": name, "v": [_enc(getattr(v, f.name)) for f in dataclasses.fields(t)]}
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


def _dec(v: Any) -> Any:
    t = type(v)
    if v is None or t in (str, int, float, bool):
        return v
    if t is list:
        return [_dec(x) for x in v]
    if t is not dict or len(v) not in (1, 2, 3):
        raise Invalid("value")
    if "~t" in v:
        return tuple(_dec(x) for x in v["~t"])
    if "~m" in v:
        return {_dec(k): _dec(x) for k, x in v["~m"]}
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
        return cls(**{n: _dec(x) for n, x in zip(names, values, strict=True)})
    raise Invalid("tag")


# ---- the last run -----------------------------------------------------------------------------


def run_key(parts: Any) -> str:
    """The key of a whole run: every input's key and everything that shapes the outputs."""
    material = json.dumps([code_fingerprint(), parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def last_run(out: Path, key: str) -> dict[str, Any] | None:
    """What the last run with ``key`` reported, when its outputs are still exactly as it wrote them."""
    try:
        record = json.loads((out / CACHE_DIR / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT or record.get("key") != key:
        return None
    outputs = record.get("outputs")
    if not isinstance(outputs, dict) or not outputs or not isinstance(record.get("figures"), dict):
        return None
    for name, stamp in outputs.items():
        if not isinstance(name, str) or ".." in Path(name).parts or _stamp(out / name) != stamp:
            return None
    return record


def _stamp(path: Path) -> list[int] | None:
    """An output's size and modification time (ns), as JSON keeps them; None when it is gone.

    Outputs are told unchanged by these, as make and rsync's quick check do, not by their checksum:
    hashing a national run's ~500 MB of outputs cost ~1.5 s after the run and again before the next.
    Any save of a file (Excel's included) gives it a new time."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def remember_run(out: Path, key: str, outputs: list[Path], figures: dict[str, Any]) -> None:
    """Record a completed run (its outputs by name relative to ``out``, with their size and time)."""
    record: dict[str, Any] = {"format": FORMAT, "key": key, "figures": figures, "outputs": {}}
    for path in outputs:
        stamp = _stamp(path)
        try:
            name = path.resolve().relative_to(out.resolve()).as_posix()
        except ValueError:
            return
        if stamp is None:
            return
        record["outputs"][name] = stamp
    try:
        target = out / CACHE_DIR / RUN_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError:
        pass


def forget_run(out: Path) -> None:
    """Drop the record of the last run (its outputs are about to change)."""
    _remove(out / CACHE_DIR / RUN_FILE)


# ---- digests within one run --------------------------------------------------------------------

#: Digests taken during the current run, by path, with the file's size and time when taken: the run
#: key and the reading both need them, moments apart. Cleared at the start of every run.
_digests: dict[Path, tuple[int, int, str]] = {}


def new_run() -> None:
    """Forget the digests of an earlier run (a watch runs many times in one process)."""
    _digests.clear()


def digest_of(path: Path) -> str | None:
    """:func:`file_digest`, taken once per run while the file's size and time stay the same."""
    try:
        st = path.stat()
    except OSError:
        return None
    known = _digests.get(path)
    if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
        return known[2]
    digest = file_digest(path)
    if digest is not None:
        _digests[path] = (st.st_size, st.st_mtime_ns, digest)
    return digest


def read_and_encode(
    path: Path,
    rel: str,
    aliases: tuple[tuple[str, int, int | None], ...],
    reading: tuple[Any, ...],
    key: str,
    digest: str,
) -> tuple[FileResult, bytes | None]:
    """Read the file and make its cache entry, unless its content changed meanwhile (then the
    reading stands for this run only: the next run reads the file again)."""
    from .read.reader import read_file

    result = read_file(path, rel, aliases, *reading)
    if file_digest(path) != digest:
        return result, None
    try:
        return result, encode_entry(key, result)
    except (Unencodable, ValueError, TypeError, RecursionError):
        return result, None
