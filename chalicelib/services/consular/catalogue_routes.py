"""The public catalogue's HTTP routes: the consulates and the services they offer, with
each service's slot length, documents and eTimbre fee. No token needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import PUBLIC
from chalicelib.api.routing import Call, route
from chalicelib.services.consular.routes import TAGS, S

if TYPE_CHECKING:
    from chalicelib.services.consular.schemas import ConsulateList, ServiceList

consular_catalogue = Blueprint(__name__)


@route(
    consular_catalogue,
    "GET",
    "/consular/consulates",
    summary="Consulates and the services they offer",
    access=PUBLIC,
    tags=TAGS,
    response=S + "ConsulateList",
)
def list_consulates(call: Call) -> ConsulateList:
    from chalicelib import consulates
    from chalicelib.services.consular.schemas import ConsulateList, ConsulateView

    return ConsulateList(
        items=[
            ConsulateView(
                code=c.code,
                names=dict(c.names),
                country=c.country,
                city=c.city,
                time_zone=c.time_zone,
                address=c.address,
                services=list(c.services),
            )
            for c in consulates.CONSULATES
        ]
    )


@route(
    consular_catalogue,
    "GET",
    "/consular/services",
    summary="Consular services: slot length, documents, eTimbre fee",
    access=PUBLIC,
    tags=TAGS,
    response=S + "ServiceList",
)
def list_services(call: Call) -> ServiceList:
    from chalicelib import consulates
    from chalicelib.services.consular import service as use
    from chalicelib.services.consular.schemas import (
        DocumentRuleView,
        FeeView,
        ServiceList,
        ServiceView,
    )

    items = []
    for s in consulates.SERVICES:
        fee = use.fee_of(s.code, clock.now())
        items.append(
            ServiceView(
                code=s.code,
                names=dict(s.names),
                slot_minutes=s.slot_minutes,
                cancellation_cutoff_hours=s.cancellation_cutoff_hours,
                documents=[
                    DocumentRuleView(kind=r.kind, required=r.required, titles=dict(r.titles))
                    for r in s.documents
                ],
                fee=None
                if fee is None
                else FeeView(
                    amount=fee.amount,
                    currency=fee.currency,
                    legal_reference=str(fee.legal_reference),
                ),
            )
        )
    return ServiceList(items=items)
