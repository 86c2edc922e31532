"""A seeded corpus of scraped Russia–North Korea articles, with the truth about its copies.

The benchmark needs text that costs what real text costs (300–900 words,
Indonesian-like and English-like, site chrome around it) and a known answer
for copy detection. Real articles cannot give the answer at scale, so they are
generated:

* **distinct articles**: a headline, a dateline, paragraphs of Zipf-distributed
  words (a real function-word list plus syllable-built content words per
  language, proper names, figures), each mentioning both sides of the topic;
  chrome around them (menus, channel promos, "read also" teasers, copyright
  lines), hard-wrapped in some files as scrapers leave them;
* **copies** (about 20% of the corpus): an article re-posted by another site,
  with that site's chrome (other promos, a comment form), another headline and
  light edits: 5–15% of the body's words substituted, deleted or inserted, in
  runs of 1–4 words (a re-writer changes phrases, not isolated letters), and a
  dateline a few hours later than the original's;
* **event reports**: independent articles (other wording) about one event,
  sharing its names, figure and date, some in English and some in Indonesian.

Files get random names, so the pipeline meets copies before their originals as
often as after. The truth (copy → original, event groups) is written beside the
files as ``truth.json``. The same seed and size give the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

# Bump when the generator changes, so that a saved corpus is written again.
CORPUS_VERSION = 2
# The corpus ends on this day; the pipeline's clock is set just after it.
END = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
ARTICLES_PER_DAY = 3000  # a busy service: thousands of articles a day
COPY_SHARE = 0.2
EVENT_SHARE = 0.1  # of distinct articles, reports of a shared event
EDIT_RATE = (0.05, 0.15)
EDIT_RUN = (1, 4)
WORDS = (300, 900)
ENGLISH_SHARE = 0.4
WRAPPED_SHARE = 0.1
ZIPF_OFFSET = 100

ID_FUNCTION = (
    "yang dan di ke dari ini itu dengan untuk dalam tidak akan pada juga adalah oleh "
    "karena telah sebagai bahwa atau mereka kami kita sudah bisa ada lebih para saat "
    "setelah tersebut secara antara kepada masih hanya serta namun sangat menurut"
).split()
EN_FUNCTION = (
    "the and of to in is that for on with as was by it at from are be has have this "
    "which were will an not their its been but said would after who they also more"
).split()
# Each language's two sides, then more names of each side (Russia, North Korea).
ID_TOPIC = ("Rusia", "Korea Utara", ("Putin", "Moskow", "Kremlin"), ("Kim Jong Un", "Pyongyang"))
EN_TOPIC = ("Russia", "North Korea", ("Putin", "Moscow", "Kremlin"), ("Kim Jong Un", "Pyongyang"))
# Further mentions of each side through the body, as articles on the topic have.
SIDE_MENTIONS = 2
# Alias pairs from config/topic.toml: an event's keyword in each language.
EVENT_KEYWORDS = (
    ("pasukan", "troops"),
    ("rudal", "missile"),
    ("perjanjian", "treaty"),
    ("kunjungan", "visit"),
    ("pertemuan", "meeting"),
    ("sanksi", "sanctions"),
    ("amunisi", "ammunition"),
    ("nirawak", "drone"),
)
ID_MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()
EN_MONTHS = (
    "January February March April May June July August September October November December"
).split()
ID_DAYS = "Senin Selasa Rabu Kamis Jumat Sabtu Minggu".split()
EN_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


@dataclass
class Vocabulary:
    """One language's words: function words, Zipf-weighted content words, names."""

    function: list[str]
    content: list[str]
    cumulative: list[float]
    names: list[str]


@dataclass
class Doc:
    name: str
    language: str
    headline: str
    paragraphs: list[list[str]]
    published: datetime
    outlet: str
    event: int | None = None
    copy_of: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _syllables(rng: random.Random, onsets: list[str], vowels: list[str], codas: list[str]) -> str:
    return rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)


