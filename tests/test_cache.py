"""The read cache in OUT/.cache (reconcile/cache.py): the same outputs byte for byte with or without
it, files read again only when they change, and a damaged, foreign or hand-edited cache never
trusted."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.generate import plan_unit, write_layout_a
from reconcile import cache as cache_module
from reconcile import cache_entry
from reconcile.cli import cli
from reconcile.read import fastread, reader
from tests.test_fastread import ROWS, SIGNATURES, body, write

OUTPUTS = ("summary.csv", "findings.csv", "line_items.csv", "reconciliation.xlsx")


def _folder(base: Path) -> Path:
    """Layout A files with formulas (one of them with an unevaluable one), a big Layout B file read
    as columns, and an unreadable file: every kind of reading the cache must give back."""
    folder = base / "in"
    (folder / "Huyện A").mkdir(parents=True)
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN A", "UBND HUYỆN A", "A", 5, 12)
    for month in (3, 4, 5):
        write_layout_a(folder / "Huyện A" / f"2023-{month:02d}.xlsx", plan, month, formulas=True)
    # A figure the evaluator refuses (an array formula): a formula_without_value finding with its text.
    sheet = folder / "Huyện A" / "2023-05.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(sheet) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<c r="D(1\d)" (s="\d+")><v>([^<]+)</v></c>',
                    lambda m: b'<c r="D%s" %s><f t="array" ref="D%s">%s</f><v>0</v></c>'
                    % (m.group(1), m.group(2), m.group(1), m.group(3)),
                    data,
                    count=1,
                )
            dst.writestr(info, data)
    sheet.write_bytes(buf.getvalue())
    write(folder / "tong-hop-2023-06.xlsx", body() + SIGNATURES, engine="xlsxwriter")
    (folder / "hỏng.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    return folder


def _run(folder: Path, out: Path, *extra: str) -> str:
    res = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out), "--lang", "en", *extra])
    assert res.exit_code in (0, 1), res.output
    return res.output


def _outputs(out: Path) -> dict[str, bytes]:
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    for p in sorted((out / "annotated").rglob("*")):
        if p.is_file():
            # Annotated copies carry the time they were written (zip entries, docProps/core.xml),
            # with or without the cache: their other parts are compared, byte for byte.
            with zipfile.ZipFile(p) as zf:
                for name in sorted(set(zf.namelist()) - {"docProps/core.xml"}):
                    files[f"{p.relative_to(out).as_posix()}:{name}"] = zf.read(name)
    return files


@pytest.fixture
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Big Layout B sheets read as columns (Coded) at test sizes."""
    monkeypatch.setattr(fastread, "MIN_SHEET_BYTES", 0)
    monkeypatch.setattr(fastread, "HEAD_ROWS", 20)
    monkeypatch.setattr(fastread, "TAIL_ROWS", 5)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    original = reader.read_file

    def counting(path: Path, rel: str, aliases: tuple = (), *reading: tuple) -> object:
        reads.append(rel)
        return original(path, rel, aliases, *reading)

    monkeypatch.setattr(reader, "read_file", counting)
    monkeypatch.setattr("reconcile.pipeline.read_file", counting)
    return reads


