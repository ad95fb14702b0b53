"""Rule files: the built-in ones load, every schema violation is reported exactly, overrides merge."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from banjia.rules.loader import (
    RuleError,
    apply_model_overrides,
    builtin_ids,
    load_builtin,
    load_override_text,
    load_rule_file,
    load_rule_text,
    merge,
    resolve_rules,
    ruleset_as_dict,
    ruleset_digest,
)
from banjia.rules.model import Action, ModelTarget, NativeSdk, Safety

RULES_DIR = Path(__file__).resolve().parents[1] / "banjia" / "rules"

MINIMAL = """\
schema_version = 1
id = "demo"
name = "Demo"

[endpoint]
base_url = "https://api.demo.example/v1"
api_key_env = "DEMO_API_KEY"
base_url_env = "DEMO_BASE_URL"

[models]
default_chat = "demo-chat"

[models.map]
"gpt-4o" = "demo-large"
"gpt-4o-mini*" = "demo-small"
"""

NATIVE = """\
[native]
package = "demo-sdk"
requirement = "demo-sdk>=1.2"
client = "demo.Client"
async_client = "demo.AsyncClient"
api_key_env = "DEMO_SDK_KEY"
base_url = "https://native.demo.example"
base_url_env = "DEMO_SDK_BASE_URL"
"""

PARAMETERS = """
[[parameters]]
api = "chat.completions"
name = "temperature"
action = "clamp"
min = 0.0
max = 1.0
safety = "safe"
note = "temperature in [0, 1]"

[[parameters]]
api = "chat.completions"
name = "user"
action = "rename"
to = "user_id"
safety = "safe"
note = "the provider calls it user_id"

