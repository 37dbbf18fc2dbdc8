"""Consular appointments through the HTTP API with real tokens: request, validation,
booking, reminder timer, check-in; a rejection; a cancellation that frees a seat for the
waiting list; a closed day; an agent of another consulate."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
import requests
from PIL import Image
from pypdf import PdfWriter

import app as app_module
from chalicelib import clock
from chalicelib.documents import uploads
from chalicelib.documents.checks import check_uploaded
from chalicelib.settings import get_settings
from chalicelib.workflow import callbacks, lifecycle
from scripts.local_events import Pump

CALENDAR = {
    "hours": {str(d): [{"start": "09:00", "end": "10:00"}] for d in range(5)},
    "counters": {"passport": 1, "legalisation": 2},
    "closed": [],
}


@pytest.fixture
def pump(stack: Any) -> Pump:
    return Pump(app_module, stack.env)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return lambda when: moment.__setitem__(0, when)


def call(client: Any, method: str, path: str, token: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return client.http.request(
        method, path, headers=headers, body=None if body is None else json.dumps(body)
    )


def agent(token: Any, office: str = "FR-PAR") -> str:
    return str(token("consular_agent", office=office, sub=f"agent-{office}"))


def citizen(token: Any, sub: str) -> str:
    return str(token("citizen", sub=sub, acr="cnie"))


def a_file(content_type: str) -> bytes:
    out = BytesIO()
    if content_type == "application/pdf":
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.write(out)
    else:
        Image.new("RGB", (30, 40), (200, 180, 160)).save(out, "PNG")
    return out.getvalue()


def upload(client: Any, who: str, case_id: str, kind: str) -> str:
    """One document of ``kind`` uploaded as a browser does, then checked as the S3 upload
    event's handler checks it (called here for this object only, rather than pumping every
    event other tests left behind); returns its id."""
    content_type = "image/png" if kind == "photo" else "application/pdf"
    content = a_file(content_type)
    body = {"kind": kind, "content_type": content_type, "size": len(content)}
    grant = call(client, "POST", f"/cases/{case_id}/documents", who, body)
    assert grant.status_code == 201, grant.body
    form = {"file": (f"{kind}.bin", content, content_type)}
    fields = grant.json_body["fields"]
    posted = requests.post(grant.json_body["url"], data=fields, files=form, timeout=10)
    assert posted.status_code == 204
    document_id = str(grant.json_body["document_id"])
    key = uploads.upload_key(case_id, document_id)
    assert check_uploaded(get_settings().documents_bucket, key).status == "verified"
    return document_id


def upload_checklist(client: Any, who: str, case_id: str) -> list[str]:
    """Every required document of the request's checklist not yet checked; their kinds."""
    view = call(client, "GET", f"/cases/{case_id}", who).json_body
    kinds = [i["kind"] for i in view["checklist"] if i["required"] and i["status"] != "verified"]
    for kind in kinds:
        upload(client, who, case_id, kind)
    return kinds


def validated_request(
    client: Any,
    token: Any,
    sub: str,
    service_code: str = "passport",
    consulate: str = "FR-PAR",
    **more: Any,
) -> str:
    """A request filed, its checklist uploaded and checked, then validated by the consulate."""
    body = {
        "consulate": consulate,
        "service": service_code,
        "contact": {"language": "fr"},  # the token's verified e-mail and phone
        **more,
    }
    created = call(client, "POST", "/consular/appointment-requests", citizen(token, sub), body)
    assert created.status_code == 201, created.body
    case_id = created.json_body["id"]
    upload_checklist(client, citizen(token, sub), case_id)
    answer = call(
        client,
        "POST",
        f"/consular/appointment-requests/{case_id}/validate",
        agent(token, consulate),
        {},
    )
    assert answer.status_code == 200, answer.body
    assert answer.json_body["state"] == "validated"
    return str(case_id)


def slots(client: Any, token: Any, sub: str, first: date, days: int = 10) -> list[dict[str, Any]]:
    url = (
        f"/consular/consulates/FR-PAR/slots?service=passport&from={first.isoformat()}"
        f"&to={(first + timedelta(days=days)).isoformat()}"
    )
    answer = call(client, "GET", url, citizen(token, sub))
    assert answer.status_code == 200, answer.body
    return list(answer.json_body["items"])


def put_calendar(client: Any, token: Any, calendar: dict[str, Any]) -> Any:
    return call(client, "PUT", "/consular/consulates/FR-PAR/calendar", agent(token), calendar)


