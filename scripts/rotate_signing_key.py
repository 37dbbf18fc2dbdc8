"""``make rotate-signing-key STAGE=<stage>``: put a new KMS signing key in service.

1. the key in service (the one ``alias/khidmat-<stage>-signing`` names) has its public half
   recorded as retired (``store/credentials.py``): ``/.well-known/jwks.json`` and the issuer
   metadata keep publishing it, so every certificate and credential it signed still verifies;
2. a new ECC P-256 SIGN_VERIFY key is created;
3. the alias moves to it: the app signs with it within ``signing.CURRENT_KEY_SECONDS``.

The old key is left enabled (nothing signs with it; disabling or deleting it is a separate,
deliberate act, and it would not stop its signatures from verifying). ``STAGE=local`` talks
to the moto server of ``make run``; another stage to AWS with the caller's credentials
(``kms:CreateKey``, ``kms:UpdateAlias``, ``kms:GetPublicKey``, ``dynamodb:PutItem`` on the
reference table: an operator's, not the app's).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import Any


def rotate(kms: Any, stage: str, now: datetime | None = None) -> tuple[str, str]:
    """(the retired kid, the new kid)."""
    from chalicelib.documents import signing
    from chalicelib.store import credentials

    alias = f"alias/khidmat-{stage}-signing"
    now = now or datetime.now(UTC)
    old = str(kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])
    retired = signing.jwk_of(old)
    credentials.record_retired_key(retired, now)  # published first
    new = kms.create_key(
        KeySpec="ECC_NIST_P256",
        KeyUsage="SIGN_VERIFY",
        Description=f"khidmat-{stage} signing key (in service from {now:%Y-%m-%d})",
    )["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName=alias, TargetKeyId=new)
    signing.forget_current_key()
    return str(retired["kid"]), str(signing.jwk_of(str(new))["kid"])


def _connect(stage: str) -> None:
    """The stage's table names (and, locally, the moto server of ``make run``)."""
    import boto3

    from infra import stack

    if stage == "local":
        from scripts.local_stack import FAKE_CREDENTIALS

        os.environ.update(FAKE_CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5010')}"
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.update(
        stack.environment(stack.outputs(boto3.client("cloudformation"), stage), stage)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    stage = parser.parse_args(argv).stage
    _connect(stage)
    from chalicelib.aws import client

    retired, current = rotate(client("kms"), stage)
    print(f"signing key of {stage}: {current} in service; {retired} retired, still published")
    return 0


if __name__ == "__main__":
    sys.exit(main())
