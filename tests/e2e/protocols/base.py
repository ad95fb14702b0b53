"""The pieces every protocol handler shares: the request and reply values, ranges, auth."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the provider's mount point, e.g. "/api/paas/v4/chat/completions"
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    body: Any  # the parsed JSON body; None when there was none


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None  # a JSON value, for plain replies
    events: tuple[str, ...] = ()  # the lines of a server-sent event stream, for streamed replies
    content_type: str = "application/json"

    @property
    def streamed(self) -> bool:
        return self.content_type.startswith("text/event-stream")


@dataclass(frozen=True)
class Range:
    """A documented interval for a numeric parameter; open ends are written as in the docs: (0, 1]."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def admits(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def __str__(self) -> str:
        return f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"


@dataclass(frozen=True)
class Limits:
    """What a provider documents about request parameters (providers.md, per provider)."""

    ranges: Mapping[str, Range] = field(default_factory=dict)
    max_stop_words: int | None = None

    def violations(self, parameters: Mapping[str, Any]) -> list[str]:
        """Why `parameters` fall outside the documented limits; explicit nulls are "not set" (Ark sends them)."""
        found = []
        for name, allowed in self.ranges.items():
            value = parameters.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not allowed.admits(value):
                found.append(f"{name}={value!r} is outside {allowed}")
        stop = parameters.get("stop")
        if self.max_stop_words is not None and isinstance(stop, list) and len(stop) > self.max_stop_words:
            found.append(f"stop has {len(stop)} words; at most {self.max_stop_words} are accepted")
        return found


def bearer_token(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[len("Bearer ") :] if value.startswith("Bearer ") else None


def request_id() -> str:
    return uuid.uuid4().hex


def sse_lines(payloads: Iterable[Any], *, done: bool, separator: str = "data: ") -> tuple[str, ...]:
    """`data: <json>` events, each followed by a blank line; `data: [DONE]` closes OpenAI-style streams."""
    lines: list[str] = []
    for payload in payloads:
        lines += [separator + json.dumps(payload, ensure_ascii=False), ""]
    if done:
        lines += [separator + "[DONE]", ""]
    return tuple(lines)
