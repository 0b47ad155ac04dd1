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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from personae.chat._memory_text import split_sentences

__all__ = ["UserFacts", "answer_from_facts", "guard_reply", "statements", "user_facts"]

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
_CLAUSE_END = re.compile(
    r"\s*(?:[,;:]|\s(?:and|but|so|because|though|while)\s+(?:I|I'm|I’m|my|we|it|you)\b)"
)
"""Where a stated fact ends inside a longer sentence ("I teach maths, and I love hiking")."""

_WORK_VERBS = (
    r"run|own|manage|founded|started|lead|teach|tutor|coach|train|study|research|write|edit|"
    r"translate|design|develop|build|make|bake|brew|farm|repair|fix|restore|sell|deliver|"
    r"paint|illustrate|photograph|film|program|code|consult|nurse|clean|install|organi[sz]e|"
    r"host|produce|direct|compose|volunteer|care for|look after|"
    r"work (?:as|at|in|for|on|with)|(?:am|'m|’m) (?:studying|training|working)"
)
_I = r"\bI(?:\s+|(?=['’]))"
"""The word "I", then the verb or the contraction ("I teach", "I'm")."""
_WORK = re.compile(rf"{_I}(?P<verb>{_WORK_VERBS})\s+(?P<rest>[^.!?\n]{{2,80}})", re.IGNORECASE)
_ROLE = re.compile(rf"{_I}(?:am|'m|’m) (?P<rest>an? [^.!?\n]{{2,60}})", re.IGNORECASE)
_NOT_ROLES = frozenset(
    [
        "fan",
        "bit",
        "little",
        "lot",
        "big",
        "huge",
        "great",
        "person",
        "kind",
        "sort",
        "morning",
        "night",
        "early",
        "late",
        "good",
        "bad",
        "real",
        "total",
        "complete",
        "quick",
        "slow",
    ]
)
_HOME = re.compile(
    rf"{_I}(?P<verb>live|(?:am|'m|’m) (?:from|based)|grew up|come from|moved)\s+"
    r"(?P<rest>(?:(?:in|to|near|outside|on)\s+)?[^.!?\n]{2,60})",
    re.IGNORECASE,
)
_THING = r"(?P<thing>[a-z]+(?:\s+[a-z]+){0,2}?)"
_NAMED = (
    re.compile(rf"\b(?i:my)\s+{_THING}(?:'s|’s)?\s+(?i:is called|is named|name is)\s+{_NAME}"),
    re.compile(
        rf"\bI(?i:\s+have|'ve got|’ve got|\s+have got)\s+(?i:an?)\s+{_THING}\s+"
        rf"(?i:called|named)\s+{_NAME}"
    ),
)
_MINE = re.compile(rf"\b(?i:my)\s+{_THING}\s+(?P<link>is|are|was)\s+(?P<value>[^.!?\n]{{1,60}})")
_NOT_THINGS = frozenset(
    [
        "name",
        "point",
        "question",
        "problem",
        "guess",
        "idea",
        "mistake",
        "pleasure",
        "turn",
        "opinion",
        "view",
        "feeling",
        "concern",
        "issue",
        "bad",
        "day",
        "week",
        "morning",
        "head",
        "mind",
        "heart",
    ]
)
_LIKE = re.compile(
    r"(?:\bI|\bthe user said they) (?:really )?(love|like|prefer|enjoy|hate|can't stand)"
    r"\s+([^.!?\n]{3,80})",
    re.IGNORECASE,
)


def _clause(text: str) -> str:
    """The stated fact only: up to where the next clause starts."""
    cut = _CLAUSE_END.search(text)
    return (text[: cut.start()] if cut else text).strip()


