"""Test doubles, in one place: clocks, embedders, scripted models and a persona writer.

- :mod:`tests.doubles.clocks`: ``FakeClock`` (monotonic seconds), ``Clock`` (UTC datetimes);
- :mod:`tests.doubles.embedders`: ``HashEmbedder`` (256-d words and word pairs, the chat
  and API tests), ``WordHashEmbedder`` (64-d words, the strategy tests);
- :mod:`tests.doubles.llm`: ``ScriptedLLM`` (a model that answers from a script, with the
  real retries, streaming and structured output of ``LLMBase``), ``Reply``, ``json_reply``;
- :mod:`tests.doubles.persona`: ``persona_writer``, a scripted model that plays a persona
  writer (JSON for generation, prose for posts).

Platform plugins made for the registry tests stay in ``tests/persona/fakes.py``: an entry
point names them by that path.
"""

from __future__ import annotations

from tests.doubles.clocks import Clock, FakeClock
from tests.doubles.embedders import HashEmbedder, WordHashEmbedder
from tests.doubles.llm import FakeSleep, Reply, ScriptedLLM, ScriptItem, json_reply, tokens_of
from tests.doubles.persona import IDENTITY, POST, RULES, TONES, persona_writer

__all__ = [
    "IDENTITY",
    "POST",
    "RULES",
    "TONES",
    "Clock",
    "FakeClock",
    "FakeSleep",
    "HashEmbedder",
    "Reply",
    "ScriptItem",
    "ScriptedLLM",
    "WordHashEmbedder",
    "json_reply",
    "persona_writer",
    "tokens_of",
]
