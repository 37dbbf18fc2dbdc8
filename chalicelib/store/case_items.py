"""The items of the cases table: a case, its history, its outbox, its timers, its documents,
reference counters and reference lookups. One table, keyed ``CASE#<id>`` per case."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _CasesTable:
    table_name = "cases"
    settings_key = "cases_table"


class ByOwner(GlobalSecondaryIndex["CaseItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner_pk = UnicodeAttribute(hash_key=True)
    owner_sk = UnicodeAttribute(range_key=True)


class ByQueue(GlobalSecondaryIndex["CaseItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by_queue"
        projection = AllProjection()

    queue_pk = UnicodeAttribute(hash_key=True)
    queue_sk = UnicodeAttribute(range_key=True)


class CaseItem(Model):
    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # CASE#<id>
    sk = UnicodeAttribute(range_key=True, default="CASE")
    case_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    case_type = UnicodeAttribute()
    owner = UnicodeAttribute()
    office = UnicodeAttribute()
    state = UnicodeAttribute()
    version = VersionAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    contact = JSONAttribute(default=dict)
    payload = JSONAttribute(default=dict)
    deadlines = JSONAttribute(default=dict)
    history_length = NumberAttribute(default=0)
    clocks = JSONAttribute(default=dict)
    audit_head = UnicodeAttribute(default="")
    owner_pk = UnicodeAttribute()  # OWNER#<subject>
    owner_sk = UnicodeAttribute()  # <created_at>#<id>: newest first when read backwards
    queue_pk = UnicodeAttribute()  # QUEUE#<type>#<office>#<state>
    queue_sk = UnicodeAttribute()  # <updated_at>#<id>: oldest first
    by_owner = ByOwner()
    by_queue = ByQueue()


class HistoryItem(Model):
    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # HIST#<seq, 6 digits>
    seq = NumberAttribute()
    event = UnicodeAttribute()
    from_state = UnicodeAttribute()
    to_state = UnicodeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    office = UnicodeAttribute(default="")
    at = UTCDateTimeAttribute()
    reason = UnicodeAttribute(default="")
    data = JSONAttribute(default=dict)


class OutboxItem(Model):
    """A message to send, written with the transition; the stream handler sends it."""

    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # OUTBOX#<history seq>#<n>
    case_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    channel = UnicodeAttribute()  # email or sms
    template = UnicodeAttribute()
    recipient = UnicodeAttribute()  # an address or a phone number
    # Whose budget a text message spends when no case names its owner (a contact's code).
    owner = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    data = JSONAttribute(default=dict)
    status = UnicodeAttribute(default="pending")  # pending, sent, failed
    attempts = NumberAttribute(default=0)
    provider_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    claimed_until = UTCDateTimeAttribute(null=True)  # delivery lease, set by the notify sender


class TimerItem(Model):
    """A timer request: the stream handler starts (or stops) its Step Functions execution."""

    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # TIMER#<name>#<history seq>
    case_id = UnicodeAttribute()
    name = UnicodeAttribute()
    action = UnicodeAttribute()  # start or stop
    due_at = UTCDateTimeAttribute(null=True)
    on_expiry = UnicodeAttribute(null=True)
    execution_name = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class ExportItem(Model):
    """A hand-over to another system (Massar ...), written with the transition that decides
    it; the stream handler puts it on the target's queue, whose consumer is idempotent."""

    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # EXPORT#<target>#<history seq>
    case_id = UnicodeAttribute()
    reference = UnicodeAttribute()
    case_type = UnicodeAttribute()
    target = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class DocumentItem(Model):
    """A file of a case: declared when its upload is granted, checked when it arrives."""

    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # DOC#<document id>
    case_id = UnicodeAttribute()
    document_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute(default="awaiting_upload")  # verified, rejected
    key = UnicodeAttribute()  # the S3 object key
    sha256 = UnicodeAttribute(default="")
    reason = UnicodeAttribute(default="")
    file_name = UnicodeAttribute(default="")
    uploaded_by = UnicodeAttribute()
    uploaded_role = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    checked_at = UTCDateTimeAttribute(null=True)


class CounterItem(Model):
    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # COUNTER#<prefix>#<year>
    sk = UnicodeAttribute(range_key=True, default="COUNTER")
    value = NumberAttribute(default=0)


class ReferenceItem(Model):
    class Meta(_CasesTable):
        pass

    pk = UnicodeAttribute(hash_key=True)  # REF#<reference>
    sk = UnicodeAttribute(range_key=True, default="REF")
    case_id = UnicodeAttribute()
