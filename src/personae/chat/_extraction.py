"""Trait extraction: what one exchange shows about the persona, checked and folded in.

The model is asked for the traits one turn shows (structured output, a schema); an
answer is kept only when each trait is plausible (a known trait word, seen in the
conversation). What the user says of the persona ("You're always so direct and funny")
is read by code too (:func:`described_traits`), since a small model asked for traits
names people, not behaviour ("jordan vance", "sam"). Both are then learnt: an extracted
trait seen again gains confidence and its intensity moves toward the new one; a trait
the user set is never written (the sighting becomes a proposal). Part of
:mod:`personae.chat` (see :mod:`personae.chat._traits` for the arithmetic).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from personae.chat._identity import statements
from personae.chat._traits import (
    INTENSITY_RATE,
    TraitView,
    _view,
    decayed_confidence,
    normalize_trait_name,
    seen_again,
)
from personae.errors import InputError, LLMError
from personae.llm import LLM, Message
from personae.store import crud

__all__ = [
    "TRAIT_VOCABULARY",
    "ExtractedTrait",
    "TraitExtraction",
    "described_traits",
    "extract_traits",
    "extraction_messages",
    "learn_traits",
    "plausible_trait",
]


class ExtractedTrait(BaseModel):
    """One behavioural trait the model saw in a turn."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=100, description="One or two words, e.g. 'curious'.")
    description: str = Field(default="", max_length=300)
    intensity: float = Field(ge=0, le=1)
    confidence: float = Field(ge=0, le=1)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        try:
            return normalize_trait_name(value)
        except InputError as exc:
            raise ValueError(str(exc)) from exc


class TraitExtraction(BaseModel):
    """What the extraction call must return (validated; anything else is skipped)."""

    model_config = ConfigDict(extra="ignore")

    traits: list[ExtractedTrait] = Field(default_factory=list, max_length=8)


def extraction_messages(persona_name: str, user_message: str, reply: str) -> list[Message]:
    """The structured-output request for one turn (seed 002's extractTraits, with a schema)."""
    return [
        Message.system(
            "You analyse how a character behaves in one exchange. Name up to 5 behavioural "
            "traits the character's reply shows (tone, style, approach), each with an "
            "intensity from 0 to 1 and your confidence from 0 to 1. Answer with JSON only."
        ),
        Message.user(f"User: {user_message}\n{persona_name}: {reply}"),
    ]


def extract_traits(
    llm: LLM, *, persona_name: str, user_message: str, reply: str, seed: int | None = 0
) -> list[ExtractedTrait]:
    """The traits the model sees in one turn; ``[]`` when it gives no valid answer.

    The seed's ``JSON.parse`` of raw text is the anti-example: here the answer is
    validated against :class:`TraitExtraction` (with the LLM layer's repairs and retries),
    and an answer that still does not validate is skipped, never half-used.
    """
    try:
        result = llm.structured(
            extraction_messages(persona_name, user_message, reply),
            TraitExtraction,
            max_tokens=300,
            seed=seed,
        )
    except LLMError:
        return []
    conversation = f"{user_message} {reply}"
    seen: dict[str, ExtractedTrait] = {}
    for trait in result.traits:
        if plausible_trait(trait, conversation):
            seen.setdefault(trait.name, trait)
    return list(seen.values())


TRAIT_VOCABULARY = frozenset(
    [
        "adventurous",
        "affectionate",
        "ambitious",
        "analytical",
        "anxious",
        "apologetic",
        "assertive",
        "attentive",
        "blunt",
        "bold",
        "brief",
        "calm",
        "candid",
        "careful",
        "caring",
        "casual",
        "cautious",
        "cheerful",
        "clear",
        "compassionate",
        "concise",
        "confident",
        "considerate",
        "constructive",
        "courteous",
        "creative",
        "critical",
        "curious",
        "cynical",
        "decisive",
        "defensive",
        "delighted",
        "detailed",
        "diplomatic",
        "direct",
        "dismissive",
        "dramatic",
        "dry",
        "eager",
        "earnest",
        "empathetic",
        "encouraging",
        "energetic",
        "enthusiastic",
        "evasive",
        "excited",
        "expressive",
        "factual",
        "formal",
        "frank",
        "friendly",
        "funny",
        "generous",
        "gentle",
        "genuine",
        "grateful",
        "grumpy",
        "helpful",
        "honest",
        "hopeful",
        "humble",
        "humorous",
        "impatient",
        "informal",
        "informative",
        "inquisitive",
        "insightful",
        "inspiring",
        "intense",
        "ironic",
        "irritable",
        "joyful",
        "kind",
        "knowledgeable",
        "laconic",
        "lively",
        "logical",
        "loyal",
        "melancholic",
        "methodical",
        "meticulous",
        "modest",
        "motivating",
        "nervous",
        "nostalgic",
        "objective",
        "observant",
        "open",
        "optimistic",
        "organised",
        "organized",
        "outspoken",
        "passionate",
        "patient",
        "pensive",
        "persuasive",
        "pessimistic",
        "philosophical",
        "playful",
        "poetic",
        "polite",
        "practical",
        "pragmatic",
        "precise",
        "proud",
        "provocative",
        "punchy",
        "quirky",
        "rational",
        "reassuring",
        "reflective",
        "relaxed",
        "reserved",
        "respectful",
        "sarcastic",
        "sceptical",
        "skeptical",
        "self-deprecating",
        "sensitive",
        "serious",
        "sincere",
        "skeptical",
        "snarky",
        "socratic",
        "sociable",
        "solemn",
        "straightforward",
        "stubborn",
        "supportive",
        "sympathetic",
        "tactful",
        "talkative",
        "technical",
        "tender",
        "terse",
        "thoughtful",
        "tough",
        "upbeat",
        "vivid",
        "warm",
        "whimsical",
        "wistful",
        "witty",
        "wry",
    ]
)
"""Words that name behaviour: an extracted trait must be one of these or be said in the
conversation itself, so a model echoing its schema ("extractedtrait", "one or two words")
files nothing."""

