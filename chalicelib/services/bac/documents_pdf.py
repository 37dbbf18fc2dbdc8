"""The convocation and the certificate as PDFs in French and Arabic. Import this module only
when a PDF is asked for: it loads fpdf2 and HarfBuzz."""

from __future__ import annotations

from datetime import date

from chalicelib.documents.pdf.page import BilingualPage
from chalicelib.services.bac import domain
from chalicelib.services.bac.domain import Candidate, data_check
from chalicelib.store.bac.certificates import Certificate
from chalicelib.store.bac.sessions import Session

LETTERHEAD_FR = ["Royaume du Maroc", "Ministère de l'Éducation nationale — Examen du baccalauréat"]
LETTERHEAD_AR = ["المملكة المغربية", "وزارة التربية الوطنية — امتحان البكالوريا"]


def _identity(page: BilingualPage, c: Candidate) -> None:
    page.pair(
        f"Nom : {c.last_name_fr} {c.first_name_fr}",
        f"الاسم: {c.first_name_ar} {c.last_name_ar}",
        bold=True,
    )
    page.pair(
        f"Né(e) le {c.birth_date.isoformat()} à {c.birth_place_fr}",
        f"تاريخ ومكان الازدياد: {c.birth_date.isoformat()} ب{c.birth_place_ar}",
    )
    stream_fr, stream_ar = domain.STREAM_TITLES[c.stream]
    page.pair(f"Filière : {stream_fr}", f"الشعبة: {stream_ar}")
    page.pair(f"Numéro d'examen : {c.candidate_number}", f"رقم الامتحان: {c.candidate_number}")


def convocation(c: Candidate, session: Session | None) -> bytes:
    page = BilingualPage(title=f"Convocation {c.year} {c.candidate_number}")
    page.letterhead(LETTERHEAD_FR, LETTERHEAD_AR)
    page.pair(f"Convocation — session {c.year}", f"استدعاء — دورة {c.year}", size=18, bold=True)
    _identity(page, c)
    page.pair(f"Centre d'examen : {c.exam_centre}", f"مركز الامتحان: {c.exam_centre}", bold=True)
    page.pair(f"Académie : {c.academy}", f"الأكاديمية: {c.academy}")
    page.heading("Calendrier des épreuves", "جدولة الاختبارات")
    start = date.fromisoformat(session.exam_start) if session and session.exam_start else None
    rows = []
    for day, time, subject in data_check.schedule(c.stream, start):
        fr, ar = domain.SUBJECT_TITLES.get(subject, (subject, subject))
        rows.append([day.isoformat() if day else "—", time, f"{fr}\n{ar}"])
    page.table([("Jour", "اليوم"), ("Heure", "الساعة"), ("Épreuve", "المادة")], rows, (40, 30, 110))
    page.pair(
        "Présentez-vous 30 minutes avant chaque épreuve avec cette convocation et votre CNIe.",
        "يرجى الحضور 30 دقيقة قبل كل اختبار مصحوبين بهذا الاستدعاء وبطاقتكم الوطنية.",
        size=9,
    )
    return page.output()


def certificate(c: Candidate, cert: Certificate, link: str) -> bytes:
    claims = cert.claims
    page = BilingualPage(title=f"Certificat du baccalauréat {c.year}")
    page.letterhead(LETTERHEAD_FR, LETTERHEAD_AR)
    page.pair(
        "Certificat de réussite au baccalauréat", "شهادة النجاح في البكالوريا", size=18, bold=True
    )
    page.pair(f"Session {claims['session']}", f"دورة {claims['session']}")
    _identity(page, c)
    page.pair(f"CNIe : {claims['cnie']}", f"رقم البطاقة الوطنية: {claims['cnie']}")
    mention_fr, mention_ar = domain.MENTION_TITLES.get(str(claims["mention"]), ("", ""))
    page.pair(
        f"Moyenne générale : {claims['average']} / 20 — mention {mention_fr}",
        f"المعدل العام: {claims['average']} / 20 — ميزة {mention_ar}",
        bold=True,
    )
    page.space(2)
    page.pair(
        "Ce certificat est signé électroniquement ; scannez le code pour le vérifier.",
        "هذه الشهادة موقعة إلكترونيا؛ امسحوا الرمز للتحقق منها.",
        size=9,
    )
    page.closing(
        link,
        [
            ("Vérification  ·  التحقق", 10, True),
            (link, 8, False),
            (f"Certificat n° {cert.certificate_id}", 8, False),
        ],
    )
    return page.output()
