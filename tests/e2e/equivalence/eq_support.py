"""Helpers of the equivalence journeys: an applicant files, uploads the checklist through
the presigned POSTs (checked by the S3 event handler the pump delivers), and staff act."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import requests
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from pypdf import PdfWriter

from scripts.local_events import Pump

ACCOUNT, REGION = "123456789012", "eu-west-3"
CRITERIA = ("curriculum", "study_path", "admission_conditions", "supervision", "assessment")
ASSESSMENT = {c: {"rating": "meets", "note": "conforme"} for c in CRITERIA}
# Art. 7: training not sufficient or not complete; art. 6 (3): a criterion not met.
PARTLY = {**ASSESSMENT, "supervision": {"rating": "partly_meets", "note": "stages courts"}}
NOT_MET = {**ASSESSMENT, "curriculum": {"rating": "does_not_meet", "note": "volume horaire"}}


def headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **extra}


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def diploma(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Licence en droit privé",
        "level": "licence",
        "training": "law",
        "institution": "Université Paris 1 Panthéon-Sorbonne",
        "institution_country": "FR",
        "study_country": "FR",
        "institution_recognised": True,
        "mode": "in_person",
        "study_years": 3,
        "year_obtained": 2024,
        "national_diploma_sought": "Licence fondamentale en droit privé",
        **changes,
    }


@dataclass
class Journey:
    http: Any
    pump: Pump
    citizen: str
    officer: str
    token: Callable[..., str]
    case_id: str = ""
    reference: str = ""

    def post(self, path: str, who: str, body: dict[str, Any] | None = None) -> Any:
        return self.http.post(path, headers=headers(who), body=json.dumps(body or {}))

    def file(self, track: str = "higher", **changes: Any) -> dict[str, Any]:
        body = {
            "track": track,
            "contact": {"language": "fr"},  # the token's verified e-mail and phone
            "diploma": diploma(**changes),
        }
        answer = self.http.post(
            "/equivalence/applications",
            headers=headers(self.citizen, **{"Idempotency-Key": uuid.uuid4().hex}),
            body=json.dumps(body),
        )
        assert answer.status_code == 201, answer.body
        self.case_id, self.reference = answer.json_body["id"], answer.json_body["reference"]
        return dict(answer.json_body)

    def upload(self, kind: str, who: str | None = None) -> str:
        content = a_pdf()
        request = {"kind": kind, "content_type": "application/pdf", "size": len(content)}
        answer = self.post(f"/cases/{self.case_id}/documents", who or self.citizen, request)
        assert answer.status_code == 201, answer.body
        grant = answer.json_body
        files = {"file": (f"{kind}.pdf", content, "application/pdf")}
        posted = requests.post(grant["url"], data=grant["fields"], files=files, timeout=10)
        assert posted.status_code == 204
        return str(grant["document_id"])

    def upload_checklist(self) -> None:
        for item in self.view()["checklist"]:
            if item["required"]:
                self.upload(item["kind"])
        self.pump.drain()

    def submit(self) -> Any:
        return self.post(f"/equivalence/applications/{self.case_id}/submit", self.citizen)

    def filed(self, track: str = "higher", **changes: Any) -> dict[str, Any]:
        self.file(track, **changes)
        self.upload_checklist()
        answer = self.submit()
        assert answer.status_code == 200, answer.body
        return dict(answer.json_body)

    def act(self, who: str, action: str, **body: Any) -> Any:
        path = f"/equivalence/applications/{self.case_id}/actions/{action}"
        return self.post(path, who, body)

    def ok(self, who: str, action: str, **body: Any) -> dict[str, Any]:
        answer = self.act(who, action, **body)
        assert answer.status_code == 200, (action, answer.body)
        return dict(answer.json_body)

    def view(self, who: str | None = None) -> dict[str, Any]:
        answer = self.http.get(f"/cases/{self.case_id}", headers=headers(who or self.citizen))
        assert answer.status_code == 200, answer.body
        return dict(answer.json_body)

    def get(self, path: str, who: str | None = None) -> Any:
        return self.http.get(path, headers=headers(who or self.citizen))

    def pdf(self, what: str, who: str | None = None) -> Any:
        """The file's letter or decision copy, as a browser asks for it."""
        path = f"/equivalence/applications/{self.case_id}/{what}"
        return self.http.get(path, headers=headers(who or self.citizen, Accept="application/pdf"))

    def committee(self, field: str) -> str:
        return self.token("committee_member", office=field)

    def to_committee(self, field: str = "law") -> None:
        """Intake accepted, expertise report attached, referred to the field's committee."""
        self.ok(self.officer, "accept_file")
        self.upload("expertise_report", self.officer)
        self.pump.drain()
        assert self.ok(self.officer, "refer")["state"] == "with_committee"

    def decide_and_publish(self, number: str = "1234.25", **publish: Any) -> dict[str, Any]:
        decided = self.ok(self.officer, "decide", order_number=number, order_date="2026-03-02")
        assert decided["state"] == "decided"
        bo = {"bo_number": "7480", "bo_date": "2026-03-20", "bo_page": 1523, **publish}
        return self.ok(self.officer, "publish", **bo)

    def refused(self, decision_date: str = "") -> dict[str, Any]:
        """Filed, with the law committee, refused (art. 6 (3)) by registered letter."""
        self.filed()
        self.to_committee("law")
        self.ok(
            self.committee("law"),
            "propose",
            outcome="refusal",
            assessment=NOT_MET,
            reason="Volume horaire insuffisant",
        )
        day = decision_date or datetime.now(UTC).date().isoformat()
        refused = self.ok(
            self.officer, "decide", registered_letter="RR123456789MA", decision_date=day
        )
        assert refused["state"] == "refused"
        return refused

    def granted(self, field: str = "law") -> dict[str, Any]:
        self.filed(training=field) if field != "law" else self.filed()
        self.to_committee(field)
        proposal = {
            "outcome": "equivalence",
            "national_diploma": "Licence fondamentale en droit privé",
            "assessment": ASSESSMENT,
        }
        assert self.ok(self.committee(field), "propose", **proposal)["state"] == "proposed"
        return self.decide_and_publish()


def mails_about(reference: str) -> list[str]:
    return [
        m.subject for m in ses_backends[ACCOUNT][REGION].sent_messages if reference in m.subject
    ]


def sms_about(reference: str) -> list[str]:
    return [t for _, t in sns_backends[ACCOUNT][REGION].sms_messages.values() if reference in t]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
