"""The line shown with a finding: short, and never carrying a secret.

Reports end up in CI logs and SARIF uploads, so a snippet taken from a config file
must not copy an API key that sits on the same line as a model name or an
environment variable. Values that are plainly not secrets stay readable: references
such as `${OPENAI_API_KEY}` and names of other variables.
"""

from __future__ import annotations

import re

MASK = "***"
MAX_SNIPPET = 160

# `https://user:token@host`, `git+https://ghp_xxx@github.com/...`
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/\s@]+@")
# OpenAI-style keys (also the format DeepSeek, Moonshot and DashScope use).
_SK_KEY = re.compile(r"(?<![\w-])sk-[A-Za-z0-9_\-]{16,}")
# A value assigned to a key whose name ends like a secret's: api_key, apiKey,
# OPENAI_API_KEY, client_secret, authToken, password. Neither `max_tokens` nor
# `tiktoken` match: the word must end the key and start at a word boundary.
_SECRET_ASSIGNMENT = re.compile(
    r"(?P<key>(?<![A-Za-z0-9])(?:api[_\-]?key|secret|token|password|passwd)|(?<=[a-z0-9])(?-i:Secret|Token|Password))"
    r"(?P<sep>[\"']?\s*[:=]\s*)"
    r"(?P<value>\$\{[^}\s]*\}|\"[^\"]*\"|'[^']*'|[^\s,;#}\]\"']+)",
    re.IGNORECASE,
)
# Values that only point somewhere else: ${VAR}, $VAR, or the name of a variable.
_NOT_A_SECRET = re.compile(r"[\"']?(?:\$\{[A-Za-z_]\w*\}|\$[A-Za-z_]\w*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|)[\"']?")


def redact(text: str) -> str:
    """`text` with credentials in URLs, `sk-` keys and secret-named values masked."""
    text = _URL_CREDENTIALS.sub(MASK + "@", text)
    text = _SK_KEY.sub("sk-" + MASK, text)
    return _SECRET_ASSIGNMENT.sub(_mask_value, text)


def _mask_value(match: re.Match[str]) -> str:
    value = match["value"]
    if _NOT_A_SECRET.fullmatch(value):
        return match[0]
    quote = value[0] if value[0] in "\"'" else ""
    return f"{match['key']}{match['sep']}{quote}{MASK}{quote}"


def snippet(line: str, focus: str) -> str:
    """The stripped, redacted line; long lines are cut to a window around `focus`."""
    shown = redact(line.strip())
    if len(shown) <= MAX_SNIPPET:
        return shown
    at = max(shown.find(focus), 0)
    start = max(0, min(at - (MAX_SNIPPET - len(focus)) // 2, len(shown) - MAX_SNIPPET))
    end = start + MAX_SNIPPET
    return ("…" if start else "") + shown[start:end] + ("…" if end < len(shown) else "")
