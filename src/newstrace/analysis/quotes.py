"""Who said what: direct quotes and their speakers.

Two passes, both linear in the page length: every search is bounded (``WINDOW`` characters around a
quote, ``LOOKBACK`` characters and ``LOOKBACK_MENTIONS`` mentions back for an antecedent) and names are
found through sorted indexes, never by scanning the page again.

1. **Marks → quotes.** Every quotation mark (straight, curly, single, doubled ``''``, guillemets) is
   classified by its shape and by what surrounds it (the CommonMark "flanking" idea: a mark followed by a
   word can open, a mark preceded by one can close), so ``don’t``, ``Russia’s`` and ``’80s`` stay
   apostrophes and a typo like ``said.”This`` still opens a quote. Marks are paired per paragraph (one
   line) with a small stack; nested quotes stay inside their outer quote. A quote left open at the end of
   a paragraph whose next paragraph starts with an opening mark is the newspaper convention for a long
   quote: each paragraph becomes its own ``Quote`` and they share one speaker (one quote per paragraph
   keeps every quote inside one layer). Any other unclosed quote runs to the end of its paragraph.
2. **Quotes → speakers.** Around each quote, inside its sentence and never across a neighbouring quote,
   reporting cues are looked for in the spaCy parse ("said", "told", "according to", "in X's words",
   "X …: “…”", "“…” — X"); the attribution that touches the quote wins ("“…,” X said", "X added, “…”"),
   else the nearest cue whose clause holds the quote; the cue's grammatical subject is the speaker (read
   off the surface when the parser missed it: "“…,” Jane Doe, an adviser, said"). Names resolve to
   canonical entities (``doc.entities`` when the entities stage ran, else the longest name of the page
   with the same surname), titles ("the president") to the person who holds that title on the page,
   organisation units ("the … press service") to their organisation, pronouns to the most recent person
   subject or speaker of a compatible gender in the same scope (a comment never borrows a speaker from
   the article; an editor's note is part of the page). A quote split by its attribution, or continued in
   a following sentence or paragraph, inherits the speaker; a free-standing quote paragraph takes the
   speaker introduced by the previous paragraph ("X said:") or the person it was about. Quoted titles
   and scare quotes (no cue; or one or two words inside a sentence that no plain speech verb governs)
   get ``speaker=None``.

Offsets: ``Quote.start``/``end`` cover the quoted words without the quotation marks (and without the
comma that only separates the quote from its attribution); ``Quote.text`` is exactly that slice. The
PolNeAR scorer compares word characters only, so marks in or out score the same; without them the
``text`` field reads as what was said.

``speaker`` is the canonical name when one is found; when the text only says "a spokesman" or an
unresolvable "they", it is those words (somebody speaks, the page does not say who); ``None`` means
nobody speaks (scare quotes, titles) or several people speak together ("the two leaders agreed", "X
and Y agree"): a quote has one speaker in this model, and a joint statement is not one person's words.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ..model import Document, Entity, Layer, Quote
from ..pipeline import stage

# ---------------------------------------------------------------------------------------------------
# Lexicon


@dataclass(frozen=True)
class _Lexicon:
    verbs: frozenset[str]
    adjacent_verbs: frozenset[str]
    nouns: frozenset[str]
    titles: frozenset[str]
    org_units: frozenset[str]
    male: frozenset[str]
    female: frozenset[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """The word lists (data/quote_cues.json), read once."""
    raw = json.loads(resources.files("newstrace").joinpath("data/quote_cues.json").read_text("utf-8"))

    def words(*keys: str) -> frozenset[str]:
        return frozenset(w for k in keys for w in raw.get(k, []))

    return _Lexicon(
        verbs=words("verbs"),
        adjacent_verbs=words("adjacent_verbs"),
        nouns=words("nouns"),
        titles=words("titles"),
        org_units=words("org_units"),
        male=words("male_words", "male_names"),
        female=words("female_words", "female_names"),
    )


# ---------------------------------------------------------------------------------------------------
# Pass 1: quotation marks and quote spans

_MARK = re.compile(r"''|``|[\"“”„‟«»‘’‚‛'`]")
_DOUBLE = frozenset({'"', "“", "”", "„", "‟", "«", "»", "''", "``"})
_OPEN_SHAPED = frozenset({"“", "„", "‟", "«", "‘", "‚", "‛", "``"})
_CLOSE_SHAPED = frozenset({"”", "»", "’"})
_STRAIGHT = frozenset({'"', "'", "''", "``", "`"})
_ELISIONS = frozenset({"em", "til", "tis", "twas", "cause", "bout", "n", "round", "nuff", "cos", "s"})
MAX_DEPTH = 4  # nesting deeper than this is noise; its marks are ignored
MAX_QUOTE_CHARS = 20_000  # an unclosed "quote" longer than this is not one


@dataclass(slots=True)
class _Mark:
    pos: int
    length: int
    double: bool
    shape: str  # "o" open-shaped, "c" close-shaped, "a" ambiguous (straight)
    left: bool  # left-flanking: followed by a word, so it can open
    right: bool  # right-flanking: preceded by a word, so it can close
    straight: bool  # " ' '' `` (typewriter) rather than typographic marks


@dataclass(slots=True)
class _Span:
    open: int  # offset of the opening mark
    open_len: int
    start: int  # the quoted words
    end: int
    close: int | None  # offset of the closing mark; None when the quote ran to its paragraph's end
    close_len: int
    line: int  # paragraph number (counting non-blank lines)
    line_start: int
    line_end: int
    continues: bool = False  # goes on in the next paragraph, which opens with a quotation mark
    continued: bool = False  # the previous paragraph's quote goes on here

    @property
    def outer_end(self) -> int:
        return self.close + self.close_len if self.close is not None else self.end


def _is_punct(c: str) -> bool:
    return not c.isalnum() and not c.isspace()


def _marks(text: str, lo: int, hi: int) -> list[_Mark]:
    """The quotation marks of text[lo:hi] that are not apostrophes."""
    out = []
    for m in _MARK.finditer(text, lo, hi):
        s, e = m.span()
        ch = m.group()
        prev = text[s - 1] if s > 0 else "\n"
        nxt = text[e] if e < len(text) else "\n"
        double = ch in _DOUBLE
        if prev == "=":
            continue  # markup left in scraped text: id="…", datetime="…"
        if not double:
            if prev.isalnum() and nxt.isalnum():
                continue  # don’t, Russia’s, O'Brien
            if not prev.isalnum() and ch in "’'":
                word = re.match(r"[a-z0-9]+", text[e : e + 8])
                if word and (word.group()[0].isdigit() or word.group() in _ELISIONS):
                    continue  # ’80s, ’em, 'til, rock ’n’ roll
        left = not nxt.isspace() and (not _is_punct(nxt) or prev.isspace() or _is_punct(prev))
        right = not prev.isspace() and (not _is_punct(prev) or nxt.isspace() or _is_punct(nxt))
        shape = "o" if ch in _OPEN_SHAPED else "c" if ch in _CLOSE_SHAPED else "a"
        out.append(_Mark(s, e - s, double, shape, left, right, ch in _STRAIGHT))
    return out


def _can_open(m: _Mark, single_closer_after: bool) -> bool:
    if not m.double and not single_closer_after:
        return False  # a single mark opens only when something later in the paragraph can close it
    if m.shape == "o":
        return not (m.right and not m.left)
    if m.shape == "c":
        return m.left and not m.right  # ”moderate” after a slash, said.”This
    return (m.left and not m.right) or (not m.left and not m.right) if m.double else m.left and not m.right


def _can_close(m: _Mark, text: str, single_closer_after: bool) -> bool:
    if m.shape == "o":
        return not m.left  # word“, or a mark standing alone between spaces
    if m.shape == "a" and m.left and not m.right:
        return False
    if not m.double and single_closer_after and m.pos > 0 and text[m.pos - 1] in "sS":
        # the voters’ choice’: a plural possessive when another closer follows
        nxt = text[m.pos + 1 : m.pos + 3]
        if len(nxt) == 2 and nxt[0] == " " and nxt[1].islower():
            return False
    return True


def _opens_paragraph(text: str, pos: int, double: bool) -> bool:
    """Does the paragraph at ``pos`` start with an opening mark of this kind (the long-quote convention)?"""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        return False
    ch = text[pos : pos + 2] if text.startswith(("''", "``"), pos) else text[pos]
    if double:
        return ch in {"“", "„", '"', "«", "''", "``"}
    return ch in {"‘", "'", "‚"}


def find_quote_spans(text: str) -> list[_Span]:
    """Top-level quoted stretches of ``text``, in order (pass 1)."""
    spans: list[_Span] = []
    line_no = -1
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        if text[pos:end].strip():
            line_no += 1
            spans.extend(_line_spans(text, pos, end, line_no))
        if nl < 0:
            break
        pos = nl + 1
    for a, b in zip(spans, spans[1:], strict=False):
        if a.continues and b.line == a.line + 1 and b.open <= _first_non_space(text, b.line_start) + 2:
            b.continued = True
        elif a.continues:
            a.continues = False
    if spans and spans[-1].continues:
        spans[-1].continues = False
    return spans


def _first_non_space(text: str, pos: int) -> int:
    end = min(len(text), pos + 200)
    while pos < end and text[pos] in " \t":
        pos += 1
    return pos


def _line_spans(text: str, lo: int, hi: int, line_no: int) -> list[_Span]:
    marks = _marks(text, lo, hi)
    closer_after = [False] * len(marks)  # a single mark that can close lies after mark k
    seen = False
    for k in range(len(marks) - 1, -1, -1):
        closer_after[k] = seen
        m = marks[k]
        if not m.double and (m.right or not m.left):
            seen = True
    out: list[_Span] = []
    stack: list[_Mark] = []
    possessive: dict[int, _Mark] = {}  # open single mark -> a closer skipped as a plural possessive

    def emit(o: _Mark, close: _Mark | None, end: int) -> None:
        s = o.pos + o.length
        e = end
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or (close is not None and text[e - 1] in ",;:")):
            e -= 1
        if e - s > MAX_QUOTE_CHARS or not any(c.isalnum() for c in text[s:e]):
            return
        out.append(
            _Span(
                o.pos,
                o.length,
                s,
                e,
                close.pos if close else None,
                close.length if close else 0,
                line_no,
                lo,
                hi,
            )
        )

    def close_unclosed(o: _Mark, end: int) -> None:
        """A quote that lost its closing mark: end at a skipped possessive-looking mark, else at ``end``."""
        alt = possessive.get(o.pos)
        if alt is not None:
            emit(o, alt, alt.pos)
        else:
            emit(o, None, end)

    for k, m in enumerate(marks):
        j = len(stack) - 1
        while j >= 0 and stack[j].double != m.double:
            j -= 1
        if j >= 0:
            closes = _can_close(m, text, closer_after[k])
            if not closes and not m.double and m.shape != "o" and m.right:
                possessive.setdefault(stack[j].pos, m)
            if closes:
                if j == 0:
                    emit(stack[0], m, m.pos)
                del stack[j:]
            elif _can_open(m, closer_after[k]):
                nested = m.straight != stack[j].straight or j < len(stack) - 1
                if nested and len(stack) < MAX_DEPTH:
                    stack.append(m)  # “…” inside "…", or “ ‘ “…” ’ ”: a quote within a quote
                    continue
                # a second opening mark of the same kind: the first quote lost its closing mark
                if j == 0:
                    close_unclosed(stack[0], m.pos)
                del stack[j:]
                stack.append(m)
        elif len(stack) < MAX_DEPTH and _can_open(m, closer_after[k]):
            stack.append(m)
    if stack:
        close_unclosed(stack[0], hi)
        if out and out[-1].open == stack[0].pos and out[-1].close is None:
            out[-1].continues = _opens_paragraph(text, hi, stack[0].double)
    return out


# ---------------------------------------------------------------------------------------------------
# Pass 2: the page around each quote

_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_CLOSED_CLASS = frozenset({"ADP", "SCONJ", "CCONJ", "DET", "PRON", "AUX", "PART", "VERB", "INTJ", "NUM"})
_OBJECT_FIRST = frozenset(
    {"tell", "ask", "inform", "assure", "advise", "remind", "warn", "urge", "thank", "order"}
)
_NOT_SPEAKERS = frozenset({"it", "this", "that", "these", "those", "which", "what", "there", "here"})
_PERSON = frozenset({"PERSON", "PER"})
_ORGLIKE = frozenset({"ORG", "NORP", "GPE", "FAC", "ORGANIZATION", "ORGANISATION"})
_TERMINAL = ".!?…"
_CLOSERS = "\"'”’»)]} \t"
WINDOW = 600  # characters searched on each side of a quote for its attribution
LOOKBACK = 4000  # characters searched back for an antecedent
LOOKBACK_MENTIONS = 60  # mentions searched back for an antecedent
MAX_MENTION_CHARS = 200  # longer "mentions" are not names
ADJACENT_AFTER = 40  # "“…,” the president of the council said": the attribution touches the quote
ADJACENT_BEFORE = 80
KIDS_WINDOW = 48  # tokens searched on each side of a token for its dependents
MAX_DEPTH_UP = 40  # steps up the tree when asking whether a cue governs a quote


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    name: str
    entity: str | None
    person: bool
    subject: bool


@dataclass(slots=True)
class _Speaker:
    name: str
    entity: str | None = None
    person: bool = False
    resolved: bool = True  # a canonical name (False: the page's own words, like "a spokesman")
    joint: bool = False  # several speakers together


@dataclass
class _Context:
    """Everything about one page that speaker resolution looks up, built once (linear)."""

    doc: Document
    parse: Any
    spans: list[_Span]
    span_starts: list[int] = field(default_factory=list)
    tok_starts: list[int] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)
    mentions: list[_Mention] = field(default_factory=list)
    mention_starts: list[int] = field(default_factory=list)
    ent_index: list[tuple[int, int, Entity]] = field(default_factory=list)
    ent_starts: list[int] = field(default_factory=list)
    surname: dict[str, str] = field(default_factory=dict)
    gender: dict[str, str] = field(default_factory=dict)
    titles: dict[str, list[tuple[int, str, frozenset[str]]]] = field(default_factory=dict)
    title_count: Counter[tuple[str, str]] = field(default_factory=Counter)
    scopes: list[tuple[int, int, str]] = field(default_factory=list)
    scope_starts: list[int] = field(default_factory=list)
    spoken: list[tuple[int, _Speaker]] = field(default_factory=list)  # speakers found so far, in order


def _build_context(doc: Document, spans: list[_Span]) -> _Context:
    ctx = _Context(doc, doc.parse, spans)
    ctx.span_starts = [s.open for s in spans]
    _build_scopes(ctx, doc.layers)
    if doc.entities:
        ctx.ent_index = sorted(
            ((m.start, m.end, e) for e in doc.entities for m in e.mentions), key=lambda x: (x[0], -x[1])
        )
        ctx.ent_starts = [x[0] for x in ctx.ent_index]
    if ctx.parse is None:
        return ctx
    ctx.tok_starts = [t.idx for t in ctx.parse]
    try:
        sents = [s.start_char for s in ctx.parse.sents]
    except ValueError:  # a parse without sentence boundaries: paragraphs bound every search instead
        sents = []
    ctx.sent_starts = [c for c in sents if _real_sentence_start(doc.text, c)]
    _collect_mentions(ctx)
    return ctx


def _build_scopes(ctx: _Context, layers: Sequence[Layer]) -> None:
    """Comments are their own scopes: a reader's "he said" never reaches into the article."""
    for x in sorted(layers, key=lambda x: x.start):
        key = f"comment:{x.comment}" if x.kind == "comment" else "page"
        if ctx.scopes and ctx.scopes[-1][2] == key:
            ctx.scopes[-1] = (ctx.scopes[-1][0], x.end, key)
        else:
            ctx.scopes.append((x.start, x.end, key))
    ctx.scope_starts = [s[0] for s in ctx.scopes]


