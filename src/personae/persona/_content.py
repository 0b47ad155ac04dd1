"""Writing in a persona's voice for a platform: the prompt, one draft, or a token stream.

The prompt is built for small models (the embedded default has 135M parameters): short,
concrete, and showing rather than describing. It carries who the persona is (its stored
fields), a few of the writer's **own sentences** (stored at creation as
``stylistic_constraints["examples"]``, chosen by closeness to the brief), the measured
rhythm in plain words (sentence length from the fingerprint), hard rules against what
small models get wrong (inventing dates, numbers and names; writing notes about the
writing) and what the platform takes (the plugin's
:meth:`~personae.persona.Platform.prompt_guidance`). Stop sequences end a draft where a
model starts commenting on it, and the answer's length is capped by the platform's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from personae.errors import InputError
from personae.llm import LLM, Completion, Message
from personae.persona._measure import voice_profile
from personae.persona._voice_rules import VoiceRules
from personae.persona.platforms import Platform, get_platform
from personae.store import PersonaPublic
from personae.style import StyleProfile

__all__ = [
    "MAX_BRIEF_CHARS",
    "STOP_SEQUENCES",
    "LimitedStream",
    "VoiceBrief",
    "answer_tokens",
    "draft",
    "stream_draft",
    "writing_messages",
]

MAX_BRIEF_CHARS = 4_000
"""Longest brief accepted: a brief says what to write, it is not the text itself."""


@dataclass(frozen=True, slots=True)
class VoiceBrief:
    """Everything generation and scoring need to know about one persona on one platform."""

    persona: PersonaPublic
    platform: Platform
    profile: StyleProfile | None
    rules: VoiceRules

    @property
    def examples(self) -> list[str]:
        """Sentences from the writer's own samples, stored when the persona was made."""
        stored = self.persona.stylistic_constraints.get("examples")
        return [str(s) for s in stored if isinstance(s, str)] if isinstance(stored, list) else []

    @property
    def known_names(self) -> list[str]:
        """Names and facts the persona may use without the brief giving them."""
        persona = self.persona
        return [
            persona.name,
            persona.display_name,
            persona.role,
            persona.context,
            persona.core_belief or "",
            " ".join(persona.expertise),
            self.platform.display_name,
        ]

    @classmethod
    def of(cls, persona: PersonaPublic, platform: Platform | str) -> VoiceBrief:
        """Read the persona's measured profile and stated rules once."""
        resolved = get_platform(platform) if isinstance(platform, str) else platform
        profile = voice_profile(persona) if persona.linguistic_fingerprint else None
        rules = VoiceRules.from_persona(persona.tonal_range, persona.stylistic_constraints)
        return cls(persona=persona, platform=resolved, profile=profile, rules=rules)


def _check_brief(brief: str) -> str:
    text = brief.strip()
    if not text:
        raise InputError("the brief is empty: say what the text should be about", field="brief")
    if len(text) > MAX_BRIEF_CHARS:
        raise InputError(
            f"the brief has {len(text):,} characters; the limit is {MAX_BRIEF_CHARS:,}",
            field="brief",
        )
    return text


def _closest(examples: list[str], brief: str, count: int = 3, *, length: float = 0.0) -> list[str]:
    """The examples sharing most words with the brief; among equals, whole sentences
    (a capital first, a stop last) nearest the writer's mean ``length`` in words, so
    the few shown are typical of the writer rather than merely short."""
    wanted = {w.lower().strip(".,!?;:") for w in brief.split() if len(w) > 3}

    def rank(sentence: str) -> tuple[int, bool, float]:
        words = {w.lower().strip(".,!?;:") for w in sentence.split()}
        whole = sentence[:1].isupper() and sentence.rstrip("”\"')").endswith((".", "!", "?"))
        return (-len(words & wanted), not whole, abs(len(sentence.split()) - length))

    return sorted(examples, key=rank)[:count]


def _mean_length(voice: VoiceBrief) -> float:
    if voice.profile is None:
        return 0.0
    dims = {d.key: d for d in voice.profile.describe()}
    length = dims.get("sentence_length.average")
    return float(length.value) if length is not None else 0.0


