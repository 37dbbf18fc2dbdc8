"""The wallet flow's problems (status and title in ar, fr, en). Each also carries the OAuth
``error`` (RFC 6749 5.2, OpenID4VCI 8.3.1) that wallets read."""

from __future__ import annotations

from chalicelib import refusals
from chalicelib.refusals import Kind

refusals.register(
    {
        # an unknown, used or expired pre-authorised code, or a wrong transaction code
        "vci-invalid-grant": (
            Kind.MALFORMED,
            {
                "ar": "رمز العرض غير صالح أو منتهي الصلاحية",
                "fr": "Code d'offre invalide, déjà utilisé ou expiré",
                "en": "Invalid, used or expired offer code",
            },
        ),
        # a request the OAuth or OpenID4VCI grammar refuses (grant type, proof, configuration)
        "vci-invalid-request": (
            Kind.MALFORMED,
            {
                "ar": "طلب إصدار غير صالح",
                "fr": "Demande d'émission invalide",
                "en": "Invalid issuance request",
            },
        ),
        # no access token, or one unknown, used or expired
        "vci-invalid-token": (
            Kind.UNAUTHENTICATED,
            {
                "ar": "رمز الولوج غير صالح",
                "fr": "Jeton d'accès invalide",
                "en": "Invalid access token",
            },
        ),
    }
)

SLUGS = {"invalid_grant": "vci-invalid-grant", "invalid_token": "vci-invalid-token"}


def slug_of(oauth_error: str) -> str:
    return SLUGS.get(oauth_error, "vci-invalid-request")
