"""The provincial and regional follow-up: requests by state and the younger siblings'
school-entry forecast, from the counters the transitions keep (never from the requests),
read through ``ports.py`` (DynamoDB's by default; in-memory fakes in unit tests)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from chalicelib.identity import Principal
from chalicelib.refusals import FieldError, Refusal
from chalicelib.services.enrollment import domain, ports
from chalicelib.services.enrollment.schemas import FollowUpQuery, FollowUpView, SchoolFigures

if TYPE_CHECKING:
    from chalicelib.store.enrollment.applications import Figures

STATES = (
    *("submitted", "documents_requested", "approved", "registered", "rejected", "withdrawn"),
    "massar_refused",
)


def follow_up(principal: Principal, query: FollowUpQuery, today: date) -> FollowUpView:
    year = domain.school_year(query.year) if query.year else domain.school_year_of_filing(today)
    director = "school_director" in principal.roles and "admin" not in principal.roles
    if director and query.school not in (None, principal.office):
        raise Refusal("not-found")  # another school's figures: as if they did not exist
    school = principal.office if director else query.school
    counters = ports.applications()
    if school:
        scope, figures = {"school": school}, counters.school_figures(year.start, school)
    elif query.province:
        region = ports.catalogue().region_of(query.province)
        scope = {"province": query.province}
        figures = counters.area_figures(year.start, region, query.province) if region else []
    elif query.region:
        scope, figures = {"region": query.region}, counters.area_figures(year.start, query.region)
    else:
        raise Refusal(
            "validation-failed",
            errors=[
                FieldError("query.school", "name a school, a province or a region", "required")
            ],
        )
    schools = [_school(f, year) for f in figures]
    return FollowUpView(
        school_year=year.label,
        scope=scope,
        counts=_sum([s.counts for s in schools], (*STATES, "total")),
        siblings_forecast=_sum([s.siblings_forecast for s in schools], _horizon(year)),
        schools=schools,
    )


def _horizon(year: domain.SchoolYear) -> tuple[str, ...]:
    return tuple(domain.school_year(year.start + n).label for n in (1, 2))


def _school(figures: Figures, year: domain.SchoolYear) -> SchoolFigures:
    counts = {state: figures.numbers.get(f"n_{state}", 0) for state in STATES}
    counts["total"] = sum(counts.values())
    forecast = {
        domain.school_year(start).label: figures.numbers.get(f"siblings_{start}", 0)
        for start in (year.start + 1, year.start + 2)
    }
    return SchoolFigures(
        code=figures.school,
        name_fr=figures.name_fr,
        province=figures.province,
        region=figures.region,
        counts=counts,
        siblings_forecast=forecast,
    )


def _sum(parts: list[dict[str, int]], keys: tuple[str, ...]) -> dict[str, int]:
    return {key: sum(p.get(key, 0) for p in parts) for key in keys}
