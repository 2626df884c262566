"""Generate the benchmark corpora: realistic disbursement reports with figures known in advance.

Three kinds (issue 5), each written with xlsxwriter into its own folder with a ``manifest.json`` that
records the parameters and the expected totals:

- ``department``: one unit's year, 12 monthly Layout A files of about 40 rows;
- ``province``: 200 units x 12 months of Layout A files, a sub-folder per unit (2,400 files);
- ``national``: 34 consolidated Layout B files (one per province, 30,000 rows each, a "Đơn vị" column
  naming about 580 commune-level units per file).

Layout A files follow the standard form: header block, two-row merged header (Tổng số / NSTW / NSĐP),
column-number row, TỔNG CỘNG, year sections I/II, projects, sub-projects and a few activity rows, and a
signature block. Cumulative figures of each unit never decrease from one month to the next, and every
parent row is the exact sum of its children (amounts are kept in integer tenths of a triệu đồng).

Parent rows are written as plain numbers, as in most files saved by Excel. xlsxwriter marks every
workbook ``fullCalcOnLoad``, which makes the reader evaluate formulas itself, so the ``formulas=True``
variant (parent rows, Tổng số and the rate as formulas with their cached values) measures that path.

Everything is deterministic for a given seed. A corpus whose manifest matches the requested parameters
is not generated again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from reconcile.catalogue import PROJECTS
from reconcile.writers.template import HEADERS

#: Bumped whenever the files written change, so that cached corpora are regenerated.
GENERATOR_VERSION = 3
YEAR = 2023

#: The programme's leaves (project, sub-project or None) and their names, as in Quyết định 90/QĐ-TTg.
PROJECT_NAMES: dict[int, str] = {
    1: "Hỗ trợ đầu tư phát triển hạ tầng kinh tế – xã hội các huyện nghèo, các xã đặc biệt khó khăn vùng bãi ngang, ven biển và hải đảo",
    2: "Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo",
    3: "Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng",
    4: "Phát triển giáo dục nghề nghiệp, việc làm bền vững",
    5: "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo",
    6: "Truyền thông và giảm nghèo về thông tin",
    7: "Nâng cao năng lực và giám sát, đánh giá thực hiện Chương trình",
}
SUB_NAMES: dict[tuple[int, int], str] = {
    (1, 1): "Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các huyện nghèo",
    (1, 2): "Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các xã đặc biệt khó khăn vùng bãi ngang, "
    "ven biển và hải đảo",
    (3, 1): "Hỗ trợ phát triển sản xuất",
    (3, 2): "Cải thiện dinh dưỡng",
    (4, 1): "Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn",
    (4, 2): "Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng",
    (4, 3): "Hỗ trợ việc làm bền vững",
    (6, 1): "Giảm nghèo về thông tin",
    (6, 2): "Truyền thông về giảm nghèo đa chiều",
    (7, 1): "Nâng cao năng lực",
    (7, 2): "Giám sát, đánh giá",
}
#: Every leaf of the tool's own catalogue, so the corpora can never name a key the tool does not know.
LEAVES: tuple[tuple[int, int | None], ...] = tuple(
    (p, s) for p, (_, subs) in sorted(PROJECTS.items()) for s in (sorted(subs) or [None])
)
#: The carried-over section of a Layout A file holds only some of the leaves, as real ones do.
CARRIED_LEAVES: tuple[tuple[int, int | None], ...] = ((2, None), (3, 1), (6, 1), (7, 2))
#: Leaves broken down into activity ("+") rows in the current-year section.
ACTIVITIES: dict[tuple[int, int | None], tuple[str, ...]] = {
    (6, 1): (
        "Thiết lập mới, nâng cấp Đài truyền thanh ứng dụng công nghệ thông tin - viễn thông",
        "Đầu tư mới cụm loa truyền thông tại các xã đặc biệt khó khăn",
        "Sản xuất các sản phẩm truyền thông",
    ),
    (4, 3): ("Tổ chức phiên giao dịch việc làm", "Hỗ trợ kết nối cung - cầu lao động"),
}

PROVINCES: tuple[str, ...] = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip
_SYLLABLES: tuple[str, ...] = (
    "An", "Bình", "Bảo", "Cẩm", "Châu", "Đông", "Đức", "Gia", "Hà", "Hải", "Hòa", "Hưng", "Hương", "Kim",
    "Lạc", "Lâm", "Long", "Minh", "Mỹ", "Nam", "Ninh", "Phú", "Phúc", "Quang", "Quảng", "Sơn", "Tân",
    "Thạch", "Thanh", "Thái", "Thuận", "Tiên", "Trung", "Trường", "Vĩnh", "Văn", "Xuân", "Yên", "Lập",
    "Lộc", "Thịnh", "Phong",
)  # fmt: skip

TITLE_A = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG"
TITLE_B = "BÁO CÁO TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN SỰ NGHIỆP CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG"
HEADERS_B: tuple[str, ...] = HEADERS  # the tidy template the tool itself writes
_WB_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@dataclass(frozen=True, slots=True)
class Item:
    """One line item the tool must read back: its key, period and figures (triệu đồng)."""

    unit: str
    budget_year: int
    execution_year: int
    project: int
    sub_project: int | None
    source: str  # NSTW | NSDP
    period: dt.date
    allocated: float
    disbursed: float


@dataclass(slots=True)
class Manifest:
    """What a corpus holds: its parameters (the cache key) and the totals a correct run must read."""

    kind: str
    params: dict[str, Any]
    files: int = 0
    items: int = 0
    allocated: float = 0.0
    disbursed: float = 0.0
    units: int = 0
    formulas: bool = False
    version: int = GENERATOR_VERSION
    extra: dict[str, Any] = field(default_factory=dict)


def manifest_path(folder: Path) -> Path:
    """Where a corpus's manifest lives: beside the folder, so the tool never sees it as an input."""
    return folder.with_name(folder.name + ".manifest.json")


