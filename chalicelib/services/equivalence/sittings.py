"""Use cases of the committees: their composition and members, and their sittings (an
agenda of files, then attendance, chair, rapporteur and minutes). The rules are in
``committees`` (pure); storage behind ``ports.committees()`` (by default
``chalicelib.store.equivalence_committees``), the audit of a list behind ``ports.reads()``.

Who sees what (object level; anything else answers 404, as if it did not exist):
- an equivalence officer of the higher-education ministry (office ``MESRSI``): every
  committee's sittings;
- a committee member: the sittings of their own committee only (office = the field, or
  ``HEC`` for the Higher Equivalence Committee);
- an admin sets the members of any committee.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.equivalence import committees as rules
from chalicelib.services.equivalence import domain, ports
from chalicelib.services.equivalence import problems as _problems  # noqa: F401  (its slugs)
from chalicelib.store import equivalence_committees as store
from chalicelib.workflow import lifecycle

OFFICER, MEMBER = "equivalence_officer", "committee_member"
HIGHER_CASE_TYPE = domain.CASE_TYPES["higher"]


def visible(principal: Principal) -> tuple[str, ...]:
    """The committees whose sittings ``principal`` may see and run."""
    everyone = tuple(rules.COMMITTEES)
    if "admin" in principal.roles:
        return everyone
    if OFFICER in principal.roles and principal.office == rules.MINISTRY:
        return everyone
    if MEMBER in principal.roles and principal.office in rules.COMMITTEES:
        return (principal.office,)
    return ()


def committee_for(principal: Principal, code: str) -> rules.Committee:
    if code not in visible(principal):
        raise Refusal("not-found")
    return rules.COMMITTEES[code]


def _invalid(errors: Sequence[tuple[str, str]], detail: str = "") -> Refusal:
    return Refusal(
        "validation-failed", detail, errors=[FieldError(f"body.{f}", m) for f, m in errors]
    )


def composition(principal: Principal) -> list[dict[str, Any]]:
    """Each committee ``principal`` may see: its seats (per article) and its members."""
    codes = visible(principal)
    members = ports.committees().members_of(codes) if codes else {}
    return [
        {
            "code": c.code,
            "kind": c.kind,
            "titles": dict(c.titles),
            "article": c.article,
            "holds": list(c.holds),
            "seats": [
                {
                    "code": s.code,
                    "titles": dict(s.titles),
                    "article": s.article,
                    "count": s.count,
                    "optional": s.optional,
                    "may_chair": s.may_chair,
                    "chairs": s.chairs,
                    "substitutable": s.substitutable,
                }
                for s in c.seats
            ],
            "members": members.get(c.code, []),
        }
        for c in (rules.COMMITTEES[code] for code in codes)
    ]


def set_members(code: str, members: list[dict[str, Any]], at: datetime) -> list[dict[str, Any]]:
    """An admin's list of a committee's members (replaces the previous one)."""
    committee = rules.COMMITTEES.get(code)
    if committee is None:
        raise Refusal("not-found")
    errors = rules.members_errors(committee, members)
    if errors:
        raise _invalid(errors, f"The seats of {committee.article}.")
    ports.committees().set_members(code, members, at)
    return members


def _agenda_item(case_id: str, code: str, principal: Principal) -> dict[str, Any] | None:
    case = lifecycle.find(case_id)
    if case is None or case.case_type != HIGHER_CASE_TYPE:
        return None
    if OFFICER in principal.roles and case.office != principal.office:
        return None
    if domain.committee_of(case.state, case.payload) != code:
        return None
    diploma = case.payload.get("diploma") or {}
    return {
        "case_id": case.id,
        "reference": case.reference,
        "diploma": str(diploma.get("title", "")),
        "institution": str(diploma.get("institution", "")),
        "country": str(diploma.get("institution_country", "")),
        "state": case.state,
    }


def open_sitting(
    principal: Principal, code: str, held_on: str, agenda: list[str], correlation_id: str
) -> store.Sitting:
    """A sitting of ``code`` with the files it holds now (``committees.Committee.holds``)."""
    committee = committee_for(principal, code)
    items, errors = [], []
    for n, case_id in enumerate(agenda):
        if case_id in agenda[:n]:
            errors.append((f"agenda.{n}", "already on the agenda"))
            continue
        item = _agenda_item(case_id, code, principal)
        if item is None:
            states = " or ".join(committee.holds)
            errors.append((f"agenda.{n}", f"not a file this committee holds ({states})"))
        else:
            items.append(item)
    if errors:
        raise _invalid(errors, "The agenda lists the committee's own files only.")
    ports.reads().listed(principal, f"sitting agenda of committee {code}", agenda, correlation_id)
    at = clock.now()
    record = {
        "committee": code,
        "held_on": held_on,
        "agenda": items,
        "opened_by": {"subject": principal.subject, "office": principal.office},
        "opened_at": at.isoformat(),
    }
    return ports.committees().create_sitting(code, uuid.uuid4().hex, record, at)


def get_sitting(principal: Principal, code: str, sitting_id: str) -> store.Sitting:
    committee_for(principal, code)
    found = ports.committees().sitting(code, sitting_id) if sitting_id.isalnum() else None
    if found is None:
        raise Refusal("not-found")
    return found


def close_sitting(
    principal: Principal,
    code: str,
    sitting_id: str,
    record_in: Mapping[str, Any],
    correlation_id: str,
) -> store.Sitting:
    """The sitting's attendance, chair and rapporteur, and the minutes: for each file of the
    agenda, the proposal the committee made since the sitting opened, or that none was."""
    committee = committee_for(principal, code)
    sitting = get_sitting(principal, code, sitting_id)
    if sitting.state != "open":
        raise Refusal("conflict", "The sitting is closed: its minutes are final.")
    members = ports.committees().members_of([code])[code]
    attendance = list(record_in.get("attendance") or [])
    chair, rapporteur = str(record_in.get("chair", "")), record_in.get("rapporteur")
    errors = rules.sitting_errors(committee, members, attendance, chair, rapporteur)
    if errors:
        raise _invalid(errors, f"The sitting's record ({committee.article}).")
    since = str(sitting.record["opened_at"])
    minutes = []
    for item in sitting.record["agenda"]:
        case = lifecycle.find(str(item["case_id"]))
        state, payload = (case.state, case.payload) if case else ("", {})
        minutes.append(rules.minutes_entry(item, state, payload, code, since))
    ports.reads().listed(
        principal,
        f"minutes of committee {code}",
        [str(i["case_id"]) for i in sitting.record["agenda"]],
        correlation_id,
    )
    at = clock.now()
    by_id = {str(m["id"]): m for m in members}
    record = {
        **sitting.record,
        "attendance": [
            {
                **a,
                "name": by_id[str(a["member"])].get("name", ""),
                "seat": by_id[str(a["member"])].get("seat", ""),
            }
            for a in attendance
        ],
        "chair": chair,
        "rapporteur": rapporteur,
        "members": members,
        "minutes": minutes,
        "closed_by": {"subject": principal.subject, "office": principal.office},
        "closed_at": at.isoformat(),
    }
    try:
        return ports.committees().close_sitting(code, sitting_id, record, at)
    except store.AlreadyClosed as error:
        raise Refusal("conflict", "The sitting was closed meanwhile.") from error


def view(sitting: store.Sitting) -> dict[str, Any]:
    record = sitting.record
    base = f"/equivalence/committees/{sitting.committee}/sittings/{sitting.sitting_id}"
    return {
        "sitting_id": sitting.sitting_id,
        "committee": sitting.committee,
        "state": sitting.state,
        "held_on": record.get("held_on"),
        "agenda": record.get("agenda", []),
        "opened_at": record.get("opened_at"),
        "attendance": record.get("attendance"),
        "chair": record.get("chair"),
        "rapporteur": record.get("rapporteur"),
        "minutes": record.get("minutes"),
        "closed_at": record.get("closed_at"),
        "links": {
            "self": base,
            "close": f"{base}/close",
            "minutes": f"{base}/minutes" if sitting.state == "closed" else None,
        },
    }
