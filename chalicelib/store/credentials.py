"""The credentials' items, in the reference table:

- a status counter ``VCSTATUSCTR#<shard>`` / ``COUNTER``: how many bits the shard gave out
  (an atomic ADD; never decreases, so an index is never reused);
- a status list ``VCSTATUS#<list id>`` / ``LIST``: the indices set to 1 (a number set; an
  ADD in the transaction that revokes or replaces the credential);
- a retired signing key ``SIGNINGKEYS`` / ``<kid>``: its public JWK, kept published so that
  credentials it signed still verify (one Query lists them);
- an equivalence order's credential record ``EQVC#<case id>`` / ``DECISION#<number>``: the
  status bit of that order's credentials (one per order, whoever asks how often);
- a share of an order ``VCSHARE#<digest of its code>`` / ``SHARE``: its presentation (the
  chosen disclosures only), its holder, expiry, revocation and verifications; listed under
  its file in ``by_lookup`` (``VCSHARES#<case id>`` / ``<created at>#<id>``, decision 55);
- an order's own verification code ``VCORDERCODE#<digest of the code>`` / ``CODE``: the order
  it names, its presentation (every disclosure) and when a new code replaced it (decision 55).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.credentials.orders import OrderCode, OrderShare
from chalicelib.credentials.statuslist import Reference
from chalicelib.refusals import LostRace
from chalicelib.store.binding import bound, connection
from chalicelib.store.cases import Also


class _ReferenceTable:
    table_name = "reference"
    settings_key = "reference_table"


class StatusCounterItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # VCSTATUSCTR#<shard>
    sk = UnicodeAttribute(range_key=True, default="COUNTER")
    value = NumberAttribute(default=0)


class StatusListItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # VCSTATUS#<list id>
    sk = UnicodeAttribute(range_key=True, default="LIST")
    invalid = NumberSetAttribute(null=True)


class RetiredKeyItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # SIGNINGKEYS
    sk = UnicodeAttribute(range_key=True)  # the kid
    jwk = JSONAttribute()
    retired_at = UTCDateTimeAttribute()


class OrderCredentialItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # EQVC#<case id>
    sk = UnicodeAttribute(range_key=True)  # DECISION#<number>
    list_id = UnicodeAttribute()
    index = NumberAttribute()
    issued_at = UTCDateTimeAttribute()
    code_id = UnicodeAttribute(null=True)  # the digest of the order's code in force, if any


# ------------------------------------------------------------------ status bits


def next_position(shard: int) -> int:
    """The shard's counter after one more credential (1 for the first): one UpdateItem."""
    model = bound(StatusCounterItem)
    item = model(f"VCSTATUSCTR#{shard}", "COUNTER")
    item.update(actions=[model.value.add(1)])
    return int(item.value)


def invalid_indices(list_id: str) -> set[int]:
    """The indices of ``list_id`` set to 1 (none for a list nobody revoked in yet)."""
    try:
        item = bound(StatusListItem).get(f"VCSTATUS#{list_id}", "LIST")
    except DoesNotExist:
        return set()
    return {int(i) for i in item.invalid or set()}


def invalidate(reference: Reference, name: str = "status_bit") -> Also:
    """With a transaction: the credential's bit set to 1 (ADD to the set: idempotent)."""

    def add(transaction: TransactWrite) -> None:
        model = bound(StatusListItem)
        transaction.update(
            model(f"VCSTATUS#{reference.list_id}", "LIST"),
            actions=[model.invalid.add({reference.index})],
        )

    return Also(name, add)


def set_invalid(reference: Reference) -> None:
    """The bit set to 1 on its own (a record found stale after the transition committed)."""
    model = bound(StatusListItem)
    model(f"VCSTATUS#{reference.list_id}", "LIST").update(
        actions=[model.invalid.add({reference.index})]
    )


# ------------------------------------------------------------------ signing keys


def record_retired_key(jwk: dict[str, Any], at: datetime) -> None:
    """A key taken out of service: its public half stays published (idempotent)."""
    bound(RetiredKeyItem)("SIGNINGKEYS", str(jwk["kid"]), jwk=jwk, retired_at=at).save()


