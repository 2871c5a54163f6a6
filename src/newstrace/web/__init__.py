"""The web app and HTTP API: browse stories, pages, quotes and copies of a newstrace store.

Pages come from hostile sites, so the app treats every stored string as untrusted: it is escaped where
shown (Jinja2 autoescape), direction-control characters are stripped, no script is built from data, and a
strict Content-Security-Policy backs that up. The server reads the store read-only; the one endpoint that
writes (ingest) needs a token.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