[[unsupported]]
api = "images"
message = "no images endpoint"
"""


def errors_of(text: str, path: str = "demo.toml") -> list[str]:
    with pytest.raises(RuleError) as caught:
        load_rule_text(text, path)
    assert str(caught.value) == "\n".join(caught.value.errors)
    return caught.value.errors


def parameter(body: str) -> str:
    """A rule file with one [[parameters]] entry made of `body` lines."""
    return MINIMAL + "\n[[parameters]]\n" + body


# ----------------------------------------------------------------------------- built-in files


def test_builtin_ids_are_the_toml_stems() -> None:
    ids = builtin_ids()
    assert "qwen" in ids
    assert ids == sorted(path.stem for path in RULES_DIR.glob("*.toml"))


@pytest.mark.parametrize("provider", builtin_ids())
def test_every_builtin_rule_file_loads(provider: str) -> None:
    ruleset = load_builtin(provider)
    assert ruleset.id == provider
    assert ruleset.path == f"banjia/rules/{provider}.toml"
    assert ruleset.endpoint.base_url.startswith("https://")
    assert ruleset.default_chat_model
    from_path = RULES_DIR / f"{provider}.toml"
    assert load_rule_file(from_path) == dataclasses.replace(ruleset, path=str(from_path))


def test_builtin_is_cached() -> None:
    assert load_builtin("qwen") is load_builtin("qwen")


def test_qwen_values_come_through_typed() -> None:
    qwen = load_builtin("qwen")
    assert qwen.endpoint.api_key_env == "DASHSCOPE_API_KEY"
    assert qwen.endpoint.regions["singapore"].startswith("https://dashscope-intl")
    assert qwen.map_model("gpt-4o") == ModelTarget("qwen-max", "", "gpt-4o")
    assert qwen.map_model("dall-e-3").target is None
    temperature = next(r for r in qwen.parameters if r.name == "temperature")
    assert (temperature.action, temperature.safety, temperature.maximum) == (Action.CLAMP, Safety.SAFE, 1.99)
    n = next(r for r in qwen.parameters if r.name == "n")
    assert (n.minimum, n.maximum) == (1, 4) and isinstance(n.maximum, int)  # the file's number type is kept
    encoding = next(r for r in qwen.parameters if r.name == "encoding_format")
    assert encoding.value == "float"
    assert qwen.unsupported_api("beta.assistants.create").api == "beta.assistants"
    assert qwen.examples and qwen.notes


def test_unknown_provider_lists_the_known_ones() -> None:
    with pytest.raises(RuleError) as caught:
        load_builtin("openai")
    assert str(caught.value) == f"unknown provider 'openai' (known: {', '.join(builtin_ids())})"


# ----------------------------------------------------------------------------- a valid file


def test_minimal_file_gets_defaults() -> None:
    ruleset = load_rule_text(MINIMAL + PARAMETERS, "rules/demo.toml")
    assert ruleset.path == "rules/demo.toml"
    assert ruleset.endpoint.client == "OpenAI"
    assert ruleset.endpoint.regions == {}
    assert ruleset.default_embedding_model is None
    assert ruleset.models[1] == ("gpt-4o-mini*", ModelTarget("demo-small", "", "gpt-4o-mini*"))
    assert [r.name for r in ruleset.parameters] == ["temperature", "user"]
    assert ruleset.parameters[1].to == "user_id"
    assert ruleset.unsupported[0].message == "no images endpoint"


def test_inline_model_targets() -> None:
    text = MINIMAL + '"dall-e-*" = { none = true, note = "no images" }\n"o1*" = { target = "demo-think", note = "reasoning" }\n'
    ruleset = load_rule_text(text, "demo.toml")
    assert ruleset.map_model("dall-e-3") == ModelTarget(None, "no images", "dall-e-*")
    assert ruleset.map_model("o1-mini") == ModelTarget("demo-think", "reasoning", "o1*")


def test_override_file_may_be_partial() -> None:
    override = load_override_text('id = "demo"\n[models.map]\n"gpt-4" = "demo-large"\n', "mine.toml")
    assert override.id == "demo" and override.name is None and override.endpoint == {}
    assert override.models == (("gpt-4", ModelTarget("demo-large", "", "gpt-4")),)


# ----------------------------------------------------------------------------- errors, exactly

CLAMP_HEAD = 'api = "chat.completions"\nname = "temperature"\nsafety = "safe"\nnote = "n"\n'

ERROR_CASES = [
    (
        "action typo",
        parameter(CLAMP_HEAD + 'action = "clmap"\nmin = 0\n'),
        ["demo.toml: parameters[0].action: 'clmap' is not one of clamp, rename, drop, extra_body, add, flag"],
    ),
    (
        "safety typo",
        parameter('api = "chat.completions"\nname = "seed"\naction = "drop"\nsafety = "sure"\nnote = "n"\n'),
        ["demo.toml: parameters[0].safety: 'sure' is not one of safe, unsafe, manual"],
    ),
    ("clamp without bounds", parameter(CLAMP_HEAD + 'action = "clamp"\n'),
     ["demo.toml: parameters[0]: a clamp rule needs min, max or both"]),
    ("clamp min above max", parameter(CLAMP_HEAD + 'action = "clamp"\nmin = 2\nmax = 1\n'),
     ["demo.toml: parameters[0]: min 2 is greater than max 1"]),
    ("clamp bound not a number", parameter(CLAMP_HEAD + 'action = "clamp"\nmin = true\nmax = "1"\n'),
     ["demo.toml: parameters[0].min: expected a number, got a boolean",
      "demo.toml: parameters[0].max: expected a number, got a string"]),
    ("rename without to", parameter(CLAMP_HEAD + 'action = "rename"\n'),
     ["demo.toml: parameters[0].to: required when action is rename"]),
    ("add without value", parameter(CLAMP_HEAD + 'action = "add"\n'),
     ["demo.toml: parameters[0].value: required when action is add"]),
    ("key of another action", parameter(CLAMP_HEAD + 'action = "clamp"\nmax = 1\nto = "t"\nvalue = 1\n'),
     ["demo.toml: parameters[0].to: only used when action is rename",
      "demo.toml: parameters[0].value: only used when action is add"]),
    ("flag must be manual", parameter(CLAMP_HEAD + 'action = "flag"\n'),
     ["demo.toml: parameters[0].safety: a flag rule never changes code, so safety must be manual, not safe"]),
    ("parameter key typo", parameter('api = "chat.completions"\nnmae = "seed"\naction = "drop"\nsafety = "safe"\nnote = "n"\n'),
     ["demo.toml: parameters[0].nmae: unknown key (did you mean 'name'?)",
      "demo.toml: parameters[0].name: required key is missing"]),
    ("bad api path", parameter('api = "Chat Completions"\nname = "seed"\naction = "drop"\nsafety = "safe"\nnote = "n"\n'),
     ["demo.toml: parameters[0].api: 'Chat Completions' is not an API path such as chat.completions or '*'"]),
    ("duplicate parameter rule", MINIMAL + PARAMETERS + parameter(CLAMP_HEAD + 'action = "clamp"\nmax = 1\n').removeprefix(MINIMAL),
     ["demo.toml: parameters[2]: duplicates parameters[0] (chat.completions temperature); keep one rule per parameter"]),
    ("unknown top-level key", 'nmae = "x"\n' + MINIMAL,
     ["demo.toml: nmae: unknown key (did you mean 'name'?)"]),
    ("schema version", MINIMAL.replace("schema_version = 1", "schema_version = 2"),
     ["demo.toml: schema_version: 2 is not supported (this banjia reads 1)"]),
    ("schema version type", MINIMAL.replace("schema_version = 1", 'schema_version = "1"'),
     ["demo.toml: schema_version: expected an integer, got a string"]),
    ("client", MINIMAL.replace('base_url_env = "DEMO_BASE_URL"', 'base_url_env = "DEMO_BASE_URL"\nclient = "Azure"'),
     ["demo.toml: endpoint.client: 'Azure' is not one of OpenAI, AzureOpenAI"]),
    ("plain http", MINIMAL.replace("https://api.demo", "http://api.demo"),
     ["demo.toml: endpoint.base_url: 'http://api.demo.example/v1' must start with https://"]),
    ("plain http region", MINIMAL.replace("[models]\n", '[endpoint.regions]\neu = "http://eu.demo.example"\n\n[models]\n'),
     ["demo.toml: endpoint.regions.eu: 'http://eu.demo.example' must start with https://"]),
    ("env var name", MINIMAL.replace('"DEMO_API_KEY"', '"demo key"'),
     ["demo.toml: endpoint.api_key_env: 'demo key' is not an environment variable name (A-Z, 0-9, _)"]),
    ("endpoint key typo", MINIMAL.replace("base_url_env =", "base_url_evn ="),
     ["demo.toml: endpoint.base_url_evn: unknown key (did you mean 'base_url_env'?)",
      "demo.toml: endpoint.base_url_env: required key is missing"]),
    ("missing sections", MINIMAL.split("[endpoint]")[0],
     ["demo.toml: endpoint: required key is missing", "demo.toml: models: required key is missing"]),
    ("wrong type", MINIMAL.replace('name = "Demo"', "name = 3"),
     ["demo.toml: name: expected a string, got an integer"]),
    ("empty string", MINIMAL.replace('name = "Demo"', 'name = " "'),
     ["demo.toml: name: must not be empty"]),
    ("bad id", MINIMAL.replace('id = "demo"', 'id = "Demo"'),
     ["demo.toml: id: 'Demo' is not a provider id (lower-case letters, digits and '-')",
      "demo.toml: id: 'Demo' must equal the file name stem 'demo'"]),
    ("model value empty", MINIMAL + '"gpt-4" = ""\n',
     ['demo.toml: models.map.gpt-4: must not be empty (use { none = true, note = "..." } when there is no equivalent)']),
    ("model value wrong type", MINIMAL + '"gpt-4" = 4\n',
     ["demo.toml: models.map.gpt-4: expected a model name or an inline table with target or none = true, got an integer"]),
    ("model table without target", MINIMAL + '"gpt-4" = { note = "x" }\n',
     ['demo.toml: models.map.gpt-4: needs target = "model" or none = true']),
    ("model none false", MINIMAL + '"gpt-4" = { none = false }\n',
     ["demo.toml: models.map.gpt-4.none: must be true (got False); use target to name a model"]),
    ("model target and none", MINIMAL + '"gpt-4" = { none = true, target = "x" }\n',
     ["demo.toml: models.map.gpt-4: has both target and none = true; keep one"]),
    ("model table key typo", MINIMAL + '"gpt-4" = { tagret = "x" }\n',
     ["demo.toml: models.map.gpt-4.tagret: unknown key (did you mean 'target'?)",
      'demo.toml: models.map.gpt-4: needs target = "model" or none = true']),
    ("unclosed glob", MINIMAL + '"gpt-[4" = "x"\n',
     ["demo.toml: models.map.\"gpt-[4\": not a valid glob: a '[' is not closed by ']'"]),
    ("router prefix", MINIMAL + '"openai/gpt-4" = "x"\n',
     ["demo.toml: models.map.\"openai/gpt-4\": model ids are matched without their 'openai/' or 'azure/' router prefix; drop it"]),
    ("whitespace in pattern", MINIMAL + '"gpt 4" = "x"\n',
     ['demo.toml: models.map."gpt 4": a model pattern must not contain whitespace']),
    ("unsupported duplicate and star", MINIMAL + PARAMETERS + '\n[[unsupported]]\napi = "images"\nmessage = "m"\n\n[[unsupported]]\napi = "*"\nmessage = "m"\n',
     ["demo.toml: unsupported[1]: duplicates unsupported[0] (api images)",
      "demo.toml: unsupported[2].api: '*' is not an API path such as embeddings or beta.assistants"]),
    ("example without after", MINIMAL + '\n[[examples]]\nname = "x"\nbefore = "a"\n',
     ["demo.toml: examples[0].after: required key is missing"]),
    ("notes not strings", MINIMAL.replace('name = "Demo"', 'name = "Demo"\nnotes = ["ok", 3]'),
     ["demo.toml: notes[1]: expected a string, got an integer"]),
    ("parameters not an array of tables", MINIMAL.replace('name = "Demo"', 'name = "Demo"\nparameters = 1'),
     ["demo.toml: parameters: expected an array of tables ([[parameters]]), got an integer"]),
    ("native incomplete", MINIMAL.replace("[models]\n", '[native]\npackage = "demo-sdk"\nclient = "demo.Client"\n\n[models]\n'),
     ["demo.toml: native.requirement: required key is missing", "demo.toml: native.api_key_env: required key is missing",
      "demo.toml: native.base_url: required key is missing", "demo.toml: native.base_url_env: required key is missing"]),
    ("native bad values", MINIMAL.replace("[models]\n", NATIVE.replace('"demo.Client"', '"demo Client"').replace(
        '"demo-sdk>=1.2"', '"demo-sdk at latest"') + "\n[models]\n"),
     ["demo.toml: native.client: 'demo Client' is not a qualified Python name (module.Class)",
      "demo.toml: native.requirement: 'demo-sdk at latest' is not a requirement (name>=version)"]),
    ("toml syntax", MINIMAL.replace('name = "Demo"', "name = "),
     ["demo.toml: line 3, column 8: invalid TOML: Invalid value"]),
]


@pytest.mark.parametrize("text, expected", [case[1:] for case in ERROR_CASES], ids=[case[0] for case in ERROR_CASES])
def test_schema_errors_are_reported_exactly(text: str, expected: list[str]) -> None:
    assert errors_of(text) == expected


def test_id_must_equal_the_file_stem() -> None:
    assert errors_of(MINIMAL, "rules/other.toml") == ["rules/other.toml: id: 'demo' must equal the file name stem 'other'"]


def test_all_errors_of_a_file_are_collected() -> None:
    text = parameter(CLAMP_HEAD + 'action = "clmap"\n').replace(
        '"gpt-4o" = "demo-large"', '"gpt-4o" = ""'
    ).replace("https://", "http://")
    errors = errors_of(text)
    assert [line.split(": ")[1] for line in errors] == ["endpoint.base_url", "models.map.gpt-4o", "parameters[0].action"]


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"missing\.toml: cannot read: No such file or directory"):
        load_rule_file(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(RuleError, match=r"latin\.toml: not UTF-8 text \(invalid continuation byte at byte 11\)"):
        load_rule_file(latin)


# ----------------------------------------------------------------------------- merging


@pytest.fixture
def base():
    return load_rule_text(MINIMAL + PARAMETERS, "demo.toml")


def test_merge_replaces_model_patterns_in_place_and_puts_new_ones_first(base) -> None:
    override = load_override_text(
        'id = "demo"\n[models.map]\n"gpt-4o" = "demo-xl"\n"gpt-4o*" = { target = "demo-new", note = "n" }\n', "o.toml"
    )
    merged = merge(base, override)
    assert [pattern for pattern, _ in merged.models] == ["gpt-4o*", "gpt-4o", "gpt-4o-mini*"]
    assert merged.map_model("gpt-4o").target == "demo-xl"
    assert merged.map_model("gpt-4o-2024").target == "demo-new"
    assert merged.map_model("gpt-4o-mini").target == "demo-small"  # the more specific base glob still wins
    assert merged.parameters == base.parameters and merged.endpoint == base.endpoint
    assert merged.path == base.path


def test_merge_replaces_a_parameter_rule_with_the_same_api_and_name(base) -> None:
    override = load_override_text(
        'id = "demo"\n[[parameters]]\napi = "chat.completions"\nname = "temperature"\naction = "clamp"\nmax = 0.9\n'
        'safety = "unsafe"\nnote = "ours"\n\n[[parameters]]\napi = "*"\nname = "seed"\naction = "drop"\n'
        'safety = "unsafe"\nnote = "no seed"\n\n[[unsupported]]\napi = "audio"\nmessage = "no audio"\n',
        "o.toml",
    )
    merged = merge(base, override)
    assert [(r.name, r.note) for r in merged.parameters] == [
        ("temperature", "ours"), ("user", "the provider calls it user_id"), ("seed", "no seed"),
    ]
    assert merged.parameters[0].minimum is None and merged.parameters[0].maximum == 0.9
    assert [u.api for u in merged.unsupported] == ["images", "audio"]


def test_merge_sets_endpoint_fields_and_adds_regions(base) -> None:
    override = load_override_text(
        'id = "demo"\nnotes = ["ours"]\n[endpoint]\nbase_url = "https://proxy.example/v1"\n'
        '[endpoint.regions]\neu = "https://eu.demo.example/v1"\n[models]\ndefault_chat = "demo-mini"\n',
        "o.toml",
    )
    merged = merge(base, override)
    assert merged.endpoint.base_url == "https://proxy.example/v1"
    assert merged.endpoint.api_key_env == "DEMO_API_KEY"
    assert merged.endpoint.regions == {"eu": "https://eu.demo.example/v1"}
    assert merged.default_chat_model == "demo-mini"
    assert merged.notes == ("ours",)
    assert base.endpoint.base_url == "https://api.demo.example/v1"  # the base is untouched


def test_merge_refuses_another_providers_override(base) -> None:
    with pytest.raises(RuleError) as caught:
        merge(base, load_override_text('id = "qwen"\n', "o.toml"))
    assert caught.value.errors == ["o.toml: id: 'qwen' does not match the provider being used ('demo')"]


def test_override_files_are_validated_like_rule_files() -> None:
    with pytest.raises(RuleError) as caught:
        load_override_text('[models.map]\n"gpt-4o" = "x"\n[endpoint]\nbase_url = "http://x"\nclinet = "OpenAI"\n', "o.toml")
    assert caught.value.errors == [
        "o.toml: id: required key is missing",
        "o.toml: endpoint.clinet: unknown key (did you mean 'client'?)",
        "o.toml: endpoint.base_url: 'http://x' must start with https://",
    ]


# ----------------------------------------------------------------------------- resolving


def test_resolve_applies_files_in_order_then_model_overrides(tmp_path: Path) -> None:
    first = tmp_path / "first.toml"
    first.write_text('id = "qwen"\n[models.map]\n"gpt-4o" = "qwen-plus"\n"gpt-4.1" = "qwen-plus"\n', encoding="utf-8")
    second = tmp_path / "second.toml"
    second.write_text('id = "qwen"\n[models.map]\n"gpt-4o" = "qwen3-max"\n', encoding="utf-8")
    ruleset = resolve_rules("qwen", [first, second], {"gpt-4.1": "qwen-turbo", "my-model": "qwen-long"})
    assert ruleset.map_model("gpt-4o").target == "qwen3-max"
    assert ruleset.map_model("gpt-4.1") == ModelTarget("qwen-turbo", "set in the project configuration", "gpt-4.1")
    assert ruleset.map_model("my-model").target == "qwen-long"
    assert resolve_rules("qwen") == load_builtin("qwen")


def test_model_overrides_are_exact_keys_that_beat_globs(base) -> None:
    pinned = apply_model_overrides(base, {"gpt-4o-mini-2024-07-18": "demo-pinned"})
    assert pinned.map_model("gpt-4o-mini-2024-07-18").target == "demo-pinned"
    assert pinned.map_model("gpt-4o-mini").target == "demo-small"


def test_bad_model_overrides_are_errors(base) -> None:
    with pytest.raises(RuleError) as caught:
        apply_model_overrides(base, {"gpt-4o": "", "openai/gpt-4": "x"})
    assert caught.value.errors == [
        "model overrides: gpt-4o: expected a non-empty model name",
        "model overrides: \"openai/gpt-4\": model ids are matched without their 'openai/' or 'azure/' router prefix; drop it",
    ]


def test_resolve_reports_a_bad_extra_file(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="nope.toml: cannot read"):
        resolve_rules("qwen", [tmp_path / "nope.toml"])


# ----------------------------------------------------------------------------- digest


def test_digest_ignores_where_the_file_was_read_from(base) -> None:
    digest = ruleset_digest(base)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert ruleset_digest(load_rule_text(MINIMAL + PARAMETERS, "elsewhere/demo.toml")) == digest


def test_digest_is_stable_across_processes() -> None:
    script = "from banjia.rules.loader import load_builtin, ruleset_digest; print(ruleset_digest(load_builtin('qwen')))"
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert other == ruleset_digest(load_builtin("qwen"))


def test_digest_changes_with_any_rule(base) -> None:
    changed_bound = load_rule_text((MINIMAL + PARAMETERS).replace("max = 1.0", "max = 0.99"), "demo.toml")
    changed_model = apply_model_overrides(base, {"gpt-4": "demo-large"})
    digests = {ruleset_digest(base), ruleset_digest(changed_bound), ruleset_digest(changed_model)}
    assert len(digests) == 3


def test_ruleset_as_dict_is_plain_json(base) -> None:
    data = json.loads(json.dumps(ruleset_as_dict(base)))
    assert data["models"][0] == {"pattern": "gpt-4o", "target": "demo-large", "note": ""}
    assert data["parameters"][0]["action"] == "clamp"
    assert data["parameters"][0]["safety"] == "safe"


# ----------------------------------------------------------------------------- native SDK section


def test_native_section_is_optional_and_typed() -> None:
    assert load_rule_text(MINIMAL, "demo.toml").native is None
    native = load_rule_text(MINIMAL.replace("[models]\n", NATIVE + "\n[models]\n"), "demo.toml").native
    assert native == NativeSdk("demo-sdk", "demo-sdk>=1.2", "demo.Client", "DEMO_SDK_KEY",
                               "https://native.demo.example", "DEMO_SDK_BASE_URL", "demo.AsyncClient")


def test_an_override_can_select_another_native_client() -> None:
    base = load_rule_text(MINIMAL.replace("[models]\n", NATIVE + "\n[models]\n"), "demo.toml")
    override = load_override_text('id = "demo"\n[native]\nclient = "demo2.Client"\napi_key_env = "DEMO2_KEY"\n', "o.toml")
    merged = merge(base, override).native
    assert (merged.client, merged.api_key_env, merged.package) == ("demo2.Client", "DEMO2_KEY", "demo-sdk")


def test_an_override_cannot_half_add_a_native_section() -> None:
    base = load_rule_text(MINIMAL, "demo.toml")
    with pytest.raises(RuleError) as caught:
        merge(base, load_override_text('id = "demo"\n[native]\nclient = "demo.Client"\n', "o.toml"))
    assert caught.value.errors == [
        "o.toml: native: demo has no native SDK section to extend; a new one needs package, requirement, "
        "api_key_env, base_url, base_url_env"
    ]


@pytest.mark.parametrize("provider", ["zhipu", "qwen", "qianfan", "doubao"])
def test_the_providers_with_their_own_sdk_describe_it(provider: str) -> None:
    native = load_builtin(provider).native
    assert native is not None and native.requirement.startswith(native.package)
