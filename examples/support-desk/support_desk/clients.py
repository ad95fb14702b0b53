"""The app's shared OpenAI client, configured once from the environment at import time."""

from __future__ import annotations

from openai import OpenAI

from support_desk.models import DEFAULT_MODEL

client = OpenAI()


def ping() -> bool:
    """Health check for /healthz: one token from the default model proves key and network."""
    reply = client.chat.completions.create(
        model=DEFAULT_MODEL,
        messages=[{"role": "user", "content": "ping"}],
        max_tokens=1,
    )
    return bool(reply.choices)


def available_models() -> list[str]:
    """Shown on the admin page so operators can see what the key is allowed to use."""
    return sorted(model.id for model in client.models.list())
