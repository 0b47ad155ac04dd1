"""The built-in platforms: their published limits, and every rule on passing and failing texts."""

from __future__ import annotations

import pytest

from personae.persona import available_platforms, get_platform
from personae.persona.platforms import Bounds, Platform, RuleResult
from personae.samples import SampleWriter
from tests.persona.fakes import Sparing, Strict


def _word_text(words: int) -> str:
    """A text of exactly ``words`` words in sentences of five."""
    sentences = ["Alpha beta gamma delta epsilon."] * (words // 5)
    rest = words % 5
    if rest:
        sentences.append(" ".join(["omega"] * rest) + ".")
    return " ".join(sentences)


def _rule(platform: Platform, text: str, rule_id: str) -> RuleResult:
    matches = [r for r in platform.validate(text) if r.rule_id == rule_id]
    assert len(matches) == 1, f"{rule_id} ran {len(matches)} times on {platform.name}"
    return matches[0]


def test_the_five_platforms_ship() -> None:
    assert [p.name for p in available_platforms()] >= [
        "blog",
        "facebook",
        "instagram",
        "linkedin",
        "x",
    ]


@pytest.mark.parametrize(
    ("name", "max_chars", "counting"),
    [
        ("x", 280, "weighted"),
        ("linkedin", 3_000, "characters"),
        ("instagram", 2_200, "characters"),
        ("facebook", 63_206, "characters"),
        ("blog", None, "characters"),
    ],
)
def test_published_length_limits(name: str, max_chars: int | None, counting: str) -> None:
    length = get_platform(name).constraints.length
    assert length.max_chars == max_chars
    assert length.counting == counting
    assert length.source


def test_published_hashtag_limits() -> None:
    assert get_platform("instagram").constraints.hashtags.max == 30
    assert get_platform("instagram").constraints.hashtags.recommended == Bounds(min=3, max=5)
    assert get_platform("x").constraints.hashtags.recommended == Bounds(max=2)
    assert get_platform("facebook").constraints.hashtags.recommended == Bounds(max=2)
    assert get_platform("linkedin").constraints.hashtags.recommended == Bounds(max=5)
    assert get_platform("blog").constraints.hashtags.recommended == Bounds(max=0)


def test_every_constraint_names_its_source() -> None:
    for platform in available_platforms():
        c = platform.constraints
        for part in (c.length, c.hashtags, c.emoji, c.links, c.formatting):
            assert part.source.strip(), f"{platform.name}: {type(part).__name__} has no source"


# (platform, rule id, a text that passes, a text that fails)
RULES = [
    ("linkedin", "length.max_chars", "a" * 3_000, "a" * 3_001),
    ("instagram", "length.max_chars", "a" * 2_200, "a" * 2_201),
    ("facebook", "length.max_chars", "a" * 63_206, "a" * 63_207),
    ("x", "length.max_chars", "a" * 280, "a" * 281),
    ("linkedin", "length.recommended_words", _word_text(200), _word_text(100)),
    ("linkedin", "length.recommended_words", _word_text(300), _word_text(301)),
    ("blog", "length.recommended_words", _word_text(300), _word_text(299)),
    ("blog", "length.recommended_words", _word_text(2_500), _word_text(2_600)),
    (
        "linkedin",
        "length.preview",
        "A short hook. " + "More words follow here. " * 20,
        "A very long opening " + "and so on " * 25 + "ends here. More.",
    ),
    (
        "instagram",
        "length.preview",
        "Look at this. " + "More words. " * 20,
        "x" * 126 + ". More words. " * 2,
    ),
    ("facebook", "length.preview", "Hi all. " + "Text. " * 60, "y" * 251 + ". Text. " * 3),
    (
        "instagram",
        "hashtags.max",
        "Photo.\n\n" + " ".join(f"#t{i}a" for i in range(30)),
        "Photo.\n\n" + " ".join(f"#t{i}a" for i in range(31)),
    ),
    ("instagram", "hashtags.recommended", "Photo. #a #b #c", "Photo. #a #b"),
    ("instagram", "hashtags.recommended", "Photo. #a #b #c #d #e", "Photo. #a #b #c #d #e #f"),
    ("x", "hashtags.recommended", "Ship it #a #b", "Ship it #a #b #c"),
    ("facebook", "hashtags.recommended", "Hello #a #b", "Hello #a #b #c"),
    ("linkedin", "hashtags.recommended", "Post #a #b #c #d #e", "Post #a #b #c #d #e #f"),
    ("blog", "hashtags.recommended", "No tags.", "One #tag."),
    ("instagram", "links.clickable", "Link in bio.", "See https://example.com/shop now."),
    ("linkedin", "formatting.markdown", "Plain text.\n- a list is fine", "It is **bold**."),
    ("x", "formatting.markdown", "Plain.", "## Heading\ntext"),
    ("facebook", "formatting.markdown", "Plain.", "[label](https://x.io)"),
    ("instagram", "formatting.markdown", "Plain.", "`code`"),
    (
        "blog",
        "formatting.paragraph_words",
        _word_text(150),
        _word_text(151),
    ),
    (
        "blog",
        "formatting.section_words",
        "# Title\n\n" + _word_text(200) + "\n\n## Part two\n\n" + _word_text(200),
        "# Title\n\n" + "\n\n".join([_word_text(100)] * 4),
    ),
    ("blog", "blog.title_length", "# " + "t" * 60 + "\n\nBody.", "# " + "t" * 61 + "\n\nBody."),
    ("blog", "blog.title_length", "<h1>Short</h1>\n\nBody.", "<h1>" + "t" * 70 + "</h1>\n\nBody."),
    ("x", "x.invalid_characters", "fine", "not\ufefffine"),
]


@pytest.mark.parametrize(("name", "rule_id", "good", "bad"), RULES)
def test_every_rule_passes_and_fails(name: str, rule_id: str, good: str, bad: str) -> None:
    platform = get_platform(name)
    passed = _rule(platform, good, rule_id)
    failed = _rule(platform, bad, rule_id)
    assert passed.passed
    assert passed.miss == 0
    assert not failed.passed
    assert 0 < failed.miss <= 1
    # The message states the measured value and the limit, for a person.
    measured = f"{failed.measured:,.0f}"
    assert measured in failed.message, failed.message
    if isinstance(failed.limit, Bounds):
        assert str(failed.limit) in failed.message, failed.message
    else:
        zero = "none" if failed.severity == "warning" else "0"
        limit = zero if failed.limit == 0 else f"{failed.limit:,.0f}"
        assert limit in failed.message, failed.message


# The fake platform's rules that no built-in has.
FAKE_RULES = [
    (Strict, "emoji.allowed", "No emoji.", "Party 🎉"),
    (Strict, "links.allowed", "No links.", "Go to https://a.io"),
    (Strict, "hashtags.max", "One #tag", "Two #tags #here"),
    (Strict, "length.recommended_chars", "x" * 50, "x" * 90),
    (Sparing, "emoji.recommended_max", "Two 🎉🎉", "Many 🎉🎉🎉🎉"),
]


@pytest.mark.parametrize(("cls", "rule_id", "good", "bad"), FAKE_RULES)
def test_policies_the_built_ins_do_not_use(
    cls: type[Platform], rule_id: str, good: str, bad: str
) -> None:
    platform = cls()
    assert _rule(platform, good, rule_id).passed
    failed = _rule(platform, bad, rule_id)
    assert not failed.passed


def test_a_markdown_platform_has_no_markdown_rule_and_a_blog_title_is_optional() -> None:
    blog = get_platform("blog")
    results = {r.rule_id for r in blog.validate("**bold** is fine on a blog")}
    assert "formatting.markdown" not in results
    assert "blog.title_length" not in results


def test_the_preview_rule_only_runs_on_texts_longer_than_the_preview() -> None:
    linkedin = get_platform("linkedin")
    assert "length.preview" not in {r.rule_id for r in linkedin.validate("Short post")}


def test_errors_come_before_warnings() -> None:
    results = get_platform("instagram").validate("https://x.io " + "#t " * 40 + "a" * 2_300)
    severities = [r.severity for r in results]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert {r.rule_id for r in results if not r.passed} >= {
        "length.max_chars",
        "hashtags.max",
        "links.clickable",
    }


def test_the_founders_linkedin_posts_pass_linkedin(writers: list[SampleWriter]) -> None:
    founder = next(w for w in writers if w.key == "founder")
    linkedin = get_platform("linkedin")
    for text in founder.texts:
        report = linkedin.report(text)
        assert report.passed, [r.message for r in report.rules if not r.passed]
        assert report.platform_optimization_quality == 1.0


def test_platform_quality_falls_with_each_broken_rule() -> None:
    x = get_platform("x")
    clean = x.score(x.validate("Ship small. Ship often."))
    one_warning = x.score(x.validate("Ship small. Ship often. #a #b #c"))
    one_error = x.score(x.validate("Ship small. " * 30))
    both = x.score(x.validate("Ship small. " * 30 + "#a #b #c #d #e"))
    assert clean == 1.0
    assert 1.0 > one_warning > one_error > both >= 0.0
    assert one_error <= 0.4  # a broken hard limit caps the score


def test_warnings_cost_in_proportion_to_the_miss() -> None:
    x = get_platform("x")
    three = x.score(x.validate("Post #a #b #c"))
    six = x.score(x.validate("Post #a #b #c #d #e #f"))
    assert 1.0 > three > six


def test_prompt_guidance_states_the_limits() -> None:
    assert "Write at most 280 characters" in " ".join(get_platform("x").prompt_guidance())
    instagram = " ".join(get_platform("instagram").prompt_guidance())
    assert "3–5" in instagram
    assert "clickable" in instagram
    blog = " ".join(get_platform("blog").prompt_guidance())
    assert "300" in blog
    assert "Do not use hashtags" in blog


def test_info_lists_constraints_guidance_and_strategies() -> None:
    info = get_platform("twitter").info()
    assert info.name == "x"
    assert info.aliases == ["twitter"]
    by_name = {s.name: s for s in info.strategies}
    assert by_name["shorten"].has_fix
    assert by_name["shorten"].rules == ["length.max_chars"]
    assert "280" in by_name["shorten"].instruction
    assert info.strategies[-1].name == "shorten"  # cutting to length comes last
    assert info.model_dump(mode="json")["constraints"]["length"]["max_chars"] == 280
