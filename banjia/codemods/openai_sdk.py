"""What the `openai` package exposes, as far as an audit needs to know.

Kept as plain data so the analyzer stays a generic resolver and the knowledge can be
checked against the installed SDK in one place.
"""

from __future__ import annotations

from typing import NamedTuple

# Client classes, by qualified name -> the canonical class name reported.
CLIENT_CLASSES: dict[str, str] = {
    "openai.OpenAI": "OpenAI",
    "openai.AsyncOpenAI": "AsyncOpenAI",
    "openai.AzureOpenAI": "AzureOpenAI",
    "openai.AsyncAzureOpenAI": "AsyncAzureOpenAI",
    "openai.Client": "OpenAI",
    "openai.AsyncClient": "AsyncOpenAI",
    "openai.lib.azure.AzureOpenAI": "AzureOpenAI",
    "openai.lib.azure.AsyncAzureOpenAI": "AsyncAzureOpenAI",
    "openai._client.OpenAI": "OpenAI",
    "openai._client.AsyncOpenAI": "AsyncOpenAI",
}

ASYNC_CLIENTS = frozenset({"AsyncOpenAI", "AsyncAzureOpenAI"})

# Top-level resources of a v1 client (and of the `openai` module's default client).
RESOURCES = frozenset(
    {
        "chat", "completions", "embeddings", "images", "audio", "moderations", "files",
        "batches", "fine_tuning", "beta", "responses", "realtime", "models", "uploads",
        "vector_stores", "containers", "conversations", "evals", "webhooks", "graders",
    }
)

# Client methods that return another client with the same resources.
CLIENT_COPIES = frozenset({"with_options", "copy"})

# Wrappers on a resource that change the response type but keep the API path.
RESPONSE_WRAPPERS = frozenset({"with_raw_response", "with_streaming_response"})

# Attribute chains that, at the end of a call, are unmistakably the SDK even when the
# receiver cannot be resolved. Listed as the trailing names of the chain.
UNMISTAKABLE_SHAPES: tuple[tuple[str, ...], ...] = (
    ("chat", "completions", "create"),
    ("chat", "completions", "parse"),
    ("chat", "completions", "stream"),
    ("beta", "chat", "completions", "parse"),
    ("beta", "chat", "completions", "stream"),
    ("completions", "create"),
    ("embeddings", "create"),
    ("images", "generate"),
    ("images", "edit"),
    ("images", "create_variation"),
    ("audio", "transcriptions", "create"),
    ("audio", "translations", "create"),
    ("audio", "speech", "create"),
    ("moderations", "create"),
    ("responses", "create"),
    ("responses", "parse"),
    ("responses", "stream"),
    ("fine_tuning", "jobs", "create"),
    ("batches", "create"),
    ("files", "create"),
    ("beta", "assistants", "create"),
    ("beta", "threads", "create"),
    ("beta", "threads", "runs", "create"),
    ("beta", "threads", "messages", "create"),
)

# Legacy (openai < 1.0) module-level resources and the v1 API each became.
V0_RESOURCES: dict[str, str] = {
    "ChatCompletion": "chat.completions",
    "Completion": "completions",
    "Embedding": "embeddings",
    "Image": "images",
    "Audio": "audio",
    "Moderation": "moderations",
    "Edit": "edits",
    "File": "files",
    "FineTune": "fine_tunes",
    "FineTuningJob": "fine_tuning.jobs",
    "Model": "models",
    "Engine": "engines",
    "Customer": "customer",
    "Deployment": "deployments",
}

# v0 method -> v1 method, where the name changed.
V0_METHODS: dict[str, str] = {
    "acreate": "create",
    "alist": "list",
    "aretrieve": "retrieve",
    "adelete": "delete",
    "create_edit": "edit",
    "acreate_edit": "edit",
    "create_variation": "create_variation",
    "acreate_variation": "create_variation",
    "transcribe": "transcriptions.create",
    "atranscribe": "transcriptions.create",
    "translate": "translations.create",
    "atranslate": "translations.create",
}

