"""The baccalaureate's rules, pure: who a candidate is, what a candidate list row must hold,
how marks make an average, a mention and an outcome, when results and complaints are open,
which data a candidate may have corrected, and how long a certificate share lives."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Subjects of the national exam by stream, with their coefficients (the weight of each mark
# in the average). The stream codes are those of the candidate lists.
STREAMS: dict[str, dict[str, int]] = {
    "SM": {"math": 9, "physics": 7, "svt": 3, "philosophy": 2, "english": 2, "arabic": 2},
    "PC": {"math": 7, "physics": 7, "svt": 5, "philosophy": 2, "english": 2, "arabic": 2},
    "SVT": {"math": 7, "physics": 5, "svt": 7, "philosophy": 2, "english": 2, "arabic": 2},
    "ECO": {"economics": 6, "accounting": 6, "math": 4, "philosophy": 2, "english": 2},
    "LSH": {"arabic": 4, "history": 3, "philosophy": 3, "english": 3, "french": 4},
}
STREAM_TITLES: dict[str, tuple[str, str]] = {  # (fr, ar)
    "SM": ("Sciences mathématiques", "العلوم الرياضية"),
    "PC": ("Sciences physiques", "العلوم الفيزيائية"),
    "SVT": ("Sciences de la vie et de la terre", "علوم الحياة والأرض"),
    "ECO": ("Sciences économiques", "العلوم الاقتصادية"),
    "LSH": ("Lettres et sciences humaines", "الآداب والعلوم الإنسانية"),
}
SUBJECT_TITLES: dict[str, tuple[str, str]] = {  # (fr, ar)
    "math": ("Mathématiques", "الرياضيات"),
    "physics": ("Physique-chimie", "الفيزياء والكيمياء"),
    "svt": ("Sciences de la vie et de la terre", "علوم الحياة والأرض"),
    "philosophy": ("Philosophie", "الفلسفة"),
    "english": ("Anglais", "اللغة الإنجليزية"),
    "arabic": ("Arabe", "اللغة العربية"),
    "french": ("Français", "اللغة الفرنسية"),
    "history": ("Histoire-géographie", "التاريخ والجغرافيا"),
    "economics": ("Économie générale", "الاقتصاد العام"),
    "accounting": ("Comptabilité", "المحاسبة"),
}
# Papers start at 08:00 and 15:00, two a day (the ministry's usual timetable); no Sunday.
SITTINGS = ("08:00", "15:00")
PASS_MARK = Decimal(10)
# An average from 8 up to (not including) 10 sends the candidate to the catch-up session
# ("rattrapage"), as the ministry announces every year.
RESIT_FROM = Decimal(8)
MENTIONS = (  # (lowest average, mention), best first
    (Decimal(16), "tres_bien"),
    (Decimal(14), "bien"),
    (Decimal(12), "assez_bien"),
    (Decimal(10), "passable"),
)
MENTION_TITLES = {
    "tres_bien": ("Très bien", "حسن جدا"),
    "bien": ("Bien", "حسن"),
    "assez_bien": ("Assez bien", "مستحسن"),
    "passable": ("Passable", "مقبول"),
}
OUTCOMES = ("admitted", "resit", "not_admitted")
OUTCOME_TITLES = {
    "admitted": ("Admis", "ناجح"),
    "resit": ("Session de rattrapage", "الدورة الاستدراكية"),
    "not_admitted": ("Non admis", "غير ناجح"),
}
# The personal data a candidate may ask to have corrected (the rest is the school's record).
CORRECTABLE = (
    "first_name_ar",
    "last_name_ar",
    "first_name_fr",
    "last_name_fr",
    "birth_date",
    "birth_place_ar",
    "birth_place_fr",
)
MAX_SHARE_DAYS = 90
DEFAULT_COMPLAINT_DAYS = 7
CNIE = re.compile(r"^[A-Z]{1,4}[0-9]{4,8}$")  # the card's letters, then its digits
CANDIDATE_NUMBER = re.compile(r"^[0-9]{6,12}$")
CODE = re.compile(r"^[A-Z0-9-]{2,20}$")  # academies, schools, exam centres
ARABIC = re.compile(r"^[\u0600-\u06FF\s'-]{1,60}$")
LATIN = re.compile(r"^[A-Za-zÀ-ÿ\s'-]{1,60}$")
COLUMNS = (
    "candidate_number",
    "first_name_ar",
    "last_name_ar",
    "first_name_fr",
    "last_name_fr",
    "birth_date",
    "birth_place_ar",
    "birth_place_fr",
    "cnie",
    "academy",
    "school",
    "stream",
    "exam_centre",
    "marks",  # optional: "math=15.25;physics=12" once the results exist
)
MAX_ROWS = 50_000  # one academy's session fits; a bigger file is split by the sender


class DataStatus:
    """Where the candidate's personal-data check stands."""

    UNCHECKED = "unchecked"
    CONFIRMED = "confirmed"
    CORRECTION_REQUESTED = "correction_requested"


