"""Sentence length: long sentences split at clause boundaries, short ones joined.

Part of :mod:`personae.persona._voice_fixes` (see its docstring for what each fix does).
"""

from __future__ import annotations

import re

from personae.persona._fixes._prose import _CLOSE, _Doc, _is_prose, _sentences, _words, _wordset
from personae.persona._fixes._repairs import _WORD
from personae.style import (
    FUNCTION_WORDS,
)

__all__ = ["join_sentences", "split_sentences"]


_SUBJECTS = (
    "i|we|you|he|she|it|they|this|that|these|those|there|the|our|my|his|her|their|its|"
    "one|each|every|many|most|some|such"
)
_SPLIT_RE = re.compile(
    r"(?P<semi>;\s+)"
    r"|(?P<conj>,\s+(?P<word>but|yet|so(?!\s+that\b))\s+)"
    rf"|(?P<and>,\s+and\s+(?=(?:{_SUBJECTS})\b))",
    re.IGNORECASE,
)
_MIN_CLAUSE_WORDS = 4
_MAX_CLAUSES = 4
_JOINT_RE = re.compile(r";|,\s+(?:and|but|yet|so|or)\b", re.IGNORECASE)
_COORDINATOR_START = _wordset("and but or yet so nor")
_ADVERB_START = _wordset(
    "however therefore thus still instead indeed moreover besides otherwise "
    "hence meanwhile consequently nevertheless accordingly"
)
_FUNCTION_SET = frozenset(FUNCTION_WORDS)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _split_points(sentence: str) -> list[tuple[float, str, str]]:
    """Clause boundaries a sentence can be split at: (distance from middle, left, right)."""
    total = _words(sentence)
    out = []
    for match in _SPLIT_RE.finditer(sentence):
        left = sentence[: match.start()].rstrip()
        right = sentence[match.end() :].lstrip()
        if _words(left) < _MIN_CLAUSE_WORDS or _words(right) < _MIN_CLAUSE_WORDS:
            continue
        if left.count("(") != left.count(")") or left.count("“") != left.count("”"):
            continue
        if left.count('"') % 2:
            continue
        if match.group("conj"):
            right = match.group("word").capitalize() + " " + right
        else:
            right = _capitalize(right)
        if not left.endswith((".", "!", "?")):
            left = left.rstrip(",;:") + "."
        out.append((abs(_words(left) - total / 2), left, right))
    return sorted(out, key=lambda item: item[0])


def _prose_sentences(doc: _Doc) -> list[tuple[int, list[str]]]:
    return [(i, _sentences(b)) for i, b in enumerate(doc.blocks) if _is_prose(b)]


def _average(groups: list[tuple[int, list[str]]]) -> tuple[int, int]:
    words = sum(_words(s) for _, sentences in groups for s in sentences)
    count = sum(len(sentences) for _, sentences in groups)
    return words, count


def split_sentences(text: str, target: float) -> str:
    """Split the longest sentences at clause boundaries while that brings the average
    sentence length (of the prose paragraphs) closer to ``target`` words.

    Boundaries: ``; ``, ``, but`` / ``, yet`` / ``, so`` (kept as the new sentence's first
    word) and ``, and`` before a subject (``, and we`` → ``. We``); both halves keep at
    least four words, and no bracket or quotation is cut open.
    """
    doc = _Doc.parse(text)
    groups = _prose_sentences(doc)
    words, count = _average(groups)
    changed = False
    while count:
        best: tuple[int, int, str, str] | None = None
        longest = 0
        for g, (_, sentences) in enumerate(groups):
            for s, sentence in enumerate(sentences):
                length = _words(sentence)
                if length <= longest:
                    continue
                points = _split_points(sentence)
                if points:
                    longest = length
                    best = (g, s, points[0][1], points[0][2])
        if best is None or abs(words / (count + 1) - target) >= abs(words / count - target):
            break
        g, s, left, right = best
        groups[g][1][s : s + 1] = [left, right]
        count += 1
        changed = True
    if not changed:
        return text
    for index, sentences in groups:
        doc.blocks[index] = " ".join(sentences)
    return doc.render()


