"""``newstrace serve``: the web app on uvicorn, on 127.0.0.1 unless told otherwise.

The command binds its socket itself before starting uvicorn, so it can print the exact address it
listens on (also with ``--port 0``, which picks a free port) the moment requests can be accepted.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import stat
import sys
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..render import safe
from ..store import is_postgres
from .safety import LOOPBACK_HOSTS
from .server import IDLE_TIMEOUT


def register(subparsers: Any) -> None:
    """Add ``serve`` to the ``newstrace`` command."""
    p = subparsers.add_parser("serve", help="browse the store in a web browser (and a JSON API)")
    p.add_argument("--db", default="newstrace.db",
                   help="the store: a SQLite file (default newstrace.db) or a PostgreSQL URL "
                   "(postgresql://user:password@host:port/database)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument(
        "--token-file",
        metavar="FILE",
        help="a file holding the token that enables POST /api/ingest (off without it)",
    )
    p.add_argument(
        "--max-ingest-mb",
        type=float,
        default=8.0,
        metavar="MB",
        help="largest ingest request body accepted (default 8 MB)",
    )
    p.add_argument(
        "--idle-timeout",
        type=float,
        default=IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"close a connection that has not sent a whole request within this time "
        f"(default {IDLE_TIMEOUT:g}; idle and slow clients cannot hold the server)",
    )
    p.add_argument(
        "--max-requests",
        type=int,
        default=32,
        metavar="N",
        help="requests handled at once; more wait briefly, then get 503 with Retry-After (default 32)",
    )
    p.set_defaults(func=cmd_serve)


def _error(msg: str) -> int:
    print(f"newstrace: error: {safe(msg)}", file=sys.stderr)
    return 2


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(path: str) -> str:
    """The token in ``path`` (first line, stripped); refuses short tokens."""
    p = Path(path)
    lines = p.read_text(encoding="utf-8").strip().splitlines()
    token = lines[0].strip() if lines else ""
    if len(token) < 16:
        raise ValueError(f"{path}: the token must be at least 16 characters")
    mode = p.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(f"newstrace: warning: {safe(path)} is readable by other users (chmod 600 it)", file=sys.stderr)
    return token


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (IPv4 or IPv6)."""
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    family, kind, proto, _, addr = infos[0]
    # The protocol must be given: asyncio sets TCP_NODELAY on accepted connections only when the socket
    # says IPPROTO_TCP, and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(addr)
    sock.listen(1024)  # a burst of connections queues in the kernel instead of being refused
    sock.set_inheritable(True)
    return sock


def cmd_serve(args: argparse.Namespace) -> int:
    """Check the setup and the store, bind, then serve until interrupted (exit 2 on a bad setup)."""
    import uvicorn

    from .app import create_app
    from .server import server_config

    token = None
    if args.token_file:
        try:
            token = read_token(args.token_file)
        except (OSError, ValueError) as e:
            return _error(str(e))
    if not is_postgres(args.db) and not Path(args.db).exists() and token is None:
        return _error(f"{args.db}: no such store (run `newstrace ingest PATH --db {args.db}` first)")
    if not 0 <= args.port <= 65535:
        return _error(f"--port must be between 0 and 65535, got {args.port}")
    if not args.idle_timeout > 0:
        return _error(f"--idle-timeout must be positive, got {args.idle_timeout}")
    if args.max_requests < 1:
        return _error(f"--max-requests must be at least 1, got {args.max_requests}")
    loopback = _is_loopback(args.host)
    try:
        app = create_app(
            args.db,
            token,
            allowed_hosts=list(LOOPBACK_HOSTS) if loopback else None,
            max_ingest_bytes=int(args.max_ingest_mb * 1024 * 1024),
            max_requests=args.max_requests,
        )
    except StoreError as e:  # a folder, an empty, foreign, truncated or damaged file
        return _error(str(e))
    try:
        sock = bind(args.host, args.port)
    except OSError as e:
        return _error(f"cannot listen on {args.host}:{args.port}: {e}")
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"newstrace: serving {safe(os.path.abspath(args.db))} at http://{shown}:{port}/ (Ctrl-C to stop)",
        flush=True,
    )
    if not loopback:
        print(
            "newstrace: warning: listening beyond this machine; anyone who can reach it can read the store",
            file=sys.stderr,
        )
    if token is not None:
        print("newstrace: POST /api/ingest is enabled (bearer token)", file=sys.stderr)
    server = uvicorn.Server(server_config(app, idle_timeout=args.idle_timeout))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
