"""Importing decisions: read a CSV or JSON Lines file from S3, check every row, merge the
good ones into the catalogue (a row with a known order number corrects it), rebuild the
index, publish it and use it at once. Bad rows are reported by line; the rest is imported."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from chalicelib.services.equivalence.library import decisions as rows
from chalicelib.services.equivalence.library import index, search
from chalicelib.store.equivalence_library import index_files

MAX_REPORTED_ERRORS = 500  # the report lists this many problems and counts the rest


@dataclass
class ImportReport:
    key: str
    read: int
    imported: int
    rejected_rows: int
    errors: list[rows.RowError]
    errors_total: int
    decisions_in_index: int
    index_version: str | None
    index_bytes: int
    seconds: float
    rebuilt: bool = field(default=True)


def kind_of(key: str, declared: str | None) -> str:
    if declared:
        return declared
    if key.lower().endswith(".csv"):
        return "csv"
    if key.lower().endswith((".jsonl", ".ndjson")):
        return "jsonl"
    raise rows.UnreadableFile("say format=csv or format=jsonl: the key's extension does not")


def merged(existing: Iterable[rows.Decision], new: list[rows.Decision]) -> list[rows.Decision]:
    """The catalogue after an import: the new rows replace those with the same number."""
    by_number = {d.number: d for d in existing}
    by_number.update((d.number, d) for d in new)
    return sorted(by_number.values(), key=lambda d: (d.decision_date, d.number))


def build_and_publish(
    catalogue: list[rows.Decision], previous: str | None
) -> tuple[str, index.BuildStats]:
    version = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{version}.sqlite"
        stats = index.build(catalogue, path, version)
        index_files.publish(path, version, stats.decisions, previous)
        search.use(version, path, stats.decisions)
    return version, stats


def import_decisions(
    key: str, declared_kind: str | None, replace: bool, today: date
) -> ImportReport:
    """Raises UnreadableFile, index_files.ImportFileMissing / ImportFileTooLarge, and
    index_files.Superseded when another import won the race."""
    started = time.monotonic()
    kind = kind_of(key, declared_kind)
    content = index_files.read_import(key)
    checked = rows.check(content, kind, today)
    rejected_lines = len({e.line for e in checked.errors})
    pointer = index_files.current()
    previous = pointer.version if pointer else None
    if not checked.decisions:
        loaded = search.current_index() if pointer else None
        return ImportReport(
            key,
            checked.read,
            0,
            rejected_lines,
            checked.errors[:MAX_REPORTED_ERRORS],
            len(checked.errors),
            loaded.decisions if loaded else 0,
            previous,
            pointer.size if pointer else 0,
            time.monotonic() - started,
            rebuilt=False,
        )
    existing: list[rows.Decision] = []
    if pointer is not None and not replace:
        search.forget()  # read exactly the version we build on, not a cached older one
        loaded = search.current_index()
        if loaded is not None:
            existing = list(index.all_decisions(loaded.db))
            previous = loaded.version
    catalogue = merged(existing, checked.decisions)
    version, stats = build_and_publish(catalogue, previous)
    return ImportReport(
        key,
        checked.read,
        len(checked.decisions),
        rejected_lines,
        checked.errors[:MAX_REPORTED_ERRORS],
        len(checked.errors),
        stats.decisions,
        version,
        stats.bytes,
        time.monotonic() - started,
    )
