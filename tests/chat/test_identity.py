"""Who is who: facts the user states about themselves, and replies that take them."""

from __future__ import annotations

import pytest

from personae.chat._identity import answer_from_facts, guard_reply, user_facts


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


def test_the_persona_does_not_name_itself_as_someone_else() -> None:
    facts = user_facts(["Actually, my name is Samantha."])
    reply = "You're Samantha. I'm Emily Rodriguez, the manager. We bake at dawn."
    assert guard_reply(reply, facts, "Jordan Vance") == "You're Samantha. We bake at dawn."
    # Its own name, and words that are not names, stay.
    kept = "Hi, I'm Jordan. I'm so glad you came. I'm Happy to talk shop."
    assert guard_reply(kept, user_facts([]), "Jordan Vance") == kept


def test_a_loop_is_cut_where_it_starts() -> None:
    looping = "We build tools. " + "AI-powered AI-powered AI-powered AI-powered " * 20
    assert guard_reply(looping, user_facts([]), "Jordan") == "We build tools."


def test_questions_about_stated_facts_are_answered_from_the_facts() -> None:
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
    remembered = user_facts(["My name is Sam.", "I love sourdough."]).prompt_lines()
    facts = user_facts([*remembered, "Actually, my name is Samantha.", "What do I love?"])
    assert facts.name == "Samantha"
    assert answer_from_facts("What do I love?", facts) == "You love sourdough."


@pytest.mark.parametrize(
    ("said", "asked", "answer"),
    [
        (
            "Hi! My name is Priya and I teach maths at a secondary school.",
            "What do I do for work?",
            "You teach maths at a secondary school.",
        ),
        ("I'm a nurse.", "What do I do?", "You are a nurse."),
        ("I work as a nurse, and I love it.", "What is my job?", "You work as a nurse."),
        ("I study law.", "What do I study?", "You study law."),
        ("I'm studying law at Leeds.", "What do I do?", "You are studying law at Leeds."),
        ("I live in Leeds.", "Where do I live?", "You live in Leeds."),
        ("I'm from Porto and I run a cafe.", "Where am I from?", "You are from Porto."),
        ("My dog is called Rex.", "What is my dog called?", "Your dog is called Rex."),
        ("I have a cat named Tom.", "What's my cat's name?", "Your cat is called Tom."),
        (
            "My favourite colour is green.",
            "What is my favourite colour?",
            "Your favourite colour is green.",
        ),
    ],
)
def test_stated_facts_are_kept_and_recalled(said: str, asked: str, answer: str) -> None:
    facts = user_facts([said, asked])
    assert answer_from_facts(asked, facts) == answer
    # What goes to memory reads back as the same facts in a later session.
    assert user_facts(facts.prompt_lines()) == facts


def test_questions_and_passing_states_are_not_facts() -> None:
    facts = user_facts(["Do I work as a nurse?", "I'm a bit tired.", "My point is simple."])
    assert facts == user_facts([])


def test_a_later_statement_replaces_work_home_and_names_of_things() -> None:
    facts = user_facts(
        [
            "I teach maths. I live in Leeds. My dog is called Rex.",
            "Actually I teach physics now. I moved to York. My dog is called Max.",
        ]
    )
    assert (facts.work, facts.home, facts.things) == (
        "teach physics now",
        "moved to York",
        {"dog": "is called Max"},
    )


def test_the_persona_does_not_take_the_users_job() -> None:
    facts = user_facts(["I'm a nurse."])
    assert guard_reply("I'm a nurse too. Tell me more!", facts, "Jordan") == "Tell me more!"


def test_assistant_talk_is_not_the_personas_voice() -> None:
    """Replies of the local model through `personae chat`."""
    facts = user_facts(["My name is Sam."])
    reply = (
        "I'm so glad you're here! I'd be happy to help with any math questions you have. "
        "You're a creative writing AI assistant. We ship on Fridays."
    )
    assert guard_reply(reply, facts, "Jordan") == "I'm so glad you're here! We ship on Fridays."


def test_the_persona_does_not_make_the_users_business_its_team_s() -> None:
    """chat_eval with the local model: "our bakery is built on sustainable practices"."""
    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    reply = "Our bakery is built on sustainable practices. What do you bake?"
    assert guard_reply(reply, facts, "Jordan") == "What do you bake?"


@pytest.mark.parametrize(
    "asked",
    ["What's your name?", "who are you, again?", "Who am I talking to?", "What should I call you?"],
)
def test_a_question_about_the_personas_name_is_answered_with_its_own(asked: str) -> None:
    """The original bug: asked, the local model named itself Sam (the user) or Eleni."""
    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    assert answer_from_facts(asked, facts, persona_name="Jordan Vance") == "I'm Jordan Vance."
    # Without the persona's name (or asked nothing of it), nothing is made up.
    assert answer_from_facts(asked, facts) is None
    assert answer_from_facts("How are you?", facts, persona_name="Jordan Vance") is None


