"""Chat that keeps who is who: personae's chat vs the same model with a plain prompt.

Scripted conversations with the real local model, each over two sessions. Session one:
the user states their name, their work and a preference. Session two (a new session, so
only memory carries anything over): the user asks for each, corrects their name, and
asks for it again. Four users, each with a name, work and a preference the persona does
not share.

* **personae**: :class:`~personae.chat.ChatService` with a real store (SQLite), the real
  embedder and vector index for memory, trait extraction on;
* **plain**: the same model, "You are NAME." and the current session's turns only (no
  memory across sessions, no guards).

Printed per condition: identity kept (share of replies that never claim the user's name
or work as the persona's own; target ≥ 0.95), recall of stated facts in the second
session, recall of the corrected name, loop rate (replies whose 4-word runs repeat over
15 %), and for personae the junk-trait rate (stored traits that are not words of
behaviour; target 0). The judge of recall is a plain substring test on the replies,
not personae's own code.

Run: ``.venv/bin/python benchmarks/chat_eval.py [--quick]`` (JSON in
``benchmarks/results/chat_eval.json``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from personae.chat import ChatService, build_memory_store
from personae.config import Settings
from personae.llm import LLM, Message, build_llm
from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope

PERSONA = "Jordan Vance"


@dataclass(frozen=True)
class User:
    name: str
    work: str
    work_word: str
    like: str
    like_word: str
    new_name: str


USERS = (
    User("Sam", "run a small bakery", "bakery", "sourdough on rainy days", "sourdough", "Samantha"),
    User("Priya", "teach maths at a secondary school", "maths", "hiking", "hiking", "Pri"),
    User("Tomas", "repair old bicycles", "bicycle", "jazz records", "jazz", "Tom"),
    User("Lena", "design websites for museums", "website", "gardening", "garden", "Helena"),
)


def session_one(user: User) -> list[str]:
    return [
        f"Hi! My name is {user.name} and I {user.work}.",
        f"I love {user.like}.",
        "What would you post about today?",
    ]


def session_two(user: User) -> list[tuple[str, str | None]]:
    """(message, the word a good reply contains)."""
    return [
        ("What is my name?", user.name),
        ("What do I do for work?", user.work_word),
        ("What do I love?", user.like_word),
        (f"Actually, my name is {user.new_name}.", None),
        ("What is my name?", user.new_name),
    ]


def claims_user(reply: str, user: User) -> bool:
    names = {user.name, user.new_name}
    name_claim = any(
        re.search(rf"\b(?:I'm|I am|my name is|call me)\s+{re.escape(n)}\b", reply, re.I)
        for n in names
    )
    work_claim = re.search(
        rf"\b(?:I (?:run|own|have|work)|my)\b[^.!?]*\b{re.escape(user.work_word)}", reply, re.I
    )
    return name_claim or work_claim is not None


def loops(reply: str) -> bool:
    words = reply.lower().split()
    grams = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
    if not grams:
        return False
    repeated = sum(c - 1 for c in Counter(grams).values() if c > 1)
    return repeated / len(grams) > 0.15


def run_personae(
    user: User, service: ChatService, owner_id: int, persona_id: int
) -> list[dict[str, Any]]:
    rows = []
    session_id = None
    for message in session_one(user):
        response = service.reply(
            owner_id=owner_id, message=message, persona_id=persona_id, session_id=session_id
        )
        session_id = response.session_id
        rows.append({"session": 1, "message": message, "reply": response.response, "expect": None})
    session_id = None
    for message, expect in session_two(user):
        response = service.reply(
            owner_id=owner_id,
            message=message,
            persona_id=persona_id if session_id is None else None,
            session_id=session_id,
        )
        session_id = response.session_id
        rows.append(
            {"session": 2, "message": message, "reply": response.response, "expect": expect}
        )
    return rows


def run_plain(user: User, llm: LLM) -> list[dict[str, Any]]:
    rows = []
    for number, script in ((1, [(m, None) for m in session_one(user)]), (2, session_two(user))):
        turns = [Message.system(f"You are {PERSONA}.")]
        for message, expect in script:
            turns.append(Message.user(message))
            reply = llm.complete(turns, max_tokens=120, temperature=0.7, seed=1).text.strip()
            turns.append(Message.assistant(reply))
            rows.append({"session": number, "message": message, "reply": reply, "expect": expect})
    return rows


def score(rows_by_user: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    replies = [(user, row) for user, rows in rows_by_user.items() for row in rows]
    by_name = {u.name: u for u in USERS}
    kept = [not claims_user(row["reply"], by_name[user]) for user, row in replies]
    asked = [(user, row) for user, row in replies if row["expect"]]
    recalled = [row["expect"].lower() in row["reply"].lower() for _, row in asked]
    corrected = [
        row["expect"].lower() in row["reply"].lower()
        for user, row in asked
        if row["expect"] == by_name[user].new_name
    ]
    facts = [
        row["expect"].lower() in row["reply"].lower()
        for user, row in asked
        if row["expect"] != by_name[user].new_name
    ]
    return {
        "replies": len(replies),
        "identity_kept": round(sum(kept) / len(kept), 3),
        "fact_recall": round(sum(facts) / len(facts), 3) if facts else 0.0,
        "corrected_recall": round(sum(corrected) / len(corrected), 3) if corrected else 0.0,
        "all_recall": round(sum(recalled) / len(recalled), 3) if recalled else 0.0,
        "loop_rate": round(sum(loops(row["reply"]) for _, row in replies) / len(replies), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two users")
    args = parser.parse_args()
    users = USERS[:2] if args.quick else USERS
    folder = Path(tempfile.mkdtemp(prefix="personae-chat-eval-"))
    settings = Settings(_env_file=None, data_dir=folder)
    llm = build_llm(settings)
    results: dict[str, Any] = {"personae": {}, "plain": {}}
    junk_traits: list[str] = []
    stored_traits = 0
    started = time.perf_counter()
    with Database(f"sqlite:///{folder}/chat.db") as database:
        database.upgrade()
        memory = build_memory_store(settings, database)
        service = ChatService(database, lambda owner, purpose: llm, memory=memory)
        for user in users:
            print(f"personae: {user.name}", file=sys.stderr, flush=True)
            with session_scope(database) as session:
                owner = crud.create_user(
                    session=session,
                    data=UserCreate(email=f"{user.name.lower()}@example.org", password_hash="x"),
                )
                persona = crud.create_persona(
                    session=session,
                    owner_id=owner.id,
                    data=PersonaCreate(name="jordan", display_name=PERSONA, role="startup founder"),
                )
                owner_id, persona_id = owner.id, persona.id
            results["personae"][user.name] = run_personae(user, service, owner_id, persona_id)
            with session_scope(database) as session:
                traits = crud.list_persona_traits(
                    session=session, owner_id=owner_id, persona_id=persona_id
                )
            stored_traits += len(traits)
            junk_traits += [
                t.name
                for t in traits
                if not re.fullmatch(r"[a-z]{3,20}( [a-z]{3,20})?", t.name) or "trait" in t.name
            ]
    personae_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for user in users:
        print(f"plain: {user.name}", file=sys.stderr, flush=True)
        results["plain"][user.name] = run_plain(user, llm)
    plain_seconds = time.perf_counter() - started
    table = {condition: score(rows) for condition, rows in results.items()}
    table["personae"]["junk_trait_rate"] = (
        round(len(junk_traits) / stored_traits, 3) if stored_traits else 0.0
    )
    table["personae"]["traits_stored"] = stored_traits
    table["personae"]["seconds"] = round(personae_seconds, 1)
    table["plain"]["seconds"] = round(plain_seconds, 1)
    print(
        f"\n{'condition':<10} {'identity':>9} {'facts':>6} {'corrected':>10} {'loops':>6} "
        f"{'junk traits':>12}"
    )
    for condition, row in table.items():
        junk = row.get("junk_trait_rate")
        stored = row.get("traits_stored", 0)
        junk_text = "" if junk is None else f"{junk:.2f} of {stored}"
        print(
            f"{condition:<10} {row['identity_kept']:>9.2f} {row['fact_recall']:>6.2f} "
            f"{row['corrected_recall']:>10.2f} {row['loop_rate']:>6.2f} {junk_text:>12}"
        )
    p = table["personae"]
    print(f"\n{'met' if p['identity_kept'] >= 0.95 else 'NOT MET'}: identity kept >= 0.95")
    print(f"{'met' if p['junk_trait_rate'] == 0 else 'NOT MET'}: junk-trait rate 0 ({junk_traits})")
    example = results["personae"][users[0].name]
    print("\nexample exchange (personae):")
    for row in example:
        print(f"  [{row['session']}] user: {row['message']}\n      {PERSONA}: {row['reply']}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "chat_eval.json").write_text(
        json.dumps({"table": table, "conversations": results}, indent=2, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
