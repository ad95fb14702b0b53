"""openai's response-model methods written for pydantic.v1 models (qianfan) and dicts (DashScope)."""

from __future__ import annotations

import libcst as cst
import pytest

from banjia.codemods.native.model_methods import Rewrite, is_model_method_call, rewrite_model_method
from banjia.codemods.native.sdks import Models


def _rewritten(source: str, models: Models) -> str:
    rewrite = rewrite_model_method(cst.parse_expression(source), models, "sdk")
    assert isinstance(rewrite, Rewrite), rewrite
    return cst.Module([]).code_for_node(rewrite.edit(cst.parse_expression(source)))


@pytest.mark.parametrize(("source", "expected"), [
    ("m.model_dump(exclude_none=True)", "m.dict(exclude_none=True)"),
    ("m.model_dump(mode=\"python\")", "m.dict()"),
    ("m.model_dump_json()", "m.json(ensure_ascii=False)"),
    ("m.to_dict()", "m.dict(by_alias=True, exclude_unset=True)"),
    ("m.to_dict(use_api_names=False, exclude_unset=False)", "m.dict(by_alias=False, exclude_unset=False)"),
    ("m.to_json(indent=None)", "m.json(indent=None, by_alias=True, exclude_unset=True, ensure_ascii=False)"),
    ("r.choices[0].message.to_json()",
     "r.choices[0].message.json(indent=2, by_alias=True, exclude_unset=True, ensure_ascii=False)"),
])
def test_pydantic_v1_models_get_dict_and_json_with_openai_s_defaults(source: str, expected: str) -> None:
    assert _rewritten(source, Models.PYDANTIC_V1) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("m.model_dump(exclude_none=True)", "{k: v for k, v in m.items() if v is not None}"),
    ("m.model_dump()", "dict(m)"),
    ("m.to_dict(mode=\"json\")", "dict(m)"),
    ("m.model_dump_json(exclude_none=True)", "json.dumps({k: v for k, v in m.items() if v is not None}, "
                                             "ensure_ascii=False)"),
    ("m.to_json()", "json.dumps(dict(m), ensure_ascii=False, indent=2)"),
    ("(a or b).model_dump()", "dict((a or b))"),
    ("(a or b).model_dump(exclude_none=True)", "{k: v for k, v in (a or b).items() if v is not None}"),
])
def test_dicts_get_a_copy_or_json_dumps(source: str, expected: str) -> None:
    assert _rewritten(source, Models.DICT) == expected


def test_json_writers_need_the_json_import_only_for_dicts() -> None:
    call = cst.parse_expression("m.model_dump_json()")
    assert rewrite_model_method(call, Models.DICT, "sdk").imports == {("json", None)}
    assert rewrite_model_method(call, Models.PYDANTIC_V1, "sdk").imports == frozenset()


@pytest.mark.parametrize(("source", "models", "mentions"), [
    ("m.model_dump(mode=\"json\")", Models.PYDANTIC_V1, "has no mode"),
    ("m.model_dump(round_trip=True)", Models.PYDANTIC_V1, "has no round_trip"),
    ("m.model_dump_json(context=c)", Models.PYDANTIC_V1, "has no context"),
    ("m.model_dump(include={'a'})", Models.DICT, "include"),
    ("m.model_dump(exclude_none=flag)", Models.DICT, "exclude_none=flag"),
    ("m.model_dump(**options)", Models.DICT, "positional or **"),
    ("m.to_dict(\"json\")", Models.PYDANTIC_V1, "positional or **"),
])
def test_what_has_no_faithful_counterpart_is_explained(source: str, models: Models, mentions: str) -> None:
    why = rewrite_model_method(cst.parse_expression(source), models, "sdk")
    assert isinstance(why, str) and mentions in why


def test_openai_s_own_models_need_nothing() -> None:
    assert rewrite_model_method(cst.parse_expression("m.to_dict()"), Models.OPENAI, "zhipuai") is None


@pytest.mark.parametrize(("source", "expected"), [
    ("m.model_dump()", True), ("m.to_json(indent=2)", True), ("m.dict()", False), ("model_dump(m)", False),
    ("m.model_dump", False),
])
def test_which_calls_are_model_method_calls(source: str, expected: bool) -> None:
    assert is_model_method_call(cst.parse_expression(source)) is expected
