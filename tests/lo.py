"""Drive LibreOffice headless: recalculate, convert and render workbooks, and read what comes out.

Used by ``tests/test_libreoffice.py`` (the proof that our outputs open, recalculate and print in a real
spreadsheet program) and by ``scripts/render_docs.py`` (the user guide's pictures).

Every :class:`Office` owns a private LibreOffice profile, so that it never talks to a LibreOffice the
user has open (soffice hands its work to a running instance of the same profile) and so that its
settings are known. The profile is written with the formula "Recalculation on File Load" for Excel
2007+ and ODF files set to *always* (``OOXMLRecalcMode`` / ``ODFRecalcMode`` = 0; LibreOffice's
default is 1, *never*, and 2 asks, which fails a headless load): with it, every value LibreOffice
writes was computed by LibreOffice itself and none is copied from the cached values of our file.

PNG files are read with a small decoder built on :mod:`zlib` (8-bit greyscale/RGB/RGBA, the kinds
pdftoppm writes), so no imaging library is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: LibreOffice's values of ``org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode``.
RECALC_ALWAYS, RECALC_NEVER, RECALC_ASK = 0, 1, 2

#: Seconds one soffice call may take before it is stopped (a first start builds the profile).
DEFAULT_TIMEOUT = 240


def soffice_path() -> str | None:
    """The LibreOffice command, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def poppler_path(tool: str = "pdftoppm") -> str | None:
    """A poppler-utils command (pdftoppm, pdfinfo, pdftotext), or None when it is missing."""
    return shutil.which(tool)


def available() -> bool:
    """True when soffice and the poppler tools the checks use are all installed."""
    return soffice_path() is not None and all(poppler_path(t) for t in ("pdftoppm", "pdfinfo", "pdftotext"))


class OfficeError(RuntimeError):
    """A LibreOffice or poppler call failed; the message carries its output."""


def _profile_xcu(recalc: bool, locale: str | None) -> str:
    items = []
    mode = RECALC_ALWAYS if recalc else RECALC_NEVER
    for name in ("OOXMLRecalcMode", "ODFRecalcMode"):
        items.append(
            '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
            f'<prop oor:name="{name}" oor:op="fuse"><value>{mode}</value></prop></item>'
        )
    if locale:
        # The locale decides the decimal and thousands marks a number format shows (1.571,6 in vi-VN).
        items.append(
            '<item oor:path="/org.openoffice.Setup/L10N">'
            f'<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items)
        + "\n</oor:items>\n"
    )


def write_profile(profile: Path, recalc: bool = True, locale: str | None = None) -> Path:
    """Create a LibreOffice user profile in ``profile`` with the recalculation mode (and locale) set."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    xcu = user / "registrymodifications.xcu"
    xcu.write_text(_profile_xcu(recalc, locale), encoding="utf-8")
    return xcu


def _run(
    cmd: Sequence[str], timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command in its own process group so that a timeout stops soffice and its children."""
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise OfficeError(
            f"{cmd[0]} took more than {timeout:.0f}s: {' '.join(cmd[1:6])} ...\n{out}\n{err}"
        ) from None
    return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)


