"""The closed loop through the HTTP API: does learning survive the trip?

**Regret.** A simulated creator (``_strategy_sim.SimCreator``: a hidden reward over 288
strategies, log-normal engagement noise) is driven end to end through a real personae
server (uvicorn on loopback, SQLite, a model that writes one fixed post): each round
*recommend* (``POST /api/v1/strategy/generate``) → *write* from its brief, kept as a draft
linked to the decision (``POST /api/content/generate`` with ``episode_id``) → *schedule*
it for the webhook publisher and let the due-piece pass *publish* it to a local receiver
(``POST /api/content/publish-due``) → *import* the simulated engagement as a generic CSV
naming only the platform's post id (``POST /api/content/engagement``, ``settle: true``):
the reward is computed by the server and the policy learns with no feedback call. The
baseline, in the same run, on the same simulator and seeds: the same policy in process
(:class:`~personae.strategy.StrategyService.recommend` and ``feedback`` with the reward
inputs of the same counts). The figure is the cumulative expected regret against the
simulator's truth, pooled over the seeds; target: the loop's within 10 % of the
baseline's. Both use weights without the growth and cost terms (an export carries
neither), the same context (one audience, the time of each decision), the LinUCB policy,
the same deterministic hashing embedder (``_loop_doubles``: no embedding model is timed).

**Nothing lost on the way.** Each round also compares the reward the server settled with
the reward of the counts the simulator drew (``reward_gap_*``: 0 when the loop loses
nothing). It found the loss the earlier runs had: the server divided the engagement term
by the creator's running median rate, which rose as the policy found better strategies.
Trajectories still differ between the two sides (ties between arms are broken at random
by the server, with a fixed seed in process, and LinUCB is chaotic in them), so the regret
ratio of one seed is noisy; the pooled ratio over several seeds is the figure.

**A/B.** Two versions of a persona, one truly better (mean normalised engagement 1.25
against 1.0, noise sd 0.3): each piece is allocated by ``/allocate``, written by
``/api/content/generate`` as the allocated variant's persona version (kept as that
variant's piece), published, its engagement imported, until the report says stop (or
``--ab-max`` pieces). Target: the stop names the better version in ≥ 90 % of seeds, at
≥ 95 % probability, after no more pieces per variant than the report's first "pieces
needed" figure (the classical two-sample size at 95 % confidence and 80 % power, once
each variant has 3 rewards).

Printed: both regrets and their ratio, per-round API time next to the in-process round
time, the A/B figures; one line of JSON at the end (also
``benchmarks/results/loop_bench.json``).

Run: ``.venv/bin/python benchmarks/loop_bench.py --rounds 2000 --seeds 3 --ab-seeds 0``
(the issue's figure; about an hour per seed on a loaded 2-core machine; ``--first-seed``
and ``--out`` split it over processes), ``--seeds 0`` for the A/B part alone, ``--rounds
200`` for a quick look.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from _loop_doubles import FixedWriter, HashEmbedder, free_port  # noqa: E402
from _strategy_sim import SimCreator  # noqa: E402
from personae.api import create_app  # noqa: E402
from personae.api.routes.strategy import get_embedder  # noqa: E402
from personae.auth import create_access_token, new_token_id  # noqa: E402
from personae.config import Settings  # noqa: E402
from personae.store import (  # noqa: E402
    Database,
    PersonaCreate,
    UserCreate,
    crud,
    session_scope,
)
from personae.strategy import (  # noqa: E402
    DEFAULT_BASELINES,
    RewardComponents,
    RewardWeights,
    StrategyService,
    compute_reward,
)

TARGETS = {"regret_ratio_max": 1.10, "ab_correct_share_min": 0.90}
WEIGHTS = RewardWeights(w1=1.0, w2=0.0, w3=5.0, w4=0.0)
SECRET = "loop-bench-secret-that-is-long-enough-for-hs256-0123456789"
REACH = 2000


POSTED: dict[int, str] = {}
"""The post id the receiver gave each piece it received (by piece id)."""


@contextmanager
def receiver() -> Iterator[str]:
    """A webhook receiver on loopback that names each post ``post-<n>``."""
    count = iter(range(1, 10**9))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            sent = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            post = f"post-{next(count)}"
            POSTED[int(sent["piece"]["id"])] = post
            body = json.dumps({"external_id": post}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def served(folder: Path) -> Iterator[tuple[str, Database, Settings]]:
    """A personae server on loopback, with the scripted writer as its model."""
    url = f"sqlite:///{folder / 'loop.db'}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        data_dir=folder,
        environment="test",
        secret_key=SECRET,
        redis_url=None,
        rate_limit_per_minute=10**7,
        auth_rate_limit_per_minute=10**7,
        strategy_policy="linucb",
        access_token_minutes=7 * 24 * 60,  # a long run outlives the default 15 minutes
        publish_allow_private_urls=True,  # the receiver is on loopback
        content_scheduler_seconds=0,  # the loop publishes through publish-due itself
    )
    database = Database(url)
    database.upgrade()
    writer = FixedWriter()
    app = create_app(settings, llm_for=lambda *_: writer)
    embedder = HashEmbedder()
    app.dependency_overrides[get_embedder] = lambda: embedder  # as the baseline's
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", database, settings
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        database.dispose()


def _user(database: Database, settings: Settings, email: str) -> tuple[int, dict[str, str]]:
    with session_scope(database) as session:
        user = crud.create_user(session=session, data=UserCreate(email=email, password_hash="!"))
        user_id = user.id
        sid = new_token_id()
        crud.create_auth_session(
            session=session,
            user_id=user_id,
            session_id=sid,
            refresh_jti=new_token_id(),
            expires_at=datetime(2100, 1, 1, tzinfo=UTC),
        )
    token = create_access_token(user_id, "user", session_id=sid, settings=settings)
    return user_id, {"Authorization": f"Bearer {token}"}


STEP_SECONDS: dict[str, float] = {}
"""Seconds spent per API step of the loop, summed over every round."""


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.text}")
    step = (
        response.request.url.path.split("/")[3] if response.request.url.path.count("/") > 2 else "?"
    )
    step = "piece" if step.isdigit() else step
    STEP_SECONDS[step] = STEP_SECONDS.get(step, 0.0) + response.elapsed.total_seconds()
    return response.json()["data"]


def _draw(sim: SimCreator, arm: int, weekend: int) -> dict[str, int]:
    """One piece's engagement as an export shows it: whole counts."""
    rate = float(sim._engagement[0, weekend, arm]) * float(
        np.exp(sim.rng.normal(-(sim.noise**2) / 2, sim.noise))
    )
    conversions = int(sim.rng.binomial(REACH, sim._conversion[arm]))
    likes = round(rate * DEFAULT_BASELINES[sim.arms[arm].platform] * REACH)
    return {"likes": likes, "reach": REACH, "conversions": conversions}


