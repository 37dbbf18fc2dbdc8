"""What a request must carry before the consulate validates it (decision 37): the documents
of its service (the catalogue's), and for a minor filed for by a guardian, the document that
proves the tie. Pure: the case's payload says which service and which person."""

from __future__ import annotations

from chalicelib import consulates
from chalicelib.workflow.case import Case
from chalicelib.workflow.guards import missing_documents
from chalicelib.workflow.machine import DocumentRule


def case_documents(case: Case) -> tuple[DocumentRule, ...]:
    """The request's checklist, in the catalogue's order, the tie's proof last."""
    svc = consulates.service(str(case.payload.get("service", "")))
    rules = svc.documents if svc else ()
    person = case.payload.get("person") or {}
    tie = consulates.RELATIONS.get(str(person.get("relation", "")))
    if tie is None:
        return rules
    kept = tuple(r for r in rules if r.kind != tie.kind)
    return (*kept, tie)


def every_rule() -> tuple[DocumentRule, ...]:
    """Every kind any request may take (optional here: which are required is the case's)."""
    rules = [r for s in consulates.SERVICES for r in s.documents]
    rules += consulates.RELATIONS.values()
    return tuple({r.kind: r._replace(required=False) for r in rules}.values())


def missing(case: Case) -> list[str]:
    """The required kinds of the request's checklist with no verified document yet."""
    return missing_documents(case, case_documents(case))


def unknown_kinds(case: Case, kinds: list[str]) -> list[str]:
    """Kinds the request's checklist does not have."""
    known = {r.kind for r in case_documents(case)}
    return [k for k in kinds if k not in known]


def titles(case: Case, kinds: list[str], language: str) -> str:
    """The kinds as the citizen reads them, in their language."""
    by_kind = {r.kind: r for r in case_documents(case)}
    shown = []
    for kind in kinds:
        rule = by_kind.get(kind)
        names = dict(rule.titles) if rule else {}
        shown.append(names.get(language) or names.get("fr") or kind)
    return "; ".join(shown)
