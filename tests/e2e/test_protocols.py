"""Each protocol handler against the provider's real SDK: chat, stream, embeddings and an error it understands.

These are the SDKs `--strategy native` targets (providers.md §12 says where each is
pointed); if one of them cannot parse what the loopback server sends, the native
end-to-end runs would fail for the server's sake, not the migration's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .protocols import answers
from .providers import PROVIDERS
from .server import FakeProviders

pytestmark = pytest.mark.e2e

QUESTION = "Which river flows through Wuhan"
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": QUESTION}]
ECHO = f"Echo: {QUESTION}"
DELTAS = answers.stream_pieces(ECHO)
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def _key(provider: str) -> str:
    return PROVIDERS[provider].key


def _last(server: FakeProviders, provider: str, tag: str) -> Any:
    return server.requests(provider, tag)[-1]


# ---------------------------------------------------------------------------------- Zhipu


@pytest.fixture(params=["zhipuai", "zai"])
def zhipu_client(request: pytest.FixtureRequest, fake_providers: FakeProviders) -> Any:
    """zhipuai.ZhipuAI and zai.ZhipuAiClient share the protocol; both are pointed at the fake."""
    base_url = fake_providers.url_for("zhipu", "/api/paas/v4", f"sdk-{request.param}")
    if request.param == "zhipuai":
        from zhipuai import ZhipuAI

        return ZhipuAI(api_key=_key("zhipu"), base_url=base_url, max_retries=0)
    from zai import ZhipuAiClient

    return ZhipuAiClient(api_key=_key("zhipu"), base_url=base_url, max_retries=0)


def test_zhipu_sdk_chat_stream_tools_and_embeddings(zhipu_client: Any) -> None:
    reply = zhipu_client.chat.completions.create(model="glm-4-flash", messages=MESSAGES, temperature=0)
    assert reply.choices[0].message.content == ECHO
    stream = zhipu_client.chat.completions.create(model="glm-4-flash", messages=MESSAGES, stream=True)
    assert [c.choices[0].delta.content for c in stream if c.choices[0].delta.content] == DELTAS
    called = zhipu_client.chat.completions.create(model="glm-4.6", messages=MESSAGES, tools=[WEATHER_TOOL])
    assert called.choices[0].message.tool_calls[0].function.arguments == '{"city": "Wuhan"}'
    vectors = zhipu_client.embeddings.create(model="embedding-3", input=["a", "b"], dimensions=256)
    assert [d.embedding for d in vectors.data] == [answers.embedding(t, 256) for t in ["a", "b"]]


def test_zhipu_sdk_sees_the_wire_it_documents(fake_providers: FakeProviders) -> None:
    from zhipuai import APIRequestFailedError, ZhipuAI

    client = ZhipuAI(api_key=_key("zhipu"), base_url=fake_providers.url_for("zhipu", "/api/paas/v4", "sdk-wire"),
                     max_retries=0)
    client.chat.completions.create(model="glm-4-flash", messages=MESSAGES, temperature=0)
    sent = _last(fake_providers, "zhipu", "sdk-wire")
    assert sent.headers["authorization"] == f"Bearer {_key('zhipu')}"
    assert (sent.body["temperature"], sent.body["do_sample"]) == (0.01, False)  # the SDK's own clamp (§1.1)
    with pytest.raises(APIRequestFailedError) as failure:  # GLM takes one stop word (§1.5)
        client.chat.completions.create(model="glm-4-flash", messages=MESSAGES, stop=["x", "y"])
    assert failure.value.status_code == 400


# ---------------------------------------------------------------------------------- DashScope


@pytest.fixture
def dashscope_module(fake_providers: FakeProviders, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The module reads its URL per call from `base_http_api_url` (its env variable only at import)."""
    import dashscope

    monkeypatch.setattr(dashscope, "base_http_api_url", fake_providers.url_for("qwen", "/api/v1", "sdk-dashscope"))
    monkeypatch.setattr(dashscope, "api_key", _key("qwen"))
    return dashscope


def test_dashscope_sdk_generation_and_its_stream_framing(dashscope_module: Any) -> None:
    generation = dashscope_module.Generation
    reply = generation.call(model="qwen-plus", messages=MESSAGES, result_format="message")
    assert reply.status_code == 200 and reply.output.choices[0].message.content == ECHO
    assert generation.call(model="qwen-plus", messages=MESSAGES).output.text == ECHO  # the legacy text format
    incremental = generation.call(model="qwen-plus", messages=MESSAGES, result_format="message", stream=True,
                                  incremental_output=True)
    assert [c.output.choices[0].message.content for c in incremental] == DELTAS
    cumulative = list(generation.call(model="qwen-plus", messages=MESSAGES, result_format="message", stream=True))
    assert cumulative[-1].output.choices[0].message.content == ECHO and len(cumulative) == len(DELTAS)
    called = generation.call(model="qwen-plus", messages=MESSAGES, tools=[WEATHER_TOOL], result_format="message")
    assert called.output.choices[0].message.get("tool_calls")[0]["function"]["name"] == "get_weather"


