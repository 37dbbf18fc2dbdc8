"""``chalice local``, answering an unknown path as the deployed API does.

API Gateway answers a path no route matches itself; in the cloud its gateway responses
(infra/gateway.json) make that a 404 problem. chalice local imitates API Gateway's default
(403 "Missing Authentication Token"), so this launcher gives it the same gateway response.
"""

from __future__ import annotations

import sys
from typing import Any

from chalice import local
from chalice.cli import main

from scripts.gateway_responses import responses


def _unknown_path_response() -> dict[str, Any]:
    body = responses()["MISSING_AUTHENTICATION_TOKEN"]
    headers = {
        name.rsplit(".", 1)[-1]: value.strip("'")
        for name, value in body["responseParameters"].items()
    }
    return {
        "statusCode": int(body["statusCode"]),
        "headers": headers,
        "multiValueHeaders": {},
        "body": body["responseTemplates"]["application/json"],
    }


_original = local.LocalGateway.handle_request


def handle_request(self: Any, method: str, path: str, headers: Any, body: Any) -> Any:
    try:
        return _original(self, method, path, headers, body)
    except local.ForbiddenError as error:
        if b"Missing Authentication Token" not in (error.body or b""):
            raise
        return _unknown_path_response()


local.LocalGateway.handle_request = handle_request  # type: ignore[method-assign]

if __name__ == "__main__":
    from scripts.standins.payment_gateway import wire_in_process

    wire_in_process()  # the local stage's payment gateway, in this process (not packaged)
    sys.exit(main())
