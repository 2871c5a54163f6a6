"""Events: who did what to whom, where and when, read off the parse of a page's own reporting.

One record per reported predicate of a body sentence (``actor``, ``action``, ``target``, ``place``,
``date``, plus ``starting`` when the sentence gives a start day), with the sentence's offsets as evidence.
The rules are generic grammar, not a lexicon of events:

- *Reporting is looked through*: "X said (that) Y happened" yields Y's event; "the president went on to
  say Y" too. Sentences inside quotation marks are the speaker's words, handled as statements instead.
- *Predicate chains*: "ordered the minister to start the withdrawal" is one action ("order to start") with the
  last verb's object as target; light verbs carry their noun ("issued an order to begin withdrawal").
- *Nominal events between two parties* ("a phone conversation between A and B was held") take the noun
  as the action and the two parties as actor and target.
- *Names are canonical*: a phrase whose head lies in an entity mention takes the entity's name; "he" and
  "she" take the nearest person named before.
- *Place* is a named place governed by a locative preposition (in, at, from, near …) of the predicate,
  its target or its actor. *Date* is a date named in the sentence, else the date of the section's
  dateline or credit, else the page's date; a day introduced by "starting"/"from"/"beginning" is the
  start date, not the date of the event.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from ..model import Document, Event
from ..pipeline import stage
from .dates import page_date
from .nlp import SentenceIndex, parse

__all__ = ["extract_events", "find_events"]

_REPORTING = frozenset({
    "say", "report", "tell", "note", "add", "state", "announce", "confirm", "claim", "recall", "explain",
    "stress", "insist", "write", "declare", "argue", "warn", "suggest", "believe", "think", "hope", "know",
    "learn", "reveal", "indicate", "emphasize", "emphasise", "underline", "point", "accord", "quote", "agree",
})  # fmt: skip
_LIGHT = frozenset({"issue", "give", "make", "take", "sign", "hold", "launch", "announce", "reach", "adopt"})
_EMPTY = frozenset({"be", "have", "do", "get", "seem", "appear", "become"})
_PLACE_PREPS = frozenset(
    {
        "in",
        "at",
        "from",
        "near",
        "to",
        "into",
        "off",
        "outside",
        "inside",
        "across",
        "throughout",
        "toward",
        "towards",
        "around",
    }
)
_START_WORDS = frozenset({"start", "begin", "commence", "effective", "from", "as"})
_CLAUSE_DEPS = frozenset(
    {"relcl", "acl", "advcl", "appos", "punct", "parataxis", "ccomp", "xcomp", "mark", "dep"}
)
_DETS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
_PRONOUNS = frozenset({"he", "she", "him", "her"})


class _Names:
    """Entity mentions by offset: canonical names for phrases and the latest person for pronouns."""

    def __init__(self, doc: Document) -> None:
        self.subjects = (
            sorted(t.idx for t in doc.parse if t.dep_ in ("nsubj", "nsubjpass")) if doc.parse else []
        )
        self.text = doc.text
        self.speakers = sorted((q.start, q.end, q.speaker) for q in doc.quotes if q.speaker)
        # sorted by start; quotes do not nest, so their ends are sorted too (checked, else a scan from 0)
        ends = [e for _, e, _ in self.speakers]
        self.speaker_ends = ends if ends == sorted(ends) else [len(doc.text) + 1] * len(ends)
        self.sentences = SentenceIndex(doc.parse)
        spans = []
        for e in doc.entities:
            for m in e.mentions:
                spans.append((m.start, m.end, e.name, e.type))
        spans.sort()
        self.spans = spans
        self.starts = [s[0] for s in spans]

    def at(self, start: int, end: int) -> tuple[str, str] | None:
        i = bisect.bisect_right(self.starts, start) - 1
        for j in range(max(0, i - 3), min(len(self.spans), i + 4)):
            s, e, name, typ = self.spans[j]
            if s <= start < e or (start <= s < end):
                return name, typ
        return None

    def person_before(self, pos: int, subjects: Sequence[int] = ()) -> str | None:
        """The nearest person named before ``pos``; first among mentions that are grammatical subjects."""
        for want_subject in (True, False):
            i = bisect.bisect_left(self.starts, pos) - 1
            while i >= 0 and self.starts[i] > pos - 3000:
                s, e, name, typ = self.spans[i]
                if typ == "person" and e <= pos and (not want_subject or _any_in(subjects, s, e)):
                    return name
                i -= 1
        return None


@stage("events", needs={"parse", "layers", "quotes", "entities", "dates"}, adds={"events"})
def find_events(doc: Document) -> Document:
    """Add the events the page's body reports (reuses the page's parse; rules in the module docstring)."""
    return doc.with_annotations("events", events=tuple(extract_events(doc)))


def extract_events(doc: Document) -> list[Event]:
    """The events a page's body reports (the page is parsed when it carries no parse)."""
    if doc.parse is None:
        doc = parse(doc)
    sdoc = doc.parse
    body = sorted((x.start, x.end) for x in doc.layers if x.kind == "body") or [(0, len(doc.text))]
    quotes = sorted((q.start - 1, q.end + 1) for q in doc.quotes)
    qstarts = [q[0] for q in quotes]
    names = _Names(doc)
    heads = sorted((x.start, x.end) for x in doc.layers if x.kind in ("dateline", "credit", "byline"))
    head_dates = sorted((d.start, d.value) for d in doc.dates if any(s <= d.start < e for s, e in heads))
    day = page_date(doc)
    out: list[Event] = []
    seen: set[tuple[str | None, str, str | None]] = set()
    for sent in sdoc.sents:
        if not any(s < sent.end_char and sent.start_char < e for s, e in body):
            continue
        quoted = any(s < sent.end_char and sent.start_char < e for s, e in quotes)
        # The parser may join a headline to the first body sentence under it: the body's own clause
        # then hangs off a root outside the body, so body tokens governed from outside are roots too.
        roots = [sent.root] + [
            t
            for t in sent
            if t is not sent.root
            and _in_body(t.idx, body)
            and not _same_section(t.idx, t.head.idx, body)
        ]
        for v in (p for r in roots for p in _predicates(r, quotes, qstarts)):
            if not any(s <= v.idx < e for s, e in body):
                continue
            if quoted and _reporting(v):
                continue  # "…,” he told the ministers: the attribution of a quote, not an event
            ev = _event(doc, sent, v, names, day, head_dates)
            if ev is None:
                continue
            lo, hi = next((s, e) for s, e in body if s <= v.idx < e)  # evidence stays inside its section
            ev = replace(ev, start=max(ev.start, lo), end=min(ev.end, hi))
            key = (ev.actor, ev.action, ev.target)
            if key not in seen:
                seen.add(key)
                out.append(ev)
    return out


