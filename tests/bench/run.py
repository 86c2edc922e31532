"""The benchmark: ``python -m tests.bench [--n 10000] [--history 10000,100000,1000000]``.

One run measures, side by side on the same machine and corpus:

1. the **floor**: read + tokenise + shingle every file, one core; and the
   **profile**: CPU per article of clean, topic and features in one process;
2. **cold ingest** of the corpus into an empty store, end to end (clean,
   topic, dedup, store), with ``[ingest] workers = 0`` (every core), and the
   precision and recall of copy detection against the generator's truth;
3. the cost of **one new item** (match and store, commit included) against
   the stored history at each ``--history`` size: the ingested corpus first,
   then synthetic history added in bulk (see :mod:`tests.bench.history`),
   in ``--repeat`` rounds that visit every size in turn (see
   :func:`probe_rounds`); with the index's bytes per article, statements per
   match, signature rows read per match, and the process's peak resident
   memory at that size;
4. composing and rendering the **digest** (30 stories) from the store.

It prints a table (each rate also as a ratio to the floor, each target met or
not) and writes the figures as JSON. Every phase runs in a fresh process.
Work files go to ``--work`` (default ``/tmp/digest-bench``); a corpus is
generated once per size and seed and reused.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.corpus import ARTICLES_PER_DAY, probe_folder, truth_file

ROOT = Path(__file__).resolve().parents[2]
FEATURE_STEPS = ("tokenise_ms", "shingle_minhash_ms", "event_terms_ms")


def phase(name: str, **args: object) -> dict:
    """Run one phase of :mod:`tests.bench.phases` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.phases", name, json.dumps(args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark phase {name} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).date().isoformat(),
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": os.getloadavg(),
    }


def run(args: argparse.Namespace) -> dict:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    folder = work / f"corpus-{args.n}"
    sizes = sorted(h for h in args.history if h > args.n)
    started = time.perf_counter()
    print(f"corpus: {args.n} articles in {folder} …", file=sys.stderr)
    # Each store sees a different probe set in each round (their items must be new to it).
    sets = max(len(sizes) + 1, args.repeat)
    phase("corpus", folder=str(folder), n=args.n, seed=args.seed, probe_sets=sets)
    truth = str(truth_file(folder))
    command = " ".join(["python -m tests.bench", *sys.argv[1:]])
    result: dict = {"machine": machine(), "n": args.n, "command": command}
    print("floor …", file=sys.stderr)
    floors = [phase("floor", folder=str(folder)) for _ in range(args.repeat)]
    result["floor"] = _median(floors, "docs_per_s")
    print("profile of the preparing stages …", file=sys.stderr)
    result["stages"] = phase("stages", folder=str(folder))
    db = work / f"ingest-{args.n}.sqlite"
    ingests = []
    for attempt in range(args.repeat):
        print(f"cold ingest {attempt + 1}/{args.repeat} …", file=sys.stderr)
        ingests.append(
            phase("ingest", folder=str(folder), db=str(db), truth=truth, workers=args.workers)
        )
    result["ingest"] = _median(ingests, "docs_per_s")
    result["probes"], result["synthesis"] = probe_rounds(
        args, work, db, probe_folder(folder), sizes, sets, truth=truth
    )
    print("digest …", file=sys.stderr)
    result["digest"] = phase("digest", db=str(db), repeat=11)
    result["seconds"] = time.perf_counter() - started
    return result


def probe_rounds(
    args: argparse.Namespace,
    work: Path,
    db: Path,
    probes: Path,
    sizes: list[int],
    sets: int,
    *,
    truth: str,
) -> tuple[list[dict], list[dict]]:
    """The one-new-item cost at every history size, measured in interleaved rounds.

    The stored history is grown once (the ingested corpus, then synthetic
    items up to each size), with a snapshot kept at each size. Then each
    round probes every snapshot in turn, each with a probe set it has not
    seen, so that a slow minute on a shared machine falls on every size
    alike rather than on whichever size happened to be measured then; the
    figures pool all rounds.
    """
    history = work / "history.sqlite"
    _copy(db, history)
    stores: list[Path] = []
    synthesis = []
    for number, size in enumerate([0, *sizes]):
        if size:
            print(f"history: synthesising up to {size:,} items …", file=sys.stderr)
            synthesis.append(
                phase("synthesise", db=str(history), total=size, per_day=ARTICLES_PER_DAY)
            )
        if number < len(sizes):
            stores.append(work / f"history-{number}.sqlite")
            _copy(history, stores[-1])
        else:
            stores.append(history)
    runs: list[list[dict]] = [[] for _ in stores]
    for round_ in range(args.repeat):
        for number, store in enumerate(stores):
            chosen = (number + round_) % sets
            print(
                f"one new item: round {round_ + 1}/{args.repeat}, history {number + 1} of "
                f"{len(stores)}, probe set {chosen} …",
                file=sys.stderr,
            )
            runs[number].append(
                phase("probe", db=str(store), probes=str(probes), prefix=f"p{chosen}_", truth=truth)
            )
    return [_pooled(r) for r in runs], synthesis


