"""Deduplication at two levels: copies fold into their original, reports into a story.

**Copies.** A re-post of the same article (other chrome, another headline,
light edits) shares most of its word shingles with the original. Each item
gets a MinHash signature of its word ``shingle_size``-shingles (rensa); the
signature is cut into ``bands`` bands and each band hashed to a key stored in
an indexed table. A new item's candidates are the items sharing a band key;
each candidate is verified by the Jaccard similarity its signature estimates,
and the best at or above ``copy_threshold`` is the original. With 5–15% of
words edited, shingle Jaccard falls to 0.3–0.6, hence a low threshold and
many bands (64 bands of 2 rows find a pair at Jaccard 0.3 with p ≈ 0.998),
with verification weeding out the chance candidates.

**Events.** Independent reports of one event share little wording but the
same names, places, figures and dates. Each item gets a weighted term vector
(aliases mapped to one name across Indonesian and English, figures
normalised, words stemmed, stop words and the topic's ever-present names
dropped; headline and lede only, headline and capitalised names weighted up,
dates mentioned as terms); its strongest terms go into an
index keyed by (term, day). A new item's candidates are the items within
``event_window_days`` sharing an index term; the best by TF-IDF cosine at or
above ``event_threshold`` decides its story.

Either way the work per new item is a bounded number of indexed lookups: it
does not grow with the number of items stored.
"""

from __future__ import annotations

import hashlib
import math
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

import justext
import Stemmer
from rensa import RMinHash

from digest.config import DedupConfig
from digest.models import Article
from digest.store import Store, day_number
from digest.topic import Terms

# Bump when features change meaning: a stored index of another version is rebuilt.
FEATURE_VERSION = 2
SEED = 1_000_003
EVENT_TERMS_KEPT = 40  # weighted terms stored per item for verification
EVENT_TERMS_INDEXED = 12  # of those, the strongest, indexed for candidate lookup
EVENT_CANDIDATES_VERIFIED = 30
COPY_CANDIDATES_VERIFIED = 30
TITLE_WEIGHT = 2
LEDE_PARAGRAPHS = 2
NAME_WEIGHT = 2.0
# A copy must predate its match by this much to take over as the original.
ORIGINAL_MARGIN = timedelta(hours=1)

_WORD = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:[-'][A-Za-z]+)?)")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Frequent words of both languages (justext's stoplists, shipped with trafilatura)."""
    words = justext.get_stoplist("Indonesian") | justext.get_stoplist("English")
    return frozenset(w.lower() for w in words)


@dataclass(frozen=True)
class Features:
    """What deduplication needs of one article, computable without the store."""

    signature: bytes
    lsh_keys: tuple[int, ...]
    terms: dict[str, float]
    day: int

    def estimated_jaccard(self, other: bytes) -> float:
        return signature_similarity(self.signature, other)


@dataclass(frozen=True)
class Placement:
    """Where an item went: a copy of ``copy_of`` and/or a member of ``story_id``."""

    copy_of: int | None
    copy_similarity: float | None
    story_id: int
    story_similarity: float | None
    matched_item: int | None


def normalise_numbers(text: str) -> str:
    """'11.000' and '11,000' are the same figure: drop thousands separators."""
    return _GROUPED_NUMBER.sub(lambda m: re.sub(r"[.,]", "", m.group(0)), text)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise_numbers(text).lower())


def shingles(tokens: list[str], size: int) -> list[str]:
    if len(tokens) <= size:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]


def signature_similarity(a: bytes, b: bytes) -> float:
    """Jaccard similarity estimated from two MinHash signatures of equal length."""
    left, right = array("I"), array("I")
    left.frombytes(a)
    right.frombytes(b)
    if len(left) != len(right) or not left:
        return 0.0
    return sum(x == y for x, y in zip(left, right, strict=True)) / len(left)


def band_keys(signature: bytes, bands: int) -> tuple[int, ...]:
    """One signed 64-bit key per band, the band's number mixed in."""
    width = len(signature) // bands
    return tuple(
        int.from_bytes(
            hashlib.blake2b(
                signature[b * width : (b + 1) * width], digest_size=8, person=b"band%04d" % b
            ).digest(),
            "little",
            signed=True,
        )
        for b in range(bands)
    )


