"""Computed quality scores: each dimension moves the right way; suggestions aim at the weakest."""

from __future__ import annotations

import pytest

from personae.errors import EmptyTextError, TextTooLargeError, UnknownPlatformError
from personae.persona import (
    DIMENSION_WEIGHTS,
    QualityReport,
    VoiceRules,
    get_platform,
    revision_instructions,
    score_content,
)
from personae.samples import SampleWriter
from personae.style import StyleProfile
from tests.persona.fakes import Strict
from tests.resources import FEDERALIST


def _writer(writers: list[SampleWriter], key: str) -> SampleWriter:
    return next(w for w in writers if w.key == key)


def _scores(report: QualityReport) -> list[float | None]:
    return [
        report.overall_quality_score,
        report.linguistic_quality,
        report.consistency_score,
        report.authenticity_score,
        report.platform_optimization_quality,
    ]


def test_a_text_alone_gets_linguistic_quality_only() -> None:
    report = score_content(FEDERALIST)
    assert report.authenticity_score is None
    assert report.platform_optimization_quality is None
    assert report.consistency_score is None
    assert report.overall_quality_score == report.linguistic_quality
    assert [d.name for d in report.dimensions] == ["linguistic_quality"]
    assert {s.key for s in report.details.linguistic} == {
        "reading_ease",
        "long_sentences",
        "sentence_variety",
        "vocabulary_variety",
    }


@pytest.mark.parametrize("key", ["founder", "essayist", "cook"])
def test_authenticity_is_higher_for_the_profiles_own_author(
    key: str, writers: list[SampleWriter], profiles: dict[str, StyleProfile]
) -> None:
    own = score_content(_writer(writers, key).held_out, profile=profiles[key])
    for other in writers:
        if other.key == key:
            continue
        theirs = score_content(other.held_out, profile=profiles[key])
        assert own.authenticity_score is not None
        assert theirs.authenticity_score is not None
        assert own.authenticity_score > theirs.authenticity_score
        assert own.overall_quality_score > theirs.overall_quality_score


def test_authenticity_is_the_style_match(
    writers: list[SampleWriter], profiles: dict[str, StyleProfile]
) -> None:
    text = _writer(writers, "cook").held_out
    report = score_content(text, profile=profiles["cook"])
    match = profiles["cook"].match(text)
    assert report.authenticity_score == match.score
    assert report.details.authenticity is not None
    assert report.details.authenticity.typicality == match.typicality
    assert report.profile == profiles["cook"].name


def test_rivals_make_authenticity_ask_who_wrote_it(
    writers: list[SampleWriter], profiles: dict[str, StyleProfile]
) -> None:
    text = _writer(writers, "founder").held_out
    rivals = [profiles["essayist"], profiles["cook"]]
    report = score_content(text, profile=profiles["founder"], rivals=rivals)
    assert report.details.authenticity is not None
    assert report.details.authenticity.share is not None


def test_a_short_text_gets_no_authenticity_and_a_note(profiles: dict[str, StyleProfile]) -> None:
    report = score_content("Ship it today. Ship it well.", profile=profiles["founder"])
    assert report.authenticity_score is None
    assert any("at least 25 words" in note for note in report.notes)


def test_breaking_platform_rules_lowers_platform_quality(writers: list[SampleWriter]) -> None:
    post = "Shipping beats planning. Ship the small thing today and learn from it."
    clean = score_content(post, platform="x")
    tagged = score_content(post + " #a #b #c #d #e #f", platform="x")
    too_long = score_content(post + " " + post * 10, platform="x")
    assert clean.platform_optimization_quality == 1.0
    assert tagged.platform_optimization_quality is not None
    assert too_long.platform_optimization_quality is not None
    assert 1.0 > tagged.platform_optimization_quality > too_long.platform_optimization_quality
    assert clean.overall_quality_score > too_long.overall_quality_score
    assert too_long.details.platform is not None
    assert not too_long.details.platform.passed


def test_a_registered_plugin_scores_like_a_built_in(strict_platform: Strict) -> None:
    report = score_content("Party time 🎉 at https://a.io", platform="strict")
    assert report.platform == "strict"
    assert report.details.platform is not None
    failed = {r.rule_id for r in report.details.platform.rules if not r.passed}
    assert {"emoji.allowed", "links.allowed"} <= failed


def test_consistency_follows_the_personas_stated_words() -> None:
    rules = VoiceRules(go_to=["ship", "customers"], avoid=["synergy", "leverage"])
    base = "We ship what customers ask for. Then we ship again, and we listen hard."
    good = score_content(base, constraints=rules)
    bad = score_content(base.replace("ship", "leverage synergy"), constraints=rules)
    assert good.consistency_score == 1.0
    assert bad.consistency_score is not None
    assert bad.consistency_score < good.consistency_score
    avoid = next(s for s in bad.details.consistency if s.key == "avoid_words")
    assert avoid.measured == 4
    assert "'synergy' (2×)" in avoid.message
    assert "'leverage' (2×)" in avoid.message


