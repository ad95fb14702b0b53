"""Read, validate and combine provider rule files.

A rule file decides what banjia writes into someone's code, so a typo must never pass
silently: every key is checked against a fixed schema, unknown keys are errors, and
all the problems of a file are reported at once, each on one line as
`FILE: KEY.PATH: reason`. The schema is checked by hand (no schema library) because
the rules are few and the messages matter more than the machinery.

Three kinds of input become one effective `RuleSet`:

- a built-in rule file `banjia/rules/<id>.toml` (complete; `id` is the file stem);
- override files passed with `--rules FILE` (partial: only `id` is required), merged
  in order by `merge`;
- model-map overrides from the project configuration (exact keys), applied last.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from banjia.rules.model import (
    Action,
    Endpoint,
    Example,
    ModelTarget,
    NativeSdk,
    ParameterRule,
    RuleSet,
    Safety,
    Unsupported,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SCHEMA_VERSION = 1
CLIENTS = ("OpenAI", "AzureOpenAI")
BUILTIN_PACKAGE = "banjia.rules"
BUILTIN_DISPLAY_DIR = "banjia/rules"

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_API_PATH = re.compile(r"^(?:\*|[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)$")
_ROUTER_PREFIX = re.compile(r"^(?:openai|azure)[/:]")
_TOML_POSITION = re.compile(r"^(?P<reason>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$")

_TOP_KEYS = (
    "schema_version", "id", "name", "notes", "endpoint", "native", "models", "parameters", "unsupported", "examples",
)
_ENDPOINT_KEYS = ("base_url", "api_key_env", "base_url_env", "client", "regions", "source")
_NATIVE_KEYS = ("package", "requirement", "client", "async_client", "api_key_env", "base_url", "base_url_env", "source")
_NATIVE_REQUIRED = ("package", "requirement", "client", "api_key_env", "base_url", "base_url_env")
_QUALIFIED_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[A-Za-z0-9._,-]+\])?\s*(?:[<>=!~]=?[^,\s]+(?:\s*,\s*[<>=!~]=?[^,\s]+)*)?$")
_MODELS_KEYS = ("default_chat", "default_embedding", "map", "source")
_MAP_ENTRY_KEYS = ("target", "none", "note")
_PARAMETER_KEYS = ("api", "name", "action", "safety", "note", "min", "max", "to", "value", "source")
_UNSUPPORTED_KEYS = ("api", "message", "source")
_EXAMPLE_KEYS = ("name", "before", "after")
# Keys that only one action reads; on any other action they would be silently ignored.
_ACTION_KEYS = {"min": Action.CLAMP, "max": Action.CLAMP, "to": Action.RENAME, "value": Action.ADD}


class RuleError(ValueError):
    """One or more problems in rule files; `errors` holds one line per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class RuleOverride:
    """A `--rules FILE`: only what it sets. `None` and empty values mean "keep the base's"."""

    id: str
    path: str
    name: str | None = None
    endpoint: Mapping[str, Any] = field(default_factory=dict)  # Endpoint field -> value; regions add to the base's
    native: Mapping[str, Any] = field(default_factory=dict)  # NativeSdk field -> value (the whole section, if new)
    default_chat_model: str | None = None
    default_embedding_model: str | None = None
    models: tuple[tuple[str, ModelTarget], ...] = ()
    parameters: tuple[ParameterRule, ...] = ()
    unsupported: tuple[Unsupported, ...] = ()
    examples: tuple[Example, ...] = ()
    notes: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- loading


def load_rule_file(path: Path) -> RuleSet:
    """A complete rule file; its `id` must be its file stem, the value `--to` takes."""
    return load_rule_text(_read(path), str(path))


def load_rule_text(text: str, path: str) -> RuleSet:
    """A complete rule file's text; `path` names it in error messages and gives the expected id."""
    errors = _Errors(path)
    data = _parse_toml(text, errors)
    parsed = _Document(data, errors, partial=False).parse() if data is not None else None
    if parsed is not None:
        _check_id_is_stem(parsed["id"], path, errors)
    errors.raise_if_any()
    assert parsed is not None
    return RuleSet(
        id=parsed["id"],
        name=parsed["name"],
        endpoint=Endpoint(**parsed["endpoint"]),
        native=NativeSdk(**parsed["native"]) if parsed["native"] else None,
        models=parsed["models"],
        default_chat_model=parsed["default_chat_model"],
        default_embedding_model=parsed["default_embedding_model"],
        parameters=parsed["parameters"],
        unsupported=parsed["unsupported"],
        examples=parsed["examples"],
        notes=parsed["notes"],
        path=path,
    )


