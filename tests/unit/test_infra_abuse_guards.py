"""The template's guards against abuse that only AWS runs (moto has no GuardDuty and does
not bill SMS): checked as data, since cfn-lint validates their shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.decode.cfn_yaml import loads

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"


def resources() -> dict[str, Any]:
    return dict(loads(TEMPLATE.read_text())["Resources"])


def test_guardduty_scans_the_uploads_of_the_documents_bucket_and_tags_them() -> None:
    plan = resources()["DocumentsMalwareProtection"]
    assert plan["Type"] == "AWS::GuardDuty::MalwareProtectionPlan"
    assert plan["Condition"] == "IsCloud"  # moto has no GuardDuty: the stand-in tags locally
    props = plan["Properties"]
    assert props["ProtectedResource"]["S3Bucket"]["BucketName"] == {"Ref": "DocumentsBucket"}
    assert props["ProtectedResource"]["S3Bucket"]["ObjectPrefixes"] == ["cases/"]
    assert props["Actions"]["Tagging"]["Status"] == "ENABLED"


def test_an_alarm_watches_the_account_s_sms_spending() -> None:
    alarm = resources()["SmsSpendAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SNS", "SMSMonthToDateSpentUSD")
    assert alarm["Threshold"] == {"Ref": "SmsMonthlySpendAlarmUsd"}
    assert alarm["AlarmActions"] == [{"Ref": "OperationsTopic"}]


def test_every_dead_letter_queue_and_the_stream_failures_queue_wake_the_operators() -> None:
    """A message there is work no retry will finish (decisions 63 and 79): one is enough."""
    found = resources()
    queues = {
        name
        for name, r in found.items()
        if r["Type"] == "AWS::SQS::Queue"
        and (name.endswith("DeadLetterQueue") or "Failures" in name)
    }
    watched = {
        r["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for r in found.values()
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"]["Namespace"] == "AWS/SQS"
    }
    assert queues == watched and "StreamFailuresQueue" in queues and len(queues) == 6
    for r in found.values():
        if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"]["Namespace"] == "AWS/SQS":
            assert r["Properties"]["Threshold"] == 1
            assert r["Properties"]["AlarmActions"] == [{"Ref": "OperationsTopic"}]
