"""Objects named inside a body or a query belong to the caller (OWASP API1).

This sweeps the route table: every field of a request body or query whose name says it
names an object (a stamp, a case, a cursor, a school, a slot, a file key ...) must be listed
here, either with the test that tries it with another principal's object, or with why no
principal owns that object (a public catalogue's code, a slot anyone may book). A new field
of that kind fails this test until someone decides which it is."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMES = re.compile(
    r"(stamp|case|agenda|share|school|slot|number|code|key|document|consulate|committee"
    r"|application|candidate|sitting|reference|cursor|family)",
    re.IGNORECASE,
)
E2E = "tests/e2e"
CURSOR = f"{E2E}/test_platform.py::test_a_cursor_is_bound_to_its_list_and_tamper_evident"

# (method, path, field) -> the test that tries another principal's object, or "public: why".
REFERENCES: dict[tuple[str, str, str], str] = {
    ("GET", "/audit", "query.cursor"): CURSOR,
    ("GET", "/audit", "query.case"): "public: an admin reads every case's trail",
    ("GET", "/me/cases", "query.cursor"): CURSOR,
    ("GET", "/cases/{case_id}/access-log", "query.cursor"): CURSOR,
    ("GET", "/equivalence/decisions", "query.cursor"): "public: the published decisions",
    ("POST", "/equivalence/decisions/import", "body.key"): (
        "public: an admin's import names a key of the documents bucket, which only staff write"
    ),
    ("GET", "/equivalence/queue", "query.cursor"): CURSOR,
    ("POST", "/equivalence/applications/{case_id}/actions/{action}", "body.order_number"): (
        "public: the number the ministry gives its own order"
    ),
    ("POST", "/equivalence/applications/{case_id}/actions/{action}", "body.bo_number"): (
        "public: an Official Bulletin's number"
    ),
    ("POST", "/equivalence/committees/{code}/sittings", "body.agenda"): (
        f"{E2E}/equivalence/test_eq_committees.py::test_a_sitting_from_agenda_to_minutes"
    ),
    ("POST", "/enrollment/applications", "body.school"): "public: the school map",
    ("GET", "/enrollment/schools/{code}/applications", "query.cursor"): CURSOR,
    ("GET", "/enrollment/follow-up", "query.school"): (
        f"{E2E}/enrollment/test_enrollment_journeys.py"
        "::test_a_director_reads_no_other_school_s_follow_up"
    ),
    ("POST", "/bac/sessions/{year}/results/import", "body.key"): (
        "public: an exam officer's import names a key of the documents bucket"
    ),
    ("GET", "/bac/queue", "query.cursor"): CURSOR,
    ("POST", "/bac/me/verification", "body.document"): (
        "public: the description of a file to upload, not a reference to one"
    ),
    ("POST", "/consular/appointment-requests", "body.consulate"): "public: the consulates",
    ("POST", "/consular/consulates/{code}/releases", "body.slots"): (
        "public: slots of the calendar of the agent's own consulate (the path's, checked)"
    ),
    ("POST", "/consular/appointment-requests", "body.stamp"): (
        f"{E2E}/etimbre/test_etimbre_appointment_api.py"
        "::test_another_citizen_s_paid_stamp_cannot_pay_for_my_appointment"
    ),
    ("PUT", "/consular/appointment-requests/{case_id}/stamp", "body.stamp"): (
        f"{E2E}/etimbre/test_etimbre_appointment_api.py"
        "::test_a_refused_stamp_is_not_a_dead_end_another_one_is_attached_before_the_visit"
    ),
    ("POST", "/consular/appointment-requests", "body.family"): (
        f"{E2E}/consular/test_consular_family.py"
        "::test_a_guardian_files_and_books_for_her_children_one_live_appointment_each"
    ),
    ("POST", "/consular/appointment-requests/{case_id}/booking", "body.slot"): (
        "public: a slot of the consulate's calendar, which any validated request may book"
    ),
    ("DELETE", "/consular/appointment-requests/{case_id}/booking", "query.slot"): (
        "public: a slot of the consulate's calendar"
    ),
    ("GET", "/consular/consulates/{code}/requests", "query.cursor"): CURSOR,
    ("GET", "/etimbre/consulates/{code}/refund-requests", "query.cursor"): CURSOR,
    ("POST", "/etimbre/stamps", "body.consulate"): "public: the consulates",
    ("GET", "/etimbre/fees", "query.consulate"): "public: the consulates' fee lists",
    ("POST", "/etimbre/stamps", "body.terminal_reference"): (
        "public: the reference printed by the consulate's own payment terminal"
    ),
    ("GET", "/etimbre/stamps", "query.cursor"): (
        f"{E2E}/etimbre/test_etimbre_purchase_api.py"
        "::test_a_buyer_lists_their_own_stamps_newest_first_page_by_page"
    ),
    ("POST", "/etimbre/stamps/{number}/consume", "body.case_id"): (
        f"{E2E}/etimbre/test_etimbre_use_api.py"
        "::test_a_use_is_recorded_only_against_an_appointment_of_the_agent_s_consulate"
    ),
    ("GET", "/etimbre/reconciliation", "query.consulate"): (
        "public: the treasury's auditor reconciles every consulate"
    ),
    ("POST", "/me/contacts/{contact_id}/confirm", "body.code"): (
        "tests/e2e/test_contacts_api.py::test_another_citizen_s_contact_cannot_be_confirmed"
    ),
    ("GET", "/me/credential-offers", "query.case"): (
        "tests/e2e/equivalence/test_eq_credential.py::"
        "test_a_wallet_takes_the_order_of_a_file_of_its_holder"
    ),
    # The code is the bearer secret of an offer made for its holder (single use, ten
    # minutes), and the transaction code the second factor shown only to them.
    ("POST", "/vci/token", "body.pre_authorized_code"): (
        "tests/e2e/bac/test_bac_wallet.py::test_a_wallet_takes_the_certificate_bound_to_its_key"
    ),
    ("POST", "/vci/token", "body.tx_code"): (
        "tests/e2e/bac/test_bac_wallet.py::test_a_wallet_takes_the_certificate_bound_to_its_key"
    ),
    ("POST", "/etimbre/reconciliation/settlements", "body.key"): (
        "public: the auditor names the gateway's settlement file in the documents bucket"
    ),
}


def named_objects() -> set[tuple[str, str, str]]:
    os.environ.setdefault("KHIDMAT_STAGE", "local")
    from app import app
    from chalicelib.api.routing import specs_of

    found = set()
    for spec in specs_of(app):
        for model, where in ((spec.body_model, "body"), (spec.query_model, "query")):
            for name in model.model_fields if model is not None else ():
                if NAMES.search(name):
                    found.add((spec.method, spec.path, f"{where}.{name}"))
    return found


def test_every_object_named_in_a_body_or_query_is_decided() -> None:
    undecided = named_objects() - set(REFERENCES)
    assert not undecided, f"say who owns these, and test it: {sorted(undecided)}"


def test_every_test_cited_exists() -> None:
    for citation in REFERENCES.values():
        if citation.startswith("public: "):
            continue
        path, _, name = citation.partition("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert name in names, citation