def term_key(term: str) -> int:
    """A stable 64-bit key for an event term (SQLite integers are signed)."""
    return int.from_bytes(
        hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little", signed=True
    )


class FeatureExtractor:
    """Computes :class:`Features`; holds the compiled alias table (cheap to share)."""

    def __init__(self, config: DedupConfig, terms: Terms, tz: tzinfo = UTC) -> None:
        self.config = config
        # Publication days are taken in the digest's time zone, however stored.
        self.tz = tz
        self._aliases = terms.aliases
        phrases = sorted((a for a in terms.aliases if " " in a), key=len, reverse=True)
        self._phrase_re = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)")
            if phrases
            else None
        )
        ignore = {terms.aliases.get(t, t) for t in terms.event_ignore}
        self._ignore = frozenset(t.replace(" ", "_") for t in ignore) | CALENDAR_WORDS
        # Alias targets are already one spelling for both languages: not stemmed.
        self._canonical = frozenset(c.replace(" ", "_") for c in terms.aliases.values())
        self._stop = _stopwords()

    @property
    def params(self) -> str:
        """The index parameters, stored with the index so a change triggers a rebuild."""
        c = self.config
        return (
            f"v{FEATURE_VERSION}:perm={c.num_perm}:bands={c.bands}:"
            f"shingle={c.shingle_size}:seed={SEED}"
        )

    def features(self, article: Article) -> Features:
        tokens = words(f"{article.title}\n{article.text}")
        minhash = RMinHash(num_perm=self.config.num_perm, seed=SEED)
        minhash.update(shingles(words(article.text) or tokens, self.config.shingle_size))
        signature = array("I", minhash.digest()).tobytes()
        return Features(
            signature=signature,
            lsh_keys=band_keys(signature, self.config.bands),
            terms=self.event_terms(article),
            day=day_number(article.published),
        )

    def _canonical_tokens(self, text: str, language: str) -> list[str]:
        """Content words with aliases mapped to one name, stemmed, stop words dropped."""
        lowered = normalise_numbers(text).lower()
        if self._phrase_re is not None:
            lowered = self._phrase_re.sub(
                lambda m: " " + self._aliases[m.group(0)].replace(" ", "_") + " ", lowered
            )
        names, plain = [], []
        for token in _WORD.findall(lowered):
            token = self._aliases.get(token, token).replace(" ", "_")
            if token in self._ignore or token in self._stop or len(token) < 3:
                continue
            if token in self._canonical or token.isdigit():
                names.append(token)
            else:
                plain.append(token)
        return names + _stemmer(language).stemWords(plain)

    def event_terms(self, article: Article) -> dict[str, float]:
        """Sublinear weights of the headline's and the lede's terms, names counting more.

        News puts the event in the headline and the first paragraphs; the
        rest is background that reports of other events share, so it is left
        out (measured on the seeds: with the body, the two reports of one event
        were less alike than two reports of different events). Full dates the
        lede mentions, and the publication date, are terms too
        (``d:2025-04-28``).
        """
        lede = "\n".join(article.paragraphs[:LEDE_PARAGRAPHS])
        language = article.language
        counts: Counter[str] = Counter()
        for weight, text in ((TITLE_WEIGHT, article.title), (1, lede)):
            for token in self._canonical_tokens(text, language):
                counts[token] += weight
        days = mentioned_days(f"{article.title}\n{lede}")
        if not article.date_is_fallback:
            days.add(article.published.astimezone(self.tz).date().isoformat())
        for day in days:
            counts[f"d:{day}"] += TITLE_WEIGHT
        names = {f"d:{day}" for day in days} | {
            self._aliases.get(n.lower(), n.lower()).replace(" ", "_")
            for n in _NAME.findall(f"{article.title}\n{lede}")
        }
        names |= set(_stemmer(language).stemWords(sorted(names)))
        weights = {
            term: (1.0 + math.log(count)) * (NAME_WEIGHT if term in names else 1.0)
            for term, count in counts.items()
        }
        strongest = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:EVENT_TERMS_KEPT]
        return {term: round(weight, 4) for term, weight in strongest}