def _scope(ctx: _Context, pos: int) -> str:
    i = bisect.bisect_right(ctx.scope_starts, pos) - 1
    return ctx.scopes[i][2] if i >= 0 else "page"


def _real_sentence_start(text: str, c: int) -> bool:
    """A sentence start the text itself marks: after . ! ? (and closing marks), not before lower case."""
    j = c
    while j > 0 and text[j - 1] in " \t" and c - j < 40:
        j -= 1
    if j == 0 or text[j - 1] == "\n":
        return True
    if c < len(text) and text[c].islower():
        return False
    while j > 0 and text[j - 1] in _CLOSERS and c - j < 40:
        j -= 1
    return j > 0 and text[j - 1] in _TERMINAL


def _inside_quote(ctx: _Context, pos: int) -> bool:
    i = bisect.bisect_right(ctx.span_starts, pos) - 1
    return i >= 0 and pos < ctx.spans[i].outer_end


def _clean_name(s: str) -> str:
    s = re.split(r"\s[-–—]+\s|\n", s.strip())[-1]  # "Weak - Jane Doe": a headline glued to a name
    s = re.sub(r"^(?:the|a|an)\s+", "", s.strip(), flags=re.I)
    s = re.sub(r"\s*['’]s?$", "", s).strip(" ,.;:-–—\"“”‘’'()[]")
    return re.sub(r"\s+", " ", s)


