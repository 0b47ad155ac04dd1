"""Memory: isolation, dedup by merging, the echo filter, expiry, ranking, summaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from personae.chat import (
    MemoryStore,
    asks_about_present,
    extractive_summary,
    ngram_overlap,
    score_importance,
    summarize_conversation,
    third_party,
)
from personae.store import Database, Memory, crud, session_scope
from personae.vectors import NumpyIndex
from tests.doubles import Clock, HashEmbedder, ScriptedLLM, json_reply


def _recall(db: Database, memory: MemoryStore, owner: int, persona: int, query: str, **kw: object):  # type: ignore[no-untyped-def]
    with session_scope(db) as session:
        return memory.recall(
            session=session,
            owner_id=owner,
            persona_id=persona,
            query=query,
            k=5,
            **kw,  # type: ignore[arg-type]
        )


def test_memories_are_isolated_by_owner_persona_and_session(
    db: Database, memory: MemoryStore, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    alice, bob = owner_ids
    ada, eve = make_persona(alice, "ada"), make_persona(alice, "eve")
    bobs = make_persona(bob, "ada")
    s1 = crud_session(db, alice, [ada])
    s2 = crud_session(db, alice, [ada])
    memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=["Sam's sister lives in Lisbon."],
        source="summary",
        chat_session_id=s1,
    )
    memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=["Sam's dog is called Rex."],
        source="summary",
        chat_session_id=s2,
    )
    memory.remember(
        owner_id=alice, persona_id=eve, texts=["Sam's sister lives in Porto."], source="summary"
    )
    memory.remember(
        owner_id=bob, persona_id=bobs, texts=["Kim's sister lives in Lisbon."], source="summary"
    )
    found = [m.text for m in _recall(db, memory, alice, ada, "where does the sister live")]
    assert "Sam's sister lives in Lisbon." in found
    assert all("Porto" not in text and "Kim" not in text for text in found)
    assert [m.text for m in _recall(db, memory, alice, ada, "sister", chat_session_id=s2)] == [
        "Sam's dog is called Rex."
    ]
    assert [m.text for m in _recall(db, memory, bob, bobs, "where does the sister live")] == [
        "Kim's sister lives in Lisbon."
    ]
    # Bob asking with Alice's persona id finds nothing of hers.
    assert _recall(db, memory, bob, ada, "sister") == []


def crud_session(db: Database, owner: int, personas: list[int]) -> int:
    with session_scope(db) as session:
        return crud.create_chat_session(session=session, owner_id=owner, persona_ids=personas).id


def test_near_duplicates_are_merged_into_one_memory(
    db: Database,
    memory: MemoryStore,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
    clock: Clock,
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    first = memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=["The user loves hiking in the Alps every summer."],
        source="summary",
    )
    clock.advance(hours=1)
    again = memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=[
            "The user loves hiking in the Alps every summer!",
            "The user is allergic to peanuts.",
        ],
        source="summary",
    )
    assert len(first.stored) == 1
    assert again.merged == first.stored
    assert len(again.stored) == 1
    with session_scope(db) as session:
        rows = crud.list_memories(session=session, owner_id=alice, persona_id=ada)
        merged = session.get(Memory, first.stored[0])
        assert merged is not None
        assert merged.merged == 1
        assert merged.text.endswith("!")
        assert merged.last_accessed == clock()
        hygiene = memory.hygiene(session=session, owner_id=alice, persona_id=ada)
    assert len(rows) == 2
    assert memory.index.count({"owner_id": alice}) == 2
    assert hygiene.count == 2
    assert hygiene.duplicate_rate == pytest.approx(1 / 3, abs=1e-4)
    assert hygiene.echo_rate == 0.0


def test_echoes_of_the_persona_definition_are_refused(
    db: Database, memory: MemoryStore, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    reference = (
        "You are Ada, a patient maths tutor who explains with everyday examples.\n"
        "Always answer in a warm and encouraging tone."
    )
    report = memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=[
            "I am Ada, a patient maths tutor who explains with everyday examples.",  # n-gram echo
            "Always answer in a warm, encouraging tone.",  # near-verbatim echo
            "The user is preparing for a statistics exam in June.",
        ],
        source="summary",
        reference=reference,
    )
    assert report.echoes == 2
    assert len(report.stored) == 1
    with session_scope(db) as session:
        hygiene = memory.hygiene(session=session, owner_id=alice, persona_id=ada)
    assert hygiene.echo_rate == pytest.approx(2 / 3, abs=1e-4)


def test_the_persona_speaking_of_itself_is_an_echo_but_the_user_quoted_is_not(
    db: Database, memory: MemoryStore, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    texts = [
        "As Ada, I always keep my explanations short and kind.",  # few shared n-grams
        "The user said: I think Ada explains fractions well.",  # the user's own words
        "The user met a woman called Ada at the library.",  # third person: a fact
    ]
    without_name = memory.remember(
        owner_id=alice, persona_id=ada, texts=texts[:1], source="summary", reference="Ada"
    )
    assert without_name.echoes == 0  # the name is what tells self-talk apart
    report = memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=texts,
        source="summary",
        reference="You are Ada, a patient maths tutor.",
        persona_name="Ada",
    )
    assert report.echoes == 1
    assert len(report.stored) + len(report.merged) == 2


def test_ngram_overlap() -> None:
    assert ngram_overlap(
        "the quick brown fox jumps", "a quick brown fox jumps high"
    ) == pytest.approx(2 / 3, abs=1e-4)
    assert ngram_overlap("hi", "hi there") == 0.0


def test_importance_is_scored_by_code() -> None:
    assert score_importance("ok thanks") < score_importance("We talked about the weather in town.")
    assert score_importance("My daughter Lea was born on 3 May 2019.") >= 0.8
    assert 0.0 < score_importance("haha") < 0.2
    # What the user asked for once weighs less than what is true of them.
    asked = score_importance("The user asked what the weather is like in Porto in May.")
    told = score_importance("The user moved to Porto in May.")
    assert asked < told
    assert score_importance("The user said: what is the weather in Porto in May?") < told


def test_third_party_and_present_tense_detection() -> None:
    assert third_party("The user's colleague Tom lives in Madrid.") == "Tom"
    assert third_party("The user said: my best friend Ana moved to Oslo.") == "Ana"
    assert third_party("The user's sister is called Maria.") is None
    assert third_party("The user's cat Miso is ten.") is None  # pets are not relations
    assert third_party("the user's colleague tom lives in Madrid.") is None  # no name
    assert asks_about_present("What do I eat at the moment?")
    assert asks_about_present("Where do I currently work?")
    assert not asks_about_present("What is my partner called?")


def _equally_relevant(
    db: Database, clock: Clock, owner: int, persona: int, rows: list[tuple[str, float, int]]
) -> Callable[..., list[str]]:
    """Memories (text, importance, age in days) that all share one vector, and a function
    ranking them for a message: only the ranking's other terms can order them."""
    embedder = HashEmbedder()
    index = NumpyIndex(embedder_name=embedder.name, dimension=embedder.dimension)
    memory = MemoryStore(db, embedder=embedder, index=index, clock=clock, dedup_threshold=1.0)
    vector = embedder.embed(["anything"])[0]
    with session_scope(db) as session:
        ids = [
            crud.add_memory(
                session=session,
                owner_id=owner,
                persona_id=persona,
                text=text,
                importance=importance,
                source="test",
                at=clock() - timedelta(days=age),
            ).id
            for text, importance, age in rows
        ]
    index.add(ids, [vector] * len(ids), [{"owner_id": owner, "persona_id": persona}] * len(ids))

    def ranked(query: str, ranking: str = "personae") -> list[str]:
        with session_scope(db) as session:
            found = memory.recall(
                session=session,
                owner_id=owner,
                persona_id=persona,
                query=query,
                vector=vector,
                k=len(ids),
                ranking=ranking,  # type: ignore[arg-type]
                touch=False,
            )
        return [m.text for m in found]

    return ranked


