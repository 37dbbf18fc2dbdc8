"""What the equivalence service needs of the world outside its rules, beside the case
repository (``chalicelib.workflow.repository``): the staff queues (``Queues``), the status bit
of an order that a transition revokes or replaces (``Orders``), the order's credential
record, its shares and its own codes (``OrderCredentials``), the applicant's verified
contacts (``Contacts``), the committees' members and sittings (``Committees``) and the audit
record of a staff list of files (``Reads``). Protocols, so that the use cases of
``service.py``, ``sittings.py`` and ``credential.py`` run against AWS (``chalicelib.store.cases``,
``chalicelib.store.credentials``, ``chalicelib.notify.contacts``,
``chalicelib.store.equivalence_committees`` and ``chalicelib.workflow.access``, the default)
or, in unit tests, against the in-memory fakes of ``tests/fakes/equivalence.py``, in
milliseconds (decisions §69 and §77). The bits an order's credentials carry are the
credentials' own port (``chalicelib.credentials.ports.StatusBits``).

The writes that stand or fall with a transition stay ``Also`` values (a name and what it adds
to the transaction): the case repository in use is the one that understands them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.ports import Overrides

if TYPE_CHECKING:
    from chalicelib.credentials.orders import OrderCode, OrderShare
    from chalicelib.credentials.statuslist import Reference
    from chalicelib.identity import Principal
    from chalicelib.store.cases import Also, Page
    from chalicelib.store.equivalence_committees import Sitting
    from chalicelib.workflow.case import Contact


class Queues(Protocol):
    """A staff queue, oldest first: one Query on the queue index in DynamoDB."""

    def queue(
        self,
        case_type: str,
        office: str,
        state: str,
        limit: int,
        start_after: dict[str, Any] | None,
    ) -> Page: ...


class Orders(Protocol):
    """The credentials of an order (decision 49): what a transition that revokes or
    replaces it writes with itself."""

    def order_superseded(self, case_id: str, number: int) -> Also: ...


class OrderCredentials(Protocol):
    """An order's credential record (its status bit, recorded once whoever asks first; the
    code in force), its shares and its own codes (decisions 49, 54, 55). A share revoked
    names its owner (``False``: not theirs, or none); ``order_code_rotated`` raises
    ``chalicelib.refusals.LostRace`` when the record no longer names ``old`` (another
    rotation won), writing nothing."""

    def order_reference(self, case_id: str, number: int) -> Reference | None: ...

    def record_order_reference(
        self, case_id: str, number: int, reference: Reference, at: datetime
    ) -> Reference: ...

    def order_code_rotated(
        self, old: Reference | None, new: Reference, code: OrderCode
    ) -> None: ...

    def load_order_code(self, code_id: str) -> OrderCode | None: ...

    def save_order_share(self, share: OrderShare) -> None: ...

    def load_order_share(self, share_id: str) -> OrderShare | None: ...

    def order_shares_of(self, case_id: str, limit: int = 100) -> list[OrderShare]: ...

    def count_order_verification(self, share_id: str, at: datetime) -> None: ...

    def revoke_order_share(self, share_id: str, owner: str, at: datetime) -> bool: ...


class Contacts(Protocol):
    def reach(
        self,
        principal: Principal,
        *,
        email: str = "",
        phone: str = "",
        language: str = "fr",
        field: str = "body.contact",
        strict: bool = True,
    ) -> Contact: ...


class Committees(Protocol):
    """A committee's members and its sittings; ``close_sitting`` raises
    ``chalicelib.store.equivalence_committees.AlreadyClosed`` if it is no longer open."""

    def members_of(self, codes: Iterable[str]) -> dict[str, list[dict[str, Any]]]: ...

    def set_members(self, code: str, members: list[dict[str, Any]], at: datetime) -> None: ...

    def create_sitting(
        self, code: str, sitting_id: str, record: dict[str, Any], at: datetime
    ) -> Sitting: ...

    def sitting(self, code: str, sitting_id: str) -> Sitting | None: ...

    def close_sitting(
        self, code: str, sitting_id: str, record: dict[str, Any], at: datetime
    ) -> Sitting: ...


class Reads(Protocol):
    """A staff list of citizens' files is a read: audited before the list leaves."""

    def listed(
        self, principal: Principal, purpose: str, case_ids: list[str], correlation_id: str
    ) -> None: ...


@dataclass(frozen=True)
class Ports:
    """One set of adapters; a field left ``None`` is the default's."""

    queues: Queues | None = None
    orders: Orders | None = None
    contacts: Contacts | None = None
    committees: Committees | None = None
    reads: Reads | None = None
    order_credentials: OrderCredentials | None = None


_OVERRIDES: Overrides[Ports] = Overrides()
_in_use = _OVERRIDES.find_or
using = _OVERRIDES.using  # ports.using(Ports(...)) in a test


def queues() -> Queues:
    """The store in use: DynamoDB's unless a test put another in place."""
    from chalicelib.store import cases as dynamodb

    return _in_use("queues", dynamodb)


def orders() -> Orders:
    from chalicelib.store import credentials as dynamodb

    return _in_use("orders", dynamodb)


def order_credentials() -> OrderCredentials:
    from chalicelib.store import credentials as dynamodb

    return _in_use("order_credentials", dynamodb)


def contacts() -> Contacts:
    from chalicelib.notify import contacts as verified

    return _in_use("contacts", verified)


def committees() -> Committees:
    from chalicelib.store import equivalence_committees as dynamodb

    return _in_use("committees", dynamodb)


def reads() -> Reads:
    from chalicelib.workflow import access as audited

    return _in_use("reads", audited)
