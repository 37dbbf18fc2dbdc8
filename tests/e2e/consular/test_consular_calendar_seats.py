"""A calendar change never oversells and never strands seats (decision 36), through HTTP
with real tokens, at a consulate no other test books at: a change that would leave a slot
fewer seats than are taken is refused with the service and the slot named, and nothing
changes; a raise opens its seats at once, in the listing and to a booking."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.e2e.consular.test_consular_journeys import agent, call, citizen, validated_request

NYC = "US-NYC"
REQUESTS = "/consular/appointment-requests"
HOURS = {str(d): [{"start": "09:00", "end": "10:00"}] for d in range(5)}


def calendar(client: Any, token: Any, passport: int, **changes: Any) -> Any:
    body = {"hours": HOURS, "counters": {"passport": passport}, "closed": [], **changes}
    return call(client, "PUT", f"/consular/consulates/{NYC}/calendar", agent(token, NYC), body)


def free(client: Any, token: Any, sub: str, first: date) -> dict[str, int]:
    url = (
        f"/consular/consulates/{NYC}/slots?service=passport&from={first.isoformat()}"
        f"&to={(first + timedelta(days=7)).isoformat()}"
    )
    answer = call(client, "GET", url, citizen(token, sub))
    assert answer.status_code == 200, answer.body
    return {i["slot"]: i["free"] for i in answer.json_body["items"]}


def book(client: Any, token: Any, sub: str, case_id: str, slot: str) -> Any:
    path = f"{REQUESTS}/{case_id}/booking"
    return call(client, "POST", path, citizen(token, sub), {"slot": slot})


def test_a_calendar_change_never_oversells_nor_strands_a_seat(client: Any, token: Any) -> None:
    assert calendar(client, token, 2).status_code == 200
    people = ["nyc-ines", "nyc-omar", "nyc-sara"]
    cases = {p: validated_request(client, token, p, consulate=NYC) for p in people}
    week = date.today() + timedelta(days=14)
    listed = free(client, token, "nyc-ines", week)
    slot, later = sorted(listed)[:2]
    assert listed[slot] == listed[later] == 2
    for person in people[:2]:
        assert book(client, token, person, cases[person], slot).status_code == 200
    assert slot not in free(client, token, "nyc-ines", week)

    # One counter for a slot where two seats are taken: refused, the slot named, nothing changed.
    lowered = calendar(client, token, 1)
    assert lowered.status_code == 409, lowered.body
    problem = lowered.json_body
    assert problem["type"] == "urn:khidmat:problem:consular-seats-taken"
    assert (problem["service"], problem["slot"]) == ("passport", slot)
    assert (problem["taken"], problem["capacity"]) == (2, 1)
    assert problem["errors"][0]["field"] == "body.counters.passport"
    assert free(client, token, "nyc-ines", week)[later] == 2  # the old calendar stands
    # Moving the opening would leave the booked slot no seat at all: refused too.
    shifted = {d: [{"start": "09:05", "end": "10:05"}] for d in HOURS}
    moved = calendar(client, token, 2, hours=shifted)
    assert moved.status_code == 409 and moved.json_body["slot"] == slot
    assert moved.json_body["capacity"] == 0

    # A third counter opens its seat at once: listed, and booked by the next citizen.
    assert calendar(client, token, 3).status_code == 200
    now_free = free(client, token, "nyc-sara", week)
    assert now_free[slot] == 1 and now_free[later] == 3
    booked = book(client, token, "nyc-sara", cases["nyc-sara"], slot)
    assert booked.status_code == 200, booked.body
    assert calendar(client, token, 2).json_body["type"].endswith("consular-seats-taken")

    # Once a citizen cancels, the counters may come down to the seats still taken.
    path = f"{REQUESTS}/{cases['nyc-omar']}/booking"
    assert call(client, "DELETE", path, citizen(token, "nyc-omar")).status_code == 200
    assert calendar(client, token, 2).status_code == 200
    after = free(client, token, "nyc-ines", week)
    assert slot not in after and after[later] == 2
    refused = book(client, token, "nyc-omar", cases["nyc-omar"], slot)
    assert refused.status_code == 409 and refused.json_body["refusal"] == "slot_taken"
