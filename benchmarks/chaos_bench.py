"""Chaos run: bounded mixed load against two workers while Redis and PostgreSQL misbehave.

Two ``uvicorn`` workers (separate processes) share one database and one Redis that this
script starts itself on a free port. A fixed number of client threads send a mix of reads
and versioned writes (``PUT /api/personas/{id}`` with the version they last saw) to both
workers, always to 127.0.0.1, for ``--seconds``; meanwhile a schedule:

1. kills Redis (``SIGKILL``) and starts it again 3 s later;
2. stalls Redis (``SIGSTOP``) for 2 s, then resumes it (``SIGCONT``);
3. terminates the workers' PostgreSQL backends (``pg_terminate_backend``) twice, when the
   database is PostgreSQL (``--postgres-url`` or ``PERSONAE_TEST_POSTGRES_URL``).

It prints, as one JSON line (also written to ``benchmarks/results/chaos_bench.json``):

- ``requests`` and ``errors_by_status`` (every non-2xx, 409 included: a 409 is a lost
  optimistic-concurrency race, expected under racing writers);
- ``stale_reads``: reads that *started* after a write of a higher version had been
  acknowledged (by either worker) and still returned an older version;
- ``acknowledged_writes_lost``: acknowledged versions missing from the persona's history
  in the database at the end;
- ``status_5xx_outside_db_outage``: 5xx answers that started outside the windows where the
  database was really being cut off.

Targets: 0 stale reads, 0 acknowledged writes lost, 0 × 500, 503 only while the
database is unreachable. Usage::

    python benchmarks/chaos_bench.py --seconds 30 --clients 6
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent
SECRET = "chaos-bench-secret-" + "x" * 40
PASSWORD = "a chaos bench passphrase"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Redis:
    """A private redis-server that can be killed, restarted, paused and resumed."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        self.binary, self.workdir, self.port = binary, workdir, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(self.workdir), "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def signal(self, sig: int) -> None:
        if self.process is not None:
            self.process.send_signal(sig)


def _wait_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


def _database(postgres_url: str | None, workdir: Path) -> tuple[str, str | None]:
    """``(url for the workers, name of a throwaway PostgreSQL database or None)``."""
    if not postgres_url:
        return f"sqlite:///{workdir / 'chaos.db'}", None
    admin = create_engine(make_url(postgres_url), isolation_level="AUTOCOMMIT")
    name = f"personae_chaos_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(postgres_url).set(database=name)
    return url.render_as_string(hide_password=False), name


