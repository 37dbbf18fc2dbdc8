"""The equivalence order as a wallet credential (``chalicelib.credentials.sources``): offered
for a file of the citizen's whose order is in force, issued while it still is."""

from __future__ import annotations

from typing import Any

from chalicelib.credentials.vci import GrantError
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal


class OrderSource:
    takes_case = True

    def subject_of(self, citizen: Principal, case_id: str | None, correlation_id: str) -> str:
        from chalicelib.services.equivalence import credential, domain, service
        from chalicelib.workflow import access

        case = access.visible_case(citizen, case_id or "", "GET credential offer", correlation_id)
        service.machine_of(case)
        if not credential.in_force(domain.current_decision(case.payload)):
            raise Refusal("conflict", "No equivalence order of this file is in force.")
        return case.id

    def issue(self, subject_ref: str, holder: dict[str, Any]) -> str:
        from chalicelib.services.equivalence import credential, domain
        from chalicelib.workflow.lifecycle import find

        case = find(subject_ref)
        decision = domain.current_decision(case.payload) if case else None
        if case is None or decision is None or not credential.in_force(decision):
            raise GrantError("invalid_credential_request", "the order is no longer in force")
        return credential.sd_jwt_vc(case, decision, holder)


SOURCE = OrderSource()
