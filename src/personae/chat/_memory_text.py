"""The text side of memory: sentences, importance, echoes, third parties, summaries.

Pure functions of strings, kept apart from :class:`~personae.chat.MemoryStore` (which
writes and ranks) so each reads on its own: :func:`score_importance` scores a candidate by
code, never by the model; :func:`ngram_overlap` and the first-person check find echoes of
the persona's own definition; :func:`third_party` and :func:`asks_about_present` steer the
ranking; :func:`summarize_conversation` asks the model for memories and falls back to
:func:`extractive_summary`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from personae.errors import LLMError
from personae.llm import LLM, Message

__all__ = [
    "ECHO_OVERLAP",
    "MAX_MEMORY_CHARS",
    "MemorySummary",
    "asks_about_present",
    "extractive_summary",
    "mentions_others",
    "ngram_overlap",
    "score_importance",
    "speaks_of_itself",
    "split_sentences",
    "summarize_conversation",
    "third_party",
    "word_count",
]

ECHO_OVERLAP = 0.5
"""Share of a candidate's word trigrams found in the persona's definition that makes it an echo."""
MAX_MEMORY_CHARS = 1_000
"""A memory is a fact, not a transcript: longer candidates are cut here."""

_WORD = re.compile(r"[A-Za-z0-9']+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PERSONAL = re.compile(
    r"\b(i am|i'm|my|mine|i like|i love|i hate|i prefer|i work|i live|i was born|i have|"
    r"favou?rite|allergic|birthday|anniversary|married|wife|husband|daughter|son|sister|"
    r"brother|mother|father|name is|called|moved to|live[sd]? in|works? (?:at|as)|"
    r"the user|they|their)\b",
    re.I,
)
_FEELING = re.compile(
    r"\b(love[sd]?|hate[sd]?|afraid|scared|excited|sad|angry|worried|proud|died|passed away|"
    r"divorced|pregnant|sick|ill|hospital|dream|goal|fear|allerg\w*)\b",
    re.I,
)
_EMPHASIS = re.compile(r"\b(always|never|remember|important|must|promise|deadline)\b", re.I)
_SMALL_TALK = re.compile(
    r"^(ok(ay)?|sure|thanks?( you)?|ha(ha)+|lol|cool|nice|great|yes|no|hi|hello|hey|bye|"
    r"good (morning|night)|sounds good|got it)\b",
    re.I,
)
_REQUEST = re.compile(
    r"^the user (?:asked|wanted|wondered|requested|enquired|inquired|was curious)\b|"
    r"^the user said:\s*(?:can|could|would|what|how|why|when|where|who|which|is|are|do|does)\b",
    re.I,
)
_NUMBER = re.compile(r"\d")
_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|tomorrow|yesterday)\b",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Sentences (and lines) of ``text``, stripped, without empties."""
    return [part.strip() for part in _SENTENCE.split(text) if part.strip()]


def score_importance(text: str) -> float:
    """How much a memory is worth keeping, 0..1, from the text alone (no model).

    Starts at 0.3; personal facts +0.25, numbers or dates +0.15, names (capitalised words
    after the first) +0.1, strong feelings +0.15, emphasis +0.1; small talk −0.25, a
    request ("The user asked for a recipe …": what was wanted once, not what is true of
    the user) −0.2, and fewer than four words −0.15.

    Examples
    --------
    >>> score_importance("ok thanks") < 0.2
    True
    >>> score_importance("The user's sister Maria lives in Lisbon since 2019.") > 0.7
    True
    """
    words = _WORD.findall(text)
    score = 0.3
    if _PERSONAL.search(text):
        score += 0.25
    if _NUMBER.search(text) or _MONTH.search(text):
        score += 0.15
    if any(word[:1].isupper() and word.lower() != "i" for word in words[1:]):
        score += 0.1
    if _FEELING.search(text):
        score += 0.15
    if _EMPHASIS.search(text):
        score += 0.1
    if _SMALL_TALK.match(text.strip()):
        score -= 0.25
    if _REQUEST.match(text.strip()):
        score -= 0.2
    if len(words) < 4:
        score -= 0.15
    return round(min(1.0, max(0.05, score)), 4)


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    words = [word.lower() for word in _WORD.findall(text)]
    return {(a, b, c) for a, b, c in zip(words, words[1:], words[2:], strict=False)}


