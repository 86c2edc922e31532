"""Story decisions: a new report against candidate stories as wholes.

An editor does not add a report to a story because it looks like one of its
reports; it joins when it tells the same event as the story does. So a new
report is scored against each candidate story's **centroid** (the sum of its
reports' TF-IDF vectors, :mod:`digest.store.stories`): terms that several
reports share dominate it, a term only one report has counts little, and a
long chain of look-alikes cannot form (each link must resemble the whole).

What counts (see :mod:`digest.ingest.features`): names, places, figures, dates and
the action, each weighted by how specific it is (inverse document
frequency), so a capital city or a head of state named in many reports adds
little. On top of the cosine:

* **facts disagree**: when both the report and the story mention figures or
  dates and share none of them ("magnitude 4.4" against "6.0", "2008"
  against "2013"), the score is multiplied by ``FACT_DISAGREEMENT``;
* **support**: the shared terms must be at least ``MIN_SHARED_TERMS``
  terms that each carry a real part of the score, not one name alone;
* **ambiguity**: when a second story scores within ``event_ambiguity`` of
  the best and also reaches the threshold, the report stays apart rather
  than guess between them.

Pure functions of vectors; the store lookups are in :mod:`digest.stories.dedup`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from digest.ingest.features import fact_key
from digest.store.stories import Centroid

# Score multiplier when report and story both state figures or dates and share
# none. Mild: on ECB+ (development half) a stronger one (0.5) cost recall, as
# reports of one event often cite different figures (tolls rise, ages, years).
FACT_DISAGREEMENT = 0.85
# Shared terms that must each carry at least SUPPORT_SHARE of the score.
MIN_SHARED_TERMS = 2
SUPPORT_SHARE = 0.05

JOINED = "joined"
NEW = "new story"


@dataclass(frozen=True)
class Scored:
    """One candidate story as the new report saw it."""

    story_id: int
    score: float
    cosine: float
    facts: str  # "agree", "disagree" or "" (not both stated)
    shared: tuple[int, ...]  # term keys carrying the score, strongest first
    reports: int


@dataclass(frozen=True)
class Decision:
    """The story joined (None: a new one), the best candidate, and why."""

    story_id: int | None
    best: Scored | None
    reason: str


def score_story(vector: Mapping[int, float], story_id: int, centroid: Centroid) -> Scored:
    """The report's unit vector against the story's centroid, with facts and support."""
    summed = centroid.vector
    norm = math.sqrt(sum(w * w for w in summed.values())) or 1.0
    parts = {k: w * summed[k] for k, w in vector.items() if k in summed}
    cosine = sum(parts.values()) / norm
    mine = {k for k in vector if fact_key(k)}
    theirs = {k for k in summed if fact_key(k)}
    facts = ""
    if mine and theirs:
        facts = "agree" if mine & theirs else "disagree"
    total = sum(parts.values()) or 1.0
    shared = tuple(
        k
        for k, part in sorted(parts.items(), key=lambda kv: -kv[1])
        if part >= SUPPORT_SHARE * total
    )
    score = cosine * (FACT_DISAGREEMENT if facts == "disagree" else 1.0)
    if len(shared) < MIN_SHARED_TERMS:
        score = 0.0
    return Scored(story_id, round(score, 4), round(cosine, 4), facts, shared, centroid.reports)


def decide(scored: Iterable[Scored], *, threshold: float, ambiguity: float) -> Decision:
    """Join the best story at or above ``threshold`` unless another comes within ``ambiguity``."""
    ranked = sorted(scored, key=lambda s: (-s.score, s.story_id))
    if not ranked:
        return Decision(None, None, "no candidate story shares its terms")
    best = ranked[0]
    if best.score < threshold:
        return Decision(None, best, f"best story below the threshold {threshold:g}")
    if (
        len(ranked) > 1
        and ranked[1].score >= threshold
        and best.score - ranked[1].score < ambiguity
    ):
        return Decision(
            None, best, f"ambiguous: stories {best.story_id} and {ranked[1].story_id} alike"
        )
    return Decision(best.story_id, best, JOINED)
