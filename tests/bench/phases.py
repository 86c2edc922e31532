"""The benchmark's measurements, each run in a fresh process by :mod:`tests.bench.run`.

A fresh process per phase gives each its own peak resident memory (the
service's memory at that size, not the benchmark's) and a cold start like a
real run. Each function takes and returns plain JSON-able values.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import combinations, islice
from pathlib import Path

from digest.config import Config, load_config
from digest.ingest.features import shingle_words, shingles
from digest.ingest.sources.folder import scan_folders
from digest.jobs import IngestReport, Pipeline, open_pipeline
from tests.bench.corpus import END

NOW = END + timedelta(hours=6)


def clock() -> datetime:
    return NOW


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MiB.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the
    forking parent through exec, so every phase would report the
    orchestrator's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def config_for(folder: Path, db: Path, *, workers: int = 0) -> Config:
    """A config whose only source is ``folder`` and whose store is ``db``."""
    path = db.with_suffix(".toml")
    topic = Path(__file__).resolve().parents[2] / "config" / "topic.toml"
    path.write_text(
        f'[sources]\nfolders = ["{folder}"]\n[store]\npath = "{db}"\n'
        f'[topic]\nterms = "{topic}"\n[ingest]\nworkers = {workers}\n',
        encoding="utf-8",
    )
    return load_config(path)


def remove_store(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def copy_store(source: Path, target: Path) -> None:
    remove_store(target)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")


# -- the floor ----------------------------------------------------------------------


def floor(folder: str, shingle_size: int = 5) -> dict:
    """Read, tokenise and shingle every file, single core: the least any ingest must do.

    The same tokeniser and shingles as copy detection (digest.ingest.features), into
    a set per document.
    """
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix == ".txt")
    started = time.perf_counter()
    cpu = time.process_time()
    shingled = 0
    for path in paths:
        shingled += len(set(shingles(shingle_words(path.read_bytes().decode()), shingle_size)))
    seconds = time.perf_counter() - started
    return {
        "docs": len(paths),
        "seconds": seconds,
        "docs_per_s": len(paths) / seconds,
        "cpu_ms_per_doc": (time.process_time() - cpu) / len(paths) * 1e3,
        "shingles_per_doc": shingled / len(paths),
    }


# -- cold ingest and copy detection ---------------------------------------------------


def ingest(folder: str, db: str, truth: str, workers: int) -> dict:
    """Ingest the corpus into an empty store: clean, topic, dedup, store, end to end.

    ``truth`` is the generator's truth file, for the copy-detection figures.
    """
    remove_store(Path(db))
    config = config_for(Path(folder), Path(db), workers=workers)
    pipeline = open_pipeline(config, clock=clock)
    with pipeline.store:
        started = time.perf_counter()
        cpu = time.process_time()
        report = pipeline.ingest_folders()
        seconds = time.perf_counter() - started
        main_cpu = time.process_time() - cpu
        known = json.loads(Path(truth).read_text())
        quality = copy_detection(pipeline, known) | event_grouping(pipeline, known)
    docs = report.new + report.updated + report.skipped
    return {
        "docs": docs,
        "workers": workers,
        "seconds": seconds,
        "docs_per_s": docs / seconds,
        "main_cpu_ms_per_doc": main_cpu / docs * 1e3,
        "peak_rss_mb": peak_rss_mb(),
        "report": {k: getattr(report, k) for k in ("new", "skipped", "excluded", "copies")},
        **quality,
    }


def copy_detection(pipeline: Pipeline, truth: dict) -> dict:
    """Precision and recall of copy detection against the generator's truth.

    Counted over pairs of items in one copy cluster (an original and its
    copies; the stored clusters are a root and the items folded into it), so
    the figure does not depend on which member is the root. Only items that
    passed the topic stage are counted, since copy detection never sees the
    others; the pairs left out are reported. ``original_leads`` is the share
    of found clusters led by the true original (a copy met first leads until
    its original arrives and takes over).
    """
    db = pipeline.store.db.conn
    rows = db.execute("SELECT id, source, copy_of, on_topic FROM items").fetchall()
    source = {i: s for i, s, _, _ in rows}
    on_topic = {s for _, s, _, t in rows if t}
    found_clusters: dict[str, set[str]] = {}
    for _, s, c, t in rows:
        if t:
            root = source[c] if c is not None else s
            found_clusters.setdefault(root, set()).add(s)
    true_clusters: dict[str, set[str]] = {}
    for copy, original in truth["copies"].items():
        true_clusters.setdefault(original, {original}).add(copy)
    found_pairs = _pairs(found_clusters.values())
    all_true = _pairs(true_clusters.values())
    true_pairs = {p for p in all_true if p <= on_topic}
    hits = found_pairs & true_pairs
    led = [root for root, members in found_clusters.items() if len(members) > 1]
    return {
        "copy_pairs_true": len(true_pairs),
        "copy_pairs_off_topic": len(all_true) - len(true_pairs),
        "copy_pairs_found": len(found_pairs),
        "precision": len(hits) / len(found_pairs) if found_pairs else 1.0,
        "recall": len(hits) / len(true_pairs) if true_pairs else 1.0,
        "original_leads": sum(r in true_clusters for r in led) / len(led) if led else 1.0,
    }


def event_grouping(pipeline: Pipeline, truth: dict) -> dict:
    """Pair precision and recall of story grouping against the generator's events.

    Over the on-topic items that are not copies: a pair is two such items in
    one story. Not a target; it shows how grouping holds at thousands a day.
    """
    rows = pipeline.store.db.conn.execute(
        "SELECT source, story_id FROM items WHERE on_topic = 1 AND copy_of IS NULL"
    ).fetchall()
    stories: dict[int, set[str]] = {}
    for source, story in rows:
        stories.setdefault(story, set()).add(source)
    present = {source for source, _ in rows}
    found = _pairs(stories.values())
    true = _pairs({s for s in group if s in present} for group in truth["events"])
    hits = found & true
    return {
        "event_pairs_true": len(true),
        "event_pairs_found": len(found),
        "event_precision": len(hits) / len(found) if found else 1.0,
        "event_recall": len(hits) / len(true) if true else 1.0,
    }


def _pairs(clusters: Iterable[set[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for members in clusters for pair in combinations(sorted(members), 2)}


# -- one new item against the stored history -------------------------------------------


def probe(db: str, probes: str, prefix: str, truth: str) -> dict:
    """Match and store new items one at a time, each in its own transaction, as the service does.

    The CPU-bound preparation (clean, topic, features) is done first and not
    timed: this measures what depends on the history, from saving the item
    to the commit.
    """
    config = config_for(Path(probes), Path(db), workers=1)
    pipeline = open_pipeline(config, clock=clock)
    store = pipeline.store
    with store:
        stored = store.db.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        items = [
            e
            for e in scan_folders([Path(probes)], known=lambda s: None, max_bytes=10**7)
            if e.source.startswith(prefix)
        ]
        prepared = [pipeline.preparer(item, clock()) for item in items]
        # Write back what copying or synthesising the store left dirty in the
        # OS cache, or the first checkpoint's fsync times it (seconds).
        os.sync()
        times = []
        signature_rows = store.index.signature_rows
        report = IngestReport()
        cpu = []
        for item, ready in zip(items, prepared, strict=True):
            started, used = time.perf_counter(), time.process_time()
            with store.transaction():
                pipeline._store(item, ready, report, state=None)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        rows_per_item = (store.index.signature_rows - signature_rows) / len(items)
        statements = count_statements(pipeline, prepared[:30])
        known = json.loads(Path(truth).read_text())
        found = probe_copies(pipeline, known, [i.source for i in items])
        index = store.index.index_bytes()
    return {
        "stored": stored,
        "probes": len(items),
        "new": report.new,
        # Raw, in order: tests.bench.run pools the rounds and summarises them.
        "times_ms": [t * 1e3 for t in times],
        "cpu_ms": [t * 1e3 for t in cpu],
        "signature_rows_per_item": rows_per_item,
        "statements_per_match": statements,
        "probe_copies": found,
        "index_bytes": index,
        "index_bytes_per_item": sum(index.values()) / (stored + len(items)),
        "copy_index_bytes_per_item": (index.get("signatures", 0) + index.get("lsh", 0))
        / (stored + len(items)),
        "peak_rss_mb": peak_rss_mb(),
    }


def count_statements(pipeline: Pipeline, prepared: list) -> float:
    """Statements one match runs (copy and story lookups), averaged over stored probes."""
    dedup, store = pipeline.dedup, pipeline.store
    features = [p.features for p in prepared if p.features is not None]
    before = store.queries
    with store.counting_queries():
        for f in features:
            dedup.copies.find_original(f, exclude=0)
            dedup.find_story(f, dedup.weigh(f), exclude=0)
    return (store.queries - before) / max(1, len(features))


def probe_copies(pipeline: Pipeline, truth: dict, sources: list[str]) -> dict:
    """How many on-topic probe copies joined their original's copy cluster at this size."""
    db = pipeline.store.db.conn

    def root(source: str) -> tuple[int, bool] | None:
        row = db.execute(
            "SELECT COALESCE(copy_of, id), on_topic FROM items WHERE source = ?", (source,)
        ).fetchone()
        return (row[0], bool(row[1])) if row else None

    copies = found = 0
    for source in sources:
        original = truth["probes"][source]["copy_of"]
        mine, theirs = root(source), root(original) if original else None
        if mine is None or theirs is None or not (mine[1] and theirs[1]):
            continue
        copies += 1
        found += mine[0] == theirs[0]
    return {"copies": copies, "found": found}