def _continued(sentence: str, text: str) -> str | None:
    """``sentence`` as it reads after a joint: its first word lower-cased, or kept when it
    is a name; ``None`` when nothing tells which (the pair is then not joined).

    A function word is lower-cased. 'I', acronyms and words with inner capitals
    (``LinkedIn``) keep theirs. Another word is lower-cased when the text uses it in
    lower case elsewhere, and kept when the text capitalises it after a lower-case word
    (a name).
    """
    match = re.match(_WORD, sentence)
    if match is None:
        return None
    word = match.group()
    rest = sentence[match.end() :]
    if word == "I" or word.startswith(("I'", "I’")) or not word[:1].isupper():
        return sentence
    if word.lower() in _FUNCTION_SET:
        return word.lower() + rest
    if any(c.isupper() for c in word[1:]):
        return sentence
    if re.search(rf"[a-z,;:]\s+{re.escape(word)}\b", text):
        return sentence
    if re.search(rf"\b{re.escape(word.lower())}\b", text):
        return word.lower() + rest
    return None


def _clauses(sentence: str) -> int:
    """Clauses joined in a sentence: one more than its ``;`` and ``, and``-style joints."""
    return 1 + len(_JOINT_RE.findall(sentence))


def _joinable(sentence: str) -> bool:
    stripped = sentence.rstrip(_CLOSE)
    return (
        stripped.endswith(".")
        and not stripped.endswith("..")
        and sentence[:1] not in "\"'“‘(["
        and sentence.count('"') % 2 == 0
        and not re.match(r"\d", sentence)
    )


def _join(left: str, right: str, text: str, *, semicolon: bool) -> str | None:
    """The two sentences as one, or ``None`` when the second's first word cannot be
    safely lower-cased or kept."""
    continued = _continued(right, text)
    if continued is None:
        return None
    body = left.rstrip()[:-1] if left.rstrip().endswith(".") else left.rstrip()
    opening = re.match(_WORD, right)
    first = opening.group().lower() if opening is not None else ""
    if first in _COORDINATOR_START:
        return f"{body}, {continued}"
    if first in _ADVERB_START:
        return f"{body}; {continued}"
    return f"{body}{'; ' if semicolon else ', and '}{continued}"


def join_sentences(
    text: str,
    target: float,
    *,
    semicolon_rate: float | None = None,
    first_sentence_chars: int | None = None,
) -> str:
    """Join short declarative neighbours while that brings the average sentence length
    (of the prose paragraphs) closer to ``target`` words.

    The shortest adjacent pair in one paragraph goes first, and no sentence ends up with more
    than four clauses (counted by their joints: a chain of ``, and`` reads as a run-on, and
    a sentence already made of several is not joined again). The joint is
    ``, and`` or, while the text has fewer semicolons per 1,000 words than
    ``semicolon_rate``, ``;``; a
    sentence that opens with a coordinator (``But``) is joined with a comma, and one that
    opens with a conjunctive adverb (``However``) with a semicolon. Only sentences ending
    in a full stop are joined (never questions, exclamations or quotations), and the
    text's first sentence never grows past ``first_sentence_chars`` (a platform's "see
    more" preview).
    """
    doc = _Doc.parse(text)
    groups = _prose_sentences(doc)
    pieces = [[_clauses(s) for s in sentences] for _, sentences in groups]
    words, count = _average(groups)
    total_words = max(_words(text), 1)
    semicolons = text.count(";")
    first_group = groups[0][0] if groups and groups[0][0] == 0 else None
    changed = False
    while count > 1:
        best: tuple[int, int, int] | None = None
        for g, (index, sentences) in enumerate(groups):
            for s in range(len(sentences) - 1):
                left, right = sentences[s], sentences[s + 1]
                if pieces[g][s] + pieces[g][s + 1] > _MAX_CLAUSES:
                    continue
                if not (_joinable(left) and _joinable(right)) or _continued(right, text) is None:
                    continue
                size = _words(left) + _words(right)
                if best is not None and size >= best[0]:
                    continue
                if (
                    first_sentence_chars is not None
                    and index == first_group
                    and s == 0
                    and len(left) + len(right) > first_sentence_chars
                ):
                    continue
                best = (size, g, s)
        if best is None or abs(words / (count - 1) - target) >= abs(words / count - target):
            break
        _, g, s = best
        sentences = groups[g][1]
        semicolon = (
            semicolon_rate is not None and 1000.0 * semicolons / total_words < semicolon_rate
        )
        joined = _join(sentences[s], sentences[s + 1], text, semicolon=semicolon)
        if joined is None:  # not reached: _continued was checked when the pair was chosen
            break
        semicolons += joined.count(";") - sentences[s].count(";") - sentences[s + 1].count(";")
        sentences[s : s + 2] = [joined]
        pieces[g][s : s + 2] = [pieces[g][s] + pieces[g][s + 1]]
        count -= 1
        changed = True
    if not changed:
        return text
    for index, sentences in groups:
        doc.blocks[index] = " ".join(sentences)
    return doc.render()


# -- paragraphs ------------------------------------------------------------------------------
