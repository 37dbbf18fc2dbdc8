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

# Article 5 (seed 002): what a sector committee assesses.
CRITERIA = ("curriculum", "study_path", "admission_conditions", "supervision", "assessment")
RATINGS = ("meets", "partly_meets", "does_not_meet")
CRITERIA_TITLES: Mapping[str, Mapping[str, str]] = {
    "curriculum": {"ar": "البرامج والمناهج", "fr": "programmes et contenus", "en": "curriculum"},
    "study_path": {"ar": "المسار الدراسي", "fr": "cursus d'études", "en": "study path"},
    "admission_conditions": {
        "ar": "شروط الولوج",
        "fr": "conditions d'accès",
        "en": "admission conditions",
    },
    "supervision": {
        "ar": "التأطير البيداغوجي",
        "fr": "encadrement pédagogique",
        "en": "teaching supervision",
    },
    "assessment": {"ar": "نظام التقييم", "fr": "système d'évaluation", "en": "assessment system"},
}
_UNMET = {
    "ar": "المعايير غير المستوفاة (المادة 5): ",
    "fr": "critères de l'article 5 non remplis : ",
    "en": "article 5 criteria not met: ",
}
# Article 7 (seed 002): the conditions of a conditional equivalence, in the four fields only,
# as the article lists them. ``first``: what a proposal may impose; ``after_failed``: what
# the applicant may do instead once an exam is failed (health, 1 (b): a certified clinical
# internship or a successful complementary training, after the specialised committee's
# evaluation exam); ``alternatives``: groups a proposal takes from one only (engineering,
# architecture, topography: either the evaluation exam, or a certified internship and/or a
# complementary training ending with a passed exam).
_TECHNICAL: Mapping[str, Any] = {
    "source": "seed 002, art. 7 (2)",
    "first": ("evaluation_exam", "internship", "complementary_training"),
    "after_failed": {},
    "alternatives": (("evaluation_exam",), ("internship", "complementary_training")),
}
ART7: Mapping[str, Mapping[str, Any]] = {
    "health": {
        "source": "seed 002, art. 7 (1)",
        "first": ("doctor_exam", "evaluation_exam"),
        "after_failed": {"evaluation_exam": ("clinical_internship", "complementary_training")},
        "alternatives": (),
    },
    "engineering": _TECHNICAL,
    "architecture": _TECHNICAL,
    "topography": _TECHNICAL,
}
ART7_CONDITIONS: Mapping[str, tuple[str, ...]] = {
    field: (*rule["first"], *(k for ks in rule["after_failed"].values() for k in ks))
    for field, rule in ART7.items()
}
# Article 11 (seed 002): what opens a re-examination, and the two that allow a revocation.
GROUNDS = (
    "reference_diploma_changed",
    "training_no_longer_matching",
    "not_authentic",
    "material_error",
)
REVOCATION_GROUNDS = ("training_no_longer_matching", "not_authentic")
# "confirmation": a re-examination that leaves the order standing (it ends with a decision).
OUTCOMES = ("equivalence", "conditional", "refusal", "revocation", "confirmation")
ORDERS = ("equivalence", "conditional", "revocation", "final")  # art. 10: by order, in the BO
VERDICTS = ("confirm", "change", "refuse")  # the Higher Equivalence Committee's
PUBLISH = {  # the ordered outcome -> the transition that publishes it
    "equivalence": "publish_equivalence",
    "conditional": "publish_conditional",
    "revocation": "publish_revocation",
    "final": "publish_final",
}
STANDING = {  # a decision that stands (confirmed) -> the transition back to its state
    "equivalence": "maintain_granted",
    "final": "maintain_granted",
    "conditional": "maintain_conditional",
    "revocation": "maintain_revoked",
    "refusal": "refuse",
}
# Article 6 (seed 002): how a decision reached its addressee. A refusal goes by registered
# letter with acknowledgement of receipt; when no acknowledgement comes back, the office
# records the day the post first presented the letter (our rule, docs/equivalence.md).
NOTIFIED_BY = ("acknowledgement_of_receipt", "first_presentation")
# Article 12 (seed 002): committees rest on the expertise reports of the national quality
# agency (law 80.12). Asking for one extends the decision clock once, by a length no seed
# states.
EXPERTISE_EXTENSION_DAYS = 30
EXPERTISE_EXTENSION_SOURCE = "unverified (seed 002, art. 12 names the report, not a delay)"
CONSULTED = ("special_committee", "expert")  # art. 6, last paragraph
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


