"""The rules of an equivalence file (decree 2.13.165 as amended by 2.19.281 for the higher
track): admissibility, who works the file at each step, what a committee may propose, the
conditions of article 7, the review window and re-examination. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from chalicelib.services.equivalence.catalogue import CONDITIONAL_FIELDS, TRAININGS, refused_part

MOROCCO = "MA"
MODES = ("in_person", "distance", "correspondence")
HIGHER_COMMITTEE = "HEC"  # the Higher Equivalence Committee: it handles reviews
CASE_TYPES = {"school": "equivalence_school", "higher": "equivalence_higher"}

# Article 5: what a sector committee assesses.
CRITERIA = ("curriculum", "study_path", "admission_conditions", "supervision", "assessment")
RATINGS = ("meets", "partly_meets", "does_not_meet")
# Article 7: the conditions of a conditional equivalence, by field.
_HEALTH = ("evaluation_exam", "clinical_internship", "complementary_training")
_TECHNICAL = ("evaluation_exam", "internship", "complementary_training")
ART7_CONDITIONS: Mapping[str, tuple[str, ...]] = {
    "health": _HEALTH,
    "engineering": _TECHNICAL,
    "architecture": _TECHNICAL,
    "topography": _TECHNICAL,
}
# Re-examination of a granted equivalence.
GROUNDS = (
    "reference_diploma_changed",
    "training_no_longer_matching",
    "not_authentic",
    "material_error",
)
OUTCOMES = ("equivalence", "conditional", "refusal", "revocation")
VERDICTS = ("confirm", "change", "refuse")  # the Higher Equivalence Committee's
PUBLISH = {  # the decided outcome -> the transition that publishes it
    "equivalence": "publish_equivalence",
    "conditional": "publish_conditional",
    "refusal": "publish_refusal",
    "revocation": "publish_revocation",
}
# Where a file is worked by a committee rather than by the ministry's officers.
COMMITTEE_STATES = ("with_committee", "reexamination", "review_requested")

Errors = list[tuple[str, str]]  # (field, message)

# Article 2: why a higher-education diploma is not admissible, in the letter's languages.
_NOT_ADMISSIBLE = {
    "issued_in_morocco": {
        "ar": "شهادة أجنبية مسلمة داخل المغرب",
        "fr": "Diplôme étranger délivré au Maroc",
        "en": "Foreign diploma issued inside Morocco",
    },
    "prepared_in_morocco": {
        "ar": "شهادة أجنبية تم تحضيرها داخل المغرب",
        "fr": "Diplôme étranger préparé au Maroc",
        "en": "Foreign diploma prepared inside Morocco",
    },
    "distance": {
        "ar": "شهادة محضرة عن بعد",
        "fr": "Diplôme préparé à distance",
        "en": "Diploma prepared by distance learning",
    },
    "correspondence": {
        "ar": "شهادة محضرة بالمراسلة",
        "fr": "Diplôme préparé par correspondance",
        "en": "Diploma prepared by correspondence",
    },
}


def admissibility(track: str, diploma: Mapping[str, Any]) -> dict[str, Any]:
    """Article 2 (higher track): a foreign diploma prepared or issued inside Morocco, or by
    distance learning or correspondence, is not admissible. An institution its country does
    not recognise is flagged for the officer, who decides."""
    codes: list[str] = []
    if track == "higher":
        if diploma.get("institution_country") == MOROCCO:
            codes.append("issued_in_morocco")
        if diploma.get("study_country") == MOROCCO:
            codes.append("prepared_in_morocco")
        if diploma.get("mode") in ("distance", "correspondence"):
            codes.append(str(diploma["mode"]))
    flags = [] if diploma.get("institution_recognised") is True else ["institution_not_recognised"]
    reasons = [{"code": c, "article": "2", "titles": _NOT_ADMISSIBLE[c]} for c in codes]
    return {"admissible": not codes, "reasons": reasons, "flags": flags}


def not_admissible_reason(check: Mapping[str, Any]) -> str:
    """The reason an officer gives by default when article 2 refuses the file."""
    titles = [r["titles"]["fr"] for r in check.get("reasons", [])]
    return "Non recevable (décret 2.13.165, art. 2) : " + "; ".join(titles) if titles else ""


def working_state(state: str, payload: Mapping[str, Any]) -> str:
    """The step a file is at: while the applicant answers a request for complement, the
    step that asked for it."""
    if state in ("complement_requested", "complement_received", "complement_missed"):
        return str(payload.get("back_to", "submitted"))
    return state


def committee_of(state: str, payload: Mapping[str, Any]) -> str | None:
    """The committee that works the file now (its members' office), or None."""
    step = working_state(state, payload)
    if step == "review_requested":
        return HIGHER_COMMITTEE
    if step in ("with_committee", "reexamination"):
        return str(payload.get("committee") or field_of(payload))
    return None


def field_of(payload: Mapping[str, Any]) -> str:
    diploma = payload.get("diploma", {})
    return str(diploma.get("field") or diploma.get("training", ""))


def diploma_refusal(track: str, diploma: Mapping[str, Any]) -> tuple[str, str] | None:
    """None when the diploma's level, training and committee field go with the track, else
    which of them does not ("level", "training" or "field") and why."""
    refused = refused_part(track, diploma["level"], diploma["training"])
    if refused is not None:
        return refused
    field = diploma.get("field") or diploma["training"]
    if field not in fields_of(track):
        return "field", f"one of {', '.join(fields_of(track))} on the {track} track"
    return None


def fields_of(track: str) -> tuple[str, ...]:
    """The sector committees' fields of a track (its kinds of training)."""
    return tuple(k for k, v in TRAININGS.items() if track in v["tracks"])


def is_resumed_at(state: str, payload: Mapping[str, Any], *steps: str) -> bool:
    """The file is at one of ``steps``, or back from the applicant's complement to it."""
    if state == "complement_received":
        return payload.get("back_to") in steps
    return state in steps


# ---------------------------------------------------------------- proposals and decisions


def _assessment_errors(assessment: Mapping[str, Any]) -> Errors:
    errors: Errors = []
    for criterion in CRITERIA:
        entry = assessment.get(criterion)
        if not isinstance(entry, Mapping) or entry.get("rating") not in RATINGS:
            errors.append((f"assessment.{criterion}", f"rate it: one of {', '.join(RATINGS)}"))
    extra = set(assessment) - set(CRITERIA)
    if extra:
        errors.append(("assessment", f"article 5 has five criteria; unknown: {sorted(extra)}"))
    return errors


def allowed_outcomes(state: str, payload: Mapping[str, Any]) -> tuple[str, ...]:
    step = working_state(state, payload)
    if step == "reexamination":
        return ("equivalence", "conditional", "revocation")
    return ("equivalence", "conditional", "refusal")


def proposal_errors(
    state: str, payload: Mapping[str, Any], data: Mapping[str, Any], reason: str
) -> Errors:
    """What is wrong with a committee's proposal (empty when it may be made)."""
    step = working_state(state, payload)
    if step == "review_requested":
        verdict = data.get("verdict")
        if verdict not in VERDICTS:
            return [("verdict", f"the Higher Equivalence Committee: {', '.join(VERDICTS)}")]
        if verdict != "change":
            return [] if reason.strip() or verdict == "confirm" else [("reason", "give reasons")]
    errors = _assessment_errors(data.get("assessment") or {})
    outcome = data.get("outcome")
    if outcome not in allowed_outcomes(state, payload):
        allowed = ", ".join(allowed_outcomes(state, payload))
        return [*errors, ("outcome", f"one of: {allowed}")]
    if outcome in ("equivalence", "conditional") and not str(data.get("national_diploma", "")):
        errors.append(("national_diploma", "name the matching (or closest) national diploma"))
    if outcome == "conditional":
        errors += _condition_errors(payload, data.get("conditions") or [])
    elif data.get("conditions"):
        errors.append(("conditions", "only a conditional equivalence has conditions"))
    if outcome in ("refusal", "revocation") and not reason.strip():
        errors.append(("reason", f"a {outcome} must give its reasons"))
    if outcome == "revocation" and not _is_date(data.get("revoke_from")):
        errors.append(("revoke_from", "the date from which the equivalence is revoked"))
    return errors


def _condition_errors(payload: Mapping[str, Any], conditions: Sequence[Any]) -> Errors:
    field = field_of(payload)
    if field not in CONDITIONAL_FIELDS or payload.get("track") != "higher":
        fields = ", ".join(sorted(CONDITIONAL_FIELDS))
        return [("outcome", f"conditional equivalence (art. 7) is only for: {fields}")]
    allowed = ART7_CONDITIONS[field]
    kinds = [c.get("kind") if isinstance(c, Mapping) else None for c in conditions]
    if not kinds:
        return [("conditions", f"at least one of: {', '.join(allowed)}")]
    if any(k not in allowed for k in kinds) or len(set(kinds)) != len(kinds):
        return [("conditions", f"each once, among: {', '.join(allowed)} (art. 7, {field})")]
    return []


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def current_decision(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    decisions = payload.get("decisions") or []
    return dict(decisions[-1]) if decisions else None


def proposal(
    state: str, payload: Mapping[str, Any], data: Mapping[str, Any], reason: str, at: datetime
) -> dict[str, Any]:
    """The proposal as the file keeps it. A review the Higher Committee confirms or refuses
    leaves the earlier decision's content; only "change" brings a new one."""
    step = working_state(state, payload)
    verdict = data.get("verdict") if step == "review_requested" else None
    if verdict in ("confirm", "refuse"):
        earlier = current_decision(payload) or {}
        content = {k: earlier.get(k) for k in ("outcome", "national_diploma", "conditions")}
        content["reasons"] = reason.strip() or earlier.get("reasons", "")
    else:
        content = {
            "outcome": data["outcome"],
            "national_diploma": str(data.get("national_diploma", "")),
            "conditions": [
                {"kind": c["kind"], "detail": str(c.get("detail", ""))}
                for c in data.get("conditions") or []
            ],
            "reasons": reason.strip(),
        }
        if data.get("outcome") == "revocation":
            content["revoke_from"] = str(data["revoke_from"])
    return {
        **content,
        "assessment": dict(data.get("assessment") or {}),
        "committee": committee_of(state, payload),
        "step": step,
        "verdict": verdict,
        "proposed_at": at.isoformat(),
    }


def published(payload: Mapping[str, Any], bo: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    """The decision as published in the Official Bulletin: what ``decisions`` appends."""
    decided = dict(payload["decided"])
    number = len(payload.get("decisions") or []) + 1
    return {**decided, "number": number, "bo": dict(bo), "published_at": at.isoformat()}


def tracked_conditions(decision: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each condition of a conditional equivalence, tracked until met."""
    return [{**c, "met_on": None, "evidence": ""} for c in decision.get("conditions") or []]


def pending_conditions(payload: Mapping[str, Any]) -> list[str]:
    return [c["kind"] for c in payload.get("conditions") or [] if not c.get("met_on")]


def condition_met(
    payload: Mapping[str, Any], kind: str, met_on: str, evidence: str
) -> list[dict[str, Any]]:
    return [
        {**c, "met_on": met_on, "evidence": evidence} if c["kind"] == kind else dict(c)
        for c in payload.get("conditions") or []
    ]


# ---------------------------------------------------------------- the review window


def review_refusal(
    clocks: Mapping[str, Any], payload: Mapping[str, Any], at: datetime
) -> tuple[str, str] | None:
    """Why a review may not be asked now: (code, message), or None. The window is the
    review clock: 60 days from the decision's notification, its last day included."""
    decision = current_decision(payload)
    if decision is None:
        return ("no_decision", "there is no published decision to review")
    if decision.get("step") == "review_requested":
        return ("already_reviewed", "this decision already results from a review")
    raw = clocks.get("review")
    if not raw:
        return ("not_notified", "the decision's notification has not been recorded yet")
    due = raw.get("due_at")
    if raw.get("state") != "running" or not due or at > datetime.fromisoformat(due):
        return ("window_closed", f"the 60 days to ask for a review ended on {due}")
    return None
