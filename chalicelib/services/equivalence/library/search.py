"""The decisions index as a Lambda container sees it: downloaded from S3 to /tmp on first
use, opened read-only, and kept for the container's life. A new import is picked up by
looking at the pointer item (one GetItem) at most every ``RECHECK_SECONDS``; the import
itself swaps the local copy at once in the container that ran it."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.services.equivalence.library import index
from chalicelib.store.equivalence_library import index_files

RECHECK_SECONDS = 30.0


class IndexUnavailable(Exception):
    """The index could not be fetched (S3 or DynamoDB failed)."""


@dataclass
class LoadedIndex:
    version: str
    db: sqlite3.Connection
    decisions: int


_lock = threading.Lock()
_loaded: LoadedIndex | None = None
_checked_at = float("-inf")


def _directory() -> Path:
    path = Path(tempfile.gettempdir()) / "khidmat-equivalence-index"
    path.mkdir(exist_ok=True)
    return path


def _load(pointer: index_files.Pointer) -> LoadedIndex:
    local = _directory() / f"{pointer.version}.sqlite"
    if not local.exists():
        index_files.download(pointer, local)
        # Only the current version is kept: /tmp is small (512 MB by default).
        for old in _directory().glob("*.sqlite"):
            if old != local:
                old.unlink(missing_ok=True)
    return LoadedIndex(pointer.version, index.open_read_only(local), pointer.decisions)


def use(version: str, path: Path, decisions: int) -> None:
    """Make a freshly built index file the one this container reads (after an import)."""
    global _loaded, _checked_at
    local = _directory() / f"{version}.sqlite"
    if path != local:
        local.write_bytes(path.read_bytes())
    with _lock:
        _loaded = LoadedIndex(version, index.open_read_only(local), decisions)
        _checked_at = time.monotonic()


def forget() -> None:
    """Drop the container's copy (tests start a new container this way)."""
    global _loaded, _checked_at
    with _lock:
        _loaded, _checked_at = None, float("-inf")


def current_index() -> LoadedIndex | None:
    """The index in force, or None before the first import."""
    global _loaded, _checked_at
    with _lock:
        if _loaded is not None and time.monotonic() - _checked_at < RECHECK_SECONDS:
            return _loaded
        try:
            pointer = index_files.current()
            if pointer is None:
                _loaded = None
            elif _loaded is None or _loaded.version != pointer.version:
                _loaded = _load(pointer)
        except Exception as error:  # S3/DynamoDB trouble: keep serving the copy we have
            if _loaded is None:
                raise IndexUnavailable(str(error)) from error
        _checked_at = time.monotonic()
        return _loaded


def search(
    loaded: LoadedIndex, query: str, filters: index.Filters, limit: int, offset: int
) -> tuple[list[dict[str, Any]], bool]:
    with _lock:  # one sqlite connection per container, shared by threads of chalice local
        return index.search(loaded.db, query, filters, limit, offset)


def similar(
    loaded: LoadedIndex, institution: str, diploma: str, limit: int
) -> list[dict[str, Any]]:
    with _lock:
        return index.similar(loaded.db, institution, diploma, limit)
