"""The lifecycle rules of decree 2.13.165 (seed 002) and the MEN procedure (seed 000), each
through HTTP with real tokens (applicant, officers, committees, an outside expert):
the refusal of art. 6 (registered letter, no BO, the acknowledgement's day), outcomes that
follow the art. 5 criteria, art. 7 conditions per field, art. 11 re-examination, art. 12
expertise, art. 6 special committees and experts, and the decision clock of both tracks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from moto.ses.models import ses_backends
from pypdf import PdfReader

import chalicelib.clock
from chalicelib.api.problems import status_of
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.equivalence import service as eq_service
from chalicelib.workflow import callbacks
from tests.e2e.equivalence.eq_support import (
    ACCOUNT,
    ASSESSMENT,
    NOT_MET,
    PARTLY,
    REGION,
    Journey,
)


def _fields(answer: Any) -> set[str]:
    return {e["field"] for e in answer.json_body.get("errors", [])}


def _clock(view: dict[str, Any], name: str = "decision") -> dict[str, Any]:
    return next(c for c in view["clocks"] if c["name"] == name)


def _today() -> str:
    return chalicelib.clock.now().date().isoformat()


# ---------------------------------------------------------------- art. 6: the refusal


def test_a_refusal_is_a_registered_letter_not_an_order(journey: Journey) -> None:
    journey.filed()
    journey.to_committee("law")
    journey.ok(
        journey.committee("law"),
        "propose",
        outcome="refusal",
        assessment=NOT_MET,
        reason="Volume horaire insuffisant",
    )
    letter = {"registered_letter": "RR1MA", "decision_date": _today()}
    with_bo = journey.act(journey.officer, "decide", **letter, bo_number="7480", bo_page=3)
    assert with_bo.status_code == 422 and {"body.bo_number", "body.bo_page"} <= _fields(with_bo)
    as_order = journey.act(journey.officer, "decide", **letter, order_number="12.26")
    assert as_order.status_code == 422 and "body.order_number" in _fields(as_order)
    no_letter = journey.act(journey.officer, "decide", decision_date=_today())
    assert no_letter.status_code == 422 and "body.registered_letter" in _fields(no_letter)
    later = (chalicelib.clock.now() + timedelta(days=3)).date().isoformat()
    future = journey.act(journey.officer, "decide", registered_letter="RR1MA", decision_date=later)
    assert future.status_code == 422 and "body.decision_date" in _fields(future)

    refused = journey.ok(journey.officer, "decide", **letter)
    assert refused["state"] == "refused"
    [decision] = refused["payload"]["decisions"]
    assert decision["bo"] is None and decision["unmet_criteria"] == ["curriculum"]
    assert decision["registered_letter"] == {"number": "RR1MA", "acknowledgement": True}
    reason = journey.view()["history"][-1]["reason"]
    assert "critères de l'article 5 non remplis : programmes et contenus" in reason
    assert _clock(refused)["state"] == "done"  # the decision clock stops at the decision
    publish = {"bo_number": "7480", "bo_date": _today(), "bo_page": 3}
    assert journey.act(journey.officer, "publish", **publish).status_code == 409

    pdf = journey.pdf("letter")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body)).pages)
    assert "recommandée" in text and "60 jours" in text and "n'est pas publié" in text
    assert "programmes et contenus" in text
    journey.pump.drain()
    [mail] = [
        m
        for m in ses_backends[ACCOUNT][REGION].sent_messages
        if journey.reference in m.subject and "refus" in m.subject
    ]
    assert "article 6" in mail.body and "lettre recommandée" in mail.body
    assert "60 jours à compter de la réception" in mail.body
    assert "programmes et contenus" in mail.body  # the criterion not met, named
    assert "pas publié au Bulletin officiel" in mail.body


@pytest.mark.parametrize(("shift", "why"), [(1, "future"), (-1, "before the decision")])
def test_the_acknowledgement_day_is_neither_future_nor_before_the_decision(
    journey: Journey, clock: Callable[[datetime], None], shift: int, why: str
) -> None:
    start = chalicelib.clock.now()
    journey.refused(_today())
    day = (start + timedelta(days=shift)).date().isoformat()
    answer = journey.act(journey.officer, "record_receipt", received_on=day, proof="AR")
    assert answer.status_code == 422 and _fields(answer) == {"body.received_on"}
    assert why in answer.json_body["detail"]


def test_without_an_acknowledgement_the_first_presentation_opens_the_window(
    journey: Journey, clock: Callable[[datetime], None]
) -> None:
    start = chalicelib.clock.now()
    journey.refused(_today())
    clock(start + timedelta(days=20))
    notified = journey.ok(
        journey.officer,
        "record_receipt",
        received_on=(start + timedelta(days=4)).date().isoformat(),
        notified_by="first_presentation",
        proof="suivi La Poste: avisé le J+4, non réclamé",
    )
    assert notified["payload"]["notification"]["by"] == "first_presentation"
    assert _clock(notified, "review")["days_left"] == 44
    twice = journey.act(journey.officer, "record_receipt", received_on=_today(), proof="AR")
    assert twice.status_code == 409


# ---------------------------------------------------------------- art. 5: outcome and criteria


def test_the_outcome_follows_the_five_criteria(journey: Journey) -> None:
    journey.filed()
    journey.to_committee("law")
    law = journey.committee("law")
    grant = {"outcome": "equivalence", "national_diploma": "Licence fondamentale"}
    unmet = journey.act(law, "propose", **grant, assessment=NOT_MET)
    assert unmet.status_code == 422 and "body.outcome" in _fields(unmet)
    assert "curriculum" in str(unmet.json_body["errors"])
    refusal = journey.act(law, "propose", outcome="refusal", assessment=ASSESSMENT, reason="x")
    assert refusal.status_code == 422 and "body.assessment" in _fields(refusal)
    # the domain refuses it too when the schema is bypassed (the raw service call)
    committee = Principal("raw-law", "staff", frozenset({"committee_member"}), "law")
    with pytest.raises(Refusal) as raised:
        eq_service.perform(
            committee, journey.case_id, "propose", {**grant, "assessment": NOT_MET}, "raw"
        )
    assert status_of(raised.value) == 422


# ---------------------------------------------------------------- art. 7: conditions per field


def test_engineering_conditions_are_the_exam_or_internship_and_training(journey: Journey) -> None:
    journey.filed(
        level="engineer", training="engineering", title="Diplôme d'ingénieur", study_years=5
    )
    journey.to_committee("engineering")
    engineering = journey.committee("engineering")
    proposal = {"outcome": "conditional", "national_diploma": "Ingénieur d'État"}
    both = journey.act(
        engineering,
        "propose",
        **proposal,
        assessment=PARTLY,
        conditions=[{"kind": "evaluation_exam"}, {"kind": "internship"}],
    )
    assert both.status_code == 422 and "either" in str(both.json_body["errors"])
    clinical = journey.act(
        engineering,
        "propose",
        **proposal,
        assessment=PARTLY,
        conditions=[{"kind": "clinical_internship"}],
    )
    assert clinical.status_code == 422
    journey.ok(
        engineering,
        "propose",
        **proposal,
        assessment=PARTLY,
        conditions=[{"kind": "internship"}, {"kind": "complementary_training"}],
    )
    conditional = journey.decide_and_publish()
    assert conditional["state"] == "conditional"
    no_remedy = journey.act(
        journey.officer,
        "condition_failed",
        condition="internship",
        failed_on=_today(),
        remedy="clinical_internship",
    )
    assert no_remedy.status_code == 422 and "body.condition" in _fields(no_remedy)


# ---------------------------------------------------------------- art. 11: re-examination


def test_reexamination_only_on_the_grounds_of_article_11(journey: Journey) -> None:
    journey.granted()
    bad = journey.act(journey.officer, "reopen", ground="applicant_unhappy", reason="x")
    assert bad.status_code == 422 and "body.ground" in _fields(bad)
    officer = Principal("raw-officer", "staff", frozenset({"equivalence_officer"}), "MESRSI")
    raw = {"ground": "applicant_unhappy", "reason": "sent raw, past the schema"}
    with pytest.raises(Refusal) as raised:
        eq_service.perform(officer, journey.case_id, "reopen", raw, "raw")
    assert status_of(raised.value) == 409 and "art. 11" in str(raised.value.detail)
    assert journey.view()["state"] == "granted"


def test_a_material_error_is_no_ground_to_revoke_and_the_order_may_stand(
    journey: Journey,
) -> None:
    journey.granted()
    journey.ok(journey.officer, "reopen", ground="material_error", reason="erreur de date")
    law = journey.committee("law")
    revoke = journey.act(
        law, "propose", outcome="revocation", established_on=_today(), reason="erreur"
    )
    assert revoke.status_code == 422 and "body.outcome" in _fields(revoke)
    journey.ok(
        law, "propose", outcome="confirmation", assessment=ASSESSMENT, reason="aucune erreur"
    )
    with_order = journey.act(journey.officer, "decide", order_number="1", order_date=_today())
    assert with_order.status_code == 422  # it stands: no new order
    upheld = journey.ok(journey.officer, "decide")
    assert upheld["state"] == "granted"
    _first, second = upheld["payload"]["decisions"]
    assert second["stands"] == 1 and second["bo"] is None and second["step"] == "reexamination"
    # the re-examination's decision is itself contestable (art. 6)
    notified = journey.ok(journey.officer, "record_receipt", received_on=_today(), proof="AR")
    assert notified["state"] == "granted"
    asked = journey.post(
        f"/equivalence/applications/{journey.case_id}/review-request",
        journey.citizen,
        {"reasons": "je conteste le maintien de la date"},
    )
    assert asked.status_code == 200 and asked.json_body["state"] == "review_requested"


def test_a_changed_national_diploma_brings_a_new_order(journey: Journey) -> None:
    journey.granted()
    journey.ok(
        journey.officer, "reopen", ground="reference_diploma_changed", reason="nouvelle licence"
    )
    journey.ok(
        journey.committee("law"),
        "propose",
        outcome="equivalence",
        national_diploma="Licence d'études fondamentales en droit (nouveau régime)",
        assessment=ASSESSMENT,
    )
    replaced = journey.decide_and_publish(number="5005.26", bo_number="7600")
    assert replaced["state"] == "granted"
    first, second = replaced["payload"]["decisions"]
    assert first["replaced_by"] == 2 and second["step"] == "reexamination"


# ---------------------------------------------------------------- art. 12: the expertise


def test_a_file_goes_to_its_committee_with_the_report_or_its_request(journey: Journey) -> None:
    journey.filed()
    journey.ok(journey.officer, "accept_file")
    bare = journey.act(journey.officer, "refer")
    assert bare.status_code == 409 and "art. 12" in bare.json_body["detail"]
    no_reason = journey.act(journey.officer, "request_expertise")
    assert no_reason.status_code == 422
    before = _clock(journey.view(journey.officer))
    asked = journey.ok(journey.officer, "request_expertise", reason="programme atypique")
    after = _clock(asked)
    assert after["extended_by"] == 30 and before["extended_by"] == 0
    assert after["days_left"] == before["days_left"] + 30
    again = journey.act(journey.officer, "request_expertise", reason="encore")
    assert again.status_code == 409 and again.json_body["refusal"] == "already_extended"
    assert journey.ok(journey.officer, "refer")["state"] == "with_committee"


# ---------------------------------------------------------------- art. 6: special committee, expert


def test_a_special_committee_or_an_expert_reads_the_file_as_the_committee(
    journey: Journey,
) -> None:
    journey.filed()
    journey.to_committee("law")
    law, expert = journey.committee("law"), journey.committee("EXP-LAW-7")
    path = f"/cases/{journey.case_id}"
    assert journey.get(path, expert).status_code == 404
    unasked = journey.act(law, "consult", kind="expert", guest="EXP-LAW-7", reason="droit comparé")
    assert unasked.status_code == 422 and "body.chair" in _fields(unasked)
    consulted = journey.ok(
        law,
        "consult",
        kind="expert",
        guest="EXP-LAW-7",
        chair="Pr. Alaoui, président de la commission",
        reason="équivalence des crédits de droit comparé",
    )
    assert consulted["state"] == "with_committee"
    [entry] = consulted["payload"]["consulted"]
    assert entry["by"] == "law" and entry["question"].startswith("équivalence")
    assert journey.get(path, expert).status_code == 200
    assert journey.get(f"/cases/{journey.case_id}/documents", expert).status_code in (200, 405)
    assert journey.act(expert, "propose", outcome="equivalence").status_code == 404
    journey.ok(
        law,
        "propose",
        outcome="equivalence",
        national_diploma="Licence fondamentale en droit privé",
        assessment=ASSESSMENT,
    )
    assert journey.get(path, expert).status_code == 404  # the committee no longer holds it


# ---------------------------------------------------------------- the decision clock


@pytest.mark.parametrize(
    ("track", "changes", "office"),
    [
        ("higher", {}, "MESRSI"),
        (
            "school",
            {"level": "bts", "training": "technical", "title": "BTS électrotechnique"},
            "MEN",
        ),
    ],
)
def test_the_decision_clock_pauses_for_a_complement_and_resumes(
    journey: Journey,
    clock: Callable[[datetime], None],
    token: Any,
    track: str,
    changes: dict[str, Any],
    office: str,
) -> None:
    officer = token("equivalence_officer", office=office)
    start = chalicelib.clock.now()
    filed = journey.filed(track, **changes)
    running = _clock(filed)
    assert running["state"] == "running" and running["days_left"] == 60
    assert running["silence_is_consent"] is False
    due = datetime.fromisoformat(running["due_at"])

    clock(start + timedelta(days=10))
    asked = journey.ok(officer, "request_complement", reason="relevés de notes manquants")
    paused = _clock(asked)
    assert paused["state"] == "paused" and paused["due_at"] is None
    assert paused["days_left"] == 50

    clock(start + timedelta(days=17))
    assert _clock(journey.view())["days_left"] == 50  # it does not run while paused
    answered = journey.post(
        f"/equivalence/applications/{journey.case_id}/complement",
        journey.citizen,
        {"message": "relevés joints"},
    )
    assert answered.status_code == 200, answered.body
    resumed = _clock(answered.json_body)
    assert resumed["state"] == "running" and resumed["days_left"] == 50
    moved = datetime.fromisoformat(resumed["due_at"]) - due  # the 7 paused days (the zone's
    assert round(moved / timedelta(days=1)) == 7  # offset may change in Ramadan)


def test_a_reexamination_is_never_closed_while_the_order_stands(
    journey: Journey, clock: Callable[[datetime], None]
) -> None:
    """Art. 11: a missed complement does not close a re-examination; the committee decides."""
    start = chalicelib.clock.now()
    journey.granted()
    journey.ok(journey.officer, "reopen", ground="material_error", reason="date erronée")
    law = journey.committee("law")
    asked = journey.ok(law, "request_complement", reason="copie certifiée du diplôme")
    [deadline] = [d for d in asked["deadlines"] if d["name"] == "complement_due"]
    clock(start + timedelta(days=31))
    message = {
        "case_id": journey.case_id,
        "deadline": "complement_due",
        "due_at": deadline["due_at"],
    }
    assert callbacks.timer_fired(message) == "fired"
    assert journey.view()["state"] == "complement_missed"
    closed = journey.act(journey.officer, "close_file", reason="complément non fourni")
    assert closed.status_code == 409 and "stands" in closed.json_body["detail"]
    journey.ok(law, "propose", outcome="confirmation", assessment=ASSESSMENT, reason="rien")
    assert journey.ok(journey.officer, "decide")["state"] == "granted"
