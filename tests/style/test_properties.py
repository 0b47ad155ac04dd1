"""Properties that hold for any text."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personae.errors import InputError
from personae.style import analyze
from personae.style._tokens import scan

WORDS = st.sampled_from(
    ["the", "cat", "Sat", "don't", "é", "naïve", "I", "why", "and", "because", "#tag",
     "@bob", "3.5", "—", "like", "a", "as", "big", "bold", "😀", "www.x.org"]
)  # fmt: skip
SEPARATORS = st.sampled_from([" ", " ", ", ", ". ", "? ", "! ", "; ", "\n", "\n\n", "... "])


@st.composite
def prose(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=120))
    seps = draw(st.lists(SEPARATORS, min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps, strict=True))


@settings(deadline=None, max_examples=200)
@given(st.text())
def test_analyze_raises_only_input_errors(text: str) -> None:
    with contextlib.suppress(InputError):  # anything else fails the test
        analyze(text)


@settings(deadline=None, max_examples=200)
@given(prose())
def test_measures_are_consistent(text: str) -> None:
    try:
        fp = analyze(text)
    except InputError:
        return
    sentences = fp.sentence_analysis
    total = sentences.sentence_length_distribution.average * sentences.sentence_count
    assert math.isclose(total, fp.word_count)
    paragraphs = fp.paragraphs.average_words * fp.paragraphs.paragraph_count
    assert math.isclose(paragraphs, fp.word_count)
    types = sentences.sentence_type_distribution
    assert math.isclose(types.declarative + types.question + types.exclamation, 1.0)
    lengths = fp.vocabulary_analysis.word_length_distribution
    assert math.isclose(lengths.short + lengths.medium + lengths.long, 1.0)
    assert 0 < fp.vocabulary_analysis.lexical_diversity <= 1
    assert fp.rhetorical_analysis.questions <= sentences.sentence_count
    if fp.char_ngrams.top:
        assert sum(fp.char_ngrams.top.values()) <= 1 + 1e-9
    if fp.function_words is not None:
        assert sum(fp.function_words.counts.values()) <= fp.word_count
    assert type(fp).model_validate_json(fp.model_dump_json()) == fp


@settings(deadline=None, max_examples=100)
@given(prose(), st.integers(min_value=40, max_value=400))
def test_chunk_size_does_not_change_the_scan(text: str, size: int) -> None:
    # every run without white space in these texts is shorter than 40 characters
    whole, chunked = scan(text), scan(text, chunk_chars=size)
    assert [whole.types[i] for i in whole.ids.tolist()] == [
        chunked.types[i] for i in chunked.ids.tolist()
    ]
    assert whole.punctuation == chunked.punctuation
    assert whole.social == chunked.social
    assert whole.ngrams.top(30) == chunked.ngrams.top(30)


@pytest.mark.parametrize("repeat", [1, 3])
def test_repeating_a_text_keeps_its_rates(repeat: int) -> None:
    text = "We came, and we saw. Did we win? Yes! We won because we tried.\n\n"
    one, many = analyze(text), analyze(text * repeat)
    assert many.word_count == one.word_count * repeat
    assert many.sentence_analysis.sentence_type_distribution == (
        one.sentence_analysis.sentence_type_distribution
    )
    assert many.punctuation.per_1000_words == pytest.approx(one.punctuation.per_1000_words)
    assert many.pronouns is not None
    assert one.pronouns is not None
    assert many.pronouns.first_plural == pytest.approx(one.pronouns.first_plural)
    assert many.pronouns.dominant == one.pronouns.dominant == "we"
