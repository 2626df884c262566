"""Make the guide's picture of the one-file program's window (docs/images/cua-so-reconcile-exe.png).

Usage: ``python scripts/render_console.py`` (needs Pillow, ``pip install pillow``, and the Noto Mono
font, ``apt-get install fonts-noto-mono``).

The words are the program's own: the double-click path (``reconcile.frozen.double_click``) runs on a
copy of ``workbooks/`` in a folder named "Báo cáo 2023", and its lines are drawn as a Windows console
window would show them. Only the folder is shown as it would be on an accountant's computer
(``C:\\Users\\ketoan\\Desktop\\Báo cáo 2023``) instead of the temporary folder the run used.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reconcile.frozen import double_click  # noqa: E402

OUT = ROOT / "docs" / "images" / "cua-so-reconcile-exe.png"
FOLDER = "Báo cáo 2023"
SHOWN = "C:\\Users\\ketoan\\Desktop\\" + FOLDER
#: A monospaced font with the Vietnamese letters (Debian: fonts-noto-mono), as Consolas on Windows.
FONT = "/usr/share/fonts/truetype/noto/NotoMono-Regular.ttf"
TITLE_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
COLUMNS = 92


def console_lines() -> list[str]:
    """The lines the program prints when double-clicked beside a workbooks/ folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / FOLDER
        shutil.copytree(ROOT / "workbooks", folder / "workbooks")
        lines: list[str] = []
        double_click(folder, open_file=None, wait=lambda: None, echo=lines.append)
    shown = []
    for line in lines:
        line = line.replace(str(folder / "workbooks"), SHOWN + "\\workbooks")
        line = line.replace(
            str(folder / "output" / "reconciliation.xlsx"), SHOWN + "\\output\\reconciliation.xlsx"
        )
        line = line.replace(str(folder / "output"), SHOWN + "\\output")
        shown.extend(textwrap.wrap(line, COLUMNS) or [""])
    return shown


def draw(lines: list[str], out: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 15)
    title_font = ImageFont.truetype(TITLE_FONT, 13)
    char_w = font.getlength("M")
    line_h = 21
    pad, bar = 12, 32
    width = int(char_w * COLUMNS + 2 * pad)
    height = bar + pad + line_h * (len(lines) + 1) + pad
    img = Image.new("RGB", (width, height), "#0c0c0c")
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, width, bar], fill="#f3f3f3")
    d.text((pad, 9), SHOWN + "\\reconcile.exe", font=title_font, fill="#1a1a1a")
    for i, glyph in enumerate(("—", "☐", "✕")):
        d.text((width - 110 + i * 36, 7), glyph, font=title_font, fill="#1a1a1a")
    y = bar + pad
    for line in lines:
        d.text((pad, y), line, font=font, fill="#cccccc")
        y += line_h
    d.rectangle([pad, y + 3, pad + char_w, y + line_h - 3], fill="#cccccc")  # the cursor
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, optimize=True)


def main() -> None:
    lines = console_lines()
    draw(lines, OUT)
    print(f"{OUT} ({OUT.stat().st_size // 1000} KB)")


if __name__ == "__main__":
    main()
