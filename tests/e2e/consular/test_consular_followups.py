"""More of the consular journeys through HTTP with real tokens: documents asked for and
attached (by the consulate on the citizen's behalf too), a booking moved in one call, the
cut-off, the no-show at the end of the day, the waiting list going down the line as holds
run out (timers and reactions delivered by the local event pump), and the booking e-mail's
iCalendar event."""

from __future__ import annotations

import email
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email import policy
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

import app as app_module
from chalicelib import clock
from chalicelib.store.consular import repository as repo
from chalicelib.workflow import lifecycle, reactions
from scripts.local_events import Pump
from tests.e2e.consular.test_consular_journeys import (
    CALENDAR,
    agent,
    call,
    citizen,
    put_calendar,
    slots,
    upload,
    validated_request,
)

ACCOUNT, REGION = "123456789012", "eu-west-3"
PARIS = ZoneInfo("Europe/Paris")
REQUESTS = "/consular/appointment-requests"


@pytest.fixture
def pump(stack: Any) -> Pump:
    return Pump(app_module, stack.env)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return lambda when: moment.__setitem__(0, when)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def book(client: Any, token: Any, sub: str, case_id: str, slot: str) -> Any:
    path = f"{REQUESTS}/{case_id}/booking"
    return call(client, "POST", path, citizen(token, sub), {"slot": slot})


def move(client: Any, token: Any, sub: str, case_id: str, slot: str = "") -> Any:
    query = f"?slot={slot}" if slot else ""
    return call(client, "DELETE", f"{REQUESTS}/{case_id}/booking{query}", citizen(token, sub))


def fire_timer(stack: Any, pump: Pump, case_id: str, name: str) -> None:
    """What the Step Functions timer does when it falls due: a message on the timer queue."""
    import boto3

    deadline = lifecycle.load(case_id).deadlines[name]
    body = {"case_id": case_id, "deadline": name, "due_at": deadline.due_at.isoformat()}
    boto3.client("sqs").send_message(
        QueueUrl=stack.env["TIMER_QUEUE_URL"], MessageBody=json.dumps(body)
    )
    pump.drain()


def day_list(client: Any, token: Any, day: str) -> dict[str, str]:
    url = f"/consular/consulates/FR-PAR/appointments?date={day}"
    answer = call(client, "GET", url, agent(token))
    assert answer.status_code == 200, answer.body
    return {i["case_id"]: i["status"] for i in answer.json_body["items"]}


def local_day(slot: str) -> str:
    return moment(slot).astimezone(PARIS).date().isoformat()


def test_documents_asked_for_attached_by_the_consulate_then_completed(
    client: Any, token: Any
) -> None:
    body = {
        "consulate": "FR-PAR",
        "service": "passport",
        "contact": {"email": "citizen@demo.invalid"},
    }
    created = call(client, "POST", REQUESTS, citizen(token, "rdv-docs"), body)
    case_id = created.json_body["id"]
    path = f"{REQUESTS}/{case_id}"
    no_reason = call(client, "POST", f"{path}/request-documents", agent(token), {})
    assert no_reason.status_code == 422
    asked = call(
        client, "POST", f"{path}/request-documents", agent(token), {"reason": "photo manquante"}
    )
    assert asked.status_code == 200 and asked.json_body["state"] == "documents_requested"
    assert lifecycle.load(case_id).state == "documents_requested"

    # The citizen came to the counter with the photo: the consulate attaches it for them.
    photo = {"kind": "photo", "content_type": "image/jpeg", "size": 2048, "file_name": "p.jpg"}
    documents = f"/cases/{case_id}/documents"
    elsewhere = call(client, "POST", documents, agent(token, "ES-MAD"), photo)
    assert elsewhere.status_code == 404
    upload(client, agent(token), case_id, "photo")
    document = lifecycle.load(case_id).documents[0]
    assert (document.kind, document.uploaded_role) == ("photo", "consular_agent")
    assert document.uploaded_by == "staff:agent-FR-PAR"  # the pair (issuer, sub)
    assert document.status == "verified"
    # ... and the citizen uploads the rest, then says the file is complete.
    for kind in ("id_copy", "proof_of_residence"):
        upload(client, citizen(token, "rdv-docs"), case_id, kind)
    done = call(client, "POST", f"{path}/complete", citizen(token, "rdv-docs"), {})
    assert done.status_code == 200 and done.json_body["state"] == "submitted"
    validated = call(client, "POST", f"{path}/validate", agent(token), {})
    assert validated.status_code == 200 and validated.json_body["state"] == "validated"
    kinds = sorted(d.kind for d in lifecycle.load(case_id).documents)
    assert kinds == ["id_copy", "photo", "proof_of_residence"]


