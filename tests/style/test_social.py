"""Social habits: emoji, hashtags, mentions and URLs, kept out of the word counts."""

from __future__ import annotations

import pytest

from personae.style import analyze
from personae.style._social import SocialCounts, count_emoji, strip_social
from tests.resources import SOCIAL


def test_social_counts_by_hand() -> None:
    fp = analyze(SOCIAL)
    social = fp.social
    assert (social.emoji, social.hashtags, social.mentions, social.urls) == (3, 2, 1, 2)
    assert fp.word_count == 11
    assert social.emoji_per_100_words == pytest.approx(300 / 11)
    assert social.hashtags_per_100_words == pytest.approx(200 / 11)


def test_tags_and_links_do_not_pollute_words_or_ngrams() -> None:
    fp = analyze(SOCIAL)
    assert "sunset" not in " ".join(fp.char_ngrams.top)
    assert "https" not in fp.vocabulary_analysis.most_frequent_content_words
    assert "sunset" not in fp.vocabulary_analysis.most_frequent_content_words


@pytest.mark.parametrize(
    ("text", "emoji"),
    [
        ("no emoji here", 0),
        ("😀", 1),
        ("😀😀 😀", 3),
        ("👍🏽", 1),  # skin tone modifier belongs to the emoji
        ("👨‍👩‍👧", 1),  # a zero-width-joiner family is one emoji
        ("🇫🇷🇩🇪", 2),  # two flags
        ("❤️ ☀", 2),  # heart with variation selector, sun
        ("© ® ™ →", 0),  # symbols that are not emoji
    ],
)
def test_count_emoji(text: str, emoji: int) -> None:
    assert count_emoji(text) == emoji


@pytest.mark.parametrize(
    ("text", "hashtags", "mentions", "urls", "left"),
    [
        ("#tag", 1, 0, 0, " "),
        ("#1 in sales", 0, 0, 0, "#1 in sales"),  # no letter: not a hashtag
        ("c# and f#", 0, 0, 0, "c# and f#"),
        ("hi @bob!", 0, 1, 0, "hi  !"),
        ("a@b.com", 0, 0, 0, "a@b.com"),  # e-mail address: not a mention
        ("go to http://x.org/a?b=1.", 0, 0, 1, "go to  ."),  # final period is not the URL's
        ("(www.example.com)", 0, 0, 1, "( )"),
    ],
)
def test_strip_social(text: str, hashtags: int, mentions: int, urls: int, left: str) -> None:
    counts = SocialCounts()
    assert strip_social(text, counts) == left
    assert (counts.hashtags, counts.mentions, counts.urls) == (hashtags, mentions, urls)


def test_text_of_only_tags_has_no_words() -> None:
    from personae.errors import EmptyTextError

    with pytest.raises(EmptyTextError, match="no words"):
        analyze("#one #two @three https://four.example")
