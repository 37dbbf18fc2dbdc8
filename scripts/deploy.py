"""``make infra`` and ``make deploy STAGE=dev|prod``: the stateful stack, the app's environment,
then the app.

``make infra`` (``python -m scripts.deploy --stage dev``):

1. ``infra/template.yaml`` becomes the stack ``khidmat-<stage>`` (``infra.stack.deploy``),
   with ``PublicBaseUrl``: where citizens reach the API, the base of every link in a notice
   (``make deploy PUBLIC_BASE_URL=https://...``; a later deploy without it keeps the
   stack's current value). Not a real https URL: the deploy stops before anything moves.
2. Its outputs and ``AUTH_ISSUERS`` are written into ``.chalice/config.json`` under
   ``stages.<stage>.environment_variables``, the rest of the file kept as it was. The
   equivalence guide of the code being deployed is rendered into the documents bucket if
   that version is missing (``scripts/build_guide.py``), before the code that serves it
   goes live, so that no first request has to render it.

After that a plain ``chalice deploy --stage <stage>`` deploys a working app: the stage's
environment is in the config, its role's policy is ``.chalice/policy-<stage>.json``
(checked in, named by the template's deterministic names). ``make deploy`` runs
``make infra``, ``scripts/bytecode.py`` (the package's compiled bytecode: Lambda cannot write
it, decision 76), ``chalice deploy``, then ``scripts/gateway_responses.py``, which puts API
Gateway's own errors as problem+json on the deployed REST API (``chalice deploy`` imports
the API without them), then ``scripts/event_sources.py``, which turns on
``ReportBatchItemFailures`` on the stage's event source mappings (Chalice cannot).

``--package`` instead deploys the app as a CloudFormation stack, as before
(docs/decisions.md 13 and 46): the bytecode, then
``chalice package --merge-template infra/gateway.json`` builds the SAM template and zip
(its SQS and DynamoDB events given ``ReportBatchItemFailures``), both go to the artifacts
bucket, and the stack ``khidmat-<stage>-api`` is created or updated through a change set. One
stage is deployed one way or the other, never both: both would consume the same queues and
stream.

``--dry-run`` changes nothing: no stack, no config file, no package, no upload. It reads
the stack's outputs when it can and prints what each step would do.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from infra import stack
from scripts import bytecode, event_sources, gateway_responses

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".chalice" / "config.json"
GATEWAY = ROOT / "infra" / "gateway.json"
ISSUERS_ENV = "KHIDMAT_AUTH_ISSUERS"
ARTIFACTS_ENV = "KHIDMAT_ARTIFACTS_BUCKET"
BASE_URL_ENV = "KHIDMAT_PUBLIC_BASE_URL"
ORIGINS_ENV = "KHIDMAT_ALLOWED_ORIGINS"
ISSUER_FIELDS = {"name", "issuer", "audience", "jwks_url"}
# Names reserved for examples and tests (RFC 2606, RFC 6761): the example file must not
# deploy as it is.
RESERVED_DOMAINS = ("example.org", "example.com", "example.net", "example", "invalid", "test")


class DeployError(Exception):
    """A deploy that cannot go on; the message says what to do."""


def app_stack_name(stage: str) -> str:
    return f"{stack.stack_name(stage)}-api"


def issuers_file(stage: str) -> Path:
    return ROOT / "infra" / f"issuers-{stage}.json"


def load_issuers(stage: str, environ: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The token issuers of a cloud stage: from $KHIDMAT_AUTH_ISSUERS or the stage's file."""
    environ = dict(os.environ) if environ is None else environ
    source, path = ISSUERS_ENV, issuers_file(stage)
    if environ.get(ISSUERS_ENV):
        raw = environ[ISSUERS_ENV]
    elif path.exists():
        source, raw = str(path), path.read_text()
    else:
        raise DeployError(
            f"no token issuers for stage {stage!r}: set ${ISSUERS_ENV} or write {path} "
            "(copy infra/issuers.example.json, fill in the real identity provider and staff "
            "directory; ops own these values)"
        )
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise DeployError(f"{source} is not JSON: {error}") from error
    issuers = document.get("issuers") if isinstance(document, dict) else document
    return [{k: str(v) for k, v in item.items()} for item in _checked(issuers, source)]


def _checked(issuers: Any, source: str) -> list[dict[str, Any]]:
    if not isinstance(issuers, list) or not all(isinstance(i, dict) for i in issuers):
        raise DeployError(f"{source}: expected a list of issuer objects")
    names = sorted(str(i.get("name")) for i in issuers)
    if names != ["citizen", "staff"]:
        raise DeployError(f"{source}: need one 'citizen' and one 'staff' issuer, got {names}")
    for item in issuers:
        if set(item) != ISSUER_FIELDS:
            raise DeployError(f"{source}: an issuer has exactly {sorted(ISSUER_FIELDS)}")
        url = str(item["jwks_url"])
        if not _real_https(url):
            raise DeployError(f"{source}: {url!r} is not a real https JWKS URL")
    return issuers


