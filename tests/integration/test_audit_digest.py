"""The audit trail on moto: real transitions (DEMO machine) and staff reads make linear hash
chains; a day's digest is signed by KMS and locked in S3; the verifier passes it, then names
the one record edited behind the app's back."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib import clock
from chalicelib.audit import digest
from chalicelib.audit.chain import GENESIS
from chalicelib.audit.verify import check_chain
from chalicelib.identity import Principal
from chalicelib.refusals import LostRace
from chalicelib.store import audit
from chalicelib.store import cases as store
from chalicelib.workflow import access, lifecycle, registry
from chalicelib.workflow.case import Contact
from chalicelib.workflow.engine import Actor
from scripts import audit_verify
from tests.support.aws_calls import RECORDER, ApiCall
from tests.support.demo_case import DEMO

OWNER = Actor("owner-chain", frozenset({"citizen"}))
OFFICER = Actor("officer-chain", frozenset({"equivalence_officer"}), "MEN")
READER = Principal("reader-chain", "staff", frozenset({"equivalence_officer"}), "MEN")
registry.register(DEMO)  # staff see a case only of a registered type their role works


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[date], Callable[[], datetime]]]:
    """tick = ticking(day): a clock on ``day`` that moves a minute per call, shared by the
    transitions (their ``at``) and the staff reads (the app's clock)."""

    def on(day: date) -> Callable[[], datetime]:
        start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
        minutes = itertools.count()

        def tick() -> datetime:
            return start + timedelta(minutes=next(minutes))

        monkeypatch.setattr(clock, "now", tick)
        return tick

    yield on


def activity(tick: Callable[[], datetime]) -> str:
    """A case filed, read, asked for a complement, read again, completed: on the tick's day.
    Each transition is fired on the Case the previous one returned (its head is stale)."""
    case = lifecycle.open_case(
        DEMO, OWNER.subject, "MEN", Contact(), {"summary": "s"}, OWNER, tick()
    )
    submitted = lifecycle.act(DEMO, case, "submit", OWNER, {}, at=tick()).case
    access.visible_case(READER, case.id, "GET /cases/{id}", "corr-1")
    asked = lifecycle.act(DEMO, submitted, "request_complement", OFFICER, {}, "send it", tick())
    access.visible_case(READER, case.id, "GET /cases/{id}", "corr-2")
    lifecycle.act(DEMO, asked.case, "complement", OWNER, {}, at=tick())
    return case.id


def published_next_morning(day: date) -> dict[str, Any]:
    """What the daily schedule does at 00:05 after ``day`` (the test's clock stays on ``day``)."""
    morning = datetime.combine(day + timedelta(days=1), time(0, 5), UTC)
    with mock.patch.object(clock, "now", lambda: morning):
        return digest.publish_digest(day)


def test_a_day_verifies_then_an_edited_record_is_named(
    stack: Any, ticking: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    day = date(2026, 3, 10)
    case_id = activity(ticking(day))
    transitions = [audit.link_of(r) for r in audit.chain_of(case_id, "T")]
    reads = [audit.link_of(r) for r in audit.chain_of(case_id, "R")]
    assert [t.action for t in transitions] == [
        "transition:created",
        "transition:submit",
        "transition:request_complement",
        "transition:complement",
    ]
    assert [r.sk for r in reads] == ["R#000001", "R#000002"]
    loaded = store.load(case_id)
    assert loaded is not None and loaded.audit_head == transitions[-1].hash
    assert check_chain(transitions, loaded.audit_head) == [] and check_chain(reads) == []

    published = published_next_morning(day)
    assert (published["date"], published["count"], published["chains"]) == (str(day), 6, 2)
    assert audit_verify.verify(day).findings == []
    assert audit_verify.main(["--date", str(day), "--here"]) == 0
    assert "OK:" in capsys.readouterr().out

    boto3.client("dynamodb").update_item(
        TableName=stack.env["AUDIT_TABLE"],
        Key={"pk": {"S": f"CASE#{case_id}"}, "sk": {"S": "T#000002"}},
        UpdateExpression="SET actor = :someone",
        ExpressionAttributeValues={":someone": {"S": "someone-else"}},
    )
    findings = audit_verify.verify(day).findings
    assert [(f.pk, f.sk, f.what) for f in findings] == [(f"CASE#{case_id}", "T#000002", "hash")]
    assert audit_verify.main(["--date", str(day), "--here"]) == 1
    assert f"MISMATCH at CASE#{case_id} T#000002: hash:" in capsys.readouterr().out


def test_a_deleted_read_is_named_at_the_next_one(stack: Any, ticking: Any) -> None:
    day = date(2026, 3, 11)
    tick = ticking(day)
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", Contact(), {}, OWNER, tick())
    for n in range(3):
        access.visible_case(READER, case.id, f"read {n}", "")
    published_next_morning(day)
    boto3.client("dynamodb").delete_item(
        TableName=stack.env["AUDIT_TABLE"],
        Key={"pk": {"S": f"CASE#{case.id}"}, "sk": {"S": "R#000002"}},
    )
    first, *_ = audit_verify.verify(day).findings
    assert (first.sk, first.what) == ("R#000003", "sequence")


def test_the_digest_is_locked_and_written_once(stack: Any, ticking: Any) -> None:
    day = date(2026, 3, 12)
    lifecycle.open_case(DEMO, OWNER.subject, "MEN", Contact(), {}, OWNER, ticking(day)())
    first = published_next_morning(day)
    assert published_next_morning(day) == first  # published already: kept, not signed again
    s3, bucket, key = boto3.client("s3"), stack.env["AUDIT_BUCKET"], digest.key_of(day)
    versions, hidden = digest.versions_of(day)
    assert len(versions) == 1 and not hidden
    head = s3.head_object(Bucket=bucket, Key=key, VersionId=versions[0])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC) + timedelta(days=3000)
    with pytest.raises(ClientError) as refused:
        s3.delete_object(Bucket=bucket, Key=key, VersionId=versions[0])
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert digest.read_digest(day) == first


def test_an_open_day_gets_no_digest_unless_asked(stack: Any) -> None:
    # Far ahead, not tomorrow: other tests of the same worker file transitions at future
    # times (a booking, a timer), so tomorrow may already hold records.
    later = datetime.now(UTC).date() + timedelta(days=365 * 40)
    with pytest.raises(digest.DayNotOver):
        digest.publish_digest(later)
    assert digest.read_digest(later) is None
    assert digest.publish_digest(later, allow_open_day=True)["count"] == 0


def test_concurrent_staff_reads_make_one_linear_chain(stack: Any) -> None:
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", Contact(), {}, OWNER)

    def read(n: int) -> str:
        return audit.append(case.id, f"reader-{n}", "admin", "HQ", "read", "race", "").sk

    with ThreadPoolExecutor(max_workers=8) as pool:
        places = list(pool.map(read, range(16)))
    assert sorted(places) == [f"R#{n:06d}" for n in range(1, 17)]
    reads = [audit.link_of(r) for r in audit.chain_of(case.id, "R")]
    assert reads[0].prev == GENESIS and check_chain(reads) == []


def test_a_transition_on_a_copy_with_another_head_is_a_conflict(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", Contact(), {"summary": "s"}, OWNER)
    loaded = lifecycle.load(case.id)
    monkeypatch.setattr(audit, "HEADS", audit._WrittenHeads())  # as in another process
    forged = replace(loaded, audit_head="f" * 64)
    with pytest.raises(LostRace):
        lifecycle.act(DEMO, forged, "submit", OWNER, {})
    lifecycle.act(DEMO, loaded, "submit", OWNER, {})
    transitions = [audit.link_of(r) for r in audit.chain_of(case.id, "T")]
    assert check_chain(transitions, lifecycle.load(case.id).audit_head) == []


def test_a_days_records_are_spread_over_shards(stack: Any) -> None:
    day = date(2026, 3, 13)
    partitions = {audit.day_partition(f"case-{n}", day) for n in range(200)}
    assert partitions == {f"DAY#2026-03-13#{s:02d}" for s in range(audit.SHARDS)}


def test_the_daily_digest_and_a_staff_read_need_no_more_than_the_dev_policy(
    stack: Any, ticking: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.client import BaseClient

    from infra import policy as iam
    from tests.integration.test_least_privilege import allowed, requests_of

    failed: list[ApiCall] = []  # RECORDER keeps only the calls that succeeded
    inner = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        try:
            return inner(client, operation, params)
        except ClientError:
            failed.append(ApiCall(client.meta.service_model.service_name, operation, params))
            raise

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    day = date(2026, 3, 14)
    case = lifecycle.open_case(DEMO, OWNER.subject, "MEN", Contact(), {}, OWNER, ticking(day)())
    RECORDER.clear()
    access.visible_case(READER, case.id, "GET /cases/{id}", "")
    published_next_morning(day)
    requests = [r for call in [*RECORDER.calls, *failed] for r in requests_of(call)]
    denied = [r[:2] for r in requests if not allowed(iam.policy("dev"), r)]
    assert not denied
    assert {"dynamodb:Query", "dynamodb:PutItem", "kms:Sign", "s3:PutObject"} <= {
        r[0] for r in requests
    }
