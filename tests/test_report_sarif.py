from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from jsonschema.validators import validator_for
from test_report_sample import (
    APP,
    BROKEN,
    NOTEBOOK,
    UNICODE,
    UNREADABLE,
    empty_result,
    finding,
    reordered_sample_result,
    sample_result,
)

from banjia import __version__
from banjia.model import AuditResult, Confidence, FileResult, Kind
from banjia.report.sarif import FINGERPRINT_KEY, render_sarif
from banjia.report.sarif_locations import artifact_uri

# The OASIS SARIF 2.1.0 schema (errata 01), as published in oasis-tcs/sarif-spec
# (Schemata/sarif-schema-2.1.0.json).
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

# RFC 3986 URI-reference characters: unreserved, reserved and percent escapes.
URI_REFERENCE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def sarif(result: AuditResult | None = None) -> dict:
    return json.loads(render_sarif(result or sample_result()))


def results_for(document: dict, path: str) -> list[dict]:
    uri = artifact_uri(path)
    return [
        r
        for r in document["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
    ]


def validate(document: dict) -> None:
    """Validate with the draft the schema itself declares, formats included."""
    validator_class = validator_for(SCHEMA)
    validator_class.check_schema(SCHEMA)
    validator_class(SCHEMA, format_checker=validator_class.FORMAT_CHECKER).validate(document)


def test_the_schema_is_the_official_one_and_selects_its_draft() -> None:
    assert (
        SCHEMA["id"]
        == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert validator_for(SCHEMA) is jsonschema.Draft4Validator


@pytest.mark.parametrize("result", [sample_result(), empty_result()], ids=["sample", "empty"])
def test_output_is_valid_sarif(result: AuditResult) -> None:
    validate(sarif(result))


def test_the_validation_rejects_broken_sarif() -> None:
    document = sarif()
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate(document)
    document = sarif()
    del document["runs"][0]["tool"]["driver"]["name"]
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_log_has_schema_version_and_one_run_with_the_driver() -> None:
    document = sarif()
    assert document["$schema"] == SCHEMA["id"]
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "banjia"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")


def test_one_rule_per_kind_with_stable_ids_and_descriptions() -> None:
    rules = sarif(empty_result())["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [f"banjia/{kind.value}" for kind in Kind]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] == rule["fullDescription"]["text"]
        assert rule["help"]["markdown"].startswith("**")
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in rules}
    assert levels.pop("banjia/unprocessable") == "error"
    assert set(levels.values()) == {"warning"}


def test_every_result_points_at_its_rule() -> None:
    run = sarif()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == 17  # 16 findings and one file error without a finding
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_levels_follow_kind_and_confidence() -> None:
    levels = {}
    for result in sarif()["runs"][0]["results"]:
        levels.setdefault((result["ruleId"], result["properties"]["confidence"]), set()).add(result["level"])
    assert levels[("banjia/unprocessable", "certain")] == {"error"}
    assert levels[("banjia/call", "likely")] == {"note"}
    assert levels[("banjia/call", "certain")] == {"warning"}
    assert levels[("banjia/env-var", "certain")] == {"warning"}


def test_location_has_relative_uri_region_and_snippet() -> None:
    call = next(r for r in results_for(sarif(), APP) if r["properties"]["data"].get("model") == "gpt-4o")
    location = call["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}
    snippet = "client.chat.completions.create(model='gpt-4o', temperature=0.2)"
    assert location["region"] == {
        "startLine": 6,
        "startColumn": 7,
        "endLine": 6,
        "endColumn": 7 + len(snippet),
        "snippet": {"text": snippet},
    }
    assert call["message"]["text"] == "calls chat.completions.create"
    assert call["properties"] == {
        "confidence": "certain",
        "data": {
            "api": "chat.completions.create",
            "client": "OpenAI",
            "model": "gpt-4o",
            "params": {"model": "gpt-4o", "temperature": 0.2},
        },
    }


def test_non_ascii_paths_become_percent_encoded_uris() -> None:
    document = sarif()
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert "%E6%A8%A1%E5%9D%97/%E5%AE%A2%E6%88%B7%E7%AB%AF.py" in uris
    for uri in uris:
        assert URI_REFERENCE.fullmatch(uri), uri
    assert results_for(document, UNICODE)[0]["ruleId"] == "banjia/env-var"


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("src/app.py", "src/app.py"),
        ("my dir/a#1%.py", "my%20dir/a%231%25.py"),
        ("c:weird/x.py", "./c%3Aweird/x.py"),
        ("模块/客户端.py", "%E6%A8%A1%E5%9D%97/%E5%AE%A2%E6%88%B7%E7%AB%AF.py"),
    ],
)
def test_artifact_uri(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri
    assert unquote(uri).removeprefix("./") == path


def test_notebook_region_is_the_line_in_the_cell_and_the_cell_is_a_property() -> None:
    (result,) = results_for(sarif(), NOTEBOOK)
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert result["properties"]["cell"] == 2
    assert result["message"]["text"] == "calls Completion.create (legacy v0) (cell 3, line 2:1)"


def test_file_errors_without_a_finding_become_error_results() -> None:
    document = sarif()
    (broken,) = results_for(document, BROKEN)
    assert broken["ruleId"] == "banjia/unprocessable" and broken["level"] == "error"
    assert broken["message"]["text"] == "Could not be analysed: SyntaxError: invalid syntax (line 3)"
    # A file that already has an UNPROCESSABLE finding is reported once, not twice.
    (unreadable,) = results_for(document, UNREADABLE)
    assert unreadable["message"]["text"] == "could not decode as UTF-8"


def fingerprints(document: dict) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in document["runs"][0]["results"]]


def test_fingerprints_survive_lines_moving() -> None:
    before, after = sarif(sample_result()), sarif(sample_result(shift=7))
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results_for(after, APP)]
    assert lines != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results_for(before, APP)
    ]
    assert fingerprints(after) == fingerprints(before)


