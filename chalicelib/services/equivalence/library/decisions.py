"""A published equivalence decision, and the checks every imported row passes.

Pure: the importer reads a CSV or JSON Lines file into ``rows`` (each with its line number),
``validate`` turns a row into a ``Decision`` or names what is wrong with it, and the good
rows are imported while the bad ones are reported by line. Decisions are public: they name
a diploma, never a person.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from chalicelib.services.equivalence.library import countries
from chalicelib.services.equivalence.library.countries import COUNTRIES
from chalicelib.services.equivalence.library.levels import DECISION_LEVELS, level_field_mismatch
from chalicelib.services.equivalence.requirements import CONDITIONAL_FIELDS, TRAININGS

OUTCOMES = ("granted", "conditional", "refused")
FIRST_DAY = date(1967, 1, 1)  # the catalogue starts with the decisions of 1967
REQUIRED: tuple[str, ...] = ("number", "diploma", "institution", "country", "level", "field")
REQUIRED += ("outcome", "decision_date", "bo_number", "bo_date")
OPTIONAL = ("equivalent", "conditions", "reasons", "bo_page", "diploma_year", "demo")
COLUMNS = REQUIRED + OPTIONAL
MAX_TEXT = 400


@dataclass(frozen=True)
class Decision:
    number: str  # the order's number, unique in the catalogue
    diploma: str  # the foreign diploma, as written on it (Arabic, French or both)
    institution: str
    country: str  # ISO 3166-1 alpha-2, or ISO 3166-3 for a former country (countries.py)
    level: str
    field: str
    outcome: str  # granted, conditional, refused
    equivalent: str  # the national diploma granted ("" for a refusal)
    conditions: str  # article 7 conditions of a conditional equivalence
    reasons: str  # reasons of a refusal
    decision_date: date
    bo_number: str
    bo_date: date
    bo_page: int | None = None
    diploma_year: int | None = None
    demo: bool = False

    @property
    def year(self) -> int:
        return self.decision_date.year

    def public(self) -> dict[str, Any]:
        """The decision as the API shows it (dates ISO 8601, country names in both scripts)."""
        out = asdict(self)
        out["decision_date"] = self.decision_date.isoformat()
        out["bo_date"] = self.bo_date.isoformat()
        out["year"] = self.year
        name_fr, name_ar = COUNTRIES[self.country]
        out["country_name"] = {"fr": name_fr, "ar": name_ar}
        out["country_former"] = countries.is_former(self.country)
        return out


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line of the file where the row starts (the CSV header is line 1)
    values: Mapping[str, Any] | None  # None when the line could not be read at all
    problem: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (no header, wrong columns, not UTF-8)."""