def consulted_by(payload: Mapping[str, Any], committee: str) -> list[dict[str, Any]]:
    """The special committees and experts ``committee`` consulted on this file (art. 6)."""
    return [dict(g) for g in payload.get("consulted") or [] if g.get("by") == committee]


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
    """The file is at one of ``steps``, or back from the applicant's complement to it (or
    from the complement's missed deadline: the step then decides on what it has)."""
    if state in ("complement_received", "complement_missed"):
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


def unmet_criteria(assessment: Mapping[str, Any]) -> list[str]:
    """The article 5 criteria rated not met."""
    return [c for c in CRITERIA if _rating(assessment, c) == "does_not_meet"]


def _rating(assessment: Mapping[str, Any], criterion: str) -> Any:
    entry = assessment.get(criterion)
    return entry.get("rating") if isinstance(entry, Mapping) else None


def _consistency_errors(outcome: str, assessment: Mapping[str, Any]) -> Errors:
    """Art. 6: the outcome follows the art. 5 criteria. A refusal names at least one
    criterion not met; an equivalence (or a confirmation) has none; a conditional one
    (art. 7: training not sufficient or not complete) has at least one not fully met."""
    unmet = unmet_criteria(assessment)
    if outcome == "refusal" and not unmet:
        return [("assessment", "a refusal (art. 6) names at least one art. 5 criterion not met")]
    if outcome in ("equivalence", "confirmation") and unmet:
        return [("outcome", f"art. 5 criteria not met ({', '.join(unmet)}): not an {outcome}")]
    partial = [c for c in CRITERIA if _rating(assessment, c) != "meets"]
    if outcome == "conditional" and not partial:
        return [("outcome", "every criterion is met: equivalence, not a conditional one (art. 7)")]
    return []


def allowed_outcomes(state: str, payload: Mapping[str, Any]) -> tuple[str, ...]:
    step = working_state(state, payload)
    if step == "reexamination":  # art. 11: a new equivalence, the revocation, or it stands
        return ("confirmation", "equivalence", "conditional", "revocation")
    return ("equivalence", "conditional", "refusal")


def proposal_errors(
    state: str,
    payload: Mapping[str, Any],
    data: Mapping[str, Any],
    reason: str,
    today: date | None = None,
) -> Errors:
    """What is wrong with a committee's proposal (empty when it may be made)."""
    verdict = _verdict_errors(state, payload, data, reason)
    if verdict is not None:
        return verdict
    outcome = data.get("outcome")
    if outcome not in allowed_outcomes(state, payload):
        allowed = ", ".join(allowed_outcomes(state, payload))
        return [("outcome", f"one of: {allowed}")]
    assessment = data.get("assessment") or {}
    errors: Errors = []
    if outcome != "revocation" or assessment:
        errors += _assessment_errors(assessment)
        errors += [] if errors else _consistency_errors(str(outcome), assessment)
    if outcome in ("equivalence", "conditional") and not str(data.get("national_diploma", "")):
        errors.append(("national_diploma", "name the matching (or closest) national diploma"))
    if outcome == "conditional":
        errors += condition_errors(payload, data.get("conditions") or [])
    elif data.get("conditions"):
        errors.append(("conditions", "only a conditional equivalence has conditions"))
    if outcome in ("refusal", "revocation") and not reason.strip():
        errors.append(("reason", f"a {outcome} must give its reasons"))
    if outcome == "revocation":
        errors += revocation_errors(payload, data, today)
    return errors


def _verdict_errors(
    state: str, payload: Mapping[str, Any], data: Mapping[str, Any], reason: str
) -> Errors | None:
    """A review's verdict (arts. 6, 8): None when a new outcome is to be checked."""
    if working_state(state, payload) != "review_requested":
        return None
    verdict = data.get("verdict")
    if verdict not in VERDICTS:
        return [("verdict", f"the Higher Equivalence Committee: {', '.join(VERDICTS)}")]
    if verdict != "change":
        return [] if reason.strip() or verdict == "confirm" else [("reason", "give reasons")]
    return None


