"""An academy's candidate list: the columns of its CSV, and what each row must hold (bad
rows named by line and column; a file either holds marks for every row or for none)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from chalicelib.services.bac.domain import STREAMS, Candidate, checked_mark, parse_date

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
    # optional, and required with the marks: the candidate's averages of the other parts of
    # the session's rule (grading), 0 to 20
    "continuous_assessment",
    "regional_exam",
)
OPTIONAL = ("marks", "continuous_assessment", "regional_exam")
MAX_ROWS = 50_000  # one academy's session fits; a bigger file is split by the sender


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


def parse_candidates(text: str, year: int, academy: str) -> tuple[list[Candidate], list[RowError]]:
    """The rows of a candidate list (CSV with a header of COLUMNS) for ``academy``'s
    candidates of session ``year``, and what is wrong with the others, by line (the header
    is line 1). A file either holds marks for every row or for none."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in OPTIONAL and c not in (reader.fieldnames or [])]
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
    born = parse_date(value["birth_date"])
    check(
        "birth_date",
        born is not None and _plausible_age(born, year),
        "a date YYYY-MM-DD, aged 14 to 80",
    )
    marks: dict[str, Decimal] = {}
    if value["marks"] and value["stream"] in STREAMS:
        marks, why_not = parse_marks(value["marks"], value["stream"])
        check("marks", not why_not, why_not)
    assessments = _assessments(value, line, errors)
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
        continuous_assessment=assessments.get("continuous_assessment"),
        regional_exam=assessments.get("regional_exam"),
    ), []


def _assessments(value: Mapping[str, str], line: int, errors: list[RowError]) -> dict[str, Decimal]:
    """The continuous assessment's and the regional exam's averages: each 0 to 20, both
    required with the marks (the session's rule weighs them into the general average)."""
    found: dict[str, Decimal] = {}
    for column in ("continuous_assessment", "regional_exam"):
        if value[column]:
            mark, why_not = checked_mark(value[column])
            if why_not:
                errors.append(RowError(line, column, why_not))
            found[column] = mark
        elif value["marks"]:
            errors.append(
                RowError(line, column, "required with the marks: the session's rule weighs it")
            )
    return found


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


def _plausible_age(born: date, year: int) -> bool:
    return 14 <= year - born.year <= 80


def cnie_held(cnie: str, year: int, holder_academy: str, academy: str) -> str:
    """Why a row was not written: its CNIe number is another candidate's this session. The
    academy that holds it is named (the two exam offices settle it); never its candidate."""
    where = (
        "another candidate of your academy"
        if holder_academy == academy
        else (f"a candidate of academy {holder_academy}")
    )
    return (
        f"CNIe {cnie} already belongs to {where} for session {year}: row not imported; "
        "a CNIe number belongs to one candidate per session"
    )
