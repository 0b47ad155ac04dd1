"""``/v1`` through the official ``openai`` SDK against a real server on loopback.

The model is scripted (``persona_responder``): a reply says which persona the model was
told it is, the last message it saw and how many system messages it got, so each test
can check what reached the model as well as what came back.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import openai
import pytest

from personae.samples import sample_writers
from tests.api.helpers import User
from tests.doubles import ScriptedLLM
from tests.serving import run_server
from tests.v1.conftest import Served, build_app, make_key, make_persona


def _client(served: Served, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{served.url}/v1", api_key=key, max_retries=0, timeout=60)


def _reply_requests(served: Served) -> list[Any]:
    """The requests that asked the model for a persona's reply (not traits, not memories)."""
    return [
        r
        for r in served.llm.requests
        if r.messages[0].content.startswith("You are ")
        and "behavioural traits" not in r.messages[0].content
        and "want to remember" not in r.messages[0].content
    ]


def test_models_list_the_callers_active_personas(
    served: Served, api_key: str, ada: dict[str, Any], bob: User
) -> None:
    make_persona(served.url, bob, "bobs-own")
    client = _client(served, api_key)
    models = client.models.list()
    assert [model.id for model in models.data] == ["ada"]
    card = client.models.retrieve("ada")
    assert (card.id, card.owned_by, card.object) == ("ada", "personae", "model")
    with pytest.raises(openai.NotFoundError) as caught:
        client.models.retrieve("bobs-own")  # another owner's persona is nobody's
    assert caught.value.code == "model_not_found"


