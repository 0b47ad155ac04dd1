"""Personas where people already work: the use cases behind the OpenAI-compatible
endpoint (``/v1``) and the MCP server (``personae mcp``, ``/mcp``).

* :mod:`~personae.compat._voices` — :class:`VoiceService`: a caller's personas by name or
  id, their definition and system prompt, and texts measured against their voices
  (analyse, match, attribute).
* :mod:`~personae.compat._openai` — :class:`OpenAIChat`: a chat completion as one
  :class:`~personae.chat.ChatService` turn whose transcript the client keeps; which stored
  session a request continues (``user``, a session header, or the conversation's
  fingerprint).

The HTTP routes and the MCP tools are shells over these: they parse, call one method,
and format the answer in their protocol's shape.

>>> voices = VoiceService(db, max_text_chars=100_000)  # doctest: +SKIP
>>> [p.name for p in voices.personas(owner_id=1)]  # doctest: +SKIP
['ada', 'founder']
"""

from __future__ import annotations

from personae.compat._openai import ClientMessage, OpenAIChat, ReplyScore, Turn, TurnResult
from personae.compat._voices import PersonaRef, VoiceService, persona_system_prompt

__all__ = [
    "ClientMessage",
    "OpenAIChat",
    "PersonaRef",
    "ReplyScore",
    "Turn",
    "TurnResult",
    "VoiceService",
    "persona_system_prompt",
]