def _components(counts: dict[str, int], platform: str) -> RewardComponents:
    """The reward inputs of those counts, measured as the seed says (against the
    platform's baseline), so both sides learn from the very same observation."""
    reach = counts["reach"]
    return RewardComponents(
        engagement_rate=counts["likes"] / reach / DEFAULT_BASELINES[platform],
        reach_growth=0.0,
        conversion_rate=counts["conversions"] / reach,
    )


def _arm_index(sim: SimCreator) -> dict[tuple[Any, ...], int]:
    """Arm number by its five choices, as recommendations show them."""
    return {
        (a.topic, a.format, a.tone, a.posting_hour, a.platform): i for i, a in enumerate(sim.arms)
    }


def _truth(sim: SimCreator, weekend: int) -> np.ndarray:
    w = WEIGHTS
    expected: np.ndarray = w.w1 * sim._engagement[0, weekend] + w.w3 * sim._conversion
    return expected


def in_process(seed: int, rounds: int, folder: Path) -> tuple[list[float], float]:
    """The baseline: the same policy in process; (regret after each round, s per round)."""
    sim = SimCreator(seed=seed, clusters=1)
    database = Database(f"sqlite:///{folder / f'inproc-{seed}.db'}")
    database.upgrade()
    index = _arm_index(sim)
    with session_scope(database) as session:
        owner = crud.create_user(
            session=session, data=UserCreate(email="b@x.org", password_hash="!")
        )
        persona = crud.create_persona(
            session=session, owner_id=owner.id, data=PersonaCreate(name="c")
        )
        ids = (owner.id, persona.id)
        StrategyService(session=session, owner_id=ids[0]).set_weights(ids[1], WEIGHTS)
    regret, curve = 0.0, []
    embedder = HashEmbedder()
    started = time.perf_counter()
    for _ in range(rounds):
        now = datetime.now(UTC)
        weekend = int(now.weekday() >= 5)
        truth = _truth(sim, weekend)
        with session_scope(database) as session:
            service = StrategyService(
                session=session, owner_id=ids[0], embedder=embedder, policy="linucb", seed=seed
            )
            rec = service.recommend(ids[1], space=sim.space, when=now)
            arm = index[tuple(rec.strategy.model_dump().values())]
            regret += float(truth.max() - truth[arm])
            curve.append(regret)
            counts = _draw(sim, arm, weekend)
            service.feedback(
                rec.strategy_id,
                episode_id=rec.episode_id,
                components=_components(counts, rec.strategy.platform),
            )
    elapsed = (time.perf_counter() - started) / rounds
    database.dispose()
    return curve, elapsed


