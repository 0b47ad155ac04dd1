"""Prometheus metrics of the whole process, in one place (``prometheus-client``).

The metrics are module-level objects in the client's default registry, as Prometheus
intends (one set per process); every layer records through the small functions below,
so no module outside this one touches ``prometheus_client``. When uvicorn runs several
workers, ``PROMETHEUS_MULTIPROC_DIR`` makes the client keep values in files there, and
:func:`exposition` merges every worker's (gauges: the sum over live workers).

Recording costs a dictionary lookup and a lock per observation, so it is always on;
whether ``/metrics`` is served is the API's setting (``PERSONAE_METRICS``).

>>> observe_chat_turn()
>>> b"personae_chat_turns_total" in exposition()[0]
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

__all__ = [
    "CONTENT_TYPE",
    "exposition",
    "observe_cache",
    "observe_chat_turn",
    "observe_job",
    "observe_llm_call",
    "observe_request",
    "set_job_queue_depth",
]

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The media type of :func:`exposition`'s body."""

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_LLM_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
_JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 1800.0)

REQUEST_SECONDS = Histogram(
    "personae_http_request_duration_seconds",
    "HTTP request latency, by route template (not the raw path) and status.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
LLM_CALLS = Counter(
    "personae_llm_calls_total",
    "Model calls, by provider, model and outcome (ok, cached, error).",
    ["provider", "model", "outcome"],
)
LLM_TOKENS = Counter(
    "personae_llm_tokens_total",
    "Tokens spent on model calls, by provider, model and direction (prompt, completion).",
    ["provider", "model", "direction"],
)
LLM_SECONDS = Histogram(
    "personae_llm_call_duration_seconds",
    "Model call latency (a stream: until its last token), by provider and model.",
    ["provider", "model"],
    buckets=_LLM_BUCKETS,
)
CACHE_LOOKUPS = Counter(
    "personae_cache_lookups_total",
    "Cache lookups by cache (api: the read cache; llm: model answers) and result (hit, miss).",
    ["cache", "result"],
)
JOB_QUEUE_DEPTH = Gauge(
    "personae_job_queue_depth",
    "Background jobs queued or running in this process.",
    multiprocess_mode="livesum",
)
JOB_SECONDS = Histogram(
    "personae_job_duration_seconds",
    "Background job run time, by kind and final status.",
    ["kind", "status"],
    buckets=_JOB_BUCKETS,
)
CHAT_TURNS = Counter(
    "personae_chat_turns_total",
    "Chat turns answered (every way in: REST, WebSocket, /v1, MCP).",
)


_REQUEST_CHILDREN: dict[tuple[str, str, int], Any] = {}
"""``REQUEST_SECONDS``'s labelled children by (method, route, status): ``labels()`` costs
a lock and a validation per call (about 5 µs), a dictionary hit a fraction of that, and
the hot read path pays it on every request."""


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    """One HTTP request answered (``route`` is the template, e.g. ``/api/personas/{id}``)."""
    key = (method, route, status)
    child = _REQUEST_CHILDREN.get(key)
    if child is None:
        child = _REQUEST_CHILDREN.setdefault(
            key, REQUEST_SECONDS.labels(method, route, str(status))
        )
    child.observe(seconds)


def observe_llm_call(
    *,
    provider: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    seconds: float,
    outcome: str = "ok",
) -> None:
    """One model call: ``outcome`` is ``ok``, ``cached`` (no tokens spent) or ``error``."""
    LLM_CALLS.labels(provider, model, outcome).inc()
    if prompt_tokens:
        LLM_TOKENS.labels(provider, model, "prompt").inc(prompt_tokens)
    if completion_tokens:
        LLM_TOKENS.labels(provider, model, "completion").inc(completion_tokens)
    if outcome != "cached":
        LLM_SECONDS.labels(provider, model).observe(seconds)


def observe_cache(*, cache: str, hit: bool) -> None:
    """One cache lookup."""
    CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss").inc()


def set_job_queue_depth(depth: int) -> None:
    """Jobs queued or running now."""
    JOB_QUEUE_DEPTH.set(depth)


def observe_job(*, kind: str, status: str, seconds: float) -> None:
    """One background job finished (``status``: succeeded, failed …)."""
    JOB_SECONDS.labels(kind, status).observe(seconds)


def observe_chat_turn() -> None:
    """One chat turn answered."""
    CHAT_TURNS.inc()


def exposition(multiprocess_dir: Path | None = None) -> tuple[bytes, str]:
    """The metrics in Prometheus's text format, and its media type.

    With ``multiprocess_dir`` (``PROMETHEUS_MULTIPROC_DIR``, set before the workers
    started), every worker's values are read from there and merged.
    """
    if multiprocess_dir is None:
        return generate_latest(REGISTRY), CONTENT_TYPE
    registry = CollectorRegistry()
    _multiprocess.MultiProcessCollector(registry, path=str(multiprocess_dir))  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE
