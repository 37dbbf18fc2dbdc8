"""A staff list of citizens' files is a read: each page served leaves one record in the
reader's own list chain of the day, naming every case it showed (DESIGN.md §5: staff reads go
to an audit trail). The searched name is not copied into the trail; an empty page leaves none.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.audit.chain import READS
from chalicelib.audit.verify import check_chain
from chalicelib.store import audit
from tests.support.route_samples.enrollment import GUARDIAN, application, seed_school


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _trail(client: Any, token: Any, subject: str) -> list[dict[str, Any]]:
    admin = token("admin", sub="auditor-1")
    answer = client.http.get(f"/audit?case={subject}", headers=_headers(admin))
    assert answer.status_code == 200, answer.body
    items: list[dict[str, Any]] = answer.json_body["items"]
    return items


@pytest.fixture
def school(stack: Any) -> str:
    code = f"AUD-{uuid.uuid4().hex[:6].upper()}"
    seed_school(code)
    return code


def test_a_directors_list_pages_are_recorded_with_the_cases_they_showed(
    client: Any, token: Any, school: str
) -> None:
    filed = []
    for _ in range(2):
        guardian = token("citizen", sub=f"guardian-{uuid.uuid4().hex[:8]}", **GUARDIAN)
        answer = client.http.post(
            "/enrollment/applications",
            headers={**_headers(guardian), "Idempotency-Key": str(uuid.uuid4())},
            body=json.dumps(application(school)),
        )
        assert answer.status_code == 201, answer.body
        filed.append(answer.json_body["id"])
    director_sub = f"director-{uuid.uuid4().hex[:6]}"
    director = token("school_director", office=school, sub=director_sub)

    page = client.http.get(
        f"/enrollment/schools/{school}/applications?q=يوسف", headers=_headers(director)
    )
    assert page.status_code == 200, page.body
    shown = [a["id"] for a in page.json_body["items"]]
    assert sorted(shown) == sorted(filed)

    subject = f"lists:{school}:staff:{director_sub}:{datetime.now(UTC).date().isoformat()}"
    records = _trail(client, token, subject)
    assert len(records) == 1
    record = records[0]
    assert (record["action"], record["actor"], record["office"]) == (
        "list",
        f"staff:{director_sub}",
        school,
    )
    assert all(case_id in record["reason"] for case_id in filed)
    assert "q=(given)" in record["reason"] and "يوسف" not in record["reason"]
    chain = [audit.link_of(r) for r in audit.chain_of(subject, READS)]
    assert check_chain(chain) == []  # the list chain is hash-linked like any other

    empty = client.http.get(
        f"/enrollment/schools/{school}/applications?state=approved", headers=_headers(director)
    )
    assert empty.status_code == 200 and empty.json_body["items"] == []
    assert len(_trail(client, token, subject)) == 1  # nothing shown, nothing to record


def test_a_consular_agents_queue_is_recorded_in_the_agents_own_chain(
    client: Any, token: Any
) -> None:
    owner = token("citizen", sub=f"citizen-{uuid.uuid4().hex[:8]}")
    opened = client.http.post(
        "/consular/appointment-requests",
        headers={**_headers(owner), "Idempotency-Key": str(uuid.uuid4())},
        body=json.dumps({"consulate": "FR-PAR", "service": "passport"}),
    )
    assert opened.status_code == 201, opened.body
    agent_sub = f"agent-{uuid.uuid4().hex[:6]}"
    agent = token("consular_agent", office="FR-PAR", sub=agent_sub)

    queue = client.http.get(
        "/consular/consulates/FR-PAR/requests?state=submitted&limit=100",
        headers=_headers(agent),
    )
    assert queue.status_code == 200, queue.body
    assert opened.json_body["id"] in [r["id"] for r in queue.json_body["items"]]

    subject = f"lists:FR-PAR:staff:{agent_sub}:{datetime.now(UTC).date().isoformat()}"
    (record,) = _trail(client, token, subject)
    assert record["action"] == "list" and opened.json_body["id"] in record["reason"]
    assert record["reason"].startswith("GET /consular/consulates/FR-PAR/requests state=submitted")
