"""Make the user guide's pictures (docs/images/*.png) from a real run, printed by LibreOffice.

Usage: ``python scripts/render_docs.py [--keep DIR]``

1. Copies the sample reports in ``workbooks/`` to a temporary folder and plants two typing mistakes
   so that the findings sheet and the annotated copy have something to show (``MISTAKES``): in the
   September report, the disbursement of "Dự án 6" under the 2022 funds is typed as 1.045,7 over its
   formulas (Tổng số F11 and NSTW G11) while its sub-project says 1.054,7 — two ``total_mismatch``
   errors — and the rate of "Tiểu dự án 2" (I15) is typed 6,02 instead of 60,2 — a
   ``rate_mismatch`` warning. LibreOffice then recalculates and saves that file, as Excel would when
   the accountant saves it, so its other formulas keep true cached values.
2. Runs ``reconcile run`` on the folder (the real command, in a subprocess).
   A Treasury statement of the unit's figures (one planted difference, one unmapped code) and the
   ``[treasury.codes]`` that map its rows go beside the reports (``plant_statement``).
3. Prints ``reconciliation.xlsx`` and the September annotated copy to PDF with LibreOffice (Vietnamese
   locale, so amounts show as 1.571,6), finds each sheet's page by its title, and renders the page to
   PNG with pdftoppm, cropped to the printed content, at the sharpest resolution that stays under 240 KB.

4. For the section on the sheets the tool reads: builds a public-investment tracker (``build_tracker``:
   a board's "THEO DÕI GIẢI NGÂN" with project codes, budget-year column groups, a remaining column,
   two groups, a hand-typed group total that is wrong and an over-disbursed project), runs
   ``reconcile run`` on it alone, and prints the tracker and that run's Tổng hợp sheet the same way.

Needs LibreOffice (``soffice``) and poppler-utils (``pdftoppm``, ``pdfinfo``, ``pdftotext``). The names
of the pictures are fixed (see ``PICTURES``); rerunning replaces them.
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reconcile.messages import msg  # noqa: E402
from tests import lo  # noqa: E402

IMAGES = ROOT / "docs" / "images"
SEPTEMBER = "Báo cáo tháng 9 năm 2023.xlsx"
#: The planted mistakes of the September report's sheet T9: cell -> the value typed over its formula.
MISTAKES: dict[str, float] = {"F11": 1045.7, "G11": 1045.7, "I15": 6.02}
MISTAKE_SHEET = "T9"

#: Size bound of a picture (bytes) and the resolutions tried to meet it: the sharpest that fits.
MAX_BYTES = 240_000
MIN_DPI, MAX_DPI = 60, 200
#: Resolution at which the printed content's bounding box is measured.
PROBE_DPI = 100
#: The bottom of a page holds the page number ("Trang 1/4"), which pictures leave out.
FOOTER_SHARE = 0.08
MARGIN_PT = 8


@dataclass(frozen=True, slots=True)
class Picture:
    """One picture: which printed page of which output, and how much of it."""

    name: str
    source: str  # "workbook", "annotated" or "report"
    title: str  # text that the page shows (a sheet's title)
    max_height_pt: float | None = None  # keep only the top of the content
    whole_page_dpi: int | None = None  # the whole printed page as it comes out, at this resolution
    max_bytes: int = MAX_BYTES  # the picture's size bound


PICTURES: tuple[Picture, ...] = (
    Picture("tong-hop.png", "workbook", msg("wb.title")),
    # The printable summary: the whole A4 page, header, signatures and page number included.
    Picture("ban-in-tong-hop.png", "workbook", msg("wb.print.prepared_by"), whole_page_dpi=80),
    Picture("tien-do-theo-thang.png", "workbook", msg("wb.progress_title")),
    Picture("canh-bao.png", "workbook", msg("wb.findings_title")),
    Picture("du-lieu.png", "workbook", msg("wb.data_title"), max_height_pt=170),
    Picture("ban-sao-co-ghi-chu.png", "annotated", "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN"),
    Picture("ke-hoach-von-theo-nam.png", "workbook", msg("ledger.title")),
    Picture("doi-chieu-kho-bac.png", "workbook", msg("treasury.title")),
    Picture("bao-cao-ra-soat.png", "report", "KẾT QUẢ THỰC HIỆN"),
    Picture("bieu-theo-doi-du-an.png", "tracker", "THEO DÕI GIẢI NGÂN KẾ HOẠCH VỐN", max_bytes=180_000),
    Picture("tong-hop-bieu-theo-doi.png", "tracker_workbook", msg("wb.title_any"), max_bytes=180_000),
)
#: The pictures' sources made by the run on the sample reports, and by the run on the tracker alone.
SAMPLE_SOURCES = ("workbook", "annotated", "report")
TRACKER_SOURCES = ("tracker", "tracker_workbook")

TRACKER = "Theo dõi giải ngân đầu tư công 2026.xlsx"
TRACKER_UNIT = "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG HUYỆN AN BÌNH"
#: STT, Tên dự án, Mã dự án, KHV giao (2025 kéo dài, 2026), đã giải ngân (2025 kéo dài, 2026); the
#: Tổng and the remaining column are worked out, group rows sum their projects.
TRACKER_ROWS: tuple[tuple[str, str, str, tuple[int, int], tuple[int, int]], ...] = (
    ("I", "Dự án chuyển tiếp", "", (0, 0), (0, 0)),
    ("1", "Đường giao thông liên xã An Phú - Tân Lập", "8119291", (460, 1000), (219, 350)),
    ("2", "Kè chống sạt lở sông Cầu đoạn qua xã Bình Minh", "8120455", (0, 1000), (0, 500)),
    ("3", "Trạm y tế xã Tân Lập", "8120782", (120, 380), (120, 95)),
    ("II", "Dự án khởi công mới", "", (0, 0), (0, 0)),
    ("1", "Trường THCS An Bình (nhà lớp học 3 tầng)", "8201133", (0, 219), (0, 460)),
    ("2", "Nhà văn hóa xã Bình Minh", "8201140", (0, 500), (0, 100)),
    ("3", "Cầu Khe Lim", "8201167", (0, 650), (0, 130)),
)
#: The hand-typed KHV giao "Tổng" of group I, 100 above its projects: a total_mismatch to show.
TRACKER_TYPO = 3060

#: The Treasury statement planted beside the reports (SPEC 9), its date, and the programme codes of
#: the unit's sub-projects; the statement agrees with the September report except for PLANTED.
STATEMENT = "Kho bạc/Bảng đối chiếu dự toán 01-SDKP đến 15-10-2023.xlsx"
STATEMENT_DATE = (2023, 10, 15)
CODES = {(6, 1): "0361", (6, 2): "0362", (7, 1): "0371", (7, 2): "0372"}
#: (budget year, project, sub-project) -> triệu đồng the Treasury's cumulative use is above the report.
PLANTED = {(2023, 6, 1): 25.0}
UNMAPPED = {"code": "0399", "allocated": 12_000_000, "used": 3_500_000}


def plant_mistake(folder: Path, office: lo.Office, scratch: Path) -> None:
    """Type the wrong figures into the September report and let LibreOffice recalculate and save it."""
    path = folder / SEPTEMBER
    wb = openpyxl.load_workbook(path)
    for cell, typed in MISTAKES.items():
        wb[MISTAKE_SHEET][cell].value = typed
    edited = scratch / "edited" / "t9.xlsx"
    edited.parent.mkdir(parents=True, exist_ok=True)
    wb.save(edited)
    (saved,) = office.recalc([edited], scratch / "saved")
    shutil.copyfile(saved, path)


def plant_statement(folder: Path) -> None:
    """A Treasury statement (Mẫu 01-SDKP/ĐVDT) of the unit's figures at 30/9, amounts in đồng, with
    one planted difference and one code not in ``[treasury.codes]``, and the codes in reconcile.toml."""
    import datetime as dt

    from reconcile.models import Settings, is_missing
    from reconcile.pipeline import run_folder
    from reconcile.writers.treasury_template import build_statement

    result = run_folder(folder, Settings())
    totals: dict[tuple[int, int, int], list[float]] = {}
    for r in result.latest.to_dict("records"):
        key = (
            int(r["budget_year"]),
            int(r["project"]),
            0 if is_missing(r["sub_project"]) else int(r["sub_project"]),
        )
        figures = totals.setdefault(key, [0.0, 0.0])
        figures[0] += float(r["allocated"])
        figures[1] += float(r["disbursed"])
    year = STATEMENT_DATE[0]
    rows = []
    for (budget, project, sub), (allocated, used) in sorted(totals.items()):
        used += PLANTED.get((budget, project, sub), 0.0)
        column = "brought_forward" if budget < year else "allocated"
        rows.append(
            {
                "source_code": "12",
                "code": CODES[(project, sub)],
                column: round(allocated * 1e6),
                "used": round(used * 1e6),
            }
        )
    rows.append(UNMAPPED)
    path = folder / STATEMENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_statement(result.units[0], dt.date(*STATEMENT_DATE), rows, as_text=True))
    lines = ["[treasury.codes]"] + [f'"{code}" = "{p}.{s}"' for (p, s), code in sorted(CODES.items())]
    (folder / "reconcile.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_tracker(path: Path) -> None:
    """A public-investment tracker as a project board keeps it: title with the year only beside the
    date line, a merged two-row header, "Tổng | 2025 kéo dài | 2026" groups, "KHV còn lại", a rate."""
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Theo dõi GN 2026"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name="Times New Roman", size=11), Font(name="Times New Roman", size=11, bold=True)
    ws["A1"] = "UBND HUYỆN AN BÌNH"
    ws["A2"] = TRACKER_UNIT
    ws["A4"] = "THEO DÕI GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2026"
    ws["A5"] = "(Số liệu đến ngày 30/9/2026)"
    ws["J6"] = "Đơn vị tính: triệu đồng"
    ws.merge_cells("A4:K4")
    ws.merge_cells("A5:K5")
    for cell, bold_text in (("A1", False), ("A2", True), ("A4", True), ("A5", False), ("J6", False)):
        ws[cell].font = Font(
            name="Times New Roman",
            size=12 if cell == "A4" else 11,
            bold=bold_text,
            italic=cell in ("A5", "J6"),
        )
    for cell in ("A4", "A5"):
        ws[cell].alignment = Alignment(horizontal="center")
    heads = {
        "A7": "STT",
        "B7": "Tên dự án",
        "C7": "Mã dự án",
        "J7": "KHV còn lại",
        "K7": "Tỷ lệ giải ngân (%)",
    }
    for cell, text in heads.items():
        ws[cell] = text
        ws.merge_cells(f"{cell}:{cell[0]}8")
    ws["D7"], ws["G7"] = "KHV giao", "Số đã giải ngân"
    ws.merge_cells("D7:F7")
    ws.merge_cells("G7:I7")
    for first in ("D", "G"):
        for k, text in enumerate(("Tổng", "2025 kéo dài", "2026")):
            ws[f"{chr(ord(first) + k)}8"] = text
    rows: list[list[object]] = []
    groups: list[int] = []
    for stt, name, code, alloc, disb in TRACKER_ROWS:
        if code == "":
            groups.append(len(rows))
            rows.append([stt, name, None, 0, 0, 0, 0, 0, 0, 0, None])
            continue
        line: list[object] = [stt, name, code, sum(alloc), alloc[0] or None, alloc[1]]
        line += [sum(disb), disb[0] or None, disb[1], sum(alloc) - sum(disb)]
        line.append(round(sum(disb) / sum(alloc) * 100, 2))
        group = rows[groups[-1]]
        for col in range(3, 10):
            group[col] = int(group[col] or 0) + int(line[col] or 0)  # type: ignore[call-overload]
        rows.append(line)
    total: list[object] = (
        ["", "TỔNG CỘNG", None]
        + [
            sum(int(rows[g][c] or 0) for g in groups)
            for c in range(3, 10)  # type: ignore[call-overload]
        ]
        + [None]
    )
    for line in [total, *(rows[g] for g in groups)]:
        line[10] = round(int(line[6]) / int(line[3]) * 100, 2)  # type: ignore[call-overload]
        for c in (4, 7):
            line[c] = line[c] or None
    rows[groups[0]][3] = TRACKER_TYPO
    for r, line in enumerate([total, *rows], start=9):
        strong = line[2] is None
        for c, value in enumerate(line, start=1):
            cell = ws.cell(r, c, value)
            cell.border, cell.font = box, bold if strong else font
            if c >= 4:
                cell.number_format = "#,##0.00" if c == 11 else "#,##0"
            if c == 2:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=7, max_row=8, max_col=11):
        for cell in row:
            cell.border, cell.font = box, bold
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col, width in zip("ABCDEFGHIJK", (5, 48, 10, 9, 11, 9, 9, 11, 9, 9, 10), strict=True):
        ws.column_dimensions[col].width = width
    # LibreOffice prints a row at the height it was saved with: the two header rows hold two lines.
    ws.row_dimensions[7].height = ws.row_dimensions[8].height = 30
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(path)


def run_reconcile(folder: Path, out: Path, *extra: str) -> str:
    """``reconcile run FOLDER --out OUT`` in a subprocess; returns what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "reconcile.cli", "run", str(folder), "--out", str(out), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"reconcile run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def content_box(
    pdf: Path, page: int, scratch: Path, max_height_pt: float | None
) -> tuple[float, float, float, float]:
    """The printed content of a page as (x, y, width, height) in points, page number left out."""
    (probe,) = lo.render_png(pdf, scratch / f"probe-{pdf.stem}-{page}", dpi=PROBE_DPI, first=page, last=page)
    png = lo.read_png(probe)
    limit = int(png.height * (1 - FOOTER_SHARE))
    c = png.channels
    x_min, x_max, inked = png.width, -1, []
    for y in range(limit):
        row = png.rows[y]
        dark = [x for x in range(png.width) if min(row[x * c : x * c + min(c, 3)]) < 235]
        if dark:
            inked.append(y)
            x_min, x_max = min(x_min, dark[0]), max(x_max, dark[-1])
    if not inked:
        raise SystemExit(f"page {page} of {pdf.name} is blank")
    pt = 72 / PROBE_DPI
    top, bottom = inked[0], inked[-1] + 1
    if max_height_pt is not None and (bottom - top) * pt > max_height_pt:
        # Cut in a blank gap between two lines of text, never through one.
        cut = top + int(max_height_pt / pt)
        ink = set(inked)
        while cut > top and cut in ink:
            cut -= 1
        bottom = cut
    x0, y0 = max(x_min * pt - MARGIN_PT, 0.0), max(top * pt - MARGIN_PT, 0.0)
    x1 = (x_max + 1) * pt + MARGIN_PT
    y1 = bottom * pt + (MARGIN_PT if max_height_pt is None else 1)
    return (x0, y0, x1 - x0, y1 - y0)


