"""Persona generation: measure the voice, let the LLM name it, compute how sure we are.

Seed 001's pipeline, with its division of labour made strict:

1. **measure** the writing samples with :mod:`personae.style` (the fingerprint, the voice's
   key words, and the rules a program can check: sentence length, contractions,
   perspective, exclamations, emoji);
2. **ask the LLM** for what only prose can say (persona name, archetype, core belief,
   brand voice, tonal range, written rules, go-to and avoid words), showing it the
   measured fingerprint so its words are grounded in the numbers;
3. **reconcile**: go-to words are kept only where the samples use them (plus the measured
   key words); avoid words never include a word the writer actually uses;
4. **compute confidence** from data sufficiency: words, samples, and how well the samples
   agree with each other (each one's typicality against the others' voice).

The LLM never produces a number that is stored: every score and rate comes from code.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from personae.errors import InputError, TextTooShortError
from personae.llm import LLM, Message
from personae.persona._voice import describe_voice
from personae.store import NAME_PATTERN
from personae.style import StyleProfile, analyze, text_evidence

__all__ = [
    "MIN_SAMPLE_WORDS",
    "GeneratedPersona",
    "OnboardingData",
    "PersonaGenerationRequest",
    "SampleDrafts",
    "data_confidence",
    "draft_samples",
    "generate_persona",
    "measured_constraints",
    "require_samples",
]

MIN_SAMPLE_WORDS = 50
"""Fewest words, over all samples, from which a voice is worth measuring."""

ProgressFn = Callable[[float, str], None]
"""``(fraction done, what is happening)``: a job's progress dial, or a CLI progress bar."""

_Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000)]


class OnboardingData(BaseModel):
    """Seed 001's onboarding answers (``website_url`` is recorded, never fetched)."""

    model_config = ConfigDict(extra="forbid")

    website_url: Annotated[str, StringConstraints(max_length=2_000)] = ""
    website_text: Annotated[str, StringConstraints(max_length=20_000)] = Field(
        default="", description="Text of the writer's website or about page, pasted in."
    )
    writer_name: _Short = Field(
        default="", description="The writer's own name: the persona is shown under it."
    )
    brand_name: _Short = Field(default="", description="The brand or company they write for.")
    business_type: _Short = ""
    target_audience: _Short = ""
    content_preferences: dict[str, _Short] = Field(
        default_factory=dict, description="E.g. {'tone': 'professional', 'length': 'medium'}."
    )

    def summary(self, *, names: bool = True) -> str:
        """The answers as prompt lines (only the ones given). ``names=False`` leaves out
        the writer's and brand's names: a small model asked to describe a voice copies a
        name it is shown into every field."""
        lines = []
        if names and self.writer_name:
            lines.append(f"Writer: {self.writer_name}")
        if names and self.brand_name:
            lines.append(f"Brand: {self.brand_name}")
        if self.business_type:
            lines.append(f"Business type: {self.business_type}")
        if self.target_audience:
            lines.append(f"Target audience: {self.target_audience}")
        for key, value in self.content_preferences.items():
            lines.append(f"Preferred {key}: {value}")
        if self.website_text:
            lines.append(f"About (from their website): {self.website_text[:1_500]}")
        return "\n".join(lines)