def _rhythm(voice: VoiceBrief) -> list[str]:
    """The measured habits a small model can follow, in plain words."""
    lines = []
    profile = voice.profile
    if profile is not None:
        dims = {d.key: d for d in profile.describe()}
        length = dims.get("sentence_length.average")
        if length is not None and length.value:
            words = round(float(length.value))
            size = "Very short" if words <= 8 else "Short" if words <= 14 else "Full"
            lines.append(f"{size} sentences: about {words} words each.")
        lines.extend(_habits({key: float(d.value) for key, d in dims.items()}))
    rules = voice.rules
    if rules.default_tone:
        lines.append(f"Tone: {rules.default_tone}.")
    if rules.avoid:
        lines.append(f"Never use: {', '.join(rules.avoid[:6])}.")
    return lines


def _habits(dims: dict[str, float]) -> list[str]:
    """The writer's measured punctuation and perspective habits, as plain rules: what a
    character n-gram reader notices first (contractions, '!', ';', 'I' or 'we')."""
    lines = []
    contractions = dims.get("contractions.per_100_words")
    if contractions is not None and contractions < 0.1:
        lines.append("No contractions: write 'I am', 'do not', 'it is'.")
    elif contractions is not None and contractions >= 2.0:
        lines.append("Use contractions: I'm, don't, it's.")
    if dims.get("sentence_type.exclamation") == 0.0:
        lines.append("No exclamation marks.")
    if dims.get("punctuation.semicolon", 0.0) >= 5.0:  # per 1,000 words
        lines.append("Join related clauses with semicolons.")
    pronouns = {
        "Write as 'I'.": dims.get("pronouns.first_singular", 0.0),
        "Write as 'we'.": dims.get("pronouns.first_plural", 0.0),
    }
    line, rate = max(pronouns.items(), key=lambda item: item[1])
    if rate >= 15.0:  # per 1,000 words, as measured_constraints' perspective
        lines.append(line)
    elif max(pronouns.values()) < 5.0 and dims.get("pronouns.second", 0.0) < 5.0:
        lines.append("Write about the topic, not about yourself: no 'I', 'we' or 'you'.")
    return lines


def _system_prompt(voice: VoiceBrief, brief: str = "") -> str:
    persona = voice.persona
    who = persona.display_name + (f", {persona.role}" if persona.role else "")
    parts = [f"You are {who}. You write {voice.platform.display_name} posts in your own voice."]
    if persona.system_prompt:
        parts.append(persona.system_prompt)
    parts.extend(_rhythm(voice))
    parts.append(
        "Rules: write only about the topic you are given. Use only facts from the topic: "
        "no dates, numbers, names or brands it does not give. Answer with the post only: "
        "no title, no notes, no comments about the post."
    )
    parts.extend(_platform_lines(voice.platform))
    return "\n".join(parts)


def _sentences_wanted(platform: Platform) -> int:
    """A short post: what a small model can keep on topic (the loop checks the length)."""
    limit = platform.constraints.length.max_chars
    return 3 if limit is not None and limit <= 500 else 6


def _platform_lines(platform: Platform) -> list[str]:
    """The platform's guidance a short post needs: a hard limit only when it binds, and
    no word targets (a small model asked for 300 words rambles to reach them)."""
    lines = []
    for line in platform.prompt_guidance():
        if line.startswith("Aim for"):
            continue
        if line.startswith("Write at most") and _sentences_wanted(platform) > 3:
            continue
        lines.append(line)
    return lines[:3]


EARLIER_POST_SENTENCES = 6
"""The writer's own sentences shown as their earlier post."""
_EARLIER_POST_ASK = "Write a short post in your own voice, on a topic of your choice."


def _earlier_post(voice: VoiceBrief, topic: str) -> str:
    """The writer's own sentences nearest the topic, as one post they wrote before."""
    chosen = _closest(
        voice.examples, topic, count=EARLIER_POST_SENTENCES, length=_mean_length(voice)
    )
    return " ".join(chosen)


