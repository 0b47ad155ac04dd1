"""Translating what provider SDKs and HTTP servers say into personae's errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from personae.errors import (
    LLMError,
    LLMRequestError,
    LLMTimeoutError,
    LLMTransientError,
    LLMUnavailableError,
)
from personae.llm import OpenAILLM
from personae.llm._sdk import retry_after_seconds, translate_http_error, translate_transport


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after_hints(headers: dict[str, str] | None, seconds: float | None) -> None:
    assert retry_after_seconds(headers) == seconds


def test_a_retry_after_date_becomes_seconds() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    wait = retry_after_seconds({"retry-after": later})
    assert wait is not None
    assert 100 < wait <= 120


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, LLMRequestError),
        (413, LLMRequestError),
        (422, LLMRequestError),
        (401, LLMUnavailableError),
        (402, LLMUnavailableError),
        (403, LLMUnavailableError),
        (404, LLMUnavailableError),
        (408, LLMTransientError),
        (429, LLMTransientError),
        (500, LLMTransientError),
        (529, LLMTransientError),
        (418, LLMError),
    ],
)
def test_statuses_map_to_the_family(status: int, error: type[LLMError]) -> None:
    translated = translate_http_error(status, "why", provider="p", model="m", retry_after=2.0)
    assert type(translated) is error
    assert translated.details["status"] == status
    assert "HTTP" in translated.message
    if isinstance(translated, LLMTransientError):
        assert translated.retry_after == 2.0


def test_transport_errors_are_translated_by_their_library() -> None:
    import httpx2

    timeout = translate_transport(httpx2.ReadTimeout("slow"), provider="p", model="m")
    broken = translate_transport(httpx2.RemoteProtocolError("cut"), provider="p", model="m")
    assert isinstance(timeout, LLMTimeoutError)
    assert isinstance(broken, LLMTransientError)
    assert translate_transport(ValueError("mine"), provider="p", model="m") is None


def test_providers_with_one_configuration_share_one_client() -> None:
    first = OpenAILLM("a", api_key="k", base_url="http://127.0.0.1:9/v1")
    second = OpenAILLM("b", api_key="k", base_url="http://127.0.0.1:9/v1")
    other = OpenAILLM("a", api_key="other", base_url="http://127.0.0.1:9/v1")
    assert first._client is second._client
    assert first._client is not other._client
