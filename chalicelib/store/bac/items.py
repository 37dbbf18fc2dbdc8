"""The baccalaureate's items, all in the reference table.

- a candidate: ``BAC#<year>#<academy>`` / ``CAND#<number>``, the list's data plus the state
  of the data check; with a CNIe number, also in the ``by_lookup`` index under
  ``BACCNIE#<cnie>`` (newest session first), so a signed-in citizen is found by one Query;
- a result: ``BACR#<cnie>`` / ``RESULT#<year>``, one per session, everything
  ``GET /bac/me/results`` shows, publication moment included, so that reading a session's is
  one GetItem keyed by the token's CNIe (the newest: one Query of the CNIe's items, limit 1);
- a session of an academy: ``BAC#<year>`` / ``ACADEMY#<academy>`` (publication, complaint
  window, first exam day);
- a certificate: ``BACCERT#<id>`` / ``CERT`` (the signed JWS, the SD-JWT VC, its status
  and its bit in a status list);
- a share: ``BACSHARE#<id>`` / ``SHARE``, listed under the owner in ``by_lookup``;
- a guard: ``BACGUARD#<what>`` / ``GUARD`` (one live grant application per candidate);
- a CNIe claim: ``BACCLAIM#<year>#<cnie>`` / ``CLAIM``, the one candidate (academy, number)
  of the session that number belongs to: an import of another academy (or another candidate)
  carrying it is refused for that row, never moving the candidate.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _ReferenceTable:
    table_name = "reference"
    settings_key = "reference_table"


class CandidateLookup(GlobalSecondaryIndex["CandidateItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_lookup"
        projection = AllProjection()

    lookup_pk = UnicodeAttribute(hash_key=True)
    lookup_sk = UnicodeAttribute(range_key=True)


class ShareLookup(GlobalSecondaryIndex["ShareItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_lookup"
        projection = AllProjection()

    lookup_pk = UnicodeAttribute(hash_key=True)
    lookup_sk = UnicodeAttribute(range_key=True)


class CandidateItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # BAC#<year>#<academy>
    sk = UnicodeAttribute(range_key=True)  # CAND#<candidate number>
    year = NumberAttribute()
    candidate_number = UnicodeAttribute()
    listed = JSONAttribute(default=dict)  # the personal data as the candidate list has it
    # accepted corrections over ``listed``: a map, so one correction updates one key
    corrections = MapAttribute(default=dict)  # type: ignore[var-annotated,no-untyped-call]
    cnie = UnicodeAttribute(default="")
    academy = UnicodeAttribute()
    school = UnicodeAttribute()
    stream = UnicodeAttribute()
    exam_centre = UnicodeAttribute()
    marks = JSONAttribute(default=dict)  # subject -> mark as a decimal string
    # continuous_assessment, regional_exam -> the candidate's average as a decimal string
    assessments = JSONAttribute(default=dict)
    data_status = UnicodeAttribute(default="unchecked")
    certificate_id = UnicodeAttribute(default="")
    imported_at = UTCDateTimeAttribute()
    lookup_pk = UnicodeAttribute(null=True)  # BACCNIE#<cnie>, absent without a CNIe number
    lookup_sk = UnicodeAttribute(null=True)  # <year>#<candidate number>
    by_lookup = CandidateLookup()


class ResultItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # BACR#<cnie>
    sk = UnicodeAttribute(range_key=True)  # RESULT#<year>: a holder who sits again keeps both
    year = NumberAttribute()
    candidate_number = UnicodeAttribute()
    academy = UnicodeAttribute()
    stream = UnicodeAttribute()
    marks = JSONAttribute(default=dict)
    average = UnicodeAttribute(default="")
    mention = UnicodeAttribute(default="")
    outcome = UnicodeAttribute(default="")
    # the averages the session's rule weighs (continuous assessment, regional, national exam)
    components = JSONAttribute(default=dict)
    visible_from = UTCDateTimeAttribute(null=True)  # copied from the session at publication
    complaint_until = UTCDateTimeAttribute(null=True)


class SessionItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # BAC#<year>
    sk = UnicodeAttribute(range_key=True)  # ACADEMY#<academy>
    year = NumberAttribute()
    academy = UnicodeAttribute()
    exam_start = UnicodeAttribute(default="")  # ISO date of the first exam day
    visible_from = UTCDateTimeAttribute(null=True)
    complaint_until = UTCDateTimeAttribute(null=True)
    candidates = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()


class CertificateItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # BACCERT#<id>
    sk = UnicodeAttribute(range_key=True, default="CERT")
    certificate_id = UnicodeAttribute()
    jws = UnicodeAttribute()
    claims = JSONAttribute(default=dict)
    status = UnicodeAttribute(default="valid")  # valid or revoked
    issued_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    replaced_by = UnicodeAttribute(default="")
    # the same certificate as an SD-JWT VC, and its bit in a status list (credentials/)
    sd_jwt = UnicodeAttribute(default="")
    status_list = UnicodeAttribute(default="")
    status_index = NumberAttribute(null=True)


class ShareItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # BACSHARE#<id>, the id a digest of the code
    sk = UnicodeAttribute(range_key=True, default="SHARE")
    share_id = UnicodeAttribute()
    code = UnicodeAttribute()
    owner = UnicodeAttribute()  # identity(issuer, sub) of the citizen: only they list or revoke it
    certificate_id = UnicodeAttribute()
    label = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    verified_count = NumberAttribute(default=0)
    verified_times = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    # The claims it discloses (none recorded: a share of before, which shows them all) and
    # the SD-JWT presentation of exactly those (credentials/sdjwt.py).
    disclosed = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]
    presentation = UnicodeAttribute(default="")
    lookup_pk = UnicodeAttribute()  # BACSHARES#<owner>
    lookup_sk = UnicodeAttribute()  # <created_at>#<id>
    by_lookup = ShareLookup()


class GuardItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # BACGUARD#<what>
    sk = UnicodeAttribute(range_key=True, default="GUARD")


class ClaimItem(Model):
    class Meta(_ReferenceTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # BACCLAIM#<year>#<cnie>
    sk = UnicodeAttribute(range_key=True, default="CLAIM")
    academy = UnicodeAttribute()
    candidate_number = UnicodeAttribute()
