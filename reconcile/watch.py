"""``reconcile watch``: run once, then again whenever a spreadsheet of the folder is added, changed or
removed (SPEC 11).

What decides a run is the list of spreadsheets the run itself would read (:func:`discover`, which
already leaves out the tool's outputs, lock files such as ``~$báo cáo.xlsx`` and temporary files),
each with its size and modification time. File events (watchfiles) or, where they cannot be relied
upon, a timer only say when to look again. A change is acted upon once that list has stayed the same
for ``settle`` seconds: a file still being copied keeps changing size and time, so it is never read
half-written. Events in the output folder, or on files the run does not read, change nothing in the
list and cause no run. The list also holds the folder's ``reconcile.toml`` (its settings change the
figures). Nothing else does: without --as-of the figures are judged at the folder's latest period, not
at today's date, so a watch left open for days has nothing to run again for.

Runs go through :func:`reconcile.run.run_once` with the read cache, so that a run after one new file
reads that file only. A run that fails (the folder emptied, an output open in Excel) says why and
the watch goes on. Ctrl-C ends the watch between or during runs: outputs are written to temporary
files and renamed (reconcile/atomic.py), so an interrupted run leaves the previous outputs whole, and
the closing line says which of the two happened (during a run: that run wrote nothing, exit 130 as
``run``'s Ctrl-C; between runs: the last completed run's outputs are there, exit 0).
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME
from .find.discover import discover
from .messages import msg

#: (size, modification time in ns) of each spreadsheet, by its name relative to the folder.
Snapshot = dict[str, tuple[int, int]]

#: File systems whose changes other machines make are not reported as events: watched by polling.
NETWORK_FS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "9p", "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2",
     "afs", "ncpfs", "fuse.rclone", "fuse.gvfsd-fuse", "ceph", "glusterfs", "fuse.glusterfs", "lustre"}
)  # fmt: skip


def snapshot(folder: Path, out: Path) -> Snapshot:
    """The spreadsheets a run of ``folder`` would read, and the folder's ``reconcile.toml`` (its
    settings change the figures too), with their sizes and times."""
    from .read.reader import relative_name

    snap: Snapshot = {}
    try:
        found = discover(folder, [out])
    except Exception:  # the folder vanished or cannot be listed: nothing to read for now
        return snap
    for path in [*found.files, folder / CONFIG_NAME]:
        try:
            st = path.stat()
        except OSError:
            continue  # removed between the listing and now (or no reconcile.toml)
        snap[relative_name(path, folder)] = (st.st_size, st.st_mtime_ns)
    return snap


def spreadsheets(snap: Snapshot) -> int:
    """How many spreadsheets a snapshot holds (it also holds ``reconcile.toml``, when there is one)."""
    return len(snap) - (CONFIG_NAME in snap)


@dataclass(slots=True)
class Changes:
    """What differs between two snapshots, by relative name."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def compare(before: Snapshot, after: Snapshot) -> Changes:
    """The files added, changed and removed from ``before`` to ``after``."""
    return Changes(
        added=sorted(set(after) - set(before)),
        changed=sorted(k for k in set(after) & set(before) if after[k] != before[k]),
        removed=sorted(set(before) - set(after)),
    )