def _gender_of_words(words: Iterable[str]) -> str | None:
    lex = _lexicon()
    for w in words:
        lw = w.lower().rstrip(".")
        if lw in lex.female or lw + "." in lex.female:
            return "f"
        if lw in lex.male or lw + "." in lex.male:
            return "m"
    return None


def _collect_mentions(ctx: _Context) -> None:
    """Person and organisation mentions outside quotes: antecedents, surnames, titles and genders."""
    p = ctx.parse
    lex = _lexicon()
    ents = [e for e in p.ents if e.label_ in _PERSON or e.label_ in _ORGLIKE]
    full: dict[str, Counter[str]] = {}
    for ent in ents:
        name = _clean_name(ent.text)
        if ent.label_ in _PERSON and name:
            full.setdefault(name.split()[-1].lower(), Counter())[name] += 1
    for last, names in full.items():
        # the longest, then most frequent, full name that ends with this surname
        ctx.surname[last] = max(names.items(), key=lambda kv: (len(kv[0].split()), kv[1]))[0]
    for ent in ents:
        s, e = ent.start_char, ent.end_char
        known = _entity_for(ctx, s, e)
        person = ent.label_ in _PERSON if known is None else known.type.upper() in _PERSON
        name = known.name if known is not None else _canonical(ctx, _clean_name(ent.text), person)
        if not name:
            continue
        inside = _inside_quote(ctx, s)
        if person:
            tw = _title_words(ctx, ent.start)
            if name not in ctx.gender:
                g = _gender_of_words(name.split()[:1]) or _gender_of_words(tw)
                if g:
                    ctx.gender[name] = g
            titles = [w.lower() for w in tw if w.lower() in lex.titles]
            for w in titles:
                mods = frozenset(t.lower() for t in tw if t.lower() not in lex.titles)
                ctx.titles.setdefault(w, []).append((s, name, mods))
                ctx.title_count[(w, name)] += 1
        if not inside and known is None:
            ctx.mentions.append(
                _Mention(s, e, name, None, person, _is_subject_phrase(p[ent.start : ent.end]))
            )
    for s, e, ent in ctx.ent_index:
        if not _inside_quote(ctx, s):
            span = p.char_span(s, e, alignment_mode="expand")
            subject = span is not None and _is_subject_phrase(span)
            ctx.mentions.append(_Mention(s, e, ent.name, ent.id, ent.type.upper() in _PERSON, subject))
            if ent.type.upper() in _PERSON and ent.name not in ctx.gender:
                g = _gender_of_words(
                    [*ent.name.split()[:1], *(a.split()[0] for a in ent.aliases if a.strip())]
                )
                if g:
                    ctx.gender[ent.name] = g
    ctx.mentions.sort(key=lambda m: m.start)
    ctx.mention_starts = [m.start for m in ctx.mentions]


def _title_words(ctx: _Context, i: int) -> list[str]:
    """Title words right before the name at token ``i``: "Russian President", "Defense Minister", "Mrs."."""
    p = ctx.parse
    lex = _lexicon()
    out: list[str] = []
    j = i - 1
    while j >= 0 and i - j <= 4:
        t = p[j]
        if not (t.text[:1].isupper() or t.lower_ in lex.titles) or (t.is_punct and t.text != "."):
            break
        out.append(t.text.rstrip("."))
        j -= 1
    return out[::-1]


