"""schemathesis against the published OpenAPI schema, inside the test suite.

Stateless and bounded: every operation gets MAX_EXAMPLES generated requests in three passes, sent through
the real WSGI stack (middleware included) as a police partner who may change the shared case, with a token:

- positive data aimed at that case (so reads answer 200 and writes really write),
- positive data with generated path parameters (mostly cases that do not exist or are not shared),
- negative data (values the schema forbids), which must be refused with a 4xx.

Checks: no 5xx, status codes, content types, headers and bodies as documented, negative data rejected,
and authentication enforced (schemathesis retries without and with a wrong token). The examples are
derandomised so the suite is repeatable; the figures are printed (-s) and asserted.
"""

import tempfile
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api import create_token
from audit.models import AccessLog

MAX_EXAMPLES = 25
OPERATIONS = [
    "GET /api/v1/cases/",
    "GET /api/v1/cases/{reference}/",
    "GET /api/v1/cases/{reference}/parties/",
    "GET /api/v1/cases/{reference}/incidents/",
    "POST /api/v1/cases/{reference}/incidents/",
    "GET /api/v1/cases/{reference}/actions/",
    "PATCH /api/v1/cases/{reference}/actions/{action_id}/",
    "POST /api/v1/cases/{reference}/notes/",
    "GET /api/v1/cases/{reference}/notices/",
    "POST /api/v1/cases/{reference}/marac-referrals/",
    "GET /api/v1/marac-referrals/{referral_id}/",
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


@pytest.fixture
def wsgi_app():
    """Django's own WSGI handler, kept on the test's database connection (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_schemathesis_finds_no_server_errors_and_responses_match_the_schema(world, police_user, wsgi_app, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "100000/minute"}}
    case, _, ids = world
    _, secret = create_token(user=police_user, name="schemathesis")
    headers = {"Authorization": f"Token {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app, headers=headers)

    tally = {"examples": 0, "statuses": {}, "failures": []}

    def run_pass(operation, mode, path_parameters):
        """MAX_EXAMPLES generated requests for one operation; failures are collected, not raised."""

        @given(generated=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(generated):
            tally["examples"] += 1
            try:
                response = generated.call_and_validate(headers=headers, checks=CHECKS)
            except FailureGroup as group:
                tally["failures"].append(f"{operation.label} [{mode}]: {group}")
                return
            tally["statuses"][response.status_code] = tally["statuses"].get(response.status_code, 0) + 1

        run()

    labels, no_negative = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        known = {}
        for name, value in (("reference", case.reference), *ids.items()):
            if f"{{{name}}}" in operation.path:
                known[name] = value
        run_pass(operation, GenerationMode.POSITIVE, known)
        run_pass(operation, GenerationMode.POSITIVE, None)
        try:
            run_pass(operation, GenerationMode.NEGATIVE, None)
        except Unsatisfiable:  # an operation whose every input accepts any value has no negative data
            no_negative.append(operation.label)

    operations, examples, statuses, failures = len(labels), tally["examples"], tally["statuses"], tally["failures"]
    print(
        f"\nschemathesis: {operations} operations, {examples} examples, {len(failures)} failures; "
        f"responses by status {dict(sorted(statuses.items()))}; no negative data possible for {no_negative}"
    )
    assert sorted(labels) == sorted(OPERATIONS)
    assert examples >= operations * 2 * 10, "too few examples were generated to mean anything"
    assert 200 in statuses and 201 in statuses and 404 in statuses and 400 in statuses
    assert AccessLog.objects.filter(action="api_read", case_id=case.pk).exists()
    (Path(tempfile.gettempdir()) / "schemathesis-failures.txt").write_text("\n\n".join(failures))
    assert not failures, "\n\n".join(failures[:10])
