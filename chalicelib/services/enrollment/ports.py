"""What pre-registration needs of the world outside its rules: the child's guard, the
registered-year mark, the school's counters and the figures read from them
(``Applications``), the school catalogue and its import (``Catalogue``), the guardian's
verified contacts (``Contacts``) and Massar (``Massar``). Protocols, so that the use cases of
``service.py``, ``schools.py``, ``followup.py``, ``school_import.py`` and ``export.py`` run
against DynamoDB and Massar (the modules of ``chalicelib.store.enrollment``,
``chalicelib.notify.contacts`` and ``massar.py``, the default) or, in unit tests, against the
in-memory fakes of ``tests/fakes/enrollment.py``, in milliseconds (decisions §67 and §74).

The writes that stand or fall with a transition stay ``Also`` values (a name and what it adds
to the transaction): the case repository in use is the one that understands them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.ports import Overrides

if TYPE_CHECKING:
    from chalicelib.identity import Principal
    from chalicelib.services.enrollment.massar import Massar
    from chalicelib.store.cases import Also
    from chalicelib.store.enrollment.applications import Figures, Page
    from chalicelib.workflow.case import Case, Contact


class Applications(Protocol):
    """The writes of a request's transitions and what the refusals of a filing read."""

    def guard_taken(self, key: str, owner: str) -> Also: ...

    def guard_released(self, key: str, owner: str) -> Also: ...

    def registered(self, key: str, year: int, owner: str, reference: str) -> Also: ...

    def not_registered(self, key: str, year: int) -> Also: ...

    def registered_by(self, key: str, year: int) -> str | None: ...

    def guard_holder(self, key: str) -> str | None: ...

    def counted(self, year: int, school: Mapping[str, Any], moves: Mapping[str, int]) -> Also: ...

    def queue_matching(
        self,
        case_type: str,
        school: str,
        state: str,
        keep: Callable[[Case], bool],
        limit: int,
        start: dict[str, Any] | None,
        max_reads: int = 5,
    ) -> Page: ...

    def school_figures(self, year: int, school: str) -> list[Figures]:
        """The school's counters for the school year starting in ``year`` (none: [])."""
        ...

    def area_figures(self, year: int, region: str, province: str | None = None) -> list[Figures]:
        """The counters of a region's schools, or of one of its provinces' schools."""
        ...


class Catalogue(Protocol):
    def school(self, code: str) -> dict[str, Any] | None: ...

    def schools_in(self, commune: str, level: str | None = None) -> list[dict[str, Any]]: ...

    def schools_serving(
        self, commune: str, district: str, level: str | None = None
    ) -> list[dict[str, Any]]: ...

    def region_of(self, province: str) -> str | None: ...

    def save_school(self, school: Mapping[str, Any], demo: str | None = None) -> None:
        """The school and its sector, all or nothing (a ``SchoolNotSaved``: nothing)."""
        ...


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


@dataclass(frozen=True)
class Ports:
    """One set of adapters; a field left ``None`` is the default's."""

    applications: Applications | None = None
    catalogue: Catalogue | None = None
    contacts: Contacts | None = None
    massar: Massar | None = None


_OVERRIDES: Overrides[Ports] = Overrides()
_in_use = _OVERRIDES.find_or
using = _OVERRIDES.using  # ports.using(Ports(...)) in a test


def applications() -> Applications:
    """The store in use: DynamoDB's unless a test put another in place."""
    from chalicelib.store.enrollment import applications as dynamodb

    return _in_use("applications", dynamodb)


def catalogue() -> Catalogue:
    from chalicelib.store.enrollment import catalogue as dynamodb

    return _in_use("catalogue", dynamodb)


def contacts() -> Contacts:
    from chalicelib.notify import contacts as verified

    return _in_use("contacts", verified)


def massar() -> Massar:
    """Massar as the stage has it (``massar.massar``: its API, or the local stand-in)."""
    found: Massar | None = _OVERRIDES.find("massar")
    if found is None:
        from chalicelib.services.enrollment import massar as ministry

        return ministry.massar()
    return found
