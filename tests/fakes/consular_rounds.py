"""Release rounds' adapters in memory (``chalicelib.services.consular.ports``: ``Rounds`` and
``DrawSecrets``, decision §72): the rounds with their entries, published draw and draw timer,
and KMS's part in a round's secret.

Each condition is the one ``chalicelib.store.consular.rounds`` gives DynamoDB: a round opens
only on slots with no seat taken, no hold running and no other round (``RoundTaken`` naming
the others), and reserves them in the seat model of ``InMemoryAppointments``; an entry, or its
withdrawal, only while the round is ``open`` and before its close (moments compared as ISO
strings), one per person; every move of the state only from the state it leaves
(``StateChanged``). Entries are ``in_memory`` ``Also`` writes, so ``InMemoryCases`` checks
them with the case's transition, all or nothing. ``meanwhile`` lets a test run another draw
just before one of the state's moves: the race between two runs, played in a set order."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.store.cases import Also, TimerRequest
from chalicelib.store.consular.draw_secret import SECRET_BYTES
from chalicelib.store.consular.rounds import (
    CHUNK,
    CLOSED,
    DONE,
    DRAW_TIMER,
    DRAWN,
    OPEN,
    Entry,
    Round,
    RoundTaken,
    StateChanged,
)
from tests.fakes.cases import in_memory
from tests.fakes.consular import InMemoryAppointments, SlotSeats, iso


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class InMemoryRounds:
    appointments: InMemoryAppointments  # the slot items a round reserves, then releases
    rounds: dict[str, Round] = field(default_factory=dict)
    entered: dict[str, dict[str, Entry]] = field(default_factory=dict)  # round -> person
    chunks: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)
    timers: list[tuple[str, TimerRequest]] = field(default_factory=list)
    moves: list[tuple[str, str]] = field(default_factory=list)  # (round, state reached)
    meanwhile: dict[str, Callable[[], object]] = field(default_factory=dict)  # once, by move

    # --- the round ------------------------------------------------------------------------

    def _slot(self, consulate: str, service: str, day: str, start: str) -> SlotSeats | None:
        return self.appointments.slots.get((consulate, service, day, iso(_moment(start))))

    def create(
        self,
        round_id: str,
        consulate: str,
        service: str,
        days: dict[str, str],
        closes_at: datetime,
        draw_at: datetime,
        commitment: str,
        secret_blob: bytes,
        by: str,
        now: datetime,
    ) -> None:
        starts = sorted(days)

        def free(start: str) -> bool:
            item = self._slot(consulate, service, days[start], start) or SlotSeats()
            held = bool(item.hold_until) and not item.hold_until < iso(now)
            return not item.taken and not item.round_id and not held

        failed = [start for start in starts if not free(start)]
        if failed:
            raise RoundTaken(failed)
        self.rounds[round_id] = Round(
            round_id,
            consulate,
            service,
            starts,
            dict(days),
            _moment(iso(closes_at)),  # stored as text to the second, as the store does
            draw_at,
            commitment,
            secret_blob,
            OPEN,
            "",
            0,
            {},
            0,
            None,
            now,
        )
        execution = f"round-{round_id}-draw"
        self.timers.append(
            (round_id, TimerRequest(DRAW_TIMER, "start", execution, draw_at, "draw"))
        )
        for start in starts:
            key = (consulate, service, days[start], iso(_moment(start)))
            self.appointments.slots.setdefault(key, SlotSeats()).round_id = round_id

    def get(self, round_id: str) -> Round | None:
        return self.rounds.get(round_id)

    # --- entries --------------------------------------------------------------------------

    def _still_open(self, round_id: str, now: datetime) -> Callable[[], bool]:
        def holds() -> bool:
            found = self.rounds.get(round_id)
            return found is not None and found.state == OPEN and iso(found.closes_at) > iso(now)

        return holds

    def enter(self, round_id: str, person: str, entry: Entry, now: datetime) -> list[Also]:
        entries = self.entered.setdefault(round_id, {})
        return [
            in_memory("round_open", lambda: None, self._still_open(round_id, now)),
            in_memory(
                "round_entry",
                lambda: entries.__setitem__(person, entry),
                lambda: person not in entries,
            ),
        ]

    def leave(self, round_id: str, person: str, case_id: str, now: datetime) -> list[Also]:
        entries = self.entered.setdefault(round_id, {})

        def holds() -> bool:
            found = entries.get(person)
            return found is not None and found.case_id == case_id

        return [
            in_memory("round_open", lambda: None, self._still_open(round_id, now)),
            in_memory("round_entry_left", lambda: entries.__delitem__(person), holds),
        ]

    def entries(self, round_id: str) -> list[Entry]:
        entries = self.entered.get(round_id, {})
        return [entries[person] for person in sorted(entries)]  # the sort key's order

    # --- the draw -------------------------------------------------------------------------

    def _move(self, name: str, round_id: str, before: str, **changes: Any) -> None:
        other_run = self.meanwhile.pop(name, None)
        if other_run is not None:
            other_run()
        found = self.rounds.get(round_id)
        if found is None or found.state != before:
            raise StateChanged(round_id)
        self.rounds[round_id] = replace(found, **changes)
        self.moves.append((round_id, self.rounds[round_id].state))

    def close(self, round_id: str) -> None:
        self._move("close", round_id, OPEN, state=CLOSED)

    def publish(self, round_id: str, drawn: Sequence[dict[str, Any]]) -> int:
        """Chunk ``n`` written over on a second run, as the store's batch does."""
        chunks = [drawn[n : n + CHUNK] for n in range(0, len(drawn), CHUNK)]
        written = self.chunks.setdefault(round_id, {})
        for n, chunk in enumerate(chunks):
            written[n] = [dict(e) for e in chunk]
        return len(chunks)

    def mark_drawn(
        self,
        round_id: str,
        seed: str,
        count: int,
        seats: dict[str, int],
        chunks: int,
        now: datetime,
    ) -> None:
        self._move(
            "mark_drawn",
            round_id,
            CLOSED,
            state=DRAWN,
            seed=seed,
            entries=count,
            seats=dict(seats),
            chunks=chunks,
            drawn_at=now,
        )

    def mark_done(self, round_id: str) -> None:
        with suppress(StateChanged):  # a second run finished first
            self._move("mark_done", round_id, DRAWN, state=DONE)

    def published(self, round_id: str) -> list[dict[str, Any]]:
        written = self.chunks.get(round_id, {})
        return [dict(e) for n in sorted(written) for e in written[n]]

    def release_slots(self, r: Round) -> None:
        for start in r.slots:
            item = self._slot(r.consulate, r.service, r.days[start], start)
            if item is not None and item.round_id == r.round_id:
                item.round_id = ""


@dataclass
class InMemoryDrawSecrets:
    """KMS's part: GenerateRandom then Encrypt, Decrypt. A sealed secret is an opaque name
    (a reader of the round learns nothing from it); only a blob sealed here opens."""

    sealed: dict[bytes, bytes] = field(default_factory=dict)
    opened: int = 0

    def new_secret(self) -> tuple[bytes, bytes]:
        secret = secrets.token_bytes(SECRET_BYTES)
        blob = f"sealed-{len(self.sealed)}".encode()
        self.sealed[blob] = secret
        return secret, blob

    def open_secret(self, blob: bytes) -> bytes:
        if blob not in self.sealed:
            raise ValueError("InvalidCiphertextException: not a secret sealed here")
        self.opened += 1
        return self.sealed[blob]
