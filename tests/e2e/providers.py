"""The providers the loopback server stands in for: where each is mounted, the key it accepts, what it speaks.

A provider is served under `/<id>` followed by its real base path, so a program points
at it with `http://127.0.0.1:PORT/<id>` + the path of the provider's real base URL
(`/<id>@<tag>/...` also works: the tag labels a run's requests). The paths, auth
headers and limits come from providers.md, never from banjia's rule files: a rule with
a wrong base path or an out-of-range clamp gets the 404 or 400 the provider would send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol as TypingProtocol

from .protocols import ark, azure, dashscope, qianfan, zhipu
from .protocols.base import Limits, Range, Reply, Request
from .protocols.openai_compat import OpenAICompatible


class WireProtocol(TypingProtocol):
    limits: Limits

    def handle(self, request: Request, key: str) -> Reply | None: ...

    def error(self, status: int, failure: str, message: str) -> Reply: ...


@dataclass(frozen=True)
class Provider:
    id: str
    protocols: tuple[WireProtocol, ...]  # tried in order; the first one's error shape answers unknown paths

    @property
    def limits(self) -> Limits:
        """The documented parameter limits, shared by the provider's routes."""
        return self.protocols[0].limits

    @property
    def key(self) -> str:
        """The only API key the fake accepts for this provider."""
        return f"sk-e2e-{self.id}"

    def handle(self, request: Request) -> Reply:
        for protocol in self.protocols:
            reply = protocol.handle(request, self.key)
            if reply is not None:
                return reply
        return self.protocols[0].error(404, "not_found", f"no route {request.method} {request.path}")


# OpenAI's documented ranges, for the baseline and for providers that document none of their own.
OPENAI_LIMITS = Limits(ranges={"temperature": Range(0, 2), "top_p": Range(0, 1), "presence_penalty": Range(-2, 2),
                               "frequency_penalty": Range(-2, 2)})

PROVIDERS: dict[str, Provider] = {p.id: p for p in (
    Provider("openai", (OpenAICompatible(("/v1",), OPENAI_LIMITS, r"(gpt|o\d|text-embedding|chatgpt)[\w.-]*"),)),
    Provider("zhipu", (zhipu.Zhipu(),)),
    Provider("qwen", (dashscope.compatible(), dashscope.DashScopeNative())),
    Provider("qianfan", (qianfan.v2(),)),
    # §4: base URL https://api.deepseek.com (also /v1); no embeddings (POST /embeddings is a 404).
    Provider("deepseek", (OpenAICompatible(("", "/v1"), Limits(ranges={
        "temperature": Range(0, 2), "top_p": Range(0, 1, low_open=True), "presence_penalty": Range(-2, 2),
        "frequency_penalty": Range(-2, 2), "top_logprobs": Range(0, 20)}),
        r"deepseek-[\w.-]+", embeddings=False),)),
    # §5: temperature 0-1 (moonshot-v1), n at most 5; no embeddings API.
    Provider("moonshot", (OpenAICompatible(("/v1",), Limits(ranges={"temperature": Range(0, 1), "n": Range(1, 5)}),
                                           r"(moonshot|kimi)-[\w.-]+", embeddings=False),)),
    Provider("doubao", (ark.protocol(),)),
    # §7: ranges are U, so OpenAI's.
    Provider("hunyuan", (OpenAICompatible(("/v1",), OPENAI_LIMITS, r"hunyuan-[\w.-]+"),)),
    # §8: temperature and top_p (0, 1], max_tokens at most 2048, n only 1; embeddings are not OpenAI-shaped.
    Provider("minimax", (OpenAICompatible(("/v1",), Limits(ranges={
        "temperature": Range(0, 1, low_open=True), "top_p": Range(0, 1, low_open=True),
        "max_tokens": Range(1, 2048), "n": Range(1, 1)}), r"(MiniMax|abab)-[\w.-]+", embeddings=False),)),
    Provider("azure-cn", (azure.Azure(),)),
)}
