"""Pulls structured fields (order id, product, sentiment) out of free-text tickets for the CRM."""

from __future__ import annotations

from typing import Literal

from openai import OpenAI
from pydantic import BaseModel

from support_desk.models import model_for


class TicketFields(BaseModel):
    """The fields the CRM sync writes back onto the ticket."""

    order_id: str | None
    product: str | None
    sentiment: Literal["positive", "neutral", "negative"]
    wants_refund: bool


def extract_fields(client: OpenAI, ticket_text: str) -> TicketFields | None:
    """Structured outputs guarantee the schema, so the CRM sync needs no parsing fallbacks."""
    completion = client.beta.chat.completions.parse(
        model=model_for("extract"),
        messages=[
            {"role": "system", "content": "Extract the ticket's fields. Use null when a field is absent."},
            {"role": "user", "content": ticket_text},
        ],
        response_format=TicketFields,
    )
    return completion.choices[0].message.parsed
