"""Social-media habits: emoji, hashtags, @mentions and links.

Hashtags, mentions and URLs are counted *and removed* before words are tokenised, so
that ``#blessed``, ``@someone`` and ``https://example.com/a-b`` never inflate word counts,
punctuation counts or character n-grams. Emoji are counted on the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from personae.style._fingerprint import SocialHabits

__all__ = [
    "EMOJI_MIN_CODE_POINT",
    "SocialCounts",
    "count_emoji",
    "social_habits",
    "strip_social",
    "touches_social",
]

EMOJI_MIN_CODE_POINT = 0x2600
"""No emoji has a lower code point: a text whose largest code point is lower has none."""

_EMOJI_CHAR = "\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_EMOJI_MODIFIER = "\ufe0f\U0001f3fb-\U0001f3ff"
_EMOJI_RE = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicator letters
    f"|[{_EMOJI_CHAR}][{_EMOJI_MODIFIER}]*"  # an emoji with variation or skin tone
    f"(?:\u200d[{_EMOJI_CHAR}][{_EMOJI_MODIFIER}]*)*"  # joined by zero-width joiners
)

_ANY_EMOJI_RE = re.compile(f"[{_EMOJI_CHAR}]")  # a cheap first scan: most texts have none

_URL_END = r"[^\s<>\"'.,;:!?)\]}”’]"
# Every alternative starts with a literal character (h, w, #, @) and checks what comes
# before it in a look-behind *after* that character, which lets the regex engine skip
# quickly to candidate positions.
_SOCIAL_RE = re.compile(
    rf"(?P<url>h(?<!\wh)ttps?://[^\s<>\"]*{_URL_END}|w(?<!\ww)ww\.[^\s<>\"]*{_URL_END})"
    r"|(?P<hashtag>#(?<![\w&#]#)(?=\w*[^\W\d_])\w+)"
    r"|(?P<mention>@(?<![\w@.]@)\w+)"
)


@dataclass(slots=True)
class SocialCounts:
    """Running tallies of the social markers found while scanning a text."""

    emoji: int = 0
    hashtags: int = 0
    mentions: int = 0
    urls: int = 0


def count_emoji(text: str) -> int:
    """Count emoji in ``text``.

    An emoji is one pictographic code point (Miscellaneous Symbols and Dingbats,
    U+2600–U+27BF; Miscellaneous Symbols and Arrows, U+2B00–U+2BFF; the supplementary
    pictographic planes U+1F000–U+1FAFF) with any variation selector or skin-tone
    modifier, and zero-width-joiner sequences count once; a flag (two regional
    indicator letters) counts once.

    Parameters
    ----------
    text : str
        Raw text.

    Returns
    -------
    int
        Number of emoji.

    Examples
    --------
    >>> count_emoji("Great job 👍🏽! 👨‍👩‍👧 🇫🇷")
    3
    """
    first = _ANY_EMOJI_RE.search(text)
    if first is None:
        return 0
    return sum(1 for _ in _EMOJI_RE.finditer(text, first.start()))


_SPACE_RE = re.compile(r"\s")


def touches_social(text: str, start: int, end: int) -> bool:
    """Whether the white-space run ``text[start:end]`` borders a URL, hashtag or mention.

    :func:`strip_social` replaces such a token by a space, which joins the run to what
    lies beyond the token (a comma before ``, and``, the blank lines around a tag line);
    the chunker never cuts at such a run, so tokens do not depend on where it cuts.
    """
    before = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start), text.rfind("\t", 0, start))
    if _SOCIAL_RE.match(text[before + 1 : start].lower()):
        return True
    after = _SPACE_RE.search(text, end)
    return _SOCIAL_RE.match(text[end : after.start() if after else len(text)].lower()) is not None


def strip_social(text: str, counts: SocialCounts) -> str:
    """Remove URLs, hashtags and @mentions from ``text``, tallying them in ``counts``.

    A URL starts with ``http://``, ``https://`` or ``www.`` and runs to the next space,
    less trailing punctuation. A hashtag is ``#`` plus word characters with at least one
    letter (``#1`` is not a hashtag). A mention is ``@`` plus word characters not
    preceded by a word character, so e-mail addresses are not mentions. Each is
    replaced by one space.

    Parameters
    ----------
    text : str
        Lower-cased text.
    counts : SocialCounts
        Tallies updated in place.

    Returns
    -------
    str
        The text without those markers.
    """
    if "#" not in text and "@" not in text and "://" not in text and "www." not in text:
        return text

    def _replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "url":
            counts.urls += 1
        elif kind == "hashtag":
            counts.hashtags += 1
        else:
            counts.mentions += 1
        return " "

    return _SOCIAL_RE.sub(_replace, text)


def social_habits(counts: SocialCounts, *, words: int) -> SocialHabits:
    """Summarise the tallies, with rates per 100 words.

    Parameters
    ----------
    counts : SocialCounts
        Tallies from the scan.
    words : int
        Word tokens in the text (hashtags, mentions and URLs excluded).

    Returns
    -------
    SocialHabits
    """
    per_100 = 100.0 / words if words else 0.0
    return SocialHabits(
        emoji=counts.emoji,
        hashtags=counts.hashtags,
        mentions=counts.mentions,
        urls=counts.urls,
        emoji_per_100_words=counts.emoji * per_100,
        hashtags_per_100_words=counts.hashtags * per_100,
    )
