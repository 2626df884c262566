"""Find the spreadsheets in an input folder, and say which files were skipped and why (SPEC 3).

Discovery only lists: it never opens a file (see :mod:`reconcile.find.safety` for the checks made before
a reader touches one). Every skipped file becomes a ``skipped_file`` finding whose params carry a
``reason_key`` (a ``reason.*`` catalogue key), so the message renders in either language.
"""

from __future__ import annotations

import filecmp
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import UsageError
from ..models import Finding
from .names import long_path, name_order, nfc, short_path

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")

#: Spreadsheet formats we recognise but cannot read; named in the finding so the fix is obvious.
UNSUPPORTED_SUFFIXES = (".xlsb", ".xltx", ".xltm", ".xlt", ".numbers", ".ots", ".fods", ".et")

#: The tool's own output files (SPEC 5). ``reconciliation (2).xlsx`` etc. are written when the
#: first is open in Excel (see :func:`reconcile.writers.atomic.atomic_write`); ``annotated/`` holds copies.
OUTPUT_NAMES = ("reconciliation.xlsx", "summary.csv", "findings.csv", "line_items.csv")
ANNOTATED_FOLDER = "annotated"
_OUTPUT_NAME_RE = re.compile(
    r"(reconciliation|summary|findings|line_items)(?: \([0-9]+\))?\.(xlsx|csv)", re.IGNORECASE
)

#: In the output folder: the list of annotated copies the tool wrote (see
#: :func:`reconcile.writers.output.remove_stale_copies`) and the lock a run holds while it writes there.
MANIFEST_FILE = ".reconcile-manifest.json"
LOCK_FILE = ".reconcile.lock"

#: Temp files of :func:`reconcile.writers.atomic.atomic_write` left behind by a killed run.
TEMP_PREFIX = ".~reconcile-"

#: Files the operating system or the tool itself puts in folders: never worth a finding.
_SILENT_NAMES = frozenset(
    {
        ".ds_store",
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        ".localized",
        "icon\r",
        "reconcile.toml",
        MANIFEST_FILE,
        LOCK_FILE,
        ".spotlight-v100",
        ".trashes",
        ".fseventsd",
        ".temporaryitems",
        ".documentrevisions-v100",
        "$recycle.bin",
        "system volume information",
    }
)

_WINDOWS_HIDDEN = 0x2  # FILE_ATTRIBUTE_HIDDEN


@dataclass(frozen=True)
class Discovered:
    """The spreadsheets to read, in a deterministic order, and why the other files were skipped."""

    files: list[Path]
    findings: list[Finding]


def is_output_name(name: str) -> bool:
    """True for the name of one of the tool's own output files (``reconciliation (2).xlsx`` too)."""
    return _OUTPUT_NAME_RE.fullmatch(name) is not None


def is_output_folder(names: Iterable[str]) -> bool:
    """True when a folder holding ``names`` is one the tool wrote its outputs into.

    Recognised by ``reconciliation.xlsx`` (or a numbered sibling), or by ``summary.csv`` together
    with ``findings.csv``: a lone ``summary.csv`` may well be an accountant's own file.
    """
    stems = set()
    for name in names:
        m = _OUTPUT_NAME_RE.fullmatch(name)
        if m:
            stems.add(m.group(1).lower())
    return "reconciliation" in stems or {"summary", "findings"} <= stems


def is_spreadsheet_name(name: str) -> bool:
    """True for a name with a spreadsheet's extension (one the tool reads or recognises)."""
    suffix = os.path.splitext(name.lower())[1]
    return suffix in SPREADSHEET_SUFFIXES or suffix in UNSUPPORTED_SUFFIXES