def render(pdf: Path, page: int, box: tuple[float, float, float, float], dpi: int, scratch: Path) -> Path:
    """Render the box of one page at ``dpi`` (pdftoppm crops in pixels at the output resolution)."""
    px = dpi / 72
    crop = (round(box[0] * px), round(box[1] * px), round(box[2] * px), round(box[3] * px))
    (png,) = lo.render_png(
        pdf, scratch / f"{pdf.stem}-{page}-{dpi}", dpi=dpi, first=page, last=page, crop=crop
    )
    return png


def sized(
    pdf: Path, page: int, box: tuple[float, float, float, float], scratch: Path, max_bytes: int = MAX_BYTES
) -> tuple[Path, int]:
    """The sharpest rendering (up to MAX_DPI) whose file stays under ``max_bytes``."""
    dpi = MAX_DPI
    while True:
        png = render(pdf, page, box, dpi, scratch)
        size = png.stat().st_size
        if size <= max_bytes or dpi <= MIN_DPI:
            return png, dpi
        # A PNG grows with the pixel count, so with the square of the resolution.
        dpi = max(MIN_DPI, min(dpi - 2, int(dpi * math.sqrt(max_bytes / size) * 0.98)))


def find_page(pdf: Path, title: str) -> int:
    """The 1-based number of the first page that shows ``title``."""
    for i, text in enumerate(lo.pdf_page_texts(pdf), start=1):
        if title in " ".join(text.split()):
            return i
    raise SystemExit(f"no page of {pdf.name} shows {title!r}")


