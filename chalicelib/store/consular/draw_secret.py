"""The KMS adapter of release rounds (decision 57): a round's secret comes from KMS
``GenerateRandom`` and is kept encrypted under the stack's data key, so that neither a
reader of the table nor a backup learns the seed before the draw publishes it.

The secret is 64 bytes: the first 32 are the draw's seed (published after the draw), the
last 32 the key of the entry references (never published: a reference must not lead back to
a case id). Publishing one half says nothing about the other."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.settings import get_settings

SECRET_BYTES = 64
_CONTEXT = {"purpose": "consular-release-round"}


def new_secret() -> tuple[bytes, bytes]:
    """(the secret, its ciphertext under the data key): one GenerateRandom, one Encrypt."""
    kms = client("kms")
    secret = bytes(kms.generate_random(NumberOfBytes=SECRET_BYTES)["Plaintext"])
    blob = kms.encrypt(
        KeyId=get_settings().data_key_id, Plaintext=secret, EncryptionContext=_CONTEXT
    )["CiphertextBlob"]
    return secret, bytes(blob)


def open_secret(blob: bytes) -> bytes:
    """The secret back from its ciphertext (one Decrypt)."""
    answer = client("kms").decrypt(
        KeyId=get_settings().data_key_id, CiphertextBlob=blob, EncryptionContext=_CONTEXT
    )
    return bytes(answer["Plaintext"])


def seed_of(secret: bytes) -> bytes:
    return secret[:32]


def reference_key_of(secret: bytes) -> bytes:
    return secret[32:]
