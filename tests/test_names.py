"""File names as Windows and macOS give them (issue 21 item 5): NFC and NFD are one name, paths past
260 characters, characters Windows forbids in an output name."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconcile.cli import cli
from reconcile.find.discover import discover
from reconcile.find.names import annotated_names, long_path, safe_part, short_path
from reconcile.read.periods import period_from_filename

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = ROOT / "workbooks"
MAY = "Báo cáo tháng 5 năm 2023.xlsx"


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize(
    ("name", "period"),
    [
        (MAY, dt.date(2023, 5, 31)),
        ("Báo cáo Quý III năm 2023.xlsx", dt.date(2023, 9, 30)),
        ("BC giải ngân tháng 9-2023 (Sở Tư pháp).xlsx", dt.date(2023, 9, 30)),
        ("Số liệu đến ngày 30 tháng 6 năm 2023.xlsx", dt.date(2023, 6, 30)),
    ],
)
def test_a_period_reads_the_same_from_an_nfd_name(name: str, period: dt.date) -> None:
    assert nfd(name) != name
    assert period_from_filename(name) == period
    assert period_from_filename(nfd(name)) == period


def test_annotated_names_are_nfc_and_twins_are_numbered() -> None:
    names = annotated_names([MAY, nfd(MAY), "sub/BÁO CÁO tháng 5 năm 2023.xlsx", "sub/" + nfd(MAY)])
    assert names[MAY] == MAY
    assert names[nfd(MAY)] == "Báo cáo tháng 5 năm 2023 (2).xlsx"
    assert names["sub/" + nfd(MAY)] == "sub/Báo cáo tháng 5 năm 2023 (2).xlsx"
    # "BÁO CÁO" sorts before "Báo cáo": it keeps the name, the other (NFD) one is numbered.
    assert names["sub/BÁO CÁO tháng 5 năm 2023.xlsx"] == "sub/BÁO CÁO tháng 5 năm 2023.xlsx"
    assert len({n.casefold() for n in names.values()}) == 4
    assert all(unicodedata.is_normalized("NFC", n) for n in names.values())


def test_annotated_names_keep_the_converted_rule() -> None:
    names = annotated_names(["e.csv", "E.xlsx", "f.xls", "f.ods", "g.csv"])
    assert names == {
        "e.csv": "e (csv).xlsx",
        "E.xlsx": "E.xlsx",
        "f.xls": "f (xls).xlsx",
        "f.ods": "f (ods).xlsx",
        "g.csv": "g.xlsx",
    }


@pytest.mark.parametrize(
    ("part", "safe"),
    [
        ('BC T5: "Sở Y tế"?.xlsx', "BC T5_ _Sở Y tế__.xlsx"),
        ("a<b>c|d*e.xlsx", "a_b_c_d_e.xlsx"),
        ("tab\there.csv", "tab_here.csv"),
        ("CON.xlsx", "_CON.xlsx"),
        ("com1", "_com1"),
        ("Lpt9.csv", "_Lpt9.csv"),
        ("console.xlsx", "console.xlsx"),
        ("thư mục. ", "thư mục"),
        ("...", "_"),
        (nfd("Báo cáo.xlsx"), "Báo cáo.xlsx"),
    ],
)
def test_safe_part(part: str, safe: str) -> None:
    assert safe_part(part) == safe


def test_annotated_names_make_every_part_safe() -> None:
    names = annotated_names(["Q3: tổng hợp/BC?.xlsx", "../../aux.csv"])
    assert names == {
        "Q3: tổng hợp/BC?.xlsx": "Q3_ tổng hợp/BC_.xlsx",
        "../../aux.csv": "_aux.xlsx",
    }


def test_long_path_on_windows() -> None:
    deep = "C:\\Users\\ke toan\\" + "\\".join(["Báo cáo giải ngân năm 2023"] * 12) + "\\T5.xlsx"
    assert len(deep) > 260
    assert long_path(deep, "win32") == "\\\\?\\" + deep
    assert short_path(long_path(deep, "win32")) == deep
    unc = "\\\\máy chủ\\chia sẻ\\" + "a" * 300 + ".xlsx"
    assert long_path(unc, "win32") == "\\\\?\\UNC\\máy chủ\\chia sẻ\\" + "a" * 300 + ".xlsx"
    assert short_path(long_path(unc, "win32")) == unc
    assert long_path("C:\\short\\T5.xlsx", "win32") == "C:\\short\\T5.xlsx"
    assert long_path(long_path(deep, "win32"), "win32") == long_path(deep, "win32")
    assert long_path("/" + "a" * 300, "linux") == "/" + "a" * 300
    assert long_path("/" + "a" * 300, "darwin") == "/" + "a" * 300


def _copy(dst: Path, names: dict[str, str]) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for src, name in names.items():
        shutil.copy(WORKBOOKS / src, dst / name)


def _skip_if_one_name(folder: Path) -> None:
    if len(list(folder.iterdir())) < 2:
        pytest.skip("this file system takes the NFC and NFD names for one (macOS): no twins to find")


def test_an_nfd_twin_with_the_same_bytes_is_read_once(tmp_path: Path) -> None:
    _copy(tmp_path, {MAY: MAY})
    _copy(tmp_path, {MAY: nfd(MAY)})
    _skip_if_one_name(tmp_path)
    found = discover(tmp_path)
    assert [p.name for p in found.files] == [MAY]  # the composed twin is read, the other skipped
    assert len(found.findings) == 1
    finding = found.findings[0]
    assert finding.file == nfd(MAY)
    assert finding.params == {"reason_key": "reason.same_name", "other": MAY}


def test_an_nfd_twin_with_other_bytes_is_read_too(tmp_path: Path) -> None:
    _copy(tmp_path, {MAY: MAY, "BC giai ngan T4-2023.xlsx": nfd(MAY)})
    _skip_if_one_name(tmp_path)
    found = discover(tmp_path)
    assert len(found.files) == 2
    assert found.findings == []


def test_inputs_are_ordered_by_their_nfc_names(tmp_path: Path) -> None:
    # In NFD "Bá" is "Ba" + U+0301, which sorts before "Bb"; in NFC "á" (U+00E1) sorts after it.
    names = ["Bá T5 2023.xlsx", "Bb T4 2023.xlsx"]
    _copy(tmp_path, {MAY: nfd(names[0]), "BC giai ngan T4-2023.xlsx": names[1]})
    found = discover(tmp_path)
    assert [unicodedata.normalize("NFC", p.name) for p in found.files] == [
        "Bb T4 2023.xlsx",
        "Bá T5 2023.xlsx",
    ]


def test_a_folder_written_on_a_mac_gives_the_same_reports(tmp_path: Path) -> None:
    """Every name decomposed (as macOS writes them): the same summary and findings, NFC copies."""
    mac, win = tmp_path / nfd("Báo cáo (máy Mac)"), tmp_path / "Báo cáo (Windows)"
    for f in WORKBOOKS.iterdir():
        _copy(mac / nfd("Sở Lao động"), {f.name: nfd(f.name)})
        _copy(win / "Sở Lao động", {f.name: f.name})
    for folder, out in ((mac, tmp_path / "out-mac"), (win, tmp_path / "out-win")):
        result = CliRunner().invoke(cli, ["run", str(folder), "--out", str(out)])
        assert result.exit_code == 0, result.output
    for name in ("summary.csv", "findings.csv"):
        assert (tmp_path / "out-mac" / name).read_bytes() == (tmp_path / "out-win" / name).read_bytes()
    copies = sorted(
        p.relative_to(tmp_path / "out-mac").as_posix() for p in (tmp_path / "out-mac").rglob("*.xlsx")
    )
    assert copies == sorted(
        p.relative_to(tmp_path / "out-win").as_posix() for p in (tmp_path / "out-win").rglob("*.xlsx")
    )
    assert f"annotated/Sở Lao động/{MAY}" in copies


def test_a_path_longer_than_260_characters(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["Báo cáo giải ngân vốn sự nghiệp năm 2023"] * 8)
    _copy(deep, {MAY: MAY, "BC giai ngan T4-2023.xlsx": "BC giai ngan T4-2023.xlsx"})
    assert len(str(deep / MAY)) > 300
    out = tmp_path / "kết quả"
    result = CliRunner().invoke(cli, ["run", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "\nĐã đọc 2 tệp, 8 dòng số liệu" in result.output
    rel = Path(*deep.relative_to(tmp_path).parts) / MAY
    assert (out / "annotated" / rel).is_file()
    assert "Báo cáo giải ngân vốn sự nghiệp năm 2023/" * 8 + MAY in (out / "line_items.csv").read_text(
        "utf-8-sig"
    )


def test_a_name_windows_forbids_gets_a_safe_copy(tmp_path: Path) -> None:
    bad = 'BC T5: "Sở Y tế"?.xlsx'
    try:
        _copy(tmp_path / "in", {MAY: bad})
    except OSError:
        pytest.skip("this file system refuses the name itself (Windows)")
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out" / "annotated").iterdir()] == ["BC T5_ _Sở Y tế__.xlsx"]
    # The input keeps its own name in the reports.
    assert '"BC T5: ""Sở Y tế""?.xlsx"' in (tmp_path / "out" / "line_items.csv").read_text("utf-8-sig")
