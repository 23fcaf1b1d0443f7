"""The extraction report: what an article says, as typed data.

One format serves three producers and one consumer: the extractor prints it
(`claimgraph extract --format json`), a person writes it by hand (a *fact sheet*,
`claimgraph ingest --facts`), the scorer in ../shared/eval reads it, and
`kg.graph.mapping` turns it into RDF. Keys beyond the scored ones (events, dates,
factuality, medium, publisher) extend the format; the scorer ignores them.

Offsets index the article text as Python reads it (code points), end exclusive.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kg.errors import FactSheetError

EntityType = Literal["Person", "Organization", "Place", "Group", "Publisher"]
Qualifier = Literal["exact", "approximately", "at_least", "more_than", "at_most", "less_than"]
ClaimType = Literal["direct_quote", "indirect", "according_to", "narration"]
EventType = Literal["Deployment", "Raid", "Protest", "Arrest", "Attack", "Event"]
Certainty = Literal["certain", "probable", "possible"]
Polarity = Literal["positive", "negative"]
Tense = Literal["future", "non_future"]


class _Model(BaseModel):
    # Unknown keys are kept, not refused: the report format is open for extension.
    model_config = ConfigDict(extra="allow", frozen=False)


class Span(_Model):
    """A half-open character range of the article text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"span start {self.start} is not before its end {self.end}")
        return self


class Entity(_Model):
    """A real-world thing the article names or refers to; one node however often mentioned.

    `subtype` refines `type` where the text or the gazetteer tells more
    (GovernmentOrganization, City, State, Country); `wikidata` is a Q-identifier.
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    type: EntityType
    mentions: list[Span] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    subtype: str | None = None
    wikidata: str | None = Field(default=None, pattern=r"^Q[1-9][0-9]*$")


class Role(_Model):
    """An office a person holds, as of the article's date ("Secretary of Defense").

    `organization` is where the post is (an Organization); `jurisdiction` is the place
    whose office it is when the text names a place ("Chad's interior minister").
    """

    person: str
    title: str = Field(min_length=1)
    organization: str | None = None
    jurisdiction: str | None = None
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)


class Quantity(_Model):
    """A counted or measured figure with its qualifier and what it counts.

    `value` is the figure a reader would quote; a range ("between 200 and 300")
    gives `min_value` and `max_value` too. `unit` is an ISO 4217 code for money,
    a unit word otherwise. `counted_of` is the entity the counted things belong to
    ("2,000 National Guard troops": troops of the National Guard).

    `counted_of_start`/`counted_of_end` are where the text names that owner: the quantity
    step reads the words before entities have ids, and the pipeline turns the span into
    `counted_of`. They are kept in the report (as they always were printed) so that a reader
    can see which words were taken for the owner.
    """

    id: str | None = None
    value: float = Field(ge=0)
    qualifier: Qualifier = "exact"
    unit: str | None = None
    counted: str | None = None
    counted_of: str | None = None
    min_value: float | None = Field(default=None, ge=0)
    max_value: float | None = Field(default=None, ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    # Last, so that the report's keys keep the order they had as undeclared extras.
    counted_of_start: int | None = Field(default=None, ge=0)
    counted_of_end: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _range(self) -> Quantity:
        if self.end <= self.start:
            raise ValueError(f"quantity span start {self.start} is not before its end {self.end}")
        if (self.counted_of_start is None) != (self.counted_of_end is None):
            raise ValueError("counted_of_start and counted_of_end go together")
        if (
            self.counted_of_start is not None
            and self.counted_of_end is not None
            and self.counted_of_end <= self.counted_of_start
        ):
            raise ValueError(
                f"counted_of span start {self.counted_of_start} is not before its end "
                f"{self.counted_of_end}"
            )
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(f"min_value {self.min_value} is above max_value {self.max_value}")
        return self


class Factuality(_Model):
    """How the text presents a claim (the GRaSP factuality values)."""

    certainty: Certainty = "certain"
    polarity: Polarity = "positive"
    tense: Tense = "non_future"


class Claim(_Model):
    """An attributed statement: who (claimant), how (cue), and what (the content span)."""

    id: str | None = None
    claimant: str
    cue: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    cue_start: int | None = Field(default=None, ge=0)
    cue_end: int | None = Field(default=None, ge=0)
    type: ClaimType = "indirect"
    medium: str | None = None  # the platform's name ("Truth Social", "X"), not an entity id
    factuality: Factuality = Field(default_factory=Factuality)
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    mentions: list[str] = Field(default_factory=list)
    quantities: list[str] = Field(default_factory=list)
    # The pieces of a quotation its reporting clause interrupts ("X," she said, "Y"): one
    # claim whose start/end run from the first piece to the last (PolNeAR's annotators make
    # it one attribution); `text` joins the pieces.
    parts: list[Span] | None = None

    def text(self, article: str) -> str:
        """What was claimed, in the article's words (the pieces joined by a space)."""
        if self.parts:
            return " ".join(article[p.start : p.end] for p in self.parts)
        return article[self.start : self.end]

    @model_validator(mode="after")
    def _ordered(self) -> Claim:
        if self.end <= self.start:
            raise ValueError(f"claim span start {self.start} is not before its end {self.end}")
        if (self.cue_start is None) != (self.cue_end is None):
            raise ValueError("cue_start and cue_end go together")
        if (
            self.cue_start is not None
            and self.cue_end is not None
            and (self.cue_end <= self.cue_start)
        ):
            raise ValueError(f"cue span start {self.cue_start} is not before its end")
        return self


