"""Typed data that flows one way: files -> sheets -> line items -> reconciliation -> outputs.

Readers produce :class:`FileResult` (with :class:`SheetResult` and its line items as columns),
the engine turns them into a :class:`reconcile.result.Result`, and writers only render that.
No writer computes a figure and no reader decides a status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .findings import FINDING_SEVERITY as _FINDING_SEVERITY
from .findings import Severity

if TYPE_CHECKING:  # pandas is imported lazily so that `reconcile --help` stays fast
    pass

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

#: No sheet of the workbook holds more table rows than this (SPEC 5); the CSVs hold everything.
MAX_ROWS = 50_000

#: Source codes of a line item key. ``ALL`` where the sheet does not split sources.
SOURCES = ("NSTW", "NSDP", "ALL")

#: Status codes, in the order of precedence used to pick one (SPEC 4). ``incomplete``: an amount of
#: the key at that period could not be read, so its figure is not known.
STATUSES = ("incomplete", "over", "no_allocation", "met", "missed", "behind", "at_risk", "on_track")

#: Bits of a line item's ``unknown`` column: which amounts were written but could not be read.
UNKNOWN_ALLOCATED, UNKNOWN_DISBURSED, UNKNOWN_IN_MONTH = 1, 2, 4

#: Finding codes and their default severity (SPEC 4): see :mod:`reconcile.findings`.
FINDING_SEVERITY = _FINDING_SEVERITY


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the tool has to tell the accountant, tied to a place where it can.

    ``params`` holds the figures and names the message template needs; the message itself is
    rendered in the user's language by :func:`reconcile.messages.finding_message`.
    """

    code: str
    file: str | None = None  # relative to the input folder, POSIX separators
    sheet: str | None = None
    cell: str | None = None  # A1 reference, e.g. "D11"
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    severity: Severity | None = None  # None: the code's default from FINDING_SEVERITY

    @property
    def level(self) -> Severity:
        """The effective severity."""
        return self.severity or FINDING_SEVERITY.get(self.code, "warning")

    def sort_key(self) -> tuple[int, str, str, str, tuple[int, int], str]:
        """Deterministic order: severity, file, sheet, code, cell (row-major), then the figures."""
        return (
            SEVERITY_ORDER[self.level],
            self.file or "",
            self.sheet or "",
            self.code,
            cell_sort_key(self.cell),
            repr(sorted(self.params.items())),
        )


def cell_sort_key(cell: str | None) -> tuple[int, int]:
    """(row, column) of an A1 reference, for sorting; (0, 0) when there is none."""
    if not cell:
        return (0, 0)
    col = 0
    i = 0
    while i < len(cell) and cell[i].isalpha():
        col = col * 26 + (ord(cell[i].upper()) - 64)
        i += 1
    try:
        row = int(cell[i:])
    except ValueError:
        row = 0
    return (row, col)


def cell_ref(row0: int, col0: int) -> str:
    """A1 reference of a 0-based (row, column) pair: ``cell_ref(10, 3) == "D11"``."""
    n = col0 + 1
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row0 + 1}"


#: Key of a line item (SPEC 4).
KEY_COLUMNS: tuple[str, ...] = ("unit", "budget_year", "execution_year", "project", "sub_project", "source")

#: Columns of the line-item table (``Result.items`` and ``line_items.csv``), in order; a reader hands
#: the same columns (:attr:`SheetResult.columns`), plus ``unknown``. What they hold, one row an item:
#: one extracted figure pair for a key at one period, with where it was read.
#:
#: - the key: ``unit`` (the reporting unit as read; "" when none could be read), ``budget_year``,
#:   ``execution_year``, ``project``, ``sub_project`` (None when none), ``source`` (NSTW | NSDP | ALL);
#: - ``period``: the date the figures stand at (None when unknown);
#: - ``allocated``, ``disbursed``, ``disbursed_in_month``: in triệu đồng, already normalised from the
#:   file's money unit. ``disbursed`` is cumulative from the start of the funds' execution; where a
#:   sheet gives only the month's amount, ``disbursed`` is None and ``disbursed_in_month`` holds it
#:   (the engine accumulates);
#: - where it was read: ``label`` (the row's text), ``file``, ``sheet``, ``row`` (1-based sheet row),
#:   ``allocated_cell``, ``disbursed_cell``, ``in_month_cell`` (A1 references; None where no column);
#: - its identity beyond its numbers (SPEC 12): ``programme`` (the programme its sheet names: "GNBV",
#:   "NTM", "DTTS", "DTC", a configured name; "" where the sheet names none), ``project_code`` (where
#:   the sheet has a code column), ``project_name`` (the catalogue's, else as written),
#:   ``sub_project_name``, and ``item_key``: what tells apart items that share programme and numbers
#:   ("" where the numbers name the item, a catalogue's or a sheet's "Dự án N"; the code where there is
#:   one; else the parent group and the name: a tracker whose numbering restarts in each group);
#: - ``unknown`` (readers' columns only): bits (UNKNOWN_ALLOCATED, UNKNOWN_DISBURSED, UNKNOWN_IN_MONTH)
#:   of the amounts that were written but could not be read; such an amount is None (NaN) and its key
#:   is ``incomplete``.
LINE_ITEM_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS,
    "period",
    "allocated",
    "disbursed",
    "disbursed_in_month",
    "label",
    "file",
    "sheet",
    "row",
    "allocated_cell",
    "disbursed_cell",
    "in_month_cell",
    "programme",
    "project_code",
    "project_name",
    "sub_project_name",
    "item_key",
)

