"""Each case type's machine, exported to ASL, is what is checked in and runs in Step Functions."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3

from chalicelib.workflow import asl
from scripts import statemachines
from tests.support.demo_case import DEMO


def test_checked_in_exports_match_the_machines() -> None:
    expected = statemachines.expected_files(statemachines.production_machines())
    stale = [str(p) for p, text in expected.items() if not p.exists() or p.read_text() != text]
    assert not stale, f"run `make statemachines`: {stale}"


def test_the_template_block_is_valid_cloudformation_for_a_machine() -> None:
    block = statemachines.template_block([DEMO])
    assert "LifecycleDemoStateMachine:" in block
    definition = json.loads(json.loads(block.split("DefinitionString: ", 1)[1].split("\n")[0]))
    assert definition == asl.to_asl(DEMO)


def _next_token(sqs: Any, url: str) -> dict[str, Any]:
    for _ in range(40):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
        if messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
            return dict(json.loads(messages[0]["Body"]))
        time.sleep(0.25)
    raise AssertionError("the state machine posted no task token")


def test_the_lifecycle_runs_in_step_functions(stack: Any) -> None:
    sfn, sqs = boto3.client("stepfunctions"), boto3.client("sqs")
    queue = (
        stack.env.get("LIFECYCLE_QUEUE_URL")
        or sqs.get_queue_url(QueueName="khidmat-local-lifecycle")["QueueUrl"]
    )
    definition = asl.to_json(DEMO).replace(asl.QUEUE_PLACEHOLDER, queue)
    machine = sfn.create_state_machine(
        name="lifecycle-demo-test",
        definition=definition,
        roleArn="arn:aws:iam::123456789012:role/states",
    )
    execution = sfn.start_execution(
        stateMachineArn=machine["stateMachineArn"], input=json.dumps({"case_id": "c-1"})
    )
    for transition, state in (("submit", "draft"), ("accept", "submitted")):
        message = _next_token(sqs, queue)
        assert (message["state"], message["case_id"]) == (state, "c-1")
        sfn.send_task_success(
            taskToken=message["task_token"], output=json.dumps({"transition": transition})
        )
    for _ in range(40):
        status = sfn.describe_execution(executionArn=execution["executionArn"])["status"]
        if status != "RUNNING":
            break
        time.sleep(0.25)
    assert status == "SUCCEEDED"


def test_the_diagram_names_every_transition() -> None:
    diagram = asl.to_mermaid(DEMO)
    assert diagram.startswith("stateDiagram-v2")
    for transition in DEMO.transitions:
        assert f": {transition.name} (" in diagram
