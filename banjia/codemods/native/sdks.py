"""What the OpenAI-shaped provider SDKs accept, as data: the native rewrite reads only these tables.

zhipuai, zai-sdk, qianfan's v2 client and volcenginesdkarkruntime all copy the openai
client's shape (`client.chat.completions.create(...)`), but not its keywords: zhipuai
and Ark declare every keyword and have no `**kwargs`, so an OpenAI-only keyword is a
TypeError; qianfan forwards unknown keywords into the request body. Every set below was
read off `inspect.signature` of the installed SDK (versions in `verified_with`);
tests/test_native_sdks.py checks them against the SDKs whenever they are importable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class AsyncStyle(str, Enum):
    """How the SDK serves asyncio code written against AsyncOpenAI."""

    CLIENT = "client"  # an asyncio client class with the same methods (AsyncArk)
    METHOD = "method"  # the sync client has coroutine twins of its methods (qianfan: acreate)
    THREAD = "thread"  # none at all (zhipuai, zai): the sync call runs in asyncio.to_thread


class Models(str, Enum):
    """What an SDK's response objects are, which decides how openai's model methods are written (model_methods.py)."""

    OPENAI = "openai"  # a copy of openai's BaseModel (zhipuai, zai, Ark): model_dump, to_dict, ... all exist
    PYDANTIC_V1 = "pydantic.v1"  # .dict() / .json() only (qianfan.utils.pydantic)
    DICT = "dict"  # dicts with attribute access (DashScope)


@dataclass(frozen=True)
class Method:
    """One SDK method that serves an OpenAI API path."""

    accepts: frozenset[str] | None  # keyword arguments it takes; None: it forwards any keyword to the server
    renames: dict[str, str] = field(default_factory=dict)  # OpenAI keyword -> the SDK's name for it
    flagged: dict[str, str] = field(default_factory=dict)  # keywords a person must port: why


@dataclass(frozen=True)
class ShapedSdk:
    """One OpenAI-shaped SDK, named by its client class's qualified name."""

    client: str
    verified_with: str  # the distribution and version the tables were read from
    constructor: frozenset[str]  # keyword arguments of the client class
    constructor_renames: dict[str, str]  # OpenAI client keyword -> the SDK's name for it
    base_url_in_constructor: bool  # True when the SDK reads no base-URL variable: the migrated code passes it
    methods: dict[str, Method]  # OpenAI API path -> the SDK method serving it under the same path
    async_style: AsyncStyle
    async_method: str = ""  # AsyncStyle.METHOD: the coroutine twin of `create`
    errors: dict[str, str] = field(default_factory=dict)  # openai exception -> the SDK's, qualified
    error_import: str = "name"  # "name": `from module import Class`; "module": `import module`, then module.Class
    unmapped_error_advice: str = ""  # what to catch instead of an openai exception with no counterpart
    call_notes: dict[str, str] = field(default_factory=dict)  # keyword -> what the SDK silently does with it
    missing_apis: dict[str, str] = field(default_factory=dict)  # API path prefix -> why it stays on openai
    response_models: Models = Models.OPENAI  # what its responses are: which of openai's model methods they have

    @property
    def module(self) -> str:
        return self.client.rsplit(".", 1)[0]


# Keywords whose removal changes what the response holds: dropped, but the code reading it must change.
RESPONSE_SHAPING = frozenset({"n", "logprobs", "top_logprobs", "stream_options"})

_PORT_FUNCTIONS = "the legacy functions= interface is not in the SDK: port it to tools= / tool_choice="

_ZHIPU_CHAT = frozenset({
    "model", "request_id", "user_id", "do_sample", "stream", "temperature", "top_p", "max_tokens", "seed",
    "messages", "stop", "sensitive_word_check", "tools", "tool_choice", "meta", "extra", "extra_headers",
    "extra_body", "timeout", "response_format", "thinking",
})
_ZHIPU_EMBEDDINGS = frozenset({
    "input", "model", "dimensions", "encoding_format", "user", "request_id", "sensitive_word_check",
    "extra_headers", "extra_body", "disable_strict_validation", "timeout",
})
_ZHIPU_CONSTRUCTOR = frozenset({
    "api_key", "base_url", "timeout", "max_retries", "http_client", "custom_headers", "disable_token_cache",
    "_strict_response_validation", "source_channel",
})
_ZHIPU_CLAMP = ("the SDK silently rewrites it: temperature <= 0 is sent as 0.01 with do_sample=False (greedy), "
                "temperature >= 1 as 0.99; top_p is kept within [0.01, 0.99]")
