"""Build the one-file program: ``dist/reconcile`` (``dist/reconcile.exe`` on Windows).

    pip install -e ".[build]"
    python scripts/build_exe.py [--dist DIR]

Started with arguments the program is the ``reconcile`` command; double-clicked in a folder of monthly
reports it reconciles that folder (see ``reconcile/frozen.py``). Its build files go to
``build/pyinstaller``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "reconcile"

#: Installed beside the tool for its tests or by other packages (Pillow: openpyxl keeps images with it,
#: the installed command has none), never needed by it: left out so
#: that the program stays small (PyInstaller would otherwise follow pandas' optional imports).
EXCLUDED = ("pytest", "_pytest", "hypothesis", "mypy", "IPython", "tkinter", "matplotlib", "pyarrow", "PIL")

#: Imported by name at run time (find/zipparts.py loads isal's zlib with importlib).
HIDDEN = ("isal.isal_zlib",)

#: Packages whose data files the program needs: python-docx opens its blank document and header
#: parts (docx/templates) to write the review report.
DATA = ("docx",)


#: Folders that must exist in the unpacked program although they hold only modules (kept in the
#: archive, not on disk): python-docx finds its header and footer templates at
#: ``docx/parts/../templates``, a path that only resolves when ``docx/parts`` is a real folder.
DATA_FOLDERS = (("docx", "parts"),)


def _marker(package: str, folder: str) -> Path:
    """A file of ``package/folder`` to copy there, so that the folder exists in the program."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / folder / "__init__.py"


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller; return the program's path."""
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        sys.exit('PyInstaller is not installed: pip install -e ".[build]"')
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        entry = Path(tmp) / "reconcile_exe.py"
        entry.write_text("from reconcile.frozen import main\n\nmain()\n", encoding="utf-8")
        args = [
            str(entry),
            "--onefile",
            "--console",  # a window for the Vietnamese messages and the closing key press
            "--name",
            NAME,
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            "--specpath",
            str(work),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--paths",
            str(ROOT),
        ]
        for module in EXCLUDED:
            args += ["--exclude-module", module]
        for module in HIDDEN:
            args += ["--hidden-import", module]
        for package in DATA:
            args += ["--collect-data", package]
        for package, folder in DATA_FOLDERS:
            args += ["--add-data", f"{_marker(package, folder)}{os.pathsep}{package}/{folder}"]
        pyinstaller.run(args)
    return dist / (NAME + (".exe" if sys.platform == "win32" else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the program goes")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="build files")
    args = parser.parse_args()
    start = time.perf_counter()
    program = build(args.dist.resolve(), args.work.resolve())
    size = program.stat().st_size / 1e6
    print(f"built {program} ({size:.1f} MB) in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