# Weekday and month names say nothing that the date terms do not say better.
CALENDAR_WORDS = frozenset(
    (
        "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "januari", "februari", "maret",
        "april", "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember",
        "january", "february", "march", "may", "june", "july", "august", "october", "december",
        "",
    )
)  # fmt: skip
_MONTHS = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6,
    "jul": 7, "agu": 8, "agt": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11,
    "nop": 11, "des": 12, "dec": 12,
}  # fmt: skip
_MENTIONED_DAY = re.compile(
    r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
    r"|(?<!\d)(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})(?!\d)"
    r"|\b([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)",
    re.IGNORECASE,
)


def mentioned_days(text: str) -> set[str]:
    """Full dates (with a year) that a text mentions, as ISO days, in either language."""
    found = set()
    for m in _MENTIONED_DAY.finditer(text):
        if m.group(1):
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m.group(4):
            day, month, year = int(m.group(4)), _MONTHS.get(m.group(5).lower(), 0), int(m.group(6))
        else:
            day, month, year = int(m.group(8)), _MONTHS.get(m.group(7).lower(), 0), int(m.group(9))
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.add(f"{year:04d}-{month:02d}-{day:02d}")
    return found


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    """Snowball stemmers (PyStemmer, C): 'pasukannya' and 'pasukan' are one term."""
    stemmer = Stemmer.Stemmer("english" if language == "en" else "indonesian")
    stemmer.maxCacheSize = 100_000
    return stemmer


def _idf(df: int, docs: int) -> float:
    return math.log((docs + 1) / (df + 1)) + 1.0


