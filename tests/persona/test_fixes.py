"""Deterministic fixes: they repair what they claim to, never exceed a limit, and are idempotent."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personae.persona import available_platforms, get_platform
from personae.persona.platforms import Platform
from tests.persona.fakes import Sparing, Strict

# Building blocks of awkward posts: long and short sentences, CJK, emoji, links, tags,
# Markdown, characters X refuses.
BLOCKS = [
    "Short one.",
    "We shipped the new billing page after three long weeks of testing.",
    "A much longer sentence that keeps going with clause after clause, because some "
    "writers never stop, and the platform has to cut it somewhere sensible.",
    "日本語の文章です。とても長い文章が続きます。",
    "Great news 🎉👍🏽🇫🇷!",
    "Read https://example.com/a/very/long/path/that/goes/on?and=on now.",
    "See example.com or bit.ly/x.",
    "I love #python and #rust.",
    "#growth #saas #startups #founders #leadership #b2b",
    "## A heading",
    "It is **really** *important* to read [the guide](https://x.io/g).",
    "Zero\ufeffwidth\u202etrouble.",
    "- a list item\n- another item",
    "Why? Because.",
    " ".join(f"Paragraph sentence {n} says one more thing about the launch." for n in range(30)),
]

texts = st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=40).flatmap(
    lambda blocks: st.lists(
        st.sampled_from([" ", "\n", "\n\n"]), min_size=len(blocks), max_size=len(blocks)
    ).map(lambda seps: "".join(b + s for b, s in zip(blocks, seps, strict=True)))
)

PLATFORMS: list[Platform] = [*available_platforms(), Strict(), Sparing()]


def _failed(platform: Platform, text: str) -> set[str]:
    return {r.rule_id for r in platform.validate(text) if not r.passed}


def _too_few(platform: Platform, text: str, rule_id: str) -> bool:
    """Whether ``rule_id`` fails because something is missing (no fix can add it)."""
    result = next(r for r in platform.validate(text) if r.rule_id == rule_id)
    return "(too few)" in result.message or "(too short)" in result.message


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.name)
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=texts)
def test_fixes_repair_their_rules_and_are_idempotent(platform: Platform, text: str) -> None:
    before = _failed(platform, text)
    fixed = platform.apply_fixes(text)
    after = _failed(platform, fixed)
    # Idempotent: a second pass changes nothing.
    assert platform.apply_fixes(fixed) == fixed
    # Never over a hard limit the fixes cover.
    max_chars = platform.constraints.length.max_chars
    if max_chars is not None:
        assert platform.length(fixed) <= max_chars
    # Every rule a fix addresses passes afterwards (except "too few": nothing to remove).
    fixable = {
        rule for s in platform.strategies() if s.fix is not None for rule in s.rules
    } & before
    for rule_id in fixable & after:
        assert _too_few(platform, fixed, rule_id), (rule_id, fixed)
    # A fix never breaks a hard limit that held before.
    errors = {r.rule_id for r in platform.validate(fixed) if r.severity == "error" and not r.passed}
    assert not errors - before


def test_a_too_long_post_is_cut_at_a_sentence_end() -> None:
    x = get_platform("x")
    text = " ".join(f"Sentence number {n} is here." for n in range(40))
    fixed = x.apply_fixes(text)
    assert x.length(fixed) <= 280
    assert fixed.endswith("is here.")
    assert text.startswith(fixed)


def test_the_cut_counts_the_way_x_counts() -> None:
    x = get_platform("x")
    text = "日本語の文章です。" * 40
    fixed = x.apply_fixes(text)
    assert x.length(fixed) <= 280 < len(fixed) * 2 + 2 * 9  # weighted, not code points
    assert fixed.endswith("。")


def test_instagram_fixes_links_tags_and_markdown_together() -> None:
    instagram = get_platform("instagram")
    text = "New **lemon bars** are up! Recipe: https://example.com/lemon-bars\n\n" + " ".join(
        f"#tag{n}x" for n in range(35)
    )
    report = instagram.report(text)
    assert not report.passed
    assert set(report.fixable) == {"plain_text", "remove_links", "trim_hashtags"}
    fixed = instagram.apply_fixes(text)
    assert fixed == "New lemon bars are up! Recipe:\n\n#tag0x #tag1x #tag2x #tag3x #tag4x"
    assert instagram.report(fixed).passed
    assert instagram.report(fixed).platform_optimization_quality == 1.0


def test_rules_without_a_safe_fix_are_left_to_the_reviser() -> None:
    blog = get_platform("blog")
    text = "Too short for a blog post."
    assert blog.apply_fixes(text) == text
    strategies = blog.strategies_for("length.recommended_words")
    assert [s.name for s in strategies] == ["fit_recommended_length"]
    assert strategies[0].fix is None
    assert "300–2,500 words" in strategies[0].instruction