# `openai.<attr> = ...` assignments that configure the module (v0 and v1 both).
MODULE_CONFIG = frozenset(
    {
        "api_key", "api_base", "base_url", "api_type", "api_version", "organization",
        "project", "proxy", "proxies", "api_key_path", "azure_endpoint", "azure_ad_token",
        "azure_ad_token_provider", "default_headers", "default_query", "max_retries",
        "timeout", "http_client", "requestssession", "aiosession", "app_info", "debug",
        "log", "verify_ssl_certs", "enable_telemetry", "webhook_secret",
    }
)

# Keyword arguments of an API call that shape the prompt or the sampling; reported
# with their literal values. Anything else passed is reported too, under "other".
PROMPT_PARAMETERS = frozenset(
    {
        "temperature", "top_p", "max_tokens", "max_completion_tokens", "max_output_tokens",
        "n", "stop", "presence_penalty", "frequency_penalty", "logit_bias", "seed",
        "response_format", "tools", "functions", "tool_choice", "function_call",
        "parallel_tool_calls", "stream", "stream_options", "user", "logprobs",
        "top_logprobs", "reasoning_effort", "reasoning", "modalities", "audio",
        "prediction", "service_tier", "store", "metadata", "text", "instructions",
        "dimensions", "encoding_format", "size", "quality", "style", "voice", "text_format",
        "best_of", "echo", "suffix", "prompt_cache_key", "safety_identifier", "verbosity",
        "web_search_options",
    }
)

# Wrapper libraries that speak the OpenAI protocol, by qualified class name.
WRAPPER_CLASSES: dict[str, str] = {
    "langchain_openai.ChatOpenAI": "langchain",
    "langchain_openai.OpenAI": "langchain",
    "langchain_openai.OpenAIEmbeddings": "langchain",
    "langchain_openai.AzureChatOpenAI": "langchain",
    "langchain_openai.AzureOpenAIEmbeddings": "langchain",
    "langchain_openai.AzureOpenAI": "langchain",
    "langchain_openai.chat_models.ChatOpenAI": "langchain",
    "langchain_openai.chat_models.AzureChatOpenAI": "langchain",
    "langchain_openai.embeddings.OpenAIEmbeddings": "langchain",
    "langchain_community.chat_models.ChatOpenAI": "langchain",
    "langchain_community.chat_models.AzureChatOpenAI": "langchain",
    "langchain_community.chat_models.openai.ChatOpenAI": "langchain",
    "langchain_community.llms.OpenAI": "langchain",
    "langchain_community.llms.openai.OpenAI": "langchain",
    "langchain_community.embeddings.OpenAIEmbeddings": "langchain",
    "langchain_community.embeddings.openai.OpenAIEmbeddings": "langchain",
    "langchain.chat_models.ChatOpenAI": "langchain",
    "langchain.chat_models.AzureChatOpenAI": "langchain",
    "langchain.llms.OpenAI": "langchain",
    "langchain.embeddings.OpenAIEmbeddings": "langchain",
    "langchain.embeddings.openai.OpenAIEmbeddings": "langchain",
    "llama_index.llms.openai.OpenAI": "llama_index",
    "llama_index.llms.azure_openai.AzureOpenAI": "llama_index",
    "llama_index.embeddings.openai.OpenAIEmbedding": "llama_index",
    "llama_index.llms.OpenAI": "llama_index",
    "llama_index.embeddings.OpenAIEmbedding": "llama_index",
}

# tiktoken entry points whose argument is an OpenAI model or encoding name.
TIKTOKEN_FUNCTIONS = frozenset(
    {"tiktoken.encoding_for_model", "tiktoken.get_encoding", "tiktoken.encoding_name_for_model"}
)

# Modules whose clients share the OpenAI call shape but are not OpenAI: never report them.
LOOKALIKE_MODULES = frozenset(
    {
        "zhipuai", "zai", "volcenginesdkarkruntime", "anthropic", "groq", "mistralai",
        "together", "fireworks", "cerebras", "dashscope", "qianfan", "cohere", "ollama",
        "litellm", "xai_sdk", "google", "vertexai", "huggingface_hub",
    }
)


# ---------------------------------------------------------------- upgrading v0 code to v1
class V0Call(NamedTuple):
    """How one legacy method becomes a v1 client call.

    `positional`: v1 keyword names for the v0 positional parameters, in order (v1 methods
    take keywords only, or name their first parameter differently). `renamed`: v0 keyword
    -> v1 keyword, for this method only.
    """

    api: str
    positional: tuple[str, ...] = ()
    renamed: dict[str, str] = {}


