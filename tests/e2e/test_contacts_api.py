"""Messages go only to verified contacts: those the identity provider vouches for, or those
the citizen confirmed with a one-time code (``POST /me/contacts``, then ``.../confirm``).
A request naming an address the citizen did not verify is refused by name, and a message
names the person from the identity, never from a request's free text."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from moto.sns.models import sns_backends

from chalicelib import clock
from chalicelib.api import quotas
from chalicelib.store import outbox
from chalicelib.workflow import lifecycle
from scripts.local_events import Pump
from tests.support.contacts import ask_code, confirm, received_code, verified

UNVERIFIED = {"email_verified": False, "phone_number_verified": False}


@pytest.fixture
def http(client: Any) -> Any:
    return client.http


@pytest.fixture
def pump(stack: Any) -> Pump:
    import app as app_module

    return Pump(app_module, stack.env)


def _citizen(token: Any, **claims: Any) -> str:
    extra = {**UNVERIFIED, **claims.pop("extra", {})}
    return str(token("citizen", sub=f"contacts-{uuid.uuid4().hex[:8]}", extra=extra, **claims))


def _headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
        "Accept-Language": "en",
    }


def _request(http: Any, token: str, **contact: str) -> Any:
    body = {"consulate": "FR-PAR", "service": "passport", "contact": contact}
    return http.post(
        "/consular/appointment-requests", headers=_headers(token), body=json.dumps(body)
    )


def test_a_phone_is_confirmed_with_the_code_it_received(http: Any, token: Any, pump: Pump) -> None:
    citizen = _citizen(token)
    asked = ask_code(http, citizen, "phone", "+212611223344", "en")
    assert asked.status_code == 201, asked.body
    contact = asked.json_body
    assert (contact["value"], contact["state"]) == ("+212611223344", "pending")
    [message] = outbox.of_case(f"contact-{contact['id']}")
    assert (message.channel, message.template, message.recipient) == (
        "sms",
        "contact_code",
        "+212611223344",
    )
    pump.drain()
    code = received_code(contact["id"])
    texts = [t for _, t in sns_backends["123456789012"]["eu-west-3"].sms_messages.values()]
    assert any(code in t and "confirmation code" in t for t in texts)

    wrong = confirm(http, citizen, contact["id"], "000000" if code != "000000" else "111111")
    assert wrong.status_code == 422 and wrong.json_body["errors"][0]["field"] == "body.code"
    assert wrong.json_body["left"] == 4
    done = confirm(http, citizen, contact["id"], code)
    assert done.status_code == 200 and done.json_body["state"] == "verified", done.body
    mine = http.get("/me/contacts", headers=_headers(citizen)).json_body["items"]
    assert [(c["value"], c["state"], c["source"]) for c in mine] == [
        ("+212611223344", "verified", "confirmed")
    ]
    again = ask_code(http, citizen, "phone", "+212611223344")
    assert again.status_code == 200 and again.json_body["state"] == "verified"
    assert len(outbox.of_case(f"contact-{contact['id']}")) == 1  # no second message


def test_another_citizen_s_contact_cannot_be_confirmed(http: Any, token: Any) -> None:
    owner, intruder = _citizen(token), _citizen(token)
    contact_id = ask_code(http, owner, "email", "owner@example.ma").json_body["id"]
    code = received_code(contact_id)
    assert confirm(http, intruder, contact_id, code).status_code == 404
    mine = http.get("/me/contacts", headers=_headers(owner)).json_body["items"]
    assert [c["state"] for c in mine] == ["pending"]
    assert http.get("/me/contacts", headers=_headers(intruder)).json_body["items"] == []


def test_five_wrong_codes_use_the_code_up_and_a_new_one_works(http: Any, token: Any) -> None:
    citizen = _citizen(token)
    contact_id = ask_code(http, citizen, "email", "guess@example.ma").json_body["id"]
    code = received_code(contact_id)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1, 0):
        answer = confirm(http, citizen, contact_id, wrong)
        assert answer.status_code == 422 and answer.json_body["left"] == left
    used_up = confirm(http, citizen, contact_id, code)
    assert used_up.status_code == 422, used_up.body
    assert used_up.json_body["type"].endswith("contact-code-used-up")
    assert ask_code(http, citizen, "email", "guess@example.ma").status_code == 201
    fresh = received_code(contact_id)
    assert confirm(http, citizen, contact_id, fresh).status_code == 200


def test_a_late_code_is_refused(http: Any, token: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    citizen = _citizen(token)
    contact_id = ask_code(http, citizen, "email", "late@example.ma").json_body["id"]
    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    late = confirm(http, citizen, contact_id, received_code(contact_id))
    assert late.status_code == 422 and late.json_body["type"].endswith("contact-code-expired")


def test_codes_have_a_daily_quota(http: Any, token: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(quotas.QUOTAS, "contact-code", quotas.Quota(2, quotas.DAY, "test"))
    citizen = _citizen(token)
    for n in range(2):
        assert ask_code(http, citizen, "phone", f"+21261100000{n}").status_code == 201
    refused = ask_code(http, citizen, "phone", "+212611000009")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_an_address_the_identity_provider_vouches_for_needs_no_code(http: Any, token: Any) -> None:
    citizen = _citizen(token, extra={"email": "idp@example.ma", "email_verified": True})
    answer = ask_code(http, citizen, "email", "IDP@example.ma")
    assert answer.status_code == 200 and answer.json_body["state"] == "verified"
    assert outbox.of_case(f"contact-{answer.json_body['id']}") == []
    mine = http.get("/me/contacts", headers=_headers(citizen)).json_body["items"]
    assert [(c["value"], c["source"]) for c in mine] == [("idp@example.ma", "identity_provider")]


def test_a_request_is_written_to_only_at_a_verified_address_under_the_identity_s_name(
    http: Any, token: Any
) -> None:
    citizen = _citizen(token, extra={"given_name": "Amal", "family_name": "Idrissi"})
    before = http.get("/me/cases", headers=_headers(citizen)).json_body["items"]
    refused = _request(http, citizen, email="someone@example.ma", phone="+212600000099")
    assert refused.status_code == 422, refused.body
    assert refused.json_body["type"].endswith("contact-not-verified")
    assert [e["field"] for e in refused.json_body["errors"]] == [
        "body.contact.email",
        "body.contact.phone",
    ]
    assert http.get("/me/cases", headers=_headers(citizen)).json_body["items"] == before
    named = _request(http, citizen, email="someone@example.ma", name="Free text")
    assert named.status_code == 400 or named.status_code == 422
    assert "body.contact.name" in [e["field"] for e in named.json_body["errors"]]

    verified(http, citizen, "email", "someone@example.ma")
    made = _request(http, citizen, email="Someone@Example.ma")
    assert made.status_code == 201, made.body
    case = lifecycle.load(made.json_body["id"])
    assert case is not None
    assert (case.contact.email, case.contact.phone, case.contact.name) == (
        "someone@example.ma",
        "",
        "Amal Idrissi",
    )


def test_with_no_verified_contact_a_consular_request_says_how_to_get_one(
    http: Any, token: Any
) -> None:
    citizen = _citizen(token)  # the provider's e-mail and phone are not verified
    refused = _request(http, citizen)
    assert refused.status_code == 422, refused.body
    assert "POST /me/contacts" in refused.json_body["errors"][0]["message"]
