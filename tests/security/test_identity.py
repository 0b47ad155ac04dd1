"""Identities that cannot be reused (issue 13, findings 1 and 8).

On SQLite a deleted user's id goes to the next registrant; a token naming the user by id
only then acted for the new account. Tokens now name a sign-in (``sid``) that dies with
the account, refresh tokens rotate with reuse detection, and logout ends a sign-in.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.helpers import PASSWORD, error_of

STRONG = "a fairly long passphrase nobody uses"


def _register(client: TestClient, email: str) -> dict[str, object]:
    response = client.post("/api/auth/register", json={"email": email, "password": STRONG})
    assert response.status_code == 201, response.text
    data: dict[str, object] = response.json()["data"]
    return data


def _bearer(tokens: object) -> dict[str, str]:
    assert isinstance(tokens, dict)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_a_deleted_accounts_tokens_never_reach_the_next_account(client: TestClient) -> None:
    old = _register(client, "old@example.org")
    old_tokens = old["tokens"]
    assert isinstance(old_tokens, dict)
    assert client.delete("/api/account", headers=_bearer(old_tokens)).status_code == 200
    new = _register(client, "new@example.org")
    new_user = new["user"]
    assert isinstance(new_user, dict)
    created = client.post("/api/personas", json={"name": "secret"}, headers=_bearer(new["tokens"]))
    assert created.status_code == 201
    # Whether or not the id was reused, the old tokens act for nobody.
    me = client.get("/api/auth/me", headers=_bearer(old_tokens))
    assert me.status_code == 401
    listed = client.get("/api/personas", headers=_bearer(old_tokens))
    assert listed.status_code == 401
    refreshed = client.post(
        "/api/auth/refresh", json={"refresh_token": old_tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_sign_in(client: TestClient) -> None:
    tokens = _register(client, "carol@example.org")["tokens"]
    assert isinstance(tokens, dict)
    first = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    rotated = first.json()["data"]
    assert rotated["refresh_token"] != tokens["refresh_token"]
    # The old refresh token again: reuse, so the whole sign-in ends...
    reused = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401
    assert error_of(reused)["code"] == "invalid_token"
    # ...including the pair it had already handed out.
    again = client.post("/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert again.status_code == 401
    assert client.get("/api/personas", headers=_bearer(rotated)).status_code == 401


def test_logout_ends_the_sign_in_and_only_it(client: TestClient) -> None:
    tokens = _register(client, "dave@example.org")["tokens"]
    other = client.post(
        "/api/auth/login", json={"email": "dave@example.org", "password": STRONG}
    ).json()["data"]
    assert client.post("/api/auth/logout", headers=_bearer(tokens)).status_code == 200
    assert client.get("/api/personas", headers=_bearer(tokens)).status_code == 401
    assert isinstance(tokens, dict)
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    # Another sign-in of the same account goes on.
    assert client.get("/api/personas", headers=_bearer(other)).status_code == 200


def test_register_does_not_repeat_whether_an_address_exists(client: TestClient) -> None:
    _register(client, "erin@example.org")
    again = client.post(
        "/api/auth/register", json={"email": "erin@example.org", "password": PASSWORD}
    )
    assert again.status_code == 409
    assert "erin@example.org" not in again.text


def test_common_passwords_are_refused(client: TestClient) -> None:
    for password in ("password", "password1", "12345678", "qwertyuiop", "Password123"):
        response = client.post(
            "/api/auth/register", json={"email": "f@example.org", "password": password}
        )
        assert response.status_code == 422, password
        assert error_of(response)["details"]["reason"] in {"common", "too_short"}
