"""The school catalogue: written by the school map's import (``POST
/enrollment/schools/import``, ``make schools``) and the demo seed, read by the API with
GetItem and Query only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from chalicelib.services.enrollment.domain import fold
from chalicelib.store.binding import bound, connection
from chalicelib.store.enrollment.models import ProvinceItem, SchoolItem, SectorItem

School = dict[str, Any]


class SchoolNotSaved(Exception):
    """DynamoDB did not save the school (nothing of it written). ``why`` is the name of the
    library's error, which the import's report quotes on the school's line."""

    def __init__(self, code: str, why: str) -> None:
        super().__init__(f"school {code} not saved ({why})")
        self.code = code
        self.why = why


def _key(text: str) -> str:
    return fold(text).replace(" ", "-")


def _sector_pk(area: Mapping[str, str]) -> str:
    return f"SECTOR#{_key(area['commune'])}#{_key(area['district'])}"


def save_school(school: Mapping[str, Any], demo: str | None = None) -> None:
    """A school, its sector entries and its province's region, in one transaction (all of it
    or nothing); the sector entries of districts it no longer serves are deleted with it, so
    an address lookup never finds a school that stopped serving it. Safe to run again.
    ``SchoolNotSaved`` when DynamoDB refuses or fails."""
    try:
        _save(dict(school), demo)
    except PynamoDBException as error:
        raise SchoolNotSaved(school["code"], type(error).__name__) from error


def _save(record: School, demo: str | None) -> None:
    before = _school_item(record["code"])
    served = {_sector_pk(area) for area in record["sector"]}
    gone = {_sector_pk(a) for a in (before.school["sector"] if before else [])} - served
    with TransactWrite(connection=connection()) as write:
        write.save(
            bound(SchoolItem)(
                f"SCHOOL#{record['code']}",
                "SCHOOL",
                school=record,
                demo=demo,
                lookup_pk=f"SCHOOLS#{_key(record['commune'])}",
                lookup_sk=record["code"],
            )
        )
        for area in record["sector"]:
            write.save(
                bound(SectorItem)(_sector_pk(area), f"SCHOOL#{record['code']}", school=record)
            )
        for pk in sorted(gone):
            write.delete(bound(SectorItem)(pk, f"SCHOOL#{record['code']}"))
        write.save(bound(ProvinceItem)(f"PROVINCE#{record['province']}", region=record["region"]))


def _school_item(code: str) -> SchoolItem | None:
    try:
        return bound(SchoolItem).get(f"SCHOOL#{code}", "SCHOOL")
    except SchoolItem.DoesNotExist:
        return None


def school(code: str) -> School | None:
    item = _school_item(code)
    if item is None:
        return None
    found: School = item.school
    return found


def schools_in(commune: str, level: str | None = None) -> list[School]:
    """A commune's schools, by code: one Query on the lookup index."""
    items = bound(SchoolItem).by_lookup.query(f"SCHOOLS#{_key(commune)}")
    return [i.school for i in items if level is None or level in i.school["levels"]]


def schools_serving(commune: str, district: str, level: str | None = None) -> list[School]:
    """The schools whose sector holds the address: one Query."""
    items = bound(SectorItem).query(f"SECTOR#{_key(commune)}#{_key(district)}")
    return [i.school for i in items if level is None or level in i.school["levels"]]


def region_of(province: str) -> str | None:
    try:
        return str(bound(ProvinceItem).get(f"PROVINCE#{province}", "PROVINCE").region)
    except ProvinceItem.DoesNotExist:
        return None