# ---- names and figures ------------------------------------------------------------------------


def ascii_slug(text: str) -> str:
    """A file-name-friendly ASCII form of a Vietnamese name ("Lào Cai" -> "lao-cai")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain.lower()).split())


def place_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct two-syllable Vietnamese place names."""
    pairs = [f"{a} {b}" for a in _SYLLABLES for b in _SYLLABLES if a != b]
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} distinct names")
    rng.shuffle(pairs)
    return pairs[:count]


def month_end(month: int, year: int = YEAR) -> dt.date:
    """The last day of a month (a monthly report's cut-off date)."""
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _fractions(rng: random.Random, months: int, final_low: float, final_high: float) -> list[float]:
    """A non-decreasing cumulative share of the allocation disbursed, month by month."""
    final = rng.uniform(final_low, final_high)
    steps = [rng.random() ** 2 for _ in range(months)]
    total = sum(steps) or 1.0
    out: list[float] = []
    acc = 0.0
    for s in steps:
        acc += s / total * final
        out.append(min(acc, 1.0))
    return out


# ---- Layout A ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Cell:
    """Figures of one leaf-level row in tenths of a triệu: allocation and cumulative disbursement by month."""

    alloc_tw: int
    alloc_dp: int | None
    disb_tw: list[int]
    disb_dp: list[int] | None


@dataclass(slots=True)
class _RowA:
    kind: str  # total | year | project | sub | activity
    stt: str
    label: str
    children: list[_RowA] = field(default_factory=list)
    cell: _Cell | None = None  # leaf-level rows only
    #: (budget year, execution year, project, sub-project) of a row that is a line item.
    key: tuple[int, int, int, int | None] | None = None


@dataclass(slots=True)
class UnitPlan:
    """One Layout A unit: its names and its year of figures (the tree of rows is the same every month)."""

    unit: str
    superior: str
    place: str
    root: _RowA
    months: int


