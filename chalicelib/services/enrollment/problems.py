"""This service's own problems. ``enrollment-rule-violated`` is a request of the right shape
(its schema says valid) that a rule the schema cannot state refuses: the Hijri and Gregorian
birth dates disagree, a date lies in the future, a sibling is of school age, a phone is not
in Morocco's numbering plan, the school is unknown or does not take the level. Its name is
prefixed so that no other service's slug can clash with it. ``enrollment-reason-contradicted``
is a director's rejection whose ground the request's own facts deny (under age, of a child
the age rule admits; outside the sector, of an address in it)."""

from __future__ import annotations

from chalicelib import refusals
from chalicelib.refusals import Kind

refusals.register(
    {
        "enrollment-not-the-guardian": (
            Kind.RULE_BROKEN,
            {
                "ar": "ولي الأمر المذكور في الطلب ليس صاحب الحساب",
                "fr": "Le responsable désigné dans la demande n'est pas la personne connectée",
                "en": "The guardian named in the request is not the signed-in person",
            },
        ),
        "enrollment-rule-violated": (
            Kind.RULE_BROKEN,
            {
                "ar": "الطلب لا يستوفي شروط التسجيل القبلي",
                "fr": "La demande ne respecte pas les règles de la préinscription",
                "en": "The request breaks a pre-registration rule",
            },
        ),
        "under-school-age": (
            Kind.RULE_BROKEN,
            {
                "ar": "لم يبلغ الطفل سن التمدرس",
                "fr": "L'enfant n'a pas l'âge de scolarisation",
                "en": "The child is under school age",
            },
        ),
        "over-school-age": (
            Kind.RULE_BROKEN,
            {
                "ar": "تجاوز الطفل السن المحددة لهذا المستوى",
                "fr": "L'enfant a dépassé l'âge d'entrée à ce niveau",
                "en": "The child is past the age of entry to this level",
            },
        ),
        "enrollment-reason-contradicted": (
            Kind.RULE_BROKEN,
            {
                "ar": "سبب الرفض يناقض معطيات الطلب",
                "fr": "Le motif du refus contredit les données de la demande",
                "en": "The ground of the rejection contradicts the request's data",
            },
        ),
        "child-already-filed": (
            Kind.CONFLICT,
            {
                "ar": "يوجد طلب جار لهذا الطفل",
                "fr": "Une demande est déjà en cours pour cet enfant",
                "en": "A request is already live for this child",
            },
        ),
    }
)
