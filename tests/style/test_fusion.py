"""The fused, length-weighted attribution model."""

from __future__ import annotations

import random

import numpy as np
import pytest

from personae.style import StyleProfile, analyze, attribute
from personae.style._evidence import text_evidence
from personae.style._fusion import (
    FEATURES,
    FUSION_WEIGHTS,
    Panel,
    feature_weights,
    word_fade,
)


def _writer(seed: int, words: list[str], mark: str, n: int = 6) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        sentences = []
        for _ in range(12):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(6, 12)))
            sentences.append(body.capitalize() + mark)
        texts.append(" ".join(sentences))
    return texts


_COMMON = [
    "la",
    "le",
    "les",
    "de",
    "des",
    "un",
    "une",
    "et",
    "est",
    "dans",
    "pour",
    "que",
    "qui",
    "sur",
    "avec",
    "pas",
]
_A = [*_COMMON, "donc", "ainsi", "certes", "maison", "jardin", "soleil", "toujours"]
_B = [*_COMMON, "toutefois", "néanmoins", "château", "rivière", "orage", "jamais"]


@pytest.fixture(scope="module")
def french() -> list[StyleProfile]:
    return [
        StyleProfile.from_texts(_writer(1, _A, "; donc."), name="a"),
        StyleProfile.from_texts(_writer(2, _B, " !"), name="b"),
    ]


@pytest.mark.parametrize(
    ("seed", "words", "mark", "name"), [(3, _A, "; donc.", "a"), (4, _B, " !", "b")]
)
def test_text_that_is_not_english_goes_to_its_writer(
    french: list[StyleProfile], seed: int, words: list[str], mark: str, name: str
) -> None:
    text = _writer(seed, words, mark, n=1)[0]
    assert analyze(text).language != "en"
    ranking = attribute(text, french)
    assert ranking[0].name == name
    assert sum(a.score for a in ranking) == pytest.approx(1.0)


def test_character_evidence_is_used_for_text_that_is_not_english(
    french: list[StyleProfile],
) -> None:
    text = _writer(5, _A, "; donc.", n=1)[0]
    features = Panel(french).features(analyze(text), text_evidence(text))
    assert features[:, FEATURES.index("function_words")].tolist() == [0.0, 0.0]
    for family in ("char_grams", "char_angle", "cosine_delta", "word_likelihood"):
        column = features[:, FEATURES.index(family)]
        assert column[0] > column[1], family


def test_features_are_centred_over_the_panel(french: list[StyleProfile]) -> None:
    text = _writer(6, _B, " !", n=1)[0]
    features = Panel(french).features(analyze(text), text_evidence(text))
    assert np.allclose(features.sum(axis=0), 0.0)


def test_weights_depend_on_length_within_the_fitted_range() -> None:
    assert set(FUSION_WEIGHTS) == set(FEATURES)
    short, long = feature_weights(50), feature_weights(2000)
    slopes = np.array([FUSION_WEIGHTS[f][1] for f in FEATURES])
    assert np.allclose(long - short, slopes * np.log(2000 / 50))
    assert np.allclose(feature_weights(5), feature_weights(25))


def test_profiles_without_evidence_still_attribute() -> None:
    texts = _writer(7, _A, "."), _writer(8, _B, " !")
    profiles = [
        StyleProfile.from_fingerprints([analyze(t) for t in ts], name=str(i))
        for i, ts in enumerate(texts)
    ]
    ranking = attribute(_writer(9, _B, " !", n=1)[0], profiles)
    assert ranking[0].name == "1"


def test_word_likelihood_counts_for_short_texts_only() -> None:
    """Content words carry topic: they count in short texts, fade out by 600 words."""
    assert word_fade(60) == word_fade(150) == 1.0
    assert 0.0 < word_fade(300) < 1.0
    assert word_fade(600) == word_fade(5000) == 0.0
    text = " ".join(_writer(10, _A, ".", n=8))
    profiles = [
        StyleProfile.from_texts(_writer(11, _A, "."), name="a"),
        StyleProfile.from_texts(_writer(12, _B, " !"), name="b"),
    ]
    features = Panel(profiles).features(analyze(text), text_evidence(text))
    assert analyze(text).word_count >= 600
    assert features[:, FEATURES.index("word_likelihood")].tolist() == [0.0, 0.0]


