"""Benchmark: story clustering on ECB+ (train, dev) and BASIL, against TF-IDF + agglomerative clustering.

    .venv/bin/python benchmarks/stories.py                    # quality table, streamed (5 seeds) and batch
    .venv/bin/python benchmarks/stories.py --train            # refit src/newstrace/data/story_model.json
    .venv/bin/python benchmarks/stories.py --scale 100000     # assignment rate with 100,000 stories held
    .venv/bin/python benchmarks/stories.py --store            # also run `newstrace ingest` + `stories` (CLI)

Every number comes from the shared scorer (``../shared/tools/cluster_eval.py``, imported): its gold
sets, its shuffles and opaque ids (``d0000``…; ECB+ file names and BASIL uuids carry the label), its
B-cubed and pairwise metrics. Pages go through what ``newstrace ingest`` does to a JSON Lines record (the
JSONL reader, then the default analysis pipeline) and then straight to the clusterer, so the store is
skipped but nothing else; ``--store`` runs the real commands through the scorer as a check.

Modes:
- *stream*: pages arrive one by one in the scorer's shuffled order (``--seeds`` seeds), IDF learnt online.
  BASIL is also streamed in publication order (shuffled ties), the order ``update_stories`` uses.
- *batch*: IDF counted over the whole set first, the same assignment, then a last regrouping pass.
- *baseline*: TF-IDF (sublinear tf, English stop words) + agglomerative clustering (scikit-learn, cosine),
  linkage and distance threshold tuned on ECB+ train (B-cubed F1), applied unchanged to dev and BASIL.

Training (``--train``): logistic regression on every page pair of ECB+ train (two shuffles, online IDF as
in a stream), then the two bars (``join``, ``group``) by grid search on ECB+ train B-cubed F1 (3 seeds).
The time prior (``log_gap`` weight, ``window_days``) is not learnt: ECB+ train has almost no events of
one topic close in time (its two look-alike events are years apart, and its gold events include
follow-ups weeks later), so it has no signal for it; it is set by hand and the table shows the
sensitivity (``--time-sweep``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import importlib.util
import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one core for the timings
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

from newstrace.stories import features as F  # noqa: E402
from newstrace.stories.cluster import FEATURE_NAMES, Model, StoryClusterer, pair_features  # noqa: E402
from newstrace.stories.update import assignment_order  # noqa: E402

DEFAULT_TOOLS = ROOT.parent / "shared" / "tools"
MODEL_PATH = ROOT / "src" / "newstrace" / "data" / "story_model.json"
# The time prior, set by hand (see the module docstring): no time term within 3 days of a story's dates
# (publication lag), then -1 logit per e-fold of the gap; a page over a year from a story never joins it.
TIME_PRIOR = {"log_gap": -1.0, "window_days": 365, "grace_days": 3}


def load_scorer(tools: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("cluster_eval", tools / "cluster_eval.py")
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load {tools / 'cluster_eval.py'}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["cluster_eval"] = mod
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------------------ analysis


def _key(rec: dict[str, Any]) -> str:
    h = hashlib.sha1()
    for k in ("text", "title", "published"):
        h.update(str(rec.get(k) or "").encode("utf-8", "surrogatepass") + b"\x00")
    return h.hexdigest()


class Analyses:
    """Analysed pages (``newstrace.document/1`` JSON) by content, cached on disk: the pipeline is slow."""

    def __init__(self, cache: Path, workers: int) -> None:
        self.path = cache / "analyses.jsonl"
        self.workers = workers
        self.data: dict[str, dict[str, Any]] = {}
        self.feats: dict[str, F.DocumentFeatures] = {}
        cache.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            for line in self.path.open(encoding="utf-8"):
                if line.strip():
                    d = json.loads(line)
                    self.data[d["id"]] = d

    def ensure(self, docs: Sequence[Any], ce: ModuleType) -> None:
        from newstrace.ingest import read_paths
        from newstrace.run.local import analyze_stream

        todo: dict[str, dict[str, Any]] = {}
        for d in docs:
            rec = d.record(True, False)
            k = _key(rec)
            if k not in self.data:
                todo[k] = {**rec, "id": k}  # the id the analysis sees is a content hash: no gold label
        if not todo:
            return
        print(f"analysing {len(todo)} pages (cached in {self.path}) …", file=sys.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            inp = Path(tmp) / "in.jsonl"
            inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in todo.values()))
            with self.path.open("a", encoding="utf-8") as out:
                for doc in analyze_stream(read_paths([str(inp)], "jsonl"), self.workers):
                    if isinstance(doc, Exception):
                        raise SystemExit(f"analysis failed: {doc}")
                    j = doc.to_json()
                    self.data[j["id"]] = j
                    out.write(json.dumps(j, ensure_ascii=False) + "\n")

    def features(self, docs: Sequence[Any]) -> list[F.DocumentFeatures]:
        """Features of ``docs`` under their opaque ids (embeddings computed once per page)."""
        keys = [_key(d.record(True, False)) for d in docs]
        missing = [k for k in dict.fromkeys(keys) if k not in self.feats]
        for k, f in zip(missing, F.extract_many([self.data[k] for k in missing]), strict=True):
            self.feats[k] = f
        out = []
        for d, k in zip(docs, keys, strict=True):
            f = self.feats[k]
            out.append(F.DocumentFeatures(d.id, f.counts, f.embedding, f.lead_embedding, f.date, f.title))
        return out


# ------------------------------------------------------------------------------------------ running


def run_stream(feats: Sequence[F.DocumentFeatures], model: Model) -> tuple[list[list[str]], float]:
    c = StoryClusterer(model)
    t0 = time.perf_counter()
    for f in feats:
        c.add_features(f)
    return list(c.story_documents().values()), time.perf_counter() - t0


def run_batch(feats: Sequence[F.DocumentFeatures], model: Model) -> list[list[str]]:
    space = F.FeatureSpace()
    vecs = F.vectors(feats, space, batch=True)
    c = StoryClusterer(model, space)
    for v in vecs:
        c.add(v)
    c.refine()
    return list(c.story_documents().values())


def pub_order(feats: Sequence[F.DocumentFeatures]) -> list[F.DocumentFeatures]:
    """The order ``update_stories`` assigns pages in (publication order; see ``assignment_order``)."""
    dates = [None if f.date is None else dt.date.fromordinal(f.date).isoformat() for f in feats]
    return [feats[i] for i in assignment_order(dates)]


def baseline_clusters(docs: Sequence[Any], linkage: str, threshold: float) -> list[list[str]]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [(d.title or "") + "\n" + d.text for d in docs]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    labels = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="cosine", linkage=linkage
    ).fit_predict(x)
    groups: dict[int, list[str]] = {}
    for d, lab in zip(docs, labels, strict=True):
        groups.setdefault(int(lab), []).append(d.id)
    return list(groups.values())


def tune_baseline(ce: ModuleType, train: Sequence[Any]) -> tuple[str, float, float]:
    best = ("average", 0.5, -1.0)
    for linkage in ("average", "complete", "single"):
        for thr in np.arange(0.30, 1.0, 0.025):
            f1 = ce.evaluate(train, baseline_clusters(train, linkage, float(thr)))["event"]["b3"]["f1"]
            if f1 > best[2]:
                best = (linkage, float(thr), f1)
    return best


def scores(ce: ModuleType, docs: Sequence[Any], clusters: list[list[str]]) -> dict[str, float]:
    ev = ce.evaluate(docs, clusters)["event"]
    return {
        "b3P": ev["b3"]["p"],
        "b3R": ev["b3"]["r"],
        "b3F1": ev["b3"]["f1"],
        "pairP": ev["pair"]["p"],
        "pairR": ev["pair"]["r"],
        "pairF1": ev["pair"]["f1"],
        "stories": ev["pred_clusters"],
    }


def mean_sd(rows: Sequence[dict[str, float]], key: str) -> str:
    xs = [r[key] for r in rows]
    if len(xs) == 1:
        return f"{xs[0]:.3f}"
    return f"{statistics.mean(xs):.3f}±{statistics.pstdev(xs):.3f}"


# ------------------------------------------------------------------------------------------ training


def train(ce: ModuleType, an: Analyses, out: Path) -> Model:
    """Fit the pair model on ECB+ train, pick the bars on ECB+ train, write the model file."""
    from sklearn.linear_model import LogisticRegression

    names = [n for n in FEATURE_NAMES if n != "log_gap"]
    xs: list[list[float]] = []
    ys: list[bool] = []
    for seed in (0, 1):
        docs = ce.load_set("ecbplus-train", seed)
        an.ensure(docs, ce)
        vecs = F.vectors(an.features(docs))
        for i, j in itertools.combinations(range(len(vecs)), 2):
            xs.append(pair_features(vecs[i], vecs[j])[: len(names)])
            ys.append(docs[i].event == docs[j].event)
    x, y = np.array(xs), np.array(ys)
    # two fits: every pair; and only the pairs near the decision region of the first fit (the pairs that
    # candidate retrieval actually puts in front of the model). The better one on ECB+ train is kept.
    first = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
    near = first.decision_function(x) >= -6.0
    second = LogisticRegression(C=1.0, max_iter=5000).fit(x[near], y[near])
    # the bars are chosen for both arrival orders: the scorer's shuffles and publication order (what
    # update_stories does with the same shuffled ingest), so they do not fit one order by luck
    train_sets = [ce.load_set("ecbplus-train", s) for s in (0, 1, 2)]
    train_feats = [an.features(d) for d in train_sets]
    train_sets += train_sets
    train_feats += [pub_order(f) for f in train_feats]
    best: tuple[float, dict[str, Any]] = (-1.0, {})
    for label, lr, n_pairs in (("all pairs", first, len(y)), ("near pairs", second, int(near.sum()))):
        weights = {n: round(float(w), 4) for n, w in zip(names, lr.coef_[0], strict=True)}
        weights["log_gap"] = TIME_PRIOR["log_gap"]
        base = {
            "weights": weights,
            "bias": round(float(lr.intercept_[0]), 4),
            "window_days": TIME_PRIOR["window_days"],
            "grace_days": TIME_PRIOR["grace_days"],
        }
        for join in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0):
            for group in (-2.0, -1.5, -1.0, -0.5, 0.0):
                m = Model.from_json({**base, "join": join, "group": group})
                f1 = statistics.mean(
                    scores(ce, d, run_stream(f, m)[0])["b3F1"]
                    for d, f in zip(train_sets, train_feats, strict=True)
                )
                print(
                    f"  {label}: join={join:+.1f} group={group:+.1f}  ECB+ train B-cubed F1 {f1:.4f}",
                    file=sys.stderr,
                )
                if f1 > best[0]:
                    prov = (
                        f"logistic regression (C=1) on {n_pairs} page pairs of ECB+ train ({label}; "
                        "2 shuffles, online IDF); join/group bars by grid search on ECB+ train B-cubed F1 "
                        "over 3 shuffles, each streamed as shuffled and in publication order "
                        f"({f1:.4f}); time prior (log_gap, grace_days, window_days) set by hand: "
                        "no signal in ECB+ train. "
                        "Refit: benchmarks/stories.py --train"
                    )
                    best = (f1, {**base, "join": join, "group": group, "provenance": prov})
    model = Model.from_json(best[1])
    out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}: {model.provenance}", file=sys.stderr)
    return model


# ------------------------------------------------------------------------------------------ scale


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale(n_stories: int, probe: int, seed: int = 0) -> dict[str, Any]:
    """Hold ``n_stories`` synthetic stories, then time the assignment of ``probe`` more pages, one core.

    A synthetic page has 150 words drawn from a Zipf law over 50,000 words (shared by all stories, as
    common words are), ten words and three names of its own story, five numbers, a year, a random unit
    embedding and a date within ten years. A quarter of the timed pages are follow-ups of held stories
    (their words and names, new common words, a day later), the rest open new stories. Timing covers
    vectorising (online IDF) and assignment, not text analysis.
    """
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(50_000)]
    cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(vocab))))
    base_day = 733_000
    story_of: dict[str, int] = {}

    def page(i: int, story: int, day: int) -> F.DocumentFeatures:
        terms = F.Counter(rng.choices(vocab, cum_weights=cum, k=150))
        terms.update({f"s{story}t{k}": 1 + k % 3 for k in range(10)})
        people = F.Counter({f"person {story}": 3})
        ents = F.Counter({f"person {story}": 3, f"place {story}": 2, f"org {story}": 1})
        counts = {
            "term": terms,
            "lead": F.Counter(dict(list(terms.items())[:25])),
            "head": F.Counter(dict(list(terms.items())[:8])),
            "name": F.Counter(ents),
            "ent": ents,
            "person": people,
            "lead_person": F.Counter(people),
            "number": F.Counter({str(rng.randint(2, 10**6)): 1 for _ in range(5)}),
            "year": F.Counter({str(2010 + (day - base_day) // 365): 1}),
        }
        emb = np.asarray([rng.gauss(0.0, 1.0) for _ in range(F.EMBED_DIM)], dtype=np.float32)
        emb /= float(np.linalg.norm(emb)) or 1.0
        story_of[f"p{i}"] = story
        return F.DocumentFeatures(f"p{i}", counts, emb, emb, day, f"story {story}")

    print(f"building {n_stories} synthetic stories …", file=sys.stderr)
    held = [page(i, i, base_day + rng.randint(0, 3650)) for i in range(n_stories)]
    held.sort(key=lambda f: f.date or 0)
    c = StoryClusterer()
    t0 = time.perf_counter()
    for k, f in enumerate(held):
        c.add_features(f)
        if k and k % 20000 == 0:
            print(f"  {k} held ({k / (time.perf_counter() - t0):.0f} docs/s)", file=sys.stderr)
    fill_s = time.perf_counter() - t0
    stories_held = len(c.stories)
    probes = []
    for k in range(probe):
        i = n_stories + k
        if k % 4 == 0:
            old = rng.choice(held)
            probes.append(page(i, story_of[old.id], (old.date or base_day) + 1))
        else:
            probes.append(page(i, i, base_day + rng.randint(0, 3650)))
    probes.sort(key=lambda f: f.date or 0)
    gc.collect()
    t0 = time.perf_counter()
    right = 0
    for f in probes:
        a = c.add_features(f)
        if story_of[f.id] < n_stories:  # a follow-up: did it find its story?
            right += int(c.story_of(f.id) == c.story_of(f"p{story_of[f.id]}"))
        else:
            right += int(a.new_story)
    secs = time.perf_counter() - t0
    return {
        "stories_held": stories_held,
        "fill_docs_per_s": n_stories / fill_s,
        "probe_pages": probe,
        "probe_docs_per_s": probe / secs,
        "probe_correct": right,
        "max_rss_mb": _rss_mb(),
    }


# ------------------------------------------------------------------------------------------ main


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tools-dir", type=Path, default=DEFAULT_TOOLS)
    ap.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: the scorer's)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "newstrace-stories-bench")
    ap.add_argument("--workers", type=int, default=2, help="analysis worker processes")
    ap.add_argument("--seeds", type=int, default=5, help="shuffled stream orders per set")
    ap.add_argument(
        "--train", action="store_true", help=f"refit {MODEL_PATH.name} on ECB+ train, then evaluate"
    )
    ap.add_argument("--scale", type=int, default=0, metavar="N", help="assignment rate with N stories held")
    ap.add_argument("--probe", type=int, default=2000, help="pages timed in --scale")
    ap.add_argument(
        "--store", action="store_true", help="also run `newstrace ingest` + `stories` via the scorer"
    )
    ap.add_argument("--store-seeds", type=int, default=3, help="input orders run through the CLI in --store")
    ap.add_argument("--time-sweep", action="store_true", help="also show the time prior's sensitivity")
    ap.add_argument("--json", type=Path, help="write every number here")
    a = ap.parse_args(argv)

    if a.scale:
        res = scale(a.scale, a.probe)
        print(
            f"scale: {res['stories_held']} stories held; {res['probe_pages']} pages assigned at "
            f"{res['probe_docs_per_s']:.0f} docs/s on one core ({res['probe_correct']} of them placed right: "
            "follow-ups in their story, the rest new); "
            f"filling ran at {res['fill_docs_per_s']:.0f} docs/s; max RSS {res['max_rss_mb']:.0f} MB"
        )
        if a.json:
            a.json.write_text(json.dumps(res, indent=1))
        return 0

    ce = load_scorer(a.tools_dir)
    ce.PROJECT = ROOT  # the scorer runs `newstrace` from this checkout's .venv
    if a.data_dir:
        ce.DATA = a.data_dir
    an = Analyses(a.cache, a.workers)
    sets = {
        name: [ce.load_set(name, s) for s in range(a.seeds)]
        for name in ("ecbplus-train", "ecbplus-dev", "basil")
    }
    for runs in sets.values():
        an.ensure(runs[0], ce)
    model = train(ce, an, MODEL_PATH) if a.train else Model.default()
    print(
        f"model: join={model.join} group={model.group} window_days={model.window_days} "
        f"log_gap={model.w('log_gap')}",
        file=sys.stderr,
    )

    results: dict[str, Any] = {"model": model.to_json(), "sets": {}}
    lines = [
        f"{'set':<14} {'mode':<22} {'b3P':>11} {'b3R':>11} {'b3F1':>11} {'pairP':>11} {'pairR':>11} "
        f"{'pairF1':>11}"
    ]

    def row(name: str, mode: str, rs: list[dict[str, float]]) -> None:
        results["sets"].setdefault(name, {})[mode] = rs
        lines.append(
            f"{name:<14} {mode:<22} "
            + " ".join(f"{mean_sd(rs, k):>11}" for k in ("b3P", "b3R", "b3F1", "pairP", "pairR", "pairF1"))
        )

    linkage, thr, base_train = tune_baseline(ce, sets["ecbplus-train"][0])
    print(
        f"baseline tuned on ECB+ train: linkage={linkage} threshold={thr:.3f} (B-cubed F1 {base_train:.3f})",
        file=sys.stderr,
    )
    rates = []
    for name, runs in sets.items():
        stream_rs, pub_rs = [], []
        for docs in runs:
            feats = an.features(docs)
            clusters, secs = run_stream(feats, model)
            rates.append(len(docs) / secs)
            stream_rs.append(scores(ce, docs, clusters))
            pub_rs.append(scores(ce, docs, run_stream(pub_order(feats), model)[0]))
        row(name, f"stream x{len(runs)}", stream_rs)
        row(name, f"stream pub-order x{len(runs)}", pub_rs)
        row(name, "batch", [scores(ce, runs[0], run_batch(an.features(runs[0]), model))])
        row(name, "baseline (tuned train)", [scores(ce, runs[0], baseline_clusters(runs[0], linkage, thr))])
    if a.time_sweep:
        sweep = (
            (0.0, 0, 3650),
            (-0.75, 0, 365),
            (-0.75, 2, 365),
            (-1.0, 3, 365),
            (-1.5, 3, 365),
            (0.0, 0, 7),
        )
        for lg, grace, win in sweep:
            m = Model.from_json(
                {
                    **model.to_json(),
                    "weights": {**model.weights, "log_gap": lg},
                    "window_days": win,
                    "grace_days": grace,
                }
            )
            for name in ("ecbplus-train", "ecbplus-dev", "basil"):
                rs = [scores(ce, d, run_stream(an.features(d), m)[0]) for d in sets[name]]
                row(name, f"time {lg:+.2f}/{grace}d/{win}d", rs)
    print("\n".join(lines))
    print(f"stream assignment rate on these sets (features precomputed): {statistics.mean(rates):.0f} docs/s")
    results["stream_docs_per_s"] = statistics.mean(rates)
    t0 = time.perf_counter()
    sample = [an.data[_key(d.record(True, False))] for d in sets["basil"][0][:100]]
    F.extract_many(sample)
    feat_rate = len(sample) / (time.perf_counter() - t0)
    print(f"feature extraction (terms, names, embeddings) on BASIL pages: {feat_rate:.0f} docs/s")
    results["features_docs_per_s"] = feat_rate
    if a.store:
        # The real commands, as an independent evaluation runs them: `newstrace ingest` (which brings the
        # stories up to date) then `newstrace stories --json`, on several shuffled input orders.
        for name in ("ecbplus-dev", "basil"):
            cli_rs = []
            for seed in range(a.store_seeds):
                docs = ce.load_set(name, seed)
                out, timings = ce.run_pipeline(
                    docs,
                    "newstrace ingest {input} --db {db} --quiet",
                    "newstrace stories --db {db} --json --brief",
                )
                got = scores(ce, docs, ce.parse_stories(out))
                print(f"{name} CLI seed={seed}: b3F1={got['b3F1']:.3f} {timings}", file=sys.stderr)
                cli_rs.append(got)
            row(name, f"CLI ingest+stories x{len(cli_rs)}", cli_rs)
            results.setdefault("cli", {})[name] = cli_rs
        print("\n".join(lines[-2:]))
    if a.json:
        a.json.write_text(json.dumps(results, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
