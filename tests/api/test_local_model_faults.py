"""The real local model behind the API: inputs that once crashed it, and a crash itself.

On a Xeon with AMX the first native build segfaulted in llama.cpp on the first model call
that schemathesis sent (``POST /api/personas/generate/samples`` with generated onboarding
answers), taking pytest and ``personae serve`` down. The model now runs in a worker
process, so whatever it does, the server answers.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from fastapi.testclient import TestClient

from personae.llm._local import _WORKERS
from tests.api.helpers import User

# Shapes schemathesis generated for the operation that crashed (derandomized run): empty
# answers; odd unicode with long fields and many preferences (the longest prompt it makes).
CRASHED_ON = [
    {"onboarding": {}},
    {
        "onboarding": {
            "business_type": "\x00\U0010ffff\u202e",
            "website_text": "Ā" * 20_000,
            "content_preferences": {str(i): "x" * 200 for i in range(40)},
        }
    },
]


@pytest.mark.parametrize("body", CRASHED_ON)
def test_draft_samples_answers_whatever_the_onboarding(
    client: TestClient, alice: User, body: dict[str, object]
) -> None:
    response = client.post("/api/personas/generate/samples", json=body, headers=alice.headers)
    assert response.status_code < 500 or response.json()["error"]["code"] == "llm_unavailable"
    assert client.get("/api/auth/me", headers=alice.headers).status_code == 200


def test_a_model_crash_mid_request_is_a_503_and_the_server_keeps_serving(
    client: TestClient, alice: User
) -> None:
    body = {"onboarding": {"business_type": "bakery", "target_audience": "neighbours"}}
    killed: list[int] = []

    def kill_the_worker_once_it_generates() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            for worker in list(_WORKERS.values()):
                if worker.lock.locked() and worker.pid is not None:
                    time.sleep(0.3)  # let it start decoding
                    if worker.pid is not None:
                        killed.append(worker.pid)
                        os.kill(worker.pid, signal.SIGSEGV)
                        return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_the_worker_once_it_generates)
    killer.start()
    response = client.post("/api/personas/generate/samples", json=body, headers=alice.headers)
    killer.join()
    assert killed, "the model never started generating"
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "llm_unavailable"
    assert "SIGSEGV" in error["message"]
    # The same server answers the next call, with a fresh worker.
    again = client.post("/api/personas/generate/samples", json=body, headers=alice.headers)
    assert again.status_code == 200, again.text
