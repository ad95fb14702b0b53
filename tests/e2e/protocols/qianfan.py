"""Baidu Qianfan v2 (providers.md §3.2, §3.3): the OpenAI shape under `/v2`, bearer `bce-v3/...` keys.

The qianfan SDK's v2 client posts to `{console base}/v2/chat/completions` and adds
`extra_parameters`; its stream parser needs `data: ` with the space, which the shared
framing writes. Embeddings are float only (§3.2).
"""

from __future__ import annotations

from .base import Limits, Range
from .openai_compat import OpenAICompatible

BASE_PATH = "/v2"

# §3.3: v2 ranges are U; these are the v1 figures (temperature (0, 1], top_p [0, 1]),
# the ones the rule file clamps to.
LIMITS = Limits(ranges={"temperature": Range(0, 1, low_open=True), "top_p": Range(0, 1)})

QIANFAN_CODES = {"auth": "invalid_iam_token", "not_found": "not_found", "model": "invalid_model",
                 "parameter": "invalid_argument"}


def v2() -> OpenAICompatible:
    """The v2 protocol: the OpenAI shape with Qianfan's path, limits, model ids and error codes."""
    return OpenAICompatible(
        base_paths=(BASE_PATH,),
        limits=LIMITS,
        model_pattern=r"(ernie|embedding|bge|tao|deepseek|qwen)-?.+",
        float_only_embeddings=True,
        codes=dict(QIANFAN_CODES),
    )