@dataclass(frozen=True)
class Candidate:
    year: int
    candidate_number: str
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    birth_date: date
    birth_place_ar: str
    birth_place_fr: str
    cnie: str  # "" when the list has none: no match, no certificate
    academy: str
    school: str
    stream: str
    exam_centre: str
    marks: dict[str, Decimal] = field(default_factory=dict)
    data_status: str = DataStatus.UNCHECKED
    certificate_id: str = ""

    @property
    def has_results(self) -> bool:
        return bool(self.marks)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass(frozen=True)
class Result:
    average: Decimal
    mention: str  # "" unless admitted
    outcome: str


# ------------------------------------------------------------------ the candidate list


def parse_candidates(text: str, year: int, academy: str) -> tuple[list[Candidate], list[RowError]]:
    """The rows of a candidate list (CSV with a header of COLUMNS) for ``academy``'s
    candidates of session ``year``, and what is wrong with the others, by line (the header
    is line 1). A file either holds marks for every row or for none."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c != "marks" and c not in (reader.fieldnames or [])]
    if missing:
        return [], [RowError(1, c, "column missing from the header") for c in missing]
    candidates: list[Candidate] = []
    errors: list[RowError] = []
    numbers: dict[str, int] = {}
    cards: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(RowError(line, "", f"at most {MAX_ROWS} rows a file"))
            break
        candidate, row_errors = parse_row(row, line, year, academy)
        number = (row.get("candidate_number") or "").strip()
        card = (row.get("cnie") or "").strip().upper()
        first = numbers.setdefault(number, line)
        if number and first != line:
            row_errors.append(RowError(line, "candidate_number", f"also on line {first}"))
        first = cards.setdefault(card, line)
        if card and first != line:
            row_errors.append(RowError(line, "cnie", f"also on line {first}"))
        if row_errors:
            errors += row_errors
        elif candidate is not None:
            candidates.append(candidate)
    return candidates, errors


def parse_row(
    row: Mapping[str, str | None], line: int, year: int, academy: str
) -> tuple[Candidate | None, list[RowError]]:
    value = {k: (row.get(k) or "").strip() for k in COLUMNS}
    errors: list[RowError] = []

    def check(column: str, ok: bool, message: str) -> None:
        if not ok:
            errors.append(RowError(line, column, message))

    check(
        "candidate_number",
        bool(CANDIDATE_NUMBER.match(value["candidate_number"])),
        "6 to 12 digits",
    )
    for column in ("first_name_ar", "last_name_ar", "birth_place_ar"):
        check(column, bool(ARABIC.match(value[column])), "Arabic letters, 1 to 60")
    for column in ("first_name_fr", "last_name_fr", "birth_place_fr"):
        check(column, bool(LATIN.match(value[column])), "Latin letters, 1 to 60")
    check("cnie", not value["cnie"] or bool(CNIE.match(value["cnie"].upper())), "not a CNIe number")
    for column in ("academy", "school", "exam_centre"):
        check(column, bool(CODE.match(value[column])), "a code of 2 to 20 capitals or digits")
    check("academy", value["academy"] == academy, f"not a candidate of academy {academy}")
    check("stream", value["stream"] in STREAMS, f"one of {', '.join(STREAMS)}")
    born = _date(value["birth_date"])
    check(
        "birth_date",
        born is not None and _plausible_age(born, year),
        "a date YYYY-MM-DD, aged 14 to 80",
    )
    marks: dict[str, Decimal] = {}
    if value["marks"] and value["stream"] in STREAMS:
        marks, why_not = parse_marks(value["marks"], value["stream"])
        check("marks", not why_not, why_not)
    if errors or born is None:
        return None, errors
    return Candidate(
        year=year,
        candidate_number=value["candidate_number"],
        first_name_ar=value["first_name_ar"],
        last_name_ar=value["last_name_ar"],
        first_name_fr=value["first_name_fr"],
        last_name_fr=value["last_name_fr"],
        birth_date=born,
        birth_place_ar=value["birth_place_ar"],
        birth_place_fr=value["birth_place_fr"],
        cnie=value["cnie"].upper(),
        academy=value["academy"],
        school=value["school"],
        stream=value["stream"],
        exam_centre=value["exam_centre"],
        marks=marks,
    ), []


def parse_marks(text: str, stream: str) -> tuple[dict[str, Decimal], str]:
    """``math=15.25;physics=12`` -> marks, or why not: every subject of the stream, once,
    each from 0 to 20 with at most two decimals."""
    marks: dict[str, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        subject, _, raw = part.partition("=")
        mark, why_not = checked_mark(raw.strip())
        if why_not:
            return {}, f"{subject.strip()}: {why_not}"
        marks[subject.strip()] = mark
    expected = set(STREAMS[stream])
    if set(marks) != expected:
        return {}, f"the subjects of {stream} are {', '.join(sorted(expected))}"
    return marks, ""


def checked_mark(raw: str) -> tuple[Decimal, str]:
    try:
        mark = Decimal(raw)
    except InvalidOperation:
        return Decimal(0), "not a number"
    if not mark.is_finite() or not Decimal(0) <= mark <= Decimal(20):
        return Decimal(0), "a mark is from 0 to 20"
    if mark != mark.quantize(Decimal("0.01")):
        return Decimal(0), "at most two decimals"
    return mark, ""


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _plausible_age(born: date, year: int) -> bool:
    return 14 <= year - born.year <= 80


# ------------------------------------------------------------------ results


def result_of(stream: str, marks: Mapping[str, Decimal]) -> Result:
    """The weighted average (two decimals, half up), the outcome and, if admitted, the mention."""
    weights = STREAMS[stream]
    total = sum((marks[s] * w for s, w in weights.items()), Decimal(0))
    average = (total / sum(weights.values())).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if average >= PASS_MARK:
        mention = next(name for floor, name in MENTIONS if average >= floor)
        return Result(average, mention, "admitted")
    return Result(average, "", "resit" if average >= RESIT_FROM else "not_admitted")


def published(visible_from: datetime | None, now: datetime) -> bool:
    return visible_from is not None and now >= visible_from


# Publication: the moment is copied into every result item by a background job, so that a
# candidate's read stays one GetItem. The job must reach every item before the moment, or a
# candidate whose item still carries an earlier moment would see results early. So a moment
# leaves the job time: PUBLISH_MARGIN plus the academy's items at a conservative rate.
PUBLISH_RESULTS_PER_SECOND = 200
PUBLISH_MARGIN = timedelta(minutes=2)


def publication_lead(candidates: int) -> timedelta:
    """How long before the moment a publication job must start to reach every item."""
    return PUBLISH_MARGIN + timedelta(seconds=-(-max(candidates, 0) // PUBLISH_RESULTS_PER_SECOND))


@dataclass(frozen=True)
class PublishDecision:
    moment: datetime | None  # the moment to write, when allowed
    field_error: str = ""  # the requested moment is too soon (422 on body.visible_from)
    conflict: str = ""  # the session's current moment forbids the change (409)


def publication(
    requested: datetime | None, current: datetime | None, candidates: int, now: datetime
) -> PublishDecision:
    """The moment a publish request sets, or why not. ``requested`` None means "as soon as
    possible": the earliest moment the job can meet (or, once published, the same moment).
    - once results are visible, the moment cannot change (they cannot be unseen);
    - a moment must leave the job its lead, and so must a moment already set that the job
      replaces: until the job reaches an item, the item carries the moment set before."""
    earliest = now + publication_lead(candidates)
    if published(current, now):
        if requested is None or requested == current:
            return PublishDecision(current)
        assert current is not None
        return PublishDecision(
            None, conflict=f"Results are visible since {current.isoformat()}: it cannot change."
        )
    if current is not None and current < earliest and requested != current:
        return PublishDecision(
            None,
            conflict=f"Results are due at {current.isoformat()}: too close to move them, the "
            f"publication job needs until {earliest.isoformat()} to reach every result.",
        )
    if requested is None:
        return PublishDecision(earliest)
    if requested < earliest and requested != current:
        return PublishDecision(
            None,
            field_error=f"at the earliest {earliest.isoformat()}: the publication job must "
            "reach every result before the moment",
        )
    return PublishDecision(requested)


def correction_acceptance_refusal(document_status: str) -> str:
    """Why an officer may not accept a correction yet, or "": its supporting document must
    have arrived and passed the checks (``missing``, ``awaiting_upload``, ``rejected``)."""
    if document_status == "verified":
        return ""
    if document_status == "rejected":
        return (
            "The supporting document was rejected by the checks: the candidate must send another."
        )
    return "The supporting document has not been received and verified yet."


def complaint_refusal(
    visible_from: datetime | None, complaint_until: datetime | None, now: datetime
) -> str:
    """Why a complaint may not be filed now, or "": only between publication and the end of
    the session's complaint window."""
    if not published(visible_from, now):
        return "Complaints open when the results are published."
    if complaint_until is None or now > complaint_until:
        return "The complaint window of this session has closed."
    return ""