def test_ranking_prefers_important_and_recent_at_equal_relevance(
    db: Database, owner_ids: tuple[int, int], make_persona: Callable[..., int], clock: Clock
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    ranked = _equally_relevant(
        db,
        clock,
        alice,
        ada,
        [("old dull", 0.1, 30), ("recent dull", 0.1, 0), ("old important", 0.9, 30)],
    )
    assert ranked("coffee", "cosine") == ["old dull", "recent dull", "old important"]  # ties by id
    # Importance always counts; recency only when the message asks about the present.
    assert ranked("which coffee do I like?") == ["old important", "old dull", "recent dull"]
    assert ranked("which coffee do I drink these days?") == [
        "old important",
        "recent dull",
        "old dull",
    ]


def test_memories_about_a_named_other_person_rank_below_the_users_own(
    db: Database, owner_ids: tuple[int, int], make_persona: Callable[..., int], clock: Clock
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    texts = ["The user's colleague Tom lives in Madrid.", "The user lives in Porto."]
    ranked = _equally_relevant(db, clock, alice, ada, [(text, 0.5, 0) for text in texts])
    assert ranked("Which city do I live in?")[0] == "The user lives in Porto."
    # Asking about someone else lifts the lowering: equal scores, ties by id.
    assert ranked("Where does my colleague live?")[0] == texts[0]
    assert ranked("Where is Tom based?")[0] == texts[0]
    assert ranked("Tomorrow, which city am I in?")[0] == texts[1]  # "Tom" as a word only


def test_relevance_still_dominates(
    db: Database, memory: MemoryStore, owner_ids: tuple[int, int], make_persona: Callable[..., int]
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=[
            "The user's cat is named Miso.",
            "My brother Tom moved to Berlin in 2021 and I miss him.",
        ],
        source="summary",
    )
    [best, *_] = _recall(db, memory, alice, ada, "what is the cat named")
    assert best.text == "The user's cat is named Miso."


def test_expired_memories_are_never_retrieved_and_get_deleted(
    db: Database,
    embedder: HashEmbedder,
    index: NumpyIndex,
    owner_ids: tuple[int, int],
    make_persona: Callable[..., int],
    clock: Clock,
) -> None:
    alice, _ = owner_ids
    ada = make_persona(alice)
    memory = MemoryStore(db, embedder=embedder, index=index, clock=clock, ttl=timedelta(days=7))
    memory.remember(
        owner_id=alice,
        persona_id=ada,
        texts=["The user plays the cello on Sundays."],
        source="summary",
    )
    assert len(_recall(db, memory, alice, ada, "cello")) == 1
    clock.advance(days=8)
    assert _recall(db, memory, alice, ada, "cello") == []
    assert memory.expire(owner_id=alice, persona_id=ada) == 1
    assert index.count({"owner_id": alice}) == 0
    with session_scope(db) as session:
        assert memory.hygiene(session=session, owner_id=alice, persona_id=ada).expired == 1


def test_summaries_come_from_the_model_or_fall_back_to_extraction() -> None:
    lines = [("user", "Hi! My sister Maria moved to Lisbon in 2019. ok."), ("Ada", "How lovely.")]
    llm = ScriptedLLM([json_reply({"memories": ["The user's sister Maria lives in Lisbon."]})])
    assert summarize_conversation(llm, persona_name="Ada", lines=lines) == (
        ["The user's sister Maria lives in Lisbon."],
        "summary",
    )
    broken = ScriptedLLM(responder=lambda request: "I cannot do that")
    memories, source = summarize_conversation(broken, persona_name="Ada", lines=lines)
    assert source == "extractive"
    assert memories == ["The user said: My sister Maria moved to Lisbon in 2019."]
    assert extractive_summary([("Ada", "My sister is a pilot in Rome.")]) == []
