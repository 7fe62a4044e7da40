"""The whole JSON API fuzzed from its own OpenAPI description (schemathesis): whatever a client sends, valid or
not, the answer is never a server error, its status code is one the description documents, and its content type,
headers and body are the ones described. The database first holds a published program and registrations, so
that lists and lookups find something.

Each operation gets a bounded, reproducible run (hypothesis: 25 examples of valid input and 25 of invalid input,
derandomized). The operations run in one test per database rather than through `schema.parametrize()`, whose
fixture loader does not work with pytest 9; every operation's failure is reported, not only the first.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from tests.programs import publish_program

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def aimed(case, known: dict, aim: bool):
    """Half the cases name things that exist (the festival day, its unit, the item taking registrations), so that
    the full answers are checked too, not only the 404s of random numbers."""
    if aim:
        for name in case.path_parameters or {}:
            if name in known:
                case.path_parameters[name] = known[name]
        if isinstance(case.body, dict):
            case.body.update({name: known[name] for name in ("festival_id", "item_id") if name in case.body})
    return case


def fuzz(operation, known: dict) -> str | None:
    """The first failure hypothesis finds (shrunk) on this operation, as schemathesis reports it, or None."""
    schema = operation.schema
    generated = st.one_of(
        *schema.get_strategies_from_examples(operation),  # the description's own examples, e.g. a registration
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    cases = st.builds(aimed, generated, st.just(known), st.booleans())

    @RUN
    @given(case=cases)
    def run(case):
        case.call_and_validate(checks=CHECKS)

    try:
        run()
    except (FailureGroup, Exception) as failure:  # what the checks found (a BaseExceptionGroup), or an app error
        return f"{operation.label}: {failure}"
    return None


def test_every_operation_answers_as_described(app, make, world):
    program = publish_program(make, world)
    tickets = make.tickets(world)
    known = {
        "festival_id": program["festival"].id,
        "item_id": tickets["item"].id,
        "code": world["festival"].locality.code,
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8  # the read API, registering and the keys
    failures = [failure for operation in operations if (failure := fuzz(operation, known))]
    assert not failures, "\n\n".join(failures)


def test_a_method_an_address_does_not_take_is_a_405_problem_naming_those_it_takes(client, world):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        url = (
            path.replace("{festival_id}", "1")
            .replace("{list_id}", "1")
            .replace("{code}", "01")
            .replace("{year}", "2027")
        )
        described = {method.upper() for method in operations if method != "parameters"}
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - described:
            response = client.open(url, method=method)
            assert response.status_code == 405 and response.mimetype == "application/problem+json", (method, url)
            allowed = {m.strip() for m in response.headers.get("Allow", "").split(",")}
            assert described <= allowed, (method, url, allowed)
