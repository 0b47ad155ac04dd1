"""The error envelope: one mapping from the error tree to statuses, and no stray formats."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from personae import errors
from personae.api._errors import STATUS_BY_ERROR, status_for
from personae.errors import PersonaeError
from tests.api.helpers import User, error_of

EXPECTED_STATUS = {
    "PersonaeError": 400,
    "EmbeddingError": 503,
    "EmbedderMismatchError": 409,
    "JobNotFoundError": 404,
    "InputError": 422,
    "EmptyTextError": 422,
    "BinaryInputError": 422,
    "TextTooShortError": 422,
    "TextTooLargeError": 422,
    "WeakPasswordError": 422,
    "NotEnoughDataError": 422,
    "ProfileError": 422,
    "IncompatibleProfileError": 422,
    "NotFoundError": 404,
    "UserNotFoundError": 404,
    "PersonaNotFoundError": 404,
    "VersionNotFoundError": 404,
    "LabelNotFoundError": 404,
    "UnknownPlatformError": 404,
    "StrategyNotFoundError": 404,
    "EpisodeNotFoundError": 404,
    "ClusterNotFoundError": 404,
    "TraitNotFoundError": 404,
    "MemoryNotFoundError": 404,
    "ChatSessionNotFoundError": 404,
    "ContentNotFoundError": 404,
    "PublisherNotFoundError": 404,
    "ExperimentNotFoundError": 404,
    "ConflictError": 409,
    "VersionConflictError": 409,
    "DuplicateNameError": 409,
    "DuplicateEmailError": 409,
    "FeedbackConflictError": 409,
    "SyncError": 422,
    "InvalidDefinitionError": 422,
    "CardError": 422,
    "AuthError": 401,
    "InvalidCredentialsError": 401,
    "TokenExpiredError": 401,
    "InvalidTokenError": 401,
    "PermissionDeniedError": 403,
    "RateLimitedError": 429,
    "TokenBudgetExceededError": 429,
    "StoreError": 503,
    "LLMError": 502,
    "LLMSpecError": 422,
    "LLMRequestError": 422,
    "LLMUnavailableError": 503,
    "LLMTransientError": 503,
    "LLMTimeoutError": 504,
    "LLMOutputError": 502,
}

ERROR_CLASSES = {
    name: obj
    for name in errors.__all__
    if inspect.isclass(obj := getattr(errors, name)) and issubclass(obj, PersonaeError)
}


def _instance(cls: type[PersonaeError]) -> PersonaeError:
    """One instance of each class, whatever its constructor wants."""
    special = {
        errors.TextTooShortError: lambda: errors.TextTooShortError(words=3, needed=25),
        errors.TextTooLargeError: lambda: errors.TextTooLargeError(size=9, limit=5),
        errors.WeakPasswordError: lambda: errors.WeakPasswordError("short", reason="too_short"),
        errors.VersionConflictError: lambda: errors.VersionConflictError(
            persona_id=1, expected=1, actual=2
        ),
        errors.RateLimitedError: lambda: errors.RateLimitedError(retry_after=7, limit=3),
        errors.TokenBudgetExceededError: lambda: errors.TokenBudgetExceededError(
            spent=120, budget=100, retry_after=86_400, renews="2027-01-01"
        ),
        errors.UnknownPlatformError: lambda: errors.UnknownPlatformError("myspace", known=["x"]),
    }
    return special[cls]() if cls in special else cls(f"a {cls.__name__}", hint="x")


def test_every_error_class_has_an_expected_status() -> None:
    assert set(ERROR_CLASSES) == set(EXPECTED_STATUS)


@pytest.mark.parametrize("name", sorted(EXPECTED_STATUS))
def test_status_follows_the_family(name: str) -> None:
    assert status_for(_instance(ERROR_CLASSES[name])) == EXPECTED_STATUS[name]


def test_a_new_subclass_inherits_its_familys_status() -> None:
    class BrandNewConflict(errors.DuplicateNameError):
        code = "brand_new"

    assert status_for(BrandNewConflict("x")) == 409
    assert BrandNewConflict not in STATUS_BY_ERROR


@pytest.fixture
def raising_app(app: FastAPI) -> FastAPI:
    """The real app plus a route that raises whatever error the test names."""

    @app.get("/raise/{name}")
    def raise_it(name: str) -> None:
        if name == "RuntimeError":
            raise RuntimeError("a bug with a secret inside: hunter2")
        raise _instance(ERROR_CLASSES[name])

    return app


@pytest.fixture
def raising_client(raising_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(raising_app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("name", sorted(EXPECTED_STATUS))
def test_every_error_becomes_its_envelope(raising_client: TestClient, name: str) -> None:
    response = raising_client.get(f"/raise/{name}")
    assert response.status_code == EXPECTED_STATUS[name]
    error = error_of(response)
    cls = ERROR_CLASSES[name]
    assert error["code"] == cls.code
    assert error["message"] == _instance(cls).message
    if issubclass(cls, errors.AuthError):
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    else:
        assert "WWW-Authenticate" not in response.headers
    if cls is errors.RateLimitedError:
        assert response.headers["Retry-After"] == "7"
        assert error["details"] == {"retry_after": 7, "limit": 3}


def test_an_unexpected_error_is_a_500_envelope_without_internals(
    raising_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = raising_client.get("/raise/RuntimeError")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert "a bug with a secret inside" in caplog.text  # it is logged for the operator


def test_unknown_routes_are_a_404_envelope(client: TestClient) -> None:
    for path in ("/nowhere", "/api/personas/1/nowhere", "/api"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_a_wrong_method_is_a_405_envelope(client: TestClient, alice: User) -> None:
    response = client.patch("/api/personas/1", headers=alice.headers, json={})
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_a_422_saying_so(client: TestClient, alice: User) -> None:
    response = client.post(
        "/api/personas",
        content=b'{"name": "x",',
        headers=alice.headers | {"content-type": "application/json"},
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["message"].startswith("body: the body is not valid JSON")
    assert error["details"]["errors"][0]["type"] == "json_invalid"


def test_wrong_types_list_every_field_path(client: TestClient, alice: User) -> None:
    response = client.post(
        "/api/personas",
        json={"name": 5, "expertise": ["ok", 7], "confidence_score": "high"},
        headers=alice.headers,
    )
    assert response.status_code == 422
    error = error_of(response)
    locations = {item["loc"] for item in error["details"]["errors"]}
    assert locations == {"body.name", "body.expertise[1]", "body.confidence_score"}
    assert "body.name: Input should be a valid string" in error["message"]
    assert all("input" not in item for item in error["details"]["errors"])


def test_a_body_without_json_content_type_is_refused(client: TestClient, alice: User) -> None:
    response = client.post(
        "/api/personas",
        content=b'{"name": "x"}',
        headers=alice.headers | {"content-type": "text/plain"},
    )
    assert response.status_code == 422
    error_of(response)


def test_docs_and_schema_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "personae"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            responses = operation["responses"]
            assert {"200", "201", "202"} & set(responses), where
            errors_documented = [code for code in responses if code.startswith(("4", "5"))]
            assert errors_documented, where
            for code in errors_documented:
                ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
                # /v1 answers in OpenAI's error shape, for OpenAI clients (see api/v1).
                shape = "/OpenAIError" if path.startswith("/v1/") else "/ErrorEnvelope"
                assert ref.endswith(shape), where
            if (
                not path.startswith("/api/health")
                and not path.startswith("/api/auth/re")
                and path != "/api/auth/login"
            ):
                assert operation.get("security"), where
                assert "401" in responses, where
