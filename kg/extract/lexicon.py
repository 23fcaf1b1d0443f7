"""The word lists the rules use (reporting verbs, titles, organisation heads), read from data.

Rules stay general by keeping their vocabulary here, as data a linguist can extend, rather than
as short lists inside the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Lexicon:
    """Lower-case word sets; `reporting_verbs` maps a lemma to its past-tense cue."""

    reporting_verbs: dict[str, str]
    object_content_verbs: frozenset[str]
    weak_object_verbs: frozenset[str]
    prep_content_verbs: dict[str, frozenset[str]]
    need_content_clause_verbs: frozenset[str]
    platforms: dict[str, str]
    title_words: frozenset[str]
    honorifics: frozenset[str]
    person_title_heads: frozenset[str]
    org_heads: frozenset[str]
    company_nouns: frozenset[str]
    group_nouns: frozenset[str]
    place_heads: frozenset[str]
    place_preps: frozenset[str]
    person_verbs: frozenset[str]
    male_pronouns: frozenset[str]
    female_pronouns: frozenset[str]
    org_pronouns: frozenset[str]
    place_nouns: frozenset[str] = frozenset()
    member_nouns: frozenset[str] = frozenset()
    facility_heads: frozenset[str] = frozenset()
    jurisdiction_titles: frozenset[str] = frozenset()
    org_suffixes: frozenset[str] = frozenset()
    local_government_words: frozenset[str] = frozenset()
    public_body_heads: frozenset[str] = frozenset()
    information_verbs: frozenset[str] = frozenset()
    foreign_org_words: frozenset[str] = frozenset()
    name_connectors: frozenset[str] = frozenset()
    landmark_words: frozenset[str] = frozenset()
    descriptor_nouns: frozenset[str] = frozenset()
    speaker_suffixes: tuple[str, ...] = ()
    non_speaker_suffixes: tuple[str, ...] = ()
    post_nominals: frozenset[str] = frozenset()  # case-sensitive ("SC", "KC", "OBE")
    area_words: frozenset[str] = frozenset()
    storm_words: frozenset[str] = frozenset()
    compass_words: frozenset[str] = frozenset()
    foreign_place_heads: frozenset[str] = frozenset()
    continents: frozenset[str] = frozenset()

    @property
    def person_pronouns(self) -> frozenset[str]:
        return self.male_pronouns | self.female_pronouns


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon, read once."""
    raw = json.loads((_DATA / "lexicon.json").read_text(encoding="utf-8"))

    def words(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in raw.get(key, ()))

    return Lexicon(
        reporting_verbs=dict(raw["reporting_verbs"]),
        object_content_verbs=words("object_content_verbs"),
        weak_object_verbs=words("weak_object_verbs"),
        prep_content_verbs={k: frozenset(v) for k, v in raw["prep_content_verbs"].items()},
        need_content_clause_verbs=words("need_content_clause_verbs"),
        platforms=dict(raw["platforms"]),
        title_words=words("title_words"),
        honorifics=words("honorifics"),
        person_title_heads=words("person_title_heads"),
        org_heads=words("org_heads"),
        company_nouns=words("company_nouns"),
        group_nouns=words("group_nouns"),
        place_heads=words("place_heads"),
        place_preps=words("place_preps"),
        person_verbs=words("person_verbs"),
        male_pronouns=words("male_pronouns"),
        female_pronouns=words("female_pronouns"),
        org_pronouns=words("org_pronouns"),
        place_nouns=words("place_nouns"),
        member_nouns=words("member_nouns"),
        facility_heads=words("facility_heads"),
        jurisdiction_titles=words("jurisdiction_titles"),
        org_suffixes=words("org_suffixes"),
        local_government_words=words("local_government_words"),
        public_body_heads=words("public_body_heads"),
        information_verbs=words("information_verbs"),
        foreign_org_words=words("foreign_org_words"),
        name_connectors=words("name_connectors"),
        landmark_words=words("landmark_words"),
        descriptor_nouns=words("descriptor_nouns"),
        speaker_suffixes=tuple(raw.get("speaker_suffixes", ())),
        non_speaker_suffixes=tuple(raw.get("non_speaker_suffixes", ())),
        post_nominals=frozenset(raw.get("post_nominals", ())),
        area_words=words("area_words"),
        storm_words=words("storm_words"),
        compass_words=words("compass_words"),
        foreign_place_heads=words("foreign_place_heads"),
        continents=words("continents"),
    )
