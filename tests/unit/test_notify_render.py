"""Notification templates: every language, the refusal's legal content, escaping, fallbacks,
SMS lengths, times in Casablanca, phone numbers and the retry schedule (no AWS)."""

from __future__ import annotations

from string import Formatter
from typing import Any

import pytest

from chalicelib.notify import catalogue, sms
from chalicelib.notify.outbox import MAX_ATTEMPTS, backoff
from chalicelib.notify.render import LINK_FIELDS, SERVICE_FIELDS, render_email, render_sms
from chalicelib.notify.senders import SendFailure, e164

REFERENCE = "EQ-2026-000123"
FIELDS = (
    {"reference", "name", "reason", "document", "reader"}
    | {f"{k}{s}" for k in ("deadline", "appeal_until", "read_at") for s in ("", "_date")}
    | set(SERVICE_FIELDS)
    | set(LINK_FIELDS)
)
FULL: dict[str, Any] = {
    "reference": REFERENCE,
    "case_type": "equivalence_higher",
    "state": "refused",
    "event": "refuse",
    "reason": "Diplôme préparé à distance : non recevable",
    "name": "Amina El Idrissi",
    "document": "Relevé de notes",
    "deadlines": {"complement_due": "2026-06-30T23:30:00+00:00"},
    "appeal_until": "2026-09-14T22:59:00+00:00",
}
TEMPLATES = [
    "case_submitted",
    "complement_requested",
    "case_decided",
    "case_refused",
    "case_closed",
    "document_rejected",
    "generic_update",
]


def test_every_template_has_every_language_with_subject_body_and_sms() -> None:
    assert set(TEMPLATES) <= set(catalogue.names())
    for name in catalogue.names():
        for language in catalogue.LANGUAGES:
            entry = catalogue.entry(name, language)
            assert {"subject", "body", "sms"} <= set(entry), (name, language)
            texts = [entry["subject"], entry["sms"], *entry["body"]]
            used = {
                field
                for text in texts
                for alternative in catalogue.alternatives(text)
                for _, field, _, _ in Formatter().parse(alternative)
                if field
            }
            assert used <= FIELDS, (name, language, used - FIELDS)


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_each_language_names_the_reference_in_subject_and_bodies(
    template: str, language: str
) -> None:
    email = render_email(template, language, {**FULL, "state": "submitted"})
    assert email.language == language
    assert REFERENCE in email.subject
    assert REFERENCE in email.text
    assert f"<bdi>{REFERENCE}</bdi>" in email.html
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in email.html
    assert REFERENCE in render_sms(template, language, FULL).text


def test_each_language_is_really_that_language() -> None:
    data = {"reference": REFERENCE}
    assert "reçu" in render_email("case_submitted", "fr", data).subject
    assert "received" in render_email("case_submitted", "en", data).subject
    assert "توصلنا" in render_email("case_submitted", "ar", data).subject
    assert "مرحبا" in render_email("case_submitted", "ar", data).text


@pytest.mark.parametrize(
    ("language", "reason_word", "appeal_words", "appeal_time"),
    [
        ("fr", "Motif du refus", "demande de réexamen", "lundi 14 septembre 2026 à 23 h 59"),
        ("en", "Reason for the refusal", "review request", "Monday 14 September 2026 at 23:59"),
        ("ar", "سبب الرفض", "طلب إعادة الدراسة", "الاثنين 14 شتنبر 2026 على الساعة 23:59"),
    ],
)
def test_a_refusal_names_its_reason_how_to_appeal_and_by_when(
    language: str, reason_word: str, appeal_words: str, appeal_time: str
) -> None:
    email = render_email("case_refused", language, FULL)
    for body in (email.text, email.html):
        assert reason_word in body
        assert "Diplôme préparé à distance" in body
        assert appeal_words in body
        assert appeal_time in body  # 22:59 UTC is 23:59 in Casablanca (UTC+1) that day


def test_a_decision_about_a_refused_case_is_sent_as_a_refusal() -> None:
    email = render_email("case_decided", "fr", FULL)
    assert email.template == "case_refused"
    assert "Motif du refus" in email.text
    accepted = render_email("case_decided", "fr", {**FULL, "state": "accepted"})
    assert accepted.template == "case_decided"


def test_the_appeal_deadline_can_come_from_the_case_deadlines() -> None:
    data = {**FULL, "appeal_until": None, "deadlines": {"review_until": "2026-09-14T22:59:00Z"}}
    assert "14 septembre 2026 à 23 h 59" in render_email("case_refused", "fr", data).text