_ZHIPU_MISSING = {
    "images": "the SDK's image method is images.generations, with other keywords",
    "audio": "the SDK's audio API is not OpenAI-shaped",
    "moderations": "the SDK's moderation API is not OpenAI-shaped",
    "files": "the SDK's files API serves Zhipu's own purposes (batch, fine-tuning, retrieval)",
    "fine_tuning": "the SDK's fine-tuning API is not OpenAI-shaped",
    "batches": "the SDK's batch API is not OpenAI-shaped",
}


def _zhipu(client: str, verified_with: str, chat_extra: frozenset[str], errors_module: str,
           unexported: frozenset[str] = frozenset()):
    prefix = f"{errors_module}."
    return ShapedSdk(
        client=client,
        verified_with=verified_with,
        constructor=_ZHIPU_CONSTRUCTOR,
        constructor_renames={"default_headers": "custom_headers"},
        base_url_in_constructor=False,  # ZhipuAI reads ZHIPUAI_BASE_URL (zai: ZAI_BASE_URL) itself
        methods={
            "chat.completions.create": Method(
                _ZHIPU_CHAT | chat_extra, renames={"user": "user_id"},
                flagged={"functions": _PORT_FUNCTIONS, "function_call": _PORT_FUNCTIONS},
            ),
            "embeddings.create": Method(_ZHIPU_EMBEDDINGS),
        },
        async_style=AsyncStyle.THREAD,
        errors={name: prefix + counterpart for name, counterpart in {
            "OpenAIError": _ZHIPU_BASE_ERROR[errors_module],
            "APIError": _ZHIPU_BASE_ERROR[errors_module],
            "APIStatusError": "APIStatusError",
            "BadRequestError": "APIRequestFailedError",
            "AuthenticationError": "APIAuthenticationError",
            "RateLimitError": "APIReachLimitError",
            "APIConnectionError": "APIConnectionError",
            "APITimeoutError": "APITimeoutError",
            "APIResponseValidationError": "APIResponseValidationError",
        }.items() if counterpart not in unexported},
        error_import="module",
        unmapped_error_advice=f"catch {prefix}APIStatusError and test its status_code (the SDK has classes for "
                              "400, 401, 429, 500 and 503 only)",
        call_notes={"temperature": _ZHIPU_CLAMP, "top_p": _ZHIPU_CLAMP},
        missing_apis=_ZHIPU_MISSING,
    )


_ZHIPU_BASE_ERROR = {"zhipuai": "ZhipuAIError", "zai.core": "ZaiError"}

_ARK_CHAT = frozenset({
    "messages", "model", "frequency_penalty", "function_call", "logit_bias", "logprobs", "max_tokens",
    "presence_penalty", "stop", "stream", "stream_options", "temperature", "tools", "top_logprobs", "top_p",
    "repetition_penalty", "n", "parallel_tool_calls", "service_tier", "tool_choice", "response_format", "thinking",
    "max_completion_tokens", "reasoning_effort", "user", "extra_headers", "extra_query", "extra_body", "timeout",
})
_ARK_EMBEDDINGS = frozenset({
    "input", "model", "encoding_format", "dimensions", "user", "extra_headers", "extra_query", "extra_body", "timeout",
})
_ARK_ERRORS = "volcenginesdkarkruntime._exceptions."

_QIANFAN_BODY_ONLY = ("qianfan sends unknown keywords as fields of the request body, so {name} would reach the "
                      "server as a field: pass its entries as keywords of the call instead")

