"""Drafts agent replies: streamed into the agent's editor, or as JSON for the macro system."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from openai import OpenAI

from support_desk.models import DEFAULT_MODEL, model_for

logger = logging.getLogger(__name__)

REPLY_STYLE = "You are a friendly support agent. Be concise and never promise a refund."


def stream_reply(client: OpenAI, ticket_text: str) -> Iterator[str]:
    """Yield the draft as it is written; usage arrives on the last chunk and goes to billing."""
    stream = client.chat.completions.create(
        model=model_for("reply"),
        messages=[
            {"role": "system", "content": REPLY_STYLE},
            {"role": "user", "content": ticket_text},
        ],
        stream=True,
        stream_options={"include_usage": True},
    )
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            yield chunk.choices[0].delta.content
        if chunk.usage:
            logger.info("reply draft used %d tokens", chunk.usage.total_tokens)


def reply_as_macro(client: OpenAI, ticket_text: str) -> dict[str, Any]:
    """The macro system stores {"subject": ..., "body": ...}, so ask for JSON outright."""
    response = client.chat.completions.create(
        model=DEFAULT_MODEL,
        messages=[
            {"role": "system", "content": REPLY_STYLE + ' Answer as JSON with keys "subject" and "body".'},
            {"role": "user", "content": ticket_text},
        ],
        response_format={"type": "json_object"},
    )
    return json.loads(response.choices[0].message.content or "{}")


def rewrite(client: OpenAI, draft: str, tone: str, **overrides: Any) -> str:
    """Agents tune sampling from the editor's settings panel, so their overrides are spread in."""
    params: dict[str, Any] = {"model": DEFAULT_MODEL, "temperature": 0.7, **overrides}
    result = client.chat.completions.create(
        messages=[{"role": "user", "content": f"Rewrite this reply in a {tone} tone:\n\n{draft}"}],
        **params,
    )
    return result.choices[0].message.content or ""


def translate_all(client: OpenAI, drafts: list[str], language: str) -> list[str]:
    """Translate a batch of drafts for the regional queues, one request per draft."""
    chat = client.chat.completions
    translated = []
    for draft in drafts:
        out = chat.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"Translate into {language}:\n\n{draft}"}],
        )
        translated.append(out.choices[0].message.content or "")
    return translated
