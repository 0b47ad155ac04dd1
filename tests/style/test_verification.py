"""verify(): the open-set question, and `personae style attribute` with one voice."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from personae.cli._app import app
from personae.errors import TextTooShortError
from personae.samples import sample_writers
from personae.style import StyleProfile, VerificationResult, verify
from personae.style._verification import background_profiles, readable

WRITERS = sample_writers()


@pytest.fixture(scope="module")
def profiles() -> dict[str, StyleProfile]:
    return {w.key: StyleProfile.from_texts(w.training, name=w.key) for w in WRITERS}


def test_background_writers_are_bundled_and_varied() -> None:
    background = background_profiles()
    writers = [p for ps in background.values() for p in ps]
    assert len(background) >= 10
    assert len(writers) >= 40
    assert all(p.char_grams.total > 0 for p in writers)
    assert any(p.english_samples == 0 for p in writers)  # not only English
    # distinct writers: a problem that reuses another's known texts is not bundled twice
    distinct = {tuple(sorted(p.char_grams.counts.items())) for p in writers}
    assert len(distinct) == len(writers)


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.key)
def test_own_text_is_more_likely_than_anothers(writer, profiles: dict[str, StyleProfile]) -> None:
    own = verify(profiles[writer.key], writer.held_out)
    others = [verify(profiles[writer.key], w.held_out) for w in WRITERS if w is not writer]
    assert isinstance(own, VerificationResult)
    assert 0.0 <= own.probability <= 1.0
    assert all(own.margin > o.margin for o in others)
    assert all(own.probability >= o.probability for o in others)
    assert len(own.nearest_impostors) == 3


def test_given_voices_join_the_background_as_impostors(profiles: dict[str, StyleProfile]) -> None:
    cook = profiles["cook"]
    rivals = [p for k, p in profiles.items() if k != "cook"]
    other = next(w for w in WRITERS if w.key != "cook")
    alone = verify(cook, other.held_out)
    with_rivals = verify(cook, other.held_out, impostors=rivals)
    # the text's own writer is now an impostor: it explains the text best, and the
    # voice's margin can only fall (one more writer to beat)
    assert with_rivals.nearest_impostors[0] == other.key
    assert with_rivals.margin <= alone.margin
    assert with_rivals.probability <= alone.probability


def test_background_writers_are_named_for_a_person(profiles: dict[str, StyleProfile]) -> None:
    named = verify(profiles["founder"], WRITERS[0].held_out).nearest_impostors
    assert all(":" not in name and name.endswith(")") for name in named)
    assert readable("aaac_problem_c:Author04") == "writer 4 (AAAC problem C)"
    assert readable("federalist_papers:Hamilton") == "Hamilton (the Federalist Papers)"
    assert readable("Maya Chen: the blog") == "Maya Chen: the blog"  # not a background key


def test_too_short_text_is_refused(profiles: dict[str, StyleProfile]) -> None:
    with pytest.raises(TextTooShortError):
        verify(profiles["cook"], "Too short.")


def test_cli_attribute_with_one_voice_answers_the_open_set_question(tmp_path) -> None:
    writer = WRITERS[0]
    profile = StyleProfile.from_texts(writer.training, name=writer.key)
    (tmp_path / "p.json").write_text(profile.to_json(), encoding="utf-8")
    (tmp_path / "t.txt").write_text(writer.held_out, encoding="utf-8")
    runner = CliRunner(env={"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"})
    args = ["style", "attribute", "-p", str(tmp_path / "p.json"), str(tmp_path / "t.txt")]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "Who wrote" not in table.stdout  # no ranking of one
    assert "cannot be attributed among" in table.stdout
    assert "personae style match" in table.stdout
    as_json = runner.invoke(app, [*args[:2], "--json", *args[2:]])
    data = json.loads(as_json.stdout)
    assert data["profile"] == writer.key
    assert 0.0 <= data["probability"] <= 1.0
    assert "cannot be attributed among" in data["note"]


def test_voice_is_measured_against_the_writers_nearest_it(
    profiles: dict[str, StyleProfile],
) -> None:
    """An English voice's impostors are English writers (so genre and language cancel),
    its own writing scores at least what it expects of a new text (the expectation is
    leave-one-out), and a text in another language scores below another English writer's."""
    from collections import Counter

    from personae.style._evidence import TextEvidence
    from personae.style._verification import Background

    background = Background([p for ps in background_profiles().values() for p in ps])
    for profile in profiles.values():
        voice = background.voice(profile)
        assert voice.nearest
        assert all(background.profiles[j].english_samples > 0 for j in voice.nearest)
        own = TextEvidence(
            grams=Counter(profile.char_grams.counts),
            words=Counter(),
            word_count=1,
            syntax=Counter(),
        )
        assert voice.score(own.grams) > 0.0
    french = (
        "Il était une fois, dans un petit village au bord de la mer, une vieille femme qui "
        "vendait du pain chaque matin. Les pêcheurs venaient la voir avant de partir, et "
        "elle leur racontait les histoires de son enfance, quand la mer était plus calme."
    )
    cook = profiles["cook"]
    assert verify(cook, french).margin < verify(cook, WRITERS[2].held_out).margin


def test_no_rivals_left_falls_back_to_the_background(profiles: dict[str, StyleProfile]) -> None:
    cook = profiles["cook"]
    text = WRITERS[2].held_out
    assert verify(cook, text, impostors=[cook]) == verify(cook, text)
    assert verify(cook, text, impostors=[]) == verify(cook, text)