def _real_https(url: str) -> bool:
    host = url.removeprefix("https://").split("/", 1)[0].split(":", 1)[0].lower()
    reserved = any(host == d or host.endswith(f".{d}") for d in RESERVED_DOMAINS)
    return url.startswith("https://") and not reserved and host not in ("", "localhost")


def public_base_url(stage: str, given: str, outputs: dict[str, str]) -> str:
    """The stack's ``PublicBaseUrl``: the one given, else the one the stack has now; a real
    https URL (a stage prefix allowed, no query), or the deploy stops here."""
    url = (given or outputs.get("PublicBaseUrl", "")).strip().rstrip("/")
    if not url:
        raise DeployError(
            f"no public base URL for stage {stage!r}: make deploy PUBLIC_BASE_URL=https://... "
            f"(or ${BASE_URL_ENV}); links in notices are made from it"
        )
    if not _real_https(url) or any(c in url for c in "?# ") or "//" in url[len("https://") :]:
        raise DeployError(
            f"public base URL {url!r} is not a real https URL (https://host[/prefix])"
        )
    return url


def allowed_origins(stage: str, given: str, current: dict[str, str]) -> str:
    """The browser origins that may upload documents (the bucket's CORS): the ones given, else
    the ones the stack has now; each a real https origin, or the deploy stops here (the
    template's default is the local stack's, never a deployed stage's)."""
    origins = [
        o.strip().rstrip("/") for o in (given or current.get("AllowedOrigins", "")).split(",")
    ]
    origins = [o for o in origins if o]
    if not origins:
        raise DeployError(
            f"no allowed origins for stage {stage!r}: make deploy "
            f"ALLOWED_ORIGINS=https://portal.example,... (or ${ORIGINS_ENV})"
        )
    wrong = [o for o in origins if not _real_https(o) or "/" in o.removeprefix("https://")]
    if wrong:
        raise DeployError(f"allowed origins must be real https origins (no path): {wrong}")
    return ",".join(origins)


def write_environment(config_path: Path, stage: str, env: dict[str, str]) -> dict[str, str]:
    """Set ``env`` in the stage's environment variables; return what changed.

    Existing keys keep their place and new ones are appended, so the diff stays small.
    """
    config = json.loads(config_path.read_text())
    variables = config["stages"][stage].setdefault("environment_variables", {})
    changed = {k: v for k, v in env.items() if variables.get(k) != v}
    variables.update(changed)
    if changed:
        config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    return changed


def app_environment(
    outputs: dict[str, str], stage: str, issuers: list[dict[str, str]]
) -> dict[str, str]:
    env = stack.environment(outputs, stage)
    env["AUTH_ISSUERS"] = json.dumps(issuers, separators=(",", ":"))
    return env


def package_command(stage: str, outdir: Path, merge_template: Path = GATEWAY) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from chalice.cli import main; main()",
        "package",
        "--stage",
        stage,
        "--merge-template",
        str(merge_template),
        str(outdir),
    ]


def package(
    stage: str,
    outdir: Path,
    region: str,
    project_dir: Path = ROOT,
    merge_template: Path = GATEWAY,
) -> Path:
    """Run ``chalice package`` (it needs a region, and no AWS); return the SAM template, its
    stream and queue events set to report batch item failures, and its stream events given a
    retry limit and a failures queue (Chalice cannot say so)."""
    env = {**os.environ, "AWS_DEFAULT_REGION": region}
    command = package_command(stage, outdir, merge_template)
    subprocess.run(command, cwd=project_dir, env=env, check=True)
    sam = outdir / "sam.json"
    template = json.loads(sam.read_text())
    if event_sources.in_template(template, stage):
        sam.write_text(json.dumps(template, indent=2) + "\n")
    return sam


