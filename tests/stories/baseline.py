"""The plain baseline issue 12 measures the story stage against: TF-IDF cosine, one threshold.

Each document is the cleaned article as the store holds it (what the clean
stage produced): its headline and its first two non-blank paragraphs. Words
are runs of two or more word characters, lower-cased, without English stop
words (justext's list); weights are raw term counts times the smoothed
inverse document frequency ``ln((1 + n) / (1 + df)) + 1`` over the documents
being clustered (all of them at once: the baseline sees the whole set, the
digest only what came before), normalised to length 1; scikit-learn's
``TfidfVectorizer`` defaults. Dates play no part.

Clustering is greedy single-link in arrival order (the order the store first
took the articles): each document joins the cluster of its most similar
earlier document when their cosine is at least the threshold, else it starts
a cluster. The threshold is the one with the best B-cubed F1 on the tune
half of the topics (swept 0.05–0.95 by 0.01, ties to the lower), applied
unchanged to the check half: one threshold, tuned on other data.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import justext

from digest.store import Store
from tests.stories.ecbplus import CHECK_TOPICS, TUNE_TOPICS
from tests.stories.score import Scores, score

LEDE_PARAGRAPHS = 2
THRESHOLDS = [round(0.05 + 0.01 * i, 2) for i in range(91)]
_TOKEN = re.compile(r"\b\w\w+\b")


@dataclass(frozen=True)
class Document:
    name: str  # the file's name, as in the gold labels
    text: str  # headline and lede


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(w.lower() for w in justext.get_stoplist("English"))


def stored_documents(store_path: Path) -> list[Document]:
    """Every stored article (copies too) as headline + lede, in the order first stored."""
    with Store(store_path) as store:
        rows = sorted(store.items.all_items(limit=100_000), key=lambda r: r.id)
    documents = []
    for row in rows:
        paragraphs = [p for p in (row.text or "").split("\n\n") if p.strip()]
        lede = "\n".join(paragraphs[:LEDE_PARAGRAPHS])
        documents.append(Document(Path(row.source).name, f"{row.title}\n{lede}"))
    return documents


def vectors(documents: Sequence[Document]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (smoothed IDF over ``documents``)."""
    stop = _stop_words()
    counts = [
        Counter(w for w in _TOKEN.findall(d.text.lower()) if w not in stop) for d in documents
    ]
    df = Counter(term for c in counts for term in c)
    n = len(documents)
    idf = {term: math.log((1 + n) / (1 + k)) + 1.0 for term, k in df.items()}
    result = []
    for c in counts:
        weighted = {term: tf * idf[term] for term, tf in c.items()}
        norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
        result.append({term: w / norm for term, w in weighted.items()})
    return result


def best_matches(vecs: Sequence[Mapping[str, float]]) -> list[tuple[int, float]]:
    """For each document, its most similar earlier one and their cosine ((-1, 0) for the first)."""
    matches = []
    for i, v in enumerate(vecs):
        best, best_cos = -1, 0.0
        for j in range(i):
            other = vecs[j]
            small, large = (v, other) if len(v) <= len(other) else (other, v)
            cos = sum(w * large.get(t, 0.0) for t, w in small.items())
            if cos > best_cos:
                best, best_cos = j, cos
        matches.append((best, best_cos))
    return matches


def cluster(matches: Sequence[tuple[int, float]], threshold: float) -> list[int]:
    """Cluster of each document: its best earlier match's when the cosine reaches ``threshold``."""
    clusters: list[int] = []
    for i, (best, cos) in enumerate(matches):
        clusters.append(clusters[best] if best >= 0 and cos >= threshold else i)
    return clusters


class Baseline:
    """The baseline's scores on subsets of one set of documents (the halves of the topics)."""

    def __init__(self, documents: Sequence[Document], gold: Mapping[str, object]) -> None:
        self.documents = [d for d in documents if d.name in gold]
        self.gold = gold

    def scores(self, threshold: float, names: set[str] | None = None) -> Scores:
        """Scores at ``threshold`` of clustering only the documents named (all if None)."""
        docs = [d for d in self.documents if names is None or d.name in names]
        clusters = cluster(self._matches(tuple(d.name for d in docs)), threshold)
        predicted = {d.name: c for d, c in zip(docs, clusters, strict=True)}
        return score(predicted, {d.name: self.gold[d.name] for d in docs})

    def tune(self, names: set[str] | None = None) -> float:
        """The threshold with the best B-cubed F1 on the documents named (the lowest if tied)."""
        return max(THRESHOLDS, key=lambda t: (self.scores(t, names).bcubed_f1, -t))

    @lru_cache(maxsize=8)  # noqa: B019 - a few subsets, for the harness's lifetime
    def _matches(self, names: tuple[str, ...]) -> list[tuple[int, float]]:
        wanted = set(names)
        return best_matches(vectors([d for d in self.documents if d.name in wanted]))


def report(
    documents: Sequence[Document], labels: Mapping[str, Mapping[str, object]]
) -> list[tuple[str, float, Scores]]:
    """The baseline on all topics and on each half: (half, threshold, scores).

    ``labels`` are a rendering's gold labels ({file: {gold, topic, …}}); the
    threshold is tuned on the tune half and used for every line, and each
    half is clustered on its own (as ``python -m tests.stories --split`` runs
    the digest on each half apart).
    """
    halves = {
        "tune": {f for f, v in labels.items() if v["topic"] in TUNE_TOPICS},
        "check": {f for f, v in labels.items() if v["topic"] in CHECK_TOPICS},
    }
    baseline = Baseline(documents, {f: v["gold"] for f, v in labels.items()})
    threshold = baseline.tune(halves["tune"])
    return [
        (half, threshold, baseline.scores(threshold, halves.get(half)))
        for half in ("all", "tune", "check")
    ]
