"""X (formerly Twitter): 280 weighted characters per post.

Sources
-------
- **280 characters; every URL counts 23**: X developer documentation, "Counting
  characters" (https://docs.x.com/fundamentals/counting-characters): "Posts on X can
  contain up to 280 characters"; "All URLs are wrapped with t.co shortener and count as
  23 characters, regardless of the original length."
- **The weights**: X's reference implementation, twitter-text configuration version 3
  (https://github.com/twitter/twitter-text, ``config/v3.json``): ``maxWeightedTweetLength
  280``, ``scale 100``, ``defaultWeight 200``, ``transformedURLLength 23``,
  ``emojiParsingEnabled true``, and weight 100 for the code point ranges U+0000–U+10FF,
  U+2000–U+200D, U+2010–U+201F and U+2032–U+2037. So a code point in those ranges
  (Latin, Greek, Cyrillic, Hebrew, Arabic, common punctuation) counts 1, any other (CJK,
  Hangul, Japanese kana, most symbols) counts 2, and an emoji counts 2 however many code
  points it is made of (skin tones and zero-width-joiner families included). The text
  is NFC-normalised first (twitter-text ``parseTweet``).
- **Which strings are URLs** (twitter-text ``extractUrlsWithIndices``): anything with
  ``http://`` or ``https://``; a bare domain with a generic TLD (``example.com``); a bare
  domain with a two-letter country TLD only when a path follows (``bit.ly/x``) or the
  TLD is ``.co`` or ``.tv``. A URL must not follow a letter, digit, ``@``, ``$`` or
  ``#`` (so ``me@example.com`` is not one), and a bare domain not ``-``, ``_``, ``.``
  or ``/``. twitter-text knows every IANA TLD; this module knows the common generic
  ones listed in :data:`GENERIC_TLDS`, so a bare domain under a rare TLD is counted by
  its characters (it may be counted short; URLs with a scheme are always right).
- **Invalid characters**: twitter-text refuses posts containing U+FFFE, U+FEFF, U+FFFF
  or U+202A–U+202E (``hasInvalidCharacters``).
- **Hashtags: at most 2 recommended**: X Help Center, "How to use hashtags"
  (https://help.x.com/en/using-x/how-to-use-hashtags): "We recommend using no more
  than 2 hashtags per post as best practice." X sets no lower hard limit than the
  length itself.
- X renders line breaks but no Markdown.
"""

from __future__ import annotations

import re
from typing import ClassVar

from personae.persona.platforms import _text
from personae.persona.platforms._base import (
    Bounds,
    EmojiPolicy,
    FormattingPolicy,
    HashtagPolicy,
    LengthPolicy,
    LinkPolicy,
    Platform,
    PlatformConstraints,
    RuleResult,
    Strategy,
    TextMeasures,
)

__all__ = [
    "GENERIC_TLDS",
    "INVALID_CHARACTERS",
    "MAX_WEIGHTED_LENGTH",
    "URL_LENGTH",
    "X",
    "char_weight",
    "url_spans",
    "weighted_length",
]

MAX_WEIGHTED_LENGTH = 280
"""twitter-text v3 ``maxWeightedTweetLength``."""
URL_LENGTH = 23
"""twitter-text v3 ``transformedURLLength``: what any URL counts for."""
_EMOJI_WEIGHT = 2  # v3 defaultWeight 200 / scale 100, for a whole emoji sequence
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
"""v3 ``ranges`` with weight 100 (one character); everything else weighs 200 (two)."""

_HEAVY_RE = re.compile(
    "[^" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in _LIGHT_RANGES) + "]"
)
"""A code point outside the light ranges: it weighs 2."""

INVALID_CHARACTERS = "\ufffe\ufeff\uffff\u202a\u202b\u202c\u202d\u202e"
"""Code points twitter-text refuses in a post (``invalidCharsGroup``)."""
_INVALID_RE = re.compile(f"[{INVALID_CHARACTERS}]")

GENERIC_TLDS = frozenset(
    {
        "academy",
        "aero",
        "agency",
        "app",
        "biz",
        "blog",
        "center",
        "cloud",
        "club",
        "com",
        "community",
        "company",
        "coop",
        "design",
        "dev",
        "digital",
        "edu",
        "education",
        "email",
        "global",
        "gov",
        "group",
        "guru",
        "info",
        "int",
        "jobs",
        "life",
        "link",
        "live",
        "media",
        "mil",
        "mobi",
        "museum",
        "name",
        "net",
        "network",
        "news",
        "online",
        "org",
        "page",
        "pro",
        "shop",
        "site",
        "social",
        "solutions",
        "space",
        "store",
        "studio",
        "systems",
        "tech",
        "today",
        "travel",
        "website",
        "world",
        "xyz",
    }
)
"""Generic TLDs recognised in bare domains (twitter-text's list has every IANA TLD)."""
_SPECIAL_CCTLDS = frozenset({"co", "tv"})

