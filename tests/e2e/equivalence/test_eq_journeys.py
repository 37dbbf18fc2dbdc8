"""Equivalence files end to end, through HTTP with real tokens: granted; conditional with its
conditions met and the final order (art. 10); refused by registered letter then reviewed
within 60 days of the acknowledgement of receipt; a review refused on day 61; a complement
requested and missed (the timer's callback); not admissible (distance learning); the school
track's own procedure (seed 000); revoked after re-examination (art. 11), then contested.
Time moves by monkeypatching the engine's clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

import chalicelib.clock
from chalicelib.workflow import callbacks
from tests.e2e.equivalence.eq_support import (
    ACCOUNT,
    ASSESSMENT,
    PARTLY,
    REGION,
    Journey,
    mails_about,
    moment,
    sms_about,
)


def test_granted(journey: Journey) -> None:
    draft = journey.file()
    assert draft["state"] == "draft" and isinstance(draft["precedents"], list)
    kinds = {i["kind"]: i["required"] for i in draft["checklist"]}
    assert kinds["diploma"] and kinds["stay_proof"] and not kinds["expertise_report"]
    early = journey.submit()
    assert early.status_code == 409 and "not yet verified" in early.json_body["detail"]

    journey.upload_checklist()
    filed = journey.submit()
    assert filed.status_code == 200, filed.body
    body = filed.json_body
    assert body["state"] == "submitted" and body["admissibility"]["admissible"] is True
    assert body["acknowledgement"]["reference"] == journey.reference
    receipt = journey.get(body["acknowledgement"]["receipt"])
    assert receipt.status_code == 200 and receipt.json_body["reference"] == journey.reference
    assert journey.pdf("letter").status_code == 409

    queue = journey.get("/equivalence/queue?state=submitted&limit=100", journey.officer)
    assert journey.case_id in [i["id"] for i in queue.json_body["items"]]
    journey.to_committee("law")
    letter = journey.pdf("letter")
    assert letter.status_code == 200 and letter.body.startswith(b"%PDF"), letter.body

    law = journey.committee("law")
    other = journey.committee("health")
    # The committee holding the file reads it as the ministry does; another committee cannot.
    assert journey.get(f"/cases/{journey.case_id}", law).status_code == 200
    assert journey.get(f"/cases/{journey.case_id}", other).status_code == 404
    listed = journey.get("/equivalence/queue?limit=100", law).json_body["items"]
    assert journey.case_id in [i["id"] for i in listed]
    assert journey.case_id not in [
        i["id"] for i in journey.get("/equivalence/queue?limit=100", other).json_body["items"]
    ]
    # A committee may ask for a complementary file; the answer brings the file back to it.
    asked = journey.ok(law, "request_complement", reason="programme détaillé de la 3e année")
    assert asked["state"] == "complement_requested"
    answered = journey.post(
        f"/equivalence/applications/{journey.case_id}/complement",
        journey.citizen,
        {"message": "programme joint"},
    )
    assert answered.status_code == 200 and answered.json_body["state"] == "complement_received"
    assert journey.act(other, "propose", outcome="equivalence").status_code == 404
    incomplete = journey.act(law, "propose", outcome="equivalence")
    assert incomplete.status_code == 422
    fields = {e["field"] for e in incomplete.json_body["errors"]}
    assert {"body.assessment.curriculum", "body.national_diploma"} <= fields
    proposal = {
        "outcome": "equivalence",
        "national_diploma": "Licence fondamentale en droit privé",
        "assessment": ASSESSMENT,
    }
    assert journey.ok(law, "propose", **proposal)["state"] == "proposed"
    assert journey.act(journey.officer, "publish", bo_number="1", bo_date="2026-03-20").status_code
    assert journey.pdf("decision").status_code == 409  # not published yet
    granted = journey.decide_and_publish()
    assert granted["state"] == "granted"
    [decision] = granted["payload"]["decisions"]
    assert decision["bo"] == {"number": "7480", "date": "2026-03-20", "page": 1523}
    copy = journey.pdf("decision")
    assert copy.status_code == 200 and copy.body.startswith(b"%PDF")
    assert copy.headers["Content-Type"] == "application/pdf"

    shown = journey.view()
    events = [h["event"] for h in shown["history"]]
    for step in ("submit", "accept_file", "refer", "propose", "decide", "publish_equivalence"):
        assert step in events
    journey.pump.drain()
    assert len(mails_about(journey.reference)) >= 8
    assert len(sms_about(journey.reference)) >= 8


def test_conditional_with_conditions_met(journey: Journey) -> None:
    """Art. 7 (1): in health the exam first; after a failed evaluation exam, a clinical
    internship or a complementary training. Art. 10: once met, a new order says so, published
    like the first; until then the first order stands."""
    journey.filed(level="doctorate_medicine", training="health", title="Doctorat en médecine")
    journey.to_committee("health")
    health = journey.committee("health")
    proposal = {
        "outcome": "conditional",
        "national_diploma": "Doctorat en médecine",
        "assessment": PARTLY,
    }
    wrong = journey.act(health, "propose", **proposal, conditions=[{"kind": "internship"}])
    assert wrong.status_code == 422  # "internship" is the engineering condition, not health's
    early = journey.act(
        health,
        "propose",
        **proposal,
        conditions=[{"kind": "evaluation_exam"}, {"kind": "clinical_internship"}],
    )
    assert early.status_code == 422 and "only after a failed exam" in str(early.json_body)
    exam = [{"kind": "evaluation_exam", "detail": "examen d'évaluation en médecine interne"}]
    journey.ok(health, "propose", **proposal, conditions=exam)
    published = journey.decide_and_publish()
    assert published["state"] == "conditional"
    assert [c["met_on"] for c in published["payload"]["conditions"]] == [None]
    premature = journey.act(journey.officer, "decide", order_number="9", order_date="2026-06-01")
    assert premature.status_code == 409  # art. 10: the conditions are not met yet

    off = journey.act(
        journey.officer,
        "condition_failed",
        condition="evaluation_exam",
        failed_on="2026-06-01",
        remedy="complementary_training",
    )
    assert off.status_code == 200
    conditions = off.json_body["payload"]["conditions"]
    assert conditions[0]["failed_on"] == "2026-06-01" and not conditions[0]["met_on"]
    assert conditions[1]["kind"] == "complementary_training" and conditions[1]["after"]
    again = journey.act(
        journey.officer, "condition_met", condition="evaluation_exam", met_on="2026-06-02"
    )
    assert again.status_code == 409  # failed: its remedy is what is pending now
    met = journey.ok(
        journey.officer, "condition_met", condition="complementary_training", met_on="2026-12-01"
    )
    assert met["state"] == "conditional"  # the first order stands until the new one
    assert len(met["payload"]["decisions"]) == 1
    final = journey.ok(journey.officer, "decide", order_number="4321.26", order_date="2026-12-10")
    assert final["state"] == "decided" and final["payload"]["decided"]["outcome"] == "final"
    bo = {"bo_number": "7600", "bo_date": "2026-12-20", "bo_page": 88}
    granted = journey.ok(journey.officer, "publish", **bo)
    assert granted["state"] == "granted"
    first, second = granted["payload"]["decisions"]
    assert first["outcome"] == "conditional" and first["replaced_by"] == 2
    assert second["outcome"] == "final" and second["bo"]["number"] == "7600"
    assert [c["kind"] for c in second["conditions"]] == [
        "evaluation_exam",
        "complementary_training",
    ]
    copy = journey.pdf("decision")
    assert copy.status_code == 200


def test_conditional_equivalence_is_only_for_the_fields_of_article_7(journey: Journey) -> None:
    journey.filed()
    journey.to_committee("law")
    refused = journey.act(
        journey.committee("law"),
        "propose",
        outcome="conditional",
        national_diploma="Licence",
        assessment=PARTLY,
        conditions=[{"kind": "evaluation_exam"}],
    )
    assert refused.status_code == 422
    assert "only for" in str(refused.json_body["errors"])


def _refused(journey: Journey) -> dict[str, Any]:
    journey.filed()
    journey.to_committee("law")
    no_reason = journey.act(
        journey.committee("law"), "propose", outcome="refusal", assessment=ASSESSMENT
    )
    assert no_reason.status_code == 422
    return journey.refused(chalicelib.clock.now().date().isoformat())


def _receipt_recorded(journey: Journey, day: str) -> dict[str, Any]:
    return journey.ok(
        journey.officer, "record_receipt", received_on=day, proof="AR n° RR123456789MA"
    )


def test_refused_then_reviewed_within_60_days(
    journey: Journey, clock: Callable[[datetime], None]
) -> None:
    start = chalicelib.clock.now()
    _refused(journey)
    review_url = f"/equivalence/applications/{journey.case_id}/review-request"
    early = journey.post(review_url, journey.citizen, {"reasons": "Le volume horaire est complet"})
    assert early.status_code == 409 and early.json_body["refusal"] == "not_notified"
    clock(start + timedelta(days=5))
    notified = _receipt_recorded(journey, (start + timedelta(days=3)).date().isoformat())
    [window] = [c for c in notified["clocks"] if c["name"] == "review"]
    # 60 days from the acknowledgement's day (2 days ago), not from the recording
    assert window["days_left"] == 58 and "2-19-281" in window["legal_basis"]["fr"]

    clock(start + timedelta(days=45))
    asked = journey.post(review_url, journey.citizen, {"reasons": "Le volume horaire est complet"})
    assert asked.status_code == 200, asked.body
    assert asked.json_body["state"] == "review_requested"
    hec = journey.committee("HEC")
    listed = journey.get("/equivalence/queue?limit=100", hec).json_body["items"]
    assert journey.case_id in [i["id"] for i in listed]
    assert journey.act(journey.committee("law"), "propose", verdict="confirm").status_code == 404
    journey.ok(
        hec,
        "propose",
        verdict="change",
        outcome="equivalence",
        national_diploma="Licence fondamentale en droit privé",
        assessment=ASSESSMENT,
    )
    granted = journey.decide_and_publish(number="2001.26", bo_number="7530")
    assert granted["state"] == "granted"
    first, second = granted["payload"]["decisions"]
    assert (first["outcome"], second["outcome"]) == ("refusal", "equivalence")
    assert first["bo"] is None and first["registered_letter"]["number"] == "RR123456789MA"
    assert second["step"] == "review_requested" and second["bo"]["number"] == "7530"
    again = journey.post(review_url, journey.citizen, {"reasons": "encore une fois, svp"})
    assert again.status_code == 409 and again.json_body["refusal"] == "already_reviewed"


@pytest.mark.parametrize(("day", "status"), [(60, 200), (61, 409)])
def test_review_window_counts_from_the_acknowledgement_of_receipt(
    journey: Journey, clock: Callable[[datetime], None], day: int, status: int
) -> None:
    """Art. 6: 60 days from the notification: day 60 after the AR's date is in, day 61 out,
    whatever day the office recorded it."""
    start = chalicelib.clock.now()
    _refused(journey)
    received = start + timedelta(days=2)
    clock(start + timedelta(days=9))  # the AR came back and was recorded a week later
    _receipt_recorded(journey, received.date().isoformat())
    clock(received + timedelta(days=day))
    answer = journey.post(
        f"/equivalence/applications/{journey.case_id}/review-request",
        journey.citizen,
        {"reasons": "Le volume horaire est complet"},
    )
    assert answer.status_code == status, answer.body
    if status == 200:
        assert answer.json_body["state"] == "review_requested"
        assert answer.json_body["payload"]["review"]["of"] == 1
        hec = journey.committee("HEC")
        assert journey.get(f"/cases/{journey.case_id}", hec).status_code == 200
    else:
        problem = answer.json_body
        assert problem["type"] == "urn:khidmat:problem:review-window-closed"
        assert problem["refusal"] == "window_closed" and problem["review_until"]
        assert journey.view()["state"] == "refused"


def test_complement_requested_and_missed(
    journey: Journey, clock: Callable[[datetime], None]
) -> None:
    start = datetime.now(UTC)
    clock(start)
    journey.filed()
    asked = journey.ok(journey.officer, "request_complement", reason="relevés de la 2e année")
    [deadline] = asked["deadlines"]
    assert deadline["name"] == "complement_due" and deadline["days_left"] == 30
    journey.pump.drain()  # the stream starts the timer's execution

    clock(start + timedelta(days=31))
    message = {
        "case_id": journey.case_id,
        "deadline": "complement_due",
        "due_at": deadline["due_at"],
    }
    assert callbacks.timer_fired(message) == "fired"
    missed = journey.view()
    assert missed["state"] == "complement_missed"
    assert missed["history"][-1]["role"] == "system"
    late = journey.post(
        f"/equivalence/applications/{journey.case_id}/complement",
        journey.citizen,
        {"message": "trop tard"},
    )
    assert late.status_code == 409
    queue = journey.get("/equivalence/queue?state=complement_missed&limit=100", journey.officer)
    assert journey.case_id in [i["id"] for i in queue.json_body["items"]]
    closed = journey.ok(journey.officer, "close_file", reason="complément non fourni à temps")
    assert closed["state"] == "closed"


def test_not_admissible_distance_learning(journey: Journey) -> None:
    filed = journey.filed(mode="distance", institution_recognised=None)
    check = filed["admissibility"]
    assert check["admissible"] is False
    assert [r["code"] for r in check["reasons"]] == ["distance"]
    assert check["reasons"][0]["article"] == "2"
    assert check["flags"] == ["institution_not_recognised"]
    refused = journey.act(journey.officer, "accept_file")
    assert refused.status_code == 409 and "distance" in refused.json_body["detail"]
    declared = journey.ok(journey.officer, "declare_not_admissible")
    assert declared["state"] == "not_admissible"
    last = journey.view()["history"][-1]
    assert last["event"] == "declare_not_admissible" and "distance" in last["reason"]
    letter = journey.pdf("letter")
    assert letter.status_code == 200 and letter.body.startswith(b"%PDF")


def test_the_school_track_goes_to_the_ministry_of_education(journey: Journey, token: Any) -> None:
    """Seed 000: the MEN's own procedure, from filing to an acceptance letter, then the copy
    of the decision once published in the BO. No committee, no review, no decree 2.13.165."""
    filed = journey.filed(
        "school", level="baccalaureate", training="general", title="Baccalauréat français"
    )
    assert filed["office"] == "MEN" and filed["case_type"] == "equivalence_school"
    assert filed["admissibility"]["admissible"] is True
    mesrsi = journey.act(journey.officer, "accept_request", national_diploma="Bac")
    assert mesrsi.status_code == 404  # MESRSI's officer
    men = token("equivalence_officer", office="MEN")
    for foreign in ("accept_file", "refer", "request_expertise"):
        assert journey.act(men, foreign, reason="x").status_code == 404, foreign
    unnamed = journey.act(men, "accept_request")
    assert unnamed.status_code == 422 and "body.national_diploma" in str(unnamed.json_body)
    accepted = journey.ok(men, "accept_request", national_diploma="Baccalauréat marocain")
    assert accepted["state"] == "accepted"
    letter = journey.pdf("letter")
    assert letter.status_code == 200 and letter.body.startswith(b"%PDF")
    review = journey.post(
        f"/equivalence/applications/{journey.case_id}/review-request",
        journey.citizen,
        {"reasons": "je conteste cette décision"},
    )
    assert review.status_code == 409  # no seed gives the school track a review
    assert review.json_body["refusal"] == "no_review_procedure"
    bo = {"bo_number": "7490", "bo_date": "2026-04-02", "bo_page": 12}
    unordered = journey.act(men, "publish", **bo)
    assert unordered.status_code == 422 and "body.order_number" in str(unordered.json_body)
    published = journey.ok(men, "publish", order_number="55.26", order_date="2026-03-25", **bo)
    assert published["state"] == "published"
    assert [c["state"] for c in published["clocks"] if c["name"] == "decision"] == ["done"]
    copy = journey.pdf("decision")
    assert copy.status_code == 200 and copy.body.startswith(b"%PDF")
    shown = json.dumps(journey.view())
    assert "2.13.165" not in shown and "2-13-165" not in shown
    journey.pump.drain()
    from moto.ses.models import ses_backends

    mails = [
        m for m in ses_backends[ACCOUNT][REGION].sent_messages if journey.reference in m.subject
    ]
    assert len(mails) >= 3
    assert not any("2.13.165" in m.body or "2-13-165" in m.body for m in mails)
    assert not any("Commission" in m.body or "اللجنة" in m.body for m in mails)
    for pdf in (letter.body, copy.body):
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
        assert "2-13-165" not in text and "2.13.165" not in text


def test_revoked_after_reexamination_then_contested(
    journey: Journey, clock: Callable[[datetime], None]
) -> None:
    """Art. 11: revocation for a diploma found not authentic, from the day the committee
    established it (recorded with its finding), without prejudice to acquired rights; the
    revocation is itself contested (art. 6) before the Higher Committee."""
    journey.granted()
    reopened = journey.ok(
        journey.officer, "reopen", ground="not_authentic", reason="diplôme non authentique"
    )
    assert reopened["state"] == "reexamination"
    law = journey.committee("law")
    revocation = {"outcome": "revocation", "reason": "L'authentification du diplôme est infirmée"}
    future = (chalicelib.clock.now() + timedelta(days=2)).date().isoformat()
    assert journey.act(law, "propose", **revocation, established_on=future).status_code == 422
    before = journey.act(law, "propose", **revocation, established_on="2026-03-01")
    assert before.status_code == 422 and "body.established_on" in str(before.json_body)
    found = chalicelib.clock.now().date().isoformat()
    journey.ok(law, "propose", **revocation, established_on=found)
    revoked = journey.decide_and_publish(number="3003.26", bo_number="7550")
    assert revoked["state"] == "revoked"
    earlier, last = revoked["payload"]["decisions"]
    assert earlier["outcome"] == "equivalence" and earlier["revoked_from"] == found
    assert last["outcome"] == "revocation" and last["revoke_from"] == found
    assert last["finding"]["established_on"] == found and "infirmée" in last["finding"]["text"]
    events = [h["event"] for h in journey.view()["history"]]
    assert events.count("publish_equivalence") == 1 and "publish_revocation" in events
    assert moment(revoked["updated_at"]) <= datetime.now(UTC) + timedelta(days=1)

    notified = journey.ok(
        journey.officer,
        "record_receipt",
        received_on=found,
        proof="AR RR987654321MA",
        reason="Retrait notifié",
    )
    assert notified["state"] == "revoked"
    contested = journey.post(
        f"/equivalence/applications/{journey.case_id}/review-request",
        journey.citizen,
        {"reasons": "Le diplôme est authentique, voici l'attestation"},
    )
    assert contested.status_code == 200 and contested.json_body["state"] == "review_requested"
    hec = journey.committee("HEC")
    journey.ok(hec, "propose", verdict="confirm", reason="L'attestation ne suffit pas")
    upheld = journey.ok(journey.officer, "decide", reason="Retrait maintenu")
    assert upheld["state"] == "revoked"
    assert upheld["payload"]["decisions"][-1]["stands"] == 2
