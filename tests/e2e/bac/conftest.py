"""The people and the clock of the baccalaureate journeys."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import pytest

import chalicelib.clock
from scripts.demo.bac import row, upload
from scripts.local_events import Pump

YEAR = 2026


@dataclass
class Http:
    client: Any
    env: dict[str, str]

    def drain(self) -> None:
        """Deliver the queued events: the background jobs run here."""
        import app as app_module

        Pump(app_module, self.env).drain()

    def job(self, queued: Any, token: str) -> Any:
        """A job's answer once the pump ran it: its status, GET as the officer follows it."""
        assert queued.status_code == 202, queued.body
        assert queued.headers["Location"] == queued.json_body["status"]
        self.drain()
        return self.call("GET", queued.json_body["status"], token)

    def attach_verified(self, case_id: str, token: str, kind: str) -> str:
        """A PDF of ``kind`` attached to the case, uploaded and checked: its document id."""
        import requests

        from tests.e2e.equivalence.eq_support import a_pdf

        content = a_pdf()
        asked = {"kind": kind, "content_type": "application/pdf", "size": len(content)}
        grant = self.call("POST", f"/cases/{case_id}/documents", token, asked)
        assert grant.status_code == 201, grant.body
        files = {"file": (f"{kind}.pdf", content, "application/pdf")}
        sent = grant.json_body
        assert requests.post(sent["url"], data=sent["fields"], files=files, timeout=10).ok
        self.drain()  # the upload's checks: the document is verified
        return str(sent["document_id"])

    def call(self, method: str, path: str, token: str, body: Any = None, **headers: str) -> Any:
        sent = {"Authorization": f"Bearer {token}", **headers}
        raw = None
        if body is not None:
            import json

            sent.setdefault("Content-Type", "application/json")
            raw = json.dumps(body)
        return self.client.http.request(method, path, headers=sent, body=raw)


@dataclass
class Academy:
    """An academy with its exam officer and one candidate who signs in with a CNIe."""

    code: str
    officer: str
    cnie: str
    citizen: str
    candidate_number: str

    def import_list(
        self, http: Http, rows: list[dict[str, str]] | None = None, year: int = YEAR
    ) -> Any:
        """The import queued (202), run by the pump: the job's status (its report counts)."""
        rows = rows if rows is not None else [self.row()]
        key = upload(rows)
        queued = http.call(
            "POST",
            f"/bac/sessions/{year}/results/import",
            self.officer,
            {"key": key, "exam_start": f"{year}-06-02"},
        )
        return http.job(queued, self.officer)

    def publish(
        self, http: Http, at: datetime | None = None, days: int = 7, year: int = YEAR
    ) -> Any:
        """Results visible at ``at`` (a minute ago by default): asked a day before, as an
        exam office does (a moment must leave the job its lead), the job run by the pump."""
        at = at or datetime.now(UTC) - timedelta(minutes=1)
        body = {"visible_from": at.isoformat(), "complaint_days": days}
        with patch.object(chalicelib.clock, "now", lambda: at - timedelta(days=1)):
            queued = http.call("POST", f"/bac/sessions/{year}/publish", self.officer, body)
            done = http.job(queued, self.officer)
        assert done.json_body["state"] == "done", done.body
        return done.json_body

    def row(self, **values: str) -> dict[str, str]:
        base = {
            "academy": self.code,
            "cnie": self.cnie,
            "candidate_number": self.candidate_number,
        }
        return row(**{**base, **values})


@pytest.fixture
def http(client: Any, stack: Any) -> Http:
    return Http(client, stack.env)


@pytest.fixture
def academy(token: Callable[..., str]) -> Academy:
    code = f"AC-{uuid.uuid4().hex[:8].upper()}"
    card = "ZY" + str(uuid.uuid4().int)[:6]
    return Academy(
        code=code,
        officer=token("exam_officer", office=code),
        cnie=card,
        citizen=token("citizen", acr="cnie", cnie=card, sub=f"citizen-{card}"),
        candidate_number="2" + str(uuid.uuid4().int)[:9],
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Set the app's clock (the routes run in this process)."""
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(chalicelib.clock, "now", lambda: moment[0])

    def set_to(at: datetime) -> None:
        moment[0] = at

    yield set_to
