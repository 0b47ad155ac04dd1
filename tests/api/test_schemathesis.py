"""Schema-driven tests: schemathesis sends generated requests to every documented operation.

Each operation gets an app on a fresh database holding a signed-in user, a persona with a
measured voice, a second version, a label and a platform adaptation; path parameters
naming a persona are pointed at that persona, so the real paths run rather than 404s.
The checks: no 5xx ever, every status and body as the schema documents it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from personae.api import create_app
from personae.config import Settings
from personae.samples import SampleWriter
from tests.api.helpers import User, create_persona


@dataclass(frozen=True)
class Seed:
    user: User
    persona_id: int


@pytest.fixture
def seed(client: TestClient, alice: User, writers: list[SampleWriter]) -> Seed:
    persona = create_persona(
        client, alice, name="seeded", writing_samples=list(writers[0].training)
    )
    pid = persona["id"]
    h = alice.headers
    assert client.put(
        f"/api/personas/{pid}", json={"version": 1, "role": "v2"}, headers=h
    ).is_success
    assert client.put(
        f"/api/personas/{pid}/labels/production", json={"version": 1}, headers=h
    ).is_success
    assert client.put(f"/api/personas/{pid}/platform/linkedin", json={}, headers=h).is_success
    return Seed(user=alice, persona_id=pid)


# The schema is the app's own; reading it opens nothing (no lifespan, no database).
schema = schemathesis.openapi.from_dict(create_app(Settings(_env_file=None)).openapi())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _aim_at_the_seed(case: Any, seed: Seed) -> None:
    """Point half the generated ids at the seeded rows, so real paths are exercised."""
    path = case.path_parameters
    if path is None:
        return
    if "persona_id" in path:
        path["persona_id"] = seed.persona_id
    if isinstance(path.get("version"), int) and path["version"] % 2 == 0:
        path["version"] = 1
    if isinstance(path.get("platform"), str) and len(path["platform"]) % 2 == 0:
        path["platform"] = "linkedin"
    if isinstance(path.get("label"), str) and len(path["label"]) % 2 == 0:
        path["label"] = "production"


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_fails_on_generated_input(case: Any, client: TestClient, seed: Seed) -> None:
    _aim_at_the_seed(case, seed)
    response = _send(client, case, seed.user.headers)
    case.validate_response(response, checks=CHECKS, headers=seed.user.headers)


def _send(client: TestClient, case: Any, headers: dict[str, str]) -> Any:
    """Send the generated request through the test's own client (inside its lifespan)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    options: dict[str, Any] = {"headers": kwargs.get("headers"), "params": kwargs.get("params")}
    if "json" in kwargs:
        options["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        options["content"] = data.encode() if isinstance(data, str) else data
    return client.request(kwargs["method"], kwargs["url"], **options)


def test_no_sequence_of_operations_fails(client: TestClient, seed: Seed) -> None:
    """The stateful phase: schemathesis chains operations by the links it infers (a
    created persona's id into the routes that take one) and checks every step."""
    base = schema.as_state_machine()
    headers = seed.user.headers

    class Workflow(base):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def call(self, case: Any, **kwargs: Any) -> Any:
            return schemathesis.Response.from_any(_send(client, case, headers))

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=headers)

    Workflow.run(
        settings=settings(
            max_examples=20,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
