"""Dependency scanners: requirements files, pyproject.toml, setup.cfg, setup.py, Pipfile."""

from __future__ import annotations

import pytest

from banjia.model import Confidence, Finding, Kind
from banjia.scanners import scan_pipfile, scan_pyproject, scan_requirements, scan_setup_cfg, scan_setup_py


def located(findings: list[Finding]) -> list[tuple[str, int, int, int]]:
    """(package, line, column, end column) of each finding, in order."""
    assert all(f.kind is Kind.DEPENDENCY and f.span.line == f.span.end_line for f in findings)
    return [(f.data["package"], f.span.line, f.span.column, f.span.end_column) for f in findings]


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# -- requirements files ------------------------------------------------------------


def test_requirements_plain_spec_and_data() -> None:
    finding = only(scan_requirements("requests\nopenai>=1.0,<2\n", "requirements.txt"))
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (2, 1, 7)
    assert finding.path == "requirements.txt"
    assert finding.snippet == "openai>=1.0,<2"
    assert finding.confidence is Confidence.CERTAIN
    assert finding.data == {
        "package": "openai", "spec": ">=1.0,<2", "extras": [], "file_type": "requirements", "section": "",
    }
    assert finding.message == "Dependency on openai>=1.0,<2: the OpenAI SDK"


def test_requirements_comments_markers_extras_and_indentation() -> None:
    text = (
        "# openai is commented out here\n"
        "#openai==0.28\n"
        "  openai[datalib] == 1.3.0 ; python_version < '3.12'  # pinned\n"
        "tiktoken  # tokenizer\n"
    )
    findings = scan_requirements(text, "requirements.txt")
    assert located(findings) == [("openai", 3, 3, 9), ("tiktoken", 4, 1, 9)]
    assert findings[0].data["spec"] == "==1.3.0"
    assert findings[0].data["extras"] == ["datalib"]
    assert findings[0].snippet == "openai[datalib] == 1.3.0 ; python_version < '3.12'  # pinned"


def test_requirements_hashes_and_line_continuations() -> None:
    text = (
        "tiktoken==0.7.0 \\\n"
        "    --hash=sha256:aaaa \\\n"
        "    --hash=sha256:bbbb\n"
        "openai \\\n"
        "    >=1.0\n"
    )
    findings = scan_requirements(text, "requirements.lock.txt")
    assert located(findings) == [("tiktoken", 1, 1, 9), ("openai", 4, 1, 7)]
    assert [f.data["spec"] for f in findings] == ["==0.7.0", ">=1.0"]
    assert findings[0].snippet == "tiktoken==0.7.0 \\"


def test_requirements_options_name_no_dependency() -> None:
    text = (
        "-r base.txt\n"
        "-c constraints.txt\n"
        "--index-url https://pypi.example.com/simple\n"
        "--no-binary openai\n"
        "-e ./libs/openai\n"
    )
    assert scan_requirements(text, "requirements.txt") == []


def test_requirements_editable_and_direct_urls() -> None:
    text = (
        "-e git+https://github.com/openai/openai-python.git@v1.3.0#egg=openai\n"
        "langchain-openai @ https://example.com/langchain_openai-0.1.0.tar.gz ; python_version>'3.9'\n"
        "./wheels/llama_index_llms_openai-0.1.2-py3-none-any.whl\n"
        "https://example.com/openai-whisper-20231117.tar.gz\n"
    )
    findings = scan_requirements(text, "requirements/base.txt")
    assert located(findings) == [
        ("openai", 1, 63, 69),
        ("langchain-openai", 2, 1, 17),
        ("llama-index-llms-openai", 3, 10, 33),
    ]
    assert all(f.data["spec"] == "" for f in findings)


def test_requirements_lookalike_and_untracked_names_are_ignored() -> None:
    text = "openai-whisper\nopenaiapi==1.0\nlangchain\nllama-index\nopen-ai\nmy_openai\nopenai is great\n"
    assert scan_requirements(text, "requirements.txt") == []


def test_requirements_names_are_normalised() -> None:
    text = "LangChain_OpenAI>=0.1\nllama.index.embeddings.openai\nOpenAI-Agents\n"
    findings = scan_requirements(text, "dev.in")
    assert [f.data["package"] for f in findings] == [
        "langchain-openai", "llama-index-embeddings-openai", "openai-agents",
    ]
    assert findings[0].snippet == "LangChain_OpenAI>=0.1"


