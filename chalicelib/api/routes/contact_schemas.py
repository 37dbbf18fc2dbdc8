"""What the contact routes take and give."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.api.schemas import Input, Output
from chalicelib.notify.contacts import EMAIL_PATTERN, PHONE_PATTERN


class ContactChoice(Input):
    """Where a case's messages go, among the caller's verified contacts (GET /me/contacts).
    Empty: the first verified ones. No name: a message names the person from the identity."""

    email: str = Field(default="", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str = Field(default="", max_length=16, pattern=r"^$|^\+[1-9]\d{7,14}$")


class ContactIn(Input):
    # The value's form follows its kind; the route checks the same (notify/contacts.py).
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"kind": {"const": kind}}},
                    "then": {"properties": {"value": {"pattern": pattern}}},
                }
                for kind, pattern in (("email", EMAIL_PATTERN), ("phone", PHONE_PATTERN))
            ]
        }
    )

    kind: Literal["email", "phone"]
    value: str = Field(
        min_length=3,
        max_length=254,
        description="An e-mail address, or a phone number in international form (+212...).",
    )
    language: Literal["ar", "fr", "en"] = Field(
        default="fr", description="The language of the message carrying the code."
    )


class CodeIn(Input):
    code: str = Field(pattern=r"^[0-9]{6}$", description="The six digits received.")


class ContactView(Output):
    id: str
    kind: str
    value: str
    state: Literal["pending", "verified"]
    source: Literal["identity_provider", "confirmed"] = Field(
        description="Who vouches for it: the identity provider, or a code typed back."
    )
    code_expires_at: datetime | None = None


class ContactList(Output):
    items: list[ContactView]
