"""Each service's demo data for ``make run``: ``scripts/demo/<service>.py`` has
``seed(env) -> list[str]`` (what it wrote), safe to run twice, everything marked as demo."""

from __future__ import annotations

import importlib

SERVICES = ("equivalence", "enrollment", "bac", "consular", "etimbre")


def seed_services(env: dict[str, str]) -> list[str]:
    seeded: list[str] = []
    for service in SERVICES:
        seeded += importlib.import_module(f"{__name__}.{service}").seed(env)
    return seeded
