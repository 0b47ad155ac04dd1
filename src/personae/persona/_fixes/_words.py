"""Word-level voice moves: avoid words replaced, emoji and exclamations limited.

Part of :mod:`personae.persona._voice_fixes` (see its docstring for what each fix does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

from personae.persona._fixes._prose import _Doc, _is_prose, _sentences
from personae.persona._fixes._repairs import _REPLACEMENTS
from personae.persona.platforms._text import limit_emoji as _limit_emoji

__all__ = ["limit_exclamations", "remove_emoji", "replace_avoid_words"]


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
