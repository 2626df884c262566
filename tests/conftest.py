"""Shared fixtures: where the developer examples live, and a scratch input folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# A message the catalogue lacks fails the test that renders it (reconcile.messages.msg raises), here
# and in the CLI subprocesses the tests start.
os.environ["RECONCILE_STRICT_MESSAGES"] = "1"

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"


@pytest.fixture
def examples_dir() -> Path:
    """The shared developer examples (skipped when the checkout has no ../shared beside it)."""
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/examples is not beside this checkout")
    return EXAMPLES
