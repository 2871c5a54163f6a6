"""Entities: who and where a page names, each referent grouped under one canonical name.

spaCy's statistical NER (the small English model, shared through the ``parse`` stage) proposes the names.
This stage cleans its spans with generic rules (possessives, honorifics, "A & B" and "A/B" joins, aircraft
codes such as "Su-34", stray two-letter capitals), links them to a shipped alias table and gazetteer
(``data/aliases.json``, ``data/gazetteer.json``), scans for the table's unambiguous forms the model missed,
and groups within the page every mention of one referent: "Russian President X Y", "X Y", "Y", "Y's",
and title mentions such as "the president" or "Russia's top diplomat", which are resolved through the roles
the page itself gives its people ("Syrian President …", "Kremlin spokesman …").

Kept NER types and their output types: PERSON -> ``person``; ORG -> ``organization``; GPE, LOC, FAC ->
``place`` (with ISO country and coordinates where the gazetteer knows them); NORP -> ``group`` only when it
is a noun ("the Kurds", "Syrians"): an adjective ("Russian forces") names nobody and serves as the qualifier
of a title instead. EVENT, PRODUCT, WORK_OF_ART, LAW and LANGUAGE answer neither "who" nor "where": dropped.

Cost: a handful of passes over the NER spans plus one PhraseMatcher run and a few compiled regexes over the
text; the tables are loaded once per process.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from ..model import Document, Entity, Mention
from ..pipeline import stage

__all__ = ["canonical_key", "entity_at", "find_entities", "is_title_mention", "lookup_place"]

_LABELS = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}

# ---------------------------------------------------------------------------------------------------
# Normalisation

_TRANS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-", "—": "-", "\u00a0": " "})


@lru_cache(maxsize=65536)
def _fold(s: str) -> str:
    """Lookup key: accents, case, quote and hyphen variants and a leading article folded away."""
    s = unicodedata.normalize("NFKD", s.translate(_TRANS))
    s = "".join(c for c in s if not unicodedata.combining(c)).replace("-", " ").casefold()
    words = s.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


_PARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an)\s+(?=\S)")
# a name may open with a lowercase particle: "al-Nusra", "de Gaulle", "bin Laden"
_PARTICLE_NAME = re.compile(
    r"^(?:al|el|ad|ar|as|ash|at|az|an|bin|ibn|de|da|di|du|van|von|der|la|le)[- ]"
    r"[A-Z]"
)


def _surname_key(word: str) -> str:
    """Surname key: "al-Assad" and "Assad" are one surname."""
    return _PARTICLE.sub("", _fold(word))


_ATTACHED_PARTICLE = re.compile(r"\b(?:al|el|ad|ar|as|ash|at|az|an)-(?=\w)", re.I)


def _slug(s: str) -> str:
    """ "Bashar al-Assad" and "Bashar Assad" give one slug: an attached Arabic article is dropped."""
    return re.sub(r"[^a-z0-9]+", "-", _fold(_ATTACHED_PARTICLE.sub("", s)).replace("'", "")).strip("-")


# ---------------------------------------------------------------------------------------------------
# Shipped tables


@dataclass(frozen=True, slots=True)
class _Ref:
    """One known referent of the alias table or gazetteer."""

    id: str
    name: str
    type: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class _Tables:
    names: dict[str, _Ref] = field(default_factory=dict)  # alias table, countries, regions, US states
    cities: dict[str, _Ref] = field(default_factory=dict)  # gazetteer cities, only for NER place spans
    scan: dict[str, _Ref] = field(default_factory=dict)  # surface form -> referent, scanned in any text
    qualifiers: dict[str, str] = field(default_factory=dict)  # folded qualifier -> referent id
    demonyms: dict[str, tuple[str, bool]] = field(default_factory=dict)  # folded -> (ISO code, plural?)
    roles: dict[str, frozenset[str]] = field(default_factory=dict)  # folded title -> canonical roles
    role_words: list[str] = field(default_factory=list)
    role_caps: list[str] = field(default_factory=list)  # all-capital titles ("PM"), matched case-sensitively
    role_ends: set[str] = field(default_factory=set)  # last words of titles, lowercased


def _load(name: str) -> Any:
    return json.loads(resources.files("newstrace").joinpath("data", name).read_text(encoding="utf-8"))


_tables_lock = threading.Lock()


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Alias table and gazetteer, merged into precompiled dictionaries (once per process)."""
    with _tables_lock:
        aliases = _load("aliases.json")
        gaz = _load("gazetteer.json")
        t = _Tables()

        def add(form: str, ref: _Ref, scan: bool, *, override: bool = False) -> None:
            k = _fold(form)
            if not k:
                return
            if override or k not in t.names:
                t.names[k] = ref
            if not scan:
                return
            if form.startswith("the ") and len(form) > 4:
                # scanned with its article, so that "the Fed" is found and "Fed up" is not
                t.scan.setdefault(form, ref)
                t.scan.setdefault("The " + form[4:], ref)
            elif form[:1].isupper() or _PARTICLE_NAME.match(form):
                t.scan.setdefault(form, ref)

        # countries: an alias-table entry with an "iso" code names that country and adds its aliases
        entry_of = {e["iso"]: e for e in aliases["entities"] if e.get("iso")}
        countries: dict[str, _Ref] = {}
        for iso, name, lat, lon, capital, demonym, alts in gaz["countries"]:
            entry = entry_of.get(iso)
            ref = countries.get(iso)
            if ref is None:
                label = entry["name"] if entry else name
                ref = countries[iso] = _Ref(f"country:{iso}", label, "place", iso, _f(lat), _f(lon))
            weak = bool(entry and entry["name"] in entry.get("weak", ()))
            for form in (name, *alts):
                add(form, ref, not weak)
            if capital:
                t.qualifiers.setdefault(_fold(capital.replace(" D.C.", "")), ref.id)
            if demonym:
                t.demonyms.setdefault(_fold(demonym), (iso, False))
                if demonym.endswith(("an", "i")):
                    t.demonyms.setdefault(_fold(demonym + "s"), (iso, True))
        for e in aliases["entities"]:
            iso = e.get("iso")
            if iso:
                ref = countries.get(iso) or _Ref(f"country:{iso}", e["name"], "place", iso)
                countries[iso] = ref
            else:
                ref = _Ref(
                    f"alias:{_slug(e['name'])}",
                    e["name"],
                    e["type"],
                    e.get("country"),
                    _f(e.get("lat")),
                    _f(e.get("lon")),
                )
            weak_forms = set(e.get("weak", ()))
            for form in (e["name"], *e.get("aliases", ()), *e.get("weak", ())):
                add(
                    form, ref, form not in weak_forms, override=True
                )  # the hand-made table wins over derived data
                if e["type"] == "organization":
                    t.qualifiers[_fold(form)] = ref.id
        for k, r in t.names.items():
            if r.id.startswith("country:"):
                t.qualifiers.setdefault(k, r.id)
        for name, lat, lon in gaz["regions"]:
            k = _fold(name)
            if k not in t.names:
                ref = _Ref(f"region:{_slug(name)}", name, "place", None, _f(lat), _f(lon))
                t.names[k] = ref
                t.scan.setdefault(name, ref)
        for st in gaz["us_states"]:
            t.names.setdefault(_fold(st), _Ref(f"state:US:{_slug(st)}", st, "place", "US"))
        cities = t.cities
        for row in gaz["cities"]:  # most populous first: the first city of a name wins
            name, cc, lat, lon = row[0], row[1], row[2], row[3]
            ref = _Ref(f"city:{cc}:{name}", name, "place", cc, float(lat), float(lon))
            for form in (name, *(row[4] if len(row) > 4 else ())):
                if form.isascii():  # most names: the cheap half of _fold gives the same key
                    k = " ".join(form.replace("-", " ").casefold().split())
                    if k.startswith("the ") and len(k) > 4:
                        k = k[4:]
                else:
                    k = _fold(form)
                if k not in cities:
                    cities[k] = ref
        # hand-made places the gazetteer knows as cities ("Kyiv", "Palmyra") take its coordinates
        located: dict[str, _Ref] = {}
        for k, r in t.names.items():
            if r.type != "place" or r.lat is not None or not r.id.startswith("alias:") or r.id in located:
                continue
            city = t.cities.get(_fold(r.name)) or t.cities.get(k)
            if city is not None and r.country in (None, city.country):
                located[r.id] = replace(r, lat=city.lat, lon=city.lon, country=city.country)
        for table in (t.names, t.scan):
            for k, r in table.items():
                if r.id in located:
                    table[k] = located[r.id]
        for iso, forms in aliases["demonyms"].items():
            fs = set(forms)
            for f in forms:
                t.demonyms[_fold(f)] = (iso, f.endswith("s") and f[:-1] in fs)
        for k, (iso, _plural) in t.demonyms.items():
            t.qualifiers.setdefault(k, f"country:{iso}")
        broader = {_fold(k): v for k, v in aliases.get("broader_roles", {}).items()}
        for role, surfaces in aliases["roles"].items():
            for s in surfaces:
                k = _fold(s)
                t.roles[k] = frozenset({role, *broader.get(k, ())}) | t.roles.get(k, frozenset())
                (t.role_caps if s.isupper() else t.role_words).append(s)
                t.role_ends.add(s.split()[-1].rstrip(".").lower())
        return t


