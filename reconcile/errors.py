"""One error hierarchy; the CLI catches :class:`ReconcileError` in one place and maps it to an exit code.

Every message names the file (and sheet and cell where there is one) and says what to do. Messages
come from the catalogue (:mod:`reconcile.messages`) so that they exist in Vietnamese and English.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
#: The exit status of a run stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


class ReconcileError(Exception):
    """An expected failure: a message key with its parameters and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled when an output written in a child process fails: keep the parameters.
        return (_rebuild, (type(self), self.key, self.params))

    def message(self, lang: str = "vi") -> str:
        """The message in the user's language."""
        from .messages import expand_keys, msg

        text = {k: str(v) for k, v in self.params.items()}
        return msg(self.key, lang, **expand_keys(self.params, text, lang))


class UsageError(ReconcileError):
    """Bad command-line usage, a missing or empty input folder, a bad reconcile.toml."""


class OutputError(ReconcileError):
    """An output could not be written (read-only folder, file open in Excel, disk full)."""


class InputFileError(ReconcileError):
    """One input file cannot be read; becomes an ``unreadable_file`` finding, never stops the run."""


def _rebuild(cls: type[ReconcileError], key: str, params: dict[str, Any]) -> ReconcileError:
    return cls(key, **params)
