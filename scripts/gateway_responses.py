"""After ``chalice deploy``: API Gateway's own errors answered as problem+json.

An unknown path, a throttled call or a body over 10 MB is answered by API Gateway before the
app runs. ``infra/gateway.json`` holds those gateway responses, shaped like the app's problems
(a test keeps them in step). ``chalice deploy`` imports the API from a Swagger body that has
none of them, so ``make deploy`` runs this step right after it:
``python -m scripts.gateway_responses --stage dev`` reads the REST API's id from Chalice's
record of the deploy (``.chalice/deployed/<stage>.json``), puts every response that differs
(``apigateway.put_gateway_response``) and, only if one changed, deploys the API's stage
again, since a gateway response is live only once the stage is redeployed. Run twice, the
second run changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GATEWAY = ROOT / "infra" / "gateway.json"
FIELDS = ("statusCode", "responseParameters", "responseTemplates")


class NotDeployed(Exception):
    """No REST API to apply the responses to; the message says why."""


def responses(gateway: Path = GATEWAY) -> dict[str, dict[str, Any]]:
    """Each gateway response type and what it answers, from ``infra/gateway.json``."""
    body = json.loads(gateway.read_text())["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    found: dict[str, dict[str, Any]] = body["x-amazon-apigateway-gateway-responses"]
    return found


def deployed_api(stage: str, project_dir: Path = ROOT) -> tuple[str, str]:
    """The REST API id ``chalice deploy`` recorded for the stage, and its API Gateway stage."""
    record = project_dir / ".chalice" / "deployed" / f"{stage}.json"
    if not record.exists():
        raise NotDeployed(f"{record} is missing: run `chalice deploy --stage {stage}` first")
    resources = json.loads(record.read_text()).get("resources", [])
    api = [r for r in resources if r.get("resource_type") == "rest_api"]
    if not api:
        raise NotDeployed(f"{record} has no rest_api: the stage has no HTTP API deployed")
    config = json.loads((project_dir / ".chalice" / "config.json").read_text())
    api_stage = (
        config["stages"]
        .get(stage, {})
        .get("api_gateway_stage", config.get("api_gateway_stage", "api"))
    )
    return str(api[0]["rest_api_id"]), str(api_stage)


def _current(apigateway: Any, rest_api_id: str) -> dict[str, dict[str, Any]]:
    items = apigateway.get_gateway_responses(restApiId=rest_api_id, limit=500)["items"]
    return {
        item["responseType"]: {
            "statusCode": item.get("statusCode"),
            "responseParameters": item.get("responseParameters", {}),
            "responseTemplates": item.get("responseTemplates", {}),
        }
        for item in items
    }


def apply(
    apigateway: Any, rest_api_id: str, api_stage: str, wanted: dict[str, dict[str, Any]]
) -> list[str]:
    """Put the responses that differ from ``wanted``, redeploy the stage if any did; return
    the response types that changed (none on a second run)."""
    current = _current(apigateway, rest_api_id)
    changed = []
    for kind, response in sorted(wanted.items()):
        target = {field: response.get(field, {}) for field in FIELDS}
        if current.get(kind) == target:
            continue
        apigateway.put_gateway_response(restApiId=rest_api_id, responseType=kind, **target)
        changed.append(kind)
    if changed:
        apigateway.create_deployment(
            restApiId=rest_api_id,
            stageName=api_stage,
            description=f"problem+json gateway responses: {len(changed)} changed",
        )
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--stage", required=True, choices=["dev", "prod"])
    args = parser.parse_args(argv)
    import boto3

    try:
        rest_api_id, api_stage = deployed_api(args.stage)
    except NotDeployed as error:
        print(f"gateway responses: {error}", file=sys.stderr)
        return 2
    wanted = responses()
    changed = apply(boto3.client("apigateway"), rest_api_id, api_stage, wanted)
    if changed:
        print(
            f"gateway responses: {len(changed)} of {len(wanted)} put on REST API {rest_api_id}, "
            f"stage {api_stage} redeployed"
        )
    else:
        print(f"gateway responses: all {len(wanted)} already in place on REST API {rest_api_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
