"""What OpenAI names look like: model ids, environment variables, packages.

Shared by the Python analyzer and the config-file scanners so that a model name is
recognised the same way in `model="gpt-4o"` and in `model: gpt-4o` in a YAML file.
"""

from __future__ import annotations

import re

_DATE = r"(?:-\d{4}-\d{2}-\d{2}|-\d{4})?"

# Every OpenAI model family a migration has to map. Bare legacy base names
# ("davinci", "ada", ...) are ordinary words, so they count only where the value is
# known to be a model (a `model=` argument); see LEGACY_BASE_MODEL.
_MODEL_BODY = (
    r"(?:"
    r"ft:gpt-[a-z0-9.\-]+(?::[a-z0-9_\-]*)*"  # fine-tuned: ft:gpt-4o-mini:org:name:id
    r"|gpt-(?:3\.5|4(?:\.\d)?|4o|5(?:\.\d)?|oss|image|realtime|audio)(?:[.\-][a-z0-9]+)*"
    r"|chatgpt-(?:4o|image)(?:-[a-z0-9]+)*"
    r"|o[134](?:-(?:mini|preview|pro|deep-research)(?:-high|-low)?)?" + _DATE + r"|"
    r"text-embedding-(?:3-small|3-large|ada-002)"
    r"|text-(?:davinci|curie|babbage|ada)-00\d"
    r"|code-(?:davinci|cushman)-00\d"
    r"|(?:davinci|babbage)-002"
    r"|dall-e-[23]"
    r"|whisper-1"
    r"|tts-1(?:-hd)?" + _DATE + r"|"
    r"(?:omni|text)-moderation-(?:latest|stable|\d{3}|\d{4}-\d{2}-\d{2})"
    r")"
)

# A whole value that is an OpenAI model id, optionally with a router prefix as used
# by litellm and friends ("openai/gpt-4o", "azure/gpt-4o"). Case-sensitive like the
# API: "GPT-4" is a display name or a header, not something sent as `model=`.
MODEL_NAME = re.compile(r"(?:(?:openai|azure)[/:])?" + _MODEL_BODY + r"\Z")

# The same, found inside a longer text (config files), bounded so "my-gpt-4o-app"
# or "foo_gpt-4" do not count.
MODEL_NAME_IN_TEXT = re.compile(
    r"(?<![\w.\-/])(?:(?:openai|azure)[/:])?" + _MODEL_BODY + r"(?![\w\-])"
)

LEGACY_BASE_MODEL = re.compile(r"(?:davinci|curie|babbage|ada)\Z")

# OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_API_BASE, OPENAI_ORG_ID, AZURE_OPENAI_ENDPOINT, ...
ENV_VAR_NAME = re.compile(r"(?:AZURE_)?OPENAI_[A-Z0-9_]*[A-Z0-9]\Z")
ENV_VAR_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_])(?:AZURE_)?OPENAI_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_])")

# Distributions whose presence in a dependency file ties a project to OpenAI.
# Keys are normalised (PEP 503) names.
TRACKED_PACKAGES: dict[str, str] = {
    "openai": "the OpenAI SDK",
    "tiktoken": "OpenAI's tokenizer (token counts differ on other providers' models)",
    "langchain-openai": "LangChain's OpenAI integration",
    "llama-index-llms-openai": "LlamaIndex's OpenAI LLM integration",
    "llama-index-embeddings-openai": "LlamaIndex's OpenAI embeddings integration",
    "openai-agents": "the OpenAI Agents SDK",
}


def normalize_package(name: str) -> str:
    """PEP 503 normalisation: `LangChain_OpenAI` and `langchain.openai` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_model_name(value: str) -> bool:
    return MODEL_NAME.match(value) is not None