def _token_index(ctx: _Context, pos: int) -> int | None:
    i = bisect.bisect_right(ctx.tok_starts, pos) - 1
    return i if i >= 0 else None


def _token_at(ctx: _Context, pos: int) -> Any:
    i = _token_index(ctx, pos)
    return None if i is None else ctx.parse[i]


def _is_subject_phrase(span: Any) -> bool:
    """Is some token of the span (or what it modifies, through compound/flat/appos/poss) a subject?"""
    for t in span:
        for _ in range(3):
            if t.dep_ in ("nsubj", "nsubjpass"):
                return True
            if t.dep_ not in ("compound", "flat", "appos") or t.head is t:
                break
            t = t.head
    return False


def _canonical(ctx: _Context, name: str, person: bool) -> str:
    if not person or not name:
        return name
    return ctx.surname.get(name.split()[-1].lower(), name)


# ---------------------------------------------------------------------------------------------------
# Speakers


def _entity_for(ctx: _Context, s: int, e: int) -> Entity | None:
    """The entity with a mention overlapping [s, e), closest fit first (as ``entities.entity_at`` picks,
    but through a sorted index: that helper scans every mention, and this runs once per name)."""
    if not ctx.ent_starts:
        return None
    best: tuple[int, int] | None = None
    found: Entity | None = None
    i = bisect.bisect_left(ctx.ent_starts, e)
    for k in range(i - 1, max(-1, i - 1 - LOOKBACK_MENTIONS), -1):
        ms, me, ent = ctx.ent_index[k]
        if me <= s:
            if s - ms > MAX_MENTION_CHARS:
                break
            continue
        score = (min(e, me) - max(s, ms), -abs((me - ms) - (e - s)))
        if best is None or score > best:
            best, found = score, ent
    return found


def _kids(tok: Any) -> list[Any]:
    """The dependents of ``tok`` near it. spaCy's own ``children`` scan the token's whole subtree, which
    on a run-on "sentence" of thousands of tokens makes every lookup as long as the sentence."""
    if tok.right_edge.i - tok.left_edge.i <= 2 * KIDS_WINDOW:
        return list(tok.children)
    doc = tok.doc
    lo, hi = max(tok.left_edge.i, tok.i - KIDS_WINDOW), min(tok.right_edge.i, tok.i + KIDS_WINDOW)
    return [doc[k] for k in range(lo, hi + 1) if k != tok.i and doc[k].head.i == tok.i]


def _lefts(tok: Any) -> list[Any]:
    return [c for c in _kids(tok) if c.i < tok.i]


def _rights(tok: Any) -> list[Any]:
    return [c for c in _kids(tok) if c.i > tok.i]


def _phrase_span(tok: Any) -> tuple[int, int]:
    """Character span of a noun phrase: the head, its left modifiers, compound/flat parts to the right."""
    s = min([tok.i] + [c.left_edge.i for c in _lefts(tok) if c.dep_ != "punct"])
    e = tok.i
    for c in _rights(tok):
        if c.dep_ not in ("compound", "flat") or c.i != e + 1:
            break
        e = c.i
    doc = tok.doc
    return doc[s].idx, doc[e].idx + len(doc[e].text)