def _drop(postgres_url: str, name: str) -> None:
    admin = create_engine(make_url(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _terminate_backends(postgres_url: str, name: str) -> int:
    admin = create_engine(make_url(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        ).scalar_one()
    admin.dispose()
    return int(killed)


def _worker(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "personae.api.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    _wait_port(port, 60)
    return process


class Tally:
    """What the clients saw, shared by their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses: collections.Counter[str] = collections.Counter()
        self.acked: dict[int, int] = {}  # persona -> highest acknowledged version
        self.acked_versions: dict[int, set[int]] = collections.defaultdict(set)
        self.stale = 0
        self.server_errors: list[tuple[float, int]] = []

    def record(self, status: int, started: float) -> None:
        with self.lock:
            self.requests += 1
            if not 200 <= status < 300:
                self.statuses[str(status)] += 1
            if status >= 500:
                self.server_errors.append((started, status))


def _client(
    tally: Tally,
    bases: list[str],
    token: str,
    personas: list[int],
    stop: threading.Event,
    seed: int,
) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    clients = [httpx.Client(base_url=base, headers=headers, timeout=30) for base in bases]
    try:
        while not stop.is_set():
            pid = rng.choice(personas)
            http = rng.choice(clients)
            started = time.monotonic()
            with tally.lock:
                floor = tally.acked.get(pid, 1)
            try:
                if rng.random() < 0.3:
                    response = http.put(
                        f"/api/personas/{pid}",
                        json={"version": floor, "role": f"w{rng.random():.6f}"},
                    )
                    if response.status_code == 200:
                        version = response.json()["data"]["version"]
                        with tally.lock:
                            tally.acked_versions[pid].add(version)
                            tally.acked[pid] = max(tally.acked.get(pid, 1), version)
                else:
                    response = http.get(f"/api/personas/{pid}")
                    if response.status_code == 200 and response.json()["data"]["version"] < floor:
                        with tally.lock:
                            tally.stale += 1
                status = response.status_code
            except httpx.HTTPError:
                status = 599  # no answer (connection reset, timeout)
            tally.record(status, started)
    finally:
        for http in clients:
            http.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--personas", type=int, default=4)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("PERSONAE_TEST_POSTGRES_URL") or None
    )
    args = parser.parse_args()
    if args.seconds > 300 or args.clients > 32:
        raise SystemExit("bounded on purpose: at most 300 s and 32 clients")

    workdir = Path(tempfile.mkdtemp(prefix="personae-chaos-"))
    redis = Redis(workdir)
    redis.start()
    database_url, pg_name = _database(args.postgres_url, workdir)
    from personae.store import Database

    with Database(database_url) as database:
        database.upgrade()
    env = {
        **os.environ,
        "PERSONAE_DATABASE_URL": database_url,
        "PERSONAE_REDIS_URL": redis.url,
        "PERSONAE_REDIS_NAMESPACE": f"chaos{uuid.uuid4().hex[:8]}",
        "PERSONAE_SECRET_KEY": SECRET,
        "PERSONAE_ENVIRONMENT": "test",
        "PERSONAE_DATA_DIR": str(workdir),
        "PERSONAE_RATE_LIMIT_PER_MINUTE": "1000000",
        "PERSONAE_AUTH_RATE_LIMIT_PER_MINUTE": "1000",
    }
    ports = [_free_port(), _free_port()]
    workers = [_worker(port, env, workdir / f"worker{i}.log") for i, port in enumerate(ports)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    outages: list[tuple[float, float]] = []  # database cut-off windows (monotonic)
    events: list[str] = []
    try:
        with httpx.Client(base_url=bases[0], timeout=30) as http:
            token = http.post(
                "/api/auth/register", json={"email": "chaos@example.org", "password": PASSWORD}
            ).json()["data"]["tokens"]["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            personas = [
                http.post("/api/personas", json={"name": f"p{i}"}, headers=headers).json()["data"][
                    "id"
                ]
                for i in range(args.personas)
            ]
        tally = Tally()
        stop = threading.Event()
        threads = [
            threading.Thread(target=_client, args=(tally, bases, token, personas, stop, seed))
            for seed in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()

        def at(fraction: float) -> None:
            wait = started + fraction * args.seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)

        at(0.15)
        redis.kill()
        events.append(f"{time.monotonic() - started:.1f}s redis killed")
        time.sleep(3)
        redis.start()
        events.append(f"{time.monotonic() - started:.1f}s redis restarted")
        at(0.45)
        redis.signal(signal.SIGSTOP)
        events.append(f"{time.monotonic() - started:.1f}s redis stalled (SIGSTOP)")
        time.sleep(2)
        redis.signal(signal.SIGCONT)
        events.append(f"{time.monotonic() - started:.1f}s redis resumed (SIGCONT)")
        if pg_name is not None:
            for fraction in (0.65, 0.8):
                at(fraction)
                cut = time.monotonic()
                killed = _terminate_backends(args.postgres_url, pg_name)
                outages.append((cut - 0.5, time.monotonic() + 1.0))
                events.append(f"{cut - started:.1f}s {killed} PostgreSQL backends terminated")
        at(1.0)
        stop.set()
        for thread in threads:
            thread.join()

        lost = 0
        with Database(database_url) as database, database.engine.connect() as connection:
            for pid, versions in tally.acked_versions.items():
                stored = set(
                    connection.execute(
                        text("SELECT version FROM persona_versions WHERE persona_id = :p"),
                        {"p": pid},
                    ).scalars()
                )
                lost += len(versions - stored)
        outside = [
            status
            for when, status in tally.server_errors
            if not any(start <= when <= end for start, end in outages)
        ]
        result: dict[str, Any] = {
            "database": "postgresql" if pg_name else "sqlite",
            "seconds": args.seconds,
            "clients": args.clients,
            "requests": tally.requests,
            "errors_by_status": dict(sorted(tally.statuses.items())),
            "stale_reads": tally.stale,
            "acknowledged_writes": sum(len(v) for v in tally.acked_versions.values()),
            "acknowledged_writes_lost": lost,
            "status_5xx_outside_db_outage": len(outside),
            "events": events,
        }
    finally:
        for worker in workers:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        redis.signal(signal.SIGCONT)
        redis.kill()
        if pg_name is not None:
            _drop(args.postgres_url, pg_name)
    line = json.dumps(result)
    (ROOT / "results").mkdir(exist_ok=True)
    if tally.server_errors:  # where the workers said why (logs kept in results/)
        for log in sorted(workdir.glob("worker*.log")):
            shutil.copy(log, ROOT / "results" / f"chaos_{log.name}")
            lines = log.read_text(errors="replace").splitlines()
            errors = [n for n, text in enumerate(lines) if "Traceback" in text or "rror:" in text]
            for n in errors[-3:]:
                print(f"{log.name}: {lines[n][:300]}", file=sys.stderr)
    print(line)
    results = ROOT / "results"
    results.mkdir(exist_ok=True)
    (results / "chaos_bench.json").write_text(line + "\n")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
