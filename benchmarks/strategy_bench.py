"""Does strategy learning learn? Regret of the policies, and audience clustering, in one run.

**Policies.** Simulated creators (``_strategy_sim.SimCreator``) have a hidden reward
function over 288 strategies (4 topics × 3 formats × 3 tones × 4 posting hours × 2
platforms) that depends on the context (3 audience clusters, weekday or weekend, the
creator's momentum); engagement is drawn around it with log-normal noise and scored with
personae's own ``compute_reward``. Each policy plays ``--rounds`` rounds for each of
``--seeds`` creators; the figure is the cumulative expected regret (the best arm's true
expected reward minus the chosen arm's, summed), mean over the creators. Baselines in
the same run: uniform random and seed 003's epsilon-greedy with decay. Target: the
default policy's regret at most 0.5 × epsilon-greedy's.

**Clustering.** An audience with ``--segments`` planted segments (peak hours, weekend
habit, content type, interaction depth), ``--events`` interaction events from
``--members`` members. Figures: adjusted Rand index of personae's two-stage clustering
(K-Means, then HDBSCAN) against the planted segments (mean over ``--audiences``
audiences; target ≥ 0.9), and its time on ``--events`` events (features + both stages,
``k`` chosen by silhouette), against scikit-learn's own ``KMeans`` on the same feature
matrix told the same ``k`` (the baseline: its time and its ARI).

Prints a table and ends with one line of JSON (also written to
``benchmarks/results/strategy_bench.json``).

Run: ``.venv/bin/python benchmarks/strategy_bench.py`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from _strategy_sim import SimCreator, planted_audience
from personae.strategy import (
    DEFAULT_POLICY,
    POLICY_NAMES,
    audience_features,
    build_policy,
    cluster_audience,
)

RESULTS = Path(__file__).resolve().parent / "results" / "strategy_bench.json"
TARGETS = {"default_vs_epsilon_greedy_max": 0.5, "ari_min": 0.9}
CHECKPOINTS = (500, 1000, 2500)


def run_policy(job: tuple[str, int, int]) -> tuple[str, int, list[float]]:
    """Cumulative expected regret of one policy on one simulated creator."""
    name, seed, rounds = job
    with threadpool_limits(1):  # tiny matrices: threads cost more than they give
        sim = SimCreator(seed=seed)
        policy = build_policy(name, seed=seed)  # type: ignore[arg-type]
        arms = sim.arms
        regret = 0.0
        curve = []
        for step in range(1, rounds + 1):
            context, parts = sim.context()
            expected = sim.expected_rewards(parts)
            index = policy.select(arms, context).index
            regret += float(expected.max() - expected[index])
            arm = arms[index]
            policy.update(arm.key, arm.attributes, context, sim.observe(index, parts))
            if step in CHECKPOINTS or step == rounds:
                curve.append(regret)
    return name, seed, curve


def regret_table(seeds: int, rounds: int, workers: int) -> dict[str, dict[str, Any]]:
    jobs = [(name, seed, rounds) for name in POLICY_NAMES for seed in range(seeds)]
    curves: dict[str, list[list[float]]] = {name: [] for name in POLICY_NAMES}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for name, _, curve in pool.map(run_policy, jobs, chunksize=2):
            curves[name].append(curve)
    elapsed = time.perf_counter() - started
    out: dict[str, dict[str, Any]] = {}
    for name, runs in curves.items():
        matrix = np.array(runs)
        out[name] = {
            "regret": float(matrix[:, -1].mean()),
            "regret_sd": float(matrix[:, -1].std()),
            "checkpoints": {
                str(step): float(matrix[:, i].mean())
                for i, step in enumerate([c for c in CHECKPOINTS if c < rounds])
            },
        }
    out["_elapsed_s"] = {"value": elapsed}
    return out


def clustering(audiences: int, members: int, events: int, segments: int) -> dict[str, Any]:
    aris, baseline_aris, times, feature_times, baseline_times = [], [], [], [], []
    ks, counts = [], []
    for seed in range(audiences):
        rows, truth = planted_audience(members=members, events=events, segments=segments, seed=seed)
        started = time.perf_counter()
        features = audience_features(rows)
        feature_times.append(time.perf_counter() - started)
        result = cluster_audience(features)
        times.append(time.perf_counter() - started)
        labels = [truth[m] for m in features.members]
        aris.append(adjusted_rand_score(labels, result.labels))
        ks.append(result.k)
        counts.append(len(result.clusters))
        matrix = features.scaled()
        started = time.perf_counter()
        baseline = KMeans(n_clusters=result.k, random_state=seed).fit_predict(matrix)
        baseline_times.append(time.perf_counter() - started)
        baseline_aris.append(adjusted_rand_score(labels, baseline))
    return {
        "ari": float(np.mean(aris)),
        "ari_min": float(np.min(aris)),
        "ari_kmeans": float(np.mean(baseline_aris)),
        "seconds": float(np.median(times)),
        "feature_seconds": float(np.median(feature_times)),
        "seconds_kmeans": float(np.median(baseline_times)),
        "k": ks,
        "clusters": counts,
        "members": members,
        "events": events,
        "segments": segments,
        "audiences": audiences,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="Simulated creators per policy.")
    parser.add_argument("--rounds", type=int, default=5000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=4000)
    parser.add_argument("--segments", type=int, default=5)
    parser.add_argument("--audiences", type=int, default=3, help="Planted audiences for the ARI.")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()

    regret = regret_table(args.seeds, args.rounds, args.workers)
    elapsed = regret.pop("_elapsed_s")["value"]
    eg = regret["epsilon_greedy"]["regret"]
    ratio = regret[DEFAULT_POLICY]["regret"] / eg
    print(
        f"Cumulative regret over {args.rounds:,} rounds, mean of {args.seeds} simulated "
        f"creators ({elapsed:.0f} s)"
    )
    steps = [c for c in CHECKPOINTS if c < args.rounds]
    header = f"{'policy':<16}" + "".join(f"{'@' + str(s):>10}" for s in steps)
    print(header + f"{'final':>10}{'± sd':>9}{'vs ε-greedy':>13}")
    for name in POLICY_NAMES:
        row = regret[name]
        marks = " (default)" if name == DEFAULT_POLICY else ""
        print(
            f"{name:<16}"
            + "".join(f"{row['checkpoints'][str(s)]:>10.1f}" for s in steps)
            + f"{row['regret']:>10.1f}{row['regret_sd']:>9.1f}{row['regret'] / eg:>12.2f}×{marks}"
        )
    target = TARGETS["default_vs_epsilon_greedy_max"]
    print(
        f"default ({DEFAULT_POLICY}) / epsilon-greedy = {ratio:.3f} "
        f"(target ≤ {target}: {'met' if ratio <= target else 'NOT met'})"
    )

    with threadpool_limits(1):
        clusters = clustering(args.audiences, args.members, args.events, args.segments)
    print()
    print(
        f"Audience clustering: {args.events:,} events, {args.members:,} members, "
        f"{args.segments} planted segments, {args.audiences} audiences"
    )
    print(f"{'':<34}{'ARI':>8}{'time (s)':>10}")
    print(
        f"{'personae (K-Means + HDBSCAN)':<34}{clusters['ari']:>8.3f}{clusters['seconds']:>10.2f}"
    )
    print(
        f"{'scikit-learn KMeans, same k':<34}{clusters['ari_kmeans']:>8.3f}"
        f"{clusters['seconds_kmeans']:>10.2f}"
    )
    print(
        f"  of which features from the events: {clusters['feature_seconds']:.2f} s; "
        "the rest is choosing k (silhouette, k = 2..8), K-Means and HDBSCAN"
    )
    print(
        f"ARI min {clusters['ari_min']:.3f} (target ≥ {TARGETS['ari_min']}: "
        f"{'met' if clusters['ari'] >= TARGETS['ari_min'] else 'NOT met'}); "
        f"k chosen {clusters['k']}, clusters {clusters['clusters']}; "
        f"time ratio {clusters['seconds'] / clusters['seconds_kmeans']:.1f}× KMeans"
    )

    summary = {
        "benchmark": "strategy",
        "rounds": args.rounds,
        "seeds": args.seeds,
        "regret": {name: round(regret[name]["regret"], 2) for name in POLICY_NAMES},
        "default_policy": DEFAULT_POLICY,
        "default_vs_epsilon_greedy": round(ratio, 4),
        "ari": round(clusters["ari"], 4),
        "ari_min": round(clusters["ari_min"], 4),
        "ari_kmeans_baseline": round(clusters["ari_kmeans"], 4),
        "cluster_seconds_100k": round(clusters["seconds"], 3),
        "feature_seconds_100k": round(clusters["feature_seconds"], 3),
        "kmeans_seconds_100k": round(clusters["seconds_kmeans"], 3),
        "cluster_time_vs_kmeans": round(clusters["seconds"] / clusters["seconds_kmeans"], 2),
        "events": args.events,
        "members": args.members,
        "targets": TARGETS,
        "targets_met": {
            "regret": ratio <= TARGETS["default_vs_epsilon_greedy_max"],
            "ari": clusters["ari"] >= TARGETS["ari_min"],
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
