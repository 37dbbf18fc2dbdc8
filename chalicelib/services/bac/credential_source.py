"""The bac certificate as a wallet credential (``chalicelib.credentials.sources``): offered to
the CNIe holder who has a certificate, issued while it is valid."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.credentials import issuance, types
from chalicelib.credentials.vci import GrantError
from chalicelib.identity import Principal
from chalicelib.refusals import Refusal


class CertificateSource:
    takes_case = False

    def subject_of(self, citizen: Principal, case_id: str | None, correlation_id: str) -> str:
        from chalicelib.services.bac import certificates

        if not (citizen.acr == "cnie" and citizen.cnie):
            return ""
        try:
            candidate, held = certificates.certificate(citizen)
            if not held.sd_jwt:  # a certificate of before credentials: its bit, once
                certificates.credential(citizen)
        except Refusal:
            return ""  # no certificate to offer: no offer
        return f"{candidate.year}#{candidate.academy}#{candidate.candidate_number}"

    def issue(self, subject_ref: str, holder: dict[str, Any]) -> str:
        from chalicelib.services.bac import certificates, domain
        from chalicelib.store.bac import candidates
        from chalicelib.store.bac import certificates as certificate_store

        year, academy, number = subject_ref.split("#", 2)
        candidate = candidates.load_candidate(int(year), academy, number)
        held = (
            certificate_store.load_certificate(candidate.certificate_id)
            if candidate and candidate.certificate_id
            else None
        )
        if candidate is None or held is None or held.status != "valid" or not held.status_bit:
            raise GrantError("invalid_credential_request", "the certificate is no longer valid")
        if certificates.bit_says_invalid(held):
            raise GrantError("invalid_credential_request", "the certificate was revoked")
        clear, disclosable = types.bac_claims(candidate, domain.result_for(candidate))
        return issuance.issue(types.BAC, clear, disclosable, held.status_bit, clock.now(), holder)


SOURCE = CertificateSource()