class PersonaGenerationRequest(BaseModel):
    """What ``POST /api/personas/generate`` and ``personae persona create`` take."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=100)]
    display_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    writing_samples: list[str] = Field(default_factory=list, max_length=100)
    onboarding: OnboardingData = Field(default_factory=OnboardingData)


# -- what the LLM is asked for: small schemas, so a small model can fill them ---------------

_Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class _Identity(BaseModel):
    persona_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
    archetype: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
    core_belief: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)]
    brand_voice_description: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=600)
    ]


class _Tones(BaseModel):
    default: _Phrase
    permissible: list[_Phrase] = Field(default_factory=list, max_length=6)
    forbidden: list[_Phrase] = Field(default_factory=list, max_length=6)


class _Rules(BaseModel):
    rules: list[Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]] = Field(
        default_factory=list, max_length=8
    )
    go_to_words: list[_Phrase] = Field(default_factory=list, max_length=12)
    avoid_words: list[_Phrase] = Field(default_factory=list, max_length=12)


class GeneratedPersona(BaseModel):
    """A persona ready to store, with how it was made."""

    fields: dict[str, Any]
    """:class:`~personae.store.PersonaCreate` fields."""
    brand_voice_description: str
    confidence: dict[str, float]
    """``score`` (stored as ``confidence_score``) and the terms it was computed from."""
    timings_ms: dict[str, float]
    """Milliseconds per step: ``measure``, ``identity``, ``tones``, ``rules``."""


class SampleDrafts(BaseModel):
    """Three short texts drafted from onboarding answers, for a writer without samples."""

    samples: list[str]


# -- measured rules ----------------------------------------------------------------------


def measured_constraints(profile: StyleProfile) -> dict[str, Any]:
    """The rules of a voice a program can check, from its measurements alone.

    Keys follow :class:`~personae.persona.VoiceRules`, so the consistency score reads
    them back. Bounds are the voice's mean ± its spread between samples, at least ± 2
    words, so a text of this writer is inside them by construction.
    """
    dims = {d.key: d for d in profile.describe()}
    rules: dict[str, Any] = {}
    sentence = dims.get("sentence_length.average")
    if sentence is not None:
        half = max(2.0, sentence.spread)
        low, high = max(1.0, sentence.value - half), sentence.value + half
        rules["sentence_length"] = {"min": round(low, 1), "max": round(high, 1)}
    contractions = dims.get("contractions.per_100_words")
    if contractions is not None:
        if contractions.value >= 0.5:
            rules["contractions"] = "use"
        elif contractions.value < 0.1:
            rules["contractions"] = "avoid"
    pronouns = {
        "first_singular": dims.get("pronouns.first_singular"),
        "first_plural": dims.get("pronouns.first_plural"),
        "second": dims.get("pronouns.second"),
    }
    rates = {key: d.value for key, d in pronouns.items() if d is not None}
    if rates:
        top, rate = max(rates.items(), key=lambda kv: kv[1])
        if rate >= 15.0:  # per 1,000 words: a voice that clearly speaks this way
            rules["perspective"] = top
    exclamation = dims.get("sentence_type.exclamation")
    if exclamation is not None:
        if exclamation.value == 0.0:
            rules["punctuation"] = {"exclamation_points": "never"}
        elif exclamation.value < 0.1:
            rules["punctuation"] = {"exclamation_points": "sparingly"}
    emoji = dims.get("social.emoji_per_100_words")
    if emoji is not None:
        rules["emoji"] = "avoid" if emoji.value == 0.0 else "sparing" if emoji.value < 2 else "use"
    return rules


def data_confidence(profile: StyleProfile, fingerprints: Sequence[Any]) -> dict[str, float]:
    """How much the measured voice can be trusted, 0..1, from the data alone.

    Three terms, multiplied: ``words`` saturates at about 2,000 words (1 − e^(−w/700)),
    ``samples`` at about five texts (1 − e^(−n/2)), and ``agreement`` is the mean
    typicality of each sample against the voice of the *other* samples (1.0 with a
    single sample would be a lie, so one sample counts as 0.5; samples too short to be
    judged alone are left out of the mean).
    """
    words = 1.0 - math.exp(-profile.word_count / 700.0)
    samples = 1.0 - math.exp(-profile.sample_count / 2.0)
    if len(fingerprints) >= 2:
        scores = []
        for index, fp in enumerate(fingerprints):
            others = [other for j, other in enumerate(fingerprints) if j != index]
            rest = StyleProfile.from_fingerprints(others, name="rest")
            try:
                scores.append(rest.match_fingerprint(fp).score)
            except TextTooShortError:
                continue  # a 20-word post is a fine sample, but too short to judge alone
        agreement = sum(scores) / len(scores) if scores else 0.5
    else:
        agreement = 0.5
    score = words * samples * (0.5 + 0.5 * agreement)
    return {
        "score": round(score, 4),
        "words": round(words, 4),
        "samples": round(samples, 4),
        "agreement": round(agreement, 4),
    }


# -- the pipeline ---------------------------------------------------------------------------


def _grounding(profile: StyleProfile, onboarding: OnboardingData, samples: Sequence[str]) -> str:
    """What the model is shown: short, since a 135M model copies long context verbatim."""
    about = onboarding.summary(names=False)
    examples = example_sentences(samples, limit=3)
    lines = describe_voice(profile).splitlines()[:4]
    return (
        "How the writer writes (measured):\n"
        + "\n".join(lines)
        + "\nSentences they wrote:\n"
        + "\n".join(f'- "{sentence}"' for sentence in examples)
        + (f"\nAbout them:\n{about}\n" if about else "\n")
    )


def measured_tones(profile: StyleProfile) -> list[str]:
    """Tones read off the measurements, for when the model names none that can be used:
    short sentences read as direct, long ones as reflective, and so on."""
    dims = {d.key: d.value for d in profile.describe()}
    tones = []
    length = dims.get("sentence_length.average") or 0.0
    if length and length <= 10:
        tones.append("direct")
    elif length >= 22:
        tones.append("reflective")
    if (dims.get("sentence_type.exclamation") or 0.0) > 0.1:
        tones.append("enthusiastic")
    if (dims.get("sentence_type.question") or 0.0) > 0.1:
        tones.append("inquisitive")
    contractions = dims.get("contractions.per_100_words") or 0.0
    tones.append("conversational" if contractions > 2 else "plain")
    return tones


def _ask(llm: LLM, system: str, task: str, schema: type[Any], max_tokens: int) -> Any:
    messages = [Message.system(system), Message.user(task)]
    return llm.structured(messages, schema, max_tokens=max_tokens, temperature=0.0, seed=7)


_SYSTEM = (
    "You are a brand voice strategist. You describe a writer's voice from measurements "
    "of their own texts. Answer only with JSON that fits the schema."
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _used_words(texts: Sequence[str]) -> set[str]:
    return {word.lower() for text in texts for word in _WORD.findall(text)}


def _clean_terms(terms: Sequence[str]) -> list[str]:
    seen: dict[str, None] = {}
    for term in terms:
        cleaned = term.strip().strip("\"'.,;:!?").lower()
        if cleaned and len(cleaned) <= 40:
            seen.setdefault(cleaned, None)
    return list(seen)


def require_samples(samples: list[str]) -> list[str]:
    """The samples, or an :class:`InputError` that says how to get some.

    Checked before a generation job is queued, so a request without samples is refused
    at once instead of failing in the background.
    """
    if not samples:
        raise InputError(
            "writing_samples is empty: send the writer's own texts, or draft three from the "
            "onboarding answers (POST /api/personas/generate/samples) and send the one "
            "that sounds right",
            field="writing_samples",
        )
    return samples


def display_name(request: PersonaGenerationRequest) -> str:
    """Who the persona is shown as: the name the person gave, never one the model made up
    (a small model invents people: "Alejandro Hernandez" for a founder who gave none)."""
    if request.display_name:
        return request.display_name
    onboarding = request.onboarding
    if onboarding.writer_name and onboarding.brand_name:
        return f"{onboarding.writer_name} ({onboarding.brand_name})"
    return onboarding.writer_name or onboarding.brand_name or request.name


def _belief(text: str, request: PersonaGenerationRequest) -> str | None:
    """The model's core belief when it is one: its first sentence, 5 to 30 words, not the
    business type repeated ("B2B SaaS startup" is not a belief) and not about a named
    person (a small model writes "Dana Reyes is a leader in …" and loops)."""
    first = _SENTENCE.search(" ".join(text.split()))
    belief = first.group(0).strip() if first else ""
    if not 5 <= len(belief.split()) <= 30:
        return None
    lowered = belief.lower()
    if lowered.startswith(("i am a ", "we are a ", "this persona")):
        return None
    if any(name and name.lower() in lowered for name in _names(request)):
        return None
    return belief


def _names(request: PersonaGenerationRequest) -> list[str]:
    onboarding = request.onboarding
    # Not request.name: a handle such as "founder" is an ordinary word an archetype may use.
    return [
        request.display_name or "",
        onboarding.writer_name,
        onboarding.brand_name,
        onboarding.business_type,
    ]


def _phrase(text: str, request: PersonaGenerationRequest, *, words: int = 4) -> str | None:
    """A short label from the model (an archetype, a tone) when it is one: letters and
    spaces, at most ``words`` words, not a name it was given, and not the schema's words."""
    label = " ".join(text.split()).strip(" .")
    if not label or len(label.split()) > words or not re.fullmatch(r"[A-Za-z][A-Za-z' -]*", label):
        return None
    lowered = label.lower()
    if any(
        name and (lowered in name.lower() or name.lower() in lowered) for name in _names(request)
    ):
        return None
    if set(re.findall(r"[a-z]+", lowered)) <= _SCHEMA_WORDS:
        return None  # the schema's own words echoed back ("Persona Name"), not a label
    return label