def test_a_booking_moved_in_one_call_gives_its_seat_back_and_respects_the_cut_off(
    client: Any, token: Any, at: Callable[[datetime], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    mine = validated_request(client, token, "rdv-mover")
    other = validated_request(client, token, "rdv-other")
    free = slots(client, token, "rdv-mover", date.today() + timedelta(days=50))
    first, second, third = (f["slot"] for f in free[:3])
    assert book(client, token, "rdv-mover", mine, first).status_code == 200
    assert book(client, token, "rdv-other", other, third).status_code == 200

    moved = move(client, token, "rdv-mover", mine, second)
    assert moved.status_code == 200, moved.body
    view = moved.json_body
    assert view["state"] == "booked" and moment(view["payload"]["slot"]) == moment(second)
    seats = repo.seats_of_day("FR-PAR", "passport", local_day(first))
    assert seats[first].taken == 0 and seats[second].taken == 1  # the old seat is free again
    assert mine not in day_list(client, token, local_day(first)) or local_day(first) == local_day(
        second
    )
    assert day_list(client, token, local_day(second))[mine] == "booked"
    reminder = lifecycle.load(mine).deadlines["reminder"].due_at
    assert reminder == moment(second) - timedelta(hours=24)

    # Right after a change the booking rests (a cool-down); then a move to a full slot
    # changes nothing: the booking and both seats stay as they were.
    rested = move(client, token, "rdv-mover", mine, third)
    assert rested.status_code == 429 and int(rested.headers["Retry-After"]) <= 300
    at(datetime.now(UTC) + timedelta(seconds=301))
    full = move(client, token, "rdv-mover", mine, third)
    assert full.status_code == 409 and full.json_body["refusal"] == "slot_taken"
    assert moment(lifecycle.load(mine).payload["slot"]) == moment(second)
    seats = repo.seats_of_day("FR-PAR", "passport", local_day(second))
    assert seats[second].taken == 1 and seats[third].taken == 1
    same = move(client, token, "rdv-mover", mine, second)
    assert same.status_code == 422 and same.json_body["errors"][0]["field"] == "query.slot"

    # Passports are changed up to 24 hours before: later, neither cancelled nor moved.
    at(moment(second) - timedelta(hours=23))
    late = move(client, token, "rdv-mover", mine)
    assert late.status_code == 409 and late.json_body["refusal"] == "cutoff"
    assert move(client, token, "rdv-mover", mine, first).json_body["refusal"] == "cutoff"
    assert lifecycle.load(mine).state == "booked"


def test_a_no_show_at_the_end_of_the_day_is_counted_on_the_citizen_s_record(
    client: Any, token: Any, stack: Any, pump: Pump, at: Callable[[datetime], None]
) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    case_id = validated_request(client, token, "rdv-absent")
    slot = slots(client, token, "rdv-absent", date.today() + timedelta(days=60))[0]["slot"]
    assert book(client, token, "rdv-absent", case_id, slot).status_code == 200
    guard = repo.live_guard("FR-PAR", "passport", "citizen:rdv-absent")
    assert guard == case_id
    attendance = lifecycle.load(case_id).deadlines["attendance"].due_at
    midnight = datetime.combine(
        moment(slot).astimezone(PARIS).date() + timedelta(days=1), datetime.min.time(), PARIS
    )
    assert attendance == midnight.astimezone(UTC)

    at(attendance + timedelta(minutes=1))
    fire_timer(stack, pump, case_id, "attendance")
    assert lifecycle.load(case_id).state == "no_show"
    assert day_list(client, token, local_day(slot))[case_id] == "no_show"
    assert repo.live_guard("FR-PAR", "passport", "citizen:rdv-absent") is None
    seen = call(client, "GET", f"{REQUESTS}/{case_id}", citizen(token, "rdv-absent"))
    assert seen.json_body["no_shows"] == 1


def test_the_seat_goes_down_the_waiting_list_as_holds_run_out(
    client: Any, token: Any, stack: Any, pump: Pump, at: Callable[[datetime], None]
) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    holder = validated_request(client, token, "rdv-holder")
    slot = slots(client, token, "rdv-holder", date.today() + timedelta(days=70))[0]["slot"]
    assert book(client, token, "rdv-holder", holder, slot).status_code == 200
    line = [validated_request(client, token, f"rdv-line-{n}") for n in range(3)]
    for n, case_id in enumerate(line):
        at(datetime.now(UTC) + timedelta(seconds=n))  # they join one after the other
        joined = call(
            client, "POST", f"{REQUESTS}/{case_id}/waiting-list", citizen(token, f"rdv-line-{n}")
        )
        assert joined.status_code == 200 and joined.json_body["state"] == "waiting"

    assert move(client, token, "rdv-holder", holder).status_code == 200  # the seat given back
    first = lifecycle.load(line[0])
    assert first.state == "offered" and first.payload["offered_slot"] == slot
    hold = first.deadlines["offer_hold"].due_at
    assert hold == moment(first.payload["offered_until"])

    # The first lets the hold run out: the seat is offered to the second, held anew.
    at(hold + timedelta(seconds=1))
    fire_timer(stack, pump, line[0], "offer_hold")
    states = [lifecycle.load(c).state for c in line]
    assert states == ["validated", "offered", "waiting"]
    second = lifecycle.load(line[1])
    assert second.payload["offered_slot"] == slot and "offer_hold" in second.deadlines

    # The stream delivers the expiry again: nothing more happens.
    image = {
        "pk": {"S": f"CASE#{line[0]}"},
        "sk": {"S": "HIST#000099"},
        "event": {"S": "offer_expired"},
        "seq": {"N": "99"},
        "to_state": {"S": "validated"},
    }
    reactions.handle([image])
    assert [lifecycle.load(c).state for c in line] == ["validated", "offered", "waiting"]

    # The second's hold runs out too: the third gets it, and books it.
    at(second.deadlines["offer_hold"].due_at + timedelta(seconds=1))
    fire_timer(stack, pump, line[1], "offer_hold")
    assert [lifecycle.load(c).state for c in line] == ["validated", "validated", "offered"]
    taken = book(client, token, "rdv-line-0", line[0], slot)
    assert taken.status_code == 409  # held for the third
    booked = book(client, token, "rdv-line-2", line[2], slot)
    assert booked.status_code == 200 and booked.json_body["state"] == "booked"


def test_the_booking_e_mail_carries_its_icalendar_event(
    client: Any, token: Any, pump: Pump
) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    case_id = validated_request(client, token, "rdv-ical")
    slot = slots(client, token, "rdv-ical", date.today() + timedelta(days=80))[0]["slot"]
    booked = book(client, token, "rdv-ical", case_id, slot)
    assert booked.status_code == 200
    reference = booked.json_body["reference"]
    pump.drain()

    sent = [
        m
        for m in ses_backends[ACCOUNT][REGION].sent_messages
        if reference in m.subject and hasattr(m, "raw_data")
    ]
    assert len(sent) == 1
    mime = email.message_from_string(sent[0].raw_data, policy=policy.default)
    text = mime.get_body(preferencelist=("plain",))
    assert text is not None and "Paris" in str(text.get_content())
    parts = [p for p in mime.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_filename() == f"{reference}.ics"
    assert parts[0].get_param("method") == "REQUEST"
    ics = parts[0].get_payload(decode=True)
    assert isinstance(ics, bytes)
    calendar = Calendar.from_ical(ics)
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start == moment(slot) and str(start.tzinfo) == "Europe/Paris"
    assert start.astimezone(PARIS).hour == 9  # the consulate's opening, in its own zone
    assert event.decoded("dtend") - start == timedelta(minutes=15)
    assert str(event["uid"]) == f"{case_id}@khidmat.gov.ma"
    assert "Paris" in str(event["location"]) and str(event["description"])
    alarm = event.walk("VALARM")[0]
    assert alarm.decoded("trigger") == timedelta(hours=-24)
    assert calendar.walk("VTIMEZONE")  # the zone travels with the event
    # The SMS is the same as before: words only.
    sms = sns_backends[ACCOUNT][REGION].sms_messages.values()
    texts = [m for _, m in sms if reference in m and "Paris" in m]
    assert len(texts) == 1


def test_a_cancellation_e_mail_removes_the_event_from_the_calendar(
    client: Any, token: Any, pump: Pump
) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    case_id = validated_request(client, token, "rdv-ical-cancel")
    slot = slots(client, token, "rdv-ical-cancel", date.today() + timedelta(days=81))[0]["slot"]
    booked = book(client, token, "rdv-ical-cancel", case_id, slot)
    assert booked.status_code == 200
    cancelled = call(
        client, "DELETE", f"{REQUESTS}/{case_id}/booking", citizen(token, "rdv-ical-cancel")
    )
    assert cancelled.status_code == 200, cancelled.body
    pump.drain()

    reference = booked.json_body["reference"]
    mails = [
        email.message_from_string(m.raw_data, policy=policy.default)
        for m in ses_backends[ACCOUNT][REGION].sent_messages
        if reference in m.subject and hasattr(m, "raw_data")
    ]
    methods = [
        str(p.get_param("method"))
        for m in mails
        for p in m.walk()
        if p.get_content_type() == "text/calendar"
    ]
    assert sorted(methods) == ["CANCEL", "REQUEST"]  # the booking, then its cancellation
    cancel = next(
        Calendar.from_ical(bytes(p.get_payload(decode=True)))
        for m in mails
        for p in m.walk()
        if p.get_content_type() == "text/calendar" and p.get_param("method") == "CANCEL"
    )
    event = cancel.walk("VEVENT")[0]
    assert str(event["uid"]) == f"{case_id}@khidmat.gov.ma"  # the same event, withdrawn
    assert str(event["status"]) == "CANCELLED"
    sms = [m for m in sns_backends[ACCOUNT][REGION].sms_messages.values() if reference in m[1]]
    assert len(sms) >= 2  # booked, then cancelled
