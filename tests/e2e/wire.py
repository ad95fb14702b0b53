"""Reading recorded requests the same way whatever the protocol, and the checks every migrated run must pass.

The OpenAI shape carries the model, messages, tools and parameters at the top of the
body; DashScope's native protocol nests them (`{model, input: {messages}, parameters}`)
and asks for a stream in a header. The helpers here hide that, so the compatible and
the native suites assert the same things.
"""

from __future__ import annotations

from typing import Any, Sequence

from banjia.rules.model import RuleSet

from .providers import PROVIDERS
from .server import Recorded

WEATHER_RESULT = "sunny in Hangzhou, 21 degrees"  # what apps/tools.py sends back as the tool's output


def is_dashscope_native(request: Recorded) -> bool:
    body = request.body
    return isinstance(body, dict) and isinstance(body.get("input"), dict) and "parameters" in body


def api_of(request: Recorded) -> str:
    """"chat" or "embeddings", from the last path segment (completions, generation, embeddings, text-embedding)."""
    return "embeddings" if "embedding" in request.path.rsplit("/", 1)[-1] else "chat"


def sent_model(request: Recorded) -> str:
    """The model a request asked for: the body's, or the deployment in an Azure path."""
    if request.path.startswith("/openai/deployments/"):
        return request.path.split("/")[3]
    return request.body["model"]


def parameters_of(request: Recorded) -> dict[str, Any]:
    return request.body["parameters"] if is_dashscope_native(request) else request.body


def messages_of(request: Recorded) -> list[dict[str, Any]]:
    return request.body["input"]["messages"] if is_dashscope_native(request) else request.body["messages"]


def streamed(request: Recorded) -> bool:
    """Whether a stream was asked for: `stream: true`, or DashScope's `X-DashScope-SSE: enable` header."""
    return parameters_of(request).get("stream") is True or request.headers.get("x-dashscope-sse") == "enable"


def sent_by_openai_sdk(request: Recorded) -> bool:
    """The openai package says so in its User-Agent (`OpenAI/Python 3.57.0`, `AsyncOpenAI/Python ...`).

    zhipuai, dashscope, qianfan and Ark send their own (httpx's, dashscope/..., aiohttp's or
    requests', volc-sdk-python/...).
    """
    return request.headers.get("user-agent", "").removeprefix("Async").startswith("OpenAI/Python")


def credential(request: Recorded, rules: RuleSet) -> str | None:
    if rules.endpoint.client == "AzureOpenAI":
        return request.headers.get("api-key")
    return request.headers.get("authorization", "").removeprefix("Bearer ")


def assert_sent_as_documented(sent: Sequence[Recorded], original: Sequence[Recorded], rules: RuleSet,
                              streaming: bool) -> None:
    """Every request answered 200, the same APIs as the unmigrated run, the provider's key, mapped models, in range."""
    assert sent, "nothing was sent"
    assert [r.status for r in sent] == [200] * len(sent), [(r.path, r.status, r.body) for r in sent]
    assert sorted(api_of(r) for r in sent) == sorted(api_of(r) for r in original)
    assert {credential(r, rules) for r in sent} == {PROVIDERS[rules.id].key}
    assert sorted(sent_model(r) for r in sent) == sorted(rules.map_model(sent_model(r)).target for r in original)
    for request in sent:
        assert PROVIDERS[rules.id].limits.violations(parameters_of(request)) == []
        assert streamed(request) is streaming


def assert_tool_round_trip(requests: Sequence[Recorded]) -> None:
    """apps/tools.py: the tool offered, then its result sent back under the id of the call the model made."""
    first, second = requests
    assert parameters_of(first)["tools"][0]["function"]["name"] == "get_weather"
    assistant, tool = messages_of(second)[-2:]
    assert tool["role"] == "tool" and tool["content"] == WEATHER_RESULT
    assert tool["tool_call_id"] in [call["id"] for call in assistant["tool_calls"]]
