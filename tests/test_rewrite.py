"""The shortcuts the rewrite passes take must decide as the slow path did.

settle_imports runs libcst's import visitors on as little as it can: the code must be
theirs exactly. check_parses asks the interpreter's parser first: it must still accept
what libcst accepts and reject what libcst rejects.
"""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from banjia.codemods.rewrite import _keep_separating_lines, check_parses, settle_imports

MODULES = [
    "",
    "x = 1\n",
    '"""Docstring."""\n',
    '"""Docstring."""\nimport sys\n\nprint(sys.argv)\n',
    "__strict__ = True\nimport sys\n",
    "import sys\nimport json\n# a comment above the code\nvalue = json.dumps(sys.argv)\n",
    "from openai import OpenAI\n\nclient = OpenAI()\n",
    "from openai import AsyncOpenAI, OpenAI\nimport os\n\n\nclient = OpenAI(api_key=os.environ['K'])\n",
    "from openai import *\nclient = OpenAI()\n",
    "import os, sys\nfrom openai import (\n    OpenAI,  # keep\n)\nif True:\n    from openai import OpenAI\n",
    "def f():\n    from openai import OpenAI\n    import os\n    return OpenAI()\n",
    "from __future__ import annotations\n\nimport openai\n\nx: int = 1\n",
    "# header comment\n\nimport openai\nfrom openai import OpenAI; import os\nclient = OpenAI()\n",
    "try:\n    import openai\nexcept ImportError:\n    openai = None\n",
    "import os\r\nfrom openai import OpenAI\r\nclient = OpenAI()\r\n",
    # Statements that cannot matter to the removal (the visitor decides without them):
    "import openai\nimport json\n\ndef f():\n    return json.dumps(1)\n\nclass C:\n    x = 1\n",
    "from openai import OpenAI as Client\nimport json\n\nclient = Client()\nprint(json.dumps({}))\n",
    "import openai\nimport json\nx = json.loads('1')\n__all__ = ['openai']\n",
    "from openai import AzureOpenAI, OpenAI\nimport json\n\ndef make() -> 'AzureOpenAI':\n    return json\n\nvalue = 2\n",
    "import openai.types\nimport json\nprint(json)\ny = openai.types\n",
    "from openai import OpenAI\nimport json\n\ndef f():\n    OpenAI = 1\n    return OpenAI\n\nz = json\n",
    "import json\nif json:\n    from openai import OpenAI, AzureOpenAI\nw = 3\nv = AzureOpenAI\n",
]
NEEDED = [
    [("os", None)],
    [("openai", "AzureOpenAI")],
    [("os", None), ("openai", "AsyncAzureOpenAI"), ("openai", "OpenAI")],
    [("__future__", "annotations"), ("zhipuai", "ZhipuAI")],
]
UNUSED = [[], [("openai", "OpenAI")], [("openai", None), ("openai", "AzureOpenAI"), ("openai", "OpenAI"), ("openai.types", None)]]


def _reference(module: cst.Module, needed, unused) -> cst.Module:
    """What settle_imports did before it spared work: both visitors, each through transform_module
    (and the separating lines of removed imports kept, tested on its own below)."""
    needed = sorted(needed, key=lambda item: (item[0], item[1] or ""))
    unused = sorted(unused, key=lambda item: (item[0], item[1] or ""))
    context = CodemodContext()
    for module_name, name in needed:
        AddImportsVisitor.add_needed_import(context, module_name, name)
    for module_name, name in unused:
        RemoveImportsVisitor.remove_unused_import(context, module_name, name)
    module = AddImportsVisitor(context).transform_module(module)
    return _keep_separating_lines(module, RemoveImportsVisitor(context).transform_module(module))


@pytest.mark.parametrize("source", MODULES)
@pytest.mark.parametrize("needed", NEEDED + [[]])
@pytest.mark.parametrize("unused", UNUSED)
def test_settle_imports_gives_the_code_of_libcsts_visitors(source: str, needed, unused) -> None:
    module = cst.parse_module(source)
    assert settle_imports(module, needed, unused).code == _reference(module, needed, unused).code


@pytest.mark.parametrize("source, unused, settled", [
    ("import os\n\nimport openai\nfrom x import y\n", [("openai", None)], "import os\n\nfrom x import y\n"),
    ("import os\n\n# the SDK\nimport openai\nimport json\n", [("openai", None)], "import os\n\n# the SDK\nimport json\n"),
    ("import os\n\nimport openai\n\nimport json\n", [("openai", None)], "import os\n\nimport json\n"),
    ("import os\n\nimport openai, json\n", [("openai", None)], "import os\n\nimport json\n"),
    ("import sys\n\nfrom openai import OpenAI, APIError\nx = APIError\n", [("openai", "OpenAI")],
     "import sys\n\nfrom openai import APIError\nx = APIError\n"),
])
def test_a_removed_import_leaves_the_lines_that_separated_it(source: str, unused, settled: str) -> None:
    assert settle_imports(cst.parse_module(source), [], unused).code == settled


def test_settle_imports_with_nothing_to_do_returns_the_module_itself() -> None:
    module = cst.parse_module("import os\nx = os.sep\n")
    assert settle_imports(module, [], []) is module


def test_an_import_added_to_a_module_keeps_the_code_below_the_imports_untouched() -> None:
    source = "import json\n\ndef f():\n    from openai import OpenAI\n    return OpenAI()\n"
    settled = settle_imports(cst.parse_module(source), [("openai", "OpenAI")], []).code
    assert settled == "import json\nfrom openai import OpenAI\n\ndef f():\n    from openai import OpenAI\n    return OpenAI()\n"


@pytest.mark.parametrize("code", [
    "",
    "x = 1\n",
    "# TODO(banjia): point the client elsewhere\nclient = OpenAI(base_url=os.environ['B'])\r\n",
    "path = '\\d'\n",  # an old escape sequence: a SyntaxWarning only
    "type Alias = int\n",  # newer than this interpreter may know: libcst decides
    "def f[T](x: T) -> T:\n    return x\n",
    'f"{"nested"}"\n',
])
def test_check_parses_accepts_what_libcst_accepts(code: str) -> None:
    cst.parse_module(code)
    check_parses(code)


@pytest.mark.parametrize("code", [
    "x = (\n",
    "# TODO(banjia): a message\nthat went onto two lines\n",
    "f(**keywords, *positional)\n",
    "x = 1\0\n",
    "client = OpenAI(api_key=os.environ['K'] base_url=None)\n",
])
def test_check_parses_raises_libcsts_error_for_what_libcst_rejects(code: str) -> None:
    with pytest.raises(cst.ParserSyntaxError):
        cst.parse_module(code)
    with pytest.raises(cst.ParserSyntaxError):
        check_parses(code)
