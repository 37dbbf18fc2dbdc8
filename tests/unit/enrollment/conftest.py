"""The ``world`` of pre-registration's use-case tests: in memory, AWS out of reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.enrollment.world import World, in_memory_world


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from in_memory_world(monkeypatch)