def ngram_overlap(candidate: str, reference: str) -> float:
    """Share of the candidate's word trigrams that also occur in ``reference`` (0..1)."""
    grams = _trigrams(candidate)
    if not grams:
        return 0.0
    return len(grams & _trigrams(reference)) / len(grams)


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'll|I'd)\b|\b(?i:me|my|myself)\b")
_USER_QUOTE = re.compile(r"^the user said:", re.I)
_RELATION = (
    r"(?:best friend|friend|partner|wife|husband|girlfriend|boyfriend|fianc[eé]e?|sister|"
    r"brother|mother|mum|mom|father|dad|parents?|aunt|uncle|cousin|niece|nephew|"
    r"grand(?:mother|father|ma|pa|son|daughter)|son|daughter|child|kid|baby|colleague|"
    r"co-?worker|boss|manager|neighbou?r|flatmate|roommate|housemate|teammate|classmate|"
    r"(?:mother|father|brother|sister|son|daughter)-in-law|in-laws)"
)
_THIRD_PARTY = re.compile(
    rf"^(?i:(?:the user said:\s*)?(?:the user's|my|their)\s+(?:[\w-]+\s+)?({_RELATION}))\s+"
    r"([A-Z][\w'-]+)"
)
_RELATION_WORD = re.compile(rf"\b{_RELATION}s?\b", re.I)
_PRESENT = re.compile(
    r"\b(?:now|nowadays|currently|current|these days|at the moment|at present|presently|"
    r"still|lately|recently|latest|any ?more|this (?:week|month|year))\b",
    re.I,
)


def third_party(text: str) -> str | None:
    """The named other person a memory is about, or ``None`` when it is about the user.

    The summariser writes "The user's sister Maria lives in Lisbon.": a relation followed
    by a name makes the memory about Maria. "The user's sister is called Maria." stays a
    fact about the user (whose sister is called Maria).

    Examples
    --------
    >>> third_party("The user's colleague Tom lives in Madrid.")
    'Tom'
    >>> third_party("The user's partner is named Clara.") is None
    True
    """
    match = _THIRD_PARTY.match(text.strip())
    return match.group(2) if match else None


def _names(text: str, name: str) -> bool:
    """Whether ``text`` has ``name`` as a word of its own (any case)."""
    return re.search(rf"\b{re.escape(name)}\b", text, re.I) is not None


def mentions_others(message: str, party: str) -> bool:
    """Whether a message is about someone other than the user: it names ``party`` or any
    relation ("my sister", "a friend")."""
    return _names(message, party) or bool(_RELATION_WORD.search(message))


def speaks_of_itself(text: str, persona_name: str) -> bool:
    """The first person with the persona's own name, outside a quote of the user."""
    name = persona_name.strip()
    if not name or _USER_QUOTE.match(text.strip()) or not _FIRST_PERSON.search(text):
        return False
    return _names(text, name)


def asks_about_present(message: str) -> bool:
    """Whether a message asks how things are now ("these days", "currently" …), when a
    fact said later should beat its outdated version.

    >>> asks_about_present("Which city am I living in these days?")
    True
    >>> asks_about_present("What is my sister's name?")
    False
    """
    return bool(_PRESENT.search(message))


class MemorySummary(BaseModel):
    """What the summarisation call must return: short first-person memories."""

    model_config = ConfigDict(extra="ignore")

    memories: list[str] = Field(default_factory=list, max_length=8)


# -- summarisation ------------------------------------------------------------------------


def extractive_summary(lines: Sequence[tuple[str, str]], *, limit: int = 4) -> list[str]:
    """The fallback when the model's summary is unusable: the user's most important
    sentences, as memories ("The user said: …"), best first."""
    scored = [
        (score_importance(sentence), index, sentence)
        for index, (role, text) in enumerate(lines)
        if role == "user"
        for sentence in split_sentences(text)
        if len(_WORD.findall(sentence)) >= 4
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [f"The user said: {sentence}" for score, _, sentence in scored[:limit] if score >= 0.45]


def summarize_conversation(
    llm: LLM,
    *,
    persona_name: str,
    lines: Sequence[tuple[str, str]],
    seed: int | None = 0,
) -> tuple[list[str], str]:
    """Memories of a conversation from the persona's view, and their source.

    ``lines`` are ``(role, text)`` with role ``user`` or the speaker's name. Returns the
    model's memories (``"summary"``) when it gives valid, non-empty ones, else the
    extractive fallback (``"extractive"``).
    """
    transcript = "\n".join(f"{'User' if role == 'user' else role}: {text}" for role, text in lines)
    messages = [
        Message.system(
            f"You are {persona_name}. From the conversation below, write up to 5 short "
            "things you want to remember about the user and what was agreed, each a "
            "self-contained sentence in the third person about the user ('The user …'). "
            "Leave out small talk and anything about yourself. Answer with JSON only."
        ),
        Message.user(transcript[-6000:]),
    ]
    try:
        result = llm.structured(messages, MemorySummary, max_tokens=400, seed=seed)
        memories = [" ".join(m.split()) for m in result.memories if len(_WORD.findall(m)) >= 3]
    except LLMError:
        memories = []
    if memories:
        return memories, "summary"
    return extractive_summary(lines), "extractive"


def word_count(text: str) -> int:
    """Words (letters, digits, apostrophes) in ``text``, as the memory filters count them."""
    return len(_WORD.findall(text))