def test_a_chat_answers_as_the_persona_keeping_every_message(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    client = _client(served, api_key)
    completion = client.chat.completions.create(
        model="ada",
        messages=[
            {"role": "system", "content": "You are in a writing group."},
            {"role": "system", "name": "example_user", "content": "Keep it short."},
            {"role": "user", "name": "Sam", "content": "Hello there"},
        ],
    )
    text = completion.choices[0].message.content
    assert text == "I am Ada. You said: Sam: Hello there. Systems seen: 3"
    assert completion.model == "ada"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.completion_tokens > 0
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    seen = _reply_requests(served)[-1].messages
    assert seen[0].content.startswith("You are Ada.")  # the persona's prompt first
    assert "Speak plainly." in seen[0].content
    assert [(m.role, m.content) for m in seen[1:]] == [
        ("system", "You are in a writing group."),
        ("system", "example_user: Keep it short."),
        ("user", "Sam: Hello there"),
    ]


def test_sampling_parameters_reach_the_model(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    client = _client(served, api_key)
    completion = client.chat.completions.create(
        model="ada",
        messages=[{"role": "user", "content": "Hello"}],
        temperature=0.25,
        max_tokens=3,
        stop=["NEVER"],
        seed=42,
    )
    request = _reply_requests(served)[-1]
    assert (request.temperature, request.max_tokens, request.stop, request.seed) == (
        0.25,
        3,
        ("NEVER",),
        42,
    )
    assert completion.choices[0].message.content == "I am Ada."
    assert completion.choices[0].finish_reason == "length"
    stopped = client.chat.completions.create(
        model="ada", messages=[{"role": "user", "content": "Hello"}], stop="said"
    )
    assert stopped.choices[0].message.content == "I am Ada. You"


def test_a_streamed_reply_is_the_same_reply_in_chunks(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    client = _client(served, api_key)
    messages: list[Any] = [{"role": "user", "content": "Tell me. Now."}]
    whole = client.chat.completions.create(model="ada", messages=messages, user="u-stream-a")
    stream = client.chat.completions.create(
        model="ada",
        messages=messages,
        stream=True,
        stream_options={"include_usage": True},
        user="u-stream-b",
    )
    chunks = list(stream)
    content = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert len(content) > 1  # really streamed, not one block
    assert "".join(content) == whole.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 0


def test_the_stream_ends_with_done_on_the_wire(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    body = {"model": "ada", "stream": True, "messages": [{"role": "user", "content": "Hi."}]}
    with httpx2.stream(
        "POST",
        f"{served.url}/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=60,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    assert all(line.startswith("data: ") for line in lines)
    assert '"usage"' in lines[-2]  # usage rides on the last chunk when not asked apart


def test_the_async_client_chats_and_streams(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    async def session() -> tuple[str, str]:
        client = openai.AsyncOpenAI(
            base_url=f"{served.url}/v1", api_key=api_key, max_retries=0, timeout=60
        )
        whole = await client.chat.completions.create(
            model="ada", messages=[{"role": "user", "content": "Async hello."}]
        )
        stream = await client.chat.completions.create(
            model="ada", messages=[{"role": "user", "content": "Async hello."}], stream=True
        )
        pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
        await client.close()
        return whole.choices[0].message.content or "", "".join(pieces)

    whole, streamed = asyncio.run(session())
    assert whole == streamed == "I am Ada. You said: Async hello.. Systems seen: 1"


def test_a_resent_history_continues_one_session(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    client = _client(served, api_key)
    history: list[Any] = [{"role": "user", "content": "My name is Sam."}]
    first = client.chat.completions.create(model="ada", messages=history)
    history += [
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "What did I say?"},
    ]
    second = client.chat.completions.create(model="ada", messages=history)
    other = client.chat.completions.create(
        model="ada", messages=[{"role": "user", "content": "A new conversation."}]
    )
    session = (first.model_extra or {})["personae"]["session_id"]
    assert (second.model_extra or {})["personae"]["session_id"] == session
    assert (other.model_extra or {})["personae"]["session_id"] != session
    by_user = [
        client.chat.completions.create(
            model="ada", messages=[{"role": "user", "content": f"Turn {n}."}], user="sam-42"
        )
        for n in range(2)
    ]
    sessions = {(c.model_extra or {})["personae"]["session_id"] for c in by_user}
    assert len(sessions) == 1
    assert sessions.isdisjoint({session})
    by_header = [
        client.chat.completions.create(
            model="ada",
            messages=[{"role": "user", "content": f"Turn {n}."}],
            extra_headers={"X-Session-Id": "tab-7"},
        )
        for n in range(2)
    ]
    assert len({(c.model_extra or {})["personae"]["session_id"] for c in by_header}) == 1


def test_the_score_extension(served: Served, api_key: str, ada: dict[str, Any]) -> None:
    founder = next(w for w in sample_writers() if w.key == "founder")
    served.llm.add(founder.held_out)
    client = _client(served, api_key)
    scored = client.chat.completions.create(
        model="ada",
        messages=[{"role": "user", "content": "Write your post."}],
        extra_body={"personae": {"score": True}},
    )
    extension = (scored.model_extra or {})["personae"]
    assert 0.0 <= extension["score"] <= 1.0
    assert extension["typicality"] is not None
    short = client.chat.completions.create(
        model="ada",
        messages=[{"role": "user", "content": "Hi"}],
        extra_body={"personae": {"score": True}},
    )
    short_extension = (short.model_extra or {})["personae"]
    assert short_extension["score"] is None
    assert "words" in short_extension["score_note"]
    plain = client.chat.completions.create(
        model="ada", messages=[{"role": "user", "content": "Hi"}]
    )
    assert "score" not in (plain.model_extra or {})["personae"]


def test_each_error_is_the_sdks_exception(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    bad_key = _client(served, "pk_" + "x" * 40)
    with pytest.raises(openai.AuthenticationError):
        bad_key.models.list()
    client = _client(served, api_key)
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="nobody", messages=[{"role": "user", "content": "x"}])
    assert missing.value.body["code"] == "model_not_found"  # type: ignore[index]
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(
            model="ada", messages=[{"role": "user", "content": "x"}], temperature=5
        )
    assert "temperature" in str(bad.value)
    with pytest.raises(openai.BadRequestError, match="no user message"):
        client.chat.completions.create(model="ada", messages=[{"role": "system", "content": "x"}])
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="ada", messages=[])
    with pytest.raises(openai.BadRequestError, match="text only"):
        client.chat.completions.create(
            model="ada",
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "http://x/y.png"}}],
                }
            ],
        )