# ---------------------------------------------------------------------------------------------------
# Patterns (built once from the role table)

_CAPWORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w&'’-]*)"
_Q = rf"{_CAPWORD}(?:[^\S\n]+{_CAPWORD}){{0,3}}"
_MOD = (
    r"(?:deputy|former|ex-|acting|interim|outgoing|incoming|first[^\S\n]+deputy|assistant|then-|late|new|"
    r"current)"
)
# a deputy, a former or a late holder of an office is not its holder: such titles are ignored
_SKIP_MODS = frozenset(
    {"deputy", "former", "ex", "ex-", "assistant", "then", "then-", "late", "first deputy"}
)
_SP = r"[^\S\n]+"


@dataclass(frozen=True)
class _Patterns:
    title: re.Pattern[str]  # "the (Q) ROLE (of Q)", "Q's ROLE"
    before_name: re.Pattern[str]  # "(Q('s)) ROLE" right before a name
    leading_role: re.Pattern[str]  # a title inside a PERSON span: "Foreign Minister X Y"
    role_only: re.Pattern[str]  # a bare title: "Defense" of "Defense Minister" is no organisation


def _alternation(words: Iterable[str]) -> str:
    out = []
    for w in sorted(set(words), key=len, reverse=True):
        out.append(r"[^\S\n]+".join(re.escape(p) for p in w.split()))
    return "|".join(out)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    t = _tables()
    role = rf"(?:(?i:{_alternation(t.role_words)})|{_alternation(t.role_caps)})"
    title = re.compile(
        rf"(?:(?<![\w'’-])(?P<det>[Tt]he){_SP}(?:(?P<q1>{_Q}){_SP})?"
        rf"|(?<![\w'’-])(?P<q2>{_Q})['’]s?{_SP})"
        rf"(?:(?P<mod>(?i:{_MOD})){_SP})?(?P<role>{role})(?![\w-])"
        rf"(?:{_SP}of{_SP}(?:the{_SP})?(?P<q3>{_Q}))?"
    )
    before = re.compile(
        rf"(?:(?<![\w'’-])(?P<q>{_Q})(?:['’]s)?{_SP})?(?:(?P<mod>(?i:{_MOD})){_SP})?"
        rf"(?P<role>{role})\.?[^\S\n]*[\[(]?[^\S\n]*$"
    )
    leading = re.compile(rf"^(?:(?P<q>{_Q}){_SP})??(?P<role>{role})\.?{_SP}(?=[A-Z])")
    return _Patterns(title, before, leading, re.compile(rf"(?<![\w-]){role}(?![\w-])"))


