"""What an equivalence file costs per request, in DynamoDB calls, along a real journey in
in-process moto: the applicant files, uploads the checklist (checked by the S3 event
handler), submits; the ministry accepts, asks for a complement that the applicant sends,
refers to the law committee, which proposes; the ministry decides and publishes; the
applicant downloads the letter and the decision and asks for a review.

A first journey warms the app (caches, keys, cursors); the figures are those of the second,
request by request (the pump's deliveries between requests are not counted: they are the
stream's and the queues' work, not the request's)."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bench.calls import _local_stack

Figures = dict[str, Any]
# (figure name, what the table calls it, who calls it)
ROUTES = (
    ("file", "POST /equivalence/applications", "citizen"),
    ("submit", "POST .../{id}/submit", "citizen"),
    ("queue_officer", "GET /equivalence/queue?state=submitted", "officer"),
    ("accept_file", "POST .../actions/accept_file", "officer"),
    ("letter", "GET .../{id}/letter (PDF)", "citizen"),
    ("request_complement", "POST .../actions/request_complement", "officer"),
    ("complement", "POST .../{id}/complement", "citizen"),
    ("refer", "POST .../actions/refer", "officer"),
    ("queue_committee", "GET /equivalence/queue?state=with_committee", "committee"),
    ("propose", "POST .../actions/propose", "committee"),
    ("decide", "POST .../actions/decide", "officer"),
    ("publish", "POST .../actions/publish", "officer"),
    ("decision", "GET .../{id}/decision (PDF)", "citizen"),
    ("record_receipt", "POST .../actions/record_receipt", "officer"),
    ("review_request", "POST .../{id}/review-request", "citizen"),
)


def _dynamodb(calls: list[Any]) -> tuple[int, str]:
    ops = [c for c in calls if c.service == "dynamodb"]
    summary = ", ".join(f"{op} x{n}" for op, n in sorted(Counter(c.operation for c in ops).items()))
    return len(ops), summary


def _journey(journey: Any, measured: Any) -> None:
    """One file from filing to a review request; ``measured(name, call)`` makes a request."""
    from tests.e2e.equivalence.eq_support import ASSESSMENT

    law = journey.committee("law")
    measured("file", journey.file)  # asserts 201 and keeps the file's id
    journey.upload_checklist()
    measured("submit", journey.submit)
    measured(
        "queue_officer",
        lambda: journey.get("/equivalence/queue?state=submitted&limit=20", journey.officer),
    )
    measured("accept_file", lambda: journey.act(journey.officer, "accept_file"))
    measured("letter", lambda: journey.pdf("letter"))
    reason = {"reason": "relevés de notes de la deuxième année"}
    measured(
        "request_complement", lambda: journey.act(journey.officer, "request_complement", **reason)
    )
    path = f"/equivalence/applications/{journey.case_id}/complement"
    measured("complement", lambda: journey.post(path, journey.citizen, {"message": "ci-joints"}))
    journey.upload("expertise_report", journey.officer)
    journey.pump.drain()
    measured("refer", lambda: journey.act(journey.officer, "refer"))
    measured("queue_committee", lambda: journey.get("/equivalence/queue?state=with_committee", law))
    proposal = {
        "outcome": "equivalence",
        "national_diploma": "Licence fondamentale en droit privé",
        "assessment": ASSESSMENT,
    }
    measured("propose", lambda: journey.act(law, "propose", **proposal))
    order = {"order_number": f"B-{uuid.uuid4().hex[:6]}", "order_date": "2026-03-02"}
    measured("decide", lambda: journey.act(journey.officer, "decide", **order))
    bo = {"bo_number": "7480", "bo_date": "2026-03-20", "bo_page": 1523}
    measured("publish", lambda: journey.act(journey.officer, "publish", **bo))
    journey.pump.drain()
    measured("decision", lambda: journey.pdf("decision"))
    notified = {"received_on": datetime.now(UTC).date().isoformat(), "proof": "AR (bench)"}
    measured("record_receipt", lambda: journey.act(journey.officer, "record_receipt", **notified))
    review = {"reasons": "le volume horaire de la troisième année est complet"}
    path = f"/equivalence/applications/{journey.case_id}/review-request"
    measured("review_request", lambda: journey.post(path, journey.citizen, review))


def measure() -> Figures:
    with _local_stack() as key_dir:
        from chalice.test import Client

        import app as app_module
        from chalicelib.observability import logger
        from scripts.devtokens import mint
        from scripts.local_events import Pump
        from tests.e2e.equivalence.eq_support import Journey
        from tests.support.aws_calls import RECORDER

        logger.setLevel("WARNING")  # a log line per request would drown the figures

        def token(role: str, **claims: Any) -> str:
            return mint(role, directory=key_dir, **claims)

        figures: Figures = {}
        pump = Pump(app_module, dict(os.environ))
        with Client(app_module.app, stage_name="local") as client:
            for run in ("warm-up", "measured"):
                citizen = token("citizen", sub=f"bench-eq-{uuid.uuid4().hex[:8]}")
                officer = token("equivalence_officer", office="MESRSI")
                journey = Journey(client.http, pump, citizen, officer, token)

                def measured(name: str, call: Any, run: str = run) -> Any:
                    RECORDER.clear()
                    answer = call()
                    calls = list(RECORDER.calls)
                    if run == "measured":
                        count, ops = _dynamodb(calls)
                        figures[f"equivalence_files.{name}.dynamodb_calls"] = count
                        figures[f"equivalence_files.{name}.operations"] = ops
                        figures[f"equivalence_files.{name}.status"] = _status(answer)
                    return answer

                _journey(journey, measured)
    return figures


def _status(answer: Any) -> int:
    return int(getattr(answer, "status_code", 201))  # Journey.file returns the body (201)


def report(figures: dict[str, object]) -> list[str]:
    lines = [f"{'route':<46}{'who':<11}{'status':<8}dynamodb calls"]
    for key, label, who in ROUTES:
        prefix = f"equivalence_files.{key}"
        lines.append(
            f"{label:<46}{who:<11}{figures[f'{prefix}.status']!s:<8}"
            f"{figures[f'{prefix}.dynamodb_calls']} ({figures[f'{prefix}.operations']})"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(report(measure())))
