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
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import OutputError, ReconcileError
from ..find.discover import ANNOTATED_FOLDER, LOCK_FILE, OUTPUT_NAMES, TEMP_PREFIX

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
    _check_on_locked(on_locked)
    target = Path(target)
    tmp = write_temp(target, write)
    try:
        written = _replace(tmp, target, on_locked)
    finally:
        # Runs on success too, where the temp file is already gone.
        _remove_quietly(tmp)
    _fsync_dir(written.parent)
    return written


def write_temp(target: Path, write: Callable[[Path], None]) -> Path:
    """Write what will become ``target`` via ``write(tmp)`` into a temp file beside it; return the
    temp file, complete and flushed to disk (the first half of :func:`atomic_write`).

    On any exception, Ctrl-C included, the temp file is removed and the exception re-raised; OS
    errors become :class:`OutputError`.
    """
    target = Path(target)
    tmp = _create_temp(target)
    try:
        write(tmp)
        _fsync(tmp)
        _copy_mode(target, tmp)
    except BaseException as exc:
        _remove_quietly(tmp)
        if isinstance(exc, ReconcileError) or not isinstance(exc, Exception):
            raise
        cause = _os_error(exc)
        if cause is None:
            raise
        raise _failed(target, cause) from exc
    return tmp


def _check_on_locked(on_locked: str) -> None:
    if on_locked not in ("fail", "rename"):
        raise ValueError(f"on_locked must be 'fail' or 'rename', not {on_locked!r}")


class Staging:
    """The outputs of one run, written to temp files and renamed into place together at the end, so
    that a run stopped part-way (Ctrl-C) leaves the previous outputs as they were.

    Use as a context manager. Leaving it normally renames every staged file (in the order staged);
    leaving it on an error renames the files already complete (as writing them in turn would have
    left them) and then re-raises; leaving it on Ctrl-C (any exception that is not an
    :class:`Exception`) removes every temp file and every folder the run created, and renames
    nothing. Ctrl-C pressed while the files are renamed waits until the last rename is done.
    """

    def __init__(self, on_locked: str = "fail") -> None:
        _check_on_locked(on_locked)
        self.on_locked = on_locked
        self.pending: list[tuple[Path, Path]] = []  # (temp file, target)
        self.created: list[Path] = []  # folders made by this run, parents first
        self.written: list[Path] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is not None and not isinstance(exc, Exception):
            self.discard()
            return
        try:
            self.commit()
        except Exception:
            if exc is None:
                raise
            # The run's own error says more than a rename refused after it.

    def makedirs(self, folder: Path) -> None:
        """Create ``folder`` and its missing parents, remembering which ones this run made."""
        missing = []
        current = Path(folder)
        while not current.exists() and current != current.parent:
            missing.append(current)
            current = current.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                raise _folder_error(path, exc) from exc
            self.created.append(path)

    def write(self, target: Path, write: Callable[[Path], None]) -> None:
        """Stage ``target``: write it to a temp file now, rename it at the end."""
        self.add(write_temp(target, write), target)

    def add(self, tmp: Path, target: Path) -> None:
        """Stage a temp file written elsewhere (e.g. by a child process) for ``target``."""
        self.pending.append((tmp, Path(target)))

    def commit(self) -> list[Path]:
        """Rename every staged file onto its target; return the paths written (also kept in
        ``written``). On the first failure the remaining temp files are removed and it is raised."""
        folders: set[Path] = set()
        with _ctrl_c_deferred():
            try:
                while self.pending:
                    tmp, target = self.pending[0]
                    written = _replace(tmp, target, self.on_locked)
                    self.pending.pop(0)
                    self.written.append(written)
                    folders.add(written.parent)
            finally:
                self.discard(keep_folders=True)
        for folder in sorted(folders):
            _fsync_dir(folder)
        return self.written

    def discard(self, keep_folders: bool = False) -> None:
        """Remove every staged temp file (and, unless ``keep_folders``, the folders this run made
        when they are empty)."""
        for tmp, _ in self.pending:
            _remove_quietly(tmp)
        self.pending.clear()
        if not keep_folders:
            for folder in reversed(self.created):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty: never anything that was there before
            self.created.clear()


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C back for the few renames that end a run; it takes effect right after them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.getsignal(signal.SIGINT)
    if previous is None:  # set outside Python: leave it be
        yield
        return
    signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


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


class OutputLock:
    """The lock file a run holds in its output folder while it writes there, so that two runs into
    the same folder at once never mix their files: the second stops with ``cli.output_busy``.

    The file holds the owner's process id and host. A lock whose process is gone (killed, the machine
    restarted) is stale and taken over; so is one from another machine older than
    :data:`STALE_AFTER` seconds, whose process cannot be asked.
    """

    def __init__(self, out: Path) -> None:
        self.path = Path(out) / LOCK_FILE
        self.held = False
        self._stamp = f"{os.getpid()} {socket.gethostname()} {secrets.token_hex(4)}"

    def acquire(self) -> None:
        """Take the lock (the output folder must exist); raise ``cli.output_busy`` when another
        living run holds it."""
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                owner = _lock_owner(self.path)
                if owner is not None:
                    raise OutputError("cli.output_busy", folder=str(self.path.parent), pid=owner) from None
                _remove_quietly(self.path)  # stale: its run is gone
                continue
            except OSError as exc:
                raise _folder_error(self.path.parent, exc) from exc
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self._stamp + "\n")
            self.held = True
            return
        raise OutputError("cli.output_busy", folder=str(self.path.parent), pid="?")

    def release(self) -> None:
        """Remove the lock file if it is still this run's."""
        if not self.held:
            return
        self.held = False
        try:
            if self.path.read_text(encoding="utf-8").strip() == self._stamp:
                self.path.unlink()
        except OSError:
            pass


#: A lock from another machine is taken over after this many seconds (a run takes minutes at most).
STALE_AFTER = 6 * 3600


def _lock_owner(path: Path) -> str | None:
    """The process id holding the lock at ``path``, or None when the lock is stale."""
    try:
        text = path.read_text(encoding="utf-8").split()
        age = time.time() - path.stat().st_mtime
    except OSError:
        return None
    if len(text) < 2 or not text[0].isdigit():
        # Being written this very moment, or damaged: stale only once it is old.
        return "?" if age < 60 else None
    pid, host = int(text[0]), text[1]
    if host != socket.gethostname():
        return text[0] if age < STALE_AFTER else None
    return text[0] if _process_alive(pid) else None


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return True
    return True


def _windows_process_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    process_query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def remove_leftover_temps(out: Path) -> list[Path]:
    """Remove the temp files a run killed outright (power cut, kill -9) left in ``out`` and its
    ``annotated`` folder. Call it holding the folder's :class:`OutputLock`: no living run owns them."""
    removed: list[Path] = []
    folders = [Path(out)]
    annotated = Path(out) / ANNOTATED_FOLDER
    if annotated.is_dir():
        folders += [Path(root) for root, _, _ in os.walk(annotated)]
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX) and entry.is_file(follow_symlinks=False):
                _remove_quietly(Path(entry.path))
                removed.append(Path(entry.path))
    return removed
