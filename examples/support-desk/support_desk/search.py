"""Finds help-centre articles that match a ticket by comparing their embeddings."""

from __future__ import annotations

import math

import openai as oai

# The nightly re-index embeds every article at once, so allow more retries than the default.
_client = oai.OpenAI(max_retries=5)


def embed(texts: list[str]) -> list[list[float]]:
    """Embed in one request: the help centre has a few hundred articles at most."""
    response = _client.embeddings.create(model="text-embedding-3-small", input=texts)
    return [item.embedding for item in response.data]


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def best_articles(ticket_text: str, articles: dict[str, list[float]], limit: int = 3) -> list[str]:
    """Rank pre-embedded articles (title -> vector) against the ticket; best match first."""
    [query] = embed([ticket_text])
    ranked = sorted(articles, key=lambda title: _cosine(query, articles[title]), reverse=True)
    return ranked[:limit]
