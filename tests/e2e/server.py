"""A loopback HTTP server that speaks every provider's wire protocol and records what it was sent.

Requests go to `/<provider>[@<tag>]/<the provider's real path>`; `providers.py` says what
each provider serves. Every request is recorded (provider, tag, path, query, headers,
JSON body, reply status) so tests can check what a program actually put on the wire.
Standard library only: one `ThreadingHTTPServer` on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlsplit

from .protocols.base import Reply, Request
from .providers import PROVIDERS, Provider


@dataclass(frozen=True)
class Recorded:
    provider: str
    tag: str
    method: str
    path: str  # below the mount point
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: Any
    status: int


class FakeProviders:
    """The running server: `url_for(provider, base_path, tag)` to point a program at it, `requests` to check it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._recorded: list[Recorded] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-providers", daemon=True)

    def __enter__(self) -> FakeProviders:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url_for(self, provider: str, base_path: str = "", tag: str = "") -> str:
        """The base URL a program uses to reach `provider` through `base_path` (e.g. "/api/paas/v4/")."""
        mount = f"{provider}@{tag}" if tag else provider
        return f"http://127.0.0.1:{self.port}/{mount}{base_path}"

    def requests(self, provider: str | None = None, tag: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self._recorded
                    if (provider is None or r.provider == provider) and (tag is None or r.tag == tag)]

    def record(self, entry: Recorded) -> None:
        with self._lock:
            self._recorded.append(entry)


def _handler_for(server: FakeProviders) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def log_message(self, format: str, *args: Any) -> None:  # the test output stays quiet
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            mount, _, rest = parts.path.lstrip("/").partition("/")
            provider_id, _, tag = mount.partition("@")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            request = Request(
                method=self.command,
                path="/" + rest if rest else "",
                query=dict(parse_qsl(parts.query)),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
            provider: Provider | None = PROVIDERS.get(provider_id)
            reply = provider.handle(request) if provider else Reply(404, {"error": {"message": f"no provider {mount}"}})
            server.record(Recorded(provider_id, tag, request.method, request.path, dict(request.query),
                                   dict(request.headers), body, reply.status))
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            if reply.streamed:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for line in _event_bytes(reply.events):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                return
            payload = json.dumps(reply.body, ensure_ascii=False).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def _event_bytes(lines: tuple[str, ...]) -> Iterator[bytes]:
    """One write per event (its lines up to the blank line), so a client sees deltas arrive separately."""
    pending: list[str] = []
    for line in lines:
        pending.append(line)
        if line == "":
            yield ("\n".join(pending) + "\n").encode()
            pending = []
    if pending:
        yield ("\n".join(pending) + "\n").encode()
