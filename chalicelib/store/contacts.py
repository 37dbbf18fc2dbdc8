"""A citizen's own contacts (an e-mail or a phone), in the reference table under their
identity: ``CONTACTS#<identity>`` / ``CONTACT#<id>``. The owner is in the key, so a contact
is only ever read or confirmed by whoever added it, and listed by one Query.

A pending contact holds a digest of its one-time code, when the code expires and how many
wrong codes were tried; every try is a conditional update, so parallel guesses share one
count and a confirmed contact is never confirmed again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from chalicelib.store.binding import bound

PENDING, VERIFIED = "pending", "verified"


class ContactItem(Model):
    class Meta:
        table_name = "reference"
        settings_key = "reference_table"

    pk = UnicodeAttribute(hash_key=True)  # CONTACTS#<identity>
    sk = UnicodeAttribute(range_key=True)  # CONTACT#<id>
    contact_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # email or phone
    value = UnicodeAttribute()
    language = UnicodeAttribute(default="fr")
    state = UnicodeAttribute()
    code_digest = UnicodeAttribute(default="")
    code_expires_at = UTCDateTimeAttribute(null=True)
    attempts = NumberAttribute(default=0)  # wrong codes tried against the current code
    codes_sent = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    verified_at = UTCDateTimeAttribute(null=True)


@dataclass(frozen=True)
class StoredContact:
    contact_id: str
    kind: str
    value: str
    language: str
    state: str
    code_digest: str
    code_expires_at: datetime | None
    attempts: int
    codes_sent: int
    created_at: datetime
    verified_at: datetime | None


def _keys(owner: str, contact_id: str) -> tuple[str, str]:
    return f"CONTACTS#{owner}", f"CONTACT#{contact_id}"


def _read(item: ContactItem) -> StoredContact:
    return StoredContact(
        item.contact_id,
        item.kind,
        item.value,
        item.language,
        item.state,
        item.code_digest,
        item.code_expires_at,
        int(item.attempts),
        int(item.codes_sent),
        item.created_at,
        item.verified_at,
    )


def get(owner: str, contact_id: str) -> StoredContact | None:
    try:
        return _read(bound(ContactItem).get(*_keys(owner, contact_id), consistent_read=True))
    except DoesNotExist:
        return None


def of_owner(owner: str) -> list[StoredContact]:
    """Every contact of ``owner``, oldest first (one Query; a person has a handful)."""
    model = bound(ContactItem)
    return [_read(i) for i in model.query(f"CONTACTS#{owner}", limit=100)]


def new_code(
    owner: str,
    contact: StoredContact,
    code_digest: str,
    expires_at: datetime,
    now: datetime,
) -> bool:
    """A fresh code for a contact not yet verified (created if new): False if it is
    verified by now (a parallel confirmation won)."""
    item = bound(ContactItem)(
        *_keys(owner, contact.contact_id),
        contact_id=contact.contact_id,
        kind=contact.kind,
        value=contact.value,
        language=contact.language,
        state=PENDING,
        code_digest=code_digest,
        code_expires_at=expires_at,
        attempts=0,
        codes_sent=contact.codes_sent + 1,
        created_at=contact.created_at or now,
    )
    try:
        item.save(condition=ContactItem.state.does_not_exist() | (ContactItem.state == PENDING))
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def count_wrong_code(owner: str, contact_id: str, allowed: int) -> int | None:
    """One more wrong code: the tries now counted, or None if the tries were used up."""
    item = bound(ContactItem)(*_keys(owner, contact_id))
    try:
        item.update(
            actions=[ContactItem.attempts.add(1)],
            condition=(ContactItem.state == PENDING) & (ContactItem.attempts < allowed),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return int(item.attempts)


def mark_verified(owner: str, contact_id: str, code_digest: str, now: datetime) -> bool:
    """Verified, if still pending with that code and tries left; False if not (any more)."""
    item = bound(ContactItem)(*_keys(owner, contact_id))
    try:
        item.update(
            actions=[
                ContactItem.state.set(VERIFIED),
                ContactItem.verified_at.set(now),
                ContactItem.code_digest.set(""),
            ],
            condition=(ContactItem.state == PENDING) & (ContactItem.code_digest == code_digest),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
