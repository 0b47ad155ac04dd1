"""crud for the LLM response cache and usage accounting."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from personae.errors import InputError
from personae.store import AuditLog, Database, LlmResponse, crud, session_scope


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _put(db: Database, key: str, owner: int | None, text: str) -> None:
    with session_scope(db) as session:
        crud.put_llm_response(
            session=session,
            key=key,
            owner_id=owner,
            provider="local",
            model="m",
            response={"text": text},
        )


def test_a_stored_answer_is_read_back_by_its_owner_only(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    _put(db, _key("a"), alice, "hello")
    with session_scope(db) as session:
        assert crud.get_llm_response(session=session, key=_key("a"), owner_id=alice) == {
            "text": "hello"
        }
        assert crud.get_llm_response(session=session, key=_key("a"), owner_id=bob) is None
        assert crud.get_llm_response(session=session, key=_key("a"), owner_id=None) is None
        assert crud.get_llm_response(session=session, key=_key("b"), owner_id=alice) is None


def test_storing_a_key_again_replaces_the_answer(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, _ = owner_ids
    _put(db, _key("a"), alice, "first")
    _put(db, _key("a"), alice, "second")
    with session_scope(db) as session:
        assert crud.get_llm_response(session=session, key=_key("a"), owner_id=alice) == {
            "text": "second"
        }
        assert session.scalar(select(func.count()).select_from(LlmResponse)) == 1


def test_answers_on_nobodys_behalf(db: Database) -> None:
    _put(db, _key("n"), None, "shared")
    with session_scope(db) as session:
        assert crud.get_llm_response(session=session, key=_key("n"), owner_id=None) == {
            "text": "shared"
        }


@pytest.mark.parametrize("key", ["", "abc", "G" * 64, _key("x").upper()])
def test_keys_must_be_digests(db: Database, key: str) -> None:
    with session_scope(db) as session, pytest.raises(InputError, match="hex digest"):
        crud.put_llm_response(
            session=session, key=key, owner_id=None, provider="p", model="m", response={}
        )


def test_clearing_drops_one_owners_answers(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, bob = owner_ids
    _put(db, _key("a1"), alice, "x")
    _put(db, _key("a2"), alice, "y")
    _put(db, _key("b1"), bob, "z")
    with session_scope(db) as session:
        assert crud.clear_llm_responses(session=session, owner_id=alice) == 2
    with session_scope(db) as session:
        assert crud.get_llm_response(session=session, key=_key("b1"), owner_id=bob) is not None
        assert crud.get_llm_response(session=session, key=_key("a1"), owner_id=alice) is None


def test_deleting_a_user_deletes_their_cache_and_usage(
    db: Database, owner_ids: tuple[int, int]
) -> None:
    alice, bob = owner_ids
    _put(db, _key("a"), alice, "x")
    _put(db, _key("b"), bob, "y")
    with session_scope(db) as session:
        crud.record_llm_usage(
            session=session,
            owner_id=alice,
            provider="local",
            model="m",
            prompt_tokens=1,
            completion_tokens=1,
            latency_ms=1,
        )
    with session_scope(db) as session:
        crud.delete_user(session=session, user_id=alice)
    with session_scope(db) as session:
        assert crud.get_llm_response(session=session, key=_key("a"), owner_id=alice) is None
        assert session.scalar(select(func.count()).select_from(LlmResponse)) == 1
        assert crud.get_llm_response(session=session, key=_key("b"), owner_id=bob) is not None
        assert crud.llm_usage_summary(session=session, owner_id=alice)["calls"] == 0


def test_usage_is_summed_per_owner_and_model(db: Database, owner_ids: tuple[int, int]) -> None:
    alice, bob = owner_ids
    rows = [
        (alice, "local", "smol", 10, 5, 100, False),
        (alice, "local", "smol", 0, 0, 2, True),
        (alice, "openai", "gpt", 7, 3, 50, False),
        (bob, "local", "smol", 99, 99, 999, False),
    ]
    with session_scope(db) as session:
        for owner, provider, model, prompt, completion, latency, cached in rows:
            crud.record_llm_usage(
                session=session,
                owner_id=owner,
                provider=provider,
                model=model,
                prompt_tokens=prompt,
                completion_tokens=completion,
                latency_ms=latency,
                cached=cached,
                purpose="test",
            )
    with session_scope(db) as session:
        summary = crud.llm_usage_summary(session=session, owner_id=alice)
        audit_rows = session.scalar(select(func.count()).select_from(AuditLog))
    assert {k: v for k, v in summary.items() if k != "by_model"} == {
        "calls": 3,
        "cached_calls": 1,
        "prompt_tokens": 17,
        "completion_tokens": 8,
        "latency_ms": 152,
    }
    assert summary["by_model"] == [
        {
            "provider": "local",
            "model": "smol",
            "calls": 2,
            "cached_calls": 1,
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "latency_ms": 102,
        },
        {
            "provider": "openai",
            "model": "gpt",
            "calls": 1,
            "cached_calls": 0,
            "prompt_tokens": 7,
            "completion_tokens": 3,
            "latency_ms": 50,
        },
    ]
    # usage rows are telemetry, not edits: the audit log holds only the two users' creation
    assert audit_rows == 2


def test_an_owner_without_usage_has_zeroes(db: Database) -> None:
    with session_scope(db) as session:
        assert crud.llm_usage_summary(session=session, owner_id=None) == {
            "calls": 0,
            "cached_calls": 0,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "latency_ms": 0,
            "by_model": [],
        }


@pytest.mark.parametrize("field", ["prompt_tokens", "completion_tokens", "latency_ms"])
def test_negative_usage_is_refused(db: Database, field: str) -> None:
    values = {"prompt_tokens": 1, "completion_tokens": 1, "latency_ms": 1} | {field: -1}
    with session_scope(db) as session, pytest.raises(InputError, match=field):
        crud.record_llm_usage(session=session, owner_id=None, provider="p", model="m", **values)
