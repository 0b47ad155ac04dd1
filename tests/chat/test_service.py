"""Chat turns: persistence, the prompt budget, multi-persona sessions, memory writing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personae.chat import ChatService, MemoryStore, build_prompt, count_message_tokens
from personae.errors import ChatSessionNotFoundError, InputError, PersonaNotFoundError
from personae.llm import GenerationRequest, Message
from personae.store import Database, crud, session_scope
from tests.doubles import Clock, ScriptedLLM, json_reply

NO_TRAITS = json_reply({"traits": []})


def _responder(request: GenerationRequest) -> str:
    """Replies for chat, empty extraction, and summaries of the user's facts."""
    system = request.messages[0].content
    if "behavioural traits" in system:
        return json_reply({"traits": [{"name": "warm", "intensity": 0.6, "confidence": 0.8}]})
    if "want to remember" in system:
        return json_reply({"memories": ["The user's favourite colour is teal."]})
    return f"Reply to: {request.messages[-1].content}"


@pytest.fixture
def llm() -> ScriptedLLM:
    return ScriptedLLM(responder=_responder)


@pytest.fixture
def service(db: Database, memory: MemoryStore, llm: ScriptedLLM, clock: Clock) -> ChatService:
    return ChatService(
        db, lambda owner, purpose: llm, memory=memory, summarize_every=2, clock=clock
    )


def test_a_turn_is_persisted_and_answers_with_traits(
    db: Database, service: ChatService, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice, "ada", system_prompt="You are a patient tutor.")
    first = service.reply(owner_id=alice, message="Hello there", persona_id=ada)
    assert first.response == "Reply to: Hello there"
    assert first.persona_id == ada
    assert [trait.name for trait in first.traits] == ["warm"]
    assert first.confidence == pytest.approx(0.4)
    assert first.suggested_actions
    body = first.model_dump(by_alias=True)
    assert {
        "response",
        "personaId",
        "sessionId",
        "traits",
        "confidence",
        "suggestedActions",
    } <= set(body)
    second = service.reply(owner_id=alice, message="And again", session_id=first.session_id)
    assert second.session_id == first.session_id
    lines = service.history(owner_id=alice, session_id=first.session_id)
    assert [(line.role, line.content) for line in lines] == [
        ("user", "Hello there"),
        ("assistant", "Reply to: Hello there"),
        ("user", "And again"),
        ("assistant", "Reply to: And again"),
    ]


