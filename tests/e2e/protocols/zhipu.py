"""Zhipu GLM (providers.md §1.2, §1.3, §1.5): the OpenAI shape with Zhipu's error codes and response fields.

The native SDK (zhipuai, zai) and the OpenAI-compatible route share one base path,
`/api/paas/v4`. Responses carry `request_id` and no `object` field; errors are
`{"error": {"code": "1214", ...}}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import answers
from .base import Limits, Range, request_id
from .openai_compat import OpenAICompatible

BASE_PATH = "/api/paas/v4"

# §1.3 (temperature in [0, 1] on the compatible route), §1.5 (top_p [0.01, 1], one stop word).
LIMITS = Limits(
    ranges={"temperature": Range(0, 1), "top_p": Range(0.01, 1)},
    max_stop_words=1,
)

ZHIPU_CODES = {"auth": "1000", "not_found": "1234", "model": "1211", "parameter": "1214"}


@dataclass(frozen=True)
class Zhipu(OpenAICompatible):
    base_paths: tuple[str, ...] = (BASE_PATH,)
    limits: Limits = LIMITS
    model_pattern: str = r"(glm|embedding|cogview|charglm)-.+"
    codes: dict[str, str] = field(default_factory=lambda: dict(ZHIPU_CODES))

    def completion(self, model: str, reply: answers.Answer, usage: dict[str, int]) -> dict[str, Any]:
        body = super().completion(model, reply, usage)
        del body["object"]
        return {**body, "request_id": request_id()}