def test_a_name_built_from_a_writer_and_a_brand_is_said_as_a_person_says_it() -> None:
    """Seen as a user: asked its name, the founder persona said "I'm Maya Chen (Shipwise)."."""
    facts = user_facts(["My name is Sam."])
    assert answer_from_facts("What's your name?", facts, persona_name="Maya Chen (Shipwise)") == (
        "I'm Maya Chen from Shipwise."
    )
    # The model's own "I'm Maya Chen." after the answer says nothing new (seen as a user:
    # "I'm Maya Chen from Shipwise. I'm Maya Chen.").
    answer = "I'm Maya Chen from Shipwise."
    reply = "I'm Maya Chen. Nice to meet you, Sam."
    assert guard_reply(reply, facts, "Maya Chen (Shipwise)", answer=answer) == (
        "Nice to meet you, Sam."
    )
    # Nor is the user someone of their own (the local model, a new session of the same
    # chat: "You're Sam's baker, …", "You're Sam's customer today!").
    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    reply = "You're Sam's baker, I love it. You're Sam's customer today! You're Sam, I know."
    assert guard_reply(reply, facts, "Maya Chen (Shipwise)") == "You're Sam, I know."
    # Brackets that are not a trailing brand stay as they are.
    assert answer_from_facts("Who are you?", facts, persona_name="Ana (Lisbon) Reis") == (
        "I'm Ana (Lisbon) Reis."
    )


def test_who_am_i_talking_to_is_not_a_question_about_the_user() -> None:
    facts = user_facts(["My name is Sam."])
    assert answer_from_facts("Who am I?", facts, persona_name="Jordan") == "You're Sam."
    assert answer_from_facts("Who am I talking to?", facts, persona_name="Jordan") == (
        "I'm Jordan."
    )


def test_my_name_is_someone_else_goes_whatever_its_case() -> None:
    """chat_eval with the local model: "My name is Emily Kearney", "My name is Elena"."""
    reply = "I love hiking too. My name is Emily Kearney, and we teach. We ship on Fridays."
    assert guard_reply(reply, user_facts([]), "Jordan Vance") == (
        "I love hiking too. We ship on Fridays."
    )


@pytest.mark.parametrize(
    ("said", "reply", "kept"),
    [
        # The user told they are the persona, or called by the name they corrected.
        (
            ["My name is Lena."],
            "I'm Jordan Vance. You're Jordan Vance. Hi!",
            "I'm Jordan Vance. Hi!",
        ),
        (["My name is Tom."], "Your name is Jordan Vance and you work here. Ha.", "Ha."),
        (["My name is Sam.", "Call me Samantha."], "You're Sam, I think. Welcome!", "Welcome!"),
        (["My name is Sam.", "Call me Samantha."], "You're Samantha. Welcome!", None),
        # Not a name: kept.
        (["My name is Sam."], "You're So kind. You are welcome.", None),
    ],
)
def test_the_user_is_not_called_by_a_name_that_is_not_theirs(
    said: list[str], reply: str, kept: str | None
) -> None:
    assert guard_reply(reply, user_facts(said), "Jordan Vance") == (kept or reply)


def test_the_system_prompt_and_transcripts_are_not_the_reply() -> None:
    """chat_eval: "The user's name is Priya. I'm Jordan Vance, not the user." and a reply
    that went on as "Jordan VANCE (Dialogue)\\nChat History:\\nLena: How's it going?"."""
    facts = user_facts(["My name is Lena."])
    echo = "Hello again. The user's name is Lena. I'm Jordan Vance, not the user. Ready?"
    assert guard_reply(echo, facts, "Jordan Vance") == "Hello again. Ready?"
    transcript = (
        "Good to see you. I'll respond:\nJordan VANCE (Dialogue)\nChat History:\n"
        "Lena: How's it going?\nI'm happy to meet you!"
    )
    assert guard_reply(transcript, facts, "Jordan Vance") == "Good to see you."
    inline = "We ship today. Jordan VANCE: I've just been going through a project."
    assert guard_reply(inline, facts, "Jordan Vance") == "We ship today."
    # The persona's own label at the start is dropped, its line kept.
    assert guard_reply("Jordan: Hey there! Lena: hi", facts, "Jordan Vance") == "Hey there!"
    # A name followed by a colon inside a sentence is not a transcript.
    assert guard_reply("Here is my advice, Lena: ship.", facts, "Jordan") == (
        "Here is my advice, Lena: ship."
    )


