"""attribute(): ranking voices for a text."""

from __future__ import annotations

import pytest

from personae.errors import ProfileError, TextTooShortError
from personae.samples import sample_writers
from personae.style import StyleProfile, attribute

WRITERS = sample_writers()


@pytest.fixture(scope="module")
def profiles() -> list[StyleProfile]:
    return [StyleProfile.from_texts(w.training, name=w.key) for w in WRITERS]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.key)
def test_held_out_texts_go_to_their_writer(writer, profiles: list[StyleProfile]) -> None:
    ranking = attribute(writer.held_out, profiles)
    assert ranking[0].name == writer.key
    assert [a.log_likelihood for a in ranking] == sorted(
        (a.log_likelihood for a in ranking), reverse=True
    )
    assert sum(a.score for a in ranking) == pytest.approx(1.0)
    assert ranking[0].score > 0.5


def test_order_of_profiles_does_not_change_the_answer(profiles: list[StyleProfile]) -> None:
    text = WRITERS[1].held_out
    forward = attribute(text, profiles)
    backward = attribute(text, profiles[::-1])
    assert [(a.name, round(a.score, 9)) for a in forward] == [
        (a.name, round(a.score, 9)) for a in backward
    ]


def test_no_profiles_is_an_error() -> None:
    with pytest.raises(ProfileError, match="at least one profile"):
        attribute(WRITERS[0].held_out, [])


def test_duplicate_names_are_an_error(profiles: list[StyleProfile]) -> None:
    with pytest.raises(ProfileError, match="distinct names"):
        attribute(WRITERS[0].held_out, [profiles[0], profiles[0]])


def test_too_short_text_is_refused(profiles: list[StyleProfile]) -> None:
    with pytest.raises(TextTooShortError):
        attribute("Nope.", profiles)
