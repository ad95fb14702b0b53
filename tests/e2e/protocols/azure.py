"""Azure OpenAI (providers.md §9): `/openai/deployments/{deployment}/...?api-version=...` with an `api-key` header.

The deployment in the path is the model; the body's `model` is not what Azure routes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .base import Limits, Range, Reply, Request
from .openai_compat import OpenAICompatible, Route

_DEPLOYMENT_PATH = re.compile(r"/openai/deployments/(?P<deployment>[^/]+)/(?P<api>chat/completions|embeddings)")

# OpenAI's own ranges: Azure serves OpenAI's models.
LIMITS = Limits(ranges={"temperature": Range(0, 2), "top_p": Range(0, 1), "presence_penalty": Range(-2, 2),
                        "frequency_penalty": Range(-2, 2)})


@dataclass(frozen=True)
class Azure(OpenAICompatible):
    base_paths: tuple[str, ...] = ()
    limits: Limits = LIMITS
    model_pattern: str = r"[\w.-]+"

    def route(self, request: Request) -> Route | None:
        match = _DEPLOYMENT_PATH.fullmatch(request.path)
        if match is None:
            return None
        return Route("chat" if match["api"] == "chat/completions" else "embeddings", match["deployment"])

    def authenticated(self, request: Request, key: str) -> bool:
        return request.headers.get("api-key") == key

    def handle(self, request: Request, key: str) -> Reply | None:
        if self.route(request) is not None and not request.query.get("api-version"):
            return self.error(404, "not_found", "api-version query parameter is required")
        return super().handle(request, key)