@dataclass
class UserFacts:
    """What the user said about themselves; a later statement of the same fact wins.

    ``work``, ``home`` and the values of ``things`` are first-person predicates as the
    user said them ("teach maths", "am a nurse", "live in Leeds"; "dog" → "is called
    Rex"), so :meth:`prompt_lines` can quote them and :func:`user_facts` reads its own
    lines back from memory.
    """

    name: str | None = None
    work: str | None = None
    home: str | None = None
    likes: list[str] = field(default_factory=list)
    things: dict[str, str] = field(default_factory=dict)

    def prompt_lines(self) -> list[str]:
        """Facts about the user, phrased so the model cannot take them as its own."""
        lines = []
        if self.name:
            lines.append(f"The user's name is {self.name}.")
        if self.work:
            lines.append(f"The user said: I {self.work}.")
        if self.home:
            lines.append(f"The user said: I {self.home}.")
        for thing, value in list(self.things.items())[-4:]:
            lines.append(f"The user said: my {thing} {value}.")
        for like in self.likes[-3:]:
            lines.append(f"The user said they {like}.")
        return lines


def statements(message: str) -> list[str]:
    """The message's sentences that state something (questions state nothing)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", message)
    return [p for p in parts if p.strip() and not p.rstrip().endswith("?")]


def _read(sentence: str, facts: UserFacts) -> None:
    for pattern in _NAME_PATTERNS:
        for match in pattern.finditer(sentence):
            candidate = match.group(1).strip()
            if candidate.split()[0].lower() not in _NOT_NAMES:
                facts.name = candidate
    found: list[tuple[int, str]] = []
    for match in _WORK.finditer(sentence):
        verb = " ".join(match.group("verb").split())
        verb = re.sub(r"^(?:'m|’m)", "am", verb).lower()
        found.append((match.start(), f"{verb} {_clause(match.group('rest'))}"))
    for match in _ROLE.finditer(sentence):
        rest = _clause(match.group("rest"))
        head = rest.split()[1].lower() if len(rest.split()) > 1 else ""
        if head and head not in _NOT_ROLES:
            found.append((match.start(), f"am {rest}"))
    if found:
        facts.work = max(found)[1]
    for match in _HOME.finditer(sentence):
        verb = re.sub(r"^(?:'m|’m)", "am", " ".join(match.group("verb").split())).lower()
        facts.home = f"{verb} {_clause(match.group('rest'))}"
    for pattern in _NAMED:
        for match in pattern.finditer(sentence):
            _keep(facts, match.group("thing"), f"is called {match.group(2).strip()}")
    for match in _MINE.finditer(sentence):
        thing, value = match.group("thing"), _clause(match.group("value"))
        if re.match(r"(?i)(?:called|named)\b", value) or thing.split()[-1] in ("name",):
            continue
        if len(value.split()) <= 6:
            _keep(facts, thing, f"{match.group('link')} {value}")
    for like in _LIKE.finditer(sentence):
        stated = f"{like.group(1).lower()} {_clause(like.group(2))}"
        if stated not in facts.likes:
            facts.likes.append(stated)


def _keep(facts: UserFacts, thing: str, value: str) -> None:
    key = thing.lower().strip()
    if key.split()[-1] in _NOT_THINGS or key in ("name",):
        return
    facts.things.pop(key, None)  # re-inserted last: the latest statement is the newest
    facts.things[key] = value


def user_facts(messages: Iterable[str]) -> UserFacts:
    """Facts from the user's own messages (and from memories written by
    :meth:`UserFacts.prompt_lines`), oldest first; a later statement wins.

    Examples
    --------
    >>> facts = user_facts(["Hi, I'm Priya. I teach maths.", "My dog is called Rex."])
    >>> facts.name, facts.work, facts.things
    ('Priya', 'teach maths', {'dog': 'is called Rex'})
    """
    facts = UserFacts()
    for message in messages:
        for sentence in statements(message):
            _read(sentence, facts)
    return facts


_I_AM = r"\b(?i:I'm|I am|I’m|my name is|my name's|call me|I(?:'ve|’ve| have) been called|I go by)"
"""How a speaker gives their own name ("My name is Elena" too: only the name that follows
must be capitalised)."""


def _claims(sentence: str, name: str) -> bool:
    claim = rf"(?:{_I_AM}|\bthis is)\s+{re.escape(name)}\b"
    return re.search(claim, sentence, re.IGNORECASE) is not None


def _takes_work(sentence: str, work: str) -> bool:
    """The persona says the user's work is its own: "I run a small bakery", "I'm Jordan
    Vance, the founder of a small bakery", "I'm Jordan Vance, a baker", "I recently
    started a new baking business", "we're running an artisan bakery", "we've just taken
    over your small bakery" after the user said they run one (the persona may still talk
    about *their* bakery)."""
    words = work.lower().split(maxsplit=1)[-1]  # not the verb: "teach", "am"
    nouns = [w for w in re.findall(r"[a-z]{4,}", words) if w not in _NOT_NAMES]
    if not nouns:
        return False
    mine = (
        r"\b(?:I (?:(?:just|recently|also|now|actually) )?"
        r"(?:run|own|manage|have|started|founded|teach|study|work (?:as|at|in|for))"
        r"|I am an?|I'm an?|I’m an?|my|our|we (?:run|own|have|started)"
        r"|(?:we|I)(?:'re|’re|'m|’m| are| am) (?:running|opening|starting|launching)"
        r"|I(?:'m|’m| am)\b[^.!?]*\b(?:co-?founder|founder|owner|manager|head|ceo|boss)\s+(?:of|at)"
        r"|I(?:'m|’m| am) [A-Z][\w ]*, an?"
        r"|we(?:'ve|’ve| have)? (?:just )?(?:opened|taken over|launched))\b[^.!?]*"
    )
    return any(
        re.search(mine + rf"\b{re.escape(_stem(noun))}\w*", sentence, re.IGNORECASE)
        for noun in nouns
    )


def _stem(noun: str) -> str:
    """The noun without a last ``ery``, ``y``, ``s`` or ``e``: "bakery" → "bak", so "I'm
    a baker" and "I started a baking business" take the work of a user who runs a
    bakery."""
    if len(noun) > 5 and noun.endswith("ery"):
        return noun[:-3]
    return noun[:-1] if len(noun) > 4 and noun.endswith(("y", "s", "e")) else noun


def guard_reply(
    reply: str,
    facts: UserFacts,
    persona_name: str,
    *,
    said_before: Sequence[str] = (),
    answer: str | None = None,
) -> str:
    """The reply without sentences in which the persona claims the user's name or work,
    calls the user by a name that is not theirs, talks like an assistant or about "the
    user", names itself as someone else, or says again what was said: a sentence of
    four words or more of ``said_before`` (its earlier replies in the session), or any
    sentence of ``answer`` (the answer from the facts that goes before the reply). Cut
    where it starts repeating itself or writes a transcript ("Chat History:",
    "Jordan: …"). Returns ``""`` when nothing usable is left."""
    text = _cut_transcript(_cut_loop(reply.strip()), facts, persona_name)
    sentences = split_sentences(text)
    if facts.name and facts.name.lower() != persona_name.lower():
        sentences = [s for s in sentences if not _claims(s, facts.name)]
    if facts.work:
        sentences = [s for s in sentences if not _takes_work(s, facts.work)]
    sentences = [s for s in sentences if not _ASSISTANT.search(s) and not _ECHO.search(s)]
    sentences = [s for s in sentences if not _other_self(s, persona_name)]
    sentences = [s for s in sentences if not _misnames_user(s, facts, persona_name)]
    sentences = [
        s for s in sentences if not s.endswith(":") and not _LABEL.match(s) and not _NAMES.match(s)
    ]
    before = [_words(text) for text in [*said_before, answer or ""]]
    before_sentences = {_words(part) for part in split_sentences(answer or "")}
    sentences = [s for s in sentences if not _said_before(_words(s), before, before_sentences)]
    return " ".join(sentences).strip()


_CONTRACTIONS = {
    "you are": "you're",
    "your name is": "you're",
    "i am": "i'm",
    "my name is": "i'm",
    "it is": "it's",
    "we are": "we're",
}


def _words(text: str) -> str:
    """Lower-case words, contracted alike ("You are Tomas" is "you're tomas")."""
    words = " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))
    for long, short in _CONTRACTIONS.items():
        words = re.sub(rf"\b{long}\b", short, words)
    return words


def _said_before(words: str, before: list[str], sentences: set[str]) -> bool:
    """A sentence of four words or more found in an earlier text, or one of the answer's
    sentences or a part of one ("You are Tomas." after the answer "You're Tomas.", "I'm
    Maya Chen." after "I'm Maya Chen from Shipwise.")."""
    if not words:
        return False
    if len(words.split()) >= 4 and any(f" {words} " in f" {text} " for text in before):
        return True
    return any(f" {words} " in f" {sentence} " for sentence in sentences)


_ECHO = re.compile(
    r"\b(?:the|a) user\b(?!\s+(?:experience|interface|journey|base|research|stor(?:y|ies)|needs?))",
    re.IGNORECASE,
)
"""The system prompt read back ("The user's name is Sam.", "A user's name is Sam", "I'm
Jordan, not the user", "if you're referring to the user"): a persona talks to the user,
never about "the user" (the user experience, the user base aside)."""
_NAMES = re.compile(r"^(?:[A-Z][\w'’-]*\s+)+[A-Z][\w'’-]*$")
"""Capitalised words and no stop: a list of names, not a sentence ("Liam Vance Samantha
Vance", after "I'm Jordan Vance." in chat_eval with the local model)."""
_LABEL = re.compile(r"^[\w .'-]{1,40}\([^)]*\)$")
"""A line that is only a speaker label ("Jordan VANCE (Dialogue)")."""
_YOU_ARE_NAMED = re.compile(
    r"\b(?i:you're|you’re|you are|your name is|your name's)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\b"
)


def _name_words(persona_name: str) -> set[str]:
    """The persona's name as lower-case words ("Jordan Vance" → jordan, vance)."""
    return {part.lower() for part in re.findall(r"[A-Za-z]+", persona_name)}


def _spellings(persona_name: str) -> str:
    """A regex alternation of the persona's whole name and each of its words."""
    return "|".join(re.escape(part) for part in [persona_name, *persona_name.split()])


def _misnames_user(sentence: str, facts: UserFacts, persona_name: str) -> bool:
    """The reply tells the user they are someone else, or calls them so: the persona
    ("You're Jordan Vance", "I'm sorry, Jordan Vance."), someone of theirs ("You're
    Sam's baker"), or a name that is not theirs
    (an old one after a correction: "You're Sam" once they said "call me Samantha")."""
    own = _name_words(persona_name)
    if re.search(rf",\s*(?i:{_spellings(persona_name)})\s*[.!?]*$", sentence):
        return True  # the user called by the persona's name: "I'm sorry, Jordan Vance."
    current = facts.name.split()[0].lower() if facts.name else None
    if current is not None and re.search(
        rf"\byou(?:'re|’re| are) {re.escape(current)}(?:'s|’s)\s+\w", sentence, re.IGNORECASE
    ):
        return True  # someone of the user's: "You're Sam's baker.", "You're Sam's customer."
    for match in _YOU_ARE_NAMED.finditer(sentence):
        first = match.group(1).split()[0].lower()
        if first in _NOT_A_SELF_NAME:
            continue
        if first in own or (current is not None and first != current):
            return True
    return False


def _cut_transcript(text: str, facts: UserFacts, persona_name: str) -> str:
    """The text before the model starts writing a transcript: a speaker label at the
    start of a line or sentence, such as "Chat History:", "User:", "Lena:" or "Jordan
    VANCE:" (lines put in someone's mouth are not the reply). The persona's own label
    at the very start is dropped and what follows kept."""
    own = _spellings(persona_name)
    text = re.sub(rf"^\s*(?i:{own})(?:\s*\([^)]*\))?\s*:\s*", "", text)
    labels = ["chat history", "user", "assistant", *persona_name.split(), persona_name]
    if facts.name:
        labels.append(facts.name)
    names = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    found = re.search(
        rf"(?:^|(?<=[\n.!?]))\s*(?i:\b(?:{names})(?:\s+[A-Z]\w*)?(?:\s*\([^)]*\))?):", text
    )
    return text[: found.start()].strip() if found else text


_SELF_NAMED = re.compile(
    rf"(?:{_I_AM}|\b(?i:I'm|I’m|I am)\b[^.!?,]*\b(?i:named|called))"
    r"\s+[\"“]?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
"""A name the speaker gives itself: "I'm Sarah", "My name is Elena", "I'm a small business
owner named Sam"."""
_NOT_A_SELF_NAME = frozenset(
    {
        "a",
        "an",
        "the",
        "so",
        "not",
        "just",
        "really",
        "also",
        "still",
        "here",
        "sorry",
        "glad",
        "happy",
        "excited",
        "thrilled",
        "going",
        "always",
        "never",
        "very",
        "quite",
        "sure",
        "afraid",
        "honored",
        "honoured",
        "proud",
    }
)


def _other_self(sentence: str, persona_name: str) -> bool:
    """The persona introduces itself under a name that is not its own ("I'm Sarah
    Johnson" from Jordan Vance): a small model inventing a person, never the voice."""
    own = _name_words(persona_name)
    for match in _SELF_NAMED.finditer(sentence):
        words = match.group(1).split()
        if words[0].lower() in _NOT_A_SELF_NAME:
            continue
        if not own.intersection(word.lower() for word in words):
            return True
    return False


_ASSISTANT = re.compile(
    r"\b(?:I(?:'d| would|'m| am) (?:be )?(?:happy|glad) to (?:help|assist)|how (?:can|may) I "
    r"(?:help|assist) you\b|as an ai\b|\bai (?:language model|assistant)|writing ai\b"
    r"|I'm here to help|feel free to ask|here's an example of how"
    r"|\bI(?:'m| am) (?:just |only )?an? (?:[\w-]+ ){0,2}(?:ai|chatbot|bot)\b"
    r"|sorry for (?:any|the) (?:confusion|misunderstanding|misrepresentation))",
    re.IGNORECASE,
)
"""A small model's assistant talk ("I'd be happy to help with any questions", "You're a
creative writing AI assistant", "I'm a customer service AI", "sorry for any confusion"):
never the persona's voice, so the sentence goes."""


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
    r"\b(?:what(?:'s| is) my name|who am i(?!\s+(?:talking|speaking|chatting))"
    r"|do you (?:know|remember) (?:my name|who i am))\b",
    re.IGNORECASE,
)
"""The user asks their own name ("Who am I talking to?" asks the persona's)."""
_ASKS_YOURS = re.compile(
    r"\b(?:what(?:'s| is) your (?:name|full name)|who are you\b|who am i (?:talking|speaking|"
    r"chatting) (?:to|with)|what (?:should|do|can) i call you|introduce yourself|"
    r"(?:tell me|remind me of) your name)",
    re.IGNORECASE,
)
"""The user asks the persona's name."""
_ASKS_LIKE = re.compile(
    r"\bwhat (?:do i (?:love|like|enjoy)|did i say i (?:love|like))\b", re.IGNORECASE
)
_ASKS_WORK = re.compile(
    r"\bwhat (?:do i do|is my (?:job|work|business)|did i say i do|do i (?:teach|study|"
    r"make|run|sell|design|build|write))\b|\bwhere do i (?:work|study)\b",
    re.IGNORECASE,
)
_ASKS_HOME = re.compile(
    r"\bwhere (?:do i (?:live|come from)|am i (?:from|based)|did i (?:grow up|move))\b",
    re.IGNORECASE,
)
_ASKS_THING = re.compile(
    r"\b(?:what|who)(?:'s| is| are| was)? (?:my|the name of my) "
    r"(?P<thing>[a-z]+(?:\s+[a-z]+){0,2}?)(?:'s name|’s name| called| named)?\s*\?"
    r"|\b(?:know|remember) my (?P<known>[a-z]+(?:\s+[a-z]+){0,2}?)(?:'s|’s)? name\b",
    re.IGNORECASE,
)
_YOU = {"am": "are", "'m": "are", "my": "your", "mine": "yours", "me": "you", "myself": "yourself"}


def _second_person(predicate: str) -> str:
    """'am a nurse at my local hospital' → 'are a nurse at your local hospital'."""
    return " ".join(_YOU.get(word.lower(), word) for word in predicate.split())


def _thing_asked(message: str, facts: UserFacts) -> str | None:
    match = _ASKS_THING.search(message)
    if match is None:
        return None
    asked = (match.group("thing") or match.group("known") or "").lower()
    if asked in facts.things:
        return asked
    last = asked.split()[-1] if asked else ""
    return next((key for key in reversed(facts.things) if key.split()[-1] == last), None)


_BRANDED = re.compile(r"^(?P<writer>[^()]+?)\s*\((?P<brand>[^()]+)\)$")
"""A name built from the onboarding answers: "Maya Chen (Shipwise)"."""


def _introduced(persona_name: str) -> str:
    """How the persona says its name: "Maya Chen (Shipwise)", the display name built
    from a writer's and a brand's names, is said "Maya Chen from Shipwise" (the
    brackets read as a label, not as something a person says).

    >>> _introduced("Maya Chen (Shipwise)"), _introduced("Jordan Vance")
    ('Maya Chen from Shipwise', 'Jordan Vance')
    """
    branded = _BRANDED.match(persona_name.strip())
    if branded is None:
        return persona_name
    return f"{branded.group('writer')} from {branded.group('brand').strip()}"


def answer_from_facts(
    message: str, facts: UserFacts, *, persona_name: str | None = None
) -> str | None:
    """The answer to a question about what the user stated, from the facts themselves.

    "What is my name?" is answered "You're Sam." by code, not by a model that may have
    lost track; the model's reply follows. With ``persona_name``, a question about the
    persona's own name ("What's your name?", "Who am I talking to?") is answered the same
    way ("I'm Jordan Vance."): the local model, asked its name, answered with the user's
    or an invented one. ``None`` when the message asks no such thing, or the fact was
    never stated.

    Examples
    --------
    >>> facts = user_facts(["I'm a nurse. I live in Leeds. My dog is called Rex."])
    >>> answer_from_facts("What do I do?", facts), answer_from_facts("Where do I live?", facts)
    ('You are a nurse.', 'You live in Leeds.')
    >>> answer_from_facts("What is my dog called?", facts)
    'Your dog is called Rex.'
    >>> answer_from_facts("Who am I talking to?", facts, persona_name="Jordan Vance")
    "I'm Jordan Vance."
    """
    parts = []
    if persona_name and _ASKS_YOURS.search(message):
        parts.append(f"I'm {_introduced(persona_name)}.")
    if facts.name and _ASKS_NAME.search(message):
        parts.append(f"You're {facts.name}.")
    if facts.work and _ASKS_WORK.search(message):
        parts.append(f"You {_second_person(facts.work)}.")
    if facts.home and _ASKS_HOME.search(message):
        parts.append(f"You {_second_person(facts.home)}.")
    thing = _thing_asked(message, facts)
    if thing is not None and not _ASKS_NAME.search(message):
        parts.append(f"Your {thing} {_second_person(facts.things[thing])}.")
    if facts.likes and _ASKS_LIKE.search(message):
        parts.append(f"You {facts.likes[-1]}.")
    return " ".join(parts) or None
