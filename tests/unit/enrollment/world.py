"""Pre-registration in memory, for the use-case tests (decisions §67 and §74): the fakes of
``tests/fakes/enrollment.py`` and a Massar stand-in of the test's own put in place of
DynamoDB and Massar, the clock set, and any AWS call failing the test (the ``world``
fixture of ``conftest.py``); and the people and requests the tests file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib import clock
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal
from chalicelib.services.enrollment import ports
from chalicelib.services.enrollment.massar import StandInMassar
from chalicelib.services.enrollment.schemas import ApplicationIn
from chalicelib.workflow import lifecycle, repository
from chalicelib.workflow.case import Case, Document
from chalicelib.workflow.engine import Actor
from tests.fakes.cases import InMemoryCases
from tests.fakes.enrollment import InMemoryApplications, InMemoryCatalogue, InMemoryContacts
from tests.support.route_samples.enrollment import GUARDIAN, application, school

SCHOOL = "UNIT-SCHOOL"
DECEMBER_2026 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # filing for 2027-2028
MOTHER_EMAIL = "mere@demo.invalid"  # the guardian's e-mail in the sample request


@dataclass
class World:
    cases: InMemoryCases
    applications: InMemoryApplications
    catalogue: InMemoryCatalogue
    contacts: InMemoryContacts
    massar: StandInMassar
    moment: list[datetime]

    def at(self, moment: datetime) -> None:
        self.moment[0] = moment


def in_memory_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    def no_aws(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a unit test called AWS: {args[1:2]}")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_aws)
    moment = [DECEMBER_2026]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    cases = InMemoryCases()
    fakes = World(
        cases,
        InMemoryApplications(cases),
        InMemoryCatalogue({SCHOOL: school(SCHOOL)}),
        InMemoryContacts({}),
        StandInMassar(),
        moment,
    )
    in_use = ports.Ports(fakes.applications, fakes.catalogue, fakes.contacts, fakes.massar)
    with repository.using(cases), ports.using(in_use):
        yield fakes


def guardian(name: str = "guardian-unit") -> Principal:
    return Principal(f"citizen:{name}", "citizen", frozenset({"citizen"}), **GUARDIAN)


DIRECTOR = Principal("staff:director-unit", "staff", frozenset({"school_director"}), SCHOOL)


def request(certificate: str = "1234/2021", at: str = SCHOOL, **child: Any) -> dict[str, Any]:
    """The request as the route hands it to the service (validated by its schema)."""
    body = application(at, certificate, **child)
    return ApplicationIn.model_validate(body).model_dump()


def refusal_of(call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refusal) as refused:
        call(*args)
    return refused.value


def with_photo_checked(case: Case) -> Case:
    """The photo arrived and passed the checks (the documents pipeline's part)."""
    photo = Document(
        "doc1", "photo", "image/png", 10, "verified", case.owner, "citizen", clock.now(), "k"
    )
    return lifecycle.record(case, "document_checked", Actor.system("checks"), {}, (photo,))