def test_consistency_checks_measurable_style_rules() -> None:
    rules = VoiceRules.from_mapping(
        {
            "sentence_length": {"min": 4, "max": 8},
            "contractions": "avoid",
            "punctuation": {"exclamation_points": "never"},
            "emoji": "none",
        }
    )
    calm = score_content(
        "We ship small things. We do not rush. We test each one.", constraints=rules
    )
    loud = score_content(
        "We're shipping this huge thing right now and we can't wait for everyone to see it! "
        "It's going to be amazing for all of you! 🎉",
        constraints=rules,
    )
    assert calm.consistency_score == 1.0
    assert loud.consistency_score is not None
    assert loud.consistency_score < 0.6
    keys = {s.key for s in loud.details.consistency if s.score < 1}
    assert keys == {"sentence_length", "contractions", "exclamations", "emoji"}


def test_rules_that_cannot_be_measured_give_no_consistency_but_a_note() -> None:
    report = score_content(FEDERALIST, constraints={"forbidden_tones": ["snarky"]})
    assert report.consistency_score is None
    assert any("snarky" in note for note in report.notes)


def test_overall_is_the_weighted_mean_of_the_dimensions_present(
    writers: list[SampleWriter], profiles: dict[str, StyleProfile]
) -> None:
    report = score_content(
        _writer(writers, "founder").held_out,
        profile=profiles["founder"],
        platform="x",
        constraints={"avoid_words": ["synergy"]},
    )
    assert all(s is not None and 0.0 <= s <= 1.0 for s in _scores(report))
    expected = sum(DIMENSION_WEIGHTS[d.name] * d.score for d in report.dimensions) / sum(
        DIMENSION_WEIGHTS.values()
    )
    assert report.overall_quality_score == pytest.approx(expected, abs=1e-3)
    assert sum(d.weight for d in report.dimensions) == pytest.approx(1.0, abs=1e-3)


def test_suggestions_are_ordered_by_impact_and_target_the_weakest(
    writers: list[SampleWriter], profiles: dict[str, StyleProfile]
) -> None:
    # A LinkedIn-style post on X: far over 280 weighted characters, four hashtags.
    report = score_content(
        _writer(writers, "founder").held_out, profile=profiles["founder"], platform="x"
    )
    assert report.weakest_dimensions[0] == "platform_optimization_quality"
    impacts = [s.impact for s in report.improvement_suggestions]
    assert impacts == sorted(impacts, reverse=True)
    top = report.improvement_suggestions[0]
    assert top.category == "platform"
    assert top.dimension == "length.max_chars"
    assert top.priority == "high"
    assert top.strategy == "shorten"
    assert top.auto_fix
    shortfalls = {d.name: d.shortfall for d in report.dimensions}
    assert [shortfalls[n] for n in report.weakest_dimensions] == sorted(
        shortfalls[n] for n in report.weakest_dimensions
    )[::-1]


def test_revision_instructions_start_with_the_weakest_dimension(
    writers: list[SampleWriter], profiles: dict[str, StyleProfile]
) -> None:
    x = get_platform("x")
    report = score_content(
        _writer(writers, "founder").held_out, profile=profiles["founder"], platform=x
    )
    lines = revision_instructions(report, x)
    assert lines[0].startswith("Platform: X: 1,")
    assert "the limit is 280" in lines[0]
    assert "Cut the text to at most 280 characters" in lines[0]
    assert any(line.startswith("Voice: ") for line in lines)
    assert len(lines) <= 6
    assert len(set(lines)) == len(lines)


def test_a_text_that_meets_the_platform_gets_no_platform_instructions(
    writers: list[SampleWriter],
) -> None:
    linkedin = get_platform("linkedin")
    report = score_content(_writer(writers, "founder").held_out, platform=linkedin)
    assert report.platform_optimization_quality == 1.0
    assert "platform_optimization_quality" not in report.weakest_dimensions
    assert not [s for s in report.improvement_suggestions if s.category == "platform"]
    assert not [line for line in revision_instructions(report, linkedin) if "Platform" in line]


def test_readability_checks_move_the_right_way() -> None:
    plain = score_content("The dog ran. The cat sat. We all had lunch. It was a good day for it.")
    dense = score_content(FEDERALIST)
    assert plain.linguistic_quality > dense.linguistic_quality
    ease = next(s for s in dense.details.linguistic if s.key == "reading_ease")
    assert ease.score < 1.0
    assert "Flesch reading ease" in ease.message


def test_bad_input_raises_typed_errors() -> None:
    with pytest.raises(EmptyTextError):
        score_content("   ")
    with pytest.raises(TextTooLargeError):
        score_content("word " * 100, max_chars=50)
    with pytest.raises(UnknownPlatformError):
        score_content("Hello there.", platform="myspace")


def test_the_report_is_json_with_the_seeds_field_names(profiles: dict[str, StyleProfile]) -> None:
    report = score_content("We shipped it. " * 10, profile=profiles["founder"], platform="linkedin")
    data = report.model_dump(mode="json")
    for key in (
        "overall_quality_score",
        "linguistic_quality",
        "consistency_score",
        "authenticity_score",
        "platform_optimization_quality",
        "improvement_suggestions",
    ):
        assert key in data
    assert QualityReport.model_validate_json(report.model_dump_json()) == report
