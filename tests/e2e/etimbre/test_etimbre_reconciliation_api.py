"""The Treasury's day: totals kept on write (JSON and CSV), and the gateway's settlement file
matched against the stamps, with one amount mismatch found and every difference listed."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from chalicelib.services.etimbre import settlement_file
from scripts.standins.payment_gateway import StandInGateway
from tests.e2e.etimbre.helpers import buy, headers, session_of

DAY = datetime(2026, 2, 17, 10, 0, tzinfo=UTC)  # a day of its own: no other test sells on it
CONSULATE = "CA-MTL"


def sell(http: Any, token: str, gateway: StandInGateway, key: str, **more: str) -> dict[str, Any]:
    stamp = buy(http, token, key, consulate=CONSULATE, **more).json_body
    [(status, answer)] = gateway.pay(session_of(stamp), "success")
    assert status == 200, answer
    return {**stamp, "number": answer["number"]}


def test_a_day_reconciled_with_one_mismatch_found(
    http: Any, token: Any, gateway: StandInGateway, clock: Any
) -> None:
    clock(DAY)
    gateway.clock = DAY.timestamp
    citizen = token("citizen", sub="etimbre-treasury-buyer")
    agent = token("consular_agent", office=CONSULATE, sub="agent-mtl")
    used = sell(http, citizen, gateway, "rec-1")
    refunded = sell(http, citizen, gateway, "rec-2")
    kept = sell(http, citizen, gateway, "rec-3")
    at_counter = sell(
        http,
        agent,
        gateway,
        "rec-4",
        service="legalisation",
        channel="terminal",
        terminal_reference="TPE-MTL-7",
    )
    unpaid = buy(http, citizen, "rec-5", consulate=CONSULATE).json_body
    consumed = http.post(
        f"/etimbre/stamps/{used['number']}/consume",
        headers=headers(agent),
        body=json.dumps({"service": "passport"}),
    )
    assert consumed.status_code == 200
    assert (
        http.post(
            f"/etimbre/stamps/{refunded['number']}/refund",
            headers=headers(agent),
            body=json.dumps({"reason": "double purchase"}),
        ).json_body["state"]
        == "refunded"
    )

    auditor = headers(token("treasury_auditor"))
    url = f"/etimbre/reconciliation?date={DAY.date()}&consulate={CONSULATE}"
    report = http.get(url, headers=auditor).json_body
    rows = {
        (r["service"], r["channel"], r["state"]): (r["count"], r["amount"]) for r in report["rows"]
    }
    assert rows == {
        ("passport", "online", "used"): (1, "600.00"),
        ("passport", "online", "refunded"): (1, "600.00"),
        ("passport", "online", "paid"): (1, "600.00"),
        ("passport", "online", "pending"): (1, "600.00"),
        ("legalisation", "terminal", "paid"): (1, "40.00"),
    }
    assert report["total_paid"] == "1840.00" and report["total_refunded"] == "600.00"
    as_csv = http.get(url, headers={**auditor, "Accept": "text/csv"})
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(as_csv.body.decode())))
    assert len(lines) == 5 and {line["consulate"] for line in lines} == {CONSULATE}
    assert http.get(url + "&format=csv", headers=auditor).body == as_csv.body

    # The gateway's file: one amount differs, one of our payments is absent, one is unknown.
    ours = {s["id"] for s in (used, refunded, kept, at_counter)}
    lines_out = ["payment_id,reference,amount,currency"]
    for p in gateway.payments:
        if p["reference"] == kept["id"]:
            continue  # the gateway never settled it
        if p["reference"] in ours:
            amount = "60.00" if p["reference"] == used["id"] else p["amount"]
            lines_out.append(f"{p['payment_id']},{p['reference']},{amount},{p['currency']}")
    lines_out.append(f"pay_unknown,{'f' * 32},75.00,MAD")
    settlement_file.write(settlement_file.key_for(str(DAY.date())), "\n".join(lines_out) + "\n")
    matched = http.post(
        "/etimbre/reconciliation/settlements",
        headers=auditor,
        body=json.dumps({"date": str(DAY.date())}),
    )
    assert matched.status_code == 200, matched.body
    result = matched.json_body
    assert (result["matched"], result["amount_mismatch"]) == (2, 1)
    assert (result["missing_gateway"], result["missing_ours"]) == (1, 1)
    kinds = {m["kind"]: m for m in result["mismatches"]}
    assert kinds["amount_mismatch"]["number"] == used["number"]
    assert kinds["amount_mismatch"]["gateway_amount"] == "60.00 MAD"
    assert kinds["missing_gateway"]["number"] == kept["number"]
    assert kinds["missing_ours"]["reference"] == "f" * 32
    assert unpaid["id"] not in {m["reference"] for m in result["mismatches"]}

    missing = http.post(
        "/etimbre/reconciliation/settlements",
        headers=auditor,
        body=json.dumps({"date": "2026-02-18"}),
    )
    assert missing.status_code == 409
    assert missing.json_body["type"] == "urn:khidmat:problem:etimbre-settlement-missing"
    citizen_tries = http.get(url, headers=headers(citizen))
    assert citizen_tries.status_code == 403
