"""``make guide STAGE=...``: put the equivalence guide's current version in a stack's bucket.

    python -m scripts.build_guide --stage local     # the stack of ``make run`` (its moto)
    python -m scripts.build_guide --stage dev       # AWS, with the caller's credentials
    python -m scripts.build_guide --stage dev --check   # only say whether it is there

Safe to run again: a version already in the bucket is left alone (one HeadObject). ``make
run`` (the seed) and ``make deploy`` run it too; this command is for ops, for instance after
a key was deleted by hand. The version comes from the repo's data (no AWS call, no fpdf2).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from scripts.local_stack import FAKE_CREDENTIALS


def bucket_of(outputs: dict[str, str], s3: Any) -> Any:
    """The documents bucket of a deployed stack, from its outputs."""
    from chalicelib.documents import published

    return published.Bucket(outputs["DocumentsBucket"], outputs["DataKeyId"], s3)


def build(outputs: dict[str, str], s3: Any) -> str:
    """Build the guide into the stack of ``outputs`` if it is missing; say what happened."""
    from chalicelib.services.equivalence.library import guide

    built = guide.build(bucket_of(outputs, s3))
    return f"guide s3://{outputs['DocumentsBucket']}/{built.key}: " + (
        "built" if built.created else "already there"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--stage", required=True, choices=["local", "dev", "prod"])
    parser.add_argument("--check", action="store_true", help="build nothing: exit 1 if missing")
    args = parser.parse_args(argv)
    if args.stage == "local":  # the moto server of make run
        os.environ.update(FAKE_CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5010')}"
    import boto3

    from chalicelib.documents import published
    from chalicelib.services.equivalence.library import guide
    from infra import stack

    session = boto3.Session()
    outputs = stack.outputs(session.client("cloudformation"), args.stage)
    if not args.check:
        print(build(outputs, session.client("s3")))
        return 0
    key = guide.key_of(guide.version_of(guide.contents()))
    there = published.exists(key, bucket_of(outputs, session.client("s3")))
    print(f"guide {key}: {'there' if there else f'MISSING: make guide STAGE={args.stage}'}")
    return 0 if there else 1


if __name__ == "__main__":
    sys.exit(main())
