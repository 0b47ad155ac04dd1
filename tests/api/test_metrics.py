"""/metrics, request ids, JSON log lines and the health probes, on a real server.

Metrics are the process's own (Prometheus keeps one set per process), so the tests read
what a scrape shows *before* and *after* and compare: what the requests in between
added, whatever other tests did first.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import text

from personae.api._logs import JsonFormatter, RequestIdFilter
from personae.config import Settings
from personae.errors import LLMUnavailableError
from personae.store import Database
from tests.api.helpers import User
from tests.doubles import ScriptedLLM
from tests.serving import run_server
from tests.v1 import conftest as serving
from tests.v1.conftest import Served, build_app, make_key, make_persona

# The real server of the /v1 tests, with its key and persona (fixtures by assignment).
served = serving.served
api_key = serving.api_key
ada = serving.ada

Sample = tuple[str, tuple[tuple[str, str], ...]]


def scrape(url: str, **headers: str) -> dict[Sample, float]:
    """Every sample of a scrape, by name and labels."""
    response = httpx2.get(f"{url}/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[Sample, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def grew(
    before: dict[Sample, float], after: dict[Sample, float], name: str, **labels: str
) -> float:
    """How much the samples named ``name`` with (at least) ``labels`` grew, summed."""
    wanted = set(labels.items())

    def total(samples: dict[Sample, float]) -> float:
        return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))

    return total(after) - total(before)


def test_metrics_after_a_chat(
    served: Served, api_key: str, ada: dict[str, Any], alice: User
) -> None:
    before = scrape(served.url)
    client = openai.OpenAI(base_url=f"{served.url}/v1", api_key=api_key, max_retries=0)
    client.chat.completions.create(model="ada", messages=[{"role": "user", "content": "Hi."}])
    httpx2.get(f"{served.url}/api/personas/{ada['id']}", headers=alice.headers, timeout=30)
    httpx2.get(f"{served.url}/api/personas/{ada['id']}", headers=alice.headers, timeout=30)
    after = scrape(served.url)
    requests = "personae_http_request_duration_seconds_count"
    assert grew(before, after, requests, route="/v1/chat/completions", status="200") == 1
    assert grew(before, after, requests, route="/api/personas/{persona_id}", status="200") == 2
    assert grew(before, after, requests, route="unmatched") == 0
    llm = {"provider": "scripted", "model": "scripted-1"}
    assert grew(before, after, "personae_llm_calls_total", outcome="ok", **llm) >= 1
    assert grew(before, after, "personae_llm_tokens_total", direction="completion", **llm) > 0
    assert grew(before, after, "personae_llm_call_duration_seconds_count", **llm) >= 1
    assert grew(before, after, "personae_cache_lookups_total", cache="persona", result="hit") >= 1
    assert grew(before, after, "personae_chat_turns_total") == 1


def test_unknown_paths_are_one_label(served: Served) -> None:
    before = scrape(served.url)
    for n in range(3):
        httpx2.get(f"{served.url}/no/such/path/{n}", timeout=30)
    after = scrape(served.url)
    assert (
        grew(before, after, "personae_http_request_duration_seconds_count", route="unmatched") == 3
    )
    assert not any("/no/such" in str(labels) for _, labels in after)


@pytest.fixture
def settings_app(settings: Settings, db: Database) -> Iterator[Any]:
    def serve(**overrides: Any) -> Iterator[str]:
        app = build_app(settings.model_copy(update=overrides), db, ScriptedLLM())
        yield from run_server(app)

    return serve


def test_metrics_off_or_behind_a_token(settings_app: Any) -> None:
    for url in settings_app(metrics="off"):
        assert httpx2.get(f"{url}/metrics", timeout=30).status_code == 404
    for url in settings_app(metrics_token=SecretStr("s3cret-scraper-token")):
        assert httpx2.get(f"{url}/metrics", timeout=30).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert httpx2.get(f"{url}/metrics", headers=wrong, timeout=30).status_code == 401
        assert scrape(url, Authorization="Bearer s3cret-scraper-token")


def test_several_processes_are_merged(tmp_path: Path) -> None:
    """PROMETHEUS_MULTIPROC_DIR: what each worker process counted is summed."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = "from personae._metrics import observe_chat_turn; observe_chat_turn()"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True)
    show = (
        "import sys; from pathlib import Path; from personae._metrics import exposition; "
        "sys.stdout.write(exposition(Path(sys.argv[1]))[0].decode())"
    )
    text = subprocess.run(
        [sys.executable, "-c", show, str(tmp_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "personae_chat_turns_total 2.0" in text


def test_request_ids_in_answers_and_json_logs(
    settings: Settings, db: Database, alice: User
) -> None:
    llm = ScriptedLLM([LLMUnavailableError("the model server is down")] * 3)
    app = build_app(settings, db, llm)
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("personae.api")
    logger.addHandler(handler)
    try:
        for url in run_server(app):
            key = make_key(url, alice)
            make_persona(url, alice, "ada")
            fresh = httpx2.get(f"{url}/api/health/live", timeout=30)
            assert len(fresh.headers["x-request-id"]) >= 16
            kept = httpx2.get(
                f"{url}/api/health/live", headers={"X-Request-Id": "proxy-abc-12345"}, timeout=30
            )
            assert kept.headers["x-request-id"] == "proxy-abc-12345"
            unsafe = httpx2.get(
                f"{url}/api/health/live", headers={"X-Request-Id": "x\tinjected"}, timeout=30
            )
            assert unsafe.headers["x-request-id"] != "x\tinjected"
            failed = httpx2.post(
                f"{url}/v1/chat/completions",
                json={"model": "ada", "messages": [{"role": "user", "content": "Hi"}]},
                headers={"Authorization": f"Bearer {key}"},
                timeout=30,
            )
            assert failed.status_code == 503
    finally:
        logger.removeHandler(handler)
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    logged = [r for r in records if "model server is down" in r["message"]]
    assert logged
    assert logged[0]["request_id"] == failed.headers["x-request-id"]
    assert logged[0]["level"] == "warning"


def test_health_probes(served: Served) -> None:
    live = httpx2.get(f"{served.url}/api/health/live", timeout=30)
    ready = httpx2.get(f"{served.url}/api/health/ready", timeout=30)
    assert live.json()["data"] == {"status": "ok"}
    assert ready.json()["data"] == {"status": "ok"}


def test_not_ready_before_migration(tmp_path: Path, db: Database) -> None:
    """A database not at this release's schema: live, not ready (the app refuses to start
    on one, so the probe is checked on a database that falls behind while it runs)."""
    app = build_app(
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{tmp_path / 'p.db'}",
            data_dir=tmp_path,
            environment="test",
        ),
        db,
        ScriptedLLM(),
    )
    Database(f"sqlite:///{tmp_path / 'p.db'}").upgrade()
    for url in run_server(app):
        behind = Database(f"sqlite:///{tmp_path / 'p.db'}")
        with behind.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        behind.dispose()
        assert httpx2.get(f"{url}/api/health/live", timeout=30).status_code == 200
        response = httpx2.get(f"{url}/api/health/ready", timeout=30)
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "store_unavailable"
