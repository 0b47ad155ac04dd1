"""Is the cached read path fast? personae's persona read vs a bare FastAPI endpoint, one run.

Three uvicorn servers (one worker each, pinned to the same core) answer the same load
generator (pinned to the other core), 32 concurrent keep-alive connections. All three run
for the whole measurement and the load alternates between them in rounds (each figure is
the median over the rounds), so other work on the machine weighs on every endpoint alike:

* **bare**: a FastAPI endpoint (``async def``) returning a constant JSON object: the
  ceiling of FastAPI + uvicorn on this machine, and the baseline of the target;
  **bare_sync** is the same as a plain ``def`` (FastAPI's thread pool), printed beside it;
* **cached**: ``GET /api/personas/{id}`` of personae, authenticated, served from the
  read-through cache;
* **uncached**: the same request with ``PERSONAE_CACHE_ENABLED=false``, every read going
  to SQLite.

Targets: cached ≥ 0.7 × bare requests/s, cached p99 < 10 ms. The load generator is
``wrk`` when installed (``apt-get install wrk``), otherwise a small asyncio client in this
file; the JSON says which. Write throughput (versioned updates per second through
``personae.store.crud.update_persona``) is measured on SQLite and, when
``PERSONAE_TEST_POSTGRES_URL`` (or ``--postgres-url``) names a server, on PostgreSQL.

Ends with one line of JSON; also written to ``benchmarks/results/api_bench.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from personae.samples import sample_writers
from personae.store import Database, PersonaCreate, PersonaUpdate, UserCreate, crud, session_scope

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "api_bench.json"
CONNECTIONS = 32
TARGETS = {"cached_vs_bare_rps_min": 0.7, "cached_p99_ms_max": 10.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpus() -> tuple[set[int], set[int]]:
    """(server cores, load-generator cores): split the allowed CPUs in two."""
    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(allowed) < 2:
        return set(allowed), set(allowed)
    half = len(allowed) // 2
    return set(allowed[half:]), set(allowed[:half])


@contextlib.contextmanager
def server(args: list[str], env: dict[str, str], port: int, health: str) -> Iterator[None]:
    """Run uvicorn in a child process pinned to the server cores until the block ends."""
    server_cpus, _ = cpus()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        *args,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if server_cpus and shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, sorted(server_cpus))), *command]
    proc = subprocess.Popen(command, env={**os.environ, **env}, cwd=HERE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server {args} did not start") from None
                time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def call(method: str, url: str, body: object = None, token: str | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        envelope = json.loads(response.read())
    return envelope["data"]


def seed(base: str) -> tuple[str, int]:
    """Register a user, log in, create a persona from sample texts; (token, persona id)."""
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery"
    call("POST", f"{base}/api/auth/register", {"email": email, "password": password})
    tokens = call("POST", f"{base}/api/auth/login", {"email": email, "password": password})
    token = tokens["access_token"]  # type: ignore[index]
    writer = sample_writers()[0]
    persona = call(
        "POST",
        f"{base}/api/personas",
        {"name": "bench", "display_name": writer.name, "writing_samples": list(writer.training)},
        token,
    )
    return token, int(persona["id"])  # type: ignore[index]


# -- load generation ------------------------------------------------------------------


def load(url: str, *, token: str | None, seconds: float) -> dict[str, float | str]:
    """Requests/s and latency percentiles at CONNECTIONS concurrent connections."""
    if shutil.which("wrk"):
        return _wrk(url, token=token, seconds=seconds)
    return asyncio.run(_asyncio_load(url, token=token, seconds=seconds))


def _wrk(url: str, *, token: str | None, seconds: float) -> dict[str, float | str]:
    _, load_cpus = cpus()
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{int(seconds)}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    if load_cpus and shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, sorted(load_cpus))), *command]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def percentile(p: str) -> float:
        match = re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            raise SystemExit(f"could not read wrk output:\n{out}")
        return float(match.group(1)) * unit[match.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{errors.group(1)} failed responses from {url}")
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": percentile("50"),
        "p99_ms": percentile("99"),
        "generator": "wrk",
    }


async def _asyncio_load(url: str, *, token: str | None, seconds: float) -> dict[str, float | str]:
    """A minimal HTTP/1.1 keep-alive client: enough to saturate one uvicorn worker."""
    match = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    assert match
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n".encode()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"failed response from {url}: {head[:40]!r}")
            length = int(re.search(rb"content-length: (\d+)", head.lower()).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - started
    lat = np.array(latencies) * 1000
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": float(np.percentile(lat, 50)),
        "p99_ms": float(np.percentile(lat, 99)),
        "generator": "asyncio (install wrk for a faster generator)",
    }


# -- write throughput -----------------------------------------------------------------


def write_throughput(url: str, updates: int) -> float:
    """Versioned persona updates per second through the store's one write path."""
    db = Database(url)
    try:
        db.upgrade()
        with session_scope(db) as session:
            user = crud.create_user(
                session=session,
                data=UserCreate(email=f"w-{uuid.uuid4().hex[:8]}@example.com", password_hash="x"),
            )
            persona = crud.create_persona(
                session=session, owner_id=user.id, data=PersonaCreate(name="writer")
            )
            owner, pid = user.id, persona.id
        started = time.perf_counter()
        for version in range(1, updates + 1):
            with session_scope(db) as session:
                crud.update_persona(
                    session=session,
                    owner_id=owner,
                    persona_id=pid,
                    update=PersonaUpdate(version=version, context=f"revision {version}"),
                )
        return updates / (time.perf_counter() - started)
    finally:
        db.dispose()


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    base = make_url(server_url)
    name = f"personae_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _median_round(measured: list[dict[str, float | str]]) -> dict[str, float | str]:
    """Each figure's median over the rounds (robust to one round hit by other load)."""
    row: dict[str, float | str] = {"generator": str(measured[0]["generator"])}
    for key in ("rps", "p50_ms", "p99_ms"):
        row[key] = float(np.median([float(m[key]) for m in measured]))
    return row