def corrected_marks(
    stream: str, marks: Mapping[str, Decimal], corrections: Mapping[str, Decimal]
) -> tuple[dict[str, Decimal], str]:
    """The marks after an accepted complaint's corrections, or why they are refused."""
    unknown = set(corrections) - set(STREAMS[stream])
    if unknown:
        return {}, f"no subject {', '.join(sorted(unknown))} in stream {stream}"
    for subject, mark in corrections.items():
        _, why_not = checked_mark(str(mark))
        if why_not:
            return {}, f"{subject}: {why_not}"
    return {**marks, **corrections}, ""


# ------------------------------------------------------------------ personal data


def correction_refusal(candidate: Candidate, fields: Mapping[str, str]) -> str:
    """Why these corrections may not be asked for, or ""."""
    if candidate.data_status == DataStatus.CORRECTION_REQUESTED:
        return "A correction is already being examined; wait for its answer."
    if not fields:
        return "Name at least one field to correct."
    unknown = set(fields) - set(CORRECTABLE)
    if unknown:
        return f"These fields cannot be corrected here: {', '.join(sorted(unknown))}."
    if "birth_date" in fields and _date(fields["birth_date"]) is None:
        return "birth_date: a date YYYY-MM-DD."
    return ""


def with_corrections(candidate: Candidate, fields: Mapping[str, str]) -> Candidate:
    """The record after accepted corrections: the candidate must confirm it again."""
    changes: dict[str, object] = {k: v for k, v in fields.items() if k in CORRECTABLE}
    if "birth_date" in changes:
        changes["birth_date"] = date.fromisoformat(str(changes["birth_date"]))
    return replace(candidate, **changes, data_status=DataStatus.UNCHECKED)  # type: ignore[arg-type]


