"""Volcengine Ark / Doubao (providers.md §6.2, §6.3): the OpenAI shape under `/api/v3`.

The Ark SDK sends every parameter, with explicit nulls for the unset ones; the shared
handler treats a null as "not set". Errors use Ark's codes (`InvalidParameter`).
"""

from __future__ import annotations

from .base import Limits, Range
from .openai_compat import OpenAICompatible

BASE_PATH = "/api/v3"

# §6.3: temperature [0, 1] in Ark's own (older) doc, penalties [-2, 2],
# max_completion_tokens [0, 65536], at most 4 stop words.
LIMITS = Limits(
    ranges={
        "temperature": Range(0, 1),
        "top_p": Range(0, 1),
        "presence_penalty": Range(-2, 2),
        "frequency_penalty": Range(-2, 2),
        "max_completion_tokens": Range(0, 65536),
    },
    max_stop_words=4,
)

ARK_CODES = {
    "auth": "AuthenticationError",
    "not_found": "NotFound",
    "model": "InvalidEndpointOrModel.NotFound",
    "parameter": "InvalidParameter",
}


def protocol() -> OpenAICompatible:
    """The Ark protocol: the OpenAI shape with Ark's path, limits, model ids and error codes."""
    return OpenAICompatible(
        base_paths=(BASE_PATH,),
        limits=LIMITS,
        model_pattern=r"(doubao-.+|ep-.+)",
        codes=dict(ARK_CODES),
    )