def rows(content: bytes, kind: str) -> Iterator[Row]:
    """The rows of a ``csv`` or ``jsonl`` file with their line numbers."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"the file is not UTF-8 text (byte {error.start})") from error
    if kind == "csv":
        yield from _csv_rows(text)
    elif kind == "jsonl":
        yield from _jsonl_rows(text)
    else:
        raise UnreadableFile(f"unknown format {kind!r}: csv or jsonl")


def _csv_rows(text: str) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UnreadableFile(f"the CSV header lacks the columns {', '.join(missing)}")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise UnreadableFile(f"the CSV header has unknown columns {', '.join(unknown)}")
    line = reader.line_num
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if None in record:
                yield Row(start, None, "more values than columns")
            else:
                yield Row(start, record)
    except csv.Error as error:
        yield Row(line + 1, None, f"unreadable CSV: {error}")


def _jsonl_rows(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Row(number, None, f"not JSON: {error.msg}")
            continue
        if isinstance(value, dict):
            yield Row(number, value)
        else:
            yield Row(number, None, "not a JSON object")


def _text(values: Mapping[str, Any], name: str, errors: list[tuple[str, str]]) -> str:
    raw = values.get(name)
    if raw is None:
        return ""
    if not isinstance(raw, str):
        errors.append((name, "must be text"))
        return ""
    text = " ".join(raw.split())
    if len(text) > MAX_TEXT:
        errors.append((name, f"at most {MAX_TEXT} characters"))
    return text


def _date(values: Mapping[str, Any], name: str, errors: list[tuple[str, str]]) -> date | None:
    text = _text(values, name, errors)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append((name, "must be a date YYYY-MM-DD"))
        return None


def _int(values: Mapping[str, Any], name: str, errors: list[tuple[str, str]]) -> int | None:
    raw = values.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        errors.append((name, "must be a whole number"))
        return None
    try:
        return int(raw)
    except ValueError:
        errors.append((name, "must be a whole number"))
        return None


def _flag(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if raw is None or raw == "":
        return False
    return {"true": True, "1": True, "false": False, "0": False}.get(str(raw).strip().lower())


def _check_kind(text: dict[str, str], errors: list[tuple[str, str]]) -> None:
    """Country, level and field, and that the level and field go together."""
    if text["country"] and countries.canonical(text["country"]) is None:
        errors.append(("country", countries.refusal(text["country"])))
    level, field = text["level"], text["field"]
    if level and level not in DECISION_LEVELS:
        errors.append(("level", f"one of {', '.join(DECISION_LEVELS)}"))
    if field and field not in TRAININGS:
        errors.append(("field", f"one of {', '.join(TRAININGS)}"))
    if level in DECISION_LEVELS and field in TRAININGS:
        mismatch = level_field_mismatch(level, field)
        if mismatch:
            errors.append(("field", mismatch))
    _check_outcome(text, errors)


def _check_outcome(text: dict[str, str], errors: list[tuple[str, str]]) -> None:
    outcome, field = text["outcome"], text["field"]
    if outcome and outcome not in OUTCOMES:
        errors.append(("outcome", f"one of {', '.join(OUTCOMES)}"))
    if outcome in ("granted", "conditional") and not text["equivalent"]:
        errors.append(("equivalent", "required when the equivalence is granted"))
    if outcome == "conditional" and not text["conditions"]:
        errors.append(("conditions", "required for a conditional equivalence"))
    if outcome == "conditional" and field and field not in CONDITIONAL_FIELDS:
        allowed = ", ".join(sorted(CONDITIONAL_FIELDS))
        errors.append(("field", f"conditional equivalence only in {allowed}"))
    if outcome != "conditional" and text["conditions"]:
        errors.append(("conditions", "only a conditional equivalence has conditions"))
    if outcome == "refused" and not text["reasons"]:
        errors.append(("reasons", "a refusal states its reasons"))


def _check_dates(
    values: Mapping[str, Any], today: date, errors: list[tuple[str, str]]
) -> tuple[date | None, date | None, int | None, int | None]:
    decided, published = _date(values, "decision_date", errors), _date(values, "bo_date", errors)
    if decided and not FIRST_DAY <= decided <= today:
        errors.append(("decision_date", f"between {FIRST_DAY.isoformat()} and today"))
    if decided and published and published < decided:
        errors.append(("bo_date", "cannot be before the decision"))
    if published and published > today:
        errors.append(("bo_date", "cannot be in the future"))
    page, diploma_year = _int(values, "bo_page", errors), _int(values, "diploma_year", errors)
    if page is not None and page < 1:
        errors.append(("bo_page", "a page number is at least 1"))
    if diploma_year is not None and not (1900 <= diploma_year <= today.year):
        errors.append(("diploma_year", f"between 1900 and {today.year}"))
    return decided, published, page, diploma_year


_NOT_TEXT = ("bo_page", "diploma_year", "demo")


def validate(
    values: Mapping[str, Any], today: date
) -> tuple[Decision | None, list[tuple[str, str]]]:
    """The decision a row describes, or the (field, message) pairs that keep it out."""
    errors: list[tuple[str, str]] = [
        (n, "unknown field") for n in sorted(set(values) - set(COLUMNS))
    ]
    text = {name: _text(values, name, errors) for name in COLUMNS if name not in _NOT_TEXT}
    for name in REQUIRED:
        if not text.get(name) and not any(f == name for f, _ in errors):
            errors.append((name, "required"))
    _check_kind(text, errors)
    decided, published, page, diploma_year = _check_dates(values, today, errors)
    demo = _flag(values.get("demo"))
    if demo is None:
        errors.append(("demo", "true or false"))
    if errors or decided is None or published is None:
        return None, errors
    decision = Decision(
        number=text["number"],
        diploma=text["diploma"],
        institution=text["institution"],
        country=countries.canonical(text["country"]) or text["country"],
        level=text["level"],
        field=text["field"],
        outcome=text["outcome"],
        equivalent=text["equivalent"],
        conditions=text["conditions"],
        reasons=text["reasons"],
        decision_date=decided,
        bo_number=text["bo_number"],
        bo_date=published,
        bo_page=page,
        diploma_year=diploma_year,
        demo=bool(demo),
    )
    return decision, []


def from_public(record: Mapping[str, Any]) -> Decision:
    """A decision back from the JSON the index keeps (already validated once)."""
    derived = ("year", "country_name", "country_former")
    values = {k: v for k, v in record.items() if k not in derived}
    values["decision_date"] = date.fromisoformat(values["decision_date"])
    values["bo_date"] = date.fromisoformat(values["bo_date"])
    return Decision(**values)


@dataclass
class Checked:
    decisions: list[Decision]
    errors: list[RowError]
    read: int


def check(content: bytes, kind: str, today: date) -> Checked:
    """Every row of a file checked: the good decisions, and every problem by line.
    A number seen twice in one file keeps the first row and reports the second."""
    decisions: list[Decision] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    read = 0
    for row in rows(content, kind):
        read += 1
        if row.values is None:
            errors.append(RowError(row.line, "", row.problem))
            continue
        decision, problems = validate(row.values, today)
        errors += [RowError(row.line, field, message) for field, message in problems]
        if decision is None:
            continue
        if decision.number in seen:
            errors.append(RowError(row.line, "number", f"already on line {seen[decision.number]}"))
            continue
        seen[decision.number] = row.line
        decisions.append(decision)
    return Checked(decisions, errors, read)