_SCHEMA_WORDS = frozenset(
    re.findall(
        r"\w+",
        "persona name archetype core belief brand voice description string example tone "
        "tones default value label title type field",
    )
)


_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]+[\"”’)]*|[^.!?…\n]+$", re.MULTILINE)
MAX_EXAMPLES = 12
"""Sentences kept from the samples: enough to pick three close to any brief, small to store."""


def example_sentences(samples: Sequence[str], limit: int = MAX_EXAMPLES) -> list[str]:
    """Sentences of the writer's own, taken in turn from each sample (openers first),
    4 to 30 words long, without repeats: the few-shot material for writing prompts."""
    per_sample = []
    for text in samples:
        found = [" ".join(m.group(0).split()) for m in _SENTENCE.finditer(text)]
        per_sample.append(
            [s for s in found if 4 <= len(s.split()) <= 30 and len(s.split()[-1].strip(".!?…")) > 1]
        )
    chosen: list[str] = []
    for row in range(max((len(s) for s in per_sample), default=0)):
        for sentences in per_sample:
            if row < len(sentences) and sentences[row] not in chosen:
                chosen.append(sentences[row])
                if len(chosen) == limit:
                    return chosen
    return chosen


def generate_persona(
    request: PersonaGenerationRequest,
    llm: LLM,
    *,
    max_text_chars: int = 200_000,
    on_progress: ProgressFn | None = None,
) -> GeneratedPersona:
    """Build a persona from writing samples and onboarding answers.

    Raises
    ------
    InputError
        No samples (draft some with :func:`draft_samples` first), or a sample that cannot
        be measured (empty, binary, larger than ``max_text_chars``).
    TextTooShortError
        Fewer than :data:`MIN_SAMPLE_WORDS` words in all.
    LLMError
        The model is unavailable or never produced valid JSON.
    """

    def progress(fraction: float, message: str) -> None:
        if on_progress is not None:
            on_progress(fraction, message)

    samples = require_samples(request.writing_samples)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    progress(0.05, f"measuring {len(samples)} sample(s)")
    fingerprints = []
    for index, text in enumerate(samples):
        if len(text) > max_text_chars:
            raise InputError(
                f"writing_samples[{index}] has {len(text):,} characters; the limit is "
                f"{max_text_chars:,}",
                field=f"writing_samples[{index}]",
            )
        try:
            fingerprints.append(analyze(text))
        except InputError as exc:
            exc.details.setdefault("field", f"writing_samples[{index}]")
            raise
    # With each sample's character and word evidence: what attribution reads at short
    # lengths (a profile of fingerprints alone would fall back to function words).
    profile = StyleProfile(name=request.name)
    for text, fp in zip(samples, fingerprints, strict=True):
        profile.add_fingerprint(fp, evidence=text_evidence(text))
    if profile.word_count < MIN_SAMPLE_WORDS:
        raise TextTooShortError(
            words=profile.word_count, needed=MIN_SAMPLE_WORDS, what="build a persona"
        )
    confidence = data_confidence(profile, fingerprints)
    measured = measured_constraints(profile)
    timings["measure"] = (time.perf_counter() - started) * 1000
    grounding = _grounding(profile, request.onboarding, samples)

    progress(0.25, "naming the voice")
    started = time.perf_counter()
    identity: _Identity = _ask(
        llm,
        _SYSTEM,
        f"{grounding}\nName this persona, give its archetype (two or three words), its core "
        "belief (one sentence) and describe its brand voice (two sentences).",
        _Identity,
        max_tokens=300,
    )
    timings["identity"] = (time.perf_counter() - started) * 1000

    progress(0.5, "setting the tonal range")
    started = time.perf_counter()
    tones: _Tones = _ask(
        llm,
        _SYSTEM,
        f"{grounding}\nGive the default tone of this voice (one or two words), up to four "
        "other tones it may use, and up to four tones it must never use.",
        _Tones,
        max_tokens=200,
    )
    timings["tones"] = (time.perf_counter() - started) * 1000

    progress(0.75, "writing the style rules")
    started = time.perf_counter()
    rules: _Rules = _ask(
        llm,
        _SYSTEM,
        f"{grounding}\nWrite up to five short style rules for writing in this voice, up to "
        "eight go-to words it uses, and up to eight words it avoids.",
        _Rules,
        max_tokens=300,
    )
    timings["rules"] = (time.perf_counter() - started) * 1000

    used = _used_words(samples)
    go_to = _clean_terms([*profile.key_words[:10], *rules.go_to_words])
    go_to = [term for term in go_to if all(part in used for part in term.split())]
    avoid = [
        term
        for term in _clean_terms(rules.avoid_words)
        if not all(part in used for part in term.split())
    ]
    stylistic_constraints: dict[str, Any] = {
        **measured,
        "rules": list(rules.rules),
        "go_to_words": go_to[:15],
        "avoid_words": avoid[:15],
        "brand_voice": _belief(identity.brand_voice_description, request) or "",
        "examples": example_sentences(samples),
    }
    measured_tone = measured_tones(profile)
    default_tone = (_phrase(tones.default, request, words=2) or measured_tone[0]).lower()
    permissible = [
        t
        for t in _clean_terms(tones.permissible)
        if t != default_tone and _phrase(t, request, words=2)
    ]
    if not permissible:
        permissible = [t for t in measured_tone if t != default_tone]
    tonal_range = {
        "default": default_tone,
        "permissible": permissible,
        "forbidden": [
            t
            for t in _clean_terms(tones.forbidden)
            if t != default_tone and t not in permissible and _phrase(t, request, words=2)
        ],
    }
    fields: dict[str, Any] = {
        "name": request.name,
        "display_name": display_name(request)[:200],
        "archetype": _phrase(identity.archetype, request),
        "core_belief": _belief(identity.core_belief, request),
        "persona_type": "generated",
        "tonal_range": tonal_range,
        "stylistic_constraints": stylistic_constraints,
        "linguistic_fingerprint": json.loads(profile.to_json()),
        "confidence_score": confidence["score"],
        "context": request.onboarding.summary(),
        "message": "generated from writing samples",
    }
    progress(1.0, "persona ready")
    return GeneratedPersona(
        fields=fields,
        brand_voice_description=_belief(identity.brand_voice_description, request) or "",
        confidence=confidence,
        timings_ms={key: round(value, 1) for key, value in timings.items()},
    )


def draft_samples(onboarding: OnboardingData, llm: LLM, *, count: int = 3) -> SampleDrafts:
    """Draft short sample posts from onboarding answers (for writers with no samples yet).

    The writer picks the one that sounds like them and builds the persona from it.

    Raises
    ------
    InputError
        No onboarding answers to draft from.
    """
    about = onboarding.summary()
    if not about:
        raise InputError(
            "onboarding has no answers to draft samples from: give at least business_type, "
            "target_audience or content_preferences",
            field="onboarding",
        )
    drafts = []
    for variant in range(count):
        completion = llm.complete(
            [
                Message.system("You write short social media posts for a business."),
                Message.user(
                    f"{about}\n\nWrite one post of 80 to 120 words for this audience, in the "
                    "preferred tone. Only the post."
                ),
            ],
            max_tokens=220,
            temperature=0.8,
            seed=variant + 1,
        )
        text = completion.text.strip()
        if text:
            drafts.append(text)
    if not drafts:
        raise InputError("the model drafted no samples; try again or write one yourself")
    return SampleDrafts(samples=drafts)
