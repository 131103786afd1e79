"""The real teaching page server, attacked from a second origin in headless Chromium, and with bad frames.

``sasci-sim dashboard`` runs as a subprocess. A page served from another origin (another
port of 127.0.0.1, as a page in another tab would be) opens a websocket to the kernel
channel and sends the 8-byte frame that stalled Solara, and calls the server over HTTP:
each is refused (the websocket never opens; HTTP answers 403). The server's own page still
loads and connects. Then a client with the page's own origin sends malformed and oversized
frames: each connection is closed, and ``GET /`` still answers at once.
"""

from __future__ import annotations

import http.server
import struct
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.dashboard import served_dashboard

pytestmark = pytest.mark.slow

#: The frame that drove Solara to 4.5 GB: "2,147,483,647 parts", then one offset.
STALL_FRAME = struct.pack("!iI", 2**31 - 1, 8)

ATTACK = """<!doctype html><title>another site</title><script>
window.results = {};
const target = "127.0.0.1:%(port)d";
const ws = new WebSocket(`ws://${target}/jupyter/api/kernels/%(kernel)s/channels?session_id=x`);
ws.binaryType = "arraybuffer";
ws.onopen = () => { window.results.ws = "open"; ws.send(new Uint8Array(%(frame)s)); };
ws.onerror = () => { window.results.ws = window.results.ws || "error"; };
ws.onclose = (e) => { window.results.wsClose = e.code; };
fetch(`http://${target}/`, {mode: "no-cors"}).then(() => { window.results.get = "sent"; },
  () => { window.results.get = "failed"; });
fetch(`http://${target}/_solara/api/close/%(kernel)s`, {method: "POST", mode: "no-cors"}).then(
  () => { window.results.post = "sent"; }, () => { window.results.post = "failed"; });
</script>"""


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``sasci-sim dashboard`` on a free loopback port; yields the port."""
    with served_dashboard(tmp_path_factory.mktemp("dashboard") / "server.log") as url:
        yield int(url.rstrip("/").rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def other_origin(dashboard: int) -> Iterator[str]:
    """A page on another origin (another port) that attacks the dashboard when loaded."""
    body = ATTACK % {"port": dashboard, "kernel": uuid.uuid4(), "frame": list(STALL_FRAME)}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/attack.html"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser(chromium: Any) -> Any:
    """The session's one Chromium (tests/conftest.py)."""
    return chromium


def answers_quickly(port: int, limit: float = 5.0) -> float:
    start = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=limit) as response:
        assert response.status == 200
    return time.monotonic() - start


def test_a_page_on_another_origin_cannot_reach_the_dashboard(dashboard: int, other_origin: str, browser, tally) -> None:
    context = browser.new_context()
    page = context.new_page()
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.setdefault(r.request.method + " " + r.url, r.status))
    try:
        page.goto(other_origin)
        page.wait_for_function("window.results.wsClose !== undefined && window.results.get && window.results.post")
        results = page.evaluate("window.results")
    finally:
        context.close()
    assert results.get("ws") != "open", results  # refused before it was accepted
    assert results["wsClose"] == 1006, results  # the browser saw the handshake fail (HTTP 403)
    assert statuses[f"GET http://127.0.0.1:{dashboard}/"] == 403, statuses
    close = next(k for k in statuses if k.startswith("POST"))
    assert statuses[close] == 403, statuses
    assert answers_quickly(dashboard) < 5
    tally.add("cross-origin requests to the real teaching page from Chromium", tried=3, refused=3)


def test_the_page_itself_still_loads_and_connects(dashboard: int, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 403 else None)
    opened: list[str] = []
    page.on("websocket", lambda ws: opened.append(ws.url))
    try:
        page.goto(f"http://127.0.0.1:{dashboard}/")
        page.wait_for_selector(".sasci-month", timeout=90_000)  # rendered by the kernel over its websocket
    finally:
        context.close()
    assert opened and not refused, (opened, refused)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("the 8-byte stall frame", STALL_FRAME),
        ("a frame of 2 MB", struct.pack("!iI", 1, 8) + b"x" * 2_000_000),
        ("a text frame of 2 MB", "x" * 2_000_000),
    ],
)
def test_bad_frames_close_the_connection_and_the_server_stays_quick(dashboard: int, name: str, data, tally) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    url = f"ws://127.0.0.1:{dashboard}/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id=t"
    with connect(url, origin=f"http://127.0.0.1:{dashboard}", max_size=None, open_timeout=20) as ws:
        ws.send(data)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=20)
    assert closed.value.rcvd is not None and closed.value.rcvd.code in (1003, 1009), closed.value
    assert answers_quickly(dashboard) < 5, f"GET / stalled after {name}"
    tally.add("malformed or oversized frames sent to the real teaching page", tried=1, closed_and_quick=1)