def through_api(
    seed: int, rounds: int, folder: Path, hook: str
) -> tuple[list[float], float, list[float]]:
    """The loop over HTTP; (regret after each round, s per round, and per round the
    server's reward minus the reward of the simulator's counts)."""
    sim = SimCreator(seed=seed, clusters=1)
    index = _arm_index(sim)
    space = {
        "topics": list(sim.space.topics),
        "formats": list(sim.space.formats),
        "tones": list(sim.space.tones),
        "posting_hours": list(sim.space.posting_hours),
        "platforms": list(sim.space.platforms),
    }
    with served(folder / f"api-{seed}") as (url, database, settings):
        _, headers = _user(database, settings, f"loop{seed}@x.org")
        client = httpx.Client(base_url=url, headers=headers, timeout=60)
        persona = _ok(client.post("/api/personas", json={"name": "creator", "role": "Founder"}))
        pid = persona["id"]
        _ok(client.put(f"/api/v1/strategy/{pid}/weights", json=WEIGHTS.model_dump()))
        _ok(
            client.post(
                "/api/content/publishers",
                json={"name": "hook", "kind": "webhook", "url": hook, "secret": "s" * 24},
            )
        )
        regret, curve, gaps = 0.0, [], []
        started = time.perf_counter()
        for n in range(rounds):
            # recommend
            rec = _ok(client.post("/api/v1/strategy/generate", json={"creator_id": pid, **space}))
            weekend = int(datetime.fromisoformat(rec["decided_at"]).weekday() >= 5)
            arm = index[tuple(rec["strategy"].values())]
            truth = _truth(sim, weekend)
            regret += float(truth.max() - truth[arm])
            curve.append(regret)
            platform = rec["strategy"]["platform"]
            # write from the brief: kept as a draft linked to the decision
            written = _ok(
                client.post(
                    "/api/content/generate",
                    json={
                        "persona_id": pid,
                        "platform": platform,
                        "brief": rec["content_brief"]["instructions"][:1000],
                        "candidates": 1,
                        "max_rounds": 1,
                        "episode_id": rec["episode_id"],
                    },
                )
            )
            piece = written["piece_id"]
            # schedule now; the due-piece pass publishes it to the webhook receiver
            _ok(
                client.post(
                    f"/api/content/{piece}/schedule",
                    json={"at": datetime.now(UTC).isoformat(), "publisher": "hook"},
                )
            )
            due = _ok(client.post("/api/content/publish-due"))
            if piece not in due["published"]:
                raise RuntimeError(f"round {n}: piece {piece} was not published: {due}")
            # the platform's export names the post by its id only; settle now
            counts = _draw(sim, arm, weekend)
            csv = (
                "external_id,occurred_at,likes,reach,conversions\n"
                f"{POSTED[piece]},{datetime.now(UTC).isoformat()},"
                f"{counts['likes']},{counts['reach']},{counts['conversions']}\n"
            )
            report = _ok(client.post("/api/content/engagement", json={"csv": csv, "settle": True}))
            if not report["settled"] or not report["settled"][0]["policy_updated"]:
                raise RuntimeError(f"round {n}: no reward reached the policy: {report}")
            expected = compute_reward(_components(counts, platform), WEIGHTS)
            gaps.append(float(report["settled"][0]["reward"]) - expected)
            if (n + 1) % 250 == 0:
                print(
                    f"  seed {seed}, round {n + 1}: regret {regret:.1f}, "
                    f"{(time.perf_counter() - started) / (n + 1) * 1000:.0f} ms per round",
                    flush=True,
                )
        elapsed = (time.perf_counter() - started) / rounds
        client.close()
    return curve, elapsed, gaps


