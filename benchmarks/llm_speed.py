"""Tokens per second of personae's local provider vs llama-cpp-python called directly.

Same GGUF file (the bundled SmolLM2-135M-Instruct unless ``--model``), same prompt,
``max_tokens``, temperature 0 and seed, same threads and context; runs interleaved after
a warm-up, ``--runs`` paired rounds (see ``_llm_speed.py``). Target: personae's rate at
least 0.9x the direct call's (median of the rounds' ratios).

One llama.cpp thread by default: its worker threads spin at barriers, so on a machine
shared with other work a multi-threaded run's speed depends on everyone else's load far
more than on the code measured (``--threads`` changes it, for both sides).

Prints a small table, then one line of JSON (also written to
``benchmarks/results/llm_speed.json``).

Run: ``.venv/bin/python benchmarks/llm_speed.py [--runs 11] [--max-tokens 128] [--threads 1]``
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
from pathlib import Path

from _llm_speed import measure_speed

TARGET_RATIO = 0.9
RESULTS = Path(__file__).resolve().parent / "results" / "llm_speed.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="paired rounds")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument(
        "--threads", type=int, default=1, help="llama.cpp threads, both sides (see above)"
    )
    parser.add_argument("--model", type=Path, default=None, help="a GGUF file (default: bundled)")
    args = parser.parse_args()

    result = measure_speed(
        model_path=args.model, max_tokens=args.max_tokens, runs=args.runs, threads=args.threads
    )
    print(f"model {result.model}, prompt {result.prompt_tokens} tokens, threads {args.threads}")
    print(f"{'side':<10} {'median tok/s':>13} {'best tok/s':>11}  tokens per run")
    for side, rates, tokens in (
        ("personae", result.local_runs, result.local_tokens),
        ("direct", result.direct_runs, result.direct_tokens),
    ):
        print(
            f"{side:<10} {statistics.median(rates):13.1f} {max(rates):11.1f}  "
            f"{','.join(map(str, tokens))}"
        )
    print(
        f"ratio personae/direct (median of {args.runs} paired rounds): {result.ratio:.3f}"
        f"  target >= {TARGET_RATIO}"
    )
    summary = result.summary() | {
        "benchmark": "llm_speed",
        "target_ratio_min": TARGET_RATIO,
        "met": result.ratio >= TARGET_RATIO,
        "python": platform.python_version(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary) + "\n", encoding="utf-8")
    figures = {k: summary[k] for k in ("local_tokens_per_s", "direct_tokens_per_s", "ratio")}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
