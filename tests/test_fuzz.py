"""Generated OpenAI code: migrate's output parses, is stable, and leaves other code alone.

Programs interleave OpenAI blocks (every import style, client arguments, API calls
wrapped in functions, decorators, async code, walrus, match, lambdas, comprehensions,
comments inside the argument list, f-string prompts, legacy v0 calls) with neutral
blocks that mention nothing OpenAI-related (tabs, non-ASCII text, f-strings, walrus,
match). The neutral blocks must come out byte for byte, in order, in either line
ending. Derandomized, so CI runs the same 60 programs every time.
"""

from __future__ import annotations

import pytest

from banjia.api import migrate_source
from banjia.codemods.compat import migrate_python
from banjia.rules.loader import load_builtin

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

IMPORT_STYLES = {
    "import openai": "openai.OpenAI",
    "import openai as oa": "oa.OpenAI",
    "from openai import OpenAI": "OpenAI",
    "from openai import OpenAI as Client": "Client",
}
CLIENT_ARGUMENTS = [
    'api_key=os.environ["OPENAI_API_KEY"]',
    'api_key="sk-test"',
    'base_url="https://api.openai.com/v1"',
    'organization="org-1"',
    "timeout=30",
    "max_retries=2",
]
MODELS = ['"gpt-4o"', '"gpt-4o-mini"', '"gpt-3.5-turbo"', '"o1-mini"', '"gpt-4"', "MODEL", 'f"gpt-{VERSION}"']
MESSAGES = ['[{"role": "user", "content": "hi"}]', '[{"role": "user", "content": f"say {WORD}"}]', "MESSAGES"]
EXTRAS = [
    "temperature=0.2", "temperature=1.7", "top_p=0.9", "max_tokens=4096", "n=2", "stream=True",
    'response_format={"type": "json_object"}', "tools=[]", "seed=1", "logprobs=True", 'user="u"',
]
OTHER_CALLS = [
    '{c}.embeddings.create(model="text-embedding-3-small", input="hi")',
    '{c}.images.generate(model="dall-e-3", prompt="a cat")',
    '{c}.completions.create(model="gpt-3.5-turbo-instruct", prompt="x")',
    '{c}.moderations.create(input="x")',
]
WRAPPERS = [
    "r = {call}",
    "def ask():\n    return {call}",
    "@functools.lru_cache(maxsize=None)\ndef ask():\n    return {call}",
    "async def ask():\n    return await {call}",
    "if (r := {call}) is not None:\n    print(r)",
    "match {call}:\n    case None:\n        pass\n    case found:\n        print(found)",
    "class Bot:\n    def go(self):\n        return {call}",
    "print({call}.choices[0].message.content)",
    "ask = lambda: {call}",
    "answers = [{call} for _ in range(2)]",
    "try:\n    r = {call}\nexcept Exception:  # keep going\n    r = None",
]
NEUTRAL = [
    "x{i} = {i}  # neutral {i}",
    "def helper{i}(a, b=1):\n\treturn a + b  # tab-indented",
    's{i} = f"value {{{i}}} and {{x!r:>10}}"',
    "if (n{i} := {i}) > 0:\n    pass",
    "match {i}:\n    case 1:\n        pass\n    case _:\n        pass",
    'print("搬家 {i}")',
    "# a lone comment {i}\ny{i} = [\n    1,  # one\n    2,\n]",
    "class Plain{i}:\n    value = {i}\n\n    def method(self):  # odd comment\n        return self.value",
]
PROVIDERS = ["qwen", "deepseek", "zhipu", "moonshot", "doubao", "azure-cn"]


def keyword(argument: str) -> str:
    return argument.split("=")[0]


@st.composite
def chat_call(draw, client: str) -> str:
    arguments = [f"model={draw(st.sampled_from(MODELS))}", f"messages={draw(st.sampled_from(MESSAGES))}"]
    arguments += draw(st.lists(st.sampled_from(EXTRAS), max_size=3, unique_by=keyword))
    if draw(st.booleans()):  # one argument per line, with comments between them
        inner = "".join(f"\n    {argument},  # note {n}" for n, argument in enumerate(arguments))
        return f"{client}.chat.completions.create(  # call\n    # the model first{inner}\n)"
    return f"{client}.chat.completions.create({', '.join(arguments)})"


@st.composite
def openai_block(draw, client: str, module: str | None) -> str:
    choice = draw(st.integers(0, 9))
    if choice == 0 and module is not None:  # legacy openai<1.0 call
        return f'{module}.api_key = "sk-old"\nold = {module}.ChatCompletion.create(model="gpt-4", messages=[])'
    if choice == 1:
        call = draw(st.sampled_from(OTHER_CALLS)).format(c=client)
    else:
        call = draw(chat_call(client))
    return draw(st.sampled_from(WRAPPERS)).format(call=call)


@st.composite
def program(draw) -> tuple[str, list[str]]:
    """(source, the neutral blocks it holds, in order)."""
    style = draw(st.sampled_from(sorted(IMPORT_STYLES)))
    module = style.split()[-1] if style.startswith("import") else None
    arguments = draw(st.lists(st.sampled_from(CLIENT_ARGUMENTS), max_size=3, unique_by=keyword))
    header = [
        "import functools",
        "import os",
        style,
        "",
        'MODEL = "gpt-4o"',
        'VERSION = "4o"',
        'WORD = "你好"',
        "MESSAGES = []",
        f"client = {IMPORT_STYLES[style]}({', '.join(arguments)})",
    ]
    blocks, neutral = [], []
    for index in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            block = draw(st.sampled_from(NEUTRAL)).format(i=index)
            neutral.append(block)
        else:
            block = draw(openai_block("client", module))
        blocks.append(block)
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(blocks) + "\n", neutral


@hypothesis.settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
@hypothesis.given(
    generated=program(),
    provider=st.sampled_from(PROVIDERS),
    unsafe=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_migrated_code_parses_is_stable_and_keeps_other_code(generated, provider: str, unsafe: bool, newline: str) -> None:
    source, neutral = generated
    compile(source, "app.py", "exec", dont_inherit=True)  # the generator only writes valid code
    source = source.replace("\n", newline)
    rules = load_builtin(provider)
    migrated = migrate_source(source, "app.py", rules, migrate_python, unsafe=unsafe).text
    compile(migrated, "app.py", "exec", dont_inherit=True)  # stricter than ast.parse: repeated keywords too
    assert migrate_source(migrated, "app.py", rules, migrate_python, unsafe=unsafe).text == migrated
    position = 0
    for block in neutral:
        found = migrated.find(block.replace("\n", newline), position)
        assert found >= 0, f"neutral block changed or moved:\n{block}"
        position = found + len(block)
    if newline == "\r\n":
        assert "\n" not in migrated.replace("\r\n", "")