def _pooled(runs: list[dict]) -> dict:
    """One size's probe figures over all its rounds.

    ``stored`` is the snapshot's size before the first round (each round adds
    its 300 probes); index sizes and plans are the last round's.
    """
    times = sorted(t for r in runs for t in r["times_ms"])
    cpu = [t for r in runs for t in r["cpu_ms"]]
    pooled = {k: v for k, v in runs[-1].items() if k not in ("times_ms", "cpu_ms")}
    pooled.update(
        stored=runs[0]["stored"],
        probes=len(times),
        new=sum(r["new"] for r in runs),
        rounds=len(runs),
        median_ms=statistics.median(times),
        p90_ms=percentile(times, 0.9),
        p99_ms=percentile(times, 0.99),
        mean_ms=statistics.fmean(times),
        slowest_ms=times[-5:],
        cpu_median_ms=statistics.median(cpu),
        round_medians_ms=[statistics.median(r["times_ms"]) for r in runs],
        probe_copies={k: sum(r["probe_copies"][k] for r in runs) for k in ("copies", "found")},
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs),
    )
    return pooled


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _median(runs: list[dict], key: str) -> dict:
    """The run with the median ``key``, with every run's value kept."""
    ordered = sorted(runs, key=lambda r: r[key])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["runs"] = [r[key] for r in runs]
    return chosen


def _copy(source: Path, target: Path) -> None:
    from tests.bench.phases import copy_store

    copy_store(source, target)


# -- the table -------------------------------------------------------------------------


