"""What the teaching page's server accepts: its own page's requests, and well-formed, bounded frames.

Listening on 127.0.0.1 keeps other machines out, but not other web pages: any tab in the
teacher's browser can open ``ws://127.0.0.1:8765/...`` or post to it. Solara has no setting
for this (its server is a plain Starlette app, and ``solara run`` passes no websocket size
to uvicorn), so ``OriginGuard`` wraps the app as ASGI middleware:

- A websocket or HTTP request that names another origin (``Origin`` not this server's own
  ``scheme://host:port``) is refused: 403 before the websocket is accepted, or for HTTP.
- A browser's fetch that says it comes from another site (``Sec-Fetch-Site: cross-site`` or
  ``same-site``; the second covers another port of 127.0.0.1) is refused too, unless it is
  the user opening the page (a top-level ``GET`` navigation).
- On loopback, the ``Host`` must be a loopback name, so a DNS-rebinding page whose own name
  resolves to 127.0.0.1 is refused as well.
- Every frame a client sends is at most ``MAX_FRAME_BYTES``, and a binary frame must be
  the Jupyter framing Solara reads (a count of parts, then that many offsets inside the
  frame): an 8-byte frame claiming two billion parts made Solara's parser allocate gigabytes.
  A bad frame closes that connection (code 1009 or 1003) before Solara sees it.

Clients that are not browsers (curl, tests) send no ``Origin`` or ``Sec-Fetch-Site``; they
can do nothing a page can exploit, and are let through.
"""

from __future__ import annotations

import ipaddress
import itertools
import struct
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Largest frame a client may send (bytes). The page sends widget changes of a few hundred bytes.
MAX_FRAME_BYTES = 1024 * 1024
#: Most parts a binary frame may declare (widget messages carry a handful of buffers).
MAX_FRAME_PARTS = 64
#: Websocket close codes (RFC 6455): message too big, unacceptable data.
CLOSE_TOO_BIG = 1009
CLOSE_BAD_DATA = 1003
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
#: Fetch-metadata values that mean the request comes from this page itself, or from the user.
_OWN_SITE = {"same-origin", "none"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (a loopback name or address).

    Args:
        host: A host name or address, without port or brackets.

    Returns:
        True for localhost, 127.0.0.0/8 and ::1.
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def binary_frame_problem(frame: bytes) -> str | None:
    """What is wrong with a binary websocket frame, by the framing Solara parses (None: nothing).

    Args:
        frame: The frame's bytes.

    Returns:
        A reason, or None for a well-formed frame.
    """
    if len(frame) < 8:
        return "shorter than a header"
    (parts,) = struct.unpack("!i", frame[:4])
    if not 1 <= parts <= MAX_FRAME_PARTS:
        return f"declares {parts} parts (1 to {MAX_FRAME_PARTS} allowed)"
    header = 4 * (parts + 1)
    if len(frame) < header:
        return "shorter than its own header"
    offsets = struct.unpack("!" + "I" * parts, frame[4:header])
    if offsets[0] < header or any(b < a for a, b in itertools.pairwise(offsets)):
        return "has offsets out of order"
    if offsets[-1] > len(frame):
        return "has offsets past its end"
    return None


class OriginGuard:
    """ASGI middleware: refuse other origins and sites, and bad or oversized websocket frames.

    Args:
        app: The ASGI app to protect (Solara's Starlette app).
        loopback_only: Whether the server listens on loopback only (then ``Host`` is checked too).
    """

    def __init__(self, app: ASGIApp, loopback_only: bool = True) -> None:
        """Wrap Solara's app; ``loopback_only`` also refuses non-loopback Host headers."""
        self.app = app
        self.loopback_only = loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse cross-origin calls and oversized or foreign frames; pass everything else to the app."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = self.refusal(scope)
        if problem is not None:
            await _refuse(scope, receive, send, problem)
            return
        if scope["type"] == "websocket":
            await self.app(scope, _bounded(receive, send), send)
        else:
            await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> str | None:
        """Why a request is refused (None: it is this page's own, or not from a browser).

        Args:
            scope: The ASGI scope.

        Returns:
            A reason, or None.
        """
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.loopback_only and host and not is_loopback(_host_name(host)):
            return f"host {host!r} is not this machine's"
        origin = headers.get("origin")
        if origin is not None:
            secure = scope.get("scheme") in ("https", "wss")
            own = f"{'https' if secure else 'http'}://{host}"
            if origin.rstrip("/") != own:
                return f"origin {origin!r} is not {own!r}"
        site = headers.get("sec-fetch-site")
        if site is not None and site not in _OWN_SITE:
            navigating = (
                scope["type"] == "http" and scope.get("method") == "GET" and headers.get("sec-fetch-mode") == "navigate"
            )
            if not navigating:
                return f"request from another site ({site})"
        return None


def _host_name(host: str) -> str:
    """``host:port`` or ``[::1]:port`` -> the name or address alone."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _refuse(scope: Scope, receive: Receive, send: Send, problem: str) -> None:
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1008, "reason": "cross-origin"})  # answered with 403
        return
    body = f"refused: {problem}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _bounded(receive: Receive, send: Send) -> Receive:
    """``receive`` that closes the connection on a frame too big or malformed, before the app reads it."""

    async def checked() -> Message:
        message = await receive()
        if message["type"] != "websocket.receive":
            return message
        data = message.get("bytes")
        text = message.get("text")
        size = len(data) if data is not None else len(text.encode()) if text is not None else 0
        code = None
        if size > MAX_FRAME_BYTES:
            code = CLOSE_TOO_BIG
        elif data is not None and binary_frame_problem(data) is not None:
            code = CLOSE_BAD_DATA
        if code is None:
            return message
        await send({"type": "websocket.close", "code": code})
        return {"type": "websocket.disconnect", "code": code}

    return checked


def protect(app: Any, loopback_only: bool) -> None:
    """Install ``OriginGuard`` as the outermost middleware of a Starlette app (before it starts).

    Args:
        app: Solara's Starlette app (``solara.server.starlette.app``).
        loopback_only: Whether the server listens on loopback only.
    """
    app.add_middleware(OriginGuard, loopback_only=loopback_only)
