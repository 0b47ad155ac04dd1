"""Chat that keeps who is who: personae's chat vs the same model with a plain prompt.

Scripted conversations with the real local model, each over two sessions. Session one:
the user states their name, their work and a preference, asks the persona's name, and
tells the persona what it is like ("You're always so direct and funny."). Session two (a
new session, so only memory carries anything over): the user asks who they are talking
to, asks for each of their facts, corrects their name, and asks for it again. Four
users, each with a name, work and a preference the persona does not share.

* **personae**: :class:`~personae.chat.ChatService` with a real store (SQLite), the real
  embedder and vector index for memory, trait extraction on;
* **plain**: the same model, "You are NAME." and the current session's turns only (no
  memory across sessions, no guards).

Printed per condition, side by side: identity kept (share of replies that never claim
the user's name or work as the persona's own, nor tell the user they are the persona;
target >= 0.95), recall of stated facts in the second session, recall of the corrected
name (the new name said, the old one not), self-name kept (replies to "What's
your name?" / "Who am I talking to?" that name the persona, full or first name, and
introduce no one else: "I'm X", "my name is X", "call me X"), loop rate (replies whose
4-word runs repeat over 15 %), repeat rate (replies with a sentence of five words or
more copied from an earlier reply of the session), and for personae the traits stored
and how many are junk: a stored trait is junk unless its name is a word of this
benchmark's own :data:`TRAIT_WORDS` or a word the conversation used (people's names
aside), and its evidence (description) is not the extraction schema's example text.
Every stored trait is listed with its intensity. All judges are plain regexes and word
lists here, not personae's own guard code.

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

from personae.chat import ChatService, TraitExtraction, build_memory_store
from personae.config import Settings
from personae.llm import LLM, Message, build_llm
from personae.store import Database, PersonaCreate, UserCreate, crud, session_scope

PERSONA = "Jordan Vance"
OWN_NAMES = frozenset(part.lower() for part in PERSONA.split())


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

SELF = "<self>"
"""The ``expect`` of a question about the persona's own name."""


def session_one(user: User) -> list[tuple[str, str | None]]:
    """(message, what a good reply contains: a word, :data:`SELF`, or nothing)."""
    return [
        (f"Hi! My name is {user.name} and I {user.work}.", None),
        ("What's your name?", SELF),
        (f"I love {user.like}.", None),
        ("You're always so direct and funny.", None),
        ("What would you post about today?", None),
    ]