_HONORIFIC = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lord|Lady|Gen|Lt|Col|Maj|Capt|Cpt|Sgt|Adm|Cmdr|Sen|Rep|Gov|Rev|"
    r"Fr|Pres|Amb|Hon|Gen\.?[^\S\n]+Lt|President|Premier|Chancellor|King|Queen|Prince|Princess|Pope|Sheikh|Emir|"
    r"Ayatollah|Imam|Senator|General|Governor|Judge|Justice|Mayor|Pastor|Father|Secretary|Minister|Ambassador|"
    r"Congressman|Congresswoman|Representative|Colonel|Major|Captain|Sergeant|Admiral|Commander|Marshal)\.?"
    r"[^\S\n]+)+(?=[A-Z])"
)
_CODE = re.compile(r"^[A-Z][A-Za-z]{0,2}-?\d[\w-]*$")  # Su-34, Mi-8, F-16, Su-24M: designations, not names
_SHORT_CAPS = re.compile(r"^[A-Z]{1,2}\.?$")
_SPLIT = re.compile(r"\s+&\s+|\s*[/:;\[\]()•|]\s*|\s*\+\s*|\s*\n\s*")
_TRIM_LEFT = re.compile(r"^(?:[\W_]+|(?:the|The|THE)\s+)+")
_TRIM_RIGHT = re.compile(r"(?:['’]s|['’]|[^\w.])+$")  # the tokenizer leaves a final "." to abbreviations
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|from|to|near|into|outside|inside|across|towards?|around|via|of|IN|AT)[^\S\n]+(?:the[^\S\n]+)?"
    r"|[A-Z][\w-]+['’]s[^\S\n]+)$"
)
_ACRONYM_AFTER = re.compile(r"^[^\S\n]*\([^\S\n]*(?P<a>[A-Z][A-Za-z]*[A-Z]+)[^\S\n]*[),;]")
_LOWER_WORDS = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$|^[A-Z]$")


# ---------------------------------------------------------------------------------------------------
# Candidates


