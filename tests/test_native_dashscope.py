"""The native DashScope rewrite: fixture coverage, single behaviours, and migrated code run against a fake DashScope.

The fixture pairs in tests/fixtures/qwen-native/ run with every other provider's in
test_migrate_fixtures.py; here, the topics they must cover. The fake is a loopback HTTP server speaking DashScope's native protocol (text generation,
SSE streams, embeddings, errors); the real dashscope SDK reaches it through
DASHSCOPE_HTTP_BASE_URL, which it reads when imported, in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import libcst as cst
import pytest

from banjia.codemods.native.dashscope import migrate_dashscope
from banjia.model import Severity
from banjia.rules.loader import load_builtin

FIXTURES = Path(__file__).parent / "fixtures" / "qwen-native"
CASES = sorted(path for path in FIXTURES.glob("*.py") if not path.name.endswith(".fixed.py"))
QWEN = load_builtin("qwen")


def migrate(source: str, *, unsafe: bool = False):
    return migrate_dashscope(textwrap.dedent(source).lstrip("\n"), "app.py", QWEN, unsafe=unsafe)


# ---------------------------------------------------------------- fixtures (run by test_migrate_fixtures.py)
def test_fixtures_cover_every_topic() -> None:
    assert {path.stem for path in CASES} >= {
        "chat", "streaming", "async_calls", "async_stream", "tools", "embeddings", "errors", "unsupported",
        "legacy", "usage",
    }


# ---------------------------------------------------------------- single behaviours
def test_provider_without_native_sdk_is_refused() -> None:
    with pytest.raises(ValueError, match="no \\[native\\] section"):
        migrate_dashscope("import openai\n", "app.py", load_builtin("deepseek"))


def test_bad_input_raises_a_parser_error() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        migrate_dashscope("def broken(:\n", "app.py", QWEN)


def test_code_without_openai_is_unchanged() -> None:
    source = "import dashscope\n\nr = dashscope.Generation.call(model='qwen-plus', messages=[])\n"
    outcome = migrate_dashscope(source, "app.py", QWEN)
    assert outcome.text == source and not outcome.changes and not outcome.notes


def test_client_used_for_something_else_stays_on_the_compatible_endpoint() -> None:
    outcome = migrate("""
        from openai import OpenAI

        client = OpenAI()
        register(client)
        r = client.chat.completions.create(model="gpt-4o", messages=[])
    """)
    assert 'client = OpenAI(api_key=os.environ["DASHSCOPE_API_KEY"], base_url=os.environ.get("DASHSCOPE_BASE_URL"' \
        in outcome.text
    assert "r = dashscope.Generation.call(" in outcome.text
    assert [note.message for note in outcome.notes if note.rule == "qwen:native:client"] == [
        "the OpenAI client stays on the OpenAI-compatible endpoint: `client` is used by more than the calls "
        "moved to dashscope"]


def test_client_built_inside_an_expression_stays_and_says_why() -> None:
    outcome = migrate("""
        from openai import OpenAI

        def reply(client=None):
            client = client or OpenAI()
            return client.chat.completions.create(model="gpt-4o", messages=[])
    """)
    assert "client = client or OpenAI(api_key=" in outcome.text
    assert "dashscope.Generation.call(" in outcome.text
    assert any(note.message.startswith("the OpenAI client stays on the OpenAI-compatible endpoint: it is not "
                                       "assigned to a name in a statement of its own") for note in outcome.notes)


def test_client_keyed_by_the_projects_own_setting_is_kept_and_noted() -> None:
    outcome = migrate("""
        from openai import OpenAI

        client = OpenAI(api_key=settings.llm_key)
        r = client.chat.completions.create(model="gpt-4o", messages=[])
    """)
    assert "client = OpenAI(api_key=settings.llm_key" in outcome.text
    assert any("settings.llm_key" in note.message and note.severity is Severity.MANUAL for note in outcome.notes)
    assert any(note.message.endswith("its key or endpoint is the project's own setting, which the dashscope calls "
                                     "do not read") for note in outcome.notes)


def test_async_embeddings_stay_on_the_compatible_endpoint() -> None:
    outcome = migrate("""
        from openai import AsyncOpenAI

        client = AsyncOpenAI()

        async def embed(text):
            return await client.embeddings.create(model="text-embedding-3-small", input=text)
    """)
    assert "await client.embeddings.create(" in outcome.text
    assert 'encoding_format="float"' in outcome.text  # compat's rule still applies to what stays there
    assert "# TODO(banjia): stays on the OpenAI-compatible endpoint: dashscope has no asyncio embeddings call" \
        in outcome.text


def test_unresolved_client_moves_only_with_unsafe() -> None:
    source = """
        import openai

        def ask(client, messages):
            r = client.chat.completions.create(model="gpt-4o", messages=messages)
            return r.choices[0].message.content
    """
    kept = migrate(source)
    assert "client.chat.completions.create(" in kept.text
    assert "--unsafe" in kept.text
    moved = migrate(source, unsafe=True)
    assert "r = dashscope.Generation.call(" in moved.text
    assert "return r.output.choices[0].message.content" in moved.text
    assert {c.safety for c in moved.changes if c.category == "call"} == {"unsafe"}


def test_computed_stream_flag_asks_for_deltas_and_is_not_traced() -> None:
    outcome = migrate("""
        from openai import OpenAI

        client = OpenAI()

        def ask(messages, live):
            r = client.chat.completions.create(model="gpt-4o", messages=messages, stream=live)
            return r
    """)
    assert "stream=live, result_format=\"message\", incremental_output=True" in outcome.text
    assert "status_code" not in outcome.text.split("TODO")[-1].split("\n", 1)[1]  # no check on a maybe-stream
    assert any("instead of raising" in note.message for note in outcome.notes)


def test_openai_only_options_are_renamed_dropped_or_flagged() -> None:
    outcome = migrate("""
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(
            model="gpt-4o", messages=[], timeout=30, extra_headers={"x": "1"}, store=True, frequency_penalty=0.5
        )
    """)
    assert "request_timeout=30, headers={\"x\": \"1\"}, frequency_penalty=0.5" in outcome.text
    assert "store=" not in outcome.text
    assert "# TODO(banjia): frequency_penalty: not a Generation.call parameter" in outcome.text


def test_computed_extra_body_is_flagged() -> None:
    outcome = migrate("""
        from openai import OpenAI

        client = OpenAI()
        r = client.chat.completions.create(model="gpt-4o", messages=[], extra_body=options)
    """)
    assert "extra_body=options" in outcome.text
    assert "# TODO(banjia): extra_body: pass its keys" in outcome.text


def test_handlers_around_calls_left_on_the_endpoint_are_untouched() -> None:
    outcome = migrate("""
        import openai
        from openai import OpenAI

        client = OpenAI()
        try:
            image = client.images.generate(model="dall-e-3", prompt="cat")
            r = client.chat.completions.create(model="gpt-4o", messages=[])
        except openai.APIError:
            pass
    """)
    assert "except openai.APIError:" in outcome.text


def test_reports_place_changes_in_the_original_legacy_file() -> None:
    outcome = migrate("""
        import openai

        def ask(prompt):
            response = openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
            return response["choices"][0]["message"]["content"]
    """)
    call = next(change for change in outcome.changes if change.category == "call")
    assert call.span.line == 4
    assert "return response.output.choices[0].message.content" in outcome.text


# ---------------------------------------------------------------- running migrated code against a fake DashScope
class _FakeDashScope(BaseHTTPRequestHandler):
    """DashScope's native text-generation and text-embedding endpoints (providers.md §2.2, §12)."""

    requests: list[dict] = []

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.path.endswith("/services/embeddings/text-embedding/text-embedding"):
            texts = body["input"]["texts"]
            self._json(200, {"output": {"embeddings": [{"text_index": i, "embedding": [float(i), 0.5]}
                                                       for i in range(len(texts))]},
                             "usage": {"total_tokens": len(texts)}, "request_id": "req-emb"})
            return
        if not self.path.endswith("/services/aigc/text-generation/generation"):
            self._json(404, {"code": "NotFound", "message": self.path, "request_id": "req-404"})
            return
        if body["input"]["messages"][-1]["content"] == "fail":
            self._json(400, {"code": "InvalidParameter", "message": "bad request", "request_id": "req-err"})
            return
        if self.headers.get("X-DashScope-SSE") == "enable":
            self._stream(["Hel", "lo", ""])
            return
        self._json(200, {"output": {"choices": [{"finish_reason": "stop",
                                                 "message": {"role": "assistant", "content": "Hello there"}}]},
                         "usage": {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7},
                         "request_id": "req-chat"})

    def _json(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, pieces: list[str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        for number, piece in enumerate(pieces, 1):
            finish = "stop" if number == len(pieces) else "null"
            chunk = {"output": {"choices": [{"finish_reason": finish,
                                             "message": {"role": "assistant", "content": piece}}]},
                     "usage": {"input_tokens": 5, "output_tokens": number, "total_tokens": 5 + number},
                     "request_id": "req-stream"}
            self.wfile.write(f"id:{number}\nevent:result\n:HTTP_STATUS/200\ndata:{json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()


@pytest.fixture
def fake_dashscope():
    _FakeDashScope.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeDashScope)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    server.shutdown()
    server.server_close()
    thread.join()


def run_migrated(fixture: str, driver: str, base_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Migrate a fixture, save it as app.py and run `driver` against it in a fresh interpreter; it must succeed."""
    source = (FIXTURES / fixture).read_text(encoding="utf-8")
    (tmp_path / "app.py").write_text(migrate_dashscope(source, fixture, QWEN).text, encoding="utf-8")
    environment = {**os.environ, "DASHSCOPE_HTTP_BASE_URL": base_url, "DASHSCOPE_API_KEY": "sk-fake",
                   "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(driver)], cwd=tmp_path, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


def test_migrated_chat_runs_against_dashscope(fake_dashscope: str, tmp_path: Path) -> None:
    result = run_migrated("chat.py", "import app; print(app.ask('hi'))", fake_dashscope, tmp_path)
    assert result.stdout == "request req-chat\nHello there\n"
    (request,) = _FakeDashScope.requests
    assert request["headers"]["Authorization"] == "Bearer sk-fake"
    assert request["body"]["model"] == "qwen-max"
    assert request["body"]["parameters"]["result_format"] == "message"
    assert request["body"]["parameters"]["max_tokens"] == 200
    assert request["body"]["parameters"]["enable_thinking"] is False


def test_migrated_stream_prints_each_piece_once(fake_dashscope: str, tmp_path: Path) -> None:
    result = run_migrated("streaming.py", "import app; app.stream_answer([{'role': 'user', 'content': 'hi'}])",
                          fake_dashscope, tmp_path)
    assert result.stdout == "Hello"
    (request,) = _FakeDashScope.requests
    assert request["headers"]["X-DashScope-SSE"] == "enable"
    assert request["body"]["parameters"]["incremental_output"] is True


def test_migrated_embeddings_read_the_vectors(fake_dashscope: str, tmp_path: Path) -> None:
    result = run_migrated("embeddings.py", "import app; print(app.embed(['a', 'b']), app.first_vector('c'))",
                          fake_dashscope, tmp_path)
    assert result.stdout == "tokens 2\n[[0.0, 0.5], [1.0, 0.5]] [0.0, 0.5]\n"
    assert _FakeDashScope.requests[0]["body"]["parameters"] == {"dimension": 1024}


_RAISES = """
    import app
    try:
        app.ask("fail")
    except Exception as error:
        print(type(error).__name__, error.http_code, error.name, error.message, error.request_id)
"""
_HANDLED = """
    import logging, app
    logging.basicConfig(format="%(message)s")
    try:
        app.ask([{"role": "user", "content": "fail"}])
    except Exception as error:
        print("re-raised", type(error).__name__, error.http_code)
"""


@pytest.mark.parametrize("fixture, driver, output", [
    pytest.param("chat.py", _RAISES, ("RequestFailure 400 InvalidParameter bad request req-err\n", ""), id="raised"),
    # a 400 is not a rate limit: it passes the (flagged, unchanged) RateLimitError handler and reaches the
    # handler that caught openai.APIError, now RequestFailure, which logs and re-raises
    pytest.param("errors.py", _HANDLED, ("re-raised RequestFailure 400\n",
                 "failed: Request failed, request_id: req-err, http_code: 400 error_name: InvalidParameter, "
                 "error_message: bad request\n"), id="caught"),
])
def test_migrated_error_is_raised_and_caught(fixture: str, driver: str, output: tuple[str, str],
                                            fake_dashscope: str, tmp_path: Path) -> None:
    result = run_migrated(fixture, driver, fake_dashscope, tmp_path)
    assert (result.stdout, result.stderr) == output