def test_a_refusal_without_reason_or_date_still_says_how_to_appeal() -> None:
    email = render_email("case_refused", "fr", {"reference": REFERENCE})
    assert "figure dans la décision" in email.text
    assert "demande de réexamen" in email.text
    assert "dans le délai indiqué dans la décision" in email.text
    assert "{" not in email.text and "{" not in email.html


def test_the_complement_deadline_is_written_in_letters_in_casablanca() -> None:
    # 23:30 UTC on 30 June is half past midnight on 1 July in Casablanca (UTC+1)
    text = render_email("complement_requested", "fr", FULL).text
    assert "avant le mercredi 1er juillet 2026 à 0 h 30 (heure du Maroc)" in text
    assert "2026-06-30" not in text and "30 juin" not in text
    arabic = render_email("complement_requested", "ar", FULL).text
    assert "الأربعاء 1 يوليوز 2026 على الساعة 00:30 (بتوقيت المغرب)" in arabic
    assert (
        "before Wednesday 1 July 2026 at 00:30"
        in render_email("complement_requested", "en", FULL).text
    )
    assert "1er juillet 2026" in render_sms("complement_requested", "fr", FULL).text


def test_data_is_escaped_in_html_and_cannot_break_lines() -> None:
    hostile = {
        **FULL,
        "name": '<script>alert("x")</script>',
        "reason": "a & b <img src=x onerror=1>",
        "reference": "EQ-1\r\nBcc: victim@example.org",
    }
    email = render_email("case_refused", "fr", hostile)
    assert "<script>" not in email.html and "<img" not in email.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in email.html
    assert "a &amp; b &lt;img src=x onerror=1&gt;" in email.html
    assert "\n" not in email.subject and "\r" not in email.subject
    assert "EQ-1 Bcc: victim@example.org" in email.subject


def test_an_unknown_template_is_sent_as_a_generic_update() -> None:
    email = render_email("appointment_moved_to_mars", "fr", FULL)
    assert email.template == "generic_update"
    assert REFERENCE in email.subject and REFERENCE in email.text
    assert render_sms("appointment_moved_to_mars", "ar", FULL).template == "generic_update"


def test_an_unknown_language_falls_back_to_french() -> None:
    assert render_email("case_submitted", "es", FULL).language == "fr"
    assert render_email("case_submitted", "", FULL).language == "fr"
    assert render_sms("case_submitted", "de", FULL).language == "fr"


def test_missing_data_leaves_out_the_paragraph_not_a_placeholder() -> None:
    email = render_email("complement_requested", "en", {"reference": REFERENCE})
    assert "What is needed" not in email.text
    assert "as soon as possible" in email.text
    assert email.text.startswith("Hello,")
    assert "{" not in email.text


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_sms_fits_one_segment(template: str, language: str) -> None:
    for data in (FULL, {"reference": REFERENCE}, {**FULL, "reference": "EQ-2026-123456789"}):
        text = render_sms(template, language, data).text
        assert sms.segments(text) == 1, (template, language, sms.units(text), text)
        if language == "ar":
            assert sms.encoding(text) == "ucs2" and sms.units(text) <= 70
        else:  # folded into the GSM alphabet: 160 characters, not 70
            assert sms.encoding(text) == "gsm" and sms.units(text) <= 160


def test_sms_carry_no_name_and_no_reason() -> None:
    for template in TEMPLATES:
        for language in catalogue.LANGUAGES:
            text = render_sms(template, language, FULL).text
            assert "Amina" not in text and "distance" not in text


def test_sms_counting_and_gsm_folding() -> None:
    assert sms.fold_to_gsm("reçu, être « là »") == 'recu, etre " là "'
    assert sms.units("a€") == 3  # € is an escaped GSM character: two septets
    assert sms.segments("x" * 160) == 1 and sms.segments("x" * 161) == 2
    assert sms.segments("م" * 70) == 1 and sms.segments("م" * 71) == 2


def test_phone_numbers_must_be_valid_e164() -> None:
    assert e164("+212 6 12 34 56 78") == "+212612345678"
    assert e164("+33 6 12 34 56 78") == "+33612345678"
    for bad in ("0612345678", "+2121", "not a number", ""):
        with pytest.raises(SendFailure) as failure:
            e164(bad)
        assert failure.value.permanent


def test_retries_back_off_and_stay_within_sqs_limits() -> None:
    delays = [backoff(n) for n in range(1, MAX_ATTEMPTS + 3)]
    assert delays[:4] == [10, 20, 40, 80]
    assert delays == sorted(delays) and max(delays) == 900