@dataclass
class _Cand:
    start: int
    end: int
    label: str  # person | organization | place | group
    text: str
    ref: _Ref | None = None
    ner: str | None = None  # spaCy label, None for scanned forms
    alias: bool = False  # found by the alias scan
    role: tuple[frozenset[str], str | None] | None = None  # a title found inside the span


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Offsets without a leading article or punctuation and without a trailing possessive or punctuation."""
    piece = text[s:e]
    m = _TRIM_LEFT.match(piece)
    if m:
        s += m.end()
        piece = piece[m.end() :]
    m2 = _TRIM_RIGHT.search(piece)
    if m2:
        e = s + m2.start()
    return s, e


def _ner_candidates(parse: Any, text: str, t: _Tables) -> list[_Cand]:
    out: list[_Cand] = []
    people: set[str] = set()
    ents = list(parse.ents)
    for ent in ents:
        if ent.label_ == "PERSON":
            words = _fold(ent.text).split()
            if words:
                people.update((" ".join(words), words[-1]))
    for ent in ents:
        label = _LABELS.get(ent.label_)
        if label is None:
            continue
        s0, e0 = ent.start_char, ent.end_char
        span_text = text[s0:e0]
        pieces: list[tuple[int, int]] = []
        parts = list(_SPLIT.finditer(span_text))
        if parts:
            bounds = [(0, parts[0].start())]
            for p, q in zip(parts, [*parts[1:], None], strict=True):
                bounds.append((p.end(), q.start() if q is not None else len(span_text)))
            # " & " joins two names only when one side is known ("Obama & Merkel"), not "Procter & Gamble"
            if all(p.group().strip() == "&" for p in parts) and not any(
                (k := _fold(span_text[a:b])) in t.names or k in t.demonyms or k in people for a, b in bounds
            ):
                bounds = [(0, len(span_text))]
            pieces = [(s0 + a, s0 + b) for a, b in bounds]
        else:
            pieces = [(s0, e0)]
        for a, b in pieces:
            s, e = _trim(text, a, b)
            if e - s < 1:
                continue
            piece = text[s:e]
            if not piece[0].isupper() and not piece[0].isdigit() and not _PARTICLE_NAME.match(piece):
                continue
            if not any(c.isalpha() for c in piece):
                continue
            c = _Cand(s, e, label, piece, ner=ent.label_)
            if label == "person":
                m = _HONORIFIC.match(piece)
                if m:
                    c.start += m.end()
                    c.text = piece[m.end() :]
                lm = _patterns().leading_role.match(c.text)
                if lm and _fold(lm.group("role")) in t.roles:
                    qual = _qualifier(lm.group("q"), t, suffix=True)
                    c.role = (t.roles[_fold(lm.group("role"))], qual)
                    c.start += lm.end()
                    c.text = text[c.start : c.end]
                if not c.text or not c.text[0].isupper():
                    continue
            # a possessive inside a person's span ends the name ("Erdogan's Turk PM"; not "Macy's Inc.")
            poss = re.search(r"['’]s\b", c.text) if label == "person" else None
            if poss:
                c.text = c.text[: poss.start()].rstrip()
                c.end = c.start + len(c.text)
                if not c.text:
                    continue
            if _CODE.match(c.text) or (_SHORT_CAPS.match(c.text) and _fold(c.text) not in t.names):
                continue
            if label == "group" and _fold(c.text) not in t.names:
                k = _fold(c.text)
                dem = t.demonyms.get(k)
                if dem is not None and not dem[1]:
                    continue  # an adjective ("Russian"): a qualifier, not a mention
                if dem is None:
                    root = parse.char_span(c.start, c.end, alignment_mode="expand")
                    if root is None or root.root.tag_ not in ("NNS", "NNPS"):
                        continue
            out.append(c)
    return out


def _scan_candidates(parse: Any, text: str) -> list[_Cand]:
    """Alias-table forms wherever they occur (case-sensitive, token-aligned)."""
    matcher, forms = _matcher(parse.vocab)
    t = _tables()
    out: list[_Cand] = []
    for match_id, s, e in matcher(parse):
        form = forms.get(match_id)
        if form is None:
            continue
        ref = t.scan[form]
        last = parse[e - 1]
        st, en = parse[s].idx, last.idx + len(last)
        if form[:4] in ("the ", "The "):
            st += 4
        surface = text[st:en]
        if len(surface) <= 4 and surface.replace(".", "").isupper():
            # "IS", "US" in a shouted line ("THIS IS …") are words, not names
            neigh = [parse[i] for i in (s - 1, e) if 0 <= i < len(parse)]
            if any(n.is_alpha and n.is_upper and len(n) >= 2 and n.text not in t.scan for n in neigh):
                continue
        out.append(_Cand(st, en, ref.type, surface, ref=ref, alias=True))
    return out


_matcher_lock = threading.Lock()
_matcher_cache: dict[int, tuple[Any, Any, dict[int, str]]] = {}


def _matcher(vocab: Any) -> tuple[Any, dict[int, str]]:
    """A PhraseMatcher over the alias-table forms, built once per vocabulary."""
    with _matcher_lock:
        hit = _matcher_cache.get(id(vocab))
        if hit is not None and hit[0] is vocab:
            return hit[1], hit[2]
        import spacy
        from spacy.matcher import PhraseMatcher

        nlp: Any = spacy.blank("en", vocab=vocab)
        matcher = PhraseMatcher(vocab, attr="ORTH")
        forms: dict[int, str] = {}
        t = _tables()
        for form, doc in zip(t.scan, nlp.tokenizer.pipe(list(t.scan)), strict=True):
            key = vocab.strings.add("alias:" + form)
            forms[key] = form
            matcher.add("alias:" + form, [doc])
        _matcher_cache.clear()
        _matcher_cache[id(vocab)] = (vocab, matcher, forms)
        return matcher, forms


# ---------------------------------------------------------------------------------------------------
# Titles and roles


def _qualifier(q: str | None, t: _Tables, *, suffix: bool) -> str | None:
    """Referent id of a title's qualifier ("Syrian", "Russia", "Kremlin"), trying shorter pieces."""
    if not q:
        return None
    words = q.split()
    if any(w.lower().strip(".") in _SKIP_MODS for w in words):
        return "skip"
    pieces = (
        [" ".join(words[i:]) for i in range(len(words))]
        if suffix
        else [" ".join(words[: len(words) - i]) for i in range(len(words))]
    )
    for p in pieces:
        k = _fold(p)
        if k in t.qualifiers:
            return t.qualifiers[k]
        ref = t.names.get(k)
        if ref is not None and ref.type in ("organization", "place"):
            return ref.id
    return "unknown:" + _fold(q)


