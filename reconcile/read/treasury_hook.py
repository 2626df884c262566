"""Where the Treasury cross-check's reading (:mod:`reconcile.read.treasury`) meets the reader: every
file's sheets go through :func:`split_statements`, which costs next to nothing for folders without a
Treasury statement (nearly all of them): the reading module is imported only when a statement's title
is seen. The comparing half is :mod:`reconcile.engine.treasury`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..catalogue import TREASURY_TITLE as TITLE
from ..models import Finding
from ..text import fold

if TYPE_CHECKING:
    from .grid import Grid

#: A cheap look at raw text before folding it: "chi" of "đối chiếu" (any case, any diacritics: they
#: follow the letters in decomposed text) or the form code.
_MAYBE_TITLE = re.compile(r"(?i)chi|sdkp")
#: Rows searched for the title.
TITLE_SCAN = 12


def has_title(grid: Grid) -> bool:
    """Whether the title block names the statement. Every sheet of every file is asked, so only the
    rows a title block can hold are looked at, only their text cells, and a cell is folded only when
    its raw text may hold the title (composed or decomposed, any case)."""
    texts = [v for row in grid.rows[:TITLE_SCAN] for v in row if v.__class__ is str]
    if not _MAYBE_TITLE.search("\x00".join(texts)):
        return False
    return any(TITLE.search(fold(v)) for v in texts if _MAYBE_TITLE.search(v))


def split_statements(grids: list[Grid], rel: str, findings: list[Finding]) -> tuple[list[Grid], list[Any]]:
    """The sheets that are not Treasury statements, and the statements
    (:class:`reconcile.read.treasury.Statement`) read from those that are. A sheet with the title but no
    statement's header stays a sheet to read as a report."""
    if not any(map(has_title, grids)):
        return grids, []  # the common case costs one look at each sheet's first rows
    from .treasury import read_statement

    others: list[Grid] = []
    statements: list[Any] = []
    for grid in grids:
        try:
            statement = read_statement(grid, rel, findings) if has_title(grid) else None
        except Exception:  # a statement that cannot be read is said so, never a crash of the run
            findings.append(
                Finding("no_header", rel, grid.name, params={"message_key": "finding.treasury_no_header"})
            )
            continue
        if statement is None:
            others.append(grid)
        else:
            statements.append(statement)
    return others, statements
