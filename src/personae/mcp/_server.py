"""The MCP server: a caller's personas as tools and resources (official ``mcp`` SDK).

Tools (each a thin shell over one service call, run in a worker thread):

- ``list_personas`` — your personas: name, display name, role, whether a voice is measured;
- ``get_persona`` — one persona's definition;
- ``analyze_text`` — a text's linguistic fingerprint;
- ``match_text`` — persona + text → score, typicality, deviations, suggestions;
- ``attribute_text`` — which of your voiced personas most likely wrote a text (two or more);
- ``verify_text`` — whether one persona's voice wrote a text (the open-set answer);
- ``write_content`` — persona, platform, brief → text and its scores (the optimize loop),
  kept in the content library as a draft piece like every other way of writing (its
  ``piece_id`` returned; ``save=false`` opts out);
- ``chat`` — a message to a persona → its reply (a stored chat turn; pass ``session_id``
  back to continue).

Resources: ``persona://{name}/definition`` (JSON) and ``persona://{name}/system-prompt``
(text) for each of the caller's personas. Everything acts on the caller's personas only:
over HTTP the caller is the API key's owner (see :mod:`personae.api._mcp`); over stdio,
the owner of ``PERSONAE_MCP_API_KEY``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.types import Resource as MCPResource
from mcp.types import ResourceTemplate as MCPResourceTemplate
from pydantic import AnyUrl

from personae.chat import ChatService
from personae.compat import VoiceService, persona_system_prompt
from personae.content import ContentService
from personae.errors import AuthError, InputError, PersonaeError
from personae.persona import PersonaService

__all__ = [
    "OWNER_SCOPE_KEY",
    "McpServices",
    "OwnerOf",
    "PersonaeMCP",
    "build_server",
    "owner_from_scope",
]

OWNER_SCOPE_KEY = "personae.owner_id"
"""Where the HTTP mount puts the authenticated caller's id in the request's scope."""

OwnerOf = Callable[[Any], int]
"""``(request or None) -> owner id``: who is calling (raises ``AuthError`` when unknown)."""

_INSTRUCTIONS = (
    "personae measures a writer's voice. Use list_personas to see the personas, "
    "match_text to score a text against one (score 0..1, what deviates, what to change), "
    "write_content to write in a persona's voice for a platform, and chat to talk with one."
)


@dataclass(frozen=True, slots=True)
class McpServices:
    """What the tools call: built per call, so a server outlives the app state it uses."""

    voices: VoiceService
    chat: ChatService
    personas: PersonaService
    content: ContentService


def owner_from_scope(request: Any) -> int:
    """The caller the HTTP mount authenticated (``AuthError`` when there is none)."""
    scope = getattr(request, "scope", None)
    owner = scope.get(OWNER_SCOPE_KEY) if isinstance(scope, dict) else None
    if not isinstance(owner, int):
        raise AuthError("send 'Authorization: Bearer <API key>'")
    return owner


def _uri_parts(uri: str) -> tuple[str, str]:
    prefix = "persona://"
    if not uri.startswith(prefix) or uri.count("/") != 3:
        raise InputError(f"unknown resource {uri!r}: use persona://NAME/definition")
    name, _, kind = uri[len(prefix) :].partition("/")
    if kind not in ("definition", "system-prompt"):
        raise InputError(f"unknown resource {uri!r}: definition or system-prompt")
    return name, kind


class PersonaeMCP(FastMCP):
    """FastMCP with resources listed per caller (each of *their* personas)."""

    def __init__(self, services: Callable[[], McpServices], owner_of: OwnerOf, **settings: Any):
        super().__init__(name="personae", instructions=_INSTRUCTIONS, **settings)
        self.services = services
        self.owner_of = owner_of

    def caller(self, ctx: Context[Any, Any, Any] | None = None) -> int:
        """The id of the user this request acts for."""
        context = ctx if ctx is not None else self.get_context()
        try:
            request = context.request_context.request
        except (LookupError, ValueError, AttributeError):
            request = None
        return self.owner_of(request)

    async def list_resources(self) -> list[MCPResource]:
        owner = self.caller()
        personas = await anyio.to_thread.run_sync(
            lambda: self.services().voices.personas(owner_id=owner, active_only=False)
        )
        resources = []
        for persona in personas:
            resources.append(
                MCPResource(
                    uri=AnyUrl(f"persona://{persona.name}/definition"),
                    name=f"{persona.name} definition",
                    description=f"{persona.display_name}'s whole definition (JSON).",
                    mimeType="application/json",
                )
            )
            resources.append(
                MCPResource(
                    uri=AnyUrl(f"persona://{persona.name}/system-prompt"),
                    name=f"{persona.name} system prompt",
                    description=f"The instructions {persona.display_name} speaks by.",
                    mimeType="text/plain",
                )
            )
        return resources

    async def list_resource_templates(self) -> list[MCPResourceTemplate]:
        return [
            MCPResourceTemplate(
                uriTemplate="persona://{name}/definition",
                name="persona definition",
                mimeType="application/json",
            ),
            MCPResourceTemplate(
                uriTemplate="persona://{name}/system-prompt",
                name="persona system prompt",
                mimeType="text/plain",
            ),
        ]

    async def read_resource(self, uri: AnyUrl | str) -> Iterable[ReadResourceContents]:
        owner = self.caller()
        name, kind = _uri_parts(str(uri))
        definition = await anyio.to_thread.run_sync(
            lambda: self.services().voices.definition(owner_id=owner, persona=name)
        )
        if kind == "system-prompt":
            return [ReadResourceContents(persona_system_prompt(definition), "text/plain")]
        body = definition.model_dump_json(exclude={"linguistic_fingerprint"}, indent=2)
        return [ReadResourceContents(body, "application/json")]


def _run(fn: Callable[[], Any]) -> Any:
    """Run a blocking service call off the event loop; domain errors become tool errors
    with personae's own message (the SDK reports a raised exception as ``isError``)."""

    async def call() -> Any:
        try:
            return await anyio.to_thread.run_sync(fn)
        except PersonaeError as exc:
            raise ValueError(f"{exc.code}: {exc.message}") from None

    return call()


