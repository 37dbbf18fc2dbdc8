"""GET /cases/{case_id}/receipt: the filing receipt, as JSON or as a PDF in Arabic and
French (``Accept: application/pdf``), for the case's owner and the staff of its office."""

from __future__ import annotations

from chalice import Blueprint  # type: ignore[attr-defined]

from chalicelib.api import negotiation
from chalicelib.api.access import allow
from chalicelib.api.routing import JSON, Call, Reply, route
from chalicelib.identity import CASE_STAFF_ROLES, CITIZEN
from chalicelib.refusals import Refusal

PDF = "application/pdf"
OFFERED = (JSON, PDF)
# The answer depends on Accept: a cache must not hand the PDF to a client that asked for JSON.
VARY = {"Vary": "Accept"}

receipts = Blueprint(__name__)


@route(
    receipts,
    "GET",
    "/cases/{case_id}/receipt",
    summary="The filing receipt: JSON, or a PDF in Arabic and French with Accept",
    access=allow(CITIZEN, *CASE_STAFF_ROLES),
    tags=("cases",),
    response="chalicelib.documents.receipt:Receipt",
    alternates=(PDF,),
    errors=(406, 409),
)
def get_receipt(call: Call, case_id: str) -> Reply:
    media_type = negotiation.choose(call.header("accept"), OFFERED)
    if media_type is None:
        raise Refusal("not-acceptable", f"This receipt is served as {' or '.join(OFFERED)}.")
    from chalicelib.documents import receipt  # its models load pydantic: not at import
    from chalicelib.workflow import access, lifecycle, registry

    # The history says when the case was filed; the same single Query as GET /cases/{id}.
    found, history = lifecycle.find_with_history(case_id)
    case = access.checked(call.user, found, "GET /cases/{id}/receipt", call.correlation_id)
    try:
        content = receipt.build(case, registry.machine_for(case.case_type), history)
    except receipt.NotFiled as error:
        raise Refusal("conflict", "The case has not been filed yet: submit it first.") from error
    if media_type == PDF:
        from chalicelib.documents import receipt_pdf  # deferred: loads fpdf2 and HarfBuzz

        disposition = f'inline; filename="receipt-{case.reference}.pdf"'
        headers = {**VARY, "Content-Disposition": disposition}
        return Reply(receipt_pdf.render(content), headers=headers, media_type=PDF)
    return Reply(content.model_dump(mode="json"), headers=dict(VARY))
