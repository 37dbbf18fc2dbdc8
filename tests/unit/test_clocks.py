"""Legal clocks, with no I/O: day arithmetic in Morocco, the holiday data, and what each
transition of the demo case type does to its clocks and their Step Functions deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hijridate import Hijri

from chalicelib.api.routes import case_views
from chalicelib.notify.render import fields
from chalicelib.workflow import clocks, holidays, lifecycle
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.clocks import add_days, elapsed, end_of_day, local_day
from chalicelib.workflow.engine import Actor, Fired, TransitionRefused, due_timer, fire
from chalicelib.workflow.machine import Clock, Extension, Machine, State, StateKind, Transition
from tests.support.demo_case import DEMO

H = holidays.moroccan()
NONE: frozenset[date] = frozenset()
MON = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # a Monday in a month without holidays
OWNER = Actor("citizen-1", frozenset({"citizen"}))
OFFICER = Actor("officer-1", frozenset({"equivalence_officer"}), "MEN")
CLOCK = Actor.system("clock")


def draft() -> Case:
    return Case(
        *("c1", "DM-2026-000001", "demo", "citizen-1", "MEN", "draft", 1, MON, MON),
        contact=Contact(email="owner@demo.invalid", language="fr"),
        payload={"summary": "s"},
        history_length=1,
    )


def act(case: Case, name: str, at: datetime, actor: Actor = OFFICER, reason: str = "") -> Fired:
    return fire(DEMO, case, name, actor, {}, at, reason or "because", holidays=H)


def submitted(at: datetime = MON) -> Case:
    return act(draft(), "submit", at, OWNER).case


def decision(case: Case) -> clocks.ClockState:
    return clocks.ClockState.of(case.clocks["decision"])


# --- days in Morocco -------------------------------------------------------------------------


def test_a_deadline_falls_due_at_the_end_of_a_moroccan_day() -> None:
    assert end_of_day(date(2026, 12, 6)) == datetime(2026, 12, 6, 22, 59, 59, tzinfo=UTC)
    # Morocco leaves UTC+1 for UTC during Ramadan
    assert end_of_day(date(2026, 3, 1)) == datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC)
    late_evening = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)  # already the 27th in Morocco
    assert local_day(late_evening) == date(2026, 11, 27)
    assert add_days(late_evening, 10, False, NONE) == end_of_day(date(2026, 12, 7))


def test_working_days_skip_weekends() -> None:
    friday = datetime(2026, 10, 9, 15, 0, tzinfo=UTC)
    assert local_day(add_days(friday, 1, True, NONE)) == date(2026, 10, 12)  # Monday
    assert local_day(add_days(friday, 5, True, NONE)) == date(2026, 10, 16)
    assert elapsed(friday, datetime(2026, 10, 19, 8, 0, tzinfo=UTC), True, NONE) == 6


def test_working_days_skip_the_green_march_and_independence_day() -> None:
    # 6 Nov 2026 is a Friday, 18 Nov a Wednesday: 10 working days from Thursday 5 Nov
    # are 9-13, 16, 17, 19, 20 and 23 Nov.
    thursday = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)
    assert local_day(add_days(thursday, 10, True, H)) == date(2026, 11, 23)
    assert local_day(add_days(thursday, 10, True, NONE)) == date(2026, 11, 19)
    assert elapsed(thursday, end_of_day(date(2026, 11, 23)), True, H) == 10


def test_working_days_skip_eid_al_fitr_2026() -> None:
    # With the checked-in dates (Umm al-Qura: Friday 20 and Saturday 21 March). If an
    # operator moves Eid by a day in holidays.toml, this expectation moves with it.
    assert {date(2026, 3, 20), date(2026, 3, 21)} <= H
    wednesday = datetime(2026, 3, 18, 10, 0, tzinfo=UTC)
    assert local_day(add_days(wednesday, 3, True, H)) == date(2026, 3, 24)  # 19, 23, 24
    assert local_day(add_days(wednesday, 3, True, NONE)) == date(2026, 3, 23)  # 19, 20, 23


# --- the holiday data --------------------------------------------------------------------------


def test_hijri_holidays_are_converted_as_hijridate_does() -> None:
    generated = holidays.generate(2024, 2030)
    hijri = [h for h in generated if h.hijri]
    assert len(hijri) == 7 * 7  # 1 Muharram, Mawlid x2, Eid al-Fitr x2, Eid al-Adha x2
    for h in hijri:
        year, month, day = map(int, h.hijri.split("-"))
        assert Hijri(year, month, day).to_gregorian() == h.date
    eid = next(h for h in generated if h.hijri == "1447-10-01")
    assert eid.date == Hijri(1447, 10, 1).to_gregorian() == date(2026, 3, 20)


def test_civil_holidays_are_fixed_and_yennayer_counts_from_2024() -> None:
    days = {(h.date.month, h.date.day) for h in holidays.generate(2026, 2026) if not h.hijri}
    assert days == {
        *((1, 1), (1, 11), (1, 14), (5, 1), (7, 30)),
        *((8, 14), (8, 20), (8, 21), (11, 6), (11, 18)),
    }
    assert date(2023, 1, 14) not in {h.date for h in holidays.generate(2023, 2023)}


def test_the_checked_in_file_is_the_generated_one_give_or_take_a_sighted_moon() -> None:
    checked_in = holidays.parse(holidays.DATA.read_text(encoding="utf-8"))
    generated = holidays.generate(2024, 2030)
    assert [(h.fr, h.hijri) for h in checked_in] == [(h.fr, h.hijri) for h in generated]
    for mine, computed in zip(checked_in, generated, strict=True):
        assert abs((mine.date - computed.date).days) <= 1, mine  # corrected by a day at most
    assert holidays.parse(holidays.to_toml(generated)) == generated


def test_the_data_covers_this_year_and_the_next() -> None:
    years = {d.year for d in H}
    today = datetime.now(UTC).year
    assert {today, today + 1} <= years, "add the coming years to holidays.toml"


# --- what transitions do to a clock -----------------------------------------------------------


def test_submitting_starts_the_time_to_decide_and_arms_its_timer() -> None:
    fired = act(draft(), "submit", MON, OWNER)
    clock = decision(fired.case)
    assert clock.state == "running" and clock.started_at == MON
    assert clock.due_at == add_days(MON, 60, True, H)
    deadline = fired.case.deadlines["clock:decision"]
    assert (deadline.due_at, deadline.on_expiry) == (clock.due_at, "granted_by_silence")
    assert fired.timers_started == (deadline,)
    assert fired.entry.data["clocks"] == [
        {"clock": "decision", "started": MON.isoformat(), "due_at": clock.due_at.isoformat()}
    ]


def test_a_clock_paused_for_ten_days_is_due_ten_days_later() -> None:
    machine = replace(DEMO, clocks=(DEMO.clocks[0]._replace(working_days=False),))
    case = fire(machine, draft(), "submit", OWNER, {}, MON, holidays=H).case
    before = clocks.ClockState.of(case.clocks["decision"]).due_at
    assert before is not None
    paused = fire(machine, case, "request_complement", OFFICER, {}, MON, "send it", holidays=H)
    back = MON + timedelta(days=10)
    resumed = fire(machine, paused.case, "complement", OWNER, {}, back, holidays=H)
    assert clocks.ClockState.of(resumed.case.clocks["decision"]).due_at == before + timedelta(10)


def test_a_working_day_clock_moves_by_the_working_days_it_was_paused() -> None:
    case = submitted()
    before = decision(case).due_at
    assert before is not None
    paused = act(case, "request_complement", MON + timedelta(hours=2))
    assert decision(paused.case).state == "paused" and decision(paused.case).due_at is None
    assert "clock:decision" not in paused.case.deadlines
    assert paused.timers_cancelled == ("clock:decision",)  # the execution is stopped
    assert paused.entry.data["clocks"][0]["paused"] == (MON + timedelta(hours=2)).isoformat()
    two_weeks = MON + timedelta(days=14)  # 10 working days later
    resumed = act(paused.case, "complement", two_weeks, OWNER)
    clock = decision(resumed.case)
    assert clock.state == "running" and clock.due_at == add_days(before, 10, True, H)
    assert clock.paused == ((MON + timedelta(hours=2), two_weeks),)
    new_timer = resumed.case.deadlines["clock:decision"]
    assert resumed.timers_started[-1] == new_timer and new_timer.due_at == clock.due_at
    assert new_timer.started_at == two_weeks  # another execution name than the first one
    assert resumed.entry.data["clocks"][0]["resumed"] == two_weeks.isoformat()
    left = clocks.days_left(DEMO.clocks[0], clock, two_weeks, H)
    assert left == 60 - elapsed(MON, MON + timedelta(hours=2), True, H)


def test_days_left_count_the_clocks_kind_of_days_and_stop_while_paused() -> None:
    case = submitted()
    clock = DEMO.clocks[0]
    friday = MON + timedelta(days=4)
    assert clocks.days_left(clock, decision(case), friday, H) == 56
    paused = act(case, "request_complement", friday).case
    a_month_later = friday + timedelta(days=30)
    assert clocks.days_left(clock, decision(paused), a_month_later, H) == 56
    view = case_views.clock_view(clock, decision(paused), a_month_later, H)
    assert (view.state, view.unit, view.days_left, view.due_at) == (
        "paused",
        "working_days",
        56,
        None,
    )
    assert view.legal_basis["fr"].startswith("Loi n° 55-19") and view.silence_is_consent
    # paused since Friday, with the four working days it had run by then
    assert (view.paused_since, view.days_used, view.source) == (friday, 4, "unverified")
    running = case_views.clock_view(clock, decision(case), friday, H)
    assert (running.paused_since, running.days_used, running.days_left) == (None, 4, 56)


def test_an_expertise_extends_the_time_once() -> None:
    case = submitted()
    before = decision(case).due_at
    assert before is not None
    extended = act(case, "order_expertise", MON + timedelta(days=1), reason="expert report")
    assert decision(extended.case).extended_days == 30
    assert decision(extended.case).due_at == add_days(before, 30, True, H)
    # the running execution is stopped and another started for the new due date
    assert extended.timers_cancelled == ("clock:decision",)
    assert [d.name for d in extended.timers_started] == ["clock:decision"]
    with pytest.raises(TransitionRefused) as again:
        act(extended.case, "order_expertise", MON + timedelta(days=2), reason="another one")
    assert again.value.code == "already_extended"
    with pytest.raises(TransitionRefused) as no_reason:
        fire(DEMO, case, "order_expertise", OFFICER, {}, MON, "  ", holidays=H)
    assert no_reason.value.code == "reason_required"


def test_a_decision_stops_the_clock() -> None:
    accepted = act(submitted(), "accept", MON + timedelta(days=3))
    clock = decision(accepted.case)
    assert (clock.state, clock.ended_at) == ("done", MON + timedelta(days=3))
    assert accepted.case.deadlines == {} and accepted.timers_cancelled == ("clock:decision",)
    assert clocks.days_left(DEMO.clocks[0], clock, MON + timedelta(days=90), H) is None


def test_a_refusal_opens_the_review_window_and_names_it_in_the_notice() -> None:
    at = MON + timedelta(days=3)
    refused = act(submitted(), "refuse", at, reason="not authentic")
    assert decision(refused.case).state == "done"
    review = clocks.ClockState.of(refused.case.clocks["review"])
    assert review.state == "running" and review.due_at == end_of_day(date(2026, 4, 6))
    assert "clock:review" not in refused.case.deadlines  # it fires nothing, it only shows
    assert clocks.appeal_until(DEMO, refused.case.clocks, "refuse") == review.due_at.isoformat()
    [email] = lifecycle._messages(refused, refused.notifications[0], review.due_at.isoformat())
    assert email.data["appeal_until"] == review.due_at.isoformat()
    assert fields(email.data, "fr")["appeal_until_date"] == "6 avril 2026"  # in the e-mail
    past = case_views.clock_view(DEMO.clocks[1], review, review.due_at + timedelta(seconds=1), H)
    assert (past.state, past.days_left) == ("expired", 0)


def test_a_clock_left_paused_ends_with_the_case() -> None:
    paused = act(submitted(), "request_complement", MON).case
    closed = act(paused, "complement_expired", MON + timedelta(days=31), Actor.system())
    clock = decision(closed.case)
    assert clock.state == "done" and clock.paused == ((MON, MON + timedelta(days=31)),)


def test_silence_is_consent_when_the_time_to_decide_runs_out() -> None:
    case = submitted()
    deadline = case.deadlines["clock:decision"]
    clock = DEMO.clocks[0]
    granted = fire(
        DEMO, case, deadline.on_expiry, CLOCK, {}, deadline.due_at, clocks.expiry_reason(clock), H
    )
    assert granted.case.state == "accepted" and decision(granted.case).state == "expired"
    entry = granted.entry
    assert (entry.event, entry.actor, entry.role) == (
        "granted_by_silence",
        "system:clock",
        "system",
    )
    assert "passed without an answer" in entry.reason and "silence is consent" in entry.reason
    assert entry.data["clocks"] == [
        {"clock": "decision", "expired": deadline.due_at.isoformat(), "silence_is_consent": True}
    ]
    assert [n.template for n in granted.notifications] == ["case_decided"]


def test_the_clocks_own_timer_counts_even_a_second_early() -> None:
    case = submitted()
    due = case.deadlines["clock:decision"].due_at
    early = due - timedelta(seconds=2)  # timers wait whole seconds
    by_timer = fire(DEMO, case, "granted_by_silence", CLOCK, {"deadline": "clock:decision"}, early)
    assert decision(by_timer.case).state == "expired"
    by_hand = fire(DEMO, case, "accept", OFFICER, {"deadline": "clock:decision"}, due)
    assert decision(by_hand.case).state == "done"  # only the system clock's timer says so


def test_a_late_or_doubled_callback_finds_nothing_to_fire() -> None:
    case = submitted()
    first = case.deadlines["clock:decision"]
    paused = act(case, "request_complement", MON).case
    assert due_timer(paused, "clock:decision", first.due_at) is None  # stopped meanwhile
    resumed = act(paused, "complement", MON + timedelta(days=7), OWNER).case
    assert due_timer(resumed, "clock:decision", first.due_at) is None  # a stale timer
    current = resumed.deadlines["clock:decision"]
    assert due_timer(resumed, "clock:decision", current.due_at) == current
    granted = fire(DEMO, resumed, "granted_by_silence", CLOCK, {}, current.due_at, "", H)
    assert due_timer(granted.case, "clock:decision", current.due_at) is None  # doubled


def test_the_engine_owns_the_clocks_notes_in_history() -> None:
    fired = fire(DEMO, draft(), "withdraw", OWNER, {"clocks": "forged", "why": "moved"}, MON)
    assert fired.entry.data == {"why": "moved"}


def test_clock_deadlines_make_valid_execution_names() -> None:
    deadline = submitted().deadlines["clock:decision"]
    name = lifecycle.execution_name("c1", deadline)
    assert name.startswith("c1-clock-decision-") and ":" not in name


# --- declaring clocks ------------------------------------------------------------------------


def machine(*clocks_: Clock, refusal_reason: bool = True) -> Machine:
    anyone = frozenset({"citizen"})
    return Machine(
        "bad",
        "BD",
        (State("a", StateKind.INITIAL), State("no", StateKind.TERMINAL, refusal=True)),
        (
            Transition("go", ("a",), "a", anyone),
            Transition("stretch", ("a",), "a", anyone, requires_reason=True),
            Transition("refuse", ("a",), "no", anyone, requires_reason=refusal_reason),
        ),
        clocks=clocks_,
    )


@pytest.mark.parametrize(
    ("clock", "message"),
    [
        (Clock("c", 5, start=("teleport",)), "no transition"),
        (Clock("c", 5, start=("go",), on_expiry="vanish"), "no transition"),
        (Clock("c", 5, start=("go",), pause=("go",)), "one at most"),
        (Clock("c", 5, start=("go",), extension=Extension("go", 3)), "one at most"),
        (Clock("c", 5, start=("stretch",), extension=Extension("go", 3)), "needs a reason"),
        (Clock("c", 5, start=("go",), silence_is_consent=True), "nothing fires"),
        (Clock("c", 0, start=("go",)), "no length"),
    ],
)
def test_clocks_are_checked_when_declared(clock: Clock, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        machine(clock)


def test_every_way_into_a_refusal_requires_a_reason() -> None:
    with pytest.raises(ValueError, match="refusal must require a reason"):
        machine(refusal_reason=False)
    assert machine(Clock("c", 5, start=("go",), extension=Extension("stretch", 3))).clocks