def session_two(user: User) -> list[tuple[str, str | None]]:
    """(message, what a good reply contains)."""
    return [
        ("Who am I talking to?", SELF),
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
    work = re.escape(user.work_word.rstrip("ys"))  # "bakery" → "baker": "I'm a baker"
    mine = (
        r"\b(?:I (?:run|own|have|work|teach|repair|design)|I(?:'m|’m| am) an?|my|our"
        r"|we(?:'ve|’ve| have)? (?:just )?(?:run|own|opened|launched|taken over)"
        r"|I(?:'m|’m| am)\b[^.!?]*\b(?:founder|owner|manager|ceo) (?:of|at))\b"
    )
    work_claim = re.search(rf"{mine}[^.!?]*\b{work}", reply, re.I)
    return name_claim or work_claim is not None or gives_persona_name(reply)


def gives_persona_name(reply: str) -> bool:
    """The reply tells the user they are the persona ("You're Jordan Vance")."""
    return any(
        re.search(rf"\b(?:you're|you’re|you are|your name is)\s+{re.escape(part)}\b", reply, re.I)
        for part in PERSONA.split()
    )


def says_old_name(reply: str, user: User) -> bool:
    """After the correction, the reply still calls the user by the old name."""
    pattern = rf"\b(?:you're|you’re|you are|your name is)\s+{re.escape(user.name)}\b"
    return re.search(pattern, reply, re.I) is not None


def _sentences(text: str) -> list[str]:
    return [
        " ".join(re.findall(r"[a-z0-9']+", part.lower()))
        for part in re.split(r"(?<=[.!?])\s+|\n+", text)
    ]


def repeats_earlier(rows: list[dict[str, Any]]) -> list[bool]:
    """Per reply: whether a sentence of five words or more of it is word for word a
    sentence of an earlier reply in the same session (a model copying itself)."""
    flags = []
    for i, row in enumerate(rows):
        earlier = {
            sentence
            for other in rows[:i]
            if other["session"] == row["session"]
            for sentence in _sentences(other["reply"])
        }
        flags.append(any(len(s.split()) >= 5 and s in earlier for s in _sentences(row["reply"])))
    return flags


_SELF_INTRO = re.compile(
    r"(?:\b(?i:I'm|I’m|I am|my name is|my name's|call me)"
    r"|\b(?i:I'm|I’m|I am)\b[^.!?,]*\b(?i:named|called))\s+[\"“]?([A-Z][a-z]+)"
)
"""A speaker giving their own name: the capitalised word after "I'm", "my name is",
"I'm a … named"…"""
_NOT_NAMES = frozenset(
    [
        "not",
        "so",
        "just",
        "also",
        "really",
        "here",
        "sorry",
        "glad",
        "happy",
        "excited",
        "thrilled",
        "always",
        "still",
        "very",
        "sure",
        "the",
        "a",
        "an",
        "honored",
        "honoured",
        "proud",
        "afraid",
    ]
)


def other_self_names(reply: str) -> list[str]:
    """Names the reply introduces its speaker by that are not the persona's."""
    return [
        name
        for name in _SELF_INTRO.findall(reply)
        if name.lower() not in OWN_NAMES and name.lower() not in _NOT_NAMES
    ]


def keeps_own_name(reply: str) -> bool:
    """The reply names the persona (full or first name) and no one else as its speaker."""
    own = any(re.search(rf"\b{re.escape(part)}\b", reply, re.I) for part in PERSONA.split())
    return own and not other_self_names(reply)


def loops(reply: str) -> bool:
    words = reply.lower().split()
    grams = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
    if not grams:
        return False
    repeated = sum(c - 1 for c in Counter(grams).values() if c > 1)
    return repeated / len(grams) > 0.15


TRAIT_WORDS = frozenset(
    [
        "adventurous",
        "ambitious",
        "analytical",
        "anxious",
        "assertive",
        "attentive",
        "blunt",
        "bold",
        "brash",
        "calm",
        "candid",
        "careful",
        "caring",
        "casual",
        "cautious",
        "charming",
        "cheerful",
        "cheeky",
        "clever",
        "compassionate",
        "concise",
        "confident",
        "considerate",
        "cool",
        "critical",
        "curious",
        "cynical",
        "daring",
        "decisive",
        "diplomatic",
        "direct",
        "dramatic",
        "dry",
        "eager",
        "earnest",
        "easygoing",
        "empathetic",
        "encouraging",
        "energetic",
        "enthusiastic",
        "expressive",
        "fierce",
        "formal",
        "frank",
        "friendly",
        "funny",
        "generous",
        "gentle",
        "genuine",
        "gloomy",
        "gracious",
        "grumpy",
        "helpful",
        "honest",
        "hopeful",
        "humble",
        "humorous",
        "idealistic",
        "impatient",
        "impulsive",
        "informal",
        "inquisitive",
        "insightful",
        "intense",
        "introverted",
        "ironic",
        "kind",
        "laconic",
        "lively",
        "logical",
        "loud",
        "loyal",
        "melancholic",
        "meticulous",
        "modest",
        "moody",
        "nervous",
        "nostalgic",
        "observant",
        "optimistic",
        "outgoing",
        "outspoken",
        "passionate",
        "patient",
        "pessimistic",
        "philosophical",
        "playful",
        "poetic",
        "polite",
        "practical",
        "pragmatic",
        "precise",
        "quirky",
        "quiet",
        "rational",
        "reassuring",
        "reflective",
        "relaxed",
        "reserved",
        "respectful",
        "sarcastic",
        "sceptical",
        "skeptical",
        "serious",
        "shy",
        "sincere",
        "snarky",
        "stubborn",
        "supportive",
        "sympathetic",
        "tactful",
        "talkative",
        "terse",
        "thoughtful",
        "tough",
        "upbeat",
        "warm",
        "whimsical",
        "witty",
        "wry",
    ]
)
"""The benchmark's own trait vocabulary (120 common personality and voice adjectives),
independent of personae's: a stored trait is real if its name is one of these or a word
the conversation itself used."""
SCHEMA_TEXT = tuple(
    field["description"].lower()
    for field in TraitExtraction.model_json_schema()["$defs"]["ExtractedTrait"][
        "properties"
    ].values()
    if "description" in field
)
"""The extraction schema's own example text ("One or two words, e.g. 'curious'.")."""


def conversation_words(rows: list[dict[str, Any]], user: User) -> set[str]:
    """Lower-case words of one user's conversation (messages and replies), without the
    names of the people in it."""
    text = " ".join(f"{row['message']} {row['reply']}" for row in rows)
    people = {user.name.lower(), user.new_name.lower(), *OWN_NAMES}
    return {w for w in re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()) if w not in people}