def deploy_app(session: Any, stage: str, sam_path: Path, bucket: str) -> dict[str, str]:
    """Upload the code and the template, then create or update the app's stack."""
    cloudformation = session.client("cloudformation")
    _apply_change_set(
        cloudformation, app_stack_name(stage), upload(session, stage, sam_path, bucket)
    )
    described = cloudformation.describe_stacks(StackName=app_stack_name(stage))["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def upload(session: Any, stage: str, sam_path: Path, bucket: str) -> str:
    """Put the zips and the template (pointing at them) in the bucket; return its URL.

    The template goes by URL because an inline one is limited to 51,200 bytes, which the
    OpenAPI body of every route soon exceeds.
    """
    s3 = session.client("s3")
    template = json.loads(sam_path.read_text())
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for field in ("CodeUri", "ContentUri"):  # functions and layers
            if isinstance(props.get(field), str):
                key = _upload(s3, bucket, stage, sam_path.parent / props[field])
                props[field] = {"Bucket": bucket, "Key": key}
    body = sam_path.with_name("sam-deploy.json")
    body.write_text(json.dumps(template))
    key = _upload(s3, bucket, stage, body)
    return f"https://{bucket}.s3.{session.region_name}.amazonaws.com/{key}"


def _upload(s3: Any, bucket: str, stage: str, path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]  # same content, same key
    key = f"khidmat-{stage}/{digest}-{path.name}"
    s3.upload_file(str(path), bucket, key)
    return key


def _stack_status(cloudformation: Any, name: str) -> str:
    try:
        return str(cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return ""
        raise


def _apply_change_set(cloudformation: Any, name: str, template_url: str) -> None:
    from botocore.exceptions import WaiterError

    status = _stack_status(cloudformation, name)
    if status == "ROLLBACK_COMPLETE":  # a first create that failed cannot be updated
        raise DeployError(f"stack {name} is ROLLBACK_COMPLETE: delete it, then deploy again")
    # A stack left in REVIEW_IN_PROGRESS by a change set that failed has never existed.
    exists = status not in ("", "REVIEW_IN_PROGRESS", "DELETE_COMPLETE")
    change_set = f"deploy-{int(time.time())}-{secrets.token_hex(3)}"
    cloudformation.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType="UPDATE" if exists else "CREATE",
        TemplateURL=template_url,
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],  # SAM is a macro
    )
    try:
        cloudformation.get_waiter("change_set_create_complete").wait(
            StackName=name, ChangeSetName=change_set
        )
    except WaiterError:
        described = cloudformation.describe_change_set(StackName=name, ChangeSetName=change_set)
        reason = str(described.get("StatusReason", ""))
        if "didn't contain changes" in reason or "No updates" in reason:
            print(f"stack {name}: no changes")
            cloudformation.delete_change_set(StackName=name, ChangeSetName=change_set)
            return
        raise DeployError(f"change set for {name} failed: {reason}") from None
    cloudformation.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = "stack_update_complete" if exists else "stack_create_complete"
    cloudformation.get_waiter(waiter).wait(StackName=name)


def artifacts_bucket(outputs: dict[str, str], environ: dict[str, str]) -> str:
    bucket = environ.get(ARTIFACTS_ENV) or outputs.get("ArtifactsBucket", "")
    if not bucket:
        raise DeployError(
            f"no artifacts bucket: set ${ARTIFACTS_ENV}, or give infra/template.yaml an "
            "ArtifactsBucket output (the code zip and the template go there)"
        )
    return bucket


def infra(
    stage: str, config_path: Path, base_url: str = "", origins: str = ""
) -> tuple[Any, dict[str, str]]:
    """``make infra``: the stack, its outputs into the stage's config, the guide; return the
    boto3 session and the outputs."""
    import boto3

    issuers = load_issuers(stage)
    if base_url:
        public_base_url(stage, base_url, {})  # a wrong one stops now, before AWS is touched
    if origins:
        allowed_origins(stage, origins, {})
    session = boto3.Session()
    if not session.region_name:
        raise DeployError("no AWS region: set AWS_DEFAULT_REGION (the Makefile sets eu-west-3)")
    cloudformation = session.client("cloudformation")
    base_url = public_base_url(stage, base_url, {} if base_url else _outputs(cloudformation, stage))
    origins = allowed_origins(stage, origins, {} if origins else _parameters(cloudformation, stage))
    print(f"stack {stack.stack_name(stage)}: deploying infra/template.yaml", flush=True)
    parameters = {"PublicBaseUrl": base_url, "AllowedOrigins": origins}
    outputs = stack.deploy(cloudformation, stage, parameters)
    changed = write_environment(config_path, stage, app_environment(outputs, stage, issuers))
    print(f"{config_path}: {len(changed)} environment variables changed", flush=True)
    from scripts import build_guide

    print(build_guide.build(outputs, session.client("s3")), flush=True)
    return session, outputs