def _leaf_cell(rng: random.Random, months: int, carried: bool) -> _Cell:
    alloc_tw = rng.randint(200, 80_000)  # 20 to 8,000 triệu
    alloc_dp = rng.randint(20, 8_000) if rng.random() < 0.35 else None
    low, high = (0.7, 1.0) if carried else (0.3, 0.98)
    f_tw = _fractions(rng, months, low, high)
    disb_tw = [round(alloc_tw * f) for f in f_tw]
    disb_dp = None
    if alloc_dp is not None:
        f_dp = _fractions(rng, months, low, high)
        disb_dp = [round(alloc_dp * f) for f in f_dp]
    return _Cell(alloc_tw, alloc_dp, disb_tw, disb_dp)


def _roman(n: int) -> str:
    return ("I", "II", "III", "IV")[n - 1]


def plan_unit(unit: str, superior: str, place: str, seed: int, months: int = 12) -> UnitPlan:
    """The rows and figures of one unit's Layout A reports (figures differ per unit, the form does not)."""
    rng = random.Random(seed)
    total = _RowA("total", "", "TỔNG CỘNG")
    sections = (
        (YEAR - 1, YEAR, f"Vốn năm {YEAR - 1} kéo dài sang năm {YEAR}", CARRIED_LEAVES),
        (YEAR, YEAR, f"Vốn năm {YEAR}", LEAVES),
    )
    for si, (by, ey, title, leaves) in enumerate(sections, start=1):
        sec = _RowA("year", _roman(si), title)
        total.children.append(sec)
        projects: dict[int, _RowA] = {}
        for p, s in leaves:
            if p not in projects:
                label = f"Dự án {p}: {PROJECT_NAMES[p]}"
                projects[p] = _RowA("project", str(len(projects) + 1), label)
                sec.children.append(projects[p])
            proj = projects[p]
            if s is None:
                proj.key = (by, ey, p, None)
                leaf = proj
            else:
                leaf = _RowA("sub", "-", f"Tiểu dự án {s}: {SUB_NAMES[(p, s)]}", key=(by, ey, p, s))
                proj.children.append(leaf)
            acts = ACTIVITIES.get((p, s), ()) if by == ey else ()
            if acts:
                for name in acts:
                    leaf.children.append(_RowA("activity", "+", name, cell=_leaf_cell(rng, months, by < ey)))
            else:
                leaf.cell = _leaf_cell(rng, months, by < ey)
    return UnitPlan(unit, superior, place, total, months)


@dataclass(slots=True)
class _Figures:
    """A row's figures for one month, in tenths: (Tổng số, NSTW, NSĐP) for allocation and disbursement."""

    alloc: tuple[int, int, int | None]
    disb: tuple[int, int, int | None]


def _figures(row: _RowA, m: int) -> _Figures:
    if row.cell is not None:
        c = row.cell
        dp_a = c.alloc_dp
        dp_d = c.disb_dp[m] if c.disb_dp is not None else None
        return _Figures(
            (c.alloc_tw + (dp_a or 0), c.alloc_tw, dp_a), (c.disb_tw[m] + (dp_d or 0), c.disb_tw[m], dp_d)
        )
    kids = [_figures(k, m) for k in row.children]
    a_tw = sum(k.alloc[1] for k in kids)
    d_tw = sum(k.disb[1] for k in kids)
    dp_vals = [k.alloc[2] for k in kids]
    # A parent shows 0 in NSĐP where no child has any (as filled forms do); a leaf leaves it empty.
    a_dp = sum(v or 0 for v in dp_vals)
    d_dp = sum(k.disb[2] or 0 for k in kids)
    return _Figures((a_tw + a_dp, a_tw, a_dp), (d_tw + d_dp, d_tw, d_dp))


def _walk(row: _RowA) -> Iterator[_RowA]:
    yield row
    for k in row.children:
        yield from _walk(k)


def unit_items(plan: UnitPlan, month: int) -> list[Item]:
    """The line items a month's report of ``plan`` must yield (month 1..12)."""
    m = month - 1
    period = month_end(month)
    out: list[Item] = []
    for row in _walk(plan.root):
        if row.key is None:
            continue
        by, ey, p, s = row.key
        f = _figures(row, m)
        for src, i in (("NSTW", 1), ("NSDP", 2)):
            a, d = f.alloc[i], f.disb[i]
            if not a and not d:
                continue
            out.append(Item(plan.unit, by, ey, p, s, src, period, (a or 0) / 10, (d or 0) / 10))
    return out


