"""Verifiable credentials (SD-JWT VC, Token Status Lists, OpenID4VCI): the pure building of
disclosures, digests, status lists and their verification here; AWS only through
``documents/signing.py`` and ``store/credentials.py``."""
