"""Reference data of consular appointments: the consulates and the services they offer.

Pure data (no AWS): the eTimbre service imports it to validate consulate and service codes.
Addresses are demo data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.workflow.machine import JPEG, PNG, DocumentRule


@dataclass(frozen=True)
class Consulate:
    code: str  # COUNTRY-CITY, e.g. FR-PAR
    names: Mapping[str, str]  # ar, fr
    country: str  # ISO 3166-1 alpha-2
    city: str
    time_zone: str  # IANA, slots are derived in it
    address: str
    services: tuple[str, ...]  # codes of SERVICES offered there


@dataclass(frozen=True)
class Service:
    code: str
    names: Mapping[str, str]  # ar, fr, en
    slot_minutes: int
    documents: tuple[DocumentRule, ...]
    cancellation_cutoff_hours: int  # no cancellation or rebooking closer than this
    description: Mapping[str, str] = field(default_factory=dict)

    @property
    def document_kinds(self) -> tuple[str, ...]:
        return tuple(rule.kind for rule in self.documents)


def _doc(kind: str, ar: str, fr: str, en: str, *, required: bool = True) -> DocumentRule:
    return DocumentRule(kind, required=required, titles={"ar": ar, "fr": fr, "en": en})


_PHOTO = DocumentRule(
    "photo",
    max_bytes=2 * 1024 * 1024,
    content_types=(JPEG, PNG),
    titles={"ar": "صورة شمسية حديثة", "fr": "Photo d'identité récente", "en": "Recent ID photo"},
)
_ID = _doc("id_copy", "نسخة من البطاقة الوطنية", "Copie de la CNIe", "Copy of the national ID card")
_RESIDENCE = _doc(
    "proof_of_residence", "إثبات الإقامة", "Justificatif de résidence", "Proof of residence"
)
_BIRTH = _doc(
    "birth_certificate",
    "نسخة كاملة من رسم الولادة",
    "Copie intégrale d'acte de naissance",
    "Full birth certificate",
)

SERVICES: tuple[Service, ...] = (
    Service(
        "passport",
        {"ar": "جواز السفر البيومتري", "fr": "Passeport biométrique", "en": "Biometric passport"},
        15,
        (
            _ID,
            _PHOTO,
            _RESIDENCE,
            _doc(
                "old_passport",
                "جواز السفر القديم",
                "Ancien passeport",
                "Previous passport",
                required=False,
            ),
        ),
        24,
    ),
    Service(
        "cnie",
        {
            "ar": "البطاقة الوطنية للتعريف الإلكترونية",
            "fr": "Carte nationale d'identité électronique",
            "en": "Electronic national ID card",
        },
        20,
        (_BIRTH, _PHOTO, _RESIDENCE),
        24,
    ),
    Service(
        "civil_status",
        {"ar": "الحالة المدنية", "fr": "État civil", "en": "Civil status"},
        15,
        (
            _ID,
            _doc("family_book", "الدفتر العائلي", "Livret de famille", "Family book"),
            _doc(
                "declaration",
                "التصريح بالواقعة",
                "Déclaration de l'événement",
                "Declaration of the event",
            ),
        ),
        12,
    ),
    Service(
        "legalisation",
        {"ar": "المصادقة على الإمضاء", "fr": "Légalisation", "en": "Legalisation"},
        10,
        (
            _ID,
            _doc(
                "document",
                "الوثيقة المراد المصادقة عليها",
                "Document à légaliser",
                "Document to legalise",
                required=True,
            ),
        ),
        6,
    ),
    Service(
        "registration",
        {
            "ar": "التسجيل القنصلي",
            "fr": "Immatriculation consulaire",
            "en": "Consular registration",
        },
        15,
        (_ID, _PHOTO, _RESIDENCE),
        12,
    ),
    Service(
        "power_of_attorney",
        {"ar": "الوكالة", "fr": "Procuration", "en": "Power of attorney"},
        20,
        (
            _ID,
            _doc("draft_deed", "مشروع الوكالة", "Projet de procuration", "Draft deed"),
            _doc(
                "attorney_id_copy",
                "نسخة من بطاقة الوكيل",
                "Copie de la pièce du mandataire",
                "Copy of the attorney's ID",
            ),
        ),
        24,
    ),
    Service(
        "nationality_certificate",
        {"ar": "شهادة الجنسية", "fr": "Certificat de nationalité", "en": "Nationality certificate"},
        15,
        (
            _ID,
            _BIRTH,
            _doc(
                "father_id_copy",
                "نسخة من بطاقة الأب",
                "Copie de la CNIe du père",
                "Copy of the father's ID",
            ),
        ),
        24,
    ),
)

_ALL = tuple(s.code for s in SERVICES)
_CORE = ("passport", "cnie", "civil_status", "legalisation", "registration", "power_of_attorney")


def _c(
    code: str, ar: str, fr: str, tz: str, city: str, address: str, services: tuple[str, ...] = _ALL
) -> Consulate:
    return Consulate(code, {"ar": ar, "fr": fr}, code[:2], city, tz, address, services)


CONSULATES: tuple[Consulate, ...] = (
    _c(
        "FR-PAR",
        "القنصلية العامة للمملكة المغربية بباريس",
        "Consulat général du Royaume du Maroc à Paris",
        "Europe/Paris",
        "Paris",
        "12 rue de la Saïda, 75015 Paris",
    ),
    _c(
        "FR-LYO",
        "القنصلية العامة للمملكة المغربية بليون",
        "Consulat général du Royaume du Maroc à Lyon",
        "Europe/Paris",
        "Lyon",
        "90 rue Masséna, 69006 Lyon",
        _CORE,
    ),
    _c(
        "ES-MAD",
        "القنصلية العامة للمملكة المغربية بمدريد",
        "Consulat général du Royaume du Maroc à Madrid",
        "Europe/Madrid",
        "Madrid",
        "Calle Leizarán 31, 28002 Madrid",
    ),
    _c(
        "IT-MIL",
        "القنصلية العامة للمملكة المغربية بميلانو",
        "Consulat général du Royaume du Maroc à Milan",
        "Europe/Rome",
        "Milano",
        "Via Cavalcanti 9, 20127 Milano",
        _CORE,
    ),
    _c(
        "BE-BRU",
        "القنصلية العامة للمملكة المغربية ببروكسيل",
        "Consulat général du Royaume du Maroc à Bruxelles",
        "Europe/Brussels",
        "Bruxelles",
        "Rue de la Loi 11, 1000 Bruxelles",
    ),
    _c(
        "NL-AMS",
        "القنصلية العامة للمملكة المغربية بأمستردام",
        "Consulat général du Royaume du Maroc à Amsterdam",
        "Europe/Amsterdam",
        "Amsterdam",
        "Jan van Galenstraat 6, 1051 KM Amsterdam",
        _CORE,
    ),
    _c(
        "DE-DUS",
        "القنصلية العامة للمملكة المغربية بدوسلدورف",
        "Consulat général du Royaume du Maroc à Düsseldorf",
        "Europe/Berlin",
        "Düsseldorf",
        "Cecilienallee 14, 40474 Düsseldorf",
        _CORE,
    ),
    _c(
        "SN-DKR",
        "القنصلية العامة للمملكة المغربية بداكار",
        "Consulat général du Royaume du Maroc à Dakar",
        "Africa/Dakar",
        "Dakar",
        "Avenue Cheikh Anta Diop, Dakar",
        ("passport", "cnie", "civil_status", "legalisation", "registration"),
    ),
    _c(
        "CI-ABJ",
        "القنصلية العامة للمملكة المغربية بأبيدجان",
        "Consulat général du Royaume du Maroc à Abidjan",
        "Africa/Abidjan",
        "Abidjan",
        "Rue des Jardins, Cocody, Abidjan",
        ("passport", "cnie", "civil_status", "legalisation", "registration"),
    ),
    _c(
        "US-NYC",
        "القنصلية العامة للمملكة المغربية بنيويورك",
        "Consulat général du Royaume du Maroc à New York",
        "America/New_York",
        "New York",
        "10 East 40th Street, New York, NY 10016",
    ),
    _c(
        "CA-MTL",
        "القنصلية العامة للمملكة المغربية بمونتريال",
        "Consulat général du Royaume du Maroc à Montréal",
        "America/Toronto",
        "Montréal",
        "2192 boulevard René-Lévesque Ouest, Montréal QC H3H 1R6",
    ),
    _c(
        "AE-DXB",
        "القنصلية العامة للمملكة المغربية بدبي",
        "Consulat général du Royaume du Maroc à Dubaï",
        "Asia/Dubai",
        "Dubai",
        "Al Hudaiba Road, Jumeirah 1, Dubai",
        _CORE,
    ),
    _c(
        "SA-JED",
        "القنصلية العامة للمملكة المغربية بجدة",
        "Consulat général du Royaume du Maroc à Djeddah",
        "Asia/Riyadh",
        "Jeddah",
        "Al Rawdah District, Jeddah",
        _CORE,
    ),
)

# Who a guardian may file for (decision 39), and the document that proves the tie: the
# consulate checks it before validating, like every other document of the checklist.
RELATIONS: Mapping[str, DocumentRule] = {
    "child": _doc(
        "birth_certificate",
        "نسخة كاملة من رسم ولادة القاصر",
        "Copie intégrale de l'acte de naissance du mineur",
        "Full birth certificate of the minor",
    ),
    "ward": _doc(
        "guardianship_deed",
        "عقد الكفالة أو حكم التقديم",
        "Acte de kafala ou jugement de tutelle",
        "Kafala deed or guardianship judgment",
    ),
}
AGE_OF_MAJORITY = 18  # Moudawana, art. 209: a person of 18 files their own request

_CONSULATES = {c.code: c for c in CONSULATES}
_SERVICES = {s.code: s for s in SERVICES}


def consulate(code: str) -> Consulate | None:
    return _CONSULATES.get(code)


def service(code: str) -> Service | None:
    return _SERVICES.get(code)


def offers(consulate_code: str, service_code: str) -> bool:
    found = consulate(consulate_code)
    return found is not None and service_code in found.services
