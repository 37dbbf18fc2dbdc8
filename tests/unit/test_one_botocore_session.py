"""One botocore session per thread behind every client (decision 76): a new session reads
botocore's JSON models again before its first client of a kind, which made a cold request
that touched several PynamoDB models pay for DynamoDB's model once per model."""

from __future__ import annotations

import threading

from chalicelib import aws
from chalicelib.store import binding
from chalicelib.store.case_items import CaseItem, OutboxItem


def test_boto3_clients_and_pynamodb_connections_share_the_threads_session() -> None:
    session = aws.botocore_session()
    models = [binding.bound(CaseItem), binding.bound(OutboxItem)]
    connections = [m._get_connection().connection for m in models] + [binding.connection()]
    assert {id(c.session) for c in connections} == {id(session)}
    assert aws.boto3_session()._session is session


def test_another_thread_has_a_session_of_its_own() -> None:
    """botocore's sessions are not thread-safe: a thread builds its clients from its own."""
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(aws.botocore_session()))
    worker.start()
    worker.join()
    assert seen and seen[0] is not aws.botocore_session()
    assert aws.botocore_session() is aws.botocore_session()


def test_every_client_reads_botocore_s_models_through_the_session_s_one_loader() -> None:
    """The loader caches what it parsed: a second client of a kind reads no JSON."""
    loader = aws.botocore_session().get_component("data_loader")
    assert aws.client("dynamodb")._loader is loader
    assert binding.bound(CaseItem)._get_connection().connection.client._loader is loader
