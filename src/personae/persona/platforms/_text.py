"""What platform rules measure in a post, and the deterministic edits their fixes make.

Everything here is a regular expression or a count: no LLM, no language model. The
definitions of a hashtag, a mention, an emoji and a word follow
:mod:`personae.style` (``_social.py``, ``_tokens.py``), so the counts a platform rule
reports agree with ``personae.style.analyze`` on the same text (a test checks this):

* a **URL** starts with ``http://``, ``https://`` or ``www.`` and runs to the next space,
  less trailing punctuation;
* a **hashtag** is ``#`` plus word characters with at least one letter, not preceded by
  a word character, ``&`` or ``#`` (``#1`` and ``C#`` are not hashtags);
* a **mention** is ``@`` plus word characters, not preceded by a word character, ``@`` or
  ``.`` (so e-mail addresses are not mentions);
* an **emoji** is one pictographic code point with its variation selector, skin tone and
  zero-width-joiner continuations, a flag (two regional indicators) or a keycap;
* a **word** is a run of letters with internal apostrophes, once URLs, hashtags and
  mentions are removed (digits are not words).

The edits (:func:`remove_spans`, :func:`trim_hashtags`, :func:`limit_emoji`,
:func:`strip_markdown`, :func:`shorten`) are what platform fixes are built from. Each one
returns its input unchanged when there is nothing to do, which is what makes every fix
idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = [
    "ELLIPSIS",
    "EMOJI_RE",
    "HASHTAG_RE",
    "MENTION_RE",
    "URL_RE",
    "Paragraphs",
    "count_words",
    "first_sentence_end",
    "hashtag_spans",
    "heading_lines",
    "limit_emoji",
    "markdown_marks",
    "nfc",
    "paragraphs",
    "remove_spans",
    "sections",
    "shorten",
    "strip_markdown",
    "trim_hashtags",
]

ELLIPSIS = "…"
"""Appended when a text must be cut inside a sentence."""

_URL_END = r"[^\s<>\"'.,;:!?)\]}”’]"
URL_RE = re.compile(
    rf"(?<![\w/])(?:https?://[^\s<>\"]*{_URL_END}|www\.[^\s<>\"]*{_URL_END})", re.IGNORECASE
)
HASHTAG_RE = re.compile(r"(?<![\w&#])#(?=\w*[^\W\d_])\w+")
MENTION_RE = re.compile(r"(?<![\w@.])@\w+")

_EMOJI_CHAR = "\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_EMOJI_MODIFIER = "\ufe0f\U0001f3fb-\U0001f3ff"
EMOJI_RE = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicator letters
    "|[0-9#*]\ufe0f?\u20e3"  # a keycap: 1️⃣ #️⃣
    f"|[{_EMOJI_CHAR}][{_EMOJI_MODIFIER}]*"  # an emoji with variation or skin tone
    "[\U000e0020-\U000e007f]*"  # tag sequences: the flags of England, Scotland, Wales
    f"(?:\u200d[{_EMOJI_CHAR}][{_EMOJI_MODIFIER}]*)*"  # joined by zero-width joiners
)

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|[。！？]+[」』）]*")
_MD_HEADING_RE = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+\S.*$", re.MULTILINE)
_HTML_HEADING_RE = re.compile(r"<h[1-6]\b[^>]*>", re.IGNORECASE)
_MD_INLINE_RE = re.compile(
    r"(?P<link>\[(?P<label>[^\]\n]+)\]\((?P<href>[^)\s]+)\))"
    r"|(?P<bold>(?<![*\w])\*\*(?=\S)(?P<bold_text>[^*\n]+?)(?<=\S)\*\*(?![*\w]))"
    r"|(?P<under>(?<![_\w])__(?=\S)(?P<under_text>[^_\n]+?)(?<=\S)__(?![_\w]))"
    r"|(?P<italic>(?<![*\w])\*(?=[^\s*])(?P<italic_text>[^*\n]+?)(?<=[^\s*])\*(?![*\w]))"
    r"|(?P<code>`(?P<code_text>[^`\n]+)`)"
)
_MAX_NESTING = 8
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")
_SPACES_RE = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"[ \t]+(?=[.,;:!?])")
_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TRAILING_SPACE_RE = re.compile(r"[ \t]+$", re.MULTILINE)


def nfc(text: str) -> str:
    """The text in Unicode normalisation form C, as platforms count it.

    A decomposed ``é`` (``e`` + U+0301) is one character after NFC, as X and the
    browsers' counters see it (twitter-text normalises to NFC before counting).
    """
    return unicodedata.normalize("NFC", text)


def count_words(text: str) -> int:
    """Words as :mod:`personae.style` counts them: letters only, without URLs, tags, mentions."""
    return sum(1 for _ in _WORD_RE.finditer(_without_social(text)))


def _without_social(text: str) -> str:
    for pattern in (URL_RE, HASHTAG_RE, MENTION_RE):
        text = pattern.sub(" ", text)
    return text


def hashtag_spans(text: str) -> list[tuple[int, int]]:
    """Where the hashtags are, URLs excluded (a ``#fragment`` inside a URL is no hashtag)."""
    urls = [m.span() for m in URL_RE.finditer(text)]
    return [m.span() for m in HASHTAG_RE.finditer(text) if not _inside(m.start(), urls)]


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def heading_lines(text: str) -> int:
    """Markdown (``## Title``) and HTML (``<h2>``) headings in the text."""
    return len(_MD_HEADING_RE.findall(text)) + len(_HTML_HEADING_RE.findall(text))


def markdown_marks(text: str) -> int:
    """Markdown a plain-text platform would show literally: headings, emphasis, links, code."""
    return len(_MD_HEADING_RE.findall(text)) + sum(1 for _ in _MD_INLINE_RE.finditer(text))


@dataclass(frozen=True, slots=True)
class Paragraphs:
    """Word counts of a text's paragraphs and of its sections between headings."""

    paragraph_words: tuple[int, ...]
    section_words: tuple[int, ...]


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: blocks separated by a blank line, stripped, none empty."""
    return [block.strip() for block in _PARAGRAPH_BREAK_RE.split(text) if block.strip()]


def sections(text: str) -> Paragraphs:
    """Words per paragraph, and words per section (the text between two headings).

    A heading line is never part of a paragraph's count, so a section's words are the
    words of its body.
    """
    paragraph_words = []
    section_words = [0]
    for block in paragraphs(text):
        body = []
        for line in block.splitlines():
            if _is_heading(line):
                section_words.append(0)
            else:
                body.append(line)
        words = count_words("\n".join(body))
        if words:
            paragraph_words.append(words)
            section_words[-1] += words
    return Paragraphs(tuple(paragraph_words), tuple(w for w in section_words if w))


def _is_heading(line: str) -> bool:
    return bool(_MD_HEADING_RE.fullmatch(line) or _HTML_HEADING_RE.match(line.strip()))


def first_sentence_end(text: str) -> int:
    """Characters up to the end of the first sentence or the first line, whichever is sooner.

    This is what a reader sees of the opening before the rest: the "hook".
    """
    stripped = text.strip()
    line_end = stripped.find("\n")
    line_end = len(stripped) if line_end < 0 else line_end
    match = _SENTENCE_END_RE.search(stripped)
    sentence_end = match.end() if match else len(stripped)
    return len(nfc(stripped[: min(line_end, sentence_end)].rstrip()))


# -- edits ---------------------------------------------------------------------------------


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Delete ``spans`` from ``text`` and tidy the white space the deletions leave.

    Runs of spaces shrink to one, a space left before punctuation goes, trailing spaces
    go, and more than one blank line in a row becomes one. With no spans the text comes
    back untouched, so a fix that finds nothing to remove changes nothing.
    """
    if not spans:
        return text
    out = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            start = position
        out.append(text[position:start])
        position = max(position, end)
    out.append(text[position:])
    joined = "".join(out)
    joined = _SPACES_RE.sub(" ", joined)
    joined = _SPACE_BEFORE_PUNCT_RE.sub("", joined)
    joined = _TRAILING_SPACE_RE.sub("", joined)
    joined = _BLANK_LINES_RE.sub("\n\n", joined)
    return joined.strip()


def _tag_block_start(text: str) -> int:
    """Where the trailing block of hashtag-only lines begins (``len(text)`` if none)."""
    stripped = text.rstrip()
    start = position = len(stripped)
    for line in reversed(stripped.split("\n")):
        line_start = position - len(line)
        if line.strip():
            if HASHTAG_RE.sub("", line).strip():
                break
            start = line_start
        position = line_start - 1  # the newline before this line
    return start


def trim_hashtags(text: str, keep: int) -> str:
    """Keep the first ``keep`` hashtags; drop the rest.

    A dropped hashtag in the trailing tag block is deleted; one inside a sentence loses
    only its ``#`` (``love #python`` → ``love python``), so the sentence still reads.
    """
    spans = hashtag_spans(text)
    if len(spans) <= keep:
        return text
    block = _tag_block_start(text)
    edits = [(start, end if start >= block else start + 1) for start, end in spans[keep:]]
    return remove_spans(text, edits)


def limit_emoji(text: str, keep: int) -> str:
    """Keep the first ``keep`` emoji; delete the rest."""
    spans = [m.span() for m in EMOJI_RE.finditer(text)]
    if len(spans) <= keep:
        return text
    return remove_spans(text, spans[keep:])


def strip_markdown(text: str) -> str:
    """Turn Markdown into the plain text a platform that does not render it should get.

    ``## Title`` → ``Title``, ``**bold**`` / ``__bold__`` / ``*italic*`` → the words,
    ``[label](https://…)`` → ``label https://…``, `` `code` `` → ``code``. Lists are
    left as they are: a dash at the start of a line reads fine as plain text.
    """
    if not markdown_marks(text):
        return text

    def inline(match: re.Match[str]) -> str:
        if match.group("link"):
            return f"{match.group('label')} {match.group('href')}"
        for name in ("bold_text", "under_text", "italic_text", "code_text"):
            if match.group(name) is not None:
                return match.group(name)
        return match.group(0)  # pragma: no cover - every alternative has a group

    def heading(match: re.Match[str]) -> str:
        return match.group(0).strip().lstrip("#").strip()

    # Emphasis can nest (``**a *b* c**``): strip until nothing is left, so that the
    # result is plain text and a second call changes nothing.
    for _ in range(_MAX_NESTING):
        stripped = _MD_INLINE_RE.sub(inline, _MD_HEADING_RE.sub(heading, text))
        if stripped == text:
            break
        text = stripped
    return text


def _boundaries(text: str) -> Iterator[int]:
    """Ends of sentences and of lines: the places a text may be cut cleanly."""
    for match in _SENTENCE_END_RE.finditer(text):
        yield match.end()
    for match in re.finditer(r"\n", text):
        yield match.start()


def shorten(text: str, limit: int, length: Callable[[str], int]) -> str:
    """Cut ``text`` so that ``length(text) <= limit``, at a sentence end when one fits.

    A trailing block of hashtags is kept when it takes at most a quarter of the budget.
    The body is cut after the last whole sentence (or line) that fits; when not even the
    first one fits, it is cut after the last whole word that fits, with an ellipsis; a
    single word longer than the limit is cut by characters. Prefixes only grow as they
    get longer, so each search is a bisection: a few calls of ``length``, however long
    the text.

    Parameters
    ----------
    text
        The text to fit.
    limit
        The most ``length`` may return.
    length
        How the platform counts (characters, or X's weighted characters).

    Returns
    -------
    str
        ``text`` itself when it already fits; otherwise the shortened text.
    """
    if length(text) <= limit:
        return text
    text = text.strip()
    block = _tag_block_start(text)
    body, tail = text[:block].rstrip(), text[block:]
    if tail and length(tail) * 4 > limit:
        tail = ""
    tail = f"\n\n{tail}" if tail else ""

    def fits(candidate: str) -> bool:
        return length(candidate + tail) <= limit

    ends = sorted({end for end in _boundaries(body) if body[:end].strip()})
    best = _last_fitting(ends, lambda end: fits(body[:end].rstrip()))
    if best is not None:
        return body[:best].rstrip() + tail
    words = [m.start() for m in re.finditer(r"\s+", body)]
    best = _last_fitting(words, lambda end: fits(body[:end].rstrip() + ELLIPSIS))
    if best is not None:
        return body[:best].rstrip() + ELLIPSIS
    characters = list(range(1, len(body)))
    best = _last_fitting(characters, lambda end: length(body[:end] + ELLIPSIS) <= limit)
    return body[:best] + ELLIPSIS if best is not None else ""


def _last_fitting(candidates: list[int], ok: Callable[[int], bool]) -> int | None:
    """The largest candidate for which ``ok`` holds, given that ``ok`` holds for a prefix."""
    low, high = 0, len(candidates) - 1
    best = None
    while low <= high:
        middle = (low + high) // 2
        if ok(candidates[middle]):
            best = candidates[middle]
            low = middle + 1
        else:
            high = middle - 1
    return best
