"""A redeploy keeps the stack's parameters that the caller does not give (an operator's
sender address, the allowed origins), instead of resetting them to the template's defaults."""

from __future__ import annotations

from typing import Any

from infra import stack


class FakeCloudFormation:
    """Just what ``stack.deploy`` calls, recording the update."""

    class exceptions:  # noqa: N801 (boto3's shape)
        ClientError = RuntimeError

    def __init__(self, current: dict[str, str]) -> None:
        self.current = current
        self.updates: list[dict[str, Any]] = []

    def describe_stacks(self, StackName: str) -> dict[str, Any]:  # noqa: N803 (boto3's names)
        parameters = [{"ParameterKey": k, "ParameterValue": v} for k, v in self.current.items()]
        return {"Stacks": [{"StackStatus": "UPDATE_COMPLETE", "Parameters": parameters}]}

    def update_stack(self, **args: Any) -> None:
        self.updates.append(args)

    def get_waiter(self, name: str) -> Any:
        return self

    def wait(self, StackName: str) -> None:  # noqa: N803
        pass


def test_parameters_not_given_keep_their_previous_values() -> None:
    fake = FakeCloudFormation(
        {
            "Stage": "prod",
            "SenderEmail": "notifications@khidmat.gov.ma",
            "AllowedOrigins": "https://portail.khidmat.gov.ma",
            "PublicBaseUrl": "https://api.khidmat.gov.ma",
        }
    )
    stack.deploy(fake, "prod", {"PublicBaseUrl": "https://api.khidmat.gov.ma/v2"})
    (update,) = fake.updates
    assert sorted(update["Parameters"], key=lambda p: p["ParameterKey"]) == [
        {"ParameterKey": "AllowedOrigins", "UsePreviousValue": True},
        {"ParameterKey": "PublicBaseUrl", "ParameterValue": "https://api.khidmat.gov.ma/v2"},
        {"ParameterKey": "SenderEmail", "UsePreviousValue": True},
        {"ParameterKey": "Stage", "ParameterValue": "prod"},
    ]