def build_server(
    services: Callable[[], McpServices], owner_of: OwnerOf, **settings: Any
) -> PersonaeMCP:
    """The server with its tools; ``settings`` go to FastMCP (paths, stateless HTTP …)."""
    server = PersonaeMCP(services, owner_of, **settings)

    @server.tool()
    async def list_personas(ctx: Context[Any, Any, Any]) -> list[dict[str, Any]]:
        """Your personas: name (use it as `persona` in the other tools), display name,
        role, and whether a voice has been measured (needed by match_text)."""
        owner = server.caller(ctx)
        personas = await _run(lambda: services().voices.personas(owner_id=owner))
        return [
            {
                "id": p.id,
                "name": p.name,
                "display_name": p.display_name,
                "role": p.role,
                "has_voice": p.has_voice,
            }
            for p in personas
        ]

    @server.tool()
    async def get_persona(persona: str, ctx: Context[Any, Any, Any]) -> dict[str, Any]:
        """One persona's definition (name or id): role, beliefs, prompt, expertise …"""
        owner = server.caller(ctx)
        found = await _run(lambda: services().voices.definition(owner_id=owner, persona=persona))
        data: dict[str, Any] = found.model_dump(mode="json", exclude={"linguistic_fingerprint"})
        return data

    @server.tool()
    async def analyze_text(text: str, ctx: Context[Any, Any, Any]) -> dict[str, Any]:
        """The linguistic fingerprint of a text: sentence rhythm, vocabulary, function
        words, punctuation, pronouns, readability."""
        server.caller(ctx)
        fingerprint = await _run(lambda: services().voices.analyze(text))
        data: dict[str, Any] = fingerprint.model_dump(mode="json")
        return data

    @server.tool()
    async def match_text(persona: str, text: str, ctx: Context[Any, Any, Any]) -> dict[str, Any]:
        """How well a text matches a persona's voice: score (0..1, calibrated), typicality,
        the measures that deviate most, and suggestions to bring it closer."""
        owner = server.caller(ctx)
        match = await _run(
            lambda: services().voices.match(owner_id=owner, persona=persona, text=text)
        )
        data: dict[str, Any] = match.model_dump(mode="json")
        return data

    @server.tool()
    async def attribute_text(text: str, ctx: Context[Any, Any, Any]) -> list[dict[str, Any]]:
        """Which of your personas (with a measured voice) most likely wrote a text, best
        first, with posterior shares that sum to 1; it needs two such personas (with one,
        ask verify_text)."""
        owner = server.caller(ctx)
        ranking = await _run(lambda: services().voices.attribute(owner_id=owner, text=text))
        return [{"persona": a.name, "share": a.score} for a in ranking]

    @server.tool()
    async def verify_text(persona: str, text: str, ctx: Context[Any, Any, Any]) -> dict[str, Any]:
        """Whether a persona's voice wrote a text, with no rivals to rank: a probability
        calibrated at even odds, the voice set against the public-domain writers nearest it and your
        other personas (use it where attribute_text has one candidate)."""
        owner = server.caller(ctx)

        def check() -> dict[str, Any]:
            found = services().voices.find(owner_id=owner, persona=persona)
            result = services().personas.verify(owner, found.id, text)
            data: dict[str, Any] = result.model_dump(mode="json")
            return data

        checked: dict[str, Any] = await _run(check)
        return checked

    @server.tool()
    async def write_content(
        persona: str,
        platform: str,
        brief: str,
        ctx: Context[Any, Any, Any],
        save: bool = True,
    ) -> dict[str, Any]:
        """Write a post in a persona's voice for a platform (linkedin, x, blog, facebook,
        instagram) from a brief; returns the text, its quality scores, whether it passed
        the checks, and the draft piece it was kept as in your content library
        (`piece_id`; `save=false` keeps nothing)."""
        owner = server.caller(ctx)

        def write() -> dict[str, Any]:
            found = services().voices.find(owner_id=owner, persona=persona)
            result = services().personas.write(owner, found.id, platform, brief)
            scores = result.report.model_dump(mode="json")
            piece_id = (
                services().content.keep_written(
                    owner, found.id, platform, brief, result.text, report=scores, source="mcp"
                )
                if save
                else None
            )
            return {
                "text": result.text,
                "passed": result.passed,
                "failures": result.failures,
                "scores": scores,
                "piece_id": piece_id,
            }

        written: dict[str, Any] = await _run(write)
        return written

    @server.tool()
    async def chat(
        persona: str, message: str, ctx: Context[Any, Any, Any], session_id: int | None = None
    ) -> dict[str, Any]:
        """Send a message to a persona and get its reply (traits and memory included).
        Pass the returned session_id back to continue the same conversation."""
        owner = server.caller(ctx)

        def turn() -> dict[str, Any]:
            found = services().voices.find(owner_id=owner, persona=persona)
            response = services().chat.reply(
                owner_id=owner, message=message, persona_id=found.id, session_id=session_id
            )
            return {
                "reply": response.response,
                "persona": response.persona_name,
                "session_id": response.session_id,
            }

        replied: dict[str, Any] = await _run(turn)
        return replied

    return server
