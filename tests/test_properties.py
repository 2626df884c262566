"""Invariants over a monthly series: the order files were written in, their modification times and
their names never change the figures, as long as each file's period can still be found (in the name
in any of the shapes people use, or only in the header).

A three-month Layout A series (July to September 2023) of one unit is built from
:mod:`tests.variants` helpers; a baseline run uses tidy names (``2023-07.xlsx`` ...) written in
order. Hypothesis then shuffles the writing order and the mtimes and renames the files, and the
summary (every key and period) and the latest figures must match the baseline's.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.variants import (
    DA2,
    DA3,
    DA4,
    TDA31,
    TDA43,
    Y23,
    Book,
    Table,
    cols_split,
    item,
    month_end,
    project,
    save_books,
    section,
    sheet_a,
)

MONTHS = (7, 8, 9)
UNIT = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
#: Cumulative NSTW / NSĐP disbursement per month: on track, behind and met keys.
FIGURES: dict[int, dict[str, tuple[float, float]]] = {
    7: {"da2": (700, 70), "t31": (400, 40), "t43": (300, 0)},
    8: {"da2": (800, 80), "t31": (450, 45), "t43": (300, 0)},
    9: {"da2": (900, 90), "t31": (500, 50), "t43": (300, 0)},
}
#: File names that carry the period, in the shapes of SPEC 1.
NAME_SHAPES = (
    "2023-{m:02d}.xlsx",
    "BC giai ngan T{m}-2023.xlsx",
    "Báo cáo tháng {m} năm 2023 (sửa).xlsx",
    "Thang {m} nam 2023.xlsx",
)
#: Columns compared between runs, where the result has them.
FIGURE_COLUMNS = (
    "allocated",
    "disbursed",
    "rate",
    "shortfall",
    "status",
    "increment",
    "expected_rate",
    "run_rate",
    "projection",
)
KEY_COLUMNS = ["unit", "budget_year", "execution_year", "project", "sub_project", "source", "period"]


def month_book(m: int, name: str, mtime: float) -> Book:
    """One month's report with the period in its header block."""
    v = FIGURES[m]
    t = Table(
        cols=cols_split(disb=f"Giải ngân lũy kế đến {month_end(2023, m).day}/{m}/2023"),
        keys=[],
        number_row=True,
        body=[
            section(
                "Vốn năm 2023",
                "I",
                Y23,
                item(DA2, "1", (2, None), a_tw=1000, a_dp=100, d_tw=v["da2"][0], d_dp=v["da2"][1]),
                project(
                    DA3,
                    "2",
                    item(TDA31, "-", (3, 1), a_tw=2000, a_dp=200, d_tw=v["t31"][0], d_dp=v["t31"][1]),
                ),
                project(DA4, "3", item(TDA43, "-", (4, 3), a_tw=300, d_tw=v["t43"][0])),
            )
        ],
    )
    period = month_end(2023, m)
    sh, _ = sheet_a(
        f"T{m}", ["UBND TỈNH CAO BẰNG", UNIT], t, period=f"(Số liệu đến ngày {period.day}/{m}/2023)"
    )
    return Book(name, [sh], mtime=mtime)


def run(books: list[Book]) -> Any:
    """Write the books into a fresh folder and run the pipeline."""
    from reconcile.models import Settings
    from reconcile.pipeline import run_folder

    with tempfile.TemporaryDirectory(prefix="props-") as tmp:
        folder = Path(tmp)
        save_books(folder, books)
        return run_folder(folder, Settings(target=1.0))


def figures(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparable part of a summary frame, in a canonical row order."""
    cols = KEY_COLUMNS + [c for c in FIGURE_COLUMNS if c in frame.columns]
    out = frame[cols].copy()
    out["sub_project"] = out["sub_project"].map(lambda x: -1 if pd.isna(x) else int(x))
    out["period"] = out["period"].map(lambda p: pd.Timestamp(p).date().isoformat())
    return out.sort_values(KEY_COLUMNS).reset_index(drop=True)


@lru_cache(maxsize=1)
def baseline() -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """Summary, latest and finding codes of the tidy series."""
    base = 1_696_500_000.0
    books = [month_book(m, f"2023-{m:02d}.xlsx", base + 3600.0 * i) for i, m in enumerate(MONTHS)]
    result = run(books)
    codes = tuple(sorted(f.code for f in result.findings))
    return figures(result.summary), figures(result.latest), codes


def test_baseline_is_a_clean_three_month_series() -> None:
    """The baseline itself: three periods, three keys per source, no error or warning."""
    summary, latest, codes = baseline()
    assert sorted(set(summary["period"])) == [month_end(2023, m).isoformat() for m in MONTHS]
    assert len(latest) == 5  # DA2 NSTW/NSĐP, DA3-TDA1 NSTW/NSĐP, DA4-TDA3 NSTW
    assert set(latest["period"]) == {dt.date(2023, 9, 30).isoformat()}
    assert not [c for c in codes if c not in ("skipped_sheet", "skipped_file")]


names_with_period = st.lists(st.sampled_from(NAME_SHAPES), min_size=3, max_size=3).map(
    lambda shapes: [shape.format(m=m) for shape, m in zip(shapes, MONTHS, strict=True)]
)
names_without_period = st.lists(
    st.text(alphabet="abcdeghiklmnopqrstuvxy ", min_size=1, max_size=10).map(
        lambda s: " ".join(s.split()) or "x"
    ),
    min_size=3,
    max_size=3,
    unique_by=str.lower,
).map(lambda words: [f"bao cao {w}.xlsx" for w in words])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=st.permutations(range(3)),
    times=st.permutations([0.0, 7200.0, 86400.0]),
    names=st.one_of(names_with_period, names_without_period),
)
def test_order_times_and_names_do_not_change_the_figures(
    order: list[int], times: list[float], names: list[str]
) -> None:
    """Shuffled writing order and mtimes, renamed files: the same summary and latest figures."""
    base = 1_696_500_000.0
    books = [month_book(MONTHS[i], names[i], base + times[i]) for i in order]
    result = run(books)
    summary, latest, codes = baseline()
    pd.testing.assert_frame_equal(figures(result.summary), summary, check_exact=False, rtol=1e-9, atol=1e-9)
    pd.testing.assert_frame_equal(figures(result.latest), latest, check_exact=False, rtol=1e-9, atol=1e-9)
    assert tuple(sorted(f.code for f in result.findings)) == codes
