"""Pure rules: slots in the consulate's zone across clock changes, cut-offs, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib import consulates
from chalicelib.services.consular import domain
from chalicelib.services.consular.domain import Calendar, Opening

PARIS = ZoneInfo("Europe/Paris")
EVERY_DAY = {d: (Opening(time(9), time(10)),) for d in range(7)}


def test_slots_follow_the_local_clock_across_the_spring_change() -> None:
    calendar = Calendar(EVERY_DAY, {"passport": 2})
    before = domain.slots_of_day(calendar, PARIS, "passport", 15, date(2026, 3, 28))
    after = domain.slots_of_day(calendar, PARIS, "passport", 15, date(2026, 3, 29))  # DST day
    assert before[0].start == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert after[0].start == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert len(before) == len(after) == 4 and after[0].capacity == 2


def test_an_opening_across_the_skipped_hour_keeps_its_real_length() -> None:
    night = {6: (Opening(time(1), time(4)),)}  # Sunday 29 March 2026: 02:00 -> 03:00
    slots = domain.slots_of_day(
        Calendar(night, {"passport": 1}), PARIS, "passport", 30, date(2026, 3, 29)
    )
    assert len(slots) == 4  # 3 wall-clock hours, 2 real hours
    assert domain.local_moment(date(2026, 3, 29), time(2, 30), PARIS) is None


def test_closed_days_and_services_without_counters_have_no_slot() -> None:
    calendar = Calendar(EVERY_DAY, {"passport": 1}, frozenset({date(2026, 5, 1)}))
    assert domain.slots_of_day(calendar, PARIS, "passport", 15, date(2026, 5, 1)) == []
    assert domain.slots_of_day(calendar, PARIS, "cnie", 15, date(2026, 5, 2)) == []


def test_calendar_problems_name_the_field() -> None:
    bad = Calendar({0: (Opening(time(10), time(9)),)}, {"passport": 1, "cnie": 3})
    problems = domain.calendar_problems(bad, ("passport",), {"passport": 15, "cnie": 20})
    assert ("hours.0", "an opening must end after it starts") in problems
    assert ("counters.cnie", "this consulate does not offer the service") in problems


def test_cut_off_reminder_and_end_of_day() -> None:
    start = datetime(2026, 6, 10, 7, 30, tzinfo=UTC)
    assert domain.may_cancel(start, start - timedelta(hours=25), 24)
    assert not domain.may_cancel(start, start - timedelta(hours=23), 24)
    assert domain.reminder_at(start, start - timedelta(hours=30)) == start - timedelta(hours=24)
    assert domain.reminder_at(start, start - timedelta(hours=2)) is None
    assert domain.end_of_day(start, PARIS) == datetime(2026, 6, 10, 22, 0, tzinfo=UTC)
    assert domain.day_status("booked", start, PARIS, start + timedelta(hours=15)) == "no_show"


def test_a_held_seat_is_not_free_for_others() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    later = now + timedelta(minutes=5)
    assert domain.free_seats(2, 1, "case-a", later, now) == 0
    assert domain.free_seats(2, 1, "case-a", later, now, "case-a") == 1
    assert domain.free_seats(2, 1, "case-a", now - timedelta(seconds=1), now) == 1


def test_the_waiting_list_puts_closed_days_first() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    first = domain.waiting_key(domain.FIRST, now + timedelta(days=1), "b")
    assert first < domain.waiting_key(domain.NORMAL, now, "a")


def test_the_catalogue_codes() -> None:
    codes = {c.code for c in consulates.CONSULATES}
    assert {"FR-PAR", "ES-MAD", "SN-DKR", "US-NYC", "AE-DXB", "SA-JED"} <= codes
    assert consulates.service("passport") is not None and consulates.consulate("XX-XXX") is None
    for consulate in consulates.CONSULATES:
        ZoneInfo(consulate.time_zone)
        assert all(consulates.service(s) for s in consulate.services)


# --- calendar changes and seats (decision 36) ----------------------------------------------

WEEKDAYS = {d: (Opening(time(9), time(10)),) for d in range(5)}
MONDAY = date(2026, 6, 8)


def test_what_lowers_seats_and_what_does_not() -> None:
    before = Calendar(WEEKDAYS, {"passport": 2, "cnie": 1})
    raised = Calendar(WEEKDAYS, {"passport": 3, "cnie": 1})
    assert domain.lowered_services(before, raised) == []
    longer = {**WEEKDAYS, 5: (Opening(time(9), time(12)),)}
    assert domain.lowered_services(before, Calendar(longer, {"passport": 2, "cnie": 1})) == []
    fewer = Calendar(WEEKDAYS, {"passport": 1, "cnie": 1})
    assert domain.lowered_services(before, fewer) == ["passport"]
    gone = Calendar(WEEKDAYS, {"passport": 2})  # cnie's counter removed
    assert domain.lowered_services(before, gone) == ["cnie"]
    shifted = {d: (Opening(time(9, 5), time(10, 5)),) for d in range(5)}
    moved = Calendar(shifted, {"passport": 2, "cnie": 1})
    assert domain.lowered_services(before, moved) == ["cnie", "passport"]
    closed = Calendar(WEEKDAYS, {"passport": 2, "cnie": 1}, frozenset({MONDAY}))
    assert domain.lowered_services(before, closed) == ["cnie", "passport"]
    pending = Calendar(WEEKDAYS, {"passport": 2}, ceiling=fewer)
    assert domain.lowered_services(pending, raised) == ["cnie", "passport"]


def test_a_change_being_installed_offers_the_fewer_seats_of_both() -> None:
    before = Calendar(WEEKDAYS, {"passport": 3})
    after = Calendar({0: (Opening(time(9, 30), time(10)),)}, {"passport": 1})
    both = domain.slots_of_day(replace(before, ceiling=after), PARIS, "passport", 15, MONDAY)
    assert [(s.start.astimezone(PARIS).time(), s.capacity) for s in both] == [
        (time(9, 30), 1),
        (time(9, 45), 1),
    ]


def test_overbooked_slots_are_those_to_come_with_more_seats_taken_than_given() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    at_nine = domain.local_moment(MONDAY, time(9), PARIS)
    at_quarter = domain.local_moment(MONDAY, time(9, 15), PARIS)
    assert at_nine is not None and at_quarter is not None
    taken = [(at_quarter, 2), (at_nine, 3), (now - timedelta(days=1), 9)]  # the past: gone
    one = Calendar(WEEKDAYS, {"passport": 2})
    found = domain.overbooked(taken, one, PARIS, "passport", 15, now)
    assert found == [domain.Overbooked(at_nine, 3, 2)]
    none = Calendar({}, {"passport": 2})  # no opening left: no seat at all
    assert [o.capacity for o in domain.overbooked(taken, none, PARIS, "passport", 15, now)] == [
        0,
        0,
    ]
    closed = Calendar(WEEKDAYS, {"passport": 1}, frozenset({MONDAY}))  # cancelled, not refused
    assert domain.overbooked(taken, closed, PARIS, "passport", 15, now) == []


# --- a guardian files for a minor (decision 39) --------------------------------------------


def test_only_a_minor_is_filed_for() -> None:
    today = date(2026, 6, 1)
    assert domain.person_problems(date(2010, 6, 2), today, 18) == []  # 17 until tomorrow
    assert domain.person_problems(date(2008, 6, 1), today, 18)[0][0] == "birth_date"  # 18 today
    assert "future" in domain.person_problems(date(2026, 6, 2), today, 18)[0][1]


def test_the_same_child_named_by_either_parent_is_one_person() -> None:
    born = date(2016, 3, 4)
    key = domain.person_key("Yasmine", "El Alaoui", born)
    assert domain.person_key("  yasmine ", "EL-ALAOUI", born) == key
    assert domain.person_key("Yasmîne", "el alaoui", born) == key
    assert domain.person_key("Yasmine", "El Alaoui", date(2016, 3, 5)) != key
    assert domain.person_of({"person": {"key": key}}, "citizen:mother") == key
    assert domain.person_of({}, "citizen:mother") == "citizen:mother"
