"""The catalogue of finding codes (SPEC 4): each code once, with its severity, the message keys it
renders with, and what it means. Everything else reads it: the default severity of a
:class:`~reconcile.models.Finding`, the tests that every code has its messages in both languages, and
the tables of codes in docs/ (checked against :data:`CODES` by tests/test_codes_catalogue.py).

To add a finding code: add a :class:`Code` here, its ``finding.<code>`` message to
reconcile/messages/findings.py (vi and en), raise it where it is detected, and add its row to the two
tables of docs/ (the test prints the rows it expects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Code:
    """One finding code."""

    code: str
    severity: Severity
    #: When it is raised, as docs/csv-and-exit-codes.md prints it.
    meaning: str
    #: Message catalogue keys the code may render with besides ``finding.<code>`` (picked with the
    #: ``message_key`` parameter).
    other_messages: tuple[str, ...] = ()

    @property
    def messages(self) -> tuple[str, ...]:
        """Every message key the code may render with, ``finding.<code>`` first."""
        return (f"finding.{self.code}", *self.other_messages)


#: Every finding code, in the order the guide lists them.
CODES: tuple[Code, ...] = (
    Code(
        "total_mismatch",
        "error",
        'a parent row (grand total, year section, project, sub-project with activity rows) differs from the sum of its immediate children, or a "Tổng số" cell differs from NSTW + NSĐP on its row (a "Tổng" from its budget-year columns, a remaining column from allocated − disbursed), beyond the rounding of the figures as displayed; one finding per wrong parent, at its cell',
        ("finding.source_total_mismatch", "finding.remaining_mismatch"),
    ),
    Code(
        "rate_mismatch",
        "warning",
        "a rate cell differs from `disbursed / allocated` by more than the decimals it shows; the recomputed rate is used",
    ),
    Code(
        "over_disbursed",
        "error",
        "disbursed > allocated + 0.0005, or money disbursed with no allocation; raised at every period where it happens",
    ),
    Code(
        "cumulative_decrease",
        "error",
        "a key's cumulative disbursement fell from one period to the next",
    ),
    Code(
        "allocation_changed",
        "info",
        "a key's allocation changed between two periods",
    ),
    Code(
        "duplicate_line",
        "warning",
        "a key appears twice in one report; the first row counts, the finding names the second",
    ),
    Code(
        "unknown_item",
        "warning",
        "a row names no known project or sub-project; it is not counted",
    ),
    Code(
        "not_a_number",
        "error",
        "an amount cell holds text with no number (or an error value such as `#REF!`); it is never read as 0: its key is `incomplete` at that period. The formula cells computed from it (a spreadsheet's `#VALUE!`, or a `SUM` that skipped the text) get no finding of their own: this one names them",
    ),
    Code(
        "number_with_text",
        "warning",
        "an amount cell holds one number among words (`640 (đang cập nhật)`, `1.571,6 trđ`); it is read as that number, and the formula cells computed from it are recomputed with it (the finding names them)",
    ),
    Code(
        "implausible_amount",
        "error",
        "an amount beyond 10^16 đồng (10^10 triệu đồng, e.g. `1e308`): not money but a typing accident; not counted, its key is `incomplete`; the formula cells computed from it are named",
    ),
    Code(
        "ambiguous_number",
        "warning",
        "a text amount like `1.571` reads differently in the Vietnamese and US conventions and the file's other cells do not decide; read as Vietnamese; once per file",
    ),
    Code(
        "formula_without_value",
        "error",
        "a formula has no cached value and is not simple enough to evaluate; its key is `incomplete` at that period, and the formulas computed from it are named here rather than reported each",
    ),
    Code(
        "negative_amount",
        "error",
        "an amount is negative",
    ),
    Code(
        "missing_period",
        "warning",
        "a month (a quarter, for a quarterly series) is missing between a unit's first and last reports",
    ),
    Code(
        "period_conflict",
        "warning",
        "two files report the same unit and period with different figures; the one saved last (modification time, then name) is used",
    ),
    Code(
        "period_unknown",
        "error",
        "a report's period cannot be found in its header or file name; its items do not count",
    ),
    Code(
        "period_from_file_date",
        "warning",
        "a report whose title gives a year but no day takes `--as-of` when given, else the file's saved date (the workbook's own modified date, else the file's modification time) as its period; the message names the date used",
        (
            "finding.period_from_file_date_workbook",
            "finding.period_from_file_date_mtime",
            "finding.period_from_file_date_as_of",
        ),
    ),
    Code(
        "period_mismatch",
        "warning",
        "the period in the header differs from the one in the file name; the header's is used",
    ),
    Code(
        "in_month_mismatch",
        "warning",
        "an in-month amount differs from the rise of the cumulative figure since the previous month's report",
    ),
    Code(
        "as_of_before_report",
        "warning",
        "`--as-of` is earlier than a file's report period: the file is left out (one finding per file, naming its period)",
    ),
    Code(
        "as_of_after_reports",
        "warning",
        "`--as-of` is more than 31 days after the latest report period: keys are judged at that date on older figures",
    ),
    Code(
        "annotate_failed",
        "warning",
        "the annotated copy of a file could not be made (the message says why); the other outputs are written all the same",
    ),
    Code(
        "unreadable_file",
        "error",
        "a file cannot be read (corrupt, password-protected, zip bomb, XML entities, ...); the message says why",
    ),
    Code(
        "skipped_file",
        "info",
        "a file was not read (lock file, hidden file, our own output, not a spreadsheet, unsupported format)",
    ),
    Code(
        "skipped_sheet",
        "info",
        "a hidden sheet was not read",
    ),
    Code(
        "no_header",
        "warning",
        "a sheet has no recognisable header row (Kế hoạch vốn / Giải ngân)",
    ),
    Code(
        "parts_dropped",
        "info",
        "an annotated copy could not keep some parts of its input (images, charts, macros, ...)",
    ),
    Code(
        "unit_unknown",
        "info",
        "the reporting unit could not be read from the header block",
    ),
    Code(
        "treasury_mismatch",
        "warning",
        "a Treasury statement's allocation or cumulative use differs from the unit's report by more than 0.0005 (at the statement's cell)",
    ),
    Code(
        "treasury_missing",
        "warning",
        "a key on one side only (at the statement's code cell, or at the report's cell), or no report on or before the statement's date",
    ),
    Code(
        "treasury_unmapped",
        "info",
        "a statement row's programme code is not in `[treasury.codes]` (its amounts in the message)",
    ),
    Code(
        "treasury_combined",
        "info",
        "a statement row has amounts in both allocation columns: its key is compared on the two budget years together",
    ),
)

#: Code -> its entry.
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}

#: Code -> its default severity.
FINDING_SEVERITY: dict[str, Severity] = {c.code: c.severity for c in CODES}
