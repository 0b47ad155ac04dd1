"""Who is who: facts the user states about themselves, and replies that take them."""

from __future__ import annotations

from personae.chat._identity import guard_reply, user_facts


def test_the_user_states_name_work_and_a_preference() -> None:
    facts = user_facts(["Hi! My name is Sam and I run a small bakery.", "I love sourdough."])
    assert facts.name == "Sam"
    assert facts.work == "run a small bakery"
    assert facts.prompt_lines()[0] == "The user's name is Sam."
    assert "love sourdough" in facts.prompt_lines()[-1]


def test_a_correction_replaces_the_old_value() -> None:
    facts = user_facts(["My name is Sam.", "Actually, call me Samantha."])
    assert facts.name == "Samantha"


def test_feelings_are_not_names() -> None:
    assert user_facts(["I'm tired today", "I am not sure"]).name is None


def test_the_persona_never_keeps_the_users_name_as_its_own() -> None:
    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    reply = "Hello there! I'm Sam, the owner of Sweet Wishes. How can I help your bakery?"
    assert guard_reply(reply, facts, "Jordan") == "Hello there! How can I help your bakery?"
    # Addressing the user by name is fine.
    assert guard_reply("Nice to meet you, Sam.", facts, "Jordan") == "Nice to meet you, Sam."


def test_a_loop_is_cut_where_it_starts() -> None:
    looping = "We build tools. " + "AI-powered AI-powered AI-powered AI-powered " * 20
    assert guard_reply(looping, user_facts([]), "Jordan") == "We build tools."


def test_questions_about_stated_facts_are_answered_from_the_facts() -> None:
    from personae.chat._identity import answer_from_facts

    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    assert answer_from_facts("What is my name?", facts) == "You're Sam."
    assert answer_from_facts("what do I do for work?", facts) == "You run a small bakery."
    assert answer_from_facts("How are you?", facts) is None
    assert answer_from_facts("What is my name?", user_facts(["hello"])) is None


def test_the_persona_does_not_take_the_users_work() -> None:
    facts = user_facts(["I run a small bakery."])
    reply = "My name is Alex and I run a small bakery called Sassy Delights. Tell me more!"
    assert guard_reply(reply, facts, "Jordan") == "Tell me more!"


def test_facts_come_back_from_memories_and_the_latest_wins() -> None:
    from personae.chat._identity import answer_from_facts

    remembered = user_facts(["My name is Sam.", "I love sourdough."]).prompt_lines()
    facts = user_facts([*remembered, "Actually, my name is Samantha.", "What do I love?"])
    assert facts.name == "Samantha"
    assert answer_from_facts("What do I love?", facts) == "You love sourdough."
