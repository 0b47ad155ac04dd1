"""X's weighted character count, checked against twitter-text v3's rules by hand."""

from __future__ import annotations

import pytest

from personae.persona.platforms import X, get_platform, weighted_length
from personae.persona.platforms.x import MAX_WEIGHTED_LENGTH, URL_LENGTH, char_weight, url_spans

# (text, weighted length) — each counted by hand from twitter-text config v3:
# code points in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F, U+2032–U+2037 weigh 1,
# every other code point 2, a URL 23, an emoji (sequence) 2, after NFC.
CASES = [
    ("", 0),
    ("hello", 5),
    ("Ça va? Ωμέγα Привет שלום مرحبا", 30),  # Latin, Greek, Cyrillic, Hebrew, Arabic: 1 each
    ("日本語", 6),  # CJK: 2 each
    ("한국어", 6),  # Hangul: 2 each
    ("ひらがな", 8),  # kana: 2 each
    ("e\u0301", 1),  # decomposed é: one code point after NFC
    ("—–‘’“”", 6),  # U+2010–U+201F: dashes and quotes weigh 1
    ("…", 2),  # U+2026 is outside the light ranges
    ("\u2032\u2037", 2),  # primes: light
    ("\u2038", 2),  # just past the primes range
    ("\u10ff\u1100", 3),  # last light code point, first heavy one (Hangul Jamo)
    ("👍", 2),
    ("👍🏽", 2),  # skin tone: one emoji
    ("👨\u200d👩\u200d👧", 2),  # a ZWJ family: one emoji, not 5 code points
    ("🇫🇷", 2),  # a flag: two regional indicators, one emoji
    ("1\ufe0f\u20e3", 2),  # a keycap
    ("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 2),  # England
    ("https://example.com", URL_LENGTH),
    ("https://example.com/" + "a" * 200, URL_LENGTH),  # any length: 23
    ("http://x.y", URL_LENGTH),
    ("see https://example.com/a/long/path 👍🏽", 4 + URL_LENGTH + 1 + 2),
    ("(https://example.com/x).", 1 + URL_LENGTH + 2),  # the closing ) and . are not in it
    ("example.com", URL_LENGTH),  # bare domain with a generic TLD
    ("www.example.org/page", URL_LENGTH),
    ("example.de", 10),  # country TLD without a path: not a URL
    ("bit.ly/abc", URL_LENGTH),  # country TLD with a path: a URL
    ("t.co", URL_LENGTH),  # .co is special
    ("me@example.com", 14),  # an e-mail address is not a URL
    ("#example.com", 12),  # nor is a domain after #
    ("Node.js is great", 16),  # .js is no TLD, and two letters need a path
    ("a https://a.io b https://b.io", 2 + URL_LENGTH + 3 + URL_LENGTH),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_weighted_length_matches_twitter_text(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


def test_char_weights_at_the_range_edges() -> None:
    assert [char_weight(cp) for cp in (0x0, 0x10FF, 0x1100)] == [1, 1, 2]
    assert [char_weight(cp) for cp in (0x1FFF, 0x2000, 0x200D, 0x200E)] == [2, 1, 1, 2]
    assert [char_weight(cp) for cp in (0x200F, 0x2010, 0x201F, 0x2020)] == [2, 1, 1, 2]
    assert [char_weight(cp) for cp in (0x2031, 0x2032, 0x2037, 0x2038)] == [2, 1, 1, 2]


@pytest.mark.parametrize(
    ("text", "limit_ok"),
    [
        ("a" * 280, True),
        ("a" * 281, False),
        ("日" * 140, True),
        ("日" * 141, False),
        ("👍" * 140, True),
        ("👍" * 141, False),
        ("a" * 256 + " https://example.com/" + "x" * 500, True),  # 256 + 1 + 23 = 280
        ("a" * 257 + " https://example.com/" + "x" * 500, False),
    ],
)
def test_the_280_limit_counts_weighted(text: str, limit_ok: bool) -> None:
    x = get_platform("x")
    result = next(r for r in x.validate(text) if r.rule_id == "length.max_chars")
    assert result.passed is limit_ok
    assert result.limit == MAX_WEIGHTED_LENGTH
    assert result.measured == weighted_length(text)
    assert result.severity == "error"
    assert f"{weighted_length(text):,} weighted characters" in result.message


def test_surrounding_white_space_does_not_count() -> None:
    assert X().length("  hello \n") == 5


def test_urls_x_sees_are_counted_as_links() -> None:
    text = "read example.com and https://a.org/x but not me@example.com"
    assert len(url_spans(text)) == 2
    assert X().measure(text).urls == 2


def test_invisible_characters_x_refuses_are_an_error_with_a_fix() -> None:
    x = get_platform("x")
    bad = "hello\ufeff world\u202e"
    failed = {r.rule_id: r for r in x.validate(bad) if not r.passed}
    assert failed["x.invalid_characters"].measured == 2
    assert failed["x.invalid_characters"].severity == "error"
    fixed = x.apply_fixes(bad)
    assert fixed == "hello world"
    assert all(r.passed for r in x.validate(fixed))