def test_requirements_url_credentials_are_masked_in_the_snippet() -> None:
    finding = only(scan_requirements("openai @ git+https://user:s3cret@git.example.com/openai.git\n", "r.txt"))
    assert finding.snippet == "openai @ git+https://***@git.example.com/openai.git"
    assert "s3cret" not in repr(finding)


def test_requirements_crlf_bom_and_unicode() -> None:
    text = "\ufeffopenai==1.0\r\n# 依赖 中文注释\r\n  tiktoken  # 分词器\r\n"
    findings = scan_requirements(text, "requirements.txt")
    assert located(findings) == [("openai", 1, 1, 7), ("tiktoken", 3, 3, 11)]
    assert findings[1].snippet == "tiktoken  # 分词器"


# -- pyproject.toml ---------------------------------------------------------------


PYPROJECT = """\
[project]
name = "openai-tools"
description = "wraps openai"
dependencies = [
    "requests>=2",
    "openai>=1.0 ; python_version >= '3.8'",  # the SDK
]

[project.optional-dependencies]
llm = ["tiktoken", 'langchain-openai[all]==0.1.*']

[dependency-groups]
dev = ["openai-agents", {include-group = "test"}]

[tool.uv]
dev-dependencies = ["llama-index-llms-openai"]

[tool.poetry.dependencies]
python = "^3.10"
openai = "^1.0"
tiktoken = {version = ">=0.5", extras = ["blobfile"]}

[tool.poetry.group.ai.dependencies]
langchain_openai = [{version = "^0.1", python = "<3.12"}, {version = "^0.2", python = ">=3.12"}]

[tool.poetry.dependencies.openai-agents]
version = "*"
"""


def test_pyproject_every_declaration_form() -> None:
    findings = scan_pyproject(PYPROJECT, "pyproject.toml")
    by_section = {(f.data["section"], f.data["package"]): f for f in findings}
    assert located(findings) == [
        ("openai", 6, 6, 12),
        ("tiktoken", 10, 9, 17),
        ("langchain-openai", 10, 21, 37),
        ("openai-agents", 13, 9, 22),
        ("llama-index-llms-openai", 16, 22, 45),
        ("openai", 20, 1, 7),
        ("tiktoken", 21, 1, 9),
        ("langchain-openai", 24, 1, 17),
        ("openai-agents", 26, 27, 40),
    ]
    assert sorted(by_section) == sorted(
        [
            ("project.dependencies", "openai"),
            ("project.optional-dependencies.llm", "tiktoken"),
            ("project.optional-dependencies.llm", "langchain-openai"),
            ("dependency-groups.dev", "openai-agents"),
            ("tool.uv.dev-dependencies", "llama-index-llms-openai"),
            ("tool.poetry.dependencies", "openai"),
            ("tool.poetry.dependencies", "tiktoken"),
            ("tool.poetry.group.ai.dependencies", "langchain-openai"),
            ("tool.poetry.dependencies", "openai-agents"),
        ]
    )
    assert by_section["project.dependencies", "openai"].data["spec"] == ">=1.0"
    sdk = by_section["project.dependencies", "openai"]
    assert sdk.snippet == '"openai>=1.0 ; python_version >= \'3.8\'",  # the SDK'
    assert by_section["project.optional-dependencies.llm", "langchain-openai"].data["extras"] == ["all"]
    assert by_section["project.optional-dependencies.llm", "langchain-openai"].data["spec"] == "==0.1.*"
    assert by_section["tool.poetry.dependencies", "openai"].data["spec"] == "^1.0"
    assert by_section["tool.poetry.dependencies", "tiktoken"].data["spec"] == ">=0.5"
    assert by_section["tool.poetry.dependencies", "tiktoken"].data["extras"] == ["blobfile"]
    assert by_section["tool.poetry.group.ai.dependencies", "langchain-openai"].data["spec"] == "^0.1 || ^0.2"
    assert by_section["tool.poetry.dependencies", "openai-agents"].data["spec"] == ""
    assert all(f.data["file_type"] == "pyproject" for f in findings)


def test_pyproject_project_name_and_prose_are_not_dependencies() -> None:
    text = (
        '[project]\nname = "openai"\ndescription = "openai"\nkeywords = ["openai"]\n'
        '[tool.poetry.extras]\nllm = ["openai"]\n'
    )
    assert scan_pyproject(text, "pyproject.toml") == []


