"""Hold the tool against every real-world variant of the monthly sheets (tests/variants.py).

For each variant: build its files into a fresh folder, run the pipeline with the latest period as the
as-of date and a 100% target, and compare ``result.latest`` with the answer key (amounts within
0.0005 triệu đồng, status and period exact, no missing and no extra keys), check that every planted
finding is reported at its file, sheet and cell, and that no unplanted finding code appears.

The builder itself is checked too (files open, planted cells hold what was planted, formulas carry
the cached values the variant promises), independently of the tool.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.variants import (
    ANY,
    CHECKED_CODES,
    VARIANTS,
    Book,
    Key,
    Variant,
    expected_status,
    field_matches,
    soffice_path,
)

TOLERANCE = 0.0005  # triệu đồng (SPEC 4: the rounding tolerance)
HAVE_SOFFICE = soffice_path() is not None
BY_NAME = {v.name: v for v in VARIANTS}

_RESULTS: dict[str, tuple[Path, Any]] = {}


def _skip_without_soffice(variant: Variant) -> None:
    if variant.needs_soffice and not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")


def _outcome(variant: Variant, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """Build the variant and run the pipeline once per test session."""
    _skip_without_soffice(variant)
    if variant.name not in _RESULTS:
        from reconcile.models import Settings
        from reconcile.pipeline import run_folder

        folder = tmp_path_factory.mktemp(variant.name)
        variant.build(folder)
        _RESULTS[variant.name] = (folder, run_folder(folder, Settings(target=1.0)))
    return _RESULTS[variant.name]


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def _text(v: Any) -> str:
    return "" if _missing(v) else " ".join(unicodedata.normalize("NFC", str(v)).split())


def _int_or_none(v: Any) -> int | None:
    return None if _missing(v) else int(v)


def _float0(v: Any) -> float:
    return 0.0 if _missing(v) else float(v)


def _date(v: Any) -> dt.date | None:
    if _missing(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return pd.Timestamp(v).date()


def _key(row: dict[str, Any]) -> Key:
    return (
        _text(row["unit"]),
        int(row["budget_year"]),
        int(row["execution_year"]),
        int(row["project"]),
        _int_or_none(row["sub_project"]),
        str(row["source"]),
    )


def _latest_by_key(latest: pd.DataFrame) -> dict[Key, dict[str, Any]]:
    rows: dict[Key, dict[str, Any]] = {}
    for rec in latest.to_dict("records"):
        row = {str(k): v for k, v in rec.items()}
        rows[_key(row)] = row
    return rows


def _describe(findings: list[Any]) -> str:
    return (
        "\n".join(f"  {f.code} | {f.file} | {f.sheet} | {f.cell} | {f.params}" for f in findings)
        or "  (none)"
    )


# ---------------------------------------------------------------------------------------------------
# The tool against the variants
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_latest_figures(variant: Variant, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every expected key at its latest period, with its figures, period and status; nothing else."""
    _, result = _outcome(variant, tmp_path_factory)
    actual = _latest_by_key(result.latest)
    expected = {_key(r): r for r in variant.expected}
    problems: list[str] = []
    for k in sorted(expected.keys() - actual.keys(), key=repr):
        problems.append(f"missing key {k}")
    optional = {(_text(k[0]), *k[1:]) for k in variant.optional_keys}
    for k in sorted(actual.keys() - expected.keys() - optional, key=repr):
        problems.append(f"extra key {k}: {actual[k]}")
    for k in sorted(expected.keys() & actual.keys(), key=repr):
        exp, got = expected[k], actual[k]
        for col in ("allocated", "disbursed"):
            if abs(_float0(got[col]) - exp[col]) > TOLERANCE:
                problems.append(f"{k} {col}: expected {exp[col]}, got {got[col]}")
        if got["status"] != exp["status"]:
            problems.append(f"{k} status: expected {exp['status']}, got {got['status']}")
        if _date(got["period"]) != exp["period"]:
            problems.append(f"{k} period: expected {exp['period']}, got {got['period']}")
    assert not problems, (
        f"{variant.name}: traps {variant.traps}\n"
        + "\n".join(problems)
        + "\nfindings:\n"
        + _describe(result.findings)
    )


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_findings(variant: Variant, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every planted finding at its place; no finding the variant does not plant."""
    _, result = _outcome(variant, tmp_path_factory)
    problems: list[str] = []
    for code, file, sheet, cell in variant.expected_findings:
        if not any(
            f.code == code
            and field_matches(file, f.file)
            and field_matches(sheet, f.sheet)
            and field_matches(cell, f.cell)
            for f in result.findings
        ):
            problems.append(f"not reported: {code} at {file} | {sheet} | {cell}")
    for f in result.findings:
        if f.code in variant.absent_codes:
            problems.append(f"unexpected: {f.code} at {f.file} | {f.sheet} | {f.cell} {f.params}")
    for code, file in variant.absent_at:
        for f in result.findings:
            if f.code == code and f.file == file:
                problems.append(f"unexpected in {file}: {code} at {f.sheet} | {f.cell}")
    assert not problems, (
        f"{variant.name}:\n" + "\n".join(problems) + "\nall findings:\n" + _describe(result.findings)
    )


def test_check_prints_each_finding_on_one_line(tmp_path: Path) -> None:
    """`reconcile check` prints every finding as one line naming its file, sheet and cell."""
    from click.testing import CliRunner

    from reconcile.cli import cli
    from reconcile.models import Settings
    from reconcile.pipeline import run_folder

    variant = BY_NAME["wrong_totals_rates_and_over"]
    folder = tmp_path / "workbooks"
    folder.mkdir()
    variant.build(folder)
    findings = run_folder(folder, Settings(target=1.0)).findings
    assert findings, "the variant plants findings"
    out = CliRunner().invoke(cli, ["check", str(folder)])
    assert out.exit_code in (0, 1), out.output
    lines = out.output.splitlines()
    for f in findings:
        needles = [x for x in (f.file, f.sheet, f.cell) if x]
        assert any(all(n in line for n in needles) for line in lines), (
            f"no line names {needles}:\n{out.output}"
        )
    for code, file, sheet, cell in variant.expected_findings:
        if isinstance(cell, str) and cell != ANY:
            assert any(str(file) in line and str(sheet) in line and cell in line for line in lines), (
                f"{code} at {file} {sheet} {cell} not printed:\n{out.output}"
            )


# ---------------------------------------------------------------------------------------------------
# The builder on its own (no dependency on the tool)
# ---------------------------------------------------------------------------------------------------


def test_variant_catalogue_is_sound() -> None:
    """Enough distinct variants, each with its traps written down and a consistent answer key."""
    from reconcile.models import FINDING_SEVERITY

    assert len(VARIANTS) >= 22
    assert len(BY_NAME) == len(VARIANTS), "variant names must be unique"
    for v in VARIANTS:
        assert v.traps and v.build.__doc__, v.name
        assert v.expected, v.name
        keys = [_key(r) for r in v.expected]
        assert len(keys) == len(set(keys)), f"{v.name}: a key twice in the answer key"
        planted = {f[0] for f in v.expected_findings}
        assert planted <= set(FINDING_SEVERITY), f"{v.name}: unknown codes {planted - set(FINDING_SEVERITY)}"
        assert not planted & v.absent_codes, v.name
        assert v.absent_codes <= CHECKED_CODES
        for r in v.expected:
            assert r["status"] in ("over", "no_allocation", "met", "missed", "behind", "at_risk", "on_track")
    statuses = {r["status"] for v in VARIANTS for r in v.expected}
    assert statuses == {"over", "no_allocation", "met", "missed", "behind", "at_risk", "on_track"}


def test_expected_status_refuses_figures_near_a_threshold() -> None:
    """The answer key's status rule, and its refusal of figures too close to call."""
    p = dt.date(2023, 9, 30)
    assert expected_status(1000, 500, [(p, 500)], 2023) == "behind"
    assert expected_status(1000, 900, [(p, 900)], 2023) == "on_track"
    assert expected_status(1000, 1000, [(p, 1000)], 2023) == "met"
    assert expected_status(1000, 1200, [(p, 1200)], 2023) == "over"
    assert expected_status(0, 10, [(p, 10)], 2023) == "no_allocation"
    assert expected_status(1000, 900, [(dt.date(2024, 1, 31), 900)], 2023) == "missed"
    assert expected_status(1000, 810, [(dt.date(2023, 8, 31), 800), (p, 810)], 2023) == "at_risk"
    with pytest.raises(AssertionError):
        expected_status(1000, 750, [(p, 750)], 2023)  # 75% against an expected 74.8%


def _grid(path: Path, sheet: str) -> dict[tuple[int, int], Any]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sh = wb.get_sheet_by_name(sheet)
    r0, c0 = sh.start or (0, 0)
    cells: dict[tuple[int, int], Any] = {}
    for i, row in enumerate(sh.to_python()):
        for j, v in enumerate(row):
            if v != "":
                cells[(r0 + i, c0 + j)] = v
    return cells


def _rc(a1: str) -> tuple[int, int]:
    letters = "".join(ch for ch in a1 if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(a1[len(letters) :]) - 1, col - 1


def _book(variant: Variant, file: str) -> Book:
    return next(b for b in variant.books if b.path == file)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_builder_writes_what_it_plans(variant: Variant, tmp_path: Path) -> None:
    """Every file is written and opens; every planted cell holds the planted value."""
    _skip_without_soffice(variant)
    variant.build(tmp_path)
    for rel in variant.files:
        path = tmp_path / rel
        assert path.is_file(), rel
        book = _book(variant, rel)
        if book.engine == "raw":
            continue
        if book.engine == "csv":
            text = path.read_bytes()
            assert text.startswith(b"\xef\xbb\xbf")
            assert "Kế hoạch vốn" in text.decode("utf-8-sig")
            continue
        for sheet in book.sheets:
            grid = _grid(path, sheet.name)
            covered = {
                (r, c)
                for r1, c1, r2, c2 in sheet.merges
                for r in range(r1, r2 + 1)
                for c in range(c1, c2 + 1)
                if (r, c) != (r1, c1)
            }
            for (r, c), planned in sheet.cells.items():
                if (r, c) in covered:
                    continue
                if (
                    planned.formula is None
                    and isinstance(planned.value, str | int | float)
                    and planned.value != ""
                ):
                    got = grid.get((r, c))
                    if isinstance(planned.value, str):
                        assert got == planned.value, (rel, sheet.name, r, c)
                    else:
                        assert got is not None and abs(float(got) - planned.value) < 1e-6, (
                            rel,
                            sheet.name,
                            r,
                            c,
                        )
    for code, file, sheet_name, cell in variant.expected_findings:
        if (
            not isinstance(cell, str)
            or cell == ANY
            or not isinstance(file, str)
            or not isinstance(sheet_name, str)
        ):
            continue
        planned_cell = next(s for s in _book(variant, file).sheets if s.name == sheet_name).at(cell)
        assert planned_cell is not None, (code, cell)
        assert planned_cell.value is not None or planned_cell.formula is not None, (code, cell)


def test_excel_saved_formulas_carry_their_values(tmp_path: Path) -> None:
    """xlsxwriter with value=: the cached values are the figures (a file "saved by Excel")."""
    v = BY_NAME["standard_split"]
    v.build(tmp_path)
    book = v.books[0]
    sheet = book.sheets[0]
    grid = _grid(tmp_path / book.path, sheet.name)
    formulas = [(rc, cell) for rc, cell in sheet.cells.items() if cell.formula]
    assert len(formulas) > 20
    for rc, cell in formulas:
        assert abs(float(grid[rc]) - cell.value) < 1e-6, (rc, cell.formula)
    with zipfile.ZipFile(tmp_path / book.path) as z:
        assert "SUM(" in z.read("xl/worksheets/sheet1.xml").decode()


def test_uncached_formulas_are_really_uncached(tmp_path: Path) -> None:
    """openpyxl formulas have no cached value; xlsxwriter ones without value= cache 0 and ask for a
    full recalculation on load."""
    from openpyxl import load_workbook

    v = BY_NAME["formulas_without_cached_values"]
    v.build(tmp_path)
    aug, sep = v.books
    parent = next(
        rc for rc, cell in aug.sheets[0].cells.items() if cell.formula and cell.formula.startswith("=SUM")
    )
    assert parent not in _grid(tmp_path / aug.path, aug.sheets[0].name)
    ws = load_workbook(tmp_path / aug.path).active
    assert ws is not None
    assert str(ws.cell(parent[0] + 1, parent[1] + 1).value).startswith("=SUM")
    vlookup = _rc(v.expected_findings[0][3])  # type: ignore[arg-type]
    assert str(ws.cell(vlookup[0] + 1, vlookup[1] + 1).value).startswith("=VLOOKUP(")
    grid = _grid(tmp_path / sep.path, sep.sheets[0].name)
    zeros = [rc for rc, cell in sep.sheets[0].cells.items() if cell.formula]
    assert zeros and all(grid.get(rc) == 0.0 for rc in zeros)
    assert any(sep.sheets[0].cells[rc].value for rc in zeros), "the true values are not all zero"
    with zipfile.ZipFile(tmp_path / sep.path) as z:
        assert 'fullCalcOnLoad="1"' in z.read("xl/workbook.xml").decode()


def test_money_units_and_text_numbers_are_written_as_people_type_them(tmp_path: Path) -> None:
    """Amounts scaled to the file's money unit; text amounts in the file's convention."""
    v = BY_NAME["money_units_nghin_and_dong"]
    v.build(tmp_path / "money")
    nghin = _grid(tmp_path / "money" / v.books[0].path, v.books[0].sheets[0].name).values()
    dong = _grid(tmp_path / "money" / v.books[1].path, v.books[1].sheets[0].name).values()
    assert 350500.0 in nghin and 315450.0 in nghin
    assert 2345678000.0 in dong and 300500000.0 in dong
    t = BY_NAME["text_numbers_per_file_convention"]
    t.build(tmp_path / "text")
    us = set(_grid(tmp_path / "text" / "meo-vac.xlsx", "Mèo Vạc").values())
    vi = set(_grid(tmp_path / "text" / "so-tttt.xlsx", "STTTT").values())
    amb = set(_grid(tmp_path / "text" / "dong-van.xlsx", "Đồng Văn").values())
    assert {"1,571.6", "1,551", "20.6"} <= us
    assert {"1.551", "1.395", "20,6", "-"} <= vi
    assert {"2.450", "1.225", "6.616", "320"} <= amb
    sheet = next(b for b in t.books if b.path == "dong-van.xlsx").sheets[0]
    typed = [c.value for c in sheet.cells.values() if c.style == "text_amount" and c.value is not None]
    assert typed and all("," not in x for x in typed), "only ambiguous or plain amounts"


def test_hidden_sheet_is_hidden(tmp_path: Path) -> None:
    """The hidden sheet of the hidden-sheet variant is really hidden in the file."""
    from python_calamine import CalamineWorkbook

    v = BY_NAME["hidden_notes_and_chart_sheets"]
    v.build(tmp_path)
    meta = {
        m.name: str(m.visible) for m in CalamineWorkbook.from_path(str(tmp_path / v.files[0])).sheets_metadata
    }
    assert meta["T8 (cũ)"].endswith("Hidden")
    assert meta["Báo cáo"].endswith("Visible")


@pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_resave_caches_values(tmp_path: Path) -> None:
    """The LibreOffice re-save turns openpyxl's empty formulas into cached values."""
    v = BY_NAME["libreoffice_resaved_xlsx"]
    v.build(tmp_path)
    sheet = v.books[0].sheets[0]
    grid = _grid(tmp_path / v.files[0], sheet.name)
    for rc, cell in sheet.cells.items():
        if cell.formula:
            assert abs(float(grid[rc]) - cell.value) < 1e-6, (rc, cell.formula)