def cosine(a: dict[str, float], b: dict[str, float], idf: dict[str, float]) -> float:
    """TF-IDF cosine of two term-weight vectors."""
    dot = sum(w * b[t] * idf.get(t, 1.0) ** 2 for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    norm_a = math.sqrt(sum((w * idf.get(t, 1.0)) ** 2 for t, w in a.items()))
    norm_b = math.sqrt(sum((w * idf.get(t, 1.0)) ** 2 for t, w in b.items()))
    return dot / (norm_a * norm_b)


class Deduplicator:
    """Places new items against the stored index: as copies, into stories."""

    def __init__(self, store: Store, extractor: FeatureExtractor) -> None:
        self.store = store
        self.extractor = extractor
        self.config = extractor.config

    def find_original(self, features: Features, *, exclude: int) -> tuple[int, float] | None:
        """The stored item this one copies, with the estimated Jaccard, if any."""
        shared = self.store.lsh_candidates(features.lsh_keys)
        shared.pop(exclude, None)
        if not shared:
            return None
        best = sorted(shared, key=lambda i: (-shared[i], i))[:COPY_CANDIDATES_VERIFIED]
        scored = [
            (features.estimated_jaccard(sig), item_id)
            for item_id, sig in self.store.signatures(best).items()
        ]
        scored = [s for s in scored if s[0] >= self.config.copy_threshold]
        if not scored:
            return None
        similarity, item_id = max(scored, key=lambda s: (s[0], -s[1]))
        return item_id, similarity

    def _idf_for(self, terms: set[str]) -> dict[str, float]:
        df, docs = self.store.document_frequencies(terms)
        return {t: _idf(df.get(t, 0), docs) for t in terms}

    def find_event(self, features: Features, *, exclude: int) -> tuple[int, float] | None:
        """The stored report of the same event most like this one, if any."""
        if not features.terms:
            return None
        idf = self._idf_for(set(features.terms))
        keys = self._index_terms(features.terms, idf)
        window = self.config.event_window_days
        shared = self.store.event_candidates(
            [term_key(t) for t in keys], features.day - window, features.day + window
        )
        shared.pop(exclude, None)
        if not shared:
            return None
        best = sorted(shared, key=lambda i: (-shared[i], i))[:EVENT_CANDIDATES_VERIFIED]
        vectors = self.store.event_vectors(best)
        vocabulary = set(features.terms).union(*(set(v) for v in vectors.values()))
        idf = self._idf_for(vocabulary)
        scored = [(cosine(features.terms, v, idf), item_id) for item_id, v in vectors.items()]
        scored = [s for s in scored if s[0] >= self.config.event_threshold]
        if not scored:
            return None
        similarity, item_id = max(scored, key=lambda s: (s[0], -s[1]))
        return item_id, similarity

    @staticmethod
    def _index_terms(terms: dict[str, float], idf: dict[str, float]) -> list[str]:
        ranked = sorted(terms, key=lambda t: (-terms[t] * idf.get(t, 1.0), t))
        return ranked[:EVENT_TERMS_INDEXED]

    def unindex(self, item_id: int) -> None:
        """Remove an item's index rows (before it is re-placed after a change)."""
        signature, _ = self.store.index_entry(item_id)
        keys = band_keys(signature, self.config.bands) if signature else ()
        self.store.remove_from_index(item_id, keys)

    def place(self, item_id: int, features: Features, *, published: datetime | None) -> Placement:
        """Decide and record where a new or changed on-topic item belongs, and index it.

        ``published`` is the item's own (not fallback) publication time, if
        known: a copy found to be older than the item it matched becomes the
        original, so that a wire story stays the lead over its re-posts.
        """
        store = self.store
        copy = self.find_original(features, exclude=item_id)
        store.add_signature(item_id, features.signature, features.lsh_keys)
        if copy is not None:
            original, similarity = copy
            root = self._root(original)
            story = store.placement(root)[1] or store.new_story()
            if published is not None and self._is_older(published, root):
                store.reparent(root, item_id)
                store.set_placement(
                    item_id,
                    copy_of=None,
                    copy_similarity=None,
                    story_id=story,
                    story_similarity=None,
                    matched_item=None,
                )
                store.set_copy_similarity(root, similarity)
                store.move_event_index(root, item_id, features.day)
                return Placement(None, None, story, None, root)
            store.set_placement(
                item_id,
                copy_of=root,
                copy_similarity=similarity,
                story_id=story,
                story_similarity=None,
                matched_item=original,
            )
            return Placement(root, similarity, story, None, original)
        event = self.find_event(features, exclude=item_id)
        if event is not None:
            matched, similarity = event
            story = store.placement(matched)[1] or store.new_story()
        else:
            matched, similarity, story = None, None, store.new_story()
        store.set_placement(
            item_id,
            copy_of=None,
            copy_similarity=None,
            story_id=story,
            story_similarity=similarity,
            matched_item=matched,
        )
        self._index_event(item_id, features)
        return Placement(None, None, story, similarity, matched)

    def _is_older(self, published: datetime, root: int) -> bool:
        rows = self.store.items([root])
        if not rows or rows[0].date_is_fallback:
            return False
        return published < rows[0].published - ORIGINAL_MARGIN

    def _root(self, item_id: int) -> int:
        seen = {item_id}
        while True:
            parent = self.store.placement(item_id)[0]
            if parent is None or parent in seen:
                return item_id
            seen.add(parent)
            item_id = parent

    def _index_event(self, item_id: int, features: Features) -> None:
        idf = self._idf_for(set(features.terms))
        keys = [term_key(t) for t in self._index_terms(features.terms, idf)]
        self.store.add_event_terms(item_id, features.day, keys, features.terms)
        self.store.add_document_terms(features.terms)
