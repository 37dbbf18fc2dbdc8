"""Where a citizen may be written to: only a verified contact.

A contact is verified when the identity provider says so (``email_verified``,
``phone_number_verified`` in the token) or when the citizen typed back the one-time code we
sent to it (``POST /me/contacts``, then ``POST /me/contacts/{id}/confirm``). Every service
builds the contact of a case or a stamp with ``reach``: an address the citizen did not
verify is refused by name, and the name in a message comes from the identity, never from a
request's free text. The code message is the one message an unverified address receives;
each costs one of the identity's codes of the day (a quota) and, by SMS, the number's budget.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.identity import Principal
from chalicelib.notify import contact_problems  # noqa: F401  (registers the slugs)
from chalicelib.refusals import FieldError, Refusal
from chalicelib.store import contacts as store
from chalicelib.store import outbox
from chalicelib.workflow.case import Contact

# The forms of a contact: the request schemas (api/routes/contact_schemas.py) use the same.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+[1-9][0-9]{7,14}$"

CODE_LIFETIME = timedelta(minutes=15)
WRONG_CODES_ALLOWED = 5
CODE_DIGITS = 6
EMAIL = re.compile(EMAIL_PATTERN)
PHONE = re.compile(PHONE_PATTERN)
KINDS = ("email", "phone")


@dataclass(frozen=True)
class Added:
    contact_id: str
    kind: str
    value: str
    state: str
    code_expires_at: datetime | None
    code_sent: bool


def normalised(kind: str, value: str) -> str:
    """The form a contact is compared in: an e-mail in lower case, a phone without spaces."""
    text = value.strip()
    return text.lower() if kind == "email" else re.sub(r"[\s.\-()]", "", text)


def contact_id_of(owner: str, kind: str, value: str) -> str:
    """The same address of the same person is the same contact: asking again resends."""
    return hashlib.sha256(f"{owner}\0{kind}\0{value}".encode()).hexdigest()[:24]


def code_digest(contact_id: str, code: str) -> str:
    from chalicelib.store.secrets import cursor_key

    return hmac.new(cursor_key(), f"otp\0{contact_id}\0{code}".encode(), "sha256").hexdigest()


def identity_verified(principal: Principal) -> dict[str, str]:
    """The addresses the identity provider vouches for."""
    found = {}
    if principal.email and principal.email_verified:
        found["email"] = normalised("email", principal.email)
    if principal.phone and principal.phone_verified:
        found["phone"] = normalised("phone", principal.phone)
    return found


def confirmed_values(principal: Principal) -> dict[str, list[str]]:
    """The e-mails and phones the citizen confirmed with a code (one Query)."""
    values: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for stored in store.of_owner(principal.subject):
        if stored.state == store.VERIFIED:
            values[stored.kind].append(stored.value)
    return values


def identity_name(principal: Principal) -> str:
    return " ".join(p for p in (principal.given_name, principal.family_name) if p)


def reach(
    principal: Principal,
    *,
    email: str = "",
    phone: str = "",
    language: str = "fr",
    field: str = "body.contact",
    strict: bool = True,
) -> Contact:
    """The case's contact: the given e-mail and phone if verified, else the first verified
    ones. ``strict``: an unverified given address is a 422 naming it; otherwise (an address
    that is data of a form, not a choice of where to be written to) it is passed over."""
    vouched = identity_verified(principal)
    confirmed: dict[str, list[str]] | None = None  # read only when the provider's won't do
    chosen: dict[str, str] = {}
    refused: list[FieldError] = []
    for kind, given in (("email", email), ("phone", phone)):
        value = normalised(kind, given) if given else ""
        if (value and value == vouched.get(kind)) or (not value and kind in vouched):
            chosen[kind] = value or vouched[kind]
            continue
        confirmed = confirmed_values(principal) if confirmed is None else confirmed
        if value and value in confirmed[kind]:
            chosen[kind] = value
        elif value and strict:
            refused.append(
                FieldError(
                    f"{field}.{kind}",
                    "not verified: confirm it first (POST /me/contacts, then the code)",
                    "not_verified",
                )
            )
        else:
            chosen[kind] = vouched.get(kind) or next(iter(confirmed[kind]), "")
    if refused:
        raise Refusal("contact-not-verified", errors=refused)
    return Contact(chosen["email"], chosen["phone"], language, identity_name(principal))


def add(
    principal: Principal,
    kind: str,
    value: str,
    language: str,
    now: datetime,
    spend_quota: Callable[[], None],
) -> Added:
    """A contact to confirm: a fresh one-time code sent to it, or nothing to do when it is
    verified already (by the identity provider or an earlier code). ``spend_quota`` is
    called just before a code is sent, and raises when the caller has sent too many."""
    value = normalised(kind, value)
    if not (EMAIL if kind == "email" else PHONE).match(value):
        raise Refusal("validation-failed", errors=[FieldError("body.value", f"not an {kind}")])
    contact_id = contact_id_of(principal.subject, kind, value)
    if identity_verified(principal).get(kind) == value:
        return Added(contact_id, kind, value, store.VERIFIED, None, False)
    stored = store.get(principal.subject, contact_id)
    if stored is not None and stored.state == store.VERIFIED:
        return Added(contact_id, kind, value, store.VERIFIED, None, False)
    spend_quota()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    expires_at = now + CODE_LIFETIME
    fresh = store.StoredContact(
        contact_id=contact_id,
        kind=kind,
        value=value,
        language=language,
        state=store.PENDING,
        code_digest="",
        code_expires_at=None,
        attempts=0,
        codes_sent=stored.codes_sent if stored else 0,
        created_at=stored.created_at if stored else now,
        verified_at=None,
    )
    if not store.new_code(principal.subject, fresh, code_digest(contact_id, code), expires_at, now):
        return Added(contact_id, kind, value, store.VERIFIED, None, False)
    _send_code(principal.subject, fresh, code, fresh.codes_sent + 1, now)
    return Added(contact_id, kind, value, store.PENDING, expires_at, True)


def confirm(principal: Principal, contact_id: str, code: str, now: datetime) -> str:
    """The contact verified by its code; a problem naming ``body.code`` otherwise."""
    stored = store.get(principal.subject, contact_id)
    if stored is None:
        raise Refusal("not-found", "No such contact.")
    if stored.state == store.VERIFIED:
        return stored.state
    if stored.attempts >= WRONG_CODES_ALLOWED:
        raise _code_problem("contact-code-used-up", "ask for a new code (POST /me/contacts)")
    if stored.code_expires_at is None or now >= stored.code_expires_at:
        raise _code_problem("contact-code-expired", "ask for a new code (POST /me/contacts)")
    digest = code_digest(contact_id, code)
    if hmac.compare_digest(digest, stored.code_digest):
        if store.mark_verified(principal.subject, contact_id, digest, now):
            return store.VERIFIED
        current = store.get(principal.subject, contact_id)
        if current is not None and current.state == store.VERIFIED:
            return store.VERIFIED
    tried = store.count_wrong_code(principal.subject, contact_id, WRONG_CODES_ALLOWED)
    if tried is None:
        raise _code_problem("contact-code-used-up", "ask for a new code (POST /me/contacts)")
    left = WRONG_CODES_ALLOWED - tried
    raise _code_problem("contact-code-wrong", f"wrong code; {left} tries left", left=left)


def _code_problem(slug: str, message: str, **extra: int) -> Refusal:
    return Refusal(slug, errors=[FieldError("body.code", message, slug)], extra=dict(extra))


def _send_code(
    owner: str, contact: store.StoredContact, code: str, nth: int, now: datetime
) -> None:
    """The code, through the outbox like every message (retried, never lost), under the
    contact's id; the n-th code of a contact is its own message."""
    channel = "email" if contact.kind == "email" else "sms"
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    data: dict[str, object] = {"reference": "", "fields": {"code": code, "minutes": str(minutes)}}
    outbox.enqueue(
        f"contact-{contact.contact_id}",
        "",
        f"code-{nth}",
        channel,
        "contact_code",
        contact.value,
        contact.language,
        data,
        now,
        owner=owner,
    )