def load_override_file(path: Path) -> RuleOverride:
    """A `--rules FILE`: the same schema as a rule file, but only `id` is required."""
    return load_override_text(_read(path), str(path))


def load_override_text(text: str, path: str) -> RuleOverride:
    errors = _Errors(path)
    data = _parse_toml(text, errors)
    parsed = _Document(data, errors, partial=True).parse() if data is not None else None
    errors.raise_if_any()
    assert parsed is not None
    return RuleOverride(path=path, **parsed)


def builtin_ids() -> list[str]:
    """The providers banjia ships rules for: the stems of `banjia/rules/*.toml`, sorted."""
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted(entry.name[: -len(".toml")] for entry in folder.iterdir() if entry.name.endswith(".toml"))


@lru_cache(maxsize=None)
def load_builtin(provider: str) -> RuleSet:
    """The built-in rules of a provider; read through importlib.resources so an installed wheel works."""
    known = builtin_ids()
    if provider not in known:
        raise RuleError([f"unknown provider {provider!r} (known: {', '.join(known)})"])
    text = resources.files(BUILTIN_PACKAGE).joinpath(f"{provider}.toml").read_text(encoding="utf-8")
    return load_rule_text(text, f"{BUILTIN_DISPLAY_DIR}/{provider}.toml")


def resolve_rules(
    provider: str,
    extra_files: Sequence[Path] = (),
    model_overrides: Mapping[str, str] | None = None,
) -> RuleSet:
    """The effective rules: the built-in file, then each `--rules` file in order, then model overrides."""
    ruleset = load_builtin(provider)
    for extra in extra_files:
        ruleset = merge(ruleset, load_override_file(extra))
    if model_overrides:
        ruleset = apply_model_overrides(ruleset, model_overrides)
    return ruleset


# ----------------------------------------------------------------------------- combining


def merge(base: RuleSet, override: RuleOverride) -> RuleSet:
    """Lay an override file over a rule set.

    Scalars it sets replace the base's; endpoint regions are added by name. A model
    pattern, a parameter rule (same api and name) or an unsupported API (same api)
    that the base already has is replaced where it stands; new model patterns go
    first, so that among equally specific globs the override wins, and new parameter
    rules, unsupported APIs, examples and notes go last.
    """
    if override.id != base.id:
        raise RuleError([f"{override.path}: id: {override.id!r} does not match the provider being used ({base.id!r})"])
    endpoint_fields = dict(override.endpoint)
    if "regions" in endpoint_fields:
        endpoint_fields["regions"] = {**base.endpoint.regions, **endpoint_fields["regions"]}
    return dataclasses.replace(
        base,
        name=override.name or base.name,
        endpoint=dataclasses.replace(base.endpoint, **endpoint_fields),
        native=_merge_native(base, override),
        models=_merge_models(base.models, override.models),
        default_chat_model=override.default_chat_model or base.default_chat_model,
        default_embedding_model=override.default_embedding_model or base.default_embedding_model,
        parameters=_replace_or_append(base.parameters, override.parameters, lambda r: (r.api, r.name)),
        unsupported=_replace_or_append(base.unsupported, override.unsupported, lambda u: u.api),
        examples=base.examples + override.examples,
        notes=base.notes + tuple(n for n in override.notes if n not in base.notes),
    )


def _merge_native(base: RuleSet, override: RuleOverride) -> NativeSdk | None:
    if not override.native:
        return base.native
    if base.native is not None:
        return dataclasses.replace(base.native, **override.native)
    missing = [key for key in _NATIVE_REQUIRED if key not in override.native]
    if missing:
        raise RuleError([f"{override.path}: native: {base.id} has no native SDK section to extend; "
                         f"a new one needs {', '.join(missing)}"])
    return NativeSdk(**override.native)


def apply_model_overrides(ruleset: RuleSet, overrides: Mapping[str, str]) -> RuleSet:
    """Project-level model choices, e.g. `{"gpt-4o": "qwen3-max"}`: each key is used verbatim.

    An exact model id always wins over globs in `RuleSet.map_model`, so an exact key
    pins that one model; a key equal to a pattern of the rule file replaces it.
    """
    errors = _Errors("model overrides")
    entries: list[tuple[str, ModelTarget]] = []
    for key, target in overrides.items():
        where = _join("", key)
        _check_model_key(key, where, errors)
        if not isinstance(target, str) or not target.strip():
            errors.add(where, "expected a non-empty model name")
            continue
        entries.append((key, ModelTarget(target, "set in the project configuration", key)))
    errors.raise_if_any()
    return dataclasses.replace(ruleset, models=_merge_models(ruleset.models, tuple(entries)))


