"""tests/support/moto_fast.py keeps moto's answers: a failed transaction leaves every item as
it was, a query on the table's key reads the same items in the same order."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def table(stack: Any) -> str:
    name = f"moto-fast-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "r", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [
                    {"AttributeName": "g", "KeyType": "HASH"},
                    {"AttributeName": "r", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return name


def _put(name: str, pk: str, sk: int, value: str) -> None:
    item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "v": {"S": value}}
    boto3.client("dynamodb").put_item(TableName=name, Item=item)


def _all(name: str, pk: str, **options: Any) -> list[tuple[int, str]]:
    answer = boto3.client("dynamodb").query(
        TableName=name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        **options,
    )
    return [(int(i["sk"]["N"]), i["v"]["S"]) for i in answer["Items"]]


def _key(pk: str, sk: int) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def test_a_failed_transaction_leaves_every_item_as_it_was(table: str) -> None:
    _put(table, "a", 1, "one")
    _put(table, "a", 2, "two")
    before = _all(table, "a")
    with pytest.raises(ClientError) as refused:
        boto3.client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key("a", 1),
                        "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "changed"}},
                    }
                },
                {"Delete": {"TableName": table, "Key": _key("a", 2)}},
                {
                    "Put": {
                        "TableName": table,
                        "Item": {**_key("a", 3), "v": {"S": "new"}},
                    }
                },
                {"Put": {"TableName": table, "Item": {**_key("b", 1), "v": {"S": "new"}}}},
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": _key("a", 9),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _all(table, "a") == before == [(1, "one"), (2, "two")]
    assert _all(table, "b") == []
    from moto.dynamodb.models import dynamodb_backends

    moto_table = dynamodb_backends["123456789012"]["eu-west-3"].tables[table]
    assert {str(k.value) for k in moto_table.items} == {"a"}  # no partition left behind


def test_a_transaction_that_succeeds_writes_everything(table: str) -> None:
    _put(table, "a", 1, "one")
    boto3.client("dynamodb").transact_write_items(
        TransactItems=[
            {"Delete": {"TableName": table, "Key": _key("a", 1)}},
            {"Put": {"TableName": table, "Item": {**_key("a", 2), "v": {"S": "two"}}}},
        ]
    )
    assert _all(table, "a") == [(2, "two")]


def test_a_query_reads_its_partition_in_order_and_pages(table: str) -> None:
    for sk in (5, 1, 3, 2, 4):
        _put(table, "a", sk, f"a{sk}")
        _put(table, "z", sk, f"z{sk}")
    assert _all(table, "a") == [(s, f"a{s}") for s in (1, 2, 3, 4, 5)]
    assert _all(table, "a", ScanIndexForward=False) == [(s, f"a{s}") for s in (5, 4, 3, 2, 1)]
    assert _all(table, "missing") == []
    client = boto3.client("dynamodb")
    first = client.query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND sk > :low",
        ExpressionAttributeValues={":pk": {"S": "z"}, ":low": {"N": "1"}},
        Limit=2,
    )
    assert [int(i["sk"]["N"]) for i in first["Items"]] == [2, 3]
    rest = client.query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND sk > :low",
        ExpressionAttributeValues={":pk": {"S": "z"}, ":low": {"N": "1"}},
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert [int(i["sk"]["N"]) for i in rest["Items"]] == [4, 5]


def test_a_table_copied_outside_a_transaction_is_a_copy(table: str) -> None:
    from moto.dynamodb.models import dynamodb_backends

    _put(table, "a", 1, "one")
    moto_table = dynamodb_backends["123456789012"]["eu-west-3"].tables[table]
    duplicate = copy.deepcopy(moto_table)
    assert duplicate is not moto_table and duplicate.items is not moto_table.items
    assert [i.attrs["v"].value for i in duplicate.all_items()] == ["one"]


def test_an_index_query_orders_by_the_index_then_the_table_keys(table: str) -> None:
    client = boto3.client("dynamodb")
    rows = [("b", 2, 1), ("a", 2, 2), ("a", 1, 2), ("c", 1, 1), ("a", 3, 1), ("b", 1, 3)]
    for pk, sk, r in rows:
        item = {**_key(pk, sk), "v": {"S": "x"}, "g": {"S": "G"}, "r": {"N": str(r)}}
        client.put_item(TableName=table, Item=item)
    client.put_item(TableName=table, Item={**_key("z", 1), "g": {"S": "other"}, "r": {"N": "1"}})
    client.put_item(TableName=table, Item={**_key("y", 1), "v": {"S": "not indexed"}})
    expected = sorted(rows, key=lambda row: (row[2], row[0], row[1]))
    asked = {
        "TableName": table,
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "G"}},
    }

    def seen(answer: dict[str, Any]) -> list[tuple[str, int, int]]:
        return [(i["pk"]["S"], int(i["sk"]["N"]), int(i["r"]["N"])) for i in answer["Items"]]

    assert seen(client.query(**asked)) == expected
    assert seen(client.query(**asked, ScanIndexForward=False)) == expected[::-1]
    first = client.query(**asked, Limit=4)
    rest = client.query(**asked, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert seen(first) + seen(rest) == expected
