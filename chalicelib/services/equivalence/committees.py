"""The equivalence committees of decree 2.13.165 as amended by 2.19.281 (seed 002): who sits
on them (seats, as data, per article), who may chair and report a sitting, and what the
minutes of a sitting record for each file. Pure: no I/O.

- Sector committees (art. 4): one per field of speciality (the higher track's kinds of
  training; their number is left to an order the seed only announces). Members: deans or
  directors of public higher-education institutions and representatives of ministerial
  departments, plus where relevant a representative of the professional body of the diploma.
  The chair is a head of a public institution chosen by his peers at the start of each
  meeting; an absent head of institution is replaced by his vice-dean, deputy director or a
  professor of higher education of the same institution; the chair appoints a rapporteur
  among the members, who prepares the minutes.
- The Higher Equivalence Committee (art. 8, composition art. 9), code ``HEC``: reviews and
  coordination. Its members are appointed by the minister: a university president (chair),
  two deans of faculties of letters and human sciences, a director of a university
  engineering school, two heads of institutions outside the universities proposed by the
  coordination council, two directors of the central administration in charge of higher
  education and of equivalences. How it works is left to an order (art. 9), not in the seeds:
  it has no rapporteur rule, so one is optional.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.services.equivalence.catalogue import TRAININGS, office_of

HEC = "HEC"  # the Higher Equivalence Committee's code (committee members' office)
MINISTRY = office_of("higher")  # the officers who open sittings (MESRSI)
SUBSTITUTES = ("vice_dean", "deputy_director", "professor")  # art. 4, fourth paragraph


@dataclass(frozen=True)
class Seat:
    code: str
    titles: Mapping[str, str]  # ar, fr
    article: str  # where seed 002 says it
    count: int | None = None  # exactly this many (art. 9); None: as many as the order sets
    optional: bool = False  # "where relevant"
    may_chair: bool = False
    chairs: bool = False  # the seat's holder chairs every sitting (art. 9)
    substitutable: bool = False  # art. 4: an absent head of institution is replaced


def _titles(ar: str, fr: str) -> Mapping[str, str]:
    return {"ar": ar, "fr": fr}


SECTOR_SEATS: tuple[Seat, ...] = (
    Seat(
        "head_of_institution",
        _titles(
            "عميد أو مدير مؤسسة للتعليم العالي العام",
            "Doyen ou directeur d'un établissement d'enseignement supérieur public",
        ),
        "seed 002, art. 4",
        may_chair=True,
        substitutable=True,
    ),
    Seat(
        "ministerial_department",
        _titles("ممثل قطاع وزاري", "Représentant d'un département ministériel"),
        "seed 002, art. 4",
    ),
    Seat(
        "professional_body",
        _titles(
            "ممثل الهيئة المهنية المعنية بالشهادة",
            "Représentant de l'organisme professionnel concerné par le diplôme",
        ),
        "seed 002, art. 4",
        optional=True,
    ),
)

HEC_SEATS: tuple[Seat, ...] = (
    Seat(
        "university_president",
        _titles("رئيس جامعة، رئيسا", "Président d'université, président"),
        "seed 002, art. 9",
        count=1,
        may_chair=True,
        chairs=True,
    ),
    Seat(
        "dean_letters",
        _titles(
            "عميد كلية للآداب والعلوم الإنسانية",
            "Doyen d'une faculté des lettres et des sciences humaines",
        ),
        "seed 002, art. 9",
        count=2,
    ),
    Seat(
        "engineering_school_director",
        _titles(
            "مدير مدرسة لتكوين المهندسين تابعة لإحدى الجامعات",
            "Directeur d'une école d'ingénieurs relevant d'une université",
        ),
        "seed 002, art. 9",
        count=1,
    ),
    Seat(
        "non_university_institution_head",
        _titles(
            "رئيس مؤسسة للتعليم العالي غير تابعة للجامعات يقترحه مجلس التنسيق",
            "Chef d'un établissement d'enseignement supérieur ne relevant pas des "
            "universités, proposé par le conseil de coordination",
        ),
        "seed 002, art. 9",
        count=2,
    ),
    Seat(
        "central_administration_director",
        _titles(
            "مدير بالإدارة المركزية مكلف بالتعليم العالي أو بالمعادلات بين الشهادات",
            "Directeur de l'administration centrale chargé de l'enseignement supérieur "
            "ou des équivalences",
        ),
        "seed 002, art. 9",
        count=2,
    ),
)


@dataclass(frozen=True)
class Committee:
    code: str
    kind: str  # "sector" or "higher"
    titles: Mapping[str, str]
    article: str
    seats: tuple[Seat, ...]
    holds: tuple[str, ...]  # the file states in which it works the file

    def seat(self, code: str) -> Seat | None:
        return next((s for s in self.seats if s.code == code), None)


def _sector(field: str) -> Committee:
    names = TRAININGS[field]["titles"]
    return Committee(
        field,
        "sector",
        _titles(f"اللجنة القطاعية: {names['ar']}", f"Commission sectorielle : {names['fr']}"),
        "seed 002, art. 4",
        SECTOR_SEATS,
        ("with_committee", "reexamination"),
    )


COMMITTEES: Mapping[str, Committee] = {
    **{f: _sector(f) for f, about in TRAININGS.items() if "higher" in about["tracks"]},
    HEC: Committee(
        HEC,
        "higher",
        _titles(
            "اللجنة العليا لمعادلة الشهادات", "Commission supérieure d'équivalence des diplômes"
        ),
        "seed 002, arts. 8 and 9",
        HEC_SEATS,
        ("review_requested",),
    ),
}

Errors = list[tuple[str, str]]  # (field, message)


def members_errors(committee: Committee, members: Sequence[Mapping[str, Any]]) -> Errors:
    """What is wrong with a committee's list of members (seats of its article, counts)."""
    errors: Errors = []
    ids = [m.get("id") for m in members]
    if len(set(ids)) != len(ids):
        errors.append(("members", "each member id once"))
    for n, member in enumerate(members):
        if committee.seat(str(member.get("seat"))) is None:
            seats = ", ".join(s.code for s in committee.seats)
            errors.append((f"members.{n}.seat", f"one of {seats} ({committee.article})"))
    for seat in committee.seats:
        held = sum(1 for m in members if m.get("seat") == seat.code)
        if seat.count is not None and held > seat.count:
            errors.append(("members", f"{seat.code}: at most {seat.count} ({seat.article})"))
    return errors