def ab_test(seed: int, folder: Path, hook: str, max_pieces: int) -> dict[str, Any]:
    """One A/B test through the API: does the stop name the better version?"""
    rng = np.random.default_rng(50_000 + seed)
    means = {1: 1.0, 2: 1.25}
    with served(folder / f"ab-{seed}") as (url, database, settings):
        _, headers = _user(database, settings, f"ab{seed}@x.org")
        client = httpx.Client(base_url=url, headers=headers, timeout=60)
        pid = _ok(client.post("/api/personas", json={"name": "ab", "role": "Founder"}))["id"]
        _ok(client.put(f"/api/personas/{pid}", json={"version": 1, "role": "Sharper founder"}))
        _ok(
            client.post(
                "/api/content/publishers", json={"name": "hook", "kind": "webhook", "url": hook}
            )
        )
        test = _ok(
            client.post(
                "/api/content/experiments",
                json={
                    "name": "ab",
                    "persona_id": pid,
                    "platform": "linkedin",
                    "variants": [{"name": "v1", "version": 1}, {"name": "v2", "version": 2}],
                },
            )
        )["id"]
        said_needed: int | None = None
        report: dict[str, Any] = {}
        for _ in range(max_pieces):
            # allocate, then write as the variant's persona version (kept as its piece)
            allocation = _ok(client.post(f"/api/content/experiments/{test}/allocate"))
            written = _ok(
                client.post(
                    "/api/content/generate",
                    json={
                        "persona_id": pid,
                        "platform": "linkedin",
                        "brief": "What we shipped this week.",
                        "candidates": 1,
                        "max_rounds": 1,
                        "experiment_id": test,
                        "variant": allocation["variant"],
                    },
                )
            )
            done = _ok(
                client.post(
                    f"/api/content/{written['piece_id']}/publish", json={"publisher": "hook"}
                )
            )
            if done["persona_version"] != allocation["persona_version"]:
                raise RuntimeError(f"piece {done['id']} was not kept as its variant's version")
            rate = max(0.0, rng.normal(means[done["persona_version"]], 0.3))
            likes = round(rate * DEFAULT_BASELINES["linkedin"] * REACH)
            csv = f"external_id,reach,likes\n{done['external_id']},{REACH},{likes}\n"
            _ok(client.post("/api/content/engagement", json={"csv": csv, "settle": True}))
            report = _ok(client.get(f"/api/content/experiments/{test}"))
            if said_needed is None and report["pieces_needed"] is not None:
                said_needed = report["pieces_needed"]
            if report["should_stop"]:
                break
        client.close()
    rewarded = [v["rewarded"] for v in report["variants"]]
    best = max(report["variants"], key=lambda v: v["probability_best"])
    return {
        "stopped": report["should_stop"],
        "picked_better": report["should_stop"] and best["persona_version"] == 2,
        "probability": best["probability_best"],
        "pieces": sum(rewarded),
        "within_said": said_needed is not None and max(rewarded) <= said_needed,
        "first_said_needed": said_needed,
    }


def _one_side(part: str, seed: int, rounds: int, folder: Path, hook: str) -> dict[str, Any]:
    """One side of one seed (``--part``): its regret at every 250 rounds, its round time."""
    if part == "in-process":
        curve, seconds = in_process(seed, rounds, folder)
        gaps: list[float] = []
    else:
        curve, seconds, gaps = through_api(seed, rounds, folder, hook)
    row = {
        "seed": seed,
        "part": part,
        "regret": {m: round(curve[m - 1], 2) for m in range(250, rounds + 1, 250)}
        | {rounds: round(curve[-1], 2)},
        "round_ms": round(seconds * 1000, 2),
        "reward_gap_max": round(max((abs(g) for g in gaps), default=0.0), 6),
    }
    print(f"seed {seed}, {part}: {row}", flush=True)
    return row