def writing_messages(voice: VoiceBrief, brief: str) -> list[Message]:
    """The conversation that asks for one text: system (persona, voice, platform), the
    writer's own sentences as a post they wrote before, then the brief.

    Why a turn and not a list: a small model copies the voice of an earlier answer of its
    own far more than a list of quoted sentences in the system prompt. On the five
    writers of ``benchmarks/writing_quality.py`` (dev briefs, one raw draft each, two
    seeds), the independent judge attributed 0.40 of the drafts that copied nothing to
    their writer, against 0.16 with the list; the junk checks (copying included) then
    decide what is kept.
    """
    topic = _check_brief(brief)
    messages = [Message.system(_system_prompt(voice, topic))]
    earlier = _earlier_post(voice, topic)
    if earlier:
        messages += [Message.user(_EARLIER_POST_ASK), Message.assistant(earlier)]
    messages.append(
        Message.user(
            f"Topic: {topic}\nWrite the {voice.platform.display_name} post in about "
            f"{_sentences_wanted(voice.platform)} sentences."
        )
    )
    return messages


STOP_SEQUENCES = ("\nNote:", "\n(Note", "\nNotes:", "\nRevised", "\n---", "\nWord count")
"""Where a model starts writing about the post instead of the post."""


def answer_tokens(platform: Platform, max_tokens: int) -> int:
    """``max_tokens`` capped by the platform's length: about 3.5 characters a token, with
    room to finish the last sentence (the platform's fixes cut what is over)."""
    length = platform.constraints.length
    chars = length.recommended_chars.max if length.recommended_chars is not None else None
    if chars is None and length.recommended_words is not None:
        words = length.recommended_words.max
        chars = words * 6 if words is not None else None
    if chars is None:
        chars = length.max_chars
    if chars is None:
        return max_tokens
    return max(32, min(max_tokens, int(chars / 3.5) + 24))


def draft(
    voice: VoiceBrief,
    brief: str,
    llm: LLM,
    *,
    max_tokens: int = 400,
    temperature: float = 0.7,
    seed: int | None = None,
    messages: list[Message] | None = None,
) -> Completion:
    """One text in the persona's voice (``messages`` to continue a revision conversation)."""
    return llm.complete(
        messages if messages is not None else writing_messages(voice, brief),
        max_tokens=answer_tokens(voice.platform, max_tokens),
        temperature=temperature,
        seed=seed,
        stop=list(STOP_SEQUENCES),
    )


class LimitedStream:
    """A draft's tokens as they arrive, stopped at the platform's hard limit.

    Iterate it; afterwards :attr:`truncated` says whether the text reached the limit and
    was cut there (the caller tells the person), and :attr:`limit` is that limit.
    """

    def __init__(self, tokens: AsyncIterator[str], limit: int | None) -> None:
        self._tokens = tokens
        self.limit = limit
        self.truncated = False

    def __aiter__(self) -> AsyncIterator[str]:
        return self._run()

    async def _run(self) -> AsyncIterator[str]:
        written = 0
        try:
            async for token in self._tokens:
                if self.limit is not None and written + len(token) > self.limit:
                    room = self.limit - written
                    if room > 0:
                        yield token[:room]
                    self.truncated = True
                    return
                written += len(token)
                yield token
        finally:
            close = getattr(self._tokens, "aclose", None)
            if close is not None:
                await close()


def stream_draft(
    voice: VoiceBrief,
    brief: str,
    llm: LLM,
    *,
    max_tokens: int = 400,
    temperature: float = 0.7,
    seed: int | None = None,
) -> LimitedStream:
    """:func:`draft` as tokens arrive (for SSE and the terminal), never past the
    platform's hard character limit (see :attr:`LimitedStream.truncated`)."""
    tokens = llm.stream(
        writing_messages(voice, brief),
        max_tokens=answer_tokens(voice.platform, max_tokens),
        temperature=temperature,
        seed=seed,
        stop=list(STOP_SEQUENCES),
    )
    return LimitedStream(tokens, voice.platform.constraints.length.max_chars)