def _skipped(mod: str) -> bool:
    return mod in _SKIP_MODS or mod.startswith(("first", "ex", "then"))


@dataclass
class _Title:
    start: int
    end: int
    roles: frozenset[str]
    qual: str | None


def _titles(text: str, t: _Tables) -> list[_Title]:
    out: list[_Title] = []
    for m in _patterns().title.finditer(text):
        if _skipped((m.group("mod") or "").lower().strip()):
            continue
        roles = t.roles.get(_fold(m.group("role")))
        if not roles:
            continue
        quals = [
            _qualifier(m.group("q1"), t, suffix=True),
            _qualifier(m.group("q2"), t, suffix=True),
            _qualifier(m.group("q3"), t, suffix=False),
        ]
        known = [q for q in quals if q is not None]
        if "skip" in known:
            continue
        qual = known[0] if known else None
        start = m.start("det") if m.group("det") else m.start("q2")
        end = m.end("q3") if m.group("q3") and not (qual or "").startswith("unknown:") else m.end("role")
        if m.group("q3") and quals[2] is not None and quals[2].startswith("unknown:"):
            qual = next((q for q in quals[:2] if q is not None), None)
            end = m.end("role")
        out.append(_Title(start, end, roles, qual))
    return out


# ---------------------------------------------------------------------------------------------------
# Grouping


@dataclass
class _Group:
    key: str
    label: str
    ref: _Ref | None
    cands: list[_Cand] = field(default_factory=list)
    roles: set[tuple[str, str | None]] = field(default_factory=set)
    titles: list[tuple[int, int]] = field(default_factory=list)
    first: str = ""
    last: str = ""

    def starts(self) -> list[int]:
        return sorted([c.start for c in self.cands] + [s for s, _ in self.titles])


def _name_words(text: str) -> list[str]:
    return text.split()


def _compatible_first(a: str, b: str) -> bool:
    if a == b:
        return True
    a1, b1 = a.replace(".", " ").split(), b.replace(".", " ").split()
    if not a1 or not b1:
        return False
    if len(a1[0]) == 1 or len(b1[0]) == 1:
        return a1[0][0] == b1[0][0]
    return len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a))


def _group_persons(cands: list[_Cand]) -> list[_Group]:
    groups: list[_Group] = []
    full = [c for c in cands if len(_name_words(c.text)) >= 2]
    single = [c for c in cands if len(_name_words(c.text)) < 2]
    for c in full:
        w = _name_words(c.text)
        first, last = _fold(w[0]), _surname_key(w[-1])
        g = next((g for g in groups if g.last == last and _compatible_first(g.first, first)), None)
        if g is None:
            g = _Group(f"person:{len(groups)}", "person", None, first=first, last=last)
            groups.append(g)
        g.cands.append(c)
    by_last: dict[str, list[_Group]] = defaultdict(list)
    by_first: dict[str, list[_Group]] = defaultdict(list)
    for g in groups:
        by_last[g.last].append(g)
        by_first[g.first].append(g)
    singles: dict[str, _Group] = {}
    for c in single:
        k = _surname_key(c.text)
        firsts = by_first.get(_fold(c.text), [])
        options = by_last.get(k) or (firsts if len(firsts) == 1 else None)
        if options:
            # the most often fully named bearer of the surname ("Clinton" after one "Chelsea Clinton" is
            # still the much-named "Hillary Clinton"), then the nearest
            most = max(len(o.cands) for o in options)
            g = _nearest([o for o in options if len(o.cands) == most], c.start)
        else:
            g = singles.get(k)
            if g is None:
                g = _Group(f"person:{len(groups)}", "person", None, first=k, last=k)
                groups.append(g)
                singles[k] = g
        g.cands.append(c)
    return groups


