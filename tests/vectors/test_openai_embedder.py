"""The OpenAI-compatible embedder against a real HTTP server (Starlette on uvicorn).

The embedder uses the real ``openai`` SDK over a real socket; the server answers from a
plan (a normal answer, an HTTP error, a wrong answer, a delay) and keeps every request,
so what the SDK sends and how the embedder reads answers are both checked end to end.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from personae.config import Settings
from personae.errors import EmbeddingError, EmptyTextError, InputError
from personae.vectors import Embedder, OpenAIEmbedder, build_embedder
from tests.redis_support import free_port

WIDTH = 8


def fake_vector(text: str, width: int = WIDTH) -> list[float]:
    """A deterministic, deliberately not unit-length vector for ``text``."""
    digest = hashlib.sha256(text.encode()).digest()
    return [(byte - 127.5) / 10 for byte in digest[:width]]


@dataclass(frozen=True)
class Step:
    status: int = 200
    message: str = "refused"
    drop_one: bool = False
    width: int = WIDTH
    delay: float = 0.0


class EmbeddingServer:
    """Answers ``POST /v1/embeddings`` from a plan and records each request."""

    def __init__(self) -> None:
        self.plan: deque[Step] = deque()
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.url = ""
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/v1/embeddings", self._embed, methods=["POST"])])

    def reset(self, *steps: Step) -> None:
        with self._lock:
            self.plan = deque(steps)
            self.requests = []

    @property
    def inputs(self) -> list[list[str]]:
        return [body["input"] for _, body in self.requests]

    async def _embed(self, request: Request) -> Response:
        body = await request.json()
        with self._lock:
            self.requests.append((dict(request.headers), body))
            step = self.plan.popleft() if self.plan else Step()
        if step.delay:
            await asyncio.sleep(step.delay)
        if step.status != 200:
            return JSONResponse(
                {"error": {"message": step.message, "type": "test", "code": step.status}},
                status_code=step.status,
            )
        texts = body["input"]
        data = [
            {"object": "embedding", "index": i, "embedding": fake_vector(t, step.width)}
            for i, t in enumerate(texts)
        ]
        data.reverse()  # servers may answer out of order; ``index`` says which is which
        if step.drop_one:
            data = data[1:]
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 3, "total_tokens": 3},
            }
        )


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddingServer]:
    fake = EmbeddingServer()
    port = free_port()
    config = uvicorn.Config(
        fake.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none"
    )
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, name="fake-embeddings", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the embeddings server did not start")
        time.sleep(0.02)
    fake.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield fake
    finally:
        runner.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def live(server: EmbeddingServer) -> EmbeddingServer:
    server.reset()
    return server


def make(server: EmbeddingServer, **options: Any) -> OpenAIEmbedder:
    options.setdefault("max_retries", 0)
    return OpenAIEmbedder("test-model", base_url=server.url, api_key="sk-test", **options)


def test_vectors_are_unit_float32_in_input_order(live: EmbeddingServer) -> None:
    embedder = make(live, dimension=WIDTH)
    texts = ["first text", "second text", "third text"]
    vectors = embedder.embed(texts)
    assert isinstance(embedder, Embedder)
    assert embedder.name == "openai:test-model"
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, WIDTH)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    for text, vector in zip(texts, vectors, strict=True):
        expected = np.asarray(fake_vector(text))
        assert np.allclose(vector, expected / np.linalg.norm(expected), atol=1e-6)
    ((headers, body),) = live.requests
    assert headers["authorization"] == "Bearer sk-test"
    assert body == {"model": "test-model", "input": texts, "encoding_format": "float"}


def test_long_lists_go_out_in_batches(live: EmbeddingServer) -> None:
    texts = [f"text number {i}" for i in range(5)]
    vectors = make(live, dimension=WIDTH, batch_size=2).embed(texts)
    assert live.inputs == [texts[0:2], texts[2:4], texts[4:5]]
    single = make(live, dimension=WIDTH).embed(texts)
    assert np.allclose(vectors, single)


def test_the_dimension_is_asked_once_when_not_configured(live: EmbeddingServer) -> None:
    embedder = make(live)
    assert embedder.dimension == WIDTH
    assert embedder.dimension == WIDTH
    assert len(live.requests) == 1
    assert embedder.embed([]).shape == (0, WIDTH)
    assert len(live.requests) == 1


def test_a_change_of_dimension_between_answers_is_refused(live: EmbeddingServer) -> None:
    embedder = make(live, dimension=WIDTH)
    live.reset(Step(width=WIDTH // 2))
    with pytest.raises(EmbeddingError, match="dimensional") as caught:
        embedder.embed(["text"])
    assert caught.value.details == {"expected": WIDTH, "actual": WIDTH // 2}


@pytest.mark.parametrize(
    ("step", "match"),
    [
        (Step(status=401, message="bad key"), "refused the API key"),
        (Step(status=400, message="input too long for model"), "400: input too long"),
        (Step(status=404, message="model not found"), "404: model not found"),
        (Step(status=500, message="boom"), "500"),
        (Step(drop_one=True), "answered 1 vectors for 2 texts"),
    ],
)
def test_failures_become_embedding_errors(live: EmbeddingServer, step: Step, match: str) -> None:
    live.reset(step)
    with pytest.raises(EmbeddingError, match=match):
        make(live, dimension=WIDTH).embed(["one", "two"])


def test_a_transient_failure_is_retried(live: EmbeddingServer) -> None:
    live.reset(Step(status=503, message="overloaded"), Step())
    vectors = make(live, dimension=WIDTH, max_retries=1).embed(["retry me"])
    assert vectors.shape == (1, WIDTH)
    assert len(live.requests) == 2


def test_a_slow_server_times_out(live: EmbeddingServer) -> None:
    live.reset(Step(delay=1.5))
    with pytest.raises(EmbeddingError, match="timed out"):
        make(live, dimension=WIDTH, timeout=0.3).embed(["slow"])


def test_an_unreachable_server_is_an_embedding_error() -> None:
    embedder = OpenAIEmbedder(
        "m", base_url=f"http://127.0.0.1:{free_port()}/v1", max_retries=0, dimension=4
    )
    with pytest.raises(EmbeddingError, match="cannot reach"):
        embedder.embed(["anyone there?"])


@pytest.mark.parametrize(
    ("texts", "error"),
    [("one string", InputError), (["ok", " "], EmptyTextError), ([b"bytes"], InputError)],
)
def test_bad_texts_never_reach_the_server(
    live: EmbeddingServer, texts: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        make(live, dimension=WIDTH).embed(texts)
    assert live.requests == []


@pytest.mark.parametrize(
    "options", [{"batch_size": 0}, {"batch_size": 5000}, {"dimension": 0}, {"batch_size": True}]
)
def test_bad_options_are_refused(live: EmbeddingServer, options: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        make(live, **options)


def test_build_embedder_wires_the_settings(live: EmbeddingServer) -> None:
    settings = Settings(
        embedder="openai",
        embedding_model="test-model",
        embedding_base_url=live.url,
        embedding_api_key="sk-from-settings",
    )
    embedder = build_embedder(settings)
    assert isinstance(embedder, OpenAIEmbedder)
    assert embedder.embed(["hello"]).shape == (1, WIDTH)
    assert live.requests[0][0]["authorization"] == "Bearer sk-from-settings"


def test_build_embedder_needs_a_model_for_openai() -> None:
    with pytest.raises(EmbeddingError, match="PERSONAE_EMBEDDING_MODEL"):
        build_embedder(Settings(embedder="openai", embedding_model=" "))
