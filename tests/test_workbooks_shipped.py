"""The sample reports in ``workbooks/`` are exactly what ``scripts/make_workbooks.py`` writes.

The files are the seed unit's (Sở Thông tin và Truyền thông tỉnh Lạng Sơn) monthly Layout A reports
for January–September 2023. Planted on purpose: none of the SPEC 4 problems; the one trap is the
place/date line above the signature ("Lạng Sơn, ngày 5 tháng 10 năm 2023"), whose month is not the
period. These tests keep the script and the files from drifting apart and check that every cached
formula value is the value its formula computes, so readers that trust cached values are right to.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_workbooks.py"
SHIPPED = ROOT / "workbooks"
LAST = "Báo cáo tháng 9 năm 2023.xlsx"

CARRIED = "Vốn năm 2022 kéo dài thực hiện năm 2023"
CURRENT = "Vốn năm 2023"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The script's output in a fresh folder."""
    out = tmp_path_factory.mktemp("workbooks")
    subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, capture_output=True)
    return out


def _shipped_files() -> list[Path]:
    return sorted(p for p in SHIPPED.glob("*.xlsx"))


def _grid(path: Path) -> list[list[Any]]:
    """Cached values as a reader sees them, with row 0 / column 0 being A1 whatever calamine trims."""
    wb = CalamineWorkbook.from_path(str(path))
    sheet = wb.get_sheet_by_name(wb.sheet_names[0])
    r0, c0 = sheet.start or (0, 0)
    rows = sheet.to_python()
    width = c0 + max(len(r) for r in rows)
    blank: list[Any] = [""]
    grid = [blank * width for _ in range(r0)]
    grid.extend(blank * c0 + list(r) + blank * (width - c0 - len(r)) for r in rows)
    return grid


