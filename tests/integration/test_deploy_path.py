"""The deploy path, as far as a machine without AWS goes.

The dev stack is deployed into moto as ``make deploy`` deploys it into AWS; its outputs
are written into a copy of the project's config; ``chalice package`` builds the app's SAM
template exactly as ``scripts/deploy.py`` does (the gateway responses merged in, an empty
requirements.txt so that nothing is downloaded); cfn-lint checks it. What is left unproven
is AWS itself: the SAM transform, the change set, and API Gateway applying the responses.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.api.problems import STATUS
from chalicelib.refusals import VOCABULARY
from infra import moto_gaps
from infra import policy as iam
from infra import stack as stack_module
from scripts import deploy
from tests.support.aws_calls import RECORDER

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-3"
ISSUERS = [
    {
        "name": name,
        "issuer": f"https://{name}.idp.ma.test-issuer.net/realm",
        "audience": "khidmat-api",
        "jwks_url": f"https://{name}.idp.ma.test-issuer.net/realm/certs",
    }
    for name in ("citizen", "staff")
]
# Every gateway response type API Gateway has (DEFAULT_* catch those it may add later).
RESPONSE_TYPES = {
    "ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR",
    "AUTHORIZER_FAILURE", "BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "DEFAULT_4XX",
    "DEFAULT_5XX", "EXPIRED_TOKEN", "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT",
    "INVALID_API_KEY", "INVALID_SIGNATURE", "MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED",
    "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND", "THROTTLED", "UNAUTHORIZED",
    "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED",
}  # fmt: skip


@pytest.fixture(scope="module")
def dev_outputs(stack: Any) -> dict[str, str]:
    """The dev stack deployed into moto, with what moto leaves out (the secret among them)."""
    session = boto3.Session(region_name=REGION)
    outputs = stack_module.deploy(session.client("cloudformation"), "dev")
    return moto_gaps.close_gaps(session, "dev", outputs)


def project_copy(directory: Path) -> Path:
    """What chalice packages: the app, its config and policies, and no dependencies."""
    directory.mkdir(exist_ok=True)
    shutil.copy(ROOT / "app.py", directory)
    shutil.copytree(
        ROOT / "chalicelib", directory / "chalicelib", ignore=shutil.ignore_patterns("__pycache__")
    )
    (directory / ".chalice").mkdir()
    for source in [ROOT / ".chalice" / "config.json", *map(iam.path_of, iam.STAGES)]:
        shutil.copy(source, directory / ".chalice")
    (directory / "requirements.txt").write_text("")  # no wheels to download
    return directory


def lint(template_path: Path) -> list[str]:
    from cfnlint.api import ManualArgs, lint

    matches = lint(template_path.read_text(), config=ManualArgs(regions=[REGION]))
    return [f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches]


@pytest.fixture(scope="module")
def packaged(dev_outputs: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = project_copy(tmp_path_factory.mktemp("project"))
    env = deploy.app_environment(dev_outputs, "dev", ISSUERS)
    deploy.write_environment(project / ".chalice" / "config.json", "dev", env)
    return deploy.package("dev", project / "out", REGION, project_dir=project)


def test_the_packaged_app_lints_clean(packaged: Path) -> None:
    assert lint(packaged) == []


def test_the_package_carries_the_stacks_names_the_policy_and_the_responses(
    packaged: Path, dev_outputs: dict[str, str]
) -> None:
    template = json.loads(packaged.read_text())
    resources = template["Resources"]
    variables = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables["CASES_TABLE"] == "khidmat-dev-cases"
    assert variables["DOCUMENTS_BUCKET"] == dev_outputs["DocumentsBucket"]
    assert variables["SIGNING_KEY_ID"] == dev_outputs["SigningKeyId"]
    assert variables["KHIDMAT_STAGE"] == "dev"
    assert json.loads(variables["AUTH_ISSUERS"]) == ISSUERS
    assert set(stack_module.OUTPUT_ENV.values()) <= set(variables)

    policies = resources["ApiHandlerRole"]["Properties"]["Policies"]
    assert [p["PolicyDocument"] for p in policies] == [iam.policy("dev")]

    responses = resources["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"
    ]
    unknown_path = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown_path["statusCode"] == "404"
    assert json.loads(unknown_path["responseTemplates"]["application/json"]) == {
        "type": "urn:khidmat:problem:not-found",
        "title": "Not found",
        "status": 404,
    }
    assert "/health" in resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]


def test_every_stream_and_queue_event_of_the_package_reports_batch_item_failures(
    packaged: Path,
) -> None:
    """Chalice cannot set it; ``deploy.package`` writes it into the SAM template (decision 64)."""
    resources = json.loads(packaged.read_text())["Resources"]
    events = {
        (name, event["Type"]): event["Properties"]
        for name, resource in resources.items()
        for event in resource.get("Properties", {}).get("Events", {}).values()
        if event["Type"] in ("SQS", "DynamoDB")
    }
    handlers = {"CasesStream", "TimerCallbacks", "DocumentUploads", "OutboxRetries"}
    handlers |= {"MassarExports", "BackgroundJobs"}
    assert {name for name, _ in events} == handlers
    assert ("CasesStream", "DynamoDB") in events
    for properties in events.values():
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_app_and_the_stateful_template_lint_clean_together(
    packaged: Path, tmp_path: Path
) -> None:
    """infra/template.yaml merged in as well: no logical id collides with Chalice's, and
    the whole lints clean (what a single-stack deploy would submit)."""
    from cfnlint.decode.cfn_yaml import loads

    merged = json.loads(json.dumps(loads((ROOT / "infra" / "template.yaml").read_text())))
    stateful = set(merged["Resources"])
    merged["Resources"].update(json.loads(deploy.GATEWAY.read_text())["Resources"])
    merge_file = tmp_path / "merge.json"
    merge_file.write_text(json.dumps(merged))
    project = project_copy(tmp_path / "project")

    sam = deploy.package("dev", project / "out", REGION, project, merge_template=merge_file)

    app_only = set(json.loads(packaged.read_text())["Resources"])
    assert not stateful & app_only
    assert set(json.loads(sam.read_text())["Resources"]) == stateful | app_only
    assert lint(sam) == []


def test_gateway_responses_are_the_apps_problems() -> None:
    gateway = json.loads(deploy.GATEWAY.read_text())
    body = gateway["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = body["x-amazon-apigateway-gateway-responses"]
    assert set(responses) == RESPONSE_TYPES
    for kind, response in responses.items():
        template = response["responseTemplates"]["application/json"]
        problem = json.loads(template.replace("$context.requestId", "req-1"))
        slug = problem["type"].removeprefix("urn:khidmat:problem:")
        kind_of_refusal, titles = VOCABULARY[slug]
        status = STATUS[kind_of_refusal]
        assert problem["status"] == status == int(response["statusCode"]), kind
        assert problem["title"] == titles["en"], kind
        headers = response["responseParameters"]
        assert headers["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
        assert headers["gatewayresponse.header.Content-Language"] == "'en'"


def test_issuers_are_required_and_never_the_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deploy, "issuers_file", lambda stage: tmp_path / f"issuers-{stage}.json")
    with pytest.raises(deploy.DeployError, match=r"KHIDMAT_AUTH_ISSUERS.*issuers-dev\.json"):
        deploy.load_issuers("dev", environ={})
    example = (ROOT / "infra" / "issuers.example.json").read_text()
    (tmp_path / "issuers-dev.json").write_text(example)
    with pytest.raises(deploy.DeployError, match="not a real https JWKS URL"):
        deploy.load_issuers("dev", environ={})
    only_citizen = json.dumps(ISSUERS[:1])
    with pytest.raises(deploy.DeployError, match="one 'citizen' and one 'staff'"):
        deploy.load_issuers("dev", environ={deploy.ISSUERS_ENV: only_citizen})
    assert deploy.load_issuers("dev", environ={deploy.ISSUERS_ENV: json.dumps(ISSUERS)}) == ISSUERS


def test_the_environment_lands_in_its_stage_and_nothing_else_moves(
    dev_outputs: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    shutil.copy(ROOT / ".chalice" / "config.json", config)
    before = json.loads(config.read_text())
    env = deploy.app_environment(dev_outputs, "dev", ISSUERS)

    changed = deploy.write_environment(config, "dev", env)

    after = json.loads(config.read_text())
    variables = after["stages"]["dev"]["environment_variables"]
    assert changed and {k: variables[k] for k in env} == env
    assert next(iter(variables)) == "KHIDMAT_STAGE"  # an existing key keeps its place
    assert list(after) == list(before) and list(after["stages"]) == list(before["stages"])
    for key in ("local", "prod"):
        assert after["stages"][key] == before["stages"][key]
    assert {k: v for k, v in after.items() if k != "stages"} == {
        k: v for k, v in before.items() if k != "stages"
    }
    text = config.read_text()
    assert deploy.write_environment(config, "dev", env) == {}
    assert config.read_text() == text


def test_a_dry_run_prints_the_plan_and_changes_nothing(
    dev_outputs: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config.json"
    shutil.copy(ROOT / ".chalice" / "config.json", config)
    monkeypatch.setenv(deploy.ISSUERS_ENV, json.dumps(ISSUERS))
    monkeypatch.setenv(deploy.ARTIFACTS_ENV, "khidmat-dev-artifacts")
    monkeypatch.setenv(deploy.BASE_URL_ENV, "https://api.khidmat.gov.ma/")
    RECORDER.clear()

    argv = ["--stage", "dev", "--dry-run", "--config", str(config)]
    assert deploy.main(argv) == 0

    plain = capsys.readouterr().out  # make deploy's plan: chalice deploy, then the responses
    assert "~ CASES_TABLE=khidmat-dev-cases" in plain
    assert "then make deploy runs: chalice deploy --stage dev\n" in plain
    assert "python -m scripts.gateway_responses --stage dev" in plain
    assert "python -m scripts.event_sources --stage dev" in plain
    assert "chalice package" not in plain
    assert deploy.main([*argv, "--package"]) == 0

    printed = capsys.readouterr().out
    assert "~ PUBLIC_BASE_URL=https://api.khidmat.gov.ma\n" in printed
    assert config.read_bytes() == (ROOT / ".chalice" / "config.json").read_bytes()
    assert "~ CASES_TABLE=khidmat-dev-cases" in printed
    assert f"~ DOCUMENTS_BUCKET={dev_outputs['DocumentsBucket']}" in printed
    assert "would run: chalice package --stage dev --merge-template" in printed
    assert "with ReportBatchItemFailures on the template's SQS and DynamoDB events" in printed
    assert "would upload the zip and template to s3://khidmat-dev-artifacts/khidmat-dev/" in printed
    assert "would create or update stack khidmat-dev-api" in printed
    operations = {(c.service, c.operation) for c in RECORDER.calls}
    assert operations == {("cloudformation", "DescribeStacks")}  # it only read


def test_make_infra_writes_what_a_plain_chalice_deploy_needs(
    stack: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``make infra STAGE=prod`` into moto: the stack, its outputs in the stage of the config,
    as Chalice's own config (what ``chalice deploy --stage prod`` reads) resolves them. (prod:
    moto fails to update a stack whose parameters kept their defaults, as the dev one here.)"""
    from chalice.config import Config

    project = project_copy(tmp_path / "project")
    monkeypatch.setenv(deploy.ISSUERS_ENV, json.dumps(ISSUERS))
    argv = ["--stage", "prod", "--config", str(project / ".chalice" / "config.json")]
    origins = ["--allowed-origins", "https://portal.khidmat.gov.ma"]

    assert deploy.main([*argv, "--public-base-url", "https://api.khidmat.gov.ma", *origins]) == 0

    on_disk = json.loads((project / ".chalice" / "config.json").read_text())
    config = Config(
        chalice_stage="prod",
        user_provided_params={"project_dir": str(project)},
        config_from_disk=on_disk,
    )
    variables = config.environment_variables
    outputs = stack_module.outputs(boto3.client("cloudformation", region_name=REGION), "prod")
    # every output the stack has (moto's lacks the secrets' ARNs: it creates no secret)
    assert {v: outputs[k] for k, v in stack_module.OUTPUT_ENV.items() if k in outputs}.items() <= (
        variables.items()
    )
    assert len(outputs.keys() & stack_module.OUTPUT_ENV.keys()) >= len(stack_module.OUTPUT_ENV) - 3
    assert variables["CASES_TABLE"] == "khidmat-prod-cases"
    assert variables["PUBLIC_BASE_URL"] == "https://api.khidmat.gov.ma"
    assert variables["KHIDMAT_STAGE"] == "prod"
    assert json.loads(variables["AUTH_ISSUERS"]) == ISSUERS
    assert variables["POWERTOOLS_SERVICE_NAME"] == "khidmat"  # the shared ones kept
    assert config.iam_policy_file == "policy-prod.json" and not config.autogen_policy
    policy = json.loads((project / ".chalice" / config.iam_policy_file).read_text())
    assert policy == iam.policy("prod")
    assert config.api_gateway_stage == "api"


