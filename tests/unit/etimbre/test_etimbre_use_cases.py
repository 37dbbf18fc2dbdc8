"""eTimbre's use cases against the in-memory fakes of ``tests/fakes/etimbre.py`` (decision
§71): the rules tests/e2e/etimbre asserts through HTTP, moto and the stand-in gateway (a
stamp sold at its consulate's fee, the signed callback paying once, an unpaid stamp
expiring, a use or a refund once and only at its consulate, the buyer's refund request and
its refusal, the Treasury's day, the fee of an appointment's check-in), here in milliseconds
and with AWS out of reach (any AWS call fails the test)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace, Refusal
from chalicelib.services.etimbre import domain, ports, reconciliation, service
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.fee_payments import PAYMENTS
from chalicelib.services.etimbre.payment import stamp_timer_fired
from chalicelib.workflow import repository
from chalicelib.workflow.case import Case, HistoryEntry
from tests.fakes.cases import InMemoryCases
from tests.fakes.equivalence import InMemoryContacts
from tests.fakes.etimbre import InMemoryGateway, InMemorySettlements, InMemoryStamps

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
PARIS = "FR-PAR"
BUYER = Principal(
    "citizen:etimbre-unit",
    "citizen",
    frozenset({"citizen"}),
    given_name="Yasmine",
    family_name="Alaoui",
    email="yasmine@demo.invalid",
    email_verified=True,
)
STRANGER = Principal("citizen:someone-else", "citizen", frozenset({"citizen"}))
AGENT = Principal("staff:agent-par", "staff", frozenset({"consular_agent"}), PARIS)
MADRID = Principal("staff:agent-mad", "staff", frozenset({"consular_agent"}), "ES-MAD")


@dataclass
class World:
    stamps: InMemoryStamps
    gateway: InMemoryGateway
    settlements: InMemorySettlements
    cases: InMemoryCases
    moment: list[datetime]

    def at(self, moment: datetime) -> None:
        self.moment[0] = moment

    def callback(self, stamp: Stamp, kind: str = "payment.succeeded", **event: Any) -> Any:
        """The gateway's signed callback for ``stamp``, sent now."""
        body, timestamp, signature = self.signed(stamp, kind, **event)
        return service.webhook(body, timestamp, signature)

    def signed(
        self, stamp: Stamp, kind: str = "payment.succeeded", **event: Any
    ) -> tuple[bytes, str, str]:
        payload = {
            "type": kind,
            "reference": stamp.stamp_id,
            "amount": str(stamp.amount),
            "currency": stamp.currency,
            "payment_id": f"pay-{stamp.stamp_id[:8]}",
            **event,
        }
        body = json.dumps(payload).encode()
        timestamp = str(int(self.moment[0].timestamp()))
        return body, timestamp, domain.signature(self.gateway.shared_secret, timestamp, body)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def no_aws(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a unit test called AWS: {args[1:2]}")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_aws)
    moment = [START]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    w = World(InMemoryStamps(), InMemoryGateway(), InMemorySettlements(), InMemoryCases(), moment)
    fakes = ports.Ports(
        reads=w.stamps,
        sales=w.stamps,
        callbacks=w.stamps,
        exits=w.stamps,
        refund_asks=w.stamps,
        gateway=w.gateway,
        contacts=InMemoryContacts(),
        settlements=w.settlements,
    )
    with repository.using(w.cases), ports.using(fakes):
        yield w


def refusal(slug: str) -> Any:
    return pytest.raises(Refusal, match=slug)


def buy(service_code: str = "passport", consulate: str = PARIS) -> Stamp:
    return service.purchase(BUYER, service_code, consulate, "online", "", "fr")


def paid(world: World, service_code: str = "passport", consulate: str = PARIS) -> Stamp:
    stamp = buy(service_code, consulate)
    assert world.callback(stamp).outcome == "paid"
    found = world.stamps.get(stamp.stamp_id)
    assert found is not None
    return found


def errors_of(refused: Refusal) -> set[str]:
    return {e.field for e in refused.errors}


# --- a stamp sold -----------------------------------------------------------------------


def test_a_stamp_is_sold_pending_at_today_s_fee_with_its_session_and_timer(world: World) -> None:
    stamp = buy()
    assert (stamp.state, stamp.amount, stamp.currency) == (domain.PENDING, Decimal("600.00"), "MAD")
    assert "Non vérifié" in stamp.fee_reference  # no seed states the fee: unverified
    assert stamp.pay_url == world.gateway.sessions[stamp.stamp_id].pay_url
    assert stamp.email == BUYER.email  # the token's verified address reaches the buyer
    assert stamp.payment_deadline == START + domain.PAYMENT_WINDOW
    assert world.stamps.timers == [(stamp.stamp_id, "start", stamp.payment_deadline)]
    assert [(r.event, r.by.actor) for r in world.stamps.audit] == [("sold", BUYER.subject)]
    assert world.stamps.totals[(START.date().isoformat(), f"{PARIS}#passport#online")] == {
        "pending": (1, 60000)
    }


def test_a_fee_change_never_changes_a_stamp_already_sold(world: World) -> None:
    world.at(datetime(2025, 12, 31, 12, 0, tzinfo=UTC))
    sold = buy()
    world.at(START)
    assert sold.amount == Decimal("500.00")
    stored = world.stamps.get(sold.stamp_id)
    assert stored is not None and stored.amount == Decimal("500.00")
    assert buy().amount == Decimal("600.00")


def test_unknown_codes_and_a_service_the_consulate_does_not_offer_are_refused(
    world: World,
) -> None:
    with refusal("etimbre-unknown-code") as unknown:
        buy("no_such_service", "XX-NOWHERE")
    assert errors_of(unknown.value) == {"body.service", "body.consulate"}
    with refusal("etimbre-service-not-offered") as not_offered:
        buy("nationality_certificate", "FR-LYO")
    assert errors_of(not_offered.value) == {"body.service"}
    assert buy("passport", "FR-LYO").state == domain.PENDING
    assert len(world.stamps.stamps) == 1


def test_a_terminal_sale_by_an_agent_of_the_consulate_only(world: World) -> None:
    with refusal("validation-failed") as no_reference:
        service.purchase(AGENT, "legalisation", PARIS, "terminal", "", "fr")
    assert errors_of(no_reference.value) == {"body.terminal_reference"}
    with refusal("validation-failed") as elsewhere:
        service.purchase(MADRID, "legalisation", PARIS, "terminal", "TPE-1", "fr")
    assert errors_of(elsewhere.value) == {"body.consulate"}
    with refusal("etimbre-wrong-channel"):  # a citizen never sells on a terminal
        service.purchase(BUYER, "legalisation", PARIS, "terminal", "TPE-1", "fr")
    sold = service.purchase(AGENT, "legalisation", PARIS, "terminal", "TPE-1", "fr")
    assert (sold.channel, sold.email) == ("terminal", "")  # the agent's address is never used
    assert world.stamps.audit[-1].by.office == PARIS


def test_a_buyer_finds_their_own_stamps_newest_first_page_by_page(world: World) -> None:
    bought = []
    for minute in range(3):
        world.at(START + timedelta(minutes=minute))
        bought.append(buy().stamp_id)
    first, after = service.mine(BUYER, 2, None)
    assert [s.stamp_id for s in first] == bought[::-1][:2] and after
    rest, last = service.mine(BUYER, 2, after)
    assert [s.stamp_id for s in rest] == [bought[0]] and last is None
    assert service.mine(STRANGER, 2, None) == ([], None)
    assert service.owned(bought[0], BUYER).stamp_id == bought[0]  # by its purchase id
    assert service.owned(bought[0], AGENT).stamp_id == bought[0]  # its consulate's agent
    for someone in (STRANGER, MADRID):
        with refusal("not-found"):
            service.owned(bought[0], someone)


def test_a_gateway_that_does_not_answer_sells_nothing(world: World) -> None:
    world.gateway.down = True
    with refusal("etimbre-gateway-unavailable"):
        buy()
    assert world.stamps.stamps == {} and world.stamps.totals == {}


# --- the gateway's signed callback ------------------------------------------------------


def test_a_payment_pays_once_with_a_number_and_the_buyer_told(world: World) -> None:
    stamp = buy()
    first = world.callback(stamp)
    assert first.outcome == "paid" and domain.is_well_formed(first.number)
    stored = world.stamps.by_number(first.number)
    assert stored is not None and stored.state == domain.PAID and stored.paid_at == START
    assert [m.channel for _, m in world.stamps.outbox] == ["email"]
    assert world.stamps.outbox[0][1].data["reference"] == first.number
    world.at(START + timedelta(seconds=30))
    second = world.callback(stamp)  # the gateway's duplicate, signed anew
    assert (second.outcome, second.number) == ("duplicate", first.number)
    assert len(world.stamps.numbers) == 1 and len(world.stamps.outbox) == 1
    day = (START.date().isoformat(), f"{PARIS}#passport#online")
    assert world.stamps.totals[day] == {"pending": (0, 0), "paid": (1, 60000)}
    assert (stamp.stamp_id, "stop", None) in world.stamps.timers
    assert service.public_state(first.number)[0] == "valid"


def test_a_number_already_taken_is_drawn_again_and_never_given_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = iter([7, 7, 8, 7, 7, 7])
    monkeypatch.setattr(secrets, "randbelow", lambda _: next(draws))
    first, second, third = buy(), buy(), buy()
    assert world.callback(first).number == domain.stamp_number(7)
    assert world.callback(second).number == domain.stamp_number(8)  # 7 was taken
    with refusal("conflict"):  # three draws, all taken: the gateway retries later
        world.callback(third)
    stored = world.stamps.get(third.stamp_id)
    assert stored is not None and stored.state == domain.PENDING and not stored.number
    assert world.stamps.numbers == {
        domain.stamp_number(7): first.stamp_id,
        domain.stamp_number(8): second.stamp_id,
    }


def test_forged_and_stale_callbacks_are_refused_and_a_retry_gets_the_first_answer(
    world: World,
) -> None:
    stamp = buy()
    body, timestamp, signature = world.signed(stamp)
    with refusal("etimbre-bad-signature"):
        service.webhook(body, timestamp, "sha256=" + "0" * 64)
    with refusal("etimbre-bad-signature"):
        service.webhook(body.replace(b"600.00", b"6.00"), timestamp, signature)
    world.at(START + domain.SIGNATURE_TOLERANCE + timedelta(seconds=1))
    with refusal("etimbre-bad-signature"):
        service.webhook(body, timestamp, signature)  # stale
    stored = world.stamps.get(stamp.stamp_id)
    assert stored is not None and stored.state == domain.PENDING  # nothing changed
    world.at(START)
    first = service.webhook(body, timestamp, signature)
    retry = service.webhook(body, timestamp, signature)  # the same request again
    assert first.outcome == "paid" and retry == first


def test_a_refused_card_leaves_the_stamp_unpaid(world: World) -> None:
    stamp = buy()
    assert world.callback(stamp, "payment.failed").outcome == "refused_card"
    stored = world.stamps.get(stamp.stamp_id)
    assert stored is not None and stored.state == domain.PENDING and not stored.number
    assert stored.events[-1]["event"] == "card_refused"


def test_a_payment_of_the_wrong_amount_is_refunded_at_once_and_flagged_once(
    world: World,
) -> None:
    stamp = buy()
    assert world.callback(stamp, amount="60.00").outcome == "mismatch_refunded"
    assert [r for r in world.gateway.refunds if r.startswith(stamp.stamp_id + "-")]
    assert stamp.stamp_id not in world.gateway.refunds  # its own reference stays free
    stored = world.stamps.get(stamp.stamp_id)
    assert stored is not None and stored.state == domain.PENDING
    flags = reconciliation.flags(START.date().isoformat())
    assert [(f["stamp_id"], f["kind"]) for f in flags] == [(stamp.stamp_id, "amount_mismatch")]
    assert flags[0]["received"] == "60.00 MAD"
    world.at(START + timedelta(seconds=5))
    assert world.callback(stamp, amount="60.00").outcome == "mismatch_refunded"
    assert len(reconciliation.flags(START.date().isoformat())) == 1  # flagged once


# --- an unpaid stamp expiring -----------------------------------------------------------


def test_an_unpaid_stamp_expires_on_its_timer_and_a_late_payment_goes_back(
    world: World,
) -> None:
    stamp = buy()
    assert stamp_timer_fired({"case_id": stamp.stamp_id}) == "stale"  # not due yet
    world.at(stamp.payment_deadline + timedelta(seconds=1))
    assert stamp_timer_fired({"case_id": stamp.stamp_id}) == "expired"
    assert stamp_timer_fired({"case_id": stamp.stamp_id}) == "stale"  # once
    assert stamp_timer_fired({"case_id": "f" * 32}) == "unknown stamp"
    late = world.callback(stamp)
    assert late.outcome == "late" and late.number == ""
    assert stamp.stamp_id in world.gateway.refunds
    stored = world.stamps.get(stamp.stamp_id)
    assert stored is not None and stored.state == domain.EXPIRED and not stored.number
    kinds = {f["kind"] for f in reconciliation.flags(stored.day)}
    assert kinds == {"paid_after_expiry"}


def test_a_payment_racing_the_expiry_wins_or_loses_whole(world: World) -> None:
    stamp = buy()
    world.at(stamp.payment_deadline + timedelta(seconds=1))
    assert world.callback(stamp).outcome == "paid"  # the gateway was first
    assert stamp_timer_fired({"case_id": stamp.stamp_id}) == "stale"
    with pytest.raises(LostRace) as lost:  # the timer's write, made on a stale copy
        world.stamps.expire(stamp, clock.now())
    assert lost.value.failed == frozenset({"stamp"})
    stored = world.stamps.get(stamp.stamp_id)
    assert stored is not None and stored.state == domain.PAID


# --- an agent at the counter ------------------------------------------------------------


def test_a_stamp_is_used_once_only_for_its_service_at_its_consulate(world: World) -> None:
    stamp = paid(world)
    with refusal("not-found"):
        service.consume(stamp.number, "passport", MADRID, "")
    with refusal("etimbre-stamp-unusable"):
        service.consume(stamp.number, "civil_status", AGENT, "")
    used = service.consume(stamp.number, "passport", AGENT, "")
    assert (used.state, used.used_consulate, used.used_by) == ("used", PARIS, AGENT.subject)
    with pytest.raises(Refusal, match="already used"):
        service.consume(stamp.number, "passport", AGENT, "")
    assert service.public_state(stamp.number)[0] == "used"
    with refusal("etimbre-not-refundable"):
        service.refund(stamp.number, "changed my mind", AGENT)
    row = world.stamps.totals[(stamp.day, f"{PARIS}#passport#online")]
    assert row["used"] == (1, 60000) and row["paid"] == (0, 0)


def test_a_use_is_recorded_only_against_an_appointment_of_the_agent_s_consulate(
    world: World,
) -> None:
    stamp = paid(world)
    own = appointment(world, PARIS)
    for case_id in (appointment(world, "ES-MAD"), "f" * 32):
        with refusal("etimbre-case-refused") as refused:
            service.consume(stamp.number, "passport", AGENT, case_id)
        assert errors_of(refused.value) == {"body.case_id"}
    assert service.public_state(stamp.number)[0] == "valid"  # nothing was used
    assert service.consume(stamp.number, "passport", AGENT, own).used_case_id == own


def test_a_refund_happens_once_whatever_the_retries(world: World) -> None:
    stamp = paid(world)
    with refusal("not-found"):
        service.refund(stamp.number, "wrong service bought", MADRID)
    first = service.refund(stamp.number, "wrong service bought", AGENT)
    assert first.state == domain.REFUNDED and first.refund_reason == "wrong service bought"
    assert service.refund(stamp.number, "again", AGENT).state == domain.REFUNDED
    assert world.gateway.refund_calls == 1 and stamp.stamp_id in world.gateway.refunds
    with refusal("etimbre-stamp-unusable"):
        service.consume(stamp.number, "passport", AGENT, "")
    assert service.public_state(stamp.number)[0] == "refunded"
    assert [m.template for _, m in world.stamps.outbox][-1] == "etimbre_refunded"
    row = world.stamps.totals[(stamp.day, f"{PARIS}#passport#online")]
    assert row["refunded"] == (1, 60000) and row["paid"] == (0, 0)


def test_a_refund_interrupted_by_the_gateway_is_on_hold_then_finished(world: World) -> None:
    stamp = paid(world)
    world.gateway.down = True
    with refusal("etimbre-gateway-unavailable"):
        service.refund(stamp.number, "wrong service bought", AGENT)
    held = world.stamps.get(stamp.stamp_id)
    assert held is not None and held.state == domain.REFUND_PENDING
    with refusal("etimbre-stamp-unusable"):  # on hold: no use can slip in
        service.consume(stamp.number, "passport", AGENT, "")
    world.gateway.down = False
    assert service.refund(stamp.number, "retry", AGENT).state == domain.REFUNDED
    assert list(world.gateway.refunds) == [stamp.stamp_id]


# --- the buyer's refund request ---------------------------------------------------------


def waiting_numbers(agent: Principal = AGENT) -> list[str]:
    found, _ = service.refunds_waiting(agent.office, 50, None)
    return [s.number for s in found]


def test_a_buyer_asks_an_agent_refuses_then_refunds(world: World) -> None:
    stamp = paid(world)
    asked = service.ask_refund(stamp.number, "appointment cancelled", BUYER)
    assert asked.state == domain.PAID and asked.refund_asked_at == START
    with refusal("etimbre-not-refundable"):  # one request at a time
        service.ask_refund(stamp.number, "again", BUYER)
    assert waiting_numbers() == [stamp.number]
    assert service.public_state(stamp.number)[0] == "valid"  # usable while it waits
    refused = service.refuse_refund(stamp.number, "the passport was delivered", AGENT)
    assert refused.state == domain.PAID and refused.refund_asked_at is None
    assert refused.refund_refused_reason == "the passport was delivered"
    assert waiting_numbers() == []
    told = world.stamps.outbox[-1][1]
    assert told.template == "etimbre_refund_refused"
    assert told.data["reason"] == "the passport was delivered"
    with refusal("etimbre-no-refund-request"):  # nothing waits now
        service.refuse_refund(stamp.number, "again", AGENT)
    service.ask_refund(stamp.number, "appointment cancelled by the consulate", BUYER)
    assert service.refund(stamp.number, "granted", AGENT).state == domain.REFUNDED
    assert waiting_numbers() == []


def test_only_the_buyer_asks_and_only_the_consulate_answers(world: World) -> None:
    stamp = paid(world)
    with refusal("not-found"):
        service.ask_refund(stamp.number, "not mine", STRANGER)
    service.ask_refund(stamp.number, "appointment cancelled", BUYER)
    with refusal("not-found"):
        service.refuse_refund(stamp.number, "not ours", MADRID)
    assert waiting_numbers(MADRID) == [] and waiting_numbers() == [stamp.number]


def test_a_used_stamp_or_one_past_its_window_is_not_asked_for(world: World) -> None:
    used = paid(world)
    service.consume(used.number, "passport", AGENT, "")
    with refusal("etimbre-not-refundable"):
        service.ask_refund(used.number, "too late", BUYER)
    old = paid(world)
    world.at(START + domain.REFUND_WINDOW + timedelta(days=1))
    with pytest.raises(Refusal, match="days of the payment"):
        service.ask_refund(old.number, "forgot", BUYER)


def test_a_use_while_a_request_waits_ends_the_request(world: World) -> None:
    stamp = paid(world)
    service.ask_refund(stamp.number, "appointment cancelled", BUYER)
    service.consume(stamp.number, "passport", AGENT, "")  # the buyer came after all
    assert waiting_numbers() == []  # dropped as it is met
    assert world.stamps.asks[PARIS] == {}
    with refusal("etimbre-not-refundable"):
        service.refund(stamp.number, "asked", AGENT)


def test_the_refund_queue_is_oldest_first_page_by_page(world: World) -> None:
    numbers = []
    for minute in range(3):
        world.at(START + timedelta(minutes=minute))
        stamp = paid(world)
        service.ask_refund(stamp.number, "cancelled", BUYER)
        numbers.append(stamp.number)
    first, after = service.refunds_waiting(PARIS, 2, None)
    assert [s.number for s in first] == numbers[:2] and after
    rest, last = service.refunds_waiting(PARIS, 2, after)
    assert [s.number for s in rest] == numbers[2:] and last is None


# --- the Treasury's day -----------------------------------------------------------------


def test_a_day_reconciled_with_its_totals_and_the_settlement_matched(world: World) -> None:
    used, refunded, kept = paid(world), paid(world), paid(world)
    at_counter = service.purchase(AGENT, "legalisation", PARIS, "terminal", "TPE-7", "fr")
    world.callback(at_counter)
    unpaid = buy()
    service.consume(used.number, "passport", AGENT, "")
    service.refund(refunded.number, "wrong service", AGENT)
    day = START.date().isoformat()
    rows = {(r.channel, r.state): (r.count, r.amount) for r in service.totals(day, PARIS)}
    assert rows == {
        ("online", "pending"): (1, Decimal("600.00")),
        ("online", "paid"): (1, Decimal("600.00")),
        ("online", "used"): (1, Decimal("600.00")),
        ("online", "refunded"): (1, Decimal("600.00")),
        ("terminal", "paid"): (1, Decimal("40.00")),
    }
    assert service.totals(day, "ES-MAD") == []
    key = f"etimbre/settlements/{day}.csv"
    with refusal("etimbre-settlement-missing"):
        service.match_settlement(day, key)
    lines = ["payment_id,reference,amount,currency"]
    for stamp in (used, refunded, world.stamps.get(at_counter.stamp_id)):
        assert stamp is not None
        amount = "60.00" if stamp is used else str(stamp.amount)
        lines.append(f"{stamp.payment_id},{stamp.stamp_id},{amount},MAD")
    lines += [f"pay_unknown,{'f' * 32},75.00,MAD", f"pay_unpaid,{unpaid.stamp_id},600.00,MAD"]
    lines.append("broken,line,not-a-number,MAD")
    world.settlements.files[key] = "\n".join(lines) + "\n"
    result = service.match_settlement(day, key)
    assert result.matched == 2
    assert {k: result.count(k) for k in ("amount_mismatch", "missing_gateway", "missing_ours")} == {
        "amount_mismatch": 1,
        "missing_gateway": 1,  # kept: paid, never settled
        "missing_ours": 2,  # unknown, and one we never took a payment for
    }
    mismatch = next(p for p in result.problems if p["kind"] == "amount_mismatch")
    assert (mismatch["number"], mismatch["gateway_amount"]) == (used.number, "60.00 MAD")
    missing = next(p for p in result.problems if p["kind"] == "missing_gateway")
    assert missing["reference"] == kept.stamp_id
    assert result.count("unreadable") == 1


# --- the fee of an appointment's check-in (chalicelib.ports.FeePayments) ----------------


def appointment(world: World, office: str) -> str:
    case_id = world.cases.new_case_id()
    world.cases.cases[case_id] = Case(
        case_id, f"CA-2026-{case_id[-6:]}", "consular_appointment", BUYER.subject, office,
        "booked", 1, START, START,
    )  # fmt: skip
    return case_id


def checked_in(world: World, case_id: str, also: Any) -> None:
    before = world.cases.cases[case_id]
    after = Case(**{**before.__dict__, "state": "checked_in", "version": before.version + 1})
    entry = HistoryEntry(
        2, "check_in", "booked", "checked_in", AGENT.subject, "staff", PARIS, START
    )
    world.cases.save_transition(before, after, entry, also=[also])


def test_the_fee_port_names_the_fee_and_why_a_stamp_cannot_pay(world: World) -> None:
    fee = PAYMENTS.fee("passport", START, PARIS)
    assert fee is not None and fee.amount == Decimal("600.00")
    stamp = paid(world)
    why = PAYMENTS.why_not_payable
    assert why(stamp.number, owner=BUYER.subject, service="passport", office=PARIS) is None
    assert why(stamp.number, owner=STRANGER.subject, service="passport", office=PARIS) == (
        "no stamp of yours has this number"  # someone else's reads like an unknown one
    )
    assert "not civil_status" in str(
        why(stamp.number, owner=BUYER.subject, service="civil_status", office=PARIS)
    )
    assert "not ES-MAD" in str(
        why(stamp.number, owner=BUYER.subject, service="passport", office="ES-MAD")
    )


def test_a_check_in_spends_the_stamp_in_its_own_transaction(world: World) -> None:
    stamp = paid(world)
    case_id = appointment(world, PARIS)
    also = PAYMENTS.used_with(
        stamp.number,
        service="passport",
        office=PARIS,
        agent=AGENT.subject,
        case_id=case_id,
        owner=BUYER.subject,
    )
    checked_in(world, case_id, also)
    assert world.cases.cases[case_id].state == "checked_in"
    spent = world.stamps.get(stamp.stamp_id)
    assert spent is not None and (spent.state, spent.used_case_id) == (domain.USED, case_id)
    with refusal("etimbre-stamp-unusable"):  # spent: refused at once, before any write
        PAYMENTS.used_with(
            stamp.number, service="passport", office=PARIS, agent="a", case_id="c", owner=""
        )


def test_a_stamp_spent_meanwhile_leaves_the_check_in_undone(world: World) -> None:
    stamp = paid(world)
    case_id = appointment(world, PARIS)
    also = PAYMENTS.used_with(
        stamp.number,
        service="passport",
        office=PARIS,
        agent=AGENT.subject,
        case_id=case_id,
        owner=BUYER.subject,
    )
    service.consume(stamp.number, "passport", AGENT, "")  # at the counter, meanwhile
    with pytest.raises(LostRace) as lost:
        checked_in(world, case_id, also)
    assert lost.value.failed == frozenset({"stamp"})
    assert world.cases.cases[case_id].state == "booked"  # nothing of the transition
    spent = world.stamps.get(stamp.stamp_id)
    assert spent is not None and spent.used_case_id == ""
