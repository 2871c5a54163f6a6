"""What a page's URL says about its site: the host, and the name the site registered.

One place for it, because the outlet registry (domains), the headline choice (a title part that spells
the site's name) and related-list detection (buttons that name the site) all ask.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PREFIXES = frozenset({"www", "m", "amp", "mobile"})
# second-level labels under a country code: "bbc.co.uk", "abc.net.au", "univie.ac.at"
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"})
_NOT_ALNUM = re.compile(r"[\W_]+")


def host(url_or_host: str | None) -> str:
    """The lower-case host of a URL or bare host name ("" if there is none or it does not parse)."""
    if not url_or_host:
        return ""
    s = url_or_host.strip().lower()
    try:
        found = urlsplit(s if "//" in s else "//" + s).hostname or ""
    except ValueError:
        return ""
    return found.rstrip(".")


def site_name(url_or_host: str | None) -> str:
    """The name the site registered, letters and digits only: "theguardian" for www.theguardian.com,
    "bbc" for www.bbc.co.uk, "deviantepfade" for deviante-pfade.de ("" if the URL has no host)."""
    labels = [x for x in host(url_or_host).split(".") if x]
    while len(labels) > 2 and labels[0] in _PREFIXES:
        labels = labels[1:]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        name = labels[-3]
    else:
        name = labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")
    return _NOT_ALNUM.sub("", name)
