"""The providers: SES (v1 ``SendEmail``, or ``SendRawEmail`` for an e-mail with attachments)
for e-mail and SNS (``Publish`` to a phone number) for SMS. Each returns the provider's
message id, or raises ``SendFailure``, telling a failure worth retrying (throttling, outage,
unverified sender) from one that is not (an address or number the provider will never
accept)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import client
from chalicelib.notify.render import Email
from chalicelib.observability import redact
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.notify.attachments import Attachment

SENDER_ID = "KHIDMAT"
CHARSET = "UTF-8"
# Errors that no retry can fix: the message itself is wrong for the provider.
_PERMANENT = frozenset({"InvalidParameterValue", "InvalidParameter", "MailFromDomainNotVerified"})


class SendFailure(Exception):
    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def send_email(recipient: str, email: Email, attachments: Sequence[Attachment] = ()) -> str:
    if attachments:
        return _send_raw_email(recipient, email, attachments)
    message = {
        "Subject": {"Data": email.subject, "Charset": CHARSET},
        "Body": {
            "Text": {"Data": email.text, "Charset": CHARSET},
            "Html": {"Data": email.html, "Charset": CHARSET},
        },
    }
    answer = _call(
        client("ses").send_email,
        Source=get_settings().sender_email,
        Destination={"ToAddresses": [recipient]},
        Message=message,
    )
    return str(answer["MessageId"])


def _send_raw_email(recipient: str, email: Email, attachments: Sequence[Attachment]) -> str:
    """multipart/mixed: the text and HTML bodies (multipart/alternative), then each file."""
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    sender = get_settings().sender_email
    mime = MIMEMultipart("mixed")
    mime["Subject"], mime["From"], mime["To"] = email.subject, sender, recipient
    bodies = MIMEMultipart("alternative")
    bodies.attach(MIMEText(email.text, "plain", CHARSET))
    bodies.attach(MIMEText(email.html, "html", CHARSET))
    mime.attach(bodies)
    for attachment in attachments:
        main, _, params = attachment.content_type.partition(";")
        kind, _, sub = main.strip().partition("/")
        part = MIMEApplication(attachment.content, sub, name=attachment.filename)
        part.replace_header("Content-Type", f'{kind}/{sub}; name="{attachment.filename}"')
        for param in (p.strip() for p in params.split(";") if p.strip()):
            key, _, value = param.partition("=")
            part.set_param(key, value)
        part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
        mime.attach(part)
    answer = _call(
        client("ses").send_raw_email,
        Source=sender,
        Destinations=[recipient],
        RawMessage={"Data": mime.as_bytes()},
    )
    return str(answer["MessageId"])


def send_sms(phone: str, text: str) -> str:
    attributes = {
        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
        "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": SENDER_ID},
    }
    answer = _call(
        client("sns").publish, PhoneNumber=e164(phone), Message=text, MessageAttributes=attributes
    )
    return str(answer["MessageId"])


def e164(phone: str) -> str:
    """The number in E.164 (``+212612345678``); SNS (and moto) would take anything."""
    import phonenumbers  # deferred: its metadata is large and only SMS needs it

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException as error:
        raise SendFailure(f"not an international phone number ({error.error_type})", True) from None
    if not phonenumbers.is_valid_number(number):
        raise SendFailure("not a valid phone number", permanent=True)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _call(operation: Any, **params: Any) -> Any:
    try:
        return operation(**params)
    except ClientError as error:
        details = error.response.get("Error", {})
        code = str(details.get("Code", "ClientError"))
        # The provider's text may name the address: masked, it helps whoever reads last_error.
        text = f"{code}: {redact(str(details.get('Message', '')))}"[:300]
        raise SendFailure(text, permanent=code in _PERMANENT) from error
    except BotoCoreError as error:  # connection and timeout errors: worth another try
        raise SendFailure(type(error).__name__) from error