class Office:
    """LibreOffice headless with a private profile; each call converts many files at once."""

    def __init__(
        self,
        profile: Path,
        *,
        recalc: bool = True,
        locale: str | None = None,
        soffice: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        exe = soffice or soffice_path()
        if exe is None:
            raise OfficeError("LibreOffice (soffice) is not installed")
        self.soffice = exe
        self.profile = profile.resolve()
        self.timeout = timeout
        write_profile(self.profile, recalc=recalc, locale=locale)

    def convert(self, inputs: Sequence[Path], target: str, outdir: Path) -> list[Path]:
        """Convert ``inputs`` to ``target`` (e.g. ``"xlsx"``, ``"pdf"``) into ``outdir``, in one call.

        Returns the output paths in input order. Inputs must have distinct stems, since LibreOffice
        names each output after its input.
        """
        if not inputs:
            return []
        stems = [p.stem for p in inputs]
        if len(set(stems)) != len(stems):
            raise OfficeError(f"inputs with the same name would overwrite each other: {stems}")
        outdir.mkdir(parents=True, exist_ok=True)
        ext = target.split(":", 1)[0]
        expected = [outdir / f"{p.stem}.{ext}" for p in inputs]
        if any(e.resolve() == p.resolve() for e, p in zip(expected, inputs, strict=True)):
            raise OfficeError("the output folder must differ from the inputs' folder")
        cmd = [
            self.soffice,
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *(str(p) for p in inputs),
        ]
        env = dict(os.environ)
        # A desktop session's settings must not leak in; the profile holds everything we rely on.
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        done = _run(cmd, self.timeout, env)
        missing = [e for e in expected if not e.is_file() or e.stat().st_size == 0]
        if done.returncode != 0 or missing:
            raise OfficeError(
                f"soffice --convert-to {target} failed (exit {done.returncode}); missing: "
                f"{[m.name for m in missing]}\nstdout: {done.stdout}\nstderr: {done.stderr}"
            )
        return expected

    def recalc(self, inputs: Sequence[Path], outdir: Path) -> list[Path]:
        """Open each workbook (recalculating every formula), and save it again as .xlsx in ``outdir``."""
        return self.convert(inputs, "xlsx:Calc MS Excel 2007 XML", outdir)

    def pdf(self, inputs: Sequence[Path], outdir: Path) -> list[Path]:
        """Print each workbook (every sheet, with its own print set-up) to PDF in ``outdir``."""
        return self.convert(inputs, "pdf:calc_pdf_Export", outdir)


# ---- PDF (poppler-utils) ------------------------------------------------------------------------


def _tool(name: str) -> str:
    exe = poppler_path(name)
    if exe is None:
        raise OfficeError(f"{name} (poppler-utils) is not installed")
    return exe


@dataclass(frozen=True, slots=True)
class PageSize:
    """A PDF page's size in points (1/72 inch)."""

    width: float
    height: float

    @property
    def landscape(self) -> bool:
        """True when the page is wider than tall."""
        return self.width > self.height

    @property
    def is_a4(self) -> bool:
        """True for A4 in either orientation (595 x 842 pt, within a point)."""
        short, long_ = sorted((self.width, self.height))
        return abs(short - 595.3) < 1.5 and abs(long_ - 841.9) < 1.5


def pdf_page_sizes(pdf: Path) -> list[PageSize]:
    """The size of every page of ``pdf`` (so ``len()`` is the page count)."""
    info = _run([_tool("pdfinfo"), str(pdf)], 60)
    m = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    if info.returncode != 0 or not m:
        raise OfficeError(f"pdfinfo {pdf.name} failed: {info.stderr}")
    pages = int(m.group(1))
    if pages == 0:
        return []
    sizes = _run([_tool("pdfinfo"), "-f", "1", "-l", str(pages), str(pdf)], 60)
    found = re.findall(r"^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", sizes.stdout, re.M)
    if len(found) != pages:
        raise OfficeError(f"pdfinfo listed {len(found)} page sizes for {pages} pages of {pdf.name}")
    return [PageSize(float(w), float(h)) for w, h in found]


def pdf_page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext -layout; pages split on form feeds)."""
    done = _run([_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"], 60)
    if done.returncode != 0:
        raise OfficeError(f"pdftotext {pdf.name} failed: {done.stderr}")
    pages = done.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def render_png(
    pdf: Path,
    prefix: Path,
    dpi: int = 50,
    first: int | None = None,
    last: int | None = None,
    crop: tuple[int, int, int, int] | None = None,
    scale_to: int | None = None,
) -> list[Path]:
    """Render pages of ``pdf`` to ``<prefix>-<page>.png`` with pdftoppm; returns them in page order.

    ``crop`` is (x, y, width, height) in pixels at ``dpi``; ``scale_to`` fits the page's longer
    side to that many pixels instead of using ``dpi``.
    """
    cmd = [_tool("pdftoppm"), "-png"]
    if scale_to:
        cmd += ["-scale-to", str(scale_to)]
    else:
        cmd += ["-r", str(dpi)]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    if crop:
        x, y, w, h = crop
        cmd += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    prefix.parent.mkdir(parents=True, exist_ok=True)
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    done = _run([*cmd, str(pdf), str(prefix)], 120)
    if done.returncode != 0:
        raise OfficeError(f"pdftoppm {pdf.name} failed: {done.stderr}")
    # pdftoppm pads the page number to the width of the last page's number: x-1.png or x-01.png.
    pages = []
    for p in prefix.parent.glob(f"{prefix.name}-*.png"):
        m = re.fullmatch(re.escape(prefix.name) + r"-(\d+)\.png", p.name)
        if m:
            pages.append((int(m.group(1)), p))
    return [p for _, p in sorted(pages)]


# ---- PNG ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Png:
    """A decoded 8-bit PNG: ``rows[y]`` holds ``width * channels`` bytes."""

    width: int
    height: int
    channels: int  # 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
    rows: list[bytes]

    def rgb(self, x: int, y: int) -> tuple[int, int, int]:
        """The colour of one pixel (alpha ignored)."""
        c = self.channels
        px = self.rows[y][x * c : x * c + c]
        return (px[0], px[0], px[0]) if c <= 2 else (px[0], px[1], px[2])

    def count(self, colour: tuple[int, int, int], tolerance: int = 0) -> int:
        """How many pixels have ``colour`` (each channel within ``tolerance``)."""
        n = 0
        for y in range(self.height):
            for x in range(self.width):
                if all(abs(a - b) <= tolerance for a, b in zip(self.rgb(x, y), colour, strict=True)):
                    n += 1
        return n

    def ink(self, threshold: int = 250) -> float:
        """The share of pixels darker than ``threshold`` in some channel: 0.0 for a blank page."""
        c = self.channels
        colour = min(c, 3)
        dark = 0
        for row in self.rows:
            for x in range(0, len(row), c):
                if min(row[x : x + colour]) < threshold:
                    dark += 1
        return dark / max(1, self.width * self.height)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path: Path) -> Png:
    """Decode an 8-bit, non-interlaced PNG (what pdftoppm writes)."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path.name} is not a PNG file")
    pos = 8
    idat = bytearray()
    width = height = depth = colour_type = interlace = -1
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    channels = {0: 1, 4: 2, 2: 3, 6: 4}.get(colour_type)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"{path.name}: only 8-bit non-interlaced grey/RGB(A) PNGs are supported")
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                upleft = prev[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 0xFF
        elif ftype != 0:
            raise ValueError(f"{path.name}: bad PNG filter {ftype} on row {y}")
        rows.append(bytes(line))
        prev = line
    return Png(width, height, channels, rows)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``"F8CBAD"`` or ``"#F8CBAD"`` as an (r, g, b) tuple."""
    c = colour.lstrip("#")
    return (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16))
