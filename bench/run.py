"""``make bench``: every benchmark, a readable table, and bench/results.json for tools.

A benchmark is a module with ``measure() -> dict`` of flat figures ("suite.detail" keys)
and ``report(figures) -> lines``. Add one to SUITES. Benchmarks report, they never fail the
build: reading the figures against a goal is the reader's (or a tool's) job.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from bench import (
    bac,
    calls,
    cases,
    coldstart,
    consular,
    draws,
    enrollment,
    equivalence_files,
    equivalence_search,
    etimbre,
    stats,
)

RESULTS = Path(__file__).resolve().parent / "results.json"


class Suite(Protocol):
    __name__: str

    def measure(self) -> Mapping[str, object]: ...

    def report(self, figures: dict[str, object]) -> list[str]: ...


# Cold start first: its child processes inherit this process's environment, which must not
# yet hold anything another suite set (calls restores it, but a later suite may not).
SUITES: tuple[Suite, ...] = (
    *(coldstart, calls, cases, stats),
    *(equivalence_search, equivalence_files, enrollment, bac, consular, draws, etimbre),
)


def run(suites: tuple[Suite, ...] = SUITES) -> dict[str, object]:
    merged: dict[str, object] = {}
    for suite in suites:
        started = time.perf_counter()
        figures = dict(suite.measure())
        clash = merged.keys() & figures.keys()
        if clash:
            raise ValueError(f"{suite.__name__} repeats figures: {sorted(clash)}")
        merged.update(figures)
        for line in suite.report(figures):
            print(line, flush=True)
        print(f"{'':<32}({suite.__name__} took {time.perf_counter() - started:.1f} s)\n")
    return merged


def main() -> None:
    from chalicelib.observability import logger

    logger.setLevel("WARNING")  # the suites drive the app here: its INFO would bury the tables
    figures = run()
    RESULTS.write_text(json.dumps(figures, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"{len(figures)} figures written to {RESULTS}")


if __name__ == "__main__":
    main()
