"""Persona generation: measured numbers from code, words from the model, reconciled."""

from __future__ import annotations

import pytest

from personae.errors import InputError, LLMOutputError, TextTooShortError
from personae.persona._generate import (
    OnboardingData,
    PersonaGenerationRequest,
    data_confidence,
    draft_samples,
    generate_persona,
    measured_constraints,
)
from personae.persona._voice_rules import VoiceRules
from personae.samples import SampleWriter, sample_writers
from personae.style import StyleProfile, analyze
from tests.doubles import IDENTITY, ScriptedLLM, persona_writer


@pytest.fixture(scope="module")
def founder() -> SampleWriter:
    return next(w for w in sample_writers() if w.key == "founder")


def _request(writer: SampleWriter, **overrides: object) -> PersonaGenerationRequest:
    values: dict[str, object] = {
        "name": "founder",
        "writing_samples": list(writer.training),
        "onboarding": OnboardingData(business_type="SaaS", target_audience="founders"),
    }
    values.update(overrides)
    return PersonaGenerationRequest.model_validate(values)


def test_generation_stores_measured_numbers_and_the_models_words(founder: SampleWriter) -> None:
    progress: list[tuple[float, str]] = []
    generated = generate_persona(
        _request(founder), persona_writer(), on_progress=lambda f, m: progress.append((f, m))
    )
    fields = generated.fields
    # words from the model, but never a name it made up: the persona is shown as named
    assert fields["display_name"] == "founder"
    assert IDENTITY["persona_name"] not in str(fields)
    assert fields["archetype"] == IDENTITY["archetype"]
    assert fields["core_belief"] == IDENTITY["core_belief"]
    # numbers from code: the stored fingerprint is the profile of the samples
    profile = StyleProfile.from_texts(founder.training, name="founder")
    stored = StyleProfile.model_validate(fields["linguistic_fingerprint"])
    assert stored.word_count == profile.word_count
    assert stored.describe() == profile.describe()
    constraints = fields["stylistic_constraints"]
    assert constraints["sentence_length"] == measured_constraints(profile)["sentence_length"]
    # reconciled: go-to words the writer never uses are dropped, avoid words they use too
    assert "paradigm" not in constraints["go_to_words"]
    assert {"team", "shipped"} <= set(constraints["go_to_words"])
    assert constraints["avoid_words"] == ["synergy", "leverage"]
    # tones: lower-cased, no repeats, the default neither permitted twice nor forbidden
    assert fields["tonal_range"] == {
        "default": "candid",
        "permissible": ["wry", "warm"],
        "forbidden": ["hype"],
    }
    # confidence from the data, in 0..1, and progress that only moves forward to 1
    assert 0 < fields["confidence_score"] == generated.confidence["score"] < 1
    fractions = [f for f, _ in progress]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert set(generated.timings_ms) == {"measure", "identity", "tones", "rules"}


def test_the_stored_rules_are_what_the_consistency_score_reads(founder: SampleWriter) -> None:
    generated = generate_persona(_request(founder), persona_writer())
    rules = VoiceRules.from_persona(
        generated.fields["tonal_range"], generated.fields["stylistic_constraints"]
    )
    assert rules.measurable
    assert rules.avoid == ["synergy", "leverage"]
    assert rules.sentence_length is not None
    assert rules.default_tone == "candid"


def test_confidence_grows_with_data(founder: SampleWriter) -> None:
    fps = [analyze(text) for text in founder.training]
    one = data_confidence(StyleProfile.from_fingerprints(fps[:1], name="a"), fps[:1])
    all_ = data_confidence(StyleProfile.from_fingerprints(fps, name="a"), fps)
    assert one["agreement"] == 0.5
    assert all_["samples"] > one["samples"]
    assert all_["words"] > one["words"]
    assert all_["score"] > one["score"]


def test_bad_samples_are_refused_before_the_model_is_called(founder: SampleWriter) -> None:
    llm = ScriptedLLM()  # an empty script: any call would fail the test
    with pytest.raises(InputError, match="writing_samples is empty"):
        generate_persona(_request(founder, writing_samples=[]), llm)
    with pytest.raises(TextTooShortError):
        generate_persona(_request(founder, writing_samples=["Too short to judge."]), llm)
    with pytest.raises(InputError) as caught:
        generate_persona(_request(founder, writing_samples=[founder.training[0], "a\x00b"]), llm)
    assert caught.value.details["field"] == "writing_samples[1]"
    with pytest.raises(InputError, match="limit"):
        generate_persona(_request(founder), llm, max_text_chars=100)
    assert llm.requests == []


def test_a_model_that_never_answers_json_is_a_typed_error(founder: SampleWriter) -> None:
    llm = ScriptedLLM(responder=lambda request: "I would rather write a poem.")
    with pytest.raises(LLMOutputError):
        generate_persona(_request(founder), llm)


def test_drafts_from_onboarding_answers() -> None:
    llm = ScriptedLLM(["First draft.", "  ", "Third draft."])
    drafts = draft_samples(OnboardingData(business_type="bakery"), llm)
    assert drafts.samples == ["First draft.", "Third draft."]
    assert "bakery" in llm.requests[0].messages[-1].content
    with pytest.raises(InputError, match="no answers"):
        draft_samples(OnboardingData(), ScriptedLLM())


def test_the_persona_is_shown_under_the_writers_own_name_and_brand(
    founder: SampleWriter,
) -> None:
    onboarding = OnboardingData(writer_name="Dana Reyes", brand_name="Tallyline")
    generated = generate_persona(_request(founder, onboarding=onboarding), persona_writer())
    assert generated.fields["display_name"] == "Dana Reyes (Tallyline)"


def test_labels_that_copy_the_answers_or_loop_are_not_kept(founder: SampleWriter) -> None:
    """A 135M model answers "B2B SaaS startup" for every field, or loops on a name."""
    copied = {
        "persona_name": "Dana Reyes",
        "archetype": "B2B SaaS startup",
        "core_belief": "Dana Reyes is a leader in the B2B SaaS market. He is a leader in the",
        "brand_voice_description": "B2B SaaS startup",
    }
    onboarding = OnboardingData(writer_name="Dana Reyes", business_type="B2B SaaS startup")
    generated = generate_persona(
        _request(founder, onboarding=onboarding),
        persona_writer(identity=copied, tones={"default": "B2B SaaS startup"}),
    )
    fields = generated.fields
    assert fields["archetype"] is None
    assert fields["core_belief"] is None
    assert fields["stylistic_constraints"]["brand_voice"] == ""
    # the tone falls back to what the measurements say: the founder writes short sentences
    assert fields["tonal_range"]["default"] == "direct"


def test_examples_are_the_writers_own_sentences(founder: SampleWriter) -> None:
    generated = generate_persona(_request(founder), persona_writer())
    examples = generated.fields["stylistic_constraints"]["examples"]
    assert 3 <= len(examples) <= 12
    joined = " ".join(founder.training)
    assert all(sentence in " ".join(joined.split()) for sentence in examples)


def test_the_schemas_own_words_are_not_a_label(founder: SampleWriter) -> None:
    """Seen from the local model: archetype "Persona Name", echoed from the schema."""
    echoed = {**IDENTITY, "archetype": "Persona Name"}
    generated = generate_persona(_request(founder), persona_writer(identity=echoed))
    assert generated.fields["archetype"] is None
