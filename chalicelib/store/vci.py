"""OpenID4VCI's short-lived items, in the cases table (its TTL, ``expires_at`` in epoch
seconds, sweeps them; the code checks expiry itself, TTL deletion being late):

- an offer ``VCIOFFER#<digest of the pre-authorised code>`` / ``OFFER``: what it issues
  (the kind, and the candidate or the file), the digest of its transaction code, used once;
- an access token ``VCITOKEN#<digest of the token>`` / ``TOKEN``: the same grant, redeemed
  once at the credential endpoint.
Only digests of the codes are stored: a read of the table gives nobody a code to redeem."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.credentials.vci import Grant
from chalicelib.store.binding import bound, connection


class _CasesTable:
    table_name = "cases"
    settings_key = "cases_table"


class GrantItem(Model):
    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # VCIOFFER#<digest> or VCITOKEN#<digest>
    sk = UnicodeAttribute(range_key=True)  # OFFER or TOKEN
    kind = UnicodeAttribute()  # the credential configuration id
    owner = UnicodeAttribute()
    subject_ref = UnicodeAttribute()  # bac: <year>#<academy>#<number>; equivalence: case id
    tx_code = UnicodeAttribute(default="")  # digest of the transaction code (offers)
    expires_at = NumberAttribute()  # epoch seconds
    used_at = NumberAttribute(null=True)


def _grant(item: GrantItem) -> Grant:
    return Grant(item.kind, item.owner, item.subject_ref, item.tx_code, int(item.expires_at))


def save_offer(digest: str, grant: Grant) -> None:
    bound(GrantItem)(
        f"VCIOFFER#{digest}",
        "OFFER",
        kind=grant.kind,
        owner=grant.owner,
        subject_ref=grant.subject_ref,
        tx_code=grant.tx_code,
        expires_at=grant.expires_at,
    ).save(condition=GrantItem.pk.does_not_exist())


def load_offer(digest: str) -> Grant | None:
    try:
        item = bound(GrantItem).get(f"VCIOFFER#{digest}", "OFFER")
    except DoesNotExist:
        return None
    return _grant(item)


def redeem_offer(digest: str, now: int, token_digest: str, token_expires: int) -> Grant | None:
    """The offer used (once, before it expires) and its access token written, in one
    transaction: None if it was used, expired or never existed."""
    offer = load_offer(digest)
    if offer is None:
        return None
    model = bound(GrantItem)
    transaction = TransactWrite(connection=connection())
    try:
        with transaction:
            transaction.update(
                model(f"VCIOFFER#{digest}", "OFFER"),
                actions=[model.used_at.set(now)],
                condition=model.used_at.does_not_exist() & (model.expires_at > now),
            )
            transaction.save(
                model(
                    f"VCITOKEN#{token_digest}",
                    "TOKEN",
                    kind=offer.kind,
                    owner=offer.owner,
                    subject_ref=offer.subject_ref,
                    expires_at=token_expires,
                ),
                condition=GrantItem.pk.does_not_exist(),
            )
    except TransactWriteError:
        return None
    return offer


def live_token(digest: str, now: int) -> Grant | None:
    """The access token's grant if it is still unused and unexpired (nothing spent)."""
    try:
        item = bound(GrantItem).get(f"VCITOKEN#{digest}", "TOKEN")
    except DoesNotExist:
        return None
    if item.used_at is not None or int(item.expires_at) <= now:
        return None
    return _grant(item)


def redeem_token(digest: str, now: int) -> Grant | None:
    """The access token used once, before it expires: its grant, or None."""
    model = bound(GrantItem)
    item = model(f"VCITOKEN#{digest}", "TOKEN")
    try:
        item.update(
            actions=[model.used_at.set(now)],
            condition=model.pk.exists() & model.used_at.does_not_exist() & (model.expires_at > now),
        )
    except UpdateError:
        return None
    return _grant(item)
