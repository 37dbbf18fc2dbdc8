"""Requests and schools shaped for the API (pure functions to the schemas)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from chalicelib.services.enrollment import domain
from chalicelib.services.enrollment.schemas import (
    ApplicationView,
    ChecksView,
    SchoolView,
    SectorView,
)
from chalicelib.services.enrollment.validation import guardian_of
from chalicelib.workflow.case import Case

CHILD_FIELDS = (
    *("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin"),
    *("birth_date", "birth_date_hijri", "birth_place", "sex"),
)


def school_view(school: Mapping[str, Any]) -> SchoolView:
    return SchoolView(
        **{k: school[k] for k in SchoolView.model_fields if k != "sector"},
        sector=[SectorView(**area) for area in school["sector"]],
    )


def _photo(case: Case) -> str:
    photos = sorted((d for d in case.documents if d.kind == "photo"), key=lambda d: d.created_at)
    if any(d.status == "verified" for d in photos):
        return "verified"
    return photos[-1].status if photos else "missing"


def application_view(
    case: Case, school: Mapping[str, Any] | None, language: str, listed: bool = False
) -> ApplicationView:
    """A request with the checks its director must make: the age rule and the sector (of
    the school as the catalogue now has it)."""
    application, payload = case.payload["application"], case.payload
    child = application["child"]
    guardian = guardian_of(application)
    year = domain.school_year(int(payload["school_year"]))
    checks = domain.checks(
        date.fromisoformat(child["birth_date"]),
        year,
        payload["level"],
        (school or {}).get("sector", []),
        payload["residence"],
        language,
    )
    return ApplicationView(
        id=case.id,
        reference=case.reference,
        state=case.state,
        school=case.office,
        level=payload["level"],
        school_year=year.label,
        filed_at=case.created_at,
        updated_at=case.updated_at,
        child={k: str(child[k]) for k in CHILD_FIELDS},
        guardian={
            "capacity": application["guardian_capacity"],
            **{k: guardian.get(k) for k in ("first_name_latin", "last_name_latin", "phone")},
            **{k: guardian.get(k) for k in ("first_name_ar", "last_name_ar", "email")},
        },
        residence=dict(payload["residence"]),
        checks=ChecksView(**vars(checks)),
        photo=None if listed else _photo(case),
        massar_code=payload.get("massar_code"),
        massar_refusal=payload.get("massar_refusal"),
    )
