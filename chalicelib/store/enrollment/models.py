"""PynamoDB models of school pre-registration.

Reference table:
- ``SCHOOL#<code>`` / ``SCHOOL``: a school; ``lookup_pk`` ``SCHOOLS#<commune>`` lists a
  commune's schools on the ``by_lookup`` index.
- ``SECTOR#<commune>#<district>`` / ``SCHOOL#<code>``: a school serving that address (a
  copy of the school, so the address lookup is one Query).
- ``PROVINCE#<code>`` / ``PROVINCE``: the region a province belongs to.
- ``ENRSTAT#<year>#<school>`` / ``COUNTS``: the follow-up counters of a school and school
  year: ``n_<state>`` and ``siblings_<year>``, attributes written by name. ``lookup_pk``
  ``ENRSTAT#<year>#REGION#<region>`` and ``lookup_sk`` ``<province>#<school>`` list a
  region's (or, by prefix, a province's) schools on the ``by_lookup`` index.
Cases table:
- ``ENRGUARD#<hash of certificate and birth date>`` / ``GUARD``: the child's live request.
- ``ENRGUARD#<same hash>`` / ``REGISTERED#<year>``: the child was registered in Massar for
  the school year starting in ``year`` (no second request for that year).
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _ReferenceTable:
    table_name = "reference"
    settings_key = "reference_table"


class _CasesTable:
    table_name = "cases"
    settings_key = "cases_table"


class ByLookup(GlobalSecondaryIndex["SchoolItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_lookup"
        projection = AllProjection()

    lookup_pk = UnicodeAttribute(hash_key=True)
    lookup_sk = UnicodeAttribute(range_key=True)


class SchoolItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="SCHOOL")
    school = JSONAttribute()  # the school as the API shows it
    demo = UnicodeAttribute(null=True)  # the notice of demo data
    lookup_pk = UnicodeAttribute()
    lookup_sk = UnicodeAttribute()
    by_lookup = ByLookup()


class SectorItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    school = JSONAttribute()


class ProvinceItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="PROVINCE")
    region = UnicodeAttribute()


class CountersByArea(GlobalSecondaryIndex["CounterItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_lookup"
        projection = AllProjection()

    lookup_pk = UnicodeAttribute(hash_key=True)
    lookup_sk = UnicodeAttribute(range_key=True)


class CounterItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="COUNTS")
    school = UnicodeAttribute(null=True)
    name_fr = UnicodeAttribute(null=True)
    province = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    lookup_pk = UnicodeAttribute(null=True)
    lookup_sk = UnicodeAttribute(null=True)
    by_area = CountersByArea()


class GuardItem(Model):
    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="GUARD")
    owner = UnicodeAttribute()  # the guardian who filed the live request


class RegisteredItem(Model):
    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # REGISTERED#<year>
    owner = UnicodeAttribute()  # the guardian whose request was registered
    reference = UnicodeAttribute()  # that request's
