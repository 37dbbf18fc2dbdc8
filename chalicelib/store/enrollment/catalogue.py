"""The school catalogue: written by the demo seed (and tests), read by the API with
GetItem and Query only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.services.enrollment.names import fold
from chalicelib.store.binding import bound
from chalicelib.store.enrollment.models import ProvinceItem, SchoolItem, SectorItem

School = dict[str, Any]


def _key(text: str) -> str:
    return fold(text).replace(" ", "-")


def save_school(school: Mapping[str, Any], demo: str | None = None) -> None:
    """A school, its sector entries and its province's region (safe to run again). A
    sector entry the school no longer serves is left behind: re-seed into a fresh table."""
    record = dict(school)
    bound(SchoolItem)(
        f"SCHOOL#{record['code']}",
        "SCHOOL",
        school=record,
        demo=demo,
        lookup_pk=f"SCHOOLS#{_key(record['commune'])}",
        lookup_sk=record["code"],
    ).save()
    with bound(SectorItem).batch_write() as batch:
        for area in record["sector"]:
            pk = f"SECTOR#{_key(area['commune'])}#{_key(area['district'])}"
            batch.save(SectorItem(pk, f"SCHOOL#{record['code']}", school=record))
    bound(ProvinceItem)(f"PROVINCE#{record['province']}", region=record["region"]).save()


def school(code: str) -> School | None:
    try:
        item = bound(SchoolItem).get(f"SCHOOL#{code}", "SCHOOL")
    except SchoolItem.DoesNotExist:
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
