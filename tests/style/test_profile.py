"""StyleProfile: building, updating, serialising and matching a voice."""

from __future__ import annotations

import json
import statistics

import pytest

from personae.errors import (
    EmptyTextError,
    IncompatibleProfileError,
    ProfileError,
    TextTooShortError,
)
from personae.samples import sample_writers
from personae.style import MIN_WORDS_TO_JUDGE, StyleProfile, analyze

WRITERS = {w.key: w for w in sample_writers()}


@pytest.fixture(scope="module")
def founder() -> StyleProfile:
    return StyleProfile.from_texts(WRITERS["founder"].training, name="founder")


@pytest.fixture(scope="module")
def essayist() -> StyleProfile:
    return StyleProfile.from_texts(WRITERS["essayist"].training, name="essayist")


def test_profile_pools_means_and_spreads_of_its_samples(founder: StyleProfile) -> None:
    texts = WRITERS["founder"].training
    fps = [analyze(t) for t in texts]
    lengths = [fp.sentence_analysis.sentence_length_distribution.average for fp in fps]
    stat = founder.dimensions["sentence_length.average"]
    assert founder.sample_count == len(texts)
    assert founder.word_count == sum(fp.word_count for fp in fps)
    assert stat.mean == pytest.approx(statistics.fmean(lengths))
    assert stat.stdev == pytest.approx(statistics.stdev(lengths))


def test_update_equals_building_from_all_texts() -> None:
    texts = WRITERS["cook"].training
    incremental = StyleProfile.from_texts(texts[:2], name="cook").update(texts[2:])
    at_once = StyleProfile.from_texts(texts, name="cook")
    assert incremental.sample_count == at_once.sample_count == len(texts)
    assert incremental.function_words.counts == at_once.function_words.counts
    for key, stat in at_once.dimensions.items():
        assert incremental.dimensions[key].mean == pytest.approx(stat.mean)
        assert incremental.dimensions[key].stdev == pytest.approx(stat.stdev)


def test_sentence_length_histogram_pools_every_sample_incrementally() -> None:
    texts = WRITERS["cook"].training
    incremental = StyleProfile.from_texts(texts[:1], name="cook").update(texts[1:])
    histogram = incremental.sentence_length_histogram
    sentences = sum(analyze(t).sentence_analysis.sentence_count for t in texts)
    assert sum(b.count for b in histogram) == sentences
    assert (
        incremental.sentence_lengths == StyleProfile.from_texts(texts, name="cook").sentence_lengths
    )
    assert sum(b.share for b in histogram) == pytest.approx(1.0)
    assert histogram[0].label == "1-3"


def test_profile_stored_without_a_histogram_still_loads_and_fills_as_it_grows(
    founder: StyleProfile,
) -> None:
    data = json.loads(founder.to_json())
    del data["sentence_lengths"]
    old = StyleProfile.from_json(json.dumps(data))
    assert [b.count for b in old.sentence_length_histogram] == [0] * 14
    assert all(b.share == 0.0 for b in old.sentence_length_histogram)
    old.update([WRITERS["founder"].held_out])
    added = analyze(WRITERS["founder"].held_out).sentence_analysis.sentence_count
    assert sum(b.count for b in old.sentence_length_histogram) == added


def test_a_histogram_of_the_wrong_size_is_a_profile_error(founder: StyleProfile) -> None:
    data = json.loads(founder.to_json())
    data["sentence_lengths"] = [1, 2, 3]
    with pytest.raises(ProfileError, match="sentence-length histogram"):
        StyleProfile.from_json(json.dumps(data))


def test_progress_is_reported_per_text() -> None:
    seen: list[int] = []
    StyleProfile.from_texts(WRITERS["cook"].training, name="cook", on_progress=seen.append)
    assert seen == [1, 2, 3, 4]


def test_json_round_trip_is_lossless(founder: StyleProfile) -> None:
    again = StyleProfile.from_json(founder.to_json())
    assert again == founder
    assert again.match(WRITERS["founder"].held_out) == founder.match(WRITERS["founder"].held_out)


def test_no_samples_is_an_error() -> None:
    with pytest.raises(EmptyTextError, match="at least one text"):
        StyleProfile.from_texts([], name="nobody")


@pytest.mark.parametrize("data", ["", "not json", '{"name": "x", "sample_count": "many"}', "[]"])
def test_corrupt_profile_json_is_a_profile_error(data: str) -> None:
    with pytest.raises(ProfileError):
        StyleProfile.from_json(data)


def test_profile_from_a_future_format_is_refused(founder: StyleProfile) -> None:
    data = json.loads(founder.to_json())
    data["format_version"] = 99
    with pytest.raises(IncompatibleProfileError, match="format 99"):
        StyleProfile.from_json(json.dumps(data))


def test_held_out_text_of_the_same_writer_scores_higher(
    founder: StyleProfile, essayist: StyleProfile
) -> None:
    own = founder.match(WRITERS["founder"].held_out)
    other = founder.match(WRITERS["essayist"].held_out)
    assert 0.0 <= other.score < own.score <= 1.0
    assert own.score > 0.5
    assert other.score < 0.5
    assert (
        essayist.match(WRITERS["essayist"].held_out).score
        > essayist.match(WRITERS["founder"].held_out).score
    )


def test_deviations_name_both_numbers_and_come_largest_first(founder: StyleProfile) -> None:
    result = founder.match(WRITERS["essayist"].held_out)
    sizes = [abs(d.z) for d in result.deviations]
    assert sizes == sorted(sizes, reverse=True)
    top = next(d for d in result.deviations if d.dimension == "sentence_length.average")
    essay_avg = analyze(WRITERS["essayist"].held_out).sentence_analysis.sentence_length_distribution
    assert top.text_value == pytest.approx(essay_avg.average, abs=1e-3)
    assert top.z > 0
    assert "this voice averages" in top.message
    assert f"this text {essay_avg.average:.0f}" in top.message


def test_suggestions_are_concrete_and_ordered_by_impact(founder: StyleProfile) -> None:
    result = founder.match(WRITERS["essayist"].held_out)
    assert result.suggestions
    impacts = [s.impact for s in result.suggestions]
    assert impacts == sorted(impacts, reverse=True)
    assert any(s.message.startswith("Shorten your sentences") for s in result.suggestions)
    assert result.suggestions[0].priority == "high"


def test_too_short_to_judge_says_how_many_words_are_needed(founder: StyleProfile) -> None:
    with pytest.raises(TextTooShortError, match=f"at least {MIN_WORDS_TO_JUDGE} words"):
        founder.match("Far too short to say anything.")


def test_describe_lists_dimensions_with_units(founder: StyleProfile) -> None:
    dims = {d.key: d for d in founder.describe()}
    assert dims["sentence_length.average"].unit == " words"
    assert dims["sentence_length.average"].value == pytest.approx(
        founder.dimensions["sentence_length.average"].mean
    )
    pooled = analyze("\n\n".join(WRITERS["founder"].training)).vocabulary_analysis
    assert founder.key_words[:5] == list(pooled.content_word_counts)[:5]