def _nearest(groups: Sequence[_Group], pos: int) -> _Group:
    """The group mentioned last before ``pos``; else the one mentioned first after it."""
    best: tuple[int, int] | None = None
    choice = groups[0]
    for g in groups:
        starts = g.starts()
        i = bisect.bisect_left(starts, pos)
        score = (0, pos - starts[i - 1]) if i > 0 else (1, starts[i] - pos if i < len(starts) else 1 << 30)
        if best is None or score < best:
            best, choice = score, g
    return choice


def _canonical_person(g: _Group) -> str:
    counts = Counter(c.text for c in g.cands)
    first_pos: dict[str, int] = {}
    for c in sorted(g.cands, key=lambda c: c.start):
        first_pos.setdefault(c.text, c.start)

    def score(form: str) -> tuple[int, int, int, int]:
        words = form.split()
        return (sum(1 for w in words if not _INITIAL.match(w)), len(words), counts[form], -first_pos[form])

    return max(counts, key=score)


def _canonical_other(g: _Group) -> str:
    if g.ref is not None and not g.ref.id.startswith("city:"):
        return g.ref.name
    counts = Counter(c.text for c in g.cands)
    return max(counts, key=lambda f: (counts[f], len(f)))


# ---------------------------------------------------------------------------------------------------
# The stage


def _resolve(text: str, parse: Any) -> list[Entity]:
    t = _tables()
    cands = _ner_candidates(parse, text, t) + _scan_candidates(parse, text)
    # longest span wins; on a tie the alias table beats the statistical model
    cands.sort(key=lambda c: (-(c.end - c.start), not c.alias, c.start))
    taken = bytearray(len(text) + 1)
    kept: list[_Cand] = []
    for c in cands:
        if c.end <= c.start or any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    kept.sort(key=lambda c: c.start)

    # link to the tables and settle types; within a page a name keeps one sense, the label the model gave
    # it most often, and a lone word that is the surname of a full name found as a person is that person
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    surnames: set[str] = set()
    for c in kept:
        if c.ner == "PERSON" and c.ref is None:
            k = _fold(c.text)
            ref = t.names.get(k)
            if ref is not None and k in _strong_keys():
                c.ref, c.label = ref, ref.type
                continue
            if k in t.demonyms:
                c.label = "group"  # "Turk", "Brits": settled with the other demonyms below
        if c.ref is None and c.ner is not None:
            words = c.text.split()
            votes[_fold(c.text)][c.label] += 1
            if c.label == "person" and len(words) >= 2:
                surnames.add(_surname_key(words[-1]))
    role_only = _patterns().role_only
    city_by_fold: dict[str, _Ref] = {}
    for c in kept:
        if c.ref is not None:
            continue
        k = _fold(c.text)
        if c.ner is not None and " " not in c.text:
            if _surname_key(c.text) in surnames:
                c.label = "person"
            else:
                best, n = votes[k].most_common(1)[0]
                if n > votes[k][c.label]:
                    c.label = best
        if c.label == "person":
            continue
        ref = t.names.get(k)
        dem = t.demonyms.get(k)
        if ref is not None:
            c.ref, c.label = ref, ref.type
        elif dem is not None:
            # "Syrians" is a group; "Syrian" (an adjective, "Turk battalions") names nobody
            if dem[1]:
                c.label, c.ref = "group", _Ref(f"group:{_slug(c.text)}", c.text, "group", dem[0])
            else:
                c.label = "drop"
        elif _inside_title(role_only, text, c.start, c.end):
            c.label = "drop"  # "Defense" of "Defense Minister X", "State" of "Secretary of State X"
        elif c.label == "place":
            city = t.cities.get(k)
            if city is not None:
                c.ref = city
                city_by_fold[k] = city
        elif (
            len(c.text.split()) <= 2
            and (city := t.cities.get(k)) is not None
            and _LOCATIVE.search(text[max(0, c.start - 30) : c.start])
        ):
            c.ref, c.label = city, "place"
            city_by_fold[k] = city
    for c in kept:  # one sense per discourse for re-typed city names
        if c.ref is None and c.label not in ("person", "drop") and (city := city_by_fold.get(_fold(c.text))):
            c.ref, c.label = city, "place"
    kept = [c for c in kept if c.label != "drop"]

    kept = _rescan(text, kept, taken)

    # acronyms introduced in brackets join the name before them: "Syrian Arab Army (SAA)"
    at: dict[tuple[int, int], _Cand] = {(c.start, c.end): c for c in kept}
    linked: dict[int, _Cand] = {}
    for c in kept:
        if c.label in ("organization", "place"):
            m = _ACRONYM_AFTER.match(text, c.end, min(len(text), c.end + 20))
            if m:
                other = at.get((m.start("a"), m.end("a")))
                if other is not None and other.label != "person" and other.ref in (None, c.ref):
                    linked[id(other)] = c

    # groups
    persons = [c for c in kept if c.label == "person"]
    groups = _group_persons(persons)
    others: dict[str, _Group] = {}
    for c in kept:
        if c.label == "person":
            continue
        head = linked.get(id(c), c)
        key = head.ref.id if head.ref is not None else f"name:{_fold(head.text)}"
        g = others.get(key)
        if g is None:
            g = others[key] = _Group(key, head.label, head.ref)
            groups.append(g)
        g.cands.append(c)
    for g in groups:  # an unlinked name takes the type the model gave it most often
        if g.ref is None and g.label != "person":
            g.label = Counter(c.label for c in g.cands).most_common(1)[0][0]

    _attach_titles(text, t, groups)

    entities: list[tuple[int, Entity]] = []
    for g in groups:
        spans = {(c.start, c.end) for c in g.cands} | set(g.titles)
        if not spans:
            continue
        name = _canonical_person(g) if g.label == "person" else _canonical_other(g)
        first_at: dict[str, int] = {}
        for c in sorted(g.cands, key=lambda c: c.start):
            first_at.setdefault(c.text, c.start)
        forms = sorted(set(first_at) - {name}, key=first_at.__getitem__)
        ref = g.ref
        typ = ref.type if ref is not None and g.label != "person" else g.label
        mentions = tuple(Mention(s, e) for s, e in sorted(spans))
        ent = Entity(
            id="",
            name=name,
            type=typ,
            aliases=tuple(forms),
            mentions=mentions,
            country=ref.country if ref is not None else None,
            lat=ref.lat if ref is not None else None,
            lon=ref.lon if ref is not None else None,
        )
        entities.append((mentions[0].start, ent))
    entities.sort(key=lambda x: x[0])
    return [
        Entity(f"e{i}", e.name, e.type, e.aliases, e.mentions, e.country, e.lat, e.lon)
        for i, (_, e) in enumerate(entities, 1)
    ]