def test_pyproject_poetry_dotted_keys_and_inline_table() -> None:
    text = (
        "[tool.poetry]\n"
        'dependencies = { openai = "~1.3" }\n'
        "[tool.poetry.dev-dependencies]\n"
        'tiktoken.version = "0.7"\n'
        'tiktoken.extras = ["blobfile"]\n'
    )
    findings = scan_pyproject(text, "pyproject.toml")
    assert located(findings) == [("openai", 2, 18, 24), ("tiktoken", 4, 1, 9)]
    assert findings[0].data["section"] == "tool.poetry.dependencies"
    assert findings[1].data["spec"] == "0.7"
    assert findings[1].data["extras"] == ["blobfile"]


def test_pyproject_escapes_do_not_skew_positions() -> None:
    finding = only(scan_pyproject('[project]\ndependencies = ["\\u0041b", "open\\u0061i>=1"]\n', "pyproject.toml"))
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (2, 29, 40)
    assert finding.data["spec"] == ">=1"


def test_pyproject_malformed_is_still_scanned() -> None:
    text = (
        "[project]\n"
        'name = "x\n'  # unterminated string
        "version = {{ version }}\n"  # a template
        "dependencies = [\n"
        "<<<<<<< HEAD\n"
        '    "openai>=1.0",\n'
        "=======\n"
        '    "openai>=1.3",\n'
        ">>>>>>> feature\n"
        '    "tiktoken",\n'
        "[tool.poetry.dependencies]\n"  # the array above is never closed
        'openai = "^1"\n'
    )
    findings = scan_pyproject(text, "pyproject.toml")
    assert located(findings) == [
        ("openai", 6, 6, 12),
        ("openai", 8, 6, 12),
        ("tiktoken", 10, 6, 14),
        ("openai", 12, 1, 7),
    ]
    assert findings[-1].data["section"] == "tool.poetry.dependencies"


def test_pyproject_unclosed_array_stops_at_the_next_key() -> None:
    text = '[project]\ndependencies = [\n  "openai",\nname = "tiktoken"\n'
    assert located(scan_pyproject(text, "pyproject.toml")) == [("openai", 3, 4, 10)]


def test_pyproject_keys_under_an_unreadable_header_count_nowhere() -> None:
    text = '[tool.poetry.dependencies]\nopenai = "1"\n[!!!]\ntiktoken = "1"\n'
    assert located(scan_pyproject(text, "pyproject.toml")) == [("openai", 2, 1, 7)]


def test_pyproject_crlf_bom_and_unicode() -> None:
    text = '\ufeff[project]\r\ndescription = "搬家 — moving house"\r\ndependencies = ["openai"]  # 依赖\r\n'
    assert located(scan_pyproject(text, "pyproject.toml")) == [("openai", 3, 18, 24)]


def test_pyproject_multiline_strings_are_stepped_over() -> None:
    text = '[project]\nreadme = """\ndependencies = ["openai"]\n"""\ndependencies = ["tiktoken"]\n'
    assert located(scan_pyproject(text, "pyproject.toml")) == [("tiktoken", 5, 18, 26)]


# -- Pipfile ----------------------------------------------------------------------


def test_pipfile_packages_and_dev_packages() -> None:
    text = (
        "[[source]]\n"
        'url = "https://pypi.org/simple"\n'
        "[packages]\n"
        'openai = "*"\n'
        'tiktoken = {version = ">=0.5", extras = ["blobfile"]}\n'
        "[dev-packages]\n"
        '"langchain-openai" = "==0.1"\n'
        "[requires]\n"
        'openai = "3.11"\n'
    )
    findings = scan_pipfile(text, "Pipfile")
    assert located(findings) == [("openai", 4, 1, 7), ("tiktoken", 5, 1, 9), ("langchain-openai", 7, 2, 18)]
    assert [(f.data["section"], f.data["spec"], f.data["extras"]) for f in findings] == [
        ("packages", "", []),
        ("packages", ">=0.5", ["blobfile"]),
        ("dev-packages", "==0.1", []),
    ]
    assert all(f.data["file_type"] == "pipfile" for f in findings)


def test_pipfile_lookalikes_are_ignored() -> None:
    assert scan_pipfile('[packages]\nopenai-whisper = "*"\nopenaiapi = "*"\nlangchain = "*"\n', "Pipfile") == []


