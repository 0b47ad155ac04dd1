"""The baselines of api_bench.py: FastAPI + uvicorn answering a constant, nothing else.

Two endpoints, because FastAPI serves them differently: ``/async`` runs on the event loop;
``/sync`` (a plain ``def``) goes through FastAPI's thread pool, as most route handlers
that touch a database do.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()

_BODY = {"success": True, "data": {"id": 1, "name": "constant"}}


@app.get("/async")
async def constant_async() -> dict[str, object]:
    return _BODY


@app.get("/sync")
def constant_sync() -> dict[str, object]:
    return _BODY