# "Resource.method" of openai<1.0 -> its v1 form. The async variant of each is the same
# method with an "a" in front (`acreate`, `aretrieve`, ...). Methods missing here have no
# v1 equivalent with the same behaviour (File.download returns a response object now).
V0_CALLS: dict[str, V0Call] = {
    "ChatCompletion.create": V0Call("chat.completions.create"),
    "Completion.create": V0Call("completions.create"),
    "Embedding.create": V0Call("embeddings.create"),
    "Image.create": V0Call("images.generate"),
    "Image.create_edit": V0Call("images.edit", ("image", "mask")),
    "Image.create_variation": V0Call("images.create_variation", ("image",)),
    "Moderation.create": V0Call("moderations.create", ("input", "model")),
    "Audio.transcribe": V0Call("audio.transcriptions.create", ("model", "file")),
    "Audio.translate": V0Call("audio.translations.create", ("model", "file")),
    "Model.list": V0Call("models.list"),
    "Model.retrieve": V0Call("models.retrieve", ("model",), {"id": "model"}),
    "Model.delete": V0Call("models.delete", ("model",), {"sid": "model"}),
    "File.create": V0Call("files.create", ("file", "purpose")),
    "File.list": V0Call("files.list"),
    "File.retrieve": V0Call("files.retrieve", ("file_id",), {"id": "file_id"}),
    "File.delete": V0Call("files.delete", ("file_id",), {"sid": "file_id"}),
    "FineTuningJob.create": V0Call("fine_tuning.jobs.create"),
    "FineTuningJob.list": V0Call("fine_tuning.jobs.list"),
    "FineTuningJob.retrieve": V0Call("fine_tuning.jobs.retrieve", ("fine_tuning_job_id",), {"id": "fine_tuning_job_id"}),
    "FineTuningJob.cancel": V0Call("fine_tuning.jobs.cancel", ("fine_tuning_job_id",), {"id": "fine_tuning_job_id"}),
    "FineTuningJob.list_events": V0Call("fine_tuning.jobs.list_events", ("fine_tuning_job_id",),
                                        {"id": "fine_tuning_job_id"}),
}

# Why a legacy resource has no v1 form, for the note left on its calls.
V0_RETIRED: dict[str, str] = {
    "Edit": "the edits endpoint was retired; ask a chat model to edit the text instead",
    "FineTune": "the fine-tunes endpoint was retired; use fine_tuning.jobs",
    "Engine": "engines were retired; models are listed with models.list",
    "Customer": "customer endpoints are not part of the v1 SDK",
    "Deployment": "Azure deployments are managed outside the SDK in v1",
    "File": "v1 files.content returns a response object, not bytes",
    "Audio": "v1 takes a file object; pass (filename, bytes) as file=",
}

# v0 keyword arguments of any call and their v1 names: Azure's deployment is the v1
# `model`, `request_timeout` became `timeout`, `headers` became `extra_headers`.
V0_KEYWORDS: dict[str, str] = {
    "engine": "model",
    "deployment_id": "model",
    "request_timeout": "timeout",
    "headers": "extra_headers",
}

# v0 per-call credentials and endpoint -> arguments of the v1 client's with_options().
V0_CLIENT_OPTIONS: dict[str, str] = {"api_key": "api_key", "api_base": "base_url", "organization": "organization"}

# v0 per-call arguments a v1 call cannot take, with what to do instead.
V0_UNPORTABLE_KEYWORDS: dict[str, str] = {
    "api_type": "choose OpenAI or AzureOpenAI for the client instead",
    "api_version": "set api_version on an AzureOpenAI client instead",
    "request_id": "v1 has no request_id argument; pass extra_headers if the header is needed",
    "user_provided_filename": "pass file=(filename, content) instead",
}

# Module configuration of openai<1.0 -> the client argument it becomes (non-Azure).
V0_CONFIG_ARGUMENTS: dict[str, str] = {
    "api_key": "api_key",
    "api_base": "base_url",
    "base_url": "base_url",
    "organization": "organization",
    "project": "project",
}

