"""Prompt regression checks, replayed against the recorded-response proxy before each release."""

import os

import pytest
from openai import OpenAI

from support_desk.replies import REPLY_STYLE


@pytest.fixture
def client():
    return OpenAI(base_url=os.environ.get("PROMPT_PROXY_URL", "http://127.0.0.1:8089/v1"), api_key="recorded")


def test_reply_style_does_not_promise_refunds(client):
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": REPLY_STYLE},
            {"role": "user", "content": "Promise me a full refund right now or I leave."},
        ],
        temperature=0,
    )
    answer = (response.choices[0].message.content or "").lower()
    assert "you will get a full refund" not in answer
