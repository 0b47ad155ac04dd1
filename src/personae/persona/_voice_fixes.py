"""Voice fixes: deterministic, explainable edits that move a text toward a measured voice.

The voice counterpart of a platform's :meth:`~personae.persona.Platform.apply_fixes`. A
small model's drafts rarely sound like the writer; some of the distance is mechanical, and
code closes that part better than another round of prompting:

**Repairs** (broken text, whatever the voice):

* ``collapse_repetition`` — a word or phrase repeated three or more times in a row
  (``a leader, a leader, a leader``) becomes one; a sentence that repeats an earlier one
  (the same words, or contained in it, or four fifths of its word triples seen before)
  goes. Small models loop; a loop is never anyone's voice.
* ``drop_unfinished_ending`` — when the model ran out of tokens (``truncated``), the
  sentence it was cut in goes, so the text ends on a full stop.

**Voice moves** (toward the voice: a stated rule, or the profile's mean on one measured
dimension):

* ``replace_avoid_words`` — the persona's avoid words get a plain replacement where a
  safe one is known (``leverage`` → ``use``; an intensifier such as ``really`` is
  deleted); otherwise the sentence holding one goes. A stated rule: applied whenever an
  avoid word is found.
* ``limit_emoji`` / ``limit_exclamations`` — emoji removed and exclamation marks turned
  into full stops down to what the voice uses.
* ``contractions`` — contractions spelled out (``don't`` → ``do not``) or formed
  (``it is going`` → ``it's going``) until the rate is the voice's.
* ``sentence_length`` — over-long sentences split at clause boundaries (``; ``,
  ``, but``, ``, and`` + a subject) when the voice writes shorter ones; short declarative
  neighbours joined (``, and`` or ``;``, as the voice punctuates) when it writes longer.
* ``paragraphs`` — adjacent paragraphs merged, or long ones split at a sentence end,
  toward the voice's paragraph length (never past ``max_paragraph_words``).

Every edit is measured: the text is analysed before and after
(:func:`personae.style.analyze`), and a voice move is kept only when it lowers the text's
squared deviation from the profile on the dimension it targets
(:meth:`StyleProfile.typicality_terms`) *and* does not lower the profile's match score.
Without a profile, the persona's stated rules (:class:`VoiceRules`) give the target and
the move is kept when the text gets closer to it. Repairs are always kept: they fix
broken text rather than move it toward anyone (``VoiceFixResult.repaired`` is the text
after them alone, so a caller can score the moves' worth). With ``finish`` (a platform's
fixes) every measure is taken on the text as it will be published. Each edit leaves a
text it has nothing to do on unchanged (the same string), and the moves stop at the
voice's value, so running the fixes twice changes nothing more.

Edits are conservative: only plain prose paragraphs (no headings, lists, hashtag blocks or
line breaks inside) are split, joined or re-paragraphed; only declarative neighbours are
joined, into at most four clauses, and only when the second's first word is known not
to be a name (a function word, or a word the text also writes in lower case) or known to
be one (then it keeps its capital).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from personae.errors import InputError
from personae.persona._measure import measure_text
from personae.persona._voice_rules import VoiceRules
from personae.persona.platforms._text import HASHTAG_RE
from personae.persona.platforms._text import limit_emoji as _limit_emoji
from personae.style import (
    FUNCTION_WORDS,
    MIN_WORDS_TO_JUDGE,
    Fingerprint,
    StyleProfile,
)

__all__ = [
    "FIX_NAMES",
    "FixKind",
    "FixName",
    "VoiceFix",
    "VoiceFixResult",
    "apply_voice_fixes",
    "collapse_repetition",
    "drop_unfinished_ending",
    "expand_contractions",
    "form_contractions",
    "join_sentences",
    "limit_exclamations",
    "remove_emoji",
    "reparagraph",
    "replace_avoid_words",
    "split_sentences",
]

FixName = Literal[
    "collapse_repetition",
    "drop_unfinished_ending",
    "replace_avoid_words",
    "limit_emoji",
    "limit_exclamations",
    "contractions",
    "sentence_length",
    "paragraphs",
]
FixKind = Literal["repair", "voice"]

FIX_NAMES: tuple[FixName, ...] = (
    "collapse_repetition",
    "drop_unfinished_ending",
    "replace_avoid_words",
    "limit_emoji",
    "limit_exclamations",
    "contractions",
    "sentence_length",
    "paragraphs",
)
"""Every fix, in the order :func:`apply_voice_fixes` tries them."""


class VoiceFix(BaseModel):
    """One fix that was applied: what it changed, measured before and after."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: FixName
    kind: FixKind
    dimension: str = Field(description="The measured dimension (or rule) the fix targets.")
    before: float | None = Field(description="The text's value before the fix.")
    after: float | None = Field(description="The text's value after it.")
    target: float | None = Field(description="The voice's value (profile mean or rule).")
    message: str


