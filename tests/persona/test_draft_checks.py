"""The junk checks: what a new user was shown as a finished post, refused by code."""

from __future__ import annotations

from personae.persona import check_draft
from personae.persona._draft_checks import copied_run, drop_failing_sentences, strip_notes

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


def test_junk_found_by_reading_the_benchmarks_outputs_fails() -> None:
    """Each of these was shown as a finished post before the checks knew it."""
    soup, promise = "my favourite rainy-day soup", "how to keep a promise you made in a hurry"
    cases = (
        (promise, "I kept my promise. So, I decided to write a post about keeping a promise."),
        (soup, "It was a rainy day for soup.\nThe post ends with a great message to everyone."),
        (soup, "My favourite rainy-day soup.\n1. Aamn Sarah made an amazing bowl of soup."),
        (promise, "I lost my job for 3 years because of a promise made in a hurry."),
        (soup, "My favourite rainy-day soup was ready at 3 o'clock, as it always is."),
    )
    for brief, text in cases:
        assert not check_draft(text, brief=brief).passed, text


def test_a_post_too_short_for_the_platform_fails() -> None:
    from personae.persona import get_platform
    from personae.persona._optimize import min_words

    text = "The promise I made in a hurry was kept."
    brief = "how to keep a promise you made in a hurry"
    assert check_draft(text, brief=brief).passed
    blog = check_draft(text, brief=brief, min_words=min_words(get_platform("blog")))
    assert any("too short" in reason for reason in blog.reasons)
    assert min_words(get_platform("x")) == 0


def test_the_brief_restated_as_a_heading_is_not_a_post() -> None:
    """Streamed by `personae write --stream --platform x` with the local model."""
    brief = "why we still answer every support email ourselves"
    check = check_draft("Why we still answer every support email ourselves:", brief=brief)
    assert any("nothing beyond the brief" in reason for reason in check.reasons)
    assert check_draft(
        "We still answer every support email ourselves. Slow? Yes. Worth it.", brief=brief
    ).passed


def test_placeholders_and_labels_from_the_local_model_fail() -> None:
    soup = "my favourite rainy-day soup"
    for text in (
        "My favourite rainy-day soup is leek.\nShare on Facebook: [insert link here]",
        "My favourite rainy-day soup is leek.\nSentence: a quarter to two stars on soup.",
        "This is a great topic for a post about my favourite rainy-day soup.",
        # The prompt's tone read back as the post (held in the benchmark's outputs).
        "My favourite rainy-day soup: you still want to take a chatty and friendly tone.",
        # Assistant talk and letters, read in the pipeline's passing posts of a run.
        "My favourite rainy-day soup is leek. How can I help you today?",
        "My favourite rainy-day soup is leek. What brings you here today?",
        "Howdy there! My favourite rainy-day soup is leek.",
        "Ladies and gentlemen,\nMy favourite rainy-day soup is leek.",
        "My favourite rainy-day soup is leek (post title only).",
        "Topic: my favourite rainy-day soup\nWhy not?",
        "I hope you're doing well! My favourite rainy-day soup is leek.\nBest,",
        # Passed in the 2026-12-06 run of writing_quality (essayist, X).
        "Justification: If you want my favourite rainy-day soup, I will do it in 3 sentences.",
        "Caption: my favourite rainy-day soup is leek.",
        # Passed in the 2026-12-06 dev run of writing_quality (Hamilton, Facebook and X).
        "My favourite rainy-day soup is leek.\nThis sentence has been written with a mix "
        "and match between short punches (double the 8).",
        "You are likely referring to my favourite rainy-day soup.",
    ):
        assert check_draft(text, brief=soup).meta_text, text


def test_letters_and_answers_to_the_prompt_are_not_posts() -> None:
    for brief, text in (
        (
            "the first snow of the winter in the garden",
            "Hi Jordan,\nThe first snow of winter fell on the garden.",
        ),
        (
            "what an old notebook taught me about patience",
            "The notebook you are referring to taught me patience.",
        ),
    ):
        assert check_draft(text, brief=brief).meta_text, text