@pytest.mark.parametrize(
    "body", [b"\xff\xfe not text", b"[" * 100_000 + b"]" * 100_000], ids=["binary", "deep"]
)
def test_an_unreadable_body_is_a_bad_request_in_openais_shape(
    served: Served, api_key: str, ada: dict[str, Any], body: bytes
) -> None:
    response = httpx2.post(
        f"{served.url}/v1/chat/completions",
        content=body,
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("the body is not valid JSON")


def test_a_rate_limit_is_a_rate_limit_error_with_retry_after(
    settings: Any, db: Any, alice: User
) -> None:
    app = build_app(
        settings.model_copy(update={"rate_limit_per_minute": 2}),
        db,
        ScriptedLLM(responder=lambda request: "ok"),
    )
    for url in run_server(app):
        key = make_key(url, alice)
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=30)
        client.models.list()
        client.models.list()
        with pytest.raises(openai.RateLimitError) as limited:
            client.models.list()
        assert int(limited.value.response.headers["retry-after"]) >= 1
        assert limited.value.code == "rate_limit_exceeded"


def test_a_sillytavern_request(served: Served, api_key: str, ada: dict[str, Any]) -> None:
    """The body SillyTavern's "Custom (OpenAI-compatible)" source sends (captured shape)."""
    body = {
        "messages": [
            {
                "role": "system",
                "content": "Write Ada's next reply in a fictional chat between Ada and Sam.",
            },
            {"role": "system", "content": "[Ada's personality: blunt, warm]"},
            {"role": "system", "content": "[Start a new Chat]"},
            {"role": "system", "name": "example_user", "content": "How do you start?"},
            {"role": "system", "name": "example_assistant", "content": "With the customer."},
            {"role": "assistant", "content": "Hey Sam. What are we building today?"},
            {"role": "user", "content": "A bakery app."},
            {"role": "system", "content": "[System note: stay in character.]"},
        ],
        "model": "ada",
        "temperature": 1,
        "frequency_penalty": 0,
        "presence_penalty": 0,
        "top_p": 1,
        "top_k": 0,
        "max_tokens": 300,
        "stream": False,
        "logit_bias": {},
        "stop": ["\nSam:"],
        "seed": 7,
        "n": 1,
        "user_name": "Sam",
        "char_name": "Ada",
        "include_reasoning": False,
        "custom_include_body": "",
    }
    response = httpx2.post(
        f"{served.url}/v1/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["object"] == "chat.completion"
    # The reply is to the last *user* message; the post-history note still reached the model.
    seen = _reply_requests(served)[-1].messages
    assert len(seen) == 1 + len(body["messages"])
    assert seen[-1].content == "[System note: stay in character.]"
    assert seen[4].content == "example_user: How do you start?"
    assert data["choices"][0]["message"]["content"].startswith("I am Ada.")


def test_response_format_json_schema_reaches_the_model(
    served: Served, api_key: str, ada: dict[str, Any]
) -> None:
    served.llm.add('{"mood": "hopeful", "words": 3}')
    schema = {
        "type": "object",
        "properties": {"mood": {"type": "string"}, "words": {"type": "integer"}},
        "required": ["mood", "words"],
    }
    client = _client(served, api_key)
    completion = client.chat.completions.create(
        model="ada",
        messages=[{"role": "user", "content": "How do you feel?"}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "mood", "schema": schema, "strict": True},
        },
    )
    assert json.loads(completion.choices[0].message.content or "") == {
        "mood": "hopeful",
        "words": 3,
    }
    request = _reply_requests(served)[-1]
    assert request.json_schema == schema  # handed to the provider, which constrains to it
    assert request.messages[-1].role == "system"
    assert "JSON object only" in request.messages[-1].content
    with pytest.raises(openai.BadRequestError, match="response_format"):
        client.chat.completions.create(
            model="ada",
            messages=[{"role": "user", "content": "x"}],
            response_format={"type": "json_schema", "json_schema": {"name": "x"}},
        )
