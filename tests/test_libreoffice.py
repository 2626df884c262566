"""Our outputs in a real spreadsheet program: LibreOffice opens, recalculates and prints them.

Three runs of ``reconcile run`` feed every test here (built once per module, see :func:`session`):

- ``shipped``: the sample reports in ``workbooks/`` (Sở TT&TT Lạng Sơn, January–September 2023);
- ``example``: ``../shared/examples/layout_a_monthly`` (formulas with cached values in the inputs);
- ``hostile``: two inputs built by :func:`_write_hostile`, with these planted problems:

  - ``so-noi-vu-2023-09.xlsx`` (Layout A, sheet "T9"): the activity row at B13 is labelled
    ``=HYPERLINK("http://evil","x")``; parent rows and the rate column are formulas with cached values;
  - ``so-y-te-2023-09.xlsx`` (Layout B, its sheet is named ``=1+2``): row 7's "Nội dung" is the same
    ``=HYPERLINK`` label and its "Ghi chú" is ``@SUM(1)``; row 9 allocates ``abc`` (a ``not_a_number``
    at G9, so the findings sheet carries a link into a sheet whose name looks like a formula).

LibreOffice runs with a private profile set to recalculate every formula on load (``tests/lo.py``);
:func:`test_profile_really_recalculates` proves it does, so the value comparisons cannot pass by
copying our cached values. All LibreOffice work is two batched soffice calls: every output workbook
and every input (so that an annotated copy can be compared with its input as LibreOffice computes it)
to .xlsx, and every output workbook to .pdf.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

from reconcile.cli import cli
from reconcile.messages import msg
from reconcile.writers.palette import STATUS_COLOURS
from tests import lo
from tests.conftest import EXAMPLES, ROOT

pytestmark = [
    pytest.mark.libreoffice,
    # openpyxl does not read the data-bar extension xlsxwriter writes; it is not what is checked here.
    pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning"),
]

EVIL = '=HYPERLINK("http://evil","x")'
EVIL_SHEET = "=1+2"
EVIL_NOTE = "@SUM(1)"
#: Where the Layout A hostile input holds the evil label.
EVIL_A_FILE, EVIL_A_SHEET, EVIL_A_CELL = "so-noi-vu-2023-09.xlsx", "T9", "B13"
#: Where the Layout B hostile input holds it, and the unreadable amount.
EVIL_B_FILE, EVIL_B_CELL, EVIL_B_NOTE_CELL, BAD_AMOUNT_CELL = "so-y-te-2023-09.xlsx", "E7", "I7", "G9"

RUN_NAMES = ("shipped", "example", "hostile")
REL_TOL = 1e-9
#: A page "renders" when at least this share of its pixels is ink: a page number alone is ~0.02%,
#: a few short lines of text ~0.1%, a table 3-20%.
MIN_INK = 0.0005


# ---- inputs -------------------------------------------------------------------------------------


def _write_layout_a(path: Path) -> None:
    """A one-unit Layout A form whose second activity row is labelled like a formula."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(EVIL_A_SHEET)
    num = wb.add_format({"num_format": "#,##0.0", "border": 1})
    ws.write_string(0, 0, "UBND TỈNH LẠNG SƠN")
    ws.write_string(1, 0, "SỞ NỘI VỤ")
    ws.write_string(
        3, 0, "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG"
    )
    ws.write_string(4, 0, "(Số liệu đến ngày 30/9/2023)")
    ws.write_string(4, 4, "Đơn vị tính: triệu đồng")
    headers = (
        "STT",
        "Nội dung",
        "Kế hoạch vốn được giao",
        "Giải ngân lũy kế đến 30/9/2023",
        "Tỷ lệ giải ngân (%)",
        "Ghi chú",
    )
    for col, text in enumerate(headers):
        ws.write_string(5, col, text)
    for col, text in enumerate(("A", "B", "1", "2", "3=2/1", "4")):
        ws.write_string(6, col, text)
    rows: list[tuple[str, str, float | None, float | None]] = [
        ("", "TỔNG CỘNG", None, None),
        ("I", "Vốn năm 2023", None, None),
        ("1", "Dự án 6: Truyền thông và giảm nghèo về thông tin", None, None),
        ("-", "Tiểu dự án 1: Giảm nghèo về thông tin", None, None),
        ("+", "Mua sắm thiết bị truyền thanh", 300.0, 100.0),
        ("+", EVIL, 500.0, 200.0),  # B13
    ]
    alloc_total = sum(r[2] or 0.0 for r in rows)
    disb_total = sum(r[3] or 0.0 for r in rows)
    for i, (stt, label, alloc, disb) in enumerate(rows):
        r = 7 + i
        ws.write_string(r, 0, stt)
        ws.write_string(r, 1, label)
        if alloc is None or disb is None:
            # Every parent row sums the two activities (rows 12 and 13 in Excel's numbering).
            ws.write_formula(r, 2, "=SUM(C12:C13)", num, alloc_total)
            ws.write_formula(r, 3, "=SUM(D12:D13)", num, disb_total)
            alloc, disb = alloc_total, disb_total
        else:
            ws.write_number(r, 2, alloc, num)
            ws.write_number(r, 3, disb, num)
        ws.write_formula(r, 4, f"=IF(C{r + 1}>0,D{r + 1}/C{r + 1}*100,0)", num, disb / alloc * 100)
    wb.close()


