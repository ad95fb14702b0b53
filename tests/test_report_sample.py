"""A hand-built audit that every reporter test renders, and checks that it stays complete.

It holds every Kind, a notebook finding, a file that could not be parsed (with and
without an UNPROCESSABLE finding), a file with nothing in it, a non-ASCII path and a
snippet full of Markdown metacharacters.
"""

from __future__ import annotations

from banjia.model import AuditResult, Confidence, FileResult, Finding, Kind, Span

APP = "src/app.py"
UNICODE = "模块/客户端.py"
NOTEBOOK = "notebooks/demo.ipynb"
REQUIREMENTS = "requirements.txt"
ENV_FILE = ".env"
BROKEN = "broken.py"
UNREADABLE = "legacy/latin1.py"
CLEAN = "clean.py"

TRICKY_SNIPPET = "openai.api_key = a | b  # `key` ``x``"


def finding(
    kind: Kind,
    path: str,
    line: int,
    column: int,
    message: str,
    snippet: str = "",
    *,
    confidence: Confidence = Confidence.CERTAIN,
    cell: int | None = None,
    **data: object,
) -> Finding:
    end_column = column + max(len(snippet), 1)
    return Finding(
        kind, path, Span(line, column, line, end_column, cell), message, snippet, confidence, dict(data)
    )


def app_findings(shift: int = 0) -> tuple[Finding, ...]:
    """The findings of src/app.py; `shift` moves every one down, as an edit above would."""
    return (
        finding(Kind.IMPORT, APP, 1 + shift, 1, "imports openai", "import openai"),
        finding(
            Kind.TYPE_IMPORT,
            APP,
            2 + shift,
            1,
            "imports openai types",
            "from openai.types.chat import ChatCompletion",
        ),
        finding(Kind.CLIENT, APP, 4 + shift, 10, "creates an OpenAI client", "OpenAI()", client="OpenAI"),
        finding(
            Kind.CALL,
            APP,
            6 + shift,
            7,
            "calls chat.completions.create",
            "client.chat.completions.create(model='gpt-4o', temperature=0.2)",
            api="chat.completions.create",
            client="OpenAI",
            model="gpt-4o",
            params={"model": "gpt-4o", "temperature": 0.2},
        ),
        finding(Kind.MODEL, APP, 6 + shift, 44, "OpenAI model gpt-4o", "'gpt-4o'", model="gpt-4o"),
        finding(
            Kind.CALL,
            APP,
            9 + shift,
            5,
            "calls chat.completions.create",
            "llm.chat.completions.create(**kwargs)",
            confidence=Confidence.LIKELY,
            api="chat.completions.create",
            model="gpt-4o-mini",
            params={"temperature": 1},
            spread=["**kwargs"],
        ),
        finding(
            Kind.CALL,
            APP,
            12 + shift,
            5,
            "calls embeddings.create",
            "client.embeddings.create(input=text)",
            api="embeddings.create",
            params={"input": "text"},
        ),
        finding(
            Kind.ERROR_REF,
            APP,
            15 + shift,
            8,
            "refers to openai.error.RateLimitError",
            "openai.error.RateLimitError",
        ),
        finding(Kind.WRAPPER, APP, 18 + shift, 7, "uses langchain ChatOpenAI", "ChatOpenAI(model='gpt-4o')"),
    )


def sample_files(shift: int = 0) -> tuple[FileResult, ...]:
    return (
        FileResult(APP, app_findings(shift)),
        FileResult(
            UNICODE,
            (
                finding(
                    Kind.ENV_VAR,
                    UNICODE,
                    3,
                    5,
                    "reads OPENAI_API_KEY",
                    "os.environ['OPENAI_API_KEY']",
                    name="OPENAI_API_KEY",
                ),
                finding(Kind.CONFIG, UNICODE, 5, 1, "sets openai.api_key", TRICKY_SNIPPET),
            ),
        ),
        FileResult(
            NOTEBOOK,
            (
                finding(
                    Kind.CALL,
                    NOTEBOOK,
                    2,
                    1,
                    "calls Completion.create (legacy v0)",
                    "openai.Completion.create(model='text-davinci-003')",
                    cell=2,
                    api="Completion.create",
                    model="text-davinci-003",
                    params={"model": "text-davinci-003", "max_tokens": 64},
                ),
            ),
        ),
        FileResult(
            REQUIREMENTS,
            (
                finding(
                    Kind.DEPENDENCY,
                    REQUIREMENTS,
                    1,
                    1,
                    "depends on openai",
                    "openai>=1.0",
                    package="openai",
                    spec=">=1.0",
                ),
                finding(
                    Kind.DEPENDENCY,
                    REQUIREMENTS,
                    2,
                    1,
                    "depends on tiktoken",
                    "tiktoken",
                    package="tiktoken",
                    spec="",
                ),
            ),
        ),
        FileResult(
            ENV_FILE,
            (
                finding(
                    Kind.ENV_VAR,
                    ENV_FILE,
                    1,
                    1,
                    "sets OPENAI_API_KEY",
                    "OPENAI_API_KEY=sk-...",
                    name="OPENAI_API_KEY",
                ),
            ),
        ),
        FileResult(BROKEN, (), error="SyntaxError: invalid syntax (line 3)"),
        FileResult(
            UNREADABLE,
            (finding(Kind.UNPROCESSABLE, UNREADABLE, 1, 1, "could not decode as UTF-8"),),
            error="UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9",
        ),
        FileResult(CLEAN),
    )


def sample_result(shift: int = 0) -> AuditResult:
    return AuditResult(roots=("/work/repo",), files=sample_files(shift), files_scanned=12, files_parsed=9)


def reordered_sample_result() -> AuditResult:
    """The same audit with files and findings in another order, as parallel workers may return them."""
    files = tuple(
        FileResult(fr.path, tuple(reversed(fr.findings)), fr.error) for fr in reversed(sample_files())
    )
    return AuditResult(roots=("/work/repo",), files=files, files_scanned=12, files_parsed=9)


def empty_result() -> AuditResult:
    return AuditResult(
        roots=(".",), files=(FileResult(CLEAN), FileResult("b.py")), files_scanned=3, files_parsed=2
    )


def test_sample_covers_every_kind() -> None:
    assert {f.kind for f in sample_result().findings} == set(Kind)


def test_sample_has_the_awkward_cases() -> None:
    result = sample_result()
    assert any(f.span.cell is not None for f in result.findings)
    assert any(f.confidence is Confidence.LIKELY for f in result.findings)
    assert any(not p.isascii() for p in (fr.path for fr in result.files))
    assert any("|" in f.snippet and "`" in f.snippet for f in result.findings)
    errors = {fr.path: fr.findings for fr in result.errors}
    assert errors[BROKEN] == () and errors[UNREADABLE] != ()


def test_reordered_sample_holds_the_same_findings() -> None:
    assert sorted(reordered_sample_result().findings, key=Finding.sort_key) == sorted(
        sample_result().findings, key=Finding.sort_key
    )
