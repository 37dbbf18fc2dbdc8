"""The baccalaureate's answers shaped for the API (imported by the views that use them:
it loads pydantic, which the cold start does without)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.api.routes import case_views
from chalicelib.api.routes.case_schemas import CaseList, CaseView
from chalicelib.api.routing import Call
from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import Candidate
from chalicelib.services.bac.schemas import (
    CandidateView,
    CaseRef,
    ComponentView,
    GradingRuleView,
    MarkView,
    PublicCertificate,
    ResultsView,
    ShareView,
    Upload,
    VerificationOut,
)
from chalicelib.store.bac.certificates import Certificate, Share
from chalicelib.store.bac.sessions import StoredResult
from chalicelib.workflow import registry
from chalicelib.workflow.case import Case

if TYPE_CHECKING:
    from chalicelib.services.bac.service import Verification

STATUS_LABELS = {
    "valid": {"ar": "شهادة صالحة", "fr": "Certificat valide"},
    "expired": {"ar": "انتهت صلاحية الرابط", "fr": "Lien expiré"},
    "revoked": {"ar": "شهادة أو رابط ملغى", "fr": "Certificat ou lien révoqué"},
    "replaced": {"ar": "شهادة عوضت بأخرى", "fr": "Certificat remplacé"},
    "unknown": {"ar": "رمز غير معروف", "fr": "Code inconnu"},
}
NOTES = {
    "valid": {
        "ar": "هذه المعطيات موقعة من طرف الوزارة؛ يمكن التحقق من التوقيع بالمفتاح المنشور.",
        "fr": "Ces données sont signées par le ministère ; la signature se vérifie avec la "
        "clé publiée (/.well-known/jwks.json).",
    },
    "expired": {
        "ar": "اطلبوا من صاحب الشهادة رابطا جديدا.",
        "fr": "Demandez un nouveau lien au titulaire du certificat.",
    },
    "revoked": {
        "ar": "ألغي هذا الرابط أو عوضت الشهادة بأخرى؛ اطلبوا رابطا جديدا من صاحبها.",
        "fr": "Ce lien a été révoqué ou le certificat remplacé ; demandez un nouveau lien à "
        "son titulaire.",
    },
    "replaced": {
        "ar": "عوضت هذه الشهادة بشهادة جديدة بعد تصحيح معطياتها أو نقطها؛ اطلبوا من صاحبها "
        "رابط الشهادة الجديدة.",
        "fr": "Ce certificat a été remplacé par un nouveau après une correction de ses données "
        "ou de ses notes ; demandez le lien du nouveau certificat à son titulaire.",
    },
    "unknown": {
        "ar": "لا توجد أي شهادة بهذا الرمز.",
        "fr": "Aucun certificat ne correspond à ce code.",
    },
}


def candidate(c: Candidate) -> CandidateView:
    return CandidateView(
        session=c.year,
        candidate_number=c.candidate_number,
        first_name_ar=c.first_name_ar,
        last_name_ar=c.last_name_ar,
        first_name_fr=c.first_name_fr,
        last_name_fr=c.last_name_fr,
        birth_date=c.birth_date,
        birth_place_ar=c.birth_place_ar,
        birth_place_fr=c.birth_place_fr,
        cnie=c.cnie,
        academy=c.academy,
        school=c.school,
        stream=c.stream,
        exam_centre=c.exam_centre,
        data_status=c.data_status,
    )


def _ref(case: Case) -> CaseRef:
    return CaseRef(id=case.id, reference=case.reference, state=case.state)


def verification(done: Verification) -> dict[str, Any]:
    upload = None
    if done.upload is not None:
        document, post = done.upload
        upload = Upload(
            document_id=document.id, url=post.url, fields=post.fields, expires_at=post.expires_at
        )
    out = VerificationOut(
        data_status=done.data_status,
        case=_ref(done.case) if done.case else None,
        upload=upload,
    )
    return out.model_dump(mode="json")


def case_out(case: Case) -> dict[str, Any]:
    return {
        "case": _ref(case).model_dump(mode="json"),
        "documents": f"Attach them with POST /cases/{case.id}/documents; follow the case at "
        f"GET /cases/{case.id}.",
    }


def results(result: StoredResult, visible: bool) -> ResultsView:
    if not visible:
        # Before the moment: nothing of the result, not even whether it exists yet.
        return ResultsView(session=result.year, published=False)
    from chalicelib.services.bac.domain import grading

    weights = domain.STREAMS[result.stream]
    rule = grading.rule_for(result.year)
    shares = rule.weights_of(result.stream)
    return ResultsView(
        session=result.year,
        published=True,
        visible_from=result.visible_from,
        candidate_number=result.candidate_number,
        stream=result.stream,
        marks=[
            MarkView(subject=s, coefficient=weights[s], mark=m) for s, m in result.marks.items()
        ],
        components=[
            ComponentView(component=c, weight=shares[c], average=result.components[c])
            for c in grading.COMPONENTS
            if c in result.components
        ],
        rule=GradingRuleView(
            applies_from_session=rule.since,
            weights=dict(shares),
            pass_mark=rule.pass_mark,
            resit_from=rule.resit_from,
            source=rule.source,
            note=rule.note,
        ),
        average=result.average,
        mention=result.mention or None,
        outcome=result.outcome,
        complaint_until=result.complaint_until,
    )


def verification_link(code: str) -> str:
    """The public page that checks a certificate: printed in its PDF and QR code, handed out
    in shares. From the configured public base URL, never from the request's Host header,
    which a caller chooses (a forged host would print someone else's site on a certificate)."""
    from chalicelib import links

    return links.url(links.path("public", "certificates", code))


def share(s: Share, status: str) -> ShareView:
    return ShareView(
        id=s.share_id,
        label=s.label,
        code=s.code,
        link=verification_link(s.code),
        created_at=s.created_at,
        expires_at=s.expires_at,
        status=status,
        verified_count=s.verified_count,
        verified_at=[datetime.fromisoformat(t) for t in s.verified_times],
        claims=s.disclosed,
    )


def shares(found: list[tuple[Share, str]]) -> list[ShareView]:
    return [share(s, status) for s, status in found]


def certificate(cert: Certificate, link: str, listed: list[ShareView]) -> dict[str, Any]:
    return {
        "certificate_id": cert.certificate_id,
        "status": cert.status,
        "issued_at": cert.issued_at.isoformat(),
        "jws": cert.jws,
        "claims": cert.claims,
        "verification_link": link,
        "shares": [s.model_dump(mode="json") for s in listed],
    }


@dataclass(frozen=True)
class Shown:
    """What a verification shows: the claims, and for a share what its presentation proves."""

    status: str
    claims: dict[str, Any] | None
    jws: str | None = None
    verified: bool | None = None
    issuer: str | None = None
    disclosed: list[str] | None = None
    presentation: str | None = None
    certificate_id: str | None = None  # shown for the certificate's own code only


def shown(status: str, cert: Certificate | None, share: Share | None) -> Shown:
    """A certificate's own code shows everything; a share only the claims it names, plus
    the session, the issuer and the status, checked from its SD-JWT presentation as any
    verifier would: never the certificate's id (its code) nor its JWS, which carries it."""
    if cert is None:
        return Shown(status, None)
    if share is None:
        return Shown(status, cert.claims, cert.jws, certificate_id=cert.certificate_id)
    if not share.presentation:  # a share of before: every claim, still not the code
        return Shown(status, {k: v for k, v in cert.claims.items() if k != "jti"})
    from chalicelib.credentials import issuance

    try:
        proved, bit = issuance.verify(share.presentation, int(cert.issued_at.timestamp()))
    except ValueError:
        return Shown("revoked", None, verified=False)
    if bit != "valid":
        return Shown("revoked", None, verified=False)
    claims = {"session": proved.payload.get("session"), **proved.disclosed}
    return Shown(
        status,
        claims,
        verified=True,
        issuer=str(proved.payload.get("iss", "")),
        disclosed=sorted(proved.disclosed),
        presentation=share.presentation,
    )


def public(status: str, cert: Certificate | None, share: Share | None = None) -> dict[str, Any]:

    seen = shown(status, cert, share)
    return PublicCertificate(
        status=seen.status,
        checked_at=clock.now(),
        certificate=seen.claims,
        jws=seen.jws,
        verified=seen.verified,
        issuer=seen.issuer,
        disclosed=seen.disclosed,
        presentation=seen.presentation,
    ).model_dump(mode="json")


def _rows(claims: dict[str, Any], certificate_id: str | None) -> list[tuple[dict[str, str], str]]:
    """The page's lines, for the claims there are (a share shows only its own)."""
    rows: list[tuple[dict[str, str], str]] = []
    if "names" in claims:
        names = claims["names"]
        rows.append(({"ar": "الاسم", "fr": "Nom"}, f"{names['fr']} — {names['ar']}"))
    if "cnie" in claims:
        rows.append(({"ar": "رقم البطاقة الوطنية", "fr": "N° CNIe"}, str(claims["cnie"])))
    if "birth_date" in claims or "birth_place" in claims:
        places = claims.get("birth_place") or {"fr": "", "ar": ""}
        born = f"{claims.get('birth_date', '')} — {places['fr']} / {places['ar']}"
        rows.append(({"ar": "تاريخ ومكان الازدياد", "fr": "Naissance"}, born.strip(" —/")))
    rows.append(({"ar": "الدورة", "fr": "Session"}, str(claims.get("session", ""))))
    if "stream" in claims:
        stream_fr, stream_ar = domain.STREAM_TITLES.get(str(claims["stream"]), ("", ""))
        rows.append(({"ar": "الشعبة", "fr": "Filière"}, f"{stream_fr} — {stream_ar}"))
    if "outcome" in claims:
        admitted = claims["outcome"] == "admitted"
        rows.append(({"ar": "النتيجة", "fr": "Résultat"}, "Admis — ناجح" if admitted else "—"))
    if "average" in claims:
        rows.append(({"ar": "المعدل", "fr": "Moyenne"}, f"{claims['average']} / 20"))
    if "mention" in claims:
        mention_fr, mention_ar = domain.MENTION_TITLES.get(str(claims["mention"]), ("", ""))
        rows.append(({"ar": "الميزة", "fr": "Mention"}, f"{mention_fr} — {mention_ar}"))
    if "marks" in claims:
        marks = ", ".join(f"{k} {v}" for k, v in dict(claims["marks"]).items())
        rows.append(({"ar": "النقط", "fr": "Notes"}, marks))
    if certificate_id:
        rows.append(({"ar": "رقم الشهادة", "fr": "N° du certificat"}, certificate_id))
    return rows


def public_page(status: str, cert: Certificate | None, share: Share | None = None) -> str:
    from chalicelib.api import public_page as page

    seen = shown(status, cert, share)
    status = seen.status
    rows = _rows(seen.claims, seen.certificate_id) if seen.claims is not None else []
    return page.render(
        title={
            "ar": "التحقق من شهادة البكالوريا",
            "fr": "Vérification d'un certificat du baccalauréat",
        },
        status=status,
        status_label=STATUS_LABELS[status],
        rows=rows,
        note=NOTES[status],
    )


def queue(
    call: Call, case_type: str, state: str, limit: int | None, cursor: str | None
) -> CaseList:
    from chalicelib.api.pagination import clamp_limit, decode_cursor, encode_cursor
    from chalicelib.services.bac import decisions
    from chalicelib.store.secrets import cursor_key

    machine = registry.machine_for(case_type)
    state = state or machine.initial.name
    scope = f"bac-queue:{call.user.office}:{case_type}:{state}"
    page = decisions.queue(
        call.user,
        case_type,
        state,
        clamp_limit(limit),
        decode_cursor(cursor_key(), scope, cursor),
        call.correlation_id,
    )
    return CaseList(
        items=[case_views.summary(machine, c) for c in page.cases],
        next=encode_cursor(cursor_key(), scope, page.last_key),
    )


def case_view(case: Case, call: Call) -> CaseView:

    machine = registry.machine_for(case.case_type)
    return case_views.full(machine, case, [], call.user, clock.now())