def sample_pdfs(work: Path, office: lo.Office, sources: dict[str, Path], pdfs: dict[str, Path]) -> None:
    """Run on the sample reports (mistakes and a Treasury statement planted) and print the workbook,
    the September annotated copy and the review report."""
    folder = work / "workbooks"
    shutil.copytree(ROOT / "workbooks", folder, ignore=shutil.ignore_patterns("README*", "~$*", ".*"))
    plant_mistake(folder, office, work / "scratch")
    plant_statement(folder)
    out = work / "output"
    print(run_reconcile(folder, out))
    sources.update({"workbook": out / "reconciliation.xlsx", "annotated": out / "annotated" / SEPTEMBER})
    stage = work / "stage"
    stage.mkdir()
    staged = {}
    for key in ("workbook", "annotated"):
        staged[key] = stage / f"{key}.xlsx"
        shutil.copyfile(sources[key], staged[key])
    pdfs.update(zip(staged, office.pdf(list(staged.values()), work / "pdf"), strict=True))
    # The review report is a Writer document: its own export filter.
    sources["report"] = out / "bao-cao-ra-soat.docx"
    (pdfs["report"],) = office.convert([sources["report"]], "pdf:writer_pdf_Export", work / "pdf")


def tracker_pdfs(work: Path, office: lo.Office, sources: dict[str, Path], pdfs: dict[str, Path]) -> None:
    """Build the tracker, run on it alone, and print the tracker and the run's workbook."""
    folder = work / "tracker"
    folder.mkdir()
    build_tracker(folder / TRACKER)
    out = work / "tracker-output"
    print(run_reconcile(folder, out, "--no-annotate", "--no-report"))
    sources.update({"tracker": folder / TRACKER, "tracker_workbook": out / "reconciliation.xlsx"})
    stage = work / "tracker-stage"
    stage.mkdir()
    staged = {key: stage / f"{key}.xlsx" for key in TRACKER_SOURCES}
    for key, path in staged.items():
        shutil.copyfile(sources[key], path)
    pdfs.update(zip(staged, office.pdf(list(staged.values()), work / "tracker-pdf"), strict=True))