def _inside_title(rx: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return any(
        m.start() <= start and end <= m.end()
        for m in rx.finditer(text, max(0, start - 30), min(len(text), end + 30))
    )


@lru_cache(maxsize=1)
def _strong_keys() -> frozenset[str]:
    """Folded alias-table forms that may override the model's PERSON label ("Kremlin", not "Jordan")."""
    return frozenset(_fold(f) for f in _tables().scan)


def _rescan(text: str, kept: list[_Cand], taken: bytearray) -> list[_Cand]:
    """One sense per discourse: later bare occurrences of a name the model found once are mentions too."""
    forms: dict[str, _Cand] = {}
    lower_words: set[str] | None = None
    for c in kept:
        if c.alias or c.ner is None:
            continue
        cand_forms = [c.text]
        if c.label == "person":
            w = c.text.split()
            if len(w) >= 2 and not _INITIAL.match(w[-1]):
                cand_forms.append(w[-1])
        for f in cand_forms:
            if len(f) < 3 or f in forms or not any(ch.islower() for ch in f) or not f[0].isupper():
                continue
            if " " not in f:
                if lower_words is None:
                    lower_words = set(_LOWER_WORDS.findall(text))
                if f.lower() in lower_words:
                    continue
            forms[f] = c
    if not forms:
        return kept
    rx = re.compile(
        r"(?<![\w'’.-])(?:"
        + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        + r")(?![\w-]|['’][a-rt-z])"
    )
    added: list[_Cand] = []
    for m in rx.finditer(text):
        s, e = m.span()
        if any(taken[s:e]):
            continue
        src = forms[m.group()]
        taken[s:e] = b"\x01" * (e - s)
        added.append(_Cand(s, e, src.label, m.group(), ref=src.ref, ner=None))
    if not added:
        return kept
    return sorted(kept + added, key=lambda c: c.start)


def _attach_titles(text: str, t: _Tables, groups: list[_Group]) -> None:
    """Roles from titles next to names ("Kremlin spokesman X"), then title mentions resolved to people."""
    pat = _patterns().before_name
    persons = [g for g in groups if g.label == "person"]
    owner: dict[int, tuple[_Group, _Cand]] = {}
    for g in persons:
        for c in g.cands:
            owner[c.start] = (g, c)
            if c.role is not None and c.role[1] != "skip":
                g.roles.update((r, c.role[1]) for r in c.role[0])
            # cheap test first: the word before the name must end some title ("… minister X")
            lw = _LAST_WORD.search(text, max(0, c.start - 40), c.start)
            if lw is None or lw.group(1).lower() not in t.role_ends:
                continue
            m = pat.search(text, max(0, c.start - 90), c.start)
            if m is None:
                continue
            mod = (m.group("mod") or "").lower().strip()
            roles = t.roles.get(_fold(m.group("role")))
            q = _qualifier(m.group("q"), t, suffix=True)
            if roles and q != "skip" and not _skipped(mod):
                g.roles.update((r, q) for r in roles)
    titles = _titles(text, t)
    if not titles:
        return
    name_starts = sorted(owner)
    loose: list[_Title] = []
    for ti in titles:
        # a title right before a name is that name's: "the president of X [Y Z]" is Y Z, a mention and a role
        nxt = bisect.bisect_left(name_starts, ti.end)
        if nxt < len(name_starts) and _GAP_TO_NAME.match(text, ti.end, name_starts[nxt]):
            g = owner[name_starts[nxt]][0]
            if ti.qual is None or not ti.qual.startswith("unknown:"):
                g.roles.update((r, ti.qual) for r in ti.roles)
            g.titles.append((ti.start, ti.end))
        else:
            loose.append(ti)
    # a role stated with a qualifier somewhere makes the bare statement of it redundant
    for g in persons:
        qualified = {r for r, q in g.roles if q is not None}
        g.roles = {(r, q) for r, q in g.roles if q is not None or r not in qualified}
    for ti in loose:
        if ti.qual is not None and ti.qual.startswith("unknown:"):
            continue
        cands = [g for g in persons if any(r in ti.roles and q == ti.qual for r, q in g.roles)]
        if not cands and ti.qual is not None:
            cands = [g for g in persons if any(r in ti.roles and q is None for r, q in g.roles)]
        if not cands and ti.qual is None:
            cands = [g for g in persons if any(r in ti.roles for r, _ in g.roles)]
        if not cands:
            continue
        # an appositive title names the person just before it: "X Y, the Syrian president,"
        prev = bisect.bisect_left(name_starts, ti.start) - 1
        if prev >= 0:
            pg, pc = owner[name_starts[prev]]
            if pg in cands and _APPOSITION.match(text, pc.end, ti.start):
                pg.titles.append((ti.start, ti.end))
                continue
        _nearest(cands, ti.start).titles.append((ti.start, ti.end))


_LAST_WORD = re.compile(r"([\w-]+)\.?[^\S\n]*[\[(]?[^\S\n]*$")
_GAP_TO_NAME = re.compile(r"[^\S\n]*[\[(]?[^\S\n]*$")
_APPOSITION = re.compile(r"[^\S\n]*,[^\S\n]*$")


@stage("entities", needs={"parse"}, adds={"entities"})
def find_entities(doc: Document) -> Document:
    """Group the page's names (and its people's titles) into entities with canonical names."""
    parse = doc.parse
    if parse is None:
        from .nlp import parse_text

        parse = parse_text(doc.text)
    return doc.with_annotations("entities", entities=tuple(_resolve(doc.text, parse)))


# ---------------------------------------------------------------------------------------------------
# Public helpers


def canonical_key(name: str) -> str:
    """A slug naming the same referent across documents: "U.S." and "United States" share one."""
    t = _tables()
    s, e = _trim(name, 0, len(name))
    k = _fold(name[s:e])
    ref = t.names.get(k)
    if ref is not None:
        return _slug(ref.name)
    m = _HONORIFIC.match(name[s:e])
    return _slug(name[s:e][m.end() :] if m else name[s:e])


def lookup_place(name: str) -> tuple[str | None, float | None, float | None] | None:
    """``(country, lat, lon)`` of a place name the shipped tables know (countries first, then cities)."""
    t = _tables()
    k = _fold(name)
    ref = t.names.get(k)
    if ref is None or ref.type != "place":
        ref = t.cities.get(k)
    if ref is None:
        return None
    return ref.country, ref.lat, ref.lon


def is_title_mention(text: str) -> bool:
    """True for a title standing for a person ("the president", "Russia's top diplomat"), not a name."""
    return _patterns().title.fullmatch(text.strip()) is not None


def entity_at(doc: Document, start: int, end: int) -> Entity | None:
    """The entity with a mention covering or overlapping ``[start, end)``; the closest fit wins."""
    best: tuple[int, int] | None = None
    found: Entity | None = None
    width = end - start
    for ent in doc.entities:
        for m in ent.mentions:
            if (m.end <= start or m.start >= end) and not (width == 0 and m.start <= start < m.end):
                continue
            overlap = min(end, m.end) - max(start, m.start)
            score = (overlap, -abs((m.end - m.start) - width))
            if best is None or score > best:
                best, found = score, ent
    return found
