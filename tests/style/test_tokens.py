"""The shared tokenization pass."""

from __future__ import annotations

import pytest

from personae.style._tokens import BREAK, EXCLAIM, JOINT, QUESTION, STOP, WORD, iter_chunks, scan
from tests.resources import FEDERALIST, PUNCTUATED, SOCIAL, TWO_PARAGRAPHS


def _tokens(text: str, **kwargs: int) -> list[str]:
    s = scan(text, **kwargs)
    return [s.types[i] for i in s.ids.tolist()]


def test_tokens_by_hand() -> None:
    assert _tokens("Mr. Smith left. Did he, and why?") == [
        "mr", "smith", "left", ".", "did", "he", ",", "and", "why", "?",
    ]  # fmt: skip


def test_kinds() -> None:
    s = scan("Hi there; yes, but no!\n\nOk? Fine.")
    kinds = {s.types[i]: int(s.kinds[i]) for i in range(len(s.types))}
    assert kinds == {
        "hi": WORD, "there": WORD, ";": JOINT, "yes": WORD, ",": JOINT, "but": WORD,
        "no": WORD, "!": EXCLAIM, "\n\n": BREAK, "ok": WORD, "?": QUESTION,
        "fine": WORD, ".": STOP,
    }  # fmt: skip


def test_a_plain_comma_is_not_a_token() -> None:
    assert _tokens("Red, green and blue") == ["red", "green", "and", "blue"]


@pytest.mark.parametrize("size", [32, 50, 333])  # longer than any run without spaces
@pytest.mark.parametrize("text", [FEDERALIST, TWO_PARAGRAPHS + "\n\n" + PUNCTUATED, SOCIAL])
def test_chunking_changes_nothing(text: str, size: int) -> None:
    whole, chunked = scan(text), scan(text, chunk_chars=size)
    assert _tokens(text, chunk_chars=size) == _tokens(text)
    assert chunked.punctuation == whole.punctuation
    assert chunked.social == whole.social
    assert chunked.ngrams.top(100) == whole.ngrams.top(100)
    assert chunked.ngrams.total() == whole.ngrams.total()


@pytest.mark.parametrize("size", [40, 100])
def test_chunks_cover_the_text(size: int) -> None:
    text = FEDERALIST[:2000]
    chunks = list(iter_chunks(text, size))
    assert "".join(chunks) == text
    assert len(chunks) > 1
    # chunks are cut after white space, and not after a comma's, as long as every run
    # without white space is shorter than the chunk
    for chunk in chunks[:-1]:
        assert chunk[-1].isspace()
        assert not chunk.rstrip().endswith(",")


def test_a_text_without_white_space_is_cut_anyway() -> None:
    # cut at the target size while more than two chunks are left, then kept whole
    assert list(iter_chunks("x" * 45, 10)) == ["x" * 10, "x" * 10, "x" * 10, "x" * 15]


def test_chunks_prefer_paragraph_breaks() -> None:
    text = "aaaa bbbb cccc\n\ndddd eeee"
    assert list(iter_chunks(text, 8)) == ["aaaa bbbb cccc\n\n", "dddd eeee"]