def revocation_errors(
    payload: Mapping[str, Any], data: Mapping[str, Any], today: date | None
) -> Errors:
    """Art. 11: a revocation only for a training found not conforming or a diploma found not
    authentic, from the day the committee established it: not in the future, not before the
    order it revokes."""
    ground = (payload.get("reexamination") or {}).get("ground")
    if ground not in REVOCATION_GROUNDS:
        allowed = " or ".join(REVOCATION_GROUNDS)
        return [("outcome", f"art. 11 revokes only on {allowed}, not on {ground!r}")]
    established = _date(data.get("established_on"))
    if established is None:
        return [("established_on", "the day the committee established it (art. 11)")]
    if today is not None and established > today:
        return [("established_on", "a finding cannot be dated in the future")]
    order = _date(((current_decision(payload) or {}).get("order") or {}).get("date"))
    if order is not None and established < order:
        return [("established_on", f"before the order it revokes ({order.isoformat()})")]
    return []


def condition_errors(payload: Mapping[str, Any], conditions: Sequence[Any]) -> Errors:
    """Art. 7: conditions only in its four fields, each field's own, in its order."""
    field = field_of(payload)
    if field not in CONDITIONAL_FIELDS or payload.get("track") != "higher":
        fields = ", ".join(sorted(CONDITIONAL_FIELDS))
        return [("outcome", f"conditional equivalence (art. 7) is only for: {fields}")]
    rule = ART7[field]
    kinds = [c.get("kind") if isinstance(c, Mapping) else None for c in conditions]
    if not kinds:
        return [("conditions", f"at least one of: {', '.join(rule['first'])}")]
    later = [k for k in kinds if k in ART7_CONDITIONS[field] and k not in rule["first"]]
    if later:
        return [
            (
                "conditions",
                f"{', '.join(map(str, later))}: only after a failed exam ({rule['source']})",
            )
        ]
    if any(k not in rule["first"] for k in kinds) or len(set(kinds)) != len(kinds):
        return [("conditions", f"each once, among: {', '.join(rule['first'])} ({rule['source']})")]
    groups = [g for g in rule["alternatives"] if set(g) & set(kinds)]
    if len(groups) > 1:
        return [
            (
                "conditions",
                f"either {' or '.join('/'.join(g) for g in rule['alternatives'])}"
                f", not both ({rule['source']})",
            )
        ]
    return []


def remedy_errors(payload: Mapping[str, Any], kind: str, remedy: str) -> Errors:
    """After a failed exam, what art. 7 lets the applicant do instead (health only)."""
    rule = ART7.get(field_of(payload), {})
    remedies = rule.get("after_failed", {}).get(kind)
    if not remedies:
        return [("condition", f"art. 7 gives no remedy after failing {kind!r} in this field")]
    if kind not in pending_conditions(payload):
        return [("condition", f"{kind!r} is not pending")]
    if remedy not in remedies:
        return [("remedy", f"one of: {', '.join(remedies)} ({rule['source']})")]
    return []


def failed_condition(
    payload: Mapping[str, Any], kind: str, failed_on: str, remedy: str
) -> list[dict[str, Any]]:
    """The failed exam is kept (failed, not met) and the remedy becomes the pending one."""
    kept = [
        {**c, "failed_on": failed_on} if c["kind"] == kind and not c.get("met_on") else dict(c)
        for c in payload.get("conditions") or []
    ]
    return [*kept, {"kind": remedy, "detail": "", "after": kind, "met_on": None, "evidence": ""}]


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def refusal_reasons(reasons: str, unmet: Sequence[str], language: str) -> str:
    """Art. 6 (3): the refusal's reasons, naming the art. 5 criteria not met, in the
    applicant's language."""
    lang = language if language in _UNMET else "fr"
    named = ", ".join(CRITERIA_TITLES[c][lang] for c in unmet if c in CRITERIA_TITLES)
    return f"{reasons.strip()} ({_UNMET[lang]}{named})" if named else reasons.strip()


def decision_day(decision: Mapping[str, Any]) -> date | None:
    """The day a decision was taken: its order's date, or a refusal's date."""
    return _date((decision.get("order") or {}).get("date") or decision.get("decision_date"))


def notification_errors(payload: Mapping[str, Any], received_on: Any, today: date) -> Errors:
    """Art. 6: the window opens at the notification; its recorded day is neither in the
    future nor before the decision it notifies."""
    day = _date(received_on)
    if day is None:
        return [("received_on", "a date (YYYY-MM-DD)")]
    if day > today:
        return [("received_on", "the notification cannot be dated in the future")]
    decided = decision_day(current_decision(payload) or {})
    if decided is not None and day < decided:
        return [("received_on", f"before the decision it notifies ({decided.isoformat()})")]
    return []


