"""A real HTTP server speaking the OpenAI, Anthropic and Gemini protocols, for tests.

The providers under test use their real SDKs over a real socket against this server,
so the requests they build and the responses and errors they parse are checked end to
end, with no network mocking. The server answers from a plan: each request takes the
next :class:`Step` (an answer, an HTTP error, a delay), and every request body is kept.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.doubles import tokens_of
from tests.redis_support import free_port

__all__ = ["FakeProviderServer", "Received", "Step", "serve"]


@dataclass(frozen=True)
class Step:
    """What the server does with one request."""

    text: str = "Hello from the server."
    status: int = 200
    message: str = "refused"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish: str | None = None
    prompt_tokens: int = 7
    refuse_json_schema: bool = False
    """Answer 400 if the request asks for a JSON-schema mode, as older servers do."""


@dataclass(frozen=True)
class Received:
    path: str
    query: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeProviderServer:
    """The plan, the log of requests, and the Starlette app that serves them."""

    def __init__(self) -> None:
        self.plan: deque[Step] = deque()
        self.received: list[Received] = []
        self.url = ""
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._openai, methods=["POST"]),
                Route("/v1/messages", self._anthropic, methods=["POST"]),
                Route("/{version}/models/{rest:path}", self._gemini, methods=["POST"]),
            ]
        )

    def reset(self, *steps: Step) -> None:
        with self._lock:
            self.plan = deque(steps)
            self.received = []

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received]

    async def _take(self, request: Request) -> tuple[Step, dict[str, Any]]:
        body = await request.json()
        with self._lock:
            self.received.append(
                Received(request.url.path, request.url.query, dict(request.headers), body)
            )
            step = self.plan.popleft() if self.plan else Step()
        if step.delay:
            await asyncio.sleep(step.delay)
        return step, body

    @staticmethod
    def _error(step: Step, status: int | None = None) -> Response:
        code = status or step.status
        return JSONResponse(
            {"error": {"message": step.message, "type": "test_error", "code": code}},
            status_code=code,
            headers=step.headers,
        )

    # -- OpenAI chat completions ------------------------------------------------------

    async def _openai(self, request: Request) -> Response:
        step, body = await self._take(request)
        if step.refuse_json_schema and "response_format" in body:
            return self._error(step, 400)
        if step.status != 200:
            return self._error(step)
        tokens = tokens_of(step.text)
        finish = step.finish or "stop"
        model = body["model"]
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 1,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": step.text},
                            "finish_reason": finish,
                        }
                    ],
                    "usage": {
                        "prompt_tokens": step.prompt_tokens,
                        "completion_tokens": len(tokens),
                        "total_tokens": step.prompt_tokens + len(tokens),
                    },
                }
            )
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(delta: dict[str, str], reason: str | None) -> dict[str, Any]:
            return {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": reason}],
            }

        async def events() -> AsyncIterator[str]:
            yield f"data: {json.dumps(chunk({'role': 'assistant', 'content': ''}, None))}\n\n"
            for token in tokens:
                yield f"data: {json.dumps(chunk({'content': token}, None))}\n\n"
            yield f"data: {json.dumps(chunk({}, finish))}\n\n"
            if include_usage:
                usage = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion.chunk",
                    "created": 1,
                    "model": model,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": step.prompt_tokens,
                        "completion_tokens": len(tokens),
                        "total_tokens": step.prompt_tokens + len(tokens),
                    },
                }
                yield f"data: {json.dumps(usage)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    # -- Anthropic messages -----------------------------------------------------------

    async def _anthropic(self, request: Request) -> Response:
        step, body = await self._take(request)
        if step.refuse_json_schema and "output_config" in body:
            return self._error(step, 400)
        if step.status != 200:
            return self._error(step)
        tokens = tokens_of(step.text)
        finish = step.finish or "end_turn"
        message = {
            "id": "msg_test",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": step.text}],
            "stop_reason": finish,
            "stop_sequence": None,
            "usage": {"input_tokens": step.prompt_tokens, "output_tokens": len(tokens)},
        }
        if not body.get("stream"):
            return JSONResponse(message)

        def event(kind: str, data: dict[str, Any]) -> str:
            return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n"

        async def events() -> AsyncIterator[str]:
            start = message | {
                "content": [],
                "stop_reason": None,
                "usage": {"input_tokens": step.prompt_tokens, "output_tokens": 0},
            }
            yield event("message_start", {"message": start})
            yield event(
                "content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}
            )
            for token in tokens:
                yield event(
                    "content_block_delta",
                    {"index": 0, "delta": {"type": "text_delta", "text": token}},
                )
            yield event("content_block_stop", {"index": 0})
            yield event(
                "message_delta",
                {
                    "delta": {"stop_reason": finish, "stop_sequence": None},
                    "usage": {"output_tokens": len(tokens)},
                },
            )
            yield event("message_stop", {})

        return StreamingResponse(events(), media_type="text/event-stream")

    # -- Gemini generateContent -------------------------------------------------------

    async def _gemini(self, request: Request) -> Response:
        step, body = await self._take(request)
        config = body.get("generationConfig") or {}
        if step.refuse_json_schema and (
            "responseJsonSchema" in config or "responseSchema" in config
        ):
            return self._error(step, 400)
        if step.status != 200:
            return self._error(step)
        tokens = tokens_of(step.text)
        finish = step.finish or "STOP"

        def response(text: str, reason: str | None, count: int) -> dict[str, Any]:
            candidate: dict[str, Any] = {
                "content": {"role": "model", "parts": [{"text": text}]},
                "index": 0,
            }
            if reason:
                candidate["finishReason"] = reason
            return {
                "candidates": [candidate],
                "usageMetadata": {
                    "promptTokenCount": step.prompt_tokens,
                    "candidatesTokenCount": count,
                    "totalTokenCount": step.prompt_tokens + count,
                },
                "modelVersion": "test",
            }

        if request.path_params["rest"].endswith(":generateContent"):
            return JSONResponse(response(step.text, finish, len(tokens)))

        async def events() -> AsyncIterator[str]:
            for index, token in enumerate(tokens):
                last = index == len(tokens) - 1
                payload = response(token, finish if last else None, index + 1)
                yield f"data: {json.dumps(payload)}\r\n\r\n"

        return StreamingResponse(events(), media_type="text/event-stream")


def serve(server: FakeProviderServer) -> Iterator[FakeProviderServer]:
    """Run ``server`` with uvicorn on a free port in a thread, for the duration of a fixture."""
    port = free_port()
    config = uvicorn.Config(
        server.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, name="fake-llm-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake provider server did not start")
        time.sleep(0.02)
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        runner.should_exit = True
        thread.join(timeout=20)
