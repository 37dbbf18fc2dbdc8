"""The pure rules of stamps: fees over time, numbers with check digits, signatures, what a
callback does, when a stamp can be used or refunded, and settlement matching."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib import consulates
from chalicelib.services.etimbre import domain, fees
from chalicelib.services.etimbre.domain import SettlementLine, Stamp

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def a_stamp(state: str = domain.PAID, **more: object) -> Stamp:
    values: dict[str, object] = {
        "stamp_id": "a" * 32,
        "state": state,
        "service": "passport",
        "consulate": "FR-PAR",
        "channel": "online",
        "amount": Decimal("600.00"),
        "currency": "MAD",
        "owner": "citizen-1",
        "fee_reference": "LF 2026",
        "created_at": NOW,
        "payment_deadline": NOW + domain.PAYMENT_WINDOW,
        "day": "2026-11-26",
        "number": "",
        "payment_id": "pay_1",
        **more,
    }
    return Stamp(**values)  # type: ignore[arg-type]


def test_a_fee_change_is_a_new_version_and_old_sales_keep_theirs() -> None:
    before = fees.current_fee("passport", datetime(2025, 6, 1, tzinfo=UTC))
    after = fees.current_fee("passport", datetime(2026, 6, 1, tzinfo=UTC))
    assert before is not None and after is not None
    assert (before.amount, after.amount) == (Decimal("500.00"), Decimal("600.00"))
    assert before.valid_until == after.valid_from  # no gap, no overlap
    assert fees.current_fee("visa", NOW) is None
    assert fees.current_fee("passport", datetime(2020, 1, 1, tzinfo=UTC)) is None


def test_every_consular_service_has_a_fee_in_mad() -> None:
    for service in consulates.SERVICES:
        fee = fees.current_fee(service.code, NOW)
        assert fee is not None, service.code
        assert isinstance(fee.amount, Decimal) and fee.currency == "MAD"


def test_numbers_carry_iso_7064_check_digits() -> None:
    number = domain.stamp_number(1234567890123)
    assert number == "1234567890123" + domain.check_digits("1234567890123")
    assert len(number) == 15 and domain.is_well_formed(number)
    assert int(number) % 97 == 1
    typo = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    assert not domain.is_well_formed(typo)
    swapped = number[:3] + number[4] + number[3] + number[5:]
    assert swapped == number or not domain.is_well_formed(swapped)
    assert not domain.is_well_formed("abc") and not domain.is_well_formed("١" * 15)


def test_a_signature_binds_body_and_time() -> None:
    body = b'{"type":"payment.succeeded"}'
    stamp_time = str(int(NOW.timestamp()))
    good = domain.signature("s3cret", stamp_time, body)
    assert domain.verify_signature("s3cret", stamp_time, body, good, NOW) is None
    assert domain.verify_signature("s3cret", stamp_time, body + b" ", good, NOW) == "bad signature"
    assert domain.verify_signature("other", stamp_time, body, good, NOW) == "bad signature"
    later = NOW + domain.SIGNATURE_TOLERANCE + timedelta(seconds=1)
    assert domain.verify_signature("s3cret", stamp_time, body, good, later) == "too old"
    assert domain.verify_signature("s3cret", "x", body, good, NOW) == "bad timestamp"
    assert domain.verify_signature("", stamp_time, body, good, NOW) is not None


def test_what_a_success_callback_does() -> None:
    pending = a_stamp(domain.PENDING)
    assert domain.payment_outcome(pending, Decimal("600.00"), "MAD") == "pay"
    assert domain.payment_outcome(pending, Decimal("600"), "MAD") == "pay"  # same Decimal value
    assert domain.payment_outcome(pending, Decimal("599.99"), "MAD") == "mismatch"
    assert domain.payment_outcome(pending, Decimal("600.00"), "EUR") == "mismatch"
    assert domain.payment_outcome(a_stamp(), Decimal("600.00"), "MAD") == "duplicate"
    assert domain.payment_outcome(a_stamp(domain.EXPIRED), Decimal("600"), "MAD") == "late"


@pytest.mark.parametrize(
    ("state", "service", "usable"),
    [
        (domain.PAID, "passport", True),
        (domain.PAID, "cnie", False),
        (domain.USED, "passport", False),
        (domain.REFUNDED, "passport", False),
        (domain.REFUND_PENDING, "passport", False),
        (domain.EXPIRED, "passport", False),
        (domain.PENDING, "passport", False),
    ],
)
def test_only_a_paid_stamp_for_that_service_is_used(state: str, service: str, usable: bool) -> None:
    assert (domain.why_not_consumable(a_stamp(state), service) is None) is usable


def test_a_stamp_pays_at_the_consulate_it_was_bought_for() -> None:
    assert domain.why_not_consumable(a_stamp(), "passport", "FR-PAR") is None
    assert domain.why_not_consumable(a_stamp(), "passport", "FR-LYO")


def test_only_an_unused_paid_stamp_is_refunded() -> None:
    assert domain.why_not_refundable(a_stamp()) is None
    assert domain.why_not_refundable(a_stamp(domain.REFUNDED)) is None  # a retry
    for state in (domain.USED, domain.EXPIRED, domain.PENDING):
        assert domain.why_not_refundable(a_stamp(state))


def test_the_public_status_says_nothing_more() -> None:
    assert domain.public_status(domain.PAID) == "valid"
    assert domain.public_status(domain.PENDING) == "unknown"  # no number, no stamp yet
    assert domain.public_status(None) == "unknown"


def test_channels_follow_roles() -> None:
    domain.check_channel("online", frozenset({"citizen"}), "")
    domain.check_channel("terminal", frozenset({"consular_agent"}), "TPE-1")
    domain.check_channel("online", frozenset({"consular_agent"}), "")  # a payment link
    with pytest.raises(domain.Refused) as citizen:
        domain.check_channel("terminal", frozenset({"citizen"}), "TPE-1")
    assert citizen.value.code == "etimbre-wrong-channel"
    with pytest.raises(domain.Refused) as no_reference:
        domain.check_channel("terminal", frozenset({"consular_agent"}), "")
    assert no_reference.value.field == "body.terminal_reference"


def test_the_codes_the_api_accepts_are_the_catalogues() -> None:
    from typing import get_args

    from chalicelib.services.etimbre.schemas import ConsulateCode, ServiceCode

    assert set(get_args(ServiceCode)) == {s.code for s in consulates.SERVICES} == set(fees.SERVICES)
    assert set(get_args(ConsulateCode)) == {c.code for c in consulates.CONSULATES}


def test_settlement_matching_finds_every_kind_of_difference() -> None:
    ok = a_stamp(stamp_id="1" * 32, number="n1")
    wrong = a_stamp(stamp_id="2" * 32, number="n2")
    unpaid_by_gateway = a_stamp(stamp_id="3" * 32, number="n3")
    text = (
        "payment_id,reference,amount,currency\n"
        f"p1,{ok.stamp_id},600.00,MAD\n"
        f"p2,{wrong.stamp_id},60.00,MAD\n"
        f"p9,{'9' * 32},30.00,MAD\n"
    )
    lines, errors = domain.parse_settlement(text)
    assert errors == [] and len(lines) == 3
    ours = {s.stamp_id: s for s in (ok, wrong)}
    result = domain.match_settlement(lines, ours, [ok, wrong, unpaid_by_gateway])
    assert result.matched == 1
    kinds = {p["reference"]: p["kind"] for p in result.problems}
    assert kinds == {
        wrong.stamp_id: "amount_mismatch",
        "9" * 32: "missing_ours",
        unpaid_by_gateway.stamp_id: "missing_gateway",
    }
    _, unreadable = domain.parse_settlement("payment_id,reference,amount,currency\np,r,abc,MAD\n")
    assert unreadable == ["2"]  # the line number, for the report


def test_money_in_cents_round_trips() -> None:
    assert domain.cents(Decimal("600.00")) == 60000
    assert domain.from_cents(7550) == Decimal("75.50")
    assert isinstance(SettlementLine(1, "p", "r", Decimal("1"), "MAD").amount, Decimal)


def test_a_replay_guard_outlives_every_moment_its_signature_is_fresh() -> None:
    """Signed at t, seen first at t - 5 min at the earliest, still fresh until t + 5 min."""
    seen = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    last_fresh_replay = seen + 2 * domain.SIGNATURE_TOLERANCE
    assert domain.replay_guard_until(seen) > last_fresh_replay


def test_a_stamp_bought_online_pays_only_for_its_buyer_s_request() -> None:
    online = a_stamp()
    assert domain.why_not_consumable(online, "passport", "FR-PAR", owner=online.owner) is None
    assert domain.why_not_consumable(online, "passport", "FR-PAR", owner="someone-else")
    # Sold on the consulate's terminal, at the counter: the agent is its buyer of record.
    counter = replace(online, channel="terminal", owner="agent-fr-par")
    assert domain.why_not_consumable(counter, "passport", "FR-PAR", owner="citizen-1") is None
