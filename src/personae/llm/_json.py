"""Turning a model's answer into a validated object: the schema prompt, repairs, parsing.

Models wrap JSON in code fences, put a sentence before it, leave a trailing comma, write
Python's ``True``, or run out of tokens half-way. :func:`repair_json` fixes those
mechanically, so a retry (which costs a whole generation) is spent only on answers that
are wrong rather than untidy.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from personae.errors import LLMOutputError
from personae.llm._protocol import ModelT

__all__ = ["json_instruction", "parse_structured", "repair_json", "schema_of"]

_FENCE = re.compile(r"```[ \t]*(?:json|JSON|javascript|js)?[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_PY_LITERALS = {"True": "true", "False": "false", "None": "null"}
_CLOSER = {"{": "}", "[": "]"}
_MAX_SHOWN = 2_000


def schema_of(schema: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of a pydantic model, as sent to providers and grammars."""
    return schema.model_json_schema()


def json_instruction(schema: dict[str, Any]) -> str:
    """The instruction that asks for one JSON object matching ``schema``."""
    return (
        "Answer with one JSON object and nothing else: no prose, no code fences. "
        "It must match this JSON schema:\n" + json.dumps(schema, separators=(",", ":"))
    )


def _unfence(text: str) -> str:
    match = _FENCE.search(text)
    return match.group(1) if match else text


def _outermost(text: str) -> str:
    """From the first ``{`` (or ``[``) to its matching bracket, closing what is left open.

    The scan knows about strings and escapes, so brackets inside strings do not count.
    An answer cut off by ``max_tokens`` gets its open string closed, a dangling ``,`` or
    ``"key":`` dropped, and its brackets closed.
    """
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return text
    start = min(starts)
    stack: list[str] = []
    in_string = escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in _CLOSER:
            stack.append(_CLOSER[char])
        elif char in "}]":
            if stack and stack[-1] == char:
                stack.pop()
            if not stack:
                return text[start : index + 1]
    # Truncated: close the string, drop what cannot stand, close the brackets.
    body = text[start:]
    if in_string:
        body = body[:-1] if escaped else body
        body += '"'
    body = _drop_dangling(body, in_object=bool(stack) and stack[-1] == "}")
    return body + "".join(reversed(stack))


def _drop_dangling(body: str, *, in_object: bool) -> str:
    """Remove a trailing ``,``, a key with no value, or an unfinished ``"key":``."""
    while True:
        stripped = body.rstrip()
        if in_object and stripped.endswith('"'):
            opening = _string_start(stripped)
            if opening is not None and stripped[:opening].rstrip().endswith(("{", ",")):
                body = stripped[:opening]  # a key whose value never came
                continue
            return stripped
        if stripped.endswith(","):
            body = stripped[:-1]
            continue
        if stripped.endswith(":"):
            before = stripped[:-1].rstrip()
            if before.endswith('"'):
                opening = _string_start(before)
                if opening is not None:
                    body = before[:opening]
                    continue
            body = before
            continue
        return stripped


def _string_start(text: str) -> int | None:
    """Where the string that ends ``text`` (with a ``"``) starts."""
    index = len(text) - 2
    while index >= 0:
        if text[index] == '"':
            backslashes = 0
            probe = index - 1
            while probe >= 0 and text[probe] == "\\":
                backslashes += 1
                probe -= 1
            if backslashes % 2 == 0:
                return index
        index -= 1
    return None


def _tidy(text: str) -> str:
    """Drop trailing commas and turn Python literals into JSON ones, outside strings."""
    out: list[str] = []
    index, size = 0, len(text)
    in_string = escaped = False
    while index < size:
        char = text[index]
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            index += 1
            continue
        if char == '"':
            in_string = True
            out.append(char)
            index += 1
            continue
        if char == ",":
            probe = index + 1
            while probe < size and text[probe].isspace():
                probe += 1
            if probe < size and text[probe] in "}]":
                index += 1  # a trailing comma
                continue
        if char.isalpha():
            end = index
            while end < size and (text[end].isalnum() or text[end] == "_"):
                end += 1
            word = text[index:end]
            out.append(_PY_LITERALS.get(word, word))
            index = end
            continue
        out.append(char)
        index += 1
    return "".join(out)


def repair_json(text: str) -> str:
    """Mechanical repairs of a model's attempt at JSON.

    Strips code fences and any prose around the outermost object (or array), closes a
    document cut off by ``max_tokens``, drops trailing commas and turns Python's
    ``True``/``False``/``None`` into JSON. Text with no bracket at all is returned as it is.

    Examples
    --------
    >>> repair_json('Sure! ```json\\n{"a": [1, 2,], "ok": True}\\n```')
    '{"a": [1, 2], "ok": true}'
    >>> repair_json('{"name": "Ada", "bio": "wrote the first progr')
    '{"name": "Ada", "bio": "wrote the first progr"}'
    """
    return _tidy(_outermost(_unfence(text.strip().lstrip("\ufeff"))))


def _describe(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item.get("loc", ())) or "(root)"
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    return problems


def parse_structured(text: str, schema: type[ModelT]) -> ModelT:
    """Validate ``text`` as ``schema``, repairing it first if it is not clean JSON.

    Raises
    ------
    LLMOutputError
        Not JSON even after the repairs, or JSON that does not fit the schema;
        ``details["errors"]`` says what is wrong, in words a model can act on.
    """
    candidates = [text]
    repaired = repair_json(text)
    if repaired != text:
        candidates.append(repaired)
    problems: list[str] = []
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except (json.JSONDecodeError, RecursionError) as exc:
            problems = [f"not valid JSON: {exc}"]
            continue
        try:
            return schema.model_validate(data)
        except ValidationError as exc:
            problems = _describe(exc)
    raise LLMOutputError(
        f"the model's answer is not a valid {schema.__name__}: " + "; ".join(problems[:5]),
        errors=problems,
        last_output=text[:_MAX_SHOWN],
    )
