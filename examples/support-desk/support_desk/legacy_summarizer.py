"""Nightly summaries of closed tickets; written for the pre-1.0 SDK and not yet ported."""

import os
import time

import openai

openai.api_key = os.getenv("OPENAI_API_KEY")
openai.api_base = os.getenv("OPENAI_API_BASE", "https://api.openai.com/v1")
openai.organization = os.getenv("OPENAI_ORG_ID")

SUMMARY_MODEL = "gpt-3.5-turbo"


def summarize_ticket(thread: str, retries: int = 3) -> str:
    """Retry on rate limits: the nightly job sends thousands of these back to back."""
    for attempt in range(retries):
        try:
            resp = openai.ChatCompletion.create(
                model=SUMMARY_MODEL,
                messages=[
                    {"role": "system", "content": "Summarize this support thread in two sentences."},
                    {"role": "user", "content": thread},
                ],
                temperature=0,
                max_tokens=120,
            )
            return resp["choices"][0]["message"]["content"]
        except openai.error.RateLimitError:
            time.sleep(2**attempt)
    raise RuntimeError(f"still rate limited after {retries} attempts")


def embed_summary(summary: str) -> list:
    """Summaries are embedded so the weekly report can cluster similar problems."""
    result = openai.Embedding.create(model="text-embedding-ada-002", input=summary)
    return result["data"][0]["embedding"]


def stream_digest(summaries: list) -> str:
    """Stream the daily digest so the job log shows progress on busy days."""
    parts = []
    for chunk in openai.ChatCompletion.create(
        model="gpt-4",
        messages=[{"role": "user", "content": "Write a digest of these tickets:\n" + "\n".join(summaries)}],
        stream=True,
    ):
        content = chunk["choices"][0]["delta"].get("content")
        if content:
            parts.append(content)
            print(content, end="", flush=True)
    return "".join(parts)