def synthesise(db: str, total: int, per_day: int) -> dict:
    from tests.bench.history import synthesise as run

    config = config_for(Path(db).parent, Path(db))
    pipeline = open_pipeline(config, clock=clock)
    with pipeline.store:
        seconds = run(pipeline.store, total=total, per_day=per_day, bands=config.dedup.bands)
    return {"total": total, "seconds": seconds, "file_mb": Path(db).stat().st_size / 2**20}


# -- the digest ---------------------------------------------------------------------


def digest(db: str, repeat: int) -> dict:
    """Compose and render the digest of the day's stories (30 kept), first call and warm.

    On a copy of the ingested store, everything published more than a day
    before the corpus ends is first recorded as sent (through the outbox, as
    a digest would be), so what is unsent is one day of news: the daily digest.
    Also measured: the same with every story of the corpus unsent.
    """
    day_store = Path(db).with_name("digest.sqlite")
    copy_store(Path(db), day_store)
    config = load_config(Path(db).with_suffix(".toml"))
    config = replace(config, store=replace(config.store, path=day_store))
    pipeline = open_pipeline(config, clock=clock)
    with pipeline.store as store:
        everything = _timed_builds(pipeline, 1)
        day_ago = (END - timedelta(days=1)).isoformat(timespec="seconds")
        earlier = [
            r[0]
            for r in store.db.conn.execute("SELECT id FROM items WHERE published < ?", (day_ago,))
        ]
        sent = store.outbox.add_digest(
            message_id="<earlier-days@bench>",
            subject="earlier days",
            html="",
            text="",
            data={},
            item_ids=earlier,
        )
        store.outbox.mark_sent(sent)
        result = _timed_builds(pipeline, repeat)
    result["all_unsent"] = everything
    return result


