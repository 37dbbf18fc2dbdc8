"""The catalogue's codes as pydantic types: the OpenAPI document lists every allowed value
(an ``enum``), so a client (or a fuzzer) knows them, and the check is the same list.

pydantic: imported by the schemas only, on a route's first call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

from chalicelib.services.equivalence.catalogue import LEVELS, TRAININGS
from chalicelib.services.equivalence.library import countries
from chalicelib.services.equivalence.library.levels import DECISION_LEVELS
from chalicelib.services.equivalence.machines import STATES


def _one_of(codes: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in codes:
            raise ValueError(f"one of {', '.join(codes)}")
        return value

    return check


def _enum(codes: Iterable[str]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(codes)})


_LEVELS, _TRAININGS = tuple(LEVELS), tuple(TRAININGS)
_DECISION_LEVELS = tuple(DECISION_LEVELS)
_STATES = tuple(s.name for s in STATES)

Level = Annotated[str, AfterValidator(_one_of(_LEVELS)), _enum(_LEVELS)]
Training = Annotated[str, AfterValidator(_one_of(_TRAININGS)), _enum(_TRAININGS)]
# A sector committee's field is a kind of training; "" when it is the diploma's training.
FieldOrSame = Annotated[str, AfterValidator(_one_of(("", *_TRAININGS))), _enum(("", *_TRAININGS))]
# A level of the decisions catalogue: today's and the former ones (DEA, DESS, maîtrise ...).
DecisionLevel = Annotated[str, AfterValidator(_one_of(_DECISION_LEVELS)), _enum(_DECISION_LEVELS)]


def _country(value: str) -> str:
    code = countries.canonical(value)
    if code is None:
        raise ValueError(countries.refusal(value))
    return code


# Where decisions come from: ISO 3166-1 alpha-2, or ISO 3166-3 for a former country (an old
# two-letter alias such as SU is read as SUHH). See library/countries.py.
Country = Annotated[str, AfterValidator(_country), _enum(countries.ACCEPTED)]
State = Annotated[str, AfterValidator(_one_of(_STATES)), _enum(_STATES)]
