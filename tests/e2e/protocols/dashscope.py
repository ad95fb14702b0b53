"""Alibaba DashScope (providers.md §2.2, §2.3, §2.5): the native protocol and the compatible route.

Native chat is `POST /api/v1/services/aigc/text-generation/generation` with
`{model, input: {messages}, parameters: {...}}`. A stream is asked for in the headers
(`X-DashScope-SSE: enable`, `Accept: text/event-stream`), framed as `id:`/`event:`/
`:HTTP_STATUS`/`data:` lines without `[DONE]`, and is cumulative unless
`incremental_output` is true. Errors are `{"code", "message", "request_id"}` and the SDK
returns them instead of raising. Embeddings answer `output.embeddings[i].{text_index, embedding}`.
The compatible route (`/compatible-mode/v1`) is the OpenAI shape, float-only embeddings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import answers
from .base import Limits, Range, Reply, Request, bearer_token, request_id
from .openai_compat import OpenAICompatible

NATIVE_BASE_PATH = "/api/v1"
COMPATIBLE_BASE_PATH = "/compatible-mode/v1"
GENERATION_PATH = f"{NATIVE_BASE_PATH}/services/aigc/text-generation/generation"
EMBEDDING_PATH = f"{NATIVE_BASE_PATH}/services/embeddings/text-embedding/text-embedding"

# §2.5: temperature [0, 2), top_p (0, 1], presence_penalty [-2, 2], n 1-4.
LIMITS = Limits(ranges={
    "temperature": Range(0, 2, high_open=True),
    "top_p": Range(0, 1, low_open=True),
    "presence_penalty": Range(-2, 2),
    "n": Range(1, 4),
})
MODEL_PATTERN = r"(qwen|qwq|qvq|text-embedding|deepseek)[\w.-]*"


def compatible() -> OpenAICompatible:
    """The OpenAI-compatible route (§2.3): same limits and models, embeddings only as floats."""
    return OpenAICompatible(base_paths=(COMPATIBLE_BASE_PATH,), limits=LIMITS, model_pattern=MODEL_PATTERN,
                            float_only_embeddings=True)


@dataclass(frozen=True)
class DashScopeNative:
    limits: Limits = LIMITS
    model_pattern: str = MODEL_PATTERN

    def handle(self, request: Request, key: str) -> Reply | None:
        if request.path not in (GENERATION_PATH, EMBEDDING_PATH):
            return None
        if bearer_token(request) != key:
            return self.error(401, "InvalidApiKey", "Invalid API-key provided.")
        body = request.body if isinstance(request.body, dict) else {}
        model = body.get("model")
        if not isinstance(model, str) or not re.fullmatch(self.model_pattern, model):
            return self.error(400, "InvalidParameter", f"Model not exist: {model!r}")
        parameters = body.get("parameters") or {}
        if request.path == EMBEDDING_PATH:
            return self.embed(body.get("input") or {}, parameters)
        problems = self.limits.violations(parameters)
        if problems:
            return self.error(400, "InvalidParameter", "; ".join(problems))
        return self.generate(request, body.get("input") or {}, parameters)

    def error(self, status: int, code: str, message: str) -> Reply:
        return Reply(status, {"code": code, "message": message, "request_id": request_id()})

    def generate(self, request: Request, given: dict[str, Any], parameters: dict[str, Any]) -> Reply:
        messages = given.get("messages") or ([{"role": "user", "content": given["prompt"]}] if "prompt" in given else [])
        if not messages:
            return self.error(400, "InvalidParameter", "input.messages or input.prompt is required")
        json_mode = (parameters.get("response_format") or {}).get("type") == "json_object"
        reply = answers.answer(messages, parameters.get("tools"), json_mode)
        usage = {"input_tokens": answers.token_count([answers.message_text(m) for m in messages]),
                 "output_tokens": answers.token_count([reply.text or ""])}
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        as_messages = parameters.get("result_format") == "message"
        streamed = (request.headers.get("x-dashscope-sse") == "enable"
                    or "text/event-stream" in request.headers.get("accept", ""))
        if not streamed:
            return Reply(200, {"output": _output(reply, reply.text or "", reply.finish_reason, as_messages),
                               "usage": usage, "request_id": request_id()})
        pieces = [""] if reply.tool_call else answers.stream_pieces(reply.text or "")
        incremental = bool(parameters.get("incremental_output"))
        lines: list[str] = []
        for number, piece in enumerate(pieces, start=1):
            last = number == len(pieces)
            text = piece if incremental else "".join(pieces[:number])
            payload = {"output": _output(reply, text, reply.finish_reason if last else "null", as_messages),
                       "usage": usage, "request_id": request_id()}
            lines += [f"id:{number}", "event:result", ":HTTP_STATUS/200", "data:" + json.dumps(payload), ""]
        return Reply(200, events=tuple(lines), content_type="text/event-stream;charset=UTF-8")

    def embed(self, given: dict[str, Any], parameters: dict[str, Any]) -> Reply:
        texts = given.get("texts")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            return self.error(400, "InvalidParameter", "input.texts must be a string or a list of strings")
        embeddings = [{"text_index": i, "embedding": answers.embedding(t, parameters.get("dimension"))}
                      for i, t in enumerate(texts)]
        return Reply(200, {"output": {"embeddings": embeddings}, "usage": {"total_tokens": answers.token_count(texts)},
                           "request_id": request_id()})


def _output(reply: answers.Answer, text: str, finish_reason: str, as_messages: bool) -> dict[str, Any]:
    if not as_messages:
        return {"text": text, "finish_reason": finish_reason}
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if reply.tool_call:
        message["tool_calls"] = [reply.tool_call.as_openai()]
    return {"choices": [{"finish_reason": finish_reason, "message": message}]}

