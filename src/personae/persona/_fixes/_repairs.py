"""Repairs: loops and repeated sentences collapsed, an unfinished ending dropped.

Part of :mod:`personae.persona._voice_fixes` (see its docstring for what each fix does).
"""

from __future__ import annotations

import re

from personae.persona._fixes._prose import (
    _Doc,
    _ends_sentence,
    _is_prose,
    _is_tag_block,
    _normal,
    _sentences,
)

__all__ = ["collapse_repetition", "drop_unfinished_ending"]


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
