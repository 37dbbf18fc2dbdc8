"""How to call this service's routes in the matrix, least-privilege and bench runs."""

from __future__ import annotations

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import Sample

MATRIX: dict[tuple[str, str], Sample] = {}
LEAST_PRIVILEGE: list[tuple[str, str, str, str | None, int]] = []
BENCH: dict[tuple[str, str], BenchSample] = {}
