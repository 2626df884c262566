"""The fast CSV writer against the plain definition: csv.writer over each value's text.

writers/csv.py formats each distinct value once, joins neighbouring columns with few combinations,
recognises plain texts in one pass and joins rows as bytes; whatever the values, the file must be the
one ``csv.writer`` writes from ``_cell`` of every value (numbers with ``fmt_decimal``), including
texts that need quoting, a spreadsheet formula neutralised, the spellings of "missing" and NaN.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.writers import csv as writer

TEXTS = st.one_of(
    st.sampled_from(
        ["", "nan", "None", "<NA>", "NaT", "=SUM(A1)", "+1", "-2", "@x", "\tx", "a,b", 'say "hi"']
    ),
    st.sampled_from(["UBND xã Xuân Mỹ", "Tiểu dự án 1", "H7", "line\nbreak", "cr\rx", " padded "]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6).map(lambda n: n / 10),
    st.sampled_from([0.0, -0.0, 1e-7, 5e-7, 123456789.123456789]),
)


def _reference(frame: pd.DataFrame, columns: list[str], numeric: set[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for i in range(len(frame)):
        row: list[str] = []
        for c in columns:
            v = frame[c].iloc[i] if c in frame.columns else None
            row.append(writer._cell(None if v is pd.NA else v, c in numeric))
        w.writerow(row)
    return buf.getvalue().encode("utf-8")


@st.composite
def frames(draw: Any) -> tuple[pd.DataFrame, list[str], set[str]]:
    n = draw(st.integers(0, 40))
    # Few distinct values per column, as in real tables, so that neighbouring columns get joined.
    pool_t = draw(st.lists(TEXTS, min_size=1, max_size=4))
    pool_n = draw(st.lists(NUMBERS, min_size=1, max_size=4))
    pick = st.integers(0, 3)
    data: dict[str, Any] = {
        "a": [pool_t[draw(pick) % len(pool_t)] for _ in range(n)],
        "b": np.array([draw(st.integers(-3, 2030)) for _ in range(n)], dtype=np.int64),
        "c": pd.array([draw(st.one_of(st.none(), st.integers(0, 9))) for _ in range(n)], dtype="Int64"),
        "d": [draw(st.sampled_from([dt.date(2023, 1, 31), None, dt.date(2024, 12, 31)])) for _ in range(n)],
        "e": np.array([pool_n[draw(pick) % len(pool_n)] for _ in range(n)], dtype=np.float64),
        "f": [draw(TEXTS) for _ in range(n)],
        "g": [draw(st.one_of(st.none(), TEXTS, st.floats(allow_nan=True))) for _ in range(n)],
    }
    frame = pd.DataFrame({k: pd.Series(v, dtype=object if k in "adfg" else None) for k, v in data.items()})
    columns = ["a", "b", "c", "missing", "d", "e", "f", "g"]
    return frame, columns, {"e"}


@settings(max_examples=200, deadline=None)
@given(case=frames())
def test_written_file_is_csv_writer_of_each_value(
    case: tuple[pd.DataFrame, list[str], set[str]], tmp_path_factory: Any
) -> None:
    frame, columns, numeric = case
    path = Path(tmp_path_factory.mktemp("csv")) / "out.csv"
    writer._write_frame(path, frame, columns, numeric)
    assert path.read_bytes() == _reference(frame, columns, numeric)


def test_blocks_and_joined_columns_over_many_rows(tmp_path: Path, monkeypatch: Any) -> None:
    """More rows than a block, a high-cardinality column between two joined groups."""
    monkeypatch.setattr(writer, "_BATCH", 7)
    n = 50
    frame = pd.DataFrame(
        {
            "unit": pd.Series(["UBND xã A", "UBND xã B,C"] * (n // 2), dtype=object),
            "year": np.array([2022, 2023] * (n // 2), dtype=np.int64),
            "row": np.arange(n, dtype=np.int64),
            "src": pd.Series(["NSTW", "NSĐP", "=x"] * (n // 3) + ["NSTW"] * (n % 3), dtype=object),
            "amount": np.linspace(0, 5, n),
        }
    )
    columns = ["unit", "year", "row", "src", "amount"]
    path = tmp_path / "x.csv"
    writer._write_frame(path, frame, columns, {"amount"})
    assert path.read_bytes() == _reference(frame, columns, {"amount"})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[2] == '"UBND xã B,C",2023,1,NSĐP,0.102041' and lines[3].split(",")[3] == "'=x"
