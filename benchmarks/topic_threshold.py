"""Choose the embedding topic thresholds on the dev briefs; check them on the held-out ones.

Reads the outputs a run of ``writing_quality.py`` saved (every condition: plain,
personae, streamed) and embeds each draft against its own brief (matched) and against
every other brief of the same set (mismatched: a draft about something else, by
construction). No hand labels: a draft's own brief is not proof that it is on topic (the
small model wanders), but another brief's drafts are surely off it. So the thresholds are
set from the mismatched side: :data:`~personae.persona._draft_checks.TOPIC_SIMILARITY`
at or above the ``--quantile`` of mismatched drafts (default 0.95: at most 1 in 20
off-topic drafts gets through), and
:data:`~personae.persona._draft_checks.SENTENCE_SIMILARITY` likewise for single
sentences of four words or more, at a lower quantile (``--sentence-quantile``, default
0.5), since a sentence is dropped, not the post, and a good post has plain sentences
("It warms the kitchen.") that say little about the brief. Printed: the chosen values
and, at the values in force, the share of matched and mismatched drafts and sentences
that pass.

Run: ``.venv/bin/python benchmarks/topic_threshold.py [--briefs held-out]`` (after a
``writing_quality.py`` run of the same brief set).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from personae.persona._draft_checks import (
    SENTENCE_SIMILARITY,
    TOPIC_SIMILARITY,
    sentences_of,
    topic_embedder,
)
from writing_quality import BRIEF_SETS

_JUDGED_SENTENCE_WORDS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--briefs", choices=sorted(BRIEF_SETS), default="dev")
    parser.add_argument("--quantile", type=float, default=0.95)
    parser.add_argument("--sentence-quantile", type=float, default=0.5)
    args = parser.parse_args()
    embedder = topic_embedder()
    if embedder is None:
        raise SystemExit("the embeddings extra is not installed")
    name = "writing_quality.json" if args.briefs == "dev" else f"writing_quality-{args.briefs}.json"
    saved = json.loads((Path(__file__).parent / "results" / name).read_text())
    briefs = dict(BRIEF_SETS[args.briefs])
    rows = [
        (row["text"], row["platform"])
        for rows in saved["outputs"].values()
        for row in rows
        if row["text"].strip()
    ]
    brief_list = list(briefs.values())
    brief_vectors = embedder.embed(brief_list)
    texts = [text for text, _ in rows]
    text_vectors = embedder.embed(texts)
    matched: list[float] = []
    mismatched: list[float] = []
    sentence_matched: list[float] = []
    sentence_mismatched: list[float] = []
    for (text, platform), vector in zip(rows, text_vectors, strict=True):
        own = brief_list.index(briefs[platform])
        scores = brief_vectors @ vector
        matched.append(float(scores[own]))
        mismatched += [float(s) for i, s in enumerate(scores) if i != own]
        parts = [p for p in sentences_of(text) if len(p.split()) >= _JUDGED_SENTENCE_WORDS]
        if parts:
            part_scores = embedder.embed(parts) @ brief_vectors.T
            sentence_matched += [float(s) for s in part_scores[:, own]]
            sentence_mismatched += [
                float(s) for row in part_scores for i, s in enumerate(row) if i != own
            ]
    draft_cut = float(np.quantile(mismatched, args.quantile))
    sentence_cut = float(np.quantile(sentence_mismatched, args.sentence_quantile))
    print(f"briefs: {args.briefs}; {len(rows)} drafts, {len(sentence_matched)} sentences")
    print(
        f"drafts: mismatched {args.quantile:.0%} quantile = {draft_cut:.3f}; "
        f"sentences: mismatched {args.sentence_quantile:.0%} quantile = {sentence_cut:.3f}"
    )
    for label, cut_draft, cut_sentence in (
        ("in force", TOPIC_SIMILARITY, SENTENCE_SIMILARITY),
        ("from this set", draft_cut, sentence_cut),
    ):
        print(
            f"{label:<14} draft >= {cut_draft:.2f}: matched pass "
            f"{np.mean(np.array(matched) >= cut_draft):.2f}, mismatched pass "
            f"{np.mean(np.array(mismatched) >= cut_draft):.2f} | sentence >= {cut_sentence:.2f}: "
            f"matched kept {np.mean(np.array(sentence_matched) >= cut_sentence):.2f}, "
            f"mismatched kept {np.mean(np.array(sentence_mismatched) >= cut_sentence):.2f}"
        )


if __name__ == "__main__":
    main()
