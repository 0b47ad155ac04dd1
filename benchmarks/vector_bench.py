"""How fast and how exact is memory search? sqlite-vec and pgvector vs exact numpy, one run.

Issue 5's benchmark, part 2: search latency at 10k and 100k memories for the two database
indexes of ``personae.vectors``, against exact brute-force search in numpy (the baseline,
:class:`~personae.vectors.NumpyIndex`) on the same vectors, queries and machine.

Data: **synthetic**, not real embeddings (the real model embeds about 30 sentences a
second on this machine's shared CPU, so 100k would take an hour). Unit vectors of
dimension 384 with topic structure: ``N / 100`` topic centres; each memory is a centre
plus random noise with cosine about 0.75 to its centre (so two memories of one topic
have cosine about 0.55, two of different topics about 0); each belongs to one of
``--owners`` users at random, across topics, as users talk about the same things. Queries
are drawn like memories (a fresh point near a random topic).

Two query sets per size:

* **owner**: filtered by one owner, as every real memory query is (``N / owners``
  candidates; 10 owners by default);
* **all**: no filter, the same work as one owner holding all ``N`` memories: the worst
  case for both indexes (sqlite-vec scans every partition; pgvector walks HNSW).

Reported per index: p50 and p95 latency of ``search(k=10)`` in milliseconds (one query at a
time, after a warm-up), and recall@10 against the exact top 10. Targets (issue 5):
p50 ≤ 50 ms at 100k and recall@10 ≥ 0.95, judged on the owner-filtered queries.

pgvector runs when ``PERSONAE_TEST_PGVECTOR_URL`` (or ``--pgvector-url``) names a server
with the extension (``eval "$(scripts/test-services.sh)"`` starts one); the benchmark
creates a database of its own there and drops it at the end. Ends with one line of JSON;
also written to ``benchmarks/results/vector_bench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from personae.vectors import Hit, NumpyIndex, PgVectorIndex, SqliteVecIndex, VectorIndex

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "vector_bench.json"
DIMENSION = 384
K = 10
EMBEDDER = "synthetic-clustered-384"
TARGETS = {"p50_ms_at_100k_max": 50.0, "recall_at_10_min": 0.95}
POINT_COSINE = 0.75  # cosine between a memory and its topic centre
LOAD_BATCH = 5_000


def clustered(rng: np.random.Generator, centres: np.ndarray, count: int) -> np.ndarray:
    """``count`` unit vectors, each near a random centre (cosine about POINT_COSINE)."""
    noise = rng.standard_normal((count, centres.shape[1])).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    spread = np.float32(np.sqrt(1 / POINT_COSINE**2 - 1))
    points = centres[rng.integers(0, len(centres), count)] + spread * noise
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def dataset(size: int, owners: int, queries: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(10, size // 100), DIMENSION)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return {
        "vectors": clustered(rng, centres, size),
        "owners": rng.integers(1, owners + 1, size),
        "queries": clustered(rng, centres, queries),
        "query_owners": rng.integers(1, owners + 1, queries),
    }


def load(index: VectorIndex, data: dict[str, Any]) -> float:
    """Add every vector in batches; seconds taken, pgvector's HNSW build included."""
    vectors, owners = data["vectors"], data["owners"]
    start = time.perf_counter()
    with index.bulk() if isinstance(index, PgVectorIndex) else nullcontext():
        for first in range(0, len(vectors), LOAD_BATCH):
            rows = range(first, min(first + LOAD_BATCH, len(vectors)))
            index.add(
                [i + 1 for i in rows],
                vectors[rows.start : rows.stop],
                [{"owner_id": int(owners[i])} for i in rows],
            )
    return time.perf_counter() - start


def measure(
    search: Callable[[np.ndarray, dict[str, int] | None], list[Hit]],
    data: dict[str, Any],
    filtered: bool,
    warmup: int = 10,
) -> tuple[list[float], list[list[int]]]:
    """Latency (ms) and result ids of every query, one at a time."""
    queries, owners = data["queries"], data["query_owners"]

    def filters(i: int) -> dict[str, int] | None:
        return {"owner_id": int(owners[i])} if filtered else None

    for i in range(min(warmup, len(queries))):
        search(queries[i], filters(i))
    latencies: list[float] = []
    results: list[list[int]] = []
    for i, query in enumerate(queries):
        start = time.perf_counter()
        hits = search(query, filters(i))
        latencies.append((time.perf_counter() - start) * 1000)
        results.append([hit.id for hit in hits])
    return latencies, results