def test_a_text_cut_off_or_never_finished_fails() -> None:
    brief = "why we still answer every support email ourselves"
    # Stored as "passed" by the API before this check: a list of one, its quote left open.
    cut = (
        "We answer every support email ourselves, and I will give you a few reasons:\n"
        '- "It is all about trust.'
    )
    reasons = check_draft(cut, brief=brief).reasons
    assert "unfinished: a quotation is opened and never closed" in reasons
    one_item = "We answer every support email ourselves. Here is why:\n- It keeps us close."
    assert "unfinished: it announces a list and gives one item or none" in (
        check_draft(one_item, brief=brief).reasons
    )
    finished = [
        "We answer every support email ourselves. Here is why:\n- It keeps us close.\n"
        "- It shows us what is broken.",
        'We answer every support email ourselves. As a customer told us: "keep reading them".',
        "We answer every support email ourselves. What we learned:\nCustomers tell you "
        "what is broken, for free.",
    ]
    # Passed in the 2026-12-06 held-out run of writing_quality (Hamilton, X).
    dangling = "We answer every support email ourselves, and it is even a good tip.\n1."
    assert "unfinished: it ends on a list marker with nothing after it" in (
        check_draft(dangling, brief=brief).reasons
    )
    for text in finished:
        assert check_draft(text, brief=brief).passed, text


def test_pieces_that_are_not_sentences_fail_and_are_cut() -> None:
    """Passed in the 2026-12-06 dev run of writing_quality: a byline with its fields
    left empty in the cook's LinkedIn post, a last line "e." in the founder's Instagram."""
    brief = "a slow morning walk by the river"
    walk = "The morning walk by the river has become my favourite part of the day."
    for junk in ("e.", "By . PUBLISHED: ."):
        text = f"{walk}\n{junk}"
        check = check_draft(text, brief=brief)
        assert any(r.startswith("pieces that are not sentences") for r in check.reasons), junk
        assert drop_failing_sentences(text, check, brief=brief) == walk
    for fine in (
        f"{walk} Slow is good, e.g. on a cold day.",
        f"{walk} Then ... nothing. Just the water, i.e. the best part.",
        f"{walk}\n1. Coffee first.\n2. Then the river.",
    ):
        assert check_draft(fine, brief=brief).passed, fine


def test_sexual_content_nobody_asked_for_fails_and_is_cut() -> None:
    """Passed in the 2026-12-06 dev run of writing_quality (Brontë, blog)."""
    brief = "how to keep a promise you made in a hurry"
    kept = "I keep a promise made in a hurry by writing it down at once."
    text = f"{kept} I promised to meet him and have sex with him afterwards."
    check = check_draft(text, brief=brief)
    assert "sexual content nobody asked for: sex" in check.reasons
    assert drop_failing_sentences(text, check, brief=brief) == kept
    # A writer whose own samples use the word may use it; "Sussex" is no match.
    assert check_draft(text, brief=brief, samples=["Sex education matters."]).passed
    assert check_draft(f"{kept} We met in Sussex.", brief=brief, known=["Sussex"]).passed


def test_a_count_in_words_is_as_invented_as_one_in_digits() -> None:
    """Passed in the 2026-12-06 held-out run of writing_quality (the founder's LinkedIn
    post): "Our team is nine people", "The bank balance was eleven days away"."""
    brief = "why we stopped holding weekly status meetings"
    text = "We stopped holding weekly status meetings. Our team is nine people."
    assert "specifics nobody gave: nine people" in check_draft(text, brief=brief).reasons
    assert check_draft(
        "We stopped holding weekly status meetings. It took eleven days.", brief=brief
    ).invented == ["eleven days"]
    # Given by the writer's own samples, or not a count of anything: no invention.
    assert check_draft(text, brief=brief, samples=["We are nine people."]).passed
    assert check_draft(
        "We stopped holding weekly status meetings. Three cheers for quiet weeks.", brief=brief
    ).passed
