"""The junk checks: what a new user was shown as a finished post, refused by code."""

from __future__ import annotations

from personae.persona import check_draft
from personae.persona._draft_checks import copied_run, strip_notes

BRIEF = "what we learned from losing our biggest customer"


def test_a_clean_on_topic_post_passes() -> None:
    text = (
        "We lost our biggest customer. It hurt. We learned to listen earlier, and to say "
        "no to work that pulls us off course."
    )
    check = check_draft(text, brief=BRIEF)
    assert check.passed, check.reasons
    assert set(check.brief_terms_found) >= {"learned", "biggest", "customer"}


def test_off_topic_text_fails() -> None:
    text = "To keep up with all that is going on, we all know how critical it is to innovate."
    check = check_draft(text, brief=BRIEF)
    assert not check.on_topic
    assert any("off topic" in reason for reason in check.reasons)


def test_notes_about_the_writing_fail_and_can_be_stripped() -> None:
    text = (
        "Here's a revised version with the added focus on clarity:\n\nWe lost our biggest "
        "customer, and we learned to listen.\n\nNote: I removed 2 sentences."
    )
    assert check_draft(text, brief=BRIEF).meta_text
    stripped = strip_notes(text)
    assert stripped == "We lost our biggest customer, and we learned to listen."
    assert check_draft(stripped, brief=BRIEF).passed


def test_loops_fail() -> None:
    text = "Our biggest customer left. " + "AI-powered " * 30
    check = check_draft(text, brief=BRIEF)
    assert any("repeats" in reason for reason in check.reasons)


def test_invented_specifics_fail_unless_given() -> None:
    text = "On Monday, March 15, 2023 we lost our biggest customer, Netflix, and learned a lot."
    check = check_draft(text, brief=BRIEF)
    assert {"Monday", "2023", "Netflix"} <= set(check.invented)
    given = check_draft(text, brief=BRIEF + " (Netflix, Monday, March 15, 2023)")
    assert given.invented == []


def test_copying_a_run_of_eight_words_from_the_samples_fails() -> None:
    sample = "I almost shut the company down last March because payroll was eleven days away."
    text = (
        "We learned from losing our biggest customer: I almost shut the company down last "
        "March because of it."
    )
    check = check_draft(text, brief=BRIEF + " March", samples=[sample])
    assert check.longest_copied_run >= 8
    assert any("copies" in reason for reason in check.reasons)


def test_copied_run_counts_the_longest_shared_run() -> None:
    assert copied_run(["a", "b", "c", "d", "e"], ["x", "a", "b", "c", "y"]) == 3
    assert copied_run([], ["a"]) == 0


def test_a_stream_stops_at_the_platforms_hard_limit_and_says_so() -> None:
    import asyncio
    from collections.abc import AsyncIterator

    from personae.persona._content import LimitedStream

    async def tokens() -> AsyncIterator[str]:
        for _ in range(200):
            yield "word "

    async def collect(limit: int | None) -> tuple[str, bool]:
        stream = LimitedStream(tokens(), limit)
        text = "".join([token async for token in stream])
        return text, stream.truncated

    text, truncated = asyncio.run(collect(280))
    assert len(text) == 280
    assert truncated
    text, truncated = asyncio.run(collect(None))
    assert len(text) == 1000
    assert not truncated


def test_assistant_talk_and_invented_handles_fail() -> None:
    brief = "why we still answer every support email ourselves"
    for text in (
        "The following is the X post in about 3 sentences. We still answer every email.",
        "We answer every support email ourselves. This text provides advice and is written "
        "by an AI assistant.",
        "I'll be happy to help you with your request. How about this? We answer email.",
        "We answer every support email ourselves.\n#### 6 sentences with an image",
    ):
        assert check_draft(text, brief=brief).meta_text, text
    handle = check_draft("We answer every support email ourselves. @MintGames", brief=brief)
    assert "@MintGames" in handle.invented


def test_invented_links_and_signatures_fail_unless_given() -> None:
    brief = "my favourite rainy-day soup"
    for text, invented in (
        ("My favourite rainy-day soup is leek. Recipe at www.soupclub.com", "www.soupclub.com"),
        ("My favourite rainy-day soup is leek, always.\n\nBest,\nMaria", "Maria"),
        ("My favourite rainy-day soup is leek.\n— Tom Baker", "Tom Baker"),
    ):
        assert invented in check_draft(text, brief=brief).invented, text
    signed = "My favourite rainy-day soup is leek.\n\nEnjoy\nMaria"
    assert check_draft(signed, brief=brief, known=["Maria"]).invented == []