def test_fingerprints_are_unique_and_tell_identical_snippets_apart() -> None:
    twice = [finding(Kind.IMPORT, APP, line, 1, "imports openai", "import openai") for line in (1, 30)]
    other_file = finding(Kind.IMPORT, "b.py", 1, 1, "imports openai", "import openai")
    result = AuditResult(
        roots=(".",),
        files=(FileResult(APP, tuple(twice)), FileResult("b.py", (other_file,))),
        files_scanned=2,
        files_parsed=2,
    )
    assert len(set(fingerprints(sarif(result)))) == 3
    assert len(set(fingerprints(sarif()))) == 17


def test_fingerprints_change_with_the_code() -> None:
    def one(snippet: str, confidence: Confidence = Confidence.CERTAIN) -> str:
        f = finding(Kind.CALL, APP, 1, 1, "calls", snippet, confidence=confidence, api="x")
        return fingerprints(sarif(AuditResult((".",), (FileResult(APP, (f,)),), 1, 1)))[0]

    assert one("a.create(x=1)") != one("a.create(x=2)")
    assert one("a.create(x=1)") == one("a.create(x=1)", Confidence.LIKELY)
    assert one("a.create(\n    x=1)") == one("a.create( x=1)")


def test_same_audit_gives_the_same_bytes_whatever_the_input_order() -> None:
    text = render_sarif(sample_result())
    assert render_sarif(sample_result()) == text
    assert render_sarif(reordered_sample_result()) == text
    assert text.endswith("}\n")


def test_source_root_is_described_unless_given() -> None:
    described = sarif()["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]
    assert described == {"description": {"text": "The directory banjia was run from; every path is relative to it."}}
    given = json.loads(render_sarif(sample_result(), source_root="/work/repo"))
    assert given["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    validate(given)


def test_source_root_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="absolute"):
        render_sarif(sample_result(), source_root="repo")