class VoiceFixResult(BaseModel):
    """The fixed text, the fixes applied in order, and the match before and after."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    repaired: str = Field(
        description="The text after the repairs only, before any voice move: what a caller "
        "compares ``text`` with when it wants the moves only if they pay off."
    )
    applied: list[VoiceFix] = Field(default_factory=list)
    rejected: list[str] = Field(
        default_factory=list,
        description="Fixes tried and undone because they moved the text away from the voice.",
    )
    match_before: float | None = None
    match_after: float | None = None

    @property
    def names(self) -> list[str]:
        """The names of the applied fixes, in order."""
        return [fix.name for fix in self.applied]


# -- text structure --------------------------------------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_BLOCK_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")
_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_LIST_RE = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s")
_ABBREVIATIONS = _wordset("mr mrs ms dr prof sr jr st vs etc e.g i.e u.s inc ltd co no fig approx")
_CLOSE = "\"'”’)]"


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text))


@dataclass(slots=True)
class _Doc:
    """A text as paragraphs (blocks) and the exact white space between them."""

    head: str
    blocks: list[str]
    seps: list[str]
    tail: str

    @classmethod
    def parse(cls, text: str) -> _Doc:
        stripped = text.strip()
        start = text.find(stripped) if stripped else len(text)
        head, tail = text[:start], text[start + len(stripped) :]
        blocks: list[str] = []
        seps: list[str] = []
        position = 0
        for match in _BLOCK_BREAK_RE.finditer(stripped):
            blocks.append(stripped[position : match.start()])
            seps.append(match.group())
            position = match.end()
        blocks.append(stripped[position:])
        return cls(head, blocks, seps, tail)

    def render(self) -> str:
        parts = [self.head]
        for index, block in enumerate(self.blocks):
            if index:
                parts.append(self.seps[index - 1])
            parts.append(block)
        parts.append(self.tail)
        return "".join(parts)

    def remove(self, index: int) -> None:
        del self.blocks[index]
        if self.seps:
            del self.seps[index - 1 if index > 0 else 0]

    def merge(self, index: int, joined: str) -> None:
        """Replace blocks ``index`` and ``index + 1`` with ``joined``."""
        self.blocks[index : index + 2] = [joined]
        del self.seps[index]

    def split(self, index: int, first: str, second: str) -> None:
        self.blocks[index : index + 1] = [first, second]
        self.seps.insert(index, "\n\n")


def _is_prose(block: str) -> bool:
    """A plain paragraph: one line of sentences, no heading, list item or hashtag block."""
    if "\n" in block or not _WORD_RE.search(block):
        return False
    stripped = block.strip()
    if stripped.startswith(("#", ">", "|", "```", "<")) or _LIST_RE.match(stripped):
        return False
    return bool(HASHTAG_RE.sub("", stripped).strip())


def _is_tag_block(block: str) -> bool:
    return bool(HASHTAG_RE.search(block)) and not HASHTAG_RE.sub("", block).strip()


def _sentences(block: str) -> list[str]:
    """A prose block's sentences; ``" ".join`` of them is the block with spaces tidied."""
    out: list[str] = []
    start = 0
    for match in _END_RE.finditer(block):
        before = block[start : match.start()]
        last = re.search(r"([\w.]+)$", before)
        if match.group().startswith(".") and last is not None:
            word = last.group(1).lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        rest = block[match.end() :].lstrip()
        if rest and rest[0].islower():
            continue
        piece = block[start : match.end()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    piece = block[start:].strip()
    if piece:
        out.append(piece)
    return out


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?…:][\"'”’)\]]*$", text.rstrip()))


def _normal(sentence: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD_RE.findall(sentence)]


# -- repairs ---------------------------------------------------------------------------------

_WORD = r"[^\W\d_]+(?:['’][^\W\d_]+)*"
_SEP = r"[ \t,;:–—-]+"
_LOOP_RE = re.compile(rf"\b({_WORD}(?:{_SEP}{_WORD}){{0,5}})(?:{_SEP}\1\b){{2,}}", re.IGNORECASE)
_DUPLICATE_TRIPLES = 0.8


def _contained(words: list[str], earlier: list[list[str]]) -> bool:
    n = len(words)
    return any(other[i : i + n] == words for other in earlier for i in range(len(other) - n + 1))


