"""Buying a stamp through HTTP: fees, an online purchase paid, a refusal, duplicated, forged
and replayed callbacks, an amount mismatch, the owner's view and receipt, the public check."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from chalicelib.services.etimbre import domain, fees
from chalicelib.settings import get_settings
from scripts.standins.payment_gateway import StandInGateway
from tests.e2e.etimbre.conftest import WEBHOOK
from tests.e2e.etimbre.helpers import buy, headers, session_of


def test_fees_are_public_decimal_and_say_their_legal_source_is_unverified(http: Any) -> None:
    """No source text states a consular fee: the amounts are demo data and say so."""
    answer = http.get("/etimbre/fees")
    assert answer.status_code == 200
    fees = {f["service"]: f for f in answer.json_body["items"]}
    assert set(fees) >= {"passport", "cnie", "legalisation", "nationality_certificate"}
    passport = fees["passport"]
    assert passport["currency"] == "MAD" and passport["amount"] == "600.00"
    assert passport["source"] == "unverified" and passport["legal_reference"].startswith(
        "Non vérifié"
    )
    assert all(f["source"] == "unverified" for f in fees.values())
    assert all(v["source"] == "unverified" for f in fees.values() for v in f["history"])
    assert [v["amount"] for v in passport["history"]] == ["500.00", "600.00"]  # a fee change


def test_an_online_purchase_paid_once_with_a_number_and_a_receipt(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub="etimbre-buyer-1")
    first = buy(http, citizen, "buy-1")
    assert first.status_code == 201, first.body
    stamp = first.json_body
    assert stamp["state"] == "pending" and stamp["number"] is None
    assert stamp["pay_url"].startswith(gateway.base_url) and stamp["amount"] == "600.00"
    # A retry with the same key is the same pending stamp: no second session, no second charge.
    again = buy(http, citizen, "buy-1")
    assert again.json_body["id"] == stamp["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert list(gateway.by_reference).count(stamp["id"]) == 1

    [(status, answer)] = gateway.pay(session_of(stamp), "success")
    assert status == 200 and answer["outcome"] == "paid"
    number = answer["number"]
    assert domain.is_well_formed(number)

    mine = http.get(f"/etimbre/stamps/{number}", headers=headers(citizen)).json_body
    assert mine["state"] == "paid" and mine["paid_at"] and mine["pay_url"] is None
    pdf = http.get(f"/etimbre/stamps/{number}", headers=headers(citizen, Accept="application/pdf"))
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body.startswith(b"%PDF")
    # Its QR code and its text give the public check as a link a phone can open.
    printed = PdfReader(BytesIO(pdf.body)).pages[0].extract_text().replace("\n", "")
    assert f"{get_settings().public_base_url}/public/stamps/{number}" in printed
    # Someone else's stamp does not exist for them.
    stranger = token("citizen", sub="etimbre-stranger")
    assert http.get(f"/etimbre/stamps/{number}", headers=headers(stranger)).status_code == 404

    public = http.get(f"/public/stamps/{number}", headers={"Accept": "application/json"})
    assert public.json_body == {
        "number": number,
        "status": "valid",
        "service": "passport",
        "amount": "600.00",
        "currency": "MAD",
    }
    page = http.get(f"/public/stamps/{number}", headers={"Accept": "text/html"})
    assert (
        page.headers["Content-Type"].startswith("text/html")
        and "Timbre valide" in page.body.decode()
    )
    unknown = http.get("/public/stamps/123456789012345").json_body
    assert unknown["status"] == "unknown"


def test_a_refused_card_leaves_the_stamp_unpaid(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub="etimbre-buyer-2")
    stamp = buy(http, citizen, "buy-refused").json_body
    [(status, answer)] = gateway.pay(session_of(stamp), "refusal")
    assert status == 200 and answer["outcome"] == "refused_card"
    mine = http.get(f"/etimbre/stamps/{stamp['id']}", headers=headers(citizen)).json_body
    assert mine["state"] == "pending" and mine["number"] is None


def test_a_duplicated_callback_pays_once(http: Any, token: Any, gateway: StandInGateway) -> None:
    citizen = token("citizen", sub="etimbre-buyer-3")
    stamp = buy(http, citizen, "buy-dup", service="legalisation").json_body
    (s1, first), (s2, second) = gateway.pay(session_of(stamp), "success", duplicate=True)
    assert (s1, first["outcome"]) == (200, "paid")
    assert (s2, second["outcome"]) == (200, "duplicate")
    assert second["number"] == first["number"]  # never a second stamp for one payment


def test_forged_and_stale_callbacks_are_401_and_a_retry_gets_the_first_answer(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub="etimbre-buyer-4")
    stamp = buy(http, citizen, "buy-forged").json_body
    event = {
        "event_id": "evt_forged",
        "type": "payment.succeeded",
        "payment_id": "pay_forged",
        "reference": stamp["id"],
        "amount": "600.00",
        "currency": "MAD",
    }
    body, signed = gateway.signed(event)
    forged = http.post(
        WEBHOOK, body=body, headers={**signed, "X-Gateway-Signature": "sha256=" + "0" * 64}
    )
    assert forged.status_code == 401
    old = str(int(time.time()) - 3600)
    stale = http.post(
        WEBHOOK,
        body=body,
        headers={
            **signed,
            "X-Gateway-Timestamp": old,
            "X-Gateway-Signature": domain.signature(gateway.secret, old, body),
        },
    )
    assert stale.status_code == 401
    tampered = json.dumps({**event, "amount": "1.00"}).encode()
    assert http.post(WEBHOOK, body=tampered, headers=signed).status_code == 401
    mine = http.get(f"/etimbre/stamps/{stamp['id']}", headers=headers(citizen)).json_body
    assert mine["state"] == "pending"  # nothing changed
    first = http.post(WEBHOOK, body=body, headers=signed)
    assert first.json_body["outcome"] == "paid"
    # The gateway did not hear us and sends the very same request again: the same answer,
    # and still one stamp number, one payment, one notice.
    retry = http.post(WEBHOOK, body=body, headers=signed)
    assert (retry.status_code, retry.json_body) == (first.status_code, first.json_body)
    paid = http.get(f"/etimbre/stamps/{stamp['id']}", headers=headers(citizen)).json_body
    assert paid["number"] == first.json_body["number"]


def test_a_payment_of_the_wrong_amount_is_refunded_at_once_and_flagged(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    citizen = token("citizen", sub="etimbre-buyer-5")
    stamp = buy(http, citizen, "buy-mismatch", service="cnie").json_body
    [(status, answer)] = gateway.pay(session_of(stamp), "success", amount="7.50")
    assert (status, answer["outcome"]) == (200, "mismatch_refunded")
    assert any(ref.startswith(stamp["id"] + "-") for ref in gateway.refunds)  # money back
    mine = http.get(f"/etimbre/stamps/{stamp['id']}", headers=headers(citizen)).json_body
    assert mine["state"] == "pending"  # waiting for the right amount
    auditor = token("treasury_auditor")
    report = http.get(
        f"/etimbre/reconciliation?date={stamp['created_at'][:10]}", headers=headers(auditor)
    ).json_body
    assert any(
        f["stamp_id"] == stamp["id"] and f["kind"] == "amount_mismatch" for f in report["flags"]
    )


def test_a_terminal_sale_by_an_agent_of_the_consulate(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    agent = token("consular_agent", office="ES-MAD", sub="agent-es")
    no_reference = buy(http, agent, "tpe-0", consulate="ES-MAD", channel="terminal")
    assert no_reference.status_code == 422
    elsewhere = buy(
        http, agent, "tpe-1", consulate="FR-PAR", channel="terminal", terminal_reference="T-9"
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json_body["errors"][0]["field"] == "body.consulate"
    sold = buy(
        http, agent, "tpe-2", consulate="ES-MAD", channel="terminal", terminal_reference="TPE-42"
    )
    assert sold.status_code == 201 and sold.json_body["channel"] == "terminal"
    [(_, answer)] = gateway.pay(session_of(sold.json_body), "success")
    assert answer["outcome"] == "paid"
    citizen = token("citizen", sub="etimbre-buyer-6")
    payment_link = buy(http, agent, "tpe-3", consulate="ES-MAD")  # paid online by the citizen
    assert payment_link.status_code == 201 and payment_link.json_body["channel"] == "online"
    citizen_terminal = buy(http, citizen, "tpe-4", channel="terminal", terminal_reference="T-1")
    assert citizen_terminal.status_code == 403
    bad = buy(http, citizen, "bad-codes", service="visa", consulate="XX-YYY")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json_body["errors"]} == {"body.service", "body.consulate"}


def test_a_fee_change_never_changes_a_stamp_already_sold(
    http: Any, token: Any, gateway: StandInGateway, clock: Any
) -> None:
    citizen = token("citizen", sub="etimbre-buyer-7")
    clock(datetime(2025, 12, 31, 23, 0, tzinfo=UTC))  # the eve of the (demo) fee change
    sold = buy(http, citizen, "before-change").json_body
    assert sold["amount"] == "500.00" and "Non vérifié" in sold["legal_reference"]
    clock(datetime.now(UTC))
    later = http.get(f"/etimbre/stamps/{sold['id']}", headers=headers(citizen)).json_body
    assert later["amount"] == "500.00"  # as sold, although the fee is now 600.00
    fee = {f["service"]: f for f in http.get("/etimbre/fees").json_body["items"]}["passport"]
    assert fee["amount"] == "600.00"


def test_a_buyer_lists_their_own_stamps_newest_first_page_by_page(
    http: Any, token: Any, gateway: StandInGateway
) -> None:
    buyer = token("citizen", sub="etimbre-lister")
    bought = [buy(http, buyer, f"list-{n}").json_body["id"] for n in range(3)]
    first = http.get("/etimbre/stamps?limit=2", headers=headers(buyer)).json_body
    assert [s["id"] for s in first["items"]] == bought[::-1][:2] and first["next"]
    rest = http.get(f"/etimbre/stamps?limit=2&cursor={first['next']}", headers=headers(buyer))
    assert [s["id"] for s in rest.json_body["items"]] == [bought[0]]
    stranger = token("citizen", sub="etimbre-not-the-lister")
    assert http.get("/etimbre/stamps", headers=headers(stranger)).json_body["items"] == []
    # A cursor is the buyer's own: another's is refused, never a look at their stamps.
    stolen = http.get(f"/etimbre/stamps?cursor={first['next']}", headers=headers(stranger))
    assert stolen.status_code == 400


def test_a_stamp_is_sold_only_for_a_service_the_consulate_offers(http: Any, token: Any) -> None:
    """Lyon's consulate does not deliver nationality certificates: a stamp for one there
    could never be used, only refunded, so it is not sold."""
    citizen = token("citizen", sub="etimbre-buyer-lyon")
    refused = buy(http, citizen, "lyon-nat", service="nationality_certificate", consulate="FR-LYO")
    assert refused.status_code == 422
    assert refused.json_body["errors"][0]["field"] == "body.service"
    offered = buy(http, citizen, "lyon-pass", service="passport", consulate="FR-LYO")
    assert offered.status_code == 201


def test_a_stamp_is_sold_at_its_consulate_s_fee(
    http: Any, token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A consulate may have its own amount for a service (a version naming it); elsewhere
    the general one applies, and the fee list of a consulate shows what it sells there."""
    madrid = fees.Fee(
        "passport",
        Decimal("650.00"),
        "MAD",
        fees.UNVERIFIED_REFERENCE,
        datetime(2026, 1, 1, tzinfo=UTC),
        None,
        consulate="ES-MAD",
    )
    monkeypatch.setattr(fees, "FEES", (*fees.FEES, madrid))
    listed = http.get("/etimbre/fees?consulate=ES-MAD").json_body["items"]
    passport = next(f for f in listed if f["service"] == "passport")
    assert (passport["amount"], passport["consulate"]) == ("650.00", "ES-MAD")
    general = http.get("/etimbre/fees").json_body["items"]
    assert next(f for f in general if f["service"] == "passport")["amount"] == "600.00"
    citizen = token("citizen", sub="etimbre-fee-per-consulate")
    there = buy(http, citizen, "fee-mad", consulate="ES-MAD")
    here = buy(http, citizen, "fee-par", consulate="FR-PAR")
    assert (there.json_body["amount"], here.json_body["amount"]) == ("650.00", "600.00")
    # A consulate's list holds only what it sells there (Düsseldorf: no nationality papers).
    dusseldorf = http.get("/etimbre/fees?consulate=DE-DUS").json_body["items"]
    assert "nationality_certificate" not in {f["service"] for f in dusseldorf}