def _write_layout_b(path: Path) -> None:
    """A Layout B report on a sheet named like a formula, with a formula-like label and note."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(EVIL_SHEET)
    ws.write_string(0, 0, "SỞ Y TẾ TỈNH LÀO CAI")
    ws.write_string(1, 0, "BÁO CÁO GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG")
    ws.write_string(2, 0, "Số liệu đến ngày: 30/9/2023")
    ws.write_string(3, 0, "Đơn vị tính: triệu đồng")
    headers = (
        "Năm ngân sách",
        "Năm thực hiện",
        "Dự án",
        "Tiểu dự án",
        "Nội dung",
        "Nguồn vốn",
        "Kế hoạch vốn",
        "Giải ngân lũy kế",
        "Ghi chú",
    )
    for col, text in enumerate(headers):
        ws.write_string(5, col, text)
    data: list[tuple[Any, ...]] = [
        (2023, 2023, 3, 2, EVIL, "NSTW", 640.0, 320.0, EVIL_NOTE),
        (2023, 2023, 7, 1, "Nâng cao năng lực", "NSTW", 310.0, 145.2, ""),
        (2023, 2023, 4, 3, "Hỗ trợ việc làm", "NSTW", "abc", 10.0, ""),
    ]
    for i, values in enumerate(data):
        for col, value in enumerate(values):
            if isinstance(value, str):
                ws.write_string(6 + i, col, value)
            else:
                ws.write_number(6 + i, col, value)
    wb.close()


def _write_hostile(folder: Path) -> None:
    folder.mkdir(parents=True)
    _write_layout_a(folder / EVIL_A_FILE)
    _write_layout_b(folder / EVIL_B_FILE)


def _write_canary(path: Path) -> None:
    """B1 = A1*3 whose cached value is a wrong 99: only a real recalculation shows 6."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_number(0, 0, 2)
    ws.write_formula(0, 1, "=A1*3", None, 99)
    wb.close()


# ---- the session's runs -------------------------------------------------------------------------


@dataclass
class Run:
    """One ``reconcile run`` and what LibreOffice made of its workbooks."""

    name: str
    inputs: Path
    out: Path
    stdout: str
    #: Our .xlsx outputs (the reconciliation workbook first, then the annotated copies).
    files: list[Path] = field(default_factory=list)
    recalculated: dict[Path, Path] = field(default_factory=dict)
    pdfs: dict[Path, Path] = field(default_factory=dict)

    @property
    def workbook(self) -> Path:
        """Our reconciliation.xlsx."""
        return self.out / "reconciliation.xlsx"

    def annotated(self) -> dict[Path, Path]:
        """Annotated copy -> the input it copies."""
        root = self.out / "annotated"
        return {copy: self.inputs / copy.relative_to(root) for copy in sorted(root.rglob("*.xlsx"))}


