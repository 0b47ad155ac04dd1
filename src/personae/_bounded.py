"""Parsers of user input bounded by what they produce, not only by the bytes that come in.

A request body is capped in bytes (``max_request_bytes``), but a parser can turn a small
body into far more work: YAML aliases expand a 437-byte document into tens of megabytes
("billion laughs"), and a few kilobytes of ``[[[[…`` make ``json.loads`` or PyYAML's
composer recurse until Python raises ``RecursionError`` (a 500). So every parser of a
document a user sends goes through this module, which checks **before** the work:

- :func:`check_json_depth` scans the text once (strings skipped) and refuses nesting
  deeper than :data:`MAX_DEPTH` before ``json.loads`` runs;
- :func:`load_json` is ``json.loads`` behind that check;
- :func:`load_yaml` is PyYAML's safe loader with **aliases refused** (anchors alone are
  harmless; an alias is what copies a subtree, so without them the document cannot
  produce more nodes than it has characters) and the same depth bound, checked while the
  composer builds each node.

Every refusal is a :class:`ValueError` subclass, :class:`DocumentTooComplexError`, which
the callers translate to their own 4xx error (``SyncError``, ``CardError``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import Node

__all__ = [
    "MAX_DEPTH",
    "DocumentTooComplexError",
    "check_json_depth",
    "load_json",
    "load_yaml",
]

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays accepted in any document a user sends.

Personas, cards and definitions files nest a handful of levels; 64 leaves room for any
real document and stays far below Python's recursion limit (1000)."""

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class DocumentTooComplexError(ValueError):
    """The document nests too deeply, or uses a construct (a YAML alias) that is refused."""


def check_json_depth(text: str, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse JSON text whose arrays and objects nest deeper than ``max_depth``.

    Linear in the text; runs before ``json.loads`` so a deep document costs one scan,
    never a ``RecursionError``. Unbalanced brackets are left for the parser to report.

    Raises
    ------
    DocumentTooComplexError
        Deeper than ``max_depth``.
    """
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                raise DocumentTooComplexError(f"the document nests deeper than {max_depth} levels")
        else:
            depth -= 1


def load_json(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` after :func:`check_json_depth`.

    Raises
    ------
    DocumentTooComplexError
        Nested deeper than ``max_depth``.
    json.JSONDecodeError
        Not JSON.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    check_json_depth(text, max_depth=max_depth)
    return json.loads(text)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases and with a depth bound."""

    max_depth = MAX_DEPTH

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise DocumentTooComplexError(
                "YAML aliases (*name) are not accepted; write the value out in full"
                + (f" (line {event.start_mark.line + 1})" if event.start_mark is not None else "")
            )
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise DocumentTooComplexError(
                    f"the document nests deeper than {self.max_depth} levels"
                )
            return Composer.compose_node(self, parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


def load_yaml(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """``yaml.safe_load`` with aliases refused and nesting bounded (see the module docstring).

    Raises
    ------
    DocumentTooComplexError
        An alias, or nesting deeper than ``max_depth``.
    yaml.YAMLError
        Not YAML.
    """
    loader = _BoundedLoader(text)
    loader.max_depth = max_depth
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
