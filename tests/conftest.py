"""Shared fixtures: where the developer examples live, and a scratch input folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"


@pytest.fixture
def examples_dir() -> Path:
    """The shared developer examples (skipped when the checkout has no ../shared beside it)."""
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/examples is not beside this checkout")
    return EXAMPLES
