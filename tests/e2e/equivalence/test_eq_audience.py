"""A view per audience: the applicant reads the state of the file and what was notified,
never the committee's per-criterion notes before the decision is notified; the ministry's
officer reads everything."""

from __future__ import annotations

import json

from tests.e2e.equivalence.eq_support import ASSESSMENT, Journey


def test_the_committee_s_notes_stay_internal_until_the_decision_is_notified(
    journey: Journey,
) -> None:
    journey.filed()
    journey.to_committee("law")
    law = journey.committee("law")
    proposal = {
        "outcome": "equivalence",
        "national_diploma": "Licence fondamentale en droit privé",
        "assessment": ASSESSMENT,
    }
    assert journey.ok(law, "propose", **proposal)["state"] == "proposed"

    seen = journey.view()  # the applicant
    assert seen["state"] == "proposed"
    assert "proposal" not in seen["payload"] and "assessment" not in json.dumps(seen)
    officer = journey.view(journey.officer)
    assert officer["payload"]["proposal"]["assessment"] == ASSESSMENT
    assert any("proposal_input" in h["data"] for h in officer["history"])

    granted = journey.decide_and_publish()
    assert granted["state"] == "granted"
    notified = journey.view()
    [decision] = notified["payload"]["decisions"]
    assert decision["national_diploma"] == "Licence fondamentale en droit privé"
    assert "proposal" not in notified["payload"]