#: Columns a reader may give a sheet (:attr:`SheetResult.columns`): the item table's and ``unknown``.
SHEET_COLUMNS: tuple[str, ...] = (*LINE_ITEM_COLUMNS, "unknown")

#: Identity columns every output carries after the figures (SPEC 12), last in both CSVs.
IDENTITY_COLUMNS: tuple[str, ...] = ("programme", "project_code", "project_name")

#: Columns of line_items.csv (and of the Dữ liệu sheet): the item table but its working identity.
LINE_ITEM_CSV_COLUMNS: tuple[str, ...] = tuple(
    c for c in LINE_ITEM_COLUMNS if c not in ("sub_project_name", "item_key")
)

#: Columns of summary.csv, exactly as SPEC 5.3 lists them.
SUMMARY_CSV_COLUMNS: tuple[str, ...] = (
    *KEY_COLUMNS,
    "period",
    "allocated",
    "disbursed",
    "rate",
    "shortfall",
    "status",
    *IDENTITY_COLUMNS,
)


def is_missing(value: Any) -> bool:
    """Whether a cell or table value stands for nothing: None, NaN, pandas' NA or NaT."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


@dataclass(frozen=True, slots=True)
class Coded:
    """A column of a reader's ``SheetResult.columns`` given as its distinct values and, per row, the
    number of its value among them (-1: missing). A 30,000-row file repeats a few hundred units and
    labels: they travel and merge as codes, not as a Python object per row."""

    codes: Any  #: NumPy integer array
    values: list[Any]

    def __len__(self) -> int:
        return len(self.codes)

    def at(self, k: int) -> Any:
        """The value on row ``k``."""
        return self.values[self.codes[k]]


@dataclass(frozen=True, slots=True)
class CellRefs:
    """A column of cell references ("H7") given as the column's letters and each row's number."""

    letters: str
    rows: Any  #: NumPy integer array of 1-based row numbers

    def __len__(self) -> int:
        return len(self.rows)

    def texts(self) -> list[str]:
        return [f"{self.letters}{r}" for r in self.rows.tolist()]


@dataclass(slots=True)
class SheetResult:
    """What was read from one table of one sheet."""

    file: str
    sheet: str
    layout: str  # "A" or "B"
    unit: str
    period: dt.date | None
    money_unit: str  # "trieu" | "nghin" | "dong"
    #: The sheet's line items, one column each (LINE_ITEM_COLUMNS and ``unknown``, see there); None
    #: (or empty) when it has none. A column is a list, a NumPy array, a :class:`Coded` or a
    #: :class:`CellRefs`, a value per row. A column left out holds the same value on every row:
    #: the sheet's own ``file``, ``sheet``, ``unit`` and ``period``, "" for the identity columns,
    #: None for the others, 0 for ``unknown``.
    columns: dict[str, Any] | None = None
    #: The body above the unit in the header block ("UBND TỈNH LẠNG SƠN"); "" when none was read.
    superior: str = ""
    #: The title gave a year but no day: ``period`` is the file's saved date (SPEC 12), which
    #: ``--as-of`` replaces when given (:func:`reconcile.pipeline.apply_as_of`).
    period_from_file: bool = False


@dataclass(slots=True)
class FileResult:
    """Everything read from one input file, including why it could not be read."""

    path: Path
    rel: str  # relative to the input folder, POSIX separators
    mtime: float
    sheets: list[SheetResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    #: Treasury statements found in the file (``reconcile.read.treasury.Statement``); they make no line item.
    statements: list[Any] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Settings:
    """Options of a run, from the command line and reconcile.toml."""

    target: float = 1.0  # fraction; 100% -> 1.0
    lang: str = "vi"
    as_of: dt.date | None = None
    #: Deadline of funds executed in year Y: (Y + deadline_year_offset, deadline_month, deadline_day).
    deadline_month: int = 12
    deadline_day: int = 31
    deadline_year_offset: int = 0
    #: Optional month-by-month expected cumulative rate profile (12 fractions, Jan..Dec).
    pace_profile: tuple[float, ...] | None = None
    #: Which pace is used: "linear" (SPEC 4), a shipped profile's name ("backloaded"), or "custom".
    pace_name: str = "linear"
    #: Deadlines set per budget year in ``[deadlines]`` (SPEC 9): (budget_year, date), sorted.
    deadlines: tuple[tuple[int, dt.date], ...] = ()
    #: ``[treasury.codes]``: Treasury programme code -> (project, sub_project), sorted by code.
    treasury_codes: tuple[tuple[str, int, int | None], ...] = ()
    #: Extra labels for projects/sub-projects: normalised alias -> (project, sub_project).
    aliases: tuple[tuple[str, int, int | None], ...] = ()
    #: ``[programmes]``: words of a sheet's title (folded) -> the programme it names (SPEC 12).
    programmes: tuple[tuple[str, str], ...] = ()
    #: ``[catalogue.<programme>]``: (programme, project, sub_project, name) of a programme not shipped.
    catalogues: tuple[tuple[str, int, int | None, str], ...] = ()
    strict: bool = False
    annotate: bool = True

    def deadline(self, execution_year: int) -> dt.date:
        """The disbursement deadline of funds executed in ``execution_year``."""
        return dt.date(execution_year + self.deadline_year_offset, self.deadline_month, self.deadline_day)
