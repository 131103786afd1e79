"""The teaching page's server refuses other origins and bad websocket frames (sasci_sim.ui.dashboard.security).

In-process, on the ASGI middleware itself: which requests pass, which are refused, and that a
malformed or oversized frame closes its connection before the app reads it. The same server
driven by a real Chromium from a second origin is in test_dashboard_browser_guard.py.
"""

from __future__ import annotations

import asyncio
import struct
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sasci_sim.ui.dashboard.security import (
    CLOSE_BAD_DATA,
    CLOSE_TOO_BIG,
    MAX_FRAME_BYTES,
    OriginGuard,
    binary_frame_problem,
)

OWN = "127.0.0.1:8765"


def scope(kind: str = "websocket", **headers: str) -> dict[str, Any]:
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in {"host": OWN, **headers}.items()]
    return {"type": kind, "scheme": "ws" if kind == "websocket" else "http", "method": "GET", "headers": raw}


class Recorder:
    """An app that accepts, then reads every frame it is given."""

    def __init__(self) -> None:
        self.called = False
        self.frames: list[Any] = []

    async def __call__(self, scope, receive, send) -> None:
        self.called = True
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            self.frames.append(message.get("bytes") or message.get("text"))


def drive(guard: OriginGuard, sc: dict[str, Any], frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the guard on one connection; returns what it sent to the client."""
    incoming = [{"type": "websocket.connect"} if sc["type"] == "websocket" else {"type": "http.request"}, *frames]
    incoming.append({"type": "websocket.disconnect", "code": 1000})
    sent: list[dict[str, Any]] = []

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    # in a thread of its own: a library used by an earlier test may leave an event loop marked
    # running in the main thread, where asyncio.run would refuse to start
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, guard(sc, receive, send)).result()
    return sent


@pytest.mark.parametrize(
    ("headers", "passes"),
    [
        ({}, True),  # not a browser: nothing a web page can use
        ({"origin": "http://127.0.0.1:8765", "sec_fetch_site": "same-origin"}, True),  # the page itself
        ({"origin": "http://127.0.0.1:9999", "sec_fetch_site": "same-site"}, False),  # another port's page
        ({"origin": "https://evil.example", "sec_fetch_site": "cross-site"}, False),
        ({"origin": "null"}, False),  # a sandboxed frame or a file:// page
        ({"sec_fetch_site": "cross-site", "sec_fetch_mode": "websocket"}, False),
        ({"host": "evil.example:8765", "origin": "http://evil.example:8765"}, False),  # DNS rebinding
    ],
)
def test_websockets_from_other_origins_are_refused(headers: dict[str, str], passes: bool, tally) -> None:
    app = Recorder()
    sent = drive(OriginGuard(app), scope("websocket", **headers), [])
    assert app.called is passes
    if not passes:
        assert sent == [{"type": "websocket.close", "code": 1008, "reason": "cross-origin"}]  # uvicorn: 403
    tally.add("cross-origin requests to the teaching page (in-process)", tried=1, refused_or_passed_as_expected=1)


@pytest.mark.parametrize(
    ("headers", "passes"),
    [
        ({}, True),
        ({"sec_fetch_site": "none", "sec_fetch_mode": "navigate"}, True),  # the teacher typed the address
        ({"sec_fetch_site": "cross-site", "sec_fetch_mode": "navigate"}, True),  # a link to the page
        ({"sec_fetch_site": "cross-site", "sec_fetch_mode": "no-cors"}, False),  # <img src=...> from a page
        ({"origin": "https://evil.example", "sec_fetch_site": "cross-site", "sec_fetch_mode": "cors"}, False),
        ({"sec_fetch_site": "same-site", "sec_fetch_mode": "cors"}, False),
    ],
)
def test_http_calls_from_other_sites_are_refused(headers: dict[str, str], passes: bool, tally) -> None:
    app = Recorder()
    sent = drive(OriginGuard(app), scope("http", **headers), [])
    assert app.called is passes
    assert sent[0]["status"] == (200 if passes else 403)
    tally.add("cross-origin requests to the teaching page (in-process)", tried=1, refused_or_passed_as_expected=1)


def frame(parts: int, *offsets: int, body: bytes = b"") -> bytes:
    return struct.pack("!i" + "I" * len(offsets), parts, *offsets) + body


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (frame(2**31 - 1, 8), CLOSE_BAD_DATA),  # the 8-byte frame that drove Solara to 4.5 GB
        (frame(-1, 8), CLOSE_BAD_DATA),
        (frame(0, 4), CLOSE_BAD_DATA),
        (frame(2, 12), CLOSE_BAD_DATA),  # shorter than the header it declares
        (frame(1, 8, body=b"{}") + b"", None),  # a well-formed one-part message
        (frame(2, 12, 10, body=b"{}xx"), CLOSE_BAD_DATA),  # offsets out of order
        (frame(1, 99, body=b"{}"), CLOSE_BAD_DATA),  # offset past the end
        (frame(1, 8, body=b"x" * MAX_FRAME_BYTES), CLOSE_TOO_BIG),
    ],
)
def test_binary_frames_are_bounded_and_well_formed(data: bytes, code: int | None, tally) -> None:
    app = Recorder()
    own = {"origin": "http://127.0.0.1:8765", "sec_fetch_site": "same-origin"}
    sent = drive(OriginGuard(app), scope("websocket", **own), [{"type": "websocket.receive", "bytes": data}])
    if code is None:
        assert app.frames == [data] and binary_frame_problem(data) is None
    else:
        assert app.frames == [], "a bad frame must never reach Solara's parser"
        assert {"type": "websocket.close", "code": code} in sent
    tally.add(
        "malformed or oversized websocket frames (in-process)",
        tried=1,
        closed_before_the_app=int(code is not None),
        well_formed_passed=int(code is None),
    )


def test_a_text_frame_over_the_limit_closes_the_connection(tally) -> None:
    app = Recorder()
    big = {"type": "websocket.receive", "text": "x" * (MAX_FRAME_BYTES + 1)}
    sent = drive(OriginGuard(app), scope("websocket"), [big])
    assert app.frames == [] and {"type": "websocket.close", "code": CLOSE_TOO_BIG} in sent
    tally.add("malformed or oversized websocket frames (in-process)", tried=1, closed_before_the_app=1)