def is_network_folder(folder: Path) -> bool:
    """Whether ``folder`` is on a network drive (UNC path or a mapped drive on Windows, a network
    file system on Linux), where file events from other machines do not arrive."""
    try:
        resolved = folder.resolve()
    except OSError:
        return False
    text = str(resolved)
    if sys.platform == "win32":
        if text.startswith("\\\\"):
            return True
        try:
            import ctypes

            drive = os.path.splitdrive(text)[0] + "\\"
            return int(ctypes.windll.kernel32.GetDriveTypeW(drive)) == 4  # type: ignore[attr-defined]
        except Exception:
            return False
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
            mounts = [line.split() for line in fh]
    except OSError:
        return False
    best, kind = "", ""
    for parts in mounts:
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (text == point or text.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind in NETWORK_FS


def wakeups(folder: Path, poll: bool, interval: float, stop: threading.Event) -> Iterator[bool]:
    """Whether something may have changed under ``folder``, each time there may be news: on file
    events (watchfiles; False every ``interval`` seconds without any, so that ``stop`` is seen), or
    True every ``interval`` seconds when polling. Ends when ``stop`` is set."""
    if not poll:
        try:
            import watchfiles
        except ImportError:
            poll = True
    if poll:
        while not stop.wait(interval):
            yield True
        return
    for changes in watchfiles.watch(
        folder,
        watch_filter=None,
        stop_event=stop,
        debounce=int(interval * 1000),
        step=50,
        rust_timeout=int(interval * 1000),
        yield_on_timeout=True,
        raise_interrupt=True,
        recursive=True,
    ):
        yield bool(changes)


@dataclass(slots=True)
class WatchOptions:
    """How the watch looks and runs."""

    poll: bool = False
    #: Seconds the list of spreadsheets must stay the same before a run.
    settle: float = 2.0
    #: Seconds between looks when polling (with events: how soon a stop is seen).
    interval: float = 1.0
    #: Stop after this many runs (tests); None: until Ctrl-C or ``stop``.
    max_runs: int | None = None
    stop: threading.Event = field(default_factory=threading.Event)


RunOnce = Callable[[], tuple[str, int]]
#: Seconds after which the folder is looked at even without events.
RECHECK = 30.0


def watch(
    folder: Path,
    out: Path,
    run: RunOnce,
    lang: str,
    options: WatchOptions,
    echo: Callable[[str], None],
) -> int:
    """Run, then run again on every settled change until ``options.stop`` is set or
    ``options.max_runs`` runs are done; returns the number of runs."""
    runs = 0
    last = _settled(folder, out, options, {})
    if last is None:
        return runs
    runs += _run(run, lang, echo, msg("watch.first", lang, files=spreadsheets(last)))
    events = wakeups(folder, options.poll, options.interval, options.stop)
    # Events start with the watcher, after the first run: what changed before is seen by looking
    # at the first wake-up; looking every RECHECK seconds anyway catches events a system dropped.
    looked = -math.inf
    while options.max_runs is None or runs < options.max_runs:
        news = next(events, None)
        if news is None or options.stop.is_set():
            break
        if not news and time.monotonic() - looked < RECHECK:
            continue
        looked = time.monotonic()
        now = snapshot(folder, out)
        if not compare(last, now):
            continue
        settled = _settled(folder, out, options, now)
        if settled is None:
            break
        changes = compare(last, settled)
        if not changes:
            continue  # a file came and went, or was saved again unchanged in size and time
        last = settled
        runs += _run(run, lang, echo, _describe(changes, lang))
    return runs


def _settled(folder: Path, out: Path, options: WatchOptions, seen: Snapshot) -> Snapshot | None:
    """The folder's snapshot once it has stayed the same for ``options.settle`` seconds (None when
    stopped meanwhile)."""
    current = seen or snapshot(folder, out)
    since = time.monotonic()
    step = min(options.interval, options.settle / 4) if options.settle > 0 else 0
    while time.monotonic() - since < options.settle:
        if options.stop.wait(step):
            return None
        now = snapshot(folder, out)
        if now != current:
            current, since = now, time.monotonic()
    return current


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C came while a run was under way (not between runs): that run wrote nothing."""


def _run(run: RunOnce, lang: str, echo: Callable[[str], None], why: str) -> int:
    """One run, and its one line: why it ran, then its closing line or why it failed (the watch
    goes on)."""
    from .errors import ReconcileError

    try:
        line, _code = run()
    except KeyboardInterrupt:
        raise RunInterrupted from None
    except ReconcileError as exc:
        line = exc.message(lang)
    except SystemExit:
        line = msg("watch.nothing", lang)  # the run said why on stderr
    echo(f"[{time.strftime('%H:%M:%S')}] {why} → {line}")
    return 1


def _describe(changes: Changes, lang: str) -> str:
    parts = []
    for key, names in (("watch.added", changes.added), ("watch.changed", changes.changed),
                       ("watch.removed", changes.removed)):  # fmt: skip
        if names:
            shown = ", ".join(names[:3]) + (f", … (+{len(names) - 3})" if len(names) > 3 else "")
            parts.append(msg(key, lang, n=len(names), names=shown))
    return "; ".join(parts)


def run_watch(
    folder: Path, out: Path, settings: Any, run_once: Callable[[], tuple[str, int]], poll: bool
) -> int:
    """``reconcile watch``: announces the mode, watches until Ctrl-C (each run is ``run_once``: the
    command's own run, handed in by the CLI), says that it stopped."""
    import click

    from .errors import EXIT_INTERRUPTED, UsageError

    lang = settings.lang
    if not folder.is_dir():
        raise UsageError("cli.folder_missing", folder=str(folder))
    network = not poll and is_network_folder(folder)
    # Listing a network folder costs more: polled every 3 s.
    options = WatchOptions(poll=poll or network, interval=3.0 if poll or network else 1.0)
    if options.poll:
        click.echo(msg("watch.polling_network" if network else "watch.polling", lang))
    click.echo(msg("watch.started", lang, folder=str(folder), out=str(out)))
    from .cache import keep_decoded

    keep_decoded(True)  # the next run decodes only the cache entries that changed
    try:
        watch(
            folder,
            out,
            run_once,
            lang,
            options,
            lambda line: click.echo(line),
        )
    except KeyboardInterrupt as exc:
        options.stop.set()
        keep_decoded(False)
        if sys.stdout.isatty():
            click.echo("")  # past the ^C the terminal printed
        if isinstance(exc, RunInterrupted):
            # As `run` says on Ctrl-C: outputs are renamed into place only at the end of a run, so
            # the one stopped left nothing, and whatever an earlier run wrote is still there.
            key = "watch.stopped_in_run" if _has_outputs(out) else "watch.stopped_before_output"
            click.echo(msg(key, lang, out=str(out)))
            return EXIT_INTERRUPTED
    keep_decoded(False)
    # Stopped between runs, or before the first: no run's outputs when none could be written yet.
    click.echo(msg("watch.stopped" if _has_outputs(out) else "watch.stopped_empty", lang, out=str(out)))
    return 0


def _has_outputs(out: Path) -> bool:
    from .writers.output import WORKBOOK_NAME

    return (out / WORKBOOK_NAME).is_file()
