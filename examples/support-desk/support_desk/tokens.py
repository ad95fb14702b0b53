"""Counts tokens so long ticket threads are trimmed before they exceed the context window."""

from __future__ import annotations

import tiktoken

_ENCODING = tiktoken.encoding_for_model("gpt-4o")


def count_tokens(text: str) -> int:
    return len(_ENCODING.encode(text))


def trim_to_budget(messages: list[str], budget: int = 6000) -> list[str]:
    """Drop the oldest messages first: the latest ones carry the customer's actual question."""
    kept: list[str] = []
    used = 0
    for message in reversed(messages):
        cost = count_tokens(message)
        if used + cost > budget:
            break
        kept.append(message)
        used += cost
    return list(reversed(kept))
