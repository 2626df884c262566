"""CSV files as Vietnamese Excel saves them (SPEC 12): ";" between fields where "," is the decimal
mark, UTF-8 with or without a BOM or Windows-1258 ("CSV (Comma delimited)"), whose tone marks are
combining characters that read back as the same text as UTF-8 once composed (NFC); the empty rows
and columns Excel leaves after the table are dropped.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

#: Tried in this order: a Windows-1258 file is seldom valid UTF-8, and cp1258 decodes nearly anything.
CSV_ENCODINGS = ("utf-8-sig", "cp1258", "cp1252")


def decode(raw: bytes) -> str:
    """The text of a CSV file in the first encoding that reads it, composed to NFC."""
    for enc in CSV_ENCODINGS:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("latin-1")
    # Windows-1258 writes "ế" as "ê" + U+0301: the same text as UTF-8 only once composed.
    return unicodedata.normalize("NFC", text)


def delimiter(text: str) -> str:
    """The field separator: ";" (Vietnamese Excel), tab or ",", by which splits the first lines
    most consistently into more than one field (a "," inside "22,78" splits nothing consistently)."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1.0
    for sep in (";", "\t", ","):
        counts = [len(next(csv.reader([ln], delimiter=sep), [])) for ln in lines]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        # Lines split into more than one field, weighted by how many agree on the commonest width.
        common = max(set(multi), key=multi.count)
        score = len(multi) + multi.count(common) / max(len(lines), 1)
        if sep == "," and best_score >= 0:
            score -= 0.5  # a tie goes to ";" or tab: "," is also the decimal mark
        if score > best_score:
            best, best_score = sep, score
    return best


def read_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file, without the trailing empty rows and columns."""
    text = decode(path.read_bytes())
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))]
    while rows and not any(v.strip() for v in rows[-1]):
        rows.pop()
    width = 0
    for row in rows:
        for c in range(len(row) - 1, -1, -1):
            if row[c].strip():
                width = max(width, c + 1)
                break
    return [row[:width] for row in rows]
