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
figures of the closing line and the size and modification time of every output written. A run
whose key matches and whose outputs are still those files, untouched since (any save gives a file a
new time), has nothing to do: it says so and stops (the outputs it would write are those already
there, byte for byte).

Whatever goes wrong with the cache (a read-only output folder, a full disk, a damaged file) only
makes the run read the files again: the cache is never a reason for a run to fail.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .cache_entry import (
    FORMAT,
    FORMAT_VERSION,
    KEY_END,
    KEY_PREFIX,
    Invalid,
    Unencodable,
    decode_entry,
    encode_entry,
)
from .models import FileResult

CACHE_DIR = ".cache"
READS_FILE = "reads.jsonl"
RUN_FILE = "run.json"


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
            if line.startswith(KEY_PREFIX) and len(line) > KEY_END and line[KEY_END : KEY_END + 1] == b'"':
                self.lines[line[len(KEY_PREFIX) : KEY_END].decode("ascii", "replace")] = line

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
            if _keeping:
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
# the pipeline its own FileResult, sheets and dicts of columns: what a run changes in them (the pipeline
# drops a sheet's columns after the engine, --as-of replaces its period) never reaches the next.
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
        dataclasses.replace(s, columns=None if s.columns is None else dict(s.columns)) for s in result.sheets
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