def skip_reason(name: str) -> str | None:
    """The reason key for skipping a file by its name alone; None when the name is a spreadsheet's.

    Returns ``""`` for operating-system clutter (Thumbs.db, .DS_Store, reconcile.toml) that is
    skipped without a word.
    """
    lower = name.lower()
    if lower in _SILENT_NAMES:
        return ""
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        return "reason.lock_file"
    if name.startswith("._"):
        return "reason.resource_fork"
    if name.startswith(TEMP_PREFIX):
        return "reason.own_output"
    if name.startswith("."):
        return "reason.hidden_file"
    suffix = os.path.splitext(lower)[1]
    if suffix in UNSUPPORTED_SUFFIXES:
        return "reason.unsupported_spreadsheet"
    if suffix not in SPREADSHEET_SUFFIXES:
        return "reason.not_spreadsheet"
    return None


def discover(folder: Path, exclude: Iterable[Path] = ()) -> Discovered:
    """Every spreadsheet under ``folder``, recursively, sorted by relative POSIX path.

    Lock files, macOS ``._`` files, hidden files and folders, the tool's own outputs (and anything
    under ``exclude``, e.g. an output folder inside the input folder) and files that are not
    spreadsheets are skipped with a ``skipped_file`` finding. File links are followed; a folder link
    back to a folder already walked is not. A sub-folder that cannot be listed becomes a finding.
    Raises :class:`~reconcile.errors.UsageError` (``cli.folder_missing``) when ``folder`` is not a
    folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError("cli.folder_missing", folder=str(folder))
    walker = _Walker(folder, exclude)
    walker.walk()
    return walker.result()


class _Walker:
    """One walk of an input folder; collects candidates, then sorts and de-duplicates them."""

    def __init__(self, root: Path, exclude: Iterable[Path]) -> None:
        self.root = root
        root_real = self.root_real = os.path.realpath(root)
        # An exclude path that holds the whole input folder cannot mean "skip everything": the
        # outputs sitting in it are recognised by name instead.
        self.exclude = [
            real for real in (os.path.realpath(p) for p in exclude) if not _is_within(root_real, real)
        ]
        self.visited: set[tuple[int, int]] = set()
        #: (relative name, path, whether a link lies between the root and the file)
        self.candidates: list[tuple[str, Path, bool]] = []
        self.findings: list[Finding] = []

    def skip(self, rel: str, reason_key: str, **params: object) -> None:
        self.findings.append(Finding("skipped_file", file=rel, params={"reason_key": reason_key, **params}))

    def walk(self) -> None:
        # An explicit stack, not recursion: a deep tree must not hit the recursion limit. Folder
        # links wait until every real folder is walked, so that a link (not its target) is the
        # one reported when both lead to the same folder.
        stack: list[tuple[Path, str, bool]] = [(self.root, "", False)]
        links: list[tuple[Path, str, bool]] = []
        while stack or links:
            path, rel, linked = stack.pop() if stack else links.pop()
            for child, child_rel, is_link in self._visit(path, rel, linked):
                (links if is_link else stack).append((child, child_rel, linked or is_link))

    def _real(self, path: Path, rel: str, linked: bool) -> str:
        """``os.path.realpath(path)``; where no link lies between the root and ``path`` (on POSIX),
        the root's real path joined with ``rel``, without realpath's lstat of every component."""
        if linked or os.name != "posix":
            # Windows junctions are no links to DirEntry.is_symlink, yet realpath resolves them.
            return os.path.realpath(path)
        return os.path.join(self.root_real, *rel.split("/")) if rel else self.root_real

    def _visit(self, path: Path, rel: str, linked: bool) -> list[tuple[Path, str, bool]]:
        """List one folder (reached through a link when ``linked``); record its files and return its
        sub-folders to walk, each with whether it is a link."""
        try:
            st = os.stat(path)
            key = (st.st_dev, st.st_ino)
            if key in self.visited:
                self.skip(rel, "reason.link_loop")
                return []
            self.visited.add(key)
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            self.skip(rel or ".", "reason.folder_unreadable")
            return []

        names = [e.name for e in entries]
        output_here = is_output_folder(names)
        if output_here and rel and all(_is_output_entry(name) for name in names):
            # A sub-folder holding nothing but our outputs: one line says it all.
            self.skip(rel, "reason.output_folder")
            return []
        subfolders: list[tuple[Path, str, bool]] = []
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            child = Path(long_path(entry.path))  # Windows: a deep folder's files stay reachable
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            is_link = _is_link(entry)
            if is_dir:
                if self._skip_folder(entry, child, child_rel, output_here, linked or is_link):
                    continue
                subfolders.append((child, child_rel, is_link))
                continue
            self._file(entry, child, child_rel, output_here, linked or is_link)
        # Reversed so that the stack pops them in name order (the final sort makes order exact).
        return subfolders[::-1]

    def _skip_folder(
        self, entry: os.DirEntry[str], child: Path, rel: str, output_here: bool, linked: bool
    ) -> bool:
        """True (with a finding where one is due) when a sub-folder is not to be walked."""
        name = entry.name
        lower = name.lower()
        if lower in _SILENT_NAMES:
            return True
        if self._excluded(child, rel, linked):
            if _has_entries(child):
                self.skip(rel, "reason.output_folder")
            return True
        if name.startswith(".") or _windows_hidden(entry):
            self.skip(rel, "reason.hidden_folder")
            return True
        if output_here and lower == ANNOTATED_FOLDER:
            if _has_entries(child):
                self.skip(rel, "reason.output_folder")
            return True
        return False

    def _file(self, entry: os.DirEntry[str], child: Path, rel: str, output_here: bool, linked: bool) -> None:
        name = entry.name
        reason = skip_reason(name)
        if reason == "":
            return
        if reason is None and _windows_hidden(entry):
            reason = "reason.hidden_file"
        if reason is None and (self._excluded(child, rel, linked) or (output_here and is_output_name(name))):
            reason = "reason.own_output"
        if reason is not None:
            params = (
                {"suffix": os.path.splitext(name)[1]} if reason == "reason.unsupported_spreadsheet" else {}
            )
            self.skip(rel, reason, **params)
            return
        try:
            st = os.stat(child)  # follows a file link
        except FileNotFoundError:
            self.skip(rel, "reason.broken_link")
            return
        except OSError:
            # Unreadable metadata: let the reader's pre-flight say precisely what is wrong.
            self.candidates.append((rel, child, linked))
            return
        if not stat.S_ISREG(st.st_mode):
            self.skip(rel, "reason.not_regular")
            return
        self.candidates.append((rel, child, linked))

    def _excluded(self, path: Path, rel: str, linked: bool) -> bool:
        if not self.exclude:
            return False
        real = self._real(path, rel, linked)
        return any(_is_within(real, ex) for ex in self.exclude)

    def result(self) -> Discovered:
        files: list[Path] = []
        seen: dict[str, str] = {}
        named: dict[str, tuple[str, Path]] = {}
        # Sorted by the composed (NFC) name, the composed twin first: the order, and so which file
        # wins a tie, is the same whether macOS (NFD) or Windows (NFC) wrote the names.
        for rel, path, linked in sorted(self.candidates, key=lambda c: name_order(c[0])):
            real = os.path.normcase(self._real(path, rel, linked))
            first = seen.get(real)
            if first is not None:
                self.skip(rel, "reason.same_file", other=first)
                continue
            # The same name written twice, composed and decomposed (a folder copied from a Mac
            # beside its original): one report when the bytes are the same too, read once.
            twin = named.get(nfc(rel))
            if twin is not None and _same_bytes(twin[1], path):
                self.skip(rel, "reason.same_name", other=twin[0])
                continue
            seen[real] = rel
            named.setdefault(nfc(rel), (rel, path))
            files.append(path)
        findings = sorted(self.findings, key=lambda f: (f.file or "", f.params.get("reason_key", "")))
        return Discovered(files=files, findings=findings)


def _same_bytes(a: Path, b: Path) -> bool:
    """True when files ``a`` and ``b`` hold the same bytes (False when either cannot be read)."""
    try:
        return os.stat(a).st_size == os.stat(b).st_size and filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _is_within(path: str, ancestor: str) -> bool:
    """True when real path ``path`` is ``ancestor`` or lies under it."""
    path, ancestor = os.path.normcase(short_path(path)), os.path.normcase(short_path(ancestor))
    try:
        return os.path.commonpath([path, ancestor]) == ancestor
    except ValueError:  # different drives on Windows
        return False


def _is_output_entry(name: str) -> bool:
    """True for what an output folder holds: outputs, their annotated copies, temp files, clutter."""
    lower = name.lower()
    return (
        is_output_name(name)
        or lower == ANNOTATED_FOLDER
        or name.startswith(TEMP_PREFIX)
        or lower in _SILENT_NAMES
        or name.startswith(("~$", ".~lock."))
    )


def _is_link(entry: os.DirEntry[str]) -> bool:
    """True when the entry is a link (or cannot be told apart from one)."""
    try:
        return entry.is_symlink()
    except OSError:
        return True


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as it:
            return any(True for _ in it)
    except OSError:
        return False


def _windows_hidden(entry: os.DirEntry[str]) -> bool:
    """True for a file or folder with the Windows "hidden" attribute (always False elsewhere)."""
    try:
        attrs = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attrs & _WINDOWS_HIDDEN)


def discover_paths(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> tuple[Path, Discovered]:
    """The spreadsheets named by ``paths`` (folders, files or both) and the folder their relative
    names start from: the folder itself when one folder is given, else the deepest folder holding
    every path.

    A file given by name is read even where a folder walk would skip it for its place (e.g. hidden
    folders), but a lock file, a non-spreadsheet or one of the tool's outputs is still skipped with a
    finding. Raises :class:`~reconcile.errors.UsageError` when a path does not exist.
    """
    given = [Path(p) for p in paths]
    for path in given:
        if not path.exists():
            key = "cli.file_missing" if is_spreadsheet_name(path.name) else "cli.folder_missing"
            raise UsageError(key, folder=str(path), file=str(path))
    if len(given) == 1 and given[0].is_dir():
        return given[0], discover(given[0], exclude)
    bases = [p if p.is_dir() else p.parent for p in given]
    root = Path(os.path.commonpath([os.path.abspath(b) for b in bases]))
    findings: list[Finding] = []
    candidates: list[tuple[str, Path]] = []
    for path in given:
        rel = _rel_to(path, root)
        if path.is_dir():
            found = discover(path, exclude)
            prefix = "" if rel == "." else rel + "/"
            findings += [
                replace(f, file=prefix + f.file if f.file and f.file != "." else rel) for f in found.findings
            ]
            candidates += [(_rel_to(p, root), p) for p in found.files]
            continue
        reason = skip_reason(path.name)
        if reason is None and not path.is_file():
            reason = "reason.not_regular"
        if reason:
            params = {"suffix": path.suffix} if reason == "reason.unsupported_spreadsheet" else {}
            findings.append(Finding("skipped_file", file=rel, params={"reason_key": reason, **params}))
        elif reason is None:
            candidates.append((rel, path))
    files: list[Path] = []
    seen: dict[str, str] = {}
    for rel, path in sorted(candidates, key=lambda c: c[0]):
        real = os.path.normcase(os.path.realpath(path))
        if real in seen:
            if seen[real] != rel:
                findings.append(
                    Finding(
                        "skipped_file",
                        file=rel,
                        params={"reason_key": "reason.same_file", "other": seen[real]},
                    )
                )
            continue
        seen[real] = rel
        files.append(path)
    findings.sort(key=lambda f: (f.file or "", f.params.get("reason_key", "")))
    return root, Discovered(files=files, findings=findings)


def _rel_to(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, POSIX separators (``.`` for the root itself)."""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()
