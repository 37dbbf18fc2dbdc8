from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _guard_against_scans(no_scan: None) -> None:
    """Every test in this ring runs under the Scan guard."""
