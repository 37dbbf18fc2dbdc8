"""How to call this service's routes in the matrix, least-privilege and bench runs, and the
sample schools and requests the enrollment tests build on."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import date
from typing import Any

from bench.calls import Sample as BenchSample
from chalicelib.identity import identity
from tests.support.route_samples.matrix import OFFICE, OWNER, Sample

COMMUNE, DISTRICT = "Rabat-Agdal", "Agdal"
CHILD_BIRTH = date(2021, 3, 15)  # of age for 2027-2028 (6 on 31 December 2027)


def school(code: str, **changes: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name_ar": "مدرسة الاختبار",
        "name_fr": f"École test {code}",
        "levels": ["preschool", "primary"],
        "commune": COMMUNE,
        "province": "RABAT",
        "region": "RSK",
        "address": "1, avenue des Tests, Agdal",
        "sector": [
            {"commune": COMMUNE, "district": DISTRICT},
            {"commune": COMMUNE, "district": "Ryad"},
        ],
        **changes,
    }


def seed_school(code: str, **changes: Any) -> dict[str, Any]:
    from chalicelib.store.enrollment import catalogue

    record = school(code, **changes)
    catalogue.save_school(record)
    return record


def hijri(day: date) -> str:
    from hijridate import Gregorian

    h = Gregorian(day.year, day.month, day.day).to_hijri()
    return f"{h.year:04d}-{h.month:02d}-{h.day:02d}"


def _parent(first_ar: str, first_latin: str, cnie: str, phone: str, email: str) -> dict[str, Any]:
    return {
        "first_name_ar": first_ar,
        "last_name_ar": "العلوي",
        "father_name_ar": "أحمد",
        "first_name_latin": first_latin,
        "last_name_latin": "Alaoui",
        "father_name_latin": "Ahmed",
        "cnie": cnie,
        "job": "enseignant",
        "address": {"line": "12 rue des Orangers", "commune": COMMUNE, "district": DISTRICT},
        "phone": phone,
        "email": email,
    }


APPLICATION: dict[str, Any] = {
    "child": {
        "first_name_ar": "يوسف",
        "last_name_ar": "العلوي",
        "first_name_latin": "Youssef",
        "last_name_latin": "Alaoui",
        "birth_date": CHILD_BIRTH.isoformat(),
        "birth_date_hijri": "",  # filled by application()
        "birth_place": "Rabat",
        "birth_certificate_number": "1234/2021",
        "birth_certificate_date": "2021-03-20",
        "sex": "M",
    },
    "father": _parent("محمد", "Mohammed", "AB123456", "+212612345678", "pere@demo.invalid"),
    "mother": _parent("فاطمة", "Fatima", "A98765", "+212661234567", "mere@demo.invalid"),
    "siblings": [
        {
            "first_name_ar": "سلمى",
            "last_name_ar": "العلوي",
            "first_name_latin": "Salma",
            "last_name_latin": "Alaoui",
            "birth_date": "2022-06-01",
        }
    ],
    "guardian_capacity": "mother",
    "school": OFFICE,
    "level": "primary",
    "language": "fr",
}


# The guardian of APPLICATION is the mother: a guardian files signed in with her CNIe.
GUARDIAN_CNIE = "A98765"
GUARDIAN: dict[str, Any] = {"acr": "cnie", "cnie": GUARDIAN_CNIE}


def application(school_code: str, certificate: str | None = None, **child: Any) -> dict[str, Any]:
    """A valid request for a child of age at ``school_code`` (a fresh child by default)."""
    body = copy.deepcopy(APPLICATION)
    body["school"] = school_code
    body["child"]["birth_certificate_number"] = certificate or f"{uuid.uuid4().int % 10**6}/2021"
    body["child"].update(child)
    birth = date.fromisoformat(body["child"]["birth_date"])
    body["child"].setdefault("birth_date_hijri", "")
    if not child.get("birth_date_hijri"):
        body["child"]["birth_date_hijri"] = hijri(birth)
    return body


# The sample request lives in its school's sector and is of age: a director who rejects it
# gives another ground, in words (an age or sector refusal would contradict its facts).
REJECTION = {"reason": "other", "details": "the birth certificate is not legible"}
# A school map of one school, as POST /enrollment/schools/import and make schools take it.
SCHOOL_MAP = (
    "code,name_ar,name_fr,levels,commune,province,region,address,sector\n"
    f"LP-MAP-1,مدرسة الخريطة,École de la carte,preschool;primary,{COMMUNE},RABAT,RSK,"
    f'"2, rue de la Carte",{DISTRICT};Ryad\n'
)
# A school map with a bad line of each kind, for the import's tests: {a} to {e} are school
# codes, {north} a district of another commune. Lines 2 and 3 are good; 4 to 8 break a rule.
FAULTY_SCHOOL_MAP = """code,name_ar,name_fr,levels,commune,province,region,address,sector
{a},مدرسة الواحة,École Al Waha,primary,Tiznit-Centre,TIZNIT,SM,"3, rue X",Hay Lalla;{north}
{b},مدرسة الأطلس,École Atlas,preschool;primary,Tiznit-Centre,TIZNIT,SM,1 avenue Atlas,Hay Massira
bad code!,مدرسة,École,primary,Tiznit-Centre,TIZNIT,SM,adresse,Hay Massira
{c},مدرسة السلام,École Salam,college,Tiznit-Centre,TIZNIT,SM,adresse,Hay Massira
{d},Ecole sans arabe,École D,primary,Tiznit-Centre,TIZNIT,SM,adresse,
{a},مدرسة مكررة,École doublon,primary,Tiznit-Centre,TIZNIT,SM,adresse,Hay Salam
{e},مدرسة,École E,primary,Tiznit-Centre
"""


def filed(owner: str = OWNER, school_code: str = OFFICE) -> dict[str, str]:
    """A request filed by ``owner`` at ``school_code`` (seeded): its path values."""
    from chalicelib.identity import Principal
    from chalicelib.services.enrollment import service
    from chalicelib.services.enrollment.schemas import ApplicationIn

    seed_school(school_code)
    principal = Principal(owner, "citizen", frozenset({"citizen"}), **GUARDIAN)
    body = ApplicationIn.model_validate(application(school_code)).model_dump()
    case = service.file(principal, body, "fr")
    return {"application_id": case.id}


MATRIX: dict[tuple[str, str], Sample] = {
    ("GET", "/enrollment/schools"): Sample(query=f"commune={COMMUNE}"),
    ("POST", "/enrollment/applications"): Sample(body="{}"),
    ("GET", "/enrollment/schools/{code}/applications"): Sample(),
    ("POST", "/enrollment/applications/{application_id}/approve"): Sample(setup=filed),
    ("POST", "/enrollment/applications/{application_id}/reject"): Sample(
        setup=filed, body=json.dumps(REJECTION)
    ),
    ("POST", "/enrollment/schools/import"): Sample(body=json.dumps({"csv": SCHOOL_MAP})),
    ("POST", "/enrollment/applications/{application_id}/withdraw"): Sample(setup=filed),
    ("POST", "/enrollment/applications/{application_id}/request-documents"): Sample(
        setup=filed, body=json.dumps({"reason": "the birth certificate, legible"})
    ),
    ("POST", "/enrollment/applications/{application_id}/complete"): Sample(setup=filed, body="{}"),
    ("GET", "/enrollment/follow-up"): Sample(query=f"school={OFFICE}"),
}
# The least-privilege rows: first the early refusals (a malformed body, a case that is not
# there, a school that is not the director's), then each write reaching its success, so that
# the transactions of filing and deciding (case, child's guard, school's counters, history,
# audit, outbox) run under the policy evaluator too.
_ONE = "/enrollment/applications/LPNOSUCHCASE0000"
LP_SCHOOL, LP_GUARDIAN = "LP-SCHOOL", "lp-guardian"
_DIRECTOR = {"office": LP_SCHOOL}
_DECIDE = "/enrollment/applications/{application_id}"


def _school() -> dict[str, str]:
    seed_school(LP_SCHOOL)
    return {}


def _filed() -> dict[str, str]:
    return filed(identity("citizen", LP_GUARDIAN), LP_SCHOOL)


def _with_photo() -> dict[str, str]:
    """Filed, and its photo checked: what approving needs."""
    from tests.support.route_samples.uploads import PNG, verified

    values = _filed()
    verified(values["application_id"], "photo", PNG)
    return values


def documents_requested(owner: str = OWNER, school_code: str = OFFICE) -> dict[str, str]:
    """Filed, then its director asked for a document: what the guardian's answer needs."""
    from chalicelib.identity import Principal
    from chalicelib.services.enrollment import service

    values = filed(owner, school_code)
    director = Principal("director", "staff", frozenset({"school_director"}), school_code)
    reason = "the birth certificate, legible"
    service.request_documents(director, values["application_id"], reason, "samples")
    return values


