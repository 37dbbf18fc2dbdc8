"""moto keeps an e-mail sent with ``SendRawEmail`` (one with attachments) as a ``RawMessage``
with its MIME text only, while tests read ``.subject`` and ``.body`` of every sent message.
This gives raw messages the same two, parsed from the MIME text, so both kinds can be read
alike (and one e-mail with an attachment does not break another test's look at the list)."""

from __future__ import annotations

from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any


def _parsed(message: Any) -> EmailMessage:
    parsed: EmailMessage = message_from_string(message.raw_data, policy=policy.default)  # type: ignore[assignment]
    return parsed


def _subject(message: Any) -> str:
    return str(_parsed(message)["Subject"] or "")


def _body(message: Any) -> str:
    part = _parsed(message).get_body(preferencelist=("plain",))
    return str(part.get_content()) if part is not None else ""


def install() -> None:
    from moto.ses.models import RawMessage

    RawMessage.subject = property(_subject)  # type: ignore[attr-defined]
    RawMessage.body = property(_body)  # type: ignore[attr-defined]
