"""Decision search on 100,000 generated DEMO decisions: index build time and size, and the
latency of several kinds of query (French, Arabic with variant spellings, a common word,
filters only, filters with words, a deep page). Pure SQLite: what a warm Lambda container
does per request once the index file is in /tmp (no AWS call is timed here)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

Figures = dict[str, Any]
DECISIONS = 100_000
RUNS = 50
QUERIES: tuple[tuple[str, str, dict[str, Any], int], ...] = (
    # name, words, filters, offset
    ("fr_two_words", "doctorat medecine", {}, 0),
    ("fr_prefix", "universite de montp", {}, 0),
    ("ar_variants", "دكتوراة في الطب جامعه الاسكندريه", {}, 0),
    ("ar_one_word", "الطب", {}, 0),
    ("common_word", "université", {}, 0),
    ("words_and_filters", "ingenieur", {"country": "FR", "level": "engineer"}, 0),
    ("filters_only", "", {"year": 1999, "country": "EG"}, 0),
    ("deep_page", "master", {}, 400),
)


def _timed(function: Any, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure() -> Figures:
    from chalicelib.services.equivalence.library import index
    from scripts.demo import equivalence_decisions

    figures: Figures = {"equivalence_search.decisions": DECISIONS}
    items = list(equivalence_decisions.decisions(DECISIONS))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.sqlite"
        start = time.perf_counter()
        stats = index.build(items, path, "bench")
        figures["equivalence_search.build_seconds"] = round(time.perf_counter() - start, 2)
        figures["equivalence_search.index_mib"] = round(stats.bytes / 1024 / 1024, 1)
        db = index.open_read_only(path)
        for name, words, filters, offset in QUERIES:
            wanted = index.Filters(**filters)
            found, _ = index.search(db, words, wanted, 20, offset)  # warm the page cache
            times = sorted(
                _timed(lambda w=words, f=wanted, o=offset: index.search(db, w, f, 20, o), RUNS)
            )
            figures[f"equivalence_search.{name}.median_ms"] = round(statistics.median(times), 2)
            figures[f"equivalence_search.{name}.p95_ms"] = round(
                times[int(len(times) * 0.95) - 1], 2
            )
            figures[f"equivalence_search.{name}.hits"] = len(found)
        db.close()
    return figures


def report(figures: dict[str, object]) -> list[str]:
    lines = [
        f"decisions {figures['equivalence_search.decisions']}: index built in "
        f"{figures['equivalence_search.build_seconds']} s, "
        f"{figures['equivalence_search.index_mib']} MiB",
    ]
    for name, words, filters, offset in QUERIES:
        label = f"{name} ({words or '-'}{' ' + str(filters) if filters else ''}"
        label += f", offset {offset})" if offset else ")"
        lines.append(
            f"  {label:<60} median {figures[f'equivalence_search.{name}.median_ms']} ms, "
            f"p95 {figures[f'equivalence_search.{name}.p95_ms']} ms"
        )
    return lines


if __name__ == "__main__":
    for text in report(measure()):
        print(text)