def _vocabulary(rng: random.Random, language: str, size: int = 20_000) -> Vocabulary:
    if language == "id":
        onsets = [*"b d g h j k l m n p r s t w y c ng ny".split(), ""]
        vowels = list("aiueoa")
        codas = ["", "", "", "n", "ng", "r", "t", "k", "s", "l", "h", "m"]
        prefixes = ["", "", "", "me", "ber", "di", "ter", "pe", "ke"]
        suffixes = ["", "", "", "kan", "an", "nya", "i"]
        function = ID_FUNCTION
    else:
        onsets = "b c d f g h l m n p r s t v w th st pr tr ch sh cl gr br".split()
        vowels = ["a", "e", "i", "o", "u", "ea", "ou", "ai", "ee"]
        codas = ["", "n", "r", "t", "s", "nd", "st", "ll", "ck", "rt", "nt"]
        prefixes = ["", "", "", "", "re", "un", "con", "pre"]
        suffixes = ["", "", "", "s", "ed", "ing", "er", "ly", "tion", "ment"]
        function = EN_FUNCTION
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.choice((1, 2, 2, 2, 3))
        stem = "".join(_syllables(rng, onsets, vowels, codas) for _ in range(syllables))
        words.setdefault(rng.choice(prefixes) + stem + rng.choice(suffixes), None)
    content = list(words)
    # Zipf's law with a flattened head: the most frequent words of a language
    # are its function words (listed apart), so the most frequent content
    # word takes about 0.2% of the content words, as in news text.
    weights = [1.0 / (rank + ZIPF_OFFSET) for rank in range(len(content))]
    names: dict[str, None] = {}
    while len(names) < 3000:
        stem = "".join(_syllables(rng, onsets, vowels, codas) for _ in range(rng.randint(2, 3)))
        names.setdefault(stem.capitalize(), None)
    return Vocabulary(function, content, list(accumulate(weights)), list(names))


