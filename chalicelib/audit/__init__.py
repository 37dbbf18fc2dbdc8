"""The tamper-evident audit trail: hash chains per case, a signed daily digest, verification.

``chain``, ``merkle``, ``statement`` and ``verify`` are pure (no I/O): the verifier script and
the tests use them as they are. ``digest`` reads the trail, signs with KMS and writes the
audit bucket; ``routes`` serves the published digests.
"""