def retired_keys() -> list[dict[str, Any]]:
    """Every retired key's JWK, newest retirement last: one Query."""
    found = bound(RetiredKeyItem).query("SIGNINGKEYS")
    items = sorted(found, key=lambda item: item.retired_at)
    return [dict(item.jwk) for item in items]


# ------------------------------------------------------------------ equivalence orders


def _order_key(case_id: str, number: int) -> tuple[str, str]:
    return f"EQVC#{case_id}", f"DECISION#{number}"


def order_reference(case_id: str, number: int) -> Reference | None:
    """The status bit of the order's credentials, if any was issued."""
    try:
        item = bound(OrderCredentialItem).get(*_order_key(case_id, number))
    except DoesNotExist:
        return None
    return Reference(item.list_id, int(item.index))


def record_order_reference(
    case_id: str, number: int, reference: Reference, at: datetime
) -> Reference:
    """The order's bit, written once: if another request wrote it first, that one."""
    pk, sk = _order_key(case_id, number)
    item = bound(OrderCredentialItem)(
        pk, sk, list_id=reference.list_id, index=reference.index, issued_at=at
    )
    try:
        item.save(condition=OrderCredentialItem.pk.does_not_exist())
    except PutError:
        found = order_reference(case_id, number)
        if found is None:
            raise
        return found
    return reference


def order_superseded(case_id: str, number: int) -> Also:
    """With the transition that revokes or replaces order ``number``: its bit set to 1 if
    credentials of it were issued; if none were, a check that none is issued meanwhile (the
    transition then fails as a conflict and is tried again, seeing the new record)."""
    found = order_reference(case_id, number)
    if found is not None:
        bit = invalidate(found, "order_status_bit")

        def add_and_check(transaction: TransactWrite) -> None:
            # A new code (decision 55) moves the order to a new bit: one that commits between
            # this read and the transition fails the transition (409, tried again).
            bit.add(transaction)
            transaction.condition_check(
                bound(OrderCredentialItem),
                *_order_key(case_id, number),
                condition=(OrderCredentialItem.list_id == found.list_id)
                & (OrderCredentialItem.index == found.index),
            )

        return Also("order_status_bit", add_and_check)

    def add(transaction: TransactWrite) -> None:
        transaction.condition_check(
            bound(OrderCredentialItem),
            *_order_key(case_id, number),
            condition=OrderCredentialItem.pk.does_not_exist(),
        )

    return Also("order_status_bit", add)


# ------------------------------------------------------------------ shares of an order