def test_the_public_base_url_is_a_real_https_url_given_or_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = {"PublicBaseUrl": "https://api.khidmat.gov.ma"}
    assert deploy.public_base_url("prod", "", kept) == "https://api.khidmat.gov.ma"
    given = deploy.public_base_url("prod", "https://gw.khidmat.gov.ma/api/", kept)
    assert given == "https://gw.khidmat.gov.ma/api"
    with pytest.raises(deploy.DeployError, match="PUBLIC_BASE_URL=https://"):
        deploy.public_base_url("dev", "", {})
    for wrong in (
        "http://api.khidmat.gov.ma",  # the stack's default: the local one, never deployed
        "https://api.example.com",
        "https://localhost:8000",
        "https://api.khidmat.gov.ma/?x=1",
        "https://api.khidmat.gov.ma//api",
    ):
        with pytest.raises(deploy.DeployError, match="not a real https URL"):
            deploy.public_base_url("prod", wrong, {})
    # A wrong one given on the command line stops the deploy before AWS is touched.
    monkeypatch.setenv(deploy.ISSUERS_ENV, json.dumps(ISSUERS))
    RECORDER.clear()
    argv = ["--stage", "prod", "--config", str(tmp_path / "none.json")]
    assert deploy.main([*argv, "--public-base-url", "http://api.khidmat.gov.ma"]) == 2
    assert "not a real https URL" in capsys.readouterr().err
    assert RECORDER.calls == []


