"""Input errors: each bad input raises its own InputError subclass with a clear message."""

from __future__ import annotations

import pytest

from personae.errors import (
    BinaryInputError,
    EmptyTextError,
    InputError,
    PersonaeError,
    TextTooLargeError,
)
from personae.style import MAX_CHARS, analyze


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \r\n", "\u3000\u2003"])
def test_empty_or_white_space(text: str) -> None:
    with pytest.raises(EmptyTextError, match="empty or only white space"):
        analyze(text)


@pytest.mark.parametrize("text", ["123 456", "!!! ... ???", "3.14 -- 2,718", "_ _ _"])
def test_no_words(text: str) -> None:
    with pytest.raises(EmptyTextError, match="no words"):
        analyze(text)


@pytest.mark.parametrize("text", ["hello\x00world", "\x00", "A normal sentence.\x00"])
def test_nul_characters(text: str) -> None:
    with pytest.raises(BinaryInputError, match="NUL"):
        analyze(text)


def test_many_control_characters() -> None:
    text = "abc def ghi " + "\x01\x02\x1b\x7f" * 2  # 8 of 20 characters
    with pytest.raises(BinaryInputError, match="control characters") as info:
        analyze(text)
    assert info.value.details["share"] == pytest.approx(0.4)


def test_a_few_control_characters_are_tolerated() -> None:
    text = "A form feed\x0c and an escape\x1b in a long enough sentence of plain words."
    assert analyze(text).word_count == 14


def test_tabs_newlines_and_returns_are_not_control_characters() -> None:
    assert analyze("a\tb\r\nc\n" * 20).word_count == 60


def test_too_large() -> None:
    with pytest.raises(TextTooLargeError, match="limit is 10") as info:
        analyze("This text is longer than ten characters.", max_chars=10)
    assert (info.value.size, info.value.limit) == (40, 10)


def test_at_the_limit_is_fine() -> None:
    assert analyze("Ten chars!", max_chars=10).word_count == 2


def test_default_limit() -> None:
    assert MAX_CHARS == 20_000_000


@pytest.mark.parametrize("value", [None, b"bytes are not text", 42, ["a list"]])
def test_non_str_input(value: object) -> None:
    with pytest.raises(TypeError, match="needs a str"):
        analyze(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("error", [EmptyTextError, BinaryInputError, TextTooLargeError])
def test_errors_belong_to_the_input_family(error: type[Exception]) -> None:
    assert issubclass(error, InputError)
    assert issubclass(error, PersonaeError)