def _inflections(verbs: frozenset[str]) -> frozenset[str]:
    out = set(verbs)
    for w in verbs:
        stem = w[:-1] if w.endswith("e") else w
        out |= {w + "s", w + "es", w + "d", w + "ed", stem + "ing", stem + "ed"}
    return frozenset(out)


_REPORTING_FORMS = _inflections(_REPORTING)


def _reporting(tok: Any) -> bool:
    """A reporting verb, by lemma or, where the tagger lemmatised it wrongly ("hopes" → "hop"), by form."""
    return tok.lemma_ in _REPORTING or tok.lower_ in _REPORTING_FORMS


def _in_body(pos: int, body: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in body)


def _same_section(a: int, b: int, body: Sequence[tuple[int, int]]) -> bool:
    return any(s <= a < e and s <= b < e for s, e in body)


def _in_quote(tok: Any, quotes: Sequence[tuple[int, int]], qstarts: Sequence[int]) -> bool:
    i = bisect.bisect_right(qstarts, tok.idx) - 1
    return i >= 0 and quotes[i][0] <= tok.idx < quotes[i][1]


def _is_verb(tok: Any) -> bool:
    return bool(tok.pos_ in ("VERB", "AUX"))


def _predicates(root: Any, quotes: Sequence[tuple[int, int]], qstarts: Sequence[int]) -> Iterator[Any]:
    """Reported predicates under ``root``: reporting verbs are looked through, coordinated verbs kept."""
    stack = [root]
    seen = set()
    while stack:
        v = stack.pop()
        if v.i in seen or not _is_verb(v):
            continue
        seen.add(v.i)
        reporting = _reporting(v) or any(_reporting(c) for c in v.children if c.dep_ == "xcomp")
        if reporting:
            inner = [c for c in v.children if c.dep_ == "ccomp" and _is_verb(c)]
            for x in v.children:
                if x.dep_ == "xcomp":
                    inner += [c for c in x.children if c.dep_ == "ccomp" and _is_verb(c)]
            # "A told B by telephone that …": telling someone is itself an event (a call, a message)
            if (
                v.lemma_ == "tell"
                and any(c.dep_ in ("dobj", "dative") for c in v.children)
                and not _in_quote(v, quotes, qstarts)
            ):
                yield v
            stack.extend(c for c in inner if not _in_quote(c, quotes, qstarts))
            if not inner and _reporting(v) and not _in_quote(v, quotes, qstarts):
                yield v  # "announced a ceasefire": no reported clause, the verb is the event
            continue
        if not _in_quote(v, quotes, qstarts):
            yield v
        stack.extend(c for c in v.children if c.dep_ == "conj" and _is_verb(c))


