"""Release rounds' draws, pure (decisions 56 to 58): the commitment, the pseudonymous entry
references, the permutation and the allocation of seats. No I/O: the same functions run in
the draw, in ``scripts/verify_draw.py`` and in anyone's own recomputation.

The permutation, documented so that anyone can recompute it (docs/consular.md):

    key(entry) = HMAC-SHA256(key = seed bytes, message = entry reference as ASCII), in hex
    order = the entry references sorted by (key ascending, reference ascending)

The seed is 32 random bytes (KMS GenerateRandom), published in hex after the draw; its
SHA-256 (the commitment) is published when the round opens, before any entry exists, so the
seed cannot be chosen once the entries are known. An entry reference is the HMAC-SHA256 of
the case id under the round's own secret key (never published): pseudonymous, yet the
citizen finds theirs in their own request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SEED_BYTES = 32
MIN_CHOICES = (
    3  # half-days an entry accepts at least (a whole day counts two), if the round has them
)
MAX_ROUND_SLOTS = 90  # a round's slots are reserved in one transaction (100 items at most)
_CHOICE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:/(am|pm))?$")
NOON = time(12, 0)


def commitment(seed: bytes) -> str:
    """What the round publishes before entries open: SHA-256 of the seed, hex."""
    return hashlib.sha256(seed).hexdigest()


def entry_reference(reference_key: bytes, case_id: str) -> str:
    """The entry's public name: HMAC-SHA256 of the case id under the round's secret key."""
    return hmac.new(reference_key, case_id.encode(), hashlib.sha256).hexdigest()


def draw_key(seed: bytes, reference: str) -> str:
    """The entry's place in the permutation: HMAC-SHA256(seed, reference), hex."""
    return hmac.new(seed, reference.encode("ascii"), hashlib.sha256).hexdigest()


def order(seed: bytes, references: Iterable[str]) -> list[str]:
    """The permutation: references by their draw key, ascending (ties, never seen with
    SHA-256, by the reference itself). A deterministic function of the seed and the set of
    references: the order in which entries came in plays no part."""
    return sorted(set(references), key=lambda r: (draw_key(seed, r), r))


@dataclass(frozen=True)
class Choice:
    """A day, or half of it (``am``: starts before noon, local time; ``pm``: from noon)."""

    day: date
    half: str = ""  # "", "am" or "pm"

    def __str__(self) -> str:
        return self.day.isoformat() + (f"/{self.half}" if self.half else "")

    def covers(self, local_start: datetime) -> bool:
        if local_start.date() != self.day:
            return False
        if self.half == "am":
            return local_start.time() < NOON
        if self.half == "pm":
            return local_start.time() >= NOON
        return True

    @property
    def halves(self) -> frozenset[tuple[date, str]]:
        return frozenset((self.day, h) for h in ((self.half,) if self.half else ("am", "pm")))


def parse_choice(text: str) -> Choice | None:
    """``2026-12-20`` (the whole day) or ``2026-12-20/am`` / ``/pm``; None if malformed."""
    found = _CHOICE.match(text.strip())
    if found is None:
        return None
    try:
        day = date.fromisoformat(found.group(1))
    except ValueError:
        return None
    return Choice(day, found.group(2) or "")


def half_of(local_start: datetime) -> tuple[date, str]:
    return local_start.date(), "am" if local_start.time() < NOON else "pm"


def choice_problems(
    texts: Sequence[str], slot_starts: Sequence[datetime], zone: ZoneInfo
) -> tuple[list[Choice], list[str]]:
    """The choices of an entry and what is wrong with them: each well formed and covering
    at least one slot of the round, and together at least MIN_CHOICES half-days (or every
    half-day the round has, if it has fewer)."""
    choices, problems = [], []
    local = [s.astimezone(zone) for s in slot_starts]
    offered = {half_of(s) for s in local}
    for text in dict.fromkeys(texts):
        choice = parse_choice(text)
        if choice is None:
            problems.append(f"{text!r}: a day YYYY-MM-DD, or a half-day YYYY-MM-DD/am or /pm")
        elif not any(choice.covers(s) for s in local):
            problems.append(f"{text}: no slot of this round falls then")
        else:
            choices.append(choice)
    accepted = set().union(*(c.halves for c in choices)) & offered if choices else set()
    needed = min(MIN_CHOICES, len(offered))
    if not problems and len(accepted) < needed:
        problems.append(f"accept at least {needed} half-days of the round (a day counts two)")
    return choices, problems


@dataclass(frozen=True)
class Seat:
    start: datetime  # UTC
    capacity: int


@dataclass(frozen=True)
class Outcome:
    """Who won which slot, and the waiting list, both in draw order."""

    won: dict[str, datetime]  # reference -> slot start
    waiting: list[str]


def allocate(
    drawn: Sequence[str],
    choices: Mapping[str, Sequence[Choice]],
    seats: Sequence[Seat],
    zone: ZoneInfo,
) -> Outcome:
    """Each entry in draw order gets the earliest slot among its acceptable ones that still
    has a seat; those that find none form the waiting list, in the same order."""
    left = {s.start: s.capacity for s in seats}
    starts = sorted(left)
    halves = {s: half_of(s.astimezone(zone)) for s in starts}  # a choice covers whole halves
    won: dict[str, datetime] = {}
    waiting: list[str] = []
    for reference in drawn:
        accepted = frozenset().union(*(c.halves for c in choices.get(reference, ())))
        slot = next((s for s in starts if left[s] > 0 and halves[s] in accepted), None)
        if slot is None:
            waiting.append(reference)
        else:
            left[slot] -= 1
            won[reference] = slot
    return Outcome(won, waiting)


def recompute(published: Mapping[str, object]) -> list[str]:
    """The order from a round's public JSON alone (``seed`` and ``entries``), checked against
    its ``commitment``: what ``make verify-draw`` runs. Raises ValueError on a mismatch."""
    seed_hex = str(published.get("seed") or "")
    if not seed_hex:
        raise ValueError("the round is not drawn yet: no seed published")
    seed = bytes.fromhex(seed_hex)
    if commitment(seed) != published.get("commitment"):
        raise ValueError("the seed does not match the commitment published before entries")
    entries = published.get("entries") or []
    if not isinstance(entries, list):
        raise ValueError("entries must be a list")
    references = [str(e["reference"] if isinstance(e, dict) else e) for e in entries]
    return order(seed, references)
