"""The school map as a CSV file (pure: no I/O): one line per school, with the levels it takes
and the sector it serves. Every line is checked on its own; a bad line is named (its line
number, the field, why) and the good ones are loaded.

    code,name_ar,name_fr,levels,commune,province,region,address,sector
    RBT-0001,مدرسة الأمل,École Al Amal,preschool;primary,Rabat-Agdal,RABAT,RSK,"1 rue X",Agdal;Ryad

``levels`` are ``preschool`` and ``primary``, separated by ``;``. ``sector`` lists the
districts served, separated by ``;``: a district alone lies in the school's commune;
``commune: district`` names another commune. A header line is required (columns in any
order; unknown columns are refused, so a misspelt one is not silently dropped)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.services.enrollment.domain import LEVELS

COLUMNS = ("code", "name_ar", "name_fr", "levels", "commune", "province", "region", "address")
SECTOR = "sector"
CODE = re.compile(r"^[A-Z0-9-]{2,20}$")  # the schools' codes guardians file with
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
# Lengths the API's queries and views take (SchoolsQuery, FollowUpQuery).
MAX = {"name_ar": 120, "name_fr": 120, "commune": 80, "province": 40, "region": 40}
MAX_ADDRESS = 200
# One school is written in one transaction (DynamoDB: 100 items): the school, its province,
# its sector entries, and the entries it no longer serves.
MAX_SECTOR = 40


@dataclass(frozen=True)
class LineError:
    line: int  # of the file, the header being line 1
    field: str
    message: str


@dataclass
class SchoolMap:
    schools: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (line, school)
    errors: list[LineError] = field(default_factory=list)
    read: int = 0  # lines of schools read (the header and blank lines not counted)


def parse(text: str) -> SchoolMap:
    """The schools of a CSV school map, each with its line, and what is wrong with the
    others. A file that cannot be read as a school map is one error, on line 1."""
    result = SchoolMap()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    wrong = _header_problem(header)
    if wrong:
        result.errors.append(LineError(1, "header", wrong))
        return result
    seen: dict[str, int] = {}
    regions: dict[str, tuple[str, int]] = {}
    for line, cells in _lines(reader):
        result.read += 1
        school, errors = _school(line, header, cells)
        if not errors:
            errors = _against_the_file(line, school, seen, regions)
        if errors:
            result.errors += errors
            continue
        seen[school["code"]] = line
        regions.setdefault(school["province"], (school["region"], line))
        result.schools.append((line, school))
    return result


def _header_problem(header: list[str]) -> str:
    expected = {*COLUMNS, SECTOR}
    missing = [c for c in (*COLUMNS, SECTOR) if c not in header]
    unknown = [c for c in header if c not in expected]
    if missing or unknown or len(set(header)) != len(header):
        return (
            f"the header must name the columns {', '.join((*COLUMNS, SECTOR))} once each"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    return ""


def _lines(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of the lines after the header, blank lines skipped. A quoted
    cell may span lines: the number is that of the line the record starts on."""
    start = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def _school(
    line: int, header: list[str], cells: list[str]
) -> tuple[dict[str, Any], list[LineError]]:
    if len(cells) != len(header):
        why = f"{len(cells)} cells where the header has {len(header)} columns"
        return {}, [LineError(line, "line", why)]
    raw = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
    errors = [LineError(line, name, why) for name, why in _field_problems(raw)]
    levels = [v.strip() for v in raw["levels"].split(";") if v.strip()]
    sector, sector_problem = _sector(raw[SECTOR], raw["commune"])
    if sector_problem:
        errors.append(LineError(line, SECTOR, sector_problem))
    if not levels or any(level not in LEVELS for level in levels):
        errors.append(LineError(line, "levels", f"one or more of {', '.join(LEVELS)}, by ';'"))
    school = {
        **{k: raw[k] for k in COLUMNS if k != "levels"},
        "levels": [level for level in LEVELS if level in levels],
        "sector": sector,
    }
    return school, errors


def _field_problems(raw: dict[str, str]) -> Iterator[tuple[str, str]]:
    if not CODE.match(raw["code"]):
        yield "code", "2 to 20 capital letters, digits or dashes"
    for name in ("name_ar", "name_fr", "commune", "province", "region", "address"):
        if not raw[name]:
            yield name, "is empty"
        elif len(raw[name]) > MAX.get(name, MAX_ADDRESS):
            yield name, f"at most {MAX.get(name, MAX_ADDRESS)} characters"
    if raw["name_ar"] and not ARABIC_LETTER.search(raw["name_ar"]):
        yield "name_ar", "the name in Arabic script"


def _sector(text: str, commune: str) -> tuple[list[dict[str, str]], str]:
    """The (commune, district) pairs of a sector cell, or why it is not one."""
    areas: list[dict[str, str]] = []
    for entry in (e.strip() for e in text.split(";")):
        if not entry:
            continue
        place, _, district = entry.rpartition(":")
        area = {"commune": place.strip() or commune, "district": district.strip()}
        if not area["district"] or (":" in entry and not place.strip()):
            return [], f"{entry!r}: a district, or 'commune: district'"
        if len(area["commune"]) > MAX["commune"] or len(area["district"]) > MAX["commune"]:
            return [], f"{entry!r}: names of at most {MAX['commune']} characters"
        if area not in areas:
            areas.append(area)
    if not areas:
        return [], "at least one district the school serves"
    if len(areas) > MAX_SECTOR:
        return [], f"at most {MAX_SECTOR} districts per school"
    return areas, ""


def _against_the_file(
    line: int, school: dict[str, Any], seen: dict[str, int], regions: dict[str, tuple[str, int]]
) -> list[LineError]:
    """A school given twice, or a province put in two regions, is refused on its later line."""
    if school["code"] in seen:
        return [
            LineError(line, "code", f"school {school['code']} is on line {seen[school['code']]}")
        ]
    region, first = regions.get(school["province"], (school["region"], line))
    if region != school["region"]:
        why = f"province {school['province']} is in region {region} on line {first}"
        return [LineError(line, "region", why)]
    return []
