"""Access and refresh tokens: round trips, expiry, forgery, tampering, wrong types."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from personae.auth import (
    VerifiedTokens,
    create_access_token,
    create_refresh_token,
    decode_token,
    issue_tokens,
)
from personae.config import Settings
from personae.errors import AuthError, InvalidTokenError, TokenExpiredError
from tests.doubles import FakeClock

SECRET = "s" * 64  # long enough for HS512 too, so PyJWT does not warn


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None, secret_key=SECRET, environment="test")


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signed(payload: dict[str, object], secret: str = SECRET) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")


def _payload(**overrides: object) -> dict[str, object]:
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, object] = {
        "sub": "7",
        "type": "access",
        "role": "user",
        "iat": now,
        "exp": now + 600,
        "jti": "abc",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def test_access_token_round_trip(settings: Settings) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    token = create_access_token(7, "admin", settings=settings, now=now)
    claims = decode_token(token, "access", settings=settings)
    assert claims.user_id == 7
    assert claims.role == "admin"
    assert claims.type == "access"
    assert claims.issued_at == now
    assert claims.expires_at - claims.issued_at == timedelta(minutes=15)
    assert claims.jti


def test_refresh_token_round_trip(settings: Settings) -> None:
    claims = decode_token(create_refresh_token(7, settings=settings), "refresh", settings=settings)
    assert claims.user_id == 7
    assert claims.role is None  # the refresh endpoint re-reads the user's role
    assert claims.expires_at - claims.issued_at == timedelta(days=14)


def test_tokens_carry_the_documented_claims(settings: Settings) -> None:
    token = create_access_token(7, "user", settings=settings)
    payload = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert set(payload) == {"sub", "role", "type", "iat", "exp", "jti"}
    assert payload["sub"] == "7"


def test_every_token_has_its_own_id(settings: Settings) -> None:
    first = decode_token(
        create_access_token(7, "user", settings=settings), "access", settings=settings
    )
    second = decode_token(
        create_access_token(7, "user", settings=settings), "access", settings=settings
    )
    assert first.jti != second.jti


def test_lifetimes_come_from_the_settings() -> None:
    settings = Settings(_env_file=None, secret_key=SECRET, access_token_minutes=5)
    pair = issue_tokens(7, "user", settings=settings)
    claims = decode_token(pair.access_token, "access", settings=settings)
    assert claims.expires_at - claims.issued_at == timedelta(minutes=5)
    assert pair.expires_in == 300
    assert pair.token_type == "bearer"
    assert decode_token(pair.refresh_token, "refresh", settings=settings).user_id == 7


def test_an_expired_token_is_refused_as_expired(settings: Settings) -> None:
    past = datetime.now(UTC) - timedelta(minutes=16)
    token = create_access_token(7, "user", settings=settings, now=past)
    with pytest.raises(TokenExpiredError) as caught:
        decode_token(token, "access", settings=settings)
    assert caught.value.code == "token_expired"
    assert isinstance(caught.value, AuthError)


def test_an_expired_refresh_token_is_refused(settings: Settings) -> None:
    past = datetime.now(UTC) - timedelta(days=15)
    with pytest.raises(TokenExpiredError):
        decode_token(
            create_refresh_token(7, settings=settings, now=past), "refresh", settings=settings
        )


def test_leeway_tolerates_clock_skew(settings: Settings) -> None:
    past = datetime.now(UTC) - timedelta(minutes=15, seconds=5)
    token = create_access_token(7, "user", settings=settings, now=past)
    assert decode_token(token, "access", settings=settings, leeway=60).user_id == 7


def test_a_token_signed_with_another_secret_is_refused(settings: Settings) -> None:
    other = Settings(_env_file=None, secret_key="o" * 48)
    forged = create_access_token(7, "admin", settings=other)
    with pytest.raises(InvalidTokenError, match="signature"):
        decode_token(forged, "access", settings=settings)


def test_a_tampered_payload_is_refused(settings: Settings) -> None:
    token = create_access_token(7, "user", settings=settings)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    tampered = f"{header}.{_b64(claims)}.{signature}"
    with pytest.raises(InvalidTokenError) as caught:
        decode_token(tampered, "access", settings=settings)
    assert caught.value.code == "invalid_token"


def test_a_refresh_token_cannot_be_used_as_an_access_token(settings: Settings) -> None:
    with pytest.raises(InvalidTokenError, match="access"):
        decode_token(create_refresh_token(7, settings=settings), "access", settings=settings)


def test_an_access_token_cannot_be_used_to_refresh(settings: Settings) -> None:
    with pytest.raises(InvalidTokenError, match="refresh"):
        decode_token(
            create_access_token(7, "user", settings=settings), "refresh", settings=settings
        )


@pytest.mark.parametrize("token", ["", "not a token", "a.b.c", "e30.e30.", "...."])
def test_malformed_tokens_are_refused(settings: Settings, token: str) -> None:
    with pytest.raises(InvalidTokenError):
        decode_token(token, "access", settings=settings)


def test_unsigned_tokens_are_refused(settings: Settings) -> None:
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_payload(role='admin'))}."
    with pytest.raises(InvalidTokenError):
        decode_token(unsigned, "access", settings=settings)


def test_other_algorithms_are_refused(settings: Settings) -> None:
    token = jwt.encode(_payload(), SECRET, algorithm="HS512")
    with pytest.raises(InvalidTokenError):
        decode_token(token, "access", settings=settings)


@pytest.mark.parametrize(
    "overrides",
    [
        {"jti": None},
        {"type": None},
        {"sub": None},
        {"exp": None},
        {"iat": None},
        {"type": "session"},
        {"sub": "alice"},
        {"sub": "-7"},
        {"role": None},
        {"role": "root"},
        {"jti": ""},
    ],
    ids=repr,
)
def test_genuine_tokens_with_bad_claims_are_refused(
    settings: Settings, overrides: dict[str, object]
) -> None:
    with pytest.raises(InvalidTokenError):
        decode_token(_signed(_payload(**overrides)), "access", settings=settings)


@pytest.mark.parametrize("user_id", [0, -1, True, "7"])
def test_tokens_are_only_made_for_real_user_ids(settings: Settings, user_id: object) -> None:
    with pytest.raises(ValueError, match="user id"):
        create_access_token(user_id, "user", settings=settings)  # type: ignore[arg-type]


def test_tokens_are_only_made_for_known_roles(settings: Settings) -> None:
    with pytest.raises(ValueError, match="role"):
        create_access_token(7, "root", settings=settings)  # type: ignore[arg-type]


# -- VerifiedTokens: the per-app memo of verified access tokens ----------------------


def test_a_verified_token_is_remembered_until_it_expires(settings: Settings) -> None:
    clock = FakeClock(start=datetime.now(UTC).timestamp())
    memo = VerifiedTokens(clock=clock)
    token = create_access_token(7, "user", settings=settings)
    first = memo.access_claims(token, settings=settings)
    # Another secret would refuse the token: a second answer can only come from memory.
    other = Settings(_env_file=None, secret_key="o" * 64, environment="test")
    assert memo.access_claims(token, settings=other) == first
    clock.advance(settings.access_token_minutes * 60 + 1)
    # Past its expiry the memo no longer answers: the token is verified again, and the
    # other secret refuses it.
    with pytest.raises(InvalidTokenError):
        memo.access_claims(token, settings=other)
    assert len(memo) == 0


def test_an_expired_token_is_refused_by_the_memo(settings: Settings) -> None:
    past = datetime.now(UTC) - timedelta(minutes=settings.access_token_minutes + 1)
    token = create_access_token(7, "user", settings=settings, now=past)
    with pytest.raises(TokenExpiredError):
        VerifiedTokens().access_claims(token, settings=settings)


def test_refused_tokens_are_never_remembered(settings: Settings) -> None:
    memo = VerifiedTokens()
    forged = _signed(_payload(), secret="f" * 64)
    refresh = create_refresh_token(7, settings=settings)
    for token in (forged, refresh, forged):
        with pytest.raises(InvalidTokenError):
            memo.access_claims(token, settings=settings)
    assert len(memo) == 0


def test_the_memo_is_bounded(settings: Settings) -> None:
    memo = VerifiedTokens(max_entries=2)
    tokens = [create_access_token(user, "user", settings=settings) for user in (1, 2, 3)]
    claims = [memo.access_claims(token, settings=settings) for token in tokens]
    assert [c.user_id for c in claims] == [1, 2, 3]
    assert len(memo) <= 2
