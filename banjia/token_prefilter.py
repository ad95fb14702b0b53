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

Tokenizing a file to its end is the slow part (pure Python, some 5 MB/s), and most files
reaching this stage are turned away only there. So a file is first read for a proof
that the tokenizer would turn it away (`_proved_incidental`, at about a third of the
cost, nearly all of it Python's own parser), and only tokenized when there is none.
"""

from __future__ import annotations

import ast
import io
import re
import symtable
import sys
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
    return not _proved_incidental(data) and _tokens_may_match(data)


def _tokens_may_match(data: bytes) -> bool:
    """The decision itself, read from the tokenizer's tokens (see the module docstring)."""
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


def _proved_incidental(data: bytes) -> bool:
    """Would `_tokens_may_match` return False? True only with a proof; False means "tokenize".

    The proof has three parts, each cheaper than tokenizing, each read from the decoded
    text as a whole (every token the tokenizer yields is a piece of that text):

    - no quoted span could be a passing string literal (`_CANDIDATE_LITERAL`);
    - no SDK root name can be a NAME token outside strings and comments, or there is no
      `import` at all (`_sdk_root_name`, `_code_only`);
    - the tokenizer would not give up, which would pass the file (`_tokenizes_cleanly`).
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return False
    if encoding not in _ASCII_TRANSPARENT_ENCODINGS:
        return False
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return False
    if _CANDIDATE_LITERAL.search(text):
        return False
    if "import" in text and _sdk_root_name().search(_code_only(text)):
        return False
    return _tokenizes_cleanly(data, text)


# Encodings in which every ASCII character is its own byte and no other byte sequence
# decodes to one, so that the raw text holds each token as the tokenizer reads it.
_ASCII_TRANSPARENT_ENCODINGS = ("utf-8", "utf-8-sig")


def _quoted(value_pattern: re.Pattern[str]) -> str:
    """A pattern anchored by `\\Z` (the whole value), as found between two quotes instead."""
    source = value_pattern.pattern
    assert source.endswith(r"\Z"), source
    return "[\"'](?:" + source[: -len(r"\Z")] + ")[\"']"


# A string token passes when its value is a model, legacy base model or OPENAI_* name.
# Without a backslash its value is the text between its quotes (a triple-quoted one
# holds `"value"` too: the last opening quote, the value, the first closing one). With
# escapes, a value made only of the characters those names use (letters, digits, `_.:/-`)
# can hold only escapes that give such a character (`\x`, `\u`, `\U`, `\N{...}`, octal) or
# nothing (a backslash-newline), so the text from the opening quote to the first
# backslash is name characters (or `{} ` of a `\N{...}`, or a newline) and the backslash
# starts one of those escapes. The span need not be a token (it may sit in a comment or
# across two strings): a match only sends the file to the tokenizer.
_CANDIDATE_LITERAL = re.compile(
    "|".join([
        _quoted(MODEL_NAME),
        _quoted(LEGACY_BASE_MODEL),
        _quoted(ENV_VAR_NAME),
        r"[\"'][-\w.:/{} \r\n]*\\[xuUN0-7\r\n]",
    ])
)
# Comments and string literals as the tokenizer delimits them in source that compiles
# (a quote or `#` outside both always opens one; a backslash escapes any character,
# a newline too).
_STRINGS_AND_COMMENTS = re.compile(
    r"#[^\r\n]*"
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*)*'"
    r'|"[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*)*"',
    re.DOTALL,
)
# From Python 3.12 an f-string's replacement fields are tokens, NAMEs among them, and
# may hold its own quote character (PEP 701), which the pattern above would take for its
# end; 3.14's t-strings are tokenized alike.
_F_STRINGS_HOLD_TOKENS = sys.version_info >= (3, 12)
_F_STRING_PREFIX = re.compile(r"(?:[fFtT][rR]?|[rR][fFtT])[\"']")
_LONE_CARRIAGE_RETURN = re.compile(r"\r(?!\n)")


def _code_only(text: str) -> str:
    """`text` with every comment and string literal blanked, where no NAME token can be.

    Blanked to a space, so the tokens either side stay apart. The blanking is only right
    for source that compiles, which `_tokenizes_cleanly` checks before any proof holds.
    Where f-strings hold tokens and `text` may have one (or a t-string), nothing is blanked.
    """
    if _F_STRINGS_HOLD_TOKENS and _F_STRING_PREFIX.search(text):
        return text
    return _STRINGS_AND_COMMENTS.sub(" ", text)


def _tokenizes_cleanly(data: bytes, text: str) -> bool:
    """Would the tokenizer read `data` to its end without giving up? True only with a proof.

    The tokenizer gives up on an undecodable line, an unclosed triple-quoted string or
    bracket at the end, a backslash continuation at the end, and a dedent to a column no
    enclosing block has. Python's own parser rejects every one of those (it tokenizes by
    the same rules, and also checks tabs against spaces), so source it parses tokenizes
    cleanly, save for one difference: the tokenizer (before 3.12) splits lines at `\n`
    only, and skips as blank a line whose indentation ends in a lone `\r`, where the
    parser starts a new line; such text is left to the tokenizer. The parser runs via
    `symtable`, the cheapest stdlib call that parses everything (no AST objects, no
    bytecode), and never runs the code.
    """
    if "\r" in text and _LONE_CARRIAGE_RETURN.search(text):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes warn; they still tokenize
        try:
            symtable.symtable(data, "<prefilter>", "exec")
        except Exception:  # a syntax error, too deep a nesting, a null byte: no proof, nothing more
            return False
    return True


@lru_cache(maxsize=1)
def _sdk_roots() -> frozenset[str]:
    """Top-level modules whose import can make a reference the analyzer reports."""
    from banjia.codemods.openai_sdk import CLIENT_CLASSES, TIKTOKEN_FUNCTIONS, WRAPPER_CLASSES

    qualnames = [*CLIENT_CLASSES, *TIKTOKEN_FUNCTIONS, *WRAPPER_CLASSES, "openai", "tiktoken", "langchain_openai"]
    return frozenset(name.split(".", 1)[0] for name in qualnames)


@lru_cache(maxsize=1)
def _sdk_root_name() -> re.Pattern[str]:
    """Where an SDK root could be a NAME token.

    A NAME token is a run of word characters (`\\w+`, the tokenizer's own pattern), so a
    root NAME is followed by no word character. What precedes it may be one (a number
    token ends in one: `1openai` is a NUMBER and a NAME), so only its end is bounded.
    """
    return re.compile("(?:" + "|".join(sorted(_sdk_roots())) + r")(?!\w)")


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
