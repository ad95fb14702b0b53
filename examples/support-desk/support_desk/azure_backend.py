"""Serves EU customers from our Azure OpenAI deployment, which keeps their data in the EU."""

from __future__ import annotations

import os

from openai import AzureOpenAI

# Azure addresses models by deployment name, not by model id.
AZURE_DEPLOYMENT = os.environ.get("AZURE_OPENAI_DEPLOYMENT", "support-eu")

azure_client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_version="2024-06-01",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)


def summarize_for_eu(ticket_text: str) -> str:
    """Same summary as the global desk, but the request never leaves the EU region."""
    response = azure_client.chat.completions.create(
        model=AZURE_DEPLOYMENT,
        messages=[
            {"role": "system", "content": "Summarize this support ticket in one sentence."},
            {"role": "user", "content": ticket_text},
        ],
        temperature=0,
    )
    return response.choices[0].message.content or ""
