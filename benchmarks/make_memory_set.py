"""Build ``benchmarks/data/memory_set.json``: the retrieval set of ``memory_bench.py``.

Run ``.venv/bin/python benchmarks/make_memory_set.py`` to rebuild it; the output is the
same byte for byte for the same ``--seed`` (``random.Random``, no clock, no model).

What it is
----------
50 users, each talking to one persona of their own over 5 sessions spread across the
six months before the query time (``now``): 250 conversations. What each session leaves
behind is the list of memory candidates a summary of it would produce, in the form
personae's summariser writes them (third person, "The user …", or the extractive
fallback's "The user said: …"). ``memory_bench.py`` writes them through the real
``MemoryStore.remember`` at the session's time, so the echo filter, importance scoring
and dedup treat them as in production, and then asks the questions at ``now``.

Per user (11 of the 16 fact categories, chosen at random):

* **facts** (11): the user's own, one per category (home city, job, pet, allergy,
  birthday, partner, favourite food, instrument, language, car, fear, training goal,
  children, diet, football club, favourite author), each in one of 3–4 wordings;
* **superseded facts**: for the changeable categories (home, job, car, diet), with
  probability 0.7 an older value told in session 1 or 2, while the current one is told
  in session 4 or 5 (e.g. "The user lives in Lyon." months ago, "The user moved to
  Porto last week." recently). The old wording is drawn from the same pool as a stable
  fact's, and the current one carries a change marker ("moved to", "now") only half the
  time, so the wording alone does not give the answer away;
* **related** (10): facts about other people (sister, colleague, neighbour …) or
  mentions of the same things, in the same categories as the user's own facts for the
  most part ("The user's colleague Tom lives in Madrid.", "The user looked after a
  hamster called Juniper for a friend."), which a question about the user must not
  retrieve and which cosine cannot tell apart from the user's own fact by topic;
* **topics** (8): things asked about that share the facts' vocabulary ("The user asked
  for a recipe for paella.", "The user asked about the history of Porto.");
* **small talk** (5): what an extractive summary keeps of "ok thanks, haha";
* **echoes** (2): the persona describing itself, which the echo filter must refuse;
* **repeats** (0–2): a fact told again word for word in a later session, which dedup
  must fold into the first memory (its recency is renewed).

Questions: one per fact (550 in all), a first-person chat message as a user would type
it, drawn from 3–4 paraphrases per category. The generator checks that no question
contains the answer's value or shares a word trigram with the answer's memory, and
that every question's answer is held by exactly one of the user's planted texts.

Honest limits
-------------
* Synthetic and template-based: 16 categories, a few wordings each. Real summaries
  are more varied, longer and noisier; real questions are often vaguer or need two
  memories. Figures on this set say how the ranking behaves on clean, single-fact
  lookups, not how a deployment will do.
* Pools are small (about 37 stored memories per user and persona), so the 32-vector pool the
  ranking re-scores covers nearly all of them; at thousands of memories per persona
  the first cosine cut matters more.
* Every memory is in the summariser's third-person form ("The user …"), as production
  writes them; that form matches the importance heuristic's personal-fact pattern, so
  importance separates the kinds little here (small talk scores 0.55, facts about other
  people slightly more than the user's own, because of the names).
* Wordings were not edited after looking at results. The production ranking was
  revised after this set showed where the first one failed (recent distractors, facts
  about other people); its new weights were chosen on sets built with ``--seed 101``
  and ``--seed 202``, not on the shipped one (seed 5). Same templates, so a ranking fit
  to these templates would look better here than on real conversations.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "data" / "memory_set.json"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
USERS = 50
SESSIONS = 5
FACTS_PER_USER = 11
OTHERS_PER_USER = 10
TOPICS_PER_USER = 8
SMALL_TALK_PER_USER = 5
SUPERSEDE_PROBABILITY = 0.7
# Days before NOW in which each of the five sessions falls.
SESSION_WINDOWS = [(150, 180), (95, 125), (45, 70), (12, 30), (1, 8)]

CITIES = [
    "Lyon", "Porto", "Leeds", "Graz", "Ghent", "Krakow", "Bologna", "Seville", "Utrecht",
    "Aarhus", "Tallinn", "Cork", "Bilbao", "Brno", "Malmo", "Nantes", "Leipzig", "Turin",
    "Galway", "Bergen", "Dresden", "Valencia", "Lille", "Basel",
]  # fmt: skip
JOBS = [
    "nurse", "software tester", "primary school teacher", "electrician", "pharmacist",
    "architect", "bus driver", "accountant", "barista", "veterinary assistant", "translator",
    "plumber", "data analyst", "dental hygienist", "chef", "librarian", "paramedic",
    "graphic designer", "carpenter", "physiotherapist",
]  # fmt: skip
COMPANIES = [
    "a small clinic",
    "the city council",
    "a logistics firm",
    "a bakery chain",
    "a startup",
    "the regional hospital",
    "an engineering office",
    "a bookshop",
]
ANIMALS = [
    "beagle",
    "tabby cat",
    "parrot",
    "rabbit",
    "border collie",
    "tortoise",
    "hamster",
    "greyhound",
    "ferret",
    "goldfish",
]
PET_NAMES = [
    "Biscuit",
    "Pepper",
    "Mango",
    "Ziggy",
    "Nala",
    "Otis",
    "Clementine",
    "Bruno",
    "Waffles",
    "Juniper",
    "Pickle",
    "Rocco",
]
ALLERGIES = [
    "peanuts",
    "shellfish",
    "penicillin",
    "pollen",
    "sesame",
    "bee stings",
    "latex",
    "kiwi fruit",
    "dust mites",
    "eggs",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
PEOPLE = [
    "Maria", "Tom", "Aisha", "Lukas", "Sofia", "Daniel", "Chloe", "Mateo", "Ingrid", "Omar",
    "Hannah", "Pavel", "Lucia", "Ben", "Yuki", "Noah", "Elena", "Samir", "Greta", "Felix",
    "Nora", "Jonas", "Leila", "Hugo", "Mila", "Arjun", "Clara", "Tariq",
]  # fmt: skip
RELATIONS = [
    "sister",
    "brother",
    "colleague",
    "neighbour",
    "cousin",
    "best friend",
    "boss",
    "flatmate",
    "aunt",
    "uncle",
]
DISHES = [
    "paella",
    "mushroom risotto",
    "ramen",
    "lamb tagine",
    "pierogi",
    "fish tacos",
    "shakshuka",
    "lasagne",
    "pad thai",
    "goulash",
    "sushi",
    "moussaka",
]
INSTRUMENTS = [
    "cello",
    "trumpet",
    "bass guitar",
    "piano",
    "violin",
    "drums",
    "saxophone",
    "ukulele",
    "flute",
    "accordion",
]
LANGUAGES = [
    "Portuguese",
    "Japanese",
    "Polish",
    "Italian",
    "Korean",
    "Dutch",
    "Arabic",
    "Swedish",
    "Greek",
    "Turkish",
]
CARS = [
    "red Fiat Panda",
    "second-hand Volvo estate",
    "Toyota Yaris hybrid",
    "Nissan Leaf",
    "Skoda Octavia",
    "Mini Cooper",
    "Renault Clio",
    "Ford Transit van",
    "Kia Niro",
    "Peugeot 208",
]
FEARS = [
    "deep water",
    "spiders",
    "heights",
    "flying",
    "thunderstorms",
    "dentists",
    "crowded lifts",
    "snakes",
    "public speaking",
]
EVENTS = [
    "the Berlin half marathon",
    "a 100 km cycling sportive",
    "an open-water swim race",
    "a triathlon",
    "a mountain ultra trail",
    "the city 10k run",
    "a rowing regatta",
]
CHILDREN = ["daughter", "son"]
DIETS = ["vegetarian", "vegan", "pescatarian", "low-carb", "gluten-free", "dairy-free"]
TEAMS = [
    "Celtic",
    "Benfica",
    "Ajax",
    "Borussia Dortmund",
    "Napoli",
    "Athletic Bilbao",
    "Feyenoord",
    "Sporting",
    "Leeds United",
]
AUTHORS = [
    "Ursula K. Le Guin",
    "Terry Pratchett",
    "Haruki Murakami",
    "Toni Morrison",
    "Agatha Christie",
    "Kazuo Ishiguro",
    "Jane Austen",
    "Italo Calvino",
]


@dataclass(frozen=True)
class Category:
    """One kind of fact: its values, the user's wordings, others' wordings, questions.

    Templates use ``{v}`` (the value) and may use ``{c}`` (a company) or ``{x}`` (a second
    detail); ``others`` templates also use ``{rel}`` and ``{name}``. ``change`` wordings
    say the value changed; they exist for the changeable categories only.
    """

    name: str
    values: list[str]
    facts: list[str]
    others: list[str]
    questions: list[str]
    change: tuple[str, ...] = ()


CATEGORIES = [
    Category(
        "home",
        CITIES,
        [
            "The user lives in {v}.",
            "The user's home is in {v}.",
            "The user has a flat in {v}.",
            "The user is based in {v}.",
        ],
        ["The user's {rel} {name} lives in {v}.", "The user's {rel} {name} just moved to {v}."],
        [
            "Which city am I living in these days?",
            "Where's home for me right now?",
            "Remind me which town I reside in.",
            "Where do I stay at the moment?",
        ],
        (
            "The user moved to {v} last week.",
            "The user recently relocated to {v}.",
            "The user now lives in {v}.",
        ),
    ),
    Category(
        "job",
        JOBS,
        [
            "The user works as a {v}.",
            "The user is a {v} by profession.",
            "The user has a job as a {v} at {c}.",
        ],
        [
            "The user's {rel} {name} works as a {v}.",
            "The user's {rel} {name} is training to be a {v}.",
        ],
        [
            "What do I do for a living?",
            "What's my profession these days?",
            "What kind of work do I do?",
            "Remind me of my current occupation.",
        ],
        ("The user started a new job as a {v}.", "The user switched careers and is now a {v}."),
    ),
    Category(
        "pet",
        [f"{animal}|{name}" for animal in ANIMALS for name in PET_NAMES],
        [
            "The user has a {a} named {n}.",
            "The user adopted a {a} called {n}.",
            "The user's {a} is called {n}.",
        ],
        [
            "The user's {rel} {name} has a {a} named {n}.",
            "The user looked after a {a} called {n} for a friend.",
        ],
        [
            "What's the name of my furry companion?",
            "What animal do I keep at home?",
            "Remind me what my pet is called.",
            "Which animal lives with me?",
        ],
    ),
    Category(
        "allergy",
        ALLERGIES,
        [
            "The user is allergic to {v}.",
            "The user has a severe allergy to {v}.",
            "The user must avoid {v} because of an allergy.",
        ],
        [
            "The user's {rel} {name} is allergic to {v}.",
            "The user asked whether an allergy to {v} can develop in adults.",
        ],
        [
            "Is there anything that gives me a bad reaction?",
            "What should I stay away from for health reasons?",
            "Which thing triggers my allergic reactions?",
        ],
    ),
    Category(
        "birthday",
        [f"{day} {month}" for day in (2, 5, 9, 14, 17, 21, 26, 30) for month in MONTHS[:11]],
        [
            "The user's birthday is on {v}.",
            "The user was born on {v}.",
            "The user celebrates their birthday on {v}.",
        ],
        [
            "The user's {rel} {name} has a birthday on {v}.",
            "The user has to buy a present for {name}'s birthday on {v}.",
        ],
        [
            "When do I turn a year older?",
            "On what date should you wish me many happy returns?",
            "When is my special day each year?",
        ],
    ),
    Category(
        "partner",
        PEOPLE,
        [
            "The user is married to {v}.",
            "The user's partner is named {v}.",
            "The user has been dating {v} for two years.",
        ],
        [
            "The user's {rel} {name} is married to {v}.",
            "The user's {rel} {name} started seeing someone called {v}.",
        ],
        [
            "Who is my significant other?",
            "What's my spouse's name?",
            "Who am I in a relationship with?",
        ],
    ),
    Category(
        "food",
        DISHES,
        [
            "The user's favourite food is {v}.",
            "The user loves eating {v} more than anything.",
            "The user could eat {v} every single day.",
        ],
        ["The user's {rel} {name} cooks {v} every Sunday.", "The user asked for a recipe for {v}."],
        [
            "What meal do I enjoy most?",
            "If I could only have one dish forever, which would it be?",
            "What's my go-to comfort meal?",
        ],
    ),
    Category(
        "instrument",
        INSTRUMENTS,
        [
            "The user plays the {v} in a community orchestra.",
            "The user has been learning the {v} for three years.",
            "The user practises the {v} every evening.",
        ],
        [
            "The user's {rel} {name} plays the {v}.",
            "The user went to a concert where a {v} soloist performed.",
        ],
        [
            "Which musical instrument am I into?",
            "What do I practise musically?",
            "What instrument do I make music on?",
        ],
    ),
    Category(
        "language",
        LANGUAGES,
        [
            "The user is learning {v}.",
            "The user takes {v} lessons twice a week.",
            "The user is studying {v} for an exam in {x}.",
        ],
        [
            "The user's {rel} {name} speaks {v} fluently.",
            "The user asked how to say thank you in {v}.",
        ],
        [
            "Which foreign tongue am I studying?",
            "What language have I been taking classes in?",
            "Which language course am I doing?",
        ],
    ),
    Category(
        "car",
        CARS,
        ["The user drives a {v}.", "The user owns a {v}.", "The user gets around in a {v}."],
        ["The user's {rel} {name} drives a {v}.", "The user rented a {v} on holiday last year."],
        ["What vehicle do I have now?", "What am I driving at the moment?", "Which car is mine?"],
        (
            "The user sold the old car and bought a {v}.",
            "The user just got a {v}.",
            "The user now drives a {v}.",
        ),
    ),
    Category(
        "fear",
        FEARS,
        [
            "The user is afraid of {v}.",
            "The user has a strong fear of {v}.",
            "The user gets panicky about {v}.",
        ],
        ["The user's {rel} {name} is scared of {v}.", "The user watched a documentary about {v}."],
        [
            "What frightens me the most?",
            "Is there a phobia I told you about?",
            "What makes me really anxious?",
        ],
    ),
    Category(
        "goal",
        EVENTS,
        [
            "The user is training for {v} in {x}.",
            "The user signed up for {v} in {x}.",
            "The user's big goal this year is to finish {v}.",
        ],
        ["The user's {rel} {name} is training for {v}.", "The user watched {v} on television."],
        [
            "What big event am I preparing for?",
            "Which competition did I register for?",
            "What am I getting fit for?",
        ],
    ),
    Category(
        "children",
        [
            f"{child}|{name}|{age}"
            for child in CHILDREN
            for name in PEOPLE[:14]
            for age in (3, 6, 9, 12)
        ],
        [
            "The user has a {age}-year-old {child} named {n}.",
            "The user's {child} {n} is {age} years old.",
            "The user is a parent; their {child} {n} turned {age} this year.",
        ],
        [
            "The user's {rel} {name} has a {child} named {n}.",
            "The user babysat a {age}-year-old {child} called {n} for a friend.",
        ],
        [
            "How old is my kid, and what's their name?",
            "Tell me about my little one.",
            "Who is my child?",
        ],
    ),
    Category(
        "diet",
        DIETS,
        ["The user follows a {v} diet.", "The user eats {v}.", "The user keeps to a {v} diet."],
        [
            "The user's {rel} {name} follows a {v} diet.",
            "The user asked for {v} recipe ideas for a dinner party.",
        ],
        [
            "What eating style do I stick to these days?",
            "How do I eat at the moment?",
            "Which way of eating am I following?",
        ],
        ("The user recently went {v}.", "The user switched to a {v} diet.", "The user is now {v}."),
    ),
    Category(
        "team",
        TEAMS,
        [
            "The user supports {v}.",
            "The user is a big fan of {v}.",
            "The user has a season ticket for {v}.",
        ],
        ["The user's {rel} {name} supports {v}.", "The user watched {v} play on TV with friends."],
        [
            "Which club do I cheer for?",
            "What football side am I loyal to?",
            "Who do I root for in football?",
        ],
    ),
    Category(
        "author",
        AUTHORS,
        [
            "The user's favourite author is {v}.",
            "The user has read every book by {v}.",
            "The user loves the novels of {v}.",
        ],
        [
            "The user's {rel} {name} recommended a book by {v}.",
            "The user asked whether {v} wrote any poetry.",
        ],
        [
            "Whose books do I like best?",
            "Which writer am I a devotee of?",
            "Who is the novelist I keep rereading?",
        ],
    ),
]

TOPICS = [
    "The user asked for tips on repotting a cactus.",
    "The user wanted to know how long to boil an egg.",
    "The user asked about the history of {city}.",
    "The user asked whether {animal}s can eat grapes.",
    "The user asked for a recipe for {dish}.",
    "The user asked how to say good morning in {lang}.",
    "The user asked how to fix a dripping tap.",
    "The user wanted advice on writing a cover letter.",
    "The user asked what the weather is usually like in {city} in {month}.",
    "The user asked for a good stretching routine after running.",
    "The user wanted to know how solar panels work.",
    "The user asked for board game recommendations for four players.",
    "The user asked how to clean a cast-iron pan.",
    "The user asked about cheap train routes to {city}.",
    "The user wanted to understand how interest rates affect mortgages.",
    "The user asked for a film to watch on a rainy Sunday.",
    "The user asked how many calories are in a portion of {dish}.",
    "The user asked how to care for a {animal}.",
    "The user wanted tips for sleeping better.",
    "The user asked about the rules of cricket.",
]
SMALL_TALK = [
    "The user said: ok thanks, that helps.",
    "The user said: haha, that's funny.",
    "The user said hello and that it was raining.",
    "The user thanked the persona for the chat.",
    "The user said: sounds good, talk later.",
    "The user said they were a bit tired today.",
    "The user said: cool, got it.",
    "The user said good morning and asked how things were.",
    "The user said: nice, thanks a lot!",
    "The user said the coffee this morning was too strong.",
]
PERSONAS = [
    (
        "Ada",
        "a retired astronomer",
        "You are Ada, a retired astronomer who explains the night sky with patience and warmth.",
        "Curiosity is the beginning of all knowledge.",
    ),
    (
        "Bruno",
        "a cheerful fitness coach",
        "You are Bruno, a cheerful fitness coach who motivates people to move every day.",
        "Every small step counts toward a healthier life.",
    ),
    (
        "Chiara",
        "a thoughtful librarian",
        "You are Chiara, a thoughtful librarian who recommends books and loves quiet conversation.",
        "A good book can change the way you see the world.",
    ),
    (
        "Dev",
        "a calm meditation teacher",
        "You are Dev, a calm meditation teacher who helps people slow down and breathe.",
        "Peace begins with a single mindful breath.",
    ),
    (
        "Elsa",
        "a witty travel guide",
        "You are Elsa, a witty travel guide who knows hidden corners of European cities.",
        "The best journeys are the ones you did not plan.",
    ),
    (
        "Farid",
        "a patient cooking instructor",
        "You are Farid, a patient cooking instructor who teaches simple home recipes.",
        "Anyone can cook well with fresh ingredients and care.",
    ),
]
ECHO_WORDINGS = [
    "I am {name}, {role}.",
    "{prompt}",
    "The persona believes that {belief_lower}",
    "As {name}, {role}, I always answer with care.",
]


def _fill(template: str, value: str, rng: random.Random, **extra: str) -> str:
    """Render a template for a category value (compound values are ``a|b|c``)."""
    parts = value.split("|")
    fields: dict[str, str] = {
        "v": value,
        "c": rng.choice(COMPANIES),
        "x": rng.choice(MONTHS),
        **extra,
    }
    if len(parts) == 2:
        fields.update(a=parts[0], n=parts[1])
    if len(parts) == 3:
        fields.update(child=parts[0], n=parts[1], age=parts[2])
    return template.format(**fields)


def _value_words(value: str) -> set[str]:
    words = {w.lower() for part in value.split("|") for w in re.findall(r"[A-Za-z0-9]+", part)}
    return words - {"a", "the", "of", "k", "and"}


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9']+", text)]
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _at(rng: random.Random, session: int) -> datetime:
    low, high = SESSION_WINDOWS[session]
    days = rng.uniform(low, high)
    moment = NOW - timedelta(days=days)
    return moment.replace(minute=rng.randrange(60), second=0, microsecond=0)


def _adder(sessions: list[dict[str, Any]]) -> Callable[..., None]:
    """``add(session, text, kind, fact=None)``: plant one memory candidate in a session."""

    def add(session: int, text: str, kind: str, fact: str | None = None) -> None:
        entry: dict[str, Any] = {"text": text, "kind": kind}
        if fact is not None:
            entry["fact"] = fact
        sessions[session]["memories"].append(entry)

    return add


def _check_questions() -> None:
    """No question of a category names any value of it (the answer is never given away)."""
    for category in CATEGORIES:
        for question in category.questions:
            for value in category.values:
                shared = _value_words(value) & _value_words(question)
                assert not shared, (category.name, question, value, shared)


def build(seed: int) -> dict[str, Any]:
    _check_questions()
    rng = random.Random(seed)
    users: list[dict[str, Any]] = []
    question_count = 0
    for u in range(USERS):
        name, role, prompt, belief = PERSONAS[u % len(PERSONAS)]
        sessions = [{"key": f"u{u:02d}-s{s}", "at": _at(rng, s), "memories": []}
                    for s in range(SESSIONS)]  # fmt: skip
        questions: list[dict[str, Any]] = []

        add = _adder(sessions)

        chosen = rng.sample(CATEGORIES, FACTS_PER_USER)
        facts: list[tuple[str, str, str]] = []  # (fact id, category, text)
        used_values: dict[str, set[str]] = {}
        for number, category in enumerate(chosen):
            value = rng.choice(category.values)
            used_values.setdefault(category.name, set()).add(value)
            fact_id = f"u{u:02d}-f{number:02d}"
            superseded = bool(category.change) and rng.random() < SUPERSEDE_PROBABILITY
            if superseded:
                old = rng.choice([v for v in category.values if v != value])
                used_values[category.name].add(old)
                add(rng.choice([0, 1]), _fill(rng.choice(category.facts), old, rng), "superseded")
                pool = category.change if rng.random() < 0.5 else category.facts
                text = _fill(rng.choice(pool), value, rng)
                session = rng.choice([3, 4])
            else:
                text = _fill(rng.choice(category.facts), value, rng)
                session = rng.randrange(SESSIONS)
            add(session, text, "fact", fact_id)
            facts.append((fact_id, category.name, text))
            question = rng.choice(category.questions)
            assert not (_trigrams(question) & _trigrams(text)), (question, text)
            questions.append(
                {
                    "id": f"q{question_count:04d}",
                    "text": question,
                    "answer": fact_id,
                    "category": category.name,
                    "superseded": superseded,
                }
            )
            question_count += 1
        # Repeats: a stable fact told again, word for word, in a later session.
        for fact_id, _, text in rng.sample(facts, rng.randrange(3)):
            told = next(
                s for s, sess in enumerate(sessions)
                if any(m.get("fact") == fact_id for m in sess["memories"])
            )  # fmt: skip
            if told < SESSIONS - 1 and not any(q["superseded"] for q in questions
                                               if q["answer"] == fact_id):  # fmt: skip
                add(rng.randrange(told + 1, SESSIONS), text, "repeat", fact_id)
        # Facts about other people: mostly in the user's own categories.
        mine = [c for c in CATEGORIES if c.name in used_values]
        theirs = [c for c in CATEGORIES if c.name not in used_values]
        for i in range(OTHERS_PER_USER):
            category = rng.choice(mine if i < OTHERS_PER_USER - 2 else theirs)
            taken = used_values.get(category.name, set())
            value = rng.choice([v for v in category.values if v not in taken])
            text = _fill(
                rng.choice(category.others),
                value,
                rng,
                rel=rng.choice(RELATIONS),
                name=rng.choice(PEOPLE),
            )
            add(rng.randrange(SESSIONS), text, "related")
        for template in rng.sample(TOPICS, TOPICS_PER_USER):
            text = template.format(
                city=rng.choice(CITIES),
                animal=rng.choice(ANIMALS),
                dish=rng.choice(DISHES),
                lang=rng.choice(LANGUAGES),
                month=rng.choice(MONTHS),
            )
            add(rng.randrange(SESSIONS), text, "topic")
        for text in rng.sample(SMALL_TALK, SMALL_TALK_PER_USER):
            add(rng.randrange(SESSIONS), text, "small_talk")
        for template in rng.sample(ECHO_WORDINGS, 2):
            text = template.format(
                name=name, role=role, prompt=prompt, belief_lower=belief[0].lower() + belief[1:]
            )
            add(rng.randrange(SESSIONS), text, "echo")
        for session in sessions:
            rng.shuffle(session["memories"])
            session["at"] = session["at"].isoformat()
        # Every answer is held by exactly one planted text of this user (repeats are the
        # same text, which dedup folds into the same memory).
        planted = [m for s in sessions for m in s["memories"]]
        for fact_id, _, text in facts:
            holders = {m["text"] for m in planted if m.get("fact") == fact_id}
            assert holders == {text}, (fact_id, holders)
            assert sum(m["text"] == text for m in planted if m.get("fact") != fact_id) == 0
        users.append(
            {
                "key": f"u{u:02d}",
                "persona": {
                    "name": name.lower(),
                    "display_name": name,
                    "role": role,
                    "system_prompt": prompt,
                    "core_belief": belief,
                },
                "sessions": sessions,
                "questions": questions,
            }
        )
    return {
        "name": "personae memory retrieval set",
        "version": 1,
        "seed": seed,
        "generator": "benchmarks/make_memory_set.py",
        "now": NOW.isoformat(),
        "users": users,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = build(args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    sessions = sum(len(user["sessions"]) for user in data["users"])
    memories = sum(len(s["memories"]) for user in data["users"] for s in user["sessions"])
    questions = sum(len(user["questions"]) for user in data["users"])
    size = args.output.stat().st_size
    print(
        f"{args.output}: {len(data['users'])} users, {sessions} conversations, "
        f"{memories} memory candidates, {questions} questions, {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
