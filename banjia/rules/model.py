"""A provider's rule set as plain values: what `banjia/rules/<id>.toml` says, validated.

The rewrite reads only these types; the TOML layout, its validation and the error
messages live in `banjia/rules/loader.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from fnmatch import fnmatchcase
from typing import Any

# litellm-style router prefixes ("openai/gpt-4o") are not part of the model id.
_ROUTER_PREFIX = re.compile(r"^(?:openai|azure)[/:]")


class Safety(str, Enum):
    """Whether a fix is applied: by default, only with --unsafe, or never (reported with a TODO)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    MANUAL = "manual"


class Action(str, Enum):
    CLAMP = "clamp"  # keep a literal inside [min, max]
    RENAME = "rename"  # pass the value under another keyword (`to`)
    DROP = "drop"  # remove the keyword: the provider rejects or ignores it
    EXTRA_BODY = "extra_body"  # provider-only parameter: move into extra_body={...}
    ADD = "add"  # required addition: `name=value` when the call does not pass it
    FLAG = "flag"  # never changed automatically; reported with a TODO


@dataclass(frozen=True)
class Endpoint:
    base_url: str  # the OpenAI-compatible base URL
    api_key_env: str  # where the key comes from
    base_url_env: str  # overrides base_url at run time (deployments, tests)
    client: str = "OpenAI"  # the openai SDK class to use: "OpenAI" or "AzureOpenAI"
    regions: dict[str, str] = field(default_factory=dict)  # other regions' base URLs
    source: str = ""  # where these facts come from (V-src / V-docs / U)


@dataclass(frozen=True)
class NativeSdk:
    """The provider's own SDK, for `migrate --strategy native` (only providers that have one)."""

    package: str  # the distribution dependency files gain ("zhipuai")
    requirement: str  # how they pin it ("zhipuai>=2.1.5")
    client: str  # qualified name of the client class, or of the module whose functions are called
    api_key_env: str  # the variable the migrated code takes the key from
    base_url: str  # the SDK's endpoint
    base_url_env: str  # overrides base_url at run time (deployments, tests)
    async_client: str = ""  # qualified name of the asyncio client; "" when the SDK has none
    source: str = ""  # where these facts come from (V-src / V-docs / U)


@dataclass(frozen=True)
class ModelTarget:
    """What an OpenAI model becomes. `target` None means the provider has no equivalent."""

    target: str | None
    note: str = ""
    pattern: str = ""  # the rule-file key that matched, for reports


@dataclass(frozen=True)
class ParameterRule:
    api: str  # "chat.completions", "completions", "embeddings", ... or "*" for all
    name: str  # the OpenAI keyword argument
    action: Action
    safety: Safety
    note: str  # why: shown in the report and in TODO comments
    minimum: float | None = None  # CLAMP: inclusive bounds
    maximum: float | None = None
    to: str | None = None  # RENAME: the provider's keyword
    value: Any = None  # ADD: the value to pass
    source: str = ""


@dataclass(frozen=True)
class Unsupported:
    """An API the provider does not serve (e.g. DeepSeek embeddings)."""

    api: str  # prefix of the API path: "embeddings", "images", "audio", "beta.assistants"
    message: str
    source: str = ""


@dataclass(frozen=True)
class Example:
    """A worked before/after pair from the rule file; the test suite runs each one."""

    name: str
    before: str
    after: str


@dataclass(frozen=True)
class RuleSet:
    id: str  # the file stem, the --to value
    name: str  # display name
    endpoint: Endpoint
    models: tuple[tuple[str, ModelTarget], ...]  # (glob pattern, target), as written
    default_chat_model: str  # for OpenAI chat/completion names no pattern matches
    default_embedding_model: str | None  # None: the provider has no embeddings
    parameters: tuple[ParameterRule, ...] = ()
    unsupported: tuple[Unsupported, ...] = ()
    examples: tuple[Example, ...] = ()
    notes: tuple[str, ...] = ()  # provider-wide cautions for the report
    path: str = ""  # the rule file it was loaded from
    native: NativeSdk | None = None  # None: only the compatible endpoint

    def map_model(self, openai_model: str) -> ModelTarget:
        """The provider model for an OpenAI model id: exact key, else the most specific glob, else the default."""
        name = _ROUTER_PREFIX.sub("", openai_model)
        best: tuple[int, str, ModelTarget] | None = None
        for pattern, target in self.models:
            if pattern == name:
                return target
            if fnmatchcase(name, pattern):
                specificity = len(pattern.replace("*", "").replace("?", ""))
                if best is None or specificity > best[0]:
                    best = (specificity, pattern, target)
        if best is not None:
            return best[2]
        if name.startswith(("text-embedding", "text-search", "text-similarity")):
            if self.default_embedding_model is None:
                return ModelTarget(None, f"{self.name} has no embeddings model", "")
            return ModelTarget(self.default_embedding_model, "default embedding model", "")
        return ModelTarget(self.default_chat_model, "no specific mapping: the rule file's default", "")

    def parameter_rules(self, api: str) -> list[ParameterRule]:
        """Rules for an API path such as "chat.completions.create" (matched on its resource)."""
        resource = api.rsplit(".", 1)[0] if api.count(".") else api
        return [r for r in self.parameters if r.api in ("*", resource, api)]

    def unsupported_api(self, api: str) -> Unsupported | None:
        for entry in self.unsupported:
            if api == entry.api or api.startswith(entry.api + "."):
                return entry
        return None
