"""Write outputs so that a crash, Ctrl-C or a full disk never leaves half a file (SPEC 5 and 7).

Every output is written to a temp file in the target's folder and renamed over the target only when
complete. Failures become :class:`~reconcile.errors.OutputError` with a message that says what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from .discover import ANNOTATED_FOLDER, OUTPUT_NAMES, TEMP_PREFIX
from .errors import OutputError, ReconcileError

#: How many numbered siblings ``on_locked="rename"`` tries before giving up.
MAX_RENAMES = 99

_READONLY_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def atomic_write(target: Path, write: Callable[[Path], None], on_locked: str = "fail") -> Path:
    """Write ``target`` via ``write(tmp)`` and a rename; return the path actually written.

    The temp file (``.~reconcile-<random>.tmp<suffix>``, the suffix kept because xlsxwriter and
    openpyxl care about it) sits in the target's folder, so the rename is atomic. On any exception,
    Ctrl-C included, it is removed and the exception re-raised; OS errors become
    :class:`OutputError`. When the rename is refused because the target is open (Excel on Windows
    holds it), ``on_locked="fail"`` raises ``cli.output_locked``; ``on_locked="rename"`` writes
    ``<stem> (2)<suffix>``, ``<stem> (3)<suffix>``... instead, the first one not locked.
    """
    if on_locked not in ("fail", "rename"):
        raise ValueError(f"on_locked must be 'fail' or 'rename', not {on_locked!r}")
    target = Path(target)
    tmp = _create_temp(target)
    try:
        try:
            write(tmp)
            _fsync(tmp)
            _copy_mode(target, tmp)
        except ReconcileError:
            raise
        except Exception as exc:
            cause = _os_error(exc)
            if cause is None:
                raise
            raise _failed(target, cause) from exc
        written = _replace(tmp, target, on_locked)
    finally:
        # Runs on success too, where the temp file is already gone.
        _remove_quietly(tmp)
    _fsync_dir(written.parent)
    return written


def ensure_output_dir(out: Path, inputs: Iterable[Path]) -> None:
    """Create the output folder (parents too) and prove it can be written.

    Raises ``cli.output_inside_input`` when an output would land on an input file (the folder
    itself is an input, an input sits where an output is written, or inside its ``annotated``
    folder), and ``cli.output_readonly`` when the folder cannot be created or written.
    """
    out = Path(out)
    _check_not_over_inputs(out, inputs)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file of that name is in the way
        raise OutputError("cli.output_failed", file=str(out), detail=exc.strerror or str(exc)) from exc
    except OSError as exc:
        raise _folder_error(out, exc) from exc
    probe = out / f"{TEMP_PREFIX}{secrets.token_hex(6)}.probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise _folder_error(out, exc) from exc
    _remove_quietly(probe)


def _check_not_over_inputs(out: Path, inputs: Iterable[Path]) -> None:
    """Raise when writing into ``out`` could overwrite one of ``inputs``."""
    input_ids: set[tuple[int, int]] = set()
    input_paths: list[Path] = []
    for path in inputs:
        try:
            st = os.stat(path)
        except OSError:
            continue
        input_ids.add((st.st_dev, st.st_ino))
        input_paths.append(Path(path))
    if not input_ids:
        return
    # Identity by (device, inode) catches links, hard links and case-insensitive file systems.
    fixed = [out, *(out / name for name in OUTPUT_NAMES)]
    for candidate in fixed:
        if _file_id(candidate) in input_ids:
            raise OutputError("cli.output_inside_input", folder=str(out))
    annotated = _file_id(out / ANNOTATED_FOLDER)
    if annotated is None:
        return
    for path in input_paths:
        for parent in Path(os.path.realpath(path)).parents:
            if _file_id(parent) == annotated:
                raise OutputError("cli.output_inside_input", folder=str(out))


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _create_temp(target: Path) -> Path:
    """Create an empty temp file beside ``target`` (mode from the umask, like any new file)."""
    folder = target.parent
    for _ in range(100):
        tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}.tmp{target.suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno in _READONLY_ERRNOS:
                raise OutputError("cli.output_readonly", folder=str(folder)) from exc
            raise _failed(target, exc) from exc
        os.close(fd)
        return tmp
    raise OutputError("cli.output_failed", file=str(target), detail="no free temporary name")


def _replace(tmp: Path, target: Path, on_locked: str) -> Path:
    """Rename ``tmp`` onto ``target`` (or a numbered sibling when it is locked and we may)."""
    candidates = [target]
    if on_locked == "rename":
        candidates += [
            target.with_name(f"{target.stem} ({n}){target.suffix}") for n in range(2, MAX_RENAMES + 2)
        ]
    for candidate in candidates:
        try:
            os.replace(tmp, candidate)
        except PermissionError:
            continue  # Windows: the file is open in Excel
        except OSError as exc:
            raise _failed(candidate, exc) from exc
        return candidate
    raise OutputError("cli.output_locked", file=str(target))


def _fsync(path: Path) -> None:
    """Flush the written file to disk, so that a power cut after the rename keeps its content."""
    # Opened for writing: Windows refuses to flush a read-only handle.
    with open(path, "r+b") as f:
        os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    """Flush the folder entry of the rename where the OS allows it (POSIX; not Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_mode(target: Path, tmp: Path) -> None:
    """Keep the permissions of a file being replaced (best effort)."""
    with contextlib.suppress(OSError):
        shutil.copymode(target, tmp)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind an exception raised while writing (xlsxwriter wraps them)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        wrapped = next((a for a in current.args if isinstance(a, OSError)), None)
        if wrapped is not None:
            return wrapped
        # Only explicit chaining: an OSError merely in the context of a bug is not the cause.
        current = current.__cause__
    return None


def _failed(target: Path, exc: OSError) -> OutputError:
    return OutputError("cli.output_failed", file=str(target), detail=exc.strerror or str(exc))


def _folder_error(folder: Path, exc: OSError) -> OutputError:
    if exc.errno in _READONLY_ERRNOS:
        return OutputError("cli.output_readonly", folder=str(folder))
    return OutputError("cli.output_failed", file=str(folder), detail=exc.strerror or str(exc))