def _chain(v: Any) -> list[Any]:
    """``v`` and the open complements it governs ("ordered … to start", "continue operating")."""
    chain = [v]
    while len(chain) < 4:
        nxt = [c for c in chain[-1].children if c.dep_ == "xcomp" and _is_verb(c)]
        if not nxt:
            break
        chain.append(nxt[0])
    return chain


def _action(chain: Sequence[Any]) -> str:
    words: list[str] = []
    for k, v in enumerate(chain):
        if v.pos_ == "AUX" and len(chain) > 1:
            continue
        prt = " ".join(c.text.lower() for c in v.children if c.dep_ == "prt")
        w = v.lemma_.lower() if not words else v.text.lower()
        if words and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
            w = "to " + v.lemma_.lower()
        words.append(w + (" " + prt if prt else ""))
        del k
    return " ".join(words)


def _phrase(tok: Any, names: _Names, limit: int = 20) -> str:
    """The noun phrase headed by ``tok`` (clauses and dates left out), or the entity it names."""
    ent = names.at(tok.idx, tok.idx + len(tok.text))
    if ent is not None and tok.pos_ == "PROPN":
        return ent[0]
    keep = [tok]
    stack = [c for c in tok.children if c.dep_ not in _CLAUSE_DEPS]
    while stack:
        t = stack.pop()
        if t.ent_type_ in ("DATE", "TIME") or t.dep_ in _CLAUSE_DEPS:
            continue
        keep.append(t)
        stack.extend(t.children)
    keep.sort(key=lambda t: t.i)
    # a contiguous window around the head, without leading determiners and dangling punctuation
    lo = hi = keep.index(tok)
    while lo > 0 and keep[lo - 1].i == keep[lo].i - 1:
        lo -= 1
    while hi + 1 < len(keep) and keep[hi + 1].i == keep[hi].i + 1:
        hi += 1
    toks = keep[lo : hi + 1][:limit]
    while toks and (toks[0].lower_ in _DETS or toks[0].is_punct):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].pos_ in ("ADP", "CCONJ", "DET")):
        toks = toks[:-1]
    if not toks:
        return str(tok.text)
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    return names.text[start:end]  # the Document's text: spaCy's Doc.text joins every token per call


def _any_in(sorted_offsets: Sequence[int], start: int, end: int) -> bool:
    """Whether any of ``sorted_offsets`` lies in ``[start, end)`` (bisect: pages can be long)."""
    i = bisect.bisect_left(sorted_offsets, start)
    return i < len(sorted_offsets) and sorted_offsets[i] < end


def _party(tok: Any, names: _Names) -> str | None:
    if tok.lower_ in _PRONOUNS:
        sent = names.sentences.of(tok)
        i = bisect.bisect_left(names.speaker_ends, sent.start_char + 1)
        while i < len(names.speakers) and names.speakers[i][0] < sent.end_char:
            s, e, who = names.speakers[i]  # "…,” he said: the quote's speaker
            if s < sent.end_char and sent.start_char < e:
                return str(who)
            i += 1
        return names.person_before(tok.idx, names.subjects)
    if tok.pos_ == "PRON":
        return None
    return _phrase(tok, names)


def _child(v: Any, *deps: str) -> Any | None:
    for c in v.children:
        if c.dep_ in deps:
            return c
    return None


def _between(noun: Any) -> tuple[Any, Any] | None:
    """ "a conversation between A and B": (A, B)."""
    for p in noun.children:
        if p.dep_ == "prep" and p.lower_ == "between":
            a = _child(p, "pobj")
            if a is not None:
                b = _child(a, "conj")
                if b is not None:
                    return a, b
    return None


