"""Classifies incoming tickets by team and urgency so they land in the right queue."""

from __future__ import annotations

import os

from openai import OpenAI

from support_desk.models import model_for

TRIAGE_PROMPT = (
    "You route customer-support tickets. Answer with exactly one line <team>|<urgency>, "
    "where team is billing, shipping or technical and urgency is low, normal or high."
)


class TicketTriager:
    """One client per queue worker; the base URL may point at the company's logging gateway."""

    def __init__(self, api_key: str | None = None) -> None:
        self.client = OpenAI(
            api_key=api_key or os.environ["OPENAI_API_KEY"],
            base_url=os.environ.get("OPENAI_BASE_URL"),
        )
        self.model = model_for("triage")

    def classify(self, ticket_text: str, customer_id: str) -> list[tuple[str, str]]:
        """Ask for three routings: when they disagree, the ticket goes to a human dispatcher."""
        completion = self.client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": TRIAGE_PROMPT},
                {"role": "user", "content": ticket_text},
            ],
            temperature=0.2,
            top_p=0.9,
            max_tokens=20,
            stop=["\n"],
            presence_penalty=0.0,
            frequency_penalty=0.1,
            seed=42,
            user=customer_id,
            n=3,
        )
        routings = []
        for choice in completion.choices:
            team, _, urgency = (choice.message.content or "").partition("|")
            routings.append((team.strip(), urgency.strip()))
        return routings

    def remaining_requests(self) -> int:
        """Read the rate-limit headers so the worker backs off before it is throttled."""
        raw = self.client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "ok"}],
            max_tokens=1,
        )
        return int(raw.headers.get("x-ratelimit-remaining-requests", "0"))
