"""Checklist: generated requests against the published OpenAPI description never get a 5xx.

Schemathesis reads ``/api/v1/openapi.json`` from the app and generates valid and invalid
requests for every operation (bodies, query strings, path ids), sent with a real token.
The number of examples per operation is bounded so that CI stays fast
(``FEEDBACK_FUZZ_EXAMPLES`` raises it for a longer run); the generation is derandomised,
so a failure reproduces.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("FEEDBACK_FUZZ_EXAMPLES", "12"))


@pytest.mark.parametrize("role", ["admin", "drafter", "reviewer"])
def test_generated_api_requests_never_get_a_server_error(app, people, report, api, role):
    token = api.as_(getattr(people, role)).token
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, sent, operations = [], 0, 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal sent
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            sent += 1
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} "
                    f"query={case.query} body={case.body!r:.200} -> {response.status_code}"
                )

        run()

    assert operations >= 50, "the OpenAPI description lost operations"
    assert sent >= operations, "schemathesis generated fewer requests than operations"
    assert not failures, "server errors:\n" + "\n".join(failures[:20])
