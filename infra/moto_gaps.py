"""What moto's CloudFormation leaves out of the template, applied through the service APIs.

Only for moto (``make run`` and the tests); AWS builds all of it from the template. Each gap
is written down in ``../shared/STACK-NOTES.md``: the ECC signing key comes out symmetric,
Secrets Manager secrets are not created, and the audit bucket's versioning and Object Lock
are ignored.
"""

from __future__ import annotations

import secrets
from typing import Any


def close_gaps(session: Any, stage: str, outputs: dict[str, str]) -> dict[str, str]:
    """Create what the stack lacks under moto; return the outputs with their real values."""
    fixed = dict(outputs)
    fixed["SigningKeyId"] = _signing_key(session.client("kms"), stage)
    fixed["CursorSecretArn"] = _cursor_secret(session.client("secretsmanager"), stage)
    _lock_audit_bucket(session.client("s3"), outputs["AuditBucket"])
    return fixed


def _signing_key(kms: Any, stage: str) -> str:
    alias = f"alias/khidmat-{stage}-signing"
    current = kms.describe_key(KeyId=alias)["KeyMetadata"]
    if current.get("KeySpec") == "ECC_NIST_P256":
        return str(current["KeyId"])
    key = kms.create_key(
        KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description=f"khidmat-{stage} signing key"
    )["KeyMetadata"]
    kms.update_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    return str(key["KeyId"])


def _cursor_secret(secretsmanager: Any, stage: str) -> str:
    name = f"khidmat-{stage}-cursor-secret"
    try:
        return str(secretsmanager.describe_secret(SecretId=name)["ARN"])
    except secretsmanager.exceptions.ResourceNotFoundException:
        created = secretsmanager.create_secret(Name=name, SecretString=secrets.token_urlsafe(36))
        return str(created["ARN"])


def _lock_audit_bucket(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 3650}},
        },
    )