def _merge_models(
    base: tuple[tuple[str, ModelTarget], ...], override: tuple[tuple[str, ModelTarget], ...]
) -> tuple[tuple[str, ModelTarget], ...]:
    replacements = dict(override)
    kept = tuple((pattern, replacements.get(pattern, target)) for pattern, target in base)
    existing = {pattern for pattern, _ in base}
    return tuple(entry for entry in override if entry[0] not in existing) + kept


def _replace_or_append(base: tuple, override: tuple, key) -> tuple:
    replacements = {key(item): item for item in override}
    kept = tuple(replacements.pop(key(item), item) for item in base)
    return kept + tuple(item for item in override if key(item) in replacements)


# ----------------------------------------------------------------------------- digest


def ruleset_as_dict(ruleset: RuleSet) -> dict[str, Any]:
    """The rule set as JSON-ready data: enums as their values, tuples as lists."""

    def plain(value: Any) -> Any:
        if isinstance(value, (Action, Safety)):
            return value.value
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, (date, time)):
            return value.isoformat()
        return value

    data = dataclasses.asdict(ruleset)
    data["models"] = [{"pattern": pattern, **dataclasses.asdict(target)} for pattern, target in ruleset.models]
    return plain(data)


def ruleset_digest(ruleset: RuleSet) -> str:
    """A sha256 of what the rules say, not where they were read from: a cache key for migrations."""
    data = ruleset_as_dict(ruleset)
    del data["path"]
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- validation


