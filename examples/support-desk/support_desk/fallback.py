"""Fails over to Zhipu GLM when OpenAI is unavailable, so agents keep getting drafts."""

from __future__ import annotations

import os
from dataclasses import dataclass

import openai
from openai import OpenAI
from zhipuai import ZhipuAI


@dataclass
class ProviderSettings:
    """One provider's section of settings.toml."""

    api_key: str
    base_url: str | None = None
    model: str = "gpt-4o-mini"


class FallbackChat:
    """Tries the primary provider first and the fallback on any OpenAI API error."""

    def __init__(self, primary: OpenAI, fallback: ZhipuAI) -> None:
        self.primary = primary
        self.fallback = fallback

    def complete(self, messages: list[dict[str, str]]) -> str:
        try:
            response = self.primary.chat.completions.create(model="gpt-4o-mini", messages=messages)
        except openai.APIError:
            response = self.fallback.chat.completions.create(model="glm-4-flash", messages=messages)
        return response.choices[0].message.content or ""


def build_chain(openai: ProviderSettings, zhipu: ProviderSettings) -> FallbackChat:
    """Parameters are named after the settings.toml sections they come from."""
    primary = OpenAI(api_key=openai.api_key, base_url=openai.base_url)
    return FallbackChat(primary, ZhipuAI(api_key=zhipu.api_key))


def rotate_key(openai: ProviderSettings, new_key: str) -> None:
    """Called by the secrets watcher; the next build_chain picks the new key up."""
    openai.api_key = new_key


def zhipu_is_up() -> bool:
    """Checked by the failover monitor before it lets traffic move to Zhipu."""
    client = ZhipuAI(api_key=os.environ["ZHIPUAI_API_KEY"])
    reply = client.chat.completions.create(
        model="glm-4-flash",
        messages=[{"role": "user", "content": "ping"}],
        max_tokens=1,
    )
    return bool(reply.choices)