def _not_a_speaker(tok: Any) -> bool:
    """Datelines ("WASHINGTON —"), times and numbers parsed as subjects."""
    if tok.ent_type_ in ("TIME", "DATE", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"):
        return True
    if not any(ch.isalpha() for ch in tok.text):
        return True
    if tok.is_upper and len(tok.text) > 1 and tok.pos_ == "PROPN":
        doc = tok.doc
        j = tok.i - 1
        while j >= 0 and tok.i - j < 8 and doc[j].is_upper and "\n" not in doc[j].text_with_ws:
            j -= 1
        return j < 0 or "\n" in doc[j].text_with_ws or doc[j].is_space
    return False


def _ent_span(tok: Any) -> Any:
    """The named-entity span around ``tok``."""
    doc = tok.doc
    a = tok.i
    while a > 0 and doc[a].ent_iob_ == "I" and tok.i - a < 12:
        a -= 1
    b = tok.i + 1
    while b < len(doc) and doc[b].ent_iob_ == "I" and b - tok.i < 12:
        b += 1
    return doc[a:b]


def _speaker_from_token(ctx: _Context, tok: Any, depth: int = 0) -> _Speaker | None:
    """The speaker a subject (or agent, or possessor) token names."""
    if tok is None or depth > 3 or _not_a_speaker(tok):
        return None
    lex = _lexicon()
    low = tok.lower_
    if low in _RELATIVE and tok.head.dep_ == "relcl" and tok.head.head is not tok.head:
        return _speaker_from_token(ctx, tok.head.head, depth + 1)
    if tok.pos_ == "PRON" or low in _PRONOUNS:
        if low in _PRONOUNS:
            return _resolve_pronoun(ctx, tok.idx, _PRONOUNS[low])
        if low in ("they", "them", "it"):
            return _resolve_plural(ctx, tok.idx) or (
                _Speaker(tok.text, resolved=False) if low != "it" else None
            )
        if low in _NOT_SPEAKERS:
            return None
        return _Speaker(tok.text, resolved=False)
    # several speakers: "X and Y said", "the two leaders agreed"
    kids = _kids(tok)
    if any(c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN") for c in kids) or (
        tok.tag_ in ("NNS", "NNPS") and any(c.dep_ == "nummod" or c.lower_ == "both" for c in kids)
    ):
        return _Speaker(tok.text, resolved=False, joint=True)
    if tok.pos_ != "PROPN":
        for c in kids:  # an appositive name: "the president, Jane Doe, said"
            if c.dep_ == "appos" and c.pos_ == "PROPN":
                return _speaker_from_token(ctx, c, depth + 1)
        owner = _owner_of_noun(tok)  # "Jane Doe's statement said", "a post by Jane Doe"
        if owner is not None:
            return _speaker_from_token(ctx, owner, depth + 1)
    ent = _entity_for(ctx, tok.idx, tok.idx + len(tok.text))
    if ent is not None:
        return _Speaker(ent.name, ent.id, ent.type.upper() in _PERSON)
    if tok.ent_type_ in _PERSON or tok.ent_type_ in _ORGLIKE:
        person = tok.ent_type_ in _PERSON
        name = _canonical(ctx, _clean_name(_ent_span(tok).text), person)
        if name:
            return _Speaker(name, None, person)
    if tok.pos_ == "PROPN":  # a name the NER missed: the run of proper nouns ending here
        doc = tok.doc
        a = tok.i
        while a > 0 and doc[a - 1].pos_ == "PROPN" and doc[a - 1].dep_ in ("compound", "flat"):
            a -= 1
        name = _clean_name(doc[a : tok.i + 1].text)
        if name:
            first = name.split()[0].lower()
            person = first in lex.male or first in lex.female or name.split()[-1].lower() in ctx.surname
            return _Speaker(_canonical(ctx, name, True), None, person)
    if tok.lemma_.lower() in lex.org_units or low in lex.org_units:
        # an organisation's unit: "the … press service", "the ministry's spokesman" → the organisation
        for c in _lefts(tok):
            if c.ent_type_ in _ORGLIKE and c.dep_ in ("compound", "poss", "nmod", "amod"):
                span = _ent_span(c)
                ent2 = _entity_for(ctx, span.start_char, span.end_char)
                if ent2 is not None:
                    return _Speaker(ent2.name, ent2.id, False)
                return _Speaker(_clean_name(span.text), None, False)
    if tok.lemma_.lower() in lex.titles or low in lex.titles:
        sp = _resolve_title(ctx, tok)
        if sp is not None:
            return sp
    s, e = _phrase_span(tok)
    return _Speaker(re.sub(r"\s+", " ", ctx.doc.text[s:e]).strip(" ,"), resolved=False)


def _resolve_title(ctx: _Context, tok: Any) -> _Speaker | None:
    """A title standing for a person ("the president"): who the page calls so, preferring the latest such
    speaker, then the latest such subject, then whoever holds the title most often."""
    title = tok.lower_ if tok.lower_ in ctx.titles else tok.lemma_.lower()
    mods = frozenset(c.lower_ for c in _lefts(tok) if c.dep_ in ("amod", "compound") and c.text[:1].isupper())
    holders = {name for _, name, tmods in ctx.titles.get(title, []) if not mods or mods & tmods}
    if not holders:
        return None
    pos = tok.idx
    scope = _scope(ctx, pos)
    for at, sp in _recent_speakers(ctx, pos):
        if sp.name in holders and _scope(ctx, at) == scope:
            return _Speaker(sp.name, sp.entity, True)
    i = bisect.bisect_left(ctx.mention_starts, pos)
    for k in range(i - 1, max(-1, i - 1 - LOOKBACK_MENTIONS), -1):
        m = ctx.mentions[k]
        if pos - m.start > LOOKBACK:
            break
        if m.subject and m.name in holders:
            return _Speaker(m.name, m.entity, True)
    best = max(holders, key=lambda n: ctx.title_count[(title, n)])
    return _Speaker(best, None, True)


def _recent_speakers(ctx: _Context, pos: int) -> Iterable[tuple[int, _Speaker]]:
    """Speakers found so far, latest first, within the lookback window (bounded in number too)."""
    for k in range(len(ctx.spoken) - 1, max(-1, len(ctx.spoken) - 1 - LOOKBACK_MENTIONS), -1):
        at, sp = ctx.spoken[k]
        if pos - at > LOOKBACK:
            return
        yield at, sp


def _compatible(g: str | None, want: str | None) -> bool:
    return want is None or g is None or g == want


def _resolve_pronoun(ctx: _Context, pos: int, gender: str | None) -> _Speaker:
    """He/she: the most recent person subject or speaker of a compatible gender in the same scope."""
    scope = _scope(ctx, pos)
    best: tuple[int, _Speaker] | None = None
    fallback: tuple[int, _Speaker] | None = None
    i = bisect.bisect_left(ctx.mention_starts, pos)
    for k in range(i - 1, max(-1, i - 1 - LOOKBACK_MENTIONS), -1):
        m = ctx.mentions[k]
        if pos - m.start > LOOKBACK or _scope(ctx, m.start) != scope:
            break
        if not m.person or not _compatible(ctx.gender.get(m.name), gender):
            continue
        if m.subject:
            best = (m.start, _Speaker(m.name, m.entity, True))
            break
        if fallback is None:
            fallback = (m.start, _Speaker(m.name, m.entity, True))
    for at, sp in _recent_speakers(ctx, pos):  # titles and pronouns resolved earlier count as subjects too
        if at < pos and sp.person and sp.resolved and _compatible(ctx.gender.get(sp.name), gender):
            if _scope(ctx, at) == scope and (best is None or at > best[0]):
                best = (at, sp)
            break
    chosen = best or fallback
    if chosen is not None:
        return _Speaker(chosen[1].name, chosen[1].entity, True)
    return _Speaker({"m": "he", "f": "she"}.get(gender or "", "they"), None, True, resolved=False)


def _resolve_plural(ctx: _Context, pos: int) -> _Speaker | None:
    """They: the most recent organisation subject nearby (a campaign, a ministry)."""
    scope = _scope(ctx, pos)
    i = bisect.bisect_left(ctx.mention_starts, pos)
    for k in range(i - 1, max(-1, i - 16), -1):
        m = ctx.mentions[k]
        if pos - m.start > 600 or _scope(ctx, m.start) != scope:
            break
        if not m.person and m.subject:
            return _Speaker(m.name, m.entity, False)
    return None


# ---------------------------------------------------------------------------------------------------
# Cues


@dataclass(slots=True)
class _Cue:
    word: str
    lemma: str
    speaker: _Speaker | None
    dist: int  # characters between the cue (or its subject, if nearer) and the quote
    adjacent: bool  # the attribution touches the quote
    governs: bool  # the quote lies inside the cue's clause


def _is_cue_verb(tok: Any) -> bool:
    lex = _lexicon()
    lemma, low = tok.lemma_.lower(), tok.lower_
    if lemma not in lex.verbs and lemma not in lex.adjacent_verbs and low not in lex.verbs:
        return False
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


def _subject_of(verb: Any, q0: int, q1: int) -> Any:
    """The subject of a cue verb, climbing conjunctions and participles ("…, adding", "went on to say")."""
    v = verb
    for _ in range(4):
        kids = _kids(v)
        subjects = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass") and not (q0 <= c.idx < q1)]
        if subjects:
            c = subjects[0]
            if len(subjects) > 1:  # "said Army Capt. Jane Doe": two subjects; the named person wins
                c = next((x for x in subjects if x.ent_type_ in _PERSON), subjects[-1])
            if c.dep_ == "nsubjpass":
                for a in kids:
                    if a.dep_ == "agent":
                        return next((o for o in _kids(a) if o.dep_ == "pobj"), c)
            return c
        if v.dep_ == "relcl":
            return v.head
        if v.dep_ in ("conj", "xcomp", "advcl", "pcomp", "acl", "prep") and v.head is not v:
            v = v.head
            continue
        break
    return None


def _cue_word(tok: Any) -> str:
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.dep_ == "prt" and nxt.head is tok:
        return f"{tok.text} {nxt.text}"
    return str(tok.text)


def _according_to(tok: Any) -> Any:
    """``according to X`` / ``according to a statement by X``: the X token."""
    tos = [c for c in _kids(tok) if c.lower_ == "to"]
    if tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
        tos.append(tok.doc[tok.i + 1])  # the parser sometimes hangs "to" elsewhere
    for to in tos:
        for o in _kids(to):
            if o.dep_ == "pobj":
                return _owner_of_noun(o) or o
    return None


def _owner_of_noun(tok: Any) -> Any:
    """The author of a statement noun: its possessor or its "by"/"from"/"of" object."""
    lex = _lexicon()
    if tok.lower_ not in lex.nouns and tok.lemma_.lower() not in lex.nouns:
        return None
    kids = _kids(tok)
    for c in kids:
        if c.dep_ == "poss":
            return c
    for c in kids:
        if c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
            for o in _kids(c):
                if o.dep_ == "pobj" and (o.pos_ in ("PROPN", "PRON") or o.ent_type_):
                    return o
    return None


def _governs(head: Any, q: Any) -> bool:
    """Is ``head`` ``q`` or one of its ancestors (looked for a bounded number of steps up)?"""
    t = q
    for _ in range(MAX_DEPTH_UP):
        if t is None:
            return False
        if t.i == head.i:
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def _cues_in(ctx: _Context, lo: int, hi: int, sp: _Span, before: bool) -> list[_Cue]:
    """Cues in text[lo:hi] (outside the quote), nearest to the quote first."""
    if lo >= hi or ctx.parse is None:
        return []
    p = ctx.parse
    lex = _lexicon()
    q0, q1 = sp.open, sp.outer_end
    qtok = _token_at(ctx, sp.start)
    i = bisect.bisect_left(ctx.tok_starts, lo)
    out: list[_Cue] = []

    # "He added, “…”", "X said on Monday: “…”": a lead-in that ends in a colon or comma
    lead_in = before and bool(re.search(r"[:,—–]\s*$", ctx.doc.text[max(lo, q0 - 4) : q0]))

    def dist_of(t: Any) -> int:
        return max(0, q0 - (int(t.idx) + len(t.text)) if before else int(t.idx) - q1)

    while i < len(p) and p[i].idx < hi:
        t = p[i]
        i += 1
        if t.lower_ == "according":
            o = _according_to(t)
            if o is not None:
                gov = _governs(t.head, qtok)
                d = dist_of(t)
                out.append(
                    _Cue(
                        "according to",
                        "according",
                        _speaker_from_token(ctx, o),
                        d,
                        d <= ADJACENT_BEFORE,
                        gov or d <= ADJACENT_BEFORE,
                    )
                )
            continue
        if t.lower_ in ("words", "view", "opinion") and any(
            x.lower_ in ("in", "to") for x in t.doc[max(0, t.i - 5) : t.i]
        ):
            o = _owner_of_noun(t)
            if o is not None:
                d = dist_of(t)
                out.append(_Cue("in the words of", "words", _speaker_from_token(ctx, o), d, True, True))
            continue
        if not _is_cue_verb(t):
            continue
        subj = _subject_of(t, q0, q1)
        spk = _speaker_from_token(ctx, subj) if subj is not None else None
        if spk is None:
            spk = _surface_speaker(ctx, t, lo, hi, not before)
        d = dist_of(t)
        if subj is not None and lo <= subj.idx < hi:
            d = min(d, dist_of(subj))
        lemma = t.lemma_.lower()
        adjacent = d <= ADJACENT_AFTER if not before else d <= 25 or (d <= ADJACENT_BEFORE and lead_in)
        gov = _governs(t, qtok) and lemma not in lex.adjacent_verbs
        out.append(_Cue(_cue_word(t), lemma, spk, d, adjacent, gov))
    out.sort(key=lambda c: c.dist)
    return out


def _surface_speaker(ctx: _Context, verb: Any, lo: int, hi: int, after: bool) -> _Speaker | None:
    """When the parse gives a cue no subject: the name next to it, read off the surface
    ("…,” Jane Doe, an adviser, said", "…,” said Doe, explaining …", "Jane Doe said: “…”")."""
    p = ctx.parse
    j = verb.i + 1  # "said Jane Doe" (not "told Jane Doe": her verb's object follows it)
    if j < len(p) and p[j].idx < hi and _capitalised(p[j]) and verb.lemma_.lower() not in _OBJECT_FIRST:
        return _speaker_from_run(ctx, j, hi)
    # "” Texas delegate Jane Doe, a …, said" (or before the quote: "Jane Doe, …, said:")
    i = bisect.bisect_left(ctx.tok_starts, lo)
    while i < verb.i and (p[i].is_punct or p[i].is_space):
        i += 1
    lead = after or not any(p[x].pos_ in ("VERB", "AUX") for x in range(i, verb.i))
    if lead and i < verb.i and p[i].idx - lo <= ADJACENT_AFTER:
        k = i
        while k < verb.i and p[k].text not in {",", "(", "—", "–", ";"}:
            k += 1
        # the last run of capitalised words before the first comma: "Band member Jane Doe"
        e = k - 1
        while e >= i and not _capitalised(p[e]):
            e -= 1
        b = e
        while b - 1 >= i and (_capitalised(p[b - 1]) or p[b - 1].text == "."):
            b -= 1
        if e >= i:
            return _speaker_from_run(ctx, b, p[e].idx + len(p[e].text))
    j = verb.i - 1  # "… Jane Doe said"
    while j >= 0 and p[j].idx >= lo and p[j].text in {",", "—", "–", "-"}:
        j -= 1
    if j >= 0 and p[j].idx >= lo and (p[j].pos_ == "PROPN" or p[j].ent_type_ in _PERSON):
        return _speaker_from_token(ctx, p[j])
    return None


def _capitalised(t: Any) -> bool:
    return bool(t.text[:1].isupper()) and not t.is_punct and t.lower_ not in _PRONOUNS and t.pos_ != "PRON"


def _speaker_from_run(ctx: _Context, i: int, hi: int) -> _Speaker | None:
    """The name made of the capitalised words starting at token ``i`` (initials and particles allowed)."""
    p = ctx.parse
    k = i
    while k + 1 < len(p) and p[k + 1].idx < hi and k - i < 6:
        nxt = p[k + 1]
        if (
            _capitalised(nxt)
            or (nxt.text == "." and len(p[k].text) <= 2)
            or (
                nxt.lower_ in ("de", "van", "von", "da", "al", "bin", "del", "la", "le")
                and k + 2 < len(p)
                and _capitalised(p[k + 2])
            )
        ):
            k += 1
        else:
            break
    while k > i and p[k].text == ".":
        k -= 1
    head = p[k]
    if k == i and not head.ent_type_ and (head.is_stop or head.pos_ in _CLOSED_CLASS):
        return None  # "In", "As", "Why": a sentence's first word, not a name
    ent = _entity_for(ctx, head.idx, head.idx + len(head.text))
    if ent is not None:
        return _Speaker(ent.name, ent.id, ent.type.upper() in _PERSON)
    name = _clean_name(ctx.doc.text[p[i].idx : head.idx + len(head.text)])
    if not name or _not_a_speaker(head):
        return None
    words = name.split()
    lex = _lexicon()
    person = (
        head.ent_type_ in _PERSON
        or words[0].lower() in lex.male
        or words[0].lower() in lex.female
        or words[-1].lower() in ctx.surname
    )
    return _Speaker(_canonical(ctx, name, person), None, person)


def _name_before(ctx: _Context, lo: int, hi: int) -> _Speaker | None:
    """Verbless lead-ins that end in a colon or comma: "And then X, “…”", "X on Twitter: “…”"."""
    text = ctx.doc.text
    j = hi
    while j > lo and text[j - 1].isspace():
        j -= 1
    if j <= lo or text[j - 1] not in ":,—–-":
        return None
    p = ctx.parse
    i0 = bisect.bisect_left(ctx.tok_starts, lo)
    toks = []
    for k in range(i0, len(p)):
        if p[k].idx >= j - 1:
            break
        toks.append(p[k])
        if len(toks) > 12:
            return None
    if not toks or any(t.pos_ in ("VERB", "AUX") for t in toks):
        return None
    for t in toks:
        if t.ent_type_ in _PERSON or t.ent_type_ in _ORGLIKE or t.pos_ == "PROPN":
            k = t.i
            while (
                k + 1 < len(p)
                and p[k + 1].idx < j - 1
                and (p[k + 1].ent_iob_ == "I" or p[k + 1].pos_ == "PROPN")
            ):
                k += 1
            return _speaker_from_token(ctx, p[k])
    return None


def _name_after_dash(ctx: _Context, lo: int, hi: int) -> _Speaker | None:
    """A signature after the quote: "“…” — Jane Doe", "“…” ― Jane Doe, a reader"."""
    text = ctx.doc.text
    m = re.match(r"[ \t]*[-–—―]+[ \t]*(?=\w)", text[lo : min(hi, lo + 8)])
    if m is None:
        return None
    p = ctx.parse
    i = bisect.bisect_left(ctx.tok_starts, lo + m.end())
    if i >= len(p) or not (p[i].pos_ == "PROPN" or p[i].ent_type_ in _PERSON or p[i].ent_type_ in _ORGLIKE):
        return None
    k = i
    while k + 1 < len(p) and p[k + 1].idx < hi and (p[k + 1].pos_ == "PROPN" or p[k + 1].ent_iob_ == "I"):
        k += 1
    return _speaker_from_token(ctx, p[k])


# ---------------------------------------------------------------------------------------------------
# Attribution


@dataclass(slots=True)
class _Attribution:
    speaker: _Speaker | None
    cue: str | None


_TITLE_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SMALL = frozenset(
    {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from", "is"}
)


def _is_title_like(text: str) -> bool:
    """A quoted name or title: “Fox News Sunday”, “The Art of the Deal.”, “Trainwreck”."""
    words = _TITLE_WORD.findall(text[:400])
    if not 1 <= len(words) <= 9 or any(c in text for c in ";!?"):
        return False
    return words[0][0].isupper() and all(
        w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL for w in words
    )


def _sentence_start(ctx: _Context, pos: int, floor: int) -> int:
    i = bisect.bisect_right(ctx.sent_starts, pos) - 1
    s = ctx.sent_starts[i] if i >= 0 else floor
    return max(s, floor, pos - WINDOW)


def _sentence_end(ctx: _Context, pos: int, ceil: int) -> int:
    i = bisect.bisect_right(ctx.sent_starts, pos)
    e = ctx.sent_starts[i] if i < len(ctx.sent_starts) else ceil
    return min(e, ceil, pos + WINDOW)


def _words(s: str) -> int:
    return len(re.findall(r"[^\W_]+", s))


def _attribute(ctx: _Context, k: int, prev: _Attribution | None) -> _Attribution:
    sp = ctx.spans[k]
    if ctx.parse is None:
        return _Attribution(None, None)
    text = ctx.doc.text
    content = text[sp.start : sp.end]
    prev_span = ctx.spans[k - 1] if k > 0 else None
    nxt_span = ctx.spans[k + 1] if k + 1 < len(ctx.spans) else None
    same_prev = prev_span is not None and prev_span.line == sp.line
    floor = prev_span.outer_end if prev_span is not None and same_prev else sp.line_start
    ceil = nxt_span.open if nxt_span is not None and nxt_span.line == sp.line else sp.line_end
    b0 = _sentence_start(ctx, sp.open, floor)
    before_text = text[b0 : sp.open]
    # the attribution after a quote runs to the next sentence start, not counting one right at the mark
    # ("“…!” Jane Doe replied." has one there when the quote ends in ! or ?)
    a1 = (
        _sentence_end(ctx, _next_word_end(text, sp.outer_end, ceil), ceil)
        if sp.close is not None
        else sp.outer_end
    )
    starts_sentence = _words(before_text) == 0 or bool(_CONJUNCTION.fullmatch(before_text))
    inner = text[sp.start : sp.close if sp.close is not None else sp.end].rstrip(_CLOSERS)
    ends_sentence = inner[-1:] in _TERMINAL
    colon = before_text.rstrip().endswith(":")

    if colon:  # "X said on Monday: “…”", "More from X: “…”", "X: ‘…’" (a headline)
        intro = _colon_intro(ctx, b0, sp.open, sp)
        if intro is not None:
            return intro
    lead_in = bool(re.search(r"[:,—–]\s*$", before_text[-4:])) or _cue_right_before(ctx, b0, sp.open)
    if _is_title_like(content) and not starts_sentence and not (lead_in and _words(content) == 1):
        return _Attribution(None, None)
    after = _cues_in(ctx, sp.outer_end, a1, sp, False)
    if ends_sentence and _starts_upper(text[sp.outer_end : a1]):
        after = [c for c in after if c.adjacent]  # “…” Smith said. — not a new sentence's own cue
    before = _cues_in(ctx, b0, sp.open, sp, True)
    valid = [c for c in before + after if c.speaker is not None and (c.adjacent or c.governs)]
    if not starts_sentence and not lead_in and _words(content) <= SCARE_WORDS:
        # a word or two inside a sentence is a scare quote unless a plain speech verb governs it
        valid = [c for c in valid if c.governs and c.lemma in _PLAIN_SPEECH]
    adjacent_after = [c for c in after if c in valid and c.adjacent]
    adjacent_before = [c for c in before if c in valid and c.adjacent]
    if not adjacent_after:
        signed = _name_after_dash(ctx, sp.outer_end, a1)
        if signed is not None:
            return _Attribution(signed, None)
    ranked = adjacent_after or adjacent_before or sorted(valid, key=lambda c: c.dist)
    pick = ranked[0] if ranked else None
    if pick is not None and pick.speaker is not None:
        return _Attribution(None if pick.speaker.joint else pick.speaker, pick.word)
    lead = _name_before(ctx, b0, sp.open)
    if lead is not None:
        return _Attribution(lead, None)
    if not starts_sentence:
        return _Attribution(None, None)
    # a quote that goes on from the previous one: "“A,” X said. “B.”", or in the next paragraph
    if prev is not None and prev.speaker is not None and prev_span is not None:
        ok = same_prev or (sp.continued and prev_span.line == sp.line - 1)
        if not ok and prev_span.line >= sp.line - CONTINUE_LINES and _opens_line(ctx, sp):
            ok = _scope(ctx, prev_span.open) == _scope(ctx, sp.open) and _quiet_since(
                ctx, prev_span, sp, prev
            )
        if ok:
            return _Attribution(prev.speaker, prev.cue)
    if _opens_line(ctx, sp):
        intro = _intro_from_previous_paragraph(ctx, sp)
        if intro is not None:
            return intro
    return _Attribution(None, None)


_CONJUNCTION = re.compile(r"\W*(?:and|but|so|or|then|and then)\W*", re.I)
_PLAIN_SPEECH = frozenset({"say", "call", "describe", "tell", "write", "label", "dub", "term", "brand"})
SCARE_WORDS = 2  # quoted fragments this short inside a sentence are someone's words only with a lead-in
CONTINUE_LINES = 2  # a free-standing quote paragraph continues a speaker quoted this many paragraphs up


def _cue_right_before(ctx: _Context, lo: int, pos: int) -> bool:
    """`says ‘…’`, `said “…”`: a speech verb right before the mark makes even one word someone's words."""
    i = bisect.bisect_left(ctx.tok_starts, pos) - 1
    if i < 0 or ctx.parse[i].idx < lo:
        return False
    t = ctx.parse[i]
    return _is_cue_verb(t) and t.lemma_.lower() not in _lexicon().adjacent_verbs


def _next_word_end(text: str, pos: int, ceil: int) -> int:
    m = _WORD_RE.search(text, pos, min(ceil, pos + 80))
    return m.end() if m is not None else pos


_WORD_RE = re.compile(r"[^\W_]+")


def _starts_upper(after: str) -> bool:
    m = re.match(r"\s*(\S)", after)
    return m is not None and m.group(1).isupper()


def _opens_line(ctx: _Context, sp: _Span) -> bool:
    return sp.open <= _first_non_space(ctx.doc.text, sp.line_start) + 1


def _quiet_since(ctx: _Context, a: _Span, b: _Span, prev: _Attribution) -> bool:
    """Nobody else named between two quotes (outside quotes), so the second may continue the first."""
    if b.open - a.outer_end > LOOKBACK:
        return False
    i = bisect.bisect_left(ctx.mention_starts, a.outer_end)
    name = prev.speaker.name if prev.speaker is not None else None
    while i < len(ctx.mentions) and ctx.mentions[i].start < b.open:
        m = ctx.mentions[i]
        if m.person and m.name != name:
            return False
        i += 1
    return True


def _colon_intro(ctx: _Context, lo: int, hi: int, sp: _Span) -> _Attribution | None:
    """The speaker of a lead-in that ends in a colon: any cue in it, else the name just before the colon."""
    for c in _cues_in(ctx, lo, hi, sp, True):
        if c.speaker is not None:
            return _Attribution(None if c.speaker.joint else c.speaker, c.word)
    text = ctx.doc.text
    j = text.rindex(":", lo, hi)
    p = ctx.parse
    i = bisect.bisect_left(ctx.tok_starts, j) - 1
    if i < 0 or p[i].idx < lo:
        return None
    t = p[i]
    if t.pos_ == "PROPN" or t.ent_type_ in _PERSON or t.ent_type_ in _ORGLIKE:
        sp2 = _speaker_from_token(ctx, t)
        if sp2 is not None and not sp2.joint:
            return _Attribution(sp2, ":")
    # "From the report:", "More from Jones:"
    k = i
    while k > 0 and p[k].idx >= lo and i - k < 6:
        if p[k].lower_ == "from" and k < i:
            sp2 = _speaker_from_token(ctx, p[i])
            if sp2 is not None and not sp2.joint:
                return _Attribution(sp2, ":")
            break
        k -= 1
    # "X makes the case: “…”", "Y resisted: “…”": the lead-in's subject, when it names someone
    k = i
    while k >= 0 and p[k].idx >= lo:
        t = p[k]
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" and t.head.i > t.i:
            sp2 = _speaker_from_token(ctx, t)
            if sp2 is not None and not sp2.joint and sp2.resolved:
                return _Attribution(sp2, ":")
            break
        k -= 1
    return None


def _intro_from_previous_paragraph(ctx: _Context, sp: _Span) -> _Attribution | None:
    """A free-standing quote paragraph: introduced by "X said:" closing the previous paragraph, or said by
    the person the previous paragraph is about (its latest person subject)."""
    text = ctx.doc.text
    j = sp.line_start - 1
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j <= 0 or sp.line_start - j > 10:
        return None
    lo = max(text.rfind("\n", max(0, j - WINDOW), j) + 1, j - WINDOW)
    if _scope(ctx, lo) != _scope(ctx, sp.open):
        return None
    if text[j - 1] == ":":
        return _colon_intro(ctx, _sentence_start(ctx, j - 1, lo), j, sp)
    i = bisect.bisect_left(ctx.mention_starts, j)
    for k in range(i - 1, max(-1, i - 12), -1):
        m = ctx.mentions[k]
        if m.start < lo:
            break
        if m.person and m.subject:
            return _Attribution(_Speaker(m.name, m.entity, True), None)
    return None


def _split_unclosed(ctx: _Context, sp: _Span) -> None:
    """An unclosed quote that carries its own attribution (", he noted…") ends before it."""
    if sp.close is not None or sp.continues or ctx.parse is None:
        return
    text = ctx.doc.text
    for m in re.finditer(r"[,.…]\s+(?=\S)", text[sp.start : sp.end]):
        cut = sp.start + m.start()
        t = _token_at(ctx, sp.start + m.end())
        if t is None or t.idx != sp.start + m.end() or t.i + 1 >= len(t.doc):
            continue
        nxt = t.doc[t.i + 1]
        after = nxt.idx + len(nxt.text)
        if (
            (t.lower_ in _PRONOUNS or t.pos_ == "PROPN")
            and _is_cue_verb(nxt)
            and (after >= sp.end - 3 or text[after] in ".,…;:")
        ):
            sp.end = cut + (1 if text[cut] in ".…" else 0)
            sp.close, sp.close_len = sp.end, 0
            return


def find_quotes(doc: Document) -> list[Quote]:
    """All quotes of ``doc`` with their speakers (the body of the ``quotes`` stage)."""
    spans = find_quote_spans(doc.text)
    ctx = _build_context(doc, spans)
    for sp in spans:
        _split_unclosed(ctx, sp)
    out: list[Quote] = []
    prev: _Attribution | None = None
    for k, sp in enumerate(spans):
        att = _attribute(ctx, k, prev)
        spk = att.speaker
        if spk is not None:
            ctx.spoken.append((sp.open, spk))
        out.append(
            Quote(
                sp.start,
                sp.end,
                doc.text[sp.start : sp.end],
                spk.name if spk else None,
                spk.entity if spk else None,
                att.cue if spk else None,
            )
        )
        prev = att
    return out


@stage("quotes", needs={"parse", "layers"}, adds={"quotes"})
def attribute_quotes(doc: Document) -> Document:
    """Add the page's direct quotes with their speakers (the rules are in the module docstring)."""
    return doc.with_annotations("quotes", quotes=tuple(find_quotes(doc)))