def test_outputs_are_byte_identical_with_and_without_the_cache(
    columns: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    reads = _count_reads(monkeypatch)
    plain = tmp_path / "plain"
    _run(folder, plain, "--no-cache")
    assert not (plain / ".cache").exists()
    assert len(reads) == 5
    cached = tmp_path / "cached"
    first = _run(folder, cached)
    assert len(reads) == 10
    assert len(_entries(cached)) == 5
    # From the cache: the run record is dropped so that the engine and the writers run again.
    (cached / ".cache" / "run.json").unlink()
    for name in OUTPUTS:
        (cached / name).unlink()
    second = _run(folder, cached)
    assert len(reads) == 10  # not one file read again
    assert first == second
    assert _outputs(plain) == _outputs(cached)
    line_items = (cached / "line_items.csv").read_text(encoding="utf-8")
    assert line_items.count("\n") > ROWS
    findings = (cached / "findings.csv").read_text(encoding="utf-8")
    assert "hỏng.xlsx" in findings and "formula_without_value" in findings and "{=" in findings


def test_an_unchanged_folder_writes_nothing_again_and_a_changed_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    reads = _count_reads(monkeypatch)
    first = _run(folder, out)
    stamps = {name: (out / name).stat().st_mtime_ns for name in OUTPUTS}
    assert _run(folder, out) == first
    assert len(reads) == 5
    assert {name: (out / name).stat().st_mtime_ns for name in OUTPUTS} == stamps  # not rewritten
    # An output changed by hand (opened and saved in Excel) is written again.
    (out / "summary.csv").write_text("edited", encoding="utf-8")
    _run(folder, out)
    assert (out / "summary.csv").read_text(encoding="utf-8") != "edited"
    assert len(reads) == 5
    # ...also when the edit keeps the file's size (the run record holds its size and time).
    written = (out / "reconciliation.xlsx").read_bytes()
    (out / "reconciliation.xlsx").write_bytes(written[:-1] + bytes([written[-1] ^ 1]))
    _run(folder, out)
    assert (out / "reconciliation.xlsx").read_bytes() == written
    assert len(reads) == 5
    # A file whose content changes is read again, and only that one.
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN A", "UBND HUYỆN A", "A", 6, 12)
    write_layout_a(folder / "Huyện A" / "2023-04.xlsx", plan, 4, formulas=True)
    _run(folder, out)
    assert reads[5:] == ["Huyện A/2023-04.xlsx"]
    fresh = tmp_path / "fresh"
    _run(folder, fresh, "--no-cache")
    assert _outputs(out) == _outputs(fresh)
    # Entries of files in a state the folder no longer holds are removed.
    assert len(_entries(out)) == 5


def _entries(out: Path) -> list[bytes]:
    return (out / ".cache" / "reads.jsonl").read_bytes().splitlines()


def _disbursed(out: Path) -> float:
    with open(out / "line_items.csv", encoding="utf-8", newline="") as fh:
        return sum(float(r["disbursed"] or 0) for r in csv.DictReader(fh))


@pytest.mark.parametrize(
    "damage",
    ["figure", "garbage", "truncated", "foreign", "other-key", "bad-class", "bad-code", "negative-code", "object"],
)
def test_a_damaged_or_edited_cache_is_ignored_and_rebuilt(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN B", "UBND HUYỆN B", "B", 9, 12)
    write_layout_a(folder / "2023-07.xlsx", plan, 7, formulas=True)
    out = tmp_path / "out"
    _run(folder, out)
    right = _disbursed(out)
    entry = out / ".cache" / "reads.jsonl"
    (line,) = _entries(out)
    head, _, body = line.partition(b"\t")
    header = json.loads(head)
    if damage == "figure":
        # By hand: a figure changed in the payload (the checksum, left as it was, no longer matches).
        payload = json.loads(body)
        # The sheet's list columns one by one ("l"): the numbers' columns one after another in "num".
        items = payload["sheets"][0]["columns"]
        at = items["l"].index("disbursed")
        assert items["k"][at] == 0  # a column of numbers
        place = items["k"][:at].count(0) * items["n"]
        items["num"][place] = (items["num"][place] or 0) + 1000.0
        entry.write_bytes(head + b"\t" + json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    elif damage == "garbage":
        entry.write_bytes(os.urandom(300))
    elif damage == "truncated":
        entry.write_bytes(line[:200])
    elif damage == "foreign":
        entry.write_text(json.dumps({"key": header["key"], "hello": "world"}), encoding="utf-8")
    elif damage == "other-key":
        header["key"] = "0" * 64
        entry.write_bytes(json.dumps(header, separators=(",", ":")).encode() + b"\t" + body)
    else:
        # A consistent entry (checksum recomputed) naming a class outside the whitelist, or with
        # columns of items that cannot be (a row numbering another table value, a negative one that
        # Python would take from the end, an object among the numbers).
        payload = json.loads(body)
        items = payload["sheets"][0]["columns"]
        if damage == "bad-class":
            payload["findings"] = [{"~o": "Path", "v": ["/etc/passwd"]}]
        elif damage == "bad-code":
            items["i"][0] = len(items["t"])
        elif damage == "negative-code":
            items["i"][0] = -1
        else:
            items["num"][0] = {"~o": "Path", "v": ["/etc/passwd"]}
        text = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        header["sha256"] = cache_entry.hashlib.sha256(text).hexdigest()
        entry.write_bytes(json.dumps(header, separators=(",", ":")).encode() + b"\t" + text)
    (out / ".cache" / "run.json").unlink()
    reads = _count_reads(monkeypatch)
    _run(folder, out)
    assert reads == ["2023-07.xlsx"]  # read again
    assert _disbursed(out) == pytest.approx(right)
    assert _entries(out) == [line]  # rebuilt as it was first written
    (out / ".cache" / "run.json").unlink()
    _run(folder, out)
    assert reads == ["2023-07.xlsx"]  # the rebuilt entry serves


def test_a_damaged_run_record_only_means_a_full_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN C", "UBND HUYỆN C", "C", 2, 12)
    write_layout_a(folder / "2023-02.xlsx", plan, 2)
    out = tmp_path / "out"
    first = _run(folder, out)
    (out / ".cache" / "run.json").write_bytes(b"\x00\xff{")
    (out / "summary.csv").unlink()
    assert _run(folder, out) == first
    assert (out / "summary.csv").exists()


def test_a_read_only_cache_folder_does_not_stop_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN D", "UBND HUYỆN D", "D", 4, 12)
    write_layout_a(folder / "2023-02.xlsx", plan, 2)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("a file where the cache folder should be", encoding="utf-8")
    _run(folder, out)
    assert (out / "summary.csv").exists()
    shutil.rmtree(out)


def test_the_codec_keeps_every_kind_of_value() -> None:
    import datetime as dt

    import numpy as np

    from reconcile.models import CellRefs, Coded, Finding

    values = [
        None,
        True,
        1,
        1.0,
        -0.0,
        "tệp",
        (1, "a"),
        {1: "x", ("k", 2): [1.5]},
        dt.date(2023, 6, 30),
        np.array([1, 2, 3], dtype=np.int64),
        np.float64(2.5),
        Finding("not_a_number", "a.xlsx", "S", "D5", {"value": "x", "n": (1, 2)}),
        Coded(np.array([0, 1, 0], dtype=np.int64), ["a", 2.0]),
        CellRefs("H", np.array([7, 8], dtype=np.int64)),
    ]
    back = cache_entry.decode_value(json.loads(json.dumps(cache_entry.encode_value(values))))
    assert len(back) == len(values)
    for a, b in zip(values, back, strict=True):
        assert type(a) is type(b)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.tolist() == b.tolist()
        elif isinstance(a, Coded | CellRefs):
            assert repr(a)[:20] == repr(b)[:20]
        else:
            assert repr(a) == repr(b)
    with pytest.raises(cache_entry.Unencodable):
        cache_entry.encode_value(Path("x"))


_ARRAYS = [
    ("<i8", [7, 8, 30006]),  # row numbers: two bytes each
    ("<i8", [0, 577, 3]),
    ("<i8", [-1, -1, -1]),
    ("<i8", [2**40, -5]),  # needs all eight
    ("<i8", []),
    ("<i4", [7, 8, 30006]),
    ("<u8", [0, 577, 3]),
    ("<u8", [2**40]),
    ("<f8", [2023.0, float("nan"), 2022.0]),  # years with a missing one: float32 holds them
    ("<f8", [-0.0, 1.5, 0.1]),  # 0.1 is no float32: stays float64
    ("<f8", [386.5, 1571.6, 0.001]),
    ("<f8", [1e300, 2.0]),
    ("<f4", [2023.0, float("nan"), -0.0]),
]


@pytest.mark.parametrize(("dtype", "values"), _ARRAYS)
def test_arrays_come_back_exactly_from_their_narrowed_form(dtype: str, values: list[float]) -> None:
    """An array is stored in the narrowest type that holds each value exactly and comes back in its
    own type with every value as it was (NaN, -0.0 and the sign included)."""
    import numpy as np

    a = np.array(values, dtype=dtype)
    encoded = cache_entry.encode_value(a)
    back = cache_entry.decode_value(json.loads(json.dumps(encoded)))
    assert back.dtype == a.dtype
    assert back.flags.writeable
    assert np.array_equal(back, a, equal_nan=a.dtype.kind == "f")
    assert (np.signbit(back) == np.signbit(a)).all()
    if (dtype, values) == ("<i8", [7, 8, 30006]):
        assert encoded["as"] == "<i2"  # two bytes a row number, not eight


def test_a_narrowed_array_claiming_a_wider_or_other_type_is_refused() -> None:
    """A hand-edited entry cannot make an array of another kind or wider than its own type."""
    import base64

    import numpy as np

    body = base64.b64encode(np.array([1, 2], dtype="<i8").tobytes()).decode("ascii")
    for bad in ({"~a": "<i4", "as": "<i8", "b": body}, {"~a": "<f8", "as": "<i8", "b": body}):
        with pytest.raises(cache_entry.Invalid):
            cache_entry.decode_value(bad)


def test_relative_names_are_the_readers_relative_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reconcile.pipeline import relative_names

    base = tmp_path / "gốc"
    names = ["Huyện A/2023-01.xlsx", "Huyện A/Tháng 2/báo cáo.v2.xlsx", "..x.xlsx", "a/.b/c.xlsx", "tệp.xlsx"]
    for name in names:
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    for root in (base, Path("gốc"), Path("./gốc"), tmp_path / "gốc" / "Huyện A" / "..", Path("gốc/")):
        # The files as a listing finds them (root / name), and as other paths name them.
        paths = [root / name for name in names] + [base / names[0], Path("gốc") / ".." / "gốc" / names[1]]
        assert relative_names(paths, root) == [reader.relative_name(p, root) for p in paths], root
    assert relative_names([base / names[1]], base) == ["Huyện A/Tháng 2/báo cáo.v2.xlsx"]


def test_a_watch_decodes_only_the_entries_that_changed(
    columns: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a watch (one process, many runs) a cache entry is decoded once; each run still gets its
    own readings (the outputs are those of a run without the cache, run after run, with --as-of)."""
    from reconcile.models import Settings
    from reconcile.read.periods import parse_user_date
    from reconcile.run import run_once

    folder = _folder(tmp_path)
    late = _folder(tmp_path / "more") / "Huyện A" / "2023-05.xlsx"
    settings = Settings(lang="en", as_of=parse_user_date("2023-12-31"))
    out = tmp_path / "out"
    run_once(folder, out, settings, "fail", use_cache=True)  # the readings into the cache
    decoded: list[str] = []
    original = cache_entry.decode_entry

    def counting(raw: bytes, key: str, path: Path, rel: str) -> object:
        decoded.append(rel)
        return original(raw, key, path, rel)

    monkeypatch.setattr(cache_module, "decode_entry", counting)
    reads = _count_reads(monkeypatch)
    cache_module.keep_decoded(True)
    try:
        for step, name in enumerate(("Huyện B/2023-05.xlsx", "Huyện C/2023-05.xlsx")):
            (folder / name).parent.mkdir()
            shutil.copyfile(late, folder / name)
            reads.clear()
            run_once(folder, out, settings, "fail", use_cache=True)
            assert reads == [name]  # the new file only
            plain = tmp_path / f"plain{step}"
            run_once(folder, plain, settings, "fail", use_cache=False)
            assert _outputs(out) == _outputs(plain)
        # Run 1 decoded the five entries of the first run, run 2 only the one run 1 added.
        first = ["Huyện A/2023-03.xlsx", "Huyện A/2023-04.xlsx", "Huyện A/2023-05.xlsx", "hỏng.xlsx"]
        assert sorted(decoded) == sorted([*first, "tong-hop-2023-06.xlsx", "Huyện B/2023-05.xlsx"])
        # The cache folder removed (as the guide allows): every file is read again, nothing kept serves.
        shutil.rmtree(out / ".cache")
        reads.clear()
        run_once(folder, out, settings, "fail", use_cache=True)
        assert len(reads) == 7
    finally:
        cache_module.keep_decoded(False)
    assert not cache_module._decoded


def test_annotated_copies_whose_figures_did_not_change_are_kept(tmp_path: Path) -> None:
    """After one new file, only the copies whose items, figures or findings changed are written
    again; the others stay as written, and every output is what a run without the cache writes."""
    folder = tmp_path / "in"
    for unit, seed in (("A", 5), ("B", 7)):
        plan = plan_unit(f"PHÒNG LAO ĐỘNG HUYỆN {unit}", f"UBND HUYỆN {unit}", unit, seed, 12)
        (folder / unit).mkdir(parents=True)
        for month in (3, 4, 5):
            write_layout_a(folder / unit / f"2023-{month:02d}.xlsx", plan, month)
    out = tmp_path / "out"
    _run(folder, out)
    copies = out / "annotated"

    def stamps() -> dict[str, int]:
        return {p.relative_to(copies).as_posix(): p.stat().st_mtime_ns for p in copies.rglob("*.xlsx")}

    first = stamps()
    assert len(first) == 6
    plan = plan_unit("PHÒNG LAO ĐỘNG HUYỆN B", "UBND HUYỆN B", "B", 7, 12)
    write_layout_a(folder / "B" / "2023-06.xlsx", plan, 6)
    _run(folder, out)
    second = stamps()
    kept = sorted(k for k in first if second[k] == first[k])
    # Written again: B's May (its figures are now a month old) and A's May (the run is now as of June:
    # A's latest figures are judged later in the year, at_risk -> behind); kept: the earlier months.
    assert kept == ["A/2023-03.xlsx", "A/2023-04.xlsx", "B/2023-03.xlsx", "B/2023-04.xlsx"]
    assert "B/2023-06.xlsx" in second
    plain = tmp_path / "plain"
    _run(folder, plain, "--no-cache")
    assert _outputs(out) == _outputs(plain)

    # A kept copy edited since, or a record edited by hand: the copy is written again.
    (copies / "A" / "2023-03.xlsx").write_bytes(b"not the copy")
    record = out / ".cache" / "annotated.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["copies"]["A/2023-04.xlsx"]["fp"] = "0" * 64
    record.write_text(json.dumps(data), encoding="utf-8")
    (out / ".cache" / "run.json").unlink()
    _run(folder, out)
    third = stamps()
    assert sorted(k for k in second if third[k] == second[k]) == ["A/2023-05.xlsx"] + [
        f"B/2023-{m:02d}.xlsx" for m in (3, 4, 5, 6)
    ]
    assert _outputs(out) == _outputs(plain)


def test_a_date_taken_from_the_files_time_follows_the_file(tmp_path: Path) -> None:
    """A year but no day in a file that does not record its saved date: the period is the file's
    modification date (SPEC 12). The same content with another date is read again, as without the cache."""
    from tests.test_tracker import _GNBV_CSV, _write_csv

    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "theo dõi giải ngân.csv"
    _write_csv(path, _GNBV_CSV, "utf-8-sig")
    out = tmp_path / "out"
    for day in (dt.datetime(2026, 3, 14, 10, 0), dt.datetime(2026, 4, 20, 10, 0)):
        os.utime(path, (day.timestamp(), day.timestamp()))
        _run(folder, out)
        plain = tmp_path / f"plain-{day.day}"
        _run(folder, plain, "--no-cache")
        assert _outputs(out) == _outputs(plain)
        periods = {r["period"] for r in csv.DictReader(io.StringIO((out / "line_items.csv").read_text("utf-8")))}
        assert periods == {day.date().isoformat()}