def test_dashscope_sdk_async_embeddings_and_returned_errors(dashscope_module: Any) -> None:
    reply = asyncio.run(dashscope_module.AioGeneration.call(model="qwen-max", messages=MESSAGES,
                                                             result_format="message"))
    assert reply.output.choices[0].message.content == ECHO
    vectors = dashscope_module.TextEmbedding.call(model="text-embedding-v4", input=["a", "b"], dimension=64)
    ordered = sorted(vectors.output["embeddings"], key=lambda e: e["text_index"])
    assert [e["embedding"] for e in ordered] == [answers.embedding(t, 64) for t in ["a", "b"]]
    refused = dashscope_module.Generation.call(model="qwen-plus", messages=MESSAGES, temperature=2.0)  # [0, 2)
    assert (refused.status_code, refused.code) == (400, "InvalidParameter")


def test_dashscope_compatible_route_serves_only_float_embeddings(fake_providers: FakeProviders) -> None:
    from openai import BadRequestError, OpenAI

    client = OpenAI(api_key=_key("qwen"), base_url=fake_providers.url_for("qwen", "/compatible-mode/v1"),
                    max_retries=0)
    floats = client.embeddings.create(model="text-embedding-v4", input=["a"], encoding_format="float")
    assert floats.data[0].embedding == answers.embedding("a", None)
    with pytest.raises(BadRequestError):
        client.embeddings.create(model="text-embedding-v4", input=["a"])  # the SDK asks for base64


# ---------------------------------------------------------------------------------- Qianfan v2


def test_qianfan_sdk_v2_chat_and_stream(fake_providers: FakeProviders) -> None:
    from qianfan import Qianfan

    client = Qianfan(api_key=_key("qianfan"), console_api_base_url=fake_providers.url_for("qianfan", "", "sdk-v2"))
    reply = client.chat.completions.create(model="ernie-4.0-turbo-8k", messages=MESSAGES)
    assert reply.choices[0].message.content == ECHO
    stream = client.chat.completions.create(model="ernie-speed-128k", messages=MESSAGES, stream=True)
    assert [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content] == DELTAS
    sent = _last(fake_providers, "qianfan", "sdk-v2")
    assert sent.path == "/v2/chat/completions" and "extra_parameters" in sent.body


def test_qianfan_v2_embeddings_through_the_openai_sdk(fake_providers: FakeProviders) -> None:
    """The qianfan SDK has no v2 embeddings class (§3.2); the OpenAI SDK is the documented client."""
    from openai import OpenAI

    client = OpenAI(api_key=_key("qianfan"), base_url=fake_providers.url_for("qianfan", "/v2"), max_retries=0)
    vectors = client.embeddings.create(model="embedding-v1", input=["a", "b"], encoding_format="float")
    assert [d.embedding for d in vectors.data] == [answers.embedding(t, None) for t in ["a", "b"]]


# ---------------------------------------------------------------------------------- Ark


def test_ark_sdk_chat_stream_embeddings_and_errors(fake_providers: FakeProviders) -> None:
    from volcenginesdkarkruntime import Ark
    from volcenginesdkarkruntime._exceptions import ArkBadRequestError

    client = Ark(api_key=_key("doubao"), base_url=fake_providers.url_for("doubao", "/api/v3", "sdk-ark"),
                 max_retries=0)
    reply = client.chat.completions.create(model="doubao-seed-1-6-250615", messages=MESSAGES)
    assert reply.choices[0].message.content == ECHO
    assert _last(fake_providers, "doubao", "sdk-ark").body["frequency_penalty"] is None  # explicit nulls (§6.2)
    stream = client.chat.completions.create(model="doubao-seed-1-6-250615", messages=MESSAGES, stream=True,
                                            stream_options={"include_usage": True})
    chunks = list(stream)
    assert [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content] == DELTAS
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0
    vectors = client.embeddings.create(model="doubao-embedding-text-240715", input=["a"], encoding_format="float")
    assert vectors.data[0].embedding == answers.embedding("a", None)
    with pytest.raises(ArkBadRequestError):
        client.chat.completions.create(model="doubao-seed-1-6-250615", messages=MESSAGES, temperature=1.5)


# ---------------------------------------------------------------------------------- Azure


def test_azure_client_reaches_the_deployment_path(fake_providers: FakeProviders) -> None:
    from openai import AzureOpenAI, NotFoundError

    client = AzureOpenAI(azure_endpoint=fake_providers.url_for("azure-cn", "/", "sdk-azure"),
                         api_key=_key("azure-cn"), api_version="2024-10-21", max_retries=0)
    reply = client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert reply.choices[0].message.content == ECHO
    sent = _last(fake_providers, "azure-cn", "sdk-azure")
    assert (sent.path, sent.query, sent.headers["api-key"]) == (
        "/openai/deployments/gpt-4o/chat/completions", {"api-version": "2024-10-21"}, _key("azure-cn"))
    vectors = client.embeddings.create(model="text-embedding-3-small", input=["a"])
    assert vectors.data[0].embedding == answers.embedding("a", None)
    wrong_path = AzureOpenAI(azure_endpoint=fake_providers.url_for("azure-cn", "/v1/"), api_key=_key("azure-cn"),
                             api_version="2024-10-21", max_retries=0)
    with pytest.raises(NotFoundError):
        wrong_path.chat.completions.create(model="gpt-4o", messages=MESSAGES)
