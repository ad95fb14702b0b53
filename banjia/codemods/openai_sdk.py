"""What the `openai` package exposes, as far as an audit needs to know.

Kept as plain data so the analyzer stays a generic resolver and the knowledge can be
checked against the installed SDK in one place.
"""

from __future__ import annotations

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
