"""``/api/auth``: registration, login, refresh, tokens that must fail, API keys, limits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from personae.api import create_app
from personae.auth import create_access_token, create_refresh_token
from personae.config import Settings
from personae.store import Database, crud, session_scope
from tests.api.helpers import (
    PASSWORD,
    SECRET,
    User,
    create_persona,
    error_of,
    make_settings,
    open_sign_in,
    signed_in_token,
)


def _register(client: TestClient, email: str = "new@example.org", password: str = PASSWORD):
    return client.post("/api/auth/register", json={"email": email, "password": password})


def test_register_returns_the_user_and_working_tokens(client: TestClient) -> None:
    response = _register(client, email="  New@Example.org ")
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["user"]["email"] == "new@example.org"
    assert data["user"]["role"] == "user"
    assert set(data["user"]) == {"id", "email", "role", "created_at"}  # no hash
    tokens = data["tokens"]
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 15 * 60
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["data"]["id"] == data["user"]["id"]


def test_register_never_returns_or_logs_the_password(
    client: TestClient, caplog: pytest.LogCaptureFixture, db: Database
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = _register(client)
        client.post("/api/auth/login", json={"email": "new@example.org", "password": PASSWORD})
        client.post("/api/auth/login", json={"email": "new@example.org", "password": "x" * 5000})
    assert PASSWORD not in response.text
    assert PASSWORD not in caplog.text
    from personae.store import User as UserRow

    with session_scope(db) as session:
        stored = session.get(UserRow, response.json()["data"]["user"]["id"])
        assert stored is not None
        assert stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash


def test_a_validation_error_does_not_echo_the_password(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", json={"email": "not-an-email", "password": "hunter2-secret"}
    )
    assert response.status_code == 422
    assert "hunter2-secret" not in response.text


def test_duplicate_email_is_a_409(client: TestClient) -> None:
    assert _register(client).status_code == 201
    again = _register(client, email="NEW@example.org")
    assert again.status_code == 409
    assert error_of(again)["code"] == "duplicate_email"


@pytest.mark.parametrize(
    ("password", "reason"), [("short", "too_short"), ("        ", "blank"), ("x" * 257, "too_long")]
)
def test_weak_passwords_are_a_422_with_the_reason(
    client: TestClient, password: str, reason: str
) -> None:
    response = _register(client, password=password)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "weak_password"
    assert error["details"] == {"reason": reason}


def test_login_and_refresh(client: TestClient) -> None:
    _register(client)
    login = client.post("/api/auth/login", json={"email": "new@example.org", "password": PASSWORD})
    assert login.status_code == 200
    pair = login.json()["data"]
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200
    new = refreshed.json()["data"]
    assert new["access_token"] != pair["access_token"]
    headers = {"Authorization": f"Bearer {new['access_token']}"}
    assert client.get("/api/personas", headers=headers).status_code == 200


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient) -> None:
    _register(client)
    wrong = client.post(
        "/api/auth/login", json={"email": "new@example.org", "password": "nope-nope"}
    )
    unknown = client.post(
        "/api/auth/login", json={"email": "who@example.org", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert error_of(wrong) == error_of(unknown)
    assert wrong.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_the_cli_user_cannot_log_in(client: TestClient, db: Database) -> None:
    from personae.store import UserCreate

    with session_scope(db) as session:
        crud.create_user(
            session=session, data=UserCreate(email="local@personae", password_hash="!")
        )
    response = client.post("/api/auth/login", json={"email": "local@personae", "password": "!" * 8})
    assert response.status_code == 401


def test_refresh_refuses_access_tokens_and_vanished_users(
    client: TestClient, alice: User, settings: Settings, db: Database
) -> None:
    wrong_type = client.post("/api/auth/refresh", json={"refresh_token": alice.token})
    assert wrong_type.status_code == 401
    assert error_of(wrong_type)["code"] == "invalid_token"
    session_id, jti = open_sign_in(db, alice.id)
    refresh = create_refresh_token(alice.id, session_id=session_id, jti=jti, settings=settings)
    with session_scope(db) as session:
        crud.delete_user(session=session, user_id=alice.id)
    gone = client.post("/api/auth/refresh", json={"refresh_token": refresh})
    assert gone.status_code == 401


# -- tokens that must not work ---------------------------------------------------------


def _token_cases(user: User, settings: Settings) -> dict[str, tuple[str, str]]:
    """name -> (bearer value, expected error code)."""
    past = datetime.now(UTC) - timedelta(hours=2)
    payload = jwt.decode(user.token, options={"verify_signature": False})
    tampered_payload = payload | {"sub": "999", "role": "admin"}
    header, _, signature = user.token.split(".")
    forged_body = jwt.encode(tampered_payload, "x" * 40, algorithm="HS256").split(".")[1]
    return {
        "expired": (
            create_access_token(user.id, "user", settings=settings, now=past),
            "token_expired",
        ),
        "other secret": (
            jwt.encode(payload, "another-secret" * 4, algorithm="HS256"),
            "invalid_token",
        ),
        "tampered payload": (f"{header}.{forged_body}.{signature}", "invalid_token"),
        "alg none": (jwt.encode(payload, None, algorithm="none"), "invalid_token"),
        "refresh as access": (create_refresh_token(user.id, settings=settings), "invalid_token"),
        "garbage": ("not.a.jwt", "invalid_token"),
        "malformed api key": ("pk_short", "invalid_credentials"),
        "unknown api key": ("pk_abcdefgh_" + "A" * 43, "invalid_credentials"),
    }


CASES = [
    "expired",
    "other secret",
    "tampered payload",
    "alg none",
    "refresh as access",
    "garbage",
    "malformed api key",
    "unknown api key",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_tokens_are_a_401(
    client: TestClient, alice: User, settings: Settings, case: str
) -> None:
    create_persona(client, alice)
    token, code = _token_cases(alice, settings)[case]
    response = client.get("/api/personas", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert error_of(response)["code"] == code
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "analyst" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic YWxpY2U6cHc="},
        {"Authorization": "Bearer"},
        {"Authorization": ""},
    ],
)
def test_missing_credentials_are_a_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/personas", headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_deleted_users_token_reaches_nothing_and_cannot_be_refreshed(
    client: TestClient, alice: User, settings: Settings, db: Database
) -> None:
    pid = create_persona(client, alice)["id"]
    session_id, jti = open_sign_in(db, alice.id)
    refresh = create_refresh_token(alice.id, session_id=session_id, jti=jti, settings=settings)
    with session_scope(db) as session:
        crud.delete_user(session=session, user_id=alice.id)
    # Deleted behind the API's back: the cached sign-in state lasts SESSION_TTL_SECONDS.
    client.app.state.personae.cache.clear()  # type: ignore[attr-defined]
    # A token ends with its account's sign-ins: every route refuses it (401), and it
    # cannot be renewed.
    for method, path, body in [
        ("GET", "/api/personas", None),
        ("GET", f"/api/personas/{pid}", None),
        ("POST", "/api/personas", {"name": "ghost"}),
        ("POST", "/api/personas/sync", {"personas": []}),
        ("GET", "/api/auth/me", None),
        ("GET", "/api/account/export", None),
        ("DELETE", "/api/account", None),
        ("POST", "/api/auth/keys", {"name": "k"}),
    ]:
        response = client.request(method, path, json=body, headers=alice.headers)
        assert response.status_code == 401, (method, path)
        assert error_of(response)["code"] == "invalid_token"
    assert client.post("/api/auth/refresh", json={"refresh_token": refresh}).status_code == 401


def test_tokens_signed_for_another_deployment_fail(
    client: TestClient, alice: User, database_url: str, tmp_path: Path
) -> None:
    other = make_settings(database_url, tmp_path, secret_key="a-different-secret-" + "z" * 30)
    token = create_access_token(alice.id, "user", settings=other)
    response = client.get("/api/personas", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert SECRET not in response.text


# -- API keys ---------------------------------------------------------------------------


def _new_key(client: TestClient, user: User, name: str = "ci") -> dict[str, object]:
    response = client.post("/api/auth/keys", json={"name": name}, headers=user.headers)
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()["data"]
    return data


def test_api_keys_authenticate_and_are_shown_once(client: TestClient, alice: User) -> None:
    created = _new_key(client, alice)
    plaintext = str(created["api_key"])
    assert plaintext.startswith("pk_")
    create_persona(client, alice, name="viakey")
    as_key = client.get("/api/personas", headers={"Authorization": f"Bearer {plaintext}"})
    assert as_key.status_code == 200
    assert [p["name"] for p in as_key.json()["data"]["items"]] == ["viakey"]
    listed = client.get("/api/auth/keys", headers=alice.headers)
    assert plaintext not in listed.text  # only the prefix is ever shown again
    keys = listed.json()["data"]
    assert [key["name"] for key in keys] == ["ci"]
    assert keys[0]["last_used_at"] is not None
    assert "key_hash" not in keys[0]


def test_a_revoked_key_is_refused_from_the_next_request(client: TestClient, alice: User) -> None:
    created = _new_key(client, alice)
    key_headers = {"Authorization": f"Bearer {created['api_key']}"}
    assert client.get("/api/personas", headers=key_headers).status_code == 200
    key_id = created["key"]["id"]  # type: ignore[index]
    revoked = client.delete(f"/api/auth/keys/{key_id}", headers=alice.headers)
    assert revoked.status_code == 200
    assert revoked.json()["data"]["revoked"] is True
    refused = client.get("/api/personas", headers=key_headers)
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "invalid_credentials"


def test_keys_cannot_manage_keys_or_erase_the_account(client: TestClient, alice: User) -> None:
    created = _new_key(client, alice)
    key_headers = {"Authorization": f"Bearer {created['api_key']}"}
    for method, url, body in [
        ("POST", "/api/auth/keys", {"name": "more"}),
        ("GET", "/api/auth/keys", None),
        ("DELETE", f"/api/auth/keys/{created['key']['id']}", None),  # type: ignore[index]
        ("DELETE", "/api/account", None),
    ]:
        response = client.request(method, url, json=body, headers=key_headers)
        assert response.status_code == 403, (method, url)
        assert error_of(response)["code"] == "permission_denied"


def test_other_users_keys_cannot_be_revoked(client: TestClient, alice: User, bob: User) -> None:
    created = _new_key(client, alice)
    response = client.delete(f"/api/auth/keys/{created['key']['id']}", headers=bob.headers)  # type: ignore[index]
    assert response.status_code == 404
    key_headers = {"Authorization": f"Bearer {created['api_key']}"}
    assert client.get("/api/personas", headers=key_headers).status_code == 200


def test_keys_act_only_for_their_owner(client: TestClient, alice: User, bob: User) -> None:
    pid = create_persona(client, alice)["id"]
    bobs_key = _new_key(client, bob)
    response = client.get(
        f"/api/personas/{pid}", headers={"Authorization": f"Bearer {bobs_key['api_key']}"}
    )
    assert response.status_code == 404


# -- rate limits ------------------------------------------------------------------------


def test_sign_in_routes_are_limited_per_client_address(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path, auth_rate_limit_per_minute=3)
    with TestClient(create_app(settings)) as client:
        bad = {"email": "who@example.org", "password": "wrong-password"}
        statuses = [client.post("/api/auth/login", json=bad).status_code for _ in range(3)]
        assert statuses == [401, 401, 401]
        limited = client.post("/api/auth/login", json=bad)
        assert limited.status_code == 429
        assert error_of(limited)["code"] == "rate_limited"
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        # The budget is per address, whatever the account: registering is limited too.
        assert _register(client).status_code == 429
        # Requests with a token are counted per user instead, apart from sign-ins.
        assert client.get("/api/health").status_code == 200


def test_authenticated_routes_are_limited_per_user_and_per_key(
    db: Database, database_url: str, tmp_path: Path, make_user: Callable[..., User]
) -> None:
    settings = make_settings(database_url, tmp_path, rate_limit_per_minute=3)
    carol, dave = make_user("carol@example.org"), make_user("dave@example.org")
    carol = User(
        carol.id, carol.email, carol.role, signed_in_token(db, carol.id, settings=settings)
    )
    dave = User(dave.id, dave.email, dave.role, signed_in_token(db, dave.id, settings=settings))
    with TestClient(create_app(settings)) as client:
        key = client.post("/api/auth/keys", json={"name": "k"}, headers=carol.headers)
        assert key.status_code == 201  # carol: 1 of 3
        assert client.get("/api/personas", headers=carol.headers).status_code == 200  # 2
        assert client.get("/api/personas", headers=carol.headers).status_code == 200  # 3
        limited = client.get("/api/personas", headers=carol.headers)
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1
        assert error_of(limited)["details"]["limit"] == 3
        # Others, and carol's API key, have budgets of their own.
        assert client.get("/api/personas", headers=dave.headers).status_code == 200
        key_headers = {"Authorization": f"Bearer {key.json()['data']['api_key']}"}
        assert client.get("/api/personas", headers=key_headers).status_code == 200


def test_with_redis_the_budget_is_shared_by_every_worker(
    db: Database,
    database_url: str,
    tmp_path: Path,
    redis_url: str,
    redis_namespace: str,
    alice: User,
) -> None:
    settings = make_settings(
        database_url,
        tmp_path,
        rate_limit_per_minute=4,
        redis_url=redis_url,
        redis_namespace=redis_namespace,
    )
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        statuses = [
            worker.get("/api/personas", headers=alice.headers).status_code
            for worker in (a, b, a, b, a, b)
        ]
    assert statuses == [200, 200, 200, 200, 429, 429]