def expertise_ready(payload: Mapping[str, Any], report_verified: bool) -> str | None:
    """Art. 12: a file goes to a committee with the agency's expertise report, or with the
    recorded request for one."""
    if report_verified or payload.get("expertise", {}).get("requested_at"):
        return None
    return "art. 12: attach the expertise report (law 80.12 agency) or record its request"


def closing_refusal(payload: Mapping[str, Any]) -> str | None:
    """A file is closed for a missed complement only before any decision: a review or a
    re-examination ends with a decision (arts. 6, 11), never closed while one stands."""
    decision = current_decision(payload)
    if decision is None:
        return None
    return f"decision {decision.get('number')} stands: the committee decides on what it has"


def reexamination_refusal(ground: Any) -> str | None:
    """Art. 11: only its grounds open a re-examination."""
    if ground in GROUNDS:
        return None
    return f"art. 11 re-examines only on: {', '.join(GROUNDS)} (not {ground!r})"


def consultation_errors(data: Mapping[str, Any]) -> Errors:
    """Art. 6, last paragraph: a special committee or a qualified person, at the chair's
    request."""
    errors: Errors = []
    if data.get("kind") not in CONSULTED:
        errors.append(("kind", f"one of: {', '.join(CONSULTED)}"))
    if not str(data.get("guest") or "").strip():
        errors.append(("guest", "the code of the special committee or the expert"))
    if not str(data.get("chair") or "").strip():
        errors.append(("chair", "the committee's chair who asked for it (art. 6)"))
    return errors


def current_decision(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    decisions = payload.get("decisions") or []
    return dict(decisions[-1]) if decisions else None


def proposal(
    state: str, payload: Mapping[str, Any], data: Mapping[str, Any], reason: str, at: datetime
) -> dict[str, Any]:
    """The proposal as the file keeps it. A review the Higher Committee confirms or refuses,
    and a re-examination that confirms, leave the earlier decision standing (``stands``);
    only "change" or a new outcome brings a new one."""
    step = working_state(state, payload)
    verdict = data.get("verdict") if step == "review_requested" else None
    if verdict in ("confirm", "refuse") or data.get("outcome") == "confirmation":
        earlier = current_decision(payload) or {}
        keys = ("outcome", "national_diploma", "conditions", "unmet_criteria", "revoke_from")
        content = {k: earlier.get(k) for k in keys if k in earlier}
        content["reasons"] = reason.strip() or earlier.get("reasons", "")
        content["stands"] = earlier.get("number")
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
        if data.get("outcome") == "refusal":  # art. 6 (3): the refusal names them
            content["unmet_criteria"] = unmet_criteria(data.get("assessment") or {})
        if data.get("outcome") == "revocation":  # art. 11: from the day it was established
            content["revoke_from"] = str(data["established_on"])
            content["finding"] = {"established_on": str(data["established_on"]), "text": reason}
    return {
        **content,
        "assessment": dict(data.get("assessment") or {}),
        "committee": committee_of(state, payload),
        "step": step,
        "verdict": verdict,
        "proposed_at": at.isoformat(),
    }


def published(payload: Mapping[str, Any], bo: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    """The order as published in the Official Bulletin: what ``decisions`` appends."""
    decided = dict(payload["decided"])
    number = len(payload.get("decisions") or []) + 1
    return {**decided, "number": number, "bo": dict(bo), "published_at": at.isoformat()}


def notified(
    payload: Mapping[str, Any], decided: Mapping[str, Any], at: datetime
) -> dict[str, Any]:
    """A decision that is not an order (a reasoned refusal, art. 6 (3); a decision that
    leaves the earlier one standing): it is notified, never published in the BO."""
    number = len(payload.get("decisions") or []) + 1
    return {**decided, "number": number, "bo": None, "notified_at": at.isoformat()}


def tracked_conditions(decision: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each condition of a conditional equivalence, tracked until met."""
    return [{**c, "met_on": None, "evidence": ""} for c in decision.get("conditions") or []]


def pending_conditions(payload: Mapping[str, Any]) -> list[str]:
    """Conditions neither met nor failed (a failed health exam gives way to its remedy)."""
    return [
        c["kind"]
        for c in payload.get("conditions") or []
        if not c.get("met_on") and not c.get("failed_on")
    ]


def condition_met(
    payload: Mapping[str, Any], kind: str, met_on: str, evidence: str
) -> list[dict[str, Any]]:
    return [
        {**c, "met_on": met_on, "evidence": evidence}
        if c["kind"] == kind and not c.get("failed_on")
        else dict(c)
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
