"""How the buyer is reached: the contact chosen at the sale (the body's, else the citizen
token's) and kept on the stamp, and the e-mail and SMS the payment and the refund send to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import consulates, links
from chalicelib.identity import Principal
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.store.etimbre.moves import Message


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""
    language: str = ""


def reach(buyer: Principal, contact: Contact | None, language: str) -> Contact:
    """Where the payment and refund notices go. A citizen's: among their verified contacts
    (the body's choice, else the first verified ones; an unverified address is a 422). At
    the counter the agent types the contact the buyer gives in person, and answers for it;
    the agent's own address is never the buyer's."""
    from chalicelib.services.etimbre import ports

    given = contact or Contact()
    citizen = "citizen" in buyer.roles
    chosen = given.language or (buyer.locale[:2] if citizen else "") or language
    chosen = chosen if chosen in ("ar", "fr", "en") else "fr"
    if not citizen:
        return Contact(email=given.email, phone=given.phone, language=chosen)
    verified = ports.contacts().reach(buyer, email=given.email, phone=given.phone, language=chosen)
    return Contact(email=verified.email, phone=verified.phone, language=chosen)


def notices(stamp: Stamp, number: str, event: str) -> list[Message]:
    """The buyer's e-mail and SMS for ``event`` (paid, refunded, refund_refused): the number,
    the service and the public check's API path, made an absolute link when the message is
    sent (api/links). The check, not the receipt: a link in a mail opens in a browser
    without a token."""
    reasons = {"refunded": stamp.refund_reason, "refund_refused": stamp.refund_refused_reason}
    svc = consulates.service(stamp.service)
    name = svc.names.get(stamp.language, stamp.service) if svc else stamp.service
    data: dict[str, Any] = {
        "reference": number,
        "reason": reasons.get(event, ""),
        "links": {"check": links.path("public", "stamps", number)},
        "fields": {
            "service": f"{name} ({stamp.amount} {stamp.currency})",
            "consulate": stamp.consulate,
        },
    }
    addresses = {"email": stamp.email, "sms": stamp.phone}
    return [
        Message(f"etimbre#{event}#{channel}", channel, f"etimbre_{event}", to, stamp.language, data)
        for channel, to in addresses.items()
        if to
    ]
