"""What platform rules measure, and the edits their fixes are made of."""

from __future__ import annotations

import pytest

from personae.persona.platforms import LinkedIn
from personae.persona.platforms._text import (
    ELLIPSIS,
    count_words,
    first_sentence_end,
    hashtag_spans,
    heading_lines,
    limit_emoji,
    markdown_marks,
    remove_spans,
    sections,
    shorten,
    strip_markdown,
    trim_hashtags,
)
from personae.samples import SampleWriter
from personae.style import analyze
from tests.resources import PUNCTUATED, THREE_SENTENCES, TWO_PARAGRAPHS


def test_counts_agree_with_the_style_measures(writers: list[SampleWriter]) -> None:
    texts = [t for w in writers for t in w.texts] + [THREE_SENTENCES, TWO_PARAGRAPHS, PUNCTUATED]
    texts.append("Ping @ana and mail ana@example.org about #launch2 #1 C# https://x.io/a#b 👍🏽🇫🇷")
    for text in texts:
        fp = analyze(text)
        measures = LinkedIn().measure(text)
        assert measures.words == fp.word_count == count_words(text)
        assert measures.hashtags == fp.social.hashtags
        assert measures.mentions == fp.social.mentions
        assert measures.urls == fp.social.urls
        assert measures.emoji == fp.social.emoji


def test_hashtags_inside_urls_and_numbers_are_not_hashtags() -> None:
    text = "#one https://a.io/#two C#three #4 &#5; ##six #seven"
    assert [text[a:b] for a, b in hashtag_spans(text)] == ["#one", "#seven"]


def test_headings_and_markdown_marks() -> None:
    text = "# Title\n\n## Part\n#hashtag is not a heading\n<h2>Also</h2>\n**b** *i* `c` [l](https://x.io)"
    assert heading_lines(text) == 3
    assert markdown_marks(text) == 2 + 4  # two Markdown headings, four inline marks


def test_sections_and_paragraphs_count_body_words_only() -> None:
    text = "# Title\n\nOne two three.\n\nFour five.\n\n## Next\n\nSix seven eight nine."
    layout = sections(text)
    assert layout.paragraph_words == (3, 2, 4)
    assert layout.section_words == (5, 4)


def test_first_sentence_end_is_the_hook() -> None:
    assert first_sentence_end("  Short one. Then more.") == len("Short one.")
    assert first_sentence_end("A title line\nThen the text.") == len("A title line")
    assert first_sentence_end("No end at all") == len("No end at all")


def test_remove_spans_tidies_what_it_leaves() -> None:
    text = "Read this https://a.io/x . Then  that.\n\n\n\nEnd"
    start = text.index("https")
    assert remove_spans(text, [(start, start + len("https://a.io/x"))]) == (
        "Read this. Then that.\n\nEnd"
    )
    assert remove_spans(text, []) == text  # nothing to remove: untouched


@pytest.mark.parametrize(
    ("text", "keep", "expected"),
    [
        ("Love #python and #rust.\n\n#a #b #c", 2, "Love #python and #rust."),
        ("Love #python and #rust.\n\n#a #b #c", 3, "Love #python and #rust.\n\n#a"),
        ("Love #python and #rust.", 1, "Love #python and rust."),  # inline: only the # goes
        ("No tags here.", 0, "No tags here."),
        ("#a #b", 5, "#a #b"),
    ],
)
def test_trim_hashtags(text: str, keep: int, expected: str) -> None:
    assert trim_hashtags(text, keep) == expected
    assert trim_hashtags(expected, keep) == expected


def test_limit_emoji_keeps_the_first() -> None:
    assert limit_emoji("Yes 👍🏽 and 🎉 and 🇫🇷!", 1) == "Yes 👍🏽 and and!"
    assert limit_emoji("Yes 👍🏽", 1) == "Yes 👍🏽"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## Why it matters\nIt **really** does.", "Why it matters\nIt really does."),
        ("**a *b* c**", "a b c"),  # nested: stripped until plain
        ("See [the guide](https://x.io/g) and `code`.", "See the guide https://x.io/g and code."),
        ("- a list item\n- another", "- a list item\n- another"),
        ("2 * 3 * 4 and #tag", "2 * 3 * 4 and #tag"),
    ],
)
def test_strip_markdown(text: str, expected: str) -> None:
    assert strip_markdown(text) == expected
    assert strip_markdown(expected) == expected


def _length(text: str) -> int:
    return len(text.strip())


def test_shorten_cuts_after_the_last_sentence_that_fits() -> None:
    text = "First sentence here. Second one is here. Third one runs past the limit."
    cut = shorten(text, 45, _length)
    assert cut == "First sentence here. Second one is here."
    assert shorten(cut, 45, _length) == cut


def test_shorten_keeps_a_short_tag_block() -> None:
    text = "One. Two two. Three three three. Four four four four.\n\n#a #b"
    cut = shorten(text, 30, _length)
    assert cut == "One. Two two.\n\n#a #b"
    assert _length(cut) <= 30


def test_shorten_cuts_words_with_an_ellipsis_when_no_sentence_fits() -> None:
    text = "A very long opening sentence without any end in sight for quite a while"
    cut = shorten(text, 20, _length)
    assert cut.endswith(ELLIPSIS)
    assert _length(cut) <= 20
    assert text.startswith(cut[:-1])


def test_shorten_cuts_a_single_overlong_word_by_characters() -> None:
    cut = shorten("x" * 50, 10, _length)
    assert cut == "x" * 9 + ELLIPSIS


def test_shorten_leaves_a_fitting_text_alone() -> None:
    assert shorten("  fits  ", 10, _length) == "  fits  "
