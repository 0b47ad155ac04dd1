"""Does the OpenAI-compatible endpoint cost anything? And do metrics? One run, two answers.

1. **Streaming, /v1 vs the native path.** The same persona turn, streamed, through
   ``POST /v1/chat/completions`` with the official ``openai`` SDK and through personae's
   own streamed chat (``/ws/chat``, the WebSocket the studio uses; ``POST /api/chat``
   answers in one piece), against the same model in the same run: a paced
   OpenAI-compatible model server started here (``--token-ms`` per token, so the model's
   speed is fixed and what differs is personae's path). Turns alternate between the two
   paths. Reported: time to first token (request sent → first text) and tokens/s (words
   after the first piece over the time to the last). Targets: /v1 ≥ 0.95× the tokens/s,
   first token within +20 ms.
2. **/metrics on vs off** on the cached persona read (``GET /api/personas/{id}``), two
   servers (``PERSONAE_METRICS=on`` / ``off``), the load alternating in rounds, the load
   generator of ``api_bench.py``. Target: on ≥ 0.95× the requests/s of off.

Ends with one line of JSON; also written to ``benchmarks/results/compat_bench.json``.

    .venv/bin/python benchmarks/compat_bench.py [--turns 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import openai
from websockets.sync.client import connect

from api_bench import _median_round, free_port, load, seed, server  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "compat_bench.json"
TARGETS = {
    "v1_vs_native_tokens_per_s_min": 0.95,
    "v1_first_token_extra_ms_max": 20.0,
    "metrics_on_vs_off_rps_min": 0.95,
}
REPLY_WORDS = 90
"""The model's reply: the first sentences of a bundled writer's held-out text (natural
prose; a repeated sentence would be cut by the chat's loop guard)."""


def reply_text() -> str:
    from personae.samples import sample_writers

    words = sample_writers()[0].held_out.split()
    text = " ".join(words[:REPLY_WORDS])
    return text[: text.rfind(".") + 1] or text


# -- the paced model server (run in a child process: --serve-model PORT) ----------------


def serve_model(port: int, token_ms: float) -> None:
    """An OpenAI-compatible chat + embeddings server with a fixed pace per token."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    reply = reply_text()

    async def chat(request: Request) -> Response:
        body = await request.json()
        system = body["messages"][0]["content"] if body["messages"] else ""
        if "behavioural traits" in system:
            text = '{"traits": []}'
        elif "want to remember" in system:
            text = '{"memories": []}'
        else:
            text = reply
        words = [w + " " for w in text.split(" ")]
        usage = {
            "prompt_tokens": 50,
            "completion_tokens": len(words),
            "total_tokens": 50 + len(words),
        }
        if not body.get("stream"):
            return JSONResponse(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 1,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                }
            )

        async def events() -> Any:
            for word in words:
                await asyncio.sleep(token_ms / 1000)
                chunk = {
                    "id": "x",
                    "object": "chat.completion.chunk",
                    "created": 1,
                    "model": body["model"],
                    "choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}],
                }
                yield f"data: {json.dumps(chunk)}\n\n"
            last = {
                "id": "x",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": body["model"],
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                "usage": usage,
            }
            yield f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def embeddings(request: Request) -> Response:
        body = await request.json()
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = []
        for index, text in enumerate(texts):
            digest = hashlib.sha256(str(text).encode()).digest()
            data.append(
                {"object": "embedding", "index": index, "embedding": [b / 255 for b in digest[:16]]}
            )
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", chat, methods=["POST"]),
            Route("/v1/embeddings", embeddings, methods=["POST"]),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# -- the two streamed paths -------------------------------------------------------------


def _figures(started: float, pieces: list[tuple[float, str]]) -> dict[str, float]:
    """Time to first text, and words/s after the first piece up to the last."""
    first_at, first_text = pieces[0]
    last_at = pieces[-1][0]
    words = sum(len(text.split()) for _, text in pieces)
    rest = words - len(first_text.split())
    return {
        "ttft_ms": (first_at - started) * 1000,
        "tokens_per_s": rest / (last_at - first_at) if last_at > first_at else 0.0,
        "words": float(words),
    }


def turn_v1(client: openai.OpenAI, n: int) -> dict[str, float]:
    started = time.perf_counter()
    stream = client.chat.completions.create(
        model="bench",
        messages=[{"role": "user", "content": f"Tell me about launch number {n}."}],
        stream=True,
    )
    pieces = []
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append((time.perf_counter(), chunk.choices[0].delta.content))
    return _figures(started, pieces)


def turn_native(socket: Any, persona_id: int, n: int) -> dict[str, float]:
    started = time.perf_counter()
    socket.send(
        json.dumps(
            {
                "type": "chat_message",
                "message": f"Tell me about launch number {n}.",
                "personaId": persona_id,
            }
        )
    )
    pieces = []
    while True:
        event = json.loads(socket.recv())
        if event["type"] == "token":
            pieces.append((time.perf_counter(), event["data"]))
        elif event["type"] == "ai_response":
            break
        elif event["type"] == "error":
            raise SystemExit(f"/ws/chat: {event['error']}")
    return _figures(started, pieces)


def _post(url: str, body: object, token: str) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def streaming(base: str, turns: int) -> dict[str, Any]:
    token, persona_id = seed(base)
    key = _post(f"{base}/api/auth/keys", {"name": "bench"}, token)["api_key"]
    client = openai.OpenAI(base_url=f"{base}/v1", api_key=key, max_retries=0, timeout=120)
    ws_url = base.replace("http://", "ws://") + "/ws/chat"
    measured: dict[str, list[dict[str, float]]] = {"v1": [], "native": []}
    with connect(ws_url, subprotocols=["personae.bearer", token]) as socket:  # type: ignore[list-item]
        assert json.loads(socket.recv())["type"] == "ready"
        for n in range(2):  # warm up both paths (imports, the first session, caches)
            turn_v1(client, n)
            turn_native(socket, persona_id, n)
        for n in range(turns):
            # Alternate which path goes first, so neither always follows the other's
            # background work (the /v1 turn is stored after [DONE]).
            order = ("v1", "native") if n % 2 == 0 else ("native", "v1")
            for path in order:
                time.sleep(0.05)
                figures = turn_v1(client, n) if path == "v1" else turn_native(socket, persona_id, n)
                measured[path].append(figures)
    out: dict[str, Any] = {}
    for path, rows in measured.items():
        out[path] = {
            "ttft_ms_median": round(statistics.median(r["ttft_ms"] for r in rows), 2),
            "tokens_per_s_median": round(statistics.median(r["tokens_per_s"] for r in rows), 2),
            "words": rows[0]["words"],
            "turns": len(rows),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20, help="streamed turns per path")
    parser.add_argument("--token-ms", type=float, default=15.0, help="the model's pace")
    parser.add_argument("--seconds", type=float, default=10.0, help="read load per server")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of load")
    parser.add_argument("--serve-model", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_model:
        serve_model(args.serve_model, args.token_ms)
        return

    results: dict[str, Any] = {"benchmark": "compat_bench", "token_ms": args.token_ms}
    with tempfile.TemporaryDirectory() as tmp:
        model_port, app_port, on_port, off_port = (free_port() for _ in range(4))
        base_env = {
            "PERSONAE_DATA_DIR": tmp,
            "PERSONAE_RATE_LIMIT_PER_MINUTE": "100000000",
            "PERSONAE_REDIS_URL": "",
        }
        chat_env = {
            **base_env,
            "PERSONAE_DATABASE_URL": f"sqlite:///{tmp}/chat.db",
            "PERSONAE_LLM": "openai:paced",
            "PERSONAE_OPENAI_BASE_URL": f"http://127.0.0.1:{model_port}/v1",
            "PERSONAE_OPENAI_API_KEY": "sk-bench",
            "PERSONAE_EMBEDDER": "openai",
            "PERSONAE_EMBEDDING_MODEL": "paced-embed",
            "PERSONAE_EMBEDDING_BASE_URL": f"http://127.0.0.1:{model_port}/v1",
            "PERSONAE_CHAT_SUMMARIZE_EVERY": "1000",
        }
        app_args = ["--factory", "personae.api.main:create_app"]
        model = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve-model",
            str(model_port),
            "--token-ms",
            str(args.token_ms),
        ]
        import subprocess

        from personae.store import Database

        Database(chat_env["PERSONAE_DATABASE_URL"]).upgrade()
        model_server = subprocess.Popen(model)
        try:
            with server(app_args, chat_env, app_port, "/api/health/ready"):
                results["streaming"] = streaming(f"http://127.0.0.1:{app_port}", args.turns)
        finally:
            model_server.terminate()
            model_server.wait(timeout=10)

        read_db = f"sqlite:///{tmp}/read.db"
        Database(read_db).upgrade()
        read_env = {**base_env, "PERSONAE_DATABASE_URL": read_db}
        with (
            server(app_args, {**read_env, "PERSONAE_METRICS": "on"}, on_port, "/api/health"),
            server(app_args, {**read_env, "PERSONAE_METRICS": "off"}, off_port, "/api/health"),
        ):
            token, pid = seed(f"http://127.0.0.1:{on_port}")
            targets = {
                "metrics_on": f"http://127.0.0.1:{on_port}/api/personas/{pid}",
                "metrics_off": f"http://127.0.0.1:{off_port}/api/personas/{pid}",
            }
            for url in targets.values():
                load(url, token=token, seconds=1)
            rounds: dict[str, list[dict[str, float | str]]] = {name: [] for name in targets}
            per_round = max(1.0, args.seconds / args.rounds)
            for _ in range(args.rounds):
                for name, url in targets.items():
                    rounds[name].append(load(url, token=token, seconds=per_round))
            for name, measured in rounds.items():
                results[name] = _median_round(measured)

    v1, native = results["streaming"]["v1"], results["streaming"]["native"]
    results["v1_vs_native_tokens_per_s"] = round(
        v1["tokens_per_s_median"] / native["tokens_per_s_median"], 3
    )
    results["v1_first_token_extra_ms"] = round(v1["ttft_ms_median"] - native["ttft_ms_median"], 2)
    results["metrics_on_vs_off_rps"] = round(
        float(results["metrics_on"]["rps"]) / float(results["metrics_off"]["rps"]), 3
    )
    results["targets"] = TARGETS
    results["met"] = {
        "tokens_per_s": results["v1_vs_native_tokens_per_s"]
        >= TARGETS["v1_vs_native_tokens_per_s_min"],
        "first_token": results["v1_first_token_extra_ms"] <= TARGETS["v1_first_token_extra_ms_max"],
        "metrics": results["metrics_on_vs_off_rps"] >= TARGETS["metrics_on_vs_off_rps_min"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