SDKS: dict[str, ShapedSdk] = {
    sdk.client: sdk
    for sdk in (
        _zhipu("zhipuai.ZhipuAI", "zhipuai 2.1.5.20250825", frozenset(), "zhipuai"),
        # zai.core exports its exceptions except APIConnectionError (zai-sdk 0.0.3.4)
        _zhipu("zai.ZhipuAiClient", "zai-sdk 0.0.3.4", frozenset({"watermark_enabled"}), "zai.core",
               frozenset({"APIConnectionError"})),
        _zhipu("zai.ZaiClient", "zai-sdk 0.0.3.4", frozenset({"watermark_enabled"}), "zai.core",
               frozenset({"APIConnectionError"})),
        ShapedSdk(
            client="volcenginesdkarkruntime.Ark",
            verified_with="volcengine-ark-runtime 5.0.54",
            constructor=frozenset({"base_url", "ak", "sk", "api_key", "region", "timeout", "max_retries",
                                   "http_client"}),
            constructor_renames={},
            base_url_in_constructor=True,  # Ark reads no base-URL variable
            methods={
                "chat.completions.create": Method(_ARK_CHAT, flagged={"functions": _PORT_FUNCTIONS}),
                "embeddings.create": Method(_ARK_EMBEDDINGS),
            },
            async_style=AsyncStyle.CLIENT,
            errors={
                "OpenAIError": _ARK_ERRORS + "ArkError",
                "APIError": _ARK_ERRORS + "ArkAPIError",
                "APIStatusError": _ARK_ERRORS + "ArkAPIStatusError",
                "APIConnectionError": _ARK_ERRORS + "ArkAPIConnectionError",
                "APITimeoutError": _ARK_ERRORS + "ArkAPITimeoutError",
                "APIResponseValidationError": _ARK_ERRORS + "ArkAPIResponseValidationError",
                "BadRequestError": _ARK_ERRORS + "ArkBadRequestError",
                "AuthenticationError": _ARK_ERRORS + "ArkAuthenticationError",
                "PermissionDeniedError": _ARK_ERRORS + "ArkPermissionDeniedError",
                "NotFoundError": _ARK_ERRORS + "ArkNotFoundError",
                "ConflictError": _ARK_ERRORS + "ArkConflictError",
                "UnprocessableEntityError": _ARK_ERRORS + "ArkUnprocessableEntityError",
                "RateLimitError": _ARK_ERRORS + "ArkRateLimitError",
                "InternalServerError": _ARK_ERRORS + "ArkInternalServerError",
                "LengthFinishReasonError": _ARK_ERRORS + "ArkLengthFinishReasonError",
                "ContentFilterFinishReasonError": _ARK_ERRORS + "ArkContentFilterFinishReasonError",
            },
            error_import="name",
            unmapped_error_advice=f"catch {_ARK_ERRORS}ArkAPIStatusError and test its status_code",
            missing_apis={
                "images.edit": "Ark serves image generation only",
                "images.create_variation": "Ark serves image generation only",
                "audio": "Ark has no OpenAI-shaped audio API",
                "moderations": "Ark has no moderation API",
                "fine_tuning": "Ark has no OpenAI-shaped fine-tuning API",
            },
        ),
        ShapedSdk(
            client="qianfan.Qianfan",
            verified_with="qianfan 0.4.12.3",
            constructor=frozenset({"access_key", "secret_key", "api_key", "bearer_token", "app_id",
                                   "console_api_base_url", "request_timeout", "retry_count"}),
            constructor_renames={"timeout": "request_timeout", "max_retries": "retry_count"},
            base_url_in_constructor=False,  # Qianfan reads QIANFAN_CONSOLE_API_BASE_URL itself
            methods={
                "chat.completions.create": Method(
                    None,  # create(messages, model, ..., **kwargs): other keywords go into the request body
                    renames={"timeout": "request_timeout"},
                    flagged={name: _QIANFAN_BODY_ONLY.format(name=name)
                             for name in ("extra_body", "extra_headers", "extra_query")},
                ),
            },
            async_style=AsyncStyle.METHOD,
            async_method="acreate",
            errors={"OpenAIError": "qianfan.errors.QianfanError", "APIError": "qianfan.errors.QianfanError"},
            error_import="module",
            unmapped_error_advice="catch qianfan.errors.APIError (an error in the response body, with error_code) "
                                  "or qianfan.errors.RequestError (an HTTP failure, with status_code)",
            missing_apis={
                "embeddings": "the qianfan SDK has no v2 embeddings client; the compatible endpoint serves them",
            },
            response_models=Models.PYDANTIC_V1,  # qianfan.utils.pydantic is pydantic.v1
        ),
    )
}


def sdk_for(client: str) -> ShapedSdk | None:
    """The tables for a rule file's native client class, or None when it is not an OpenAI-shaped SDK."""
    return SDKS.get(client)
