"""The day at the consulate: the agents' list of the day's appointments, checking a citizen
in, and the no-show an appointment becomes when its attendance deadline (midnight after its
day, in the consulate's zone) passes unchecked: counted on the citizen's record, shown on
the day's list, and the one-live-appointment guard released."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from chalicelib import clock, consulates, ports
from chalicelib.consulates import Consulate
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.consular import domain
from chalicelib.services.consular.machines import APPOINTMENT
from chalicelib.services.consular.ports import appointments
from chalicelib.services.consular.request_cases import (
    parts,
    visible_request,
    wrong_state,
)
from chalicelib.store.cases import Also
from chalicelib.store.consular import repository as repo
from chalicelib.workflow import access, lifecycle
from chalicelib.workflow.case import Case
from chalicelib.workflow.reactions import Happened


def day_list(consulate: Consulate, day: date) -> list[tuple[repo.DayEntry, str]]:
    zone, now = ZoneInfo(consulate.time_zone), clock.now()
    return [
        (
            e,
            domain.day_status(
                e.status, datetime.fromisoformat(e.start.replace("Z", "+00:00")), zone, now
            ),
        )
        for e in appointments().day(consulate.code, day.isoformat())
    ]


def check_in(principal: Principal, case_id: str, correlation_id: str) -> Case:
    case = visible_request(principal, case_id, "check-in", correlation_id)
    consulate, svc, zone = parts(case)
    now = clock.now()
    if case.state != "booked":
        raise wrong_state(case, "checked in")
    start = datetime.fromisoformat(case.payload["slot"])
    day = domain.local_day(start, zone)
    if domain.local_day(now, zone) != day:
        raise Refusal(
            "conflict", f"The appointment is on {day.isoformat()}.", extra={"refusal": "not_today"}
        )
    also = [
        appointments().mark_day(consulate.code, case.id, day.isoformat(), start, "checked_in"),
        appointments().release_live(
            consulate.code, svc.code, domain.person_of(case.payload, case.owner), case.id
        ),
    ]
    stamp = str(case.payload.get("stamp", ""))
    if stamp:
        also.append(
            _stamp_consumed(stamp, svc.code, consulate.code, principal.subject, case.id, case.owner)
        )
    try:
        return lifecycle.act(
            APPOINTMENT,
            case,
            "check_in",
            access.actor_of(principal),
            {"stamp": stamp} if stamp else {},
            also=also,
        ).case
    except LostRace as error:
        if "stamp" in error.failed:
            raise Refusal(
                "conflict",
                "The eTimbre stamp of this request cannot pay for it "
                "(unpaid, used, refunded, expired or for another service): the citizen may "
                "attach another (PUT /consular/appointment-requests/{id}/stamp).",
                extra={"refusal": "stamp"},
            ) from error
        raise


def _stamp_consumed(
    stamp: str, svc: str, consulate: str, agent: str, case_id: str, owner: str
) -> Also:
    return ports.fee_payments().used_with(
        stamp, service=svc, office=consulate, agent=agent, case_id=case_id, owner=owner
    )


def after_no_show(case: Case, happened: Happened) -> None:
    """Reaction to ``no_show`` (fired by the attendance timer): the day's list says so and
    the guard is released. Both writes are idempotent, so a second delivery changes nothing."""
    consulate = consulates.consulate(case.office)
    slot = case.payload.get("slot")
    if case.state != "no_show" or consulate is None or not slot:
        return
    start = datetime.fromisoformat(str(slot))
    day = domain.local_day(start, ZoneInfo(consulate.time_zone)).isoformat()
    appointments().mark_day_now(consulate.code, case.id, day, start, "no_show")
    person = domain.person_of(case.payload, case.owner)
    appointments().release_live_now(consulate.code, str(case.payload["service"]), person, case.id)