def schedule(stream: str, exam_start: date | None) -> list[tuple[date | None, str, str]]:
    """(day, time, subject) of each paper, in the stream's order, from the first exam day;
    days are None until the session's first day is known."""
    papers, day = [], exam_start
    for n, subject in enumerate(STREAMS[stream]):
        if n and n % len(SITTINGS) == 0 and day is not None:
            day += timedelta(days=1)
            if day.weekday() == 6:
                day += timedelta(days=1)
        papers.append((day, SITTINGS[n % len(SITTINGS)], subject))
    return papers


def convocation_refusal(candidate: Candidate) -> str:
    if candidate.data_status == DataStatus.CORRECTION_REQUESTED:
        return "Your correction request is being examined; confirm your data once it is answered."
    if candidate.data_status != DataStatus.CONFIRMED:
        return "Check and confirm your personal data first (POST /bac/me/verification)."
    return ""


# ------------------------------------------------------------------ the certificate


def certificate_refusal(candidate: Candidate | None, visible: bool) -> tuple[str, str]:
    """(problem slug, why) when no certificate may be issued, or ("", "")."""
    if candidate is None or not candidate.cnie:
        return (
            "bac-cnie-not-on-file",
            "No baccalaureate record carries your CNIe number, and the certificate carries "
            "it: ask the exam office of your academy to add it to your candidate record.",
        )
    if not visible or not candidate.has_results:
        return "bac-results-not-published", "The results of your session are not published yet."
    if result_of(candidate.stream, candidate.marks).outcome != "admitted":
        return "bac-not-admitted", "A certificate is issued to admitted candidates only."
    return "", ""


def certificate_claims(
    candidate: Candidate, certificate_id: str, issued_at: datetime
) -> dict[str, object]:
    """What the signed certificate states (the JWS payload). Decimals are written as strings
    so that no verifier's float rounding changes an average."""
    result = result_of(candidate.stream, candidate.marks)
    return {
        "iss": "urn:khidmat:men:baccalaureate",
        "jti": certificate_id,
        "iat": int(issued_at.timestamp()),
        "type": "baccalaureate-certificate",
        "session": candidate.year,
        "candidate_number": candidate.candidate_number,
        "cnie": candidate.cnie,
        "names": {
            "ar": f"{candidate.first_name_ar} {candidate.last_name_ar}",
            "fr": f"{candidate.first_name_fr} {candidate.last_name_fr}",
        },
        "birth_date": candidate.birth_date.isoformat(),
        "birth_place": {"ar": candidate.birth_place_ar, "fr": candidate.birth_place_fr},
        "stream": candidate.stream,
        "academy": candidate.academy,
        "average": str(result.average),
        "mention": result.mention,
    }


def share_refusal(days: int) -> str:
    if not 1 <= days <= MAX_SHARE_DAYS:
        return f"A share lasts from 1 to {MAX_SHARE_DAYS} days."
    return ""


def share_status(
    revoked: bool, expires_at: datetime, certificate_revoked: bool, now: datetime
) -> str:
    """valid, expired or revoked (a share of a replaced certificate is revoked too)."""
    if revoked or certificate_revoked:
        return "revoked"
    if now >= expires_at:
        return "expired"
    return "valid"


def share_expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