def deploy(stage: str, config_path: Path, base_url: str = "", origins: str = "") -> None:
    """``--package``: ``infra``, then the app as the CloudFormation stack ``<stack>-api``."""
    load_issuers(stage)  # the first thing to fail, before the artifacts bucket is looked for
    if not os.environ.get(ARTIFACTS_ENV) and "ArtifactsBucket" not in stack.TEMPLATE.read_text():
        artifacts_bucket({}, {})  # fails now, before anything is deployed
    session, outputs = infra(stage, config_path, base_url, origins)
    bucket = artifacts_bucket(outputs, dict(os.environ))
    files, size = bytecode.build()
    print(f"bytecode: {files} library files ({size / 1e6:.1f} MB) in vendor/, chalicelib/ in place")
    with tempfile.TemporaryDirectory(prefix="khidmat-package-") as outdir:
        sam = package(stage, Path(outdir) / "out", session.region_name)
        result = deploy_app(session, stage, sam, bucket)
    print(f"stack {app_stack_name(stage)}: {result.get('EndpointURL', 'deployed')}")


def _parameters(cloudformation: Any, stage: str) -> dict[str, str]:
    """The stack's parameter values now; none before its first deploy."""
    try:
        found = cloudformation.describe_stacks(StackName=stack.stack_name(stage))["Stacks"][0]
    except cloudformation.exceptions.ClientError:
        return {}
    return {
        p["ParameterKey"]: str(p.get("ParameterValue", "")) for p in found.get("Parameters", [])
    }


def _outputs(cloudformation: Any, stage: str) -> dict[str, str]:
    """The stack's outputs now; none before its first deploy."""
    try:
        return stack.outputs(cloudformation, stage)
    except cloudformation.exceptions.ClientError:
        return {}


def dry_run(stage: str, config_path: Path, base_url: str = "", package_path: bool = False) -> None:
    """Print what ``deploy`` would do, reading the stack if it can, changing nothing."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    issuers = load_issuers(stage)
    print(f"would deploy stack {stack.stack_name(stage)} from infra/template.yaml")
    try:
        outputs = stack.outputs(boto3.client("cloudformation"), stage)
    except (BotoCoreError, ClientError) as error:
        print(f"stack outputs not readable now ({type(error).__name__}); they come after step 1")
        outputs = {}
    try:
        outputs = {**outputs, "PublicBaseUrl": public_base_url(stage, base_url, outputs)}
    except DeployError as error:
        print(f"would stop here: {error}")
        return
    env = app_environment(outputs, stage, issuers)
    current = json.loads(config_path.read_text())["stages"][stage].get("environment_variables", {})
    print(f"would set in {config_path} (stages.{stage}.environment_variables):")
    for name, value in env.items():
        print(f"  {'=' if current.get(name) == value else '~'} {name}={value}")
    from chalicelib.services.equivalence.library import guide

    print(f"would build {guide.key_of(guide.version_of(guide.contents()))} if it is missing")
    print("then: python -m scripts.bytecode (the package's compiled bytecode, decision 76)")
    if not package_path:
        print(f"then make deploy runs: chalice deploy --stage {stage}")
        wanted = len(gateway_responses.responses())
        print(
            f"then: python -m scripts.gateway_responses --stage {stage} "
            f"(puts the {wanted} gateway responses that differ, redeploys the API's stage)"
        )
        print(
            f"then: python -m scripts.event_sources --stage {stage} "
            f"(sets {event_sources.REPORT} on the stage's event source mappings, and on the"
            " streams' a retry limit and the stage's stream failures queue)"
        )
        return
    print("would run: chalice " + " ".join(package_command(stage, Path("<tmp>/out"))[3:]))
    print(f"with {event_sources.REPORT} on the template's SQS and DynamoDB events")
    print("and on its stream events a retry limit and the stage's stream failures queue")
    try:
        bucket = artifacts_bucket(outputs, dict(os.environ))
        print(f"would upload the zip and template to s3://{bucket}/khidmat-{stage}/")
    except DeployError as error:
        print(f"would stop here: {error}")
        return
    print(f"would create or update stack {app_stack_name(stage)} with a change set")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--stage", required=True, choices=["dev", "prod"])
    parser.add_argument("--dry-run", action="store_true", help="change nothing, print the plan")
    parser.add_argument(
        "--package",
        action="store_true",
        help="then deploy the app as a CloudFormation stack (chalice package, change set)",
    )
    parser.add_argument(
        "--public-base-url",
        default=os.environ.get(BASE_URL_ENV, ""),
        help=f"where citizens reach the API, https (default: ${BASE_URL_ENV}, else the stack's)",
    )
    parser.add_argument(
        "--allowed-origins",
        default=os.environ.get(ORIGINS_ENV, ""),
        help=f"https origins that upload documents, comma-separated (default: ${ORIGINS_ENV})",
    )
    parser.add_argument("--config", type=Path, default=CONFIG, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.dry_run:
            dry_run(args.stage, args.config, args.public_base_url, args.package)
        elif args.package:
            deploy(args.stage, args.config, args.public_base_url, args.allowed_origins)
        else:
            infra(args.stage, args.config, args.public_base_url, args.allowed_origins)
    except DeployError as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