def _timed_builds(pipeline: Pipeline, repeat: int) -> dict:
    builds, renders = [], []
    unsent = len(pipeline.store.items.unsent_story_ids())
    for _ in range(repeat):
        started = time.perf_counter()
        built = pipeline.build()
        middle = time.perf_counter()
        pipeline.render(built.digest)
        builds.append(middle - started)
        renders.append(time.perf_counter() - middle)
    totals = [(b + r) * 1e3 for b, r in zip(builds, renders, strict=True)]
    return {
        "unsent_stories": unsent,
        "stories": len(built.digest.stories),
        "build_ms": [b * 1e3 for b in builds],
        "render_ms": [r * 1e3 for r in renders],
        "first_ms": totals[0],
        # The median of the calls after the first, which reads this selection's
        # rows from disk (Jinja2 and premailer were warmed by the build of
        # everything unsent, which the day's digest follows).
        "warm_ms": statistics.median(totals[1:] or totals),
    }


def corpus(folder: str, n: int, seed: int, probe_sets: int) -> dict:
    """Generate (or reuse) the corpus; in its own process, as it holds every article."""
    from tests.bench.corpus import generate

    truth = generate(Path(folder), n, seed=seed, probe_sets=probe_sets)
    return {"copies": len(truth["copies"]), "events": len(truth["events"])}