def test_the_allowed_origins_are_required_real_https_origins_given_or_kept() -> None:
    """A deployed stage never keeps the template's local origins for its uploads' CORS."""
    kept = {"AllowedOrigins": "https://portal.khidmat.gov.ma"}
    assert deploy.allowed_origins("prod", "", kept) == "https://portal.khidmat.gov.ma"
    both = "https://portal.khidmat.gov.ma, https://consulats.khidmat.gov.ma/"
    assert deploy.allowed_origins("prod", both, {}).count("https://") == 2
    with pytest.raises(deploy.DeployError, match="ALLOWED_ORIGINS=https://"):
        deploy.allowed_origins("dev", "", {})
    for wrong in (
        "http://localhost:3000,http://127.0.0.1:8000",  # the template's default
        "https://portal.khidmat.gov.ma/upload",
        "https://portal.example.com",
    ):
        with pytest.raises(deploy.DeployError, match="real https origins"):
            deploy.allowed_origins("prod", wrong, {})


def test_a_deploy_without_issuers_stops_before_touching_aws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(deploy.ISSUERS_ENV, raising=False)
    monkeypatch.setattr(deploy, "issuers_file", lambda stage: tmp_path / f"issuers-{stage}.json")
    RECORDER.clear()
    assert deploy.main(["--stage", "prod", "--config", str(tmp_path / "none.json")]) == 2
    assert "no token issuers for stage 'prod'" in capsys.readouterr().err
    assert RECORDER.calls == []


