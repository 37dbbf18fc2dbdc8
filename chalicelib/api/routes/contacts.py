"""A citizen's contacts: the e-mails and phones messages may go to, confirmed by a code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.identity import CITIZEN

if TYPE_CHECKING:
    from chalicelib.api.routes.contact_schemas import ContactList, ContactView

SCHEMAS = "chalicelib.api.routes.contact_schemas"
contacts = Blueprint(__name__)
TAGS = ("contacts",)


@route(
    contacts,
    "GET",
    "/me/contacts",
    summary="My contacts: those the identity provider vouches for, and those I confirmed",
    access=allow(CITIZEN),
    tags=TAGS,
    response=f"{SCHEMAS}:ContactList",
)
def my_contacts(call: Call) -> ContactList:
    from chalicelib.api.routes.contact_schemas import ContactList, ContactView
    from chalicelib.notify import contacts as use
    from chalicelib.store import contacts as store

    user = call.user
    items = [
        ContactView(
            id=use.contact_id_of(user.subject, kind, value),
            kind=kind,
            value=value,
            state="verified",
            source="identity_provider",
        )
        for kind, value in use.identity_verified(user).items()
    ]
    shown = {(i.kind, i.value) for i in items}
    items += [
        ContactView(
            id=c.contact_id,
            kind=c.kind,
            value=c.value,
            state="verified" if c.state == store.VERIFIED else "pending",
            source="confirmed",
            code_expires_at=c.code_expires_at if c.state == store.PENDING else None,
        )
        for c in store.of_owner(user.subject)
        if (c.kind, c.value) not in shown
    ]
    return ContactList(items=items)


@route(
    contacts,
    "POST",
    "/me/contacts",
    summary="An e-mail or phone to confirm: a one-time code is sent to it (200 if verified)",
    access=allow(CITIZEN),
    tags=TAGS,
    body=f"{SCHEMAS}:ContactIn",
    response=f"{SCHEMAS}:ContactView",
    status=201,
    idempotent=True,
)
def add_contact(call: Call) -> Reply:
    from chalicelib.api import quotas
    from chalicelib.api.routes.contact_schemas import ContactView
    from chalicelib.notify import contacts as use

    body = call.body
    added = use.add(
        call.user,
        body.kind,
        body.value,
        body.language,
        clock.now(),
        spend_quota=lambda: quotas.charge(call.user, "contact-code"),
    )
    view = ContactView(
        id=added.contact_id,
        kind=added.kind,
        value=added.value,
        state="pending" if added.code_sent else "verified",
        source="confirmed",
        code_expires_at=added.code_expires_at,
    )
    return Reply(view.model_dump(mode="json"), 201 if added.code_sent else 200)


@route(
    contacts,
    "POST",
    "/me/contacts/{contact_id}/confirm",
    summary="Confirm a contact with the one-time code it received",
    access=allow(CITIZEN),
    tags=TAGS,
    body=f"{SCHEMAS}:CodeIn",
    response=f"{SCHEMAS}:ContactView",
)
def confirm_contact(call: Call, contact_id: str) -> ContactView:
    from chalicelib.api.routes.contact_schemas import ContactView
    from chalicelib.notify import contacts as use
    from chalicelib.store import contacts as store

    use.confirm(call.user, contact_id, call.body.code, clock.now())
    confirmed = store.get(call.user.subject, contact_id)
    assert confirmed is not None  # confirm() raised otherwise
    return ContactView(
        id=confirmed.contact_id,
        kind=confirmed.kind,
        value=confirmed.value,
        state="verified",
        source="confirmed",
    )
