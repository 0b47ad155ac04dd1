"""Shared text helpers of the voice fixes: words, sentences, prose blocks.

Part of :mod:`personae.persona._voice_fixes` (see its docstring for what each fix does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from personae.persona.platforms._text import HASHTAG_RE

__all__ = []


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_BLOCK_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")
_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_LIST_RE = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s")
_ABBREVIATIONS = _wordset("mr mrs ms dr prof sr jr st vs etc e.g i.e u.s inc ltd co no fig approx")
_CLOSE = "\"'”’)]"


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text))


@dataclass(slots=True)
class _Doc:
    """A text as paragraphs (blocks) and the exact white space between them."""

    head: str
    blocks: list[str]
    seps: list[str]
    tail: str

    @classmethod
    def parse(cls, text: str) -> _Doc:
        stripped = text.strip()
        start = text.find(stripped) if stripped else len(text)
        head, tail = text[:start], text[start + len(stripped) :]
        blocks: list[str] = []
        seps: list[str] = []
        position = 0
        for match in _BLOCK_BREAK_RE.finditer(stripped):
            blocks.append(stripped[position : match.start()])
            seps.append(match.group())
            position = match.end()
        blocks.append(stripped[position:])
        return cls(head, blocks, seps, tail)

    def render(self) -> str:
        parts = [self.head]
        for index, block in enumerate(self.blocks):
            if index:
                parts.append(self.seps[index - 1])
            parts.append(block)
        parts.append(self.tail)
        return "".join(parts)

    def remove(self, index: int) -> None:
        del self.blocks[index]
        if self.seps:
            del self.seps[index - 1 if index > 0 else 0]

    def merge(self, index: int, joined: str) -> None:
        """Replace blocks ``index`` and ``index + 1`` with ``joined``."""
        self.blocks[index : index + 2] = [joined]
        del self.seps[index]

    def split(self, index: int, first: str, second: str) -> None:
        self.blocks[index : index + 1] = [first, second]
        self.seps.insert(index, "\n\n")


def _is_prose(block: str) -> bool:
    """A plain paragraph: one line of sentences, no heading, list item or hashtag block."""
    if "\n" in block or not _WORD_RE.search(block):
        return False
    stripped = block.strip()
    if stripped.startswith(("#", ">", "|", "```", "<")) or _LIST_RE.match(stripped):
        return False
    return bool(HASHTAG_RE.sub("", stripped).strip())


def _is_tag_block(block: str) -> bool:
    return bool(HASHTAG_RE.search(block)) and not HASHTAG_RE.sub("", block).strip()


def _sentences(block: str) -> list[str]:
    """A prose block's sentences; ``" ".join`` of them is the block with spaces tidied."""
    out: list[str] = []
    start = 0
    for match in _END_RE.finditer(block):
        before = block[start : match.start()]
        last = re.search(r"([\w.]+)$", before)
        if match.group().startswith(".") and last is not None:
            word = last.group(1).lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        rest = block[match.end() :].lstrip()
        if rest and rest[0].islower():
            continue
        piece = block[start : match.end()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    piece = block[start:].strip()
    if piece:
        out.append(piece)
    return out


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?…:][\"'”’)\]]*$", text.rstrip()))


def _normal(sentence: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD_RE.findall(sentence)]


# -- repairs ---------------------------------------------------------------------------------