def table(result: dict) -> str:
    floor = result["floor"]["docs_per_s"]
    ingest = result["ingest"]
    probes = result["probes"]
    rows: list[tuple[str, str, str, str, str]] = []

    def rate(name: str, docs_per_s: float, detail: str, target: str = "", met: str = "") -> None:
        rows.append(
            (name, f"{docs_per_s:,.0f} docs/s {detail}", f"{docs_per_s / floor:.2f}×", target, met)
        )

    def add(name: str, value: str, target: str = "", met: bool | None = None) -> None:
        rows.append((name, value, "", target, "" if met is None else ("met" if met else "NOT met")))

    rate("floor: read + tokenise + shingle, 1 core", floor, f"({result['floor']['seconds']:.1f} s)")
    rate(
        f"cold ingest end to end, workers={ingest['workers']} ({ingest['docs']:,} files)",
        ingest["docs_per_s"],
        f"({ingest['seconds']:.1f} s)",
        "≥ 3,000 docs/s, ≥ 1.0× floor",
        "met" if ingest["docs_per_s"] >= max(3000, floor) else "NOT met",
    )
    add("  main process CPU per item", f"{ingest['main_cpu_ms_per_doc']:.2f} ms")
    if "stages" in result:
        s = result["stages"]
        add(
            f"  CPU per item, 1 process ({s['articles']:,} files): clean / topic / features",
            f"{s['clean_ms']:.2f} / {s['topic_ms']:.2f} / {s['features_ms']:.2f} ms",
        )
        add(
            "    features: tokenise / shingle + MinHash / event terms",
            " / ".join(f"{s[k]:.2f}" for k in FEATURE_STEPS) + " ms",
        )
    add("  peak RSS, main process", f"{ingest['peak_rss_mb']:.0f} MB")
    precision, recall = ingest["precision"], ingest["recall"]
    add("copy detection precision", f"{precision:.4f}", "≥ 0.99", precision >= 0.99)
    add("copy detection recall", f"{recall:.4f}", "≥ 0.95", recall >= 0.95)
    if "event_precision" in ingest:
        add(
            "  story grouping of event reports: pair precision / recall",
            f"{ingest['event_precision']:.3f} / {ingest['event_recall']:.3f}",
        )
    for p in probes:
        stored = f"{p['stored']:,}"
        add(
            f"one new item vs {stored} stored: median / p90 / mean",
            f"{p['median_ms']:.2f} / {p['p90_ms']:.1f} / {p['mean_ms']:.1f} ms",
            "< 2 ms",
            p["median_ms"] < 2,
        )
        if "p99_ms" in p:
            add(
                "  p99; slowest (WAL checkpoints)",
                f"{p['p99_ms']:.0f} ms; {max(p['slowest_ms']):.0f} ms",
            )
        if "round_medians_ms" in p:
            add(
                f"  median of each round ({p['probes']} items in all)",
                " / ".join(f"{m:.2f}" for m in p["round_medians_ms"]) + " ms",
            )
        if "cpu_median_ms" in p:
            add("  CPU time per item (median)", f"{p['cpu_median_ms']:.2f} ms")
        add(
            "  statements per match; signature rows read per item",
            f"{p['statements_per_match']:.1f}; {p['signature_rows_per_item']:.1f}",
        )
        add(
            "  on-topic probe copies folded with their original",
            f"{p['probe_copies']['found']} of {p['probe_copies']['copies']}",
        )
        copy_index = p["copy_index_bytes_per_item"]
        add(
            "  index on disk per article: signature + band keys",
            f"{copy_index:,.0f} B",
            "< 1.5 KB",
            copy_index < 1536,
        )
        add(
            "  … with the event index (terms, vectors, frequencies)",
            f"{p['index_bytes_per_item']:,.0f} B",
        )
        add(
            "  peak RSS of that process",
            f"{p['peak_rss_mb']:.0f} MB",
            "< 300 MB",
            p["peak_rss_mb"] < 300,
        )
    if len(probes) > 1:
        growth = probes[-1]["median_ms"] / probes[0]["median_ms"]
        add(
            f"cost growth, {probes[-1]['stored']:,} vs {probes[0]['stored']:,} stored",
            f"{growth:.2f}×",
            "≤ 1.5×",
            growth <= 1.5,
        )
    d = result["digest"]
    add(
        f"day's digest: {d['stories']} of {d['unsent_stories']:,} unsent stories, build + render "
        "(first / warm)",
        f"{d['first_ms']:.0f} / {d['warm_ms']:.0f} ms",
        "< 300 ms",
        d["warm_ms"] < 300,
    )
    everything = d["all_unsent"]
    add(
        f"  … with all {everything['unsent_stories']:,} stories of the corpus unsent",
        f"{everything['first_ms']:.0f} ms",
    )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    heading = ("measure", "value", "÷ floor", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, heading, strict=True)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in (heading, *rows)
    ]
    m = result["machine"]
    title = (
        f"digest benchmark, {m['date']}, {m['cpu']} ({m['cores']} cores), Python {m['python']}, "
        f"SQLite {m['sqlite']}; load average at start {m['load_average'][0]:.1f}"
    )
    return "\n".join([title, f"$ {result['command']}", "", *lines])


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="articles in the corpus")
    parser.add_argument(
        "--history",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[10_000, 100_000, 1_000_000],
        help="stored-history sizes for the one-new-item cost (comma-separated)",
    )
    parser.add_argument(
        "--repeat",
        type=_positive,
        default=3,
        help="runs of the floor and the ingest, and rounds of new items at each history size",
    )
    parser.add_argument("--workers", type=int, default=0, help="[ingest] workers (0: every core)")
    parser.add_argument("--seed", type=int, default=20250630)
    parser.add_argument("--work", default="/tmp/digest-bench", help="folder for corpus and stores")
    parser.add_argument("--out", help="JSON file (default: <work>/bench-<n>.json)")
    parser.add_argument("--table", help="only print the table of a saved JSON file")
    args = parser.parse_args(argv)
    if args.table:
        print(table(json.loads(Path(args.table).read_text())))
        return
    result = run(args)
    text = table(result)
    result["table"] = text
    out = Path(args.out or Path(args.work) / f"bench-{args.n}.json")
    out.write_text(json.dumps(result, indent=2))
    print(text)
    print(f"\n(figures in {out})")


if __name__ == "__main__":
    main()
