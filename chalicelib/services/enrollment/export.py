"""The Massar queue's consumer: an approved request's pupil registered in Massar.

A message may arrive twice (the stream and SQS deliver at least once) and Massar may be
down: a request already settled (a pupil code, or Massar's refusal) is never sent again,
Massar is called with the case id as idempotency key, and a transient failure raises so
that SQS delivers the message again (until its dead-letter queue, for an operator, after
repeated failures). Massar's refusal for good settles the request instead, in one
transition: ``massar_refused``, the reason kept and the guardian told. Massar is reached
through ``ports.py`` (the stage's by default; a stand-in of its own in unit tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.observability import logger
from chalicelib.refusals import LostRace
from chalicelib.services.enrollment import ports
from chalicelib.services.enrollment import service as enrollment
from chalicelib.services.enrollment.machines import ENROLLMENT
from chalicelib.services.enrollment.massar import MassarRefused
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case


def pupil_record(case: Case) -> dict[str, Any]:
    """What Massar takes: the pupil, the parents and guardian, the school and level."""
    application = case.payload["application"]
    return {
        "reference": case.reference,
        "school": case.office,
        "level": case.payload["level"],
        "school_year": case.payload["school_year"],
        "pupil": application["child"],
        "father": application["father"],
        "mother": application["mother"],
        "guardian_capacity": application["guardian_capacity"],
        "guardian": application.get("guardian"),
    }


def export_to_massar(message: Mapping[str, Any]) -> str:
    """Register the message's pupil in Massar; what happened (never personal data)."""
    if message.get("case_type") != ENROLLMENT.case_type or message.get("target") != "massar":
        logger.warning(
            "massar export: not a pre-registration", extra={"case_type": message.get("case_type")}
        )
        return "ignored"
    case = lifecycle.find(str(message.get("case_id", "")))
    if case is None:
        logger.warning("massar export: no such case", extra={"reference": message.get("reference")})
        return "ignored"
    if case.payload.get("massar_code") or case.state != "approved":
        return "already_registered" if case.payload.get("massar_code") else "settled"
    try:
        code = ports.massar().register(pupil_record(case), key=case.id)
    except MassarRefused as refused:
        return _refused(case, refused)
    try:
        enrollment.record_pupil_code(case, code)
    except LostRace:
        # Another delivery recorded it first; anything else is retried.
        if not lifecycle.load(case.id).payload.get("massar_code"):
            raise
        return "already_registered"
    logger.info("massar export: registered", extra={"reference": case.reference})
    return "registered"


def _refused(case: Case, refused: MassarRefused) -> str:
    try:
        enrollment.record_massar_refusal(case, refused.status, refused.reason)
    except LostRace:
        # Another delivery settled it first; anything else is retried.
        if lifecycle.load(case.id).state == "approved":
            raise
        return "settled"
    # Massar's words may name the pupil: the log keeps the status only.
    logger.warning(
        "massar export: refused", extra={"reference": case.reference, "status": refused.status}
    )
    return "refused"
