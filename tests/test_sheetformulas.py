"""Formula texts read from the sheet XML (reconcile/sheetformulas.py) instead of a second openpyxl load.

Real files are written by xlsxwriter (fullCalcOnLoad, placeholder zeros) and openpyxl (no cached
values); shared and array formulas, which neither writes the way Excel does, are put into a real
xlsxwriter file's sheet XML by hand. What the reader evaluates is compared with hard-coded figures,
with what openpyxl's own expansion of the formulas gives, and with what LibreOffice computes when it
recalculates the same file.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from reconcile.cli import cli
from reconcile.find.safety import check
from reconcile.read import grid as grid_module
from reconcile.read.formulas import Unsupported, evaluate
from reconcile.read.grid import load
from reconcile.read.sheetformulas import formulas_of, shift, unescape
from tests import lo

# ---- moving a formula ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rows", "cols", "moved"),
    [
        ("A2*B2", 1, 0, "A3*B3"),
        ("A2*$A$1+B2", 3, 0, "A5*$A$1+B5"),
        ("$A2+A$2", 2, 2, "$A4+C$2"),
        ("SUM(A2:A6)", 0, 1, "SUM(B2:B6)"),
        ("SUM($A2:A$6)", 1, 1, "SUM($A3:B$6)"),
        ('IF(A1>0,"A1 stays",B1)', 1, 0, 'IF(A2>0,"A1 stays",B2)'),
        ("LOG10(A1)+ATAN2(B1,C1)", 1, 0, "LOG10(A2)+ATAN2(B2,C2)"),
        ("'Sheet A1'!B2+Sheet2!C3", 1, 0, "'Sheet A1'!B3+Sheet2!C4"),
        ("SUM(A:A)+SUM(2:3)", 1, 1, "SUM(B:B)+SUM(3:4)"),
        ("A1-1", -1, 0, "#REF!-1"),
        ("rate_2023*A1", 1, 0, "rate_2023*A2"),
        ("1.5E3+A1", 0, 25, "1.5E3+Z1"),
        ("XFD1+A1", 0, 1, "#REF!+B1"),
    ],
)
def test_shift_moves_relative_references_only(text: str, rows: int, cols: int, moved: str) -> None:
    assert shift(text, rows, cols) == moved


def test_unescape_handles_the_predefined_entities_and_character_references() -> None:
    assert unescape("IF(A1&lt;&gt;B1,&quot;x&amp;y&quot;,&#65;&#x42;&apos;)") == 'IF(A1<>B1,"x&y",AB\')'
    assert unescape("A1+B1") == "A1+B1"


# ---- crafted sheet XML ---------------------------------------------------------------------------

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(data: str) -> bytes:
    return f'<?xml version="1.0"?><worksheet {NS}><sheetData>{data}</sheetData></worksheet>'.encode()


def test_shared_formulas_expand_from_their_first_cell() -> None:
    xml = _sheet(
        '<row r="2"><c r="C2"><f t="shared" ref="C2:C4" si="0">A2*$A$1+B2</f><v>0</v></c></row>'
        '<row r="3"><c r="C3"><f t="shared" si="0"/><v>0</v></c></row>'
        '<row r="4"><c r="C4" s="3"><f t="shared" si="0"/><v>0</v></c></row>'
        '<row r="7"><c r="A7"><f t="shared" ref="A7:B7" si="1">SUM(A2:A4)</f><v>0</v></c>'
        '<c r="B7"><f t="shared" si="1"></f><v>0</v></c></row>'
    )
    found = formulas_of(xml)
    assert found is not None and not found.without_value
    assert found.cells == {
        (1, 2): "=A2*$A$1+B2",
        (2, 2): "=A3*$A$1+B3",
        (3, 2): "=A4*$A$1+B4",
        (6, 0): "=SUM(A2:A4)",
        (6, 1): "=SUM(B2:B4)",
    }


def test_array_formulas_mark_their_whole_range_unevaluable() -> None:
    xml = _sheet(
        '<row r="1"><c r="D1"><f t="array" ref="D1:D3">A1:A3*B1:B3</f><v>0</v></c></row>'
        '<row r="2"><c r="D2"><v>0</v></c></row><row r="3"><c r="D3"><v>0</v></c></row>'
    )
    found = formulas_of(xml)
    assert found is not None
    assert found.cells == {(r, 3): "{=A1:A3*B1:B3}" for r in range(3)}
    with pytest.raises(Unsupported):
        evaluate(found.cells[(0, 3)], lambda r, c: 1.0)


def test_formula_attributes_entities_and_missing_values() -> None:
    xml = _sheet(
        '<row r="1"><c r="A1" s="2"><f aca="false">IF(B1&lt;2,1,0)</f></c>'
        '<c r="B1" s="1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
    )
    found = formulas_of(xml)
    assert found is not None
    assert found.without_value  # A1 has no cached value
    assert found.cells == {(0, 0): "=IF(B1<2,1,0)", (0, 1): '="a"&"b"'}


@pytest.mark.parametrize(
    "data",
    [
        '<row r="1"><c><f>1+1</f><v>2</v></c></row>',  # a cell without a reference
        '<row r="1"><c s="1"><f>1+1</f><v>2</v></c></row>',
        '<row r="1"><c r="A1"><f t="shared" si="4"/><v>2</v></c></row>',  # follower without first cell
        '<row r="1"><c r="A1"><f t="weird">1</f><v>2</v></c></row>',
    ],
)
def test_what_is_not_read_for_certain_is_left_to_the_slow_path(data: str) -> None:
    assert formulas_of(_sheet(data)) is None


def test_cells_whose_reference_is_not_the_first_attribute_are_still_placed() -> None:
    xml = _sheet(
        '<row r="1"><c s="1" r="B1"><f>A1*2</f><v>0</v></c><c r="C1" s="1"><f>B1+1</f><v>0</v></c></row>'
    )
    found = formulas_of(xml)
    assert found is not None
    assert found.cells == {(0, 1): "=A1*2", (0, 2): "=B1+1"}


# ---- real files -----------------------------------------------------------------------------------

#: The sheet put into an xlsxwriter file: values in A and B, shared formulas down C and across row 7,
#: an array formula, a reference to another sheet, an IF whose test was escaped in the XML.
SHARED_SHEET = (
    '<row r="1"><c r="A1"><v>2</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'
    + "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r - 1}</v></c><c r="B{r}"><v>{(r - 1) * 10}</v></c>'
        + (
            '<c r="C2"><f t="shared" ref="C2:C6" si="0">A2*$A$1+B2</f><v>0</v></c>'
            if r == 2
            else f'<c r="C{r}"><f t="shared" si="0"/><v>0</v></c>'
        )
        + "</row>"
        for r in range(2, 7)
    )
    + '<row r="7"><c r="A7"><f t="shared" ref="A7:C7" si="1">SUM(A2:A6)</f><v>0</v></c>'
    '<c r="B7"><f t="shared" si="1"/><v>0</v></c><c r="C7"><f t="shared" si="1"/><v>0</v></c></row>'
    '<row r="8"><c r="D8"><f t="array" ref="D8">SUM(A2:A6*B2:B6)</f><v>0</v></c></row>'
    '<row r="9"><c r="E9"><f>Data!A1*2</f><v>0</v></c></row>'
    '<row r="10"><c r="F10"><f>IF(A2&lt;B2,C7/2,-1)</f><v>0</v></c>'
    '<c r="G10"><f>ROUND(C3/3,2)+MAX(A2:B3)</f><v>0</v></c></row>'
)
SHARED_EXPECTED = {
    (1, 2): 12.0,  # C2 = 1*2+10
    (2, 2): 24.0,
    (3, 2): 36.0,
    (4, 2): 48.0,
    (5, 2): 60.0,
    (6, 0): 15.0,  # A7 = SUM(A2:A6)
    (6, 1): 150.0,
    (6, 2): 180.0,
    (9, 5): 90.0,  # F10 = C7/2
    (9, 6): 28.0,  # G10 = ROUND(24/3,2) + MAX(1,10,2,20)
}
SHARED_MISSING = {(7, 3), (8, 4)}  # the array formula and the other sheet's reference


def _xlsxwriter_with_sheet(path: Path, sheet_data: str) -> Path:
    """An xlsxwriter workbook (fullCalcOnLoad) whose first sheet's cells are ``sheet_data``, and a
    second sheet "Data"."""
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Biểu 01").write_number(0, 0, 1)
    wb.add_worksheet("Data").write_number(0, 0, 21)
    wb.close()
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb"<sheetData>.*</sheetData>",
                    lambda m: f"<sheetData>{sheet_data}</sheetData>".encode(),
                    data,
                    flags=re.S,
                )
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())
    return path


def _load(path: Path) -> grid_module.Loaded:
    checked = check(path)
    assert not isinstance(checked, tuple), checked
    return load(path, checked)


def _no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the formulas were read through openpyxl")

    monkeypatch.setattr(grid_module, "_read_formulas", refuse)


def test_shared_formulas_in_a_program_written_file_evaluate_without_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _xlsxwriter_with_sheet(tmp_path / "shared.xlsx", SHARED_SHEET)
    _no_openpyxl(monkeypatch)
    sheet = _load(path).grids[0]
    for key, want in SHARED_EXPECTED.items():
        assert sheet.value(*key) == pytest.approx(want), key
        assert key not in sheet.missing
    assert set(sheet.missing) == SHARED_MISSING
    assert sheet.value(7, 3) is None and sheet.value(8, 4) is None  # placeholders are not figures
    assert sheet.missing[(7, 3)] == "{=SUM(A2:A6*B2:B6)}"


def test_the_xml_gives_the_formulas_openpyxl_gives(tmp_path: Path) -> None:
    """Every formula openpyxl expands (shared ones included) reads the same from the XML."""
    path = _xlsxwriter_with_sheet(tmp_path / "shared.xlsx", SHARED_SHEET)
    with zipfile.ZipFile(path) as zf:
        found = formulas_of(zf.read("xl/worksheets/sheet1.xml"))
    assert found is not None
    by_openpyxl = grid_module._read_formulas(path, {"Biểu 01"})["Biểu 01"]
    assert by_openpyxl  # openpyxl leaves the array formula out (it is not text)
    assert {k: v for k, v in found.cells.items() if not v.startswith("{")} == by_openpyxl


def test_openpyxl_written_file_without_cached_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Biểu 01"
    for r in range(1, 6):
        ws.cell(r, 1, r * 1.5)
        ws.cell(r, 2, f"=A{r}*2")
    ws["A7"] = "=SUM(A1:A5)"
    ws["B7"] = "=SUM(B1:B5)-A7"
    ws["C7"] = "=IF(B7>0,B7/A7*100,0)"
    ws["D7"] = "=VLOOKUP(A1,A1:B5,2,FALSE)"
    ws["E1"] = openpyxl.worksheet.formula.ArrayFormula("E1:E2", "=A1:A2*2")
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    _no_openpyxl(monkeypatch)
    sheet = _load(path).grids[0]
    assert [sheet.value(r, 1) for r in range(5)] == pytest.approx([3.0, 6.0, 9.0, 12.0, 15.0])
    assert sheet.value(6, 0) == pytest.approx(22.5)
    assert sheet.value(6, 1) == pytest.approx(22.5)
    assert sheet.value(6, 2) == pytest.approx(100.0)
    assert set(sheet.missing) == {(6, 3), (0, 4), (1, 4)}


def test_bench_layout_a_files_read_as_before(tmp_path: Path) -> None:
    """A program-written Layout A report with SUM-like parent rows: the XML and openpyxl agree on
    every formula, and the figures are the generated ones."""
    from bench.generate import plan_unit, write_layout_a

    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN A", "UBND HUYỆN A", "A", 7, 12)
    path = tmp_path / "2023-05.xlsx"
    write_layout_a(path, plan, 5, formulas=True)
    with zipfile.ZipFile(path) as zf:
        found = formulas_of(zf.read("xl/worksheets/sheet1.xml"))
    assert found is not None and len(found.cells) > 100
    assert found.cells == grid_module._read_formulas(path, {"Biểu 01"})["Biểu 01"]
    sheet = _load(path).grids[0]
    assert not sheet.missing


def test_run_reports_the_array_formula_and_reads_the_rest(tmp_path: Path) -> None:
    """End to end: a Layout A file whose parent rows are shared formulas reads its figures; an array
    formula in an amount cell is a formula_without_value finding naming the cell, never a zero."""
    from bench.generate import plan_unit, write_layout_a

    folder = tmp_path / "in"
    folder.mkdir()
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN B", "UBND HUYỆN B", "B", 11, 12)
    path = folder / "2023-06.xlsx"
    write_layout_a(path, plan, 6, formulas=True)
    # A leaf's NSTW figure becomes an array formula (its parents then depend on an unevaluable
    # cell); the Tổng số formulas of the first rows become a shared group.
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                leaf = re.search(rb'<c r="D(1\d)" (s="\d+")><v>([^<]+)</v></c>', data)
                assert leaf is not None
                row = leaf.group(1).decode()
                data = data.replace(
                    leaf.group(0),
                    b'<c r="D%s" %s><f t="array" ref="D%s">%s*1</f><v>0</v></c>'
                    % (leaf.group(1), leaf.group(2), leaf.group(1), leaf.group(3)),
                )
                data = data.replace(b"<f>D9+E9</f>", b'<f t="shared" ref="C9:C10" si="0">D9+E9</f>', 1)
                data = data.replace(b"<f>D10+E10</f>", b'<f t="shared" si="0"/>', 1)
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--no-annotate", "--lang", "en"])
    findings = (out / "findings.csv").read_text(encoding="utf-8")
    rows = [line for line in findings.splitlines() if "formula_without_value" in line]
    assert rows and all(f"D{row}" in line and "{=" in line for line in rows), findings
    assert res.exit_code == 0, res.output


# ---- LibreOffice computes the same ----------------------------------------------------------------


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> lo.Office:
    if lo.soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return lo.Office(tmp_path_factory.mktemp("lo-profile"), recalc=True)


def test_evaluated_values_equal_what_libreoffice_computes(office: lo.Office, tmp_path: Path) -> None:
    from bench.generate import plan_unit, write_layout_a

    inputs = [_xlsxwriter_with_sheet(tmp_path / "shared.xlsx", SHARED_SHEET)]
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN C", "UBND HUYỆN C", "C", 3, 12)
    inputs.append(tmp_path / "layout-a.xlsx")
    write_layout_a(inputs[-1], plan, 9, formulas=True)
    recalculated = office.recalc(inputs, tmp_path / "lo")
    compared = 0
    for ours, theirs in zip(inputs, recalculated, strict=True):
        sheet = _load(ours).grids[0]
        with zipfile.ZipFile(ours) as zf:
            found = formulas_of(zf.read("xl/worksheets/sheet1.xml"))
        assert found is not None
        wb = CalamineWorkbook.from_path(str(theirs))
        rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python(skip_empty_area=False)
        for r, c in found.cells:
            if (r, c) in sheet.missing:
                continue
            assert sheet.value(r, c) == pytest.approx(rows[r][c], rel=1e-9, abs=1e-9), (ours.name, r, c)
            compared += 1
    assert compared > 100
