"""A daily budget of text messages, per identity and per phone number.

An SMS costs money to send and can be pumped: a script that files requests with numbers it
rents (premium or international ones) earns on every message the state pays for. Each text
message spends one unit of its case owner's budget of the day and one of its number's; past
either, the message is not sent and fails for good (its keys go to the dead-letter queue, so
an operator sees and may redrive it; the e-mail of the same notice goes out as usual).
The account-wide alarm on SNS spending is in the template (``SmsSpendAlarm``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from chalicelib import clock

SMS_PER_IDENTITY_PER_DAY = 20
SMS_PER_NUMBER_PER_DAY = 20
DAY_SECONDS = 24 * 3600


class OverBudget(Exception):
    """The day's budget of the owner or of the number is spent."""


def spend(
    case_id: str, recipient: str, now: datetime | None = None, owner: str | None = None
) -> None:
    """One text message to ``recipient`` about ``case_id`` (or for ``owner``, whom no case
    names: a contact's code); raises OverBudget past a budget."""
    from chalicelib.store import cases
    from chalicelib.store import ratelimit as counters

    moment = (now or clock.now()).timestamp()
    start = int(moment // DAY_SECONDS) * DAY_SECONDS
    if owner is None:
        case = cases.load(case_id)
        owner = case.owner if case is not None else None
    whose = f"owner\0{owner}" if owner is not None else f"case\0{case_id}"
    budgets = (
        ("sms-identity", _key(whose), SMS_PER_IDENTITY_PER_DAY),
        ("sms-number", _key(f"number\0{recipient}"), SMS_PER_NUMBER_PER_DAY),
    )
    for bucket, key, allowed in budgets:
        if not counters.take(bucket, key, start, start + DAY_SECONDS, allowed):
            raise OverBudget(f"{bucket}: {allowed} text messages a day")


def _key(text: str) -> str:
    from chalicelib.store.secrets import cursor_key

    return hmac.new(cursor_key(), b"sms\0" + text.encode(), hashlib.sha256).hexdigest()[:32]