class Generator:
    """Writes a corpus of ``n`` articles; everything follows from ``seed``."""

    def __init__(self, n: int, seed: int = 20250630) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.vocab = {"id": _vocabulary(self.rng, "id"), "en": _vocabulary(self.rng, "en")}
        self.days = max(3, round(n / ARTICLES_PER_DAY))
        self.outlets = [
            "".join(
                self.rng.choice("abcdefghijklmnoprstuwy") for _ in range(self.rng.randint(5, 9))
            )
            for _ in range(400)
        ]

    # -- text ------------------------------------------------------------------

    def sentence(self, language: str, length: int | None = None) -> list[str]:
        rng, vocab = self.rng, self.vocab[language]
        length = length or rng.randint(8, 24)
        content = rng.choices(vocab.content, cum_weights=vocab.cumulative, k=length)
        out = []
        for word in content:
            roll = rng.random()
            if roll < 0.38:
                out.append(rng.choice(vocab.function))
            elif roll < 0.43:
                out.append(rng.choice(vocab.names))
            elif roll < 0.445:
                out.append(self.figure(language))
            else:
                out.append(word)
        out[0] = out[0][:1].upper() + out[0][1:]
        out[-1] += "."
        return out

    def figure(self, language: str) -> str:
        value = self.rng.choice((self.rng.randint(2, 99), self.rng.randint(1, 99) * 1000))
        return f"{value:,}".replace(",", "." if language == "id" else ",")

    def body(self, language: str, event: dict | None) -> list[list[str]]:
        rng = self.rng
        target = rng.randint(*WORDS)
        topic = ID_TOPIC if language == "id" else EN_TOPIC
        paragraphs: list[list[str]] = []
        count = 0
        while count < target:
            paragraph: list[str] = []
            for _ in range(rng.randint(2, 5)):
                paragraph += self.sentence(language)
            paragraphs.append(paragraph)
            count += len(paragraph)
        lede = paragraphs[0]
        lede[1:1] = [topic[0], "dan" if language == "id" else "and", topic[1]]
        for side, names in ((topic[0], topic[2]), (topic[1], topic[3])):
            for _ in range(SIDE_MENTIONS):
                paragraph = rng.choice(paragraphs)
                term = rng.choice((side, *names))
                paragraph.insert(rng.randrange(1, len(paragraph)), term)
        if event is not None:
            lede[0:0] = self.event_words(language, event)
            paragraphs[1][0:0] = self.event_words(language, event)
        return paragraphs

    def event_words(self, language: str, event: dict) -> list[str]:
        keyword = event["keyword"][0 if language == "id" else 1]
        day = event["day"]
        if language == "id":
            when = ["pada", str(day.day), ID_MONTHS[day.month - 1], str(day.year)]
            figure = f"{event['figure']:,}".replace(",", ".")
        else:
            when = ["on", EN_MONTHS[day.month - 1], f"{day.day},", str(day.year)]
            figure = f"{event['figure']:,}"
        words = [*event["names"], keyword, figure, *when]
        self.rng.shuffle(words)
        return words

    def headline(self, language: str, event: dict | None) -> str:
        words = self.sentence(language, self.rng.randint(6, 12))
        words[-1] = words[-1].rstrip(".")
        topic = ID_TOPIC if language == "id" else EN_TOPIC
        words.insert(self.rng.randrange(1, len(words)), self.rng.choice(topic[:2]))
        if event is not None:
            keyword = event["keyword"][0 if language == "id" else 1]
            words[1:1] = [event["names"][0], keyword]
        return " ".join(w[:1].upper() + w[1:] for w in words)

    # -- documents ---------------------------------------------------------------

    def published(self) -> datetime:
        minutes = self.rng.randrange(self.days * 24 * 60)
        return END - timedelta(minutes=minutes)

    def name(self) -> str:
        return f"{self.rng.getrandbits(64):016x}.txt"

    def distinct(self, event_id: int | None = None, event: dict | None = None) -> Doc:
        language = "en" if self.rng.random() < ENGLISH_SHARE else "id"
        published = self.published() if event is None else event["published"](self.rng)
        return Doc(
            name=self.name(),
            language=language,
            headline=self.headline(language, event),
            paragraphs=self.body(language, event),
            published=published,
            outlet=self.rng.choice(self.outlets),
            event=event_id,
        )

    def copy(self, original: Doc) -> Doc:
        rng = self.rng
        rate = rng.uniform(*EDIT_RATE)
        vocab = self.vocab[original.language]
        paragraphs = []
        for paragraph in original.paragraphs:
            words = list(paragraph)
            edits = round(len(words) * rate)
            while edits > 0:
                run = min(edits, rng.randint(*EDIT_RUN))
                at = rng.randrange(len(words))
                kind = rng.random()
                fresh = rng.choices(vocab.content, cum_weights=vocab.cumulative, k=run)
                if kind < 0.6:
                    words[at : at + run] = fresh
                elif kind < 0.8 and len(words) > run + 8:
                    del words[at : at + run]
                else:
                    words[at:at] = fresh
                edits -= run
            paragraphs.append(words)
        if rng.random() < 0.5:
            headline = self.headline(original.language, None)
        else:
            headline = rng.choice(("VIRAL! ", "Terbaru: ", "BREAKING: ", "")) + original.headline
        return Doc(
            name=self.name(),
            language=original.language,
            headline=headline,
            paragraphs=paragraphs,
            published=original.published + timedelta(minutes=rng.randint(90, 2000)),
            outlet=rng.choice(self.outlets),
            copy_of=original.name,
            extra={"rate": f"{rate:.3f}"},
        )

    def documents(self) -> list[Doc]:
        copies = round(self.n * COPY_SHARE)
        distinct = self.n - copies
        reports = round(distinct * EVENT_SHARE)
        docs: list[Doc] = []
        event_id = 0
        self.events: list[dict] = []
        while reports > 0:
            size = min(reports, self.rng.randint(2, 4))
            event = self._event()
            self.events.append(event)
            docs += [self.distinct(event_id, event) for _ in range(size)]
            reports -= size
            event_id += 1
        docs += [self.distinct() for _ in range(distinct - len(docs))]
        originals = list(docs)
        for _ in range(copies):
            docs.append(self.copy(self.rng.choice(originals)))
        return docs

    def probes(self, originals: list[Doc], sets: int, per_set: int) -> list[Doc]:
        """New items to match against a stored corpus: copies, event reports, distinct.

        A store sees each set at most once, since a matched probe becomes part
        of its history (the benchmark rotates sets over its history snapshots
        round by round). Names start with ``p<set>_``.
        """
        out: list[Doc] = []
        for number in range(sets):
            for k in range(per_set):
                roll = k % 10
                if roll < 4:
                    doc = self.copy(self.rng.choice(originals))
                elif roll < 7 and self.events:
                    event_id = self.rng.randrange(len(self.events))
                    doc = self.distinct(event_id, self.events[event_id])
                else:
                    doc = self.distinct()
                doc.name = f"p{number}_{doc.name}"
                out.append(doc)
        return out

    def _event(self) -> dict:
        rng = self.rng
        start = self.published()
        names = rng.sample(self.vocab["id"].names, 2)
        return {
            "names": names,
            "keyword": rng.choice(EVENT_KEYWORDS),
            "figure": rng.randint(2, 90) * 1000,
            "day": start.date(),
            "published": lambda r, s=start: s + timedelta(minutes=r.randint(0, 36 * 60)),
        }

    # -- files -------------------------------------------------------------------

    def render(self, doc: Doc) -> str:
        rng = self.rng
        lang = doc.language
        site = doc.outlet.upper()
        when = doc.published.astimezone(UTC) + timedelta(hours=7)
        if lang == "id":
            dateline = rng.choice(
                (
                    f"Jakarta, {ID_DAYS[when.weekday()]} ({when.day}/{when.month}/{when.year}) "
                    f"{when:%H:%M} WIB",
                    f"Tanggal: {when.day} {ID_MONTHS[when.month - 1][:3]} {when.year} "
                    f"{when:%H:%M} wib.",
                )
            )
            promo = rng.choice(
                (
                    f"{site} hadir di saluran whatsapp, silakan JOIN CHANNEL",
                    "Ikuti berita terbaru kami di Google News, klik di sini",
                    "Gabung grup Telegram kami untuk update berita setiap hari",
                )
            )
            related = "Baca juga: " + self.headline(lang, None)
            footer = f"Copyright © {when.year} {doc.outlet}.com. Hak cipta dilindungi."
            menu = ["Beranda", "Nasional", "Internasional", "Politik", "Olahraga"]
        else:
            dateline = (
                f"{EN_DAYS[when.weekday()]}, {EN_MONTHS[when.month - 1]} {when.day}, "
                f"{when.year} {when:%H:%M}"
            )
            promo = rng.choice(
                (
                    f"Join our WhatsApp channel for {site} updates, subscribe now",
                    "Follow us on Telegram and never miss a story",
                    "Download our app for free and get notifications",
                )
            )
            related = "Read more: " + self.headline(lang, None)
            footer = f"© {when.year} {doc.outlet}.com. All rights reserved."
            menu = ["Home", "World", "Politics", "Asia", "Sport"]
        lines = [" | ".join(menu), doc.headline, dateline]
        paragraphs = [" ".join(p) for p in doc.paragraphs]
        middle = rng.randrange(1, len(paragraphs) + 1)
        paragraphs.insert(middle, related)
        if doc.copy_of is not None:
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), promo)
            if rng.random() < 0.5:
                paragraphs += _comment_form(lang)
        else:
            paragraphs.append(promo)
        if rng.random() < WRAPPED_SHARE:
            paragraphs = [_wrap(p) for p in paragraphs]
        return "\n\n".join([*lines, *paragraphs, footer]) + "\n"

    def write(self, folder: Path, probes: Path, *, sets: int, per_set: int) -> dict:
        """Write the corpus into ``folder``, probe sets into ``probes``; return the truth."""
        folder.mkdir(parents=True, exist_ok=True)
        probes.mkdir(parents=True, exist_ok=True)
        docs = self.documents()
        for doc in docs:
            (folder / doc.name).write_text(self.render(doc), encoding="utf-8")
        extra = self.probes([d for d in docs if d.copy_of is None], sets, per_set)
        for doc in extra:
            (probes / doc.name).write_text(self.render(doc), encoding="utf-8")
        return {
            "n": self.n,
            "days": self.days,
            "copies": {d.name: d.copy_of for d in docs if d.copy_of},
            "events": _groups(docs),
            "languages": {
                "id": sum(d.language == "id" for d in docs),
                "en": sum(d.language == "en" for d in docs),
            },
            "probes": {d.name: {"copy_of": d.copy_of, "event": d.event} for d in extra},
        }


