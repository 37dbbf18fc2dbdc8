"""Pre-registration's adapters in memory (``chalicelib.services.enrollment.ports``): the
child's guard, the registered-year mark, the school's counters and the follow-up's figures,
the school catalogue and the guardian's verified contacts. The guard and mark conditions are
those of ``chalicelib.store.enrollment.applications``; their writes are ``in_memory`` ``Also``
values that ``InMemoryCases`` checks and applies in the transition's own all-or-nothing step.
Massar's fake is the production stand-in (``massar.StandInMassar``), one per test."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.enrollment.domain import fold
from chalicelib.store.cases import Also
from chalicelib.store.enrollment.applications import Figures, Page
from chalicelib.store.enrollment.catalogue import SchoolNotSaved
from chalicelib.workflow.case import Case, Contact
from tests.fakes.cases import InMemoryCases, in_memory


@dataclass
class InMemoryApplications:
    """``cases`` is the case repository in use: the director's queue is read from it."""

    cases: InMemoryCases
    guards: dict[str, str] = field(default_factory=dict)  # child's key -> filer
    marks: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    counters: dict[tuple[int, str], dict[str, int]] = field(default_factory=dict)
    # the school as the counters' item names it (set again by each update, as DynamoDB's)
    counted_schools: dict[tuple[int, str], Mapping[str, Any]] = field(default_factory=dict)

    def guard_taken(self, key: str, owner: str) -> Also:
        return in_memory(
            "live_request",
            lambda: self.guards.__setitem__(key, owner),
            lambda: key not in self.guards,
        )

    def guard_released(self, key: str, owner: str) -> Also:
        return in_memory(
            "live_request",
            lambda: self.guards.__delitem__(key),
            lambda: self.guards.get(key) == owner,
        )

    def registered(self, key: str, year: int, owner: str, reference: str) -> Also:
        return in_memory(
            "registered", lambda: self.marks.__setitem__((key, year), (owner, reference))
        )

    def not_registered(self, key: str, year: int) -> Also:
        return in_memory("registered", lambda: None, lambda: (key, year) not in self.marks)

    def registered_by(self, key: str, year: int) -> str | None:
        mark = self.marks.get((key, year))
        return mark[0] if mark else None

    def guard_holder(self, key: str) -> str | None:
        return self.guards.get(key)

    def counted(self, year: int, school: Mapping[str, Any], moves: Mapping[str, int]) -> Also:
        def add() -> None:
            self.counted_schools[(year, school["code"])] = dict(school)
            counts = self.counters.setdefault((year, school["code"]), {})
            for name, value in moves.items():
                counts[name] = counts.get(name, 0) + value

        return in_memory("counters", add)

    def queue_matching(
        self,
        case_type: str,
        school: str,
        state: str,
        keep: Callable[[Case], bool],
        limit: int,
        start: dict[str, Any] | None,
        max_reads: int = 5,
    ) -> Page:
        """The queue oldest first, as the queue index orders it; ``start`` is the last key."""
        after = (start or {}).get("after", "")
        queue = sorted(
            (
                c
                for c in self.cases.cases.values()
                if (c.case_type, c.office, c.state) == (case_type, school, state)
            ),
            key=lambda c: f"{c.updated_at.isoformat()}#{c.id}",
        )
        kept = [c for c in queue if f"{c.updated_at.isoformat()}#{c.id}" > after and keep(c)]
        if len(kept) <= limit:
            return Page(kept, None)
        last = kept[limit - 1]
        return Page(kept[:limit], {"after": f"{last.updated_at.isoformat()}#{last.id}"})

    def school_figures(self, year: int, school: str) -> list[Figures]:
        return [self._figures(year, school)] if (year, school) in self.counters else []

    def area_figures(self, year: int, region: str, province: str | None = None) -> list[Figures]:
        """By province then school, as the region's index orders them."""
        found = [
            self._figures(year, code)
            for (counted_year, code), school in self.counted_schools.items()
            if counted_year == year
            and school["region"] == region
            and province in (None, school["province"])
        ]
        return sorted(found, key=lambda f: (f.province, f.school))

    def _figures(self, year: int, code: str) -> Figures:
        school = self.counted_schools[(year, code)]
        numbers = dict(self.counters[(year, code)])
        return Figures(code, school["name_fr"], school["province"], school["region"], numbers)


@dataclass
class InMemoryCatalogue:
    """The schools by code, and each province's region as the last school saved in it set
    it. ``failing`` are the codes whose save DynamoDB cancels (nothing of it written)."""

    schools: dict[str, dict[str, Any]] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    demos: dict[str, str | None] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for school in self.schools.values():  # as if they were saved
            self.regions.setdefault(school["province"], school["region"])

    def save_school(self, school: Mapping[str, Any], demo: str | None = None) -> None:
        if school["code"] in self.failing:
            raise SchoolNotSaved(school["code"], "TransactWriteError")  # as DynamoDB's cancel
        self.schools[school["code"]] = dict(school)
        self.demos[school["code"]] = demo
        self.regions[school["province"]] = school["region"]

    def school(self, code: str) -> dict[str, Any] | None:
        return self.schools.get(code)

    def schools_in(self, commune: str, level: str | None = None) -> list[dict[str, Any]]:
        """Names compared folded, as the store's keys are."""
        found = [s for s in self.schools.values() if fold(s["commune"]) == fold(commune)]
        return _by_code(found, level)

    def schools_serving(
        self, commune: str, district: str, level: str | None = None
    ) -> list[dict[str, Any]]:
        """Read from the schools' sectors: the store's sector entries are written and deleted
        with their school, so they always say what the schools' sectors say."""
        wanted = (fold(commune), fold(district))
        found = [
            s
            for s in self.schools.values()
            if wanted in {(fold(a["commune"]), fold(a["district"])) for a in s["sector"]}
        ]
        return _by_code(found, level)

    def region_of(self, province: str) -> str | None:
        return self.regions.get(province)


def _by_code(found: Iterable[dict[str, Any]], level: str | None) -> list[dict[str, Any]]:
    """The schools taking ``level`` (any, if None), by code: a Query's order."""
    kept = (s for s in found if level is None or level in s["levels"])
    return sorted(kept, key=lambda s: str(s["code"]))


@dataclass
class InMemoryContacts:
    """What each citizen confirmed (``confirmed[subject]``): a given address confirmed is
    chosen, another is refused (``strict``) or passed over for the first confirmed one, as
    ``chalicelib.notify.contacts.reach`` does."""

    confirmed: dict[str, list[str]] = field(default_factory=dict)

    def reach(
        self,
        principal: Principal,
        *,
        email: str = "",
        phone: str = "",
        language: str = "fr",
        field: str = "body.contact",
        strict: bool = True,
    ) -> Contact:
        mine = self.confirmed.get(principal.subject, [])
        chosen: dict[str, str] = {}
        for kind, given in (("email", email), ("phone", phone)):
            if given and given in mine:
                chosen[kind] = given
            elif given and strict:
                error = FieldError(f"{field}.{kind}", "not verified", "not_verified")
                raise Refusal("contact-not-verified", errors=[error])
            else:
                chosen[kind] = next((v for v in mine if ("@" in v) == (kind == "email")), "")
        return Contact(chosen["email"], chosen["phone"], language, "")
