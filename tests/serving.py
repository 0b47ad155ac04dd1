"""One way to run an app behind a real uvicorn server in a test: a thread, a free loopback
port, a wait for start-up, and a check that the server stopped.

Tests that need a real socket (WebSockets, the OpenAI SDK, access logs, the browser) use
:func:`run_server`; everything else uses FastAPI's ``TestClient``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Literal

import uvicorn
from fastapi import FastAPI

from tests.redis_support import free_port

__all__ = ["run_server"]


def run_server(
    app: FastAPI,
    *,
    ws: Literal["none", "websockets-sansio"] = "none",
    log_level: str = "warning",
    access_log: bool = False,
    timeout: float = 20.0,
) -> Iterator[str]:
    """Serve ``app`` on a free loopback port for the duration of a fixture; yields its base
    URL (``http://127.0.0.1:<port>``).

    Parameters
    ----------
    ws
        The WebSocket protocol (``"websockets-sansio"`` for ``/ws/chat``).
    log_level, access_log
        uvicorn's logging (the secret-in-logs test turns the access log on).
    timeout
        Seconds to wait for start-up, and for the server to stop afterwards.

    Raises
    ------
    RuntimeError
        uvicorn did not start in time, or stopped.
    """
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level=log_level,
        access_log=access_log,
        ws=ws,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-test-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout)
        assert not thread.is_alive(), "uvicorn did not stop"