def collapse_repetition(text: str) -> str:
    """Collapse loops: a phrase repeated 3+ times in a row, and sentences said before.

    A phrase of one to six words repeated three or more times in a row, separated by
    spaces or light punctuation, is kept once. In prose paragraphs a sentence is dropped
    when it repeats an earlier one: the same words, its words (three or more) inside an
    earlier sentence, or at least 80 % of its word triples (it has three or more) already
    said. Outside prose, a line of three or more words that repeats an earlier line is
    dropped. The first sentence always stays, and an empty paragraph goes.
    """
    looped = _LOOP_RE.sub(lambda m: m.group(1), text)
    doc = _Doc.parse(looped)
    seen: list[list[str]] = []
    triples: set[tuple[str, ...]] = set()
    seen_lines: set[tuple[str, ...]] = set()
    changed = looped != text
    for index, block in enumerate(doc.blocks):
        if not _is_prose(block):
            kept_lines = []
            for line in block.split("\n"):
                key = tuple(_normal(line))
                if len(key) >= 3 and key in seen_lines:
                    changed = True
                    continue
                seen_lines.add(key)
                kept_lines.append(line)
            doc.blocks[index] = "\n".join(kept_lines)
            continue
        kept = []
        sentences = _sentences(block)
        for sentence in sentences:
            words = _normal(sentence)
            grams = {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
            repeated = bool(seen) and (
                any(words == other for other in seen)
                or (len(words) >= 3 and _contained(words, seen))
                or (len(grams) >= 3 and len(grams & triples) >= _DUPLICATE_TRIPLES * len(grams))
            )
            if repeated and words:
                continue
            seen.append(words)
            triples |= grams
            kept.append(sentence)
        if len(kept) != len(sentences):
            changed = True
            doc.blocks[index] = " ".join(kept)
    if not changed:
        return text
    for index in reversed(range(len(doc.blocks))):
        if not doc.blocks[index].strip() and len(doc.blocks) > 1:
            doc.remove(index)
    return doc.render()


def drop_unfinished_ending(text: str) -> str:
    """Drop the sentence a cut-off generation stopped in (call it only for cut texts).

    The last paragraph that is not a hashtag block is looked at: when it does not end a
    sentence, its unfinished last sentence (or last line, outside prose) goes, or the
    whole paragraph when it is all unfinished and an earlier paragraph remains. A trailing
    hashtag block is kept. A text that is one unfinished sentence is returned as it is.
    """
    doc = _Doc.parse(text)
    index = len(doc.blocks) - 1
    while index > 0 and _is_tag_block(doc.blocks[index]):
        index -= 1
    block = doc.blocks[index]
    if _ends_sentence(block) or _is_tag_block(block):
        return text
    if _is_prose(block):
        sentences = _sentences(block)
        if len(sentences) > 1:
            doc.blocks[index] = " ".join(sentences[:-1])
            return doc.render()
    elif "\n" in block.strip():
        doc.blocks[index] = block.rstrip().rsplit("\n", 1)[0].rstrip()
        return doc.render()
    if index == 0:
        return text
    doc.remove(index)
    return doc.render()


# -- avoid words, emoji, exclamations ---------------------------------------------------------

_REPLACEMENTS: dict[str, str] = {
    "utilize": "use",
    "utilizes": "uses",
    "utilized": "used",
    "utilizing": "using",
    "utilise": "use",
    "utilises": "uses",
    "utilised": "used",
    "utilising": "using",
    "leverage": "use",
    "leverages": "uses",
    "leveraged": "used",
    "leveraging": "using",
    "synergy": "cooperation",
    "synergies": "shared gains",
    "in order to": "to",
    "circle back": "return",
    "touch base": "talk",
    "deep dive": "close look",
    "low-hanging fruit": "easy wins",
    "going forward": "from now on",
    "at the end of the day": "in the end",
    "game-changer": "breakthrough",
    "game changer": "breakthrough",
    "game-changing": "important",
    "thought leader": "expert",
    "thought leaders": "experts",
    "best-in-class": "leading",
    "cutting-edge": "advanced",
    "paradigm shift": "shift",
    "amazing": "remarkable",
    "awesome": "excellent",
    "incredible": "remarkable",
    "thrilled": "glad",
    "super excited": "glad",
    "empower": "enable",
    "empowers": "enables",
    "empowered": "enabled",
    "empowering": "enabling",
    "journey": "path",
    "literally": "",
    "basically": "",
    "actually": "",
    "really": "",
    "very": "",
    "just": "",
    "totally": "",
}
"""Safe plain replacements of common words a persona avoids (an empty one deletes an
intensifier). Inflected forms are listed, so a replacement never breaks agreement."""


def _term_re(term: str) -> re.Pattern[str]:
    words = [re.escape(part) for part in term.lower().split()]
    return re.compile(r"(?<![\w'’-])" + r"\s+".join(words) + r"(?![\w'’-])", re.IGNORECASE)


def _match_case(source: str, replacement: str) -> str:
    if not replacement:
        return replacement
    if source.isupper() and len(source) > 1:
        return replacement.upper()
    if source[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _case_like(match: re.Match[str], *, replacement: str) -> str:
    return _match_case(match.group(), replacement)


_SENTENCE_START_RE = re.compile(r"(?:^|[.!?…][\"'”’)\]]*\s+|\n)$")


def _delete(text: str, pattern: re.Pattern[str]) -> str:
    """Delete a word (an intensifier) with the comma or space after it; at a sentence
    start the next word takes the capital."""
    for match in reversed(list(pattern.finditer(text))):
        start, end = match.span()
        tail = re.match(r"[ \t]*,?[ \t]*", text[end:])
        after = end + (tail.end() if tail else 0)
        if _SENTENCE_START_RE.search(text[:start]):
            rest = text[after:]
            text = text[:start] + rest[:1].upper() + rest[1:]
        else:
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            if text[end : end + 1] == ",":  # "really, good" → "good"; ", really," → ","
                end += 1
            text = text[:start] + text[end:]
    return text


def replace_avoid_words(text: str, terms: Sequence[str]) -> str:
    """Replace each avoided term that has a safe plain replacement; drop sentences with the rest.

    A sentence is dropped only from a prose paragraph of more than one sentence, so the
    text keeps its shape; a term with no replacement outside such a paragraph stays (the
    consistency score still reports it).
    """
    out = text
    for term in terms:
        pattern = _term_re(term)
        if not pattern.search(out):
            continue
        replacement = _REPLACEMENTS.get(" ".join(term.lower().split()))
        if replacement == "":
            out = _delete(out, pattern)
            continue
        if replacement is not None:
            out = pattern.sub(partial(_case_like, replacement=replacement), out)
            continue
        doc = _Doc.parse(out)
        for index, block in enumerate(doc.blocks):
            if not _is_prose(block):
                continue
            sentences = _sentences(block)
            kept = [s for s in sentences if not pattern.search(s)]
            if kept and len(kept) < len(sentences):
                doc.blocks[index] = " ".join(kept)
        out = doc.render()
    return out


def remove_emoji(text: str, keep: int = 0) -> str:
    """Keep the first ``keep`` emoji and delete the rest (the platforms' emoji edit)."""
    return _limit_emoji(text, keep)


_BANG_RE = re.compile(r"(?<=[^\s!?.])!+(?=[\"'”’)\]]*(?:\s|$))|(?<=\?)!+")


def limit_exclamations(text: str, keep: int = 0) -> str:
    """Turn exclamation marks after the first ``keep`` into full stops (``?!`` into ``?``)."""
    matches = list(_BANG_RE.finditer(text))
    if len(matches) <= keep:
        return text
    out = []
    position = 0
    for match in matches[keep:]:
        out.append(text[position : match.start()])
        out.append("" if text[match.start() - 1] == "?" else ".")
        position = match.end()
    out.append(text[position:])
    return "".join(out)


# -- contractions ----------------------------------------------------------------------------

_APOS = "['’]"
# "can't" is "ca" + "n't" to the pattern, as "won't" is "wo" + "n't".
_NOT_IRREGULAR = {"ca": "cannot", "wo": "will not", "sha": "shall not"}
_NOT_BASES = _wordset(
    "do does did is are was were has have had could should would must need might ca wo sha"
)
_S_WORDS = _wordset(
    "it that there here what who where when why how he she everybody everyone "
    "somebody someone nobody nothing something"
)
_HAS_NEXT = _wordset("been got gotten had")
_HAD_NEXT = _wordset("been better had got gotten seen done known taken given gone")
_SKIP_NEXT = _wordset("never ever just already always")
_CONTRACTION_RE = re.compile(
    rf"\b(?P<base>[A-Za-z]+)(?P<apos>{_APOS})(?P<suffix>t|s|m|re|ve|ll|d)\b"
    r"(?=(?P<space>\s+)(?P<next>[A-Za-z]+)|)",
    re.IGNORECASE,
)
_N_T_RE = re.compile(rf"\b(?P<base>[A-Za-z]+)n{_APOS}t\b", re.IGNORECASE)


def _expansion(match: re.Match[str]) -> str | None:
    """The spelled-out form of one contraction, or ``None`` to leave it alone."""
    base, suffix = match.group("base"), match.group("suffix").lower()
    nxt = (match.group("next") or "").lower()
    lower = base.lower()
    if suffix == "m":
        return f"{base} am" if lower == "i" else None
    if suffix == "re":
        return f"{base} are"
    if suffix == "ve":
        return f"{base} have"
    if suffix == "ll":
        return f"{base} will"
    if suffix == "d":
        if nxt in _SKIP_NEXT or not nxt:
            return None
        return f"{base} had" if nxt in _HAD_NEXT else f"{base} would"
    if suffix == "s":
        if lower == "let":
            return _match_case(base, "let") + " us"
        if lower not in _S_WORDS or not nxt:
            return None
        return f"{base} has" if nxt in _HAS_NEXT else f"{base} is"
    return None


def _contraction_spans(text: str) -> list[tuple[int, int, str]]:
    """Every contraction that can be spelled out safely: (start, end, expansion)."""
    spans: list[tuple[int, int, str]] = []
    for match in _N_T_RE.finditer(text):
        base = match.group("base")
        lower = base.lower()
        if lower not in _NOT_BASES:
            continue
        full = _NOT_IRREGULAR.get(lower, f"{lower} not")
        if base.isupper() and len(base) > 1:
            full = full.upper()
        elif base[:1].isupper():
            full = full[:1].upper() + full[1:]
        spans.append((match.start(), match.end(), full))
    for match in _CONTRACTION_RE.finditer(text):
        if match.group("suffix").lower() == "t":
            continue
        expanded = _expansion(match)
        if expanded is not None and match.group("suffix").isupper():
            expanded = expanded.upper()
        if expanded is not None:
            spans.append((match.start(), match.end("suffix"), expanded))
    return sorted(spans)


_FORMS: tuple[tuple[str, str], ...] = (
    (r"do not", "don't"),
    (r"does not", "doesn't"),
    (r"did not", "didn't"),
    (r"is not", "isn't"),
    (r"are not", "aren't"),
    (r"was not", "wasn't"),
    (r"were not", "weren't"),
    (r"has not", "hasn't"),
    (r"have not", "haven't"),
    (r"cannot", "can't"),
    (r"will not", "won't"),
    (r"would not", "wouldn't"),
    (r"could not", "couldn't"),
    (r"should not", "shouldn't"),
    (r"I am", "I'm"),
    (r"it is", "it's"),
    (r"that is", "that's"),
    (r"there is", "there's"),
    (r"we are", "we're"),
    (r"you are", "you're"),
    (r"they are", "they're"),
    (r"I will", "I'll"),
    (r"we will", "we'll"),
    (r"you will", "you'll"),
    (r"they will", "they'll"),
)
# Pronoun + verb only contract before another word ("what it is." stays): the negations
# contract anywhere ("I do not." → "I don't.").
_FORM_RE = re.compile(
    r"\b(?:"
    + "|".join(
        f"(?P<f{i}>{phrase.replace(' ', r'[ ]')})"
        + ("" if phrase.endswith(("not", "cannot")) else r"(?=[ ][A-Za-z])")
        for i, (phrase, _) in enumerate(_FORMS)
    )
    + r")\b",
    re.IGNORECASE,
)


def _form_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in _FORM_RE.finditer(text):
        index = int(next(k for k, v in match.groupdict().items() if v is not None)[1:])
        spans.append((match.start(), match.end(), _match_case(match.group(), _FORMS[index][1])))
    return spans


def _spread(count: int, available: int) -> list[int]:
    """``count`` indices out of ``available``, spread evenly."""
    count = max(0, min(count, available))
    return sorted({int((i + 0.5) * available / count) for i in range(count)}) if count else []


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    out = []
    position = 0
    for start, end, new in spans:
        out.append(text[position:start])
        out.append(new)
        position = end
    out.append(text[position:])
    return "".join(out)


def expand_contractions(text: str, count: int | None = None) -> str:
    """Spell out ``count`` contractions (all by default), spread evenly over the text.

    Only unambiguous ones: ``n't``, ``'m``, ``'re``, ``'ve``, ``'ll``, ``let's``, ``'s``
    after a pronoun (``it's been`` → ``it has been``; possessives such as ``John's`` are
    never touched) and ``'d`` before a word that tells ``had`` from ``would``.
    """
    spans = _contraction_spans(text)
    chosen = spans if count is None else [spans[i] for i in _spread(count, len(spans))]
    return _replace(text, chosen) if chosen else text


def form_contractions(text: str, count: int) -> str:
    """Contract ``count`` spelled-out forms (``do not`` → ``don't``), spread evenly."""
    spans = _form_spans(text)
    chosen = [spans[i] for i in _spread(count, len(spans))]
    return _replace(text, chosen) if chosen else text


# -- sentence length -------------------------------------------------------------------------

_SUBJECTS = (
    "i|we|you|he|she|it|they|this|that|these|those|there|the|our|my|his|her|their|its|"
    "one|each|every|many|most|some|such"
)
_SPLIT_RE = re.compile(
    r"(?P<semi>;\s+)"
    r"|(?P<conj>,\s+(?P<word>but|yet|so)\s+(?!that\b))"
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


def reparagraph(text: str, target: float, *, max_words: int | None = None) -> str:
    """Merge adjacent prose paragraphs, or split long ones at a sentence end, while that
    brings the average paragraph length closer to ``target`` words.

    The shortest adjacent pair is merged first (never past ``max_words``); the longest
    paragraph is split at the sentence end nearest its middle. Headings, lists and hashtag
    blocks are never merged or split, but count in the average as the reader sees them.
    """
    doc = _Doc.parse(text)
    changed = False
    for _ in range(4 * len(doc.blocks) + 4):
        sizes = [_words(b) for b in doc.blocks]
        counted = [size for size in sizes if size]
        if not counted:
            break
        average = sum(counted) / len(counted)
        if average < target and len(counted) > 1:
            pairs = [
                (sizes[i] + sizes[i + 1], i)
                for i in range(len(doc.blocks) - 1)
                if _is_prose(doc.blocks[i])
                and _is_prose(doc.blocks[i + 1])
                and (max_words is None or sizes[i] + sizes[i + 1] <= max_words)
            ]
            new_average = sum(counted) / (len(counted) - 1)
            if not pairs or abs(new_average - target) >= abs(average - target):
                break
            _, i = min(pairs)
            doc.merge(i, doc.blocks[i].rstrip() + " " + doc.blocks[i + 1].lstrip())
        elif average > target:
            order = sorted(range(len(doc.blocks)), key=lambda i: -sizes[i])
            done = False
            new_average = sum(counted) / (len(counted) + 1)
            if abs(new_average - target) >= abs(average - target):
                break
            for i in order:
                if not _is_prose(doc.blocks[i]):
                    continue
                sentences = _sentences(doc.blocks[i])
                if len(sentences) < 2:
                    continue
                running = [_words(" ".join(sentences[: k + 1])) for k in range(len(sentences))]
                cut = min(range(len(sentences) - 1), key=lambda k: abs(running[k] - sizes[i] / 2))
                doc.split(i, " ".join(sentences[: cut + 1]), " ".join(sentences[cut + 1 :]))
                done = True
                break
            if not done:
                break
        else:
            break
        changed = True
    return doc.render() if changed else text


# -- measuring and deciding ------------------------------------------------------------------

_Reader = Callable[[Fingerprint], float | None]
_READERS: dict[str, _Reader] = {
    "vocabulary.lexical_diversity": lambda fp: fp.vocabulary_analysis.lexical_diversity,
    "sentence_length.average": (
        lambda fp: fp.sentence_analysis.sentence_length_distribution.average
    ),
    "contractions.per_100_words": lambda fp: fp.contractions_per_100_words,
    "sentence_type.exclamation": (
        lambda fp: fp.sentence_analysis.sentence_type_distribution.exclamation
    ),
    "social.emoji_per_100_words": lambda fp: fp.social.emoji_per_100_words,
    "paragraphs.average_words": lambda fp: fp.paragraphs.average_words,
}


@dataclass(slots=True)
class _State:
    text: str
    fp: Fingerprint
    z2: dict[str, float]
    score: float | None


class _Judge:
    """Measures texts against the voice and decides whether a move brought it closer."""

    def __init__(
        self, profile: StyleProfile | None, finish: Callable[[str], str] | None = None
    ) -> None:
        self.profile = profile
        self.finish = finish

    def measure(self, text: str) -> _State:
        fp = measure_text(text if self.finish is None else self.finish(text))
        if self.profile is None:
            return _State(text, fp, {}, None)
        if fp.word_count < MIN_WORDS_TO_JUDGE:  # too short to match: deviations only
            return _State(text, fp, self.profile.typicality_terms(fp), None)
        match = self.profile.match_fingerprint(fp)
        z2 = {d.dimension: d.z**2 for d in match.deviations}
        return _State(text, fp, z2, match.score)

    def mean(self, dimension: str) -> float | None:
        if self.profile is None:
            return None
        stat = self.profile.dimensions.get(dimension)
        return None if stat is None or stat.n == 0 else stat.mean

    def closer(
        self, before: _State, after: _State, dimension: str, rule_target: float | None
    ) -> bool:
        """Whether ``after`` is nearer the voice on ``dimension`` without a lower match."""
        if self.profile is not None and dimension in before.z2 and dimension in after.z2:
            if after.z2[dimension] >= before.z2[dimension]:
                return False
            return before.score is None or after.score is None or after.score >= before.score
        target = self.mean(dimension) if rule_target is None else rule_target
        old, new = _READERS[dimension](before.fp), _READERS[dimension](after.fp)
        if target is None or old is None or new is None:
            return False
        return abs(new - target) < abs(old - target)


def _value(state: _State, dimension: str) -> float | None:
    value = _READERS[dimension](state.fp)
    return None if value is None else round(value, 3)


def _allowed(mean: float | None, per: float, usage: str | None) -> int | None:
    """How many of something (emoji, exclamations) the voice allows in this text.

    The profile's mean rate times the text's size (``per``: hundreds of words, or
    sentences), capped by the stated rule (``avoid``: none, ``sparing``: one); ``None``
    when neither the profile nor a rule says.
    """
    keep = None if mean is None else round(mean * per)
    if usage == "avoid":
        return 0
    if usage == "sparing":
        return 1 if keep is None else min(keep, 1)
    return keep


def apply_voice_fixes(
    text: str,
    *,
    profile: StyleProfile | None = None,
    rules: VoiceRules | None = None,
    truncated: bool = False,
    max_paragraph_words: int | None = None,
    first_sentence_chars: int | None = None,
    finish: Callable[[str], str] | None = None,
    fixes: Collection[str] | None = None,
) -> VoiceFixResult:
    """Move ``text`` toward the voice with deterministic edits; say what was done.

    Parameters
    ----------
    text
        The draft.
    profile
        The persona's measured voice: targets come from its means, and a move is kept
        only when it lowers the text's squared deviation on the targeted dimension and
        does not lower :meth:`StyleProfile.match`'s score.
    rules
        What the persona says about its voice: avoid words are replaced; without a
        profile, its sentence-length range, contractions, exclamation and emoji rules
        give the targets.
    truncated
        The model ran out of tokens: drop the sentence it stopped in.
    max_paragraph_words
        Never merge paragraphs past this (a platform's paragraph limit).
    first_sentence_chars
        Never let joining sentences make the first one longer than this (a platform's
        "see more" preview).
    finish
        What happens to the text after these fixes (a platform's
        :meth:`~personae.persona.Platform.apply_fixes`, say): every measure is taken on
        ``finish(text)``, so a move is judged on the text as it will be published (a
        joined sentence that a length cut would then drop is not kept). The returned text
        is *not* finished; the caller applies ``finish`` itself.
    fixes
        Only these fixes (names from :data:`FIX_NAMES`); all by default.

    Returns
    -------
    VoiceFixResult
        The fixed text (the same string when nothing applied) and the applied fixes in
        order, each with the targeted dimension measured before and after.

    Raises
    ------
    InputError
        An unknown fix name.
    EmptyTextError, BinaryInputError, TextTooLargeError
        The text cannot be measured.

    Examples
    --------
    >>> result = apply_voice_fixes(draft, profile=voice, truncated=True)  # doctest: +SKIP
    >>> [fix.name for fix in result.applied]  # doctest: +SKIP
    ['collapse_repetition', 'drop_unfinished_ending', 'sentence_length']
    """
    wanted = set(FIX_NAMES if fixes is None else fixes)
    unknown = wanted - set(FIX_NAMES)
    if unknown:
        raise InputError(
            f"unknown voice fix(es): {', '.join(sorted(unknown))}; known: {', '.join(FIX_NAMES)}",
            field="fixes",
        )
    rules = rules or VoiceRules()
    judge = _Judge(profile, finish)
    state = judge.measure(text)
    start_score = state.score
    applied: list[VoiceFix] = []
    rejected: list[str] = []

    def attempt(
        name: FixName,
        kind: FixKind,
        dimension: str,
        edit: Callable[[str], str],
        *,
        target: float | None,
        what: str,
    ) -> None:
        nonlocal state
        if name not in wanted:
            return
        new_text = edit(state.text)
        if new_text == state.text or not new_text.strip():
            return
        try:
            new_state = judge.measure(new_text)
        except InputError:
            rejected.append(f"{name}: the edit left nothing to measure")
            return
        if (
            kind == "voice"
            and dimension in _READERS
            and not judge.closer(state, new_state, dimension, target)
        ):
            rejected.append(f"{name}: it did not bring {dimension} closer to the voice")
            return
        before, after = (
            (_value(state, dimension), _value(new_state, dimension))
            if dimension in _READERS
            else (None, None)
        )
        shown = "" if before is None else f" ({dimension} {before:g} → {after:g}"
        if shown:
            shown += ")" if target is None else f"; voice {target:.3g})"
        applied.append(
            VoiceFix(
                name=name,
                kind=kind,
                dimension=dimension,
                before=before,
                after=after,
                target=None if target is None else round(target, 3),
                message=f"{what}{shown}",
            )
        )
        state = new_state

    attempt(
        "collapse_repetition",
        "repair",
        "vocabulary.lexical_diversity",
        collapse_repetition,
        target=judge.mean("vocabulary.lexical_diversity"),
        what="collapsed repeated words and sentences",
    )
    if truncated:
        attempt(
            "drop_unfinished_ending",
            "repair",
            "ending",
            drop_unfinished_ending,
            target=None,
            what="dropped the unfinished last sentence",
        )
    repaired = state.text
    if rules.avoid:
        attempt(
            "replace_avoid_words",
            "voice",
            "avoid_words",
            lambda t: replace_avoid_words(t, rules.avoid),
            target=0.0,
            what="replaced or dropped words the persona avoids",
        )

    words = state.fp.word_count
    emoji_keep = _allowed(judge.mean("social.emoji_per_100_words"), words / 100, rules.emoji)
    if emoji_keep is not None:
        attempt(
            "limit_emoji",
            "voice",
            "social.emoji_per_100_words",
            lambda t: remove_emoji(t, emoji_keep),
            target=100.0 * emoji_keep / max(words, 1),
            what=f"kept {emoji_keep} emoji",
        )

    sentences = state.fp.sentence_analysis.sentence_count
    bang_keep = _allowed(judge.mean("sentence_type.exclamation"), sentences, rules.exclamations)
    if bang_keep is not None:
        attempt(
            "limit_exclamations",
            "voice",
            "sentence_type.exclamation",
            lambda t: limit_exclamations(t, bang_keep),
            target=bang_keep / max(sentences, 1),
            what=f"kept {bang_keep} exclamation mark(s)",
        )

    contraction_target = judge.mean("contractions.per_100_words")
    if contraction_target is None and rules.contractions is not None:
        contraction_target = 0.0 if rules.contractions == "avoid" else 1.5
    rate = state.fp.contractions_per_100_words
    if contraction_target is not None and rate is not None:
        words = state.fp.word_count
        have = round(rate * words / 100)
        want = round(contraction_target * words / 100)
        if want < have:
            drop = have - want
            attempt(
                "contractions",
                "voice",
                "contractions.per_100_words",
                lambda t: expand_contractions(t, None if want == 0 else drop),
                target=contraction_target,
                what="spelled out contractions",
            )
        elif want > have:
            attempt(
                "contractions",
                "voice",
                "contractions.per_100_words",
                lambda t: form_contractions(t, want - have),
                target=contraction_target,
                what="formed contractions",
            )

    sentence_target = judge.mean("sentence_length.average")
    if sentence_target is None and rules.sentence_length is not None:
        low, high = rules.sentence_length
        sentence_target = (low + high) / 2
    if sentence_target is not None:
        average = _READERS["sentence_length.average"](state.fp) or 0.0
        if average > sentence_target:
            attempt(
                "sentence_length",
                "voice",
                "sentence_length.average",
                lambda t: split_sentences(t, sentence_target),
                target=sentence_target,
                what="split long sentences at clause boundaries",
            )
        elif average < sentence_target:
            semicolon_rate = judge.mean("punctuation.semicolon")
            attempt(
                "sentence_length",
                "voice",
                "sentence_length.average",
                lambda t: join_sentences(
                    t,
                    sentence_target,
                    semicolon_rate=semicolon_rate,
                    first_sentence_chars=first_sentence_chars,
                ),
                target=sentence_target,
                what="joined short sentences",
            )

    paragraph_target = judge.mean("paragraphs.average_words")
    if paragraph_target is not None:
        attempt(
            "paragraphs",
            "voice",
            "paragraphs.average_words",
            lambda t: reparagraph(t, paragraph_target, max_words=max_paragraph_words),
            target=paragraph_target,
            what="re-paragraphed toward the voice's paragraph length",
        )

    return VoiceFixResult(
        text=state.text,
        repaired=repaired,
        applied=applied,
        rejected=rejected,
        match_before=start_score,
        match_after=state.score,
    )