def _places(heads: Sequence[Any], names: _Names) -> list[str]:
    found: list[str] = []
    for h in heads:
        for p in h.children:
            if p.dep_ != "prep" or p.lower_ not in _PLACE_PREPS:
                continue
            for obj in p.children:
                if obj.dep_ != "pobj" or not _is_place(obj, names):
                    continue
                # "in Leeds and Bradford": the conjuncts of a place are places
                for t in [obj, *[c for c in obj.children if c.dep_ == "conj" and c.pos_ == "PROPN"]]:
                    ent = names.at(t.idx, t.idx + len(t.text))
                    name = ent[0] if ent is not None else t.text
                    if name not in found:
                        found.append(name)
    return found


def _is_place(t: Any, names: _Names) -> bool:
    if t.pos_ != "PROPN" or t.ent_type_ in ("DATE", "TIME", "PERSON", "NORP"):
        return False
    ent = names.at(t.idx, t.idx + len(t.text))
    return ent is None or ent[1] != "person"


def _event(
    doc: Document,
    sent: Any,
    v: Any,
    names: _Names,
    page_date: str | None,
    head_dates: Sequence[tuple[int, str]],
) -> Event | None:
    chain = _chain(v)
    last = chain[-1]
    action = _action(chain)
    subj = _child(v, "nsubj", "nsubjpass") or (
        _child(v.head, "nsubj") if v.dep_ == "xcomp" or v.dep_ == "conj" else None
    )
    obj = _child(last, "dobj", "attr", "oprd")
    actor: str | None = None
    target: str | None = None
    place_heads = list(chain)
    # light verb + noun + "to" verb: "issued an order to begin withdrawal"
    if obj is not None and last.lemma_ in _LIGHT:
        acl = [c for c in obj.children if c.dep_ in ("acl", "relcl") and _is_verb(c)]
        if acl:
            inner = _chain(acl[0])
            action = f"{action} {obj.lemma_} to {_action(inner)}"
            place_heads += inner
            obj = _child(inner[-1], "dobj", "attr")
    # "X has its basis in law and has been conducted": a conjunct's own passive auxiliary makes the
    # subject it shares with the first verb its target, not its actor
    passive = subj is not None and (
        subj.dep_ == "nsubjpass" or (subj.head is not v and _child(v, "auxpass") is not None)
    )
    pair = _between(subj) if subj is not None else None
    if pair is not None and subj is not None:
        mods = [c for c in subj.children if c.dep_ == "compound"]
        action = " ".join([*(m.lower_ for m in mods), subj.lower_])
        actor, target = _party(pair[0], names), _party(pair[1], names)
        place_heads.append(subj)
    else:
        if passive:
            agent = _child(v, "agent")
            who = _child(agent, "pobj") if agent is not None else None
            actor = _party(who, names) if who is not None else None
            target = _party(subj, names) if subj is not None else None
            if subj is not None:
                place_heads.append(subj)
        else:
            actor = _party(subj, names) if subj is not None else None
            if subj is not None:
                place_heads.append(subj)
            if obj is not None:
                target = _party(obj, names)
                place_heads.append(obj)
        if not passive and target is None:
            dative = _child(last, "dative")
            if dative is not None:
                target = _party(dative, names)
    if v.lemma_ in _EMPTY and len(chain) == 1 and pair is None:
        return None
    if actor is None and target is None:
        return None
    places = _places(place_heads, names)
    date, starting = _dates(doc, sent, chain, page_date, head_dates)
    return Event(
        actor,
        action,
        target,
        ", ".join(places) or None,
        date,
        starting,
        sent.start_char,
        sent.end_char,
    )


def _dates(
    doc: Document,
    sent: Any,
    chain: Sequence[Any],
    page_date: str | None,
    head_dates: Sequence[tuple[int, str]],
) -> tuple[str | None, str | None]:
    date = starting = None
    for m in doc.dates:
        if not (sent.start_char <= m.start < sent.end_char):
            continue
        span = sent.doc.char_span(m.start, m.end, alignment_mode="expand")
        is_start = False
        if span is not None:
            t = span.root
            for _ in range(3):
                if t.lemma_.lower() in _START_WORDS and t.i != span.root.i:
                    is_start = True
                    break
                if t.head.i == t.i:
                    break
                t = t.head
        if is_start:
            starting = starting or m.value
        else:
            date = date or m.value
    future = any(c.lower_ in ("will", "would", "shall") for v in chain for c in v.children if c.dep_ == "aux")
    if date is None and not future:
        i = bisect.bisect_right(head_dates, (sent.start_char, "\uffff")) - 1
        date = head_dates[i][1] if i >= 0 else page_date
    return date, starting