def test_request_validation_booking_reminder_and_check_in(
    client: Any, token: Any, pump: Pump, at: Callable[[datetime], None]
) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    case_id = validated_request(client, token, "rdv-amina")
    free = slots(client, token, "rdv-amina", date.today() + timedelta(days=3))
    assert free and all(s["free"] >= 1 for s in free)
    chosen = free[0]["slot"]
    booked = call(
        client,
        "POST",
        f"/consular/appointment-requests/{case_id}/booking",
        citizen(token, "rdv-amina"),
        {"slot": chosen},
    )
    assert booked.status_code == 200, booked.body
    view = booked.json_body
    assert view["state"] == "booked" and view["payload"]["slot"].startswith(chosen[:16])
    assert {"reminder", "attendance"} <= set(
        view["deadlines"] and [d["name"] for d in view["deadlines"]]
    )
    assert "Paris" in view["payload"]["notice"]["appointment"]
    pump.drain()  # confirmation sent, timers started

    # The reminder timer's callback fires the reminder (as Step Functions would, 24 h before).
    reminder = lifecycle.load(case_id).deadlines["reminder"]
    start = datetime.fromisoformat(view["payload"]["slot"])
    assert abs((reminder.due_at - (start - timedelta(hours=24))).total_seconds()) < 5
    message = {"case_id": case_id, "deadline": "reminder", "due_at": reminder.due_at.isoformat()}
    assert callbacks.timer_fired(message) == "fired"
    assert lifecycle.load(case_id).state == "booked"

    # On the day, the agent sees the appointment and checks the citizen in.
    at(start - timedelta(minutes=10))
    day = start.astimezone().date().isoformat()
    listed = call(
        client, "GET", f"/consular/consulates/FR-PAR/appointments?date={day}", agent(token)
    )
    assert listed.status_code == 200
    assert [i["case_id"] for i in listed.json_body["items"]] == [case_id]
    other = call(
        client,
        "POST",
        f"/consular/appointment-requests/{case_id}/check-in",
        agent(token, "ES-MAD"),
        None,
    )
    assert other.status_code == 404
    done = call(
        client, "POST", f"/consular/appointment-requests/{case_id}/check-in", agent(token), None
    )
    assert done.status_code == 200, done.body
    assert done.json_body["state"] == "checked_in"
    assert "reminder" not in lifecycle.load(case_id).deadlines


def test_a_rejected_request_and_another_consulate(client: Any, token: Any) -> None:
    body = {
        "consulate": "FR-PAR",
        "service": "passport",
        "contact": {"email": "citizen@demo.invalid"},
    }
    created = call(
        client, "POST", "/consular/appointment-requests", citizen(token, "rdv-rej"), body
    )
    case_id = created.json_body["id"]
    path = f"/consular/appointment-requests/{case_id}"
    assert call(client, "POST", f"{path}/validate", agent(token, "ES-MAD"), {}).status_code == 404
    assert (
        call(
            client, "GET", "/consular/consulates/FR-PAR/requests", agent(token, "ES-MAD")
        ).status_code
        == 404
    )
    queue = call(
        client, "GET", "/consular/consulates/FR-PAR/requests?state=submitted", agent(token)
    )
    assert case_id in [c["id"] for c in queue.json_body["items"]]
    no_reason = call(client, "POST", f"{path}/reject", agent(token), {})
    assert no_reason.status_code == 422
    rejected = call(client, "POST", f"{path}/reject", agent(token), {"reason": "passeport valide"})
    assert rejected.status_code == 200 and rejected.json_body["state"] == "rejected"
    assert (
        call(
            client,
            "POST",
            f"{path}/booking",
            citizen(token, "rdv-rej"),
            {"slot": "2030-01-07T08:00:00Z"},
        ).status_code
        == 409
    )


def test_a_cancellation_frees_a_seat_for_the_waiting_list(client: Any, token: Any) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    first = validated_request(client, token, "rdv-first")
    second = validated_request(client, token, "rdv-second")
    chosen = slots(client, token, "rdv-first", date.today() + timedelta(days=20))[0]["slot"]
    path = "/consular/appointment-requests/{}/booking"
    assert (
        call(
            client, "POST", path.format(first), citizen(token, "rdv-first"), {"slot": chosen}
        ).status_code
        == 200
    )
    taken = call(
        client, "POST", path.format(second), citizen(token, "rdv-second"), {"slot": chosen}
    )
    assert taken.status_code == 409 and taken.json_body["refusal"] == "slot_taken"
    assert taken.json_body["next_free"]
    joined = call(
        client,
        "POST",
        f"/consular/appointment-requests/{second}/waiting-list",
        citizen(token, "rdv-second"),
        None,
    )
    assert joined.status_code == 200 and joined.json_body["state"] == "waiting"

    cancelled = call(client, "DELETE", path.format(first), citizen(token, "rdv-first"))
    assert cancelled.status_code == 200 and cancelled.json_body["state"] == "validated"
    offered = lifecycle.load(second)
    assert offered.state == "offered" and offered.payload["offered_slot"] == chosen
    # The held seat is not offered to anyone else meanwhile.
    again = call(client, "POST", path.format(first), citizen(token, "rdv-first"), {"slot": chosen})
    assert again.status_code == 409
    booked = call(
        client, "POST", path.format(second), citizen(token, "rdv-second"), {"slot": chosen}
    )
    assert booked.status_code == 200 and booked.json_body["state"] == "booked"


def test_a_closed_day_cancels_its_appointments(client: Any, token: Any) -> None:
    assert put_calendar(client, token, CALENDAR).status_code == 200
    case_id = validated_request(client, token, "rdv-closed")
    chosen = slots(client, token, "rdv-closed", date.today() + timedelta(days=40))[0]["slot"]
    call(
        client,
        "POST",
        f"/consular/appointment-requests/{case_id}/booking",
        citizen(token, "rdv-closed"),
        {"slot": chosen},
    )
    day = datetime.fromisoformat(chosen.replace("Z", "+00:00")).date().isoformat()
    closed = put_calendar(client, token, {**CALENDAR, "closed": [day]})
    assert closed.status_code == 200, closed.body
    assert case_id in closed.json_body["cancelled"]
    case = lifecycle.load(case_id)
    assert case.state == "waiting" and case.payload["waiting_key"].startswith("0#")
    remaining = slots(client, token, "rdv-closed", date.fromisoformat(day), 0)
    assert remaining == []
