"""How stamps, fees and reconciliations are shown: JSON models, the receipt PDF, the public
page and the CSV. Imported by the routes inside their view functions (pydantic, fpdf2)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib import clock
from chalicelib.services.etimbre import domain
from chalicelib.services.etimbre import fees as fee_table
from chalicelib.services.etimbre.domain import Stamp
from chalicelib.services.etimbre.schemas import (
    FeeList,
    FeeVersion,
    FeeView,
    PublicStamp,
    Reconciliation,
    SettlementReport,
    StampView,
    TotalRow,
)

SERVICE_NAMES = {  # (fr, ar) for the receipt and the public page
    "passport": ("Passeport biométrique", "جواز السفر البيومتري"),
    "cnie": ("Carte nationale d'identité électronique", "البطاقة الوطنية للتعريف الإلكترونية"),
    "civil_status": ("Acte d'état civil", "وثيقة الحالة المدنية"),
    "legalisation": ("Légalisation", "تصحيح الإمضاء"),
    "registration": ("Immatriculation consulaire", "التسجيل القنصلي"),
    "power_of_attorney": ("Procuration", "الوكالة"),
    "nationality_certificate": ("Certificat de nationalité", "شهادة الجنسية"),
}


def fees(consulate: str = "") -> FeeList:
    """The fees in force; at ``consulate``, those of the services it offers, at its amounts."""
    from chalicelib import consulates

    at = clock.now()
    items = []
    for code in fee_table.SERVICES:
        current = fee_table.current_fee(code, at, consulate)
        if current is None or (consulate and not consulates.offers(consulate, code)):
            continue
        items.append(
            FeeView(
                service=code,
                consulate=current.consulate or None,
                amount=current.amount,
                currency=current.currency,
                legal_reference=current.legal_reference,
                source=current.source,
                valid_from=current.valid_from,
                valid_until=current.valid_until,
                history=[
                    FeeVersion(
                        amount=v.amount,
                        currency=v.currency,
                        legal_reference=v.legal_reference,
                        source=v.source,
                        valid_from=v.valid_from,
                        valid_until=v.valid_until,
                    )
                    for v in fee_table.history(code, consulate)
                ],
            )
        )
    return FeeList(items=items)


def stamp(s: Stamp) -> StampView:
    return StampView(
        id=s.stamp_id,
        number=s.number or None,
        state=s.state,  # type: ignore[arg-type]
        service=s.service,
        consulate=s.consulate,
        channel=s.channel,
        amount=s.amount,
        currency=s.currency,
        legal_reference=s.fee_reference,
        created_at=s.created_at,
        payment_deadline=s.payment_deadline,
        paid_at=s.paid_at,
        used_at=s.used_at,
        used_consulate=s.used_consulate or None,
        refunded_at=s.refunded_at,
        expired_at=s.expired_at,
        refund_asked_at=s.refund_asked_at if s.state == domain.PAID else None,
        refund_asked_reason=(s.refund_asked_reason or None) if s.refund_asked_at else None,
        refund_refused_reason=s.refund_refused_reason or None,
        pay_url=s.pay_url if s.state == domain.PENDING else None,
        receipt=f"/etimbre/stamps/{s.number}" if s.number else None,
        verification=f"/public/stamps/{s.number}" if s.number else None,
    )


def public(number: str, status: str, s: Stamp | None) -> PublicStamp:
    """Nothing about who bought it: the service and the amount only."""
    if s is None:
        return PublicStamp(number=number, status="unknown")
    return PublicStamp(
        number=number,
        status=status,  # type: ignore[arg-type]
        service=s.service,
        amount=s.amount,
        currency=s.currency,
    )


STATUS_LABELS = {
    "valid": {"ar": "طابع صالح", "fr": "Timbre valide"},
    "used": {"ar": "طابع مستعمل", "fr": "Timbre déjà utilisé"},
    "refunded": {"ar": "طابع مسترجع المبلغ", "fr": "Timbre remboursé"},
    "expired": {"ar": "طابع منتهي الصلاحية", "fr": "Timbre expiré"},
    "unknown": {"ar": "رقم غير معروف", "fr": "Numéro inconnu"},
}


def public_page(number: str, status: str, s: Stamp | None) -> str:
    from chalicelib.api.public_page import render

    rows: list[tuple[dict[str, str], str]] = [({"ar": "رقم الطابع", "fr": "Numéro"}, number)]
    if s is not None:
        fr, ar = SERVICE_NAMES.get(s.service, (s.service, s.service))
        rows.append(({"ar": "الخدمة", "fr": "Service"}, f"{fr} — {ar}"))
        rows.append(({"ar": "المبلغ", "fr": "Montant"}, f"{s.amount} {s.currency}"))
    return render(
        title={"ar": "التحقق من الطابع الإلكتروني", "fr": "Vérification d'un timbre électronique"},
        status=status,
        status_label=STATUS_LABELS[status],
        rows=rows,
        note={
            "ar": "لا تعرض هذه الصفحة أي معطيات شخصية.",
            "fr": "Cette page n'affiche aucune donnée personnelle.",
        },
    )


def receipt_pdf(s: Stamp) -> bytes:
    """The receipt in French and Arabic, with a QR code of the public check."""
    from chalicelib.documents.pdf.page import BilingualPage

    if not s.number:
        from chalicelib.refusals import Refusal

        raise Refusal("conflict", "A receipt exists once the stamp is paid.")
    fr, ar = SERVICE_NAMES.get(s.service, (s.service, s.service))
    page = BilingualPage(title=f"Timbre électronique {s.number}")
    page.letterhead(
        ["Royaume du Maroc", "Ministère des Affaires étrangères", "eTimbre — droits consulaires"],
        ["المملكة المغربية", "وزارة الشؤون الخارجية", "الطابع الإلكتروني — الرسوم القنصلية"],
    )
    page.pair("Reçu de paiement", "وصل الأداء", size=20, bold=True)
    page.space(3)
    page.pair(f"Timbre n° {s.number}", f"الطابع رقم {s.number}", bold=True)
    page.pair(f"Service : {fr}", f"الخدمة: {ar}")
    page.pair(f"Consulat : {s.consulate}", f"القنصلية: {s.consulate}")
    page.pair(f"Montant : {s.amount} {s.currency}", f"المبلغ: {s.amount} {s.currency}")
    paid = s.paid_at.strftime("%Y-%m-%d %H:%M UTC") if s.paid_at else "—"
    page.pair(f"Payé le {paid}", f"أدي بتاريخ {paid}")
    state_fr, state_ar = {
        domain.PAID: ("valide", "صالح"),
        domain.USED: ("utilisé", "مستعمل"),
        domain.REFUNDED: ("remboursé", "مسترجع"),
        domain.REFUND_PENDING: ("remboursement en cours", "في طور الاسترجاع"),
    }.get(s.state, (s.state, s.state))
    page.pair(f"État : {state_fr}", f"الحالة: {state_ar}")
    unverified = s.fee_reference == fee_table.UNVERIFIED_REFERENCE
    basis_ar = "السند القانوني: غير مؤكد (مبلغ تجريبي)" if unverified else "السند القانوني"
    page.pair(f"Base légale : {s.fee_reference}", basis_ar, size=9)
    from chalicelib import links

    check = links.url(links.path("public", "stamps", s.number))  # a phone scans it: absolute
    page.closing(
        check,
        [
            ("Vérification  ·  التحقق", 10, True),
            (check, 9, False),
            ("Ce reçu ne contient aucune donnée personnelle.", 8, False),
            ("لا يتضمن هذا الوصل أي معطيات شخصية.", 8, False),
        ],
    )
    return page.output()


def reconciliation(
    day: date, consulate: str | None, rows: list[Any], flags: list[dict[str, Any]]
) -> Reconciliation:
    money_taken = {domain.PAID, domain.USED, domain.REFUNDED}
    return Reconciliation(
        date=day,
        consulate=consulate,
        rows=[TotalRow(**vars(r)) for r in rows],
        total_paid=sum((r.amount for r in rows if r.state in money_taken), Decimal("0.00")),
        total_refunded=sum((r.amount for r in rows if r.state == domain.REFUNDED), Decimal("0.00")),
        flags=[{k: str(v) for k, v in f.items()} for f in flags],
    )


def csv_of(report: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["date", "consulate", "service", "channel", "state", "count", "amount", "currency"]
    )
    for r in report.rows:
        writer.writerow(
            [report.date, r.consulate, r.service, r.channel, r.state, r.count, r.amount, "MAD"]
        )
    return out.getvalue()


def settlement(day: date, key: str, result: domain.Matching) -> SettlementReport:
    return SettlementReport(
        date=day,
        key=key,
        matched=result.matched,
        missing_ours=result.count("missing_ours"),
        missing_gateway=result.count("missing_gateway"),
        amount_mismatch=result.count("amount_mismatch"),
        mismatches=result.problems,
    )