def test_function_word_grams_tell_apart_writers_who_share_every_word() -> None:
    """Two writers with one vocabulary, one who chains clauses with 'and the' and one who
    cuts them with full stops: only how the words are put together differs, and the
    function-word n-grams favour the right writer."""
    rng = random.Random(21)
    nouns = ["ship", "crew", "harbour", "storm", "sail", "night", "coast", "captain"]

    def clause() -> str:
        return f"the {rng.choice(nouns)} {rng.choice(['rose', 'fell', 'waited', 'turned'])}"

    def chained(n: int) -> str:
        return " ".join(
            " and ".join(clause() for _ in range(4)).capitalize() + "." for _ in range(n)
        )

    def cut(n: int) -> str:
        return " ".join(clause().capitalize() + "." for _ in range(4 * n))

    profiles = [
        StyleProfile.from_texts([chained(15) for _ in range(4)], name="chains"),
        StyleProfile.from_texts([cut(15) for _ in range(4)], name="cuts"),
    ]
    column = FEATURES.index("function_word_grams")
    panel = Panel(profiles)
    for text, writer in ((chained(3), 0), (cut(3), 1)):
        scores = panel.features(analyze(text), text_evidence(text))[:, column]
        assert int(np.argmax(scores)) == writer


def test_voices_stored_before_function_word_grams_are_judged_without_them() -> None:
    texts = _writer(14, _A, "."), _writer(15, _B, " !")
    profiles = [StyleProfile.from_texts(ts, name=str(i)) for i, ts in enumerate(texts)]
    old = profiles[0].model_copy(update={"syntax": type(profiles[0].syntax)()})
    text = _writer(16, _B, " !", n=1)[0]
    features = Panel([old, profiles[1]]).features(analyze(text), text_evidence(text))
    assert features[:, FEATURES.index("function_word_grams")].tolist() == [0.0, 0.0]
    assert attribute(text, [old, profiles[1]])[0].name == "1"


def test_one_readable_dimension_cannot_swamp_the_rest() -> None:
    """Past the cap, a text further from a voice on one dimension costs no more: on long
    texts the expected spread is small, and uncapped one genre habit outweighed every
    other family."""
    from personae.style._fusion import _gaussian_log_likelihood

    texts = _writer(13, _A, ".", n=8)
    profile = StyleProfile.from_texts(texts[:-1], name="a")
    fp = analyze(" ".join(texts))
    stat = profile.dimensions["sentence_length.average"]
    stat.m2 = 20.0**2 * (stat.n - 1)  # a spread of 20 words, above its floor below
    shifted = []
    for shift in (0.0, 100.0, 190.0):  # 0, 5 and 9.5 spreads away
        voice = profile.model_copy(deep=True)
        voice.dimensions["sentence_length.average"].mean += shift
        shifted.append(_gaussian_log_likelihood(fp, voice))
    near, far, farther = shifted
    assert near > far
    assert farther == pytest.approx(far)


def test_a_voice_is_not_marked_down_for_grams_its_vocabulary_cut() -> None:
    """A voice keeps its most frequent grams only, so the more it has read, the more of
    its count total lies in grams it no longer holds; that must not lower its scores."""
    whole = StyleProfile.from_texts(_writer(3, _A, "; donc."), name="whole")
    cut = whole.model_copy(deep=True, update={"name": "cut"})
    cut.char_grams.total *= 2  # as much again, all in grams cut from its vocabulary
    cut.syntax.total *= 2
    text = " ".join(_writer(4, _A, "; donc.", n=1))
    scores = Panel([whole, cut]).features(analyze(text), text_evidence(text))
    for family in ("char_grams", "char_angle", "function_word_grams"):
        column = FEATURES.index(family)
        assert scores[0, column] == pytest.approx(scores[1, column], abs=1e-9)
