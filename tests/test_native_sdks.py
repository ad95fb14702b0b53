"""The native rewrite's SDK tables against the installed SDKs, and its output against their names.

Each test is skipped when the SDK it reads is not importable, so the suite runs without them.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from banjia.codemods.native.model_methods import OPENAI_METHODS
from banjia.codemods.native.sdks import SDKS, AsyncStyle, Models, ShapedSdk
from banjia.rules.loader import load_builtin

FIXTURES = Path(__file__).parent / "fixtures"
# Where each OpenAI-shaped SDK keeps the classes of its resources (the client builds them lazily).
_RESOURCE_CLASSES = {
    "zhipuai.ZhipuAI": {
        "chat.completions.create": "zhipuai.api_resource.chat.completions:Completions",
        "embeddings.create": "zhipuai.api_resource.embeddings:Embeddings",
    },
    "zai.ZhipuAiClient": {
        "chat.completions.create": "zai.api_resource.chat.completions:Completions",
        "embeddings.create": "zai.api_resource.embeddings:Embeddings",
    },
    "zai.ZaiClient": {
        "chat.completions.create": "zai.api_resource.chat.completions:Completions",
        "embeddings.create": "zai.api_resource.embeddings:Embeddings",
    },
    "volcenginesdkarkruntime.Ark": {
        "chat.completions.create": "volcenginesdkarkruntime.resources.chat.completions:Completions",
        "embeddings.create": "volcenginesdkarkruntime.resources.embeddings:Embeddings",
    },
    "qianfan.Qianfan": {"chat.completions.create": "qianfan.resources.llm.chat_completion:ChatCompletion"},
}


# The message class of each SDK's chat response (what `message.model_dump()` is called on).
_MESSAGE_CLASSES = {
    "zhipuai.ZhipuAI": "zhipuai.types.chat.chat_completion:CompletionMessage",
    "zai.ZhipuAiClient": "zai.types.chat.chat_completion:CompletionMessage",
    "zai.ZaiClient": "zai.types.chat.chat_completion:CompletionMessage",
    "volcenginesdkarkruntime.Ark": "volcenginesdkarkruntime.types.chat.chat_completion_message:ChatCompletionMessage",
    "qianfan.Qianfan": "qianfan.resources.typing_client:ChatCompletionMessage",
}
# What each kind of response object offers in place of openai's model methods.
_SERIALIZERS = {Models.OPENAI: set(OPENAI_METHODS), Models.PYDANTIC_V1: {"dict", "json"}}


def _import(qualified: str):
    module, _, name = qualified.replace(":", ".").rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as error:
        pytest.skip(f"{module} is not importable: {error}")


def _undecorated(function):
    """The function under decorators that do not use functools.wraps (Ark's with_sts_token)."""
    while function.__closure__:
        inner = [cell.cell_contents for cell in function.__closure__ if inspect.isfunction(cell.cell_contents)]
        if not inner:
            break
        function = inner[0]
    return function


def _keywords(function) -> tuple[frozenset[str], bool]:
    """(named parameters other than self, whether it takes **kwargs)."""
    parameters = inspect.signature(_undecorated(function)).parameters.values()
    named = frozenset(p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self")
    return named, any(p.kind is p.VAR_KEYWORD for p in parameters)


SHAPED = [pytest.param(sdk, id=client) for client, sdk in SDKS.items()]


@pytest.mark.parametrize("sdk", SHAPED)
def test_constructor_keywords_are_the_client_classes(sdk: ShapedSdk) -> None:
    named, _ = _keywords(_import(sdk.client).__init__)
    assert sdk.constructor == named
    assert set(sdk.constructor_renames.values()) <= named
    assert ("base_url" in named) or not sdk.base_url_in_constructor


@pytest.mark.parametrize("sdk", SHAPED)
def test_method_keywords_are_the_sdk_methods(sdk: ShapedSdk) -> None:
    assert set(sdk.methods) == set(_RESOURCE_CLASSES[sdk.client])
    for api, method in sdk.methods.items():
        resource = _import(_RESOURCE_CLASSES[sdk.client][api])
        named, open_ended = _keywords(getattr(resource, api.rsplit(".", 1)[-1]))
        if method.accepts is None:
            assert open_ended, f"{api}: the table says any keyword is forwarded"
        else:
            assert not open_ended and method.accepts == named, api
            assert not set(method.renames) & named and set(method.renames.values()) <= named, api
            assert not set(method.flagged) & named, api
        if sdk.async_style is AsyncStyle.METHOD:
            assert inspect.iscoroutinefunction(getattr(resource, sdk.async_method))


@pytest.mark.parametrize("sdk", SHAPED)
def test_response_models_have_the_methods_the_rewrite_writes(sdk: ShapedSdk) -> None:
    message = _import(_MESSAGE_CLASSES[sdk.client])
    assert all(callable(getattr(message, name, None)) for name in _SERIALIZERS[sdk.response_models])
    if sdk.response_models is not Models.OPENAI:
        assert not any(hasattr(message, name) for name in OPENAI_METHODS)


def test_dashscope_messages_are_dicts_without_openai_s_methods() -> None:
    message = _import("dashscope.api_entities.dashscope_response:Message")
    response = _import("dashscope.api_entities.dashscope_response:GenerationResponse")
    assert issubclass(message, dict) and issubclass(response, dict)
    assert not any(hasattr(message, name) for name in OPENAI_METHODS)


def test_the_openai_only_keywords_are_rejected_by_zhipuai() -> None:
    chat = SDKS["zhipuai.ZhipuAI"].methods["chat.completions.create"]
    for name in ("n", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "parallel_tool_calls",
                 "stream_options", "max_completion_tokens", "user"):
        assert name not in chat.accepts
    assert chat.renames == {"user": "user_id"}
    assert "seed" not in SDKS["volcenginesdkarkruntime.Ark"].methods["chat.completions.create"].accepts


@pytest.mark.parametrize("sdk", SHAPED)
def test_mapped_exceptions_exist_and_keep_openai_s_hierarchy(sdk: ShapedSdk) -> None:
    import openai

    mapped = {name: _import(target) for name, target in sdk.errors.items()}
    for name, cls in mapped.items():
        assert issubclass(cls, Exception), name
        for other, other_cls in mapped.items():
            if issubclass(getattr(openai, name), getattr(openai, other)):
                assert issubclass(cls, other_cls), f"{name} is an openai.{other}, but its counterpart is not"


def test_ark_has_no_base_url_variable_and_an_asyncio_client() -> None:
    client = _import("volcenginesdkarkruntime._client:Ark")
    source = inspect.getsource(client.__init__)
    assert "base_url" in source and "environ" in source  # the key, from ARK_API_KEY
    assert "ARK_BASE_URL" not in source
    assert inspect.iscoroutinefunction(_undecorated(_import(
        "volcenginesdkarkruntime.resources.chat.completions:AsyncCompletions").create))


@pytest.mark.parametrize("provider", ["zhipu", "qianfan", "doubao"])
def test_rule_file_native_section_names_real_classes(provider: str) -> None:
    native = load_builtin(provider).native
    assert native is not None and native.client in SDKS
    _import(native.client)
    if native.async_client:
        assert SDKS[native.client].async_style is AsyncStyle.CLIENT
        _import(native.async_client)


NATIVE_OUTPUTS = sorted(
    path for folder in ("zhipu-native", "qianfan-native", "doubao-native")
    for path in (FIXTURES / folder).glob("*.fixed.py")
)


@pytest.mark.parametrize("path", NATIVE_OUTPUTS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_migrated_code_names_only_what_the_sdks_define(path: Path) -> None:
    """Every name the migrated module imports from a provider SDK, or reads off one, exists there."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    compile(tree, str(path), "exec")
    roots = {sdk.module.split(".")[0] for sdk in SDKS.values()}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in roots:
            for alias in node.names:
                _import(f"{node.module}:{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in roots:
                    pytest.importorskip(alias.name)
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        dotted = _dotted(node) if isinstance(node, ast.Attribute) else None
        if dotted and dotted.split(".")[0] in modules:
            owner, _, name = dotted.rpartition(".")
            assert hasattr(importlib.import_module(owner), name), dotted


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else None
    return None
