"""The draw's pure parts (decisions 56 to 58): the commitment, the references, the
permutation (a documented function anyone recomputes), the choices and the allocation."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.services.consular import draws

PARIS = ZoneInfo("Europe/Paris")
SEED = bytes(range(32))


def test_the_commitment_is_the_sha256_of_the_seed() -> None:
    assert draws.commitment(SEED) == hashlib.sha256(SEED).hexdigest()


def test_the_order_is_the_documented_hmac_sort_whatever_the_arrival_order() -> None:
    references = [f"{n:064x}" for n in range(50)]
    expected = sorted(
        references, key=lambda r: hmac.new(SEED, r.encode(), hashlib.sha256).hexdigest()
    )
    assert draws.order(SEED, references) == expected
    assert draws.order(SEED, list(reversed(references))) == expected
    assert draws.order(bytes(32), references) != expected  # another seed, another order


def test_an_entry_reference_is_keyed_and_stable() -> None:
    key = b"k" * 32
    assert draws.entry_reference(key, "case-1") == draws.entry_reference(key, "case-1")
    assert draws.entry_reference(key, "case-1") != draws.entry_reference(b"j" * 32, "case-1")
    assert len(draws.entry_reference(key, "case-1")) == 64


def test_the_permutation_is_uniform_enough_each_place_as_likely() -> None:
    """Over 3000 seeds, each of 4 entries comes first about a quarter of the time."""
    references = ["a", "b", "c", "d"]
    firsts = Counter(
        draws.order(hashlib.sha256(str(n).encode()).digest(), references)[0] for n in range(3000)
    )
    assert all(650 <= firsts[r] <= 850 for r in references), firsts


def at(day: int, hour: int) -> datetime:
    return datetime(2030, 1, day, hour, 0, tzinfo=PARIS).astimezone(UTC)


def test_choices_are_days_or_half_days_of_the_round_and_enough_of_them() -> None:
    slots = [at(7, 9), at(7, 14), at(8, 9), at(8, 14)]
    chosen, problems = draws.choice_problems(["2030-01-07", "2030-01-08/am"], slots, PARIS)
    assert problems == [] and [str(c) for c in chosen] == ["2030-01-07", "2030-01-08/am"]
    _, few = draws.choice_problems(["2030-01-07/am"], slots, PARIS)
    assert few and "at least 3" in few[0]
    _, wrong = draws.choice_problems(["2030-01-09", "07/01/2030"], slots, PARIS)
    assert len(wrong) == 2 and "no slot" in wrong[0] and "YYYY-MM-DD" in wrong[1]
    # A round with two half-days asks for both at most.
    _, ok = draws.choice_problems(["2030-01-07"], [at(7, 9), at(7, 14)], PARIS)
    assert ok == []


@pytest.mark.parametrize(
    ("text", "hour", "covers"),
    [("2030-01-07/am", 11, True), ("2030-01-07/am", 12, False), ("2030-01-07/pm", 12, True)],
)
def test_a_half_day_is_before_or_from_noon_local_time(text: str, hour: int, covers: bool) -> None:
    choice = draws.parse_choice(text)
    assert choice is not None
    assert choice.covers(at(7, hour).astimezone(PARIS)) is covers


def test_each_in_turn_gets_the_earliest_acceptable_slot_with_a_seat() -> None:
    seats = [draws.Seat(at(7, 9), 1), draws.Seat(at(7, 14), 1), draws.Seat(at(8, 9), 2)]
    day7, day8 = draws.Choice(at(7, 9).date()), draws.Choice(at(8, 9).date())
    pm7 = draws.Choice(at(7, 9).date(), "pm")
    choices = {"x": [day7], "y": [day7], "z": [pm7], "w": [day8], "v": [day7, day8]}
    outcome = draws.allocate(["x", "y", "z", "v", "w"], choices, seats, PARIS)
    assert outcome.won == {"x": at(7, 9), "y": at(7, 14), "v": at(8, 9), "w": at(8, 9)}
    assert outcome.waiting == ["z"]  # its half-day was gone when its turn came


def test_recompute_checks_the_seed_against_the_commitment() -> None:
    published = {
        "seed": SEED.hex(),
        "commitment": draws.commitment(SEED),
        "entries": [{"reference": "b"}, {"reference": "a"}],
    }
    assert draws.recompute(published) == draws.order(SEED, ["a", "b"])
    with pytest.raises(ValueError, match="commitment"):
        draws.recompute({**published, "commitment": "0" * 64})
    with pytest.raises(ValueError, match="not drawn"):
        draws.recompute({**published, "seed": None})
