"""The OpenAI wire protocol: chat completions (plain, streamed, tools, JSON mode) and embeddings.

Every provider's OpenAI-compatible route speaks it, and so do the Zhipu, Ark and Qianfan v2
native SDKs; the provider modules subclass `OpenAICompatible` for their differences.
"""

from __future__ import annotations

import base64
import re
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from . import answers
from .base import Limits, Reply, Request, bearer_token, request_id, sse_lines

# Codes per failure, in the provider's own vocabulary; OpenAI's by default.
OPENAI_CODES = {
    "auth": "invalid_api_key",
    "not_found": "not_found",
    "model": "model_not_found",
    "parameter": "invalid_request_error",
}


@dataclass(frozen=True)
class Route:
    api: str  # "chat" or "embeddings"
    model: str | None = None  # when the path names it (Azure deployments)


@dataclass(frozen=True)
class OpenAICompatible:
    base_paths: tuple[str, ...]  # the provider's base URL paths, e.g. ("/api/paas/v4",)
    limits: Limits = field(default_factory=Limits)
    model_pattern: str = r".+"  # the model ids the provider serves (a regular expression)
    embeddings: bool = True
    float_only_embeddings: bool = False  # documented "only float": base64 requests are refused
    codes: dict[str, str] = field(default_factory=lambda: dict(OPENAI_CODES))

    # ------------------------------------------------------------------ routing and auth

    def route(self, request: Request) -> Route | None:
        for base in self.base_paths:
            if request.path == f"{base}/chat/completions":
                return Route("chat")
            if self.embeddings and request.path == f"{base}/embeddings":
                return Route("embeddings")
        return None

    def authenticated(self, request: Request, key: str) -> bool:
        return bearer_token(request) == key

    def handle(self, request: Request, key: str) -> Reply | None:
        """The reply, or None when the path is not one of this protocol's."""
        route = self.route(request)
        if route is None:
            return None
        if request.method != "POST":
            return self.error(405, "not_found", f"{request.method} is not served on {request.path}")
        if not self.authenticated(request, key):
            return self.error(401, "auth", "missing or wrong API key")
        if not isinstance(request.body, dict):
            return self.error(400, "parameter", "the body must be a JSON object")
        model = route.model or request.body.get("model")
        if not isinstance(model, str) or not re.fullmatch(self.model_pattern, model):
            return self.error(404, "model", f"the model {model!r} does not exist")
        if route.api == "embeddings":
            return self.embed(request.body, model)
        return self.chat(request.body, model)

    def error(self, status: int, failure: str, message: str) -> Reply:
        return Reply(status, {"error": {"code": self.codes.get(failure, failure), "message": message, "type": failure}})

    # ------------------------------------------------------------------ chat

    def chat(self, body: dict[str, Any], model: str) -> Reply:
        problems = self.limits.violations(body)
        if problems:
            return self.error(400, "parameter", "; ".join(problems))
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return self.error(400, "parameter", "messages must be a non-empty list")
        unanswered = _unanswered_tool_messages(messages)
        if unanswered:
            return self.error(400, "parameter", f"tool messages answer no earlier tool call: {unanswered}")
        json_mode = (body.get("response_format") or {}).get("type") == "json_object"
        reply = answers.answer(messages, body.get("tools"), json_mode)
        usage = _usage(messages, reply)
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return Reply(200, events=sse_lines(self.chunks(model, reply, usage if include_usage else None), done=True),
                         content_type="text/event-stream")
        return Reply(200, self.completion(model, reply, usage))

    def completion(self, model: str, reply: answers.Answer, usage: dict[str, int]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if reply.tool_call:
            message["tool_calls"] = [reply.tool_call.as_openai()]
        return {
            "id": f"chatcmpl-{request_id()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
            "usage": usage,
        }

    def chunks(self, model: str, reply: answers.Answer, usage: dict[str, int] | None) -> list[dict[str, Any]]:
        """Stream chunks: the role, one delta per word (or the tool call), the finish reason, then usage if asked."""
        identity = {"id": f"chatcmpl-{request_id()}", "object": "chat.completion.chunk", "created": int(time.time()),
                    "model": model}

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**identity, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

        out = [chunk({"role": "assistant", "content": ""})]
        if reply.tool_call:
            out.append(chunk({"tool_calls": [{"index": 0, **reply.tool_call.as_openai()}]}))
        else:
            out += [chunk({"content": piece}) for piece in answers.stream_pieces(reply.text or "")]
        out.append(chunk({}, reply.finish_reason))
        if usage is not None:
            out.append({**identity, "choices": [], "usage": usage})
        return out

    # ------------------------------------------------------------------ embeddings

    def embed(self, body: dict[str, Any], model: str) -> Reply:
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            return self.error(400, "parameter", "input must be a string or a non-empty list of strings")
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64") or (self.float_only_embeddings and encoding != "float"):
            return self.error(400, "parameter", f"encoding_format {encoding!r} is not supported: only float")
        data = []
        for index, text in enumerate(texts):
            vector = answers.embedding(text, body.get("dimensions"))
            encoded: Any = vector if encoding == "float" else _base64_floats(vector)
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        tokens = answers.token_count(texts)
        return Reply(200, {"object": "list", "data": data, "model": model,
                           "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


def _base64_floats(vector: list[float]) -> str:
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def _usage(messages: list[dict[str, Any]], reply: answers.Answer) -> dict[str, int]:
    prompt = answers.token_count([answers.message_text(m) for m in messages])
    completion = answers.token_count([reply.text or (reply.tool_call.arguments if reply.tool_call else "")])
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _unanswered_tool_messages(messages: list[dict[str, Any]]) -> list[str]:
    """Ids of tool messages that follow no assistant tool call with that id (OpenAI answers 400)."""
    called: set[str] = set()
    unanswered = []
    for message in messages:
        for call in message.get("tool_calls") or []:
            called.add(call.get("id"))
        if message.get("role") == "tool" and message.get("tool_call_id") not in called:
            unanswered.append(str(message.get("tool_call_id")))
    return unanswered
