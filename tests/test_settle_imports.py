"""settle_imports runs libcst's import visitors on as little as it can: the code must be theirs exactly."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from banjia.codemods.rewrite import settle_imports

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
]
NEEDED = [
    [("os", None)],
    [("openai", "AzureOpenAI")],
    [("os", None), ("openai", "AsyncAzureOpenAI"), ("openai", "OpenAI")],
    [("__future__", "annotations"), ("zhipuai", "ZhipuAI")],
]
UNUSED = [[], [("openai", "OpenAI")]]


def _reference(module: cst.Module, needed, unused) -> cst.Module:
    """What settle_imports did before it spared work: both visitors, each through transform_module."""
    needed = sorted(needed, key=lambda item: (item[0], item[1] or ""))
    unused = sorted(unused, key=lambda item: (item[0], item[1] or ""))
    context = CodemodContext()
    for module_name, name in needed:
        AddImportsVisitor.add_needed_import(context, module_name, name)
    for module_name, name in unused:
        RemoveImportsVisitor.remove_unused_import(context, module_name, name)
    module = AddImportsVisitor(context).transform_module(module)
    return RemoveImportsVisitor(context).transform_module(module)


@pytest.mark.parametrize("source", MODULES)
@pytest.mark.parametrize("needed", NEEDED + [[]])
@pytest.mark.parametrize("unused", UNUSED)
def test_settle_imports_gives_the_code_of_libcsts_visitors(source: str, needed, unused) -> None:
    module = cst.parse_module(source)
    assert settle_imports(module, needed, unused).code == _reference(module, needed, unused).code


def test_settle_imports_with_nothing_to_do_returns_the_module_itself() -> None:
    module = cst.parse_module("import os\nx = os.sep\n")
    assert settle_imports(module, [], []) is module


def test_an_import_added_to_a_module_keeps_the_code_below_the_imports_untouched() -> None:
    source = "import json\n\ndef f():\n    from openai import OpenAI\n    return OpenAI()\n"
    settled = settle_imports(cst.parse_module(source), [("openai", "OpenAI")], []).code
    assert settled == "import json\nfrom openai import OpenAI\n\ndef f():\n    from openai import OpenAI\n    return OpenAI()\n"
