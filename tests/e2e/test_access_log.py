"""The citizen sees who looked at their file, and hears of reads from outside the office."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from moto.ses.models import ses_backends

import app as app_module
from scripts.local_events import Pump
from tests.support.demo_app import demo_app


@pytest.fixture
def http(stack: Any) -> Iterator[Any]:
    with Client(demo_app, stage_name="local") as test_client:
        yield test_client.http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def open_case(http: Any, citizen: str) -> dict[str, Any]:
    body = {"office": "MEN", "summary": "s", "email": "owner@demo.invalid", "language": "fr"}
    answer = http.post("/demo/cases", headers=bearer(citizen), body=json.dumps(body))
    assert answer.status_code == 201, answer.body
    return dict(answer.json_body)


def test_the_owner_sees_a_staff_read_with_a_pseudonym(http: Any, token: Any) -> None:
    owner = token("citizen", sub="citizen-log")
    case = open_case(http, owner)
    officer = token("equivalence_officer", office="MEN", sub="officer-real-name")
    assert http.get(f"/cases/{case['id']}", headers=bearer(officer)).status_code == 200
    log = http.get(f"/cases/{case['id']}/access-log", headers=bearer(owner)).json_body
    read, created = log["items"]
    assert (read["action"], read["role"], read["office"]) == ("read", "equivalence_officer", "MEN")
    assert read["who"].startswith("staff-") and "officer-real-name" not in json.dumps(log)
    assert (created["who"], created["action"]) == ("you", "transition:created")
    again = http.get(f"/cases/{case['id']}", headers=bearer(officer))
    assert again.status_code == 200
    log = http.get(f"/cases/{case['id']}/access-log?limit=1", headers=bearer(owner)).json_body
    assert log["items"][0]["who"] == read["who"]  # the same person, the same pseudonym
    assert log["next"]


def test_nobody_else_reads_the_access_log(http: Any, token: Any) -> None:
    case = open_case(http, token("citizen", sub="citizen-log-owner"))
    other = token("citizen", sub="citizen-log-other")
    assert http.get(f"/cases/{case['id']}/access-log", headers=bearer(other)).status_code == 404


def test_a_read_from_outside_the_office_is_told_to_the_owner(
    http: Any, token: Any, stack: Any
) -> None:
    case = open_case(http, token("citizen", sub="citizen-outsider"))
    admin = token("admin", office="HQ", sub="admin-reader")
    assert http.get(f"/cases/{case['id']}", headers=bearer(admin)).status_code == 200
    Pump(app_module, stack.env).drain()
    mails = [
        m
        for m in ses_backends["123456789012"]["eu-west-3"].sent_messages
        if case["reference"] in m.subject and "consulté" in m.subject
    ]
    assert len(mails) == 1
    assert "admin (HQ)" in mails[0].body and "admin-reader" not in mails[0].body


def test_a_reused_correlation_id_does_not_silence_the_second_outside_read(
    http: Any, token: Any, stack: Any
) -> None:
    """Each read from outside the office is its own notice, whatever X-Correlation-Id the
    reader sends (the notice was keyed by it: the second read with the same id was dropped)."""
    case = open_case(http, token("citizen", sub="citizen-outsider-twice"))
    admin = {**bearer(token("admin", office="HQ")), "X-Correlation-Id": "the-same-id-1234"}
    for _ in range(2):
        assert http.get(f"/cases/{case['id']}", headers=admin).status_code == 200
    Pump(app_module, stack.env).drain()
    mails = [
        m
        for m in ses_backends["123456789012"]["eu-west-3"].sent_messages
        if case["reference"] in m.subject and "consulté" in m.subject
    ]
    assert len(mails) == 2


def test_an_office_code_shared_by_two_kinds_of_office_opens_nothing_across_roles(
    http: Any, token: Any
) -> None:
    """A consulate whose code happened to be the ministry's reads none of its files; the
    ministry's own officer does."""
    case = open_case(http, token("citizen", sub="citizen-shared-code"))
    agent = token("consular_agent", office="MEN", sub="agent-with-men-code")
    director = token("school_director", office="MEN", sub="director-with-men-code")
    for stranger in (agent, director):
        assert http.get(f"/cases/{case['id']}", headers=bearer(stranger)).status_code == 404
    officer = token("equivalence_officer", office="MEN")
    assert http.get(f"/cases/{case['id']}", headers=bearer(officer)).status_code == 200