def main(argv: list[str] | None = None) -> int:
    """Render every picture of the guide into docs/images."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the run and the PDFs in this folder")
    parser.add_argument("--only", help="comma-separated picture names to render (default: all)")
    args = parser.parse_args(argv)
    if not lo.available():
        raise SystemExit(
            "LibreOffice (soffice) and poppler-utils are needed: apt-get install libreoffice-calc-nogui poppler-utils"
        )

    with tempfile.TemporaryDirectory(prefix="reconcile-docs-") as tmp:
        work = args.keep.resolve() if args.keep else Path(tmp)
        if args.keep and work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
        office = lo.Office(Path(tmp) / "profile", recalc=True, locale="vi-VN")
        wanted = set(args.only.split(",")) if args.only else {pic.name for pic in PICTURES}
        needed = {pic.source for pic in PICTURES if pic.name in wanted}
        sources: dict[str, Path] = {}
        pdfs: dict[str, Path] = {}
        if needed & set(SAMPLE_SOURCES):
            sample_pdfs(work, office, sources, pdfs)
        if needed & set(TRACKER_SOURCES):
            tracker_pdfs(work, office, sources, pdfs)

        IMAGES.mkdir(parents=True, exist_ok=True)
        (work / "scratch").mkdir(exist_ok=True)
        for pic in PICTURES:
            if pic.name not in wanted:
                continue
            pdf = pdfs[pic.source]
            page = find_page(pdf, pic.title)
            if pic.whole_page_dpi:
                dpi = pic.whole_page_dpi
                [png] = lo.render_png(pdf, work / "scratch" / "page", dpi=dpi, first=page, last=page)
            else:
                box = content_box(pdf, page, work / "scratch", pic.max_height_pt)
                png, dpi = sized(pdf, page, box, work / "scratch", pic.max_bytes)
            target = IMAGES / pic.name
            shutil.copyfile(png, target)
            print(
                f"{target.relative_to(ROOT)}: page {page} of {sources[pic.source].name}, {dpi} dpi, {target.stat().st_size // 1000} KB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