_SCHEMA_WORDS = frozenset(
    [
        "trait",
        "traits",
        "extractedtrait",
        "name",
        "description",
        "intensity",
        "confidence",
        "one",
        "two",
        "words",
        "word",
        "e.g",
        "eg",
        "example",
        "string",
        "value",
        "null",
        "none",
        "curse",
        "character",
        "behaviour",
        "behavior",
    ]
)


_MODIFIERS = frozenset(
    ["very", "quite", "slightly", "mildly", "highly", "deeply", "overly", "self"]
)
"""Words that may qualify a trait word in a two-word name ("very direct", "self-assured")."""
_NOUN_ENDINGS = ("ery", "ity", "ory", "ary", "phy", "ogy", "ment", "ness", "tion", "sion", "ist")
"""Endings of nouns: a word said in the conversation that ends so names a thing (a bakery,
a ministry), not how someone behaves."""
_ADJECTIVE_ENDINGS = (
    "y",
    "ive",
    "ful",
    "ous",
    "ic",
    "al",
    "ish",
    "less",
    "able",
    "ible",
    "ant",
    "ent",
    "ed",
)
"""Endings of the adjectives a trait outside the vocabulary must have ("nerdy",
"fussy", "secretive"): a name ("my name is sam") or an activity ("I'm baking") is not one."""
_DESCRIBED = (
    r"(?i:\b(?:am|is|are|was|were|be|being|so|very|too|quite|really|pretty|rather|seem|seems|"
    r"sound|sounds|feel|feels|look|looks|stay|staying)|['’]m|['’]re)\s+"
)


def _described(word: str, conversation: str) -> bool:
    """Whether the conversation says ``word`` of someone ("you are so nerdy", "I'm
    grumpy"): lower-case, straight after a copula or an intensifier, shaped like an
    adjective and not like a noun. A word merely mentioned ("an eco-cafe", "my bakery")
    is no evidence."""
    if word.endswith(_NOUN_ENDINGS) or not word.endswith(_ADJECTIVE_ENDINGS):
        return False
    return re.search(_DESCRIBED + re.escape(word) + r"\b", conversation) is not None


def _trait_word(word: str, conversation: str) -> bool:
    return word in TRAIT_VOCABULARY or _described(word, conversation)


def plausible_trait(trait: ExtractedTrait, conversation: str) -> bool:
    """Whether an extracted trait is a real trait with evidence, not an echo of the
    request or a thing the conversation mentions: the name is a word of
    :data:`TRAIT_VOCABULARY` (``self-deprecating`` too), or one or two words of letters,
    none of them words of the schema, where the last names behaviour (in the vocabulary,
    or said of someone in the conversation, see :func:`_described`) and a first one
    qualifies it (a modifier or another trait word). Its description must not repeat
    the schema's own example text. ``conversation`` is the turn's text; only its
    lower-case occurrences count, so a name ("I'm Sam") is never a trait."""
    described = trait.description.lower()
    if "one or two words" in described or "e.g." in described:
        return False
    if trait.name in TRAIT_VOCABULARY:
        return True
    parts = trait.name.replace("-", " ").split()
    if not 1 <= len(parts) <= 2 or "trait" in trait.name:
        return False
    for part in parts:
        if not part.isalpha() or not 3 <= len(part) <= 20 or part in _SCHEMA_WORDS:
            return False
    *qualifier, head = parts
    if not _trait_word(head, conversation):
        return False
    return all(word in _MODIFIERS or _trait_word(word, conversation) for word in qualifier)