# -- the profile ----------------------------------------------------------------------


def stages(folder: str, limit: int = 2000) -> dict:
    """CPU per article of each preparing stage, in one process, on the first ``limit`` files.

    The profile that says where cold ingest's time goes (the main process's
    share, matching and storing, is the ingest phase's ``main_cpu_ms_per_doc``).
    """
    from digest.ingest.clean import clean
    from digest.ingest.features import FeatureExtractor
    from digest.ingest.topic import classify, load_terms
    from digest.models import SourceItem

    config = config_for(Path(folder), Path(folder).with_suffix(".stages.sqlite"))
    terms = load_terms(config.topic.terms)
    extractor = FeatureExtractor(config.dedup, terms, config.digest.tz)
    items = [
        e
        for e in islice(scan_folders([Path(folder)], max_bytes=10**7), limit)
        if isinstance(e, SourceItem)
    ]
    tz, now = config.digest.tz, clock()
    for item in items[:20]:  # first calls load stop lists, stemmers, date parsers
        extractor.features(clean(item, now=now, tz=tz))

    spent = dict.fromkeys(("clean", "topic", "tokenise", "signature", "event_terms"), 0.0)
    cpu = time.process_time
    for item in items:  # each step timed per article, so that the steps add up
        t0 = cpu()
        article = clean(item, now=now, tz=tz)
        t1 = cpu()
        on_topic = classify(article, terms).on_topic
        t2 = cpu()
        spent["clean"] += t1 - t0
        spent["topic"] += t2 - t1
        if not on_topic:
            continue
        tokens = shingle_words(article.text)
        t3 = cpu()
        extractor.signature(tokens)
        t4 = cpu()
        extractor.event_terms(article)
        t5 = cpu()
        spent["tokenise"] += t3 - t2
        spent["signature"] += t4 - t3
        spent["event_terms"] += t5 - t4
    ms = {name: seconds / len(items) * 1e3 for name, seconds in spent.items()}
    return {
        "articles": len(items),
        "clean_ms": ms["clean"],
        "topic_ms": ms["topic"],
        "features_ms": ms["tokenise"] + ms["signature"] + ms["event_terms"],
        "tokenise_ms": ms["tokenise"],
        "shingle_minhash_ms": ms["signature"],
        "event_terms_ms": ms["event_terms"],
    }


PHASES = {
    "corpus": corpus,
    "stages": stages,
    "floor": floor,
    "ingest": ingest,
    "probe": probe,
    "synthesise": synthesise,
    "digest": digest,
}


def main() -> None:
    """``python -m tests.bench.phases NAME JSON-ARGS``: run one phase, print its JSON."""
    import sys

    name, args = sys.argv[1], json.loads(sys.argv[2])
    result = PHASES[name](**args)
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