def layout_a_name(style: int, month: int) -> str:
    """File names as people write them: three styles, all naming the month."""
    return (
        f"{YEAR}-{month:02d}.xlsx",
        f"BC giai ngan T{month}-{YEAR}.xlsx",
        f"Báo cáo tháng {month} năm {YEAR}.xlsx",
    )[style % 3]


def write_layout_a(path: Path, plan: UnitPlan, month: int, formulas: bool = False) -> list[Item]:
    """Write one month's Layout A report of ``plan``; returns the items it holds."""
    m = month - 1
    period = month_end(month)
    cut = f"{period.day}/{period.month}/{period.year}"
    wb = xlsxwriter.Workbook(str(path), _WB_OPTIONS)
    try:
        ws = wb.add_worksheet("Biểu 01")
        bold = wb.add_format({"bold": True})
        center_b = wb.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
        )
        center = wb.add_format({"align": "center", "border": 1})
        title = wb.add_format({"bold": True, "align": "center", "font_size": 12})
        italic = wb.add_format({"italic": True, "align": "center"})
        money = wb.add_format({"num_format": "#,##0.0", "border": 1})
        money_b = wb.add_format({"num_format": "#,##0.0", "border": 1, "bold": True})
        pct = wb.add_format({"num_format": "0.00", "border": 1})
        text = wb.add_format({"border": 1, "text_wrap": True})
        text_b = wb.add_format({"border": 1, "text_wrap": True, "bold": True})
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 48)
        ws.set_column(2, 7, 12)
        ws.set_column(8, 9, 14)
        ws.merge_range(0, 0, 0, 3, plan.superior, bold)
        ws.merge_range(0, 5, 0, 9, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
        ws.merge_range(1, 0, 1, 3, plan.unit, bold)
        ws.merge_range(1, 5, 1, 9, "Độc lập - Tự do - Hạnh phúc", bold)
        ws.merge_range(3, 0, 3, 9, TITLE_A, title)
        ws.merge_range(4, 0, 4, 7, f"(Số liệu đến ngày {cut})", italic)
        ws.merge_range(4, 8, 4, 9, "Đơn vị tính: triệu đồng", italic)
        ws.merge_range(5, 0, 6, 0, "STT", center_b)
        ws.merge_range(5, 1, 6, 1, "Nội dung", center_b)
        ws.merge_range(5, 2, 5, 4, "Kế hoạch vốn được giao", center_b)
        ws.merge_range(5, 5, 5, 7, f"Giải ngân lũy kế đến {cut}", center_b)
        ws.merge_range(5, 8, 6, 8, "Tỷ lệ giải ngân (%)", center_b)
        ws.merge_range(5, 9, 6, 9, "Ghi chú", center_b)
        for c, t in enumerate(("Tổng số", "NSTW", "NSĐP", "Tổng số", "NSTW", "NSĐP"), start=2):
            ws.write_string(6, c, t, center_b)
        for c, t in enumerate(("A", "B", "1", "2", "3", "4", "5", "6", "7=4/1", "8")):
            ws.write_string(7, c, t, center)
        rows = list(_walk(plan.root))
        index = {id(row): 8 + i for i, row in enumerate(rows)}
        for i, row in enumerate(rows):
            r = 8 + i
            parent = row.cell is None
            f = _figures(row, m)
            fmt = money_b if parent else money
            ws.write_string(r, 0, row.stt, text_b if parent else text)
            ws.write_string(r, 1, row.label, text_b if parent else text)
            values = (*f.alloc, *f.disb)
            for j, v in enumerate(values):
                c = 2 + j
                if v is None:
                    ws.write_blank(r, c, None, fmt)
                    continue
                amount = v / 10
                if formulas and j in (0, 3):  # Tổng số = NSTW + NSĐP
                    ws.write_formula(
                        r, c, f"={xl_rowcol_to_cell(r, c + 1)}+{xl_rowcol_to_cell(r, c + 2)}", fmt, amount
                    )
                elif formulas and parent:
                    refs = [xl_rowcol_to_cell(index[id(k)], c) for k in row.children]
                    ws.write_formula(r, c, "=" + "+".join(refs), fmt, amount)
                else:
                    ws.write_number(r, c, amount, fmt)
            rate = round(f.disb[0] / f.alloc[0] * 100, 2) if f.alloc[0] else 0.0
            if formulas:
                a, d = xl_rowcol_to_cell(r, 2), xl_rowcol_to_cell(r, 5)
                ws.write_formula(
                    r, 8, f"=IF({a}>0,{d}/{a}*100,0)", pct, f.disb[0] / f.alloc[0] * 100 if f.alloc[0] else 0
                )
            else:
                ws.write_number(r, 8, rate, pct)
            ws.write_blank(r, 9, None, text)
        end = 8 + len(rows) + 1
        ws.merge_range(
            end, 5, end, 9, f"{plan.place}, ngày 5 tháng {month % 12 + 1} năm {YEAR + (month == 12)}", italic
        )
        ws.write_string(end + 1, 1, "NGƯỜI LẬP BIỂU", bold)
        ws.merge_range(end + 1, 5, end + 1, 9, "KT. GIÁM ĐỐC", title)
        ws.merge_range(end + 2, 5, end + 2, 9, "PHÓ GIÁM ĐỐC", title)
        ws.merge_range(end + 6, 5, end + 6, 9, "Nguyễn Văn An", title)
        ws.repeat_rows(5, 7)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
    finally:
        wb.close()
    return unit_items(plan, month)


# ---- Layout B ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NationalFile:
    """One province's consolidated Layout B file."""

    province: str
    name: str
    rows: int
    seed: int


def _commune_units(province: str, rows: int, seed: int) -> list[str]:
    per_unit = 2 * len(LEAVES) * 2
    count = -(-rows // per_unit)
    names = place_names(count, random.Random(seed))
    return [f"UBND xã {n} ({province})" for n in names]


def national_rows(nf: NationalFile) -> Iterator[tuple[Any, ...]]:
    """The data rows of a national file: unit, years, project, sub-project, content, source, amounts, note."""
    rng = random.Random(nf.seed + 1)
    emitted = 0
    for unit in _commune_units(nf.province, nf.rows, nf.seed):
        for by in (YEAR - 1, YEAR):
            for p, s in LEAVES:
                content = SUB_NAMES[(p, s)] if s is not None else PROJECT_NAMES[p]
                for src in ("NSTW", "NSĐP"):
                    if emitted >= nf.rows:
                        return
                    alloc = rng.randint(10, 60_000)
                    share = rng.uniform(0.75, 1.0) if by < YEAR else rng.uniform(0.3, 1.0)
                    disb = round(alloc * share)
                    emitted += 1
                    yield (unit, by, YEAR, p, s, content, src, alloc / 10, disb / 10, "")


def national_items(nf: NationalFile) -> list[Item]:
    """The items a national file must yield."""
    period = month_end(12)
    return [
        Item(u, by, ey, p, s, "NSDP" if src == "NSĐP" else src, period, a, d)
        for u, by, ey, p, s, _, src, a, d, _ in national_rows(nf)
    ]


def write_national(path: Path, nf: NationalFile) -> tuple[int, float, float]:
    """Write one consolidated Layout B file (constant memory); returns (items, allocated, disbursed)."""
    wb = xlsxwriter.Workbook(str(path), {**_WB_OPTIONS, "constant_memory": True})
    n, alloc_sum, disb_sum = 0, 0.0, 0.0
    try:
        ws = wb.add_worksheet("Tổng hợp")
        bold = wb.add_format({"bold": True})
        head = wb.add_format(
            {"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter"}
        )
        money = wb.add_format({"num_format": "#,##0.0"})
        ws.set_column(0, 0, 34)
        ws.set_column(5, 5, 40)
        ws.set_column(7, 8, 14)
        ws.write_string(0, 0, f"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH {nf.province.upper()}", bold)
        ws.write_string(1, 0, TITLE_B, bold)
        ws.write_string(2, 0, f"Số liệu đến ngày 31/12/{YEAR}")
        ws.write_string(3, 0, "Đơn vị tính: triệu đồng")
        for c, h in enumerate(HEADERS_B):
            ws.write_string(5, c, h, head)
        r = 6
        for unit, by, ey, p, s, content, src, a, d, _note in national_rows(nf):
            ws.write_string(r, 0, unit)
            ws.write_number(r, 1, by)
            ws.write_number(r, 2, ey)
            ws.write_number(r, 3, p)
            if s is not None:
                ws.write_number(r, 4, s)
            ws.write_string(r, 5, content)
            ws.write_string(r, 6, src)
            ws.write_number(r, 7, a, money)
            ws.write_number(r, 8, d, money)
            r += 1
            n += 1
            alloc_sum += a
            disb_sum += d
        ws.freeze_panes(6, 0)
    finally:
        wb.close()
    return n, alloc_sum, disb_sum


# ---- corpora ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """What to generate: the kind and its size. Equal specs give byte-for-byte equal figures."""

    kind: str  # department | province | national
    units: int = 1
    months: int = 12
    files: int = 0  # national: number of province files
    rows: int = 0  # national: rows per file
    formulas: bool = False
    seed: int = 2023

    def params(self) -> dict[str, Any]:
        """The cache key written into the manifest."""
        return asdict(self)


def department_spec(formulas: bool = False) -> CorpusSpec:
    """One unit, 12 months."""
    return CorpusSpec("department", units=1, months=12, formulas=formulas)


def province_spec(scale: float = 1.0, formulas: bool = False) -> CorpusSpec:
    """200 units x 12 months at full scale."""
    return CorpusSpec("province", units=max(1, round(200 * scale)), months=12, formulas=formulas)


def national_spec(scale: float = 1.0) -> CorpusSpec:
    """34 provinces x 30,000 rows at full scale (the rows per file shrink with the scale)."""
    return CorpusSpec("national", files=34, rows=max(52, round(30_000 * scale)))


def _unit_plans(spec: CorpusSpec) -> list[tuple[UnitPlan, str]]:
    """(plan, sub-folder) of each unit of a Layout A corpus."""
    rng = random.Random(spec.seed)
    if spec.kind == "department":
        plan = plan_unit(
            "BAN DÂN TỘC TỈNH HÀ GIANG", "UBND TỈNH HÀ GIANG", "Hà Giang", spec.seed, spec.months
        )
        return [(plan, "")]
    names = place_names(spec.units, rng)
    plans = []
    for i, name in enumerate(names):
        unit = f"PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI HUYỆN {name.upper()}"
        plan = plan_unit(unit, f"UBND HUYỆN {name.upper()}", name, spec.seed * 1000 + i, spec.months)
        plans.append((plan, f"{i + 1:03d} {ascii_slug(name)}"))
    return plans


def _write_unit(args: tuple[str, UnitPlan, int, bool]) -> list[tuple[str, int, float, float]]:
    folder, plan, style, formulas = args
    out = []
    for month in range(1, plan.months + 1):
        path = Path(folder) / layout_a_name(style, month)
        items = write_layout_a(path, plan, month, formulas)
        out.append((str(path), len(items), sum(i.allocated for i in items), sum(i.disbursed for i in items)))
    return out


def _write_national_job(args: tuple[str, NationalFile]) -> tuple[int, float, float]:
    folder, nf = args
    return write_national(Path(folder) / nf.name, nf)


def national_files(spec: CorpusSpec) -> list[NationalFile]:
    """The files of a national corpus."""
    provinces = [PROVINCES[i % len(PROVINCES)] for i in range(spec.files)]
    return [
        NationalFile(p, f"tong-hop-{ascii_slug(p)}-{YEAR}-12.xlsx", spec.rows, spec.seed * 100 + i)
        for i, p in enumerate(provinces)
    ]


def expected_items(spec: CorpusSpec) -> list[Item]:
    """Every line item a corpus holds (for tests on small corpora; large ones keep only totals)."""
    if spec.kind == "national":
        return [it for nf in national_files(spec) for it in national_items(nf)]
    return [
        it for plan, _ in _unit_plans(spec) for m in range(1, spec.months + 1) for it in unit_items(plan, m)
    ]


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a generated corpus, or None when there is none (or an unreadable one)."""
    try:
        data = json.loads(manifest_path(folder).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def generate(spec: CorpusSpec, folder: Path, workers: int | None = None, force: bool = False) -> Manifest:
    """Write the corpus into ``folder`` unless a manifest there says it already holds exactly this one."""
    current = read_manifest(folder)
    if (
        not force
        and current is not None
        and current.params == spec.params()
        and current.version == GENERATOR_VERSION
    ):
        return current
    manifest_path(folder).unlink(missing_ok=True)  # a half-written corpus must never look complete
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    manifest = Manifest(kind=spec.kind, params=spec.params(), formulas=spec.formulas)
    workers = workers or os.cpu_count() or 1
    if spec.kind == "national":
        jobs_b = [(str(folder), nf) for nf in national_files(spec)]
        results = _map(_write_national_job, jobs_b, workers)
        units: set[str] = set()
        for nf, (n, a, d) in zip(national_files(spec), results, strict=True):
            manifest.files += 1
            manifest.items += n
            manifest.allocated = round(manifest.allocated + a, 4)
            manifest.disbursed = round(manifest.disbursed + d, 4)
            units.update(_commune_units(nf.province, nf.rows, nf.seed))
        manifest.units = len(units)
    else:
        jobs_a = []
        for i, (plan, sub) in enumerate(_unit_plans(spec)):
            target = folder / sub if sub else folder
            target.mkdir(parents=True, exist_ok=True)
            jobs_a.append((str(target), plan, i, spec.formulas))
        for written in _map(_write_unit, jobs_a, workers):
            for _, n, a, d in written:
                manifest.files += 1
                manifest.items += n
                manifest.allocated = round(manifest.allocated + a, 4)
                manifest.disbursed = round(manifest.disbursed + d, 4)
        manifest.units = len(jobs_a)
    manifest_path(folder).write_text(
        json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def _map(fn: Any, jobs: list[Any], workers: int) -> list[Any]:
    if workers <= 1 or len(jobs) < 4:
        return [fn(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, jobs, chunksize=max(1, len(jobs) // (workers * 4))))


def spreadsheet_files(folder: Path) -> list[Path]:
    """The corpus's spreadsheets, in a stable order."""
    return sorted(p for p in folder.rglob("*.xlsx") if p.is_file())


def main(argv: list[str] | None = None) -> None:
    """Generate the corpora on their own: ``python -m bench.generate [--quick] [--force]``."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="10x smaller province and national corpora")
    ap.add_argument("--scale", type=float, default=None, help="size factor for province and national")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "corpora")
    ap.add_argument("--force", action="store_true", help="regenerate even when cached")
    args = ap.parse_args(argv)
    scale = args.scale if args.scale is not None else (0.1 if args.quick else 1.0)
    for name, spec in corpus_specs(scale).items():
        m = generate(spec, args.out / name, force=args.force)
        print(f"{name}: {m.files} files, {m.items} items")


def corpus_specs(scale: float = 1.0) -> dict[str, CorpusSpec]:
    """The corpora of a bench run, by folder name (scaled ones get their own folders)."""
    tag = "" if scale == 1.0 else f"-x{scale:g}"
    return {
        "department": department_spec(),
        "department-formulas": department_spec(formulas=True),
        f"province{tag}": province_spec(scale),
        # Issue 18: the province written by a program (fullCalcOnLoad, parent rows as formulas).
        f"province-formulas{tag}": province_spec(scale, formulas=True),
        f"national{tag}": national_spec(scale),
    }


if __name__ == "__main__":
    main()
