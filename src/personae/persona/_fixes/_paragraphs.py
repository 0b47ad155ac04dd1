"""Paragraph length: adjacent paragraphs merged or long ones split.

Part of :mod:`personae.persona._voice_fixes` (see its docstring for what each fix does).
"""

from __future__ import annotations

from personae.persona._fixes._prose import _Doc, _is_prose, _sentences, _words

__all__ = ["reparagraph"]


def reparagraph(text: str, target: float, *, max_words: int | None = None) -> str:
    """Merge adjacent prose paragraphs, or split long ones at a sentence end, while that
    brings the average paragraph length closer to ``target`` words.

    The shortest adjacent pair is merged first (never past ``max_words``); the longest
    paragraph is split at the sentence end nearest its middle. Headings, lists and hashtag
    blocks are never merged or split, but count in the average as the reader sees them.
    """
    doc = _Doc.parse(text)
    changed = False
    for _ in range(4 * len(doc.blocks) + 4):
        sizes = [_words(b) for b in doc.blocks]
        counted = [size for size in sizes if size]
        if not counted:
            break
        average = sum(counted) / len(counted)
        if average < target and len(counted) > 1:
            pairs = [
                (sizes[i] + sizes[i + 1], i)
                for i in range(len(doc.blocks) - 1)
                if _is_prose(doc.blocks[i])
                and _is_prose(doc.blocks[i + 1])
                and (max_words is None or sizes[i] + sizes[i + 1] <= max_words)
            ]
            new_average = sum(counted) / (len(counted) - 1)
            if not pairs or abs(new_average - target) >= abs(average - target):
                break
            _, i = min(pairs)
            doc.merge(i, doc.blocks[i].rstrip() + " " + doc.blocks[i + 1].lstrip())
        elif average > target:
            order = sorted(range(len(doc.blocks)), key=lambda i: -sizes[i])
            done = False
            new_average = sum(counted) / (len(counted) + 1)
            if abs(new_average - target) >= abs(average - target):
                break
            for i in order:
                if not _is_prose(doc.blocks[i]):
                    continue
                sentences = _sentences(doc.blocks[i])
                if len(sentences) < 2:
                    continue
                running = [_words(" ".join(sentences[: k + 1])) for k in range(len(sentences))]
                cut = min(range(len(sentences) - 1), key=lambda k: abs(running[k] - sizes[i] / 2))
                doc.split(i, " ".join(sentences[: cut + 1]), " ".join(sentences[cut + 1 :]))
                done = True
                break
            if not done:
                break
        else:
            break
        changed = True
    return doc.render() if changed else text


# -- measuring and deciding ------------------------------------------------------------------
