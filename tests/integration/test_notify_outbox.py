"""The outbox against moto: transitions of the DEMO case send each notification once, in the
contact's language, through SES and SNS; a provider outage is retried through the retry
queue (with growing delays), a message that never goes through ends failed on the
dead-letter queue, and duplicates (stream redelivery, racing workers) send nothing twice."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from chalicelib.aws import client
from chalicelib.notify import outbox, sms_budget
from chalicelib.settings import get_settings
from chalicelib.store import outbox as store
from chalicelib.workflow import lifecycle
from chalicelib.workflow.case import Case, Contact
from chalicelib.workflow.engine import Actor
from tests.support.aws_calls import RECORDER
from tests.support.demo_case import DEMO
from tests.support.streams import stream_records as shared_stream_records

ACCOUNT, REGION = "123456789012", "eu-west-3"
OWNER = Actor("owner-notify", frozenset({"citizen"}))
OFFICER = Actor("officer-notify", frozenset({"equivalence_officer"}), "MEN")


# --- helpers -------------------------------------------------------------------------------


def contact(language: str, phone: str = "+212612345678") -> Contact:
    return Contact(f"{uuid.uuid4().hex[:8]}@demo.invalid", phone, language, "Demo Owner")


def submitted(language: str = "fr", phone: str = "+212612345678") -> Case:
    case = lifecycle.open_case(
        DEMO, OWNER.subject, "MEN", contact(language, phone), {"summary": "s"}, OWNER
    )
    lifecycle.act(DEMO, case, "submit", OWNER, {})
    return lifecycle.load(case.id)


def mails(reference: str) -> list[Any]:
    return [m for m in ses_backends[ACCOUNT][REGION].sent_messages if reference in m.subject]


def texts(reference: str) -> list[str]:
    sent = sns_backends[ACCOUNT][REGION].sms_messages.values()
    return [message for _, message in sent if reference in message]


def keys(case: Case) -> list[tuple[str, str]]:
    return [(item.pk, item.sk) for item in store.of_case(case.id)]


def deliver_all(case: Case) -> list[str]:
    return [outbox.deliver(pk, sk) for pk, sk in keys(case)]


def stream_records(case: Case) -> list[dict[str, Any]]:
    """The case's records as the Lambda gets them, read from the table's real (moto) stream."""
    return shared_stream_records([case.id])


def drain_retries() -> int:
    """Hand every retry message to the app's handler at once (their delays skipped), as the
    SQS event source would once they are due; returns how many there were."""
    url = get_settings().outbox_retry_queue_url
    queue = sqs_backends[ACCOUNT][REGION].queues[url.rsplit("/", 1)[-1]]
    for message in queue._messages:
        message.delayed_until = 0
    sqs, handled = client("sqs"), 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        outbox.handle_retry_messages([m["Body"] for m in messages])
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handled += len(messages)
    return handled


def dead_letters(sk: str) -> list[dict[str, Any]]:
    """The DLQ messages about ``sk``, left visible (visibility timeout 0) for others."""
    url, found = get_settings().outbox_dlq_url, []
    for _ in range(5):
        answer = client("sqs").receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0
        )
        found += [json.loads(m["Body"]) for m in answer.get("Messages", [])]
    return list({b["sk"]: b for b in found if b.get("sk") == sk}.values())


@pytest.fixture
def ses_down(stack: Any) -> Iterator[None]:
    """SES refuses to send (MessageRejected: the sender is no longer verified)."""
    ses, sender = client("ses"), get_settings().sender_email
    ses.delete_identity(Identity=sender)
    try:
        yield
    finally:
        ses.verify_email_identity(EmailAddress=sender)


def ses_back_up() -> None:
    client("ses").verify_email_identity(EmailAddress=get_settings().sender_email)


# --- delivery ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_transitions_send_one_email_and_one_sms_each_in_the_contacts_language(
    stack: Any, language: str
) -> None:
    case = submitted(language)
    lifecycle.act(DEMO, case, "request_complement", OFFICER, {}, "the diploma, authenticated")
    counts = outbox.handle_stream_records(stream_records(case))
    assert counts == {"sent": 4}

    emails, sms = mails(case.reference), texts(case.reference)
    assert len(emails) == 2 and len(sms) == 2
    direction = "rtl" if language == "ar" else "ltr"
    assert all(f'<html lang="{language}" dir="{direction}">' in m.body for m in emails)
    assert all(m.destinations["ToAddresses"] == [case.contact.email] for m in emails)
    assert all(m.source == get_settings().sender_email for m in emails)
    word = {"ar": "وثائق تكميلية", "fr": "pièces complémentaires", "en": "additional documents"}
    assert any(word[language] in m.subject for m in emails)
    assert any("the diploma, authenticated" in m.body for m in emails)
    assert sum(word[language] in s for s in sms) == 1

    items = store.of_case(case.id)
    assert {i.status for i in items} == {"sent"} and {int(i.attempts) for i in items} == {1}
    assert {i.provider_id for i in items if i.channel == "email"} == {m.id for m in emails}
    assert all(i.sent_at is not None and i.claimed_until is None for i in items)


def test_a_refusal_notice_names_the_reason_and_the_appeal(stack: Any) -> None:
    case = submitted("fr")
    lifecycle.act(DEMO, case, "refuse", OFFICER, {}, "diplôme obtenu à distance")
    deliver_all(case)
    refusal = [m for m in mails(case.reference) if "refus" in m.subject]
    assert len(refusal) == 1
    assert "diplôme obtenu à distance" in refusal[0].body
    assert "demande de réexamen" in refusal[0].body


def test_the_same_stream_record_delivered_twice_sends_once(stack: Any) -> None:
    case = submitted("fr")
    records = stream_records(case)
    assert outbox.handle_stream_records(records + records) == {"sent": 2, "done": 2}
    assert outbox.handle_stream_records(records) == {"done": 2}
    assert len(mails(case.reference)) == 1 and len(texts(case.reference)) == 1


def test_other_items_and_our_own_updates_are_not_messages(stack: Any) -> None:
    case = submitted("fr")
    deliver_all(case)
    records = stream_records(case)  # the case, its history, and the outbox's MODIFY events
    assert {r["eventName"] for r in records} == {"INSERT", "MODIFY"}
    assert outbox.handle_stream_records(r for r in records if r["eventName"] == "MODIFY") == {}
    others = [r for r in records if not r["dynamodb"]["Keys"]["sk"]["S"].startswith("OUTBOX#")]
    assert others and outbox.handle_stream_records(others) == {}
    assert len(mails(case.reference)) == 1


def test_workers_racing_for_one_item_send_it_once(stack: Any) -> None:
    case = submitted("fr")
    email = next(
        k for k, i in zip(keys(case), store.of_case(case.id), strict=True) if i.channel == "email"
    )
    barrier, outcomes = threading.Barrier(4), []

    def worker() -> None:
        barrier.wait()
        outcomes.append(outbox.deliver(*email))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("sent") == 1 and set(outcomes) <= {"sent", "busy", "done"}
    assert len(mails(case.reference)) == 1
    drain_retries()  # the losers' look-again messages find it sent
    assert len(mails(case.reference)) == 1


def test_a_live_lease_defers_and_an_expired_one_is_taken_over(stack: Any) -> None:
    case = submitted("fr")
    pk, sk = keys(case)[0]
    now = datetime.now(UTC)
    assert store.claim(pk, sk, now, outbox.LEASE) is not None  # a worker that then died
    RECORDER.clear()
    assert outbox.deliver(pk, sk, now + timedelta(seconds=10)) == "busy"
    look_again = [c.params for c in RECORDER.of("sqs") if c.operation == "SendMessage"]
    assert [p["DelaySeconds"] for p in look_again] == [51]  # when the lease runs out
    assert outbox.deliver(pk, sk, now + timedelta(seconds=61)) == "sent"
    assert len(mails(case.reference)) == 1
    assert int(store.get(pk, sk).attempts) == 2  # type: ignore[union-attr]


# --- failures ------------------------------------------------------------------------------


def test_an_ses_outage_is_retried_and_every_notification_then_goes_out_once(
    stack: Any, ses_down: None
) -> None:
    case = submitted("fr")
    lifecycle.act(DEMO, case, "request_complement", OFFICER, {}, "send the diploma")
    RECORDER.clear()
    assert sorted(deliver_all(case)) == ["retry", "retry", "sent", "sent"]  # SMS still work
    delays = [c.params["DelaySeconds"] for c in RECORDER.of("sqs") if c.operation == "SendMessage"]
    assert delays == [outbox.backoff(1)] * 2 == [10, 10]

    RECORDER.clear()
    assert drain_retries() >= 2  # second try: still down, and a longer wait
    delays = [c.params["DelaySeconds"] for c in RECORDER.of("sqs") if c.operation == "SendMessage"]
    assert delays.count(outbox.backoff(2)) >= 2
    emails = [i for i in store.of_case(case.id) if i.channel == "email"]
    assert {(i.status, int(i.attempts)) for i in emails} == {("pending", 2)}
    assert all((i.last_error or "").startswith("MessageRejected") for i in emails)
    assert "demo.invalid" not in (emails[0].last_error or "")  # the address stays masked

    ses_back_up()
    drain_retries()
    drain_retries()  # nothing left: a second drain sends nothing more
    assert len(mails(case.reference)) == 2 and len(texts(case.reference)) == 2
    items = store.of_case(case.id)
    assert {i.status for i in items} == {"sent"}
    assert sorted(int(i.attempts) for i in items) == [1, 1, 3, 3]


def test_a_message_failing_every_attempt_ends_failed_on_the_dead_letter_queue(
    stack: Any, ses_down: None
) -> None:
    case = submitted("en")
    email = next(i for i in store.of_case(case.id) if i.channel == "email")
    assert outbox.deliver(email.pk, email.sk) == "retry"
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        drain_retries()
    failed = store.get(email.pk, email.sk)
    assert failed is not None and failed.status == "failed"
    assert int(failed.attempts) == outbox.MAX_ATTEMPTS
    assert [b["attempts"] for b in dead_letters(email.sk)] == [outbox.MAX_ATTEMPTS]
    assert drain_retries() == 0 and mails(case.reference) == []
    assert outbox.deliver(email.pk, email.sk) == "done"  # a late duplicate changes nothing

    ses_back_up()  # an operator fixed the sender and redrives the dead letter
    assert outbox.redrive(email.pk, email.sk) == "sent"
    assert outbox.redrive(email.pk, email.sk) == "done"
    assert len(mails(case.reference)) == 1


def test_an_invalid_phone_number_fails_at_once_without_retrying(stack: Any) -> None:
    case = submitted("fr", phone="+2121")
    outcomes = dict(
        zip((i.channel for i in store.of_case(case.id)), deliver_all(case), strict=True)
    )
    assert outcomes == {"email": "sent", "sms": "failed"}
    sms = next(i for i in store.of_case(case.id) if i.channel == "sms")
    assert sms.status == "failed" and int(sms.attempts) == 1
    assert dead_letters(sms.sk) and texts(case.reference) == []


def test_a_malformed_retry_message_is_given_back_not_dropped(stack: Any) -> None:
    case = submitted("fr")
    pk, sk = keys(case)[0]
    with pytest.raises(outbox.DeliveryError):
        outbox.handle_retry_messages(["not json", json.dumps({"pk": pk, "sk": sk})])
    assert store.get(pk, sk).status == "sent"  # type: ignore[union-attr]


def test_text_messages_past_the_day_s_budget_are_not_sent_and_stay_on_the_dead_letter_queue(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pump of text messages stops at the owner's (and the number's) budget of the day;
    the e-mail of the same notice still goes out, and the held text is kept for an operator."""
    monkeypatch.setattr(sms_budget, "SMS_PER_IDENTITY_PER_DAY", 2)
    cases = [submitted("fr", phone=f"+21261234{n:04d}") for n in range(3)]  # one owner
    outcomes = [
        dict(zip((i.channel for i in store.of_case(c.id)), deliver_all(c), strict=True))
        for c in cases
    ]
    assert [o["sms"] for o in outcomes] == ["sent", "sent", "failed"]
    assert all(o["email"] == "sent" for o in outcomes)
    held = next(i for i in store.of_case(cases[2].id) if i.channel == "sms")
    assert "not sent: sms-identity" in str(held.last_error) and dead_letters(held.sk)
    assert texts(cases[2].reference) == [] and mails(cases[2].reference)


def test_one_number_gets_at_most_its_budget_whoever_files(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sms_budget, "SMS_PER_NUMBER_PER_DAY", 1)
    first, second = submitted("fr", phone="+212698765432"), submitted("fr", phone="+212698765432")
    sms = [
        next(
            o
            for ch, o in zip((i.channel for i in store.of_case(c.id)), deliver_all(c), strict=True)
            if ch == "sms"
        )
        for c in (first, second)
    ]
    assert sms == ["sent", "failed"]