def _comment_form(language: str) -> list[str]:
    if language == "id":
        return [
            "Tinggalkan Balasan",
            "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *",
            "Komentar",
        ]
    return [
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Comment",
    ]


def _wrap(paragraph: str, width: int = 72) -> str:
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _groups(docs: list[Doc]) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for doc in docs:
        if doc.event is not None:
            groups.setdefault(doc.event, []).append(doc.name)
    return list(groups.values())


def generate(
    folder: Path, n: int, *, seed: int = 20250630, probe_sets: int = 3, per_set: int = 300
) -> dict:
    """Write ``n`` articles into ``folder`` and probes beside it, with their truth.

    A corpus already written with the same parameters is reused.
    """
    truth_path = truth_file(folder)
    wanted = {
        "n": n,
        "seed": seed,
        "probe_sets": probe_sets,
        "per_set": per_set,
        "version": CORPUS_VERSION,
    }
    if truth_path.exists() and folder.is_dir():
        truth = json.loads(truth_path.read_text())
        if all(truth.get(k) == v for k, v in wanted.items()):
            return truth
    probes = probe_folder(folder)
    for old in (folder, probes):
        if old.is_dir():
            for path in old.iterdir():
                path.unlink()
    truth = Generator(n, seed).write(folder, probes, sets=probe_sets, per_set=per_set)
    truth.update(wanted)
    truth_path.write_text(json.dumps(truth))
    return truth


def probe_folder(folder: Path) -> Path:
    return folder.parent / f"{folder.name}.probes"


def truth_file(folder: Path) -> Path:
    return folder.parent / f"{folder.name}.truth.json"