def test_sessions_are_the_owners(
    service: ChatService, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    alice, bob = owner_ids
    ada = make_persona(alice)
    chat = service.reply(owner_id=alice, message="hi", persona_id=ada)
    with pytest.raises(ChatSessionNotFoundError):
        service.reply(owner_id=bob, message="hi", session_id=chat.session_id)
    with pytest.raises(PersonaNotFoundError):
        service.reply(owner_id=bob, message="hi", persona_id=ada)
    with pytest.raises(InputError):
        service.reply(owner_id=alice, message="   ", persona_id=ada)
    with pytest.raises(InputError):
        service.reply(owner_id=alice, message="hi")


def test_multi_persona_round_robin_and_addressing(
    service: ChatService,
    llm: ScriptedLLM,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
) -> None:
    alice, _ = owner_ids
    ada, bob = make_persona(alice, "ada"), make_persona(alice, "bob")
    session_id = service.start_session(owner_id=alice, persona_ids=[ada, bob])
    speakers = [
        service.reply(owner_id=alice, message=f"turn {n}", session_id=session_id).persona_id
        for n in range(3)
    ]
    assert speakers == [ada, bob, ada]
    addressed = service.reply(
        owner_id=alice, message="@ada what do you think?", session_id=session_id
    )
    assert addressed.persona_id == ada
    assert (
        service.reply(owner_id=alice, message="Bob, your view?", session_id=session_id).persona_id
        == bob
    )
    # Bob sees Ada's lines as hers, not as his own.
    last_prompt = [
        r for r in llm.requests if "Also in this conversation: ada" in r.messages[0].content
    ][-1]
    assert any(m.content.startswith("[ada]:") for m in last_prompt.messages), last_prompt.messages


def test_memories_are_written_every_m_replies_and_recalled(
    db: Database,
    service: ChatService,
    llm: ScriptedLLM,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    chat = service.reply(owner_id=alice, message="Teal is a lovely colour.", persona_id=ada)
    with session_scope(db) as session:
        assert crud.count_memories(session=session, owner_id=alice, persona_id=ada) == 0
    service.reply(owner_id=alice, message="Nice.", session_id=chat.session_id)
    with session_scope(db) as session:
        [memory] = crud.list_memories(session=session, owner_id=alice, persona_id=ada)
    assert memory.text == "The user's favourite colour is teal."
    service.reply(owner_id=alice, message="What colour do I like?", session_id=chat.session_id)
    system = llm.requests[-2].messages[0].content  # the reply's prompt (extraction follows)
    assert "favourite colour is teal" in system


def test_summaries_keep_coming_after_the_recent_window_is_full(
    db: Database,
    memory: MemoryStore,
    llm: ScriptedLLM,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
    clock: Clock,
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    service = ChatService(
        db,
        lambda o, p: llm,
        memory=memory,
        recent_messages=4,
        summarize_every=2,
        extract=False,
        clock=clock,
    )
    chat = service.reply(owner_id=alice, message="hello", persona_id=ada)
    for n in range(9):
        service.reply(owner_id=alice, message=f"line {n}", session_id=chat.session_id)
    summaries = [r for r in llm.requests if "want to remember" in r.messages[0].content]
    assert len(summaries) == 5  # replies 2, 4, 6, 8 and 10, long after the window filled


def test_the_prompt_budget_is_respected_in_a_turn(
    db: Database,
    memory: MemoryStore,
    llm: ScriptedLLM,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
    clock: Clock,
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    service = ChatService(
        db,
        lambda o, p: llm,
        memory=memory,
        prompt_budget=200,
        extract=False,
        summarize_every=1000,
        clock=clock,
    )
    chat = service.reply(owner_id=alice, message="word " * 30, persona_id=ada)
    for _ in range(6):
        service.reply(owner_id=alice, message="many words here " * 10, session_id=chat.session_id)
    for request in llm.requests:
        assert count_message_tokens(request.messages) <= 200


@settings(max_examples=60, deadline=None)
@given(
    system=st.text(min_size=0, max_size=400),
    memories=st.lists(st.text(min_size=1, max_size=200), max_size=8),
    history=st.lists(st.text(min_size=1, max_size=300), max_size=12),
    user=st.text(min_size=1, max_size=600),
    budget=st.integers(min_value=128, max_value=600),
)
def test_build_prompt_never_exceeds_the_budget(
    system: str, memories: list[str], history: list[str], user: str, budget: int
) -> None:
    parts = build_prompt(
        system=system,
        memories=list(enumerate(memories, start=1)),
        history=[Message.user(text) for text in history],
        user_message=user,
        budget=budget,
    )
    assert parts.tokens == count_message_tokens(parts.messages)
    assert parts.tokens <= budget
    assert parts.messages[0].role == "system"
    assert parts.messages[-1].role == "user"


def test_facts_stated_in_one_session_are_answered_in_the_next(
    service: ChatService, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    first = service.reply(
        owner_id=alice,
        message="Hi, I'm Priya. I teach maths, I live in Leeds and my dog is called Rex.",
        persona_id=ada,
    )
    asked = {
        "What is my name?": "You're Priya.",
        "What do I do for work?": "You teach maths.",
        "Where do I live?": "You live in Leeds.",
        "What is my dog called?": "Your dog is called Rex.",
    }
    for question, answer in asked.items():
        reply = service.reply(owner_id=alice, message=question, persona_id=ada)
        assert reply.session_id != first.session_id
        assert reply.response.startswith(answer), (question, reply.response)


def test_a_reply_the_guard_empties_acknowledges_what_the_user_said(
    db: Database, memory: MemoryStore, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    """Every sentence of the model's reply claims the user's name: nothing of it is kept,
    and the turn says it heard the user instead of answering "…"."""

    def takes_the_name(request: GenerationRequest) -> str:
        if request.messages[0].content.startswith("You are"):
            return "I'm Samantha. My name is Samantha."
        return NO_TRAITS

    llm = ScriptedLLM(responder=takes_the_name)
    service = ChatService(db, lambda owner, purpose: llm, memory=memory, extract=False)
    alice, _ = owner_ids
    ada = make_persona(alice)
    reply = service.reply(owner_id=alice, message="Actually, my name is Samantha.", persona_id=ada)
    assert reply.response == "Got it, Samantha."
    quiet = service.reply(owner_id=alice, message="Hmm.", session_id=reply.session_id)
    assert "Samantha" not in quiet.response