_PATH = r"/(?:[^\s<>\"]*[^\s<>\"'.,;:!?)\]}”’])?"
_X_URL_RE = re.compile(
    r"(?<![A-Za-z0-9@$#＠＃])(?P<scheme>https?://[^\s<>\"]*[^\s<>\"'.,;:!?)\]}”’])"
    r"|(?<![A-Za-z0-9@$#＠＃\-_./])"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]{2,24}))"
    rf"(?![A-Za-z0-9\-@])(?P<path>{_PATH})?",
    re.IGNORECASE,
)


def url_spans(text: str) -> list[tuple[int, int]]:
    """Where X sees URLs in ``text`` (see the module docstring for the rules)."""
    spans = []
    for match in _X_URL_RE.finditer(text):
        if match.group("scheme"):
            spans.append(match.span())
            continue
        tld = match.group("tld").lower()
        has_path = match.group("path") is not None
        if tld in GENERIC_TLDS or (len(tld) == 2 and (has_path or tld in _SPECIAL_CCTLDS)):
            spans.append(match.span())
    return spans


def char_weight(code_point: int) -> int:
    """What one code point outside a URL or an emoji counts for: 1 or 2."""
    return 1 if any(low <= code_point <= high for low, high in _LIGHT_RANGES) else 2


def weighted_length(text: str) -> int:
    """The length X counts for ``text`` (twitter-text v3 ``parseTweet(...).weightedLength``).

    Examples
    --------
    >>> weighted_length("hello")
    5
    >>> weighted_length("日本語")
    6
    >>> weighted_length("see https://example.com/a/very/long/path 👍🏽")
    30
    """
    text = _text.nfc(text)
    spans = [(start, end, URL_LENGTH) for start, end in url_spans(text)]
    spans += [(m.start(), m.end(), _EMOJI_WEIGHT) for m in _text.EMOJI_RE.finditer(text)]
    total = 0
    position = 0
    for start, end, weight in sorted(spans):
        if start < position:  # an emoji inside a URL: the URL already counted it
            continue
        total += _plain_weight(text, position, start) + weight
        position = end
    return total + _plain_weight(text, position, len(text))


def _plain_weight(text: str, start: int, end: int) -> int:
    """The weight of ``text[start:end]`` (no URLs or emoji in it): 1 per code point, +1 if heavy.

    Counting the heavy code points with one regular expression keeps the loop in C, so
    cutting a long text to 280 (a few weighed prefixes) stays fast.
    """
    return (end - start) + sum(1 for _ in _HEAVY_RE.finditer(text, start, end))


class X(Platform):
    """X (formerly Twitter): one short post of at most 280 weighted characters."""

    name = "x"
    display_name = "X"
    description = "Short public posts: 280 weighted characters (URLs 23, emoji and CJK 2)."
    aliases: ClassVar[tuple[str, ...]] = ("twitter",)
    constraints = PlatformConstraints(
        length=LengthPolicy(
            counting="weighted",
            max_chars=MAX_WEIGHTED_LENGTH,
            source="docs.x.com 'Counting characters': 280 characters, URLs 23; "
            "twitter-text config v3: weights (CJK and emoji 2).",
        ),
        hashtags=HashtagPolicy(
            recommended=Bounds(max=2),
            source="X Help Center 'How to use hashtags': no more than 2 hashtags per post.",
        ),
        emoji=EmojiPolicy(source="twitter-text v3: each emoji counts 2 characters."),
        links=LinkPolicy(
            counted_as=URL_LENGTH, source="docs.x.com: every URL counts 23 characters (t.co)."
        ),
        formatting=FormattingPolicy(
            line_breaks=True,
            markdown=False,
            headings="unsupported",
            lists=True,
            source="X renders line breaks; Markdown is shown as typed.",
        ),
    )
    guidance = (
        "One idea per post; make the first words carry it.",
        "Count links as 23 characters each and emoji as 2 when you budget the length.",
    )

    def length(self, text: str) -> int:
        """X's weighted length (:func:`weighted_length`) of the stripped text."""
        return weighted_length(text.strip())

    def measure(self, text: str) -> TextMeasures:
        """As :meth:`Platform.measure`, with URLs as X recognises them (bare domains too)."""
        return super().measure(text).model_copy(update={"urls": len(url_spans(_text.nfc(text)))})

    def extra_rules(self, text: str, measures: TextMeasures) -> list[RuleResult]:
        """X refuses posts holding byte-order marks, non-characters or bidi overrides."""
        found = len(_INVALID_RE.findall(text))
        return [
            self._upper(
                "x.invalid_characters",
                "error",
                found,
                0,
                f"X: the text holds {found} invisible character{'' if found == 1 else 's'} X "
                "refuses (byte-order marks, U+FFFE/U+FFFF, bidirectional overrides); the limit "
                "is 0",
            )
        ]

    def extra_strategies(self) -> tuple[Strategy, ...]:
        return (
            Strategy(
                "remove_invalid_characters",
                ("x.invalid_characters",),
                "Remove invisible control characters (byte-order marks, direction overrides).",
                lambda text: _INVALID_RE.sub("", text),
            ),
        )