def artifacts_bucket() -> tuple[Any, str]:
    s3, name = boto3.client("s3", region_name=REGION), f"khidmat-test-artifacts-{uuid.uuid4()}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return s3, name


def test_the_upload_points_the_template_at_the_uploaded_code(
    packaged: Path, tmp_path: Path
) -> None:
    s3, bucket = artifacts_bucket()
    sam = tmp_path / "sam.json"
    shutil.copy(packaged, sam)
    shutil.copy(packaged.with_name("deployment.zip"), tmp_path)

    url = deploy.upload(boto3.Session(region_name=REGION), "dev", sam, bucket)

    prefix = f"https://{bucket}.s3.{REGION}.amazonaws.com/"
    assert url.startswith(prefix)
    uploaded = json.loads(s3.get_object(Bucket=bucket, Key=url[len(prefix) :])["Body"].read())
    code = uploaded["Resources"]["APIHandler"]["Properties"]["CodeUri"]
    assert code["Bucket"] == bucket and code["Key"].endswith("-deployment.zip")
    zipped = s3.get_object(Bucket=bucket, Key=code["Key"])["Body"].read()
    assert zipped == (tmp_path / "deployment.zip").read_bytes()


def test_the_app_stack_is_created_then_left_alone_then_updated(
    stack: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The change-set logic against moto's CloudFormation, with a plain template (moto
    cannot run the SAM transform)."""
    s3, bucket = artifacts_bucket()
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    name = "khidmat-test-changesets"

    def apply(*queues: str) -> str:
        resources = {
            f"Queue{n}": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": queue}}
            for n, queue in enumerate(queues)
        }
        key = f"{len(queues)}.json"
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps({"Resources": resources}))
        url = f"https://{bucket}.s3.{REGION}.amazonaws.com/{key}"
        deploy._apply_change_set(cloudformation, name, url)
        return str(cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])

    assert apply("khidmat-test-a") == "CREATE_COMPLETE"
    assert apply("khidmat-test-a") == "CREATE_COMPLETE"
    assert f"stack {name}: no changes" in capsys.readouterr().out
    assert apply("khidmat-test-a", "khidmat-test-b") == "UPDATE_COMPLETE"
