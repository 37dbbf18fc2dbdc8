"""Demo data of this service for ``make run``: marked as demo data, safe to run twice."""

from __future__ import annotations


def seed(env: dict[str, str]) -> list[str]:
    return []