def _attendance_errors(
    committee: Committee, members: Mapping[str, Mapping[str, Any]], attendance: Sequence[Any]
) -> tuple[Errors, set[str]]:
    errors: Errors = []
    present: set[str] = set()
    for n, entry in enumerate(attendance):
        member = members.get(str(entry.get("member")))
        if member is None:
            errors.append((f"attendance.{n}.member", "not a member of this committee"))
            continue
        substitute = entry.get("substitute")
        if substitute:
            seat = committee.seat(str(member["seat"]))
            if seat is None or not seat.substitutable:
                errors.append(
                    (
                        f"attendance.{n}.substitute",
                        "only a head of institution is replaced (art. 4)",
                    )
                )
            elif substitute.get("capacity") not in SUBSTITUTES:
                errors.append(
                    (
                        f"attendance.{n}.substitute.capacity",
                        f"one of {', '.join(SUBSTITUTES)} (art. 4)",
                    )
                )
        elif entry.get("present", True):
            present.add(str(member["id"]))
    return errors, present


def sitting_errors(
    committee: Committee,
    members: Sequence[Mapping[str, Any]],
    attendance: Sequence[Mapping[str, Any]],
    chair: str,
    rapporteur: str | None,
) -> Errors:
    """What keeps a sitting's record from being closed: who attended, who chaired (art. 4:
    a head of institution present, chosen by his peers; art. 9: the university president),
    and the rapporteur (art. 4: a member present, appointed by the chair)."""
    by_id = {str(m["id"]): m for m in members}
    errors, present = _attendance_errors(committee, by_id, attendance)
    if not present:
        errors.append(("attendance", "record at least one member present"))
    chair_seat = committee.seat(str(by_id.get(chair, {}).get("seat")))
    if chair not in present or chair_seat is None or not chair_seat.may_chair:
        rule = (
            "the university president (art. 9)"
            if committee.kind == "higher"
            else "a head of a public institution present, chosen by his peers (art. 4)"
        )
        errors.append(("chair", f"the chair is {rule}"))
    if rapporteur is None and committee.kind == "sector":
        errors.append(("rapporteur", "the chair appoints a rapporteur among the members (art. 4)"))
    elif rapporteur is not None and rapporteur not in present:
        errors.append(("rapporteur", "a member present at the sitting"))
    return errors


def minutes_entry(
    item: Mapping[str, Any], state: str, payload: Mapping[str, Any], committee: str, since: str
) -> dict[str, Any]:
    """What the minutes record for one file of the agenda: the proposal the committee made
    at or after the sitting opened (``since``, ISO 8601), or that none was made. The
    proposal's shape is the lifecycle's (``domain.proposal``), read defensively."""
    proposal = payload.get("proposal")
    made = (
        isinstance(proposal, Mapping)
        and proposal.get("committee") == committee
        and str(proposal.get("proposed_at", "")) >= since
    )
    entry = {k: item.get(k) for k in ("case_id", "reference", "diploma", "institution", "country")}
    entry["state"] = state
    if not made:
        return {**entry, "proposal": None}
    assert isinstance(proposal, Mapping)
    conditions = proposal.get("conditions") or []
    return {
        **entry,
        "proposal": {
            "outcome": str(proposal.get("outcome") or ""),
            "verdict": proposal.get("verdict"),
            "national_diploma": str(proposal.get("national_diploma") or ""),
            "conditions": [
                {"kind": str(c.get("kind", "")), "detail": str(c.get("detail", ""))}
                for c in conditions
                if isinstance(c, Mapping)
            ],
            "reasons": str(proposal.get("reasons") or ""),
            "assessment": {
                str(k): str(v.get("rating", "")) if isinstance(v, Mapping) else str(v)
                for k, v in (proposal.get("assessment") or {}).items()
            },
            "proposed_at": str(proposal.get("proposed_at", "")),
        },
    }