def _owing() -> dict[str, str]:
    return documents_requested(identity("citizen", LP_GUARDIAN), LP_SCHOOL)


def _filing() -> dict[str, str]:
    return {"Content-Type": "application/json", "Idempotency-Key": f"lp-{uuid.uuid4()}"}


LEAST_PRIVILEGE: list[tuple[Any, ...]] = [
    ("GET", "/enrollment/schools", f"/enrollment/schools?commune={COMMUNE}", None, 200),
    (
        "POST",
        "/enrollment/applications",
        "/enrollment/applications",
        "citizen",
        400,
        {"claims": dict(GUARDIAN)},
    ),
    (
        "POST",
        "/enrollment/applications",
        "/enrollment/applications",
        "citizen",
        201,
        {
            "setup": _school,
            "claims": {"sub": LP_GUARDIAN, **GUARDIAN},
            "headers": lambda _: _filing(),
            "body": lambda _: json.dumps(application(LP_SCHOOL)),
        },
    ),
    (
        "GET",
        "/enrollment/schools/{code}/applications",
        "/enrollment/schools/LP-SCHOOL/applications",
        "school_director",
        404,
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/approve",
        f"{_ONE}/approve",
        "school_director",
        404,
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/approve",
        f"{_DECIDE}/approve",
        "school_director",
        200,
        {"setup": _with_photo, "claims": _DIRECTOR},
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/reject",
        f"{_ONE}/reject",
        "school_director",
        400,
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/reject",
        f"{_DECIDE}/reject",
        "school_director",
        200,
        {
            "setup": _filed,
            "claims": _DIRECTOR,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps(REJECTION),
        },
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/withdraw",
        f"{_ONE}/withdraw",
        "citizen",
        404,
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/withdraw",
        f"{_DECIDE}/withdraw",
        "citizen",
        200,
        {"setup": _filed, "claims": {"sub": LP_GUARDIAN}},
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/request-documents",
        f"{_DECIDE}/request-documents",
        "school_director",
        200,
        {
            "setup": _filed,
            "claims": _DIRECTOR,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"reason": "the birth certificate, legible"}),
        },
    ),
    (
        "POST",
        "/enrollment/applications/{application_id}/complete",
        f"{_DECIDE}/complete",
        "citizen",
        200,
        {
            "setup": _owing,
            "claims": {"sub": LP_GUARDIAN},
            "headers": {"Content-Type": "application/json"},
            "body": "{}",
        },
    ),
    ("GET", "/enrollment/follow-up", "/enrollment/follow-up?region=RSK", "admin", 200),
    (
        "POST",
        "/enrollment/schools/import",
        "/enrollment/schools/import",
        "admin",
        200,
        {
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"csv": SCHOOL_MAP}),
        },
    ),
]
BENCH_SCHOOL = "BENCH-SCHOOL"
BENCH: dict[tuple[str, str], BenchSample] = {
    ("GET", "/enrollment/schools"): BenchSample(
        query={"commune": COMMUNE}, floor=1, why="the commune's schools (one index Query)"
    ),
    ("GET", "/enrollment/schools/{code}/applications"): BenchSample(
        path={"code": BENCH_SCHOOL},
        query={"q": "youssef"},
        floor=3,
        why="rate counter, the school, its queue (one index Query); a page with files adds "
        "the reader's audit record",
    ),
    ("GET", "/enrollment/follow-up"): BenchSample(
        query={"region": "RSK"},
        role="admin",
        floor=2,
        why="rate counter, the region's figures (one index Query)",
    ),
}
