"""What the fake provider says: pure functions of the request, identical for every protocol.

A migrated program must print exactly what it printed against OpenAI, so the answer may
depend only on what the program sent (messages, tools, JSON mode, input texts), never on
the model name or the provider.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

EMBEDDING_DIMENSIONS = 16  # when the request does not ask for a size: small, the programs print only a prefix


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, as the OpenAI wire format carries it

    def as_openai(self) -> dict[str, Any]:
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}


@dataclass(frozen=True)
class Answer:
    """Either text or one tool call."""

    text: str | None = None
    tool_call: ToolCall | None = None

    @property
    def finish_reason(self) -> str:
        return "tool_calls" if self.tool_call else "stop"


def message_text(message: dict[str, Any]) -> str:
    """A message's text, whether its content is a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


def answer(messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None, json_mode: bool) -> Answer:
    """A tool call when tools are offered and the user spoke last; after a tool result, an answer using it."""
    last = messages[-1] if messages else {}
    if last.get("role") == "tool":
        return Answer(text=f"The tool said: {message_text(last)}")
    user_text = next((message_text(m) for m in reversed(messages) if m.get("role") == "user"), "")
    if tools and last.get("role") == "user":
        return Answer(tool_call=_tool_call(tools[0], user_text))
    if json_mode:
        return Answer(text=json.dumps({"echo": user_text, "words": len(user_text.split())}))
    return Answer(text=f"Echo: {user_text}")


def _tool_call(tool: dict[str, Any], user_text: str) -> ToolCall:
    """Calls the first tool; string arguments get the last word of the user's message."""
    function = tool.get("function", tool)
    properties = (function.get("parameters") or {}).get("properties", {})
    words = re.findall(r"\w+", user_text)
    samples = {"string": words[-1] if words else "", "integer": 1, "number": 1.5, "boolean": True}
    arguments = {name: samples.get(spec.get("type"), "") for name, spec in properties.items()}
    digest = hashlib.sha1(user_text.encode()).hexdigest()[:12]
    return ToolCall(id=f"call_{digest}", name=function["name"], arguments=json.dumps(arguments))


def stream_pieces(text: str) -> list[str]:
    """The deltas a stream sends: one per word, each with the spaces after it."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def embedding(text: str, dimensions: int | None) -> list[float]:
    """A deterministic vector for `text`; every value is k/256, exact in float32 (base64 round trips)."""
    size = dimensions or EMBEDDING_DIMENSIONS
    seed = hashlib.sha256(text.encode()).digest()
    return [(seed[i % len(seed)] - 128) / 256 for i in range(size)]


def token_count(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)