def test_a_reply_does_not_repeat_what_was_said_before() -> None:
    """chat_eval: asked again, the local model copied its previous reply whole, and
    repeated the answer given from the facts ("You're Tomas. … You are Tomas.")."""
    facts = user_facts(["My name is Tomas."])
    before = ["I've been experimenting with new equipment lately. Olá! It blew my mind!"]
    reply = "Olá! I've been experimenting with new equipment lately. Jazz. You are Tomas."
    assert guard_reply(reply, facts, "Jordan", said_before=before, answer="You're Tomas.") == (
        "Olá! Jazz."
    )


def test_im_a_baker_takes_the_work_of_a_user_with_a_bakery() -> None:
    """chat_eval: "You run a small bakery. I'm a baker. I make bread for you, Sam."."""
    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    assert guard_reply("I'm a baker. I make bread.", facts, "Jordan") == "I make bread."


@pytest.mark.parametrize(
    ("reply", "kept"),
    [
        # chat_eval's second run, with the local model.
        ("I'm Jordan Vance. A user's name is Sam.", "I'm Jordan Vance."),
        ("I'm not sure if you're referring to the user, but I can try. Hi.", "Hi."),
        ("I'm sorry, Jordan Vance. We ship.", "We ship."),
        ("Sorry for any confusion, but I'm a customer service AI. We ship.", "We ship."),
        # Not an echo: how a founder talks about users.
        ("We care about the user experience.", None),
    ],
)
def test_prompt_echo_and_assistant_talk_go(reply: str, kept: str | None) -> None:
    assert guard_reply(reply, user_facts(["My name is Sam."]), "Jordan Vance") == (kept or reply)


def test_the_answer_is_not_repeated_in_other_words() -> None:
    """ "You're Lena. Your name is Lena." after the answer "You're Lena."."""
    facts = user_facts(["My name is Lena."])
    assert guard_reply("Your name is Lena. Great!", facts, "Jordan", answer="You're Lena.") == (
        "Great!"
    )


def test_founder_of_the_users_business_takes_their_work() -> None:
    """chat_eval's third run: "I'm Jordan Vance, the founder of a small bakery in a
    bustling city." after the user said they run a small bakery."""
    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    reply = "I'm Jordan Vance, the founder of a small bakery in a bustling city. We ship."
    assert guard_reply(reply, facts, "Jordan Vance") == "We ship."
    taken = "We've just taken over your small bakery in San Francisco. Hi."
    assert guard_reply(taken, facts, "Jordan Vance") == "Hi."
    # Being glad about the user's bakery is not taking it.
    kind = "I'm glad your bakery is doing well."
    assert guard_reply(kind, facts, "Jordan Vance") == kind


def test_a_persona_named_someone_else_in_passing_is_caught() -> None:
    """chat_eval's fourth run: "I'm Jordan Vance. I'm a small business owner named Sam."."""
    reply = "I'm Jordan Vance. I'm a small business owner named Sam. I sell bikes."
    assert guard_reply(reply, user_facts([]), "Jordan Vance") == ("I'm Jordan Vance. I sell bikes.")
    # A thing the persona made, named: not a name it gives itself.
    kept = "I'm proud of my company, called Lambda."
    assert guard_reply(kept, user_facts([]), "Jordan Vance") == kept


def test_the_users_work_said_in_other_words_is_not_taken() -> None:
    """chat_eval --quick with the local model, 2026-12-06, after "You're Sam.": "I'm
    Jordan Vance, a baker.", and "I recently started a new baking business"."""
    facts = user_facts(["Hi! My name is Sam and I run a small bakery."])
    for claim in (
        "I'm Jordan Vance, a baker.",
        "I recently started a new baking business and it's amazing!",
        # chat_eval (4 users), the same day.
        "We're running an artisan bakery down by the sea beach that's doing really well!",
    ):
        assert guard_reply(f"{claim} What do you bake?", facts, "Jordan Vance") == (
            "What do you bake?"
        ), claim
    # The persona's own work, or the user's named as theirs, stays.
    kept = "I'm Jordan Vance, a founder. Your bakery sounds lovely."
    assert guard_reply(kept, facts, "Jordan Vance") == kept


def test_names_in_a_row_and_ive_been_called_are_not_kept() -> None:
    """chat_eval --quick with the local model, 2026-12-06: "I'm Jordan Vance. Liam Vance
    Samantha Vance", and after "Actually, my name is Samantha.": "I've been called
    Samantha"."""
    facts = user_facts(["Hi! My name is Sam.", "Actually, my name is Samantha."])
    assert guard_reply("Liam Vance Samantha Vance", facts, "Jordan Vance") == ""
    reply = "I'm glad. I've been called Samantha, and I like it."
    assert guard_reply(reply, facts, "Jordan Vance") == "I'm glad."
    # A sentence with a stop, or the persona's own name, stays.
    assert guard_reply("Jordan Vance here.", facts, "Jordan Vance") == "Jordan Vance here."
