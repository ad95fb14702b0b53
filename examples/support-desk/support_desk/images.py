"""Generates header illustrations for help-centre articles."""

from __future__ import annotations

from openai import OpenAI as Client


def illustrate(article_title: str, client: Client | None = None) -> str:
    """Return the URL of a header image; tests inject a client pointed at a local stub."""
    client = client or Client()
    image = client.images.generate(
        model="dall-e-3",
        prompt=f"A flat, friendly illustration for a help article titled '{article_title}'",
        size="1792x1024",
        quality="standard",
        n=1,
    )
    return image.data[0].url or ""