def summary(latencies: list[float], found: list[list[int]], exact: list[list[int]]) -> dict:
    pairs = zip(found, exact, strict=True)
    recall = np.mean([len(set(a) & set(b)) / max(1, len(b)) for a, b in pairs])
    return {
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p95_ms": round(float(np.percentile(latencies, 95)), 2),
        "recall_at_10": round(float(recall), 4),
    }


@contextmanager
def pgvector_database(server_url: str) -> Iterator[str]:
    """A database of the benchmark's own on the pgvector server, dropped afterwards."""
    admin_url = make_url(server_url)
    name = f"personae_vecbench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def run_size(
    size: int, args: argparse.Namespace, workdir: Path, pg_url: str | None
) -> dict[str, Any]:
    data = dataset(size, args.owners, args.queries, args.seed + size)
    exact = NumpyIndex(embedder_name=EMBEDDER, dimension=DIMENSION)
    load(exact, data)
    indexes: dict[str, VectorIndex] = {
        "sqlite_vec": SqliteVecIndex(
            f"sqlite:///{workdir / f'bench_{size}.db'}",
            embedder_name=EMBEDDER,
            dimension=DIMENSION,
            collection=f"bench_{size}",
        )
    }
    if pg_url is not None:
        indexes["pgvector"] = PgVectorIndex(
            pg_url, embedder_name=EMBEDDER, dimension=DIMENSION, collection=f"bench_{size}"
        )
    out: dict[str, Any] = {"load_s": {}}
    try:
        for name, index in indexes.items():
            out["load_s"][name] = round(load(index, data), 1)
            print(f"  loaded {size:,} vectors into {name} in {out['load_s'][name]} s", flush=True)
        for label, filtered in (("owner", True), ("all", False)):
            latencies, truth = measure(lambda q, f: exact.search(q, K, f), data, filtered=filtered)
            row = {"numpy_exact": summary(latencies, truth, truth)}
            for name, index in indexes.items():
                bound: VectorIndex = index
                latencies, found = measure(
                    lambda q, f, ix=bound: ix.search(q, K, f), data, filtered=filtered
                )
                row[name] = summary(latencies, found, truth)
            out[label] = row
    finally:
        for index in indexes.values():
            index.close()
    return out


def print_table(results: dict[str, Any]) -> None:
    print()
    print(f"{'size':>8} {'queries':>8} {'index':>12} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>10}")
    for size, per_size in results.items():
        for label in ("owner", "all"):
            for name, figures in per_size[label].items():
                print(
                    f"{size:>8} {label:>8} {name:>12} {figures['p50_ms']:>8.2f} "
                    f"{figures['p95_ms']:>8.2f} {figures['recall_at_10']:>10.4f}"
                )
    print()


def run(
    *,
    sizes: list[int],
    owners: int = 10,
    queries: int = 200,
    seed: int = 5,
    pgvector_url: str | None = None,
) -> dict[str, Any]:
    """Measure every size and return the report (also what ``memory_bench.py`` calls for
    issue 5's part 2, so that its figures are measured in the same run)."""
    args = argparse.Namespace(owners=owners, queries=queries, seed=seed)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vector_bench_") as tmp:
        if pgvector_url:
            with pgvector_database(pgvector_url) as pg_url:
                for size in sizes:
                    results[str(size)] = run_size(size, args, Path(tmp), pg_url)
        else:
            print("pgvector not measured: set PERSONAE_TEST_PGVECTOR_URL or --pgvector-url")
            for size in sizes:
                results[str(size)] = run_size(size, args, Path(tmp), None)
    largest = results[str(max(sizes))]["owner"]
    met = {
        name: figures["p50_ms"] <= TARGETS["p50_ms_at_100k_max"]
        and figures["recall_at_10"] >= TARGETS["recall_at_10_min"]
        for name, figures in largest.items()
        if name != "numpy_exact"
    }
    return {
        "benchmark": "vector_bench",
        "data": "synthetic clustered unit vectors (not real embeddings)",
        "dimension": DIMENSION,
        "k": K,
        "owners": owners,
        "queries": queries,
        "sizes": sizes,
        "baseline": "numpy_exact",
        "results": results,
        "targets": TARGETS,
        "met_at_largest_size_owner_filtered": met,
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--owners", type=int, default=10, help="users the memories belong to")
    parser.add_argument("--queries", type=int, default=200, help="queries per set")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--pgvector-url",
        default=os.environ.get("PERSONAE_TEST_PGVECTOR_URL"),
        help="a PostgreSQL server with pgvector (default: $PERSONAE_TEST_PGVECTOR_URL)",
    )
    args = parser.parse_args()
    report = run(
        sizes=args.sizes,
        owners=args.owners,
        queries=args.queries,
        seed=args.seed,
        pgvector_url=args.pgvector_url,
    )
    print_table(report["results"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
