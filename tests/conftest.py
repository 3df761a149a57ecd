"""Shared test configuration: paths to the reference data in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _reference_data() -> Path:
    """$YOUZHI_SHARED_DATA, else ../shared/data beside the repository, else the copy in tests/data."""
    if "YOUZHI_SHARED_DATA" in os.environ:
        return Path(os.environ["YOUZHI_SHARED_DATA"])
    beside = ROOT.parent / "shared" / "data"
    return beside if beside.is_dir() else ROOT / "tests" / "data"


SHARED_DATA = _reference_data()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder; tests that need it are skipped only if it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA
