"""The outlet registry: who a page credits, under every name pages use for them.

Pages name the same outlet many ways ("AP", "The Associated Press", "Associated Press"; "RT",
"Russia Today"; "ITAR-TASS", "TASS"). Everything downstream speaks of outlets by one short stable
registry id, so this module turns names, domains and names inside running text into registry entries.

Matching rules, chosen so that ordinary words never become outlets:
- short all-capital acronyms ("AP", "RT", "TASS") match only as themselves, in capitals, as whole
  tokens ("ap", "Ap", "CAPE" never match);
- other names match whatever their case and punctuation ("agence france presse", "Agence France-Presse");
- names listed as ambiguous in the data file ("Times", "The Post") never match;
- the free-text matcher additionally skips names that are also ordinary words or people's names
  ("Bloomberg", "Time", "Reason") and requires a capital letter in what it matches.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from .. import urls

__all__ = [
    "Outlet",
    "OutletMatch",
    "Registry",
    "by_domain",
    "find_outlets",
    "lookup",
    "registry",
]

# Acronyms up to this many letters/digits are matched case-sensitively.
_ACRONYM_MAX = 5
_TOKEN = re.compile(r"[^\W_]+")
# What may stand between two tokens of one name inside text ("Agence France-Presse", "RT.com").
_JOINER = re.compile(r"[ .\-/&'’]{1,3}")
_QUOTES = {ord("’"): "'", ord("‘"): "'"}


@dataclass(frozen=True, slots=True)
class Outlet:
    """One registry entry (see ``data/outlets.json`` for the meaning of ``state`` and ``owner``)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    country: str
    kind: str  # agency | broadcaster | paper | site | magazine
    state: str | None  # "owned" | "affiliated" | None
    owner: str | None

    @property
    def is_agency(self) -> bool:
        return self.kind == "agency"

    def names(self) -> tuple[str, ...]:
        """Every name this outlet is known by: id, name and aliases (without duplicates)."""
        seen: dict[str, None] = {}
        for n in (self.id, self.name, *self.aliases):
            seen.setdefault(n, None)
        return tuple(seen)


class OutletMatch(NamedTuple):
    """An outlet named inside a text: offsets into that text."""

    outlet: Outlet
    start: int
    end: int


def _strip_accents(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s.translate(_QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(name: str) -> str:
    """Case- and punctuation-insensitive key: ``"Agence France-Presse"`` -> ``"agence france presse"``."""
    return " ".join(_TOKEN.findall(_strip_accents(name).casefold()))


def _acronym_key(name: str) -> str | None:
    """The case-sensitive key of a short all-capital name ("A.P." -> "AP"), else None."""
    plain = _strip_accents(name)
    if any(c.islower() for c in plain):
        return None
    key = "".join(_TOKEN.findall(plain))
    if not key or len(key) > _ACRONYM_MAX or not any(c.isalpha() for c in key):
        return None
    return key


class _Entry(NamedTuple):
    """One name as the text matcher sees it."""

    tokens: tuple[str, ...]  # folded tokens (or exact tokens for acronyms)
    outlet: Outlet
    exact: bool  # acronym: tokens compare case-sensitively
    needs_the: bool  # the name is only unambiguous with "the" before it ("The Guardian")
    lower_ok: bool  # the outlet writes this name in lower case itself ("dpa"), so no capital is needed


class Registry:
    """All outlets, indexed by id, name, alias and domain, plus a matcher for names inside text."""

    def __init__(self, outlets: tuple[Outlet, ...], ambiguous: tuple[str, ...] = (),
                 text_skip: tuple[str, ...] = (), note: str = "") -> None:
        self.outlets = outlets
        self.note = note
        self._by_id = {o.id: o for o in outlets}
        self._ambiguous = frozenset(fold(a) for a in ambiguous)
        self._exact: dict[str, Outlet] = {}
        self._folded: dict[str, Outlet] = {}
        clashes: set[tuple[str, str]] = set()
        for o in outlets:
            for n in o.names():
                acro = _acronym_key(n)
                table, key = (self._exact, acro) if acro else (self._folded, fold(n))
                if not key or (not acro and key in self._ambiguous):
                    continue
                other = table.get(key)
                if other is not None and other.id != o.id:
                    clashes.add((("=" if acro else "~") + key, other.id))
                table[key] = o
        # A name two outlets share identifies neither.
        for tagged, _ in clashes:
            table = self._exact if tagged[0] == "=" else self._folded
            table.pop(tagged[1:], None)
        self.clashes = frozenset(k for k, _ in clashes)
        self._domains: dict[str, Outlet] = {}
        for o in outlets:
            for d in o.domains:
                self._domains[urls.host(d).removeprefix("www.")] = o
        self._first: dict[str, list[_Entry]] = {}
        self._build_matcher(frozenset(fold(s) for s in text_skip if not _acronym_key(s)),
                            frozenset(k for s in text_skip if (k := _acronym_key(s))))

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Registry:
        outlets = tuple(
            Outlet(
                id=str(e["id"]),
                name=str(e["name"]),
                aliases=tuple(str(a) for a in e.get("aliases", ())),
                domains=tuple(str(d) for d in e.get("domains", ())),
                country=str(e["country"]),
                kind=str(e["kind"]),
                state=e.get("state"),
                owner=e.get("owner"),
            )
            for e in data["outlets"]
        )
        return cls(outlets, tuple(data.get("_ambiguous", ())), tuple(data.get("_text_skip", ())),
                   str(data.get("_note", "")))

    def _build_matcher(self, skip_folded: frozenset[str], skip_exact: frozenset[str]) -> None:
        entries: dict[tuple[bool, tuple[str, ...]], _Entry] = {}
        for o in self.outlets:
            for n in o.names():
                acro = _acronym_key(n)
                if acro:
                    if acro in skip_exact or self._exact.get(acro) is not o:
                        continue
                    toks = tuple(_TOKEN.findall(_strip_accents(n)))
                    entries.setdefault((True, toks), _Entry(toks, o, True, False, False))
                    continue
                key = fold(n)
                if key in skip_folded or key in self._ambiguous or self._folded.get(key) is not o:
                    continue
                toks = tuple(key.split())
                needs_the = False
                if toks[0] == "the" and len(toks) > 1:
                    toks = toks[1:]
                    rest = " ".join(toks)
                    needs_the = rest in skip_folded or rest in self._ambiguous or (
                        self._folded.get(rest) not in (None, o))
                lower_ok = not any(c.isupper() for c in n)
                old = entries.get((False, toks))
                if old is not None:
                    needs_the = needs_the and old.needs_the
                    lower_ok = lower_ok or old.lower_ok
                entries[(False, toks)] = _Entry(toks, o, False, needs_the, lower_ok)
        for e in entries.values():
            self._first.setdefault(e.tokens[0], []).append(e)
        for lst in self._first.values():
            lst.sort(key=lambda e: -len(e.tokens))

    # ---- queries -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.outlets)

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self.outlets)

    def get(self, outlet_id: str) -> Outlet | None:
        """The outlet with this registry id (exact)."""
        return self._by_id.get(outlet_id)

    def lookup(self, name: str) -> Outlet | None:
        """The outlet a name stands for; None for unknown or ambiguous names."""
        s = name.strip().strip("\"'“”‘’()[]{}<>*_,;:")
        if not s:
            return None
        acro = _acronym_key(s)
        if acro is not None:
            hit = self._exact.get(acro)
            if hit is not None:
                return hit
        key = fold(s)
        if not key or key in self._ambiguous:
            return None
        hit = self._folded.get(key)
        if hit is not None:
            return hit
        words = s.split(None, 1)
        if len(words) == 2 and words[0].casefold() == "the":
            return self.lookup(words[1])
        if "." in s and " " not in s:
            return self.by_domain(s)
        return None

    def by_domain(self, url_or_host: str) -> Outlet | None:
        """The outlet that owns a URL's host (or a bare host), subdomains included."""
        host = urls.host(url_or_host).removeprefix("www.")
        while host:
            hit = self._domains.get(host)
            if hit is not None:
                return hit
            _, dot, host = host.partition(".")
            if not dot or "." not in host:
                return None
        return None

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[OutletMatch]:
        """Every outlet named in ``text[start:end]``, longest name first, no overlaps; linear time."""
        stop = len(text) if end is None else end
        toks = list(_TOKEN.finditer(text, start, stop))
        folded = [_strip_accents(m.group()).casefold() for m in toks]
        out: list[OutletMatch] = []
        i = 0
        while i < len(toks):
            hit = self._match_at(text, toks, folded, i)
            if hit is None:
                i += 1
                continue
            entry, j = hit
            s = toks[i].start()
            if i > 0 and folded[i - 1] == "the" and text[toks[i - 1].end():s] == " " and (
                    entry.needs_the or toks[i - 1].group() == "The"):
                s = toks[i - 1].start()
            out.append(OutletMatch(entry.outlet, s, toks[j - 1].end()))
            i = j
        return out

    def _match_at(self, text: str, toks: list[re.Match[str]], folded: list[str],
                  i: int) -> tuple[_Entry, int] | None:
        raw = toks[i].group()
        cands = self._first.get(folded[i], [])
        if raw != folded[i] and raw in self._first:
            cands = sorted(cands + self._first[raw], key=lambda e: -len(e.tokens))
        for e in cands:
            n = len(e.tokens)
            if i + n > len(toks):
                continue
            if not all((toks[i + k].group() if e.exact else folded[i + k]) == e.tokens[k]
                       and (k == 0 or _JOINER.fullmatch(text, toks[i + k - 1].end(), toks[i + k].start()))
                       for k in range(n)):
                continue
            if not e.exact and not e.lower_ok and not any(
                    c.isupper() for c in text[toks[i].start():toks[i + n - 1].end()]):
                continue
            if e.needs_the and not (
                    i > 0 and folded[i - 1] == "the" and text[toks[i - 1].end():toks[i].start()] == " "):
                continue
            return e, i + n
        return None


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry shipped with newstrace (loaded once, on first use)."""
    raw = resources.files("newstrace").joinpath("data/outlets.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    return Registry.from_json(data)


def lookup(name: str) -> Outlet | None:
    """Registry entry for a name ("Russia Today" -> RT); None when unknown or ambiguous."""
    return registry().lookup(name)


def by_domain(url_or_host: str) -> Outlet | None:
    """Registry entry for a URL or host ("https://www.rt.com/news/..." -> RT)."""
    return registry().by_domain(url_or_host)


def find_outlets(text: str, start: int = 0, end: int | None = None) -> list[OutletMatch]:
    """Outlets named inside ``text[start:end]`` (offsets into ``text``)."""
    return registry().find(text, start, end)
