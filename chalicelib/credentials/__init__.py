"""Verifiable credentials (SD-JWT VC, Token Status Lists, OpenID4VCI): the pure building of
disclosures, digests, status lists and their verification here; AWS only through the ports
of ``ports.py`` (``documents/signing.py``, ``store/credentials.py`` and ``store/vci.py``)."""
