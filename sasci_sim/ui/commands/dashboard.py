"""``sasci-sim dashboard``: serve the teaching page (sasci_sim.ui.dashboard.app) with Solara, offline, on loopback.

The lessons and scenario files are checked before the server starts, so bad input is one
line and exit status 2. Solara is told not to phone home (no telemetry, no version check);
its asset route serves the page's scripts and styles from the local solara-assets package.
Requests from other origins and malformed or oversized websocket frames are refused
(sasci_sim.ui.dashboard.security), so another tab in the browser cannot drive or stall it.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import socket
import sys
import warnings
from pathlib import Path

from sasci_sim.errors import InputError, show_value
from sasci_sim.ui.dashboard.security import is_loopback, protect

NAME = "dashboard"
HELP = "serve the interactive teaching page (lessons on why innovations fail to spread)"

#: The Solara app module of the page.
APP = "sasci_sim.ui.dashboard.app"
#: Solara settings for a page that works with no internet and sends nothing out.
OFFLINE_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}


def port(text: str) -> int:
    """A port number, 1 to 65535.

    Args:
        text: The argument as typed.

    Returns:
        The port.

    Raises:
        argparse.ArgumentTypeError: With the reason, which argparse prints as one line.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 65535 (got {show_value(text)})") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 1 to 65535 (got {show_value(value)})")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``sasci-sim dashboard``.

    Args:
        parser: The subcommand's parser.
    """
    parser.add_argument(
        "scenarios", nargs="*", type=Path, help="scenario files to add to the page's picker, after the lessons"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to serve on (default: 127.0.0.1, this machine only)"
    )
    parser.add_argument("--port", type=port, default=8765, help="port (default: 8765)")
    parser.add_argument("--lesson", default=None, help="lesson to open with (default: funding_cliff)")


def check_free(host: str, number: int) -> None:
    """Fail with one line if the address cannot be served on (in use, or not this machine's).

    Args:
        host: The address to serve on.
        number: The port.

    Raises:
        InputError: When the port is in use or the host is not this machine's.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, number))
        except socket.gaierror:
            raise InputError("command line", "--host", "not an address or name of this machine", got=host) from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(
                    "command line", "--port", f"{host}:{number} is in use; choose another port", got=number
                ) from None
            raise InputError("command line", "--host", f"cannot serve on it ({exc.strerror})", got=host) from None


def execute(args: argparse.Namespace) -> int:
    """Check the address, then serve the teaching page with Solara until Ctrl+C.

    Args:
        args: The parsed arguments.

    Returns:
        The exit status: 0 when the page is stopped.

    Raises:
        InputError: On bad input (the command line prints one line, exit status 2).
    """
    from sasci_sim.ui.dashboard.catalogue import build_catalogue, find

    entries = build_catalogue(args.scenarios)
    lesson = find(entries, args.lesson).key if args.lesson else None
    check_free(args.host, args.port)
    os.environ.update(OFFLINE_ENV)
    os.environ["SASCI_DASHBOARD_SCENARIOS"] = os.pathsep.join(str(p.resolve()) for p in args.scenarios)
    if lesson:
        os.environ["SASCI_DASHBOARD_LESSON"] = lesson
    else:
        os.environ.pop("SASCI_DASHBOARD_LESSON", None)
    if not is_loopback(args.host):
        print(f"warning: serving on {args.host}: anyone who can reach it can use the page", file=sys.stderr)
    print(f"teaching page: http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)

    # Solara warns on every page load served as http://127.0.0.1 that its session cookie falls back
    # to SameSite=Lax; that is right for a page that is not embedded in another site's frame.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)
    from click.exceptions import Abort
    from solara.__main__ import run as solara_run

    os.environ["SOLARA_APP"] = APP  # read when Solara's server module is first imported, as it is next
    from solara.server.starlette import app as solara_app  # the app uvicorn is given, by name, below

    protect(solara_app, loopback_only=is_loopback(args.host))  # other origins and bad frames are refused

    solara_args = [APP, "--host", args.host, "--port", str(args.port)]
    with contextlib.suppress(Abort, KeyboardInterrupt):  # Ctrl+C is how a teacher stops the page
        solara_run.main(
            args=[*solara_args, "--production", "--no-open", "--no-check-version", "--no-access-log"],
            prog_name="sasci-sim dashboard",
            standalone_mode=False,
        )
    print("teaching page stopped", flush=True)
    return 0