# -- setup.cfg --------------------------------------------------------------------


def test_setup_cfg_install_requires_and_extras() -> None:
    text = (
        "[metadata]\n"
        "name = openai-tools\n"
        "[options]\n"
        "packages = find:\n"
        "install_requires =\n"
        "    requests\n"
        "    # openai==0.28\n"
        "    openai>=1.0  # sdk\n"
        "tests_require = tiktoken\n"
        "[options.extras_require]\n"
        "llm-extra =\n"
        "    langchain-openai; python_version>'3.9'\n"
        "[flake8]\n"
        "ignore = openai\n"
    )
    findings = scan_setup_cfg(text, "setup.cfg")
    assert located(findings) == [("openai", 8, 5, 11), ("tiktoken", 9, 17, 25), ("langchain-openai", 12, 5, 21)]
    assert [f.data["section"] for f in findings] == [
        "options.install_requires", "options.tests_require", "options.extras_require.llm-extra",
    ]
    assert findings[0].data["spec"] == ">=1.0"
    assert findings[0].snippet == "openai>=1.0  # sdk"
    assert all(f.data["file_type"] == "setup.cfg" for f in findings)


def test_setup_cfg_continuation_ends_at_the_next_key() -> None:
    text = "[options]\ninstall_requires =\n    requests\npython_requires = >=3.8\n    openai\n"
    assert scan_setup_cfg(text, "setup.cfg") == []


def test_setup_cfg_crlf() -> None:
    text = "[options]\r\ninstall_requires =\r\n\topenai\r\n"
    assert located(scan_setup_cfg(text, "setup.cfg")) == [("openai", 3, 2, 8)]


# -- setup.py ---------------------------------------------------------------------


SETUP_PY = '''\
from setuptools import find_packages, setup

# install_requires=["openai==0.28"],
REQUIRES = ["requests", "openai-agents>=0.1"]

setup(
    name="openai",
    description="openai helpers",
    packages=find_packages(include=["openai", "openai.*"]),
    keywords=["openai", "tiktoken"],
    install_requires=["openai>=1.0,<2", 'tiktoken'],
    extras_require={
        "tiktoken": ["tiktoken>=0.5"],
        "lc": [r"langchain-openai[all]"],
    },
)
'''


def test_setup_py_requirement_strings_with_their_argument() -> None:
    findings = scan_setup_py(SETUP_PY, "setup.py")
    assert located(findings) == [
        ("openai-agents", 4, 26, 39),
        ("openai", 11, 24, 30),
        ("tiktoken", 11, 42, 50),
        ("tiktoken", 13, 23, 31),
        ("langchain-openai", 14, 18, 34),
    ]
    assert [(f.data["section"], f.confidence) for f in findings] == [
        ("REQUIRES", Confidence.LIKELY),
        ("install_requires", Confidence.CERTAIN),
        ("install_requires", Confidence.CERTAIN),
        ("extras_require.tiktoken", Confidence.CERTAIN),
        ("extras_require.lc", Confidence.CERTAIN),
    ]
    assert findings[1].data["spec"] == ">=1.0,<2"
    assert findings[4].data["extras"] == ["all"]
    assert findings[1].snippet == "install_requires=[\"openai>=1.0,<2\", 'tiktoken'],"


def test_setup_py_unclosed_call_keeps_earlier_findings() -> None:
    text = 'setup(\n    install_requires=["openai"],\n    extras_require={\n'
    assert located(scan_setup_py(text, "setup.py")) == [("openai", 2, 24, 30)]


@pytest.mark.parametrize(
    "text",
    [
        '"""unterminated\nopenai\n',
        "def f(:\n  x = 'openai\n",
        "\tif x:\n  y\n z\n",
        "setup(install_requires=[b'openai', f'{openai}', 'open\\x61i'])\n",
    ],
    ids=["docstring", "syntax", "dedent", "bytes-fstring-escape"],
)
def test_setup_py_malformed_code_and_odd_strings_give_nothing(text: str) -> None:
    assert scan_setup_py(text, "setup.py") == []


def test_setup_py_crlf_bom_and_unicode() -> None:
    text = '\ufeff# -*- coding: utf-8 -*-\r\nsetup(description="搬家", install_requires=["openai"])\r\n'
    assert located(scan_setup_py(text, "setup.py")) == [("openai", 2, 44, 50)]
