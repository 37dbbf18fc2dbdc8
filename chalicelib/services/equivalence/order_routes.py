"""The holder's shares of an equivalence order and its own verification code (decisions 54
and 55): a link showing only the claims named, the list of them, a new code that ends every
access given before, and the public check of a code. The credential's machinery is the
kernel's (``chalicelib.credentials``); what an order discloses is this service's."""

from __future__ import annotations

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib import clock
from chalicelib.api.access import PUBLIC, allow
from chalicelib.api.routing import Call, Reply, route
from chalicelib.credentials import problems as _problems  # noqa: F401  (registers slugs)
from chalicelib.identity import CITIZEN

equivalence_credentials = Blueprint(__name__)
TAGS = ("credentials",)
CITIZEN_ONLY = allow(CITIZEN)
SCHEMAS = "chalicelib.credentials.schemas"

ORDER_SHARES = "/equivalence/applications/{case_id}/decision/shares"
ORDER_LABELS = {
    "valid": {"ar": "قرار معادلة ساري المفعول", "fr": "Arrêté d'équivalence en vigueur"},
    "expired": {"ar": "انتهت صلاحية الرابط", "fr": "Lien expiré"},
    "revoked": {"ar": "رابط ملغى أو قرار ملغى", "fr": "Lien ou arrêté révoqué"},
    "replaced": {"ar": "رمز تم تعويضه برمز جديد", "fr": "Code remplacé par un nouveau code"},
    "unknown": {"ar": "رمز غير معروف", "fr": "Code inconnu"},
}


@route(
    equivalence_credentials,
    "POST",
    ORDER_SHARES,
    summary="Share the file's equivalence order in force: an unguessable link showing only "
    "the claims named, for up to 90 days",
    access=CITIZEN_ONLY,
    tags=TAGS,
    body=f"{SCHEMAS}:OrderShareIn",
    response=f"{SCHEMAS}:OrderShareView",
    status=201,
    idempotent=True,
    errors=(404, 409),
)
def share_order(call: Call, case_id: str) -> Reply:
    from chalicelib import links
    from chalicelib.credentials import types
    from chalicelib.credentials.schemas import OrderShareIn, OrderShareView
    from chalicelib.services.equivalence import credential

    body: OrderShareIn = call.body
    claims = [str(c) for c in body.claims] if body.claims is not None else None
    code, share = credential.create_share(
        call.user, case_id, body.recipient, body.days, claims, call.correlation_id
    )
    view = OrderShareView(
        id=share.share_id,
        code=code,
        link=links.url(links.path("public", "equivalence-orders", code)),
        label=share.label,
        claims=claims or list(types.EQUIVALENCE.disclosable),
        created_at=share.created_at,
        expires_at=share.expires_at,
    )
    return Reply(view.model_dump(mode="json"), 201)


@route(
    equivalence_credentials,
    "GET",
    ORDER_SHARES,
    summary="The shares of the file's equivalence order, with how often and when each was verified",
    access=CITIZEN_ONLY,
    tags=TAGS,
    response=f"{SCHEMAS}:OrderShareList",
    errors=(404,),
)
def order_shares(call: Call, case_id: str) -> Reply:
    from chalicelib.credentials.schemas import OrderShareItem, OrderShareList
    from chalicelib.services.equivalence import credential

    items = [
        OrderShareItem(
            id=share.share_id,
            label=share.label,
            claims=credential.shown(share.presentation)[1],
            created_at=share.created_at,
            expires_at=share.expires_at,
            status=status,
            verifications=share.verifications,
            last_verified_at=share.last_verified_at,
        )
        for share, status in credential.shares(call.user, case_id, call.correlation_id)
    ]
    return Reply(OrderShareList(items=items).model_dump(mode="json"))


@route(
    equivalence_credentials,
    "POST",
    "/equivalence/applications/{case_id}/decision/code",
    summary="Give the file's equivalence order a new verification code: the old code then "
    "answers replaced, the order's shares and credentials held before are revoked",
    access=CITIZEN_ONLY,
    tags=TAGS,
    response=f"{SCHEMAS}:OrderCodeView",
    status=201,
    idempotent=True,
    errors=(404, 409),
)
def rotate_order_code(call: Call, case_id: str) -> Reply:
    from chalicelib import links
    from chalicelib.credentials.schemas import OrderCodeView
    from chalicelib.services.equivalence import credential

    code, made = credential.rotate_code(call.user, case_id, call.correlation_id)
    view = OrderCodeView(
        code=code,
        link=links.url(links.path("public", "equivalence-orders", code)),
        created_at=made.created_at,
    )
    return Reply(view.model_dump(mode="json"), 201)


@route(
    equivalence_credentials,
    "DELETE",
    ORDER_SHARES + "/{share_id}",
    summary="Revoke a share of the file's equivalence order",
    access=CITIZEN_ONLY,
    tags=TAGS,
    status=204,
)
def revoke_order_share(call: Call, case_id: str, share_id: str) -> Reply:
    from chalicelib.services.equivalence import credential

    credential.revoke_share(call.user, share_id)
    return Reply(None, 204)


@route(
    equivalence_credentials,
    "GET",
    "/public/equivalence-orders/{code}",
    summary="Verify a shared equivalence order (only the claims the share names) or an "
    "order's own code (every claim; replaced once a new code is given): verified, the issuer "
    "and the status (HTML for a browser, JSON for a program)",
    access=PUBLIC,
    tags=TAGS,
    response=f"{SCHEMAS}:PublicOrder",
    alternates=("text/html",),
    errors=(429,),
)
def verify_order_share(call: Call, code: str) -> Reply:
    from chalicelib.api import public_page, ratelimit
    from chalicelib.credentials.schemas import PublicOrder
    from chalicelib.services.equivalence import credential

    ratelimit.limit(call, "equivalence-order", per_minute=30)
    status, proved = credential.verify_share(code[:80])
    claims = None if proved is None else {**proved.disclosed, **_clear(proved.payload)}
    if public_page.wants_html(call):
        rows = [
            ({"ar": name, "fr": name}, value if isinstance(value, str) else _flat(value))
            for name, value in (claims or {}).items()
        ]
        page = public_page.render(
            title={"ar": "التحقق من قرار معادلة", "fr": "Vérification d'un arrêté d'équivalence"},
            status=status,
            status_label=ORDER_LABELS[status],
            rows=rows,
        )
        return public_page.reply(page)
    out = PublicOrder(
        status=status,
        checked_at=clock.now(),
        verified=proved is not None,
        issuer=None if proved is None else str(proved.payload.get("iss", "")),
        claims=claims,
        disclosed=None if proved is None else sorted(proved.disclosed),
        presentation=None if proved is None else credential.presented(code),
    )
    return Reply(out.model_dump(mode="json"), headers={"Vary": "Accept"})


def _clear(payload: dict[str, object]) -> dict[str, object]:
    return {k: payload[k] for k in ("decision_date", "track") if k in payload}


def _flat(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