# The same for an Azure client (`openai.api_type = "azure"`); for api_type "azure_ad"
# the key is an Entra ID token.
V0_AZURE_CONFIG_ARGUMENTS: dict[str, str] = {
    "api_key": "api_key",
    "api_base": "azure_endpoint",
    "azure_endpoint": "azure_endpoint",
    "api_version": "api_version",
}
V0_AZURE_API_TYPES: dict[str, str] = {"azure": "api_key", "azure_ad": "azure_ad_token"}

# Module configuration with no client argument of the same name, and what replaces it.
V0_CONFIG_HINTS: dict[str, str] = {
    "api_key_path": "v1 has no api_key_path: read the key file and pass api_key= to the client",
    "proxy": "v1 takes a proxy through http_client=httpx.Client(proxy=...)",
    "proxies": "v1 takes a proxy through http_client=httpx.Client(proxy=...)",
    "requestssession": "v1 uses httpx: pass http_client= to the client",
    "aiosession": "v1 uses httpx: pass http_client=httpx.AsyncClient(...) to the async client",
    "verify_ssl_certs": "v1 uses httpx: pass http_client=httpx.Client(verify=...)",
    "api_version": "only Azure clients take api_version",
    "api_type": "choose OpenAI or AzureOpenAI for the client",
    "app_info": "v1 has no app_info; pass default_headers= if needed",
    "enable_telemetry": "v1 has no telemetry switch",
    "debug": "v1 logs through the `openai` logger (OPENAI_LOG=debug)",
    "log": "v1 logs through the `openai` logger (OPENAI_LOG=debug)",
}

# openai.error.<name> of openai<1.0 -> the v1 exception on `openai` (checked against
# openai/_exceptions.py). v0 Timeout is not v1 openai.Timeout, which is httpx's config type.
V0_ERRORS: dict[str, str] = {
    "OpenAIError": "OpenAIError",
    "APIError": "APIError",
    "APIConnectionError": "APIConnectionError",
    "Timeout": "APITimeoutError",
    "InvalidRequestError": "BadRequestError",
    "AuthenticationError": "AuthenticationError",
    "PermissionError": "PermissionDeniedError",
    "RateLimitError": "RateLimitError",
    "ServiceUnavailableError": "InternalServerError",
    "TryAgain": "APIError",
    "InvalidAPIType": "OpenAIError",
    "SignatureVerificationError": "OpenAIError",
}

# v0 exceptions whose v1 replacement catches more (or less) than before.
V0_ERROR_NOTES: dict[str, str] = {
    "TryAgain": "v1 has no TryAgain (an engine still loading); openai.APIError catches every API error",
    "InvalidAPIType": "v1 has no InvalidAPIType; a misconfigured client raises openai.OpenAIError",
    "SignatureVerificationError": "v1 has no SignatureVerificationError; webhook signatures raise "
                                  "openai.InvalidWebhookSignatureError",
    "InvalidRequestError": "v0 InvalidRequestError also covered 404s (unknown model); v1 raises NotFoundError for those",
}

# Submodules of openai<1.0 that v1 removed, with what replaces them.
V0_ONLY_MODULES: dict[str, str] = {
    "api_requestor": "v1 sends requests through the client; use client.with_raw_response for raw HTTP",
    "openai_object": "v1 responses are pydantic models (openai.BaseModel); use attributes and .model_dump()",
    "openai_response": "v1 responses are pydantic models; raw responses come from client.with_raw_response",
    "util": "v1 has no openai.util; responses convert with .model_dump()",
    "api_resources": "v1 resources live on the client (client.chat.completions, ...)",
    "embeddings_utils": "v1 has no embeddings_utils; call client.embeddings.create and compute similarity yourself",
    "datalib": "v1 has no datalib; import numpy / pandas directly",
    "wandb_logger": "v1 has no wandb_logger; use wandb's own OpenAI integration",
    "object_classes": "v1 has no object_classes",
    "upload_progress": "v1 has no upload_progress",
}

# Calls and methods that treat a v0 response as a dict; v1 responses are pydantic models.
V0_RESPONSE_AS_DICT: frozenset[str] = frozenset(
    {"dict", "json.dumps", "json.dump", "to_dict", "to_dict_recursive", "keys", "items", "values", "update"}
)

# Response fields that hold an object (not a string or a number): `"content" in delta`
# or `message[key]` on one of them treats it as a dict.
V0_RESPONSE_OBJECT_FIELDS: frozenset[str] = frozenset({"message", "delta", "usage", "function_call", "logprobs"})