class Event(_Model):
    """Something that happened or is claimed to happen: a deployment, a raid, an arrest.

    `claim` ties the event to the claim that asserts it; the event then lives in
    that claim's proposition graph rather than in the article's own voice.
    """

    id: str = Field(min_length=1)
    type: EventType = "Event"
    trigger: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    actor: str | None = None
    place: str | None = None
    force: str | None = None
    date: dt.date | None = None
    quantities: list[str] = Field(default_factory=list)
    claim: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Event:
        if self.end <= self.start:
            raise ValueError(f"event span start {self.start} is not before its end {self.end}")
        return self


class ArticleMeta(_Model):
    """What is known of the article besides its text."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    author: str | None = None
    language: str = "en"

    @field_validator("published", mode="before")
    @classmethod
    def _date_only(cls, value: object) -> object:
        # Accept a full timestamp (as HTML metadata gives it) but keep the day.
        if isinstance(value, str) and "T" in value:
            return value.split("T", 1)[0]
        return value


class Extraction(_Model):
    """The whole report for one article."""

    article: ArticleMeta = Field(default_factory=ArticleMeta)
    entities: list[Entity] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Extraction:
        problems = dangling_references(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def entity(self, entity_id: str) -> Entity:
        return next(e for e in self.entities if e.id == entity_id)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)


def dangling_references(report: Extraction) -> list[str]:
    """Every id the report uses but does not define, as a sentence for the user."""
    entity_ids = {e.id for e in report.entities}
    problems: list[str] = []
    seen: set[str] = set()
    for e in report.entities:
        if e.id in seen:
            problems.append(f"entity id {e.id!r} is defined twice")
        seen.add(e.id)
    quantity_ids = {q.id for q in report.quantities if q.id}
    claim_ids = {c.id for c in report.claims if c.id}

    def need(kind: str, ref: str | None, where: str, known: set[str]) -> None:
        if ref is not None and ref not in known:
            problems.append(f"{where} refers to {kind} {ref!r}, which the report does not define")

    for i, r in enumerate(report.roles):
        need("entity", r.person, f"roles[{i}].person", entity_ids)
        need("entity", r.organization, f"roles[{i}].organization", entity_ids)
        need("entity", r.jurisdiction, f"roles[{i}].jurisdiction", entity_ids)
    for i, q in enumerate(report.quantities):
        need("entity", q.counted_of, f"quantities[{i}].counted_of", entity_ids)
    for i, c in enumerate(report.claims):
        need("entity", c.claimant, f"claims[{i}].claimant", entity_ids)
        for ref in c.mentions:
            need("entity", ref, f"claims[{i}].mentions", entity_ids)
        for ref in c.quantities:
            need("quantity", ref, f"claims[{i}].quantities", quantity_ids)
    for i, ev in enumerate(report.events):
        for key in ("actor", "place", "force"):
            need("entity", getattr(ev, key), f"events[{i}].{key}", entity_ids)
        for ref in ev.quantities:
            need("quantity", ref, f"events[{i}].quantities", quantity_ids)
        need("claim", ev.claim, f"events[{i}].claim", claim_ids)
    return problems


# Which entity types each reference may point at: what the shapes accept, stated once in
# the report's own terms so that a fact sheet gets a plain message and the extractor can
# drop a link it got wrong instead of losing the whole article at the SHACL gate.
AGENT_TYPES = frozenset({"Person", "Organization", "Group", "Publisher"})
# A country, state or city that speaks stands for its government ("Russia insisted that …",
# "Saudi Arabia argued …"): news attributes to the place itself, and so do PolNeAR's
# annotators (14 sources of dev) and the project's own gold; the graph types such a place a
# prov:Agent as well.
CLAIMANT_TYPES = AGENT_TYPES | {"Place"}
REFERENCE_TYPES: dict[tuple[str, str], frozenset[str]] = {
    ("roles", "person"): frozenset({"Person"}),
    ("roles", "organization"): frozenset({"Organization", "Publisher"}),
    ("roles", "jurisdiction"): frozenset({"Place"}),
    ("claims", "claimant"): CLAIMANT_TYPES,
    ("events", "actor"): AGENT_TYPES,
    ("events", "place"): frozenset({"Place"}),
    ("events", "force"): frozenset({"Organization"}),
}


def mistyped_references(report: Extraction) -> list[str]:
    """Every reference to an entity of a type it cannot have, as a sentence for the user."""
    types = {e.id: e.type for e in report.entities}
    problems: list[str] = []
    for (part, key), allowed in REFERENCE_TYPES.items():
        for i, item in enumerate(getattr(report, part)):
            ref = getattr(item, key)
            if ref is not None and ref in types and types[ref] not in allowed:
                problems.append(
                    f"{part}[{i}].{key} refers to {ref!r}, of type {types[ref]}; it must be "
                    + " or ".join(sorted(allowed))
                )
    return problems


def without_mistyped_references(report: Extraction) -> Extraction:
    """The report less what cannot stand: optional links unset, required ones dropped.

    Items are copied only where they change (a deep copy of a long report costs more than
    the rest of this check).
    """
    types = {e.id: e.type for e in report.entities}

    def ok(part: str, key: str, ref: str | None) -> bool:
        return ref is None or types.get(ref) in REFERENCE_TYPES[(part, key)]

    roles: list[Role] = []
    for r in report.roles:
        if not ok("roles", "person", r.person):
            continue
        update: dict[str, str | None] = {}
        if not ok("roles", "organization", r.organization):
            # "Peru's finance minister": the place is the post's jurisdiction.
            if r.jurisdiction is None and types.get(r.organization or "") == "Place":
                update["jurisdiction"] = r.organization
            update["organization"] = None
        if not ok("roles", "jurisdiction", update.get("jurisdiction", r.jurisdiction)):
            update["jurisdiction"] = None
        roles.append(r.model_copy(update=update) if update else r)
    claims = [c for c in report.claims if ok("claims", "claimant", c.claimant)]
    kept_ids = {c.id for c in claims if c.id}
    events: list[Event] = []
    for ev in report.events:
        update = {
            key: None
            for key in ("actor", "place", "force")
            if not ok("events", key, getattr(ev, key))
        }
        if ev.claim is not None and ev.claim not in kept_ids:
            update["claim"] = None
        events.append(ev.model_copy(update=update) if update else ev)
    return report.model_copy(update={"roles": roles, "claims": claims, "events": events})


def spans_outside(report: Extraction, text: str) -> list[str]:
    """Every span that does not fit the text, as a sentence for the user."""
    n = len(text)
    problems: list[str] = []

    def check(where: str, start: int | None, end: int | None) -> None:
        if start is None or end is None:
            return
        if end <= start:
            # Roles' spans are optional, so their model leaves the order to this check.
            problems.append(f"{where} span {start}-{end} is empty or reversed")
        elif end > n:
            problems.append(
                f"{where} span {start}-{end} ends after the article's last character ({n})"
            )

    for e in report.entities:
        for j, m in enumerate(e.mentions):
            check(f"entity {e.id!r} mention {j}", m.start, m.end)
    for i, r in enumerate(report.roles):
        check(f"roles[{i}]", r.start, r.end)
    for i, q in enumerate(report.quantities):
        check(f"quantities[{i}]", q.start, q.end)
        check(f"quantities[{i}] counted_of", q.counted_of_start, q.counted_of_end)
    for i, c in enumerate(report.claims):
        check(f"claims[{i}]", c.start, c.end)
        check(f"claims[{i}] cue", c.cue_start, c.cue_end)
    for i, ev in enumerate(report.events):
        check(f"events[{i}]", ev.start, ev.end)
    return problems


def parse_report(raw: str | bytes, *, source: str = "fact sheet") -> Extraction:
    """Read a report from JSON, turning every validation problem into one clear error."""
    from pydantic import ValidationError

    try:
        report = Extraction.model_validate_json(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
            msg = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{loc}: {msg}")
        raise FactSheetError(f"{source} is not a valid report:\n  " + "\n  ".join(lines)) from exc
    problems = infinite_figures(report)
    if problems:
        raise FactSheetError(f"{source} is not a valid report:\n  " + "\n  ".join(problems))
    return report


def infinite_figures(report: Extraction) -> list[str]:
    """Every figure too large to be a number (JSON's 1e999, `Infinity`), as a sentence.

    An xsd:decimal has no infinity, so such a figure could never be stored; a fact sheet
    hears it here, in its own terms, rather than from the SHACL gate.
    """
    problems: list[str] = []
    for i, q in enumerate(report.quantities):
        for key in ("value", "min_value", "max_value"):
            figure = getattr(q, key)
            if figure is not None and not math.isfinite(figure):
                problems.append(f"quantities.{i}.{key}: {figure} is not a finite number")
    return problems