class _Errors:
    """Problems found in one file, each formatted as `FILE: KEY.PATH: reason`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[str] = []

    def add(self, where: str, reason: str) -> None:
        self.lines.append(f"{self.file}: {where}: {reason}" if where else f"{self.file}: {reason}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise RuleError(self.lines)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise RuleError([f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"]) from None
    except OSError as error:
        raise RuleError([f"{path}: cannot read: {error.strerror or error}"]) from None


def _parse_toml(text: str, errors: _Errors) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.match(message)
        if match is None:
            errors.add("", f"invalid TOML: {message}")
        elif match["line"] is None:
            errors.add("", f"invalid TOML at the end of the file: {match['reason']}")
        else:
            errors.add(f"line {match['line']}, column {match['column']}", f"invalid TOML: {match['reason']}")
        return None


def _check_id_is_stem(provider: str, path: str, errors: _Errors) -> None:
    stem = PurePath(path).stem
    if provider != stem:
        errors.add("id", f"{provider!r} must equal the file name stem {stem!r}")


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    part = key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)
    return f"{where}.{part}" if where else part


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (datetime, date, time)):
        return "a date or time"
    return type(value).__name__


def _check_model_key(pattern: str, where: str, errors: _Errors) -> None:
    """Model keys are fnmatch globs: reject the ones that could never match what the analyzer sees."""
    if not pattern:
        errors.add(where, "a model pattern must not be empty")
    elif any(c.isspace() for c in pattern):
        errors.add(where, "a model pattern must not contain whitespace")
    elif _ROUTER_PREFIX.match(pattern):
        errors.add(where, "model ids are matched without their 'openai/' or 'azure/' router prefix; drop it")
    elif not _brackets_closed(pattern):
        errors.add(where, "not a valid glob: a '[' is not closed by ']'")


def _brackets_closed(pattern: str) -> bool:
    index = 0
    while index < len(pattern):
        if pattern[index] == "[":
            end = index + 1
            if end < len(pattern) and pattern[end] in "!^":
                end += 1
            if end < len(pattern) and pattern[end] == "]":
                end += 1  # a leading ']' is a literal member of the set
            end = pattern.find("]", end)
            if end == -1:
                return False
            index = end
        index += 1
    return True


def _one_of(value: str, allowed: Sequence[str]) -> str:
    return f"{value!r} is not one of {', '.join(allowed)}"


class _Document:
    """One rule file's parsed TOML, checked section by section.

    With `partial=True` (an override file) only `id` is required; everything present
    is checked exactly as in a complete file.
    """

    def __init__(self, data: dict[str, Any], errors: _Errors, *, partial: bool) -> None:
        self.data = data
        self.errors = errors
        self.partial = partial

    # -- generic checks

    def keys(self, table: dict[str, Any], where: str, allowed: Sequence[str], required: Sequence[str]) -> None:
        for key in table:
            if key not in allowed:
                guess = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {guess[0]!r}?" if guess else f"allowed: {', '.join(allowed)}"
                self.errors.add(_join(where, key), f"unknown key ({hint})")
        for key in required:
            if key not in table:
                self.errors.add(_join(where, key), "required key is missing")

    def string(self, table: dict[str, Any], key: str, where: str, *, empty_ok: bool = False) -> str | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            self.errors.add(_join(where, key), f"expected a string, got {_type_name(value)}")
            return None
        if not empty_ok and not value.strip():
            self.errors.add(_join(where, key), "must not be empty")
            return None
        return value

    def table(self, table: dict[str, Any], key: str, where: str) -> dict[str, Any] | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, dict):
            self.errors.add(_join(where, key), f"expected a table, got {_type_name(value)}")
            return None
        return value

    def array_of_tables(self, key: str) -> list[tuple[str, dict[str, Any]]]:
        if key not in self.data:
            return []
        value = self.data[key]
        if not isinstance(value, list):
            self.errors.add(key, f"expected an array of tables ([[{key}]]), got {_type_name(value)}")
            return []
        entries = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                entries.append((_join(key, index), entry))
            else:
                self.errors.add(_join(key, index), f"expected a table, got {_type_name(entry)}")
        return entries

    def https_url(self, table: dict[str, Any], key: str, where: str) -> str | None:
        value = self.string(table, key, where)
        if value is not None and not value.startswith("https://"):
            self.errors.add(_join(where, key), f"{value!r} must start with https://")
            return None
        return value

    def env_var(self, table: dict[str, Any], key: str, where: str) -> str | None:
        value = self.string(table, key, where)
        if value is not None and not _ENV_VAR.match(value):
            self.errors.add(_join(where, key), f"{value!r} is not an environment variable name (A-Z, 0-9, _)")
            return None
        return value

    # -- sections

    def parse(self) -> dict[str, Any]:
        """The checked values, named as RuleSet / RuleOverride fields (errors are collected, not raised)."""
        required = ("id",) if self.partial else ("schema_version", "id", "name", "endpoint", "models")
        self.keys(self.data, "", _TOP_KEYS, required)
        self.schema_version()
        provider = self.string(self.data, "id", "")
        if provider is not None and not _PROVIDER_ID.match(provider):
            self.errors.add("id", f"{provider!r} is not a provider id (lower-case letters, digits and '-')")
        # Sections in the order rule files are written, so errors come out in file order.
        return {
            "id": provider,
            "name": self.string(self.data, "name", ""),
            "notes": self.notes(),
            "endpoint": self.endpoint(),
            "native": self.native(),
            **self.models(),
            "parameters": self.parameters(),
            "unsupported": self.unsupported(),
            "examples": self.examples(),
        }

    def schema_version(self) -> None:
        if "schema_version" not in self.data:
            return
        version = self.data["schema_version"]
        if isinstance(version, bool) or not isinstance(version, int):
            self.errors.add("schema_version", f"expected an integer, got {_type_name(version)}")
        elif version != SCHEMA_VERSION:
            self.errors.add("schema_version", f"{version} is not supported (this banjia reads {SCHEMA_VERSION})")

    def notes(self) -> tuple[str, ...]:
        if "notes" not in self.data:
            return ()
        notes = self.data["notes"]
        if not isinstance(notes, list):
            self.errors.add("notes", f"expected an array of strings, got {_type_name(notes)}")
            return ()
        checked = []
        for index, note in enumerate(notes):
            if isinstance(note, str) and note.strip():
                checked.append(note)
            else:
                reason = "must not be empty" if isinstance(note, str) else f"expected a string, got {_type_name(note)}"
                self.errors.add(_join("notes", index), reason)
        return tuple(checked)

    def endpoint(self) -> dict[str, Any]:
        section = self.table(self.data, "endpoint", "")
        if section is None:
            return {}
        required = () if self.partial else ("base_url", "api_key_env", "base_url_env")
        self.keys(section, "endpoint", _ENDPOINT_KEYS, required)
        values: dict[str, Any] = {
            "base_url": self.https_url(section, "base_url", "endpoint"),
            "api_key_env": self.env_var(section, "api_key_env", "endpoint"),
            "base_url_env": self.env_var(section, "base_url_env", "endpoint"),
            "client": self.string(section, "client", "endpoint"),
            "source": self.string(section, "source", "endpoint", empty_ok=True),
        }
        if values["client"] is not None and values["client"] not in CLIENTS:
            self.errors.add("endpoint.client", _one_of(values["client"], CLIENTS))
        regions = self.table(section, "regions", "endpoint")
        if regions is not None:
            values["regions"] = {
                region: url
                for region in regions
                if (url := self.https_url(regions, region, "endpoint.regions")) is not None
            }
        return {key: value for key, value in values.items() if value is not None}

    def native(self) -> dict[str, Any]:
        section = self.table(self.data, "native", "")
        if section is None:
            return {}
        self.keys(section, "native", _NATIVE_KEYS, () if self.partial else _NATIVE_REQUIRED)
        values: dict[str, Any] = {
            "package": self.string(section, "package", "native"),
            "requirement": self.string(section, "requirement", "native"),
            "client": self.string(section, "client", "native"),
            "async_client": self.string(section, "async_client", "native", empty_ok=True),
            "api_key_env": self.env_var(section, "api_key_env", "native"),
            "base_url": self.https_url(section, "base_url", "native"),
            "base_url_env": self.env_var(section, "base_url_env", "native"),
            "source": self.string(section, "source", "native", empty_ok=True),
        }
        for key in ("client", "async_client"):
            if values[key] and not _QUALIFIED_NAME.match(values[key]):
                self.errors.add(f"native.{key}", f"{values[key]!r} is not a qualified Python name (module.Class)")
        if values["requirement"] is not None and not _REQUIREMENT.match(values["requirement"]):
            self.errors.add("native.requirement", f"{values['requirement']!r} is not a requirement (name>=version)")
        return {key: value for key, value in values.items() if value is not None}

    def models(self) -> dict[str, Any]:
        section = self.table(self.data, "models", "")
        if section is None:
            return {"models": (), "default_chat_model": None, "default_embedding_model": None}
        required = () if self.partial else ("default_chat",)
        self.keys(section, "models", _MODELS_KEYS, required)
        self.string(section, "source", "models", empty_ok=True)
        mapping = self.table(section, "map", "models") or {}
        entries = []
        for pattern, value in mapping.items():
            target = self.model_target(pattern, value, _join("models.map", pattern))
            if target is not None:
                entries.append((pattern, target))
        return {
            "models": tuple(entries),
            "default_chat_model": self.string(section, "default_chat", "models"),
            "default_embedding_model": self.string(section, "default_embedding", "models"),
        }

    def model_target(self, pattern: str, value: Any, where: str) -> ModelTarget | None:
        _check_model_key(pattern, where, self.errors)
        if isinstance(value, str):
            if value.strip():
                return ModelTarget(value, "", pattern)
            self.errors.add(where, "must not be empty (use { none = true, note = \"...\" } when there is no equivalent)")
            return None
        if not isinstance(value, dict):
            self.errors.add(
                where, f"expected a model name or an inline table with target or none = true, got {_type_name(value)}"
            )
            return None
        self.keys(value, where, _MAP_ENTRY_KEYS, ())
        note = self.string(value, "note", where, empty_ok=True) or ""
        target = self.string(value, "target", where)
        none = value.get("none")
        if "none" in value and none is not True:
            self.errors.add(_join(where, "none"), f"must be true (got {none!r}); use target to name a model")
            return None
        if none is True and "target" in value:
            self.errors.add(where, "has both target and none = true; keep one")
            return None
        if none is True:
            return ModelTarget(None, note, pattern)
        if "target" not in value:
            self.errors.add(where, "needs target = \"model\" or none = true")
        return ModelTarget(target, note, pattern) if target is not None else None

    def parameters(self) -> tuple[ParameterRule, ...]:
        rules: list[ParameterRule] = []
        first_seen: dict[tuple[str, str], str] = {}
        for where, entry in self.array_of_tables("parameters"):
            rule = self.parameter(entry, where)
            if rule is None:
                continue
            identity = (rule.api, rule.name)
            if identity in first_seen:
                self.errors.add(where, f"duplicates {first_seen[identity]} ({rule.api} {rule.name}); keep one rule per parameter")
                continue
            first_seen[identity] = where
            rules.append(rule)
        return tuple(rules)

    def parameter(self, entry: dict[str, Any], where: str) -> ParameterRule | None:
        self.keys(entry, where, _PARAMETER_KEYS, ("api", "name", "action", "safety", "note"))
        api = self.string(entry, "api", where)
        if api is not None and not _API_PATH.match(api):
            self.errors.add(_join(where, "api"), f"{api!r} is not an API path such as chat.completions or '*'")
            api = None
        name = self.string(entry, "name", where)
        note = self.string(entry, "note", where)
        source = self.string(entry, "source", where, empty_ok=True) or ""
        action = self.enum(entry, "action", where, Action)
        safety = self.enum(entry, "safety", where, Safety)
        if action is None:
            return None
        for key, owner in _ACTION_KEYS.items():
            if key in entry and action is not owner:
                self.errors.add(_join(where, key), f"only used when action is {owner.value}")
        details = self.action_details(entry, where, action)
        if action is Action.FLAG and safety is not None and safety is not Safety.MANUAL:
            self.errors.add(_join(where, "safety"), f"a flag rule never changes code, so safety must be manual, not {safety.value}")
        if None in (api, name, note, safety, details):
            return None
        return ParameterRule(api=api, name=name, action=action, safety=safety, note=note, source=source, **details)

    def action_details(self, entry: dict[str, Any], where: str, action: Action) -> dict[str, Any] | None:
        """The ParameterRule fields only this action uses, or None when they are missing or invalid."""
        if action is Action.CLAMP:
            return self.clamp_bounds(entry, where)
        if action is Action.RENAME:
            if "to" not in entry:
                self.errors.add(_join(where, "to"), "required when action is rename")
                return None
            to = self.string(entry, "to", where)
            return None if to is None else {"to": to}
        if action is Action.ADD:
            if "value" not in entry:
                self.errors.add(_join(where, "value"), "required when action is add")
                return None
            if isinstance(entry["value"], (datetime, date, time)):
                self.errors.add(_join(where, "value"), "expected a string, number, boolean, array or table, got a date or time")
                return None
            return {"value": entry["value"]}
        return {}

    def enum(self, entry: dict[str, Any], key: str, where: str, kind: type[Action] | type[Safety]):
        value = self.string(entry, key, where)
        if value is None:
            return None
        allowed = [member.value for member in kind]
        if value not in allowed:
            self.errors.add(_join(where, key), _one_of(value, allowed))
            return None
        return kind(value)

    def clamp_bounds(self, entry: dict[str, Any], where: str) -> dict[str, Any] | None:
        """Bounds keep the file's number type, so a clamped `n=10` becomes `n=4`, not `n=4.0`."""
        bounds: dict[str, Any] = {}
        valid = True
        for key, field_name in (("min", "minimum"), ("max", "maximum")):
            if key not in entry:
                continue
            value = entry[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.errors.add(_join(where, key), f"expected a number, got {_type_name(value)}")
                valid = False
            else:
                bounds[field_name] = value
        if not valid:
            return None
        if not bounds:
            self.errors.add(where, "a clamp rule needs min, max or both")
            return None
        if len(bounds) == 2 and bounds["minimum"] > bounds["maximum"]:
            self.errors.add(where, f"min {bounds['minimum']} is greater than max {bounds['maximum']}")
            return None
        return bounds

    def unsupported(self) -> tuple[Unsupported, ...]:
        entries: list[Unsupported] = []
        first_seen: dict[str, str] = {}
        for where, entry in self.array_of_tables("unsupported"):
            self.keys(entry, where, _UNSUPPORTED_KEYS, ("api", "message"))
            api = self.string(entry, "api", where)
            if api is not None and (api == "*" or not _API_PATH.match(api)):
                self.errors.add(_join(where, "api"), f"{api!r} is not an API path such as embeddings or beta.assistants")
                api = None
            message = self.string(entry, "message", where)
            source = self.string(entry, "source", where, empty_ok=True) or ""
            if api is None or message is None:
                continue
            if api in first_seen:
                self.errors.add(where, f"duplicates {first_seen[api]} (api {api})")
                continue
            first_seen[api] = where
            entries.append(Unsupported(api, message, source))
        return tuple(entries)

    def examples(self) -> tuple[Example, ...]:
        examples: list[Example] = []
        for where, entry in self.array_of_tables("examples"):
            self.keys(entry, where, _EXAMPLE_KEYS, _EXAMPLE_KEYS)
            name = self.string(entry, "name", where)
            before = self.string(entry, "before", where)
            after = self.string(entry, "after", where)
            if None not in (name, before, after):
                examples.append(Example(name, before, after))
        return tuple(examples)
