"""The online clusterer: two events make two stories, every assignment explains itself, state persists."""

from __future__ import annotations

import random
from collections import Counter

from newstrace.model import Document
from newstrace.stories import features as F
from newstrace.stories.cluster import Model, StoryClusterer

from .conftest import records


def _feats(recs: list[dict[str, object]]) -> list[F.DocumentFeatures]:
    docs = [
        Document(id=str(r["id"]), text=str(r["text"]), title=str(r["title"]), published=str(r["published"]))
        for r in recs
    ]
    return F.extract_many(docs)


def _groups(c: StoryClusterer) -> set[frozenset[str]]:
    return {frozenset(d) for d in c.story_documents().values()}


def test_two_events_make_two_stories_in_any_order() -> None:
    feats = _feats(records())
    want = {frozenset(f"fire-{k}" for k in range(3)), frozenset(f"vote-{k}" for k in range(3))}
    for seed in range(4):
        order = feats[:]
        random.Random(seed).shuffle(order)
        c = StoryClusterer()
        for f in order:
            c.add_features(f)
        assert _groups(c) == want


def test_assignment_explains_itself() -> None:
    c = StoryClusterer()
    out = [c.add_features(f) for f in _feats(records())]
    first, second = out[0], out[1]
    assert first.new_story and first.score is None
    assert not second.new_story and second.story == first.story and second.level in ("thread", "story")
    expl = second.explanation()
    assert expl["score"] is not None and expl["with"] == ["fire-0"]
    assert "kirkstall" in expl["entities"] or "kirkstall" in " ".join(expl["terms"])
    assert expl["time_gap_days"] in (0, 1)


def test_state_round_trip_continues_like_an_uninterrupted_run() -> None:
    feats = _feats(records())
    whole = StoryClusterer()
    for f in feats:
        whole.add_features(f)
    part = StoryClusterer()
    for f in feats[:4]:
        part.add_features(f)
    resumed = StoryClusterer.from_bytes(part.to_bytes())
    for f in feats[4:]:
        resumed.add_features(f)
    assert whole.story_documents() == resumed.story_documents()
    assert resumed.space.n == whole.space.n


def test_same_text_years_apart_is_two_stories() -> None:
    r = records()[0]
    feats = _feats([{**r, "id": "a", "published": "2015-01-01"}, {**r, "id": "b", "published": "2018-01-01"}])
    c = StoryClusterer()
    for f in feats:
        c.add_features(f)
    assert len(c.stories) == 2


def test_copied_page_joins_its_origin() -> None:
    feats = _feats(records())
    c = StoryClusterer()
    c.add_features(feats[0])
    a = c.add_features(feats[3], copies_of=["fire-0"])  # unrelated text, but it copies fire-0
    assert a.story == c.story_of("fire-0")


def test_candidates_stay_bounded_as_stories_grow() -> None:
    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(3000)]
    model = Model.default()
    c = StoryClusterer(model)
    most = 0
    for i in range(1500):
        words = Counter(rng.choices(vocab, k=60))
        counts = {ch: Counter() for ch in F.CHANNELS}
        counts["term"] = words
        counts["ent"] = Counter(f"e{rng.randrange(200)}" for _ in range(2))
        a = c.add_features(F.DocumentFeatures(f"p{i}", counts, None, None, 735000 + i // 50))
        most = max(most, a.candidates)
    assert most <= model.max_candidates
    assert max(len(p) for p in c.postings.values()) <= model.posting_cap