def _checkpoints(rounds: int) -> list[int]:
    marks = [m for m in (100, 300, 500, 1000, 2000, 5000) if m < rounds]
    return [*marks, rounds]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--ab-seeds", type=int, default=10)
    parser.add_argument("--ab-max", type=int, default=120)
    parser.add_argument(
        "--part",
        choices=("both", "in-process", "api"),
        default="both",
        help="Run one side only (a long run split over processes; both sides are seeded, "
        "so the halves pair up).",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "loop_bench.json"
    )
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, receiver() as hook:
        folder = Path(tmp)
        for seed in seeds:
            if args.part != "both":
                rows.append(_one_side(args.part, seed, args.rounds, folder, hook))
                continue
            base, base_s = in_process(seed, args.rounds, folder)
            print(
                f"  seed {seed} in process: regret "
                + ", ".join(f"{m}: {base[m - 1]:.1f}" for m in range(250, args.rounds + 1, 250))
                + f"; {base_s * 1000:.0f} ms per round",
                flush=True,
            )
            loop, loop_s, gaps = through_api(seed, args.rounds, folder, hook)
            rows.append(
                {
                    "seed": seed,
                    "regret_in_process": {
                        m: round(base[m - 1], 2) for m in _checkpoints(args.rounds)
                    },
                    "regret_api": {m: round(loop[m - 1], 2) for m in _checkpoints(args.rounds)},
                    "ratio": round(loop[-1] / base[-1], 4) if base[-1] else None,
                    "round_ms_in_process": round(base_s * 1000, 2),
                    "round_ms_api": round(loop_s * 1000, 2),
                    "reward_gap_max": round(max(abs(g) for g in gaps), 6),
                    "reward_gap_mean": round(float(np.mean(gaps)), 6),
                }
            )
            print(
                f"seed {seed}: regret in process {base[-1]:8.1f}  through the API {loop[-1]:8.1f}"
                f"  (ratio {rows[-1]['ratio']})  round {base_s * 1000:6.1f} ms vs "
                f"{loop_s * 1000:6.1f} ms; server's reward minus the counts' reward: mean "
                f"{rows[-1]['reward_gap_mean']:+.2e}, largest {rows[-1]['reward_gap_max']:.2e}",
                flush=True,
            )
        ab = [ab_test(seed, folder, hook, args.ab_max) for seed in range(args.ab_seeds)]
    result: dict[str, Any] = {
        "rounds": args.rounds,
        "seeds": list(seeds),
        "part": args.part,
        "per_seed": rows,
    }
    if rows and args.part == "both":
        base_total = sum(r["regret_in_process"][args.rounds] for r in rows)
        loop_total = sum(r["regret_api"][args.rounds] for r in rows)
        ratio = loop_total / base_total if base_total else float("inf")
        base_ms = float(np.mean([r["round_ms_in_process"] for r in rows]))
        loop_ms = float(np.mean([r["round_ms_api"] for r in rows]))
        print(
            f"\nCumulative regret over {args.rounds} rounds, pooled over {len(rows)} seeds: "
            f"in process {base_total:.1f}, through the API {loop_total:.1f} (ratio "
            f"{ratio:.3f}; target <= {TARGETS['regret_ratio_max']}); per seed "
            f"{[r['ratio'] for r in rows]}"
        )
        for mark in _checkpoints(args.rounds):
            b = sum(r["regret_in_process"][mark] for r in rows)
            a = sum(r["regret_api"][mark] for r in rows)
            print(f"  after {mark:5d} rounds: in process {b:8.1f}, API {a:8.1f}, ratio {a / b:.3f}")
        print(
            f"Per round: in process {base_ms:.1f} ms, through the API {loop_ms:.1f} ms "
            f"(API overhead {loop_ms - base_ms:.1f} ms: recommend, generate and keep, "
            "schedule, publish to the webhook, import, settle)"
        )
        print(
            "API time by step (s, all rounds):", {k: round(v, 1) for k, v in STEP_SECONDS.items()}
        )
        result |= {
            "regret_in_process": round(base_total, 2),
            "regret_api": round(loop_total, 2),
            "regret_ratio": round(ratio, 4),
            "round_ms_in_process": round(base_ms, 2),
            "round_ms_api": round(loop_ms, 2),
        }
    correct = sum(1 for r in ab if r["picked_better"]) / len(ab) if ab else float("nan")
    if ab:
        print(
            f"A/B: the stop named the better version in {correct:.0%} of {len(ab)} seeds "
            f"(target >= {TARGETS['ab_correct_share_min']:.0%}); pieces to stop: "
            f"{[r['pieces'] for r in ab]}; P(best) at stop: {[r['probability'] for r in ab]}; "
            f"stopped within the first 'pieces needed' figure: "
            f"{sum(r['within_said'] for r in ab)}/{len(ab)}"
        )
        result |= {"ab": ab, "ab_correct_share": correct}
    result["targets_met"] = {
        "regret": bool(rows)
        and args.part == "both"
        and result["regret_ratio"] <= TARGETS["regret_ratio_max"],
        "ab": bool(ab) and correct >= TARGETS["ab_correct_share_min"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
