"""Async answers for the live-chat widget, where many conversations share one event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

from openai import AsyncOpenAI

from support_desk.models import DEFAULT_MODEL

async_client = AsyncOpenAI(timeout=20.0)


async def quick_answer(question: str) -> str:
    """Short, non-streamed answers for the widget's suggested-reply chips."""
    response = await async_client.chat.completions.create(
        model=DEFAULT_MODEL,
        messages=[{"role": "user", "content": question}],
        max_tokens=60,
    )
    return response.choices[0].message.content or ""


async def stream_answer(history: list[dict[str, str]]) -> AsyncIterator[str]:
    """Stream tokens to the websocket so the customer sees the answer being typed."""
    stream = await async_client.chat.completions.create(
        model="gpt-4o",
        messages=history,
        temperature=0.4,
        stream=True,
    )
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            yield chunk.choices[0].delta.content
