"""What one service needs of another, as small Protocols the kernel owns: a service codes
against the port, another implements it, and the app wires them (``services.install``), so
that no service imports another.

``FeePayments``: a fee paid for a service at an office (a consulate) can be quoted, checked
before a request names it, and used in the transaction of the act it pays for (an
appointment's check-in). eTimbre implements it (``services/etimbre/fee_payments.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from chalicelib.refusals import Refusal

if TYPE_CHECKING:  # the port is wired at import, the store is loaded on first use
    from chalicelib.store.cases import Also


class Fee(Protocol):
    @property
    def amount(self) -> Decimal: ...

    @property
    def currency(self) -> str: ...

    @property
    def legal_reference(self) -> str: ...


class FeePayments(Protocol):
    def fee(self, service: str, at: datetime, office: str = "") -> Fee | None:
        """The fee of ``service`` at ``office`` in force at ``at`` (None: no fee known)."""
        ...

    def why_not_payable(self, payment: str, *, owner: str, service: str, office: str) -> str | None:
        """Why ``owner``'s payment ``payment`` cannot pay for ``service`` at ``office``
        (None: it can). Someone else's payment reads like an unknown one."""
        ...

    def used_with(
        self, payment: str, *, service: str, office: str, agent: str, case_id: str, owner: str
    ) -> Also:
        """The payment used for ``service`` at ``office`` by ``agent`` for case
        ``case_id``, as a write in the act's own transaction (``store.cases.Also``); a
        refusal at once when it cannot pay now, a ``LostRace`` naming it if it is spent
        meanwhile."""
        ...


_FEE_PAYMENTS: list[Callable[[], FeePayments]] = []


def wire_fee_payments(factory: Callable[[], FeePayments]) -> None:
    """The implementation, made on first use (so that wiring costs no import)."""
    _FEE_PAYMENTS[:] = [factory]


def fee_payments() -> FeePayments:
    """The wired implementation; with none wired, a 503 refusal: nothing is paid blindly."""
    if not _FEE_PAYMENTS:
        raise Refusal("unavailable", "No fee payment service is wired into this app.")
    return _FEE_PAYMENTS[0]()


PortSet = TypeVar("PortSet")
Default = TypeVar("Default")


class Overrides(Generic[PortSet]):
    """The adapters a test puts in place of a service's defaults: sets of ports stacked by
    ``using``; a port a set leaves ``None`` falls through to the one below, then to the
    default (each service's ``ports.py`` says which)."""

    def __init__(self) -> None:
        self._stack: list[PortSet] = []

    def find(self, name: str) -> Any:
        for ports in reversed(self._stack):
            found = getattr(ports, name)
            if found is not None:
                return found
        return None

    def find_or(self, name: str, default: Default) -> Default:
        """The port ``name`` a test put in place, else ``default`` (the module that talks to
        AWS, imported by the caller: its type, checked against the port's Protocol by mypy
        at the caller's return, is the one this gives)."""
        found = self.find(name)
        return default if found is None else cast(Default, found)

    @contextmanager
    def using(self, ports: PortSet) -> Iterator[PortSet]:
        self._stack.append(ports)
        try:
            yield ports
        finally:
            self._stack.remove(ports)
