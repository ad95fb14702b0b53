"""The built-in model maps: every OpenAI family is mapped on purpose, and special-purpose
models (speech, transcription, realtime, audio chat, web search, instruct) are never caught
by the broader glob of the chat model whose name they start with."""

from __future__ import annotations

import pytest

from banjia.rules.loader import builtin_ids, load_builtin

FAMILIES = [
    "gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4-turbo",
    "gpt-4", "gpt-3.5-turbo", "o1", "o3-mini", "o4-mini", "gpt-4-vision-preview", "text-embedding-3-small",
    "text-embedding-3-large", "text-embedding-ada-002", "dall-e-3", "whisper-1", "tts-1",
]
# Model id -> the word the matching pattern must contain.
SPECIAL = {
    "gpt-4o-mini-tts": "tts",
    "gpt-4o-transcribe": "transcribe",
    "gpt-4o-mini-transcribe": "transcribe",
    "gpt-4o-realtime-preview-2024-12-17": "realtime",
    "gpt-4o-mini-realtime-preview": "realtime",
    "gpt-4o-audio-preview": "audio",
    "gpt-4o-mini-audio-preview-2024-12-17": "audio",
    "gpt-4o-search-preview": "search",
    "gpt-4o-mini-search-preview": "search",
    "gpt-3.5-turbo-instruct": "instruct",
}
AUDIO_MODELS = [m for m, word in SPECIAL.items() if word in ("tts", "transcribe", "realtime", "audio")]


@pytest.mark.parametrize("provider", builtin_ids())
def test_every_family_is_mapped_explicitly(provider: str) -> None:
    rules = load_builtin(provider)
    unmapped = [model for model in FAMILIES if not rules.map_model(model).pattern]
    assert unmapped == []


@pytest.mark.parametrize("provider", builtin_ids())
def test_special_purpose_models_match_their_own_pattern(provider: str) -> None:
    rules = load_builtin(provider)
    caught = {model: rules.map_model(model).pattern for model in SPECIAL}
    assert {m: p for m, p in caught.items() if SPECIAL[m] not in p} == {}


@pytest.mark.parametrize("provider", [p for p in builtin_ids() if p != "azure-cn"])
def test_audio_models_have_no_equivalent_where_audio_is_unsupported(provider: str) -> None:
    rules = load_builtin(provider)
    assert rules.unsupported_api("audio.speech.create") is not None
    assert {model: rules.map_model(model).target for model in AUDIO_MODELS} == dict.fromkeys(AUDIO_MODELS)
