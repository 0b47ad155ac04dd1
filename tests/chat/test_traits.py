"""Traits: intensity arithmetic, decay, extraction that never overrides the user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from personae.chat import (
    ChatService,
    ExtractedTrait,
    MemoryStore,
    TraitView,
    adjust_intensity,
    apply_personality,
    decayed_confidence,
    described_traits,
    extract_traits,
    learn_traits,
    normalize_trait_name,
    parse_trait_id,
    persona_traits,
    seen_again,
    temperature_for,
    traits_prompt,
)
from personae.errors import InputError, TraitNotFoundError
from personae.llm import GenerationRequest
from personae.store import Database, crud, session_scope
from tests.doubles import Clock, ScriptedLLM, json_reply


@pytest.mark.parametrize(
    ("current", "action", "amount", "expected"),
    [
        (0.5, "increase", 0.2, 0.7),
        (0.95, "increase", 0.2, 1.0),
        (0.05, "decrease", 0.2, 0.0),
        (0.5, "decrease", None, 0.4),
        (0.5, "increase", None, 0.6),
        (0.3, "set", 0.9, 0.9),
        (0.3, "set", 0.0, 0.0),
    ],
)
def test_intensity_arithmetic_clamps(
    current: float, action: str, amount: float | None, expected: float
) -> None:
    assert adjust_intensity(current, action, amount) == pytest.approx(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("action", "amount"), [("set", None), ("set", 1.5), ("increase", -0.1), ("grow", 0.1)]
)
def test_bad_adjustments_are_refused(action: str, amount: float | None) -> None:
    with pytest.raises(InputError):
        adjust_intensity(0.5, action, amount)  # type: ignore[arg-type]


def test_confidence_decays_by_half_life_and_grows_when_seen(clock: Clock) -> None:
    seen = clock()
    assert decayed_confidence(0.8, seen, seen) == pytest.approx(0.8)
    assert decayed_confidence(0.8, seen, seen + timedelta(days=30)) == pytest.approx(0.4)
    assert decayed_confidence(0.8, seen, seen + timedelta(days=60)) == pytest.approx(0.2)
    assert decayed_confidence(0.8, None, seen + timedelta(days=600)) == 0.8
    assert seen_again(0.4, 1.0) == pytest.approx(0.7)
    assert seen_again(0.4, 0.0) == pytest.approx(0.4)
    assert seen_again(0.99, 1.0) <= 1.0


@pytest.mark.parametrize(
    ("raw", "expected"), [("t12", (False, 12)), ("c3", (True, 3)), ("7", (False, 7))]
)
def test_trait_ids(raw: str, expected: tuple[bool, int]) -> None:
    assert parse_trait_id(raw) == expected


@pytest.mark.parametrize("raw", ["", "x1", "c", "t-1", "c0", "t99999999999"])
def test_bad_trait_ids(raw: str) -> None:
    with pytest.raises(InputError):
        parse_trait_id(raw)


def test_names_are_normalised_and_checked() -> None:
    assert normalize_trait_name("  Very   Curious ") == "very curious"
    with pytest.raises(InputError):
        normalize_trait_name("<script>")


def _view(
    name: str, intensity: float, *, inherited: bool = False, source: str = "user"
) -> TraitView:
    from datetime import UTC, datetime

    return TraitView(
        id="t1",
        name=name,
        description="",
        intensity=intensity,
        inherited=inherited,
        confidence=1.0,
        source=source,  # type: ignore[arg-type]
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_intensities_shape_the_temperature() -> None:
    assert temperature_for([]) == 0.7
    assert temperature_for([_view("kind", 1.0)]) == 0.7
    loose = temperature_for([_view("playful", 1.0)])
    tight = temperature_for([_view("precise", 1.0)])
    assert tight < 0.7 < loose
    assert temperature_for([_view("playful", 0.6)]) < loose
    assert 0.2 <= temperature_for([_view("precise", 1.0), _view("formal", 1.0)]) <= 1.1


def test_intensities_shape_the_prompt() -> None:
    text = traits_prompt("Ada", [_view("curious", 0.9), _view("calm", 0.3, inherited=True)])
    assert "curious (intensely, 0.90)" in text
    assert "calm (slightly, 0.30)" in text
    assert text.index("Core traits") < text.index("specific to Ada")
    assert "shy" not in traits_prompt("Ada", [_view("shy", 0.05)])


def test_core_traits_are_inherited_and_overridden(
    db: Database, owner_ids: tuple[int, int], make_persona: Callable[..., int], clock: Clock
) -> None:
    alice, _ = owner_ids
    ada, bob = make_persona(alice, "ada"), make_persona(alice, "bob")
    with session_scope(db) as session:
        crud.save_trait(
            session=session, owner_id=alice, persona_id=None, name="honest", intensity=0.8
        )
        crud.save_trait(
            session=session, owner_id=alice, persona_id=ada, name="honest", intensity=0.2
        )
    with session_scope(db) as session:
        ada_traits = persona_traits(session=session, owner_id=alice, persona_id=ada, now=clock())
        bob_traits = persona_traits(session=session, owner_id=alice, persona_id=bob, now=clock())
    assert [(t.name, t.intensity, t.inherited) for t in ada_traits] == [("honest", 0.2, False)]
    assert [(t.name, t.intensity, t.inherited) for t in bob_traits] == [("honest", 0.8, True)]


def test_adjusting_an_inherited_trait_changes_only_that_persona(
    db: Database, owner_ids: tuple[int, int], make_persona: Callable[..., int], clock: Clock
) -> None:
    alice, bob_user = owner_ids
    ada, bob = make_persona(alice, "ada"), make_persona(alice, "bob")
    with session_scope(db) as session:
        core = crud.save_trait(
            session=session, owner_id=alice, persona_id=None, name="warm", intensity=0.5
        ).id
    with session_scope(db) as session:
        row = apply_personality(
            session=session,
            owner_id=alice,
            persona_id=ada,
            trait_id=f"c{core}",
            action="increase",
            intensity=0.7,
        )
        assert row.intensity == 1.0
        assert row.source == "user"
    with session_scope(db) as session:
        assert (
            persona_traits(session=session, owner_id=alice, persona_id=bob, now=clock())[
                0
            ].intensity
            == 0.5
        )
        with pytest.raises(TraitNotFoundError):
            apply_personality(
                session=session,
                owner_id=bob_user,
                persona_id=ada,
                trait_id=f"c{core}",
                action="set",
                intensity=0.1,
            )


def test_extraction_never_overrides_user_traits_it_proposes(
    db: Database, owner_ids: tuple[int, int], make_persona: Callable[..., int], clock: Clock
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    with session_scope(db) as session:
        crud.save_trait(
            session=session, owner_id=alice, persona_id=ada, name="formal", intensity=0.9
        )
        crud.save_trait(
            session=session, owner_id=alice, persona_id=None, name="kind", intensity=0.6
        )
    seen = [
        ExtractedTrait(name="Formal", intensity=0.1, confidence=0.9),
        ExtractedTrait(name="kind", intensity=0.2, confidence=0.9),
        ExtractedTrait(name="witty", intensity=0.8, confidence=0.8),
    ]
    with session_scope(db) as session:
        changed = learn_traits(
            session=session, owner_id=alice, persona_id=ada, extracted=seen, now=clock()
        )
    assert [t.name for t in changed] == ["witty"]
    with session_scope(db) as session:
        traits = {
            t.name: t
            for t in persona_traits(session=session, owner_id=alice, persona_id=ada, now=clock())
        }
        proposals = {
            p.name: p.intensity
            for p in crud.list_trait_proposals(session=session, owner_id=alice, persona_id=ada)
        }
    assert traits["formal"].intensity == 0.9
    assert traits["formal"].source == "user"
    assert traits["kind"].intensity == 0.6
    assert traits["kind"].inherited
    assert traits["witty"].source == "extracted"
    assert traits["witty"].confidence == pytest.approx(0.4)
    assert proposals == {"formal": 0.1, "kind": 0.2}


def test_an_extracted_trait_gains_when_seen_again_and_decays_when_not(
    db: Database, owner_ids: tuple[int, int], make_persona: Callable[..., int], clock: Clock
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    sighting = [ExtractedTrait(name="curious", intensity=1.0, confidence=1.0)]
    with session_scope(db) as session:
        learn_traits(
            session=session, owner_id=alice, persona_id=ada, extracted=sighting, now=clock()
        )
    with session_scope(db) as session:
        learn_traits(
            session=session, owner_id=alice, persona_id=ada, extracted=sighting, now=clock()
        )
    with session_scope(db) as session:
        [trait] = persona_traits(session=session, owner_id=alice, persona_id=ada, now=clock())
    assert trait.confidence == pytest.approx(0.75)  # 0.5, then 0.5 + 0.5 × 0.5
    clock.advance(days=30)
    with session_scope(db) as session:
        [later] = persona_traits(session=session, owner_id=alice, persona_id=ada, now=clock())
    assert later.confidence == pytest.approx(0.375)


def test_extraction_validates_or_skips() -> None:
    good = json_reply({"traits": [{"name": "Socratic", "intensity": 0.7, "confidence": 0.9}]})
    llm = ScriptedLLM([good])
    [trait] = extract_traits(llm, persona_name="Ada", user_message="hi", reply="Why do you ask?")
    assert trait.name == "socratic"
    # Invalid answers, after the LLM layer's repairs and retries, are skipped.
    bad = ScriptedLLM(responder=lambda request: '{"traits": [{"name": "x", "intensity": 7}]}')
    assert extract_traits(bad, persona_name="Ada", user_message="hi", reply="Hello") == []
    prose = ScriptedLLM(responder=lambda request: "She is kind and curious.")
    assert extract_traits(prose, persona_name="Ada", user_message="hi", reply="Hello") == []


def test_extraction_files_nothing_implausible() -> None:
    """The model echoing its schema, or naming what nobody showed, files nothing."""
    echoed = json_reply(
        {
            "traits": [
                {"name": "extractedtrait", "intensity": 1.0, "confidence": 1.0},
                {
                    "name": "curse",
                    "description": "One or two words, e.g. 'curious'",
                    "intensity": 1.0,
                    "confidence": 1.0,
                },
                {"name": "blorptastic", "intensity": 0.9, "confidence": 0.9},
                {"name": "warm", "intensity": 0.6, "confidence": 0.8},
            ]
        }
    )
    found = extract_traits(
        ScriptedLLM([echoed]), persona_name="Ada", user_message="hi", reply="Lovely to see you!"
    )
    assert [trait.name for trait in found] == ["warm"]


def test_a_trait_named_in_the_conversation_is_plausible() -> None:
    named = json_reply({"traits": [{"name": "nerdy", "intensity": 0.5, "confidence": 0.7}]})
    [trait] = extract_traits(
        ScriptedLLM([named]), persona_name="Ada", user_message="You are so nerdy!", reply="Guilty."
    )
    assert trait.name == "nerdy"


@pytest.mark.parametrize(
    ("name", "user_message", "reply", "kept"),
    [
        # chat_eval's junk: a business the conversation mentions is not how anyone behaves.
        ("eco-cafe", "I run an eco-cafe.", "An eco-cafe sounds lovely!", False),
        ("bakery", "I run a small bakery.", "Your bakery is so cosy.", False),
        ("sam", "my name is sam", "Nice to meet you, Sam.", False),
        ("baking", "I'm baking today.", "Enjoy it.", False),
        ("sourdough", "I love sourdough.", "Sourdough is great.", False),
        ("small bakery", "I run a small bakery.", "Lovely.", False),
        ("warm cafe", "I run a warm cafe.", "Lovely.", False),
        # Trait words, and adjectives said of someone in the turn.
        ("self-deprecating", "hi", "Oh, I'm hopeless at this.", True),
        ("very direct", "hi", "No.", True),
        ("fussy", "You're so fussy!", "Only about bread.", True),
        ("curious", "hi", "What brings you here?", True),
    ],
)
def test_only_behaviour_words_are_traits(
    name: str, user_message: str, reply: str, kept: bool
) -> None:
    answer = json_reply({"traits": [{"name": name, "intensity": 0.7, "confidence": 0.8}]})
    found = extract_traits(
        ScriptedLLM([answer]), persona_name="Jordan", user_message=user_message, reply=reply
    )
    assert [trait.name for trait in found] == ([name] if kept else [])


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("You're always so direct and funny.", [("direct", 0.8), ("funny", 0.8)]),
        (
            "Honestly, you are a bit blunt, and kind of sarcastic.",
            [("blunt", 0.4), ("sarcastic", 0.4)],
        ),
        ("You sound warm. You're kind to everyone!", [("warm", 0.6), ("kind", 0.6)]),
        ("You’re such a curious person", [("curious", 0.8)]),
        # No evidence of a trait: a negation, a question, a conditional, a non-trait word.
        ("You're not direct at all.", []),
        ("You aren't funny.", []),
        ("Are you always this direct?", []),
        ("If you're blunt, people listen.", []),
        ("You're right, you're a baker like me.", []),
        ("You're Sam's friend.", []),
        ("I'm direct and funny.", []),
    ],
)
def test_what_the_user_says_of_the_persona_is_a_trait(
    message: str, expected: list[tuple[str, float]]
) -> None:
    found = described_traits(message)
    assert [(trait.name, trait.intensity) for trait in found] == expected
    for trait in found:  # the evidence: the user's sentence that says it, quoted
        quoted = trait.description.removeprefix("The user said: “").removesuffix("”")
        assert quoted in message
        assert trait.name in quoted


def test_a_described_trait_is_stored_and_an_implausible_extraction_is_not(
    db: Database,
    memory: MemoryStore,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
    clock: Clock,
) -> None:
    """What the local model answered in chat_eval: the people's names as traits."""
    names = [
        {"name": "Jordan Vance", "intensity": 1.0, "confidence": 1.0},
        {"name": "sam", "intensity": 1.0, "confidence": 1.0},
    ]
    weaker = {"name": "funny", "intensity": 0.3, "confidence": 0.5}

    def respond(request: GenerationRequest) -> str:
        if "behavioural" not in request.messages[0].content:
            return "Ha!"
        described = "so direct" in request.messages[1].content
        return json_reply({"traits": [*names, weaker] if described else names})

    llm = ScriptedLLM(responder=respond)
    service = ChatService(db, lambda owner, purpose: llm, memory=memory, clock=clock)
    alice, _ = owner_ids
    ada = make_persona(alice, "jordan", display_name="Jordan Vance")
    service.reply(owner_id=alice, message="Hi, I'm Sam.", persona_id=ada)
    with session_scope(db) as session:
        assert persona_traits(session=session, owner_id=alice, persona_id=ada, now=clock()) == []
    reply = service.reply(
        owner_id=alice, message="You're always so direct and funny.", persona_id=ada
    )
    assert {(trait.name, trait.intensity, trait.confidence) for trait in reply.traits} == {
        ("direct", 0.8, 0.45),
        ("funny", 0.8, 0.45),  # the user's words, not the model's weaker sighting
    }
    assert all("always so direct" in trait.description for trait in reply.traits)


def test_no_described_traits_when_extraction_is_off(
    db: Database,
    memory: MemoryStore,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
) -> None:
    llm = ScriptedLLM(responder=lambda r: "Ha!")
    service = ChatService(db, lambda owner, purpose: llm, memory=memory, extract=False)
    alice, _ = owner_ids
    ada = make_persona(alice)
    reply = service.reply(owner_id=alice, message="You're so direct.", persona_id=ada)
    assert reply.traits == []
    assert len(llm.requests) == 1  # the reply only
