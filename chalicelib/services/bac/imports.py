"""An academy's candidate list: read from the documents bucket (the exam office uploads it
there under ``imports/bac/``) through ``ports.files()``, and its parsed rows written through
``ports.candidates()`` and ``ports.sessions()``, many at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.bac import ports
from chalicelib.services.bac.domain import Candidate
from chalicelib.store.bac.candidates import CnieHeld
from chalicelib.store.bac.sessions import Session

# About 500,000 rows: a national list. The job runs in the background_jobs Lambda (900 s).
MAX_BYTES = 256 * 1024 * 1024
WRITERS = 32  # concurrent UpdateItems: a row's write keeps what the citizen did meanwhile
RESULTS_PER_BATCH_WRITER = 1000  # result items each writer puts (25 per BatchWriteItem)


def check_csv(key: str) -> None:
    """At request time: the list is in the bucket and not too large (one HeadObject)."""
    _head(key)


def _head(key: str) -> None:
    size = ports.files().size(key)
    if size is None:
        raise _missing(key)
    if size > MAX_BYTES:
        raise Refusal(
            "payload-too-large", f"At most {MAX_BYTES // (1024 * 1024)} MB: split the list."
        )


def read_csv(key: str) -> str:
    _head(key)
    raw = ports.files().read(key)
    if raw is None:
        raise _missing(key)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _bad_key("the file is not UTF-8 text") from error


def _bad_key(message: str) -> Refusal:
    return Refusal("validation-failed", errors=[FieldError("body.key", message)])


def _missing(key: str) -> Refusal:
    # Its own type: whether the file is there depends on the bucket, not on the request.
    why = FieldError("body.key", "no such file in the documents bucket", "not_found")
    return Refusal("bac-import-file-missing", f"Upload the list to {key} first.", errors=[why])


def write_candidates(
    candidates: Sequence[Candidate], now: datetime
) -> list[tuple[Candidate, CnieHeld]]:
    """Each row's UpdateItem (an update, not a put: the data check, corrections and the
    certificate stay), after its CNIe claim. Safe to run twice. The rows not written: their
    CNIe number belongs to another candidate of the session (with who holds it).

    A number passed from one candidate of the academy to another in the same list (the
    first's row now names another) may meet its old holder not yet written: such rows are
    tried again once every other row is written."""

    records = ports.candidates()  # resolved here: the writers run in other threads

    def write(c: Candidate) -> CnieHeld | None:
        try:
            records.upsert_candidate(c, now)
        except CnieHeld as held:
            return held
        return None

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(pool.map(write, candidates))
    cards = {c.candidate_number: c.cnie for c in candidates}
    refused = []
    for c, held in zip(candidates, outcomes, strict=True):
        if held is None:
            continue
        moved = held.academy == c.academy and cards.get(held.candidate_number, c.cnie) != c.cnie
        again = write(c) if moved else held
        if again is not None:
            refused.append((c, again))
    return refused


def write_results(candidates: Iterable[Candidate], session: Session) -> int:
    """Every result item with the session's moment: BatchWriteItems (puts, so writing them
    again writes the same), several writers at once."""
    results = ports.sessions()  # resolved here: the writers run in other threads
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        return sum(pool.map(lambda part: results.write_results(part, session), _parts(candidates)))


def _parts(candidates: Iterable[Candidate]) -> Iterator[list[Candidate]]:
    part: list[Candidate] = []
    for candidate in candidates:
        part.append(candidate)
        if len(part) == RESULTS_PER_BATCH_WRITER:
            yield part
            part = []
    if part:
        yield part
