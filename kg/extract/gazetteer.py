"""Well-known public entities (agencies, international bodies, places) for typing and linking.

The gazetteer only helps: it types and links names the model finds or misses (acronyms such as
"ICE" that the small model does not tag), but people and organisations it has never heard of are
found from the text alone. Matching is case-sensitive so that "WHO" never matches "who".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class GazetteerEntry:
    """One public entity; `aliases` include acronyms and common short forms."""

    wikidata: str
    name: str
    type: str
    subtype: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)
    match: bool = True

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def name_key(text: str) -> str:
    """A comparison key: case, punctuation, a leading article and a possessive do not count."""
    s = text.replace("\u2019", "'").replace("\u2018", "'").strip()
    s = re.sub(r"'s?$", "", s)
    s = re.sub(r"^(the|a|an)\s+", "", s, flags=re.IGNORECASE)
    s = s.lower().replace(".", "")
    s = re.sub(r"[^\w ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


class Gazetteer:
    """Entries indexed by every name form's key."""

    def __init__(self, entries: list[GazetteerEntry]) -> None:
        self.entries = entries
        self._by_key: dict[str, GazetteerEntry] = {}
        for entry in entries:
            for form in entry.forms:
                self._by_key.setdefault(name_key(form), entry)

    def lookup(self, text: str) -> GazetteerEntry | None:
        """The entry one of whose forms is `text` (case-insensitive), if any."""
        return self._by_key.get(name_key(text))

    def match_forms(self) -> list[tuple[str, GazetteerEntry]]:
        """Every (surface form, entry) to look for verbatim in a text."""
        return [(form, e) for e in self.entries if e.match for form in e.forms]


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer, read once."""
    raw = json.loads((_DATA / "gazetteer.json").read_text(encoding="utf-8"))
    entries = [
        GazetteerEntry(
            wikidata=row["wikidata"],
            name=row["name"],
            type=row["type"],
            subtype=row.get("subtype"),
            aliases=tuple(row.get("aliases", [])),
            match=row.get("match", True),
        )
        for row in raw["entries"]
    ]
    return Gazetteer(entries)
