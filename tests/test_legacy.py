"""The legacy pass alone: openai<1.0 code becomes plain v1 OpenAI code.

Every case checks that the output parses and that a second run changes nothing.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from banjia.codemods.compat import migrate_python
from banjia.codemods.legacy import upgrade_legacy
from banjia.codemods.openai_sdk import V0_ERRORS
from banjia.codemods.rewrite import line_mapping
from banjia.model import Severity
from banjia.rules.loader import load_builtin


def upgrade(source: str, **options):
    source = textwrap.dedent(source).lstrip("\n")
    outcome = upgrade_legacy(source, "m.py", **options)
    cst.parse_module(outcome.text)
    assert upgrade_legacy(outcome.text, "m.py", **options).text == outcome.text, "not idempotent"
    return outcome


def expect(source: str, expected: str, **options):
    outcome = upgrade(source, **options)
    assert outcome.text == textwrap.dedent(expected).lstrip("\n")
    return outcome


def todos(outcome) -> list[str]:
    return [line.strip() for line in outcome.text.splitlines() if line.strip().startswith("# TODO(banjia)")]


# ---------------------------------------------------------------- nothing to do
@pytest.mark.parametrize("source", [
    "import os\nprint(os.getcwd())\n",
    "from openai import OpenAI\nclient = OpenAI()\nr = client.chat.completions.create(model='gpt-4o', messages=[])\n",
    "import openai\ntry:\n    pass\nexcept openai.RateLimitError as error:\n    print(error)\n",
    "import openai\nopenai.api_key = 'k'\nopenai.chat.completions.create(model='gpt-4o', messages=[])\n",
    "from PIL import Image\nimport openai\nImage.open('x.png')\n",
])
def test_v1_and_unrelated_code_is_returned_untouched(source: str) -> None:
    outcome = upgrade_legacy(source, "m.py")
    assert outcome.text is source
    assert outcome.changes == [] and outcome.notes == []


# ---------------------------------------------------------------- calls and clients
def test_chat_call_config_and_response_become_v1() -> None:
    outcome = expect(
        '''
        import os

        import openai

        openai.api_key = os.getenv("OPENAI_API_KEY")
        openai.organization = "org-1"


        def ask(question):
            r = openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": question}])
            return r["choices"][0]["message"]["content"], r["usage"]["total_tokens"]
        ''',
        '''
        import os

        from openai import OpenAI

        client = OpenAI(
            api_key=os.getenv("OPENAI_API_KEY"),
            organization="org-1",
        )


        def ask(question):
            r = client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": question}])
            return r.choices[0].message.content, r.usage.total_tokens
        ''',
    )
    assert {change.category for change in outcome.changes} == {"legacy"}
    messages = [change.message for change in outcome.changes]
    assert "openai.ChatCompletion.create -> client.chat.completions.create" in messages
    assert outcome.notes == []


def test_client_follows_the_last_import_when_nothing_is_configured() -> None:
    expect(
        '''
        """Doc."""
        import openai

        MODEL = "gpt-3.5-turbo"


        def complete(prompt):
            return openai.Completion.create(engine=MODEL, prompt=prompt, request_timeout=10)["choices"][0]["text"]
        ''',
        '''
        """Doc."""
        from openai import OpenAI

        client = OpenAI()

        MODEL = "gpt-3.5-turbo"


        def complete(prompt):
            return client.completions.create(model=MODEL, prompt=prompt, timeout=10).choices[0].text
        ''',
    )


def test_async_calls_get_their_own_client_and_keep_await() -> None:
    expect(
        '''
        import openai


        async def stream(messages):
            async for chunk in await openai.ChatCompletion.acreate(model="gpt-4", messages=messages, stream=True):
                yield chunk["choices"][0]["delta"].get("content", "")


        def embed(text):
            return openai.Embedding.create(input=text, model="text-embedding-ada-002")["data"][0]["embedding"]
        ''',
        '''
        from openai import AsyncOpenAI, OpenAI

        client = OpenAI()
        aclient = AsyncOpenAI()


        async def stream(messages):
            async for chunk in await aclient.chat.completions.create(model="gpt-4", messages=messages, stream=True):
                yield chunk.choices[0].delta.content or ""


        def embed(text):
            return client.embeddings.create(input=text, model="text-embedding-ada-002").data[0].embedding
        ''',
    )


def test_client_name_does_not_shadow_an_existing_name() -> None:
    outcome = upgrade(
        '''
        import openai

        client = "acme"


        def ask(client_id):
            return openai.ChatCompletion.create(model="gpt-4", messages=[], user=client)
        ''',
    )
    assert "openai_client = OpenAI()" in outcome.text
    assert "openai_client.chat.completions.create(" in outcome.text
    assert 'client = "acme"' in outcome.text


def test_positional_arguments_become_keywords_and_methods_get_their_v1_names() -> None:
    expect(
        '''
        import openai

        with open("a.mp3", "rb") as f:
            text = openai.Audio.transcribe("whisper-1", f, language="en")["text"]
        model = openai.Model.retrieve(id="gpt-4")
        picture = openai.Image.create(prompt="a cat", n=1, size="256x256")
        variant = openai.Image.create_variation(open("cat.png", "rb"), n=1)
        flagged = openai.Moderation.create("some text")
        ''',
        '''
        from openai import OpenAI

        client = OpenAI()

        with open("a.mp3", "rb") as f:
            text = client.audio.transcriptions.create(model="whisper-1", file=f, language="en").text
        model = client.models.retrieve(model="gpt-4")
        picture = client.images.generate(prompt="a cat", n=1, size="256x256")
        variant = client.images.create_variation(image=open("cat.png", "rb"), n=1)
        flagged = client.moderations.create(input="some text")
        ''',
    )


def test_resource_imported_by_name_is_converted_and_its_import_dropped() -> None:
    expect(
        '''
        from openai import ChatCompletion

        reply = ChatCompletion.create(model="gpt-4", messages=[])
        ''',
        '''
        from openai import OpenAI

        client = OpenAI()

        reply = client.chat.completions.create(model="gpt-4", messages=[])
        ''',
    )


def test_per_call_credentials_move_to_with_options() -> None:
    outcome = upgrade(
        '''
        import openai

        def ask(key, base):
            return openai.ChatCompletion.create(
                model="gpt-4",
                messages=[],
                api_key=key,
                api_base=base,
            )
        ''',
    )
    assert "client.with_options(api_key=key, base_url=base).chat.completions.create(\n" in outcome.text
    assert '        messages=[],\n    )' in outcome.text
    assert [note.severity for note in outcome.notes if note.rule.endswith("call-options")] == [Severity.INFO]


@pytest.mark.parametrize("call, reason", [
    ('openai.Edit.create(model="text-davinci-edit-001", input="x", instruction="fix")', "edits endpoint was retired"),
    ('openai.FineTune.create(training_file="f")', "fine_tuning.jobs"),
    ('openai.ChatCompletion.create(model="gpt-4", messages=[], api_version="2023-05-15")', "per-call api_version="),
    ('openai.ChatCompletion.create(model="gpt-4", engine="gpt4", messages=[])', "would become model="),
    ('openai.Audio.transcribe(*arguments)', "*args"),
    ('openai.File.download("file-1")', "not bytes"),
])
def test_calls_without_a_safe_v1_form_are_left_with_a_todo(call: str, reason: str) -> None:
    outcome = upgrade(f"import openai\n\nresult = {call}\n")
    assert f"result = {call}\n" in outcome.text
    assert "OpenAI()" not in outcome.text
    [note] = outcome.notes
    assert note.severity is Severity.MANUAL and note.rule.startswith("legacy-v0:call:") and reason in note.message
    assert todos(outcome) == [f"# TODO(banjia): {note.message}"]


# ---------------------------------------------------------------- configuration
def test_azure_configuration_builds_an_azure_client_and_deployments_become_models() -> None:
    expect(
        '''
        import os
        import openai

        openai.api_type = "azure"
        openai.api_base = os.environ["AZURE_OPENAI_ENDPOINT"]
        openai.api_version = "2023-05-15"
        openai.api_key = os.environ["AZURE_OPENAI_KEY"]

        r = openai.ChatCompletion.create(deployment_id="gpt35", messages=[])
        ''',
        '''
        import os
        from openai import AzureOpenAI

        client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_version="2023-05-15",
            api_key=os.environ["AZURE_OPENAI_KEY"],
        )

        r = client.chat.completions.create(model="gpt35", messages=[])
        ''',
    )


def test_azure_ad_key_is_passed_as_a_token() -> None:
    outcome = upgrade(
        '''
        import openai
        openai.api_type = "azure_ad"
        openai.api_key = token()
        openai.Embedding.create(engine="ada", input="x")
        ''',
    )
    assert "client = AzureOpenAI(\n    azure_ad_token=token(),\n)" in outcome.text


def test_configuration_that_cannot_be_folded_is_left_and_noted() -> None:
    source = '''
        import openai

        openai.api_key = "k"
        openai.api_key_path = "key.txt"


        def switch(key):
            openai.api_key = key


        def ask():
            return openai.ChatCompletion.create(model="gpt-4", messages=[])["choices"][0]["message"]["content"]
        '''
    outcome = upgrade(source)
    assert 'client = OpenAI(\n    api_key="k",\n)' in outcome.text
    assert 'openai.api_key_path = "key.txt"' in outcome.text and "    openai.api_key = key" in outcome.text
    assert sorted(note.rule for note in outcome.notes) == ["legacy-v0:config:api_key", "legacy-v0:config:api_key_path"]
    assert any("read the key file" in note.message for note in outcome.notes)
    quiet = upgrade(source, note_config=False)
    assert quiet.notes == [] and todos(quiet) == []


def test_configuration_read_back_elsewhere_is_not_folded() -> None:
    outcome = upgrade(
        '''
        import openai
        openai.api_key = load()
        if not openai.api_key:
            raise SystemExit("no key")
        openai.Model.list()
        ''',
    )
    assert "openai.api_key = load()" in outcome.text and "client = OpenAI()" in outcome.text
    assert "read elsewhere" in outcome.notes[0].message


def test_settings_made_after_a_module_level_call_are_not_folded() -> None:
    outcome = upgrade(
        '''
        import openai
        openai.api_key = "k"
        MODELS = openai.Model.list()
        openai.organization = "org"
        '''
    )
    assert 'client = OpenAI(\n    api_key="k",\n)\nMODELS = client.models.list()\n' in outcome.text
    assert 'openai.organization = "org"' in outcome.text
    assert "after a module-level call" in outcome.notes[0].message


def test_comments_above_folded_settings_are_kept() -> None:
    outcome = upgrade(
        '''
        import openai

        # the key comes from the vault
        openai.api_key = vault()
        openai.api_base = "http://proxy/v1"
        openai.Model.list()
        '''
    )
    assert '# the key comes from the vault\nclient = OpenAI(\n    api_key=vault(),\n    base_url="http://proxy/v1",\n)' \
        in outcome.text


# ---------------------------------------------------------------- exceptions
def test_error_references_and_imports_get_v1_names() -> None:
    expect(
        '''
        import openai
        import openai.error
        from openai.error import InvalidRequestError, RateLimitError as Limited

        try:
            openai.Model.list()
        except (openai.error.Timeout, openai.error.ServiceUnavailableError, Limited):
            pass
        except InvalidRequestError:
            pass
        except openai.error.PermissionError:
            pass
        ''',
        '''
        import openai
        from openai import OpenAI, BadRequestError as InvalidRequestError, RateLimitError as Limited

        client = OpenAI()

        try:
            client.models.list()
        except (openai.APITimeoutError, openai.InternalServerError, Limited):
            pass
        except InvalidRequestError:
            pass
        except openai.PermissionDeniedError:
            pass
        ''',
    )


def test_error_module_imported_from_openai_or_aliased() -> None:
    outcome = upgrade(
        '''
        from openai import error
        import openai.error as oe

        def run(job):
            try:
                job()
            except error.RateLimitError:
                pass
            except oe.InvalidRequestError:
                pass
        ''',
    )
    assert "except openai.RateLimitError:" in outcome.text
    assert "except oe.BadRequestError:" in outcome.text
    assert "import openai as oe" in outcome.text and "from openai import error" not in outcome.text
    assert "\nimport openai\n" in outcome.text


def test_errors_without_an_equivalent_become_the_broader_class_with_a_todo() -> None:
    outcome = upgrade(
        '''
        import openai
        try:
            pass
        except openai.error.TryAgain:
            pass
        '''
    )
    assert "except openai.APIError:" in outcome.text
    [note] = outcome.notes
    assert note.severity is Severity.MANUAL and note.rule == "legacy-v0:error:TryAgain"


def test_every_v1_exception_name_exists_in_the_sdk() -> None:
    openai = pytest.importorskip("openai")
    for v1_name in V0_ERRORS.values():
        assert issubclass(getattr(openai, v1_name), Exception), v1_name


# ---------------------------------------------------------------- responses
def test_traced_reads_are_rewritten_and_untraced_ones_are_not() -> None:
    outcome = upgrade(
        '''
        import openai

        def ask(messages, other):
            r = openai.ChatCompletion.create(model="gpt-4", messages=messages)
            message = r["choices"][0]["message"]
            for choice in r["choices"]:
                print(choice["index"], choice.message["role"])
            print([d["embedding"] for d in r["data"]], message.get("content"))
            return other["choices"][0], message["content"]
        '''
    )
    assert 'message = r.choices[0].message' in outcome.text
    assert 'print(choice.index, choice.message.role)' in outcome.text
    assert 'print([d.embedding for d in r.data], message.content)' in outcome.text
    assert 'return other["choices"][0], message.content' in outcome.text
    assert outcome.notes == []


def test_a_variable_also_bound_to_something_else_is_not_traced() -> None:
    outcome = upgrade(
        '''
        import openai

        def ask(cached):
            r = cached or None
            if r is None:
                r = openai.ChatCompletion.create(model="gpt-4", messages=[])
            return r["choices"][0]
        '''
    )
    assert 'return r["choices"][0]' in outcome.text


@pytest.mark.parametrize("use, left, message", [
    ("r[key]", "r[key]", "computed key"),
    ("json.dumps(r)", "json.dumps(r)", "json.dumps()"),
    ("r.to_dict_recursive()", "r.to_dict_recursive()", ".to_dict_recursive()"),
    ('r["choices"][0]["message"].get(key)', "r.choices[0].message.get(key)", ".get()"),
    ('"content" in r["choices"][0]["message"]', '"content" in r.choices[0].message', "`in`"),
    ('r["choices"][0]["finish-reason"]', 'r.choices[0]["finish-reason"]', "no attribute"),
])
def test_dict_uses_of_a_response_are_noted(use: str, left: str, message: str) -> None:
    outcome = upgrade(f"import json\nimport openai\nr = openai.ChatCompletion.create(model='gpt-4', messages=[])\n"
                      f"x = {use}\n")
    assert f"x = {left}\n" in outcome.text
    [note] = outcome.notes
    assert note.rule == "legacy-v0:response" and message in note.message


def test_returned_response_is_noted_for_its_callers() -> None:
    outcome = upgrade(
        '''
        import openai

        def create(messages):
            return openai.ChatCompletion.create(model="gpt-4", messages=messages)
        '''
    )
    [note] = outcome.notes
    assert "passed on" in note.message


def test_response_objects_handed_to_other_code_are_noted_but_not_for_builtins() -> None:
    outcome = upgrade(
        '''
        import openai

        def ask(messages):
            r = openai.ChatCompletion.create(model="gpt-4", messages=messages)
            print(r, len(r.choices))
            log_usage(r)
            remember(r["choices"][0]["message"])
            return r["choices"][0]["message"]["content"]
        '''
    )
    assert [(note.span.line, note.message.split(":")[0]) for note in outcome.notes] == [
        (6, "a v1 response object is passed to `log_usage`"),
        (7, "a v1 response object is passed to `remember`"),
    ]


def test_get_with_default_is_parenthesised_only_where_needed() -> None:
    outcome = upgrade(
        '''
        import openai
        r = openai.ChatCompletion.create(model="gpt-4", messages=[])
        a = r["choices"][0]["message"].get("content", "")
        b = r["choices"][0]["message"].get("content", "").strip()
        '''
    )
    assert 'a = r.choices[0].message.content or ""\n' in outcome.text
    assert 'b = (r.choices[0].message.content or "").strip()\n' in outcome.text


# ---------------------------------------------------------------- removed modules
def test_removed_submodules_are_noted() -> None:
    outcome = upgrade(
        '''
        import openai
        from openai.embeddings_utils import cosine_similarity

        def same(a, b):
            return isinstance(a, openai.openai_object.OpenAIObject) and cosine_similarity(a, b) > 0.9
        '''
    )
    assert sorted(note.rule for note in outcome.notes) == ["legacy-v0:module:embeddings_utils",
                                                           "legacy-v0:module:openai_object"]
    assert len(todos(outcome)) == 2


# ---------------------------------------------------------------- the whole pipeline
def test_pipeline_reports_places_in_the_original_file_with_the_provider_in_rule_ids() -> None:
    source = textwrap.dedent(
        '''
        import openai

        openai.api_key = "k"
        openai.api_base = "https://api.openai.com/v1"


        def ask():
            r = openai.ChatCompletion.create(model="gpt-4", messages=[])
            return openai.Edit.create(model="text-davinci-edit-001", input="x", instruction="y")
        '''
    ).lstrip("\n")
    outcome = migrate_python(source, "m.py", load_builtin("qwen"))
    [model_change] = [change for change in outcome.changes if change.category == "model"]
    assert model_change.span.line == 8 and source.splitlines()[7].strip().startswith("r = openai.ChatCompletion")
    [note] = [note for note in outcome.notes if note.severity is Severity.MANUAL]
    assert note.rule == "qwen:legacy-v0:call:Edit.create" and note.span.line == 9
    assert 'model="text-davinci-edit-001"' in outcome.text  # a call left for a person keeps its model


def test_line_mapping_follows_unchanged_lines_across_an_edit() -> None:
    before = "a\nb\nc\nd\n"
    after = "a\nx\ny\nz\nc\nd\n"
    original = line_mapping(after, before)
    assert [original(line) for line in range(1, 7)] == [1, 2, 2, 2, 3, 4]


def test_line_mapping_pairs_rewritten_lines_with_the_lines_they_replaced() -> None:
    before = "import openai\nopenai.api_key = k\nr = openai.ChatCompletion.create(x)\nprint(r['choices'])\n"
    after = ("from openai import OpenAI\n\nclient = OpenAI(\n    api_key=k,\n)\n"
             "r = client.chat.completions.create(x)\nprint(r.choices)\n")
    original = line_mapping(after, before)
    assert [original(line) for line in (1, 4, 6, 7)] == [1, 2, 3, 4]
