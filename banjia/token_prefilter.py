"""The prefilter's second stage: Python sources whose OpenAI words are all incidental.

`discover.prefilter` passes any file holding an OpenAI word anywhere, comments and
prose included. This stage reads the stdlib tokenizer's tokens instead, some 20 times
faster than libcst parses, and turns away a source in which no token could become a
finding. It must never turn away one that could, so it mirrors what the analyzer and
the rewrites react to:

- every finding that is not a string literal needs a name bound by an absolute import
  of an SDK or wrapper module (`bindings.py` makes references only from imports), so a
  file with the `import` keyword and such a module's top-level name as a NAME token
  passes;
- a string literal token (libcst's SimpleString: not bytes, not an f-string, at most
  `_MAX_LITERAL` characters as written) passes when its value is an OpenAI model name,
  a legacy base model name or an OPENAI_* variable name.

When the tokenizer gives up (a syntax or encoding problem), the file passes, so the
parser can report what is wrong with it.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from functools import lru_cache

from banjia.patterns import ENV_VAR_NAME, LEGACY_BASE_MODEL, MODEL_NAME

# The analyzer's limit on a literal as written (`_MAX_NAME_LENGTH` plus quotes and prefix).
_MAX_LITERAL = 88
# setup.py's requirement strings are findings of their own, found in its text.
_ALWAYS_PASSED = "setup.py"


def tokens_may_match(data: bytes, relpath: str) -> bool:
    """Can this Python source (bytes that passed `discover.prefilter`) hold a finding?"""
    if relpath.rsplit("/", 1)[-1] == _ALWAYS_PASSED:
        return True
    roots = _sdk_roots()
    imports = names_sdk = False
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type == tokenize.STRING:
                if _literal_may_match(token.string):
                    return True
            elif token.type == tokenize.NAME:
                if token.string == "import":
                    imports = True
                elif token.string in roots:
                    names_sdk = True
                if imports and names_sdk:
                    return True
    except (SyntaxError, tokenize.TokenError, UnicodeDecodeError, LookupError):
        return True
    return False


@lru_cache(maxsize=1)
def _sdk_roots() -> frozenset[str]:
    """Top-level modules whose import can make a reference the analyzer reports."""
    from banjia.codemods.openai_sdk import CLIENT_CLASSES, TIKTOKEN_FUNCTIONS, WRAPPER_CLASSES

    qualnames = [*CLIENT_CLASSES, *TIKTOKEN_FUNCTIONS, *WRAPPER_CLASSES, "openai", "tiktoken", "langchain_openai"]
    return frozenset(name.split(".", 1)[0] for name in qualnames)


def _literal_may_match(literal: str) -> bool:
    if len(literal) > _MAX_LITERAL:
        return False
    body = literal.lstrip("rRuUbBfF")
    prefix = literal[: len(literal) - len(body)].lower()
    if "b" in prefix or "f" in prefix:  # bytes never become text; f-strings are not SimpleStrings
        return False
    if "\\" in literal:
        value = _evaluated(literal)
        if value is None:
            return False
    else:
        fence = 3 if body[:3] in ('"""', "'''") and len(body) >= 6 else 1
        value = body[fence:-fence]
    return bool(MODEL_NAME.match(value) or LEGACY_BASE_MODEL.match(value) or ENV_VAR_NAME.match(value))


def _evaluated(literal: str) -> str | None:
    """The value of a literal with escapes, as libcst's `evaluated_value` gives it; None if it has none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an invalid escape warns, and still has a value
        try:
            value = ast.literal_eval(literal)
        except (SyntaxError, ValueError):
            return None
    return value if isinstance(value, str) else None
