"""Redis fixtures for the cache and auth tests.

Redis tests run only when ``PERSONAE_TEST_REDIS_URL`` is set (``.ci/run`` sets it); this
module is the one place outside ``tests/conftest.py`` that reads it. Each test gets a
namespace of its own on that server, and its keys are deleted afterwards. Tests that
need Redis to die and come back get a throwaway ``redis-server`` of their own on a free
port, so the shared server is never touched.

The ``conftest.py`` of each test package that needs these imports them by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

REDIS_URL = os.environ.get("PERSONAE_TEST_REDIS_URL") or None
REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
)

__all__ = [
    "RedisServer",
    "free_port",
    "private_redis",
    "redis_namespace",
    "redis_url",
    "throwaway_redis",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url() -> str:
    """The shared test Redis, or a skip when ``PERSONAE_TEST_REDIS_URL`` is unset."""
    if REDIS_URL is None:
        pytest.skip("PERSONAE_TEST_REDIS_URL is not set")
    return REDIS_URL


@pytest.fixture
def redis_namespace(redis_url: str) -> Iterator[str]:
    """A key namespace no other test (or run) uses; its keys are deleted afterwards."""
    namespace = f"personae-test-{uuid.uuid4().hex[:12]}"
    yield namespace
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{namespace}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class RedisServer:
    """A ``redis-server`` subprocess that a test can stop and start again on one port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None
        command = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self._workdir),
            "--loglevel",
            "warning",
        ]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            if time.monotonic() > deadline or self._process.poll() is not None:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._process is None:
            return
        # A paused server would hold SIGTERM until the 10 s kill: let it go on first.
        self._process.send_signal(signal.SIGCONT)
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def pause(self) -> None:
        """Freeze the server (``SIGSTOP``): connections stay open, nothing is answered."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused server go on (``SIGCONT``)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A private, running ``redis-server`` on a free port, which the test may stop,
    restart, pause and resume; needs only the ``redis-server`` program."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def throwaway_redis(redis_url: str, private_redis: RedisServer) -> RedisServer:
    """:func:`private_redis`, in the suites that run only when Redis tests are enabled."""
    return private_redis