def _row(results: dict[str, object], name: str) -> dict[str, float | str]:
    row = results[name]
    if not isinstance(row, dict):
        raise TypeError(name)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load per endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per endpoint")
    parser.add_argument("--updates", type=int, default=500, help="writes per database")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PERSONAE_TEST_POSTGRES_URL"),
        help="a PostgreSQL server where a scratch database may be created",
    )
    args = parser.parse_args()

    results: dict[str, object] = {
        "benchmark": "api_bench",
        "connections": CONNECTIONS,
        "rounds": args.rounds,
    }
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        Database(db_url).upgrade()
        env = {
            "PERSONAE_DATABASE_URL": db_url,
            "PERSONAE_DATA_DIR": tmp,
            "PERSONAE_RATE_LIMIT_PER_MINUTE": "100000000",
            "PERSONAE_REDIS_URL": "",
        }
        bare_port, app_port, raw_port = free_port(), free_port(), free_port()
        app_args = ["--factory", "personae.api.main:create_app"]
        uncached_env = {**env, "PERSONAE_CACHE_ENABLED": "false"}
        with (
            server(["_bare_app:app"], {}, bare_port, "/async"),
            server(app_args, env, app_port, "/api/health"),
            server(app_args, uncached_env, raw_port, "/api/health"),
        ):
            token, pid = seed(f"http://127.0.0.1:{app_port}")
            targets = {
                "bare": (f"http://127.0.0.1:{bare_port}/async", None),
                "bare_sync": (f"http://127.0.0.1:{bare_port}/sync", None),
                "cached": (f"http://127.0.0.1:{app_port}/api/personas/{pid}", token),
                "uncached": (f"http://127.0.0.1:{raw_port}/api/personas/{pid}", token),
            }
            for url, bearer in targets.values():
                load(url, token=bearer, seconds=1)  # warm up: imports, caches, JIT-free paths
            # Rounds alternate between the servers, so a change in the machine's other load
            # during the run falls on every endpoint alike instead of on one of them.
            rounds: dict[str, list[dict[str, float | str]]] = {name: [] for name in targets}
            per_round = max(1.0, args.seconds / args.rounds)
            for _ in range(args.rounds):
                for name, (url, bearer) in targets.items():
                    rounds[name].append(load(url, token=bearer, seconds=per_round))
            for name, measured in rounds.items():
                results[name] = _median_round(measured)
        results["writes_per_s_sqlite"] = round(
            write_throughput(f"sqlite:///{tmp}/w.db", args.updates), 1
        )
    if args.postgres_url:
        with postgres_database(args.postgres_url) as pg_url:
            results["writes_per_s_postgres"] = round(write_throughput(pg_url, args.updates), 1)

    bare, cached, uncached = (_row(results, name) for name in ("bare", "cached", "uncached"))
    ratio = float(cached["rps"]) / float(bare["rps"])
    results["cached_vs_bare_rps"] = round(ratio, 3)
    results["cached_vs_bare_sync_rps"] = round(
        float(cached["rps"]) / float(_row(results, "bare_sync")["rps"]), 3
    )
    results["uncached_vs_cached_rps"] = round(float(uncached["rps"]) / float(cached["rps"]), 3)
    results["targets"] = TARGETS
    results["met"] = {
        "cached_vs_bare_rps": ratio >= TARGETS["cached_vs_bare_rps_min"],
        "cached_p99_ms": float(cached["p99_ms"]) < TARGETS["cached_p99_ms_max"],
    }

    print(f"{'endpoint':<12}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}   ({bare['generator']})")
    for name in ("bare", "bare_sync", "cached", "uncached"):
        row = _row(results, name)
        print(f"{name:<12}{row['rps']:>10.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}")
    print(f"cached / bare requests/s: {ratio:.2f}  (target ≥ {TARGETS['cached_vs_bare_rps_min']})")
    print(f"cached / bare_sync requests/s: {results['cached_vs_bare_sync_rps']:.2f}")
    print(f"uncached / cached requests/s: {results['uncached_vs_cached_rps']:.2f}")
    print(f"versioned updates/s: SQLite {results['writes_per_s_sqlite']}", end="")
    print(f", PostgreSQL {results.get('writes_per_s_postgres', 'not measured')}")
    for row in (bare, _row(results, "bare_sync"), cached, uncached):
        for key in ("rps", "p50_ms", "p99_ms"):
            row[key] = round(float(row[key]), 3)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