def _ref(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    assert m, ref
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _num(grid: list[list[Any]], ref: str) -> float:
    r, c = _ref(ref)
    v = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
    if v in ("", None):
        return 0.0
    assert isinstance(v, int | float), f"{ref} holds {v!r}, not a number"
    return float(v)


def _evaluate(formula: str, grid: list[list[Any]]) -> float:
    """The few formula shapes the form uses; anything else fails the test on purpose."""
    body = formula.lstrip("=").replace(" ", "")
    m = re.fullmatch(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", body)
    if m:
        (r1, c1), (r2, c2) = _ref(m.group(1)), _ref(m.group(2))
        total = 0.0
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                total += _num(grid, f"{_col_name(c)}{r + 1}")
        return total
    m = re.fullmatch(r"IF\(([A-Z]+\d+)>0,([A-Z]+\d+)/([A-Z]+\d+)\*100,0\)", body)
    if m:
        assert m.group(1) == m.group(3), formula
        plan, paid = _num(grid, m.group(1)), _num(grid, m.group(2))
        return paid / plan * 100 if plan > 0 else 0.0
    if re.fullmatch(r"[A-Z]+\d+(\+[A-Z]+\d+)*", body):
        return sum(_num(grid, ref) for ref in body.split("+"))
    raise AssertionError(f"unexpected formula shape {formula}")


def _col_name(c: int) -> str:
    name = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        name = chr(65 + rem) + name
    return name


def _row(grid: list[list[Any]], label: str, after: int = 0) -> list[Any]:
    for row in grid[after:]:
        if len(row) > 1 and row[1] == label:
            return row
    raise AssertionError(f"no row labelled {label!r}")


def _row_index(grid: list[list[Any]], label: str) -> int:
    return next(i for i, row in enumerate(grid) if len(row) > 1 and row[1] == label)


def test_shipped_files_are_what_the_script_writes(generated: Path) -> None:
    made = sorted(p.name for p in generated.glob("*.xlsx"))
    assert made == sorted(p.name for p in _shipped_files())
    assert len(made) == 9
    for name in made:
        assert (generated / name).read_bytes() == (SHIPPED / name).read_bytes(), (
            f"workbooks/{name} differs from the script's output: run python scripts/make_workbooks.py"
        )


def test_script_output_is_deterministic(generated: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], check=True, capture_output=True)
    for path in generated.glob("*.xlsx"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_last_period_section_totals() -> None:
    grid = _grid(SHIPPED / LAST)
    carried, current = _row(grid, CARRIED), _row(grid, CURRENT)
    # C: Tổng số, D: NSTW of "Kế hoạch vốn được giao" (the seed's figures).
    assert carried[2] == pytest.approx(1571.6, abs=1e-9)
    assert carried[3] == pytest.approx(1571.6, abs=1e-9)
    assert current[2] == pytest.approx(6616.0, abs=1e-9)
    assert current[3] == pytest.approx(6616.0, abs=1e-9)
    assert _row(grid, "TỔNG CỘNG")[2] == pytest.approx(8187.6, abs=1e-9)
    # The 2023 Dự án 6 / Tiểu dự án 1 and its loudspeaker activity, as the seed states them.
    tda1_2023 = _row(grid, "Tiểu dự án 1: Giảm nghèo về thông tin", after=_row_index(grid, CURRENT))
    assert tda1_2023[3] == pytest.approx(6595.0)
    loudspeakers = _row(grid, "Đầu tư mới cụm loa truyền thông tại các xã đặc biệt khó khăn")
    assert loudspeakers[3] == pytest.approx(700.0)


@pytest.mark.parametrize("path", _shipped_files(), ids=lambda p: p.name)
def test_cached_values_equal_what_formulas_compute(path: Path) -> None:
    grid = _grid(path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    formulas = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                formulas += 1
                cached = _num(grid, cell.coordinate)
                assert cached == pytest.approx(_evaluate(cell.value, grid), abs=1e-9), (
                    f"{path.name}!{cell.coordinate} {cell.value} caches {cached}"
                )
    # 15 table rows: 6 amount formulas per parent row, 2 per leaf row, a rate on every row.
    assert formulas == 9 * 6 + 6 * 2 + 15


@pytest.mark.parametrize("path", _shipped_files(), ids=lambda p: p.name)
def test_layout_a_form(path: Path) -> None:
    grid = _grid(path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert grid[0][0] == "UBND TỈNH LẠNG SƠN"
    assert grid[1][0] == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    assert grid[0][4] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert grid[1][4] == "Độc lập - Tự do - Hạnh phúc"
    assert grid[3][0].startswith("BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP")
    assert grid[4][8] == "Đơn vị tính: triệu đồng"
    assert grid[5][:3] == ["STT", "Nội dung", "Kế hoạch vốn được giao"]
    assert grid[6][2:8] == ["Tổng số", "NSTW", "NSĐP"] * 2
    assert grid[7] == ["A", "B", "1", "2", "3", "4", "5", "6", "7=4/1", "8"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:E6", "F6:H6", "I6:I7", "J6:J7"} <= merged
    assert ws.freeze_panes == "C9"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws["D13"].number_format == "#,##0.0"
    # NSĐP is empty on every leaf row: the unit's money is all central budget.
    for r in range(8, 23):
        if grid[r][0] in ("+",) or (grid[r][0] == "-" and grid[r + 1][0] != "+"):
            assert grid[r][4] == "" and grid[r][7] == "", f"row {r + 1}"


def _period(grid: list[list[Any]]) -> tuple[int, int, int]:
    m = re.fullmatch(r"\(Số liệu đến ngày (\d+)/(\d+)/(\d{4})\)", grid[4][0])
    assert m, grid[4][0]
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_each_file_carries_its_month_and_a_later_document_date() -> None:
    last_days = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30}
    months = []
    for path in _shipped_files():
        grid = _grid(path)
        day, month, year = _period(grid)
        assert (day, year) == (last_days[month], 2023)
        assert grid[5][5] == f"Giải ngân lũy kế đến {day}/{month}/2023"
        months.append(month)
        dated = [v for row in grid for v in row if isinstance(v, str) and v.startswith("Lạng Sơn, ngày")]
        assert dated == [f"Lạng Sơn, ngày 5 tháng {month + 1} năm 2023"]
        flat = [v for row in grid for v in row]
        assert "NGƯỜI LẬP BIỂU" in flat and "KT. GIÁM ĐỐC" in flat and "Lê Hải Yến" in flat
    assert sorted(months) == list(range(1, 10))


def test_disbursement_path_follows_the_seed() -> None:
    by_month = {}
    for path in _shipped_files():
        grid = _grid(path)
        by_month[_period(grid)[1]] = grid
    leaves = [(r, by_month[9][r][1]) for r in range(8, 23) if by_month[9][r][0] in ("+", "-")]
    for r, label in leaves:
        plans = [by_month[m][r][3] for m in range(1, 10)]
        paid = [_num(by_month[m], f"G{r + 1}") for m in range(1, 10)]
        assert all(b >= a for a, b in zip(paid, paid[1:], strict=False)), f"{label} falls: {paid}"
        assert len(set(plans)) == 1, f"{label} allocation changes"
        assert paid[-1] <= plans[0]
    sep = by_month[9]
    carried_d6 = _row(
        sep, "Thiết lập mới, nâng cấp Đài truyền thanh ứng dụng Công nghệ thông tin - Viễn thông"
    )
    assert 60 <= carried_d6[8] <= 75  # installation under way, well short of 100%
    current = _row_index(sep, CURRENT)
    assert _row(sep, "Tiểu dự án 2: Giám sát, đánh giá", after=current)[6] == 0  # inspections from November
    assert _row(sep, "Đầu tư mới cụm loa truyền thông tại các xã đặc biệt khó khăn")[6] == 0  # in bidding
    assert 0 < _row(sep, CURRENT)[8] < 10  # the training class only
    assert _row(by_month[5], CURRENT)[5] == 0  # nothing of 2023 before the June class
