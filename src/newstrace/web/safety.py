"""What keeps hostile page content harmless in a browser, besides escaping (which Jinja2 does).

Escaping stops markup; it does not stop Unicode direction tricks (an RLO in a title can make a URL or a
name read backwards) nor invisible control characters, so every string shown is also cleaned here. The
security headers are the second line of defence: even if some text escaped escaping, no inline script,
plugin or foreign frame may run.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Direction controls (embeddings, overrides, isolates, marks) and C0/C1 controls other than tab/newline.
_UNSAFE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def clean(s: str) -> str:
    """``s`` without direction-control and control characters (tabs and newlines kept)."""
    return _UNSAFE.sub("", s)


def external_url(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) address safe to link to, else None (``javascript:``, ``data:`` …)."""
    if not url:
        return None
    url = clean(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c.isspace() for c in url):
        return None
    return url


def path_part(s: object) -> str:
    """One URL path segment for an id (slashes kept: routes take ids with slashes)."""
    return quote(str(s), safe="/")