class OrderShareLookup(GlobalSecondaryIndex["OrderShareItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_lookup"
        projection = AllProjection()

    lookup_pk = UnicodeAttribute(hash_key=True)
    lookup_sk = UnicodeAttribute(range_key=True)


class OrderShareItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # VCSHARE#<digest of the code>
    sk = UnicodeAttribute(range_key=True, default="SHARE")
    owner = UnicodeAttribute()
    case_id = UnicodeAttribute()
    label = UnicodeAttribute()
    presentation = UnicodeAttribute()  # the SD-JWT with the chosen disclosures only
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    verifications = NumberAttribute(null=True)
    last_verified_at = UTCDateTimeAttribute(null=True)
    # VCSHARES#<case id> / <created at>#<id>; absent on a share made before decision 55
    lookup_pk = UnicodeAttribute(null=True)
    lookup_sk = UnicodeAttribute(null=True)
    by_lookup = OrderShareLookup()


def save_order_share(share: OrderShare) -> None:
    bound(OrderShareItem)(
        f"VCSHARE#{share.share_id}",
        "SHARE",
        owner=share.owner,
        case_id=share.case_id,
        label=share.label,
        presentation=share.presentation,
        created_at=share.created_at,
        expires_at=share.expires_at,
        lookup_pk=f"VCSHARES#{share.case_id}",
        lookup_sk=f"{share.created_at.isoformat()}#{share.share_id}",
    ).save(condition=OrderShareItem.pk.does_not_exist())


def _order_share(item: OrderShareItem) -> OrderShare:
    return OrderShare(
        item.pk.removeprefix("VCSHARE#"),
        item.owner,
        item.case_id,
        item.label,
        item.presentation,
        item.created_at,
        item.expires_at,
        item.revoked_at,
        int(item.verifications or 0),
        item.last_verified_at,
    )


def load_order_share(share_id: str) -> OrderShare | None:
    try:
        item = bound(OrderShareItem).get(f"VCSHARE#{share_id}", "SHARE")
    except DoesNotExist:
        return None
    return _order_share(item)


def order_shares_of(case_id: str, limit: int = 100) -> list[OrderShare]:
    """The file's order shares, newest first: one Query of the lookup index."""
    found = bound(OrderShareItem).by_lookup.query(
        f"VCSHARES#{case_id}", scan_index_forward=False, limit=limit
    )
    return [_order_share(item) for item in found]


def count_order_verification(share_id: str, at: datetime) -> None:
    """One more verification of the share, and when (the latest only)."""
    model = bound(OrderShareItem)
    model(f"VCSHARE#{share_id}", "SHARE").update(
        actions=[model.verifications.add(1), model.last_verified_at.set(at)]
    )


def revoke_order_share(share_id: str, owner: str, at: datetime) -> bool:
    """False if it is not ``owner``'s share (or does not exist)."""
    from pynamodb.exceptions import UpdateError

    model = bound(OrderShareItem)
    try:
        model(f"VCSHARE#{share_id}", "SHARE").update(
            actions=[model.revoked_at.set(model.revoked_at | at)],
            condition=(model.owner == owner),
        )
    except UpdateError:
        return False
    return True


# ------------------------------------------------------------------ an order's own code


class OrderCodeItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # VCORDERCODE#<digest of the code>
    sk = UnicodeAttribute(range_key=True, default="CODE")
    case_id = UnicodeAttribute()
    number = NumberAttribute()
    presentation = UnicodeAttribute()  # the order's SD-JWT VC, every disclosure
    created_at = UTCDateTimeAttribute()
    replaced_at = UTCDateTimeAttribute(null=True)


def load_order_code(code_id: str) -> OrderCode | None:
    try:
        item = bound(OrderCodeItem).get(f"VCORDERCODE#{code_id}", "CODE")
    except DoesNotExist:
        return None
    return OrderCode(
        code_id,
        item.case_id,
        int(item.number),
        item.presentation,
        item.created_at,
        item.replaced_at,
    )


def order_code_rotated(old: Reference | None, new: Reference, code: OrderCode) -> None:
    """One transaction (decision 55): the order's record names the new bit and the new code
    (if it still names the old bit: a concurrent rotation loses), the old bit set, the old
    code marked replaced, the new code written. A lost race (another rotation, a code or a
    record written meanwhile) is a ``LostRace`` naming ``order_code``: nothing is written."""
    pk, sk = _order_key(code.case_id, code.number)
    record = bound(OrderCredentialItem)
    old_code = None
    if old is not None:
        try:
            old_code = record.get(pk, sk).code_id
        except DoesNotExist:
            old_code = None
    try:
        transaction = TransactWrite(connection=connection())
        with transaction:
            item = record(pk, sk, list_id=new.list_id, index=new.index, issued_at=code.created_at)
            item.code_id = code.code_id
            if old is None:
                transaction.save(item, condition=OrderCredentialItem.pk.does_not_exist())
            else:
                condition = (OrderCredentialItem.list_id == old.list_id) & (
                    OrderCredentialItem.index == old.index
                )
                transaction.save(item, condition=condition)
                invalidate(old).add(transaction)
            if old_code:
                codes = bound(OrderCodeItem)
                transaction.update(
                    codes(f"VCORDERCODE#{old_code}", "CODE"),
                    actions=[codes.replaced_at.set(code.created_at)],
                    condition=OrderCodeItem.replaced_at.does_not_exist(),
                )
            transaction.save(
                bound(OrderCodeItem)(
                    f"VCORDERCODE#{code.code_id}",
                    "CODE",
                    case_id=code.case_id,
                    number=code.number,
                    presentation=code.presentation,
                    created_at=code.created_at,
                ),
                condition=OrderCodeItem.pk.does_not_exist(),
            )
    except TransactWriteError as error:
        raise LostRace(failed=frozenset({"order_code"})) from error
