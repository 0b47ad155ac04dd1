"""The bundled sample writers: original texts of the advertised size, loadable when installed."""

from __future__ import annotations

import pytest

from personae.samples import SampleWriter, sample_writers

WRITERS = sample_writers()


def test_three_writers_with_five_texts_each() -> None:
    assert [w.key for w in WRITERS] == ["founder", "essayist", "cook"]
    assert len({w.name for w in WRITERS}) == len(WRITERS)
    for writer in WRITERS:
        assert len(writer.texts) == 5
        assert writer.training == writer.texts[:4]
        assert writer.held_out == writer.texts[4]


@pytest.mark.parametrize("writer", WRITERS, ids=[w.key for w in WRITERS])
def test_every_text_has_200_to_350_words(writer: SampleWriter) -> None:
    assert len(set(writer.texts)) == len(writer.texts)
    for text in writer.texts:
        assert 200 <= len(text.split()) <= 350
