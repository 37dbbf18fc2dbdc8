"""The step ``make deploy`` runs after ``chalice deploy``: the problem+json gateway responses
put on the deployed REST API, idempotently (moto's API Gateway).

moto cannot run ``chalice deploy`` of an app with routes (it imports OpenAPI 3 only, Chalice
emits Swagger 2.0), so the REST API here is made through the API, as Chalice would leave it:
one method, a stage, and Chalice's record of it in ``.chalice/deployed/<stage>.json``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import boto3
import pytest

from scripts import gateway_responses

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-3"


@pytest.fixture
def rest_api(stack: Any) -> tuple[Any, str]:
    """A REST API deployed to the stage ``api``, as ``chalice deploy`` leaves one."""
    apigateway = boto3.client("apigateway", region_name=REGION)
    api_id = apigateway.create_rest_api(name="khidmat")["id"]
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    apigateway.put_method(
        restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE"
    )
    apigateway.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    apigateway.create_deployment(restApiId=api_id, stageName="api")
    return apigateway, api_id


def _deployments(apigateway: Any, api_id: str) -> int:
    return len(apigateway.get_deployments(restApiId=api_id)["items"])


def test_every_response_is_put_then_a_second_run_changes_nothing(
    rest_api: tuple[Any, str],
) -> None:
    apigateway, api_id = rest_api
    wanted = gateway_responses.responses()

    changed = gateway_responses.apply(apigateway, api_id, "api", wanted)

    assert sorted(changed) == sorted(wanted)
    items = apigateway.get_gateway_responses(restApiId=api_id)["items"]
    found = {item["responseType"]: item for item in items}
    assert set(found) == set(wanted)
    unknown_path = found["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown_path["statusCode"] == "404"
    headers = unknown_path["responseParameters"]
    assert headers["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
    assert json.loads(unknown_path["responseTemplates"]["application/json"]) == {
        "type": "urn:khidmat:problem:not-found",
        "title": "Not found",
        "status": 404,
    }
    assert found["THROTTLED"]["statusCode"] == "429"
    assert _deployments(apigateway, api_id) == 2  # the stage redeployed: responses are live

    assert gateway_responses.apply(apigateway, api_id, "api", wanted) == []
    assert _deployments(apigateway, api_id) == 2  # nothing changed, nothing redeployed


def test_a_response_changed_by_hand_is_put_back_alone(rest_api: tuple[Any, str]) -> None:
    apigateway, api_id = rest_api
    wanted = gateway_responses.responses()
    gateway_responses.apply(apigateway, api_id, "api", wanted)
    apigateway.put_gateway_response(
        restApiId=api_id, responseType="DEFAULT_4XX", statusCode="400", responseTemplates={}
    )

    assert gateway_responses.apply(apigateway, api_id, "api", wanted) == ["DEFAULT_4XX"]
    assert _deployments(apigateway, api_id) == 3


def test_the_rest_api_is_the_one_chalice_deploy_recorded(tmp_path: Path) -> None:
    (tmp_path / ".chalice").mkdir()
    shutil.copy(ROOT / ".chalice" / "config.json", tmp_path / ".chalice")
    with pytest.raises(gateway_responses.NotDeployed, match="chalice deploy --stage dev"):
        gateway_responses.deployed_api("dev", tmp_path)
    (tmp_path / ".chalice" / "deployed").mkdir()
    record = {
        "schema_version": "2.0",
        "backend": "api",
        "resources": [
            {"name": "api_handler", "resource_type": "lambda_function", "lambda_arn": "arn:x"},
            {"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "a1b2c3d4e5"},
        ],
    }
    (tmp_path / ".chalice" / "deployed" / "dev.json").write_text(json.dumps(record))

    assert gateway_responses.deployed_api("dev", tmp_path) == ("a1b2c3d4e5", "api")


def test_the_step_reads_the_same_responses_as_the_package_path() -> None:
    merged = json.loads((ROOT / "infra" / "gateway.json").read_text())
    body = merged["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert gateway_responses.responses() == body["x-amazon-apigateway-gateway-responses"]