def junk_reason(trait: Any, words: set[str]) -> str | None:
    """Why a stored trait is junk, or ``None``: its name is not a word of
    :data:`TRAIT_WORDS` or of the conversation, or its evidence (description) is the
    schema's example text."""
    name = trait.name.lower()
    parts = name.replace("-", " ").split()
    if name not in TRAIT_WORDS and not all(p in TRAIT_WORDS or p in words for p in parts):
        return "not a trait word or a word of the conversation"
    described = (trait.description or "").lower()
    if any(text and text in described for text in SCHEMA_TEXT) or "e.g." in described:
        return "its evidence is the schema's example text"
    return None


def run_personae(
    user: User, service: ChatService, owner_id: int, persona_id: int
) -> list[dict[str, Any]]:
    rows = []
    for number, script in ((1, session_one(user)), (2, session_two(user))):
        session_id = None  # a new session: only memory carries anything over
        for message, expect in script:
            response = service.reply(
                owner_id=owner_id,
                message=message,
                persona_id=persona_id if session_id is None else None,
                session_id=session_id,
            )
            session_id = response.session_id
            rows.append(
                {
                    "session": number,
                    "message": message,
                    "reply": response.response,
                    "expect": expect,
                }
            )
    return rows


def run_plain(user: User, llm: LLM) -> list[dict[str, Any]]:
    rows = []
    for number, script in ((1, session_one(user)), (2, session_two(user))):
        turns = [Message.system(f"You are {PERSONA}.")]
        for message, expect in script:
            turns.append(Message.user(message))
            reply = llm.complete(turns, max_tokens=120, temperature=0.7, seed=1).text.strip()
            turns.append(Message.assistant(reply))
            rows.append({"session": number, "message": message, "reply": reply, "expect": expect})
    return rows


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 3) if flags else 0.0


