"""The HTTP routes of this service: thin, they parse, authorise, call one function, shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.identity import CITIZEN
from chalicelib.refusals import Refusal

if TYPE_CHECKING:
    from chalicelib.services.etimbre.schemas import (
        ConsumeIn,
        FeeList,
        PurchaseIn,
        ReconciliationQuery,
        RefundIn,
        SettlementIn,
        SettlementReport,
        StampList,
        StampView,
        WebhookAnswer,
    )

etimbre = Blueprint(__name__)
SCHEMAS = "chalicelib.services.etimbre.schemas"
TAGS = ("etimbre",)
PDF = "application/pdf"
CSV = "text/csv"
AGENT = "consular_agent"
AUDITOR = "treasury_auditor"


@route(
    etimbre,
    "GET",
    "/etimbre/fees",
    summary="The fee of each consular service in MAD, with its legal reference and history",
    access=PUBLIC,
    tags=TAGS,
    query=f"{SCHEMAS}:FeesQuery",
    response=f"{SCHEMAS}:FeeList",
)
def fees(call: Call) -> FeeList:
    from chalicelib.services.etimbre import views

    return views.fees(call.query.consulate or "")


@route(
    etimbre,
    "POST",
    "/etimbre/stamps",
    summary="Buy a stamp: a pending stamp and where to pay it (online, or on a terminal)",
    access=allow(CITIZEN, AGENT),
    tags=TAGS,
    body=f"{SCHEMAS}:PurchaseIn",
    response=f"{SCHEMAS}:StampView",
    status=201,
    idempotent=True,
    errors=(409, 422, 502),
)
def buy(call: Call) -> StampView:
    from chalicelib.api import quotas
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views
    from chalicelib.services.etimbre.notices import Contact

    quotas.charge(call.user, "etimbre-purchase")
    body: PurchaseIn = call.body
    given = body.contact
    contact = Contact(given.email, given.phone, given.language or "") if given else None
    stamp = use.purchase(
        call.user,
        body.service,
        body.consulate,
        body.channel,
        body.terminal_reference,
        call.language,
        contact,
    )
    return views.stamp(stamp)


@route(
    etimbre,
    "POST",
    "/etimbre/payments/webhook",
    summary="The payment gateway's callback, signed (HMAC over timestamp and body)",
    access=PUBLIC,
    tags=TAGS,
    response=f"{SCHEMAS}:WebhookAnswer",
    errors=(401, 409, 422),
)
def payment_webhook(call: Call) -> WebhookAnswer:
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre.schemas import WebhookAnswer

    raw = call.request.raw_body or b""
    result = use.webhook(
        raw.encode() if isinstance(raw, str) else raw,
        call.header("x-gateway-timestamp") or "",
        call.header("x-gateway-signature") or "",
    )
    return WebhookAnswer(outcome=result.outcome, number=result.number or None)


@route(
    etimbre,
    "GET",
    "/etimbre/stamps",
    summary="My stamps, newest first (paginated)",
    access=allow(CITIZEN),
    tags=TAGS,
    query="chalicelib.api.schemas:PageQuery",
    response=f"{SCHEMAS}:StampList",
)
def my_stamps(call: Call) -> Any:
    from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views
    from chalicelib.services.etimbre.schemas import StampList
    from chalicelib.store.secrets import cursor_key

    scope = f"stamps:{call.user.subject}"
    start = decode_cursor(cursor_key(), scope, call.query.cursor)
    found, last = use.mine(call.user, clamp_limit(call.query.limit), start)
    return StampList(
        items=[views.stamp(s) for s in found], next=encode_cursor(cursor_key(), scope, last)
    )


@route(
    etimbre,
    "GET",
    "/etimbre/stamps/{number}",
    summary="My stamp (by number, or by purchase id before it is paid), or its receipt PDF",
    access=allow(CITIZEN, AGENT),
    tags=TAGS,
    response=f"{SCHEMAS}:StampView",
    alternates=(PDF,),
    errors=(406, 409),
)
def my_stamp(call: Call, number: str) -> Any:
    from chalicelib.api.negotiation import choose
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views

    chosen = choose(call.header("accept"), ("application/json", PDF))
    if chosen is None:
        raise Refusal("not-acceptable", "application/json or application/pdf.")
    stamp = use.owned(number, call.user)
    if chosen == PDF:
        return Reply(views.receipt_pdf(stamp), 200, {}, PDF)
    return views.stamp(stamp)


@route(
    etimbre,
    "GET",
    "/public/stamps/{number}",
    summary="Is this stamp valid? valid, used, refunded, expired or unknown (no personal data)",
    access=PUBLIC,
    tags=TAGS,
    response=f"{SCHEMAS}:PublicStamp",
    alternates=("text/html",),
    errors=(429,),
)
def public_stamp(call: Call, number: str) -> Any:
    from chalicelib.api import public_page, ratelimit
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views

    ratelimit.limit(call, "etimbre-stamp", per_minute=30)
    status, stamp = use.public_state(number)
    if public_page.wants_html(call):
        return public_page.reply(views.public_page(number, status, stamp))
    return views.public(number, status, stamp)


@route(
    etimbre,
    "POST",
    "/etimbre/stamps/{number}/consume",
    summary="Use a paid stamp for a service, once (consular agent)",
    access=allow(AGENT),
    tags=TAGS,
    body=f"{SCHEMAS}:ConsumeIn",
    response=f"{SCHEMAS}:StampView",
    errors=(409,),
)
def consume(call: Call, number: str) -> StampView:
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views

    body: ConsumeIn = call.body
    return views.stamp(use.consume(number, body.service, call.user, body.case_id))


@route(
    etimbre,
    "POST",
    "/etimbre/stamps/{number}/refund-request",
    summary="Ask for the refund of my unused, paid stamp (the consulate answers)",
    access=allow(CITIZEN),
    tags=TAGS,
    body=f"{SCHEMAS}:RefundIn",
    response=f"{SCHEMAS}:StampView",
    errors=(409,),
)
def ask_refund(call: Call, number: str) -> StampView:
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views

    body: RefundIn = call.body
    return views.stamp(use.ask_refund(number, body.reason, call.user))


@route(
    etimbre,
    "GET",
    "/etimbre/consulates/{code}/refund-requests",
    summary="The stamps whose buyers ask for a refund, oldest request first (consular agent)",
    access=allow(AGENT, office_param="code"),
    tags=TAGS,
    query="chalicelib.api.schemas:PageQuery",
    response=f"{SCHEMAS}:StampList",
)
def refund_requests(call: Call, code: str) -> StampList:
    from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views
    from chalicelib.services.etimbre.schemas import StampList
    from chalicelib.store.secrets import cursor_key

    scope = f"refund-requests:{code}"
    start = decode_cursor(cursor_key(), scope, call.query.cursor)
    found, last = use.refunds_waiting(code, clamp_limit(call.query.limit), start)
    return StampList(
        items=[views.stamp(s) for s in found],
        next=encode_cursor(cursor_key(), scope, last),
    )


@route(
    etimbre,
    "POST",
    "/etimbre/stamps/{number}/refund-refusal",
    summary="Refuse a buyer's refund request, with the reason they are told (consular agent)",
    access=allow(AGENT),
    tags=TAGS,
    body=f"{SCHEMAS}:RefundIn",
    response=f"{SCHEMAS}:StampView",
    errors=(409,),
)
def refuse_refund(call: Call, number: str) -> StampView:
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views

    body: RefundIn = call.body
    return views.stamp(use.refuse_refund(number, body.reason, call.user))


@route(
    etimbre,
    "POST",
    "/etimbre/stamps/{number}/refund",
    summary="Refund an unused paid stamp through the gateway, once (consular agent)",
    access=allow(AGENT),
    tags=TAGS,
    body=f"{SCHEMAS}:RefundIn",
    response=f"{SCHEMAS}:StampView",
    errors=(409, 502),
)
def refund(call: Call, number: str) -> StampView:
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views

    body: RefundIn = call.body
    return views.stamp(use.refund(number, body.reason, call.user))


@route(
    etimbre,
    "GET",
    "/etimbre/reconciliation",
    summary="A day's totals by consulate, service, channel and state (JSON or CSV)",
    access=allow(AUDITOR),
    tags=TAGS,
    query=f"{SCHEMAS}:ReconciliationQuery",
    response=f"{SCHEMAS}:Reconciliation",
    alternates=(CSV,),
    errors=(406,),
)
def reconciliation(call: Call) -> Any:
    from chalicelib.api.negotiation import choose
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import views

    query: ReconciliationQuery = call.query
    day = query.date.isoformat()
    report = views.reconciliation(
        query.date, query.consulate, use.totals(day, query.consulate), use.flags(day)
    )
    chosen = (
        "text/csv"
        if query.format == "csv"
        else choose(call.header("accept"), ("application/json", CSV))
    )
    if chosen is None:
        raise Refusal("not-acceptable", "application/json or text/csv.")
    if chosen == CSV:
        disposition = f'attachment; filename="etimbre-{day}.csv"'
        return Reply(views.csv_of(report), 200, {"Content-Disposition": disposition}, CSV)
    return report


@route(
    etimbre,
    "POST",
    "/etimbre/reconciliation/settlements",
    summary="Match the gateway's settlement file (CSV in S3) against the stamps",
    access=allow(AUDITOR),
    tags=TAGS,
    body=f"{SCHEMAS}:SettlementIn",
    response=f"{SCHEMAS}:SettlementReport",
    errors=(409,),
)
def settlements(call: Call) -> SettlementReport:
    from chalicelib.services.etimbre import service as use
    from chalicelib.services.etimbre import settlement_file, views

    body: SettlementIn = call.body
    day = body.date.isoformat()
    key = body.key or settlement_file.key_for(day)
    return views.settlement(body.date, key, use.match_settlement(day, key))
