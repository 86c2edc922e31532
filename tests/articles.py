"""Distinct on-topic articles, generated: each one a separate event for the pipeline.

Every article has its own place, subject, officials and figures (and is
dated six days after the one before): no two share the terms that group
reports into one story or the shingles of a copy, so N articles make N
stories. Tests use them to build large digests through the real pipeline.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

PLACES = (
    "Vladivostok Khabarovsk Rason Sinuiju Wonsan Chongjin Hamhung Nampo Kaesong Haeju "
    "Irkutsk Novosibirsk Kazan Omsk Tomsk Murmansk Sochi Yakutsk Magadan Chita "
    "Ulan-Ude Barnaul Perm Samara Saratov Volgograd Tula Kursk Belgorod Bryansk"
).split()
SUBJECTS = (
    "railway bridge|fishing quota|wheat shipment|satellite launch|student exchange|"
    "tourist route|coal contract|power line|hospital project|ferry service|timber deal|"
    "air route|ruble payments|oil delivery|labour permits|film festival|chess match|"
    "port upgrade|fertiliser sale|drone factory|artillery shells|missile parts|naval drill|"
    "border crossing|trade fair|science academy|space centre|mining licence|road tunnel|"
    "grain silo"
).split("|")
RUSSIANS = (
    "Ivanov Petrov Sidorov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov "
    "Volkov Alekseev Pavlov Semenov Golubev Vinogradov Bogdanov Vorobyov Fyodorov Mikhailov "
    "Belyaev Tarasov Belov Komarov Orlov Kiselev Makarov Andreev Kovalev"
).split()
KOREANS = (
    "Choe Pak Ri Kang Jon Han Ryu Mun Hwang Yun Jang Sin Ho Kwon Song Ju O Paek Ko Nam Sim "
    "Ryang Ji Cha Ku Jo Myong Rim Ok Chu"
).split()
MAX_ARTICLES = len(PLACES)


def article(n: int) -> tuple[str, str, str]:
    """(file name, headline, text) of the ``n``-th article (0 ≤ n < MAX_ARTICLES)."""
    place, subject = PLACES[n], SUBJECTS[n]
    russian, korean = RUSSIANS[n], KOREANS[n]
    day = date(2025, 1, 2) + timedelta(days=6 * n)
    headline = f"Russia and North Korea agree on {subject} in {place}"
    paragraphs = [
        headline,
        f"{place}, {day:%d %B %Y} - Russia and North Korea signed an agreement on the "
        f"{subject} in {place} on {day:%A}, officials said.",
        f"Russian deputy minister {russian} told reporters that the {subject} would involve "
        f"{1000 + 137 * n} workers and start within {n + 2} months, the first project of its "
        f"kind in {place}.",
        f"North Korean envoy {korean} called the {subject} a sign of friendship between "
        f"Pyongyang and Moscow, and said {place} had been chosen for its {n + 3} existing "
        "facilities.",
        f"Analysts noted that the {subject} deal in {place} follows talks held in "
        f"{PLACES[(n + 7) % MAX_ARTICLES]} earlier this year, where {russian} and {korean} "
        "first met.",
    ]
    return f"{n:03d}_{place.lower()}.txt", headline, "\n\n".join(paragraphs) + "\n"


def write_articles(folder: Path, count: int, *, start: int = 0) -> list[str]:
    """Write articles ``start`` … ``start + count - 1`` into ``folder``; return their headlines."""
    folder.mkdir(parents=True, exist_ok=True)
    headlines = []
    for n in range(start, start + count):
        name, headline, text = article(n)
        (folder / name).write_text(text, encoding="utf-8")
        headlines.append(headline)
    return headlines