def score(rows_by_user: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    by_name = {u.name: u for u in USERS}
    replies = [(by_name[name], row) for name, rows in rows_by_user.items() for row in rows]
    contains = [
        (user, row, row["expect"].lower() in row["reply"].lower())
        for user, row in replies
        if row["expect"] and row["expect"] != SELF
    ]
    corrected = [
        ok and not says_old_name(row["reply"], user)
        for user, row, ok in contains
        if row["expect"] == user.new_name
    ]
    return {
        "replies": len(replies),
        "identity_kept": _share([not claims_user(row["reply"], user) for user, row in replies]),
        "fact_recall": _share([ok for user, row, ok in contains if row["expect"] != user.new_name]),
        "corrected_recall": _share(corrected),
        "self_name_kept": _share(
            [keeps_own_name(row["reply"]) for _, row in replies if row["expect"] == SELF]
        ),
        "other_self_names": sorted(
            {name for _, row in replies for name in other_self_names(row["reply"])}
        ),
        "loop_rate": _share([loops(row["reply"]) for _, row in replies]),
        "repeat_rate": _share(
            [flag for rows in rows_by_user.values() for flag in repeats_earlier(rows)]
        ),
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
    stored: list[dict[str, Any]] = []
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
            rows = run_personae(user, service, owner_id, persona_id)
            results["personae"][user.name] = rows
            words = conversation_words(rows, user)
            with session_scope(database) as session:
                traits = crud.list_persona_traits(
                    session=session, owner_id=owner_id, persona_id=persona_id
                )
                stored += [
                    {
                        "user": user.name,
                        "name": t.name,
                        "intensity": round(t.intensity, 3),
                        "confidence": round(t.confidence or 0.0, 3),
                        "description": t.description or "",
                        "junk": junk_reason(t, words),
                    }
                    for t in traits
                ]
    personae_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for user in users:
        print(f"plain: {user.name}", file=sys.stderr, flush=True)
        results["plain"][user.name] = run_plain(user, llm)
    plain_seconds = time.perf_counter() - started
    table = {condition: score(rows) for condition, rows in results.items()}
    junk = [trait for trait in stored if trait["junk"]]
    table["personae"].update(traits_stored=len(stored), junk_traits=len(junk))
    table["personae"]["seconds"] = round(personae_seconds, 1)
    table["plain"]["seconds"] = round(plain_seconds, 1)
    print(
        f"\n{'condition':<10} {'identity':>9} {'facts':>6} {'corrected':>10} {'self-name':>10} "
        f"{'loops':>6} {'repeats':>8} {'traits':>7} {'junk':>5} {'seconds':>8}"
    )
    for condition, row in table.items():
        traits_text = str(row["traits_stored"]) if "traits_stored" in row else "-"
        junk_text = str(row["junk_traits"]) if "junk_traits" in row else "-"
        print(
            f"{condition:<10} {row['identity_kept']:>9.2f} {row['fact_recall']:>6.2f} "
            f"{row['corrected_recall']:>10.2f} {row['self_name_kept']:>10.2f} "
            f"{row['loop_rate']:>6.2f} {row['repeat_rate']:>8.2f} {traits_text:>7} {junk_text:>5} "
            f"{row['seconds']:>8.1f}"
        )
    for condition, row in table.items():
        print(
            f"{condition}: introduced itself by another name: {row['other_self_names'] or 'never'}"
        )
    print("\nstored traits (personae):")
    for trait in stored:
        verdict = f"JUNK ({trait['junk']})" if trait["junk"] else "ok"
        print(
            f"  {trait['user']:<6} {trait['name']:<16} intensity {trait['intensity']:.2f} "
            f"confidence {trait['confidence']:.2f}  {verdict}  {trait['description'][:80]!r}"
        )
    p = table["personae"]
    checks = [
        (p["identity_kept"] >= 0.95, "identity kept >= 0.95"),
        (p["fact_recall"] == 1.0, "stated facts recalled"),
        (p["corrected_recall"] == 1.0, "corrected name recalled"),
        (p["self_name_kept"] == 1.0 and not p["other_self_names"], "own name kept"),
        (p["loop_rate"] == 0.0, "no loops"),
        (p["repeat_rate"] == 0.0, "no sentence copied from an earlier reply"),
        (p["junk_traits"] == 0, "no junk traits"),
        (p["traits_stored"] > 0, "traits stored where the user described the persona"),
    ]
    print()
    for ok, label in checks:
        print(f"{'met' if ok else 'NOT MET'}: {label}")
    for condition in results:
        print(f"\nexample exchange ({condition}):")
        for row in results[condition][users[0].name]:
            print(f"  [{row['session']}] user: {row['message']}\n      {PERSONA}: {row['reply']}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "chat_eval.json").write_text(
        json.dumps(
            {"table": table, "traits": stored, "conversations": results},
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
