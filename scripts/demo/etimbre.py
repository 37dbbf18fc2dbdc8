"""Demo data of this service for ``make run``: marked as demo data, safe to run twice.

Three demo stamps of the citizen ``demo-etimbre-citizen`` (``make -s token ROLE=citizen
SUB=demo-etimbre-citizen``): one valid, one used at FR-PAR, one expired unpaid; and today's
demo settlement file of the gateway, with one amount that does not match.

Under ``make run`` (this process lives as long as the API) it also starts the stand-in
payment gateway on 127.0.0.1:8010, whose callbacks go to the API's webhook.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.services.etimbre.domain import Stamp

OWNER = "citizen:demo-etimbre-citizen"  # identity("citizen", SUB) of make token
DEMO_REFERENCE = "DEMO DATA (scripts/demo/etimbre.py)"
GATEWAY_PORT = 8010


def _id(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"khidmat-demo-etimbre/{name}").hex


def _stamp(name: str, service: str, at: datetime) -> Stamp:
    from chalicelib.services.etimbre import domain

    return domain.Stamp(
        stamp_id=_id(name),
        state=domain.PENDING,
        service=service,
        consulate="FR-PAR",
        channel=domain.ONLINE,
        amount=Decimal("600.00") if service == "passport" else Decimal("40.00"),
        currency="MAD",
        owner=OWNER,
        fee_reference=DEMO_REFERENCE,
        created_at=at,
        payment_deadline=domain.payment_deadline(at),
        day=at.date().isoformat(),
    )


def _number(name: str) -> str:
    from chalicelib.services.etimbre import domain

    return domain.stamp_number(int(_id(name), 16))


def seed(env: dict[str, str]) -> list[str]:
    from chalicelib.services.etimbre import settlement_file
    from chalicelib.store.etimbre import reads, stamps
    from chalicelib.store.etimbre.exits import consumption, write_alone

    now = datetime.now(UTC)
    written = []
    for name, service, fate in (
        ("valid", "passport", "paid"),
        ("used", "legalisation", "used"),
        ("expired", "passport", "expired"),
    ):
        if reads.get(_id(name)) is not None:
            continue  # already seeded
        at = now - timedelta(hours=1)
        stamp = _stamp(name, service, at)
        stamp = stamps.create(stamp)
        if fate == "expired":
            stamps.expire(stamp, now)
        else:
            stamp = stamps.mark_paid(stamp, _number(name), f"pay_demo_{name}", at)
        if fate == "used":
            also = consumption(
                stamp, service=service, consulate="FR-PAR", agent="demo-agent", case_id="", at=now
            )
            write_alone(also)
        written.append(name)
    day = (now - timedelta(hours=1)).date().isoformat()
    settlement_file.write(
        settlement_file.key_for(day),
        "payment_id,reference,amount,currency\n"
        f"pay_demo_valid,{_id('valid')},600.00,MAD\n"
        f"pay_demo_used,{_id('used')},45.00,MAD\n",  # the demo mismatch
    )
    lines = [
        f"demo eTimbre stamps of {OWNER}: valid {_number('valid')}, used {_number('used')}"
        + (f" (new: {', '.join(written)})" if written else ""),
        f"demo gateway settlement file {settlement_file.key_for(day)} (one amount mismatch)",
    ]
    return lines + _start_gateway(env)


def _start_gateway(env: dict[str, str]) -> list[str]:
    """The stand-in gateway for ``make run`` only: the local stage against the moto server
    (the tests and the bench run moto in-process, and start their own stand-in)."""
    local = env.get("KHIDMAT_STAGE", os.environ.get("KHIDMAT_STAGE", "local")) == "local"
    if not (local and os.environ.get("AWS_ENDPOINT_URL", "").startswith("http://127.0.0.1")):
        return []
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", GATEWAY_PORT)) == 0:
            return [f"stand-in payment gateway already on 127.0.0.1:{GATEWAY_PORT}"]
    from chalicelib.services.etimbre.gateway import secret
    from scripts.standins.payment_gateway import StandInGateway, http_delivery

    api = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/etimbre/payments/webhook"
    gateway = StandInGateway(secret(), http_delivery(api))
    gateway.serve(GATEWAY_PORT)
    os.environ["PAYMENT_GATEWAY_URL"] = gateway.base_url  # the API's process inherits it
    return [f"stand-in payment gateway on {gateway.base_url} (pay pages: <pay_url>)"]
