"""Tokens per second of personae's local provider against llama-cpp-python called directly.

Shared by ``llm_speed.py`` and ``writing_eval.py``: both import :func:`measure_speed`.

The two sides run the same GGUF file with the same context size, threads, prompt,
``max_tokens``, temperature 0 and seed, each on its own ``llama_cpp.Llama`` instance:

* **personae**: ``LocalLLM.complete`` — parameter checks, the model's lock, streaming
  generation with a deadline checked between tokens, the :class:`Completion`;
* **direct**: ``Llama.create_chat_completion`` without streaming, the plainest call.

Runs are interleaved (personae, direct, direct, personae, …) after one warm-up call each,
so drifts of the machine's load hit both sides alike. Each run's rate is its completion
tokens over its wall time. Reported: each side's median and best rate, and as the
headline ratio the median over rounds of (personae's rate / the direct rate), each
round's two runs back to back, so that the load of a shared machine, which drifts from
minute to minute, mostly cancels out.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from personae.llm import LocalLLM, bundled_model_path

PROMPT = (
    "Write a short essay about lighthouses: who kept them, how they worked, "
    "and why ships needed them."
)


@dataclass
class SpeedResult:
    model: str
    prompt_tokens: int
    max_tokens: int
    runs: int
    threads: int | None
    local_runs: list[float] = field(default_factory=list)
    direct_runs: list[float] = field(default_factory=list)
    local_tokens: list[int] = field(default_factory=list)
    direct_tokens: list[int] = field(default_factory=list)

    @property
    def local_tokens_per_s(self) -> float:
        """personae's median run."""
        return statistics.median(self.local_runs)

    @property
    def direct_tokens_per_s(self) -> float:
        """The direct call's median run."""
        return statistics.median(self.direct_runs)

    @property
    def ratio(self) -> float:
        """The median of the rounds' ratios, each round's two runs back to back.

        A round's two runs see nearly the same load, so their ratio cancels most of a
        shared machine's drift, which a ratio of overall medians or bests does not.
        """
        return statistics.median(
            local / direct for local, direct in zip(self.local_runs, self.direct_runs, strict=True)
        )

    def summary(self) -> dict[str, Any]:
        """The figures the issue names, plus what they rest on."""
        return {
            "local_tokens_per_s": round(self.local_tokens_per_s, 2),
            "direct_tokens_per_s": round(self.direct_tokens_per_s, 2),
            "ratio": round(self.ratio, 3),
            "local_best_tokens_per_s": round(max(self.local_runs), 2),
            "direct_best_tokens_per_s": round(max(self.direct_runs), 2),
            "ratio_of_medians": round(self.local_tokens_per_s / self.direct_tokens_per_s, 3),
        } | {
            k: v
            for k, v in asdict(self).items()
            if k not in {"local_runs", "direct_runs", "local_tokens", "direct_tokens"}
        }


def measure_speed(
    *,
    model_path: str | Path | None = None,
    prompt: str = PROMPT,
    max_tokens: int = 128,
    runs: int = 5,
    threads: int | None = 1,
    n_ctx: int = 2048,
    seed: int = 1234,
) -> SpeedResult:
    """Measure both sides, interleaved; see the module's docstring."""
    from llama_cpp import Llama

    path = Path(model_path) if model_path is not None else bundled_model_path()
    local = LocalLLM(path, n_ctx=n_ctx, n_threads=threads, timeout=600)
    direct = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
    messages = [{"role": "user", "content": prompt}]

    def run_local() -> tuple[int, float]:
        started = time.perf_counter()
        completion = local.complete(prompt, max_tokens=max_tokens, temperature=0, seed=seed)
        return completion.completion_tokens, time.perf_counter() - started

    def run_direct() -> tuple[int, float]:
        started = time.perf_counter()
        answer: Any = direct.create_chat_completion(
            messages=messages, max_tokens=max_tokens, temperature=0, seed=seed
        )
        return int(answer["usage"]["completion_tokens"]), time.perf_counter() - started

    prompt_tokens = int(
        direct.create_chat_completion(messages=messages, max_tokens=1, temperature=0, seed=seed)[
            "usage"
        ]["prompt_tokens"]
    )
    run_local()  # warm-up: loads the shared model, fills the prompt cache
    run_direct()
    result = SpeedResult(
        model=path.stem,
        prompt_tokens=prompt_tokens,
        max_tokens=max_tokens,
        runs=runs,
        threads=threads,
    )
    for index in range(runs):
        order = (run_local, run_direct) if index % 2 == 0 else (run_direct, run_local)
        for side in order:
            tokens, seconds = side()
            rate = tokens / seconds
            if side is run_local:
                result.local_tokens.append(tokens)
                result.local_runs.append(rate)
            else:
                result.direct_tokens.append(tokens)
                result.direct_runs.append(rate)
    return result