def learn_traits(
    *,
    session: Session,
    owner_id: int,
    persona_id: int,
    extracted: Sequence[ExtractedTrait],
    now: datetime,
) -> list[TraitView]:
    """Fold one turn's extracted traits into the persona's; returns what changed.

    A trait the user set (own or inherited) is never written: the sighting becomes a
    proposal. An extracted trait seen again gains confidence (:func:`seen_again`, from
    its decayed value) and its intensity moves toward the new one. A new name becomes
    an extracted trait at half the model's confidence.
    """
    own = {
        row.name.lower(): row
        for row in crud.list_persona_traits(
            session=session, owner_id=owner_id, persona_id=persona_id
        )
    }
    core = {
        row.name.lower(): row for row in crud.list_core_traits(session=session, owner_id=owner_id)
    }
    changed: list[TraitView] = []
    for trait in extracted:
        existing = own.get(trait.name)
        user_set = existing is not None and existing.source == "user"
        if existing is None and trait.name in core:
            user_set = True  # an inherited core trait is the user's
        if user_set:
            crud.propose_trait(
                session=session,
                owner_id=owner_id,
                persona_id=persona_id,
                name=trait.name,
                description=trait.description,
                intensity=trait.intensity,
                confidence=trait.confidence,
            )
            continue
        if existing is None:
            confidence = trait.confidence / 2.0
            intensity = trait.intensity
            description = trait.description
        else:
            current = decayed_confidence(existing.confidence or 0.0, existing.last_seen_at, now)
            confidence = seen_again(current, trait.confidence)
            intensity = existing.intensity + INTENSITY_RATE * (trait.intensity - existing.intensity)
            description = trait.description or existing.description
        row = crud.save_trait(
            session=session,
            owner_id=owner_id,
            persona_id=persona_id,
            name=trait.name,
            description=description,
            intensity=round(min(1.0, max(0.0, intensity)), 6),
            confidence=round(min(1.0, max(0.0, confidence)), 6),
            source="extracted",
            seen_at=now,
        )
        own[trait.name] = row  # type: ignore[assignment]
        changed.append(_view(row, inherited=False, now=now))
    return changed


_YOU_ARE = re.compile(
    r"(?P<before>\b\w+\s+)?\b(?i:you(?:['’]re|\s+are|\s+sound|\s+seem|\s+come across as))"
    r"\s+(?P<rest>[^.!?;:\n]{2,160})"
)
_NOT_ABOUT_YOU = frozenset(["if", "when", "whenever", "unless", "whether", "once", "until"])
"""Words before "you're" that make it a generic or conditional you ("if you're direct")."""
_STRONG = frozenset(
    ["so", "very", "really", "always", "too", "extremely", "incredibly", "super", "such"]
)
_FAINT = frozenset(["bit", "little", "slightly", "somewhat", "sometimes", "fairly", "kinda"])
_FILLER = frozenset(["a", "quite", "pretty", "rather", "just", "being", "of", "and"])
_NEGATION = frozenset(["not", "never", "hardly", "no", "nothing", "less"])
DESCRIBED_CONFIDENCE = 0.9
"""The confidence of a trait the user said the persona has (stored at half, as any first
sighting)."""


def described_traits(user_message: str) -> list[ExtractedTrait]:
    """The traits the user's message says the persona has: words of
    :data:`TRAIT_VOCABULARY` straight after "you're" / "you are" / "you sound" (through
    intensifiers and "and": "You're always so direct and funny" → direct, funny),
    with the sentence as evidence. Intensity 0.8 after an intensifier ("so", "always"),
    0.4 after a softener ("a bit"), else 0.6. A negation ("you're not direct"), a
    question, or a conditional you ("if you're direct") files nothing, and a word that
    is not in the vocabulary ends the list ("you're kind to me" → kind).

    Examples
    --------
    >>> [t.name for t in described_traits("You're always so direct and funny.")]
    ['direct', 'funny']
    >>> described_traits("If you're blunt, people listen. Are you direct?")
    []
    """
    found: dict[str, ExtractedTrait] = {}
    for sentence in statements(user_message):
        for match in _YOU_ARE.finditer(sentence):
            before = (match.group("before") or "").strip().lower()
            if before in _NOT_ABOUT_YOU:
                continue
            for name, intensity in _listed_traits(match.group("rest")):
                found.setdefault(
                    name,
                    ExtractedTrait(
                        name=name,
                        description=f"The user said: \u201c{sentence.strip()[:270]}\u201d",
                        intensity=intensity,
                        confidence=DESCRIBED_CONFIDENCE,
                    ),
                )
    return list(found.values())


def _listed_traits(rest: str) -> list[tuple[str, float]]:
    """The vocabulary words listed at the start of ``rest``, with the intensity the
    words before them give (an intensifier holds over the rest of the list: "so direct
    and funny")."""
    listed: list[tuple[str, float]] = []
    intensity = 0.6
    words = re.findall(r"[a-z][a-z'’-]*|,", rest.lower())
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in _NEGATION or word.endswith(("n't", "n’t")):
            break
        if word in _STRONG:
            intensity = 0.8
        elif word in _FAINT or (word == "kind" and following == "of"):
            intensity = 0.4
        elif word in TRAIT_VOCABULARY:
            listed.append((word, intensity))
        elif word not in _FILLER and word != ",":
            break
    return listed
