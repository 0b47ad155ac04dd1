"""Who is who in a chat: what the user said about themselves, and replies that forget it.

A 135M model, told "My name is Sam and I run a small bakery", answers "I'm Sam, the owner
of Sweet Wishes". Two deterministic guards, whatever the model: the facts the user states
about themselves (name, what they do, what they like; the latest statement wins, so a
correction replaces the old value) are read from the user's own messages and put in the
prompt as facts about *the user*; and a reply in which the persona claims the user's name
loses that sentence (and a reply that loops is cut where the loop starts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["UserFacts", "answer_from_facts", "guard_reply", "user_facts"]

_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "not",
        "so",
        "very",
        "just",
        "here",
        "back",
        "sorry",
        "fine",
        "good",
        "okay",
        "ok",
        "glad",
        "happy",
        "sure",
        "still",
        "also",
        "really",
        "trying",
        "going",
        "looking",
        "working",
        "new",
        "tired",
        "interested",
        "curious",
        "from",
        "in",
        "at",
        "on",
    ]
)
_NAME = r"([A-Z][a-zà-ÿ'’-]{1,30}(?:\s+[A-Z][a-zà-ÿ'’-]{1,30})?)"
_NAME_PATTERNS = [
    re.compile(rf"\b(?i:my name(?:'s| is)|the user's name is)\s+{_NAME}"),
    re.compile(rf"\b(?i:call me)\s+{_NAME}"),
    re.compile(rf"\b(?:I'm|I am|I’m)\s+{_NAME}\b(?!\s+(?:and|who)\s+(?:am|is))"),
]
_JOB = re.compile(
    r"\bI (?:run|own|manage|founded|started|lead|work (?:as|at|in|for)|am an? |'m an? )"
    r"\s*([^.!?\n]{3,80})",
    re.IGNORECASE,
)
_LIKE = re.compile(
    r"(?:\bI|\bthe user said they) (?:really )?(love|like|prefer|enjoy|hate|can't stand)"
    r"\s+([^.!?\n]{3,80})",
    re.IGNORECASE,
)


@dataclass
class UserFacts:
    """What the user said about themselves, latest statement first in importance."""

    name: str | None = None
    work: str | None = None
    likes: list[str] = field(default_factory=list)

    def prompt_lines(self) -> list[str]:
        """Facts about the user, phrased so the model cannot take them as its own."""
        lines = []
        if self.name:
            lines.append(f"The user's name is {self.name}.")
        if self.work:
            lines.append(f"The user said: I {self.work}.")
        for like in self.likes[-3:]:
            lines.append(f"The user said they {like}.")
        return lines


def user_facts(messages: Iterable[str]) -> UserFacts:
    """Facts from the user's own messages (and from memories written by
    :meth:`UserFacts.prompt_lines`), oldest first; a later statement wins."""
    facts = UserFacts()
    for message in messages:
        for pattern in _NAME_PATTERNS:
            for match in pattern.finditer(message):
                candidate = match.group(1).strip()
                if candidate.split()[0].lower() not in _NOT_NAMES:
                    facts.name = candidate
        job = _JOB.search(message)
        if job:
            verb = job.group(0)[2:].split()[0]
            facts.work = f"{verb} {job.group(1).strip()}".replace("'m ", "am ")
        for like in _LIKE.finditer(message):
            stated = f"{like.group(1).lower()} {like.group(2).strip()}"
            if stated not in facts.likes:
                facts.likes.append(stated)
    return facts


def _claims(sentence: str, name: str) -> bool:
    claim = rf"\b(?:I'm|I am|I’m|my name is|my name's|this is|call me)\s+{re.escape(name)}\b"
    return re.search(claim, sentence, re.IGNORECASE) is not None


def _takes_work(sentence: str, work: str) -> bool:
    """The persona says the user's work is its own: "I run a small bakery" after the user
    said they run one (the persona may still talk about *their* bakery)."""
    nouns = [w for w in re.findall(r"[a-z]{4,}", work.lower()) if w not in _NOT_NAMES]
    if not nouns:
        return False
    mine = r"\b(?:I (?:run|own|manage|have|started|founded|work (?:at|in|for))|my)\b[^.!?]*"
    return any(
        re.search(mine + rf"\b{re.escape(noun)}\b", sentence, re.IGNORECASE) for noun in nouns
    )


def guard_reply(reply: str, facts: UserFacts, persona_name: str) -> str:
    """The reply without sentences in which the persona claims the user's name, cut where
    it starts repeating itself. Returns ``""`` when nothing usable is left."""
    text = _cut_loop(reply.strip())
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if facts.name and facts.name.lower() != persona_name.lower():
        sentences = [s for s in sentences if not _claims(s, facts.name)]
    if facts.work:
        sentences = [s for s in sentences if not _takes_work(s, facts.work)]
    return " ".join(sentences).strip()


def _cut_loop(text: str, n: int = 4) -> str:
    """Cut the text at the second repeat of any word ``n``-gram (a small model's loop)."""
    words = list(re.finditer(r"\S+", text))
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - n + 1):
        gram = tuple(w.group(0).lower().strip(".,!?") for w in words[i : i + n])
        seen[gram] = seen.get(gram, 0) + 1
        if seen[gram] >= 3:
            return _last_sentence_end(text[: words[i].start()])
    return text


def _last_sentence_end(text: str) -> str:
    cut = max(text.rfind(". "), text.rfind("! "), text.rfind("? "))
    return text[: cut + 1].strip() if cut > 0 else text.strip()


_ASKS_NAME = re.compile(
    r"\b(?:what(?:'s| is) my name|who am i|do you (?:know|remember) (?:my name|who i am))\b",
    re.IGNORECASE,
)
_ASKS_LIKE = re.compile(
    r"\bwhat (?:do i (?:love|like|enjoy)|did i say i (?:love|like))\b", re.IGNORECASE
)
_ASKS_WORK = re.compile(
    r"\bwhat (?:do i do|is my (?:job|work|business)|did i say i do)\b", re.IGNORECASE
)


def answer_from_facts(message: str, facts: UserFacts) -> str | None:
    """The answer to a question about what the user stated, from the facts themselves.

    "What is my name?" is answered "You're Sam." by code, not by a model that may have
    lost track; the model's reply follows. ``None`` when the message asks no such thing,
    or the fact was never stated.
    """
    parts = []
    if facts.name and _ASKS_NAME.search(message):
        parts.append(f"You're {facts.name}.")
    if facts.work and _ASKS_WORK.search(message):
        work = re.sub(r"\bmy\b", "your", facts.work)
        parts.append(f"You {work}.")
    if facts.likes and _ASKS_LIKE.search(message):
        parts.append(f"You {facts.likes[-1]}.")
    return " ".join(parts) or None