@dataclass
class Session:
    """Every run, the canary, and how long LibreOffice took."""

    runs: dict[str, Run]
    canary: Path
    seconds: dict[str, float]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> lo.Office:
    """One LibreOffice profile for the module: recalculate on load, Vietnamese locale."""
    if not lo.available():
        pytest.skip(
            "LibreOffice (soffice) and poppler-utils (pdftoppm, pdfinfo, pdftotext) are not installed"
        )
    return lo.Office(tmp_path_factory.mktemp("lo-profile"), recalc=True, locale="vi-VN")


@pytest.fixture(scope="module")
def session(office: lo.Office, tmp_path_factory: pytest.TempPathFactory) -> Session:
    """Run reconcile on the three input folders, then convert every workbook in two soffice calls."""
    base = tmp_path_factory.mktemp("lo-runs")
    runs: dict[str, Run] = {}
    sources: dict[str, Path | None] = {
        "shipped": ROOT / "workbooks",
        "example": EXAMPLES / "layout_a_monthly" if (EXAMPLES / "layout_a_monthly").is_dir() else None,
        "hostile": None,
    }
    for name, source in sources.items():
        inputs = base / name / "in"
        if name == "hostile":
            _write_hostile(inputs)
        elif source is None:
            continue
        else:
            shutil.copytree(source, inputs)
        out = base / name / "out"
        res = CliRunner().invoke(cli, ["run", str(inputs), "--out", str(out)], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        run = Run(name, inputs, out, res.output)
        run.files = [run.workbook, *run.annotated()]
        runs[name] = run

    # LibreOffice names outputs after their inputs: give every file a unique, plain stem.
    stage = base / "stage"
    stage.mkdir()
    staged: dict[Path, tuple[Run, Path]] = {}
    for run in runs.values():
        # The inputs too: an annotated copy must compute exactly what its input computes.
        for i, ours in enumerate([*run.files, *run.annotated().values()]):
            copy = stage / f"{run.name}-{i:02d}.xlsx"
            shutil.copyfile(ours, copy)
            staged[copy] = (run, ours)
    canary = stage / "canary.xlsx"
    _write_canary(canary)

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    converted = office.recalc([*staged, canary], base / "recalc")
    seconds["recalc"] = time.perf_counter() - start
    printed = [copy for copy, (run, ours) in staged.items() if ours in run.files]
    start = time.perf_counter()
    pdfs = office.pdf(printed, base / "pdf")
    seconds["pdf"] = time.perf_counter() - start
    for (copy, (run, ours)), xlsx in zip(staged.items(), converted, strict=False):
        assert xlsx.stem == copy.stem
        run.recalculated[ours] = xlsx
    for copy, pdf in zip(printed, pdfs, strict=True):
        run, ours = staged[copy]
        assert pdf.stem == copy.stem
        run.pdfs[ours] = pdf
    return Session(runs, converted[-1], seconds)


def _run(session: Session, name: str) -> Run:
    if name not in session.runs:
        pytest.skip(f"no input folder for the {name!r} run (../shared/examples is not beside this checkout)")
    return session.runs[name]


# ---- reading workbooks --------------------------------------------------------------------------

Grid = list[list[Any]]


def _grids(path: Path) -> dict[str, Grid]:
    """Every sheet's values from row 1, column A, as python-calamine reads them (cached values)."""
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def _at(grid: Grid, r: int, c: int) -> Any:
    return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""


def _ref(r: int, c: int) -> str:
    return f"{get_column_letter(c + 1)}{r + 1}"


def _same(a: Any, b: Any, rel_tol: float = REL_TOL) -> bool:
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(float(a), float(b), rel_tol=rel_tol, abs_tol=1e-12)
    return type(a) is type(b) and a == b


def _differences(expected: Grid, got: Grid, sheet: str, rel_tol: float = REL_TOL) -> list[str]:
    """Every cell whose value differs (numbers within REL_TOL), as 'sheet!A1: expected x, got y'."""
    rows = max(len(expected), len(got))
    cols = max([len(r) for r in expected] + [len(r) for r in got] + [0])
    out = []
    for r in range(rows):
        for c in range(cols):
            a, b = _at(expected, r, c), _at(got, r, c)
            if not _same(a, b, rel_tol):
                out.append(f"{sheet}!{_ref(r, c)}: expected {a!r}, got {b!r}")
    return out


def _cells(path: Path) -> dict[str, dict[str, tuple[str, Any]]]:
    """sheet -> A1 -> (openpyxl data type, value) of every non-empty cell, formulas as written."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(path, rich_text=False)
    out: dict[str, dict[str, tuple[str, Any]]] = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    cells[cell.coordinate] = (cell.data_type, cell.value)
        out[ws.title] = cells
    wb.close()
    return out


def _formulas(cells: dict[str, dict[str, tuple[str, Any]]]) -> set[tuple[str, str]]:
    return {(s, ref) for s, sheet in cells.items() for ref, (kind, _) in sheet.items() if kind == "f"}


def _formula_xml(path: Path) -> str:
    """The text of every <f> element and every relationship target in an .xlsx package."""
    parts = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name).decode("utf-8", "replace")
            if name.endswith(".rels"):
                parts += re.findall(r'Target="([^"]*)"', data)
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                parts += re.findall(r"<f[^>]*>(.*?)</f>", data, re.S)
    return "\n".join(parts)


# ---- recalculation ------------------------------------------------------------------------------


def test_profile_really_recalculates(session: Session) -> None:
    """The canary's cached 99 becomes 6: LibreOffice computed the values it saved."""
    grid = _grids(session.canary)["S"]
    assert grid[0][:2] == [2.0, 6.0]


@pytest.mark.parametrize("name", RUN_NAMES)
def test_workbook_values_survive_recalculation(session: Session, name: str) -> None:
    """Every cell of reconciliation.xlsx recalculated by LibreOffice equals our cached value, and
    every formula of ours is still a formula there (none lost, none added)."""
    run = _run(session, name)
    ours, theirs = _grids(run.workbook), _grids(run.recalculated[run.workbook])
    assert list(theirs) == list(ours)
    diffs = [d for sheet in ours for d in _differences(ours[sheet], theirs[sheet], sheet)]
    assert not diffs, "\n".join(diffs[:30])

    our_cells, their_cells = _cells(run.workbook), _cells(run.recalculated[run.workbook])
    formulas = _formulas(our_cells)
    assert formulas, "the summary's rate and shortfall cells should be live formulas"
    assert _formulas(their_cells) == formulas
    numbers = 0
    for sheet, ref in formulas:
        value = _at(ours[sheet], *_rc(ref))
        numbers += isinstance(value, float)
    assert numbers == len(formulas), "every formula of ours carries a numeric cached value"


def _rc(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m, ref
    return int(m.group(2)) - 1, column_index_from_string(m.group(1)) - 1


@pytest.mark.parametrize("name", RUN_NAMES)
def test_annotated_copies_recalculate_to_the_inputs_values(session: Session, name: str) -> None:
    """An annotated copy, opened in LibreOffice, shows every value of its input (its formulas
    recomputed, since openpyxl keeps no cached values), keeps every input formula as a formula,
    and adds the legend sheet."""
    run = _run(session, name)
    copies = run.annotated()
    assert copies, "the run made no annotated copy"
    legend = msg("ann.legend_sheet")
    for copy, source in copies.items():
        inputs, theirs = _grids(run.recalculated[source]), _grids(run.recalculated[copy])
        assert list(theirs) == [*inputs, legend], copy.name
        diffs = [
            d for sheet in inputs for d in _differences(inputs[sheet], theirs[sheet], f"{copy.name} {sheet}")
        ]
        assert not diffs, "\n".join(diffs[:30])
        # And what the accountant saw in the input (its cached values, which a generator may have
        # rounded to 6 decimals).
        cached = _grids(source)
        diffs = [
            d
            for sheet in cached
            for d in _differences(cached[sheet], theirs[sheet], f"{copy.name} {sheet}", 1e-6)
        ]
        assert not diffs, "\n".join(diffs[:30])
        assert _differences(_grids(copy)[legend], theirs[legend], legend) == []

        source_formulas = _formulas(_cells(source))
        assert _formulas(_cells(copy)) == source_formulas, copy.name
        assert _formulas(_cells(run.recalculated[copy])) == source_formulas, copy.name


# ---- text stays text ----------------------------------------------------------------------------


def _find(cells: dict[str, tuple[str, Any]], value: str) -> list[str]:
    return [ref for ref, (_, v) in cells.items() if v == value]


def test_formula_like_text_stays_text_everywhere(session: Session) -> None:
    """The planted =HYPERLINK label and the sheet named =1+2 are text in our workbook, in the
    annotated copies and in the CSVs (prefixed with '), and still text after LibreOffice saved them."""
    run = _run(session, "hostile")
    data_sheet = msg("wb.sheet.data")
    for path in (run.workbook, run.recalculated[run.workbook]):
        cells = _cells(path)[data_sheet]
        grid = _grids(path)[data_sheet]
        label_refs, sheet_refs = _find(cells, EVIL), _find(cells, EVIL_SHEET)
        assert label_refs, f"{path.name}: the label {EVIL} is not shown as text on {data_sheet}"
        assert len(sheet_refs) >= 2, f"{path.name}: the sheet name {EVIL_SHEET} is not shown as text"
        for ref in label_refs + sheet_refs:
            assert cells[ref][0] == "s", f"{path.name} {data_sheet}!{ref} is {cells[ref]}"
            assert _at(grid, *_rc(ref)) in (EVIL, EVIL_SHEET)
        header = grid[[i for i, row in enumerate(grid) if msg("wb.col.label") in row][0]]
        assert {_rc(ref)[1] for ref in label_refs} == {header.index(msg("wb.col.label"))}
        assert "evil" not in _formula_xml(path), f"{path.name} made the label a formula or a link"

    annotated_a = run.out / "annotated" / EVIL_A_FILE
    annotated_b = run.out / "annotated" / EVIL_B_FILE
    for path in (annotated_a, run.recalculated[annotated_a]):
        kind, value = _cells(path)[EVIL_A_SHEET][EVIL_A_CELL]
        assert (kind, value) == ("s", EVIL), path.name
        assert _at(_grids(path)[EVIL_A_SHEET], *_rc(EVIL_A_CELL)) == EVIL
        assert "evil" not in _formula_xml(path)
    for path in (annotated_b, run.recalculated[annotated_b]):
        cells = _cells(path)[EVIL_SHEET]
        assert cells[EVIL_B_CELL] == ("s", EVIL), path.name
        assert cells[EVIL_B_NOTE_CELL] == ("s", EVIL_NOTE), path.name
        assert "evil" not in _formula_xml(path)

    with open(run.out / "line_items.csv", encoding="utf-8", newline="") as fh:
        items = list(csv.DictReader(fh))
    evil_rows = [r for r in items if r["label"] == "'" + EVIL]
    assert len(evil_rows) == 1, [r["label"] for r in items]
    assert {r["sheet"] for r in items if r["file"] == EVIL_B_FILE} == {"'" + EVIL_SHEET}
    for name in ("summary.csv", "findings.csv", "line_items.csv"):
        with open(run.out / name, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for value in row:
                    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                        float(value)  # only a number may start like a formula


def test_finding_link_into_formula_named_sheet_survives(session: Session) -> None:
    """The not_a_number at '=1+2'!G9 is linked from the findings sheet, to the input file that holds
    it, before and after LibreOffice saved the workbook; the sheet name stays text."""
    run = _run(session, "hostile")
    findings_sheet = msg("wb.sheet.findings")
    for path in (run.workbook, run.recalculated[run.workbook]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            ws = openpyxl.load_workbook(path)[findings_sheet]
        rows = [row for row in ws.iter_rows() if any(c.value == "not_a_number" for c in row)]
        assert len(rows) == 1, path.name
        row = rows[0]
        assert any(c.value == EVIL_SHEET and c.data_type == "s" for c in row), path.name
        linked = [c for c in row if c.hyperlink is not None]
        assert [c.value for c in linked] == [BAD_AMOUNT_CELL], path.name
        link = linked[0].hyperlink
        assert link is not None
        target, location = link.target or "", link.location or ""
        where = target.split("#", 1) + ([location] if location else [])
        # xlsxwriter writes Windows separators (..\in\x.xlsx), LibreOffice saves them as '/'.
        file_part = where[0].removeprefix("file://").replace("\\", "/")
        resolved = Path(file_part) if Path(file_part).is_absolute() else (path.parent / file_part)
        if path == run.workbook:
            assert resolved.resolve() == (run.inputs / EVIL_B_FILE).resolve()
        else:
            assert Path(file_part).name == EVIL_B_FILE
        assert where[-1].replace("$", "") in (
            f"'{EVIL_SHEET}'!{BAD_AMOUNT_CELL}",
            f"'{EVIL_SHEET}'.{BAD_AMOUNT_CELL}",
        )


# ---- printing -----------------------------------------------------------------------------------


def _sheet_pages(texts: list[str], titles: list[str]) -> list[list[int]]:
    """Which pages (0-based) print each sheet, given a text each sheet's first page shows."""
    starts = []
    for title in titles:
        found = [i for i, t in enumerate(texts) if title in t and i not in starts]
        assert found, f"no page shows {title!r}"
        starts.append(found[0])
    assert starts == sorted(starts), starts
    bounds = [*starts, len(texts)]
    return [list(range(a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]


#: The summary, its printable layout (the same title, on the next page), progress, findings, data.
WORKBOOK_TITLES = ("wb.title", "wb.title", "wb.progress_title", "wb.findings_title", "wb.data_title")


@pytest.mark.parametrize("name", RUN_NAMES)
def test_every_sheet_prints_and_renders(session: Session, name: str, tmp_path: Path) -> None:
    """Each workbook prints every sheet on at least one A4 page, and every page renders with ink."""
    run = _run(session, name)
    for ours in run.files:
        pdf = run.pdfs[ours]
        sizes = lo.pdf_page_sizes(pdf)
        sheets = CalamineWorkbook.from_path(str(ours)).sheet_names
        assert len(sizes) >= len(sheets), f"{ours.name}: {len(sizes)} pages for {len(sheets)} sheets"
        assert all(s.is_a4 for s in sizes), f"{ours.name}: {sizes}"
        pngs = lo.render_png(pdf, tmp_path / pdf.stem, dpi=50)
        assert len(pngs) == len(sizes)
        for png_path in pngs:
            png = lo.read_png(png_path)
            assert png.width > 300 and png.height > 300
            assert png.ink() > MIN_INK, f"{ours.name}: page {png_path.name} is blank"

    texts = lo.pdf_page_texts(run.pdfs[run.workbook])
    pages = _sheet_pages(texts, [msg(k) for k in WORKBOOK_TITLES])
    sizes = lo.pdf_page_sizes(run.pdfs[run.workbook])
    assert all(sizes[i].landscape for i in pages[0]), "the summary prints on A4 landscape"


def test_summary_prints_one_page_wide_with_vietnamese_numbers(session: Session) -> None:
    """The shipped summary fits one landscape page, and its figures print as numbers in the reader's
    locale (vi-VN: 1.571,6), the same figures the report shows."""
    run = _run(session, "shipped")
    texts = lo.pdf_page_texts(run.pdfs[run.workbook])
    pages = _sheet_pages(texts, [msg(k) for k in WORKBOOK_TITLES])
    assert len(pages[0]) == 1
    page = texts[pages[0][0]]
    total = next(line for line in page.splitlines() if msg("wb.total") in line)
    # Grand total: allocated 8.187,6, disbursed 1.453,6, rate 17,8%, shortfall 6.734,0.
    assert re.search(r"8\.187,6\s+1\.453,6\s+17,8\s?%\s+6\.734,0", total), total
    carried = next(
        line
        for line in page.splitlines()
        if msg("wb.year_funds_carried", budget=2022, execution=2023) in line
    )
    assert re.search(r"1\.571,6\s+1\.067,1\s+67,9\s?%\s+504,5", carried), carried
    assert "74,8" in page  # the expected rate at 30/09/2023, 273/365


def _page_png(pdf: Path, page: int, tmp_path: Path, dpi: int = 50) -> lo.Png:
    pngs = lo.render_png(pdf, tmp_path / f"{pdf.stem}-p{page}", dpi=dpi, first=page + 1, last=page + 1)
    assert len(pngs) == 1
    return lo.read_png(pngs[0])


def test_status_colours_agree_in_print(session: Session, tmp_path: Path) -> None:
    """Every shipped key is 'behind' at 30/09/2023: its status prints in the palette's colour, the
    same on the summary as on the annotated copy of the September report (palette.py is the one
    palette of every output)."""
    run = _run(session, "shipped")
    behind = lo.hex_rgb(STATUS_COLOURS["behind"])
    annotated = run.out / "annotated" / "Báo cáo tháng 9 năm 2023.xlsx"
    copy_page = _page_png(run.pdfs[annotated], 0, tmp_path)
    assert copy_page.count(behind, tolerance=2) > 200, "the annotated copy shows no 'behind' fill"

    texts = lo.pdf_page_texts(run.pdfs[run.workbook])
    summary = _sheet_pages(texts, [msg(k) for k in WORKBOOK_TITLES])[0][0]
    summary_page = _page_png(run.pdfs[run.workbook], summary, tmp_path)
    assert summary_page.count(behind, tolerance=2) > 200, (
        f"the summary's 'behind' cells are not filled with palette.STATUS_COLOURS['behind'] = "
        f"{STATUS_COLOURS['behind']}"
    )


@pytest.mark.parametrize("name", RUN_NAMES)
def test_annotated_legend_prints_one_page_wide(session: Session, name: str) -> None:
    """The legend sheet of an annotated copy prints its sentences whole, not cut across two pages."""
    run = _run(session, name)
    hint = msg("ann.legend_hint")
    for copy in run.annotated():
        texts = lo.pdf_page_texts(run.pdfs[copy])
        title_pages = [i for i, t in enumerate(texts) if msg("ann.legend_title") in t]
        assert title_pages, f"{copy.name}: the legend does not print"
        legend_pages = texts[title_pages[0] :]
        flat = [" ".join(t.split()) for t in legend_pages]
        assert any(hint in t for t in flat), f"{copy.name}: the legend prints cut: {len(legend_pages)} pages"
        assert len(legend_pages) == 1, f"{copy.name}: the legend prints on {len(legend_pages)} pages"


def test_libreoffice_time_is_bounded(session: Session) -> None:
    """Two batched soffice calls stay well inside the suite's budget (about 2-3 minutes in all)."""
    assert session.seconds["recalc"] + session.seconds["pdf"] < 150, session.seconds


# ---- the PNG reader itself ----------------------------------------------------------------------


def _png_bytes(width: int, height: int, rows: list[tuple[int, bytes]]) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(bytes([f]) + data for f, data in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def test_png_reader_undoes_every_filter(tmp_path: Path) -> None:
    """Rows written with filters None, Sub, Up, Average and Paeth decode to the same pixels."""
    pixels = [bytes([10, 20, 30, 200, 100, 50]), bytes([255, 255, 255, 0, 0, 0])]
    # Row 0 unfiltered; row 1 encoded once per filter against row 0.
    prev, line = pixels[0], pixels[1]

    def enc(f: int) -> bytes:
        out = bytearray()
        for i, x in enumerate(line):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            pred = [0, a, b, (a + b) >> 1, _paeth(a, b, c)][f]
            out.append((x - pred) & 0xFF)
        return bytes(out)

    for f in range(5):
        path = tmp_path / f"f{f}.png"
        path.write_bytes(_png_bytes(2, 2, [(0, prev), (f, enc(f))]))
        png = lo.read_png(path)
        assert png.rows == pixels, f"filter {f}"
        assert png.rgb(1, 0) == (200, 100, 50)
        assert png.count((255, 255, 255)) == 1
        assert png.ink() == 0.75


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c
