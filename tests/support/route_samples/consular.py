"""How to call this service's routes in the matrix, least-privilege and bench runs."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

from bench.calls import Sample as BenchSample
from tests.support.route_samples.matrix import OFFICE, OWNER, Sample

REQUESTS = "/consular/appointment-requests"
REQUEST = REQUESTS + "/{case_id}"
SLOTS_QUERY = "service=passport&from=2030-01-07&to=2030-01-08"
CALENDAR = '{"hours": {"0": [{"start": "09:00", "end": "12:00"}]}, "counters": {"passport": 2}}'
STAMP_BODY = '{"stamp": "123456789012334"}'  # well formed, never issued
ROUND_ID = "0" * 32  # well formed, never opened
RELEASE_BODY = (
    '{"service": "passport", "slots": ["2030-01-07T08:00:00Z"], '
    '"draw_at": "2030-01-01T08:00:00Z", "entries_hours": 24}'
)
ENTRY_BODY = '{"round": "' + ROUND_ID + '", "choices": ["2030-01-07"]}'
REQUEST_BODY = (
    '{"consulate": "FR-PAR", "service": "passport", "contact": {"email": "citizen@demo.invalid"}}'
)


def request_case() -> dict[str, str]:
    """A request of OWNER to OFFICE (a consulate code the catalogue does not know)."""
    from chalicelib.services.consular.machines import APPOINTMENT
    from chalicelib.workflow import lifecycle
    from chalicelib.workflow.case import Contact
    from chalicelib.workflow.engine import Actor

    actor = Actor(OWNER, frozenset({"citizen"}))
    payload = {"consulate": OFFICE, "service": "passport"}
    case = lifecycle.open_case(APPOINTMENT, OWNER, OFFICE, Contact(), payload, actor)
    return {"case_id": case.id}


MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/consular/consulates"): Sample(),
    ("GET", "/consular/services"): Sample(),
    ("PUT", "/consular/consulates/{code}/calendar"): Sample(body=CALENDAR),
    ("POST", REQUESTS): Sample(body=REQUEST_BODY),
    ("GET", REQUEST): Sample(setup=request_case),
    ("GET", "/consular/consulates/{code}/requests"): Sample(),
    ("POST", REQUEST + "/validate"): Sample(setup=request_case, body="{}"),
    ("POST", REQUEST + "/request-documents"): Sample(setup=request_case, body="{}"),
    ("POST", REQUEST + "/reject"): Sample(setup=request_case, body="{}"),
    ("POST", REQUEST + "/complete"): Sample(setup=request_case, body="{}"),
    ("POST", REQUEST + "/withdraw"): Sample(setup=request_case, body="{}"),
    ("GET", "/consular/consulates/{code}/slots"): Sample(
        path={"code": "FR-PAR"}, query=SLOTS_QUERY
    ),
    ("POST", REQUEST + "/booking"): Sample(
        setup=request_case, body='{"slot": "2030-01-07T08:00:00Z"}'
    ),
    ("DELETE", REQUEST + "/booking"): Sample(setup=request_case),
    ("POST", REQUEST + "/waiting-list"): Sample(setup=request_case),
    ("PUT", REQUEST + "/stamp"): Sample(setup=request_case, body=STAMP_BODY),
    ("GET", "/consular/consulates/{code}/appointments"): Sample(query="date=2030-01-07"),
    ("POST", REQUEST + "/check-in"): Sample(setup=request_case),
    # Release rounds (decisions 56 to 60).
    ("POST", "/consular/consulates/{code}/releases"): Sample(body=RELEASE_BODY),
    ("POST", REQUEST + "/entries"): Sample(setup=request_case, body=ENTRY_BODY),
    ("DELETE", REQUEST + "/entries/{entry}"): Sample(
        setup=lambda: {**request_case(), "entry": "a" * 64}
    ),
    ("GET", "/public/consular/releases/{id}"): Sample(path={"id": ROUND_ID}),
}
UNKNOWN = REQUESTS + "/0123456789abcdef0123456789abcdef"

# The least-privilege run's staff tokens name no office: office routes answer 404 there.
REASON: dict[str, Any] = {"body": '{"reason": "documents missing"}'}
SLOT: dict[str, Any] = {"body": '{"slot": "2030-01-07T09:00:00Z"}'}

# The least-privilege rows that reach each write's success work at a consulate no other test
# books at (Riyadh: no clock change), open every day; each citizen has their own request,
# since a citizen holds one live appointment per consulate and service.
LP_CONSULATE = "SA-JED"
LP_CALENDAR: dict[str, Any] = {
    "hours": {str(d): [{"start": "08:00", "end": "12:00"}] for d in range(7)},
    "counters": {"passport": 5},
    "closed": [],
}
_AGENT: dict[str, Any] = {"office": LP_CONSULATE}
_JSON = {"Content-Type": "application/json"}


def _agent() -> Any:
    from chalicelib.identity import Principal

    return Principal("lp-agent", "staff", frozenset({"consular_agent"}), LP_CONSULATE)


def _citizen(sub: str) -> Any:
    from chalicelib.identity import Principal, identity

    return Principal(identity("citizen", sub), "citizen", frozenset({"citizen"}))


def _opened(owner: str, stamp: str = "") -> str:
    """A request of ``owner`` to LP_CONSULATE for a passport (the consulate's calendar set)."""
    from chalicelib import consulates
    from chalicelib.services.consular import service as use
    from chalicelib.workflow.case import Contact

    consulate, svc = consulates.consulate(LP_CONSULATE), consulates.service("passport")
    assert consulate is not None and svc is not None
    use.put_calendar(_agent(), consulate, LP_CALENDAR, "least-privilege")
    contact = Contact(f"{owner}@demo.invalid", "+966500000000", "fr", owner)
    return use.create_request(_citizen(owner), consulate, svc, contact, stamp).id


def _acted(owner: str, action: str, stamp: str = "") -> str:
    from chalicelib.services.consular import service as use
    from chalicelib.workflow import lifecycle
    from tests.support.consular_documents import checked_checklist

    case_id = _opened(owner, stamp)
    if action == "request_documents":
        use.request_documents(_agent(), case_id, [], "photo manquante", "least-privilege")
        return case_id
    checked_checklist(lifecycle.load(case_id))
    use.act(_agent(), case_id, action, "", "least-privilege")
    return case_id


def _slot(days_ahead: int) -> Any:
    """09:00 at LP_CONSULATE, ``days_ahead`` days after its today (a slot of its calendar)."""
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from chalicelib import consulates
    from chalicelib.services.consular import domain

    consulate = consulates.consulate(LP_CONSULATE)
    assert consulate is not None
    zone = ZoneInfo(consulate.time_zone)
    day = domain.local_day(datetime.now(UTC), zone) + timedelta(days=days_ahead)
    return domain.local_moment(day, time(9, 0), zone)


def _booked(owner: str, start: Any, stamp: str = "") -> str:
    """A validated request of ``owner`` booked at ``start``."""
    from chalicelib.services.consular import service as use

    case_id = _acted(owner, "validate", stamp)
    use.book(_citizen(owner), case_id, start, "least-privilege")
    return case_id


def _submitted() -> dict[str, str]:
    return {"case_id": _opened("lp-applicant")}


def _to_withdraw() -> dict[str, str]:
    return {"case_id": _opened("lp-withdrawer")}


def _submitted_with_documents() -> dict[str, str]:
    """A request whose checklist is uploaded and checked: what a validation needs."""
    from chalicelib.workflow import lifecycle
    from tests.support.consular_documents import checked_checklist

    case_id = _opened("lp-applicant-ready")
    checked_checklist(lifecycle.load(case_id))
    return {"case_id": case_id}


def _documents_requested() -> dict[str, str]:
    return {"case_id": _acted("lp-completer", "request_documents")}


def _validated_to_book() -> dict[str, str]:
    from chalicelib.services.consular import domain

    return {"case_id": _acted("lp-booker", "validate"), "slot": domain.iso(_slot(5))}


def _validated_to_wait() -> dict[str, str]:
    return {"case_id": _acted("lp-waiter", "validate")}


def _booked_to_cancel() -> dict[str, str]:
    return {"case_id": _booked("lp-canceller", _slot(10))}


def _booked_on_a_day_to_close() -> dict[str, str]:
    start = _slot(30)
    _booked("lp-closed-day", start)
    return {"closed": start.date().isoformat()}


def _booked_with_a_stamp() -> dict[str, str]:
    """Booked for tomorrow, paid with a stamp the check-in uses in its own transaction."""
    from chalicelib.identity import identity
    from chalicelib.services.consular import domain
    from tests.support.route_samples.etimbre import paid_stamp

    owner = "lp-arriving"
    stamp = paid_stamp(identity("citizen", owner), LP_CONSULATE)
    start = _slot(1)
    return {"case_id": _booked(owner, start, stamp), "slot": domain.iso(start)}


def _submitted_to_pay() -> dict[str, str]:
    """A request of its own and a paid stamp of its applicant, to attach to it."""
    from chalicelib.identity import identity
    from tests.support.route_samples.etimbre import paid_stamp

    owner = "lp-stamper"
    return {
        "case_id": _opened(owner),
        "stamp": paid_stamp(identity("citizen", owner), LP_CONSULATE),
    }


def _before_the_slot(values: dict[str, str]) -> Any:
    """Ten minutes before the booked slot: the check-in is on the appointment's day."""
    from datetime import datetime, timedelta

    return datetime.fromisoformat(values["slot"].replace("Z", "+00:00")) - timedelta(minutes=10)


def _closing(values: dict[str, str]) -> str:
    return json.dumps({**LP_CALENDAR, "closed": [values["closed"]]})


LP_SUCCESSES: list[tuple[Any, ...]] = [
    # A day closed: its booking cancelled, the seat given back, the citizen first in line.
    (
        "PUT",
        "/consular/consulates/{code}/calendar",
        f"/consular/consulates/{LP_CONSULATE}/calendar",
        "consular_agent",
        200,
        {"setup": _booked_on_a_day_to_close, "claims": _AGENT, "headers": _JSON, "body": _closing},
    ),
    *(
        (
            "POST",
            f"{REQUEST}/{path}",
            f"{REQUEST}/{path}",
            role,
            200,
            {"setup": setup, "claims": claims, "headers": _JSON, "body": body},
        )
        for path, role, setup, claims, body in (
            ("validate", "consular_agent", _submitted_with_documents, _AGENT, "{}"),
            ("request-documents", "consular_agent", _submitted, _AGENT, REASON["body"]),
            ("reject", "consular_agent", _submitted, _AGENT, REASON["body"]),
            ("complete", "citizen", _documents_requested, {"sub": "lp-completer"}, "{}"),
            ("withdraw", "citizen", _to_withdraw, {"sub": "lp-withdrawer"}, "{}"),
        )
    ),
    (
        "POST",
        REQUEST + "/booking",
        REQUEST + "/booking",
        "citizen",
        200,
        {
            "setup": _validated_to_book,
            "claims": {"sub": "lp-booker"},
            "headers": _JSON,
            "body": lambda values: json.dumps({"slot": values["slot"]}),
        },
    ),
    # The cancellation after it offers the seat it gives back to the first in line (the
    # closed day's citizen, put first), in the offer's own transaction (hold, list, case).
    (
        "POST",
        REQUEST + "/waiting-list",
        REQUEST + "/waiting-list",
        "citizen",
        200,
        {"setup": _validated_to_wait, "claims": {"sub": "lp-waiter"}},
    ),
    (
        "DELETE",
        REQUEST + "/booking",
        REQUEST + "/booking",
        "citizen",
        200,
        {"setup": _booked_to_cancel, "claims": {"sub": "lp-canceller"}},
    ),
    # A stamp attached to a request before the visit: the stamp read, the case's record.
    (
        "PUT",
        REQUEST + "/stamp",
        REQUEST + "/stamp",
        "citizen",
        200,
        {
            "setup": _submitted_to_pay,
            "claims": {"sub": "lp-stamper"},
            "headers": _JSON,
            "body": lambda values: json.dumps({"stamp": values["stamp"]}),
        },
    ),
    # On the appointment's day (the app's clock moved, as the e2e tests do): the stamp's use
    # is written in the check-in's transaction.
    (
        "POST",
        REQUEST + "/check-in",
        REQUEST + "/check-in",
        "consular_agent",
        200,
        {"setup": _booked_with_a_stamp, "claims": _AGENT, "now": _before_the_slot},
    ),
]


# --- release rounds (decisions 56 to 60) ---------------------------------------------------
# Each round takes fresh days at LP_CONSULATE: a slot goes to one round only.
_ROUND_DAYS = itertools.count(50)


def _release_body(days_ahead: int) -> dict[str, Any]:
    """Three slots of one morning; the draw the day before, entries open a day."""
    from datetime import timedelta

    start = _slot(days_ahead)
    return {
        "service": "passport",
        "slots": [start + timedelta(minutes=15 * n) for n in range(3)],
        "draw_at": start - timedelta(days=1),
        "entries_hours": 24,
    }


def _as_json(body: dict[str, Any]) -> str:
    from chalicelib.services.consular import domain

    return json.dumps(
        {
            **body,
            "slots": [domain.iso(s) for s in body["slots"]],
            "draw_at": domain.iso(body["draw_at"]),
        }
    )


def _round_opened() -> tuple[str, str]:
    """A round opened at LP_CONSULATE (its calendar set); its id and its morning's day."""
    from chalicelib import consulates
    from chalicelib.services.consular import releases
    from chalicelib.services.consular import service as use

    consulate = consulates.consulate(LP_CONSULATE)
    assert consulate is not None
    use.put_calendar(_agent(), consulate, LP_CALENDAR, "least-privilege")
    days = next(_ROUND_DAYS)
    r = releases.open_round(_agent(), consulate, _release_body(days))
    return r.round_id, r.days[r.slots[0]]


def _release_to_open() -> dict[str, str]:
    from chalicelib import consulates
    from chalicelib.services.consular import service as use

    consulate = consulates.consulate(LP_CONSULATE)
    assert consulate is not None
    use.put_calendar(_agent(), consulate, LP_CALENDAR, "least-privilege")
    return {"body": _as_json(_release_body(next(_ROUND_DAYS)))}


def _round_to_enter() -> dict[str, str]:
    owner = f"lp-entrant-{uuid.uuid4().hex[:8]}"
    round_id, day = _round_opened()
    body = json.dumps({"round": round_id, "choices": [day]})
    return {"case_id": _acted(owner, "validate"), "sub": owner, "body": body}


def _entered_to_leave() -> dict[str, str]:
    from chalicelib.services.consular import releases

    values = _round_to_enter()
    body = json.loads(values.pop("body"))
    case = releases.enter(
        _citizen(values["sub"]), values["case_id"], body["round"], body["choices"], "lp"
    )
    return {**values, "entry": str(case.payload["round"]["entry"])}


def _round_to_read() -> dict[str, str]:
    return {"id": _round_opened()[0]}


RELEASE_SUCCESSES: list[tuple[Any, ...]] = [
    # The secret from KMS GenerateRandom, encrypted under the data key; the round, its timer
    # request and its slots' reservation in one transaction.
    (
        "POST",
        "/consular/consulates/{code}/releases",
        f"/consular/consulates/{LP_CONSULATE}/releases",
        "consular_agent",
        201,
        {
            "setup": _release_to_open,
            "claims": _AGENT,
            "headers": _JSON,
            "body": lambda v: v["body"],
        },
    ),
    # The round's secret decrypted (the entry's reference), the entry with the transition.
    (
        "POST",
        REQUEST + "/entries",
        REQUEST + "/entries",
        "citizen",
        201,
        {
            "setup": _round_to_enter,
            "claims": lambda v: {"sub": v["sub"]},
            "headers": _JSON,
            "body": lambda v: v["body"],
        },
    ),
    (
        "DELETE",
        REQUEST + "/entries/{entry}",
        REQUEST + "/entries/{entry}",
        "citizen",
        200,
        {"setup": _entered_to_leave, "claims": lambda v: {"sub": v["sub"]}},
    ),
    (
        "GET",
        "/public/consular/releases/{id}",
        "/public/consular/releases/{id}",
        None,
        200,
        {"setup": _round_to_read},
    ),
]


LEAST_PRIVILEGE: list[tuple[Any, ...]] = [
    ("GET", "/consular/consulates", "/consular/consulates", None, 200),
    ("GET", "/consular/services", "/consular/services", None, 200),
    (
        "PUT",
        "/consular/consulates/{code}/calendar",
        "/consular/consulates/OFFICE-1/calendar",
        "consular_agent",
        404,
    ),
    ("POST", REQUESTS, REQUESTS, "citizen", 400),
    # A request really opened: the case's transaction (case, history, audit, outbox).
    (
        "POST",
        REQUESTS,
        REQUESTS,
        "citizen",
        201,
        {"body": '{"consulate": "FR-PAR", "service": "passport"}'},
    ),
    ("GET", REQUEST, UNKNOWN, "citizen", 404),
    (
        "GET",
        "/consular/consulates/{code}/requests",
        "/consular/consulates/OFFICE-1/requests",
        "consular_agent",
        404,
    ),
    ("POST", REQUEST + "/validate", UNKNOWN + "/validate", "consular_agent", 404, {"body": "{}"}),
    (
        "POST",
        REQUEST + "/request-documents",
        UNKNOWN + "/request-documents",
        "consular_agent",
        404,
        REASON,
    ),
    ("POST", REQUEST + "/reject", UNKNOWN + "/reject", "consular_agent", 404, REASON),
    ("POST", REQUEST + "/complete", UNKNOWN + "/complete", "citizen", 404, REASON),
    ("POST", REQUEST + "/withdraw", UNKNOWN + "/withdraw", "citizen", 404, REASON),
    (
        "GET",
        "/consular/consulates/{code}/slots",
        f"/consular/consulates/FR-PAR/slots?{SLOTS_QUERY}",
        "citizen",
        409,
    ),
    ("POST", REQUEST + "/booking", UNKNOWN + "/booking", "citizen", 404, SLOT),
    ("DELETE", REQUEST + "/booking", UNKNOWN + "/booking", "citizen", 404),
    ("POST", REQUEST + "/waiting-list", UNKNOWN + "/waiting-list", "citizen", 404),
    ("PUT", REQUEST + "/stamp", UNKNOWN + "/stamp", "citizen", 404, {"body": STAMP_BODY}),
    (
        "GET",
        "/consular/consulates/{code}/appointments",
        "/consular/consulates/OFFICE-1/appointments?date=2030-01-07",
        "consular_agent",
        404,
    ),
    ("POST", REQUEST + "/check-in", UNKNOWN + "/check-in", "consular_agent", 404),
    *LP_SUCCESSES,
    (
        "POST",
        "/consular/consulates/{code}/releases",
        "/consular/consulates/OFFICE-1/releases",
        "consular_agent",
        404,
    ),
    ("POST", REQUEST + "/entries", UNKNOWN + "/entries", "citizen", 404, {"body": ENTRY_BODY}),
    (
        "DELETE",
        REQUEST + "/entries/{entry}",
        UNKNOWN + "/entries/" + "a" * 64,
        "citizen",
        404,
    ),
    (
        "GET",
        "/public/consular/releases/{id}",
        f"/public/consular/releases/{ROUND_ID}",
        None,
        404,
    ),
    *RELEASE_SUCCESSES,
]
_NO_SHOWS = "the answer counts the citizen's no-shows (a Query over their cases)"
BENCH: dict[tuple[str, str], BenchSample] = {
    ("POST", "/consular/consulates/{code}/releases"): BenchSample(
        setup=_release_to_open,
        office=LP_CONSULATE,
        path={"code": LP_CONSULATE},
        floor=3,
        why="rate counter, the calendar (the slots checked), one transaction (the round, "
        "its timer request, each slot's reservation); KMS GenerateRandom and Encrypt besides",
    ),
    ("POST", REQUEST + "/entries"): BenchSample(
        setup=_round_to_enter,
        role="citizen",
        floor=4,
        why="rate counter, the request (one Query), the round, one transaction (the case, "
        "the round's open condition, the person's entry); KMS Decrypt besides",
        over=_NO_SHOWS,
    ),
    ("DELETE", REQUEST + "/entries/{entry}"): BenchSample(
        setup=_entered_to_leave,
        role="citizen",
        floor=4,
        why="rate counter, the request (one Query), the round, one transaction (the case, "
        "the round's open condition, the entry deleted)",
        over=_NO_SHOWS,
    ),
    ("GET", "/public/consular/releases/{id}"): BenchSample(
        setup=_round_to_read,
        floor=2,
        why="the public rate counter, the round (and, once drawn, one Query of its draw)",
    ),
}
