"""Measure a writer's voice: pure Python + numpy, no I/O, no LLM.

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
